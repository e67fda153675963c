//! Message syntax rules: a 400 Bad Request (the other side could not read a message), messages
//! that look like SIP but could not be read, and parse damage that breaks interoperability
//! (bad start line, missing mandatory headers, CSeq mismatch, bad Content-Length). Damage a paste
//! typically causes (a lost blank line, a wrapped header) is only a note. And: no SIP at all.

use super::ctx::Ctx;
use super::{Evidence, Severity};
use crate::sip::ProblemKind;

pub(crate) fn no_sip(cx: &mut Ctx<'_, '_>) {
    if cx.a.messages.is_empty() && cx.a.ingested.partials.is_empty() {
        cx.finding(
            "info.no_sip",
            Severity::Info,
            100,
            None,
            if let Some((_, server)) = cx.a.ingested.capture.as_ref().and_then(|c| c.encrypted.first()) {
                format!(
                    "The capture holds SIP over TLS (to port {}), which is encrypted and cannot be read from \
                     packets. Take the SIP log on your PBX instead (it logs messages before encryption).",
                    server.port()
                )
            } else if cx.a.unparsed.is_empty() {
                "No SIP message or SIP log line was found in the input.".to_string()
            } else {
                format!(
                    "No readable SIP message was found: {} block(s) look like SIP but could not be read.",
                    cx.a.unparsed.len()
                )
            },
            cx.a.unparsed
                .iter()
                .take(3)
                .filter_map(|(item, _)| cx.a.ingested.items.get(*item as usize))
                .map(|it| cx.ev_input(it.first_line, "unreadable message"))
                .collect(),
        );
    }
}

/// Damage that breaks interoperability whatever copied the log.
fn hard(k: ProblemKind) -> bool {
    matches!(
        k,
        ProblemKind::BadStartLine
            | ProblemKind::BadVersion
            | ProblemKind::BadStatusCode
            | ProblemKind::CSeqMethodMismatch
            | ProblemKind::BadContentLength
            | ProblemKind::DuplicateHeader
    )
}

/// Damage a cut or reflowed paste also causes (a header lost, a value cut).
fn soft(k: ProblemKind) -> bool {
    matches!(k, ProblemKind::MissingHeader | ProblemKind::BadHeaderValue | ProblemKind::BadRequestUri)
}

fn serious(k: ProblemKind) -> bool {
    hard(k) || soft(k)
}

/// Whether the reader says message `i` is cut off.
fn truncated(cx: &Ctx<'_, '_>, i: u32) -> bool {
    let (lo, hi) = cx.span(i);
    cx.a.ingested
        .problems
        .iter()
        .any(|p| p.kind == crate::ingest::ProblemKind::Truncated && p.line >= lo && p.line < hi)
}

pub(crate) fn run(cx: &mut Ctx<'_, '_>) {
    // 400 Bad Request: the other side says it could not read the message.
    for t in 0..cx.a.calls.transactions.len() as u32 {
        let tx = cx.tx(t);
        let (Some(400), Some(resp)) = (tx.final_status, tx.final_message) else { continue };
        let method = tx.method.clone();
        let call = Some(tx.call);
        let mut ev = Vec::new();
        let mut damage = String::new();
        if let Some(r) = tx.request {
            ev.push(cx.ev(r, cx.label(r)));
            if let Some(p) = cx.msg(r).problems.iter().find(|p| serious(p.kind)) {
                damage = format!(" The request itself shows damage: {}.", p.kind.description());
                ev.push(cx.ev_line(r, p.line, p.kind.description()));
            }
        }
        ev.push(cx.ev(resp, cx.label(resp)));
        let reason = cx.msg(resp).reason_phrase().unwrap_or("").trim().to_string();
        let told = if reason.is_empty() || reason.eq_ignore_ascii_case("bad request") {
            String::new()
        } else {
            format!(" The reason given is \"{reason}\".")
        };
        cx.finding(
            "sip.malformed",
            Severity::Error,
            if damage.is_empty() { 65 } else { 80 },
            call,
            format!("{method} was refused with {}: the other side could not read it.{told}{damage}", cx.label(resp)),
            ev,
        );
    }
    // Damage seen by our own parser (not counting messages the paste cut off).
    let mut serious_ev: Vec<Evidence> = Vec::new();
    let mut kinds: Vec<&'static str> = Vec::new();
    let mut count = 0u32;
    let mut hard_count = 0u32;
    for i in 0..cx.a.messages.len() as u32 {
        let m = cx.msg(i);
        if truncated(cx, i) {
            continue;
        }
        let mut hit = false;
        if m.problems.iter().any(|p| hard(p.kind)) {
            hard_count += 1;
        }
        for p in m.problems.iter().filter(|p| serious(p.kind)) {
            hit = true;
            if !kinds.contains(&p.kind.description()) {
                kinds.push(p.kind.description());
            }
            if serious_ev.len() < 6 {
                serious_ev.push(cx.ev_line(i, p.line, p.kind.description()));
            }
        }
        if hit {
            count += 1;
        }
    }
    for (item, e) in &cx.a.unparsed {
        count += 1;
        hard_count += 1;
        if !kinds.contains(&e.description()) {
            kinds.push(e.description());
        }
        if let Some(it) = cx.a.ingested.items.get(*item as usize) {
            if serious_ev.len() < 6 {
                serious_ev.push(cx.ev_input(it.first_line, e.description()));
            }
        }
    }
    if count > 0 {
        let total = cx.a.messages.len() + cx.a.unparsed.len();
        let share = hard_count as usize * 2 >= total;
        cx.finding(
            "sip.malformed",
            if share { Severity::Warning } else { Severity::Info },
            if share { 55 } else { 30 },
            None,
            format!(
                "{count} of {total} messages break SIP syntax ({}). A strict receiver drops or refuses such \
                 messages; if the damage came from copying the log, it is harmless.",
                kinds.join("; ")
            ),
            serious_ev,
        );
    }
}
