//! sipdiag's parse work compiled to wasm, for node and the browser (../js). The same function as
//! the native run ([`sipdiag_peers::sipdiag_fields`]), so the digests must match.

use sipdiag_peers::sipdiag::{diagnose::Options, ingest, Analysis};
use sipdiag_peers::{run_once, sipdiag_fields, slices, Fields};
use wasm_bindgen::prelude::*;

/// What one run did: the digest proves the same fields were read as natively.
#[wasm_bindgen]
#[derive(Debug, Clone, Copy, Default)]
pub struct Stats {
    pub messages: u32,
    pub parsed: u32,
    /// Low 52 bits of the field digest (exact in a JS number).
    pub digest: f64,
    pub calls: u32,
    pub findings: u32,
}

fn digest52(d: u64) -> f64 {
    (d & ((1 << 52) - 1)) as f64
}

/// Parses every message of `text` (`offsets`: `offset, len` pairs in bytes) and reads the typed
/// fields. The text crosses into wasm memory on every call (as a page would).
#[wasm_bindgen]
pub fn parse_all(text: &str, offsets: &[u32]) -> Stats {
    let msgs = slices(text, offsets);
    let mut f = Fields::default();
    let d = run_once(&msgs, &mut f, &sipdiag_fields);
    Stats { messages: msgs.len() as u32, parsed: msgs.len() as u32, digest: digest52(d), calls: 0, findings: 0 }
}

/// The corpus kept in wasm memory, to time the parse without the copy in.
#[wasm_bindgen]
pub struct Corpus {
    text: String,
    offsets: Vec<u32>,
}

#[wasm_bindgen]
impl Corpus {
    #[wasm_bindgen(constructor)]
    pub fn new(text: String, offsets: Vec<u32>) -> Corpus {
        Corpus { text, offsets }
    }

    pub fn parse_all(&self) -> Stats {
        let msgs = slices(&self.text, &self.offsets);
        let mut f = Fields::default();
        let d = run_once(&msgs, &mut f, &sipdiag_fields);
        Stats { messages: msgs.len() as u32, parsed: msgs.len() as u32, digest: digest52(d), calls: 0, findings: 0 }
    }
}

/// The whole pipeline on a trace: ingest, parse, calls, diagnosis.
#[wasm_bindgen]
pub fn pipeline(text: &str) -> Stats {
    let ing = ingest(text);
    let a = Analysis::new(&ing, &Options::default());
    Stats {
        messages: ing.items.len() as u32,
        parsed: a.messages.len() as u32,
        digest: 0.0,
        calls: a.calls.calls.len() as u32,
        findings: a.findings.len() as u32,
    }
}
