//! Redaction: rewrites a trace so it can be shared without addresses, numbers, names or
//! credentials, while the diagnosis stays the same. Owns what counts as sensitive, the consistent
//! replacement mapping and the Content-Length bookkeeping; the result is exactly the text that a
//! link or export will carry (the share dialog's preview).
//!
//! What is replaced, and how the diagnosis is kept:
//! - IPv4/IPv6 addresses, mapped one-to-one. Private ranges stay private in the same range
//!   (10/8, 172.16/12, 192.168/16, 100.64/10 shared, 169.254/16 link-local), prefix-preserving
//!   (two addresses in one subnet stay in one subnet) and with the same length; public addresses
//!   become documentation addresses (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, then
//!   198.18.0.0/15), of the same length when one is free; IPv6 goes to 2001:db8::/32, ULA and
//!   link-local stay in their range. Loopback, multicast, unspecified and documentation
//!   addresses are kept. Dotted versions inside `User-Agent:`/`Server:` are not addresses.
//! - Phone numbers and URI user parts (`sip:USER@`, `tel:`), display names and digest
//!   usernames: digits stay digits, letters stay letters of the same case, length and separators
//!   are kept, and so are a leading `+` with its country code, `00`+country code, national
//!   leading zeros, the NANP `1` and every `0` digit. Numbers sharing a tail keep sharing it, so
//!   `+15551234567` and `5551234567` still match. Numbers of 6+ digits seen in those places are replaced
//!   wherever else they appear, and `+` followed by 7–15 digits is replaced anywhere.
//!   `anonymous`, `unknown`, `restricted` and similar words are kept.
//! - Host names the user lists (and their subdomains) become `hostN.example`.
//! - Digest `nonce`, `cnonce`, `opaque`, `nextnonce`, `response`, `rspauth`, SDES `inline:` keys
//!   and `ice-pwd`: same shape, consistent (a nonce still matches between challenge and answer).
//! - Passwords and tokens (`password=`, `secret=`, `token=`, `api_key=`, URI passwords,
//!   `Bearer …`, `Basic …`, JWTs): replaced by `REDACTED`.
//!
//! The mapping is keyed by a hash of the whole input: the same input always redacts the same way,
//! and the redacted text alone does not reveal the key. Lines are never added or removed, so line
//! numbers in findings still point at the same lines. When a message body changes length (an
//! address in SDP got longer), its `Content-Length` is changed by the same amount, so a length
//! that was right stays right and one that was wrong stays wrong by as much.

use std::collections::{HashMap, HashSet};
use std::net::{Ipv4Addr, Ipv6Addr};

/// What to redact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedactOptions {
    /// IPv4 and IPv6 addresses.
    pub ips: bool,
    /// Phone numbers, URI user parts, display names and digest usernames.
    pub numbers: bool,
    /// Digest values, SRTP keys, passwords and tokens.
    pub credentials: bool,
    /// Host names to replace (with their subdomains), as the user typed them.
    pub hosts: Vec<String>,
    /// Exact strings never to replace (e.g. the provider's published address).
    pub keep: Vec<String>,
}

impl Default for RedactOptions {
    fn default() -> Self {
        RedactOptions { ips: true, numbers: true, credentials: true, hosts: Vec::new(), keep: Vec::new() }
    }
}

/// What kind of thing a replacement hid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Ipv4,
    Ipv6,
    /// A phone number (or an all-digit user part).
    Number,
    /// A URI user part or digest username with letters.
    User,
    /// A display name.
    Name,
    Host,
    /// Digest values, SRTP keys: replaced by a value of the same shape.
    Credential,
    /// Passwords and tokens: replaced by `REDACTED`.
    Secret,
}

impl Kind {
    pub fn id(self) -> &'static str {
        match self {
            Kind::Ipv4 => "ipv4",
            Kind::Ipv6 => "ipv6",
            Kind::Number => "number",
            Kind::User => "user",
            Kind::Name => "name",
            Kind::Host => "host",
            Kind::Credential => "credential",
            Kind::Secret => "secret",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Kind::Ipv4 => "IPv4 address",
            Kind::Ipv6 => "IPv6 address",
            Kind::Number => "phone number",
            Kind::User => "user name",
            Kind::Name => "display name",
            Kind::Host => "host name",
            Kind::Credential => "credential",
            Kind::Secret => "password or token",
        }
    }
}

/// One distinct replacement: the mapping table the preview shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replacement {
    pub original: String,
    pub replacement: String,
    pub kind: Kind,
    /// How many times it was replaced.
    pub count: u32,
}

/// Where a replacement landed in [`Redacted::text`] (byte offsets), for highlighting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark {
    pub start: u32,
    pub end: u32,
    pub kind: Kind,
}

/// The redacted text (exactly what will be shared) and what was replaced.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Redacted {
    pub text: String,
    /// Distinct replacements in order of first appearance.
    pub replacements: Vec<Replacement>,
    pub marks: Vec<Mark>,
    /// Content-Length values changed to match a body that changed length.
    pub lengths_adjusted: u32,
}

/// Redacts `input`. Never fails, never panics; lines stay where they were.
pub fn redact(input: &str, opts: &RedactOptions) -> Redacted {
    let mut e = Engine::new(input, opts);
    // Pass 1: learn every mapping (so addresses are numbered in order of appearance and numbers
    // found in URIs are known before free text is scanned).
    for l in crate::text::lines(input) {
        let _ = e.line_edits(l.text);
    }
    let lengths = if opts.ips || opts.numbers || opts.credentials { e.length_fixes(input) } else { HashMap::new() };
    // Pass 2: write.
    e.counting = true;
    let mut out = Redacted { text: String::with_capacity(input.len() + input.len() / 16), ..Default::default() };
    for l in crate::text::lines(input) {
        let mut edits = Vec::new();
        if let Some(fixes) = lengths.get(&l.no) {
            for (range, value) in content_length_positions(l.text, fixes) {
                edits.push(Edit { start: range.0, end: range.1, text: value, kind: None });
                out.lengths_adjusted += 1;
            }
        }
        e.collect_edits(l.text, &mut edits);
        edits.sort_by_key(|x| x.start);
        let mut pos = 0;
        for ed in edits {
            out.text.push_str(&l.text[pos..ed.start]);
            let start = out.text.len() as u32;
            out.text.push_str(&ed.text);
            if let Some(kind) = ed.kind {
                out.marks.push(Mark { start, end: out.text.len() as u32, kind });
                e.count(&l.text[ed.start..ed.end], &ed.text, kind);
            }
            pos = ed.end;
        }
        out.text.push_str(&l.text[pos..]);
        // the line end as it was
        let end = l.offset + l.text.len();
        let term_end = input[end..].find('\n').map_or(input.len(), |i| end + i + 1);
        out.text.push_str(&input[end..term_end]);
    }
    out.replacements = e.report;
    out
}

