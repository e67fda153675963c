//! One SIP message: start line, header fields, body; the typed accessors diagnosis reads; the
//! grammar checks that become [`Problem`]s; and the wire framing of a message in a stream
//! ([`frame_len`]).

use super::header::{
    find_byte, is_token, parse_u32, parse_u32_saturating, split_list, split_list_raw, trim_sp, trim_ws, Auth, CSeq,
    Event, HeaderName, NameAddr, Reason, ReferTo, Replaces, RetryAfter, SessionExpires, SubscriptionState, Via,
    Warning, HEADER_NAMES,
};
use super::multipart::{self, Part};
use super::sdp::Sdp;
use super::uri::is_scheme;
use super::{Problem, ProblemKind};
use crate::text::starts_with_ci;

/// A SIP method. Unknown extension methods are kept as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method<'a> {
    Invite,
    Ack,
    Bye,
    Cancel,
    Register,
    Options,
    Info,
    Prack,
    Update,
    Subscribe,
    Notify,
    Refer,
    Message,
    Publish,
    Other(&'a str),
}

impl<'a> Method<'a> {
    pub fn from_token(s: &'a str) -> Method<'a> {
        // Methods are case-sensitive (RFC 3261 §7.1); an unknown spelling stays `Other`.
        match s {
            "INVITE" => Method::Invite,
            "ACK" => Method::Ack,
            "BYE" => Method::Bye,
            "CANCEL" => Method::Cancel,
            "REGISTER" => Method::Register,
            "OPTIONS" => Method::Options,
            "INFO" => Method::Info,
            "PRACK" => Method::Prack,
            "UPDATE" => Method::Update,
            "SUBSCRIBE" => Method::Subscribe,
            "NOTIFY" => Method::Notify,
            "REFER" => Method::Refer,
            "MESSAGE" => Method::Message,
            "PUBLISH" => Method::Publish,
            other => Method::Other(other),
        }
    }

    pub fn as_str(&self) -> &'a str {
        match self {
            Method::Invite => "INVITE",
            Method::Ack => "ACK",
            Method::Bye => "BYE",
            Method::Cancel => "CANCEL",
            Method::Register => "REGISTER",
            Method::Options => "OPTIONS",
            Method::Info => "INFO",
            Method::Prack => "PRACK",
            Method::Update => "UPDATE",
            Method::Subscribe => "SUBSCRIBE",
            Method::Notify => "NOTIFY",
            Method::Refer => "REFER",
            Method::Message => "MESSAGE",
            Method::Publish => "PUBLISH",
            Method::Other(s) => s,
        }
    }
}

/// The first line of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartLine<'a> {
    Request { method: Method<'a>, uri: &'a str, version: &'a str },
    Response { version: &'a str, code: u16, reason: &'a str },
}

/// Why a line is not a SIP start line at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartLineError {
    /// Empty input.
    Empty,
    /// Neither `METHOD uri SIP/x.y` nor `SIP/x.y code reason`.
    NotSip,
}

impl StartLineError {
    pub fn description(self) -> &'static str {
        match self {
            StartLineError::Empty => "empty message",
            StartLineError::NotSip => "not a SIP request or status line",
        }
    }
}

/// One header field. `value` is trimmed and, for folded headers, spans the continuation lines
/// (the typed readers treat CR, LF and tabs as white space). `line` is 0-based in the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header<'a> {
    pub name: &'a str,
    pub known: HeaderName,
    pub value: &'a str,
    pub line: u32,
}

/// A parsed message. Everything borrows from `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message<'a> {
    /// The message text from its start line on (blank lines before it are skipped).
    pub text: &'a str,
    pub start: StartLine<'a>,
    pub headers: Vec<Header<'a>>,
    /// The body as present in the text (may differ from Content-Length: see `problems`).
    pub body: &'a str,
    /// 0-based line of the body's first line in `text` (meaningful when the body is not empty).
    pub body_line: u32,
    /// Grammar problems, in line order. Line 0 is the start line.
    pub problems: Vec<Problem>,
    /// Typed values read while checking the message, so the accessors need not read them
    /// again. They describe `headers` as parsed.
    cache: Cache<'a>,
    /// The SDP (see [`Message::sdp`]), read once when the message is parsed and kept while the
    /// analysis runs, for the diagnosis ([`Message::release_sdp`] lets it go). Boxed: most
    /// messages have none.
    sdp: Kept<'a>,
    /// Whether the message has an SDP (`sdp().is_some()`), kept after the SDP is let go.
    has_sdp: bool,
}

/// The SDP a message keeps. A copy of what the text says: messages are equal whether they
/// keep it or have let it go.
#[derive(Debug, Clone, Default)]
struct Kept<'a>(Option<Box<Sdp<'a>>>);

impl PartialEq for Kept<'_> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for Kept<'_> {}

/// No header of that name (in [`Cache::first`]).
const NO_HEADER: u16 = u16::MAX;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cache<'a> {
    /// Index in `headers` of the first header of each [`HeaderName`].
    first: [u16; HEADER_NAMES],
    /// More headers than `first` can index: look them up by scanning.
    overflow: bool,
    top_via: Option<Via<'a>>,
    from: Option<NameAddr<'a>>,
    to: Option<NameAddr<'a>>,
    /// The `tag` parameters of `from` and `to`.
    from_tag: Option<&'a str>,
    to_tag: Option<&'a str>,
    cseq: Option<CSeq<'a>>,
    /// The first Call-ID, trimmed (read by every pass over the messages).
    call_id: Option<&'a str>,
}

