//! The Yew single-page app (wasm32 only). One `Reducible` page state (`crate::view::state`) with
//! an `Action` enum; components render props and dispatch actions through `Callback`s; side
//! effects (analysis after a pause, storage, clipboard, scrolling) run in `use_effect_with`;
//! browser APIs live in [`browser`]. Every analysis runs in the analysis worker ([`worker`]),
//! which the page starts as soon as it is mounted.
//!
//! DOM hooks are contracts (tests and users rely on them): `textarea#trace-input`,
//! `[data-cause]` (findings in rank order), `[data-call-id]`, `svg[data-ladder]`,
//! `[role="alert"]` for bad input, and `[data-analysis]` on the page root
//! (`empty` | `pending` | `done`); share and export (`share`): `#share`, `input#share-url`,
//! `#redact`, and `#link-notice` for a page opened from a link.

mod browser;
mod calls;
mod capture;
mod diagnosis;
mod input;
mod ladder;
mod message;
mod notes;
mod share;
mod symptoms;
pub mod worker;

use crate::view::state::{Action, Shared, Source, State};
use crate::view::worker::JobEvent;
use std::rc::Rc;
use yew::prelude::*;

/// Pause after typing before the analysis runs.
pub const DEBOUNCE_MS: i32 = 250;

/// Inputs up to this size are saved for reloads right away; larger ones once typing pauses.
const SAVE_NOW_LIMIT: usize = 1 << 20;

impl Reducible for State {
    type Action = Action;
    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        Rc::new(Rc::unwrap_or_clone(self).apply(action))
    }
}

/// Mounts the app on `<body>`.
pub fn start() {
    yew::Renderer::<App>::new().render();
}

/// Mounts the app in `root` (tests).
pub fn mount(root: web_sys::Element) -> yew::AppHandle<App> {
    yew::Renderer::<App>::with_root(root).render()
}

