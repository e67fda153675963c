//! Writes the side-by-side corpus: `corpus.sip` (messages back to back, CRLF), `corpus.idx`
//! (`offset<TAB>len` per message, bytes) and `truth.tsv` (what each message says).
//!
//! `gen-corpus [OUT_DIR] [MESSAGES]` — defaults `out` and 20000 (about 12.9 MB).

#[path = "../../../sipgen/mod.rs"]
mod sipgen;

use std::fmt::Write as _;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = std::path::PathBuf::from(args.next().unwrap_or_else(|| "out".into()));
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(20_000);
    std::fs::create_dir_all(&dir)?;
    let mut text = String::with_capacity(n * 700);
    let mut idx = String::new();
    let mut truth = String::from(sipgen::Truth::COLUMNS);
    truth.push('\n');
    let (mut v6, mut compact, mut sdp) = (0, 0, 0);
    for m in sipgen::Messages::new(20_000).take(n) {
        let _ = writeln!(idx, "{}\t{}", text.len(), m.text.len());
        text.push_str(&m.text);
        truth.push_str(&m.truth.tsv());
        truth.push('\n');
        v6 += usize::from(m.truth.via_host.contains(':'));
        compact += usize::from(m.text.contains("\r\nv: "));
        sdp += usize::from(m.truth.sdp_port > 0);
    }
    std::fs::write(dir.join("corpus.sip"), &text)?;
    std::fs::write(dir.join("corpus.idx"), idx)?;
    std::fs::write(dir.join("truth.tsv"), truth)?;
    println!(
        "corpus: {n} messages, {:.2} MB ({v6} IPv6, {compact} compact headers, {sdp} with SDP) in {}",
        text.len() as f64 / 1e6,
        dir.display()
    );
    Ok(())
}
