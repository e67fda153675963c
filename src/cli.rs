//! The command line front end: `sipdiag [--format text|json] [--profile ID] [--symptom ID]
//! [--pbx ID] [FILE|-]`. Reads a file (or standard input), runs the same core as the page and
//! prints a report for people or the versioned JSON contract for scripts (docs/JSON.md).
//!
//! Exit codes: 0 a report was printed; 2 the input held no SIP at all (the report still says so);
//! 64 bad arguments; 66 the file could not be read.

use crate::analysis::Analysis;
use crate::diagnose::Options;
use crate::report::{Detail, Report};
use std::io::Write;

/// Exit codes (documented in the README).
pub const EXIT_OK: i32 = 0;
/// The input held no SIP at all.
pub const EXIT_NO_SIP: i32 = 2;
/// Bad arguments.
pub const EXIT_USAGE: i32 = 64;
/// The input file could not be read.
pub const EXIT_IO: i32 = 66;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Args {
    pub format: OutputFormat,
    pub path: Option<String>,
    pub options: Options,
}

pub const USAGE: &str = "usage: sipdiag [--format text|json] [--profile ID] [--symptom ID] [--pbx ID] [FILE|-]\n\
Reads a SIP trace, PBX log or capture file (or standard input) and prints the messages, calls and\n\
diagnosis: the most likely cause, the lines that prove it, and how to fix it.\n\
\n\
  --format text|json  output for people (default) or the JSON contract (version 1)\n\
  --json              same as --format json\n\
  --profile ID        your provider: smartalex or generic (default: generic rules)\n\
  --symptom ID        what you see (e.g. cant_register, drops_at_30s): matching causes rank first\n\
  --pbx ID            your PBX (3cx, freepbx, asterisk, yeastar, freeswitch, cisco, …): how to confirm\n\
\n\
Exit codes: 0 report printed, 2 no SIP found, 64 bad arguments, 66 file unreadable.\n";

/// Checks an option value against the knowledge base's ids (accepted as is when the knowledge
/// base has none of that kind).
fn known(kind: &str, value: &str, ids: &[&str]) -> Result<String, String> {
    let v = value.trim().to_ascii_lowercase();
    if ids.is_empty() || ids.iter().any(|i| i.eq_ignore_ascii_case(&v)) {
        Ok(v)
    } else {
        Err(format!("unknown {kind} '{value}' (one of: {})", ids.join(", ")))
    }
}

fn format_value(v: &str) -> Result<OutputFormat, String> {
    match v {
        "text" => Ok(OutputFormat::Text),
        "json" => Ok(OutputFormat::Json),
        other => Err(format!("unknown format '{other}' (text or json)")),
    }
}

/// Reads the arguments. `Err("")` means help was asked for.
pub fn parse_args(args: &[String]) -> Result<Args, String> {
    let mut out = Args { format: OutputFormat::Text, path: None, options: Options::default() };
    let profiles: Vec<&str> = crate::kb::PROFILES.iter().map(|p| p.id).collect();
    let symptoms: Vec<&str> = crate::kb::SYMPTOMS.iter().map(|s| s.id).collect();
    let pbxes: Vec<&str> = crate::kb::PBXES.iter().map(|p| p.id).collect();
    let mut it = args.iter();
    let mut only_files = false;
    while let Some(a) = it.next() {
        // --name=value as well as --name value
        let (name, inline) = match a.split_once('=') {
            Some((n, v)) if a.starts_with("--") && !only_files => (n, Some(v.to_string())),
            _ => (a.as_str(), None),
        };
        let mut value = |n: &str| match &inline {
            Some(v) => Ok(v.clone()),
            None => it.next().cloned().ok_or_else(|| format!("{n} needs a value")),
        };
        match name {
            _ if only_files => {}
            "-h" | "--help" => return Err(String::new()),
            "--format" | "-f" => out.format = format_value(&value("--format")?)?,
            "--json" => out.format = OutputFormat::Json,
            "--profile" => out.options.profile = Some(known("profile", &value("--profile")?, &profiles)?),
            "--symptom" => out.options.symptom = Some(known("symptom", &value("--symptom")?, &symptoms)?),
            "--pbx" => out.options.pbx = Some(known("PBX", &value("--pbx")?, &pbxes)?),
            "--" => {
                only_files = true;
                continue;
            }
            "-" => {
                out.path = None;
                continue;
            }
            s if s.starts_with('-') => return Err(format!("unknown option '{s}'")),
            _ => {}
        }
        if only_files || !name.starts_with('-') {
            if out.path.is_some() {
                return Err("only one input file".into());
            }
            out.path = Some(a.to_string());
        }
    }
    // "generic" is the default behaviour: keep it explicit only when asked.
    Ok(out)
}

