//! Logs of SIP stacks and apps that print whole messages:
//!
//! - pjsua / pjsip: `18:14:08.505 pjsua_core.c .TX 523 bytes Request msg REGISTER/cseq=45611
//!   (tdta0x…) to UDP 192.0.2.194:5060:` or `.RX … from UDP …:`, the message, `--end msg--`
//!   ([`Format::Pjsua`]).
//! - belle-sip / linphone: `… channel [0x…]: received [852] new bytes from [UDP://host:5060]:` and
//!   `… message sent to [UDP://host:5060], size: [497] bytes` (also in logcat and iOS syslog).
//! - sipsorcery: `Request sent: udp:a:5060->udp:b:5060`, `Response received: tls:a<-tls:b`.
//! - JsSIP / SIP.js browser consoles: `… received text message:`, `… sending WebSocket message:`.
//! - sipML5: `SEND: INVITE …` / `RECV: SIP/2.0 …` glued to the start line.
//! - baresip `-s`: `20:25:11.561#` then `UDP 192.0.2.1:37472 -> 192.0.2.2:5060`.
//! - pyVoIP debug: the raw message as a Python bytes repr, `b'REGISTER … SIP/2.0\r\nVia: …'`.
//!
//! All but pjsua are [`Format::AppLog`].

use super::banner::{endpoint, line_time, word, Banner};
use super::{Direction, Format, Transport};

/// pjsua `TX`/`RX … bytes Request|Response msg …`.
pub(crate) fn pjsua_banner(t: &str) -> Option<Banner<'_>> {
    let b = t.as_bytes();
    let p = super::lines::find(b, b" bytes Request msg ").or_else(|| super::lines::find(b, b" bytes Response msg "))?;
    let head = &t[..p];
    // `…TX 523` / `.RX 414`
    let num_start = head.rfind([' ', '.', '\t']).map_or(0, |i| i + 1);
    let before = head[..num_start].trim_end_matches([' ', '\t']);
    if !head[num_start..].bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let dir = if before.ends_with("TX") {
        Direction::Sent
    } else if before.ends_with("RX") {
        Direction::Received
    } else {
        return None;
    };
    let rest = &t[p..];
    // the address may be cut off with the line
    let addr = match dir {
        Direction::Sent => rest.rsplit_once(" to ").map_or("", |x| x.1),
        Direction::Received => rest.rsplit_once(" from ").map_or("", |x| x.1),
    };
    // `UDP 192.0.2.194:5060:`
    let tr = word(addr);
    let (transport, ep) = match Transport::parse(tr) {
        Some(x) => (Some(x), endpoint(word(&addr.trim_start()[tr.len()..])).1),
        None => endpoint(tr),
    };
    let mut bn = Banner::new(Format::Pjsua).remote(dir, ep);
    bn.transport = transport;
    bn.time = line_time(t);
    Some(bn)
}

/// belle-sip `received [N] new bytes from [UDP://…]:` / `message sent to [UDP://…], size: …`.
pub(crate) fn belle_banner(t: &str) -> Option<Banner<'_>> {
    let b = t.as_bytes();
    let (dir, p) = if let Some(p) = super::lines::find(b, b"new bytes from [") {
        (Direction::Received, p + "new bytes from [".len())
    } else if let Some(p) = super::lines::find(b, b"message sent to [") {
        (Direction::Sent, p + "message sent to [".len())
    } else {
        return None;
    };
    let rest = &t[p..];
    // the address ends at the matching `]` (an IPv6 host has its own brackets)
    let mut depth = 1;
    let mut end = rest.len();
    for (i, c) in rest.bytes().enumerate() {
        match c {
            b'[' => depth += 1,
            b']' => {
                depth -= 1;
                if depth == 0 {
                    end = i;
                    break;
                }
            }
            _ => {}
        }
    }
    let (transport, ep) = endpoint(&rest[..end]);
    let mut bn = Banner::new(Format::AppLog).remote(dir, ep);
    bn.transport = transport;
    bn.time = line_time(t);
    Some(bn)
}

