//! The Yew UI (wasm32 only). Placeholder until the web app lands.
pub fn start() {}
