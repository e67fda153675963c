//! Capture files in the page: reading a dropped or picked file as bytes (a pcap/pcapng goes to
//! the capture path, anything else is decoded as text), keeping a small capture across a reload,
//! the media badge of a call, the "Media" section with the selected call's RTP streams, and the
//! RTP lanes of the ladder. What is shown is computed in `crate::view::capture`.

use super::browser;
use crate::report::Report;
use crate::view::capture::{self as vc, Capture};
use crate::view::format;
use crate::view::ladder::Ladder;
use crate::view::state::{Action, Shared};
use yew::prelude::*;

/// Local storage key of a kept capture.
pub const KEY_CAPTURE: &str = "sipdiag.capture";

/// Loads a dropped or picked file: a capture as packets, anything else as text.
pub fn load_file(file: web_sys::File, dispatch: Callback<Action>) {
    browser::read_bytes(file, move |res| match res {
        Ok((name, bytes)) if crate::pcap::is_capture(&bytes) => {
            dispatch.emit(Action::LoadCapture { capture: Capture::new(name, bytes), restored: false })
        }
        Ok((name, bytes)) => {
            // UTF-8, UTF-16 with a byte order mark, else Latin-1 (crate::view::worker::decode)
            let text = crate::view::worker::decode(bytes);
            dispatch.emit(Action::LoadFile { name, text })
        }
        Err(msg) => dispatch.emit(Action::Flash(msg)),
    });
}

/// The capture kept by the last visit, if any.
pub fn restore() -> Option<Capture> {
    vc::from_stored(&browser::load(KEY_CAPTURE)?)
}

/// Keeps a small capture for a reload, and forgets it when the input changes.
pub fn keep(capture: Option<&Capture>) {
    match capture.filter(|c| c.kept()) {
        Some(c) => {
            browser::save(KEY_CAPTURE, &vc::to_stored(c));
        }
        None => {
            browser::save(KEY_CAPTURE, "");
        }
    }
}

/// A call's media badge: icon and word (and colour), with what it means as its title.
pub fn media_badge(state: &str) -> Html {
    let (icon, word) = vc::media_badge(state);
    html! {
        <span class={classes!("media-badge", vc::media_class(state))} data-media={state.to_string()} title={vc::media_meaning(state)}>
            <span class="icon" aria-hidden="true">{icon}</span>{word}
        </span>
    }
}

/// The RTP lanes of a ladder (drawn under the arrows).
pub fn lanes_svg(l: &Ladder) -> Html {
    if l.media.is_empty() {
        return html! {};
    }
    html! {
        <>
        <defs>
            <marker id="ah-rtp" class="mk mk-rtp" viewBox="0 0 10 10" refX="9" refY="5"
                markerWidth="3.2" markerHeight="3.2" orient="auto-start-reverse">
                <path d="M0,0 L10,5 L0,10 z" />
            </marker>
            <marker id="ah-nortp" class="mk mk-nortp" viewBox="0 0 10 10" refX="9" refY="5"
                markerWidth="4" markerHeight="4" orient="auto-start-reverse">
                <path d="M0,0 L10,5 L0,10 z" />
            </marker>
        </defs>
        { for l.media.iter().map(|lane| {
            let (x1, x2) = (lane.x1 as i64, lane.x2 as i64);
            let (left, width) = (x1.min(x2), (x1 - x2).abs().max(8));
            let y = lane.y as i64;
            let y_end = lane.y_end as i64;
            let dir = if x2 > x1 { -3 } else { 3 };
            let mid = (x1 + x2) / 2;
            html! {
                <g class={classes!("media-lane", lane.poor.then_some("poor"), lane.missing.then_some("missing"))}
                    data-stream={(!lane.missing).then(|| lane.stream.to_string())}
                    role="img" aria-label={lane.title.clone()}>
                    <title>{lane.title.clone()}</title>
                    if !lane.missing {
                        <rect class="media-band" x={left.to_string()} y={y.to_string()} width={width.to_string()}
                            height={(y_end - y).max(2).to_string()} />
                        <line class="media-end" x1={left.to_string()} y1={y_end.to_string()} x2={(left + width).to_string()} y2={y_end.to_string()} />
                    }
                    <text class="t-time" x="8" y={(y - 4).to_string()}>{lane.time.clone()}</text>
                    <text class="t-delta" x="8" y={(y + 9).to_string()}>{lane.delta.clone()}</text>
                    <line class="media-shaft" x1={x1.to_string()} y1={y.to_string()} x2={(x2 + dir).to_string()} y2={y.to_string()}
                        marker-end={if lane.missing { "url(#ah-nortp)" } else { "url(#ah-rtp)" }} />
                    <text class="m-label" x={mid.to_string()} y={(y - 6).to_string()} text-anchor="middle">{lane.label.clone()}</text>
                    <text class="m-stats" x={mid.to_string()} y={(y + 12).to_string()} text-anchor="middle">{lane.stats.clone()}</text>
                </g>
            }
        }) }
        </>
    }
}

