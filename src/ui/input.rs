//! The input: the trace box (type, paste or drop a file), example buttons, a file picker, the
//! symptom entry, the analysis status line, and the profile and PBX pickers.

use super::browser;
use crate::report::Report;
use crate::view::format;
use crate::view::samples::{Example, EXAMPLES};
use crate::view::state::{Action, Shared, Source, SHOW_LIMIT};
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// The profile id that means "any trunk".
const GENERIC: &str = "generic";

#[derive(Properties, PartialEq)]
pub struct PickersProps {
    pub profile: String,
    pub pbx: String,
    pub dispatch: Callback<Action>,
}

/// Provider profile and PBX pickers (remembered by the page).
#[function_component(Pickers)]
pub fn pickers(p: &PickersProps) -> Html {
    let on_profile = {
        let d = p.dispatch.clone();
        Callback::from(move |e: Event| {
            d.emit(Action::SetProfile(e.target_unchecked_into::<web_sys::HtmlSelectElement>().value()))
        })
    };
    let on_pbx = {
        let d = p.dispatch.clone();
        Callback::from(move |e: Event| {
            d.emit(Action::SetPbx(e.target_unchecked_into::<web_sys::HtmlSelectElement>().value()))
        })
    };
    let has_generic = crate::kb::profile(GENERIC).is_some();
    html! {
        <div class="pickers">
            <label>
                <span>{"Provider"}</span>
                <select id="profile" aria-label="Provider profile" onchange={on_profile}>
                    // "generic" stands for "no particular provider" when the knowledge base has it
                    if !has_generic {
                        <option value="" selected={p.profile.is_empty()}>{"Any SIP trunk"}</option>
                    }
                    { for crate::kb::PROFILES.iter().map(|pr| html! {
                        <option value={pr.id} selected={p.profile == pr.id || (p.profile.is_empty() && pr.id == GENERIC)}>{pr.name}</option>
                    }) }
                </select>
            </label>
            <label>
                <span>{"Your PBX"}</span>
                <select id="pbx" aria-label="Your PBX" onchange={on_pbx}>
                    <option value="" selected={p.pbx.is_empty()}>{"Not set"}</option>
                    { for crate::kb::PBXES.iter().map(|x| html! {
                        <option value={x.id} selected={p.pbx == x.id}>{x.name}</option>
                    }) }
                </select>
            </label>
        </div>
    }
}

/// Picks an example: the page is pending at once, and the example's text (fetched from beside
/// the page) replaces the input when it arrives; a failure leaves the input as it was.
fn fetch_example(e: &'static Example, d: &Callback<Action>) {
    d.emit(Action::FetchExample(e.id));
    let d = d.clone();
    browser::fetch_text(&e.path(), move |text| {
        d.emit(match text {
            Some(text) => Action::LoadExample { id: e.id, text },
            None => Action::ExampleFailed(e.id),
        })
    });
}

#[derive(Properties, PartialEq)]
pub struct InputProps {
    pub text: AttrValue,
    /// The input is too large to show: the box stays empty and says what is loaded.
    pub hidden: bool,
    pub source: Source,
    pub pending: bool,
    pub report: Option<Shared<Report>>,
    pub ms: Option<f64>,
    pub symptoms_open: bool,
    /// A capture file loaded instead of text: the box shows a summary line.
    #[prop_or_default]
    pub capture: Option<crate::view::capture::Capture>,
    pub dispatch: Callback<Action>,
}

