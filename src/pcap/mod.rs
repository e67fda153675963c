//! Capture files: pcap and pcapng in, SIP messages and RTP headers out. Owns everything between
//! the file's bytes and [`Ingested`]: the container ([`container`]), link/IP/transport layers
//! with fragment reassembly and tunnels ([`net`]), TCP stream reassembly and SIP framing
//! ([`tcp`]), HEP/EEP decapsulation ([`hep`]) and RTP/RTCP header recognition ([`rtp`]).
//!
//! ## What comes out
//! [`ingest_capture`] never fails and never panics. Each SIP message becomes an [`Item`] with
//! format [`Format::Pcap`], the capture timestamp (UTC, `has_date`), source and destination
//! address, transport, and **`first_line` = the packet (frame) number**, 1-based as Wireshark
//! numbers frames: for captures every "line" in sipdiag (items, problems, evidence) is a packet
//! number. `line_map` maps every message line to that same packet, so evidence from any line of
//! the message points at its packet. A message split over TCP segments or IP fragments carries
//! the number of the packet that completed it (Wireshark shows the reassembled message there).
//! RTP/RTCP headers go to [`Ingested::rtp`]; what could not be read becomes a [`Problem`]
//! (`BadCapture`, `EncryptedSip`, `Truncated`) whose `line` is the packet number (0: the file),
//! with a sentence about it in [`CaptureInfo::notes`].
//!
//! SIP is found by content, on any port: a payload whose first line is a SIP start line. HEP v3
//! is found by its magic on any port (v1/v2 on port 9060). TLS records on a SIP port (5061, or
//! 5060–5099) are reported as encrypted SIP, never guessed at. A packet the capture cut short
//! (snap length) is reported, not guessed: its SIP message is left out.
//!
//! ## Why hand-parsed
//! The formats are small and fixed, and the page ships as wasm where every kilobyte is paid by
//! each visitor. Measured (wasm32, opt-level "z", LTO, a cdylib exercising the parts we would
//! use): `pcap-parser` 0.17 adds 51 KB (14 KB gzipped, and pulls nom), `etherparse` 0.21 adds
//! 34 KB (14 KB gzipped), together 80 KB / 25 KB gzipped — before any of what they don't cover
//! (SLL2, null/loop, tunnels, TCP reassembly, HEP, RTP). This whole module adds 44 KB / 18.5 KB
//! gzipped to a build of the core. Each layer is parsed here with bounds-checked reads (`get`,
//! length checks before indexing), and the tests build captures byte by byte to cover them.
//! For the same reason there is no inflater for compressed HEP payloads (reported instead),
//! no `u128` arithmetic and no `sort_by_key` (each instantiation costs several KB).

pub mod container;
pub mod hep;
pub mod net;
pub mod rtp;
pub mod tcp;

use crate::ingest::{Endpoint, Format, Ingested, Item, Problem, ProblemKind, Timestamp, Transport};
use std::borrow::Cow;
use std::net::SocketAddr;

/// What the capture held besides the SIP messages: counts for the summary and the sentences
/// that go with each capture problem.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaptureInfo {
    /// "pcap" or "pcapng"; empty when the header was not recognised.
    pub container: &'static str,
    pub packets: u32,
    /// Link types seen (LINKTYPE_* values), in order of first appearance.
    pub link_types: Vec<u16>,
    pub first_micros: Option<i64>,
    pub last_micros: Option<i64>,
    /// SIP messages found (UDP, TCP and HEP together), and how many came inside HEP.
    pub sip_messages: u32,
    pub hep_messages: u32,
    pub rtp_packets: u32,
    pub rtcp_packets: u32,
    /// IP packets that carried neither SIP nor RTP/RTCP (DNS, HTTP, …).
    pub other_packets: u32,
    /// Frames without IP (ARP, LLDP, …) or of a link type that cannot be read.
    pub non_ip_packets: u32,
    /// Packets cut short by the capture's snap length.
    pub cut_packets: u32,
    /// Connections carrying TLS on a SIP port: (first packet, server side).
    pub encrypted: Vec<(u32, SocketAddr)>,
    /// One sentence per problem in [`Ingested::problems`], in the same order.
    pub notes: Vec<Note>,
}

