//! Raw SIP: messages back to back, CRLF or bare LF, with or without junk around them. This file
//! holds the start-line finder every other format relies on: a status line anywhere in a line,
//! a request line at its end. Framing itself is common to all formats (see `scan`).

use super::lines;

/// Where a SIP start line begins in `line`: a status line anywhere (`…SIP/2.0 401 …`), or a
/// request line ending the line (`… INVITE sip:x SIP/2.0`). For a request after other text the
/// method must be in capitals.
pub(crate) fn find_start(line: &str) -> Option<usize> {
    let b = line.as_bytes();
    if b.len() < 11 {
        return None;
    }
    // status line
    for p in super::lines::find_iter(b, b"SIP/2.0 ") {
        if b.get(p + 8..p + 11).is_some_and(|d| d.iter().all(u8::is_ascii_digit))
            && b.get(p + 11).is_none_or(|&c| c == b' ' || c == b'\t')
            && (p == 0 || !b[p - 1].is_ascii_alphanumeric())
        {
            return Some(p);
        }
    }
    // at the start of the line the parser judges the version and the code (RFC 4475 badvers,
    // bigcode)
    if b.starts_with(b"SIP/") && b.get(7) == Some(&b' ') && b[8].is_ascii_digit() {
        return Some(0);
    }
    // request line: `METHOD SP uri SP SIP/x.y`
    let t = line.trim_end_matches([' ', '\t']);
    let tb = t.as_bytes();
    let vlen = 7;
    if tb.len() < vlen + 4 {
        return None;
    }
    let v = &tb[tb.len() - vlen..];
    if !(v[..4].eq_ignore_ascii_case(b"SIP/") && v[4].is_ascii_digit() && v[5] == b'.' && v[6].is_ascii_digit()) {
        return None;
    }
    // a method at the start of the line: the parser judges the URI, even a damaged one
    let m0 = tb.iter().take_while(|&&c| lines::is_token_char(c)).count();
    if m0 > 0 && tb[0].is_ascii_uppercase() && tb.get(m0) == Some(&b' ') && tb[tb.len() - vlen - 1] == b' ' {
        return Some(glued_method(&t[..m0]));
    }
    let mut k = tb.len() - vlen;
    if tb[k - 1] != b' ' {
        return None;
    }
    while k > 0 && tb[k - 1] == b' ' {
        k -= 1;
    }
    let uri_end = k;
    while k > 0 && tb[k - 1] != b' ' {
        k -= 1;
    }
    let uri_start = k;
    if uri_start == uri_end || uri_start == 0 {
        return None;
    }
    while k > 0 && tb[k - 1] == b' ' {
        k -= 1;
    }
    let m_end = k;
    while k > 0 && lines::is_token_char(tb[k - 1]) {
        k -= 1;
    }
    if k == m_end {
        return None;
    }
    // bytes glued before a method (tcpdump, a capture read as text: `..REGISTER`, `WREGISTER`)
    let mut m = m_end;
    while m > k && tb[m - 1].is_ascii_uppercase() {
        m -= 1;
    }
    if k == 0 {
        // an extension method, or one with odd token characters (RFC 4475 intmeth), unless a
        // known method is glued to bytes before it (`WREGISTER`, tcpdump's `..REGISTER`)
        if tb[0].is_ascii_uppercase() {
            return Some(glued_method(&t[..m_end]));
        }
        let upper = &t[m..m_end];
        return Some(KNOWN_METHODS.iter().find(|km| upper.ends_with(*km)).map_or(0, |km| m_end - km.len()));
    }
    let uri = &t[uri_start..uri_end];
    if !(uri.contains(':') || uri.contains('@')) {
        return None;
    }
    let upper = &t[m..m_end];
    if let Some(known) = KNOWN_METHODS.iter().find(|km| upper.ends_with(*km)) {
        return Some(m_end - known.len());
    }
    (m_end - m >= 3).then_some(m)
}

/// Where the method starts in a token at the start of a line: a known method with capital
/// letters glued before it (`WREGISTER`, a capture read as text) starts after them.
fn glued_method(token: &str) -> usize {
    if KNOWN_METHODS.contains(&token) || !token.bytes().all(|b| b.is_ascii_uppercase()) {
        return 0;
    }
    KNOWN_METHODS
        .iter()
        .find(|km| token.len() > km.len() && token.ends_with(*km))
        .map_or(0, |km| token.len() - km.len())
}

const KNOWN_METHODS: [&str; 14] = [
    "INVITE",
    "REGISTER",
    "OPTIONS",
    "SUBSCRIBE",
    "NOTIFY",
    "MESSAGE",
    "PUBLISH",
    "CANCEL",
    "UPDATE",
    "PRACK",
    "REFER",
    "INFO",
    "BYE",
    "ACK",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_columns() {
        let cases: &[(&str, Option<usize>)] = &[
            ("INVITE sip:a@b SIP/2.0", Some(0)),
            ("SIP/2.0 200 OK", Some(0)),
            ("SIP/2.0 100 ", Some(0)),
            ("E`.\\I.@.@...-M...a.[.....H.!SIP/2.0 401 Unauthorized", Some(28)),
            ("..4..c..x..REGISTER sip:10.5.3.27:25564 SIP/2.0", Some(11)),
            ("SEND: INVITE sip:0101221@caller.local SIP/2.0", Some(6)),
            ("[Aug  5 11:43:53] SIP/2.0 200 OK", Some(18)),
            ("Via: SIP/2.0/UDP 192.0.2.1", None),
            ("Server: DC-SIP/2.0", None),
            ("User-Agent: Foo SIP/2.0", None),
            ("RE%47IST%45R sip:registrar.example.com SIP/2.0", Some(0)),
            ("INVITE sip:[email protected] SIP/2.0", Some(0)),
            ("INVITE  sip:user@example.com  SIP/2.0", Some(0)),
            ("Request Sent udp:a<-udp:b: INVITE sip:1002@192.0.2.150 SIP/2.0.", None),
            ("", None),
            ("SIP/2.0", None),
            ("SIP/2.0 4294967301 better not break the receiver", Some(0)),
            ("!interesting-Method0123456789_*+`.%indeed'~ sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com SIP/2.0", Some(0)),
            ("WREGISTER sip:192.0.2.12 SIP/2.0", Some(1)),
            ("NEWMETHOD sip:user@example.com SIP/2.0", Some(0)),
        ];
        for (line, want) in cases {
            assert_eq!(find_start(line), *want, "{line:?}");
        }
    }
}
