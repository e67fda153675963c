//! Pastes from chats, tickets and web pages: Markdown fences, `> ` quoting, indented blocks,
//! lines hard-wrapped by the tool, messages whose line breaks were flattened to spaces, CLI
//! prompts and separator lines. None of these is a format of its own: they wrap the others.

use super::lines::{is_known_header, is_token_char};

/// How the lines of one message are prefixed, decided from its start line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode<'a> {
    /// Lines are the message lines.
    Plain,
    /// Every line is indented by this many columns (Markdown code, logcat, RFC text).
    Indent(usize),
    /// Every line carries this exact prefix (`> `, `> > `).
    Quote(&'a str),
    /// Every line carries a prefix of this shape: same bytes, digits may differ
    /// (`[Aug  5 11:43:53] `, `[date] VERBOSE[pid] file.c: `).
    Shape(&'a str),
}

impl<'a> Mode<'a> {
    /// The message text of a line under this mode, or `None` when the line does not carry the
    /// prefix (the message has ended). Returns the text and the column it starts at.
    pub(crate) fn strip(self, s: &str) -> Option<(&str, usize)> {
        match self {
            Mode::Plain => Some((s, 0)),
            Mode::Indent(n) => {
                let b = s.as_bytes();
                let ws = b.iter().take_while(|&&c| c == b' ' || c == b'\t').count();
                if ws >= n {
                    Some((&s[n..], n))
                } else if ws == b.len() {
                    Some(("", b.len()))
                } else {
                    None
                }
            }
            Mode::Quote(q) => {
                if let Some(r) = s.strip_prefix(q) {
                    Some((r, q.len()))
                } else if s.trim_end() == q.trim_end() {
                    Some(("", s.len()))
                } else {
                    None
                }
            }
            Mode::Shape(p) => {
                if same_shape(p, s) && s.is_char_boundary(p.len()) {
                    Some((&s[p.len()..], p.len()))
                } else {
                    let t = p.trim_end();
                    let short = s.len() >= t.len() && p.get(..s.len()).is_some_and(|q| same_shape(q, s));
                    short.then_some(("", s.len()))
                }
            }
        }
    }
}

/// `s` starts with `prefix` where bytes are equal or both digits (or digit vs. space, for
/// right-aligned numbers).
pub(crate) fn same_shape(prefix: &str, s: &str) -> bool {
    let (p, b) = (prefix.as_bytes(), s.as_bytes());
    if b.len() < p.len() {
        return false;
    }
    p.iter().zip(b).all(|(&x, &y)| {
        x == y
            || (x.is_ascii_digit() && y.is_ascii_digit())
            || (x == b' ' && y.is_ascii_digit())
            || (x.is_ascii_digit() && y == b' ')
    })
}

/// The mode for a start line with prefix `lead`, given the line after it.
pub(crate) fn mode_for<'a>(lead: &'a str, next: Option<&str>) -> Mode<'a> {
    if lead.is_empty() {
        return Mode::Plain;
    }
    let Some(next) = next else { return Mode::Plain };
    if lead.bytes().all(|b| b == b' ' || b == b'\t') {
        let m = Mode::Indent(lead.len());
        return if m.strip(next).is_some() { m } else { Mode::Plain };
    }
    if lead.bytes().all(|b| b == b'>' || b == b' ' || b == b'\t') {
        let m = Mode::Quote(lead);
        return if m.strip(next).is_some() { m } else { Mode::Plain };
    }
    let m = Mode::Shape(lead);
    // the next line must carry the prefix with something after it, or be the bare prefix
    if m.strip(next).is_some() {
        m
    } else {
        Mode::Plain
    }
}

/// A Markdown code fence.
pub(crate) fn is_fence(s: &str) -> bool {
    let t = s.trim_start();
    t.starts_with("```") || t.starts_with("~~~")
}

/// A CLI prompt (`voip001*CLI> `, `freeswitch@FS01> `, `asterisk*CLI> sip set debug on`).
pub(crate) fn is_prompt(s: &str) -> bool {
    let t = s.trim_start();
    let word = t.split([' ', '\t']).next().unwrap_or("");
    word.len() >= 3
        && word.ends_with('>')
        && !word.starts_with('<')
        && (word.contains("CLI>") || (word.contains('@') && !word.contains(':')) || word == "fs_cli>")
}

/// A line that ends a message in every format: separators, terminators, fences, prompts.
pub(crate) fn is_terminator(s: &str) -> bool {
    let t = s.trim();
    let b = t.as_bytes();
    if b.is_empty() {
        return false;
    }
    match b[0] {
        b'<' => t.starts_with("<--"),
        b'-' => {
            t == "--end msg--"
                || (b.len() >= 8 && b.iter().all(|&c| c == b'-'))
                || (t.starts_with("--- (") && t.contains(" headers "))
        }
        b'=' => b.len() >= 8 && b.iter().all(|&c| c == b'='),
        b'#' => b.iter().all(|&c| c == b'#') || t.starts_with("# ") || t.starts_with("## "),
        b'`' | b'~' => is_fence(t),
        _ => is_prompt(t),
    }
}