/// Turns raw bytes into text: UTF-8 as is, UTF-16 with a BOM decoded, anything else read as
/// Latin-1 so nothing is lost.
pub fn decode(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return String::from_utf8_lossy(rest).into_owned();
    }
    if bytes.len() >= 2 && (bytes[..2] == [0xFF, 0xFE] || bytes[..2] == [0xFE, 0xFF]) {
        let le = bytes[0] == 0xFF;
        let units: Vec<u16> = bytes[2..]
            .chunks_exact(2)
            .map(|c| if le { u16::from_le_bytes([c[0], c[1]]) } else { u16::from_be_bytes([c[0], c[1]]) })
            .collect();
        return String::from_utf16_lossy(&units);
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => bytes.iter().map(|&b| b as char).collect(),
    }
}

/// Runs the tool. Returns the exit code.
pub fn run(args: &[String], stdin: &mut dyn std::io::Read, stdout: &mut dyn Write, stderr: &mut dyn Write) -> i32 {
    let args = match parse_args(args) {
        Ok(a) => a,
        Err(e) => {
            if e.is_empty() {
                let _ = write!(stdout, "{USAGE}");
                return EXIT_OK;
            }
            let _ = writeln!(stderr, "sipdiag: {e}");
            let _ = write!(stderr, "{USAGE}");
            return EXIT_USAGE;
        }
    };
    let mut bytes = Vec::new();
    let read = match &args.path {
        Some(p) => std::fs::read(p).map(|b| bytes = b),
        None => stdin.read_to_end(&mut bytes).map(|_| ()),
    };
    if let Err(e) = read {
        let _ = writeln!(stderr, "sipdiag: cannot read {}: {e}", args.path.as_deref().unwrap_or("standard input"));
        return EXIT_IO;
    }
    // A capture file is read as packets; anything else as text.
    let text;
    let ingested = if crate::pcap::is_capture(&bytes) {
        crate::pcap::ingest_capture(&bytes)
    } else {
        text = decode(&bytes);
        crate::ingest::ingest(&text)
    };
    let analysis = Analysis::new(&ingested, &args.options);
    let report = Report::build(&analysis, Detail::Summary);
    let no_sip = report.messages.is_empty() && report.partials.is_empty();
    let res = match args.format {
        OutputFormat::Json => serde_json::to_writer_pretty(&mut *stdout, &report)
            .map_err(std::io::Error::from)
            .and_then(|_| writeln!(stdout)),
        OutputFormat::Text => write_text(&report, &args.options, stdout),
    }
    .and_then(|_| stdout.flush());
    match res {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return EXIT_OK,
        Err(e) => {
            let _ = writeln!(stderr, "sipdiag: {e}");
            return EXIT_IO;
        }
        Ok(()) => {}
    }
    if no_sip {
        let _ = writeln!(
            stderr,
            "sipdiag: no SIP message or SIP log line found in {}. Paste a SIP trace or PBX log taken while the \
             problem happened.",
            args.path.as_deref().unwrap_or("standard input")
        );
        return EXIT_NO_SIP;
    }
    EXIT_OK
}

fn ms(d: u64) -> String {
    let s = d / 1000;
    if s >= 120 {
        format!("{}m{:02}s", s / 60, s % 60)
    } else {
        format!("{}.{:01}s", s, (d % 1000) / 100)
    }
}

fn sev_tag(s: &str) -> String {
    format!("[{}]", s.to_ascii_uppercase())
}

/// Word-wraps `text` at `width` columns: the first line starts with `first`, the others are
/// indented to line up under it.
fn wrap(w: &mut dyn Write, first: &str, text: &str, width: usize) -> std::io::Result<()> {
    let indent = " ".repeat(first.chars().count());
    let mut prefix = first;
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            writeln!(w, "{prefix}{line}")?;
            prefix = &indent;
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        writeln!(w, "{prefix}{line}")?;
    }
    Ok(())
}

