//! multipart/* bodies (RFC 2046 §5.1): the parts between boundary delimiter lines, each with its
//! own header block and body. Zero-copy and allocation-free.

use super::header::trim_ws;

/// One part of a multipart body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Part<'a> {
    /// The part's header lines (may be empty).
    pub headers: &'a str,
    /// The part's content (the line end before the next delimiter excluded).
    pub body: &'a str,
    /// The part's Content-Type, if it has one.
    pub content_type: Option<&'a str>,
}

impl<'a> Part<'a> {
    /// A header of this part by name (case-insensitive; `c` is Content-Type).
    pub fn header(&self, name: &str) -> Option<&'a str> {
        crate::text::lines(self.headers).find_map(|l| {
            let (n, v) = l.text.split_once(':')?;
            let n = trim_ws(n);
            let hit = n.eq_ignore_ascii_case(name) || (name.eq_ignore_ascii_case("content-type") && n == "c");
            hit.then(|| trim_ws(v))
        })
    }
}

/// Whether `line` (without its line end) is a delimiter line for `boundary`: `Some(true)` for
/// the close delimiter (`--boundary--`).
fn delimiter(line: &str, boundary: &str) -> Option<bool> {
    let rest = line.strip_prefix("--")?.strip_prefix(boundary)?;
    let (close, rest) = match rest.strip_prefix("--") {
        Some(r) => (true, r),
        None => (false, rest),
    };
    rest.bytes().all(|b| b == b' ' || b == b'\t').then_some(close)
}

/// Iterator over the parts of `body` split at `boundary` (without the leading `--`).
pub struct Parts<'a> {
    body: &'a str,
    boundary: &'a str,
    /// Byte offset where the next part starts (after a delimiter line); `None` when done.
    next: Option<usize>,
}

/// The parts of a multipart body. The preamble before the first delimiter and the epilogue
/// after the close delimiter are skipped. An empty boundary yields nothing.
pub fn parts<'a>(body: &'a str, boundary: &'a str) -> Parts<'a> {
    let mut p = Parts { body, boundary, next: None };
    if !boundary.is_empty() {
        if let Some((_, after, close)) = p.find_delimiter(0) {
            p.next = (!close).then_some(after);
        }
    }
    p
}

impl<'a> Parts<'a> {
    /// Finds the first delimiter line at or after byte `from` (which is at a line start):
    /// `(start of the line end before it, offset after the delimiter line, is close)`.
    fn find_delimiter(&self, from: usize) -> Option<(usize, usize, bool)> {
        let text = self.body.get(from..)?;
        for l in crate::text::lines(text) {
            if let Some(close) = delimiter(l.text, self.boundary) {
                let start = from + l.offset;
                let end = start + l.text.len();
                let after = match self.body.as_bytes().get(end) {
                    Some(b'\r') if self.body.as_bytes().get(end + 1) == Some(&b'\n') => end + 2,
                    Some(b'\r') | Some(b'\n') => end + 1,
                    _ => end,
                };
                // the line end before the delimiter belongs to the delimiter
                let b = self.body.as_bytes();
                let mut before = start;
                if before > from && b[before - 1] == b'\n' {
                    before -= 1;
                    if before > from && b[before - 1] == b'\r' {
                        before -= 1;
                    }
                }
                return Some((before, after, close));
            }
        }
        None
    }

    /// Whether the body holds a delimiter for the boundary at all.
    pub fn found(&self) -> bool {
        !self.boundary.is_empty() && self.find_delimiter(0).is_some()
    }
}

impl<'a> Iterator for Parts<'a> {
    type Item = Part<'a>;
    fn next(&mut self) -> Option<Part<'a>> {
        let start = self.next?;
        let end = match self.find_delimiter(start) {
            Some((before, after, close)) => {
                self.next = (!close).then_some(after);
                before
            }
            None => {
                // no close delimiter: the part runs to the end (a cut message)
                self.next = None;
                self.body.len()
            }
        };
        let text = self.body.get(start..end.max(start)).unwrap_or("");
        Some(split_part(text))
    }
}

/// Splits a part into its header block and body at the first empty line.
fn split_part(text: &str) -> Part<'_> {
    let mut headers = "";
    let mut body = text;
    for l in crate::text::lines(text) {
        if l.text.is_empty() {
            headers = &text[..l.offset];
            let after =
                (l.offset + text[l.offset..].find('\n').map_or(text.len() - l.offset, |i| i + 1)).min(text.len());
            body = &text[after..];
            break;
        }
        if l.no == 1 && !l.text.contains(':') {
            // no header block at all
            break;
        }
    }
    let mut part = Part { headers, body, content_type: None };
    part.content_type = part.header("content-type");
    part
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_parts_and_close() {
        let body = "preamble\r\n--b1\r\nContent-Type: application/sdp\r\n\r\nv=0\r\n\r\n--b1\r\nContent-Type: application/isup\r\n\r\nxx\r\n--b1--\r\nepilogue";
        let ps: Vec<_> = parts(body, "b1").collect();
        assert_eq!(ps.len(), 2);
        assert_eq!((ps[0].content_type, ps[0].body), (Some("application/sdp"), "v=0\r\n"));
        assert_eq!((ps[1].content_type, ps[1].body), (Some("application/isup"), "xx"));
        assert!(parts(body, "b1").found());
        assert!(!parts(body, "zz").found());
        assert_eq!(parts(body, "").count(), 0);
        // no headers, LF only, no close delimiter
        let ps: Vec<_> = parts("--x\n\nhello\n--x\nc: text/plain\n\nbye", "x").collect();
        assert_eq!(ps.len(), 2);
        assert_eq!((ps[0].content_type, ps[0].body), (None, "hello"));
        assert_eq!((ps[1].content_type, ps[1].body), (Some("text/plain"), "bye"));
    }
}
