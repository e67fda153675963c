//! The verdict card: one sentence in plain words for the whole input. It is the top finding's
//! summary from the knowledge base when there is a finding; otherwise it says what the calls
//! did, and never claims "no fault" while a call failed.

use crate::report::Report;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// The top finding's cause id, if the verdict comes from a finding.
    pub cause: Option<String>,
    pub severity: String,
    pub confidence: Option<u8>,
    pub sentence: String,
    pub detail: String,
    pub first_fix: Option<String>,
}

/// Failure statuses that are part of normal operation when they come alone.
fn routine(status: u16) -> bool {
    matches!(status, 401 | 407 | 487)
}

pub fn verdict(r: &Report) -> Verdict {
    // The engine's own verdict, when it gives one, completed with its finding's first fix.
    if !r.verdict.text.trim().is_empty() {
        let f = r.verdict.cause.as_deref().and_then(|c| r.findings.iter().find(|f| f.cause == c));
        let severity = if r.verdict.severity.is_empty() { "info" } else { r.verdict.severity.as_str() };
        return Verdict {
            cause: r.verdict.cause.clone(),
            severity: severity.to_string(),
            confidence: f.filter(|f| matches!(f.severity.as_str(), "error" | "warning")).map(|f| f.confidence),
            sentence: r.verdict.text.clone(),
            detail: String::new(),
            first_fix: f.filter(|f| f.severity != "expected").and_then(|f| f.fixes.first().cloned()),
        };
    }
    if let Some(top) = r.findings.first() {
        let summary = crate::kb::cause(&top.cause).map(|c| c.summary).filter(|s| !s.is_empty());
        return Verdict {
            cause: Some(top.cause.clone()),
            severity: top.severity.clone(),
            confidence: Some(top.confidence),
            sentence: summary.unwrap_or(top.title.as_str()).to_string(),
            detail: top.explanation.clone(),
            first_fix: top.fixes.first().cloned(),
        };
    }
    let failed: Vec<u16> = r.calls.iter().filter_map(|c| c.final_status).filter(|&s| s >= 400 && !routine(s)).collect();
    if let Some(&first) = failed.first() {
        let code = crate::kb::code(first);
        let expected = code.is_some_and(|c| c.expected);
        let reason = super::format::status(first, None);
        let n = failed.len();
        let what =
            if n == 1 { "One call or request ended".to_string() } else { format!("{n} calls or requests ended") };
        let sentence = if expected {
            format!("{what} with {reason}, which is usually not a fault.")
        } else {
            format!("{what} with {reason}, and no known cause matched the trace.")
        };
        let detail = code
            .map(|c| {
                if c.typical_cause.is_empty() {
                    c.meaning.to_string()
                } else {
                    format!("{} {}", c.meaning, c.typical_cause)
                }
            })
            .unwrap_or_default();
        let first_fix = code.and_then(|c| c.fixes.first()).map(|s| s.to_string());
        return Verdict {
            cause: None,
            severity: if expected { "expected" } else { "warning" }.to_string(),
            confidence: None,
            sentence,
            detail,
            first_fix,
        };
    }
    let unanswered = r.calls.iter().filter(|c| c.kind == "call" && c.final_status.is_none()).count();
    if unanswered > 0 {
        return Verdict {
            cause: None,
            severity: "warning".to_string(),
            confidence: None,
            sentence: format!(
                "{} no final answer in this trace, and no known cause matched.",
                super::format::count(unanswered, "call got", "calls got")
            ),
            detail: "The trace may end too early: include the log until the call is over.".to_string(),
            first_fix: None,
        };
    }
    Verdict {
        cause: None,
        severity: "expected".to_string(),
        confidence: None,
        sentence: format!(
            "No fault found in {}: the calls and requests completed the way SIP expects.",
            super::format::count(r.messages.len(), "SIP message", "SIP messages")
        ),
        detail: "If something still went wrong, pick the symptom under the input so the checks can be narrowed down."
            .to_string(),
        first_fix: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::{analyse, samples::sample};

    /// A report without the engine's verdict or findings: the page's own fallback speaks.
    fn bare(text: &str) -> Report {
        let mut r = analyse(text, &Default::default());
        r.findings.clear();
        r.verdict = Default::default();
        r
    }

    #[test]
    fn the_engine_verdict_comes_first() {
        let mut r = bare(sample("capacity-503").unwrap().text);
        r.findings.push(crate::view::testutil::finding("capacity.concurrent_limit", "error", Some(0), &[]));
        r.verdict.text = "Too many calls: the trunk is full.".into();
        r.verdict.severity = "error".into();
        r.verdict.cause = Some("capacity.concurrent_limit".into());
        let v = verdict(&r);
        assert_eq!(v.sentence, "Too many calls: the trunk is full.");
        assert_eq!((v.severity.as_str(), v.cause.as_deref()), ("error", Some("capacity.concurrent_limit")));
        assert_eq!((v.first_fix.as_deref(), v.confidence), (Some("Do this."), Some(80)));
    }

    #[test]
    fn a_failed_call_is_never_no_fault() {
        let r = bare(sample("capacity-503").unwrap().text);
        let v = verdict(&r);
        assert_eq!(v.cause, None);
        assert_eq!(v.severity, "warning");
        assert!(v.sentence.starts_with("2 calls or requests ended with 503"), "{}", v.sentence);
    }

    #[test]
    fn the_top_finding_speaks_first() {
        let mut r = bare(sample("capacity-503").unwrap().text);
        let mut f = crate::view::testutil::finding("no.such.cause", "error", None, &[]);
        f.title = "A title".into();
        r.findings.insert(0, f);
        let v = verdict(&r);
        assert_eq!(v.cause.as_deref(), Some("no.such.cause"));
        assert_eq!((v.sentence.as_str(), v.detail.as_str()), ("A title", "Seen twice."));
        assert_eq!((v.first_fix.as_deref(), v.confidence), (Some("Do this."), Some(80)));
    }

    #[test]
    fn a_clean_trace_says_so() {
        let text = "OPTIONS sip:a@example.com SIP/2.0\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\nFrom: <sip:b@example.com>;tag=1\nTo: <sip:a@example.com>\nCall-ID: ok\nCSeq: 1 OPTIONS\nMax-Forwards: 70\nContent-Length: 0\n\nSIP/2.0 200 OK\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\nFrom: <sip:b@example.com>;tag=1\nTo: <sip:a@example.com>;tag=2\nCall-ID: ok\nCSeq: 1 OPTIONS\nContent-Length: 0\n\n";
        let r = bare(text);
        let v = verdict(&r);
        assert_eq!(v.severity, "expected");
        assert!(v.sentence.starts_with("No fault found in 2 SIP messages"), "{}", v.sentence);
    }
}
