//! The walk over the input: banners, start lines, message framing and context.
//!
//! A message starts at a SIP start line that is followed by a header line. Whatever comes
//! before the start line on its line (the *lead*) decides how the following lines are read:
//! nothing (raw), indentation, `> ` quoting, or a log prefix repeated on every line (same
//! shape, digits may differ). A lead that is not repeated (tcpdump bytes, `SEND: `) is glued to
//! the start line only.
//!
//! The message then runs through its headers to the blank line, and through a body as long as
//! Content-Length says — counted with CRLF, since logs print LF — but never past a banner, a
//! start line (except inside a `message/sipfrag` body), a log line, a separator, or a line that
//! lacks the lead. An SDP body with no Content-Length, or one longer than the text holds, ends
//! at a blank line or the first line that is not SDP. Lines wrapped by a chat or mail tool are
//! rejoined when the join is clear (see `chat::wrap`); header-looking lines left without their
//! start line become `UnreadableMessage` problems, banners without their message `Truncated`.

use super::banner::{self, Banner};
use super::chat::{self, Mode, Wrap};
use super::lines::{self, header_name, is_blank, is_header_line, is_known_header, is_sdp_line, VLine};
use super::raw::find_start;
use super::{partial, Format, Ingested, Item, Partial, Problem, ProblemKind};
use crate::sip::parse_start_line;
use std::borrow::Cow;

/// Where a message starts.
#[derive(Debug, Clone, Copy)]
struct Start<'a> {
    idx: usize,
    /// Byte column of the start line in its line.
    col: usize,
    /// Lines joined into the start line (a `\`-continued or wrapped request line).
    extra: usize,
    mode: Mode<'a>,
    /// ngrep prints CR as a trailing `.`.
    dots: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Join {
    /// A new message line.
    Line,
    /// Appended to the previous message line with this separator (a rejoined wrap).
    Concat(&'static str),
}

/// A piece of a message: a range of one input line.
#[derive(Debug, Clone, Copy)]
struct Piece {
    line: usize,
    start: usize,
    end: usize,
    join: Join,
    /// The line had its trailing `.` (ngrep CR) removed.
    dotted: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Headers,
    Body,
}

struct Pending<'a> {
    banner: Banner<'a>,
    line: u32,
    seen: u8,
}

/// Consecutive header-looking lines outside any message.
#[derive(Default)]
struct Fragment {
    first: u32,
    count: u32,
    known: bool,
}

struct Scan<'a, 'o> {
    input: &'a str,
    lines: Vec<VLine<'a>>,
    out: &'o mut Ingested<'a>,
    pieces: Vec<Piece>,
    /// The message being framed prints CR as a trailing `.` (ngrep).
    dots: bool,
    /// Its body is a SIP message fragment (`message/sipfrag`): start lines are body there.
    sipfrag: bool,
}

/// Finds every message, partial and problem in `input`.
pub(crate) fn scan<'a>(input: &'a str, out: &mut Ingested<'a>) {
    let lines = lines::build(input);
    let mut sc = Scan { input, lines, out, pieces: Vec::with_capacity(64), dots: false, sipfrag: false };
    sc.run();
}

