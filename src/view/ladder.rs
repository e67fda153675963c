//! Ladder (sequence) diagram layout for one call: one column per endpoint, one row per message,
//! consecutive retransmissions collapsed into one grey row ("×7"). Pure geometry and labels; the
//! UI draws it as SVG.
//!
//! Endpoints come from the log (source and destination addresses). When a log gives none (raw
//! SIP), they are inferred: a request goes from its top Via sent-by to its first Route or its
//! Request-URI host; a response goes back to its top Via sent-by, from where its request went.
//!
//! Columns get a friendly label where it can be told: the host that wrote the log (it says
//! "sent"/"received") is "your PBX"; a host matching the provider profile's edge is "trunk edge";
//! with the PBX known, the one other public host is "trunk edge" and private ones are "phone".
//! Without a direction, a lone private host talking to public ones is "your PBX" (a capture
//! taken on the LAN side).

use super::format;
use super::message::Scope;
use crate::report::{MessageOut, Report};
use crate::sip;

/// Width of the time gutter on the left.
pub const GUTTER: u32 = 112;
/// Width of one endpoint column.
pub const COL_W: u32 = 176;
/// Height of the column headers.
pub const HEAD: u32 = 58;
/// Height of one row.
pub const ROW_H: u32 = 32;
/// Space below the last row.
pub const FOOT: u32 = 16;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// The endpoint as written (`203.0.113.10:5060`), or `?` when it could not be told.
    pub key: String,
    /// "your PBX", "trunk edge", "phone".
    pub label: Option<&'static str>,
    /// Center x.
    pub x: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArrowKind {
    Request,
    /// 1xx.
    Provisional,
    /// 2xx.
    Success,
    /// 3xx.
    Redirect,
    /// 401/407: a challenge, usually answered with credentials.
    Challenge,
    /// 4xx–6xx other than challenges.
    Failure,
    /// Repeated copies of an earlier message.
    Retransmission,
}

