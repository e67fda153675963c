//! Integration tests: the outside corpus (../shared/corpus). For every text file outside pcap/
//! and rfc4475/ the table says which formats ingest must find and how many messages the file
//! holds, counted by reading it. The excerpts are cut at both ends: a message whose start line
//! is there counts, however little of it follows; header lines whose start line was cut away do
//! not (they must come out as an `unreadable_message` problem). Every corpus file, captures and
//! RFC 4475 messages included, must go through ingest without a panic.

use crate::support::{corpus_dir, corpus_text};
use sipdiag::ingest::ProblemKind;
use std::collections::BTreeSet;

/// (file, formats in order of first appearance, messages, one-line partials)
const TABLE: &[(&str, &[&str], usize, usize)] = &[
    // one ERROR/WARNING dial failure, no SIP status
    ("asterisk-pjsip/issue_InnovateAsterisk-Browser-Phone-415_full-log-no-route.txt", &[], 0, 0),
    // DEBUG lines; `Cause: 488` is a hangup cause, not a SIP line
    ("asterisk-pjsip/issue_TECH7Fox-sipcore-hass-integration-78_asterisk-debug-488.txt", &[], 0, 0),
    // tail of an ACK (no start line: a problem), OPTIONS, and a 200 OK cut mid-header (counted)
    ("asterisk-pjsip/issue_asterisk-asterisk-1467_pjsip-logger-ack-options.txt", &["asterisk-pjsip"], 2, 0),
    // `Response is 183 Session Progress` and `Status: 183`
    ("asterisk-pjsip/issue_asterisk-asterisk-449_debug-183-after-auth-invite.txt", &["log-line"], 0, 2),
    // REGISTER and its 200 OK, banners prefixed by the full log
    (
        "asterisk-pjsip/issue_asterisk-asterisk-452_full-log-verbose-pjsip-logger-register-200.txt",
        &["asterisk-pjsip"],
        2,
        0,
    ),
    // one NOTICE: extension not found (Asterisk will answer 404)
    ("asterisk-chansip/issue_GoTrunk-asterisk-config-4_notice-extension-not-found.txt", &["log-line"], 0, 1),
    // 100 Trying pasted without its banner, then the 503 after a chan_sip banner, cut after Via
    ("asterisk-chansip/issue_VoiSmart-pjsip-android-66_chansip-debug-503.txt", &["raw", "asterisk-chansip"], 2, 0),
    // `Failed to authenticate on REGISTER`
    (
        "asterisk-chansip/issue_asterisk-asterisk-1711_full-log-ms-comma-timestamps-register-auth-failed.txt",
        &["log-line"],
        0,
        1,
    ),
    // four `Got SIP response 480`; the fifth is cut before its code
    ("asterisk-chansip/issue_futel-asteriskserver-205_full-log-480-twilio.txt", &["log-line"], 0, 4),
    // `Got SIP response 503` twice (the second in grep output)
    ("asterisk-chansip/issue_futel-asteriskserver-39_full-log-503-wrapped.txt", &["log-line"], 0, 2),
    // a headless 407 (a problem), then the INVITE with its wrapped Proxy-Authorization
    ("asterisk-chansip/issue_i-p-tel-sipdroid-27_sip-debug-407-wrapped.txt", &["asterisk-chansip"], 1, 0),
    // every line prefixed; the 200 OK is cut in its SDP
    (
        "asterisk-chansip/issue_versatica-JsSIP-332_messages-log-every-line-timestamped-reliably-nat-200ok.txt",
        &["asterisk-chansip"],
        1,
        0,
    ),
    // the INVITE sent over TCP, cut in Record-Route
    (
        "freeswitch/issue_drachtio-drachtio-srf-110_sofia-send-tcp-invite-too-large-for-udp.txt",
        &["freeswitch-sofia"],
        1,
        0,
    ),
    ("freeswitch/issue_drachtio-drachtio-srf-17_sofia-tport-recv-register-401.txt", &["freeswitch-sofia"], 1, 0),
    // a remote SDP printed alone: not a message
    ("freeswitch/issue_fusionpbx-fusionpbx-2044_debug-incompatible-destination-g729.txt", &[], 0, 0),
    ("freeswitch/issue_onsip-SIP.js-261_fs-debug-uuid-prefix-acl-reject.txt", &[], 0, 0),
    // SDP tail of an earlier message, then the ACK sent
    ("freeswitch/issue_signalwire-freeswitch-1144_siptrace-send-ack-and-debug.txt", &["freeswitch-sofia"], 1, 0),
    // tail of an INVITE (a problem), then the 200 OK with no blank line before its SDP, cut
    ("freeswitch/issue_signalwire-freeswitch-1808_raw-200ok-ack-timeout-no-blank-line.txt", &["raw"], 1, 0),
    ("freeswitch/issue_signalwire-freeswitch-2515_debug-503-after-183-cli-prompts.txt", &[], 0, 0),
    // INVITE, two 100 Giving a try; a fourth packet cut after `SIP`
    ("ngrep/issue_OpenSIPS-opensips-954_ngrep-byline-reinvite-ping.txt", &["ngrep"], 3, 0),
    // 200 OK (the garbage after its SDP left out), and a second 200 OK cut at CSeq
    ("ngrep/issue_kamailio-kamailio-2436_ngrep-numbered-200ok-reinvite-trailing-garbage.txt", &["ngrep"], 2, 0),
    // grep -A5 -B5 output: two REGISTER start lines with one header each; headless 401 pieces
    ("ngrep/issue_sipcapture-sipgrep-6_sipgrep-register-401-parse-errors.txt", &["ngrep"], 2, 0),
    // an SDP tail, 100 Trying with its To wrapped, an INVITE cut at `Max-Forw`
    ("sngrep/issue_BelledonneCommunications-flexisip-36_sngrep-txt-100-trying-wrapped-to.txt", &["sngrep"], 2, 0),
    // 200 OK with SDP, ACK cut in Contact
    ("sngrep/issue_freeswitch-sofia-sip-279_sngrep-txt-200ok-ack.txt", &["sngrep"], 2, 0),
    ("sngrep/issue_signalwire-freeswitch-1817_sngrep-txt-options.txt", &["sngrep"], 1, 0),
    // `T_code=100, new_code=500`, `code 500`, `last_recv=500`
    ("kamailio/issue_OpenSIPS-opensips-1596_debug-500-dispatcher-failover.txt", &["log-line"], 0, 3),
    // three `checked status is <500>`, `new_code=500`, `code 500`, `last_recv=500`
    ("kamailio/issue_OpenSIPS-opensips-3344_debug-rtpengine-bencode-500.txt", &["log-line"], 0, 6),
    // `new_code=487`, `code 487`, `last_recv=487`, `reply code is <487>` (the ACC line is wrapped
    // inside its code and is not read)
    ("kamailio/issue_OpenSIPS-opensips-933_debug-487-failure-route-wrapped.txt", &["log-line"], 0, 4),
    ("kamailio/issue_irontec-ivozprovider-432_kamailio-journal-inbound-invite.txt", &[], 0, 0),
    // the parser's debug lines describe an INVITE; the message itself is not printed
    ("kamailio/issue_kamailio-kamailio-1395_syslog-debug-parse-invite.txt", &[], 0, 0),
    // two banners whose messages are not in the excerpt
    ("audiocodes/issue_sipcapture-paStash-75_audiocodes-syslog-reinvite-b.txt", &["audiocodes-syslog"], 0, 0),
    // an outgoing banner without its message, then the Teams 200 OK (cut after VIA)
    ("audiocodes/issue_sipcapture-paStash-75_audiocodes-syslog-teams-options-a.txt", &["audiocodes-syslog"], 1, 0),
    // INVITE and 100 Trying; a third banner is cut mid-word
    ("cisco/page_cisco.com-sip-config-15-mt-voi-sip-mwi_debug-ccsip-messages.txt", &["cisco-ccsip"], 2, 0),
    // F2 INVITE, F3 302, F7 INVITE (request line continued with `\`)
    ("callflows/page_issuhub-book-ch12_302-redirect-voicemail-cause486.txt", &["raw"], 3, 0),
    // F1 INVITE, indented, cut in From
    ("callflows/page_tech-invite-rfc3665-part4_3.8-no-answer-cancel-487.txt", &["raw"], 1, 0),
    // F1 INVITE: its first lines flattened into the ladder line, the rest indented after a page
    // break; cut in Allow
    ("callflows/page_tech-invite-rfc5359-part4_2.8-call-forwarding-busy-486.txt", &["raw"], 1, 0),
    ("other/issue_BelledonneCommunications-linphone-android-1086_belle-sip-480-reason-q850.txt", &["app-log"], 1, 0),
    // 401 in indented logcat lines; `Discarding stateless response [401]`
    (
        "other/issue_BelledonneCommunications-linphone-android-873_logcat-indented-401-discarded.txt",
        &["app-log", "log-line"],
        1,
        1,
    ),
    // ACK tail (a problem), 487 sent, ACK received cut after Via
    ("other/issue_BelledonneCommunications-linphone-desktop-397_belle-sip-487-ack-easybell.txt", &["app-log"], 2, 0),
    ("other/issue_BelledonneCommunications-linphone-iphone-154_ios-syslog-belle-sip-488.txt", &["app-log"], 1, 0),
    // `receiving call response [202]`
    ("other/issue_BelledonneCommunications-linphone-sdk-426_belle-sip-refer-202-cisco.txt", &["log-line"], 0, 1),
    // `SEND: INVITE …`, cut in its SDP
    ("other/issue_DoubangoTelecom-sipml5-330_send-invite-wss-503.txt", &["app-log"], 1, 0),
    // an indented SDP alone, then a lone `SIP/2.0 488` line: evidence, not a message
    ("other/issue_VoiSmart-pjsip-android-136_indented-sdp-then-488.txt", &["log-line"], 0, 1),
    ("other/issue_VoiSmart-pjsip-android-74_tcpdump-A-register-401-freepbx.txt", &["tcpdump"], 2, 0),
    // REGISTER, cut in Allow
    ("other/issue_baresip-baresip-2344_baresip-sip-trace-register.txt", &["app-log"], 1, 0),
    // REGISTER, 401; a third packet line ends the excerpt
    ("other/issue_creytiv-re-148_tcpdump-A-register-401-asterisk11.txt", &["tcpdump"], 2, 0),
    // SDP tail and nta lines: `sent INVITE` is not the message
    ("other/issue_drachtio-drachtio-server-182_sofia-nta-debug-invite-avaya-488.txt", &[], 0, 0),
    // `Unexpected StatusCode from INVITE response 403`, twice
    ("other/issue_livekit-sip-110_structured-log-invite-403-twilio.txt", &["log-line"], 0, 2),
    // RX 401, RX 200 OK, status=200 OK, RX 401, RX 200 OK
    ("other/issue_n-IA-hane-esphome-intercom-69_ha-voip-stack-log-register-401-200.txt", &["log-line"], 0, 5),
    ("other/issue_onsip-SIP.js-1048_raw-register-403-freeswitch-fenced.txt", &["raw"], 2, 0),
    ("other/issue_onsip-SIP.js-129_browser-console-invite-401-ack.txt", &["app-log"], 2, 0),
    ("other/issue_onsip-SIP.js-759_raw-freeswitch-488-q850-88.txt", &["raw"], 1, 0),
    // the INVITE with all line breaks flattened to spaces (its quoted SDP is not joined)
    ("other/issue_pjsip-pjproject-3106_pjsua-log-flattened-newlines-488.txt", &["pjsua"], 1, 0),
    // two REGISTERs; the third TX line is cut before the message
    ("other/issue_pjsip-pjproject-3308_pjsua-register-retransmit-no-response.txt", &["pjsua"], 2, 0),
    ("other/issue_pjsip-pjproject-3850_pjsua-log-register-401-retry.txt", &["pjsua"], 1, 0),
    // quoted, wrapped, `#015#012`-escaped and auto-linked: unreadable (a problem)
    ("other/issue_sippy-rtpproxy-109_email-quoted-syslog-escaped-register.txt", &[], 0, 0),
    // 401, REGISTER cut in Contact
    ("other/issue_sipsorcery-org-sipsorcery-370_sipsorcery-log-tls-register-401.txt", &["app-log"], 2, 0),
    ("other/issue_sipsorcery-org-sipsorcery-656_raw-telnyx-180-then-503-q850-41.txt", &["raw"], 2, 0),
    // one-line log: INVITE, 401, ACK, 401, INVITE, 404, ACK, 404, 404
    ("other/issue_sipsorcery-org-sipsorcery-910_client-log-vs-yeastar-401-then-404.txt", &["log-line"], 0, 9),
    // ACK, BYE, 200 OK cut in Via
    ("other/issue_strozfriedberg-D-Modem-12_pjsua-ack-then-immediate-bye.txt", &["pjsua"], 3, 0),
    // `REGISTER … SIP/2.0` alone (evidence), parsed headers as Python dicts (a problem), and the
    // bytes repr cut in Via (a message)
    ("other/issue_tayler6000-pyVoIP-270_pyvoip-debug-parsed-and-raw-bytes-repr.txt", &["log-line", "app-log"], 1, 1),
    // base64 in JSON: unreadable (a problem)
    ("other/issue_theintencity-sip-js-6_flash-log-base64-403.txt", &[], 0, 0),
    // REFER, 202; the NOTIFY is cut in its request line
    ("other/issue_versatica-JsSIP-556_jssip-console-refer-202-notify-audiocodes.txt", &["app-log"], 2, 0),
    // ACK, INVITE cut in Authorization
    ("other/issue_voiceip-tinyphone-37_pjsua-ack-then-reinvite-with-auth.txt", &["pjsua"], 2, 0),
];

