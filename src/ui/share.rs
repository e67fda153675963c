//! Share and export: the `#share` button and its panel (the link in `input#share-url` with its
//! length advice, the `#redact` switch with the preview of exactly what will be shared, the
//! support-ticket report, the ladder as SVG or PNG, one call's lines), the notice that says the
//! page was opened from a link (or why a link could not be opened), the read-only view of a
//! diagnosis-only link, and the hook that opens links from the address. What is shown is
//! computed by `crate::view::share`; browser work goes through [`super::browser`].

use super::browser;
use crate::diagnose::Options;
use crate::permalink::{Selection, ShareKind};
use crate::report::Report;
use crate::view::format;
use crate::view::share::{self as vs, Opened, Prepared, ShareAction, ShareForm};
use crate::view::state::{Action, Shared, State};
use std::rc::Rc;
use yew::prelude::*;

/// Lines the redaction preview shows before "… more lines".
const PREVIEW_LINES: usize = 400;
/// Host names offered for hiding.
const MAX_HOSTS: usize = 16;
/// The PNG is drawn at twice the ladder's size, for sharp text on high-density screens.
const PNG_SCALE: f64 = 2.0;

// ---------------------------------------------------------------------------------------------
// Opening links
// ---------------------------------------------------------------------------------------------

/// The page state on load, after the stored input: the user's own input kept from before a
/// link, then the link in the address, if any.
pub fn on_load(mut s: State) -> State {
    s.previous = browser::load(browser::KEY_PREVIOUS).and_then(|v| vs::Previous::from_stored(&v));
    vs::on_load(s, vs::fragment(&browser::location_hash()).as_deref())
}

/// Opens links pasted into the address bar of an open page, keeps the address's fragment only
/// while the page shows exactly what it holds, and stores the user's own input kept from
/// before a link.
#[hook]
pub fn use_link_sync(state: &UseReducerHandle<State>) {
    {
        let dispatcher = state.dispatcher();
        use_effect_with((), move |_| {
            let listener = browser::on_hash_change(move |hash| {
                if let Some(f) = vs::fragment(&hash) {
                    dispatcher.dispatch(Action::OpenLink(f));
                }
            });
            move || drop(listener)
        });
    }
    use_effect_with((state.link_in_address(), state.link.clone()), |(keep, _)| {
        if !*keep {
            browser::clear_hash();
        }
    });
    use_effect_with(state.previous.clone(), |p| match p {
        Some(p) => {
            if let Some(v) = p.to_stored() {
                browser::save(browser::KEY_PREVIOUS, &v);
            }
        }
        None => {
            browser::save(browser::KEY_PREVIOUS, "");
        }
    });
}

/// The page's own words with a capital first letter (ASCII only: no Unicode case tables in the
/// page).
fn sentence_case(s: &str) -> String {
    let mut out = s.to_string();
    if let Some(first) = out.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    out
}

#[derive(Properties, PartialEq)]
pub struct LinkNoticeProps {
    pub link: Option<Opened>,
    pub previous: bool,
    pub dispatch: Callback<Action>,
}