impl ArrowKind {
    pub fn class(self) -> &'static str {
        match self {
            ArrowKind::Request => "arrow req",
            ArrowKind::Provisional => "arrow prov",
            ArrowKind::Success => "arrow ok",
            ArrowKind::Redirect => "arrow redir",
            ArrowKind::Challenge => "arrow challenge",
            ArrowKind::Failure => "arrow fail",
            ArrowKind::Retransmission => "arrow retx",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The message this row opens (the first copy for a retransmission row).
    pub message: u32,
    pub from: usize,
    pub to: usize,
    pub y: u32,
    pub x1: u32,
    pub x2: u32,
    pub label: String,
    pub kind: ArrowKind,
    /// How many copies this row stands for (1 except for retransmission rows).
    pub copies: u32,
    pub sdp: bool,
    /// Cited as evidence by a finding.
    pub evidence: bool,
    /// Clock time (`14:32:07.118`) or `#3` when the log has no times.
    pub time: String,
    /// Since the call's first message (`+0.512 s`), empty without times.
    pub delta: String,
    /// The hover text and accessible name.
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ladder {
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    pub width: u32,
    pub height: u32,
    /// RTP streams of a capture, drawn beside the messages (see `super::capture::add_media`).
    pub media: Vec<super::capture::MediaLane>,
}

impl Ladder {
    /// The row showing message `index` (a retransmission row covers all its copies).
    pub fn row_of(&self, report: &Report, index: u32) -> Option<&Row> {
        self.rows.iter().find(|r| r.message == index).or_else(|| {
            let orig = report.messages.get(index as usize)?.retransmission_of?;
            self.rows.iter().find(|r| {
                r.kind == ArrowKind::Retransmission
                    && report.messages.get(r.message as usize).and_then(|m| m.retransmission_of) == Some(orig)
            })
        })
    }
}

/// Where a message went, as far as can be told.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Hop {
    src: Option<String>,
    dst: Option<String>,
}

fn host_port(host: &str, port: Option<u16>) -> String {
    let bracket = host.contains(':') && !host.starts_with('[');
    match (bracket, port) {
        (true, Some(p)) => format!("[{host}]:{p}"),
        (false, Some(p)) => format!("{host}:{p}"),
        (true, None) => format!("[{host}]"),
        (false, None) => host.to_string(),
    }
}

fn uri_host_port(uri: &str) -> Option<String> {
    let na = sip::NameAddr::parse(uri)?;
    let u = na.parsed_uri()?;
    let h = u.host.trim().trim_start_matches('[').trim_end_matches(']');
    if h.is_empty() {
        return None;
    }
    Some(host_port(h, u.port))
}

/// Request: top Via sent-by → first Route, else Request-URI. Response: back to the top Via.
fn inferred(m: &MessageOut) -> (Option<String>, Option<String>) {
    let Some(text) = m.text.as_deref() else { return (None, None) };
    let Ok(p) = sip::parse(text) else { return (None, None) };
    let via = p.top_via().map(|v| host_port(v.host.trim_start_matches('[').trim_end_matches(']'), v.port));
    if p.is_request() {
        let route = p.list(sip::HeaderName::Route).next().and_then(|r| {
            // a loose route to ourselves says nothing; take it as the next hop
            uri_host_port(r)
        });
        let target = route.or_else(|| p.request_uri().and_then(uri_host_port));
        (via, target)
    } else {
        (None, via)
    }
}

fn hops(report: &Report, msgs: &[u32]) -> Vec<Hop> {
    let mut out: Vec<Hop> = Vec::with_capacity(msgs.len());
    // Request destinations by (CSeq, top Via branch), for responses that lack a source.
    let mut sent_to: Vec<(Option<String>, Option<String>, Option<String>)> = Vec::new();
    for &i in msgs {
        let Some(m) = report.messages.get(i as usize) else {
            out.push(Hop { src: None, dst: None });
            continue;
        };
        let mut src = m.src.clone();
        let mut dst = m.dst.clone();
        if src.is_none() || dst.is_none() {
            let (isrc, idst) = inferred(m);
            if m.kind == "response" {
                if dst.is_none() {
                    dst = idst;
                }
                if src.is_none() {
                    let branch = m.text.as_deref().and_then(|t| {
                        sip::parse(t).ok().and_then(|p| p.top_via().and_then(|v| v.branch.map(str::to_string)))
                    });
                    src = sent_to
                        .iter()
                        .rev()
                        .find(|(c, b, _)| *c == m.cseq && *b == branch)
                        .and_then(|(_, _, d)| d.clone());
                }
            } else {
                if src.is_none() {
                    src = isrc;
                }
                if dst.is_none() {
                    dst = idst;
                }
            }
        }
        if m.kind == "request" {
            let branch = m
                .text
                .as_deref()
                .and_then(|t| sip::parse(t).ok().and_then(|p| p.top_via().and_then(|v| v.branch.map(str::to_string))));
            sent_to.push((m.cseq.clone(), branch, dst.clone()));
        }
        out.push(Hop { src, dst });
    }
    // A log with direction but no addresses: the logging host is "this host".
    for (h, &i) in out.iter_mut().zip(msgs) {
        let Some(m) = report.messages.get(i as usize) else { continue };
        match m.direction.as_deref() {
            Some("sent") if h.src.is_none() => h.src = Some(LOCAL.to_string()),
            Some("received") if h.dst.is_none() => h.dst = Some(LOCAL.to_string()),
            _ => {}
        }
    }
    out
}

const LOCAL: &str = "this host";
const UNKNOWN: &str = "?";

pub(crate) fn host_of(key: &str) -> &str {
    if let Some(rest) = key.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    match key.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') && p.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => key,
    }
}

