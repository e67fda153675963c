//! The input as lines, and small line tests shared by every format.
//!
//! Every line borrows the input. A physical line that packs several message lines into one
//! (AudioCodes `#012` escapes, a Python bytes repr with `\r\n`, a log that flattened a message
//! onto one line) is split into segments that all carry the physical line's number.

/// One line (or one segment of a physical line) of the input. Kept small (32 bytes): a big
/// paste has millions of lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct VLine<'a> {
    /// The text, without its line terminator.
    pub text: &'a str,
    /// 1-based input line.
    pub no: u32,
    /// The physical line's length (for wrap heuristics on segments too).
    pub phys_len: u32,
    /// The whole physical line (not a segment).
    pub whole: bool,
    /// The physical line ended with CRLF.
    pub crlf: bool,
    /// Last segment of its physical line (always true for whole lines).
    pub last_seg: bool,
}

impl VLine<'_> {
    /// Byte offset of the text in `input` (which it borrows).
    pub(crate) fn off(&self, input: &str) -> usize {
        (self.text.as_ptr() as usize).wrapping_sub(input.as_ptr() as usize).min(input.len())
    }

    /// Byte offset just past the line and its terminator (for whole lines).
    pub(crate) fn next(&self, input: &str) -> usize {
        let end = self.off(input) + self.text.len();
        let eol = if self.whole { 1 + usize::from(self.crlf) } else { 0 };
        (end + eol).min(input.len())
    }
}

/// Splits the input into lines, expanding packed lines.
pub(crate) fn build(input: &str) -> Vec<VLine<'_>> {
    let bytes = input.as_bytes();
    // a rough guess to avoid regrowing: one line per ~40 bytes
    let mut out = Vec::with_capacity(bytes.len() / 40 + 4);
    let mut pos = 0;
    let mut no: u32 = 0;
    while pos < bytes.len() {
        no = no.saturating_add(1);
        let (end, next) = match memchr::memchr(b'\n', &bytes[pos..]) {
            Some(i) => (pos + i, pos + i + 1),
            None => (bytes.len(), bytes.len()),
        };
        let mut text = &input[pos..end];
        let crlf = text.ends_with('\r');
        if crlf {
            text = &text[..text.len() - 1];
        }
        let line =
            VLine { text, no, whole: true, crlf, phys_len: text.len().min(u32::MAX as usize) as u32, last_seg: true };
        if text.len() < 60 || !expand(line, &mut out) {
            out.push(line);
        }
        pos = next;
    }
    out
}

/// Pushes the segments of a packed line; false when the line is not packed.
fn expand<'a>(line: VLine<'a>, out: &mut Vec<VLine<'a>>) -> bool {
    let segs = super::audiocodes::split_escaped(line.text)
        .or_else(|| super::applog::split_bytes_repr(line.text))
        .or_else(|| super::chat::split_flattened(line.text));
    let Some(segs) = segs else { return false };
    if segs.len() < 2 {
        return false;
    }
    let n = segs.len();
    for (k, s) in segs.into_iter().enumerate() {
        out.push(VLine { text: s, whole: false, last_seg: k + 1 == n, ..line });
    }
    true
}

/// RFC 3261 token characters: the parser's table.
pub(crate) use crate::sip::is_token_byte as is_token_char;

/// `Name: value` (the name a token with at least one letter; space allowed before the colon).
pub(crate) fn is_header_line(s: &str) -> bool {
    header_name(s).is_some()
}

/// The header name of a `Name: value` line.
pub(crate) fn header_name(s: &str) -> Option<&str> {
    let b = s.as_bytes();
    let mut i = 0;
    let mut letter = false;
    while i < b.len() && is_token_char(b[i]) {
        letter |= b[i].is_ascii_alphabetic();
        i += 1;
    }
    // no SIP header name starts with a digit; log lines (`2024-01-10T09:…`) do
    if i == 0 || !letter || b[0].is_ascii_digit() {
        return None;
    }
    let name_end = i;
    while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
        i += 1;
    }
    (i < b.len() && b[i] == b':').then(|| &s[..name_end])
}

