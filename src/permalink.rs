//! Permalinks: the state of a diagnosis (input, profile, PBX, symptom, selection) encoded,
//! versioned and compressed into a URL fragment, so a shared link carries its data and no server
//! ever sees it (browsers do not send the `#…` part of a URL).
//!
//! This module owns the link formats, their compression, the length advice for the share dialog
//! and the builders for the three kinds of link the page offers (whole trace, one call,
//! diagnosis only). The byte layout is specified in docs/PERMALINK.md; in short:
//!
//! ```text
//! #v1.<base64url(check24 ‖ deflate_dict(TLV fields))>      trace link
//! #d1.<base64url(check24 ‖ deflate_dict(JSON DiagnosisLink))>   diagnosis-only link
//! ```
//!
//! `deflate_dict` is raw DEFLATE (miniz_oxide) primed with [`dictionary`], a fixed block of
//! common SIP text: a 1–2 KB trace then costs far fewer bytes than with plain DEFLATE. The
//! dictionary is part of version 1 forever; a different one needs a new version prefix.
//! `check24` is a 24-bit FNV-1a digest of the uncompressed payload, so a damaged or edited link is
//! refused instead of opening something else.
//!
//! Decoding never panics and never allocates without bound: output is capped at
//! [`MAX_DECODED`] bytes and at [`MAX_RATIO`] times the compressed size (with a 1 MiB floor).

use crate::analysis::Analysis;
use crate::diagnose::Options;
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// Prefix of a trace link, version 1.
pub const TRACE_V1: &str = "v1";
/// Prefix of a diagnosis-only link, version 1.
pub const DIAGNOSIS_V1: &str = "d1";

/// Most bytes a link may decode to (the uncompressed payload).
pub const MAX_DECODED: usize = 32 << 20;
/// Most bytes a link may decode to per compressed byte, above [`RATIO_FLOOR`]. Real traces
/// compress 3–20×; DEFLATE's worst case is about 1032×, which is what a crafted link would use.
pub const MAX_RATIO: usize = 300;
/// Below this many decoded bytes the ratio guard does not apply.
pub const RATIO_FLOOR: usize = 1 << 20;

/// Longest whole URL (page address + fragment) that opens everywhere: 2,000 characters.
///
/// Evidence: Internet Explorer and old Edge stop at 2,083 characters; on Windows, links handed to
/// the browser by desktop apps (Teams, Outlook, anything using ShellExecute) are limited by
/// `INTERNET_MAX_URL_LENGTH` = 2,048, and Microsoft's Teams documentation says its Windows client
/// cannot open longer links; "keep URLs under 2,000 characters" is the long-standing rule of thumb
/// for links that must survive any client, ticket system or search engine.
pub const SAFE_URL_LEN: usize = 2_000;

/// Longest whole URL we still offer as a working link (with a warning): 32,000 characters.
///
/// Evidence: Jira refuses comments over 32,767 characters and Slack cuts messages over 40,000, so
/// a longer link cannot even be posted whole in the common ticket and chat tools; Firefox and
/// Safari handle URLs of this size (Chrome up to 2 MB). Between [`SAFE_URL_LEN`] and this limit a
/// link works when pasted into a modern browser but may break when clicked from Windows desktop
/// apps. Longer: share one call or the diagnosis only.
pub const LONG_URL_LEN: usize = 32_000;

/// How well a link of a given length travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Fit {
    /// Opens everywhere (≤ [`SAFE_URL_LEN`]).
    Safe,
    /// Opens in browsers; some desktop apps and old browsers cut it (≤ [`LONG_URL_LEN`]).
    Long,
    /// Too long to paste into chat or ticket tools whole.
    TooLong,
}

impl Fit {
    pub fn id(self) -> &'static str {
        match self {
            Fit::Safe => "safe",
            Fit::Long => "long",
            Fit::TooLong => "too-long",
        }
    }
    pub fn description(self) -> &'static str {
        match self {
            Fit::Safe => "short enough to open from any chat, mail or ticket tool",
            Fit::Long => "opens when pasted into a browser, but some desktop apps and ticket tools cut links this long",
            Fit::TooLong => "too long to paste whole into chat or ticket tools: share one call or the diagnosis only",
        }
    }
}

/// How well a URL of `url_len` characters travels.
pub fn fit(url_len: usize) -> Fit {
    if url_len <= SAFE_URL_LEN {
        Fit::Safe
    } else if url_len <= LONG_URL_LEN {
        Fit::Long
    } else {
        Fit::TooLong
    }
}

/// Why a link could not be made or opened. Small and `Copy`; [`LinkError::description`] is the
/// sentence the page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LinkError {
    /// No `v1.` / `d1.` payload in the fragment (not a sipdiag link, or an empty one).
    NotALink,
    /// Made by a newer sipdiag (a higher version or a field this version must understand).
    FutureVersion,
    /// A character that base64url does not use.
    BadCharacter,
    /// The link ends early (cut by a chat tool, mail client or copy-paste).
    Truncated,
    /// The data does not check out (edited or damaged link).
    Corrupt,
    /// It would decode to more than the decoder allows (or is too large to encode).
    TooLarge,
    /// A text field is not valid UTF-8.
    BadText,
}