/// Labels for columns, see the module docs.
fn labels(report: &Report, msgs: &[u32], hops: &[Hop], keys: &[String], edge_host: &str) -> Vec<Option<&'static str>> {
    let mut labels: Vec<Option<&'static str>> = vec![None; keys.len()];
    let idx = |k: &Option<String>| k.as_ref().and_then(|k| keys.iter().position(|x| x == k));
    // 1. the logging host
    for (h, &i) in hops.iter().zip(msgs) {
        let Some(m) = report.messages.get(i as usize) else { continue };
        let local = match m.direction.as_deref() {
            Some("sent") => idx(&h.src),
            Some("received") => idx(&h.dst),
            _ => None,
        };
        if let Some(c) = local {
            labels[c] = Some("your PBX");
        }
    }
    // 2. the provider's edge, by name: a column named like it, or the target of requests to it
    if !edge_host.is_empty() {
        for (c, k) in keys.iter().enumerate() {
            if labels[c].is_none() && host_of(k).eq_ignore_ascii_case(edge_host) {
                labels[c] = Some("trunk edge");
            }
        }
        for (h, &i) in hops.iter().zip(msgs) {
            let Some(m) = report.messages.get(i as usize) else { continue };
            if m.kind != "request" {
                continue;
            }
            let ruri_host = m
                .text
                .as_deref()
                .and_then(|t| sip::parse(t).ok())
                .and_then(|p| p.request_uri().and_then(uri_host_port))
                .map(|hp| host_of(&hp).to_ascii_lowercase());
            if ruri_host.as_deref() == Some(edge_host.to_ascii_lowercase().as_str()) {
                if let Some(c) = idx(&h.dst) {
                    if labels[c].is_none() {
                        labels[c] = Some("trunk edge");
                    }
                }
            }
        }
    }
    let scopes: Vec<Scope> = keys.iter().map(|k| Scope::of(host_of(k))).collect();
    // 3. without a logging host: a lone private host among public ones
    if !labels.contains(&Some("your PBX")) {
        let private: Vec<usize> = (0..keys.len()).filter(|&c| scopes[c] == Scope::Private).collect();
        let public = (0..keys.len()).filter(|&c| scopes[c] == Scope::Public).count();
        if private.len() == 1 && public >= 1 && labels[private[0]].is_none() {
            labels[private[0]] = Some("your PBX");
        }
    }
    // 4. with the PBX known: the one other public host is the trunk edge, private ones are phones
    if labels.contains(&Some("your PBX")) {
        let open_public: Vec<usize> =
            (0..keys.len()).filter(|&c| labels[c].is_none() && scopes[c] == Scope::Public).collect();
        if open_public.len() == 1 && !labels.contains(&Some("trunk edge")) {
            labels[open_public[0]] = Some("trunk edge");
        }
        for c in 0..keys.len() {
            if labels[c].is_none() && scopes[c] == Scope::Private {
                labels[c] = Some("phone");
            }
        }
    }
    labels
}

fn arrow_kind(m: &MessageOut) -> ArrowKind {
    match m.status {
        None => ArrowKind::Request,
        Some(s) if s < 200 => ArrowKind::Provisional,
        Some(s) if s < 300 => ArrowKind::Success,
        Some(s) if s < 400 => ArrowKind::Redirect,
        Some(401) | Some(407) => ArrowKind::Challenge,
        Some(_) => ArrowKind::Failure,
    }
}

