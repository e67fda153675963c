//! Media negotiation rules from SDP: offer against answer (no common audio codec, a rejected
//! stream), 488/415/606 rejections (naming what each side offered), DTMF (telephone-event)
//! missing on one side, and calls ended for lack of RTP.

use super::ctx::{any, Ctx};
use super::Severity;
use crate::sip::sdp::Sdp;
use crate::sip::HeaderName;

pub(crate) fn run(cx: &mut Ctx<'_, '_>) {
    for t in 0..cx.a.calls.transactions.len() as u32 {
        if cx.tx(t).method != "INVITE" {
            continue;
        }
        negotiation(cx, t);
        rejected(cx, t);
    }
    rtp_timeout(cx);
}

fn is_codec(name: &str) -> bool {
    !name.eq_ignore_ascii_case("telephone-event")
        && !name.eq_ignore_ascii_case("CN")
        && !name.eq_ignore_ascii_case("comfort-noise")
        && !name.eq_ignore_ascii_case("red")
        && !name.eq_ignore_ascii_case("ulpfec")
        && !name.eq_ignore_ascii_case("rtx")
}

/// Audio codec names of an SDP (first audio stream), as written; payload numbers for unnamed
/// dynamic types.
pub(crate) fn audio_codecs(s: &Sdp<'_>) -> Vec<String> {
    let Some(m) = s.media.iter().find(|m| m.kind.eq_ignore_ascii_case("audio")) else { return Vec::new() };
    let mut v: Vec<String> = Vec::new();
    for f in &m.formats {
        let name = if f.name.is_empty() { format!("PT {}", f.pt) } else { f.name.to_string() };
        if is_codec(&name) && !v.iter().any(|x| x.eq_ignore_ascii_case(&name)) {
            v.push(name);
        }
    }
    v
}

fn has_dtmf(s: &Sdp<'_>) -> Option<bool> {
    s.media.iter().find(|m| m.kind.eq_ignore_ascii_case("audio")).map(|m| m.has_telephone_event())
}

fn audio_proto<'a>(s: &Sdp<'a>) -> Option<&'a str> {
    s.media.iter().find(|m| m.kind.eq_ignore_ascii_case("audio")).map(|m| m.proto)
}

/// The offer and the answer of an INVITE transaction: (message, sdp) each.
/// A message and its SDP.
type Side<'x, 'a> = Option<(u32, std::borrow::Cow<'x, Sdp<'a>>)>;

fn offer_answer<'x, 'a>(cx: &Ctx<'x, 'a>, t: u32) -> (Side<'x, 'a>, Side<'x, 'a>) {
    let tx = cx.tx(t);
    let offer = tx.request.and_then(|r| cx.msg(r).sdp_cow().map(|s| (r, s)));
    let answer_in = |lo: u16, hi: u16| {
        tx.messages.iter().copied().find_map(|m| {
            let msg = cx.msg(m);
            let code = msg.status()?;
            (lo..hi).contains(&code).then(|| msg.sdp_cow().map(|s| (m, s))).flatten()
        })
    };
    let answer = answer_in(200, 300).or_else(|| answer_in(180, 200));
    match (offer, answer) {
        (Some(o), a) => (Some(o), a),
        // late offer: the 2xx carries the offer, the ACK the answer
        (None, Some(o)) => {
            let cseq = tx.cseq;
            let call = cx.call(tx.call);
            let ack = call.messages.iter().copied().find_map(|m| {
                let msg = cx.msg(m);
                (msg.is_request() && msg.cseq().is_some_and(|c| c.seq == cseq && c.method.as_str() == "ACK"))
                    .then(|| msg.sdp_cow().map(|s| (m, s)))
                    .flatten()
            });
            (Some(o), ack)
        }
        (None, None) => (None, None),
    }
}

