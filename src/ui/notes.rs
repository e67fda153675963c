//! What the page says about the input itself: the banner for input that cannot be diagnosed
//! (`role="alert"`), and the parse notes (formats read, what was skipped or looked damaged,
//! with line numbers; never silent).

use crate::report::Report;
use crate::view::format;
use crate::view::notice::{Kind, Level, Notice};
use crate::view::state::{Action, Shared};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct BannerProps {
    pub notice: Notice,
    pub pbx: String,
}

#[function_component(Banner)]
pub fn banner(p: &BannerProps) -> Html {
    let n = &p.notice;
    let (role, class) = match n.level {
        Level::Alert => ("alert", "banner banner-alert"),
        Level::Status => ("status", "banner banner-status"),
    };
    let pbx = crate::kb::pbx(&p.pbx);
    html! {
        <div class={class} role={role} data-notice={format!("{:?}", n.kind).to_ascii_lowercase()}>
            <p class="banner-title"><span aria-hidden="true">{"\u{26a0} "}</span>{n.title}</p>
            <p>{n.body.clone()}</p>
            if n.kind == Kind::NoSip {
                if let Some(x) = pbx {
                    <details class="trace-steps" open=true>
                        <summary>{format!("How to get a SIP trace on {}", x.name)}</summary>
                        <ol class="steps">{ for x.trace_steps.iter().map(|s| html! { <li>{*s}</li> }) }</ol>
                        if !x.log_location.is_empty() {
                            <p class="muted">{format!("Log location: {}", x.log_location)}</p>
                        }
                    </details>
                } else {
                    <p class="muted">{"Pick your PBX at the top of the page to see how to turn on SIP logging on it."}</p>
                }
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct NotesProps {
    pub report: Shared<Report>,
    pub dispatch: Callback<Action>,
}

#[function_component(ParseNotes)]
pub fn parse_notes(p: &NotesProps) -> Html {
    let r = &*p.report;
    let formats: Vec<String> = r.formats.iter().map(|f| format::format_label(f)).collect();
    let retx = r.messages.iter().filter(|m| m.retransmission).count();
    html! {
        <section class="notes" aria-labelledby="notes-title">
            <h3 id="notes-title" class="section-title">{"Parse notes"}</h3>
            <ul class="notes-list">
                <li>{format!(
                    "Read {} as {}.",
                    format::count(r.messages.len(), "SIP message", "SIP messages"),
                    if formats.is_empty() { "nothing recognised".to_string() } else { formats.join(", ") }
                )}</li>
                if let Some(n) = crate::view::capture::packet_note(r) {
                    <li>{n}</li>
                }
                if retx > 0 {
                    <li>{format!("{} {} copies of earlier messages (retransmissions).", retx, if retx == 1 { "is one of the" } else { "are" })}</li>
                }
                if !r.partials.is_empty() {
                    <li>{format!("{} only mention a SIP result (no whole message):", format::count(r.partials.len(), "log line", "log lines"))}
                        <ul>
                            { for r.partials.iter().take(50).map(|pl| html! {
                                <li><span class="line-no">{format!("line {}", pl.line)}</span>{" "}<code>{pl.text.clone()}</code></li>
                            }) }
                        </ul>
                    </li>
                }
                if r.problems.is_empty() {
                    <li>{"Nothing was skipped and no message looked damaged."}</li>
                } else {
                    <li>{format!("{}:", format::count(r.problems.len(), "thing to know", "things to know"))}
                        <ul class="problems">
                            { for r.problems.iter().take(200).map(|pr| {
                                let at = crate::view::capture::at(r, pr.line);
                                match pr.message {
                                    Some(m) => {
                                        let d = p.dispatch.clone();
                                        html! { <li><button type="button" class="link line-no"
                                            onclick={Callback::from(move |_| d.emit(Action::ShowEvidence(m)))}>{at}</button>
                                            {format!(" {}", pr.description)}</li> }
                                    }
                                    None => html! { <li><span class="line-no">{at}</span>{format!(" {}", pr.description)}</li> },
                                }
                            }) }
                        </ul>
                    </li>
                }
            </ul>
        </section>
    }
}
