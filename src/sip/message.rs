//! One SIP message: start line, header fields, body.

use super::header::{param, split_list, CSeq, HeaderName, NameAddr, Reason, Via};
use super::sdp::Sdp;
use super::{Problem, ProblemKind};
use crate::text::{starts_with_ci, trim_lws};

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
    pub text: &'a str,
    pub start: StartLine<'a>,
    pub headers: Vec<Header<'a>>,
    /// The body as present in the text (may differ from Content-Length: see `problems`).
    pub body: &'a str,
    /// 0-based line of the body's first line in `text` (meaningful when the body is not empty).
    pub body_line: u32,
    pub problems: Vec<Problem>,
}

fn is_token_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-.!%*_+`'~".contains(&b)
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

/// Reads a start line. Returns the start line and the problems it has (bad version, URI, code);
/// `Err` only when the line is not SIP at all.
pub fn parse_start_line(line: &str) -> Result<(StartLine<'_>, Vec<ProblemKind>), StartLineError> {
    let line = line.strip_suffix('\r').unwrap_or(line);
    if line.trim().is_empty() {
        return Err(StartLineError::Empty);
    }
    let mut problems = Vec::new();
    if starts_with_ci(line, "SIP/") {
        let (version, rest) = line.split_once(' ').ok_or(StartLineError::NotSip)?;
        split_version(version).ok_or(StartLineError::NotSip)?;
        if version != "SIP/2.0" {
            problems.push(ProblemKind::BadVersion);
        }
        let rest = rest.trim_start_matches(' ');
        let (code_s, reason) = rest.split_once(' ').unwrap_or((rest, ""));
        let code = if code_s.len() == 3 && code_s.bytes().all(|b| b.is_ascii_digit()) {
            code_s.parse::<u16>().unwrap_or(0)
        } else if !code_s.is_empty() && code_s.bytes().all(|b| b.is_ascii_digit()) {
            problems.push(ProblemKind::BadStatusCode);
            0
        } else {
            return Err(StartLineError::NotSip);
        };
        if !(100..=699).contains(&code) && !problems.contains(&ProblemKind::BadStatusCode) {
            problems.push(ProblemKind::BadStatusCode);
        }
        return Ok((StartLine::Response { version, code, reason }, problems));
    }
    // Request-Line = Method SP Request-URI SP SIP-Version
    let (method, rest) = line.split_once(' ').ok_or(StartLineError::NotSip)?;
    if method.is_empty() || !method.bytes().all(is_token_char) {
        return Err(StartLineError::NotSip);
    }
    let (uri, version) = match rest.rsplit_once(' ') {
        Some((u, v)) if split_version(v).is_some() => (u, v),
        Some((u, v)) if v.is_empty() => {
            // trailing SP after the version (RFC 4475 trws)
            match u.rsplit_once(' ') {
                Some((u2, v2)) if split_version(v2).is_some() => {
                    problems.push(ProblemKind::BadRequestUri);
                    (u2, v2)
                }
                _ => return Err(StartLineError::NotSip),
            }
        }
        _ => return Err(StartLineError::NotSip),
    };
    if version != "SIP/2.0" {
        problems.push(ProblemKind::BadVersion);
    }
    if uri.is_empty() || uri.contains([' ', '\t']) || uri.starts_with('<') || !uri.contains(':') {
        if !problems.contains(&ProblemKind::BadRequestUri) {
            problems.push(ProblemKind::BadRequestUri);
        }
    }
    Ok((StartLine::Request { method: Method::from_token(method), uri, version }, problems))
}

/// Parses one message. `text` should hold exactly one message (the ingesters frame it); bytes
/// beyond Content-Length that are not white space are reported as a problem, not dropped.
pub fn parse(text: &str) -> Result<Message<'_>, StartLineError> {
    let bytes = text.as_bytes();
    // Skip leading blank lines (RFC 3261 §7.5 allows CRLFs before the start line).
    let mut pos = 0;
    while pos < bytes.len() && (bytes[pos] == b'\r' || bytes[pos] == b'\n') {
        pos += 1;
    }
    let mut line_no: u32 = 0;
    let first_end = memchr::memchr(b'\n', &bytes[pos..]).map_or(bytes.len(), |i| pos + i);
    let (start, start_problems) = parse_start_line(&text[pos..first_end])?;
    let mut problems: Vec<Problem> = start_problems.into_iter().map(|kind| Problem { kind, line: 0 }).collect();
    let mut headers: Vec<Header<'_>> = Vec::with_capacity(16);
    pos = (first_end + 1).min(bytes.len());
    let mut body_start = bytes.len();
    let mut saw_blank = false;
    while pos < bytes.len() {
        line_no += 1;
        let end = memchr::memchr(b'\n', &bytes[pos..]).map_or(bytes.len(), |i| pos + i);
        let raw = &text[pos..end];
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let next = (end + 1).min(bytes.len());
        if line.is_empty() {
            body_start = next;
            saw_blank = true;
            line_no += 1;
            break;
        }
        let b0 = line.as_bytes()[0];
        if (b0 == b' ' || b0 == b'\t') && !headers.is_empty() {
            // folded continuation: extend the previous value to the end of this line
            if line.trim().is_empty() {
                // a line of only white space ends the headers in practice
                body_start = next;
                saw_blank = true;
                line_no += 1;
                break;
            }
            let h = headers.last_mut().expect("checked non-empty");
            let vstart = h.value.as_ptr() as usize - text.as_ptr() as usize;
            let vend = pos + line.trim_end_matches([' ', '\t']).len();
            if vstart <= vend {
                h.value = &text[vstart..vend];
            }
            pos = next;
            continue;
        }
        match line.find(':').map(|c| (trim_lws(&line[..c]), c)) {
            Some((name, colon)) if !name.is_empty() && name.bytes().all(is_token_char) => {
                let value = trim_lws(&line[colon + 1..]);
                headers.push(Header { name, known: HeaderName::lookup(name), value, line: line_no });
            }
            _ => {
                // Not a header: either a body that came without a blank line, or a damaged line.
                if !headers.is_empty() && looks_like_body_line(line) {
                    problems.push(Problem { kind: ProblemKind::MissingBlankLine, line: line_no });
                    body_start = pos;
                    break;
                }
                problems.push(Problem { kind: ProblemKind::BadHeaderLine, line: line_no });
            }
        }
        pos = next;
    }
    let body_line = line_no;
    let mut body = &text[body_start.min(text.len())..];
    if !saw_blank && body_start == bytes.len() {
        body = "";
    }
    let mut msg = Message { text, start, headers, body, body_line, problems };
    msg.check_content_length();
    Ok(msg)
}

fn looks_like_body_line(line: &str) -> bool {
    let b = line.as_bytes();
    // SDP "x=" lines, or multipart boundaries
    (b.len() >= 2 && b[1] == b'=' && b[0].is_ascii_lowercase()) || line.starts_with("--")
}

/// Bytes a body of `s` would occupy on the wire if its bare LFs were CRLFs.
fn crlf_len(s: &str) -> usize {
    let b = s.as_bytes();
    let lf = memchr::memchr_iter(b'\n', b).count();
    let crlf = memchr::memmem::find_iter(b, b"\r\n").count();
    b.len() + (lf - crlf)
}

impl<'a> Message<'a> {
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

    /// All headers with this name (compact forms included), in order.
    pub fn headers_named(&self, name: HeaderName) -> impl Iterator<Item = &Header<'a>> + '_ {
        self.headers.iter().filter(move |h| h.known == name)
    }

    /// The first header with this name.
    pub fn header(&self, name: HeaderName) -> Option<&Header<'a>> {
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

    pub fn call_id(&self) -> Option<&'a str> {
        self.value(HeaderName::CallId)
    }

    pub fn content_length(&self) -> Option<u64> {
        self.value(HeaderName::ContentLength).and_then(|v| trim_lws(v).parse().ok())
    }

    pub fn content_type(&self) -> Option<&'a str> {
        self.value(HeaderName::ContentType)
    }

    pub fn cseq(&self) -> Option<CSeq<'a>> {
        self.value(HeaderName::CSeq).and_then(CSeq::parse)
    }

    /// Every Via entry, top first (comma lists and repeated headers alike).
    pub fn vias(&self) -> impl Iterator<Item = Via<'a>> + '_ {
        self.list(HeaderName::Via).filter_map(Via::parse)
    }

    pub fn top_via(&self) -> Option<Via<'a>> {
        self.vias().next()
    }

    pub fn from(&self) -> Option<NameAddr<'a>> {
        self.value(HeaderName::From).and_then(NameAddr::parse)
    }

    pub fn to(&self) -> Option<NameAddr<'a>> {
        self.value(HeaderName::To).and_then(NameAddr::parse)
    }

    pub fn contacts(&self) -> impl Iterator<Item = NameAddr<'a>> + '_ {
        self.list(HeaderName::Contact).filter_map(NameAddr::parse)
    }

    /// Entries of every header named `name`, comma lists split.
    pub fn list(&self, name: HeaderName) -> impl Iterator<Item = &'a str> + '_ {
        self.headers_named(name).flat_map(|h| split_list(h.value))
    }

    pub fn reasons(&self) -> impl Iterator<Item = Reason<'a>> + '_ {
        self.list(HeaderName::Reason).filter_map(Reason::parse)
    }

    /// The SDP of this message: the body when it is SDP, or the `application/sdp` part of a
    /// multipart body.
    pub fn sdp(&self) -> Option<Sdp<'a>> {
        let body = self.body;
        if body.trim().is_empty() {
            return None;
        }
        let ct = self.content_type().unwrap_or("application/sdp");
        if starts_with_ci(trim_lws(ct), "multipart/") {
            let boundary = param(ct.split_once(';').map_or("", |(_, p)| p), "boundary").flatten()?;
            return multipart_parts(body, boundary)
                .find(|(ct, _)| ct.is_some_and(|c| starts_with_ci(c, "application/sdp")))
                .and_then(|(_, b)| super::sdp::parse(b));
        }
        super::sdp::parse(body)
    }

    /// 0-based line in `text` of a byte offset inside it.
    pub fn line_at(&self, offset: usize) -> u32 {
        crate::text::line_of(self.text, offset).saturating_sub(1)
    }

    fn check_content_length(&mut self) {
        let Some(h) = self.header(HeaderName::ContentLength).copied() else { return };
        let v = trim_lws(h.value);
        let Ok(cl) = v.parse::<u64>() else {
            self.problems.push(Problem { kind: ProblemKind::BadContentLength, line: h.line });
            return;
        };
        if self.headers_named(HeaderName::ContentLength).nth(1).is_some_and(|h2| trim_lws(h2.value) != v) {
            self.problems.push(Problem { kind: ProblemKind::DuplicateHeader, line: h.line });
        }
        let body = self.body;
        let raw = body.len() as u64;
        let trimmed = body.trim_end_matches(['\r', '\n', ' ', '\t']);
        let has_bare_lf = crlf_len(body) != body.len();
        let ok = if has_bare_lf {
            // A log that turned CRLF into LF: compare with the wire length, allowing for a final
            // line end that the log dropped, or a sender that really used bare LF.
            let wire = crlf_len(body) as u64;
            let wire_trimmed = crlf_len(trimmed) as u64;
            cl == wire || cl == raw || cl == wire_trimmed + 2 || cl == wire_trimmed || cl == wire + 2
        } else {
            let t = trimmed.len() as u64;
            cl == raw || cl == t || cl == t + 2 || cl == raw + 2
        };
        if ok {
            return;
        }
        if cl > crlf_len(body) as u64 + 2 {
            self.problems.push(Problem { kind: ProblemKind::ContentLengthTooLarge, line: h.line });
        } else if cl < trimmed.len() as u64 {
            self.problems.push(Problem { kind: ProblemKind::ContentLengthTooSmall, line: h.line });
        }
    }
}

/// The parts of a multipart body (RFC 2046): each part's Content-Type (if it has one) and body.
pub fn multipart_parts<'a>(body: &'a str, boundary: &str) -> impl Iterator<Item = (Option<&'a str>, &'a str)> + 'a {
    let delim = format!("--{boundary}");
    let mut parts = Vec::new();
    let mut rest = body;
    if let Some(i) = rest.find(&delim) {
        rest = &rest[i + delim.len()..];
        while !rest.starts_with("--") {
            let end = rest.find(&delim).unwrap_or(rest.len());
            let part = rest[..end].trim_start_matches(['\r', '\n']);
            let (head, pbody) = match part.find("\r\n\r\n") {
                Some(i) => (&part[..i], &part[i + 4..]),
                None => match part.find("\n\n") {
                    Some(i) => (&part[..i], &part[i + 2..]),
                    None => ("", part),
                },
            };
            let ct = head.lines().find_map(|l| {
                let (n, v) = l.split_once(':')?;
                (trim_lws(n).eq_ignore_ascii_case("content-type") || trim_lws(n) == "c")
                    .then(|| trim_lws(v.trim_end_matches('\r')))
            });
            parts.push((ct, pbody));
            if end == rest.len() {
                break;
            }
            rest = &rest[end + delim.len()..];
        }
    }
    parts.into_iter()
}

/// The length in bytes of the message starting at `text[0]`, using the blank line and
/// Content-Length (wire framing, as for a stream). `None` if the header block is not complete.
pub fn frame_len(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    let (hdr_end, body_start) = match memchr::memmem::find(b, b"\r\n\r\n") {
        Some(i) => (i, i + 4),
        None => {
            let i = memchr::memmem::find(b, b"\n\n")?;
            (i, i + 2)
        }
    };
    let mut cl: usize = 0;
    for line in text[..hdr_end].lines().skip(1) {
        if let Some((n, v)) = line.split_once(':') {
            let n = trim_lws(n);
            if n.eq_ignore_ascii_case("content-length") || n == "l" {
                cl = trim_lws(v.trim_end_matches('\r')).parse().unwrap_or(0);
            }
        }
    }
    Some(body_start.saturating_add(cl).min(b.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert!(m.problems.is_empty(), "{:?}", m.problems);
    }

    #[test]
    fn content_length_against_lf_logs() {
        // A log printed with LF: Content-Length counts CRLF on the wire.
        let m = parse("SIP/2.0 200 OK\nContent-Length: 10\n\nv=0\no=x\n").unwrap();
        assert!(m.problems.is_empty(), "{:?}", m.problems);
        let m = parse("SIP/2.0 200 OK\nContent-Length: 40\n\nv=0\no=x\n").unwrap();
        assert_eq!(m.problems[0].kind, ProblemKind::ContentLengthTooLarge);
    }
}
