//! Money truth: a signed payment counts until the chain says otherwise. Hostile servers on
//! 127.0.0.1 that settle (or not) on the local anvil chain and then answer wrongly, late or
//! falsely; for each, the exit code, the message, the journal before and after `history
//! check`, and the daily budget. And `history cancel` on the local chain.

use crate::support::localnet::{self, Localnet};
use crate::support::verifier::{
    Answer, BASE_SEPOLIA_USDC, Chain, MADE_UP_TX, Offer, PAY_TO, Verifier, rpc_call,
};
use crate::support::{self, ANVIL1_ADDRESS, ANVIL1_KEY, Env, json_data};
use serde_json::{Value, json};
use std::path::PathBuf;

/// Anvil's account #7, which no other part of the local network uses: the hostile servers'
/// relayer (anvil sends for its own accounts with `eth_sendTransaction`).
const RELAYER: &str = "0x14dC79964da2C08b23698B3D3cc7Ca32193d9955";

fn chain(net: &Localnet) -> Chain {
    Chain {
        rpc_url: net.rpc("baseSepolia"),
        relayer: RELAYER.into(),
    }
}

/// A payer's home; with `rpc`, config.toml names the local chain for base-sepolia.
fn payer(net: &Localnet, rpc: bool) -> (Env, PathBuf) {
    let (env, pw) = Env::with_payer();
    write_config(&env, net, rpc);
    (env, pw)
}

fn write_config(env: &Env, net: &Localnet, rpc: bool) {
    let mut config = "default_account = \"payer\"\n".to_string();
    if rpc {
        config.push_str(&format!(
            "\n[rpc]\nbase-sepolia = \"{}\"\n",
            net.rpc("baseSepolia")
        ));
    }
    env.write_config(&config);
}

/// The journal's only payment, as `history --json` shows it.
fn only_record(env: &Env) -> Value {
    let data = env.history(&[]);
    let payments = data["payments"].as_array().unwrap();
    assert_eq!(payments.len(), 1, "{data:#}");
    let mut p = payments[0].clone();
    p["totals"] = data["totals"].clone();
    p
}

fn check(env: &Env) -> (Option<i32>, Value) {
    let out = env.run(&["history", "check", "--json"]);
    (out.status.code(), json_data(&out))
}

/// What the daily budget makes of the journal: a dry run of another 0.001 USDC route under a
/// limit of 0.0019 is refused (111) exactly when an earlier 0.001 still counts.
fn budget_counts_it(env: &Env, other: &str) -> bool {
    let out = env.run(&["get", other, "--dry-run", "--daily-limit", "0.0019"]);
    match out.status.code() {
        Some(111) => {
            let err = support::stderr(&out);
            assert!(
                err.contains("0.001 USDC already spent or pending on base-sepolia"),
                "{err}"
            );
            true
        }
        Some(0) => false,
        other => panic!("dry run exited {other:?}: {}", support::stderr(&out)),
    }
}

