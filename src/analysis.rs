//! One analysis of one input: the parsed messages, the calls they form and the diagnosis.
//! This is the value the CLI, the report and the UI all start from.

use crate::calls::{self, Calls};
use crate::diagnose::{self, Finding, Options};
use crate::ingest::{Ingested, Item};
use crate::sip::{self, Message};

/// A message occurrence: where it came from in the input, and the parsed message.
#[derive(Debug, Clone)]
pub struct Msg<'a> {
    /// Index into `Ingested::items`.
    pub item: u32,
    pub msg: Message<'a>,
}

#[derive(Debug)]
pub struct Analysis<'a> {
    pub ingested: &'a Ingested<'a>,
    /// Messages in input order (items whose start line could not be read are left out and
    /// reported in `unparsed`).
    pub messages: Vec<Msg<'a>>,
    /// Items that did not parse, with the reason.
    pub unparsed: Vec<(u32, sip::StartLineError)>,
    pub calls: Calls,
    pub findings: Vec<Finding>,
    /// The options the diagnosis ran with (profile, symptom, PBX).
    pub options: Options,
    /// The RTP streams of a capture, measured once for the diagnosis and the report (see
    /// [`crate::media::streams_of`]).
    pub(crate) streams: std::cell::OnceCell<Vec<crate::media::Stream>>,
}

impl<'a> Analysis<'a> {
    pub fn new(ingested: &'a Ingested<'a>, options: &Options) -> Analysis<'a> {
        let mut messages = Vec::with_capacity(ingested.items.len());
        let mut unparsed = Vec::new();
        // each message is grouped as soon as it is parsed: `calls::group` in one pass
        let mut grouper = calls::Grouper::new(ingested, ingested.items.len());
        for (i, item) in ingested.items.iter().enumerate() {
            match sip::parse(&item.text) {
                Ok(msg) => {
                    let m = Msg { item: i as u32, msg };
                    grouper.push(&m, &messages);
                    messages.push(m);
                }
                Err(e) => unparsed.push((i as u32, e)),
            }
        }
        let calls = grouper.finish(&messages);
        let mut a = Analysis {
            ingested,
            messages,
            unparsed,
            calls,
            findings: Vec::new(),
            options: options.clone(),
            streams: Default::default(),
        };
        a.findings = diagnose::diagnose(&a, options);
        // the diagnosis read the SDPs; nothing after it needs them kept (`Message::sdp` reads again)
        for m in &mut a.messages {
            m.msg.release_sdp();
        }
        a
    }

    pub fn item(&self, m: &Msg<'a>) -> &'a Item<'a> {
        &self.ingested.items[m.item as usize]
    }

    /// The 1-based input line of a message's 0-based line.
    pub fn input_line(&self, msg_index: usize, msg_line: u32) -> u32 {
        self.messages.get(msg_index).map_or(0, |m| self.item(m).input_line(msg_line))
    }
}
