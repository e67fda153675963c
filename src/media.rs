//! Media (RTP/RTCP) analysis from captures: which streams flowed, for which call, how well, and
//! the findings only media can prove (no audio, one-way audio, NAT-rewritten or private media
//! addresses, audible loss or jitter, RTP that stops mid-call, payload types nobody negotiated,
//! no DTMF events).
//!
//! Streams are RTP packets with one (source, destination, SSRC). A stream belongs to a call when
//! its destination or source is a media address (c= address and m= port) of that call's SDP,
//! preferring the SDP seen last before the stream began; when only the port matches, the stream
//! is kept with [`SdpMatch::address_matches`] false — the mark of a NAT that rewrote the
//! address. Streams no SDP explains are kept when they look like RTP on their own: at least
//! [`MIN_HEURISTIC_PACKETS`] packets, an even port, and a sequence that mostly counts up.
//!
//! Per stream: payload type and codec, packets, duration, loss (expected from the extended
//! sequence range minus received, RFC 3550 A.3), sequence errors, jitter (RFC 3550 A.8 estimator
//! in the codec's clock, reported in ms as last, mean and max, like Wireshark), largest gap
//! between packets, and RTCP packets seen alongside.
//!
//! For captures a "line" is a packet number: evidence cites the SDP message (index and packet)
//! and the first RTP packet of a stream.

use crate::analysis::Analysis;
use crate::diagnose::{Evidence, Finding, Severity};
use crate::ingest::Timestamp;
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};

/// One RTP packet seen in a capture (header fields only; the payload is not kept).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RtpPacket {
    pub time: Timestamp,
    pub src: std::net::SocketAddr,
    pub dst: std::net::SocketAddr,
    pub ssrc: u32,
    pub seq: u16,
    pub timestamp: u32,
    pub payload_type: u8,
    pub marker: bool,
    /// payload bytes (RTCP: the whole compound packet)
    pub len: u32,
    /// 1-based packet number in the capture.
    pub number: u32,
    /// An RTCP packet: `payload_type` is then the RTCP packet type (200 SR, 201 RR, …) and
    /// `ssrc` the sender's.
    pub rtcp: bool,
}

/// Every cause id [`findings`] can emit (each must exist in the knowledge base; tested).
pub const MEDIA_CAUSES: &[&str] = &[
    "net.rtp_blocked",
    "net.nat_private_address",
    "net.udp_timeout",
    "media.packet_loss",
    "media.codec_mismatch",
    "media.no_dtmf",
];

/// Fewest packets for a stream that no SDP explains.
pub const MIN_HEURISTIC_PACKETS: u32 = 10;
/// Loss above this share (percent) is audible.
pub const LOSS_AUDIBLE_PERCENT: f64 = 2.0;
/// Mean jitter above this (ms) is audible (beyond what a typical jitter buffer absorbs).
pub const JITTER_AUDIBLE_MS: f64 = 30.0;
/// RTP silent this long (ms) before later signalling of the same call counts as "stopped".
pub const STOP_GAP_MS: i64 = 5_000;
/// Answered calls shorter than this (ms) are too short to judge missing audio.
pub const MIN_JUDGE_MS: i64 = 2_000;

/// How a stream was tied to the signalling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SdpMatch {
    /// Index into `Analysis::messages` of the message whose SDP names the address.
    pub message: u32,
    /// Index of the m= line in that SDP.
    pub media: u32,
    /// The stream goes to the SDP's address (`true`: the SDP's sender receives it) or comes
    /// from it (`false`: the SDP's sender sends it, symmetric RTP).
    pub to_sdp: bool,
    /// The address matched too, not only the port.
    pub address_matches: bool,
}

/// One RTP stream: packets with the same source, destination and SSRC.
#[derive(Debug, Clone, PartialEq)]
pub struct Stream {
    pub src: SocketAddr,
    pub dst: SocketAddr,
    pub ssrc: u32,
    /// The most used payload type.
    pub payload_type: u8,
    /// Every payload type seen, with its packet count, in order of first appearance.
    pub payload_types: Vec<(u8, u32)>,
    /// Encoding name of `payload_type` ("PCMA", "opus"; "PT 96" when unknown).
    pub codec: String,
    /// Clock rate used for jitter (Hz).
    pub clock: u32,
    pub packets: u32,
    /// Payload bytes.
    pub bytes: u64,
    /// Packet numbers of the first and last packet.
    pub first_packet: u32,
    pub last_packet: u32,
    pub first_time: Timestamp,
    pub last_time: Timestamp,
    pub duration_ms: u64,
    /// Packets the sequence numbers say were sent (first to highest, across wraps).
    pub expected: u32,
    /// `expected - packets`: negative with duplicates.
    pub lost: i64,
    pub loss_percent: f64,
    /// Packets out of sequence (gaps, duplicates, late arrivals).
    pub sequence_errors: u32,
    /// RFC 3550 jitter at the end of the stream, and its mean and max over the stream (ms).
    pub jitter_ms: f64,
    pub mean_jitter_ms: f64,
    pub max_jitter_ms: f64,
    /// Largest gap between two consecutive packets (ms).
    pub max_delta_ms: f64,
    /// Packets carrying RFC 4733 telephone-events (DTMF), when the SDP names that payload type.
    pub dtmf_packets: u32,
    /// RTCP packets between the same hosts (RTP port, port + 1, or the same port with rtcp-mux).
    pub rtcp_packets: u32,
    /// The call (index into `Calls::calls`) this stream belongs to.
    pub call: Option<u32>,
    /// The SDP that explains it; `None` when found by the RTP heuristics alone.
    pub sdp: Option<SdpMatch>,
}