/// Host names found in the trace (URI hosts, Via hosts), lowercase, in order of appearance:
/// what the page offers as "hide these hosts". IP addresses, reserved example names and the
/// providers' own edge hosts (public infrastructure the diagnosis and ladder recognise, with
/// their subdomains and parent domains) are left out.
pub fn host_candidates(input: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let b = input.as_bytes();
    let mut push = |h: &str| {
        let h = h.trim_end_matches(['.', '-']).to_ascii_lowercase();
        let ok = h.contains('.')
            && h.bytes().any(|c| c.is_ascii_alphabetic())
            && !h.ends_with(".invalid")
            && !h.ends_with(".example")
            && !h.ends_with(".localhost")
            && !["example.com", "example.net", "example.org"].iter().any(|x| h == *x || h.ends_with(&format!(".{x}")))
            && h.parse::<Ipv4Addr>().is_err()
            && !crate::kb::PROFILES.iter().filter(|p| !p.edge_host.is_empty()).any(|p| {
                let e = p.edge_host.to_ascii_lowercase();
                e == h || e.ends_with(&format!(".{h}")) || h.ends_with(&format!(".{e}"))
            });
        if ok && !out.contains(&h) {
            out.push(h);
        }
    };
    let host_at = |i: usize| -> &str {
        let end = b[i..]
            .iter()
            .position(|c| !(c.is_ascii_alphanumeric() || *c == b'.' || *c == b'-'))
            .map_or(b.len(), |n| i + n);
        &input[i..end]
    };
    for i in find_all_ci(input, "sip:").into_iter().chain(find_all_ci(input, "sips:")) {
        if i > 0 && is_word(b[i - 1]) {
            continue;
        }
        let start = i + if b[i + 3] == b':' { 4 } else { 5 };
        let start = match user_end(b, start) {
            Some(at) => at + 1,
            None => start,
        };
        push(host_at(start));
    }
    for i in find_all_ci(input, "SIP/2.0/") {
        let mut j = i + 8;
        while j < b.len() && b[j].is_ascii_alphabetic() {
            j += 1;
        }
        while j < b.len() && b[j] == b' ' {
            j += 1;
        }
        if j < b.len() {
            push(host_at(j));
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The engine
// ---------------------------------------------------------------------------------------------

/// A replacement inside one line. `kind: None` marks a Content-Length fix (not a redaction).
#[derive(Debug, Clone)]
struct Edit {
    start: usize,
    end: usize,
    text: String,
    kind: Option<Kind>,
}

/// Words that identify nobody and that rules may look for.
const KEEP_WORDS: &[&str] = &[
    "anonymous",
    "unknown",
    "restricted",
    "private",
    "unavailable",
    "withheld",
    "asterisk",
    "invalid",
    "s",
    "anonymous.invalid",
];

/// Keys whose value is a password or token (exact names).
const SECRET_KEYS: &[&str] = &["pass", "pwd", "md5secret", "authtoken", "apikey", "api_key", "api-key"];
/// Key endings that mark a password or token.
const SECRET_SUFFIXES: &[&str] = &["password", "passwd", "secret", "token", "apikey", "api_key", "api-key"];
/// Digest and media keys whose value is replaced by one of the same shape.
const CREDENTIAL_KEYS: &[&str] =
    &["nonce", "cnonce", "opaque", "nextnonce", "response", "rspauth", "ice-pwd", "inline"];

/// Headers whose value starts with an optional display name.
const NAME_HEADERS: &[&str] = &[
    "from",
    "f",
    "to",
    "t",
    "contact",
    "m",
    "p-asserted-identity",
    "p-preferred-identity",
    "remote-party-id",
    "diversion",
    "referred-by",
    "b",
    "refer-to",
    "r",
    "p-called-party-id",
    "history-info",
    "reply-to",
];

struct Engine<'o> {
    opts: &'o RedactOptions,
    key: [u64; 2],
    keep: HashSet<&'o str>,
    v4: HashMap<u32, u32>,
    v4_taken: HashSet<u32>,
    v4_cursor: [usize; 16],
    v6: HashMap<u128, u128>,
    /// Digit strings of 6+ digits found in URIs/names → their replacement.
    numbers: HashMap<String, String>,
    hosts: Vec<(String, String)>,
    report: Vec<Replacement>,
    report_index: HashMap<(Kind, String), usize>,
    counting: bool,
}

impl<'o> Engine<'o> {
    fn new(input: &str, opts: &'o RedactOptions) -> Engine<'o> {
        let k0 = siphash24([0x7369_7064_6961_6731, 0x7265_6461_6374_2031], input.as_bytes());
        let k1 = siphash24([k0, 0x6b65_7932_0000_0001], input.as_bytes());
        let mut hosts: Vec<(String, String)> = Vec::new();
        for h in &opts.hosts {
            let h = h.trim().trim_end_matches('.').to_ascii_lowercase();
            if !h.is_empty() && !hosts.iter().any(|(x, _)| *x == h) {
                let n = hosts.len() + 1;
                hosts.push((h, format!("host{n}.example")));
            }
        }
        // longest first, so a listed subdomain wins over its parent
        hosts.sort_by_key(|h| std::cmp::Reverse(h.0.len()));
        let mut e = Engine {
            opts,
            key: [k0, k1],
            keep: opts.keep.iter().map(String::as_str).collect(),
            v4: HashMap::new(),
            v4_taken: HashSet::new(),
            v4_cursor: [0; 16],
            v6: HashMap::new(),
            numbers: HashMap::new(),
            hosts,
            report: Vec::new(),
            report_index: HashMap::new(),
            counting: false,
        };
        // Addresses already in the replacement ranges must never be handed out again.
        for l in crate::text::lines(input) {
            for (s, en) in ipv4_spans(l.text) {
                if let Some(a) = parse_v4(&l.text[s..en]) {
                    if v4_class(a) == V4Class::Kept {
                        e.v4_taken.insert(a);
                    }
                }
            }
        }
        for k in &opts.keep {
            if let Ok(a) = k.parse::<Ipv4Addr>() {
                e.v4_taken.insert(u32::from(a));
            }
        }
        e
    }

    fn hash(&self, domain: &[u8], data: &[u8]) -> u64 {
        let mut buf = [0u8; 64];
        let n = domain.len() + 1 + data.len();
        if n <= buf.len() {
            buf[..domain.len()].copy_from_slice(domain);
            buf[domain.len()] = 0xff;
            buf[domain.len() + 1..n].copy_from_slice(data);
            return siphash24(self.key, &buf[..n]);
        }
        let mut v = Vec::with_capacity(n);
        v.extend_from_slice(domain);
        v.push(0xff);
        v.extend_from_slice(data);
        siphash24(self.key, &v)
    }

    fn count(&mut self, original: &str, replacement: &str, kind: Kind) {
        if !self.counting {
            return;
        }
        let key = (kind, original.to_string());
        match self.report_index.get(&key) {
            Some(&i) => self.report[i].count += 1,
            None => {
                self.report_index.insert(key, self.report.len());
                self.report.push(Replacement {
                    original: original.to_string(),
                    replacement: replacement.to_string(),
                    kind,
                    count: 1,
                });
            }
        }
    }

    fn line_edits(&mut self, line: &str) -> Vec<Edit> {
        let mut v = Vec::new();
        self.collect_edits(line, &mut v);
        v
    }

    /// Adds this line's edits to `out`, skipping any that overlap one already there. Detectors
    /// run from the most to the least important.
    fn collect_edits(&mut self, line: &str, out: &mut Vec<Edit>) {
        if self.opts.credentials {
            self.secrets(line, out);
            self.credentials(line, out);
        }
        if self.opts.ips {
            self.ipv6(line, out);
            self.ipv4(line, out);
        }
        if !self.hosts.is_empty() {
            self.host_names(line, out);
        }
        if self.opts.numbers {
            self.uris(line, out);
            self.free_numbers(line, out);
        } else if self.opts.credentials {
            self.uri_passwords(line, out);
        }
    }

    /// Rewrites `text` line by line with the mappings learnt so far (for body lengths).
    fn apply(&mut self, text: &str) -> usize {
        let mut len = text.len() as i64;
        for l in crate::text::lines(text) {
            for ed in self.line_edits(l.text) {
                len += ed.text.len() as i64 - (ed.end - ed.start) as i64;
            }
        }
        len.max(0) as usize
    }

    /// Content-Length fixes: input line → (value as written, new value) for each message whose
    /// body changes length.
    fn length_fixes(&mut self, input: &str) -> HashMap<u32, Vec<(u64, u64)>> {
        let mut out: HashMap<u32, Vec<(u64, u64)>> = HashMap::new();
        let ing = crate::ingest::ingest(input);
        for item in &ing.items {
            let Ok(msg) = crate::sip::parse(&item.text) else { continue };
            if msg.body.is_empty() {
                continue;
            }
            let Some(h) = msg.header(crate::sip::HeaderName::ContentLength) else { continue };
            let Ok(old) = crate::text::trim_lws(h.value).parse::<u64>() else { continue };
            let new_len = self.apply(msg.body) as i64;
            let delta = new_len - msg.body.len() as i64;
            if delta == 0 {
                continue;
            }
            let new = (old as i64 + delta).max(0) as u64;
            out.entry(item.input_line(h.line)).or_default().push((old, new));
        }
        out
    }

    // --- secrets and credentials ---------------------------------------------------------------

    fn secrets(&mut self, line: &str, out: &mut Vec<Edit>) {
        let b = line.as_bytes();
        for (i, &c) in b.iter().enumerate() {
            if c != b'=' && c != b':' {
                continue;
            }
            let Some(key) = key_before(line, i) else { continue };
            let k = key.to_ascii_lowercase();
            let secret = SECRET_KEYS.contains(&k.as_str()) || SECRET_SUFFIXES.iter().any(|s| k.ends_with(s));
            if !secret {
                continue;
            }
            if let Some((s, e)) = value_after(b, i + 1) {
                push(out, Edit { start: s, end: e, text: "REDACTED".into(), kind: Some(Kind::Secret) });
            }
        }
        for (word, need_header) in [("bearer ", false), ("basic ", true)] {
            for i in find_all_ci(line, word) {
                if i > 0 && is_word(b[i - 1]) {
                    continue;
                }
                if need_header && !line[..i].trim_end().ends_with(':') {
                    continue;
                }
                let s = i + word.len();
                let e = b[s..]
                    .iter()
                    .position(|c| !(c.is_ascii_alphanumeric() || b"-._~+/=".contains(c)))
                    .map_or(b.len(), |n| s + n);
                if e - s >= 8 {
                    push(out, Edit { start: s, end: e, text: "REDACTED".into(), kind: Some(Kind::Secret) });
                }
            }
        }
        for i in find_all_ci(line, "eyJ") {
            if (i > 0 && is_word(b[i - 1])) || &line[i..i + 3] != "eyJ" {
                continue;
            }
            let mut e = i;
            let mut dots = 0;
            while e < b.len() && (b[e].is_ascii_alphanumeric() || b[e] == b'-' || b[e] == b'_' || b[e] == b'.') {
                dots += usize::from(b[e] == b'.');
                e += 1;
            }
            if dots == 2 && e - i >= 20 {
                push(out, Edit { start: i, end: e, text: "REDACTED".into(), kind: Some(Kind::Secret) });
            }
        }
    }

    fn credentials(&mut self, line: &str, out: &mut Vec<Edit>) {
        let b = line.as_bytes();
        for (i, &c) in b.iter().enumerate() {
            if c != b'=' && c != b':' {
                continue;
            }
            let Some(key) = key_before(line, i) else { continue };
            let k = key.to_ascii_lowercase();
            if !CREDENTIAL_KEYS.contains(&k.as_str()) {
                continue;
            }
            // digest values use '=', SDP attributes ':'
            let colon_key = k == "inline" || k == "ice-pwd";
            if colon_key != (c == b':') {
                continue;
            }
            let Some((s, mut e)) = value_after(b, i + 1) else { continue };
            let quoted = s > 0 && (b[s - 1] == b'"' || b[s - 1] == b'\'');
            if k == "response" && !quoted {
                continue;
            }
            if k == "inline" {
                // key|lifetime|MKI: only the key
                if let Some(p) = line[s..e].find('|') {
                    e = s + p;
                }
            }
            let orig = &line[s..e];
            if orig.is_empty() || self.keep.contains(orig) {
                continue;
            }
            let new = self.shape(b"cred", orig);
            push(out, Edit { start: s, end: e, text: new, kind: Some(Kind::Credential) });
        }
    }

    /// Same length and character classes (hex stays hex), keyed on the prefix.
    fn shape(&self, domain: &[u8], s: &str) -> String {
        let hex = s.bytes().all(|c| c.is_ascii_hexdigit());
        let upper_hex = hex && s.bytes().any(|c| c.is_ascii_uppercase());
        let mut out = String::with_capacity(s.len());
        for (i, c) in s.char_indices() {
            let h = self.hash(domain, &s.as_bytes()[..i]);
            out.push(if hex {
                let v = c.to_digit(16).unwrap_or(0) as u64;
                let d = char::from_digit(((v + 1 + h % 15) % 16) as u32, 16).unwrap_or('0');
                if upper_hex {
                    d.to_ascii_uppercase()
                } else {
                    d
                }
            } else {
                shift_char(c, h)
            });
        }
        out
    }

    // --- addresses -----------------------------------------------------------------------------

    fn ipv4(&mut self, line: &str, out: &mut Vec<Edit>) {
        let ua = ua_regions(line);
        for (s, e) in ipv4_spans(line) {
            if ua.iter().any(|&(a, z)| s >= a && s < z) {
                continue;
            }
            let text = &line[s..e];
            let Some(addr) = parse_v4(text) else { continue };
            if self.keep.contains(text) {
                continue;
            }
            let Some(new) = self.map_v4(addr) else { continue };
            push(out, Edit { start: s, end: e, text: Ipv4Addr::from(new).to_string(), kind: Some(Kind::Ipv4) });
        }
    }

    fn map_v4(&mut self, a: u32) -> Option<u32> {
        if let Some(&m) = self.v4.get(&a) {
            return Some(m);
        }
        let class = v4_class(a);
        let m = match class {
            V4Class::Kept => return None,
            V4Class::Public => self.alloc_public(v4_len(a)),
            _ => {
                let mut m = self.permute_private(a, class, 0);
                let mut salt = 1;
                while self.v4_taken.contains(&m) && salt < 16 {
                    m = self.permute_private(a, class, salt);
                    salt += 1;
                }
                m
            }
        };
        self.v4.insert(a, m);
        self.v4_taken.insert(m);
        Some(m)
    }

    /// Prefix-preserving, length-preserving permutation inside the address's private range.
    fn permute_private(&self, a: u32, class: V4Class, salt: u8) -> u32 {
        let o = a.to_be_bytes();
        let fixed = match class {
            V4Class::Ten => 1,
            V4Class::Shared | V4Class::Rfc1918b => 1,
            _ => 2,
        };
        let mut r = o;
        for k in fixed..4 {
            let mut ctx = vec![salt, class as u8, k as u8];
            ctx.extend_from_slice(&o[..k]);
            let h = self.hash(b"v4", &ctx);
            let v = o[k];
            r[k] = match (class, k, v) {
                (V4Class::Rfc1918b, 1, _) => permute_in(v, 16, 31, h),
                (V4Class::Shared, 1, 64..=99) => permute_in(v, 64, 99, h),
                (V4Class::Shared, 1, _) => permute_in(v, 100, 127, h),
                // the last octet keeps 0 (network) and 255 (broadcast)
                (_, 3, 0 | 255) => v,
                (_, 3, 1..=9) => permute_in(v, 1, 9, h),
                (_, 3, 100..=254) => permute_in(v, 100, 254, h),
                (_, _, 0..=9) => permute_in(v, 0, 9, h),
                (_, _, 10..=99) => permute_in(v, 10, 99, h),
                _ => permute_in(v, 100, 255, h),
            };
        }
        u32::from_be_bytes(r)
    }

    /// The next free documentation address of `len` characters, or of the nearest length.
    fn alloc_public(&mut self, len: usize) -> u32 {
        let mut lengths: Vec<usize> = (9..=14).collect();
        lengths.sort_by_key(|&l| (l.abs_diff(len), l));
        for l in lengths {
            let cur = &mut self.v4_cursor[l];
            while *cur < PUBLIC_POOL {
                let cand = public_candidate(*cur);
                if v4_len(cand) == l && !self.v4_taken.contains(&cand) {
                    return cand;
                }
                *cur += 1;
            }
        }
        // The pool (131,834 addresses) is exhausted: reuse is impossible, so fall back to the
        // benchmarking range's top, counted down (never reached by real traces).
        let n = self.v4.len() as u32;
        u32::from(Ipv4Addr::new(198, 19, 255, 254)).saturating_sub(n)
    }

    fn ipv6(&mut self, line: &str, out: &mut Vec<Edit>) {
        let b = line.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if !is_v6_char(b[i]) {
                i += 1;
                continue;
            }
            let mut e = i;
            while e < b.len() && is_v6_char(b[e]) {
                e += 1;
            }
            let next = e;
            if i > 0 && is_word(b[i - 1]) {
                if b[i] != b':' {
                    // glued to a word ("cafe::" inside "xcafe::"): skip the rest of the word
                    i = next;
                    continue;
                }
                i += 1; // "UDP:2001:db8::1": the colon separates
            }
            if e < b.len() && is_word(b[e]) {
                i = next;
                continue;
            }
            let mut e2 = e;
            while e2 > i && b[e2 - 1] == b'.' {
                e2 -= 1;
            }
            let cand = &line[i..e2];
            if cand.bytes().filter(|&c| c == b':').count() >= 2 {
                let parsed = cand.parse::<Ipv6Addr>().ok().map(|a| (a, e2)).or_else(|| {
                    let t = cand.trim_end_matches(':');
                    t.parse::<Ipv6Addr>().ok().map(|a| (a, i + t.len()))
                });
                if let Some((addr, end)) = parsed {
                    if !self.keep.contains(&line[i..end]) {
                        if let Some(new) = self.map_v6(addr) {
                            let text = Ipv6Addr::from(new).to_string();
                            push(out, Edit { start: i, end, text, kind: Some(Kind::Ipv6) });
                        }
                    }
                }
            }
            i = next;
        }
    }

    fn map_v6(&mut self, a: Ipv6Addr) -> Option<u128> {
        let v = u128::from(a);
        if let Some(&m) = self.v6.get(&v) {
            return Some(m);
        }
        let seg = a.segments();
        let m = if let Some(v4) = a.to_ipv4_mapped() {
            let m4 = self.map_v4(u32::from(v4))?;
            (0xffffu128 << 32) | u128::from(m4)
        } else if a.is_unspecified()
            || a.is_loopback()
            || seg[0] & 0xff00 == 0xff00
            || (seg[0] == 0x2001 && seg[1] == 0x0db8)
        {
            return None;
        } else {
            // keep: fe80::/10 → 1 group, fc00::/7 → first byte, others → 2001:db8::/32
            let keep_groups = if seg[0] & 0xffc0 == 0xfe80 {
                1
            } else if seg[0] & 0xfe00 == 0xfc00 {
                0
            } else {
                2
            };
            let mut r = seg;
            for k in keep_groups..8 {
                let mut ctx = Vec::with_capacity(16);
                for s in &seg[..k] {
                    ctx.extend_from_slice(&s.to_be_bytes());
                }
                let pad = self.hash(b"v6", &ctx) as u16;
                r[k] = seg[k] ^ pad;
            }
            match keep_groups {
                0 => r[0] = (seg[0] & 0xff00) | (r[0] & 0x00ff),
                1 => {
                    r[0] = 0xfe80;
                    r[1] = 0;
                    r[2] = 0;
                    r[3] = 0;
                }
                _ => {
                    r[0] = 0x2001;
                    r[1] = 0x0db8;
                }
            }
            u128::from(Ipv6Addr::from(r))
        };
        self.v6.insert(v, m);
        Some(m)
    }

    fn host_names(&mut self, line: &str, out: &mut Vec<Edit>) {
        let b = line.as_bytes();
        let hosts = self.hosts.clone();
        for (h, rep) in &hosts {
            for i in find_all_ci(line, h) {
                let e = i + h.len();
                let before_ok = i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'-');
                let after_ok = e >= b.len()
                    || !(b[e].is_ascii_alphanumeric()
                        || b[e] == b'-'
                        || (b[e] == b'.' && e + 1 < b.len() && b[e + 1].is_ascii_alphanumeric()));
                if before_ok && after_ok {
                    push(out, Edit { start: i, end: e, text: rep.clone(), kind: Some(Kind::Host) });
                }
            }
        }
    }

    // --- users, numbers, names -----------------------------------------------------------------

    /// Maps a user part, number or display-name word. `None` when it is kept.
    fn map_token(&mut self, tok: &str) -> Option<(String, Kind)> {
        if tok.is_empty() || self.keep.contains(tok) || KEEP_WORDS.iter().any(|w| w.eq_ignore_ascii_case(tok)) {
            return None;
        }
        if !tok.bytes().any(|c| c.is_ascii_alphanumeric()) {
            return None;
        }
        let phone = tok.bytes().all(|c| c.is_ascii_digit() || b"+-.() ".contains(&c))
            && tok.bytes().any(|c| c.is_ascii_digit());
        let new = if phone { self.map_number(tok) } else { self.map_alnum(tok) };
        if new == tok {
            return None;
        }
        if phone {
            let d: String = tok.chars().filter(char::is_ascii_digit).collect();
            if d.len() >= 6 {
                let nd: String = new.chars().filter(char::is_ascii_digit).collect();
                self.numbers.insert(d, nd);
            }
        }
        Some((new, if phone { Kind::Number } else { Kind::User }))
    }

    /// Digits mapped with their positions kept; the leading `+`/`00` and country code, national
    /// zeros and the NANP `1` stay. Each digit's replacement depends on the digits after it, so
    /// numbers that share a tail keep sharing it; zeros stay zeros, so a number never gains or
    /// loses a leading zero (which would change how it reads).
    fn map_number(&self, tok: &str) -> String {
        let digits: Vec<u8> = tok.bytes().filter(u8::is_ascii_digit).map(|c| c - b'0').collect();
        let plus = tok.trim_start_matches(['(', ' ']).starts_with('+');
        let n = digits.len();
        let keep = if plus {
            cc_len(&digits)
        } else if n > 2 && digits[0] == 0 && digits[1] == 0 {
            2 + cc_len(&digits[2..])
        } else if digits.first() == Some(&0) {
            digits.iter().take_while(|&&d| d == 0).count()
        } else if n == 11 && digits[0] == 1 {
            1
        } else {
            0
        }
        .min(n);
        let mut mapped = digits.clone();
        for i in keep..n {
            let d = digits[i];
            if d != 0 {
                let h = self.hash(b"num", &digits[i + 1..]);
                // a shift of 1–8: every non-zero digit changes
                mapped[i] = 1 + ((u64::from(d - 1) + 1 + h % 8) % 9) as u8;
            }
        }
        let mut it = mapped.into_iter();
        tok.chars().map(|c| if c.is_ascii_digit() { (b'0' + it.next().unwrap_or(0)) as char } else { c }).collect()
    }

    /// Letters shifted (case kept, keyed on the lowercase prefix), digit runs mapped as numbers,
    /// `%XX` escapes and other characters kept.
    fn map_alnum(&self, tok: &str) -> String {
        let b = tok.as_bytes();
        let lower = tok.to_ascii_lowercase();
        let mut out = String::with_capacity(tok.len());
        let mut i = 0;
        while i < b.len() {
            let c = b[i];
            if c == b'%'
                && b.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit)
            {
                out.push_str(&tok[i..i + 3]);
                i += 3;
            } else if c.is_ascii_digit() {
                let e = b[i..].iter().position(|x| !x.is_ascii_digit()).map_or(b.len(), |n| i + n);
                out.push_str(&self.map_number(&tok[i..e]));
                i = e;
            } else if c.is_ascii_alphabetic() {
                let h = self.hash(b"alpha", &lower.as_bytes()[..i]);
                out.push(shift_char(c as char, h));
                i += 1;
            } else {
                let ch_len = tok[i..].chars().next().map_or(1, char::len_utf8);
                out.push_str(&tok[i..i + ch_len]);
                i += ch_len;
            }
        }
        out
    }

    fn uris(&mut self, line: &str, out: &mut Vec<Edit>) {
        let b = line.as_bytes();
        let mut starts: Vec<(usize, usize, bool)> = Vec::new(); // (scheme start, user start, tel)
        for (scheme, tel) in [("sip:", false), ("sips:", false), ("tel:", true)] {
            for i in find_all_ci(line, scheme) {
                if i > 0 && is_word(b[i - 1]) {
                    continue;
                }
                starts.push((i, i + scheme.len(), tel));
            }
        }
        starts.sort_unstable();
        for (scheme_at, s, tel) in starts {
            if tel {
                let e = b[s..].iter().position(|c| b";>,\"'? \t<".contains(c)).map_or(b.len(), |n| s + n);
                self.token_edit(line, s, e, Kind::Number, out);
            } else if let Some(at) = user_end(b, s) {
                let (ue, pw) = match line[s..at].find(':') {
                    Some(p) => (s + p, Some(s + p + 1)),
                    None => (at, None),
                };
                self.token_edit(line, s, ue, Kind::User, out);
                if let Some(p) = pw.filter(|&p| p < at && self.opts.credentials) {
                    push(out, Edit { start: p, end: at, text: "REDACTED".into(), kind: Some(Kind::Secret) });
                }
            }
            if scheme_at > 0 && b[scheme_at - 1] == b'<' {
                self.display_name(line, scheme_at - 1, out);
            }
        }
        // digest username="…"
        for (i, &c) in b.iter().enumerate() {
            if c != b'=' {
                continue;
            }
            if key_before(line, i).is_some_and(|k| k.eq_ignore_ascii_case("username")) {
                if let Some((s, e)) = value_after(b, i + 1) {
                    self.token_edit(line, s, e, Kind::User, out);
                }
            }
        }
    }

    fn uri_passwords(&mut self, line: &str, out: &mut Vec<Edit>) {
        let b = line.as_bytes();
        for scheme in ["sip:", "sips:"] {
            for i in find_all_ci(line, scheme) {
                if i > 0 && is_word(b[i - 1]) {
                    continue;
                }
                let s = i + scheme.len();
                if let Some(at) = user_end(b, s) {
                    if let Some(p) = line[s..at].find(':') {
                        if s + p + 1 < at {
                            push(
                                out,
                                Edit { start: s + p + 1, end: at, text: "REDACTED".into(), kind: Some(Kind::Secret) },
                            );
                        }
                    }
                }
            }
        }
    }

    fn token_edit(&mut self, line: &str, s: usize, e: usize, kind: Kind, out: &mut Vec<Edit>) {
        if s >= e {
            return;
        }
        if let Some((new, k)) = self.map_token(&line[s..e]) {
            let kind = if kind == Kind::Number || k == Kind::Number { Kind::Number } else { kind };
            push(out, Edit { start: s, end: e, text: new, kind: Some(kind) });
        }
    }

    /// The display name before `<` at `lt`: quoted anywhere, unquoted only right after a
    /// name-address header's colon or a list comma.
    fn display_name(&mut self, line: &str, lt: usize, out: &mut Vec<Edit>) {
        let b = line.as_bytes();
        let mut e = lt;
        while e > 0 && (b[e - 1] == b' ' || b[e - 1] == b'\t') {
            e -= 1;
        }
        if e == 0 {
            return;
        }
        let (s, e) = if b[e - 1] == b'"' {
            let close = e - 1;
            let mut j = close;
            loop {
                if j == 0 {
                    return;
                }
                j -= 1;
                if b[j] == b'"' && (j == 0 || b[j - 1] != b'\\') {
                    break;
                }
            }
            (j + 1, close)
        } else {
            let mut j = e;
            while j > 0 && !b":,;<>\"=".contains(&b[j - 1]) {
                j -= 1;
            }
            if j == 0 {
                return;
            }
            if b[j - 1] == b':' {
                let name = line[..j - 1].trim_end();
                let ns = name
                    .char_indices()
                    .rev()
                    .find(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '-'))
                    .map_or(0, |(p, c)| p + c.len_utf8());
                if !NAME_HEADERS.iter().any(|h| h.eq_ignore_ascii_case(&name[ns..])) {
                    return;
                }
            } else if b[j - 1] != b',' {
                return;
            }
            let mut s = j;
            while s < e && (b[s] == b' ' || b[s] == b'\t') {
                s += 1;
            }
            (s, e)
        };
        // each word (letters, digits, '+', '.', '-', '\'') on its own, so numbers stay consistent
        let mut i = s;
        while i < e {
            if !is_name_char(b[i]) {
                i += 1;
                continue;
            }
            let mut j = i;
            while j < e && is_name_char(b[j]) {
                j += 1;
            }
            if let Some((new, k)) = self.map_token(&line[i..j]) {
                push(
                    out,
                    Edit {
                        start: i,
                        end: j,
                        text: new,
                        kind: Some(if k == Kind::Number { Kind::Number } else { Kind::Name }),
                    },
                );
            }
            i = j;
        }
    }

    /// `+` and 7–15 digits anywhere; digit runs already known as numbers anywhere.
    fn free_numbers(&mut self, line: &str, out: &mut Vec<Edit>) {
        let b = line.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if !b[i].is_ascii_digit() {
                i += 1;
                continue;
            }
            let e = b[i..].iter().position(|c| !c.is_ascii_digit()).map_or(b.len(), |n| i + n);
            let plus = i > 0 && b[i - 1] == b'+';
            let s = if plus { i - 1 } else { i };
            let before_ok = s == 0 || !(is_word(b[s - 1]) || b[s - 1] == b'.');
            let after_ok =
                e >= b.len() || !(is_word(b[e]) || (b[e] == b'.' && b.get(e + 1).is_some_and(u8::is_ascii_digit)));
            if before_ok && after_ok {
                let n = e - i;
                if plus && (7..=15).contains(&n) {
                    self.token_edit(line, s, e, Kind::Number, out);
                } else if let Some(new) = self.numbers.get(&line[i..e]).cloned() {
                    push(out, Edit { start: i, end: e, text: new, kind: Some(Kind::Number) });
                }
            }
            i = e;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// Adds `e` unless it overlaps an edit already chosen.
fn push(out: &mut Vec<Edit>, e: Edit) {
    if e.start < e.end && !out.iter().any(|x| x.start < e.end && e.start < x.end) {
        out.push(e);
    }
}

fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

fn is_name_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'+' || c == b'\'' || c == b'-' || c == b'.' || c >= 0x80
}