/// sipsorcery `Request sent: a->b`, `Response received: a<-b` (local address first).
pub(crate) fn sipsorcery_banner(t: &str) -> Option<Banner<'_>> {
    let s = t.trim();
    let (kind, rest) = s.split_once(": ")?;
    let is = |k: &str| kind.eq_ignore_ascii_case(k);
    let dir = if is("request sent") || is("response sent") {
        Direction::Sent
    } else if is("request received") || is("response received") {
        Direction::Received
    } else {
        return None;
    };
    let rest = word(rest);
    let (local, remote) = match dir {
        Direction::Sent => rest.split_once("->")?,
        Direction::Received => rest.split_once("<-")?,
    };
    let (t1, local) = endpoint(local);
    let (t2, remote) = endpoint(remote);
    let mut bn = Banner::new(Format::AppLog).remote(dir, remote);
    match dir {
        Direction::Sent => bn.src = local,
        Direction::Received => bn.dst = local,
    }
    bn.transport = t2.or(t1);
    bn.time = line_time(t);
    Some(bn)
}

/// JsSIP / SIP.js console: a line ending in `received … message:` or `sending … message:`.
pub(crate) fn js_banner(t: &str) -> Option<Banner<'_>> {
    let s = t.trim_end();
    let tail_start = s.len().saturating_sub(48);
    let tail = s.get(tail_start..).unwrap_or(s);
    let lower = tail.to_ascii_lowercase();
    let dir = if lower.contains("received") {
        Direction::Received
    } else if lower.contains("sending") || lower.contains(" sent ") {
        Direction::Sent
    } else {
        return None;
    };
    let mut bn = Banner::new(Format::AppLog);
    bn.direction = Some(dir);
    if lower.contains("websocket") {
        bn.transport = Some(Transport::Ws);
    }
    bn.time = line_time(t);
    Some(bn)
}

/// baresip `UDP 192.0.2.1:37472 -> 192.0.2.2:5060`, timed by the `20:25:11.561#` line before it.
pub(crate) fn baresip_banner<'a>(t: &'a str, prev: Option<&'a str>) -> Option<Banner<'a>> {
    let (tr, rest) = t.trim().split_once(' ')?;
    let transport = Transport::parse(tr)?;
    let (a, b) = rest.split_once(" -> ")?;
    let (_, src) = endpoint(a);
    let (_, dst) = endpoint(b);
    if a.contains(' ') || b.trim().contains(' ') {
        return None;
    }
    let mut bn = Banner::new(Format::AppLog);
    bn.src = Some(src?);
    bn.dst = Some(dst?);
    bn.transport = Some(transport);
    bn.time = prev.filter(|p| p.trim_end().ends_with('#')).and_then(super::time::parse_prefix);
    Some(bn)
}

/// sipML5 and similar consoles glue the direction to the start line: `SEND: INVITE …`.
pub(crate) fn glued_direction(lead: &str) -> Option<Direction> {
    let w = lead.trim_end().rsplit([' ', '\t']).next().unwrap_or("");
    match w.to_ascii_uppercase().as_str() {
        "SEND:" | "SENT:" | "SENDING:" | "TX:" => Some(Direction::Sent),
        "RECV:" | "RECEIVED:" | "RECEIVE:" | "RX:" => Some(Direction::Received),
        _ => None,
    }
}

