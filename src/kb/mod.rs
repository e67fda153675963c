//! The knowledge base: causes, symptoms, response codes, Q.850 causes, where each PBX keeps its
//! SIP log, reachability checks, the escalation checklist and provider profiles.
//!
//! Knowledge is data: it lives in `kb/*.toml` at the crate root, is validated by `build.rs`
//! (unknown cause ids, duplicate ids and missing fields fail the build) and compiled into the
//! static tables below, so the page ships no TOML parser. Edit the TOML, not this file.

/// A root cause. `id` is a stable contract (JSON output, UI hooks, links).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cause {
    pub id: &'static str,
    pub title: &'static str,
    /// One sentence for the verdict card, second person.
    pub summary: &'static str,
    pub explanation: &'static str,
    /// "error", "warning", "info" or "expected".
    pub severity: &'static str,
    /// Ordered steps to confirm the cause.
    pub checks: &'static [&'static str],
    /// Ordered fixes.
    pub fixes: &'static [&'static str],
    /// Response codes that point to this cause.
    pub codes: &'static [u16],
    /// Trace patterns that point to it, in words (what the rules look for).
    pub evidence: &'static [&'static str],
    /// Per-PBX confirmation steps: (pbx id, step).
    pub confirm: &'static [(&'static str, &'static str)],
    /// Providers this cause is specific to (empty = any trunk).
    pub profiles: &'static [&'static str],
}

/// A symptom a user can report without a trace, with ranked causes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Symptom {
    pub id: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    /// Cause ids, most likely first.
    pub causes: &'static [&'static str],
    /// Extra advice for this symptom (checks not tied to one cause).
    pub advice: &'static [&'static str],
}

/// A SIP response code (IANA registry and vendor codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Code {
    pub code: u16,
    pub reason: &'static str,
    pub rfc: &'static str,
    pub meaning: &'static str,
    pub typical_cause: &'static str,
    pub causes: &'static [&'static str],
    pub fixes: &'static [&'static str],
    /// Not a fault (486, 600, 487 after a CANCEL, …).
    pub expected: bool,
}

/// A Q.850 cause value carried in `Reason: Q.850;cause=N`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Q850 {
    pub cause: u16,
    pub name: &'static str,
    /// The SIP status it maps to (RFC 3398), 0 when none.
    pub sip: u16,
    pub meaning: &'static str,
    pub causes: &'static [&'static str],
}

/// Where a PBX keeps its SIP log and how to turn tracing on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pbx {
    pub id: &'static str,
    pub name: &'static str,
    pub log_location: &'static str,
    pub trace_steps: &'static [&'static str],
    pub cdr_steps: &'static [&'static str],
}

/// A reachability check with `{host}` / `{port}` placeholders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Check {
    pub id: &'static str,
    pub title: &'static str,
    pub command: &'static str,
    pub success: &'static str,
    pub failure: &'static str,
}

/// A provider profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Profile {
    pub id: &'static str,
    pub name: &'static str,
    /// The provider's SIP edge host ("" for a generic trunk).
    pub edge_host: &'static str,
    pub udp_port: u16,
    pub tls_port: u16,
    /// Length of generated SIP passwords (0 = unknown).
    pub password_length: u16,
    /// Default maximum call duration in seconds (0 = none).
    pub max_call_duration_s: u32,
    /// Causes that happen on the provider's side.
    pub platform_causes: &'static [&'static str],
    pub support_contact: &'static str,
    pub notes: &'static [&'static str],
}

/// One item of the escalation checklist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EscalationItem {
    pub id: &'static str,
    pub label: &'static str,
    pub hint: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/kb_data.rs"));

pub fn cause(id: &str) -> Option<&'static Cause> {
    CAUSES.iter().find(|c| c.id == id)
}

pub fn symptom(id: &str) -> Option<&'static Symptom> {
    SYMPTOMS.iter().find(|s| s.id == id)
}

pub fn code(code: u16) -> Option<&'static Code> {
    CODES.iter().find(|c| c.code == code)
}

pub fn q850(cause: u16) -> Option<&'static Q850> {
    Q850_CAUSES.iter().find(|c| c.cause == cause)
}

pub fn pbx(id: &str) -> Option<&'static Pbx> {
    PBXES.iter().find(|p| p.id == id)
}

pub fn profile(id: &str) -> Option<&'static Profile> {
    PROFILES.iter().find(|p| p.id == id)
}

pub fn check(id: &str) -> Option<&'static Check> {
    CHECKS.iter().find(|c| c.id == id)
}

/// The causes behind a response code, most likely first: the code's own ranked list, then any other
/// cause that names the code, in knowledge-base order. Empty for codes nobody points at.
pub fn causes_for_code(status: u16) -> Vec<&'static Cause> {
    let mut out: Vec<&'static Cause> =
        code(status).map_or(&[][..], |c| c.causes).iter().filter_map(|id| cause(id)).collect();
    for c in CAUSES {
        if c.codes.contains(&status) && !out.iter().any(|o| o.id == c.id) {
            out.push(c);
        }
    }
    out
}

