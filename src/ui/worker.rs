//! Analysis off the page's thread: a dedicated web worker running the worker's own wasm module
//! (`src/bin/worker.rs`: the core — ingest, parser, calls, diagnosis, knowledge base — plus the
//! capture reader, redaction, links and exports, built for speed). The page's own module has none
//! of that: it renders what the worker sends back. [`warm`] starts the worker as soon as the page
//! is up, so its module loads while the user reads or pastes; the page posts each input and gets
//! the [`Report`] back, and the share panel posts its [`ShareAsk`] and gets a [`Prepared`] back.
//! A 20 MB log never freezes the page; while it works the worker says which [`Stage`] it is at.
//!
//! Where a worker cannot start (an old browser, workers turned off) the page says so. Built with
//! the `in-page` feature (the wasm tests, which have no worker module to load), jobs run on the
//! page's thread instead, after the page had a chance to paint "Analysing…".
//!
//! # Using it (for every part of the page that analyses something)
//!
//! Call [`run`] with a [`JobInput`]: `JobInput::Text` for pasted or decoded text,
//! `JobInput::Bytes` for file bytes — a pcap/pcapng capture, or a text file in an encoding the
//! worker should work out (UTF-16 with a byte order mark, Latin-1). Keep the returned [`Job`]:
//! dropping it cancels the job (a job still running in the worker stops the worker; the next job
//! starts a fresh one). One job runs at a time; starting another cancels the one before.
//! [`share`] works the same way for the share panel, except that dropping its [`ShareJob`] only
//! forgets the answer (preparing a link is quick; the worker is kept).
//!
//! # The protocol (page ⇄ worker, `postMessage`)
//!
//! - page → worker, once: `{ boot: { js, wasm } }`, the URLs of the worker module's wasm-bindgen
//!   glue and wasm file (`sipdiag-worker.js`, `sipdiag-worker_bg.wasm` beside the page).
//! - page → worker: `{ id, text }` or `{ id, bytes }` (a `Uint8Array`, transferred), plus
//!   `profile`, `symptom`, `pbx` (`""` = not set).
//! - worker → page, once: `{ ready: true }` when its module is loaded (the page then lets the
//!   service worker copy the page's files for offline use, `sipdiagBoot.offline()`).
//! - worker → page: `{ id, stage }` (a [`Stage::id`]) while working; then `{ id, report, refs, ms }`
//!   (a [`Packed`] report: `report` a `Uint8Array`, `refs` a `Uint32Array`; `mem` the worker's
//!   wasm memory in bytes, left in `window.sipdiagBoot.workerMemory` for measuring, as are the
//!   worker's `ms` in `workerMs` and the page's read-back time in `readBackMs`) or
//!   `{ id, error }`; `{ id, unavailable, error }` when the worker could not load its module.
//! - page → worker: `{ id, text, share }` (`share`: an encoded [`ShareAsk`], `crate::view::wire`);
//!   worker → page: `{ id, prepared }` (an encoded [`Prepared`], without the text the page has)
//!   or `{ id, error }`.

use crate::diagnose::Options;
use crate::report::Report;
use crate::view::share::{Prepared, ShareAsk};
use crate::view::wire;
use crate::view::worker::{self as job, Packed, Stage, PROGRESS_MIN};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// What a job analyses.
#[derive(Debug, Clone)]
pub enum JobInput {
    Text(Rc<str>),
    Bytes(Rc<Vec<u8>>),
}

impl JobInput {
    fn len(&self) -> usize {
        match self {
            JobInput::Text(t) => t.len(),
            JobInput::Bytes(b) => b.len(),
        }
    }
}

/// The result of a job: the report and how long it took (ms, from [`run`] to the report), or
/// what went wrong in words.
pub type Outcome = Result<(Report, f64), String>;

/// A job under way; dropping it cancels it.
pub struct Job {
    id: u32,
    _inline: Option<super::browser::Timeout>,
}