fn is_v6_char(c: u8) -> bool {
    c.is_ascii_hexdigit() || c == b':' || c == b'.'
}

/// Byte offsets of every ASCII-case-insensitive occurrence of `needle` (ASCII) in `hay`.
fn find_all_ci(hay: &str, needle: &str) -> Vec<usize> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    let mut out = Vec::new();
    let Some(&first) = n.first() else { return out };
    if h.len() < n.len() {
        return out;
    }
    let last_start = h.len() - n.len();
    for i in memchr::memchr2_iter(first.to_ascii_lowercase(), first.to_ascii_uppercase(), &h[..=last_start]) {
        if h[i..i + n.len()].eq_ignore_ascii_case(n) {
            out.push(i);
        }
    }
    out
}

/// The identifier right before the separator at `sep` (spaces and one closing quote allowed in
/// between), if it starts at a word boundary.
fn key_before(line: &str, sep: usize) -> Option<&str> {
    let b = line.as_bytes();
    let mut e = sep;
    while e > 0 && b[e - 1] == b' ' {
        e -= 1;
    }
    if e > 0 && (b[e - 1] == b'"' || b[e - 1] == b'\'') {
        e -= 1;
    }
    let mut s = e;
    while s > 0 && (b[s - 1].is_ascii_alphanumeric() || b[s - 1] == b'_' || b[s - 1] == b'-') {
        s -= 1;
    }
    (s < e).then(|| &line[s..e])
}

