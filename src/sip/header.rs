//! Header names (with RFC 3261 compact forms) and the typed readers for the headers diagnosis
//! needs. Readers are lenient and never fail the message: `None` means "could not read". The
//! `*_ok` checks next to them say whether a value follows the grammar; the parser uses them to
//! report [`ProblemKind::BadHeaderValue`](super::ProblemKind::BadHeaderValue).
//!
//! Header values may span folded lines, so every reader treats CR and LF as white space.

use super::uri::{is_scheme, Uri};
use super::Method;
use std::borrow::Cow;

/// Headers sipdiag knows by name. Everything else is `Other` and stays raw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HeaderName {
    Via,
    From,
    To,
    CallId,
    CSeq,
    Contact,
    ContentLength,
    ContentType,
    ContentEncoding,
    MaxForwards,
    Route,
    RecordRoute,
    Reason,
    Warning,
    RetryAfter,
    SessionExpires,
    MinSE,
    ReferTo,
    ReferredBy,
    Event,
    AllowEvents,
    SubscriptionState,
    WwwAuthenticate,
    Authorization,
    ProxyAuthenticate,
    ProxyAuthorization,
    UserAgent,
    Server,
    Allow,
    Supported,
    Require,
    Expires,
    Subject,
    Identity,
    PAssertedIdentity,
    Diversion,
    Date,
    Accept,
    ProxyRequire,
    Unsupported,
    MinExpires,
    RSeq,
    RAck,
    Replaces,
    ContentDisposition,
    Privacy,
    PPreferredIdentity,
    RemotePartyId,
    HistoryInfo,
    Path,
    Other,
}

/// Number of [`HeaderName`] variants (for tables indexed by `name as usize`).
pub(crate) const HEADER_NAMES: usize = HeaderName::Other as usize + 1;

impl HeaderName {
    /// Case-insensitive lookup of a header name, compact forms included.
    pub fn lookup(name: &str) -> HeaderName {
        use HeaderName::*;
        let b = name.as_bytes();
        if b.len() == 1 {
            return match b[0].to_ascii_lowercase() {
                b'i' => CallId,
                b'm' => Contact,
                b'f' => From,
                b't' => To,
                b'v' => Via,
                b'l' => ContentLength,
                b'c' => ContentType,
                b'k' => Supported,
                b's' => Subject,
                b'e' => ContentEncoding,
                b'o' => Event,
                b'r' => ReferTo,
                b'b' => ReferredBy,
                b'u' => AllowEvents,
                b'x' => SessionExpires,
                b'y' => Identity,
                _ => Other,
            };
        }
        // dispatch on length and first letter, then one comparison
        let Some(first) = b.first().map(u8::to_ascii_lowercase) else { return Other };
        let cand: &[(&str, HeaderName)] = match (b.len(), first) {
            (2, b't') => &[("to", To)],
            (3, b'v') => &[("via", Via)],
            (4, b'c') => &[("cseq", CSeq)],
            (4, b'd') => &[("date", Date)],
            (4, b'f') => &[("from", From)],
            (4, b'p') => &[("path", Path)],
            (4, b'r') => &[("rseq", RSeq), ("rack", RAck)],
            (5, b'a') => &[("allow", Allow)],
            (5, b'e') => &[("event", Event)],
            (5, b'r') => &[("route", Route)],
            (6, b'a') => &[("accept", Accept)],
            (6, b'm') => &[("min-se", MinSE)],
            (6, b'r') => &[("reason", Reason)],
            (6, b's') => &[("server", Server)],
            (7, b'c') => &[("call-id", CallId), ("contact", Contact)],
            (7, b'e') => &[("expires", Expires)],
            (7, b'p') => &[("privacy", Privacy)],
            (7, b'r') => &[("require", Require)],
            (7, b's') => &[("subject", Subject)],
            (7, b'w') => &[("warning", Warning)],
            (8, b'i') => &[("identity", Identity)],
            (8, b'r') => &[("refer-to", ReferTo), ("replaces", Replaces)],
            (9, b'd') => &[("diversion", Diversion)],
            (9, b's') => &[("supported", Supported)],
            (10, b'u') => &[("user-agent", UserAgent)],
            (11, b'm') => &[("min-expires", MinExpires)],
            (11, b'r') => &[("retry-after", RetryAfter), ("referred-by", ReferredBy)],
            (11, b'u') => &[("unsupported", Unsupported)],
            (12, b'a') => &[("allow-events", AllowEvents)],
            (12, b'c') => &[("content-type", ContentType)],
            (12, b'h') => &[("history-info", HistoryInfo)],
            (12, b'm') => &[("max-forwards", MaxForwards)],
            (12, b'r') => &[("record-route", RecordRoute)],
            (13, b'a') => &[("authorization", Authorization)],
            (13, b'p') => &[("proxy-require", ProxyRequire)],
            (14, b'c') => &[("content-length", ContentLength)],
            (15, b'r') => &[("remote-party-id", RemotePartyId)],
            (15, b's') => &[("session-expires", SessionExpires)],
            (16, b'c') => &[("content-encoding", ContentEncoding)],
            (16, b'w') => &[("www-authenticate", WwwAuthenticate)],
            (18, b'p') => &[("proxy-authenticate", ProxyAuthenticate)],
            (18, b's') => &[("subscription-state", SubscriptionState)],
            (19, b'c') => &[("content-disposition", ContentDisposition)],
            (19, b'p') => &[("proxy-authorization", ProxyAuthorization), ("p-asserted-identity", PAssertedIdentity)],
            (20, b'p') => &[("p-preferred-identity", PPreferredIdentity)],
            _ => return Other,
        };
        // the names in the table are lower case already
        let same = |n: &str| n.bytes().zip(b).all(|(k, &c)| k == c.to_ascii_lowercase());
        cand.iter().find(|(n, _)| same(n)).map_or(Other, |&(_, h)| h)
    }

