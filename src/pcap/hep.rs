//! HEP/EEP, the encapsulation Homer and many SBCs use to mirror SIP to a collector: version 3
//! (chunks after a `HEP3` magic, found on any port) and versions 1/2 (a fixed header, only on the
//! usual collector port 9060). The inner addresses, ports and timestamp are the original call's,
//! so they replace the outer packet's.

use std::borrow::Cow;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// HEP "protocol type" of the payload.
pub const PROTO_SIP: u8 = 1;

/// One decapsulated HEP packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hep<'a> {
    pub src: Option<SocketAddr>,
    pub dst: Option<SocketAddr>,
    /// Microseconds since the Unix epoch, when the header carries a time.
    pub micros: Option<i64>,
    /// IP protocol of the original packet (17 UDP, 6 TCP), 0 when unknown.
    pub ip_proto: u8,
    /// What the payload is (1 = SIP), 0 when unknown.
    pub proto_type: u8,
    pub payload: Cow<'a, [u8]>,
}

/// Why a HEP packet could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HepError {
    /// Not HEP at all.
    NotHep,
    /// HEP, but its length fields do not fit the packet.
    Malformed,
    /// HEP without a payload chunk (a keepalive).
    NoPayload,
    /// The payload is compressed (chunk 16): not read, to keep an inflater out of the page.
    Compressed,
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    b.get(at..at + 2).map(|s| u16::from_be_bytes([s[0], s[1]]))
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at + 4).map(|s| u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

fn v6(b: &[u8]) -> Option<IpAddr> {
    let a: [u8; 16] = b.try_into().ok()?;
    Some(IpAddr::V6(Ipv6Addr::from(a)))
}

/// Whether `b` starts like a HEP v3 packet.
pub fn is_hep3(b: &[u8]) -> bool {
    b.starts_with(b"HEP3") || b.starts_with(b"EEP3")
}

/// Reads a HEP v3 packet.
pub fn parse3(b: &[u8]) -> Result<Hep<'_>, HepError> {
    if !is_hep3(b) {
        return Err(HepError::NotHep);
    }
    let total = be16(b, 4).ok_or(HepError::Malformed)? as usize;
    if total < 6 || total > b.len() {
        return Err(HepError::Malformed);
    }
    let b = &b[..total];
    let mut at = 6;
    let (mut s4, mut d4, mut s6, mut d6) = (None, None, None, None);
    let (mut sport, mut dport) = (0u16, 0u16);
    let (mut sec, mut usec) = (None, 0u32);
    let mut out = Hep { src: None, dst: None, micros: None, ip_proto: 0, proto_type: 0, payload: Cow::Borrowed(&[]) };
    let mut have_payload = false;
    let mut compressed = false;
    while at + 6 <= b.len() {
        let vendor = be16(b, at).unwrap_or(0);
        let kind = be16(b, at + 2).unwrap_or(0);
        let len = be16(b, at + 4).unwrap_or(0) as usize;
        if len < 6 || at + len > b.len() {
            return Err(HepError::Malformed);
        }
        let v = &b[at + 6..at + len];
        at += len;
        if vendor != 0 {
            continue;
        }
        match kind {
            2 if !v.is_empty() => out.ip_proto = v[0],
            3 if v.len() == 4 => s4 = Some(IpAddr::V4(Ipv4Addr::new(v[0], v[1], v[2], v[3]))),
            4 if v.len() == 4 => d4 = Some(IpAddr::V4(Ipv4Addr::new(v[0], v[1], v[2], v[3]))),
            5 => s6 = v6(v),
            6 => d6 = v6(v),
            7 => sport = be16(v, 0).unwrap_or(0),
            8 => dport = be16(v, 0).unwrap_or(0),
            9 => sec = be32(v, 0),
            10 => usec = be32(v, 0).unwrap_or(0),
            11 if !v.is_empty() => out.proto_type = v[0],
            15 => {
                out.payload = Cow::Borrowed(v);
                have_payload = true;
            }
            16 => compressed = true,
            _ => {}
        }
    }
    if let Some(ip) = s4.or(s6) {
        out.src = Some(SocketAddr::new(ip, sport));
    }
    if let Some(ip) = d4.or(d6) {
        out.dst = Some(SocketAddr::new(ip, dport));
    }
    out.micros = sec.map(|s| s as i64 * 1_000_000 + (usec.min(999_999)) as i64);
    if !have_payload {
        return Err(if compressed { HepError::Compressed } else { HepError::NoPayload });
    }
    Ok(out)
}