impl CaptureInfo {
    /// The capture holds SIP and nothing else (a `port 5060` filter): whether RTP flowed cannot be
    /// told from it.
    pub fn sip_only(&self) -> bool {
        self.rtp_packets == 0 && self.rtcp_packets == 0 && self.other_packets == 0 && self.non_ip_packets == 0
    }
}

/// A capture problem in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub kind: ProblemKind,
    /// Packet number (0: the whole file).
    pub packet: u32,
    pub text: String,
}

/// Whether `bytes` start like a pcap or pcapng file.
pub fn is_capture(bytes: &[u8]) -> bool {
    container::detect(bytes).is_some()
}

/// Reads a capture. Never fails: what cannot be read is reported in `problems` (with the packet
/// number as the line) and explained in `capture.notes`.
pub fn ingest_capture(bytes: &[u8]) -> Ingested<'static> {
    let mut r = Reader::default();
    let mut dec = net::Decoder::default();
    let (kind, err) = container::read(bytes, |f| {
        r.info.packets += 1;
        if !r.info.link_types.contains(&f.link) {
            r.info.link_types.push(f.link);
        }
        if f.micros != 0 {
            r.info.first_micros = Some(r.info.first_micros.map_or(f.micros, |m| m.min(f.micros)));
            r.info.last_micros = Some(r.info.last_micros.map_or(f.micros, |m| m.max(f.micros)));
        }
        if f.is_cut() {
            r.info.cut_packets += 1;
        }
        let time = Timestamp { micros: f.micros, has_date: true };
        let before = r.info.sip_messages + r.info.rtp_packets + r.info.rtcp_packets;
        let mut carried = false;
        dec.frame(f.link, f.number, f.data, &mut |seg| {
            carried = true;
            r.segment(f.number, time, seg)
        });
        if carried && before == r.info.sip_messages + r.info.rtp_packets + r.info.rtcp_packets && !r.claimed {
            r.info.other_packets += 1;
        }
        r.claimed = false;
    });
    r.info.container = match kind {
        Some(container::Container::Pcap) => "pcap",
        Some(container::Container::PcapNg) => "pcapng",
        None => "",
    };
    r.finish(&mut dec, err);
    r.out.note_format(Format::Pcap);
    r.out.capture = Some(r.info);
    r.out
}

#[derive(Default)]
struct Reader {
    out: Ingested<'static>,
    info: CaptureInfo,
    tcp: tcp::Streams,
    events: Vec<tcp::Event>,
    /// The current packet was used (SIP stream data, HEP, TLS) even though no message came out.
    claimed: bool,
    /// Problems not listed once [`MAX_PROBLEMS`] were.
    suppressed: u32,
}

/// Most capture problems listed one by one (a capture cut at a small snap length would
/// otherwise list one per packet).
const MAX_PROBLEMS: usize = 200;

/// Sorts a short, nearly sorted list by key, stably. An insertion sort: a few bytes of code per
/// use, where each `sort_by_key` instantiation costs the page several KB of wasm.
pub(crate) fn sort_short<T>(v: &mut [T], key: impl Fn(&T) -> u64) {
    for i in 1..v.len() {
        let mut j = i;
        while j > 0 && key(&v[j - 1]) > key(&v[j]) {
            v.swap(j - 1, j);
            j -= 1;
        }
    }
}

/// The first line of `b` is a SIP request or status line.
pub(crate) fn sip_start(b: &[u8]) -> bool {
    // Fast reject: a start line begins with a method token or "SIP/".
    if !b.first().is_some_and(|c| c.is_ascii_uppercase()) {
        return false;
    }
    let end = memchr::memchr(b'\n', &b[..b.len().min(2048)]).unwrap_or(b.len().min(2048));
    let line = &b[..end];
    if memchr::memmem::find(line, b"SIP/").is_none() {
        return false;
    }
    std::str::from_utf8(line).is_ok_and(|l| crate::sip::parse_start_line(l).is_ok())
}