impl LinkError {
    pub fn id(self) -> &'static str {
        match self {
            LinkError::NotALink => "not_a_link",
            LinkError::FutureVersion => "future_version",
            LinkError::BadCharacter => "bad_character",
            LinkError::Truncated => "truncated",
            LinkError::Corrupt => "corrupt",
            LinkError::TooLarge => "too_large",
            LinkError::BadText => "bad_text",
        }
    }
    pub fn description(self) -> &'static str {
        match self {
            LinkError::NotALink => "this address holds no sipdiag link: paste the whole link, including the part after #",
            LinkError::FutureVersion => {
                "this link was made by a newer sipdiag: reload the page to get the latest version, then open it again"
            }
            LinkError::BadCharacter => {
                "this link contains characters a sipdiag link never has: it was changed on the way; ask for it again"
            }
            LinkError::Truncated => {
                "this link is cut off: the tool it came through shortened it; ask the sender for the whole link or a file"
            }
            LinkError::Corrupt => "this link is damaged or was edited, so it cannot be opened; ask for it again",
            LinkError::TooLarge => {
                "this link holds more data than sipdiag opens from a link; share the trace as a file, one call, or the diagnosis only"
            }
            LinkError::BadText => "this link's text is not valid UTF-8: it was damaged on the way; ask for it again",
        }
    }
}

impl std::fmt::Display for LinkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.description())
    }
}

impl std::error::Error for LinkError {}

/// A trace link: the input (all of it or the part the user chose) and the page state.
/// The selection is stored by Call-ID and input line, not by index, so a link still points at the
/// same call when a later sipdiag groups messages differently.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TraceLink {
    pub input: String,
    pub profile: Option<String>,
    pub pbx: Option<String>,
    pub symptom: Option<String>,
    /// Call-ID of the selected call.
    pub call_id: Option<String>,
    /// 1-based input line of the selected message's start line.
    pub line: Option<u32>,
}

/// One piece of evidence in a diagnosis-only link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkEvidence {
    pub line: u32,
    pub label: String,
    pub excerpt: String,
}

/// One finding in a diagnosis-only link. Fixes and checks are not carried: the page looks them up
/// by `cause` in its knowledge base (and shows `title`/`explanation` from the link if it does not
/// know the cause).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkFinding {
    pub cause: String,
    pub title: String,
    pub severity: String,
    pub confidence: u8,
    pub explanation: String,
    #[serde(default)]
    pub evidence: Vec<LinkEvidence>,
}

/// The call a diagnosis-only link is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkCall {
    pub call_id: String,
    pub from: Option<String>,
    pub to: Option<String>,
    pub final_status: Option<u16>,
}

/// A diagnosis-only link: the verdict and the findings with their evidence lines, without the
/// trace. Serialised as JSON (field names are the contract; additions need `#[serde(default)]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct DiagnosisLink {
    pub verdict: String,
    #[serde(default)]
    pub profile: Option<String>,
    #[serde(default)]
    pub pbx: Option<String>,
    #[serde(default)]
    pub symptom: Option<String>,
    /// Format ids found in the trace.
    #[serde(default)]
    pub formats: Vec<String>,
    #[serde(default)]
    pub call: Option<LinkCall>,
    #[serde(default)]
    pub findings: Vec<LinkFinding>,
}

/// What a link holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Link {
    Trace(TraceLink),
    Diagnosis(DiagnosisLink),
}

/// Longest evidence excerpt a diagnosis-only link carries (characters); longer ones are cut.
pub const MAX_EXCERPT: usize = 300;

// ---------------------------------------------------------------------------------------------
// Encoding and decoding
// ---------------------------------------------------------------------------------------------

/// TLV tags of a v1 trace link. Tags below [`OPTIONAL_TAGS`] must be understood by a decoder;
/// tags from it on may be skipped by an older decoder (additions that do not change meaning).
mod tag {
    pub const INPUT: u8 = 1;
    pub const PROFILE: u8 = 2;
    pub const PBX: u8 = 3;
    pub const SYMPTOM: u8 = 4;
    pub const CALL_ID: u8 = 5;
    pub const LINE: u8 = 6;
}
/// First tag an older decoder may skip.
pub const OPTIONAL_TAGS: u8 = 0x40;

/// The URL fragment (with `#`) for a link.
pub fn encode(link: &Link) -> Result<String, LinkError> {
    match link {
        Link::Trace(t) => encode_trace(t),
        Link::Diagnosis(d) => encode_diagnosis(d),
    }
}

/// The URL fragment (`#v1.…`) for a trace link.
pub fn encode_trace(t: &TraceLink) -> Result<String, LinkError> {
    let mut body = Vec::with_capacity(t.input.len() + 64);
    for (tag, v) in
        [(tag::PROFILE, &t.profile), (tag::PBX, &t.pbx), (tag::SYMPTOM, &t.symptom), (tag::CALL_ID, &t.call_id)]
    {
        if let Some(v) = v {
            put_field(&mut body, tag, v.as_bytes())?;
        }
    }
    if let Some(line) = t.line {
        let mut v = Vec::new();
        put_varint(&mut v, u64::from(line));
        put_field(&mut body, tag::LINE, &v)?;
    }
    put_field(&mut body, tag::INPUT, t.input.as_bytes())?;
    seal(TRACE_V1, &body)
}

/// The URL fragment (`#d1.…`) for a diagnosis-only link.
pub fn encode_diagnosis(d: &DiagnosisLink) -> Result<String, LinkError> {
    seal(DIAGNOSIS_V1, diagnosis_json(d).as_bytes())
}

/// Opens a link. Accepts a whole URL, a fragment with or without `#`, and ignores white space
/// (mail clients wrap long links).
pub fn decode(s: &str) -> Result<Link, LinkError> {
    let frag = match s.find('#') {
        Some(i) => &s[i + 1..],
        None => s,
    };
    let frag = frag.trim();
    let (prefix, payload) = frag.split_once('.').ok_or(LinkError::NotALink)?;
    let kind = prefix.as_bytes().first().copied().ok_or(LinkError::NotALink)?;
    if !matches!(kind, b'v' | b'd') {
        return Err(LinkError::NotALink);
    }
    let version: u32 = match prefix[1..].parse() {
        Ok(v) if prefix[1..].bytes().all(|b| b.is_ascii_digit()) => v,
        _ => return Err(LinkError::NotALink),
    };
    if version == 0 {
        return Err(LinkError::NotALink);
    }
    if version > 1 {
        return Err(LinkError::FutureVersion);
    }
    let body = open(payload)?;
    match kind {
        b'v' => decode_trace_v1(&body).map(Link::Trace),
        _ => {
            let text = std::str::from_utf8(&body).map_err(|_| LinkError::Corrupt)?;
            let v = crate::json::parse(text).map_err(|_| LinkError::Corrupt)?;
            diagnosis_from_json(&v).map(Link::Diagnosis).map_err(|_| LinkError::Corrupt)
        }
    }
}

