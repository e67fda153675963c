//! What every rule needs: the analysis, the user's options, the chosen provider profile, input
//! line lookup for evidence, and small readers over messages (times, credentials, hints in
//! reason phrases, which way a call goes, private addresses).

use super::{Evidence, Finding, Options, Severity};
use crate::analysis::Analysis;
use crate::calls::{Call, Transaction};
use crate::ingest::{Direction, Item, Timestamp};
use crate::sip::{HeaderName, Message, NameAddr, Uri};
use std::net::IpAddr;

pub(crate) struct Ctx<'x, 'a> {
    pub a: &'x Analysis<'a>,
    pub opts: &'x Options,
    pub profile: Option<&'static crate::kb::Profile>,
    line_starts: Vec<usize>,
    pub out: Vec<Finding>,
}

/// Which way a call goes, seen from the user's PBX.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Leg {
    /// The PBX placed it toward the trunk / provider.
    Outbound,
    /// The trunk / provider sent it to the PBX.
    Inbound,
    Unknown,
}

impl<'x, 'a> Ctx<'x, 'a> {
    pub fn new(a: &'x Analysis<'a>, opts: &'x Options) -> Self {
        let input = a.ingested.input;
        let mut line_starts = Vec::with_capacity(input.len() / 40 + 1);
        line_starts.push(0);
        line_starts.extend(memchr::memchr_iter(b'\n', input.as_bytes()).map(|i| i + 1));
        let profile = opts.profile.as_deref().and_then(crate::kb::profile);
        Ctx { a, opts, profile, line_starts, out: Vec::new() }
    }

    /// The smartalex behaviour is on only when that profile is chosen.
    pub fn smartalex(&self) -> bool {
        self.opts.profile.as_deref().is_some_and(|p| p.eq_ignore_ascii_case("smartalex"))
    }

    pub fn msg(&self, i: u32) -> &'x Message<'a> {
        &self.a.messages[i as usize].msg
    }

