//! Calls: groups parsed messages into transactions (top Via branch + CSeq method), dialogs
//! (Call-ID + tags) and calls (Call-ID), marks retransmissions, and summarises each call:
//! parties, times, final response, answer, duration and how it ended. Registrations, OPTIONS
//! pings and subscriptions are kept as their own "calls" with a [`CallKind`].
//!
//! A retransmission is the same message again: same start line, Call-ID, CSeq, top Via branch,
//! tags, body length and (when the trace says) the same source, destination and direction. The
//! identity borrows those fields from the message, so long traces cost no string building.

use crate::analysis::Msg;
use crate::ingest::{Direction, Endpoint, Ingested, Item, Timestamp};
use crate::sip::{Message, Method, StartLine};
use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};

/// A quick hasher for the lookup maps of the analysis (Call-IDs, transaction keys, message
/// fingerprints): a multiply-rotate mix in the style of rustc's FxHash. Lookups only — nothing
/// iterates these maps, so the choice of hasher changes no result.
#[derive(Default, Clone, Copy)]
pub(crate) struct QuickHasher(u64);

impl QuickHasher {
    #[inline]
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for QuickHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut b = [0u8; 8];
            b[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(b) ^ ((rest.len() as u64) << 59));
        }
    }
    #[inline]
    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }
    #[inline]
    fn write_u16(&mut self, n: u16) {
        self.add(u64::from(n));
    }
    #[inline]
    fn write_u32(&mut self, n: u32) {
        self.add(u64::from(n));
    }
    #[inline]
    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }
    #[inline]
    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }
    #[inline]
    fn finish(&self) -> u64 {
        // the multiply leaves the low bits weakest: move the strongest to where the table looks
        self.0.rotate_left(26)
    }
}

/// A `HashMap` with [`QuickHasher`].
pub(crate) type QuickMap<K, V> = HashMap<K, V, BuildHasherDefault<QuickHasher>>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CallKind {
    Call,
    Registration,
    Options,
    Subscription,
    Message,
    Other,
}

impl CallKind {
    pub fn id(self) -> &'static str {
        match self {
            CallKind::Call => "call",
            CallKind::Registration => "registration",
            CallKind::Options => "options",
            CallKind::Subscription => "subscription",
            CallKind::Message => "message",
            CallKind::Other => "other",
        }
    }

    fn of(method: Option<Method<'_>>) -> CallKind {
        match method {
            Some(
                Method::Invite
                | Method::Refer
                | Method::Bye
                | Method::Cancel
                | Method::Ack
                | Method::Prack
                | Method::Update
                | Method::Info,
            ) => CallKind::Call,
            Some(Method::Register) => CallKind::Registration,
            Some(Method::Options) => CallKind::Options,
            Some(Method::Subscribe | Method::Notify | Method::Publish) => CallKind::Subscription,
            Some(Method::Message) => CallKind::Message,
            _ => CallKind::Other,
        }
    }

    /// The method that opens a "call" of this kind (`None` for `Other`).
    pub fn opening_method(self) -> Option<&'static str> {
        match self {
            CallKind::Call => Some("INVITE"),
            CallKind::Registration => Some("REGISTER"),
            CallKind::Options => Some("OPTIONS"),
            CallKind::Subscription => Some("SUBSCRIBE"),
            CallKind::Message => Some("MESSAGE"),
            CallKind::Other => None,
        }
    }
}

/// How a call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// BYE sent by the caller (`true`) or the callee (`false`); `None` when it can't be told.
    Bye { by_caller: Option<bool> },
    /// The caller cancelled before an answer.
    Cancel,
    /// The INVITE got a final error response.
    Error(u16),
}

