//! Trace ingestion: finds every SIP message in whatever a user pasted (raw SIP, PBX logs, capture
//! tool exports, chat pastes) and says where each came from. Owns format detection, prefix
//! stripping, framing and line bookkeeping; it does not interpret headers beyond framing.
//!
//! Invariant: [`ingest`] never fails and never panics. It returns the messages it found, one-line
//! partial evidence, the formats it recognised, and problems with their input line numbers.
//! Lines that are not part of a message are context: they are never reported as messages, and
//! the ones that look like SIP but cannot be read become problems.
//!
//! One file per format family: [`raw`] (start lines), [`asterisk`] (pjsip logger, chan_sip
//! debug), [`sofia`] (FreeSWITCH siptrace, drachtio), [`capture`] (ngrep/sipgrep, sngrep,
//! tcpdump -A), [`cisco`] (debug ccsip messages), [`audiocodes`] (syslog with `#012` escapes),
//! [`applog`] (pjsua, belle-sip, sipsorcery, JsSIP, SIP.js, sipML5, baresip, pyVoIP),
//! [`wireshark`] (packet dissections exported as text), [`chat`]
//! (fences, quoting, indentation, wraps, flattened lines), [`partial`] (one-line evidence). The
//! walk itself is in [`scan`]; [`banner`] dispatches the per-format banner readers.
//!
//! Timestamps ([`Timestamp`]): with a full date, microseconds since the Unix epoch (the clock as
//! written: logs carry no zone). With a time of day only (`13:37:21.379109`), microseconds since
//! midnight. With a month and day but no year (syslog `Nov 15 16:39:57`, AudioCodes
//! `[Time:19-12@…]`), the day of the year (February counted with 29 days) times one day plus the
//! time of day: such stamps order correctly within one trace, including across midnight, and
//! `has_date` stays false. `time_text` is always the stamp as written.
//!
//! Speed: one pass of `memchr` over the lines; messages that the input holds verbatim are
//! borrowed (`Cow::Borrowed`), the others (prefixes stripped, wraps rejoined, escapes undone)
//! are built once.

use std::borrow::Cow;

mod applog;
mod asterisk;
mod audiocodes;
mod banner;
mod capture;
mod chat;
mod cisco;
mod lines;
mod partial;
mod raw;
mod scan;
mod sofia;
mod time;
mod wireshark;

/// A source format sipdiag recognises. `id()` is part of the JSON contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    /// Plain SIP messages (CRLF or LF), back to back.
    RawSip,
    /// Asterisk `pjsip set logger` (with or without /var/log/asterisk/full prefixes).
    AsteriskPjsip,
    /// Asterisk chan_sip `sip set debug`.
    AsteriskChanSip,
    /// FreeSWITCH sofia siptrace / drachtio (sofia-sip) logs.
    Sofia,
    /// ngrep / sipgrep `-W byline`.
    Ngrep,
    /// sngrep text export.
    Sngrep,
    /// Cisco IOS/CUBE `debug ccsip messages`.
    CiscoCcsip,
    /// AudioCodes syslog with `#012`/`#015` escapes.
    AudioCodes,
    /// pjsua / pjsip library logs (`--end msg--`).
    Pjsua,
    /// tcpdump -A output.
    Tcpdump,
    /// Logs of other SIP stacks (belle-sip, sipsorcery, JsSIP, SIP.js, baresip, …) carrying whole messages.
    AppLog,
    /// A pcap or pcapng capture.
    Pcap,
    /// One-line log entries that mention a SIP response or failure (partial evidence only).
    LogLine,
    /// Wireshark / tshark packet dissections exported as text (the message rebuilt from the tree).
    Wireshark,
}

