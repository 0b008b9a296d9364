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
    // The server lists base-sepolia first.
    let data = json_data(&env.run(&["inspect", &url, "--json"]));
    assert_eq!(data["chosen"], 0);
    assert_eq!(data["choice"]["payer"]["family"], "evm");
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