/// The offset of the first line of `b` (at 0 or after a newline) that is a SIP start line.
pub(crate) fn find_sip_start(b: &[u8]) -> Option<usize> {
    if sip_start(b) {
        return Some(0);
    }
    memchr::memchr_iter(b'\n', b).map(|i| i + 1).find(|&i| sip_start(&b[i..]))
}

/// A TLS record header (handshake, alert, change cipher spec or application data; SSL 3.0 to
/// TLS 1.3).
pub(crate) fn is_tls_record(b: &[u8]) -> bool {
    b.len() >= 5 && (0x14..=0x17).contains(&b[0]) && b[1] == 3 && b[2] <= 4
}

/// A `str` view of `b` with the same length: the bytes as they are when they are UTF-8, else
/// with every non-ASCII byte replaced by `?` (framing only looks at ASCII).
pub(crate) fn ascii_view(b: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(b) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => Cow::Owned(b.iter().map(|&c| if c.is_ascii() { c as char } else { '?' }).collect()),
    }
}

fn is_sip_port(p: u16) -> bool {
    (5060..=5099).contains(&p)
}

fn endpoint(a: SocketAddr) -> Endpoint<'static> {
    let ip = match a.ip() {
        std::net::IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(std::net::IpAddr::V6(v6), std::net::IpAddr::V4),
        ip => ip,
    };
    Endpoint { host: Cow::Owned(ip.to_string()), port: Some(a.port()) }
}

impl Reader {
    fn problem(&mut self, kind: ProblemKind, packet: u32, text: String) {
        let per_packet = matches!(kind, ProblemKind::BadCapture | ProblemKind::Truncated);
        if per_packet && self.out.problems.len() >= MAX_PROBLEMS {
            self.suppressed += 1;
            return;
        }
        self.out.problems.push(Problem { kind, line: packet });
        self.info.notes.push(Note { kind, packet, text });
    }

    fn segment(&mut self, number: u32, time: Timestamp, seg: net::Segment<'_>) {
        match seg.kind {
            net::Kind::Udp => self.udp(number, time, seg),
            net::Kind::Tcp { seq, flags } => {
                let before = self.events.len();
                self.tcp.segment(
                    seg.src,
                    seg.dst,
                    seq,
                    flags,
                    seg.payload,
                    seg.wire_len,
                    number,
                    time.micros,
                    &mut self.events,
                );
                // SIP connections (their bare ACKs too) are not "other" traffic.
                if self.events.len() > before || is_sip_port(seg.src.port()) || is_sip_port(seg.dst.port()) {
                    self.claimed = true;
                }
                self.drain_tcp();
            }
        }
    }

    fn drain_tcp(&mut self) {
        let events = std::mem::take(&mut self.events);
        for e in events {
            match e {
                tcp::Event::Sip { data, number, micros, src, dst } => {
                    self.emit(&data, number, Timestamp { micros, has_date: true }, src, dst, Transport::Tcp)
                }
                tcp::Event::Hep { data, number, micros } => {
                    self.hep(&data, number, Timestamp { micros, has_date: true }, 3);
                }
                tcp::Event::Tls { number, src, dst } => self.tls(number, src, dst),
                tcp::Event::Gap { number, lost_message } => {
                    if lost_message {
                        self.problem(
                            ProblemKind::BadCapture,
                            number,
                            format!("Packet {number}: bytes of a SIP-over-TCP connection are missing from the capture, so the SIP message in progress there was left out."),
                        );
                    }
                }
                tcp::Event::Unfinished { number } => self.problem(
                    ProblemKind::Truncated,
                    number,
                    format!("Packet {number}: the capture ends in the middle of a SIP message sent over TCP; that message was left out."),
                ),
            }
        }
    }

