//! The command line front end: `sipdiag [--format text|json] [--profile ID] [--symptom ID]
//! [--pbx ID] [FILE|-]`. Reads a file (or standard input), runs the same core as the page and
//! prints a report for people or the versioned JSON contract for scripts.

use crate::analysis::Analysis;
use crate::diagnose::Options;
use crate::report::{Detail, Report};
use std::io::Write;

/// Exit codes (documented in the README).
pub const EXIT_OK: i32 = 0;
/// The input held no SIP at all.
pub const EXIT_NO_SIP: i32 = 2;
/// Bad arguments or unreadable file.
pub const EXIT_USAGE: i32 = 64;
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
Reads a SIP trace, PBX log or capture file and prints the messages, calls and diagnosis.\n";

pub fn parse_args(args: &[String]) -> Result<Args, String> {
    let mut out = Args { format: OutputFormat::Text, path: None, options: Options::default() };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().cloned().ok_or_else(|| format!("{name} needs a value"));
        match a.as_str() {
            "-h" | "--help" => return Err(String::new()),
            "--format" | "-f" => {
                out.format = match value("--format")?.as_str() {
                    "text" => OutputFormat::Text,
                    "json" => OutputFormat::Json,
                    other => return Err(format!("unknown format '{other}' (text or json)")),
                }
            }
            "--json" => out.format = OutputFormat::Json,
            "--profile" => out.options.profile = Some(value("--profile")?),
            "--symptom" => out.options.symptom = Some(value("--symptom")?),
            "--pbx" => out.options.pbx = Some(value("--pbx")?),
            s if s.starts_with("--format=") => {
                out.format = match &s[9..] {
                    "text" => OutputFormat::Text,
                    "json" => OutputFormat::Json,
                    other => return Err(format!("unknown format '{other}' (text or json)")),
                }
            }
            "-" => out.path = None,
            s if s.starts_with('-') => return Err(format!("unknown option '{s}'")),
            s => {
                if out.path.is_some() {
                    return Err("only one input file".into());
                }
                out.path = Some(s.to_string());
            }
        }
    }
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
            if !e.is_empty() {
                let _ = writeln!(stderr, "sipdiag: {e}");
            }
            let _ = write!(stderr, "{USAGE}");
            return if e.is_empty() { EXIT_OK } else { EXIT_USAGE };
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
    let text = decode(&bytes);
    let ingested = crate::ingest::ingest(&text);
    let analysis = Analysis::new(&ingested, &args.options);
    let report = Report::build(&analysis, Detail::Summary);
    let no_sip = report.messages.is_empty() && report.partials.is_empty();
    let res = match args.format {
        OutputFormat::Json => serde_json::to_writer_pretty(&mut *stdout, &report)
            .map_err(std::io::Error::from)
            .and_then(|_| writeln!(stdout)),
        OutputFormat::Text => write_text(&report, stdout),
    };
    if let Err(e) = res {
        let _ = writeln!(stderr, "sipdiag: {e}");
        return EXIT_IO;
    }
    if no_sip {
        let _ = writeln!(
            stderr,
            "sipdiag: no SIP message or SIP log line found in {}",
            args.path.as_deref().unwrap_or("standard input")
        );
        return EXIT_NO_SIP;
    }
    EXIT_OK
}

fn ms(d: u64) -> String {
    format!("{}.{:01} s", d / 1000, (d % 1000) / 100)
}

/// The human report.
pub fn write_text(r: &Report, w: &mut dyn Write) -> std::io::Result<()> {
    if r.formats.is_empty() {
        writeln!(w, "Formats: none recognised")?;
    } else {
        writeln!(w, "Formats: {}", r.formats.join(", "))?;
    }
    let retrans = r.messages.iter().filter(|m| m.retransmission).count();
    writeln!(
        w,
        "Messages: {} ({} retransmissions), calls: {}, partial log lines: {}",
        r.messages.len(),
        retrans,
        r.calls.len(),
        r.partials.len()
    )?;
    if let Some(top) = r.findings.first() {
        writeln!(w, "\nVerdict: [{}] {} — {}", top.severity, top.title, top.explanation)?;
    }
    if !r.findings.is_empty() {
        writeln!(w, "\nFindings:")?;
        for (i, f) in r.findings.iter().enumerate() {
            writeln!(w, "{}. [{}] {} ({}, {}% confidence)", i + 1, f.severity, f.title, f.cause, f.confidence)?;
            writeln!(w, "   {}", f.explanation)?;
            for e in &f.evidence {
                writeln!(w, "   line {}: {} | {}", e.line, e.label, e.excerpt)?;
            }
            for (k, fix) in f.fixes.iter().enumerate() {
                writeln!(w, "   fix {}: {}", k + 1, fix)?;
            }
        }
    }
    if !r.calls.is_empty() {
        writeln!(w, "\nCalls:")?;
        for c in &r.calls {
            let status = c.final_status.map_or("-".to_string(), |s| s.to_string());
            let dur = c.duration_ms.map(ms).unwrap_or_default();
            writeln!(
                w,
                "  [{}] {} {} → {}  final {}{}{}  ({} msgs) {}",
                c.index,
                c.kind,
                c.from.as_deref().unwrap_or("?"),
                c.to.as_deref().unwrap_or("?"),
                status,
                if c.answered { ", answered" } else { "" },
                if dur.is_empty() { String::new() } else { format!(", {dur}") },
                c.messages.len(),
                c.call_id
            )?;
        }
    }
    if !r.partials.is_empty() {
        writeln!(w, "\nLog lines with SIP outcomes (partial evidence):")?;
        for p in &r.partials {
            writeln!(w, "  line {}: {}", p.line, p.text.trim())?;
        }
    }
    if !r.problems.is_empty() {
        writeln!(w, "\nParse notes:")?;
        for p in &r.problems {
            writeln!(w, "  line {}: {}", p.line, p.description)?;
        }
    }
    Ok(())
}