    /// The usual spelling of the name (`""` for `Other`).
    pub fn as_str(self) -> &'static str {
        use HeaderName::*;
        match self {
            Via => "Via",
            From => "From",
            To => "To",
            CallId => "Call-ID",
            CSeq => "CSeq",
            Contact => "Contact",
            ContentLength => "Content-Length",
            ContentType => "Content-Type",
            ContentEncoding => "Content-Encoding",
            MaxForwards => "Max-Forwards",
            Route => "Route",
            RecordRoute => "Record-Route",
            Reason => "Reason",
            Warning => "Warning",
            RetryAfter => "Retry-After",
            SessionExpires => "Session-Expires",
            MinSE => "Min-SE",
            ReferTo => "Refer-To",
            ReferredBy => "Referred-By",
            Event => "Event",
            AllowEvents => "Allow-Events",
            SubscriptionState => "Subscription-State",
            WwwAuthenticate => "WWW-Authenticate",
            Authorization => "Authorization",
            ProxyAuthenticate => "Proxy-Authenticate",
            ProxyAuthorization => "Proxy-Authorization",
            UserAgent => "User-Agent",
            Server => "Server",
            Allow => "Allow",
            Supported => "Supported",
            Require => "Require",
            Expires => "Expires",
            Subject => "Subject",
            Identity => "Identity",
            PAssertedIdentity => "P-Asserted-Identity",
            Diversion => "Diversion",
            Date => "Date",
            Accept => "Accept",
            ProxyRequire => "Proxy-Require",
            Unsupported => "Unsupported",
            MinExpires => "Min-Expires",
            RSeq => "RSeq",
            RAck => "RAck",
            Replaces => "Replaces",
            ContentDisposition => "Content-Disposition",
            Privacy => "Privacy",
            PPreferredIdentity => "P-Preferred-Identity",
            RemotePartyId => "Remote-Party-ID",
            HistoryInfo => "History-Info",
            Path => "Path",
            Other => "",
        }
    }

    /// Headers whose value may be a comma-separated list of entries.
    pub fn is_list(self) -> bool {
        use HeaderName::*;
        matches!(
            self,
            Via | Contact
                | Route
                | RecordRoute
                | Allow
                | Supported
                | Require
                | AllowEvents
                | Warning
                | Reason
                | Accept
                | ProxyRequire
                | Unsupported
                | ContentEncoding
                | PAssertedIdentity
                | PPreferredIdentity
                | Diversion
                | HistoryInfo
                | Path
                | RemotePartyId
                | Privacy
        )
    }

    /// Headers that may appear at most once (RFC 3261 §7.3.1: only list headers repeat).
    pub fn is_single(self) -> bool {
        use HeaderName::*;
        matches!(
            self,
            From | To
                | CallId
                | CSeq
                | MaxForwards
                | ContentLength
                | ContentType
                | Expires
                | MinExpires
                | SessionExpires
                | MinSE
                | RetryAfter
                | SubscriptionState
                | Event
                | ReferTo
                | Replaces
                | RSeq
                | RAck
                | Date
        )
    }
}

