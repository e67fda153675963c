//! Header names (with RFC 3261 compact forms) and the typed readers for the headers diagnosis
//! needs. Readers are lenient and never fail the message: `None` means "could not read".

use super::uri::Uri;
use super::Method;
use crate::text::trim_lws;

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
    Other,
}

impl HeaderName {
    /// Case-insensitive lookup of a header name, compact forms included.
    pub fn lookup(name: &str) -> HeaderName {
        use HeaderName::*;
        if name.len() == 1 {
            return match name.as_bytes()[0].to_ascii_lowercase() {
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
        const NAMES: &[(&str, HeaderName)] = &[
            ("via", Via),
            ("from", From),
            ("to", To),
            ("call-id", CallId),
            ("cseq", CSeq),
            ("contact", Contact),
            ("content-length", ContentLength),
            ("content-type", ContentType),
            ("content-encoding", ContentEncoding),
            ("max-forwards", MaxForwards),
            ("route", Route),
            ("record-route", RecordRoute),
            ("reason", Reason),
            ("warning", Warning),
            ("retry-after", RetryAfter),
            ("session-expires", SessionExpires),
            ("min-se", MinSE),
            ("refer-to", ReferTo),
            ("referred-by", ReferredBy),
            ("event", Event),
            ("allow-events", AllowEvents),
            ("subscription-state", SubscriptionState),
            ("www-authenticate", WwwAuthenticate),
            ("authorization", Authorization),
            ("proxy-authenticate", ProxyAuthenticate),
            ("proxy-authorization", ProxyAuthorization),
            ("user-agent", UserAgent),
            ("server", Server),
            ("allow", Allow),
            ("supported", Supported),
            ("require", Require),
            ("expires", Expires),
            ("subject", Subject),
            ("identity", Identity),
            ("p-asserted-identity", PAssertedIdentity),
            ("diversion", Diversion),
        ];
        NAMES.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map_or(Other, |(_, h)| *h)
    }

    /// Headers whose value may be a comma-separated list of entries.
    pub fn is_list(self) -> bool {
        use HeaderName::*;
        matches!(
            self,
            Via | Contact | Route | RecordRoute | Allow | Supported | Require | AllowEvents | Warning | Reason
        )
    }
}

/// Splits a header value on commas that are outside quotes and `<>` (RFC 3261 §7.3.1).
pub fn split_list(value: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(value);
    std::iter::from_fn(move || loop {
        let s = rest?;
        let b = s.as_bytes();
        let (mut in_q, mut in_a, mut esc) = (false, false, false);
        let mut cut = None;
        for (i, &c) in b.iter().enumerate() {
            if esc {
                esc = false;
                continue;
            }
            match c {
                b'\\' if in_q => esc = true,
                b'"' => in_q = !in_q,
                b'<' if !in_q => in_a = true,
                b'>' if !in_q => in_a = false,
                b',' if !in_q && !in_a => {
                    cut = Some(i);
                    break;
                }
                _ => {}
            }
        }
        let (item, next) = match cut {
            Some(i) => (&s[..i], Some(&s[i + 1..])),
            None => (s, None),
        };
        rest = next;
        let item = item.trim_matches(|c: char| c.is_ascii_whitespace());
        if !item.is_empty() {
            return Some(item);
        }
    })
}

/// Iterates `;name=value` parameters in `s` (which starts after the first `;`). Values keep
/// their quotes stripped.
pub fn params(s: &str) -> impl Iterator<Item = (&str, Option<&str>)> {
    s.split(';').filter_map(|p| {
        let p = p.trim_matches(|c: char| c.is_ascii_whitespace());
        if p.is_empty() {
            return None;
        }
        Some(match p.split_once('=') {
            Some((n, v)) => (trim_lws(n), Some(v.trim_matches(|c: char| c.is_ascii_whitespace()).trim_matches('"'))),
            None => (p, None),
        })
    })
}

/// The value of parameter `name` (case-insensitive) in a `;`-parameter list.
pub fn param<'a>(s: &'a str, name: &str) -> Option<Option<&'a str>> {
    params(s).find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v)
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

impl<'a> Via<'a> {
    pub fn parse(entry: &'a str) -> Option<Via<'a>> {
        let entry = entry.trim_matches(|c: char| c.is_ascii_whitespace());
        // sent-protocol = name / version / transport, LWS allowed around the slashes
        let slash1 = entry.find('/')?;
        let slash2 = slash1 + 1 + entry[slash1 + 1..].find('/')?;
        let after = entry[slash2 + 1..].trim_start();
        let tend = after.find(|c: char| c.is_ascii_whitespace() || c == ';').unwrap_or(after.len());
        let transport = &after[..tend];
        if transport.is_empty() {
            return None;
        }
        let rest = &after[tend..];
        let rest = rest.trim_start();
        let (sent_by, params) = match rest.find(';') {
            Some(i) => (rest[..i].trim(), &rest[i + 1..]),
            None => (rest.trim(), ""),
        };
        let (host, port) = super::uri::split_host_port(sent_by);
        let mut via = Via { transport, host, port, branch: None, received: None, rport: None, params };
        for (n, v) in super::header::params(params) {
            if n.eq_ignore_ascii_case("branch") {
                via.branch = v;
            } else if n.eq_ignore_ascii_case("received") {
                via.received = v;
            } else if n.eq_ignore_ascii_case("rport") {
                via.rport = Some(v.and_then(|p| p.parse().ok()));
            }
        }
        Some(via)
    }
}

/// `"Display" <uri>;params` or `uri;params` (From, To, Contact, Route, Refer-To, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NameAddr<'a> {
    pub display: Option<&'a str>,
    pub uri: &'a str,
    pub params: &'a str,
}