    pub fn item(&self, i: u32) -> &Item<'a> {
        self.a.item(&self.a.messages[i as usize])
    }

    pub fn time(&self, i: u32) -> Option<Timestamp> {
        self.item(i).time
    }

    /// Microseconds from message `i` to message `j`, when both have comparable times.
    pub fn gap(&self, i: u32, j: u32) -> Option<i64> {
        micros(self.time(i), self.time(j))
    }

    pub fn tx(&self, t: u32) -> &Transaction {
        &self.a.calls.transactions[t as usize]
    }

    pub fn call(&self, c: u32) -> &Call {
        &self.a.calls.calls[c as usize]
    }

    pub fn call_of(&self, i: u32) -> Option<u32> {
        self.a.calls.call_of.get(i as usize).copied().flatten()
    }

    /// The text of 1-based input line `line` (without its line end).
    pub fn line_text(&self, line: u32) -> &'a str {
        let input = self.a.ingested.input;
        let Some(&start) = self.line_starts.get((line as usize).wrapping_sub(1)) else { return "" };
        let end = self.line_starts.get(line as usize).map_or(input.len(), |e| e.saturating_sub(1));
        input.get(start..end.max(start)).unwrap_or("").trim_end_matches('\r')
    }

    pub fn excerpt(&self, line: u32) -> String {
        clip(self.line_text(line).trim(), 200)
    }

    /// Evidence at the start line of message `i`.
    pub fn ev(&self, i: u32, label: impl Into<String>) -> Evidence {
        self.ev_line(i, 0, label)
    }

    /// Evidence at 0-based line `msg_line` of message `i`.
    pub fn ev_line(&self, i: u32, msg_line: u32, label: impl Into<String>) -> Evidence {
        let line = self.a.input_line(i as usize, msg_line);
        // A capture has no input text: quote the message's own line.
        let excerpt = if self.a.ingested.input.is_empty() {
            let text = self.msg(i).text;
            clip(crate::text::lines(text).nth(msg_line as usize).map_or("", |l| l.text).trim(), 200)
        } else {
            self.excerpt(line)
        };
        Evidence { message: Some(i), line, label: label.into(), excerpt }
    }

    /// Evidence at the first header `name` of message `i`, labelled with the header.
    pub fn ev_header(&self, i: u32, name: HeaderName) -> Option<Evidence> {
        let h = self.msg(i).header(name)?;
        Some(self.ev_line(i, h.line, clip(&format!("{}: {}", h.name, one_line(h.value)), 80)))
    }

    /// Evidence at the 0-based line `sdp_line` of an SDP of message `i`.
    pub fn ev_sdp(&self, i: u32, sdp: &crate::sip::sdp::Sdp<'_>, sdp_line: u32, label: impl Into<String>) -> Evidence {
        self.ev_line(i, sdp.message_line(sdp_line), label)
    }

    /// Evidence at an input line that is not part of a message (a log line).
    pub fn ev_input(&self, line: u32, label: impl Into<String>) -> Evidence {
        Evidence { message: None, line, label: label.into(), excerpt: self.excerpt(line) }
    }

    /// "401 Unauthorized", "INVITE", "INVITE (copy 3)".
    pub fn label(&self, i: u32) -> String {
        let m = self.msg(i);
        match m.status() {
            Some(code) => {
                let reason = m.reason_phrase().map(str::trim).filter(|r| !r.is_empty());
                format!("{code} {}", reason.unwrap_or_else(|| crate::kb::reason_phrase(code)))
            }
            None => {
                let method = m.method().map_or("request", |m| m.as_str());
                match m.cseq().map(|c| c.method.as_str()) {
                    Some(c) if c != method => format!("{method} ({c})"),
                    _ => method.to_string(),
                }
            }
        }
    }

    pub fn finding(
        &mut self,
        cause: &'static str,
        severity: Severity,
        confidence: u8,
        call: Option<u32>,
        explanation: String,
        evidence: Vec<Evidence>,
    ) {
        self.out.push(Finding { cause, severity, confidence: confidence.min(100), explanation, evidence, call });
    }

    /// Whether request `i` carries credentials (Authorization or Proxy-Authorization).
    pub fn has_creds(&self, i: u32) -> bool {
        let m = self.msg(i);
        m.header(HeaderName::Authorization).is_some() || m.header(HeaderName::ProxyAuthorization).is_some()
    }

    /// Lowercase text a server gives besides the code: reason phrase, Warning text, Reason text,
    /// and the X-/vendor reason headers some trunks add.
    pub fn hints(&self, i: u32) -> String {
        let m = self.msg(i);
        let mut s = String::new();
        if let Some(r) = m.reason_phrase() {
            s.push_str(r);
            s.push(' ');
        }
        for h in &m.headers {
            let n = h.name;
            if h.known == HeaderName::Warning
                || h.known == HeaderName::Reason
                || n.eq_ignore_ascii_case("X-Reason")
                || n.eq_ignore_ascii_case("X-Error")
                || n.eq_ignore_ascii_case("X-Asterisk-HangupCause")
                || n.eq_ignore_ascii_case("X-FS-Hangup-Cause")
            {
                s.push_str(h.value);
                s.push(' ');
            }
        }
        s.to_ascii_lowercase()
    }

    /// Q.850 cause values in Reason headers of message `i`.
    pub fn q850(&self, i: u32) -> Option<u16> {
        self.msg(i).reasons().find(|r| r.is_q850()).and_then(|r| r.cause)
    }

    /// The Warning header of message `i` (code and text), one line.
    pub fn warning(&self, i: u32) -> Option<String> {
        let m = self.msg(i);
        match m.warnings().next() {
            Some(w) => Some(format!("{} \"{}\"", w.code, one_line(w.text))),
            None => m.value(HeaderName::Warning).map(one_line),
        }
    }

    /// Host of a URI string.
    pub fn uri_host(uri: &str) -> Option<&str> {
        Uri::parse(uri).map(|u| u.host.trim_start_matches('[').trim_end_matches(']')).filter(|h| !h.is_empty())
    }

    /// User part of a URI string.
    pub fn uri_user(uri: &str) -> Option<&str> {
        Uri::parse(uri).and_then(|u| u.user).filter(|u| !u.is_empty())
    }

    fn edge_host(&self) -> Option<&'static str> {
        self.profile.map(|p| p.edge_host).filter(|h| !h.is_empty())
    }

    /// Whether `host` is the chosen provider's edge (same name or a name under its domain).
    pub fn is_edge(&self, host: &str) -> bool {
        let Some(edge) = self.edge_host() else { return false };
        let host = host.trim_end_matches('.');
        if host.eq_ignore_ascii_case(edge) {
            return true;
        }
        // same registrable domain (last two labels) counts: sip.voice.x.com vs x.com
        let tail = |s: &str| {
            let parts: Vec<&str> = s.rsplitn(3, '.').collect();
            if parts.len() >= 2 {
                format!("{}.{}", parts[1], parts[0]).to_ascii_lowercase()
            } else {
                s.to_ascii_lowercase()
            }
        };
        host.contains('.') && ip(host).is_none() && tail(host) == tail(edge)
    }

    /// Which way the request `i` (an INVITE, usually) goes, seen from the user's PBX.
    pub fn leg(&self, i: u32) -> Leg {
        let m = self.msg(i);
        let item = self.item(i);
        let mut score = 0i32; // > 0 outbound, < 0 inbound
        if let Some(h) = m.request_uri().and_then(Self::uri_host) {
            if self.is_edge(h) {
                score += 4;
            }
        }
        if let Some(d) = &item.dst {
            if self.is_edge(&d.host) {
                score += 4;
            }
        }
        if let Some(s) = &item.src {
            if self.is_edge(&s.host) {
                score -= 4;
            }
        }
        // To at the provider: placed toward it. From at the provider alone is weak: a PBX
        // registered there sends From: user@provider on its own calls too.
        let to_edge = m.to().and_then(|t| Self::uri_host(t.uri)).is_some_and(|h| self.is_edge(h));
        if to_edge {
            score += 4;
        } else if m.from().and_then(|f| Self::uri_host(f.uri)).is_some_and(|h| self.is_edge(h)) {
            score -= 1;
        }
        match item.direction {
            Some(Direction::Sent) => score += 2,
            Some(Direction::Received) => score -= 2,
            None => {}
        }
        let src = item.src.as_ref().map(|e| addr_class(&e.host));
        let dst = item.dst.as_ref().map(|e| addr_class(&e.host));
        match (src, dst) {
            (Some(Class::Private), Some(Class::Public)) => score += 2,
            (Some(Class::Public), Some(Class::Private)) => score -= 2,
            _ => {}
        }
        if src.is_none() && dst.is_none() {
            // Raw SIP: the top Via is the sender; the Request-URI the target.
            let via = m.top_via().map(|v| addr_class(v.host));
            let ruri = m.request_uri().and_then(Self::uri_host).map(addr_class);
            match (via, ruri) {
                (Some(Class::Private), Some(Class::Public | Class::Name)) => score += 1,
                (Some(Class::Public), Some(Class::Private)) => score -= 1,
                _ => {}
            }
        }
        match score {
            s if s > 0 => Leg::Outbound,
            s if s < 0 => Leg::Inbound,
            _ => Leg::Unknown,
        }
    }

    /// Which way the transaction `t` goes: from its request when the trace has it, else from its
    /// first response (whose direction is the reverse of the request's).
    pub fn leg_of_tx(&self, t: u32) -> Leg {
        let tx = self.tx(t);
        if let Some(r) = tx.request {
            return self.leg(r);
        }
        let Some(&i) = tx.messages.first() else { return Leg::Unknown };
        let m = self.msg(i);
        let item = self.item(i);
        let mut score = 0i32;
        let to_edge = m.to().and_then(|t| Self::uri_host(t.uri)).is_some_and(|h| self.is_edge(h));
        if to_edge {
            score += 4;
        } else if m.from().and_then(|f| Self::uri_host(f.uri)).is_some_and(|h| self.is_edge(h)) {
            score -= 1;
        }
        if item.src.as_ref().is_some_and(|e| self.is_edge(&e.host)) {
            score += 4;
        }
        if item.dst.as_ref().is_some_and(|e| self.is_edge(&e.host)) {
            score -= 4;
        }
        match item.direction {
            Some(Direction::Received) => score += 2,
            Some(Direction::Sent) => score -= 2,
            None => {}
        }
        let src = item.src.as_ref().map(|e| addr_class(&e.host));
        let dst = item.dst.as_ref().map(|e| addr_class(&e.host));
        match (src, dst) {
            (Some(Class::Public), Some(Class::Private)) => score += 2,
            (Some(Class::Private), Some(Class::Public)) => score -= 2,
            _ => {}
        }
        match score {
            s if s > 0 => Leg::Outbound,
            s if s < 0 => Leg::Inbound,
            _ => Leg::Unknown,
        }
    }

    /// The user part of the target of transaction `t` (Request-URI, else To).
    pub fn target_user(&self, t: u32) -> Option<&'a str> {
        let tx = self.tx(t);
        if let Some(u) = tx.request.and_then(|r| self.msg(r).request_uri()).and_then(Self::uri_user) {
            return Some(u);
        }
        let &i = tx.messages.first()?;
        self.msg(i).to().and_then(|t| Self::uri_user(t.uri))
    }

    /// The sipfrag status of NOTIFY `i` and the 1-based input line it is on: from the parsed
    /// body, or — when the reader took the body's status line for a log line of its own — from
    /// the partial line found inside the NOTIFY's span.
    pub fn sipfrag(&self, i: u32) -> Option<(u16, u32)> {
        let m = self.msg(i);
        if let Some((code, _)) = m.sipfrag_status() {
            let k = m.body.lines().position(|l| !l.trim().is_empty()).unwrap_or(0) as u32;
            return Some((code, self.a.input_line(i as usize, m.body_line.saturating_add(k))));
        }
        let ct = m.content_type().unwrap_or("").as_bytes();
        // (`ct.to_ascii_lowercase().contains("sipfrag")` without the copy: this runs for every message)
        if !ct.windows(7).any(|w| w.eq_ignore_ascii_case(b"sipfrag")) {
            return None;
        }
        let (lo, hi) = self.span(i);
        self.a.ingested.partials.iter().find(|p| p.line > lo && p.line < hi).and_then(|p| p.status.map(|s| (s, p.line)))
    }

    /// Input lines from message `i`'s start line up to (not including) the next message's.
    pub fn span(&self, i: u32) -> (u32, u32) {
        let lo = self.a.input_line(i as usize, 0);
        let hi = self
            .a
            .messages
            .get(i as usize + 1)
            .map(|n| self.a.item(n).first_line)
            .filter(|&h| h > lo)
            .unwrap_or(lo.saturating_add(64));
        (lo, hi)
    }

    /// With a provider profile: a request that goes to the provider's edge (by destination, Route
    /// or To) but whose Request-URI names another host. Returns a sentence saying so.
    pub fn ruri_note(&self, req: u32) -> Option<String> {
        let edge = self.edge_host()?;
        let m = self.msg(req);
        let ruri_host = m.request_uri().and_then(Self::uri_host)?;
        if self.is_edge(ruri_host) {
            return None;
        }
        let to_edge = self.item(req).dst.as_ref().is_some_and(|d| self.is_edge(&d.host))
            || m.routes().any(|r| Self::uri_host(r.uri).is_some_and(|h| self.is_edge(h)))
            || m.to().and_then(|t| Self::uri_host(t.uri)).is_some_and(|h| self.is_edge(h));
        to_edge.then(|| format!(" The Request-URI host is {ruri_host}, not the trunk's host {edge}: set the trunk's SIP server / domain to {edge}."))
    }

    /// Every input line covered by a message (for scanning the log lines around them).
    pub fn covered_lines(&self) -> Vec<bool> {
        let n = self.line_starts.len() + 1;
        let mut covered = vec![false; n];
        for it in &self.a.ingested.items {
            let count = line_count(&it.text).max(1) as u32;
            match &it.line_map {
                Some(map) => {
                    for &l in map.iter() {
                        if let Some(c) = covered.get_mut(l as usize) {
                            *c = true;
                        }
                    }
                }
                None => {
                    for l in it.first_line..it.first_line.saturating_add(count) {
                        if let Some(c) = covered.get_mut(l as usize) {
                            *c = true;
                        }
                    }
                }
            }
        }
        covered
    }

    pub fn line_count(&self) -> u32 {
        self.line_starts.len() as u32
    }
}

