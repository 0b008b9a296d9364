//! `x402 get` and `x402 inspect` against the official x402 v2 and v1 servers and facilitators
//! of the local network: money moves on the local chain exactly as priced, or not at all.

use crate::support::{self, Env, json_data, localnet};

/// An environment with the funded payer imported and the local chains configured.
pub(crate) fn payer_env() -> Env {
    let net = localnet::get();
    let env = Env::new();
    let (_, key) = net.account("payer");
    env.import_key("payer", &key);
    env.write_config(&format!(
        "default_account = \"payer\"\n\n[rpc]\nbase-sepolia = \"{}\"\n\n[networks.devchain]\nchain_id = 31337\nrpc_url = \"{}\"\n\n\
         [[assets]]\nnetwork = \"devchain\"\naddress = \"{}\"\nsymbol = \"USDC\"\ndecimals = 6\neip712_name = \"USDC\"\neip712_version = \"2\"\n",
        net.rpc("baseSepolia"),
        net.rpc("devchain"),
        net.s("/token/address"),
    ));
    env
}

fn payee_usdc(chain: &str, token: &str) -> u128 {
    let net = localnet::get();
    net.token_balance(chain, token, &net.account("payee").0)
}

fn bs_usdc() -> String {
    localnet::get().s("/token/baseSepoliaUsdc")
}

#[test]
fn pays_v2_and_v1_routes_exactly_the_price() {
    let net = localnet::get();
    let env = payer_env();
    let pw = env.password_file("pw");
    for server in ["/v2/serverUrl", "/v1/serverUrl"] {
        let url = format!("{}/cheap", net.s(server));
        let _guard = localnet::chain_lock();
        let before = payee_usdc("baseSepolia", &bs_usdc());
        let receipt = env.path("receipt.json");
        let out = env.pay(&pw, &url, &["--receipt", receipt.to_str().unwrap()]);
        support::assert_exit(&out, 0);
        let body: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(body["route"], "cheap");
        assert_eq!(
            payee_usdc("baseSepolia", &bs_usdc()) - before,
            1000,
            "{server}"
        );
        let err = support::stderr(&out);
        assert!(err.contains("paid 0.001 USDC on base-sepolia"), "{err}");
        let r: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&receipt).unwrap()).unwrap();
        assert_eq!(r["status"], "paid");
        assert_eq!(r["amount"], "1000");
        assert_eq!(r["network"], "eip155:84532");
        assert_eq!(r["payer"], net.account("payer").0.as_str());
        assert_eq!(r["pay_to"], net.account("payee").0.as_str());
        let tx = r["transaction"].as_str().unwrap();
        assert!(
            tx.starts_with("0x") && tx.len() == 66 && err.contains(tx),
            "{r}"
        );
        // The signed authorization never appears on stderr, even with -v.
        let v = env.pay(&pw, &url, &["-v"]);
        let verr = support::stderr(&v);
        assert!(verr.contains("(redacted"), "{verr}");
        assert!(!verr.to_lowercase().contains("signature\":"), "{verr}");
    }
}

