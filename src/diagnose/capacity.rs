//! Capacity and server rules: 503 with its hints (Retry-After, Q.850 cause, reason text) →
//! concurrent-call limit, rate limit or a server fault; 500/502 → server fault; 402 and
//! balance texts → empty wallet; 513 → message too large; platform texts (smartalex profile);
//! calls that end at a fixed length (maximum call duration) and session-timer expiry after a
//! refresh that failed. Codes no other rule reads fall back to the knowledge base's code table.

use super::ctx::{any, secs, Ctx};
use super::Severity;
use crate::calls::{CallKind, Ending};
use crate::sip::HeaderName;

pub(crate) fn run(cx: &mut Ctx<'_, '_>) {
    for t in 0..cx.a.calls.transactions.len() as u32 {
        status(cx, t);
    }
    for ci in 0..cx.a.calls.calls.len() as u32 {
        max_duration(cx, ci);
        session_timer(cx, ci);
        if cx.smartalex() {
            platform_hangup(cx, ci);
        }
    }
}

/// smartalex: the platform answered a call from the PBX and hung up within seconds. The voice
/// engine did not start for it (or no agent could take it).
fn platform_hangup(cx: &mut Ctx<'_, '_>, ci: u32) {
    let c = cx.call(ci);
    if c.kind != CallKind::Call || !c.answered || c.ended_by != Some(Ending::Bye { by_caller: Some(false) }) {
        return;
    }
    let (Some(ans), Some(end), Some(d)) = (c.answer_message, c.end_message, c.duration_ms) else { return };
    let Some(&t) = c.initial.last() else { return };
    if cx.leg_of_tx(t) != super::ctx::Leg::Outbound || d > 5000 {
        return;
    }
    let hints = cx.hints(end);
    if any(&hints, &["wallet", "balance", "rtp", "media"]) {
        return; // other rules read these
    }
    let ev = vec![
        cx.ev(ans, format!("{} (answer)", cx.label(ans))),
        cx.ev(end, format!("{} from the platform", cx.label(end))),
    ];
    let secs_s = secs(d as i64 * 1000);
    cx.finding(
        "platform.dispatch_failed",
        Severity::Error,
        60,
        Some(ci),
        format!(
            "The platform answered the call and hung up {secs_s} later with no reason given: the voice engine did not \
             start for this call. Open the call in Call Logs to see the disconnect reason."
        ),
        ev.clone(),
    );
    cx.finding(
        "agent.not_linked",
        Severity::Error,
        40,
        Some(ci),
        format!("An answer followed by a hang-up {secs_s} later also happens when no agent is linked to the number."),
        ev,
    );
}

/// Codes read by the other rule files (auth, route, network, sdp, transfer, syntax).
fn handled_elsewhere(code: u16) -> bool {
    matches!(
        code,
        400 | 401
            | 403
            | 404
            | 406
            | 407
            | 408
            | 410
            | 415
            | 480
            | 484
            | 485
            | 486
            | 487
            | 488
            | 504
            | 580
            | 600
            | 603
            | 604
            | 606
    ) || (300..400).contains(&code)
}

fn tx_call(cx: &Ctx<'_, '_>, t: u32) -> u32 {
    cx.tx(t).call
}

fn retry_after(cx: &Ctx<'_, '_>, i: u32) -> Option<u32> {
    cx.msg(i).retry_after().map(|r| r.seconds)
}