    fn tls(&mut self, number: u32, src: SocketAddr, dst: SocketAddr) {
        let server = if dst.port() == 5061 || (src.port() != 5061 && dst.port() <= src.port()) { dst } else { src };
        if !is_sip_port(src.port()) && !is_sip_port(dst.port()) {
            return; // HTTPS and other TLS: not ours
        }
        if self.info.encrypted.iter().any(|(_, s)| *s == server) {
            return;
        }
        self.info.encrypted.push((number, server));
        let port = server.port();
        self.problem(
            ProblemKind::EncryptedSip,
            number,
            format!("Encrypted SIP on port {port} (TLS, server {server}, from packet {number}): a capture cannot show what is inside. Take your PBX's own SIP log instead (it logs the messages before encryption), or trace on a test trunk using UDP or TCP."),
        );
    }

    fn udp(&mut self, number: u32, time: Timestamp, seg: net::Segment<'_>) {
        let p = seg.payload;
        if p.is_empty() {
            return;
        }
        if hep::is_hep3(p) || (seg.dst.port() == 9060 || seg.src.port() == 9060) && matches!(p[0], 1 | 2) {
            if seg.is_cut() {
                self.cut(number, seg);
                return;
            }
            self.hep(p, number, time, if hep::is_hep3(p) { 3 } else { 2 });
            return;
        }
        if sip_start(p) {
            if seg.is_cut() {
                self.cut(number, seg);
                return;
            }
            self.udp_sip(p, number, time, seg.src, seg.dst, Transport::Udp);
            return;
        }
        if let Some(pkt) = rtp::read(p, seg.wire_len, seg.src, seg.dst, time, number) {
            if pkt.rtcp {
                self.info.rtcp_packets += 1;
            } else {
                self.info.rtp_packets += 1;
            }
            self.out.rtp.push(pkt);
            return;
        }
        if seg.is_cut() && (is_sip_port(seg.src.port()) || is_sip_port(seg.dst.port())) && find_sip_start(p).is_some() {
            self.cut(number, seg);
        }
    }

    fn cut(&mut self, number: u32, seg: net::Segment<'_>) {
        self.claimed = true;
        self.problem(
            ProblemKind::BadCapture,
            number,
            format!(
                "Packet {number} ({} → {}) was cut at {} of {} bytes by the capture's snap length, so its SIP message was left out. Capture again without a length limit (tcpdump -s 0, or untick \"Limit each packet\" in Wireshark).",
                seg.src,
                seg.dst,
                seg.payload.len(),
                seg.wire_len
            ),
        );
    }

    /// One or more SIP messages in a datagram (normally one; some stacks pack several).
    fn udp_sip(&mut self, p: &[u8], number: u32, time: Timestamp, src: SocketAddr, dst: SocketAddr, t: Transport) {
        let mut rest = p;
        loop {
            let view = ascii_view(rest);
            let n = crate::sip::frame_len(&view).unwrap_or(rest.len()).clamp(1, rest.len());
            self.emit(&rest[..n], number, time, src, dst, t);
            rest = &rest[n..];
            let ws = rest.iter().take_while(|b| matches!(b, b'\r' | b'\n' | b' ' | b'\t' | 0)).count();
            rest = &rest[ws..];
            if rest.is_empty() || !sip_start(rest) {
                return;
            }
        }
    }

