//! Routing rules for call attempts: 404 and friends (who sent the INVITE decides between a number
//! the trunk doesn't carry, an inbound route missing on the PBX, and an extension that doesn't
//! exist), 480 (extension offline), 486/600 (busy: expected), 603 (declined), and a hunt where
//! every target failed (all busy).

use super::ctx::{is_extension, is_number, Ctx, Leg};
use super::Severity;

pub(crate) fn run(cx: &mut Ctx<'_, '_>) {
    let ncalls = cx.a.calls.calls.len();
    for ci in 0..ncalls as u32 {
        let initial = cx.call(ci).initial.clone();
        for &t in &initial {
            let tx = cx.tx(t);
            if tx.method != "INVITE" {
                continue;
            }
            let (Some(code), Some(resp)) = (tx.final_status, tx.final_message) else { continue };
            attempt(cx, ci, t, code, resp);
        }
        all_busy(cx, ci, &initial);
    }
}

fn q850_note(cx: &Ctx<'_, '_>, resp: u32) -> String {
    match cx.q850(resp) {
        Some(c) => match crate::kb::q850(c) {
            Some(q) => format!(" The Reason header gives Q.850 cause {c} ({}).", q.name),
            None => format!(" The Reason header gives Q.850 cause {c}."),
        },
        None => String::new(),
    }
}

fn attempt(cx: &mut Ctx<'_, '_>, ci: u32, t: u32, code: u16, resp: u32) {
    let label = cx.label(resp);
    let user = cx.target_user(t).unwrap_or("the number").to_string();
    let mut ev = Vec::new();
    if let Some(r) = cx.tx(t).request {
        ev.push(cx.ev(r, format!("INVITE to {user}")));
    }
    ev.push(cx.ev(resp, label.clone()));
    for h in [crate::sip::HeaderName::Reason, crate::sip::HeaderName::Warning] {
        if let Some(e) = cx.ev_header(resp, h) {
            ev.push(e);
        }
    }
    let mut q = q850_note(cx, resp);
    if let Some(note) = cx.tx(t).request.and_then(|r| cx.ruri_note(r)) {
        q.push_str(&note);
    }
    let call = Some(ci);
    match code {
        404 | 604 | 410 | 485 => {
            let leg = cx.leg_of_tx(t);
            let ext = is_extension(&user);
            let num = is_number(&user);
            let to_edge = cx.smartalex() && leg == Leg::Outbound;
            match leg {
                Leg::Outbound => cx.finding(
                    "route.did_not_on_trunk",
                    Severity::Error,
                    if to_edge { 80 } else { 70 },
                    call,
                    format!(
                        "Your PBX sent the call for {user} to the trunk and the trunk answered {label}: it has no \
                         route for that number, so it is not one of the numbers (DIDs) on this trunk.{q}"
                    ),
                    ev,
                ),
                Leg::Inbound if ext => cx.finding(
                    "route.extension_missing",
                    Severity::Error,
                    75,
                    call,
                    format!(
                        "The call came in to your PBX for extension {user} and the PBX answered {label}: that \
                         extension does not exist there.{q}"
                    ),
                    ev,
                ),
                Leg::Inbound => cx.finding(
                    "route.inbound_rule",
                    Severity::Error,
                    70,
                    call,
                    format!(
                        "The trunk delivered a call for {user} and your PBX answered {label}: no inbound route on \
                         the PBX matches that number.{q}"
                    ),
                    ev,
                ),
                Leg::Unknown if ext => cx.finding(
                    "route.extension_missing",
                    Severity::Error,
                    55,
                    call,
                    format!("The call to extension {user} was answered {label}: that extension does not exist.{q}"),
                    ev,
                ),
                Leg::Unknown => {
                    cx.finding(
                        "route.did_not_on_trunk",
                        Severity::Error,
                        if num { 55 } else { 50 },
                        call,
                        format!(
                            "The call to {user} was answered {label}: the system that answered has no route for \
                             that number. If your PBX placed the call, the number is not on the trunk.{q}"
                        ),
                        ev.clone(),
                    );
                    cx.finding(
                        "route.inbound_rule",
                        Severity::Error,
                        40,
                        call,
                        format!(
                            "If the call came from the trunk into your PBX, {label} means no inbound route matches \
                             {user}."
                        ),
                        ev,
                    );
                }
            }
        }
        480 | 408 if rang(cx, t) => {
            cx.finding(
                "route.no_answer",
                Severity::Expected,
                65,
                call,
                format!(
                    "The call to {user} rang and then ended with {label}: nobody picked up before the ring timeout. \
                     That is not a fault of the trunk.{q}"
                ),
                ev.clone(),
            );
            if code == 480 {
                cx.finding(
                    "route.extension_offline",
                    Severity::Warning,
                    40,
                    call,
                    format!("{label} can also mean the target went offline while it rang.{q}"),
                    ev,
                );
            }
        }
        480 => cx.finding(
            "route.extension_offline",
            Severity::Warning,
            70,
            call,
            format!(
                "The call to {user} was answered {label}: the target exists but cannot be reached now (phone \
                 offline or not registered). The system that answered is working.{q}"
            ),
            ev,
        ),
        484 => cx.finding(
            "route.number_format",
            Severity::Error,
            70,
            call,
            format!(
                "The call to {user} was refused with {label}: the number is incomplete or in a format the other side \
                 does not accept (for example national instead of +E.164).{q}"
            ),
            ev,
        ),
        487 if cx.call(ci).ended_by == Some(crate::calls::Ending::Cancel) => cx.finding(
            "call.cancelled",
            Severity::Expected,
            80,
            call,
            format!(
                "The caller hung up before the call to {user} was answered ({label}). This is normal, not a fault."
            ),
            ev,
        ),
        300..=399 if !cx.call(ci).answered => cx.finding(
            "route.redirected",
            Severity::Info,
            50,
            call,
            format!(
                "The call to {user} was redirected with {label}{}: your side must follow it to the new address.",
                cx.msg(resp).contacts().next().map(|c| format!(" to {}", c.uri)).unwrap_or_default()
            ),
            ev,
        ),
        486 | 600 => cx.finding(
            "route.busy",
            Severity::Expected,
            90,
            call,
            format!(
                "The call to {user} got {label}: the line was busy. This is normal behaviour, not a fault; your \
                 busy rules (voicemail, another group) decide what happens next.{q}"
            ),
            ev,
        ),
        603 => cx.finding(
            "route.declined",
            Severity::Warning,
            70,
            call,
            format!(
                "The call to {user} was refused with {label}. Phones send this when someone rejects the call; some \
                 PBXs also send it when the number is not provisioned.{q}"
            ),
            ev,
        ),
        _ => {}
    }
}

