//! How a [`Report`] crosses from the analysis worker to the page, and the share panel's question
//! ([`ShareAsk`]) and answer ([`Prepared`]) cross between them: compact bytes (variable-length
//! integers, length-prefixed UTF-8, fields in declaration order), written by one module and read
//! by the other. Both modules are built from the same source at the same time, so this
//! encoding carries no version and is never stored or shared; the public, versioned form of a
//! report is its JSON (docs/JSON.md).
//!
//! Why not JSON here: the page's module then needs no JSON reader for reports (about 30 KB of
//! its gzip size) and reads a 20 MB log's report back several times faster, on the page's thread.
//!
//! Every struct lists its fields once, in [`wire!`]: writing destructures the struct without
//! `..` and reading builds it with every field, so a field added to the report and forgotten here
//! does not compile. Reading never panics and never trusts a length: counts are checked against
//! the bytes left.

use crate::export::{Ticket, TraceWindow};
use crate::permalink::{Fit, ShareKind, ShareOption};
use crate::redact::{Kind, Mark, Redacted, Replacement};
use crate::report::{
    CallOut, CaptureOut, EvidenceOut, FindingOut, MediaOut, MessageOut, PartialOut, ProblemOut, Report, StreamOut,
    VerdictOut,
};
use crate::view::share::{Prepared, ShareAsk};
use std::rc::Rc;

/// The first byte of an encoded report.
const TAG: u8 = 0xD1;
/// The first byte of an encoded [`ShareAsk`] and of an encoded [`Prepared`].
const ASK_TAG: u8 = 0xA5;
const PREPARED_TAG: u8 = 0xB7;

/// Where encoded bytes go: a buffer, or a counter that only measures.
trait Out {
    fn put(&mut self, b: &[u8]);
}

impl Out for Vec<u8> {
    fn put(&mut self, b: &[u8]) {
        self.extend_from_slice(b);
    }
}

struct Count(usize);

impl Out for Count {
    fn put(&mut self, b: &[u8]) {
        self.0 += b.len();
    }
}

/// Bytes being read.
struct In<'a> {
    b: &'a [u8],
}

impl<'a> In<'a> {
    fn byte(&mut self) -> Option<u8> {
        let (&x, rest) = self.b.split_first()?;
        self.b = rest;
        Some(x)
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (x, rest) = self.b.split_at_checked(n)?;
        self.b = rest;
        Some(x)
    }
}

trait Wire: Sized {
    fn write(&self, o: &mut impl Out);
    fn read(i: &mut In<'_>) -> Option<Self>;
}

fn write_varint(mut v: u64, o: &mut impl Out) {
    let mut buf = [0u8; 10];
    let mut n = 0;
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            buf[n] = b;
            n += 1;
            break;
        }
        buf[n] = b | 0x80;
        n += 1;
    }
    o.put(&buf[..n]);
}

