//! Integration tests: capture files (pcap/pcapng) and media analysis.
//!
//! Captures are written byte by byte in memory by the helpers below (container, link, IP, UDP,
//! TCP, HEP, RTP), independently of the reader, so every layer the reader knows is exercised with
//! known answers. The corpus captures are checked against what tshark saw in them
//! (tests/fixtures/pcap/*.tsv, written by scripts/pcap-expected.sh).

use crate::support;
use sipdiag::diagnose::{Finding, Options};
use sipdiag::ingest::{Ingested, ProblemKind, Transport};
use sipdiag::media::{self, Stream};
use sipdiag::pcap::{ingest_capture, is_capture};
use sipdiag::Analysis;
use std::net::{IpAddr, SocketAddr};

/// 2023-11-14 22:13:20 UTC, in µs.
const T0: i64 = 1_700_000_000_000_000;

// ---------------------------------------------------------------- capture writer

#[derive(Clone)]
struct Frame {
    us: i64,
    data: Vec<u8>,
    /// length on the wire (more than `data.len()` for a cut packet)
    orig: usize,
    iface: u32,
}

fn fr(us: i64, data: Vec<u8>) -> Frame {
    let orig = data.len();
    Frame { us, data, orig, iface: 0 }
}

/// A classic pcap file.
fn pcap(link: u16, frames: &[Frame], nanos: bool, big_endian: bool) -> Vec<u8> {
    let w32 =
        |o: &mut Vec<u8>, v: u32| o.extend_from_slice(&if big_endian { v.to_be_bytes() } else { v.to_le_bytes() });
    let w16 =
        |o: &mut Vec<u8>, v: u16| o.extend_from_slice(&if big_endian { v.to_be_bytes() } else { v.to_le_bytes() });
    let mut o = Vec::new();
    w32(&mut o, if nanos { 0xA1B2_3C4D } else { 0xA1B2_C3D4 });
    w16(&mut o, 2);
    w16(&mut o, 4);
    w32(&mut o, 0);
    w32(&mut o, 0);
    w32(&mut o, 65535);
    w32(&mut o, link as u32);
    for f in frames {
        w32(&mut o, (f.us / 1_000_000) as u32);
        let frac = f.us % 1_000_000;
        w32(&mut o, if nanos { (frac * 1000 + 789) as u32 } else { frac as u32 });
        w32(&mut o, f.data.len() as u32);
        w32(&mut o, f.orig as u32);
        o.extend_from_slice(&f.data);
    }
    o
}

fn ng_block(o: &mut Vec<u8>, kind: u32, body: &[u8]) {
    let pad = (4 - body.len() % 4) % 4;
    let len = (12 + body.len() + pad) as u32;
    o.extend_from_slice(&kind.to_le_bytes());
    o.extend_from_slice(&len.to_le_bytes());
    o.extend_from_slice(body);
    o.extend(std::iter::repeat_n(0u8, pad));
    o.extend_from_slice(&len.to_le_bytes());
}

/// A pcapng file: one interface per `(link type, if_tsresol)`; frames name their interface.
/// `simple`: write frames of interface 0 as Simple Packet Blocks (no timestamp).
fn pcapng(ifaces: &[(u16, u8)], frames: &[Frame], simple: bool) -> Vec<u8> {
    let mut o = Vec::new();
    let mut shb = Vec::new();
    shb.extend_from_slice(&0x1A2B_3C4Du32.to_le_bytes());
    shb.extend_from_slice(&1u16.to_le_bytes());
    shb.extend_from_slice(&0u16.to_le_bytes());
    shb.extend_from_slice(&(-1i64).to_le_bytes());
    ng_block(&mut o, 0x0A0D_0D0A, &shb);
    for &(link, resol) in ifaces {
        let mut idb = Vec::new();
        idb.extend_from_slice(&link.to_le_bytes());
        idb.extend_from_slice(&0u16.to_le_bytes());
        idb.extend_from_slice(&0u32.to_le_bytes());
        // option if_tsresol (9), length 1, padded; then opt_endofopt
        idb.extend_from_slice(&9u16.to_le_bytes());
        idb.extend_from_slice(&1u16.to_le_bytes());
        idb.extend_from_slice(&[resol, 0, 0, 0]);
        idb.extend_from_slice(&[0, 0, 0, 0]);
        ng_block(&mut o, 1, &idb);
    }
    // an interface statistics block in the middle must be skipped
    ng_block(&mut o, 5, &[0u8; 12]);
    for f in frames {
        if simple && f.iface == 0 {
            let mut spb = Vec::new();
            spb.extend_from_slice(&(f.orig as u32).to_le_bytes());
            spb.extend_from_slice(&f.data);
            ng_block(&mut o, 3, &spb);
            continue;
        }
        let (_, resol) = ifaces[f.iface as usize];
        let units: u128 = if resol & 0x80 != 0 { 1 << (resol & 0x7F) } else { 10u128.pow(resol as u32) };
        let ts = (f.us as u128 * units / 1_000_000) as u64;
        let mut epb = Vec::new();
        epb.extend_from_slice(&f.iface.to_le_bytes());
        epb.extend_from_slice(&((ts >> 32) as u32).to_le_bytes());
        epb.extend_from_slice(&(ts as u32).to_le_bytes());
        epb.extend_from_slice(&(f.data.len() as u32).to_le_bytes());
        epb.extend_from_slice(&(f.orig as u32).to_le_bytes());
        epb.extend_from_slice(&f.data);
        ng_block(&mut o, 6, &epb);
    }
    o
}

// ---------------------------------------------------------------- packet writer

fn sa(s: &str) -> SocketAddr {
    s.parse().unwrap()
}

fn ipv4(src: IpAddr, dst: IpAddr, proto: u8, payload: &[u8], id: u16, frag_off8: u16, more: bool) -> Vec<u8> {
    let (IpAddr::V4(s), IpAddr::V4(d)) = (src, dst) else { panic!("ipv4 needs v4 addresses") };
    let total = (20 + payload.len()) as u16;
    let mut o = vec![0x45, 0];
    o.extend_from_slice(&total.to_be_bytes());
    o.extend_from_slice(&id.to_be_bytes());
    o.extend_from_slice(&(frag_off8 | if more { 0x2000 } else { 0 }).to_be_bytes());
    o.extend_from_slice(&[64, proto, 0, 0]);
    o.extend_from_slice(&s.octets());
    o.extend_from_slice(&d.octets());
    o.extend_from_slice(payload);
    o
}

/// IPv6 with the given extension headers: each `(type, body)`, body padded to 8n-2 bytes.
fn ipv6(src: IpAddr, dst: IpAddr, proto: u8, payload: &[u8], ext: &[(u8, Vec<u8>)]) -> Vec<u8> {
    let (IpAddr::V6(s), IpAddr::V6(d)) = (src, dst) else { panic!("ipv6 needs v6 addresses") };
    let mut chain = Vec::new();
    for (k, (_, body)) in ext.iter().enumerate() {
        let next = ext.get(k + 1).map_or(proto, |e| e.0);
        let mut h = vec![next, 0];
        h.extend_from_slice(body);
        while h.len() % 8 != 0 {
            h.push(0);
        }
        if ext[k].0 != 44 {
            h[1] = (h.len() / 8 - 1) as u8;
        }
        chain.extend_from_slice(&h);
    }
    chain.extend_from_slice(payload);
    let mut o = vec![0x60, 0, 0, 0];
    o.extend_from_slice(&(chain.len() as u16).to_be_bytes());
    o.push(ext.first().map_or(proto, |e| e.0));
    o.push(64);
    o.extend_from_slice(&s.octets());
    o.extend_from_slice(&d.octets());
    o.extend_from_slice(&chain);
    o
}

fn udp_seg(src: SocketAddr, dst: SocketAddr, payload: &[u8]) -> Vec<u8> {
    let mut o = Vec::new();
    o.extend_from_slice(&src.port().to_be_bytes());
    o.extend_from_slice(&dst.port().to_be_bytes());
    o.extend_from_slice(&((8 + payload.len()) as u16).to_be_bytes());
    o.extend_from_slice(&[0, 0]);
    o.extend_from_slice(payload);
    o
}

const SYN: u8 = 0x02;
const ACK: u8 = 0x10;
const PSH: u8 = 0x08;

fn tcp_seg(src: SocketAddr, dst: SocketAddr, seq: u32, flags: u8, payload: &[u8]) -> Vec<u8> {
    let mut o = Vec::new();
    o.extend_from_slice(&src.port().to_be_bytes());
    o.extend_from_slice(&dst.port().to_be_bytes());
    o.extend_from_slice(&seq.to_be_bytes());
    o.extend_from_slice(&0u32.to_be_bytes());
    o.extend_from_slice(&[0x50, flags, 0xFF, 0xFF, 0, 0, 0, 0]);
    o.extend_from_slice(payload);
    o
}