/// Lays out call `call` of `report`. `edge_host` is the provider profile's SIP edge ("" when none).
pub fn layout(report: &Report, call: u32, edge_host: &str) -> Ladder {
    let Some(c) = report.calls.get(call as usize) else {
        return Ladder {
            columns: Vec::new(),
            rows: Vec::new(),
            width: GUTTER + 2 * COL_W,
            height: HEAD + FOOT,
            media: Vec::new(),
        };
    };
    let msgs: Vec<u32> = c.messages.iter().copied().filter(|&i| (i as usize) < report.messages.len()).collect();
    let mut hops = hops(report, &msgs);
    // Columns in order of first appearance; unknown ends share one "?" column.
    let mut keys: Vec<String> = Vec::new();
    for h in &mut hops {
        for end in [&mut h.src, &mut h.dst] {
            let k = end.get_or_insert_with(|| UNKNOWN.to_string());
            if !keys.contains(k) {
                keys.push(k.clone());
            }
        }
    }
    let col_labels = labels(report, &msgs, &hops, &keys, edge_host);
    let ncols = keys.len().max(2) as u32;
    let columns: Vec<Column> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| Column { key: k.clone(), label: col_labels[i], x: GUTTER + COL_W * i as u32 + COL_W / 2 })
        .collect();
    // Messages that prove a fault (findings that are not "expected" behaviour).
    let evidence: Vec<u32> = report
        .findings
        .iter()
        .filter(|f| matches!(f.severity.as_str(), "error" | "warning"))
        .flat_map(|f| f.evidence.iter())
        .filter_map(|e| e.message)
        .collect();
    let t0 = msgs.iter().filter_map(|&i| report.messages[i as usize].time_us).next();
    let mut rows: Vec<Row> = Vec::with_capacity(msgs.len());
    for (h, &i) in hops.iter().zip(&msgs) {
        let m = &report.messages[i as usize];
        let from = keys.iter().position(|k| Some(k) == h.src.as_ref()).unwrap_or(0);
        let to = keys.iter().position(|k| Some(k) == h.dst.as_ref()).unwrap_or(0);
        if let Some(orig) = m.retransmission_of {
            if let Some(last) = rows.last_mut() {
                let same = last.kind == ArrowKind::Retransmission
                    && report.messages.get(last.message as usize).and_then(|l| l.retransmission_of) == Some(orig);
                if same {
                    last.copies += 1;
                    last.label = format!("{} \u{d7}{}", format::message_label(m), last.copies);
                    last.title = format!(
                        "{} sent again {} times (retransmissions: no answer arrived in time)",
                        format::message_label(m),
                        last.copies
                    );
                    last.evidence |= evidence.contains(&i);
                    continue;
                }
            }
        }
        let kind = if m.retransmission_of.is_some() { ArrowKind::Retransmission } else { arrow_kind(m) };
        let (time, delta) = match (m.time_us, t0) {
            (Some(t), Some(t0)) => (format::clock(t), format::delta(t - t0)),
            _ => (m.time.clone().unwrap_or_else(|| format!("#{}", i + 1)), String::new()),
        };
        let label = if kind == ArrowKind::Retransmission {
            format!("{} \u{d7}1", format::message_label(m))
        } else {
            format::message_label(m)
        };
        let mut title = format!("{} from {} to {}", format::message_label(m), keys[from], keys[to]);
        if m.has_sdp {
            title.push_str(", with SDP");
        }
        if let Some(t) = &m.time {
            title.push_str(&format!(", at {t}"));
        }
        if kind == ArrowKind::Retransmission {
            title = format!("{} sent again 1 time (a retransmission)", format::message_label(m));
        }
        rows.push(Row {
            message: i,
            from,
            to,
            y: 0,
            x1: columns[from].x,
            x2: columns[to].x,
            label,
            kind,
            copies: 1,
            sdp: m.has_sdp,
            evidence: evidence.contains(&i),
            time,
            delta,
            title,
        });
    }
    for (n, r) in rows.iter_mut().enumerate() {
        r.y = HEAD + ROW_H * n as u32 + ROW_H / 2 + 6;
    }
    let height = HEAD + ROW_H * rows.len() as u32 + FOOT;
    Ladder { columns, rows, width: GUTTER + COL_W * ncols, height, media: Vec::new() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::{analyse, samples::sample};

    fn raw(text: &str) -> Report {
        analyse(text, &Default::default())
    }

    /// Sets log-given addresses and directions on messages, as a PBX log would.
    fn with_hops(mut r: Report, hops: &[(&str, &str, Option<&str>)]) -> Report {
        for (m, (s, d, dir)) in r.messages.iter_mut().zip(hops) {
            m.src = Some(s.to_string());
            m.dst = Some(d.to_string());
            m.direction = dir.map(str::to_string);
        }
        r
    }

    #[test]
    fn raw_sip_infers_endpoints_from_via_and_request_uri() {
        let r = raw(sample("capacity-503").unwrap().text);
        let l = layout(&r, 0, "");
        let keys: Vec<&str> = l.columns.iter().map(|c| c.key.as_str()).collect();
        assert_eq!(keys, ["203.0.113.10:5060", "sip.example.net"]);
        let got: Vec<(&str, usize, usize, ArrowKind)> =
            l.rows.iter().map(|r| (r.label.as_str(), r.from, r.to, r.kind)).collect();
        assert_eq!(
            got,
            [
                ("INVITE", 0, 1, ArrowKind::Request),
                ("100 Trying", 1, 0, ArrowKind::Provisional),
                ("503 Service Unavailable", 1, 0, ArrowKind::Failure),
                ("ACK", 0, 1, ArrowKind::Request),
            ]
        );
        assert!(l.rows[0].sdp && !l.rows[1].sdp);
        assert_eq!(l.rows[0].time, format!("#{}", 1));
        // geometry: rows go down, arrows point between column centres
        assert!(l.rows.windows(2).all(|w| w[1].y > w[0].y));
        assert_eq!(l.rows[1].x1, l.columns[1].x);
        assert_eq!(l.rows[1].x2, l.columns[0].x);
        assert!(l.height > l.rows.last().unwrap().y && l.width >= l.columns[1].x + COL_W / 2);
        // with the profile's edge host, the Request-URI target is the trunk edge
        let l = layout(&r, 0, "sip.example.net");
        assert_eq!(l.columns[1].label, Some("trunk edge"));
    }

    #[test]
    fn direction_labels_your_pbx_and_the_public_peer() {
        let r = raw(sample("capacity-503").unwrap().text);
        let pbx = "203.0.113.10:5060";
        let edge = "198.51.100.20:5060";
        let r = with_hops(
            r,
            &[
                (pbx, edge, Some("sent")),
                (edge, pbx, Some("received")),
                (edge, pbx, Some("received")),
                (pbx, edge, Some("sent")),
            ],
        );
        let l = layout(&r, 0, "");
        assert_eq!(l.columns.iter().map(|c| c.label).collect::<Vec<_>>(), [Some("your PBX"), Some("trunk edge")]);
    }

    #[test]
    fn lan_capture_without_direction() {
        let r = raw(sample("capacity-503").unwrap().text);
        let pbx = "192.168.1.20:5060";
        let edge = "198.51.100.20:5060";
        let r = with_hops(r, &[(pbx, edge, None), (edge, pbx, None), (edge, pbx, None), (pbx, edge, None)]);
        let l = layout(&r, 0, "");
        assert_eq!(l.columns.iter().map(|c| c.label).collect::<Vec<_>>(), [Some("your PBX"), Some("trunk edge")]);
    }

    #[test]
    fn retransmissions_collapse_into_one_grey_row() {
        let invite = "INVITE sip:b@198.51.100.20 SIP/2.0\nVia: SIP/2.0/UDP 203.0.113.10:5060;branch=z9hG4bKr1\nFrom: <sip:a@203.0.113.10>;tag=1\nTo: <sip:b@198.51.100.20>\nCall-ID: retx\nCSeq: 1 INVITE\nMax-Forwards: 70\nContent-Length: 0\n\n";
        let trying = "SIP/2.0 100 Trying\nVia: SIP/2.0/UDP 203.0.113.10:5060;branch=z9hG4bKr1\nFrom: <sip:a@203.0.113.10>;tag=1\nTo: <sip:b@198.51.100.20>\nCall-ID: retx\nCSeq: 1 INVITE\nContent-Length: 0\n\n";
        let text = format!("{invite}{invite}{invite}{invite}{trying}");
        let r = raw(&text);
        assert_eq!(r.messages.len(), 5);
        assert_eq!(r.messages.iter().filter(|m| m.retransmission).count(), 3, "the parser marks the copies");
        let l = layout(&r, 0, "");
        let got: Vec<(&str, ArrowKind, u32)> = l.rows.iter().map(|r| (r.label.as_str(), r.kind, r.copies)).collect();
        assert_eq!(
            got,
            [
                ("INVITE", ArrowKind::Request, 1),
                ("INVITE \u{d7}3", ArrowKind::Retransmission, 3),
                ("100 Trying", ArrowKind::Provisional, 1)
            ]
        );
        // every copy finds its row
        assert_eq!(l.row_of(&r, 3).map(|row| row.message), Some(1));
        assert_eq!(l.row_of(&r, 0).map(|row| row.message), Some(0));
    }

    #[test]
    fn unknown_call_and_missing_addresses() {
        let r = raw("");
        let l = layout(&r, 3, "");
        assert!(l.rows.is_empty() && l.columns.is_empty());
        // a response alone: its destination is its Via, its source unknown
        let r = raw("SIP/2.0 486 Busy Here\nVia: SIP/2.0/UDP 192.0.2.5:5060;branch=z9hG4bKx\nFrom: <sip:a@x>;tag=1\nTo: <sip:b@y>;tag=2\nCall-ID: lone\nCSeq: 7 INVITE\nContent-Length: 0\n\n");
        let l = layout(&r, 0, "");
        let keys: Vec<&str> = l.columns.iter().map(|c| c.key.as_str()).collect();
        assert_eq!(keys, ["?", "192.0.2.5:5060"]);
        assert_eq!((l.rows[0].from, l.rows[0].to, l.rows[0].kind), (0, 1, ArrowKind::Failure));
    }

    #[test]
    fn host_of_keys() {
        let cases = [
            ("203.0.113.10:5060", "203.0.113.10"),
            ("sip.example.net", "sip.example.net"),
            ("[2001:db8::1]:5060", "2001:db8::1"),
            ("2001:db8::1", "2001:db8::1"),
        ];
        for (k, want) in cases {
            assert_eq!(host_of(k), want, "{k}");
        }
    }
}
