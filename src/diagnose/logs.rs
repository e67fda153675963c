//! Evidence from log lines that are not whole SIP messages: the partial lines the ingesters found
//! ("Registration failed: 403 Forbidden", "Got SIP response 503") and well-known log texts of
//! Asterisk, FreeSWITCH and SIP stacks ("Failed to authenticate", "lack of RTP activity",
//! "INCOMPATIBLE_DESTINATION", "extension not found in context"). Such evidence is marked as
//! coming from a log line; when a message-based finding already names the same cause, the line is
//! added to its evidence instead of making a second finding.

use super::ctx::{any, clip, is_extension, Ctx, WordSet};
use super::{Evidence, Severity};
use std::sync::OnceLock;

struct Pattern {
    words: &'static [&'static str],
    cause: &'static str,
    severity: Severity,
    confidence: u8,
    what: &'static str,
    smartalex_only: bool,
}

const PATTERNS: &[Pattern] = &[
    Pattern { words: &["failed to authenticate", "authentication failed", "wrong password", "bad password", "auth failed", "invalid credentials", "incorrect password", "can't find user", "cannot find user", "wrong credentials", "failed to authorize"], cause: "auth.credentials", severity: Severity::Error, confidence: 60, what: "the log says authentication failed", smartalex_only: false },
    Pattern { words: &["rejected by acl", "acl reject", "denied by acl", "no matching endpoint found", "not in the acl"], cause: "auth.ip_allowlist", severity: Severity::Error, confidence: 50, what: "the log says the request's source was not recognised (address list / endpoint match)", smartalex_only: false },
    Pattern { words: &["retransmission timeout reached"], cause: "net.ack_lost", severity: Severity::Error, confidence: 55, what: "the log says a reliably sent response (usually the 200 OK) was never acknowledged", smartalex_only: false },
    Pattern { words: &["lack of rtp", "rtp timeout", "media_timeout", "media timeout", "no rtp received", "rtp inactivity"], cause: "net.rtp_blocked", severity: Severity::Error, confidence: 65, what: "the log says the call was dropped because no audio (RTP) arrived", smartalex_only: false },
    Pattern { words: &["incompatible_destination", "incompatible destination", "no compatible codecs", "codec negotiation failed", "no joint capabilities", "no audio codecs in common", "unable to negotiate codec", "no matching codec"], cause: "media.codec_mismatch", severity: Severity::Error, confidence: 65, what: "the log says no common codec was found", smartalex_only: false },
    Pattern { words: &["not a valid e.164", "not e.164", "invalid_number_format", "invalid number format"], cause: "route.number_format", severity: Severity::Error, confidence: 70, what: "the log says the dialled number is not in a format the other side accepts (E.164)", smartalex_only: false },
    Pattern { words: &["is endpoint registered and reachable", "could not create dialog to invalid uri"], cause: "route.extension_offline", severity: Severity::Warning, confidence: 60, what: "the log says the target endpoint has no registered contact", smartalex_only: false },
    Pattern { words: &["user_busy"], cause: "route.busy", severity: Severity::Expected, confidence: 60, what: "the log gives the hangup cause USER_BUSY (busy line: not a fault)", smartalex_only: false },
    Pattern { words: &["subscriber absent", "user_not_registered", "no registered contacts", "has no contacts", "not currently registered"], cause: "route.extension_offline", severity: Severity::Warning, confidence: 50, what: "the log says the target is not registered", smartalex_only: false },
    Pattern { words: &["recovery_on_timer_expire", "request timeout", "transaction timed out", "timer b fired"], cause: "net.no_response", severity: Severity::Error, confidence: 50, what: "the log says a request timed out with no response", smartalex_only: false },
    Pattern { words: &["too large for udp, trying tcp"], cause: "net.message_too_large", severity: Severity::Info, confidence: 40, what: "the log says a message was too large for UDP and was sent over TCP instead (handled, not a fault by itself)", smartalex_only: false },
    Pattern { words: &["too large for udp"], cause: "net.message_too_large", severity: Severity::Warning, confidence: 45, what: "the log says a message was too large for UDP", smartalex_only: false },
    Pattern { words: &["call_rejected"], cause: "route.declined", severity: Severity::Warning, confidence: 45, what: "the log gives the hangup cause CALL_REJECTED", smartalex_only: false },
    Pattern { words: &["normal_temporary_failure", "destination_out_of_order"], cause: "sip.server_error", severity: Severity::Error, confidence: 40, what: "the log gives a temporary failure as the hangup cause", smartalex_only: false },
    Pattern { words: &["call limit reached", "call-limit reached", "channel limit", "max concurrent calls", "concurrent call limit", "too many calls"], cause: "capacity.concurrent_limit", severity: Severity::Error, confidence: 55, what: "the log says a call limit was reached", smartalex_only: false },
    Pattern { words: &["insufficient funds", "insufficient balance", "wallet is empty", "wallet empty", "out of credit"], cause: "billing.wallet_empty", severity: Severity::Error, confidence: 60, what: "the log says the account has no credit", smartalex_only: false },
    Pattern { words: &["session timer expired", "session-timer expired", "session timeout"], cause: "session.timer_refresh", severity: Severity::Error, confidence: 55, what: "the log says the session timer expired", smartalex_only: false },
    Pattern { words: &["agent not linked", "no agent linked", "no agent assigned"], cause: "agent.not_linked", severity: Severity::Error, confidence: 60, what: "the log says no agent is linked", smartalex_only: true },
    Pattern { words: &["dispatch failed", "dispatch error"], cause: "platform.dispatch_failed", severity: Severity::Error, confidence: 60, what: "the log says the voice runtime could not be dispatched", smartalex_only: true },
];

