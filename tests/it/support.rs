//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

/// The crate root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The project's own fixtures (`tests/fixtures/...`).
pub fn fixture(rel: &str) -> String {
    let p = root().join("tests/fixtures").join(rel);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("fixture {}: {e}", p.display()))
}

/// The outside corpus (`../shared/corpus` beside the checkout). `None`, with a note on stderr,
/// where it is absent (a fresh clone): tests that need it then skip.
pub fn corpus_dir() -> Option<PathBuf> {
    let p = root().join("../shared/corpus");
    if p.is_dir() {
        Some(p)
    } else {
        eprintln!("SKIP: ../shared/corpus is not present beside this checkout; corpus tests skipped");
        None
    }
}

/// Reads a corpus file as text (bytes decoded like the CLI does).
pub fn corpus_text(dir: &std::path::Path, rel: &str) -> String {
    let bytes = std::fs::read(dir.join(rel)).unwrap_or_else(|e| panic!("corpus file {rel}: {e}"));
    sipdiag::cli::decode(&bytes)
}
