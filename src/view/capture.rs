//! Capture files in the page: what the page shows for a pcap/pcapng instead of text, and the media
//! a capture adds. Owns the capture input ([`Capture`]) and its one analysis call
//! ([`analyse_bytes`]), the summary line the input box shows, the notices for captures (encrypted
//! or no SIP, packets that could not be read), "packet N" wording (in a capture every position is
//! a packet number), the message view of a captured message, the media badge of a call, the
//! stream table of a call, the RTP lanes of the ladder, and the storage format that keeps a small
//! capture across a reload. Pure: no Yew, no browser; `crate::ui::capture` renders it.

use super::format;
use super::ladder::{self, Column, Ladder};
use super::message::{self, MessageDetail, Note};
use super::notice::{Kind, Level, Notice};
use super::state::Shared;
use crate::diagnose::Options;
use crate::report::{EvidenceOut, Report, StreamOut};
use crate::Analysis;

/// Captures up to this size are kept in the browser's storage for a reload (base64 in local
/// storage: 1 MiB becomes 1.4 M characters of a quota of about 5 M). Larger ones are dropped
/// again by the user after a reload; the page says so.
pub const KEEP_LIMIT: usize = 1 << 20;

/// A capture file given to the page: its name and bytes (shared, never copied by the state).
#[derive(Debug, Clone, PartialEq)]
pub struct Capture {
    pub name: String,
    pub bytes: Shared<Vec<u8>>,
}

impl Capture {
    pub fn new(name: String, bytes: Vec<u8>) -> Capture {
        Capture { name, bytes: Shared::new(bytes) }
    }
    /// Small enough to keep across a reload.
    pub fn kept(&self) -> bool {
        self.bytes.len() <= KEEP_LIMIT
    }
}

/// Analyses the bytes of a dropped or picked file: a pcap/pcapng is read as packets, anything
/// else as text (invalid UTF-8 replaced). The page's only analysis call for bytes, so that it
/// can move into a web worker unchanged.
pub fn analyse_bytes(bytes: &[u8], options: &Options) -> Report {
    if crate::pcap::is_capture(bytes) {
        let ingested = crate::pcap::ingest_capture(bytes);
        let analysis = Analysis::new(&ingested, options);
        crate::report::Report::build(&analysis, crate::report::Detail::Full)
    } else {
        super::analyse(&String::from_utf8_lossy(bytes), options)
    }
}

/// The report is of a capture: positions are packet numbers.
pub fn is_capture(r: &Report) -> bool {
    r.capture.is_some() || r.format == "pcap"
}

/// What a position is called in this report: `packet` or `line`.
pub fn position_word(r: &Report) -> &'static str {
    if is_capture(r) {
        "packet"
    } else {
        "line"
    }
}

/// A position in words: `packet 42`, `line 42`; 0 is the whole file or input.
pub fn at(r: &Report, n: u32) -> String {
    match (n, is_capture(r)) {
        (0, true) => "whole capture".to_string(),
        (0, false) => "whole input".to_string(),
        (n, _) => format!("{} {n}", position_word(r)),
    }
}

/// An evidence chip: `packet 42 · 200 OK` in a capture, `line 42 · 401 Unauthorized` in text.
pub fn evidence_chip(r: &Report, e: &EvidenceOut) -> String {
    let chip = format::evidence_chip(e);
    if is_capture(r) {
        chip.replacen("line ", "packet ", 1)
    } else {
        chip
    }
}

/// `221645` → `221,645`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `52.4 MB`, `812 KB`, `64 bytes` (integer arithmetic only).
pub fn size(bytes: usize) -> String {
    let b = bytes as u64;
    if b >= 1_000_000 {
        let tenths = (b + 50_000) / 100_000;
        format!("{}.{} MB", tenths / 10, tenths % 10)
    } else if b >= 1000 {
        format!("{} KB", (b + 500) / 1000)
    } else {
        format::count(bytes, "byte", "bytes")
    }
}

/// The line the input box shows for a capture: `capture.pcapng — 221,645 packets, 73 calls (not
/// shown as text)`, or while it is read, `capture.pcapng (52.4 MB) — reading the packets…`.
pub fn summary(c: &Capture, report: Option<&Report>) -> String {
    match report.and_then(|r| Some((r, r.capture.as_ref()?))) {
        Some((r, cap)) => {
            let calls = r.calls.iter().filter(|c| c.kind == "call").count();
            let others = r.calls.len() - calls;
            let mut s = format!(
                "{} \u{2014} {} {}, {}",
                c.name,
                thousands(cap.packets as u64),
                if cap.packets == 1 { "packet" } else { "packets" },
                format::count(calls, "call", "calls"),
            );
            if others > 0 {
                s.push_str(&format!(" and {others} other SIP {}", if others == 1 { "exchange" } else { "exchanges" }));
            }
            s.push_str(" (not shown as text)");
            s
        }
        None => format!("{} ({}) \u{2014} reading the packets\u{2026}", c.name, size(c.bytes.len())),
    }
}

