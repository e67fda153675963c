//! Compiles the knowledge base (kb/*.toml) into static Rust tables and validates it: every cause
//! id referenced anywhere must exist, ids are unique, and required fields are not empty. A broken
//! knowledge base fails the build with a message naming the file and entry.

use serde::Deserialize;
use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;
use std::path::Path;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Cause {
    id: String,
    title: String,
    summary: String,
    explanation: String,
    severity: String,
    checks: Vec<String>,
    fixes: Vec<String>,
    #[serde(default)]
    codes: Vec<u16>,
    #[serde(default)]
    evidence: Vec<String>,
    #[serde(default)]
    confirm: BTreeMap<String, String>,
    #[serde(default)]
    profiles: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Symptom {
    id: String,
    title: String,
    description: String,
    causes: Vec<String>,
    #[serde(default)]
    advice: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Code {
    code: u16,
    reason: String,
    rfc: String,
    meaning: String,
    #[serde(default)]
    typical_cause: String,
    #[serde(default)]
    causes: Vec<String>,
    #[serde(default)]
    fixes: Vec<String>,
    #[serde(default)]
    expected: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Q850 {
    cause: u16,
    name: String,
    #[serde(default)]
    sip: u16,
    meaning: String,
    #[serde(default)]
    causes: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Pbx {
    id: String,
    name: String,
    log_location: String,
    trace_steps: Vec<String>,
    #[serde(default)]
    cdr_steps: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Check {
    id: String,
    title: String,
    command: String,
    success: String,
    failure: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Profile {
    id: String,
    name: String,
    #[serde(default)]
    edge_host: String,
    #[serde(default)]
    udp_port: u16,
    #[serde(default)]
    tls_port: u16,
    #[serde(default)]
    password_length: u16,
    #[serde(default)]
    max_call_duration_s: u32,
    #[serde(default)]
    platform_causes: Vec<String>,
    #[serde(default)]
    support_contact: String,
    #[serde(default)]
    notes: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EscalationItem {
    id: String,
    label: String,
    hint: String,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Kb {
    #[serde(default)]
    cause: Vec<Cause>,
    #[serde(default)]
    symptom: Vec<Symptom>,
    #[serde(default)]
    code: Vec<Code>,
    #[serde(default)]
    q850: Vec<Q850>,
    #[serde(default)]
    pbx: Vec<Pbx>,
    #[serde(default)]
    check: Vec<Check>,
    #[serde(default)]
    profile: Vec<Profile>,
    #[serde(default)]
    escalation: Vec<EscalationItem>,
}

fn s(v: &str) -> String {
    format!("{v:?}")
}

fn strs(v: &[String]) -> String {
    let mut o = String::from("&[");
    for x in v {
        o.push_str(&s(x));
        o.push_str(", ");
    }
    o.push(']');
    o
}

fn fail(msg: String) -> ! {
    panic!("knowledge base: {msg}");
}

/// Ids are public contracts: lowercase ASCII letters, digits, dots and underscores, starting with a letter
/// or digit.
fn id_ok(id: &str) -> bool {
    id.bytes().next().is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'_')
}

fn unique<'a>(what: &str, ids: impl IntoIterator<Item = &'a str>) {
    let mut seen = HashSet::new();
    for id in ids {
        if !id_ok(id) {
            fail(format!("{what} id {id:?} must be lowercase letters, digits, dots and underscores"));
        }
        if !seen.insert(id) {
            fail(format!("duplicate {what} id {id}"));
        }
    }
}

/// Checks beyond references: id syntax, uniqueness of every table, required text, codes that causes
/// cite exist, check templates only use known placeholders, provider-specific causes are listed by
/// their provider.
fn validate_more(kb: &Kb) {
    unique("cause", kb.cause.iter().map(|c| c.id.as_str()));
    unique("symptom", kb.symptom.iter().map(|c| c.id.as_str()));
    unique("pbx", kb.pbx.iter().map(|c| c.id.as_str()));
    unique("check", kb.check.iter().map(|c| c.id.as_str()));
    unique("profile", kb.profile.iter().map(|c| c.id.as_str()));
    unique("escalation", kb.escalation.iter().map(|c| c.id.as_str()));
    let codes: HashSet<u16> = kb.code.iter().map(|c| c.code).collect();
    for c in &kb.cause {
        if c.checks.iter().chain(&c.fixes).chain(&c.evidence).any(|x| x.trim().is_empty())
            || c.confirm.values().any(|x| x.trim().is_empty())
        {
            fail(format!("cause {} has an empty check, fix, evidence or confirm step", c.id));
        }
        for code in &c.codes {
            if !codes.contains(code) {
                fail(format!("cause {} cites code {code}, which has no entry in codes", c.id));
            }
        }
        for p in &c.profiles {
            let listed = kb.profile.iter().any(|x| &x.id == p && x.platform_causes.iter().any(|y| y == &c.id));
            if !listed {
                fail(format!("cause {} is specific to profile {p} but {p}'s platform_causes does not list it", c.id));
            }
        }
    }
    for sy in &kb.symptom {
        if sy.title.is_empty() || sy.description.is_empty() || sy.causes.is_empty() {
            fail(format!("symptom {} needs a title, a description and at least one cause", sy.id));
        }
        let mut seen = HashSet::new();
        for c in &sy.causes {
            if !seen.insert(c) {
                fail(format!("symptom {} lists cause {c} twice", sy.id));
            }
        }
    }
    for c in &kb.code {
        if c.reason.is_empty() || c.rfc.is_empty() || c.meaning.is_empty() {
            fail(format!("code {} needs a reason, an rfc and a meaning", c.code));
        }
    }
    let mut seen = HashSet::new();
    for q in &kb.q850 {
        if !seen.insert(q.cause) || !(1..=127).contains(&q.cause) {
            fail(format!("q850 cause {} is duplicated or out of range 1..=127", q.cause));
        }
        if q.name.is_empty() || q.meaning.is_empty() {
            fail(format!("q850 cause {} needs a name and a meaning", q.cause));
        }
        if q.sip != 0 && !codes.contains(&q.sip) {
            fail(format!("q850 cause {} maps to SIP {}, which has no entry in codes", q.cause, q.sip));
        }
    }
    for p in &kb.pbx {
        if p.name.is_empty() || p.log_location.is_empty() || p.trace_steps.is_empty() {
            fail(format!("pbx {} needs a name, a log location and trace steps", p.id));
        }
    }
    for c in &kb.check {
        if c.title.is_empty() || c.command.is_empty() || c.success.is_empty() || c.failure.is_empty() {
            fail(format!("check {} needs a title, a command, success and failure text", c.id));
        }
        for text in [&c.command, &c.success, &c.failure] {
            let mut rest = text.as_str();
            while let Some(i) = rest.find('{') {
                let tail = &rest[i..];
                let end = tail.find('}').unwrap_or_else(|| fail(format!("check {}: unclosed placeholder", c.id)));
                let name = &tail[..=end];
                if !["{host}", "{udp_port}", "{tls_port}"].contains(&name) {
                    fail(format!("check {}: unknown placeholder {name}", c.id));
                }
                rest = &tail[end + 1..];
            }
        }
    }
    for p in &kb.profile {
        if p.name.is_empty() {
            fail(format!("profile {} needs a name", p.id));
        }
        if !p.edge_host.is_empty() && (p.udp_port == 0 || p.tls_port == 0) {
            fail(format!("profile {} has an edge host but no ports", p.id));
        }
    }
    for e in &kb.escalation {
        if e.label.is_empty() || e.hint.is_empty() {
            fail(format!("escalation item {} needs a label and a hint", e.id));
        }
    }
}

fn main() {
    let dir = Path::new("kb");
    println!("cargo:rerun-if-changed=kb");
    let mut kb = Kb::default();
    let mut files: Vec<_> =
        std::fs::read_dir(dir).expect("kb/ folder").filter_map(|e| e.ok()).map(|e| e.path()).collect();
    files.sort();
    for path in files {
        if path.extension().and_then(|e| e.to_str()) != Some("toml") {
            continue;
        }
        println!("cargo:rerun-if-changed={}", path.display());
        let text = std::fs::read_to_string(&path).expect("read kb file");
        let part: Kb = toml::from_str(&text).unwrap_or_else(|e| fail(format!("{}: {e}", path.display())));
        kb.cause.extend(part.cause);
        kb.symptom.extend(part.symptom);
        kb.code.extend(part.code);
        kb.q850.extend(part.q850);
        kb.pbx.extend(part.pbx);
        kb.check.extend(part.check);
        kb.profile.extend(part.profile);
        kb.escalation.extend(part.escalation);
    }

    // validation
    let mut ids = HashSet::new();
    for c in &kb.cause {
        if !ids.insert(c.id.as_str()) {
            fail(format!("duplicate cause id {}", c.id));
        }
        if c.title.is_empty()
            || c.summary.is_empty()
            || c.explanation.is_empty()
            || c.fixes.is_empty()
            || c.checks.is_empty()
        {
            fail(format!("cause {} needs a title, summary, explanation, checks and fixes", c.id));
        }
        if !["error", "warning", "info", "expected"].contains(&c.severity.as_str()) {
            fail(format!("cause {}: severity must be error, warning, info or expected", c.id));
        }
    }
    let pbx_ids: HashSet<_> = kb.pbx.iter().map(|p| p.id.as_str()).collect();
    let profile_ids: HashSet<_> = kb.profile.iter().map(|p| p.id.as_str()).collect();
    let check_ref = |what: &str, id: &str| {
        if !ids.contains(id) {
            fail(format!("{what} refers to unknown cause {id}"));
        }
    };
    for c in &kb.cause {
        for p in c.confirm.keys() {
            if !pbx_ids.contains(p.as_str()) {
                fail(format!("cause {} confirms for unknown pbx {p}", c.id));
            }
        }
        for p in &c.profiles {
            if !profile_ids.contains(p.as_str()) {
                fail(format!("cause {} names unknown profile {p}", c.id));
            }
        }
    }
    let mut seen = HashSet::new();
    for sy in &kb.symptom {
        if !seen.insert(sy.id.clone()) {
            fail(format!("duplicate symptom {}", sy.id));
        }
        for c in &sy.causes {
            check_ref(&format!("symptom {}", sy.id), c);
        }
    }
    let mut seen = HashSet::new();
    for c in &kb.code {
        if !seen.insert(c.code) || !(100..=699).contains(&c.code) {
            fail(format!("code {} is duplicated or out of range", c.code));
        }
        for x in &c.causes {
            check_ref(&format!("code {}", c.code), x);
        }
    }
    for q in &kb.q850 {
        for x in &q.causes {
            check_ref(&format!("q850 {}", q.cause), x);
        }
    }
    for p in &kb.profile {
        for x in &p.platform_causes {
            check_ref(&format!("profile {}", p.id), x);
        }
    }
    validate_more(&kb);
    kb.code.sort_by_key(|c| c.code);
    kb.q850.sort_by_key(|q| q.cause);

    let mut o = String::new();
    o.push_str("// @generated by build.rs from kb/*.toml. Do not edit.\n");
    writeln!(o, "pub static CAUSES: &[Cause] = &[").unwrap();
    for c in &kb.cause {
        let confirm: String = c.confirm.iter().map(|(k, v)| format!("({}, {}), ", s(k), s(v))).collect();
        let codes: String = c.codes.iter().map(|x| format!("{x}, ")).collect();
        writeln!(
            o,
            "    Cause {{ id: {}, title: {}, summary: {}, explanation: {}, severity: {}, checks: {}, fixes: {}, codes: &[{codes}], evidence: {}, confirm: &[{confirm}], profiles: {} }},",
            s(&c.id), s(&c.title), s(&c.summary), s(&c.explanation), s(&c.severity), strs(&c.checks), strs(&c.fixes), strs(&c.evidence), strs(&c.profiles)
        )
        .unwrap();
    }
    writeln!(o, "];").unwrap();
    writeln!(o, "pub static SYMPTOMS: &[Symptom] = &[").unwrap();
    for x in &kb.symptom {
        writeln!(
            o,
            "    Symptom {{ id: {}, title: {}, description: {}, causes: {}, advice: {} }},",
            s(&x.id),
            s(&x.title),
            s(&x.description),
            strs(&x.causes),
            strs(&x.advice)
        )
        .unwrap();
    }
    writeln!(o, "];").unwrap();
    writeln!(o, "pub static CODES: &[Code] = &[").unwrap();
    for x in &kb.code {
        writeln!(
            o,
            "    Code {{ code: {}, reason: {}, rfc: {}, meaning: {}, typical_cause: {}, causes: {}, fixes: {}, expected: {} }},",
            x.code, s(&x.reason), s(&x.rfc), s(&x.meaning), s(&x.typical_cause), strs(&x.causes), strs(&x.fixes), x.expected
        )
        .unwrap();
    }
    writeln!(o, "];").unwrap();
    writeln!(o, "pub static Q850_CAUSES: &[Q850] = &[").unwrap();
    for x in &kb.q850 {
        writeln!(
            o,
            "    Q850 {{ cause: {}, name: {}, sip: {}, meaning: {}, causes: {} }},",
            x.cause,
            s(&x.name),
            x.sip,
            s(&x.meaning),
            strs(&x.causes)
        )
        .unwrap();
    }
    writeln!(o, "];").unwrap();
    writeln!(o, "pub static PBXES: &[Pbx] = &[").unwrap();
    for x in &kb.pbx {
        writeln!(
            o,
            "    Pbx {{ id: {}, name: {}, log_location: {}, trace_steps: {}, cdr_steps: {} }},",
            s(&x.id),
            s(&x.name),
            s(&x.log_location),
            strs(&x.trace_steps),
            strs(&x.cdr_steps)
        )
        .unwrap();
    }
    writeln!(o, "];").unwrap();
    writeln!(o, "pub static CHECKS: &[Check] = &[").unwrap();
    for x in &kb.check {
        writeln!(
            o,
            "    Check {{ id: {}, title: {}, command: {}, success: {}, failure: {} }},",
            s(&x.id),
            s(&x.title),
            s(&x.command),
            s(&x.success),
            s(&x.failure)
        )
        .unwrap();
    }
    writeln!(o, "];").unwrap();
    writeln!(o, "pub static PROFILES: &[Profile] = &[").unwrap();
    for x in &kb.profile {
        writeln!(
            o,
            "    Profile {{ id: {}, name: {}, edge_host: {}, udp_port: {}, tls_port: {}, password_length: {}, max_call_duration_s: {}, platform_causes: {}, support_contact: {}, notes: {} }},",
            s(&x.id), s(&x.name), s(&x.edge_host), x.udp_port, x.tls_port, x.password_length, x.max_call_duration_s, strs(&x.platform_causes), s(&x.support_contact), strs(&x.notes)
        )
        .unwrap();
    }
    writeln!(o, "];").unwrap();
    writeln!(o, "pub static ESCALATION: &[EscalationItem] = &[").unwrap();
    for x in &kb.escalation {
        writeln!(o, "    EscalationItem {{ id: {}, label: {}, hint: {} }},", s(&x.id), s(&x.label), s(&x.hint))
            .unwrap();
    }
    writeln!(o, "];").unwrap();
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("kb_data.rs");
    std::fs::write(out, o).expect("write kb_data.rs");
}
