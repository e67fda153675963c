//! Analysis off the page's thread: a dedicated web worker running the worker's own wasm module
//! (`src/bin/worker.rs`: the same core plus the capture reader and the report encoder, built
//! for speed; www/boot.js starts it the first time a job needs it). The page posts the input
//! and gets the [`Report`] back, so a 20 MB log never freezes the page; while it works the
//! worker says which [`Stage`] it is at. Small text inputs (under [`WORKER_MIN`]) are analysed
//! in place; captures always go to the worker (the page's module has no capture reader). Where
//! a worker cannot be started (an old browser, the wasm tests) text jobs run in place too, after
//! the page had a chance to paint "Analysing…", and captures get a message saying so.
//!
//! # Using it (for every part of the page that analyses something)
//!
//! Call [`run`] with a [`JobInput`]: `JobInput::Text` for pasted or decoded text,
//! `JobInput::Bytes` for file bytes — a pcap/pcapng capture, or a text file in an encoding the
//! page should work out (UTF-16 with a byte order mark, Latin-1). Keep the returned [`Job`]:
//! dropping it cancels the job (a job still running in the worker stops the worker; the next job
//! starts a fresh one). One job runs at a time; starting another cancels the one before.
//!
//! # The protocol (page ⇄ worker, `postMessage`)
//!
//! - page → worker, once: `{ boot: { js, wasm } }`, the URLs of the worker module's wasm-bindgen
//!   glue and wasm file (`sipdiag-worker.js`, `sipdiag-worker_bg.wasm` beside the page).
//! - page → worker: `{ id, text }` or `{ id, bytes }` (a `Uint8Array`, transferred), plus
//!   `profile`, `symptom`, `pbx` (`""` = not set).
//! - worker → page: `{ id, stage }` (a [`Stage::id`]) while working; then `{ id, report, refs, ms }`
//!   (a [`Packed`] report: `report` a `Uint8Array`, `refs` a `Uint32Array`; `mem` the worker's
//!   wasm memory in bytes, left in `window.sipdiagBoot.workerMemory` for measuring, as are the
//!   worker's `ms` in `workerMs` and the page's read-back time in `readBackMs`) or
//!   `{ id, error }`.

use crate::diagnose::Options;
use crate::report::Report;
use crate::view::worker::{self as job, Input, Packed, Stage, CAPTURE_NEEDS_WORKER, WORKER_MIN};
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

struct Pending {
    id: u32,
    input: JobInput,
    options: Options,
    t0: f64,
    on_stage: Rc<dyn Fn(Stage)>,
    done: Box<dyn FnOnce(Outcome)>,
}

struct Client {
    worker: web_sys::Worker,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

thread_local! {
    static CLIENT: RefCell<Option<Client>> = const { RefCell::new(None) };
    static PENDING: RefCell<Option<Pending>> = const { RefCell::new(None) };
    static NEXT_ID: Cell<u32> = const { Cell::new(1) };
    /// Set when a worker could not be started: every later job runs in place.
    static NO_WORKER: Cell<bool> = const { Cell::new(false) };
}

/// Starts a job. `on_stage` hears the stages (only for jobs that go to the worker); `done` gets
/// the outcome once, unless the job is dropped first.
pub fn run(
    input: JobInput,
    options: &Options,
    on_stage: impl Fn(Stage) + 'static,
    done: impl FnOnce(Outcome) + 'static,
) -> Job {
    let id = NEXT_ID.with(|n| {
        let id = n.get();
        n.set(id.wrapping_add(1).max(1));
        id
    });
    let t0 = super::browser::now_ms();
    let capture = matches!(&input, JobInput::Bytes(b) if crate::pcap::is_capture(b));
    let in_place = (input.len() < WORKER_MIN && !capture) || NO_WORKER.with(Cell::get);
    cancel_pending();
    if !in_place {
        if let Some(worker) = client() {
            let on_stage: Rc<dyn Fn(Stage)> = Rc::new(on_stage);
            let pending = Pending {
                id,
                input: input.clone(),
                options: options.clone(),
                t0,
                on_stage: on_stage.clone(),
                done: Box::new(done),
            };
            PENDING.with(|p| *p.borrow_mut() = Some(pending));
            on_stage(Stage::Reading);
            if post(&worker, id, &input, options).is_ok() {
                return Job { id, _inline: None };
            }
            // Could not post: take the job back and run it here.
            NO_WORKER.with(|n| n.set(true));
            drop_client();
            return match take_pending(id) {
                Some(p) => in_place_job(id, input, options.clone(), p.done),
                None => Job { id, _inline: None },
            };
        }
    }
    in_place_job(id, input, options.clone(), Box::new(done))
}

/// Runs a job on this thread after the page had a moment to paint.
fn in_place_job(id: u32, input: JobInput, options: Options, done: Box<dyn FnOnce(Outcome)>) -> Job {
    let t = super::browser::set_timeout(0, move || {
        let t0 = super::browser::now_ms();
        done(analyse_here(&input, &options).map(|r| (r, super::browser::now_ms() - t0)));
    });
    Job { id, _inline: t }
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
        // The worker script failed (it could not load): finish the job here and stop trying.
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

/// The pending job, when it has this id.
fn take_pending(id: u32) -> Option<Pending> {
    PENDING.with(|p| {
        let mut p = p.borrow_mut();
        if p.as_ref().is_some_and(|p| p.id == id) {
            p.take()
        } else {
            None
        }
    })
}

fn on_message(e: web_sys::MessageEvent) {
    let data = e.data();
    let Some(id) = get(&data, "id").as_f64().map(|f| f as u32) else { return };
    if let Some(stage) = get(&data, "stage").as_string() {
        let cb = PENDING.with(|p| p.borrow().as_ref().filter(|p| p.id == id).map(|p| p.on_stage.clone()));
        if let (Some(cb), Some(s)) = (cb, Stage::from_id(&stage)) {
            cb(s);
        }
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
        drop_client();
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

/// The worker failed to load: run the pending job here instead.
fn fail_over() {
    let Some(p) = PENDING.with(|p| p.borrow_mut().take()) else { return };
    (p.done)(analyse_here(&p.input, &p.options).map(|r| (r, super::browser::now_ms() - p.t0)));
}

/// A job on the page's own thread: text, or bytes decoded as text; a capture needs the worker.
fn analyse_here(input: &JobInput, options: &Options) -> Result<Report, String> {
    let input = match input {
        JobInput::Text(t) => Input::Text(t),
        JobInput::Bytes(b) => Input::Bytes(b),
    };
    job::analyse_in_page(input, options).ok_or_else(|| CAPTURE_NEEDS_WORKER.to_string())
}

fn drop_client() {
    if let Some(c) = CLIENT.with(|c| c.borrow_mut().take()) {
        c.worker.terminate();
    }
}

/// A pending job is dropped: stop the worker when it is busy with that job.
fn cancel(id: u32) {
    if take_pending(id).is_some() {
        drop_client();
    }
}

fn cancel_pending() {
    if PENDING.with(|p| p.borrow_mut().take()).is_some() {
        drop_client();
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
    let mb = p.size as f64 / 1_048_576.0;
    html! {
        <div class="job-progress" role="status" aria-live="polite" data-stage={stage.id()}>
            <progress aria-label="Analysis progress"></progress>
            <span>{format!("{} ({mb:.1} MB) The page stays usable meanwhile.", stage.words())}</span>
        </div>
    }
}
