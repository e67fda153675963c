//! Shared pieces of the side-by-side benchmark: the fields every parser must read from each
//! message, sipdiag's own reading of them (the same code runs natively and as wasm), the memchr
//! floor, the corpus files and the correctness check against the generator's truth.

pub use sipdiag;

use sipdiag::sip;
use std::fmt::Write as _;

/// What a parser read from one message. Reused across messages (cleared, never reallocated
/// once warm), so filling it costs every parser the same few copies.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Fields {
    /// The message was parsed at all.
    pub parsed: bool,
    pub via_branch: String,
    pub via_host: String,
    pub from_tag: String,
    pub to_tag: String,
    pub call_id: String,
    pub cseq_num: u32,
    pub cseq_method: String,
    pub contact_host: String,
    pub sdp_c: String,
    pub sdp_port: u16,
}

impl Fields {
    pub fn clear(&mut self) {
        self.parsed = false;
        self.via_branch.clear();
        self.via_host.clear();
        self.from_tag.clear();
        self.to_tag.clear();
        self.call_id.clear();
        self.cseq_num = 0;
        self.cseq_method.clear();
        self.contact_host.clear();
        self.sdp_c.clear();
        self.sdp_port = 0;
    }

    /// A cheap digest the timed loops fold, so no field read can be optimised away.
    pub fn digest(&self) -> u64 {
        let len = |s: &String| s.len() as u64;
        len(&self.via_branch)
            + 3 * len(&self.via_host)
            + 5 * len(&self.from_tag)
            + 7 * len(&self.to_tag)
            + 11 * len(&self.call_id)
            + 13 * u64::from(self.cseq_num)
            + 17 * len(&self.cseq_method)
            + 19 * len(&self.contact_host)
            + 23 * len(&self.sdp_c)
            + 29 * u64::from(self.sdp_port)
            + u64::from(self.parsed)
    }
}

/// Names of the checked fields, in [`FieldErrors`] order.
pub const FIELD_NAMES: [&str; 9] =
    ["via_branch", "via_host", "from_tag", "to_tag", "call_id", "cseq", "contact", "sdp_c", "sdp_m"];

/// Per-field error counts of one parser over the corpus.
#[derive(Debug, Default, Clone)]
pub struct FieldErrors {
    pub unparsed: u32,
    pub wrong: [u32; 9],
    /// Messages with every field right.
    pub correct: u32,
}

/// A host as compared: brackets off, IP addresses in canonical form, names lower-case.
pub fn norm_host(h: &str) -> String {
    let h = h.trim().trim_start_matches('[').trim_end_matches(']');
    match h.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.to_string(),
        Err(_) => h.to_ascii_lowercase(),
    }
}

impl FieldErrors {
    pub fn check(&mut self, got: &Fields, want: &Fields) {
        if !got.parsed {
            self.unparsed += 1;
            return;
        }
        let ok = [
            got.via_branch == want.via_branch,
            norm_host(&got.via_host) == norm_host(&want.via_host),
            got.from_tag == want.from_tag,
            got.to_tag == want.to_tag,
            got.call_id == want.call_id,
            got.cseq_num == want.cseq_num && got.cseq_method == want.cseq_method,
            norm_host(&got.contact_host) == norm_host(&want.contact_host),
            norm_host(&got.sdp_c) == norm_host(&want.sdp_c),
            got.sdp_port == want.sdp_port,
        ];
        for (w, ok) in self.wrong.iter_mut().zip(ok) {
            *w += u32::from(!ok);
        }
        self.correct += u32::from(ok.iter().all(|&b| b));
    }

    /// `via_host 1234, contact 99` for the fields that went wrong.
    pub fn summary(&self) -> String {
        let mut s = String::new();
        if self.unparsed > 0 {
            let _ = write!(s, "unparsed {}", self.unparsed);
        }
        for (n, w) in FIELD_NAMES.iter().zip(self.wrong) {
            if w > 0 {
                if !s.is_empty() {
                    s.push_str(", ");
                }
                let _ = write!(s, "{n} {w}");
            }
        }
        s
    }
}

/// sipdiag's work on one message: parse it (start line, headers, the grammar checks, SDP
/// check) and read the typed fields.
pub fn sipdiag_fields(msg: &str, f: &mut Fields) {
    let Ok(m) = sip::parse(msg) else { return };
    f.parsed = true;
    if let Some(v) = m.top_via() {
        f.via_branch.push_str(v.branch.unwrap_or(""));
        f.via_host.push_str(v.host);
    }
    if let Some(a) = m.from() {
        f.from_tag.push_str(a.tag().unwrap_or(""));
    }
    if let Some(a) = m.to() {
        f.to_tag.push_str(a.tag().unwrap_or(""));
    }
    f.call_id.push_str(m.call_id().unwrap_or(""));
    if let Some(c) = m.cseq() {
        f.cseq_num = c.seq;
        f.cseq_method.push_str(c.method.as_str());
    }
    if let Some(u) = m.contacts().next().and_then(|c| c.parsed_uri()) {
        f.contact_host.push_str(u.host);
    }
    if let Some(sdp) = m.sdp() {
        if let Some(media) = sdp.media.first() {
            f.sdp_c.push_str(media.address.unwrap_or(""));
            f.sdp_port = media.port;
        }
    }
}

/// sipdiag's parse alone: start line, headers split and named, grammar checks; no field read.
pub fn sipdiag_split(msg: &str, f: &mut Fields) {
    if let Ok(m) = sip::parse(msg) {
        f.parsed = true;
        f.cseq_num = m.headers.len() as u32;
    }
}

