//! Throughput of the core on a large generated log (raw SIP, back to back): calls with SDP
//! offers and answers, digest challenges, registrations, IPv6 Vias, compact header forms, some
//! messages printed with LF line ends. Reports MB/s and messages/s for
//!
//! - ingest: finding and framing the messages;
//! - parse: the parser alone over the ingested messages, reading what the call grouping and
//!   the rules read (top Via branch and host, tags, Call-ID, CSeq, Contact, SDP media);
//! - ingest + parse: both;
//! - ingest + parse + Analysis::new: the whole pipeline behind a report.
//!
//! `cargo bench --bench ingest` (the bench profile inherits the size-optimised release
//! profile); `cargo bench --bench ingest --profile fast` for opt-level 3. Options after `--`:
//! a message count (default 24000), `--quick` (one round each), `--rounds=N` (default 7) and
//! `--only=WORD` (run the stages whose name holds WORD, e.g. for a profiler). Throughput is
//! computed from the median on-CPU time of the measuring thread where Linux reports it (so a
//! busy machine does not skew it), else from the median wall time.

use sipdiag::diagnose::Options;
use sipdiag::{ingest, sip, Analysis};
use std::fmt::Write as _;
use std::hint::black_box;
use std::time::{Duration, Instant};

/// xorshift64*: a fixed sequence, so every run measures the same log.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn hex(&mut self, len: usize) -> String {
        let mut s = String::with_capacity(len);
        while s.len() < len {
            let _ = write!(s, "{:016x}", self.next());
        }
        s.truncate(len);
        s
    }
}

/// One side of a call: address (IPv4 or IPv6) and how it writes headers.
struct Party {
    host: String,
    via_host: String,
    user: String,
    compact: bool,
}

impl Party {
    fn new(rng: &mut Rng, user: &str) -> Party {
        let v6 = rng.below(4) == 0;
        let host = if v6 {
            format!("2001:db8:{:x}::{:x}", rng.below(0xffff), rng.below(0xffff) + 1)
        } else {
            format!("10.{}.{}.{}", rng.below(250), rng.below(250), rng.below(250) + 1)
        };
        let via_host = if v6 { format!("[{host}]") } else { host.clone() };
        Party { host, via_host, user: user.to_string(), compact: rng.below(4) == 0 }
    }
    fn name<'a>(&self, long: &'a str, short: &'a str) -> &'a str {
        if self.compact {
            short
        } else {
            long
        }
    }
}

struct Call {
    call_id: String,
    from_tag: String,
    to_tag: String,
    a: Party,
    b: Party,
    ruri: String,
}

fn sdp(rng: &mut Rng, p: &Party, answer: bool) -> String {
    let ipv = if p.host.contains(':') { "IP6" } else { "IP4" };
    let port = 10000 + 2 * rng.below(10000);
    let codecs = if answer { "0 101" } else { "0 8 9 18 101" };
    let mut s = String::new();
    let _ = write!(
        s,
        "v=0\r\no=- {id} {id} IN {ipv} {h}\r\ns=sipdiag-bench\r\nc=IN {ipv} {h}\r\nt=0 0\r\nm=audio {port} RTP/AVP {codecs}\r\n",
        id = rng.below(1 << 40),
        h = p.host
    );
    if !answer {
        s.push_str("a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:9 G722/8000\r\na=rtpmap:18 G729/8000\r\na=fmtp:18 annexb=no\r\n");
    }
    s.push_str(
        "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ptime:20\r\na=maxptime:150\r\na=sendrecv\r\n",
    );
    s
}

