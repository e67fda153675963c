//! Share and export, the page's side: opening a link found in the address (what it holds and
//! which call and message it points at), the share panel's form and what it offers (the links
//! with their length advice, the redaction preview), the exports (ticket report, one call's
//! lines, file names) and the read-only view of a diagnosis-only link. Pure: the link format,
//! redaction and reports come from `crate::permalink`, `crate::redact` and `crate::export`;
//! `crate::ui::share` renders what this computes and does the browser work (clipboard,
//! downloads, the address bar, drawing the ladder). What needs the core runs in the analysis
//! worker: the panel sends a [`ShareAsk`] and gets back a [`Prepared`] ([`ShareAsk::prepare`]),
//! links, redaction preview, ticket and call export included, so the page's module needs none
//! of the core.

use crate::diagnose::Options;
use crate::export::{self, Ticket, TicketInput};
use crate::permalink::{
    self, DiagnosisLink, Fit, Link, LinkError, LinkEvidence, Selection, ShareKind, ShareOption, LONG_URL_LEN,
    SAFE_URL_LEN,
};
use crate::redact::{self, Kind, RedactOptions, Redacted};
use crate::report::{Detail, Report};
use crate::view::capture::Capture;
use crate::view::state::{Action, Source, State};
use crate::Analysis;
use std::rc::Rc;

// ---------------------------------------------------------------------------------------------
// Opening a link
// ---------------------------------------------------------------------------------------------

/// The link part of an address's fragment (`location.hash`): without `#` and without the white
/// space a mail client may have wrapped into it (which the address bar then shows as `%20`,
/// `%0A`, …); `None` when empty.
pub fn fragment(hash: &str) -> Option<String> {
    let f = hash.strip_prefix('#').unwrap_or(hash);
    let mut out = String::with_capacity(f.len());
    let mut rest = f;
    while let Some(i) = rest.find('%') {
        out.push_str(&rest[..i]);
        let code = rest.get(i + 1..i + 3).unwrap_or("");
        if ["20", "09", "0A", "0a", "0D", "0d"].contains(&code) {
            rest = &rest[i + 3..];
        } else {
            out.push('%');
            rest = &rest[i + 1..];
        }
    }
    out.push_str(rest);
    let out: String = out.split_whitespace().collect();
    (!out.is_empty()).then_some(out)
}

/// The call and message a trace link points at, found again once its trace is analysed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LinkSelection {
    pub call_id: Option<String>,
    /// 1-based input line of the message's start line.
    pub line: Option<u32>,
}

/// The selected call and message (indexes into the report) for a link's selection. The message
/// decides when it belongs to a call with the link's Call-ID (a Call-ID can name more than one
/// call); otherwise the first call with that Call-ID, and no message outside it.
pub fn resolve(r: &Report, s: &LinkSelection) -> (Option<u32>, Option<u32>) {
    let msg = s.line.and_then(|l| r.messages.iter().find(|m| m.line == l));
    let by_id = s.call_id.as_deref().and_then(|id| r.calls.iter().find(|c| c.call_id == id)).map(|c| c.index);
    let msg_call = msg.and_then(|m| m.call);
    let msg_call_ok = msg_call.filter(|&c| {
        s.call_id.is_none() || r.calls.get(c as usize).is_some_and(|c| Some(&c.call_id) == s.call_id.as_ref())
    });
    let call = msg_call_ok.or(by_id).or(msg_call);
    let msg = msg.filter(|m| m.call.is_none() || m.call == call).map(|m| m.index);
    (call, msg)
}

/// What the page opened from its address, kept while it is on screen.
#[derive(Debug, Clone, PartialEq)]
pub enum Opened {
    /// A trace link: its text is in the input box.
    Trace(LinkSummary),
    /// A diagnosis-only link: shown read-only instead of the results.
    Diagnosis(Rc<DiagnosisLink>),
    /// A link that could not be opened.
    Failed(LinkError),
}

/// What a trace link held, for the notice that says where the page's content came from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LinkSummary {
    pub lines: u32,
    pub profile: Option<String>,
    pub pbx: Option<String>,
    pub symptom: Option<String>,
    pub call_id: Option<String>,
}

impl LinkSummary {
    pub fn of(t: &permalink::TraceLink) -> LinkSummary {
        LinkSummary {
            lines: crate::text::lines(&t.input).count() as u32,
            profile: t.profile.clone(),
            pbx: t.pbx.clone(),
            symptom: t.symptom.clone(),
            call_id: t.call_id.clone(),
        }
    }

    /// One sentence: what was opened and with which settings.
    pub fn sentence(&self) -> String {
        let mut parts = vec![crate::view::format::count(self.lines as usize, "line", "lines") + " of trace"];
        if let Some(p) = &self.profile {
            parts.push(format!("provider {}", crate::kb::profile(p).map_or(p.as_str(), |x| x.name)));
        }
        if let Some(p) = &self.pbx {
            parts.push(format!("PBX {}", crate::kb::pbx(p).map_or(p.as_str(), |x| x.name)));
        }
        if let Some(s) = &self.symptom {
            parts.push(format!("symptom \u{201c}{}\u{201d}", crate::kb::symptom(s).map_or(s.as_str(), |x| x.title)));
        }
        let mut s = format!("The sender's view is restored: {}.", parts.join(", "));
        if let Some(c) = &self.call_id {
            s.push_str(&format!(" Selected call: {c}."));
        }
        s
    }
}

/// Opens a fragment. A trace link gives the text, options and selection to apply.
pub fn open(fragment: &str) -> Result<Link, LinkError> {
    permalink::decode(fragment)
}

// ---------------------------------------------------------------------------------------------
// The share panel's form
// ---------------------------------------------------------------------------------------------

/// What the user chose in the share panel. Kept by the page while it is open, so closing and
/// reopening the panel keeps the ticket fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareForm {
    /// The link to show; `None`: the recommended one.
    pub kind: Option<ShareKind>,
    /// Redact before sharing or exporting.
    pub redact: bool,
    pub ips: bool,
    pub numbers: bool,
    pub credentials: bool,
    /// Host names to hide (chosen from [`redact::host_candidates`]).
    pub hosts: Vec<String>,
    pub workspace_id: String,
    pub trunk_id: String,
    pub description: String,
}

impl Default for ShareForm {
    fn default() -> Self {
        ShareForm {
            kind: None,
            redact: false,
            ips: true,
            numbers: true,
            credentials: true,
            hosts: Vec::new(),
            workspace_id: String::new(),
            trunk_id: String::new(),
            description: String::new(),
        }
    }
}

/// A change in the share panel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShareAction {
    Kind(ShareKind),
    Redact(bool),
    Ips(bool),
    Numbers(bool),
    Credentials(bool),
    Host(String, bool),
    WorkspaceId(String),
    TrunkId(String),
    Description(String),
}

impl ShareForm {
    pub fn apply(mut self, a: ShareAction) -> ShareForm {
        match a {
            ShareAction::Kind(k) => self.kind = Some(k),
            ShareAction::Redact(on) => self.redact = on,
            ShareAction::Ips(on) => self.ips = on,
            ShareAction::Numbers(on) => self.numbers = on,
            ShareAction::Credentials(on) => self.credentials = on,
            ShareAction::Host(h, on) => {
                self.hosts.retain(|x| *x != h);
                if on {
                    self.hosts.push(h);
                }
            }
            ShareAction::WorkspaceId(s) => self.workspace_id = s,
            ShareAction::TrunkId(s) => self.trunk_id = s,
            ShareAction::Description(s) => self.description = s,
        }
        self
    }

