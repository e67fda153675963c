//! Wireshark / tshark packet dissections exported as text (File › Export Packet Dissections ›
//! As Plain Text, `tshark -V`): the message is not printed as it was sent but as a tree.
//!
//! ```text
//! Internet Protocol Version 4, Src: 192.0.2.10, Dst: 198.51.100.20
//! User Datagram Protocol, Src Port: 5060, Dst Port: 5060
//! Session Initiation Protocol (INVITE)
//!     Request-Line: INVITE sip:+15555550100@198.51.100.20 SIP/2.0
//!         Method: INVITE
//!     Message Header
//!         Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds
//!             Transport: UDP
//!         Content-Length: 131
//!     Message Body
//!         Session Description Protocol
//!             Session Description Protocol Version (v): 0
//!             Media Description, name and address (m): audio 49170 RTP/AVP 0
//! ```
//!
//! The message is rebuilt from the `Request-Line`/`Status-Line`, the header lines one level
//! under `Message Header` (deeper lines are Wireshark's own reading of them) and, for SDP, the
//! `… (x): value` lines. Addresses, ports, transport and `Arrival Time` come from the layers
//! printed before it.

use super::lines::{header_name, VLine};
use super::{time, Endpoint, Format, Item, Timestamp, Transport};
use std::borrow::Cow;

fn indent(s: &str) -> usize {
    s.bytes().take_while(|&b| b == b' ').count()
}

/// Whether line `t` opens a dissected SIP message.
pub(crate) fn starts(t: &str) -> bool {
    let s = t.trim_start_matches(' ');
    s.starts_with("Request-Line: ") || s.starts_with("Status-Line: ")
}

/// Rebuilds the message whose `Request-Line`/`Status-Line` is on line `i`. Returns it and the
/// index of the first line after its dissection; `None` when no header was printed (a collapsed
/// tree).
pub(crate) fn frame<'a>(lines: &[VLine<'a>], i: usize) -> Option<(Item<'a>, usize)> {
    let l = lines.get(i)?;
    let base = indent(l.text);
    let start = l.text[base..].split_once(": ")?.1.trim_end();
    let mut text = String::with_capacity(512);
    let mut map = vec![l.no];
    text.push_str(start);
    text.push_str("\r\n");
    let mut section = 0u8; // 0 start line details, 1 headers, 2 body
    let mut headers = 0;
    let mut body_marker = None;
    let mut body = String::new();
    let mut body_lines = Vec::new();
    let mut k = i + 1;
    while k < lines.len() {
        let t = lines[k].text;
        if t.trim().is_empty() {
            break;
        }
        let ind = indent(t);
        if ind < base {
            break;
        }
        let s = &t[ind..];
        if ind == base {
            match s {
                "Message Header" => section = 1,
                "Message Body" => {
                    section = 2;
                    body_marker = Some(lines[k].no);
                }
                _ if s.starts_with('[') => {}
                _ => break,
            }
            k += 1;
            continue;
        }
        match section {
            1 if ind == base + 4 && !s.starts_with('[') && header_name(s).is_some() => {
                text.push_str(s.trim_end());
                text.push_str("\r\n");
                map.push(lines[k].no);
                headers += 1;
            }
            2 => {
                // `Media Attribute (a): rtpmap:0 PCMU/8000`
                if let Some((name, value)) = s.split_once("): ") {
                    let b = name.as_bytes();
                    if b.len() >= 3 && b[b.len() - 2] == b'(' && b[b.len() - 1].is_ascii_lowercase() {
                        body.push(b[b.len() - 1] as char);
                        body.push('=');
                        body.push_str(value.trim_end());
                        body.push_str("\r\n");
                        body_lines.push(lines[k].no);
                    }
                }
            }
            _ => {}
        }
        k += 1;
    }
    if headers == 0 {
        return None;
    }
    // the blank line Wireshark does not print: at `Message Body`, or after the last header
    text.push_str("\r\n");
    map.push(body_marker.unwrap_or_else(|| map.last().copied().unwrap_or(l.no)));
    if !body.is_empty() {
        text.push_str(&body);
        map.extend(body_lines);
    }
    let mut item = Item {
        text: Cow::Owned(text),
        format: Format::Wireshark,
        first_line: l.no,
        line_map: Some(map.into_boxed_slice()),
        time: None,
        time_text: None,
        src: None,
        dst: None,
        transport: None,
        direction: None,
    };
    layers(lines, i, &mut item);
    Some((item, k))
}

