//! Symptom mode: "No trace? Start from the symptom". The user picks what happens; the page lists
//! the likely causes in order with their checks and fixes. With a trace, the chosen symptom also
//! re-ranks the findings.

use crate::view::state::Action;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SymptomProps {
    pub symptom: Option<String>,
    pub has_trace: bool,
    pub pbx: String,
    pub profile: String,
    pub dispatch: Callback<Action>,
}

#[function_component(SymptomPanel)]
pub fn symptom_panel(p: &SymptomProps) -> Html {
    let chosen = p.symptom.as_deref().and_then(crate::kb::symptom);
    let pbx = crate::kb::pbx(&p.pbx);
    html! {
        <section id="symptoms" class="symptoms" aria-labelledby="symptoms-title">
            <h2 id="symptoms-title" class="section-title">{"What happens?"}</h2>
            if crate::kb::SYMPTOMS.is_empty() {
                <p class="muted">{"The symptom checklist is empty in this build."}</p>
            }
            <div class="symptom-list" role="radiogroup" aria-labelledby="symptoms-title">
                { for crate::kb::SYMPTOMS.iter().map(|s| {
                    let d = p.dispatch.clone();
                    let id = s.id;
                    let on = p.symptom.as_deref() == Some(id);
                    html! {
                        <button type="button" role="radio" aria-checked={on.to_string()} data-symptom={id}
                            class={classes!("chip", "symptom", on.then_some("active"))} title={s.description}
                            onclick={Callback::from(move |_| d.emit(Action::SetSymptom(if on { None } else { Some(id.to_string()) })))}>
                            {s.title}
                        </button>
                    }
                }) }
            </div>
            if let Some(s) = chosen {
                <div class="symptom-detail">
                    <p>{s.description}</p>
                    if p.has_trace {
                        <p class="muted">{"The findings below are ranked with this symptom in mind."}</p>
                    } else {
                        <p class="muted">{"Most likely first. Paste a trace above to see which one it is."}</p>
                    }
                    <ol class="symptom-causes">
                        { for s.causes.iter().filter_map(|id| crate::kb::cause(id)).enumerate().map(|(rank, c)| {
                            let confirm: Vec<&str> = pbx
                                .map(|x| c.confirm.iter().filter(|(id, _)| *id == x.id).map(|(_, s)| *s).collect())
                                .unwrap_or_default();
                            html! {
                                <li class="symptom-cause" data-symptom-cause={c.id}>
                                    <h3 class="finding-title">{c.title}</h3>
                                    <p>{c.summary}</p>
                                    <details open={rank == 0}>
                                        <summary>{"Check"}</summary>
                                        <ol class="steps">
                                            { for confirm.iter().map(|s| html! { <li>{*s}</li> }) }
                                            { for c.checks.iter().map(|s| html! { <li>{*s}</li> }) }
                                        </ol>
                                    </details>
                                    <details open={rank == 0}>
                                        <summary>{"Fix"}</summary>
                                        <ol class="steps">{ for c.fixes.iter().map(|s| html! { <li>{*s}</li> }) }</ol>
                                    </details>
                                </li>
                            }
                        }) }
                    </ol>
                    if !s.advice.is_empty() {
                        <h3 class="sub-title">{"Also check"}</h3>
                        <ul>{ for s.advice.iter().map(|a| html! { <li>{*a}</li> }) }</ul>
                    }
                    { reachability(&p.profile) }
                    if let Some(x) = pbx.filter(|_| !p.has_trace) {
                        <details>
                            <summary>{format!("How to get a SIP trace on {}", x.name)}</summary>
                            <ol class="steps">{ for x.trace_steps.iter().map(|s| html! { <li>{*s}</li> }) }</ol>
                        </details>
                    }
                </div>
            }
        </section>
    }
}

/// The reachability checks, filled in with the chosen provider's host and ports.
fn reachability(profile: &str) -> Html {
    let Some(pr) =
        crate::kb::profile(profile).or_else(|| crate::kb::profile("generic")).or(crate::kb::PROFILES.first())
    else {
        return html! {};
    };
    if crate::kb::CHECKS.is_empty() {
        return html! {};
    }
    html! {
        <details class="checks">
            <summary>{"Reachability checks to run on the PBX host"}</summary>
            if pr.edge_host.is_empty() {
                <p class="muted">{"Replace the example host name with your provider's SIP host."}</p>
            }
            <ol class="steps">
                { for crate::kb::CHECKS.iter().map(|c| html! {
                    <li data-check={c.id}>
                        <strong>{c.title}</strong>
                        <pre class="cmd"><code>{crate::kb::fill_check(c.command, pr, "")}</code></pre>
                        <p class="muted small">{format!("Works: {}", crate::kb::fill_check(c.success, pr, ""))}</p>
                        <p class="muted small">{format!("Fails: {}", crate::kb::fill_check(c.failure, pr, ""))}</p>
                    </li>
                }) }
            </ol>
        </details>
    }
}