fn status(cx: &mut Ctx<'_, '_>, t: u32) {
    let tx = cx.tx(t);
    let (Some(code), Some(resp)) = (tx.final_status, tx.final_message) else { return };
    if code < 400 || matches!(tx.method.as_str(), "ACK" | "CANCEL") {
        return;
    }
    // 481 to a BYE or CANCEL: the other side had already ended it; not a fault of its own.
    if code == 481 && matches!(tx.method.as_str(), "BYE" | "CANCEL" | "NOTIFY") {
        return;
    }
    // In-dialog refresh failures belong to the session-timer rule; REFER to the transfer rule.
    if tx.method == "REFER" {
        return;
    }
    let call = Some(tx.call);
    let method = tx.method.clone();
    let hints = cx.hints(resp);
    let label = cx.label(resp);
    let q = cx.q850(resp);
    let mut ev = vec![cx.ev(resp, label.clone())];
    for h in [HeaderName::Reason, HeaderName::Warning, HeaderName::RetryAfter] {
        if let Some(e) = cx.ev_header(resp, h) {
            ev.push(e);
        }
    }
    if let Some(r) = tx.request {
        ev.insert(0, cx.ev(r, cx.label(r)));
    }
    let qtext = q
        .map(|c| match crate::kb::q850(c) {
            Some(k) => format!(" (Q.850 cause {c}, {})", k.name),
            None => format!(" (Q.850 cause {c})"),
        })
        .unwrap_or_default();

    // Text the platform puts in the reason (smartalex-specific causes only with that profile).
    if any(
        &hints,
        &[
            "wallet",
            "insufficient fund",
            "insufficient balance",
            "no balance",
            "low balance",
            "out of credit",
            "funds required",
            "payment required",
        ],
    ) || code == 402
    {
        let (cause, whose) =
            if cx.smartalex() && (hints.contains("wallet") || cx.leg_of_tx(t) == super::ctx::Leg::Outbound) {
                ("billing.wallet_empty", "the workspace's wallet is empty, so the platform will not run the call")
            } else {
                ("billing.provider_balance", "the account has no credit left for calls")
            };
        cx.finding(
            cause,
            Severity::Error,
            if code == 402 { 80 } else { 75 },
            call,
            format!("{method} was refused with {label}{qtext}: {whose}."),
            ev,
        );
        return;
    }
    if any(&hints, &["suspend", "deactivat", "account disabled", "trunk disabled"]) && code != 403 {
        cx.finding(
            "trunk.suspended",
            Severity::Error,
            80,
            call,
            format!("{method} was refused with {label}{qtext}: the text says the trunk or account is suspended."),
            ev,
        );
        return;
    }
    if cx.smartalex() {
        let platform = if any(&hints, &["not linked", "no agent", "agent not", "unlinked", "no assistant"]) {
            Some(("agent.not_linked", "no AI agent is linked to this trunk or number"))
        } else if any(&hints, &["dispatch"]) {
            Some(("platform.dispatch_failed", "the platform could not start the voice runtime for the call"))
        } else if any(&hints, &["first message", "system prompt", "nothing to say", "no prompt"]) {
            Some(("agent.nothing_to_say", "the agent has no first message and no prompt"))
        } else {
            None
        };
        if let Some((cause, what)) = platform {
            cx.finding(cause, Severity::Error, 80, call, format!("{method} got {label}: {what}."), ev);
            return;
        }
    }
    if handled_elsewhere(code) {
        return;
    }
    match code {
        503 => {
            let ra = retry_after(cx, resp);
            let limit = any(&hints, &["channel", "concurrent", "call limit", "max calls", "maximum calls", "too many calls", "limit reached", "capacity"]);
            let rate = any(&hints, &["rate", "cps", "calls per second", "too many requests", "throttl", "flood"]);
            let overload = matches!(q, Some(42));
            if rate || overload || ra.is_some() && !limit {
                let why = if rate {
                    "the reason text speaks of a rate".to_string()
                } else if let Some(s) = ra {
                    format!("it asks to retry after {s} s (Retry-After)")
                } else {
                    "it reports congestion".to_string()
                };
                cx.finding(
                    "capacity.rate_limit",
                    Severity::Error,
                    70,
                    call,
                    format!(
                        "{method} was refused with {label}{qtext} and {why}: too many calls or requests were started \
                         in a short time."
                    ),
                    ev,
                );
            } else if limit || matches!(q, Some(34 | 47)) {
                cx.finding(
                    "capacity.concurrent_limit",
                    Severity::Error,
                    80,
                    call,
                    format!(
                        "{method} was refused with {label}{qtext}: all channels are in use — the trunk's limit of \
                         calls at the same time is reached."
                    ),
                    ev,
                );
            } else if matches!(q, Some(38 | 41 | 27 | 111 | 127)) {
                cx.finding(
                    "sip.server_error",
                    Severity::Error,
                    65,
                    call,
                    format!(
                        "{method} was refused with {label}{qtext}: a temporary failure on the other side, not a \
                         limit."
                    ),
                    ev.clone(),
                );
                cx.finding(
                    "capacity.concurrent_limit",
                    Severity::Error,
                    40,
                    call,
                    format!("If it happens only when several calls are up, {label} is the concurrent-call limit."),
                    ev,
                );
            } else {
                cx.finding(
                    "capacity.concurrent_limit",
                    Severity::Error,
                    55,
                    call,
                    format!(
                        "{method} was refused with {label}{qtext}. On a trunk this most often means the limit of \
                         calls at the same time is reached."
                    ),
                    ev.clone(),
                );
                cx.finding(
                    "sip.server_error",
                    Severity::Error,
                    40,
                    call,
                    format!(
                        "{label} can also mean the other side is down or has no route for the call right now."
                    ),
                    ev,
                );
            }
        }
        405 | 420 | 421 | 501 | 469 | 489 | 494 | 555 => cx.finding(
            "sip.unsupported",
            Severity::Warning,
            65,
            call,
            format!(
                "{method} was refused with {label}{qtext}: the other side does not support this request or a SIP \
                 extension it requires ({}).",
                cx.msg(resp).value(HeaderName::Unsupported).or_else(|| cx.msg(resp).value(HeaderName::Allow)).map_or(
                    "no detail given".to_string(),
                    super::ctx::one_line
                )
            ),
            ev,
        ),
        422 => {
            let answered_later = cx.call(tx_call(cx, t)).answered;
            let min_se = cx.msg(resp).min_se().map(|m| format!(" (Min-SE: {m} s)")).unwrap_or_default();
            cx.finding(
                "session.interval_too_small",
                if answered_later { Severity::Info } else { Severity::Warning },
                if answered_later { 40 } else { 65 },
                call,
                format!(
                    "{method} was refused with {label}{min_se}: its Session-Expires is shorter than the other side \
                     accepts.{}",
                    if answered_later { " The retry with a longer interval succeeded." } else { " No successful retry follows." }
                ),
                ev,
            );
        }
        491 => cx.finding(
            "session.glare",
            Severity::Info,
            50,
            call,
            format!("{method} was refused with {label}: both sides changed the call at the same moment; a retry follows normally."),
            ev,
        ),
        481 => cx.finding(
            "session.unknown_dialog",
            Severity::Warning,
            60,
            call,
            format!("{method} was refused with {label}: the other side no longer knows this call (it ended there already, or the request went to the wrong place)."),
            ev,
        ),
        482 | 483 => cx.finding(
            "route.loop",
            Severity::Error,
            75,
            call,
            format!("{method} was refused with {label}: the request went round between systems until it ran out of hops (Max-Forwards)."),
            ev,
        ),
        433 | 607 | 608 => cx.finding(
            "route.call_blocked",
            Severity::Warning,
            70,
            call,
            format!("{method} was refused with {label}{qtext}: the network refused the call as unwanted or anonymous."),
            ev,
        ),
        428 | 436 | 437 | 438 => cx.finding(
            "auth.identity_rejected",
            Severity::Error,
            75,
            call,
            format!("{method} was refused with {label}: the caller identity (Identity / STIR-SHAKEN) was missing or not accepted."),
            ev,
        ),
        513 => cx.finding(
            "net.message_too_large",
            Severity::Error,
            90,
            call,
            format!("{method} was refused with {label}: it is too big for the server (usually a large SDP over UDP)."),
            ev,
        ),
        500..=599 => {
            let conf = if code == 500 || code == 502 { 70 } else { 55 };
            cx.finding(
                "sip.server_error",
                Severity::Error,
                conf,
                call,
                format!("{method} was refused with {label}{qtext}: the server on the other side failed to handle it."),
                ev,
            );
        }
        _ => {
            // Fall back to the knowledge base's code table.
            let kb = crate::kb::code(code);
            let profile = cx.opts.profile.as_deref().unwrap_or("generic");
            let cause = crate::kb::causes_for_code(code).into_iter().find(|c| c.applies_to(profile)).map(|c| c.id);
            if let Some(cause) = cause {
                let expected = kb.is_some_and(|k| k.expected);
                let mean = kb.map(|k| k.meaning).filter(|m| !m.is_empty()).unwrap_or("");
                cx.finding(
                    cause,
                    if expected { Severity::Expected } else { Severity::Warning },
                    50,
                    call,
                    format!("{method} got {label}{qtext}. {mean}"),
                    ev,
                );
            } else if code >= 500 {
                cx.finding(
                    "sip.server_error",
                    Severity::Error,
                    50,
                    call,
                    format!("{method} got {label}{qtext}."),
                    ev,
                );
            }
        }
    }
}