/// Where the page's content came from: a trace link (with "Restore my previous trace"), a
/// link that could not be opened (`role="alert"`), or the user's own input kept aside.
#[function_component(LinkNotice)]
pub fn link_notice(p: &LinkNoticeProps) -> Html {
    let emit = |a: Action| {
        let d = p.dispatch.clone();
        Callback::from(move |_: MouseEvent| d.emit(a.clone()))
    };
    let restore = p.previous.then(|| {
        html! {
            <p class="link-previous">
                {"Your own trace is kept in this browser. "}
                <button type="button" id="restore-previous" class="button" onclick={emit(Action::RestorePrevious)}>
                    {"Restore my previous trace"}
                </button>
                {" "}
                <button type="button" class="link" onclick={emit(Action::ForgetPrevious)}>{"Forget it"}</button>
            </p>
        }
    });
    match &p.link {
        Some(Opened::Trace(s)) => html! {
            <div id="link-notice" class="banner banner-status link-notice" role="status" data-link="trace">
                <div class="link-notice-head">
                    <p class="banner-title">{"Opened from a shared link"}</p>
                    <button type="button" class="link" onclick={emit(Action::CloseLink)} aria-label="Close the link notice">{"Close"}</button>
                </div>
                <p>{s.sentence()}</p>
                <p class="muted small">{"The link's trace is in the box above. It is not saved over your own input unless you edit it."}</p>
                {for restore}
            </div>
        },
        Some(Opened::Failed(e)) => html! {
            <div id="link-notice" class="banner banner-alert link-notice" role="alert" data-link-error={e.id()}>
                <div class="link-notice-head">
                    <p class="banner-title"><span aria-hidden="true">{"\u{26a0} "}</span>{"This link could not be opened"}</p>
                    <button type="button" class="link" onclick={emit(Action::CloseLink)} aria-label="Close the link message">{"Close"}</button>
                </div>
                <p>{format!("{}.", sentence_case(e.description()))}</p>
                <p class="muted small">{"Everything else works as usual: paste a trace in the box above or try an example."}</p>
                {for restore}
            </div>
        },
        // the diagnosis view has its own notice
        Some(Opened::Diagnosis(_)) => html! {},
        None if p.previous => html! {
            <div id="link-notice" class="banner banner-status link-notice" role="status" data-link="previous">
                <p>{"You opened a shared link earlier: the trace you had before it is kept aside."}</p>
                {for restore}
            </div>
        },
        None => html! {},
    }
}

// ---------------------------------------------------------------------------------------------
// A diagnosis-only link
// ---------------------------------------------------------------------------------------------

#[derive(Properties, PartialEq)]
pub struct LinkDiagnosisProps {
    pub link: Rc<crate::permalink::DiagnosisLink>,
    pub pbx: String,
    /// The user has input of their own (shown again when the view closes).
    #[prop_or_default]
    pub has_input: bool,
    pub dispatch: Callback<Action>,
}

fn badge(severity: &str) -> Html {
    let (icon, word) = format::severity_badge(severity);
    html! {
        <span class={classes!("badge", format::severity_class(severity))}>
            <span class="icon" aria-hidden="true">{icon}</span>{word}
        </span>
    }
}

