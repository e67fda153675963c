//! Network rules, read against the RFC 3261 timers (T1 = 500 ms, T2 = 4 s, Timer B/F/H =
//! 64×T1 = 32 s): requests repeated with no response, a 100 Trying followed by silence, 408/504,
//! a 2xx repeated because its ACK never arrives (and the BYE about 32 s after the answer), UDP
//! messages too large to travel in one datagram, transport mismatches, and in-dialog requests lost
//! after a quiet period (the firewall's UDP mapping expired).

use super::ctx::{secs, Ctx};
use super::Severity;
use crate::calls::Ending;
use crate::ingest::Transport;
use crate::sip::HeaderName;

/// Above this many bytes a UDP datagram risks fragmentation (RFC 3261 §18.1.1 says 1300).
const UDP_LIMIT: usize = 1300;
const T1_US: i64 = 500_000;

pub(crate) fn run(cx: &mut Ctx<'_, '_>) {
    let ntx = cx.a.calls.transactions.len() as u32;
    for t in 0..ntx {
        unanswered(cx, t);
        timeout_response(cx, t);
    }
    for ci in 0..cx.a.calls.calls.len() as u32 {
        ack_lost(cx, ci);
    }
    // Requests lost after the UDP mapping expired are its consequence, not a cause of their own.
    let expired: Vec<Option<u32>> = cx.out.iter().filter(|f| f.cause == "net.udp_timeout").map(|f| f.call).collect();
    for f in cx.out.iter_mut() {
        if f.cause == "net.no_response" && expired.contains(&f.call) {
            f.confidence = f.confidence.min(50);
        }
    }
}

/// Bytes on the wire (bare LF counted as CRLF).
pub(crate) fn wire_len(text: &str) -> usize {
    let b = text.as_bytes();
    let lf = memchr::memchr_iter(b'\n', b).count();
    let crlf = memchr::memmem::find_iter(b, b"\r\n").count();
    b.len() + lf - crlf
}

/// The transport message `i` used: from the trace, else from its top Via.
pub(crate) fn transport(cx: &Ctx<'_, '_>, i: u32) -> Option<Transport> {
    cx.item(i).transport.or_else(|| cx.msg(i).top_via().and_then(|v| Transport::parse(v.transport)))
}

fn offsets(cx: &Ctx<'_, '_>, copies: &[u32]) -> Option<Vec<i64>> {
    let first = *copies.first()?;
    copies.iter().map(|&c| cx.gap(first, c)).collect()
}

fn fmt_offsets(offs: &[i64]) -> String {
    let v: Vec<String> = offs
        .iter()
        .map(|&o| {
            let s = secs(o);
            s.trim_end_matches(" s").to_string()
        })
        .collect();
    format!("{} s", v.join(", "))
}

/// Whether the gaps double from about T1 (capped at T2 = 4 s for non-INVITE).
fn doubles(offs: &[i64], invite: bool) -> bool {
    if offs.len() < 3 {
        return false;
    }
    let gaps: Vec<i64> = offs.windows(2).map(|w| w[1] - w[0]).collect();
    let mut expect = gaps[0];
    if !(T1_US / 2..=4 * T1_US).contains(&expect) {
        return false;
    }
    for &g in &gaps {
        let lo = expect * 6 / 10;
        let hi = expect * 14 / 10 + 100_000;
        if g < lo || g > hi {
            return false;
        }
        expect = if invite { expect * 2 } else { (expect * 2).min(4_000_000) };
    }
    true
}

fn timer_text(invite: bool, offs: &[i64]) -> String {
    let t1 = offs.get(1).map_or(T1_US, |o| *o - offs[0]);
    if invite {
        format!(
            "the gaps double as RFC 3261 Timer A does from T1 = {}; the sender gives up at Timer B = 64×T1 = {}",
            secs(t1),
            secs(64 * t1)
        )
    } else {
        format!(
            "the gaps double from T1 = {} up to T2 = 4 s, as RFC 3261 Timer E does; the sender gives up at Timer F \
             = 64×T1 = {}",
            secs(t1),
            secs(64 * t1)
        )
    }
}

