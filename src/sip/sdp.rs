//! SDP (RFC 4566 / 8866) bodies: origin, connection, media lines, rtpmap/fmtp, ptime and the
//! direction attributes, at session and media level, and ICE candidates on demand. Lenient:
//! unknown lines are skipped, and a body that is not SDP at all yields `None`.
//!
//! Line numbers are 0-based within the SDP text; [`Sdp::base_line`] says where that text
//! starts in the message (set by [`crate::sip::Message::sdp`]).

/// Media direction (RFC 3264). `SendRecv` is the default when no attribute is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Direction {
    #[default]
    SendRecv,
    SendOnly,
    RecvOnly,
    Inactive,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::SendRecv => "sendrecv",
            Direction::SendOnly => "sendonly",
            Direction::RecvOnly => "recvonly",
            Direction::Inactive => "inactive",
        }
    }
    fn from_attr(a: &str) -> Option<Direction> {
        Some(match a {
            "sendrecv" => Direction::SendRecv,
            "sendonly" => Direction::SendOnly,
            "recvonly" => Direction::RecvOnly,
            "inactive" => Direction::Inactive,
            _ => return None,
        })
    }
}

/// One payload format of a media line, with its rtpmap/fmtp when present (static payload types
/// get their RFC 3551 names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Format<'a> {
    pub pt: u8,
    /// encoding name, e.g. "PCMU", "telephone-event", "opus"
    pub name: &'a str,
    pub clock: u32,
    pub fmtp: Option<&'a str>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Media<'a> {
    pub kind: &'a str,
    pub port: u16,
    pub proto: &'a str,
    pub formats: Vec<Format<'a>>,
    /// c= address for this stream (media level, else session level)
    pub address: Option<&'a str>,
    /// 0-based line of the c= line that gave `address`
    pub address_line: Option<u32>,
    pub direction: Direction,
    pub ptime: Option<u32>,
    /// 0-based line within the SDP body of the m= line
    pub line: u32,
    /// The media section as written: the m= line up to the next m= line.
    pub text: &'a str,
}

impl<'a> Media<'a> {
    pub fn has_telephone_event(&self) -> bool {
        self.formats.iter().any(|f| f.name.eq_ignore_ascii_case("telephone-event"))
    }

    /// The format with payload type `pt`.
    pub fn format(&self, pt: u8) -> Option<&Format<'a>> {
        self.formats.iter().find(|f| f.pt == pt)
    }

    /// The `a=` attributes of this media section, in order: `(name, value)`.
    pub fn attrs(&self) -> impl Iterator<Item = (&'a str, Option<&'a str>)> + 'a {
        attrs_of(self.text)
    }

    /// The first attribute `name` (`Some(None)` for a flag such as `a=rtcp-mux`).
    pub fn attr(&self, name: &str) -> Option<Option<&'a str>> {
        self.attrs().find(|(n, _)| *n == name).map(|(_, v)| v)
    }

    /// ICE candidates (`a=candidate:`), those that could be read.
    pub fn candidates(&self) -> impl Iterator<Item = Candidate<'a>> + 'a {
        self.attrs().filter(|(n, _)| *n == "candidate").filter_map(|(_, v)| v.and_then(Candidate::parse))
    }

    /// SRTP profiles (`RTP/SAVP`, `RTP/SAVPF`, `UDP/TLS/RTP/SAVPF`).
    pub fn is_secure(&self) -> bool {
        self.proto.contains("SAVP")
    }

    /// The stream is put on hold or disabled: port 0, a direction other than sendrecv, or the
    /// RFC 2543 hold address 0.0.0.0.
    pub fn is_on_hold(&self) -> bool {
        self.port == 0
            || matches!(self.direction, Direction::SendOnly | Direction::Inactive)
            || self.address == Some("0.0.0.0")
    }
}

/// An ICE candidate: `a=candidate:1 1 UDP 2130706431 192.0.2.1 5000 typ host`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate<'a> {
    pub foundation: &'a str,
    pub component: u32,
    pub transport: &'a str,
    pub priority: u64,
    pub address: &'a str,
    pub port: u16,
    /// `host`, `srflx`, `prflx`, `relay`.
    pub typ: &'a str,
    pub raddr: Option<&'a str>,
    pub rport: Option<u16>,
}

