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
