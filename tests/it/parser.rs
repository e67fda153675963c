//! Integration tests: the SIP and SDP parser (`sipdiag::sip`). Table-driven: each table row is
//! an input and what the parser must make of it. Every message table also runs on the LF copy
//! of its input (logs print CRLF as LF) and must give the same answer.

use sipdiag::sip::sdp::{self, Direction};
use sipdiag::sip::{
    self, frame_len, parse, parse_start_line, Auth, Event, HeaderName as H, Host, Message, Method, ProblemKind as K,
    Reason, ReferTo, Refresher, Replaces, RetryAfter, SessionExpires, StartLine, StartLineError, SubscriptionState,
    Uri, Via, Warning,
};

/// Joins lines with CRLF (each line gets one), then the body as is.
fn msg(lines: &[&str], body: &str) -> String {
    let mut s = String::new();
    for l in lines {
        s.push_str(l);
        s.push_str("\r\n");
    }
    s.push_str(body);
    s
}

const REQ: &[&str] = &[
    "INVITE sip:bob@example.com SIP/2.0",
    "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport",
    "Max-Forwards: 70",
    "To: Bob <sip:bob@example.com>",
    "From: \"Alice A.\" <sip:alice@example.org>;tag=1928301774",
    "Call-ID: a84b4c76e66710@pc33.example.org",
    "CSeq: 314159 INVITE",
    "Contact: <sip:alice@192.0.2.10:5060>",
];

/// A valid INVITE with `extra` header lines and no body.
fn req_with(extra: &[&str]) -> String {
    let mut lines: Vec<&str> = REQ.to_vec();
    lines.extend_from_slice(extra);
    lines.push("Content-Length: 0");
    lines.push("");
    msg(&lines, "")
}

fn problems(m: &Message<'_>) -> Vec<(K, u32)> {
    m.problems.iter().map(|p| (p.kind, p.line)).collect()
}

/// Parses `text` and its LF copy; both must give the same problems. Returns the CRLF parse's
/// problems.
fn problems_both(text: &str) -> Vec<(K, u32)> {
    let m = parse(text).unwrap_or_else(|e| panic!("{e:?}: {text}"));
    let lf = text.replace("\r\n", "\n");
    let m2 = parse(&lf).unwrap();
    assert_eq!(problems(&m), problems(&m2), "LF copy differs: {text:?}");
    problems(&m)
}

#[test]
fn start_lines() {
    type Want = Result<(&'static str, &'static [K]), StartLineError>;
    let table: &[(&str, Want)] = &[
        ("INVITE sip:bob@example.com SIP/2.0", Ok(("INVITE sip:bob@example.com", &[]))),
        ("REGISTER sips:example.com SIP/2.0\r", Ok(("REGISTER sips:example.com", &[]))),
        ("OPTIONS tel:+15551234567 SIP/2.0", Ok(("OPTIONS tel:+15551234567", &[]))),
        (
            "INVITE sip:[2001:db8::1]:5070;transport=tcp SIP/2.0",
            Ok(("INVITE sip:[2001:db8::1]:5070;transport=tcp", &[])),
        ),
        ("FOO-BAR sip:x@y SIP/2.0", Ok(("FOO-BAR sip:x@y", &[]))),
        ("SIP/2.0 200 OK", Ok(("200 OK", &[]))),
        ("SIP/2.0 183 Session Progress", Ok(("183 Session Progress", &[]))),
        ("SIP/2.0 199 Early Dialog Terminated", Ok(("199 Early Dialog Terminated", &[]))),
        ("SIP/2.0 380 Alternative Service", Ok(("380 Alternative Service", &[]))),
        ("SIP/2.0 699 Custom", Ok(("699 Custom", &[]))),
        ("SIP/2.0 100", Ok(("100 ", &[]))),
        ("SIP/2.0 100 ", Ok(("100 ", &[]))),
        ("sip/2.0 200 OK", Ok(("200 OK", &[K::BadVersion]))),
        ("SIP/2.0 700 Nope", Ok(("700 Nope", &[K::BadStatusCode]))),
        ("SIP/2.0 099 Low", Ok(("99 Low", &[K::BadStatusCode]))),
        ("SIP/2.0 2000 Long", Ok(("0 Long", &[K::BadStatusCode]))),
        ("SIP/2.0  200 OK", Ok(("200 OK", &[K::BadStartLine]))),
        ("SIP/3.0 200 OK", Ok(("200 OK", &[K::BadVersion]))),
        ("INVITE sip:a@b SIP/2.0  ", Ok(("INVITE sip:a@b", &[K::BadStartLine]))),
        ("INVITE  sip:a@b SIP/2.0", Ok(("INVITE sip:a@b", &[K::BadStartLine]))),
        ("INVITE <sip:a@b> SIP/2.0", Ok(("INVITE <sip:a@b>", &[K::BadRequestUri]))),
        ("INVITE sip:a@b;x SIP/2.0", Ok(("INVITE sip:a@b;x", &[]))),
        ("INVITE sip:a@b; x SIP/2.0", Ok(("INVITE sip:a@b; x", &[K::BadRequestUri]))),
        ("INVITE sip:a@b?Route=x SIP/2.0", Ok(("INVITE sip:a@b?Route=x", &[K::BadRequestUri]))),
        ("INVITE bob SIP/2.0", Ok(("INVITE bob", &[K::BadRequestUri]))),
        ("INVITE sip:a@b SIP/1.0", Ok(("INVITE sip:a@b", &[K::BadVersion]))),
        ("INVITE sip:a@b", Err(StartLineError::NotSip)),
        ("INVITE sip:a@b HTTP/1.1", Err(StartLineError::NotSip)),
        ("Via: SIP/2.0/UDP host", Err(StartLineError::NotSip)),
        ("SIP/2.0 OK", Err(StartLineError::NotSip)),
        ("SIP/2.0", Err(StartLineError::NotSip)),
        ("GET / HTTP/1.1", Err(StartLineError::NotSip)),
        ("", Err(StartLineError::Empty)),
        ("  \r", Err(StartLineError::Empty)),
    ];
    for (line, want) in table {
        let got = parse_start_line(line).map(|(s, p)| {
            let s = match s {
                StartLine::Request { method, uri, .. } => format!("{} {uri}", method.as_str()),
                StartLine::Response { code, reason, .. } => format!("{code} {reason}"),
            };
            (s, p)
        });
        match (got, want) {
            (Ok((s, p)), Ok((ws, wp))) => {
                assert_eq!(s, *ws, "{line:?}");
                assert_eq!(p, *wp, "{line:?}");
            }
            (Err(e), Err(we)) => assert_eq!(e, *we, "{line:?}"),
            (got, want) => panic!("{line:?}: got {got:?}, want {want:?}"),
        }
    }
}