/// One transaction: a request and its responses (retransmissions included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transaction {
    pub method: String,
    pub cseq: u32,
    pub branch: Option<String>,
    /// The call (index into `Calls::calls`).
    pub call: u32,
    /// Indices into `Analysis::messages`, in order.
    pub messages: Vec<u32>,
    /// The first copy of the request, when it is in the trace.
    pub request: Option<u32>,
    /// How many times the request appears (1 = no retransmission).
    pub request_copies: u32,
    pub provisional: Vec<u16>,
    /// The first provisional response.
    pub first_provisional: Option<u32>,
    pub final_status: Option<u16>,
    /// The first final response.
    pub final_message: Option<u32>,
    /// How many times the first final response appears (more than 1 = retransmitted).
    pub final_copies: u32,
    /// Distinct final statuses after the first (a forked request can get several).
    pub other_finals: Vec<u16>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub call_id: String,
    pub kind: CallKind,
    /// Indices into `Analysis::messages`, in order.
    pub messages: Vec<u32>,
    /// Indices into `Calls::transactions`.
    pub transactions: Vec<u32>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub request_uri: Option<String>,
    /// The first message's index (the one that opened the call).
    pub first: u32,
    pub first_time: Option<Timestamp>,
    pub last_time: Option<Timestamp>,
    /// Final status of the initial request (INVITE, REGISTER, …): the last final if retried with
    /// credentials.
    pub final_status: Option<u16>,
    pub answered: bool,
    pub answer_time: Option<Timestamp>,
    pub end_time: Option<Timestamp>,
    /// Answer to end (or to the last message when no end is seen), in milliseconds.
    pub duration_ms: Option<u64>,
    pub ended_by: Option<Ending>,
    pub reinvites: u32,
    pub refers: u32,
    /// (from-tag, to-tag) pairs seen on responses: more than one = forked.
    pub dialogs: Vec<(String, String)>,
    /// The caller's From tag (of the first INVITE or, for other kinds, the first message).
    pub caller_tag: Option<String>,
    /// Transactions of the initial request (the first attempt and its retries with
    /// credentials or after a redirect), in order. Indices into `Calls::transactions`.
    pub initial: Vec<u32>,
    /// The response that answered the call (first 2xx to an initial INVITE).
    pub answer_message: Option<u32>,
    /// The message that ended it (BYE, CANCEL or the final error response).
    pub end_message: Option<u32>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Calls {
    pub calls: Vec<Call>,
    pub transactions: Vec<Transaction>,
    /// Per message: the earlier message this one repeats.
    pub retransmission_of: Vec<Option<u32>>,
    /// Per message: its call.
    pub call_of: Vec<Option<u32>>,
    /// Per message: its transaction.
    pub transaction_of: Vec<Option<u32>>,
}

impl Calls {
    pub fn is_retransmission(&self, msg: usize) -> bool {
        self.retransmission_of.get(msg).copied().flatten().is_some()
    }

    /// How many copies of message `msg` the trace holds (itself included).
    pub fn copies(&self, msg: usize) -> u32 {
        let first = self.retransmission_of.get(msg).copied().flatten().map_or(msg as u32, |f| f);
        1 + self.retransmission_of.iter().filter(|r| **r == Some(first)).count() as u32
    }

    /// The message indices that repeat message `msg` (not counting itself).
    pub fn copies_of(&self, msg: u32) -> impl Iterator<Item = u32> + '_ {
        self.retransmission_of.iter().enumerate().filter(move |(_, r)| **r == Some(msg)).map(|(i, _)| i as u32)
    }
}

