//! Seed maker for the targets whose inputs cannot simply be copied from the corpus.
//!
//! ```text
//! cargo run --release --example seeds -- permalink <dir with traces>... <out dir>
//! cargo run --release --example seeds -- capture <dir with captures>... <out dir>
//! ```
//!
//! `permalink`: every text trace becomes valid links made the way the share dialog makes them
//! (whole trace, each call, diagnosis only), as bare fragments, full URLs and mail-wrapped text.
//! `capture`: every pcap/pcapng becomes its head and a series of small files (the file header
//! plus a window of consecutive packets), so that packets deep in a large capture fit under the
//! fuzzer's `-max_len`; a few are cut mid-packet.
use sipdiag::diagnose::Options;
use sipdiag::permalink::{self, Link, Selection};
use sipdiag::Analysis;
use std::path::{Path, PathBuf};

/// Longest seed written (the runs use `-max_len` of this size).
const MAX: usize = 4096;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 3 {
        eprintln!("usage: seeds permalink|capture <in dir>... <out dir>");
        std::process::exit(2);
    }
    let out = PathBuf::from(&args[args.len() - 1]);
    std::fs::create_dir_all(&out).expect("out dir");
    let mut files = Vec::new();
    for d in &args[1..args.len() - 1] {
        walk(Path::new(d), &mut files);
    }
    let n = match args[0].as_str() {
        "permalink" => files.iter().map(|f| permalink_seeds(f, &out)).sum::<usize>(),
        "capture" => files.iter().map(|f| capture_seeds(f, &out)).sum::<usize>(),
        m => panic!("unknown mode {m}"),
    };
    println!("{n}");
}

fn walk(p: &Path, out: &mut Vec<PathBuf>) {
    if p.is_dir() {
        let mut v: Vec<PathBuf> = std::fs::read_dir(p).into_iter().flatten().flatten().map(|e| e.path()).collect();
        v.sort();
        for e in v {
            walk(&e, out);
        }
    } else if p.is_file() {
        out.push(p.to_path_buf());
    }
}

fn stem(f: &Path) -> String {
    f.file_name().map(|s| s.to_string_lossy().replace(|c: char| !c.is_ascii_alphanumeric(), "_")).unwrap_or_default()
}

fn write(out: &Path, name: String, bytes: &[u8]) -> usize {
    if bytes.len() > MAX {
        return 0;
    }
    std::fs::write(out.join(name), bytes).expect("write seed");
    1
}

fn permalink_seeds(f: &Path, out: &Path) -> usize {
    let Ok(bytes) = std::fs::read(f) else { return 0 };
    if bytes.contains(&0)
        || sipdiag::pcap::is_capture(&bytes)
        || f.extension().is_some_and(|e| !matches!(e.to_str(), Some("txt" | "log" | "dat" | "sip")))
    {
        return 0;
    }
    let text = sipdiag::cli::decode(&bytes);
    let ing = sipdiag::ingest(&text);
    let options = Options { profile: None, pbx: Some("asterisk".into()), symptom: None };
    let a = Analysis::new(&ing, &options);
    let mut links = Vec::new();
    links.push(Link::Trace(permalink::trace_link(&a, &options, Selection { call: Some(0), message: Some(1) })));
    for c in 0..a.calls.calls.len().min(4) as u32 {
        links.push(Link::Trace(permalink::call_link(&a, &options, c, Some(0))));
    }
    links.push(Link::Diagnosis(permalink::diagnosis_link(&a, &options, None)));
    if !a.calls.calls.is_empty() {
        links.push(Link::Diagnosis(permalink::diagnosis_link(&a, &options, Some(0))));
    }
    let mut n = 0;
    for (i, l) in links.iter().enumerate() {
        let Ok(frag) = permalink::encode(l) else { continue };
        let name = stem(f);
        let p = payload(l);
        assert_eq!(permalink::decode(&seal(&p)).as_ref(), Ok(l), "payload seed of {name} does not open");
        n += write(out, format!("{name}.{i}.payload"), &p);
        n += write(out, format!("{name}.{i}.frag"), frag.as_bytes());
        if i == 1 {
            n += write(out, format!("{name}.{i}.url"), format!("https://sipdiag.example/{frag}").as_bytes());
            let wrapped: Vec<&str> =
                frag.as_bytes().chunks(76).map(|c| std::str::from_utf8(c).unwrap_or_default()).collect();
            n += write(out, format!("{name}.{i}.wrapped"), format!("  {}\n", wrapped.join("\r\n ")).as_bytes());
        }
    }
    n
}

