//! FreeSWITCH `sofia global siptrace on` and other sofia-sip logs (drachtio):
//! `recv 494 bytes from udp/[192.0.2.1]:5060 at 11:46:10.771343:` and
//! `send 414 bytes to udp/[192.0.2.2]:5064 at 17:28:37.346923:`, optionally after a log
//! timestamp, then (FreeSWITCH) a line of dashes, the message (often indented by three spaces)
//! and another line of dashes. `freeswitch@host>` prompts may sit between messages.

use super::banner::{endpoint, word, Banner};
use super::{time, Direction, Format, Timestamp};

pub(crate) fn banner(t: &str) -> Option<Banner<'_>> {
    let (start, dir) = find_verb(t)?;
    let rest = &t[start + 5..];
    // `494 bytes from udp/[…]:5060 at 11:46:10.771343:`
    let count = word(rest);
    if count.is_empty() || !count.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let rest = rest.trim_start()[count.len()..].trim_start();
    let rest = rest.strip_prefix("bytes ")?;
    let rest = match dir {
        Direction::Received => rest.strip_prefix("from ")?,
        Direction::Sent => rest.strip_prefix("to ")?,
    };
    let (transport, ep) = endpoint(word(rest));
    let mut b = Banner::new(Format::Sofia).remote(dir, ep);
    b.transport = transport;
    b.gap = 1;
    let prefix_time = time::parse_prefix(t).filter(|_| start > 0);
    if let Some(at) = rest.find(" at ") {
        if let Some((tod, text)) = time::parse_prefix(&rest[at + 4..]) {
            // the packet time; the date, when the log line has one, comes from its prefix
            let micros = match prefix_time {
                Some((p, _)) if p.has_date => {
                    let day = 86_400_000_000;
                    p.micros.div_euclid(day) * day + tod.micros
                }
                _ => tod.micros,
            };
            let has_date = matches!(prefix_time, Some((p, _)) if p.has_date);
            b.time = Some((Timestamp { micros, has_date }, text));
        }
    }
    if b.time.is_none() {
        b.time = prefix_time;
    }
    Some(b)
}

/// `recv ` or `send ` at the start of the line or after a timestamp.
fn find_verb(t: &str) -> Option<(usize, Direction)> {
    let verb = |s: &str| {
        if s.starts_with("recv ") {
            Some(Direction::Received)
        } else if s.starts_with("send ") {
            Some(Direction::Sent)
        } else {
            None
        }
    };
    let trimmed = t.trim_start();
    let lead = t.len() - trimmed.len();
    if let Some(d) = verb(trimmed) {
        return Some((lead, d));
    }
    let (_, ts) = time::parse_prefix(trimmed)?;
    let ts_end = ts.as_ptr() as usize - t.as_ptr() as usize + ts.len();
    let after = t[ts_end..].trim_start_matches([']', ' ']);
    let pos = t.len() - after.len();
    verb(after).map(|d| (pos, d))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::Transport;

    #[test]
    fn banners() {
        let b = banner("recv 494 bytes from udp/[192.0.2.1]:5060 at 11:46:10.771343:").unwrap();
        assert_eq!(b.direction, Some(Direction::Received));
        assert_eq!(b.src.unwrap().to_string(), "192.0.2.1:5060");
        assert_eq!(b.transport, Some(Transport::Udp));
        assert_eq!(b.time.unwrap().1, "11:46:10.771343");
        assert!(!b.time.unwrap().0.has_date);
        let b = banner("2021-06-23 13:37:21.379926 send 1925 bytes to tcp/[198.51.100.229]:5060 at 13:37:21.379109:")
            .unwrap();
        assert_eq!(b.direction, Some(Direction::Sent));
        assert_eq!(b.transport, Some(Transport::Tcp));
        let t = b.time.unwrap();
        assert!(t.0.has_date);
        assert_eq!(t.0.micros % 86_400_000_000, ((13 * 60 + 37) * 60 + 21) * 1_000_000 + 379_109);
        assert!(banner("recv something").is_none());
        assert!(banner("send 12 apples to x").is_none());
    }
}
