//! Capture files on any bytes: a pcap/pcapng is read (packets, TCP, HEP, RTP), analysed and
//! reported with its media streams, and the page's capture views are built. Nothing may panic;
//! every message and problem sits at a packet of the file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sipdiag::diagnose::Options;
use sipdiag::report::{Detail, Report};
use sipdiag::view::capture;
use sipdiag::Analysis;

fuzz_target!(|data: &[u8]| {
    if !sipdiag::pcap::is_capture(data) {
        return;
    }
    let ing = sipdiag::pcap::ingest_capture(data);
    let info = ing.capture.as_ref().expect("a capture reports its counts");
    for m in &ing.items {
        assert!((1..=info.packets).contains(&m.first_line), "message at packet {} of {}", m.first_line, info.packets);
    }
    for p in &ing.problems {
        // a record that cannot be read is cited by the number it would have had
        assert!(p.line <= info.packets.saturating_add(1), "problem {p:?} beyond packet {}", info.packets);
    }
    assert_eq!(info.notes.len(), ing.problems.len(), "one note per problem");
    let a = Analysis::new(&ing, &Options::default());
    let r = Report::build(&a, Detail::Full);
    let _ = (capture::notice(&r), capture::packet_note(&r), serde_json::to_string(&r));
    for c in 0..r.calls.len() as u32 {
        let _ = capture::stream_rows(&r, c);
    }
    for i in 0..r.messages.len().min(8) as u32 {
        let _ = capture::message_detail(&r, i);
    }
});
