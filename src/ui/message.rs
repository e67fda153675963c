//! The message view: raw text with input line numbers and evidence lines marked, the parsed
//! header fields, an SDP summary and the problems found in the message.

use crate::report::Report;
use crate::view::message::{self, MessageDetail};
use crate::view::state::Shared;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct MessageProps {
    pub report: Shared<Report>,
    pub index: u32,
}

#[function_component(MessageView)]
pub fn message_view(p: &MessageProps) -> Html {
    let detail: std::rc::Rc<Option<MessageDetail>> = {
        let report = p.report.clone();
        use_memo((p.report.clone(), p.index), move |(_, i)| {
            // a captured message is one packet: its lines are counted within it
            if crate::view::capture::is_capture(&report) {
                crate::view::capture::message_detail(&report, *i)
            } else {
                message::detail(&report, *i)
            }
        })
    };
    let Some(d) = &*detail else { return html! {} };
    html! {
        <section class="message" id="message-view" aria-labelledby="message-title" data-message={d.index.to_string()}>
            <h3 id="message-title" class="section-title">{format!("Message #{} \u{b7} {}", d.index + 1, d.title)}</h3>
            if !d.problems.is_empty() {
                <ul class="msg-problems" aria-label="Problems in this message">
                    { for d.problems.iter().map(|n| {
                        let (icon, word) = crate::view::format::severity_badge(&n.severity);
                        html! { <li class={crate::view::format::severity_class(&n.severity)}>
                            <span aria-hidden="true">{format!("{icon} ")}</span>
                            <span class="visually-hidden">{format!("{word}: ")}</span>{n.text.clone()}
                        </li> }
                    }) }
                </ul>
            }
            <pre class="raw" tabindex="0" aria-label="Message text">
                { for d.lines.iter().map(|l| html! {
                    <span class={classes!("ln", l.marked.then_some("mark"))} data-line={l.no.to_string()}>
                        <span class="no" aria-hidden="true">{l.no}</span>
                        <span class="tx">{l.text.clone()}</span>
                        if l.marked { <span class="visually-hidden">{" (evidence)"}</span> }
                        {"\n"}
                    </span>
                }) }
            </pre>
            if !d.media.is_empty() {
                <h4 class="sub-title">{"SDP (media offer/answer)"}</h4>
                <div class="table-scroll">
                    <table class="sdp-table">
                        <thead><tr>
                            <th scope="col">{"Media"}</th><th scope="col">{"Address"}</th><th scope="col">{"Port"}</th>
                            <th scope="col">{"Codecs"}</th><th scope="col">{"Direction"}</th><th scope="col">{"ptime"}</th>
                        </tr></thead>
                        <tbody>
                            { for d.media.iter().map(|m| html! {
                                <tr>
                                    <td>{m.kind.clone()}</td>
                                    <td class="mono">
                                        {m.address.clone()}
                                        if let Some(w) = m.scope.word() {
                                            <span class={classes!("tag", m.scope.unreachable_from_outside().then_some("tag-warn"))}>{w}</span>
                                        }
                                    </td>
                                    <td class="mono">{m.port}</td>
                                    <td>{m.codecs.join(", ")}</td>
                                    <td>{m.direction}</td>
                                    <td>{m.ptime.map(|p| format!("{p} ms")).unwrap_or_default()}</td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                </div>
            }
            <details class="headers">
                <summary>{format!("Header fields ({})", d.headers.len())}</summary>
                <div class="table-scroll">
                    <table class="headers-table">
                        <thead><tr><th scope="col">{"Line"}</th><th scope="col">{"Name"}</th><th scope="col">{"Value"}</th></tr></thead>
                        <tbody>
                            { for d.headers.iter().map(|h| html! {
                                <tr><td class="num">{h.line}</td><th scope="row">{h.name.clone()}</th><td class="mono">{h.value.clone()}</td></tr>
                            }) }
                        </tbody>
                    </table>
                </div>
            </details>
        </section>
    }
}
