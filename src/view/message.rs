//! The message view: one message's raw text with input line numbers and evidence lines marked,
//! its header fields, a summary of its SDP, and the problems and findings that concern it.

use crate::report::Report;
use crate::sip;
use std::net::{IpAddr, Ipv4Addr};

/// One line of the raw text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextLine {
    /// 1-based input line.
    pub no: u32,
    pub text: String,
    /// Cited as evidence by a finding, or where a problem was seen.
    pub marked: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderRow {
    pub name: String,
    pub value: String,
    /// 1-based input line.
    pub line: u32,
}

/// Where an address leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// A private LAN range (10/8, 172.16/12, 192.168/16, fc00::/7).
    Private,
    /// Carrier-grade NAT (100.64/10).
    Cgnat,
    /// Link-local (169.254/16, fe80::/10).
    LinkLocal,
    /// 0.0.0.0 or :: (hold in old SDP).
    Unspecified,
    Loopback,
    Public,
    /// A host name, or something that is not an address.
    Name,
}

impl Scope {
    pub fn of(host: &str) -> Scope {
        let h = host.trim().trim_start_matches('[').trim_end_matches(']');
        match h.parse::<IpAddr>() {
            Ok(IpAddr::V4(v4)) => scope_v4(v4),
            Ok(IpAddr::V6(v6)) => {
                let s = v6.segments();
                if v6.is_unspecified() {
                    Scope::Unspecified
                } else if v6.is_loopback() {
                    Scope::Loopback
                } else if s[0] & 0xfe00 == 0xfc00 {
                    Scope::Private
                } else if s[0] & 0xffc0 == 0xfe80 {
                    Scope::LinkLocal
                } else if let Some(v4) = v6.to_ipv4_mapped() {
                    scope_v4(v4)
                } else {
                    Scope::Public
                }
            }
            Err(_) => Scope::Name,
        }
    }

    /// An address the far side of the internet cannot reach.
    pub fn unreachable_from_outside(self) -> bool {
        matches!(self, Scope::Private | Scope::Cgnat | Scope::LinkLocal | Scope::Loopback)
    }

    pub fn word(self) -> Option<&'static str> {
        match self {
            Scope::Private => Some("private"),
            Scope::Cgnat => Some("carrier NAT"),
            Scope::LinkLocal => Some("link-local"),
            Scope::Unspecified => Some("on hold (0.0.0.0)"),
            Scope::Loopback => Some("loopback"),
            Scope::Public | Scope::Name => None,
        }
    }
}

fn scope_v4(ip: Ipv4Addr) -> Scope {
    let o = ip.octets();
    if ip.is_unspecified() {
        Scope::Unspecified
    } else if ip.is_loopback() {
        Scope::Loopback
    } else if ip.is_private() {
        Scope::Private
    } else if o[0] == 100 && (64..128).contains(&o[1]) {
        Scope::Cgnat
    } else if ip.is_link_local() {
        Scope::LinkLocal
    } else {
        Scope::Public
    }
}

/// One media stream of an SDP body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaRow {
    pub kind: String,
    pub address: String,
    pub scope: Scope,
    pub port: u16,
    /// `PCMU/8000`, `telephone-event/8000`, …
    pub codecs: Vec<String>,
    pub direction: &'static str,
    pub ptime: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageDetail {
    pub index: u32,
    pub title: String,
    pub lines: Vec<TextLine>,
    pub headers: Vec<HeaderRow>,
    pub media: Vec<MediaRow>,
    /// What was found in this message: parser problems (as warnings) and the findings citing it.
    pub problems: Vec<Note>,
}

/// One thing found in a message, with the severity of what found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub severity: String,
    pub text: String,
}