/// SIP's white space inside header values: SP, HTAB, and the CR/LF of folded lines.
pub(crate) fn is_ws(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

#[inline]
pub(crate) fn is_ws_b(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// Trims [`is_ws`] white space from both ends (byte-wise: white space is ASCII).
#[inline]
pub(crate) fn trim_ws(s: &str) -> &str {
    let b = s.as_bytes();
    let (mut i, mut j) = (0, b.len());
    while i < j && is_ws_b(b[i]) {
        i += 1;
    }
    while j > i && is_ws_b(b[j - 1]) {
        j -= 1;
    }
    // i and j sit next to ASCII bytes or at the ends: char boundaries
    s.get(i..j).unwrap_or("")
}

#[inline]
pub(crate) fn trim_ws_start(s: &str) -> &str {
    let i = s.bytes().position(|b| !is_ws_b(b)).unwrap_or(s.len());
    s.get(i..).unwrap_or("")
}

/// Trims SP and HTAB only (a header line's own white space).
#[inline]
pub(crate) fn trim_sp(s: &str) -> &str {
    let b = s.as_bytes();
    let (mut i, mut j) = (0, b.len());
    while i < j && (b[i] == b' ' || b[i] == b'\t') {
        i += 1;
    }
    while j > i && (b[j - 1] == b' ' || b[j - 1] == b'\t') {
        j -= 1;
    }
    s.get(i..j).unwrap_or("")
}

/// Index of the first byte `b` in `s` (for the short strings of header values).
#[inline]
pub(crate) fn find_byte(s: &str, b: u8) -> Option<usize> {
    s.bytes().position(|c| c == b)
}

/// `token` characters of RFC 3261 §25.1, as a table.
static TOKEN: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        let c = i as u8;
        t[i] = c.is_ascii_alphanumeric()
            || matches!(c, b'-' | b'.' | b'!' | b'%' | b'*' | b'_' | b'+' | b'`' | b'\'' | b'~');
        i += 1;
    }
    t
};

#[inline]
pub(crate) fn is_token_byte(b: u8) -> bool {
    TOKEN[b as usize]
}

#[inline]
pub(crate) fn is_token(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(is_token_byte)
}

/// Removes one pair of surrounding double quotes (the content keeps its backslash escapes).
pub(crate) fn unquote(s: &str) -> &str {
    if s.len() >= 2 && s.starts_with('"') && s.ends_with('"') {
        &s[1..s.len() - 1]
    } else {
        s
    }
}

/// Index of the first byte in `s` equal to `stop` outside double quotes (backslash escapes
/// honoured inside quotes), or `s.len()`. A byte loop: the strings are short and the stop is
/// usually near.
#[inline]
fn find_unquoted(s: &str, stop: u8) -> usize {
    let b = s.as_bytes();
    let mut in_q = false;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if in_q {
            if c == b'\\' {
                i += 1;
            } else if c == b'"' {
                in_q = false;
            }
        } else if c == stop {
            return i;
        } else if c == b'"' {
            in_q = true;
        }
        i += 1;
    }
    b.len()
}

/// Splits a header value on commas that are outside quotes, `<>` and `()` (RFC 3261 §7.3.1).
/// Empty entries are skipped.
pub fn split_list(value: &str) -> impl Iterator<Item = &str> {
    split_list_raw(value).filter(|s| !s.is_empty())
}

/// Like [`split_list`] but yields empty entries too (for grammar checks).
pub(crate) fn split_list_raw(value: &str) -> ListIter<'_> {
    ListIter { rest: Some(value) }
}

pub(crate) struct ListIter<'a> {
    rest: Option<&'a str>,
}

impl<'a> Iterator for ListIter<'a> {
    type Item = &'a str;
    fn next(&mut self) -> Option<&'a str> {
        let s = self.rest?;
        let b = s.as_bytes();
        if !b.contains(&b',') {
            self.rest = None;
            return Some(trim_ws(s));
        }
        let (mut in_q, mut in_a, mut paren) = (false, false, 0u32);
        let mut i = 0;
        while i < b.len() {
            let c = b[i];
            if in_q {
                if c == b'\\' {
                    i += 1;
                } else if c == b'"' {
                    in_q = false;
                }
            } else {
                match c {
                    b'"' => in_q = true,
                    b'<' => in_a = true,
                    b'>' => in_a = false,
                    b'(' if !in_a => paren += 1,
                    b')' if !in_a => paren = paren.saturating_sub(1),
                    b',' if !in_a && paren == 0 => break,
                    _ => {}
                }
            }
            i += 1;
        }
        if i < b.len() {
            self.rest = Some(&s[i + 1..]);
            Some(trim_ws(&s[..i]))
        } else {
            self.rest = None;
            Some(trim_ws(s))
        }
    }
}

/// Iterates `;name=value` parameters in `s` (the text after the first `;`). Semicolons inside
/// quotes do not split; values lose one pair of surrounding quotes. Empty items are skipped.
pub fn params(s: &str) -> impl Iterator<Item = (&str, Option<&str>)> {
    params_raw(s).filter(|(n, _)| !n.is_empty()).map(|(n, v)| (n, v.map(unquote)))
}

/// Like [`params`] but with empty items and values as written (quotes kept).
pub(crate) fn params_raw(s: &str) -> ParamIter<'_> {
    ParamIter { rest: Some(s) }
}

pub(crate) struct ParamIter<'a> {
    rest: Option<&'a str>,
}

impl<'a> Iterator for ParamIter<'a> {
    type Item = (&'a str, Option<&'a str>);
    fn next(&mut self) -> Option<Self::Item> {
        let s = self.rest?;
        let i = find_unquoted(s, b';');
        let item = &s[..i];
        self.rest = if i < s.len() { Some(&s[i + 1..]) } else { None };
        Some(match find_byte(item, b'=') {
            Some(e) => (trim_ws(&item[..e]), Some(trim_ws(&item[e + 1..]))),
            None => (trim_ws(item), None),
        })
    }
}

