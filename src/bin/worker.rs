//! The analysis worker's wasm module. Trunk builds this binary for wasm32 with the `worker`
//! profile (speed first, `opt-level = 3`), apart from the page's size-first module: the page
//! loads it into a dedicated web worker the first time a job needs one (a large input or a
//! capture file), so its bytes are not part of the page's first load. It holds the same core
//! as the page plus what only the worker does: the capture reader and the report encoder
//! (`sipdiag::view::worker::Packed`). Natively it only explains.
//!
//! The page's side and the message protocol are in `src/ui/worker.rs`; www/boot.js is the
//! worker script that loads this module and calls [`sipdiag_worker_job`].
#[cfg(target_arch = "wasm32")]
mod job {
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
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("sipdiag-worker is the web app's analysis worker: `trunk build` builds it (see README).");
    std::process::exit(64);
}