impl Default for Cache<'_> {
    fn default() -> Self {
        Cache {
            first: [NO_HEADER; HEADER_NAMES],
            overflow: false,
            top_via: None,
            from: None,
            to: None,
            from_tag: None,
            to_tag: None,
            cseq: None,
            call_id: None,
        }
    }
}

fn split_version(v: &str) -> Option<(&str, &str)> {
    let rest = v.get(..4).filter(|p| p.eq_ignore_ascii_case("SIP/")).map(|_| &v[4..])?;
    let (maj, min) = rest.split_once('.')?;
    (!maj.is_empty()
        && !min.is_empty()
        && maj.bytes().all(|b| b.is_ascii_digit())
        && min.bytes().all(|b| b.is_ascii_digit()))
    .then_some((maj, min))
}

/// Whether a Request-URI is well formed enough: a scheme, no white space, no `<>`, and for
/// sip/sips no URI headers (`?…` after the host; RFC 3261 §19.1.1 forbids them there).
fn request_uri_ok(uri: &str) -> bool {
    let Some(colon) = find_byte(uri, b':') else { return false };
    let scheme = &uri[..colon];
    if !is_scheme(scheme) || colon + 1 == uri.len() {
        return false;
    }
    let sip = scheme.eq_ignore_ascii_case("sip") || scheme.eq_ignore_ascii_case("sips");
    // the host part follows the last '@' (the user part may hold '?')
    let mut question_after_at = false;
    for &c in &uri.as_bytes()[colon + 1..] {
        match c {
            b' ' | b'\t' | b'<' | b'>' => return false,
            b'@' => question_after_at = false,
            b'?' => question_after_at = true,
            _ => {}
        }
    }
    !(sip && question_after_at)
}

fn blank(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_whitespace())
}

/// Reads a start line. Returns the start line and the problems it has (bad version, URI, code,
/// extra spaces); `Err` only when the line is not SIP at all.
pub fn parse_start_line(line: &str) -> Result<(StartLine<'_>, Vec<ProblemKind>), StartLineError> {
    let line = line.strip_suffix('\n').unwrap_or(line);
    let line = line.strip_suffix('\r').unwrap_or(line);
    let not_sip = || if blank(line) { StartLineError::Empty } else { StartLineError::NotSip };
    let mut problems = Vec::new();
    if line.len() >= 4 && line.as_bytes()[..4].eq_ignore_ascii_case(b"SIP/") {
        // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase
        let sp = find_byte(line, b' ').ok_or_else(not_sip)?;
        let version = &line[..sp];
        split_version(version).ok_or_else(not_sip)?;
        if version != "SIP/2.0" {
            problems.push(ProblemKind::BadVersion);
        }
        let rest = &line[sp + 1..];
        let code_at = rest.trim_start_matches(' ');
        if code_at.len() != rest.len() {
            problems.push(ProblemKind::BadStartLine);
        }
        let (code_s, reason) = match find_byte(code_at, b' ') {
            Some(i) => (&code_at[..i], &code_at[i + 1..]),
            None => (code_at, ""),
        };
        if code_s.is_empty() || !code_s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(not_sip());
        }
        let code = if code_s.len() == 3 { code_s.parse::<u16>().unwrap_or(0) } else { 0 };
        if !(100..=699).contains(&code) {
            problems.push(ProblemKind::BadStatusCode);
        }
        return Ok((StartLine::Response { version, code, reason }, problems));
    }
    // Request-Line = Method SP Request-URI SP SIP-Version
    let sp = find_byte(line, b' ').ok_or_else(not_sip)?;
    let method = &line[..sp];
    if !is_token(method) {
        return Err(not_sip());
    }
    let rest = &line[sp + 1..];
    let rest_end = rest.trim_end_matches(' ');
    let vsp = rest_end.bytes().rposition(|b| b == b' ').ok_or_else(not_sip)?;
    let version = &rest_end[vsp + 1..];
    split_version(version).ok_or_else(not_sip)?;
    let uri_raw = &rest_end[..vsp];
    let uri = uri_raw.trim_matches(' ');
    if rest_end.len() != rest.len() || uri.len() != uri_raw.len() {
        // extra SP between the elements or after the version (RFC 4475 lwsstart, trws)
        problems.push(ProblemKind::BadStartLine);
    }
    if version != "SIP/2.0" {
        problems.push(ProblemKind::BadVersion);
    }
    if !request_uri_ok(uri) {
        problems.push(ProblemKind::BadRequestUri);
    }
    Ok((StartLine::Request { method: Method::from_token(method), uri, version }, problems))
}

