//! `sipdiag`: the native command line tool. See `sipdiag --help` and src/cli.rs.
use std::io::Write;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // stdout is line-buffered: a report of a large trace is many small writes, so buffer them.
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let code = sipdiag::cli::run(&args, &mut std::io::stdin().lock(), &mut out, &mut std::io::stderr().lock());
    // the report's own write errors are handled (and flushed) inside `run`; this is for the rest
    let _ = out.flush();
    std::process::exit(code);
}