    /// The redaction to apply, `None` when redaction is off.
    pub fn redact_options(&self) -> Option<RedactOptions> {
        self.redact.then(|| RedactOptions {
            ips: self.ips,
            numbers: self.numbers,
            credentials: self.credentials,
            hosts: self.hosts.clone(),
            keep: Vec::new(),
        })
    }

    /// What decides the links (not the ticket fields).
    pub fn link_key(&self) -> (bool, bool, bool, bool, Vec<String>) {
        (self.redact, self.ips, self.numbers, self.credentials, self.hosts.clone())
    }

    pub fn ticket_input(&self, call: Option<u32>) -> TicketInput {
        TicketInput {
            workspace_id: self.workspace_id.clone(),
            trunk_id: self.trunk_id.clone(),
            description: self.description.clone(),
            call,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// What the panel offers
// ---------------------------------------------------------------------------------------------

/// Everything the share panel shows for the current input and form.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    /// The text links and exports carry: the input, or the redacted input.
    pub text: String,
    /// The redaction (the preview), when redaction is on.
    pub redacted: Option<Redacted>,
    /// The redacted text analysed (for the exported ladder), when redaction is on.
    pub redacted_report: Option<Rc<Report>>,
    /// Host names the user may hide (when redaction is on).
    pub hosts: Vec<String>,
    pub options: Vec<ShareOption>,
    pub recommended: Option<usize>,
    /// The call a "this call only" link, the ticket and the call export are about.
    pub call: Option<u32>,
    pub call_id: Option<String>,
    /// The input lines a "this call only" link carries.
    pub call_lines: Vec<u32>,
    /// The input lines a diagnosis-only link quotes.
    pub evidence_lines: Vec<u32>,
    /// The support-ticket report about `call`, before the user's typing ([`Ticket::filled`]).
    pub ticket: Ticket,
    /// The input lines of `call` (the call export).
    pub call_trace: Option<String>,
}

/// What the share panel asks for: the page's options, selection and address and the form's link
/// choices. The analysis worker prepares it ([`ShareAsk::prepare`]); it crosses as bytes
/// (`super::wire`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ShareAsk {
    pub profile: String,
    pub symptom: String,
    pub pbx: String,
    pub call: Option<u32>,
    pub message: Option<u32>,
    pub base: String,
    pub redact: bool,
    pub ips: bool,
    pub numbers: bool,
    pub credentials: bool,
    pub hosts: Vec<String>,
}

impl ShareAsk {
    pub fn new(options: &Options, sel: Selection, base: &str, form: &ShareForm) -> ShareAsk {
        let [profile, symptom, pbx] = super::worker::options_parts(options);
        ShareAsk {
            profile,
            symptom,
            pbx,
            call: sel.call,
            message: sel.message,
            base: base.to_string(),
            redact: form.redact,
            ips: form.ips,
            numbers: form.numbers,
            credentials: form.credentials,
            hosts: form.hosts.clone(),
        }
    }

    /// [`prepare`] for `input`.
    pub fn prepare(&self, input: &str) -> Prepared {
        let options = super::worker::options_from_parts(self.profile.clone(), self.symptom.clone(), self.pbx.clone());
        let form = ShareForm {
            redact: self.redact,
            ips: self.ips,
            numbers: self.numbers,
            credentials: self.credentials,
            hosts: self.hosts.clone(),
            ..ShareForm::default()
        };
        prepare(input, &options, Selection { call: self.call, message: self.message }, &self.base, &form)
    }
}

/// Builds the links (and the redaction) for `input` as the page shows it. `sel` holds indexes
/// into the page's report; redaction keeps lines, messages and calls where they were, so they
/// index the redacted analysis the same way. `base` is the page address.
pub fn prepare(input: &str, options: &Options, sel: Selection, base: &str, form: &ShareForm) -> Prepared {
    let redacted = form.redact_options().map(|o| redact::redact(input, &o));
    let hosts = if form.redact { redact::host_candidates(input) } else { Vec::new() };
    let text = redacted.as_ref().map_or_else(|| input.to_string(), |r| r.text.clone());
    let ingested = crate::ingest(&text);
    let a = Analysis::new(&ingested, options);
    let ncalls = a.calls.calls.len();
    let sel = Selection {
        call: sel.call.filter(|&c| (c as usize) < ncalls),
        message: sel.message.filter(|&m| (m as usize) < a.messages.len()),
    };
    let opts = permalink::share_options(&a, options, sel, base);
    let recommended = permalink::recommended(&opts);
    let call = sel.call.or_else(|| export::failing_call(&a));
    let call_lines = call.filter(|_| ncalls > 1).map(|c| export::call_lines(&a, c)).unwrap_or_default();
    let mut evidence_lines: Vec<u32> = permalink::diagnosis_link(&a, options, call)
        .findings
        .iter()
        .flat_map(|f| f.evidence.iter().map(|e| e.line))
        .collect();
    evidence_lines.sort_unstable();
    evidence_lines.dedup();
    let redacted_report = redacted.as_ref().map(|_| Rc::new(Report::build(&a, Detail::Full)));
    let call_id = call.and_then(|c| a.calls.calls.get(c as usize)).map(|c| c.call_id.clone());
    let ticket = export::ticket(&a, options, &TicketInput { call, ..TicketInput::default() });
    let call_trace = call.filter(|&c| (c as usize) < ncalls).map(|c| export::filtered_trace(&a, c));
    Prepared {
        text: text.clone(),
        redacted,
        redacted_report,
        hosts,
        options: opts,
        recommended,
        call,
        call_id,
        call_lines,
        evidence_lines,
        ticket,
        call_trace,
    }
}

impl Prepared {
    pub fn option(&self, kind: ShareKind) -> Option<&ShareOption> {
        self.options.iter().find(|o| o.kind == kind)
    }

    /// The link to show: the chosen kind when it is offered, else the recommended one.
    pub fn chosen(&self, kind: Option<ShareKind>) -> Option<&ShareOption> {
        kind.and_then(|k| self.option(k)).or_else(|| self.recommended.and_then(|i| self.options.get(i)))
    }

    /// The preview lines for a kind of link: every line, the call's lines, or the quoted ones.
    pub fn preview_lines(&self, kind: ShareKind) -> Option<&[u32]> {
        match kind {
            ShareKind::Trace => None,
            ShareKind::Call => Some(&self.call_lines),
            ShareKind::Diagnosis => Some(&self.evidence_lines),
        }
    }
}

/// `12345` → `12,345`.
pub fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// What the panel says about a link's length.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LengthAdvice {
    pub chars: usize,
    pub fit: Fit,
    /// "1,234 characters: short enough to open from any chat, mail or ticket tool."
    pub note: String,
    /// For a link over [`SAFE_URL_LEN`]: which limit it passes and what breaks.
    pub warning: Option<String>,
    /// Shorter kinds to offer instead, with their lengths.
    pub instead: Vec<(ShareKind, usize)>,
}