/// What the user typed over the summary line of a capture: the text with the summary taken out
/// (typing after it, pasting over all of it), or what was inserted into it.
pub fn edit_over_summary(summary: &str, value: &str) -> String {
    if let Some(pos) = value.find(summary) {
        return format!("{}{}", &value[..pos], &value[pos + summary.len()..]);
    }
    // the part of `value` between the prefix and the suffix it shares with the summary
    let prefix = summary.bytes().zip(value.bytes()).take_while(|(a, b)| a == b).count();
    let max_suffix = value.len().min(summary.len()) - prefix.min(value.len().min(summary.len()));
    let suffix = summary.bytes().rev().zip(value.bytes().rev()).take(max_suffix).take_while(|(a, b)| a == b).count();
    let (mut start, mut end) = (prefix, value.len() - suffix);
    while start < value.len() && !value.is_char_boundary(start) {
        start -= 1;
    }
    while end < value.len() && !value.is_char_boundary(end) {
        end += 1;
    }
    if start >= end {
        return String::new();
    }
    value[start..end].to_string()
}

/// The first problem of the report with one of `kinds`.
fn problem<'r>(r: &'r Report, kinds: &[&str]) -> Option<&'r crate::report::ProblemOut> {
    r.problems.iter().find(|p| kinds.contains(&p.kind.as_str()))
}

/// What to tell the user about a capture itself (instead of the text notices, which would call
/// a capture binary junk). `None` for text input and for captures read without trouble.
pub fn notice(r: &Report) -> Option<Notice> {
    let cap = r.capture.as_ref()?;
    if r.messages.is_empty() {
        if let Some(p) = problem(r, &["encrypted_sip"]) {
            return Some(Notice {
                kind: Kind::NoSip,
                level: Level::Alert,
                title: "This capture holds only encrypted SIP (TLS).",
                body: p.description.clone(),
                line: p.line,
            });
        }
        if cap.container.is_empty() || cap.packets == 0 {
            let body = problem(r, &["bad_capture"])
                .map_or("The file starts like a capture but no packet could be read.".to_string(), |p| {
                    p.description.clone()
                });
            return Some(Notice {
                kind: Kind::Binary,
                level: Level::Alert,
                title: "This capture file could not be read.",
                body: format!("{body} Save the capture again as pcap or pcapng (in Wireshark: File \u{2192} Save As)."),
                line: 0,
            });
        }
        let body = problem(r, &["no_sip"])
            .map_or_else(|| "No SIP message was found in the packets.".to_string(), |p| p.description.clone());
        return Some(Notice {
            kind: Kind::NoSip,
            level: Level::Alert,
            title: "No SIP in this capture.",
            body,
            line: 0,
        });
    }
    let lost: Vec<&crate::report::ProblemOut> = r
        .problems
        .iter()
        .filter(|p| matches!(p.kind.as_str(), "bad_capture" | "truncated" | "encrypted_sip"))
        .collect();
    let first = lost.first()?;
    let more =
        if lost.len() > 1 { format!(" ({} more in the parse notes below.)", lost.len() - 1) } else { String::new() };
    Some(Notice {
        kind: Kind::Damaged,
        level: Level::Status,
        title: "Part of this capture could not be read.",
        body: format!("{}{more} The diagnosis below uses every message that could be read.", first.description),
        line: first.line,
    })
}

/// A sentence about the capture's packets for the parse notes.
pub fn packet_note(r: &Report) -> Option<String> {
    let c = r.capture.as_ref()?;
    let mut parts = vec![format!("{} SIP", thousands(c.sip_messages as u64))];
    if c.rtp_packets > 0 {
        parts.push(format!("{} RTP", thousands(c.rtp_packets as u64)));
    }
    if c.rtcp_packets > 0 {
        parts.push(format!("{} RTCP", thousands(c.rtcp_packets as u64)));
    }
    let other = c.other_packets as u64 + c.non_ip_packets as u64;
    if other > 0 {
        parts.push(format!("{} other", thousands(other)));
    }
    let mut s = format!(
        "The {} file holds {} {}: {}.",
        if c.container.is_empty() { "capture" } else { c.container.as_str() },
        thousands(c.packets as u64),
        if c.packets == 1 { "packet" } else { "packets" },
        parts.join(", ")
    );
    if c.sip_only && !r.messages.is_empty() {
        s.push_str(" It holds SIP only, so whether audio flowed cannot be told from it: capture without a port filter to see the RTP too.");
    }
    Some(s)
}

/// The icon and word of a call's media badge (never colour alone), by `CallOut::media` id.
pub fn media_badge(state: &str) -> (&'static str, &'static str) {
    match state {
        "two-way" => ("\u{21c4}", "two-way"),
        "one-way" => ("\u{2192}", "one-way"),
        "no-rtp" => ("\u{2716}", "no RTP"),
        "poor" => ("\u{26a0}", "poor"),
        "none" => ("\u{2013}", "none"),
        _ => ("?", "not judged"),
    }
}

/// What the badge means, for its tooltip and the media section.
pub fn media_meaning(state: &str) -> &'static str {
    match state {
        "two-way" => "RTP flowed in both directions.",
        "one-way" => "RTP flowed in one direction only: one side hears nothing.",
        "no-rtp" => "The call was answered, but the capture holds no RTP for it.",
        "poor" => "RTP flowed both ways, with audible loss or jitter.",
        "none" => "The call was not answered and no early media flowed.",
        _ => "The capture holds SIP only: whether audio flowed cannot be told.",
    }
}

/// A CSS class for a media state.
pub fn media_class(state: &str) -> &'static str {
    match state {
        "two-way" => "media-ok",
        "one-way" | "no-rtp" => "media-bad",
        "poor" => "media-warn",
        _ => "media-none",
    }
}