/// How a line that is not a header continues the previous message line, when it was wrapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Wrap {
    /// Rejoin, with this separator; `true` when the previous line's trailing `\` is dropped.
    Join(&'static str, bool),
    /// It may be a wrapped line, but how to rejoin it is not sure.
    Ambiguous,
    /// Not a continuation.
    No,
}

/// Decides whether `cont` continues `prev` (the text of the previous message line piece, whose
/// physical line is `prev_phys_len` long).
pub(crate) fn wrap(prev: &str, prev_phys_len: u32, cont: &str) -> Wrap {
    let p = prev.as_bytes();
    let Some(&last) = p.last() else { return Wrap::No };
    let first = cont.as_bytes().first().copied().unwrap_or(b' ');
    if last == b'\\' {
        return Wrap::Join("", true);
    }
    if last == b',' {
        return Wrap::Join(" ", false);
    }
    if b";=<:@/(".contains(&last) || b";,=@".contains(&first) {
        return Wrap::Join("", false);
    }
    let opens = p.iter().filter(|&&c| c == b'<').count();
    let closes = p.iter().filter(|&&c| c == b'>').count();
    if opens > closes {
        return Wrap::Join("", false);
    }
    if p.iter().filter(|&&c| c == b'"').count() % 2 == 1 {
        return Wrap::Join(" ", false);
    }
    if last == b' ' {
        return Wrap::Join("", false);
    }
    if prev_phys_len >= 72 {
        return Wrap::Join("", false);
    }
    if prev.len() >= 60 {
        return Wrap::Ambiguous;
    }
    Wrap::No
}

/// Splits a line holding a whole message whose line breaks became spaces (`… to UDP
/// 1.2.3.4:5060: INVITE sip:x SIP/2.0 Via: SIP/2.0/UDP … Max-Forwards: 70 …`), or the
/// continuation of one (`… Supported: … Content-Type: … Content-Length: 331`), or a flattened
/// SDP (`v=0 o=- … s=…`). Segments are slices of `s`.
pub(crate) fn split_flattened(s: &str) -> Option<Vec<&str>> {
    let b = s.as_bytes();
    // flattened SDP, possibly quoted
    let body = s.trim_start_matches(['>', ' ', '\t']);
    if body.starts_with("v=0 o=") {
        let mut segs = Vec::new();
        // the first segment keeps the quote marker, so quoting stays visible to the framer
        let mut from = 0;
        let mut i = s.len() - body.len() + 3;
        while i + 2 < b.len() {
            if b[i] == b' ' && b[i + 1].is_ascii_lowercase() && b[i + 2] == b'=' {
                segs.push(&s[from..i]);
                from = i + 1;
            }
            i += 1;
        }
        segs.push(&s[from..]);
        return (segs.len() >= 3).then_some(segs);
    }
    let bounds = header_bounds(s);
    let start = embedded_start(s, &bounds);
    match start {
        Some(st) => {
            let mut segs = Vec::new();
            let pre = s[..st].trim_end();
            if !pre.is_empty() {
                segs.push(pre);
            }
            let mut from = st;
            for &h in bounds.iter().filter(|&&h| h > st) {
                segs.push(s[from..h].trim_end());
                from = h;
            }
            segs.push(s[from..].trim_end());
            Some(segs)
        }
        None if bounds.len() >= 3 && b.len() >= 100 => {
            let mut segs = Vec::new();
            let mut from = 0;
            for &h in &bounds {
                segs.push(s[from..h].trim_end());
                from = h;
            }
            segs.push(s[from..].trim_end());
            Some(segs)
        }
        None => None,
    }
}

/// Byte positions where a known header name starts after a space (`… Max-Forwards: 70`).
fn header_bounds(s: &str) -> Vec<usize> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    for c in memchr::memchr_iter(b':', b) {
        if b.get(c + 1) != Some(&b' ') {
            continue;
        }
        let mut n = c;
        while n > 0 && is_token_char(b[n - 1]) {
            n -= 1;
        }
        if n == 0 || n == c || b[n - 1] != b' ' {
            continue;
        }
        let name = &s[n..c];
        if is_known_header(name) || name.starts_with("X-") || name.starts_with("P-") {
            out.push(n);
        }
    }
    out
}

