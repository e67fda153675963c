//! Capture reading throughput: builds a ~50 MB pcap in memory (SIP calls over UDP and TCP, each
//! with two 30 s RTP streams, plus DNS noise) and times `pcap::ingest_capture`, the analysis and
//! the media streams. Run: `cargo run --profile fast --example pcap_bench [MB]`.

use std::net::SocketAddr;
use std::time::Instant;

fn ipv4_udp(src: SocketAddr, dst: SocketAddr, payload: &[u8]) -> Vec<u8> {
    transport(src, dst, 17, &{
        let mut u = Vec::with_capacity(8 + payload.len());
        u.extend_from_slice(&src.port().to_be_bytes());
        u.extend_from_slice(&dst.port().to_be_bytes());
        u.extend_from_slice(&((8 + payload.len()) as u16).to_be_bytes());
        u.extend_from_slice(&[0, 0]);
        u.extend_from_slice(payload);
        u
    })
}

fn ipv4_tcp(src: SocketAddr, dst: SocketAddr, seq: u32, payload: &[u8]) -> Vec<u8> {
    transport(src, dst, 6, &{
        let mut t = Vec::with_capacity(20 + payload.len());
        t.extend_from_slice(&src.port().to_be_bytes());
        t.extend_from_slice(&dst.port().to_be_bytes());
        t.extend_from_slice(&seq.to_be_bytes());
        t.extend_from_slice(&[0, 0, 0, 0, 0x50, 0x18, 0xFF, 0xFF, 0, 0, 0, 0]);
        t.extend_from_slice(payload);
        t
    })
}

fn transport(src: SocketAddr, dst: SocketAddr, proto: u8, seg: &[u8]) -> Vec<u8> {
    let (std::net::IpAddr::V4(s), std::net::IpAddr::V4(d)) = (src.ip(), dst.ip()) else { unreachable!() };
    let mut o = vec![0u8; 12];
    o.extend_from_slice(&[0x08, 0x00, 0x45, 0]);
    o.extend_from_slice(&((20 + seg.len()) as u16).to_be_bytes());
    o.extend_from_slice(&[0, 1, 0, 0, 64, proto, 0, 0]);
    o.extend_from_slice(&s.octets());
    o.extend_from_slice(&d.octets());
    o.extend_from_slice(seg);
    o
}

fn sip(start: &str, call: u32, cseq: &str, to_tag: bool, body: &str) -> String {
    format!(
        "{start}\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK{call}{}\r\nFrom: <sip:100@pbx.example>;tag=f{call}\r\nTo: <sip:200@trunk.example>{}\r\nCall-ID: bench-{call}@pbx\r\nCSeq: {cseq}\r\nMax-Forwards: 70\r\nUser-Agent: bench\r\n{}Content-Length: {}\r\n\r\n{body}",
        cseq.len(),
        if to_tag { format!(";tag=t{call}") } else { String::new() },
        if body.is_empty() { "" } else { "Content-Type: application/sdp\r\n" },
        body.len()
    )
}

fn sdp(ip: &str, port: u16) -> String {
    format!("v=0\r\no=- 1 1 IN IP4 {ip}\r\ns=-\r\nc=IN IP4 {ip}\r\nt=0 0\r\nm=audio {port} RTP/AVP 8 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n")
}