impl<'a> Candidate<'a> {
    pub fn parse(v: &'a str) -> Option<Candidate<'a>> {
        let mut it = v.split_ascii_whitespace();
        let foundation = it.next()?;
        let component = it.next()?.parse().ok()?;
        let transport = it.next()?;
        let priority = it.next()?.parse().ok()?;
        let address = it.next()?;
        let port = it.next()?.parse().ok()?;
        if it.next()? != "typ" {
            return None;
        }
        let typ = it.next()?;
        let mut c =
            Candidate { foundation, component, transport, priority, address, port, typ, raddr: None, rport: None };
        while let Some(k) = it.next() {
            let Some(v) = it.next() else { break };
            match k {
                "raddr" => c.raddr = Some(v),
                "rport" => c.rport = v.parse().ok(),
                _ => {}
            }
        }
        Some(c)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sdp<'a> {
    /// The SDP text as given.
    pub text: &'a str,
    /// 0-based line in the message of the SDP's first line (0 when parsed on its own).
    pub base_line: u32,
    pub origin: Option<&'a str>,
    /// o= address
    pub origin_address: Option<&'a str>,
    /// o= sess-id
    pub origin_session: Option<&'a str>,
    /// o= sess-version (must grow when an offer changes)
    pub origin_version: Option<u64>,
    /// 0-based line of the o= line
    pub origin_line: Option<u32>,
    pub session_address: Option<&'a str>,
    /// Session-level direction attribute (default sendrecv).
    pub direction: Direction,
    pub media: Vec<Media<'a>>,
    /// 0-based line (within the body) of the session-level c= line, if any
    pub connection_line: Option<u32>,
    /// lines that were not `x=value`
    pub bad_lines: Vec<u32>,
    /// Byte length of the session part (before the first m= line).
    session_len: usize,
}

impl<'a> Sdp<'a> {
    /// Session-level `a=` attributes.
    pub fn attrs(&self) -> impl Iterator<Item = (&'a str, Option<&'a str>)> + 'a {
        attrs_of(self.text.get(..self.session_len).unwrap_or(""))
    }

    /// The first session-level attribute `name`.
    pub fn attr(&self, name: &str) -> Option<Option<&'a str>> {
        self.attrs().find(|(n, _)| *n == name).map(|(_, v)| v)
    }

    /// The message line (0-based) of SDP line `line`.
    pub fn message_line(&self, line: u32) -> u32 {
        self.base_line.saturating_add(line)
    }
}

/// Trims ASCII white space (SP, HTAB, CR, LF) from both ends.
fn trim_ascii(s: &str) -> &str {
    let b = s.as_bytes();
    let (mut i, mut j) = (0, b.len());
    while i < j && b[i].is_ascii_whitespace() {
        i += 1;
    }
    while j > i && b[j - 1].is_ascii_whitespace() {
        j -= 1;
    }
    s.get(i..j).unwrap_or("")
}

fn attrs_of(text: &str) -> impl Iterator<Item = (&str, Option<&str>)> {
    crate::text::lines(text).filter_map(|l| {
        let v = trim_ascii(l.text).strip_prefix("a=")?;
        Some(match v.split_once(':') {
            Some((n, v)) => (n, Some(v)),
            None => (v, None),
        })
    })
}

/// RFC 3551 static payload types.
pub fn static_payload(pt: u8) -> Option<(&'static str, u32)> {
    Some(match pt {
        0 => ("PCMU", 8000),
        3 => ("GSM", 8000),
        4 => ("G723", 8000),
        5 => ("DVI4", 8000),
        6 => ("DVI4", 16000),
        7 => ("LPC", 8000),
        8 => ("PCMA", 8000),
        9 => ("G722", 8000),
        10 => ("L16", 44100),
        11 => ("L16", 44100),
        12 => ("QCELP", 8000),
        13 => ("CN", 8000),
        14 => ("MPA", 90000),
        15 => ("G728", 8000),
        18 => ("G729", 8000),
        26 => ("JPEG", 90000),
        31 => ("H261", 90000),
        34 => ("H263", 90000),
        _ => return None,
    })
}