fn read_varint(i: &mut In<'_>) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let b = i.byte()?;
        v |= u64::from(b & 0x7f).checked_shl(shift)?;
        if b & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

macro_rules! unsigned {
    ($($t:ty),*) => {$(
        impl Wire for $t {
            fn write(&self, o: &mut impl Out) {
                write_varint(u64::from(*self), o);
            }
            fn read(i: &mut In<'_>) -> Option<Self> {
                <$t>::try_from(read_varint(i)?).ok()
            }
        }
    )*};
}
unsigned!(u8, u16, u32, u64);

impl Wire for i64 {
    fn write(&self, o: &mut impl Out) {
        write_varint(((*self << 1) ^ (*self >> 63)) as u64, o);
    }
    fn read(i: &mut In<'_>) -> Option<Self> {
        let z = read_varint(i)?;
        Some((z >> 1) as i64 ^ -((z & 1) as i64))
    }
}

impl Wire for bool {
    fn write(&self, o: &mut impl Out) {
        o.put(&[u8::from(*self)]);
    }
    fn read(i: &mut In<'_>) -> Option<Self> {
        match i.byte()? {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }
}

impl Wire for String {
    fn write(&self, o: &mut impl Out) {
        write_varint(self.len() as u64, o);
        o.put(self.as_bytes());
    }
    fn read(i: &mut In<'_>) -> Option<Self> {
        let n = usize::try_from(read_varint(i)?).ok()?;
        std::str::from_utf8(i.take(n)?).ok().map(str::to_string)
    }
}

impl<T: Wire> Wire for Option<T> {
    fn write(&self, o: &mut impl Out) {
        match self {
            None => o.put(&[0]),
            Some(v) => {
                o.put(&[1]);
                v.write(o);
            }
        }
    }
    fn read(i: &mut In<'_>) -> Option<Self> {
        match i.byte()? {
            0 => Some(None),
            1 => T::read(i).map(Some),
            _ => None,
        }
    }
}

impl<T: Wire> Wire for Vec<T> {
    fn write(&self, o: &mut impl Out) {
        write_varint(self.len() as u64, o);
        for v in self {
            v.write(o);
        }
    }
    fn read(i: &mut In<'_>) -> Option<Self> {
        let n = usize::try_from(read_varint(i)?).ok()?;
        // every item takes at least one byte: a count past the bytes left is corrupt
        if n > i.b.len() {
            return None;
        }
        let mut v = Vec::with_capacity(n);
        for _ in 0..n {
            v.push(T::read(i)?);
        }
        Some(v)
    }
}

impl<T: Wire> Wire for Rc<T> {
    fn write(&self, o: &mut impl Out) {
        (**self).write(o);
    }
    fn read(i: &mut In<'_>) -> Option<Self> {
        T::read(i).map(Rc::new)
    }
}

impl<A: Wire, B: Wire, C: Wire> Wire for (A, B, C) {
    fn write(&self, o: &mut impl Out) {
        self.0.write(o);
        self.1.write(o);
        self.2.write(o);
    }
    fn read(i: &mut In<'_>) -> Option<Self> {
        Some((A::read(i)?, B::read(i)?, C::read(i)?))
    }
}

impl<T: Wire + Copy + Default, const N: usize> Wire for [T; N] {
    fn write(&self, o: &mut impl Out) {
        for v in self {
            v.write(o);
        }
    }
    fn read(i: &mut In<'_>) -> Option<Self> {
        let mut out = [T::default(); N];
        for v in &mut out {
            *v = T::read(i)?;
        }
        Some(out)
    }
}

/// Implements [`Wire`] for a field-less enum from the list of all its variants (written as their
/// place in the list). The `match` names every variant, so one added and forgotten here does not
/// compile.
macro_rules! wire_enum {
    ($($t:ident { $($v:ident),* $(,)? })*) => {$(
        impl Wire for $t {
            fn write(&self, o: &mut impl Out) {
                const ALL: &[$t] = &[$($t::$v),*];
                match self { $($t::$v)|* => {} }
                let at = ALL.iter().position(|v| v == self).unwrap_or(0);
                o.put(&[at as u8]);
            }
            fn read(i: &mut In<'_>) -> Option<Self> {
                const ALL: &[$t] = &[$($t::$v),*];
                ALL.get(usize::from(i.byte()?)).copied()
            }
        }
    )*};
}

wire_enum! {
    ShareKind { Trace, Call, Diagnosis }
    Fit { Safe, Long, TooLong }
    Kind { Ipv4, Ipv6, Number, User, Name, Host, Credential, Secret }
}

/// Implements [`Wire`] for a struct from the list of all its fields.
macro_rules! wire {
    ($($t:ident { $($f:ident),* $(,)? })*) => {$(
        impl Wire for $t {
            fn write(&self, o: &mut impl Out) {
                let $t { $($f),* } = self;
                $($f.write(o);)*
            }
            fn read(i: &mut In<'_>) -> Option<Self> {
                Some($t { $($f: Wire::read(i)?),* })
            }
        }
    )*};
}

wire! {
    Report { version, format, formats, messages, calls, partials, problems, findings, verdict, capture, media }
    CaptureOut {
        container, packets, sip_messages, rtp_packets, rtcp_packets, other_packets, non_ip_packets, cut_packets,
        first_time_us, last_time_us, encrypted, sip_only,
    }
    MediaOut { streams }
    StreamOut {
        index, src, dst, ssrc, payload_type, codec, packets, bytes, first_packet, last_packet, first_time_us,
        last_time_us, duration_ms, expected, lost, sequence_errors, jitter_us, mean_jitter_us, max_jitter_us,
        max_gap_us, dtmf_packets, rtcp_packets, poor, call, sdp_message, sdp_address_matches,
    }
    VerdictOut { severity, text, cause, call }
    MessageOut {
        index, line, time, time_us, src, dst, transport, direction, kind, method, status, reason, call_id, cseq,
        retransmission_of, retransmission, call, has_sdp, format, text, problems,
    }
    CallOut {
        index, call_id, kind, from, to, request_uri, messages, first_time, first_time_us, last_time_us,
        final_status, answered, duration_ms, ended_by, reinvites, refers, dialogs, findings, media, streams,
    }
    PartialOut { line, text, status, method }
    ProblemOut { kind, description, line, message }
    EvidenceOut { message, line, label, excerpt }
    FindingOut { cause, title, severity, confidence, explanation, evidence, fixes, checks, call, confirm }
    ShareAsk { profile, symptom, pbx, call, message, base, redact, ips, numbers, credentials, hosts }
    ShareOption { kind, url, fit }
    Replacement { original, replacement, kind, count }
    Mark { start, end, kind }
    Redacted { text, replacements, marks, lengths_adjusted }
    TraceWindow { text, first_line, last_line, whole, center }
    Ticket { subject, fields, verdict, findings, window, send_to, typed, symptom_default }
}

/// [`Prepared`] without its `text`, which is the redacted text when redaction is on and else the
/// input the page already holds ([`decode_prepared`] takes it back from there).
impl Wire for Prepared {
    fn write(&self, o: &mut impl Out) {
        let Prepared {
            text: _,
            redacted,
            redacted_report,
            hosts,
            options,
            recommended,
            call,
            call_id,
            call_lines,
            evidence_lines,
            ticket,
            call_trace,
        } = self;
        redacted.write(o);
        redacted_report.write(o);
        hosts.write(o);
        options.write(o);
        recommended.and_then(|r| u32::try_from(r).ok()).write(o);
        call.write(o);
        call_id.write(o);
        call_lines.write(o);
        evidence_lines.write(o);
        ticket.write(o);
        call_trace.write(o);
    }
    fn read(i: &mut In<'_>) -> Option<Self> {
        let redacted: Option<Redacted> = Wire::read(i)?;
        Some(Prepared {
            text: redacted.as_ref().map(|r| r.text.clone()).unwrap_or_default(),
            redacted,
            redacted_report: Wire::read(i)?,
            hosts: Wire::read(i)?,
            options: Wire::read(i)?,
            recommended: Option::<u32>::read(i)?.map(|r| r as usize),
            call: Wire::read(i)?,
            call_id: Wire::read(i)?,
            call_lines: Wire::read(i)?,
            evidence_lines: Wire::read(i)?,
            ticket: Wire::read(i)?,
            call_trace: Wire::read(i)?,
        })
    }
}

/// `v` as bytes after `tag`, in a buffer of exactly their size.
fn seal<T: Wire>(tag: u8, v: &T) -> Vec<u8> {
    let mut n = Count(1);
    v.write(&mut n);
    let mut out = Vec::with_capacity(n.0);
    out.push(tag);
    v.write(&mut out);
    out
}

/// What [`seal`] wrote with `tag`; `None` for anything else.
fn open<T: Wire>(tag: u8, bytes: &[u8]) -> Option<T> {
    let (&t, rest) = bytes.split_first()?;
    if t != tag {
        return None;
    }
    let mut i = In { b: rest };
    let v = T::read(&mut i)?;
    i.b.is_empty().then_some(v)
}

/// The share panel's question to the worker, as bytes.
pub fn encode_ask(ask: &ShareAsk) -> Vec<u8> {
    seal(ASK_TAG, ask)
}

/// The question [`encode_ask`] wrote.
pub fn decode_ask(bytes: &[u8]) -> Option<ShareAsk> {
    open(ASK_TAG, bytes)
}

/// The worker's answer to a [`ShareAsk`], as bytes (the input's text left out).
pub fn encode_prepared(p: &Prepared) -> Vec<u8> {
    seal(PREPARED_TAG, p)
}

/// The answer [`encode_prepared`] wrote, for `input` (the text the question was about).
pub fn decode_prepared(bytes: &[u8], input: &str) -> Option<Prepared> {
    let mut p: Prepared = open(PREPARED_TAG, bytes)?;
    if p.redacted.is_none() {
        p.text = input.to_string();
    }
    Some(p)
}

/// `report` as bytes, in a buffer of exactly their size (counted first, so no doubling growth
/// leaves a larger block behind in the worker's memory).
pub fn encode(report: &Report) -> Vec<u8> {
    seal(TAG, report)
}

/// What [`encode`] writes for `head` (a report whose `messages` are left out) with `n` messages
/// made one at a time by `message(i)`: the full report's messages never exist together, which
/// keeps the worker's peak memory down. Made twice (once to count the bytes).
pub fn encode_streamed(head: &Report, n: usize, mut message: impl FnMut(usize) -> MessageOut) -> Vec<u8> {
    fn write(head: &Report, n: usize, message: &mut impl FnMut(usize) -> MessageOut, o: &mut impl Out) {
        // every field, in the order of `wire!` above (a test checks this equals `encode`)
        let Report {
            version,
            format,
            formats,
            messages: _,
            calls,
            partials,
            problems,
            findings,
            verdict,
            capture,
            media,
        } = head;
        version.write(o);
        format.write(o);
        formats.write(o);
        write_varint(n as u64, o);
        for i in 0..n {
            message(i).write(o);
        }
        calls.write(o);
        partials.write(o);
        problems.write(o);
        findings.write(o);
        verdict.write(o);
        capture.write(o);
        media.write(o);
    }
    let mut count = Count(1);
    write(head, n, &mut message, &mut count);
    let mut out = Vec::with_capacity(count.0);
    out.push(TAG);
    write(head, n, &mut message, &mut out);
    out
}

/// The report [`encode`] wrote; `None` for bytes that are not one (cut short, altered, or with
/// bytes left over).
pub fn decode(bytes: &[u8]) -> Option<Report> {
    open(TAG, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnose::Options;
    use crate::view::samples::SAMPLES;

    fn reports() -> Vec<Report> {
        let mut out: Vec<Report> = SAMPLES.iter().map(|s| crate::view::analyse(s.text, &Options::default())).collect();
        out.push(crate::view::analyse("", &Options::default()));
        out.push(crate::view::capture::analyse_bytes(
            &crate::view::capture::tests::one_way_capture(),
            &Options::default(),
        ));
        out
    }

    #[test]
    fn every_report_comes_back_equal() {
        for r in reports() {
            let bytes = encode(&r);
            assert_eq!(bytes.len(), bytes.capacity(), "sized exactly");
            assert_eq!(decode(&bytes).as_ref(), Some(&r));
            // smaller than the JSON it replaces
            assert!(bytes.len() < serde_json::to_vec(&r).unwrap().len());
        }
    }

    #[test]
    fn streamed_messages_encode_as_the_whole_report() {
        for r in reports() {
            let mut head = r.clone();
            let messages = std::mem::take(&mut head.messages);
            let bytes = encode_streamed(&head, messages.len(), |i| messages[i].clone());
            assert_eq!(bytes, encode(&r));
            assert_eq!(bytes.len(), bytes.capacity());
        }
    }

    #[test]
    fn share_questions_and_answers_come_back_equal() {
        use crate::permalink::Selection;
        use crate::view::share::{ShareAction, ShareForm};
        let plain = ShareForm::default();
        let redacting =
            plain.clone().apply(ShareAction::Redact(true)).apply(ShareAction::Host("example.com".into(), true));
        let options = Options { profile: Some("generic".into()), symptom: None, pbx: Some("freepbx".into()) };
        for s in SAMPLES {
            for (form, sel) in
                [(&plain, Selection::default()), (&redacting, Selection { call: Some(0), message: Some(1) })]
            {
                let ask = ShareAsk::new(&options, sel, "https://h/app/", form);
                let bytes = encode_ask(&ask);
                assert_eq!(decode_ask(&bytes).as_ref(), Some(&ask));
                let p = ask.prepare(s.text);
                let bytes = encode_prepared(&p);
                assert_eq!(bytes.len(), bytes.capacity(), "sized exactly");
                assert_eq!(decode_prepared(&bytes, s.text).as_ref(), Some(&p), "{}", s.id);
                assert_eq!(decode(&bytes), None, "not a report");
                assert_eq!(decode_ask(&bytes), None, "not a question");
                for cut in (0..bytes.len()).step_by(13) {
                    assert_eq!(decode_prepared(&bytes[..cut], s.text), None, "cut at {cut}");
                }
            }
        }
        // a redacted answer carries its text; a plain one takes the input back
        let p = ShareAsk::new(&options, Selection::default(), "", &redacting).prepare(SAMPLES[0].text);
        assert!(p.redacted.is_some() && p.text != SAMPLES[0].text);
        assert_eq!(decode_prepared(&encode_prepared(&p), "other").unwrap().text, p.text);
    }

    #[test]
    fn enums_refuse_unknown_places() {
        for (b, want) in [(0u8, Some(ShareKind::Trace)), (2, Some(ShareKind::Diagnosis)), (3, None), (0xff, None)] {
            assert_eq!(ShareKind::read(&mut In { b: &[b] }), want);
        }
        let mut b = Vec::new();
        Kind::Secret.write(&mut b);
        assert_eq!(Kind::read(&mut In { b: &b }), Some(Kind::Secret));
    }

    #[test]
    fn numbers_at_their_limits() {
        for v in [0, 1, -1, i64::MIN, i64::MAX, 1 << 40, -(1 << 40)] {
            let mut b = Vec::new();
            v.write(&mut b);
            assert_eq!(i64::read(&mut In { b: &b }), Some(v), "{v}");
        }
        for v in [0, 127, 128, u64::MAX] {
            let mut b = Vec::new();
            v.write(&mut b);
            assert_eq!(u64::read(&mut In { b: &b }), Some(v), "{v}");
        }
        // a u64 does not fit a u16; an overlong varint is refused
        let mut b = Vec::new();
        70_000u64.write(&mut b);
        assert_eq!(u16::read(&mut In { b: &b }), None);
        assert_eq!(read_varint(&mut In { b: &[0xff; 11] }), None);
    }

    #[test]
    fn damaged_bytes_are_refused_without_panicking() {
        let r = &reports()[0];
        let good = encode(r);
        assert_eq!(decode(&[]), None);
        assert_eq!(decode(&good[1..]), None, "no tag");
        assert_eq!(decode(&[good.clone(), vec![0]].concat()), None, "bytes left over");
        for cut in 0..good.len() {
            assert_eq!(decode(&good[..cut]), None, "cut at {cut}");
        }
        // every single-byte change either fails or decodes to some report; none panics
        let mut changed = good.clone();
        for at in (0..good.len()).step_by(7) {
            for x in [0x00, 0x7f, 0x80, 0xff] {
                changed[at] = x;
                let _ = decode(&changed);
            }
            changed[at] = good[at];
        }
        // a huge count with few bytes behind it
        let mut b = vec![TAG];
        1u32.write(&mut b);
        String::new().write(&mut b);
        write_varint(u64::MAX >> 1, &mut b);
        assert_eq!(decode(&b), None);
    }
}
