//! Integration tests: diagnose. Each fixture under tests/fixtures/diagnose/ is a realistic trace
//! written for one cause, in one of the log formats sipdiag reads (raw SIP, Asterisk pjsip
//! logger, sngrep export, FreeSWITCH siptrace, ngrep); the table says which cause must come out
//! on top, with what severity, citing which input line.

use crate::support::fixture;
use sipdiag::diagnose::{Options, Severity};
use sipdiag::report::{Detail, Report};
use sipdiag::Analysis;

fn options(profile: &str) -> Options {
    Options { profile: (!profile.is_empty()).then(|| profile.to_string()), ..Options::default() }
}

fn report(rel: &str, opts: &Options) -> (String, Report) {
    let text = fixture(&format!("diagnose/{rel}"));
    let ing = sipdiag::ingest(&text);
    let a = Analysis::new(&ing, opts);
    let r = Report::build(&a, Detail::Summary);
    (text, r)
}

/// (fixture, profile, top cause, severity, an input line the top finding must cite)
const TABLE: &[(&str, &str, &str, &str, u32)] = &[
    ("auth_credentials_register_loop.raw.txt", "", "auth.credentials", "error", 41),
    ("auth_credentials_register_loop.pjsip.log", "", "auth.credentials", "error", 45),
    ("auth_credentials_invite_407.sngrep.txt", "", "auth.credentials", "error", 83),
    ("auth_forbidden_after_challenge.raw.txt", "", "auth.forbidden", "error", 76),
    ("auth_forbidden_after_challenge.fs.log", "", "auth.forbidden", "error", 84),
    ("auth_ip_allowlist_403.pjsip.log", "", "auth.ip_allowlist", "error", 41),
    ("auth_ip_allowlist_403.ngrep.txt", "", "auth.ip_allowlist", "error", 43),
    ("trunk_suspended_warning.raw.txt", "", "trunk.suspended", "error", 47),
    ("trunk_suspended_reason.sngrep.txt", "", "trunk.suspended", "error", 45),
    ("net_no_response_invite.sngrep.txt", "", "net.no_response", "error", 170),
    ("net_no_response_invite.fs.log", "", "net.no_response", "error", 171),
    ("net_no_response_register.pjsip.log", "", "net.no_response", "error", 152),
    ("net_no_response_register.raw.txt", "", "net.no_response", "error", 141),
    ("net_transport_mismatch_udp_to_tls.sngrep.txt", "", "net.transport_mismatch", "error", 2),
    ("net_transport_mismatch_udp_to_tls.pjsip.log", "", "net.transport_mismatch", "error", 2),
    ("net_message_too_large_udp.raw.txt", "", "net.message_too_large", "error", 1),
    ("net_message_too_large_udp.sngrep.txt", "", "net.message_too_large", "error", 2),
    ("net_message_too_large_513.fs.log", "", "net.message_too_large", "error", 52),
    ("net_ack_lost_inbound.sngrep.txt", "", "net.ack_lost", "error", 339),
    ("net_ack_lost_inbound.pjsip.log", "", "net.ack_lost", "error", 339),
    ("net_nat_private_address.pjsip.log", "", "net.nat_private_address", "warning", 18),
    ("net_nat_private_address.raw.txt", "", "net.nat_private_address", "warning", 17),
    ("net_sip_alg_rewrite.raw.txt", "", "net.sip_alg", "warning", 63),
    ("net_sip_alg_rewrite.sngrep.txt", "", "net.sip_alg", "warning", 68),
    ("net_udp_timeout_reinvite.fs.log", "", "net.udp_timeout", "error", 79),
    ("net_udp_timeout_reinvite.sngrep.txt", "", "net.udp_timeout", "error", 78),
    ("net_rtp_blocked_bye_reason.raw.txt", "", "net.rtp_blocked", "error", 78),
    ("net_rtp_blocked_lack_of_rtp.pjsip.log", "", "net.rtp_blocked", "error", 77),
    ("route_did_not_on_trunk_outbound.pjsip.log", "", "route.did_not_on_trunk", "error", 30),
    ("route_did_not_on_trunk_outbound.sngrep.txt", "", "route.did_not_on_trunk", "error", 30),
    ("route_did_not_on_trunk_smartalex.fs.log", "smartalex", "route.did_not_on_trunk", "error", 83),
    ("route_inbound_rule_did.pjsip.log", "", "route.inbound_rule", "error", 41),
    ("route_inbound_rule_did.fs.log", "", "route.inbound_rule", "error", 42),
    ("route_extension_missing_105.pjsip.log", "", "route.extension_missing", "error", 41),
    ("route_extension_missing_105.raw.txt", "", "route.extension_missing", "error", 37),
    ("route_extension_offline_480.sngrep.txt", "", "route.extension_offline", "warning", 41),
    ("route_extension_offline_480.raw.txt", "", "route.extension_offline", "warning", 37),
    ("route_busy_486.pjsip.log", "", "route.busy", "expected", 53),
    ("route_busy_600.ngrep.txt", "", "route.busy", "expected", 56),
    ("route_all_busy_hunt.sngrep.txt", "", "route.all_busy", "warning", 165),
    ("route_all_busy_hunt.raw.txt", "", "route.all_busy", "warning", 151),
    ("route_declined_603.sngrep.txt", "", "route.declined", "warning", 53),
    ("route_declined_603.raw.txt", "", "route.declined", "warning", 48),
    ("media_codec_mismatch_488.fs.log", "", "media.codec_mismatch", "error", 48),
    ("media_codec_mismatch_606.raw.txt", "", "media.codec_mismatch", "error", 37),
    ("media_no_dtmf_answer.pjsip.log", "", "media.no_dtmf", "warning", 80),
    ("media_no_dtmf_answer.sngrep.txt", "", "media.no_dtmf", "warning", 80),
    ("capacity_concurrent_limit_503.sngrep.txt", "", "capacity.concurrent_limit", "error", 41),
    ("capacity_concurrent_limit_q850_34.pjsip.log", "", "capacity.concurrent_limit", "error", 47),
    ("capacity_rate_limit_cps.raw.txt", "", "capacity.rate_limit", "error", 43),
    ("capacity_rate_limit_retry_after.fs.log", "", "capacity.rate_limit", "error", 48),
    ("capacity_max_duration_smartalex.pjsip.log", "smartalex", "capacity.max_duration", "warning", 76),
    ("capacity_max_duration_smartalex.sngrep.txt", "smartalex", "capacity.max_duration", "warning", 76),
    ("session_timer_refresh_488.pjsip.log", "", "session.timer_refresh", "error", 114),
    ("session_timer_refresh_update_481.sngrep.txt", "", "session.timer_refresh", "error", 99),
    ("transfer_target_rejected_busy.pjsip.log", "smartalex", "transfer.target_rejected", "error", 145),
    ("transfer_target_rejected_busy.raw.txt", "", "transfer.target_rejected", "error", 133),
    ("transfer_wrong_pbx_domain.sngrep.txt", "smartalex", "transfer.wrong_pbx_domain", "error", 85),
    ("transfer_wrong_pbx_domain.pjsip.log", "smartalex", "transfer.wrong_pbx_domain", "error", 85),
    ("billing_wallet_empty_402.pjsip.log", "smartalex", "billing.wallet_empty", "error", 30),
    ("billing_wallet_empty_402.sngrep.txt", "smartalex", "billing.wallet_empty", "error", 30),
    ("platform_dispatch_failed_smartalex.pjsip.log", "smartalex", "platform.dispatch_failed", "error", 76),
    ("platform_dispatch_failed_smartalex.sngrep.txt", "smartalex", "platform.dispatch_failed", "error", 76),
    ("sip_malformed_400.raw.txt", "", "sip.malformed", "error", 26),
    ("sip_malformed_400.fs.log", "", "sip.malformed", "error", 30),
    ("sip_server_error_500.pjsip.log", "", "sip.server_error", "error", 41),
    ("sip_server_error_502.ngrep.txt", "", "sip.server_error", "error", 43),
    ("multi_call_one_forbidden.sngrep.txt", "", "auth.ip_allowlist", "error", 140),
    ("multi_call_one_forbidden.pjsip.log", "", "auth.ip_allowlist", "error", 140),
    ("no_sip_syslog.log", "", "info.no_sip", "info", 0),
    ("no_sip_cli_output.txt", "", "info.no_sip", "info", 0),
];

