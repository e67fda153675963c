//! NAT and SIP ALG rules. A private address (RFC 1918, CGNAT, link-local) in Contact or SDP on a
//! message that crosses to the public side sends ACKs, BYEs or audio nowhere. Signs that a router
//! rewrote SIP on the way (a SIP ALG): Content-Length no longer matching an SDP body, SDP o= and
//! c= disagreeing between private and public, a Via whose address was made public while the port
//! was translated, and the same message seen twice with different addresses.

use super::ctx::{addr_class, advertised, class_of, contact_hosts, sdp_addresses, Class, Ctx};
use super::{Evidence, Severity};
use crate::calls::Ending;
use crate::sip::{HeaderName, ProblemKind};
use std::collections::HashMap;

pub(crate) fn run(cx: &mut Ctx<'_, '_>) {
    let found = addresses(cx);
    private_addresses(cx, &found.unreachable);
    alg(cx, found.nat);
}

/// What the addresses of the messages show, read in one pass (a long trace does not fit in
/// the processor's cache: each pass over the message texts costs about as much as the reading).
struct Addresses<'a> {
    /// Per message: its first Contact host and its first SDP address that nobody on the public
    /// side can reach.
    unreachable: Vec<(Option<&'a str>, Option<&'a str>)>,
    /// Whether the trace shows a NAT anywhere: a Via the server saw from another address or
    /// port, or private addresses next to public ones. A Content-Length that doesn't match
    /// proves a rewrite only then (elsewhere it is more likely the log's doing).
    nat: bool,
}