#[function_component(InputPanel)]
pub fn input_panel(p: &InputProps) -> Html {
    let area = use_node_ref();
    let dragging = use_state(|| false);
    // The trace box has focus on arrival.
    {
        let area = area.clone();
        use_effect_with((), move |_| browser::focus(&area));
    }
    // A very large paste into an empty box is taken like a file: not laid out in the box.
    let on_paste = {
        let d = p.dispatch.clone();
        Callback::from(move |e: Event| {
            let Some(ce) = e.dyn_ref::<web_sys::ClipboardEvent>() else { return };
            let area = e.target_unchecked_into::<web_sys::HtmlTextAreaElement>();
            if !browser::replaces_all(&area) {
                return;
            }
            if let Some(text) = browser::pasted_text(ce).filter(|t| t.len() > SHOW_LIMIT) {
                e.prevent_default();
                d.emit(Action::LoadFile { name: "pasted text".into(), text });
            }
        })
    };
    let on_show = {
        let d = p.dispatch.clone();
        Callback::from(move |_| d.emit(Action::ShowText))
    };
    // A capture shows as one summary line; typing over it replaces the capture.
    let summary = p.capture.as_ref().map(|c| crate::view::capture::summary(c, p.report.as_deref()));
    let on_input = {
        let d = p.dispatch.clone();
        let summary = summary.clone();
        Callback::from(move |e: InputEvent| {
            let value = e.target_unchecked_into::<web_sys::HtmlTextAreaElement>().value();
            d.emit(Action::SetText(match &summary {
                Some(s) => crate::view::capture::edit_over_summary(s, &value),
                None => value,
            }))
        })
    };
    let load_file = {
        let d = p.dispatch.clone();
        move |file: web_sys::File| super::capture::load_file(file, d.clone())
    };
    let on_drop = {
        let load_file = load_file.clone();
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            dragging.set(false);
            if let Some(file) = browser::dropped_file(&e) {
                e.prevent_default();
                load_file(file);
            }
        })
    };
    let on_dragover = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            if !*dragging {
                dragging.set(true);
            }
        })
    };
    let on_dragleave = {
        let dragging = dragging.clone();
        Callback::from(move |_: DragEvent| dragging.set(false))
    };
    let on_pick = Callback::from(move |e: Event| {
        let input = e.target_unchecked_into::<web_sys::HtmlInputElement>();
        if let Some(file) = browser::picked_file(&input) {
            load_file(file);
        }
        input.set_value("");
    });
    let on_clear = {
        let d = p.dispatch.clone();
        let area = area.clone();
        Callback::from(move |_| {
            d.emit(Action::Clear);
            browser::focus(&area);
        })
    };
    let on_symptoms = {
        let d = p.dispatch.clone();
        Callback::from(move |_| d.emit(Action::ToggleSymptoms))
    };
    let empty = p.text.trim().is_empty() && p.capture.is_none();
    let size_mb = crate::view::format::megabytes(p.text.len());
    let hidden_note = match &p.source {
        Source::File(name) => format!("{name} ({size_mb}) is loaded and analysed below. It is too large to show here; type or paste to replace it."),
        _ => format!("Your last input ({size_mb}) was restored and analysed below. It is too large to show here; type or paste to replace it."),
    };
    let status = if empty {
        String::new()
    } else if p.pending {
        "Analysing\u{2026}".to_string()
    } else if p.report.as_ref().is_some_and(|r| r.messages.is_empty() && r.partials.is_empty()) {
        match &p.capture {
            Some(c) => format!("From {}: no readable SIP message in the capture.", c.name),
            None => "No SIP found yet.".to_string(),
        }
    } else if let Some(r) = &p.report {
        let formats: Vec<String> = r.formats.iter().map(|f| format::format_label(f)).collect();
        let read_as = if formats.is_empty() { String::new() } else { format!(" Read as {}.", formats.join(", ")) };
        let ms =
            p.ms.map(|ms| {
                if ms < 1.0 {
                    " Analysed in under 1 ms.".to_string()
                } else {
                    format!(" Analysed in {} ms.", ms.round() as u64)
                }
            })
            .unwrap_or_default();
        let src = match &p.source {
            Source::File(name) => format!("From {name}: "),
            Source::Restored => "Restored from your last visit: ".to_string(),
            _ => String::new(),
        };
        format!(
            "{src}{}, {}.{read_as}{ms}",
            format::count(r.messages.len(), "SIP message", "SIP messages"),
            format::count(r.calls.len(), "call or registration", "calls and registrations")
        )
    } else {
        String::new()
    };
    html! {
        <section class={classes!("input-panel", (*dragging).then_some("dragging"))} aria-label="Trace input"
            ondrop={on_drop} ondragover={on_dragover} ondragleave={on_dragleave}>
            <label for="trace-input" class="input-label">{"Your SIP trace or PBX log"}</label>
            <textarea
                id="trace-input"
                ref={area}
                value={match &summary {
                    Some(s) => AttrValue::from(s.clone()),
                    None if p.hidden => AttrValue::Static(""),
                    None => p.text.clone(),
                }}
                oninput={on_input}
                onpaste={on_paste}
                spellcheck="false"
                autocomplete="off"
                autocapitalize="off"
                wrap="off"
                rows={if p.capture.is_some() { "2" } else if empty { "12" } else { "8" }}
                aria-describedby="input-hint"
                placeholder={if p.hidden { AttrValue::from(hidden_note.clone()) } else { AttrValue::Static("Paste here: Asterisk (pjsip logger, /var/log/asterisk/full), FreeSWITCH siptrace, \
                    3CX, sngrep or ngrep output, Cisco CUBE debug, raw SIP messages\u{2026}\n\n\
                    Or drop a log file or a .pcap/.pcapng capture on this box.") }}
            />
            if p.hidden {
                <p class="big-note">
                    {hidden_note}{" "}
                    <button type="button" class="link" onclick={on_show}>{"Show it in the box anyway"}</button>
                    {" (slow)"}
                </p>
            }
            if let Some(c) = &p.capture {
                <p class="big-note capture-note">
                    {"The capture is read here, packet by packet; nothing is uploaded. "}
                    { if c.kept() {
                        "It is kept in this browser so a reload does not lose it; Clear removes it.".to_string()
                    } else {
                        format!("At {} it is too large to keep in this browser: after a reload, drop it again.",
                            crate::view::capture::size(c.bytes.len()))
                    } }
                </p>
            }
            <div class="input-bar">
                <p id="input-hint" class="hint">
                    {"Paste, type or drop a text log or a capture file \u{2014} it is analysed as you go, right here in your browser."}
                </p>
                <div class="input-actions">
                    <label class="button file-button">
                        {"Open a file\u{2026}"}
                        <input type="file" accept=".txt,.log,.sip,.pcap,.pcapng,.cap,text/plain,application/vnd.tcpdump.pcap" onchange={on_pick} aria-label="Open a log or capture file" />
                    </label>
                    <button type="button" class="button" onclick={on_clear} disabled={empty}>{"Clear"}</button>
                </div>
            </div>
            <p class="status" role="status" aria-live="polite">{status}</p>
            <div class="examples" role="group" aria-labelledby="examples-label">
                <span id="examples-label" class="examples-label">{"Try an example:"}</span>
                { for EXAMPLES.iter().map(|s| {
                    let d = p.dispatch.clone();
                    let id = s.id;
                    let active = p.source == Source::Example(id);
                    html! {
                        <button type="button" class={classes!("chip", active.then_some("active"))} data-sample={id}
                            title={format!("{} ({})", s.title, s.format)} aria-pressed={active.to_string()}
                            onclick={Callback::from(move |_| fetch_example(s, &d))}>
                            {s.title}
                        </button>
                    }
                }) }
            </div>
            <button type="button" id="symptom-toggle" class="symptom-toggle" aria-expanded={p.symptoms_open.to_string()}
                aria-controls="symptoms" onclick={on_symptoms}>
                {"No trace? Start from the symptom"}
                <span aria-hidden="true">{if p.symptoms_open { " \u{25b4}" } else { " \u{25be}" }}</span>
            </button>
        </section>
    }
}