/// The texts before a status code in a log line, in the order they are tried.
const STATUS_KEYS: &[&str] = &[
    "sip response ",
    "response code ",
    "failed: ",
    "failed with ",
    "status code ",
    "got response ",
    "rejected with ",
    "response: ",
    "cause: ",
    "new_code=",
    "reply code is <",
];

/// Asterisk's Dial when no target answered, and its dialplan's "no such extension".
const DIAL_BUSY: &str = "everyone is busy/congested";
const NOT_IN_CONTEXT: &str = "not found in context";

/// The texts [`run`] looks for in a log line, in groups: a line holding no text of a group
/// (most lines of a long log) skips the tests that need one.
fn line_words() -> &'static WordSet {
    static SET: OnceLock<WordSet> = OnceLock::new();
    SET.get_or_init(|| {
        let patterns: Vec<&'static str> =
            PATTERNS.iter().flat_map(|p| p.words.iter().copied()).chain([DIAL_BUSY, NOT_IN_CONTEXT]).collect();
        let mut groups: Vec<&[&'static str]> = vec![patterns.leak(), &[REGISTERED]];
        // one group per status key (bit `STATUS_KEY << k` for key `k`)
        groups.extend(STATUS_KEYS.iter().map(std::slice::from_ref));
        // (the words live as long as the set: leaked once)
        WordSet::new(&groups)
    })
}

/// [`line_words`] groups: any of the [`PATTERNS`] words, "registered", then each status key.
const PATTERN_WORDS: u32 = 1;
const REGISTERED_WORD: u32 = 2;
const STATUS_KEY: u32 = 4;
const REGISTERED: &str = "registered";