/// The read-only view of a diagnosis-only link: the verdict and the findings (in the sender's
/// rank order) with their evidence excerpts; fixes from this page's knowledge base.
#[function_component(LinkDiagnosis)]
pub fn link_diagnosis(p: &LinkDiagnosisProps) -> Html {
    let v = vs::diagnosis_view(&p.link, &p.pbx);
    let close = {
        let d = p.dispatch.clone();
        Callback::from(move |_| d.emit(Action::CloseLink))
    };
    let pbx_name = p.link.pbx.as_deref().or(Some(p.pbx.as_str())).and_then(crate::kb::pbx).map(|x| x.name);
    html! {
        <section class="link-diagnosis" aria-labelledby="link-diagnosis-title">
            <div id="link-notice" class="banner banner-status link-notice" role="status" data-link="diagnosis">
                <div class="link-notice-head">
                    <p class="banner-title" id="link-diagnosis-title">
                        {"Opened from a shared link: diagnosis only"}
                    </p>
                    <button type="button" class="link" onclick={close}>
                        {if p.has_input { "Close and show my own trace" } else { "Close" }}
                    </button>
                </div>
                <p>{"The sender shared the verdict and the findings, not the trace, so there are no calls, ladder or \
                     messages to look at. Line numbers refer to the sender's trace."}</p>
            </div>
            <section class="diagnosis read-only" aria-label="Diagnosis from the link">
                <div id="verdict" class={classes!("verdict", format::severity_class(&v.severity))}
                    data-verdict={v.findings.first().map(|f| f.cause.clone()).unwrap_or_default()}>
                    <div class="verdict-head">{badge(&v.severity)}</div>
                    <p class="verdict-text">{v.verdict.clone()}</p>
                    if let Some(c) = &v.call {
                        <p class="verdict-more">{c.clone()}</p>
                    }
                    if !v.context.is_empty() || !v.formats.is_empty() {
                        <p class="verdict-more small">
                            {v.context.clone()}
                            if !v.formats.is_empty() {
                                {format!("{}Trace read as {}.", if v.context.is_empty() { "" } else { " \u{b7} " }, v.formats.join(", "))}
                            }
                        </p>
                    }
                </div>
                if v.findings.is_empty() {
                    <p class="muted">{"The link holds no findings: sipdiag found nothing wrong in the sender's trace."}</p>
                } else {
                    <h3 class="section-title">{format!("Findings ({})", v.findings.len())}</h3>
                    <ol class="findings">
                        { for v.findings.iter().enumerate().map(|(rank, f)| {
                            let id = format!("link-finding-{rank}");
                            html! {
                                <li class={classes!("finding", format::severity_class(&f.severity))} data-cause={f.cause.clone()} aria-labelledby={id.clone()}>
                                    <div class="finding-head">
                                        {badge(&f.severity)}
                                        <h4 id={id} class="finding-title">{f.title.clone()}</h4>
                                        <span class="confidence">{format!("{}%", f.confidence)}</span>
                                    </div>
                                    <p class="explanation">{f.explanation.clone()}</p>
                                    if !f.evidence.is_empty() {
                                        <ul class="link-evidence" aria-label="Evidence">
                                            { for f.evidence.iter().map(|e| html! {
                                                <li data-line={e.line.to_string()}>
                                                    <span class="chip static">{vs::evidence_label(e)}</span>
                                                    if !e.excerpt.is_empty() {
                                                        <code class="excerpt">{e.excerpt.clone()}</code>
                                                    }
                                                </li>
                                            }) }
                                        </ul>
                                    }
                                    <details class="fixes" open={rank == 0}>
                                        <summary>{"How to fix"}</summary>
                                        if f.fixes.is_empty() {
                                            <p class="muted">{ if f.known { "No fix is recorded for this finding." } else { "This page does not know this finding yet: reload it to get the latest version." } }</p>
                                        } else {
                                            <ol class="steps">{ for f.fixes.iter().map(|s| html! { <li>{s.clone()}</li> }) }</ol>
                                        }
                                    </details>
                                    if !f.confirm.is_empty() {
                                        <details class="confirm">
                                            <summary>{format!("How to confirm on {}", pbx_name.unwrap_or("your PBX"))}</summary>
                                            <ol class="steps">{ for f.confirm.iter().map(|s| html! { <li>{s.clone()}</li> }) }</ol>
                                        </details>
                                    }
                                </li>
                            }
                        }) }
                    </ol>
                }
            </section>
        </section>
    }
}

// ---------------------------------------------------------------------------------------------
// The share button and panel
// ---------------------------------------------------------------------------------------------

#[derive(Properties, PartialEq)]
pub struct ShareProps {
    pub report: Shared<Report>,
    /// The input as the user gave it (empty for a capture: its report's messages are shared).
    pub text: Rc<str>,
    /// The input revision: links are remade when it changes.
    pub rev: u64,
    pub capture: bool,
    pub options: Options,
    pub selected_call: Option<u32>,
    pub selected_msg: Option<u32>,
    pub open: bool,
    pub form: ShareForm,
    pub dispatch: Callback<Action>,
}

/// The `#share` button, and the panel when it is open.
#[function_component(ShareBar)]
pub fn share_bar(p: &ShareProps) -> Html {
    let toggle = {
        let d = p.dispatch.clone();
        Callback::from(move |_| d.emit(Action::ToggleShare))
    };
    let panel = p.clone_props();
    html! {
        <div class={classes!("share-area", p.open.then_some("open"))}>
            <div class="share-bar">
                <button type="button" id="share" class="button share-button" aria-expanded={p.open.to_string()}
                    aria-controls="share-panel" onclick={toggle}>
                    {"Share and export"}
                    <span aria-hidden="true">{if p.open { " \u{25b4}" } else { " \u{25be}" }}</span>
                </button>
                <span class="muted small">{"A link carries the trace itself; nothing is uploaded."}</span>
            </div>
            if p.open {
                <SharePanel ..panel />
            }
        </div>
    }
}

