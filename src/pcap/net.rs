//! Link, network and transport layers: from a captured frame to UDP datagrams and TCP segments
//! with their addresses. Knows Ethernet (802.1Q/802.1ad/QinQ tags, MPLS, PPPoE), Linux cooked
//! captures (SLL, SLL2), raw IP, BSD loopback/null, IPv4 and IPv6 (extension headers), IP
//! fragments (reassembled, v4 and v6) and tunnels (IP-in-IP, 6in4, 4in6, GRE, ERSPAN, VXLAN).
//! Everything is bounds-checked: a short or odd packet yields nothing, never a panic.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// Link types (LINKTYPE_* values) this module reads.
pub const LINK_NULL: u16 = 0;
pub const LINK_ETHERNET: u16 = 1;
pub const LINK_RAW_OPENBSD: u16 = 12;
pub const LINK_RAW_BSDOS: u16 = 14;
pub const LINK_RAW: u16 = 101;
pub const LINK_LOOP: u16 = 108;
pub const LINK_SLL: u16 = 113;
pub const LINK_IPV4: u16 = 228;
pub const LINK_IPV6: u16 = 229;
pub const LINK_SLL2: u16 = 276;

/// Whether this module reads frames of link type `link`.
pub fn link_supported(link: u16) -> bool {
    matches!(
        link,
        LINK_NULL
            | LINK_ETHERNET
            | LINK_RAW_OPENBSD
            | LINK_RAW_BSDOS
            | LINK_RAW
            | LINK_LOOP
            | LINK_SLL
            | LINK_IPV4
            | LINK_IPV6
            | LINK_SLL2
    )
}

/// A readable name for a link type (for notes).
pub fn link_name(link: u16) -> &'static str {
    match link {
        LINK_NULL => "BSD loopback",
        LINK_ETHERNET => "Ethernet",
        LINK_RAW | LINK_RAW_OPENBSD | LINK_RAW_BSDOS => "raw IP",
        LINK_LOOP => "OpenBSD loopback",
        LINK_SLL => "Linux cooked (SLL)",
        LINK_IPV4 => "raw IPv4",
        LINK_IPV6 => "raw IPv6",
        LINK_SLL2 => "Linux cooked v2 (SLL2)",
        105 => "802.11 wireless",
        127 => "802.11 radiotap",
        _ => "unknown",
    }
}

/// TCP flags we look at.
pub const TCP_FIN: u8 = 0x01;
pub const TCP_SYN: u8 = 0x02;
pub const TCP_RST: u8 = 0x04;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Udp,
    Tcp { seq: u32, flags: u8 },
}

/// A UDP datagram or TCP segment, after every tunnel and fragment has been undone.
#[derive(Debug, Clone, Copy)]
pub struct Segment<'p> {
    pub src: SocketAddr,
    pub dst: SocketAddr,
    pub kind: Kind,
    /// The transport payload as captured.
    pub payload: &'p [u8],
    /// The payload length the headers announce (larger than `payload.len()` when the capture cut
    /// the packet at its snap length).
    pub wire_len: usize,
}

impl Segment<'_> {
    pub fn is_cut(&self) -> bool {
        self.payload.len() < self.wire_len
    }
}

const MAX_DEPTH: u8 = 8;
/// Open fragment sets kept at once, and bytes per set (an IP datagram is at most 64 KiB; IPv6
/// jumbograms are not fragmented).
const MAX_FRAG_SETS: usize = 4096;
const MAX_FRAG_BYTES: usize = 65_535 + 1500;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct FragKey {
    src: IpAddr,
    dst: IpAddr,
    id: u32,
    proto: u8,
}

#[derive(Debug, Default)]
struct FragSet {
    pieces: Vec<(usize, Vec<u8>)>,
    /// Length of the whole datagram payload, once the last fragment is seen.
    total: Option<usize>,
    bytes: usize,
    /// Packet number of the first fragment seen.
    first: u32,
    /// A fragment was cut by the snap length: the set can never complete.
    cut: bool,
    /// The first bytes (offset 0) of the datagram, when seen.
    head: Vec<u8>,
}

/// An IP datagram whose fragments did not all arrive.
#[derive(Debug, Clone)]
pub struct LostFragments {
    pub first_packet: u32,
    pub proto: u8,
    /// The start of the datagram (transport header onwards), when its first fragment was seen.
    pub head: Vec<u8>,
    pub cut: bool,
}

/// The layer decoder. Keeps fragment sets between frames.
#[derive(Default)]
pub struct Decoder {
    frags: HashMap<FragKey, FragSet>,
    /// Frames that carried no IP (ARP, LLDP, …) or an unknown link type.
    pub non_ip: u32,
    /// Link types seen that this module cannot read: (link type, first packet number).
    pub unknown_links: Vec<(u16, u32)>,
    /// Fragment sets dropped because too many were open.
    pub frag_evicted: u32,
}

