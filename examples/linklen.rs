//! Link length of each trace file: `cargo run --release --example linklen -- PATH...` walks the
//! files and folders given and prints one JSON line per text file:
//! `{"path", "bytes", "ours", "plain", "text"}` — `ours` is the length of the `#v1.…` fragment
//! sipdiag makes for the whole file, `plain` the same payload compressed without the preset
//! dictionary (for comparison), `text` the decoded text (so other tools compress the very same
//! string). Binary files (captures) are skipped. Used by benches/linklen/run.sh.

use sipdiag::permalink::{base64url_encode, encode_trace, TraceLink};
use std::path::{Path, PathBuf};

fn walk(p: &Path, out: &mut Vec<PathBuf>) {
    if p.is_dir() {
        let mut entries: Vec<PathBuf> =
            std::fs::read_dir(p).into_iter().flatten().flatten().map(|e| e.path()).collect();
        entries.sort();
        for e in entries {
            walk(&e, out);
        }
    } else if p.is_file() {
        out.push(p.to_path_buf());
    }
}

fn main() {
    let mut files = Vec::new();
    for a in std::env::args().skip(1) {
        walk(Path::new(&a), &mut files);
    }
    for f in files {
        let Ok(bytes) = std::fs::read(&f) else { continue };
        let data = ["md", "json", "tsv", "csv", "toml"];
        if bytes.contains(&0) || f.extension().and_then(|e| e.to_str()).is_some_and(|e| data.contains(&e)) {
            continue;
        }
        let text = sipdiag::cli::decode(&bytes);
        let link = TraceLink { input: text.clone(), ..Default::default() };
        let Ok(ours) = encode_trace(&link) else { continue };
        // the same payload (a TLV input field) with plain raw DEFLATE, for comparison
        let mut plain = String::new();
        let mut payload = vec![1u8];
        let mut n = text.len() as u64;
        loop {
            let b = (n & 0x7f) as u8;
            n >>= 7;
            if n == 0 {
                payload.push(b);
                break;
            }
            payload.push(b | 0x80);
        }
        payload.extend_from_slice(text.as_bytes());
        let mut packed = vec![0u8; 3];
        packed.extend(miniz_oxide::deflate::compress_to_vec(&payload, 10));
        base64url_encode(&packed, &mut plain);
        let line = serde_json::json!({
            "path": f.display().to_string(),
            "bytes": bytes.len(),
            "ours": ours.len(),
            "plain": plain.len() + 4,
            "text": text,
        });
        println!("{line}");
    }
}