impl ShareProps {
    fn clone_props(&self) -> ShareProps {
        ShareProps {
            report: self.report.clone(),
            text: self.text.clone(),
            rev: self.rev,
            capture: self.capture,
            options: self.options.clone(),
            selected_call: self.selected_call,
            selected_msg: self.selected_msg,
            open: self.open,
            form: self.form.clone(),
            dispatch: self.dispatch.clone(),
        }
    }
}

type PrepKey = (u64, Options, Option<u32>, Option<u32>, (bool, bool, bool, bool, Vec<String>));

fn copy(text: String, what: &'static str, dispatch: Callback<Action>) {
    browser::copy_text(&text, move |ok| {
        dispatch.emit(Action::Flash(if ok {
            format!("Copied {what}.")
        } else {
            "Copying is not allowed here: select the text and press Ctrl+C (\u{2318}C on a Mac).".into()
        }))
    });
}

/// What the share panel shows: the worker's answer for a question, or why there is none.
type Made = (PrepKey, Result<Shared<Prepared>, String>);

#[function_component(SharePanel)]
fn share_panel(p: &ShareProps) -> Html {
    let prepared: UseStateHandle<Option<Made>> = use_state(|| None);
    let key: PrepKey = (p.rev, p.options.clone(), p.selected_call, p.selected_msg, p.form.link_key());
    // The analysis worker makes the links, the redaction and the exports (the page's module has
    // no analysis code); the panel is drawn meanwhile.
    {
        let prepared = prepared.clone();
        let text = p.text.clone();
        let report = p.report.clone();
        let capture = p.capture;
        let form = p.form.clone();
        use_effect_with(key.clone(), move |key| {
            let key = key.clone();
            let input: Rc<str> = if capture { Rc::from(vs::capture_text(&report)) } else { text };
            let sel = Selection { call: key.2, message: key.3 };
            let ask = vs::ShareAsk::new(&key.1, sel, &browser::page_base(), &form);
            let job = super::worker::share(input, ask, move |made| prepared.set(Some((key, made.map(Shared::new)))));
            move || drop(job)
        });
    }
    let url_ref = use_node_ref();
    let d = p.dispatch.clone();
    let share = |a: ShareAction| Action::Share(a);
    let ready = prepared.as_ref().is_some_and(|(k, _)| *k == key);
    let prep = match prepared.as_ref() {
        Some((_, Ok(prep))) => prep,
        Some((_, Err(why))) if ready => {
            return html! {
                <section id="share-panel" class="share-panel" aria-labelledby="share-title" data-ready="false">
                    <h2 id="share-title" class="share-title">{"Share and export"}</h2>
                    <p class="banner banner-alert" role="alert">{why.clone()}</p>
                </section>
            };
        }
        _ => {
            return html! {
                <section id="share-panel" class="share-panel" aria-labelledby="share-title" data-ready="false">
                    <h2 id="share-title" class="share-title">{"Share and export"}</h2>
                    <p class="muted">{"Making the link\u{2026}"}</p>
                </section>
            };
        }
    };
    let prep = prep.clone();
    let chosen = prep.chosen(p.form.kind).cloned();
    let kind = chosen.as_ref().map_or(ShareKind::Diagnosis, |o| o.kind);

    // --- what the link carries
    let kinds = html! {
        <fieldset class="share-kinds">
            <legend>{"What the link carries"}</legend>
            { for prep.options.iter().map(|o| {
                let k = o.kind;
                let d = d.clone();
                let len = o.url.chars().count();
                let recommended = prep.recommended.and_then(|i| prep.options.get(i)).is_some_and(|r| r.kind == k);
                html! {
                    <label class={classes!("share-kind", (k == kind).then_some("active"))}>
                        <input type="radio" name="share-kind" value={k.id()} checked={k == kind}
                            onchange={Callback::from(move |_| d.emit(share(ShareAction::Kind(k))))} />
                        <span class="share-kind-label">{k.label()}</span>
                        <span class={classes!("len", format!("fit-{}", o.fit.id()))} data-fit={o.fit.id()}>
                            {format!("{} characters", vs::thousands(len))}
                        </span>
                        if recommended { <span class="tag">{"recommended"}</span> }
                    </label>
                }
            }) }
        </fieldset>
    };

    // --- the link
    let link = match &chosen {
        None => {
            html! { <p class="banner banner-alert" role="alert">{"This input is too large to put in a link. Export the report or the call's lines below instead."}</p> }
        }
        Some(o) => {
            let advice = vs::advice(&prep, o);
            let url = o.url.clone();
            let on_copy = {
                let d = d.clone();
                let url = url.clone();
                let node = url_ref.clone();
                Callback::from(move |_| {
                    browser::select_all(&node);
                    copy(url.clone(), "the link", d.clone());
                })
            };
            let on_focus = {
                let node = url_ref.clone();
                Callback::from(move |_: FocusEvent| browser::select_all(&node))
            };
            html! {
                <div class="share-link">
                    <label for="share-url" class="share-url-label">{format!("Link \u{2014} {}", kind.label().to_ascii_lowercase())}</label>
                    <div class="share-url-row">
                        <input id="share-url" ref={url_ref.clone()} type="text" readonly=true value={url}
                            data-kind={kind.id()} data-fit={o.fit.id()} data-length={advice.chars.to_string()}
                            onfocus={on_focus} spellcheck="false" autocomplete="off" />
                        <button type="button" id="copy-link" class="button primary" onclick={on_copy}>{"Copy link"}</button>
                    </div>
                    <p class={classes!("link-length", format!("fit-{}", o.fit.id()))} data-fit={o.fit.id()}>{advice.note.clone()}</p>
                    if let Some(w) = advice.warning.clone() {
                        <div class="share-warning" role="note">
                            <p><span aria-hidden="true">{"\u{26a0} "}</span>{w}</p>
                            if !advice.instead.is_empty() {
                                <p class="share-instead">
                                    {"Share less instead: "}
                                    { for advice.instead.iter().map(|&(k, len)| {
                                        let d = d.clone();
                                        html! {
                                            <button type="button" class="button" data-share-kind={k.id()}
                                                onclick={Callback::from(move |_| d.emit(share(ShareAction::Kind(k))))}>
                                                {format!("{} ({} characters)", k.label(), vs::thousands(len))}
                                            </button>
                                        }
                                    }) }
                                </p>
                            }
                        </div>
                    }
                    if kind == ShareKind::Call {
                        <p class="muted small">{format!("Carries the {} lines of call {} only.", prep.call_lines.len(), prep.call_id.clone().unwrap_or_default())}</p>
                    }
                    if kind == ShareKind::Diagnosis {
                        <p class="muted small">{"Carries the verdict and the findings with the lines they quote; no trace. It opens read-only."}</p>
                    }
                    if p.capture {
                        <p class="muted small">{"A capture is shared as the SIP messages read from it (as ngrep text); its media packets stay out."}</p>
                    }
                </div>
            }
        }
    };

    // --- redaction
    let f = &p.form;
    let check = |id: &'static str, label: &'static str, on: bool, make: fn(bool) -> ShareAction| {
        let d = d.clone();
        html! {
            <label class="check" for={id}>
                <input type="checkbox" id={id} checked={on}
                    onchange={Callback::from(move |e: Event| d.emit(Action::Share(make(e.target_unchecked_into::<web_sys::HtmlInputElement>().checked()))))} />
                {label}
            </label>
        }
    };
    let redaction = html! {
        <div class="redact-box">
            <label class="switch" for="redact">
                <input type="checkbox" id="redact" role="switch" checked={f.redact} aria-controls="redact-options"
                    onchange={{
                        let d = d.clone();
                        Callback::from(move |e: Event| d.emit(Action::Share(ShareAction::Redact(e.target_unchecked_into::<web_sys::HtmlInputElement>().checked()))))
                    }} />
                <span class="switch-text">
                    <strong>{"Hide addresses, numbers and passwords"}</strong>
                    <span class="muted small">{" \u{2014} the link and the exports then carry the redacted text; the diagnosis stays the same."}</span>
                </span>
            </label>
            if f.redact {
                <div id="redact-options" class="redact-options">
                    <div class="checks" role="group" aria-label="What to hide">
                        {check("redact-ips", "IP addresses", f.ips, ShareAction::Ips)}
                        {check("redact-numbers", "Phone numbers and user names", f.numbers, ShareAction::Numbers)}
                        {check("redact-credentials", "Passwords, nonces and keys", f.credentials, ShareAction::Credentials)}
                    </div>
                    if !prep.hosts.is_empty() {
                        <fieldset class="redact-hosts">
                            <legend>{"Host names to hide"}</legend>
                            { for prep.hosts.iter().take(MAX_HOSTS).map(|h| {
                                let d = d.clone();
                                let host = h.clone();
                                let on = f.hosts.contains(h);
                                html! {
                                    <label class="check host">
                                        <input type="checkbox" checked={on} data-host={h.clone()}
                                            onchange={Callback::from(move |e: Event| d.emit(Action::Share(ShareAction::Host(host.clone(), e.target_unchecked_into::<web_sys::HtmlInputElement>().checked()))))} />
                                        <code>{h.clone()}</code>
                                    </label>
                                }
                            }) }
                        </fieldset>
                    }
                    {redact_preview(&prep, kind, &p.options, p.selected_call)}
                </div>
            }
        </div>
    };

    // --- exports
    let ticket_field = |id: &'static str,
                        label: &'static str,
                        hint: &'static str,
                        value: &str,
                        make: fn(String) -> ShareAction| {
        let d = d.clone();
        html! {
            <label class="field" for={id}>
                <span>{label}</span>
                <input type="text" id={id} value={value.to_string()} placeholder={hint} autocomplete="off"
                    oninput={Callback::from(move |e: InputEvent| d.emit(Action::Share(make(e.target_unchecked_into::<web_sys::HtmlInputElement>().value()))))} />
            </label>
        }
    };
    let ticket_action = |markdown: bool, download: bool| {
        let d = d.clone();
        let prep = prep.clone();
        let form = p.form.clone();
        Callback::from(move |_| {
            let t = prep.ticket.clone().filled(&form.ticket_input(prep.call));
            let (body, ext, mime) =
                if markdown { (t.markdown(), "md", "text/markdown") } else { (t.text(), "txt", "text/plain") };
            if download {
                let name = vs::file_name("ticket", prep.call_id.as_deref(), ext);
                if !browser::download_text(&name, mime, &body) {
                    d.emit(Action::Flash("This browser refused the download.".into()));
                }
            } else {
                copy(body, if markdown { "the report (Markdown)" } else { "the report (text)" }, d.clone());
            }
        })
    };
    let ladder_action = |png: bool| {
        let d = d.clone();
        let name = vs::file_name("ladder", prep.call_id.as_deref(), if png { "png" } else { "svg" });
        let redacted = p.form.redact;
        Callback::from(move |_| {
            let source = if redacted { "#share-panel svg[data-ladder]" } else { ".col-trace svg[data-ladder]" };
            let Some(svg) = browser::query(source) else {
                d.emit(Action::Flash("Pick a call in the calls list first: its ladder is what is exported.".into()));
                return;
            };
            let background = browser::query(".ladder-scroll");
            let Some((xml, w, h)) = browser::standalone_svg(&svg, vs::SVG_STYLE_PROPS, background.as_ref()) else {
                d.emit(Action::Flash("This browser could not export the ladder.".into()));
                return;
            };
            if png {
                let d = d.clone();
                let name = name.clone();
                browser::svg_to_png(xml, w, h, PNG_SCALE, move |url| match url {
                    Some(url) => {
                        browser::download_url(&name, &url);
                    }
                    None => d.emit(Action::Flash(
                        "This browser could not draw the ladder as a picture; download the SVG instead.".into(),
                    )),
                });
            } else if !browser::download_text(&name, "image/svg+xml", &xml) {
                d.emit(Action::Flash("This browser refused the download.".into()));
            }
        })
    };
    let call_action = {
        let d = d.clone();
        let prep = prep.clone();
        Callback::from(move |_| {
            let Some(text) = prep.call_trace.clone() else {
                d.emit(Action::Flash("There is no call to export.".into()));
                return;
            };
            let name = vs::file_name("call", prep.call_id.as_deref(), "txt");
            if !browser::download_text(&name, "text/plain", &text) {
                d.emit(Action::Flash("This browser refused the download.".into()));
            }
        })
    };
    let exports = html! {
        <div class="export-box">
            <h3 class="sub-title">{"Export"}</h3>
            <p class="muted small">
                { match &prep.call_id {
                    Some(id) => format!("About call {id}{}", if f.redact { ", from the redacted text." } else { "." }),
                    None => "About the whole input.".to_string(),
                } }
            </p>
            <div class="ticket-fields">
                {ticket_field("ticket-workspace", "Workspace ID", "your account at the provider", &f.workspace_id, ShareAction::WorkspaceId)}
                {ticket_field("ticket-trunk", "SIP trunk ID", "from the provider's trunk settings", &f.trunk_id, ShareAction::TrunkId)}
                {ticket_field("ticket-symptom", "What callers experience", "e.g. calls drop after 30 s", &f.description, ShareAction::Description)}
            </div>
            <div class="export-actions" role="group" aria-label="Support ticket report">
                <span class="export-label">{"Support ticket"}</span>
                <div class="export-buttons">
                <button type="button" id="export-md" class="button" onclick={ticket_action(true, true)}>{"Download Markdown"}</button>
                <button type="button" id="copy-md" class="button" onclick={ticket_action(true, false)}>{"Copy Markdown"}</button>
                <button type="button" id="export-txt" class="button" onclick={ticket_action(false, true)}>{"Download text"}</button>
                <button type="button" id="copy-txt" class="button" onclick={ticket_action(false, false)}>{"Copy text"}</button>
                </div>
            </div>
            <div class="export-actions" role="group" aria-label="Ladder diagram">
                <span class="export-label">{"Ladder"}</span>
                <div class="export-buttons">
                <button type="button" id="export-svg" class="button" onclick={ladder_action(false)} disabled={p.selected_call.is_none()}>{"Download SVG"}</button>
                <button type="button" id="export-png" class="button" onclick={ladder_action(true)} disabled={p.selected_call.is_none()}>{"Download PNG"}</button>
                </div>
            </div>
            <div class="export-actions" role="group" aria-label="Trace">
                <span class="export-label">{"Trace"}</span>
                <div class="export-buttons">
                <button type="button" id="export-call" class="button" onclick={call_action} disabled={prep.call.is_none()}>{"Download this call's lines"}</button>
                </div>
            </div>
        </div>
    };
    let close = {
        let d = d.clone();
        Callback::from(move |_| d.emit(Action::ToggleShare))
    };

    html! {
        <section id="share-panel" class="share-panel" aria-labelledby="share-title" data-ready={ready.to_string()}>
            <div class="share-head">
                <h2 id="share-title" class="share-title">{"Share and export"}</h2>
                <button type="button" class="link" onclick={close}>{"Close"}</button>
            </div>
            <p class="muted small">
                {"A link carries the trace itself, in the part after #. Browsers never send that part to a server, \
                  so only the people you give the link to can read it."}
            </p>
            <div class="share-grid">
                <div class="share-col">
                    {kinds}
                    {link}
                    {redaction}
                </div>
                <div class="share-col">
                    {exports}
                </div>
            </div>
        </section>
    }
}