/// A request that never got any response (or only a local 408).
fn unanswered(cx: &mut Ctx<'_, '_>, t: u32) {
    let tx = cx.tx(t);
    if tx.method == "ACK" {
        return;
    }
    let Some(req) = tx.request else { return };
    let has_response = tx.messages.iter().any(|&m| cx.msg(m).status().is_some_and(|c| c != 408));
    if has_response || !tx.provisional.is_empty() {
        provisional_then_silence(cx, t);
        return;
    }
    let copies: Vec<u32> = tx.messages.iter().copied().filter(|&m| cx.msg(m).is_request()).collect();
    let n = copies.len();
    let call = Some(tx.call);
    let method = tx.method.clone();
    let invite = method == "INVITE";
    let call_ref = cx.call(tx.call);
    let last_copy = *copies.last().unwrap_or(&req);
    // Later messages of the same call that are not this transaction (CANCEL, a new attempt, …).
    let later = call_ref
        .messages
        .iter()
        .copied()
        .filter(|&m| m > last_copy && cx.a.calls.transaction_of[m as usize] != Some(t))
        .count();
    let trace_after = cx.a.messages.len() as u32 > last_copy + 1;
    let in_dialog = cx.msg(req).to_tag().is_some();
    if n == 1 {
        // One copy and no answer: only a fault when the trace goes on for a while after it (a
        // snippet that stops, or a log of one side, proves nothing).
        let last = cx.a.messages.len() as u32 - 1;
        let quiet = cx.gap(req, last).unwrap_or(0);
        if !(later > 0 && (invite || method == "REGISTER") && trace_after && quiet >= 4_000_000) {
            return;
        }
    }
    let offs = offsets(cx, &copies);
    let item = cx.item(req);
    let dst = item
        .dst
        .as_ref()
        .map(|d| d.to_string())
        .or_else(|| cx.msg(req).request_uri().and_then(Ctx::uri_host).map(str::to_string));
    let to = dst.as_deref().map(|d| format!(" to {d}")).unwrap_or_default();
    let tp = transport(cx, req);
    let size = wire_len(&item.text);
    let mut expl = match (&offs, n) {
        (Some(o), n) if n >= 2 => {
            let span = o.last().copied().unwrap_or(0);
            let mut s = format!(
                "{method} was sent {n} times{to} over {} with no response (copies at {}",
                secs(span),
                fmt_offsets(o)
            );
            if doubles(o, invite) {
                s.push_str(&format!(": {}", timer_text(invite, o)));
            }
            s.push_str(").");
            s
        }
        (_, n) if n >= 2 => format!("{method} was sent {n} times{to} with no response."),
        _ => format!("{method}{to} got no response at all before the trace moves on."),
    };
    expl.push_str(
        " Nothing came back: the request is dropped on the way (firewall, wrong address or port, SIP ALG) or the \
         far end ignores it.",
    );
    // The Request-URI host against the chosen provider's edge.
    if let Some(note) = cx.ruri_note(req) {
        expl.push_str(&note);
    }
    let mut ev: Vec<_> = copies.iter().take(3).map(|&c| cx.ev(c, cx.label(c))).collect();
    if n > 3 {
        let l = copies[n - 1];
        ev.push(cx.ev(l, format!("{} (copy {n})", cx.label(l))));
    }
    let mut conf: u8 = match n {
        0 | 1 => 45,
        2 => 65,
        3 => 75,
        _ => 85,
    };
    let mut sev = if n >= 2 { Severity::Error } else { Severity::Warning };
    if matches!(method.as_str(), "OPTIONS" | "NOTIFY" | "INFO" | "MESSAGE" | "PUBLISH" | "SUBSCRIBE") {
        sev = Severity::Warning;
        conf = conf.saturating_sub(15);
    }
    // Too big for UDP?
    if tp == Some(Transport::Udp) && size > UDP_LIMIT {
        cx.finding(
            "net.message_too_large",
            Severity::Error,
            80,
            call,
            format!(
                "{method} is {size} bytes and went over UDP, and no response came: above about {UDP_LIMIT} bytes a \
                 UDP datagram is split into IP fragments, which many firewalls and NAT routers drop."
            ),
            vec![cx.ev(req, format!("{method} ({size} bytes, UDP)"))],
        );
        conf = conf.saturating_sub(20);
    }
    if transport_mismatch(cx, t, req) {
        conf = conf.saturating_sub(20);
    }
    // A quiet spell before an in-dialog request: the UDP mapping may have expired.
    if in_dialog && n >= 2 && cx.call(tx_call(cx, t)).answered {
        if let Some(idle) = idle_before(cx, tx_call(cx, t), req) {
            if idle >= 30_000_000 {
                let over_udp = tp.is_none_or(|x| x == Transport::Udp);
                cx.finding(
                    "net.udp_timeout",
                    Severity::Error,
                    if over_udp { 75 } else { 60 },
                    call,
                    format!(
                        "After {} with no SIP in the call, {method} was sent {n} times and never answered. A firewall \
                         or NAT router forgets an idle UDP mapping (often after 30 to 180 s), so requests inside a \
                         long call stop getting through.",
                        secs(idle)
                    ),
                    ev.clone(),
                );
                conf = conf.saturating_sub(25);
            }
        }
    }
    cx.finding("net.no_response", sev, conf, call, expl, ev);
}

