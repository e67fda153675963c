//! Small text helpers shared by the ingesters and the parser: line iteration with 1-based line
//! numbers and byte offsets, trimming, and case-insensitive prefix tests. No allocation.

/// One line of input: its 1-based number, the byte offset where it starts, and its text without
/// the line ending (`\n`, `\r\n` or a lone `\r` at the end are removed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line<'a> {
    pub no: u32,
    pub offset: usize,
    pub text: &'a str,
}

/// Iterates over the lines of `s`. A final line without a terminator is yielded too; an empty
/// input yields nothing.
pub fn lines(s: &str) -> Lines<'_> {
    Lines { rest: s, offset: 0, no: 0 }
}

pub struct Lines<'a> {
    rest: &'a str,
    offset: usize,
    no: u32,
}

impl<'a> Iterator for Lines<'a> {
    type Item = Line<'a>;
    fn next(&mut self) -> Option<Line<'a>> {
        if self.rest.is_empty() {
            return None;
        }
        self.no = self.no.saturating_add(1);
        let (text, used) = match memchr::memchr(b'\n', self.rest.as_bytes()) {
            Some(i) => (&self.rest[..i], i + 1),
            None => (self.rest, self.rest.len()),
        };
        let text = text.strip_suffix('\r').unwrap_or(text);
        let line = Line { no: self.no, offset: self.offset, text };
        self.rest = &self.rest[used..];
        self.offset += used;
        Some(line)
    }
}

/// ASCII case-insensitive `starts_with`.
pub fn starts_with_ci(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len() && s.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

/// Trims SP and HTAB (SIP's linear white space) from both ends.
pub fn trim_lws(s: &str) -> &str {
    s.trim_matches(|c| c == ' ' || c == '\t')
}

/// The 1-based line number of byte `offset` in `s` (counting `\n`).
pub fn line_of(s: &str, offset: usize) -> u32 {
    let end = offset.min(s.len());
    memchr::memchr_iter(b'\n', &s.as_bytes()[..end]).count() as u32 + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_keep_numbers_and_offsets() {
        let got: Vec<_> = lines("a\r\nbb\n\nc").map(|l| (l.no, l.offset, l.text)).collect();
        assert_eq!(got, vec![(1, 0, "a"), (2, 3, "bb"), (3, 6, ""), (4, 7, "c")]);
        assert_eq!(lines("").count(), 0);
        assert_eq!(line_of("a\nb\nc", 4), 3);
    }
}
