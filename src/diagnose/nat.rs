//! NAT and SIP ALG rules. A private address (RFC 1918, CGNAT, link-local) in Contact or SDP on a
//! message that crosses to the public side sends ACKs, BYEs or audio nowhere. Signs that a router
//! rewrote SIP on the way (a SIP ALG): Content-Length no longer matching an SDP body, SDP o= and
//! c= disagreeing between private and public, a Via whose address was made public while the port
//! was translated, and the same message seen twice with different addresses.

use super::ctx::{addr_class, advertised, Class, Ctx};
use super::{Evidence, Severity};
use crate::calls::Ending;
use crate::sip::{HeaderName, ProblemKind};
use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};

pub(crate) fn run(cx: &mut Ctx<'_, '_>) {
    private_addresses(cx);
    alg(cx);
}

/// A private or loopback address: nobody on the public side can reach it. (0.0.0.0 in SDP means
/// "hold", not an address.)
fn unreachable(host: &str) -> bool {
    addr_class(host) == Class::Private || super::ctx::ip(host).is_some_and(|a| a.is_loopback())
}

/// Why message `i` is known to travel to or from the public side, if it is.
fn crossing(cx: &Ctx<'_, '_>, i: u32) -> Option<String> {
    let m = cx.msg(i);
    let item = cx.item(i);
    let src = item.src.as_ref().map(|e| (addr_class(&e.host), e.host.to_string()));
    let dst = item.dst.as_ref().map(|e| (addr_class(&e.host), e.host.to_string()));
    if let Some((Class::Public, h)) = &src {
        return Some(format!("it arrived from the public address {h}"));
    }
    if let Some((Class::Public, h)) = &dst {
        return Some(format!("it was sent to the public address {h}"));
    }
    if src.is_some() || dst.is_some() {
        return None;
    }
    if m.is_request() {
        // A response to it says where the request really came from (Via received=).
        if let Some(t) = cx.a.calls.transaction_of.get(i as usize).copied().flatten() {
            for &r in &cx.tx(t).messages {
                let rm = cx.msg(r);
                if rm.is_request() {
                    continue;
                }
                if let Some(v) = rm.top_via() {
                    if let Some(rec) = v.received.filter(|rec| *rec != v.host && addr_class(rec) == Class::Public) {
                        return Some(format!("the server saw it come from the public address {rec} (Via received=)"));
                    }
                }
            }
        }
        let target = m.request_uri().and_then(Ctx::uri_host)?;
        (addr_class(target) == Class::Public).then(|| format!("it is addressed to the public host {target}"))
    } else {
        // The requester's Via: a public received= (or public sent-by) means the response goes out.
        let v = m.top_via()?;
        let r = v.received.unwrap_or(v.host);
        (addr_class(r) == Class::Public).then(|| format!("it goes back to the public address {r}"))
    }
}

struct Hit {
    msg: u32,
    what: &'static str,
    addr: String,
    ev: Evidence,
}

