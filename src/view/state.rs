//! The page state and its reducer: every change the user makes is an [`Action`]; [`State::apply`]
//! is a pure function from state and action to the next state. The UI wraps it in a Yew
//! `Reducible` and runs the side effects (analysis after a pause, storage, clipboard) itself.

use super::capture::Capture;
use super::samples;
use super::share::{LinkSelection, Opened, Previous, ShareAction, ShareForm};
use crate::diagnose::Options;
use crate::report::Report;
use std::rc::Rc;

/// An `Rc` compared by identity: cheap equality for Yew props over large values.
#[derive(Debug)]
pub struct Shared<T>(pub Rc<T>);

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(Rc::clone(&self.0))
    }
}

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl<T> std::ops::Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> Shared<T> {
    pub fn new(v: T) -> Self {
        Shared(Rc::new(v))
    }
}

/// Inputs larger than this that arrive as a file, a big paste or a restore are analysed but not
/// shown in the input box unless asked for: laying out megabytes in a text box takes the browser
/// seconds.
pub const SHOW_LIMIT: usize = 1 << 20;

/// Where the current input came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Typed,
    Example(&'static str),
    File(String),
    Restored,
    /// A shared link opened from the address (not saved over the user's own input).
    Link,
}

#[derive(Debug, Clone)]
pub struct State {
    /// The input, exactly as the user gave it.
    pub text: Rc<str>,
    pub source: Source,
    /// Bumped by every change that calls for a new analysis (text, profile, symptom).
    pub rev: u64,
    /// The last analysis and the `rev` it was made for.
    pub report: Option<Shared<Report>>,
    pub report_rev: u64,
    /// How long the last analysis took, in milliseconds.
    pub analysis_ms: Option<f64>,
    /// Provider profile id ("" = none chosen).
    pub profile: String,
    /// PBX id ("" = none chosen).
    pub pbx: String,
    /// The symptom the user picked, if any.
    pub symptom: Option<String>,
    pub symptoms_open: bool,
    pub selected_call: Option<u32>,
    pub selected_msg: Option<u32>,
    /// Bumped when the message view should scroll into sight (an evidence chip was used).
    pub reveal: u64,
    /// A short note for a live region ("Copied step 2", "Could not read file").
    pub flash: Option<String>,
    /// The user asked to see a large input in the box anyway.
    pub show_big: bool,
    /// A capture file given instead of text (`text` is then empty).
    pub capture: Option<Capture>,
    /// Share and export (`crate::view::share`): the panel, its form, the link opened from the
    /// address, the user's own input from before it, and the selection it asks for.
    pub share_open: bool,
    pub share: ShareForm,
    pub link: Option<Opened>,
    pub previous: Option<Previous>,
    pub link_select: Option<LinkSelection>,
    /// The analysis under way or failed (`crate::view::worker`): its stage, or why it stopped.
    pub job: super::worker::JobStatus,
    /// The example whose text is being fetched (the page counts as pending until it arrives).
    pub fetching: Option<&'static str>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// The user typed, pasted or dropped text.
    SetText(String),
    /// Show a large input in the box after all.
    ShowText,
    /// The user picked an example: its text is fetched (`crate::view::samples`), then comes
    /// as [`Action::LoadExample`] or [`Action::ExampleFailed`].
    FetchExample(&'static str),
    /// An example's text arrived: it replaces the input, unless the user has moved on since.
    LoadExample {
        id: &'static str,
        text: String,
    },
    /// An example's text could not be fetched: say so and keep the input.
    ExampleFailed(&'static str),
    LoadFile {
        name: String,
        text: String,
    },
    Clear,
    /// An analysis finished for input revision `rev`.
    Analysed {
        rev: u64,
        report: Shared<Report>,
        ms: f64,
    },
    SelectCall(u32),
    SelectMessage(u32),
    /// An evidence chip: select the message (and its call) and bring the message view into sight.
    ShowEvidence(u32),
    SetProfile(String),
    SetPbx(String),
    SetSymptom(Option<String>),
    ToggleSymptoms,
    Flash(String),
    ClearFlash,
    /// The analysis worker's news about input revision `rev`.
    Job {
        rev: u64,
        event: super::worker::JobEvent,
    },
    /// A capture file was dropped or picked (or restored on load): it replaces the text.
    LoadCapture {
        capture: Capture,
        restored: bool,
    },
    ToggleShare,
    Share(ShareAction),
    /// A link fragment from the address (on load or when it changes).
    OpenLink(String),
    /// Close the link notice (or leave a diagnosis-only link's view).
    CloseLink,
    /// Put back the input the user had before opening a link.
    RestorePrevious,
    ForgetPrevious,
}

impl Default for State {
    fn default() -> Self {
        State::new(String::new(), String::new(), String::new())
    }
}

impl State {
    /// The state on load: restored input and pickers (empty strings when there are none).
    pub fn new(text: String, profile: String, pbx: String) -> State {
        let profile =
            if profile.is_empty() || crate::kb::profile(&profile).is_some() { profile } else { String::new() };
        let pbx = if pbx.is_empty() || crate::kb::pbx(&pbx).is_some() { pbx } else { String::new() };
        let source = if text.is_empty() { Source::Typed } else { Source::Restored };
        State {
            text: text.into(),
            source,
            rev: 1,
            report: None,
            report_rev: 0,
            analysis_ms: None,
            profile,
            pbx,
            symptom: None,
            symptoms_open: false,
            selected_call: None,
            selected_msg: None,
            reveal: 0,
            flash: None,
            show_big: false,
            capture: None,
            share_open: false,
            share: ShareForm::default(),
            link: None,
            previous: None,
            link_select: None,
            job: Default::default(),
            fetching: None,
        }
    }

    /// Nothing to analyse: no text and no capture.
    pub fn is_empty(&self) -> bool {
        self.text.trim().is_empty() && self.capture.is_none()
    }

    /// The input is too large to show in the box (see [`SHOW_LIMIT`]) and the user did not ask.
    pub fn text_hidden(&self) -> bool {
        self.text.len() > SHOW_LIMIT && !self.show_big && !matches!(self.source, Source::Typed | Source::Example(_))
    }

    /// What the diagnosis should know besides the text.
    pub fn options(&self) -> Options {
        Options {
            profile: (!self.profile.is_empty()).then(|| self.profile.clone()),
            symptom: self.symptom.clone(),
            pbx: (!self.pbx.is_empty()).then(|| self.pbx.clone()),
        }
    }

    /// An analysis is due or running for the current input, or an example's text is on its way.
    pub fn pending(&self) -> bool {
        self.report_rev != self.rev || self.fetching.is_some()
    }

    /// The report, when it matches the current input (kept while an example is fetched).
    pub fn current_report(&self) -> Option<&Shared<Report>> {
        self.report.as_ref().filter(|_| self.report_rev == self.rev)
    }

    fn set_text(&mut self, text: String, source: Source) {
        if *self.text != *text || self.capture.is_some() {
            self.text = text.into();
            self.rev += 1;
            self.show_big = false;
            self.capture = None;
        }
        self.source = source;
    }

    pub fn apply(mut self, action: Action) -> State {
        self.input_changes(&action);
        // any other new input wins over an example still on its way
        if matches!(
            action,
            Action::SetText(_)
                | Action::LoadFile { .. }
                | Action::Clear
                | Action::LoadCapture { .. }
                | Action::OpenLink(_)
                | Action::RestorePrevious
        ) {
            self.fetching = None;
        }
        match action {
            Action::SetText(t) => self.set_text(t, Source::Typed),
            Action::ShowText => self.show_big = true,
            Action::FetchExample(id) => self.fetching = samples::example(id).map(|e| e.id),
            Action::LoadExample { id, text } => {
                if self.fetching.is_some_and(|f| f == id) {
                    self.fetching = None;
                    self.set_text(text, Source::Example(id));
                    self.selected_call = None;
                    self.selected_msg = None;
                }
            }
            Action::ExampleFailed(id) => {
                if self.fetching.is_some_and(|f| f == id) {
                    self.fetching = None;
                    self.flash = samples::example(id).map(samples::fetch_failed);
                }
            }
            Action::LoadFile { text, .. } if text.len() > super::worker::MAX_INPUT => {
                self.refuse_input(super::worker::too_large(text.len()).unwrap_or_default())
            }
            Action::Job { rev, event } => self.job_event(rev, event),
            Action::LoadFile { name, text } => {
                self.set_text(text, Source::File(name));
                self.selected_call = None;
                self.selected_msg = None;
            }
            Action::Clear => {
                self.set_text(String::new(), Source::Typed);
                self.selected_call = None;
                self.selected_msg = None;
            }
            Action::Analysed { rev, report, ms } => {
                if rev == self.rev {
                    self.select_defaults(&report);
                    self.select_linked(&report);
                    self.report = Some(report);
                    self.report_rev = rev;
                    self.analysis_ms = Some(ms);
                }
            }
            Action::SelectCall(c) => {
                if self.selected_call != Some(c) {
                    self.selected_call = Some(c);
                    self.selected_msg = self.report.as_ref().and_then(|r| first_message_shown(r, c));
                }
            }
            Action::SelectMessage(m) => {
                self.selected_msg = Some(m);
                if let Some(c) = self.report.as_ref().and_then(|r| r.messages.get(m as usize)).and_then(|m| m.call) {
                    self.selected_call = Some(c);
                }
            }
            Action::ShowEvidence(m) => {
                self = self.apply(Action::SelectMessage(m));
                self.reveal += 1;
            }
            Action::SetProfile(p) => {
                if p != self.profile && (p.is_empty() || crate::kb::profile(&p).is_some()) {
                    self.profile = p;
                    self.rev += 1;
                }
            }
            Action::SetPbx(p) => {
                // The PBX only changes the "how to confirm" steps shown, not the analysis.
                if p.is_empty() || crate::kb::pbx(&p).is_some() {
                    self.pbx = p;
                }
            }
            Action::SetSymptom(s) => {
                let s = s.filter(|s| crate::kb::symptom(s).is_some());
                if s != self.symptom {
                    self.symptom = s;
                    self.rev += 1;
                }
                if self.symptom.is_some() {
                    self.symptoms_open = true;
                }
            }
            Action::ToggleSymptoms => self.symptoms_open = !self.symptoms_open,
            Action::LoadCapture { capture, restored } => {
                self.text = "".into();
                self.source = if restored { Source::Restored } else { Source::File(capture.name.clone()) };
                self.capture = Some(capture);
                self.rev += 1;
                self.show_big = false;
                self.selected_call = None;
                self.selected_msg = None;
            }
            Action::ToggleShare => self.share_open = !self.share_open,
            Action::Share(a) => self.share = std::mem::take(&mut self.share).apply(a),
            Action::OpenLink(fragment) => self.open_link(&fragment),
            Action::CloseLink => self.close_link(),
            Action::RestorePrevious => self.restore_previous(),
            Action::ForgetPrevious => self.forget_previous(),
            Action::Flash(t) => self.flash = Some(t),
            Action::ClearFlash => self.flash = None,
        }
        self
    }

    /// After a new analysis: keep a still-valid selection, else pick the call and message the
    /// top finding is about, else the first call.
    fn select_defaults(&mut self, r: &Report) {
        let call_ok = |c: u32| (c as usize) < r.calls.len();
        let keep = self.selected_call.filter(|&c| call_ok(c));
        let call = keep
            .or_else(|| r.findings.iter().find_map(|f| f.call).filter(|&c| call_ok(c)))
            .or_else(|| r.calls.iter().position(|c| c.kind == "call").map(|i| i as u32))
            .or_else(|| (!r.calls.is_empty()).then_some(0));
        let msg_ok = |m: u32| r.messages.get(m as usize).is_some_and(|mm| mm.call == call);
        self.selected_msg = self
            .selected_msg
            .filter(|&m| keep.is_some() && msg_ok(m))
            .or_else(|| {
                r.findings
                    .iter()
                    .filter(|f| f.call == call || f.call.is_none())
                    .flat_map(|f| f.evidence.iter().filter_map(|e| e.message))
                    .find(|&m| msg_ok(m))
            })
            .or_else(|| call.and_then(|c| first_message_shown(r, c)));
        self.selected_call = call;
    }
}

fn first_message_shown(r: &Report, call: u32) -> Option<u32> {
    r.calls.get(call as usize).and_then(|c| c.messages.first().copied())
}

#[cfg(test)]
impl State {
    /// Picks an example and lets its text arrive, as the page does after fetching it.
    pub(crate) fn with_example(self, id: &'static str) -> State {
        let text = samples::sample(id).map_or_else(String::new, |s| s.text.to_string());
        self.apply(Action::FetchExample(id)).apply(Action::LoadExample { id, text })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::analyse;

    fn analysed(s: State) -> State {
        let r = analyse(&s.text, &s.options());
        let rev = s.rev;
        s.apply(Action::Analysed { rev, report: Shared::new(r), ms: 1.0 })
    }

    #[test]
    fn text_changes_bump_the_revision_and_stale_results_are_dropped() {
        let s = State::default();
        assert!(s.pending(), "a fresh page analyses its (restored) input once");
        let s = analysed(s);
        assert!(!s.pending());
        let s = s.apply(Action::SetText("INVITE".into()));
        assert!(s.pending());
        let old_rev = s.rev;
        let s = s.apply(Action::SetText("INVITE sip:a@b SIP/2.0".into()));
        let stale = Shared::new(analyse("x", &Options::default()));
        let s = s.apply(Action::Analysed { rev: old_rev, report: stale, ms: 0.0 });
        assert!(s.pending(), "a result for an older text is ignored");
        assert_eq!(&*s.text, "INVITE sip:a@b SIP/2.0");
        // the same text again is not a change
        let rev = s.rev;
        let s = s.apply(Action::SetText("INVITE sip:a@b SIP/2.0".into()));
        assert_eq!(s.rev, rev);
    }

    #[test]
    fn examples_load_and_select_a_call() {
        let s = State::default().with_example("capacity-503");
        assert_eq!(s.source, Source::Example("capacity-503"));
        let s = analysed(s);
        let r = s.current_report().unwrap().clone();
        assert_eq!(r.calls.len(), 2);
        let (c, m) = (s.selected_call.unwrap(), s.selected_msg.unwrap());
        assert_eq!(r.messages[m as usize].call, Some(c), "the selected message is in the selected call");
        let s = s.apply(Action::SelectCall(1));
        assert_eq!(s.selected_msg, Some(r.calls[1].messages[0]));
        // selecting a message selects its call
        let s = s.apply(Action::SelectMessage(1));
        assert_eq!((s.selected_call, s.selected_msg), (Some(0), Some(1)));
        let reveal = s.reveal;
        let s = s.apply(Action::ShowEvidence(6));
        assert_eq!((s.selected_call, s.selected_msg, s.reveal), (Some(1), Some(6), reveal + 1));
        // unknown example: nothing changes
        let rev = s.rev;
        let s = s.apply(Action::FetchExample("nope"));
        assert!(!s.pending());
        assert_eq!(s.apply(Action::LoadExample { id: "nope", text: "INVITE".into() }).rev, rev);
    }

    #[test]
    fn an_example_is_pending_while_fetched_and_yields_to_newer_input() {
        let s = analysed(State::default().apply(Action::SetText("mine".into())));
        let (rev, report) = (s.rev, s.report.clone());
        // picked: pending, the old text and report stay until the text arrives
        let s = s.apply(Action::FetchExample("codec-488"));
        assert_eq!((s.pending(), &*s.text, s.rev), (true, "mine", rev));
        assert_eq!(s.current_report(), report.as_ref());
        let text = samples::sample("codec-488").unwrap().text.to_string();
        let done = s.clone().apply(Action::LoadExample { id: "codec-488", text: text.clone() });
        assert_eq!(
            (&*done.text, done.source.clone(), done.rev),
            (text.as_str(), Source::Example("codec-488"), rev + 1)
        );
        assert!(done.fetching.is_none() && done.pending() && done.current_report().is_none());
        // a failed fetch says so and keeps everything
        let failed = s.clone().apply(Action::ExampleFailed("codec-488"));
        assert_eq!((failed.pending(), &*failed.text, failed.rev), (false, "mine", rev));
        assert_eq!(failed.current_report(), report.as_ref());
        assert!(failed.flash.as_deref().is_some_and(|f| f.contains("Could not load the example")));
        // a later pick wins over an earlier one still on its way
        let s2 = s.clone().apply(Action::FetchExample("capacity-503"));
        let s2 = s2.apply(Action::LoadExample { id: "codec-488", text: text.clone() });
        assert_eq!((&*s2.text, s2.fetching), ("mine", Some("capacity-503")));
        assert_eq!(s2.clone().apply(Action::ExampleFailed("codec-488")).flash, None, "an old failure is not news");
        // typing, a file, a capture, Clear or a link while it is fetched: the example is dropped
        for a in [
            Action::SetText("typed".into()),
            Action::LoadFile { name: "a.log".into(), text: "file".into() },
            Action::Clear,
            Action::OpenLink("#nothing".into()),
        ] {
            let moved = s.clone().apply(a.clone());
            assert!(moved.fetching.is_none(), "{a:?}");
            let late = moved.clone().apply(Action::LoadExample { id: "codec-488", text: text.clone() });
            assert_eq!((&*late.text, late.rev), (&*moved.text, moved.rev), "{a:?}");
        }
    }

    #[test]
    fn the_top_finding_drives_the_first_selection() {
        let s = State::default().with_example("capacity-503");
        let mut r = analyse(&s.text, &s.options());
        r.findings.insert(0, crate::view::testutil::finding("test.cause", "error", Some(1), &[(Some(6), 1)]));
        let rev = s.rev;
        let s = s.apply(Action::Analysed { rev, report: Shared::new(r), ms: 1.0 });
        assert_eq!((s.selected_call, s.selected_msg), (Some(1), Some(6)));
    }

    #[test]
    fn pickers_and_symptoms() {
        let s = State::new(String::new(), "no-such-profile".into(), "no-such-pbx".into());
        assert_eq!((s.profile.as_str(), s.pbx.as_str()), ("", ""), "unknown stored ids are dropped");
        let rev = s.rev;
        let s = s.apply(Action::SetProfile("no-such-profile".into()));
        assert_eq!(s.rev, rev);
        let s = s.apply(Action::SetSymptom(Some("no-such-symptom".into())));
        assert_eq!((s.symptom.as_ref(), s.rev), (None, rev));
        if let Some(sym) = crate::kb::SYMPTOMS.first() {
            let s = s.clone().apply(Action::SetSymptom(Some(sym.id.into())));
            assert_eq!(s.options().symptom.as_deref(), Some(sym.id));
            assert!(s.symptoms_open && s.rev == rev + 1);
        }
        if let Some(p) = crate::kb::PROFILES.first() {
            let s = s.clone().apply(Action::SetProfile(p.id.into()));
            assert_eq!(s.options().profile.as_deref(), Some(p.id));
        }
        let s = s.apply(Action::ToggleSymptoms);
        let s = s.apply(Action::Flash("Copied".into()));
        assert_eq!(s.flash.as_deref(), Some("Copied"));
        assert_eq!(s.apply(Action::ClearFlash).flash, None);
    }

    #[test]
    fn large_files_are_not_shown_in_the_box_unless_asked() {
        let big = "x".repeat(SHOW_LIMIT + 1);
        let s = State::default().apply(Action::LoadFile { name: "big.log".into(), text: big.clone() });
        assert!(s.text_hidden());
        let s = s.apply(Action::ShowText);
        assert!(!s.text_hidden());
        let s = s.apply(Action::LoadFile { name: "big2.log".into(), text: format!("{big}y") });
        assert!(s.text_hidden(), "a new file hides again");
        let s = s.apply(Action::SetText(big.clone()));
        assert!(!s.text_hidden(), "typed text is always shown");
        let s = State::new(big, String::new(), String::new());
        assert!(s.text_hidden(), "a large restored input is not laid out on load");
        let s = State::default().apply(Action::LoadFile { name: "small.log".into(), text: "INVITE".into() });
        assert!(!s.text_hidden());
    }

    #[test]
    fn a_capture_replaces_the_text_until_text_comes_back() {
        let bytes = crate::view::capture::tests::one_way_capture();
        let s = State::default().apply(Action::SetText("INVITE".into()));
        let capture = Capture::new("call.pcap".into(), bytes);
        let rev = s.rev;
        let s = s.apply(Action::LoadCapture { capture: capture.clone(), restored: false });
        assert_eq!((&*s.text, s.source.clone(), s.rev), ("", Source::File("call.pcap".into()), rev + 1));
        assert!(!s.is_empty() && !s.text_hidden() && s.pending());
        // the page analyses the bytes, not the (empty) text
        let r = crate::view::capture::analyse_bytes(&s.capture.as_ref().unwrap().bytes, &s.options());
        let rev = s.rev;
        let s = s.apply(Action::Analysed { rev, report: Shared::new(r), ms: 1.0 });
        assert_eq!((s.selected_call, s.current_report().map(|r| r.messages.len())), (Some(0), Some(6)));
        // a new profile analyses the same capture again
        let s = s.apply(Action::SetProfile("generic".into()));
        assert!(s.capture.is_some() && (s.pending() || crate::kb::profile("generic").is_none()));
        // clearing an empty box still drops the capture
        let rev = s.rev;
        let s = s.apply(Action::Clear);
        assert!(s.capture.is_none() && s.is_empty() && s.rev == rev + 1);
        let s = s.apply(Action::LoadCapture { capture: capture.clone(), restored: true });
        assert_eq!(s.source, Source::Restored);
        let s = s.apply(Action::SetText("x".into()));
        assert!(s.capture.is_none());
        let s = s.apply(Action::LoadCapture { capture, restored: false });
        let s = s.with_example("capacity-503");
        assert!(s.capture.is_none() && s.source == Source::Example("capacity-503"));
    }

    #[test]
    fn shared_compares_by_identity() {
        let a = Shared::new(vec![1]);
        let b = Shared::new(vec![1]);
        assert!(a == a.clone());
        assert!(a != b);
    }
}