/// `0.0`, `12.5` from a number of tenths.
fn tenths(t: u64) -> String {
    format!("{}.{}", t / 10, t % 10)
}

/// Loss in percent with one decimal (`0.0%`; duplicates count as none).
pub fn loss_text(s: &StreamOut) -> String {
    if s.lost <= 0 || s.expected == 0 {
        return "0.0%".to_string();
    }
    let t = (s.lost as u64 * 1000 + s.expected as u64 / 2) / s.expected as u64;
    format!("{}%", tenths(t))
}

/// Microseconds as milliseconds with one decimal: `2.1 ms`.
pub fn ms_text(us: u64) -> String {
    format!("{} ms", tenths((us + 50) / 100))
}

/// One row of a call's stream table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamRow {
    pub index: u32,
    /// `10.0.0.1:4000 → 10.0.0.2:5000`, and its two ends.
    pub direction: String,
    pub src: String,
    pub dst: String,
    pub ssrc: String,
    pub codec: String,
    pub packets: String,
    pub lost: String,
    pub jitter: String,
    pub max_gap: String,
    pub duration: String,
    /// `packets 12–1510`.
    pub span: String,
    pub poor: bool,
    /// The address was rewritten by a NAT (only the port matched the SDP).
    pub nat: bool,
}

/// The streams of call `call`, in order of first packet.
pub fn stream_rows(r: &Report, call: u32) -> Vec<StreamRow> {
    let Some(c) = r.calls.get(call as usize) else { return Vec::new() };
    c.streams
        .iter()
        .filter_map(|&i| r.media.streams.get(i as usize))
        .map(|s| StreamRow {
            index: s.index,
            direction: format!("{} \u{2192} {}", s.src, s.dst),
            src: s.src.clone(),
            dst: s.dst.clone(),
            ssrc: format!("0x{:08X}", s.ssrc),
            codec: s.codec.clone(),
            packets: thousands(s.packets as u64),
            lost: format!("{} ({})", s.lost.max(0), loss_text(s)),
            jitter: format!(
                "{} / {}",
                ms_text(s.mean_jitter_us as u64).trim_end_matches(" ms"),
                ms_text(s.max_jitter_us as u64)
            ),
            max_gap: ms_text(s.max_gap_us),
            duration: format::duration(s.duration_ms),
            span: format!("{}\u{2013}{}", s.first_packet, s.last_packet),
            poor: s.poor,
            nat: s.sdp_message.is_some() && !s.sdp_address_matches,
        })
        .collect()
}

/// The message view of a captured message: lines numbered within the message (every line of it
/// is the same packet), evidence lines found by their text, problems at their packet.
pub fn message_detail(r: &Report, index: u32) -> Option<MessageDetail> {
    let mut d = message::detail(r, index)?;
    let m = r.messages.get(index as usize)?;
    let cited: Vec<&EvidenceOut> =
        r.findings.iter().flat_map(|f| f.evidence.iter()).filter(|e| e.message == Some(index)).collect();
    let matches = |text: &str, excerpt: &str| {
        let (t, e) = (text.trim(), excerpt.trim());
        !e.is_empty() && (t == e || e.strip_suffix('\u{2026}').is_some_and(|p| !p.is_empty() && t.starts_with(p)))
    };
    for (k, l) in d.lines.iter_mut().enumerate() {
        l.no = k as u32 + 1;
        l.marked = cited.iter().any(|e| matches(&l.text, &e.excerpt));
    }
    let unplaced = cited.iter().any(|e| !d.lines.iter().any(|l| matches(&l.text, &e.excerpt)));
    if (unplaced || !m.problems.is_empty()) && !d.lines.iter().any(|l| l.marked) {
        if let Some(first) = d.lines.first_mut() {
            first.marked = true;
        }
    }
    for h in &mut d.headers {
        h.line = h.line.saturating_sub(m.line) + 1;
    }
    d.problems = m
        .problems
        .iter()
        .map(|p| Note { severity: "warning".into(), text: format!("packet {}: {}", p.line, p.description) })
        .chain(
            r.findings
                .iter()
                .filter(|f| f.evidence.iter().any(|e| e.message == Some(index)))
                .map(|f| Note { severity: f.severity.clone(), text: format!("packet {}: {}", m.line, f.title) }),
        )
        .collect();
    d.title = match d.title.split_once(" \u{b7} ") {
        Some((label, hops)) => format!("{label} \u{b7} packet {} \u{b7} {hops}", m.line),
        None => format!("{} \u{b7} packet {}", d.title, m.line),
    };
    Some(d)
}

/// One RTP stream drawn in the ladder: a dashed arrow where its first packet falls among the
/// messages, a band between its two endpoints down to where its last packet falls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaLane {
    pub stream: u32,
    pub from: usize,
    pub to: usize,
    pub x1: u32,
    pub x2: u32,
    /// The arrow (first packet).
    pub y: u32,
    /// Where the last packet falls (≥ `y`).
    pub y_end: u32,
    /// `PCMA · 1,500 pkts` above the arrow, `0.0% loss · 2.1 ms jitter` below.
    pub label: String,
    pub stats: String,
    pub time: String,
    pub delta: String,
    pub title: String,
    pub poor: bool,
    /// Not a stream: the way back of a one-way stream, where no RTP was seen.
    pub missing: bool,
}

fn host(addr: &str) -> String {
    match addr.parse::<std::net::SocketAddr>() {
        Ok(a) => a.ip().to_string(),
        Err(_) => ladder::host_of(addr).to_string(),
    }
}

