//! Exports: what a user hands to someone else. Owns the support-ticket report (Markdown and plain
//! text, following the escalation checklist: workspace and trunk ids to fill in, the failing
//! call's Call-ID, the symptom, the verdict and findings with evidence and fixes, the trace from
//! 30 s before to 30 s after the failure, and where the trace was taken), the one-line verdict,
//! and the cutting of the input to one call's lines or to a time window.
//!
//! Cutting works on input lines, so what is exported reads exactly like what the user pasted.
//! A message's lines are its own plus the log lines that frame it (the "received from" line
//! before, an end marker after), found without knowing the format: up to
//! [`FRAME_BEFORE`] non-blank lines before (and the blank lines between them) and
//! [`FRAME_AFTER`] blank or marker lines after, never crossing another message or a partial log
//! line.
//!
//! Export does not redact: to export a redacted trace, redact the input first
//! ([`crate::redact::redact`]), analyse the redacted text and export that analysis.

use crate::analysis::Analysis;
use crate::diagnose::Options;
use crate::report::{FindingOut, Report};

/// Non-blank lines before a message's start line that belong to it (log framing).
pub const FRAME_BEFORE: u32 = 3;
/// Lines after a message that belong to it when blank or made of marks (`--end msg--`, `<---->`).
pub const FRAME_AFTER: u32 = 2;
/// The ticket's trace covers this many seconds before and after the failure.
pub const WINDOW_SECONDS: u32 = 30;

/// Byte ranges (with line ends) of every input line, indexed by line number − 1.
fn line_spans(input: &str) -> Vec<(usize, usize)> {
    crate::text::lines(input)
        .map(|l| (l.offset, input[l.offset..].find('\n').map_or(input.len(), |i| l.offset + i + 1)))
        .collect()
}

/// The input lines of `lines` (1-based, any order, duplicates allowed), joined with their own
/// line ends, in input order.
pub fn join_lines(input: &str, lines: &[u32]) -> String {
    let spans = line_spans(input);
    let mut sorted: Vec<u32> = lines.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut out = String::new();
    for l in sorted {
        if let Some(&(s, e)) = spans.get((l as usize).wrapping_sub(1)) {
            if !out.is_empty() && !out.ends_with('\n') {
                out.push('\n');
            }
            out.push_str(&input[s..e]);
        }
    }
    out
}

/// Lines that belong to some message, and lines of partial log entries: framing never crosses
/// them.
fn occupied(a: &Analysis<'_>) -> std::collections::HashSet<u32> {
    let mut set = std::collections::HashSet::new();
    for item in &a.ingested.items {
        let (first, last) = item_range(item);
        match &item.line_map {
            Some(map) => set.extend(map.iter().copied()),
            None => set.extend(first..=last),
        }
    }
    set.extend(a.ingested.partials.iter().map(|p| p.line));
    set
}

/// First and last input line of an item's own text.
fn item_range(item: &crate::ingest::Item<'_>) -> (u32, u32) {
    let n = crate::text::lines(&item.text).count().max(1) as u32;
    match &item.line_map {
        Some(map) => {
            let lo = map.iter().copied().min().unwrap_or(item.first_line);
            let hi = map.iter().copied().max().unwrap_or(item.first_line);
            (lo.min(item.first_line), hi.max(item.first_line))
        }
        None => (item.first_line, item.first_line.saturating_add(n - 1)),
    }
}

fn is_marker_line(s: &str) -> bool {
    let t = s.trim();
    !t.is_empty() && (!t.bytes().any(|b| b.is_ascii_alphanumeric()) || t.to_ascii_lowercase().contains("end msg"))
}

