//! Permalink opening on any text: `permalink::decode`, and for a trace link the page's next
//! steps (ingest, analyse with the link's options, find its selection, report). Nothing may
//! panic, and a link that decodes re-encodes to a link that decodes to the same thing.
//!
//! Input starting with NUL then `v` or `d` is a payload instead: it is sealed into a valid link
//! of that kind (check, plain DEFLATE, base64url: docs/PERMALINK.md) before decoding, so the
//! fuzzer reaches the TLV and JSON readers behind the check.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sipdiag::permalink::{self, Link};
use sipdiag::report::{Detail, Report};
use sipdiag::Analysis;

fn seal(kind: u8, body: &[u8]) -> String {
    let mut h: u32 = 0x811c_9dc5;
    for &b in body {
        h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
    }
    let h = (h >> 24) ^ (h & 0x00ff_ffff);
    let mut bytes = vec![(h >> 16) as u8, (h >> 8) as u8, h as u8];
    bytes.extend(miniz_oxide::deflate::compress_to_vec(body, 1));
    let mut s = format!("#{}1.", kind as char);
    permalink::base64url_encode(&bytes, &mut s);
    s
}

fuzz_target!(|data: &[u8]| {
    let sealed;
    let text = match data {
        [0, kind @ (b'v' | b'd'), body @ ..] => {
            sealed = seal(*kind, body);
            sealed.as_str()
        }
        _ => match std::str::from_utf8(data) {
            Ok(t) => t,
            Err(_) => return,
        },
    };
    let Ok(link) = permalink::decode(text) else { return };
    if let Ok(again) = permalink::encode(&link) {
        assert_eq!(permalink::decode(&again).as_ref(), Ok(&link), "re-encoded link differs");
    }
    if let Link::Trace(t) = &link {
        let ing = sipdiag::ingest(&t.input);
        let a = Analysis::new(&ing, &t.options());
        let _ = t.selection(&a);
        let _ = Report::build(&a, Detail::Full);
    }
});