fn addresses<'a>(cx: &Ctx<'_, 'a>) -> Addresses<'a> {
    let (mut via, mut private, mut public) = (false, false, false);
    let mut unreachable = Vec::with_capacity(cx.a.messages.len());
    for m in &cx.a.messages {
        let msg = &m.msg;
        // (the top Via: the first entry of `vias()`)
        if let Some(v) = msg.top_via() {
            via |= v.received.is_some_and(|r| r != v.host)
                || matches!((v.rport, v.port), (Some(Some(r)), Some(p)) if r != p);
        }
        // Notes the class of an address; true when it is private or loopback: nobody on the
        // public side can reach it. (0.0.0.0 in SDP means "hold", not an address.)
        let mut note = |h: &str| {
            let ip = super::ctx::ip(h);
            let class = class_of(h, ip);
            match class {
                Class::Private => private = true,
                Class::Public => public = true,
                _ => {}
            }
            class == Class::Private || ip.is_some_and(|a| a.is_loopback())
        };
        let mut first = (None, None);
        for h in contact_hosts(msg) {
            if note(h) && first.0.is_none() {
                first.0 = Some(h);
            }
        }
        sdp_addresses(msg, |h| {
            if note(h) && first.1.is_none() {
                first.1 = Some(h);
            }
        });
        if let Some(v) = msg.top_via() {
            note(v.host);
        }
        let item = cx.a.item(m);
        for e in [&item.src, &item.dst].into_iter().flatten() {
            note(&e.host);
        }
        unreachable.push(first);
    }
    Addresses { unreachable, nat: via || private && public }
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

fn private_addresses(cx: &mut Ctx<'_, '_>, unreachable: &[(Option<&str>, Option<&str>)]) {
    let mut per_call: HashMap<Option<u32>, (String, Vec<Hit>)> = HashMap::new();
    let mut order: Vec<Option<u32>> = Vec::new();
    for i in 0..cx.a.messages.len() as u32 {
        if cx.a.calls.is_retransmission(i as usize) {
            continue;
        }
        let m = cx.msg(i);
        let (contact, sdp) = unreachable[i as usize];
        let mut hits = Vec::new();
        if let Some(c) = contact {
            if let Some(e) = cx.ev_header(i, HeaderName::Contact) {
                hits.push(Hit { msg: i, what: "Contact", addr: c.to_string(), ev: e });
            }
        }
        if let Some(c) = sdp {
            let Some(s) = m.sdp_cow() else { continue };
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

fn alg(cx: &mut Ctx<'_, '_>, behind_nat: bool) {
    let nmsg = cx.a.messages.len() as u32;
    let mut signs: Vec<(Option<u32>, u8, String, Vec<Evidence>)> = Vec::new();
    let last_item = cx.a.ingested.items.len().saturating_sub(1) as u32;
    let mut seen = SameMessage::new(nmsg as usize);
    for i in 0..nmsg {
        if cx.a.calls.is_retransmission(i as usize) {
            continue;
        }
        let m = cx.msg(i);
        let call = cx.call_of(i);
        let sdp = m.sdp_cow();
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
                    if rp != p && r == v.host && addr_class(r) == Class::Public {
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
        if let Some(j) = seen.first(cx, i) {
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

/// The message key of rule (d): Call-ID, CSeq, top Via branch, status and Request-URI.
type Key<'a> = (Option<&'a str>, Option<(u32, &'a str)>, Option<&'a str>, Option<u16>, Option<&'a str>);

/// The first message seen with each [`Key`]. A message with a transaction and a branch is
/// looked up by its transaction (which stands for its Call-ID, CSeq and branch) and status, so
/// its texts are read only when that pair was seen before; the others by the whole key.
struct SameMessage<'a> {
    /// (transaction, status) -> the first message with them.
    by_tx: crate::calls::QuickMap<(u32, Option<u16>), u32>,
    /// (transaction, status, Request-URI) for a Request-URI other than the first message's.
    by_tx_uri: crate::calls::QuickMap<(u32, Option<u16>, Option<&'a str>), u32>,
    by_key: crate::calls::QuickMap<Key<'a>, u32>,
}

impl<'a> SameMessage<'a> {
    fn new(n: usize) -> Self {
        SameMessage {
            by_tx: crate::calls::QuickMap::with_capacity_and_hasher(n, Default::default()),
            by_tx_uri: Default::default(),
            by_key: Default::default(),
        }
    }

    /// The first message before `i` with `i`'s key (remembering `i` when it is the first).
    fn first(&mut self, cx: &Ctx<'_, 'a>, i: u32) -> Option<u32> {
        let m = cx.msg(i);
        let branch = m.top_via().and_then(|v| v.branch);
        // (the transaction key reads a missing branch as empty: only a non-empty one is its own)
        match (cx.a.calls.transaction_of.get(i as usize).copied().flatten(), branch) {
            (Some(t), Some(b)) if !b.is_empty() => {
                let first = *self.by_tx.entry((t, m.status())).or_insert(i);
                if first == i {
                    None
                } else if cx.msg(first).request_uri() == m.request_uri() {
                    Some(first)
                } else {
                    let first = *self.by_tx_uri.entry((t, m.status(), m.request_uri())).or_insert(i);
                    (first != i).then_some(first)
                }
            }
            _ => {
                let key =
                    (m.call_id(), m.cseq().map(|c| (c.seq, c.method.as_str())), branch, m.status(), m.request_uri());
                let first = *self.by_key.entry(key).or_insert(i);
                (first != i).then_some(first)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnose::Options;

    /// The same INVITE logged at two hops (sngrep): `ruri` and `contact` of the first and the
    /// second copy, `via` the Via parameters of both.
    fn twice(via: &str, ruri: (&str, &str), contact: (&str, &str)) -> String {
        let msg = |banner: &str, ruri: &str, contact: &str| {
            format!(
                "{banner}\nINVITE {ruri} SIP/2.0\nVia: SIP/2.0/UDP 192.168.1.10:5060{via}\nFrom: <sip:alice@example.com>;tag=1\nTo: <sip:bob@example.com>\nCall-ID: dup-1\nCSeq: 1 INVITE\nContact: <sip:alice@{contact}:5060>\nMax-Forwards: 70\nContent-Length: 0\n\n"
            )
        };
        msg("2026/03/02 11:20:05.004117 192.168.1.10:5060 -> 10.0.0.1:5060", ruri.0, contact.0)
            + &msg("2026/03/02 11:20:05.014117 203.0.113.5:5060 -> 198.51.100.9:5060", ruri.1, contact.1)
    }

    fn seen_twice(text: &str) -> bool {
        let ing = crate::ingest(text);
        let a = crate::Analysis::new(&ing, &Options::default());
        assert_eq!(a.messages.len(), 2, "{text}");
        a.findings.iter().any(|f| f.cause == "net.sip_alg" && f.explanation.contains("appears twice"))
    }

    #[test]
    fn the_same_message_twice_with_another_contact_is_a_rewrite() {
        let b = "sip:bob@example.com";
        let contacts = ("192.168.1.10", "203.0.113.5");
        // (looked up by transaction: a branch; by the whole key: no branch, or an empty one)
        for via in [";branch=z9hG4bKabc", "", ";branch="] {
            assert!(seen_twice(&twice(via, (b, b), contacts)), "via {via:?}");
            // another Request-URI: not the same message
            assert!(!seen_twice(&twice(via, (b, "sip:bob@other.example.com"), contacts)), "via {via:?}");
            // the same Contact: nothing was rewritten
            assert!(!seen_twice(&twice(via, (b, b), ("192.168.1.10", "192.168.1.10"))), "via {via:?}");
        }
    }
}