/// Writes one message (CRLF, or LF when `lf`).
#[allow(clippy::too_many_arguments)]
fn message(
    out: &mut String,
    start: &str,
    c: &Call,
    from_side: &Party,
    via: &str,
    cseq: &str,
    with_to_tag: bool,
    extra: &[String],
    body: &str,
    lf: bool,
) {
    let p = from_side;
    let mut m = String::with_capacity(1200);
    let _ = write!(m, "{start}\r\n");
    let _ = write!(m, "{}: {via}\r\n", p.name("Via", "v"));
    if start.ends_with("SIP/2.0") {
        m.push_str("Max-Forwards: 70\r\n");
    }
    let _ = write!(
        m,
        "{}: \"{}\" <sip:{}@{}>;tag={}\r\n",
        p.name("From", "f"),
        c.a.user,
        c.a.user,
        c.a.via_host,
        c.from_tag
    );
    if with_to_tag {
        let _ = write!(m, "{}: <sip:{}@{}>;tag={}\r\n", p.name("To", "t"), c.b.user, c.b.via_host, c.to_tag);
    } else {
        let _ = write!(m, "{}: <sip:{}@{}>\r\n", p.name("To", "t"), c.b.user, c.b.via_host);
    }
    let _ = write!(m, "{}: {}\r\n", p.name("Call-ID", "i"), c.call_id);
    let _ = write!(m, "CSeq: {cseq}\r\n");
    let _ = write!(m, "{}: <sip:{}@{}:5060;transport=udp>\r\n", p.name("Contact", "m"), p.user, p.via_host);
    for e in extra {
        m.push_str(e);
        m.push_str("\r\n");
    }
    m.push_str("User-Agent: sipdiag-bench/1.0 (PBX 18.9.0)\r\n");
    m.push_str("Allow: INVITE, ACK, CANCEL, OPTIONS, BYE, REFER, SUBSCRIBE, NOTIFY, INFO, PUBLISH, MESSAGE\r\n");
    m.push_str("Supported: replaces, timer, 100rel\r\n");
    if !body.is_empty() {
        let _ = write!(m, "{}: application/sdp\r\n", p.name("Content-Type", "c"));
    }
    let _ = write!(m, "{}: {}\r\n\r\n{body}", p.name("Content-Length", "l"), body.len());
    if lf {
        m = m.replace("\r\n", "\n");
    }
    out.push_str(&m);
}

fn via(p: &Party, branch: &str) -> String {
    format!("SIP/2.0/UDP {}:5060;rport;branch=z9hG4bK{branch}", p.via_host)
}

fn digest(rng: &mut Rng, header: &str, user: &str, uri: &str) -> String {
    format!(
        "{header}: Digest username=\"{user}\",realm=\"sip.example.com\",nonce=\"{}\",uri=\"{uri}\",response=\"{}\",algorithm=MD5,cnonce=\"{}\",qop=auth,nc=00000001",
        rng.hex(32),
        rng.hex(32),
        rng.hex(16)
    )
}