/// Answered calls that end at the maximum call length.
fn max_duration(cx: &mut Ctx<'_, '_>, ci: u32) {
    let c = cx.call(ci);
    if c.kind != CallKind::Call || !c.answered || !matches!(c.ended_by, Some(Ending::Bye { .. })) {
        return;
    }
    let (Some(d), Some(ans), Some(end)) = (c.duration_ms, c.answer_message, c.end_message) else { return };
    let profile_limit = cx.profile.map(|p| p.max_call_duration_s).filter(|&s| s > 0);
    let limits: Vec<(u64, u8)> = match profile_limit {
        Some(s) => vec![(s as u64, 80)],
        None if cx.smartalex() => vec![(300, 80)],
        None => vec![(300, 55), (600, 45), (3600, 45), (7200, 45)],
    };
    for (limit, conf) in limits {
        let lim_ms = limit * 1000;
        let tol = (lim_ms / 100).max(3000);
        if d + tol >= lim_ms && d <= lim_ms + tol {
            let ev = vec![cx.ev(ans, format!("{} (answer)", cx.label(ans))), cx.ev(end, cx.label(end))];
            cx.finding(
                "capacity.max_duration",
                Severity::Warning,
                conf,
                Some(ci),
                format!(
                    "The call was answered and ended by BYE {} later, right at a {limit} s limit: a maximum call \
                     length cut it, not a network fault.",
                    secs(d as i64 * 1000)
                ),
                ev,
            );
            return;
        }
    }
}