fn conn_addr(v: &str) -> Option<&str> {
    // c=IN IP4 203.0.113.1[/ttl]
    let mut it = v.split_ascii_whitespace();
    let _net = it.next()?;
    let _at = it.next()?;
    let a = it.next()?;
    Some(a.split('/').next().unwrap_or(a))
}

/// Where an SDP text breaks the grammar: the 0-based lines that are not `x=value`, and whether
/// the mandatory v=, o=, s=, t= lines are all there. Cheap (no allocation unless lines are bad).
pub(crate) fn check(body: &str) -> (Vec<u32>, bool) {
    let mut bad = Vec::new();
    let mut seen = 0u8;
    let mut first = true;
    for l in crate::text::lines(body) {
        let t = l.text;
        if trim_ascii(t).is_empty() {
            continue;
        }
        let b = t.as_bytes();
        if b.len() < 2 || b[1] != b'=' || !b[0].is_ascii_lowercase() || (first && b[0] != b'v') {
            bad.push(l.no - 1);
        }
        first = false;
        match b[0] {
            b'v' => seen |= 1,
            b'o' => seen |= 2,
            b's' => seen |= 4,
            b't' => seen |= 8,
            _ => {}
        }
    }
    (bad, seen == 15)
}

/// Reads an SDP body. Returns `None` when the body does not start like SDP (`v=` first).
pub fn parse(body: &str) -> Option<Sdp<'_>> {
    let mut lines = crate::text::lines(body).peekable();
    // tolerate leading blank lines
    while lines.peek().is_some_and(|l| trim_ascii(l.text).is_empty()) {
        lines.next();
    }
    let first = lines.peek()?;
    if !first.text.trim_start().starts_with("v=") {
        return None;
    }
    let mut sdp = Sdp {
        text: body,
        base_line: 0,
        origin: None,
        origin_address: None,
        origin_session: None,
        origin_version: None,
        origin_line: None,
        session_address: None,
        direction: Direction::SendRecv,
        media: Vec::new(),
        connection_line: None,
        bad_lines: Vec::new(),
        session_len: body.len(),
    };
    let mut media_dir: Option<Direction> = None;
    let mut session_ptime = None;
    for l in lines {
        let line = trim_ascii(l.text);
        if line.is_empty() {
            continue;
        }
        let ln = l.no - 1;
        let b = line.as_bytes();
        if b.len() < 2 || b[1] != b'=' {
            sdp.bad_lines.push(ln);
            continue;
        }
        let v = &line[2..];
        match b[0] {
            b'o' => {
                sdp.origin = Some(v);
                sdp.origin_line = Some(ln);
                let mut it = v.split_ascii_whitespace();
                sdp.origin_session = it.nth(1);
                sdp.origin_version = it.next().and_then(|s| s.parse().ok());
                sdp.origin_address = it.nth(2);
            }
            b'c' => {
                let a = conn_addr(v);
                match sdp.media.last_mut() {
                    Some(m) => {
                        m.address = a;
                        m.address_line = Some(ln);
                    }
                    None => {
                        sdp.session_address = a;
                        sdp.connection_line = Some(ln);
                    }
                }
            }
            b'm' => {
                if let Some(m) = sdp.media.last_mut() {
                    m.direction = media_dir.take().unwrap_or(sdp.direction);
                    m.text = body.get(section_start(body, m)..l.offset).unwrap_or("");
                } else {
                    sdp.session_len = l.offset;
                }
                let mut it = v.split_ascii_whitespace();
                let kind = it.next().unwrap_or("");
                let port = it.next().and_then(|p| p.split('/').next()).and_then(|p| p.parse().ok()).unwrap_or(0);
                let proto = it.next().unwrap_or("");
                let formats = it
                    .filter_map(|f| f.parse::<u8>().ok())
                    .map(|pt| {
                        let (name, clock) = static_payload(pt).unwrap_or(("", 0));
                        Format { pt, name, clock, fmtp: None }
                    })
                    .collect();
                sdp.media.push(Media {
                    kind,
                    port,
                    proto,
                    formats,
                    address: None,
                    address_line: None,
                    direction: sdp.direction,
                    ptime: None,
                    line: ln,
                    // offset of the m= line until the section is closed
                    text: body.get(l.offset..l.offset).unwrap_or(""),
                });
            }
            b'a' => {
                let (name, val) = match v.as_bytes().iter().position(|&c| c == b':') {
                    Some(i) => (&v[..i], &v[i + 1..]),
                    None => (v, ""),
                };
                if let Some(d) = Direction::from_attr(name) {
                    if sdp.media.is_empty() {
                        sdp.direction = d;
                    } else {
                        media_dir = Some(d);
                    }
                } else if name == "rtpmap" {
                    let (pt, enc) = val.split_once(' ').unwrap_or((val, ""));
                    if let (Ok(pt), Some(m)) = (pt.trim().parse::<u8>(), sdp.media.last_mut()) {
                        if let Some(f) = m.formats.iter_mut().find(|f| f.pt == pt) {
                            let mut parts = enc.trim().split('/');
                            f.name = parts.next().unwrap_or("");
                            f.clock = parts.next().and_then(|c| c.parse().ok()).unwrap_or(0);
                        }
                    }
                } else if name == "fmtp" {
                    let (pt, p) = val.split_once(' ').unwrap_or((val, ""));
                    if let (Ok(pt), Some(m)) = (pt.trim().parse::<u8>(), sdp.media.last_mut()) {
                        if let Some(f) = m.formats.iter_mut().find(|f| f.pt == pt) {
                            f.fmtp = Some(p.trim());
                        }
                    }
                } else if name == "ptime" {
                    let p = val.trim().parse().ok();
                    match sdp.media.last_mut() {
                        Some(m) => m.ptime = p,
                        None => session_ptime = p,
                    }
                }
            }
            _ => {}
        }
    }
    if let Some(m) = sdp.media.last_mut() {
        m.direction = media_dir.take().unwrap_or(sdp.direction);
        m.text = body.get(section_start(body, m)..).unwrap_or("");
    }
    let (session_address, session_line) = (sdp.session_address, sdp.connection_line);
    for m in &mut sdp.media {
        if m.address.is_none() {
            m.address = session_address;
            m.address_line = session_line;
        }
        if m.ptime.is_none() {
            m.ptime = session_ptime;
        }
    }
    Some(sdp)
}

