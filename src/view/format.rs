//! Short text for the page: times, durations, statuses, severities, addresses, evidence chips.

use crate::report::{CallOut, EvidenceOut, FindingOut, MessageOut, Report};

const DAY_US: i64 = 86_400_000_000;

/// Wall-clock time of day, `hh:mm:ss.mmm` (the trace's own clock; no zone is applied).
pub fn clock(time_us: i64) -> String {
    let t = time_us.rem_euclid(DAY_US);
    let ms = (t / 1000) % 1000;
    let s = (t / 1_000_000) % 60;
    let m = (t / 60_000_000) % 60;
    let h = t / 3_600_000_000;
    format!("{h:02}:{m:02}:{s:02}.{ms:03}")
}

/// Time since the first message of a call: `+0.512 s`, `+41.2 s`, `+3:36`.
pub fn delta(us: i64) -> String {
    if us < 0 {
        return String::new();
    }
    let ms = us / 1000;
    if ms < 10_000 {
        format!("+{}.{:03} s", ms / 1000, ms % 1000)
    } else if ms < 60_000 {
        format!("+{}.{} s", ms / 1000, (ms % 1000) / 100)
    } else {
        let s = ms / 1000;
        if s < 3600 {
            format!("+{}:{:02}", s / 60, s % 60)
        } else {
            format!("+{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60)
        }
    }
}

/// A call duration: `0.4 s`, `41 s`, `3 min 36 s`, `1 h 02 min`.
pub fn duration(ms: u64) -> String {
    if ms < 10_000 {
        format!("{}.{} s", ms / 1000, (ms % 1000) / 100)
    } else if ms < 60_000 {
        format!("{} s", ms / 1000)
    } else if ms < 3_600_000 {
        format!("{} min {} s", ms / 60_000, (ms / 1000) % 60)
    } else {
        format!("{} h {:02} min", ms / 3_600_000, (ms / 60_000) % 60)
    }
}

/// `401 Unauthorized`, using the registry's phrase when the trace gives none.
pub fn status(code: u16, reason: Option<&str>) -> String {
    match reason.map(str::trim).filter(|r| !r.is_empty()) {
        Some(r) => format!("{code} {r}"),
        None => format!("{code} {}", crate::kb::reason_phrase(code)),
    }
}

/// What an arrow or a list row calls a message: the method, or the status and reason.
pub fn message_label(m: &MessageOut) -> String {
    match (m.status, m.method.as_deref()) {
        (Some(code), _) => status(code, m.reason.as_deref()),
        (None, Some(method)) => method.to_string(),
        (None, None) => m.kind.clone(),
    }
}

/// Severity levels of findings, worst first. Unknown words sort last.
pub fn severity_rank(severity: &str) -> u8 {
    match severity {
        "error" => 0,
        "warning" => 1,
        "info" => 2,
        "expected" => 3,
        "ok" => 4,
        _ => 5,
    }
}

/// The icon and word shown with a severity (never colour alone).
pub fn severity_badge(severity: &str) -> (&'static str, &'static str) {
    match severity {
        "error" => ("\u{2716}", "Error"),
        "warning" => ("\u{26a0}", "Warning"),
        "info" => ("\u{2139}", "Info"),
        "expected" => ("\u{2714}", "Not a fault"),
        "ok" => ("\u{2714}", "No fault"),
        _ => ("\u{2022}", "Note"),
    }
}

/// A CSS-safe severity class name.
pub fn severity_class(severity: &str) -> &'static str {
    match severity {
        "error" => "sev-error",
        "warning" => "sev-warning",
        "info" => "sev-info",
        "expected" | "ok" => "sev-expected",
        _ => "sev-info",
    }
}

/// The worst severity among some findings.
pub fn worst<'a>(findings: impl IntoIterator<Item = &'a FindingOut>) -> Option<&'a str> {
    findings.into_iter().map(|f| f.severity.as_str()).min_by_key(|s| severity_rank(s))
}

/// An evidence chip: `line 42 · 401 Unauthorized`.
pub fn evidence_chip(e: &EvidenceOut) -> String {
    let label = e.label.trim();
    if label.is_empty() {
        format!("line {}", e.line)
    } else {
        format!("line {} \u{b7} {label}", e.line)
    }
}

/// The user and host of a SIP URI or name-addr: `"Desk" <sip:201@pbx.example;x=y>` → `201@pbx.example`.
pub fn short_uri(uri: &str) -> String {
    let mut s = uri.trim();
    if let (Some(a), Some(b)) = (s.find('<'), s.rfind('>')) {
        if a < b {
            s = &s[a + 1..b];
        }
    }
    for scheme in ["sips:", "sip:", "tel:"] {
        if s.len() >= scheme.len() && s[..scheme.len()].eq_ignore_ascii_case(scheme) {
            s = &s[scheme.len()..];
            break;
        }
    }
    let end = s.find([';', '?', '>']).unwrap_or(s.len());
    s[..end].to_string()
}

/// One line about a call for the calls list: `201@pbx → 4420…@trunk`.
pub fn parties(c: &CallOut) -> String {
    let from = c.from.as_deref().map(short_uri).unwrap_or_else(|| "?".into());
    let to = c.to.as_deref().or(c.request_uri.as_deref()).map(short_uri).unwrap_or_else(|| "?".into());
    format!("{from} \u{2192} {to}")
}

