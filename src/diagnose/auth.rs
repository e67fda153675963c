//! Authentication rules: challenge loops (401/407 after credentials were sent), a challenge left
//! unanswered, and 403 Forbidden with its variants (credentials, IP allowlist, suspended trunk,
//! limits told in the reason text, or "authenticated but not allowed").
//!
//! A single challenge followed by success is how digest authentication works and is not
//! reported; a challenge with `stale=true` only means the nonce expired.

use super::ctx::{any, one_line, Ctx};
use super::{Evidence, Severity};
use crate::calls::CallKind;
use crate::sip::{Auth, HeaderName};

pub(crate) fn run(cx: &mut Ctx<'_, '_>) {
    challenge_loops(cx);
    forbidden(cx);
}

fn challenge_of<'a>(cx: &Ctx<'_, 'a>, resp: u32) -> Option<Auth<'a>> {
    let m = cx.msg(resp);
    m.value(HeaderName::WwwAuthenticate).or_else(|| m.value(HeaderName::ProxyAuthenticate)).and_then(Auth::parse)
}

fn creds_of<'a>(cx: &Ctx<'_, 'a>, req: u32) -> Option<Auth<'a>> {
    let m = cx.msg(req);
    m.value(HeaderName::Authorization).or_else(|| m.value(HeaderName::ProxyAuthorization)).and_then(Auth::parse)
}

fn creds_evidence(cx: &Ctx<'_, '_>, req: u32) -> Option<Evidence> {
    cx.ev_header(req, HeaderName::Authorization).or_else(|| cx.ev_header(req, HeaderName::ProxyAuthorization))
}

/// Chains of transactions that retry the same request: per call and method; REGISTER chains
/// are joined across Call-IDs by the registered address (some phones change Call-ID).
fn chains(cx: &Ctx<'_, '_>) -> Vec<(Option<u32>, Vec<u32>)> {
    let calls = &cx.a.calls;
    let mut out: Vec<(Option<u32>, Vec<u32>)> = Vec::new();
    let mut reg: Vec<(String, Option<u32>, Vec<u32>)> = Vec::new();
    for (ci, call) in calls.calls.iter().enumerate() {
        let mut methods: Vec<&str> = Vec::new();
        for &t in &call.transactions {
            let m = calls.transactions[t as usize].method.as_str();
            if m != "ACK" && m != "CANCEL" && !methods.contains(&m) {
                methods.push(m);
            }
        }
        for m in methods {
            let txs: Vec<u32> =
                call.transactions.iter().copied().filter(|&t| calls.transactions[t as usize].method == m).collect();
            if m == "REGISTER" && call.kind == CallKind::Registration {
                let key = call.to.clone().unwrap_or_default();
                match reg.iter_mut().find(|(k, _, _)| *k == key) {
                    Some((_, _, v)) => v.extend(txs),
                    None => reg.push((key, Some(ci as u32), txs)),
                }
            } else {
                out.push((Some(ci as u32), txs));
            }
        }
    }
    for (_, c, mut v) in reg {
        let first = |t: &u32| calls.transactions[*t as usize].messages.first().copied().unwrap_or(0);
        v.sort_by_key(first);
        out.push((c, v));
    }
    out
}