/// Whether the INVITE transaction got a ringing (18x) response.
fn rang(cx: &Ctx<'_, '_>, t: u32) -> bool {
    cx.tx(t).provisional.iter().any(|&p| (180..=183).contains(&p))
}

/// Several targets tried for one call (serial hunting) and every one failed busy or unavailable.
fn all_busy(cx: &mut Ctx<'_, '_>, ci: u32, initial: &[u32]) {
    if cx.call(ci).answered {
        return;
    }
    let mut targets: Vec<&str> = Vec::new();
    let mut ev = Vec::new();
    for &t in initial {
        let tx = cx.tx(t);
        let Some(code) = tx.final_status else { return };
        if matches!(code, 401 | 407) {
            continue;
        }
        if !matches!(code, 486 | 600 | 480 | 503 | 408) {
            return;
        }
        let target = tx
            .request
            .and_then(|r| cx.msg(r).request_uri())
            .or_else(|| tx.request.and_then(|r| cx.item(r).dst.as_ref().map(|_| "")))
            .unwrap_or("");
        if !targets.contains(&target) {
            targets.push(target);
        }
        if let Some(f) = tx.final_message {
            ev.push(cx.ev(f, cx.label(f)));
        }
    }
    if targets.len() >= 2 {
        let n = targets.len();
        cx.finding(
            "route.all_busy",
            Severity::Warning,
            78,
            Some(ci),
            format!(
                "The call was offered to {n} targets in turn and every one answered busy or unavailable: no member \
                 of the group was free."
            ),
            ev,
        );
    }
}
