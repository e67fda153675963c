//! One-line evidence: log lines that name a SIP response or failure without carrying the
//! message (`Got SIP response 503 "Service Unavailable" back from …`, `Registration for 'x'
//! failed: 403 Forbidden`, `… SIP/2.0 408 Request Timeout` in a one-line log, `Retransmission
//! timeout reached on transmission …`, `Unexpected StatusCode from INVITE response 403`).
//!
//! A status counts when the standard reason phrase follows it (`403 Forbidden`), when a word
//! like `response`, `status`, `code` or `reply` comes right before it (`response 403`,
//! `new_code=500`, `reply code is <487>`), or after `SIP/2.0`. Only log-looking lines and lines
//! that say `SIP` are read, so prose like "it rings 180 times" is left alone.

use super::lines::header_name;

/// First word of the standard reason phrase of each status code (several codes share one).
const REASONS: &[(u16, &str)] = &[
    (100, "trying"),
    (180, "ringing"),
    (181, "call"),
    (182, "queued"),
    (183, "session"),
    (199, "early"),
    (200, "ok"),
    (202, "accepted"),
    (204, "no"),
    (300, "multiple"),
    (301, "moved"),
    (302, "moved"),
    (305, "use"),
    (380, "alternative"),
    (400, "bad"),
    (401, "unauthorized"),
    (402, "payment"),
    (403, "forbidden"),
    (404, "not"),
    (405, "method"),
    (406, "not"),
    (407, "proxy"),
    (408, "request"),
    (410, "gone"),
    (412, "conditional"),
    (413, "request"),
    (414, "request"),
    (415, "unsupported"),
    (416, "unsupported"),
    (417, "unknown"),
    (420, "bad"),
    (421, "extension"),
    (422, "session"),
    (423, "interval"),
    (428, "use"),
    (429, "provide"),
    (433, "anonymity"),
    (437, "unsupported"),
    (438, "invalid"),
    (439, "first"),
    (440, "max-breadth"),
    (469, "bad"),
    (470, "consent"),
    (480, "temporarily"),
    (481, "call"),
    (482, "loop"),
    (483, "too"),
    (484, "address"),
    (485, "ambiguous"),
    (486, "busy"),
    (487, "request"),
    (488, "not"),
    (489, "bad"),
    (491, "request"),
    (493, "undecipherable"),
    (494, "security"),
    (500, "server"),
    (500, "internal"),
    (501, "not"),
    (502, "bad"),
    (503, "service"),
    (504, "server"),
    (505, "version"),
    (513, "message"),
    (555, "push"),
    (580, "precondition"),
    (600, "busy"),
    (603, "decline"),
    (604, "does"),
    (606, "not"),
    (607, "unwanted"),
    (608, "rejected"),
];

/// Words that, right before a number, make it a status code.
const KEYWORDS: &[&str] = &["response", "status", "statuscode", "code", "reply", "last_recv"];

/// Failure phrases that carry no status of their own.
const PHRASES: &[&str] = &[
    "retransmission timeout",
    "failed to authenticate",
    "no response from",
    "transaction timeout",
    "timer b fired",
    "timer f fired",
    "because extension not found",
];

const METHODS: &[&str] = &[
    "INVITE",
    "REGISTER",
    "OPTIONS",
    "BYE",
    "CANCEL",
    "ACK",
    "PRACK",
    "UPDATE",
    "SUBSCRIBE",
    "NOTIFY",
    "REFER",
    "MESSAGE",
    "INFO",
    "PUBLISH",
];

