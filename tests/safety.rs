//! Money safety: the payment journal, `x402 history` and `history check`, the daily budget under
//! concurrency, never paying twice (unknown outcomes, `--retry`, repeated requests), redirects,
//! pinned terms, size bounds and `-s`/`-S`.
//!
//! The test server on 127.0.0.1 (`support::verifier`, set up as [`Scripted`] below) records
//! every request it receives and checks every payment, so each test can assert exactly how
//! many payment headers left the tool, and what they were.

use crate::support::verifier::{ANY, Answer, FAKE_TX, Offer, Reply, Seen, Verifier, v2_option};
use crate::support::{self, Env, json_data, localnet};
use base64::Engine as _;
use serde_json::{Value, json};
use std::sync::Mutex;

/// Base Sepolia's USDC: a built-in asset, so the scripted server needs no config.
const USDC: &str = "0x036CbD53842c5426634e7929541eC2318f3dCF7e";
const PAYEE: &str = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
/// The transaction the scripted server's receipts name.
const TX: &str = FAKE_TX;

/// What the scripted server does with a paid request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Paid {
    /// 200 with a successful PAYMENT-RESPONSE.
    Settle,
    /// Never answer.
    Stall,
    /// 500 without a receipt.
    Error,
    /// 302 to `redirect_to` with a successful receipt.
    Redirect,
}

/// What the scripted server asks and does, changed by the tests as they go.
struct Script {
    mode: Paid,
    /// Stall this many paid requests first, then do `mode`.
    stall_first: usize,
    amount: String,
    redirect_to: String,
}

/// The test server ([`Verifier`]) set up as one priced resource on every path: an x402 v2
/// 402 offering `amount` of Base Sepolia USDC to [`PAYEE`] with the payment-identifier
/// extension, each payment checked before it is answered as `mode` says. Besides:
/// `/free` (free), `/go` (302 to `redirect_to`), `/loop/N` (302 to `/loop/N+1`) and `/big` (a
/// 402 with a 2 MiB body).
struct Scripted {
    url: String,
    server: Verifier,
    script: Mutex<Script>,
}

impl Scripted {
    fn start(mode: Paid) -> Scripted {
        let server = Verifier::builder()
            .plain_with("/free", 200, &[], "free body")
            .script("/loop*", |seen| {
                let n: u32 = seen.path()["/loop".len()..]
                    .trim_start_matches('/')
                    .parse()
                    .unwrap_or(0);
                Reply::new(302, &[("location", &format!("/loop/{}", n + 1))], "")
            })
            .start();
        let scripted = Scripted {
            url: server.url(""),
            server,
            script: Mutex::new(Script {
                mode,
                stall_first: 0,
                amount: "1000".into(),
                redirect_to: String::new(),
            }),
        };
        scripted.apply(|_| {});
        scripted
    }

    fn at(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }

    /// Changes the script and sets the server's routes after it.
    fn apply(&self, change: impl FnOnce(&mut Script)) {
        let mut script = self.script.lock().unwrap();
        change(&mut script);
        let to = match script.redirect_to.as_str() {
            "" => self.at("/free"),
            to => to.to_string(),
        };
        let answer = match script.mode {
            Paid::Settle => Answer::Success,
            Paid::Stall => Answer::Stall,
            Paid::Error => Answer::ServerError,
            Paid::Redirect => Answer::Redirect(to),
        };
        let offer = self.offer(&script.amount).answer(answer);
        let big = self.offer(&script.amount).for_request(&self.url, "/big");
        self.server.update(
            Verifier::builder()
                .plain_with("/go", 302, &[("location", &script.redirect_to)], "")
                .plain_with(
                    "/big",
                    402,
                    &[("payment-required", &big.payment_required(None))],
                    vec![b'x'; 2 * 1024 * 1024],
                )
                .paid(ANY, offer.first(vec![Answer::Stall; script.stall_first])),
        );
    }

    fn offer(&self, amount: &str) -> Offer {
        let mut option = v2_option(amount);
        option["payTo"] = json!(PAYEE);
        option["maxTimeoutSeconds"] = json!(300);
        Offer::v2()
            .accepts(vec![option])
            .extensions(json!({"payment-identifier": {"info": {"required": false}}}))
            .description("a scripted resource")
            .body("paid body for {path}")
    }

    fn set_mode(&self, mode: Paid) {
        self.apply(|s| s.mode = mode);
    }

    fn stall_first(&self, n: usize) {
        self.apply(|s| s.stall_first = n);
    }

    fn redirect_to(&self, url: &str) {
        self.apply(|s| s.redirect_to = url.to_string());
    }

    fn set_amount(&self, amount: &str) {
        self.apply(|s| s.amount = amount.to_string());
    }

    fn seen(&self) -> Vec<Seen> {
        self.server.requests()
    }

    /// The payment headers received, as sent.
    fn payments(&self) -> Vec<String> {
        self.server
            .payments()
            .into_iter()
            .map(|p| p.value)
            .collect()
    }
}

fn code(out: &std::process::Output) -> Option<i32> {
    out.status.code()
}

#[test]
fn a_settled_payment_is_journaled_and_listed() {
    let server = Scripted::start(Paid::Settle);
    let (env, pw) = Env::with_payer();
    let out = env.pay(&pw, &server.at("/report"), &[]);
    support::assert_exit(&out, 0);
    assert_eq!(support::stdout(&out), "paid body for /report");
    let h = env.history(&[]);
    let p = &h["payments"][0];
    assert_eq!(h["payments"].as_array().unwrap().len(), 1);
    assert_eq!(p["status"], "settled");
    assert_eq!(p["transaction"], TX);
    assert_eq!(p["amount"], "1000");
    assert_eq!(p["amount_decimal"], "0.001");
    assert_eq!(p["network"], "eip155:84532");
    assert_eq!(p["pay_to"], PAYEE);
    assert_eq!(p["method"], "GET");
    assert_eq!(p["url"], server.at("/report"));
    // The payment-identifier extension was offered: the header carried an id, journaled too.
    let header = &server.payments()[0];
    let doc: Value = serde_json::from_slice(
        &base64::engine::general_purpose::STANDARD
            .decode(header)
            .unwrap(),
    )
    .unwrap();
    let id = doc["extensions"]["payment-identifier"]["info"]["id"]
        .as_str()
        .unwrap();
    assert!(id.starts_with("pay_") && id.len() == 36, "{id}");
    assert_eq!(p["payment_id"], id);
    assert_eq!(h["totals"][0]["amount"], "1000");
    assert_eq!(h["totals"][0]["payments"], 1);
    // The human listing: one line per payment on stdout, totals on stderr.
    let out = env.run(&["history"]);
    let listing = support::stdout(&out);
    assert!(
        listing.contains("settled") && listing.contains("0.001 USDC") && listing.contains(TX),
        "{listing}"
    );
    // The totals follow the payments on stdout.
    assert!(listing.contains("DAY (UTC)") && listing.matches("0.001 USDC").count() >= 3);
    // Filters.
    assert_eq!(env.history(&["--status", "unknown"])["payments"], json!([]));
    let out = env.run(&["history", "--since", "nonsense"]);
    support::assert_exit(&out, 2);
}