/// Byte offset in `body` of the m= line of `m` (its `text` is an empty slice there until the
/// section is closed).
fn section_start(body: &str, m: &Media<'_>) -> usize {
    (m.text.as_ptr() as usize).saturating_sub(body.as_ptr() as usize).min(body.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offer_with_dtmf_and_direction() {
        let body = "v=0\r\no=- 1 1 IN IP4 192.168.1.20\r\ns=-\r\nc=IN IP4 192.168.1.20\r\nt=0 0\r\nm=audio 10000 RTP/AVP 0 8 101\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ptime:20\r\na=sendonly\r\n";
        let s = parse(body).unwrap();
        assert_eq!(s.origin_address, Some("192.168.1.20"));
        assert_eq!((s.origin_session, s.origin_version), (Some("1"), Some(1)));
        let m = &s.media[0];
        assert_eq!(
            (m.kind, m.port, m.address, m.direction, m.ptime),
            ("audio", 10000, Some("192.168.1.20"), Direction::SendOnly, Some(20))
        );
        assert_eq!(m.address_line, Some(3));
        let names: Vec<_> = m.formats.iter().map(|f| f.name).collect();
        assert_eq!(names, vec!["PCMU", "PCMA", "telephone-event"]);
        assert!(m.has_telephone_event());
        assert_eq!(m.formats[2].fmtp, Some("0-16"));
        assert!(m.text.starts_with("m=audio") && m.text.ends_with("a=sendonly\r\n"));
        assert_eq!(m.attr("ptime"), Some(Some("20")));
        assert!(parse("hello").is_none());
        assert_eq!(check(body), (vec![], true));
        assert_eq!(check("v=0\r\nm =video 1 RTP/AVP 0\r\n"), (vec![1], false));
    }
}