fn negotiation(cx: &mut Ctx<'_, '_>, t: u32) {
    let (Some((om, offer)), Some((am, answer))) = offer_answer(cx, t) else { return };
    let call = Some(cx.tx(t).call);
    let oc = audio_codecs(&offer);
    let ac = audio_codecs(&answer);
    let audio_port = answer.media.iter().find(|m| m.kind.eq_ignore_ascii_case("audio")).map(|m| m.port);
    let ol = cx.label(om);
    let al = cx.label(am);
    let oline = offer.media.first().map_or(0, |m| m.line);
    let aline = answer.media.first().map_or(0, |m| m.line);
    if audio_port == Some(0) {
        cx.finding(
            "media.codec_mismatch",
            Severity::Error,
            70,
            call,
            format!(
                "{al} rejected the audio stream (port 0): none of the offered codecs ({}) is acceptable to it.",
                oc.join(", ")
            ),
            vec![
                cx.ev_sdp(om, &offer, oline, format!("offer: {}", oc.join(" "))),
                cx.ev_sdp(am, &answer, aline, "answer: audio port 0"),
            ],
        );
        return;
    }
    let common: Vec<&String> = ac.iter().filter(|a| oc.iter().any(|o| o.eq_ignore_ascii_case(a))).collect();
    if common.is_empty() && !oc.is_empty() && !ac.is_empty() {
        cx.finding(
            "media.codec_mismatch",
            Severity::Error,
            80,
            call,
            format!(
                "The offer ({ol}) lists {} and the answer ({al}) lists {}: no codec in common, so no audio can flow.",
                oc.join(", "),
                ac.join(", ")
            ),
            vec![
                cx.ev_sdp(om, &offer, oline, format!("offer: {}", oc.join(" "))),
                cx.ev_sdp(am, &answer, aline, format!("answer: {}", ac.join(" "))),
            ],
        );
    }
    // DTMF: telephone-event on one side only.
    if let (Some(o), Some(a)) = (has_dtmf(&offer), has_dtmf(&answer)) {
        let answered = cx.call(cx.tx(t).call).answered;
        if o != a && answered {
            let (with, without, wl, wm, wline) =
                if o { ("offer", "answer", al.clone(), am, aline) } else { ("answer", "offer", ol.clone(), om, oline) };
            cx.finding(
                "media.no_dtmf",
                Severity::Warning,
                60,
                call,
                format!(
                    "The {with} includes telephone-event (DTMF as RTP events) but the {without} ({wl}) does not: \
                     keypresses will not reach the other side as events, so menus and PIN entry fail."
                ),
                vec![cx.ev_sdp(wm, if o { &answer } else { &offer }, wline, format!("{without}: no telephone-event"))],
            );
        } else if !o && !a && answered {
            cx.finding(
                "media.no_dtmf",
                Severity::Info,
                35,
                call,
                "Neither side offers telephone-event: keypresses can only travel in the audio itself or as SIP INFO, \
                 which many platforms do not read."
                    .to_string(),
                vec![cx.ev_sdp(om, &offer, oline, format!("offer: {}", oc.join(" ")))],
            );
        }
    }
}