/// A line of the packet list (`      2 0.021000  198.51.100.20  192.0.2.10  SIP  512  Status: 403 …`)
/// whose packet details follow (`Frame 2: …` within the next lines).
pub(crate) fn summary_with_details(lines: &[VLine<'_>], i: usize) -> bool {
    let t = lines[i].text.trim_start();
    let mut w = t.split_whitespace();
    let numbered = w.next().is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()))
        && w.next().is_some_and(|x| x.contains('.') && x.bytes().all(|b| b.is_ascii_digit() || b == b'.'));
    numbered && lines.iter().skip(i + 1).take(3).any(|l| l.text.starts_with("Frame "))
}

/// Reads the layers printed before the SIP tree of the same packet.
fn layers<'a>(lines: &[VLine<'a>], i: usize, item: &mut Item<'a>) {
    let mut ip: Option<(&'a str, &'a str)> = None;
    let mut ports: Option<(u16, u16)> = None;
    for l in lines[..i].iter().rev().take(200) {
        if l.text.starts_with("Frame ") {
            break;
        }
        let t = l.text.trim_start();
        if let Some(r) = t.strip_prefix("Internet Protocol Version ") {
            if ip.is_none() {
                let src = field(r, "Src: ");
                let dst = field(r, "Dst: ");
                if let (Some(a), Some(b)) = (src, dst) {
                    ip = Some((a, b));
                }
            }
        } else if let Some((tr, r)) = t
            .strip_prefix("User Datagram Protocol, ")
            .map(|r| (Transport::Udp, r))
            .or_else(|| t.strip_prefix("Transmission Control Protocol, ").map(|r| (Transport::Tcp, r)))
        {
            let a = field(r, "Src Port: ").and_then(|p| p.parse().ok());
            let b = field(r, "Dst Port: ").and_then(|p| p.parse().ok());
            if let (Some(a), Some(b)) = (a, b) {
                ports = Some((a, b));
                item.transport.get_or_insert(tr);
            }
        } else if let Some(r) = t.strip_prefix("Arrival Time: ") {
            if let Some((ts, text)) = arrival(r) {
                item.time = Some(ts);
                item.time_text = Some(text);
            }
        }
    }
    if let Some((a, b)) = ip {
        item.src = Some(Endpoint { host: Cow::Borrowed(a), port: ports.map(|p| p.0) });
        item.dst = Some(Endpoint { host: Cow::Borrowed(b), port: ports.map(|p| p.1) });
    }
}

/// The value after `key` up to the next comma.
fn field<'a>(s: &'a str, key: &str) -> Option<&'a str> {
    let p = s.find(key)? + key.len();
    let rest = &s[p..];
    Some(rest.split(',').next().unwrap_or(rest).trim())
}

/// `Mar  5, 2024 10:15:01.123456789 UTC` (the comma after the day is Wireshark's).
fn arrival(r: &str) -> Option<(Timestamp, &str)> {
    let r = r.trim();
    let comma = r.find(", ")?;
    let (md, rest) = (&r[..comma], &r[comma + 2..]);
    let mut w = md.split_whitespace();
    let month = w.next()?;
    let day: i64 = w.next()?.parse().ok()?;
    let mut w2 = rest.split_whitespace();
    let year: i64 = w2.next()?.parse().ok()?;
    let tod = w2.next()?;
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let m = MONTHS.iter().position(|x| x.eq_ignore_ascii_case(month))? as i64 + 1;
    let (t, _) = time::parse_prefix(tod)?;
    if t.has_date || !(1..=31).contains(&day) {
        return None;
    }
    let end = tod.as_ptr() as usize - r.as_ptr() as usize + tod.len();
    Some((time::make(Some(year), m, day, t.micros), &r[..end]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrival_times() {
        let (t, text) = arrival("Mar  5, 2024 10:15:01.123456789 UTC").unwrap();
        assert!(t.has_date);
        assert_eq!(text, "Mar  5, 2024 10:15:01.123456789");
        assert_eq!(t.micros % 86_400_000_000, ((10 * 60 + 15) * 60 + 1) * 1_000_000 + 123_456);
        assert!(arrival("yesterday").is_none());
        assert_eq!(field("4, Src: 192.0.2.1, Dst: 192.0.2.2", "Dst: "), Some("192.0.2.2"));
    }
}