fn authorization_used(net: &Localnet, nonce: &str) -> bool {
    let out = std::process::Command::new(support::foundry_bin("cast"))
        .args([
            "call",
            BASE_SEPOLIA_USDC,
            "authorizationState(address,bytes32)(bool)",
            ANVIL1_ADDRESS,
            nonce,
            "--rpc-url",
        ])
        .arg(net.rpc("baseSepolia"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", support::stderr(&out));
    support::stdout(&out).trim() == "true"
}

fn receipt_status(net: &Localnet, tx: &str) -> Option<String> {
    let r = rpc_call(
        &net.rpc("baseSepolia"),
        "eth_getTransactionReceipt",
        json!([tx]),
    );
    r["status"].as_str().map(str::to_string)
}

/// (a) The server settles, then answers 402 `settlement_pending` with the transaction, as
/// `@x402/core` 2.24+ does when confirmation is slow. Without an RPC URL: 115, `unknown` with
/// the transaction, and `history check` later finds it settled. With one: the chain is asked at
/// once and says settled (exit 0).
#[test]
fn settlement_pending_is_unknown_until_the_chain_says_settled() {
    let net = localnet::get();
    let server = Verifier::builder()
        .paid(
            "/pending",
            Offer::v2()
                .answer(Answer::Unconfirmed {
                    status: 402,
                    reason: "settlement_pending".into(),
                    settle: true,
                })
                .settle_on(chain(net)),
        )
        .paid("/other", Offer::v2())
        .start();
    let _guard = localnet::chain_lock();
    let payee_before = net.token_balance("baseSepolia", BASE_SEPOLIA_USDC, PAY_TO);

    // No RPC URL for the network: the server's word is all there is.
    let (env, pw) = payer(net, false);
    let out = env.pay(&pw, &server.url("/pending"), &[]);
    let tx = server.settled().pop().expect("the server settled");
    let nonce = server.only_payment().verdict.nonce.unwrap();
    let line = support::error_line(&out, 115);
    assert!(
        line.contains(&format!(
            "the outcome is unknown: the server answered settlement_pending with transaction {tx}"
        )) && line.contains(&format!("nonce {nonce}")),
        "{line}"
    );
    assert!(
        support::stderr(&out).contains("the payment may have moved"),
        "{}",
        support::stderr(&out)
    );
    assert!(out.stdout.is_empty(), "a 402's body is not the resource");
    assert_eq!(
        net.token_balance("baseSepolia", BASE_SEPOLIA_USDC, PAY_TO),
        payee_before + 1000,
        "the payee was paid"
    );
    let r = only_record(&env);
    assert_eq!(r["status"], "unknown");
    assert_eq!(r["transaction"], tx.as_str());
    assert_eq!(r["reason"], "settlement_pending");
    assert!(budget_counts_it(&env, &server.url("/other")));

    // history check asks the chain: settled, in that transaction.
    write_config(&env, net, true);
    let (code, data) = check(&env);
    assert_eq!(code, Some(0), "{data:#}");
    assert_eq!(data["checked"][0]["before"], "unknown");
    assert_eq!(data["checked"][0]["after"], "settled");
    assert_eq!(data["checked"][0]["transaction"], tx.as_str());
    let r = only_record(&env);
    assert_eq!(r["status"], "settled");
    assert_eq!(r["transaction"], tx.as_str());
    assert_eq!(r["totals"][0]["settled"]["amount"], "1000");
    assert!(budget_counts_it(&env, &server.url("/other")));

    // With the RPC URL configured, get itself asks the chain: settled, exit 0.
    let (env, pw) = payer(net, true);
    let out = env.pay(&pw, &server.url("/pending"), &[]);
    let tx = server.settled().pop().unwrap();
    let err = support::stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains(&format!(
            "paid 0.001 USDC on base-sepolia to {PAY_TO}  tx {tx}"
        )),
        "{err}"
    );
    assert!(
        err.contains("the server answered HTTP 402 Payment Required instead of the resource"),
        "{err}"
    );
    assert_eq!(receipt_status(net, &tx).as_deref(), Some("0x1"));
    let r = only_record(&env);
    assert_eq!(r["status"], "settled");
    assert_eq!(r["transaction"], tx.as_str());
    assert!(budget_counts_it(&env, &server.url("/other")));
    let (code, data) = check(&env);
    assert_eq!(code, Some(0), "{data:#}");
    assert_eq!(data["checked"][0]["verified"], true);
    assert_eq!(server.payment_headers(), 2);
}

/// (b) The server settles, then answers 200 with the body and a receipt `success: false` that
/// names the transaction. Never "nothing was paid": unknown (115, body delivered) without an
/// RPC URL, settled (0) with one.
#[test]
fn a_failed_receipt_with_a_transaction_is_never_nothing_paid() {
    let net = localnet::get();
    let server = Verifier::builder()
        .paid(
            "/fail",
            Offer::v2()
                .answer(Answer::Unconfirmed {
                    status: 200,
                    reason: "unexpected_settle_error".into(),
                    settle: true,
                })
                .settle_on(chain(net))
                .body(r#"{"report":1}"#),
        )
        .paid("/other", Offer::v2())
        .start();
    let _guard = localnet::chain_lock();

    let (env, pw) = payer(net, false);
    let out = env.pay(&pw, &server.url("/fail"), &[]);
    let tx = server.settled().pop().unwrap();
    let line = support::error_line(&out, 115);
    assert!(
        line.contains(&format!("unexpected_settle_error with transaction {tx}")),
        "{line}"
    );
    assert!(!support::stderr(&out).contains("nothing was paid"));
    assert_eq!(support::stdout(&out), r#"{"report":1}"#);
    let r = only_record(&env);
    assert_eq!(r["status"], "unknown");
    assert_eq!(r["transaction"], tx.as_str());
    assert!(budget_counts_it(&env, &server.url("/other")));
    write_config(&env, net, true);
    let (code, data) = check(&env);
    assert_eq!(code, Some(0), "{data:#}");
    assert_eq!(data["checked"][0]["after"], "settled");
    assert_eq!(only_record(&env)["status"], "settled");
    assert!(budget_counts_it(&env, &server.url("/other")));

    let (env, pw) = payer(net, true);
    let out = env.pay(&pw, &server.url("/fail"), &[]);
    let tx = server.settled().pop().unwrap();
    support::assert_exit(&out, 0);
    assert_eq!(support::stdout(&out), r#"{"report":1}"#);
    assert!(support::stderr(&out).contains(&format!("tx {tx}")));
    let r = only_record(&env);
    assert_eq!(r["status"], "settled");
    assert_eq!(r["transaction"], tx.as_str());
}

/// (c) The server never settles and names a made-up transaction. With the chain asked: still
/// unknown (115) after the bounded wait; `history check` keeps it open (not used, still
/// valid); it counts against the budget until `history cancel` makes it worthless on-chain,
/// after which the signature can never be settled.
#[test]
fn a_made_up_transaction_stays_open_until_cancelled_on_chain() {
    let net = localnet::get();
    let server = Verifier::builder()
        .paid(
            "/liar",
            Offer::v2().answer(Answer::Unconfirmed {
                status: 402,
                reason: "settlement_pending".into(),
                settle: false,
            }),
        )
        .paid("/other", Offer::v2())
        .start();
    let (env, pw) = payer(net, true);
    let out = env.pay(&pw, &server.url("/liar"), &[]);
    let payment = server.only_payment();
    let nonce = payment.verdict.nonce.clone().unwrap();
    let line = support::error_line(&out, 115);
    assert!(
        line.contains(&format!(
            "transaction {MADE_UP_TX}; {MADE_UP_TX} was not on base-sepolia after 5 s"
        )) && line.contains(&format!("nonce {nonce}")),
        "{line}"
    );
    assert!(server.settled().is_empty());
    let r = only_record(&env);
    assert_eq!(r["status"], "unknown");
    assert_eq!(r["transaction"], MADE_UP_TX);
    assert!(budget_counts_it(&env, &server.url("/other")));
    // The repeated request asks first: the earlier payment is still open.
    let out = env.run_pw(&["get", &server.url("/liar")], &pw);
    assert!(
        support::error_line(&out, 110)
            .contains("an earlier payment for this request may still settle")
    );

    // history check: the chain has not used it, and it is still valid.
    let (code, data) = check(&env);
    assert_eq!(code, Some(0), "{data:#}");
    assert_eq!(data["checked"][0]["after"], "unknown");
    assert!(
        data["checked"][0]["note"]
            .as_str()
            .unwrap()
            .contains("not used yet")
    );
    assert!(!authorization_used(net, &nonce));

    // history cancel: off a terminal without --yes it refuses; with --yes it cancels.
    let out = env.run_pw(&["history", "cancel", &nonce], &pw);
    assert!(support::error_line(&out, 110).contains("pass --yes"));
    let _guard = localnet::chain_lock();
    let gas_before = net.native_balance("baseSepolia", ANVIL1_ADDRESS);
    let out = env.run_pw(&["history", "cancel", &nonce, "--yes", "--json"], &pw);
    support::assert_exit(&out, 0);
    let data = json_data(&out);
    assert_eq!(data["status"], "cancelled");
    assert_eq!(data["before"], "unknown");
    let cancel_tx = data["transaction"].as_str().unwrap().to_string();
    assert_eq!(receipt_status(net, &cancel_tx).as_deref(), Some("0x1"));
    let mined = rpc_call(
        &net.rpc("baseSepolia"),
        "eth_getTransactionByHash",
        json!([cancel_tx]),
    );
    assert_eq!(mined["type"], "0x2", "an EIP-1559 transaction");
    assert_eq!(
        mined["from"].as_str().unwrap().to_lowercase(),
        ANVIL1_ADDRESS.to_lowercase(),
        "sent by the payer"
    );
    assert!(
        net.native_balance("baseSepolia", ANVIL1_ADDRESS) < gas_before,
        "the payer paid the gas"
    );
    assert!(authorization_used(net, &nonce));

    // The signature the server holds can no longer be settled.
    let doc = payment.document.unwrap();
    let a = &doc["payload"]["authorization"];
    let settle = std::process::Command::new(support::foundry_bin("cast"))
        .args([
            "call",
            "--rpc-url",
            &net.rpc("baseSepolia"),
            "--from",
            RELAYER,
        ])
        .arg(BASE_SEPOLIA_USDC)
        .arg("transferWithAuthorization(address,address,uint256,uint256,uint256,bytes32,bytes)")
        .args(
            ["from", "to", "value", "validAfter", "validBefore", "nonce"]
                .map(|k| a[k].as_str().unwrap().to_string()),
        )
        .arg(doc["payload"]["signature"].as_str().unwrap())
        .output()
        .unwrap();
    assert!(
        !settle.status.success(),
        "the cancelled authorization settled"
    );
    assert!(
        support::stderr(&settle).contains("authorization is used or canceled"),
        "{}",
        support::stderr(&settle)
    );

    let r = only_record(&env);
    assert_eq!(r["status"], "cancelled");
    assert_eq!(r["transaction"], cancel_tx.as_str());
    assert!(!budget_counts_it(&env, &server.url("/other")));
    let (code, data) = check(&env);
    assert_eq!(code, Some(0));
    assert_eq!(
        data["checked"],
        json!([]),
        "a cancelled payment needs no check"
    );
    // Cancelling twice is refused, with the reason.
    let out = env.run_pw(&["history", "cancel", &nonce, "--yes"], &pw);
    assert!(support::error_line(&out, 1).contains("it is already cancelled"));
    // And a nonce the journal does not hold is a usage error.
    let out = env.run(&[
        "history",
        "cancel",
        &format!("0x{}", "12".repeat(32)),
        "--yes",
    ]);
    assert!(support::error_line(&out, 2).contains("no payment with nonce"));
}

/// (d) The server takes the payment on-chain and answers 402 with no receipt. 114, recorded
/// `rejected` with the reason, but never "no money moved": it counts against the budget, a
/// cancellation is refused because the chain shows it used, and `history check` finds it
/// settled.
#[test]
fn a_refusal_after_taking_the_money_counts_and_history_check_finds_it_settled() {
    let net = localnet::get();
    let server = Verifier::builder()
        .paid(
            "/taken",
            Offer::v2()
                .answer(Answer::TakeAndRefuse("invalid_payment".into()))
                .settle_on(chain(net)),
        )
        .paid("/other", Offer::v2())
        .start();
    let _guard = localnet::chain_lock();
    let payee_before = net.token_balance("baseSepolia", BASE_SEPOLIA_USDC, PAY_TO);
    let (env, pw) = payer(net, true);
    let out = env.pay(&pw, &server.url("/taken"), &[]);
    let tx = server.settled().pop().unwrap();
    let nonce = server.only_payment().verdict.nonce.unwrap();
    let line = support::error_line(&out, 114);
    assert!(
        line.contains("the server rejected the payment: invalid_payment")
            && line.contains(&format!(
                "the signed authorization (nonce {nonce}) can still be used until"
            ))
            && line.contains("it counts as spent"),
        "{line}"
    );
    let err = support::stderr(&out);
    assert!(
        !err.contains("no money moved") && !err.contains("nothing was paid"),
        "{err}"
    );
    assert_eq!(
        net.token_balance("baseSepolia", BASE_SEPOLIA_USDC, PAY_TO),
        payee_before + 1000
    );
    let r = only_record(&env);
    assert_eq!(r["status"], "rejected");
    assert_eq!(r["reason"], "invalid_payment");
    assert_eq!(r["totals"][0]["amount"], "1000");
    assert_eq!(r["totals"][0]["open"]["amount"], "1000");
    assert_eq!(r["totals"][0]["settled"]["amount"], "0");
    assert!(budget_counts_it(&env, &server.url("/other")));
    // Already used on-chain: nothing to cancel.
    let out = env.run_pw(&["history", "cancel", &nonce, "--yes"], &pw);
    assert!(support::error_line(&out, 1).contains("the chain shows it already used or cancelled"));

    let (code, data) = check(&env);
    assert_eq!(code, Some(0), "{data:#}");
    assert_eq!(data["checked"][0]["before"], "rejected");
    assert_eq!(data["checked"][0]["after"], "settled");
    assert_eq!(data["checked"][0]["transaction"], tx.as_str());
    assert_eq!(
        data["checked"][0]["note"],
        format!("the server refused it, but it was used on-chain in {tx}").as_str()
    );
    let r = only_record(&env);
    assert_eq!(r["status"], "settled");
    assert_eq!(r["totals"][0]["settled"]["amount"], "1000");
    assert!(budget_counts_it(&env, &server.url("/other")));
    // The settled record now refuses a cancellation from the journal alone.
    let out = env.run(&["history", "cancel", &nonce, "--yes"]);
    assert!(
        support::error_line(&out, 1).contains(&format!("it was already used (settled in {tx})"))
    );
}

/// `extra.paymentFlow`: `upfront` is said in words in the quote before anything is signed and
/// shown by `inspect` (text and JSON); an unknown flow is a departure and is not paid.
#[test]
fn payment_flows_are_shown_and_an_unknown_one_is_not_paid() {
    let with_flow = |flow: &str| {
        let mut o = crate::support::verifier::v2_option("1000");
        o["extra"]["paymentFlow"] = json!(flow);
        o
    };
    let server = Verifier::builder()
        .paid("/upfront", Offer::v2().accepts(vec![with_flow("upfront")]))
        .paid("/escrow", Offer::v2().accepts(vec![with_flow("escrow")]))
        .paid("/default", Offer::v2())
        .start();
    let env = Env::new();
    assert_eq!(env.import_key("payer", ANVIL1_KEY), ANVIL1_ADDRESS);
    env.write_config("default_account = \"payer\"\n");
    let pw = env.password_file("pw");
    let inspect = |path: &str, json: bool| {
        let mut cmd = env.x402();
        cmd.args(["inspect", &server.url(path)]);
        if json {
            cmd.arg("--json");
        }
        let out = cmd.output().unwrap();
        support::assert_exit(&out, 0);
        out
    };
    let upfront_words = "upfront: the server settles before it runs the request: you are \
                         charged even if the request then fails";
    let text = support::stdout(&inspect("/upfront", false));
    assert!(
        text.lines()
            .any(|l| l.trim_start().starts_with("flow") && l.ends_with(upfront_words)),
        "{text}"
    );
    let data = json_data(&inspect("/upfront", true));
    assert_eq!(data["options"][0]["payment_flow"], "upfront");
    assert_eq!(data["chosen"], 0);
    let data = json_data(&inspect("/default", true));
    assert_eq!(data["options"][0]["payment_flow"], "authorization");
    // The text report names a flow when the server sends one.
    let text = support::stdout(&inspect("/default", false));
    assert!(!text.contains("  flow"), "{text}");
    let text = support::stdout(&inspect("/escrow", false));
    assert!(
        text.contains(r#""escrow", not a payment flow this tool knows"#),
        "{text}"
    );

    // An unknown flow: a departure, not payable, nothing signed.
    let data = json_data(&inspect("/escrow", true));
    assert_eq!(data["options"][0]["payment_flow"], Value::Null);
    assert_eq!(data["chosen"], Value::Null);
    let departure = data["departures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["field"] == "extra.paymentFlow")
        .unwrap_or_else(|| panic!("no paymentFlow departure: {data:#}"));
    assert_eq!(departure["option"], 0);
    assert!(
        departure["message"]
            .as_str()
            .unwrap()
            .contains("is 'escrow', a payment flow this tool does not know"),
        "{departure}"
    );
    let out = env.pay(&pw, &server.url("/escrow"), &[]);
    assert!(support::error_line(&out, 112).contains("extra.paymentFlow is 'escrow'"));
    assert_eq!(server.payment_headers(), 0);

    // upfront: the quote says so in words, before the payment; then it pays.
    let out = env.pay(&pw, &server.url("/upfront"), &[]);
    support::assert_exit(&out, 0);
    let err = support::stderr(&out);
    let said = err
        .find(&format!("flow      {upfront_words}"))
        .unwrap_or_else(|| panic!("{err}"));
    assert!(said < err.find("paid 0.001 USDC").unwrap(), "{err}");
    assert_eq!(server.payment_headers(), 1);
    // The default flow adds nothing to the quote.
    let out = env.pay(&pw, &server.url("/default"), &[]);
    support::assert_exit(&out, 0);
    assert!(!support::stderr(&out).contains("flow "));
}

/// The server names a settlement transaction that reverted on-chain: with the chain asked,
/// 114 and `rejected` with that transaction, and still counted (the signature can be used by
/// another transaction until it expires); `history check` keeps it open.
#[test]
fn a_reverted_settlement_moved_nothing_but_the_authorization_stays_open() {
    let net = localnet::get();
    let server = Verifier::builder()
        .paid(
            "/reverted",
            Offer::v2().answer(Answer::Reverted).settle_on(chain(net)),
        )
        .paid("/other", Offer::v2())
        .start();
    let (env, pw) = payer(net, true);
    let out = env.pay(&pw, &server.url("/reverted"), &[]);
    let tx = server.settled().pop().unwrap();
    assert_eq!(receipt_status(net, &tx).as_deref(), Some("0x0"));
    let nonce = server.only_payment().verdict.nonce.unwrap();
    let line = support::error_line(&out, 114);
    assert!(
        line.contains(&format!(
            "the settlement failed: transaction {tx} reverted (settlement_pending); it moved \
             nothing, but the signed authorization (nonce {nonce}) can still be used"
        )),
        "{line}"
    );
    let r = only_record(&env);
    assert_eq!(r["status"], "rejected");
    assert_eq!(r["transaction"], tx.as_str());
    assert!(budget_counts_it(&env, &server.url("/other")));
    let (code, data) = check(&env);
    assert_eq!(code, Some(0), "{data:#}");
    assert_eq!(data["checked"][0]["after"], "rejected");
    assert!(!authorization_used(net, &nonce));
    assert!(budget_counts_it(&env, &server.url("/other")));
}

/// `disputed` is shown in red at a terminal that takes colour, and never coloured into a pipe.
#[test]
fn disputed_is_red_at_a_terminal() {
    let env = Env::new();
    let now = jiff::Timestamp::now();
    let mut journal = String::new();
    for (byte, status) in [(0x0a, "settled"), (0x0b, "disputed")] {
        let nonce = format!("0x{}", format!("{byte:02x}").repeat(32));
        let signed = json!({
            "event": "signed", "time": now.to_string(), "url": "http://127.0.0.1:9/item",
            "method": "GET", "bodySha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "version": 2, "network": "eip155:84532", "networkName": "base-sepolia",
            "asset": BASE_SEPOLIA_USDC, "symbol": "USDC", "decimals": 6, "amount": "1000",
            "payTo": PAY_TO, "payer": ANVIL1_ADDRESS, "nonce": nonce,
            "validAfter": 0, "validBefore": now.as_second() + 300,
        });
        let outcome = json!({"event": "outcome", "time": now.to_string(), "nonce": nonce,
            "status": status, "transaction": MADE_UP_TX});
        journal.push_str(&format!("{signed}\n{outcome}\n"));
    }
    std::fs::create_dir_all(env.x402_home()).unwrap();
    std::fs::write(env.x402_home().join("journal.jsonl"), journal).unwrap();
    let red = "\u{1b}[1;31mdisputed";
    let t = env.terminal(&["history"], |c| {
        c.env_remove("NO_COLOR").env("TERM", "xterm-256color");
    });
    let (code, shown) = t.finish();
    assert_eq!(code, Some(0), "{shown}");
    assert!(shown.contains(red), "{shown:?}");
    assert!(!shown.contains("\u{1b}[1;31msettled"), "{shown:?}");
    // Into a pipe, even when colour is forced on stderr: plain text.
    let out = env.run(&["history", "--color", "always"]);
    assert_eq!(out.status.code(), Some(0));
    let listing = support::stdout(&out);
    assert!(
        listing.contains("disputed") && !listing.contains('\u{1b}'),
        "{listing:?}"
    );
}

/// At a terminal `history cancel` asks (default no) and sends nothing on "n"; on "y" it cancels
/// a payment the server refused, which until then still counted.
#[test]
fn history_cancel_asks_at_a_terminal() {
    let net = localnet::get();
    let server = Verifier::builder()
        .paid(
            "/refused",
            Offer::v2().answer(Answer::Reject("invalid_exact_evm_payload".into())),
        )
        .paid("/other", Offer::v2())
        .start();
    let (env, pw) = payer(net, true);
    let out = env.pay(&pw, &server.url("/refused"), &[]);
    support::error_line(&out, 114);
    let nonce = server.only_payment().verdict.nonce.unwrap();
    assert_eq!(only_record(&env)["status"], "rejected");
    assert!(budget_counts_it(&env, &server.url("/other")));
    // The refused payment is still open: the same request again asks first.
    let out = env.run_pw(&["get", &server.url("/refused")], &pw);
    assert!(
        support::error_line(&out, 110)
            .contains("an earlier payment for this request may still settle")
    );
    assert!(
        support::stderr(&out).contains("status rejected"),
        "{}",
        support::stderr(&out)
    );
    let prompt = "Send the cancellation? [y/N]";
    let args = [
        "history",
        "cancel",
        &nonce,
        "--password-file",
        pw.to_str().unwrap(),
    ];
    let mut t = env.terminal(&args, |_| {});
    t.expect(&format!(
        "cancel the authorization of 0.001 USDC to {PAY_TO} on base-sepolia"
    ));
    t.expect(prompt);
    std::thread::sleep(std::time::Duration::from_millis(200));
    t.type_line("n");
    let (code, shown) = t.finish();
    assert_eq!(code, Some(110), "{shown}");
    assert!(shown.contains("cancellation declined"), "{shown}");
    assert_eq!(only_record(&env)["status"], "rejected");
    assert!(!authorization_used(net, &nonce));

    let _guard = localnet::chain_lock();
    let mut t = env.terminal(&args, |_| {});
    t.expect(prompt);
    std::thread::sleep(std::time::Duration::from_millis(200));
    t.type_line("y");
    let (code, shown) = t.finish();
    assert_eq!(code, Some(0), "{shown}");
    assert!(
        shown.contains(&format!("cancelled {nonce} on base-sepolia  tx 0x")),
        "{shown}"
    );
    let r = only_record(&env);
    assert_eq!(r["status"], "cancelled");
    assert!(authorization_used(net, &nonce));
    assert!(!budget_counts_it(&env, &server.url("/other")));
}

/// A token with EIP-3009 `authorizationState` but no `cancelAuthorization`: the cancellation is
/// refused before any transaction is sent, and the payment stays open.
#[test]
fn history_cancel_refuses_a_token_without_cancel_authorization() {
    let net = localnet::get();
    // Runtime code: `authorizationState(address,bytes32)` (0xe94a0102) returns false; any
    // other call reverts.
    let token = "0x00000000000000000000000000000000000c0dE5";
    let code = "0x60003560e01c63e94a01021460145760006000fd5b60206000f3";
    rpc_call(
        &net.rpc("baseSepolia"),
        "anvil_setCode",
        json!([token, code]),
    );
    let env = Env::new();
    assert_eq!(env.import_key("payer", ANVIL1_KEY), ANVIL1_ADDRESS);
    env.write_config(&format!(
        "default_account = \"payer\"\n\n[rpc]\nbase-sepolia = \"{}\"\n\n[[assets]]\n\
         network = \"eip155:84532\"\naddress = \"{token}\"\nsymbol = \"NOCAN\"\ndecimals = 6\n\
         eip712_name = \"NoCancel\"\neip712_version = \"1\"\n",
        net.rpc("baseSepolia")
    ));
    let pw = env.password_file("pw");
    let now = jiff::Timestamp::now();
    let nonce = format!("0x{}", "5a".repeat(32));
    let signed = json!({
        "event": "signed", "time": now.to_string(), "url": "http://127.0.0.1:9/item",
        "method": "GET", "bodySha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "version": 2, "network": "eip155:84532", "networkName": "base-sepolia",
        "asset": token, "symbol": "NOCAN", "decimals": 6, "amount": "1000",
        "payTo": PAY_TO, "payer": ANVIL1_ADDRESS, "nonce": nonce,
        "validAfter": 0, "validBefore": now.as_second() + 300,
    });
    let outcome = json!({"event": "outcome", "time": now.to_string(), "nonce": nonce,
        "status": "rejected", "reason": "invalid_payment"});
    std::fs::write(
        env.x402_home().join("journal.jsonl"),
        format!("{signed}\n{outcome}\n"),
    )
    .unwrap();
    let count = || {
        rpc_call(
            &net.rpc("baseSepolia"),
            "eth_getTransactionCount",
            json!([ANVIL1_ADDRESS, "latest"]),
        )
    };
    let _guard = localnet::chain_lock();
    let sent_before = count();
    let out = env.run_pw(&["history", "cancel", &nonce, "--yes"], &pw);
    let line = support::error_line(&out, 1);
    assert!(
        line.contains(&format!("{token} refused cancelAuthorization"))
            && line.contains("a token without EIP-3009 cancelAuthorization cannot cancel it"),
        "{line}"
    );
    assert_eq!(count(), sent_before, "no transaction was sent");
    assert_eq!(only_record(&env)["status"], "rejected");
}