/// The input lines of one message (by index into `Analysis::messages`), framing included.
fn message_lines(
    a: &Analysis<'_>,
    msg: usize,
    spans: &[(usize, usize)],
    busy: &std::collections::HashSet<u32>,
    out: &mut Vec<u32>,
) {
    let Some(m) = a.messages.get(msg) else { return };
    let item = a.item(m);
    let input = a.ingested.input;
    let text_of = |l: u32| -> Option<&str> {
        let &(s, e) = spans.get((l as usize).checked_sub(1)?)?;
        Some(input[s..e].trim_end_matches(['\n', '\r']))
    };
    let (first, last) = item_range(item);
    match &item.line_map {
        Some(map) => out.extend(map.iter().copied()),
        None => out.extend(first..=last),
    }
    // framing before: up to FRAME_BEFORE non-blank lines, blank lines between them included
    let (mut l, mut taken, mut walked) = (first, 0, 0);
    while taken < FRAME_BEFORE && walked < FRAME_BEFORE + 2 {
        l = match l.checked_sub(1) {
            Some(p) if p >= 1 => p,
            _ => break,
        };
        walked += 1;
        match text_of(l) {
            Some(_) if busy.contains(&l) => break,
            Some(t) => {
                out.push(l);
                taken += u32::from(!t.trim().is_empty());
            }
            None => break,
        }
    }
    let mut l = last;
    for _ in 0..FRAME_AFTER {
        l = l.saturating_add(1);
        match text_of(l) {
            Some(t) if !busy.contains(&l) && (t.trim().is_empty() || is_marker_line(t)) => out.push(l),
            _ => break,
        }
    }
}

/// The sorted input lines of one call's messages (index into `Analysis::calls.calls`), framing
/// included. Empty for an unknown call.
pub fn call_lines(a: &Analysis<'_>, call: u32) -> Vec<u32> {
    let Some(c) = a.calls.calls.get(call as usize) else { return Vec::new() };
    let spans = line_spans(a.ingested.input);
    let busy = occupied(a);
    let mut out = Vec::new();
    for &m in &c.messages {
        message_lines(a, m as usize, &spans, &busy, &mut out);
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// The input lines of one call's messages, as text (what a "this call only" link carries).
pub fn filtered_trace(a: &Analysis<'_>, call: u32) -> String {
    join_lines(a.ingested.input, &call_lines(a, call))
}

/// The call a ticket is about: the call the verdict rests on, else the call of the first error
/// or warning that names one, else the first call that ended in an error response, else the call
/// of any finding, else the first call. `None` when there are no calls.
pub fn failing_call(a: &Analysis<'_>) -> Option<u32> {
    use crate::diagnose::Severity;
    crate::diagnose::verdict(a)
        .call
        .or_else(|| {
            a.findings.iter().filter(|f| matches!(f.severity, Severity::Error | Severity::Warning)).find_map(|f| f.call)
        })
        .or_else(|| a.calls.calls.iter().position(|c| c.final_status.is_some_and(|s| s >= 300)).map(|i| i as u32))
        .or_else(|| a.findings.iter().find_map(|f| f.call))
        .or_else(|| (!a.calls.calls.is_empty()).then_some(0))
        .filter(|&c| (c as usize) < a.calls.calls.len())
}

/// One line saying what the diagnosis concluded: the report's verdict, or (for a report without
/// one) the first error or warning's title.
pub fn verdict(r: &Report) -> String {
    if !r.verdict.text.trim().is_empty() {
        return r.verdict.text.clone();
    }
    let top = r.findings.iter().find(|f| f.severity == "error" || f.severity == "warning");
    match (top, r.findings.first()) {
        (Some(f), _) => f.title.clone(),
        (None, Some(f)) if f.severity == "expected" => format!("Not a fault: {}", f.title),
        (None, Some(f)) => f.title.clone(),
        (None, None) if r.messages.is_empty() && r.partials.is_empty() => "No SIP found".to_string(),
        (None, None) => "No problem found in this trace".to_string(),
    }
}

/// A stretch of the input around a moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceWindow {
    pub text: String,
    /// 1-based input lines, inclusive.
    pub first_line: u32,
    pub last_line: u32,
    /// The whole input (no timestamps to cut by, or nothing to centre on).
    pub whole: bool,
    /// The failure time the window is centred on, as written in the trace.
    pub center: Option<String>,
}

/// When the call failed: its final error response, else its end, else its last message.
fn failure_time<'a>(a: &Analysis<'a>, call: u32) -> Option<(crate::ingest::Timestamp, Option<&'a str>)> {
    let c = a.calls.calls.get(call as usize)?;
    let status_msg = c.final_status.filter(|s| *s >= 300).and_then(|s| {
        c.messages.iter().rev().find(|&&m| a.messages.get(m as usize).is_some_and(|x| x.msg.status() == Some(s)))
    });
    let pick = status_msg.or(c.messages.last())?;
    let item = a.item(a.messages.get(*pick as usize)?);
    match item.time {
        Some(t) => Some((t, item.time_text)),
        None => c.end_time.or(c.last_time).map(|t| (t, None)),
    }
}

