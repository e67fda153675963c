//! The diagnosis: the verdict card (the top finding in one sentence, with its first fix) and the
//! ranked findings, each with severity (icon, word and colour), explanation, evidence chips that
//! open the message, numbered copyable fixes and how to confirm on the chosen PBX.

use super::browser;
use crate::report::{FindingOut, Report};
use crate::view::format;
use crate::view::state::{Action, Shared};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct DiagnosisProps {
    pub report: Shared<Report>,
    pub pbx: String,
    pub symptom: Option<String>,
    pub selected_msg: Option<u32>,
    pub dispatch: Callback<Action>,
}

fn copy_button(text: String, what: String, dispatch: Callback<Action>) -> Html {
    let label = what.clone();
    let onclick = Callback::from(move |_| {
        let d = dispatch.clone();
        let what = what.clone();
        browser::copy_text(&text, move |ok| {
            d.emit(Action::Flash(if ok {
                format!("Copied {what}.")
            } else {
                "Copying is not allowed here: select the text instead.".into()
            }))
        });
    });
    html! { <button type="button" class="copy" onclick={onclick} aria-label={format!("Copy {label}")}>{"Copy"}</button> }
}

fn badge(severity: &str) -> Html {
    let (icon, word) = format::severity_badge(severity);
    html! {
        <span class={classes!("badge", format::severity_class(severity))}>
            <span class="icon" aria-hidden="true">{icon}</span>{word}
        </span>
    }
}

/// Findings shown before "Show all".
const FIRST_FINDINGS: usize = 30;

#[function_component(Diagnosis)]
pub fn diagnosis(p: &DiagnosisProps) -> Html {
    let show_all = use_state(|| false);
    let r = &*p.report;
    let limit = if *show_all { usize::MAX } else { FIRST_FINDINGS };
    let hidden = r.findings.len().saturating_sub(limit);
    let on_more = {
        let show_all = show_all.clone();
        Callback::from(move |_| show_all.set(true))
    };
    let pbx = crate::kb::pbx(&p.pbx);
    let symptom = p.symptom.as_deref().and_then(crate::kb::symptom);
    let clear_symptom = {
        let d = p.dispatch.clone();
        Callback::from(move |_| d.emit(Action::SetSymptom(None)))
    };
    html! {
        <section class="diagnosis" aria-labelledby="diagnosis-title">
            <h2 id="diagnosis-title" class="visually-hidden">{"Diagnosis"}</h2>
            { verdict(r, &p.dispatch) }
            if let Some(s) = symptom {
                <p class="reranked">
                    {format!("Ranked for the symptom \u{201c}{}\u{201d}. ", s.title)}
                    <button type="button" class="link" onclick={clear_symptom}>{"Clear symptom"}</button>
                </p>
            }
            if !r.findings.is_empty() {
                <h3 class="section-title">{format!("Findings ({})", r.findings.len())}</h3>
                <ol class="findings">
                    { for r.findings.iter().take(limit).enumerate().map(|(rank, f)| finding(r, rank, f, pbx, p.selected_msg, &p.dispatch)) }
                </ol>
                if hidden > 0 {
                    <button type="button" class="button more" onclick={on_more}>{format!("Show {hidden} more findings")}</button>
                }
            }
        </section>
    }
}

fn verdict(r: &Report, dispatch: &Callback<Action>) -> Html {
    let v = crate::view::verdict::verdict(r);
    html! {
        <div id="verdict" class={classes!("verdict", format::severity_class(&v.severity))} role="region" aria-label="Verdict"
            data-verdict={v.cause.clone().unwrap_or_default()}>
            <div class="verdict-head">
                {badge(&v.severity)}
                if let Some(c) = v.confidence {
                    <span class="confidence" title="How sure sipdiag is">{format!("{c}% sure")}</span>
                }
            </div>
            <p class="verdict-text">{v.sentence.clone()}</p>
            if !v.detail.is_empty() {
                <p class="verdict-more">{v.detail.clone()}</p>
            }
            if let Some(fix) = v.first_fix.clone() {
                <div class="first-fix">
                    <span class="first-fix-label">{"First step: "}</span>
                    <span class="first-fix-text">{fix.clone()}</span>
                    {copy_button(fix, "the first step".into(), dispatch.clone())}
                </div>
            }
        </div>
    }
}