/// The details of message `index`, or `None` when the report has no such message or no text.
pub fn detail(report: &Report, index: u32) -> Option<MessageDetail> {
    let m = report.messages.get(index as usize)?;
    let text = m.text.as_deref()?;
    let evidence_lines: Vec<u32> = report
        .findings
        .iter()
        .flat_map(|f| f.evidence.iter())
        .filter(|e| e.message == Some(index))
        .map(|e| e.line)
        .chain(m.problems.iter().map(|p| p.line))
        .collect();
    let lines = crate::text::lines(text.trim_end_matches(['\r', '\n']))
        .map(|l| {
            let no = m.line.saturating_add(l.no.saturating_sub(1));
            TextLine { no, text: l.text.trim_end_matches('\r').to_string(), marked: evidence_lines.contains(&no) }
        })
        .collect();
    let parsed = sip::parse(text).ok();
    let headers = parsed
        .as_ref()
        .map(|p| {
            p.headers
                .iter()
                .map(|h| HeaderRow {
                    name: h.name.to_string(),
                    value: h.value.split_ascii_whitespace().collect::<Vec<_>>().join(" "),
                    line: m.line.saturating_add(h.line),
                })
                .collect()
        })
        .unwrap_or_default();
    let media = parsed
        .as_ref()
        .and_then(|p| p.sdp())
        .map(|sdp| {
            sdp.media
                .iter()
                .map(|md| {
                    let address = md.address.unwrap_or("").to_string();
                    MediaRow {
                        kind: md.kind.to_string(),
                        scope: Scope::of(&address),
                        address,
                        port: md.port,
                        codecs: md
                            .formats
                            .iter()
                            .map(|f| {
                                if f.name.is_empty() {
                                    format!("PT {}", f.pt)
                                } else if f.clock > 0 {
                                    format!("{}/{}", f.name, f.clock)
                                } else {
                                    f.name.to_string()
                                }
                            })
                            .collect(),
                        direction: md.direction.as_str(),
                        ptime: md.ptime,
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let mut problems: Vec<Note> = m
        .problems
        .iter()
        .map(|p| Note { severity: "warning".into(), text: format!("line {}: {}", p.line, p.description) })
        .collect();
    for f in report.findings.iter().filter(|f| f.evidence.iter().any(|e| e.message == Some(index))) {
        let line = f.evidence.iter().find(|e| e.message == Some(index)).map_or(0, |e| e.line);
        problems.push(Note { severity: f.severity.clone(), text: format!("line {line}: {}", f.title) });
    }
    let title = match (&m.src, &m.dst) {
        (Some(s), Some(d)) => format!("{} \u{b7} {s} \u{2192} {d}", super::format::message_label(m)),
        _ => super::format::message_label(m),
    };
    Some(MessageDetail { index, title, lines, headers, media, problems })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::{analyse, samples::sample};

    #[test]
    fn scopes() {
        let cases = [
            ("192.168.1.20", Scope::Private),
            ("10.0.0.1", Scope::Private),
            ("172.31.255.1", Scope::Private),
            ("172.32.0.1", Scope::Public),
            ("100.64.0.1", Scope::Cgnat),
            ("100.128.0.1", Scope::Public),
            ("169.254.3.4", Scope::LinkLocal),
            ("0.0.0.0", Scope::Unspecified),
            ("127.0.0.1", Scope::Loopback),
            ("203.0.113.10", Scope::Public),
            ("[fd00::1]", Scope::Private),
            ("fe80::1", Scope::LinkLocal),
            ("::ffff:192.168.0.1", Scope::Private),
            ("2001:db8::1", Scope::Public),
            ("sip.example.net", Scope::Name),
            ("", Scope::Name),
        ];
        for (host, want) in cases {
            assert_eq!(Scope::of(host), want, "{host}");
        }
    }

    #[test]
    fn detail_of_an_invite_with_sdp() {
        let mut r = analyse(sample("capacity-503").unwrap().text, &Default::default());
        r.findings.clear();
        // Mark the INVITE's c= line as evidence, the way a rule would.
        let invite = &r.messages[0];
        let c_line =
            invite.line + invite.text.as_ref().unwrap().lines().position(|l| l.starts_with("c=")).unwrap() as u32;
        let mut f = crate::view::testutil::finding("test.cause", "warning", Some(0), &[(Some(0), c_line)]);
        f.title = "Test finding".into();
        r.findings.push(f);
        let d = detail(&r, 0).unwrap();
        assert_eq!(d.title, "INVITE");
        assert_eq!(d.lines[0].no, invite.line);
        assert!(d.lines[0].text.starts_with("INVITE sip:"));
        let marked: Vec<u32> = d.lines.iter().filter(|l| l.marked).map(|l| l.no).collect();
        assert_eq!(marked, vec![c_line]);
        let via = d.headers.iter().find(|h| h.name == "Via").unwrap();
        assert_eq!(via.line, invite.line + 1);
        assert_eq!(d.media.len(), 1);
        let m = &d.media[0];
        assert_eq!((m.kind.as_str(), m.address.as_str(), m.port), ("audio", "203.0.113.10", 9000));
        assert_eq!(m.codecs, ["PCMU/8000", "PCMA/8000", "telephone-event/8000"]);
        assert_eq!(m.direction, "sendrecv");
        assert_eq!(m.scope, Scope::Public);
        assert_eq!(d.problems, vec![Note { severity: "warning".into(), text: format!("line {c_line}: Test finding") }]);
        assert!(detail(&r, 999).is_none());
    }

    #[test]
    fn private_sdp_address_is_flagged() {
        let text = "INVITE sip:b@example.com SIP/2.0\nVia: SIP/2.0/UDP 192.168.1.20:5060;branch=z9hG4bK1\nFrom: <sip:a@example.com>;tag=1\nTo: <sip:b@example.com>\nCall-ID: p\nCSeq: 1 INVITE\nMax-Forwards: 70\nContent-Type: application/sdp\nContent-Length: 93\n\nv=0\no=- 1 1 IN IP4 192.168.1.20\ns=-\nc=IN IP4 192.168.1.20\nt=0 0\nm=audio 4000 RTP/AVP 0\n";
        let r = analyse(text, &Default::default());
        let d = detail(&r, 0).unwrap();
        assert_eq!(d.media[0].scope, Scope::Private);
        assert_eq!(d.media[0].scope.word(), Some("private"));
        assert_eq!(d.media[0].codecs, ["PCMU/8000"]);
    }
}
