//! Diagnosis: rules read an [`Analysis`] (messages, transactions, calls, SDP, timing, log lines)
//! and emit findings. Each finding names a cause id from the knowledge base, a severity, a
//! confidence, an explanation of what was seen, and evidence (message index and input line). The
//! engine holds no prose about causes: titles, fixes and checks come from [`crate::kb`].
//!
//! Rules are grouped by family, one file each: `auth` (challenges, 403), `route` (404, 480, busy,
//! declined), `network` (timers, no response, lost ACK, transport, size, UDP timeouts), `nat`
//! (private addresses, SIP ALG), `sdp` (codecs, DTMF, RTP timeouts), `capacity` (503, 500,
//! limits, call length, session timers), `transfer` (REFER), `logs` (one-line log evidence) and
//! `syntax` (malformed messages, no SIP). [`diagnose`] runs them all, merges the media findings
//! of a capture, and ranks: faults first, then expected behaviour, then notes; within a group
//! by confidence, with causes the user's symptom lists moved up.

mod auth;
mod capacity;
pub(crate) mod ctx;
mod logs;
mod nat;
mod network;
mod route;
mod sdp;
mod syntax;
mod transfer;

use crate::analysis::Analysis;
use crate::calls::{CallKind, Ending};
use ctx::Ctx;

/// How bad a finding is. "Expected" marks behaviour that looks like a failure but is not a fault
/// (486 Busy Here, a first 401 challenge).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
    Info,
    Expected,
}

impl Severity {
    pub fn id(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
            Severity::Expected => "expected",
        }
    }

    /// Rank group: faults (0), expected behaviour (1), notes (2).
    fn group(self) -> u8 {
        match self {
            Severity::Error | Severity::Warning => 0,
            Severity::Expected => 1,
            Severity::Info => 2,
        }
    }
}

/// A piece of evidence: a message (index into `Analysis::messages`) and the input line that
/// shows it, with a short label ("401 Unauthorized") and the line's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    pub message: Option<u32>,
    /// 1-based input line.
    pub line: u32,
    pub label: String,
    pub excerpt: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// A cause id from the knowledge base (e.g. `auth.credentials`).
    pub cause: &'static str,
    pub severity: Severity,
    /// 0–100.
    pub confidence: u8,
    /// What was seen, in plain words, citing counts and times.
    pub explanation: String,
    pub evidence: Vec<Evidence>,
    /// The call (index into `Calls::calls`) this finding is about, if any.
    pub call: Option<u32>,
}

/// What the user told us besides the trace.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// Provider profile id (`smartalex`, `generic`).
    pub profile: Option<String>,
    /// Symptom id from the knowledge base: re-ranks findings.
    pub symptom: Option<String>,
    /// PBX id for "how to confirm" steps.
    pub pbx: Option<String>,
}

/// Every cause id the engine (rules in this module) can emit. The knowledge base must define
/// each (tested in tests/it/diagnose.rs).
pub const EMITTED_CAUSES: &[&str] = &[
    "auth.credentials",
    "auth.forbidden",
    "auth.ip_allowlist",
    "trunk.suspended",
    "net.sip_alg",
    "net.nat_private_address",
    "net.no_response",
    "net.transport_mismatch",
    "net.rtp_blocked",
    "net.udp_timeout",
    "net.ack_lost",
    "net.message_too_large",
    "route.did_not_on_trunk",
    "route.inbound_rule",
    "route.extension_missing",
    "route.extension_offline",
    "route.busy",
    "route.all_busy",
    "route.declined",
    "media.codec_mismatch",
    "media.no_dtmf",
    "capacity.concurrent_limit",
    "capacity.rate_limit",
    "capacity.max_duration",
    "session.timer_refresh",
    "transfer.target_rejected",
    "transfer.wrong_pbx_domain",
    "agent.not_linked",
    "agent.nothing_to_say",
    "billing.wallet_empty",
    "platform.dispatch_failed",
    "sip.malformed",
    "sip.server_error",
    "info.no_sip",
    // more specific causes the knowledge base offers
    "auth.challenge",
    "auth.read_only",
    "auth.identity_rejected",
    "route.no_answer",
    "route.number_format",
    "route.loop",
    "route.call_blocked",
    "route.redirected",
    "call.cancelled",
    "media.srtp_mismatch",
    "session.interval_too_small",
    "session.glare",
    "session.unknown_dialog",
    "transfer.refer_rejected",
    "billing.provider_balance",
    "sip.unsupported",
    "info.no_fault",
];

