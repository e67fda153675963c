//! The calls list: one row per call, registration or other dialog, with time, parties, kind,
//! result, duration and a findings badge. Selecting a row drives the ladder and message view.

use crate::report::Report;
use crate::view::format;
use crate::view::state::{Action, Shared};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CallsProps {
    pub report: Shared<Report>,
    pub selected: Option<u32>,
    pub dispatch: Callback<Action>,
}

/// Rows shown before "Show all".
const FIRST_ROWS: usize = 200;

#[function_component(CallsTable)]
pub fn calls_table(p: &CallsProps) -> Html {
    let show_all = use_state(|| false);
    let r = &*p.report;
    if r.calls.is_empty() {
        return html! {};
    }
    // Keep the selected call visible even when it is past the first rows.
    let limit = if *show_all { usize::MAX } else { FIRST_ROWS.max(p.selected.map_or(0, |c| c as usize + 1)) };
    let hidden = r.calls.len().saturating_sub(limit);
    let on_more = {
        let show_all = show_all.clone();
        Callback::from(move |_| show_all.set(true))
    };
    html! {
        <section class="calls" aria-labelledby="calls-title">
            <h3 id="calls-title" class="section-title">{format!("Calls ({})", r.calls.len())}</h3>
            <div class="table-scroll">
                <table class="calls-table">
                    <thead>
                        <tr>
                            <th scope="col">{"Time"}</th>
                            <th scope="col">{"From \u{2192} To"}</th>
                            <th scope="col">{"Kind"}</th>
                            <th scope="col">{"Result"}</th>
                            <th scope="col">{"Duration"}</th>
                            <th scope="col">{"Findings"}</th>
                        </tr>
                    </thead>
                    <tbody>
                        { for r.calls.iter().take(limit).map(|c| {
                            let idx = c.index;
                            let selected = p.selected == Some(idx);
                            let onclick = {
                                let d = p.dispatch.clone();
                                Callback::from(move |_| d.emit(Action::SelectCall(idx)))
                            };
                            let findings: Vec<_> = c.findings.iter().filter_map(|&i| r.findings.get(i as usize)).collect();
                            let worst = format::worst(findings.iter().copied());
                            let status_class = match c.final_status {
                                Some(s) if s >= 400 && s != 401 && s != 407 => "result fail",
                                Some(s) if (200..300).contains(&s) => "result ok",
                                _ => "result",
                            };
                            let duration = c.duration_ms.map(format::duration).unwrap_or_else(|| "\u{2014}".into());
                            html! {
                                <tr data-call-id={c.call_id.clone()} class={classes!(selected.then_some("selected"))}
                                    aria-selected={selected.to_string()} onclick={onclick.clone()}>
                                    <td class="time">
                                        <button type="button" class="row-button" onclick={onclick}
                                            aria-label={format!("Show {} {}", format::call_kind(&c.kind), format::parties(c))}
                                            aria-pressed={selected.to_string()}>
                                            {format::call_time(c)}
                                        </button>
                                    </td>
                                    <td class="parties" title={c.call_id.clone()}>{format::parties(c)}</td>
                                    <td>{format::call_kind(&c.kind)}</td>
                                    <td class={status_class}>{format::call_result(r, c)}</td>
                                    <td class="num">{duration}</td>
                                    <td>
                                        if let Some(w) = worst {
                                            <span class={classes!("count-badge", format::severity_class(w))}
                                                title={format!("{} ({})", format::count(findings.len(), "finding", "findings"), format::severity_badge(w).1)}>
                                                <span aria-hidden="true">{format::severity_badge(w).0}</span>
                                                {format!(" {}", findings.len())}
                                                <span class="visually-hidden">{format!(" ({})", format::severity_badge(w).1)}</span>
                                            </span>
                                        } else {
                                            <span class="muted">{"\u{2014}"}</span>
                                        }
                                    </td>
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
            </div>
            if hidden > 0 {
                <button type="button" class="button more" onclick={on_more}>{format!("Show {hidden} more")}</button>
            }
        </section>
    }
}