/// The identity of a message for retransmission detection: its start line, Call-ID, CSeq, top
/// Via branch, tags, body length and, when known, source, destination and direction. Borrowed
/// slices compared field by field: no string is built.
#[derive(PartialEq, Eq, Hash)]
struct Fingerprint<'x, 'm> {
    /// `(0, method, uri, 0, "")` for a request, `(1, "", "", code, reason)` for a response.
    start: (u8, &'m str, &'m str, u16, &'m str),
    call_id: Option<&'m str>,
    cseq: Option<(u32, &'m str)>,
    branch: Option<&'m str>,
    from_tag: Option<&'m str>,
    to_tag: Option<&'m str>,
    body_len: usize,
    src: Option<&'x Endpoint<'x>>,
    dst: Option<&'x Endpoint<'x>>,
    sent: Option<bool>,
}

fn fingerprint<'x, 'm>(item: &'x Item<'_>, msg: &Message<'m>) -> Fingerprint<'x, 'm> {
    Fingerprint {
        start: match msg.start {
            StartLine::Request { method, uri, .. } => (0, method.as_str(), uri, 0, ""),
            StartLine::Response { code, reason, .. } => (1, "", "", code, reason),
        },
        call_id: msg.call_id(),
        cseq: msg.cseq().map(|c| (c.seq, c.method.as_str())),
        branch: msg.top_via().and_then(|v| v.branch),
        from_tag: msg.from_tag(),
        to_tag: msg.to_tag(),
        body_len: msg.body.trim_end().len(),
        src: item.src.as_ref(),
        dst: item.dst.as_ref(),
        sent: item.direction.map(|d| d == Direction::Sent),
    }
}

fn micros_between(a: Option<Timestamp>, b: Option<Timestamp>) -> Option<u64> {
    let (a, b) = (a?, b?);
    (a.has_date == b.has_date && b.micros >= a.micros).then(|| b.micros.abs_diff(a.micros))
}

/// Groups messages into transactions and calls.
pub fn group(ing: &Ingested<'_>, msgs: &[Msg<'_>]) -> Calls {
    let mut g = Grouper::new(ing, msgs.len());
    for m in msgs {
        g.push(m, msgs);
    }
    g.finish(msgs)
}

/// [`group`] one message at a time: [`crate::Analysis`] hands each message over right after
/// parsing it, while its text is still in the processor's cache (the lookups below read the
/// Call-ID, branch, tags and addresses again).
pub(crate) struct Grouper<'x, 'm> {
    ing: &'x Ingested<'x>,
    out: Calls,
    /// The first message of each fingerprint hash (8 bytes a message, not a whole fingerprint).
    seen: QuickMap<u64, u32>,
    /// The first message of each fingerprint whose hash another fingerprint had first.
    clash: QuickMap<Fingerprint<'x, 'm>, u32>,
    call_index: QuickMap<&'m str, u32>,
    tx_index: QuickMap<(u32, u32, &'m str, &'m str), u32>,
}

impl<'x, 'm> Grouper<'x, 'm> {
    /// `capacity`: about how many messages will come.
    pub(crate) fn new(ing: &'x Ingested<'_>, capacity: usize) -> Self {
        let out = Calls {
            retransmission_of: Vec::with_capacity(capacity),
            call_of: Vec::with_capacity(capacity),
            transaction_of: Vec::with_capacity(capacity),
            ..Default::default()
        };
        Grouper {
            ing,
            out,
            seen: QuickMap::with_capacity_and_hasher(capacity, Default::default()),
            clash: QuickMap::default(),
            call_index: QuickMap::default(),
            tx_index: QuickMap::default(),
        }
    }

