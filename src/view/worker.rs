//! The analysis job the page hands to its web worker, in pure form (no browser, tested natively):
//! what a job carries ([`Input`]: text or bytes), the limits the page enforces on input size,
//! how file bytes become text ([`decode`]), the stages a job reports ([`Stage`]), and how a
//! [`Report`] travels back to the page ([`Packed`]).
//!
//! The report is sent in the compact encoding of [`super::wire`] without the message texts of a
//! text input: those are exact slices of the input the page already holds, so the worker sends
//! `(message, byte offset, length)` triples instead and the page cuts the texts out of its own
//! copy ([`Packed::unpack`]).
//!
//! `crate::ui::worker` is the page's side; the worker's side is its own wasm module
//! (`src/bin/worker.rs`, built for speed), started as soon as the page is up. Every analysis
//! runs there; the page's own module holds no analysis code.

use super::state::State;
use crate::diagnose::Options;
use crate::report::Report;

/// The largest input the page accepts (bytes). An analysis holds several copies of the input's
/// size in memory; past this a tab can run out of memory.
pub const MAX_INPUT: usize = 200 * 1024 * 1024;

/// Inputs from this size show a progress line while the worker analyses them (smaller ones are
/// back before it would be seen), and a newer input stops the worker busy with one.
pub const PROGRESS_MIN: usize = 256 * 1024;

/// What one job analyses: pasted or decoded text, or the bytes of a file (a pcap/pcapng
/// capture, or a text file in an unknown encoding).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input<'a> {
    Text(&'a str),
    Bytes(&'a [u8]),
}

impl Input<'_> {
    pub fn len(&self) -> usize {
        match self {
            Input::Text(t) => t.len(),
            Input::Bytes(b) => b.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// What a running job is doing, for the progress line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// The input is on its way to the worker (or being decoded).
    Reading,
    /// Finding, parsing and diagnosing the messages.
    Analysing,
    /// The report is on its way back to the page.
    Preparing,
}

impl Stage {
    pub fn id(self) -> &'static str {
        match self {
            Stage::Reading => "reading",
            Stage::Analysing => "analysing",
            Stage::Preparing => "preparing",
        }
    }

    pub fn from_id(s: &str) -> Option<Stage> {
        [Stage::Reading, Stage::Analysing, Stage::Preparing].into_iter().find(|st| st.id() == s)
    }

    /// The words the page shows while the job is at this stage.
    pub fn words(self) -> &'static str {
        match self {
            Stage::Reading => "Reading your input\u{2026}",
            Stage::Analysing => "Finding and checking the SIP messages\u{2026}",
            Stage::Preparing => "Laying out the results\u{2026}",
        }
    }
}

/// The kind message for an input over [`MAX_INPUT`], `None` when it fits.
pub fn too_large(len: usize) -> Option<String> {
    (len > MAX_INPUT).then(|| {
        format!(
            "This input is {} MB; the page analyses up to {} MB. Cut the log down to the time of the \
             failing call (for example with grep on its Call-ID or number) and try again. \
             Your previous input is unchanged.",
            len.div_ceil(1024 * 1024),
            MAX_INPUT / (1024 * 1024)
        )
    })
}

/// File bytes as text without a second copy when they are UTF-8: a byte order mark selects
/// UTF-8 or UTF-16; other bytes that are not UTF-8 are read as Latin-1 (each byte one
/// character), so nothing is ever lost or refused.
pub fn decode(bytes: Vec<u8>) -> String {
    let bom =
        bytes.starts_with(&[0xEF, 0xBB, 0xBF]) || bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
    if bom {
        return crate::cli::decode(&bytes);
    }
    match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => crate::cli::decode(e.as_bytes()),
    }
}

/// What the page analyses on its own thread where it has no worker (built with the `in-page`
/// feature: the wasm tests): text, or file bytes decoded as text. `None` for a capture.
pub fn analyse_in_page(input: Input<'_>, options: &Options) -> Option<Report> {
    match input {
        Input::Text(t) => Some(super::analyse(t, options)),
        Input::Bytes(b) if crate::pcap::is_capture(b) => None,
        Input::Bytes(b) => Some(super::analyse(&decode(b.to_vec()), options)),
    }
}

/// The words for any input when the page's analysis worker could not start.
pub const NEEDS_WORKER: &str = "The analysis runs in a web worker, which this browser could not start (an old \
    browser, or workers turned off). Open this page in a current Chrome, Edge, Firefox or Safari, or run the \
    command line tool `sipdiag` on the trace. What you pasted is kept.";