impl Stream {
    /// Audible loss or jitter.
    pub fn is_poor(&self) -> bool {
        self.loss_percent > LOSS_AUDIBLE_PERCENT || self.mean_jitter_ms > JITTER_AUDIBLE_MS
    }
    /// "10.0.0.1:4000 → 10.0.0.2:5000".
    pub fn direction(&self) -> String {
        format!("{} → {}", self.src, self.dst)
    }
}

/// What the capture says about a call's audio, for the call list badge and the ladder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaState {
    /// The input is not a capture, or holds only SIP: nothing can be said.
    Unknown,
    /// Answered, but no RTP in either direction.
    NoRtp,
    OneWay,
    TwoWay,
    /// Two-way, but with audible loss or jitter.
    Poor,
    /// Not answered and no early media.
    None,
}

impl MediaState {
    pub fn id(self) -> &'static str {
        match self {
            MediaState::Unknown => "unknown",
            MediaState::NoRtp => "no-rtp",
            MediaState::OneWay => "one-way",
            MediaState::TwoWay => "two-way",
            MediaState::Poor => "poor",
            MediaState::None => "none",
        }
    }
}

/// One call's media.
#[derive(Debug, Clone, PartialEq)]
pub struct CallMedia {
    pub call: u32,
    /// Indices into the streams given to [`call_media`].
    pub streams: Vec<u32>,
    pub state: MediaState,
}

/// A media address from an SDP.
#[derive(Debug, Clone)]
struct SdpEp<'a> {
    message: u32,
    media: u32,
    call: Option<u32>,
    ip: IpAddr,
    port: u16,
    time: Option<Timestamp>,
    formats: Vec<(u8, &'a str, u32)>,
    has_te: bool,
    is_request: bool,
    audio: bool,
    /// 0-based message lines of the m= line and of the c= line that gave the address.
    m_line: u32,
    c_line: Option<u32>,
}

fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v) => v.is_private() || v.is_link_local() || (v.octets()[0] == 100 && (v.octets()[1] & 0xC0) == 64),
        IpAddr::V6(v) => (v.segments()[0] & 0xFE00) == 0xFC00 || (v.segments()[0] & 0xFFC0) == 0xFE80,
    }
}

/// The 0-based line in `text` of the slice `part`, when `part` points into `text`.
fn line_of_slice(text: &str, part: &str) -> Option<u32> {
    let start = text.as_ptr() as usize;
    let p = part.as_ptr() as usize;
    if p < start || p > start + text.len() {
        return None;
    }
    let off = p - start;
    Some(text.as_bytes()[..off].iter().filter(|&&b| b == b'\n').count() as u32)
}

fn sdp_endpoints<'a>(a: &Analysis<'a>) -> Vec<SdpEp<'a>> {
    let mut out = Vec::new();
    for (i, m) in a.messages.iter().enumerate() {
        let Some(sdp) = m.msg.sdp_cow() else { continue };
        let time = a.item(m).time;
        for (mi, media) in sdp.media.iter().enumerate() {
            let Some(addr) = media.address else { continue };
            let Ok(ip) = addr.trim().parse::<IpAddr>() else { continue };
            if media.port == 0 || ip.is_unspecified() {
                continue;
            }
            out.push(SdpEp {
                message: i as u32,
                media: mi as u32,
                call: a.calls.call_of.get(i).copied().flatten(),
                ip,
                port: media.port,
                time,
                formats: media.formats.iter().map(|f| (f.pt, f.name, f.clock)).collect(),
                has_te: media.has_telephone_event(),
                is_request: m.msg.is_request(),
                audio: media.kind.eq_ignore_ascii_case("audio"),
                m_line: line_of_slice(m.msg.text, media.kind).unwrap_or(m.msg.body_line),
                c_line: line_of_slice(m.msg.text, addr),
            });
        }
    }
    out
}

fn micros(t: Timestamp) -> i64 {
    t.micros
}

