//! What to tell the user about the input itself before any diagnosis: nothing SIP in it, binary
//! data, a message cut in half, or only log lines. The page shows an `Alert` in a `role="alert"`
//! banner and a `Status` in a polite `role="status"` line; the pasted text is never touched.

use crate::report::Report;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// The input cannot be diagnosed as it is: say so right away.
    Alert,
    /// The diagnosis is partial: say so politely.
    Status,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Bytes that are not text (a capture, an archive, a document).
    Binary,
    /// Text without any SIP message or SIP log line.
    NoSip,
    /// Messages were found, but at least one is cut off or damaged.
    Damaged,
    /// Only one-line log entries were found, no whole messages.
    LogLinesOnly,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub kind: Kind,
    pub level: Level,
    pub title: &'static str,
    pub body: String,
    /// 1-based input line the notice points at (0: the whole input).
    pub line: u32,
}

/// Problem kinds that mean a message is cut off or unreadable.
const DAMAGE: &[&str] =
    &["truncated", "unreadable_message", "content_length_too_large", "missing_header", "bad_start_line"];

/// Whether text looks like binary data decoded as text: NUL bytes, many control characters or
/// replacement characters in the first 4 KB.
pub fn looks_binary(text: &str) -> bool {
    let mut total = 0usize;
    let mut bad = 0usize;
    for c in text.chars().take(4096) {
        total += 1;
        match c {
            '\0' => return true,
            '\u{fffd}' => bad += 1,
            c if c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}') => bad += 1,
            _ => {}
        }
    }
    total > 0 && bad * 20 > total
}

/// A capital first letter (ASCII only: the descriptions are the project's own words, and the
/// page carries no Unicode case tables).
fn capitalise(s: &str) -> String {
    let mut out = s.to_string();
    if let Some(first) = out.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    out
}

/// The notice for an input and its report, if any. Empty input gets none.
pub fn notice(text: &str, report: &Report) -> Option<Notice> {
    if text.trim().is_empty() {
        return None;
    }
    let binary = report.problems.iter().any(|p| p.kind == "binary" || p.kind == "bad_capture");
    if report.messages.is_empty() && (binary || looks_binary(text)) {
        return Some(Notice {
            kind: Kind::Binary,
            level: Level::Alert,
            title: "This looks like binary data, not a text log.",
            body: "Paste the SIP log as text, or export the SIP packets from your capture tool as text \
                   (in Wireshark: File \u{2192} Export Packet Dissections \u{2192} As Plain Text). \
                   Your input is still in the box."
                .to_string(),
            line: 0,
        });
    }
    if report.messages.is_empty() && report.partials.is_empty() {
        return Some(Notice {
            kind: Kind::NoSip,
            level: Level::Alert,
            title: "No SIP found in what you pasted.",
            body: "sipdiag needs SIP messages \u{2014} blocks that start with a line like \
                   \u{201c}INVITE sip:\u{2026} SIP/2.0\u{201d} or \u{201c}SIP/2.0 401 Unauthorized\u{201d} \u{2014} \
                   or log lines that name a SIP response. Turn on SIP logging on your PBX, repeat the failing \
                   call, and paste the log from just before to just after it. Your text is still in the box."
                .to_string(),
            line: 0,
        });
    }
    if let Some(p) = report.problems.iter().find(|p| DAMAGE.contains(&p.kind.as_str())) {
        let what = capitalise(&p.description);
        let body = if p.line > 0 {
            format!("At line {}: {what}. The diagnosis below uses what could be read; if you can, copy the whole message again from the log.", p.line)
        } else {
            format!("{what}. The diagnosis below uses what could be read; if you can, copy the whole message again from the log.")
        };
        return Some(Notice {
            kind: Kind::Damaged,
            level: Level::Alert,
            title: "Part of the trace looks cut off or damaged.",
            body,
            line: p.line,
        });
    }
    if report.messages.is_empty() {
        return Some(Notice {
            kind: Kind::LogLinesOnly,
            level: Level::Status,
            title: "Only log lines were found, no whole SIP messages.",
            body: "The diagnosis below is based on those lines alone. A full SIP trace shows much more: turn on \
                   SIP message logging on your PBX and paste again."
                .to_string(),
            line: 0,
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::analyse;

    fn kind(text: &str) -> Option<Kind> {
        notice(text, &analyse(text, &Default::default())).map(|n| n.kind)
    }

    #[test]
    fn capitalise_touches_only_a_first_ascii_letter() {
        for (input, want) in [
            ("body cut short", "Body cut short"),
            ("Already", "Already"),
            ("", ""),
            ("7 bytes", "7 bytes"),
            ("\u{e9}tat", "\u{e9}tat"),
            ("a", "A"),
        ] {
            assert_eq!(capitalise(input), want, "{input:?}");
        }
    }

    #[test]
    fn notices_by_input() {
        let cases: &[(&str, Option<Kind>)] = &[
            ("", None),
            ("   \n\n", None),
            ("hello, my phone does not ring", Some(Kind::NoSip)),
            ("\u{0}\u{1}\u{2}PK\u{3}\u{4}binary", Some(Kind::Binary)),
            ("OPTIONS sip:a@example.com SIP/2.0\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\nFrom: <sip:b@example.com>;tag=1\nTo: <sip:a@example.com>\nCall-ID: x\nCSeq: 1 OPTIONS\nMax-Forwards: 70\nContent-Length: 0\n\n", None),
        ];
        for (text, want) in cases {
            assert_eq!(kind(text), *want, "{text:?}");
        }
    }

    #[test]
    fn a_half_message_is_damaged() {
        // An INVITE cut after its Content-Length promised a body.
        let text = "INVITE sip:bob@example.com SIP/2.0\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\nFrom: <sip:a@example.com>;tag=1\nTo: <sip:bob@example.com>\nCall-ID: half\nCSeq: 1 INVITE\nMax-Forwards: 70\nContent-Type: application/sdp\nContent-Length: 300\n\nv=0\no=- 1 1 IN IP4 192.0.2.1\n";
        let n = notice(text, &analyse(text, &Default::default())).expect("a notice");
        assert_eq!(n.kind, Kind::Damaged);
        assert_eq!(n.level, Level::Alert);
        assert!(n.line > 0, "points at a line");
    }

    #[test]
    fn binary_detection() {
        assert!(looks_binary("\u{fffd}\u{fffd}\u{fffd}abc"));
        assert!(!looks_binary("INVITE sip:a@b SIP/2.0\r\n\tx"));
        assert!(!looks_binary(""));
    }
}