#[test]
fn twenty_concurrent_calls_never_overspend_the_daily_budget() {
    let server = Scripted::start(Paid::Settle);
    let (env, pw) = Env::with_payer();
    let children: Vec<_> = (0..20)
        .map(|i| {
            let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("x402"));
            cmd.env_clear()
                .env("HOME", env.home())
                .env("X402_HOME", env.x402_home())
                .env("NO_COLOR", "1")
                .args(["get", &server.at(&format!("/item/{i}")), "--yes"])
                .args(["--daily-limit", "0.005", "--password-file"])
                .arg(&pw)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let outs: Vec<_> = children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    let paid = outs.iter().filter(|o| code(o) == Some(0)).count();
    let refused: Vec<_> = outs.iter().filter(|o| code(o) == Some(111)).collect();
    assert_eq!(paid, 5, "{:?}", outs.iter().map(code).collect::<Vec<_>>());
    assert_eq!(refused.len(), 15);
    let msg = support::stderr(refused[0]);
    assert!(
        msg.contains("daily limit of 0.005 USDC") && msg.contains("0.005 USDC already spent"),
        "{msg}"
    );
    assert_eq!(server.payments().len(), 5);
    let h = env.history(&[]);
    assert_eq!(h["totals"][0]["amount"], "5000");
}

#[test]
fn an_unknown_outcome_is_journaled_and_a_repeat_asks_first() {
    let server = Scripted::start(Paid::Stall);
    let (env, pw) = Env::with_payer();
    let url = server.at("/slow");
    let out = env.pay(&pw, &url, &["-m", "1"]);
    support::assert_exit(&out, 115);
    let h = env.history(&[]);
    let p = &h["payments"][0];
    assert_eq!(p["status"], "unknown");
    let nonce = p["nonce"].as_str().unwrap();
    let err = support::stderr(&out);
    assert!(
        err.contains(nonce) && err.contains("x402 history check"),
        "{err}"
    );
    assert_eq!(server.payments().len(), 1);

    // Again, off a terminal, without --yes: refused before signing, and says why.
    server.set_mode(Paid::Settle);
    let out = env.run_pw(&["get", &url], &pw);
    support::assert_exit(&out, 110);
    let err = support::stderr(&out);
    assert!(err.contains("already paid") && err.contains(nonce), "{err}");
    assert_eq!(server.payments().len(), 1);
    // With --yes a script pays again knowingly, and is told about the earlier payment.
    let out = env.pay(&pw, &url, &[]);
    support::assert_exit(&out, 0);
    assert!(support::stderr(&out).contains("already paid"));
    assert_eq!(server.payments().len(), 2);
}

#[test]
fn retry_resends_the_same_signed_payment() {
    let server = Scripted::start(Paid::Settle);
    server.stall_first(2);
    let (env, pw) = Env::with_payer();
    let out = env
        .x402()
        .args([
            "get",
            &server.at("/flaky"),
            "--yes",
            "-m",
            "1",
            "--retry",
            "3",
        ])
        .arg("--password-file")
        .arg(&pw)
        .output()
        .unwrap();
    support::assert_exit(&out, 0);
    let sent = server.payments();
    assert_eq!(sent.len(), 3);
    assert!(
        sent.iter().all(|h| h == &sent[0]),
        "a resend must be the same bytes"
    );
    assert!(support::stderr(&out).contains("resending the same signed payment"));
    let h = env.history(&[]);
    assert_eq!(h["payments"].as_array().unwrap().len(), 1);
    assert_eq!(h["payments"][0]["status"], "settled");
}

#[test]
fn a_5xx_after_paying_is_an_unknown_outcome() {
    let server = Scripted::start(Paid::Error);
    let (env, pw) = Env::with_payer();
    let out = env.pay(&pw, &server.at("/x"), &[]);
    support::assert_exit(&out, 115);
    assert_eq!(env.history(&[])["payments"][0]["status"], "unknown");
}

#[test]
fn redirects_never_carry_the_payment_header() {
    let a = Scripted::start(Paid::Settle);
    let b = Scripted::start(Paid::Redirect);
    a.redirect_to(&b.at("/pay"));
    b.redirect_to(&a.at("/free"));
    let (env, pw) = Env::with_payer();
    // Without -L the redirect is the answer, as with curl.
    let out = env.run(&["get", &a.at("/go")]);
    support::assert_exit(&out, 0);
    assert!(b.seen().is_empty());
    // With -L: a → b (402, paid on b) → back to a, which never sees the payment.
    let out = env.pay(&pw, &a.at("/go"), &["-L"]);
    support::assert_exit(&out, 0);
    assert_eq!(support::stdout(&out), "free body");
    assert!(a.payments().is_empty(), "{:?}", a.seen());
    assert_eq!(b.payments().len(), 1);
    assert_eq!(
        a.seen().iter().map(|s| s.path()).collect::<Vec<_>>(),
        ["/go", "/go", "/free"]
    );
}

#[test]
fn a_second_402_after_paying_is_not_paid_silently() {
    let b = Scripted::start(Paid::Redirect);
    b.redirect_to(&b.at("/another"));
    let (env, pw) = Env::with_payer();
    let out = env.pay(&pw, &b.at("/first"), &["-L"]);
    support::assert_exit(&out, 110);
    assert!(support::stderr(&out).contains("second payment"));
    assert_eq!(b.payments().len(), 1);
    assert_eq!(env.history(&[])["payments"].as_array().unwrap().len(), 1);
}

#[test]
fn too_many_redirects_is_47() {
    let s = Scripted::start(Paid::Settle);
    let env = Env::new();
    let out = env.run(&["get", "-L", "--max-redirs", "3", &s.at("/loop")]);
    support::assert_exit(&out, 47);
    assert_eq!(s.seen().len(), 4);
}

#[test]
fn pinned_terms_are_paid_and_anything_else_is_refused_unsigned() {
    let s = Scripted::start(Paid::Settle);
    let (env, pw) = Env::with_payer();
    let url = s.at("/pinned");
    for (flag, value, needle) in [
        ("--expect-amount", "0.002", "not the expected 0.002 USDC"),
        (
            "--expect-pay-to",
            "0x0000000000000000000000000000000000000001",
            "not the expected",
        ),
    ] {
        let out = env.pay(&pw, &url, &[flag, value]);
        assert_eq!(code(&out), Some(112), "{flag}");
        let err = support::stderr(&out);
        assert!(
            err.contains("terms changed") && err.contains(needle),
            "{err}"
        );
    }
    assert!(s.payments().is_empty());
    let terms = env.path("terms.json");
    let mut doc = json!({
        "termsVersion": 1, "url": url, "network": "eip155:84532", "asset": USDC,
        "symbol": "USDC", "decimals": 6, "amount": "1000", "payTo": PAYEE
    });
    std::fs::write(&terms, doc.to_string()).unwrap();
    let out = env
        .x402()
        .args(["get", &url, "--yes", "--expect-amount", "0.001", "--terms"])
        .arg(&terms)
        .arg("--password-file")
        .arg(&pw)
        .output()
        .unwrap();
    support::assert_exit(&out, 0);
    assert_eq!(s.payments().len(), 1);
    // The server now asks more than was pinned.
    doc["amount"] = "999".into();
    std::fs::write(&terms, doc.to_string()).unwrap();
    let out = env
        .x402()
        .args(["get", &url, "--yes", "--terms"])
        .arg(&terms)
        .arg("--password-file")
        .arg(&pw)
        .output()
        .unwrap();
    support::assert_exit(&out, 112);
    assert_eq!(s.payments().len(), 1);
}

#[test]
fn a_huge_402_is_not_read() {
    let s = Scripted::start(Paid::Settle);
    let env = Env::new();
    let out = env.run(&["get", &s.at("/big")]);
    support::assert_exit(&out, 63);
    assert!(support::stderr(&out).contains("larger than 1024 KiB"));
}

#[test]
fn silent_hides_everything_but_show_error_keeps_errors() {
    let s = Scripted::start(Paid::Settle);
    let env = Env::new();
    let url = s.at("/priced");
    let out = env.run(&["get", "-s", &url, "--max-amount", "0.0001"]);
    support::assert_exit(&out, 111);
    assert_eq!(support::stderr(&out), "");
    let out = env.run(&["get", "-sS", &url, "--max-amount", "0.0001"]);
    support::assert_exit(&out, 111);
    let err = support::stderr(&out);
    assert!(
        err.starts_with("x402: error:") && !err.contains("asks"),
        "{err}"
    );
}

#[test]
fn a_torn_journal_line_is_reported_and_nothing_is_lost() {
    let s = Scripted::start(Paid::Settle);
    let (env, pw) = Env::with_payer();
    let pay = |path: &str| env.pay(&pw, &s.at(path), &[]);
    assert_eq!(code(&pay("/one")), Some(0));
    let journal = env.x402_home().join("journal.jsonl");
    let mut bytes = std::fs::read(&journal).unwrap();
    bytes.extend_from_slice(br#"{"event":"signed","time":"2026-11-2"#);
    std::fs::write(&journal, bytes).unwrap();
    let out = pay("/two");
    support::assert_exit(&out, 0);
    assert!(support::stderr(&out).contains("unreadable line skipped"));
    let out = env.run(&["history", "--json"]);
    let h = json_data(&out);
    assert_eq!(h["payments"].as_array().unwrap().len(), 2);
    assert_eq!(h["unreadable_lines"], json!([3]));
    for p in h["payments"].as_array().unwrap() {
        assert_eq!(p["status"], "settled");
    }
}

/// `history check` against the local chain: a real settlement verifies; an unknown payment
/// whose authorization was later used on-chain becomes settled; a record the chain contradicts
/// is reported loudly.
#[test]
fn history_check_asks_the_chain() {
    let net = localnet::get();
    let (env, pw) = Env::with_payer();
    env.write_config(&format!(
        "default_account = \"payer\"\n\n[rpc]\nbase-sepolia = \"{}\"\n",
        net.rpc("baseSepolia")
    ));
    let _guard = localnet::chain_lock();
    // 1. A real payment through the official v2 server.
    let out = env
        .x402()
        .args(["get", &format!("{}/cheap", net.s("/v2/serverUrl")), "--yes"])
        .arg("--password-file")
        .arg(&pw)
        .output()
        .unwrap();
    support::assert_exit(&out, 0);
    // 2. An unknown outcome: the scripted server takes the payment and never answers.
    let s = Scripted::start(Paid::Stall);
    let out = env.pay(&pw, &s.at("/lost"), &["-m", "1"]);
    support::assert_exit(&out, 115);
    let check = |env: &Env| {
        let out = env.run(&["history", "check", "--json"]);
        (code(&out), json_data(&out), out)
    };
    let (c, data, out) = check(&env);
    assert_eq!(c, Some(0), "{}", support::stderr(&out));
    let checked = data["checked"].as_array().unwrap();
    assert_eq!(checked.len(), 2);
    assert_eq!(checked[0]["after"], "settled");
    assert_eq!(checked[0]["verified"], true);
    assert_eq!(checked[1]["after"], "unknown");
    assert!(
        checked[1]["note"]
            .as_str()
            .unwrap()
            .contains("not used yet")
    );

    // The server settles the lost authorization on-chain after all.
    let header = &s.payments()[0];
    let doc: Value = serde_json::from_slice(
        &base64::engine::general_purpose::STANDARD
            .decode(header)
            .unwrap(),
    )
    .unwrap();
    let a = &doc["payload"]["authorization"];
    let sig = doc["payload"]["signature"].as_str().unwrap();
    let (_, relayer_key) = net.account("deployer");
    let st = std::process::Command::new(support::foundry_bin("cast"))
        .args([
            "send",
            "--rpc-url",
            &net.rpc("baseSepolia"),
            "--private-key",
            &relayer_key,
        ])
        .arg(USDC)
        .arg("transferWithAuthorization(address,address,uint256,uint256,uint256,bytes32,bytes)")
        .args(
            ["from", "to", "value", "validAfter", "validBefore", "nonce"]
                .map(|k| a[k].as_str().unwrap().to_string()),
        )
        .arg(sig)
        .output()
        .unwrap();
    assert!(st.status.success(), "{}", support::stderr(&st));
    let (c, data, _) = check(&env);
    assert_eq!(c, Some(0));
    let checked = data["checked"].as_array().unwrap();
    assert_eq!(
        checked.len(),
        1,
        "the verified payment is not checked again"
    );
    assert_eq!(checked[0]["before"], "unknown");
    assert_eq!(checked[0]["after"], "settled");
    let tx = checked[0]["transaction"].as_str().unwrap();
    assert_eq!(tx.len(), 66);
    // Checking again verifies the transfer in that transaction.
    let (_, data, _) = check(&env);
    assert_eq!(data["checked"][0]["verified"], true);

    // A record the chain contradicts: the journal claims a larger amount for a real transaction.
    let journal = env.x402_home().join("journal.jsonl");
    let text = std::fs::read_to_string(&journal).unwrap();
    let first: Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    let mut forged = first.clone();
    forged["nonce"] = format!("0x{}", "ab".repeat(32)).into();
    forged["amount"] = "999999".into();
    let outcome = json!({"event": "outcome", "time": first["time"], "nonce": forged["nonce"],
        "status": "settled", "transaction": tx});
    std::fs::write(&journal, format!("{text}{forged}\n{outcome}\n")).unwrap();
    let (c, data, out) = check(&env);
    assert_eq!(c, Some(1), "{}", support::stderr(&out));
    assert_eq!(data["mismatches"], 1);
    assert_eq!(data["checked"][0]["after"], "disputed");
    // It stays disputed, and is reported again on every check.
    let out = env.run(&["history", "check"]);
    support::assert_exit(&out, 1);
    assert!(support::stderr(&out).contains("MISMATCH"));
    let h = env.history(&[]);
    let disputed = h["payments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["status"] == "disputed")
        .count();
    assert_eq!(disputed, 1);
}

/// At a terminal ([`support::pty`]), three password tries; a file gets one.
#[test]
fn three_password_tries_at_a_terminal_one_from_a_file() {
    let server = Scripted::start(Paid::Settle);
    let (env, _) = Env::with_payer();
    let url = server.at("/tty");
    let prompt = "Password for 'payer'";
    let at_terminal = |passwords: &[&str]| {
        let mut t = env.terminal(&["get", &url, "--yes"], |_| {});
        for pw in passwords {
            t.answer(prompt, pw);
        }
        t.finish()
    };
    let (exit, text) = at_terminal(&["wrong1", "wrong2", "wrong3"]);
    assert_eq!(exit, Some(116), "{text}");
    assert_eq!(
        text.matches("wrong password, try again").count(),
        2,
        "{text}"
    );
    assert_eq!(text.matches(prompt).count(), 3, "{text}");
    assert!(server.payments().is_empty());
    let (exit, text) = at_terminal(&["wrong1", "pw"]);
    assert_eq!(exit, Some(0), "{text}");
    assert_eq!(server.payments().len(), 1);
    // From a file: one try.
    let bad = env.path("bad-pw");
    std::fs::write(&bad, "nope\n").unwrap();
    let out = env.pay(&bad, &server.at("/file"), &[]);
    support::assert_exit(&out, 116);
    assert!(!support::stderr(&out).contains("try again"));
}

#[test]
fn a_keystore_others_can_read_is_warned_about_before_signing() {
    use std::os::unix::fs::PermissionsExt;
    let server = Scripted::start(Paid::Settle);
    let (env, pw) = Env::with_payer();
    let ks = env.keystores().join("payer");
    std::fs::set_permissions(&ks, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = env.pay(&pw, &server.at("/loose"), &[]);
    support::assert_exit(&out, 0);
    let err = support::stderr(&out);
    assert!(
        err.contains("can be read by other users") && err.contains("chmod 600"),
        "{err}"
    );
}

#[test]
fn inspect_saves_the_terms_that_get_then_pins() {
    let s = Scripted::start(Paid::Settle);
    let (env, pw) = Env::with_payer();
    let url = s.at("/inspected");
    let terms = env.path("terms.json");
    let out = env
        .x402()
        .args(["inspect", &url, "--save-terms"])
        .arg(&terms)
        .output()
        .unwrap();
    support::assert_exit(&out, 0);
    assert!(support::stderr(&out).contains("saved the terms (0.001 USDC"));
    let saved: Value = serde_json::from_slice(&std::fs::read(&terms).unwrap()).unwrap();
    assert_eq!(saved["amount"], "1000");
    assert_eq!(saved["pay_to"], PAYEE);
    assert_eq!(saved["network"], "eip155:84532");
    // Never overwritten without --force.
    let out = env
        .x402()
        .args(["inspect", &url, "--save-terms"])
        .arg(&terms)
        .output()
        .unwrap();
    support::assert_exit(&out, 2);
    assert!(support::stderr(&out).contains("--force"));
    let get = |env: &Env| {
        env.x402()
            .args(["get", &url, "--yes", "--terms"])
            .arg(&terms)
            .arg("--password-file")
            .arg(&pw)
            .output()
            .unwrap()
    };
    let out = get(&env);
    support::assert_exit(&out, 0);
    // The server raises its price: nothing is signed.
    s.set_amount("1001");
    let out = get(&env);
    support::assert_exit(&out, 112);
    assert!(support::stderr(&out).contains("not the pinned 0.001 USDC"));
    assert_eq!(s.payments().len(), 1);
    // inspect judges the cap given with --max-amount, as get would.
    let out = env.run(&["inspect", &url, "--json", "--max-amount", "0.0005"]);
    let data = json_data(&out);
    assert_eq!(data["choice"]["cap"]["within"], false, "{data}");
}

/// Runs `x402 ARGS…` at a pseudo-terminal ([`support::pty`]), answering like a person: for
/// each `(wait_for, send)` it waits until the terminal shows `wait_for` (after what the last
/// step waited for), then presses the keys `send`. Returns the exit code and the whole
/// transcript.
fn at_terminal(env: &Env, args: &[&str], steps: &[(&str, &str)]) -> (Option<i32>, String) {
    let mut t = env.terminal(args, |_| {});
    for (wait_for, send) in steps {
        t.press(wait_for, send);
    }
    t.finish()
}

/// At a terminal, `get` asks before paying, the default is no, and nothing of the wallet is
/// touched before a yes: no password asked, nothing signed, nothing journaled.
#[test]
fn the_terminal_prompt_pays_only_after_yes() {
    let server = Scripted::start(Paid::Settle);
    let (env, _) = Env::with_payer();
    let url = server.at("/ask");
    let receipt = env.path("receipt.json");
    let args = ["get", &url, "--receipt", receipt.to_str().unwrap()];
    let prompt = "Pay 0.001 USDC? [y/N]";
    // "n", Enter (the default: no), and a key that is no answer, ignored, before an "n".
    for answer in ["n", "\r", "xn"] {
        let (code, text) = at_terminal(&env, &args, &[(prompt, answer)]);
        assert_eq!(code, Some(110), "{answer:?}: {text}");
        assert!(text.contains("Pay 0.001 USDC? no"), "{answer:?}: {text}");
        assert!(
            text.contains("x402: error: payment declined"),
            "{answer:?}: {text}"
        );
        assert!(!text.contains("Password"), "{answer:?}: {text}");
        assert!(server.payments().is_empty(), "{answer:?}");
        assert_eq!(env.history(&[])["payments"], json!([]), "{answer:?}");
        let r: Value = serde_json::from_slice(&std::fs::read(&receipt).unwrap()).unwrap();
        assert_eq!(r["status"], "declined", "{answer:?}");
        assert_eq!(r["payer"], Value::Null, "{answer:?}");
        assert_eq!(r["nonce"], Value::Null, "{answer:?}");
    }
    assert_eq!(server.seen().len(), 3);
    // "y": only now the password, then the payment.
    let (code, text) = at_terminal(
        &env,
        &args,
        &[(prompt, "y"), ("Password for 'payer'", "pw\r")],
    );
    assert_eq!(code, Some(0), "{text}");
    let yes = text
        .find("Pay 0.001 USDC? yes")
        .expect("the answer is shown");
    let password = text
        .find("Password for 'payer'")
        .expect("a password prompt");
    assert!(
        yes < password,
        "the password is asked after the yes: {text}"
    );
    assert!(text.ends_with("paid body for /ask"), "{text}");
    assert_eq!(server.payments().len(), 1);
    let h = env.history(&[]);
    assert_eq!(h["payments"].as_array().unwrap().len(), 1);
    assert_eq!(h["payments"][0]["status"], "settled");
    let r: Value = serde_json::from_slice(&std::fs::read(&receipt).unwrap()).unwrap();
    assert_eq!(r["status"], "paid");
}

/// One `signed` journal line and its `outcome`, `seconds_ago` before `now`, as the tool writes
/// them (src/journal.rs): amount in base units of Base Sepolia USDC.
fn journal_lines(now: i64, seconds_ago: i64, nonce_byte: u8, amount: &str, status: &str) -> String {
    let time = jiff::Timestamp::from_second(now - seconds_ago)
        .unwrap()
        .to_string();
    let nonce = format!("0x{}", format!("{nonce_byte:02x}").repeat(32));
    let signed = json!({
        "event": "signed", "time": time, "url": format!("http://127.0.0.1:9/item/{nonce_byte}"),
        "method": "GET", "bodySha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "version": 2, "network": "eip155:84532", "networkName": "base-sepolia", "asset": USDC,
        "symbol": "USDC", "decimals": 6, "amount": amount, "payTo": PAYEE,
        "payer": "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", "nonce": nonce,
        "validAfter": now - seconds_ago - 10, "validBefore": now - seconds_ago + 300,
    });
    let mut outcome = json!({"event": "outcome", "time": time, "nonce": nonce, "status": status});
    if status == "settled" {
        outcome["transaction"] = json!(TX);
    }
    format!("{signed}\n{outcome}\n")
}

/// `history --since` with a date, an RFC 3339 time and an age, and `--status`, over a journal
/// with payments at known times.
#[test]
fn history_filters_by_time_and_status() {
    let env = Env::new();
    let now = jiff::Timestamp::now().as_second();
    const H: i64 = 3600;
    const D: i64 = 24 * H;
    // Oldest first, as signed: c 10 days ago (rejected), d 3 days (unknown), b 30 hours
    // (settled), a 2 hours (settled).
    let journal = [
        journal_lines(now, 10 * D, 0x0c, "3000", "rejected"),
        journal_lines(now, 3 * D, 0x0d, "4000", "unknown"),
        journal_lines(now, 30 * H, 0x0b, "2000", "settled"),
        journal_lines(now, 2 * H, 0x0a, "1000", "settled"),
    ]
    .concat();
    std::fs::create_dir_all(env.x402_home()).unwrap();
    std::fs::write(env.x402_home().join("journal.jsonl"), journal).unwrap();
    let listed = |args: &[&str]| -> (Vec<String>, Value) {
        let data = env.history(args);
        let amounts = data["payments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["amount"].as_str().unwrap().to_string())
            .collect();
        (amounts, data["totals"].clone())
    };
    let at = |seconds_ago: i64| {
        jiff::Timestamp::from_second(now - seconds_ago)
            .unwrap()
            .to_string()
    };
    let day = |seconds_ago: i64| {
        jiff::Timestamp::from_second(now - seconds_ago)
            .unwrap()
            .strftime("%Y-%m-%d")
            .to_string()
    };
    // The same time with an offset: 30 hours ago, written in UTC+02:00.
    let b_plus_two = format!(
        "{}+02:00",
        jiff::tz::offset(2)
            .to_datetime(jiff::Timestamp::from_second(now - 30 * H).unwrap())
            .strftime("%Y-%m-%dT%H:%M:%S")
    );
    for (args, amounts) in [
        (vec![], vec!["3000", "4000", "2000", "1000"]),
        // Ages.
        (vec!["--since", "24h"], vec!["1000"]),
        (vec!["--since", "7d"], vec!["4000", "2000", "1000"]),
        (vec!["--since", "11d"], vec!["3000", "4000", "2000", "1000"]),
        // RFC 3339: at or after, to the second, in any offset.
        (vec!["--since", &at(30 * H)], vec!["2000", "1000"]),
        (vec!["--since", &at(30 * H - 1)], vec!["1000"]),
        (vec!["--since", &b_plus_two], vec!["2000", "1000"]),
        // A date is midnight UTC: the whole of that day counts.
        (
            vec!["--since", &day(10 * D)],
            vec!["3000", "4000", "2000", "1000"],
        ),
        (vec!["--since", &day(9 * D)], vec!["4000", "2000", "1000"]),
        (vec!["--since", &day(2 * H)], vec!["1000"]),
        // Status, alone, repeated, and with --since.
        (vec!["--status", "settled"], vec!["2000", "1000"]),
        (vec!["--status", "rejected"], vec!["3000"]),
        (
            vec!["--status", "unknown", "--status", "rejected"],
            vec!["3000", "4000"],
        ),
        (vec!["--status", "settled", "--since", "24h"], vec!["1000"]),
        (vec!["--status", "rejected", "--since", "7d"], vec![]),
        (vec!["--status", "pending"], vec![]),
    ] {
        let (got, _) = listed(&args);
        assert_eq!(got, amounts, "{args:?}");
    }
    // Totals count what was selected, and only what moved or may move money: a refusal is
    // the server's word, so the rejected payment counts (as open, not settled).
    let (_, totals) = listed(&["--since", "11d"]);
    let totals: Vec<(String, String)> = totals
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["day"].as_str().unwrap().to_string(),
                t["amount"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        totals,
        [
            (day(10 * D), "3000".to_string()),
            (day(3 * D), "4000".to_string()),
            (day(30 * H), "2000".to_string()),
            (day(2 * H), "1000".to_string()),
        ]
    );
    // What is not a time is a usage error that says what is.
    for bad in ["yesterday", "7x", "2026-13-01", "h"] {
        let out = env.run(&["history", "--since", bad]);
        assert_eq!(code(&out), Some(2), "{bad}");
        assert_eq!(
            support::stderr(&out),
            format!(
                "x402: error: --since '{bad}': expected a date (2026-11-25), a time \
                 (2026-11-25T10:00:00Z) or an age (24h, 7d)\n"
            ),
            "{bad}"
        );
    }
}

/// `history` totals count an `upto` payment at what its settlement charged when that is known
/// (`charged` in the journal, 0 too), at its maximum while it is not: the text then reads
/// "up to" and says why, `--json`'s `at_maximum` says how much of each sum is a maximum.
#[test]
fn history_totals_count_what_upto_charged_and_say_where_a_maximum_counts() {
    let (env, pw) = Env::with_payer();
    let now = jiff::Timestamp::now().as_second();
    // All signed at the same moment, so one day and one total whatever the time of day.
    let line = |nonce: u8, amount: &str, status: &str, upto: bool, charged: Option<&str>| {
        let text = journal_lines(now, 2 * 3600, nonce, amount, status);
        let mut events = text
            .lines()
            .map(|l| serde_json::from_str::<Value>(l).unwrap());
        let (mut signed, mut outcome) = (events.next().unwrap(), events.next().unwrap());
        if upto {
            signed["scheme"] = json!("upto");
            signed["transfer"] = json!("permit2");
            signed["nonce"] = json!(format!("{}", u64::from(nonce) + 1_000));
            outcome["nonce"] = signed["nonce"].clone();
        }
        if let Some(charged) = charged {
            outcome["charged"] = json!(charged);
        }
        format!("{signed}\n{outcome}\n")
    };
    let journal = [
        line(0x01, "1000", "settled", false, None),
        // Charged 500 of up to 2000, and 0 of up to 8000.
        line(0x02, "2000", "settled", true, Some("500")),
        line(0x03, "8000", "settled", true, Some("0")),
        // Settled, but what it charged is not known: its maximum counts.
        line(0x04, "3000", "settled", true, None),
        // Open: it may still charge up to its maximum.
        line(0x05, "4000", "unknown", true, None),
    ]
    .concat();
    std::fs::create_dir_all(env.x402_home()).unwrap();
    let path = env.x402_home().join("journal.jsonl");
    std::fs::write(&path, &journal).unwrap();
    let part = |amount: &str, decimal: &str, payments: u32, max: (&str, &str, u32)| {
        json!({
            "amount": amount, "amount_decimal": decimal, "payments": payments,
            "at_maximum": {"amount": max.0, "amount_decimal": max.1, "payments": max.2},
        })
    };
    let totals = env.history(&[])["totals"].clone();
    assert_eq!(totals.as_array().unwrap().len(), 1, "{totals}");
    let t = &totals[0];
    assert_eq!(
        (&t["amount"], &t["amount_decimal"], &t["payments"]),
        (&json!("8500"), &json!("0.0085"), &json!(5)),
        "{t}"
    );
    assert_eq!(
        t["at_maximum"],
        json!({"amount": "7000", "amount_decimal": "0.007", "payments": 2})
    );
    assert_eq!(
        t["settled"],
        part("4500", "0.0045", 4, ("3000", "0.003", 1))
    );
    assert_eq!(t["open"], part("4000", "0.004", 1, ("4000", "0.004", 1)));
    // The text: every sum that counts a maximum reads "up to", and stderr says why.
    let note = "up to: an upto payment whose charge is not known yet counts at its maximum \
                (the settlement or `x402 history check` tells what it charged)\n";
    let out = env.run(&["history"]);
    support::assert_exit(&out, 0);
    let stdout = support::stdout(&out);
    let row = stdout.lines().last().unwrap();
    let cells: Vec<&str> = row
        .split("  ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    assert_eq!(
        cells[1..],
        [
            "base-sepolia",
            "5",
            "up to 0.0085 USDC",
            "up to 0.0045 USDC",
            "up to 0.004 USDC"
        ],
        "{stdout}"
    );
    assert!(
        support::stderr(&out).contains(note),
        "{}",
        support::stderr(&out)
    );
    // The MCP `history` tool's summary says "up to" too, its document is `--json`'s.
    let report = crate::mcp::drive(
        &env,
        &["mcp", "--password-file", pw.to_str().unwrap()],
        json!([{"name": "history", "arguments": {}}]),
    );
    let r = crate::mcp::result(&report, 0);
    assert_eq!(r["structuredContent"]["data"]["totals"], totals, "{r}");
    assert!(
        crate::mcp::text(r).contains(": up to 0.0085 USDC on base-sepolia (5 payments)"),
        "{}",
        crate::mcp::text(r)
    );

    // Once the charge is known (as `history check` records it) and the open one expired, no
    // maximum is left: plain sums, no note.
    let later = |nonce: &str, status: &str, charged: Option<&str>| {
        let mut o = json!({"event": "outcome", "time": jiff::Timestamp::now().to_string(),
                           "nonce": nonce, "status": status});
        if let Some(c) = charged {
            o["charged"] = json!(c);
        }
        format!("{o}\n")
    };
    let mut more = journal.clone();
    more.push_str(&later("1004", "settled", Some("1000")));
    more.push_str(&later("1005", "expired", None));
    std::fs::write(&path, more).unwrap();
    let t = &env.history(&[])["totals"][0];
    assert_eq!(
        (&t["amount"], &t["payments"]),
        (&json!("2500"), &json!(4)),
        "{t}"
    );
    assert_eq!(t["settled"], part("2500", "0.0025", 4, ("0", "0.00", 0)));
    assert_eq!(t["open"], part("0", "0.00", 0, ("0", "0.00", 0)));
    let out = env.run(&["history"]);
    support::assert_exit(&out, 0);
    let stdout = support::stdout(&out);
    assert!(!stdout.contains("up to 0.0025"), "{stdout}");
    assert!(
        stdout.lines().last().unwrap().contains("0.0025 USDC"),
        "{stdout}"
    );
    assert!(
        !support::stderr(&out).contains("up to:"),
        "{}",
        support::stderr(&out)
    );
}

/// `[limits] daily` refuses a payment that would take the last 24 hours' spending past it,
/// counting what moved or may still move money (settled, pending, unknown, rejected) and not
/// what no longer can (expired, cancelled, unsent), and `--daily-limit` (or
/// `X402_DAILY_LIMIT`) replaces the configured limit, up or down.
#[test]
fn the_configured_daily_limit_refuses_and_the_command_line_overrides_it() {
    let server = Scripted::start(Paid::Settle);
    let (env, pw) = Env::with_payer();
    let now = jiff::Timestamp::now().as_second();
    let journal = env.x402_home().join("journal.jsonl");
    std::fs::write(
        &journal,
        [
            // Counted: 0.0015 in the last 24 hours that moved or may move money.
            journal_lines(now, 2 * 3600, 0x01, "1000", "settled"),
            journal_lines(now, 3 * 3600, 0x02, "500", "unknown"),
            // Not counted: expired, cancelled or never sent, or older than 24 hours.
            journal_lines(now, 3600, 0x03, "5000", "expired"),
            journal_lines(now, 3600, 0x05, "5000", "cancelled"),
            journal_lines(now, 3600, 0x06, "5000", "unsent"),
            journal_lines(now, 25 * 3600, 0x04, "9000", "settled"),
        ]
        .concat(),
    )
    .unwrap();
    env.write_config("default_account = \"payer\"\n\n[limits]\ndaily = \"0.002\"\n");
    let journaled = |env: &Env| env.history(&[])["payments"].as_array().unwrap().len();
    let url = server.at("/daily");
    let receipt = env.path("receipt.json");
    let receipt_arg = ["--receipt", receipt.to_str().unwrap()];
    let refused = |out: &std::process::Output, limit: &str, spent: &str| {
        assert_eq!(code(out), Some(111), "{}", support::stderr(out));
        assert_eq!(
            support::stderr(out),
            format!(
                "x402: error: 0.001 USDC would exceed the daily limit of {limit}: {spent} already \
                 spent or pending on base-sepolia in the last 24 hours; nothing was signed\n"
            )
        );
        assert!(out.stdout.is_empty());
    };

    // 0.0015 + 0.001 > 0.002 (config.toml).
    let out = env.pay(&pw, &url, &receipt_arg);
    refused(&out, "0.002 USDC", "0.0015 USDC");
    let r: Value = serde_json::from_slice(&std::fs::read(&receipt).unwrap()).unwrap();
    assert_eq!(r["status"], "over_budget");
    assert_eq!(r["nonce"], Value::Null);
    assert!(server.payments().is_empty());
    assert_eq!(journaled(&env), 6);

    // --daily-limit raises it: 0.0015 + 0.001 = 0.0025 is within 0.0025.
    let out = env.pay(&pw, &url, &["--daily-limit", "0.0025"]);
    support::assert_exit(&out, 0);
    assert_eq!(server.payments().len(), 1);
    assert_eq!(journaled(&env), 7);
    // Now 0.0025 is spent: the same limit refuses the next one.
    let out = env.pay(&pw, &server.at("/daily2"), &["--daily-limit", "0.0025"]);
    refused(&out, "0.0025 USDC", "0.0025 USDC");

    // --daily-limit lowers it too, and so does the environment.
    env.write_config("default_account = \"payer\"\n\n[limits]\ndaily = \"5.00\"\n");
    let out = env.pay(&pw, &server.at("/daily3"), &["--daily-limit", "$0.003"]);
    refused(&out, "0.003 USDC", "0.0025 USDC");
    let out = env
        .x402()
        .env("X402_DAILY_LIMIT", "0.003")
        .args(["get", &server.at("/daily4"), "--yes", "--password-file"])
        .arg(&pw)
        .output()
        .unwrap();
    refused(&out, "0.003 USDC", "0.0025 USDC");
    assert_eq!(server.payments().len(), 1);
    assert_eq!(journaled(&env), 7);
    // Under config.toml's 5.00 alone, it pays.
    let out = env.pay(&pw, &server.at("/daily5"), &[]);
    support::assert_exit(&out, 0);
    assert_eq!(server.payments().len(), 2);
}

/// `--terms FILE` pins the network and the asset as well as the amount and the payee: terms
/// that differ in either are refused before anything is signed.
#[test]
fn pinned_terms_refuse_another_network_or_asset() {
    let s = Scripted::start(Paid::Settle);
    let (env, pw) = Env::with_payer();
    let url = s.at("/pinned");
    let terms = env.path("terms.json");
    let pinned = json!({
        "termsVersion": 1, "url": url, "network": "eip155:84532", "asset": USDC,
        "symbol": "USDC", "decimals": 6, "amount": "1000", "payTo": PAYEE
    });
    let base_usdc = "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913";
    let other_token = "0x1111111111111111111111111111111111111111";
    for (field, value, why) in [
        (
            "network",
            "eip155:8453",
            "network eip155:84532 is not the pinned eip155:8453".to_string(),
        ),
        (
            "asset",
            other_token,
            format!("asset {USDC} is not the pinned {other_token}"),
        ),
        // Base mainnet's USDC: same symbol and decimals, another network's token.
        (
            "asset",
            base_usdc,
            format!("asset {USDC} is not the pinned {base_usdc}"),
        ),
    ] {
        let mut doc = pinned.clone();
        doc[field] = json!(value);
        std::fs::write(&terms, doc.to_string()).unwrap();
        let out = env.pay(&pw, &url, &["--terms", terms.to_str().unwrap()]);
        assert_eq!(code(&out), Some(112), "{field}: {}", support::stderr(&out));
        assert_eq!(
            support::stderr(&out),
            format!(
                "x402: error: the terms changed: no option matches what was pinned: option 1: \
                 {why}\n"
            ),
            "{field}"
        );
        assert!(out.stdout.is_empty());
    }
    assert!(s.payments().is_empty());
    assert_eq!(env.history(&[])["payments"], json!([]));
    // The same file with the terms as offered pays.
    std::fs::write(&terms, pinned.to_string()).unwrap();
    let out = env.pay(&pw, &url, &["--terms", terms.to_str().unwrap()]);
    support::assert_exit(&out, 0);
    assert_eq!(s.payments().len(), 1);
}

/// `--receipt FILE`: every field, for each way a call ends: paid (v2 and v1), rejected after
/// payment, declined off a terminal, over the cap, no payable option, and free.
#[test]
fn the_receipt_records_every_field_of_each_outcome() {
    use crate::support::verifier::{
        Answer, BASE_SEPOLIA_USDC, FAKE_TX, Offer, PAY_TO, Verifier, v2_option,
    };
    let mut upto = v2_option("1000");
    upto["scheme"] = json!("upto");
    let server = Verifier::builder()
        .paid("/v2", Offer::v2())
        .paid("/v1", Offer::v1())
        .paid(
            "/reject",
            Offer::v2().answer(Answer::Reject("invalid_exact_evm_payload_signature".into())),
        )
        .paid("/dear", Offer::v2().accepts(vec![v2_option("500000")]))
        .paid("/upto", Offer::v2().accepts(vec![upto]))
        .plain("/free", 200, "{}")
        .start();
    let (env, pw) = Env::with_payer();
    let receipt = env.path("receipt.json");
    let run = |path: &str, yes: bool| {
        let mut cmd = env.x402();
        cmd.args(["get", &server.url(path), "--receipt"])
            .arg(&receipt)
            .arg("--password-file")
            .arg(&pw);
        if yes {
            cmd.arg("--yes");
        }
        let out = cmd.output().unwrap();
        let r: Value = serde_json::from_slice(&std::fs::read(&receipt).unwrap())
            .unwrap_or_else(|e| panic!("{path}: the receipt is not JSON: {e}"));
        (out, r)
    };
    let quoted = |status: &str, version: u8, amount: &str, decimal: &str| {
        json!({
            "status": status, "version": version, "network": "eip155:84532",
            "asset": BASE_SEPOLIA_USDC, "symbol": "USDC", "amount": amount,
            "amount_decimal": decimal, "amount_is_maximum": false, "charged": null,
            "charged_decimal": null, "pay_to": PAY_TO, "payer": null, "nonce": null,
            "transaction": null, "error": null,
        })
    };
    let payer_address = support::ANVIL1_ADDRESS;

    for (path, version) in [("/v2", 2), ("/v1", 1)] {
        let before = server.payment_headers();
        let (out, r) = run(path, true);
        assert_eq!(code(&out), Some(0), "{path}: {}", support::stderr(&out));
        assert_eq!(server.payment_headers(), before + 1);
        let nonce = server.payments().pop().unwrap().verdict.nonce.unwrap();
        let mut want = quoted("paid", version, "1000", "0.001");
        want["payer"] = json!(payer_address);
        want["nonce"] = json!(nonce);
        want["transaction"] = json!(FAKE_TX);
        want["charged"] = json!("1000");
        want["charged_decimal"] = json!("0.001");
        assert_eq!(r, want, "{path}");
    }

    let (out, r) = run("/reject", true);
    support::assert_exit(&out, 114);
    let nonce = server.payments().pop().unwrap().verdict.nonce.unwrap();
    let mut want = quoted("rejected", 2, "1000", "0.001");
    want["payer"] = json!(payer_address);
    want["nonce"] = json!(nonce);
    want["error"] = json!("invalid_exact_evm_payload_signature");
    assert_eq!(r, want);

    let paid_so_far = server.payment_headers();
    let (out, r) = run("/v2", false);
    support::assert_exit(&out, 110);
    let mut want = quoted("declined", 2, "1000", "0.001");
    want["error"] =
        json!("not paying 0.001 USDC without confirmation: pass --yes to pay from a script");
    assert_eq!(r, want);

    let (out, r) = run("/dear", true);
    support::assert_exit(&out, 111);
    let mut want = quoted("over_cap", 2, "500000", "0.50");
    want["error"] = json!(
        "0.50 USDC is above the per-payment cap of 0.10 USDC; nothing was signed (raise it \
         with --max-amount)"
    );
    assert_eq!(r, want);

    let (out, r) = run("/upto", true);
    support::assert_exit(&out, 112);
    assert_eq!(
        r,
        json!({
            "status": "no_option", "version": 2, "network": null, "asset": null,
            "symbol": null, "amount": null, "amount_decimal": null,
            "amount_is_maximum": null, "charged": null, "charged_decimal": null, "pay_to": null,
            "payer": null, "nonce": null, "transaction": null,
            "error": "no payable option in the 402: option 1: the upto option names no \
                      facilitator (extra.facilitatorAddress): without it the authorization \
                      could be settled by anyone",
        })
    );
    assert_eq!(server.payment_headers(), paid_so_far);

    let (out, r) = run("/free", true);
    support::assert_exit(&out, 0);
    assert_eq!(
        r,
        json!({
            "status": "free", "version": null, "network": null, "asset": null,
            "symbol": null, "amount": null, "amount_decimal": null,
            "amount_is_maximum": null, "charged": null, "charged_decimal": null, "pay_to": null,
            "payer": null, "nonce": null, "transaction": null, "error": null,
        })
    );
}

/// Paying over plain http to a host that is not loopback is warned about before the quote.
/// The host is reached through an HTTP proxy on 127.0.0.1 (`http_proxy`), so the request
/// names another host while the only connection made is to 127.0.0.1.
#[test]
fn plain_http_to_another_host_is_warned_about_before_the_quote() {
    let s = Scripted::start(Paid::Settle);
    let (env, pw) = Env::with_payer();
    let url = "http://paid.x402-test.invalid/report";
    let via_proxy = |extra: &[&str]| {
        env.x402()
            .env("http_proxy", &s.url)
            .env("HTTP_PROXY", &s.url)
            .args(["get", url, "--password-file"])
            .arg(&pw)
            .args(extra)
            .output()
            .unwrap()
    };
    let warning = "x402: warning: http://paid.x402-test.invalid is plain http: the signed payment \
                   crosses the network unencrypted and anyone on the path can see or redirect it";
    let out = via_proxy(&["--dry-run"]);
    support::assert_exit(&out, 0);
    assert_eq!(
        support::stderr(&out),
        format!(
            "{warning}\n{url} asks 0.001 USDC on base-sepolia (eip155:84532) (x402 v2)\n  pay to    \
             {PAYEE}\n  from      'payer' {}\n  resource  {}/report\n  for       a scripted \
             resource\ndry run: nothing signed, nothing paid\n",
            support::ANVIL1_ADDRESS,
            // The scripted server names itself as the resource: not the URL asked for.
            s.url
        )
    );
    // A warning, not a refusal: with --yes it pays.
    let out = via_proxy(&["--yes"]);
    support::assert_exit(&out, 0);
    let err = support::stderr(&out);
    assert!(err.starts_with(&format!("{warning}\n")), "{err}");
    assert_eq!(err.matches("plain http").count(), 1, "{err}");
    assert_eq!(support::stdout(&out), "paid body for /report");
    // Every request went to the proxy, that is to 127.0.0.1.
    assert_eq!(s.seen().len(), 3);
    assert_eq!(s.payments().len(), 1);
}
