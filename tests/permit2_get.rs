//! `x402 get` paying the `/permit2/*` routes of the official v2 server, settled by the official
//! facilitator on the local chain (84532, posing as Base Sepolia): Permit2 `exact`, each
//! gas-sponsoring extension with a payer that holds no ETH, `upto` charging less than its
//! maximum, the allowance-missing refusals (read from the chain before signing, or the server's
//! 412 without an RPC URL), `wallet approve` then paying, the cap and the daily budget judged on
//! the maximum, and `history check` / `history cancel` of what was paid. Token balances, nonce
//! bitmaps and allowances are read with Foundry's `cast`, never through x402. Each test uses
//! accounts of its own (fresh keys, tokens minted); the payee's balance is shared, so tests that
//! assert on it hold the chain lock.

use crate::support::{self, Env, foundry_bin, json_data, localnet};
use alloy_signer_local::PrivateKeySigner;
use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;

const CHAIN: &str = "baseSepolia";
pub(crate) const ETH: u128 = 1_000_000_000_000_000_000;

fn cast(net: &localnet::Localnet, args: &[&str]) -> String {
    let out = Command::new(foundry_bin("cast"))
        .args(args)
        .arg("--rpc-url")
        .arg(net.rpc(CHAIN))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cast {args:?}: {}",
        support::stderr(&out)
    );
    support::stdout(&out).trim().to_string()
}

/// A fresh payer in an isolated home: its key imported as the default account "payer"
/// (password "pw"), `wei` of gas, `tokens` of each test token minted, and a config that knows
/// PUSD and PMUSD and (`rpc`) points base-sepolia at the local chain.
pub(crate) struct Payer {
    pub(crate) net: &'static localnet::Localnet,
    pub(crate) env: Env,
    key: PrivateKeySigner,
    pub(crate) address: String,
    pub(crate) pw: PathBuf,
}

impl Payer {
    pub(crate) fn new(wei: u128, tokens: u64, rpc: bool) -> Payer {
        let net = localnet::get();
        let key = PrivateKeySigner::random();
        let env = Env::new();
        let address = env.import_key(
            "payer",
            &alloy_primitives::hex::encode_prefixed(key.to_bytes()),
        );
        assert_eq!(address, key.address().to_checksum(None));
        let rpc_section = if rpc {
            format!("[rpc]\nbase-sepolia = \"{}\"\n\n", net.rpc(CHAIN))
        } else {
            String::new()
        };
        env.write_config(&format!(
            "default_account = \"payer\"\n\n{rpc_section}\
             [[assets]]\nnetwork = \"eip155:84532\"\naddress = \"{}\"\nsymbol = \"PUSD\"\n\
             decimals = 6\neip712_name = \"PlainUSD\"\neip712_version = \"1\"\n\
             transfer_method = \"permit2\"\n\n\
             [[assets]]\nnetwork = \"eip155:84532\"\naddress = \"{}\"\nsymbol = \"PMUSD\"\n\
             decimals = 6\neip712_name = \"Permit USD\"\neip712_version = \"1\"\n\
             transfer_method = \"permit2\"\n",
            net.permit2_token("plain"),
            net.permit2_token("permit"),
        ));
        let set_balance = |wei: u128| {
            cast(
                net,
                &["rpc", "anvil_setBalance", &address, &format!("{wei:#x}")],
            )
        };
        // Gas for minting from its own key (no account shared with other tests), then the gas
        // the test asks for.
        set_balance(ETH);
        let payer = Payer {
            net,
            pw: env.password_file("pw"),
            env,
            key,
            address: address.clone(),
        };
        for token in ["plain", "permit"] {
            payer.mint(token, tokens);
        }
        set_balance(wei);
        payer
    }

    /// `token.mint(payer, amount)`, sent by the payer (the test tokens let anyone mint).
    fn mint(&self, token: &str, amount: u64) {
        cast(
            self.net,
            &[
                "send",
                &self.net.permit2_token(token),
                "mint(address,uint256)",
                &self.address,
                &amount.to_string(),
                "--private-key",
                &alloy_primitives::hex::encode_prefixed(self.key.to_bytes()),
            ],
        );
    }

