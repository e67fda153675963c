//! Text from capture tools.
//!
//! - ngrep / sipgrep `-W byline`: `U 192.0.2.1:5060 -> 192.0.2.2:5060`, with an optional
//!   timestamp (`U 2014/04/14 17:05:04.057430 …`, `U [date time] …`) and packet number (`#132`)
//!   or TCP flags (`T … [AP]`). Every CR is printed as a trailing `.`; `#` lines separate
//!   packets that did not match.
//! - sngrep "save as .txt": `2024/11/19 16:01:35.861404 192.0.2.1:5060 -> 192.0.2.2:5060`.
//! - tcpdump -A: `09:17:59.862944 IP 192.0.2.1.49658 > 192.0.2.2.5060: UDP, length 596`, then
//!   the IP/UDP header bytes printed as text, glued before the SIP start line.

use super::banner::{endpoint, word, Banner};
use super::{time, Endpoint, Format, Transport};
use std::borrow::Cow;

/// ngrep / sipgrep (`U …`/`T …`) or sngrep (date first) packet headers.
pub(crate) fn ngrep_banner(t: &str) -> Option<Banner<'_>> {
    let b = t.as_bytes();
    let (format, transport, rest) = match b {
        [c @ (b'U' | b'T'), b' ', ..] => {
            (Format::Ngrep, Some(if *c == b'U' { Transport::Udp } else { Transport::Tcp }), &t[2..])
        }
        [d, ..] if d.is_ascii_digit() => (Format::Sngrep, None, t),
        _ => return None,
    };
    let rest = rest.trim_start();
    let (tm, rest) = match time::parse_prefix(rest) {
        Some((ts, text)) => {
            let end = text.as_ptr() as usize - rest.as_ptr() as usize + text.len();
            (Some((ts, text)), rest[end..].trim_start_matches(']').trim_start())
        }
        None if format == Format::Sngrep => return None,
        None => (None, rest),
    };
    let (left, right) = rest.split_once(" -> ")?;
    // `src -> dst`, nothing but flags or a packet number after
    if left.contains(' ') {
        return None;
    }
    let dst_s = word(right);
    let tail = right.trim_start()[dst_s.len()..].trim();
    if !(tail.is_empty() || tail.starts_with('#') || tail.starts_with('[') || tail.len() <= 4) {
        return None;
    }
    let (t1, src) = endpoint(left);
    let (t2, dst) = endpoint(dst_s);
    let (src, dst) = (src?, dst?);
    if src.port.is_none() && dst.port.is_none() {
        return None;
    }
    let mut bn = Banner::new(format);
    bn.src = Some(src);
    bn.dst = Some(dst);
    // sngrep may name the transport after the addresses
    bn.transport = transport.or(t1).or(t2).or_else(|| Transport::parse(tail));
    bn.time = tm;
    Some(bn)
}

/// `host.port` as tcpdump writes it (`192.0.2.1.5060`, `2001:db8::1.5060`, `pbx.example.com.sip`).
fn dotted_endpoint(s: &str) -> Option<Endpoint<'_>> {
    let s = s.trim_end_matches(':');
    match s.rsplit_once('.') {
        Some((h, p)) if !h.is_empty() && !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => {
            Some(Endpoint { host: Cow::Borrowed(h), port: p.parse().ok() })
        }
        Some((h, "sip")) if !h.is_empty() => Some(Endpoint { host: Cow::Borrowed(h), port: Some(5060) }),
        _ if !s.is_empty() => Some(Endpoint { host: Cow::Borrowed(s), port: None }),
        _ => None,
    }
}

/// A tcpdump packet line.
pub(crate) fn tcpdump_banner(t: &str) -> Option<Banner<'_>> {
    let (ts, text) = time::parse_prefix(t)?;
    let start = text.as_ptr() as usize - t.as_ptr() as usize + text.len();
    let rest = t[start..].trim_start();
    let rest = rest.strip_prefix("IP6 ").or_else(|| rest.strip_prefix("IP "))?;
    let (src_s, after) = rest.split_once(" > ")?;
    let dst_s = word(after);
    if src_s.contains(' ') || !dst_s.ends_with(':') {
        return None;
    }
    let proto = after[dst_s.len()..].trim_start();
    let mut b = Banner::new(Format::Tcpdump);
    b.src = dotted_endpoint(src_s);
    b.dst = dotted_endpoint(dst_s);
    b.transport = if proto.starts_with("UDP") {
        Some(Transport::Udp)
    } else if proto.starts_with("Flags [") || proto.starts_with("tcp") {
        Some(Transport::Tcp)
    } else {
        None
    };
    b.time = Some((ts, text));
    b.gap = 4;
    Some(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ngrep_and_sngrep() {
        let b = ngrep_banner("U 192.0.2.29:5060 -> 192.0.2.30:5062").unwrap();
        assert_eq!((b.format, b.transport), (Format::Ngrep, Some(Transport::Udp)));
        assert_eq!(b.src.unwrap().to_string(), "192.0.2.29:5060");
        let b = ngrep_banner("U 2020/08/11 00:05:51.897836 198.51.100.153:5060 -> 198.51.100.152:5060 #132").unwrap();
        assert_eq!(b.time.unwrap().1, "2020/08/11 00:05:51.897836");
        assert_eq!(b.dst.unwrap().to_string(), "198.51.100.152:5060");
        let b = ngrep_banner("U [2024-02-20 09:10:11.123456] 192.0.2.1:5060 -> 192.0.2.2:5060").unwrap();
        assert_eq!(b.time.unwrap().1, "2024-02-20 09:10:11.123456");
        assert_eq!(b.src.unwrap().to_string(), "192.0.2.1:5060");
        let b = ngrep_banner("T 192.0.2.1:5060 -> 192.0.2.2:35000 [AP]").unwrap();
        assert_eq!(b.transport, Some(Transport::Tcp));
        let b = ngrep_banner("2024/11/19 16:01:35.861404 172.21.10.46:6660 -> 172.21.10.43:6660").unwrap();
        assert_eq!((b.format, b.transport), (Format::Sngrep, None));
        let b = ngrep_banner("2024/11/19 16:01:35.861404 172.21.10.46:6660 -> 172.21.10.43:5061 TLS").unwrap();
        assert_eq!(b.transport, Some(Transport::Tls));
        assert!(ngrep_banner("U can do it -> now").is_none());
        assert!(ngrep_banner("2024/11/19 16:01:35.861404 the call went a -> b and then c").is_none());
    }

    #[test]
    fn tcpdump() {
        let b = tcpdump_banner("09:17:59.862944 IP 192.0.2.7.49658 > 198.51.100.2.5363: UDP, length 596").unwrap();
        assert_eq!(b.src.unwrap().to_string(), "192.0.2.7:49658");
        assert_eq!(b.dst.unwrap().to_string(), "198.51.100.2:5363");
        assert_eq!(b.transport, Some(Transport::Udp));
        let b =
            tcpdump_banner("12:13:58.723867 IP host.office.example.39184 > 10.5.3.27.25564: UDP, length 368").unwrap();
        assert_eq!(b.src.unwrap().host, "host.office.example");
        assert!(tcpdump_banner("12:00:00 the value > 3: yes").is_none());
    }
}
