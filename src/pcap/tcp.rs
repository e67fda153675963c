//! TCP stream reassembly for SIP (and HEP) over TCP: one byte stream per direction of each
//! connection (4-tuple), ordered by sequence number (retransmissions and overlaps dropped,
//! out-of-order segments held until the hole fills), then cut into messages by the SIP framing
//! rule (blank line + Content-Length, via [`crate::sip::frame_len`]). Several messages in one
//! segment and one message over several segments both come out as whole messages, each stamped
//! with the packet that completed it (as Wireshark shows it).
//!
//! A stream is classified by its first bytes: SIP (a start line, also mid-stream after a capture
//! began inside a message), HEP v3, TLS (encrypted: reported, never read) or other (ignored).
//! Memory is bounded per stream; a hole the capture never fills is skipped and reported.

use super::{ascii_view, find_sip_start, is_tls_record, sip_start};
use std::collections::HashMap;
use std::net::SocketAddr;

/// What the reassembler tells the capture reader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A whole SIP message.
    Sip { data: Vec<u8>, number: u32, micros: i64, src: SocketAddr, dst: SocketAddr },
    /// A whole HEP v3 packet.
    Hep { data: Vec<u8>, number: u32, micros: i64 },
    /// The connection carries TLS records.
    Tls { number: u32, src: SocketAddr, dst: SocketAddr },
    /// Bytes of a SIP stream are missing from the capture (at `number`); `lost_message` when a
    /// message that had started was lost with them.
    Gap { number: u32, lost_message: bool },
    /// The capture ended inside a SIP message that started at packet `number`.
    Unfinished { number: u32 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Unknown,
    Sip,
    Hep,
    Tls,
    Other,
}

/// Held out-of-order data per stream before a hole is declared lost.
const MAX_PENDING: usize = 512 * 1024;
/// A SIP message larger than this is not framed (garbage, or a stream that is not SIP after all).
const MAX_MESSAGE: usize = 1024 * 1024;
/// Segments of an unclassified stream scanned for a SIP start line before giving up.
const CLASSIFY_SEGMENTS: u8 = 4;

struct Stream {
    src: SocketAddr,
    dst: SocketAddr,
    class: Class,
    /// Next expected sequence number (wrapping) and the same, unwrapped.
    next_seq: u32,
    next_abs: u64,
    buf: Vec<u8>,
    start: usize,
    /// (end offset in `buf`, packet number, time) of each appended segment.
    marks: Vec<(usize, u32, i64)>,
    /// Out-of-order segments, sorted by unwrapped sequence number: (seq, data, packet, time).
    /// (A sorted Vec, not a BTreeMap: few entries, and less code in wasm.)
    pending: Vec<(u64, Vec<u8>, u32, i64)>,
    pending_bytes: usize,
    seen_segments: u8,
    /// After lost bytes, look for the next start line instead of framing from here.
    resync: bool,
}

impl Stream {
    fn new(src: SocketAddr, dst: SocketAddr, seq: u32) -> Stream {
        Stream {
            src,
            dst,
            class: Class::Unknown,
            next_seq: seq,
            next_abs: 0,
            buf: Vec::new(),
            start: 0,
            marks: Vec::new(),
            pending: Vec::new(),
            pending_bytes: 0,
            seen_segments: 0,
            resync: false,
        }
    }

    fn append(&mut self, data: &[u8], number: u32, micros: i64, out: &mut Vec<Event>) {
        self.next_seq = self.next_seq.wrapping_add(data.len() as u32);
        self.next_abs += data.len() as u64;
        match self.class {
            Class::Tls | Class::Other => return,
            _ => {}
        }
        self.buf.extend_from_slice(data);
        self.marks.push((self.buf.len(), number, micros));
        self.process(out);
    }

    /// The packet that holds byte `pos - 1` of `buf`.
    fn mark_at(&self, end: usize) -> (u32, i64) {
        self.marks.iter().find(|m| m.0 >= end).or(self.marks.last()).map_or((0, 0), |m| (m.1, m.2))
    }

    fn classify(&mut self, out: &mut Vec<Event>) {
        let avail = &self.buf[self.start..];
        let first_mark = self.marks.first().map_or(0, |m| m.1);
        if is_tls_record(avail) {
            self.class = Class::Tls;
            out.push(Event::Tls { number: first_mark, src: self.src, dst: self.dst });
        } else if super::hep::is_hep3(avail) {
            self.class = Class::Hep;
        } else if sip_start(avail) {
            self.class = Class::Sip;
        } else if let Some(at) = find_sip_start(avail) {
            // The capture began inside a message: start at the next one.
            self.class = Class::Sip;
            self.start += at;
        } else {
            self.seen_segments = self.seen_segments.saturating_add(1);
            if self.seen_segments >= CLASSIFY_SEGMENTS || avail.len() > 64 * 1024 {
                self.class = Class::Other;
            }
        }
        if matches!(self.class, Class::Tls | Class::Other) {
            self.buf = Vec::new();
            self.marks = Vec::new();
            self.start = 0;
        }
    }

