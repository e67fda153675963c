//! Draws the ladder diagram of one call as SVG from `crate::view::ladder`'s layout. Arrows are
//! buttons: click, Enter or Space opens the message.

use crate::report::Report;
use crate::view::format;
use crate::view::ladder::{self, ArrowKind, Ladder};
use crate::view::state::{Action, Shared};
use crate::view::window;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct LadderProps {
    pub report: Shared<Report>,
    pub call: u32,
    pub edge_host: AttrValue,
    pub selected_msg: Option<u32>,
    pub dispatch: Callback<Action>,
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('\u{2026}');
        t
    }
}

#[function_component(LadderView)]
pub fn ladder_view(p: &LadderProps) -> Html {
    // (call, selection, page) the user paged to.
    let page = use_state(|| None::<(u32, Option<u32>, usize)>);
    let layout: std::rc::Rc<Ladder> = {
        let report = p.report.clone();
        use_memo((p.report.clone(), p.call, p.edge_host.clone()), move |(_, call, edge)| {
            let mut l = ladder::layout(&report, *call, edge);
            crate::view::capture::add_media(&report, *call, &mut l);
            l
        })
    };
    let r = &*p.report;
    let Some(call) = r.calls.get(p.call as usize) else { return html! {} };
    let selected_row = p.selected_msg.and_then(|m| layout.row_of(r, m)).map(|row| row.message);
    let l = &*layout;
    let w = l.width;
    // A long call is drawn a page of rows at a time (`crate::view::window`): the page holding the
    // selected message, or the one the user moved to for this call and selection.
    let n = l.rows.len();
    let paged = n > window::LADDER_PAGE;
    let follow = selected_row.and_then(|m| l.rows.iter().position(|row| row.message == m)).map_or(0, window::page_of);
    let page_no = match *page {
        Some((call, sel, pg)) if call == p.call && sel == p.selected_msg => pg,
        _ => follow,
    };
    let (start, end) = window::paged(n, page_no);
    let dy = if start > 0 { l.rows[start].y as i64 - l.rows[0].y as i64 } else { 0 };
    let h = if paged { ladder::HEAD + ladder::ROW_H * (end - start) as u32 + ladder::FOOT } else { l.height };
    let go = |pg: usize| {
        let (page, call, sel) = (page.clone(), p.call, p.selected_msg);
        Callback::from(move |_: MouseEvent| page.set(Some((call, sel, pg))))
    };
    let open = |m: u32| {
        let d = p.dispatch.clone();
        (Callback::from(move |_: MouseEvent| d.emit(Action::SelectMessage(m))), {
            let d = p.dispatch.clone();
            Callback::from(move |e: KeyboardEvent| {
                if e.key() == "Enter" || e.key() == " " {
                    e.prevent_default();
                    d.emit(Action::SelectMessage(m));
                }
            })
        })
    };
    html! {
        <section class="ladder" aria-labelledby="ladder-title">
            <h3 id="ladder-title" class="section-title">
                {"Ladder \u{b7} "}{format::call_kind(&call.kind)}{" "}{format::parties(call)}
            </h3>
            <p class="legend" aria-hidden="true">
                <span class="lg req">{"request"}</span>
                <span class="lg ok">{"success"}</span>
                <span class="lg fail">{"failure"}</span>
                <span class="lg retx">{"resent"}</span>
                <span class="lg sdp">{"SDP = carries media offer/answer"}</span>
                if !l.media.is_empty() { <span class="lg rtp">{"RTP stream (band: first to last packet)"}</span> }
            </p>
            <div class="ladder-scroll" tabindex="0" role="region" aria-label="Ladder diagram (scrolls sideways)">
                <svg data-ladder={call.call_id.clone()} width={w.to_string()} height={h.to_string()}
                    viewBox={format!("0 0 {w} {h}")} role="group"
                    aria-label={format!("Ladder diagram: {} messages between {} endpoints", l.rows.len(), l.columns.len())}>
                    <defs>
                        { for ["req", "prov", "ok", "redir", "challenge", "fail", "retx"].iter().map(|k| html! {
                            <marker id={format!("ah-{k}")} class={format!("mk mk-{k}")} viewBox="0 0 10 10" refX="9" refY="5"
                                markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                                <path d="M0,0 L10,5 L0,10 z" />
                            </marker>
                        }) }
                    </defs>
                    // time gutter
                    <text class="gutter-head" x="8" y="20">{"time"}</text>
                    // columns
                    { for l.columns.iter().map(|c| {
                        let x = c.x as i64;
                        let bw = (ladder::COL_W - 16) as i64;
                        html! {
                            <g class={classes!("col", c.label.is_some().then_some("labelled"))}>
                                <rect class="col-box" x={(x - bw / 2).to_string()} y="6" width={bw.to_string()} height="40" rx="6" />
                                <text class="col-key" x={x.to_string()} y={if c.label.is_some() { "23" } else { "31" }} text-anchor="middle">
                                    <title>{c.key.clone()}</title>
                                    {truncate(&c.key, 24)}
                                </text>
                                if let Some(label) = c.label {
                                    <text class="col-label" x={x.to_string()} y="39" text-anchor="middle">{label}</text>
                                }
                                <line class="lifeline" x1={x.to_string()} y1="46" x2={x.to_string()} y2={(h - 4).to_string()} />
                            </g>
                        }
                    }) }
                    // RTP streams of a capture, under the messages
                    if !paged { { super::capture::lanes_svg(l) } }
                    // rows
                    { for l.rows[start..end].iter().map(|row| {
                        let (onclick, onkeydown) = open(row.message);
                        let kind_key = row.kind.class().trim_start_matches("arrow ");
                        let y = row.y as i64 - dy;
                        let (x1, x2) = (row.x1 as i64, row.x2 as i64);
                        let selected = selected_row == Some(row.message);
                        let mid = if x1 == x2 { x1 + 44 } else { (x1 + x2) / 2 };
                        let label = truncate(&row.label, 26);
                        let arrow = if x1 == x2 {
                            html! { <path class="shaft" d={format!("M{x1},{} h36 v14 h-34", y - 7)} marker-end={format!("url(#ah-{kind_key})")} /> }
                        } else {
                            let dir = if x2 > x1 { -3 } else { 3 };
                            html! { <line class="shaft" x1={x1.to_string()} y1={y.to_string()} x2={(x2 + dir).to_string()} y2={y.to_string()}
                                marker-end={format!("url(#ah-{kind_key})")} /> }
                        };
                        html! {
                            <g class={classes!(row.kind.class(), row.evidence.then_some("evidence"), selected.then_some("selected"))}
                                data-msg={row.message.to_string()} role="button" tabindex="0" aria-label={row.title.clone()}
                                aria-pressed={selected.to_string()} onclick={onclick} onkeydown={onkeydown}>
                                <title>{row.title.clone()}</title>
                                <rect class="hit" x="0" y={(y - ladder::ROW_H as i64 / 2 - 6).to_string()} width={w.to_string()}
                                    height={ladder::ROW_H.to_string()} />
                                <text class="t-time" x="8" y={(y - 4).to_string()}>{row.time.clone()}</text>
                                <text class="t-delta" x="8" y={(y + 9).to_string()}>{row.delta.clone()}</text>
                                {arrow}
                                <text class="a-label" x={mid.to_string()} y={(y - 6).to_string()} text-anchor="middle">
                                    {label}
                                    if row.sdp { <tspan class="sdp-mark" dx="4">{"\u{266a}SDP"}</tspan> }
                                    if row.evidence { <tspan class="ev-mark" dx="4">{"\u{25c6}"}</tspan> }
                                </text>
                            </g>
                        }
                    }) }
                </svg>
            </div>
            if paged {
                <p class="ladder-page">
                    <button type="button" class="button" disabled={start == 0} onclick={go(page_no.saturating_sub(1))}>
                        {"\u{2191} Earlier rows"}
                    </button>
                    <span>{format!(" Rows {}\u{2013}{} of {} ", start + 1, end, n)}</span>
                    <button type="button" class="button" disabled={end >= n} onclick={go(page_no + 1)}>
                        {"Later rows \u{2193}"}
                    </button>
                </p>
            }
            if l.rows.iter().any(|r| r.kind == ArrowKind::Retransmission) {
                <p class="muted small">{"Grey rows are copies of an earlier message sent again because no answer came in time (\u{d7}N = how many)."}</p>
            }
        </section>
    }
}