/// A status code named by a log line ("Got SIP response 503", "failed: 403", "status 480"):
/// `lower` is the line in lowercase, `found` its [`line_words`] groups.
fn status_in(lower: &str, found: u32) -> Option<u16> {
    for (k, &key) in STATUS_KEYS.iter().enumerate() {
        if found & (STATUS_KEY << k) == 0 {
            continue; // (the key is not in the line)
        }
        if let Some(p) = lower.find(key) {
            let rest = &lower[p + key.len()..];
            let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
            if digits.len() == 3 {
                if let Ok(c) = digits.parse::<u16>() {
                    if (400..700).contains(&c) {
                        return Some(c);
                    }
                }
            }
        }
    }
    // "503 Service Unavailable" anywhere: a code followed by its own reason phrase.
    let b = lower.as_bytes();
    let mut i = 0;
    while i + 3 < b.len() {
        let boundary = i == 0 || !b[i - 1].is_ascii_alphanumeric();
        if boundary && b[i..i + 3].iter().all(u8::is_ascii_digit) && b[i + 3] == b' ' {
            if let Ok(c) = lower[i..i + 3].parse::<u16>() {
                if (400..700).contains(&c) {
                    let reason = crate::kb::reason_phrase(c).to_ascii_lowercase();
                    let rest = lower[i + 4..].trim_start_matches(['"', '\'', '(']);
                    if reason.len() > 3 && crate::kb::code(c).is_some() && rest.starts_with(&reason) {
                        return Some(c);
                    }
                }
            }
        }
        i += 1;
    }
    None
}

/// Asterisk Dial's summary "(n:b/c/u)": channels tried, busy, congested, unavailable.
fn dial_counts(s: &str) -> Option<(u32, u32, u32, u32)> {
    let open = s.find('(')?;
    let close = s[open..].find(')')? + open;
    let inner = &s[open + 1..close];
    let (n, rest) = inner.split_once(':')?;
    let mut it = rest.split('/');
    let b = it.next()?.trim().parse().ok()?;
    let c = it.next()?.trim().parse().ok()?;
    let u = it.next()?.trim().parse().ok()?;
    Some((n.trim().parse().ok()?, b, c, u))
}

/// What a code in a log line most likely means.
fn code_cause(code: u16, text: &str, savp: bool) -> Option<(&'static str, Severity, u8, String)> {
    let lower = text.to_ascii_lowercase();
    let register = lower.contains("regist");
    let target = lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .find(|w| is_extension(w) && w.parse::<u16>().map_or(true, |n| !(400..700).contains(&n)));
    Some(match code {
        401 | 407 => ("auth.credentials", Severity::Error, 55, format!("the log reports {code}: credentials were refused")),
        403 if register => ("auth.credentials", Severity::Error, 50, "the log reports 403 to a registration: usually the username or password".to_string()),
        403 => ("auth.forbidden", Severity::Error, 45, "the log reports 403 Forbidden".to_string()),
        404 | 604 if target.is_some() => ("route.extension_missing", Severity::Error, 45, "the log reports 404 for an extension".to_string()),
        404 | 604 => ("route.did_not_on_trunk", Severity::Error, 45, "the log reports 404: the number is unknown to the side that answered".to_string()),
        408 => ("net.no_response", Severity::Error, 50, "the log reports 408: a request got no response in time".to_string()),
        480 => ("route.extension_offline", Severity::Warning, 50, "the log reports 480: the target is unavailable".to_string()),
        486 | 600 => ("route.busy", Severity::Expected, 70, "the log reports busy (not a fault)".to_string()),
        487 => ("call.cancelled", Severity::Expected, 50, "the log reports 487 Request Terminated: the call was cancelled before an answer (not a fault)".to_string()),
        488 | 606 if savp => ("media.srtp_mismatch", Severity::Error, 55, format!("the log reports {code}: the media offer was refused, and the offer in this input asks for encrypted audio (RTP/SAVP)")),
        488 | 606 | 415 => ("media.codec_mismatch", Severity::Error, 55, format!("the log reports {code}: the media offer was refused")),
        503 => ("capacity.concurrent_limit", Severity::Error, 45, "the log reports 503 Service Unavailable: often the concurrent-call limit".to_string()),
        500 | 502 => ("sip.server_error", Severity::Error, 50, format!("the log reports {code}: a server error")),
        402 => ("billing.wallet_empty", Severity::Error, 60, "the log reports 402 Payment Required".to_string()),
        603 => ("route.declined", Severity::Warning, 50, "the log reports 603 Decline".to_string()),
        513 => ("net.message_too_large", Severity::Error, 60, "the log reports 513 Message Too Large".to_string()),
        _ => return None,
    })
}