/// The value of parameter `name` (case-insensitive) in a `;`-parameter list: `None` if absent,
/// `Some(None)` if present without a value.
pub fn param<'a>(s: &'a str, name: &str) -> Option<Option<&'a str>> {
    params_raw(s).find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.map(unquote))
}

/// Whether a parameter list follows the grammar: no empty items, token names, values that are
/// tokens, hosts or (closed) quoted strings.
pub(crate) fn params_ok(s: &str) -> bool {
    // `;` with nothing after it is an empty item
    !trim_ws(s).is_empty() && params_raw(s).all(|(n, v)| param_ok(n, v))
}

/// The inside of a quoted string: every `"` escaped, no backslash at the very end.
fn quoted_inner_ok(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' if i + 1 < b.len() => i += 1,
            b'\\' | b'"' => return false,
            _ => {}
        }
        i += 1;
    }
    true
}

/// One `name[=value]` item (value as written) of a parameter list.
#[inline]
fn param_ok(n: &str, v: Option<&str>) -> bool {
    is_token(n)
        && v.is_none_or(|v| {
            if v.starts_with('"') {
                v.len() >= 2 && v.ends_with('"') && quoted_inner_ok(&v[1..v.len() - 1])
            } else {
                !v.is_empty() && !v.bytes().any(|b| is_ws_b(b) || b == b',' || b == b'"')
            }
        })
}

/// Parses an all-digit string to `u32`; `None` when empty, not digits, or larger than u32.
pub(crate) fn parse_u32(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Like [`parse_u32`] but values larger than u32 saturate (delta-seconds have no upper bound).
pub(crate) fn parse_u32_saturating(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(s.parse().unwrap_or(u32::MAX))
}

/// One Via entry: `SIP/2.0/UDP host:port;branch=…;received=…;rport=…`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Via<'a> {
    pub transport: &'a str,
    pub host: &'a str,
    pub port: Option<u16>,
    pub branch: Option<&'a str>,
    pub received: Option<&'a str>,
    /// `Some(None)`: `rport` present without a value (asked for); `Some(Some(p))`: filled in.
    pub rport: Option<Option<u16>>,
    pub params: &'a str,
}

/// A Via entry and whether it follows the grammar.
pub(crate) struct ViaParts<'a> {
    pub(crate) via: Via<'a>,
    pub(crate) ok: bool,
}

impl Via<'_> {
    /// Whether `entry` is a well-formed Via entry.
    pub(crate) fn entry_ok(entry: &str) -> bool {
        Via::parse_checked(entry).is_some_and(|p| p.ok)
    }
}

impl<'a> Via<'a> {
    pub fn parse(entry: &'a str) -> Option<Via<'a>> {
        Self::parse_checked(entry).map(|p| p.via)
    }

    pub(crate) fn parse_checked(entry: &'a str) -> Option<ViaParts<'a>> {
        let entry = trim_ws(entry);
        // sent-protocol = name SLASH version SLASH transport, LWS allowed around the slashes
        let s1 = find_byte(entry, b'/')?;
        let name = trim_ws(&entry[..s1]);
        let rest = &entry[s1 + 1..];
        let s2 = find_byte(rest, b'/')?;
        let version = trim_ws(&rest[..s2]);
        let after = trim_ws_start(&rest[s2 + 1..]);
        let tend = after.bytes().position(|c| is_ws_b(c) || c == b';').unwrap_or(after.len());
        let transport = &after[..tend];
        if transport.is_empty() {
            return None;
        }
        let rest = trim_ws_start(&after[tend..]);
        let (sent_by, params, has_semi) = match find_byte(rest, b';') {
            Some(i) => (trim_ws(&rest[..i]), &rest[i + 1..], true),
            None => (trim_ws(rest), "", false),
        };
        let (host, port) = super::uri::split_host_port(sent_by);
        let mut ok = name.eq_ignore_ascii_case("SIP")
            && version == "2.0"
            && is_token(transport)
            && !host.is_empty()
            && (host.starts_with('[') || !host.contains(':'))
            && !sent_by.bytes().any(|c| is_ws_b(c) || c == b',' || c == b'"')
            && (port.is_some() || !sent_by.ends_with(':'));
        let mut via = Via { transport, host, port, branch: None, received: None, rport: None, params };
        if has_semi {
            ok &= !trim_ws(params).is_empty();
            for (n, v) in params_raw(params) {
                ok &= param_ok(n, v);
                let v = v.map(unquote);
                match n.len() {
                    6 if n.eq_ignore_ascii_case("branch") => {
                        via.branch = v;
                        ok &= v.is_some_and(|v| !v.is_empty());
                    }
                    8 if n.eq_ignore_ascii_case("received") => via.received = v,
                    5 if n.eq_ignore_ascii_case("rport") => {
                        via.rport = Some(v.and_then(|p| p.parse().ok()));
                        ok &= v.is_none_or(|p| p.parse::<u16>().is_ok());
                    }
                    _ => {}
                }
            }
        }
        Some(ViaParts { via, ok })
    }

    /// Whether the branch starts with the RFC 3261 magic cookie and has something after it.
    pub fn has_magic_cookie(&self) -> bool {
        self.branch.is_some_and(|b| b.len() > 7 && b.starts_with("z9hG4bK"))
    }

    /// A Via parameter by name (`maddr`, `ttl`, `alias`, …).
    pub fn param(&self, name: &str) -> Option<Option<&'a str>> {
        param(self.params, name)
    }
}

/// `"Display" <uri>;params` or `uri;params` (From, To, Contact, Route, Refer-To, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NameAddr<'a> {
    /// The display name without its surrounding quotes (backslash escapes kept as written).
    pub display: Option<&'a str>,
    pub uri: &'a str,
    pub params: &'a str,
}