/// The words for a capture the page cannot read because its worker could not start.
pub const CAPTURE_NEEDS_WORKER: &str = "Capture files are read by the page's analysis worker, which this browser \
    could not start (an old browser, or workers turned off). Export the SIP messages as text (in Wireshark: \
    File \u{2192} Export Packet Dissections \u{2192} As Plain Text) and paste them instead.";

/// The worker's analysis of one input: text as it is; bytes through the capture reader when
/// they are a capture, else decoded as text.
pub fn analyse(input: Input<'_>, options: &Options) -> Report {
    match input {
        Input::Text(t) => super::analyse(t, options),
        Input::Bytes(b) if crate::pcap::is_capture(b) => super::capture::analyse_bytes(b, options),
        Input::Bytes(b) => super::analyse(&decode(b.to_vec()), options),
    }
}

/// Options as the three strings that cross to the worker (`""` = not set).
pub fn options_parts(o: &Options) -> [String; 3] {
    [o.profile.clone(), o.symptom.clone(), o.pbx.clone()].map(Option::unwrap_or_default)
}

pub fn options_from_parts(profile: String, symptom: String, pbx: String) -> Options {
    let some = |s: String| (!s.is_empty()).then_some(s);
    Options { profile: some(profile), symptom: some(symptom), pbx: some(pbx) }
}

/// A report ready to cross to the page: the report ([`super::wire`] encoding) without the
/// message texts that are slices of the input, and where those texts are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packed {
    pub report: Vec<u8>,
    /// `[message index, byte offset in the input, byte length]` per text left out.
    pub refs: Vec<u32>,
}

/// Why a packed report could not be read back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnpackError {
    /// The bytes are not a report.
    Corrupt,
    /// A text reference points outside the input or not at character boundaries.
    Ref,
}

impl UnpackError {
    pub fn description(self) -> &'static str {
        match self {
            UnpackError::Corrupt => "the results could not be read back",
            UnpackError::Ref => "the results do not match the input",
        }
    }
}

/// How the analysis of one input revision is getting on, for the page: its stage, or why it
/// failed or was refused. Kept in [`State::job`]; only the entry for the current revision counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JobStatus {
    pub rev: u64,
    pub stage: Option<Stage>,
    pub failure: Option<String>,
}

/// What the worker said about a job (the page turns it into `Action::Job`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobEvent {
    Stage(Stage),
    /// The job stopped without a report: the words to show.
    Failed(String),
}

impl State {
    /// A job event for input revision `rev`; events of older revisions are ignored. A failed
    /// job ends the wait (no report) and leaves its words for the page.
    pub fn job_event(&mut self, rev: u64, event: JobEvent) {
        if rev != self.rev {
            return;
        }
        match event {
            JobEvent::Stage(s) => self.job = JobStatus { rev, stage: Some(s), failure: None },
            JobEvent::Failed(m) => {
                self.job = JobStatus { rev, stage: None, failure: Some(m) };
                self.report = None;
                self.report_rev = rev;
            }
        }
    }

    /// An input the page will not take (too large): the current input and report stay.
    pub fn refuse_input(&mut self, message: String) {
        self.job = JobStatus { rev: self.rev, stage: None, failure: Some(message) };
    }

    /// The stage of the analysis under way, if one is under way and said where it is.
    pub fn job_stage(&self) -> Option<Stage> {
        self.job.stage.filter(|_| self.job.rev == self.rev && self.pending())
    }

    /// Why the last analysis failed or the last input was refused, for the current input.
    pub fn job_failure(&self) -> Option<&str> {
        self.job.failure.as_deref().filter(|_| self.job.rev == self.rev)
    }
}

/// Byte offsets of the starts of lines 1, 2, ... of `s` (the same lines as `crate::text::lines`).
fn line_starts(s: &str) -> Vec<usize> {
    crate::text::lines(s).map(|l| l.offset).collect()
}

impl Packed {
    /// Packs `report`, made from `input` (`None` for bytes: every text then travels in the JSON).
    pub fn pack(mut report: Report, input: Option<&str>) -> Packed {
        let mut refs = Vec::new();
        if let Some(input) = input.filter(|i| u32::try_from(i.len()).is_ok()) {
            let starts = line_starts(input);
            for m in &mut report.messages {
                let Some(text) = m.text.as_deref() else { continue };
                let Some(&off) = (m.line as usize).checked_sub(1).and_then(|i| starts.get(i)) else { continue };
                if input.as_bytes()[off..].starts_with(text.as_bytes()) {
                    refs.extend([m.index, off as u32, text.len() as u32]);
                    m.text = None;
                }
            }
        }
        Packed { report: super::wire::encode(&report), refs }
    }