/// Where a flattened start line begins: `METHOD uri SIP/2.0` or `SIP/2.0 NNN reason` directly
/// followed by a header boundary.
fn embedded_start(s: &str, bounds: &[usize]) -> Option<usize> {
    let first_bound = *bounds.first()?;
    let b = s.as_bytes();
    for p in super::lines::find_iter(b, b"SIP/2.0 ") {
        if p >= first_bound {
            break;
        }
        // response: `SIP/2.0 NNN reason Via:` — the next bound comes after it
        if b.get(p + 8..p + 11).is_some_and(|d| d.iter().all(u8::is_ascii_digit))
            && b.get(p + 11) == Some(&b' ')
            && (p == 0 || !is_token_char(b[p - 1]))
        {
            return Some(p);
        }
        // request: `... SIP/2.0 Via:` — the version is right before the first bound
        if p + 8 == first_bound && p > 0 && b[p - 1] == b' ' {
            let uri_end = p - 1;
            let mut u = uri_end;
            while u > 0 && b[u - 1] != b' ' {
                u -= 1;
            }
            if u == uri_end || u == 0 || !s[u..uri_end].contains(':') {
                continue;
            }
            let m_end = u - 1;
            let mut m = m_end;
            while m > 0 && b[m - 1].is_ascii_uppercase() {
                m -= 1;
            }
            if m_end - m >= 3 && (m == 0 || !b[m - 1].is_ascii_alphanumeric()) {
                return Some(m);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes() {
        assert_eq!(Mode::Indent(4).strip("    Via: x"), Some(("Via: x", 4)));
        assert_eq!(Mode::Indent(4).strip(""), Some(("", 0)));
        assert_eq!(Mode::Indent(4).strip("  x"), None);
        assert_eq!(Mode::Quote("> ").strip(">"), Some(("", 1)));
        let p = "[Aug  5 11:43:53] ";
        assert_eq!(Mode::Shape(p).strip("[Aug  5 11:43:54] Via: x"), Some(("Via: x", p.len())));
        assert_eq!(Mode::Shape(p).strip("[Aug  5 11:43:54]"), Some(("", 17)));
        assert_eq!(Mode::Shape(p).strip("Via: x"), None);
        assert_eq!(mode_for("[Aug  5 11:43:53] ", Some("Via: x")), Mode::Plain);
        assert_eq!(mode_for("    ", Some("    Via: x")), Mode::Indent(4));
    }

    #[test]
    fn terminators_and_prompts() {
        for t in [
            "<------------->",
            "--end msg--",
            "   ------------------------------------",
            "```",
            "```txt",
            "#",
            "####",
            "--- (12 headers 0 lines) ---",
            "voip001*CLI> ",
            "freeswitch@FS01> ",
        ] {
            assert!(is_terminator(t), "{t:?}");
        }
        for t in ["--7a9cbec02ceef655", "Via: x", "<sip:a@b>", "", "-"] {
            assert!(!is_terminator(t), "{t:?}");
        }
    }

    #[test]
    fn wraps() {
        assert_eq!(wrap("Proxy-Authenticate: Digest realm=\"x\",", 40, "nonce=\"1\""), Wrap::Join(" ", false));
        assert_eq!(wrap("Contact: <sip:a@b;\\", 20, "target=x>"), Wrap::Join("", true));
        assert_eq!(wrap("To: <sip:999@h;pn-tok=eYdDnqGNB", 190, "CNwobf>"), Wrap::Join("", false));
        assert_eq!(wrap("Content-Length: ...", 19, "* SDP goes here *"), Wrap::No);
        assert_eq!(wrap(&"x".repeat(65), 65, "abc"), Wrap::Ambiguous);
    }

    #[test]
    fn flattened() {
        let s = "00:00:07.167 pjsua_core.c TX 910 bytes Request msg INVITE/cseq=21755 (tdta0x3f) to UDP 192.0.2.7:5060: INVITE sip:101@192.0.2.7:5060 SIP/2.0 Via: SIP/2.0/UDP 192.0.2.2:5060;rport;branch=z9hG4bKPj Max-Forwards: 70 From: sip:111@192.0.2.7;tag=F To: sip:101@192.0.2.7 Call-ID: x0K CSeq: 21755 INVITE";
        let segs = split_flattened(s).unwrap();
        assert_eq!(segs[1], "INVITE sip:101@192.0.2.7:5060 SIP/2.0");
        assert_eq!(segs[2], "Via: SIP/2.0/UDP 192.0.2.2:5060;rport;branch=z9hG4bKPj");
        assert_eq!(segs.last(), Some(&"CSeq: 21755 INVITE"));
        assert!(split_flattened("Via: SIP/2.0/UDP 192.0.2.2:5060;rport;branch=z9hG4bKPj-a-long-branch-value-here-x")
            .is_none());
        let sdp = split_flattened("> v=0 o=- 1 1 IN IP4 192.0.2.1 s=pjmedia t=0 0 m=audio 4000 RTP/AVP 0").unwrap();
        assert_eq!(sdp, vec!["> v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=pjmedia", "t=0 0", "m=audio 4000 RTP/AVP 0"]);
    }
}