/// Most findings kept per cause (the rest are counted in the first one's explanation).
const MAX_PER_CAUSE: usize = 10;
/// The note that counts the findings dropped by the cap (read back by [`verdict`]).
const MORE_CALLS: &str = " The same was seen in ";

/// How many more calls a capped cause covers (from the note [`rank`] adds).
fn more_calls(explanation: &str) -> usize {
    explanation
        .rfind(MORE_CALLS)
        .and_then(|p| explanation[p + MORE_CALLS.len()..].split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// Most evidence items kept per finding.
const MAX_EVIDENCE: usize = 8;

/// Runs every rule and returns findings, most likely first.
pub fn diagnose(a: &Analysis<'_>, options: &Options) -> Vec<Finding> {
    let mut cx = Ctx::new(a, options);
    syntax::no_sip(&mut cx);
    if !a.messages.is_empty() {
        auth::run(&mut cx);
        route::run(&mut cx);
        network::run(&mut cx);
        nat::run(&mut cx);
        sdp::run(&mut cx);
        capacity::run(&mut cx);
        transfer::run(&mut cx);
        syntax::run(&mut cx);
    }
    logs::run(&mut cx);
    // media findings first: one-way audio is a fault even when the signalling was clean
    cx.out.extend(crate::media::findings(a));
    no_fault(&mut cx);
    rank(merge(cx.out), options)
}

/// With no fault found, says so — citing the exchanges that completed.
fn no_fault(cx: &mut Ctx<'_, '_>) {
    if cx.out.iter().any(|f| matches!(f.severity, Severity::Error | Severity::Warning)) || cx.a.messages.is_empty() {
        return;
    }
    let calls = &cx.a.calls.calls;
    let good: Vec<u32> = (0..calls.len() as u32)
        .filter(|&c| {
            let call = &calls[c as usize];
            call.answered
                && (call.kind != CallKind::Call || matches!(call.ended_by, Some(Ending::Bye { .. })))
                && matches!(call.kind, CallKind::Call | CallKind::Registration)
        })
        .collect();
    if good.is_empty() {
        return;
    }
    let n_calls = good.iter().filter(|&&c| calls[c as usize].kind == CallKind::Call).count();
    let n_regs = good.len() - n_calls;
    let mut ev = Vec::new();
    for &c in good.iter().take(3) {
        let call = &calls[c as usize];
        if let Some(a) = call.answer_message {
            ev.push(cx.ev(a, format!("{} ({})", cx.label(a), call.kind.id())));
        }
        if let Some(e) = call.end_message {
            ev.push(cx.ev(e, cx.label(e)));
        }
    }
    let mut parts = Vec::new();
    if n_calls > 0 {
        parts.push(format!("{n_calls} call(s) answered and ended with a normal BYE"));
    }
    if n_regs > 0 {
        parts.push(format!("{n_regs} registration(s) accepted"));
    }
    cx.finding(
        "info.no_fault",
        Severity::Expected,
        95,
        None,
        format!("Nothing failed in this trace: {}.", parts.join(", ")),
        ev,
    );
}

/// Merges findings of the same cause about the same call (evidence joined, the most confident
/// explanation kept) and caps the number per cause.
fn merge(findings: Vec<Finding>) -> Vec<Finding> {
    let mut out: Vec<Finding> = Vec::with_capacity(findings.len());
    // where each (cause, call, severity) is in `out` (one finding per key)
    let mut at: crate::calls::QuickMap<(&'static str, Option<u32>, Severity), usize> =
        crate::calls::QuickMap::with_capacity_and_hasher(findings.len(), Default::default());
    for f in findings {
        if let Some(g) = at.get(&(f.cause, f.call, f.severity)).and_then(|&k| out.get_mut(k)) {
            if f.confidence > g.confidence {
                g.confidence = f.confidence;
                g.explanation = f.explanation;
                let old = std::mem::take(&mut g.evidence);
                g.evidence = f.evidence;
                g.evidence.extend(old);
            } else {
                g.evidence.extend(f.evidence);
            }
            let mut seen = Vec::new();
            g.evidence.retain(|e| {
                let k = (e.line, e.message);
                let fresh = !seen.contains(&k);
                seen.push(k);
                fresh
            });
        } else {
            at.insert((f.cause, f.call, f.severity), out.len());
            out.push(f);
        }
    }
    for f in &mut out {
        f.evidence.truncate(MAX_EVIDENCE);
    }
    out
}

/// The symptom's boost for a cause: causes the symptom lists move up, the first most.
fn symptom_boost(options: &Options, cause: &str) -> i32 {
    let Some(sy) = options.symptom.as_deref().and_then(crate::kb::symptom) else { return 0 };
    match sy.causes.iter().position(|c| *c == cause) {
        Some(k) => (35 - 5 * k as i32).max(10),
        None => 0,
    }
}

fn rank(mut findings: Vec<Finding>, options: &Options) -> Vec<Finding> {
    let score = |f: &Finding| {
        f.confidence as i32 + if f.severity == Severity::Error { 10 } else { 0 } + symptom_boost(options, f.cause)
    };
    findings.sort_by(|x, y| {
        x.severity.group().cmp(&y.severity.group()).then(score(y).cmp(&score(x))).then(x.call.cmp(&y.call))
    });
    // cap per cause
    let mut kept: Vec<Finding> = Vec::with_capacity(findings.len());
    let mut dropped: Vec<(&'static str, usize)> = Vec::new();
    for f in findings {
        let n = kept.iter().filter(|k| k.cause == f.cause).count();
        if n >= MAX_PER_CAUSE {
            match dropped.iter_mut().find(|(c, _)| *c == f.cause) {
                Some((_, k)) => *k += 1,
                None => dropped.push((f.cause, 1)),
            }
        } else {
            kept.push(f);
        }
    }
    for (cause, n) in dropped {
        if let Some(f) = kept.iter_mut().find(|f| f.cause == cause) {
            f.explanation.push_str(&format!("{MORE_CALLS}{n} more calls not listed here."));
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(cause: &'static str, confidence: u8) -> Finding {
        Finding {
            cause,
            severity: Severity::Warning,
            confidence,
            explanation: String::new(),
            evidence: Vec::new(),
            call: None,
        }
    }

    #[test]
    fn symptom_reranks() {
        let sym = crate::kb::SYMPTOMS.iter().find(|s| !s.causes.is_empty()).expect("symptoms in the knowledge base");
        let listed = sym.causes[0];
        let other = EMITTED_CAUSES.iter().copied().find(|c| !sym.causes.contains(c)).expect("a cause not listed");
        let findings = vec![f(other, 70), f(listed, 50)];
        let plain = rank(findings.clone(), &Options::default());
        assert_eq!(plain[0].cause, other);
        let ranked = rank(findings, &Options { symptom: Some(sym.id.to_string()), ..Options::default() });
        assert_eq!(ranked[0].cause, listed);
        // confidence itself is not changed
        assert_eq!(ranked[0].confidence, 50);
    }

    #[test]
    fn faults_before_expected_before_notes() {
        let mut busy = f("route.busy", 95);
        busy.severity = Severity::Expected;
        let mut note = f("media.no_dtmf", 99);
        note.severity = Severity::Info;
        let out = rank(vec![note, busy, f("net.sip_alg", 20)], &Options::default());
        let order: Vec<_> = out.iter().map(|x| x.cause).collect();
        assert_eq!(order, vec!["net.sip_alg", "route.busy", "media.no_dtmf"]);
    }

    #[test]
    fn merge_joins_same_cause_same_call() {
        let ev = |line| Evidence { message: None, line, label: String::new(), excerpt: String::new() };
        let mut a = f("net.no_response", 40);
        a.evidence = vec![ev(3)];
        let mut b = f("net.no_response", 80);
        b.evidence = vec![ev(9), ev(3)];
        let out = merge(vec![a, b]);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].confidence, 80);
        assert_eq!(out[0].evidence.iter().map(|e| e.line).collect::<Vec<_>>(), vec![9, 3]);
    }

    #[test]
    fn first_sentence_cuts_at_a_full_stop() {
        assert_eq!(first_sentence("One thing. Two."), "One thing.");
        assert_eq!(first_sentence("No stop"), "No stop");
        assert_eq!(first_sentence("Use e.g. this. Then"), "Use e.g. this.");
    }
}

/// "How to confirm" steps for a cause: the chosen PBX's step (or every PBX's, named, when none
/// is chosen).
pub fn confirm_steps(cause: &str, pbx: Option<&str>) -> Vec<String> {
    let Some(c) = crate::kb::cause(cause) else { return Vec::new() };
    match pbx {
        Some(p) => c.confirm_for(&p.to_ascii_lowercase()).map(|s| vec![s.to_string()]).unwrap_or_default(),
        None => c
            .confirm
            .iter()
            .map(|(id, step)| format!("{}: {step}", crate::kb::pbx(id).map_or(*id, |x| x.name)))
            .collect(),
    }
}

/// The overall verdict: one sentence and a severity (`error`, `warning`, `info`, `expected`, or
/// `ok` when nothing is wrong).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub severity: &'static str,
    pub text: String,
    pub cause: Option<&'static str>,
    pub call: Option<u32>,
}

fn first_sentence(s: &str) -> &str {
    let b = s.as_bytes();
    for (i, w) in b.windows(2).enumerate() {
        if w[0] == b'.' && w[1] == b' ' {
            // don't cut "e.g. " or numbers like "1. "
            let before = &s[..i];
            if !before.ends_with("e.g") && !before.ends_with("i.e") {
                return &s[..=i];
            }
        }
    }
    s
}

pub fn verdict(a: &Analysis<'_>) -> Verdict {
    let title = |c: &'static str| crate::kb::cause(c).map_or(c, |k| k.title);
    let calls = &a.calls.calls;
    let real_calls: Vec<_> = calls.iter().filter(|c| c.kind == CallKind::Call).collect();
    let top = a.findings.first();
    match top {
        Some(f) if matches!(f.severity, Severity::Error | Severity::Warning) || f.cause == "info.no_sip" => {
            let same = a.findings.iter().filter(|g| g.cause == f.cause).filter_map(|g| g.call).count()
                + a.findings.iter().filter(|g| g.cause == f.cause).map(|g| more_calls(&g.explanation)).sum::<usize>();
            let scope = if same > 1 && real_calls.len() > 1 {
                format!(" (in {same} of {} calls)", calls.len())
            } else {
                String::new()
            };
            Verdict {
                severity: f.severity.id(),
                text: format!("{}{scope}: {}", title(f.cause), first_sentence(&f.explanation)),
                cause: Some(f.cause),
                call: f.call,
            }
        }
        _ => {
            let answered = real_calls.iter().filter(|c| c.answered).count();
            let regs_ok = calls.iter().filter(|c| c.kind == CallKind::Registration && c.answered).count();
            let mut parts = Vec::new();
            if answered > 0 {
                let normal = real_calls
                    .iter()
                    .filter(|c| c.answered && matches!(c.ended_by, Some(Ending::Bye { .. }) | None))
                    .count();
                parts.push(format!("{answered} of {} calls answered ({normal} ended normally)", real_calls.len()));
            } else if !real_calls.is_empty() {
                parts.push(format!("{} calls, none answered", real_calls.len()));
            }
            if regs_ok > 0 {
                parts.push("registration succeeded".to_string());
            }
            if let Some(f) = top.filter(|f| f.cause == "info.no_fault") {
                Verdict {
                    severity: "ok",
                    text: format!(
                        "No fault found: {}",
                        first_sentence(&f.explanation).trim_start_matches("Nothing failed in this trace: ")
                    ),
                    cause: Some(f.cause),
                    call: None,
                }
            } else if let Some(f) = top.filter(|f| f.severity == Severity::Expected && f.cause != "auth.challenge") {
                Verdict {
                    severity: "expected",
                    text: format!(
                        "No fault found: {} — {}{}",
                        title(f.cause),
                        first_sentence(&f.explanation),
                        if parts.is_empty() { String::new() } else { format!(" ({})", parts.join(", ")) }
                    ),
                    cause: Some(f.cause),
                    call: f.call,
                }
            } else {
                let unanswered = real_calls.iter().any(|c| !c.answered && c.ended_by.is_none());
                let what =
                    if parts.is_empty() { format!("{} SIP messages read", a.messages.len()) } else { parts.join(", ") };
                let tail = if unanswered {
                    " The trace ends before some calls finish, so it may be cut short: include the whole attempt."
                } else {
                    ""
                };
                let what = if a.messages.is_empty() && !a.ingested.partials.is_empty() {
                    format!("{} log lines with SIP outcomes read", a.ingested.partials.len())
                } else {
                    what
                };
                Verdict {
                    severity: if a.messages.is_empty() && a.ingested.partials.is_empty() { "info" } else { "ok" },
                    text: format!("No fault found in what the trace shows: {what}.{tail}"),
                    cause: None,
                    call: None,
                }
            }
        }
    }
}