/// The symptoms that list a cause, in knowledge-base order.
pub fn symptoms_with_cause(id: &str) -> impl Iterator<Item = &'static Symptom> + '_ {
    SYMPTOMS.iter().filter(move |s| s.causes.contains(&id))
}

impl Cause {
    /// True when the cause can happen with this provider profile (generic causes apply to all).
    pub fn applies_to(&self, profile: &str) -> bool {
        self.profiles.is_empty() || self.profiles.contains(&profile)
    }

    /// How to confirm the cause on one PBX, falling back to the "other" step.
    pub fn confirm_for(&self, pbx: &str) -> Option<&'static str> {
        let find = |id: &str| self.confirm.iter().find(|(p, _)| *p == id).map(|(_, step)| *step);
        find(pbx).or_else(|| find("other"))
    }

    /// The position of this cause in a symptom's ranking (0 = most likely).
    pub fn rank_in(&self, symptom: &Symptom) -> Option<usize> {
        symptom.causes.iter().position(|c| *c == self.id)
    }
}

/// The reason phrase for any code, falling back to the class ("Client Error") for unregistered ones.
pub fn reason_phrase(status: u16) -> &'static str {
    code(status).map_or(
        match status / 100 {
            1 => "Provisional",
            2 => "Success",
            3 => "Redirection",
            4 => "Client Error",
            5 => "Server Error",
            6 => "Global Failure",
            _ => "Unknown",
        },
        |c| c.reason,
    )
}

/// Fills `{host}`, `{udp_port}` and `{tls_port}` in a reachability command.
pub fn fill_check(command: &str, p: &Profile, host: &str) -> String {
    let host = if host.is_empty() {
        if p.edge_host.is_empty() {
            "sip.example-provider.net"
        } else {
            p.edge_host
        }
    } else {
        host
    };
    command
        .replace("{host}", host)
        .replace("{udp_port}", &p.udp_port.to_string())
        .replace("{tls_port}", &p.tls_port.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_check_uses_profile_then_host() {
        let sa = profile("smartalex").unwrap();
        let generic = profile("generic").unwrap();
        let cases: &[(&str, &Profile, &str, &str)] = &[
            ("dig +short {host}", sa, "", "dig +short sip.voice.getsmartalex.com"),
            ("nc -u -v -z {host} {udp_port}", sa, "", "nc -u -v -z sip.voice.getsmartalex.com 5060"),
            ("{host}:{tls_port}", sa, "pbx.example.org", "pbx.example.org:5061"),
            ("{host}", generic, "", "sip.example-provider.net"),
            ("{host} {udp_port}", generic, "10.0.0.1", "10.0.0.1 5060"),
        ];
        for (cmd, p, host, want) in cases {
            assert_eq!(fill_check(cmd, p, host), *want, "{cmd} with {} / {host:?}", p.id);
        }
    }

    #[test]
    fn reason_phrase_registered_and_fallback() {
        let cases = [
            (200, "OK"),
            (486, "Busy Here"),
            (409, "Conflict"),
            (499, "Client Error"),
            (299, "Success"),
            (199, "Early Dialog Terminated"),
            (150, "Provisional"),
            (399, "Redirection"),
            (599, "Server Error"),
            (699, "Global Failure"),
            (42, "Unknown"),
        ];
        for (code, want) in cases {
            assert_eq!(reason_phrase(code), want, "{code}");
        }
    }

    #[test]
    fn causes_for_code_ranks_the_code_list_first() {
        let ids: Vec<_> = causes_for_code(403).iter().map(|c| c.id).collect();
        assert_eq!(&ids[..3], &["auth.ip_allowlist", "trunk.suspended", "auth.read_only"]);
        // auth.identity_rejected names 428 only in its own codes list
        assert!(causes_for_code(428).iter().any(|c| c.id == "auth.identity_rejected"));
        let mut seen = std::collections::HashSet::new();
        assert!(causes_for_code(503).iter().all(|c| seen.insert(c.id)), "no duplicates");
        assert!(causes_for_code(299).is_empty());
    }

    #[test]
    fn confirm_falls_back_to_other() {
        let c = cause("auth.credentials").unwrap();
        assert!(c.confirm_for("asterisk").unwrap().contains("pjsip show registrations"));
        assert_eq!(c.confirm_for("no-such-pbx"), c.confirm_for("other"));
        let none = cause("agent.not_linked").unwrap();
        assert_eq!(none.confirm_for("3cx"), None);
    }

    #[test]
    fn applies_to_and_rank() {
        let linked = cause("agent.not_linked").unwrap();
        assert!(linked.applies_to("smartalex") && !linked.applies_to("generic"));
        assert!(cause("net.sip_alg").unwrap().applies_to("generic"));
        let sy = symptom("cant_register").unwrap();
        assert_eq!(cause("auth.credentials").unwrap().rank_in(sy), Some(0));
        assert_eq!(linked.rank_in(sy), None);
        assert!(symptoms_with_cause("net.sip_alg").any(|s| s.id == "one_way_audio"));
    }
}