impl Drop for Job {
    fn drop(&mut self) {
        cancel(self.id);
    }
}

/// A share panel question under way; dropping it forgets the answer.
pub struct ShareJob {
    id: u32,
    _inline: Option<super::browser::Timeout>,
}

impl Drop for ShareJob {
    fn drop(&mut self) {
        drop(take_share(self.id));
    }
}

struct Pending {
    id: u32,
    input: JobInput,
    /// For the job on the page's thread (the `in-page` feature).
    #[cfg_attr(not(feature = "in-page"), allow(dead_code))]
    options: Options,
    t0: f64,
    on_stage: Rc<dyn Fn(Stage)>,
    done: Box<dyn FnOnce(Outcome)>,
}

struct SharePending {
    id: u32,
    text: Rc<str>,
    ask: ShareAsk,
    done: Box<dyn FnOnce(Result<Prepared, String>)>,
}

struct Client {
    worker: web_sys::Worker,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

thread_local! {
    static CLIENT: RefCell<Option<Client>> = const { RefCell::new(None) };
    static PENDING: RefCell<Option<Pending>> = const { RefCell::new(None) };
    static SHARE: RefCell<Option<SharePending>> = const { RefCell::new(None) };
    static NEXT_ID: Cell<u32> = const { Cell::new(1) };
    /// Set when a worker could not be started: later jobs do not try again.
    static NO_WORKER: Cell<bool> = const { Cell::new(false) };
}

fn next_id() -> u32 {
    NEXT_ID.with(|n| {
        let id = n.get();
        n.set(id.wrapping_add(1).max(1));
        id
    })
}

/// Starts the worker now (its module loads in the background), unless it runs already.
pub fn warm() {
    if !NO_WORKER.with(Cell::get) {
        let _ = client();
    }
}

/// Starts a job. `on_stage` hears the stages of inputs of [`PROGRESS_MIN`] bytes and more;
/// `done` gets the outcome once, unless the job is dropped first.
pub fn run(
    input: JobInput,
    options: &Options,
    on_stage: impl Fn(Stage) + 'static,
    done: impl FnOnce(Outcome) + 'static,
) -> Job {
    let id = next_id();
    let t0 = super::browser::now_ms();
    cancel_pending();
    let progress = input.len() >= PROGRESS_MIN;
    let on_stage: Rc<dyn Fn(Stage)> = if progress { Rc::new(on_stage) } else { Rc::new(|_| {}) };
    let pending = Pending { id, input, options: options.clone(), t0, on_stage, done: Box::new(done) };
    let worker = if NO_WORKER.with(Cell::get) { None } else { client() };
    if let Some(worker) = worker {
        (pending.on_stage)(Stage::Reading);
        if post(&worker, id, &pending.input, options).is_ok() {
            PENDING.with(|p| *p.borrow_mut() = Some(pending));
            return Job { id, _inline: None };
        }
        NO_WORKER.with(|n| n.set(true));
        drop_client();
    }
    Job { id, _inline: without_worker(pending) }
}

/// Asks the worker to prepare the share panel for `text`; `done` gets the answer once, unless
/// the [`ShareJob`] is dropped first. A newer question replaces an older one.
pub fn share(text: Rc<str>, ask: ShareAsk, done: impl FnOnce(Result<Prepared, String>) + 'static) -> ShareJob {
    let id = next_id();
    let pending = SharePending { id, text, ask, done: Box::new(done) };
    let worker = if NO_WORKER.with(Cell::get) { None } else { client() };
    if let Some(worker) = worker {
        if post_share(&worker, &pending).is_ok() {
            SHARE.with(|p| *p.borrow_mut() = Some(pending));
            return ShareJob { id, _inline: None };
        }
        NO_WORKER.with(|n| n.set(true));
        drop_client();
    }
    ShareJob { id, _inline: share_without_worker(pending) }
}

/// A job when there is no worker: on this thread with the `in-page` feature, else a message.
fn without_worker(p: Pending) -> Option<super::browser::Timeout> {
    super::browser::set_timeout(0, move || {
        #[cfg(feature = "in-page")]
        {
            let t0 = super::browser::now_ms();
            let input = match &p.input {
                JobInput::Text(t) => job::Input::Text(t),
                JobInput::Bytes(b) => job::Input::Bytes(b),
            };
            let outcome = job::analyse_in_page(input, &p.options)
                .ok_or_else(|| job::CAPTURE_NEEDS_WORKER.to_string())
                .map(|r| (r, super::browser::now_ms() - t0));
            (p.done)(outcome);
        }
        #[cfg(not(feature = "in-page"))]
        (p.done)(Err(job::NEEDS_WORKER.to_string()));
    })
}

fn share_without_worker(p: SharePending) -> Option<super::browser::Timeout> {
    super::browser::set_timeout(0, move || {
        #[cfg(feature = "in-page")]
        (p.done)(Ok(p.ask.prepare(&p.text)));
        #[cfg(not(feature = "in-page"))]
        (p.done)(Err(job::NEEDS_WORKER.to_string()));
    })
}

fn post(worker: &web_sys::Worker, id: u32, input: &JobInput, options: &Options) -> Result<(), JsValue> {
    let msg = js_sys::Object::new();
    let set = |k: &str, v: &JsValue| js_sys::Reflect::set(&msg, &JsValue::from_str(k), v).map(|_| ());
    set("id", &JsValue::from(id))?;
    let transfer = js_sys::Array::new();
    match input {
        JobInput::Text(t) => set("text", &JsValue::from_str(t))?,
        JobInput::Bytes(b) => {
            let arr = js_sys::Uint8Array::from(&b[..]);
            transfer.push(&arr.buffer());
            set("bytes", &arr)?;
        }
    }
    let [profile, symptom, pbx] = job::options_parts(options);
    set("profile", &JsValue::from_str(&profile))?;
    set("symptom", &JsValue::from_str(&symptom))?;
    set("pbx", &JsValue::from_str(&pbx))?;
    worker.post_message_with_transfer(&msg, &transfer)
}

fn post_share(worker: &web_sys::Worker, p: &SharePending) -> Result<(), JsValue> {
    let msg = js_sys::Object::new();
    let set = |k: &str, v: &JsValue| js_sys::Reflect::set(&msg, &JsValue::from_str(k), v).map(|_| ());
    set("id", &JsValue::from(p.id))?;
    set("text", &JsValue::from_str(&p.text))?;
    let ask = js_sys::Uint8Array::from(&wire::encode_ask(&p.ask)[..]);
    set("share", &ask)?;
    worker.post_message_with_transfer(&msg, &js_sys::Array::of1(&ask.buffer()))
}

/// The worker, started on first use; `None` when the page cannot start one.
fn client() -> Option<web_sys::Worker> {
    if let Some(w) = CLIENT.with(|c| c.borrow().as_ref().map(|c| c.worker.clone())) {
        return Some(w);
    }
    let started = start_worker();
    if started.is_none() {
        NO_WORKER.with(|n| n.set(true));
    }
    started
}

fn get(obj: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn start_worker() -> Option<web_sys::Worker> {
    // www/boot.js leaves the URLs in `window.sipdiagBoot`; without them there is no worker.
    let boot = get(&js_sys::global(), "sipdiagBoot");
    let url = get(&boot, "worker").as_string()?;
    let module = get(&boot, "module");
    let opts = web_sys::WorkerOptions::new();
    opts.set_type(web_sys::WorkerType::Module);
    let worker = web_sys::Worker::new_with_options(&url, &opts).ok()?;
    let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(on_message);
    let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(|_e: web_sys::Event| {
        // The worker script failed (it could not load): finish what waits and stop trying.
        allow_offline_copy();
        NO_WORKER.with(|n| n.set(true));
        drop_client();
        fail_over();
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    let msg = js_sys::Object::new();
    let b = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&b, &"js".into(), &get(&module, "js"));
    let _ = js_sys::Reflect::set(&b, &"wasm".into(), &get(&module, "wasm"));
    let _ = js_sys::Reflect::set(&msg, &"boot".into(), &b);
    worker.post_message(&msg).ok()?;
    CLIENT.with(|c| {
        *c.borrow_mut() = Some(Client { worker: worker.clone(), _on_message: on_message, _on_error: on_error })
    });
    Some(worker)
}

/// What `slot` holds, taken out when it has this id.
fn take_with<T>(slot: &'static std::thread::LocalKey<RefCell<Option<T>>>, id: u32, id_of: fn(&T) -> u32) -> Option<T> {
    slot.with(|p| {
        let mut p = p.borrow_mut();
        if p.as_ref().is_some_and(|x| id_of(x) == id) {
            p.take()
        } else {
            None
        }
    })
}

/// The pending job, when it has this id.
fn take_pending(id: u32) -> Option<Pending> {
    take_with(&PENDING, id, |p| p.id)
}

/// The pending share question, when it has this id.
fn take_share(id: u32) -> Option<SharePending> {
    take_with(&SHARE, id, |p| p.id)
}

/// Lets www/boot.js register the service worker (`sipdiagBoot.offline()`): called once the
/// worker has its module, or cannot have it, so the service worker's copy of the page's files
/// does not compete with the worker's module on a first visit.
fn allow_offline_copy() {
    let boot = get(&js_sys::global(), "sipdiagBoot");
    if let Ok(f) = get(&boot, "offline").dyn_into::<js_sys::Function>() {
        let _ = f.call0(&boot);
    }
}

fn on_message(e: web_sys::MessageEvent) {
    let data = e.data();
    if get(&data, "ready").is_truthy() {
        allow_offline_copy();
        return;
    }
    let Some(id) = get(&data, "id").as_f64().map(|f| f as u32) else { return };
    if let Some(stage) = get(&data, "stage").as_string() {
        let cb = PENDING.with(|p| p.borrow().as_ref().filter(|p| p.id == id).map(|p| p.on_stage.clone()));
        if let (Some(cb), Some(s)) = (cb, Stage::from_id(&stage)) {
            cb(s);
        }
        return;
    }
    if get(&data, "unavailable").is_truthy() {
        // The worker runs but could not load its module: finish what waits without it.
        allow_offline_copy();
        NO_WORKER.with(|n| n.set(true));
        drop_client();
        fail_over();
        return;
    }
    if let Some(s) = take_share(id) {
        on_share_answer(s, &data);
        return;
    }
    let Some(p) = take_pending(id) else { return };
    // The worker's memory after the job (its peak: wasm memory never shrinks), for measuring.
    let boot = get(&js_sys::global(), "sipdiagBoot");
    if boot.is_object() {
        let _ = js_sys::Reflect::set(&boot, &"workerMemory".into(), &get(&data, "mem"));
        let _ = js_sys::Reflect::set(&boot, &"workerMs".into(), &get(&data, "ms"));
    }
    if let Some(err) = get(&data, "error").as_string() {
        restart();
        (p.done)(Err(format!(
            "The analysis stopped before it finished ({err}). The input may be too large for this \
             browser tab: try a shorter excerpt of the log."
        )));
        return;
    }
    let report = get(&data, "report").dyn_into::<js_sys::Uint8Array>().map(|a| a.to_vec()).unwrap_or_default();
    let refs = get(&data, "refs").dyn_into::<js_sys::Uint32Array>().map(|a| a.to_vec()).unwrap_or_default();
    let packed = Packed { report, refs };
    let text = match &p.input {
        JobInput::Text(t) => t.clone(),
        JobInput::Bytes(_) => Rc::from(""),
    };
    let t_read = super::browser::now_ms();
    let outcome = packed
        .unpack(&text)
        .map(|r| (r, super::browser::now_ms() - p.t0))
        .map_err(|e| format!("The analysis finished but {}. Try again.", e.description()));
    drop(packed);
    // How long reading the report back took on the page's thread, for measuring.
    if boot.is_object() {
        let _ = js_sys::Reflect::set(&boot, &"readBackMs".into(), &(super::browser::now_ms() - t_read).into());
    }
    (p.done)(outcome);
}

fn on_share_answer(s: SharePending, data: &JsValue) {
    if let Some(err) = get(data, "error").as_string() {
        restart();
        (s.done)(Err(format!("The link could not be made ({err}).")));
        return;
    }
    let bytes = get(data, "prepared").dyn_into::<js_sys::Uint8Array>().map(|a| a.to_vec()).unwrap_or_default();
    (s.done)(
        wire::decode_prepared(&bytes, &s.text).ok_or_else(|| "The link could not be made. Try again.".to_string()),
    );
}

/// The worker failed to load: finish what waits without it.
fn fail_over() {
    if let Some(p) = PENDING.with(|p| p.borrow_mut().take()) {
        // the timer is not kept: the job has no handle to hold it
        if let Some(t) = without_worker(p) {
            t.forget();
        }
    }
    if let Some(s) = SHARE.with(|p| p.borrow_mut().take()) {
        if let Some(t) = share_without_worker(s) {
            t.forget();
        }
    }
}

fn drop_client() {
    if let Some(c) = CLIENT.with(|c| c.borrow_mut().take()) {
        c.worker.terminate();
    }
}

/// Stops the worker (busy with a job no longer wanted, or broken) and starts a fresh one; a share
/// question still waiting goes to the new worker.
fn restart() {
    drop_client();
    let waiting = SHARE.with(|p| p.borrow_mut().take());
    if let Some(s) = waiting {
        let _ = share_again(s);
    }
}

fn share_again(s: SharePending) -> Option<()> {
    let worker = client()?;
    post_share(&worker, &s).ok()?;
    SHARE.with(|p| *p.borrow_mut() = Some(s));
    Some(())
}

/// A pending job is dropped. A large one may keep the worker busy for seconds: stop the worker.
/// A small one is simply forgotten (its answer is ignored), so a worker still loading its module
/// is not thrown away while the user types.
fn cancel(id: u32) {
    if take_pending(id).is_some_and(|p| p.input.len() >= PROGRESS_MIN) {
        restart();
    }
}

fn cancel_pending() {
    if PENDING.with(|p| p.borrow_mut().take()).is_some_and(|p| p.input.len() >= PROGRESS_MIN) {
        restart();
    }
}

#[derive(Properties, PartialEq)]
pub struct JobNoteProps {
    pub stage: Option<Stage>,
    pub failure: Option<AttrValue>,
    /// Input size in bytes.
    pub size: usize,
}

/// The progress line of an analysis in the worker (a bar and what it is doing), or why the last
/// one failed or the last input was refused.
#[function_component(JobNote)]
pub fn job_note(p: &JobNoteProps) -> Html {
    if let Some(f) = &p.failure {
        return html! {
            <div class="banner banner-alert" role="alert" data-notice="failed">
                <p class="banner-title"><span aria-hidden="true">{"\u{26a0} "}</span>{"The analysis could not be done."}</p>
                <p>{f.clone()}</p>
            </div>
        };
    }
    let Some(stage) = p.stage else { return html! {} };
    let mb = crate::view::format::megabytes(p.size);
    html! {
        <div class="job-progress" role="status" aria-live="polite" data-stage={stage.id()}>
            <progress aria-label="Analysis progress"></progress>
            <span>{format!("{} ({mb}) The page stays usable meanwhile.", stage.words())}</span>
        </div>
    }
}