/// An IP packet (v4 or v6 by address) around a transport segment.
fn ip(src: IpAddr, dst: IpAddr, proto: u8, seg: &[u8]) -> Vec<u8> {
    if src.is_ipv4() {
        ipv4(src, dst, proto, seg, 1, 0, false)
    } else {
        ipv6(src, dst, proto, seg, &[])
    }
}

fn ip_udp(src: SocketAddr, dst: SocketAddr, payload: &[u8]) -> Vec<u8> {
    ip(src.ip(), dst.ip(), 17, &udp_seg(src, dst, payload))
}

fn ip_tcp(src: SocketAddr, dst: SocketAddr, seq: u32, flags: u8, payload: &[u8]) -> Vec<u8> {
    ip(src.ip(), dst.ip(), 6, &tcp_seg(src, dst, seq, flags, payload))
}

fn ethertype_of(ip: &[u8]) -> u16 {
    if ip[0] >> 4 == 6 {
        0x86DD
    } else {
        0x0800
    }
}

/// Ethernet II with optional tags (outer first): `(TPID, VLAN id)`.
fn eth_tagged(ip: &[u8], tags: &[(u16, u16)]) -> Vec<u8> {
    let mut o = vec![0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xAA, 0xBB];
    for &(tpid, vid) in tags {
        o.extend_from_slice(&tpid.to_be_bytes());
        o.extend_from_slice(&vid.to_be_bytes());
    }
    o.extend_from_slice(&ethertype_of(ip).to_be_bytes());
    o.extend_from_slice(ip);
    o
}

fn eth(ip: &[u8]) -> Vec<u8> {
    eth_tagged(ip, &[])
}

/// Wraps an IP packet in the link layer of `link`.
fn link_wrap(link: u16, ip: &[u8]) -> Vec<u8> {
    let et = ethertype_of(ip);
    let v6 = et == 0x86DD;
    match link {
        1 => eth(ip),
        113 => {
            let mut o = vec![0, 0, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0];
            o.extend_from_slice(&et.to_be_bytes());
            o.extend_from_slice(ip);
            o
        }
        276 => {
            let mut o = et.to_be_bytes().to_vec();
            o.extend_from_slice(&[0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0]);
            o.extend_from_slice(ip);
            o
        }
        101 | 228 | 229 => ip.to_vec(),
        // BSD null: address family in host (little-endian) order; 24 is AF_INET6 on NetBSD
        0 => {
            let mut o = (if v6 { 24u32 } else { 2 }).to_le_bytes().to_vec();
            o.extend_from_slice(ip);
            o
        }
        // OpenBSD loop: network order; 24 is AF_INET6 on OpenBSD
        108 => {
            let mut o = (if v6 { 24u32 } else { 2 }).to_be_bytes().to_vec();
            o.extend_from_slice(ip);
            o
        }
        _ => panic!("no writer for link {link}"),
    }
}

fn rtp(pt: u8, marker: bool, seq: u16, ts: u32, ssrc: u32, payload_len: usize) -> Vec<u8> {
    let mut o = vec![0x80, pt | if marker { 0x80 } else { 0 }];
    o.extend_from_slice(&seq.to_be_bytes());
    o.extend_from_slice(&ts.to_be_bytes());
    o.extend_from_slice(&ssrc.to_be_bytes());
    o.extend(std::iter::repeat_n(0xD5u8, payload_len));
    o
}

/// HEP v3, written from the spec (chunk vendor 0): family, proto, addresses, ports, time,
/// protocol type 1 (SIP), capture id, payload.
fn hep3(src: SocketAddr, dst: SocketAddr, us: i64, payload: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    let mut chunk = |t: u16, v: &[u8]| {
        body.extend_from_slice(&0u16.to_be_bytes());
        body.extend_from_slice(&t.to_be_bytes());
        body.extend_from_slice(&((6 + v.len()) as u16).to_be_bytes());
        body.extend_from_slice(v);
    };
    let (IpAddr::V4(s), IpAddr::V4(d)) = (src.ip(), dst.ip()) else { panic!("v4 only") };
    chunk(1, &[2]);
    chunk(2, &[17]);
    chunk(3, &s.octets());
    chunk(4, &d.octets());
    chunk(7, &src.port().to_be_bytes());
    chunk(8, &dst.port().to_be_bytes());
    chunk(9, &((us / 1_000_000) as u32).to_be_bytes());
    chunk(10, &((us % 1_000_000) as u32).to_be_bytes());
    chunk(11, &[1]);
    chunk(12, &42u32.to_be_bytes());
    chunk(15, payload);
    let mut o = b"HEP3".to_vec();
    o.extend_from_slice(&((6 + body.len()) as u16).to_be_bytes());
    o.extend_from_slice(&body);
    o
}

// ---------------------------------------------------------------- SIP writer

fn sdp(ip: &str, port: u16, pts: &[(u8, &str)], dir: &str) -> String {
    let list: Vec<String> = pts.iter().map(|p| p.0.to_string()).collect();
    let mut s = format!(
        "v=0\r\no=- 1 1 IN IP4 {ip}\r\ns=-\r\nc=IN IP4 {ip}\r\nt=0 0\r\nm=audio {port} RTP/AVP {}\r\n",
        list.join(" ")
    );
    for (pt, map) in pts {
        if !map.is_empty() {
            s.push_str(&format!("a=rtpmap:{pt} {map}\r\n"));
        }
    }
    s.push_str(&format!("a={dir}\r\n"));
    s
}

fn sip(start: &str, call_id: &str, cseq: &str, from_tag: &str, to_tag: Option<&str>, body: &str) -> String {
    let mut m = format!(
        "{start}\r\nVia: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK{}\r\nMax-Forwards: 70\r\nFrom: <sip:alice@example.com>;tag={from_tag}\r\nTo: <sip:bob@example.com>{}\r\nCall-ID: {call_id}\r\nCSeq: {cseq}\r\n",
        cseq.split(' ').next().unwrap_or("1"),
        to_tag.map(|t| format!(";tag={t}")).unwrap_or_default()
    );
    if !body.is_empty() {
        m.push_str("Content-Type: application/sdp\r\n");
    }
    m.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    m
}

fn options(n: u32) -> String {
    sip("OPTIONS sip:bob@example.com SIP/2.0", &format!("opt-{n}"), "1 OPTIONS", "a1", None, "")
}

/// A message of at least `size` bytes (a long header pads it).
fn big_invite(size: usize) -> String {
    let body = sdp("192.0.2.10", 4000, &[(0, "PCMU/8000")], "sendrecv");
    let m = sip("INVITE sip:bob@example.com SIP/2.0", "big-1", "1 INVITE", "a1", None, &body);
    let pad = size.saturating_sub(m.len() + 9);
    m.replacen("Max-Forwards: 70\r\n", &format!("Max-Forwards: 70\r\nX-Pad: {}\r\n", "x".repeat(pad)), 1)
}

// ---------------------------------------------------------------- helpers

fn read(bytes: &[u8]) -> Ingested<'static> {
    assert!(is_capture(bytes), "the writer's output must be recognised as a capture");
    ingest_capture(bytes)
}

fn first_lines(ing: &Ingested<'_>) -> Vec<String> {
    ing.items.iter().map(|i| i.text.lines().next().unwrap_or("").to_string()).collect()
}

fn problems(ing: &Ingested<'_>) -> Vec<(ProblemKind, u32)> {
    ing.problems.iter().map(|p| (p.kind, p.line)).collect()
}

fn endpoint(e: &Option<sipdiag::ingest::Endpoint<'_>>) -> String {
    e.as_ref().map(|e| e.to_string()).unwrap_or_default()
}

// ---------------------------------------------------------------- containers and links