    /// `approve(Permit2, max)` from the payer, sent with `cast` (not x402).
    pub(crate) fn approve_with_cast(&self, token: &str) {
        cast(
            self.net,
            &[
                "send",
                &self.net.permit2_token(token),
                "approve(address,uint256)",
                &self.net.permit2_address(),
                &alloy_primitives::U256::MAX.to_string(),
                "--private-key",
                &alloy_primitives::hex::encode_prefixed(self.key.to_bytes()),
            ],
        );
    }

    pub(crate) fn balance(&self, token: &str) -> u128 {
        self.net
            .token_balance(CHAIN, &self.net.permit2_token(token), &self.address)
    }

    fn pay(&self, route: &str, extra: &[&str]) -> std::process::Output {
        self.env
            .pay(&self.pw, &self.net.permit2_route(route).url, extra)
    }

    pub(crate) fn payments(&self) -> Vec<Value> {
        let out = self.env.run(&["history", "--json"]);
        support::assert_exit(&out, 0);
        json_data(&out)["payments"].as_array().unwrap().clone()
    }
}

fn payee(net: &localnet::Localnet) -> String {
    net.account("payee").0
}

/// The Permit2 nonce bit of `owner` for the decimal `nonce`, read with `cast`.
fn nonce_spent(net: &localnet::Localnet, owner: &str, nonce: &str) -> bool {
    use alloy_primitives::U256;
    let nonce = U256::from_str_radix(nonce, 10).unwrap();
    let word: U256 = nonce >> 8usize;
    let bit: usize = (nonce & U256::from(0xffu64)).to::<usize>();
    let text = cast(
        net,
        &[
            "call",
            &net.permit2_address(),
            "nonceBitmap(address,uint256)(uint256)",
            owner,
            &word.to_string(),
        ],
    );
    let bitmap =
        alloy_primitives::U256::from_str_radix(text.split_whitespace().next().unwrap(), 10)
            .unwrap();
    bitmap.bit(bit)
}

/// Pays `route` and checks the chain moved exactly `moved` of `token` from the payer to the
/// payee, and the journal's record of it.
fn pay_and_check(payer: &Payer, route: &str, token: &str, moved: u128) -> Value {
    let net = payer.net;
    let r = net.permit2_route(route);
    let token_address = net.permit2_token(token);
    let _lock = localnet::chain_lock();
    let (payer_before, payee_before) = (
        payer.balance(token),
        net.token_balance(CHAIN, &token_address, &payee(net)),
    );
    let out = payer.pay(route, &[]);
    support::assert_exit(&out, 0);
    assert!(!out.stdout.is_empty(), "the resource is delivered");
    assert_eq!(payer.balance(token), payer_before - moved, "{route}");
    assert_eq!(
        net.token_balance(CHAIN, &token_address, &payee(net)),
        payee_before + moved,
        "{route}"
    );
    let payments = payer.payments();
    assert_eq!(payments.len(), 1, "{route}: {payments:?}");
    let p = payments[0].clone();
    assert_eq!(p["status"], "settled", "{route}");
    assert_eq!(p["transfer"], "permit2", "{route}");
    // `exact` is the journal's default, left out of the line.
    assert_eq!(p["scheme"].as_str().unwrap_or("exact"), r.scheme, "{route}");
    assert_eq!(
        p["amount"],
        r.amount.to_string(),
        "{route}: the amount signed"
    );
    let spender = if r.scheme == "upto" {
        net.s("/permit2/uptoProxy")
    } else {
        net.s("/permit2/exactProxy")
    };
    assert_eq!(p["spender"], spender, "{route}");
    let nonce = p["nonce"].as_str().unwrap();
    assert!(
        nonce.bytes().all(|b| b.is_ascii_digit()),
        "decimal: {nonce}"
    );
    assert!(nonce_spent(net, &payer.address, nonce), "{route}");
    p
}