/// The human report: verdict, findings (evidence, fixes, how to confirm), calls, log lines and
/// parse notes.
pub fn write_text(r: &Report, options: &Options, w: &mut dyn Write) -> std::io::Result<()> {
    // In a capture, positions are packet numbers, not lines.
    let where_ = if r.format == "pcap" { "packet" } else { "line" };
    let retrans = r.messages.iter().filter(|m| m.retransmission).count();
    let formats = if r.formats.is_empty() { "none recognised".to_string() } else { r.formats.join(", ") };
    writeln!(
        w,
        "Read: {} SIP messages ({} retransmissions), {} calls, {} log lines with SIP outcomes. Format: {formats}.",
        r.messages.len(),
        retrans,
        r.calls.len(),
        r.partials.len()
    )?;
    writeln!(w)?;
    writeln!(w, "VERDICT {} {}", sev_tag(&r.verdict.severity), r.verdict.text)?;
    let faults: Vec<_> = r.findings.iter().filter(|f| f.severity == "error" || f.severity == "warning").collect();
    if let Some(f) = faults.first() {
        if let Some(fix) = f.fixes.first() {
            writeln!(w, "First fix: {fix}")?;
        }
    }
    if !r.findings.is_empty() {
        writeln!(w, "\nFindings (most likely first):")?;
        for (i, f) in r.findings.iter().enumerate() {
            let call = f.call.map(|c| format!(", call {c}")).unwrap_or_default();
            writeln!(
                w,
                "\n{}. {} {} ({}, {}% confidence{call})",
                i + 1,
                sev_tag(&f.severity),
                f.title,
                f.cause,
                f.confidence
            )?;
            wrap(w, "   ", &f.explanation, 96)?;
            if !f.evidence.is_empty() {
                writeln!(w, "   Evidence:")?;
                for e in &f.evidence {
                    writeln!(w, "     {where_} {:>5}  {:<32} | {}", e.line, e.label, e.excerpt)?;
                }
            }
            if matches!(f.severity.as_str(), "error" | "warning") {
                if !f.fixes.is_empty() {
                    writeln!(w, "   Fix:")?;
                    for (k, fix) in f.fixes.iter().enumerate() {
                        wrap(w, &format!("     {}. ", k + 1), fix, 90)?;
                    }
                }
                if !f.confirm.is_empty() {
                    let on = options.pbx.as_deref().and_then(crate::kb::pbx).map_or("your PBX", |p| p.name);
                    writeln!(w, "   How to confirm on {on}:")?;
                    for c in &f.confirm {
                        wrap(w, "     - ", c, 90)?;
                    }
                }
            }
        }
    }
    if !r.calls.is_empty() {
        writeln!(w, "\nCalls:")?;
        for c in &r.calls {
            let status = c.final_status.map_or("-".to_string(), |s| s.to_string());
            let dur = c.duration_ms.map(|d| format!(", {}", ms(d))).unwrap_or_default();
            let ended = c.ended_by.as_deref().map(|e| format!(", ended: {e}")).unwrap_or_default();
            let flag =
                if c.findings.is_empty() { String::new() } else { format!("  [{} finding(s)]", c.findings.len()) };
            writeln!(
                w,
                "  [{}] {} {} → {}  final {}{}{dur}{ended}  ({} msgs){flag}  Call-ID {}",
                c.index,
                c.kind,
                c.from.as_deref().unwrap_or("?"),
                c.to.as_deref().unwrap_or("?"),
                status,
                if c.answered { ", answered" } else { "" },
                c.messages.len(),
                c.call_id
            )?;
        }
    }
    if !r.partials.is_empty() {
        writeln!(w, "\nLog lines with SIP outcomes (partial evidence):")?;
        for p in r.partials.iter().take(50) {
            writeln!(w, "  line {}: {}", p.line, p.text.trim())?;
        }
    }
    if !r.problems.is_empty() {
        writeln!(w, "\nParse notes:")?;
        for p in r.problems.iter().take(50) {
            writeln!(w, "  {where_} {}: {}", p.line, p.description)?;
        }
        if r.problems.len() > 50 {
            writeln!(w, "  … and {} more", r.problems.len() - 50)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn options_and_errors() {
        let a = parse_args(&args(&["--format=json", "--profile", "smartalex", "x.txt"])).unwrap();
        assert_eq!(a.format, OutputFormat::Json);
        assert_eq!(a.options.profile.as_deref(), Some("smartalex"));
        assert_eq!(a.path.as_deref(), Some("x.txt"));
        assert!(parse_args(&args(&["--nope"])).unwrap_err().contains("unknown option"));
        assert!(parse_args(&args(&["--format", "xml"])).unwrap_err().contains("unknown format"));
        assert!(parse_args(&args(&["--profile"])).unwrap_err().contains("needs a value"));
        assert!(parse_args(&args(&["a", "b"])).unwrap_err().contains("only one"));
        assert_eq!(parse_args(&args(&["--help"])), Err(String::new()));
        let a = parse_args(&args(&["--", "-odd-name"])).unwrap();
        assert_eq!(a.path.as_deref(), Some("-odd-name"));
        if !crate::kb::PROFILES.is_empty() {
            assert!(parse_args(&args(&["--profile", "nosuch"])).unwrap_err().contains("unknown profile"));
        }
    }

    #[test]
    fn wraps_words() {
        let mut out = Vec::new();
        wrap(&mut out, "1. ", "aaa bbb ccc ddd", 7).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "1. aaa bbb\n   ccc ddd\n");
    }
}
