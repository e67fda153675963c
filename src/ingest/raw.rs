//! Raw SIP: messages back to back, CRLF or LF, with or without junk around them.

use super::{Format, Ingested, Item};
use crate::sip::parse_start_line;
use std::borrow::Cow;

/// Finds start lines at the beginning of input lines and cuts the input between them.
pub fn extract<'a>(input: &'a str, out: &mut Ingested<'a>) {
    let starts: Vec<_> = crate::text::lines(input).filter(|l| parse_start_line(l.text).is_ok()).collect();
    for (i, l) in starts.iter().enumerate() {
        let end = starts.get(i + 1).map_or(input.len(), |n| n.offset);
        let text = &input[l.offset..end];
        let text = match crate::sip::frame_len(text) {
            Some(n) if n <= text.len() => &text[..n],
            _ => text,
        };
        out.note_format(Format::RawSip);
        out.items.push(Item {
            text: Cow::Borrowed(text),
            format: Format::RawSip,
            first_line: l.no,
            line_map: None,
            time: None,
            time_text: None,
            src: None,
            dst: None,
            transport: None,
            direction: None,
        });
    }
}
