//! Integration tests: share — permalinks (format, frozen v1 links, limits, errors), redaction
//! (findings unchanged on every trace, consistent class-preserving mapping, secrets, lengths) and
//! exports (ticket, call cut, time window).

use crate::support::{corpus_dir, fixture, root, Rng};
use sipdiag::analysis::Analysis;
use sipdiag::diagnose::Options;
use sipdiag::export;
use sipdiag::ingest::{ingest, Format, Ingested, Item, Timestamp};
use sipdiag::permalink::{self, *};
use sipdiag::redact::{self, Kind, RedactOptions};
use std::borrow::Cow;
use std::path::{Path, PathBuf};

// ---------------------------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------------------------

fn walk(p: &Path, out: &mut Vec<PathBuf>) {
    if p.is_dir() {
        let mut v: Vec<PathBuf> = std::fs::read_dir(p).into_iter().flatten().flatten().map(|e| e.path()).collect();
        v.sort();
        for e in v {
            walk(&e, out);
        }
    } else if p.is_file() {
        out.push(p.to_path_buf());
    }
}

/// Every text trace we have: the project's fixtures (all areas) and the corpus when present.
/// Binary files (captures) and data files (expected outputs, tables) are not traces.
fn traces() -> Vec<(String, String)> {
    let mut files = Vec::new();
    walk(&root().join("tests/fixtures"), &mut files);
    let corpus = corpus_dir();
    if let Some(dir) = &corpus {
        walk(dir, &mut files);
    }
    let skip_ext = ["json", "tsv", "csv", "md", "toml", "html", "svg", "png", "txtar"];
    let mut out = Vec::new();
    for f in files {
        if f.extension().and_then(|e| e.to_str()).is_some_and(|e| skip_ext.contains(&e)) {
            continue;
        }
        let Ok(bytes) = std::fs::read(&f) else { continue };
        if bytes.contains(&0) {
            continue;
        }
        out.push((f.display().to_string(), sipdiag::cli::decode(&bytes)));
    }
    assert!(out.len() >= 2, "the share fixtures at least");
    out
}

fn causes(text: &str) -> Vec<&'static str> {
    let ing = ingest(text);
    Analysis::new(&ing, &Options::default()).findings.iter().map(|f| f.cause).collect()
}

fn roundtrip(link: &Link) -> Link {
    let frag = encode(link).expect("encodes");
    assert!(frag.starts_with('#'));
    decode(&frag).unwrap_or_else(|e| panic!("decode: {e:?}"))
}