/// `text.lines().count()`, counted with memchr.
fn line_count(text: &str) -> usize {
    let newlines = memchr::memchr_iter(b'\n', text.as_bytes()).count();
    newlines + usize::from(!text.is_empty() && !text.ends_with('\n'))
}

pub(crate) fn micros(a: Option<Timestamp>, b: Option<Timestamp>) -> Option<i64> {
    let (a, b) = (a?, b?);
    (a.has_date == b.has_date).then_some(b.micros.saturating_sub(a.micros))
}

/// "31.5 s", "0.5 s", "5 min 0 s".
pub(crate) fn secs(us: i64) -> String {
    let tenths = (us.abs() + 50_000) / 100_000;
    let sign = if us < 0 { "-" } else { "" };
    if tenths >= 1200 {
        let s = tenths / 10;
        format!("{sign}{} s ({} min {} s)", s, s / 60, s % 60)
    } else {
        format!("{sign}{}.{} s", tenths / 10, tenths % 10)
    }
}

pub(crate) fn one_line(s: &str) -> String {
    s.split_ascii_whitespace().collect::<Vec<_>>().join(" ")
}

pub(crate) fn clip(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while end > 0 && !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

pub(crate) fn ip(host: &str) -> Option<IpAddr> {
    host.trim_start_matches('[').trim_end_matches(']').parse().ok()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Class {
    Private,
    Public,
    /// loopback, unspecified, masked, or unreadable
    Other,
    /// a host name
    Name,
}

/// Private (RFC 1918, CGNAT 100.64/10, link-local, IPv6 ULA / link-local) or public.
pub(crate) fn addr_class(host: &str) -> Class {
    class_of(host, ip(host))
}

/// [`addr_class`] of `host` whose address `ip(host)` has been read already.
pub(crate) fn class_of(host: &str, ip: Option<IpAddr>) -> Class {
    match ip {
        Some(IpAddr::V4(v4)) => {
            let o = v4.octets();
            if v4.is_loopback() || v4.is_unspecified() || v4.is_broadcast() || v4.is_multicast() {
                Class::Other
            } else if o[0] == 10
                || (o[0] == 172 && (16..32).contains(&o[1]))
                || (o[0] == 192 && o[1] == 168)
                || (o[0] == 100 && (64..128).contains(&o[1]))
                || (o[0] == 169 && o[1] == 254)
            {
                Class::Private
            } else {
                Class::Public
            }
        }
        Some(IpAddr::V6(v6)) => {
            let s = v6.segments();
            if v6.is_loopback() || v6.is_unspecified() {
                Class::Other
            } else if (s[0] & 0xfe00) == 0xfc00 || (s[0] & 0xffc0) == 0xfe80 {
                Class::Private
            } else {
                Class::Public
            }
        }
        None => {
            let h = host.trim();
            if h.is_empty() || h.bytes().any(|b| b == b'X' || b == b'x') && h.contains('.') && looks_masked(h) {
                Class::Other
            } else if h.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-') {
                Class::Name
            } else {
                Class::Other
            }
        }
    }
}

fn looks_masked(h: &str) -> bool {
    // 118.xx.xx.xx, XX.XX.XX.XX
    h.split('.').any(|p| !p.is_empty() && p.bytes().all(|b| b == b'x' || b == b'X'))
}

/// The hosts a message advertises for itself: Contact hosts and SDP c= addresses.
pub(crate) struct Advertised<'a> {
    pub contacts: Vec<&'a str>,
    pub sdp_conn: Vec<&'a str>,
}