#[test]
fn fixtures_top_cause_severity_and_evidence_line() {
    let mut failures = Vec::new();
    for &(file, profile, cause, severity, line) in TABLE {
        let (text, r) = report(file, &options(profile));
        let Some(top) = r.findings.first() else {
            failures.push(format!("{file}: no finding"));
            continue;
        };
        if top.cause != cause || top.severity != severity {
            failures.push(format!("{file}: top is {} {} (wanted {cause} {severity})", top.cause, top.severity));
            continue;
        }
        if line > 0 {
            let Some(e) = top.evidence.iter().find(|e| e.line == line) else {
                let lines: Vec<u32> = top.evidence.iter().map(|e| e.line).collect();
                failures.push(format!("{file}: evidence lines {lines:?} miss line {line}"));
                continue;
            };
            let want = text.lines().nth(line as usize - 1).unwrap_or("").trim();
            if !want.starts_with(e.excerpt.trim_end_matches('…')) {
                failures.push(format!("{file}: excerpt {:?} is not line {line} {want:?}", e.excerpt));
            }
        }
        if r.verdict.cause.as_deref() != Some(cause) || r.verdict.severity != severity {
            failures.push(format!("{file}: verdict {:?}", r.verdict));
        }
    }
    assert!(failures.is_empty(), "{} of {} rows failed:\n{}", failures.len(), TABLE.len(), failures.join("\n"));
}