// The body of a `d1` link is the JSON serde writes for [`DiagnosisLink`] (field names and order
// as declared, every field present, `null` for none). The page reads and writes it with the
// small `crate::json` instead of serde_json (tests check both agree, byte for byte; the reader
// accepts what serde accepts except a struct written as a JSON array, which no encoder writes).

fn diagnosis_json(d: &DiagnosisLink) -> String {
    use crate::json::{write_opt_str as opt, write_str as str};
    let mut o = String::with_capacity(256);
    o.push_str("{\"verdict\":");
    str(&mut o, &d.verdict);
    o.push_str(",\"profile\":");
    opt(&mut o, d.profile.as_deref());
    o.push_str(",\"pbx\":");
    opt(&mut o, d.pbx.as_deref());
    o.push_str(",\"symptom\":");
    opt(&mut o, d.symptom.as_deref());
    o.push_str(",\"formats\":[");
    for (i, f) in d.formats.iter().enumerate() {
        if i > 0 {
            o.push(',');
        }
        str(&mut o, f);
    }
    o.push_str("],\"call\":");
    match &d.call {
        None => o.push_str("null"),
        Some(c) => {
            o.push_str("{\"call_id\":");
            str(&mut o, &c.call_id);
            o.push_str(",\"from\":");
            opt(&mut o, c.from.as_deref());
            o.push_str(",\"to\":");
            opt(&mut o, c.to.as_deref());
            o.push_str(",\"final_status\":");
            match c.final_status {
                Some(n) => o.push_str(&n.to_string()),
                None => o.push_str("null"),
            }
            o.push('}');
        }
    }
    o.push_str(",\"findings\":[");
    for (i, f) in d.findings.iter().enumerate() {
        if i > 0 {
            o.push(',');
        }
        o.push_str("{\"cause\":");
        str(&mut o, &f.cause);
        o.push_str(",\"title\":");
        str(&mut o, &f.title);
        o.push_str(",\"severity\":");
        str(&mut o, &f.severity);
        o.push_str(",\"confidence\":");
        o.push_str(&f.confidence.to_string());
        o.push_str(",\"explanation\":");
        str(&mut o, &f.explanation);
        o.push_str(",\"evidence\":[");
        for (j, e) in f.evidence.iter().enumerate() {
            if j > 0 {
                o.push(',');
            }
            o.push_str("{\"line\":");
            o.push_str(&e.line.to_string());
            o.push_str(",\"label\":");
            str(&mut o, &e.label);
            o.push_str(",\"excerpt\":");
            str(&mut o, &e.excerpt);
            o.push('}');
        }
        o.push_str("]}");
    }
    o.push_str("]}");
    o
}

fn diagnosis_from_json(v: &crate::json::Value) -> Result<DiagnosisLink, crate::json::Invalid> {
    use crate::json::{Invalid, Value};
    let call = match v.field("call")? {
        None | Some(Value::Null) => None,
        Some(c) => Some(LinkCall {
            call_id: c.string("call_id")?,
            from: c.opt_string("from")?,
            to: c.opt_string("to")?,
            final_status: c.opt_uint("final_status")?,
        }),
    };
    let evidence = |e: &Value| -> Result<LinkEvidence, Invalid> {
        Ok(LinkEvidence { line: e.uint("line")?, label: e.string("label")?, excerpt: e.string("excerpt")? })
    };
    let finding = |f: &Value| -> Result<LinkFinding, Invalid> {
        Ok(LinkFinding {
            cause: f.string("cause")?,
            title: f.string("title")?,
            severity: f.string("severity")?,
            confidence: f.uint("confidence")?,
            explanation: f.string("explanation")?,
            evidence: f.list("evidence", evidence)?,
        })
    };
    Ok(DiagnosisLink {
        verdict: v.string("verdict")?,
        profile: v.opt_string("profile")?,
        pbx: v.opt_string("pbx")?,
        symptom: v.opt_string("symptom")?,
        formats: v.list("formats", Value::as_string)?,
        call,
        findings: v.list("findings", finding)?,
    })
}

fn decode_trace_v1(mut b: &[u8]) -> Result<TraceLink, LinkError> {
    let mut t = TraceLink::default();
    let mut input = None;
    let mut seen = 0u64;
    while let Some((&tag, rest)) = b.split_first() {
        let (len, rest) = get_varint(rest)?;
        let len = usize::try_from(len).map_err(|_| LinkError::Corrupt)?;
        if len > rest.len() {
            return Err(LinkError::Corrupt);
        }
        let (value, rest) = rest.split_at(len);
        b = rest;
        if tag >= OPTIONAL_TAGS {
            continue;
        }
        if tag == 0 || tag > tag::LINE {
            return Err(LinkError::FutureVersion);
        }
        if seen & (1 << tag) != 0 {
            return Err(LinkError::Corrupt);
        }
        seen |= 1 << tag;
        let text = || std::str::from_utf8(value).map(str::to_string).map_err(|_| LinkError::BadText);
        match tag {
            tag::INPUT => input = Some(text()?),
            tag::PROFILE => t.profile = Some(text()?),
            tag::PBX => t.pbx = Some(text()?),
            tag::SYMPTOM => t.symptom = Some(text()?),
            tag::CALL_ID => t.call_id = Some(text()?),
            _ => {
                let (v, rest) = get_varint(value)?;
                if !rest.is_empty() {
                    return Err(LinkError::Corrupt);
                }
                t.line = Some(u32::try_from(v).map_err(|_| LinkError::Corrupt)?);
            }
        }
    }
    t.input = input.ok_or(LinkError::Corrupt)?;
    Ok(t)
}

