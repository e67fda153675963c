//! Browser tests of the Yew app (wasm-bindgen-test in headless Chromium):
//!
//! ```text
//! CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner CHROMEDRIVER=/usr/bin/chromedriver \
//!   cargo test --target wasm32-unknown-unknown --features in-page --test web
//! ```
//!
//! The runner serves no worker module, so the `in-page` feature lets the app analyse on its own
//! thread here; the end-to-end tests (tests/e2e) drive the built page with its worker.
//!
//! Each test mounts the whole app in a fresh element with empty storage, drives it through the
//! DOM like a user would, and checks the DOM contracts (`textarea#trace-input`, `[data-cause]`,
//! `[data-call-id]`, `svg[data-ladder]`, `role="alert"`).
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlTextAreaElement};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

fn storage() -> web_sys::Storage {
    web_sys::window().unwrap().local_storage().unwrap().unwrap()
}

thread_local! {
    static APP: std::cell::RefCell<Option<yew::AppHandle<sipdiag::ui::App>>> = const { std::cell::RefCell::new(None) };
}

/// Points the document's base address at `href`. The page fetches its examples from
/// `examples/<file>` beside it; the test runner serves the crate's own files after its own, so
/// `/www/` stands for the built page's folder.
fn set_base(href: &str) {
    let doc = document();
    let base = match doc.query_selector("base").unwrap() {
        Some(b) => b,
        None => {
            let b = doc.create_element("base").unwrap();
            doc.head().unwrap().append_child(&b).unwrap();
            b
        }
    };
    base.set_attribute("href", href).unwrap();
}

/// Mounts the app in a new element, after stopping the previous test's app.
fn mount_keeping_storage() -> Element {
    if let Some(old) = APP.with(|a| a.borrow_mut().take()) {
        old.destroy();
    }
    set_base("/www/");
    let doc = document();
    if let Some(old) = doc.get_element_by_id("app-under-test") {
        old.remove();
    }
    let root = doc.create_element("div").unwrap();
    root.set_id("app-under-test");
    doc.body().unwrap().append_child(&root).unwrap();
    let handle = sipdiag::ui::mount(root.clone());
    APP.with(|a| *a.borrow_mut() = Some(handle));
    root
}

/// Mounts the app with empty storage.
fn mount() -> Element {
    if let Some(old) = APP.with(|a| a.borrow_mut().take()) {
        old.destroy();
    }
    storage().clear().unwrap();
    mount_keeping_storage()
}

/// Waits `ms` milliseconds (timers fire: the analysis runs after a pause) and lets Yew render.
async fn wait(ms: i32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window().unwrap().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms).unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(p).await.unwrap();
    yew::scheduler::flush().await;
}

/// Waits until `selector` matches inside `root` (up to ~3 s).
async fn until(root: &Element, selector: &str) -> Element {
    for _ in 0..150 {
        if let Some(e) = root.query_selector(selector).unwrap() {
            return e;
        }
        wait(20).await;
    }
    panic!("nothing matched {selector} in: {}", root.inner_html().chars().take(2000).collect::<String>());
}

fn all(root: &Element, selector: &str) -> Vec<Element> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length()).filter_map(|i| list.get(i)?.dyn_into::<Element>().ok()).collect()
}

fn click(e: &Element) {
    e.dyn_ref::<HtmlElement>().unwrap().click();
}

fn type_into(root: &Element, text: &str) {
    let area: HtmlTextAreaElement = root.query_selector("#trace-input").unwrap().unwrap().dyn_into().unwrap();
    area.set_value(text);
    let ev = web_sys::InputEvent::new("input").unwrap();
    area.dispatch_event(&ev).unwrap();
}

fn textarea_value(root: &Element) -> String {
    root.query_selector("#trace-input").unwrap().unwrap().dyn_into::<HtmlTextAreaElement>().unwrap().value()
}

#[wasm_bindgen_test]
async fn first_screen_has_the_input_and_examples() {
    let root = mount();
    wait(0).await;
    let area = until(&root, "textarea#trace-input").await;
    assert_eq!(document().active_element().map(|e| e.id()), Some("trace-input".into()), "the input has focus");
    assert_eq!(area.get_attribute("aria-describedby").as_deref(), Some("input-hint"));
    let samples: Vec<String> =
        all(&root, "[data-sample]").iter().filter_map(|e| e.get_attribute("data-sample")).collect();
    let want: Vec<&str> = sipdiag::view::samples::SAMPLES.iter().map(|s| s.id).collect();
    assert_eq!(samples, want);
    assert!(root.query_selector("[role=alert]").unwrap().is_none());
    assert_eq!(root.query_selector(".app").unwrap().unwrap().get_attribute("data-analysis").as_deref(), Some("empty"));
}

