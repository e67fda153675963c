//! Calls: groups parsed messages into transactions (top Via branch + CSeq method), dialogs
//! (Call-ID + tags) and calls (Call-ID), marks retransmissions, and summarises each call:
//! parties, times, final response, answer, duration and how it ended. Registrations, OPTIONS
//! pings and subscriptions are kept as their own "calls" with a [`CallKind`].

use crate::analysis::Msg;
use crate::ingest::{Ingested, Timestamp};
use crate::sip::Method;
use std::collections::HashMap;

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
    /// Indices into `Analysis::messages`, in order.
    pub messages: Vec<u32>,
    /// The first copy of the request, when it is in the trace.
    pub request: Option<u32>,
    /// How many times the request appears (1 = no retransmission).
    pub request_copies: u32,
    pub provisional: Vec<u16>,
    pub final_status: Option<u16>,
    /// The first final response.
    pub final_message: Option<u32>,
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
}

/// The identity of a message for retransmission detection: the same message again has the same
/// start line, Call-ID, CSeq, top Via branch, tags and direction.
fn fingerprint(ing: &Ingested<'_>, m: &Msg<'_>) -> String {
    let msg = &m.msg;
    let item = &ing.items[m.item as usize];
    let start = msg.text.trim_start().lines().next().unwrap_or("");
    let branch = msg.top_via().and_then(|v| v.branch).unwrap_or("");
    let cseq = msg.value(crate::sip::HeaderName::CSeq).unwrap_or("");
    let ft = msg.from().and_then(|f| f.tag()).unwrap_or("");
    let tt = msg.to().and_then(|t| t.tag()).unwrap_or("");
    let src = item.src.as_ref().map(|e| e.to_string()).unwrap_or_default();
    let dst = item.dst.as_ref().map(|e| e.to_string()).unwrap_or_default();
    format!("{start}\u{1}{}\u{1}{cseq}\u{1}{branch}\u{1}{ft}\u{1}{tt}\u{1}{src}\u{1}{dst}", msg.call_id().unwrap_or(""))
}

fn micros_between(a: Option<Timestamp>, b: Option<Timestamp>) -> Option<u64> {
    let (a, b) = (a?, b?);
    (a.has_date == b.has_date && b.micros >= a.micros).then(|| (b.micros - a.micros) as u64)
}

