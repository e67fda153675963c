//! RTP and RTCP header recognition (RFC 3550) for UDP payloads that are not SIP. Only the header
//! is read; payloads are never kept. A match here is a candidate: [`crate::media`] decides what
//! is a stream (by the SDP of a call, or by a consistent SSRC and sequence).

use crate::ingest::Timestamp;
use crate::media::RtpPacket;
use std::net::SocketAddr;

/// Reads an RTP or RTCP header. `wire_len` is the UDP payload length on the wire (the capture
/// may hold fewer bytes: the header is enough).
pub fn read(
    b: &[u8],
    wire_len: usize,
    src: SocketAddr,
    dst: SocketAddr,
    time: Timestamp,
    number: u32,
) -> Option<RtpPacket> {
    if b.len() < 8 || b[0] >> 6 != 2 || src.port() < 1024 || dst.port() < 1024 {
        return None;
    }
    let second = b[1];
    if (192..=223).contains(&second) {
        return rtcp(b, wire_len, src, dst, time, number);
    }
    if b.len() < 12 {
        return None;
    }
    let cc = (b[0] & 0x0F) as usize;
    let mut header = 12 + 4 * cc;
    if b[0] & 0x10 != 0 {
        // header extension: 16-bit profile, 16-bit length in words
        let ext = b.get(header + 2..header + 4)?;
        header += 4 + 4 * u16::from_be_bytes([ext[0], ext[1]]) as usize;
    }
    if header > wire_len {
        return None;
    }
    let mut pad = 0usize;
    if b[0] & 0x20 != 0 && b.len() == wire_len {
        pad = *b.last()? as usize;
        if pad == 0 || header + pad > wire_len {
            return None;
        }
    }
    Some(RtpPacket {
        time,
        src,
        dst,
        ssrc: u32::from_be_bytes([b[8], b[9], b[10], b[11]]),
        seq: u16::from_be_bytes([b[2], b[3]]),
        timestamp: u32::from_be_bytes([b[4], b[5], b[6], b[7]]),
        payload_type: second & 0x7F,
        marker: second & 0x80 != 0,
        len: (wire_len - header - pad) as u32,
        number,
        rtcp: false,
    })
}

/// A compound RTCP packet: every part's length must add up to the datagram (when whole).
fn rtcp(
    b: &[u8],
    wire_len: usize,
    src: SocketAddr,
    dst: SocketAddr,
    time: Timestamp,
    number: u32,
) -> Option<RtpPacket> {
    let pt = b[1];
    if !(200..=207).contains(&pt) {
        return None;
    }
    let mut at = 0usize;
    while at + 4 <= b.len() {
        if b[at] >> 6 != 2 {
            return None;
        }
        at += (u16::from_be_bytes([b[at + 2], b[at + 3]]) as usize + 1) * 4;
    }
    if b.len() == wire_len && at != wire_len {
        return None;
    }
    Some(RtpPacket {
        time,
        src,
        dst,
        ssrc: u32::from_be_bytes([b[4], b[5], b[6], b[7]]),
        seq: 0,
        timestamp: 0,
        payload_type: pt,
        marker: false,
        len: wire_len as u32,
        number,
        rtcp: true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(s: &str) -> SocketAddr {
        s.parse().unwrap()
    }

    #[test]
    fn headers() {
        let t = Timestamp { micros: 0, has_date: true };
        let (a, b) = (addr("10.0.0.1:40000"), addr("10.0.0.2:40002"));
        let mut p = vec![0x80, 0x08, 0x01, 0x02, 0, 0, 0, 160, 0xDE, 0xAD, 0xBE, 0xEF];
        p.extend_from_slice(&[0xD5; 160]);
        let r = read(&p, p.len(), a, b, t, 7).unwrap();
        assert_eq!((r.ssrc, r.seq, r.timestamp, r.payload_type, r.len, r.rtcp), (0xDEADBEEF, 258, 160, 8, 160, false));
        // cut by the snap length: the header is enough, the length comes from the wire
        let r = read(&p[..20], 172, a, b, t, 7).unwrap();
        assert_eq!(r.len, 160);
        // well-known ports and other versions are not RTP
        assert!(read(&p, p.len(), addr("10.0.0.1:53"), b, t, 1).is_none());
        p[0] = 0x40;
        assert!(read(&p, p.len(), a, b, t, 1).is_none());
        // an RTCP receiver report, compound length checked
        let rr = [0x80, 201, 0, 1, 0, 0, 0, 9];
        let r = read(&rr, 8, a, b, t, 2).unwrap();
        assert!(r.rtcp);
        assert_eq!((r.ssrc, r.payload_type), (9, 201));
        assert!(read(&rr[..8], 12, a, b, t, 2).is_some(), "cut compound is taken on trust");
        let bad = [0x80, 201, 0, 5, 0, 0, 0, 9];
        assert!(read(&bad, 8, a, b, t, 2).is_none());
    }
}