struct Ctx<'s, F> {
    sink: &'s mut F,
    number: u32,
}

impl Decoder {
    /// Decodes one frame and calls `sink` for each UDP datagram / TCP segment in it.
    pub fn frame(&mut self, link: u16, number: u32, data: &[u8], sink: &mut impl FnMut(Segment<'_>)) {
        let mut cx = Ctx { sink, number };
        let carried = match link {
            LINK_ETHERNET => self.ethernet(&mut cx, data, 0),
            LINK_SLL => {
                data.len() >= 16 && self.ethertype(&mut cx, u16::from_be_bytes([data[14], data[15]]), &data[16..], 0)
            }
            LINK_SLL2 => {
                data.len() >= 20 && self.ethertype(&mut cx, u16::from_be_bytes([data[0], data[1]]), &data[20..], 0)
            }
            LINK_RAW | LINK_RAW_OPENBSD | LINK_RAW_BSDOS | LINK_IPV4 | LINK_IPV6 => self.ip(&mut cx, data, 0),
            LINK_NULL | LINK_LOOP => data.len() > 4 && self.ip(&mut cx, &data[4..], 0),
            _ => {
                if !self.unknown_links.iter().any(|(l, _)| *l == link) {
                    self.unknown_links.push((link, number));
                }
                false
            }
        };
        if !carried {
            self.non_ip += 1;
        }
    }

    /// The fragment sets still incomplete (call at the end of the capture).
    pub fn lost_fragments(&mut self) -> Vec<LostFragments> {
        let mut out: Vec<LostFragments> = self
            .frags
            .drain()
            .map(|(k, s)| LostFragments { first_packet: s.first, proto: k.proto, head: s.head, cut: s.cut })
            .collect();
        super::sort_short(&mut out, |l| l.first_packet as u64);
        out
    }

    fn ethernet<F: FnMut(Segment<'_>)>(&mut self, cx: &mut Ctx<'_, F>, d: &[u8], depth: u8) -> bool {
        if d.len() < 14 {
            return false;
        }
        self.ethertype(cx, u16::from_be_bytes([d[12], d[13]]), &d[14..], depth)
    }

    /// Follows VLAN tags, MPLS labels and PPPoE to the IP packet.
    fn ethertype<F: FnMut(Segment<'_>)>(&mut self, cx: &mut Ctx<'_, F>, mut et: u16, mut d: &[u8], depth: u8) -> bool {
        loop {
            match et {
                // 802.1Q, 802.1ad (QinQ outer), old QinQ tags: 2 bytes of tag, then the next type.
                0x8100 | 0x88A8 | 0x9100 | 0x9200 => {
                    if d.len() < 4 {
                        return false;
                    }
                    et = u16::from_be_bytes([d[2], d[3]]);
                    d = &d[4..];
                }
                0x0800 | 0x86DD => return self.ip(cx, d, depth),
                // MPLS: labels until bottom of stack, then guess IP by its version nibble.
                0x8847 | 0x8848 => {
                    let mut o = 0;
                    loop {
                        let Some(l) = d.get(o..o + 4) else { return false };
                        o += 4;
                        if l[2] & 1 == 1 {
                            break;
                        }
                    }
                    return self.ip(cx, &d[o..], depth);
                }
                // PPPoE session: 6-byte header, then the PPP protocol.
                0x8864 => {
                    if d.len() < 8 {
                        return false;
                    }
                    return match u16::from_be_bytes([d[6], d[7]]) {
                        0x0021 | 0x0057 => self.ip(cx, &d[8..], depth),
                        _ => false,
                    };
                }
                _ => return false,
            }
        }
    }

    fn ip<F: FnMut(Segment<'_>)>(&mut self, cx: &mut Ctx<'_, F>, d: &[u8], depth: u8) -> bool {
        if depth > MAX_DEPTH {
            return false;
        }
        match d.first().map(|b| b >> 4) {
            Some(4) => self.ipv4(cx, d, depth),
            Some(6) => self.ipv6(cx, d, depth),
            _ => false,
        }
    }

    fn ipv4<F: FnMut(Segment<'_>)>(&mut self, cx: &mut Ctx<'_, F>, d: &[u8], depth: u8) -> bool {
        if d.len() < 20 {
            return false;
        }
        let ihl = (d[0] & 0x0F) as usize * 4;
        if ihl < 20 || d.len() < ihl {
            return false;
        }
        let total = u16::from_be_bytes([d[2], d[3]]) as usize;
        // 0 happens with TCP segmentation offload: trust what was captured.
        let total = if total == 0 { d.len() } else { total.max(ihl) };
        let end = total.min(d.len());
        let id = u16::from_be_bytes([d[4], d[5]]) as u32;
        let ff = u16::from_be_bytes([d[6], d[7]]);
        let more = ff & 0x2000 != 0;
        let offset = (ff & 0x1FFF) as usize * 8;
        let proto = d[9];
        let src = IpAddr::V4(Ipv4Addr::new(d[12], d[13], d[14], d[15]));
        let dst = IpAddr::V4(Ipv4Addr::new(d[16], d[17], d[18], d[19]));
        let payload = &d[ihl..end];
        let wire = total - ihl;
        if more || offset > 0 {
            self.fragment(cx, FragKey { src, dst, id, proto }, offset, more, payload, wire, depth);
            return true;
        }
        self.transport(cx, proto, src, dst, payload, wire, depth);
        true
    }

    fn ipv6<F: FnMut(Segment<'_>)>(&mut self, cx: &mut Ctx<'_, F>, d: &[u8], depth: u8) -> bool {
        if d.len() < 40 {
            return false;
        }
        let plen = u16::from_be_bytes([d[4], d[5]]) as usize;
        let next = d[6];
        let mut s = [0u8; 16];
        s.copy_from_slice(&d[8..24]);
        let src = IpAddr::V6(Ipv6Addr::from(s));
        s.copy_from_slice(&d[24..40]);
        let dst = IpAddr::V6(Ipv6Addr::from(s));
        // A payload length of 0 is a jumbogram (or offload): trust the capture.
        let wire = if plen == 0 { d.len() - 40 } else { plen };
        let payload = &d[40..(40 + wire).min(d.len())];
        self.ipv6_payload(cx, next, src, dst, payload, wire, depth);
        true
    }

    /// Walks IPv6 extension headers (also after reassembly: the fragmentable part may start with
    /// more of them).
    #[allow(clippy::too_many_arguments)]
    fn ipv6_payload<F: FnMut(Segment<'_>)>(
        &mut self,
        cx: &mut Ctx<'_, F>,
        mut next: u8,
        src: IpAddr,
        dst: IpAddr,
        mut p: &[u8],
        mut wire: usize,
        depth: u8,
    ) {
        loop {
            match next {
                // hop-by-hop, routing, destination options, mobility, HIP, shim6
                0 | 43 | 60 | 135 | 139 | 140 => {
                    if p.len() < 8 {
                        return;
                    }
                    let len = (p[1] as usize + 1) * 8;
                    if p.len() < len {
                        return;
                    }
                    next = p[0];
                    p = &p[len..];
                    wire = wire.saturating_sub(len);
                }
                // authentication header: length in 4-byte units, minus 2
                51 => {
                    if p.len() < 8 {
                        return;
                    }
                    let len = (p[1] as usize + 2) * 4;
                    if p.len() < len {
                        return;
                    }
                    next = p[0];
                    p = &p[len..];
                    wire = wire.saturating_sub(len);
                }
                44 => {
                    if p.len() < 8 {
                        return;
                    }
                    let inner = p[0];
                    let of = u16::from_be_bytes([p[2], p[3]]);
                    let offset = (of >> 3) as usize * 8;
                    let more = of & 1 != 0;
                    let id = u32::from_be_bytes([p[4], p[5], p[6], p[7]]);
                    let key = FragKey { src, dst, id, proto: inner };
                    self.fragment(cx, key, offset, more, &p[8..], wire.saturating_sub(8), depth);
                    return;
                }
                59 => return,
                proto => return self.transport(cx, proto, src, dst, p, wire, depth),
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn fragment<F: FnMut(Segment<'_>)>(
        &mut self,
        cx: &mut Ctx<'_, F>,
        key: FragKey,
        offset: usize,
        more: bool,
        data: &[u8],
        wire: usize,
        depth: u8,
    ) {
        if self.frags.len() >= MAX_FRAG_SETS && !self.frags.contains_key(&key) {
            // Drop the oldest set to stay bounded.
            if let Some(oldest) = self.frags.iter().min_by_key(|(_, s)| s.first).map(|(k, _)| k.clone()) {
                self.frags.remove(&oldest);
                self.frag_evicted += 1;
            }
        }
        let number = cx.number;
        let set = self.frags.entry(key.clone()).or_insert_with(|| FragSet { first: number, ..Default::default() });
        if data.len() < wire {
            set.cut = true;
        }
        if offset == 0 && set.head.is_empty() {
            set.head = data[..data.len().min(256)].to_vec();
        }
        if set.bytes + data.len() > MAX_FRAG_BYTES || offset + data.len() > MAX_FRAG_BYTES {
            set.cut = true;
            return;
        }
        if !more {
            set.total = Some(offset + wire);
        }
        if !set.pieces.iter().any(|(o, p)| *o == offset && p.len() >= data.len()) {
            set.bytes += data.len();
            set.pieces.push((offset, data.to_vec()));
        }
        let Some(total) = set.total else { return };
        if set.cut {
            return;
        }
        // Complete when the pieces cover 0..total without a hole.
        super::sort_short(&mut set.pieces, |(o, _)| *o as u64);
        let mut covered = 0usize;
        for (o, p) in &set.pieces {
            if *o > covered {
                return;
            }
            covered = covered.max(o + p.len());
        }
        if covered < total {
            return;
        }
        let Some(set) = self.frags.remove(&key) else { return };
        let mut whole = vec![0u8; total];
        let mut filled = 0usize;
        for (o, p) in &set.pieces {
            // Overlaps: the first copy of a byte wins.
            let end = (o + p.len()).min(total);
            if end > filled {
                let from = filled.max(*o);
                whole[from..end].copy_from_slice(&p[from - o..end - o]);
                filled = end;
            }
        }
        match key.src {
            IpAddr::V4(_) => self.transport(cx, key.proto, key.src, key.dst, &whole, total, depth),
            IpAddr::V6(_) => self.ipv6_payload(cx, key.proto, key.src, key.dst, &whole, total, depth),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn transport<F: FnMut(Segment<'_>)>(
        &mut self,
        cx: &mut Ctx<'_, F>,
        proto: u8,
        src: IpAddr,
        dst: IpAddr,
        p: &[u8],
        wire: usize,
        depth: u8,
    ) {
        match proto {
            17 => {
                if p.len() < 8 {
                    return;
                }
                let sport = u16::from_be_bytes([p[0], p[1]]);
                let dport = u16::from_be_bytes([p[2], p[3]]);
                let ulen = u16::from_be_bytes([p[4], p[5]]) as usize;
                // 0 (IPv6 jumbo) or a bad length: fall back to the IP length.
                let ulen = if ulen < 8 { wire.max(8) } else { ulen };
                let data = &p[8..ulen.min(p.len())];
                // VXLAN: an Ethernet frame inside UDP.
                if dport == 4789 && data.len() >= 8 + 14 && data[0] & 0x08 != 0 {
                    self.ethernet(cx, &data[8..], depth + 1);
                    return;
                }
                (cx.sink)(Segment {
                    src: SocketAddr::new(src, sport),
                    dst: SocketAddr::new(dst, dport),
                    kind: Kind::Udp,
                    payload: data,
                    wire_len: ulen - 8,
                });
            }
            6 => {
                if p.len() < 20 {
                    return;
                }
                let sport = u16::from_be_bytes([p[0], p[1]]);
                let dport = u16::from_be_bytes([p[2], p[3]]);
                let seq = u32::from_be_bytes([p[4], p[5], p[6], p[7]]);
                let doff = (p[12] >> 4) as usize * 4;
                if doff < 20 || p.len() < doff {
                    return;
                }
                (cx.sink)(Segment {
                    src: SocketAddr::new(src, sport),
                    dst: SocketAddr::new(dst, dport),
                    kind: Kind::Tcp { seq, flags: p[13] },
                    payload: &p[doff..],
                    wire_len: wire.saturating_sub(doff).max(p.len() - doff),
                });
            }
            // IP in IP (4in4, 6in4, 4in6, 6in6)
            4 | 41 => {
                self.ip(cx, p, depth + 1);
            }
            // GRE (version 0): optional checksum, key, sequence; then an ethertype.
            47 => {
                if p.len() < 4 || p[1] & 0x07 != 0 {
                    return;
                }
                let flags = p[0];
                let mut o = 4;
                for bit in [0x80, 0x20, 0x10] {
                    if flags & bit != 0 {
                        o += 4;
                    }
                }
                let Some(inner) = p.get(o..) else { return };
                match u16::from_be_bytes([p[2], p[3]]) {
                    0x6558 => {
                        self.ethernet(cx, inner, depth + 1);
                    }
                    // ERSPAN type II (8-byte header) and III (12 bytes) carry Ethernet frames.
                    0x88BE if inner.len() > 8 => {
                        self.ethernet(cx, &inner[8..], depth + 1);
                    }
                    0x22EB if inner.len() > 12 => {
                        self.ethernet(cx, &inner[12..], depth + 1);
                    }
                    et => {
                        self.ethertype(cx, et, inner, depth + 1);
                    }
                }
            }
            _ => {}
        }
    }
}