impl Format {
    /// Every format, in declaration order (for labels by id, listings).
    pub const ALL: [Format; 14] = [
        Format::RawSip,
        Format::AsteriskPjsip,
        Format::AsteriskChanSip,
        Format::Sofia,
        Format::Ngrep,
        Format::Sngrep,
        Format::CiscoCcsip,
        Format::AudioCodes,
        Format::Pjsua,
        Format::Tcpdump,
        Format::AppLog,
        Format::Pcap,
        Format::LogLine,
        Format::Wireshark,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Format::RawSip => "raw",
            Format::AsteriskPjsip => "asterisk-pjsip",
            Format::AsteriskChanSip => "asterisk-chansip",
            Format::Sofia => "freeswitch-sofia",
            Format::Ngrep => "ngrep",
            Format::Sngrep => "sngrep",
            Format::CiscoCcsip => "cisco-ccsip",
            Format::AudioCodes => "audiocodes-syslog",
            Format::Pjsua => "pjsua",
            Format::Tcpdump => "tcpdump",
            Format::AppLog => "app-log",
            Format::Pcap => "pcap",
            Format::LogLine => "log-line",
            Format::Wireshark => "wireshark-text",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Format::RawSip => "raw SIP",
            Format::AsteriskPjsip => "Asterisk pjsip logger",
            Format::AsteriskChanSip => "Asterisk chan_sip debug",
            Format::Sofia => "FreeSWITCH / sofia-sip trace",
            Format::Ngrep => "ngrep / sipgrep",
            Format::Sngrep => "sngrep export",
            Format::CiscoCcsip => "Cisco debug ccsip messages",
            Format::AudioCodes => "AudioCodes syslog",
            Format::Pjsua => "pjsua log",
            Format::Tcpdump => "tcpdump -A",
            Format::AppLog => "SIP stack log",
            Format::Pcap => "packet capture",
            Format::LogLine => "log lines",
            Format::Wireshark => "Wireshark text export",
        }
    }
}

/// Transport a message travelled on, when the trace says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Transport {
    Udp,
    Tcp,
    Tls,
    Ws,
    Wss,
    Sctp,
}

impl Transport {
    pub fn parse(s: &str) -> Option<Transport> {
        // (no lowercase copy: this runs on every endpoint of a long log)
        let mut low = [0u8; 4];
        let b = s.as_bytes();
        if b.len() > low.len() {
            return None;
        }
        for (l, c) in low.iter_mut().zip(b) {
            *l = c.to_ascii_lowercase();
        }
        Some(match &low[..b.len()] {
            b"udp" => Transport::Udp,
            b"tcp" => Transport::Tcp,
            b"tls" => Transport::Tls,
            b"ws" => Transport::Ws,
            b"wss" => Transport::Wss,
            b"sctp" => Transport::Sctp,
            _ => return None,
        })
    }

    /// A transport written before `sep` at the start of `s` (`UDP:`, `udp/`, `UDP://`) and what
    /// follows the separator: `s.split_once(sep)` when the part before it is a transport.
    pub(crate) fn prefix<'s>(s: &'s str, sep: &str) -> Option<(Transport, &'s str)> {
        // a transport name is at most 4 bytes: the first separator must be at one of the
        // first 5 positions to follow one
        let (b, sep) = (s.as_bytes(), sep.as_bytes());
        let at = |p: usize| sep.iter().enumerate().all(|(k, c)| b.get(p + k) == Some(c));
        let p = (0..=4).find(|&p| at(p))?;
        Some((Transport::parse(&s[..p])?, &s[p + sep.len()..]))
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Transport::Udp => "UDP",
            Transport::Tcp => "TCP",
            Transport::Tls => "TLS",
            Transport::Ws => "WS",
            Transport::Wss => "WSS",
            Transport::Sctp => "SCTP",
        }
    }
}

/// A network endpoint as the trace wrote it. `host` may be masked (`XX.XX.XX.XX`) or a name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Endpoint<'a> {
    pub host: Cow<'a, str>,
    pub port: Option<u16>,
}

impl std::fmt::Display for Endpoint<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let bracket = self.host.contains(':') && !self.host.starts_with('[');
        match (bracket, self.port) {
            (true, Some(p)) => write!(f, "[{}]:{}", self.host, p),
            (false, Some(p)) => write!(f, "{}:{}", self.host, p),
            (_, None) => write!(f, "{}", self.host),
        }
    }
}

