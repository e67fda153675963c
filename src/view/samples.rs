//! The example traces behind "Try an example" (www/examples/*.txt), compiled into the page so
//! they work offline. All addresses are documentation ranges (RFC 5737) or private LAN ones.

/// One example trace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sample {
    /// Stable id (used in the DOM as `data-sample`).
    pub id: &'static str,
    /// The button text.
    pub title: &'static str,
    /// The log format it is written in, for the button's description.
    pub format: &'static str,
    pub text: &'static str,
}

pub const SAMPLES: &[Sample] = &[
    Sample {
        id: "register-401",
        title: "Registration keeps failing (401)",
        format: "Asterisk pjsip logger",
        text: include_str!("../../www/examples/register-401-loop.txt"),
    },
    Sample {
        id: "one-way-audio",
        title: "One-way audio behind NAT",
        format: "sngrep export",
        text: include_str!("../../www/examples/one-way-audio-nat.txt"),
    },
    Sample {
        id: "codec-488",
        title: "Call rejected: codec mismatch (488)",
        format: "FreeSWITCH siptrace",
        text: include_str!("../../www/examples/codec-488.txt"),
    },
    Sample {
        id: "capacity-503",
        title: "Trunk full (503)",
        format: "raw SIP",
        text: include_str!("../../www/examples/capacity-503.txt"),
    },
    Sample {
        id: "transfer-603",
        title: "Transfer fails (REFER, 603)",
        format: "Asterisk pjsip logger",
        text: include_str!("../../www/examples/transfer-refer-603.txt"),
    },
    Sample {
        id: "healthy-call",
        title: "A healthy call",
        format: "sngrep export",
        text: include_str!("../../www/examples/healthy-call.txt"),
    },
];

pub fn sample(id: &str) -> Option<&'static Sample> {
    SAMPLES.iter().find(|s| s.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    #[test]
    fn ids_are_unique_and_texts_present() {
        for (i, s) in SAMPLES.iter().enumerate() {
            assert!(SAMPLES[..i].iter().all(|o| o.id != s.id), "duplicate id {}", s.id);
            assert!(s.text.len() > 500, "{} is too short", s.id);
            assert_eq!(sample(s.id), Some(s));
        }
        assert_eq!(sample("nope"), None);
    }

    /// Samples carry only documentation (RFC 5737) or private addresses: no real host.
    #[test]
    fn addresses_are_documentation_or_private() {
        for s in SAMPLES {
            // product versions in User-Agent / Server look like addresses
            let lines = s.text.lines().filter(|l| !l.starts_with("User-Agent:") && !l.starts_with("Server:"));
            for word in lines.flat_map(|l| l.split(|c: char| !(c.is_ascii_digit() || c == '.'))) {
                let word = word.trim_matches('.');
                let Ok(ip) = word.parse::<Ipv4Addr>() else { continue };
                let o = ip.octets();
                let doc = matches!((o[0], o[1], o[2]), (192, 0, 2) | (198, 51, 100) | (203, 0, 113));
                assert!(doc || ip.is_private(), "{}: {ip} is neither documentation nor private", s.id);
            }
        }
    }

    /// Every message in the samples keeps a Content-Length that matches its body on the wire.
    #[test]
    fn raw_sample_parses_cleanly() {
        let r = super::super::analyse(sample("capacity-503").unwrap().text, &Default::default());
        for m in &r.messages {
            assert!(m.problems.is_empty(), "message {} at line {}: {:?}", m.index, m.line, m.problems);
        }
    }
}