impl<'a> Scan<'a, '_> {
    fn run(&mut self) {
        let n = self.lines.len();
        let mut pending: Option<Pending<'a>> = None;
        let mut frag = Fragment::default();
        let mut i = 0;
        while i < n {
            let l = self.lines[i];
            if is_blank(l.text) {
                self.end_fragment(&mut frag);
                i += 1;
                continue;
            }
            if super::wireshark::starts(l.text) {
                self.end_fragment(&mut frag);
                self.out.note_format(Format::Wireshark);
                if let Some((item, end)) = super::wireshark::frame(&self.lines, i) {
                    self.out.items.push(item);
                    i = end;
                    continue;
                }
                // a collapsed tree: the headers were not exported
                self.out.problems.push(Problem { kind: ProblemKind::UnreadableMessage, line: l.no });
            }
            // a start line first: it is the common case, and no banner holds one
            let ngrep = pending.as_ref().is_some_and(|p| p.banner.format == Format::Ngrep);
            if let Some(st) = self.find_start(i, ngrep) {
                self.end_fragment(&mut frag);
                let meta = pending.take().map(|p| p.banner);
                i = self.frame(st, meta);
                continue;
            }
            if let Some(b) = banner::detect(&self.lines, i) {
                self.end_fragment(&mut frag);
                self.drop_pending(&mut pending);
                self.out.note_format(b.format);
                pending = Some(Pending { banner: b, line: l.no, seen: 0 });
                i += 1;
                continue;
            }
            if let Some(p) = pending.as_mut() {
                // a log prefix with nothing after it is a blank line of that log
                if !prefix_only(l.text) {
                    p.seen = p.seen.saturating_add(1);
                    if p.seen > p.banner.gap {
                        self.drop_pending(&mut pending);
                    }
                }
            }
            self.context(i, &mut frag);
            i += 1;
        }
        self.end_fragment(&mut frag);
        self.drop_pending(&mut pending);
    }

    /// A banner whose message never came: the message was cut off.
    fn drop_pending(&mut self, pending: &mut Option<Pending<'a>>) {
        if let Some(p) = pending.take() {
            self.out.problems.push(Problem { kind: ProblemKind::Truncated, line: p.line });
        }
    }

    fn end_fragment(&mut self, f: &mut Fragment) {
        if f.count >= 2 && f.known {
            self.out.problems.push(Problem { kind: ProblemKind::UnreadableMessage, line: f.first });
        }
        *f = Fragment::default();
    }

    /// A line outside any message: header remnants, one-line evidence, unreadable encodings.
    fn context(&mut self, i: usize, frag: &mut Fragment) {
        let l = self.lines[i];
        let t = l.text;
        let s = t.trim_start_matches(['>', ' ', '\t']);
        let s = s.strip_suffix('.').unwrap_or(s);
        match header_name(s) {
            Some(name) => {
                if frag.count == 0 {
                    frag.first = l.no;
                    // a request line without its version right before (`INVITE sip:a@b`)
                    if let Some(p) = i.checked_sub(1).map(|j| self.lines[j].text) {
                        let mut w = p.split(' ');
                        let (m, u) = (w.next().unwrap_or(""), w.next().unwrap_or(""));
                        if w.next().is_none()
                            && m.len() >= 3
                            && m.bytes().all(|c| c.is_ascii_uppercase())
                            && u.contains(':')
                        {
                            frag.first = self.lines[i - 1].no;
                        }
                    }
                }
                frag.count += 1;
                frag.known |= is_known_header(name);
            }
            None => {
                // SDP, folded lines or one damaged line may sit among headers; anything else
                // ends the remnant
                if !(is_sdp_line(s) || t.starts_with([' ', '\t']) || self.known_header_at(i + 1, Mode::Plain)) {
                    self.end_fragment(frag);
                }
            }
        }
        let listed = t.starts_with(' ') && super::wireshark::summary_with_details(&self.lines, i);
        if let Some((status, method)) =
            (!listed).then(|| self.start_partial(t).or_else(|| partial::detect(t))).flatten()
        {
            self.out.note_format(Format::LogLine);
            self.out.partials.push(Partial {
                line: l.no,
                text: t.trim(),
                status,
                method,
                time: banner::line_time(t).map(|(ts, _)| ts),
            });
        }
        let b = t.as_bytes();
        if b.len() >= 16 && memchr::memchr(b'U', b).is_some() && base64_sip(b) {
            self.out.problems.push(Problem { kind: ProblemKind::UnreadableMessage, line: l.no });
        }
    }

    /// A start line standing alone (no headers after it): evidence of its status or method.
    fn start_partial(&self, t: &str) -> Option<(Option<u16>, Option<&'a str>)> {
        let t2 = t.trim_end();
        let t2 = t2.strip_suffix('.').filter(|_| t2.ends_with("SIP/2.0.")).unwrap_or(t2);
        let col = find_start(t2)?;
        let (sl, _) = parse_start_line(&t2[col..]).ok()?;
        match sl {
            crate::sip::StartLine::Response { code, .. } => Some((Some(code).filter(|c| *c != 0), None)),
            crate::sip::StartLine::Request { method, .. } => Some((None, partial::find_method(method.as_str()))),
        }
    }

    /// The message start on line `i`, when a header line follows it.
    fn find_start(&self, i: usize, ngrep: bool) -> Option<Start<'a>> {
        let l = self.lines[i];
        let next = self.lines.get(i + 1);
        let raw = l.text;
        let dots = ngrep
            || (raw.ends_with('.') && next.is_some_and(|n| n.text.ends_with('.')) && raw.len() > 1 && {
                let t = &raw[..raw.len() - 1];
                t.ends_with("SIP/2.0") || t.starts_with("SIP/2.0 ")
            });
        let t = if dots { raw.strip_suffix('.').unwrap_or(raw) } else { raw };
        let (col, extra) = match find_start(t) {
            Some(c) => (c, 0),
            None => self.joined_start(i)?,
        };
        if extra == 0 {
            parse_start_line(&t[col..]).ok()?;
        }
        // `col` may come from a joined line: only a column that is a boundary of this line counts.
        let lead = raw.get(..col)?;
        let after = i + 1 + extra;
        let next = self.lines.get(after)?;
        let same_phys = next.no == l.no && !l.last_seg;
        let mode = if same_phys { Mode::Plain } else { chat::mode_for(lead, Some(next.text)) };
        let (nt, _) = if same_phys { (next.text, 0) } else { mode.strip(next.text)? };
        let nt = if dots { nt.strip_suffix('.').unwrap_or(nt) } else { nt };
        if !is_header_line(nt) {
            return None;
        }
        Some(Start { idx: i, col, extra, mode, dots })
    }

    /// A request line continued with `\` (RFC style) or wrapped before `SIP/2.0`: the column
    /// and how many more lines it takes.
    fn joined_start(&self, i: usize) -> Option<(usize, usize)> {
        let first = self.lines[i].text;
        let ends_bs = first.ends_with('\\');
        let next_is_version = self.lines.get(i + 1).is_some_and(|n| n.text.trim_start().starts_with("SIP/2.0"));
        if !ends_bs && !next_is_version {
            return None;
        }
        let mut joined = String::new();
        let mut k = i;
        loop {
            let t = self.lines.get(k)?.text;
            if let Some(r) = t.strip_suffix('\\') {
                joined.push_str(r);
                k += 1;
                if k - i > 6 {
                    return None;
                }
                continue;
            }
            if k == i {
                // wrapped before the version
                joined.push_str(t.trim_end());
                joined.push(' ');
                joined.push_str(self.lines.get(k + 1)?.text.trim());
                k += 1;
            } else {
                joined.push_str(t);
            }
            break;
        }
        let col = find_start(&joined)?;
        parse_start_line(&joined[col..]).ok()?;
        // the column must be in the first line
        (col < first.len()).then_some((col, k - i))
    }

    /// Frames the message at `st`, records it, and returns the index of the first line after it.
    fn frame(&mut self, st: Start<'a>, meta: Option<Banner<'a>>) -> usize {
        self.pieces.clear();
        self.dots = st.dots;
        self.sipfrag = false;
        let n = self.lines.len();
        let first = self.lines[st.idx];
        // the start line (and its continuation lines)
        {
            let (end, dotted) = strip_dot(first.text, st.dots);
            let end = if st.extra > 0 { first.text.len() - usize::from(first.text.ends_with('\\')) } else { end };
            self.pieces.push(Piece { line: st.idx, start: st.col, end, join: Join::Line, dotted });
            for k in 1..=st.extra {
                let t = self.lines[st.idx + k].text;
                let bs = usize::from(t.ends_with('\\'));
                let (sep, start) =
                    if first.text.ends_with('\\') { ("", 0) } else { (" ", t.len() - lines::trim_start_ws(t).len()) };
                self.pieces.push(Piece {
                    line: st.idx + k,
                    start,
                    end: t.len() - bs,
                    join: Join::Concat(sep),
                    dotted: false,
                });
            }
        }
        let mut mode = st.mode;
        let mut state = State::Headers;
        let mut cl: Option<u64> = None;
        let mut sdp: Option<bool> = None;
        let mut hi: u64 = 0; // body bytes counting every line end as CRLF
        let mut lo: u64 = 0; // body bytes counting line ends as written
        let mut problems: Vec<Problem> = Vec::new();
        let mut saw_blank = false;
        let mut cut = false;
        let mut i = st.idx + 1 + st.extra;
        while i < n {
            let l = self.lines[i];
            let prev = self.lines[i - 1];
            let same_phys = l.no == prev.no && !prev.last_seg;
            let (s, col) = if same_phys {
                (l.text, 0)
            } else {
                match mode.strip(l.text) {
                    Some(x) => x,
                    None => break,
                }
            };
            let (s_end, dotted) = strip_dot(s, st.dots);
            let s = &s[..s_end];
            let piece = Piece { line: i, start: col, end: col + s.len(), join: Join::Line, dotted };
            match state {
                State::Headers => {
                    if is_blank(s) {
                        self.pieces.push(piece);
                        saw_blank = true;
                        i += 1;
                        match cl {
                            Some(0) => break,
                            Some(_) => {
                                state = State::Body;
                                continue;
                            }
                            None => {
                                // no Content-Length: a body only if one plainly follows
                                let follows =
                                    self.lines.get(i).and_then(|nl| mode.strip(nl.text)).is_some_and(|(t, _)| {
                                        let t = if st.dots { t.strip_suffix('.').unwrap_or(t) } else { t };
                                        t.starts_with("v=0")
                                            || (sdp == Some(false) && !is_blank(t) && !self.is_boundary(i, t))
                                    });
                                if follows {
                                    state = State::Body;
                                    continue;
                                }
                                break;
                            }
                        }
                    }
                    let b0 = s.as_bytes()[0];
                    if b0 == b' ' || b0 == b'\t' {
                        if chat::is_terminator(s) {
                            break;
                        }
                        let ts = lines::trim_start_ws(s);
                        if matches!(mode, Mode::Plain) && !same_phys && header_name(ts).is_some_and(is_known_header) {
                            // an indented block that began flush (a flattened first line, then
                            // indented headers): read the rest as indented
                            let ind = s.len() - ts.len();
                            mode = Mode::Indent(col + ind);
                            self.note_header(ts, &mut cl, &mut sdp);
                            self.pieces.push(Piece { start: col + ind, ..piece });
                            i += 1;
                            continue;
                        }
                        // folded header line
                        self.pieces.push(piece);
                        i += 1;
                        continue;
                    }
                    if let Some(name) = header_name(s) {
                        if name.contains('.') && banner::detect(&self.lines, i).is_some() {
                            break;
                        }
                        // a call-flow label (`F7: INVITE proxy -> um`) before the next message
                        if super::lines::find(s.as_bytes(), b" -> ").is_some() && !is_known_header(name) {
                            break;
                        }
                        if name.len() == 1 || name.len() == 12 || name.len() == 14 {
                            self.note_header(s, &mut cl, &mut sdp);
                        }
                        self.pieces.push(piece);
                        i += 1;
                        continue;
                    }
                    if s.starts_with("v=") && !self.is_boundary(i, s) {
                        // a body with no blank line before it (SDP starts with `v=`)
                        state = State::Body;
                        if sdp.is_none() {
                            sdp = Some(true);
                        }
                        continue;
                    }
                    if self.is_boundary(i, s) {
                        break;
                    }
                    let last = *self.pieces.last().expect("start line pushed");
                    let last_line = self.lines[last.line];
                    let prev_text = &last_line.text[last.start..last.end];
                    // a segment counts with its physical line only when this line is the next
                    // piece of a flattened message too
                    let prev_len = if last_line.whole || (last_line.last_seg && !l.whole) {
                        last_line.phys_len
                    } else {
                        last_line.text.len() as u32
                    };
                    match chat::wrap(prev_text, prev_len, s) {
                        Wrap::Join(sep, drop_backslash) => {
                            if drop_backslash {
                                if let Some(p) = self.pieces.last_mut() {
                                    p.end -= 1;
                                }
                            }
                            self.pieces.push(Piece { join: Join::Concat(sep), ..piece });
                            i += 1;
                            continue;
                        }
                        Wrap::Ambiguous => {
                            problems.push(Problem { kind: ProblemKind::AmbiguousWrap, line: l.no });
                            self.pieces.push(piece);
                            i += 1;
                            continue;
                        }
                        Wrap::No => {
                            // a header cut off by the end of the input (`Max-Forw`)
                            if i + 1 == n && s.bytes().all(lines::is_token_char) {
                                self.pieces.push(piece);
                                cut = true;
                                i += 1;
                                break;
                            }
                            // one stray line (a page break, a damaged header) between headers: keep it,
                            // the parser reports it
                            if self.known_header_at(i + 1, mode) {
                                self.pieces.push(piece);
                                i += 1;
                                continue;
                            }
                            break;
                        }
                    }
                }
                State::Body => {
                    let is_sdp = sdp.unwrap_or_else(|| s.starts_with("v="));
                    sdp = Some(is_sdp);
                    let count = text_len(s);
                    let eol = if l.whole && !dotted { 1 + u64::from(l.crlf) } else { 2 };
                    if let Some(c) = cl {
                        if lo >= c {
                            break;
                        }
                        if hi >= c {
                            // CRLF count reached; go on only while the line plainly continues
                            let more = if is_sdp { is_sdp_line(s) } else { !is_blank(s) };
                            if !more || self.is_boundary(i, s) {
                                break;
                            }
                        }
                    }
                    if is_sdp && is_sdp_line(s) {
                        // the common case: an SDP line, which nothing else looks like
                    } else if is_sdp {
                        if is_blank(s) || self.is_boundary(i, s) {
                            break;
                        }
                        {
                            let last = *self.pieces.last().expect("start line pushed");
                            let long =
                                self.lines[last.line].phys_len >= 72 && last.end == self.lines[last.line].text.len();
                            if long && !s.contains(' ') {
                                // an SDP line wrapped by the paste
                                self.pieces.push(Piece { join: Join::Concat(""), ..piece });
                                hi += count as u64;
                                lo += count as u64;
                                i += 1;
                                continue;
                            }
                            if cl.is_none() {
                                break;
                            }
                        }
                    } else {
                        // a sipfrag body holds a start line (and headers) of its own
                        let in_frag = self.sipfrag && cl.is_some_and(|c| hi < c);
                        let boundary = if in_frag {
                            chat::is_terminator(s) || banner::detect(&self.lines, i).is_some()
                        } else {
                            self.is_boundary(i, s)
                        };
                        if boundary || (cl.is_none() && is_blank(s)) {
                            break;
                        }
                    }
                    self.pieces.push(piece);
                    hi += count as u64 + 2;
                    lo += count as u64 + eol;
                    i += 1;
                }
            }
        }
        let end = i;
        let ended_in_headers = state == State::Headers && !saw_blank;
        self.push_item(st, meta, ended_in_headers, end >= n, cut, problems);
        end
    }

    /// Line `i` is a header SIP defines, read under `mode` or indented.
    fn known_header_at(&self, i: usize, mode: Mode<'_>) -> bool {
        let Some(l) = self.lines.get(i) else { return false };
        let Some((s, _)) = mode.strip(l.text) else { return false };
        header_name(lines::trim_start_ws(s)).is_some_and(is_known_header)
    }

    /// Records Content-Length and Content-Type from a header line.
    fn note_header(&mut self, s: &str, cl: &mut Option<u64>, sdp: &mut Option<bool>) {
        let Some(name) = header_name(s) else { return };
        let value = s.split_once(':').map_or("", |(_, v)| v.trim());
        if name.eq_ignore_ascii_case("content-length") || name == "l" {
            *cl = parse_len(value);
        } else if name.eq_ignore_ascii_case("content-type") || name == "c" {
            *sdp = Some(value.get(..15).is_some_and(|v| v.eq_ignore_ascii_case("application/sdp")));
            self.sipfrag = value.get(..8).is_some_and(|v| v.eq_ignore_ascii_case("message/"));
        }
    }

    /// A line that cannot belong to the message being read.
    fn is_boundary(&self, i: usize, s: &str) -> bool {
        if chat::is_terminator(s) || partial::is_log_like(s) {
            return true;
        }
        if banner::detect(&self.lines, i).is_some() {
            return true;
        }
        find_start(s) == Some(0) && parse_start_line(s).is_ok()
    }

    fn push_item(
        &mut self,
        st: Start<'a>,
        meta: Option<Banner<'a>>,
        ended_in_headers: bool,
        at_eof: bool,
        cut: bool,
        mut problems: Vec<Problem>,
    ) {
        let (text, first_line, last_line, line_map) = self.assemble();
        let lead = &self.lines[st.idx].text[..st.col];
        let mut item = Item {
            text,
            format: Format::RawSip,
            first_line,
            line_map,
            time: None,
            time_text: None,
            src: None,
            dst: None,
            transport: None,
            direction: None,
        };
        match meta {
            Some(b) => {
                item.format = b.format;
                item.time = b.time.map(|t| t.0);
                item.time_text = b.time.map(|t| t.1);
                item.src = b.src;
                item.dst = b.dst;
                item.transport = b.transport;
                item.direction = b.direction;
            }
            None => {
                if let Some((ts, tt)) = super::time::parse_prefix(lead) {
                    item.time = Some(ts);
                    item.time_text = Some(tt);
                }
                if let Some(d) = super::applog::glued_direction(lead) {
                    item.format = Format::AppLog;
                    item.direction = Some(d);
                }
                // a Python bytes repr (`b'REGISTER …\r\n…'`)
                let sl = self.lines[st.idx];
                let off = sl.off(self.input);
                let before = off.checked_sub(2).and_then(|a| self.input.get(a..off));
                if !sl.whole && matches!(before, Some("b'" | "b\"")) {
                    item.format = Format::AppLog;
                }
            }
        }
        // a message whose headers were cut (by the end of the paste, or a grep)
        let last = self.pieces.last().map(|p| &self.lines[p.line].text[p.start..p.end]).unwrap_or("");
        let last_is_cl = header_name(last).is_some_and(|n| n.eq_ignore_ascii_case("content-length") || n == "l");
        let wire_format = matches!(
            item.format,
            Format::Ngrep
                | Format::Sngrep
                | Format::AsteriskPjsip
                | Format::AsteriskChanSip
                | Format::Sofia
                | Format::Tcpdump
                | Format::Pjsua
        );
        if cut || (ended_in_headers && !last_is_cl && (at_eof || wire_format)) {
            problems.push(Problem { kind: ProblemKind::Truncated, line: last_line });
        }
        self.out.note_format(item.format);
        self.out.problems.extend(problems);
        self.out.items.push(item);
    }

    /// The message text of the current pieces; its first and last input lines; the input line
    /// of each message line when they are not consecutive.
    fn assemble(&self) -> (Cow<'a, str>, u32, u32, Option<Box<[u32]>>) {
        let lines = &self.lines;
        let first_no = lines[self.pieces[0].line].no;
        let mut verbatim = true;
        let mut consecutive = true;
        let mut msg_line: u32 = 0;
        let mut last_no = first_no;
        for (k, p) in self.pieces.iter().enumerate() {
            let l = &lines[p.line];
            if p.join == Join::Line {
                consecutive &= l.no == first_no.saturating_add(msg_line);
                msg_line += 1;
                last_no = l.no;
            }
            let full = l.whole && p.start == 0 && p.end == l.text.len() && !p.dotted;
            let next_line = k == 0 || p.line == self.pieces[k - 1].line + 1;
            verbatim &= full && next_line && p.join == Join::Line;
        }
        let map = (!consecutive).then(|| {
            self.pieces.iter().filter(|p| p.join == Join::Line).map(|p| lines[p.line].no).collect::<Box<[u32]>>()
        });
        if verbatim {
            let a = lines[self.pieces[0].line].off(self.input);
            let b = lines[self.pieces[self.pieces.len() - 1].line].next(self.input);
            if let Some(s) = self.input.get(a..b) {
                return (Cow::Borrowed(s), first_no, last_no, map);
            }
        }
        let mut s = String::new();
        for (k, p) in self.pieces.iter().enumerate() {
            let l = &lines[p.line];
            match p.join {
                Join::Line if k > 0 => s.push_str(eol(&lines[self.pieces[k - 1].line], self.pieces[k - 1].dotted)),
                Join::Concat(sep) => s.push_str(sep),
                Join::Line => {}
            }
            s.push_str(l.text.get(p.start..p.end).unwrap_or(""));
        }
        if let Some(p) = self.pieces.last() {
            // ngrep: a last line without its `.` had no line end on the wire
            if !self.dots || p.dotted {
                s.push_str(eol(&lines[p.line], p.dotted));
            }
        }
        (Cow::Owned(s), first_no, last_no, map)
    }
}