fn put_field(out: &mut Vec<u8>, tag: u8, value: &[u8]) -> Result<(), LinkError> {
    if value.len() > MAX_DECODED {
        return Err(LinkError::TooLarge);
    }
    out.push(tag);
    put_varint(out, value.len() as u64);
    out.extend_from_slice(value);
    Ok(())
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn get_varint(b: &[u8]) -> Result<(u64, &[u8]), LinkError> {
    let mut v: u64 = 0;
    for (i, &byte) in b.iter().enumerate().take(10) {
        let part = u64::from(byte & 0x7f);
        if i == 9 && part > 1 {
            return Err(LinkError::Corrupt);
        }
        v |= part << (7 * i);
        if byte & 0x80 == 0 {
            return Ok((v, &b[i + 1..]));
        }
    }
    Err(LinkError::Corrupt)
}

/// `#<prefix>.<base64url(check ‖ deflate(body))>`.
fn seal(prefix: &str, body: &[u8]) -> Result<String, LinkError> {
    if body.len() > MAX_DECODED {
        return Err(LinkError::TooLarge);
    }
    let packed = deflate_with_dictionary(body);
    if body.len() > ratio_limit(packed.len() + 3) {
        return Err(LinkError::TooLarge);
    }
    let mut bytes = Vec::with_capacity(packed.len() + 3);
    bytes.extend_from_slice(&check24(body));
    bytes.extend_from_slice(&packed);
    let mut out = String::with_capacity(prefix.len() + 2 + bytes.len() * 4 / 3 + 4);
    out.push('#');
    out.push_str(prefix);
    out.push('.');
    base64url_encode(&bytes, &mut out);
    Ok(out)
}

/// Reverses [`seal`]'s payload part: base64url → check → inflate → verify.
fn open(payload: &str) -> Result<Vec<u8>, LinkError> {
    let bytes = base64url_decode(payload)?;
    if bytes.len() < 3 {
        return Err(if bytes.is_empty() { LinkError::NotALink } else { LinkError::Truncated });
    }
    let (check, packed) = bytes.split_at(3);
    let body = inflate_with_dictionary(packed, ratio_limit(bytes.len()))?;
    if check != check24(&body) {
        return Err(LinkError::Corrupt);
    }
    Ok(body)
}

fn ratio_limit(compressed: usize) -> usize {
    compressed.saturating_mul(MAX_RATIO).clamp(RATIO_FLOOR, MAX_DECODED)
}

/// 24-bit FNV-1a digest (the 32-bit hash folded), big-endian.
fn check24(data: &[u8]) -> [u8; 3] {
    let mut h: u32 = 0x811c_9dc5;
    for &b in data {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    let h = (h >> 24) ^ (h & 0x00ff_ffff);
    [(h >> 16) as u8, (h >> 8) as u8, h as u8]
}

// ---------------------------------------------------------------------------------------------
// base64url without padding (RFC 4648 §5)
// ---------------------------------------------------------------------------------------------

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Appends `data` as base64url without padding.
pub fn base64url_encode(data: &[u8], out: &mut String) {
    let mut chunks = data.chunks_exact(3);
    for c in &mut chunks {
        let n = (u32::from(c[0]) << 16) | (u32::from(c[1]) << 8) | u32::from(c[2]);
        for shift in [18, 12, 6, 0] {
            out.push(B64[((n >> shift) & 63) as usize] as char);
        }
    }
    match *chunks.remainder() {
        [a] => {
            let n = u32::from(a) << 16;
            out.push(B64[((n >> 18) & 63) as usize] as char);
            out.push(B64[((n >> 12) & 63) as usize] as char);
        }
        [a, b] => {
            let n = (u32::from(a) << 16) | (u32::from(b) << 8);
            for shift in [18, 12, 6] {
                out.push(B64[((n >> shift) & 63) as usize] as char);
            }
        }
        _ => {}
    }
}

fn b64_value(c: u8) -> Option<u32> {
    Some(match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'-' => 62,
        b'_' => 63,
        _ => return None,
    } as u32)
}

/// Decodes base64url without padding, skipping ASCII white space. Strict otherwise: other
/// characters, an impossible length or stray bits in the last character are errors.
pub fn base64url_decode(s: &str) -> Result<Vec<u8>, LinkError> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4 + 3);
    let mut acc: u32 = 0;
    let mut n = 0u32;
    for &c in s.as_bytes() {
        if c.is_ascii_whitespace() {
            continue;
        }
        let v = b64_value(c).ok_or(LinkError::BadCharacter)?;
        acc = (acc << 6) | v;
        n += 1;
        if n == 4 {
            out.extend_from_slice(&[(acc >> 16) as u8, (acc >> 8) as u8, acc as u8]);
            acc = 0;
            n = 0;
        }
    }
    match n {
        0 => {}
        1 => return Err(LinkError::Truncated),
        2 => {
            if acc & 0xf != 0 {
                return Err(LinkError::Corrupt);
            }
            out.push((acc >> 4) as u8);
        }
        _ => {
            if acc & 0x3 != 0 {
                return Err(LinkError::Corrupt);
            }
            out.extend_from_slice(&[(acc >> 10) as u8, (acc >> 2) as u8]);
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// DEFLATE with a preset dictionary
// ---------------------------------------------------------------------------------------------

/// Compresses `data` as raw DEFLATE whose window starts filled with [`dictionary`]: the
/// compressor first takes the dictionary and sync-flushes (output dropped), so the real stream
/// starts on a byte boundary and may copy from the dictionary. Small inputs are also tried with
/// the fixed Huffman code (no code table to send) and the shorter result is kept.
fn deflate_with_dictionary(data: &[u8]) -> Vec<u8> {
    use miniz_oxide::deflate::core::{create_comp_flags_from_zip_params, deflate_flags};
    // level 10, raw deflate (negative window bits), default strategy
    let flags = create_comp_flags_from_zip_params(10, -15, 0);
    let dynamic = deflate_flags_with_dictionary(data, flags);
    if data.len() > 16 * 1024 {
        return dynamic;
    }
    let fixed = deflate_flags_with_dictionary(data, flags | deflate_flags::TDEFL_FORCE_ALL_STATIC_BLOCKS);
    if fixed.len() < dynamic.len() {
        fixed
    } else {
        dynamic
    }
}

fn deflate_flags_with_dictionary(data: &[u8], flags: u32) -> Vec<u8> {
    use miniz_oxide::deflate::core::{compress_to_output, CompressorOxide, TDEFLFlush, TDEFLStatus};
    let mut c = CompressorOxide::new(flags);
    let (st, _) = compress_to_output(&mut c, dictionary(), TDEFLFlush::Sync, |_| true);
    debug_assert_eq!(st, TDEFLStatus::Okay);
    let mut out = Vec::with_capacity(data.len() / 3 + 64);
    let (st, _) = compress_to_output(&mut c, data, TDEFLFlush::Finish, |chunk| {
        out.extend_from_slice(chunk);
        true
    });
    debug_assert_eq!(st, TDEFLStatus::Done);
    out
}

/// Inflates a stream made by [`deflate_with_dictionary`], producing at most `limit` bytes.
fn inflate_with_dictionary(packed: &[u8], limit: usize) -> Result<Vec<u8>, LinkError> {
    use miniz_oxide::inflate::core::{decompress, inflate_flags, DecompressorOxide};
    use miniz_oxide::inflate::TINFLStatus;
    let dict = dictionary();
    let cap = dict.len() + limit;
    let mut buf = Vec::with_capacity((dict.len() + packed.len() * 4 + 1024).min(cap));
    buf.extend_from_slice(dict);
    buf.resize(buf.capacity().max(dict.len() + 1024).min(cap), 0);
    let mut r = Box::<DecompressorOxide>::default();
    let mut pos = dict.len();
    let mut input = packed;
    let flags = inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF;
    loop {
        let (status, used, produced) = decompress(&mut r, input, &mut buf, pos, flags);
        pos += produced;
        input = input.get(used..).unwrap_or(&[]);
        match status {
            TINFLStatus::Done => {
                if input.iter().any(|&b| b != 0) {
                    return Err(LinkError::Corrupt);
                }
                buf.truncate(pos);
                buf.drain(..dict.len());
                return Ok(buf);
            }
            TINFLStatus::HasMoreOutput => {
                if buf.len() >= cap {
                    return Err(LinkError::TooLarge);
                }
                let grow = buf.len().saturating_mul(2).min(cap);
                buf.resize(grow, 0);
            }
            TINFLStatus::NeedsMoreInput | TINFLStatus::FailedCannotMakeProgress => return Err(LinkError::Truncated),
            _ => return Err(LinkError::Corrupt),
        }
    }
}

/// The version 1 preset dictionary: common SIP and SIP-log text, rarest first (DEFLATE copies
/// from nearby cheaper), CRLF line ends (so both CRLF and LF traces find their lines in it).
/// FROZEN: every v1 link depends on these exact bytes.
pub fn dictionary() -> &'static [u8] {
    static DICT: OnceLock<Vec<u8>> = OnceLock::new();
    DICT.get_or_init(|| DICTIONARY_V1.replace('\n', "\r\n").into_bytes())
}

const DICTIONARY_V1: &str = r#"//-1/0123456789AB/SIP/Msg/ccsipDisplayMsg:
Received:
Sent:
.RX 1024 bytes Request msg INVITE/cseq=1 (rdata0x7f) from UDP 
.TX 512 bytes Response msg 200/INVITE/cseq=1 (tdta0x7f) to UDP 
--end msg--
recv 1024 bytes from udp/ at 00:00:00.000000:
send 512 bytes to udp/ at 00:00:00.000000:
   ------------------------------------------------------------------------
U 2024/01/01 00:00:00.000000 :5060 -> :5060
#
<--- SIP read from UDP::5060 --->
<------------->
Reliably Transmitting (NAT) to :5060:
Transmitting (no NAT) to :5060:
[2024-01-01 00:00:00] NOTICE[1234] chan_sip.c: 
[2024-01-01 00:00:00.000] DEBUG[1234] res_pjsip_logger.c: 
[2024-01-01 00:00:00.000] VERBOSE[1234][C-00000001] res_pjsip_logger.c: <--- Transmitting SIP request (1024 bytes) to UDP::5060 --->
<--- Received SIP response (512 bytes) from UDP::5060 --->
<--- Transmitting SIP response (512 bytes) to UDP::5060 --->
<--- Received SIP request (1024 bytes) from UDP::5060 --->
SIP/2.0 403 Forbidden
SIP/2.0 404 Not Found
SIP/2.0 408 Request Timeout
SIP/2.0 480 Temporarily Unavailable
SIP/2.0 481 Call/Transaction Does Not Exist
SIP/2.0 486 Busy Here
SIP/2.0 488 Not Acceptable Here
SIP/2.0 500 Server Internal Error
SIP/2.0 503 Service Unavailable
SIP/2.0 603 Decline
SIP/2.0 487 Request Terminated
Reason: Q.850;cause=16;text="Normal Clearing"
Warning: 399 
Retry-After: 
Unsupported: 
Require: 100rel
RSeq: 1
RAck: 1 1 INVITE
Privacy: id
Remote-Party-ID: <sip:>;party=calling;screen=yes;privacy=off
Diversion: <sip:>;reason=unconditional
Referred-By: <sip:>
Refer-To: <sip:>
Event: refer
Subscription-State: active;expires=
Accept: application/sdp, application/dtmf-relay
Date: Mon, 01 Jan 2024 00:00:00 GMT
X-Asterisk-HangupCause: Normal Clearing
Proxy-Authenticate: Digest realm="", nonce="", algorithm=MD5, qop="auth"
Proxy-Authorization: Digest username="", realm="", nonce="", uri="sip:", response="", algorithm=MD5
WWW-Authenticate: Digest realm="", nonce="", opaque="", algorithm=MD5, qop="auth"
Authorization: Digest username="", realm="", nonce="", uri="sip:", response="", algorithm=MD5, cnonce="", qop=auth, nc=00000001
SIP/2.0 407 Proxy Authentication Required
SIP/2.0 401 Unauthorized
m=video  RTP/AVP 
a=rtpmap:96 opus/48000/2
a=rtpmap:9 G722/8000
a=rtpmap:18 G729/8000
a=fmtp:18 annexb=no
a=rtpmap:3 GSM/8000
a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:
a=ice-ufrag:
a=ice-pwd:
a=candidate:1 1 udp  typ host
a=fingerprint:sha-256 
a=setup:actpass
a=rtcp-mux
a=sendonly
a=recvonly
a=inactive
a=rtcp:
a=maxptime:150
a=ptime:20
a=sendrecv
a=fmtp:101 0-16
a=rtpmap:101 telephone-event/8000
a=rtpmap:8 PCMA/8000
a=rtpmap:0 PCMU/8000
m=audio  RTP/AVP 0 8 101
t=0 0
c=IN IP4 
s=-
o=- 0 0 IN IP4 
v=0
User-Agent: Cisco-SIPGateway/IOS-15
User-Agent: Grandstream
User-Agent: Yealink SIP-T
User-Agent: Linphone
User-Agent: Zoiper
User-Agent: MicroSIP
User-Agent: 3CXPhoneSystem 18.0.0
User-Agent: Yeastar
User-Agent: FreeSWITCH-mod_sofia/1.10
User-Agent: FPBX-16.0.0(18.0.0)
Server: Asterisk PBX 20.0.0
Session-Expires: 1800;refresher=uac
Min-SE: 90
P-Asserted-Identity: <sip:>
Record-Route: <sip:;lr>
Route: <sip:;lr>
Supported: replaces, timer, 100rel, path, outbound
Allow-Events: presence, dialog, message-summary, refer, talk, hold
Expires: 3600
Allow: INVITE, ACK, CANCEL, OPTIONS, BYE, REFER, SUBSCRIBE, NOTIFY, INFO, PUBLISH, MESSAGE, PRACK, UPDATE
Content-Type: application/sdp
Content-Length: 0
SIP/2.0 183 Session Progress
SIP/2.0 180 Ringing
SIP/2.0 100 Trying
ACK sip:
BYE sip:
CANCEL sip:
OPTIONS sip:
REGISTER sip:
INVITE sip:
SIP/2.0 200 OK
Via: SIP/2.0/TLS :5061;branch=z9hG4bK
Via: SIP/2.0/TCP :5060;branch=z9hG4bK
Via: SIP/2.0/UDP :5060;rport;branch=z9hG4bK
;received=
;transport=tcp
;transport=udp>
Max-Forwards: 70
Contact: <sip::5060>;expires=3600
From: <sip:>;tag=
To: <sip:>;tag=
Call-ID: 
CSeq: 1 REGISTER
CSeq: 102 BYE
CSeq: 1 ACK
CSeq: 2 INVITE
CSeq: 1 INVITE
"#;

// ---------------------------------------------------------------------------------------------
// Builders: what the share dialog offers
// ---------------------------------------------------------------------------------------------

/// What the user has selected on the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Selection {
    /// Index into `Analysis::calls.calls`.
    pub call: Option<u32>,
    /// Index into `Analysis::messages`.
    pub message: Option<u32>,
}

