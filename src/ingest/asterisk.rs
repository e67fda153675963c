//! Asterisk: `pjsip set logger` (`<--- Received SIP request (N bytes) from UDP:ip:port --->`,
//! `<--- Transmitting SIP response (N bytes) to UDP:ip:port --->`) and chan_sip `sip set debug`
//! (`<--- SIP read from UDP:ip:port --->`, `<--- Reliably Transmitting (NAT) to ip:port --->`,
//! `Retransmitting #1 (no NAT) to ip:port:`), with or without the /var/log/asterisk/full prefix
//! (`[Nov 15 16:39:57] VERBOSE[33848][C-00000001] res_pjsip_logger.c: `) on the banner or on
//! every line. chan_sip ends messages with `<------------->` and `--- (N headers M lines) ---`,
//! which the framer treats as separators.

use super::banner::{endpoint, last_word, Banner};
use super::{Direction, Format};

/// A pjsip logger or chan_sip banner.
pub(crate) fn banner(t: &str) -> Option<Banner<'_>> {
    let p = super::lines::find(t.as_bytes(), b"<--- ")?;
    let rest = &t[p + 5..];
    let inner = match rest.find("--->") {
        Some(e) => rest[..e].trim(),
        None => rest.trim(),
    };
    let (format, dir, after) = if let Some(r) = inner.strip_prefix("Received SIP ") {
        (Format::AsteriskPjsip, Direction::Received, r.rsplit_once(" from ")?.1)
    } else if let Some(r) = inner.strip_prefix("Transmitting SIP ") {
        (Format::AsteriskPjsip, Direction::Sent, r.rsplit_once(" to ")?.1)
    } else if let Some(r) = inner.strip_prefix("SIP read from ") {
        (Format::AsteriskChanSip, Direction::Received, r)
    } else if inner.contains("Transmitting") {
        (Format::AsteriskChanSip, Direction::Sent, inner.rsplit_once(" to ")?.1)
    } else {
        return None;
    };
    let (transport, ep) = endpoint(last_word(after));
    let mut b = Banner::new(format).remote(dir, ep);
    b.transport = transport;
    b.time = super::time::parse_prefix(t);
    Some(b)
}

/// chan_sip `Retransmitting #1 (no NAT) to 192.0.2.1:5060:`.
pub(crate) fn retransmit_banner(t: &str) -> Option<Banner<'_>> {
    let p = super::lines::find(t.as_bytes(), b"Retransmitting #")?;
    let rest = &t[p..];
    let (_, to) = rest.rsplit_once(" to ")?;
    let (transport, ep) = endpoint(last_word(to));
    ep.as_ref()?;
    let mut b = Banner::new(Format::AsteriskChanSip).remote(Direction::Sent, ep);
    b.transport = transport;
    b.time = super::time::parse_prefix(t);
    Some(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::Transport;

    #[test]
    fn banners() {
        let b = banner("[Nov 15 16:39:57] VERBOSE[33848] res_pjsip_logger.c: <--- Transmitting SIP request (539 bytes) to UDP:192.0.2.120:5060 --->").unwrap();
        assert_eq!(b.format, Format::AsteriskPjsip);
        assert_eq!(b.direction, Some(Direction::Sent));
        assert_eq!(b.dst.unwrap().to_string(), "192.0.2.120:5060");
        assert_eq!(b.transport, Some(Transport::Udp));
        assert_eq!(b.time.unwrap().1, "Nov 15 16:39:57");
        let b = banner("<--- SIP read from 203.0.113.85:2371 --->").unwrap();
        assert_eq!((b.format, b.src.unwrap().to_string()), (Format::AsteriskChanSip, "203.0.113.85:2371".into()));
        let b = banner("<--- Reliably Transmitting (NAT) to 198.51.100.106:42974 --->").unwrap();
        assert_eq!(b.direction, Some(Direction::Sent));
        assert!(banner("<------------->").is_none());
        assert!(banner("<--- ").is_none());
        let b = retransmit_banner("Retransmitting #1 (no NAT) to 192.0.2.9:5060:").unwrap();
        assert_eq!(b.dst.unwrap().to_string(), "192.0.2.9:5060");
    }
}