/// Parses one message. `text` should hold exactly one message (the ingesters frame it); bytes
/// beyond Content-Length that are not white space are reported as a problem, not dropped.
pub fn parse(text: &str) -> Result<Message<'_>, StartLineError> {
    // Skip blank lines before the start line (RFC 3261 §7.5 allows CRLFs there).
    let text = text.trim_start_matches(['\r', '\n']);
    let bytes = text.as_bytes();
    let len = bytes.len();
    let first_end = memchr::memchr(b'\n', bytes).unwrap_or(len);
    let (start, start_problems) = parse_start_line(&text[..first_end])?;
    let mut problems: Vec<Problem> = start_problems.into_iter().map(|kind| Problem { kind, line: 0 }).collect();
    let mut headers: Vec<Header<'_>> = Vec::with_capacity(16);
    let mut pos = (first_end + 1).min(len);
    let mut line_no: u32 = 0;
    let mut body_start = len;
    let mut after_header = false;
    while pos < len {
        line_no += 1;
        let end = memchr::memchr(b'\n', &bytes[pos..]).map_or(len, |i| pos + i);
        let raw = &text[pos..end];
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let next = (end + 1).min(len);
        let b0 = line.as_bytes().first().copied().unwrap_or(b'\n');
        if b0 == b' ' || b0 == b'\t' || line.is_empty() {
            let content = trim_sp(line);
            if content.is_empty() {
                // the empty line (or a line of only white space) ends the header block
                body_start = next;
                line_no += 1;
                break;
            }
            if after_header {
                // folded continuation: the previous value runs to the end of this line
                if let Some(h) = headers.last_mut() {
                    if h.value.is_empty() {
                        h.value = content;
                    } else {
                        let vstart = h.value.as_ptr() as usize - text.as_ptr() as usize;
                        let vend = pos + line.trim_end_matches([' ', '\t']).len();
                        h.value = text.get(vstart..vend).unwrap_or(h.value);
                    }
                }
            } else {
                problems.push(Problem { kind: ProblemKind::BadHeaderLine, line: line_no });
            }
            pos = next;
            continue;
        }
        let header = memchr::memchr(b':', line.as_bytes()).and_then(|c| {
            let name = trim_sp(&line[..c]);
            is_token(name).then(|| Header {
                name,
                known: HeaderName::lookup(name),
                value: trim_sp(&line[c + 1..]),
                line: line_no,
            })
        });
        match header {
            Some(h) => {
                headers.push(h);
                after_header = true;
            }
            None if !headers.is_empty() && looks_like_body_line(line) => {
                // a body that came without the empty line before it
                problems.push(Problem { kind: ProblemKind::MissingBlankLine, line: line_no });
                body_start = pos;
                break;
            }
            None => {
                problems.push(Problem { kind: ProblemKind::BadHeaderLine, line: line_no });
                after_header = false;
            }
        }
        pos = next;
    }
    let body = text.get(body_start..).unwrap_or("");
    // 16 slots were reserved; give the rest back (a 20 MB log holds tens of thousands of these)
    headers.shrink_to_fit();
    let mut msg = Message {
        text,
        start,
        headers,
        body,
        body_line: line_no,
        problems,
        cache: Cache::default(),
        sdp: Kept::default(),
        has_sdp: false,
    };
    msg.validate();
    msg.sdp = Kept(msg.read_sdp().map(Box::new));
    msg.has_sdp = msg.sdp.0.is_some();
    Ok(msg)
}

fn looks_like_body_line(line: &str) -> bool {
    let b = line.as_bytes();
    // SDP "x=" lines, multipart boundaries, XML
    (b.len() >= 2 && b[1] == b'=' && b[0].is_ascii_lowercase()) || line.starts_with("--") || line.starts_with("<?xml")
}

/// Whether `s` holds a `\n` not preceded by `\r`.
fn has_bare_lf(s: &str) -> bool {
    let b = s.as_bytes();
    memchr::memchr_iter(b'\n', b).any(|i| i == 0 || b[i - 1] != b'\r')
}

/// Bytes a body of `s` would occupy on the wire if its bare LFs were CRLFs.
fn crlf_len(s: &str) -> usize {
    let b = s.as_bytes();
    let lf = memchr::memchr_iter(b'\n', b).count();
    let crlf = memchr::memmem::find_iter(b, b"\r\n").count();
    b.len() + (lf - crlf)
}

/// Compares a Content-Length with the body as it appears in the text. Logs change bodies in
/// harmless ways, and none of those may read as a mismatch: CRLF printed as LF, the final line
/// end dropped or an extra one added, bytes decoded as Latin-1 (one char per byte). `None` when
/// some such reading matches.
pub(crate) fn content_length_mismatch(cl: u64, body: &str) -> Option<ProblemKind> {
    let core = body.trim_end_matches(['\r', '\n', ' ', '\t']);
    let bare_lf = has_bare_lf(body);
    let mut readings: [(u64, u64); 4] = [(body.len() as u64, core.len() as u64); 4];
    let mut n = 1;
    if bare_lf {
        readings[n] = (crlf_len(body) as u64, crlf_len(core) as u64);
        n += 1;
    }
    if !body.is_ascii() {
        let chars = |s: &str| s.chars().count() as u64;
        readings[n] = (chars(body), chars(core));
        n += 1;
        if bare_lf {
            let extra = |s: &str| (crlf_len(s) - s.len()) as u64;
            readings[n] = (chars(body) + extra(body), chars(core) + extra(core));
            n += 1;
        }
    }
    let readings = &readings[..n];
    let fits = |(full, core): (u64, u64)| cl == full || cl == core || cl == core + 2 || (bare_lf && cl == core + 1);
    if readings.iter().any(|&r| fits(r)) {
        return None;
    }
    let lo = readings.iter().map(|r| r.1).min().unwrap_or(0);
    let hi = readings.iter().map(|r| r.0.max(r.1 + 2)).max().unwrap_or(0);
    let primary = readings[if bare_lf { 1 } else { 0 }].0;
    Some(if cl > hi || (cl >= lo && cl > primary) {
        ProblemKind::ContentLengthTooLarge
    } else {
        ProblemKind::ContentLengthTooSmall
    })
}

/// Checks every entry of a comma list (empty entries are errors).
fn list_ok(value: &str, ok: impl Fn(&str) -> bool) -> bool {
    split_list_raw(value).all(|e| !e.is_empty() && ok(e))
}

/// An HTTP-date must say GMT (RFC 3261 §20.17).
fn date_ok(v: &str) -> bool {
    let v = trim_ws(v);
    v.len() > 4 && v.ends_with(" GMT") && v.contains(',')
}