/// Per-stream statistics over its packets (in capture order).
fn measure(pkts: &[&RtpPacket], clock_of: &dyn Fn(u8) -> u32, dtmf_pt: Option<u8>) -> Stream {
    let first = pkts[0];
    let last = pkts[pkts.len() - 1];
    let mut pts: Vec<(u8, u32)> = Vec::new();
    for p in pkts {
        match pts.iter_mut().find(|(pt, _)| *pt == p.payload_type) {
            Some((_, n)) => *n += 1,
            None => pts.push((p.payload_type, 1)),
        }
    }
    let main_pt = pts.iter().max_by_key(|(pt, n)| (*n, Some(*pt) != dtmf_pt)).map_or(0, |(pt, _)| *pt);
    let clock = clock_of(main_pt).max(1);

    // sequence (RFC 3550 A.1, without probation)
    let base = first.seq;
    let mut max_seq = first.seq;
    let mut cycles: i64 = 0;
    let mut seq_err = 0u32;
    // jitter (A.8), on packets of the main payload type only: DTMF events and comfort noise
    // have their own timestamp rhythm.
    let mut jitter = 0f64;
    let mut jitter_sum = 0f64;
    let mut jitter_n = 0u32;
    let mut jitter_max = 0f64;
    let mut last_transit: Option<f64> = None;
    let mut max_delta = 0f64;
    let mut prev_time = first.time.micros;
    let mut bytes = 0u64;
    let mut dtmf = 0u32;
    for (k, p) in pkts.iter().enumerate() {
        bytes += p.len as u64;
        if Some(p.payload_type) == dtmf_pt {
            dtmf += 1;
        }
        if k > 0 {
            let delta = p.seq.wrapping_sub(max_seq);
            if delta == 0 {
                seq_err += 1;
            } else if delta < 0x8000 {
                if delta != 1 {
                    seq_err += 1;
                }
                if p.seq < max_seq {
                    cycles += 65536;
                }
                max_seq = p.seq;
            } else {
                seq_err += 1;
            }
            let d = p.time.micros.saturating_sub(prev_time) as f64 / 1000.0;
            if d > max_delta {
                max_delta = d;
            }
            prev_time = p.time.micros;
        }
        if p.payload_type == main_pt {
            let arrival = p.time.micros as f64 * clock as f64 / 1e6;
            let transit = arrival - p.timestamp as f64;
            if let Some(lt) = last_transit {
                let mut d = transit - lt;
                // timestamps wrap at 2^32
                if d > 2_147_483_648.0 {
                    d -= 4_294_967_296.0;
                } else if d < -2_147_483_648.0 {
                    d += 4_294_967_296.0;
                }
                jitter += (d.abs() - jitter) / 16.0;
                let ms = jitter * 1000.0 / clock as f64;
                jitter_sum += ms;
                jitter_n += 1;
                jitter_max = jitter_max.max(ms);
            }
            last_transit = Some(transit);
        }
    }
    let expected = (cycles + max_seq as i64 - base as i64 + 1).max(1);
    let received = pkts.len() as i64;
    let lost = expected - received;
    Stream {
        src: first.src,
        dst: first.dst,
        ssrc: first.ssrc,
        payload_type: main_pt,
        payload_types: pts,
        codec: String::new(),
        clock,
        packets: received as u32,
        bytes,
        first_packet: first.number,
        last_packet: last.number,
        first_time: first.time,
        last_time: last.time,
        duration_ms: (last.time.micros.saturating_sub(first.time.micros).max(0) / 1000) as u64,
        expected: expected.min(u32::MAX as i64) as u32,
        lost,
        loss_percent: if lost > 0 { lost as f64 * 100.0 / expected as f64 } else { 0.0 },
        sequence_errors: seq_err,
        jitter_ms: jitter * 1000.0 / clock as f64,
        mean_jitter_ms: if jitter_n > 0 { jitter_sum / jitter_n as f64 } else { 0.0 },
        max_jitter_ms: jitter_max,
        max_delta_ms: max_delta,
        dtmf_packets: dtmf,
        rtcp_packets: 0,
        call: None,
        sdp: None,
    }
}

/// Picks the SDP address that explains a stream: exact address and port first, then port only;
/// among several, the one seen last before the stream began (else the first after it).
fn best_match<'e, 'a>(
    eps: &'e [SdpEp<'a>],
    first: Timestamp,
    pick: impl Fn(&SdpEp<'a>) -> bool,
) -> Option<&'e SdpEp<'a>> {
    let start = micros(first);
    let slack = 2_000_000;
    let mut before: Option<&SdpEp<'a>> = None;
    let mut after: Option<&SdpEp<'a>> = None;
    for ep in eps.iter().filter(|e| pick(e)) {
        match ep.time {
            Some(t) if t.micros > start.saturating_add(slack) => {
                if after.is_none_or(|a| a.time.is_some_and(|at| t.micros < at.micros)) {
                    after = Some(ep);
                }
            }
            _ => before = Some(ep), // input order = time order
        }
    }
    before.or(after)
}

/// [`streams`] of an analysis, measured the first time they are asked for (the diagnosis and
/// the report both read them).
pub fn streams_of<'x>(a: &'x Analysis<'_>) -> &'x [Stream] {
    a.streams.get_or_init(|| streams(a))
}