#[test]
fn compact_forms() {
    let table = [
        ("i", H::CallId),
        ("m", H::Contact),
        ("f", H::From),
        ("t", H::To),
        ("v", H::Via),
        ("l", H::ContentLength),
        ("c", H::ContentType),
        ("k", H::Supported),
        ("s", H::Subject),
        ("e", H::ContentEncoding),
        ("o", H::Event),
        ("r", H::ReferTo),
        ("b", H::ReferredBy),
        ("u", H::AllowEvents),
        ("x", H::SessionExpires),
        ("y", H::Identity),
        ("I", H::CallId),
        ("V", H::Via),
        ("z", H::Other),
        ("cAlL-iD", H::CallId),
        ("WWW-Authenticate", H::WwwAuthenticate),
        ("Subscription-State", H::SubscriptionState),
        ("P-Asserted-Identity", H::PAssertedIdentity),
        ("Min-SE", H::MinSE),
        ("X-Custom", H::Other),
    ];
    for (name, want) in table {
        assert_eq!(H::lookup(name), want, "{name}");
    }
    // a message written entirely in compact form reads like the long one
    let compact = msg(
        &[
            "INVITE sip:bob@example.com SIP/2.0",
            "v: SIP/2.0/TCP 192.0.2.10;branch=z9hG4bKc1",
            "Max-Forwards: 70",
            "t: <sip:bob@example.com>",
            "f: <sip:alice@example.org>;tag=77",
            "i: compact-1@example.org",
            "CSeq: 1 INVITE",
            "m: <sip:alice@192.0.2.10;transport=tcp>",
            "k: timer, 100rel",
            "x: 1800;refresher=uas",
            "o: refer",
            "r: <sip:carol@example.com>",
            "b: <sip:alice@example.org>",
            "s: hello",
            "c: application/sdp",
            "l: 0",
            "",
        ],
        "",
    );
    let m = parse(&compact).unwrap();
    assert_eq!(problems(&m), vec![]);
    assert_eq!(m.call_id(), Some("compact-1@example.org"));
    assert_eq!(m.from().unwrap().tag(), Some("77"));
    assert_eq!(m.to().unwrap().uri, "sip:bob@example.com");
    assert_eq!(m.top_via().unwrap().transport, "TCP");
    assert_eq!(m.contacts().next().unwrap().parsed_uri().unwrap().transport(), Some("tcp"));
    assert!(m.has_token(H::Supported, "100REL"));
    assert_eq!(m.session_expires().unwrap().refresher, Some(Refresher::Uas));
    assert_eq!(m.event().unwrap().package, "refer");
    assert_eq!(m.refer_to().unwrap().uri(), "sip:carol@example.com");
    assert_eq!(m.referred_by().unwrap().uri, "sip:alice@example.org");
    assert_eq!(m.value(H::Subject), Some("hello"));
    assert_eq!(m.content_type(), Some("application/sdp"));
    assert_eq!(m.content_length(), Some(0));
}