/// Generates at least `min_messages` messages and at least `min_bytes` bytes.
fn generate(min_messages: usize, min_bytes: usize) -> (String, usize) {
    let mut rng = Rng(0x5EED_5EED_1234_5678);
    let mut out = String::with_capacity(min_bytes + min_bytes / 8);
    let mut n = 0;
    while n < min_messages || out.len() < min_bytes {
        let (ua, ub) = (format!("1{:03}", rng.below(1000)), format!("+4930{:07}", rng.below(10_000_000)));
        let a = Party::new(&mut rng, &ua);
        let b = Party::new(&mut rng, &ub);
        let c = Call {
            call_id: format!("{}@{}", rng.hex(24), a.via_host),
            from_tag: rng.hex(10),
            to_tag: rng.hex(8),
            ruri: format!("sip:{}@{}:5060", b.user, b.via_host),
            a,
            b,
        };
        let lf = rng.below(5) == 0;
        let kind = rng.below(10);
        if kind < 7 {
            // a call: optional 407 challenge, then INVITE / 100 / 180 / 200 / ACK / BYE / 200
            let mut seq = 1;
            let mut br = rng.hex(12);
            let inv = format!("INVITE {} SIP/2.0", c.ruri);
            let offer = sdp(&mut rng, &c.a, false);
            if kind < 2 {
                let v = via(&c.a, &br);
                message(&mut out, &inv, &c, &c.a, &v, "1 INVITE", false, &[], &offer, lf);
                let chal = format!(
                    "Proxy-Authenticate: Digest realm=\"sip.example.com\", nonce=\"{}\", algorithm=MD5, qop=\"auth\"",
                    rng.hex(32)
                );
                message(
                    &mut out,
                    "SIP/2.0 407 Proxy Authentication Required",
                    &c,
                    &c.b,
                    &v,
                    "1 INVITE",
                    true,
                    &[chal],
                    "",
                    lf,
                );
                message(&mut out, &format!("ACK {} SIP/2.0", c.ruri), &c, &c.a, &v, "1 ACK", true, &[], "", lf);
                n += 3;
                seq = 2;
                br = rng.hex(12);
            }
            let v = via(&c.a, &br);
            let cs = format!("{seq} INVITE");
            let auth = if seq == 2 {
                vec![digest(&mut rng, "Proxy-Authorization", &c.a.user, &c.ruri)]
            } else {
                vec!["Session-Expires: 1800;refresher=uac".to_string()]
            };
            message(&mut out, &inv, &c, &c.a, &v, &cs, false, &auth, &offer, lf);
            message(&mut out, "SIP/2.0 100 Trying", &c, &c.b, &v, &cs, false, &[], "", lf);
            let rr = vec![format!("Record-Route: <sip:{};lr>", c.b.via_host)];
            message(&mut out, "SIP/2.0 180 Ringing", &c, &c.b, &v, &cs, true, &rr, "", lf);
            let answer = sdp(&mut rng, &c.b, true);
            message(&mut out, "SIP/2.0 200 OK", &c, &c.b, &v, &cs, true, &rr, &answer, lf);
            let v2 = via(&c.a, &rng.hex(12));
            message(
                &mut out,
                &format!("ACK {} SIP/2.0", c.ruri),
                &c,
                &c.a,
                &v2,
                &format!("{seq} ACK"),
                true,
                &[],
                "",
                lf,
            );
            let v3 = via(&c.a, &rng.hex(12));
            let bye = format!("{} BYE", seq + 1);
            let reason = vec!["Reason: Q.850;cause=16;text=\"Normal call clearing\"".to_string()];
            message(&mut out, &format!("BYE {} SIP/2.0", c.ruri), &c, &c.a, &v3, &bye, true, &reason, "", lf);
            message(&mut out, "SIP/2.0 200 OK", &c, &c.b, &v3, &bye, true, &[], "", lf);
            n += 7;
        } else if kind < 9 {
            // registration: REGISTER / 401 / REGISTER with credentials / 200
            let reg = "REGISTER sip:sip.example.com SIP/2.0";
            let v = via(&c.a, &rng.hex(12));
            let exp = vec!["Expires: 3600".to_string()];
            message(&mut out, reg, &c, &c.a, &v, "1 REGISTER", false, &exp, "", lf);
            let chal = format!(
                "WWW-Authenticate: Digest realm=\"sip.example.com\", nonce=\"{}\", opaque=\"{}\", algorithm=MD5, qop=\"auth\"",
                rng.hex(32),
                rng.hex(8)
            );
            message(&mut out, "SIP/2.0 401 Unauthorized", &c, &c.b, &v, "1 REGISTER", true, &[chal], "", lf);
            let v = via(&c.a, &rng.hex(12));
            let auth = vec![digest(&mut rng, "Authorization", &c.a.user, "sip:sip.example.com"), exp[0].clone()];
            message(&mut out, reg, &c, &c.a, &v, "2 REGISTER", false, &auth, "", lf);
            message(&mut out, "SIP/2.0 200 OK", &c, &c.b, &v, "2 REGISTER", true, &exp, "", lf);
            n += 4;
        } else {
            let v = via(&c.a, &rng.hex(12));
            message(&mut out, &format!("OPTIONS {} SIP/2.0", c.ruri), &c, &c.a, &v, "1 OPTIONS", false, &[], "", lf);
            message(&mut out, "SIP/2.0 200 OK", &c, &c.b, &v, "1 OPTIONS", true, &[], "", lf);
            n += 2;
        }
    }
    (out, n)
}

/// What the call grouping and the rules read from each message.
fn read_fields(m: &sip::Message<'_>) -> usize {
    let mut x = 0;
    if let Some(v) = m.top_via() {
        x += v.branch.map_or(0, str::len) + v.host.len();
    }
    x += m.from().and_then(|f| f.tag()).map_or(0, str::len);
    x += m.to().and_then(|t| t.tag()).map_or(0, str::len);
    x += m.call_id().map_or(0, str::len);
    x += m.cseq().map_or(0, |c| c.seq as usize);
    x += m.contacts().next().map_or(0, |c| c.uri.len());
    if let Some(s) = m.sdp() {
        x += s.media.iter().map(|md| md.port as usize + md.formats.len()).sum::<usize>();
    }
    x + m.problems.len()
}

struct Stat {
    name: &'static str,
    /// (wall time, on-CPU time of this thread when the kernel tells it) per round
    times: Vec<(Duration, Option<Duration>)>,
    bytes: usize,
    msgs: usize,
}

impl Stat {
    fn row(&self) -> String {
        let mut wall: Vec<Duration> = self.times.iter().map(|t| t.0).collect();
        wall.sort();
        let mut cpu: Vec<Duration> = self.times.iter().filter_map(|t| t.1).collect();
        cpu.sort();
        let median = |v: &[Duration]| v.get(v.len() / 2).map(Duration::as_secs_f64);
        let wall_med = median(&wall).unwrap_or(0.0);
        // On a busy machine the thread's on-CPU time is the fairer measure of the code.
        let basis = median(&cpu).unwrap_or(wall_med).max(1e-9);
        format!(
            "{:<36} {:>8.1} ms {:>8.1} ms {:>8.1} ms {:>8.1} MB/s {:>10.0} msgs/s",
            self.name,
            wall.first().map_or(0.0, Duration::as_secs_f64) * 1e3,
            wall_med * 1e3,
            median(&cpu).unwrap_or(f64::NAN) * 1e3,
            self.bytes as f64 / 1e6 / basis,
            self.msgs as f64 / basis
        )
    }
}