/// The page.
#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(|| {
        let s = State::new(
            browser::load(browser::KEY_INPUT).unwrap_or_default(),
            browser::load(browser::KEY_PROFILE).unwrap_or_default(),
            browser::load(browser::KEY_PBX).unwrap_or_default(),
        );
        let s = match capture::restore() {
            Some(c) => s.apply(Action::LoadCapture { capture: c, restored: true }),
            None => s,
        };
        // a link in the address (#v1.… / #d1.…) opens over the restored input
        share::on_load(s)
    });
    let dispatch = state.dispatcher().to_callback();
    // The analysis worker's module loads while the user reads or pastes.
    use_effect_with((), |_| worker::warm());

    // Analyse after a pause in typing (at once for examples, files and restored input); keep
    // what was pasted across reloads.
    {
        let dispatcher = state.dispatcher();
        let text = state.text.clone();
        let bytes = state.capture.as_ref().map(|c| c.bytes.clone());
        let options = state.options();
        let typed = state.source == Source::Typed;
        // a shared link's trace is not saved over the user's own input
        let saves = state.saves_input();
        use_effect_with(state.rev, move |&rev| {
            let small = text.len() <= SAVE_NOW_LIMIT;
            if small && saves {
                browser::save(browser::KEY_INPUT, &text);
            }
            let delay = if typed { DEBOUNCE_MS } else { 0 };
            // The analysis worker does the job (`worker::run`); the job is cancelled when the
            // input changes again.
            let job: Rc<std::cell::RefCell<Option<worker::Job>>> = Rc::default();
            let slot = job.clone();
            let timer = browser::set_timeout(delay, move || {
                if !small && saves {
                    browser::save(browser::KEY_INPUT, &text);
                }
                let input = match &bytes {
                    Some(b) => worker::JobInput::Bytes(b.0.clone()),
                    None => worker::JobInput::Text(text.clone()),
                };
                let d = dispatcher.clone();
                let on_stage = move |s| d.dispatch(Action::Job { rev, event: JobEvent::Stage(s) });
                let started = worker::run(input, &options, on_stage, move |outcome| match outcome {
                    Ok((report, ms)) => dispatcher.dispatch(Action::Analysed { rev, report: Shared::new(report), ms }),
                    Err(m) => dispatcher.dispatch(Action::Job { rev, event: JobEvent::Failed(m) }),
                });
                *slot.borrow_mut() = Some(started);
            });
            move || {
                drop(timer);
                drop(job.borrow_mut().take());
            }
        });
    }
    // Keep a small capture for a reload; forget it when the input changes.
    use_effect_with(state.capture.clone(), |c| capture::keep(c.as_ref()));
    // Links: opened on load and when the address changes; the fragment kept only while it matches.
    share::use_link_sync(&state);
    // Remember the pickers.
    use_effect_with((state.profile.clone(), state.pbx.clone()), |(profile, pbx)| {
        browser::save(browser::KEY_PROFILE, profile);
        browser::save(browser::KEY_PBX, pbx);
    });
    // Bring the message view into sight when an evidence chip asks for it.
    let message_ref = use_node_ref();
    {
        let node = message_ref.clone();
        use_effect_with(state.reveal, move |&reveal| {
            if reveal > 0 {
                browser::reveal(&node);
            }
        });
    }
    // Short notes ("Copied") fade after a moment.
    {
        let dispatcher = state.dispatcher();
        use_effect_with(state.flash.clone(), move |flash| {
            let timer = flash
                .as_ref()
                .and_then(|_| browser::set_timeout(2500, move || dispatcher.dispatch(Action::ClearFlash)));
            move || drop(timer)
        });
    }

    let report = state.current_report().cloned();
    let analysis = if state.is_empty() {
        "empty"
    } else if state.pending() {
        "pending"
    } else {
        "done"
    };
    let notice = report.as_ref().and_then(|r| {
        if crate::view::capture::is_capture(r) {
            crate::view::capture::notice(r)
        } else {
            crate::view::notice::notice(&state.text, r)
        }
    });
    let profile_host = crate::kb::profile(&state.profile).map_or("", |p| p.edge_host);
    let has_messages = report.as_ref().is_some_and(|r| !r.messages.is_empty() || !r.partials.is_empty());
    // a diagnosis-only link is shown instead of the results
    let link_diagnosis = state.diagnosis_link();

    html! {
        <div class={classes!("app", has_messages.then_some("has-report"))} data-analysis={analysis}>
            <header class="top">
                <div class="brand">
                    <h1><span class="logo" aria-hidden="true">{"\u{2307}"}</span>{"sipdiag"}</h1>
                    <p class="tagline">
                        {"Paste a SIP trace or PBX log \u{2014} get the root cause. "}
                        <strong>{"Nothing leaves your browser."}</strong>
                    </p>
                </div>
                <input::Pickers profile={state.profile.clone()} pbx={state.pbx.clone()} dispatch={dispatch.clone()} />
            </header>
            <main>
                <input::InputPanel
                    text={AttrValue::Rc(state.text.clone())}
                    hidden={state.text_hidden()}
                    source={state.source.clone()}
                    pending={state.pending()}
                    report={report.clone()}
                    ms={state.analysis_ms}
                    symptoms_open={state.symptoms_open}
                    capture={state.capture.clone()}
                    dispatch={dispatch.clone()}
                />
                <worker::JobNote
                    stage={state.job_stage()}
                    failure={state.job_failure().map(|f| AttrValue::from(f.to_string()))}
                    size={state.capture.as_ref().map_or(state.text.len(), |c| c.bytes.len())}
                />
                <share::LinkNotice link={state.link.clone()} previous={state.previous.is_some()} dispatch={dispatch.clone()} />
                if let Some(n) = notice.clone() {
                    <notes::Banner notice={n} pbx={state.pbx.clone()} />
                }
                if state.symptoms_open {
                    <symptoms::SymptomPanel
                        symptom={state.symptom.clone()}
                        has_trace={has_messages}
                        pbx={state.pbx.clone()}
                        profile={state.profile.clone()}
                        dispatch={dispatch.clone()}
                    />
                }
                if let Some(d) = link_diagnosis.clone() {
                    <share::LinkDiagnosis link={d} pbx={state.pbx.clone()} has_input={!state.is_empty()} dispatch={dispatch.clone()} />
                }
                if let Some(r) = report.clone().filter(|_| has_messages && link_diagnosis.is_none()) {
                    <share::ShareBar
                        report={r.clone()}
                        text={state.text.clone()}
                        rev={state.rev}
                        capture={state.capture.is_some()}
                        options={state.options()}
                        selected_call={state.selected_call}
                        selected_msg={state.selected_msg}
                        open={state.share_open}
                        form={state.share.clone()}
                        dispatch={dispatch.clone()}
                    />
                }
                if let Some(r) = report.clone().filter(|_| has_messages && link_diagnosis.is_none()) {
                    <div class="results">
                        <div class="col-diagnosis">
                            <diagnosis::Diagnosis
                                report={r.clone()}
                                pbx={state.pbx.clone()}
                                symptom={state.symptom.clone()}
                                selected_msg={state.selected_msg}
                                dispatch={dispatch.clone()}
                            />
                        </div>
                        <div class="col-trace">
                            <calls::CallsTable report={r.clone()} selected={state.selected_call} dispatch={dispatch.clone()} />
                            if let Some(c) = state.selected_call {
                                <ladder::LadderView
                                    report={r.clone()}
                                    call={c}
                                    edge_host={AttrValue::from(profile_host)}
                                    selected_msg={state.selected_msg}
                                    dispatch={dispatch.clone()}
                                />
                                <capture::MediaPanel report={r.clone()} call={c} />
                            }
                            <div ref={message_ref} class="message-anchor">
                                if let Some(m) = state.selected_msg {
                                    <message::MessageView report={r.clone()} index={m} />
                                }
                            </div>
                        </div>
                        <notes::ParseNotes report={r.clone()} dispatch={dispatch.clone()} />
                    </div>
                }
            </main>
            <footer class="foot">
                <p>{"sipdiag runs entirely in this page: your trace is analysed on your device and never uploaded. \
                     The input is kept in this browser's storage so a reload does not lose it; Clear removes it."}</p>
            </footer>
            <div class="flash" role="status" aria-live="polite">{ state.flash.clone().unwrap_or_default() }</div>
        </div>
    }
}