impl<'a> Endpoint<'a> {
    /// Reads `ip:port`, `[v6]:port`, `udp/ip:port`, `UDP:ip:port` forms.
    pub fn parse(s: &'a str) -> Option<Endpoint<'a>> {
        let s = s.trim().trim_end_matches([',', ':', ')', ']']).trim_start_matches('(');
        let s = Transport::prefix(s, "/").map_or(s, |(_, r)| r);
        let s = Transport::prefix(s, ":").map_or(s, |(_, r)| r);
        let (host, port) = crate::sip::uri::split_host_port(s);
        let host = host.trim_start_matches('[').trim_end_matches(']');
        if host.is_empty() {
            return None;
        }
        Some(Endpoint { host: Cow::Borrowed(host), port })
    }
}

/// A point in time. With a date, microseconds since the Unix epoch (UTC as written: logs carry
/// no zone); without one, microseconds since midnight. Compare only within one trace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    pub micros: i64,
    pub has_date: bool,
}

/// Whether the logging host sent or received the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Sent,
    Received,
}

/// One message occurrence found in the input.
#[derive(Debug, Clone, PartialEq)]
pub struct Item<'a> {
    /// The message as it was on the wire, prefixes and escapes removed. Borrowed when the input
    /// holds it verbatim.
    pub text: Cow<'a, str>,
    pub format: Format,
    /// 1-based input line of the message's start line.
    pub first_line: u32,
    /// When the message's lines are not consecutive input lines (rejoined wraps, interleaved
    /// log lines): input line of each message line.
    pub line_map: Option<Box<[u32]>>,
    pub time: Option<Timestamp>,
    /// The timestamp as written in the input.
    pub time_text: Option<&'a str>,
    pub src: Option<Endpoint<'a>>,
    pub dst: Option<Endpoint<'a>>,
    pub transport: Option<Transport>,
    pub direction: Option<Direction>,
}

impl Item<'_> {
    /// The 1-based input line of 0-based message line `msg_line`.
    pub fn input_line(&self, msg_line: u32) -> u32 {
        match &self.line_map {
            Some(map) => map.get(msg_line as usize).copied().or_else(|| map.last().copied()).unwrap_or(self.first_line),
            None => self.first_line.saturating_add(msg_line),
        }
    }
}

/// A log line that names a SIP outcome without carrying the message (e.g.
/// `Registration for 'x' failed: 403 Forbidden`). Evidence, marked partial.
#[derive(Debug, Clone, PartialEq)]
pub struct Partial<'a> {
    pub line: u32,
    pub text: &'a str,
    pub status: Option<u16>,
    pub method: Option<&'a str>,
    pub time: Option<Timestamp>,
}

/// What went wrong while reading the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProblemKind {
    /// A line looks like a SIP start line but the message around it could not be read.
    UnreadableMessage,
    /// A message that ends before its headers do (cut off by the log or the paste).
    Truncated,
    /// Lines hard-wrapped by a chat or mail tool that could not be rejoined for sure.
    AmbiguousWrap,
    /// Binary or non-text input.
    Binary,
    /// Input holds no SIP at all.
    NoSip,
    /// Addresses masked by the user (XX.XX.XX.XX): kept as written.
    MaskedAddress,
    /// A capture file that could not be read (bad header, truncated packet, …).
    BadCapture,
    /// Encrypted SIP (TLS) in a capture: it cannot be read.
    EncryptedSip,
}

impl ProblemKind {
    pub fn id(self) -> &'static str {
        match self {
            ProblemKind::UnreadableMessage => "unreadable_message",
            ProblemKind::Truncated => "truncated",
            ProblemKind::AmbiguousWrap => "ambiguous_wrap",
            ProblemKind::Binary => "binary",
            ProblemKind::NoSip => "no_sip",
            ProblemKind::MaskedAddress => "masked_address",
            ProblemKind::BadCapture => "bad_capture",
            ProblemKind::EncryptedSip => "encrypted_sip",
        }
    }
    pub fn description(self) -> &'static str {
        match self {
            ProblemKind::UnreadableMessage => "looks like SIP but could not be read",
            ProblemKind::Truncated => "message is cut off",
            ProblemKind::AmbiguousWrap => "lines look hard-wrapped and could not be rejoined for sure",
            ProblemKind::Binary => "binary data, not text",
            ProblemKind::NoSip => "no SIP message or SIP log line found",
            ProblemKind::MaskedAddress => "addresses are masked; kept as written",
            ProblemKind::BadCapture => "capture file could not be read completely",
            ProblemKind::EncryptedSip => "encrypted SIP (TLS) cannot be read from a capture",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Problem {
    pub kind: ProblemKind,
    /// 1-based input line (0 when the problem concerns the whole input).
    pub line: u32,
}

/// Everything found in one input.
#[derive(Debug, Clone, Default)]
pub struct Ingested<'a> {
    pub input: &'a str,
    /// Formats recognised, in order of first appearance.
    pub formats: Vec<Format>,
    pub items: Vec<Item<'a>>,
    pub partials: Vec<Partial<'a>>,
    pub problems: Vec<Problem>,
    /// RTP packets, when the input was a capture.
    pub rtp: Vec<crate::media::RtpPacket>,
    /// What else a capture held (packet counts, notes on its problems); `None` for text input.
    pub capture: Option<crate::pcap::CaptureInfo>,
}

