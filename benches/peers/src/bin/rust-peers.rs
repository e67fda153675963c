//! Times sipdiag and other Rust SIP parsers on the same messages and counts what each reads
//! right. `rust-peers [OUT_DIR] [ITERS]`: reads the corpus that `gen-corpus` wrote, prints a
//! table and writes `OUT_DIR/rust.json` for the combined report (js/report.mjs).
//!
//! Every parser fills the same [`Fields`] from its own typed API: top Via branch and sent-by
//! host, From/To tags, Call-ID, CSeq, first Contact host, the first m= line's port and its
//! connection address.

#[path = "../../../sipgen/timing.rs"]
mod timing;

use sipdiag_peers::{memchr_floor, run_once, sipdiag_fields, sipdiag_split, Corpus, FieldErrors, Fields};
use std::fmt::Write as _;
use std::panic::{catch_unwind, AssertUnwindSafe};

#[cfg(feature = "rsip")]
fn rsip_fields(msg: &str, f: &mut Fields) {
    use rsip::prelude::*;
    let Ok(m) = rsip::SipMessage::try_from(msg) else { return };
    f.parsed = true;
    if let Ok(v) = m.via_header().and_then(|v| v.typed()) {
        if let Some(b) = v.branch() {
            let _ = write!(f.via_branch, "{b}");
        }
        let _ = write!(f.via_host, "{}", v.uri.host_with_port.host);
    }
    if let Ok(a) = m.from_header().and_then(|h| h.typed()) {
        if let Some(t) = a.tag() {
            let _ = write!(f.from_tag, "{t}");
        }
    }
    if let Ok(a) = m.to_header().and_then(|h| h.typed()) {
        if let Some(t) = a.tag() {
            let _ = write!(f.to_tag, "{t}");
        }
    }
    if let Ok(c) = m.call_id_header() {
        f.call_id.push_str(c.value());
    }
    if let Ok(c) = m.cseq_header().and_then(|h| h.typed()) {
        f.cseq_num = c.seq;
        let _ = write!(f.cseq_method, "{}", c.method);
    }
    if let Ok(c) = m.contact_header().and_then(|h| h.typed()) {
        let _ = write!(f.contact_host, "{}", c.uri.host_with_port.host);
    }
    let body = m.body();
    if !body.is_empty() {
        // rsip has no SDP parser; sdp-rs is its author's companion crate
        if let Ok(sdp) = std::str::from_utf8(body)
            .map_err(|_| ())
            .and_then(|s| sdp_rs::SessionDescription::try_from(s.to_string()).map_err(|_| ()))
        {
            if let Some(md) = sdp.media_descriptions.first() {
                f.sdp_port = md.media.port;
                if let Some(c) = md.connections.first().or(sdp.connection.as_ref()) {
                    let _ = write!(f.sdp_c, "{}", c.connection_address.base);
                }
            }
        }
    }
}

#[cfg(feature = "ezk")]
fn ezk_fields(msg: &str, f: &mut Fields) {
    use ezk_sip_types::header::typed::{CSeq, CallID, Contact, FromTo, Via};
    use ezk_sip_types::msg::{Line, MessageLine, PullParser};
    use ezk_sip_types::parse::Parse;
    use ezk_sip_types::{Headers, Name};
    // ezk works on `Bytes` (shared, refcounted): one copy of the message per parse
    let src = bytes::Bytes::copy_from_slice(msg.as_bytes());
    let mut p = PullParser::new(&src, 0);
    let Some(Ok(first)) = p.next() else { return };
    let Ok(first) = std::str::from_utf8(first) else { return };
    if MessageLine::parse(&src)(first).is_err() {
        return;
    }
    let mut headers = Headers::with_capacity(16);
    for l in &mut p {
        let Ok(l) = l else { return };
        let Ok(s) = std::str::from_utf8(l) else { return };
        match Line::parse(&src, s) {
            Ok((_, line)) => headers.insert(line.name, line.value),
            Err(_) => return,
        }
    }
    let body = src.slice(p.head_end().min(src.len())..);
    f.parsed = true;
    if let Ok(v) = headers.get_named::<Via>() {
        if let Some(b) = v.params.get_val("branch") {
            f.via_branch.push_str(b.as_str());
        }
        let _ = write!(f.via_host, "{}", v.sent_by.host);
    }
    if let Ok(a) = headers.get::<FromTo>(Name::FROM) {
        f.from_tag.push_str(a.tag.as_ref().map_or("", |t| t.as_str()));
    }
    if let Ok(a) = headers.get::<FromTo>(Name::TO) {
        f.to_tag.push_str(a.tag.as_ref().map_or("", |t| t.as_str()));
    }
    if let Ok(c) = headers.get_named::<CallID>() {
        f.call_id.push_str(c.0.as_str());
    }
    if let Ok(c) = headers.get_named::<CSeq>() {
        f.cseq_num = c.cseq;
        let _ = write!(f.cseq_method, "{}", c.method);
    }
    if let Ok(c) = headers.get_named::<Contact>() {
        let _ = write!(f.contact_host, "{}", c.uri.uri.host_port.host);
    }
    if !body.is_empty() {
        if let Ok(b) = bytesstr::BytesStr::from_utf8_bytes(body) {
            if let Ok(sdp) = ezk_sdp_types::SessionDescription::parse(&b) {
                if let Some(md) = sdp.media_descriptions.first() {
                    f.sdp_port = md.media.port;
                    if let Some(c) = md.connection.as_ref().or(sdp.connection.as_ref()) {
                        use ezk_sdp_types::TaggedAddress as T;
                        let _ = match &c.address {
                            T::IP4(a) => write!(f.sdp_c, "{a}"),
                            T::IP6(a) => write!(f.sdp_c, "{a}"),
                            T::IP4FQDN(a) | T::IP6FQDN(a) => write!(f.sdp_c, "{}", a.as_str()),
                        };
                    }
                }
            }
        }
    }
}