/// Session-Expires (seconds) and refresher of the answered call.
fn session_expires(cx: &Ctx<'_, '_>, ans: u32, invite: Option<u32>) -> Option<(u32, Option<String>, u32)> {
    for i in [Some(ans), invite].into_iter().flatten() {
        if let Some(se) = cx.msg(i).session_expires() {
            let refresher = se.refresher.map(|r| match r {
                crate::sip::Refresher::Uac => "uac".to_string(),
                crate::sip::Refresher::Uas => "uas".to_string(),
            });
            return Some((se.delta, refresher, i));
        }
    }
    None
}

fn session_timer(cx: &mut Ctx<'_, '_>, ci: u32) {
    let c = cx.call(ci);
    if c.kind != CallKind::Call {
        return;
    }
    if !c.answered {
        return;
    }
    let Some(ans) = c.answer_message else { return };
    let invite = c.initial.last().and_then(|&t| cx.tx(t).request);
    let se = session_expires(cx, ans, invite);
    let end = c.end_message.filter(|_| matches!(c.ended_by, Some(Ending::Bye { .. })));
    let duration = c.duration_ms;
    // refreshes after the answer
    let refreshes: Vec<u32> = c
        .transactions
        .iter()
        .copied()
        .filter(|&t| {
            let tx = cx.tx(t);
            (tx.method == "INVITE" && !c.initial.contains(&t) || tx.method == "UPDATE")
                && tx.request.is_some_and(|r| r > ans)
        })
        .collect();
    let failed = refreshes.iter().copied().find(|&t| {
        let tx = cx.tx(t);
        tx.final_status.is_some_and(|s| s >= 400)
    });
    let unanswered = refreshes.iter().copied().find(|&t| {
        let tx = cx.tx(t);
        tx.final_status.is_none() && tx.provisional.is_empty() && tx.request_copies >= 2
    });
    let bye_says = end.map(|e| cx.hints(e)).is_some_and(|h| {
        any(&h, &["session timer", "session-timer", "session expired", "session_expired", "timer expired"])
    });
    let se_note = se
        .as_ref()
        .map(|(s, r, _)| {
            format!(" Session-Expires is {s} s{}.", r.as_ref().map(|r| format!(" (refresher={r})")).unwrap_or_default())
        })
        .unwrap_or_default();
    let mut ev = Vec::new();
    if let Some((_, _, i)) = &se {
        if let Some(e) = cx.ev_header(*i, HeaderName::SessionExpires) {
            ev.push(e);
        }
    }
    if let Some(t) = failed {
        let tx = cx.tx(t);
        let method = tx.method.clone();
        let code = tx.final_status.unwrap_or(0);
        if let Some(r) = tx.request {
            ev.push(cx.ev(r, format!("{} (refresh)", cx.label(r))));
        }
        if let Some(f) = tx.final_message {
            ev.push(cx.ev(f, cx.label(f)));
        }
        if let Some(e) = end {
            ev.push(cx.ev(e, cx.label(e)));
        }
        let after = match (tx.final_message, end) {
            (Some(f), Some(e)) => cx.gap(f, e).map(|g| format!(", and the call ended {} later", secs(g))),
            _ => None,
        }
        .unwrap_or_default();
        let conf = if end.is_some() { 80 } else { 65 };
        cx.finding(
            "session.timer_refresh",
            Severity::Error,
            conf,
            Some(ci),
            format!(
                "The session refresh ({method}) inside the answered call was refused with {code}{after}. Without a \
                 successful refresh the session timer runs out and one side hangs up.{se_note}"
            ),
            ev,
        );
        return;
    }
    if let (Some(t), true) = (unanswered, end.is_some()) {
        // No response at all: the network rule reports the lost request; note the timer too.
        if let Some(r) = cx.tx(t).request {
            ev.push(cx.ev(r, format!("{} (refresh, unanswered)", cx.label(r))));
        }
        cx.finding(
            "session.timer_refresh",
            Severity::Warning,
            45,
            Some(ci),
            format!("The session refresh got no response, so the session timer ran out and the call ended.{se_note}"),
            ev,
        );
        return;
    }
    if let (Some((s, _, _)), Some(d), Some(e)) = (&se, duration, end) {
        let s_ms = *s as u64 * 1000;
        let near = d + 40_000 >= s_ms && d <= s_ms + 5000;
        if (near && refreshes.is_empty()) || bye_says {
            ev.push(cx.ev(ans, format!("{} (answer)", cx.label(ans))));
            ev.push(cx.ev(e, cx.label(e)));
            cx.finding(
                "session.timer_refresh",
                Severity::Error,
                if bye_says { 85 } else { 75 },
                Some(ci),
                format!(
                    "The call ended {} after the answer with no session refresh in between — that is the session \
                     timer running out: the side that should refresh (re-INVITE or UPDATE at half the interval) never \
                     did.{se_note}",
                    secs(d as i64 * 1000)
                ),
                ev,
            );
            return;
        }
    }
    if bye_says {
        if let Some(e) = end {
            ev.push(cx.ev(e, cx.label(e)));
            cx.finding(
                "session.timer_refresh",
                Severity::Error,
                75,
                Some(ci),
                format!("{} says the session timer expired: no refresh reached the other side.{se_note}", cx.label(e)),
                ev,
            );
        }
    }
}
