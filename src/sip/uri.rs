//! SIP/SIPS/TEL URIs (RFC 3261 §19.1, RFC 3966), read leniently: scheme, user, host (IPv6 in
//! brackets), port, parameters and headers as slices. Other schemes (`http:`, `urn:`, …) keep
//! everything after the colon in `host`.

/// A host as written: a name, an IPv4 address or a bracketed IPv6 reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Host<'a> {
    Name(&'a str),
    V4(std::net::Ipv4Addr),
    V6(std::net::Ipv6Addr),
}

impl<'a> Host<'a> {
    pub fn parse(s: &'a str) -> Host<'a> {
        let inner = s.strip_prefix('[').and_then(|r| r.strip_suffix(']'));
        if let Some(v6) = inner.and_then(|i| i.parse().ok()) {
            return Host::V6(v6);
        }
        if s.contains(':') {
            if let Ok(v6) = s.parse() {
                return Host::V6(v6);
            }
        }
        match s.parse() {
            Ok(v4) => Host::V4(v4),
            Err(_) => Host::Name(s),
        }
    }

    pub fn ip(&self) -> Option<std::net::IpAddr> {
        match *self {
            Host::V4(a) => Some(a.into()),
            Host::V6(a) => Some(a.into()),
            Host::Name(_) => None,
        }
    }
}

/// A parsed URI. `user` is the part before `@` (without password), `params` is everything
/// after the first `;` in the hostport part, `headers` after `?`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Uri<'a> {
    pub scheme: &'a str,
    pub user: Option<&'a str>,
    pub host: &'a str,
    pub port: Option<u16>,
    pub params: &'a str,
    pub headers: &'a str,
}

/// `scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`.
pub(crate) fn is_scheme(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty() && b[0].is_ascii_alphabetic() && b.iter().all(|&c| c.is_ascii_alphanumeric() || b"+-.".contains(&c))
}

impl<'a> Uri<'a> {
    pub fn parse(s: &'a str) -> Option<Uri<'a>> {
        let s = s.trim();
        let (scheme, rest) = s.split_once(':')?;
        if !is_scheme(scheme) {
            return None;
        }
        if scheme.eq_ignore_ascii_case("tel") {
            let (rest, headers) = rest.split_once('?').unwrap_or((rest, ""));
            let (num, params) = rest.split_once(';').unwrap_or((rest, ""));
            return Some(Uri { scheme, user: Some(num), host: "", port: None, params, headers });
        }
        if !(scheme.eq_ignore_ascii_case("sip") || scheme.eq_ignore_ascii_case("sips")) {
            return Some(Uri { scheme, user: None, host: rest, port: None, params: "", headers: "" });
        }
        // The user part may hold `;`, `?` and `:` (RFC 3261 user-unreserved); the host part
        // never holds `@`, so the last `@` ends the userinfo.
        let (user, hostpart) = match rest.rfind('@') {
            Some(i) => (Some(rest[..i].split(':').next().unwrap_or("")), &rest[i + 1..]),
            None => (None, rest),
        };
        let (hostpart, headers) = hostpart.split_once('?').unwrap_or((hostpart, ""));
        let (hostport, params) = hostpart.split_once(';').unwrap_or((hostpart, ""));
        let (host, port) = split_host_port(hostport);
        Some(Uri { scheme, user, host, port, params, headers })
    }

    pub fn param(&self, name: &str) -> Option<Option<&'a str>> {
        super::header::param(self.params, name)
    }

    pub fn host(&self) -> Host<'a> {
        Host::parse(self.host)
    }

    /// The `transport` URI parameter.
    pub fn transport(&self) -> Option<&'a str> {
        self.param("transport").flatten()
    }

    pub fn is_sips(&self) -> bool {
        self.scheme.eq_ignore_ascii_case("sips")
    }
}

/// Splits `host[:port]`, with IPv6 references in brackets kept whole (`[2001:db8::1]:5060`).
pub fn split_host_port(s: &str) -> (&str, Option<u16>) {
    let s = s.trim();
    if s.starts_with('[') {
        if let Some(end) = s.find(']') {
            let port = s[end + 1..].trim_start().strip_prefix(':').and_then(|p| p.trim().parse().ok());
            return (&s[..=end], port);
        }
        return (s, None);
    }
    // a bare IPv6 address (more than one colon) has no port
    if s.bytes().filter(|&b| b == b':').count() > 1 {
        return (s, None);
    }
    match s.rsplit_once(':') {
        Some((h, p)) => match p.trim().parse() {
            Ok(port) => (h.trim_end(), Some(port)),
            Err(_) => (s, None),
        },
        None => (s, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris() {
        let u = Uri::parse("sip:alice:secret@[2001:db8::10]:5070;transport=tcp?subject=x").unwrap();
        assert_eq!((u.scheme, u.user, u.host, u.port), ("sip", Some("alice"), "[2001:db8::10]", Some(5070)));
        assert_eq!(u.param("transport"), Some(Some("tcp")));
        assert_eq!(u.headers, "subject=x");
        assert!(matches!(u.host(), Host::V6(_)));
        let t = Uri::parse("tel:+1-201-555-0123;phone-context=x").unwrap();
        assert_eq!(t.user, Some("+1-201-555-0123"));
        assert_eq!(split_host_port("10.0.0.1:5060"), ("10.0.0.1", Some(5060)));
        assert_eq!(split_host_port("example.com"), ("example.com", None));
        // a `?` in the user part is not the start of the headers
        let u = Uri::parse("sip:a?b;c@example.com;lr?h=1").unwrap();
        assert_eq!((u.user, u.host, u.params, u.headers), (Some("a?b;c"), "example.com", "lr", "h=1"));
        assert_eq!(Uri::parse("http://www.example.com").unwrap().host, "//www.example.com");
        assert!(Uri::parse("1sip:x").is_none());
    }
}