impl NameAddr<'_> {
    /// Whether `v` is a well-formed name-addr or addr-spec with parameters.
    pub(crate) fn value_ok(v: &str) -> bool {
        NameAddr::parse_checked(v).is_some_and(|(_, ok)| ok)
    }

    /// Whether `v` is a well-formed `<uri>` with parameters (Route, Record-Route, Path).
    pub(crate) fn angle_ok(v: &str) -> bool {
        NameAddr::parse_checked(v).is_some_and(|(_, ok)| ok) && trim_ws(v).contains('<')
    }
}

impl<'a> NameAddr<'a> {
    pub fn parse(v: &'a str) -> Option<NameAddr<'a>> {
        Self::parse_checked(v).map(|(n, _)| n)
    }

    pub(crate) fn parse_checked(v: &'a str) -> Option<(NameAddr<'a>, bool)> {
        let v = trim_ws(v);
        if v.is_empty() {
            return None;
        }
        if v == "*" {
            return Some((NameAddr { display: None, uri: "*", params: "" }, true));
        }
        let lt = find_unquoted(v, b'<');
        if lt < v.len() {
            // name-addr: the quotes before '<' are balanced (the scan found it outside quotes)
            let gt = lt + find_byte(&v[lt..], b'>')?;
            let display_raw = trim_ws(&v[..lt]);
            let raw_uri = &v[lt + 1..gt];
            let uri = trim_ws(raw_uri);
            let after = trim_ws_start(&v[gt + 1..]);
            let (params, params_good) = match after.strip_prefix(';') {
                Some(p) => (p, params_ok(p)),
                None => ("", after.is_empty()),
            };
            let (display, display_good) = if display_raw.starts_with('"') {
                (unquote(display_raw), display_raw.len() >= 2 && display_raw.ends_with('"'))
            } else {
                let ok = display_raw.bytes().all(|b| !b.is_ascii() || is_token_byte(b) || b == b' ' || b == b'\t');
                (display_raw, ok)
            };
            let ok = display_good && params_good && !raw_uri.bytes().any(is_ws_b) && uri_has_scheme(uri);
            let display = (!display.is_empty()).then_some(display);
            Some((NameAddr { display, uri, params }, ok))
        } else {
            // addr-spec: parameters after the URI belong to the header, not the URI
            if v.starts_with('"') {
                return None;
            }
            let (uri, params, has_semi) = match find_byte(v, b';') {
                Some(i) => (trim_ws(&v[..i]), &v[i + 1..], true),
                None => (v, "", false),
            };
            let ok = uri_has_scheme(uri)
                && !uri.bytes().any(|c| is_ws_b(c) || matches!(c, b'?' | b',' | b'"' | b'>'))
                && (!has_semi || params_ok(params));
            Some((NameAddr { display: None, uri, params }, ok))
        }
    }

    pub fn tag(&self) -> Option<&'a str> {
        param(self.params, "tag").flatten()
    }

    /// A header parameter (`expires`, `q`, `+sip.instance`, …).
    pub fn param(&self, name: &str) -> Option<Option<&'a str>> {
        param(self.params, name)
    }

    pub fn parsed_uri(&self) -> Option<Uri<'a>> {
        Uri::parse(self.uri)
    }
}

fn uri_has_scheme(uri: &str) -> bool {
    find_byte(uri, b':').is_some_and(|i| i + 1 < uri.len() && is_scheme(&uri[..i]))
}

/// `CSeq: 4711 INVITE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CSeq<'a> {
    pub seq: u32,
    pub method: Method<'a>,
}

impl<'a> CSeq<'a> {
    /// Reads `number method`; `None` when the number is not a u32 or the method is not a token.
    pub fn parse(v: &'a str) -> Option<CSeq<'a>> {
        let v = trim_ws(v);
        let sp = v.bytes().position(is_ws_b)?;
        let seq = parse_u32(&v[..sp])?;
        let method = trim_ws_start(&v[sp..]);
        if !is_token(method) {
            return None;
        }
        Some(CSeq { seq, method: Method::from_token(method) })
    }
}

/// One entry of `Reason: Q.850;cause=16;text="Normal call clearing"` (RFC 3326).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reason<'a> {
    pub protocol: &'a str,
    pub cause: Option<u16>,
    /// The `text` parameter without its quotes.
    pub text: Option<&'a str>,
}