fn tx_call(cx: &Ctx<'_, '_>, t: u32) -> u32 {
    cx.tx(t).call
}

/// Microseconds of silence in call `ci` before message `m`.
fn idle_before(cx: &Ctx<'_, '_>, ci: u32, m: u32) -> Option<i64> {
    let prev = cx.call(ci).messages.iter().copied().rfind(|&x| x < m)?;
    cx.gap(prev, m)
}

/// 100 Trying, then nothing: the next hop took the INVITE and never said more.
fn provisional_then_silence(cx: &mut Ctx<'_, '_>, t: u32) {
    let tx = cx.tx(t);
    if tx.method != "INVITE" || tx.final_status.is_some() || tx.provisional.iter().any(|&p| p > 100) {
        return;
    }
    let Some(p) = tx.first_provisional else { return };
    let call = tx.call;
    let c = cx.call(call);
    if c.answered {
        return;
    }
    let last = *c.messages.last().unwrap_or(&p);
    let cancel = c.ended_by == Some(Ending::Cancel);
    let Some(quiet) = cx.gap(p, last).or_else(|| {
        let after = cx.a.messages.len() as u32 > p + 1;
        after.then_some(0)
    }) else {
        return;
    };
    if quiet < 20_000_000 && !(cancel && quiet >= 10_000_000) {
        return;
    }
    let mut ev = vec![];
    if let Some(r) = tx.request {
        ev.push(cx.ev(r, "INVITE"));
    }
    ev.push(cx.ev(p, cx.label(p)));
    if last != p {
        ev.push(cx.ev(last, cx.label(last)));
    }
    cx.finding(
        "net.no_response",
        Severity::Warning,
        45,
        Some(call),
        format!(
            "The INVITE got {} and then nothing for {}: no ringing, no answer, no error. The next hop accepted the \
             call but the destination behind it never responded.",
            cx.label(p),
            secs(quiet)
        ),
        ev,
    );
}

/// 408 Request Timeout / 504 Server Time-out.
fn timeout_response(cx: &mut Ctx<'_, '_>, t: u32) {
    let tx = cx.tx(t);
    let Some(code @ (408 | 504)) = tx.final_status else { return };
    let Some(resp) = tx.final_message else { return };
    let rang = tx.provisional.iter().any(|&p| p > 100);
    if rang && tx.method == "INVITE" {
        return; // rang, then timed out: nobody answered (route rules)
    }
    let method = tx.method.clone();
    let call = Some(tx.call);
    let mut ev = Vec::new();
    if let Some(r) = tx.request {
        ev.push(cx.ev(r, cx.label(r)));
    }
    ev.push(cx.ev(resp, cx.label(resp)));
    let label = cx.label(resp);
    let (sev, conf, expl) = if rang {
        (
            Severity::Warning,
            55,
            format!(
                "{method} rang but ended with {label}: nobody answered in time, or the next hop stopped responding \
                 while it rang."
            ),
        )
    } else if code == 504 {
        (Severity::Error, 70, format!("{method} got {label}: a server on the path got no answer from the next hop."))
    } else {
        (
            Severity::Error,
            75,
            format!(
                "{method} got {label}: no response came from the far end within the transaction timer \
                 (Timer B/F = 32 s). Something on the path drops the request."
            ),
        )
    };
    cx.finding("net.no_response", sev, conf, call, expl, ev);
}