    /// Adds the next message (the `i`-th pushed is message `i`); `msgs` holds the messages
    /// pushed before it (at least).
    pub(crate) fn push(&mut self, m: &Msg<'m>, msgs: &[Msg<'m>]) {
        let Grouper { ing, out, seen, clash, call_index, tx_index } = self;
        let i = out.retransmission_of.len();
        out.retransmission_of.push(None);
        out.call_of.push(None);
        out.transaction_of.push(None);
        let msg = &m.msg;
        if let Some(it) = ing.items.get(m.item as usize) {
            let fp = fingerprint(it, msg);
            let mut h = QuickHasher::default();
            fp.hash(&mut h);
            let first = match seen.entry(h.finish()) {
                Entry::Vacant(v) => {
                    v.insert(i as u32);
                    None
                }
                // the same hash: the same fingerprint, or one that clashes with it
                Entry::Occupied(o) => {
                    let j = *o.get();
                    let same = msgs.get(j as usize).is_some_and(|mj| {
                        ing.items.get(mj.item as usize).is_some_and(|ij| fingerprint(ij, &mj.msg) == fp)
                    });
                    if same {
                        Some(j)
                    } else {
                        let k = *clash.entry(fp).or_insert(i as u32);
                        (k != i as u32).then_some(k)
                    }
                }
            };
            out.retransmission_of[i] = first;
        }
        let Some(call_id) = msg.call_id() else { return };
        let ci = *call_index.entry(call_id).or_insert_with(|| {
            out.calls.push(Call {
                call_id: call_id.to_string(),
                kind: CallKind::of(msg.method()),
                messages: Vec::new(),
                transactions: Vec::new(),
                from: msg.from().map(|f| f.uri.to_string()),
                to: msg.to().map(|t| t.uri.to_string()),
                request_uri: msg.request_uri().map(str::to_string),
                first: i as u32,
                first_time: None,
                last_time: None,
                final_status: None,
                answered: false,
                answer_time: None,
                end_time: None,
                duration_ms: None,
                ended_by: None,
                reinvites: 0,
                refers: 0,
                dialogs: Vec::new(),
                caller_tag: None,
                initial: Vec::new(),
                answer_message: None,
                end_message: None,
            });
            (out.calls.len() - 1) as u32
        });
        out.call_of[i] = Some(ci);
        let call = &mut out.calls[ci as usize];
        call.messages.push(i as u32);
        if msg.is_request() && msg.method() == Some(Method::Invite) && call.kind != CallKind::Call {
            // An INVITE seen later upgrades a call that started with something else.
            call.kind = CallKind::Call;
            call.from = msg.from().map(|f| f.uri.to_string());
            call.to = msg.to().map(|t| t.uri.to_string());
            call.request_uri = msg.request_uri().map(str::to_string);
        }
        if call.request_uri.is_none() && msg.is_request() {
            call.request_uri = msg.request_uri().map(str::to_string);
        }

        // Transaction: Call-ID + CSeq number + CSeq method + top Via branch. (The ACK for a 2xx
        // is its own transaction; a CANCEL is its own too.)
        let Some(cseq) = msg.cseq() else { return };
        let branch = msg.top_via().and_then(|v| v.branch).unwrap_or("");
        let key = (ci, cseq.seq, cseq.method.as_str(), branch);
        let ti = match tx_index.get(&key) {
            Some(&t) => t,
            None => {
                out.transactions.push(Transaction {
                    method: cseq.method.as_str().to_string(),
                    cseq: cseq.seq,
                    branch: (!branch.is_empty()).then(|| branch.to_string()),
                    call: ci,
                    messages: Vec::new(),
                    request: None,
                    request_copies: 0,
                    provisional: Vec::new(),
                    first_provisional: None,
                    final_status: None,
                    final_message: None,
                    final_copies: 0,
                    other_finals: Vec::new(),
                });
                let t = (out.transactions.len() - 1) as u32;
                tx_index.insert(key, t);
                out.calls[ci as usize].transactions.push(t);
                t
            }
        };
        out.transaction_of[i] = Some(ti);
        let repeat_of = out.retransmission_of[i];
        let tx = &mut out.transactions[ti as usize];
        tx.messages.push(i as u32);
        match msg.status() {
            None => {
                tx.request_copies += 1;
                if tx.request.is_none() {
                    tx.request = Some(i as u32);
                }
            }
            Some(code) if code < 200 => {
                if !tx.provisional.contains(&code) {
                    tx.provisional.push(code);
                }
                tx.first_provisional.get_or_insert(i as u32);
            }
            Some(code) => match tx.final_message {
                None => {
                    tx.final_status = Some(code);
                    tx.final_message = Some(i as u32);
                    tx.final_copies = 1;
                }
                Some(f) if repeat_of == Some(f) => tx.final_copies += 1,
                Some(_) => {
                    if Some(code) != tx.final_status && !tx.other_finals.contains(&code) {
                        tx.other_finals.push(code);
                    }
                }
            },
        }
    }