/// The input from `seconds` before to `seconds` after the failure of `call` (by message
/// timestamps), as contiguous lines; the whole input when there are no times or no call.
pub fn trace_window(a: &Analysis<'_>, call: Option<u32>, seconds: u32) -> TraceWindow {
    let input = a.ingested.input;
    let total = crate::text::lines(input).count() as u32;
    let whole = TraceWindow { text: input.to_string(), first_line: 1, last_line: total, whole: true, center: None };
    let Some((t, text)) = call.and_then(|c| failure_time(a, c)) else { return whole };
    let span = i64::from(seconds) * 1_000_000;
    let spans = line_spans(input);
    let busy = occupied(a);
    let mut lines = Vec::new();
    for (i, m) in a.messages.iter().enumerate() {
        let Some(mt) = a.item(m).time else { continue };
        if mt.has_date == t.has_date && mt.micros.abs_diff(t.micros) <= span.unsigned_abs() {
            message_lines(a, i, &spans, &busy, &mut lines);
        }
    }
    let (Some(&lo), Some(&hi)) = (lines.iter().min(), lines.iter().max()) else { return whole };
    let all: Vec<u32> = (lo..=hi).collect();
    TraceWindow {
        text: join_lines(input, &all),
        first_line: lo,
        last_line: hi,
        whole: lo == 1 && hi >= total,
        center: text.map(str::to_string),
    }
}

/// What the user types into the ticket form.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TicketInput {
    pub workspace_id: String,
    pub trunk_id: String,
    /// The symptom in the user's words (e.g. "callers hear silence after 30 s").
    pub description: String,
    /// The call the ticket is about (index into the calls); `None`: [`failing_call`].
    pub call: Option<u32>,
}

/// A filled-in support ticket, ready to render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ticket {
    pub subject: String,
    /// (label, value, hint) — an empty value is for the user to fill in.
    pub fields: Vec<(String, String, String)>,
    pub verdict: String,
    pub findings: Vec<FindingOut>,
    pub window: TraceWindow,
    /// Where to send it, when the provider profile says.
    pub send_to: Option<String>,
    /// Which of `fields` hold what the user types (workspace id, trunk id, symptom), so a
    /// ticket made once can take new typing ([`Ticket::filled`]).
    pub typed: [Option<u32>; 3],
    /// The symptom shown when the user typed none (the title of the symptom picked, if any).
    pub symptom_default: String,
}

/// Escalation-checklist fields by kind, matched against the knowledge base's checklist ids.
const FIELD_KEYS: [(&str, &str, &str); 5] = [
    ("workspace", "Workspace ID", "your account or workspace id at the provider"),
    ("trunk", "SIP trunk ID", "the id of the trunk in the provider's settings"),
    ("call", "Call-ID of the failing call", "from the trace or the call logs"),
    ("symptom", "Symptom", "what callers experience, in plain words"),
    ("trace", "Trace", "a SIP trace covering 30 s before and after the failure (below)"),
];