/// Adds call `call`'s RTP streams to its ladder: a lane per stream, placed in time among the
/// message rows (which move down to make room), and a column for a media host that sent no
/// SIP. Nothing changes for text input or a call without streams.
pub fn add_media(r: &Report, call: u32, l: &mut Ladder) {
    let Some(c) = r.calls.get(call as usize) else { return };
    let streams: Vec<&StreamOut> = c.streams.iter().filter_map(|&i| r.media.streams.get(i as usize)).collect();
    if streams.is_empty() {
        return;
    }
    let column = |addr: &str, l: &mut Ladder| -> usize {
        let h = host(addr);
        if let Some(i) = l.columns.iter().position(|c| host(&c.key) == h) {
            return i;
        }
        let i = l.columns.len();
        l.columns.push(Column {
            key: h,
            label: Some("media"),
            x: ladder::GUTTER + ladder::COL_W * i as u32 + ladder::COL_W / 2,
        });
        i
    };
    // (time, is a lane, index): message rows keep their order; a lane goes after the rows at or
    // before its first packet.
    let time_of = |m: u32| r.messages.get(m as usize).and_then(|m| m.time_us);
    let mut order: Vec<(Option<i64>, Option<usize>)> = l.rows.iter().map(|row| (time_of(row.message), None)).collect();
    let mut lanes = Vec::with_capacity(streams.len());
    // first and last packet time of each lane
    let mut spans: Vec<(i64, i64)> = Vec::with_capacity(streams.len());
    let one_way = c.media.as_deref() == Some("one-way");
    for s in &streams {
        let (from, to) = (column(&s.src, l), column(&s.dst, l));
        let pos = order.iter().rposition(|(t, _)| t.is_some_and(|t| t <= s.first_time_us)).map_or(0, |p| p + 1);
        // after lanes already placed there
        let pos = pos + order[pos..].iter().take_while(|(_, lane)| lane.is_some()).count();
        order.insert(pos, (Some(s.first_time_us), Some(lanes.len())));
        spans.push((s.first_time_us, s.last_time_us));
        lanes.push(MediaLane {
            stream: s.index,
            from,
            to,
            x1: l.columns[from].x,
            x2: l.columns[to].x,
            y: 0,
            y_end: 0,
            label: format!("RTP {} \u{b7} {} pkts", s.codec, thousands(s.packets as u64)),
            stats: format!("{} loss \u{b7} {} jitter", loss_text(s), ms_text(s.mean_jitter_us as u64)),
            time: format::clock(s.first_time_us),
            delta: String::new(),
            title: format!(
                "RTP {} \u{2192} {}: {}, {} packets (packets {}\u{2013}{}), {} lost, mean jitter {}, largest gap {}, lasting {}",
                s.src,
                s.dst,
                s.codec,
                thousands(s.packets as u64),
                s.first_packet,
                s.last_packet,
                loss_text(s),
                ms_text(s.mean_jitter_us as u64),
                ms_text(s.max_gap_us),
                format::duration(s.duration_ms)
            ),
            poor: s.poor,
            missing: false,
        });
        // one-way audio: show the way back that stayed silent, once per pair of hosts
        let back = |o: &&StreamOut| host(&o.src) == host(&s.dst) && host(&o.dst) == host(&s.src);
        let shown = lanes.iter().any(|x: &MediaLane| x.missing && x.from == to && x.to == from);
        if one_way && !shown && !streams.iter().any(back) {
            order.insert(pos + 1, (Some(s.first_time_us), Some(lanes.len())));
            spans.push((s.first_time_us, s.first_time_us));
            let (src, dst) = (host(&s.dst), host(&s.src));
            lanes.push(MediaLane {
                stream: s.index,
                from: to,
                to: from,
                x1: l.columns[to].x,
                x2: l.columns[from].x,
                y: 0,
                y_end: 0,
                label: "no RTP back".to_string(),
                stats: format!("nothing from {src}"),
                time: String::new(),
                delta: String::new(),
                title: format!("No RTP from {src} to {dst} in the capture: the person at {dst} hears nothing."),
                poor: false,
                missing: true,
            });
        }
    }
    // y of every entry, then of each lane's end by its last packet's time
    let y_of = |n: usize| ladder::HEAD + ladder::ROW_H * n as u32 + ladder::ROW_H / 2 + 6;
    let mut row = 0;
    let t0 = l.rows.first().and_then(|row| time_of(row.message));
    for (n, (_, lane)) in order.iter().enumerate() {
        match lane {
            Some(k) => {
                lanes[*k].y = y_of(n);
                if let Some(t0) = t0.filter(|_| !lanes[*k].missing) {
                    lanes[*k].delta = format::delta(spans[*k].0 - t0);
                }
            }
            None => {
                l.rows[row].y = y_of(n);
                row += 1;
            }
        }
    }
    let last_y = y_of(order.len().saturating_sub(1)) + ladder::ROW_H / 2;
    for (k, lane) in lanes.iter_mut().enumerate() {
        let end = spans[k].1;
        if lane.missing {
            lane.y_end = lane.y;
            continue;
        }
        // the last entry at or before the end, and the next one after it
        let before = order.iter().rposition(|(t, _)| t.is_some_and(|t| t <= end));
        lane.y_end = match before {
            None => lane.y,
            Some(b) => match (order[b].0, order.get(b + 1).and_then(|e| e.0)) {
                (Some(tb), Some(ta)) if ta > tb => {
                    let (yb, ya) = (y_of(b) as i64, y_of(b + 1) as i64);
                    (yb + (ya - yb) * (end - tb) / (ta - tb)) as u32
                }
                _ if b + 1 >= order.len() => last_y,
                _ => y_of(b),
            },
        }
        .max(lane.y);
    }
    let ncols = l.columns.len().max(2) as u32;
    l.width = ladder::GUTTER + ladder::COL_W * ncols;
    l.height = ladder::HEAD + ladder::ROW_H * order.len() as u32 + ladder::FOOT;
    l.media = lanes;
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding.
pub fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n =
            (chunk[0] as u32) << 16 | (*chunk.get(1).unwrap_or(&0) as u32) << 8 | *chunk.get(2).unwrap_or(&0) as u32;
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(B64[(n >> (18 - 6 * k) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Decodes standard base64 (padding optional); `None` on any other character.
pub fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let s = s.trim_end_matches('=');
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        acc = acc << 6 | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

const STORED_TAG: &str = "sipdiag-capture 1";

/// A capture as stored for a reload: a tag line, the name, then the bytes in base64.
pub fn to_stored(c: &Capture) -> String {
    format!("{STORED_TAG}\n{}\n{}", c.name.replace('\n', " "), base64_encode(&c.bytes))
}

/// A stored capture back, `None` when the value is not one (or not a capture any more).
pub fn from_stored(s: &str) -> Option<Capture> {
    let mut parts = s.splitn(3, '\n');
    if parts.next()? != STORED_TAG {
        return None;
    }
    let name = parts.next()?.to_string();
    let bytes = base64_decode(parts.next()?)?;
    crate::pcap::is_capture(&bytes).then(|| Capture::new(name, bytes))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A minimal pcap writer for tests: Ethernet/IPv4/UDP frames with microsecond times.
    pub struct Pcap {
        pub bytes: Vec<u8>,
        pub packets: u32,
    }

    impl Pcap {
        pub fn new() -> Pcap {
            let mut bytes = Vec::new();
            for v in [0xA1B2_C3D4u32, 0x0004_0002, 0, 0, 65535, 1] {
                bytes.extend_from_slice(&v.to_le_bytes());
            }
            Pcap { bytes, packets: 0 }
        }

        pub fn udp(&mut self, us: i64, src: &str, dst: &str, payload: &[u8]) {
            let (src, dst): (std::net::SocketAddrV4, std::net::SocketAddrV4) =
                (src.parse().unwrap(), dst.parse().unwrap());
            let mut f = vec![0u8; 12];
            f.extend_from_slice(&[0x08, 0x00, 0x45, 0]);
            f.extend_from_slice(&((28 + payload.len()) as u16).to_be_bytes());
            f.extend_from_slice(&[0, 1, 0, 0, 64, 17, 0, 0]);
            f.extend_from_slice(&src.ip().octets());
            f.extend_from_slice(&dst.ip().octets());
            f.extend_from_slice(&src.port().to_be_bytes());
            f.extend_from_slice(&dst.port().to_be_bytes());
            f.extend_from_slice(&((8 + payload.len()) as u16).to_be_bytes());
            f.extend_from_slice(&[0, 0]);
            f.extend_from_slice(payload);
            for v in [(us / 1_000_000) as u32, (us % 1_000_000) as u32, f.len() as u32, f.len() as u32] {
                self.bytes.extend_from_slice(&v.to_le_bytes());
            }
            self.bytes.extend_from_slice(&f);
            self.packets += 1;
        }

        pub fn rtp(&mut self, us: i64, src: &str, dst: &str, seq: u16, ssrc: u32) {
            let mut p = vec![0x80, 8];
            p.extend_from_slice(&seq.to_be_bytes());
            p.extend_from_slice(&(seq as u32 * 160).to_be_bytes());
            p.extend_from_slice(&ssrc.to_be_bytes());
            p.extend(std::iter::repeat_n(0xD5u8, 160));
            self.udp(us, src, dst, &p);
        }
    }

    /// A message of the test call; the Contact is the sender's (the trunk's in responses).
    fn sip(start: &str, cseq: &str, to_tag: bool, body: &str) -> String {
        let contact = if start.starts_with("SIP/") { "200@203.0.113.5" } else { "100@198.51.100.10" };
        format!(
            "{start}\r\nVia: SIP/2.0/UDP 198.51.100.10:5060;branch=z9hG4bK{}\r\nFrom: <sip:100@198.51.100.10>;tag=f1\r\nTo: <sip:200@203.0.113.5>{}\r\nCall-ID: oneway-1@pbx\r\nCSeq: {cseq}\r\nMax-Forwards: 70\r\nContact: <sip:{contact}:5060>\r\n{}Content-Length: {}\r\n\r\n{body}",
            cseq.len(),
            if to_tag { ";tag=t1" } else { "" },
            if body.is_empty() { "" } else { "Content-Type: application/sdp\r\n" },
            body.len()
        )
    }

    fn sdp(ip: &str, port: u16) -> String {
        format!("v=0\r\no=- 1 1 IN IP4 {ip}\r\ns=-\r\nc=IN IP4 {ip}\r\nt=0 0\r\nm=audio {port} RTP/AVP 8 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n")
    }

    /// A call answered at 0.8 s and hung up at 20 s, with RTP from the caller only (the same
    /// capture the browser test builds).
    pub fn one_way_capture() -> Vec<u8> {
        let (a, b) = ("198.51.100.10:5060", "203.0.113.5:5060");
        let (am, bm) = ("198.51.100.10:20000", "203.0.113.5:30000");
        let t0 = 1_700_000_000_000_000i64;
        let mut p = Pcap::new();
        p.udp(
            t0,
            a,
            b,
            sip("INVITE sip:200@203.0.113.5 SIP/2.0", "1 INVITE", false, &sdp("198.51.100.10", 20000)).as_bytes(),
        );
        p.udp(t0 + 50_000, b, a, sip("SIP/2.0 100 Trying", "1 INVITE", false, "").as_bytes());
        p.udp(t0 + 800_000, b, a, sip("SIP/2.0 200 OK", "1 INVITE", true, &sdp("203.0.113.5", 30000)).as_bytes());
        p.udp(t0 + 810_000, a, b, sip("ACK sip:200@203.0.113.5 SIP/2.0", "1 ACK", true, "").as_bytes());
        for k in 0..900u16 {
            p.rtp(t0 + 820_000 + k as i64 * 20_000, am, bm, k, 0x1234_5678);
        }
        p.udp(t0 + 20_000_000, a, b, sip("BYE sip:200@203.0.113.5 SIP/2.0", "2 BYE", true, "").as_bytes());
        p.udp(t0 + 20_010_000, b, a, sip("SIP/2.0 200 OK", "2 BYE", true, "").as_bytes());
        p.bytes
    }

    #[test]
    fn a_one_way_capture_reads_as_one_way_audio() {
        let bytes = one_way_capture();
        let r = analyse_bytes(&bytes, &Options::default());
        assert_eq!(r.format, "pcap");
        assert_eq!(r.messages.len(), 6);
        let cap = r.capture.as_ref().expect("a capture section");
        assert_eq!((cap.packets, cap.sip_messages, cap.rtp_packets, cap.sip_only), (906, 6, 900, false));
        let causes: Vec<&str> = r.findings.iter().map(|f| f.cause.as_str()).collect();
        assert_eq!(causes, ["net.rtp_blocked"], "one-way audio, and nothing else wrong");
        assert_eq!(r.calls[0].media.as_deref(), Some("one-way"));
        assert_eq!(r.calls[0].streams, vec![0]);
        let s = &r.media.streams[0];
        assert_eq!(
            (s.src.as_str(), s.dst.as_str(), s.packets, s.lost, s.call),
            ("198.51.100.10:20000", "203.0.113.5:30000", 900, 0, Some(0))
        );
        assert_eq!((s.first_packet, s.last_packet, s.codec.as_str()), (5, 904, "PCMA"));
        assert_eq!(s.max_gap_us, 20_000);
        // positions are packets
        assert_eq!(position_word(&r), "packet");
        let chip = evidence_chip(&r, &r.findings[0].evidence[0]);
        assert!(chip.starts_with("packet 5 \u{b7} RTP "), "{chip}");
        assert_eq!(at(&r, 0), "whole capture");
        // the same bytes as text are not a capture
        let text = analyse_bytes(b"INVITE sip:a@b SIP/2.0\r\n\r\n", &Options::default());
        assert!(!is_capture(&text) && text.capture.is_none() && text.media.streams.is_empty());
        assert_eq!(text.calls.first().and_then(|c| c.media.clone()), None);
        assert_eq!(at(&text, 7), "line 7");
    }

    #[test]
    fn summary_line_and_edits_over_it() {
        let c = Capture::new("capture.pcapng".into(), one_way_capture());
        assert_eq!(summary(&c, None), "capture.pcapng (209 KB) \u{2014} reading the packets\u{2026}");
        let r = analyse_bytes(&c.bytes, &Options::default());
        let s = summary(&c, Some(&r));
        assert_eq!(s, "capture.pcapng \u{2014} 906 packets, 1 call (not shown as text)");
        let cases = [
            (format!("{s}x"), "x"),
            (format!("INVITE{s}"), "INVITE"),
            ("pasted over it all".to_string(), "pasted over it all"),
            (s.replacen("906", "9x06", 1), "x"),
            (s.replacen("906", "96", 1), ""),
            (String::new(), ""),
            (s.replacen("calls", "calls\u{e9}", 1), ""),
        ];
        for (value, want) in cases {
            assert_eq!(edit_over_summary(&s, &value), want, "{value}");
        }
        assert_eq!(edit_over_summary("ab\u{e9}", "ab\u{e8}"), "\u{e8}");
    }

    #[test]
    fn numbers_in_words() {
        let cases: &[(u64, &str)] =
            &[(0, "0"), (999, "999"), (1000, "1,000"), (221_645, "221,645"), (12_345_678, "12,345,678")];
        for (n, want) in cases {
            assert_eq!(thousands(*n), *want);
        }
        assert_eq!([size(64), size(1), size(45_212), size(52_400_000)], ["64 bytes", "1 byte", "45 KB", "52.4 MB"]);
        assert_eq!(
            [ms_text(0), ms_text(2_149), ms_text(20_000), ms_text(49)],
            ["0.0 ms", "2.1 ms", "20.0 ms", "0.0 ms"]
        );
    }

    #[test]
    fn stream_table_and_badges() {
        let r = analyse_bytes(&one_way_capture(), &Options::default());
        let rows = stream_rows(&r, 0);
        assert_eq!(rows.len(), 1);
        let row = &rows[0];
        assert_eq!(row.direction, "198.51.100.10:20000 \u{2192} 203.0.113.5:30000");
        assert_eq!((row.ssrc.as_str(), row.codec.as_str(), row.packets.as_str()), ("0x12345678", "PCMA", "900"));
        assert_eq!(
            (row.lost.as_str(), row.max_gap.as_str(), row.span.as_str()),
            ("0 (0.0%)", "20.0 ms", "5\u{2013}904")
        );
        assert_eq!((row.src.as_str(), row.dst.as_str()), ("198.51.100.10:20000", "203.0.113.5:30000"));
        assert_eq!(row.jitter, "0.0 / 0.0 ms");
        assert!(!row.poor && !row.nat);
        assert!(stream_rows(&r, 9).is_empty());
        let mut s = r.media.streams[0].clone();
        (s.expected, s.lost) = (1000, 25);
        assert_eq!(loss_text(&s), "2.5%");
        s.lost = -3;
        assert_eq!(loss_text(&s), "0.0%");
        for state in ["two-way", "one-way", "no-rtp", "poor", "none", "unknown"] {
            let (icon, word) = media_badge(state);
            assert!(!icon.is_empty() && !word.is_empty() && !media_meaning(state).is_empty());
        }
        assert_eq!(media_badge("one-way").1, "one-way");
    }

    #[test]
    fn ladder_lanes_sit_in_time_among_the_messages() {
        let r = analyse_bytes(&one_way_capture(), &Options::default());
        let mut l = ladder::layout(&r, 0, "");
        let before: Vec<u32> = l.rows.iter().map(|row| row.y).collect();
        let height = l.height;
        add_media(&r, 0, &mut l);
        assert_eq!(l.media.len(), 2, "the stream and the silent way back");
        let lane = &l.media[0];
        let back = &l.media[1];
        assert!(back.missing && !lane.missing);
        assert_eq!((back.from, back.to, back.y, back.y_end), (1, 0, lane.y + ladder::ROW_H, lane.y + ladder::ROW_H));
        assert_eq!(back.label, "no RTP back");
        assert!(back.title.contains("No RTP from 203.0.113.5 to 198.51.100.10"), "{}", back.title);
        assert_eq!(l.columns.len(), 2, "media hosts share the SIP columns");
        assert_eq!((lane.from, lane.to), (0, 1));
        assert_eq!((lane.x1, lane.x2), (l.columns[0].x, l.columns[1].x));
        // INVITE, 100, 200, ACK, then the stream, then BYE and 200
        assert_eq!(lane.y, before[4]);
        assert_eq!(l.rows[3].y, before[3]);
        assert_eq!(l.rows[4].y, before[4] + 2 * ladder::ROW_H, "later rows move down two rows");
        assert_eq!(l.height, height + 2 * ladder::ROW_H);
        // the last packet (19.8 s) falls just before the BYE (20.0 s)
        assert!(lane.y_end > back.y && lane.y_end < l.rows[4].y, "{} {}", lane.y_end, l.rows[4].y);
        assert_eq!(lane.label, "RTP PCMA \u{b7} 900 pkts");
        assert_eq!(lane.stats, "0.0% loss \u{b7} 0.0 ms jitter");
        assert_eq!(lane.delta, "+0.820 s");
        // a stream from a host that sent no SIP gets a column of its own
        let mut r2 = r.clone();
        r2.media.streams[0].src = "192.0.2.77:40000".into();
        let mut l = ladder::layout(&r2, 0, "");
        add_media(&r2, 0, &mut l);
        assert_eq!(l.columns.len(), 3);
        assert_eq!((l.columns[2].key.as_str(), l.columns[2].label), ("192.0.2.77", Some("media")));
        assert_eq!((l.media[0].from, l.media[1].to), (2, 2));
        assert!(l.width >= l.columns[2].x + ladder::COL_W / 2);
        // text input: nothing added
        let text =
            crate::view::analyse(crate::view::samples::sample("healthy-call").unwrap().text, &Options::default());
        let mut l = ladder::layout(&text, 0, "");
        let copy = l.clone();
        add_media(&text, 0, &mut l);
        assert_eq!(l, copy);
    }

    #[test]
    fn message_view_counts_lines_within_the_packet() {
        let r = analyse_bytes(&one_way_capture(), &Options::default());
        // the 200 OK answer (packet 3) is cited by the media findings
        let d = message_detail(&r, 2).unwrap();
        assert_eq!(d.lines.first().map(|l| (l.no, l.text.as_str())), Some((1, "SIP/2.0 200 OK")));
        assert!(d.lines.windows(2).all(|w| w[1].no == w[0].no + 1));
        assert!(d.title.contains("packet 3"), "{}", d.title);
        assert!(d.lines.iter().any(|l| l.marked), "evidence lines are marked by their text");
        assert!(d.problems.iter().all(|n| n.text.starts_with("packet 3: ")), "{:?}", d.problems);
        assert_eq!(d.headers.first().map(|h| h.line), Some(2), "the first header is line 2 of the message");
    }

    #[test]
    fn capture_notices() {
        let r = analyse_bytes(&one_way_capture(), &Options::default());
        assert_eq!(notice(&r), None, "a clean capture raises nothing");
        // only TLS on 5061: the alert names the port and what to do
        let mut p = Pcap::new();
        let mut tls = vec![0x16, 0x03, 0x01, 0x00, 0x40];
        tls.extend(std::iter::repeat_n(7u8, 0x40));
        // over TCP: a handshake record from a client to 5061
        let tcp = |seq: u32, payload: &[u8]| {
            let mut t = Vec::new();
            t.extend_from_slice(&40000u16.to_be_bytes());
            t.extend_from_slice(&5061u16.to_be_bytes());
            t.extend_from_slice(&seq.to_be_bytes());
            t.extend_from_slice(&[0, 0, 0, 0, 0x50, 0x18, 0xFF, 0xFF, 0, 0, 0, 0]);
            t.extend_from_slice(payload);
            t
        };
        let seg = tcp(1, &tls);
        let mut f = vec![0u8; 12];
        f.extend_from_slice(&[0x08, 0x00, 0x45, 0]);
        f.extend_from_slice(&((20 + seg.len()) as u16).to_be_bytes());
        f.extend_from_slice(&[0, 1, 0, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2]);
        f.extend_from_slice(&seg);
        for v in [1u32, 0, f.len() as u32, f.len() as u32] {
            p.bytes.extend_from_slice(&v.to_le_bytes());
        }
        p.bytes.extend_from_slice(&f);
        let r = analyse_bytes(&p.bytes, &Options::default());
        let n = notice(&r).expect("a notice for a TLS-only capture");
        assert_eq!((n.kind, n.level), (Kind::NoSip, Level::Alert));
        assert!(n.body.contains("port 5061") && n.body.contains("SIP log"), "{}", n.body);
        // a capture without SIP
        let mut p = Pcap::new();
        p.udp(1, "10.0.0.1:5353", "10.0.0.2:53", b"\x12\x34\x01\x00");
        let r = analyse_bytes(&p.bytes, &Options::default());
        let n = notice(&r).unwrap();
        assert_eq!((n.kind, n.title), (Kind::NoSip, "No SIP in this capture."));
        assert!(n.body.contains("capture filter"));
        // a file cut in its header
        let r = analyse_bytes(&one_way_capture()[..30], &Options::default());
        assert_eq!(notice(&r).map(|n| n.kind), Some(Kind::Binary));
        // a capture cut in the middle of a packet: status, with the packet
        let bytes = one_way_capture();
        let r = analyse_bytes(&bytes[..bytes.len() - 100], &Options::default());
        let n = notice(&r).unwrap();
        assert_eq!((n.kind, n.level), (Kind::Damaged, Level::Status));
        assert!(n.line > 0 && n.body.contains(&format!("Packet {}", n.line)), "{}", n.body);
        // text input gets none from here
        assert_eq!(notice(&crate::view::analyse("hello", &Options::default())), None);
        assert!(packet_note(&r).unwrap().starts_with("The pcap file holds 905 packets: 5 SIP, 900 RTP"));
    }

    #[test]
    fn the_report_carries_media_on_the_wire() {
        let r = analyse_bytes(&one_way_capture(), &Options::default());
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(v["version"], 1);
        assert_eq!(v["capture"]["container"], "pcap");
        assert_eq!(v["capture"]["packets"], 906);
        assert_eq!(v["calls"][0]["media"], "one-way");
        assert_eq!(v["calls"][0]["streams"], serde_json::json!([0]));
        assert_eq!(v["media"]["streams"][0]["ssrc"], 0x1234_5678);
        assert_eq!(v["media"]["streams"][0]["max_gap_us"], 20_000);
        let back: Report = serde_json::from_value(v).unwrap();
        assert_eq!(back, r);
        // text: no capture, no streams, no media state
        let t = serde_json::to_value(crate::view::analyse(
            crate::view::samples::sample("healthy-call").unwrap().text,
            &Options::default(),
        ))
        .unwrap();
        assert_eq!(
            (&t["capture"], &t["media"]["streams"], &t["calls"][0]["media"]),
            (&serde_json::Value::Null, &serde_json::json!([]), &serde_json::Value::Null)
        );
        // a report from before these fields still reads
        let old = serde_json::json!({"version": 1, "format": "raw", "formats": [], "messages": [], "calls": [], "partials": [], "problems": [], "findings": []});
        let old: Report = serde_json::from_value(old).unwrap();
        assert!(old.capture.is_none() && old.media.streams.is_empty());
    }

    #[test]
    fn stored_captures_round_trip() {
        let cases: &[(&[u8], &str)] = &[
            (b"", ""),
            (b"f", "Zg=="),
            (b"fo", "Zm8="),
            (b"foo", "Zm9v"),
            (b"foob", "Zm9vYg=="),
            (&[0xFF, 0xFE, 0x00], "//4A"),
        ];
        for (bytes, want) in cases {
            assert_eq!(base64_encode(bytes), *want);
            assert_eq!(base64_decode(want).as_deref(), Some(*bytes));
        }
        assert_eq!(base64_decode("Zm9v!"), None);
        let c = Capture::new("a\nb.pcap".into(), one_way_capture());
        assert!(c.kept());
        let back = from_stored(&to_stored(&c)).unwrap();
        assert_eq!((back.name.as_str(), &back.bytes[..]), ("a b.pcap", &c.bytes[..]));
        assert_eq!(from_stored("some text"), None);
        assert_eq!(from_stored(&format!("{STORED_TAG}\nx.pcap\n{}", base64_encode(b"not a capture"))), None);
        assert!(!Capture::new("big".into(), vec![0; KEEP_LIMIT + 1]).kept());
    }
}
