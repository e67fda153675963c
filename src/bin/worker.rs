//! The analysis worker's wasm module. Trunk builds this binary for wasm32 with the `worker`
//! profile (speed first, `opt-level = 3`), apart from the page's size-first module: the page
//! starts it in a dedicated web worker once it is up, and every analysis runs here — text and
//! captures, and the share panel's links, redaction and exports. The page's own module has no
//! analysis code, which keeps its first load small. Natively it only explains.
//!
//! The page's side and the message protocol are in `src/ui/worker.rs`; www/boot.js is the
//! worker script that loads this module and calls [`sipdiag_worker_job`] and
//! [`sipdiag_worker_share`].
#[cfg(target_arch = "wasm32")]
mod job {
    use sipdiag::view::wire;
    use sipdiag::view::worker::{analyse, options_from_parts, Input, Packed, Stage};
    use wasm_bindgen::prelude::*;

    /// Runs one job (called by www/boot.js): analyses `text` or `bytes`, telling `stage` what
    /// it does, and returns `[report, refs]` of the [`Packed`] report.
    #[wasm_bindgen]
    pub fn sipdiag_worker_job(
        text: Option<String>,
        bytes: Option<Vec<u8>>,
        profile: String,
        symptom: String,
        pbx: String,
        stage: &js_sys::Function,
    ) -> js_sys::Array {
        let options = options_from_parts(profile, symptom, pbx);
        let say = |s: Stage| {
            let _ = stage.call1(&JsValue::NULL, &JsValue::from_str(s.id()));
        };
        say(Stage::Analysing);
        let packed = match (&text, &bytes) {
            (Some(t), _) => Packed::from_text(t, &options, say),
            (None, Some(b)) => {
                let report = analyse(Input::Bytes(b), &options);
                drop(bytes);
                say(Stage::Preparing);
                Packed::pack(report, None)
            }
            (None, None) => Packed::pack(analyse(Input::Text(""), &options), None),
        };
        let out = js_sys::Array::new();
        out.push(&js_sys::Uint8Array::from(&packed.report[..]));
        out.push(&js_sys::Uint32Array::from(&packed.refs[..]));
        out
    }

    /// Prepares the share panel for `text` (called by www/boot.js): `ask` is an encoded
    /// `ShareAsk`, the answer an encoded `Prepared` (`sipdiag::view::wire`); empty when the
    /// question cannot be read.
    #[wasm_bindgen]
    pub fn sipdiag_worker_share(text: String, ask: Vec<u8>) -> Vec<u8> {
        match wire::decode_ask(&ask) {
            Some(ask) => wire::encode_prepared(&ask.prepare(&text)),
            None => Vec::new(),
        }
    }
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("sipdiag-worker is the web app's analysis worker: `trunk build` builds it (see README).");
    std::process::exit(64);
}