/// Builds the ticket for an analysis.
pub fn ticket(a: &Analysis<'_>, options: &Options, input: &TicketInput) -> Ticket {
    let report = Report::build(a, crate::report::Detail::Summary);
    let call = input.call.or_else(|| failing_call(a));
    let call_out = call.and_then(|c| report.calls.get(c as usize));
    let verdict = verdict(&report);
    let symptom_default = options
        .symptom
        .as_deref()
        .map(|s| crate::kb::symptom(s).map_or(s, |x| x.title).to_string())
        .unwrap_or_default();
    let call_id = call_out.map(|c| c.call_id.clone()).unwrap_or_default();
    let mut fields = Vec::new();
    let mut at: [Option<u32>; 4] = [None; 4];
    // The knowledge base's checklist decides labels and order when it has one.
    for e in crate::kb::ESCALATION {
        let id = e.id.to_ascii_lowercase();
        match FIELD_KEYS.iter().position(|(k, _, _)| id.contains(k)) {
            // the trace is the ticket's own section, not a field
            Some(4) => {}
            Some(k) if at[k].is_none() => {
                at[k] = Some(fields.len() as u32);
                fields.push((e.label.to_string(), String::new(), e.hint.to_string()));
            }
            _ => fields.push((e.label.to_string(), String::new(), e.hint.to_string())),
        }
    }
    for (k, slot) in at.iter_mut().enumerate() {
        if slot.is_none() {
            *slot = Some(fields.len() as u32);
            fields.push((FIELD_KEYS[k].1.to_string(), String::new(), FIELD_KEYS[k].2.to_string()));
        }
    }
    if let Some(i) = at[2] {
        fields[i as usize].1 = call_id;
    }
    if let Some(c) = call_out {
        if let Some(t) = &c.first_time {
            fields.push(("Call started".to_string(), t.clone(), String::new()));
        }
        let result = match c.final_status {
            Some(s) => format!("{s} {}", crate::kb::reason_phrase(s)),
            None => "no final response in the trace".to_string(),
        };
        fields.push(("Call result".to_string(), result, String::new()));
    }
    if let Some(p) = options.pbx.as_deref() {
        fields.push(("PBX".to_string(), crate::kb::pbx(p).map_or(p, |x| x.name).to_string(), String::new()));
    }
    if let Some(p) = options.profile.as_deref() {
        fields.push(("Provider".to_string(), crate::kb::profile(p).map_or(p, |x| x.name).to_string(), String::new()));
    }
    let formats: Vec<&str> = a.ingested.formats.iter().map(|f| f.label()).collect();
    fields.push((
        "Trace taken from".to_string(),
        if formats.is_empty() { "no known format".to_string() } else { formats.join(", ") },
        String::new(),
    ));
    let findings: Vec<FindingOut> =
        report.findings.iter().filter(|f| call.is_none() || f.call.is_none() || f.call == call).cloned().collect();
    let send_to = options
        .profile
        .as_deref()
        .and_then(crate::kb::profile)
        .map(|p| p.support_contact)
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    Ticket {
        subject: format!("SIP trunk problem: {verdict}"),
        fields,
        verdict,
        findings,
        window: trace_window(a, call, WINDOW_SECONDS),
        send_to,
        typed: [at[0], at[1], at[3]],
        symptom_default,
    }
    .filled(input)
}

const FILL_IN: &str = "(fill in)";

/// A code fence longer than any run of backticks in `s`.
fn fence_for(s: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in s.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    "`".repeat((longest + 1).max(3))
}

fn md_cell(s: &str) -> String {
    s.replace('\\', "\\\\").replace('|', "\\|").replace(['\r', '\n'], " ")
}

fn md_inline_code(s: &str) -> String {
    let s = s.replace(['\r', '\n'], " ");
    let fence = if s.contains('`') { "``" } else { "`" };
    let pad = if s.starts_with('`') || s.ends_with('`') { " " } else { "" };
    format!("{fence}{pad}{s}{pad}{fence}")
}

fn window_heading(w: &TraceWindow) -> String {
    match (&w.center, w.whole) {
        (_, true) => format!("Trace (whole input, lines {}–{})", w.first_line, w.last_line),
        (Some(c), false) => format!(
            "Trace (lines {}–{}: {WINDOW_SECONDS} s before to {WINDOW_SECONDS} s after the failure at {c})",
            w.first_line, w.last_line
        ),
        (None, false) => format!(
            "Trace (lines {}–{}: {WINDOW_SECONDS} s before to {WINDOW_SECONDS} s after the failure)",
            w.first_line, w.last_line
        ),
    }
}

impl Ticket {
    /// The ticket with what the user typed in its fields (trimmed); an empty symptom falls back
    /// to the symptom picked.
    pub fn filled(mut self, input: &TicketInput) -> Ticket {
        let symptom = match input.description.trim() {
            "" => self.symptom_default.clone(),
            d => d.to_string(),
        };
        let values = [input.workspace_id.trim().to_string(), input.trunk_id.trim().to_string(), symptom];
        for (slot, v) in self.typed.iter().zip(values) {
            if let Some(f) = slot.and_then(|i| self.fields.get_mut(i as usize)) {
                f.1 = v;
            }
        }
        self
    }