fn finding(
    r: &Report,
    rank: usize,
    f: &FindingOut,
    pbx: Option<&'static crate::kb::Pbx>,
    selected: Option<u32>,
    dispatch: &Callback<Action>,
) -> Html {
    let cause = crate::kb::cause(&f.cause);
    // The chosen PBX's step straight from the knowledge base (no new analysis needed when the
    // picker changes); without a PBX, the report's steps for every PBX, each named.
    let confirm: Vec<String> = match (cause, pbx) {
        (Some(c), Some(x)) => c.confirm.iter().filter(|(id, _)| *id == x.id).map(|(_, s)| s.to_string()).collect(),
        (_, None) => f.confirm.clone(),
        _ => Vec::new(),
    };
    let call_note = f
        .call
        .and_then(|c| r.calls.get(c as usize))
        .map(|c| format!("{} \u{b7} {}", format::call_kind(&c.kind), format::parties(c)));
    let id = format!("finding-{rank}");
    html! {
        <li class={classes!("finding", format::severity_class(&f.severity))} data-cause={f.cause.clone()} aria-labelledby={id.clone()}>
            <div class="finding-head">
                {badge(&f.severity)}
                <h4 id={id} class="finding-title">{f.title.clone()}</h4>
                <span class="confidence">{format!("{}%", f.confidence)}</span>
            </div>
            if let Some(note) = call_note {
                <p class="finding-call">{note}</p>
            }
            <p class="explanation">{f.explanation.clone()}</p>
            if !f.evidence.is_empty() {
                <ul class="evidence" aria-label="Evidence">
                    { for f.evidence.iter().map(|e| {
                        let chip = crate::view::capture::evidence_chip(r, e);
                        let title = if e.excerpt.is_empty() { chip.clone() } else { e.excerpt.clone() };
                        match e.message {
                            Some(m) => {
                                let d = dispatch.clone();
                                let current = selected == Some(m);
                                html! { <li><button type="button" class={classes!("chip", "evidence-chip", current.then_some("active"))}
                                    title={title} data-line={e.line.to_string()} aria-label={format!("Show the message at {chip}")}
                                    onclick={Callback::from(move |_| d.emit(Action::ShowEvidence(m)))}>{chip}</button></li> }
                            }
                            None => html! { <li><span class="chip evidence-chip static" title={title}>{chip}</span></li> },
                        }
                    }) }
                </ul>
            }
            <details class="fixes" open={rank == 0}>
                <summary>{"How to fix"}</summary>
                if f.fixes.is_empty() {
                    <p class="muted">{"No fix is recorded for this finding."}</p>
                } else {
                    <ol class="steps">
                        { for f.fixes.iter().enumerate().map(|(i, fix)| html! {
                            <li><span class="step-text">{fix.clone()}</span>{copy_button(fix.clone(), format!("step {}", i + 1), dispatch.clone())}</li>
                        }) }
                    </ol>
                }
            </details>
            <details class="confirm" open={rank == 0 && pbx.is_some() && !confirm.is_empty()}>
                <summary>{ match pbx { Some(x) => format!("How to confirm on {}", x.name), None => "How to confirm".to_string() } }</summary>
                if !confirm.is_empty() || !f.checks.is_empty() {
                    <ol class="steps">
                        { for confirm.iter().chain(f.checks.iter()).map(|s| html! { <li>{s.clone()}</li> }) }
                    </ol>
                }
                if pbx.is_none() {
                    <p class="muted">{"Pick your PBX at the top of the page to see the exact menu or command for it."}</p>
                }
            </details>
        </li>
    }
}
