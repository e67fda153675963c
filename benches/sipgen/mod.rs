//! Deterministic SIP trace generator for the benchmarks (benches/pipeline.rs and the side-by-side
//! comparison in benches/peers). Not part of the product.
//!
//! It writes realistic dialogs — INVITE with digest auth and SDP, REGISTER with a challenge,
//! OPTIONS pings, busy and cancelled calls — with a mix of IPv4 and IPv6 hosts (Via sent-by,
//! Contact, SDP `c=IN IP6`), compact header names (`v:`, `f:`, `t:`, `i:`, `m:`, `l:`, `c:`),
//! several transports and proxied messages with two Vias. Every message comes with its
//! [`Truth`]: the values a parser must read from it, so the comparison can count correctness.
//!
//! [`trace`] wraps the same messages in the shapes of the logs sipdiag reads: raw SIP, the
//! Asterisk pjsip logger, an sngrep text export and a FreeSWITCH siptrace.

#![allow(dead_code)]

use std::fmt::Write as _;

pub mod timing;

/// SplitMix64: small, fast, deterministic.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    /// True with probability `pct` percent.
    pub fn pct(&mut self, pct: u64) -> bool {
        self.below(100) < pct
    }
    pub fn alnum(&mut self, n: usize) -> String {
        const A: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        (0..n).map(|_| A[self.below(A.len() as u64) as usize] as char).collect()
    }
    pub fn hex(&mut self, n: usize) -> String {
        const H: &[u8] = b"0123456789abcdef";
        (0..n).map(|_| H[self.below(16) as usize] as char).collect()
    }
    pub fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len() as u64) as usize]
    }
}

/// What a correct parser reads from a message. Empty strings / 0 mean "absent".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Truth {
    pub via_branch: String,
    /// Host of the top Via's sent-by, without IPv6 brackets.
    pub via_host: String,
    pub from_tag: String,
    pub to_tag: String,
    pub call_id: String,
    pub cseq_num: u32,
    pub cseq_method: String,
    /// Host of the first Contact URI, without IPv6 brackets.
    pub contact_host: String,
    /// Connection address for the first m= line (media level, else session level).
    pub sdp_c: String,
    /// Port of the first m= line.
    pub sdp_port: u16,
}

impl Truth {
    pub const COLUMNS: &'static str =
        "via_branch\tvia_host\tfrom_tag\tto_tag\tcall_id\tcseq_num\tcseq_method\tcontact_host\tsdp_c\tsdp_port";

    pub fn tsv(&self) -> String {
        format!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            self.via_branch,
            self.via_host,
            self.from_tag,
            self.to_tag,
            self.call_id,
            self.cseq_num,
            self.cseq_method,
            self.contact_host,
            self.sdp_c,
            self.sdp_port
        )
    }
}

/// One network endpoint of the generated traffic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Addr {
    /// Without brackets.
    pub host: String,
    pub port: u16,
}

impl Addr {
    pub fn v6(&self) -> bool {
        self.host.contains(':')
    }
    /// `host` with brackets for IPv6 (as in URIs and Via).
    pub fn uri_host(&self) -> String {
        if self.v6() {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        }
    }
    /// `host:port`, bracketed for IPv6.
    pub fn hostport(&self) -> String {
        format!("{}:{}", self.uri_host(), self.port)
    }
}

/// One generated message, with where it travelled and what it says.
#[derive(Debug, Clone)]
pub struct GenMsg {
    pub text: String,
    pub truth: Truth,
    pub src: Addr,
    pub dst: Addr,
    pub transport: &'static str,
    pub request: bool,
    /// Sent by the host that wrote the log (for the log wrappers).
    pub outbound: bool,
}

struct Party {
    user: String,
    display: String,
    addr: Addr,
    tag: String,
}

/// The per-dialog choices.
struct Dialog {
    compact: bool,
    transport: &'static str,
    uac: Party,
    uas: Party,
    proxy: Addr,
    domain: String,
    call_id: String,
    /// Requests from the UAC pass a proxy: they carry two Vias, top one the proxy's.
    proxied: bool,
    ua: &'static str,
    server: &'static str,
}