/// Every RTP stream of the capture, in order of first packet, each tied to its call when the
/// SDP explains it.
pub fn streams(a: &Analysis<'_>) -> Vec<Stream> {
    let pkts = &a.ingested.rtp;
    if pkts.is_empty() {
        return Vec::new();
    }
    let eps = sdp_endpoints(a);
    let mut groups: Vec<Vec<&RtpPacket>> = Vec::new();
    let mut index: HashMap<(SocketAddr, SocketAddr, u32), usize> = HashMap::new();
    let mut rtcp: Vec<&RtpPacket> = Vec::new();
    for p in pkts {
        if p.rtcp {
            rtcp.push(p);
            continue;
        }
        let g = *index.entry((p.src, p.dst, p.ssrc)).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[g].push(p);
    }
    let mut out = Vec::new();
    for g in &groups {
        let (src, dst, t0) = (g[0].src, g[0].dst, g[0].time);
        let exact =
            |e: &SdpEp<'_>| (e.ip == dst.ip() && e.port == dst.port()) || (e.ip == src.ip() && e.port == src.port());
        let port_only = |e: &SdpEp<'_>| e.port == dst.port() || e.port == src.port();
        let ep = best_match(&eps, t0, exact).map(|e| (e, true)).or_else(|| {
            best_match(&eps, t0, |e| {
                port_only(e)
                    && e.time.is_none_or(|t| t.micros <= t0.micros.saturating_add(2_000_000))
                    && e.call.is_some_and(|c| {
                        a.calls.calls.get(c as usize).is_some_and(|call| {
                            call.last_time.is_none_or(|lt| t0.micros <= lt.micros.saturating_add(5_000_000))
                        })
                    })
            })
            .map(|e| (e, false))
        });
        let formats: Vec<(u8, &str, u32)> = ep.map(|(e, _)| e.formats.clone()).unwrap_or_default();
        let dtmf_pt = formats.iter().find(|f| f.1.eq_ignore_ascii_case("telephone-event")).map(|f| f.0);
        let clock_of = |pt: u8| {
            formats
                .iter()
                .find(|f| f.0 == pt && f.2 > 0)
                .map(|f| f.2)
                .or_else(|| crate::sip::sdp::static_payload(pt).map(|s| s.1))
                .unwrap_or(8000)
        };
        let mut s = measure(g, &clock_of, dtmf_pt);
        s.codec = formats
            .iter()
            .find(|f| f.0 == s.payload_type && !f.1.is_empty())
            .map(|f| f.1.to_string())
            .or_else(|| crate::sip::sdp::static_payload(s.payload_type).map(|p| p.0.to_string()))
            .unwrap_or_else(|| format!("PT {}", s.payload_type));
        match ep {
            Some((e, exact)) => {
                let to_sdp = if exact { e.ip == dst.ip() && e.port == dst.port() } else { e.port == dst.port() };
                s.call = e.call;
                s.sdp = Some(SdpMatch { message: e.message, media: e.media, to_sdp, address_matches: exact });
            }
            None => {
                let even = src.port() % 2 == 0 || dst.port() % 2 == 0;
                if s.packets < MIN_HEURISTIC_PACKETS || !even || s.sequence_errors * 10 > s.packets {
                    continue;
                }
            }
        }
        s.rtcp_packets = rtcp
            .iter()
            .filter(|r| {
                let near = |a: SocketAddr, b: SocketAddr| {
                    a.ip() == b.ip() && (a.port() == b.port() || a.port() == b.port().wrapping_add(1))
                };
                (near(r.src, src) && near(r.dst, dst)) || (near(r.src, dst) && near(r.dst, src))
            })
            .count() as u32;
        out.push(s);
    }
    // Groups were made in capture order: `out` is already in order of first packet.
    out
}

/// Each call's streams and media state (for the call list badge and the ladder).
pub fn call_media(a: &Analysis<'_>, streams: &[Stream]) -> Vec<CallMedia> {
    let judge = a.ingested.capture.as_ref().is_some_and(|c| !c.sip_only());
    a.calls
        .calls
        .iter()
        .enumerate()
        .filter(|(_, c)| c.kind == crate::calls::CallKind::Call)
        .map(|(ci, c)| {
            let idx: Vec<u32> =
                streams.iter().enumerate().filter(|(_, s)| s.call == Some(ci as u32)).map(|(i, _)| i as u32).collect();
            let dirs = directions(idx.iter().map(|&i| &streams[i as usize]));
            let state = if !judge {
                MediaState::Unknown
            } else if idx.is_empty() {
                if c.answered {
                    MediaState::NoRtp
                } else {
                    MediaState::None
                }
            } else if dirs < 2 {
                MediaState::OneWay
            } else if idx.iter().any(|&i| streams[i as usize].is_poor()) {
                MediaState::Poor
            } else {
                MediaState::TwoWay
            };
            CallMedia { call: ci as u32, streams: idx, state }
        })
        .collect()
}

/// Distinct directions (unordered host pairs counted once per way).
fn directions<'s>(ss: impl Iterator<Item = &'s Stream>) -> usize {
    let mut seen: Vec<(IpAddr, IpAddr)> = Vec::new();
    for s in ss {
        let k = (s.src.ip(), s.dst.ip());
        if !seen.contains(&k) {
            seen.push(k);
        }
    }
    // two ways: some pair seen in both orders, or more than one pair (a relay between)
    let both = seen.iter().any(|(x, y)| seen.contains(&(*y, *x)));
    if both || seen.len() > 1 && !seen.iter().all(|(x, _)| *x == seen[0].0) {
        2
    } else {
        seen.len().min(1)
    }
}

