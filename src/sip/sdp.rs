//! SDP (RFC 4566 / 8866) bodies: origin, connection, media lines, rtpmap/fmtp, ptime and the
//! direction attributes, at session and media level. Lenient: unknown lines are skipped, and a
//! body that is not SDP at all yields `None`.

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
    pub direction: Direction,
    pub ptime: Option<u32>,
    /// 0-based line within the SDP body of the m= line
    pub line: u32,
}

impl Media<'_> {
    pub fn has_telephone_event(&self) -> bool {
        self.formats.iter().any(|f| f.name.eq_ignore_ascii_case("telephone-event"))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sdp<'a> {
    pub origin: Option<&'a str>,
    /// o= address
    pub origin_address: Option<&'a str>,
    pub session_address: Option<&'a str>,
    pub media: Vec<Media<'a>>,
    /// 0-based line (within the body) of the session-level c= line, if any
    pub connection_line: Option<u32>,
    /// lines that were not `x=value`
    pub bad_lines: Vec<u32>,
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

/// Reads an SDP body. Returns `None` when the body does not start like SDP (`v=` first).
pub fn parse(body: &str) -> Option<Sdp<'_>> {
    let mut lines = crate::text::lines(body).peekable();
    // tolerate leading blank lines
    while lines.peek().is_some_and(|l| l.text.trim().is_empty()) {
        lines.next();
    }
    let first = lines.peek()?;
    if !first.text.trim_start().starts_with("v=") {
        return None;
    }
    let mut sdp = Sdp {
        origin: None,
        origin_address: None,
        session_address: None,
        media: Vec::new(),
        connection_line: None,
        bad_lines: Vec::new(),
    };
    let mut session_dir = Direction::SendRecv;
    let mut media_dir: Option<Direction> = None;
    let mut rtpmaps: Vec<(usize, u8, &str, u32)> = Vec::new();
    let mut fmtps: Vec<(usize, u8, &str)> = Vec::new();
    for l in lines {
        let line = l.text.trim();
        if line.is_empty() {
            continue;
        }
        let ln = l.no - 1;
        let Some((k, v)) = line.split_once('=') else {
            sdp.bad_lines.push(ln);
            continue;
        };
        if k.len() != 1 {
            sdp.bad_lines.push(ln);
            continue;
        }
        match k {
            "o" => {
                sdp.origin = Some(v);
                sdp.origin_address = v.split_ascii_whitespace().nth(5);
            }
            "c" => {
                let a = conn_addr(v);
                match sdp.media.last_mut() {
                    Some(m) => m.address = a,
                    None => {
                        sdp.session_address = a;
                        sdp.connection_line = Some(ln);
                    }
                }
            }
            "m" => {
                if let Some(m) = sdp.media.last_mut() {
                    m.direction = media_dir.take().unwrap_or(session_dir);
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
                    direction: session_dir,
                    ptime: None,
                    line: ln,
                });
            }
            "a" => {
                let (name, val) = v.split_once(':').unwrap_or((v, ""));
                if let Some(d) = Direction::from_attr(name) {
                    if sdp.media.is_empty() {
                        session_dir = d;
                    } else {
                        media_dir = Some(d);
                    }
                } else if name == "rtpmap" {
                    let (pt, enc) = val.split_once(' ').unwrap_or((val, ""));
                    if let (Ok(pt), false) = (pt.trim().parse::<u8>(), sdp.media.is_empty()) {
                        let mut parts = enc.trim().split('/');
                        let ename = parts.next().unwrap_or("");
                        let clock = parts.next().and_then(|c| c.parse().ok()).unwrap_or(0);
                        rtpmaps.push((sdp.media.len() - 1, pt, ename, clock));
                    }
                } else if name == "fmtp" {
                    let (pt, p) = val.split_once(' ').unwrap_or((val, ""));
                    if let (Ok(pt), false) = (pt.trim().parse::<u8>(), sdp.media.is_empty()) {
                        fmtps.push((sdp.media.len() - 1, pt, p.trim()));
                    }
                } else if name == "ptime" {
                    if let Some(m) = sdp.media.last_mut() {
                        m.ptime = val.trim().parse().ok();
                    }
                }
            }
            _ => {}
        }
    }
    if let Some(m) = sdp.media.last_mut() {
        m.direction = media_dir.take().unwrap_or(session_dir);
    }
    for (mi, pt, name, clock) in rtpmaps {
        if let Some(f) = sdp.media.get_mut(mi).and_then(|m| m.formats.iter_mut().find(|f| f.pt == pt)) {
            f.name = name;
            f.clock = clock;
        }
    }
    for (mi, pt, p) in fmtps {
        if let Some(f) = sdp.media.get_mut(mi).and_then(|m| m.formats.iter_mut().find(|f| f.pt == pt)) {
            f.fmtp = Some(p);
        }
    }
    let session_address = sdp.session_address;
    for m in &mut sdp.media {
        if m.address.is_none() {
            m.address = session_address;
        }
    }
    Some(sdp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offer_with_dtmf_and_direction() {
        let body = "v=0\r\no=- 1 1 IN IP4 192.168.1.20\r\ns=-\r\nc=IN IP4 192.168.1.20\r\nt=0 0\r\nm=audio 10000 RTP/AVP 0 8 101\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ptime:20\r\na=sendonly\r\n";
        let s = parse(body).unwrap();
        assert_eq!(s.origin_address, Some("192.168.1.20"));
        let m = &s.media[0];
        assert_eq!(
            (m.kind, m.port, m.address, m.direction, m.ptime),
            ("audio", 10000, Some("192.168.1.20"), Direction::SendOnly, Some(20))
        );
        let names: Vec<_> = m.formats.iter().map(|f| f.name).collect();
        assert_eq!(names, vec!["PCMU", "PCMA", "telephone-event"]);
        assert!(m.has_telephone_event());
        assert_eq!(m.formats[2].fmtp, Some("0-16"));
        assert!(parse("hello").is_none());
    }
}