#[cfg(feature = "rvoip")]
fn rvoip_fields(msg: &str, f: &mut Fields) {
    use rvoip_sip_core::types::{CSeq, Contact};
    let Ok(m) = rvoip_sip_core::parse_message(msg.as_bytes()) else { return };
    f.parsed = true;
    if let Some(v) = m.first_via() {
        if let Some(h) = v.headers().first() {
            f.via_branch.push_str(h.branch().unwrap_or(""));
            let _ = write!(f.via_host, "{}", h.host());
        }
    }
    if let Some(t) = m.from().and_then(|a| a.tag()) {
        f.from_tag.push_str(t);
    }
    if let Some(t) = m.to().and_then(|a| a.tag()) {
        f.to_tag.push_str(t);
    }
    if let Some(c) = m.call_id() {
        f.call_id.push_str(c.as_str());
    }
    if let Some(c) = m.typed_header::<CSeq>() {
        f.cseq_num = c.seq;
        let _ = write!(f.cseq_method, "{}", c.method);
    }
    if let Some(a) = m.typed_header::<Contact>().and_then(|c| c.addresses().next()) {
        let _ = write!(f.contact_host, "{}", a.uri().host);
    }
    let body = m.body();
    if !body.is_empty() {
        if let Ok(sdp) = rvoip_sip_core::parse_sdp(body) {
            if let Some(md) = sdp.media_descriptions.first() {
                f.sdp_port = md.port;
                if let Some(c) = md.connection_info.as_ref().or(sdp.connection_info.as_ref()) {
                    f.sdp_c.push_str(&c.connection_address);
                }
            }
        }
    }
}

type ParseFn = fn(&str, &mut Fields);

struct Peer {
    name: &'static str,
    /// What it is and what it reads.
    note: &'static str,
    /// Whether it reads the typed fields (the floor and the split-only run do not).
    typed: bool,
    parse: ParseFn,
}

fn peers() -> Vec<Peer> {
    let mut v = vec![
        Peer {
            name: "sipdiag",
            note: "sip::parse (grammar checks, SDP check) + typed Via/From/To/Call-ID/CSeq/Contact/SDP",
            typed: true,
            parse: sipdiag_fields,
        },
        Peer { name: "sipdiag (split only)", note: "sip::parse, no field read", typed: false, parse: sipdiag_split },
        Peer { name: "memchr floor", note: "line ends + header/body split", typed: false, parse: memchr_floor },
    ];
    #[cfg(feature = "rsip")]
    v.push(Peer {
        name: "rsip 0.4 + sdp-rs 0.2",
        note: "SipMessage::try_from + typed()",
        typed: true,
        parse: rsip_fields,
    });
    #[cfg(feature = "ezk")]
    v.push(Peer {
        name: "ezk-sip-types 0.6 + ezk-sdp-types",
        note: "PullParser/Line + Headers::get_named",
        typed: true,
        parse: ezk_fields,
    });
    #[cfg(feature = "rvoip")]
    v.push(Peer {
        name: "rvoip-sip-core 0.4",
        note: "parse_message + typed_header, parse_sdp",
        typed: true,
        parse: rvoip_fields,
    });
    v
}

fn json_str(s: &str) -> String {
    let mut o = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(o, "\\u{:04x}", c as u32);
            }
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