fn main() {
    let target_mb: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(50);
    let t0: i64 = 1_700_000_000_000_000;
    let mut frames: Vec<(i64, Vec<u8>)> = Vec::new();
    let mut bytes = 0usize;
    let mut call = 0u32;
    while bytes < target_mb * 1_000_000 {
        let start = t0 + call as i64 * 2_000_000;
        let a: SocketAddr = format!("10.0.{}.{}:5060", call / 200, call % 200 + 1).parse().unwrap();
        let b: SocketAddr = "203.0.113.5:5060".parse().unwrap();
        let am: SocketAddr =
            format!("10.0.{}.{}:{}", call / 200, call % 200 + 1, 20000 + (call % 1000) * 2).parse().unwrap();
        let bm: SocketAddr = format!("203.0.113.5:{}", 30000 + (call % 1000) * 2).parse().unwrap();
        let msgs = [
            (
                start,
                a,
                b,
                sip(
                    "INVITE sip:200@trunk.example SIP/2.0",
                    call,
                    "1 INVITE",
                    false,
                    &sdp(&am.ip().to_string(), am.port()),
                ),
            ),
            (
                start + 800_000,
                b,
                a,
                sip("SIP/2.0 200 OK", call, "1 INVITE", true, &sdp(&bm.ip().to_string(), bm.port())),
            ),
            (start + 810_000, a, b, sip("ACK sip:200@trunk.example SIP/2.0", call, "1 ACK", true, "")),
            (start + 31_000_000, a, b, sip("BYE sip:200@trunk.example SIP/2.0", call, "2 BYE", true, "")),
            (start + 31_010_000, b, a, sip("SIP/2.0 200 OK", call, "2 BYE", true, "")),
        ];
        let tcp = call % 4 == 3;
        let mut seq = [1000u32, 9000u32];
        for (t, s, d, m) in msgs {
            if tcp {
                // split each message over two segments
                let k = usize::from(s != a);
                let half = m.len() / 2;
                frames.push((t, ipv4_tcp(s, d, seq[k], &m.as_bytes()[..half])));
                frames.push((t + 100, ipv4_tcp(s, d, seq[k] + half as u32, &m.as_bytes()[half..])));
                seq[k] += m.len() as u32;
            } else {
                frames.push((t, ipv4_udp(s, d, m.as_bytes())));
            }
        }
        for k in 0..1500u32 {
            let t = start + 820_000 + k as i64 * 20_000;
            for (s, d, ssrc, j) in [(am, bm, call, 0), (bm, am, call + 1_000_000, 3_000 + (k % 7) as i64 * 500)] {
                let mut p = vec![0x80, 8];
                p.extend_from_slice(&(k as u16).to_be_bytes());
                p.extend_from_slice(&(k * 160).to_be_bytes());
                p.extend_from_slice(&ssrc.to_be_bytes());
                p.extend(std::iter::repeat_n(0xD5u8, 160));
                frames.push((t + j, ipv4_udp(s, d, &p)));
            }
            if k % 50 == 0 {
                frames.push((
                    t + 1,
                    ipv4_udp(a, "10.0.0.53:53".parse().unwrap(), &[0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]),
                ));
            }
        }
        bytes = frames.iter().map(|f| f.1.len() + 16).sum();
        call += 1;
    }
    frames.sort_by_key(|f| f.0);
    let mut file = Vec::with_capacity(bytes + 24);
    for v in [0xA1B2_C3D4u32, 0x0004_0002, 0, 0, 65535, 1] {
        file.extend_from_slice(&v.to_le_bytes());
    }
    for (t, f) in &frames {
        for v in [(t / 1_000_000) as u32, (t % 1_000_000) as u32, f.len() as u32, f.len() as u32] {
            file.extend_from_slice(&v.to_le_bytes());
        }
        file.extend_from_slice(f);
    }
    let mb = file.len() as f64 / 1e6;
    println!("capture: {mb:.1} MB, {} packets, {call} calls (1 in 4 over TCP)", frames.len());

    let mut best = f64::MAX;
    let mut ing = sipdiag::pcap::ingest_capture(&file);
    for _ in 0..3 {
        let t = Instant::now();
        ing = sipdiag::pcap::ingest_capture(&file);
        best = best.min(t.elapsed().as_secs_f64());
    }
    println!(
        "ingest_capture: {:.0} ms, {:.0} MB/s ({} SIP messages, {} RTP packets, {} problems)",
        best * 1e3,
        mb / best,
        ing.items.len(),
        ing.rtp.len(),
        ing.problems.len()
    );
    let t = Instant::now();
    let a = sipdiag::Analysis::new(&ing, &Default::default());
    let t_an = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let streams = sipdiag::media::streams(&a);
    let t_st = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let findings = sipdiag::media::findings(&a);
    let t_f = t.elapsed().as_secs_f64();
    println!(
        "analysis (incl. diagnosis): {:.0} ms; media::streams: {:.0} ms ({} streams); media::findings: {:.0} ms ({} findings)",
        t_an * 1e3,
        t_st * 1e3,
        streams.len(),
        t_f * 1e3,
        findings.len()
    );
    println!("total: {:.0} MB/s", mb / (best + t_an + t_st));
}