pub(crate) fn advertised<'a>(m: &Message<'a>) -> Advertised<'a> {
    let contacts = contact_hosts(m).collect();
    let mut sdp_conn: Vec<&str> = Vec::new();
    sdp_addresses(m, |a| sdp_conn.push(a));
    sdp_conn.dedup();
    Advertised { contacts, sdp_conn }
}

/// The Contact hosts of a message ([`Advertised::contacts`]).
pub(crate) fn contact_hosts<'x, 'a>(m: &'x Message<'a>) -> impl Iterator<Item = &'a str> + 'x {
    m.contacts()
        .filter_map(|c: NameAddr<'a>| Uri::parse(c.uri))
        .map(|u| u.host.trim_start_matches('[').trim_end_matches(']'))
        .filter(|h| !h.is_empty())
}

/// Hands `f` the SDP c= addresses of a message, media level first, then the session's
/// ([`Advertised::sdp_conn`] before its repeats are dropped).
pub(crate) fn sdp_addresses<'a>(m: &Message<'a>, mut f: impl FnMut(&'a str)) {
    let Some(s) = m.sdp_cow() else { return };
    s.media.iter().filter_map(|m| m.address).for_each(&mut f);
    s.session_address.into_iter().for_each(f);
}

/// A URI user that looks like an extension (2 to 6 digits) rather than a phone number.
pub(crate) fn is_extension(user: &str) -> bool {
    let u = user.trim_start_matches('*');
    (2..=6).contains(&u.len()) && u.bytes().all(|b| b.is_ascii_digit())
}

/// A URI user that looks like a phone number (7+ digits, optional +).
pub(crate) fn is_number(user: &str) -> bool {
    let u = user.trim_start_matches('+');
    let digits = u.bytes().filter(|b| b.is_ascii_digit()).count();
    digits >= 7 && u.bytes().all(|b| b.is_ascii_digit() || b == b'-' || b == b'.')
}

/// Contains any of the words (the text is already lowercase).
pub(crate) fn any(text: &str, words: &[&str]) -> bool {
    words.iter().any(|w| text.contains(w))
}

/// Groups of fixed words, for asking in one pass over a text which groups have a word in it
/// (bit `k` of the answer: group `k`, the same answer as [`any`] with that group). A table of
/// the words' first bytes and a bitmap of their first three bytes say where a word may start;
/// only there are the words compared.
pub(crate) struct WordSet {
    /// Whether some word starts with this byte.
    first: [bool; 256],
    /// Bit [`WordSet::tri`] set: some word starts with those three bytes.
    starts: Box<[u64; 1024]>,
    /// The words of three bytes or more, by their first two bytes, with their group bits.
    words: Vec<(u16, &'static [u8], u32)>,
    /// Shorter words (searched for one by one), with their group bits.
    short: Vec<(&'static str, u32)>,
    /// Every group's bit.
    all: u32,
}

impl WordSet {
    /// At most 32 groups.
    pub fn new(groups: &[&[&'static str]]) -> WordSet {
        let mut set =
            WordSet { first: [false; 256], starts: Box::new([0; 1024]), words: Vec::new(), short: Vec::new(), all: 0 };
        for (k, group) in groups.iter().enumerate().take(32) {
            let bit = 1u32 << k;
            set.all |= bit;
            for w in group.iter() {
                match w.as_bytes() {
                    [a, b, c, ..] => {
                        set.first[usize::from(*a)] = true;
                        let t = Self::tri(*a, *b, *c);
                        set.starts[t >> 6] |= 1 << (t & 63);
                        set.words.push((u16::from_be_bytes([*a, *b]), w.as_bytes(), bit));
                    }
                    _ => set.short.push((w, bit)),
                }
            }
        }
        set.words.sort_unstable();
        set
    }

    /// A 16-bit hash of three bytes.
    fn tri(a: u8, b: u8, c: u8) -> usize {
        (u32::from_le_bytes([a, b, c, 0]).wrapping_mul(0x9e37_79b1) >> 16) as usize
    }

    /// The groups that have a word in `text`, one bit each.
    pub fn found_in(&self, text: &str) -> u32 {
        let b = text.as_bytes();
        let mut found = 0;
        for (i, w3) in b.windows(3).enumerate() {
            if !self.first[usize::from(w3[0])] {
                continue;
            }
            let t = Self::tri(w3[0], w3[1], w3[2]);
            if self.starts[t >> 6] & (1 << (t & 63)) == 0 {
                continue;
            }
            let k = u16::from_be_bytes([w3[0], w3[1]]);
            let rest = &b[i..];
            let from = self.words.partition_point(|(wk, _, _)| *wk < k);
            for (_, w, bit) in self.words[from..].iter().take_while(|(wk, _, _)| *wk == k) {
                if found & bit == 0 && rest.starts_with(w) {
                    found |= bit;
                }
            }
            if found == self.all {
                return found;
            }
        }
        for (w, bit) in &self.short {
            if found & bit == 0 && text.contains(w) {
                found |= bit;
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::{any, line_count, WordSet};

    #[test]
    fn line_count_counts_like_lines() {
        for t in ["", "a", "a\n", "a\nb", "a\r\nb\r\n", "\n", "\n\n", "a\n\nb\n", "\r"] {
            assert_eq!(line_count(t), t.lines().count(), "{t:?}");
        }
    }

    #[test]
    fn word_set_answers_like_contains() {
        let groups: &[&[&str]] =
            &[&["failed: ", "timer b fired", "abc", "é.1"], &["cause: ", "ab", "x", "fail"], &["abcd", "b f"]];
        let set = WordSet::new(groups);
        for text in [
            "",
            "a",
            "x",
            "2026/03/02 11:20:05.004117 203.0.113.10:5060 -> 198.51.100.20:5060",
            "registration failed: 403",
            "registration failed:403",
            "timer b fire",
            "... timer b fired",
            "zab",
            "a b",
            "abc",
            "abcd",
            "caf é.1 ok",
            "cause:",
            "q.850;cause: 17",
            "é",
            "fai",
        ] {
            let want = groups.iter().enumerate().filter(|(_, g)| any(text, g)).fold(0, |m, (k, _)| m | 1 << k);
            assert_eq!(set.found_in(text), want, "{text:?}");
        }
        assert_eq!(WordSet::new(&[]).found_in("anything"), 0);
    }
}