fn main() {
    let mut args = std::env::args().skip(1).filter(|a| a != "--bench");
    let dir = std::path::PathBuf::from(args.next().unwrap_or_else(|| "out".into()));
    let iters: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(7);
    let corpus = match Corpus::load(&dir) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("cannot read the corpus in {}: {e} (run gen-corpus first)", dir.display());
            std::process::exit(2);
        }
    };
    let msgs = sipdiag_peers::slices(&corpus.text, &corpus.offsets);
    let bytes: usize = msgs.iter().map(|m| m.len()).sum();
    println!(
        "Rust parsers on {} messages, {:.2} MB (median of {iters} runs after a warm-up; CPU time of the thread)",
        msgs.len(),
        bytes as f64 / 1e6
    );
    println!("{:<36} {:>9} {:>10} {:>6} | {:>8} | wrong fields", "parser", "MB/s", "msg/s", "load", "correct");
    let mut json = Vec::new();
    // PEERS_ONLY=<name prefix> runs one parser (for profiling: perf record / valgrind --tool=callgrind)
    let only = std::env::var("PEERS_ONLY").ok();
    let all = peers();
    let exact = only.as_deref().is_some_and(|o| all.iter().any(|p| p.name == o));
    let chosen = all.into_iter().filter(|p| match only.as_deref() {
        None => true,
        Some(o) if exact => p.name == o,
        Some(o) => p.name.starts_with(o),
    });
    for p in chosen {
        let mut f = Fields::default();
        let parse = p.parse;
        let timed = catch_unwind(AssertUnwindSafe(|| {
            let mut digest = 0;
            let s = timing::measure(iters, || {
                digest = run_once(&msgs, &mut f, &parse);
                digest
            });
            (s, digest)
        }));
        let Ok((s, digest)) = timed else {
            println!("{:<36} panicked", p.name);
            json.push(format!("{{\"name\":{},\"kind\":\"rust\",\"panicked\":true}}", json_str(p.name)));
            continue;
        };
        let mut errs = FieldErrors::default();
        let mut panics = 0u32;
        // PEERS_SHOW=<name prefix> prints the first few messages a parser reads wrong
        let show = std::env::var("PEERS_SHOW").ok().filter(|s| p.name.starts_with(s.as_str()));
        let mut shown = 0;
        let show_max: usize = std::env::var("PEERS_SHOW_MAX").ok().and_then(|s| s.parse().ok()).unwrap_or(4);
        if p.typed {
            for (m, want) in msgs.iter().zip(&corpus.truth) {
                f.clear();
                if catch_unwind(AssertUnwindSafe(|| parse(m, &mut f))).is_err() {
                    panics += 1;
                    f.clear();
                }
                let before = errs.correct;
                errs.check(&f, want);
                if show.is_some() && errs.correct == before && shown < show_max {
                    shown += 1;
                    eprintln!("--- {} read\n{f:?}\n--- expected\n{want:?}\n--- message\n{m}", p.name);
                }
            }
        }
        let mbps = s.mbps(bytes);
        let mps = msgs.len() as f64 / s.best().as_secs_f64();
        let correct =
            if p.typed { format!("{:.1}%", 100.0 * errs.correct as f64 / msgs.len() as f64) } else { "n/a".into() };
        let mut wrong = errs.summary();
        if panics > 0 {
            wrong = format!("panicked on {panics}; {wrong}");
        }
        println!("{:<36} {:>9.1} {:>10.0} {:>6.2} | {:>8} | {}", p.name, mbps, mps, s.load(), correct, wrong);
        json.push(format!(
            "{{\"name\":{},\"kind\":\"rust\",\"note\":{},\"typed\":{},\"mbps\":{:.3},\"msgs_per_s\":{:.1},\"cpu_ms\":{:.3},\"wall_ms\":{:.3},\"messages\":{},\"bytes\":{},\"correct\":{},\"unparsed\":{},\"wrong\":{},\"digest52\":{}}}",
            json_str(p.name),
            json_str(p.note),
            p.typed,
            mbps,
            mps,
            s.cpu.as_secs_f64() * 1e3,
            s.wall.as_secs_f64() * 1e3,
            msgs.len(),
            bytes,
            if p.typed { errs.correct.to_string() } else { "null".into() },
            errs.unparsed,
            json_str(&wrong),
            digest & ((1u64 << 52) - 1)
        ));
    }
    if only.is_some() {
        return; // a partial run does not replace the table
    }
    let out = format!("[\n{}\n]\n", json.join(",\n"));
    if let Err(e) = std::fs::write(dir.join("rust.json"), out) {
        eprintln!("cannot write rust.json: {e}");
    }
}
