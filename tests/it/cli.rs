//! Integration tests: cli. Runs the real `sipdiag` binary on real files and checks the text
//! report, the JSON contract (docs/JSON.md, version 1) and the exit codes.

use crate::support::root;
use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sipdiag")).args(args).current_dir(root()).output().expect("run sipdiag")
}

fn run_stdin(args: &[&str], input: &[u8]) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_sipdiag"))
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn sipdiag");
    child.stdin.take().expect("stdin").write_all(input).expect("write stdin");
    child.wait_with_output().expect("wait")
}

fn fx(name: &str) -> String {
    format!("tests/fixtures/diagnose/{name}")
}

fn text(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn text_report_shows_verdict_evidence_and_fixes() {
    let o = run(&[&fx("auth_credentials_register_loop.pjsip.log")]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let out = text(&o);
    assert!(out.contains("Format: asterisk-pjsip"), "{out}");
    assert!(out.contains("VERDICT [ERROR] "), "{out}");
    assert!(out.contains("auth.credentials"), "{out}");
    // evidence with its input line and the line's text
    assert!(out.contains("line    45  401 Unauthorized"), "{out}");
    assert!(out.contains("| SIP/2.0 401 Unauthorized"), "{out}");
    assert!(out.contains("   Fix:\n     1. "), "{out}");
    assert!(out.contains("First fix: "), "{out}");
    assert!(out.contains("Calls:\n  [0] registration"), "{out}");
}

#[test]
fn text_report_of_a_healthy_trace_says_no_fault() {
    let o = run(&[&fx("healthy_register_call.sngrep.txt")]);
    assert_eq!(o.status.code(), Some(0));
    let out = text(&o);
    assert!(out.contains("VERDICT [OK] No fault found"), "{out}");
    assert!(!out.contains("[ERROR]") && !out.contains("[WARNING]"), "{out}");
    assert!(!out.contains("Fix:"), "no fixes for expected behaviour: {out}");
}

#[test]
fn pbx_option_prints_how_to_confirm() {
    let o = run(&["--pbx", "asterisk", &fx("auth_credentials_register_loop.raw.txt")]);
    assert_eq!(o.status.code(), Some(0));
    let out = text(&o);
    if sipdiag::kb::cause("auth.credentials").and_then(|c| c.confirm_for("asterisk")).is_some() {
        assert!(out.contains("How to confirm on Asterisk:"), "{out}");
    }
}

#[test]
fn json_contract_version_1() {
    let o = run(&["--format", "json", &fx("net_ack_lost_inbound.sngrep.txt")]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON on stdout");
    assert_eq!(v["version"], 1);
    assert_eq!(v["format"], "sngrep");
    let msgs = v["messages"].as_array().expect("messages");
    assert_eq!(msgs.len(), 16);
    let m0 = &msgs[0];
    assert_eq!(m0["line"], 2);
    assert_eq!(m0["time"], "2024/05/02 10:15:00.000000");
    assert_eq!(m0["src"], "198.51.100.10:5060");
    assert_eq!(m0["dst"], "192.168.1.20:5060");
    assert_eq!(m0["kind"], "request");
    assert_eq!(m0["method"], "INVITE");
    assert_eq!(m0["call_id"], "3848276298220188511@198.51.100.10");
    assert_eq!(m0["retransmission"], false);
    assert!(m0.get("text").is_none(), "the CLI's JSON leaves message texts out");
    let copies = msgs.iter().filter(|m| m["status"] == 200 && m["retransmission"] == true).count();
    assert_eq!(copies, 10, "the 200 OK was sent 11 times");
    assert_eq!(msgs[4]["retransmission_of"], 3);
    let calls = v["calls"].as_array().expect("calls");
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0]["answered"], true);
    assert_eq!(calls[0]["ended_by"], "bye-callee");
    assert!(v["problems"].is_array());
    let f = &v["findings"][0];
    assert_eq!(f["cause"], "net.ack_lost");
    assert_eq!(f["severity"], "error");
    assert!(f["confidence"].as_u64().is_some_and(|c| c > 50));
    assert!(f["title"].as_str().is_some_and(|t| !t.is_empty()));
    assert!(f["fixes"].as_array().is_some_and(|x| !x.is_empty()));
    assert!(f["confirm"].is_array());
    assert_eq!(f["call"], 0);
    let ev = f["evidence"].as_array().expect("evidence");
    assert!(ev.iter().all(|e| e["line"].as_u64().is_some() && e["label"].is_string() && e["excerpt"].is_string()));
    assert_eq!(v["verdict"]["severity"], "error");
    assert_eq!(v["verdict"]["cause"], "net.ack_lost");
    assert!(v["verdict"]["text"].as_str().is_some_and(|t| t.contains("200 OK")));
    // the contract round-trips through the owned type
    let r: sipdiag::report::Report = serde_json::from_slice(&o.stdout).expect("Report from JSON");
    assert_eq!(r.findings.len(), v["findings"].as_array().map_or(0, |a| a.len()));
}

#[test]
fn json_flag_forms_and_stdin() {
    let bytes = std::fs::read(root().join(fx("route_busy_486.pjsip.log"))).expect("fixture");
    for args in [&["--json", "-"][..], &["--format=json"][..], &["-f", "json", "--"][..]] {
        let o = run_stdin(args, &bytes);
        assert_eq!(o.status.code(), Some(0), "{args:?}");
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
        assert_eq!(v["findings"][0]["cause"], "route.busy");
        assert_eq!(v["findings"][0]["severity"], "expected");
        assert_eq!(v["verdict"]["severity"], "expected");
    }
}

#[test]
fn no_sip_is_exit_2_with_a_clear_message() {
    let o = run(&[&fx("no_sip_syslog.log")]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("no SIP message or SIP log line found"), "{err}");
    assert!(text(&o).contains("No SIP found"), "the report still says why");
    let o = run(&["--json", &fx("no_sip_cli_output.txt")]);
    assert_eq!(o.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(v["format"], "none");
    assert_eq!(v["findings"][0]["cause"], "info.no_sip");
    let o = run_stdin(&[], b"");
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn missing_file_is_exit_66() {
    let o = run(&["tests/fixtures/diagnose/does-not-exist.txt"]);
    assert_eq!(o.status.code(), Some(66));
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot read"));
    assert!(o.stdout.is_empty());
}

#[test]
fn bad_options_are_exit_64() {
    for args in [
        &["--bogus"][..],
        &["--format", "xml", "x"][..],
        &["--format"][..],
        &["a.txt", "b.txt"][..],
        &["--symptom", "no_such_symptom", "x"][..],
        &["--pbx", "no_such_pbx", "x"][..],
    ] {
        let o = run(args);
        assert_eq!(o.status.code(), Some(64), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.starts_with("sipdiag: ") && err.contains("usage: sipdiag"), "{args:?}: {err}");
    }
    let o = run(&["--help"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(text(&o).contains("usage: sipdiag"));
}

#[test]
fn profile_option_changes_the_cause() {
    let f = fx("billing_wallet_empty_402.sngrep.txt");
    let generic: serde_json::Value = serde_json::from_slice(&run(&["--json", &f]).stdout).expect("JSON");
    let sa: serde_json::Value =
        serde_json::from_slice(&run(&["--json", "--profile", "smartalex", &f]).stdout).expect("JSON");
    assert_eq!(generic["findings"][0]["cause"], "billing.provider_balance");
    assert_eq!(sa["findings"][0]["cause"], "billing.wallet_empty");
}
