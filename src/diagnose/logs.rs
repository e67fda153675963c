//! Evidence from log lines that are not whole SIP messages: the partial lines the ingesters found
//! ("Registration failed: 403 Forbidden", "Got SIP response 503") and well-known log texts of
//! Asterisk, FreeSWITCH and SIP stacks ("Failed to authenticate", "lack of RTP activity",
//! "INCOMPATIBLE_DESTINATION", "extension not found in context"). Such evidence is marked as
//! coming from a log line; when a message-based finding already names the same cause, the line is
//! added to its evidence instead of making a second finding.

use super::ctx::{any, clip, is_extension, Ctx};
use super::{Evidence, Severity};

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
    Pattern { words: &["everyone is busy/congested"], cause: "route.all_busy", severity: Severity::Warning, confidence: 35, what: "the dial step reports that every target was busy, congested or unavailable", smartalex_only: false },
    Pattern { words: &["user_busy"], cause: "route.busy", severity: Severity::Expected, confidence: 60, what: "the log gives the hangup cause USER_BUSY (busy line: not a fault)", smartalex_only: false },
    Pattern { words: &["subscriber absent", "user_not_registered", "no registered contacts", "has no contacts", "not currently registered"], cause: "route.extension_offline", severity: Severity::Warning, confidence: 50, what: "the log says the target is not registered", smartalex_only: false },
    Pattern { words: &["recovery_on_timer_expire", "request timeout", "transaction timed out", "timer b fired"], cause: "net.no_response", severity: Severity::Error, confidence: 50, what: "the log says a request timed out with no response", smartalex_only: false },
    Pattern { words: &["too large for udp"], cause: "net.message_too_large", severity: Severity::Warning, confidence: 45, what: "the log says a message was too large for UDP", smartalex_only: false },
    Pattern { words: &["call_rejected"], cause: "route.declined", severity: Severity::Warning, confidence: 45, what: "the log gives the hangup cause CALL_REJECTED", smartalex_only: false },
    Pattern { words: &["normal_temporary_failure", "destination_out_of_order"], cause: "sip.server_error", severity: Severity::Error, confidence: 40, what: "the log gives a temporary failure as the hangup cause", smartalex_only: false },
    Pattern { words: &["call limit reached", "call-limit reached", "channel limit", "max concurrent calls", "concurrent call limit", "too many calls"], cause: "capacity.concurrent_limit", severity: Severity::Error, confidence: 55, what: "the log says a call limit was reached", smartalex_only: false },
    Pattern { words: &["insufficient funds", "insufficient balance", "wallet is empty", "wallet empty", "out of credit"], cause: "billing.wallet_empty", severity: Severity::Error, confidence: 60, what: "the log says the account has no credit", smartalex_only: false },
    Pattern { words: &["session timer expired", "session-timer expired", "session timeout"], cause: "session.timer_refresh", severity: Severity::Error, confidence: 55, what: "the log says the session timer expired", smartalex_only: false },
    Pattern { words: &["agent not linked", "no agent linked", "no agent assigned"], cause: "agent.not_linked", severity: Severity::Error, confidence: 60, what: "the log says no agent is linked", smartalex_only: true },
    Pattern { words: &["dispatch failed", "dispatch error"], cause: "platform.dispatch_failed", severity: Severity::Error, confidence: 60, what: "the log says the voice runtime could not be dispatched", smartalex_only: true },
];

/// A status code named by a log line ("Got SIP response 503", "failed: 403", "status 480").
fn status_in(text: &str) -> Option<u16> {
    let lower = text.to_ascii_lowercase();
    for key in ["sip response ", "response code ", "failed: ", "failed with ", "status code ", "got response ", "rejected with ", "response: "] {
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
    None
}

/// What a code in a log line most likely means.
fn code_cause(code: u16, text: &str) -> Option<(&'static str, Severity, u8, String)> {
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
    any(&l, &["from-trunk", "from-pstn", "from-did", "inbound", "from-external", "from-provider", "ext-did", "from_trunk"])
}

pub(crate) fn run(cx: &mut Ctx<'_, '_>) {
    let covered = cx.covered_lines();
    let partial_lines: Vec<(u32, Option<u16>)> = cx.a.ingested.partials.iter().map(|p| (p.line, p.status)).collect();
    let total = cx.line_count();
    // Status lines inside a NOTIFY's sipfrag body are the transfer rule's evidence, not log lines.
    let frag_lines: Vec<u32> = (0..cx.a.messages.len() as u32).filter_map(|i| cx.sipfrag(i).map(|(_, l)| l)).collect();
    let mut hits: Vec<(&'static str, Severity, u8, String, Evidence)> = Vec::new();
    for line in 1..=total {
        if covered.get(line as usize).copied().unwrap_or(false) && !partial_lines.iter().any(|(l, _)| *l == line)
            || frag_lines.contains(&line)
        {
            continue;
        }
        let text = cx.line_text(line);
        if text.len() < 6 || text.len() > 4000 {
            continue;
        }
        let lower = text.to_ascii_lowercase();
        let mut matched = false;
        if lower.contains("not found in context") {
            let (cause, what) = if context_inbound(&lower) {
                ("route.inbound_rule", "the log says the dialled number has no match in the inbound context")
            } else {
                ("route.extension_missing", "the log says the dialled extension is not in the dialplan context")
            };
            hits.push((cause, Severity::Error, 60, what.to_string(), cx.ev_input(line, "log line")));
            matched = true;
        }
        for p in PATTERNS {
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
        let status = partial_lines.iter().find(|(l, _)| *l == line).and_then(|(_, s)| *s).or_else(|| status_in(text));
        if let Some(code) = status {
            if let Some((cause, sev, conf, what)) = code_cause(code, text) {
                hits.push((cause, sev, conf, what, cx.ev_input(line, format!("log line ({code})"))));
            }
        }
    }
    for (cause, sev, conf, what, ev) in hits {
        // Join a message-based finding of the same cause when there is one.
        if let Some(f) = cx.out.iter_mut().find(|f| f.cause == cause && f.evidence.iter().any(|e| e.message.is_some())) {
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