#[wasm_bindgen_test]
async fn an_example_fills_calls_ladder_and_message() {
    let root = mount();
    wait(0).await;
    click(&until(&root, "[data-sample='capacity-503']").await);
    until(&root, ".app[data-analysis='done']").await;
    let rows = all(&root, "[data-call-id]");
    assert_eq!(rows.len(), 2, "two INVITEs, two calls");
    assert!(rows[0].text_content().unwrap().contains("503"));
    let svg = until(&root, "svg[data-ladder]").await;
    assert_eq!(all(&svg, "[data-msg]").len(), 4, "INVITE, 100, 503, ACK");
    assert_eq!(all(&svg, ".col-key").len(), 2);
    // clicking the 503 arrow opens that message
    let arrow = svg.query_selector("[data-msg='2']").unwrap().unwrap();
    arrow.dispatch_event(&web_sys::MouseEvent::new("click").unwrap()).unwrap();
    let view = until(&root, "#message-view[data-message='2']").await;
    assert!(view.text_content().unwrap().contains("SIP/2.0 503 Service Unavailable"));
    // the second call drives the ladder
    click(&rows[1].query_selector(".row-button").unwrap().unwrap());
    wait(0).await;
    let selected = all(&root, "[data-call-id][aria-selected='true']");
    assert_eq!(selected.len(), 1);
    assert_eq!(selected[0].get_attribute("data-call-id"), rows[1].get_attribute("data-call-id"));
    assert_eq!(
        root.query_selector("svg[data-ladder]").unwrap().unwrap().get_attribute("data-ladder"),
        rows[1].get_attribute("data-call-id")
    );
}

#[wasm_bindgen_test]
async fn an_example_that_cannot_be_fetched_says_so_and_keeps_the_input() {
    let root = mount();
    wait(0).await;
    type_into(&root, "my own notes");
    set_base("/no-such-folder/");
    click(&until(&root, "[data-sample='codec-488']").await);
    for _ in 0..150 {
        if root.query_selector(".flash").unwrap().and_then(|f| f.text_content()).is_some_and(|t| !t.is_empty()) {
            break;
        }
        wait(20).await;
    }
    set_base("/www/");
    let flash = root.query_selector(".flash").unwrap().unwrap().text_content().unwrap();
    assert!(flash.contains("Could not load the example"), "{flash}");
    assert_eq!(textarea_value(&root), "my own notes");
    assert_eq!(storage().get_item("sipdiag.input").unwrap().as_deref(), Some("my own notes"));
    assert!(root.query_selector("[data-sample][aria-pressed='true']").unwrap().is_none());
}

#[wasm_bindgen_test]
async fn typing_is_debounced_then_analysed_and_saved() {
    let root = mount();
    wait(0).await;
    let text = sipdiag::view::samples::sample("healthy-call").unwrap().text;
    type_into(&root, text);
    wait(0).await;
    assert_eq!(
        root.query_selector(".app").unwrap().unwrap().get_attribute("data-analysis").as_deref(),
        Some("pending")
    );
    assert_eq!(storage().get_item("sipdiag.input").unwrap().as_deref(), Some(text), "kept for a reload at once");
    until(&root, ".app[data-analysis='done']").await;
    assert!(root.query_selector("#verdict").unwrap().is_some());
    assert_eq!(all(&root, "[data-call-id]").len(), 1);
}

#[wasm_bindgen_test]
async fn bad_input_gets_an_alert_and_the_text_stays() {
    let root = mount();
    wait(0).await;
    let text = "our phones stopped ringing this morning";
    type_into(&root, text);
    let alert = until(&root, "[role=alert]").await;
    assert_eq!(alert.get_attribute("data-notice").as_deref(), Some("nosip"));
    assert!(alert.text_content().unwrap().contains("No SIP found"));
    assert_eq!(textarea_value(&root), text);
    assert!(root.query_selector("[data-call-id]").unwrap().is_none());
}

#[wasm_bindgen_test]
async fn restores_input_and_pickers_from_storage() {
    if let Some(old) = APP.with(|a| a.borrow_mut().take()) {
        old.destroy();
    }
    storage().clear().unwrap();
    let text = sipdiag::view::samples::sample("codec-488").unwrap().text;
    storage().set_item("sipdiag.input", text).unwrap();
    storage().set_item("sipdiag.pbx", "freeswitch").unwrap();
    let root = mount_keeping_storage();
    until(&root, ".app[data-analysis='done']").await;
    assert_eq!(textarea_value(&root), text);
    let pbx: web_sys::HtmlSelectElement = root.query_selector("#pbx").unwrap().unwrap().dyn_into().unwrap();
    assert_eq!(pbx.value(), "freeswitch");
    assert!(root.query_selector(".status").unwrap().unwrap().text_content().unwrap().contains("Restored"));
}

#[wasm_bindgen_test]
async fn symptom_mode_lists_causes() {
    let root = mount();
    wait(0).await;
    click(&until(&root, "#symptom-toggle").await);
    let first = until(&root, "[data-symptom]").await;
    let id = first.get_attribute("data-symptom").unwrap();
    click(&first);
    wait(0).await;
    let causes: Vec<String> =
        all(&root, "[data-symptom-cause]").iter().filter_map(|e| e.get_attribute("data-symptom-cause")).collect();
    let want: Vec<&str> =
        sipdiag::kb::symptom(&id).unwrap().causes.iter().copied().filter(|c| sipdiag::kb::cause(c).is_some()).collect();
    assert_eq!(causes, want, "causes in the knowledge base's order");
    assert_eq!(first.get_attribute("aria-checked").as_deref(), Some("true"));
}