/// A call's kind in words.
pub fn call_kind(kind: &str) -> &str {
    match kind {
        "call" => "Call",
        "registration" => "Registration",
        "options" => "OPTIONS ping",
        "subscription" => "Subscription",
        "message" => "Message",
        "other" => "Other",
        k => k,
    }
}

/// The first time of a call for the list: its clock time, else as written.
pub fn call_time(c: &CallOut) -> String {
    match (c.first_time_us, c.first_time.as_deref()) {
        (Some(us), _) => clock(us),
        (None, Some(t)) => t.to_string(),
        (None, None) => format!("#{}", c.index + 1),
    }
}

/// The call's final result in words: `200 OK`, `503 Service Unavailable`, `no final response`.
pub fn call_result(r: &Report, c: &CallOut) -> String {
    match c.final_status {
        Some(code) => {
            let reason = c
                .messages
                .iter()
                .filter_map(|&i| r.messages.get(i as usize))
                .find(|m| m.status == Some(code))
                .and_then(|m| m.reason.as_deref());
            status(code, reason)
        }
        None => "no final response".to_string(),
    }
}

/// The words for a format id of the report (`asterisk-pjsip` → `Asterisk pjsip logger`).
pub fn format_label(id: &str) -> String {
    crate::ingest::Format::ALL.iter().find(|f| f.id() == id).map_or_else(|| id.to_string(), |f| f.label().to_string())
}

/// A size in megabytes with one decimal (`1.5 MB`), by integer arithmetic (the page's module
/// then carries no float formatting).
pub fn megabytes(bytes: usize) -> String {
    let tenths = (bytes as u128 * 10 + 524_288) / 1_048_576;
    format!("{}.{} MB", tenths / 10, tenths % 10)
}

/// Plural helper: `1 message`, `3 messages`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn megabytes_with_one_decimal() {
        for (bytes, want) in [
            (0, "0.0 MB"),
            (52_428, "0.0 MB"),
            (52_429, "0.1 MB"),
            (1_048_576, "1.0 MB"),
            (1_572_864, "1.5 MB"),
            (20 * 1_048_576 - 1, "20.0 MB"),
            (usize::MAX, "17592186044416.0 MB"),
        ] {
            assert_eq!(megabytes(bytes), want, "{bytes}");
            if bytes < 1 << 40 {
                assert_eq!(megabytes(bytes), format!("{:.1} MB", bytes as f64 / 1_048_576.0), "as floats round it");
            }
        }
    }

    #[test]
    fn clocks_and_durations() {
        let cases: &[(i64, &str)] =
            &[(0, "00:00:00.000"), (51_127_118_204, "14:12:07.118"), (DAY_US + 1_000, "00:00:00.001")];
        for (us, want) in cases {
            assert_eq!(clock(*us), *want, "clock({us})");
        }
        let deltas: &[(i64, &str)] =
            &[(0, "+0.000 s"), (512_300, "+0.512 s"), (41_250_000, "+41.2 s"), (216_000_000, "+3:36"), (-5, "")];
        for (us, want) in deltas {
            assert_eq!(delta(*us), *want, "delta({us})");
        }
        let durs: &[(u64, &str)] =
            &[(400, "0.4 s"), (38_657, "38 s"), (216_000, "3 min 36 s"), (3_720_000, "1 h 02 min")];
        for (ms, want) in durs {
            assert_eq!(duration(*ms), *want, "duration({ms})");
        }
    }

    #[test]
    fn uris_statuses_and_chips() {
        let cases = [
            ("\"Front Desk\" <sip:442071230456@sip.example.net>;tag=x", "442071230456@sip.example.net"),
            ("sip:205@203.0.113.10:5060;transport=udp", "205@203.0.113.10:5060"),
            ("SIPS:alice@example.com", "alice@example.com"),
            ("tel:+442071230456", "+442071230456"),
            ("", ""),
        ];
        for (uri, want) in cases {
            assert_eq!(short_uri(uri), want, "{uri}");
        }
        assert_eq!(format_label("raw"), "raw SIP");
        assert_eq!(format_label("sngrep"), "sngrep export");
        assert_eq!(format_label("new-format"), "new-format");
        assert_eq!(status(488, Some("Not Acceptable Here")), "488 Not Acceptable Here");
        assert_eq!(status(499, None), format!("499 {}", crate::kb::reason_phrase(499)));
        let e = EvidenceOut { message: Some(1), line: 42, label: "401 Unauthorized".into(), excerpt: String::new() };
        assert_eq!(evidence_chip(&e), "line 42 \u{b7} 401 Unauthorized");
        let e = EvidenceOut { label: " ".into(), ..e };
        assert_eq!(evidence_chip(&e), "line 42");
    }

    #[test]
    fn severities_rank_and_never_rely_on_colour() {
        let mut s = vec!["info", "expected", "error", "warning"];
        s.sort_by_key(|s| severity_rank(s));
        assert_eq!(s, ["error", "warning", "info", "expected"]);
        for sev in ["error", "warning", "info", "expected", "other"] {
            let (icon, word) = severity_badge(sev);
            assert!(!icon.is_empty() && !word.is_empty());
        }
    }
}