impl<'a> Reason<'a> {
    pub fn parse(v: &'a str) -> Option<Reason<'a>> {
        let v = trim_ws(v);
        let i = find_unquoted(v, b';');
        let protocol = trim_ws(&v[..i]);
        let ps = if i < v.len() { &v[i + 1..] } else { "" };
        if !is_token(protocol) {
            return None;
        }
        Some(Reason {
            protocol,
            cause: param(ps, "cause").flatten().and_then(|c| c.parse().ok()),
            text: param(ps, "text").flatten(),
        })
    }

    pub fn is_q850(&self) -> bool {
        self.protocol.eq_ignore_ascii_case("Q.850")
    }

    pub fn is_sip(&self) -> bool {
        self.protocol.eq_ignore_ascii_case("SIP")
    }
}

/// One entry of `Warning: 399 pbx.example.com "Incompatible media"` (RFC 3261 §20.43).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Warning<'a> {
    /// The three-digit warn-code.
    pub code: u16,
    /// The host (or pseudonym) that added the warning.
    pub agent: &'a str,
    /// The warning text without its quotes.
    pub text: &'a str,
}

impl<'a> Warning<'a> {
    pub fn parse(v: &'a str) -> Option<Warning<'a>> {
        let v = trim_ws(v);
        let (code, rest) = v.split_once(is_ws)?;
        if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let rest = rest.trim_start_matches(is_ws);
        let (agent, text) = rest.split_once(is_ws)?;
        let text = trim_ws(text);
        if agent.is_empty() || !(text.len() >= 2 && text.starts_with('"') && text.ends_with('"')) {
            return None;
        }
        Some(Warning { code: code.parse().ok()?, agent, text: unquote(text) })
    }
}

/// `Retry-After: 120 (in a meeting);duration=1800` (RFC 3261 §20.33).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter<'a> {
    /// Seconds (values beyond u32 saturate).
    pub seconds: u32,
    /// The comment without its parentheses.
    pub comment: Option<&'a str>,
    pub duration: Option<u32>,
    pub params: &'a str,
}

impl<'a> RetryAfter<'a> {
    pub fn parse(v: &'a str) -> Option<RetryAfter<'a>> {
        let v = trim_ws(v);
        let end = v.find(|c: char| !c.is_ascii_digit()).unwrap_or(v.len());
        let seconds = parse_u32_saturating(&v[..end])?;
        let mut rest = v[end..].trim_start_matches(is_ws);
        let mut comment = None;
        if let Some(r) = rest.strip_prefix('(') {
            let close = r.rfind(')')?;
            comment = Some(&r[..close]);
            rest = r[close + 1..].trim_start_matches(is_ws);
        }
        let params = match rest.strip_prefix(';') {
            Some(p) => p,
            None if rest.is_empty() => "",
            None => return None,
        };
        let duration = param(params, "duration").flatten().and_then(parse_u32_saturating);
        Some(RetryAfter { seconds, comment, duration, params })
    }
}

/// Who refreshes a session timer (RFC 4028).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refresher {
    Uac,
    Uas,
}

/// `Session-Expires: 1800;refresher=uac` (RFC 4028).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionExpires<'a> {
    pub delta: u32,
    /// `None` when absent or not `uac`/`uas`.
    pub refresher: Option<Refresher>,
    pub params: &'a str,
}

impl<'a> SessionExpires<'a> {
    pub fn parse(v: &'a str) -> Option<SessionExpires<'a>> {
        let (d, params) = split_value_params(v);
        let delta = parse_u32(d)?;
        let refresher = param(params, "refresher").flatten().and_then(|r| {
            if r.eq_ignore_ascii_case("uac") {
                Some(Refresher::Uac)
            } else if r.eq_ignore_ascii_case("uas") {
                Some(Refresher::Uas)
            } else {
                None
            }
        });
        Some(SessionExpires { delta, refresher, params })
    }
}

/// Splits `value;params` at the first `;` outside quotes (value trimmed).
fn split_value_params(v: &str) -> (&str, &str) {
    let v = trim_ws(v);
    let i = find_unquoted(v, b';');
    (trim_ws(&v[..i]), if i < v.len() { &v[i + 1..] } else { "" })
}

/// `Event: refer;id=93809824` (RFC 6665).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Event<'a> {
    /// The event package, with template if any (`presence.winfo`).
    pub package: &'a str,
    pub id: Option<&'a str>,
    pub params: &'a str,
}