/// Every fixture file is in the table (or is a healthy trace), and every format is used.
#[test]
fn every_fixture_is_checked() {
    let dir = crate::support::root().join("tests/fixtures/diagnose");
    let mut missing = Vec::new();
    for e in std::fs::read_dir(&dir).expect("fixture dir") {
        let name = e.expect("entry").file_name().to_string_lossy().to_string();
        if !name.starts_with("healthy_") && !TABLE.iter().any(|r| r.0 == name) {
            missing.push(name);
        }
    }
    assert!(missing.is_empty(), "fixtures without a table row: {missing:?}");
    for (ext, fmt) in [
        (".raw.txt", "raw"),
        (".pjsip.log", "asterisk-pjsip"),
        (".sngrep.txt", "sngrep"),
        (".fs.log", "freeswitch-sofia"),
        (".ngrep.txt", "ngrep"),
    ] {
        let row = TABLE.iter().find(|r| r.0.ends_with(ext)).unwrap_or_else(|| panic!("no {ext} fixture"));
        let (_, r) = report(row.0, &options(row.1));
        assert_eq!(r.format, fmt, "{} read as {}", row.0, r.format);
    }
}

/// Each cause with trace evidence has fixtures in at least two formats where it is on top.
#[test]
fn causes_have_two_formats() {
    let mut by_cause: Vec<(&str, Vec<&str>)> = Vec::new();
    for &(file, _, cause, _, _) in TABLE {
        let ext = file.split_once('.').map_or("", |(_, e)| e);
        match by_cause.iter_mut().find(|(c, _)| *c == cause) {
            Some((_, v)) => {
                if !v.contains(&ext) {
                    v.push(ext);
                }
            }
            None => by_cause.push((cause, vec![ext])),
        }
    }
    let thin: Vec<_> = by_cause.iter().filter(|(_, v)| v.len() < 2).collect();
    assert!(thin.is_empty(), "causes with fixtures in only one format: {thin:?}");
}

#[test]
fn healthy_traces_have_no_fault() {
    for f in [
        "healthy_register_call.raw.txt",
        "healthy_register_call.pjsip.log",
        "healthy_register_call.sngrep.txt",
        "healthy_register_call.fs.log",
    ] {
        let (_, r) = report(f, &Options::default());
        let faults: Vec<_> =
            r.findings.iter().filter(|x| x.severity == "error" || x.severity == "warning").map(|x| &x.cause).collect();
        assert!(faults.is_empty(), "{f}: {faults:?}");
        assert_eq!(r.verdict.severity, "ok", "{f}: {:?}", r.verdict);
        assert_eq!(r.findings[0].cause, "info.no_fault", "{f}");
        // the normal challenge is named as such, not as a fault
        assert!(r.findings.iter().any(|x| x.cause == "auth.challenge" && x.severity == "expected"), "{f}");
        assert_eq!(r.calls.len(), 2, "{f}");
        let call = &r.calls[1];
        assert!(call.answered && call.ended_by.as_deref() == Some("bye-caller"), "{f}: {call:?}");
        if !f.ends_with(".raw.txt") {
            assert_eq!(call.duration_ms.map(|d| d / 1000), Some(95), "{f}");
        }
    }
}

