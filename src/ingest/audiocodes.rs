//! AudioCodes SBC/gateway syslog: `---- Incoming SIP Message from 192.0.2.24:5061 to SIPInterface
//! #2 (Teams) TLS TO(#134) SocketID(200) ----` or `---- Outgoing SIP Message to … from …`, then the
//! message. Relayed through syslog, line breaks arrive escaped as `#012` (LF) and `#015` (CR), so a
//! whole record sits on one line with `[S=…] [SID=…]` tags; the record may end with
//! `[Time:19-12@12:44:56.587]` (day-month, no year).
//!
//! The same escapes appear in other syslog-relayed logs; [`split_escaped`] undoes them for any
//! line, and the framer reads the pieces as lines (all numbered like the physical line).

use super::banner::{endpoint, word, Banner};
use super::{time, Direction, Format, Timestamp};

/// Splits a line at `#012` escapes (dropping `#015` and the space AudioCodes prints before each
/// escape). `None` when the line has fewer than two escapes.
pub(crate) fn split_escaped(s: &str) -> Option<Vec<&str>> {
    memchr::memchr(b'#', s.as_bytes())?;
    let mut it = super::lines::find_iter(s.as_bytes(), b"#012");
    let first = it.next()?;
    let second = it.next()?;
    let mut segs = vec![clean(&s[..first])];
    let mut from = first + 4;
    for p in std::iter::once(second).chain(it) {
        segs.push(clean(&s[from..p]));
        from = p + 4;
    }
    segs.push(clean(&s[from..]));
    Some(segs)
}

fn clean(mut s: &str) -> &str {
    loop {
        let t = s.trim_end_matches(' ');
        match t.strip_suffix("#015") {
            Some(r) => s = r,
            None => return t,
        }
    }
}

/// An `Incoming SIP Message from` / `Outgoing SIP Message to` banner.
pub(crate) fn banner<'a>(t: &'a str, next: Option<&'a str>) -> Option<Banner<'a>> {
    let b = t.as_bytes();
    let (dir, p, kw) = if let Some(p) = super::lines::find(b, b"Incoming SIP Message from ") {
        (Direction::Received, p, "Incoming SIP Message from ".len())
    } else if let Some(p) = super::lines::find(b, b"Outgoing SIP Message to ") {
        (Direction::Sent, p, "Outgoing SIP Message to ".len())
    } else {
        return None;
    };
    let rest = &t[p + kw..];
    let (_, ep) = endpoint(word(rest));
    let mut bn = Banner::new(Format::AudioCodes).remote(dir, ep);
    // `… SIPInterface #2 (Teams) TLS TO(#134) …`: the transport follows the interface name
    let head = rest.split("----").next().unwrap_or(rest);
    bn.transport = head.split([' ', ')']).find_map(|w| match w {
        "UDP" | "TCP" | "TLS" => super::Transport::parse(w),
        _ => None,
    });
    bn.time = time::parse_prefix(t).or_else(|| time_tag(t)).or_else(|| next.and_then(time_tag));
    bn.gap = 1;
    Some(bn)
}

/// `[Time:19-12@12:44:56.587]`: day-month@time, no year.
pub(crate) fn time_tag(s: &str) -> Option<(Timestamp, &str)> {
    let p = super::lines::find(s.as_bytes(), b"[Time:")?;
    let rest = &s[p + 6..];
    let end = rest.find(']')?;
    let text = &rest[..end];
    let (dm, tod) = text.split_once('@')?;
    let (d, m) = dm.split_once('-')?;
    let (d, m): (i64, i64) = (d.parse().ok()?, m.parse().ok()?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let (t, _) = time::parse_prefix(tod)?;
    if t.has_date {
        return None;
    }
    Some((time::make(None, m, d, t.micros), text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::Transport;

    #[test]
    fn escapes() {
        let s = "x ---- #012SIP/2.0 200 OK #012CSEQ: 1 OPTIONS#015#012#012tail";
        assert_eq!(split_escaped(s).unwrap(), vec!["x ----", "SIP/2.0 200 OK", "CSEQ: 1 OPTIONS", "", "tail"]);
        assert!(split_escaped("only one #012 here").is_none());
        assert!(split_escaped("").is_none());
    }

    #[test]
    fn banners() {
        let t = "<133>[S=1] [SID=a:1:2] (N 6) ---- Incoming SIP Message from 198.51.100.24:5061 to SIPInterface #2 (Teams) TLS TO(#134) SocketID(200) ----";
        let b = banner(t, Some(" [Time:19-12@12:44:56.587]")).unwrap();
        assert_eq!(b.direction, Some(Direction::Received));
        assert_eq!(b.src.unwrap().to_string(), "198.51.100.24:5061");
        assert_eq!(b.transport, Some(Transport::Tls));
        assert_eq!(b.time.unwrap().1, "19-12@12:44:56.587");
        let b = banner(
            "---- Outgoing SIP Message to 10.160.21.200:5060 from SIPInterface #1 (Oxe-Cloud) UDP TO(#1) ----",
            None,
        );
        assert_eq!(b.unwrap().dst.unwrap().to_string(), "10.160.21.200:5060");
    }
}