/// The status and method a context line names, if it is evidence. `None` when it is not.
pub(crate) fn detect(t: &str) -> Option<(Option<u16>, Option<&str>)> {
    let b = t.as_bytes();
    if b.len() < 7 {
        return None;
    }
    // message remnants are not log lines
    if header_name(t.trim_start()).is_some_and(super::lines::is_known_header) {
        return None;
    }
    let has_sip = super::lines::find(b, b"SIP").is_some();
    if !(has_sip || is_log_like(t)) {
        return None;
    }
    let lower_has = |needle: &str| super::lines::find_ci(t, needle).is_some();
    let mut status = explicit(t).or_else(|| codes(t));
    let phrase = PHRASES.iter().any(|p| lower_has(p));
    let registration = (status.is_some() || lower_has("fail")) && lower_has("registration");
    if status.is_none() && !phrase && !registration {
        return None;
    }
    let mut method = find_method(t);
    if registration && method.is_none() {
        method = Some("REGISTER");
    }
    if status == Some(0) {
        status = None;
    }
    Some((status, method))
}

/// A log line: starts with a timestamp, a level, a logcat tag or a syslog priority.
pub(crate) fn is_log_like(t: &str) -> bool {
    let s = t.trim_start_matches(['>', ' ', '\t']);
    let b = s.as_bytes();
    if b.is_empty() {
        return false;
    }
    if super::time::parse_prefix(s).is_some() {
        return true;
    }
    if b.len() > 2 && b"VDIWEF".contains(&b[0]) && b[1] == b'/' && b[2].is_ascii_alphabetic() {
        return true;
    }
    if b[0] == b'<' && b.get(1).is_some_and(u8::is_ascii_digit) {
        return true;
    }
    const LEVELS: &[&str] = &["ERROR", "WARNING", "WARN", "NOTICE", "VERBOSE", "DEBUG", "INFO", "DBG", "TRACE", "ERR"];
    LEVELS.iter().any(|l| s.starts_with(l) && matches!(b.get(l.len()), Some(b'[' | b':' | b' ' | b'\t' | b']' | b'(')))
}

/// `SIP/2.0 NNN` anywhere in the line.
fn explicit(t: &str) -> Option<u16> {
    let b = t.as_bytes();
    for p in super::lines::find_iter(b, b"SIP/2.0 ") {
        let d = b.get(p + 8..p + 11)?;
        if d.iter().all(u8::is_ascii_digit) && !b.get(p + 11).is_some_and(u8::is_ascii_digit) {
            let code = (u16::from(d[0] - b'0')) * 100 + u16::from(d[1] - b'0') * 10 + u16::from(d[2] - b'0');
            if (100..=699).contains(&code) {
                return Some(code);
            }
        }
    }
    None
}

/// A status code found by its reason phrase (first match) or a keyword before it (last match).
fn codes(t: &str) -> Option<u16> {
    let b = t.as_bytes();
    let mut keyword_hit = None;
    let mut i = 0;
    while i + 3 <= b.len() {
        if !b[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        let run = j - i;
        let before_ok = i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'.' || b[i - 1] == b'_');
        let after_ok = !(b.get(j) == Some(&b'.') && b.get(j + 1).is_some_and(u8::is_ascii_digit));
        if run == 3 && before_ok && after_ok {
            let code = (u16::from(b[i] - b'0')) * 100 + u16::from(b[i + 1] - b'0') * 10 + u16::from(b[i + 2] - b'0');
            if (100..=699).contains(&code) {
                if reason_follows(code, &t[j..]) {
                    return Some(code);
                }
                if keyword_before(&t[..i]) {
                    keyword_hit = Some(code);
                }
            }
        }
        i = j;
    }
    keyword_hit
}

fn reason_follows(code: u16, rest: &str) -> bool {
    let r = rest.strip_prefix(' ').unwrap_or("");
    let r = r.trim_start_matches(['"', '\'', '<', '(']);
    let word: &str = r.split([' ', '"', '\'', '.', ',', ';', ')', '>', ':']).next().unwrap_or("");
    !word.is_empty() && REASONS.iter().any(|&(c, w)| c == code && word.eq_ignore_ascii_case(w))
}

