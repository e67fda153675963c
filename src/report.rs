//! The report: an owned, serialisable summary of one [`Analysis`]. It is the boundary type that
//! leaves the core — the CLI's `--format json` output (contract: `version` 1, documented in
//! docs/JSON.md), the UI's view model and the payload of "diagnosis only" links. Numbers on the
//! wire are fixed-width (`u32`, `u64`, `i64`), never `usize`.

use crate::analysis::Analysis;
use crate::calls::Ending;
use serde::{Deserialize, Serialize};

/// Version of the JSON contract. Bump on any incompatible change; additions keep it.
pub const REPORT_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub version: u32,
    /// The main format found (the first recognised), `"none"` when nothing was.
    pub format: String,
    /// Every format found, in order of first appearance.
    pub formats: Vec<String>,
    pub messages: Vec<MessageOut>,
    pub calls: Vec<CallOut>,
    pub partials: Vec<PartialOut>,
    pub problems: Vec<ProblemOut>,
    pub findings: Vec<FindingOut>,
    /// The overall verdict in one sentence.
    #[serde(default)]
    pub verdict: VerdictOut,
    /// What a capture file held besides SIP (`null` for text input).
    #[serde(default)]
    pub capture: Option<CaptureOut>,
    /// RTP streams found in a capture (empty for text input).
    #[serde(default)]
    pub media: MediaOut,
}

/// The packet counts of a capture file.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CaptureOut {
    /// `pcap` or `pcapng` (empty when the file header was not recognised).
    pub container: String,
    pub packets: u32,
    pub sip_messages: u32,
    pub rtp_packets: u32,
    pub rtcp_packets: u32,
    /// IP packets that carried neither SIP nor RTP/RTCP.
    pub other_packets: u32,
    /// Frames without IP, or of a link type that cannot be read.
    pub non_ip_packets: u32,
    /// Packets cut short by the capture's snap length.
    pub cut_packets: u32,
    pub first_time_us: Option<i64>,
    pub last_time_us: Option<i64>,
    /// SIP over TLS seen on these servers (`host:port`): its messages cannot be read.
    pub encrypted: Vec<String>,
    /// The capture holds SIP only (a `port 5060` filter): whether audio flowed cannot be told.
    pub sip_only: bool,
}

/// Media seen in a capture.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MediaOut {
    /// Every RTP stream, in order of first packet.
    pub streams: Vec<StreamOut>,
}

/// One RTP stream (one source, destination and SSRC). Times are microseconds, like `time_us`;
/// loss is `lost` of `expected` (negative `lost`: duplicates).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamOut {
    pub index: u32,
    pub src: String,
    pub dst: String,
    pub ssrc: u32,
    /// The most used payload type, and its encoding name (`PCMA`, `opus`, `PT 96` when unknown).
    pub payload_type: u8,
    pub codec: String,
    pub packets: u32,
    pub bytes: u64,
    /// Packet numbers of the first and last packet of the stream.
    pub first_packet: u32,
    pub last_packet: u32,
    pub first_time_us: i64,
    pub last_time_us: i64,
    pub duration_ms: u64,
    pub expected: u32,
    pub lost: i64,
    pub sequence_errors: u32,
    /// RFC 3550 interarrival jitter: at the end of the stream, mean and max (microseconds).
    pub jitter_us: u32,
    pub mean_jitter_us: u32,
    pub max_jitter_us: u32,
    /// Largest gap between two packets (microseconds).
    pub max_gap_us: u64,
    pub dtmf_packets: u32,
    pub rtcp_packets: u32,
    /// Audible loss or jitter.
    pub poor: bool,
    /// Index into `calls`.
    pub call: Option<u32>,
    /// The message whose SDP names this stream's address (null: found by the RTP heuristics).
    pub sdp_message: Option<u32>,
    /// The SDP gave this address (false: only the port matched, a NAT rewrote the address).
    pub sdp_address_matches: bool,
}