#[test]
fn an_exact_permit2_route_is_paid_and_history_check_verifies_it() {
    let payer = Payer::new(ETH, 10_000, true);
    payer.approve_with_cast("plain");
    let p = pay_and_check(&payer, "permit2Exact", "plain", 1_000);
    assert_eq!(p["charged"], Value::Null);
    let out = payer.env.run(&["history", "check", "--json"]);
    support::assert_exit(&out, 0);
    let checked = &json_data(&out)["checked"][0];
    assert_eq!(checked["after"], "settled");
    assert_eq!(checked["verified"], true, "{checked}");
    assert!(
        checked["note"]
            .as_str()
            .unwrap()
            .contains("moved exactly 0.001 PUSD"),
        "{checked}"
    );
}

#[test]
fn both_gas_sponsoring_extensions_pay_for_a_payer_without_eth() {
    for (route, token) in [
        ("permit2Eip2612", "permit"),
        ("permit2Erc20Approval", "plain"),
    ] {
        // No ETH, no allowance: the extension is the only way.
        let payer = Payer::new(0, 10_000, true);
        let nonce = || -> u64 { cast(payer.net, &["nonce", &payer.address]).parse().unwrap() };
        let nonce_before = nonce();
        pay_and_check(&payer, route, token, 1_000);
        let nonce = nonce() - nonce_before;
        let allowance = payer.net.token_allowance(
            CHAIN,
            &payer.net.permit2_token(token),
            &payer.address,
            &payer.net.permit2_address(),
        );
        if route == "permit2Eip2612" {
            // The permit was submitted by the facilitator: the payer sent nothing, paid nothing.
            assert_eq!(nonce, 0, "{route}");
            assert_eq!(
                payer.net.native_balance(CHAIN, &payer.address),
                0,
                "{route}"
            );
        } else {
            // The payer's signed approve, funded and broadcast by the facilitator.
            assert_eq!(nonce, 1, "{route}");
            assert_eq!(allowance, u128::MAX, "{route}: approve(Permit2, max)");
        }
        let out = payer.env.run(&["history", "check", "--json"]);
        support::assert_exit(&out, 0);
        assert_eq!(json_data(&out)["checked"][0]["verified"], true, "{route}");
    }
}

#[test]
fn upto_is_quoted_on_its_maximum_and_records_the_charge() {
    let payer = Payer::new(ETH, 10_000, true);
    payer.approve_with_cast("plain");
    let r = payer.net.permit2_route("upto");
    let charged = r.charged.unwrap();
    assert!(charged < r.amount);

    // The quote says "up to" the maximum.
    let out = payer.env.run(&["get", &r.url, "--dry-run"]);
    support::assert_exit(&out, 0);
    assert!(
        support::stderr(&out).contains("asks up to 0.002 PUSD on"),
        "{}",
        support::stderr(&out)
    );

    let p = pay_and_check(&payer, "upto", "plain", charged);
    assert_eq!(p["charged"], charged.to_string());
    assert_eq!(p["charged_decimal"], "0.00125");
    let out = payer.env.run(&["history"]);
    support::assert_exit(&out, 0);
    assert!(
        support::stdout(&out).contains("0.00125 PUSD of up to 0.002 PUSD"),
        "{}",
        support::stdout(&out)
    );
    let out = payer.env.run(&["history", "check", "--json"]);
    support::assert_exit(&out, 0);
    let checked = &json_data(&out)["checked"][0];
    assert_eq!(checked["verified"], true, "{checked}");
    assert!(
        checked["note"]
            .as_str()
            .unwrap()
            .contains("charged 0.00125 PUSD of the signed maximum of 0.002 PUSD"),
        "{checked}"
    );
}

#[test]
fn the_cap_and_the_daily_budget_judge_the_upto_maximum() {
    let payer = Payer::new(ETH, 10_000, true);
    payer.approve_with_cast("plain");
    // The charge (0.00125) is within both limits; the maximum (0.002) is not.
    let out = payer.pay("upto", &["--max-amount", "0.0015"]);
    let line = support::error_line(&out, 111);
    assert!(
        line.contains("up to 0.002 PUSD is above the per-payment cap of 0.0015 PUSD"),
        "{line}"
    );
    let out = payer.pay("upto", &["--daily-limit", "0.0015"]);
    let line = support::error_line(&out, 111);
    assert!(line.contains("would exceed the daily limit"), "{line}");
    assert!(payer.payments().is_empty(), "nothing was signed");
    assert_eq!(payer.balance("plain"), 10_000);
}