#[derive(Properties, PartialEq)]
pub struct MediaProps {
    pub report: Shared<Report>,
    pub call: u32,
}

/// The selected call's RTP streams (captures only).
#[function_component(MediaPanel)]
pub fn media_panel(p: &MediaProps) -> Html {
    let r = &*p.report;
    let Some(c) = r.calls.get(p.call as usize) else { return html! {} };
    let Some(state) = c.media.as_deref() else { return html! {} };
    let rows = vc::stream_rows(r, p.call);
    html! {
        <section class="media" id="media" aria-labelledby="media-title" data-media={state.to_string()}>
            <h3 id="media-title" class="section-title">{"Media \u{b7} "}{media_badge(state)}</h3>
            <p class="media-meaning">{vc::media_meaning(state)}</p>
            if !rows.is_empty() {
                <div class="table-scroll">
                    <table class="media-table">
                        <thead><tr>
                            <th scope="col">{"Direction"}</th>
                            <th scope="col">{"SSRC"}</th>
                            <th scope="col">{"Codec"}</th>
                            <th scope="col" class="num">{"Packets"}</th>
                            <th scope="col" class="num">{"Lost"}</th>
                            <th scope="col" class="num" title="RFC 3550 interarrival jitter, mean / max">{"Jitter"}</th>
                            <th scope="col" class="num" title="Largest gap between two packets">{"Max gap"}</th>
                        </tr></thead>
                        <tbody>
                            { for rows.iter().map(|s| html! {
                                <tr data-stream={s.index.to_string()} class={classes!(s.poor.then_some("poor"))}>
                                    <td class="mono direction" aria-label={s.direction.clone()}>
                                        <span class="ep">{s.src.clone()}</span>{" "}<span class="ep">{"\u{2192} "}{s.dst.clone()}</span>
                                        if s.nat { <span class="tag tag-warn" title="Only the port matched the SDP: a NAT rewrote the address">{"NAT"}</span> }
                                    </td>
                                    <td class="mono">{s.ssrc.clone()}</td>
                                    <td>{s.codec.clone()}</td>
                                    <td class="num">
                                        {s.packets.clone()}
                                        <span class="span-packets" title="Packet numbers of the first and last packet, and how long the stream ran">
                                            {format!(" #{} \u{b7} {}", s.span, s.duration)}
                                        </span>
                                    </td>
                                    <td class={classes!("num", s.poor.then_some("sev-warning"))}>
                                        if s.poor { <span aria-hidden="true">{"\u{26a0} "}</span><span class="visually-hidden">{"Poor: "}</span> }
                                        {s.lost.clone()}
                                    </td>
                                    <td class="num">{s.jitter.clone()}</td>
                                    <td class="num">{s.max_gap.clone()}</td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                </div>
            }
            if rows.is_empty() && r.capture.as_ref().is_some_and(|c| !c.sip_only) {
                <p class="muted">{"No RTP stream of this call is in the capture."}</p>
            }
            if let Some(n) = other_streams(r) {
                <p class="muted small">{n}</p>
            }
        </section>
    }
}

/// A note on streams that belong to no call.
fn other_streams(r: &Report) -> Option<String> {
    let n = r.media.streams.iter().filter(|s| s.call.is_none()).count();
    (n > 0).then(|| {
        format!(
            "{} in the capture could not be tied to a call by its SDP.",
            format::count(n, "RTP stream", "RTP streams")
        )
    })
}