/// Reads a HEP v1/v2 packet (the caller checks the port: these have no magic).
pub fn parse12(b: &[u8]) -> Result<Hep<'_>, HepError> {
    let (Some(&ver), Some(&hlen), Some(&family), Some(&proto)) = (b.first(), b.get(1), b.get(2), b.get(3)) else {
        return Err(HepError::NotHep);
    };
    if !(ver == 1 || ver == 2) {
        return Err(HepError::NotHep);
    }
    let hlen = hlen as usize;
    let alen = match family {
        2 => 4,
        10 => 16,
        _ => return Err(HepError::NotHep),
    };
    let fixed = 8 + 2 * alen + if ver == 2 { 12 } else { 0 };
    if hlen < fixed || hlen > b.len() {
        return Err(HepError::Malformed);
    }
    let sport = be16(b, 4).unwrap_or(0);
    let dport = be16(b, 6).unwrap_or(0);
    let addr = |at: usize| -> Option<IpAddr> {
        let s = b.get(at..at + alen)?;
        if alen == 4 {
            Some(IpAddr::V4(Ipv4Addr::new(s[0], s[1], s[2], s[3])))
        } else {
            v6(s)
        }
    };
    let src = addr(8).map(|ip| SocketAddr::new(ip, sport));
    let dst = addr(8 + alen).map(|ip| SocketAddr::new(ip, dport));
    let micros = (ver == 2)
        .then(|| {
            // Version 2 writes its time fields in the sender's (little-endian) byte order.
            let t = 8 + 2 * alen;
            let s = b.get(t..t + 8)?;
            let sec = u32::from_le_bytes([s[0], s[1], s[2], s[3]]) as i64;
            let usec = u32::from_le_bytes([s[4], s[5], s[6], s[7]]).min(999_999) as i64;
            Some(sec * 1_000_000 + usec)
        })
        .flatten();
    Ok(Hep { src, dst, micros, ip_proto: proto, proto_type: PROTO_SIP, payload: Cow::Borrowed(&b[hlen..]) })
}

/// Builds a HEP v3 packet (unit tests only; the integration tests write their own).
#[cfg(test)]
fn build3(src: SocketAddr, dst: SocketAddr, micros: i64, ip_proto: u8, payload: &[u8]) -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: u16, v: &[u8]) {
        out.extend_from_slice(&0u16.to_be_bytes());
        out.extend_from_slice(&kind.to_be_bytes());
        out.extend_from_slice(&((v.len() + 6) as u16).to_be_bytes());
        out.extend_from_slice(v);
    }
    let mut out = b"HEP3\0\0".to_vec();
    let fam = if src.is_ipv4() { 2u8 } else { 10 };
    chunk(&mut out, 1, &[fam]);
    chunk(&mut out, 2, &[ip_proto]);
    match (src.ip(), dst.ip()) {
        (IpAddr::V4(s), IpAddr::V4(d)) => {
            chunk(&mut out, 3, &s.octets());
            chunk(&mut out, 4, &d.octets());
        }
        (s, d) => {
            let six = |ip: IpAddr| match ip {
                IpAddr::V4(a) => a.to_ipv6_mapped().octets(),
                IpAddr::V6(a) => a.octets(),
            };
            chunk(&mut out, 5, &six(s));
            chunk(&mut out, 6, &six(d));
        }
    }
    chunk(&mut out, 7, &src.port().to_be_bytes());
    chunk(&mut out, 8, &dst.port().to_be_bytes());
    chunk(&mut out, 9, &((micros / 1_000_000) as u32).to_be_bytes());
    chunk(&mut out, 10, &((micros % 1_000_000) as u32).to_be_bytes());
    chunk(&mut out, 11, &[PROTO_SIP]);
    chunk(&mut out, 12, &2001u32.to_be_bytes());
    chunk(&mut out, 15, payload);
    let len = out.len() as u16;
    out[4..6].copy_from_slice(&len.to_be_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v3_round_trip_and_damage() {
        let s: SocketAddr = "10.0.0.1:5060".parse().unwrap();
        let d: SocketAddr = "[2001:db8::2]:5080".parse().unwrap();
        let p = build3(s, d, 1_700_000_000_123_456, 17, b"OPTIONS sip:x SIP/2.0\r\n\r\n");
        let h = parse3(&p).unwrap();
        assert_eq!(h.src, Some("[::ffff:10.0.0.1]:5060".parse().unwrap()));
        assert_eq!(h.dst, Some(d));
        assert_eq!(h.micros, Some(1_700_000_000_123_456));
        assert_eq!((h.ip_proto, h.proto_type), (17, PROTO_SIP));
        assert_eq!(&*h.payload, b"OPTIONS sip:x SIP/2.0\r\n\r\n");
        for cut in [3, 5, 10, p.len() - 1] {
            assert!(parse3(&p[..cut]).is_err(), "cut at {cut}");
        }
        assert_eq!(parse3(b"SIP/2.0 200 OK"), Err(HepError::NotHep));
        // the payload chunk (15) turned into a compressed one (16)
        let mut z = p.clone();
        let at = z.windows(4).position(|w| w == [0, 0, 0, 15]).unwrap();
        z[at + 3] = 16;
        assert_eq!(parse3(&z), Err(HepError::Compressed));
    }

    #[test]
    fn v2_header() {
        let mut p = vec![2u8, 28, 2, 17, 0x13, 0xC4, 0x13, 0xC5, 10, 0, 0, 1, 10, 0, 0, 2];
        p.extend_from_slice(&100u32.to_le_bytes());
        p.extend_from_slice(&7u32.to_le_bytes());
        p.extend_from_slice(&[0, 0, 0, 0]);
        p.extend_from_slice(b"BYE sip:a SIP/2.0\r\n\r\n");
        let h = parse12(&p).unwrap();
        assert_eq!(h.src, Some("10.0.0.1:5060".parse().unwrap()));
        assert_eq!(h.dst, Some("10.0.0.2:5061".parse().unwrap()));
        assert_eq!(h.micros, Some(100_000_007));
        assert!(h.payload.starts_with(b"BYE"));
        assert_eq!(parse12(&p[..20]), Err(HepError::Malformed));
    }
}