fn rejected(cx: &mut Ctx<'_, '_>, t: u32) {
    let tx = cx.tx(t);
    let Some(code @ (488 | 415 | 606 | 406 | 580)) = tx.final_status else { return };
    let Some(resp) = tx.final_message else { return };
    let call = Some(tx.call);
    let reinvite = !cx.call(tx.call).initial.contains(&t);
    let hints = cx.hints(resp);
    let q = cx.q850(resp);
    let offer = tx.request.and_then(|r| cx.msg(r).sdp_cow().map(|s| (r, s)));
    // A re-INVITE offering the codecs the call already agreed on is not refused for its codecs
    // (a session refresh or hold the other side did not take): the session rules say more.
    if reinvite {
        let agreed = cx.call(tx.call).initial.iter().find_map(|&it| match offer_answer(cx, it) {
            (Some(_), Some((_, a))) => Some(audio_codecs(&a)),
            _ => None,
        });
        if let (Some(agreed), Some((_, s))) = (&agreed, &offer) {
            let now = audio_codecs(s);
            if !agreed.is_empty() && agreed.iter().all(|c| now.iter().any(|n| n.eq_ignore_ascii_case(c))) {
                return;
            }
        }
    }
    let label = cx.label(resp);
    let mut ev = Vec::new();
    let mut expl;
    match &offer {
        Some((r, s)) => {
            let oc = audio_codecs(s);
            let proto = audio_proto(s).unwrap_or("");
            expl = format!("{label}: the other side accepts none of the codecs offered ({})", oc.join(", "));
            if proto.contains("SAVP") {
                expl.push_str(&format!(
                    ". The offer uses {proto} (encrypted media{}); a side without SRTP rejects it whatever the codecs",
                    if proto.contains("SAVPF") { ", WebRTC style" } else { "" }
                ));
            }
            ev.push(cx.ev_sdp(*r, s, s.media.first().map_or(0, |m| m.line), format!("offer: {}", oc.join(" "))));
        }
        None => expl = format!("{label}: the other side cannot accept the media offered"),
    }
    // Some servers put what they support in the refusal (an SDP body or an Accept list).
    if let Some(theirs) = cx.msg(resp).sdp_cow().map(|s| audio_codecs(&s)).filter(|c| !c.is_empty()) {
        expl.push_str(&format!("; the other side supports {}", theirs.join(", ")));
    }
    if let Some(w) = cx.warning(resp) {
        expl.push_str(&format!(" (Warning: {w})"));
    }
    if let Some(c) = q {
        expl.push_str(&format!(" (Q.850 cause {c})"));
    }
    expl.push_str(". Offer G.711 (PCMU/PCMA) on both sides, or enable the codec the other side asks for.");
    if reinvite {
        expl.push_str(" This was a re-INVITE inside an answered call (hold, transfer or a media change).");
    }
    ev.push(cx.ev(resp, label));
    if let Some(e) = cx.ev_header(resp, HeaderName::Warning) {
        ev.push(e);
    }
    let strong =
        any(&hints, &["codec", "media", "incompatible", "305", "304", "sdp"]) || matches!(q, Some(65 | 88 | 58));
    let conf = match (code, strong, reinvite) {
        (_, true, false) => 90,
        (488 | 606, false, false) => 80,
        (_, _, true) => 60,
        _ => 65,
    };
    let secure = offer.as_ref().and_then(|(_, s)| audio_proto(s)).is_some_and(|p| p.contains("SAVP"));
    let ice_or_crypto = any(&hints, &["srtp", "crypto", "dtls", "ice", "savp", "encrypt"]);
    if secure || ice_or_crypto {
        cx.finding(
            "media.srtp_mismatch",
            Severity::Error,
            if secure && ice_or_crypto { 90 } else { 80 },
            call,
            format!(
                "{}: the offer asks for encrypted audio (SRTP) and the other side only does plain RTP, or the \
                 reverse. Make both sides agree: SRTP on both, or off on both.",
                expl.split(". Offer G.711").next().unwrap_or(&expl)
            ),
            ev.clone(),
        );
        cx.finding("media.codec_mismatch", Severity::Error, 45, call, expl, ev);
        return;
    }
    cx.finding("media.codec_mismatch", Severity::Error, conf, call, expl, ev);
}

/// BYE (or an error) that says RTP stopped arriving.
fn rtp_timeout(cx: &mut Ctx<'_, '_>) {
    for i in 0..cx.a.messages.len() as u32 {
        let m = cx.msg(i);
        let is_bye = m.is_request() && m.method().is_some_and(|x| x.as_str() == "BYE");
        if !is_bye && m.status().is_none_or(|c| c < 400) {
            continue;
        }
        let h = cx.hints(i);
        if any(
            &h,
            &[
                "rtp timeout",
                "rtp-timeout",
                "media timeout",
                "media_timeout",
                "no rtp",
                "rtp inactivity",
                "lack of rtp",
                "rtp_timeout",
                "media-timeout",
            ],
        ) {
            let mut ev = vec![cx.ev(i, cx.label(i))];
            if let Some(e) = cx.ev_header(i, HeaderName::Reason) {
                ev.push(e);
            }
            cx.finding(
                "net.rtp_blocked",
                Severity::Error,
                80,
                cx.call_of(i),
                format!(
                    "{} ended the call because no audio (RTP) arrived: the media path is blocked (firewall RTP port \
                     range, or a private address in the SDP).",
                    cx.label(i)
                ),
                ev,
            );
        }
    }
}