const UAS: [&str; 6] = [
    "Asterisk PBX 20.5.0",
    "FreeSWITCH-mod_sofia/1.10.11-release~64bit",
    "3CXPhoneSystem 18.0.9.20 (20)",
    "Yealink SIP-T46U 108.86.0.45",
    "Grandstream GXP2170 1.0.11.23",
    "Cisco-CUBE/17.6",
];
const SERVERS: [&str; 4] =
    ["Kamailio (5.7.4 (x86_64/linux))", "OpenSIPS (3.4.2 (x86_64/linux))", "Trunk SBC", "Asterisk PBX 18.20.0"];
const NAMES: [(&str, &str); 8] = [
    ("alice", "Alice Liddell"),
    ("bob", "Bob"),
    ("4420881", "Reception"),
    ("+4930123456", "Berlin Office"),
    ("1001", "Ext 1001"),
    ("carol.smith", "Carol \\\"CS\\\" Smith"),
    ("2002", "Sales"),
    ("+15551230000", "Main Line"),
];
const ALLOW: &str = "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, PRACK, REFER, NOTIFY, MESSAGE";
const SUPPORTED: &str = "replaces, timer, 100rel, path, outbound";

fn v4(rng: &mut Rng, net: &str) -> String {
    format!("{}.{}.{}", net, rng.below(250) + 1, rng.below(250) + 2)
}

fn v6(rng: &mut Rng) -> String {
    format!("2001:db8:{:x}::{:x}:{:x}", rng.below(0xfff) + 1, rng.below(0xfffe) + 1, rng.below(0xfffe) + 1)
}

fn addr(rng: &mut Rng, ipv6: bool, net: &str) -> Addr {
    let host = if ipv6 { v6(rng) } else { v4(rng, net) };
    Addr { host, port: rng.pick(&[5060, 5060, 5060, 5080, 5062, 15060]) }
}

/// Message builder: header lines with the dialog's naming, body, Content-Length.
struct Builder<'d> {
    d: &'d Dialog,
    s: String,
}