/// The floor: find every line end and the header/body split, nothing else.
pub fn memchr_floor(msg: &str, f: &mut Fields) {
    let b = msg.as_bytes();
    let lines = memchr::memchr_iter(b'\n', b).count();
    let split = memchr::memmem::find(b, b"\r\n\r\n").map_or(b.len(), |i| i + 4);
    f.parsed = true;
    f.cseq_num = lines as u32;
    f.sdp_port = (b.len() - split) as u16;
}

/// Message slices of the corpus from `(offset, len)` pairs.
pub fn slices<'a>(text: &'a str, offsets: &[u32]) -> Vec<&'a str> {
    offsets
        .chunks_exact(2)
        .filter_map(|c| text.get(c[0] as usize..(c[0] as usize).saturating_add(c[1] as usize)))
        .collect()
}

/// Runs `parse` over every message once; the folded digest.
pub fn run_once(msgs: &[&str], f: &mut Fields, parse: &dyn Fn(&str, &mut Fields)) -> u64 {
    let mut d = 0u64;
    for m in msgs {
        f.clear();
        parse(m, f);
        d = d.wrapping_add(f.digest());
    }
    d
}

/// The corpus as the generator wrote it (native only).
pub struct Corpus {
    pub text: String,
    /// `(offset, len)` pairs, in bytes.
    pub offsets: Vec<u32>,
    pub truth: Vec<Fields>,
}

impl Corpus {
    pub fn load(dir: &std::path::Path) -> std::io::Result<Corpus> {
        let text = std::fs::read_to_string(dir.join("corpus.sip"))?;
        let offsets = std::fs::read_to_string(dir.join("corpus.idx"))?
            .lines()
            .flat_map(|l| l.split('\t').map(|n| n.parse::<u32>().unwrap_or(0)).collect::<Vec<_>>())
            .collect();
        let truth = std::fs::read_to_string(dir.join("truth.tsv"))?
            .lines()
            .skip(1)
            .map(|l| {
                let c: Vec<&str> = l.split('\t').collect();
                let g = |i: usize| c.get(i).copied().unwrap_or("").to_string();
                Fields {
                    parsed: true,
                    via_branch: g(0),
                    via_host: g(1),
                    from_tag: g(2),
                    to_tag: g(3),
                    call_id: g(4),
                    cseq_num: g(5).parse().unwrap_or(0),
                    cseq_method: g(6),
                    contact_host: g(7),
                    sdp_c: g(8),
                    sdp_port: g(9).parse().unwrap_or(0),
                }
            })
            .collect();
        Ok(Corpus { text, offsets, truth })
    }
}

#[cfg(test)]
#[path = "../../sipgen/mod.rs"]
mod sipgen;

#[cfg(test)]
mod tests {
    use super::*;

    fn truth_fields(t: &sipgen::Truth) -> Fields {
        Fields {
            parsed: true,
            via_branch: t.via_branch.clone(),
            via_host: t.via_host.clone(),
            from_tag: t.from_tag.clone(),
            to_tag: t.to_tag.clone(),
            call_id: t.call_id.clone(),
            cseq_num: t.cseq_num,
            cseq_method: t.cseq_method.clone(),
            contact_host: t.contact_host.clone(),
            sdp_c: t.sdp_c.clone(),
            sdp_port: t.sdp_port,
        }
    }

    #[test]
    fn sipdiag_reads_every_generated_field() {
        let mut errs = FieldErrors::default();
        let mut f = Fields::default();
        let (mut v6, mut compact) = (0, 0);
        for m in sipgen::Messages::new(20_000).take(3000) {
            f.clear();
            sipdiag_fields(&m.text, &mut f);
            errs.check(&f, &truth_fields(&m.truth));
            v6 += usize::from(m.truth.via_host.contains(':'));
            compact += usize::from(m.text.contains("\r\nv: "));
        }
        // the corpus really has the hard cases
        assert!(v6 > 500 && compact > 500, "v6 {v6}, compact {compact}");
        assert_eq!((errs.correct, errs.summary()), (3000, String::new()));
    }

    #[test]
    fn hosts_compare_without_brackets_and_in_canonical_form() {
        for (a, b, same) in [
            ("[2001:db8:0:0::1]", "2001:db8::1", true),
            ("192.0.2.1", "192.0.2.1", true),
            ("Example.COM", "example.com", true),
            ("[2001", "2001:db8::1", false),
            ("", "192.0.2.1", false),
        ] {
            assert_eq!(norm_host(a) == norm_host(b), same, "{a} vs {b}");
        }
    }

    #[test]
    fn errors_are_counted_per_field() {
        let want = Fields { parsed: true, via_branch: "z9hG4bK1".into(), cseq_num: 1, ..Default::default() };
        let mut errs = FieldErrors::default();
        errs.check(&want, &want);
        errs.check(&Fields { via_branch: "x".into(), ..want.clone() }, &want);
        errs.check(&Fields::default(), &want);
        assert_eq!((errs.correct, errs.unparsed, errs.summary()), (1, 1, "unparsed 1, via_branch 1".to_string()));
    }

    #[test]
    fn the_floor_and_the_digest_see_the_split() {
        let mut f = Fields::default();
        memchr_floor("OPTIONS sip:a@b SIP/2.0\r\nl: 4\r\n\r\nabcd", &mut f);
        assert_eq!((f.cseq_num, f.sdp_port), (3, 4));
        let msgs = slices("abcdef", &[0, 3, 3, 3, 5, 9]);
        assert_eq!(msgs, vec!["abc", "def"]);
    }
}