#[test]
fn every_link_type_yields_the_message_with_its_addresses() {
    let v4 = (sa("192.0.2.10:5060"), sa("198.51.100.20:5080"));
    let v6 = (sa("[2001:db8::10]:5060"), sa("[2001:db8::20]:5062"));
    let cases: &[(u16, (SocketAddr, SocketAddr))] = &[
        (1, v4),
        (1, v6),
        (113, v4),
        (113, v6),
        (276, v4),
        (276, v6),
        (101, v4),
        (101, v6),
        (228, v4),
        (229, v6),
        (0, v4),
        (0, v6),
        (108, v4),
        (108, v6),
    ];
    for &(link, (src, dst)) in cases {
        let msg = options(link as u32);
        let frames = vec![fr(T0 + 1_500, link_wrap(link, &ip_udp(src, dst, msg.as_bytes())))];
        let ing = read(&pcap(link, &frames, false, false));
        assert_eq!(ing.items.len(), 1, "link {link} {src}: {:?}", problems(&ing));
        let it = &ing.items[0];
        assert_eq!(it.text, msg, "link {link}");
        assert_eq!(it.first_line, 1, "line = packet number");
        assert_eq!(it.input_line(5), 1, "every message line maps to its packet");
        assert_eq!(it.time.map(|t| (t.micros, t.has_date)), Some((T0 + 1_500, true)));
        assert_eq!((endpoint(&it.src), endpoint(&it.dst)), (src.to_string(), dst.to_string()), "link {link}");
        assert_eq!(it.transport, Some(Transport::Udp));
        assert_eq!(it.format, sipdiag::ingest::Format::Pcap);
        assert!(ing.problems.is_empty(), "link {link}: {:?}", problems(&ing));
        assert_eq!(ing.formats, vec![sipdiag::ingest::Format::Pcap]);
    }
}

#[test]
fn pcap_byte_orders_and_resolutions() {
    let (a, b) = (sa("10.1.1.1:5060"), sa("10.1.1.2:5060"));
    let frames: Vec<Frame> =
        (0..3).map(|k| fr(T0 + k * 1_000_123, eth(&ip_udp(a, b, options(k as u32).as_bytes())))).collect();
    for (nanos, be) in [(false, false), (false, true), (true, false), (true, true)] {
        let ing = read(&pcap(1, &frames, nanos, be));
        let times: Vec<i64> = ing.items.iter().map(|i| i.time.unwrap().micros).collect();
        assert_eq!(times, vec![T0, T0 + 1_000_123, T0 + 2_000_246], "nanos={nanos} be={be}");
        assert_eq!(ing.items.iter().map(|i| i.first_line).collect::<Vec<_>>(), vec![1, 2, 3]);
    }
}

#[test]
fn pcapng_interfaces_resolutions_and_simple_packets() {
    let (a, b) = (sa("10.1.1.1:5060"), sa("10.1.1.2:5060"));
    let c = sa("[2001:db8::1]:5060");
    let d = sa("[2001:db8::2]:5060");
    let frames = vec![
        Frame { iface: 0, ..fr(T0, eth(&ip_udp(a, b, options(1).as_bytes()))) },
        Frame { iface: 1, ..fr(T0 + 250_000, ip_udp(c, d, options(2).as_bytes())) },
        // an ARP-like frame on interface 0: counted, not SIP
        Frame {
            iface: 0,
            ..fr(T0 + 300_000, vec![0xFF; 6].into_iter().chain([0; 6]).chain([0x08, 0x06, 0, 1]).collect())
        },
        Frame { iface: 2, ..fr(T0 + 500_000, link_wrap(113, &ip_udp(b, a, options(3).as_bytes()))) },
    ];
    // interface 0: µs (6), 1: ns (9), 2: 2^-20 s (0x80|20)
    let ifaces = [(1u16, 6u8), (101, 9), (113, 0x80 | 20)];
    let ing = read(&pcapng(&ifaces, &frames, false));
    assert_eq!(first_lines(&ing).len(), 3, "{:?}", problems(&ing));
    assert_eq!(ing.items.iter().map(|i| i.first_line).collect::<Vec<_>>(), vec![1, 2, 4]);
    let t: Vec<i64> = ing.items.iter().map(|i| i.time.unwrap().micros).collect();
    assert_eq!(t[0..2], [T0, T0 + 250_000]);
    assert!((t[2] - (T0 + 500_000)).abs() <= 1, "2^-20 s units: {}", t[2] - T0);
    assert_eq!(endpoint(&ing.items[1].src), c.to_string());
    let info = ing.capture.as_ref().unwrap();
    assert_eq!((info.container, info.packets, info.non_ip_packets), ("pcapng", 4, 1));
    assert_eq!(info.link_types, vec![1, 101, 113]);

    // Simple Packet Blocks carry no time but count as packets.
    let ing = read(&pcapng(&ifaces, &frames, true));
    assert_eq!(ing.items.iter().map(|i| i.first_line).collect::<Vec<_>>(), vec![1, 2, 4]);
    assert_eq!(ing.items[0].text, options(1));
}

#[test]
fn vlan_tags_and_qinq() {
    let (a, b) = (sa("10.2.0.1:5060"), sa("10.2.0.2:5060"));
    for tags in
        [vec![(0x8100u16, 100u16)], vec![(0x88A8, 10), (0x8100, 200)], vec![(0x9100, 1), (0x8100, 2), (0x8100, 3)]]
    {
        let frames = vec![fr(T0, eth_tagged(&ip_udp(a, b, options(7).as_bytes()), &tags))];
        let ing = read(&pcap(1, &frames, false, false));
        assert_eq!(first_lines(&ing), vec!["OPTIONS sip:bob@example.com SIP/2.0"], "tags {tags:?}");
    }
}

#[test]
fn ipv6_extension_headers_are_walked() {
    let (a, b) = (sa("[2001:db8::a]:5060"), sa("[2001:db8::b]:5060"));
    let msg = options(9);
    let seg = udp_seg(a, b, msg.as_bytes());
    // hop-by-hop (0), routing (43), destination options (60)
    let pkt =
        ipv6(a.ip(), b.ip(), 17, &seg, &[(0, vec![1, 4, 0, 0, 0, 0]), (43, vec![0; 14]), (60, vec![1, 4, 0, 0, 0, 0])]);
    let ing = read(&pcap(1, &[fr(T0, eth(&pkt))], false, false));
    assert_eq!(ing.items.len(), 1);
    assert_eq!(ing.items[0].text, msg);
}