impl<'d> Builder<'d> {
    fn new(d: &'d Dialog, start: &str) -> Builder<'d> {
        let mut s = String::with_capacity(1400);
        s.push_str(start);
        s.push_str("\r\n");
        Builder { d, s }
    }
    /// A header with a compact form: the compact name in compact dialogs.
    fn h(&mut self, long: &str, compact: &str, v: &str) -> &mut Self {
        let name = if self.d.compact && !compact.is_empty() { compact } else { long };
        let _ = write!(self.s, "{name}: {v}\r\n");
        self
    }
    fn finish(mut self, body: &str, ctype: &str) -> String {
        if !body.is_empty() {
            self.h("Content-Type", "c", ctype);
        }
        let n = body.len().to_string();
        self.h("Content-Length", "l", &n);
        self.s.push_str("\r\n");
        self.s.push_str(body);
        self.s
    }
}

fn sdp(rng: &mut Rng, a: &Addr, media_level_c: bool) -> (String, String, u16) {
    let ip = if a.v6() { "IP6" } else { "IP4" };
    let port = 10000 + 2 * rng.below(10000) as u16;
    let sess = rng.below(1 << 31) + 1;
    let codecs = rng.pick(&["0 8 101", "8 0 9 101", "9 8 0 18 101", "111 0 8 101"]);
    let mut s = String::with_capacity(400);
    let _ = write!(s, "v=0\r\no=- {sess} {} IN {ip} {}\r\ns=-\r\n", sess + 1, a.host);
    if !media_level_c {
        let _ = write!(s, "c=IN {ip} {}\r\n", a.host);
    }
    let _ = write!(s, "t=0 0\r\nm=audio {port} RTP/AVP {codecs}\r\n");
    if media_level_c {
        let _ = write!(s, "c=IN {ip} {}\r\n", a.host);
    }
    for pt in codecs.split(' ') {
        let line = match pt {
            "0" => "a=rtpmap:0 PCMU/8000",
            "8" => "a=rtpmap:8 PCMA/8000",
            "9" => "a=rtpmap:9 G722/8000",
            "18" => "a=rtpmap:18 G729/8000\r\na=fmtp:18 annexb=no",
            "111" => "a=rtpmap:111 opus/48000/2\r\na=fmtp:111 useinbandfec=1",
            _ => "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16",
        };
        s.push_str(line);
        s.push_str("\r\n");
    }
    let _ = write!(s, "a=ptime:20\r\na=maxptime:150\r\na=rtcp:{}\r\na=sendrecv\r\n", port + 1);
    (s, a.host.clone(), port)
}

fn branch(rng: &mut Rng) -> String {
    format!("z9hG4bK{}", rng.alnum(16))
}

/// Everything a request or response needs from the flow.
struct Step {
    start: String,
    method: &'static str,
    cseq: u32,
    /// Response code, 0 for a request.
    code: u16,
    /// Via entries top first, as `(sent-by addr, branch, with received/rport)`.
    vias: Vec<(Addr, String)>,
    to_tag: bool,
    contact: Option<Addr>,
    contact_user: String,
    body: Option<(String, String, u16)>,
    extra: Vec<(String, String)>,
    from_uac: bool,
}

fn build(d: &Dialog, rng: &mut Rng, st: Step) -> GenMsg {
    let mut b = Builder::new(d, &st.start);
    let tp = d.transport;
    for (i, (a, br)) in st.vias.iter().enumerate() {
        let mut v = format!("SIP/2.0/{tp} {};branch={br}", a.hostport());
        if st.code > 0 && i == st.vias.len() - 1 {
            // the UAC's own Via in a response, as a NAT-aware server fills it in
            v = format!("SIP/2.0/{tp} {};rport={};received={};branch={br}", a.hostport(), a.port, a.host);
        } else if st.code == 0 && i == st.vias.len() - 1 && rng.pct(50) {
            v = format!("SIP/2.0/{tp} {};rport;branch={br}", a.hostport());
        }
        b.h("Via", "v", &v);
    }
    if st.code == 0 {
        b.h("Max-Forwards", "", "70");
    }
    let from = format!("\"{}\" <sip:{}@{}>;tag={}", d.uac.display, d.uac.user, d.domain, d.uac.tag);
    let to_tag_v = if st.to_tag { format!(";tag={}", d.uas.tag) } else { String::new() };
    let to = format!("<sip:{}@{}>{}", d.uas.user, d.domain, to_tag_v);
    b.h("From", "f", &from);
    b.h("To", "t", &to);
    b.h("Call-ID", "i", &d.call_id);
    b.h("CSeq", "", &format!("{} {}", st.cseq, st.method));
    if let Some(c) = &st.contact {
        let mut v = format!("<sip:{}@{};transport={}>", st.contact_user, c.hostport(), tp.to_ascii_lowercase());
        if st.method == "REGISTER" {
            v.push_str(";expires=3600;+sip.instance=\"<urn:uuid:");
            v.push_str(&rng.hex(8));
            v.push_str("-0000-4000-8000-");
            v.push_str(&rng.hex(12));
            v.push_str(">\"");
        }
        b.h("Contact", "m", &v);
    }
    for (n, v) in &st.extra {
        let compact = match n.as_str() {
            "Supported" => "k",
            _ => "",
        };
        b.h(n, compact, v);
    }
    if st.code == 0 || st.code >= 180 {
        b.h("Allow-Events", "u", "talk, hold, conference, refer");
    }
    if st.code == 0 || st.from_uac {
        b.h("User-Agent", "", d.ua);
    } else {
        b.h("Server", "", d.server);
    }
    let (body, sdp_c, sdp_port) = st.body.clone().unwrap_or_default();
    let text = b.finish(&body, "application/sdp");
    let top = &st.vias[0];
    let truth = Truth {
        via_branch: top.1.clone(),
        via_host: top.0.host.clone(),
        from_tag: d.uac.tag.clone(),
        to_tag: if st.to_tag { d.uas.tag.clone() } else { String::new() },
        call_id: d.call_id.clone(),
        cseq_num: st.cseq,
        cseq_method: st.method.to_string(),
        contact_host: st.contact.as_ref().map(|c| c.host.clone()).unwrap_or_default(),
        sdp_c,
        sdp_port,
    };
    // requests travel UAC -> UAS (through the proxy), responses back
    let (src, dst) = if st.from_uac {
        (d.uac.addr.clone(), if d.proxied { d.proxy.clone() } else { d.uas.addr.clone() })
    } else {
        (if d.proxied { d.proxy.clone() } else { d.uas.addr.clone() }, d.uac.addr.clone())
    };
    GenMsg { text, truth, src, dst, transport: d.transport, request: st.code == 0, outbound: st.from_uac }
}

fn reason(code: u16) -> &'static str {
    match code {
        100 => "Trying",
        180 => "Ringing",
        183 => "Session Progress",
        200 => "OK",
        401 => "Unauthorized",
        407 => "Proxy Authentication Required",
        486 => "Busy Here",
        487 => "Request Terminated",
        _ => "Whatever",
    }
}

