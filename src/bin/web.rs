//! The web app's entry point. Trunk builds this binary for wasm32; natively it only explains.
//! The same module also runs in the page's analysis worker (src/ui/worker.rs): there it mounts
//! nothing and only answers jobs.
#[cfg(target_arch = "wasm32")]
fn main() {
    if !sipdiag::ui::worker::in_worker() {
        sipdiag::ui::start();
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!(
        "sipdiag-web is the browser app: build it with `trunk build` (see README). The native tool is `sipdiag`."
    );
    std::process::exit(64);
}