/// 24-bit FNV-1a check as docs/PERMALINK.md specifies it.
fn spec_check24(data: &[u8]) -> [u8; 3] {
    let mut h: u32 = 0x811c_9dc5;
    for &b in data {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    let h = (h >> 24) ^ (h & 0x00ff_ffff);
    [(h >> 16) as u8, (h >> 8) as u8, h as u8]
}

/// A link built by hand from docs/PERMALINK.md: check ‖ raw DEFLATE (a stream that does not use
/// the preset dictionary is valid too) → base64url.
fn spec_link(prefix: &str, payload: &[u8]) -> String {
    let mut bytes = spec_check24(payload).to_vec();
    bytes.extend(miniz_oxide::deflate::compress_to_vec(payload, 6));
    let mut s = format!("#{prefix}.");
    base64url_encode(&bytes, &mut s);
    s
}

fn tlv(fields: &[(u8, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    for (tag, v) in fields {
        out.push(*tag);
        let mut n = v.len() as u64;
        loop {
            let b = (n & 0x7f) as u8;
            n >>= 7;
            if n == 0 {
                out.push(b);
                break;
            }
            out.push(b | 0x80);
        }
        out.extend_from_slice(v);
    }
    out
}

// ---------------------------------------------------------------------------------------------
// permalinks
// ---------------------------------------------------------------------------------------------

/// Links made by version 1. Every later sipdiag must open them with exactly these fields.
#[test]
fn frozen_v1_links_still_open() {
    let full = decode(
        "https://sipdiag.example/#v1.Q5mrY-IsBqZhYMpNrWBmB-bG1IKkChaOvPx4cGHJypdoYZJkkmxulmpmZm5owMbIyJiOFFNJ-UkOqRWJuQU5qXrJwA4DNFCR3IuqH2a_saGJoaklwlGYaZKXCwA",
    );
    assert_eq!(
        full,
        Ok(Link::Trace(TraceLink {
            input: "INVITE sip:bob@example.com SIP/2.0\r\nCall-ID: a84b4c76e66710\r\nCSeq: 314159 INVITE\r\nContent-Length: 0\r\n\r\n"
                .into(),
            profile: Some("smartalex".into()),
            pbx: Some("freepbx".into()),
            symptom: Some("no_audio".into()),
            call_id: Some("a84b4c76e66710".into()),
            line: Some(1),
        }))
    );
    assert_eq!(
        decode("#v1.j2OlY1RyLzq85_D8VIVHM_qwt6G5AA"),
        Ok(Link::Trace(TraceLink { input: "Grüße ☎\nSIP/2.0 486 Busy Here\n".into(), ..Default::default() }))
    );
    let d = decode(
        "#d1._HEkbZfBasMwDIZfxejshaW3-jD6EIMdRile4m4BpymOs6SUvvs-mbW0UHIIsYwU2dKv_z8LTdt2TRYnH2n4FxMK-TMtJlaOCRCIATO9T2M3uva1iDtMMVoZTz0jqr9-7pUQ5VHcpyQ_y9aKUkZx5_LedS1-Uvh-qTf1mtOvVmALDlVtYCkpU1L1Jiy-P8ZQNUP_hj0PtwBMmLgDufJEFITIpay1VKBG1ThwDXzpNK-gqQU8fBzVS5dLIk_zHJkr8IwT9qCsnyUo6x4WQO-LW79a4dqiP5ReYtf7TzA5TQA4NTAjJdqii7wycgPhMHfBjdoNMJIr_Ibfq1f-Vwe4uHplBS0ROCp5UFe6fWmYz3pBT_WXXLY8fw",
    );
    assert_eq!(
        d,
        Ok(Link::Diagnosis(DiagnosisLink {
            verdict: "Wrong SIP password".into(),
            profile: Some("generic".into()),
            pbx: None,
            symptom: None,
            formats: vec!["raw".into()],
            call: Some(LinkCall {
                call_id: "reg-1@192.0.2.10".into(),
                from: Some("<sip:1001@example.com>".into()),
                to: None,
                final_status: Some(403),
            }),
            findings: vec![LinkFinding {
                cause: "auth.credentials".into(),
                title: "Wrong SIP password".into(),
                severity: "error".into(),
                confidence: 90,
                explanation: "The trunk answered 403 after the credentials were sent.".into(),
                evidence: vec![LinkEvidence {
                    line: 12,
                    label: "403 Forbidden".into(),
                    excerpt: "SIP/2.0 403 Forbidden".into(),
                }],
            }],
        }))
    );
}

/// A link written by hand from docs/PERMALINK.md opens: the document is the format.
#[test]
fn the_documented_layout_is_the_format() {
    let body = tlv(&[(2, b"generic"), (6, &[0x96, 0x01]), (1, b"OPTIONS sip:a@b SIP/2.0\r\n\r\n")]);
    let want = TraceLink {
        input: "OPTIONS sip:a@b SIP/2.0\r\n\r\n".into(),
        profile: Some("generic".into()),
        line: Some(150),
        ..Default::default()
    };
    assert_eq!(decode(&spec_link("v1", &body)), Ok(Link::Trace(want.clone())));
    // optional tags (0x40 and up) are skipped by this version
    let body = tlv(&[(0x41, b"later"), (2, b"generic"), (6, &[0x96, 0x01]), (1, b"OPTIONS sip:a@b SIP/2.0\r\n\r\n")]);
    assert_eq!(decode(&spec_link("v1", &body)), Ok(Link::Trace(want)));
    let json = br#"{"verdict":"ok"}"#;
    assert_eq!(
        decode(&spec_link("d1", json)),
        Ok(Link::Diagnosis(DiagnosisLink { verdict: "ok".into(), ..Default::default() }))
    );
}

#[test]
fn broken_links_give_typed_errors() {
    let check = |input: &str, want: LinkError| {
        assert_eq!(decode(input).map(|_| ()), Err(want), "{input:?}");
        assert!(!want.description().is_empty());
    };
    let big = "A".repeat(8);
    let table: Vec<(String, LinkError)> = vec![
        ("".into(), LinkError::NotALink),
        ("https://sipdiag.example/".into(), LinkError::NotALink),
        ("https://sipdiag.example/#".into(), LinkError::NotALink),
        ("#hello".into(), LinkError::NotALink),
        ("#v1".into(), LinkError::NotALink),
        ("#x1.AAAA".into(), LinkError::NotALink),
        ("#v0.AAAA".into(), LinkError::NotALink),
        ("#v.AAAA".into(), LinkError::NotALink),
        ("#v1.".into(), LinkError::NotALink),
        ("#v2.AAAA".into(), LinkError::FutureVersion),
        ("#d7.AAAA".into(), LinkError::FutureVersion),
        ("#v10.zzzz".into(), LinkError::FutureVersion),
        ("#v1.AB$D".into(), LinkError::BadCharacter),
        ("#v1.AB+D/".into(), LinkError::BadCharacter),
        ("#v1.ABCD=".into(), LinkError::BadCharacter),
        ("#v1.A".into(), LinkError::Truncated),
        (format!("#v1.{big}A"), LinkError::Truncated),
        ("#v1.AAAA".into(), LinkError::Truncated),
        (spec_link("v1", &tlv(&[(7, b"x"), (1, b"a")])), LinkError::FutureVersion),
        (spec_link("v1", &tlv(&[(0, b"x"), (1, b"a")])), LinkError::FutureVersion),
        (spec_link("v1", &tlv(&[(2, b"p")])), LinkError::Corrupt),
        (spec_link("v1", &tlv(&[(1, b"a"), (1, b"b")])), LinkError::Corrupt),
        (spec_link("v1", &[1, 9, b'a']), LinkError::Corrupt),
        (spec_link("v1", &tlv(&[(6, &[0x80]), (1, b"a")])), LinkError::Corrupt),
        (spec_link("v1", &tlv(&[(6, &[0xff, 0xff, 0xff, 0xff, 0x7f]), (1, b"a")])), LinkError::Corrupt),
        (spec_link("v1", &tlv(&[(1, b"\xff\xfe")])), LinkError::BadText),
        (spec_link("d1", b"{\"verdict\":"), LinkError::Corrupt),
        (spec_link("d1", b"[]"), LinkError::Corrupt),
    ];
    for (input, want) in &table {
        check(input, *want);
    }
    // a wrong check digest
    let body = tlv(&[(1, b"x")]);
    let mut bytes = vec![0, 0, 0];
    bytes.extend(miniz_oxide::deflate::compress_to_vec(&body, 6));
    let mut s = "#v1.".to_string();
    base64url_encode(&bytes, &mut s);
    check(&s, LinkError::Corrupt);
    // bytes after the end of the stream
    let mut bytes = spec_check24(&body).to_vec();
    bytes.extend(miniz_oxide::deflate::compress_to_vec(&body, 6));
    bytes.extend_from_slice(b"junk");
    let mut s = "#v1.".to_string();
    base64url_encode(&bytes, &mut s);
    check(&s, LinkError::Corrupt);
}

#[test]
fn decompression_is_capped() {
    // 40 MiB of zeros: over the absolute cap
    let bomb = vec![b'A'; 40 << 20];
    let link = spec_link("v1", &tlv(&[(1, &bomb)]));
    assert!(link.len() < 100_000, "{}", link.len());
    assert_eq!(decode(&link), Err(LinkError::TooLarge));
    // 4 MiB from a few KB: over the ratio guard
    let bomb = vec![b'A'; 4 << 20];
    let link = spec_link("v1", &tlv(&[(1, &bomb)]));
    assert_eq!(decode(&link), Err(LinkError::TooLarge));
    // below the 1 MiB floor a repetitive payload is fine
    let ok = "OPTIONS sip:ping@example.com SIP/2.0\r\n\r\n".repeat(20_000);
    let t = TraceLink { input: ok, ..Default::default() };
    assert_eq!(roundtrip(&Link::Trace(t.clone())), Link::Trace(t));
    // the encoder refuses what the decoder would refuse
    let t = TraceLink { input: "A".repeat(4 << 20), ..Default::default() };
    assert_eq!(encode_trace(&t), Err(LinkError::TooLarge));
}

#[test]
fn truncated_or_edited_links_never_open() {
    let text = fixture("share/pbx-trunk.sip");
    let frag = encode_trace(&TraceLink { input: text, profile: Some("generic".into()), ..Default::default() }).unwrap();
    let payload_start = frag.find('.').unwrap() + 1;
    for cut in payload_start..frag.len() {
        let e = decode(&frag[..cut]).expect_err("a cut link must not open");
        assert!(matches!(e, LinkError::Truncated | LinkError::Corrupt | LinkError::NotALink), "cut {cut}: {e:?}");
    }
    let b64 = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut rng = Rng(0x5eed_0001);
    let bytes = frag.as_bytes();
    for pos in payload_start..frag.len() {
        let mut t = bytes.to_vec();
        loop {
            let c = *rng.pick(b64);
            if c != t[pos] {
                t[pos] = c;
                break;
            }
        }
        let t = String::from_utf8(t).unwrap();
        assert!(decode(&t).is_err(), "edit at {pos} opened");
    }
    // white space from mail wrapping is ignored
    let wrapped: String =
        frag.chars().enumerate().flat_map(|(i, c)| if i % 70 == 69 { vec![c, '\n'] } else { vec![c] }).collect();
    assert_eq!(decode(&wrapped), decode(&frag));
}

fn random_text(rng: &mut Rng, max: u64) -> String {
    const PIECES: &[&str] = &[
        "INVITE sip:",
        "SIP/2.0 200 OK",
        "\r\n",
        "\n",
        "Via: SIP/2.0/UDP ",
        "192.168.1.",
        "10",
        ";branch=z9hG4bK",
        "é",
        "☎",
        "𝄞",
        "\0",
        "\t",
        " ",
        "\"",
        "#",
        ".",
        "v1.",
        "%",
        "=",
        "Content-Length: ",
        "From: ",
        "<sip:",
        "<tel:+",
        "@",
        ":",
        "::",
        "[",
        "]",
        "+4930",
        "nonce=",
        "password=",
        "Bearer ",
        "eyJ",
        "User-Agent: ",
        "#012",
        "8.8.",
        "fe80::",
        ">",
        "Server:",
        "inline:",
        ",",
        ";",
        "é:",
        "00",
    ];
    let n = rng.below(max);
    let mut s = String::new();
    for _ in 0..n {
        if rng.chance(70) {
            let piece: &&str = rng.pick(PIECES);
            s.push_str(piece);
        } else {
            s.push(char::from_u32(rng.below(0x11_0000) as u32).unwrap_or('x'));
        }
    }
    s
}

fn maybe(rng: &mut Rng) -> Option<String> {
    rng.chance(60).then(|| random_text(rng, 12))
}

#[test]
fn encode_then_decode_is_the_identity() {
    let mut rng = Rng(0x1234_5678_9abc_def1);
    for _ in 0..300 {
        let t = TraceLink {
            input: random_text(&mut rng, 400),
            profile: maybe(&mut rng),
            pbx: maybe(&mut rng),
            symptom: maybe(&mut rng),
            call_id: maybe(&mut rng),
            line: rng.chance(50).then(|| rng.next() as u32),
        };
        assert_eq!(roundtrip(&Link::Trace(t.clone())), Link::Trace(t));
    }
    for _ in 0..100 {
        let d = DiagnosisLink {
            verdict: random_text(&mut rng, 20),
            profile: maybe(&mut rng),
            pbx: maybe(&mut rng),
            symptom: maybe(&mut rng),
            formats: (0..rng.below(3)).map(|_| random_text(&mut rng, 5)).collect(),
            call: rng.chance(50).then(|| LinkCall {
                call_id: random_text(&mut rng, 10),
                from: maybe(&mut rng),
                to: maybe(&mut rng),
                final_status: rng.chance(50).then(|| rng.next() as u16),
            }),
            findings: (0..rng.below(4))
                .map(|_| LinkFinding {
                    cause: random_text(&mut rng, 5),
                    title: random_text(&mut rng, 8),
                    severity: "error".into(),
                    confidence: rng.next() as u8,
                    explanation: random_text(&mut rng, 30),
                    evidence: (0..rng.below(3))
                        .map(|_| LinkEvidence {
                            line: rng.next() as u32,
                            label: random_text(&mut rng, 5),
                            excerpt: random_text(&mut rng, 20),
                        })
                        .collect(),
                })
                .collect(),
        };
        assert_eq!(roundtrip(&Link::Diagnosis(d.clone())), Link::Diagnosis(d));
    }
    // and on every real trace
    for (name, text) in traces() {
        let t = TraceLink { input: text, ..Default::default() };
        assert_eq!(roundtrip(&Link::Trace(t.clone())), Link::Trace(t), "{name}");
    }
}

#[test]
fn share_options_offer_trace_call_and_diagnosis() {
    let text = fixture("share/pbx-trunk.sip");
    let ing = ingest(&text);
    let opts = Options { profile: Some("generic".into()), ..Default::default() };
    let a = Analysis::new(&ing, &opts);
    assert!(a.calls.calls.len() >= 3, "registration and two calls");
    let base = "https://sipdiag.example/app/";
    let sel = Selection { call: Some(1), message: a.calls.calls[1].messages.get(1).copied() };
    let options = share_options(&a, &opts, sel, base);
    let kinds: Vec<ShareKind> = options.iter().map(|o| o.kind).collect();
    assert_eq!(kinds, [ShareKind::Trace, ShareKind::Call, ShareKind::Diagnosis]);
    for o in &options {
        assert!(o.url.starts_with(base) && !o.url[base.len()..].contains('?'), "{}", o.url);
        assert_eq!(o.fit, fit(o.url.chars().count()));
        let link = decode(&o.url).unwrap();
        match (o.kind, link) {
            (ShareKind::Trace, Link::Trace(t)) => {
                assert_eq!(t.input, text);
                assert_eq!(t.profile.as_deref(), Some("generic"));
                let ing2 = ingest(&t.input);
                let a2 = Analysis::new(&ing2, &t.options());
                assert_eq!(t.selection(&a2), sel);
            }
            (ShareKind::Call, Link::Trace(t)) => {
                assert!(t.input.len() < text.len());
                assert_eq!(t.call_id.as_deref(), Some(a.calls.calls[1].call_id.as_str()));
                let ing2 = ingest(&t.input);
                let a2 = Analysis::new(&ing2, &t.options());
                let s2 = t.selection(&a2);
                let (c2, m2) = (s2.call.unwrap(), s2.message.unwrap());
                assert_eq!(a2.calls.calls[c2 as usize].messages.len(), a.calls.calls[1].messages.len());
                let first =
                    |a: &Analysis<'_>, m: u32| a.messages[m as usize].msg.text.lines().next().unwrap().to_string();
                assert_eq!(first(&a2, m2), first(&a, sel.message.unwrap()));
            }
            (ShareKind::Diagnosis, Link::Diagnosis(d)) => {
                assert_eq!(d.call.as_ref().map(|c| c.call_id.as_str()), Some(a.calls.calls[1].call_id.as_str()));
                assert_eq!(d.formats, vec!["raw".to_string()]);
                assert!(!d.verdict.is_empty());
            }
            (k, l) => panic!("{k:?} gave {l:?}"),
        }
    }
    // this small trace travels everywhere whole
    assert_eq!(recommended(&options), Some(0));
    assert_eq!(options[0].fit, Fit::Safe, "{} chars", options[0].url.len());
}

/// A large trace that does not repeat itself: the whole-trace link is too long, so the dialog
/// recommends a smaller option.
#[test]
fn long_traces_recommend_a_smaller_link() {
    let mut rng = Rng(77);
    let text = random_trace(&mut rng, 400);
    let ing = ingest(&text);
    let a = Analysis::new(&ing, &Options::default());
    let options = share_options(&a, &Options::default(), Selection::default(), "https://sipdiag.example/");
    assert_eq!(options[0].kind, ShareKind::Trace);
    assert_eq!(options[0].fit, Fit::TooLong, "{}", options[0].url.len());
    let r = recommended(&options).unwrap();
    assert_ne!(options[r].kind, ShareKind::Trace);
    assert!(options[r].fit <= Fit::Long);
    assert_eq!(SAFE_URL_LEN, 2_000);
    const { assert!(LONG_URL_LEN > SAFE_URL_LEN) };
}

/// Every call of every trace, cut to its own lines, reads back as that call.
#[test]
fn call_cuts_read_back_as_the_same_call() {
    let mut checked = 0;
    for (name, text) in traces() {
        let ing = ingest(&text);
        let a = Analysis::new(&ing, &Options::default());
        if a.calls.calls.len() < 2 {
            continue;
        }
        for (ci, c) in a.calls.calls.iter().enumerate() {
            let cut = export::filtered_trace(&a, ci as u32);
            let ing2 = ingest(&cut);
            let a2 = Analysis::new(&ing2, &Options::default());
            let same = a2.calls.calls.iter().find(|c2| c2.call_id == c.call_id);
            let same = same.unwrap_or_else(|| panic!("{name}: call {} lost in\n{cut}", c.call_id));
            assert_eq!(same.messages.len(), c.messages.len(), "{name}: call {}\n{cut}", c.call_id);
            // times, endpoints and directions came along with the framing lines
            for (&m1, &m2) in c.messages.iter().zip(&same.messages) {
                let (i1, i2) = (a.item(&a.messages[m1 as usize]), a2.item(&a2.messages[m2 as usize]));
                assert_eq!(
                    (i1.time, &i1.src, &i1.dst, i1.direction),
                    (i2.time, &i2.src, &i2.dst, i2.direction),
                    "{name}"
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 3, "the share fixture has three calls");
}

// ---------------------------------------------------------------------------------------------
// redaction
// ---------------------------------------------------------------------------------------------

/// The redacted trace gives the same findings (same causes, same order) as the original, on every
/// fixture of every area and every corpus trace, and reads the same way (lines, messages, calls,
/// formats, message problems such as Content-Length mismatches).
#[test]
fn redaction_never_changes_findings() {
    for (name, text) in traces() {
        for opts in
            [RedactOptions::default(), RedactOptions { hosts: redact::host_candidates(&text), ..Default::default() }]
        {
            let r = redact::redact(&text, &opts);
            assert_eq!(r.text.lines().count(), text.lines().count(), "{name}: lines");
            let (i1, i2) = (ingest(&text), ingest(&r.text));
            let (a1, a2) = (Analysis::new(&i1, &Options::default()), Analysis::new(&i2, &Options::default()));
            let c1: Vec<&str> = a1.findings.iter().map(|f| f.cause).collect();
            let c2: Vec<&str> = a2.findings.iter().map(|f| f.cause).collect();
            assert_eq!(c1, c2, "{name}: findings changed by redaction (hosts: {:?})\n{}", opts.hosts, r.text);
            assert_eq!(i1.formats, i2.formats, "{name}: formats");
            assert_eq!(a1.messages.len(), a2.messages.len(), "{name}: messages");
            assert_eq!(a1.calls.calls.len(), a2.calls.calls.len(), "{name}: calls");
            for (m1, m2) in a1.messages.iter().zip(&a2.messages) {
                let k1: Vec<_> = m1.msg.problems.iter().map(|p| p.kind).collect();
                let k2: Vec<_> = m2.msg.problems.iter().map(|p| p.kind).collect();
                assert_eq!(k1, k2, "{name}: problems of {:?}", m1.msg.text.lines().next());
            }
        }
    }
}

/// A random SIP trace: calls between private PBXs and public trunks, v4 and v6, numbers in
/// several forms, SDP bodies, digest auth.
fn random_trace(rng: &mut Rng, calls: usize) -> String {
    let priv_nets = ["10.", "172.16.", "172.31.", "192.168.", "100.64."];
    let ip = |rng: &mut Rng, public: bool| -> String {
        if public {
            format!("{}.{}.{}.{}", 1 + rng.below(222), rng.below(256), rng.below(256), 1 + rng.below(254))
        } else {
            let p = *rng.pick(&priv_nets);
            let need = 4 - p.matches('.').count();
            let rest: Vec<String> = (0..need).map(|_| rng.below(256).to_string()).collect();
            format!("{p}{}", rest.join("."))
        }
    };
    let mut out = String::new();
    for c in 0..calls {
        let pbx = ip(rng, false);
        let trunk = ip(rng, true);
        let public_media = rng.chance(50);
        let media = ip(rng, public_media);
        let num = format!("{}{}", rng.pick(&["+1", "+44", "+49", "0", "00", ""]), 2_000_000 + rng.below(7_999_999));
        let user = format!("{}{}", rng.pick(&["acct", "1", "trunk-", "alice."]), rng.below(100_000));
        let nonce = format!("{:016x}", rng.next());
        let body = format!("v=0\r\no=- {c} 1 IN IP4 {media}\r\ns=-\r\nc=IN IP4 {media}\r\nt=0 0\r\nm=audio {} RTP/AVP 0 8\r\na=sendrecv\r\n", 10_000 + c);
        out.push_str(&format!(
            "INVITE sip:{num}@{trunk} SIP/2.0\r\nVia: SIP/2.0/UDP {pbx}:5060;branch=z9hG4bK{c}\r\nFrom: \"Caller {c}\" <sip:{user}@{pbx}>;tag=f{c}\r\nTo: <sip:{num}@{trunk}>\r\nCall-ID: c{c}@{pbx}\r\nCSeq: 1 INVITE\r\nContact: <sip:{user}@{pbx}:5060>\r\nContent-Type: application/sdp\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        ));
        out.push_str(&format!(
            "SIP/2.0 407 Proxy Authentication Required\r\nVia: SIP/2.0/UDP {pbx}:5060;branch=z9hG4bK{c};received={}\r\nFrom: \"Caller {c}\" <sip:{user}@{pbx}>;tag=f{c}\r\nTo: <sip:{num}@{trunk}>;tag=t{c}\r\nCall-ID: c{c}@{pbx}\r\nCSeq: 1 INVITE\r\nProxy-Authenticate: Digest realm=\"{trunk}\", nonce=\"{nonce}\"\r\nContent-Length: 0\r\n\r\n",
            ip(rng, true)
        ));
        out.push_str(&format!(
            "INVITE sip:{num}@{trunk} SIP/2.0\r\nVia: SIP/2.0/UDP {pbx}:5060;branch=z9hG4bKb{c}\r\nFrom: \"Caller {c}\" <sip:{user}@{pbx}>;tag=f{c}\r\nTo: <sip:{num}@{trunk}>\r\nCall-ID: c{c}@{pbx}\r\nCSeq: 2 INVITE\r\nProxy-Authorization: Digest username=\"{user}\", realm=\"{trunk}\", nonce=\"{nonce}\", uri=\"sip:{num}@{trunk}\", response=\"{:032x}\"\r\nContent-Type: application/sdp\r\nContent-Length: {}\r\n\r\n{body}",
            u128::from(rng.next()) << 64 | u128::from(rng.next()),
            body.len()
        ));
        let status = *rng.pick(&["200 OK", "486 Busy Here", "503 Service Unavailable", "403 Forbidden"]);
        out.push_str(&format!(
            "SIP/2.0 {status}\r\nVia: SIP/2.0/UDP {pbx}:5060;branch=z9hG4bKb{c}\r\nFrom: \"Caller {c}\" <sip:{user}@{pbx}>;tag=f{c}\r\nTo: <sip:{num}@{trunk}>;tag=t{c}\r\nCall-ID: c{c}@{pbx}\r\nCSeq: 2 INVITE\r\nContent-Length: 0\r\n\r\n"
        ));
    }
    out
}

/// On random traces: the mapping is one-to-one, keeps private/public class and IPv4 length
/// where it can, and no original address, number or credential is left.
#[test]
fn redaction_is_consistent_and_keeps_classes() {
    let private = |a: std::net::Ipv4Addr| {
        let o = a.octets();
        a.is_private() || (o[0] == 100 && (64..128).contains(&o[1])) || a.is_link_local()
    };
    let mut rng = Rng(0xfeed_beef);
    for round in 0..12 {
        let text = random_trace(&mut rng, 1 + round * 3);
        let r = redact::redact(&text, &RedactOptions::default());
        assert_eq!(causes(&text), causes(&r.text), "round {round}");
        let mut seen_new = std::collections::HashMap::new();
        for x in &r.replacements {
            assert_ne!(x.original, x.replacement);
            // one-to-one within a kind
            if let Some(prev) = seen_new.insert((x.kind, x.replacement.clone()), x.original.clone()) {
                panic!("{} and {prev} both became {}", x.original, x.replacement);
            }
            match x.kind {
                Kind::Ipv4 => {
                    let (o, n): (std::net::Ipv4Addr, std::net::Ipv4Addr) =
                        (x.original.parse().unwrap(), x.replacement.parse().unwrap());
                    assert_eq!(private(o), private(n), "{o} → {n}");
                    if private(o) {
                        assert_eq!(x.original.len(), x.replacement.len(), "{o} → {n}");
                        assert_eq!(o.octets()[0], n.octets()[0]);
                    } else {
                        let d = n.octets();
                        assert!(
                            matches!(d, [192, 0, 2, _] | [198, 51, 100, _] | [203, 0, 113, _] | [198, 18 | 19, _, _]),
                            "{o} → {n}"
                        );
                        if (9..=14).contains(&x.original.len()) {
                            assert_eq!(x.original.len(), x.replacement.len(), "{o} → {n}");
                        }
                    }
                }
                Kind::Number => {
                    assert_eq!(x.original.len(), x.replacement.len());
                    for p in ["+1", "+44", "+49", "00", "0"] {
                        assert_eq!(
                            x.original.starts_with(p),
                            x.replacement.starts_with(p),
                            "{} → {}",
                            x.original,
                            x.replacement
                        );
                    }
                }
                Kind::Credential => assert_eq!(x.original.len(), x.replacement.len()),
                _ => {}
            }
            // nothing of what was replaced is left as a token
            if x.original.len() >= 6 {
                let left = r.text.match_indices(&x.original).any(|(i, _)| {
                    let b = r.text.as_bytes();
                    let before = i == 0 || !b[i - 1].is_ascii_alphanumeric() && b[i - 1] != b'.';
                    let j = i + x.original.len();
                    let after = j >= b.len()
                        || !(b[j].is_ascii_alphanumeric()
                            || b[j] == b'.' && b.get(j + 1).is_some_and(u8::is_ascii_digit));
                    before && after
                });
                assert!(!left, "{:?} {} still in the text", x.kind, x.original);
            }
        }
        // marks point at the replacements
        for m in &r.marks {
            let s = &r.text[m.start as usize..m.end as usize];
            assert!(r.replacements.iter().any(|x| x.replacement == s && x.kind == m.kind), "{s:?}");
        }
        // same input, same output
        assert_eq!(redact::redact(&text, &RedactOptions::default()), r);
    }
}

#[test]
fn redaction_table() {
    let d = RedactOptions::default();
    let check = |input: &str, opts: &RedactOptions, ok: &dyn Fn(&str) -> bool| {
        let out = redact::redact(input, opts).text;
        assert!(ok(&out), "{input:?} became {out:?}");
    };
    // public addresses become documentation addresses, in order, same length when possible
    check("a 8.8.8.8 b 81.14.200.37 c 8.8.8.8", &d, &|o| o == "a 192.0.2.1 b 198.51.100.1 c 192.0.2.1");
    // reserved and documentation addresses stay, and are never handed out again
    check("127.0.0.1 0.0.0.0 224.0.0.1 255.255.255.255 192.0.2.1 9.9.9.9", &d, &|o| {
        o == "127.0.0.1 0.0.0.0 224.0.0.1 255.255.255.255 192.0.2.1 192.0.2.2"
    });
    // private stays private, in its range, same length, same subnet stays same subnet
    check("c=IN IP4 192.168.1.20\r\nVia: SIP/2.0/UDP 192.168.1.21:5060", &d, &|o| {
        let w: Vec<&str> = o.split_whitespace().collect();
        let (a, b) = (w[2], w[5].trim_end_matches(":5060"));
        let net = |x: &str| x[..x.rfind('.').unwrap()].to_string();
        a.starts_with("192.168.") && a != "192.168.1.20" && net(a) == net(b) && a != b && o.len() == 57
    });
    check("10.0.0.255 172.20.3.4 100.64.1.1", &d, &|o| {
        let v: Vec<&str> = o.split(' ').collect();
        v[0].starts_with("10.") && v[0].ends_with(".255") && v[1].starts_with("172.") && v[2].starts_with("100.")
    });
    // dotted versions are not addresses
    check("User-Agent: Grandstream GXP2170 1.0.11.23", &d, &|o| o.ends_with("1.0.11.23"));
    check("#012Server: SBC 4.2.1.7#015#012Via: SIP/2.0/UDP 8.8.8.8", &d, &|o| {
        o.contains("4.2.1.7") && o.contains("192.0.2.1")
    });
    // numbers keep their shape and country code; numbers sharing a tail keep sharing it
    check("To: <sip:+14155550123@h>\r\nX: tel:4155550123", &d, &|o| {
        let a = &o[9..21];
        let b = &o[o.len() - 10..];
        a.starts_with("+1") && a != "+14155550123" && a[2..] == *b && !b.contains("4155550123")
    });
    let pai = "P-Asserted-Identity: <tel:+44-20-7946-0018;npdi>";
    check(pai, &d, &|o| o.len() == pai.len() && o.contains("tel:+44-") && !o.contains("7946") && o.ends_with(";npdi>"));
    // digits only known from a URI are found in free text too
    check("From: <sip:4930123456@h>\r\ncalling 4930123456 now", &d, &|o| !o.contains("4930123456"));
    // anonymous callers stay anonymous
    let anon = "From: \"Anonymous\" <sip:anonymous@anonymous.invalid>;tag=1";
    check(anon, &d, &|o| o == anon);
    // display names and users
    let anna = "From: \"Anna Schmidt\" <sip:anna.s@pbx.local>;tag=1";
    check(anna, &d, &|o| {
        !o.contains("Anna")
            && !o.contains("Schmidt")
            && !o.contains("anna.s")
            && o.len() == anna.len()
            && o.contains("@pbx.local>;tag=1")
    });
    check("To: Front Desk <sip:100@h>", &d, &|o| {
        !o.contains("Front") && !o.contains("Desk") && !o.contains("sip:100@")
    });
    // a name that is not a header's is left alone (and non-ASCII before the colon is fine)
    check("Toé: Bob <sip:1@h>", &d, &|o| o.starts_with("Toé: Bob <sip:") && !o.contains("sip:1@"));
    // secrets
    for (input, want) in [
        ("secret=hunter2", "secret=REDACTED"),
        ("md5secret = 0123abcd;", "md5secret = REDACTED;"),
        ("\"password\": \"a b c\"", "\"password\": \"REDACTED\""),
        ("https://x/hook?api_key=abc123&y=1", "https://x/hook?api_key=REDACTED&y=1"),
        ("Authorization: Bearer abcdefgh12345678", "Authorization: Bearer REDACTED"),
        ("Authorization: Basic YWxpY2U6c2VjcmV0", "Authorization: Basic REDACTED"),
        ("tok eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig_1", "tok REDACTED"),
        ("Contact: <sip:bob:pa55@h>", "Contact: <sip:bob:REDACTED@h>"),
        ("basic setup done", "basic setup done"),
        ("bypass=true", "bypass=true"),
    ] {
        let opts = RedactOptions { numbers: false, ..Default::default() };
        check(input, &opts, &|o| o == want);
    }
    // digest values keep their shape and match between challenge and answer
    let auth = "WWW-Authenticate: Digest nonce=\"5f8c2a1be9\", opaque=\"b7e1\"\r\nAuthorization: Digest nonce=\"5f8c2a1be9\", response=\"9a0e2c41\", cnonce=\"0a4f113b\", nc=00000001";
    let o = redact::redact(auth, &d).text;
    let nonces: Vec<&str> = o.match_indices(" nonce=\"").map(|(i, _)| &o[i + 8..i + 18]).collect();
    assert_eq!(nonces.len(), 2);
    assert_eq!(nonces[0], nonces[1]);
    assert!(nonces[0].bytes().all(|c| c.is_ascii_hexdigit()) && nonces[0] != "5f8c2a1be9");
    assert!(!o.contains("9a0e2c41") && !o.contains("0a4f113b") && o.contains("nc=00000001") && o.len() == auth.len());
    // options turn kinds off; keep protects exact strings
    let off = RedactOptions { ips: false, numbers: false, credentials: false, ..Default::default() };
    let all = "From: \"Anna\" <sip:+4930123456@8.8.8.8>;tag=1 nonce=\"abc\" password=x";
    check(all, &off, &|o| o == all);
    let keep = RedactOptions { keep: vec!["8.8.8.8".into()], ..Default::default() };
    check("8.8.8.8 9.9.9.9", &keep, &|o| o == "8.8.8.8 192.0.2.1");
    // hosts: the name and its subdomains, nothing that only looks alike
    let hosts = RedactOptions { hosts: vec!["Acme.com".into()], ..Default::default() };
    check("sip:a@acme.com pbx.acme.com notacme.com acme.com.au acme.community", &hosts, &|o| {
        o == "sip:a@host1.example pbx.host1.example notacme.com acme.com.au acme.community"
            || o.ends_with("@host1.example pbx.host1.example notacme.com acme.com.au acme.community")
    });
    // IPv6: documentation prefix for global, ULA and link-local stay in their range
    check("c=IN IP6 2a01:4f8:10a:1d5c::2 fd12:3456::1 fe80::1:2 ::1 2001:db8::5", &d, &|o| {
        let v: Vec<&str> = o.split(' ').collect();
        v[2].starts_with("2001:db8:")
            && v[3].starts_with("fd")
            && v[4].starts_with("fe80::")
            && v[5] == "::1"
            && v[6] == "2001:db8::5"
    });
    check("Via: SIP/2.0/UDP [::ffff:81.14.200.37]:5060", &d, &|o| o == "Via: SIP/2.0/UDP [::ffff:198.51.100.1]:5060");
    // no address inside times, MACs or fingerprints
    let plain = "12:30:45.123 00:1a:2b:3c:4d:5e a=fingerprint:sha-256 AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89";
    check(plain, &d, &|o| o == plain);
}

/// Bodies that change length get a Content-Length changed by as much: the messages read the same.
#[test]
fn content_length_follows_the_body() {
    for f in ["share/pbx-trunk.sip", "share/ipv6-crlf.sip"] {
        let text = fixture(f);
        let r = redact::redact(&text, &RedactOptions::default());
        assert!(r.lengths_adjusted >= 1, "{f}: the fixture has an SDP address that changes length");
        let (i1, i2) = (ingest(&text), ingest(&r.text));
        let (a1, a2) = (Analysis::new(&i1, &Options::default()), Analysis::new(&i2, &Options::default()));
        assert_eq!(a1.messages.len(), a2.messages.len());
        let wire = |b: &str| (b.len() + b.matches('\n').count() - b.matches("\r\n").count()) as i64;
        let mut changed = 0;
        for (m1, m2) in a1.messages.iter().zip(&a2.messages) {
            assert!(m1.msg.problems.is_empty(), "{f}: fixture problem {:?}", m1.msg.problems);
            assert!(m2.msg.problems.is_empty(), "{f}: {:?} in\n{}", m2.msg.problems, m2.msg.text);
            let (c1, c2) = (m1.msg.content_length().unwrap() as i64, m2.msg.content_length().unwrap() as i64);
            // the header moved exactly as far as the body did
            assert_eq!(c2 - c1, wire(m2.msg.body) - wire(m1.msg.body), "{f}:\n{}", m2.msg.text);
            changed += usize::from(c1 != c2);
        }
        assert_eq!(changed as u32, r.lengths_adjusted, "{f}");
        // a CRLF trace keeps its CRLF line ends
        if f.contains("crlf") {
            assert_eq!(text.matches("\r\n").count(), r.text.matches("\r\n").count());
        }
    }
}

#[test]
fn host_candidates_are_offered() {
    let text = fixture("share/ipv6-crlf.sip");
    assert_eq!(redact::host_candidates(&text), vec!["pbx.acme-dental.com".to_string()]);
    let text = fixture("share/pbx-trunk.sip");
    assert_eq!(redact::host_candidates(&text), vec!["sip.provider-trunk.net".to_string()]);
    // a provider's own edge host is public infrastructure, not something to hide
    for p in sipdiag::kb::PROFILES.iter().filter(|p| !p.edge_host.is_empty()) {
        let text = format!("INVITE sip:1@{} SIP/2.0\r\nTo: <sip:2@pbx.example-dental.org>\r\n", p.edge_host);
        assert_eq!(redact::host_candidates(&text), vec!["pbx.example-dental.org".to_string()]);
    }
}

#[test]
fn redaction_survives_any_input() {
    let mut rng = Rng(99);
    for _ in 0..1000 {
        let text = random_text(&mut rng, 300);
        let r = redact::redact(&text, &RedactOptions { hosts: vec!["a".into(), "1".into()], ..Default::default() });
        assert_eq!(r.text.lines().count(), text.lines().count());
    }
}

// ---------------------------------------------------------------------------------------------
// exports
// ---------------------------------------------------------------------------------------------

#[test]
fn ticket_follows_the_escalation_checklist() {
    let text = fixture("share/pbx-trunk.sip");
    let ing = ingest(&text);
    let opts = Options { profile: Some("smartalex".into()), pbx: Some("freepbx".into()), ..Default::default() };
    let a = Analysis::new(&ing, &opts);
    let call = export::failing_call(&a).expect("the trace has a failing call");
    let call_id = a.calls.calls[call as usize].call_id.clone();
    let input = export::TicketInput {
        workspace_id: "ws-4711".into(),
        trunk_id: String::new(),
        description: "Outbound calls fail after ringing once".into(),
        call: None,
    };
    let t = export::ticket(&a, &opts, &input);
    let md = t.markdown();
    let txt = t.text();
    for doc in [&md, &txt] {
        assert!(doc.contains("ws-4711"), "{doc}");
        assert!(doc.contains("(fill in)"), "the trunk id is left to fill in");
        assert!(doc.contains(&call_id));
        assert!(doc.contains("Outbound calls fail after ringing once"));
        assert!(doc.contains(&t.verdict));
        assert!(doc.contains("raw SIP"), "where the trace was taken");
        // no timestamps in raw SIP: the whole trace goes along
        assert!(doc.contains(text.trim_end()), "whole trace");
    }
    assert!(t.window.whole);
    for f in &t.findings {
        assert!(md.contains(&f.title) && md.contains(&format!("`{}`", f.cause)));
        for e in &f.evidence {
            assert!(md.contains(&format!("line {}", e.line)));
        }
        for fix in &f.fixes {
            assert!(md.contains(fix.as_str()));
        }
    }
    if let Some(p) = sipdiag::kb::profile("smartalex") {
        if !p.support_contact.is_empty() {
            assert!(md.contains(p.support_contact));
        }
    }
    // the fields come in the checklist's order, then the extras
    let labels: Vec<&str> = t.fields.iter().map(|(l, _, _)| l.as_str()).collect();
    assert!(labels.len() >= 5, "{labels:?}");
    let ws = labels.iter().position(|l| l.to_lowercase().contains("workspace")).unwrap();
    let tr = labels.iter().position(|l| l.to_lowercase().contains("trunk")).unwrap();
    assert!(ws < tr);
    // made once before any typing (as the worker does for the share panel), then filled in:
    // the same ticket; typing again replaces, and an empty symptom falls back to the one picked
    let blank = export::ticket(&a, &opts, &export::TicketInput::default());
    assert!(!blank.markdown().contains("ws-4711"));
    assert_eq!(blank.clone().filled(&input), t);
    let picked = Options { symptom: sipdiag::kb::SYMPTOMS.first().map(|s| s.id.to_string()), ..opts.clone() };
    let with_symptom = export::ticket(&a, &picked, &input);
    let retyped = with_symptom.filled(&export::TicketInput { description: " ".into(), ..input.clone() });
    if let Some(s) = sipdiag::kb::SYMPTOMS.first() {
        assert!(retyped.fields.iter().any(|(_, v, _)| v == s.title), "{:?}", retyped.fields);
        assert!(!retyped.markdown().contains("Outbound calls fail after ringing once"));
    }
    // Markdown fences outgrow backticks in the trace
    let tricky = format!("{text}\n```\n");
    let ing = ingest(&tricky);
    let a = Analysis::new(&ing, &opts);
    let md = export::ticket(&a, &opts, &input).markdown();
    assert!(md.contains("````text"));
}

/// A trace with times, built by hand: the window is 30 s either side of the failing response.
#[test]
fn trace_window_is_thirty_seconds_either_side() {
    // (seconds, call, message text)
    let msgs: [(i64, &str, &str); 6] = [
        (0, "a", "OPTIONS sip:x@h SIP/2.0"),
        (40, "a", "SIP/2.0 200 OK"),
        (75, "b", "INVITE sip:y@h SIP/2.0"),
        (100, "b", "SIP/2.0 503 Service Unavailable"),
        (125, "c", "OPTIONS sip:z@h SIP/2.0"),
        (200, "c", "SIP/2.0 200 OK"),
    ];
    let mut input = String::new();
    let mut starts = Vec::new();
    for (i, (t, call, start)) in msgs.iter().enumerate() {
        let method = if call == &"b" { "INVITE" } else { "OPTIONS" };
        input.push_str(&format!("-- at {t} s --\n"));
        starts.push((input.len(), input.matches('\n').count() as u32 + 1));
        input
            .push_str(&format!("{start}\nCall-ID: {call}\nCSeq: 1 {method}\nVia: SIP/2.0/UDP h;branch=z9hG4bK{i}\n\n"));
    }
    let mut ing = Ingested { input: &input, ..Default::default() };
    ing.formats.push(Format::RawSip);
    for (i, (t, _, _)) in msgs.iter().enumerate() {
        let (off, line) = starts[i];
        let end = input[off..].find("\n\n").map_or(input.len(), |n| off + n + 2);
        ing.items.push(Item {
            text: Cow::Borrowed(&input[off..end]),
            format: Format::RawSip,
            first_line: line,
            line_map: None,
            time: Some(Timestamp { micros: t * 1_000_000, has_date: false }),
            time_text: None,
            src: None,
            dst: None,
            transport: None,
            direction: None,
        });
    }
    let a = Analysis::new(&ing, &Options::default());
    let b = a.calls.calls.iter().position(|c| c.call_id == "b").unwrap() as u32;
    let w = export::trace_window(&a, Some(b), 30);
    assert!(!w.whole);
    // from the "at 75 s" framing line to the blank line after the 125 s message
    assert!(w.text.starts_with("-- at 75 s --\nINVITE sip:y@h"), "{}", w.text);
    assert!(w.text.contains("SIP/2.0 503") && w.text.contains("OPTIONS sip:z@h"));
    assert!(!w.text.contains("at 40 s") && !w.text.contains("at 200 s"), "{}", w.text);
    assert_eq!((w.first_line, w.last_line), (starts[2].1 - 1, starts[4].1 + 4));
    // one call's own lines, framing included
    let cut = export::filtered_trace(&a, b);
    assert_eq!(cut.matches("Call-ID: b").count(), 2);
    assert!(!cut.contains("Call-ID: a") && !cut.contains("Call-ID: c"));
    assert!(cut.starts_with("-- at 75 s --\n"));
    // without a call: the whole input
    assert!(export::trace_window(&a, None, 30).whole);
}

#[test]
fn verdicts_say_what_was_found() {
    let r = |findings: Vec<(&str, &str)>, verdict: &str| -> sipdiag::report::Report {
        let findings: Vec<serde_json::Value> = findings
            .into_iter()
            .map(|(sev, title)| {
                serde_json::json!({
                    "cause": "x", "title": title, "severity": sev, "confidence": 50, "explanation": "",
                    "evidence": [], "fixes": [], "checks": [], "confirm": [], "call": null
                })
            })
            .collect();
        let mut v = serde_json::json!({
            "version": 1, "format": "raw", "formats": [], "messages": [], "calls": [], "partials": [],
            "problems": [], "findings": findings
        });
        if !verdict.is_empty() {
            v["verdict"] = serde_json::json!({"severity": "error", "text": verdict, "cause": null, "call": null});
        }
        serde_json::from_value(v).unwrap()
    };
    assert_eq!(
        export::verdict(&r(vec![("error", "C")], "Wrong password: the trunk said 403.")),
        "Wrong password: the trunk said 403."
    );
    assert_eq!(export::verdict(&r(vec![], "")), "No SIP found");
    assert_eq!(export::verdict(&r(vec![("expected", "Callee busy")], "")), "Not a fault: Callee busy");
    assert_eq!(export::verdict(&r(vec![("info", "A"), ("warning", "B"), ("error", "C")], "")), "B");
}

#[test]
fn link_errors_describe_themselves() {
    use LinkError::*;
    let all = [NotALink, FutureVersion, BadCharacter, Truncated, Corrupt, TooLarge, BadText];
    let mut ids = std::collections::HashSet::new();
    for e in all {
        assert!(ids.insert(e.id()));
        assert!(e.description().len() > 20);
        assert_eq!(e.to_string(), e.description());
    }
    let _ = permalink::dictionary();
}
