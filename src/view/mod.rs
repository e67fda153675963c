//! Pure view logic of the web app: the one analysis call the page makes, the page state and its
//! reducer, the ladder layout, message details, input notices and text formatting. Nothing here
//! imports Yew or touches the browser, so it is built and tested natively; `crate::ui` (wasm32
//! only) renders what this module computes and performs the side effects.

pub mod capture;
pub mod format;
pub mod ladder;
pub mod message;
pub mod notice;
pub mod samples;
pub mod share;
pub mod state;
pub mod verdict;
pub mod window;
pub mod wire;
pub mod worker;

use crate::diagnose::Options;
use crate::report::{Detail, Report};
use crate::Analysis;

/// Runs the whole pipeline on pasted text and returns the owned view model. This is the only
/// place the page analyses input, so it can move into a web worker unchanged.
pub fn analyse(text: &str, options: &Options) -> Report {
    let ingested = crate::ingest(text);
    let analysis = Analysis::new(&ingested, options);
    Report::build(&analysis, Detail::Full)
}

/// Test helpers: report parts built from JSON, so new `#[serde(default)]` fields of the report
/// don't break the tests.
#[cfg(test)]
pub(crate) mod testutil {
    use crate::report::FindingOut;

    /// A finding about `call`, citing `(message, line)` pairs.
    pub fn finding(cause: &str, severity: &str, call: Option<u32>, evidence: &[(Option<u32>, u32)]) -> FindingOut {
        let evidence: Vec<_> = evidence
            .iter()
            .map(|(m, l)| serde_json::json!({"message": m, "line": l, "label": "", "excerpt": ""}))
            .collect();
        serde_json::from_value(serde_json::json!({
            "cause": cause, "title": format!("Title of {cause}"), "severity": severity, "confidence": 80,
            "explanation": "Seen twice.", "evidence": evidence, "fixes": ["Do this."], "checks": [], "call": call,
        }))
        .expect("a valid finding")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn analyse_runs_the_pipeline() {
        let r = analyse(samples::sample("capacity-503").unwrap().text, &Options::default());
        assert_eq!(r.messages.len(), 8);
        assert!(r.messages.iter().all(|m| m.text.is_some()), "the page needs message texts");
        assert_eq!(r.calls.len(), 2);
        let empty = analyse("", &Options::default());
        assert!(empty.messages.is_empty());
    }
}