    /// Analyses text `input` and packs the report straight from the analysis: the texts of
    /// messages the input holds verbatim (borrowed by ingest) are never copied, only referenced;
    /// rebuilt texts (prefixes or escapes removed) travel in the report. The report is encoded
    /// one message at a time into a buffer of its exact size: the worker's peak memory stays a
    /// small multiple of the input (docs/PERFORMANCE.md).
    /// `on_stage` hears [`Stage::Preparing`] once the analysis is done.
    pub fn from_text(input: &str, options: &Options, on_stage: impl Fn(Stage)) -> Packed {
        use crate::report::Detail;
        let ingested = crate::ingest(input);
        let analysis = crate::Analysis::new(&ingested, options);
        on_stage(Stage::Preparing);
        let head = Report::build_head(&analysis);
        let fits = u32::try_from(input.len()).is_ok();
        let base = input.as_ptr() as usize;
        let n = analysis.messages.len();
        // one pass: where each message's text is in the input (`sliced`), `false` for a rebuilt text
        let mut refs = Vec::new();
        let mut sliced = vec![false; n];
        for (i, m) in analysis.messages.iter().enumerate() {
            let text: &str = &analysis.item(m).text;
            let off = (text.as_ptr() as usize).wrapping_sub(base);
            let inside = fits && off <= input.len() && text.len() <= input.len() - off;
            if inside && input.get(off..off + text.len()) == Some(text) {
                refs.extend([i as u32, off as u32, text.len() as u32]);
                sliced[i] = true;
            }
        }
        // the report is written one message at a time: its messages never all exist at once
        let report = super::wire::encode_streamed(&head, n, |i| {
            let mut m = Report::message(&analysis, i, Detail::Summary);
            if !sliced[i] {
                m.text = Some(analysis.item(&analysis.messages[i]).text.to_string());
            }
            m
        });
        Packed { report, refs }
    }