#[test]
fn without_allowance_or_extension_it_is_refused_before_signing_until_approved() {
    let payer = Payer::new(ETH, 10_000, true);
    let before = payer.balance("permit");
    let out = payer.pay("permit2NoExtension", &[]);
    let line = support::error_line(&out, 117);
    assert!(line.contains("nothing was signed"), "{line}");
    assert!(
        line.contains("x402 wallet approve --network eip155:84532"),
        "{line}"
    );
    assert!(
        payer.payments().is_empty(),
        "nothing signed, nothing journaled"
    );

    // Approve through x402, then pay.
    let out = payer
        .env
        .x402()
        .args([
            "wallet",
            "approve",
            "--network",
            "base-sepolia",
            "--asset",
            "PMUSD",
            "--amount",
            "0.01",
            "--yes",
            "--password-file",
        ])
        .arg(&payer.pw)
        .output()
        .unwrap();
    support::assert_exit(&out, 0);
    let _lock = localnet::chain_lock();
    let out = payer.pay("permit2NoExtension", &[]);
    support::assert_exit(&out, 0);
    assert_eq!(payer.balance("permit"), before - 1_000);
    assert_eq!(payer.payments()[0]["status"], "settled");
}

#[test]
fn without_an_rpc_the_servers_412_is_the_same_refusal_and_the_open_permit_can_be_cancelled() {
    let payer = Payer::new(ETH, 10_000, false);
    let out = payer.pay("permit2NoExtension", &[]);
    let line = support::error_line(&out, 117);
    assert!(
        line.contains("the server answered permit2_allowance_required"),
        "{line}"
    );
    assert!(line.contains("x402 wallet approve"), "{line}");
    assert!(
        line.contains("x402 history cancel"),
        "the permit sent is open: {line}"
    );
    let payments = payer.payments();
    assert_eq!(payments.len(), 1);
    assert_eq!(payments[0]["status"], "rejected");
    let nonce = payments[0]["nonce"].as_str().unwrap().to_owned();
    assert!(!nonce_spent(payer.net, &payer.address, &nonce));

    // With the RPC known, the open permit is cancelled on-chain.
    let with_rpc = format!(
        "{}\n[rpc]\nbase-sepolia = \"{}\"\n",
        std::fs::read_to_string(payer.env.x402_home().join("config.toml")).unwrap(),
        payer.net.rpc(CHAIN)
    );
    payer.env.write_config(&with_rpc);
    let out = payer
        .env
        .x402()
        .args([
            "history",
            "cancel",
            &nonce,
            "--yes",
            "--json",
            "--password-file",
        ])
        .arg(&payer.pw)
        .output()
        .unwrap();
    support::assert_exit(&out, 0);
    let data = json_data(&out);
    assert_eq!(data["status"], "cancelled");
    assert_eq!(data["before"], "rejected");
    let tx = data["transaction"].as_str().unwrap();
    let receipt: Value =
        serde_json::from_str(&cast(payer.net, &["receipt", tx, "--json"])).unwrap();
    assert_eq!(receipt["status"], "0x1");
    assert!(nonce_spent(payer.net, &payer.address, &nonce));
    assert_eq!(payer.payments()[0]["status"], "cancelled");
    // Cancelled: nothing more to do.
    let out = payer
        .env
        .x402()
        .args(["history", "cancel", &nonce, "--yes", "--password-file"])
        .arg(&payer.pw)
        .output()
        .unwrap();
    let line = support::error_line(&out, 1);
    assert!(line.contains("already cancelled"), "{line}");
}