fn value_ok(h: &Header<'_>) -> bool {
    let v = h.value;
    match h.known {
        HeaderName::Via => list_ok(v, Via::entry_ok),
        HeaderName::From | HeaderName::To | HeaderName::ReferTo => NameAddr::value_ok(v),
        HeaderName::Contact => list_ok(v, NameAddr::value_ok),
        HeaderName::Route | HeaderName::RecordRoute | HeaderName::Path => list_ok(v, NameAddr::angle_ok),
        HeaderName::CSeq => CSeq::parse(v).is_some(),
        HeaderName::CallId => {
            let v = trim_ws(v);
            !v.is_empty() && !v.contains(char::is_whitespace)
        }
        HeaderName::MaxForwards => parse_u32(trim_ws(v)).is_some_and(|n| n <= 255),
        HeaderName::Expires | HeaderName::MinExpires => parse_u32(trim_ws(v)).is_some(),
        HeaderName::MinSE => parse_u32(split_value(v)).is_some(),
        HeaderName::SessionExpires => SessionExpires::parse(v).is_some(),
        HeaderName::RetryAfter => RetryAfter::parse(v).is_some(),
        HeaderName::Warning => list_ok(v, |e| Warning::parse(e).is_some()),
        HeaderName::Event => Event::parse(v).is_some(),
        HeaderName::SubscriptionState => SubscriptionState::parse(v).is_some(),
        HeaderName::Date => date_ok(v),
        _ => true,
    }
}

/// The value before the first `;`.
fn split_value(v: &str) -> &str {
    trim_ws(v.split(';').next().unwrap_or(""))
}

/// At most this many BadSdp problems per body.
const MAX_SDP_PROBLEMS: usize = 8;