struct Ev<'a, 'b> {
    a: &'b Analysis<'a>,
}

impl Ev<'_, '_> {
    /// Evidence for a line of a message's text.
    fn line(&self, msg: u32, line: u32, label: &str) -> Evidence {
        let text = self.a.messages.get(msg as usize).map_or("", |m| m.msg.text);
        let excerpt = text.lines().nth(line as usize).unwrap_or("").trim_end().to_string();
        Evidence { message: Some(msg), line: self.a.input_line(msg as usize, line), label: label.to_string(), excerpt }
    }
    fn sdp(&self, ep: &SdpEp<'_>, label: &str) -> Evidence {
        self.line(ep.message, ep.c_line.unwrap_or(ep.m_line), label)
    }
    fn m_line(&self, ep: &SdpEp<'_>, label: &str) -> Evidence {
        self.line(ep.message, ep.m_line, label)
    }
    fn stream(&self, s: &Stream) -> Evidence {
        Evidence {
            message: None,
            line: s.first_packet,
            label: format!("RTP {}", s.direction()),
            excerpt: format!(
                "{} packets, SSRC 0x{:08X}, {}, packets {}–{}",
                s.packets, s.ssrc, s.codec, s.first_packet, s.last_packet
            ),
        }
    }
    fn packet(&self, msg: u32) -> u32 {
        self.a.messages.get(msg as usize).map_or(0, |m| self.a.item(m).first_line)
    }
}

fn secs(us: i64) -> String {
    format!("{} s", fixed(us as f64 / 1e6, 1))
}

/// `v` with `decimals` (0 or 1) digits after the point, without float formatting (which
/// costs the page about 12 KB of wasm).
fn fixed(v: f64, decimals: u32) -> String {
    let scale = if decimals == 0 { 1 } else { 10 };
    let n = (v * scale as f64).round() as i64;
    let sign = if n < 0 { "-" } else { "" };
    let n = n.unsigned_abs();
    if decimals == 0 {
        format!("{sign}{n}")
    } else {
        format!("{sign}{}.{}", n / 10, n % 10)
    }
}

/// The first 2xx answer to an INVITE in the call (index into `Analysis::messages`).
fn answer_message(a: &Analysis<'_>, call: &crate::calls::Call) -> Option<u32> {
    call.messages.iter().copied().find(|&m| {
        a.messages.get(m as usize).is_some_and(|mm| {
            mm.msg.status().is_some_and(|c| (200..300).contains(&c))
                && mm.msg.cseq().is_some_and(|cs| cs.method.as_str() == "INVITE")
        })
    })
}

/// Whether any SDP of the call puts audio on hold or one-way (sendonly, recvonly, inactive,
/// port 0 or the 0.0.0.0 hold address).
fn call_has_hold(a: &Analysis<'_>, call: &crate::calls::Call) -> bool {
    call.messages.iter().any(|&m| {
        a.messages.get(m as usize).and_then(|mm| mm.msg.sdp_cow()).is_some_and(|sdp| {
            sdp.media.iter().filter(|md| md.kind == "audio").any(|md| {
                md.port == 0
                    || md.address.is_some_and(|ad| ad.trim() == "0.0.0.0")
                    || !matches!(md.direction, crate::sip::sdp::Direction::SendRecv)
            })
        })
    })
}