impl<'a> Event<'a> {
    pub fn parse(v: &'a str) -> Option<Event<'a>> {
        let (package, params) = split_value_params(v);
        if !is_token(package) {
            return None;
        }
        Some(Event { package, id: param(params, "id").flatten(), params })
    }
}

/// `Subscription-State: terminated;reason=noresource` (RFC 6665).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SubscriptionState<'a> {
    /// `active`, `pending`, `terminated` or an extension, as written.
    pub state: &'a str,
    pub reason: Option<&'a str>,
    pub expires: Option<u32>,
    pub retry_after: Option<u32>,
    pub params: &'a str,
}

impl<'a> SubscriptionState<'a> {
    pub fn parse(v: &'a str) -> Option<SubscriptionState<'a>> {
        let (state, params) = split_value_params(v);
        if !is_token(state) {
            return None;
        }
        Some(SubscriptionState {
            state,
            reason: param(params, "reason").flatten(),
            expires: param(params, "expires").flatten().and_then(parse_u32_saturating),
            retry_after: param(params, "retry-after").flatten().and_then(parse_u32_saturating),
            params,
        })
    }

    pub fn is_terminated(&self) -> bool {
        self.state.eq_ignore_ascii_case("terminated")
    }
}

/// `Refer-To: <sip:bob@example.com?Replaces=…>` (RFC 3515, RFC 3891 when attended).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReferTo<'a> {
    pub addr: NameAddr<'a>,
}

impl<'a> ReferTo<'a> {
    pub fn parse(v: &'a str) -> Option<ReferTo<'a>> {
        NameAddr::parse(v).map(|addr| ReferTo { addr })
    }

    pub fn uri(&self) -> &'a str {
        self.addr.uri
    }

    /// The embedded `Replaces` URI header as written (percent-escaped).
    pub fn replaces_raw(&self) -> Option<&'a str> {
        let (_, headers) = self.addr.uri.split_once('?')?;
        headers.split('&').find_map(|h| {
            let (n, v) = h.split_once('=')?;
            n.eq_ignore_ascii_case("Replaces").then_some(v)
        })
    }

    /// The embedded `Replaces` value, percent-decoded: read it with [`Replaces::parse`].
    pub fn replaces(&self) -> Option<Cow<'a, str>> {
        self.replaces_raw().map(percent_decode)
    }
}

/// `Replaces: call-id;to-tag=…;from-tag=…[;early-only]` (RFC 3891).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Replaces<'a> {
    pub call_id: &'a str,
    pub to_tag: Option<&'a str>,
    pub from_tag: Option<&'a str>,
    pub early_only: bool,
}