    fn hep(&mut self, p: &[u8], number: u32, time: Timestamp, version: u8) {
        self.claimed = true;
        let parsed = if version == 3 { hep::parse3(p) } else { hep::parse12(p) };
        match parsed {
            Ok(h) => {
                if !(h.proto_type == hep::PROTO_SIP || h.proto_type == 0) || !sip_start(&h.payload) {
                    return; // RTCP reports, logs, … mirrored by the agent
                }
                let (Some(src), Some(dst)) = (h.src, h.dst) else { return };
                let t = h.micros.map_or(time, |micros| Timestamp { micros, has_date: true });
                let transport = match h.ip_proto {
                    6 if src.port() == 5061 || dst.port() == 5061 => Transport::Tls,
                    6 => Transport::Tcp,
                    132 => Transport::Sctp,
                    _ => Transport::Udp,
                };
                let before = self.out.items.len();
                self.udp_sip(&h.payload, number, t, src, dst, transport);
                self.info.hep_messages += (self.out.items.len() - before) as u32;
            }
            Err(hep::HepError::NotHep) | Err(hep::HepError::NoPayload) => {}
            Err(hep::HepError::Compressed) => self.problem(
                ProblemKind::BadCapture,
                number,
                format!("Packet {number}: a HEP (Homer) packet with a compressed payload, which sipdiag does not read. Turn payload compression off in the HEP agent, or export the calls from Homer as a pcap."),
            ),
            Err(hep::HepError::Malformed) => self.problem(
                ProblemKind::BadCapture,
                number,
                format!("Packet {number}: a HEP (Homer) packet whose lengths do not add up; it was skipped."),
            ),
        }
    }

    fn emit(&mut self, data: &[u8], number: u32, time: Timestamp, src: SocketAddr, dst: SocketAddr, t: Transport) {
        let text = match String::from_utf8(data.to_vec()) {
            Ok(s) => s,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        };
        self.info.sip_messages += 1;
        self.out.items.push(Item {
            text: Cow::Owned(text),
            format: Format::Pcap,
            first_line: number,
            line_map: Some(Box::new([number])),
            time: Some(time),
            time_text: None,
            src: Some(endpoint(src)),
            dst: Some(endpoint(dst)),
            transport: Some(t),
            direction: None,
        });
    }

    fn finish(&mut self, dec: &mut net::Decoder, err: Option<(container::ContainerError, u32)>) {
        self.tcp.finish(&mut self.events);
        self.drain_tcp();
        for lost in dec.lost_fragments() {
            // Only worth a word when the datagram was SIP.
            let head = lost.head.get(if lost.proto == 17 { 8 } else { 20 }..).unwrap_or(&[]);
            if lost.proto == 17 && sip_start(head) {
                let why = if lost.cut {
                    "was cut by the capture's snap length"
                } else {
                    "has fragments missing from the capture"
                };
                self.problem(
                    ProblemKind::BadCapture,
                    lost.first_packet,
                    format!("Packet {}: a fragmented SIP message {why}, so it was left out.", lost.first_packet),
                );
            }
        }
        self.info.non_ip_packets = dec.non_ip;
        for (link, first) in std::mem::take(&mut dec.unknown_links) {
            self.problem(
                ProblemKind::BadCapture,
                first,
                format!(
                    "Packets of link type {link} ({}) cannot be read, starting at packet {first}. Capture on an Ethernet or \"any\" interface instead.",
                    net::link_name(link)
                ),
            );
        }
        if let Some((e, packet)) = err {
            let text = if packet == 0 {
                format!("The file could not be read as a capture: {}.", e.description())
            } else {
                format!("Packet {packet}: {}. Everything before it was read.", e.description())
            };
            self.problem(ProblemKind::BadCapture, packet, text);
        }
        if self.out.items.is_empty() && self.info.encrypted.is_empty() {
            self.problem(
                ProblemKind::NoSip,
                0,
                "The capture holds no SIP message. Check the capture filter (SIP on port 5060 or the port your trunk uses) and capture on the interface that faces the trunk.".to_string(),
            );
        }
        if self.suppressed > 0 {
            let n = self.suppressed;
            self.suppressed = 0;
            self.out.problems.push(Problem { kind: ProblemKind::BadCapture, line: 0 });
            self.info.notes.push(Note {
                kind: ProblemKind::BadCapture,
                packet: 0,
                text: format!("{n} more capture problems like the ones listed were found and not listed."),
            });
        }
        // Same stable order for both lists, so they stay aligned.
        sort_short(&mut self.out.problems, |p| p.line as u64);
        sort_short(&mut self.info.notes, |n| n.packet as u64);
    }
}