/// Findings that only media can prove (one-way audio, no RTP, …). Empty without a capture, and
/// for captures that hold only SIP (then nothing can be said about the audio).
pub fn findings(a: &Analysis<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    let Some(cap) = a.ingested.capture.as_ref() else { return out };
    if cap.sip_only() || a.messages.is_empty() {
        return out;
    }
    let all = streams_of(a);
    let eps = sdp_endpoints(a);
    let ev = Ev { a };
    let capture_end = cap.last_micros.unwrap_or(i64::MIN);
    // Hosts that send something in the capture (RTP or SIP).
    let mut speakers: Vec<IpAddr> = Vec::new();
    let heard =
        all.iter().map(|s| s.src.ip()).chain(a.ingested.items.iter().filter_map(|i| i.src.as_ref()?.host.parse().ok()));
    for ip in heard {
        if !speakers.contains(&ip) {
            speakers.push(ip);
        }
    }

    for (ci, call) in a.calls.calls.iter().enumerate() {
        if call.kind != crate::calls::CallKind::Call {
            continue;
        }
        let ci32 = ci as u32;
        let ceps: Vec<&SdpEp<'_>> = eps.iter().filter(|e| e.call == Some(ci32)).collect();
        if ceps.is_empty() {
            continue;
        }
        let assigned: Vec<&Stream> = all.iter().filter(|s| s.call == Some(ci32)).collect();
        let is_ep = |x: SocketAddr| ceps.iter().any(|e| e.ip == x.ip() && e.port == x.port());
        // Streams that touch the call's media addresses, whichever call they were given to
        // (legs of one B2BUA call share addresses).
        let touching: Vec<&Stream> =
            all.iter().filter(|s| s.call == Some(ci32) || is_ep(s.src) || is_ep(s.dst)).collect();
        per_stream_findings(&ev, ci32, &assigned, &ceps, &speakers, &mut out);
        if !call.answered {
            continue;
        }
        let (Some(answer), Some(answer_msg)) = (call.answer_time, answer_message(a, call)) else { continue };
        let end = call.end_time.or(call.last_time).map_or(capture_end, |t| t.micros).max(answer.micros);
        let end = end.min(capture_end.max(answer.micros));
        let talk = end.saturating_sub(answer.micros);
        let audio: Vec<&SdpEp<'_>> = ceps.iter().filter(|e| e.audio).copied().collect();
        let offer = audio.iter().rev().find(|e| e.is_request).or(audio.first()).copied();
        let answer_ep = audio.iter().rev().find(|e| !e.is_request).copied();
        let (Some(offer), Some(answer_ep)) = (offer, answer_ep) else { continue };
        let hold = call_has_hold(a, call);
        let answer_pkt = ev.packet(answer_msg);

        if touching.is_empty() {
            if talk >= MIN_JUDGE_MS * 1000 {
                out.push(Finding {
                    cause: "net.rtp_blocked",
                    severity: Severity::Error,
                    confidence: 70,
                    explanation: format!(
                        "The call was answered at packet {answer_pkt} and lasted {}, but the capture holds no RTP to or from the media addresses in its SDP ({}:{} and {}:{}). Nobody could hear anything — unless the capture was taken where the audio does not pass (check that it covers the media ports).",
                        secs(talk),
                        offer.ip,
                        offer.port,
                        answer_ep.ip,
                        answer_ep.port
                    ),
                    evidence: vec![
                        ev.line(answer_msg, 0, "answer"),
                        ev.sdp(offer, "offer media address"),
                        ev.sdp(answer_ep, "answer media address"),
                    ],
                    call: Some(ci32),
                });
            }
            continue;
        }

        // One-way: a stream of this call with nothing coming back.
        if talk >= MIN_JUDGE_MS * 1000 && !hold {
            let back = |s: &Stream| {
                touching.iter().any(|r| {
                    (r.src.ip() == s.dst.ip() && r.dst.ip() == s.src.ip())
                        || (r.src.port() == s.dst.port() && r.dst.port() == s.src.port() && r.src.ip() != s.src.ip())
                })
            };
            if let Some(s) = assigned.iter().find(|s| s.duration_ms >= 1000 && !back(s)) {
                let mut evidence = vec![ev.stream(s)];
                let ep_of = |x: SocketAddr| ceps.iter().rev().find(|e| e.ip == x.ip() && e.port == x.port()).copied();
                if let Some(e) = ep_of(s.src) {
                    evidence.push(ev.sdp(e, "media address that got no RTP"));
                }
                if let Some(e) = ep_of(s.dst) {
                    evidence.push(ev.sdp(e, "media address that got RTP"));
                }
                out.push(Finding {
                    cause: "net.rtp_blocked",
                    severity: Severity::Error,
                    confidence: 80,
                    explanation: format!(
                        "One-way audio: {} sent {} RTP packets to {} (packets {}–{}), but no RTP came back from {} to {} in the capture. The person at {} hears nothing. A firewall or NAT is dropping the RTP in that direction, or {} never started sending (check its media settings).",
                        s.src,
                        s.packets,
                        s.dst,
                        s.first_packet,
                        s.last_packet,
                        s.dst.ip(),
                        s.src.ip(),
                        s.src.ip(),
                        s.dst.ip()
                    ),
                    evidence,
                    call: Some(ci32),
                });
            }
        }

        // RTP that stops while the call goes on.
        let later_sip = |after: i64| {
            call.messages
                .iter()
                .filter_map(|&m| {
                    let msg = a.messages.get(m as usize)?;
                    let t = a.item(msg).time?;
                    (t.micros > after.saturating_add(STOP_GAP_MS * 1000)).then_some((m, t.micros))
                })
                .next()
        };
        let mut by_dir: Vec<(SocketAddr, &Stream)> = Vec::new();
        for s in &assigned {
            match by_dir.iter_mut().find(|d| d.0 == s.dst) {
                Some(d) => {
                    if s.last_time.micros > d.1.last_time.micros {
                        d.1 = s;
                    }
                }
                None => by_dir.push((s.dst, s)),
            }
        }
        // A later SDP (re-INVITE, hold, new address) explains a stop.
        let last_sdp_time = ceps.iter().filter_map(|e| e.time.map(|t| t.micros)).max().unwrap_or(i64::MIN);
        for (dst, s) in by_dir {
            let last_t = s.last_time.micros;
            if s.duration_ms < 1000 || last_sdp_time > last_t || hold {
                continue;
            }
            if let Some((m, t)) = later_sip(last_t) {
                let what = a.messages.get(m as usize).map_or(String::new(), |mm| {
                    mm.msg
                        .method()
                        .map(|x| x.as_str().to_string())
                        .or(mm.msg.status().map(|c| c.to_string()))
                        .unwrap_or_default()
                });
                out.push(Finding {
                    cause: "net.udp_timeout",
                    severity: Severity::Warning,
                    confidence: 60,
                    explanation: format!(
                        "RTP to {dst} stopped at packet {}, {} after the answer, but the call went on: its {what} came {} later (packet {}). Media that stops mid-call usually means a firewall or NAT closed the UDP mapping, or one side lost its network.",
                        s.last_packet,
                        secs(last_t.saturating_sub(answer.micros)),
                        secs(t.saturating_sub(last_t)),
                        ev.packet(m)
                    ),
                    evidence: vec![ev.stream(s), ev.line(m, 0, &what)],
                    call: Some(ci32),
                });
            }
        }

        // DTMF: neither the negotiation nor the RTP carries telephone-events.
        if !answer_ep.has_te && assigned.iter().all(|s| s.dtmf_packets == 0) {
            let offered = offer.has_te;
            out.push(Finding {
                cause: "media.no_dtmf",
                severity: Severity::Info,
                confidence: 50,
                explanation: format!(
                    "The answer's SDP (message {}, packet {}) has no telephone-event payload{}, and the call's RTP carried no DTMF events: key presses can only go in-band inside the audio or by SIP INFO, which IVRs and voice agents often miss.",
                    answer_ep.message,
                    ev.packet(answer_ep.message),
                    if offered { " although the offer had one" } else { " (nor did the offer)" }
                ),
                evidence: vec![ev.m_line(answer_ep, "answer media line"), ev.m_line(offer, "offer media line")],
                call: Some(ci32),
            });
        }
    }
    out
}

