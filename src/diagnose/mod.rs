//! Diagnosis: rules read an [`Analysis`] (messages, transactions, calls, SDP, timing) and emit
//! findings. Each finding names a cause id from the knowledge base, a severity, a confidence,
//! an explanation of what was seen, and evidence (message index and input line). The engine holds
//! no prose about causes: titles, fixes and checks come from [`crate::kb`].

use crate::analysis::Analysis;

/// How bad a finding is. "Expected" marks behaviour that looks like a failure but is not a fault
/// (486 Busy Here, a first 401 challenge).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
    Info,
    Expected,
}

impl Severity {
    pub fn id(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
            Severity::Expected => "expected",
        }
    }
}

/// A piece of evidence: a message (index into `Analysis::messages`) and the input line that
/// shows it, with a short label ("401 Unauthorized") and the line's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    pub message: Option<u32>,
    /// 1-based input line.
    pub line: u32,
    pub label: String,
    pub excerpt: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// A cause id from the knowledge base (e.g. `auth.credentials`).
    pub cause: &'static str,
    pub severity: Severity,
    /// 0–100.
    pub confidence: u8,
    /// What was seen, in plain words, citing counts and times.
    pub explanation: String,
    pub evidence: Vec<Evidence>,
    /// The call (index into `Calls::calls`) this finding is about, if any.
    pub call: Option<u32>,
}

/// What the user told us besides the trace.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// Provider profile id (`smartalex`, `generic`).
    pub profile: Option<String>,
    /// Symptom id from the knowledge base: re-ranks findings.
    pub symptom: Option<String>,
    /// PBX id for "how to confirm" steps.
    pub pbx: Option<String>,
}

/// Runs every rule and returns findings, most likely first.
pub fn diagnose(a: &Analysis<'_>, _options: &Options) -> Vec<Finding> {
    let mut findings = Vec::new();
    if a.messages.is_empty() && a.ingested.partials.is_empty() {
        findings.push(Finding {
            cause: "info.no_sip",
            severity: Severity::Info,
            confidence: 100,
            explanation: "No SIP message or SIP log line was found in the input.".to_string(),
            evidence: Vec::new(),
            call: None,
        });
    }
    findings
}
