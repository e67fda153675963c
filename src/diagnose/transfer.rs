//! Transfer rules (REFER, RFC 3515): the REFER refused outright, or accepted (202) and then a
//! NOTIFY whose message/sipfrag body reports a failed target; and a Refer-To host that is not the
//! PBX the REFER went to (the transfer is sent to the wrong domain).

use super::ctx::Ctx;
use super::{Evidence, Severity};
use crate::sip::{HeaderName, NameAddr, Uri};

pub(crate) fn run(cx: &mut Ctx<'_, '_>) {
    for t in 0..cx.a.calls.transactions.len() as u32 {
        if cx.tx(t).method == "REFER" {
            refer(cx, t);
        }
    }
}

fn is_refer_notify(cx: &Ctx<'_, '_>, i: u32) -> bool {
    let m = cx.msg(i);
    m.is_request()
        && m.method().is_some_and(|x| x.as_str() == "NOTIFY")
        && m.event().is_none_or(|e| e.package.eq_ignore_ascii_case("refer"))
}

fn host_of(s: &str) -> Option<String> {
    Uri::parse(s).map(|u| u.host.trim_start_matches('[').trim_end_matches(']').to_ascii_lowercase())
}

fn what_code_means(code: u16) -> &'static str {
    match code {
        404 | 604 => "the target extension or number does not exist on the PBX",
        486 | 600 => "the target was busy",
        480 => "the target is offline (not registered)",
        603 | 607 => "the target declined",
        408 | 487 => "the target did not answer in time",
        403 => "the PBX does not allow this transfer",
        488 | 415 | 606 => "the target could not accept the media",
        503 | 500 | 502 => "the PBX could not place the new call",
        _ => "the PBX could not complete the new call",
    }
}

fn refer(cx: &mut Ctx<'_, '_>, t: u32) {
    let tx = cx.tx(t);
    let ci = tx.call;
    let req = tx.request;
    let final_status = tx.final_status;
    let final_msg = tx.final_message;
    // Refer-To and the PBX's own hosts.
    let refer_to = req.and_then(|r| cx.msg(r).refer_to()).map(|r| r.addr);
    let target_host = refer_to.and_then(|n| host_of(n.uri));
    let target = refer_to.map(|n| n.uri.split('?').next().unwrap_or(n.uri).to_string()).unwrap_or_default();
    let mut pbx_hosts: Vec<String> = Vec::new();
    if let Some(r) = req {
        let m = cx.msg(r);
        pbx_hosts.extend(m.request_uri().and_then(host_of));
        pbx_hosts.extend(m.to().and_then(|x| host_of(x.uri)));
        pbx_hosts.extend(cx.item(r).dst.as_ref().map(|d| d.host.to_ascii_lowercase()));
        pbx_hosts.extend(
            m.headers_named(HeaderName::Route).filter_map(|h| NameAddr::parse(h.value)).filter_map(|n| host_of(n.uri)),
        );
    }
    // the recipient's Contact in its responses
    for &m in &tx.messages {
        if !cx.msg(m).is_request() {
            pbx_hosts.extend(cx.msg(m).contacts().filter_map(|c| host_of(c.uri)));
        }
    }
    let mismatch = match (&target_host, pbx_hosts.is_empty()) {
        (Some(h), false) => !pbx_hosts.iter().any(|p| p == h),
        _ => false,
    };
    // The outcome: the REFER's own final, then the NOTIFY sipfrag reports.
    let after = req.or(final_msg).unwrap_or(0);
    let notify = cx
        .call(ci)
        .messages
        .iter()
        .copied()
        .rev()
        .filter(|&m| m > after && is_refer_notify(cx, m) && !cx.a.calls.is_retransmission(m as usize))
        .filter_map(|m| cx.sipfrag(m).map(|(c, l)| (m, c, l)))
        .find(|&(_, c, _)| c >= 200);
    let mut ev: Vec<Evidence> = Vec::new();
    if let Some(r) = req {
        ev.push(cx.ev_header(r, HeaderName::ReferTo).unwrap_or_else(|| cx.ev(r, "REFER")));
    }
    let failure: Option<(u16, String)> = match (final_status, notify) {
        (Some(code), _) if code >= 300 && !mismatch => {
            let label = final_msg.map(|f| cx.label(f)).unwrap_or_else(|| code.to_string());
            if let Some(f) = final_msg {
                ev.push(cx.ev(f, label.clone()));
            }
            let tgt = if target.is_empty() { String::new() } else { format!(" to {target}") };
            cx.finding(
                "transfer.refer_rejected",
                Severity::Error,
                80,
                Some(ci),
                format!(
                    "The transfer{tgt} was refused with {label} before any new call was tried: the PBX does not \
                     accept transfer requests (REFER) from this trunk."
                ),
                ev,
            );
            return;
        }
        (Some(code), _) if code >= 300 => {
            if let Some(f) = final_msg {
                ev.push(cx.ev(f, cx.label(f)));
            }
            Some((code, format!("the PBX refused the REFER itself with {code}")))
        }
        (_, Some((m, code, line))) if code >= 300 => {
            if let Some(f) = final_msg {
                ev.push(cx.ev(f, cx.label(f)));
            }
            let frag = cx.line_text(line).trim().to_string();
            ev.push(Evidence {
                message: Some(m),
                line,
                label: format!("NOTIFY sipfrag: {frag}"),
                excerpt: cx.excerpt(line),
            });
            Some((code, format!("the PBX accepted the REFER, then reported \"{frag}\" in its NOTIFY")))
        }
        _ => None,
    };
    let Some((code, how)) = failure else { return };
    let meaning = what_code_means(code);
    let tgt = if target.is_empty() { String::new() } else { format!(" to {target}") };
    if mismatch {
        let hosts = {
            let mut h = pbx_hosts.clone();
            h.sort();
            h.dedup();
            h.join(", ")
        };
        cx.finding(
            "transfer.wrong_pbx_domain",
            Severity::Error,
            85,
            Some(ci),
            format!(
                "The transfer{tgt} failed: {how}. The Refer-To host ({}) is not the PBX the call is with ({hosts}), \
                 so the PBX does not see the target as one of its own. Set the PBX domain in the trunk settings to \
                 the PBX's real SIP domain.",
                target_host.as_deref().unwrap_or("?")
            ),
            ev.clone(),
        );
        cx.finding(
            "transfer.target_rejected",
            Severity::Error,
            50,
            Some(ci),
            format!("The transfer{tgt} was rejected with {code}: {meaning}."),
            ev,
        );
    } else {
        cx.finding(
            "transfer.target_rejected",
            Severity::Error,
            85,
            Some(ci),
            format!("The transfer{tgt} failed: {how} — {meaning}. Check the target on the PBX."),
            ev,
        );
    }
}
