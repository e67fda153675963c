//! Integration tests: kb. The knowledge base compiled from kb/*.toml: the contract ids exist, every
//! fact of the seed guide is reachable (the CHECKLIST, one row per fact), the whole IANA response
//! code registry and the Q.850 mapping are present, and the wording is the project's own.

use sipdiag::kb::{self, Cause, Profile};
use std::path::PathBuf;

/// What a checklist row asserts about the knowledge base. Text needles match case-insensitively.
#[derive(Debug, Clone, Copy)]
enum Probe {
    /// The symptom ranks the cause at this position (0 = first).
    Ranks(&'static str, &'static str, usize),
    /// The symptom lists the cause somewhere.
    Lists(&'static str, &'static str),
    /// The symptom's advice mentions every needle.
    Advice(&'static str, &'static [&'static str]),
    /// Some text of the cause (summary, explanation, checks, fixes, evidence, confirm) mentions every needle.
    CauseText(&'static str, &'static [&'static str]),
    /// The cause's fixes mention every needle.
    CauseFix(&'static str, &'static [&'static str]),
    Severity(&'static str, &'static str),
    /// The cause cites the response code.
    CauseCode(&'static str, u16),
    /// The cause is specific to the profile.
    CauseProfile(&'static str, &'static str),
    /// The code's first cause.
    CodeFirst(u16, &'static str),
    /// The code lists every cause.
    CodeCauses(u16, &'static [&'static str]),
    /// The code's meaning, typical cause and fixes mention every needle.
    CodeText(u16, &'static [&'static str]),
    CodeExpected(u16, bool),
    Pbx(&'static str, PbxField, &'static [&'static str]),
    Check(&'static str, CheckField, &'static [&'static str]),
    /// The check command filled from a profile (with no host given).
    Filled(&'static str, &'static str, &'static str),
    ProfileNum(&'static str, ProfileNum, u64),
    ProfileHost(&'static str, &'static str),
    ProfileCauses(&'static str, &'static [&'static str]),
    /// The profile's notes mention every needle.
    ProfileNotes(&'static str, &'static [&'static str]),
    ProfileContact(&'static str, &'static str),
    /// The escalation item's label and hint mention every needle.
    Escalation(&'static str, &'static [&'static str]),
}

#[derive(Debug, Clone, Copy)]
enum PbxField {
    Log,
    Trace,
    Cdr,
}

#[derive(Debug, Clone, Copy)]
enum CheckField {
    Command,
    Success,
    Failure,
}

#[derive(Debug, Clone, Copy)]
enum ProfileNum {
    PasswordLength,
    MaxCallDuration,
    UdpPort,
    TlsPort,
}

use CheckField as C;
use PbxField as P;
use Probe::*;

/// Every fact of the seed guide, top to bottom, and where the knowledge base holds it.
const CHECKLIST: &[(&str, Probe)] = &[
    // How the guide is organised: by symptom, then by response code.
    ("organised by symptom: a symptom entry exists", Lists("cant_register", "auth.credentials")),
    ("organised by response code: codes carry causes", CodeFirst(401, "auth.credentials")),
    // Symptom: can't register / trunk down, causes in order.
    ("can't register: 1. wrong credentials", Ranks("cant_register", "auth.credentials", 0)),
    (
        "wrong credentials: re-copy username and password",
        CauseFix("auth.credentials", &["copy", "username", "password"]),
    ),
    ("can't register: 2. SIP ALG enabled on the firewall", Ranks("cant_register", "net.sip_alg", 1)),
    ("SIP ALG: disable it", CauseFix("net.sip_alg", &["turn sip alg off"])),
    ("can't register: 3. outbound UDP 5060 blocked", Ranks("cant_register", "net.firewall_outbound_sip", 2)),
    (
        "outbound UDP 5060 blocked: check firewall rules",
        CauseFix("net.firewall_outbound_sip", &["udp 5060", "firewall"]),
    ),
    ("can't register: 4. wrong transport", Ranks("cant_register", "net.transport_mismatch", 3)),
    (
        "transport: UDP vs TCP vs TLS must match both sides",
        CauseFix("net.transport_mismatch", &["udp", "tcp", "tls", "both sides"]),
    ),
    ("verify in the activity log / SIP trace", Advice("cant_register", &["activity log", "sip trace"])),
    ("the trace shows 401, 403 or a timeout", Advice("cant_register", &["401", "403", "timeout"])),
    // Symptom: no inbound calls.
    ("no inbound: DID not registered to the trunk", Ranks("no_inbound_calls", "route.did_not_on_trunk", 0)),
    ("DID: add it under the trunk's DIDs list", CauseFix("route.did_not_on_trunk", &["did list"])),
    ("no inbound: inbound route doesn't send the DID to the trunk", Lists("no_inbound_calls", "route.inbound_rule")),
    ("inbound route: update the rule", CauseFix("route.inbound_rule", &["rule", "trunk"])),
    ("no inbound: agent not linked to the trunk", Lists("no_inbound_calls", "agent.not_linked")),
    (
        "agent link: Agent Studio → Telephony, select the trunk",
        CauseFix("agent.not_linked", &["agent studio → telephony", "select the trunk"]),
    ),
    // Symptom: call connects but the AI is silent.
    ("AI silent: wallet empty", Lists("ai_silent", "billing.wallet_empty")),
    ("wallet: test-mode workspaces", CauseText("billing.wallet_empty", &["test-mode"])),
    ("wallet: top up in Settings → Billing", CauseFix("billing.wallet_empty", &["top up", "settings → billing"])),
    ("AI silent: no first message and no system prompt", Lists("ai_silent", "agent.nothing_to_say")),
    (
        "nothing to say: first message AND system prompt",
        CauseText("agent.nothing_to_say", &["first message", "system prompt"]),
    ),
    // Symptom: call ends by itself.
    ("call ends: exceeded max-call-duration", Lists("call_ends_early", "capacity.max_duration")),
    ("max-call-duration default 300 s", ProfileNum("smartalex", ProfileNum::MaxCallDuration, 300)),
    ("max duration explained as 300 s", CauseText("capacity.max_duration", &["300 s"])),
    ("call ends: voice runtime dispatch failed", Lists("call_ends_early", "platform.dispatch_failed")),
    (
        "dispatch failed: check the call detail page or contact support",
        CauseText("platform.dispatch_failed", &["detail page", "contact support"]),
    ),
    ("call ends: agent isn't linked to the SIP trunk", Lists("call_ends_early", "agent.not_linked")),
    // Symptom: the AI can't find whom to transfer to.
    (
        "transfer target unknown: extensions not populated",
        Ranks("transfer_extension_unknown", "trunk.extensions_not_populated", 0),
    ),
    ("extensions: add them in Settings → PBX", CauseFix("trunk.extensions_not_populated", &["settings → pbx"])),
    (
        "transfer target unknown: extension has no aliases",
        Lists("transfer_extension_unknown", "route.extension_no_alias"),
    ),
    ("aliases: caller not using the exact display name", CauseText("route.extension_no_alias", &["display name"])),
    ("aliases: add via CSV upload", CauseFix("route.extension_no_alias", &["aliases", "csv"])),
    ("transfer target unknown: trunk suspended", Lists("transfer_extension_unknown", "trunk.suspended")),
    ("suspended trunk: reactivate it", CauseFix("trunk.suspended", &["reactivate"])),
    // Symptom: transfer fails.
    ("transfer fails: target extension doesn't exist", Ranks("transfer_fails", "route.extension_missing", 0)),
    ("missing extension: verify in the PBX admin console", CauseText("route.extension_missing", &["admin console"])),
    ("transfer fails: wrong pbx_domain", Lists("transfer_fails", "transfer.wrong_pbx_domain")),
    ("wrong pbx_domain: sip:101@wrong-hostname", CauseText("transfer.wrong_pbx_domain", &["sip:101@wrong-hostname"])),
    (
        "wrong pbx_domain: fix in the trunk settings",
        CauseFix("transfer.wrong_pbx_domain", &["pbx_domain", "trunk settings"]),
    ),
    ("transfer fails: REFER accepted, target rejected", Lists("transfer_fails", "transfer.target_rejected")),
    (
        "target rejected: look for 486 / 603 in the PBX SIP log",
        CauseText("transfer.target_rejected", &["486", "603", "sip log"]),
    ),
    ("target rejected cites 486", CauseCode("transfer.target_rejected", 486)),
    ("target rejected cites 603", CauseCode("transfer.target_rejected", 603)),
    (
        "transfer fails: firewall blocks inbound SIP from the provider",
        Lists("transfer_fails", "net.firewall_inbound_sip"),
    ),
    (
        "inbound SIP usually passes as part of the existing dialog",
        CauseText("net.firewall_inbound_sip", &["existing dialog"]),
    ),
    // Symptom: one-way or no audio.
    ("one-way audio: almost always SIP ALG", Ranks("one_way_audio", "net.sip_alg", 0)),
    ("SIP ALG: disable and reboot the router", CauseFix("net.sip_alg", &["reboot the router"])),
    ("one-way audio: PBX external / public IP set correctly", Ranks("one_way_audio", "net.nat_private_address", 1)),
    ("public IP in the PBX's network settings", Advice("one_way_audio", &["external (public) ip", "network settings"])),
    ("one-way audio: RTP range open both ways", Lists("one_way_audio", "net.rtp_blocked")),
    ("RTP 9000–10999 typical, both directions", CauseFix("net.rtp_blocked", &["9000–10999", "both"])),
    ("one-way audio: try TCP instead of UDP as a test", Advice("one_way_audio", &["tcp", "udp", "test"])),
    // Symptom: echo.
    ("echo: double echo cancellation, disable on one side", Ranks("echo", "media.echo", 0)),
    ("echo: softphone, desk phone or PBX", CauseText("media.echo", &["softphone", "desk phone", "pbx", "off on one"])),
    (
        "echo: poor carrier echo handling → Krisp on the trunk",
        CauseFix("media.echo", &["carrier", "krisp noise cancellation", "trunk"]),
    ),
    // Symptom: drops at a fixed time.
    ("drop: firewall UDP session timeout too short", Ranks("drops_at_15_30min", "net.udp_timeout", 0)),
    ("UDP timeout: at least 1800 s (30 minutes)", CauseFix("net.udp_timeout", &["1800 seconds", "30 minutes"])),
    ("UDP timeout advice on the long-drop symptom", Advice("drops_at_15_30min", &["1800"])),
    ("drop at 5 min: max_duration 300 s", Ranks("drops_at_5min", "capacity.max_duration", 0)),
    ("max duration: increase it in the agent settings", CauseFix("capacity.max_duration", &["agent settings"])),
    // Symptom: choppy audio.
    ("choppy: packet loss in transit", Ranks("choppy_audio", "media.packet_loss", 0)),
    ("packet loss: mtr or traceroute to the SIP host", CauseText("media.packet_loss", &["mtr", "traceroute"])),
    (
        "packet loss: mtr to sip.voice.getsmartalex.com",
        Advice("choppy_audio", &["mtr", "sip.voice.getsmartalex.com", "jitter"]),
    ),
    ("mtr check exists", Check("mtr", C::Command, &["mtr", "{host}"])),
    ("traceroute check exists", Check("traceroute", C::Command, &["traceroute {host}"])),
    ("choppy: insufficient bandwidth", Lists("choppy_audio", "media.bandwidth")),
    ("90–100 kbps sustained per concurrent call", CauseFix("media.bandwidth", &["90–100 kbps", "concurrent"])),
    ("choppy: wrong codec", Lists("choppy_audio", "media.codec_quality")),
    (
        "G.711 needs ~90 kbps; poor G.729 → switch to G.711",
        CauseText("media.codec_quality", &["90 kbps", "g.729", "switch the trunk to g.711"]),
    ),
    ("choppy: enable Krisp noise cancellation", Advice("choppy_audio", &["krisp"])),
    // Symptom: wrong voice / accent.
    ("accent: voice_accent not set or mismatched", Ranks("wrong_voice", "agent.voice_accent", 0)),
    ("accent: reconfigure in Agent Studio → Voice", CauseFix("agent.voice_accent", &["agent studio → voice"])),
    ("accent: hard-coded in the system prompt", CauseText("agent.voice_accent", &["system prompt"])),
    // Symptom: transfer leg missing in the CDR.
    ("CDR: some PBXes only show the first leg", Ranks("transfer_leg_missing_cdr", "cdr.transfer_leg_missing", 0)),
    (
        "CDR: first leg by default, enable transfer-leg reporting",
        CauseText("cdr.transfer_leg_missing", &["first leg", "transfer legs"]),
    ),
    ("3CX: Call Reporting → Advanced options", Pbx("3cx", P::Cdr, &["call reporting", "advanced options"])),
    ("FreePBX: Reports → CDR Reports", Pbx("freepbx", P::Cdr, &["reports → cdr reports"])),
    // Response codes.
    ("401: INVITE without or with wrong credentials", CodeFirst(401, "auth.credentials")),
    ("401: username and password must match exactly", CodeText(401, &["username", "password"])),
    ("401: passwords are 24 random characters", ProfileNum("smartalex", ProfileNum::PasswordLength, 24)),
    (
        "401: one mistyped character is enough",
        CauseText("auth.credentials", &["24 random characters", "single wrong character"]),
    ),
    ("403: authenticated but not authorised", CodeText(403, &["refuses"])),
    ("403: IP allowlist mismatch (IP auth)", CodeFirst(403, "auth.ip_allowlist")),
    ("403: verify your public IP is listed", CauseText("auth.ip_allowlist", &["public ip", "allowlist"])),
    ("403: trunk suspended", CodeCauses(403, &["trunk.suspended"])),
    ("403: trunk status in Settings → PBX", CauseText("trunk.suspended", &["settings → pbx", "status"])),
    ("403: account in read-only mode", CodeCauses(403, &["auth.read_only"])),
    ("404: DID not registered to any trunk", CodeFirst(404, "route.did_not_on_trunk")),
    ("404: add the DID to the trunk's numbers list or contact support", CodeText(404, &["did list", "support"])),
    ("408: PBX didn't respond in time", CodeText(408, &["network"])),
    ("408: outbound UDP 5060 blocked", CodeCauses(408, &["net.firewall_outbound_sip"])),
    ("408: SIP ALG", CodeCauses(408, &["net.sip_alg"])),
    ("408: PBX reachable from the public internet", CodeText(408, &["reached from the internet"])),
    ("480: extension exists but isn't registered", CodeFirst(480, "route.extension_offline")),
    ("480: the PBX answers correctly, fix on the PBX side", CodeText(480, &["pbx side"])),
    ("486: target on another call", CodeFirst(486, "route.busy")),
    ("486: busy-forward rules (voicemail, ring group)", CauseText("route.busy", &["voicemail", "ring group"])),
    ("486: expected, not an error", CodeExpected(486, true)),
    ("486 cause is not a fault", Severity("route.busy", "expected")),
    ("488: codec mismatch", CodeFirst(488, "media.codec_mismatch")),
    ("488: advertise G.711 u-law first", CauseFix("media.codec_mismatch", &["g.711 u-law", "first"])),
    ("488: G.729 is licensed and must be enabled", CauseFix("media.codec_mismatch", &["g.729", "licensed"])),
    ("503: concurrent call limit reached", CodeFirst(503, "capacity.concurrent_limit")),
    (
        "503: increase max_concurrent_calls on the trunk",
        CauseFix("capacity.concurrent_limit", &["max_concurrent_calls"]),
    ),
    ("503: platform-wide rate limit", CodeCauses(503, &["capacity.rate_limit"])),
    ("503: rate limit is rare; contact support if it persists", CauseText("capacity.rate_limit", &["rare", "support"])),
    ("600: all alternative routes busy", CodeFirst(600, "route.all_busy")),
    ("600: adjust hunt groups or voicemail fallback", CauseFix("route.all_busy", &["hunt group", "voicemail"])),
    ("600: not a fault", CodeExpected(600, true)),
    ("603: target explicitly declined", CodeFirst(603, "route.declined")),
    ("603: most often the extension doesn't exist", CodeCauses(603, &["route.extension_missing"])),
    ("603: verify extensions are provisioned", CodeText(603, &["provisioned"])),
    // Where to look on each PBX.
    ("3CX: Activity Log (Event Log on v18/v19)", Pbx("3cx", P::Log, &["activity log", "event log", "v18/v19"])),
    ("FreePBX: Reports → Asterisk Log Files", Pbx("freepbx", P::Log, &["reports → asterisk logfiles"])),
    ("FreePBX: /var/log/asterisk/full", Pbx("freepbx", P::Log, &["/var/log/asterisk/full"])),
    ("Asterisk: asterisk -rvvvv", Pbx("asterisk", P::Trace, &["asterisk -rvvvv"])),
    ("Asterisk: pjsip set logger on", Pbx("asterisk", P::Trace, &["pjsip set logger on"])),
    ("Yeastar: System → Event Center → SIP Logs", Pbx("yeastar", P::Log, &["system → event center → sip logs"])),
    // On the provider's side.
    ("Diagnostics button on each number", ProfileNotes("smartalex", &["phone numbers", "diagnostics button"])),
    (
        "Diagnostics: active status, agent assignment, voice engine registration, credentials",
        ProfileNotes("smartalex", &["active", "agent it is assigned to", "voice engine", "credentials"]),
    ),
    ("Call Logs show SIP disconnect reasons", ProfileNotes("smartalex", &["call logs", "disconnect reason"])),
    ("deeper debugging: contact support with the call ID", Escalation("call_id", &["call id", "call logs"])),
    // DNS and reachability.
    ("dig +short <host>", Check("dns", C::Command, &["dig +short {host}"])),
    ("dig filled for the edge host", Filled("dns", "smartalex", "dig +short sip.voice.getsmartalex.com")),
    ("success: one or more A records", Check("dns", C::Success, &["a records"])),
    ("failure: your DNS, check upstream resolvers", Check("dns", C::Failure, &["dns", "upstream"])),
    ("UDP probe with netcat", Filled("udp", "smartalex", "nc -u -v -z sip.voice.getsmartalex.com 5060")),
    (
        "TLS connection test with openssl",
        Filled(
            "tls",
            "smartalex",
            "openssl s_client -connect sip.voice.getsmartalex.com:5061 -servername sip.voice.getsmartalex.com",
        ),
    ),
    ("edge host", ProfileHost("smartalex", "sip.voice.getsmartalex.com")),
    ("UDP port 5060", ProfileNum("smartalex", ProfileNum::UdpPort, 5060)),
    ("TLS port 5061", ProfileNum("smartalex", ProfileNum::TlsPort, 5061)),
    // When to escalate.
    ("escalate with: workspace ID", Escalation("workspace_id", &["workspace id"])),
    ("escalate with: SIP trunk ID (Settings → PBX)", Escalation("trunk_id", &["trunk id", "settings → pbx"])),
    ("escalate with: call ID from Call Logs", Escalation("call_id", &["call id", "call logs"])),
    (
        "escalate with: trace 30 s before and after",
        Escalation("sip_trace", &["sip trace", "30 s before", "30 s after"]),
    ),
    ("escalate with: the symptom in plain language", Escalation("symptom", &["plain words"])),
    ("support email", ProfileContact("smartalex", "support@getsmartalex.com")),
    // Platform-side causes of the provider profile.
    (
        "platform causes: agent link, wallet, nothing to say, dispatch, extensions, suspension",
        ProfileCauses(
            "smartalex",
            &[
                "agent.not_linked",
                "billing.wallet_empty",
                "agent.nothing_to_say",
                "platform.dispatch_failed",
                "trunk.extensions_not_populated",
                "trunk.suspended",
            ],
        ),
    ),
    ("agent link is provider-specific", CauseProfile("agent.not_linked", "smartalex")),
    ("read-only account is provider-specific", CauseProfile("auth.read_only", "smartalex")),
];

fn lc(s: &str) -> String {
    s.to_lowercase()
}

fn has_all(text: &str, needles: &[&str]) -> Result<(), String> {
    let t = lc(text);
    let missing: Vec<_> = needles.iter().filter(|n| !t.contains(&lc(n))).collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!("missing {missing:?}"))
    }
}

fn cause_text(c: &Cause) -> String {
    let mut t = format!("{}\n{}\n{}\n", c.title, c.summary, c.explanation);
    for x in c.checks.iter().chain(c.fixes).chain(c.evidence) {
        t.push_str(x);
        t.push('\n');
    }
    for (_, x) in c.confirm {
        t.push_str(x);
        t.push('\n');
    }
    t
}

fn need<T>(v: Option<T>, what: &str) -> Result<T, String> {
    v.ok_or_else(|| format!("no {what}"))
}

fn holds(p: Probe) -> Result<(), String> {
    let cause = |id: &str| need(kb::cause(id), &format!("cause {id}"));
    let symptom = |id: &str| need(kb::symptom(id), &format!("symptom {id}"));
    let code = |c: u16| need(kb::code(c), &format!("code {c}"));
    let profile = |id: &str| -> Result<&'static Profile, String> { need(kb::profile(id), &format!("profile {id}")) };
    match p {
        Ranks(s, c, at) => {
            let sy = symptom(s)?;
            cause(c)?;
            match sy.causes.iter().position(|x| *x == c) {
                Some(i) if i == at => Ok(()),
                other => Err(format!("{c} at {other:?} in {:?}", sy.causes)),
            }
        }
        Lists(s, c) => {
            cause(c)?;
            let sy = symptom(s)?;
            sy.causes.contains(&c).then_some(()).ok_or_else(|| format!("{c} not in {:?}", sy.causes))
        }
        Advice(s, needles) => has_all(&symptom(s)?.advice.join("\n"), needles),
        CauseText(c, needles) => has_all(&cause_text(cause(c)?), needles),
        CauseFix(c, needles) => has_all(&cause(c)?.fixes.join("\n"), needles),
        Severity(c, want) => {
            let got = cause(c)?.severity;
            (got == want).then_some(()).ok_or_else(|| format!("severity {got}"))
        }
        CauseCode(c, status) => {
            let x = cause(c)?;
            code(status)?;
            x.codes.contains(&status).then_some(()).ok_or_else(|| format!("codes {:?}", x.codes))
        }
        CauseProfile(c, p) => {
            let x = cause(c)?;
            profile(p)?;
            (x.profiles == [p]).then_some(()).ok_or_else(|| format!("profiles {:?}", x.profiles))
        }
        CodeFirst(status, c) => {
            cause(c)?;
            let x = code(status)?;
            (x.causes.first() == Some(&c)).then_some(()).ok_or_else(|| format!("causes {:?}", x.causes))
        }
        CodeCauses(status, cs) => {
            let x = code(status)?;
            for c in cs {
                cause(c)?;
                if !x.causes.contains(c) {
                    return Err(format!("{c} not in {:?}", x.causes));
                }
            }
            Ok(())
        }
        CodeText(status, needles) => {
            let x = code(status)?;
            has_all(&format!("{}\n{}\n{}", x.meaning, x.typical_cause, x.fixes.join("\n")), needles)
        }
        CodeExpected(status, want) => {
            let x = code(status)?;
            (x.expected == want).then_some(()).ok_or_else(|| format!("expected = {}", x.expected))
        }
        Pbx(id, field, needles) => {
            let x = need(kb::pbx(id), &format!("pbx {id}"))?;
            let text = match field {
                P::Log => x.log_location.to_string(),
                P::Trace => x.trace_steps.join("\n"),
                P::Cdr => x.cdr_steps.join("\n"),
            };
            has_all(&text, needles)
        }
        Check(id, field, needles) => {
            let x = need(kb::check(id), &format!("check {id}"))?;
            has_all(
                match field {
                    C::Command => x.command,
                    C::Success => x.success,
                    C::Failure => x.failure,
                },
                needles,
            )
        }
        Filled(id, p, want) => {
            let x = need(kb::check(id), &format!("check {id}"))?;
            let got = kb::fill_check(x.command, profile(p)?, "");
            (got == want).then_some(()).ok_or_else(|| format!("filled to {got:?}"))
        }
        ProfileNum(id, field, want) => {
            let x = profile(id)?;
            let got = match field {
                ProfileNum::PasswordLength => u64::from(x.password_length),
                ProfileNum::MaxCallDuration => u64::from(x.max_call_duration_s),
                ProfileNum::UdpPort => u64::from(x.udp_port),
                ProfileNum::TlsPort => u64::from(x.tls_port),
            };
            (got == want).then_some(()).ok_or_else(|| format!("{field:?} = {got}"))
        }
        ProfileHost(id, want) => {
            let got = profile(id)?.edge_host;
            (got == want).then_some(()).ok_or_else(|| format!("edge host {got}"))
        }
        ProfileCauses(id, cs) => {
            let x = profile(id)?;
            let missing: Vec<_> = cs.iter().filter(|c| !x.platform_causes.contains(c)).collect();
            missing.is_empty().then_some(()).ok_or_else(|| format!("platform_causes lacks {missing:?}"))
        }
        ProfileNotes(id, needles) => has_all(&profile(id)?.notes.join("\n"), needles),
        ProfileContact(id, want) => {
            let got = profile(id)?.support_contact;
            (got == want).then_some(()).ok_or_else(|| format!("contact {got}"))
        }
        Escalation(id, needles) => {
            let x = need(kb::ESCALATION.iter().find(|e| e.id == id), &format!("escalation item {id}"))?;
            has_all(&format!("{}\n{}", x.label, x.hint), needles)
        }
    }
}

#[test]
fn seed_checklist_every_fact_is_in_the_knowledge_base() {
    let failures: Vec<String> =
        CHECKLIST.iter().filter_map(|(fact, p)| holds(*p).err().map(|e| format!("{fact}: {p:?}: {e}"))).collect();
    assert!(
        failures.is_empty(),
        "{} of {} seed facts not reachable:\n{}",
        failures.len(),
        CHECKLIST.len(),
        failures.join("\n")
    );
}

#[test]
fn checklist_probes_can_fail() {
    // The probes must reject what isn't there, or the checklist proves nothing.
    let wrong = [
        Ranks("cant_register", "net.sip_alg", 0),
        Lists("echo", "auth.credentials"),
        CauseFix("auth.credentials", &["no such words here"]),
        CodeFirst(401, "net.sip_alg"),
        CodeExpected(401, true),
        ProfileNum("smartalex", ProfileNum::PasswordLength, 16),
        Filled("dns", "generic", "dig +short sip.voice.getsmartalex.com"),
        Escalation("nope", &[]),
        Severity("route.busy", "error"),
    ];
    for p in wrong {
        assert!(holds(p).is_err(), "{p:?} should not hold");
    }
}

/// The cause ids other parts of the product (rules, JSON, UI hooks) rely on.
const CONTRACT_CAUSES: &[&str] = &[
    "auth.credentials",
    "auth.forbidden",
    "auth.ip_allowlist",
    "trunk.suspended",
    "net.sip_alg",
    "net.nat_private_address",
    "net.no_response",
    "net.transport_mismatch",
    "net.rtp_blocked",
    "net.udp_timeout",
    "net.ack_lost",
    "net.message_too_large",
    "route.did_not_on_trunk",
    "route.inbound_rule",
    "route.extension_missing",
    "route.extension_offline",
    "route.busy",
    "route.all_busy",
    "route.declined",
    "media.codec_mismatch",
    "media.no_dtmf",
    "capacity.concurrent_limit",
    "capacity.rate_limit",
    "capacity.max_duration",
    "session.timer_refresh",
    "transfer.target_rejected",
    "transfer.wrong_pbx_domain",
    "agent.not_linked",
    "agent.nothing_to_say",
    "billing.wallet_empty",
    "platform.dispatch_failed",
    "sip.malformed",
    "sip.server_error",
    "info.no_sip",
];

#[test]
fn contract_cause_ids_exist() {
    let missing: Vec<_> = CONTRACT_CAUSES.iter().filter(|id| kb::cause(id).is_none()).collect();
    assert!(missing.is_empty(), "missing contract causes: {missing:?}");
}

#[test]
fn ids_are_lowercase_dotted() {
    let ok = |id: &str| {
        !id.is_empty() && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'_')
    };
    for c in kb::CAUSES {
        assert!(ok(c.id) && c.id.contains('.'), "cause id {}", c.id);
    }
    for id in kb::SYMPTOMS.iter().map(|s| s.id).chain(kb::PBXES.iter().map(|p| p.id)) {
        assert!(ok(id), "id {id}");
    }
}

#[test]
fn symptom_ids_are_stable() {
    let want = [
        "cant_register",
        "no_inbound_calls",
        "ai_silent",
        "call_ends_early",
        "drops_at_30s",
        "drops_at_5min",
        "drops_at_15_30min",
        "transfer_extension_unknown",
        "transfer_fails",
        "one_way_audio",
        "echo",
        "choppy_audio",
        "wrong_voice",
        "transfer_leg_missing_cdr",
        "outbound_calls_fail",
        "dtmf_ignored",
    ];
    let got: Vec<_> = kb::SYMPTOMS.iter().map(|s| s.id).collect();
    assert_eq!(got, want, "symptom ids (and their order in the picker) are a contract");
}

#[test]
fn fixed_time_drops_point_at_the_right_mechanism() {
    let cases = [
        ("drops_at_30s", "net.ack_lost"),
        ("drops_at_5min", "capacity.max_duration"),
        ("drops_at_15_30min", "net.udp_timeout"),
        ("no_inbound_calls", "route.did_not_on_trunk"),
        ("ai_silent", "billing.wallet_empty"),
        ("one_way_audio", "net.sip_alg"),
        ("dtmf_ignored", "media.no_dtmf"),
    ];
    for (s, first) in cases {
        assert_eq!(kb::symptom(s).unwrap().causes.first(), Some(&first), "{s}");
    }
    assert!(kb::symptom("drops_at_15_30min").unwrap().causes.contains(&"session.timer_refresh"));
}

#[test]
fn pbx_ids_cover_the_supported_systems() {
    let got: Vec<_> = kb::PBXES.iter().map(|p| p.id).collect();
    assert_eq!(
        got,
        ["3cx", "freepbx", "asterisk", "yeastar", "freeswitch", "kamailio", "cisco", "audiocodes", "other"]
    );
    for p in kb::PBXES {
        assert!(!p.cdr_steps.is_empty(), "{} has no CDR advice", p.id);
    }
}

#[test]
fn pbx_trace_commands_from_the_reference() {
    let cases = [
        ("freeswitch", "sofia global siptrace on"),
        ("freeswitch", "sofia profile external siptrace on"),
        ("freeswitch", "sofia loglevel all 9"),
        ("kamailio", "siptrace"),
        ("kamailio", "sngrep"),
        ("cisco", "debug ccsip messages"),
        ("cisco", "terminal monitor"),
        ("cisco", "show logging"),
        ("cisco", "undebug all"),
        ("asterisk", "sip set debug on"),
        ("freepbx", "pjsip set logger on"),
    ];
    for (id, cmd) in cases {
        let p = kb::pbx(id).unwrap();
        assert!(p.trace_steps.iter().any(|s| s.contains(cmd)), "{id}: {cmd}");
    }
    let ac = kb::pbx("audiocodes").unwrap();
    assert!(ac.log_location.contains("514") && ac.log_location.contains("[SID="));
}

#[test]
fn cli_confirm_steps_give_a_command() {
    // For CLI systems, "how to confirm" must say what to type.
    for c in kb::CAUSES {
        for (pbx, step) in c.confirm {
            if ["asterisk", "freeswitch", "cisco"].contains(pbx) {
                assert!(step.contains('`'), "{} / {pbx}: no command in {step:?}", c.id);
            }
        }
    }
}

/// The IANA SIP response code registry (sip-facts.md §1), with 409 and 411 from RFC 2543.
const IANA: &[(u16, &str, &str)] = &[
    (100, "Trying", "3261"),
    (180, "Ringing", "3261"),
    (181, "Call Is Being Forwarded", "3261"),
    (182, "Queued", "3261"),
    (183, "Session Progress", "3261"),
    (199, "Early Dialog Terminated", "6228"),
    (200, "OK", "3261"),
    (202, "Accepted", "3265"),
    (204, "No Notification", "5839"),
    (300, "Multiple Choices", "3261"),
    (301, "Moved Permanently", "3261"),
    (302, "Moved Temporarily", "3261"),
    (305, "Use Proxy", "3261"),
    (380, "Alternative Service", "3261"),
    (400, "Bad Request", "3261"),
    (401, "Unauthorized", "3261"),
    (402, "Payment Required", "3261"),
    (403, "Forbidden", "3261"),
    (404, "Not Found", "3261"),
    (405, "Method Not Allowed", "3261"),
    (406, "Not Acceptable", "3261"),
    (407, "Proxy Authentication Required", "3261"),
    (408, "Request Timeout", "3261"),
    (409, "Conflict", "2543"),
    (410, "Gone", "3261"),
    (411, "Length Required", "2543"),
    (412, "Conditional Request Failed", "3903"),
    (413, "Request Entity Too Large", "3261"),
    (414, "Request-URI Too Long", "3261"),
    (415, "Unsupported Media Type", "3261"),
    (416, "Unsupported URI Scheme", "3261"),
    (417, "Unknown Resource-Priority", "4412"),
    (420, "Bad Extension", "3261"),
    (421, "Extension Required", "3261"),
    (422, "Session Interval Too Small", "4028"),
    (423, "Interval Too Brief", "3261"),
    (424, "Bad Location Information", "6442"),
    (425, "Bad Alert Message", "8876"),
    (428, "Use Identity Header", "8224"),
    (429, "Provide Referrer Identity", "3892"),
    (430, "Flow Failed", "5626"),
    (433, "Anonymity Disallowed", "5079"),
    (436, "Bad Identity Info", "8224"),
    (437, "Unsupported Credential", "8224"),
    (438, "Invalid Identity Header", "8224"),
    (439, "First Hop Lacks Outbound Support", "5626"),
    (440, "Max-Breadth Exceeded", "5393"),
    (469, "Bad Info Package", "6086"),
    (470, "Consent Needed", "5360"),
    (480, "Temporarily Unavailable", "3261"),
    (481, "Call/Transaction Does Not Exist", "3261"),
    (482, "Loop Detected", "3261"),
    (483, "Too Many Hops", "3261"),
    (484, "Address Incomplete", "3261"),
    (485, "Ambiguous", "3261"),
    (486, "Busy Here", "3261"),
    (487, "Request Terminated", "3261"),
    (488, "Not Acceptable Here", "3261"),
    (489, "Bad Event", "6665"),
    (491, "Request Pending", "3261"),
    (493, "Undecipherable", "3261"),
    (494, "Security Agreement Required", "3329"),
    (500, "Server Internal Error", "3261"),
    (501, "Not Implemented", "3261"),
    (502, "Bad Gateway", "3261"),
    (503, "Service Unavailable", "3261"),
    (504, "Server Time-out", "3261"),
    (505, "Version Not Supported", "3261"),
    (513, "Message Too Large", "3261"),
    (555, "Push Notification Service Not Supported", "8599"),
    (580, "Precondition Failure", "3312"),
    (600, "Busy Everywhere", "3261"),
    (603, "Decline", "3261"),
    (604, "Does Not Exist Anywhere", "3261"),
    (606, "Not Acceptable", "3261"),
    (607, "Unwanted", "8197"),
    (608, "Rejected", "8688"),
];

#[test]
fn every_iana_code_has_an_entry() {
    let mut bad = Vec::new();
    for (code, reason, rfc) in IANA {
        match kb::code(*code) {
            None => bad.push(format!("{code}: missing")),
            Some(c) if c.reason != *reason || !c.rfc.contains(rfc) => {
                bad.push(format!("{code}: {:?} / {:?}, want {reason:?} / RFC {rfc}", c.reason, c.rfc))
            }
            Some(c) if c.meaning.is_empty() || c.typical_cause.is_empty() => bad.push(format!("{code}: no meaning")),
            Some(_) => {}
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
    // and nothing beyond the registry that isn't listed above
    for c in kb::CODES {
        assert!(IANA.iter().any(|(x, _, _)| *x == c.code), "{} is not in the registry list", c.code);
    }
}

#[test]
fn every_error_code_points_somewhere_or_says_why_not() {
    // 4xx–6xx codes seen on trunks must lead to at least one cause; exotic ones may carry only a meaning.
    let exotic = [412, 417, 423, 424, 425, 470];
    for c in kb::CODES.iter().filter(|c| c.code >= 400 && !exotic.contains(&c.code)) {
        assert!(!c.causes.is_empty(), "{} has no causes", c.code);
    }
}

#[test]
fn expected_codes_are_not_faults() {
    let cases = [
        (100, true),
        (180, true),
        (183, true),
        (200, true),
        (486, true),
        (487, true),
        (600, true),
        (401, false),
        (403, false),
        (404, false),
        (408, false),
        (480, false),
        (488, false),
        (503, false),
        (603, false),
    ];
    for (code, want) in cases {
        assert_eq!(kb::code(code).unwrap().expected, want, "{code}");
    }
    // the first cause of an expected failure code is never an error
    for c in kb::CODES.iter().filter(|c| c.expected && c.code >= 400) {
        let first = kb::cause(c.causes[0]).unwrap();
        assert_ne!(first.severity, "error", "{} → {}", c.code, first.id);
    }
    assert_eq!(kb::cause("call.cancelled").unwrap().severity, "expected");
    assert_eq!(kb::cause("auth.challenge").unwrap().severity, "expected");
}

#[test]
fn q850_mapping_matches_rfc_3398() {
    // cause → SIP status (sip-facts.md §2); 16 (normal clearing) has no error status.
    let cases: &[(u16, u16)] = &[
        (1, 404),
        (2, 404),
        (3, 404),
        (16, 0),
        (17, 486),
        (18, 408),
        (19, 480),
        (20, 480),
        (21, 403),
        (22, 410),
        (23, 410),
        (26, 404),
        (27, 502),
        (28, 484),
        (29, 501),
        (31, 480),
        (34, 503),
        (38, 503),
        (41, 503),
        (42, 503),
        (47, 503),
        (55, 403),
        (57, 403),
        (58, 503),
        (65, 488),
        (70, 488),
        (79, 501),
        (87, 403),
        (88, 503),
        (102, 504),
        (111, 500),
        (127, 500),
    ];
    for (cause, sip) in cases {
        let q = kb::q850(*cause).unwrap_or_else(|| panic!("Q.850 cause {cause} missing"));
        assert_eq!(q.sip, *sip, "Q.850 {cause} {}", q.name);
        assert!(!q.name.is_empty() && !q.meaning.is_empty());
    }
    assert!(kb::Q850_CAUSES.len() >= 70, "the common set of causes 1–127, got {}", kb::Q850_CAUSES.len());
    assert_eq!(kb::q850(17).unwrap().causes, ["route.busy"]);
    assert!(kb::q850(200).is_none());
}

#[test]
fn summaries_are_one_sentence() {
    for c in kb::CAUSES {
        let s = c.summary.trim_end_matches('.');
        assert!(c.summary.ends_with('.') && !s.contains(". "), "{}: {:?}", c.id, c.summary);
    }
}

#[test]
fn escalation_checklist_order() {
    let ids: Vec<_> = kb::ESCALATION.iter().map(|e| e.id).collect();
    assert_eq!(ids, ["workspace_id", "trunk_id", "call_id", "sip_trace", "symptom"]);
}

#[test]
fn profiles_default_first_and_generic() {
    assert_eq!(kb::PROFILES[0].id, "smartalex", "the default profile comes first");
    let g = kb::profile("generic").unwrap();
    assert_eq!((g.edge_host, g.udp_port, g.tls_port), ("", 5060, 5061));
    assert!(g.platform_causes.is_empty());
    for c in kb::CAUSES.iter().filter(|c| !c.profiles.is_empty()) {
        assert!(!c.applies_to("generic"), "{} is provider-specific", c.id);
    }
}

#[test]
fn every_cause_is_reachable() {
    // A cause nobody points at can only be shown by a rule; keep that list explicit.
    let rule_only = ["info.no_sip", "info.no_fault", "media.one_way_audio"];
    for c in kb::CAUSES {
        let used = kb::SYMPTOMS.iter().any(|s| s.causes.contains(&c.id))
            || kb::CODES.iter().any(|x| x.causes.contains(&c.id))
            || kb::Q850_CAUSES.iter().any(|q| q.causes.contains(&c.id))
            || kb::PROFILES.iter().any(|p| p.platform_causes.contains(&c.id));
        assert!(used || rule_only.contains(&c.id), "{} is referenced nowhere", c.id);
    }
}

fn shared(rel: &str) -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared").join(rel);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("SKIP: ../shared/{rel} is not present beside this checkout; wording check skipped");
        None
    }
}

/// The prose words of a text: commands in backticks and bare numbers are facts, not wording.
fn words(text: &str) -> Vec<String> {
    let prose: String = text.split('`').step_by(2).collect::<Vec<_>>().join(" ");
    prose
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().any(char::is_alphabetic))
        .map(str::to_lowercase)
        .collect()
}

/// Every piece of prose the knowledge base ships, with where it comes from.
fn all_text() -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    for c in kb::CAUSES {
        out.push((format!("cause {}", c.id), c.summary));
        out.push((format!("cause {}", c.id), c.explanation));
        for x in c.checks.iter().chain(c.fixes).chain(c.evidence) {
            out.push((format!("cause {}", c.id), *x));
        }
        for (p, x) in c.confirm {
            out.push((format!("cause {} / {p}", c.id), *x));
        }
    }
    for s in kb::SYMPTOMS {
        out.push((format!("symptom {}", s.id), s.description));
        for x in s.advice {
            out.push((format!("symptom {}", s.id), *x));
        }
    }
    for c in kb::CODES {
        out.push((format!("code {}", c.code), c.meaning));
        out.push((format!("code {}", c.code), c.typical_cause));
        for x in c.fixes {
            out.push((format!("code {}", c.code), *x));
        }
    }
    for p in kb::PBXES {
        out.push((format!("pbx {}", p.id), p.log_location));
        for x in p.trace_steps.iter().chain(p.cdr_steps) {
            out.push((format!("pbx {}", p.id), *x));
        }
    }
    for p in kb::PROFILES {
        for x in p.notes {
            out.push((format!("profile {}", p.id), *x));
        }
    }
    for e in kb::ESCALATION {
        out.push((format!("escalation {}", e.id), e.hint));
    }
    for c in kb::CHECKS {
        out.push((format!("check {}", c.id), c.success));
        out.push((format!("check {}", c.id), c.failure));
    }
    out
}

#[test]
fn wording_is_our_own() {
    // No run of 8 words from the seed guide or the reference facts appears in the knowledge base.
    const N: usize = 8;
    let mut sources = Vec::new();
    if let Some(dir) = shared("seed") {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            sources.push(std::fs::read_to_string(e.path()).unwrap_or_default());
        }
    }
    if let Some(p) = shared("reference/sip-facts.md") {
        sources.push(std::fs::read_to_string(p).unwrap());
    }
    if sources.is_empty() {
        return;
    }
    let mut grams = std::collections::HashSet::new();
    for s in &sources {
        let w = words(s);
        for g in w.windows(N) {
            grams.insert(g.join(" "));
        }
    }
    let mut copied = Vec::new();
    for (whence, text) in all_text() {
        let w = words(text);
        if let Some(g) = w.windows(N).map(|g| g.join(" ")).find(|g| grams.contains(g)) {
            copied.push(format!("{whence}: \"{g}\""));
        }
    }
    assert!(copied.is_empty(), "phrases copied from the sources:\n{}", copied.join("\n"));
}