/// The overall verdict: one sentence and a severity (`error`, `warning`, `info`, `expected`, or
/// `ok` when nothing is wrong), with the cause and call it rests on.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct VerdictOut {
    pub severity: String,
    pub text: String,
    pub cause: Option<String>,
    pub call: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessageOut {
    pub index: u32,
    /// 1-based input line of the start line.
    pub line: u32,
    /// As written in the input.
    pub time: Option<String>,
    /// Microseconds (since the epoch when the trace gives a date, else since midnight).
    pub time_us: Option<i64>,
    pub src: Option<String>,
    pub dst: Option<String>,
    pub transport: Option<String>,
    /// "sent" or "received" by the host that wrote the log.
    pub direction: Option<String>,
    /// "request" or "response".
    pub kind: String,
    pub method: Option<String>,
    pub status: Option<u16>,
    pub reason: Option<String>,
    pub call_id: Option<String>,
    pub cseq: Option<String>,
    /// Index of the earlier message this one repeats.
    pub retransmission_of: Option<u32>,
    pub retransmission: bool,
    /// Index into `calls`.
    pub call: Option<u32>,
    pub has_sdp: bool,
    pub format: String,
    /// The message text (only with [`Detail::Full`]).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub text: Option<String>,
    pub problems: Vec<ProblemOut>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallOut {
    pub index: u32,
    pub call_id: String,
    pub kind: String,
    pub from: Option<String>,
    pub to: Option<String>,
    pub request_uri: Option<String>,
    pub messages: Vec<u32>,
    pub first_time: Option<String>,
    pub first_time_us: Option<i64>,
    pub last_time_us: Option<i64>,
    pub final_status: Option<u16>,
    pub answered: bool,
    pub duration_ms: Option<u64>,
    /// "bye-caller", "bye-callee", "bye", "cancel", "error", or null.
    pub ended_by: Option<String>,
    pub reinvites: u32,
    pub refers: u32,
    pub dialogs: u32,
    /// Indices into `findings` about this call.
    pub findings: Vec<u32>,
    /// What a capture says about the call's audio: `unknown`, `none`, `no-rtp`, `one-way`,
    /// `two-way`, `poor`; null for registrations and other non-calls.
    #[serde(default)]
    pub media: Option<String>,
    /// Indices into `media.streams` of this call's RTP streams.
    #[serde(default)]
    pub streams: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartialOut {
    pub line: u32,
    pub text: String,
    pub status: Option<u16>,
    pub method: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProblemOut {
    pub kind: String,
    pub description: String,
    /// 1-based input line (0: the whole input).
    pub line: u32,
    /// Index of the message it concerns, if any.
    pub message: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceOut {
    pub message: Option<u32>,
    pub line: u32,
    pub label: String,
    pub excerpt: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingOut {
    pub cause: String,
    pub title: String,
    pub severity: String,
    pub confidence: u8,
    pub explanation: String,
    pub evidence: Vec<EvidenceOut>,
    pub fixes: Vec<String>,
    pub checks: Vec<String>,
    pub call: Option<u32>,
    /// How to confirm on the chosen PBX (`--pbx`); every PBX's step, named, when none is chosen.
    #[serde(default)]
    pub confirm: Vec<String>,
}

/// How much to put in a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Without message texts (the CLI's default JSON).
    Summary,
    /// With each message's text (the UI).
    Full,
}

impl Report {
    pub fn build(a: &Analysis<'_>, detail: Detail) -> Report {
        let mut r = Report::build_head(a);
        r.messages = (0..a.messages.len()).map(|i| Report::message(a, i, detail)).collect();
        r
    }

    /// Message `i` of the analysis as the report shows it (what [`Report::build`] puts in
    /// `messages[i]`). Panics when `i` is out of range.
    pub fn message(a: &Analysis<'_>, i: usize, detail: Detail) -> MessageOut {
        let m = &a.messages[i];
        let item = a.item(m);
        let msg = &m.msg;
        MessageOut {
            index: i as u32,
            line: item.first_line,
            time: item.time_text.map(str::to_string),
            time_us: item.time.map(|t| t.micros),
            src: item.src.as_ref().map(endpoint_text),
            dst: item.dst.as_ref().map(endpoint_text),
            transport: item.transport.map(|t| t.as_str().to_string()),
            direction: item.direction.map(|d| match d {
                crate::ingest::Direction::Sent => "sent".to_string(),
                crate::ingest::Direction::Received => "received".to_string(),
            }),
            kind: if msg.is_request() { "request" } else { "response" }.to_string(),
            method: msg.method().map(|m| m.as_str().to_string()),
            status: msg.status(),
            reason: msg.reason_phrase().map(str::to_string),
            call_id: msg.call_id().map(str::to_string),
            cseq: msg.value(crate::sip::HeaderName::CSeq).map(str::to_string),
            retransmission_of: a.calls.retransmission_of.get(i).copied().flatten(),
            retransmission: a.calls.is_retransmission(i),
            call: a.calls.call_of.get(i).copied().flatten(),
            has_sdp: msg.has_sdp(),
            format: item.format.id().to_string(),
            text: (detail == Detail::Full).then(|| item.text.to_string()),
            problems: message_problems(a, i),
        }
    }

    /// The report without its `messages` (empty; everything else as [`Report::build`] makes it,
    /// the messages' problems included in `problems`). With [`Report::message`] it lets a report
    /// be written out one message at a time (the page's worker does, see `view::wire`).
    pub fn build_head(a: &Analysis<'_>) -> Report {
        let ing = a.ingested;
        let findings: Vec<FindingOut> = a
            .findings
            .iter()
            .map(|f| {
                let cause = crate::kb::cause(f.cause);
                FindingOut {
                    cause: f.cause.to_string(),
                    title: cause.map_or(f.cause, |c| c.title).to_string(),
                    severity: f.severity.id().to_string(),
                    confidence: f.confidence,
                    explanation: f.explanation.clone(),
                    evidence: f
                        .evidence
                        .iter()
                        .map(|e| EvidenceOut {
                            message: e.message,
                            line: e.line,
                            label: e.label.clone(),
                            excerpt: e.excerpt.clone(),
                        })
                        .collect(),
                    fixes: cause.map(|c| c.fixes.iter().map(|s| s.to_string()).collect()).unwrap_or_default(),
                    checks: cause.map(|c| c.checks.iter().map(|s| s.to_string()).collect()).unwrap_or_default(),
                    call: f.call,
                    confirm: crate::diagnose::confirm_steps(f.cause, a.options.pbx.as_deref()),
                }
            })
            .collect();
        let v = crate::diagnose::verdict(a);
        let verdict = VerdictOut {
            severity: v.severity.to_string(),
            text: v.text,
            cause: v.cause.map(str::to_string),
            call: v.call,
        };
        let (media, call_media) = media_out(a);
        let calls = a
            .calls
            .calls
            .iter()
            .enumerate()
            .map(|(ci, c)| CallOut {
                index: ci as u32,
                call_id: c.call_id.clone(),
                kind: c.kind.id().to_string(),
                from: c.from.clone(),
                to: c.to.clone(),
                request_uri: c.request_uri.clone(),
                messages: c.messages.clone(),
                first_time: a.messages.get(c.first as usize).and_then(|m| a.item(m).time_text).map(str::to_string),
                first_time_us: c.first_time.map(|t| t.micros),
                last_time_us: c.last_time.map(|t| t.micros),
                final_status: c.final_status,
                answered: c.answered,
                duration_ms: c.duration_ms,
                ended_by: c.ended_by.map(|e| {
                    match e {
                        Ending::Bye { by_caller: Some(true) } => "bye-caller",
                        Ending::Bye { by_caller: Some(false) } => "bye-callee",
                        Ending::Bye { by_caller: None } => "bye",
                        Ending::Cancel => "cancel",
                        Ending::Error(_) => "error",
                    }
                    .to_string()
                }),
                reinvites: c.reinvites,
                refers: c.refers,
                dialogs: c.dialogs.len() as u32,
                findings: a
                    .findings
                    .iter()
                    .enumerate()
                    .filter(|(_, f)| f.call == Some(ci as u32))
                    .map(|(i, _)| i as u32)
                    .collect(),
                media: call_media.iter().find(|m| m.call == ci as u32).map(|m| m.state.id().to_string()),
                streams: call_media.iter().find(|m| m.call == ci as u32).map(|m| m.streams.clone()).unwrap_or_default(),
            })
            .collect();
        // A capture explains each of its problems in a sentence of its own (port, advice).
        let notes = ing.capture.as_ref().map(|c| c.notes.as_slice()).unwrap_or(&[]);
        let mut problems: Vec<ProblemOut> = ing
            .problems
            .iter()
            .enumerate()
            .map(|(i, p)| ProblemOut {
                kind: p.kind.id().to_string(),
                description: notes
                    .get(i)
                    .filter(|n| n.kind == p.kind)
                    .map_or_else(|| p.kind.description().to_string(), |n| n.text.clone()),
                line: p.line,
                message: None,
            })
            .collect();
        for (item, e) in &a.unparsed {
            problems.push(ProblemOut {
                kind: "unreadable_message".to_string(),
                description: e.description().to_string(),
                line: ing.items[*item as usize].first_line,
                message: None,
            });
        }
        for i in 0..a.messages.len() {
            problems.extend(message_problems(a, i));
        }
        problems.sort_by_key(|p| p.line);
        Report {
            version: REPORT_VERSION,
            format: ing.formats.first().map_or("none", |f| f.id()).to_string(),
            formats: ing.formats.iter().map(|f| f.id().to_string()).collect(),
            messages: Vec::new(),
            calls,
            partials: ing
                .partials
                .iter()
                .map(|p| PartialOut {
                    line: p.line,
                    text: p.text.to_string(),
                    status: p.status,
                    method: p.method.map(str::to_string),
                })
                .collect(),
            problems,
            findings,
            verdict,
            capture: ing.capture.as_ref().map(|c| CaptureOut {
                container: c.container.to_string(),
                packets: c.packets,
                sip_messages: c.sip_messages,
                rtp_packets: c.rtp_packets,
                rtcp_packets: c.rtcp_packets,
                other_packets: c.other_packets,
                non_ip_packets: c.non_ip_packets,
                cut_packets: c.cut_packets,
                first_time_us: c.first_micros,
                last_time_us: c.last_micros,
                encrypted: c.encrypted.iter().map(|(_, server)| server.to_string()).collect(),
                sip_only: c.sip_only(),
            }),
            media,
        }
    }
}

/// Microseconds from milliseconds, rounded (never negative).
fn micros_of_ms(ms: f64) -> u64 {
    if ms.is_finite() && ms > 0.0 {
        (ms * 1000.0).round() as u64
    } else {
        0
    }
}

/// The grammar problems of message `i`, at their input lines.
fn message_problems(a: &Analysis<'_>, i: usize) -> Vec<ProblemOut> {
    let m = &a.messages[i];
    let item = a.item(m);
    m.msg
        .problems
        .iter()
        .map(|p| ProblemOut {
            kind: p.kind.id().to_string(),
            description: p.kind.description().to_string(),
            line: item.input_line(p.line),
            message: Some(i as u32),
        })
        .collect()
}

/// The capture's RTP streams and each call's media state (nothing to do for text input).
/// `e.to_string()` without the formatting machinery (two per message of a long log).
fn endpoint_text(e: &crate::ingest::Endpoint<'_>) -> String {
    let host: &str = &e.host;
    let mut s = String::with_capacity(host.len() + 8);
    match e.port {
        Some(p) => {
            let bracket = host.contains(':') && !host.starts_with('[');
            if bracket {
                s.push('[');
            }
            s.push_str(host);
            if bracket {
                s.push(']');
            }
            s.push(':');
            let mut digits = [0u8; 5];
            let mut k = digits.len();
            let mut n = p;
            loop {
                k -= 1;
                digits[k] = b'0' + (n % 10) as u8;
                n /= 10;
                if n == 0 {
                    break;
                }
            }
            s.extend(digits[k..].iter().map(|&d| char::from(d)));
        }
        None => s.push_str(host),
    }
    s
}

fn media_out(a: &Analysis<'_>) -> (MediaOut, Vec<crate::media::CallMedia>) {
    if a.ingested.capture.is_none() {
        return (MediaOut::default(), Vec::new());
    }
    let streams = crate::media::streams_of(a);
    let per_call = crate::media::call_media(a, streams);
    let jitter = |ms: f64| micros_of_ms(ms).min(u32::MAX as u64) as u32;
    let out = streams
        .iter()
        .enumerate()
        .map(|(i, s)| StreamOut {
            index: i as u32,
            src: s.src.to_string(),
            dst: s.dst.to_string(),
            ssrc: s.ssrc,
            payload_type: s.payload_type,
            codec: s.codec.clone(),
            packets: s.packets,
            bytes: s.bytes,
            first_packet: s.first_packet,
            last_packet: s.last_packet,
            first_time_us: s.first_time.micros,
            last_time_us: s.last_time.micros,
            duration_ms: s.duration_ms,
            expected: s.expected,
            lost: s.lost,
            sequence_errors: s.sequence_errors,
            jitter_us: jitter(s.jitter_ms),
            mean_jitter_us: jitter(s.mean_jitter_ms),
            max_jitter_us: jitter(s.max_jitter_ms),
            max_gap_us: micros_of_ms(s.max_delta_ms),
            dtmf_packets: s.dtmf_packets,
            rtcp_packets: s.rtcp_packets,
            poor: s.is_poor(),
            call: s.call,
            sdp_message: s.sdp.map(|m| m.message),
            sdp_address_matches: s.sdp.is_some_and(|m| m.address_matches),
        })
        .collect();
    (MediaOut { streams: out }, per_call)
}

#[cfg(test)]
mod tests {
    use super::endpoint_text;
    use crate::ingest::Endpoint;
    use std::borrow::Cow;

    #[test]
    fn endpoint_text_is_display() {
        for (host, port) in [
            ("192.0.2.1", Some(5060)),
            ("192.0.2.1", None),
            ("2001:db8::1", Some(5061)),
            ("2001:db8::1", None),
            ("[2001:db8::1]", Some(0)),
            ("sip.example.com", Some(65535)),
            ("XX.XX.XX.XX", Some(9)),
            ("", Some(10)),
        ] {
            let e = Endpoint { host: Cow::Borrowed(host), port };
            assert_eq!(endpoint_text(&e), e.to_string());
        }
    }
}