fn challenge(rng: &mut Rng, d: &Dialog) -> String {
    format!(
        "Digest realm=\"{}\", nonce=\"{}\", opaque=\"{}\", algorithm=MD5, qop=\"auth\"",
        d.domain,
        rng.hex(32),
        rng.hex(16)
    )
}

fn credentials(rng: &mut Rng, d: &Dialog, uri: &str) -> String {
    format!(
        "Digest username=\"{}\", realm=\"{}\", nonce=\"{}\", uri=\"{uri}\", response=\"{}\", algorithm=MD5, cnonce=\"{}\", opaque=\"{}\", qop=auth, nc=00000001",
        d.uac.user,
        d.domain,
        rng.hex(32),
        rng.hex(32),
        rng.hex(16),
        rng.hex(16)
    )
}

fn new_dialog(rng: &mut Rng) -> Dialog {
    let ipv6 = rng.pct(30);
    let compact = rng.pct(25);
    let transport = rng.pick(&["UDP", "UDP", "UDP", "TCP", "TLS"]);
    let (u1, n1) = rng.pick(&NAMES);
    let (u2, n2) = rng.pick(&NAMES);
    let domain = rng.pick(&["sip.example.net", "pbx.example.com", "trunk.example.org", "voip.example.io"]).to_string();
    let uac_addr = addr(rng, ipv6, "10.20");
    let uas_addr = addr(rng, ipv6, "198.51");
    let proxy = addr(rng, ipv6, "203.0");
    let call_id = if rng.pct(50) {
        format!("{}@{}", rng.hex(24), if ipv6 { "example.net".to_string() } else { uac_addr.host.clone() })
    } else {
        format!("{}-{}-{}-{}", rng.hex(8), rng.hex(4), rng.hex(4), rng.hex(12))
    };
    Dialog {
        compact,
        transport,
        uac: Party { user: u1.into(), display: n1.into(), addr: uac_addr, tag: rng.alnum(10) },
        uas: Party { user: u2.into(), display: n2.into(), addr: uas_addr, tag: format!("as{}", rng.hex(8)) },
        proxy,
        domain,
        call_id,
        proxied: rng.pct(40),
        ua: rng.pick(&UAS),
        server: rng.pick(&SERVERS),
    }
}