/// A Python bytes repr holding a message: `b'REGISTER sip:x SIP/2.0\r\nVia: …\r\n\r\n'`.
/// Splits it at the `\r\n` escapes; the text before `b'` is the first segment.
pub(crate) fn split_bytes_repr(s: &str) -> Option<Vec<&str>> {
    let b = s.as_bytes();
    memchr::memchr(b'\\', b)?;
    let q = super::lines::find(b, b"b'").or_else(|| super::lines::find(b, b"b\""))?;
    if q > 0 && b[q - 1].is_ascii_alphanumeric() {
        return None;
    }
    let quote = b[q + 1];
    let body_start = q + 2;
    let esc: &[u8] = br"\r\n";
    let first = super::lines::find(&b[body_start..], esc)? + body_start;
    // two line ends, or one after a start line (a repr cut short)
    if super::lines::find(&b[first + 4..], esc).is_none() && super::raw::find_start(&s[body_start..first]) != Some(0) {
        return None;
    }
    let mut segs = Vec::new();
    let pre = s[..q].trim_end();
    if !pre.is_empty() {
        segs.push(pre);
    }
    let mut from = body_start;
    for p in super::lines::find_iter(&b[body_start..], esc).map(|p| p + body_start) {
        segs.push(&s[from..p]);
        from = p + 4;
    }
    let mut last = &s[from..];
    // the closing quote (and whatever follows it)
    if let Some(e) = last.bytes().rposition(|c| c == quote) {
        if last.as_bytes().get(e.wrapping_sub(1)) != Some(&b'\\') {
            last = &last[..e];
        }
    }
    segs.push(last);
    Some(segs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pjsua() {
        let b = pjsua_banner("18:14:08.505           pjsua_core.c  .TX 523 bytes Request msg REGISTER/cseq=45611 (tdta0x5628) to UDP 192.0.2.194:5060:").unwrap();
        assert_eq!(b.direction, Some(Direction::Sent));
        assert_eq!(b.dst.unwrap().to_string(), "192.0.2.194:5060");
        assert_eq!(b.transport, Some(Transport::Udp));
        assert_eq!(b.time.unwrap().1, "18:14:08.505");
        let b = pjsua_banner("13:05:24.568 pjsua_core.c  .......RX 414 bytes Request msg BYE/cseq=29048 (rdata0x7f) from UDP 172.19.39.4:5060:").unwrap();
        assert_eq!(b.src.unwrap().to_string(), "172.19.39.4:5060");
        let b = pjsua_banner("[2024-01-26 22:44:31.869]   Fri  TX 854 bytes Request msg REGISTER/cseq=25166 (tdta0x10f) to UDP 198.51.100.204:15060:").unwrap();
        assert!(b.time.unwrap().0.has_date);
    }

    #[test]
    fn belle_sipsorcery_js() {
        let b = belle_banner("2020-07-17 11:28:04:774 [org.linphone.debug/belle-sip] MESSAGE channel [0x7b]: received [852] new bytes from [UDP://pbx.example.com:5060]:").unwrap();
        assert_eq!(b.src.unwrap().to_string(), "pbx.example.com:5060");
        assert_eq!(b.transport, Some(Transport::Udp));
        let b = belle_banner("channel [0x1]: message sent to [UDP://[2001:db8::1]:5060], size: [497] bytes").unwrap();
        assert_eq!(b.dst.unwrap().to_string(), "[2001:db8::1]:5060");
        let b = sipsorcery_banner("Response received: tls:192.168.1.2:53692<-tls:198.51.100.101:5061").unwrap();
        assert_eq!(b.src.unwrap().to_string(), "198.51.100.101:5061");
        assert_eq!(b.dst.unwrap().to_string(), "192.168.1.2:53692");
        assert_eq!(b.transport, Some(Transport::Tls));
        let b = sipsorcery_banner("Request sent: udp:192.168.1.2:5061->udp:198.51.100.101:5060").unwrap();
        assert_eq!(b.direction, Some(Direction::Sent));
        assert!(sipsorcery_banner("Request sent: hello").is_none());
        let b = js_banner("17:24:40.079 jssip.js:26595 received text message:").unwrap();
        assert_eq!(b.direction, Some(Direction::Received));
        let b = js_banner(
            "sip-0.6.3.min.js:36 Thu Nov 27 2014 22:26:22 GMT+0800 (X) | sip.transport | sending WebSocket message:",
        )
        .unwrap();
        assert_eq!((b.direction, b.transport), (Some(Direction::Sent), Some(Transport::Ws)));
        assert!(b.time.unwrap().0.has_date);
    }

    #[test]
    fn repr() {
        let s = r"b'REGISTER sip:pbx.local:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 0.0.0.0:5060\r\n\r\n'";
        assert_eq!(
            split_bytes_repr(s).unwrap(),
            vec!["REGISTER sip:pbx.local:5060 SIP/2.0", "Via: SIP/2.0/UDP 0.0.0.0:5060", "", ""]
        );
        assert!(split_bytes_repr("no repr here").is_none());
        assert_eq!(glued_direction("SEND: "), Some(Direction::Sent));
    }
}
