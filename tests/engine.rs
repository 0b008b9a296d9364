//! `x402 get` end to end, one test per exit status, against servers on 127.0.0.1 that record
//! every request and verify every payment independently of the code under test
//! (`support::verifier`). Each test asserts the exit code, the one `x402: error:` line, what
//! reached stdout, and how many payment headers the server saw. Then curl's request and
//! output flags, checked in the requests the server received, and the settlement report. Last,
//! large bodies: streamed intact to stdout or `-o FILE`, and what a transfer that breaks midway
//! leaves behind.
//!
//! Not here: 47 (redirects, in safety.rs) and 113 (insufficient funds, in pay.rs).

use crate::support::verifier::{
    ANY, Answer, BASE_SEPOLIA_USDC, FAKE_TX, Generated, Misbehave, Offer, PAY_TO, Verifier,
    pattern, pattern_sha256, v1_option, v2_option, verify_v2,
};
use crate::support::{self, ANVIL1_ADDRESS, Env};
use serde_json::{Value, json};
use std::process::Output;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

fn get(env: &Env, url: &str, extra: &[&str]) -> Output {
    env.x402().args(["get", url]).args(extra).output().unwrap()
}

/// Asserts the exit code and that stderr holds exactly one `x402: error:` line, which
/// contains `needle`; returns that line.
#[track_caller]
fn error_line(out: &Output, code: i32, needle: &str) -> String {
    let line = support::error_line(out, code);
    assert!(line.contains(needle), "{needle:?} not in: {line}");
    line
}