    /// The report again, with the texts cut out of `input` (the same input the job analysed).
    pub fn unpack(&self, input: &str) -> Result<Report, UnpackError> {
        let mut report = super::wire::decode(&self.report).ok_or(UnpackError::Corrupt)?;
        for r in self.refs.chunks_exact(3) {
            let (i, off, len) = (r[0] as usize, r[1] as usize, r[2] as usize);
            let text = off.checked_add(len).and_then(|end| input.get(off..end)).ok_or(UnpackError::Ref)?;
            let m = report.messages.get_mut(i).ok_or(UnpackError::Ref)?;
            m.text = Some(text.to_string());
        }
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::samples::SAMPLES;

    #[test]
    fn packed_reports_come_back_equal_for_every_example() {
        let opts = Options::default();
        for s in SAMPLES {
            let r = analyse(Input::Text(s.text), &opts);
            let p = Packed::pack(r.clone(), Some(s.text));
            assert_eq!(p.unpack(s.text).as_ref(), Ok(&r), "{}", s.id);
            // the texts travel as references, not as JSON
            assert!(!p.refs.is_empty(), "{}: no text was left out", s.id);
            let bytes = String::from_utf8_lossy(&p.report).into_owned();
            assert!(r.messages.iter().all(|m| !bytes.contains(m.text.as_deref().unwrap())), "{}", s.id);
        }
    }

    #[test]
    fn packing_from_the_analysis_gives_the_same_report() {
        let opts = Options::default();
        // verbatim formats travel as references only; a prefixed log has rebuilt texts
        let prefixed: String = SAMPLES[0]
            .text
            .lines()
            .map(|l| format!("[2024-01-01 10:00:00.000] VERBOSE[1][C-1] res_pjsip_logger.c: {l}\n"))
            .collect();
        for text in SAMPLES.iter().map(|s| s.text).chain([prefixed.as_str(), "", "INVITE"]) {
            let want = analyse(Input::Text(text), &opts);
            let p = Packed::from_text(text, &opts, |_| ());
            assert_eq!(p.unpack(text).as_ref(), Ok(&want), "{text:.60}");
            assert_eq!(p, Packed::pack(want.clone(), Some(text)), "the same packing as from the report");
        }
        let p = Packed::from_text(SAMPLES[0].text, &opts, |_| ());
        let first = analyse(Input::Text(SAMPLES[0].text), &opts).messages[0].text.clone().unwrap();
        assert!(!p.refs.is_empty() && !String::from_utf8_lossy(&p.report).contains(&first));
    }

    #[test]
    fn texts_that_are_not_slices_of_the_input_travel_in_the_report() {
        // A Wireshark-like dump whose message text is rebuilt from escaped lines, and bytes.
        let text = "INVITE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:b@c>\r\nContent-Length: 0\r\n\r\n";
        let r = analyse(Input::Text(text), &Options::default());
        assert_eq!(r.messages.len(), 1);
        let mut fake = r.clone();
        fake.messages[0].text = Some("not in the input".into());
        let p = Packed::pack(fake.clone(), Some(text));
        assert!(p.refs.is_empty());
        assert_eq!(p.unpack(text), Ok(fake));
        let p = Packed::pack(r.clone(), None);
        assert!(p.refs.is_empty());
        assert_eq!(p.unpack(""), Ok(r));
    }

    #[test]
    fn unpacking_refuses_bad_references_and_bad_bytes() {
        let text = SAMPLES[0].text;
        let r = analyse(Input::Text(text), &Options::default());
        let mut p = Packed::pack(r, Some(text));
        let good = p.clone();
        assert_eq!(p.unpack(&text[..10]), Err(UnpackError::Ref), "a shorter input");
        p.refs[1] = u32::MAX;
        assert_eq!(p.unpack(text), Err(UnpackError::Ref), "offset past the end");
        let mut p = good.clone();
        p.refs[0] = 9999;
        assert_eq!(p.unpack(text), Err(UnpackError::Ref), "no such message");
        let mut p = good;
        p.report.truncate(p.report.len() / 2);
        assert_eq!(p.unpack(text), Err(UnpackError::Corrupt));
        assert!(!UnpackError::Corrupt.description().is_empty());
        // a reference that splits a character
        let input = "é";
        let p = Packed {
            report: super::super::wire::encode(&analyse(Input::Text(""), &Options::default())),
            refs: vec![0, 1, 1],
        };
        assert_eq!(p.unpack(input), Err(UnpackError::Ref));
    }

    #[test]
    fn decoding_file_bytes() {
        let check = |bytes: &[u8], want: &str| assert_eq!(decode(bytes.to_vec()), want, "{bytes:?}");
        check(b"INVITE sip:a@b SIP/2.0", "INVITE sip:a@b SIP/2.0");
        check(&[0xEF, 0xBB, 0xBF, b'O', b'K'], "OK");
        check(&[0xFF, 0xFE, b'O', 0, b'K', 0], "OK");
        check(&[0xFE, 0xFF, 0, b'O', 0, b'K'], "OK");
        check(b"M\xfcller", "M\u{fc}ller");
        check(b"a\0b", "a\0b");
        check(&[], "");
    }

    #[test]
    fn bytes_are_read_as_text_or_as_a_capture() {
        let text = SAMPLES[0].text;
        let opts = Options::default();
        let from_text = analyse(Input::Text(text), &opts);
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(analyse(Input::Bytes(&utf16), &opts), from_text);
        assert_eq!(analyse(Input::Bytes(text.as_bytes()), &opts), from_text);
        assert_eq!((Input::Text("ab").len(), Input::Bytes(&[]).is_empty()), (2, true));
    }

    #[test]
    fn limits_and_words() {
        assert_eq!(too_large(MAX_INPUT), None);
        let msg = too_large(MAX_INPUT + 1).unwrap();
        assert!(msg.contains("201 MB") && msg.contains("200 MB"), "{msg}");
        for s in [Stage::Reading, Stage::Analysing, Stage::Preparing] {
            assert_eq!(Stage::from_id(s.id()), Some(s));
            assert!(s.words().ends_with('\u{2026}'));
        }
        assert_eq!(Stage::from_id("nope"), None);
        let o = Options { profile: Some("generic".into()), symptom: None, pbx: Some("freepbx".into()) };
        let [a, b, c] = options_parts(&o);
        assert_eq!(options_from_parts(a, b, c), o);
    }

    #[test]
    fn job_events_reach_the_state_of_their_revision_only() {
        use crate::view::state::Action;
        let s = State::default().apply(Action::SetText("INVITE".into()));
        let rev = s.rev;
        let mut s = s;
        s.job_event(rev - 1, JobEvent::Stage(Stage::Analysing));
        assert_eq!(s.job_stage(), None, "an older revision is ignored");
        s.job_event(rev, JobEvent::Stage(Stage::Analysing));
        assert_eq!(s.job_stage(), Some(Stage::Analysing));
        s.job_event(rev, JobEvent::Failed("stopped".into()));
        assert!(!s.pending(), "a failed job ends the wait");
        assert_eq!((s.job_stage(), s.job_failure()), (None, Some("stopped")));
        let s = s.apply(Action::SetText("INVITE sip:a@b SIP/2.0".into()));
        assert_eq!(s.job_failure(), None, "a new input starts afresh");
        // a too large file is refused with words and the input stays
        let mut s = s;
        let before = s.text.clone();
        s.refuse_input(too_large(MAX_INPUT + 1).unwrap());
        assert!(s.job_failure().unwrap().contains("200 MB"));
        assert_eq!(s.text, before);
    }
}