#[test]
fn every_evidence_line_quotes_the_input() {
    let dir = crate::support::root().join("tests/fixtures/diagnose");
    for e in std::fs::read_dir(&dir).expect("fixture dir") {
        let name = e.expect("entry").file_name().to_string_lossy().to_string();
        for profile in ["", "smartalex", "generic"] {
            let (text, r) = report(&name, &options(profile));
            let lines: Vec<&str> = text.lines().collect();
            for f in &r.findings {
                assert!(!f.evidence.is_empty() || f.cause == "info.no_sip", "{name}: {} has no evidence", f.cause);
                assert!(f.confidence <= 100);
                assert!(!f.explanation.is_empty());
                for ev in &f.evidence {
                    let got = lines.get(ev.line as usize - 1).map(|l| l.trim()).unwrap_or("");
                    assert!(
                        got.starts_with(ev.excerpt.trim_end_matches('…')),
                        "{name} {}: line {} is {got:?}, excerpt {:?}",
                        f.cause,
                        ev.line,
                        ev.excerpt
                    );
                    if let Some(m) = ev.message {
                        assert!((m as usize) < r.messages.len(), "{name}: evidence message {m} out of range");
                    }
                }
            }
        }
    }
}

/// The engine may only name causes the knowledge base defines.
#[test]
fn every_emittable_cause_is_in_the_knowledge_base() {
    let missing: Vec<_> =
        sipdiag::diagnose::EMITTED_CAUSES.iter().filter(|c| sipdiag::kb::cause(c).is_none()).collect();
    assert!(missing.is_empty(), "causes the engine emits but the knowledge base lacks: {missing:?}");
}

#[test]
fn several_calls_get_findings_per_call() {
    let (_, r) = report("multi_call_one_forbidden.sngrep.txt", &Options::default());
    let calls: Vec<_> = r.calls.iter().filter(|c| c.kind == "call").collect();
    assert_eq!(calls.len(), 3);
    assert_eq!(calls.iter().filter(|c| c.answered).count(), 2);
    let top = &r.findings[0];
    assert_eq!(top.call, Some(1), "the 403 belongs to the second call");
    assert_eq!(r.calls[1].findings.first(), Some(&0));
    assert!(r.calls[0].findings.is_empty() && r.calls[2].findings.is_empty());
    assert_eq!(r.verdict.call, Some(1));
    assert!(r.verdict.text.starts_with(&r.findings[0].title), "{}", r.verdict.text);
}

#[test]
fn profile_changes_the_reading() {
    // 402 from the smartalex edge: the workspace wallet; on a generic trunk: the provider balance.
    let (_, generic) = report("billing_wallet_empty_402.pjsip.log", &Options::default());
    assert_eq!(generic.findings[0].cause, "billing.provider_balance");
    let (_, sa) = report("billing_wallet_empty_402.pjsip.log", &options("smartalex"));
    assert_eq!(sa.findings[0].cause, "billing.wallet_empty");
    // An INVITE to the edge host is outbound: more confident with the profile.
    let (_, g) = report("route_did_not_on_trunk_smartalex.fs.log", &Options::default());
    let (_, s) = report("route_did_not_on_trunk_smartalex.fs.log", &options("smartalex"));
    assert!(s.findings[0].confidence > g.findings[0].confidence);
    // 300 s is the smartalex maximum: the generic reading is less sure.
    let (_, g) = report("capacity_max_duration_smartalex.pjsip.log", &Options::default());
    assert_eq!(g.findings[0].cause, "capacity.max_duration");
    let (_, s) = report("capacity_max_duration_smartalex.pjsip.log", &options("smartalex"));
    assert!(s.findings[0].confidence > g.findings[0].confidence);
}

#[test]
fn symptom_moves_its_causes_up() {
    // For every fixture and every symptom: a cause the symptom lists never ranks lower than
    // without the symptom, and nothing is added or dropped.
    let dir = crate::support::root().join("tests/fixtures/diagnose");
    let mut moved = 0;
    for e in std::fs::read_dir(&dir).expect("fixture dir") {
        let name = e.expect("entry").file_name().to_string_lossy().to_string();
        let (_, plain) = report(&name, &Options::default());
        for sym in sipdiag::kb::SYMPTOMS {
            let (_, ranked) = report(&name, &Options { symptom: Some(sym.id.into()), ..Options::default() });
            assert_eq!(plain.findings.len(), ranked.findings.len(), "{name} {}", sym.id);
            for (k, f) in plain.findings.iter().enumerate() {
                if !sym.causes.contains(&f.cause.as_str()) {
                    continue;
                }
                let at = ranked.findings.iter().position(|g| g.cause == f.cause && g.call == f.call).expect("kept");
                assert!(at <= k, "{name} {}: {} fell from {k} to {at}", sym.id, f.cause);
                if at < k {
                    moved += 1;
                }
            }
        }
    }
    assert!(moved > 0, "no symptom moved any finding");
}