/// The preview of exactly what will be shared: the redacted lines the chosen link carries, the
/// replacements marked, the replacement table, and the ladder as it will be exported.
fn redact_preview(prep: &Shared<Prepared>, kind: ShareKind, options: &Options, selected_call: Option<u32>) -> Html {
    let Some(red) = prep.redacted.as_ref() else { return html! {} };
    let pv = vs::preview(red, prep.preview_lines(kind), PREVIEW_LINES);
    let what = match kind {
        ShareKind::Trace => "the whole trace".to_string(),
        ShareKind::Call => format!("the lines of call {}", prep.call_id.clone().unwrap_or_default()),
        ShareKind::Diagnosis => "the lines the findings quote (with the verdict and findings)".to_string(),
    };
    let edge = options.profile.as_deref().and_then(crate::kb::profile).map_or("", |p| p.edge_host);
    html! {
        <div class="redact-preview-box">
            <h3 class="sub-title">{"What will be shared"}</h3>
            <p class="small">
                {format!("The link carries {what}. ")}
                {format!("{} replaced ({} distinct values).",
                    format::count(pv.marks as usize, "value", "values"), red.replacements.len())}
                if red.lengths_adjusted > 0 {
                    {format!(" Content-Length corrected in {} so message framing stays the same.",
                        format::count(red.lengths_adjusted as usize, "message", "messages"))}
                }
            </p>
            <pre class="redact-preview" aria-label="The redacted text" tabindex="0">
                { for pv.lines.iter().map(|l| html! {
                    <span class="ln"><span class="no">{l.no}</span><span class="tx">
                        { for l.parts.iter().map(|(s, k)| match k {
                            Some(k) => html! { <mark class={classes!("r", format!("r-{}", k.id()))} title={k.label()}>{s.clone()}</mark> },
                            None => html! { {s.clone()} },
                        }) }
                    </span></span>
                }) }
            </pre>
            if pv.more > 0 {
                <p class="muted small">{format!("\u{2026} and {} more, redacted the same way.", format::count(pv.more as usize, "line", "lines"))}</p>
            }
            if red.replacements.is_empty() {
                <p class="muted small">{"Nothing in this trace needed hiding with these options."}</p>
            } else {
                <details class="redact-table-box" open={red.replacements.len() <= 12}>
                    <summary>{format!("Replacements ({})", red.replacements.len())}</summary>
                    <div class="table-scroll">
                        <table class="redact-table">
                            <thead><tr><th scope="col">{"In your trace"}</th><th scope="col">{"Shared as"}</th><th scope="col">{"Kind"}</th><th scope="col" class="num">{"Times"}</th></tr></thead>
                            <tbody>
                                { for red.replacements.iter().map(|x| html! {
                                    <tr data-kind={x.kind.id()}>
                                        <td class="mono">{x.original.clone()}</td>
                                        <td class="mono"><mark class={classes!("r", format!("r-{}", x.kind.id()))}>{x.replacement.clone()}</mark></td>
                                        <td>{x.kind.label()}</td>
                                        <td class="num">{x.count}</td>
                                    </tr>
                                }) }
                            </tbody>
                        </table>
                    </div>
                    <p class="muted small">{"This table stays on your screen: it is not part of the link or the exports."}</p>
                </details>
            }
            if let (Some(r), Some(c)) = (prep.redacted_report.clone(), selected_call) {
                if (c as usize) < r.calls.len() {
                    <details class="redact-ladder">
                        <summary>{"The ladder as it will be exported"}</summary>
                        <super::ladder::LadderView report={Shared(r)} call={c} edge_host={AttrValue::from(edge)}
                            selected_msg={None::<u32>} dispatch={Callback::noop()} />
                    </details>
                }
            }
        </div>
    }
}