/// Findings about single streams of a call: NAT-rewritten or private addresses, loss and jitter,
/// payload types the SDP did not name.
fn per_stream_findings(
    ev: &Ev<'_, '_>,
    ci: u32,
    cs: &[&Stream],
    ceps: &[&SdpEp<'_>],
    speakers: &[IpAddr],
    out: &mut Vec<Finding>,
) {
    for s in cs {
        let Some(m) = s.sdp else { continue };
        let Some(ep) = ceps.iter().find(|e| e.message == m.message && e.media == m.media).copied() else { continue };
        if !m.address_matches {
            let seen = if m.to_sdp { s.dst } else { s.src };
            let sdp_private = is_private(ep.ip);
            out.push(Finding {
                cause: "net.nat_private_address",
                severity: Severity::Warning,
                confidence: if sdp_private && !is_private(seen.ip()) { 85 } else { 65 },
                explanation: format!(
                    "The SDP in message {} (packet {}) gives {}:{} for media{}, but the RTP {} {} ({} packets). A NAT router rewrote the address and the SDP was not corrected: set the public address (external IP / NAT settings) on the device that wrote that SDP, or let the far end latch onto where RTP really comes from.",
                    ep.message,
                    ev.packet(ep.message),
                    ep.ip,
                    ep.port,
                    if sdp_private { " — a private address" } else { "" },
                    if m.to_sdp { "went to" } else { "came from" },
                    seen,
                    s.packets
                ),
                evidence: vec![ev.sdp(ep, "SDP media address"), ev.stream(s)],
                call: Some(ci),
            });
        }
        if m.address_matches && m.to_sdp && !ceps.iter().any(|e| e.ip == s.src.ip() && e.port == s.src.port()) {
            // The stream reaches the right place but leaves from elsewhere than its sender's
            // SDP said (same port, other address: a NAT in front of the sender).
            if let Some(other) = ceps.iter().rev().find(|e| e.port == s.src.port() && e.ip != s.src.ip()).copied() {
                out.push(Finding {
                    cause: "net.nat_private_address",
                    severity: Severity::Warning,
                    confidence: if is_private(other.ip) && !is_private(s.src.ip()) { 85 } else { 65 },
                    explanation: format!(
                        "RTP to {} came from {} ({} packets), but the sender's SDP in message {} (packet {}) gave {}:{}. A NAT router rewrote the address and the SDP was not corrected: set the public address (external IP / NAT settings) on the device that wrote that SDP.",
                        s.dst,
                        s.src,
                        s.packets,
                        other.message,
                        ev.packet(other.message),
                        other.ip,
                        other.port
                    ),
                    evidence: vec![ev.sdp(other, "sender's SDP media address"), ev.stream(s)],
                    call: Some(ci),
                });
            }
        }
        // Sent from the internet to a private address that never speaks in the capture: the
        // capture is on the sender's side and the packets go nowhere. (Seen where the private
        // host also sends, the capture is behind the NAT and the packets did arrive.)
        if is_private(s.dst.ip())
            && !is_private(s.src.ip())
            && !s.src.ip().is_loopback()
            && !speakers.contains(&s.dst.ip())
        {
            out.push(Finding {
                cause: "net.nat_private_address",
                severity: Severity::Error,
                confidence: 80,
                explanation: format!(
                    "RTP from the public address {} was sent to the private address {} ({} packets): across the internet such packets never arrive. The SDP that named {} must carry the public address instead.",
                    s.src,
                    s.dst,
                    s.packets,
                    s.dst.ip()
                ),
                evidence: vec![ev.sdp(ep, "SDP media address"), ev.stream(s)],
                call: Some(ci),
            });
        }
        if s.packets >= 50 && s.is_poor() {
            out.push(Finding {
                cause: "media.packet_loss",
                severity: Severity::Warning,
                confidence: 75,
                explanation: format!(
                    "RTP {} lost {} of {} packets ({}%), with mean jitter {} ms (max {} ms) and gaps up to {} ms: enough to hear as choppy or robotic audio. Look for a congested or wireless link, or a missing QoS marking, on the path between them.",
                    s.direction(),
                    s.lost.max(0),
                    s.expected,
                    fixed(s.loss_percent, 1),
                    fixed(s.mean_jitter_ms, 1),
                    fixed(s.max_jitter_ms, 1),
                    fixed(s.max_delta_ms, 0)
                ),
                evidence: vec![ev.stream(s), ev.sdp(ep, "SDP media address")],
                call: Some(ci),
            });
        }
        // The payload types the receiving side accepted: its SDP's formats.
        let receiver = ceps.iter().rev().find(|e| e.port == s.dst.port() && (e.ip == s.dst.ip() || !m.address_matches));
        let names_pt = |e: &SdpEp<'_>, pt: u8| e.formats.iter().any(|f| f.0 == pt);
        if let Some(rx) = receiver {
            for &(pt, n) in &s.payload_types {
                if pt == 13 || pt == 19 || names_pt(rx, pt) {
                    continue; // comfort noise is often sent unannounced and is harmless
                }
                let listed: Vec<String> = rx
                    .formats
                    .iter()
                    .map(|f| if f.1.is_empty() { f.0.to_string() } else { format!("{} {}", f.0, f.1) })
                    .collect();
                out.push(Finding {
                    cause: "media.codec_mismatch",
                    severity: Severity::Warning,
                    confidence: 75,
                    explanation: format!(
                        "RTP {} carried payload type {pt} ({n} packets), but the receiver's SDP (message {}, packet {}) only accepts {}. The receiver may drop these packets or play noise: make both sides use a codec from the negotiated list.",
                        s.direction(),
                        rx.message,
                        ev.packet(rx.message),
                        if listed.is_empty() { "nothing".to_string() } else { listed.join(", ") }
                    ),
                    evidence: vec![ev.m_line(rx, "receiver's media line"), ev.stream(s)],
                    call: Some(ci),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pkt(n: u32, us: i64, seq: u16, ts: u32) -> RtpPacket {
        RtpPacket {
            time: Timestamp { micros: us, has_date: true },
            src: "10.0.0.1:4000".parse().unwrap(),
            dst: "10.0.0.2:5000".parse().unwrap(),
            ssrc: 1,
            seq,
            timestamp: ts,
            payload_type: 8,
            marker: false,
            len: 160,
            number: n,
            rtcp: false,
        }
    }

    #[test]
    fn loss_and_wrap() {
        // 100 packets across the 16-bit wrap, every 10th missing
        let ps: Vec<RtpPacket> = (0..100u32)
            .filter(|i| i % 10 != 5)
            .map(|i| pkt(i + 1, i as i64 * 20_000, 65_500u16.wrapping_add(i as u16), i * 160))
            .collect();
        let refs: Vec<&RtpPacket> = ps.iter().collect();
        let s = measure(&refs, &|_| 8000, None);
        assert_eq!((s.packets, s.expected, s.lost), (90, 100, 10));
        assert!((s.loss_percent - 10.0).abs() < 1e-9);
        assert_eq!(s.sequence_errors, 10);
        assert!(s.jitter_ms.abs() < 1e-9, "perfect timing has no jitter");
        assert!((s.max_delta_ms - 40.0).abs() < 1e-9);
    }

    #[test]
    fn jitter_matches_the_estimator() {
        // every other packet 10 ms late: |D| = 10 ms at every step
        let ps: Vec<RtpPacket> = (0..200u32)
            .map(|i| pkt(i + 1, i as i64 * 20_000 + if i % 2 == 1 { 10_000 } else { 0 }, i as u16, i * 160))
            .collect();
        let refs: Vec<&RtpPacket> = ps.iter().collect();
        let s = measure(&refs, &|_| 8000, None);
        // J converges to |D|
        assert!((s.jitter_ms - 10.0).abs() < 0.01, "{}", s.jitter_ms);
        assert!(s.max_jitter_ms <= 10.0 + 1e-9);
        assert_eq!(s.lost, 0);
    }

    #[test]
    fn fixed_point_text() {
        assert_eq!(
            [fixed(5.0, 1), fixed(0.04, 1), fixed(12.96, 1), fixed(-1.25, 1), fixed(59.6, 0)],
            ["5.0", "0.0", "13.0", "-1.3", "60"]
        );
    }

    #[test]
    fn private_ranges() {
        for (ip, p) in [
            ("10.1.2.3", true),
            ("192.168.0.1", true),
            ("100.64.0.1", true),
            ("8.8.8.8", false),
            ("fd00::1", true),
            ("2001:db8::1", false),
        ] {
            assert_eq!(is_private(ip.parse().unwrap()), p, "{ip}");
        }
    }
}