#[test]
fn pbx_picks_confirm_steps() {
    let opts = Options { pbx: Some("asterisk".into()), ..Options::default() };
    let (_, r) = report("auth_credentials_register_loop.raw.txt", &opts);
    let top = &r.findings[0];
    let want = sipdiag::kb::cause("auth.credentials").and_then(|c| c.confirm_for("asterisk"));
    assert_eq!(top.confirm.first().map(String::as_str), want);
    assert!(top.confirm.len() <= 1);
    // without a PBX: every PBX's step, named
    let (_, r) = report("auth_credentials_register_loop.raw.txt", &Options::default());
    let all = sipdiag::kb::cause("auth.credentials").map_or(0, |c| c.confirm.len());
    assert_eq!(r.findings[0].confirm.len(), all);
    assert!(!r.findings[0].fixes.is_empty());
}

#[test]
fn timer_schedule_is_cited() {
    let (_, r) = report("net_no_response_invite.sngrep.txt", &Options::default());
    let e = &r.findings[0].explanation;
    assert!(e.contains("7 times") && e.contains("31.5 s"), "{e}");
    assert!(e.contains("0.0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s") && e.contains("Timer B"), "{e}");
    let (_, r) = report("net_ack_lost_inbound.sngrep.txt", &Options::default());
    let e = &r.findings[0].explanation;
    assert!(e.contains("11 times") && e.contains("Timer H") && e.contains("T1 = 500 ms"), "{e}");
    assert!(r.findings.iter().any(|f| f.cause == "net.nat_private_address"), "the private Contact is named too");
}

#[test]
fn stale_nonce_is_not_a_fault() {
    let text = "REGISTER sip:sip.example.net SIP/2.0\r\nVia: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bK1\r\n\
From: <sip:100@sip.example.net>;tag=a\r\nTo: <sip:100@sip.example.net>\r\nCall-ID: st1\r\nCSeq: 1 REGISTER\r\n\
Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n\
SIP/2.0 401 Unauthorized\r\nVia: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bK1\r\nFrom: <sip:100@sip.example.net>;tag=a\r\n\
To: <sip:100@sip.example.net>;tag=b\r\nCall-ID: st1\r\nCSeq: 1 REGISTER\r\nWWW-Authenticate: Digest realm=\"x\", nonce=\"n1\"\r\nContent-Length: 0\r\n\r\n\
REGISTER sip:sip.example.net SIP/2.0\r\nVia: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bK2\r\n\
From: <sip:100@sip.example.net>;tag=a\r\nTo: <sip:100@sip.example.net>\r\nCall-ID: st1\r\nCSeq: 2 REGISTER\r\n\
Authorization: Digest username=\"100\", realm=\"x\", nonce=\"n1\", uri=\"sip:sip.example.net\", response=\"abc\"\r\n\
Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n\
SIP/2.0 401 Unauthorized\r\nVia: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bK2\r\nFrom: <sip:100@sip.example.net>;tag=a\r\n\
To: <sip:100@sip.example.net>;tag=b\r\nCall-ID: st1\r\nCSeq: 2 REGISTER\r\nWWW-Authenticate: Digest realm=\"x\", nonce=\"n2\", stale=true\r\nContent-Length: 0\r\n\r\n\
REGISTER sip:sip.example.net SIP/2.0\r\nVia: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bK3\r\n\
From: <sip:100@sip.example.net>;tag=a\r\nTo: <sip:100@sip.example.net>\r\nCall-ID: st1\r\nCSeq: 3 REGISTER\r\n\
Authorization: Digest username=\"100\", realm=\"x\", nonce=\"n2\", uri=\"sip:sip.example.net\", response=\"def\"\r\n\
Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n\
SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bK3\r\nFrom: <sip:100@sip.example.net>;tag=a\r\n\
To: <sip:100@sip.example.net>;tag=b\r\nCall-ID: st1\r\nCSeq: 3 REGISTER\r\nContent-Length: 0\r\n\r\n";
    let ing = sipdiag::ingest(text);
    let a = Analysis::new(&ing, &Options::default());
    assert_eq!(a.messages.len(), 6);
    let faults: Vec<_> = a
        .findings
        .iter()
        .filter(|f| matches!(f.severity, Severity::Error | Severity::Warning))
        .map(|f| f.cause)
        .collect();
    assert!(faults.is_empty(), "{faults:?}");
    // the same flow without stale=true is a rejected password
    let bad = text.replace(", stale=true", "").replace(
        "response=\"def\"\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\nSIP/2.0 200 OK",
        "response=\"def\"\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\nSIP/2.0 401 Unauthorized",
    );
    let ing = sipdiag::ingest(&bad);
    let a = Analysis::new(&ing, &Options::default());
    assert_eq!(a.findings[0].cause, "auth.credentials");
    assert_eq!(a.findings[0].severity, Severity::Error);
}