fn private_addresses(cx: &mut Ctx<'_, '_>) {
    let mut per_call: HashMap<Option<u32>, (String, Vec<Hit>)> = HashMap::new();
    let mut order: Vec<Option<u32>> = Vec::new();
    for i in 0..cx.a.messages.len() as u32 {
        if cx.a.calls.is_retransmission(i as usize) {
            continue;
        }
        let m = cx.msg(i);
        let adv = advertised(m);
        let mut hits = Vec::new();
        for c in &adv.contacts {
            if unreachable(c) {
                if let Some(e) = cx.ev_header(i, HeaderName::Contact) {
                    hits.push(Hit { msg: i, what: "Contact", addr: c.to_string(), ev: e });
                }
                break;
            }
        }
        if let Some(c) = adv.sdp_conn.iter().find(|c| unreachable(c)) {
            let Some(s) = m.sdp() else { continue };
            // the session c= line, else the m= line (its media-level c= follows it)
            let line = s.connection_line.or_else(|| s.media.first().map(|x| x.line)).unwrap_or(0);
            let ev = cx.ev_sdp(i, &s, line, format!("SDP c={c}"));
            hits.push(Hit { msg: i, what: "SDP audio address", addr: c.to_string(), ev });
        }
        if hits.is_empty() {
            continue;
        }
        let Some(why) = crossing(cx, i) else { continue };
        let call = cx.call_of(i);
        if !per_call.contains_key(&call) {
            order.push(call);
        }
        let entry = per_call.entry(call).or_insert_with(|| (why, Vec::new()));
        entry.1.extend(hits);
    }
    for call in order {
        let Some((why, hits)) = per_call.remove(&call) else { continue };
        let Some(first) = hits.first() else { continue };
        let label = cx.label(first.msg);
        let mut kinds: Vec<&str> = hits.iter().map(|h| h.what).collect();
        kinds.dedup();
        let sdp = hits.iter().any(|h| h.what == "SDP audio address");
        let addrs: Vec<&str> = {
            let mut v: Vec<&str> = hits.iter().map(|h| h.addr.as_str()).collect();
            v.sort();
            v.dedup();
            v
        };
        let mut expl = format!(
            "{label} advertises the private address {} in its {} although {why}. The far end cannot reach a private \
             (or loopback) address: {}",
            addrs.join(", "),
            kinds.join(" and "),
            if sdp {
                "audio sent there is lost (one-way or no audio)"
            } else {
                "requests sent to that Contact (ACK, BYE, incoming calls) are lost"
            }
        );
        expl.push_str(
            ". Set the PBX's public (external) address and local networks, or let a router's SIP ALG be \
                       the only thing changing it — not both.",
        );
        // Downgrade when the call visibly worked: the far end fixed it (rport, media latching).
        let worked = match call.map(|c| cx.call(c)) {
            Some(c) => {
                c.answered
                    && matches!(c.ended_by, Some(Ending::Bye { .. }))
                    && c.duration_ms.is_some_and(|d| d > 40_000)
                    && !has_retransmitted_answer(cx, c.answer_message)
                    || c.kind == crate::calls::CallKind::Registration && c.answered
                    || c.kind == crate::calls::CallKind::Options && c.answered
            }
            None => false,
        };
        let (sev, conf) = if worked {
            expl.push_str(" Here the other side coped with it (the exchange completed), so it is only a risk.");
            (Severity::Info, 35)
        } else if sdp {
            (Severity::Warning, 60)
        } else {
            (Severity::Warning, 55)
        };
        let ev = hits.into_iter().map(|h| h.ev).take(6).collect();
        cx.finding("net.nat_private_address", sev, conf, call, expl, ev);
    }
}

fn has_retransmitted_answer(cx: &Ctx<'_, '_>, ans: Option<u32>) -> bool {
    ans.and_then(|a| cx.a.calls.transaction_of[a as usize]).is_some_and(|t| cx.tx(t).final_copies > 1)
}

/// Whether the trace shows a NAT anywhere: a Via the server saw from another address or port,
/// or private addresses next to public ones. A Content-Length that doesn't match proves a
/// rewrite only then (elsewhere it is more likely the log's doing).
fn nat_seen(cx: &Ctx<'_, '_>) -> bool {
    let (mut private, mut public) = (false, false);
    for m in &cx.a.messages {
        let msg = &m.msg;
        for v in msg.vias().take(1) {
            if v.received.is_some_and(|r| r != v.host)
                || matches!((v.rport, v.port), (Some(Some(r)), Some(p)) if r != p)
            {
                return true;
            }
        }
        let item = cx.a.item(m);
        let adv = advertised(msg);
        for h in adv.contacts.iter().chain(adv.sdp_conn.iter()).copied().chain(msg.top_via().map(|v| v.host)) {
            match addr_class(h) {
                Class::Private => private = true,
                Class::Public => public = true,
                _ => {}
            }
        }
        for e in [&item.src, &item.dst].into_iter().flatten() {
            match addr_class(&e.host) {
                Class::Private => private = true,
                Class::Public => public = true,
                _ => {}
            }
        }
        if private && public {
            return true;
        }
    }
    false
}