impl<'a> Ingested<'a> {
    pub fn note_format(&mut self, f: Format) {
        if !self.formats.contains(&f) {
            self.formats.push(f);
        }
    }
}

/// Finds every SIP message in `input`. Never fails.
pub fn ingest(input: &str) -> Ingested<'_> {
    let mut out = Ingested { input, ..Default::default() };
    if looks_binary(input) {
        out.problems.push(Problem { kind: ProblemKind::Binary, line: 0 });
    }
    scan::scan(input, &mut out);
    if let Some(line) = masked_line(&out) {
        out.problems.push(Problem { kind: ProblemKind::MaskedAddress, line });
    }
    if out.items.is_empty() && out.partials.is_empty() {
        out.problems.push(Problem { kind: ProblemKind::NoSip, line: 0 });
    }
    out.problems.sort_by_key(|p| p.line);
    out.problems.dedup();
    // the items grew by doubling: give back what a large trace left unused
    out.items.shrink_to_fit();
    out
}

/// More than one byte in ten of the first 64 KiB is a control character: a capture file or other
/// binary read as text.
fn looks_binary(input: &str) -> bool {
    let head = &input.as_bytes()[..input.len().min(65_536)];
    if head.is_empty() {
        return false;
    }
    let ctl = head.iter().filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')).count();
    ctl * 10 > head.len()
}

/// The first input line where a message or banner address is masked (`XX.XX.XX.XX`,
/// `118.xx.xx.xx`).
fn masked_line(out: &Ingested<'_>) -> Option<u32> {
    for item in &out.items {
        let eps = item.src.iter().chain(item.dst.iter());
        if eps.into_iter().any(|e| masked_at(&e.host).is_some()) {
            return Some(item.first_line);
        }
        if let Some(off) = masked_at(&item.text) {
            let msg_line = memchr::memchr_iter(b'\n', &item.text.as_bytes()[..off]).count() as u32;
            return Some(item.input_line(msg_line));
        }
    }
    None
}

/// Byte offset of a masked IPv4 address: two dot-separated groups, one of them made of `x`/`X`
/// only (`XX.XX`, `10.68.xx.xx`, `xx.xx.xx.186`, `XXX.XXX.XXX.XXX`).
pub(crate) fn masked_at(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    // every mask has two x in a row
    if lines::find(b, b"xx").is_none() && lines::find(b, b"XX").is_none() {
        return None;
    }
    let is_x = |c: u8| c == b'x' || c == b'X';
    for dot in memchr::memchr_iter(b'.', b) {
        // the group before the dot
        let mut a = dot;
        while a > 0 && (b[a - 1].is_ascii_digit() || is_x(b[a - 1])) {
            a -= 1;
        }
        let mut e = dot + 1;
        while e < b.len() && (b[e].is_ascii_digit() || is_x(b[e])) {
            e += 1;
        }
        let left = &b[a..dot];
        let right = &b[dot + 1..e];
        let group_ok = |g: &[u8]| !g.is_empty() && g.len() <= 4;
        let boundary = a == 0 || !(b[a - 1].is_ascii_alphanumeric() || b[a - 1] == b'-' || b[a - 1] == b'_');
        if boundary
            && group_ok(left)
            && group_ok(right)
            && (left.iter().all(|&c| is_x(c)) && left.len() >= 2 || right.iter().all(|&c| is_x(c)) && right.len() >= 2)
        {
            return Some(a);
        }
    }
    None
}