/// One dialog's messages.
pub fn dialog(rng: &mut Rng) -> Vec<GenMsg> {
    let d = new_dialog(rng);
    let mut out = Vec::new();
    let ruri = format!("sip:{}@{}", d.uas.user, d.domain);
    let uac = d.uac.addr.clone();
    let uas = d.uas.addr.clone();
    let cseq0 = rng.below(30000) as u32 + 1;
    // the Vias a request arriving at the UAS carries, and the ones a response carries back
    let vias_for = |rng: &mut Rng, d: &Dialog| -> (Vec<(Addr, String)>, String) {
        let b = branch(rng);
        let mut v = vec![(uac.clone(), b.clone())];
        if d.proxied {
            v.insert(0, (d.proxy.clone(), branch(rng)));
        }
        (v, b)
    };
    let req = |method: &'static str, cseq: u32, vias: Vec<(Addr, String)>| Step {
        start: format!("{method} {ruri} SIP/2.0"),
        method,
        cseq,
        code: 0,
        vias,
        to_tag: false,
        contact: None,
        contact_user: d.uac.user.clone(),
        body: None,
        extra: Vec::new(),
        from_uac: true,
    };
    let resp = |code: u16, method: &'static str, cseq: u32, vias: &[(Addr, String)]| Step {
        start: format!("SIP/2.0 {code} {}", reason(code)),
        method,
        cseq,
        code,
        // a response carries the request's Vias minus none (the UAS sends it back through them)
        vias: vias.to_vec(),
        to_tag: code > 100,
        contact: None,
        contact_user: d.uas.user.clone(),
        body: None,
        extra: Vec::new(),
        from_uac: false,
    };
    let std_extra = |d: &Dialog| {
        vec![
            ("Allow".to_string(), ALLOW.to_string()),
            ("Supported".to_string(), SUPPORTED.to_string()),
            ("P-Asserted-Identity".to_string(), format!("\"{}\" <sip:{}@{}>", d.uac.display, d.uac.user, d.domain)),
        ]
    };
    match rng.below(100) {
        // INVITE with proxy auth, answered, hung up
        0..=34 => {
            let (v1, _) = vias_for(rng, &d);
            let mut s = req("INVITE", cseq0, v1.clone());
            s.contact = Some(uac.clone());
            s.extra = std_extra(&d);
            let ml = rng.pct(10);
            s.body = Some(sdp(rng, &uac, ml));
            out.push(build(&d, rng, s));
            let mut s = resp(407, "INVITE", cseq0, &v1);
            s.extra.push(("Proxy-Authenticate".into(), challenge(rng, &d)));
            out.push(build(&d, rng, s));
            let mut s = req("ACK", cseq0, v1.clone());
            s.to_tag = true;
            out.push(build(&d, rng, s));
            let (v2, _) = vias_for(rng, &d);
            let mut s = req("INVITE", cseq0 + 1, v2.clone());
            s.contact = Some(uac.clone());
            s.extra = std_extra(&d);
            s.extra.push(("Proxy-Authorization".into(), credentials(rng, &d, &ruri)));
            s.body = Some(sdp(rng, &uac, false));
            out.push(build(&d, rng, s));
            out.push(build(&d, rng, resp(100, "INVITE", cseq0 + 1, &v2)));
            let mut s = resp(180, "INVITE", cseq0 + 1, &v2);
            s.contact = Some(uas.clone());
            if d.proxied {
                s.extra.push(("Record-Route".into(), format!("<sip:{};lr>", d.proxy.hostport())));
            }
            out.push(build(&d, rng, s));
            let mut s = resp(200, "INVITE", cseq0 + 1, &v2);
            s.contact = Some(uas.clone());
            s.extra = std_extra(&d);
            if d.proxied {
                s.extra.push(("Record-Route".into(), format!("<sip:{};lr>", d.proxy.hostport())));
            }
            s.extra.push(("Session-Expires".into(), "1800;refresher=uac".into()));
            let ml = rng.pct(10);
            s.body = Some(sdp(rng, &uas, ml));
            out.push(build(&d, rng, s));
            let (v3, _) = vias_for(rng, &d);
            let mut s = req("ACK", cseq0 + 1, v3);
            s.to_tag = true;
            s.contact = Some(uac.clone());
            out.push(build(&d, rng, s));
            let (v4, _) = vias_for(rng, &d);
            let mut s = req("BYE", cseq0 + 2, v4.clone());
            s.to_tag = true;
            s.extra.push(("Reason".into(), "Q.850;cause=16;text=\"Normal call clearing\"".into()));
            out.push(build(&d, rng, s));
            out.push(build(&d, rng, resp(200, "BYE", cseq0 + 2, &v4)));
        }
        // REGISTER with a challenge
        35..=59 => {
            let reg_uri = format!("sip:{}", d.domain);
            let (v1, _) = vias_for(rng, &d);
            let mut s = req("REGISTER", cseq0, v1.clone());
            s.start = format!("REGISTER {reg_uri} SIP/2.0");
            s.contact = Some(uac.clone());
            s.extra.push(("Expires".into(), "3600".into()));
            s.extra.push(("Allow".into(), ALLOW.into()));
            out.push(build(&d, rng, s));
            let mut s = resp(401, "REGISTER", cseq0, &v1);
            s.extra.push(("WWW-Authenticate".into(), challenge(rng, &d)));
            out.push(build(&d, rng, s));
            let (v2, _) = vias_for(rng, &d);
            let mut s = req("REGISTER", cseq0 + 1, v2.clone());
            s.start = format!("REGISTER {reg_uri} SIP/2.0");
            s.contact = Some(uac.clone());
            s.extra.push(("Expires".into(), "3600".into()));
            s.extra.push(("Authorization".into(), credentials(rng, &d, &reg_uri)));
            out.push(build(&d, rng, s));
            let mut s = resp(200, "REGISTER", cseq0 + 1, &v2);
            s.contact = Some(uac.clone());
            s.contact_user = d.uac.user.clone();
            s.extra.push(("Date".into(), "Thu, 26 Nov 2026 04:50:00 GMT".into()));
            out.push(build(&d, rng, s));
        }
        // OPTIONS keepalive
        60..=79 => {
            let (v1, _) = vias_for(rng, &d);
            let mut s = req("OPTIONS", cseq0, v1.clone());
            s.contact = Some(uac.clone());
            s.extra.push(("Accept".into(), "application/sdp".into()));
            out.push(build(&d, rng, s));
            let mut s = resp(200, "OPTIONS", cseq0, &v1);
            s.contact = Some(uas.clone());
            s.extra.push(("Allow".into(), ALLOW.into()));
            s.extra.push(("Accept".into(), "application/sdp, application/dtmf-relay".into()));
            s.extra.push(("Supported".into(), SUPPORTED.into()));
            out.push(build(&d, rng, s));
        }
        // busy
        80..=89 => {
            let (v1, _) = vias_for(rng, &d);
            let mut s = req("INVITE", cseq0, v1.clone());
            s.contact = Some(uac.clone());
            s.extra = std_extra(&d);
            s.body = Some(sdp(rng, &uac, false));
            out.push(build(&d, rng, s));
            out.push(build(&d, rng, resp(100, "INVITE", cseq0, &v1)));
            out.push(build(&d, rng, resp(486, "INVITE", cseq0, &v1)));
            let mut s = req("ACK", cseq0, v1.clone());
            s.to_tag = true;
            out.push(build(&d, rng, s));
        }
        // early media, then cancelled
        _ => {
            let (v1, _) = vias_for(rng, &d);
            let mut s = req("INVITE", cseq0, v1.clone());
            s.contact = Some(uac.clone());
            s.extra = std_extra(&d);
            let ml = rng.pct(20);
            s.body = Some(sdp(rng, &uac, ml));
            out.push(build(&d, rng, s));
            out.push(build(&d, rng, resp(100, "INVITE", cseq0, &v1)));
            let mut s = resp(183, "INVITE", cseq0, &v1);
            s.contact = Some(uas.clone());
            s.body = Some(sdp(rng, &uas, false));
            out.push(build(&d, rng, s));
            // CANCEL uses the INVITE's top branch
            out.push(build(&d, rng, req("CANCEL", cseq0, v1.clone())));
            out.push(build(&d, rng, resp(200, "CANCEL", cseq0, &v1)));
            out.push(build(&d, rng, resp(487, "INVITE", cseq0, &v1)));
            let mut s = req("ACK", cseq0, v1.clone());
            s.to_tag = true;
            out.push(build(&d, rng, s));
        }
    }
    out
}

