//! The SDP reader on any text. Nothing may panic; every line number lies inside the body.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sipdiag::sip::sdp;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let Some(s) = sdp::parse(&text) else { return };
    let lines = text.split('\n').count() as u32;
    for l in s.bad_lines.iter().chain(s.connection_line.iter()).chain(s.origin_line.iter()) {
        assert!(*l < lines);
    }
    let _ = (s.attrs().count(), s.attr("group"));
    for m in &s.media {
        assert!(m.line < lines);
        let _ = (m.attrs().count(), m.candidates().count(), m.has_telephone_event(), m.is_secure(), m.format(0));
        for f in &m.formats {
            let _ = sdp::static_payload(f.pt);
        }
    }
});