/// The value after a separator: a quoted string's inside, or a run up to white space or a
/// delimiter.
fn value_after(b: &[u8], mut i: usize) -> Option<(usize, usize)> {
    while i < b.len() && b[i] == b' ' {
        i += 1;
    }
    let q = *b.get(i)?;
    if q == b'"' || q == b'\'' {
        let s = i + 1;
        let e = b[s..].iter().position(|&c| c == q).map_or(b.len(), |n| s + n);
        return (s < e).then_some((s, e));
    }
    let e = b[i..].iter().position(|c| c.is_ascii_whitespace() || b";,&\"'<>".contains(c)).map_or(b.len(), |n| i + n);
    (i < e).then_some((i, e))
}

/// End (the `@`) of a URI's userinfo starting at `s`, if there is one.
fn user_end(b: &[u8], s: usize) -> Option<usize> {
    for (n, &c) in b.get(s..)?.iter().enumerate().take(256) {
        match c {
            b'@' => return (n > 0).then_some(s + n),
            b' ' | b'\t' | b'<' | b'>' | b'"' | b',' | b'\r' | b'\n' => return None,
            _ => {}
        }
    }
    None
}

/// Regions of a line that hold a `User-Agent:` or `Server:` value (dotted versions there are
/// not addresses), ending at the line end or an escaped line break.
fn ua_regions(line: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    const ESCAPES: [&str; 4] = ["#012", "#015", "\\r", "\\n"];
    for name in ["user-agent:", "server:"] {
        for i in find_all_ci(line, name) {
            let before = line[..i].trim_end();
            let after_escape = ESCAPES.iter().any(|m| before.ends_with(m));
            if i > 0 && is_word(line.as_bytes()[i - 1]) && !after_escape {
                continue;
            }
            if name == "server:" && !before.is_empty() && !after_escape {
                continue;
            }
            let rest = &line[i..];
            let end = ESCAPES.iter().filter_map(|m| rest.find(m)).min().map_or(line.len(), |n| i + n);
            out.push((i, end));
        }
    }
    out
}