/// A server in front of the local v2 server (`upstream`, its base URL) that passes every
/// request on and turns each answer carrying a settlement into 402 with that settlement as
/// `success: false`, `errorReason: settlement_pending`, its transaction kept and its `amount`
/// replaced by `amount`: a server whose confirmation came too late, and whose receipt may
/// name a charge other than the one that moved. Returns its base URL.
fn settlement_pending_relay(upstream: &str, amount: &str) -> String {
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;
    let (upstream, amount) = (upstream.to_owned(), amount.to_owned());
    let client = x402::http::client(&Default::default()).unwrap();
    let app = axum::Router::new().fallback(move |req: axum::extract::Request| {
        let (client, upstream, amount) = (client.clone(), upstream.clone(), amount.clone());
        async move {
            let path = req.uri().path_and_query().unwrap().to_string();
            let mut ask = client.request(req.method().clone(), format!("{upstream}{path}"));
            for (name, value) in req.headers() {
                if name != axum::http::header::HOST {
                    ask = ask.header(name, value);
                }
            }
            let answer = ask.send().await.unwrap();
            let status = answer.status();
            let mut headers = answer.headers().clone();
            for framing in ["content-length", "transfer-encoding", "connection"] {
                headers.remove(framing);
            }
            let body = answer.bytes().await.unwrap();
            let Some(settlement) = headers.remove("payment-response") else {
                return (status, headers, body.to_vec());
            };
            let mut s: Value =
                serde_json::from_slice(&STANDARD.decode(settlement.as_bytes()).unwrap()).unwrap();
            assert!(
                s["transaction"].as_str().is_some_and(|t| !t.is_empty()),
                "{s}"
            );
            s["success"] = Value::Bool(false);
            s["errorReason"] = Value::from("settlement_pending");
            s["amount"] = Value::from(amount);
            let mut headers = axum::http::HeaderMap::new();
            headers.insert(
                "payment-response",
                STANDARD
                    .encode(s.to_string())
                    .parse::<axum::http::HeaderValue>()
                    .unwrap(),
            );
            (
                axum::http::StatusCode::PAYMENT_REQUIRED,
                headers,
                Vec::new(),
            )
        }
    });
    crate::support::relay::serve(app)
}

/// A receipt that fails to confirm an `upto` settlement and names its transaction: with the
/// RPC configured, the chain is asked whether that transaction moved exactly the charge the
/// receipt names (never "anything up to the maximum"), as `history check` judges it.
#[test]
fn an_unconfirmed_upto_settlement_is_judged_on_the_charge_its_receipt_names() {
    let payer = Payer::new(ETH, 10_000, true);
    payer.approve_with_cast("plain");
    let net = payer.net;
    let r = net.permit2_route("upto");
    let charged = r.charged.unwrap();
    let path = reqwest::Url::parse(&r.url).unwrap().path().to_owned();
    let upstream = net.s("/v2/serverUrl");
    let _lock = localnet::chain_lock();

    // The receipt says 1000 was charged; the chain moved 1250: not this receipt's settlement.
    let lying = settlement_pending_relay(&upstream, "1000");
    let before = payer.balance("plain");
    let out = payer.env.pay(&payer.pw, &format!("{lying}{path}"), &[]);
    let line = support::error_line(&out, 115);
    assert!(
        line.contains("the server answered settlement_pending with transaction")
            && line.contains("but it did not use this payment's authorization"),
        "{line}"
    );
    assert_eq!(
        payer.balance("plain"),
        before - charged,
        "the chain moved it"
    );
    let p = &payer.payments()[0];
    assert_eq!(p["status"], "unknown", "{p}");

    // A receipt naming the charge that moved: settled, and the charge recorded.
    let truthful = settlement_pending_relay(&upstream, &charged.to_string());
    let before = payer.balance("plain");
    let out = payer.env.pay(&payer.pw, &format!("{truthful}{path}"), &[]);
    let err = support::stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("paid 0.00125 PUSD of up to 0.002 PUSD"),
        "{err}"
    );
    assert_eq!(payer.balance("plain"), before - charged);
    let payments = payer.payments();
    let p = payments.iter().find(|p| p["status"] == "settled").unwrap();
    assert_eq!(p["charged"], charged.to_string(), "{p}");
    let out = payer.env.run(&["history", "check", "--json"]);
    let data = json_data(&out);
    let verified = data["checked"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["before"] == "settled")
        .unwrap_or_else(|| panic!("{data:#}"));
    assert_eq!(verified["verified"], true, "{verified}");
}

