//! The calls list: one row per call, registration or other dialog, with time, parties, kind,
//! result, duration and a findings badge. Selecting a row drives the ladder and message view.
//! A long list shown whole is windowed (`crate::view::window`): only the rows in and near its
//! scrolled view are in the page.

use crate::report::Report;
use crate::view::format;
use crate::view::state::{Action, Shared};
use crate::view::window::{self, Window};
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
    // Scroll offset, view height and row height of a windowed list (pixels).
    let view = use_state(|| (0u32, 640u32, 37u32));
    let area = use_node_ref();
    let r = &*p.report;
    // Windowed once more rows than WINDOW_MIN would be laid out (all of them, or up to a selected
    // call far down the list); a windowed list holds every call, reached by scrolling.
    let first = FIRST_ROWS.max(p.selected.map_or(0, |c| c as usize + 1));
    let windowed = (if *show_all { r.calls.len() } else { first.min(r.calls.len()) }) > window::WINDOW_MIN;
    // A selection made elsewhere (an evidence chip) scrolls a windowed list to its row.
    {
        let area = area.clone();
        let (_, view_h, row_h) = *view;
        use_effect_with((p.selected, windowed), move |&(selected, windowed)| {
            if let (true, Some(c), Some(el)) = (windowed, selected, area.cast::<web_sys::Element>()) {
                let top = window::scroll_to(c as usize, row_h, view_h) as i32;
                if (el.scroll_top() - top).abs() > view_h as i32 / 2 {
                    el.set_scroll_top(top);
                }
            }
        });
    }
    if r.calls.is_empty() {
        return html! {};
    }
    // Keep the selected call visible even when it is past the first rows.
    let limit = if *show_all || windowed { usize::MAX } else { first };
    let hidden = r.calls.len().saturating_sub(limit);
    let win = if windowed {
        let (top, view_h, row_h) = *view;
        window::scrolled(r.calls.len(), row_h, top, view_h, 12)
    } else {
        Window { start: 0, end: limit.min(r.calls.len()), before: 0, after: 0 }
    };
    let on_scroll = {
        let (area, view) = (area.clone(), view.clone());
        Callback::from(move |_: Event| {
            let Some(el) = area.cast::<web_sys::Element>() else { return };
            let row_h = el
                .query_selector("tbody tr[data-call-id]")
                .ok()
                .flatten()
                .map(|tr| tr.client_height())
                .filter(|&h| h > 0)
                .map_or(view.2, |h| h as u32);
            let next = (el.scroll_top().max(0) as u32, el.client_height().max(0) as u32, row_h);
            if next != *view {
                view.set(next);
            }
        })
    };
    let on_more = {
        let show_all = show_all.clone();
        Callback::from(move |_| show_all.set(true))
    };
    // Captures: a media column, and times in UTC (the capture's clock).
    let capture = crate::view::capture::is_capture(r);
    html! {
        <section class="calls" aria-labelledby="calls-title">
            <h3 id="calls-title" class="section-title">{format!("Calls ({})", r.calls.len())}</h3>
            <div class={classes!("table-scroll", windowed.then_some("windowed"))} ref={area} onscroll={on_scroll}>
                <table class="calls-table">
                    <thead>
                        <tr>
                            <th scope="col">{if capture { "Time (UTC)" } else { "Time" }}</th>
                            <th scope="col">{"From \u{2192} To"}</th>
                            <th scope="col">{"Kind"}</th>
                            <th scope="col">{"Result"}</th>
                            <th scope="col">{"Duration"}</th>
                            if capture { <th scope="col">{"Media"}</th> }
                            <th scope="col">{"Findings"}</th>
                        </tr>
                    </thead>
                    <tbody>
                        if win.before > 0 {
                            <tr class="spacer" aria-hidden="true"><td colspan="7" height={win.before.to_string()}></td></tr>
                        }
                        { for r.calls[win.start..win.end].iter().map(|c| {
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
                                    if capture {
                                        <td class="media-cell">
                                            { match c.media.as_deref() {
                                                Some(m) => super::capture::media_badge(m),
                                                None => html! { <span class="muted">{"\u{2014}"}</span> },
                                            } }
                                        </td>
                                    }
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
                        if win.after > 0 {
                            <tr class="spacer" aria-hidden="true"><td colspan="7" height={win.after.to_string()}></td></tr>
                        }
                    </tbody>
                </table>
            </div>
            if hidden > 0 {
                <button type="button" class="button more" onclick={on_more}>{format!("Show {hidden} more")}</button>
            }
        </section>
    }
}