fn challenge_loops(cx: &mut Ctx<'_, '_>) {
    for (call, chain) in chains(cx) {
        let mut rejected: Vec<(u32, u32)> = Vec::new(); // (request, challenge response)
        let mut first_challenge: Option<u32> = None;
        let mut last_challenge: Option<u32> = None;
        let mut success_after_reject = false;
        let mut last_state_challenge = false;
        let mut stale_seen: Option<u32> = None;
        let mut prev_challenged = false;
        for (k, &t) in chain.iter().enumerate() {
            let tx = cx.tx(t);
            let Some(code) = tx.final_status else {
                last_state_challenge = false;
                continue;
            };
            let Some(resp) = tx.final_message else { continue };
            let creds = match tx.request {
                Some(r) => cx.has_creds(r),
                // the request is not in the trace: a retry after a challenge carries credentials
                None => k > 0 && prev_challenged,
            };
            match code {
                401 | 407 => {
                    let stale = challenge_of(cx, resp).is_some_and(|a| a.stale);
                    first_challenge.get_or_insert(resp);
                    if creds && !stale {
                        rejected.push((tx.request.unwrap_or(resp), resp));
                    }
                    if stale {
                        stale_seen = Some(resp);
                    }
                    last_challenge = Some(resp);
                    last_state_challenge = true;
                    prev_challenged = true;
                }
                200..=299 => {
                    if !rejected.is_empty() {
                        success_after_reject = true;
                    }
                    last_state_challenge = false;
                    prev_challenged = false;
                }
                _ => {
                    last_state_challenge = false;
                    prev_challenged = false;
                }
            }
        }
        let method = chain.first().map(|&t| cx.tx(t).method.clone()).unwrap_or_default();
        if let Some(&(req, resp)) = rejected.last() {
            let n = rejected.len();
            let code_label = cx.label(resp);
            let mut expl = format!(
                "{method} was challenged with {code_label} {} after your side sent credentials",
                if n == 1 { "again".to_string() } else { format!("{n} times") }
            );
            let creds = if cx.msg(req).is_request() { creds_of(cx, req) } else { None };
            let chal = challenge_of(cx, resp);
            if let Some(u) = creds.and_then(|c| c.username) {
                expl.push_str(&format!(" (username \"{u}\")"));
            }
            expl.push_str(": the server does not accept the username or password.");
            if let (Some(cr), Some(ch)) = (creds.and_then(|c| c.realm), chal.and_then(|c| c.realm)) {
                if !cr.eq_ignore_ascii_case(ch) {
                    expl.push_str(&format!(
                        " The credentials were made for realm \"{cr}\" but the server asks for realm \"{ch}\"."
                    ));
                }
            }
            if stale_seen.is_some() {
                expl.push_str(" One challenge said stale=true (only the nonce had expired); that one is not a fault.");
            }
            let mut ev = Vec::new();
            if let Some(fc) = first_challenge.filter(|&f| f != resp) {
                ev.push(cx.ev(fc, format!("{} (first challenge, normal)", cx.label(fc))));
            }
            if cx.msg(req).is_request() {
                ev.push(creds_evidence(cx, req).unwrap_or_else(|| cx.ev(req, cx.label(req))));
            }
            for &(_, r) in &rejected {
                ev.push(cx.ev(r, cx.label(r)));
            }
            if success_after_reject {
                expl = format!(
                    "{method} was challenged again after credentials were sent, then accepted on a later try. \
                     This can be a nonce that changed, or a second realm; if it repeats, check the password."
                );
                cx.finding("auth.credentials", Severity::Warning, 35, call, expl, ev);
            } else {
                let conf = if n >= 2 { 90 } else { 80 };
                cx.finding("auth.credentials", Severity::Error, conf, call, expl, ev);
            }
        } else if let (Some(fc), false) = (first_challenge, last_state_challenge) {
            // A challenge answered with credentials and then success: how digest login works.
            let ok = chain.iter().rev().find_map(|&t| {
                let tx = cx.tx(t);
                tx.final_status.filter(|c| (200..300).contains(c)).and(tx.final_message)
            });
            if let Some(ok) = ok.filter(|&o| o > fc) {
                cx.finding(
                    "auth.challenge",
                    Severity::Expected,
                    70,
                    call,
                    format!(
                        "{method} was challenged with {} and accepted with {} once credentials were sent: this is \
                         the normal digest login, not a fault.",
                        cx.label(fc),
                        cx.label(ok)
                    ),
                    vec![cx.ev(fc, format!("{} (challenge)", cx.label(fc))), cx.ev(ok, cx.label(ok))],
                );
            }
        } else if last_state_challenge && stale_seen != last_challenge {
            let Some(resp) = last_challenge else { continue };
            // Only for the request that opens something (not a challenged BYE).
            if !matches!(method.as_str(), "INVITE" | "REGISTER" | "SUBSCRIBE" | "MESSAGE" | "OPTIONS") {
                continue;
            }
            let expl = format!(
                "The server challenged {method} with {} and the trace holds no retry with credentials. \
                 If the trace covers the whole attempt, your side has no username or password set for this \
                 trunk, or it gave up.",
                cx.label(resp)
            );
            let mut ev = vec![cx.ev(resp, cx.label(resp))];
            if let Some(h) = cx.ev_header(resp, HeaderName::WwwAuthenticate) {
                ev.push(h);
            }
            cx.finding("auth.credentials", Severity::Warning, 30, call, expl, ev);
        }
    }
}

/// What a 403's text says about its reason.
fn forbidden_variant(hints: &str) -> Option<&'static str> {
    if any(
        hints,
        &[
            "suspend",
            "disabled",
            "deactivat",
            "read-only",
            "read only",
            "readonly",
            "inactive",
            "blocked account",
            "account locked",
            "terminated account",
        ],
    ) {
        Some("trunk.suspended")
    } else if any(
        hints,
        &[
            "wrong password",
            "bad password",
            "invalid password",
            "bad auth",
            "authentication fail",
            "auth fail",
            "invalid credential",
            "bad credential",
            "wrong credential",
            "not authenticated",
        ],
    ) {
        Some("auth.credentials")
    } else if any(
        hints,
        &[
            "channel limit",
            "concurrent",
            "call limit",
            "max calls",
            "maximum calls",
            "too many calls",
            "channels exceeded",
        ],
    ) {
        Some("capacity.concurrent_limit")
    } else if any(hints, &["rate limit", "cps", "calls per second", "too many requests", "throttl"]) {
        Some("capacity.rate_limit")
    } else if any(hints, &["wallet", "balance", "insufficient fund", "funds", "credit", "payment"]) {
        Some("billing.wallet_empty")
    } else if any(
        hints,
        &[
            "acl",
            "ip address",
            "source ip",
            "not allowed from",
            "unknown ip",
            "ip not",
            "not whitelisted",
            "allowlist",
            "whitelist",
            "unauthorized ip",
            "not a trunk",
            "unknown peer",
            "no matching endpoint",
        ],
    ) {
        Some("auth.ip_allowlist")
    } else {
        None
    }
}