/// An endless, deterministic stream of messages.
pub struct Messages {
    rng: Rng,
    queue: std::collections::VecDeque<GenMsg>,
}

impl Messages {
    pub fn new(seed: u64) -> Messages {
        Messages { rng: Rng::new(seed), queue: Default::default() }
    }
}

impl Iterator for Messages {
    type Item = GenMsg;
    fn next(&mut self) -> Option<GenMsg> {
        if self.queue.is_empty() {
            self.queue.extend(dialog(&mut self.rng));
        }
        self.queue.pop_front()
    }
}

/// The log shapes a trace can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Messages back to back, CRLF, as on the wire.
    Raw,
    /// Asterisk `pjsip set logger` in /var/log/asterisk/full (LF).
    Pjsip,
    /// sngrep "save as .txt" (LF).
    Sngrep,
    /// FreeSWITCH `sofia global siptrace on` (LF, dashes, indented).
    Sofia,
}

impl Shape {
    pub const ALL: [Shape; 4] = [Shape::Raw, Shape::Pjsip, Shape::Sngrep, Shape::Sofia];
    pub fn name(self) -> &'static str {
        match self {
            Shape::Raw => "raw",
            Shape::Pjsip => "pjsip",
            Shape::Sngrep => "sngrep",
            Shape::Sofia => "sofia",
        }
    }
}

