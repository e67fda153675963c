//! The example traces behind "Try an example" (www/examples/*.txt). The page knows only their
//! names ([`EXAMPLES`]) and fetches a text (`examples/<file>`, beside the page, kept offline by
//! the service worker) when one is picked, so the texts are not part of its first load. Tests
//! and native tools read the texts compiled in ([`SAMPLES`], [`sample`]): nothing the page runs
//! may use those, or the texts come back into its module. All addresses are documentation
//! ranges (RFC 5737) or private LAN ones.

/// One example trace, as the page offers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Example {
    /// Stable id (used in the DOM as `data-sample`).
    pub id: &'static str,
    /// The button text.
    pub title: &'static str,
    /// The log format it is written in, for the button's description.
    pub format: &'static str,
    /// The file name in www/examples (and in the page's `examples/` folder).
    pub file: &'static str,
}

impl Example {
    /// The text's address, relative to the page.
    pub fn path(&self) -> String {
        format!("examples/{}", self.file)
    }
}

/// One example trace with its text, for tests and native tools (never the page).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sample {
    pub id: &'static str,
    pub title: &'static str,
    pub format: &'static str,
    pub text: &'static str,
}

/// One table for both lists, so the names and the texts cannot drift apart.
macro_rules! examples {
    ($($id:literal, $title:literal, $format:literal, $file:literal;)*) => {
        /// The examples, in the order of their buttons.
        pub const EXAMPLES: &[Example] = &[$(Example { id: $id, title: $title, format: $format, file: $file }),*];

        /// The examples with their texts compiled in: for tests and native tools only.
        pub const SAMPLES: &[Sample] = &[$(Sample {
            id: $id,
            title: $title,
            format: $format,
            text: include_str!(concat!("../../www/examples/", $file)),
        }),*];
    };
}

examples! {
    "register-401", "Registration keeps failing (401)", "Asterisk pjsip logger", "register-401-loop.txt";
    "one-way-audio", "One-way audio behind NAT", "sngrep export", "one-way-audio-nat.txt";
    "codec-488", "Call rejected: codec mismatch (488)", "FreeSWITCH siptrace", "codec-488.txt";
    "capacity-503", "Trunk full (503)", "raw SIP", "capacity-503.txt";
    "transfer-603", "Transfer fails (REFER, 603)", "Asterisk pjsip logger", "transfer-refer-603.txt";
    "healthy-call", "A healthy call", "sngrep export", "healthy-call.txt";
}

/// The example with this id, as the page offers it.
pub fn example(id: &str) -> Option<&'static Example> {
    EXAMPLES.iter().find(|e| e.id == id)
}

/// The example with this id and its text (tests and native tools only: see the module docs).
pub fn sample(id: &str) -> Option<&'static Sample> {
    SAMPLES.iter().find(|s| s.id == id)
}

/// What the page says when an example's text could not be fetched.
pub fn fetch_failed(e: &Example) -> String {
    format!(
        "Could not load the example \u{201c}{}\u{201d}. Reload the page and try again; your input is unchanged.",
        e.title
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    #[test]
    fn ids_are_unique_and_texts_present() {
        assert_eq!(EXAMPLES.len(), SAMPLES.len());
        for (i, (e, s)) in EXAMPLES.iter().zip(SAMPLES).enumerate() {
            assert!(SAMPLES[..i].iter().all(|o| o.id != s.id), "duplicate id {}", s.id);
            assert!(s.text.len() > 500, "{} is too short", s.id);
            assert_eq!(sample(s.id), Some(s));
            assert_eq!(example(s.id), Some(e));
            assert_eq!((e.id, e.title, e.format), (s.id, s.title, s.format));
        }
        assert_eq!((sample("nope"), example("nope")), (None, None));
    }

    /// The page fetches `examples/<file>`: every file is in www/examples (which the build copies
    /// beside the page) and holds the text the tests use.
    #[test]
    fn every_example_file_is_beside_the_page() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("www");
        for e in EXAMPLES {
            assert!(e.file.ends_with(".txt") && !e.file.contains('/'), "{}: {}", e.id, e.file);
            assert_eq!(e.path(), format!("examples/{}", e.file));
            let on_disk = std::fs::read_to_string(dir.join(e.path())).unwrap();
            assert_eq!(on_disk, sample(e.id).unwrap().text, "{}", e.id);
        }
    }

    #[test]
    fn a_failed_fetch_names_the_example_and_keeps_the_input() {
        let m = fetch_failed(example("codec-488").unwrap());
        assert!(m.contains("\u{201c}Call rejected: codec mismatch (488)\u{201d}"), "{m}");
        assert!(m.contains("your input is unchanged"), "{m}");
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