pub fn advice(p: &Prepared, o: &ShareOption) -> LengthAdvice {
    let chars = o.url.chars().count();
    let n = thousands(chars);
    let warning = match o.fit {
        Fit::Safe => None,
        Fit::Long => Some(format!(
            "This link is {n} characters long. Links over {} characters do not open everywhere: Teams, \
             Outlook and other Windows desktop apps, and older browsers, cut them. It still opens when pasted \
             into a browser's address bar.",
            thousands(SAFE_URL_LEN)
        )),
        Fit::TooLong => Some(format!(
            "This link is {n} characters long, over {}: Jira, Slack and most other ticket and chat tools \
             cannot take it whole.",
            thousands(LONG_URL_LEN)
        )),
    };
    let instead = if o.fit == Fit::Safe {
        Vec::new()
    } else {
        [ShareKind::Call, ShareKind::Diagnosis]
            .into_iter()
            .filter(|&k| k != o.kind)
            .filter_map(|k| p.option(k))
            .map(|x| (x.kind, x.url.chars().count()))
            .filter(|&(_, len)| len < chars)
            .collect()
    };
    // the warning explains a long link; the note then only counts
    let note = if warning.is_none() {
        format!("{n} characters: {}.", o.fit.description())
    } else {
        format!("{n} characters.")
    };
    LengthAdvice { chars, fit: o.fit, note, warning, instead }
}

// ---------------------------------------------------------------------------------------------
// Redaction preview
// ---------------------------------------------------------------------------------------------

/// One line of the preview: its number and its text in parts, the replaced parts marked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviewLine {
    pub no: u32,
    pub parts: Vec<(String, Option<Kind>)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preview {
    pub lines: Vec<PreviewLine>,
    /// Lines left out of the preview (past `max_lines`).
    pub more: u32,
    /// Replacements in the lines shown and left out.
    pub marks: u32,
}