/// A header SIP defines (not an extension): its name says it is SIP.
pub(crate) fn is_known_header(name: &str) -> bool {
    name.len() > 1 && crate::sip::HeaderName::lookup(name) != crate::sip::HeaderName::Other
}

/// An SDP line (`x=...`), leniently (`m =video` as in RFC 4475).
pub(crate) fn is_sdp_line(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 2 || !b[0].is_ascii_lowercase() {
        return false;
    }
    let mut i = 1;
    while i < b.len() && b[i] == b' ' && i < 3 {
        i += 1;
    }
    b.get(i) == Some(&b'=')
}

pub(crate) fn is_blank(s: &str) -> bool {
    s.bytes().all(|b| b == b' ' || b == b'\t')
}

/// Strips leading SP/HT.
pub(crate) fn trim_start_ws(s: &str) -> &str {
    s.trim_start_matches([' ', '\t'])
}

/// Where `needle` occurs in `hay`: `memchr` on one byte of the needle, then a compare. Lines
/// are short, so this beats building a `memmem` searcher per call.
pub(crate) fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    find_from(hay, needle, 0)
}

/// [`find`] starting at byte `from`.
pub(crate) fn find_from(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    let k = needle.iter().position(|&c| c != b' ').unwrap_or(0);
    let anchor = *needle.get(k)?;
    let mut at = from.checked_add(k)?;
    while at < hay.len() {
        let p = at + memchr::memchr(anchor, &hay[at..])?;
        let start = p - k;
        if hay.get(start..start + needle.len()) == Some(needle) {
            return Some(start);
        }
        at = p + 1;
    }
    None
}

/// Every (non-overlapping) occurrence of `needle` in `hay`.
pub(crate) fn find_iter<'h, 'n>(hay: &'h [u8], needle: &'n [u8]) -> impl Iterator<Item = usize> + use<'h, 'n> {
    let mut from = 0;
    std::iter::from_fn(move || {
        let p = find_from(hay, needle, from)?;
        from = p + needle.len().max(1);
        Some(p)
    })
}

/// Case-insensitive search for an ASCII needle.
pub(crate) fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    let h = hay.as_bytes();
    let n = needle.as_bytes();
    let (&first, rest) = n.split_first()?;
    let (lo, up) = (first.to_ascii_lowercase(), first.to_ascii_uppercase());
    let mut at = 0;
    while at + n.len() <= h.len() {
        let p = at + memchr::memchr2(lo, up, &h[at..=h.len() - n.len()])?;
        if h[p + 1..p + n.len()].eq_ignore_ascii_case(rest) {
            return Some(p);
        }
        at = p + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_lines() {
        assert!(is_header_line("Via: SIP/2.0/UDP x"));
        assert!(is_header_line("Content-Length   : 150"));
        assert!(is_header_line("l:0"));
        assert!(!is_header_line("18:14:08.505 pjsua_core.c"));
        assert!(!is_header_line("a=rtpmap:0 PCMU/8000"));
        assert!(!is_header_line("uri=\"sip:4003@pbx\", algorithm=MD5,"));
        assert!(!is_header_line("I/Linphone: channel"));
        assert!(!is_header_line(""));
        assert!(is_sdp_line("v=0"));
        assert!(is_sdp_line("m =video 3227 RTP/AVP 31"));
        assert!(!is_sdp_line("Via: x"));
        assert!(!is_sdp_line("testing=123"));
    }

    #[test]
    fn build_lines() {
        let l = build("a\r\nbb\n\nc");
        let input = "a\r\nbb\n\nc";
        let got: Vec<_> = l.iter().map(|l| (l.no, l.text, l.off(input), l.next(input), l.crlf)).collect();
        assert_eq!(
            got,
            vec![(1, "a", 0, 3, true), (2, "bb", 3, 6, false), (3, "", 6, 7, false), (4, "c", 7, 8, false)]
        );
        assert_eq!(std::mem::size_of::<VLine<'_>>(), 32);
        assert!(build("").is_empty());
        assert_eq!(build("\r")[0].text, "");
    }
}
