//! The SIP and SDP parser (RFC 3261, RFC 4566). Owns message syntax only: where a message starts and
//! ends ([`frame_len`]), its start line, its header fields (raw, typed on demand: compact forms,
//! folded lines and comma lists understood) and its body (SDP, `message/sipfrag`, multipart).
//!
//! Zero-copy: every `&'a str` points into the text handed to [`parse`]; the only allocations of
//! a parse are the header and problem vectors. Unknown headers stay raw. Parsing never fails as
//! a whole once a start line is recognised, and never panics: damage is recorded in
//! [`Message::problems`] with the line (0-based, within the message: 0 is the start line) where
//! it was seen. Logs change messages in harmless ways (CRLF printed as LF, a final line end
//! dropped, bytes decoded as Latin-1); none of those reads as a Content-Length mismatch.
//!
//! Leniency is deliberate: each reader takes what it can (a Via with odd white space,
//! a name-addr with spaces inside `<>`), and the grammar checks that back
//! [`ProblemKind::BadHeaderValue`] are separate from the reading.

mod header;
mod message;
pub mod multipart;
pub mod sdp;
pub mod uri;

pub(crate) use header::is_token_byte;
pub use header::{
    param, params, percent_decode, split_list, Auth, CSeq, Event, HeaderName, NameAddr, Reason, ReferTo, Refresher,
    Replaces, RetryAfter, SessionExpires, SubscriptionState, Via, Warning,
};
pub use message::{frame_len, parse, parse_start_line, Header, Message, Method, StartLine, StartLineError};
pub use multipart::Part;
pub use uri::{Host, Uri};

// `Message::validate` keeps one bit per header name in a u64.
const _: () = assert!(header::HEADER_NAMES <= 64);

/// What is wrong with a message, or a part of it. Small and `Copy`, with a fixed description, so
/// the core carries no strings for errors (see [`Problem`] for the position).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ProblemKind {
    /// The start line was read but breaks the grammar: extra white space between its parts or
    /// after the version (a line that is not SIP at all is a [`StartLineError`] instead).
    BadStartLine,
    /// The SIP version is not SIP/2.0.
    BadVersion,
    /// A status code that is not three digits, or outside 100–699.
    BadStatusCode,
    /// The Request-URI is missing, has white space in it, is wrapped in `<>`, has no scheme, or
    /// carries URI headers (`?…`).
    BadRequestUri,
    /// A header line without a colon, or with an empty name.
    BadHeaderLine,
    /// A header value that could not be read as its type (a CSeq without a number, a Via without
    /// a host, unbalanced quotes in From, a Max-Forwards above 255, …).
    BadHeaderValue,
    /// A header that must appear once appears more than once with different values.
    DuplicateHeader,
    /// One of To, From, Call-ID, CSeq, Via (and Max-Forwards on requests) is missing.
    MissingHeader,
    /// The CSeq method differs from the request method.
    CSeqMethodMismatch,
    /// Content-Length says more bytes than the body has (message cut short, or rewritten by an ALG).
    ContentLengthTooLarge,
    /// Content-Length says fewer bytes than the body has (body rewritten, typically by a SIP ALG).
    ContentLengthTooSmall,
    /// Content-Length is not a number (or is negative).
    BadContentLength,
    /// There was a body but no blank line before it.
    MissingBlankLine,
    /// The SDP body could not be read (a line that is not `x=value`, or a missing v=, o=, s= or
    /// t= line).
    BadSdp,
    /// A multipart body without a boundary parameter, or whose boundary was not found.
    BadMultipart,
}

impl ProblemKind {
    /// A short, human description.
    pub fn description(self) -> &'static str {
        use ProblemKind::*;
        match self {
            BadStartLine => "extra white space in the request or status line",
            BadVersion => "SIP version is not SIP/2.0",
            BadStatusCode => "status code is not three digits",
            BadRequestUri => "malformed Request-URI",
            BadHeaderLine => "header line without a name and colon",
            BadHeaderValue => "header value could not be read",
            DuplicateHeader => "single-value header appears more than once",
            MissingHeader => "a mandatory header is missing",
            CSeqMethodMismatch => "CSeq method differs from the request method",
            ContentLengthTooLarge => "Content-Length is larger than the body",
            ContentLengthTooSmall => "Content-Length is smaller than the body",
            BadContentLength => "Content-Length is not a valid number",
            MissingBlankLine => "no blank line between headers and body",
            BadSdp => "SDP body could not be read",
            BadMultipart => "multipart body boundary not found",
        }
    }

    /// A stable machine name (used in JSON output).
    pub fn id(self) -> &'static str {
        use ProblemKind::*;
        match self {
            BadStartLine => "bad_start_line",
            BadVersion => "bad_version",
            BadStatusCode => "bad_status_code",
            BadRequestUri => "bad_request_uri",
            BadHeaderLine => "bad_header_line",
            BadHeaderValue => "bad_header_value",
            DuplicateHeader => "duplicate_header",
            MissingHeader => "missing_header",
            CSeqMethodMismatch => "cseq_method_mismatch",
            ContentLengthTooLarge => "content_length_too_large",
            ContentLengthTooSmall => "content_length_too_small",
            BadContentLength => "bad_content_length",
            MissingBlankLine => "missing_blank_line",
            BadSdp => "bad_sdp",
            BadMultipart => "bad_multipart",
        }
    }
}

/// A problem and where: `line` is 0-based within the message text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Problem {
    pub kind: ProblemKind,
    pub line: u32,
}