fn clock(us: u64) -> (u64, u64, u64, u64) {
    let s = us / 1_000_000;
    ((s / 3600) % 24, (s / 60) % 60, s % 60, us % 1_000_000)
}

/// Appends one message in `shape` to `out`, logged at `us` microseconds after midnight.
pub fn wrap(shape: Shape, m: &GenMsg, us: u64, out: &mut String) {
    let (h, mi, s, frac) = clock(us);
    let lf = |out: &mut String, indent: &str| {
        for line in m.text.split("\r\n") {
            out.push_str(indent);
            out.push_str(line);
            out.push('\n');
        }
    };
    match shape {
        Shape::Raw => out.push_str(&m.text),
        Shape::Pjsip => {
            let kind = if m.request { "request" } else { "response" };
            let (verb, prep, peer) =
                if m.outbound { ("Transmitting", "to", &m.dst) } else { ("Received", "from", &m.src) };
            let _ = writeln!(
                out,
                "[2026-11-26 {h:02}:{mi:02}:{s:02}.{:03}] VERBOSE[{}] res_pjsip_logger.c: <--- {verb} SIP {kind} ({} bytes) {prep} {}:{} --->",
                frac / 1000,
                2200 + us % 97,
                m.text.len(),
                m.transport,
                peer.hostport()
            );
            lf(out, "");
        }
        Shape::Sngrep => {
            let _ = writeln!(
                out,
                "2026/11/26 {h:02}:{mi:02}:{s:02}.{frac:06} {} -> {}",
                m.src.hostport(),
                m.dst.hostport()
            );
            lf(out, "");
            out.push('\n');
        }
        Shape::Sofia => {
            let (verb, prep, peer) = if m.outbound { ("send", "to", &m.dst) } else { ("recv", "from", &m.src) };
            let _ = writeln!(
                out,
                "{verb} {} bytes {prep} {}/[{}]:{} at {h:02}:{mi:02}:{s:02}.{frac:06}:",
                m.text.len(),
                m.transport.to_ascii_lowercase(),
                peer.host,
                peer.port
            );
            out.push_str("   ------------------------------------------------------------------------\n");
            lf(out, "   ");
            out.push_str("   ------------------------------------------------------------------------\n");
        }
    }
}

/// A trace of about `bytes` bytes (at least one message) in `shape`, and its message count.
pub fn trace(shape: Shape, bytes: usize, seed: u64) -> (String, usize) {
    let mut out = String::with_capacity(bytes + 4096);
    let mut n = 0;
    let mut us = 8 * 3600 * 1_000_000u64;
    let mut rng = Rng::new(seed ^ 0x5eed);
    for m in Messages::new(seed) {
        if n > 0 && out.len() >= bytes {
            break;
        }
        us += 200 + rng.below(400_000);
        wrap(shape, &m, us, &mut out);
        n += 1;
    }
    (out, n)
}
