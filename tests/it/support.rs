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

/// xorshift64*: reproducible randomness for the property tests (the same sequence every run).
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    /// A number below `n` (0 for `n` = 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
    /// True `percent` times in a hundred.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}