/// Spans of dotted quads in a line (not parts of longer dotted numbers or words).
fn ipv4_spans(line: &str) -> Vec<(usize, usize)> {
    let b = line.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let mut e = i;
        while e < b.len() && (b[e].is_ascii_digit() || b[e] == b'.') {
            e += 1;
        }
        let next = e;
        let before_ok = i == 0 || !(is_word(b[i - 1]) || b[i - 1] == b'.');
        let after_ok = e >= b.len() || !is_word(b[e]);
        while e > i && b[e - 1] == b'.' {
            e -= 1;
        }
        let parts: Vec<&str> = line[i..e].split('.').collect();
        if before_ok && after_ok && parts.len() == 4 && parse_v4(&line[i..e]).is_some() && (e == next || e + 1 == next)
        {
            out.push((i, e));
        }
        i = next;
    }
    out
}

/// Characters of an address in dotted-quad form.
fn v4_len(a: u32) -> usize {
    a.to_be_bytes().iter().map(|&o| 1 + usize::from(o >= 10) + usize::from(o >= 100)).sum::<usize>() + 3
}

/// A dotted quad (leading zeros allowed, as some logs print them).
fn parse_v4(s: &str) -> Option<u32> {
    let mut n = 0u32;
    let mut parts = 0;
    for p in s.split('.') {
        if p.is_empty() || p.len() > 3 || !p.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let v: u32 = p.parse().ok()?;
        if v > 255 {
            return None;
        }
        n = (n << 8) | v;
        parts += 1;
    }
    (parts == 4).then_some(n)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum V4Class {
    Kept,
    Public,
    Ten,
    Rfc1918b,
    Rfc1918c,
    Shared,
    LinkLocal,
}

fn v4_class(a: u32) -> V4Class {
    let o = a.to_be_bytes();
    match o {
        [0, ..] | [127, ..] | [224..=255, ..] => V4Class::Kept,
        [192, 0, 2, _] | [198, 51, 100, _] | [203, 0, 113, _] | [198, 18 | 19, _, _] => V4Class::Kept,
        [10, ..] => V4Class::Ten,
        [172, 16..=31, ..] => V4Class::Rfc1918b,
        [192, 168, ..] => V4Class::Rfc1918c,
        [100, 64..=127, ..] => V4Class::Shared,
        [169, 254, ..] => V4Class::LinkLocal,
        _ => V4Class::Public,
    }
}

/// Documentation addresses first (3 × 254), then 198.18.0.0/15.
const PUBLIC_POOL: usize = 3 * 254 + 131_072;

fn public_candidate(i: usize) -> u32 {
    let doc = |a: [u8; 3], n: usize| u32::from(Ipv4Addr::new(a[0], a[1], a[2], (n + 1) as u8));
    match i {
        0..254 => doc([192, 0, 2], i),
        254..508 => doc([198, 51, 100], i - 254),
        508..762 => doc([203, 0, 113], i - 508),
        _ => {
            let n = (i - 762) as u32;
            let a = u32::from(Ipv4Addr::new(198, 18, 0, 0)) + n;
            // skip .0 and .255 hosts
            if matches!(a & 0xff, 0 | 255) {
                u32::from(Ipv4Addr::new(192, 0, 2, 1))
            } else {
                a
            }
        }
    }
}

/// A keyed permutation of `lo..=hi` (affine map with a multiplier prime to the size).
fn permute_in(v: u8, lo: u8, hi: u8, h: u64) -> u8 {
    let n = u64::from(hi - lo) + 1;
    let mut a = (h >> 32) % n;
    while gcd(a, n) != 1 {
        a = (a + 1) % n;
    }
    let b = h % n;
    lo + ((a * u64::from(v - lo) + b) % n) as u8
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// Shifts a letter or digit within its class by 1..n-1 (so it always changes); others stay.
fn shift_char(c: char, h: u64) -> char {
    let rot = |base: u8, n: u64| (base + ((u64::from(c as u8 - base) + 1 + h % (n - 1)) % n) as u8) as char;
    match c {
        'a'..='z' => rot(b'a', 26),
        'A'..='Z' => rot(b'A', 26),
        '0'..='9' => rot(b'0', 10),
        _ => c,
    }
}

/// Length of the E.164 country code at the start of `d` (ITU zones 1–9).
fn cc_len(d: &[u8]) -> usize {
    let (a, b) = (d.first().copied(), d.get(1).copied());
    let two = match (a, b) {
        (Some(1 | 7), _) => return 1,
        (Some(2), Some(0 | 7)) => true,
        (Some(3), Some(0..=4 | 6 | 9)) => true,
        (Some(4), Some(b)) => b != 2,
        (Some(5), Some(1..=8)) => true,
        (Some(6), Some(0..=6)) => true,
        (Some(8), Some(1 | 2 | 4 | 6)) => true,
        (Some(9), Some(0..=5 | 8)) => true,
        (None, _) => return 0,
        _ => false,
    };
    if two { 2 } else { 3 }.min(d.len())
}

/// Positions of the Content-Length values to change on one line: `(value, new)` pairs are
/// matched to `Content-Length:` / `l:` headers with that value, in order.
fn content_length_positions(line: &str, fixes: &[(u64, u64)]) -> Vec<((usize, usize), String)> {
    let b = line.as_bytes();
    let mut spots: Vec<(usize, usize, u64)> = Vec::new();
    let mut names: Vec<(usize, usize)> = find_all_ci(line, "content-length").into_iter().map(|i| (i, i + 14)).collect();
    for i in find_all_ci(line, "l") {
        let before_ok = i == 0 || !is_word(b[i - 1]) && b[i - 1] != b'-';
        if before_ok && !names.iter().any(|&(s, e)| i >= s && i < e) {
            names.push((i, i + 1));
        }
    }
    for (s, e) in names {
        if s > 0 && (is_word(b[s - 1]) || b[s - 1] == b'-') {
            continue;
        }
        let mut j = e;
        while j < b.len() && (b[j] == b' ' || b[j] == b'\t') {
            j += 1;
        }
        if b.get(j) != Some(&b':') {
            continue;
        }
        j += 1;
        while j < b.len() && (b[j] == b' ' || b[j] == b'\t') {
            j += 1;
        }
        let ds = j;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        if let Ok(v) = line[ds..j].parse::<u64>() {
            spots.push((ds, j, v));
        }
    }
    spots.sort_unstable();
    let mut used = vec![false; spots.len()];
    let mut out = Vec::new();
    for &(old, new) in fixes {
        if let Some(k) = (0..spots.len()).find(|&k| !used[k] && spots[k].2 == old) {
            used[k] = true;
            out.push(((spots[k].0, spots[k].1), new.to_string()));
        }
    }
    out
}

/// SipHash-2-4 (Aumasson & Bernstein), the keyed hash behind every mapping.
fn siphash24(key: [u64; 2], data: &[u8]) -> u64 {
    let mut v = [
        key[0] ^ 0x736f_6d65_7073_6575,
        key[1] ^ 0x646f_7261_6e64_6f6d,
        key[0] ^ 0x6c79_6765_6e65_7261,
        key[1] ^ 0x7465_6462_7974_6573,
    ];
    fn round(v: &mut [u64; 4]) {
        v[0] = v[0].wrapping_add(v[1]);
        v[1] = v[1].rotate_left(13) ^ v[0];
        v[0] = v[0].rotate_left(32);
        v[2] = v[2].wrapping_add(v[3]);
        v[3] = v[3].rotate_left(16) ^ v[2];
        v[0] = v[0].wrapping_add(v[3]);
        v[3] = v[3].rotate_left(21) ^ v[0];
        v[2] = v[2].wrapping_add(v[1]);
        v[1] = v[1].rotate_left(17) ^ v[2];
        v[2] = v[2].rotate_left(32);
    }
    let mut chunks = data.chunks_exact(8);
    for c in &mut chunks {
        let m = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        v[3] ^= m;
        round(&mut v);
        round(&mut v);
        v[0] ^= m;
    }
    let mut last = [0u8; 8];
    let rem = chunks.remainder();
    last[..rem.len()].copy_from_slice(rem);
    last[7] = data.len() as u8;
    let m = u64::from_le_bytes(last);
    v[3] ^= m;
    round(&mut v);
    round(&mut v);
    v[0] ^= m;
    v[2] ^= 0xff;
    for _ in 0..4 {
        round(&mut v);
    }
    v[0] ^ v[1] ^ v[2] ^ v[3]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn siphash_matches_the_reference_vector() {
        // SipHash-2-4 paper, appendix A: key 00..0f, message 00..0e.
        let key = [u64::from_le_bytes([0, 1, 2, 3, 4, 5, 6, 7]), u64::from_le_bytes([8, 9, 10, 11, 12, 13, 14, 15])];
        let msg: Vec<u8> = (0..15).collect();
        assert_eq!(siphash24(key, &msg), 0xa129_ca61_49be_45e5);
    }

    #[test]
    fn country_codes() {
        let cc = |s: &str| cc_len(&s.bytes().map(|c| c - b'0').collect::<Vec<_>>());
        for (n, want) in [
            ("15551234567", 1),
            ("4420", 2),
            ("4930", 2),
            ("353", 3),
            ("8613", 2),
            ("971", 3),
            ("2712", 2),
            ("7495", 1),
        ] {
            assert_eq!(cc(n), want, "{n}");
        }
    }

    #[test]
    fn permutations_are_bijective_and_keep_length() {
        for (lo, hi) in [(0u8, 9u8), (10, 99), (100, 255), (16, 31), (64, 99), (100, 127)] {
            for h in [0u64, 1, 0xdead_beef_1234_5678, u64::MAX] {
                let mut seen = std::collections::HashSet::new();
                for v in lo..=hi {
                    let m = permute_in(v, lo, hi, h);
                    assert!((lo..=hi).contains(&m));
                    assert!(seen.insert(m));
                }
            }
        }
    }

    #[test]
    fn spans_of_dotted_quads() {
        let s = |l: &str| ipv4_spans(l).into_iter().map(|(a, b)| l[a..b].to_string()).collect::<Vec<_>>();
        assert_eq!(s("from UDP:10.1.2.3:5060 to 8.8.8.8."), ["10.1.2.3", "8.8.8.8"]);
        assert!(s("oid 1.2.3.4.5 and v1.2.3.4 and 300.1.1.1").is_empty());
        assert_eq!(s("c=IN IP4 192.168.1.20"), ["192.168.1.20"]);
        for a in ["0.0.0.0", "192.0.2.100", "10.20.3.4", "255.255.255.255"] {
            assert_eq!(v4_len(parse_v4(a).unwrap()), a.len());
        }
    }

    #[test]
    fn content_length_spots() {
        let got = content_length_positions("x l: 5 Content-Length: 12", &[(12, 15), (5, 7)]);
        assert_eq!(got, vec![((23, 25), "15".to_string()), ((5, 6), "7".to_string())]);
    }
}