/// The official upto server charging 0 (settlement override `"0"`): the facilitator answers
/// `success` with `amount: "0"` and no transaction. `get` delivers the resource (exit 0), says
/// nothing was charged and that the signed permit stays open, the journal records a charge of
/// 0 with no transaction, the receipt's `charged` is `"0"`, and no token moves.
#[test]
fn an_upto_charge_of_zero_pays_nothing_and_says_so() {
    let payer = Payer::new(ETH, 10_000, true);
    payer.approve_with_cast("plain");
    let net = payer.net;
    let r = net.permit2_route("uptoZero");
    assert_eq!((r.scheme.as_str(), r.charged), ("upto", Some(0)));
    let token = net.permit2_token("plain");
    let receipt = payer.env.path("receipt.json");
    let _lock = localnet::chain_lock();
    let before = (
        payer.balance("plain"),
        net.token_balance(CHAIN, &token, &payee(net)),
    );
    let out = payer.pay("uptoZero", &["--receipt", receipt.to_str().unwrap()]);
    let err = support::stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let body: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(body["route"], "uptoZero");
    assert!(
        err.contains(&format!(
            "paid 0.00 PUSD of up to 0.002 PUSD on base-sepolia to {}  no transaction",
            payee(net)
        )),
        "{err}"
    );
    assert!(
        err.contains("the server says it charged nothing; the signed permit (Permit2 nonce"),
        "{err}"
    );
    assert!(!err.contains("  tx "), "{err}");
    // Nothing moved on chain, and the permit is unused.
    assert_eq!(
        (
            payer.balance("plain"),
            net.token_balance(CHAIN, &token, &payee(net))
        ),
        before
    );
    let payments = payer.payments();
    assert_eq!(payments.len(), 1, "{payments:?}");
    let p = &payments[0];
    assert_eq!(p["status"], "settled", "{p}");
    assert_eq!(p["charged"], "0", "{p}");
    assert_eq!(p["transaction"], Value::Null, "{p}");
    assert!(!nonce_spent(
        net,
        &payer.address,
        p["nonce"].as_str().unwrap()
    ));
    let doc: Value = serde_json::from_slice(&std::fs::read(&receipt).unwrap()).unwrap();
    assert_eq!(doc["status"], "paid", "{doc}");
    assert_eq!(doc["amount"], "2000", "{doc}");
    assert_eq!(doc["amount_is_maximum"], true, "{doc}");
    assert_eq!(
        (&doc["charged"], &doc["charged_decimal"]),
        (&Value::from("0"), &Value::from("0.00")),
        "{doc}"
    );
    assert_eq!(doc["transaction"], Value::Null, "{doc}");
}

/// The chain reads of a Permit2 payment (chain id, `allowance(payer, Permit2)`, the balance)
/// are made before the journal's lock is taken: no read reaches the node while this process
/// holds it.
#[test]
fn no_chain_read_is_made_while_the_journal_is_locked() {
    let payer = Payer::new(ETH, 10_000, true);
    payer.approve_with_cast("plain");
    let net = payer.net;
    let probe = crate::support::relay::LockProbe::start(
        &net.rpc(CHAIN),
        payer.env.x402_home().join("journal.jsonl"),
    );
    let config = std::fs::read_to_string(payer.env.x402_home().join("config.toml")).unwrap();
    payer
        .env
        .write_config(&config.replace(&net.rpc(CHAIN), &probe.url));
    let _lock = localnet::chain_lock();
    let before = payer.balance("plain");
    let out = payer.pay("permit2Exact", &[]);
    support::assert_exit(&out, 0);
    assert_eq!(payer.balance("plain"), before - 1_000);
    let seen = probe.seen();
    assert!(
        seen.iter().any(|(m, _)| m == "eth_chainId") && seen.iter().any(|(m, _)| m == "eth_call"),
        "{seen:?}"
    );
    let under_lock: Vec<_> = seen.iter().filter(|(_, locked)| *locked).collect();
    assert!(
        under_lock.is_empty(),
        "read under the journal's lock: {under_lock:?}"
    );
    assert_eq!(payer.payments()[0]["status"], "settled");
}