/// The fuzz target's payload form of a link: NUL, the kind, the uncompressed payload.
fn payload(l: &Link) -> Vec<u8> {
    let mut out = vec![0];
    match l {
        Link::Diagnosis(d) => {
            out.push(b'd');
            out.extend(serde_json::to_vec(d).expect("json"));
        }
        Link::Trace(t) => {
            out.push(b'v');
            let mut field = |tag: u8, v: &[u8]| {
                out.push(tag);
                varint(&mut out, v.len() as u64);
                out.extend_from_slice(v);
            };
            for (tag, v) in [(2, &t.profile), (3, &t.pbx), (4, &t.symptom), (5, &t.call_id)] {
                if let Some(v) = v {
                    field(tag, v.as_bytes());
                }
            }
            if let Some(line) = t.line {
                let mut v = Vec::new();
                varint(&mut v, u64::from(line));
                field(6, &v);
            }
            field(1, t.input.as_bytes());
        }
    }
    out
}

/// A link made from a payload seed the way the fuzz target makes it (plain DEFLATE).
fn seal(p: &[u8]) -> String {
    let body = &p[2..];
    let mut h: u32 = 0x811c_9dc5;
    for &b in body {
        h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
    }
    let h = (h >> 24) ^ (h & 0x00ff_ffff);
    let mut bytes = vec![(h >> 16) as u8, (h >> 8) as u8, h as u8];
    bytes.extend(miniz_oxide::deflate::compress_to_vec(body, 1));
    let mut s = format!("#{}1.", p[1] as char);
    permalink::base64url_encode(&bytes, &mut s);
    s
}

fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push(v as u8 | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Where the packets start and where each one ends (pcap records or pcapng blocks).
fn packets(b: &[u8]) -> Option<(usize, Vec<usize>)> {
    let u32_at = |i: usize, le: bool| -> Option<usize> {
        let w: [u8; 4] = b.get(i..i + 4)?.try_into().ok()?;
        Some(if le { u32::from_le_bytes(w) } else { u32::from_be_bytes(w) } as usize)
    };
    let magic = u32_at(0, true)?;
    let mut ends = Vec::new();
    if magic == 0x0A0D_0D0A {
        // pcapng: keep every block before the first packet block as the header.
        let le = b.get(8..12)? == [0x4D, 0x3C, 0x2B, 0x1A];
        let (mut i, mut head) = (0, None);
        while let (Some(kind), Some(len)) = (u32_at(i, le), u32_at(i + 4, le)) {
            if len < 12 || i + len > b.len() {
                break;
            }
            if matches!(kind, 3 | 6) && head.is_none() {
                head = Some(i);
            }
            i += len;
            if head.is_some() {
                ends.push(i);
            }
        }
        Some((head?, ends))
    } else {
        let le = matches!(magic, 0xA1B2_C3D4 | 0xA1B2_3C4D);
        let mut i = 24;
        while let Some(len) = u32_at(i + 8, le) {
            if i + 16 + len > b.len() {
                break;
            }
            i += 16 + len;
            ends.push(i);
        }
        Some((24, ends))
    }
}

fn capture_seeds(f: &Path, out: &Path) -> usize {
    let Ok(b) = std::fs::read(f) else { return 0 };
    if !sipdiag::pcap::is_capture(&b) {
        return 0;
    }
    let name = stem(f);
    let mut n = write(out, format!("{name}.head"), &b[..b.len().min(MAX)]);
    let Some((head, ends)) = packets(&b) else { return n };
    // Windows of consecutive packets, each under MAX with the header, at most 40 per file.
    let mut start = head;
    let mut windows = Vec::new();
    let mut last = head;
    for &e in &ends {
        if e - start + head > MAX - 64 {
            if last > start {
                windows.push((start, last));
            }
            start = last;
        }
        last = e;
    }
    if last > start {
        windows.push((start, last));
    }
    let step = windows.len().div_ceil(40).max(1);
    for (k, &(s, e)) in windows.iter().enumerate().step_by(step) {
        let mut seed = b[..head].to_vec();
        seed.extend_from_slice(&b[s..e]);
        n += write(out, format!("{name}.w{k}"), &seed);
        if k % 5 == 0 {
            // cut in the middle of the window's last packet
            n += write(out, format!("{name}.w{k}.cut"), &seed[..seed.len() - (e - s).min(40) / 2]);
        }
    }
    n += write(out, format!("{name}.hdr"), &b[..head.min(b.len())]);
    n
}
