//! The SIP parser on any text: framing, the start line of every line, the message and every
//! typed accessor. Nothing may panic, every position must lie inside the message.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sipdiag::sip::{self, HeaderName};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let text: &str = &text;
    if let Some(n) = sip::frame_len(text) {
        assert!(text.is_char_boundary(n), "frame_len {n} not at a char boundary");
        let _ = sip::parse(&text[..n]);
    }
    for line in text.lines().take(64) {
        let _ = sip::parse_start_line(line);
    }
    let Ok(m) = sip::parse(text) else { return };
    let lines = m.text.split('\n').count() as u32;
    for p in &m.problems {
        assert!(p.line <= lines, "problem {p:?} beyond the message ({lines} lines)");
    }
    let _ = (m.method(), m.status(), m.reason_phrase(), m.request_uri(), m.first_line());
    let _ = (m.call_id(), m.cseq(), m.top_via(), m.from().map(|f| f.tag()), m.to().and_then(|t| t.parsed_uri()));
    let _ = (m.content_length(), m.content_type(), m.max_forwards(), m.expires(), m.min_expires(), m.min_se());
    let _ = (m.retry_after(), m.session_expires(), m.event(), m.subscription_state(), m.replaces());
    let _ = (m.www_authenticate(), m.authorization(), m.proxy_authenticate(), m.proxy_authorization());
    let _ = (m.user_agent(), m.server(), m.sipfrag_status(), m.referred_by(), m.missing_headers().count());
    if let Some(r) = m.refer_to() {
        let _ = r.replaces().map(|d| sip::Replaces::parse(&d).map(|x| x.call_id.len()));
    }
    for v in m.vias() {
        let _ = (v.has_magic_cookie(), v.param("maddr"), sip::Host::parse(v.host).ip());
    }
    for c in m.contacts().chain(m.routes()).chain(m.record_routes()).chain(m.asserted_identities()) {
        if let Some(u) = c.parsed_uri() {
            let _ = (u.host().ip(), u.transport(), u.user.map(sip::percent_decode));
        }
        let _ = c.param("expires");
    }
    let _ = (m.reasons().count(), m.warnings().count(), m.has_token(HeaderName::Supported, "timer"));
    for p in m.parts() {
        let _ = p.header("content-disposition");
    }
    if let Some(s) = m.sdp() {
        for md in &s.media {
            let _ = (s.message_line(md.line), md.candidates().count(), md.attr("rtcp-mux"), md.is_on_hold());
        }
    }
    for h in &m.headers {
        let _ = m.line_at(h.value.as_ptr() as usize - m.text.as_ptr() as usize);
    }
});