    /// The grouping of every message pushed (`msgs`: those messages, in order).
    pub(crate) fn finish(self, msgs: &[Msg<'_>]) -> Calls {
        let (ing, mut out) = (self.ing, self.out);
        let item = |i: usize| ing.items.get(msgs[i].item as usize);
        let time = |i: usize| item(i).and_then(|it| it.time);
        for ci in 0..out.calls.len() {
            summarise(&mut out, ci, msgs, &time);
        }
        out
    }
}

fn summarise(out: &mut Calls, ci: usize, msgs: &[Msg<'_>], time: &dyn Fn(usize) -> Option<Timestamp>) {
    let Calls { calls, transactions, .. } = out;
    let call = &mut calls[ci];
    let first = call.messages[0] as usize;
    call.first_time = time(first);
    call.last_time = call.messages.iter().filter_map(|&i| time(i as usize)).max();
    let opening = call.kind.opening_method();
    // The caller: From tag of the first opening request, else of the first message.
    let opener = call
        .transactions
        .iter()
        .map(|&t| &transactions[t as usize])
        .find_map(|tx| (Some(tx.method.as_str()) == opening).then_some(tx.request).flatten());
    call.caller_tag = opener.or(Some(first as u32)).and_then(|m| msgs[m as usize].msg.from_tag()).map(str::to_string);
    for &ti in &call.transactions {
        let tx = &transactions[ti as usize];
        let request_to_tag = tx.request.map(|r| msgs[r as usize].msg.to_tag().is_some());
        match tx.method.as_str() {
            "INVITE" => {
                // A re-INVITE is an INVITE inside the established dialog (To has a tag); with the
                // request missing from the trace, any INVITE after the answer.
                let in_dialog = request_to_tag.unwrap_or(call.answered);
                if in_dialog && (call.answered || call.final_status.is_some_and(|c| c >= 200)) {
                    call.reinvites += 1;
                } else if !call.answered {
                    call.initial.push(ti);
                    if let Some(code) = tx.final_status {
                        call.final_status = Some(code);
                        if (200..300).contains(&code) {
                            call.answered = true;
                            call.answer_time = tx.final_message.and_then(|m| time(m as usize));
                            call.answer_message = tx.final_message;
                            if matches!(call.ended_by, Some(Ending::Error(_))) {
                                call.ended_by = None;
                                call.end_time = None;
                                call.end_message = None;
                            }
                        } else if !matches!(code, 401 | 407) && code >= 300 {
                            let cancelled = code == 487 || call.ended_by == Some(Ending::Cancel);
                            if !cancelled || call.ended_by != Some(Ending::Cancel) {
                                call.ended_by = Some(if cancelled { Ending::Cancel } else { Ending::Error(code) });
                                call.end_time = tx.final_message.and_then(|m| time(m as usize));
                                call.end_message = tx.final_message;
                            }
                        }
                    }
                }
            }
            "BYE" if !matches!(call.ended_by, Some(Ending::Bye { .. })) => {
                if let Some(r) = tx.request {
                    let tag = msgs[r as usize].msg.from_tag();
                    let by_caller = match (&call.caller_tag, tag) {
                        (Some(c), Some(t)) => Some(c == t),
                        _ => None,
                    };
                    call.ended_by = Some(Ending::Bye { by_caller });
                    call.end_time = time(r as usize);
                    call.end_message = Some(r);
                }
            }
            "CANCEL"
                if !call.answered
                    && !matches!(call.ended_by, Some(Ending::Bye { .. }))
                    && call.ended_by != Some(Ending::Cancel) =>
            {
                call.ended_by = Some(Ending::Cancel);
                call.end_time = tx.request.and_then(|r| time(r as usize));
                call.end_message = tx.request;
            }
            "REFER" => call.refers += 1,
            m if call.kind != CallKind::Call && Some(m) == opening => {
                call.initial.push(ti);
                if let Some(code) = tx.final_status {
                    call.final_status = Some(code);
                    call.answered = (200..300).contains(&code);
                    if call.answered {
                        call.answer_message = tx.final_message;
                        call.answer_time = tx.final_message.and_then(|m| time(m as usize));
                    }
                }
            }
            _ => {}
        }
        for &mi in &tx.messages {
            let m = &msgs[mi as usize].msg;
            if let (Some(code), Some(ft), Some(tt)) = (m.status(), m.from_tag(), m.to_tag()) {
                if code > 100 && code < 300 && !call.dialogs.iter().any(|(a, b)| a == ft && b == tt) {
                    call.dialogs.push((ft.to_string(), tt.to_string()));
                }
            }
        }
    }
    if call.answered && call.kind == CallKind::Call {
        let end = call.end_time.or(call.last_time);
        call.duration_ms = micros_between(call.answer_time, end).map(|us| us / 1000);
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::Analysis;
    use crate::calls::{CallKind, Ending};
    use crate::diagnose::Options;

    fn req(method: &str, cseq: u32, branch: &str, to_tag: &str, from_tag: &str) -> String {
        let to = if to_tag.is_empty() { String::new() } else { format!(";tag={to_tag}") };
        format!(
            "{method} sip:100@192.0.2.10 SIP/2.0\r\nVia: SIP/2.0/UDP 198.51.100.7:5060;branch={branch}\r\n\
             From: <sip:200@198.51.100.7>;tag={from_tag}\r\nTo: <sip:100@192.0.2.10>{to}\r\nCall-ID: c1\r\n\
             CSeq: {cseq} {method}\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
        )
    }

    fn resp(code: u16, reason: &str, method: &str, cseq: u32, branch: &str, to_tag: &str) -> String {
        let to = if to_tag.is_empty() { String::new() } else { format!(";tag={to_tag}") };
        format!(
            "SIP/2.0 {code} {reason}\r\nVia: SIP/2.0/UDP 198.51.100.7:5060;branch={branch}\r\n\
             From: <sip:200@198.51.100.7>;tag=ft\r\nTo: <sip:100@192.0.2.10>{to}\r\nCall-ID: c1\r\n\
             CSeq: {cseq} {method}\r\nContent-Length: 0\r\n\r\n"
        )
    }

    #[test]
    fn auth_retry_answer_bye_and_retransmissions() {
        let text = [
            req("INVITE", 1, "z9hG4bKa", "", "ft"),
            req("INVITE", 1, "z9hG4bKa", "", "ft"),
            resp(407, "Proxy Authentication Required", "INVITE", 1, "z9hG4bKa", "t0"),
            req("ACK", 1, "z9hG4bKa", "t0", "ft"),
            req("INVITE", 2, "z9hG4bKb", "", "ft"),
            resp(180, "Ringing", "INVITE", 2, "z9hG4bKb", "t1"),
            resp(200, "OK", "INVITE", 2, "z9hG4bKb", "t1"),
            resp(200, "OK", "INVITE", 2, "z9hG4bKb", "t1"),
            req("ACK", 2, "z9hG4bKc", "t1", "ft"),
            req("INVITE", 3, "z9hG4bKd", "t1", "ft"),
            resp(200, "OK", "INVITE", 3, "z9hG4bKd", "t1"),
            req("BYE", 4, "z9hG4bKe", "t1", "ft"),
        ]
        .concat();
        let ing = crate::ingest(&text);
        let a = Analysis::new(&ing, &Options::default());
        assert_eq!(a.messages.len(), 12);
        let c = &a.calls;
        assert_eq!(c.retransmission_of[1], Some(0));
        assert_eq!(c.retransmission_of[7], Some(6));
        assert_eq!(c.copies(7), 2);
        assert_eq!(c.calls.len(), 1);
        let call = &c.calls[0];
        assert_eq!(call.kind, CallKind::Call);
        assert_eq!(call.final_status, Some(200));
        assert!(call.answered);
        assert_eq!(call.reinvites, 1);
        assert_eq!(call.initial.len(), 2);
        assert_eq!(call.answer_message, Some(6));
        assert_eq!(call.ended_by, Some(Ending::Bye { by_caller: Some(true) }));
        assert_eq!(call.end_message, Some(11));
        let t0 = &c.transactions[call.initial[0] as usize];
        assert_eq!((t0.request_copies, t0.final_status), (2, Some(407)));
        let t1 = &c.transactions[call.initial[1] as usize];
        assert_eq!((t1.final_copies, t1.provisional.clone()), (2, vec![180]));
        assert_eq!(call.dialogs.len(), 1);
    }

    #[test]
    fn cancel_and_error_endings() {
        let text = [
            req("INVITE", 1, "z9hG4bKa", "", "ft"),
            resp(180, "Ringing", "INVITE", 1, "z9hG4bKa", "t1"),
            req("CANCEL", 1, "z9hG4bKa", "", "ft"),
            resp(487, "Request Terminated", "INVITE", 1, "z9hG4bKa", "t1"),
        ]
        .concat();
        let ing = crate::ingest(&text);
        let a = Analysis::new(&ing, &Options::default());
        let call = &a.calls.calls[0];
        assert_eq!(call.ended_by, Some(Ending::Cancel));
        assert!(!call.answered);
        let text =
            [req("INVITE", 1, "z9hG4bKa", "", "ft"), resp(486, "Busy Here", "INVITE", 1, "z9hG4bKa", "t1")].concat();
        let ing = crate::ingest(&text);
        let a = Analysis::new(&ing, &Options::default());
        let call = &a.calls.calls[0];
        assert_eq!(call.ended_by, Some(Ending::Error(486)));
        assert_eq!(call.end_message, Some(1));
        assert_eq!(call.final_status, Some(486));
    }

    #[test]
    fn register_is_its_own_call() {
        let text =
            [req("REGISTER", 1, "z9hG4bKr1", "", "rt"), resp(401, "Unauthorized", "REGISTER", 1, "z9hG4bKr1", "x")]
                .concat()
                .replace("Call-ID: c1", "Call-ID: reg1");
        let ing = crate::ingest(&text);
        let a = Analysis::new(&ing, &Options::default());
        let call = &a.calls.calls[0];
        assert_eq!(call.kind, CallKind::Registration);
        assert_eq!(call.final_status, Some(401));
        assert!(!call.answered);
    }
}