impl<'a> Message<'a> {
    /// The checks that need the whole message: typed header values, duplicates, mandatory
    /// headers, CSeq method, Content-Length against the body, SDP and multipart bodies.
    fn validate(&mut self) {
        let mut cache = Cache { overflow: self.headers.len() >= NO_HEADER as usize, ..Cache::default() };
        let mut dup_seen = 0u64;
        let mut problems = std::mem::take(&mut self.problems);
        for (i, h) in self.headers.iter().enumerate() {
            if h.known == HeaderName::Other {
                continue;
            }
            let k = h.known as usize;
            let first = cache.first[k];
            let is_first = first == NO_HEADER;
            if is_first {
                if i < NO_HEADER as usize {
                    cache.first[k] = i as u16;
                }
            } else if h.known.is_single() && dup_seen & (1 << k) == 0 {
                let f = self.headers[first as usize].value;
                if trim_ws(f) != trim_ws(h.value) {
                    problems.push(Problem { kind: ProblemKind::DuplicateHeader, line: h.line });
                    dup_seen |= 1 << k;
                }
            }
            let ok = match h.known {
                HeaderName::Via => {
                    let mut ok = true;
                    for e in split_list_raw(h.value) {
                        match Via::parse_checked(e) {
                            Some(p) => {
                                ok &= p.ok;
                                if cache.top_via.is_none() {
                                    cache.top_via = Some(p.via);
                                }
                            }
                            None => ok = false,
                        }
                    }
                    ok
                }
                HeaderName::From | HeaderName::To => {
                    let parsed = NameAddr::parse_checked(h.value);
                    if is_first {
                        let n = parsed.map(|(n, _)| n);
                        let tag = n.and_then(|n| n.tag());
                        if h.known == HeaderName::From {
                            (cache.from, cache.from_tag) = (n, tag);
                        } else {
                            (cache.to, cache.to_tag) = (n, tag);
                        }
                    }
                    parsed.is_some_and(|(_, ok)| ok)
                }
                HeaderName::CallId => {
                    if is_first {
                        cache.call_id = Some(trim_ws(h.value));
                    }
                    value_ok(h)
                }
                HeaderName::CSeq => {
                    let c = CSeq::parse(h.value);
                    if is_first {
                        cache.cseq = c;
                    }
                    c.is_some()
                }
                _ => value_ok(h),
            };
            if !ok {
                problems.push(Problem { kind: ProblemKind::BadHeaderValue, line: h.line });
            }
        }
        self.cache = cache;
        if self.missing_headers().next().is_some() {
            problems.push(Problem { kind: ProblemKind::MissingHeader, line: 0 });
        }
        if let (StartLine::Request { method, .. }, Some(c), Some(h)) =
            (self.start, self.cseq(), self.header(HeaderName::CSeq))
        {
            if c.method.as_str() != method.as_str() {
                problems.push(Problem { kind: ProblemKind::CSeqMethodMismatch, line: h.line });
            }
        }
        if let Some(h) = self.header(HeaderName::ContentLength) {
            let v = trim_ws(h.value);
            if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
                problems.push(Problem { kind: ProblemKind::BadContentLength, line: h.line });
            } else if dup_seen & (1 << HeaderName::ContentLength as usize) == 0 {
                let n = v.parse::<u64>().unwrap_or(u64::MAX);
                if let Some(kind) = content_length_mismatch(n, self.body) {
                    problems.push(Problem { kind, line: h.line });
                }
            }
        }
        self.check_body(&mut problems);
        problems.sort_by_key(|p| p.line);
        self.problems = problems;
    }

    fn check_body(&self, problems: &mut Vec<Problem>) {
        if self.body.trim().is_empty() {
            return;
        }
        let ct = self.content_type().map(trim_ws);
        match ct {
            Some(ct) if starts_with_ci(ct, "multipart/") => {
                let boundary = self.boundary().unwrap_or("");
                let parts = multipart::parts(self.body, boundary);
                if !parts.found() {
                    problems.push(Problem { kind: ProblemKind::BadMultipart, line: self.body_line });
                    return;
                }
                for p in parts {
                    if p.content_type.is_some_and(is_sdp_type) {
                        self.check_sdp(p.body, self.line_of_slice(p.body), problems);
                    }
                }
            }
            Some(ct) if is_sdp_type(ct) => self.check_sdp(self.body, self.body_line, problems),
            None if self.body.trim_start().starts_with("v=") => self.check_sdp(self.body, self.body_line, problems),
            _ => {}
        }
    }

    fn check_sdp(&self, body: &str, base: u32, problems: &mut Vec<Problem>) {
        let (bad, complete) = super::sdp::check(body);
        for l in bad.iter().take(MAX_SDP_PROBLEMS) {
            problems.push(Problem { kind: ProblemKind::BadSdp, line: base.saturating_add(*l) });
        }
        if !complete && bad.is_empty() {
            problems.push(Problem { kind: ProblemKind::BadSdp, line: base });
        }
    }

    /// 0-based line in `text` where slice `s` (which must point into `text`) starts.
    fn line_of_slice(&self, s: &str) -> u32 {
        let off = (s.as_ptr() as usize).saturating_sub(self.text.as_ptr() as usize);
        self.line_at(off)
    }

    /// The multipart boundary from Content-Type.
    fn boundary(&self) -> Option<&'a str> {
        let ct = self.content_type()?;
        let (_, ps) = ct.split_once(';')?;
        super::header::param(ps, "boundary").flatten()
    }

    pub fn is_request(&self) -> bool {
        matches!(self.start, StartLine::Request { .. })
    }

    /// The request method, or for a response the CSeq method.
    pub fn method(&self) -> Option<Method<'a>> {
        match self.start {
            StartLine::Request { method, .. } => Some(method),
            StartLine::Response { .. } => self.cseq().map(|c| c.method),
        }
    }

    pub fn status(&self) -> Option<u16> {
        match self.start {
            StartLine::Response { code, .. } => Some(code),
            StartLine::Request { .. } => None,
        }
    }

    pub fn reason_phrase(&self) -> Option<&'a str> {
        match self.start {
            StartLine::Response { reason, .. } => Some(reason),
            StartLine::Request { .. } => None,
        }
    }

    pub fn request_uri(&self) -> Option<&'a str> {
        match self.start {
            StartLine::Request { uri, .. } => Some(uri),
            StartLine::Response { .. } => None,
        }
    }

    /// The start line as written (without its line end).
    pub fn first_line(&self) -> &'a str {
        let t = self.text;
        let l = t.split('\n').next().unwrap_or("");
        l.strip_suffix('\r').unwrap_or(l)
    }

    /// All headers with this name (compact forms included), in order.
    pub fn headers_named(&self, name: HeaderName) -> impl Iterator<Item = &Header<'a>> + '_ {
        self.headers.iter().filter(move |h| h.known == name)
    }

    /// The first header with this name.
    pub fn header(&self, name: HeaderName) -> Option<&Header<'a>> {
        if name != HeaderName::Other && !self.cache.overflow {
            let i = self.cache.first[name as usize];
            if i == NO_HEADER {
                return None;
            }
            if let Some(h) = self.headers.get(i as usize).filter(|h| h.known == name) {
                return Some(h);
            }
        }
        self.headers.iter().find(|h| h.known == name)
    }

    /// The value of the first header with this name.
    pub fn value(&self, name: HeaderName) -> Option<&'a str> {
        self.header(name).map(|h| h.value)
    }

    /// The first header whose name matches `name` case-insensitively (for headers without a
    /// [`HeaderName`] variant).
    pub fn value_raw(&self, name: &str) -> Option<&'a str> {
        self.headers.iter().find(|h| h.name.eq_ignore_ascii_case(name)).map(|h| h.value)
    }

    /// Mandatory headers that are missing: To, From, Call-ID, CSeq, Via, and Max-Forwards on
    /// requests (RFC 3261 §8.1.1).
    pub fn missing_headers(&self) -> impl Iterator<Item = HeaderName> + '_ {
        const ALL: [HeaderName; 6] = [
            HeaderName::To,
            HeaderName::From,
            HeaderName::CallId,
            HeaderName::CSeq,
            HeaderName::Via,
            HeaderName::MaxForwards,
        ];
        let n = if self.is_request() { 6 } else { 5 };
        ALL[..n].iter().copied().filter(|&h| self.header(h).is_none())
    }

    pub fn call_id(&self) -> Option<&'a str> {
        if self.cache.overflow {
            return self.value(HeaderName::CallId).map(trim_ws);
        }
        self.cache.call_id
    }

    pub fn content_length(&self) -> Option<u64> {
        self.value(HeaderName::ContentLength).and_then(|v| trim_ws(v).parse().ok())
    }

    pub fn content_type(&self) -> Option<&'a str> {
        self.value(HeaderName::ContentType)
    }

    pub fn cseq(&self) -> Option<CSeq<'a>> {
        if self.cache.overflow {
            return self.value(HeaderName::CSeq).and_then(CSeq::parse);
        }
        self.cache.cseq
    }

    /// Every Via entry, top first (comma lists and repeated headers alike).
    pub fn vias(&self) -> impl Iterator<Item = Via<'a>> + '_ {
        self.list(HeaderName::Via).filter_map(Via::parse)
    }

    pub fn top_via(&self) -> Option<Via<'a>> {
        if self.cache.overflow {
            return self.vias().next();
        }
        self.cache.top_via
    }

    pub fn from(&self) -> Option<NameAddr<'a>> {
        if self.cache.overflow {
            return self.value(HeaderName::From).and_then(NameAddr::parse);
        }
        self.cache.from
    }

    pub fn to(&self) -> Option<NameAddr<'a>> {
        if self.cache.overflow {
            return self.value(HeaderName::To).and_then(NameAddr::parse);
        }
        self.cache.to
    }

    /// The From tag: `from().and_then(|f| f.tag())`, read once.
    pub fn from_tag(&self) -> Option<&'a str> {
        if self.cache.overflow {
            return self.from().and_then(|f| f.tag());
        }
        self.cache.from_tag
    }

    /// The To tag: `to().and_then(|t| t.tag())`, read once.
    pub fn to_tag(&self) -> Option<&'a str> {
        if self.cache.overflow {
            return self.to().and_then(|t| t.tag());
        }
        self.cache.to_tag
    }

    pub fn contacts(&self) -> impl Iterator<Item = NameAddr<'a>> + '_ {
        self.list(HeaderName::Contact).filter_map(NameAddr::parse)
    }

    pub fn routes(&self) -> impl Iterator<Item = NameAddr<'a>> + '_ {
        self.list(HeaderName::Route).filter_map(NameAddr::parse)
    }

    pub fn record_routes(&self) -> impl Iterator<Item = NameAddr<'a>> + '_ {
        self.list(HeaderName::RecordRoute).filter_map(NameAddr::parse)
    }

    /// P-Asserted-Identity entries.
    pub fn asserted_identities(&self) -> impl Iterator<Item = NameAddr<'a>> + '_ {
        self.list(HeaderName::PAssertedIdentity).filter_map(NameAddr::parse)
    }

    /// Entries of every header named `name`, comma lists split.
    pub fn list(&self, name: HeaderName) -> impl Iterator<Item = &'a str> + '_ {
        self.headers_named(name).flat_map(|h| split_list(h.value))
    }

    /// Whether a list header (Supported, Require, Allow, …) holds `token` (case-insensitive).
    pub fn has_token(&self, name: HeaderName, token: &str) -> bool {
        self.list(name).any(|t| t.eq_ignore_ascii_case(token))
    }

    pub fn reasons(&self) -> impl Iterator<Item = Reason<'a>> + '_ {
        self.list(HeaderName::Reason).filter_map(Reason::parse)
    }

    pub fn warnings(&self) -> impl Iterator<Item = Warning<'a>> + '_ {
        self.list(HeaderName::Warning).filter_map(Warning::parse)
    }

    pub fn retry_after(&self) -> Option<RetryAfter<'a>> {
        self.value(HeaderName::RetryAfter).and_then(RetryAfter::parse)
    }

    pub fn session_expires(&self) -> Option<SessionExpires<'a>> {
        self.value(HeaderName::SessionExpires).and_then(SessionExpires::parse)
    }

    /// Min-SE in seconds.
    pub fn min_se(&self) -> Option<u32> {
        self.value(HeaderName::MinSE).and_then(|v| parse_u32(split_value(v)))
    }

    /// Expires in seconds (values beyond u32 saturate).
    pub fn expires(&self) -> Option<u32> {
        self.value(HeaderName::Expires).and_then(|v| parse_u32_saturating(trim_ws(v)))
    }

    /// Min-Expires in seconds (in a 423 Interval Too Brief).
    pub fn min_expires(&self) -> Option<u32> {
        self.value(HeaderName::MinExpires).and_then(|v| parse_u32_saturating(trim_ws(v)))
    }

    pub fn max_forwards(&self) -> Option<u8> {
        self.value(HeaderName::MaxForwards).and_then(|v| parse_u32(trim_ws(v))).and_then(|n| u8::try_from(n).ok())
    }

    pub fn refer_to(&self) -> Option<ReferTo<'a>> {
        self.value(HeaderName::ReferTo).and_then(ReferTo::parse)
    }

    pub fn referred_by(&self) -> Option<NameAddr<'a>> {
        self.value(HeaderName::ReferredBy).and_then(NameAddr::parse)
    }

    /// The Replaces header (RFC 3891) of an INVITE.
    pub fn replaces(&self) -> Option<Replaces<'a>> {
        self.value(HeaderName::Replaces).and_then(Replaces::parse)
    }

    pub fn event(&self) -> Option<Event<'a>> {
        self.value(HeaderName::Event).and_then(Event::parse)
    }

    pub fn subscription_state(&self) -> Option<SubscriptionState<'a>> {
        self.value(HeaderName::SubscriptionState).and_then(SubscriptionState::parse)
    }

    /// Every challenge or credentials header named `name`, in order (a 401 may offer several
    /// algorithms).
    pub fn auths(&self, name: HeaderName) -> impl Iterator<Item = Auth<'a>> + '_ {
        self.headers_named(name).filter_map(|h| Auth::parse(h.value))
    }

    pub fn www_authenticate(&self) -> Option<Auth<'a>> {
        self.auths(HeaderName::WwwAuthenticate).next()
    }

    pub fn authorization(&self) -> Option<Auth<'a>> {
        self.auths(HeaderName::Authorization).next()
    }

    pub fn proxy_authenticate(&self) -> Option<Auth<'a>> {
        self.auths(HeaderName::ProxyAuthenticate).next()
    }

    pub fn proxy_authorization(&self) -> Option<Auth<'a>> {
        self.auths(HeaderName::ProxyAuthorization).next()
    }

    pub fn user_agent(&self) -> Option<&'a str> {
        self.value(HeaderName::UserAgent)
    }

    pub fn server(&self) -> Option<&'a str> {
        self.value(HeaderName::Server)
    }

    /// The parts of a multipart body (nothing when the body is not multipart).
    pub fn parts(&self) -> impl Iterator<Item = Part<'a>> {
        let multi = self.content_type().is_some_and(|ct| starts_with_ci(trim_ws(ct), "multipart/"));
        let boundary = if multi { self.boundary().unwrap_or("") } else { "" };
        multipart::parts(self.body, boundary)
    }

    /// The SDP of this message: the body when it is SDP (or has no Content-Type and starts with
    /// `v=`), or the `application/sdp` part of a multipart body.
    pub fn sdp(&self) -> Option<Sdp<'a>> {
        self.sdp_cow().map(std::borrow::Cow::into_owned)
    }

    /// Whether the message has an SDP: `sdp().is_some()` without reading it.
    pub fn has_sdp(&self) -> bool {
        self.has_sdp
    }

    /// [`Message::sdp`] without a copy while the message keeps it (from parsing until
    /// [`Message::release_sdp`]), read again after.
    pub(crate) fn sdp_cow(&self) -> Option<std::borrow::Cow<'_, Sdp<'a>>> {
        match &self.sdp.0 {
            Some(s) => Some(std::borrow::Cow::Borrowed(s)),
            None if self.has_sdp => self.read_sdp().map(std::borrow::Cow::Owned),
            None => None,
        }
    }

    /// Lets the kept SDP go ([`Message::sdp`] reads it again when asked): the analysis does
    /// once the diagnosis is done, so a long trace's SDPs do not stay in memory for the report.
    pub(crate) fn release_sdp(&mut self) {
        self.sdp = Kept(None);
    }

    fn read_sdp(&self) -> Option<Sdp<'a>> {
        let body = self.body;
        if body.trim().is_empty() {
            return None;
        }
        let (text, base) = match self.content_type().map(trim_ws) {
            Some(ct) if starts_with_ci(ct, "multipart/") => {
                let part = self.parts().find(|p| p.content_type.is_some_and(is_sdp_type)).or_else(|| {
                    // one level of nesting (multipart/alternative inside multipart/mixed)
                    self.parts().filter(|p| p.content_type.is_some_and(|c| starts_with_ci(c, "multipart/"))).find_map(
                        |p| {
                            let (_, ps) = p.content_type?.split_once(';')?;
                            let b = super::header::param(ps, "boundary").flatten()?;
                            multipart::parts(p.body, b).find(|q| q.content_type.is_some_and(is_sdp_type))
                        },
                    )
                })?;
                (part.body, self.line_of_slice(part.body))
            }
            Some(ct) if is_sdp_type(ct) => (body, self.body_line),
            Some(_) => return None,
            None => (body, self.body_line),
        };
        let mut sdp = super::sdp::parse(text)?;
        sdp.base_line = base;
        Some(sdp)
    }

    /// The status line carried in a `message/sipfrag` body (a NOTIFY about a REFER):
    /// `(code, reason)`.
    pub fn sipfrag_status(&self) -> Option<(u16, &'a str)> {
        let body = self.body.trim_start_matches(['\r', '\n', ' ', '\t']);
        let frag = match self.content_type().map(trim_ws) {
            Some(ct) => starts_with_ci(ct, "message/sipfrag"),
            None => starts_with_ci(body, "SIP/"),
        };
        if !frag {
            return None;
        }
        let line = body.split('\n').next()?;
        match parse_start_line(line) {
            Ok((StartLine::Response { code, reason, .. }, _)) => Some((code, reason)),
            _ => None,
        }
    }

    /// 0-based line in `text` of a byte offset inside it.
    pub fn line_at(&self, offset: usize) -> u32 {
        crate::text::line_of(self.text, offset).saturating_sub(1)
    }
}

