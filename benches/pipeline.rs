//! The whole pipeline on generated traces: ingest, parse, diagnose (`Analysis::new`), for traces
//! of 1, 10 and 100 MB in four log shapes (raw SIP, Asterisk pjsip logger, sngrep export,
//! FreeSWITCH siptrace). Prints MB/s and messages/s per size and shape, and the time per MB
//! for each size ("the curve"): the pipeline must cost the same per MB at every size.
//!
//! ```text
//! cargo bench --bench pipeline                         # all shapes, 1/10/100 MB
//! cargo bench --bench pipeline -- --sizes 1,10 --shapes raw,sofia --iters 5
//! ```
//!
//! A small timing harness instead of criterion (which would weigh on every `cargo test`):
//! one warm-up run, then N timed runs, the median reported (benches/sipgen/timing.rs). Times
//! are CPU time of the benchmark thread, so other work on the machine does not skew them; the
//! "load" column is wall time over CPU time. Generation is not timed.

#[path = "sipgen/mod.rs"]
mod sipgen;

use sipdiag::diagnose::Options;
use sipdiag::{ingest, sip, Analysis};
use sipgen::timing::{measure, Sample};
use sipgen::Shape;

const MB: usize = 1_000_000;

struct Args {
    sizes: Vec<usize>,
    shapes: Vec<Shape>,
    /// Timed runs per measurement (0: chosen by size).
    iters: usize,
}

fn args() -> Args {
    let mut a = Args { sizes: vec![1, 10, 100], shapes: Shape::ALL.to_vec(), iters: 0 };
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        match k.as_str() {
            "--sizes" => {
                a.sizes = it.next().unwrap_or_default().split(',').filter_map(|s| s.trim().parse().ok()).collect()
            }
            "--shapes" => {
                let want = it.next().unwrap_or_default();
                a.shapes = Shape::ALL.iter().copied().filter(|s| want.split(',').any(|w| w == s.name())).collect();
            }
            "--iters" => a.iters = it.next().and_then(|s| s.parse().ok()).unwrap_or(0),
            _ => {} // `--bench` and filters from cargo
        }
    }
    a
}

struct Row {
    shape: Shape,
    mb: usize,
    bytes: usize,
    generated: usize,
    found: usize,
    parsed: usize,
    calls: usize,
    findings: usize,
    ingest: Sample,
    parse: Sample,
    full: Sample,
}

impl Row {
    fn ms_per_mb(&self) -> f64 {
        self.full.best().as_secs_f64() * 1e3 / (self.bytes as f64 / MB as f64)
    }
}

fn main() {
    let a = args();
    let opts = Options::default();
    let mut rows = Vec::new();
    println!("sipdiag pipeline benchmark (median of N runs after a warm-up; generation not timed)");
    println!(
        "{:<7} {:>5} {:>8} {:>8} | {:>10} {:>10} {:>10} | {:>8} {:>9} | {:>9} | {:>4}",
        "shape", "MB", "msgs", "found", "ingest", "+parse", "+diagnose", "MB/s", "msg/s", "ms per MB", "load"
    );
    for &shape in &a.shapes {
        for &mb in &a.sizes {
            let (text, generated) = sipgen::trace(shape, mb * MB, 7);
            let iters = if a.iters > 0 { a.iters } else { (30 / mb.max(1)).clamp(3, 11) };
            let ing = ingest(&text);
            let found = ing.items.len();
            let an = Analysis::new(&ing, &opts);
            let (parsed, calls, findings) = (an.messages.len(), an.calls.calls.len(), an.findings.len());
            drop(an);
            drop(ing);
            let t_ingest = measure(iters, || ingest(&text).items.len());
            let t_parse = measure(iters, || {
                let ing = ingest(&text);
                ing.items.iter().filter_map(|i| sip::parse(&i.text).ok()).map(|m| m.headers.len()).sum::<usize>()
            });
            let t_full = measure(iters, || {
                let ing = ingest(&text);
                Analysis::new(&ing, &opts).findings.len()
            });
            let r = Row {
                shape,
                mb,
                bytes: text.len(),
                generated,
                found,
                parsed,
                calls,
                findings,
                ingest: t_ingest,
                parse: t_parse,
                full: t_full,
            };
            let ms = |x: &Sample| x.best().as_secs_f64() * 1e3;
            println!(
                "{:<7} {:>5} {:>8} {:>8} | {:>8.1}ms {:>8.1}ms {:>8.1}ms | {:>8.1} {:>9.0} | {:>9.2} | {:>4.2}",
                shape.name(),
                mb,
                r.generated,
                r.found,
                ms(&r.ingest),
                ms(&r.parse),
                ms(&r.full),
                r.full.mbps(r.bytes),
                r.parsed as f64 / r.full.best().as_secs_f64(),
                r.ms_per_mb(),
                r.full.load(),
            );
            rows.push(r);
        }
    }
    println!();
    println!("throughput per stage (MB/s of input; each stage includes the ones before it)");
    println!(
        "{:<7} {:>5} | {:>9} {:>9} {:>10} | {:>7} {:>6} {:>8}",
        "shape", "MB", "ingest", "+parse", "+diagnose", "parsed", "calls", "findings"
    );
    for r in &rows {
        println!(
            "{:<7} {:>5} | {:>9.1} {:>9.1} {:>10.1} | {:>7} {:>6} {:>8}",
            r.shape.name(),
            r.mb,
            r.ingest.mbps(r.bytes),
            r.parse.mbps(r.bytes),
            r.full.mbps(r.bytes),
            r.parsed,
            r.calls,
            r.findings
        );
    }
    println!();
    println!("the curve: full pipeline, ms per MB at each size (linear = the same number at every size)");
    for &shape in &a.shapes {
        let mine: Vec<&Row> = rows.iter().filter(|r| r.shape == shape).collect();
        let per_mb: Vec<f64> = mine.iter().map(|r| r.ms_per_mb()).collect();
        let cells: Vec<String> = mine.iter().zip(&per_mb).map(|(r, p)| format!("{:>4} MB: {:>6.2}", r.mb, p)).collect();
        let growth = match (per_mb.first(), per_mb.last()) {
            (Some(f), Some(l)) if per_mb.len() > 1 && *f > 0.0 => format!("x{:.2} from smallest to largest", l / f),
            _ => String::new(),
        };
        println!("{:<7} {}   {}", shape.name(), cells.join("  "), growth);
    }
}
