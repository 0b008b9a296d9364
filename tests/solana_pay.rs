//! Paying Solana `exact` through the real binary against the official v2 server and
//! facilitator on the local Solana chain (LiteSVM posing as devnet, tests/localnet/svm):
//! `inspect` judging Solana options, and `history check` of Solana records. Balances are read
//! from the chain, independently of x402.

use crate::support::{self, Env, json_data, localnet};

/// An environment whose default Solana account is the local chain's `role` (imported from its
/// base58 secret key), with the local Solana and EVM chains configured.
pub(crate) fn solana_env(role: &str) -> Env {
    let net = localnet::get();
    let env = Env::new();
    let (_, secret) = net.solana_account(role);
    let out = env
        .x402()
        .args(["wallet", "import", "sol", "--solana", "--password-file"])
        .arg(env.password_file("pw"))
        .write_stdin(secret)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", support::stderr(&out));
    env.write_config(&format!(
        "default_solana_account = \"sol\"\n\n[rpc]\nsolana-devnet = \"{}\"\nbase-sepolia = \"{}\"\n",
        net.solana_rpc(),
        net.rpc("baseSepolia"),
    ));
    env
}

#[test]
fn inspect_shows_solana_options_payable_with_the_account_that_would_pay() {
    let net = localnet::get();
    let env = solana_env("payer");
    let (payer, _) = net.solana_account("payer");
    let out = env.run(&["inspect", &net.solana_route("cheap"), "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", support::stderr(&out));
    let data = json_data(&out);
    let option = &data["options"][0];
    assert_eq!(option["payable"], true, "{option}");
    assert_eq!(option["network_name"], "solana-devnet");
    assert_eq!(option["price"]["decimal"], "0.001");
    assert_eq!(option["pay_to"], net.solana_account("payee").0.as_str());
    assert_eq!(data["chosen"], 0);
    assert_eq!(data["choice"]["payer"]["family"], "solana");
    assert_eq!(data["choice"]["payer"]["account"], "sol");
    assert_eq!(data["choice"]["payer"]["address"], payer.as_str());
    assert_eq!(data["choice"]["cap"]["within"], true);

    // In words: the option, the choice and the account.
    let out = env.run(&["inspect", &net.solana_route("cheap")]);
    let text = support::stdout(&out);
    assert!(
        text.contains("option 1   x402 get would pay this one"),
        "{text}"
    );
    assert!(text.contains("0.001 USDC (1000 base units)"), "{text}");
    assert!(
        text.contains(&format!("payer      'sol' {payer}")),
        "{text}"
    );

    // Without a Solana account the option is still payable, and the report says who is missing.
    let bare = Env::new();
    bare.write_config(&format!(
        "[rpc]\nsolana-devnet = \"{}\"\n",
        net.solana_rpc()
    ));
    let data = json_data(&bare.run(&["inspect", &net.solana_route("cheap"), "--json"]));
    assert_eq!(data["chosen"], 0);
    let message = data["choice"]["payer"]["message"].as_str().unwrap();
    assert!(
        message.contains("no default Solana account") && message.contains("--solana"),
        "{message}"
    );
}

#[test]
fn the_mixed_route_follows_network_and_the_preference_in_config() {
    let net = localnet::get();
    let env = solana_env("payer");
    let url = net.solana_route("mixed");
    // The server lists base-sepolia first, but only a Solana account is here: the Solana
    // option is the one `get` would pay, and the choice says why.
    let data = json_data(&env.run(&["inspect", &url, "--json"]));
    assert_eq!(data["chosen"], 1, "{data}");
    assert_eq!(data["choice"]["payer"]["account"], "sol");
    let reason = data["choice"]["reason"].as_str().unwrap();
    assert!(
        reason.contains("that an account of yours can pay")
            && reason.contains("option 1 is on base-sepolia, and no EVM account would pay it"),
        "{reason}"
    );
    // With an EVM account too, the server's order decides.
    let evm = Env::new();
    let (_, secret) = net.solana_account("payer");
    for (name, extra, key) in [
        ("sol", Some("--solana"), secret),
        ("alice", None, support::ANVIL1_KEY.to_owned()),
    ] {
        let mut cmd = evm.x402();
        cmd.args(["wallet", "import", name, "--password-file"])
            .arg(evm.password_file("pw"));
        cmd.args(extra);
        let out = cmd.write_stdin(key).output().unwrap();
        assert!(out.status.success(), "{}", support::stderr(&out));
    }
    evm.write_config("default_account = \"alice\"\ndefault_solana_account = \"sol\"\n");
    let data = json_data(&evm.run(&["inspect", &url, "--json"]));
    assert_eq!(data["chosen"], 0, "{data}");
    assert_eq!(data["choice"]["payer"]["account"], "alice");
    assert_eq!(
        data["choice"]["reason"].as_str().unwrap(),
        "option 1, 0.001 USDC on base-sepolia: the server's first payable option"
    );
    for network in ["solana-devnet", "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1"] {
        let data = json_data(&env.run(&["inspect", &url, "--json", "--network", network]));
        assert_eq!(data["chosen"], 1, "{network}");
        assert_eq!(data["options"][1]["price"]["decimal"], "0.002");
        assert_eq!(data["choice"]["payer"]["account"], "sol");
        assert!(
            data["options"][0]["verdict"]
                .as_str()
                .unwrap()
                .contains("was not asked for (--network)"),
            "{}",
            data["options"][0]
        );
    }
    // [payment] networks in config.toml names Solana networks too.
    let config = std::fs::read_to_string(env.x402_home().join("config.toml")).unwrap();
    env.write_config(&format!(
        "{config}\n[payment]\nnetworks = [\"solana-devnet\", \"base-sepolia\"]\n"
    ));
    let data = json_data(&env.run(&["inspect", &url, "--json"]));
    assert_eq!(data["chosen"], 1);
    assert_eq!(data["choice"]["preferred_networks"][0], "solana-devnet");
    // An unknown Solana name is an error, as an unknown EVM one.
    let out = env.run(&["inspect", &url, "--network", "solana-mainnet"]);
    assert_ne!(out.status.code(), Some(0));
    assert!(
        support::stderr(&out).contains("solana-mainnet"),
        "{}",
        support::stderr(&out)
    );
}

#[test]
fn inspect_says_why_a_solana_option_cannot_be_paid() {
    let net = localnet::get();
    let env = solana_env("payer");
    // The Token-2022 test mint is not a token the network table knows: its price cannot be
    // shown honestly, so it is not paid.
    let data = json_data(&env.run(&["inspect", &net.solana_route("token2022"), "--json"]));
    let option = &data["options"][0];
    assert_eq!(option["payable"], false, "{option}");
    assert!(
        option["reason"]
            .as_str()
            .unwrap()
            .contains("is not a token this tool knows on solana-devnet"),
        "{option}"
    );
    // Above the cap: payable, and the cap says get would refuse it.
    let data = json_data(&env.run(&["inspect", &net.solana_route("expensive"), "--json"]));
    assert_eq!(data["options"][0]["payable"], true);
    assert_eq!(data["choice"]["cap"]["within"], false);
}

// ---------------------------------------------------------------- paying with x402 get

/// The journal's records (one JSON object per line, outcomes folded in by `history --json`).
fn history(env: &Env) -> Vec<serde_json::Value> {
    let out = env.run(&["history", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", support::stderr(&out));
    json_data(&out)["payments"].as_array().unwrap().clone()
}

/// USDC base units held by the role's token account, read from the chain.
fn usdc(role: &str) -> u64 {
    let net = localnet::get();
    net.solana_token_balance(&net.solana_ata(role)).unwrap_or(0)
}

fn get(env: &Env, url: &str, extra: &[&str]) -> std::process::Output {
    env.x402()
        .args(["get", url, "--password-file"])
        .arg(env.password_file("pw"))
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn get_pays_each_solana_route_exactly_the_price_and_history_check_confirms() {
    let net = localnet::get();
    let env = solana_env("payer");
    let (payer, _) = net.solana_account("payer");
    let (payee, _) = net.solana_account("payee");
    let receipt = env.path("receipt.json");
    let receipt_arg = receipt.to_str().unwrap();
    // The mixed route lists base-sepolia first; with only a Solana account `get` pays its
    // Solana option without being told.
    let cases: [(&str, Vec<&str>, u64); 4] = [
        ("cheap", vec![], 1000),
        ("echo", vec!["--json", r#"{"q": 1}"#], 1000),
        ("mixed", vec!["--network", "solana-devnet"], 2000),
        ("mixed", vec![], 2000),
    ];
    for (route, extra, price) in cases {
        let _guard = localnet::chain_lock();
        let (payer_before, payee_before) = (usdc("payer"), usdc("payee"));
        let mut args = vec!["--yes", "--receipt", receipt_arg];
        args.extend(extra);
        let out = get(&env, &net.solana_route(route), &args);
        let err = support::stderr(&out);
        assert_eq!(out.status.code(), Some(0), "{route}: {err}");
        assert_eq!(usdc("payee") - payee_before, price, "{route}");
        assert_eq!(payer_before - usdc("payer"), price, "{route}");
        let body = support::stdout(&out);
        if route == "echo" {
            assert_eq!(body, r#"{"q": 1}"#, "the POST body survives");
        } else {
            let body: serde_json::Value = serde_json::from_str(&body).unwrap();
            assert_eq!(body["route"], route);
        }
        // The quote names the paying account; the settlement its transaction.
        assert!(err.contains(&format!("from      'sol' {payer}")), "{err}");
        let r: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&receipt).unwrap()).unwrap();
        assert_eq!(r["status"], "paid", "{r}");
        assert_eq!(r["network"], "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1");
        assert_eq!(r["payer"], payer.as_str());
        assert_eq!(r["pay_to"], payee.as_str());
        assert_eq!(r["amount"], price.to_string());
        let tx = r["transaction"].as_str().unwrap().to_string();
        assert!(err.contains(&tx), "{err}");
        let status = net.solana_call("getSignatureStatuses", serde_json::json!([[tx]]));
        assert!(status["value"][0]["err"].is_null(), "{status}");
        // The journal holds what identifies the payment on chain.
        let records = history(&env);
        let rec = records.last().unwrap();
        assert_eq!(rec["status"], "settled", "{rec}");
        assert_eq!(rec["transfer"], "svm");
        assert_eq!(rec["nonce"], r["nonce"]);
        assert_ne!(
            rec["nonce"],
            tx.as_str(),
            "the payer's signature, not the fee payer's"
        );
        assert!(rec["memo"].as_str().is_some_and(|m| m.len() == 32), "{rec}");
        assert!(rec["blockhash"].as_str().is_some(), "{rec}");
        assert!(rec["last_valid_block_height"].as_u64().is_some(), "{rec}");
    }
    // history check verifies every one of them on the chain.
    let out = env.run(&["history", "check", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", support::stderr(&out));
    let checked = json_data(&out)["checked"].as_array().unwrap().clone();
    assert_eq!(checked.len(), 4, "{checked:?}");
    for c in &checked {
        assert_eq!(
            (&c["after"], &c["verified"]),
            (&"settled".into(), &true.into()),
            "{c}"
        );
    }
    assert!(history(&env).iter().all(|r| r["verified"] == true));
}

/// The chain reads of a Solana payment (mint, blockhash, token accounts) are made before the
/// journal's lock is taken: no read reaches the node while this process holds it, so other
/// x402 processes never wait on this one's RPC. The payment itself is journaled before it is
/// sent, as always.
#[test]
fn no_chain_read_is_made_while_the_journal_is_locked() {
    let net = localnet::get();
    let env = solana_env("payer2");
    let probe = crate::support::relay::LockProbe::start(
        &net.solana_rpc(),
        env.x402_home().join("journal.jsonl"),
    );
    env.write_config(&format!(
        "default_solana_account = \"sol\"\n\n[rpc]\nsolana-devnet = \"{}\"\n",
        probe.url
    ));
    let _guard = localnet::chain_lock();
    let payee_before = usdc("payee");
    let out = get(&env, &net.solana_route("cheap"), &["--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", support::stderr(&out));
    assert_eq!(usdc("payee") - payee_before, 1000);
    let seen = probe.seen();
    // The preflight's reads and the signing step's own (both through this relay).
    assert!(
        seen.iter().filter(|(m, _)| m == "getAccountInfo").count() >= 4,
        "{seen:?}"
    );
    let under_lock: Vec<_> = seen.iter().filter(|(_, locked)| *locked).collect();
    assert!(
        under_lock.is_empty(),
        "read under the journal's lock: {under_lock:?}"
    );
    assert_eq!(status_of(&env), "settled");
}

/// Without a Solana account, paying a Solana option names the command that makes one
/// (`--solana`), and nothing is signed.
#[test]
fn without_a_solana_account_the_hint_names_wallet_new_solana() {
    let net = localnet::get();
    let (env, pw) = Env::with_payer();
    env.write_config(&format!(
        "default_account = \"payer\"\n\n[rpc]\nsolana-devnet = \"{}\"\n",
        net.solana_rpc()
    ));
    let out = env.pay(&pw, &net.solana_route("cheap"), &[]);
    let line = support::error_line(&out, 116);
    assert!(
        line.contains("no account given and no default Solana account"),
        "{line}"
    );
    let err = support::stderr(&out);
    assert!(
        err.contains("hint: or create one with `x402 wallet new NAME --solana`"),
        "{err}"
    );
    assert!(history(&env).is_empty(), "nothing signed");
    // inspect says the same of the option.
    let out = env.run(&["inspect", &net.solana_route("cheap")]);
    assert!(
        support::stdout(&out).contains("x402 wallet new NAME --solana")
            || support::stderr(&out).contains("x402 wallet new NAME --solana"),
        "{}",
        support::stderr(&out)
    );
}

#[test]
fn cap_dry_run_and_decline_sign_nothing() {
    let net = localnet::get();
    let env = solana_env("payer");
    let _guard = localnet::chain_lock();
    let before = usdc("payer");
    // Above the cap (0.10 by default): refused before anything is signed.
    let out = get(&env, &net.solana_route("expensive"), &["--yes"]);
    assert_eq!(out.status.code(), Some(111), "{}", support::stderr(&out));
    assert!(support::stderr(&out).contains("above the per-payment cap"));
    // A dry run shows the quote and stops.
    let out = get(&env, &net.solana_route("cheap"), &["--dry-run"]);
    assert_eq!(out.status.code(), Some(0), "{}", support::stderr(&out));
    let err = support::stderr(&out);
    assert!(err.contains("asks 0.001 USDC on solana-devnet"), "{err}");
    assert!(err.contains("dry run: nothing signed"), "{err}");
    // At a terminal, answering no.
    let url = net.solana_route("cheap");
    let pw = env.password_file("pw");
    let args = ["get", url.as_str(), "--password-file", pw.to_str().unwrap()];
    let mut t = env.terminal(&args, |_| {});
    t.expect("Pay 0.001 USDC?");
    std::thread::sleep(std::time::Duration::from_millis(200));
    t.type_line("n");
    let (code, shown) = t.finish();
    assert_eq!(code, Some(110), "{shown}");
    assert!(shown.contains("payment declined"), "{shown}");
    assert!(
        history(&env).is_empty(),
        "nothing signed, nothing journaled"
    );
    assert_eq!(usdc("payer"), before);
}

#[test]
fn pins_and_the_daily_budget_hold_on_solana() {
    let net = localnet::get();
    let env = solana_env("payer");
    let url = net.solana_route("cheap");
    let (payee, _) = net.solana_account("payee");
    let (other, _) = net.solana_account("payeeNoAta");
    // A payee that is not the one asked: refused, unsigned.
    let out = get(&env, &url, &["--yes", "--expect-pay-to", &other]);
    assert_eq!(out.status.code(), Some(112), "{}", support::stderr(&out));
    assert!(
        support::stderr(&out).contains("not the expected"),
        "{}",
        support::stderr(&out)
    );
    let out = get(&env, &url, &["--yes", "--expect-amount", "0.002"]);
    assert_eq!(out.status.code(), Some(112), "{}", support::stderr(&out));
    assert!(history(&env).is_empty());
    // Terms saved by inspect, and the expected payee, are paid.
    let terms = env.path("cheap.terms");
    let out = env.run(&["inspect", &url, "--save-terms", terms.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", support::stderr(&out));
    let saved: serde_json::Value = serde_json::from_slice(&std::fs::read(&terms).unwrap()).unwrap();
    assert_eq!(saved["pay_to"], payee.as_str());
    let _guard = localnet::chain_lock();
    let before = usdc("payee");
    let out = get(
        &env,
        &url,
        &[
            "--yes",
            "--terms",
            terms.to_str().unwrap(),
            "--expect-pay-to",
            &payee,
            "--daily-limit",
            "0.0015",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", support::stderr(&out));
    assert_eq!(usdc("payee") - before, 1000);
    // The daily budget counts it: a second 0.001 is over 0.0015.
    let out = get(&env, &url, &["--yes", "--daily-limit", "0.0015"]);
    assert_eq!(out.status.code(), Some(111), "{}", support::stderr(&out));
    assert!(
        support::stderr(&out).contains("daily limit"),
        "{}",
        support::stderr(&out)
    );
    assert_eq!(usdc("payee") - before, 1000);
    assert_eq!(history(&env).len(), 1);
}

#[test]
fn refusals_before_signing_insufficient_balance_and_missing_token_account() {
    let net = localnet::get();
    // poorPayer's token account holds nothing.
    let env = solana_env("poorPayer");
    let (poor, _) = net.solana_account("poorPayer");
    let out = get(&env, &net.solana_route("cheap"), &["--yes"]);
    let err = support::stderr(&out);
    assert_eq!(out.status.code(), Some(113), "{err}");
    assert!(
        err.contains(&poor) && err.contains("nothing was signed"),
        "{err}"
    );
    assert!(
        history(&env).is_empty(),
        "nothing signed, nothing journaled"
    );
    // payTo without a token account: the payment could not land.
    let env = solana_env("payer");
    let out = get(&env, &net.solana_route("noAta"), &["--yes"]);
    let err = support::stderr(&out);
    assert_eq!(out.status.code(), Some(112), "{err}");
    assert!(err.contains("has no token account"), "{err}");
    assert!(history(&env).is_empty());
    // An EVM account named for a Solana option is a usage error, before any password.
    env.import_key("evm", &net.account("payer").1);
    let out = get(
        &env,
        &net.solana_route("cheap"),
        &["--yes", "--account", "evm"],
    );
    let err = support::stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("'evm' is an EVM account"), "{err}");
    assert!(history(&env).is_empty());
}

// ---------------------------------------------------------------- failures after signing
//
// A 402 of the official server replayed by a local stand-in (`Proxy`), which forwards the paid
// request to the official server: so a test can hold a 402 while the chain moves on (a stale
// blockhash), change the chain just before the facilitator sees the payment, or drop the
// answer to a payment that settled.

use crate::support::verifier::{Misbehave, Reply, Seen, Verifier};
use std::io::{Read, Write};

/// One HTTP/1.1 exchange with a local server (`Connection: close`): status, headers, body.
fn exchange(url: &str, method: &str, headers: &[(String, String)], body: &[u8]) -> Reply {
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_at(rest.find('/').unwrap());
    let mut stream = std::net::TcpStream::connect(host).unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nhost: {host}\r\nconnection: close\r\n");
    for (n, v) in headers {
        if !matches!(n.as_str(), "host" | "connection" | "content-length") {
            head.push_str(&format!("{n}: {v}\r\n"));
        }
    }
    head.push_str(&format!("content-length: {}\r\n\r\n", body.len()));
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let text = String::from_utf8_lossy(&raw[..split]).to_string();
    let mut lines = text.split("\r\n");
    let status: u16 = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let mut out_headers = Vec::new();
    let mut chunked = false;
    for line in lines {
        let (n, v) = line.split_once(':').unwrap();
        let n = n.trim().to_ascii_lowercase();
        let v = v.trim().to_string();
        if n == "transfer-encoding" {
            chunked = v.contains("chunked");
        }
        if !matches!(
            n.as_str(),
            "content-length" | "transfer-encoding" | "connection" | "keep-alive"
        ) {
            out_headers.push((n, v));
        }
    }
    let mut body = raw[split + 4..].to_vec();
    if chunked {
        let mut plain = Vec::new();
        let mut at = 0;
        loop {
            let end = at + body[at..].windows(2).position(|w| w == b"\r\n").unwrap();
            let size =
                usize::from_str_radix(std::str::from_utf8(&body[at..end]).unwrap().trim(), 16)
                    .unwrap();
            if size == 0 {
                break;
            }
            plain.extend_from_slice(&body[end + 2..end + 2 + size]);
            at = end + 2 + size + 2;
        }
        body = plain;
    }
    Reply::from((status, out_headers, body))
}

/// The official server's reply, forwarded for a paid request seen by the stand-in.
fn forward(target: &str, seen: &Seen) -> Reply {
    exchange(target, &seen.method, &seen.headers, &seen.body)
}

/// A stand-in at `/x` that answers unpaid requests with `unpaid` (a 402 recorded earlier)
/// and paid ones with `paid(seen)`.
fn stand_in(unpaid: Reply, paid: impl Fn(&Seen) -> Reply + Send + Sync + 'static) -> Verifier {
    let unpaid = std::sync::Mutex::new(unpaid);
    Verifier::builder()
        .script("/x", move |seen| {
            if seen.header("payment-signature").is_some() {
                paid(seen)
            } else {
                match &*unpaid.lock().unwrap() {
                    Reply::Respond {
                        status,
                        headers,
                        body,
                    } => Reply::from((*status, headers.clone(), body.clone())),
                    Reply::Misbehave(_) => unreachable!(),
                }
            }
        })
        .start()
}

fn status_of(env: &Env) -> String {
    history(env).last().unwrap()["status"]
        .as_str()
        .unwrap()
        .to_string()
}

fn check(env: &Env) -> serde_json::Value {
    let out = env.run(&["history", "check", "--json"]);
    json_data(&out)["checked"][0].clone()
}

#[test]
fn a_stale_blockhash_is_refused_by_the_facilitator_and_then_expires() {
    let net = localnet::get();
    let env = solana_env("payer2");
    let target = net.solana_route("cheap");
    let _guard = localnet::chain_lock();
    // The 402 as the server gave it, with its blockhash; then the chain moves past it.
    let offered = exchange(&target, "GET", &[], b"");
    net.solana_call("localnet_expireBlockhash", serde_json::json!([]));
    let forward_to = target.clone();
    let s = stand_in(offered, move |seen| forward(&forward_to, seen));
    let (payer_before, payee_before) = (usdc("payer2"), usdc("payee"));
    let out = get(&env, &s.url("/x"), &["--yes"]);
    let err = support::stderr(&out);
    assert_eq!(out.status.code(), Some(114), "{err}");
    assert!(
        err.contains("rejected the payment: invalid_exact_svm_transaction_simulation_failed"),
        "{err}"
    );
    assert_eq!(
        (usdc("payer2"), usdc("payee")),
        (payer_before, payee_before)
    );
    // The chain is already past the blockhash's last valid block height: the refusal says the
    // transaction expired (never "can still land until" a height gone by), and records it.
    assert!(
        err.contains("never landed and has expired (the chain is at block height")
            && !err.contains("can still land"),
        "{err}"
    );
    assert_eq!(status_of(&env), "expired");
    // Nothing is left open for history check.
    let c = check(&env);
    assert!(c.is_null(), "{c}");
    assert_eq!(status_of(&env), "expired");
}

#[test]
fn a_facilitator_rejection_is_recorded_and_the_chain_has_the_last_word() {
    let net = localnet::get();
    let env = solana_env("payer2");
    let target = net.solana_route("cheap");
    let (payer2, _) = net.solana_account("payer2");
    let _guard = localnet::chain_lock();
    let offered = exchange(&target, "GET", &[], b"");
    let held = usdc("payer2");
    // Between the signature and the facilitator, the payer's token account is emptied.
    let forward_to = target.clone();
    let owner = payer2.clone();
    let s = stand_in(offered, move |seen| {
        let net = localnet::get();
        net.solana_call("localnet_setTokenBalance", serde_json::json!([owner, 0]));
        let reply = forward(&forward_to, seen);
        net.solana_call("localnet_setTokenBalance", serde_json::json!([owner, held]));
        reply
    });
    let payee_before = usdc("payee");
    let out = get(&env, &s.url("/x"), &["--yes"]);
    let err = support::stderr(&out);
    assert_eq!(out.status.code(), Some(114), "{err}");
    assert!(
        err.contains("rejected the payment: invalid_exact_svm_transaction_simulation_failed"),
        "{err}"
    );
    assert!(
        err.contains("can still land"),
        "the signed transaction is said to be open: {err}"
    );
    assert_eq!((usdc("payer2"), usdc("payee")), (held, payee_before));
    assert_eq!(status_of(&env), "rejected");
    // It never landed; once its blockhash is dead, history check says it never will.
    let c = check(&env);
    assert_eq!(c["after"], "rejected", "still open: {c}");
    net.solana_call("localnet_expireBlockhash", serde_json::json!([]));
    let c = check(&env);
    assert_eq!(c["after"], "expired", "{c}");
}

#[test]
fn a_duplicate_settles_once_and_retry_resends_the_same_bytes() {
    let net = localnet::get();
    let env = solana_env("payer2");
    let target = net.solana_route("cheap");
    let _guard = localnet::chain_lock();
    let offered = exchange(&target, "GET", &[], b"");
    // The first paid request is forwarded (it settles) and its answer lost; the resend is
    // forwarded too.
    let sent = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let seen_sent = sent.clone();
    let forward_to = target.clone();
    let s = stand_in(offered, move |seen| {
        let header = seen.header("payment-signature").unwrap().to_string();
        let mut sent = seen_sent.lock().unwrap();
        sent.push(header);
        let reply = forward(&forward_to, seen);
        if sent.len() == 1 {
            Reply::Misbehave(Misbehave::Close)
        } else {
            reply
        }
    });
    let (payer_before, payee_before) = (usdc("payer2"), usdc("payee"));
    let out = get(&env, &s.url("/x"), &["--yes", "--retry", "1"]);
    let err = support::stderr(&out);
    let sent = sent.lock().unwrap().clone();
    assert_eq!(sent.len(), 2, "{err}");
    assert_eq!(sent[0], sent[1], "--retry resends the very same bytes");
    // Money moved once.
    assert_eq!(usdc("payee") - payee_before, 1000, "{err}");
    assert_eq!(payer_before - usdc("payer2"), 1000);
    // The server calls the resend a duplicate (exit 114, recorded rejected: its word); the
    // chain has the payment settled, once, and history check records that.
    assert_eq!(out.status.code(), Some(114), "{err}");
    assert!(err.contains("resending the same signed payment"), "{err}");
    assert!(
        err.contains("rejected the payment: duplicate_settlement"),
        "{err}"
    );
    assert_eq!(status_of(&env), "rejected");
    let c = check(&env);
    assert_eq!(c["after"], "settled", "{c}");
    assert_eq!(c["verified"], true);
    // The same payment sent again by anyone: not settled a second time.
    let again = exchange(
        &target,
        "GET",
        &[("payment-signature".into(), sent[0].clone())],
        b"",
    );
    let Reply::Respond { status, .. } = again else {
        panic!()
    };
    assert_ne!(status, 200);
    assert_eq!(usdc("payee") - payee_before, 1000);
}