fn context_inbound(text: &str) -> bool {
    let l = text.to_ascii_lowercase();
    any(
        &l,
        &["from-trunk", "from-pstn", "from-did", "inbound", "from-external", "from-provider", "ext-did", "from_trunk"],
    )
}

type Hit = (&'static str, Severity, u8, String, Evidence);

/// 401/407 named by log lines: a challenge followed by success is the normal login; a challenge
/// followed by another challenge means the credentials were refused.
fn challenges_in_lines(cx: &Ctx<'_, '_>, seq: &[(u32, u16)], hits: &mut Vec<Hit>) {
    let mut rejected: Vec<u32> = Vec::new();
    let mut accepted: Option<(u32, u32)> = None;
    let mut last_open: Option<u32> = None;
    for (k, &(line, code)) in seq.iter().enumerate() {
        if !matches!(code, 401 | 407) {
            continue;
        }
        match seq.get(k + 1) {
            Some(&(_, 401 | 407)) => rejected.push(line),
            Some(&(ok, next)) if (200..300).contains(&next) => {
                accepted.get_or_insert((line, ok));
            }
            Some(_) => {}
            None => last_open = Some(line),
        }
    }
    if !rejected.is_empty() {
        let n = rejected.len() as u8;
        let ev = rejected.iter().take(4).map(|&l| cx.ev_input(l, "log line (challenge again)")).collect::<Vec<_>>();
        for e in ev {
            hits.push((
                "auth.credentials",
                Severity::Error,
                50 + 5 * n.min(6),
                "the log shows a challenge (401/407) answered by another challenge: the credentials were refused"
                    .to_string(),
                e,
            ));
        }
    } else if let Some((c, ok)) = accepted {
        hits.push((
            "auth.challenge",
            Severity::Expected,
            50,
            "the log shows a 401/407 challenge followed by success: the normal login, not a fault".to_string(),
            cx.ev_input(c, "log line (challenge)"),
        ));
        let _ = ok;
    } else if let Some(l) = last_open {
        hits.push((
            "auth.credentials",
            Severity::Warning,
            30,
            "the log shows a 401/407 challenge and nothing after it: if that is the whole attempt, no credentials \
             were sent"
                .to_string(),
            cx.ev_input(l, "log line (challenge)"),
        ));
    }
}

pub(crate) fn run(cx: &mut Ctx<'_, '_>) {
    let covered = cx.covered_lines();
    let partial_lines: Vec<(u32, Option<u16>)> = cx.a.ingested.partials.iter().map(|p| (p.line, p.status)).collect();
    let total = cx.line_count();
    let savp = memchr::memmem::find(cx.a.ingested.input.as_bytes(), b"RTP/SAVP").is_some();
    // Status lines inside a NOTIFY's sipfrag body are the transfer rule's evidence, not log lines.
    let mut frag_lines: Vec<u32> =
        (0..cx.a.messages.len() as u32).filter_map(|i| cx.sipfrag(i).map(|(_, l)| l)).collect();
    frag_lines.sort_unstable();
    // the partial lines by line (a stable sort: the first partial of a line stays first)
    let mut partial_lines = partial_lines;
    partial_lines.sort_by_key(|&(l, _)| l);
    let partial_at = |line: u32| {
        let k = partial_lines.partition_point(|&(l, _)| l < line);
        partial_lines.get(k).filter(|&&(l, _)| l == line)
    };
    let mut hits: Vec<Hit> = Vec::new();
    // status codes named by log lines, in order (for challenge sequences)
    let mut seq: Vec<(u32, u16)> = Vec::new();
    for line in 1..=total {
        if covered.get(line as usize).copied().unwrap_or(false) && partial_at(line).is_none()
            || frag_lines.binary_search(&line).is_ok()
        {
            continue;
        }
        let text = cx.line_text(line);
        if text.len() < 6 || text.len() > 4000 {
            continue;
        }
        let lower = text.to_ascii_lowercase();
        let mut matched = false;
        // (the status code below is read from every line; these texts only from lines that may hold them)
        let found = line_words().found_in(&lower);
        let words = found & PATTERN_WORDS != 0;
        if let Some(p) = words.then(|| lower.find(DIAL_BUSY)).flatten() {
            // Asterisk's Dial: "(channels:busy/congestion/unavailable)"
            if let Some((n, b, c, u)) = dial_counts(&lower[p..]) {
                let hit = if n > 0 && b == n {
                    Some(("route.all_busy", Severity::Warning, 55, "the dial step reports that every target was busy"))
                } else if n > 0 && u == n {
                    Some((
                        "route.extension_offline",
                        Severity::Warning,
                        35,
                        "the dial step reports that no target could be reached (unavailable)",
                    ))
                } else if n > 0 && c == n {
                    Some((
                        "sip.server_error",
                        Severity::Warning,
                        35,
                        "the dial step reports congestion: the trunk refused the call",
                    ))
                } else {
                    None
                };
                if let Some((cause, sev, conf, what)) = hit {
                    hits.push((cause, sev, conf, what.to_string(), cx.ev_input(line, "log line")));
                }
                continue;
            }
        }
        if words && lower.contains(NOT_IN_CONTEXT) {
            let ext = lower.split("to extension '").nth(1).and_then(|r| r.split('\'').next()).unwrap_or("");
            let (cause, what) = if is_extension(ext) {
                ("route.extension_missing", "the log says the dialled extension is not in the dialplan context")
            } else if context_inbound(&lower) || !ext.is_empty() {
                (
                    "route.inbound_rule",
                    "the log says no routing rule in that dialplan context matches the dialled number",
                )
            } else {
                ("route.extension_missing", "the log says the dialled extension is not in the dialplan context")
            };
            hits.push((cause, Severity::Error, 60, what.to_string(), cx.ev_input(line, "log line")));
            matched = true;
        }
        for p in PATTERNS.iter().filter(|_| words) {
            if p.smartalex_only && !cx.smartalex() {
                continue;
            }
            if any(&lower, p.words) {
                hits.push((p.cause, p.severity, p.confidence, p.what.to_string(), cx.ev_input(line, "log line")));
                matched = true;
                break;
            }
        }
        if matched {
            continue;
        }
        let status = partial_at(line).and_then(|(_, s)| *s).or_else(|| status_in(&lower, found));
        if let Some(code) = status {
            seq.push((line, code));
            if matches!(code, 401 | 407) {
                continue; // read in sequence below: a challenge is normal when success follows
            }
            if let Some((cause, sev, conf, what)) = code_cause(code, text, savp) {
                hits.push((cause, sev, conf, what, cx.ev_input(line, format!("log line ({code})"))));
            }
        } else if found & REGISTERED_WORD != 0 && !lower.contains("unregistered") && !lower.contains("not registered") {
            seq.push((line, 200));
        }
    }
    challenges_in_lines(cx, &seq, &mut hits);
    for (cause, sev, conf, what, ev) in hits {
        // Join a message-based finding of the same cause when there is one.
        if let Some(f) = cx.out.iter_mut().find(|f| f.cause == cause && f.evidence.iter().any(|e| e.message.is_some()))
        {
            if f.evidence.len() < 8 && !f.evidence.iter().any(|e| e.line == ev.line) {
                f.evidence.push(ev);
            }
            continue;
        }
        if let Some(f) = cx.out.iter_mut().find(|f| f.cause == cause && f.call.is_none() && f.severity == sev) {
            f.confidence = f.confidence.max(conf).saturating_add(5).min(85);
            if f.evidence.len() < 8 {
                f.evidence.push(ev);
            }
            continue;
        }
        let excerpt = clip(&ev.excerpt, 120);
        cx.finding(
            cause,
            sev,
            conf,
            None,
            format!("Log line {}: {what} (\"{excerpt}\"). This is a log line, not a whole SIP message.", ev.line),
            vec![ev],
        );
    }
}
