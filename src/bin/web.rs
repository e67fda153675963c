//! The web app's entry point. Trunk builds this binary for wasm32; natively it only explains.
//! The analysis worker is a module of its own (src/bin/worker.rs).
#[cfg(target_arch = "wasm32")]
fn main() {
    sipdiag::ui::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!(
        "sipdiag-web is the browser app: build it with `trunk build` (see README). The native tool is `sipdiag`."
    );
    std::process::exit(64);
}
