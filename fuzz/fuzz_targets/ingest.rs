//! The whole pipeline on any input: bytes decoded like the CLI decodes a file, ingested,
//! analysed, reported and serialised. Nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sipdiag::diagnose::Options;
use sipdiag::report::{Detail, Report};
use sipdiag::Analysis;

fuzz_target!(|data: &[u8]| {
    let text = sipdiag::cli::decode(data);
    let ing = sipdiag::ingest(&text);
    let a = Analysis::new(&ing, &Options::default());
    let r = Report::build(&a, Detail::Full);
    let _ = serde_json::to_string(&r);
});