fn forbidden(cx: &mut Ctx<'_, '_>) {
    let n = cx.a.calls.transactions.len();
    for t in 0..n as u32 {
        let tx = cx.tx(t);
        if tx.final_status != Some(403) {
            continue;
        }
        let Some(resp) = tx.final_message else { continue };
        let call = Some(tx.call);
        let method = tx.method.clone();
        let req = tx.request;
        let hints = cx.hints(resp);
        let label = cx.label(resp);
        let mut ev = vec![cx.ev(resp, label.clone())];
        for h in [HeaderName::Warning, HeaderName::Reason] {
            if let Some(e) = cx.ev_header(resp, h) {
                ev.push(e);
            }
        }
        let creds_here = req.map(|r| cx.has_creds(r));
        let call_ref = cx.call(tx.call);
        let creds_ever = call_ref.messages.iter().any(|&m| cx.msg(m).is_request() && cx.has_creds(m));
        let challenged = call_ref.transactions.iter().any(|&u| matches!(cx.tx(u).final_status, Some(401 | 407)));
        if let Some(r) = req.filter(|&r| cx.has_creds(r)) {
            if let Some(e) = creds_evidence(cx, r) {
                ev.push(e);
            }
        } else if let Some(r) = req {
            ev.push(cx.ev(r, format!("{} without credentials", cx.label(r))));
        }
        let reason_text = cx.msg(resp).reason_phrase().map(one_line).unwrap_or_default();
        let told = cx.warning(resp).map(|w| format!(" (Warning: {w})")).unwrap_or_default();
        match forbidden_variant(&hints) {
            Some("trunk.suspended") => cx.finding(
                "trunk.suspended",
                Severity::Error,
                85,
                call,
                format!(
                    "{method} was refused with {label}{told}: the text says the account or trunk is not active. \
                     Credentials are not the problem."
                ),
                ev,
            ),
            Some(cause) => {
                let conf = if cause == "auth.ip_allowlist" { 75 } else { 80 };
                cx.finding(
                    cause,
                    Severity::Error,
                    conf,
                    call,
                    format!(
                        "{method} was refused with {label}{told}; the reason text \"{reason_text}\" names the cause."
                    ),
                    ev,
                )
            }
            None => {
                if creds_here == Some(true) || (creds_here.is_none() && creds_ever) {
                    if method == "REGISTER" {
                        cx.finding(
                            "auth.credentials",
                            Severity::Error,
                            65,
                            call,
                            format!(
                                "REGISTER with credentials was refused with {label}{told}. Many servers answer 403 \
                                 (not 401) when the password or username is wrong."
                            ),
                            ev.clone(),
                        );
                        cx.finding(
                            "auth.forbidden",
                            Severity::Error,
                            45,
                            call,
                            format!(
                                "The server read your credentials and still refused REGISTER with {label}: the \
                                 account may not be allowed to register from here."
                            ),
                            ev,
                        );
                    } else {
                        cx.finding(
                            "auth.forbidden",
                            Severity::Error,
                            70,
                            call,
                            format!(
                                "{method} carried credentials{} and was refused with {label}{told}: the server knows \
                                 who you are but does not allow this request (number, destination or account \
                                 permissions).",
                                if challenged { " after a challenge" } else { "" }
                            ),
                            ev,
                        );
                    }
                } else if creds_here == Some(false) && !challenged {
                    cx.finding(
                        "auth.ip_allowlist",
                        Severity::Error,
                        70,
                        call,
                        format!(
                            "{method} was refused with {label}{told} without any credentials being asked for or \
                             sent: the trunk authenticates by source IP address, and yours is not on its list."
                        ),
                        ev.clone(),
                    );
                    cx.finding(
                        "auth.forbidden",
                        Severity::Error,
                        35,
                        call,
                        format!("{method} was refused with {label}: the account may not be allowed to do this."),
                        ev,
                    );
                } else {
                    cx.finding(
                        "auth.forbidden",
                        Severity::Error,
                        55,
                        call,
                        format!("{method} was refused with {label}{told}."),
                        ev.clone(),
                    );
                    cx.finding(
                        "auth.ip_allowlist",
                        Severity::Error,
                        40,
                        call,
                        format!(
                            "The request that got {label} is not in the trace, so it is unknown whether credentials \
                             were sent; an IP allowlist mismatch is the other common reason."
                        ),
                        ev,
                    );
                }
            }
        }
    }
}