/// Files where something looks like SIP but cannot be read: the problem must say so.
const UNREADABLE: &[(&str, u32)] = &[
    ("asterisk-pjsip/issue_asterisk-asterisk-1467_pjsip-logger-ack-options.txt", 2),
    ("asterisk-chansip/issue_i-p-tel-sipdroid-27_sip-debug-407-wrapped.txt", 2),
    ("freeswitch/issue_signalwire-freeswitch-1808_raw-200ok-ack-timeout-no-blank-line.txt", 2),
    ("ngrep/issue_sipcapture-sipgrep-6_sipgrep-register-401-parse-errors.txt", 5),
    ("other/issue_BelledonneCommunications-linphone-desktop-397_belle-sip-487-ack-easybell.txt", 2),
    ("other/issue_theintencity-sip-js-6_flash-log-base64-403.txt", 4),
];

fn files(dir: &std::path::Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(p.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out
}

#[test]
fn corpus_table() {
    let Some(dir) = corpus_dir() else { return };
    let listed: BTreeSet<&str> = TABLE.iter().map(|r| r.0).collect();
    for f in files(&dir) {
        if f.starts_with("pcap/") || f.starts_with("rfc4475/") || f == "SOURCES.md" {
            continue;
        }
        assert!(listed.contains(f.as_str()), "corpus file {f} is not in the table");
    }
    let mut failures = Vec::new();
    for (file, formats, messages, partials) in TABLE {
        let text = corpus_text(&dir, file);
        let ing = sipdiag::ingest(&text);
        let got: Vec<&str> = ing.formats.iter().map(|f| f.id()).collect();
        if got != *formats || ing.items.len() != *messages || ing.partials.len() != *partials {
            failures.push(format!(
                "{file}: formats {got:?} messages {} partials {} (want {formats:?} {messages} {partials})",
                ing.items.len(),
                ing.partials.len()
            ));
        }
        if *messages == 0 && *partials == 0 {
            assert!(
                ing.problems.iter().any(|p| p.kind == ProblemKind::NoSip
                    || p.kind == ProblemKind::Truncated
                    || p.kind == ProblemKind::UnreadableMessage),
                "{file}: says nothing"
            );
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    for (file, line) in UNREADABLE {
        let text = corpus_text(&dir, file);
        let ing = sipdiag::ingest(&text);
        assert!(
            ing.problems.iter().any(|p| p.kind == ProblemKind::UnreadableMessage && p.line == *line),
            "{file}: no unreadable_message at line {line}: {:?}",
            ing.problems
        );
    }
}

/// Every file of the corpus (captures read as text, RFC 4475 torture messages) goes through
/// ingest and the parser without a panic; every message ingest hands out has a start line.
#[test]
fn whole_corpus_without_panic() {
    let Some(dir) = corpus_dir() else { return };
    let mut n = 0;
    for f in files(&dir) {
        let text = corpus_text(&dir, &f);
        let ing = sipdiag::ingest(&text);
        for it in &ing.items {
            let first = it.text.lines().next().unwrap_or("");
            assert!(sipdiag::sip::parse_start_line(first).is_ok(), "{f}: {first:?}");
            let _ = sipdiag::sip::parse(&it.text);
        }
        if f.starts_with("rfc4475/") && f != "rfc4475/test.dat" {
            // one message per file (dblreq: two in one datagram)
            let want = if f.ends_with("dblreq.dat") { 2 } else { 1 };
            assert_eq!(ing.items.len(), want, "{f}");
        }
        n += 1;
    }
    assert!(n > 100, "only {n} corpus files");
}