/// A trace link for the whole input.
pub fn trace_link(a: &Analysis<'_>, options: &Options, sel: Selection) -> TraceLink {
    TraceLink {
        input: a.ingested.input.to_string(),
        profile: options.profile.clone(),
        pbx: options.pbx.clone(),
        symptom: options.symptom.clone(),
        call_id: sel.call.and_then(|c| a.calls.calls.get(c as usize)).map(|c| c.call_id.clone()),
        line: sel.message.and_then(|m| a.messages.get(m as usize)).map(|m| a.item(m).first_line),
    }
}

/// A trace link carrying only the input lines of one call's messages (see
/// [`crate::export::call_lines`]); the selected message keeps pointing at the same message.
pub fn call_link(a: &Analysis<'_>, options: &Options, call: u32, message: Option<u32>) -> TraceLink {
    let lines = crate::export::call_lines(a, call);
    let mut t = trace_link(a, options, Selection { call: Some(call), message });
    t.input = crate::export::join_lines(a.ingested.input, &lines);
    t.line = t.line.and_then(|l| lines.binary_search(&l).ok()).map(|i| i as u32 + 1);
    t
}

/// A diagnosis-only link: the verdict and the findings (all of them, or those about `call` and
/// those about no call in particular).
pub fn diagnosis_link(a: &Analysis<'_>, options: &Options, call: Option<u32>) -> DiagnosisLink {
    let report = crate::report::Report::build(a, crate::report::Detail::Summary);
    let findings = report
        .findings
        .iter()
        .filter(|f| call.is_none() || f.call.is_none() || f.call == call)
        .map(|f| LinkFinding {
            cause: f.cause.clone(),
            title: f.title.clone(),
            severity: f.severity.clone(),
            confidence: f.confidence,
            explanation: f.explanation.clone(),
            evidence: f
                .evidence
                .iter()
                .map(|e| LinkEvidence { line: e.line, label: e.label.clone(), excerpt: cut(&e.excerpt, MAX_EXCERPT) })
                .collect(),
        })
        .collect();
    DiagnosisLink {
        verdict: crate::export::verdict(&report),
        profile: options.profile.clone(),
        pbx: options.pbx.clone(),
        symptom: options.symptom.clone(),
        formats: report.formats.clone(),
        call: call.and_then(|c| report.calls.get(c as usize)).map(|c| LinkCall {
            call_id: c.call_id.clone(),
            from: c.from.clone(),
            to: c.to.clone(),
            final_status: c.final_status,
        }),
        findings,
    }
}