fn no_stdout(out: &Output) {
    assert!(
        out.stdout.is_empty(),
        "nothing is due on stdout: {}",
        support::stdout(out)
    );
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// The server saw one unpaid request and nothing else (the client stopped before paying).
fn only_unpaid_request(server: &Verifier) {
    let seen = server.requests();
    assert_eq!(seen.len(), 1, "{seen:#?}");
    assert_eq!(server.payment_headers(), 0, "{seen:#?}");
}

/// The unpaid request and the paid retry are the same request plus one payment header,
/// and only the paid one carries a payment header.
fn unpaid_then_paid(server: &Verifier, header: &str) {
    let seen = server.requests();
    assert_eq!(seen.len(), 2, "{seen:#?}");
    assert!(seen[0].payment.is_none(), "{:#?}", seen[0]);
    let p = seen[1]
        .payment
        .as_ref()
        .expect("the retry carries a payment");
    assert_eq!(p.header, header);
    assert_eq!(server.payment_headers(), 1);
    assert_eq!(seen[0].method, seen[1].method);
    assert_eq!(seen[0].target, seen[1].target);
    assert_eq!(seen[0].body, seen[1].body);
    let other = if header == "x-payment" {
        "payment-signature"
    } else {
        "x-payment"
    };
    assert!(seen[1].header(other).is_none(), "{other} must not be sent");
}

// ---------------------------------------------------------------------------------------------
// The verifier itself

/// The verifier accepts the v2 transport spec's `PAYMENT-SIGNATURE` example re-signed with
/// anvil key #0 (Base Sepolia USDC domain) and names what is wrong with tampered copies of it.
#[test]
fn verifier_checks_the_spec_vector() {
    let accepted = json!({
        "scheme": "exact", "network": "eip155:84532", "amount": "10000",
        "asset": BASE_SEPOLIA_USDC, "payTo": PAY_TO, "maxTimeoutSeconds": 60,
        "extra": {"name": "USDC", "version": "2"},
    });
    let resource = json!({
        "url": "https://api.example.com/premium-data",
        "description": "Access to premium market data",
        "mimeType": "application/json",
    });
    let payload = json!({
        "authorization": {
            "from": support::ANVIL0_ADDRESS, "to": PAY_TO, "value": "10000",
            "validAfter": "1740672089", "validBefore": "1740672154",
            "nonce": "0xf3746613c2d920b5fdabc0856f2aeb2d4f88ee6037b8cc5d04a71a4462f13480",
        },
        "signature": "0xdc53a4a579de989368a0fae2ef2172ff2f474b4297013f865d171239f17ef4c3157b4b4030f1bebc53d55ace15c2377dff501a60e1e56c291f1000d6e78f082f1b",
    });
    let header = |doc: &Value| {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(doc.to_string())
    };
    let doc =
        json!({"x402Version": 2, "payload": payload, "resource": resource, "accepted": accepted});
    // A moment inside the vector's 65-second window.
    let at = 1_740_672_100;
    let offered = [accepted.clone()];
    let (_, _, v) = verify_v2(&header(&doc), &offered, Some(&resource), None, at);
    assert!(v.ok(), "{:?}", v.failures);
    assert_eq!(v.signer.unwrap().to_checksum(None), support::ANVIL0_ADDRESS);

    let tampered = |edit: &dyn Fn(&mut Value), expect: &str, when: u64| {
        let mut d = doc.clone();
        edit(&mut d);
        let (_, _, v) = verify_v2(&header(&d), &offered, Some(&resource), None, when);
        assert!(
            v.failures.iter().any(|f| f.contains(expect)),
            "{expect:?} not in {:?}",
            v.failures
        );
    };
    tampered(
        &|d| d["payload"]["authorization"]["value"] = json!("10001"),
        "differs from the offered amount",
        at,
    );
    tampered(
        &|d| d["payload"]["authorization"]["nonce"] = json!(format!("0x{}", "11".repeat(32))),
        "recovers to",
        at,
    );
    tampered(
        &|d| d["payload"]["authorization"]["to"] = json!(support::ANVIL0_ADDRESS),
        "is not payTo",
        at,
    );
    tampered(&|_| {}, "validBefore", at + 60);
    tampered(&|_| {}, "validAfter", 1_740_672_000);
    tampered(
        &|d| {
            let a = d["accepted"].clone();
            let mut m = serde_json::Map::new();
            for k in [
                "network",
                "scheme",
                "amount",
                "asset",
                "payTo",
                "maxTimeoutSeconds",
                "extra",
            ] {
                m.insert(k.into(), a[k].clone());
            }
            d["accepted"] = Value::Object(m);
        },
        "key order",
        at,
    );
    tampered(
        &|d| d["resource"]["url"] = json!("https://elsewhere.example/"),
        "resource is not echoed",
        at,
    );
    tampered(
        &|d| d["payload"]["authorization"]["nonce"] = json!("0x1234"),
        "32 bytes",
        at,
    );
    // The window may not exceed maxTimeoutSeconds: the same vector offered with 30 s.
    let short = {
        let mut a = accepted.clone();
        a["maxTimeoutSeconds"] = json!(30);
        a
    };
    let mut d = doc.clone();
    d["accepted"] = short.clone();
    let (_, _, v) = verify_v2(
        &header(&d),
        &[short],
        Some(&resource),
        None,
        1_740_672_089 + 10,
    );
    assert!(
        v.failures
            .iter()
            .any(|f| f.contains("beyond now + maxTimeoutSeconds")),
        "{:?}",
        v.failures
    );
}

// ---------------------------------------------------------------------------------------------
// 0: success

#[test]
fn exit_0_paid_v2_passes_every_check() {
    let server = Verifier::builder()
        .paid("/v2", Offer::v2().body(r#"{"data":"v2 content"}"#))
        .start();
    let (env, pw) = Env::with_payer();
    let receipt = env.path("receipt.json");
    let before = now();
    let out = env.pay(
        &pw,
        &server.url("/v2"),
        &["--receipt", receipt.to_str().unwrap()],
    );
    let err = support::stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert_eq!(support::stdout(&out), r#"{"data":"v2 content"}"#);
    assert!(
        err.contains(&format!(
            "paid 0.001 USDC on base-sepolia to {PAY_TO}  tx {FAKE_TX}"
        )),
        "{err}"
    );
    assert!(!err.contains("x402: error"), "{err}");
    unpaid_then_paid(&server, "payment-signature");
    let p = server.only_payment();
    let v = &p.verdict;
    assert!(v.ok(), "{:#?}", v.failures);
    assert_eq!(v.option, Some(0));
    assert_eq!(v.signer.unwrap().to_checksum(None), ANVIL1_ADDRESS);
    assert_eq!(v.value.unwrap().to::<u64>(), 1000);
    let vb = v.valid_before.unwrap();
    assert!(vb >= before + 60 && vb <= now() + 60, "validBefore {vb}");
    assert!(v.valid_after.unwrap() <= before);
    let doc = p.document.unwrap();
    assert_eq!(doc["x402Version"], 2);
    assert_eq!(doc["resource"]["url"], server.url("/v2"));
    let r: Value = serde_json::from_slice(&std::fs::read(&receipt).unwrap()).unwrap();
    assert_eq!(r["status"], "paid");
    assert_eq!(r["transaction"], FAKE_TX);
    assert_eq!(r["payer"], ANVIL1_ADDRESS);
    assert_eq!(r["nonce"].as_str(), v.nonce.as_deref());
}

#[test]
fn exit_0_paid_v1_passes_every_check() {
    let server = Verifier::builder()
        .paid("/v1", Offer::v1().body(r#"{"data":"v1 content"}"#))
        .start();
    let (env, pw) = Env::with_payer();
    // A POST: the paid retry must repeat the body as well as the method.
    let out = env.pay(&pw, &server.url("/v1"), &["--json", r#"{"q":"paid"}"#]);
    let err = support::stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert_eq!(support::stdout(&out), r#"{"data":"v1 content"}"#);
    assert!(err.contains(&format!("tx {FAKE_TX}")), "{err}");
    unpaid_then_paid(&server, "x-payment");
    let seen = server.requests();
    assert_eq!(seen[1].method, "POST");
    assert_eq!(seen[1].body, br#"{"q":"paid"}"#);
    let p = server.only_payment();
    assert!(p.verdict.ok(), "{:#?}", p.verdict.failures);
    assert_eq!(p.verdict.signer.unwrap().to_checksum(None), ANVIL1_ADDRESS);
    let doc = p.document.unwrap();
    assert_eq!(doc["x402Version"], 1);
    assert_eq!(doc["scheme"], "exact");
    assert_eq!(doc["network"], "base-sepolia");
}

/// `accepted` is the chosen option's JSON text as the server wrote it: unusual key order,
/// unknown keys, nested values, a second option chosen over an unpayable first one; and
/// `resource` and `extensions` come back unchanged.
#[test]
fn exit_0_v2_echoes_the_offered_option_byte_for_byte() {
    let unpayable = json!({
        "scheme": "exact", "network": "eip155:999999999", "amount": "1",
        "asset": BASE_SEPOLIA_USDC, "payTo": PAY_TO, "maxTimeoutSeconds": 60,
        "extra": {"name": "USDC", "version": "2"},
    });
    let odd: Value = serde_json::from_str(&format!(
        r#"{{"extra":{{"version":"2","name":"USDC","note":{{"z":[1,2.5,null,true],"a":"é ✓"}}}},"payTo":"{PAY_TO}","maxTimeoutSeconds":45,"asset":"{BASE_SEPOLIA_USDC}","amount":"2500","network":"eip155:84532","scheme":"exact","outputSchema":null}}"#
    ))
    .unwrap();
    let mut offer = Offer::v2().accepts(vec![unpayable, odd.clone()]);
    offer.resource = Some(json!({
        "url": "http://resource.example/item", "mimeType": "application/json",
        "description": "", "tags": ["b", "a"],
    }));
    offer.extensions = Some(json!({
        "bazaar": {"info": {"input": {"type": "http", "method": "GET"}}, "schema": {"type": "object"}},
    }));
    let server = Verifier::builder().paid("/odd", offer).start();
    let (env, pw) = Env::with_payer();
    let out = env.pay(&pw, &server.url("/odd"), &[]);
    support::assert_exit(&out, 0);
    let p = server.only_payment();
    assert!(p.verdict.ok(), "{:#?}", p.verdict.failures);
    assert_eq!(p.verdict.option, Some(1));
    assert_eq!(p.verdict.value.unwrap().to::<u64>(), 2500);
    assert!(p.text.unwrap().contains(&format!("\"accepted\":{odd}")));
}

#[test]
fn exit_0_free_route_and_unfailed_404() {
    let server = Verifier::builder()
        .plain("/free", 200, r#"{"free":true}"#)
        .plain("/missing", 404, r#"{"error":"not here"}"#)
        .start();
    let env = Env::new();
    let out = get(&env, &server.url("/free"), &[]);
    support::assert_exit(&out, 0);
    assert_eq!(support::stdout(&out), r#"{"free":true}"#);
    assert_eq!(support::stderr(&out), "");
    // Without -f a 404 is delivered like any answer, as curl does.
    let out = get(&env, &server.url("/missing"), &[]);
    support::assert_exit(&out, 0);
    assert_eq!(support::stdout(&out), r#"{"error":"not here"}"#);
    assert_eq!(server.requests().len(), 2);
    assert_eq!(server.payment_headers(), 0);
}

// ---------------------------------------------------------------------------------------------
// curl's codes

#[test]
fn exit_2_usage_errors_send_nothing() {
    let server = Verifier::builder().paid("/v2", Offer::v2()).start();
    let env = Env::new();
    let out = get(&env, &server.url("/v2"), &["--max-amount", "lots"]);
    assert_eq!(out.status.code(), Some(2));
    no_stdout(&out);
    let err = support::stderr(&out);
    assert!(err.contains("--max-amount"), "{err}");
    assert!(err.lines().next().unwrap().starts_with("error: "), "{err}");
    let out = get(&env, &server.url("/v2"), &["-H", "no colon here"]);
    error_line(&out, 2, "header 'no colon here' is not 'Name: value'");
    no_stdout(&out);
    // Seconds are parsed by clap, as --max-amount is: its usage error, exit 2.
    let out = get(&env, &server.url("/v2"), &["-m", "0"]);
    assert_eq!(out.status.code(), Some(2));
    let err = support::stderr(&out);
    assert!(
        err.starts_with("error: invalid value '0' for '--max-time <SECONDS>'")
            && err.contains("out of range"),
        "{err}"
    );
    assert_eq!(server.requests().len(), 0);
}

#[test]
fn exit_3_malformed_url() {
    let server = Verifier::builder().plain("/", 200, "{}").start();
    let env = Env::new();
    let out = get(&env, "http://[::1", &[]);
    error_line(&out, 3, "malformed URL 'http://[::1'");
    no_stdout(&out);
    let out = get(&env, &format!("ftp://{}/", server.addr), &[]);
    error_line(&out, 3, "unsupported URL scheme 'ftp'");
    no_stdout(&out);
    assert_eq!(server.requests().len(), 0);
}

#[test]
#[allow(clippy::print_stderr)] // the only way a skipped test can say that it was skipped
fn exit_6_unresolvable_host() {
    // Run inside a network namespace of its own (`unshare -n` as root, `unshare -rn` in a user
    // namespace otherwise: no interface but a loopback that is down), so the name lookup fails
    // at once and no packet can leave the machine. Where neither is permitted the test says so
    // and checks nothing.
    let Some(flags) = ["-n", "-rn"].into_iter().find(|flags| {
        std::process::Command::new("unshare")
            .args([flags, "true"])
            .status()
            .is_ok_and(|s| s.success())
    }) else {
        eprintln!(
            "exit_6_unresolvable_host: skipped, `unshare` may not make a network namespace here"
        );
        return;
    };
    let env = Env::new();
    let base = env.x402_std();
    let mut cmd = std::process::Command::new("unshare");
    cmd.arg(flags).arg(base.get_program()).env_clear();
    for (key, value) in base.get_envs() {
        if let Some(value) = value {
            cmd.env(key, value);
        }
    }
    cmd.current_dir(base.get_current_dir().unwrap());
    let out = cmd
        .args(["get", "http://no-such-host.invalid/"])
        .output()
        .unwrap();
    let line = error_line(&out, 6, "could not resolve the host");
    assert!(line.contains("no-such-host.invalid"), "{line}");
    no_stdout(&out);
}

#[test]
fn exit_7_connection_refused() {
    // A port that was just free: bound, then released.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = get(&Env::new(), &format!("http://127.0.0.1:{port}/"), &[]);
    error_line(
        &out,
        7,
        &format!("could not connect to 127.0.0.1:{port}: connection refused"),
    );
    no_stdout(&out);
}

#[test]
fn exit_22_fail_on_http_error() {
    let server = Verifier::builder()
        .plain("/missing", 404, r#"{"error":"not here"}"#)
        .start();
    let env = Env::new();
    let out = get(&env, &server.url("/missing"), &["-f"]);
    error_line(&out, 22, "HTTP 404 Not Found");
    no_stdout(&out);
    let out = get(&env, &server.url("/missing"), &["--fail-with-body"]);
    error_line(&out, 22, "HTTP 404 Not Found");
    assert_eq!(support::stdout(&out), r#"{"error":"not here"}"#);
    assert_eq!(server.payment_headers(), 0);
}

#[test]
fn exit_23_write_errors() {
    let server = Verifier::builder().plain("/free", 200, "{}").start();
    let env = Env::new();
    let missing = env.path("no-such-dir").join("out.json");
    let out = get(
        &env,
        &server.url("/free"),
        &["-o", missing.to_str().unwrap()],
    );
    error_line(&out, 23, "cannot write");
    no_stdout(&out);
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = env
        .x402_std()
        .args(["get", &server.url("/free")])
        .stdout(full)
        .output()
        .unwrap();
    error_line(&out, 23, "cannot write");
}

#[test]
fn exit_28_max_time_bounds_a_stalling_server() {
    let server = Verifier::builder()
        .misbehave("/stall", Misbehave::Stall)
        .start();
    let started = Instant::now();
    let out = get(&Env::new(), &server.url("/stall"), &["-m", "0.5"]);
    error_line(&out, 28, "timed out");
    no_stdout(&out);
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(server.requests().len(), 1);
    assert_eq!(server.payment_headers(), 0);
}

#[test]
fn exit_35_tls_to_a_plain_http_server() {
    let server = Verifier::builder().plain("/", 200, "{}").start();
    let out = get(&Env::new(), &format!("https://{}/", server.addr), &[]);
    // rustls reads the server's "HTTP/1.1 400" as a corrupt TLS record.
    error_line(&out, 35, "the TLS handshake failed");
    no_stdout(&out);
    assert_eq!(server.requests().len(), 0);
}

#[test]
fn exit_52_empty_reply() {
    let server = Verifier::builder()
        .misbehave("/empty", Misbehave::Close)
        .start();
    let out = get(&Env::new(), &server.url("/empty"), &[]);
    error_line(
        &out,
        52,
        "the server closed the connection without replying",
    );
    no_stdout(&out);
    assert_eq!(server.requests().len(), 1);
    assert_eq!(server.payment_headers(), 0);
}

#[test]
fn exit_56_body_cut_short() {
    let server = Verifier::builder()
        .misbehave("/truncated", Misbehave::Truncate)
        .misbehave("/reset", Misbehave::ResetMidBody)
        .start();
    let env = Env::new();
    for path in ["/truncated", "/reset"] {
        let out = get(&env, &server.url(path), &[]);
        error_line(&out, 56, "the connection failed while receiving data");
        // The body is streamed: what arrived before the cut was written, as curl writes it
        // (after a reset the kernel may have dropped those bytes unread).
        assert!(
            b"0123456789".starts_with(&out.stdout),
            "{path}: {}",
            support::stdout(&out)
        );
    }
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn exit_60_self_signed_certificate() {
    let server = Verifier::builder()
        .plain(ANY, 200, r#"{"over":"tls"}"#)
        .tls()
        .start();
    let env = Env::new();
    let out = get(&env, &server.url("/"), &[]);
    error_line(&out, 60, "certificate could not be verified");
    no_stdout(&out);
    assert_eq!(server.requests().len(), 0);
    // The same server with -k: so 60 is about the certificate, not the connection.
    let out = get(&env, &server.url("/"), &["-k"]);
    support::assert_exit(&out, 0);
    assert_eq!(support::stdout(&out), r#"{"over":"tls"}"#);
    assert_eq!(server.requests().len(), 1);
}

// ---------------------------------------------------------------------------------------------
// Payment outcomes

#[test]
fn exit_110_declined_off_a_terminal() {
    let server = Verifier::builder().paid("/v2", Offer::v2()).start();
    let (env, _) = Env::with_payer();
    let out = get(&env, &server.url("/v2"), &[]);
    error_line(&out, 110, "not paying 0.001 USDC without confirmation");
    assert!(support::stderr(&out).contains("--yes"));
    no_stdout(&out);
    only_unpaid_request(&server);
}

#[test]
fn exit_111_over_the_cap() {
    let server = Verifier::builder()
        .paid("/dear", Offer::v2().accepts(vec![v2_option("500000")]))
        .paid("/cheap", Offer::v1())
        .start();
    // No account at all: the cap is checked before any keystore is looked for.
    let env = Env::new();
    let out = get(&env, &server.url("/dear"), &["--yes"]);
    error_line(
        &out,
        111,
        "0.50 USDC is above the per-payment cap of 0.10 USDC",
    );
    no_stdout(&out);
    let out = get(
        &env,
        &server.url("/cheap"),
        &["--yes", "--max-amount", "0.0005"],
    );
    error_line(&out, 111, "0.001 USDC is above the per-payment cap");
    assert_eq!(server.requests().len(), 2);
    assert_eq!(server.payment_headers(), 0);
}

#[test]
fn exit_112_no_acceptable_option() {
    let mut upto = v2_option("1000");
    upto["scheme"] = json!("upto");
    let mut solana = v2_option("1000");
    solana["network"] = json!("solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1");
    let mut unknown_token = v2_option("1000");
    unknown_token["asset"] = json!("0x1111111111111111111111111111111111111111");
    let mut v1_unknown_net = v1_option("1000");
    v1_unknown_net["network"] = json!("no-such-chain");
    let server = Verifier::builder()
        .paid(
            "/v2",
            Offer::v2().accepts(vec![upto, solana, unknown_token]),
        )
        .paid("/v1", Offer::v1().accepts(vec![v1_unknown_net]))
        .start();
    let (env, pw) = Env::with_payer();
    let out = env.pay(&pw, &server.url("/v2"), &[]);
    let line = error_line(&out, 112, "no payable option in the 402");
    for why in [
        "option 1: the upto option names no facilitator",
        "option 2: the option breaks the protocol: payTo must be a base58 solana address",
        "option 3: asset",
    ] {
        assert!(line.contains(why), "{why:?} not in {line}");
    }
    no_stdout(&out);
    let out = env.pay(&pw, &server.url("/v1"), &[]);
    error_line(&out, 112, "no-such-chain");
    assert_eq!(server.requests().len(), 2);
    assert_eq!(server.payment_headers(), 0);
}

#[test]
fn exit_114_payment_rejected() {
    let server = Verifier::builder()
        .paid(
            "/v2-reject",
            Offer::v2().answer(Answer::Reject(
                "invalid_exact_evm_payload_recipient_mismatch".into(),
            )),
        )
        .paid(
            "/v2-settle",
            Offer::v2().answer(Answer::SettleFail("invalid_transaction_state".into())),
        )
        .paid(
            "/v1-reject",
            Offer::v1().answer(Answer::Reject("invalid_exact_evm_payload_signature".into())),
        )
        .start();
    let (env, pw) = Env::with_payer();
    for (path, reason) in [
        ("/v2-reject", "invalid_exact_evm_payload_recipient_mismatch"),
        ("/v2-settle", "invalid_transaction_state"),
        ("/v1-reject", "invalid_exact_evm_payload_signature"),
    ] {
        let before = server.payment_headers();
        let out = env.pay(&pw, &server.url(path), &[]);
        error_line(
            &out,
            114,
            &format!("the server rejected the payment: {reason}"),
        );
        no_stdout(&out);
        assert_eq!(server.payment_headers(), before + 1, "{path}");
        let p = server.payments().pop().unwrap();
        assert!(p.verdict.ok(), "{path}: {:#?}", p.verdict.failures);
    }
    assert_eq!(server.requests().len(), 6);
}

/// The payment went out and no usable answer came back: the connection dropped, the handler
/// failed with no receipt, or the paid request stalled past `-m` (which is not a plain 28:
/// money may have moved). Never retried: exactly one payment header each time.
#[test]
fn exit_115_outcome_unknown_names_the_nonce() {
    let server = Verifier::builder()
        .paid("/dropped", Offer::v2().answer(Answer::Drop))
        .paid("/broken", Offer::v1().answer(Answer::ServerError))
        .paid("/stalled", Offer::v2().answer(Answer::Stall))
        .start();
    let (env, pw) = Env::with_payer();
    let receipt = env.path("receipt.json");
    for path in ["/dropped", "/broken", "/stalled"] {
        let before = server.payment_headers();
        let started = Instant::now();
        let out = env.pay(
            &pw,
            &server.url(path),
            &["-m", "1", "--receipt", receipt.to_str().unwrap()],
        );
        assert!(started.elapsed() < Duration::from_secs(10), "{path}");
        assert_eq!(server.payment_headers(), before + 1, "{path}");
        let p = server.payments().pop().unwrap();
        assert!(p.verdict.ok(), "{path}: {:#?}", p.verdict.failures);
        let nonce = p.verdict.nonce.unwrap();
        let line = error_line(&out, 115, &format!("nonce {nonce}"));
        assert!(line.contains("may have settled"), "{line}");
        if path == "/broken" {
            // The 500's body is delivered, as curl would.
            assert_eq!(support::stdout(&out), "handler failed");
        } else {
            no_stdout(&out);
        }
        let r: Value = serde_json::from_slice(&std::fs::read(&receipt).unwrap()).unwrap();
        assert_eq!(r["status"], "unknown", "{path}");
        assert_eq!(r["nonce"].as_str(), Some(nonce.as_str()), "{path}");
    }
    assert_eq!(server.requests().len(), 6);
}

#[test]
fn exit_116_wrong_password() {
    let server = Verifier::builder().paid("/v2", Offer::v2()).start();
    let (env, _) = Env::with_payer();
    let wrong = env.password_file("not the password");
    let out = env.pay(&wrong, &server.url("/v2"), &[]);
    error_line(&out, 116, "wrong password");
    no_stdout(&out);
    only_unpaid_request(&server);
}

#[test]
fn a_known_token_without_eip712_extra_is_signed_with_its_own_domain() {
    // `extra` missing entirely: the network table supplies USDC's domain ("USDC", "2"); the
    // verifier checks the signature against that domain and the echoed option byte for byte.
    let mut option = v2_option("1000");
    option.as_object_mut().unwrap().remove("extra");
    let server = Verifier::builder()
        .paid("/plain", Offer::v2().accepts(vec![option]))
        .start();
    let (env, pw) = Env::with_payer();
    let out = env.run(&["inspect", &server.url("/plain")]);
    let err = support::stderr(&out);
    let text = format!("{}{err}", support::stdout(&out));
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("extra.name is missing"), "{text}");
    assert!(text.contains("the known token's is used"), "{text}");
    assert_eq!(server.payment_headers(), 0);

    let out = env.pay(&pw, &server.url("/plain"), &[]);
    let err = support::stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let p = server.only_payment();
    assert!(p.verdict.ok(), "{:#?}", p.verdict.failures);
    assert_eq!(p.verdict.signer.unwrap().to_checksum(None), ANVIL1_ADDRESS);
    assert!(p.document.unwrap()["accepted"].get("extra").is_none());
}

// ---------------------------------------------------------------------------------------------
// curl's request and output flags

/// `get URL EXTRA…` with `stdin` as its standard input.
fn get_with_stdin(env: &Env, url: &str, extra: &[&str], stdin: &[u8]) -> Output {
    env.x402()
        .args(["get", url])
        .args(extra)
        .write_stdin(stdin)
        .output()
        .unwrap()
}

/// The one request a free route received: its method, body and Content-Type.
fn only_request(server: &Verifier) -> support::verifier::Seen {
    let mut seen = server.requests();
    assert_eq!(seen.len(), 1, "{seen:#?}");
    seen.remove(0)
}

#[test]
fn data_flags_build_the_body_as_curl_does() {
    let form = "application/x-www-form-urlencoded";
    let env = Env::new();
    let file = env.path("body.txt");
    std::fs::write(&file, "a=1\nb=2\r\nc=3\n").unwrap();
    let at_file = format!("@{}", file.display());
    for (args, stdin, body) in [
        // -d @FILE: CR and LF removed, as curl does.
        (vec!["-d", at_file.as_str()], "", "a=1b=2c=3"),
        // -d @-: the same, from stdin.
        (vec!["-d", "@-"], "q=1\nr=2\n", "q=1r=2"),
        // --data-binary keeps every byte.
        (
            vec!["--data-binary", at_file.as_str()],
            "",
            "a=1\nb=2\r\nc=3\n",
        ),
        (vec!["--data-binary", "@-"], "x\r\ny\n", "x\r\ny\n"),
        // Several pieces are joined with '&' in command-line order, whichever flag gave them.
        (vec!["-d", "a=1", "-d", "b=2"], "", "a=1&b=2"),
        (vec!["--data-binary", "x y", "-d", "z"], "", "x y&z"),
        (vec!["-d", "z", "--data-binary", "x y"], "", "z&x y"),
        (
            vec![
                "--data-binary",
                "1",
                "-d",
                "2",
                "--data-binary",
                "3",
                "-d",
                "4",
            ],
            "",
            "1&2&3&4",
        ),
        (
            vec!["--data-binary", "@-", "-d", at_file.as_str()],
            "in\n",
            "in\n&a=1b=2c=3",
        ),
    ] {
        let server = Verifier::builder().plain("/echo", 200, "{}").start();
        let out = get_with_stdin(&env, &server.url("/echo"), &args, stdin.as_bytes());
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            support::stderr(&out)
        );
        let seen = only_request(&server);
        assert_eq!(seen.method, "POST", "{args:?}");
        assert_eq!(String::from_utf8_lossy(&seen.body), body, "{args:?}");
        assert_eq!(seen.header("content-type"), Some(form), "{args:?}");
    }
    // An unreadable @FILE is a usage error, and nothing is sent.
    let server = Verifier::builder().plain("/echo", 200, "{}").start();
    let missing = env.path("missing.txt");
    let out = get(
        &env,
        &server.url("/echo"),
        &["-d", &format!("@{}", missing.display())],
    );
    error_line(
        &out,
        2,
        &format!("cannot read the body from {}", missing.display()),
    );
    assert_eq!(server.requests().len(), 0);
}

#[test]
fn request_method_and_headers() {
    let server = Verifier::builder().plain("/r", 200, "{}").start();
    let env = Env::new();
    for (args, method, body) in [
        (vec!["-X", "PUT"], "PUT", ""),
        (vec!["-X", "DELETE", "-d", "id=7"], "DELETE", "id=7"),
        (
            vec!["--request", "PATCH", "--json", r#"{"a":1}"#],
            "PATCH",
            r#"{"a":1}"#,
        ),
        (vec![], "GET", ""),
    ] {
        let before = server.requests().len();
        let out = get(&env, &server.url("/r"), &args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            support::stderr(&out)
        );
        let seen = &server.requests()[before];
        assert_eq!(seen.method, method, "{args:?}");
        assert_eq!(String::from_utf8_lossy(&seen.body), body, "{args:?}");
    }
    // -H adds, replaces and (with "Name:") removes a header.
    let before = server.requests().len();
    let out = get(
        &env,
        &server.url("/r"),
        &[
            "-H",
            "X-Trace: t-1",
            "-H",
            "Accept: text/plain",
            "-H",
            "User-Agent:",
        ],
    );
    support::assert_exit(&out, 0);
    let seen = &server.requests()[before];
    assert_eq!(seen.header("x-trace"), Some("t-1"));
    assert_eq!(seen.header("accept"), Some("text/plain"));
    assert_eq!(
        seen.headers.iter().filter(|(n, _)| n == "accept").count(),
        1
    );
    assert_eq!(server.payment_headers(), 0);
}

#[test]
fn include_head_and_output_file() {
    let server = Verifier::builder()
        .plain("/doc", 200, r#"{"doc":1}"#)
        .start();
    let env = Env::new();
    // -i: the status line and headers, a blank line, then the body.
    let out = get(&env, &server.url("/doc"), &["-i"]);
    support::assert_exit(&out, 0);
    assert_eq!(
        support::stdout(&out),
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 9\r\n\r\n{\"doc\":1}"
    );
    // -I: a HEAD request, and the head only.
    let out = get(&env, &server.url("/doc"), &["-I"]);
    support::assert_exit(&out, 0);
    assert_eq!(
        support::stdout(&out),
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 9\r\n\r\n"
    );
    // -o FILE: the body in the file, nothing on stdout or stderr.
    let file = env.path("doc.json");
    let out = get(&env, &server.url("/doc"), &["-o", file.to_str().unwrap()]);
    support::assert_exit(&out, 0);
    no_stdout(&out);
    assert_eq!(support::stderr(&out), "");
    assert_eq!(std::fs::read(&file).unwrap(), br#"{"doc":1}"#);
    let methods: Vec<String> = server.requests().into_iter().map(|s| s.method).collect();
    assert_eq!(methods, ["GET", "HEAD", "GET"]);
}

/// `-i` shows the headers as the client received them: names in lower case, each name in the
/// order it first came, a repeated name's values together in the order sent (the order of the
/// `HeaderMap` they are kept in), values byte for byte.
#[test]
fn include_shows_repeated_headers_as_received() {
    let headers = [
        ("X-Second", "b1"),
        ("Set-Cookie", "a=1; Path=/"),
        ("X-Second", "b2"),
        ("Set-Cookie", "b=2"),
        ("X-Mixed-Case", "Value  With  Spaces"),
    ];
    let server = Verifier::builder()
        .plain_with("/doc", 200, &headers, "ok")
        .start();
    let env = Env::new();
    let out = get(&env, &server.url("/doc"), &["-i"]);
    support::assert_exit(&out, 0);
    assert_eq!(
        support::stdout(&out),
        "HTTP/1.1 200 OK\r\nx-second: b1\r\nx-second: b2\r\nset-cookie: a=1; Path=/\r\n\
         set-cookie: b=2\r\nx-mixed-case: Value  With  Spaces\r\ncontent-length: 2\r\n\r\nok"
    );
}

/// A listener whose accept queue is full: the kernel drops further SYNs, so a connection
/// attempt neither succeeds nor is refused until it gives up.
#[test]
fn connect_timeout_bounds_a_connection_that_never_completes() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let addr = socket.local_addr().unwrap();
    let _listener = rt.block_on(async { socket.listen(0) }).unwrap();
    // Fill the queue (never accepted) until a connection attempt hangs.
    let mut held = Vec::new();
    loop {
        match std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(300)) {
            Ok(s) => held.push(s),
            Err(_) => break,
        }
        assert!(held.len() < 64, "the accept queue never filled");
    }
    let started = Instant::now();
    let out = get(
        &Env::new(),
        &format!("http://{addr}/"),
        &["--connect-timeout", "0.5"],
    );
    let elapsed = started.elapsed();
    error_line(&out, 28, "timed out");
    no_stdout(&out);
    assert!(
        elapsed >= Duration::from_millis(400) && elapsed < Duration::from_secs(5),
        "{elapsed:?}"
    );
}

/// The paid retry is the unpaid request again, headers included, plus the payment header.
#[test]
fn the_paid_retry_repeats_method_headers_and_body() {
    let server = Verifier::builder().paid("/v2", Offer::v2()).start();
    let (env, pw) = Env::with_payer();
    let out = env.pay(
        &pw,
        &server.url("/v2"),
        &[
            "-X",
            "PUT",
            "-H",
            "X-Trace: t-42",
            "-H",
            "Authorization: Bearer abc",
            "-A",
            "agent/1",
            "--data-binary",
            "x y",
            "-d",
            "z",
        ],
    );
    support::assert_exit(&out, 0);
    unpaid_then_paid(&server, "payment-signature");
    let seen = server.requests();
    let without_payment = |s: &support::verifier::Seen| -> Vec<(String, String)> {
        let mut h: Vec<_> = s
            .headers
            .iter()
            .filter(|(n, _)| n != "payment-signature")
            .cloned()
            .collect();
        h.sort();
        h
    };
    assert_eq!(without_payment(&seen[0]), without_payment(&seen[1]));
    for s in &seen {
        assert_eq!(s.method, "PUT");
        assert_eq!(s.body, b"x y&z");
        assert_eq!(s.header("x-trace"), Some("t-42"));
        assert_eq!(s.header("authorization"), Some("Bearer abc"));
        assert_eq!(s.header("user-agent"), Some("agent/1"));
    }
    assert!(server.only_payment().verdict.ok());
}

// ---------------------------------------------------------------------------------------------
// What a paid call says on stderr

/// The whole conversation of a paid call on stderr: the quote, then the settlement with the
/// network's explorer link when it has one (built in for Base Sepolia; `explorer_tx` for a
/// custom network). Nothing else: in particular no plain-http warning for 127.0.0.1.
#[test]
fn the_settlement_report_links_the_explorer_where_there_is_one() {
    let token = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
    let on = |network: &str| {
        let mut o = v2_option("1000");
        o["network"] = json!(network);
        o["asset"] = json!(token);
        o
    };
    let server = Verifier::builder()
        .paid("/base-sepolia", Offer::v2())
        .paid("/devchain", Offer::v2().accepts(vec![on("eip155:31337")]))
        .paid("/linked", Offer::v2().accepts(vec![on("eip155:31338")]))
        .start();
    let (env, pw) = Env::with_payer();
    let asset = |network: &str| {
        format!(
            "[[assets]]\nnetwork = \"{network}\"\naddress = \"{token}\"\nsymbol = \"USDC\"\n\
             decimals = 6\neip712_name = \"USDC\"\neip712_version = \"2\"\n\n"
        )
    };
    env.write_config(&format!(
        "default_account = \"payer\"\n\n[networks.devchain]\nchain_id = 31337\n\n\
         [networks.linked]\nchain_id = 31338\nexplorer_tx = \"http://explorer.test/tx/{{tx}}\"\n\n{}{}",
        asset("devchain"),
        asset("linked")
    ));
    for (path, network, link) in [
        (
            "/base-sepolia",
            "base-sepolia (eip155:84532)",
            format!("  https://sepolia.basescan.org/tx/{FAKE_TX}"),
        ),
        ("/devchain", "devchain (eip155:31337)", String::new()),
        (
            "/linked",
            "linked (eip155:31338)",
            format!("  http://explorer.test/tx/{FAKE_TX}"),
        ),
    ] {
        let url = server.url(path);
        let out = env.pay(&pw, &url, &[]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{path}: {}",
            support::stderr(&out)
        );
        let name = network.split(' ').next().unwrap();
        assert_eq!(
            support::stderr(&out),
            format!(
                "{url} asks 0.001 USDC on {network} (x402 v2)\n  pay to    {PAY_TO}\n  from      \
                 'payer' {ANVIL1_ADDRESS}\n  for       a paid test route\npaid 0.001 USDC on {name} to {PAY_TO}  tx {FAKE_TX}{link}\n"
            ),
            "{path}"
        );
        assert_eq!(support::stdout(&out), r#"{"paid":true}"#);
        assert!(server.payments().pop().unwrap().verdict.ok(), "{path}");
    }
    assert_eq!(server.payment_headers(), 3);
}

/// A v2 402 whose only option moves the token by Permit2 (USDC, which could also move by
/// EIP-3009, and MegaUSD, which moves only by Permit2): `inspect` shows it payable with its
/// price. (Paying Permit2 against the official server and facilitator: tests/permit2.rs.)
#[test]
fn inspect_shows_a_permit2_offer_payable() {
    let mut usdc = v2_option("1000");
    usdc["extra"] = json!({"name": "USDC", "version": "2", "assetTransferMethod": "permit2"});
    let megausd = "0xFAfDdbb3FC7688494971a79cc65DCa3EF82079E7";
    let mega = json!({
        "scheme": "exact", "network": "eip155:4326", "amount": "1000000000000000",
        "asset": megausd, "payTo": PAY_TO, "maxTimeoutSeconds": 60,
        "extra": {"name": "MegaUSD", "version": "1", "assetTransferMethod": "permit2"},
    });
    let server = Verifier::builder()
        .paid("/usdc", Offer::v2().accepts(vec![usdc]))
        .paid("/megausd", Offer::v2().accepts(vec![mega]))
        .start();
    let env = Env::new();
    for (path, network, amount, asset, extra, price, name) in [
        (
            "/usdc",
            "base-sepolia (eip155:84532)",
            "0.001 USDC (1000 base units)",
            format!("USDC {BASE_SEPOLIA_USDC}"),
            r#"{"name":"USDC","version":"2","assetTransferMethod":"permit2"}"#,
            "0.001 USDC",
            "base-sepolia",
        ),
        (
            "/megausd",
            "megaeth (eip155:4326)",
            "0.001 MegaUSD (1000000000000000 base units)",
            format!("MegaUSD {megausd}"),
            r#"{"name":"MegaUSD","version":"1","assetTransferMethod":"permit2"}"#,
            "0.001 MegaUSD",
            "megaeth",
        ),
    ] {
        let symbol = price.rsplit(' ').next().unwrap();
        let cap = format!("{price} is within the per-payment cap of 0.10 {symbol} (the default)");
        let url = server.url(path);
        let out = env.run(&["inspect", &url]);
        support::assert_exit(&out, 0);
        assert_eq!(
            support::stdout(&out),
            format!(
                "x402 v2 payment required, terms in the PAYMENT-REQUIRED header\n\
                 url        {url}\n\
                 resource   {url}\n\
                 \x20          a paid test route\n\
                 \x20          application/json\n\
                 message    Payment required\n\
                 \n\
                 option 1   x402 get would pay this one\n\
                 \x20 scheme   exact\n\
                 \x20 network  {network}\n\
                 \x20 amount   {amount}\n\
                 \x20 asset    {asset}\n\
                 \x20 pay to   {PAY_TO}\n\
                 \x20 timeout  60 s\n\
                 \x20 extra    {extra}\n\
                 \n\
                 choice     option 1, {price} on {name}: the server's first payable option\n\
                 cap        {cap}\n\
                 payer      none: no default EVM account; create one with x402 wallet new \
                 NAME, or pay with x402 get --account NAME\n\
                 departures none found\n"
            ),
            "{path}"
        );
        assert_eq!(support::stderr(&out), "", "{path}");
        let out = env.run(&["inspect", &url, "--json"]);
        let data = support::json_data(&out);
        let o = &data["options"][0];
        assert_eq!(o["payable"], true, "{path}");
        assert_eq!(o["reason"], Value::Null, "{path}");
        assert_eq!(o["amount_is_maximum"], false, "{path}");
        assert_eq!(o["extra"]["assetTransferMethod"], "permit2", "{path}");
        assert_eq!(data["chosen"], 0, "{path}");
        assert_eq!(data["departures"], json!([]), "{path}");
    }
}

// ---------------------------------------------------------------------------------------------
// Large bodies: streamed to stdout or -o, never held whole in memory

const MIB: u64 = 1024 * 1024;

/// Length and lowercase hex SHA-256 of `bytes`, so a mismatch does not print 64 MiB.
fn digest(bytes: &[u8]) -> (u64, String) {
    use sha2::Digest as _;
    (
        bytes.len() as u64,
        alloy_primitives::hex::encode(sha2::Sha256::digest(bytes)),
    )
}

/// What a generated body of `len` bytes should arrive as.
fn expected(len: u64) -> (u64, String) {
    (len, pattern_sha256(len))
}

/// The names in `dir` that look like a temporary file of an interrupted `-o` (`.NAME.*.tmp`).
fn leftovers(dir: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.') && n.ends_with(".tmp"))
        .collect()
}

/// 64 MiB, generated as it is sent, from a free and from a paid route, to stdout and to a
/// file: every byte arrives, in order. (Memory is tests/bench/large-body.sh's business.)
#[test]
fn a_large_body_arrives_intact_on_stdout_and_with_o() {
    let big = Generated::new(64 * MIB);
    let server = Verifier::builder()
        .generated("/big", big)
        .paid("/paid-big", Offer::v2().generated(big))
        .paid("/paid-big-file", Offer::v2().generated(big))
        .start();
    let want = expected(64 * MIB);
    let (env, pw) = Env::with_payer();

    let out = get(&env, &server.url("/big"), &[]);
    support::assert_exit(&out, 0);
    assert_eq!(digest(&out.stdout), want);
    let file = env.path("big.bin");
    let out = get(&env, &server.url("/big"), &["-o", file.to_str().unwrap()]);
    support::assert_exit(&out, 0);
    no_stdout(&out);
    assert_eq!(digest(&std::fs::read(&file).unwrap()), want);

    let out = env.pay(&pw, &server.url("/paid-big"), &[]);
    support::assert_exit(&out, 0);
    assert_eq!(digest(&out.stdout), want);
    assert!(
        support::stderr(&out).contains(&format!("paid 0.001 USDC on base-sepolia to {PAY_TO}")),
        "{}",
        support::stderr(&out)
    );
    let file = env.path("paid-big.bin");
    let out = env.pay(
        &pw,
        &server.url("/paid-big-file"),
        &["-o", file.to_str().unwrap()],
    );
    support::assert_exit(&out, 0);
    no_stdout(&out);
    assert_eq!(digest(&std::fs::read(&file).unwrap()), want);

    assert_eq!(server.payment_headers(), 2);
    assert!(server.payments().iter().all(|p| p.verdict.ok()));
    assert_eq!(leftovers(&env.path("")), Vec::<String>::new());
}

/// The paid answer's head says the payment settled; its body breaks off after 3 MiB. The
/// settlement stands (journal and receipt), the bytes that came are on stdout, the exit is 56,
/// and with -o the file that was there before is left as it was.
#[test]
fn exit_56_a_paid_body_cut_short_midway_leaves_the_payment_settled() {
    let cut = Generated::new(16 * MIB).close_at(3 * MIB);
    let server = Verifier::builder()
        .paid("/cut", Offer::v2().generated(cut))
        .paid("/cut-file", Offer::v2().generated(cut))
        .start();
    let (env, pw) = Env::with_payer();
    let receipt = env.path("receipt.json");
    let file = env.path("cut.bin");
    std::fs::write(&file, "what was there before").unwrap();

    for (path, output) in [("/cut", None), ("/cut-file", Some(&file))] {
        let mut extra = vec!["--receipt", receipt.to_str().unwrap()];
        if let Some(f) = output {
            extra.extend(["-o", f.to_str().unwrap()]);
        }
        let out = env.pay(&pw, &server.url(path), &extra);
        error_line(&out, 56, "the connection failed while receiving data");
        let err = support::stderr(&out);
        assert!(
            err.contains("paid 0.001 USDC") && err.contains(FAKE_TX),
            "{err}"
        );
        match output {
            None => assert_eq!(digest(&out.stdout), expected(3 * MIB), "{path}"),
            Some(f) => {
                no_stdout(&out);
                assert_eq!(std::fs::read_to_string(f).unwrap(), "what was there before");
            }
        }
        let nonce = server.payments().pop().unwrap().verdict.nonce.unwrap();
        let r: Value = serde_json::from_slice(&std::fs::read(&receipt).unwrap()).unwrap();
        assert_eq!(r["status"], "paid", "{path}: {r}");
        assert_eq!(r["transaction"], FAKE_TX, "{path}");
        assert_eq!(r["nonce"].as_str(), Some(nonce.as_str()), "{path}");
    }
    let out = env.run(&["history", "--json"]);
    let payments = support::json_data(&out)["payments"].clone();
    let payments = payments.as_array().unwrap();
    assert_eq!(payments.len(), 2, "{payments:#?}");
    for p in payments {
        assert_eq!(p["status"], "settled", "{p}");
        assert_eq!(p["transaction"], FAKE_TX, "{p}");
    }
    assert_eq!(server.payment_headers(), 2);
    assert_eq!(leftovers(&env.path("")), Vec::<String>::new());
}

/// `-m` bounds the whole transfer, the body included: a body that stops coming is given up
/// on (28), after what came was written; with -o, no file is left.
#[test]
fn exit_28_max_time_bounds_a_body_that_stalls_midway() {
    let server = Verifier::builder()
        .generated("/slow", Generated::new(MIB).stall_at(1000))
        .start();
    let env = Env::new();
    let started = Instant::now();
    let out = get(&env, &server.url("/slow"), &["-m", "1"]);
    error_line(&out, 28, "timed out");
    assert_eq!(out.stdout, pattern()[..1000]);
    assert!(started.elapsed() < Duration::from_secs(5));
    let file = env.path("slow.bin");
    let out = get(
        &env,
        &server.url("/slow"),
        &["-m", "1", "-o", file.to_str().unwrap()],
    );
    error_line(&out, 28, "timed out");
    assert!(!file.exists());
    assert_eq!(leftovers(&env.path("")), Vec::<String>::new());
}

/// A reader that leaves early (`x402 get URL | head -c N`) ends the transfer quietly, as now.
#[test]
fn a_reader_that_leaves_midway_ends_the_transfer_quietly() {
    use std::io::Read as _;
    let server = Verifier::builder()
        .generated("/big", Generated::new(64 * MIB))
        .start();
    let env = Env::new();
    let mut child = env
        .x402_std()
        .args(["get", &server.url("/big")])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Half a MiB is read, then the pipe is closed.
    let mut first = vec![0u8; 512 * 1024];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    assert_eq!(first, pattern()[..first.len()]);
    let out = child.wait_with_output().unwrap();
    support::assert_exit(&out, 0);
    assert_eq!(support::stderr(&out), "");
}

/// `-o FILE` is replaced only by a complete transfer: the body goes to a temporary file beside
/// it, renamed over FILE at the end and removed on failure.
#[test]
fn o_replaces_the_file_only_when_the_transfer_completes() {
    use std::os::unix::fs::{FileTypeExt as _, PermissionsExt as _};
    let server = Verifier::builder()
        .plain("/doc", 200, r#"{"doc":1}"#)
        .plain("/missing", 404, r#"{"error":"not here"}"#)
        .generated("/cut", Generated::new(MIB).close_at(100_000))
        .start();
    let env = Env::new();
    let dir = env.path("");
    let file = env.path("out.json");
    let arg = file.to_str().unwrap();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o7777;
    std::fs::write(&file, "before").unwrap();

    // Cut short: 56, and the file as it was.
    let out = get(&env, &server.url("/cut"), &["-o", arg]);
    error_line(&out, 56, "the connection failed while receiving data");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "before");
    // -f on an HTTP error: nothing is written, so the file is not touched (curl neither).
    let out = get(&env, &server.url("/missing"), &["-f", "-o", arg]);
    error_line(&out, 22, "HTTP 404 Not Found");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "before");
    // --fail-with-body: the body is the output, complete, so it replaces the file.
    let out = get(
        &env,
        &server.url("/missing"),
        &["--fail-with-body", "-o", arg],
    );
    error_line(&out, 22, "HTTP 404 Not Found");
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        r#"{"error":"not here"}"#
    );
    // A complete body replaces the file, which keeps its permission bits.
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = get(&env, &server.url("/doc"), &["-o", arg]);
    support::assert_exit(&out, 0);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), r#"{"doc":1}"#);
    assert_eq!(mode(&file), 0o600);
    // A new file gets the mode any new file of the user gets (the umask's), not 0600.
    let fresh = env.path("fresh.json");
    let out = get(&env, &server.url("/doc"), &["-o", fresh.to_str().unwrap()]);
    support::assert_exit(&out, 0);
    let reference = env.path("reference");
    std::fs::write(&reference, "").unwrap();
    assert_eq!(mode(&fresh), mode(&reference));
    // A symbolic link is written through: the file it points to is replaced, the link stays.
    let real = env.path("real.json");
    let link = env.path("link.json");
    std::fs::write(&real, "old").unwrap();
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let out = get(&env, &server.url("/doc"), &["-o", link.to_str().unwrap()]);
    support::assert_exit(&out, 0);
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read_to_string(&real).unwrap(), r#"{"doc":1}"#);
    // Not a regular file (a device): written in place, never renamed over.
    let out = get(&env, &server.url("/doc"), &["-o", "/dev/null"]);
    support::assert_exit(&out, 0);
    assert!(
        std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device()
    );

    assert_eq!(leftovers(&dir), Vec::<String>::new());
}