fn alg(cx: &mut Ctx<'_, '_>) {
    let nmsg = cx.a.messages.len() as u32;
    let behind_nat = nat_seen(cx);
    let mut signs: Vec<(Option<u32>, u8, String, Vec<Evidence>)> = Vec::new();
    let last_item = cx.a.ingested.items.len().saturating_sub(1) as u32;
    let mut seen: HashMap<u64, u32> = HashMap::new();
    for i in 0..nmsg {
        if cx.a.calls.is_retransmission(i as usize) {
            continue;
        }
        let m = cx.msg(i);
        let call = cx.call_of(i);
        let sdp = m.sdp();
        // (a) Content-Length against an SDP body — unless the log itself damaged the message
        // (a lost blank line, a broken header line: then the count proves nothing).
        let pasted = m.problems.iter().any(|p| {
            matches!(p.kind, ProblemKind::MissingBlankLine | ProblemKind::BadHeaderLine | ProblemKind::BadHeaderValue)
        });
        if sdp.is_some() && !pasted && behind_nat {
            for p in &m.problems {
                let is_last = cx.a.messages[i as usize].item == last_item;
                let (kind, conf) = match p.kind {
                    ProblemKind::ContentLengthTooSmall => ("smaller", 55),
                    ProblemKind::ContentLengthTooLarge if !is_last => ("larger", 45),
                    _ => continue,
                };
                let body_len = super::network::wire_len(m.body.trim_end_matches(['\r', '\n'])) + 2;
                signs.push((
                    call,
                    conf,
                    format!(
                        "{}'s Content-Length ({}) is {kind} than its SDP body (about {body_len} bytes): something \
                         rewrote the body after the sender wrote it",
                        cx.label(i),
                        m.content_length().map_or("?".to_string(), |c| c.to_string())
                    ),
                    vec![cx.ev_line(i, p.line, "Content-Length does not match the body")],
                ));
            }
        }
        // (b) SDP o= private but c= public (or the reverse).
        if let Some(s) = &sdp {
            if let (Some(o), Some(c)) = (s.origin_address, s.media.first().and_then(|x| x.address)) {
                let (co, cc) = (addr_class(o), addr_class(c));
                if matches!((co, cc), (Class::Private, Class::Public) | (Class::Public, Class::Private)) {
                    let line = s.connection_line.unwrap_or(0);
                    signs.push((
                        call,
                        40,
                        format!(
                            "{}'s SDP names {o} in o= but {c} in c=: one was rewritten and the other not, as a SIP \
                             ALG does",
                            cx.label(i)
                        ),
                        vec![cx.ev_sdp(i, s, line, format!("SDP o={o} / c={c}"))],
                    ));
                }
            }
        }
        // (c) Via made public while the port was translated.
        if !m.is_request() {
            if let Some(v) = m.top_via() {
                if let (Some(r), Some(Some(rp)), Some(p)) = (v.received, v.rport, v.port) {
                    if r == v.host && addr_class(r) == Class::Public && rp != p {
                        signs.push((
                            call,
                            50,
                            format!(
                                "the Via says {}:{p} and the server saw the same address but port {rp}: the address \
                                 was rewritten to the public one while the port was translated, typical of a SIP ALG",
                                v.host
                            ),
                            cx.ev_header(i, HeaderName::Via).into_iter().collect(),
                        ));
                    }
                }
            }
        }
        // (d) The same message logged twice (two hops) with different Contact or SDP address.
        let mut h = DefaultHasher::new();
        m.call_id().hash(&mut h);
        m.cseq().map(|c| (c.seq, c.method.as_str())).hash(&mut h);
        m.top_via().and_then(|v| v.branch).hash(&mut h);
        m.status().hash(&mut h);
        m.request_uri().hash(&mut h);
        let key = h.finish();
        match seen.get(&key) {
            Some(&j) => {
                let (a, b) = (advertised(cx.msg(j)), advertised(m));
                let contact_changed = !a.contacts.is_empty() && !b.contacts.is_empty() && a.contacts != b.contacts;
                let sdp_changed = !a.sdp_conn.is_empty() && !b.sdp_conn.is_empty() && a.sdp_conn != b.sdp_conn;
                if contact_changed || sdp_changed {
                    let what = if sdp_changed { "SDP address" } else { "Contact" };
                    let (x, y) = if sdp_changed {
                        (a.sdp_conn.join(","), b.sdp_conn.join(","))
                    } else {
                        (a.contacts.join(","), b.contacts.join(","))
                    };
                    signs.push((
                        call,
                        85,
                        format!(
                            "the same {} appears twice in the trace, with {what} {x} at line {} and {y} at line {}: \
                             something on the path rewrote it",
                            cx.label(i),
                            cx.a.input_line(j as usize, 0),
                            cx.a.input_line(i as usize, 0)
                        ),
                        vec![
                            cx.ev(j, format!("{} as sent", cx.label(j))),
                            cx.ev(i, format!("{} as received", cx.label(i))),
                        ],
                    ));
                }
            }
            None => {
                seen.insert(key, i);
            }
        }
    }
    // One finding for the whole trace: the ALG is one device on the path.
    if signs.is_empty() {
        return;
    }
    let best = signs.iter().map(|s| s.1).max().unwrap_or(0);
    let mut texts: Vec<&str> = Vec::new();
    for s in &signs {
        if !texts.contains(&s.2.as_str()) {
            texts.push(s.2.as_str());
        }
    }
    let conf = (best as u32 + 10 * (texts.len() as u32 - 1)).min(90) as u8;
    let mut calls: Vec<Option<u32>> = signs.iter().map(|s| s.0).collect();
    calls.dedup();
    let call = if calls.len() == 1 { calls[0] } else { None };
    let expl = format!(
        "A router on the path seems to rewrite SIP (a \"SIP ALG\"): {}. Turn SIP ALG off on the router or \
         firewall (and restart it), then test again.",
        texts.join("; ")
    );
    let ev = signs.into_iter().flat_map(|s| s.3).collect();
    cx.finding("net.sip_alg", Severity::Warning, conf, call, expl, ev);
}