impl<'a> Replaces<'a> {
    pub fn parse(v: &'a str) -> Option<Replaces<'a>> {
        let (call_id, params) = split_value_params(v);
        if call_id.is_empty() {
            return None;
        }
        Some(Replaces {
            call_id,
            to_tag: param(params, "to-tag").flatten(),
            from_tag: param(params, "from-tag").flatten(),
            early_only: param(params, "early-only").is_some(),
        })
    }
}

/// Decodes `%XX` escapes; invalid escapes stay as written, and bytes that do not form UTF-8
/// become U+FFFD. Borrowed when there is nothing to decode.
pub fn percent_decode(s: &str) -> Cow<'_, str> {
    if !s.contains('%') {
        return Cow::Borrowed(s);
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = |c: u8| (c as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    match String::from_utf8(out) {
        Ok(s) => Cow::Owned(s),
        Err(e) => Cow::Owned(String::from_utf8_lossy(e.as_bytes()).into_owned()),
    }
}

/// A digest challenge or credentials (`WWW-Authenticate`, `Authorization`, and the proxy forms).
/// Only the fields diagnosis needs; secrets are read, never required.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Auth<'a> {
    pub scheme: &'a str,
    pub realm: Option<&'a str>,
    pub nonce: Option<&'a str>,
    pub username: Option<&'a str>,
    pub uri: Option<&'a str>,
    pub response: Option<&'a str>,
    pub algorithm: Option<&'a str>,
    pub qop: Option<&'a str>,
    pub opaque: Option<&'a str>,
    pub cnonce: Option<&'a str>,
    pub nc: Option<&'a str>,
    pub stale: bool,
    /// Everything after the scheme, as written.
    pub params: &'a str,
}

impl<'a> Auth<'a> {
    pub fn parse(v: &'a str) -> Option<Auth<'a>> {
        let v = trim_ws(v);
        let (scheme, rest) = v.split_once(is_ws).unwrap_or((v, ""));
        if !is_token(scheme) {
            return None;
        }
        let rest = trim_ws(rest);
        let mut a = Auth { scheme, params: rest, ..Default::default() };
        for item in split_list(rest) {
            let Some((n, val)) = item.split_once('=') else { continue };
            let n = trim_ws(n);
            let val = unquote(trim_ws(val));
            let slot = match n.len() {
                2 if n.eq_ignore_ascii_case("nc") => &mut a.nc,
                3 if n.eq_ignore_ascii_case("uri") => &mut a.uri,
                3 if n.eq_ignore_ascii_case("qop") => &mut a.qop,
                5 if n.eq_ignore_ascii_case("realm") => &mut a.realm,
                5 if n.eq_ignore_ascii_case("nonce") => &mut a.nonce,
                5 if n.eq_ignore_ascii_case("stale") => {
                    a.stale = val.eq_ignore_ascii_case("true");
                    continue;
                }
                6 if n.eq_ignore_ascii_case("opaque") => &mut a.opaque,
                6 if n.eq_ignore_ascii_case("cnonce") => &mut a.cnonce,
                8 if n.eq_ignore_ascii_case("username") => &mut a.username,
                8 if n.eq_ignore_ascii_case("response") => &mut a.response,
                9 if n.eq_ignore_ascii_case("algorithm") => &mut a.algorithm,
                _ => continue,
            };
            *slot = Some(val);
        }
        Some(a)
    }

    pub fn is_digest(&self) -> bool {
        self.scheme.eq_ignore_ascii_case("Digest")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_and_long_names() {
        assert_eq!(HeaderName::lookup("i"), HeaderName::CallId);
        assert_eq!(HeaderName::lookup("CALL-ID"), HeaderName::CallId);
        assert_eq!(HeaderName::lookup("X-Foo"), HeaderName::Other);
        assert_eq!(HeaderName::lookup("Proxy-Authorization"), HeaderName::ProxyAuthorization);
        assert_eq!(HeaderName::lookup("a-name-much-longer-than-any-known"), HeaderName::Other);
        assert_eq!(HeaderName::lookup(""), HeaderName::Other);
        assert_eq!(HeaderName::lookup("é"), HeaderName::Other);
    }

    #[test]
    fn via_fields() {
        let v = Via::parse("SIP/2.0/UDP 10.0.0.1:5060;rport=5061;branch=z9hG4bK77;received=203.0.113.9").unwrap();
        assert_eq!((v.transport, v.host, v.port), ("UDP", "10.0.0.1", Some(5060)));
        assert_eq!(v.branch, Some("z9hG4bK77"));
        assert_eq!(v.received, Some("203.0.113.9"));
        assert_eq!(v.rport, Some(Some(5061)));
        let v = Via::parse("SIP/2.0/TCP [2001:db8::9]:5070;branch=z9hG4bKa;rport").unwrap();
        assert_eq!((v.host, v.port, v.rport), ("[2001:db8::9]", Some(5070), Some(None)));
        assert!(Via::entry_ok("SIP  /   2.0\r\n /UDP\r\n    192.0.2.2;branch=390skdjuw"));
        assert!(!Via::entry_ok("SIP/2.0/UDP 192.0.2.15;;"));
        assert!(!Via::entry_ok("SIP/7.0/UDP c.example.com;branch=z9hG4bKkdjuw"));
    }

    #[test]
    fn name_addr_forms() {
        let n = NameAddr::parse("\"Bob, Jr\" <sip:bob@b.example;transport=tcp>;tag=abc").unwrap();
        assert_eq!((n.display, n.uri, n.tag()), (Some("Bob, Jr"), "sip:bob@b.example;transport=tcp", Some("abc")));
        let n = NameAddr::parse("sip:alice@a.example;tag=9").unwrap();
        assert_eq!((n.uri, n.tag()), ("sip:alice@a.example", Some("9")));
        let parts: Vec<_> = split_list("<sip:a@b>, \"x,y\" <sip:c@d>;q=0.5").collect();
        assert_eq!(parts, vec!["<sip:a@b>", "\"x,y\" <sip:c@d>;q=0.5"]);
        let n = NameAddr::parse(r#""J Rosenberg \\\""       <sip:jdrosen@example.com>"#).unwrap();
        assert_eq!(n.display, Some(r#"J Rosenberg \\\""#));
        assert!(NameAddr::parse("\"Mr. J. User <sip:j.user@example.com>").is_none());
        assert!(!NameAddr::value_ok("Bell, Alexander <sip:a.g.bell@example.com>;tag=43"));
        assert!(!NameAddr::value_ok("\"Watson, Thomas\" < sip:t.watson@example.org >"));
        assert!(!NameAddr::value_ok("sip:user@example.com?Route=%3Csip:sip.example.com%3E"));
        assert!(NameAddr::value_ok("<sip:user@example.com?Route=%3Csip:sip.example.com%3E>"));
    }

    #[test]
    fn params_respect_quotes() {
        let got: Vec<_> = params("cause=16;text=\"a;b\";x").collect();
        assert_eq!(got, vec![("cause", Some("16")), ("text", Some("a;b")), ("x", None)]);
        assert!(!params_ok(";;"));
        assert!(params_ok("lr;x=\"a b\""));
        assert!(params_ok("text=\"say \\\"hi\\\"\""));
        assert!(!params_ok("text=\"a\"b\""));
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("a%40b%3Bto-tag%3D1"), "a@b;to-tag=1");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%4"), "%4");
        assert!(matches!(percent_decode("plain"), Cow::Borrowed("plain")));
    }
}
