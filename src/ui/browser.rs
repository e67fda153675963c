//! Every browser API the page uses, in one place: local storage, the clipboard, timers, file
//! reading, fetching the page's own files, the performance clock, focus and scrolling.
//! Components call these; nothing else in the UI touches `web_sys` globals. Every call tolerates
//! a missing API (private mode, an old browser, an insecure origin) and degrades to doing nothing.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::NodeRef;

/// Local storage keys.
pub const KEY_INPUT: &str = "sipdiag.input";
pub const KEY_PROFILE: &str = "sipdiag.profile";
pub const KEY_PBX: &str = "sipdiag.pbx";

/// Values longer than this are not even offered to local storage.
const STORE_LIMIT: usize = 5 << 20;

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
    // Past the storage quota (about 5 million characters) a copy would only be refused.
    if value.len() > STORE_LIMIT {
        let _ = s.remove_item(key);
        return false;
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

impl Timeout {
    /// Lets the timer fire although nothing holds its handle (its closure stays allocated).
    pub fn forget(self) {
        std::mem::forget(self);
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

/// Reads a file's bytes, then calls `done` with its name and bytes, or an error in words. (Text
/// or capture is decided by the caller: `super::capture::load_file`.)
pub fn read_bytes(file: web_sys::File, done: impl FnOnce(Result<(String, Vec<u8>), String>) + 'static) {
    let name = file.name();
    // Larger than the page can hold: refuse before reading a byte.
    if let Some(msg) = crate::view::worker::too_large(file.size() as usize) {
        return done(Err(msg));
    }
    let promise = file.array_buffer();
    wasm_bindgen_futures::spawn_local(async move {
        match wasm_bindgen_futures::JsFuture::from(promise).await {
            Ok(buf) => done(Ok((name, js_sys::Uint8Array::new(&buf).to_vec()))),
            Err(_) => done(Err(format!("Could not read \u{201c}{name}\u{201d}."))),
        }
    });
}

/// Fetches one of the page's own text files (`path` relative to the page, as `fetch` resolves
/// it against `document.baseURI`), then calls `done` with its text, or `None` when the request,
/// the status or the body failed (offline without the service worker's copy, a missing file).
pub fn fetch_text(path: &str, done: impl FnOnce(Option<String>) + 'static) {
    let Some(w) = web_sys::window() else { return done(None) };
    let request = w.fetch_with_str(path);
    wasm_bindgen_futures::spawn_local(async move {
        let text = async {
            let response: web_sys::Response =
                wasm_bindgen_futures::JsFuture::from(request).await.ok()?.dyn_into().ok()?;
            if !response.ok() {
                return None;
            }
            wasm_bindgen_futures::JsFuture::from(response.text().ok()?).await.ok()?.as_string()
        };
        done(text.await);
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

// ---------------------------------------------------------------------------------------------
// Share and export: the address bar, downloads, the ladder as a file
// ---------------------------------------------------------------------------------------------

/// Storage key of the user's own input kept while a shared link's trace is shown.
pub const KEY_PREVIOUS: &str = "sipdiag.input.before-link";

/// The address's fragment with its `#` (`""` when there is none).
pub fn location_hash() -> String {
    web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default()
}

/// The page address without its fragment: the base of a shared link.
pub fn page_base() -> String {
    let href = web_sys::window().and_then(|w| w.location().href().ok()).unwrap_or_default();
    href.split('#').next().unwrap_or_default().to_string()
}

/// Removes the fragment from the address bar without reloading or adding a history entry.
pub fn clear_hash() {
    let Some(w) = web_sys::window() else { return };
    if w.location().hash().map_or(true, |h| h.is_empty()) {
        return;
    }
    let (Ok(path), Ok(search)) = (w.location().pathname(), w.location().search()) else { return };
    if let Ok(h) = w.history() {
        let _ = h.replace_state_with_url(&JsValue::NULL, "", Some(&format!("{path}{search}")));
    }
}

/// A window event listener; dropping it removes the listener.
pub struct Listener {
    event: &'static str,
    closure: Closure<dyn FnMut()>,
}

impl Drop for Listener {
    fn drop(&mut self) {
        if let Some(w) = web_sys::window() {
            let _ = w.remove_event_listener_with_callback(self.event, self.closure.as_ref().unchecked_ref());
        }
    }
}

/// Calls `f` with the new fragment whenever the address's fragment changes.
pub fn on_hash_change(f: impl Fn(String) + 'static) -> Option<Listener> {
    let closure = Closure::<dyn FnMut()>::new(move || f(location_hash()));
    web_sys::window()?.add_event_listener_with_callback("hashchange", closure.as_ref().unchecked_ref()).ok()?;
    Some(Listener { event: "hashchange", closure })
}

/// Offers `url` (an object or data URL) as a download named `name`.
pub fn download_url(name: &str, url: &str) -> bool {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return false };
    let Some(a) = doc.create_element("a").ok().and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok()) else {
        return false;
    };
    a.set_href(url);
    a.set_download(name);
    let _ = a.style().set_property("display", "none");
    let Some(body) = doc.body() else { return false };
    if body.append_child(&a).is_err() {
        return false;
    }
    a.click();
    a.remove();
    true
}

/// Offers text as a download (`mime` like `text/markdown`); `false` when the browser refuses.
pub fn download_text(name: &str, mime: &str, text: &str) -> bool {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(&format!("{mime};charset=utf-8"));
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts) else { return false };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return false };
    let ok = download_url(name, &url);
    // revoke once the download has started
    let revoke = url.clone();
    if let Some(t) = set_timeout(10_000, move || {
        let _ = web_sys::Url::revoke_object_url(&revoke);
    }) {
        std::mem::forget(t);
    }
    ok
}

/// Selects the whole text of an input (the share link, so it can be copied by hand).
pub fn select_all(node: &NodeRef) {
    if let Some(el) = node.cast::<web_sys::HtmlInputElement>() {
        el.select();
    }
}

/// The first element matching a CSS selector.
pub fn query(selector: &str) -> Option<web_sys::Element> {
    web_sys::window()?.document()?.query_selector(selector).ok()?
}

/// An SVG element as a standalone document: every element's computed `props` written as
/// presentation attributes (so it renders without the page's style sheet, in the theme it is
/// shown in; attributes, not `style`, which the page's content security policy forbids), and a
/// background of `background`'s computed colour. The copy is made in a separate XML document.
/// Returns the XML and the size in pixels.
pub fn standalone_svg(
    svg: &web_sys::Element,
    props: &[&str],
    background: Option<&web_sys::Element>,
) -> Option<(String, f64, f64)> {
    const SVG_NS: &str = "http://www.w3.org/2000/svg";
    let w = web_sys::window()?;
    let page = w.document()?;
    let doc = page.implementation().ok()?.create_document(Some(SVG_NS), "svg").ok()?;
    let copy: web_sys::Element = doc.import_node_with_deep(svg, true).ok()?.dyn_into().ok()?;
    let root = doc.document_element()?;
    doc.replace_child(&copy, &root).ok()?;
    let originals = svg.query_selector_all("*").ok()?;
    let copies = copy.query_selector_all("*").ok()?;
    // computed styles become presentation attributes (`fill="…"`), never `style="…"`
    let style = |from: &web_sys::Element, to: &web_sys::Element| {
        let Some(cs) = w.get_computed_style(from).ok().flatten() else { return };
        let pairs = props.iter().map(|p| (*p, cs.get_property_value(p).unwrap_or_default()));
        for (k, v) in crate::view::share::presentation_attributes(pairs) {
            let _ = to.set_attribute(k, &v);
        }
        // `text-transform` has no attribute: apply it to the text itself (only the page's own
        // ASCII labels are upper-cased by the style sheet, so no Unicode case tables)
        if cs.get_property_value("text-transform").is_ok_and(|t| t == "uppercase") && to.child_element_count() == 0 {
            if let Some(t) = to.text_content() {
                to.set_text_content(Some(&t.to_ascii_uppercase()));
            }
        }
    };
    for i in 0..originals.length().min(copies.length()) {
        let (Some(o), Some(c)) = (originals.item(i), copies.item(i)) else { continue };
        let (Ok(o), Ok(c)) = (o.dyn_into::<web_sys::Element>(), c.dyn_into::<web_sys::Element>()) else { continue };
        style(&o, &c);
        // interaction hooks mean nothing in a file
        for a in ["tabindex", "role", "aria-pressed", "class"] {
            let _ = c.remove_attribute(a);
        }
    }
    style(svg, &copy);
    for a in ["class", "role"] {
        let _ = copy.remove_attribute(a);
    }
    // whole pixels (src/ui/ladder.rs writes integers); read without a float parser
    let width = f64::from(svg.get_attribute("width")?.parse::<u32>().ok()?);
    let height = f64::from(svg.get_attribute("height")?.parse::<u32>().ok()?);
    let bg = background
        .and_then(|b| w.get_computed_style(b).ok().flatten())
        .and_then(|cs| cs.get_property_value("background-color").ok())
        .filter(|c| !c.is_empty() && c != "rgba(0, 0, 0, 0)")
        .unwrap_or_else(|| "#ffffff".to_string());
    let rect = doc.create_element_ns(Some(SVG_NS), "rect").ok()?;
    for (k, v) in [("x", "0"), ("y", "0"), ("width", "100%"), ("height", "100%")] {
        let _ = rect.set_attribute(k, v);
    }
    let _ = rect.set_attribute("fill", &bg);
    let _ = copy.insert_before(&rect, copy.first_child().as_ref());
    let xml = web_sys::XmlSerializer::new().ok()?.serialize_to_string(&copy).ok()?;
    Some((format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{xml}\n"), width, height))
}

/// Draws an SVG document into a canvas at `scale` and calls `done` with a PNG data URL (or
/// `None` when the browser cannot). The SVG is loaded as a `data:` URL, which the page's
/// content security policy allows for images.
pub fn svg_to_png(svg: String, width: f64, height: f64, scale: f64, done: impl FnOnce(Option<String>) + 'static) {
    let run = async move {
        let doc = web_sys::window()?.document()?;
        let img = web_sys::HtmlImageElement::new().ok()?;
        img.set_width(width as u32);
        img.set_height(height as u32);
        let url = format!("data:image/svg+xml;charset=utf-8,{}", js_sys::encode_uri_component(&svg));
        img.set_src(&url);
        wasm_bindgen_futures::JsFuture::from(img.decode()).await.ok()?;
        let canvas: web_sys::HtmlCanvasElement = doc.create_element("canvas").ok()?.dyn_into().ok()?;
        canvas.set_width((width * scale).ceil() as u32);
        canvas.set_height((height * scale).ceil() as u32);
        let ctx: web_sys::CanvasRenderingContext2d = canvas.get_context("2d").ok()??.dyn_into().ok()?;
        ctx.scale(scale, scale).ok()?;
        ctx.draw_image_with_html_image_element_and_dw_and_dh(&img, 0.0, 0.0, width, height).ok()?;
        canvas.to_data_url_with_type("image/png").ok()
    };
    wasm_bindgen_futures::spawn_local(async move { done(run.await) });
}
