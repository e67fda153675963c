//! Banners: the log lines that announce a message (`<--- Received SIP request … --->`,
//! `recv 494 bytes from udp/[…]:5060 at …:`, `U 1.2.3.4:5060 -> …`, …) and say when, where from,
//! where to, over what and in which direction. Each format family recognises its own; this
//! module dispatches by cheap substring checks.

use super::lines::VLine;
use super::{Direction, Endpoint, Format, Timestamp, Transport};

/// What a banner says about the message that follows it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Banner<'a> {
    pub format: Format,
    pub time: Option<(Timestamp, &'a str)>,
    pub src: Option<Endpoint<'a>>,
    pub dst: Option<Endpoint<'a>>,
    pub transport: Option<Transport>,
    pub direction: Option<Direction>,
    /// Non-blank lines that may come between the banner and the start line (dashes, `Sent:`,
    /// the binary bytes tcpdump prints before the payload).
    pub gap: u8,
}

impl<'a> Banner<'a> {
    pub(crate) fn new(format: Format) -> Banner<'a> {
        Banner { format, time: None, src: None, dst: None, transport: None, direction: None, gap: 0 }
    }

    /// Sets the remote end and the direction: the remote end is the source of what was
    /// received and the destination of what was sent.
    pub(crate) fn remote(mut self, dir: Direction, ep: Option<Endpoint<'a>>) -> Banner<'a> {
        self.direction = Some(dir);
        match dir {
            Direction::Received => self.src = ep,
            Direction::Sent => self.dst = ep,
        }
        self
    }
}

/// The banner on line `i`, if it is one.
pub(crate) fn detect<'a>(lines: &[VLine<'a>], i: usize) -> Option<Banner<'a>> {
    // banners quoted in a reply (`> U 192.0.2.1:5060 -> …`) count too
    let t = lines.get(i)?.text.trim_start_matches(['>', ' ', '\t']);
    if t.len() < 8 {
        return None;
    }
    let b = t.as_bytes();
    if memchr::memchr(b'<', b).is_some() && super::lines::find(b, b"<--").is_some() {
        if let Some(x) = super::asterisk::banner(t) {
            return Some(x);
        }
    }
    if super::lines::find(b, b" -> ").is_some() {
        let prev = i.checked_sub(1).and_then(|j| lines.get(j)).map(|l| l.text);
        if let Some(x) = super::capture::ngrep_banner(t).or_else(|| super::applog::baresip_banner(t, prev)) {
            return Some(x);
        }
    }
    if super::lines::find(b, b"bytes").is_some() {
        if let Some(x) = super::sofia::banner(t)
            .or_else(|| super::applog::pjsua_banner(t))
            .or_else(|| super::applog::belle_banner(t))
        {
            return Some(x);
        }
    }
    if super::lines::find(b, b"SIP Message ").is_some() {
        let next = lines.get(i + 1).map(|l| l.text);
        if let Some(x) = super::audiocodes::banner(t, next) {
            return Some(x);
        }
    }
    if super::lines::find(b, b"ccsipDisplayMsg").is_some() {
        let next = lines.get(i + 1).map(|l| l.text);
        return super::cisco::banner(t, next);
    }
    if super::lines::find(b, b" > ").is_some() {
        if let Some(x) = super::capture::tcpdump_banner(t) {
            return Some(x);
        }
    }
    if t.trim_end().ends_with("message:") {
        if let Some(x) = super::applog::js_banner(t) {
            return Some(x);
        }
    }
    if memchr::memchr(b'-', b).is_some()
        && (super::lines::find(b, b"->").is_some() || super::lines::find(b, b"<-").is_some())
    {
        if let Some(x) = super::applog::sipsorcery_banner(t) {
            return Some(x);
        }
    }
    if super::lines::find(b, b"Retransmitting #").is_some() {
        return super::asterisk::retransmit_banner(t);
    }
    None
}

/// Reads `UDP:1.2.3.4:5060`, `udp/[1.2.3.4]:5060`, `tls:1.2.3.4:5061`, `UDP://host:5060`,
/// `1.2.3.4:5060`: the transport (when written) and the endpoint.
pub(crate) fn endpoint(s: &str) -> (Option<Transport>, Option<Endpoint<'_>>) {
    let s = s.trim().trim_end_matches([':', ',', '.']);
    let mut transport = None;
    let mut rest = s;
    for sep in ["://", "/", ":"] {
        if let Some((tr, r)) = Transport::prefix(s, sep) {
            transport = Some(tr);
            rest = r;
            break;
        }
    }
    let ep = if rest.is_empty() { None } else { Endpoint::parse(rest) };
    (transport, ep)
}

/// The first whitespace-separated word of `s`.
pub(crate) fn word(s: &str) -> &str {
    let s = s.trim_start();
    let end = s.find([' ', '\t']).unwrap_or(s.len());
    &s[..end]
}

/// The last whitespace-separated word of `s`.
pub(crate) fn last_word(s: &str) -> &str {
    let s = s.trim_end();
    let start = s.rfind([' ', '\t']).map_or(0, |i| i + 1);
    &s[start..]
}

/// The log timestamp at the start of a line, or among its first words.
pub(crate) fn line_time(t: &str) -> Option<(Timestamp, &str)> {
    super::time::find(t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    #[test]
    fn transport_prefix_is_split_once_on_a_transport() {
        for s in [
            "UDP:1.2.3.4:5060",
            "udp/[::1]:5060",
            "UDP://h:5060",
            "TLS:",
            ":udp",
            "sctp:x",
            "wss/x",
            "tcpx:1",
            "1.2.3.4:5060",
            "",
            "ws",
            "é:1",
            "udp:/x",
            "UDP//x",
        ] {
            for sep in ["://", "/", ":"] {
                let want = s.split_once(sep).and_then(|(t, r)| Some((Transport::parse(t)?, r)));
                assert_eq!(Transport::prefix(s, sep), want, "{s:?} {sep:?}");
            }
        }
    }

    #[test]
    fn endpoints() {
        let (t, e) = endpoint("UDP:10.135.0.2:5060");
        assert_eq!(t, Some(Transport::Udp));
        assert_eq!(e, Some(Endpoint { host: Cow::Borrowed("10.135.0.2"), port: Some(5060) }));
        let (t, e) = endpoint("udp/[192.0.2.1]:5060");
        assert_eq!((t, e.unwrap().to_string()), (Some(Transport::Udp), "192.0.2.1:5060".to_string()));
        let (t, e) = endpoint("UDP://calliope.example.com:5060");
        assert_eq!((t, e.unwrap().to_string()), (Some(Transport::Udp), "calliope.example.com:5060".to_string()));
        let (t, e) = endpoint("tls:192.0.2.2:53692");
        assert_eq!((t, e.unwrap().to_string()), (Some(Transport::Tls), "192.0.2.2:53692".to_string()));
        let (t, e) = endpoint("UDP:[2001:db8::1]:5060");
        assert_eq!((t, e.unwrap().to_string()), (Some(Transport::Udp), "[2001:db8::1]:5060".to_string()));
        let (t, e) = endpoint("203.0.113.85:2371");
        assert_eq!((t, e.unwrap().port), (None, Some(2371)));
        assert_eq!(endpoint(""), (None, None));
    }
}