fn cut(s: &str, max_chars: usize) -> String {
    match s.char_indices().nth(max_chars) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

impl TraceLink {
    /// The diagnosis options the link carries.
    pub fn options(&self) -> Options {
        Options { profile: self.profile.clone(), symptom: self.symptom.clone(), pbx: self.pbx.clone() }
    }

    /// Finds the stored selection in an analysis of `self.input`.
    pub fn selection(&self, a: &Analysis<'_>) -> Selection {
        let call =
            self.call_id.as_deref().and_then(|id| a.calls.calls.iter().position(|c| c.call_id == id)).map(|i| i as u32);
        let message =
            self.line.and_then(|l| a.messages.iter().position(|m| a.item(m).first_line == l)).map(|i| i as u32);
        Selection { call, message }
    }
}

/// Which part of the diagnosis a share option carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ShareKind {
    /// The whole input.
    Trace,
    /// The input lines of one call.
    Call,
    /// Verdict and findings only.
    Diagnosis,
}

impl ShareKind {
    pub fn id(self) -> &'static str {
        match self {
            ShareKind::Trace => "trace",
            ShareKind::Call => "call",
            ShareKind::Diagnosis => "diagnosis",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            ShareKind::Trace => "Whole trace",
            ShareKind::Call => "This call only",
            ShareKind::Diagnosis => "Diagnosis only (no trace)",
        }
    }
}