#[test]
fn sip_is_found_on_any_port_by_its_start_line() {
    let (a, b) = (sa("10.8.0.1:12345"), sa("10.8.0.2:23456"));
    let (c, s) = (sa("10.8.0.1:33333"), sa("10.8.0.2:44444"));
    let mut frames = vec![
        fr(T0, eth(&ip_udp(a, b, options(1).as_bytes()))),
        // not SIP: an HTTP request on a high port
        fr(T0 + 1, eth(&ip_udp(a, b, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"))),
    ];
    frames.extend(tcp_frames(c, s, &[(true, 0, b"GET / HTTP/1.1\r\n\r\n")]));
    frames.extend(tcp_frames(sa("10.8.0.3:33334"), s, &[(true, 0, options(2).as_bytes())]));
    let ing = read(&pcap(1, &frames, false, false));
    assert_eq!(
        ing.items.iter().map(|i| (i.first_line, i.transport)).collect::<Vec<_>>(),
        vec![(1, Some(Transport::Udp)), (8, Some(Transport::Tcp))]
    );
    assert!(ing.problems.is_empty(), "{:?}", problems(&ing));
}

#[test]
fn media_causes_exist_in_the_knowledge_base() {
    for id in media::MEDIA_CAUSES {
        assert!(sipdiag::kb::cause(id).is_some(), "cause {id} is missing from kb/causes.toml");
    }
}

#[test]
fn tunnels_ip_in_ip_and_gre() {
    let (a, b) = (sa("172.16.0.1:5060"), sa("172.16.0.2:5090"));
    let (o1, o2): (IpAddr, IpAddr) = ("203.0.113.1".parse().unwrap(), "203.0.113.2".parse().unwrap());
    let inner = ip_udp(a, b, options(1).as_bytes());
    let ipip = ipv4(o1, o2, 4, &inner, 9, 0, false);
    let mut gre = vec![0, 0, 0x08, 0x00];
    gre.extend_from_slice(&ip_udp(b, a, options(2).as_bytes()));
    let gre = ipv4(o1, o2, 47, &gre, 10, 0, false);
    let six_in_four = ipv4(
        o1,
        o2,
        41,
        &ip_udp(sa("[2001:db8::1]:5060"), sa("[2001:db8::2]:5060"), options(3).as_bytes()),
        11,
        0,
        false,
    );
    let ing = read(&pcap(1, &[fr(T0, eth(&ipip)), fr(T0 + 1, eth(&gre)), fr(T0 + 2, eth(&six_in_four))], false, false));
    assert_eq!(ing.items.len(), 3, "{:?}", problems(&ing));
    assert_eq!((endpoint(&ing.items[0].src), endpoint(&ing.items[0].dst)), (a.to_string(), b.to_string()));
    assert_eq!(endpoint(&ing.items[1].src), b.to_string());
    assert_eq!(endpoint(&ing.items[2].dst), "[2001:db8::2]:5060");
}

#[test]
fn fragmented_invites_are_reassembled_v4_and_v6() {
    let msg = big_invite(3500);
    assert!(msg.len() >= 3500);
    // IPv4: UDP datagram split at 8-byte multiples, sent out of order
    let (a, b) = (sa("192.0.2.1:5060"), sa("192.0.2.2:5060"));
    let dgram = udp_seg(a, b, msg.as_bytes());
    let pieces: Vec<&[u8]> = dgram.chunks(1480).collect();
    assert_eq!(pieces.len(), 3);
    let frag = |k: usize| {
        let off = (k * 1480 / 8) as u16;
        eth(&ipv4(a.ip(), b.ip(), 17, pieces[k], 0x4242, off, k + 1 < pieces.len()))
    };
    let frames = vec![
        fr(T0, frag(1)),
        fr(T0 + 10, eth(&ip_udp(a, b, options(1).as_bytes()))),
        fr(T0 + 20, frag(2)),
        fr(T0 + 30, frag(0)),
    ];
    let ing = read(&pcap(1, &frames, false, false));
    assert_eq!(first_lines(&ing), vec!["OPTIONS sip:bob@example.com SIP/2.0", "INVITE sip:bob@example.com SIP/2.0"]);
    assert_eq!(ing.items[1].text, msg);
    assert_eq!(ing.items[1].first_line, 4, "the packet that completed the datagram");

    // IPv6: fragment header (44), in order
    let (c, d) = (sa("[fd00::1]:5060"), sa("[fd00::2]:5060"));
    let dgram = udp_seg(c, d, msg.as_bytes());
    let pieces: Vec<&[u8]> = dgram.chunks(1448).collect();
    let frames: Vec<Frame> = pieces
        .iter()
        .enumerate()
        .map(|(k, p)| {
            let off = ((k * 1448 / 8) as u16) << 3 | u16::from(k + 1 < pieces.len());
            let mut fh = off.to_be_bytes().to_vec();
            fh.extend_from_slice(&0xB064_7780u32.to_be_bytes());
            fr(T0 + k as i64, link_wrap(113, &ipv6(c.ip(), d.ip(), 17, p, &[(44, fh)])))
        })
        .collect();
    let ing = read(&pcap(113, &frames, false, false));
    assert_eq!(ing.items.len(), 1, "{:?}", problems(&ing));
    assert_eq!(ing.items[0].text, msg);
    assert_eq!(ing.items[0].first_line, pieces.len() as u32);

    // a fragment that never arrives is reported (the datagram was SIP)
    let frames: Vec<Frame> = frames.into_iter().take(2).collect();
    let ing = read(&pcap(113, &frames, false, false));
    assert!(ing.items.is_empty());
    assert_eq!(problems(&ing), vec![(ProblemKind::NoSip, 0), (ProblemKind::BadCapture, 1)]);
}

/// A TCP connection: SYN, SYN/ACK, then segments as given (seq relative to the ISN).
fn tcp_frames(c: SocketAddr, s: SocketAddr, segs: &[(bool, u32, &[u8])]) -> Vec<Frame> {
    let (isn_c, isn_s) = (0xFFFF_FF00u32, 1_000u32); // the client's sequence wraps
    let mut out =
        vec![fr(T0, eth(&ip_tcp(c, s, isn_c, SYN, b""))), fr(T0 + 1, eth(&ip_tcp(s, c, isn_s, SYN | ACK, b"")))];
    for (k, &(from_client, rel, data)) in segs.iter().enumerate() {
        let (src, dst, isn) = if from_client { (c, s, isn_c) } else { (s, c, isn_s) };
        out.push(fr(
            T0 + 10 + k as i64,
            eth(&ip_tcp(src, dst, isn.wrapping_add(1).wrapping_add(rel), ACK | PSH, data)),
        ));
    }
    out
}

#[test]
fn tcp_split_coalesced_out_of_order_and_retransmitted() {
    let (c, s) = (sa("10.9.0.1:40000"), sa("10.9.0.2:5060"));
    let invite = big_invite(1400);
    let ack = sip("ACK sip:bob@example.com SIP/2.0", "big-1", "1 ACK", "a1", Some("b1"), "");
    let r100 = sip("SIP/2.0 100 Trying", "big-1", "1 INVITE", "a1", None, "");
    let r180 = sip("SIP/2.0 180 Ringing", "big-1", "1 INVITE", "a1", Some("b1"), "");
    let r200 = sip(
        "SIP/2.0 200 OK",
        "big-1",
        "1 INVITE",
        "a1",
        Some("b1"),
        &sdp("10.9.0.2", 6000, &[(0, "PCMU/8000")], "sendrecv"),
    );
    let up = format!("{invite}\r\n\r\n{ack}"); // a CRLF keepalive between two messages
    let inv_len = invite.len() as u32;
    let (p1, p2, p3) = (&up.as_bytes()[..500], &up.as_bytes()[500..1000], &up.as_bytes()[1000..inv_len as usize + 30]);
    let p4 = &up.as_bytes()[inv_len as usize + 30..];
    let down = format!("{r100}{r180}{r200}");
    let (d1, d2) = (&down.as_bytes()[..r100.len() + r180.len() + 10], &down.as_bytes()[r100.len() + r180.len() + 10..]);
    let frames = tcp_frames(
        c,
        s,
        &[
            (true, 500, p2),                    // packet 3: out of order
            (true, 0, p1),                      // 4: fills the hole
            (true, 0, p1),                      // 5: retransmission
            (false, 0, d1),                     // 6: 100 + 180 + start of 200
            (true, 1000, p3),                   // 7: end of INVITE + start of ACK
            (false, d1.len() as u32, d2),       // 8: rest of 200
            (true, 1000 + p3.len() as u32, p4), // 9: rest of ACK
        ],
    );
    let ing = read(&pcap(1, &frames, false, false));
    assert!(ing.problems.is_empty(), "{:?}", ing.capture.as_ref().unwrap().notes);
    let got: Vec<(String, u32)> = ing.items.iter().map(|i| (i.text.to_string(), i.first_line)).collect();
    let want = vec![(r100.clone(), 6), (r180.clone(), 6), (invite.clone(), 7), (r200.clone(), 8), (ack.clone(), 9)];
    assert_eq!(got, want);
    assert!(ing.items.iter().all(|i| i.transport == Some(Transport::Tcp)));
    assert_eq!(endpoint(&ing.items[2].src), c.to_string());
    assert!(
        ing.capture.as_ref().unwrap().sip_only(),
        "handshake and bare segments of a SIP connection are SIP traffic"
    );
}

#[test]
fn tcp_capture_started_mid_message_and_ended_mid_message() {
    let (c, s) = (sa("10.9.0.1:40001"), sa("10.9.0.2:5070"));
    let m1 = options(1);
    let m2 = options(2);
    let m3 = options(3);
    // no SYN: the capture starts with the tail of m1, then m2 whole, then half of m3
    let stream = format!("{m1}{m2}{m3}");
    let b = stream.as_bytes();
    let start = m1.len() - 40;
    let frames = vec![
        fr(T0, eth(&ip_tcp(c, s, 7_000, ACK, &b[start..m1.len() + m2.len()]))),
        fr(
            T0 + 1,
            eth(&ip_tcp(
                c,
                s,
                7_000 + (m1.len() + m2.len() - start) as u32,
                ACK,
                &b[m1.len() + m2.len()..b.len() - 30],
            )),
        ),
    ];
    let ing = read(&pcap(1, &frames, false, false));
    assert_eq!(ing.items.iter().map(|i| i.text.to_string()).collect::<Vec<_>>(), vec![m2]);
    assert_eq!(problems(&ing), vec![(ProblemKind::Truncated, 2)]);
}

#[test]
fn hep3_carries_the_inner_addresses_and_time() {
    let inner_src = sa("198.51.100.7:5060");
    let inner_dst = sa("203.0.113.9:5060");
    let msg = options(5);
    let inner_time = T0 - 3_000_000;
    let h = hep3(inner_src, inner_dst, inner_time, msg.as_bytes());
    let agent = sa("10.0.0.5:34567");
    let frames = vec![
        fr(T0, eth(&ip_udp(agent, sa("10.0.0.9:9060"), &h))),
        // HEP on another port is found by its magic
        fr(T0 + 5, eth(&ip_udp(agent, sa("10.0.0.9:9999"), &h))),
    ];
    let ing = read(&pcap(1, &frames, false, false));
    assert_eq!(ing.items.len(), 2, "{:?}", problems(&ing));
    for it in &ing.items {
        assert_eq!(it.text, msg);
        assert_eq!((endpoint(&it.src), endpoint(&it.dst)), (inner_src.to_string(), inner_dst.to_string()));
        assert_eq!(it.time.unwrap().micros, inner_time);
    }
    assert_eq!(ing.capture.as_ref().unwrap().hep_messages, 2);
    // a HEP packet whose length lies is reported at its packet
    let mut bad = h.clone();
    bad[5] = bad[5].wrapping_add(40);
    let ing = read(&pcap(1, &[fr(T0, eth(&ip_udp(agent, sa("10.0.0.9:9060"), &bad)))], false, false));
    assert_eq!(problems(&ing), vec![(ProblemKind::NoSip, 0), (ProblemKind::BadCapture, 1)]);
}

#[test]
fn tls_on_a_sip_port_is_reported_not_https() {
    let (c, s) = (sa("10.3.0.1:50000"), sa("10.3.0.2:5061"));
    let hello = [0x16, 0x03, 0x01, 0x00, 0x05, 1, 0, 0, 1, 0];
    let web = sa("10.3.0.3:443");
    let mut frames =
        tcp_frames(c, s, &[(true, 0, &hello), (false, 0, &hello), (true, 10, &[0x17, 0x03, 0x03, 0, 1, 9])]);
    frames.extend(tcp_frames(sa("10.3.0.1:50001"), web, &[(true, 0, &hello)]));
    let ing = read(&pcap(1, &frames, false, false));
    assert!(ing.items.is_empty());
    assert_eq!(problems(&ing), vec![(ProblemKind::EncryptedSip, 3)], "one notice per server, HTTPS ignored");
    let note = &ing.capture.as_ref().unwrap().notes[0];
    assert!(note.text.contains("port 5061"), "{}", note.text);
    assert!(note.text.contains("PBX's own SIP log"), "{}", note.text);
}

#[test]
fn cut_packets_are_reported_not_guessed() {
    let (a, b) = (sa("10.4.0.1:5060"), sa("10.4.0.2:5060"));
    let good = eth(&ip_udp(a, b, options(1).as_bytes()));
    let whole = eth(&ip_udp(a, b, big_invite(900).as_bytes()));
    let cut = Frame { us: T0 + 1, data: whole[..200].to_vec(), orig: whole.len(), iface: 0 };
    let after = eth(&ip_udp(b, a, options(2).as_bytes()));
    let ing = read(&pcap(1, &[fr(T0, good), cut, fr(T0 + 2, after)], false, false));
    assert_eq!(ing.items.iter().map(|i| i.first_line).collect::<Vec<_>>(), vec![1, 3]);
    assert_eq!(problems(&ing), vec![(ProblemKind::BadCapture, 2)]);
    let note = &ing.capture.as_ref().unwrap().notes[0];
    assert!(note.text.contains("snap length"), "{}", note.text);
    assert_eq!(ing.capture.as_ref().unwrap().cut_packets, 1);

    // a capture cut everywhere lists the first problems, then says how many more
    let frames: Vec<Frame> =
        (0..250).map(|k| Frame { us: T0 + k, data: whole[..200].to_vec(), orig: whole.len(), iface: 0 }).collect();
    let ing = read(&pcap(1, &frames, false, false));
    let p = problems(&ing);
    assert_eq!(p.len(), 202);
    assert_eq!(p[..2], [(ProblemKind::NoSip, 0), (ProblemKind::BadCapture, 0)]);
    assert_eq!(
        ing.capture.as_ref().unwrap().notes[1].text,
        "50 more capture problems like the ones listed were found and not listed."
    );
    assert_eq!((p[2], p[201]), ((ProblemKind::BadCapture, 1), (ProblemKind::BadCapture, 200)));

    // RTP cut after its header is still counted, with its length from the wire
    let media = eth(&ip_udp(sa("10.4.0.1:40000"), sa("10.4.0.2:40002"), &rtp(8, false, 1, 160, 7, 160)));
    let f = Frame { us: T0, data: media[..60].to_vec(), orig: media.len(), iface: 0 };
    let ing = read(&pcap(1, &[f], false, false));
    assert_eq!(ing.rtp.len(), 1);
    assert_eq!(ing.rtp[0].len, 160);
    assert_eq!(problems(&ing), vec![(ProblemKind::NoSip, 0)], "no complaint about the RTP packet");
}

#[test]
fn damaged_files_report_and_keep_what_was_read() {
    assert!(!is_capture(b"INVITE sip:bob@example.com SIP/2.0\r\n"));
    assert!(!is_capture(b""));
    let ing = ingest_capture(b"not a capture at all, but long enough to look");
    assert!(ing.items.is_empty());
    assert!(problems(&ing).contains(&(ProblemKind::BadCapture, 0)));

    let (a, b) = (sa("10.5.0.1:5060"), sa("10.5.0.2:5060"));
    let frames: Vec<Frame> = (0..3).map(|k| fr(T0 + k, eth(&ip_udp(a, b, options(k as u32).as_bytes())))).collect();
    let file = pcap(1, &frames, false, false);
    let ing = read(&file[..file.len() - 10]);
    assert_eq!(ing.items.len(), 2);
    assert_eq!(problems(&ing), vec![(ProblemKind::BadCapture, 3)]);
    let ng = pcapng(&[(1, 6)], &frames, false);
    let ing = read(&ng[..ng.len() - 10]);
    assert_eq!(ing.items.len(), 2);
    assert_eq!(problems(&ing), vec![(ProblemKind::BadCapture, 3)]);
}

#[test]
fn damaged_bytes_never_panic() {
    // A capture with every layer: TCP, fragments, HEP, VLAN, IPv6, RTP. Every prefix and
    // every single-byte corruption must read without a panic.
    let (a, b) = (sa("10.6.0.1:5060"), sa("10.6.0.2:5060"));
    let inv = big_invite(1600);
    let dgram = udp_seg(a, b, inv.as_bytes());
    let mut frames = vec![
        fr(T0, eth_tagged(&ip_udp(a, b, options(1).as_bytes()), &[(0x8100, 5)])),
        fr(T0 + 1, eth(&ipv4(a.ip(), b.ip(), 17, &dgram[..1480], 77, 0, true))),
        fr(T0 + 2, eth(&ipv4(a.ip(), b.ip(), 17, &dgram[1480..], 77, 185, false))),
        fr(T0 + 3, eth(&ip_udp(sa("10.6.0.5:3000"), sa("10.6.0.9:9060"), &hep3(a, b, T0, options(2).as_bytes())))),
        fr(T0 + 4, eth(&ip_udp(sa("[2001:db8::1]:40000"), sa("[2001:db8::2]:40002"), &rtp(0, true, 9, 9, 9, 40)))),
    ];
    frames.extend(tcp_frames(sa("10.6.0.1:40000"), sa("10.6.0.2:5060"), &[(true, 0, options(3).as_bytes())]));
    for file in [pcap(1, &frames, false, false), pcapng(&[(1, 6)], &frames, false), pcapng(&[(1, 6)], &frames, true)] {
        let whole = ingest_capture(&file);
        assert_eq!(whole.items.len(), 4, "{:?}", problems(&whole));
        for n in 0..file.len() {
            let _ = ingest_capture(&file[..n]);
        }
        let mut m = file.clone();
        for i in 0..m.len() {
            let orig = m[i];
            // flipped bits, and the values that make lengths zero, minimal (12) or huge
            for v in [orig ^ 0x80, orig ^ 0x01, 0x00, 0x0C, 0xFF] {
                m[i] = v;
                let _ = ingest_capture(&m);
            }
            m[i] = orig;
        }
    }
}

// ---------------------------------------------------------------- media

/// A call as it crosses the capture point: INVITE/200/ACK, RTP both ways (or as configured),
/// BYE. Times are relative to T0 in ms.
#[derive(Clone)]
struct Call {
    caller: SocketAddr,
    callee: SocketAddr,
    /// media addresses the SDPs give
    caller_sdp: SocketAddr,
    callee_sdp: SocketAddr,
    /// where the caller's RTP really comes from (NAT)
    caller_rtp_src: SocketAddr,
    offer: Vec<(u8, &'static str)>,
    answer: Vec<(u8, &'static str)>,
    answer_dir: &'static str,
    talk_ms: i64,
    to_callee: bool,
    to_caller: bool,
    /// drop one packet in every n toward the callee (never the last)
    drop_every: Option<u32>,
    /// packet interval (ms)
    ptime: i64,
    /// every other packet toward the callee arrives this late (ms)
    jitter_ms: i64,
    /// payload type the caller sends
    caller_pt: u8,
    /// RTP toward the callee stops after this many ms of talk
    stop_ms: Option<i64>,
    /// add unrelated traffic (a DNS query) so the capture is not SIP-only
    other_traffic: bool,
}

impl Default for Call {
    fn default() -> Call {
        Call {
            caller: sa("192.0.2.10:5060"),
            callee: sa("198.51.100.20:5060"),
            caller_sdp: sa("192.0.2.10:40000"),
            callee_sdp: sa("198.51.100.20:50000"),
            caller_rtp_src: sa("192.0.2.10:40000"),
            offer: vec![(0, "PCMU/8000"), (8, "PCMA/8000"), (101, "telephone-event/8000")],
            answer: vec![(8, "PCMA/8000"), (101, "telephone-event/8000")],
            answer_dir: "sendrecv",
            talk_ms: 10_000,
            to_callee: true,
            to_caller: true,
            drop_every: None,
            ptime: 20,
            jitter_ms: 0,
            caller_pt: 8,
            stop_ms: None,
            other_traffic: true,
        }
    }
}

const ANSWER_MS: i64 = 1_000;

fn call_capture(c: &Call) -> Vec<u8> {
    let at = |ms: i64| T0 + ms * 1000;
    let ip_of = |s: SocketAddr| s.ip().to_string();
    let offer = sdp(&ip_of(c.caller_sdp), c.caller_sdp.port(), &c.offer, "sendrecv");
    let answer = sdp(&ip_of(c.callee_sdp), c.callee_sdp.port(), &c.answer, c.answer_dir);
    let id = "media-call-1";
    let mut frames = vec![
        fr(
            at(0),
            eth(&ip_udp(
                c.caller,
                c.callee,
                sip("INVITE sip:bob@example.com SIP/2.0", id, "1 INVITE", "a1", None, &offer).as_bytes(),
            )),
        ),
        fr(
            at(ANSWER_MS),
            eth(&ip_udp(
                c.callee,
                c.caller,
                sip("SIP/2.0 200 OK", id, "1 INVITE", "a1", Some("b1"), &answer).as_bytes(),
            )),
        ),
        fr(
            at(ANSWER_MS + 5),
            eth(&ip_udp(
                c.caller,
                c.callee,
                sip("ACK sip:bob@example.com SIP/2.0", id, "1 ACK", "a1", Some("b1"), "").as_bytes(),
            )),
        ),
        fr(
            at(ANSWER_MS + c.talk_ms),
            eth(&ip_udp(
                c.caller,
                c.callee,
                sip("BYE sip:bob@example.com SIP/2.0", id, "2 BYE", "a1", Some("b1"), "").as_bytes(),
            )),
        ),
        fr(
            at(ANSWER_MS + c.talk_ms + 5),
            eth(&ip_udp(c.callee, c.caller, sip("SIP/2.0 200 OK", id, "2 BYE", "a1", Some("b1"), "").as_bytes())),
        ),
    ];
    if c.other_traffic {
        frames.push(fr(
            at(500),
            eth(&ip_udp(sa("192.0.2.10:33333"), sa("192.0.2.53:53"), &[0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0])),
        ));
    }
    let n = (c.talk_ms / c.ptime) as u32;
    let step = (c.ptime * 8) as u32;
    for k in 0..n {
        let t = ANSWER_MS + 10 + k as i64 * c.ptime;
        if c.to_callee
            && c.stop_ms.is_none_or(|s| (k as i64) * c.ptime < s)
            && c.drop_every.is_none_or(|d| k % d != d / 2)
        {
            let late = if k % 2 == 1 { c.jitter_ms } else { 0 };
            let p = rtp(c.caller_pt, k == 0, k as u16, k * step, 0x1111, 160);
            frames.push(fr(at(t) + late * 1000, eth(&ip_udp(c.caller_rtp_src, c.callee_sdp, &p))));
        }
        if c.to_caller {
            let p = rtp(8, k == 0, 1000 + k as u16, 5000 + k * step, 0x2222, 160);
            frames.push(fr(at(t + 3), eth(&ip_udp(c.callee_sdp, c.caller_sdp, &p))));
        }
    }
    frames.sort_by_key(|f| f.us);
    pcap(1, &frames, false, false)
}

fn analyse(bytes: &[u8], check: impl FnOnce(&[Stream], &[Finding], &Analysis<'_>)) {
    let ing = read(bytes);
    let a = Analysis::new(&ing, &Options::default());
    let ss = media::streams(&a);
    let fs = media::findings(&a);
    check(&ss, &fs, &a);
}

fn causes(fs: &[Finding]) -> Vec<&'static str> {
    fs.iter().map(|f| f.cause).collect()
}

#[test]
fn clean_call_has_two_streams_and_no_finding() {
    analyse(&call_capture(&Call::default()), |ss, fs, a| {
        assert_eq!(ss.len(), 2);
        let to_callee = ss.iter().find(|s| s.ssrc == 0x1111).unwrap();
        assert_eq!((to_callee.packets, to_callee.lost, to_callee.expected), (500, 0, 500));
        assert_eq!(to_callee.codec, "PCMA");
        assert_eq!(to_callee.clock, 8000);
        assert_eq!(to_callee.call, Some(0));
        assert!(to_callee.jitter_ms < 0.01);
        assert!((to_callee.max_delta_ms - 20.0).abs() < 0.01);
        assert_eq!(to_callee.duration_ms, 9_980);
        let m = to_callee.sdp.unwrap();
        assert!(m.to_sdp && m.address_matches);
        assert_eq!(a.messages[m.message as usize].msg.status(), Some(200), "the answer names the callee's address");
        assert!(fs.is_empty(), "{fs:#?}");
        let cm = media::call_media(a, ss);
        assert_eq!(cm.len(), 1);
        assert_eq!((cm[0].state, cm[0].streams.len()), (media::MediaState::TwoWay, 2));
    });
}

#[test]
fn one_way_audio_is_found() {
    let c = Call { to_caller: false, ..Call::default() };
    analyse(&call_capture(&c), |ss, fs, a| {
        assert_eq!(ss.len(), 1);
        assert_eq!(causes(fs), vec!["net.rtp_blocked"], "{fs:#?}");
        let f = &fs[0];
        assert!(f.explanation.contains("One-way audio"), "{}", f.explanation);
        assert!(f.explanation.contains("500 RTP packets"), "{}", f.explanation);
        assert_eq!(f.call, Some(0));
        // evidence: the stream (first RTP packet) and the SDP c= lines, as packet numbers
        assert!(f.evidence.iter().any(|e| e.message.is_none() && e.line == ss[0].first_packet));
        let silent = f.evidence.iter().find(|e| e.label.contains("no RTP")).unwrap();
        assert_eq!(silent.excerpt, "c=IN IP4 192.0.2.10");
        assert_eq!(silent.line, 1, "the INVITE is packet 1");
        assert_eq!(media::call_media(a, ss)[0].state, media::MediaState::OneWay);
    });
}

#[test]
fn no_audio_is_found_but_not_in_a_sip_only_capture() {
    let c = Call { to_caller: false, to_callee: false, ..Call::default() };
    analyse(&call_capture(&c), |ss, fs, a| {
        assert!(ss.is_empty());
        assert_eq!(causes(fs), vec!["net.rtp_blocked"], "{fs:#?}");
        assert!(fs[0].explanation.contains("no RTP"), "{}", fs[0].explanation);
        assert!(fs[0].explanation.contains("10.0 s"), "{}", fs[0].explanation);
        assert_eq!(fs[0].evidence[0].label, "answer");
        assert_eq!(fs[0].evidence[0].line, 3, "the 200 OK is packet 3 (after the DNS query)");
        assert_eq!(media::call_media(a, ss)[0].state, media::MediaState::NoRtp);
    });
    let c = Call { to_caller: false, to_callee: false, other_traffic: false, ..Call::default() };
    analyse(&call_capture(&c), |_, fs, a| {
        assert!(a.ingested.capture.as_ref().unwrap().sip_only());
        assert!(fs.is_empty(), "a SIP-only capture cannot tell: {fs:#?}");
    });
}

#[test]
fn loss_is_measured_and_reported() {
    let c = Call { drop_every: Some(20), ..Call::default() };
    analyse(&call_capture(&c), |ss, fs, _| {
        let s = ss.iter().find(|s| s.ssrc == 0x1111).unwrap();
        assert_eq!((s.packets, s.expected, s.lost), (475, 500, 25));
        assert!((s.loss_percent - 5.0).abs() < 1e-6, "{}", s.loss_percent);
        assert_eq!(s.sequence_errors, 25);
        assert!((s.max_delta_ms - 40.0).abs() < 0.01);
        assert_eq!(causes(fs), vec!["media.packet_loss"], "{fs:#?}");
        assert!(fs[0].explanation.contains("5.0%"), "{}", fs[0].explanation);
    });
    // 1% loss is not audible enough to report
    let c = Call { drop_every: Some(100), ..Call::default() };
    analyse(&call_capture(&c), |ss, fs, _| {
        assert_eq!(ss.iter().find(|s| s.ssrc == 0x1111).unwrap().lost, 5);
        assert!(fs.is_empty(), "{fs:#?}");
    });
}

#[test]
fn jitter_is_measured_in_ms_and_reported() {
    // 60 ms packets, every other one 40 ms late (not reordered): |D| = 40 ms at each step, so
    // J tends to 40 ms
    let c = Call { jitter_ms: 40, ptime: 60, ..Call::default() };
    analyse(&call_capture(&c), |ss, fs, _| {
        let s = ss.iter().find(|s| s.ssrc == 0x1111).unwrap();
        assert_eq!((s.packets, s.sequence_errors), (166, 0));
        assert!((s.jitter_ms - 40.0).abs() < 0.1, "{}", s.jitter_ms);
        assert!(s.max_jitter_ms <= 40.0 + 1e-9 && s.max_jitter_ms > 39.9, "{}", s.max_jitter_ms);
        // mean of 40·(1 − (15/16)^k) over 165 steps
        let want: f64 = (1..=165).map(|k| 40.0 * (1.0 - (15.0f64 / 16.0).powi(k))).sum::<f64>() / 165.0;
        assert!((s.mean_jitter_ms - want).abs() < 0.01, "{} vs {want}", s.mean_jitter_ms);
        assert_eq!(s.lost, 0);
        assert!((s.max_delta_ms - 100.0).abs() < 0.01);
        let other = ss.iter().find(|s| s.ssrc == 0x2222).unwrap();
        assert!(other.jitter_ms < 0.01);
        assert_eq!(causes(fs), vec!["media.packet_loss"], "{fs:#?}");
        assert!(fs[0].explanation.contains("jitter"), "{}", fs[0].explanation);
    });
    // 10 ms is absorbed by any jitter buffer
    analyse(&call_capture(&Call { jitter_ms: 10, ptime: 60, ..Call::default() }), |_, fs, _| {
        assert!(fs.is_empty(), "{fs:#?}")
    });
}

#[test]
fn nat_rewritten_source_is_reported() {
    // The caller's SDP says 192.168.1.20:40000 (private), RTP really leaves from its router.
    let c = Call {
        caller_sdp: sa("192.168.1.20:40000"),
        caller_rtp_src: sa("203.0.113.50:40000"),
        to_caller: false, // the callee answers toward the private address: nothing captured
        ..Call::default()
    };
    analyse(&call_capture(&c), |ss, fs, _| {
        let s = ss.iter().find(|s| s.ssrc == 0x1111).unwrap();
        assert_eq!(s.sdp.map(|m| m.address_matches), Some(true), "goes to the callee's SDP address");
        let nat: Vec<&Finding> = fs.iter().filter(|f| f.cause == "net.nat_private_address").collect();
        assert_eq!(nat.len(), 1, "{fs:#?}");
        assert!(nat[0].explanation.contains("203.0.113.50:40000"), "{}", nat[0].explanation);
        assert!(nat[0].explanation.contains("192.168.1.20:40000"), "{}", nat[0].explanation);
        assert_eq!(nat[0].confidence, 85, "private in SDP, public on the wire");
        assert!(causes(fs).contains(&"net.rtp_blocked"), "and the caller hears nothing: {fs:#?}");
    });
}

#[test]
fn rtp_to_a_private_address_from_outside_is_reported() {
    // Captured at the callee: it answers toward the caller's private SDP address, and nothing
    // ever comes from that address.
    let private = |to_callee| Call {
        caller_sdp: sa("10.10.10.10:40000"),
        caller_rtp_src: sa("10.10.10.10:40000"),
        to_callee,
        ..Call::default()
    };
    let is_it = |f: &&Finding| f.cause == "net.nat_private_address" && f.severity == sipdiag::diagnose::Severity::Error;
    analyse(&call_capture(&private(false)), |_, fs, _| {
        let f = fs.iter().find(is_it).unwrap_or_else(|| panic!("{fs:#?}"));
        assert!(f.explanation.contains("private address 10.10.10.10:40000"), "{}", f.explanation);
    });
    // Captured behind the NAT (the private host sends too): those packets did arrive.
    analyse(&call_capture(&private(true)), |_, fs, _| assert!(!fs.iter().any(|f| is_it(&f)), "{fs:#?}"));
}

#[test]
fn payload_type_not_negotiated_is_reported() {
    let c = Call { caller_pt: 18, ..Call::default() };
    analyse(&call_capture(&c), |ss, fs, _| {
        let s = ss.iter().find(|s| s.ssrc == 0x1111).unwrap();
        assert_eq!((s.payload_type, s.codec.as_str()), (18, "G729"));
        assert_eq!(causes(fs), vec!["media.codec_mismatch"], "{fs:#?}");
        assert!(fs[0].explanation.contains("payload type 18"), "{}", fs[0].explanation);
        assert!(fs[0].explanation.contains("8 PCMA, 101 telephone-event"), "{}", fs[0].explanation);
        assert_eq!(fs[0].evidence[0].excerpt, "m=audio 50000 RTP/AVP 8 101");
    });
}

#[test]
fn missing_telephone_event_is_noted() {
    let c = Call { answer: vec![(8, "PCMA/8000")], ..Call::default() };
    analyse(&call_capture(&c), |_, fs, _| {
        assert_eq!(causes(fs), vec!["media.no_dtmf"], "{fs:#?}");
        assert!(fs[0].explanation.contains("although the offer had one"), "{}", fs[0].explanation);
        assert_eq!(fs[0].evidence[0].excerpt, "m=audio 50000 RTP/AVP 8");
    });
}

#[test]
fn rtp_that_stops_mid_call_is_reported() {
    let c = Call { stop_ms: Some(3_000), talk_ms: 20_000, ..Call::default() };
    analyse(&call_capture(&c), |_, fs, _| {
        assert_eq!(causes(fs), vec!["net.udp_timeout"], "{fs:#?}");
        assert!(fs[0].explanation.contains("RTP to 198.51.100.20:50000 stopped"), "{}", fs[0].explanation);
        assert!(fs[0].explanation.contains("BYE"), "{}", fs[0].explanation);
    });
    // on hold (sendonly answer) one-way media is expected
    let c = Call { to_caller: false, answer_dir: "sendonly", ..Call::default() };
    analyse(&call_capture(&c), |_, fs, _| assert!(fs.is_empty(), "{fs:#?}"));
}

#[test]
fn streams_without_sdp_are_found_by_heuristics() {
    // RTP between two hosts with no SIP at all: kept when consistent, noise is not
    let (a, b) = (sa("10.7.0.1:30000"), sa("10.7.0.2:30002"));
    let mut frames: Vec<Frame> = (0..50u32)
        .map(|k| fr(T0 + k as i64 * 20_000, eth(&ip_udp(a, b, &rtp(0, false, k as u16, k * 160, 77, 160)))))
        .collect();
    // random-looking v2 packets with a new SSRC each time
    for k in 0..30u32 {
        let p = rtp(96, false, (k * 7919) as u16, k, 1000 + k, 20);
        frames.push(fr(T0 + 5 + k as i64, eth(&ip_udp(sa("10.7.0.3:40001"), sa("10.7.0.4:40003"), &p))));
    }
    frames.sort_by_key(|f| f.us);
    let ing = read(&pcap(1, &frames, false, false));
    assert_eq!(ing.rtp.len(), 80, "every v2 header is a candidate");
    let a = Analysis::new(&ing, &Options::default());
    let ss = media::streams(&a);
    assert_eq!(ss.len(), 1);
    assert_eq!((ss[0].ssrc, ss[0].packets, ss[0].codec.as_str(), ss[0].sdp, ss[0].call), (77, 50, "PCMU", None, None));
}

// ---------------------------------------------------------------- corpus against tshark

fn tsv(name: &str) -> Vec<Vec<String>> {
    support::fixture(&format!("pcap/{name}"))
        .lines()
        .skip(1)
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect()
}

#[test]
fn corpus_counts_match_tshark() {
    let Some(dir) = support::corpus_dir() else { return };
    let rows = tsv("expected.tsv");
    assert!(rows.len() >= 10, "expected.tsv lists the corpus captures");
    let mut checked = 0;
    for r in &rows {
        let path = dir.join("pcap").join(&r[0]);
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(is_capture(&bytes), "{}", r[0]);
        let ing = ingest_capture(&bytes);
        let info = ing.capture.as_ref().unwrap();
        let num = |k: usize| r[k].parse::<u32>().unwrap();
        assert_eq!(ing.items.len() as u32, num(1), "{}: SIP messages", r[0]);
        assert_eq!(info.rtp_packets, num(2), "{}: RTP packets", r[0]);
        assert_eq!(info.rtcp_packets, num(3), "{}: RTCP packets", r[0]);
        let a = Analysis::new(&ing, &Options::default());
        let ss = media::streams(&a);
        assert_eq!(ss.len() as u32, num(4), "{}: RTP streams", r[0]);
        assert_eq!(ss.iter().map(|s| s.packets).sum::<u32>(), num(2), "{}: every RTP packet is in a stream", r[0]);
        // every corpus capture parses without problems, except the TLS one
        let want: Vec<ProblemKind> = if r[0].contains("tlssaved") { vec![ProblemKind::EncryptedSip] } else { vec![] };
        assert_eq!(ing.problems.iter().map(|p| p.kind).collect::<Vec<_>>(), want, "{}", r[0]);
        for it in &ing.items {
            assert!(it.time.is_some_and(|t| t.has_date) && it.src.is_some() && it.dst.is_some(), "{}", r[0]);
        }
        checked += 1;
    }
    assert_eq!(checked, rows.len());
}

#[test]
fn corpus_stream_numbers_match_tshark() {
    let Some(dir) = support::corpus_dir() else { return };
    let rows = tsv("streams.tsv");
    assert!(!rows.is_empty());
    for r in &rows {
        let bytes = std::fs::read(dir.join("pcap").join(&r[0])).unwrap();
        let ing = ingest_capture(&bytes);
        let a = Analysis::new(&ing, &Options::default());
        let ss = media::streams(&a);
        let ssrc = u32::from_str_radix(r[3].trim_start_matches("0x"), 16).unwrap();
        let s = ss
            .iter()
            .find(|s| s.ssrc == ssrc && s.src.to_string() == r[1] && s.dst.to_string() == r[2])
            .unwrap_or_else(|| panic!("{}: stream {} → {} {ssrc:08x} not found", r[0], r[1], r[2]));
        let f = |k: usize| r[k].parse::<f64>().unwrap();
        assert_eq!(s.packets as f64, f(4), "{} {ssrc:08x} packets", r[0]);
        assert_eq!(s.lost as f64, f(5), "{} {ssrc:08x} lost", r[0]);
        assert!((s.max_delta_ms - f(6)).abs() < 0.002, "{} {ssrc:08x} max delta {} vs {}", r[0], s.max_delta_ms, f(6));
        assert!(
            (s.mean_jitter_ms - f(7)).abs() < 0.002,
            "{} {ssrc:08x} mean jitter {} vs {}",
            r[0],
            s.mean_jitter_ms,
            f(7)
        );
        assert!(
            (s.max_jitter_ms - f(8)).abs() < 0.002,
            "{} {ssrc:08x} max jitter {} vs {}",
            r[0],
            s.max_jitter_ms,
            f(8)
        );
        assert!(s.call.is_some() && s.sdp.is_some(), "{}: corpus streams are explained by their SDP", r[0]);
    }
}

#[test]
fn corpus_specials_ipip_ipv6frag_tls_and_one_way() {
    let Some(dir) = support::corpus_dir() else { return };
    let load = |n: &str| ingest_capture(&std::fs::read(dir.join("pcap").join(n)).unwrap());
    let ing = load("sngrep-tests_ipip.pcap");
    assert_eq!(first_lines(&ing)[1], "SIP/2.0 183 Ringing");
    assert_eq!(endpoint(&ing.items[1].src), "10.15.193.31:33093", "the tunnelled (inner) addresses");
    assert!(ing.items.iter().all(|i| i.transport == Some(Transport::Tcp)));

    let ing = load("sngrep-tests_ipv6frag.pcap");
    assert_eq!(ing.items[0].first_line, 2, "the INVITE completes in the second packet");
    assert!(ing.items[0].text.starts_with("INVITE sip:08019200028@[fd17:625c:f037:2:a00:27ff:feb9:4222]:25060"));
    assert_eq!(endpoint(&ing.items[0].src), "[fd17:625c:f037:2:a00:27ff:feb9:1521]:15060");

    let ing = load("sngrep-history_tlssaved.pcap");
    assert_eq!(problems(&ing), vec![(ProblemKind::EncryptedSip, 1)]);
    assert!(ing.capture.as_ref().unwrap().notes[0].text.contains("port 5061"));

    // The 200 OK toward 192.168.1.2 is retransmitted and never acknowledged; only the far
    // phone's audio reaches it: one-way audio on the second leg.
    let ing = load("MichalCab-ISA_hodinovy_rozhovor_s_filipem.pcap");
    let a = Analysis::new(&ing, &Options::default());
    let fs = media::findings(&a);
    assert_eq!(causes(&fs), vec!["net.rtp_blocked"], "{fs:#?}");
    assert!(fs[0].explanation.contains("192.168.1.13:7078 sent 115 RTP packets"), "{}", fs[0].explanation);
    // the clean two-way calls give no media finding
    for n in ["MichalCab-ISA_sip.pcap", "MichalCab-ISA_real_call.pcap", "MichalCab-ISA_i_was_called_by_another_pc.pcap"]
    {
        let ing = load(n);
        let a = Analysis::new(&ing, &Options::default());
        let fs = media::findings(&a);
        assert!(fs.is_empty(), "{n}: {fs:#?}");
    }
}

// ---------------------------------------------------------------- the command line

fn run_cli(path: &std::path::Path) -> serde_json::Value {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sipdiag"))
        .args(["--format", "json"])
        .arg(path)
        .output()
        .expect("run sipdiag");
    assert!(out.status.success(), "exit {:?}: {}", out.status, String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("JSON report")
}

#[test]
fn cli_reads_a_generated_capture() {
    let path = std::env::temp_dir().join(format!("sipdiag-pcap-test-{}.pcap", std::process::id()));
    std::fs::write(&path, call_capture(&Call::default())).unwrap();
    let r = run_cli(&path);
    let _ = std::fs::remove_file(&path);
    assert_eq!(r["format"], "pcap");
    let msgs = r["messages"].as_array().unwrap();
    assert_eq!(msgs.len(), 5);
    assert_eq!(msgs[1]["line"], 3, "line = packet number");
    assert_eq!(msgs[1]["status"], 200);
    assert_eq!(msgs[0]["src"], "192.0.2.10:5060");
    assert_eq!(msgs[0]["time_us"], T0);
}

#[test]
fn cli_reads_a_corpus_capture() {
    let Some(dir) = support::corpus_dir() else { return };
    let r = run_cli(&dir.join("pcap/MichalCab-ISA_sip.pcap.pcapng"));
    assert_eq!(r["format"], "pcap");
    let msgs = r["messages"].as_array().unwrap();
    assert_eq!(msgs.len(), 9);
    assert_eq!(msgs[0]["method"], "INVITE");
    assert_eq!(msgs[0]["line"], 4, "the INVITE is frame 4 in Wireshark");
    assert_eq!(msgs[0]["transport"], "UDP");
}

/// Captures the fuzzer found to crash the core (`fuzz/` capture target); each must be read
/// without a panic, and what is found must sit at a packet of the file.
#[test]
#[allow(clippy::single_element_loop)] // a table: later finds become rows
fn fuzz_found_captures_do_not_panic() {
    for name in [
        // a timestamp near the end of the time range: the SDP-to-stream match added a slack to it
        "fuzz-sdp-time-overflow.pcap",
        // made for this test: a call whose RTP stops within 5 s of the largest pcapng time; the
        // check for SIP after the stop added the gap to it (also the talk-time subtractions)
        "fuzz-rtp-stop-overflow.pcapng",
    ] {
        let bytes = std::fs::read(support::root().join("tests/fixtures/pcap").join(name)).unwrap();
        assert!(sipdiag::pcap::is_capture(&bytes), "{name}");
        let ing = sipdiag::pcap::ingest_capture(&bytes);
        let a = sipdiag::Analysis::new(&ing, &sipdiag::diagnose::Options::default());
        let r = sipdiag::report::Report::build(&a, sipdiag::report::Detail::Full);
        let packets = ing.capture.as_ref().map_or(0, |c| c.packets);
        assert!(r.messages.iter().all(|m| (1..=packets).contains(&m.line)), "{name}");
    }
}