impl<'a> NameAddr<'a> {
    pub fn parse(v: &'a str) -> Option<NameAddr<'a>> {
        let v = v.trim_matches(|c: char| c.is_ascii_whitespace());
        if v.is_empty() {
            return None;
        }
        if v == "*" {
            return Some(NameAddr { display: None, uri: "*", params: "" });
        }
        // find '<' outside quotes
        let b = v.as_bytes();
        let (mut in_q, mut esc) = (false, false);
        let mut lt = None;
        for (i, &c) in b.iter().enumerate() {
            if esc {
                esc = false;
                continue;
            }
            match c {
                b'\\' if in_q => esc = true,
                b'"' => in_q = !in_q,
                b'<' if !in_q => {
                    lt = Some(i);
                    break;
                }
                _ => {}
            }
        }
        if let Some(lt) = lt {
            let gt = v[lt..].find('>').map(|i| lt + i)?;
            let display = v[..lt].trim_matches(|c: char| c.is_ascii_whitespace()).trim_matches('"');
            let after = &v[gt + 1..];
            let params = after.trim_start().strip_prefix(';').unwrap_or("");
            Some(NameAddr { display: (!display.is_empty()).then_some(display), uri: v[lt + 1..gt].trim(), params })
        } else {
            // addr-spec: parameters after the URI belong to the header, not the URI
            let (uri, params) = match v.find(';') {
                Some(i) => (&v[..i], &v[i + 1..]),
                None => (v, ""),
            };
            Some(NameAddr { display: None, uri: uri.trim(), params })
        }
    }

    pub fn tag(&self) -> Option<&'a str> {
        param(self.params, "tag").flatten()
    }

    pub fn parsed_uri(&self) -> Option<Uri<'a>> {
        Uri::parse(self.uri)
    }
}

/// `CSeq: 4711 INVITE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CSeq<'a> {
    pub seq: u32,
    pub method: Method<'a>,
}

impl<'a> CSeq<'a> {
    pub fn parse(v: &'a str) -> Option<CSeq<'a>> {
        let mut it = v.split_ascii_whitespace();
        let seq = it.next()?.parse().ok()?;
        let method = Method::from_token(it.next()?);
        Some(CSeq { seq, method })
    }
}

/// One entry of `Reason: Q.850;cause=16;text="Normal call clearing"` (RFC 3326).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reason<'a> {
    pub protocol: &'a str,
    pub cause: Option<u16>,
    pub text: Option<&'a str>,
}

impl<'a> Reason<'a> {
    pub fn parse(v: &'a str) -> Option<Reason<'a>> {
        let v = v.trim();
        let (protocol, ps) = match v.find(';') {
            Some(i) => (v[..i].trim(), &v[i + 1..]),
            None => (v, ""),
        };
        if protocol.is_empty() {
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
    pub stale: bool,
}

impl<'a> Auth<'a> {
    pub fn parse(v: &'a str) -> Option<Auth<'a>> {
        let v = v.trim();
        let (scheme, rest) = v.split_once(|c: char| c.is_ascii_whitespace()).unwrap_or((v, ""));
        if scheme.is_empty() {
            return None;
        }
        let mut a = Auth { scheme, ..Default::default() };
        for item in split_list(rest) {
            let Some((n, val)) = item.split_once('=') else { continue };
            let n = n.trim();
            let val = val.trim().trim_matches('"');
            match n.to_ascii_lowercase().as_str() {
                "realm" => a.realm = Some(val),
                "nonce" => a.nonce = Some(val),
                "username" => a.username = Some(val),
                "uri" => a.uri = Some(val),
                "response" => a.response = Some(val),
                "algorithm" => a.algorithm = Some(val),
                "qop" => a.qop = Some(val),
                "stale" => a.stale = val.eq_ignore_ascii_case("true"),
                _ => {}
            }
        }
        Some(a)
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
    }

    #[test]
    fn name_addr_forms() {
        let n = NameAddr::parse("\"Bob, Jr\" <sip:bob@b.example;transport=tcp>;tag=abc").unwrap();
        assert_eq!((n.display, n.uri, n.tag()), (Some("Bob, Jr"), "sip:bob@b.example;transport=tcp", Some("abc")));
        let n = NameAddr::parse("sip:alice@a.example;tag=9").unwrap();
        assert_eq!((n.uri, n.tag()), ("sip:alice@a.example", Some("9")));
        let parts: Vec<_> = split_list("<sip:a@b>, \"x,y\" <sip:c@d>;q=0.5").collect();
        assert_eq!(parts, vec!["<sip:a@b>", "\"x,y\" <sip:c@d>;q=0.5"]);
    }
}