/// The redacted text as shown in the preview: the lines `only` (1-based, sorted) or all, at most
/// `max_lines`, with the replacements marked.
pub fn preview(r: &Redacted, only: Option<&[u32]>, max_lines: usize) -> Preview {
    let mut out = Preview { lines: Vec::new(), more: 0, marks: 0 };
    let mut mi = 0;
    let marks = &r.marks;
    for l in crate::text::lines(&r.text) {
        let (start, end) = (l.offset, l.offset + l.text.len());
        while mi < marks.len() && (marks[mi].start as usize) < start {
            mi += 1;
        }
        let mut j = mi;
        while j < marks.len() && (marks[j].start as usize) < end {
            j += 1;
        }
        let here = &marks[mi..j];
        mi = j;
        if only.is_some_and(|o| o.binary_search(&l.no).is_err()) {
            continue;
        }
        out.marks += here.len() as u32;
        if out.lines.len() >= max_lines {
            out.more += 1;
            continue;
        }
        let mut parts = Vec::new();
        let mut pos = start;
        for m in here {
            let (s, e) = (m.start as usize, m.end as usize);
            if s < pos || e > end || !r.text.is_char_boundary(s) || !r.text.is_char_boundary(e) {
                continue;
            }
            if s > pos {
                parts.push((r.text[pos..s].to_string(), None));
            }
            parts.push((r.text[s..e].to_string(), Some(m.kind)));
            pos = e;
        }
        if pos < end {
            parts.push((r.text[pos..end].to_string(), None));
        }
        out.lines.push(PreviewLine { no: l.no, parts });
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Exports
// ---------------------------------------------------------------------------------------------

/// A download's file name: `sipdiag-<what>[-<call id>].<ext>`, the Call-ID cut to letters,
/// digits, `-` and `_` (at most 24), so it is a safe name on every system.
pub fn file_name(what: &str, call_id: Option<&str>, ext: &str) -> String {
    let mut slug = String::new();
    for c in call_id.unwrap_or("").chars() {
        if slug.len() >= 24 {
            break;
        }
        if c.is_ascii_alphanumeric() || c == '_' {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        format!("sipdiag-{what}.{ext}")
    } else {
        format!("sipdiag-{what}-{slug}.{ext}")
    }
}

/// Style properties copied onto every element of the exported ladder SVG as presentation
/// attributes, so it renders alone (without the page's style sheet). Attributes rather than a
/// `style` attribute: the page's content security policy allows no inline styles, and every
/// SVG viewer reads presentation attributes.
pub const SVG_STYLE_PROPS: &[&str] = &[
    "fill",
    "fill-opacity",
    "stroke",
    "stroke-width",
    "stroke-dasharray",
    "stroke-linejoin",
    "stroke-opacity",
    "paint-order",
    "opacity",
    "font-family",
    "font-size",
    "font-weight",
    "font-style",
    "text-decoration",
    "letter-spacing",
    "visibility",
];

/// The presentation attributes for computed (property, value) pairs, leaving out values that
/// are the SVG default anyway.
pub fn presentation_attributes<'a>(pairs: impl IntoIterator<Item = (&'a str, String)>) -> Vec<(&'a str, String)> {
    let mut out = Vec::new();
    for (k, v) in pairs {
        let v = v.trim();
        let default = v.is_empty()
            || matches!(
                (k, v),
                ("fill-opacity" | "stroke-opacity" | "opacity", "1")
                    | ("stroke-dasharray", "none")
                    | ("paint-order", "normal")
                    | ("stroke-linejoin", "miter")
                    | ("font-style", "normal")
                    | ("letter-spacing", "normal")
                    | ("visibility", "visible")
            )
            || (k == "text-decoration" && v.starts_with("none"));
        if !default {
            out.push((k, v.to_string()));
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// A diagnosis-only link, read-only
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiagFinding {
    pub cause: String,
    pub title: String,
    pub severity: String,
    pub confidence: u8,
    pub explanation: String,
    pub evidence: Vec<LinkEvidence>,
    /// From this page's knowledge base (the link does not carry fixes).
    pub fixes: Vec<String>,
    /// How to confirm on the link's PBX (or the page's, when the link names none).
    pub confirm: Vec<String>,
    /// The cause is in this page's knowledge base.
    pub known: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiagView {
    pub verdict: String,
    pub severity: String,
    /// "Provider SmartAlex · PBX FreePBX · symptom …", empty when the link names none.
    pub context: String,
    /// "Call abc@host: 201 → 447…, ended 403 Forbidden".
    pub call: Option<String>,
    pub formats: Vec<String>,
    pub findings: Vec<DiagFinding>,
}

/// The words beside an evidence excerpt: `line N · label`, or `line N` alone when the label is
/// the excerpt itself (or the start of it).
pub fn evidence_label(e: &LinkEvidence) -> String {
    let label = e.label.trim();
    let stem = label.trim_end_matches('\u{2026}').trim_end();
    if label.is_empty() || (!e.excerpt.is_empty() && e.excerpt.trim().starts_with(stem)) {
        format!("line {}", e.line)
    } else {
        format!("line {} \u{b7} {label}", e.line)
    }
}

/// The read-only view of a diagnosis-only link. `pbx` is the page's PBX, used when the link
/// names none.
pub fn diagnosis_view(d: &DiagnosisLink, pbx: &str) -> DiagView {
    let pbx_id = d.pbx.as_deref().filter(|p| !p.is_empty()).unwrap_or(pbx);
    let findings: Vec<DiagFinding> = d
        .findings
        .iter()
        .map(|f| {
            let kb = crate::kb::cause(&f.cause);
            DiagFinding {
                cause: f.cause.clone(),
                title: f.title.clone(),
                severity: f.severity.clone(),
                confidence: f.confidence,
                explanation: f.explanation.clone(),
                evidence: f.evidence.clone(),
                fixes: kb.map(|c| c.fixes.iter().map(|s| s.to_string()).collect()).unwrap_or_default(),
                confirm: kb
                    .map(|c| c.confirm.iter().filter(|(id, _)| *id == pbx_id).map(|(_, s)| s.to_string()).collect())
                    .unwrap_or_default(),
                known: kb.is_some(),
            }
        })
        .collect();
    let severity = findings
        .iter()
        .find(|f| f.severity == "error" || f.severity == "warning")
        .or(findings.first())
        .map_or("info", |f| f.severity.as_str())
        .to_string();
    let mut context = Vec::new();
    if let Some(p) = d.profile.as_deref() {
        context.push(format!("Provider {}", crate::kb::profile(p).map_or(p, |x| x.name)));
    }
    if let Some(p) = d.pbx.as_deref() {
        context.push(format!("PBX {}", crate::kb::pbx(p).map_or(p, |x| x.name)));
    }
    if let Some(s) = d.symptom.as_deref() {
        context.push(format!("symptom \u{201c}{}\u{201d}", crate::kb::symptom(s).map_or(s, |x| x.title)));
    }
    let call = d.call.as_ref().map(|c| {
        let parties = match (c.from.as_deref(), c.to.as_deref()) {
            (Some(f), Some(t)) => {
                format!(": {} \u{2192} {}", crate::view::format::short_uri(f), crate::view::format::short_uri(t))
            }
            _ => String::new(),
        };
        let end = c.final_status.map_or_else(
            || ", no final response".to_string(),
            |s| format!(", ended {}", crate::view::format::status(s, None)),
        );
        format!("Call {}{parties}{end}", c.call_id)
    });
    DiagView {
        verdict: d.verdict.clone(),
        severity,
        context: context.join(" \u{b7} "),
        call,
        formats: d.formats.iter().map(|f| crate::view::format::format_label(f)).collect(),
        findings,
    }
}

// ---------------------------------------------------------------------------------------------
// The page state's share and link parts (the reducer arms in `crate::view::state` call these)
// ---------------------------------------------------------------------------------------------

/// The user's own input and settings from before a trace link replaced them: kept so that
/// opening a link never loses what they had ("Restore my previous trace").
#[derive(Debug, Clone, PartialEq)]
pub struct Previous {
    pub text: Rc<str>,
    /// A capture they had loaded instead of text (kept for this visit only).
    pub capture: Option<Capture>,
    pub profile: String,
    pub pbx: String,
    pub symptom: Option<String>,
}

/// What the page stores of [`Previous`] across a reload (the text and pickers; not a capture).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StoredPrevious {
    pub text: String,
    #[serde(default)]
    pub profile: String,
    #[serde(default)]
    pub pbx: String,
    #[serde(default)]
    pub symptom: Option<String>,
}

impl StoredPrevious {
    /// As JSON (what serde writes for it; read and written with the small `crate::json`, which
    /// keeps a JSON library out of the page's module).
    pub fn to_json(&self) -> String {
        use crate::json::{write_opt_str, write_str};
        let mut o = String::with_capacity(self.text.len() + 64);
        o.push_str("{\"text\":");
        write_str(&mut o, &self.text);
        o.push_str(",\"profile\":");
        write_str(&mut o, &self.profile);
        o.push_str(",\"pbx\":");
        write_str(&mut o, &self.pbx);
        o.push_str(",\"symptom\":");
        write_opt_str(&mut o, self.symptom.as_deref());
        o.push('}');
        o
    }

    /// Reads [`StoredPrevious::to_json`]; absent pickers are empty.
    pub fn from_json(s: &str) -> Option<StoredPrevious> {
        let v = crate::json::parse(s).ok()?;
        let picker = |k: &str| v.opt_string(k).map(Option::unwrap_or_default);
        Some(StoredPrevious {
            text: v.string("text").ok()?,
            profile: picker("profile").ok()?,
            pbx: picker("pbx").ok()?,
            symptom: v.opt_string("symptom").ok()?,
        })
    }
}

impl Previous {
    /// For storage; `None` for a capture (too large, and its bytes are stored elsewhere).
    pub fn to_stored(&self) -> Option<String> {
        if self.capture.is_some() {
            return None;
        }
        let s = StoredPrevious {
            text: self.text.to_string(),
            profile: self.profile.clone(),
            pbx: self.pbx.clone(),
            symptom: self.symptom.clone(),
        };
        Some(s.to_json())
    }

    pub fn from_stored(s: &str) -> Option<Previous> {
        let s = StoredPrevious::from_json(s)?;
        (!s.text.is_empty()).then(|| Previous {
            text: s.text.into(),
            capture: None,
            profile: s.profile,
            pbx: s.pbx,
            symptom: s.symptom,
        })
    }
}

impl State {
    /// Called before every action: an input change closes a diagnosis-only view or a failed
    /// link's alert; editing a trace link's text keeps its notice, replacing it closes it.
    pub(crate) fn input_changes(&mut self, action: &Action) {
        let replaces = matches!(
            action,
            Action::LoadExample { .. } | Action::LoadFile { .. } | Action::Clear | Action::LoadCapture { .. }
        );
        let edits = matches!(action, Action::SetText(_));
        if !(replaces || edits) {
            return;
        }
        if !(edits && matches!(self.link, Some(Opened::Trace(_)))) {
            self.link = None;
        }
        if replaces {
            self.link_select = None;
        }
    }

    /// After an analysis: the call and message a just-opened link points at.
    pub(crate) fn select_linked(&mut self, r: &Report) {
        if let Some(sel) = self.link_select.take() {
            let (call, msg) = resolve(r, &sel);
            if call.is_some() {
                self.selected_call = call;
                self.selected_msg =
                    msg.or_else(|| call.and_then(|c| r.calls.get(c as usize)?.messages.first().copied()));
            }
        }
    }

    /// Opens a link fragment: a trace link replaces the input and settings (keeping the user's
    /// own as [`Previous`]); a diagnosis-only link is shown read-only; a broken one says why.
    pub(crate) fn open_link(&mut self, fragment: &str) {
        self.share_open = false;
        self.link_select = None;
        match open(fragment) {
            Err(e) => self.link = Some(Opened::Failed(e)),
            Ok(Link::Diagnosis(d)) => self.link = Some(Opened::Diagnosis(Rc::new(d))),
            Ok(Link::Trace(t)) => {
                let own = self.source != Source::Link && !self.is_empty() && *self.text != *t.input;
                if own && !self.previous_is_current() {
                    self.previous = Some(Previous {
                        text: self.text.clone(),
                        capture: self.capture.clone(),
                        profile: self.profile.clone(),
                        pbx: self.pbx.clone(),
                        symptom: self.symptom.clone(),
                    });
                }
                let summary = LinkSummary::of(&t);
                let known = |id: Option<String>, ok: fn(&str) -> bool| id.filter(|p| ok(p)).unwrap_or_default();
                let profile = known(t.profile.clone(), |p| crate::kb::profile(p).is_some());
                let pbx = known(t.pbx.clone(), |p| crate::kb::pbx(p).is_some());
                let symptom = t.symptom.clone().filter(|s| crate::kb::symptom(s).is_some());
                if profile != self.profile || symptom != self.symptom {
                    self.rev += 1;
                }
                self.profile = profile;
                self.pbx = pbx;
                self.symptom = symptom;
                if self.symptom.is_some() {
                    self.symptoms_open = true;
                }
                self.set_linked_text(t.input);
                self.link = Some(Opened::Trace(summary));
                let sel = LinkSelection { call_id: t.call_id, line: t.line };
                match self.current_report().cloned() {
                    // the same text and settings: nothing to analyse again
                    Some(r) => {
                        self.link_select = Some(sel);
                        self.select_linked(&r);
                    }
                    None => self.link_select = Some(sel),
                }
            }
        }
    }

    fn set_linked_text(&mut self, text: String) {
        if *self.text != *text || self.capture.is_some() {
            self.text = text.into();
            self.capture = None;
            self.rev += 1;
            self.show_big = false;
        }
        self.source = Source::Link;
    }

    pub(crate) fn close_link(&mut self) {
        self.link = None;
    }

    /// Puts back the user's own input and settings.
    pub(crate) fn restore_previous(&mut self) {
        let Some(p) = self.previous.take() else { return };
        self.link = None;
        self.link_select = None;
        if p.profile != self.profile || p.symptom != self.symptom {
            self.rev += 1;
        }
        self.profile = p.profile;
        self.pbx = p.pbx;
        self.symptom = p.symptom;
        match p.capture {
            Some(capture) => {
                self.text = "".into();
                self.capture = Some(capture);
                self.rev += 1;
            }
            None => {
                if *self.text != *p.text || self.capture.is_some() {
                    self.text = p.text;
                    self.capture = None;
                    self.rev += 1;
                }
            }
        }
        self.source = Source::Restored;
        self.show_big = false;
        self.selected_call = None;
        self.selected_msg = None;
    }

    pub(crate) fn forget_previous(&mut self) {
        self.previous = None;
    }

    /// Whether `previous` holds what the page already shows (nothing to restore).
    fn previous_is_current(&self) -> bool {
        self.previous.as_ref().is_some_and(|p| p.capture.is_none() && self.capture.is_none() && *p.text == *self.text)
    }

    /// The diagnosis-only link on screen, if any.
    pub fn diagnosis_link(&self) -> Option<Rc<DiagnosisLink>> {
        match &self.link {
            Some(Opened::Diagnosis(d)) => Some(d.clone()),
            _ => None,
        }
    }

    /// The address bar should keep the link: the page shows exactly what it holds. Otherwise
    /// the page clears the fragment, so a reload does not replace newer work.
    pub fn link_in_address(&self) -> bool {
        match &self.link {
            Some(Opened::Diagnosis(_)) => true,
            Some(Opened::Trace(_)) => self.source == Source::Link,
            _ => false,
        }
    }

    /// The input should be saved for a reload (a link's text is not saved over the user's own).
    pub fn saves_input(&self) -> bool {
        self.source != Source::Link
    }
}

/// The page state on load: `s` holds the stored input and the stored [`Previous`]; a link in
/// the address opens over them. A stored previous input that is what the page shows anyway is
/// dropped.
pub fn on_load(s: State, fragment: Option<&str>) -> State {
    let mut s = match fragment {
        Some(f) => s.apply(Action::OpenLink(f.to_string())),
        None => s,
    };
    if s.previous_is_current() {
        s.previous = None;
    }
    s
}

// ---------------------------------------------------------------------------------------------
// Captures: shared as text
// ---------------------------------------------------------------------------------------------

/// `days` since 1970-01-01 as (year, month, day) (the proleptic Gregorian calendar).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// The SIP messages of a capture's report as ngrep text (`U 2024/06/01 12:00:00.000100
/// 192.0.2.1:5060 -> 192.0.2.2:5060`, then the message): what a link or export carries for a
/// capture, since links carry text. Media packets are not included.
pub fn capture_text(r: &Report) -> String {
    const DAY_US: i64 = 86_400_000_000;
    let mut out = String::new();
    for m in &r.messages {
        let Some(text) = m.text.as_deref() else { continue };
        let proto = match m.transport.as_deref().map(str::to_ascii_lowercase).as_deref() {
            Some("tcp" | "tls" | "ws" | "wss") => 'T',
            _ => 'U',
        };
        out.push(proto);
        if let Some(us) = m.time_us {
            let (days, t) = (us.div_euclid(DAY_US), us.rem_euclid(DAY_US));
            if days > 0 {
                let (y, mo, d) = civil(days);
                out.push_str(&format!(" {y:04}/{mo:02}/{d:02}"));
            }
            let s = t / 1_000_000;
            out.push_str(&format!(" {:02}:{:02}:{:02}.{:06}", s / 3600, s / 60 % 60, s % 60, t % 1_000_000));
        }
        match (m.src.as_deref(), m.dst.as_deref()) {
            (Some(s), Some(d)) => out.push_str(&format!(" {s} -> {d}\n")),
            _ => out.push_str(" 0.0.0.0:0 -> 0.0.0.0:0\n"),
        }
        out.push_str(text);
        if !text.ends_with('\n') {
            out.push('\n');
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::{analyse, samples::sample};

    fn form() -> ShareForm {
        ShareForm::default()
    }

    #[test]
    fn fragments() {
        for (hash, want) in [
            ("", None),
            ("#", None),
            ("# ", None),
            ("#%20", None),
            ("#v1.abc", Some("v1.abc")),
            ("d1.x", Some("d1.x")),
            ("#v1.ab%20cd%0A%0dEF", Some("v1.abcdEF")),
            ("#v1.ab%2Fc%", Some("v1.ab%2Fc%")),
            ("#v1.\u{e9}%2", Some("v1.\u{e9}%2")),
        ] {
            assert_eq!(fragment(hash).as_deref(), want, "{hash:?}");
        }
        // a wrapped link still opens
        let p = prepare(sample("register-401").unwrap().text, &Options::default(), Selection::default(), "", &form());
        let url = &p.option(ShareKind::Trace).unwrap().url;
        let (a, b) = url.split_at(url.len() / 2);
        assert!(matches!(open(&fragment(&format!("{a}%20%0A{b}")).unwrap()), Ok(Link::Trace(_))));
    }

    #[test]
    fn a_trace_link_round_trips_with_its_selection() {
        let text = sample("capacity-503").unwrap().text;
        let options = Options { profile: Some("generic".into()), symptom: None, pbx: Some("freepbx".into()) };
        let r = analyse(text, &options);
        let sel = Selection { call: Some(1), message: Some(r.calls[1].messages[1]) };
        let p = prepare(text, &options, sel, "http://h/app/#old", &form());
        let kinds: Vec<_> = p.options.iter().map(|o| o.kind).collect();
        assert_eq!(kinds, [ShareKind::Trace, ShareKind::Call, ShareKind::Diagnosis]);
        let whole = p.chosen(None).unwrap();
        assert_eq!(whole.kind, ShareKind::Trace, "a short trace: the whole trace is recommended");
        assert!(whole.url.starts_with("http://h/app/#v1."), "{}", whole.url);
        let Ok(Link::Trace(t)) = open(&whole.url) else { panic!("a trace link") };
        assert_eq!(t.input, text);
        assert_eq!(t.options(), options);
        let back = analyse(&t.input, &t.options());
        let (call, msg) = resolve(&back, &LinkSelection { call_id: t.call_id.clone(), line: t.line });
        assert_eq!((call, msg), (sel.call, sel.message));
        // the call-only link carries fewer lines and still points at the same message
        let Ok(Link::Trace(c)) = open(&p.option(ShareKind::Call).unwrap().url) else { panic!() };
        assert!(c.input.len() < text.len());
        let back = analyse(&c.input, &c.options());
        let (call, msg) = resolve(&back, &LinkSelection { call_id: c.call_id.clone(), line: c.line });
        let msg = msg.expect("the selected message is in the call link");
        assert_eq!(back.calls[call.unwrap() as usize].call_id, r.calls[1].call_id);
        assert_eq!(back.messages[msg as usize].status, r.messages[sel.message.unwrap() as usize].status);
        assert!(!p.call_lines.is_empty());
        assert_eq!(p.call_id.as_deref(), Some(r.calls[1].call_id.as_str()));
    }

    #[test]
    fn resolve_tolerates_missing_and_stale_parts() {
        let r = analyse(sample("capacity-503").unwrap().text, &Options::default());
        let id = r.calls[1].call_id.clone();
        type Case = (LinkSelection, (Option<u32>, Option<u32>));
        let cases: Vec<Case> = vec![
            (LinkSelection::default(), (None, None)),
            (LinkSelection { call_id: Some(id.clone()), line: None }, (Some(1), None)),
            (LinkSelection { call_id: Some("nope".into()), line: Some(9999) }, (None, None)),
            // a line of a message in the other call: the message is dropped, the call kept
            (
                LinkSelection {
                    call_id: Some(id.clone()),
                    line: Some(r.messages[r.calls[0].messages[0] as usize].line),
                },
                (Some(1), None),
            ),
            // a line alone selects the message and its call
            (
                LinkSelection { call_id: None, line: Some(r.messages[r.calls[1].messages[0] as usize].line) },
                (Some(1), Some(r.calls[1].messages[0])),
            ),
        ];
        for (sel, want) in cases {
            assert_eq!(resolve(&r, &sel), want, "{sel:?}");
        }
    }

    #[test]
    fn redaction_changes_what_is_shared_but_not_the_diagnosis() {
        let text = sample("register-401").unwrap().text.replace("203.0.113.", "81.2.69.");
        assert!(text.contains("81.2.69."));
        let options = Options::default();
        let plain = prepare(&text, &options, Selection::default(), "https://x/", &form());
        assert!(plain.redacted.is_none() && plain.hosts.is_empty());
        let f = form().apply(ShareAction::Redact(true));
        let p = prepare(&text, &options, Selection::default(), "https://x/", &f);
        let red = p.redacted.as_ref().expect("redacted");
        assert!(!p.text.contains("81.2.69."), "public addresses are replaced");
        assert_eq!(p.text, red.text);
        assert!(red.replacements.iter().any(|x| x.original.starts_with("81.2.69.")));
        let Ok(Link::Trace(t)) = open(&p.chosen(None).unwrap().url) else { panic!() };
        assert_eq!(t.input, p.text, "the link carries exactly the previewed text");
        let causes = |s: &str| analyse(s, &options).findings.iter().map(|f| f.cause.clone()).collect::<Vec<_>>();
        assert_eq!(causes(&t.input), causes(&text));
        assert!(p.redacted_report.as_ref().is_some_and(|r| r.calls.len() == 1));
        // the preview marks every replacement and shows every line
        let pv = preview(red, None, 10_000);
        assert_eq!(pv.lines.len(), crate::text::lines(&red.text).count());
        assert_eq!(pv.more, 0);
        assert_eq!(pv.marks as usize, red.marks.len());
        let joined: String =
            pv.lines.iter().map(|l| l.parts.iter().map(|(s, _)| s.as_str()).collect::<String>() + "\n").collect();
        let original: String = crate::text::lines(&red.text).map(|l| format!("{}\n", l.text)).collect();
        assert_eq!(joined, original, "the preview is the redacted text, line for line");
        let marked: Vec<&str> = pv
            .lines
            .iter()
            .flat_map(|l| l.parts.iter().filter(|(_, k)| k.is_some()).map(|(s, _)| s.as_str()))
            .collect();
        assert!(red.replacements.iter().all(|x| marked.contains(&x.replacement.as_str())), "{marked:?}");
        // cut to a few lines
        let cut = preview(red, None, 3);
        assert_eq!((cut.lines.len(), cut.more as usize), (3, pv.lines.len() - 3));
        let some = preview(red, Some(&[2, 4]), 10);
        assert_eq!(some.lines.iter().map(|l| l.no).collect::<Vec<_>>(), [2, 4]);
        // options
        let none = form()
            .apply(ShareAction::Redact(true))
            .apply(ShareAction::Ips(false))
            .apply(ShareAction::Numbers(false))
            .apply(ShareAction::Credentials(false));
        let p = prepare(&text, &options, Selection::default(), "https://x/", &none);
        assert_eq!(p.text, text, "nothing chosen, nothing replaced");
    }

    #[test]
    fn hosts_can_be_hidden() {
        let text = sample("capacity-503").unwrap().text;
        let f = form().apply(ShareAction::Redact(true));
        let p = prepare(text, &Options::default(), Selection::default(), "", &f);
        if let Some(h) = p.hosts.first().cloned() {
            assert!(text.to_ascii_lowercase().contains(&h));
            let f = f.apply(ShareAction::Host(h.clone(), true));
            assert_eq!(f.hosts, std::slice::from_ref(&h));
            let p = prepare(text, &Options::default(), Selection::default(), "", &f);
            assert!(!p.text.to_ascii_lowercase().contains(&h), "{h} hidden");
            assert!(f.apply(ShareAction::Host(h, false)).hosts.is_empty());
        }
    }

    #[test]
    fn length_advice() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(32_000), "32,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
        let text = sample("capacity-503").unwrap().text;
        let p = prepare(text, &Options::default(), Selection::default(), "https://x/", &form());
        let whole = p.option(ShareKind::Trace).unwrap();
        let a = advice(&p, whole);
        assert_eq!(a.fit, Fit::Safe);
        assert!(a.warning.is_none() && a.instead.is_empty());
        assert!(a.note.starts_with(&thousands(whole.url.chars().count())), "{}", a.note);
        // a trace far over the limits
        let mut big = String::new();
        for i in 0..400 {
            big.push_str(
                &text
                    .replace("Call-ID: ", &format!("Call-ID: {i:04}x"))
                    .replace("branch=z9hG4bK", &format!("branch=z9hG4bK{}", i * 7919)),
            );
        }
        let p = prepare(&big, &Options::default(), Selection::default(), "https://x/", &form());
        let whole = p.option(ShareKind::Trace).unwrap();
        assert_ne!(whole.fit, Fit::Safe, "{} characters", whole.url.len());
        let a = advice(&p, whole);
        let w = a.warning.unwrap();
        assert!(w.contains("2,000") || w.contains("32,000"), "{w}");
        let kinds: Vec<_> = a.instead.iter().map(|(k, _)| *k).collect();
        assert_eq!(kinds, [ShareKind::Call, ShareKind::Diagnosis]);
        assert_ne!(p.chosen(None).unwrap().kind, ShareKind::Trace, "the recommended link is shorter");
    }

    #[test]
    fn exports() {
        let text = sample("register-401").unwrap().text;
        let r = analyse(text, &Options::default());
        let f = form().apply(ShareAction::WorkspaceId("ws-42".into())).apply(ShareAction::TrunkId("trunk-7".into()));
        let p = prepare(text, &Options::default(), Selection::default(), "", &f);
        let t = p.ticket.clone().filled(&f.ticket_input(p.call));
        let md = t.markdown();
        assert!(md.contains("ws-42") && md.contains("trunk-7"), "{md}");
        assert!(md.contains(&r.calls[0].call_id));
        assert!(t.text().contains("ws-42"));
        assert!(!p.ticket.markdown().contains("ws-42"), "prepared before the typing");
        let lines = p.call_trace.as_deref().unwrap();
        assert!(lines.contains(&r.calls[0].call_id));
        assert_eq!(p.call, Some(0));
        // the worker's way gives the same
        assert_eq!(ShareAsk::new(&Options::default(), Selection::default(), "", &f).prepare(text), p);
        for (what, id, ext, want) in [
            ("ticket", Some("a84b4c76e66710@pc33.example.com"), "md", "sipdiag-ticket-a84b4c76e66710-pc33-exam.md"),
            ("ladder", None, "svg", "sipdiag-ladder.svg"),
            ("call", Some("../../etc/passwd"), "txt", "sipdiag-call-etc-passwd.txt"),
            ("call", Some("\u{e9}\u{e9}"), "txt", "sipdiag-call.txt"),
        ] {
            assert_eq!(file_name(what, id, ext), want);
        }
    }

    #[test]
    fn presentation_attributes_leave_out_defaults() {
        let s = presentation_attributes([
            ("fill", "rgb(1, 2, 3)".to_string()),
            ("opacity", "1".to_string()),
            ("stroke-dasharray", "none".to_string()),
            ("stroke-dasharray", " 5px, 3px ".to_string()),
            ("font-family", "\"Segoe UI\", sans-serif".to_string()),
            ("text-decoration", "none solid rgb(0, 0, 0)".to_string()),
            ("text-decoration", "underline solid rgb(0, 0, 0)".to_string()),
            ("visibility", String::new()),
        ]);
        let want = [
            ("fill", "rgb(1, 2, 3)"),
            ("stroke-dasharray", "5px, 3px"),
            ("font-family", "\"Segoe UI\", sans-serif"),
            ("text-decoration", "underline solid rgb(0, 0, 0)"),
        ];
        assert_eq!(s, want.map(|(k, v)| (k, v.to_string())));
    }

    #[test]
    fn a_diagnosis_link_opens_read_only() {
        let text = sample("register-401").unwrap().text;
        let options = Options { profile: None, symptom: None, pbx: Some("freepbx".into()) };
        let r = analyse(text, &options);
        let p = prepare(text, &options, Selection::default(), "https://x/", &form());
        let Ok(Link::Diagnosis(d)) = open(&p.option(ShareKind::Diagnosis).unwrap().url) else { panic!() };
        let v = diagnosis_view(&d, "");
        let causes: Vec<_> = v.findings.iter().map(|f| f.cause.as_str()).collect();
        let want: Vec<_> = r.findings.iter().map(|f| f.cause.as_str()).collect();
        assert_eq!(causes, want);
        assert_eq!(v.findings[0].severity, r.findings[0].severity);
        assert!(v.findings[0].known && !v.findings[0].fixes.is_empty());
        assert!(!v.findings[0].evidence.is_empty());
        assert!(v.context.contains("FreePBX"), "{}", v.context);
        assert!(v.call.as_deref().is_some_and(|c| c.contains(&r.calls[0].call_id)));
        assert_eq!(v.severity, "error");
        // an unknown cause from a newer page still shows the link's words
        let mut d2 = d.clone();
        d2.findings[0].cause = "future.cause".into();
        let v = diagnosis_view(&d2, "");
        assert!(!v.findings[0].known && v.findings[0].fixes.is_empty());
        assert_eq!(v.findings[0].title, d.findings[0].title);
        let empty = diagnosis_view(&DiagnosisLink::default(), "");
        assert_eq!((empty.severity.as_str(), empty.findings.len(), empty.call), ("info", 0, None));
    }

    #[test]
    fn evidence_labels_do_not_repeat_the_excerpt() {
        let e = |label: &str, excerpt: &str| LinkEvidence { line: 7, label: label.into(), excerpt: excerpt.into() };
        for (ev, want) in [
            (e("401 Unauthorized", "SIP/2.0 401 Unauthorized"), "line 7 \u{b7} 401 Unauthorized"),
            (
                e(
                    "Authorization: Digest username=\"a\", n\u{2026}",
                    "Authorization: Digest username=\"a\", nonce=\"x\"",
                ),
                "line 7",
            ),
            (e("Retry-After: 30", "Retry-After: 30"), "line 7"),
            (e("", "x"), "line 7"),
            (e("INVITE", ""), "line 7 \u{b7} INVITE"),
        ] {
            assert_eq!(evidence_label(&ev), want, "{ev:?}");
        }
    }

    #[test]
    fn link_summary_says_what_was_opened() {
        let t = permalink::TraceLink {
            input: "a\nb\nc\n".into(),
            profile: Some("generic".into()),
            pbx: Some("freepbx".into()),
            symptom: None,
            call_id: Some("abc@h".into()),
            line: Some(2),
        };
        let s = LinkSummary::of(&t).sentence();
        assert!(s.contains("3 lines") && s.contains("FreePBX") && s.contains("abc@h"), "{s}");
    }

    #[test]
    fn broken_links_say_why() {
        let p = prepare(
            sample("register-401").unwrap().text,
            &Options::default(),
            Selection::default(),
            "https://x/",
            &form(),
        );
        let url = p.option(ShareKind::Trace).unwrap().url.clone();
        let frag = url.split_once('#').unwrap().1;
        let cut = &frag[..frag.len() / 2];
        let mut tampered: Vec<char> = frag.chars().collect();
        let i = tampered.len() / 2;
        tampered[i] = if tampered[i] == 'A' { 'B' } else { 'A' };
        let tampered: String = tampered.into_iter().collect();
        for (f, want) in [
            (cut, &[LinkError::Truncated, LinkError::Corrupt][..]),
            (tampered.as_str(), &[LinkError::Corrupt, LinkError::Truncated][..]),
            ("v9.xxx", &[LinkError::FutureVersion][..]),
            ("hello", &[LinkError::NotALink][..]),
            ("v1.a*b", &[LinkError::BadCharacter][..]),
        ] {
            let e = open(f).expect_err(f);
            assert!(want.contains(&e), "{f}: {e:?}");
            assert!(!e.description().is_empty());
        }
    }

    fn analysed(s: State) -> State {
        let r = analyse(&s.text, &s.options());
        let rev = s.rev;
        s.apply(Action::Analysed { rev, report: crate::view::state::Shared::new(r), ms: 1.0 })
    }

    fn link_for(text: &str, options: &Options, sel: Selection, kind: ShareKind) -> String {
        let p = prepare(text, options, sel, "https://x/", &form());
        p.option(kind).unwrap().url.split_once('#').unwrap().1.to_string()
    }

    #[test]
    fn opening_a_trace_link_keeps_the_users_own_input() {
        let mine = sample("register-401").unwrap().text;
        let theirs = sample("capacity-503").unwrap().text;
        let their_opts = Options { profile: Some("generic".into()), symptom: None, pbx: Some("3cx".into()) };
        let r = analyse(theirs, &their_opts);
        let sel = Selection { call: Some(1), message: Some(r.calls[1].messages[1]) };
        let frag = link_for(theirs, &their_opts, sel, ShareKind::Trace);

        let s = analysed(State::new(mine.to_string(), String::new(), "freepbx".into()));
        assert!(s.saves_input() && !s.link_in_address());
        let s = s.apply(Action::OpenLink(frag.clone()));
        assert_eq!(&*s.text, theirs);
        assert_eq!(s.source, Source::Link);
        assert!(!s.saves_input(), "a link's trace is not saved over the user's own");
        assert!(s.link_in_address());
        assert_eq!(s.options(), their_opts);
        assert!(matches!(&s.link, Some(Opened::Trace(l)) if l.call_id.as_deref() == Some(r.calls[1].call_id.as_str())));
        let prev = s.previous.clone().expect("the user's own input is kept");
        assert_eq!((&*prev.text, prev.pbx.as_str()), (mine, "freepbx"));
        assert_eq!(Previous::from_stored(&prev.to_stored().unwrap()), Some(prev.clone()));
        // the stored form is the JSON serde writes and reads for it (older pages stored that)
        for p in [
            StoredPrevious { text: mine.into(), profile: "generic".into(), pbx: String::new(), symptom: None },
            StoredPrevious {
                text: "a\"\\\n\u{1}\u{e9}".into(),
                profile: String::new(),
                pbx: "3cx".into(),
                symptom: Some("s".into()),
            },
        ] {
            assert_eq!(p.to_json(), serde_json::to_string(&p).unwrap());
            assert_eq!(StoredPrevious::from_json(&serde_json::to_string(&p).unwrap()), Some(p.clone()));
        }
        assert_eq!(
            StoredPrevious::from_json(r#"{"text":"t"}"#),
            serde_json::from_str::<StoredPrevious>(r#"{"text":"t"}"#).ok()
        );
        assert_eq!(StoredPrevious::from_json("{\"profile\":\"p\"}"), None, "no text");
        // once analysed, the link's selection is restored
        let s = analysed(s);
        assert_eq!((s.selected_call, s.selected_msg), (sel.call, sel.message));
        // opening the same link again re-selects without a new analysis
        let s = s.apply(Action::SelectCall(0));
        let s = s.apply(Action::OpenLink(frag.clone()));
        assert!(!s.pending());
        assert_eq!((s.selected_call, s.selected_msg), (sel.call, sel.message));
        assert_eq!(s.previous.as_ref().map(|p| &*p.text), Some(mine), "a second link keeps the first own input");
        // editing the link's trace makes it the user's: saved again, the fragment goes
        let s = s.apply(Action::SetText(format!("{theirs}\n")));
        assert!(s.saves_input() && !s.link_in_address());
        assert!(matches!(s.link, Some(Opened::Trace(_))), "the notice stays while its trace is edited");
        let s = s.apply(Action::RestorePrevious);
        assert_eq!((&*s.text, s.pbx.as_str(), s.source.clone()), (mine, "freepbx", Source::Restored));
        assert_eq!(s.options().profile, None);
        assert!(s.previous.is_none() && s.link.is_none());
        // forgetting
        let s = s.apply(Action::OpenLink(frag)).apply(Action::ForgetPrevious);
        assert!(s.previous.is_none());
        assert_eq!(s.apply(Action::RestorePrevious).source, Source::Link, "nothing to restore");
        // a reload while the link is shown: storage still holds the user's own input, and the
        // stored previous input has their pickers
        let frag = link_for(theirs, &their_opts, sel, ShareKind::Trace);
        let stored =
            Previous { text: mine.into(), capture: None, profile: String::new(), pbx: "3cx".into(), symptom: None };
        let s = State { previous: Some(stored.clone()), ..State::new(mine.to_string(), String::new(), String::new()) };
        let s = on_load(s, Some(&frag));
        assert_eq!((&*s.text, s.previous.as_ref()), (theirs, Some(&stored)));
        // no link: a stored previous input that is what the page shows is dropped
        let s = State { previous: Some(stored.clone()), ..State::new(mine.to_string(), String::new(), String::new()) };
        assert!(on_load(s, None).previous.is_none());
        let s = State { previous: Some(stored), ..State::new("other".into(), String::new(), String::new()) };
        assert!(on_load(s, None).previous.is_some(), "kept while other input is shown");
    }

    #[test]
    fn a_diagnosis_link_and_a_broken_link_leave_the_input_alone() {
        let mine = sample("register-401").unwrap().text;
        let frag = link_for(
            sample("codec-488").unwrap().text,
            &Options::default(),
            Selection::default(),
            ShareKind::Diagnosis,
        );
        let s = analysed(State::new(mine.to_string(), String::new(), String::new()));
        let rev = s.rev;
        let s = s.apply(Action::OpenLink(frag));
        assert_eq!((&*s.text, s.rev), (mine, rev));
        let d = s.diagnosis_link().expect("shown read-only");
        assert_eq!(d.findings[0].cause, "media.codec_mismatch");
        assert!(s.link_in_address() && s.saves_input() && s.previous.is_none());
        let s = s.apply(Action::CloseLink);
        assert!(s.diagnosis_link().is_none() && !s.link_in_address());
        // typing leaves the diagnosis view
        let s =
            s.apply(Action::OpenLink(link_for(mine, &Options::default(), Selection::default(), ShareKind::Diagnosis)));
        let s = s.apply(Action::SetText("INVITE".into()));
        assert!(s.link.is_none());
        for (frag, want) in [("v9.xxx", LinkError::FutureVersion), ("garbage", LinkError::NotALink)] {
            let s = s.clone().apply(Action::OpenLink(frag.into()));
            assert_eq!(s.link, Some(Opened::Failed(want)));
            assert_eq!(&*s.text, "INVITE");
            assert!(!s.link_in_address(), "a broken link is not kept in the address");
            assert!(s.with_example("codec-488").link.is_none());
        }
        // the share panel
        let s = s.apply(Action::ToggleShare).apply(Action::Share(ShareAction::WorkspaceId("w".into())));
        assert!(s.share_open && s.share.workspace_id == "w");
        assert!(!s.apply(Action::OpenLink("v9.x".into())).share_open, "opening a link closes the panel");
    }

    #[test]
    fn a_capture_is_shared_as_ngrep_text() {
        assert_eq!(civil(0), (1970, 1, 1));
        assert_eq!(civil(19_875), (2024, 6, 1));
        assert_eq!(civil(-1), (1969, 12, 31));
        let bytes = crate::view::capture::tests::one_way_capture();
        let r = crate::view::capture::analyse_bytes(&bytes, &Options::default());
        assert!(!r.messages.is_empty());
        let text = capture_text(&r);
        let back = analyse(&text, &Options::default());
        assert_eq!(back.formats, ["ngrep"], "{text}");
        assert_eq!(back.messages.len(), r.messages.len());
        let ids = |r: &Report| r.calls.iter().map(|c| c.call_id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&back), ids(&r));
        for (a, b) in back.messages.iter().zip(&r.messages) {
            assert_eq!(
                (&a.src, &a.dst, a.time_us, &a.method, a.status),
                (&b.src, &b.dst, b.time_us, &b.method, b.status)
            );
        }
    }
}