/// The request went over a transport the target doesn't listen on.
fn transport_mismatch(cx: &mut Ctx<'_, '_>, t: u32, req: u32) -> bool {
    let m = cx.msg(req);
    let item = cx.item(req);
    let tp = transport(cx, req);
    let via_tp = m.top_via().and_then(|v| Transport::parse(v.transport));
    let ruri = m.request_uri().unwrap_or("");
    let uri = crate::sip::Uri::parse(ruri);
    let wants = uri
        .and_then(|u| u.param("transport").flatten())
        .and_then(Transport::parse)
        .or_else(|| uri.filter(|u| u.scheme.eq_ignore_ascii_case("sips")).map(|_| Transport::Tls));
    let port = item.dst.as_ref().and_then(|d| d.port).or(uri.and_then(|u| u.port));
    let mut why = None;
    if let (Some(Transport::Udp), Some(w)) = (tp, wants) {
        if w != Transport::Udp {
            why =
                Some(format!("the target asks for {} (Request-URI {ruri}) but the request went over UDP", w.as_str()));
        }
    }
    if why.is_none() && tp == Some(Transport::Udp) && port == Some(5061) {
        why = Some("the request went over UDP to port 5061, the port for SIP over TLS".to_string());
    }
    if why.is_none() && tp == Some(Transport::Tls) && port == Some(5060) {
        why = Some("the request went over TLS to port 5060, the port for plain UDP/TCP SIP".to_string());
    }
    if why.is_none() {
        if let (Some(a), Some(v)) = (item.transport, via_tp) {
            if a != v && !(a == Transport::Tls && v == Transport::Tcp) && !(a == Transport::Wss || a == Transport::Ws) {
                why = Some(format!("it travelled over {} but its Via says {}", a.as_str(), v.as_str()));
            }
        }
    }
    let Some(why) = why else { return false };
    let call = Some(cx.tx(t).call);
    let method = cx.tx(t).method.clone();
    let mut ev = vec![cx.ev(req, cx.label(req))];
    if let Some(e) = cx.ev_header(req, HeaderName::Via) {
        ev.push(e);
    }
    cx.finding(
        "net.transport_mismatch",
        Severity::Error,
        70,
        call,
        format!("{method} got no response and {why}. Both sides must use the same transport and port."),
        ev,
    );
    true
}