#[test]
fn message_problems() {
    let sdp_body =
        "v=0\r\no=- 1 1 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";
    let with_sdp = |extra: &[&str], body: &str| {
        let mut lines: Vec<&str> = REQ.to_vec();
        lines.extend_from_slice(extra);
        lines.push("");
        msg(&lines, body)
    };
    let cl = |n: usize| format!("Content-Length: {n}");
    type Row = (&'static str, String, Vec<(K, u32)>);
    let table: Vec<Row> = vec![
        ("clean", req_with(&[]), vec![]),
        ("unknown headers stay raw", req_with(&["X-Anything: [weird] \"value\"; ,,", "P-Foo:"]), vec![]),
        ("same single header twice, same value", req_with(&["Call-ID: a84b4c76e66710@pc33.example.org"]), vec![]),
        ("Call-ID twice, other value", req_with(&["Call-ID: other@x"]), vec![(K::DuplicateHeader, 8)]),
        ("To twice", req_with(&["t: <sip:carol@example.com>"]), vec![(K::DuplicateHeader, 8)]),
        ("Contact twice is fine", req_with(&["Contact: <sip:alice@192.0.2.11>"]), vec![]),
        ("header line without colon", req_with(&["Foobar roobar"]), vec![(K::BadHeaderLine, 8)]),
        ("header name with a space", req_with(&["Foo Bar: x"]), vec![(K::BadHeaderLine, 8)]),
        ("header name with a bracket", req_with(&["[Foo]: x"]), vec![(K::BadHeaderLine, 8)]),
        ("empty header name", req_with(&[": x"]), vec![(K::BadHeaderLine, 8)]),
        ("non-ASCII header name", req_with(&["Tëst: x"]), vec![(K::BadHeaderLine, 8)]),
        (
            "CSeq without number",
            req_with(&["Expires: 60"]).replace("CSeq: 314159 INVITE", "CSeq: INVITE"),
            vec![(K::BadHeaderValue, 6)],
        ),
        ("CSeq method differs", req_with(&[]).replace("314159 INVITE", "314159 BYE"), vec![(K::CSeqMethodMismatch, 6)]),
        (
            "CSeq method case differs",
            req_with(&[]).replace("314159 INVITE", "314159 invite"),
            vec![(K::CSeqMethodMismatch, 6)],
        ),
        (
            "Call-ID missing",
            req_with(&[]).replace("Call-ID: a84b4c76e66710@pc33.example.org\r\n", ""),
            vec![(K::MissingHeader, 0)],
        ),
        (
            "Max-Forwards missing on a request",
            req_with(&[]).replace("Max-Forwards: 70\r\n", ""),
            vec![(K::MissingHeader, 0)],
        ),
        (
            "Max-Forwards 256",
            req_with(&[]).replace("Max-Forwards: 70", "Max-Forwards: 256"),
            vec![(K::BadHeaderValue, 2)],
        ),
        ("Via without host", req_with(&[]).replace("192.0.2.10:5060;branch", ";branch"), vec![(K::BadHeaderValue, 1)]),
        (
            "Via with empty entry",
            req_with(&["Via: SIP/2.0/UDP a.example;branch=z9hG4bK1,,"]),
            vec![(K::BadHeaderValue, 8)],
        ),
        ("Via branch without value", req_with(&["Via: SIP/2.0/UDP a.example;branch"]), vec![(K::BadHeaderValue, 8)]),
        (
            "From with unbalanced quote",
            req_with(&[]).replace("\"Alice A.\"", "\"Alice A."),
            vec![(K::BadHeaderValue, 4)],
        ),
        (
            "From addr-spec with comma display",
            req_with(&[]).replace("\"Alice A.\"", "Alice, A."),
            vec![(K::BadHeaderValue, 4)],
        ),
        ("Route not in angle brackets", req_with(&["Route: sip:p1.example.com;lr"]), vec![(K::BadHeaderValue, 8)]),
        ("Record-Route list", req_with(&["Record-Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>"]), vec![]),
        ("Warning with 4-digit code", req_with(&["Warning: 1399 host \"x\""]), vec![(K::BadHeaderValue, 8)]),
        ("Warning ok", req_with(&["Warning: 399 host \"x\", 307 other \"y\""]), vec![]),
        ("Expires not a number", req_with(&["Expires: soon"]), vec![(K::BadHeaderValue, 8)]),
        ("Date not GMT", req_with(&["Date: Sat, 13 Nov 2010 23:29:00 PST"]), vec![(K::BadHeaderValue, 8)]),
        ("Date GMT", req_with(&["Date: Sat, 13 Nov 2010 23:29:00 GMT"]), vec![]),
        ("Session-Expires not a number", req_with(&["Session-Expires: long"]), vec![(K::BadHeaderValue, 8)]),
        (
            "continuation before any header",
            req_with(&[]).replacen("\r\nVia", "\r\n  stray\r\nVia", 1),
            vec![(K::BadHeaderLine, 1)],
        ),
        (
            "Content-Length negative",
            req_with(&[]).replace("Content-Length: 0", "Content-Length: -1"),
            vec![(K::BadContentLength, 8)],
        ),
        (
            "Content-Length text",
            req_with(&[]).replace("Content-Length: 0", "Content-Length: ten"),
            vec![(K::BadContentLength, 8)],
        ),
        ("SDP body, exact length", with_sdp(&["Content-Type: application/sdp", &cl(sdp_body.len())], sdp_body), vec![]),
        ("SDP body, no Content-Length", with_sdp(&["Content-Type: application/sdp"], sdp_body), vec![]),
        ("SDP body, no Content-Type", with_sdp(&[&cl(sdp_body.len())], sdp_body), vec![]),
        (
            "length too large (cut, or ALG)",
            with_sdp(&["c: application/sdp", &cl(sdp_body.len() + 4)], sdp_body),
            vec![(K::ContentLengthTooLarge, 9)],
        ),
        (
            "length too small (ALG grew the body)",
            with_sdp(&["c: application/sdp", &cl(sdp_body.len() - 4)], sdp_body),
            vec![(K::ContentLengthTooSmall, 9)],
        ),
        (
            "the log dropped the final CRLF",
            with_sdp(&["c: application/sdp", &cl(sdp_body.len())], sdp_body.trim_end()),
            vec![],
        ),
        (
            "the log added blank lines",
            with_sdp(&["c: application/sdp", &cl(sdp_body.len())], &format!("{sdp_body}\r\n\r\n")),
            vec![],
        ),
        (
            "body but Content-Length 0",
            with_sdp(&["c: application/sdp", "l: 0"], sdp_body),
            vec![(K::ContentLengthTooSmall, 9)],
        ),
        ("no body but Content-Length 100", with_sdp(&["l: 100"], ""), vec![(K::ContentLengthTooLarge, 8)]),
        (
            "two Content-Length values",
            with_sdp(&["c: application/sdp", "l: 5", &cl(sdp_body.len())], sdp_body),
            vec![(K::DuplicateHeader, 10)],
        ),
        (
            "bad SDP line",
            with_sdp(
                &["c: application/sdp"],
                "v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nt=0 0\r\nm =audio 1 RTP/AVP 0\r\nrandom text\r\n",
            ),
            vec![(K::BadSdp, 14), (K::BadSdp, 15)],
        ),
        (
            "SDP without o=",
            with_sdp(&["c: application/sdp"], "v=0\r\ns=-\r\nt=0 0\r\nm=audio 1 RTP/AVP 0\r\n"),
            vec![(K::BadSdp, 10)],
        ),
        ("SDP type, not SDP", with_sdp(&["c: application/sdp"], "hello\r\n"), vec![(K::BadSdp, 10)]),
        ("other body type is not checked", with_sdp(&["c: application/isup"], "hello\r\n"), vec![]),
        (
            "SDP without the blank line",
            msg(&[REQ, &["c: application/sdp"]].concat(), sdp_body),
            vec![(K::MissingBlankLine, 9)],
        ),
        (
            "multipart without boundary param",
            with_sdp(&["c: multipart/mixed"], "--b\r\n\r\nx\r\n--b--\r\n"),
            vec![(K::BadMultipart, 10)],
        ),
        (
            "multipart boundary not found",
            with_sdp(&["c: multipart/mixed;boundary=zz"], "--b\r\n\r\nx\r\n--b--\r\n"),
            vec![(K::BadMultipart, 10)],
        ),
        (
            "multipart with a bad SDP part",
            with_sdp(&["c: multipart/mixed;boundary=b"], "--b\r\nc: application/sdp\r\n\r\nv=0\r\nx\r\n--b--\r\n"),
            vec![(K::BadSdp, 14)],
        ),
    ];
    for (what, text, want) in &table {
        assert_eq!(&problems_both(text), want, "{what}");
    }
}

#[test]
fn responses_need_no_max_forwards() {
    let text = msg(
        &[
            "SIP/2.0 486 Busy Here",
            "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;received=198.51.100.7;rport=40000",
            "To: Bob <sip:bob@example.com>;tag=a6c85cf",
            "From: \"Alice A.\" <sip:alice@example.org>;tag=1928301774",
            "Call-ID: a84b4c76e66710@pc33.example.org",
            "CSeq: 314159 INVITE",
            "Content-Length: 0",
            "",
        ],
        "",
    );
    let m = parse(&text).unwrap();
    assert_eq!(problems(&m), vec![]);
    assert_eq!(m.status(), Some(486));
    assert_eq!(m.reason_phrase(), Some("Busy Here"));
    assert_eq!(m.method(), Some(Method::Invite));
    assert_eq!(m.to().unwrap().tag(), Some("a6c85cf"));
    let v = m.top_via().unwrap();
    assert_eq!((v.received, v.rport), (Some("198.51.100.7"), Some(Some(40000))));
    assert_eq!(m.first_line(), "SIP/2.0 486 Busy Here");
    assert_eq!(m.missing_headers().count(), 0);
}

#[test]
fn vias() {
    type W = (&'static str, &'static str, Option<u16>, Option<&'static str>, Option<&'static str>, Option<Option<u16>>);
    let table: &[(&str, Option<W>, bool)] = &[
        (
            "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1",
            Some(("UDP", "192.0.2.1", Some(5060), Some("z9hG4bK1"), None, None)),
            true,
        ),
        (
            "SIP/2.0/TLS [2001:db8::1]:5061;branch=z9hG4bK2;rport",
            Some(("TLS", "[2001:db8::1]", Some(5061), Some("z9hG4bK2"), None, Some(None))),
            true,
        ),
        (
            "SIP/2.0/TCP [2001:db8::1];branch=z9hG4bK3;received=2001:db8::9",
            Some(("TCP", "[2001:db8::1]", None, Some("z9hG4bK3"), Some("2001:db8::9"), None)),
            true,
        ),
        (
            "SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bK4;rport=5070",
            Some(("WSS", "df7jal23ls0d.invalid", None, Some("z9hG4bK4"), None, Some(Some(5070)))),
            true,
        ),
        (
            "SIP / 2.0 / UDP host.example.com ; branch = z9hG4bK5",
            Some(("UDP", "host.example.com", None, Some("z9hG4bK5"), None, None)),
            true,
        ),
        ("sip/2.0/udp host;BRANCH=z9hG4bK6", Some(("udp", "host", None, Some("z9hG4bK6"), None, None)), true),
        (
            "SIP/2.0/UDP host:5060:7;branch=z9hG4bK7",
            Some(("UDP", "host:5060:7", None, Some("z9hG4bK7"), None, None)),
            false,
        ),
        (
            "SIP/2.0/UDP 2001:db8::1;branch=z9hG4bK8",
            Some(("UDP", "2001:db8::1", None, Some("z9hG4bK8"), None, None)),
            false,
        ),
        (
            "SIP/2.0/UDP host:99999;branch=z9hG4bK8",
            Some(("UDP", "host:99999", None, Some("z9hG4bK8"), None, None)),
            false,
        ),
        ("SIP/2.0/UDP ;branch=z9hG4bK9", Some(("UDP", "", None, Some("z9hG4bK9"), None, None)), false),
        ("SIP/2.0/UDP host;rport=abc", Some(("UDP", "host", None, None, None, Some(None))), false),
        ("SIP/2.0/ host", Some(("host", "", None, None, None, None)), false),
        ("SIP/2.0", None, false),
        ("garbage", None, false),
    ];
    for (entry, want, well_formed) in table {
        let got = Via::parse(entry).map(|v| (v.transport, v.host, v.port, v.branch, v.received, v.rport));
        assert_eq!(got, *want, "{entry}");
        let text = req_with(&[&format!("Via: {entry}")]);
        let ok = !parse(&text).unwrap().problems.iter().any(|p| p.kind == K::BadHeaderValue);
        assert_eq!(ok, *well_formed, "{entry}: well formed");
    }
    // comma lists and repeated headers, folded, top first
    let text = req_with(&[]).replace(
        "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport",
        "Via: SIP/2.0/UDP p1.example.com;branch=z9hG4bKp1,\r\n SIP/2.0/UDP [2001:db8::5]:5062;branch=z9hG4bKp2\r\nv: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bKua",
    );
    let m = parse(&text).unwrap();
    assert_eq!(problems(&m), vec![]);
    let hosts: Vec<_> = m.vias().map(|v| v.host).collect();
    assert_eq!(hosts, vec!["p1.example.com", "[2001:db8::5]", "192.0.2.10"]);
    assert!(matches!(Host::parse(hosts[1]), Host::V6(_)));
    assert!(m.top_via().unwrap().has_magic_cookie());
    assert!(!Via::parse("SIP/2.0/UDP h;branch=z9hG4bK").unwrap().has_magic_cookie());
    assert_eq!(Via::parse("SIP/2.0/UDP h;maddr=239.1.1.1;ttl=1").unwrap().param("ttl"), Some(Some("1")));
}

#[test]
fn name_addrs_and_uris() {
    type W = (Option<&'static str>, &'static str, Option<&'static str>);
    let table: &[(&str, Option<W>)] = &[
        ("\"Bob\" <sip:bob@example.com>;tag=a1", Some((Some("Bob"), "sip:bob@example.com", Some("a1")))),
        ("Bob <sip:bob@example.com>;tag=a1", Some((Some("Bob"), "sip:bob@example.com", Some("a1")))),
        ("<sip:bob@example.com;transport=tcp>;tag=a1", Some((None, "sip:bob@example.com;transport=tcp", Some("a1")))),
        ("sip:bob@example.com;tag=a1", Some((None, "sip:bob@example.com", Some("a1")))),
        ("<sip:bob@[2001:db8::1]:5070>", Some((None, "sip:bob@[2001:db8::1]:5070", None))),
        ("\"A \\\"B\\\" C\" <sip:x@y>", Some((Some("A \\\"B\\\" C"), "sip:x@y", None))),
        ("\"<sip:fake@x>\" <sip:real@y>", Some((Some("<sip:fake@x>"), "sip:real@y", None))),
        ("<tel:+15551234567>;tag=9", Some((None, "tel:+15551234567", Some("9")))),
        ("  <sip:x@y>  ;  tag = z ", Some((None, "sip:x@y", Some("z")))),
        ("*", Some((None, "*", None))),
        ("\"unterminated <sip:x@y>", None),
        ("<sip:x@y", None),
        ("", None),
    ];
    for (v, want) in table {
        let got = sip::NameAddr::parse(v).map(|n| (n.display, n.uri, n.tag()));
        assert_eq!(got, *want, "{v}");
    }
    type U = (&'static str, Option<&'static str>, &'static str, Option<u16>, &'static str, &'static str);
    let uris: &[(&str, Option<U>)] = &[
        ("sip:alice@example.com", Some(("sip", Some("alice"), "example.com", None, "", ""))),
        (
            "sips:alice:pw@example.com:5061;transport=tls",
            Some(("sips", Some("alice"), "example.com", Some(5061), "transport=tls", "")),
        ),
        ("sip:[2001:db8::10]:5070;lr", Some(("sip", None, "[2001:db8::10]", Some(5070), "lr", ""))),
        ("sip:alice@[2001:db8::10]", Some(("sip", Some("alice"), "[2001:db8::10]", None, "", ""))),
        (
            "sip:bob@example.com?Replaces=a%40b%3Bto-tag%3D1",
            Some(("sip", Some("bob"), "example.com", None, "", "Replaces=a%40b%3Bto-tag%3D1")),
        ),
        (
            "tel:+1-201-555-0123;phone-context=example.com",
            Some(("tel", Some("+1-201-555-0123"), "", None, "phone-context=example.com", "")),
        ),
        (
            "sip:+15551234567@10.0.0.1;user=phone",
            Some(("sip", Some("+15551234567"), "10.0.0.1", None, "user=phone", "")),
        ),
        ("example.com", None),
        (":x", None),
    ];
    for (u, want) in uris {
        let got = Uri::parse(u).map(|u| (u.scheme, u.user, u.host, u.port, u.params, u.headers));
        assert_eq!(got, *want, "{u}");
    }
    assert_eq!(Uri::parse("sip:a@[2001:db8::10]").unwrap().host().ip(), "2001:db8::10".parse().ok());
    assert_eq!(Uri::parse("sip:a@192.0.2.1").unwrap().host(), Host::V4("192.0.2.1".parse().unwrap()));
    assert_eq!(Uri::parse("sip:a@pbx.local").unwrap().host(), Host::Name("pbx.local"));
    assert!(Uri::parse("sips:a@b").unwrap().is_sips());
}

#[test]
fn folding() {
    let text = msg(
        &[
            "INVITE sip:bob@example.com SIP/2.0",
            "Via: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bK1",
            "Max-Forwards:",
            "\t70",
            "To:",
            " <sip:bob@example.com>",
            "From: <sip:alice@example.org>",
            "  ;tag=88",
            "Call-ID: f1@example.org",
            "CSeq: 2",
            "    INVITE",
            "Subject: first",
            " second",
            "\tthird",
            "Contact: <sip:alice@192.0.2.10>",
            "Content-Length: 0",
            "",
        ],
        "",
    );
    let m = parse(&text).unwrap();
    assert_eq!(problems_both(&text), vec![]);
    assert_eq!(m.max_forwards(), Some(70));
    assert_eq!(m.to().unwrap().uri, "sip:bob@example.com");
    assert_eq!(m.from().unwrap().tag(), Some("88"));
    assert_eq!(m.cseq().map(|c| (c.seq, c.method)), Some((2, Method::Invite)));
    assert_eq!(m.value(H::Subject), Some("first\r\n second\r\n\tthird"));
    // header line numbers stay those of the first line of each header
    let lines: Vec<_> = m.headers.iter().map(|h| h.line).collect();
    assert_eq!(lines, vec![1, 2, 4, 6, 8, 9, 11, 14, 15]);
    // a line of only white space ends the header block
    let t = "OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n   \r\nbody";
    assert_eq!(parse(t).unwrap().body, "body");
}

#[test]
fn lf_and_crlf_read_alike() {
    let sdp_body = "v=0\r\no=- 1 2 IN IP6 2001:db8::10\r\ns=-\r\nc=IN IP6 2001:db8::10\r\nt=0 0\r\nm=audio 4000 RTP/AVP 8 101\r\na=rtpmap:101 telephone-event/8000\r\n";
    let mut lines: Vec<&str> = REQ.to_vec();
    let cl = format!("Content-Length: {}", sdp_body.len());
    lines.extend_from_slice(&["Content-Type: application/sdp", &cl, ""]);
    let crlf = msg(&lines, sdp_body);
    let lf = crlf.replace("\r\n", "\n");
    let a = parse(&crlf).unwrap();
    let b = parse(&lf).unwrap();
    assert_eq!(problems(&a), vec![]);
    assert_eq!(problems(&b), vec![]);
    assert_eq!(a.headers.len(), b.headers.len());
    for (x, y) in a.headers.iter().zip(&b.headers) {
        assert_eq!((x.name, x.value, x.line), (y.name, y.value, y.line));
    }
    assert_eq!(a.body_line, b.body_line);
    assert_eq!(a.body.replace("\r\n", "\n"), b.body);
    let (sa, sb) = (a.sdp().unwrap(), b.sdp().unwrap());
    assert_eq!(sa.media[0].address, Some("2001:db8::10"));
    assert_eq!(sa.media[0].formats, sb.media[0].formats);
    assert_eq!(sa.base_line, 11);
    // the LF copy with its last line end lost, and with one LF too many
    assert_eq!(problems(&parse(lf.trim_end()).unwrap()), vec![]);
    assert_eq!(problems(&parse(&format!("{lf}\n")).unwrap()), vec![]);
    // frame_len frames both as the wire had them
    assert_eq!(frame_len(&format!("{crlf}junk")), Some(crlf.len()));
    assert_eq!(frame_len(&format!("{lf}junk")), Some(lf.len()));
}

#[test]
fn content_length_table() {
    // (body as in the text, Content-Length, expected)
    let table: &[(&str, u64, Option<K>)] = &[
        ("", 0, None),
        ("\r\n", 0, None),
        ("abcd", 4, None),
        ("abcd", 6, None), // final CRLF lost by the log
        ("abcd", 7, Some(K::ContentLengthTooLarge)),
        ("abcd", 3, Some(K::ContentLengthTooSmall)),
        ("ab\r\ncd\r\n", 8, None),
        ("ab\r\ncd\r\n", 6, None), // the log added the final line end
        ("ab\r\ncd\r\n", 9, Some(K::ContentLengthTooLarge)),
        ("ab\r\ncd\r\n", 5, Some(K::ContentLengthTooSmall)),
        ("ab\ncd\n", 8, None), // LF log: 2 bytes per line end on the wire
        ("ab\ncd\n", 6, None), // or the sender really used LF
        ("ab\ncd\n", 7, None), // LF body without the final LF
        ("ab\ncd\n", 12, Some(K::ContentLengthTooLarge)),
        ("ab\ncd\n", 3, Some(K::ContentLengthTooSmall)),
        ("ab\ncd", 8, None),           // LF log, final line end dropped
        ("\u{e9}\u{e8}\r\n", 4, None), // Latin-1 decoded: one char per wire byte
        ("\u{e9}\u{e8}\r\n", 6, None), // UTF-8: bytes
        ("\u{e9}\u{e8}\r\n", 9, Some(K::ContentLengthTooLarge)),
        ("x", u64::MAX, Some(K::ContentLengthTooLarge)),
    ];
    for (body, cl, want) in table {
        let text = format!("SIP/2.0 200 OK\r\nContent-Length: {cl}\r\n\r\n{body}");
        let got = parse(&text)
            .unwrap()
            .problems
            .iter()
            .map(|p| p.kind)
            .find(|k| matches!(k, K::ContentLengthTooLarge | K::ContentLengthTooSmall));
        assert_eq!(got, *want, "body {body:?} with Content-Length {cl}");
    }
}

#[test]
fn framing() {
    let table: &[(&str, Option<usize>)] = &[
        ("OPTIONS sip:a@b SIP/2.0\r\nl: 2\r\n\r\nabcd", Some(35)),
        ("OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 0\r\n\r\nOPTIONS sip:a@b SIP/2.0\r\n", Some(46)),
        ("\r\n\r\nOPTIONS sip:a@b SIP/2.0\r\nl: 0\r\n\r\n", Some(37)),
        ("OPTIONS sip:a@b SIP/2.0\nl: 4\n\nab\ncd", Some(33)), // LF log: "ab\n" is 4 wire bytes
        ("OPTIONS sip:a@b SIP/2.0\r\nl: 99\r\n\r\nshort", Some(39)),
        ("OPTIONS sip:a@b SIP/2.0\r\nl: -1\r\n\r\nrest", Some(34)), // unusable length: no body
        ("OPTIONS sip:a@b SIP/2.0\r\n\r\nno length", Some(27)),     // a stream needs Content-Length
        ("OPTIONS sip:a@b SIP/2.0\r\nl: 0\r\n", None),
        ("", None),
        ("\r\n", None),
    ];
    for (text, want) in table {
        assert_eq!(frame_len(text), *want, "{text:?}");
    }
}

#[test]
fn typed_headers() {
    let m = |extra: &[&str]| req_with(extra);
    // Reason (RFC 3326)
    let t =
        m(&["Reason: Q.850;cause=16;text=\"Normal call clearing\", SIP;cause=200;text=\"Call completed; elsewhere\""]);
    let r: Vec<_> = parse(&t).unwrap().reasons().collect();
    assert_eq!(
        r,
        vec![
            Reason { protocol: "Q.850", cause: Some(16), text: Some("Normal call clearing") },
            Reason { protocol: "SIP", cause: Some(200), text: Some("Call completed; elsewhere") },
        ]
    );
    assert!(r[0].is_q850() && r[1].is_sip());
    // Warning
    let t = m(&["Warning: 399 pbx.example.com \"Incompatible, media\"", "Warning: 307 [2001:db8::1]:5060 \"x\""]);
    let w: Vec<_> = parse(&t).unwrap().warnings().collect();
    assert_eq!(
        w,
        vec![
            Warning { code: 399, agent: "pbx.example.com", text: "Incompatible, media" },
            Warning { code: 307, agent: "[2001:db8::1]:5060", text: "x" },
        ]
    );
    // Retry-After
    let table: &[(&str, Option<RetryAfter>)] = &[
        ("120", Some(RetryAfter { seconds: 120, comment: None, duration: None, params: "" })),
        (
            "18000 (in a meeting);duration=3600",
            Some(RetryAfter {
                seconds: 18000,
                comment: Some("in a meeting"),
                duration: Some(3600),
                params: "duration=3600",
            }),
        ),
        ("99999999999999", Some(RetryAfter { seconds: u32::MAX, comment: None, duration: None, params: "" })),
        ("soon", None),
    ];
    for (v, want) in table {
        assert_eq!(parse(&m(&[&format!("Retry-After: {v}")])).unwrap().retry_after(), *want, "{v}");
    }
    // Session-Expires / Min-SE (RFC 4028)
    let table: &[(&str, Option<SessionExpires>)] = &[
        (
            "1800;refresher=uac",
            Some(SessionExpires { delta: 1800, refresher: Some(Refresher::Uac), params: "refresher=uac" }),
        ),
        (
            "90 ; refresher = UAS",
            Some(SessionExpires { delta: 90, refresher: Some(Refresher::Uas), params: " refresher = UAS" }),
        ),
        ("600", Some(SessionExpires { delta: 600, refresher: None, params: "" })),
        ("x", None),
    ];
    for (v, want) in table {
        assert_eq!(parse(&m(&[&format!("Session-Expires: {v}")])).unwrap().session_expires(), *want, "{v}");
    }
    assert_eq!(parse(&m(&["Min-SE: 90"])).unwrap().min_se(), Some(90));
    assert_eq!(parse(&m(&["Min-SE: 1800;x=1"])).unwrap().min_se(), Some(1800));
    assert_eq!(parse(&m(&[])).unwrap().min_se(), None);
    // Expires, Min-Expires, Max-Forwards, User-Agent, Server
    let t = m(&["Expires: 3600", "Min-Expires: 60", "User-Agent: FPBX-16.0.40(18.9.0)", "Server: Asterisk PBX 18"]);
    let p = parse(&t).unwrap();
    assert_eq!((p.expires(), p.min_expires(), p.max_forwards()), (Some(3600), Some(60), Some(70)));
    assert_eq!((p.user_agent(), p.server()), (Some("FPBX-16.0.40(18.9.0)"), Some("Asterisk PBX 18")));
    // Event / Subscription-State (RFC 6665)
    let t = m(&["Event: refer;id=93809824", "Subscription-State: terminated;reason=noresource;retry-after=30"]);
    let p = parse(&t).unwrap();
    assert_eq!(p.event(), Some(Event { package: "refer", id: Some("93809824"), params: "id=93809824" }));
    let s = p.subscription_state().unwrap();
    assert_eq!(
        s,
        SubscriptionState {
            state: "terminated",
            reason: Some("noresource"),
            expires: None,
            retry_after: Some(30),
            params: "reason=noresource;retry-after=30"
        }
    );
    assert!(s.is_terminated());
    let t = m(&["o: presence.winfo", "Subscription-State: active;expires=600"]);
    let p = parse(&t).unwrap();
    assert_eq!(p.event().unwrap().package, "presence.winfo");
    assert_eq!(p.subscription_state().unwrap().expires, Some(600));
    // Route / Record-Route
    let t = m(&[
        "Record-Route: <sip:p2.example.com;lr>, <sip:[2001:db8::7];lr>",
        "Record-Route: <sip:p1.example.com;lr>",
        "Route: <sip:edge.example.com;lr;transport=tcp>",
    ]);
    let p = parse(&t).unwrap();
    let rr: Vec<_> = p.record_routes().map(|r| r.uri).collect();
    assert_eq!(rr, vec!["sip:p2.example.com;lr", "sip:[2001:db8::7];lr", "sip:p1.example.com;lr"]);
    let r: Vec<_> = p.routes().map(|r| r.parsed_uri().unwrap().transport()).collect();
    assert_eq!(r, vec![Some("tcp")]);
    // P-Asserted-Identity, Contact params
    let t = m(&[
        "P-Asserted-Identity: \"Alice\" <sip:+15551234567@example.org>, <tel:+15551234567>",
        "Contact: <sip:alice@192.0.2.10;ob>;expires=3600;+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-000A95A0E128>\"",
    ]);
    let p = parse(&t).unwrap();
    assert_eq!(
        p.asserted_identities().map(|n| n.uri).collect::<Vec<_>>(),
        vec!["sip:+15551234567@example.org", "tel:+15551234567"]
    );
    let c = p.contacts().nth(1).unwrap();
    assert_eq!(c.param("expires"), Some(Some("3600")));
    assert_eq!(c.param("+sip.instance"), Some(Some("<urn:uuid:00000000-0000-1000-8000-000A95A0E128>")));
}

#[test]
fn refer_to_and_replaces() {
    let table: &[(&str, &str, Option<&str>, Option<Replaces>)] = &[
        ("<sip:carol@example.com>", "sip:carol@example.com", None, None),
        ("sip:carol@example.com", "sip:carol@example.com", None, None),
        (
            "<sip:carol@example.com?Replaces=12345%40192.168.118.3%3Bto-tag%3D12345%3Bfrom-tag%3D5FFE-3994>",
            "sip:carol@example.com?Replaces=12345%40192.168.118.3%3Bto-tag%3D12345%3Bfrom-tag%3D5FFE-3994",
            Some("12345@192.168.118.3;to-tag=12345;from-tag=5FFE-3994"),
            Some(Replaces {
                call_id: "12345@192.168.118.3",
                to_tag: Some("12345"),
                from_tag: Some("5FFE-3994"),
                early_only: false,
            }),
        ),
        (
            "\"Carol\" <sips:carol@example.com?Subject=x&replaces=abc%3Bto-tag%3Dt%3Bfrom-tag%3Df%3Bearly-only>",
            "sips:carol@example.com?Subject=x&replaces=abc%3Bto-tag%3Dt%3Bfrom-tag%3Df%3Bearly-only",
            Some("abc;to-tag=t;from-tag=f;early-only"),
            Some(Replaces { call_id: "abc", to_tag: Some("t"), from_tag: Some("f"), early_only: true }),
        ),
    ];
    for (v, uri, decoded, replaces) in table {
        let text = req_with(&[&format!("Refer-To: {v}")]);
        let p = parse(&text).unwrap();
        let r: ReferTo = p.refer_to().unwrap();
        assert_eq!(r.uri(), *uri, "{v}");
        let d = r.replaces();
        assert_eq!(d.as_deref(), *decoded, "{v}");
        assert_eq!(d.as_deref().and_then(Replaces::parse), *replaces, "{v}");
    }
    // the Replaces header of the INVITE that does the attended transfer
    let t = req_with(&["Replaces: 425928@bobster.example.org;to-tag=7743;from-tag=6472"]);
    let p = parse(&t).unwrap();
    assert_eq!(p.replaces().unwrap().call_id, "425928@bobster.example.org");
    assert_eq!(sip::percent_decode("%E2%82%AC%zz"), "\u{20ac}%zz");
}

#[test]
fn auth_headers() {
    let challenge = "Digest realm=\"asterisk\", nonce=\"1709300000/abc,def\", algorithm=MD5, qop=\"auth,auth-int\", opaque=\"5ccc\", stale=TRUE";
    let creds = "Digest username=\"1001\",realm=\"asterisk\",nonce=\"1709300000/abc,def\",uri=\"sip:pbx.example.com\",response=\"0123456789abcdef0123456789abcdef\",algorithm=MD5,cnonce=\"xyz\",nc=00000001,qop=auth";
    let text = req_with(&[
        &format!("WWW-Authenticate: {challenge}"),
        "WWW-Authenticate: Digest realm=\"asterisk\", nonce=\"n2\", algorithm=SHA-256",
        &format!("Authorization: {creds}"),
        "Proxy-Authenticate: Digest realm=\"sip.example.com\", nonce=\"p1\"",
        "Proxy-Authorization: Digest username=\"trunk\", realm=\"sip.example.com\", nonce=\"p1\", uri=\"sip:x\", response=\"r\"",
    ]);
    let m = parse(&text).unwrap();
    assert_eq!(problems(&m), vec![]);
    let w = m.www_authenticate().unwrap();
    assert_eq!(
        (w.scheme, w.realm, w.nonce, w.algorithm, w.qop, w.opaque, w.stale),
        (
            "Digest",
            Some("asterisk"),
            Some("1709300000/abc,def"),
            Some("MD5"),
            Some("auth,auth-int"),
            Some("5ccc"),
            true
        )
    );
    assert!(w.is_digest());
    let algs: Vec<_> = m.auths(H::WwwAuthenticate).map(|a| a.algorithm).collect();
    assert_eq!(algs, vec![Some("MD5"), Some("SHA-256")]);
    let a = m.authorization().unwrap();
    assert_eq!(
        (a.username, a.realm, a.uri, a.cnonce, a.nc, a.qop, a.stale),
        (
            Some("1001"),
            Some("asterisk"),
            Some("sip:pbx.example.com"),
            Some("xyz"),
            Some("00000001"),
            Some("auth"),
            false
        )
    );
    assert_eq!(a.response.map(str::len), Some(32));
    assert_eq!(m.proxy_authenticate().unwrap().realm, Some("sip.example.com"));
    assert_eq!(m.proxy_authorization().unwrap().username, Some("trunk"));
    // an unknown scheme is read, its fields are not
    let x = Auth::parse("NoOneKnowsThisScheme opaque-data=here").unwrap();
    assert_eq!((x.scheme, x.realm, x.params), ("NoOneKnowsThisScheme", None, "opaque-data=here"));
    assert!(Auth::parse("").is_none());
}

#[test]
fn sipfrag() {
    let notify = |ct: Option<&str>, body: &str| {
        let mut lines = vec![
            "NOTIFY sip:alice@192.0.2.10 SIP/2.0",
            "Via: SIP/2.0/UDP 192.0.2.20;branch=z9hG4bKn1",
            "Max-Forwards: 70",
            "To: <sip:alice@example.org>;tag=1928301774",
            "From: <sip:bob@example.com>;tag=a6c85cf",
            "Call-ID: a84b4c76e66710@pc33.example.org",
            "CSeq: 73 NOTIFY",
            "Event: refer",
            "Subscription-State: active;expires=60",
        ];
        let ct = ct.map(|c| format!("Content-Type: {c}"));
        if let Some(c) = &ct {
            lines.push(c);
        }
        let cl = format!("Content-Length: {}", body.len());
        lines.push(&cl);
        lines.push("");
        msg(&lines, body)
    };
    type Row = (Option<&'static str>, &'static str, Option<(u16, &'static str)>);
    let table: &[Row] = &[
        (Some("message/sipfrag;version=2.0"), "SIP/2.0 100 Trying\r\n", Some((100, "Trying"))),
        (Some("message/sipfrag"), "SIP/2.0 200 OK\r\n", Some((200, "OK"))),
        (Some("Message/SipFrag"), "SIP/2.0 603 Declined\r\nContent-Length: 0\r\n", Some((603, "Declined"))),
        (Some("message/sipfrag"), "\r\nSIP/2.0 180 Ringing", Some((180, "Ringing"))),
        (None, "SIP/2.0 486 Busy Here\r\n", Some((486, "Busy Here"))),
        (Some("text/plain"), "SIP/2.0 200 OK\r\n", None),
        (Some("message/sipfrag"), "INVITE sip:a@b SIP/2.0\r\n", None),
        (Some("message/sipfrag"), "", None),
    ];
    for (ct, body, want) in table {
        let text = notify(*ct, body);
        let m = parse(&text).unwrap();
        assert_eq!(problems(&m), vec![], "{ct:?} {body:?}");
        assert_eq!(m.sipfrag_status(), *want, "{ct:?} {body:?}");
        assert!(m.sdp().is_none());
    }
}

#[test]
fn multipart_bodies() {
    let sdp_part =
        "v=0\r\no=- 5 5 IN IP4 198.51.100.4\r\ns=-\r\nc=IN IP4 198.51.100.4\r\nt=0 0\r\nm=audio 20000 RTP/AVP 8\r\n";
    let body = format!(
        "--unique-boundary-1\r\nContent-Type: application/sdp\r\n\r\n{sdp_part}\r\n--unique-boundary-1\r\nContent-Type: application/isup;version=itu-t92+\r\nContent-Disposition: signal;handling=optional\r\n\r\n\u{1}\u{10}\u{3}\r\n--unique-boundary-1--\r\n"
    );
    let make = |ct: &str, body: &str| {
        let mut lines: Vec<&str> = REQ.to_vec();
        let ct = format!("Content-Type: {ct}");
        let cl = format!("Content-Length: {}", body.len());
        lines.extend_from_slice(&["MIME-Version: 1.0", &ct, &cl, ""]);
        msg(&lines, body)
    };
    for ct in ["multipart/mixed;boundary=unique-boundary-1", "multipart/mixed; boundary=\"unique-boundary-1\""] {
        let text = make(ct, &body);
        let m = parse(&text).unwrap();
        assert_eq!(problems_both(&text), vec![], "{ct}");
        let parts: Vec<_> = m.parts().collect();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].body, sdp_part);
        assert_eq!(parts[1].content_type, Some("application/isup;version=itu-t92+"));
        assert_eq!(parts[1].header("content-disposition"), Some("signal;handling=optional"));
        let s = m.sdp().expect("SDP part");
        assert_eq!(s.media[0].address, Some("198.51.100.4"));
        // lines point into the message: the part's v= line
        let v_line = text.lines().position(|l| l == "v=0").unwrap() as u32;
        assert_eq!(s.base_line, v_line);
        assert_eq!(s.message_line(s.media[0].line), v_line + 5);
    }
    // nested: multipart/alternative inside multipart/mixed
    let nested = format!(
        "--outer\r\nContent-Type: multipart/alternative;boundary=inner\r\n\r\n--inner\r\nContent-Type: text/plain\r\n\r\nhi\r\n--inner\r\nContent-Type: application/sdp\r\n\r\n{sdp_part}--inner--\r\n--outer--\r\n"
    );
    let text = make("multipart/mixed;boundary=outer", &nested);
    assert_eq!(problems_both(&text), vec![]);
    assert_eq!(parse(&text).unwrap().sdp().unwrap().media[0].port, 20000);
    // no SDP part
    let text = make("multipart/mixed;boundary=b", "--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--\r\n");
    assert!(parse(&text).unwrap().sdp().is_none());
    // not multipart: no parts
    assert_eq!(parse(&req_with(&[])).unwrap().parts().count(), 0);
}

#[test]
fn sdp_table() {
    let offer = "v=0\r\n\
o=alice 2890844526 2890844527 IN IP4 192.0.2.10\r\n\
s=-\r\n\
c=IN IP4 192.0.2.10\r\n\
t=0 0\r\n\
a=ptime:30\r\n\
a=recvonly\r\n\
m=audio 49170 RTP/AVP 0 8 18 101 96\r\n\
a=rtpmap:18 G729/8000\r\n\
a=fmtp:18 annexb=no\r\n\
a=rtpmap:101 telephone-event/8000\r\n\
a=fmtp:101 0-16\r\n\
a=ptime:20\r\n\
a=sendrecv\r\n\
m=video 51372/2 RTP/AVP 99\r\n\
c=IN IP6 2001:db8::10\r\n\
a=rtpmap:99 H264/90000\r\n\
m=audio 0 RTP/SAVP 0\r\n\
a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:x\r\n";
    let s = sdp::parse(offer).unwrap();
    assert_eq!(s.origin, Some("alice 2890844526 2890844527 IN IP4 192.0.2.10"));
    assert_eq!(
        (s.origin_session, s.origin_version, s.origin_address),
        (Some("2890844526"), Some(2890844527), Some("192.0.2.10"))
    );
    assert_eq!((s.session_address, s.connection_line, s.origin_line), (Some("192.0.2.10"), Some(3), Some(1)));
    assert_eq!(s.direction, Direction::RecvOnly);
    assert_eq!(s.attr("ptime"), Some(Some("30")));
    type M = (&'static str, u16, &'static str, Option<&'static str>, Option<u32>, Direction, Option<u32>, u32);
    let want: Vec<M> = vec![
        ("audio", 49170, "RTP/AVP", Some("192.0.2.10"), Some(3), Direction::SendRecv, Some(20), 7),
        ("video", 51372, "RTP/AVP", Some("2001:db8::10"), Some(15), Direction::RecvOnly, Some(30), 14),
        ("audio", 0, "RTP/SAVP", Some("192.0.2.10"), Some(3), Direction::RecvOnly, Some(30), 17),
    ];
    let got: Vec<M> = s
        .media
        .iter()
        .map(|m| (m.kind, m.port, m.proto, m.address, m.address_line, m.direction, m.ptime, m.line))
        .collect();
    assert_eq!(got, want);
    let f: Vec<_> = s.media[0].formats.iter().map(|f| (f.pt, f.name, f.clock, f.fmtp)).collect();
    assert_eq!(
        f,
        vec![
            (0, "PCMU", 8000, None),
            (8, "PCMA", 8000, None),
            (18, "G729", 8000, Some("annexb=no")),
            (101, "telephone-event", 8000, Some("0-16")),
            (96, "", 0, None), // dynamic type without rtpmap
        ]
    );
    assert!(s.media[0].has_telephone_event() && !s.media[1].has_telephone_event());
    assert_eq!(s.media[1].format(99).map(|f| f.name), Some("H264"));
    assert!(s.media[2].is_secure() && s.media[2].is_on_hold() && !s.media[0].is_on_hold());
    assert_eq!(s.media[2].attr("crypto").flatten().map(|c| &c[..2]), Some("1 "));
    assert!(s.media[2].text.starts_with("m=audio 0") && s.media[1].text.ends_with("H264/90000\r\n"));
    assert!(s.bad_lines.is_empty());

    // ICE candidates and WebRTC attributes
    let webrtc = "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n\
m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=rtcp-mux\r\na=ice-ufrag:EsAw\r\n\
a=candidate:1467250027 1 udp 2122260223 192.168.0.196 46243 typ host generation 0\r\n\
a=candidate:1853887674 1 udp 1518280447 203.0.113.7 46243 typ srflx raddr 192.168.0.196 rport 46243 generation 0\r\n\
a=candidate:2 1 UDP 1686052607 2001:db8::5 50000 typ host\r\n\
a=candidate:broken\r\n\
a=rtpmap:111 opus/48000/2\r\na=fmtp:111 minptime=10;useinbandfec=1\r\n";
    let s = sdp::parse(webrtc).unwrap();
    let m = &s.media[0];
    assert_eq!(s.attr("group"), Some(Some("BUNDLE 0")));
    assert_eq!(m.attr("rtcp-mux"), Some(None));
    assert_eq!(m.attr("ice-ufrag"), Some(Some("EsAw")));
    assert!(m.is_secure() && m.is_on_hold());
    let c: Vec<_> = m.candidates().map(|c| (c.transport, c.address, c.port, c.typ, c.raddr, c.rport)).collect();
    assert_eq!(
        c,
        vec![
            ("udp", "192.168.0.196", 46243, "host", None, None),
            ("udp", "203.0.113.7", 46243, "srflx", Some("192.168.0.196"), Some(46243)),
            ("UDP", "2001:db8::5", 50000, "host", None, None),
        ]
    );
    assert_eq!((m.formats[0].name, m.formats[0].clock), ("opus", 48000));

    // not SDP, bad lines, media-level direction per stream, LF
    assert!(sdp::parse("hello=world").is_none());
    assert!(sdp::parse("").is_none());
    let s = sdp::parse("\nv=0\nbogus\nm=audio 1 RTP/AVP 0\na=inactive\nm=audio 2 RTP/AVP 0\nxy=1\n").unwrap();
    assert_eq!(s.bad_lines, vec![2, 6]);
    let d: Vec<_> = s.media.iter().map(|m| m.direction).collect();
    assert_eq!(d, vec![Direction::Inactive, Direction::SendRecv]);
    assert_eq!(s.media[0].address, None);
}

#[test]
fn messages_read_from_messages() {
    // A full exchange line by line: accessors agree with the text
    let text = msg(
        &[
            "SIP/2.0 200 OK",
            "Via: SIP/2.0/UDP [2001:db8::10]:5060;branch=z9hG4bK74bf9;received=2001:db8::99;rport=5062",
            "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKnashds8",
            "Record-Route: <sip:[2001:db8::1];lr>",
            "To: Bob <sip:bob@example.com>;tag=8321234356",
            "From: Alice <sip:alice@[2001:db8::10]>;tag=9fxced76sl",
            "Call-ID: 3848276298220188511@[2001:db8::10]",
            "CSeq: 1 INVITE",
            "Contact: <sip:bob@[2001:db8::20]:5080;transport=udp>",
            "Session-Expires: 1800;refresher=uac",
            "Require: timer",
            "Supported: timer, replaces, 100rel",
            "Allow: INVITE, ACK, CANCEL, BYE, REFER, NOTIFY",
            "Server: Yeastar P560",
            "Content-Length: 0",
            "",
        ],
        "",
    );
    let m = parse(&text).unwrap();
    assert_eq!(problems_both(&text), vec![]);
    let v = m.top_via().unwrap();
    assert_eq!(
        (v.host, v.port, v.received, v.rport),
        ("[2001:db8::10]", Some(5060), Some("2001:db8::99"), Some(Some(5062)))
    );
    assert_eq!(m.vias().count(), 2);
    assert_eq!(m.call_id(), Some("3848276298220188511@[2001:db8::10]"));
    let c = m.contacts().next().unwrap().parsed_uri().unwrap();
    assert_eq!((c.host, c.port, c.transport()), ("[2001:db8::20]", Some(5080), Some("udp")));
    assert!(matches!(c.host(), Host::V6(_)));
    assert_eq!(m.from().unwrap().parsed_uri().unwrap().host, "[2001:db8::10]");
    assert!(m.has_token(H::Require, "timer") && m.has_token(H::Allow, "REFER") && !m.has_token(H::Allow, "PRACK"));
    assert_eq!(m.list(H::Supported).collect::<Vec<_>>(), vec!["timer", "replaces", "100rel"]);
    assert_eq!(m.server(), Some("Yeastar P560"));
    assert_eq!(m.header(H::CSeq).unwrap().line, 7);
    assert_eq!(m.line_at(text.find("Contact").unwrap()), 8);
}

#[test]
fn leading_blank_lines_and_positions() {
    let text = format!("\r\n\r\n{}", req_with(&["Bad Line"]));
    let m = parse(&text).unwrap();
    // lines count from the start line, not from the blank lines before it
    assert_eq!(problems(&m), vec![(K::BadHeaderLine, 8)]);
    assert!(m.text.starts_with("INVITE"));
    assert_eq!(m.first_line(), "INVITE sip:bob@example.com SIP/2.0");
    assert!(parse("").is_err());
    assert_eq!(parse("\r\n\r\n").unwrap_err(), StartLineError::Empty);
    assert_eq!(parse("hello\r\n").unwrap_err(), StartLineError::NotSip);
}

#[test]
fn odd_inputs_do_not_panic() {
    // inputs that once broke parsers: every one must parse or be refused, never panic
    let table: &[&str] = &[
        "SIP/2.0 200 OK",
        "SIP/2.0 200 OK\r",
        "SIP/2.0 200 OK\n\n",
        "SIP/2.0 200 OK\nl: 5\n\n\u{e9}\u{e9}\u{e9}",
        "SIP/2.0 200 OK\nl: 18446744073709551616\n\nx",
        "SIP/2.0 200 OK\nc: multipart/mixed;boundary=\n\n--\n--\n",
        "SIP/2.0 200 OK\nc: multipart/mixed;boundary=a\n\n--a",
        "SIP/2.0 200 OK\nc: multipart/mixed;boundary=a\n\n--a--",
        "SIP/2.0 200 OK\nc: multipart/mixed;boundary=\"\n\n--a\n",
        "SIP/2.0 200 OK\nv: \nf: \"\nt: <\nm: ,,,\nRoute: <>\ni:\nCSeq: 99999999999999999999 X\n\n",
        "SIP/2.0 200 OK\nWarning: 399\nRetry-After: (\nx: ;\nr: <sip:a?Replaces=%\nReason: ;\n\n",
        "SIP/2.0 200 OK\nWWW-Authenticate: Digest ,,=,\"\nEvent: ;\n\n",
        "INVITE sip:\u{e9}@\u{e9} SIP/2.0\n \u{e9}\n\u{e9}: \u{e9}\n\nv=\u{e9}\nm=\u{e9} \u{e9}\na=rtpmap:\u{e9}",
        "SIP/2.0 200 OK\n\nv=0\nm=audio 99999999 RTP/AVP 300 -1 x\na=rtpmap:\na=fmtp:\na=candidate:\nc=\n",
    ];
    for t in table {
        if let Ok(m) = parse(t) {
            let _ = (m.sdp(), m.sipfrag_status(), m.parts().count(), m.top_via(), m.refer_to().map(|r| r.replaces()));
            let _ = (m.www_authenticate(), m.warnings().count(), m.retry_after(), m.event(), m.reasons().count());
            for p in &m.problems {
                assert!(p.line <= m.text.lines().count() as u32 + 1, "{t:?}: {p:?}");
            }
        }
        if let Some(n) = frame_len(t) {
            assert!(t.is_char_boundary(n), "{t:?}");
        }
    }
}