#[test]
fn post_body_reaches_the_server_through_the_paid_retry() {
    let net = localnet::get();
    let env = payer_env();
    for server in ["/v2/serverUrl", "/v1/serverUrl"] {
        let _guard = localnet::chain_lock();
        let url = format!("{}/echo", net.s(server));
        let out = env.pay(
            &env.password_file("pw"),
            &url,
            &["--json", r#"{"hello":"paid world","n":7}"#],
        );
        support::assert_exit(&out, 0);
        let body: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(body["hello"], "paid world", "{server}: {body}");
        assert_eq!(body["n"], 7);
    }
}

#[test]
fn multi_option_route_follows_network() {
    let net = localnet::get();
    let env = payer_env();
    let url = format!("{}/multi", net.s("/v2/serverUrl"));
    let token = net.s("/token/address");
    let _guard = localnet::chain_lock();
    let dev_before = payee_usdc("devchain", &token);
    let bs_before = payee_usdc("baseSepolia", &bs_usdc());
    env.x402()
        .args([
            "get",
            &url,
            "--yes",
            "--network",
            "devchain",
            "--password-file",
        ])
        .arg(env.password_file("pw"))
        .assert()
        .success();
    assert_eq!(payee_usdc("devchain", &token) - dev_before, 2000);
    assert_eq!(payee_usdc("baseSepolia", &bs_usdc()), bs_before);
    // Without --network, the server's first payable option.
    env.x402()
        .args(["get", &url, "--yes", "--password-file"])
        .arg(env.password_file("pw"))
        .assert()
        .success();
    assert_eq!(payee_usdc("baseSepolia", &bs_usdc()) - bs_before, 1000);
    // A network the 402 does not offer: nothing payable.
    env.x402()
        .args(["get", &url, "--yes", "--network", "base", "--password-file"])
        .arg(env.password_file("pw"))
        .assert()
        .code(112);
}

#[test]
fn no_money_moves_above_the_cap_on_dry_run_or_without_consent() {
    let net = localnet::get();
    let env = payer_env();
    let pw = env.password_file("pw");
    let _guard = localnet::chain_lock();
    let before = payee_usdc("baseSepolia", &bs_usdc());
    let expensive = format!("{}/expensive", net.s("/v2/serverUrl"));
    let cheap = format!("{}/cheap", net.s("/v2/serverUrl"));
    env.x402()
        .args(["get", &expensive, "--yes", "--password-file"])
        .arg(&pw)
        .assert()
        .code(111)
        .stderr(predicates::str::contains(
            "2.50 USDC is above the per-payment cap of 0.10 USDC",
        ));
    env.x402()
        .args([
            "get",
            &expensive,
            "--yes",
            "--max-amount",
            "$1",
            "--password-file",
        ])
        .arg(&pw)
        .assert()
        .code(111);
    env.write_config("[limits]\nper_payment = \"0.0005\"\n");
    env.x402()
        .args([
            "get",
            &cheap,
            "--yes",
            "--account",
            "payer",
            "--password-file",
        ])
        .arg(&pw)
        .assert()
        .code(111);
    // Dry run: the quote, no password asked, exit 0.
    let out = Env::new()
        .x402()
        .args(["get", &cheap, "--dry-run"])
        .output()
        .unwrap();
    support::assert_exit(&out, 0);
    assert!(support::stderr(&out).contains("asks 0.001 USDC"));
    assert!(out.stdout.is_empty());
    // Off a terminal without --yes: declined, no keystore touched.
    Env::new()
        .x402()
        .args(["get", &cheap])
        .assert()
        .code(110)
        .stderr(predicates::str::contains("--yes"));
    assert_eq!(payee_usdc("baseSepolia", &bs_usdc()), before);
}

#[test]
fn free_routes_and_wallet_errors() {
    let net = localnet::get();
    let env = Env::new();
    for server in ["/v2/serverUrl", "/v1/serverUrl"] {
        let url = format!("{}/free", net.s(server));
        let out = env.run(&["get", &url]);
        assert_eq!(out.status.code(), Some(0));
        assert!(!out.stdout.is_empty());
    }
    // A priced route with --yes but no account: a wallet problem after the quote.
    let cheap = format!("{}/cheap", net.s("/v2/serverUrl"));
    env.x402().args(["get", &cheap, "--yes"]).assert().code(116);
}

#[test]
fn inspect_reports_each_route() {
    let net = localnet::get();
    let env = payer_env();
    let v2 = net.s("/v2/serverUrl");
    let data = json_data(&env.run(&["inspect", &format!("{v2}/cheap"), "--json"]));
    assert_eq!(data["x402_version"], 2);
    assert_eq!(data["chosen"], 0);
    let o = &data["options"][0];
    assert_eq!(o["network_name"], "base-sepolia");
    assert_eq!(o["price"]["decimal"], "0.001");
    assert_eq!(o["price"]["symbol"], "USDC");
    assert_eq!(o["pay_to"], net.account("payee").0.as_str());
    let data = json_data(&env.run(&["inspect", &format!("{v2}/expensive"), "--json"]));
    assert_eq!(data["options"][0]["price"]["decimal"], "2.50");
    let data = json_data(&env.run(&[
        "inspect",
        &format!("{v2}/multi"),
        "--json",
        "--network",
        "devchain",
    ]));
    assert_eq!(data["options"].as_array().unwrap().len(), 2);
    assert_eq!(data["chosen"], 1);
    let v1 = net.s("/v1/serverUrl");
    let data = json_data(&env.run(&["inspect", &format!("{v1}/cheap"), "--json"]));
    assert_eq!(data["x402_version"], 1);
    assert_eq!(data["source"], "body");
    assert_eq!(data["options"][0]["price"]["base_units"], "1000");
    let data = json_data(&env.run(&["inspect", &format!("{v2}/free"), "--json"]));
    assert_eq!(data["payment_required"], false);
    // Inspect never touches a keystore: works with no account at all.
    Env::new()
        .x402()
        .args(["inspect", &format!("{v2}/cheap")])
        .assert()
        .success();
}

/// A wallet without USDC: with an RPC URL configured the balance is read first and nothing is
/// signed; without one, the official facilitator's refusal maps to the same exit code.
#[test]
fn insufficient_funds_is_113_with_or_without_an_rpc_url() {
    let net = localnet::get();
    let env = Env::new();
    let (_, key) = net.account("poorPayer");
    env.import_key("poor", &key);
    let pw = env.password_file("pw");
    let cheap = format!("{}/cheap", net.s("/v2/serverUrl"));
    env.write_config(&format!(
        "default_account = \"poor\"\n\n[rpc]\nbase-sepolia = \"{}\"\n",
        net.rpc("baseSepolia")
    ));
    let out = env.pay(&pw, &cheap, &[]);
    support::assert_exit(&out, 113);
    let err = support::stderr(&out);
    assert!(
        err.contains("holds 0.00 USDC") && err.contains("nothing was signed"),
        "{err}"
    );
    assert_eq!(env.history(&[])["payments"].as_array().unwrap().len(), 0);

    env.write_config("default_account = \"poor\"\n");
    let _guard = localnet::chain_lock();
    let out = env.pay(&pw, &cheap, &[]);
    support::assert_exit(&out, 113);
    assert!(support::stderr(&out).contains("does not hold 0.001 USDC"));
    assert_eq!(env.history(&[])["payments"][0]["status"], "rejected");
}