/// The 2xx that answered the call repeated because no ACK reached the callee, and the BYE at
/// Timer H (64×T1) after the answer.
fn ack_lost(cx: &mut Ctx<'_, '_>, ci: u32) {
    let c = cx.call(ci);
    let Some(ans) = c.answer_message else { return };
    let Some(t) = cx.a.calls.transaction_of[ans as usize] else { return };
    let tx = cx.tx(t);
    let copies = tx.final_copies;
    let cseq = tx.cseq;
    let last_copy = tx.messages.iter().copied().rfind(|&m| cx.a.calls.retransmission_of[m as usize] == Some(ans));
    let ack = c.messages.iter().copied().find(|&m| {
        let msg = cx.msg(m);
        msg.is_request() && msg.cseq().is_some_and(|cs| cs.seq == cseq && cs.method.as_str() == "ACK")
    });
    let (ended_by, end_message) = (c.ended_by, c.end_message);
    // The ACK must go where the 200 OK's Contact says (or along its Record-Route).
    let contact_host = cx.msg(ans).contacts().next().and_then(|c| crate::sip::Uri::parse(c.uri)).map(|u| u.host);
    let routed = cx.msg(ans).header(HeaderName::RecordRoute).is_some();
    if let (Some(a), Some(ch), false) = (ack, contact_host, routed) {
        let dst = cx.item(a).dst.as_ref().map(|d| d.host.to_string());
        if let Some(d) = dst {
            if super::ctx::ip(ch).is_some() && super::ctx::ip(&d).is_some() && !d.eq_ignore_ascii_case(ch) {
                let ev = vec![
                    cx.ev_header(ans, HeaderName::Contact).unwrap_or_else(|| cx.ev(ans, cx.label(ans))),
                    cx.ev(a, format!("ACK to {d}")),
                ];
                cx.finding(
                    "net.ack_lost",
                    Severity::Warning,
                    65,
                    Some(ci),
                    format!(
                        "The ACK for the answered call went to {d}, but the 200 OK's Contact is {ch} and there is no \
                         Record-Route: the callee never gets the ACK, keeps resending its 200 OK and hangs up after \
                         about 32 s."
                    ),
                    ev,
                );
            }
        }
    }
    let bye_callee = matches!(ended_by, Some(Ending::Bye { by_caller: Some(false) | None }));
    let end = end_message;
    let drop = if bye_callee { end.and_then(|e| cx.gap(ans, e)) } else { None };

    let bye_reason = end.map(|e| cx.hints(e)).unwrap_or_default();
    let reason_ack = bye_reason.contains("ack");
    let (sev, conf) = match (copies, drop) {
        (n, Some(d)) if n >= 3 && (20_000_000..=70_000_000).contains(&d) => (Severity::Error, 90),
        (n, Some(d)) if n >= 2 && (28_000_000..=40_000_000).contains(&d) => (Severity::Error, 80),
        (n, _) if n >= 3 && end.is_none() => (Severity::Error, 70),
        (n, _) if n >= 5 => (Severity::Error, 70),
        (_, Some(d)) if ack.is_none() && (30_000_000..=34_500_000).contains(&d) => (Severity::Warning, 55),
        _ if reason_ack && bye_callee => (Severity::Error, 70),
        _ => return,
    };
    let mut expl = if copies >= 2 {
        let span = last_copy.and_then(|l| cx.gap(ans, l)).map(|s| format!(" over {}", secs(s))).unwrap_or_default();
        format!("The 200 OK that answered the call was sent {copies} times{span}")
    } else {
        "The call was answered".to_string()
    };
    match ack {
        Some(a) if copies >= 2 && last_copy.is_some_and(|l| l > a) => expl.push_str(&format!(
            ": an ACK was sent (line {}) yet the 200 OK kept coming, so the ACK never reached the callee",
            cx.a.input_line(a as usize, 0)
        )),
        Some(_) => {}
        None if copies >= 2 => expl.push_str(" and no ACK came back"),
        None => {}
    }
    if let Some(d) = drop {
        expl.push_str(&format!(
            "; the callee hung up with BYE {} after answering. That is RFC 3261 Timer H: with no ACK after 64×T1 \
             the callee gives up (here T1 = {} ms).",
            secs(d),
            d / 64 / 1000
        ));
    } else {
        expl.push('.');
    }
    let contact = cx.msg(ans).contacts().next().map(|c| c.uri.to_string());
    if let Some(ct) = &contact {
        let private =
            crate::sip::Uri::parse(ct).is_some_and(|u| super::ctx::addr_class(u.host) == super::ctx::Class::Private);
        expl.push_str(&format!(
            " The ACK is sent to the 200 OK's Contact ({ct}){}.",
            if private { ", a private address the caller cannot reach" } else { "" }
        ));
    }
    let mut ev = vec![cx.ev(ans, format!("{} (answer)", cx.label(ans)))];
    if let Some(e) = cx.ev_header(ans, HeaderName::Contact) {
        ev.push(e);
    }
    if let Some(l) = last_copy {
        ev.push(cx.ev(l, format!("{} (copy {copies})", cx.label(l))));
    }
    if let Some(a) = ack {
        ev.push(cx.ev(a, "ACK"));
    }
    if let Some(e) = end {
        ev.push(cx.ev(e, cx.label(e)));
    }
    cx.finding("net.ack_lost", sev, conf, Some(ci), expl, ev);
}