/// Groups messages into transactions and calls.
pub fn group(ing: &Ingested<'_>, msgs: &[Msg<'_>]) -> Calls {
    let n = msgs.len();
    let mut out = Calls {
        retransmission_of: vec![None; n],
        call_of: vec![None; n],
        transaction_of: vec![None; n],
        ..Default::default()
    };
    let mut seen: HashMap<String, u32> = HashMap::new();
    let mut call_index: HashMap<&str, u32> = HashMap::new();
    let mut tx_index: HashMap<(String, u32, String, String), u32> = HashMap::new();
    let time = |i: usize| ing.items[msgs[i].item as usize].time;

    for (i, m) in msgs.iter().enumerate() {
        let msg = &m.msg;
        let fp = fingerprint(ing, m);
        match seen.get(&fp) {
            Some(&first) => out.retransmission_of[i] = Some(first),
            None => {
                seen.insert(fp, i as u32);
            }
        }
        let Some(call_id) = msg.call_id() else { continue };
        let ci = *call_index.entry(call_id).or_insert_with(|| {
            let method = msg.method();
            let kind = match method {
                Some(Method::Invite) | Some(Method::Refer) | Some(Method::Bye) | Some(Method::Cancel)
                | Some(Method::Ack) | Some(Method::Prack) | Some(Method::Update) | Some(Method::Info) => CallKind::Call,
                Some(Method::Register) => CallKind::Registration,
                Some(Method::Options) => CallKind::Options,
                Some(Method::Subscribe) | Some(Method::Notify) | Some(Method::Publish) => CallKind::Subscription,
                Some(Method::Message) => CallKind::Message,
                _ => CallKind::Other,
            };
            out.calls.push(Call {
                call_id: call_id.to_string(),
                kind,
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
            });
            (out.calls.len() - 1) as u32
        });
        out.call_of[i] = Some(ci);
        let call = &mut out.calls[ci as usize];
        call.messages.push(i as u32);
        // An INVITE seen later upgrades a call that started with something else.
        if msg.is_request() && msg.method() == Some(Method::Invite) && call.kind != CallKind::Call {
            call.kind = CallKind::Call;
        }
        if call.request_uri.is_none() && msg.is_request() {
            call.request_uri = msg.request_uri().map(str::to_string);
        }

        // transaction: branch + CSeq + method (ACK for a 2xx is its own transaction)
        let Some(cseq) = msg.cseq() else { continue };
        let method = cseq.method.as_str().to_string();
        let branch = msg.top_via().and_then(|v| v.branch).map(str::to_string).unwrap_or_default();
        let key = (call_id.to_string(), cseq.seq, method.clone(), branch.clone());
        let ti = match tx_index.get(&key) {
            Some(&t) => t,
            None => {
                out.transactions.push(Transaction {
                    method: method.clone(),
                    cseq: cseq.seq,
                    branch: (!branch.is_empty()).then(|| branch.clone()),
                    messages: Vec::new(),
                    request: None,
                    request_copies: 0,
                    provisional: Vec::new(),
                    final_status: None,
                    final_message: None,
                });
                let t = (out.transactions.len() - 1) as u32;
                tx_index.insert(key, t);
                out.calls[ci as usize].transactions.push(t);
                t
            }
        };
        out.transaction_of[i] = Some(ti);
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
            }
            Some(code) => {
                if tx.final_message.is_none() {
                    tx.final_status = Some(code);
                    tx.final_message = Some(i as u32);
                }
            }
        }
    }

    // Per-call summaries.
    for call in &mut out.calls {
        let first = call.messages[0] as usize;
        call.first_time = time(first);
        call.last_time = call.messages.iter().filter_map(|&i| time(i as usize)).max();
        let caller_tag = msgs[first].msg.from().and_then(|f| f.tag()).map(str::to_string);
        let mut invites_seen = 0u32;
        let mut initial_done = false;
        for &ti in &call.transactions {
            let tx = &out.transactions[ti as usize];
            match tx.method.as_str() {
                "INVITE" => {
                    // re-INVITE: an INVITE inside an established dialog (To has a tag)
                    let in_dialog =
                        tx.request.is_some_and(|r| msgs[r as usize].msg.to().and_then(|t| t.tag()).is_some());
                    if in_dialog && (call.answered || invites_seen > 0 && !matches!(call.final_status, Some(401 | 407)))
                    {
                        call.reinvites += 1;
                    } else if !initial_done {
                        invites_seen += 1;
                        if let Some(code) = tx.final_status {
                            call.final_status = Some(code);
                            if (200..300).contains(&code) {
                                call.answered = true;
                                call.answer_time = tx.final_message.and_then(|m| time(m as usize));
                                initial_done = true;
                            } else if !matches!(code, 401 | 407) {
                                initial_done = true;
                                call.ended_by = Some(if code == 487 { Ending::Cancel } else { Ending::Error(code) });
                                call.end_time = tx.final_message.and_then(|m| time(m as usize));
                            }
                        }
                    }
                }
                "BYE"
                    if call.ended_by.is_none()
                        || matches!(call.ended_by, Some(Ending::Bye { .. })) && call.end_time.is_none() =>
                {
                    if let Some(r) = tx.request {
                        let tag = msgs[r as usize].msg.from().and_then(|f| f.tag());
                        let by_caller = match (&caller_tag, tag) {
                            (Some(c), Some(t)) => Some(c == t),
                            _ => None,
                        };
                        call.ended_by = Some(Ending::Bye { by_caller });
                        call.end_time = time(r as usize);
                    }
                }
                "CANCEL" if !call.answered && call.ended_by.is_none() => {
                    call.ended_by = Some(Ending::Cancel);
                    call.end_time = tx.request.and_then(|r| time(r as usize));
                }
                "REFER" => call.refers += 1,
                "REGISTER" | "OPTIONS" | "SUBSCRIBE" | "MESSAGE" | "NOTIFY" | "PUBLISH"
                    if call.kind != CallKind::Call =>
                {
                    if let Some(code) = tx.final_status {
                        call.final_status = Some(code);
                        call.answered = (200..300).contains(&code);
                    }
                }
                _ => {}
            }
            for &mi in &tx.messages {
                let m = &msgs[mi as usize].msg;
                if let (Some(code), Some(ft), Some(tt)) =
                    (m.status(), m.from().and_then(|f| f.tag()), m.to().and_then(|t| t.tag()))
                {
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
    out
}