/// Partial log lines are evidence too.
#[test]
fn log_lines_count_as_evidence() {
    let text = "[2024-05-02 10:15:00] NOTICE[2231] res_pjsip_outbound_registration.c: Registration to 'sip:sip.trunk.example.net' failed: 403 Forbidden\n";
    let ing = sipdiag::ingest(text);
    let a = Analysis::new(&ing, &Options::default());
    let f = a.findings.first().expect("a finding from the log line");
    assert!(matches!(f.cause, "auth.credentials" | "auth.forbidden"), "{}", f.cause);
    assert_eq!(f.evidence[0].line, 1);
    assert_eq!(f.evidence[0].message, None);
}

/// No input makes the engine panic; options of every kind are accepted.
#[test]
fn odd_inputs_do_not_panic() {
    let inputs = [
        "",
        "SIP/2.0 200 OK\r\n\r\n",
        "INVITE sip:x SIP/2.0\r\nCall-ID: a\r\nCSeq: x INVITE\r\n\r\n",
        "SIP/2.0 486 Busy Here\r\nCall-ID: b\r\nCSeq: 1 INVITE\r\nReason: Q.850;cause=\r\nWarning: 399\r\n\r\n",
        "NOTIFY sip:a@b SIP/2.0\r\nCall-ID: c\r\nCSeq: 2 NOTIFY\r\nContent-Type: message/sipfrag\r\nContent-Length: 3\r\n\r\nSIP",
        "BYE sip:a@b SIP/2.0\r\nCall-ID: d\r\nCSeq: 9 BYE\r\nTo: <sip:a@b>;tag=1\r\nFrom: <sip:c@d>;tag=2\r\n\r\n",
        "SIP/2.0 200 OK\r\nCall-ID: e\r\nCSeq: 1 INVITE\r\nContact: <sip:\u{e9}@[::1]>\r\nContent-Type: application/sdp\r\n\r\nv=0\r\nc=IN IP4 10.0.0.1\r\nm=audio 0 RTP/AVP\r\n",
    ];
    for profile in ["", "smartalex", "generic"] {
        for sym in [None, Some("cant_register".to_string()), Some("nonexistent".to_string())] {
            for t in inputs {
                let ing = sipdiag::ingest(t);
                let opts = Options { symptom: sym.clone(), pbx: Some("3cx".into()), ..options(profile) };
                let a = Analysis::new(&ing, &opts);
                let r = Report::build(&a, Detail::Full);
                assert!(!r.verdict.text.is_empty());
            }
        }
    }
}

/// smartalex: an INVITE to the edge whose Request-URI names another host is outbound, and the
/// explanation says which host it should be.
#[test]
fn request_uri_host_not_the_trunks() {
    let text = "INVITE sip:+14155550123@203.0.113.50 SIP/2.0\r\nVia: SIP/2.0/UDP 203.0.113.50:5060;branch=z9hG4bK1\r\n\
From: <sip:pbx-7731@sip.voice.getsmartalex.com>;tag=1\r\nTo: <sip:+14155550123@sip.voice.getsmartalex.com>\r\n\
Call-ID: rr1\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n\
SIP/2.0 404 Not Found\r\nVia: SIP/2.0/UDP 203.0.113.50:5060;branch=z9hG4bK1\r\n\
From: <sip:pbx-7731@sip.voice.getsmartalex.com>;tag=1\r\nTo: <sip:+14155550123@sip.voice.getsmartalex.com>;tag=2\r\n\
Call-ID: rr1\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
    let ing = sipdiag::ingest(text);
    let a = Analysis::new(&ing, &options("smartalex"));
    let f = &a.findings[0];
    assert_eq!(f.cause, "route.did_not_on_trunk");
    assert!(f.explanation.contains("Request-URI host is 203.0.113.50"), "{}", f.explanation);
    let a = Analysis::new(&ing, &Options::default());
    assert!(!a.findings[0].explanation.contains("Request-URI host"), "generic rules know no edge host");
}