/// Nanoseconds this thread has spent on a CPU (Linux `/proc/thread-self/schedstat`).
fn cpu_time() -> Option<Duration> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_ascii_whitespace().next()?.parse().ok().map(Duration::from_nanos)
}

fn time<R>(rounds: usize, mut f: impl FnMut() -> R) -> Vec<(Duration, Option<Duration>)> {
    (0..rounds)
        .map(|_| {
            let c = cpu_time();
            let t = Instant::now();
            black_box(f());
            let wall = t.elapsed();
            (wall, c.zip(cpu_time()).map(|(a, b)| b.saturating_sub(a)))
        })
        .collect()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let quick = args.iter().any(|a| a == "--quick");
    let count = args.iter().find_map(|a| a.parse::<usize>().ok()).unwrap_or(24_000);
    let rounds =
        args.iter().find_map(|a| a.strip_prefix("--rounds=")?.parse().ok()).unwrap_or(if quick { 1 } else { 7 });
    let only = args.iter().find_map(|a| a.strip_prefix("--only=")).unwrap_or("");
    let run = |name: &str| name.contains(only);

    let t = Instant::now();
    let (log, generated) = generate(count, count * 440);
    let gen_ms = t.elapsed().as_secs_f64() * 1e3;
    let ing = ingest(&log);
    let found = ing.items.len();
    let item_bytes: usize = ing.items.iter().map(|i| i.text.len()).sum();
    let parsed = ing.items.iter().filter(|i| sip::parse(&i.text).is_ok()).count();
    let clean = ing.items.iter().filter(|i| sip::parse(&i.text).is_ok_and(|m| m.problems.is_empty())).count();
    let with_sdp = ing.items.iter().filter(|i| sip::parse(&i.text).is_ok_and(|m| m.sdp().is_some())).count();
    println!(
        "log: {generated} messages, {:.1} MB ({gen_ms:.0} ms to generate); ingest found {found} ({parsed} parse, {clean} without problems, {with_sdp} with SDP)",
        log.len() as f64 / 1e6
    );
    assert_eq!(found, generated, "ingest must find every generated message");
    assert_eq!(clean, generated, "every generated message is valid");

    let mut stats = Vec::new();
    if run("ingest") {
        stats.push(Stat {
            name: "ingest",
            times: time(rounds, || ingest(&log).items.len()),
            bytes: log.len(),
            msgs: found,
        });
    }
    if run("parse (+ read fields), per message") {
        stats.push(Stat {
            name: "parse (+ read fields), per message",
            times: time(rounds, || {
                ing.items.iter().map(|i| sip::parse(&i.text).map_or(0, |m| read_fields(&m))).sum::<usize>()
            }),
            bytes: item_bytes,
            msgs: found,
        });
    }
    if run("parse only (no field reads)") {
        stats.push(Stat {
            name: "parse only (no field reads)",
            times: time(rounds, || {
                ing.items.iter().map(|i| sip::parse(&i.text).map_or(0, |m| m.headers.len())).sum::<usize>()
            }),
            bytes: item_bytes,
            msgs: found,
        });
    }
    if run("ingest + parse") {
        stats.push(Stat {
            name: "ingest + parse",
            times: time(rounds, || {
                let ing = ingest(&log);
                ing.items.iter().map(|i| sip::parse(&i.text).map_or(0, |m| read_fields(&m))).sum::<usize>()
            }),
            bytes: log.len(),
            msgs: found,
        });
    }
    let opts = Options::default();
    let arounds = if quick { 1 } else { rounds.div_ceil(2) };
    if run("ingest + parse + Analysis::new") {
        stats.push(Stat {
            name: "ingest + parse + Analysis::new",
            times: time(arounds, || {
                let ing = ingest(&log);
                let a = Analysis::new(&ing, &opts);
                a.messages.len() + a.findings.len()
            }),
            bytes: log.len(),
            msgs: found,
        });
    }
    println!(
        "{:<36} {:>11} {:>11} {:>11} {:>13} {:>17}",
        "stage", "wall best", "wall median", "cpu median", "throughput", "rate"
    );
    for s in &stats {
        println!("{}", s.row());
    }
}