/// One way to share, with its link and how well it travels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareOption {
    pub kind: ShareKind,
    /// The whole URL: `base` + fragment.
    pub url: String,
    pub fit: Fit,
}

/// The links the share dialog offers for the current page: the whole trace, the selected (or
/// else the first failing) call when there is more than one call, and the diagnosis only.
/// `base` is the page address without fragment. Options that cannot be encoded are left out.
pub fn share_options(a: &Analysis<'_>, options: &Options, sel: Selection, base: &str) -> Vec<ShareOption> {
    let base = base.split('#').next().unwrap_or(base);
    let mut out = Vec::new();
    let mut push = |kind, frag: Result<String, LinkError>| {
        if let Ok(frag) = frag {
            let url = format!("{base}{frag}");
            let fit = fit(url.chars().count());
            out.push(ShareOption { kind, url, fit });
        }
    };
    push(ShareKind::Trace, encode_trace(&trace_link(a, options, sel)));
    let call = sel.call.or_else(|| crate::export::failing_call(a));
    if let Some(c) = call.filter(|_| a.calls.calls.len() > 1) {
        let message = sel.message.filter(|m| a.calls.call_of.get(*m as usize).copied().flatten() == Some(c));
        push(ShareKind::Call, encode_trace(&call_link(a, options, c, message)));
    }
    push(ShareKind::Diagnosis, encode_diagnosis(&diagnosis_link(a, options, call)));
    out
}