    fn process(&mut self, out: &mut Vec<Event>) {
        if self.class == Class::Unknown {
            self.classify(out);
        }
        match self.class {
            Class::Sip => self.frame_sip(out),
            Class::Hep => self.frame_hep(out),
            _ => {}
        }
        self.compact();
    }

    fn frame_sip(&mut self, out: &mut Vec<Event>) {
        loop {
            let avail = &self.buf[self.start..];
            // Keepalives (CRLF pings) and padding between messages.
            let ws = avail.iter().take_while(|b| matches!(b, b'\r' | b'\n' | b' ' | b'\t' | 0)).count();
            self.start += ws;
            let avail = &self.buf[self.start..];
            if avail.is_empty() {
                return;
            }
            if self.resync || !sip_start(avail) {
                match find_sip_start(avail) {
                    Some(at) => {
                        self.start += at;
                        self.resync = false;
                        continue;
                    }
                    None => {
                        // Keep only a trailing partial line: it may be a start line that the
                        // next segment completes.
                        let keep = avail.iter().rposition(|&b| b == b'\n').map_or(avail.len(), |i| avail.len() - i - 1);
                        if keep < 1024 {
                            self.start = self.buf.len() - keep;
                        } else {
                            self.start = self.buf.len();
                        }
                        self.resync = true;
                        return;
                    }
                }
            }
            let view = ascii_view(avail);
            let n = match crate::sip::frame_len(&view) {
                None => {
                    if avail.len() > MAX_MESSAGE {
                        self.start = self.buf.len();
                        self.resync = true;
                    }
                    return;
                }
                Some(n) if n < view.len() => n,
                Some(n) => {
                    // `frame_len` stops at the end of the text: one more byte tells whether
                    // the message wants more (an incomplete body) or ends exactly here.
                    let mut probe = String::with_capacity(view.len() + 1);
                    probe.push_str(&view);
                    probe.push('\0');
                    if crate::sip::frame_len(&probe) != Some(n) {
                        if avail.len() > MAX_MESSAGE {
                            self.start = self.buf.len();
                            self.resync = true;
                        }
                        return;
                    }
                    n
                }
            };
            let n = n.max(1);
            let end = self.start + n;
            let (number, micros) = self.mark_at(end);
            out.push(Event::Sip { data: avail[..n].to_vec(), number, micros, src: self.src, dst: self.dst });
            self.start = end;
        }
    }

    fn frame_hep(&mut self, out: &mut Vec<Event>) {
        loop {
            let avail = &self.buf[self.start..];
            if avail.len() < 6 {
                return;
            }
            if !super::hep::is_hep3(avail) {
                self.class = Class::Other;
                self.start = self.buf.len();
                return;
            }
            let total = u16::from_be_bytes([avail[4], avail[5]]) as usize;
            if total < 6 {
                self.class = Class::Other;
                self.start = self.buf.len();
                return;
            }
            if avail.len() < total {
                return;
            }
            let end = self.start + total;
            let (number, micros) = self.mark_at(end);
            out.push(Event::Hep { data: avail[..total].to_vec(), number, micros });
            self.start = end;
        }
    }

    fn compact(&mut self) {
        if self.start == 0 {
            return;
        }
        if self.start >= self.buf.len() {
            self.buf.clear();
            self.marks.clear();
            self.start = 0;
            return;
        }
        if self.start < 64 * 1024 && self.start * 2 < self.buf.len() {
            return;
        }
        let s = self.start;
        self.buf.drain(..s);
        self.marks.retain(|m| m.0 > s);
        for m in &mut self.marks {
            m.0 -= s;
        }
        self.start = 0;
    }

    /// Gives up on the hole before the first pending segment.
    fn skip_hole(&mut self, out: &mut Vec<Event>) {
        let Some(&(abs, _, lost_number, _)) = self.pending.first() else { return };
        if self.class == Class::Sip || self.class == Class::Unknown {
            let lost_message = self.buf[self.start..].iter().any(|b| !b.is_ascii_whitespace());
            out.push(Event::Gap { number: lost_number, lost_message });
            self.start = self.buf.len();
            self.resync = true;
            self.compact();
        }
        let skip = abs.saturating_sub(self.next_abs);
        self.next_abs = abs;
        self.next_seq = self.next_seq.wrapping_add(skip as u32);
        self.drain_pending(out);
    }