/// A timestamped log prefix with nothing after it: `[Aug  5 11:43:53]`, or one ending in the
/// source file (`[date] VERBOSE[1][C-1] res_pjsip_logger.c:`).
fn prefix_only(t: &str) -> bool {
    let t = t.trim_end();
    let Some((_, ts)) = super::time::parse_prefix(t) else { return false };
    let ts_end = ts.as_ptr() as usize - t.as_ptr() as usize + ts.len();
    if t.get(ts_end..) == Some("]") {
        return true;
    }
    let last = t.rsplit(' ').next().unwrap_or("");
    last.len() > 3 && last.ends_with(':') && last.contains('.')
}

fn eol(l: &VLine<'_>, dotted: bool) -> &'static str {
    if l.crlf || dotted {
        "\r\n"
    } else {
        "\n"
    }
}

/// The end of `s` without an ngrep trailing `.`.
fn strip_dot(s: &str, dots: bool) -> (usize, bool) {
    if dots && s.ends_with('.') {
        (s.len() - 1, true)
    } else {
        (s.len(), false)
    }
}

/// Bytes the line had on the wire: its length, or for text decoded from Latin-1 its chars.
fn text_len(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.chars().count()
    }
}

/// Content-Length's value; an overlong number reads as huge, a bad one as unknown.
fn parse_len(v: &str) -> Option<u64> {
    let v = v.trim();
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(v.parse().unwrap_or(u64::MAX))
}

/// A base64 blob that decodes to a SIP message (`"data":"b64:U0lQLzIuMCA0MDMg…"`).
fn base64_sip(b: &[u8]) -> bool {
    const STARTS: [&[u8]; 5] = [b"U0lQLzIuMC", b"SU5WSVRFIH", b"UkVHSVNURVIg", b"T1BUSU9OUy", b"QllFIHNpc"];
    let b64 = |c: u8| c.is_ascii_alphanumeric() || c == b'+' || c == b'/';
    STARTS.iter().any(|s| super::lines::find_iter(b, s).any(|p| p == 0 || !b64(b[p - 1])))
}
