//! Cisco IOS / CUBE `debug ccsip messages`: a line ending in `…/SIP/Msg/ccsipDisplayMsg:` (with
//! the router's clock before it: `00:11:29:`, `*Mar  1 00:11:29.123:`, `Jan 10 12:34:56.789 UTC:`),
//! then `Sent:` or `Received:`, then the message. Messages end at the next such line; IOS prints
//! no blank line after them and often none between headers and SDP.

use super::banner::Banner;
use super::{time, Direction, Format};

pub(crate) fn banner<'a>(t: &'a str, next: Option<&str>) -> Option<Banner<'a>> {
    if !t.trim_end().ends_with("ccsipDisplayMsg:") {
        return None;
    }
    let mut b = Banner::new(Format::CiscoCcsip);
    b.time = time::parse_prefix(t);
    b.gap = 1;
    match next.map(|n| n.trim()) {
        Some(n) if n.starts_with("Sent:") => b.direction = Some(Direction::Sent),
        Some(n) if n.starts_with("Received:") => b.direction = Some(Direction::Received),
        _ => {}
    }
    Some(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn banners() {
        let b = banner("00:11:29: //-1/xxxxxxxxxxxx/SIP/Msg/ccsipDisplayMsg:", Some("Received:")).unwrap();
        assert_eq!(b.direction, Some(Direction::Received));
        assert_eq!(b.time.unwrap().1, "00:11:29");
        let b = banner("*Mar  1 00:11:29.123: //-1/0/SIP/Msg/ccsipDisplayMsg:", Some("Sent: ")).unwrap();
        assert_eq!(b.direction, Some(Direction::Sent));
        assert!(banner("ccsipDisplayMsg: something else", None).is_none());
    }
}