/// The option to offer first: the most complete one that opens everywhere, else the most
/// complete one that still works in browsers, else the diagnosis only.
pub fn recommended(options: &[ShareOption]) -> Option<usize> {
    options
        .iter()
        .position(|o| o.fit == Fit::Safe)
        .or_else(|| options.iter().position(|o| o.fit == Fit::Long))
        .or_else(|| options.iter().position(|o| o.kind == ShareKind::Diagnosis))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Diagnosis links with every shape of field: empty, escaped, non-ASCII, absent.
    fn diagnosis_links() -> Vec<DiagnosisLink> {
        let texts = ["", "plain", "q\"uo\\te/\n\t\u{1}\u{7f}", "\u{e9}\u{1f600}\u{2028}", "<script>x</script>"];
        let mut out = vec![DiagnosisLink::default()];
        for (i, t) in texts.iter().enumerate() {
            let s = |k: usize| texts[(i + k) % texts.len()].to_string();
            let o = |k: usize| k.is_multiple_of(2).then(|| s(k));
            out.push(DiagnosisLink {
                verdict: t.to_string(),
                profile: o(i),
                pbx: o(i + 1),
                symptom: o(i + 2),
                formats: (0..i).map(s).collect(),
                call: (i % 2 == 1).then(|| LinkCall {
                    call_id: s(1),
                    from: o(i),
                    to: o(i + 1),
                    final_status: (i % 3 != 0).then_some(u16::MAX - i as u16),
                }),
                findings: (0..i)
                    .map(|k| LinkFinding {
                        cause: s(k),
                        title: s(k + 1),
                        severity: s(k + 2),
                        confidence: (k * 60) as u8,
                        explanation: s(k + 3),
                        evidence: (0..k)
                            .map(|j| LinkEvidence { line: u32::MAX - j as u32, label: s(j), excerpt: s(j + 1) })
                            .collect(),
                    })
                    .collect(),
            });
        }
        out
    }

    #[test]
    fn diagnosis_json_is_the_json_serde_writes_and_reads() {
        for d in diagnosis_links() {
            let ours = diagnosis_json(&d);
            assert_eq!(ours, serde_json::to_string(&d).unwrap());
            let back = crate::json::parse(&ours).and_then(|v| diagnosis_from_json(&v));
            assert_eq!(back.as_ref(), Ok(&d));
            // every cut and many single-byte changes: accepted exactly when serde accepts, equal then
            let bytes = ours.as_bytes();
            let mut variants: Vec<Vec<u8>> = (0..bytes.len()).map(|n| bytes[..n].to_vec()).collect();
            for at in (0..bytes.len()).step_by(3) {
                for x in [b'"', b'{', b'1', b'n', b' ', b'-', b'.', b'\\'] {
                    let mut v = bytes.to_vec();
                    v[at] = x;
                    variants.push(v);
                }
            }
            for v in variants {
                let Ok(text) = std::str::from_utf8(&v) else { continue };
                let ours = crate::json::parse(text).ok().and_then(|v| diagnosis_from_json(&v).ok());
                let theirs = serde_json::from_str::<DiagnosisLink>(text).ok();
                assert_eq!(ours, theirs, "{text}");
            }
        }
        // fields serde fills in when absent, unknown fields, and what it refuses
        for (text, ok) in [
            (r#"{"verdict":"v"}"#, true),
            (r#"{"verdict":"v","extra":[1,{"a":null}]}"#, true),
            (r#"{"verdict":null}"#, false),
            (r#"{"verdict":"v","formats":null}"#, false),
            (r#"{"verdict":"v","verdict":"w"}"#, false),
            (r#"{"verdict":"v","call":{"call_id":"c"}}"#, true),
            (r#"{"verdict":"v","call":{"call_id":"c","final_status":70000}}"#, false),
            (
                r#"{"verdict":"v","findings":[{"cause":"c","title":"t","severity":"s","confidence":1,"explanation":"e"}]}"#,
                true,
            ),
            (
                r#"{"verdict":"v","findings":[{"cause":"c","title":"t","severity":"s","confidence":1.5,"explanation":"e"}]}"#,
                false,
            ),
        ] {
            let ours = crate::json::parse(text).ok().and_then(|v| diagnosis_from_json(&v).ok());
            let theirs = serde_json::from_str::<DiagnosisLink>(text).ok();
            assert_eq!(ours, theirs, "{text}");
            assert_eq!(ours.is_some(), ok, "{text}");
        }
        // the one difference: serde also reads a struct written as an array, which no encoder
        // ever wrote; the page refuses it
        let ours = crate::json::parse(r#"["v"]"#).ok().and_then(|v| diagnosis_from_json(&v).ok());
        assert_eq!(ours, None);
    }

    #[test]
    fn base64url_round_trip_and_strictness() {
        for n in 0..40usize {
            let data: Vec<u8> = (0..n).map(|i| (i * 37 + 11) as u8).collect();
            let mut s = String::new();
            base64url_encode(&data, &mut s);
            assert!(!s.contains('=') && !s.contains('+') && !s.contains('/'));
            assert_eq!(s.len(), (n * 4).div_ceil(3));
            assert_eq!(base64url_decode(&s).unwrap(), data);
        }
        let mut s = String::new();
        base64url_encode(b"\xfb\xff", &mut s);
        assert_eq!(s, "-_8");
        assert_eq!(base64url_decode("ab+c"), Err(LinkError::BadCharacter));
        assert_eq!(base64url_decode("abcde"), Err(LinkError::Truncated));
        assert_eq!(base64url_decode("AB"), Err(LinkError::Corrupt)); // stray low bits
        assert_eq!(base64url_decode("QQ").unwrap(), b"A");
        assert_eq!(base64url_decode("Q Q\n").unwrap(), b"A");
    }

    #[test]
    fn varints() {
        for v in [0u64, 1, 127, 128, 300, u32::MAX as u64, u64::MAX] {
            let mut b = Vec::new();
            put_varint(&mut b, v);
            assert_eq!(get_varint(&b).unwrap(), (v, &[][..]));
        }
        assert_eq!(get_varint(&[0x80]), Err(LinkError::Corrupt));
        assert_eq!(get_varint(&[0xff; 11]), Err(LinkError::Corrupt));
    }

    #[test]
    fn dictionary_is_frozen() {
        // v1 links depend on these exact bytes: changing them needs a new version prefix.
        let d = dictionary();
        assert!(d.len() < 32 * 1024);
        assert_eq!((d.len(), check24(d)), (3996, [0x0a, 0xdf, 0xef]));
    }

    #[test]
    fn deflate_round_trip_uses_the_dictionary() {
        let text = b"INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1:5060;rport;branch=z9hG4bK1\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
        let packed = deflate_with_dictionary(text);
        let plain = miniz_oxide::deflate::compress_to_vec(text, 10);
        assert!(packed.len() * 2 < plain.len(), "{} vs {}", packed.len(), plain.len());
        assert_eq!(inflate_with_dictionary(&packed, 1 << 20).unwrap(), text);
        assert_eq!(inflate_with_dictionary(&packed, 10), Err(LinkError::TooLarge));
        assert_eq!(inflate_with_dictionary(&packed[..packed.len() / 2], 1 << 20), Err(LinkError::Truncated));
        assert_eq!(inflate_with_dictionary(b"", 1 << 20), Err(LinkError::Truncated));
    }

    #[test]
    fn fits() {
        assert_eq!(fit(0), Fit::Safe);
        assert_eq!(fit(SAFE_URL_LEN), Fit::Safe);
        assert_eq!(fit(SAFE_URL_LEN + 1), Fit::Long);
        assert_eq!(fit(LONG_URL_LEN + 1), Fit::TooLong);
    }
}