    /// The ticket as Markdown (for ticket systems and chat tools that render it).
    pub fn markdown(&self) -> String {
        use std::fmt::Write;
        let mut o = String::new();
        let _ = writeln!(o, "# {}\n", self.subject);
        if let Some(to) = &self.send_to {
            let _ = writeln!(o, "Send to: {to}\n");
        }
        let _ = writeln!(o, "| Field | Value |\n|---|---|");
        for (label, value, hint) in &self.fields {
            let v = if value.is_empty() {
                if hint.is_empty() {
                    format!("**{FILL_IN}**")
                } else {
                    format!("**{FILL_IN}** — {}", md_cell(hint))
                }
            } else if label.starts_with("Call-ID") {
                md_inline_code(value)
            } else {
                md_cell(value)
            };
            let _ = writeln!(o, "| {} | {} |", md_cell(label), v);
        }
        let _ = writeln!(o, "\n## Diagnosis\n\n**Verdict:** {}\n", self.verdict);
        for (i, f) in self.findings.iter().enumerate() {
            let _ = writeln!(o, "### {}. {} ({}, {}% confidence)\n", i + 1, f.title, f.severity, f.confidence);
            let _ = writeln!(o, "Cause id: `{}`\n", f.cause);
            if !f.explanation.is_empty() {
                let _ = writeln!(o, "{}\n", f.explanation);
            }
            if !f.evidence.is_empty() {
                let _ = writeln!(o, "Evidence:\n");
                for e in &f.evidence {
                    let _ = writeln!(o, "- line {} ({}): {}", e.line, e.label, md_inline_code(&e.excerpt));
                }
                o.push('\n');
            }
            if !f.fixes.is_empty() {
                let _ = writeln!(o, "Fixes:\n");
                for (n, fix) in f.fixes.iter().enumerate() {
                    let _ = writeln!(o, "{}. {}", n + 1, fix);
                }
                o.push('\n');
            }
        }
        let fence = fence_for(&self.window.text);
        let _ = writeln!(o, "## {}\n\n{fence}text\n{}", window_heading(&self.window), self.window.text);
        if !self.window.text.ends_with('\n') {
            o.push('\n');
        }
        let _ = writeln!(o, "{fence}");
        o
    }

    /// The ticket as plain text (for mail and web forms).
    pub fn text(&self) -> String {
        use std::fmt::Write;
        let mut o = String::new();
        let _ = writeln!(o, "{}\n{}\n", self.subject, "=".repeat(self.subject.chars().count()));
        if let Some(to) = &self.send_to {
            let _ = writeln!(o, "Send to: {to}\n");
        }
        let width = self.fields.iter().map(|(l, _, _)| l.chars().count()).max().unwrap_or(0);
        for (label, value, hint) in &self.fields {
            let v = if value.is_empty() {
                if hint.is_empty() {
                    FILL_IN.to_string()
                } else {
                    format!("{FILL_IN} ({hint})")
                }
            } else {
                value.replace(['\r', '\n'], " ")
            };
            let _ = writeln!(o, "{label:<width$} : {v}");
        }
        let _ = writeln!(o, "\nDIAGNOSIS\n\nVerdict: {}\n", self.verdict);
        for (i, f) in self.findings.iter().enumerate() {
            let _ = writeln!(o, "{}. {} ({}, {}% confidence) [{}]", i + 1, f.title, f.severity, f.confidence, f.cause);
            if !f.explanation.is_empty() {
                let _ = writeln!(o, "   {}", f.explanation);
            }
            for e in &f.evidence {
                let _ = writeln!(o, "   line {} ({}): {}", e.line, e.label, e.excerpt.replace(['\r', '\n'], " "));
            }
            for (n, fix) in f.fixes.iter().enumerate() {
                let _ = writeln!(o, "   fix {}: {}", n + 1, fix);
            }
            o.push('\n');
        }
        let heading = window_heading(&self.window).to_ascii_uppercase();
        let _ = writeln!(o, "{heading}\n\n{}", self.window.text);
        if !self.window.text.ends_with('\n') {
            o.push('\n');
        }
        o
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences_outgrow_backticks() {
        assert_eq!(fence_for("plain"), "```");
        assert_eq!(fence_for("a ```` b"), "`````");
        assert_eq!(md_inline_code("a`b"), "``a`b``");
        assert_eq!(md_cell("a|b\nc"), "a\\|b c");
    }

    #[test]
    fn join_keeps_line_ends_and_order() {
        let input = "a\r\nb\nc\r\nd";
        assert_eq!(join_lines(input, &[4, 1, 1, 3]), "a\r\nc\r\nd");
        assert_eq!(join_lines(input, &[2, 99]), "b\n");
        assert_eq!(join_lines("", &[1]), "");
    }
}