    fn drain_pending(&mut self, out: &mut Vec<Event>) {
        while self.pending.first().is_some_and(|p| p.0 <= self.next_abs) {
            let (abs, data, number, micros) = self.pending.remove(0);
            self.pending_bytes -= data.len();
            let skip = (self.next_abs - abs) as usize;
            if skip < data.len() {
                self.append(&data[skip..], number, micros, out);
            }
        }
    }

    fn segment(&mut self, seq: u32, data: &[u8], number: u32, micros: i64, out: &mut Vec<Event>) {
        let d = seq.wrapping_sub(self.next_seq) as i32 as i64;
        if d <= 0 {
            let skip = (-d) as usize;
            if skip >= data.len() {
                return; // a retransmission of bytes already read
            }
            self.append(&data[skip..], number, micros, out);
            self.drain_pending(out);
            return;
        }
        if matches!(self.class, Class::Tls | Class::Other) {
            // Nothing is read from these: follow the sequence without holding data.
            self.next_seq = seq.wrapping_add(data.len() as u32);
            self.next_abs += d as u64 + data.len() as u64;
            return;
        }
        let abs = self.next_abs + d as u64;
        match self.pending.binary_search_by_key(&abs, |p| p.0) {
            Ok(i) => {
                // the same segment again: keep the longer copy
                if self.pending[i].1.len() >= data.len() {
                    return;
                }
                self.pending_bytes -= self.pending[i].1.len();
                self.pending[i] = (abs, data.to_vec(), number, micros);
            }
            Err(i) => self.pending.insert(i, (abs, data.to_vec(), number, micros)),
        }
        self.pending_bytes += data.len();
        while self.pending_bytes > MAX_PENDING {
            self.skip_hole(out);
        }
    }

    fn finish(&mut self, out: &mut Vec<Event>) {
        while !self.pending.is_empty() {
            self.skip_hole(out);
        }
        if self.class == Class::Sip && !self.resync {
            let avail = &self.buf[self.start..];
            if avail.iter().any(|b| !b.is_ascii_whitespace() && *b != 0) && sip_start(avail) {
                let number = self.mark_at(self.start + 1).0;
                out.push(Event::Unfinished { number });
            }
        }
    }
}

/// All TCP streams of a capture, in order of first appearance (so that the end of the
/// capture flushes them in a fixed order).
#[derive(Default)]
pub struct Streams {
    slots: Vec<Option<Stream>>,
    index: HashMap<(SocketAddr, SocketAddr), usize>,
}

impl Streams {
    fn slot(&mut self, key: (SocketAddr, SocketAddr)) -> &mut Option<Stream> {
        let n = self.slots.len();
        let i = *self.index.entry(key).or_insert(n);
        if i == n {
            self.slots.push(None);
        }
        &mut self.slots[i]
    }

    /// Feeds one segment. `wire_len` is the payload length on the wire: more than `data.len()`
    /// when the capture cut the packet (the missing bytes are treated as lost).
    #[allow(clippy::too_many_arguments)]
    pub fn segment(
        &mut self,
        src: SocketAddr,
        dst: SocketAddr,
        seq: u32,
        flags: u8,
        data: &[u8],
        wire_len: usize,
        number: u32,
        micros: i64,
        out: &mut Vec<Event>,
    ) {
        use super::net::{TCP_RST, TCP_SYN};
        let slot = self.slot((src, dst));
        if flags & TCP_SYN != 0 {
            // A new connection on the same 4-tuple starts afresh.
            if let Some(mut old) = slot.take() {
                old.finish(out);
            }
            *slot = Some(Stream::new(src, dst, seq.wrapping_add(1)));
            return;
        }
        if data.is_empty() {
            if flags & TCP_RST != 0 {
                if let Some(mut old) = slot.take() {
                    old.finish(out);
                }
            }
            return;
        }
        let s = slot.get_or_insert_with(|| Stream::new(src, dst, seq));
        s.segment(seq, data, number, micros, out);
        if wire_len > data.len() {
            // The capture kept only the first bytes (snap length): the rest is lost for good.
            let end = seq.wrapping_add(wire_len as u32);
            let ahead = end.wrapping_sub(s.next_seq) as i32;
            if ahead > 0 {
                if s.class == Class::Sip {
                    out.push(Event::Gap { number, lost_message: true });
                }
                s.start = s.buf.len();
                s.resync = true;
                s.compact();
                s.next_seq = end;
                s.next_abs += ahead as u64;
                s.drain_pending(out);
            }
        }
    }

    /// Ends every stream (end of capture).
    pub fn finish(&mut self, out: &mut Vec<Event>) {
        self.index.clear();
        for mut s in std::mem::take(&mut self.slots).into_iter().flatten() {
            s.finish(out);
        }
    }
}