fn keyword_before(before: &str) -> bool {
    let s = before.trim_end_matches([' ', '=', ':', '<', '"', '(', '[', '\t']);
    let s = s.strip_suffix(" is").unwrap_or(s).trim_end();
    let w = s.rsplit([' ', '\t', ',', '(', '[', '{', '"']).next().unwrap_or("");
    let w = w.rsplit('_').next().unwrap_or(w);
    let tail = s.len().checked_sub(9).and_then(|i| s.get(i..));
    KEYWORDS.iter().any(|k| w.eq_ignore_ascii_case(k)) || tail.is_some_and(|t| t.eq_ignore_ascii_case("last_recv"))
}

/// The first SIP method written as a word of its own.
pub(crate) fn find_method(t: &str) -> Option<&'static str> {
    let b = t.as_bytes();
    let mut best: Option<(usize, &'static str)> = None;
    for m in METHODS {
        let mut from = 0;
        while let Some(p) = super::lines::find(&b[from..], m.as_bytes()).map(|p| p + from) {
            let e = p + m.len();
            let ok_before = p == 0 || !b[p - 1].is_ascii_alphanumeric();
            let ok_after = e >= b.len() || !b[e].is_ascii_alphanumeric();
            // INFO and MESSAGE are also log levels: count them next to a URI, a CSeq number or
            // a pjsua `/cseq`
            let sipish = !matches!(*m, "INFO" | "MESSAGE")
                || t[e..].starts_with(" sip:")
                || t[e..].starts_with(" sips:")
                || t[e..].starts_with(" tel:")
                || t[e..].starts_with("/cseq")
                || (p >= 2 && b[p - 1] == b' ' && b[p - 2].is_ascii_digit());
            if ok_before && ok_after && sipish {
                if best.is_none_or(|(bp, _)| p < bp) {
                    best = Some((p, m));
                }
                break;
            }
            from = p + 1;
        }
    }
    best.map(|(_, m)| m)
}

#[cfg(test)]
mod tests {
    use super::*;

    type Evidence<'a> = Option<(Option<u16>, Option<&'a str>)>;

    fn check(t: &str) -> Evidence<'_> {
        detect(t)
    }

    #[test]
    fn evidence() {
        let cases: &[(&str, Evidence<'_>)] = &[
            (
                "[Dec  4 18:18:43] VERBOSE[20782][C-000001d2] chan_sip.c:     -- Got SIP response 480 \"Temporarily not available\" back from 192.0.2.1:1079",
                Some((Some(480), None)),
            ),
            ("[2024-01-01 10:00:00] NOTICE[1] res_pjsip_outbound_registration.c: Registration for 'x' failed: 403 Forbidden", Some((Some(403), Some("REGISTER")))),
            ("Jan 25 18:04:25 [120632] DBG:tm:t_should_relay_response: T_code=100, new_code=500", Some((Some(500), None))),
            ("Aug 02 15:18:43 h opensips[1]: DBG:tm:pv_get_tm_reply_code: reply code is <487>", Some((Some(487), None))),
            ("2024-06-17T15:36:47.451Z\tERROR\tsip\tSIP invite failed{\"error\": \"Unexpected StatusCode from INVITE response 403\"}", Some((Some(403), Some("INVITE")))),
            ("WARNING[1]: res_pjsip.c: Retransmission timeout reached on transmission abc@192.0.2.1", Some((None, None))),
            ("[10:45:50 DBG] Response Received udp:0.0.0.0:5060<-udp:192.0.2.150:5060: INVITE 404 Not Found.", Some((Some(404), Some("INVITE")))),
            ("12:00:00.000 app: got SIP/2.0 408 Request Timeout", Some((Some(408), None))),
            ("[2026-01-07 11:25:39,551] NOTICE[13892] chan_sip.c: Outbound Registration: Expiry for x is 600 sec", None),
            ("it rings 180 times and then 486 busy is shown", None),
            ("2016-11-07 22:16:00.113300 [DEBUG] sofia.c:8613 receiving invite from 192.168.5.102:5060", None),
            ("Reason: SIP;cause=480;text=\"x\"", None),
            ("", None),
        ];
        for (t, want) in cases {
            assert_eq!(check(t), *want, "{t}");
        }
    }
}