fn is_sdp_type(ct: &str) -> bool {
    starts_with_ci(trim_ws(ct), "application/sdp")
}

/// Walks `body` until `cl` units are consumed: bytes, or chars when `chars`; a bare LF counts
/// twice when `lf_two` (a log that printed CRLF as LF). Returns the byte offset reached (always
/// a char boundary).
fn walk(body: &str, cl: u64, chars: bool, lf_two: bool) -> usize {
    let mut acc = 0u64;
    let mut prev = 0u8;
    for (i, c) in body.char_indices() {
        if acc >= cl {
            return i;
        }
        acc += if chars { 1 } else { c.len_utf8() as u64 };
        if lf_two && c == '\n' && prev != b'\r' {
            acc += 1;
        }
        prev = if c.is_ascii() { c as u8 } else { 0 };
    }
    body.len()
}

/// The length in bytes of the message starting at `text[0]` (after any blank lines), using
/// the empty line and Content-Length (wire framing, as for a stream: RFC 3261 §18.3). `None`
/// if the header block is not complete. Without a usable Content-Length the body is empty, as
/// a stream must read it. A header block that ends in a bare-LF empty line is taken as a log
/// that printed CRLF as LF, and text decoded as Latin-1 (one char per byte) is counted by
/// chars when that is what ends the message: both are framed as the wire had them. The result
/// is always a char boundary of `text`.
pub fn frame_len(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    let mut pos = b.iter().position(|&c| c != b'\r' && c != b'\n')?;
    let mut cl: Option<u64> = None;
    let mut first = true;
    let (body_start, lf_only) = loop {
        let end = pos + memchr::memchr(b'\n', &b[pos..])?;
        let raw = &text[pos..end];
        let crlf = raw.ends_with('\r');
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if trim_sp(line).is_empty() {
            break (end + 1, !crlf);
        }
        if !first && cl.is_none() {
            if let Some((n, v)) = line.split_once(':') {
                let n = trim_sp(n);
                if n.eq_ignore_ascii_case("content-length") || n.eq_ignore_ascii_case("l") {
                    let v = trim_sp(v);
                    if !v.is_empty() && v.bytes().all(|c| c.is_ascii_digit()) {
                        cl = Some(v.parse().unwrap_or(u64::MAX));
                    }
                }
            }
        }
        first = false;
        pos = end + 1;
    };
    let body = &text[body_start..];
    let cl = cl.unwrap_or(0);
    let primary = if !lf_only && body.is_ascii() {
        usize::try_from(cl).unwrap_or(usize::MAX).min(body.len())
    } else {
        walk(body, cl, false, lf_only)
    };
    let rest_blank = |at: usize| body.as_bytes()[at..].iter().all(|c| c.is_ascii_whitespace());
    if !rest_blank(primary) && !body.is_ascii() {
        let alt = walk(body, cl, true, lf_only);
        if rest_blank(alt) {
            return Some(body_start + alt);
        }
    }
    Some(body_start + primary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kept_sdp_reads_the_same_after_it_is_let_go() {
        let sdp = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";
        let with = format!(
            "INVITE sip:b@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\nFrom: <sip:a@example.com>;tag=1\r\nTo: <sip:b@example.com>\r\nCall-ID: c1\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\nContent-Type: application/sdp\r\nContent-Length: {}\r\n\r\n{sdp}",
            sdp.len()
        );
        let without = "SIP/2.0 100 Trying\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\nFrom: <sip:a@example.com>;tag=1\r\nTo: <sip:b@example.com>\r\nCall-ID: c1\r\nCSeq: 1 INVITE\r\n\r\n";
        for (text, has) in [(with.as_str(), true), (without, false)] {
            let kept = parse(text).unwrap();
            let mut released = kept.clone();
            released.release_sdp();
            assert_eq!(kept.has_sdp(), has);
            assert_eq!(released.has_sdp(), has);
            assert_eq!(released.sdp(), kept.sdp());
            assert_eq!(kept.sdp().is_some(), has);
            assert_eq!(released, kept);
            assert_eq!(kept.sdp_cow().map(|s| s.media.len()), has.then_some(1));
        }
    }

    #[test]
    fn request_and_response_lines() {
        let (s, p) = parse_start_line("INVITE sip:bob@example.com SIP/2.0").unwrap();
        assert!(matches!(s, StartLine::Request { method: Method::Invite, uri: "sip:bob@example.com", .. }));
        assert!(p.is_empty());
        let (s, p) = parse_start_line("SIP/2.0 183 Session Progress").unwrap();
        assert!(matches!(s, StartLine::Response { code: 183, reason: "Session Progress", .. }));
        assert!(p.is_empty());
        assert_eq!(parse_start_line("hello world"), Err(StartLineError::NotSip));
        assert_eq!(parse_start_line("SIP/7.0 200 OK").unwrap().1, vec![ProblemKind::BadVersion]);
        assert_eq!(
            parse_start_line("SIP/2.0 4294967301 better not break the receiver").unwrap().1,
            vec![ProblemKind::BadStatusCode]
        );
        assert_eq!(parse_start_line("INVITE  sip:a@b  SIP/2.0").unwrap().1, vec![ProblemKind::BadStartLine]);
    }

    #[test]
    fn headers_body_and_folding() {
        let m = parse(
            "OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nSubject: one\r\n two\r\nl: 4\r\n\r\nabcd",
        )
        .unwrap();
        assert_eq!(m.headers.len(), 3);
        assert_eq!(m.headers[1].value, "one\r\n two");
        assert_eq!(m.content_length(), Some(4));
        assert_eq!(m.body, "abcd");
        assert_eq!(m.problems, vec![Problem { kind: ProblemKind::MissingHeader, line: 0 }]);
    }

    #[test]
    fn content_length_against_lf_logs() {
        // A log printed with LF: Content-Length counts CRLF on the wire.
        assert_eq!(content_length_mismatch(10, "v=0\no=x\n"), None);
        assert_eq!(content_length_mismatch(40, "v=0\no=x\n"), Some(ProblemKind::ContentLengthTooLarge));
        assert_eq!(content_length_mismatch(3, "v=0\no=x\n"), Some(ProblemKind::ContentLengthTooSmall));
        // the log dropped the final CRLF
        assert_eq!(content_length_mismatch(10, "v=0\r\no=x"), None);
        // Latin-1 decoded bytes: one char per byte
        assert_eq!(content_length_mismatch(3, "a\u{e9}b"), None);
    }

    #[test]
    fn framing() {
        assert_eq!(frame_len("OPTIONS sip:a@b SIP/2.0\r\nl: 2\r\n\r\nabcd"), Some(35));
        assert_eq!(frame_len("OPTIONS sip:a@b SIP/2.0\r\nl: 2\r\n"), None);
        // LF log: 2 wire bytes per line end
        assert_eq!(frame_len("SIP/2.0 200 OK\nl: 10\n\nv=0\no=x\nnext"), Some(30));
        // no Content-Length: no body
        assert_eq!(frame_len("SIP/2.0 200 OK\n\nv=0\n"), Some(16));
        // never inside a char
        let t = "SIP/2.0 200 OK\r\nl: 1\r\n\r\n\u{e9}\u{e9}";
        assert!(t.is_char_boundary(frame_len(t).unwrap()));
    }
}
