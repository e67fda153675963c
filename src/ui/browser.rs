//! Every browser API the page uses, in one place: local storage, the clipboard, timers, file
//! reading, the performance clock, focus and scrolling. Components call these; nothing else in
//! the UI touches `web_sys` globals. Every call tolerates a missing API (private mode, an old
//! browser, an insecure origin) and degrades to doing nothing.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::NodeRef;

/// Local storage keys.
pub const KEY_INPUT: &str = "sipdiag.input";
pub const KEY_PROFILE: &str = "sipdiag.profile";
pub const KEY_PBX: &str = "sipdiag.pbx";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// A stored value, `None` when absent or storage is unavailable.
pub fn load(key: &str) -> Option<String> {
    storage()?.get_item(key).ok()?
}

/// Stores a value; `false` when storage is unavailable or full (the key is then removed, so an
/// older value is never restored in its place).
pub fn save(key: &str, value: &str) -> bool {
    let Some(s) = storage() else { return false };
    if value.is_empty() {
        return s.remove_item(key).is_ok();
    }
    if s.set_item(key, value).is_ok() {
        return true;
    }
    let _ = s.remove_item(key);
    false
}

/// Milliseconds from a fixed origin, for measuring.
pub fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or_else(js_sys::Date::now, |p| p.now())
}

/// A pending timer; dropping it cancels the call.
pub struct Timeout {
    id: i32,
    _closure: Closure<dyn FnMut()>,
}

impl Drop for Timeout {
    fn drop(&mut self) {
        if let Some(w) = web_sys::window() {
            w.clear_timeout_with_handle(self.id);
        }
    }
}

/// Calls `f` once after `ms` milliseconds, unless the returned handle is dropped first.
pub fn set_timeout(ms: i32, f: impl FnOnce() + 'static) -> Option<Timeout> {
    let closure = Closure::once_aborting(f);
    let id = web_sys::window()?
        .set_timeout_with_callback_and_timeout_and_arguments_0(closure.as_ref().unchecked_ref(), ms)
        .ok()?;
    Some(Timeout { id, _closure: closure })
}

/// Copies text to the clipboard; `done(true)` when it worked.
pub fn copy_text(text: &str, done: impl FnOnce(bool) + 'static) {
    let Some(nav) = web_sys::window().map(|w| w.navigator()) else { return done(false) };
    // navigator.clipboard is absent on insecure origins: check before calling into it.
    let has = js_sys::Reflect::get(&nav, &JsValue::from_str("clipboard")).map(|v| !v.is_undefined()).unwrap_or(false);
    if !has {
        return done(false);
    }
    let promise = nav.clipboard().write_text(text);
    wasm_bindgen_futures::spawn_local(async move {
        done(wasm_bindgen_futures::JsFuture::from(promise).await.is_ok());
    });
}

/// Reads a file as text (invalid UTF-8 is replaced, never refused), then calls `done` with its
/// name and text, or an error in words.
pub fn read_file(file: web_sys::File, done: impl FnOnce(Result<(String, String), String>) + 'static) {
    let name = file.name();
    let promise = file.array_buffer();
    wasm_bindgen_futures::spawn_local(async move {
        match wasm_bindgen_futures::JsFuture::from(promise).await {
            Ok(buf) => {
                let bytes = js_sys::Uint8Array::new(&buf).to_vec();
                let text = match String::from_utf8(bytes) {
                    Ok(s) => s,
                    Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
                };
                done(Ok((name, text)))
            }
            Err(_) => done(Err(format!("Could not read \u{201c}{name}\u{201d}."))),
        }
    });
}

/// The first file of a drop, if the drop carries files (dropped text is left to the browser).
pub fn dropped_file(e: &web_sys::DragEvent) -> Option<web_sys::File> {
    e.data_transfer()?.files()?.get(0)
}

/// The text of a paste, if it carries text.
pub fn pasted_text(e: &web_sys::ClipboardEvent) -> Option<String> {
    e.clipboard_data()?.get_data("text").ok()
}

/// Whether the whole content of a text box is selected (or it is empty): a paste then replaces it.
pub fn replaces_all(area: &web_sys::HtmlTextAreaElement) -> bool {
    let len = area.value().encode_utf16().count() as u32;
    let start = area.selection_start().ok().flatten().unwrap_or(0);
    let end = area.selection_end().ok().flatten().unwrap_or(0);
    len == 0 || (start == 0 && end >= len)
}

/// The first file picked in an `<input type="file">`.
pub fn picked_file(input: &web_sys::HtmlInputElement) -> Option<web_sys::File> {
    input.files()?.get(0)
}

pub fn focus(node: &NodeRef) {
    if let Some(el) = node.cast::<web_sys::HtmlElement>() {
        let _ = el.focus();
    }
}

/// Brings an element into sight (start of the viewport, without animation for those who asked).
pub fn reveal(node: &NodeRef) {
    if let Some(el) = node.cast::<web_sys::Element>() {
        let opts = web_sys::ScrollIntoViewOptions::new();
        opts.set_block(web_sys::ScrollLogicalPosition::Start);
        el.scroll_into_view_with_scroll_into_view_options(&opts);
    }
}
