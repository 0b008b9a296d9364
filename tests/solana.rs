//! Solana accounts through the real binary: `wallet new/import --solana`, keypair files,
//! mnemonics, `list`/`address` without a password, the per-family default account, and
//! `wallet balance` against a JSON-RPC responder on 127.0.0.1 for the absent-account and
//! failure paths.

use crate::support::verifier::json_rpc;
use crate::support::{self, Env, json_data};
use serde_json::{Value, json};
use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt;

/// The ed25519 seed 32 × 0x01 (x402-protocol.md §9.2) and what it gives.
const SEED1_PUBKEY: &str = "AKnL4NNf3DGWZJS6cPknBuEGnVsV4A4m5tgebLHaRSZ9";
/// Its devnet-USDC associated token account, as `@solana-program/token` derives it (§9.2).
const SEED1_USDC_ATA: &str = "H1AviagU5Y17z77v1F9qZPJ9kCbCsL4ewiZABNfGYoRs";
const DEVNET_USDC: &str = "4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU";
const TOKEN_PROGRAM: &str = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";
/// The BIP-39 test phrase and Phantom's first account of it (m/44'/501'/0'/0').
const ABANDON: &str =
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
const ABANDON_PUBKEY: &str = "HAgk14JpMQLgt6rVgv7cBQFJWFto5Dqxi472uT3DKpqk";

fn seed1_bytes() -> Vec<u8> {
    let secret = solana_keypair::Keypair::new_from_array([1u8; 32]);
    secret.to_bytes().to_vec()
}

/// The Solana CLI's keypair file format.
fn cli_json(bytes: &[u8]) -> String {
    let numbers: Vec<String> = bytes.iter().map(u8::to_string).collect();
    format!("[{}]", numbers.join(","))
}

fn seed1_base58() -> String {
    solana_keypair::Keypair::new_from_array([1u8; 32]).to_base58_string()
}

fn import(env: &Env, name: &str, extra: &[&str], stdin: &str) -> std::process::Output {
    env.x402()
        .args(["wallet", "import", name, "--solana", "--password-file"])
        .arg(env.password_file("pw"))
        .args(extra)
        .write_stdin(stdin.to_string())
        .output()
        .unwrap()
}

/// `wallet import NAME --keypair-file FILE`.
fn import_file(env: &Env, name: &str, file: &std::path::Path) -> std::process::Output {
    env.x402()
        .args(["wallet", "import", name, "--keypair-file"])
        .arg(file)
        .arg("--password-file")
        .arg(env.password_file("pw"))
        .output()
        .unwrap()
}

#[test]
fn new_solana_account_is_encrypted_listed_and_default() {
    let env = Env::new();
    let out = env
        .x402()
        .args(["wallet", "new", "sol", "--solana", "--password-file"])
        .arg(env.password_file("pw"))
        .output()
        .unwrap();
    support::assert_exit(&out, 0);
    let address = support::stdout(&out).trim().to_string();
    let key: solana_pubkey::Pubkey = address.parse().expect("base58 public key on stdout");
    assert_eq!(key.to_string(), address);
    assert!(
        support::stderr(&out).contains("'sol' is now the default Solana account"),
        "{}",
        support::stderr(&out)
    );
    // 0600, v3 scrypt + AES-128-CTR, the public key readable, no plaintext key anywhere.
    let path = env.keystores().join("sol");
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(doc["version"], 3);
    assert_eq!(doc["chain"], "solana");
    assert_eq!(doc["publicKey"], address.as_str());
    assert_eq!(doc["crypto"]["kdf"], "scrypt");
    assert_eq!(doc["crypto"]["cipher"], "aes-128-ctr");
    assert!(doc.get("address").is_none());
    let names: Vec<_> = std::fs::read_dir(env.keystores())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("sol")]);
    // The default is recorded for the Solana family only.
    let config = std::fs::read_to_string(env.x402_home().join("config.toml")).unwrap();
    assert_eq!(config, "default_solana_account = \"sol\"\n");
    // list and address need no password (none is given and there is no terminal).
    let out = env.run(&["wallet", "address", "sol"]);
    support::assert_exit(&out, 0);
    assert_eq!(support::stdout(&out), format!("{address}\n"));
    let out = env.run(&["wallet", "list", "--json"]);
    let rows = json_data(&out);
    assert_eq!(rows[0]["name"], "sol");
    assert_eq!(rows[0]["chain"], "solana");
    assert_eq!(rows[0]["address"], address.as_str());
    assert_eq!(rows[0]["default"], true);
    // An existing name is never replaced without --force.
    let out = env
        .x402()
        .args(["wallet", "new", "sol", "--solana", "--password-file"])
        .arg(env.password_file("pw"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(116));
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        serde_json::to_string(&doc).unwrap()
    );
}

#[test]
fn imports_base58_json_arrays_keypair_files_and_mnemonics() {
    let env = Env::new();
    // Phantom/Solflare export: base58 of the 64-byte secret key.
    let out = import(&env, "phantom", &[], &format!("{}\n", seed1_base58()));
    support::assert_exit(&out, 0);
    assert_eq!(support::stdout(&out), format!("{SEED1_PUBKEY}\n"));
    // The Solana CLI's JSON array, spread over lines.
    let out = import(
        &env,
        "cli",
        &[],
        &cli_json(&seed1_bytes()).replace(',', ",\n "),
    );
    support::assert_exit(&out, 0);
    assert_eq!(support::stdout(&out), format!("{SEED1_PUBKEY}\n"));
    // A keypair file (implies --solana); the file itself is left alone.
    let file = env.path("id.json");
    std::fs::write(&file, cli_json(&seed1_bytes())).unwrap();
    let out = import_file(&env, "file", &file);
    support::assert_exit(&out, 0);
    assert_eq!(support::stdout(&out), format!("{SEED1_PUBKEY}\n"));
    assert!(file.exists());
    // A mnemonic along Phantom's path, at index 0 and 1.
    let out = import(&env, "m0", &["--mnemonic"], ABANDON);
    support::assert_exit(&out, 0);
    assert_eq!(support::stdout(&out), format!("{ABANDON_PUBKEY}\n"));
    let out = import(
        &env,
        "m1",
        &["--mnemonic", "--mnemonic-index", "1"],
        ABANDON,
    );
    support::assert_exit(&out, 0);
    let m1 = support::stdout(&out).trim().to_string();
    assert!(m1 != ABANDON_PUBKEY && m1.parse::<solana_pubkey::Pubkey>().is_ok());
    // The first one imported became the default; the others did not.
    let out = env.run(&["wallet", "list", "--json"]);
    let rows = json_data(&out);
    let defaults: Vec<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["default"] == true)
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(defaults, vec!["phantom"]);
    assert!(
        rows.as_array()
            .unwrap()
            .iter()
            .all(|r| r["chain"] == "solana")
    );
    // Each stored account unlocks to its key: the keystores differ, the public keys agree.
    for name in ["phantom", "cli", "file"] {
        let doc: Value =
            serde_json::from_str(&std::fs::read_to_string(env.keystores().join(name)).unwrap())
                .unwrap();
        assert_eq!(doc["publicKey"], SEED1_PUBKEY, "{name}");
    }
}

#[test]
fn bad_secrets_are_refused_and_nothing_is_written() {
    let env = Env::new();
    let mut wrong_half = seed1_bytes();
    wrong_half[40] ^= 0xff;
    let cases = [
        cli_json(&wrong_half),
        cli_json(&seed1_bytes()[..63]),
        SEED1_PUBKEY.to_string(),
        support::ANVIL0_KEY.to_string(),
        "[1, 2, x]".to_string(),
    ];
    for secret in &cases {
        let out = import(&env, "bad", &[], secret);
        assert_eq!(out.status.code(), Some(2), "{secret}");
        let err = support::stderr(&out);
        assert!(err.contains("not a Solana secret key"), "{err}");
        assert!(
            !err.contains(secret.as_str()),
            "the secret is echoed: {err}"
        );
        assert!(support::stdout(&out).is_empty());
    }
    let out = import(&env, "bad", &["--mnemonic"], "abandon abandon");
    assert_eq!(out.status.code(), Some(2));
    let out = import(&env, "bad", &[], "");
    assert_eq!(out.status.code(), Some(2));
    // A keypair file that is not one.
    let file = env.path("id.json");
    std::fs::write(&file, seed1_base58()).unwrap();
    let out = import_file(&env, "bad", &file);
    support::assert_exit(&out, 2);
    assert!(!env.keystores().join("bad").exists());
    assert!(!env.x402_home().join("config.toml").exists());
}

#[test]
fn each_family_has_its_own_default_and_accounts_stay_in_their_family() {
    let env = Env::new();
    let evm = env.import_key("alice", support::ANVIL0_KEY);
    let out = import(&env, "sol", &[], &seed1_base58());
    support::assert_exit(&out, 0);
    let config = std::fs::read_to_string(env.x402_home().join("config.toml")).unwrap();
    assert!(config.contains("default_account = \"alice\""), "{config}");
    assert!(
        config.contains("default_solana_account = \"sol\""),
        "{config}"
    );
    // `wallet list` shows the family of each, in text and JSON.
    let out = env.run(&["wallet", "list"]);
    let text = support::stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[0].starts_with(&format!("alice  {evm}")), "{text}");
    assert!(
        lines[0].contains(" evm ") && lines[0].ends_with("(default)"),
        "{text}"
    );
    assert!(
        lines[1].starts_with(&format!("sol    {SEED1_PUBKEY}")),
        "{text}"
    );
    assert!(
        lines[1].contains(" solana ") && lines[1].ends_with("(default)"),
        "{text}"
    );
    // The EVM default stays the account of commands that sign EVM payments.
    let out = env.run(&["wallet", "address"]);
    assert_eq!(support::stdout(&out), format!("{evm}\n"));
    // A Solana keystore is never unlocked as an EVM key.
    let out = env
        .x402()
        .args([
            "wallet",
            "balance",
            "--account",
            "sol",
            "--network",
            "base-sepolia",
        ])
        .output()
        .unwrap();
    support::assert_exit(&out, 2);
    assert!(
        support::stderr(&out)
            .contains("'sol' is a Solana account and base-sepolia is an EVM network"),
        "{}",
        support::stderr(&out)
    );
    let out = env.run(&["wallet", "balance", "alice", "--network", "solana-devnet"]);
    support::assert_exit(&out, 2);
    assert!(
        support::stderr(&out)
            .contains("'alice' is an EVM account and solana-devnet is a Solana network"),
        "{}",
        support::stderr(&out)
    );
}

fn context(value: Value) -> Value {
    json!({"context": {"slot": 1, "apiVersion": "2.2.0"}, "value": value})
}

/// An initialised SPL token account (165 bytes) holding `amount` of `mint` for `owner`.
fn token_account(mint: &str, owner: &str, amount: u64) -> Value {
    use base64::Engine as _;
    let key = |s: &str| s.parse::<solana_pubkey::Pubkey>().unwrap().to_bytes();
    let mut data = vec![0u8; 165];
    data[..32].copy_from_slice(&key(mint));
    data[32..64].copy_from_slice(&key(owner));
    data[64..72].copy_from_slice(&amount.to_le_bytes());
    data[108] = 1; // AccountState::Initialized
    json!({
        "owner": TOKEN_PROGRAM,
        "lamports": 2039280,
        "executable": false,
        "rentEpoch": 0,
        "space": 165,
        "data": [base64::engine::general_purpose::STANDARD.encode(data), "base64"],
    })
}

fn balance(env: &Env, url: &str, extra: &[&str]) -> std::process::Output {
    env.x402()
        .args([
            "wallet",
            "balance",
            "--network",
            "solana-devnet",
            "--timeout",
            "5",
            "--rpc-url",
            url,
        ])
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn balance_reads_sol_and_the_usdc_token_account() {
    let env = Env::new();
    import(&env, "sol", &[], &seed1_base58());
    // The payer's token account exists and holds 1.234567 USDC; 1.5 SOL.
    let node = json_rpc(|method, params| match method {
        "getAccountInfo" if params[0] == SEED1_USDC_ATA => {
            Ok(context(token_account(DEVNET_USDC, SEED1_PUBKEY, 1_234_567)))
        }
        "getAccountInfo" => Ok(context(Value::Null)),
        "getBalance" => Ok(context(json!(1_500_000_000u64))),
        _ => Err(json!({"code": -32601, "message": "Method not found"})),
    });
    // No account named: with only Solana networks asked for, the Solana default is used.
    let out = balance(&env, &node.url, &["--json"]);
    support::assert_exit(&out, 0);
    let data = json_data(&out);
    assert_eq!(data["account"], "sol");
    assert_eq!(data["address"], SEED1_PUBKEY);
    let net = &data["networks"][0];
    assert_eq!(net["network"], "solana-devnet");
    assert_eq!(net["caip2"], "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1");
    assert!(net.get("chain_id").is_none());
    assert_eq!(net["tokens"][0]["symbol"], "USDC");
    assert_eq!(net["tokens"][0]["address"], DEVNET_USDC);
    assert_eq!(net["tokens"][0]["base_units"], "1234567");
    assert_eq!(net["tokens"][0]["balance"], "1.234567");
    assert_eq!(net["native"]["symbol"], "SOL");
    assert_eq!(net["native"]["base_units"], "1500000000");
    assert_eq!(net["native"]["balance"], "1.50");
    // The token account asked for is the payer's associated one, as the reference client
    // asks for it (base64 data, confirmed commitment).
    let seen = node.seen();
    let info = seen
        .iter()
        .find(|r| r["method"] == "getAccountInfo")
        .unwrap();
    assert_eq!(info["params"][0], SEED1_USDC_ATA);
    assert_eq!(info["params"][1]["encoding"], "base64");
    assert_eq!(info["params"][1]["commitment"], "confirmed");
    // Text output: one line on stdout.
    let out = balance(&env, &node.url, &["sol"]);
    support::assert_exit(&out, 0);
    assert_eq!(
        support::stdout(&out),
        "solana-devnet  1.234567 USDC  1.50 SOL\n"
    );
}

#[test]
fn balance_absent_token_account_is_zero_and_rpc_failures_are_errors() {
    let env = Env::new();
    import(&env, "sol", &[], &seed1_base58());
    // No token account yet: a zero balance, not an error.
    let node = json_rpc(|method, _| match method {
        "getAccountInfo" => Ok(context(Value::Null)),
        "getBalance" => Ok(context(json!(0))),
        _ => Err(json!({"code": -32601, "message": "Method not found"})),
    });
    let out = balance(&env, &node.url, &["sol"]);
    support::assert_exit(&out, 0);
    assert_eq!(
        support::stdout(&out),
        "solana-devnet  0.00 USDC  0.00 SOL\n"
    );
    // A JSON-RPC error is an error, never a zero.
    let node = json_rpc(|_, _| Err(json!({"code": -32005, "message": "node is behind"})));
    let out = balance(&env, &node.url, &["sol", "--json"]);
    support::assert_exit(&out, 1);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["success"], false);
    assert!(
        doc["data"]["networks"][0]["tokens"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert!(doc["data"]["networks"][0]["native"].is_null());
    assert!(
        doc["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("node is behind"),
        "{doc}"
    );
    // A token account that is not the payer's (wrong mint), or an answer that does not
    // parse: errors too.
    let node = json_rpc(|method, _| match method {
        "getAccountInfo" => Ok(context(token_account(
            "So11111111111111111111111111111111111111112",
            SEED1_PUBKEY,
            5,
        ))),
        _ => Ok(context(json!(1))),
    });
    let out = balance(&env, &node.url, &["sol"]);
    support::assert_exit(&out, 1);
    assert!(support::stdout(&out).is_empty());
    let node = json_rpc(|method, _| match method {
        "getAccountInfo" => Ok(context(Value::Null)),
        _ => Ok(context(json!("lots"))),
    });
    let out = balance(&env, &node.url, &["sol"]);
    support::assert_exit(&out, 1);
    assert!(support::stdout(&out).is_empty());
    // Nothing listening: curl's "could not connect".
    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let out = balance(&env, &format!("http://{closed}"), &["sol"]);
    support::assert_exit(&out, 7);
}

#[test]
fn solana_networks_take_rpc_urls_from_config() {
    let env = Env::new();
    import(&env, "sol", &[], &seed1_base58());
    let node = json_rpc(|method, _| match method {
        "getAccountInfo" => Ok(context(Value::Null)),
        "getBalance" => Ok(context(json!(42))),
        _ => Err(json!({"code": -32601, "message": "Method not found"})),
    });
    let config = std::fs::read_to_string(env.x402_home().join("config.toml")).unwrap();
    env.write_config(&format!(
        "{config}[rpc]\nsolana-devnet = \"{}\"\n",
        node.url
    ));
    let out = env
        .x402()
        .args([
            "wallet",
            "balance",
            "sol",
            "--network",
            "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1",
            "--json",
        ])
        .output()
        .unwrap();
    support::assert_exit(&out, 0);
    let data = json_data(&out);
    assert_eq!(data["networks"][0]["rpc_url"], node.url.as_str());
    assert_eq!(data["networks"][0]["native"]["base_units"], "42");
    assert_eq!(node.seen().len(), 2);
    // --all: every Solana network (each pointed at the responder), none of the EVM ones.
    env.write_config(&format!(
        "{config}[rpc]\nsolana = \"{url}\"\nsolana-devnet = \"{url}\"\nsolana-testnet = \"{url}\"\n",
        url = node.url
    ));
    let out = env.run(&["wallet", "balance", "sol", "--all", "--json"]);
    support::assert_exit(&out, 0);
    let data = json_data(&out);
    let names: Vec<&str> = data["networks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["network"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["solana", "solana-devnet", "solana-testnet"]);
    let mints: Vec<&str> = data["networks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["tokens"][0]["address"].as_str().unwrap())
        .collect();
    assert_eq!(
        mints,
        [
            "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v",
            DEVNET_USDC,
            DEVNET_USDC
        ]
    );
}

/// The transaction x402 builds equals, byte for byte, the one `@x402/svm` 2.27's own client
/// builds for the same keys, mint, blockhash and memo: both token programs, several decimals
/// and amounts, ASCII, multi-byte and 256-byte memos, and enough different keys that the
/// account order (`@solana/kit`'s base58 collation) is exercised in every position.
#[test]
fn transaction_equals_the_official_clients() {
    use x402::svm::address::TokenProgram;
    use x402::svm::transaction::{PaymentTerms, build};
    // Seeds sha256("<role> <case>"): base58 keys of 32 bytes almost always start with one of
    // 1-9 or A-J, so telling kit's collation from byte order takes two keys of one role with
    // the same first character and letters of different case after it; a few hundred cases
    // give several.
    let seed = |role: &str, i: u16| -> [u8; 32] {
        use sha2::Digest;
        sha2::Sha256::digest(format!("{role} {i}")).into()
    };
    let pubkey = |role: &str, i: u16| {
        solana_signer::Signer::pubkey(&solana_keypair::Keypair::new_from_array(seed(role, i)))
    };
    let memos = [
        "pi_3abc123def456".to_string(),
        "żółć ✓ 支払い".to_string(),
        "m".repeat(256),
        "00112233445566778899aabbccddeeff".to_string(),
    ];
    let mut cases = Vec::new();
    let mut ours = Vec::new();
    for i in 0..300u16 {
        let program = if i % 2 == 0 {
            TokenProgram::Token
        } else {
            TokenProgram::Token2022
        };
        let decimals = [6u8, 9, 0, 2][usize::from(i % 4)];
        let amount = [1u64, 1000, 123_456_789, u64::MAX][usize::from(i / 2 % 4)];
        let blockhash = solana_hash::Hash::new_from_array(seed("blockhash", i));
        let terms = PaymentTerms {
            fee_payer: pubkey("fee payer", i),
            mint: pubkey("mint", i),
            program,
            decimals,
            pay_to: pubkey("pay to", i),
            amount,
            memo: memos[usize::from(i % 4)].clone(),
            blockhash: blockhash.clone(),
        };
        let payer = solana_keypair::Keypair::new_from_array(seed("payer", i));
        ours.push(build(&payer, &terms).unwrap().payload()["transaction"].clone());
        cases.push(json!({
            "secretKey": payer.to_bytes().to_vec(),
            "mint": terms.mint.to_string(),
            "tokenProgram": program.id().to_string(),
            "decimals": decimals,
            "payTo": terms.pay_to.to_string(),
            "feePayer": terms.fee_payer.to_string(),
            "amount": amount.to_string(),
            "blockhash": blockhash.to_string(),
            "memo": terms.memo,
        }));
    }
    let theirs = support::localnet::official_solana_txs(&cases);
    assert_eq!(theirs.len(), cases.len());
    for ((case, ours), theirs) in cases.iter().zip(&ours).zip(&theirs) {
        assert_eq!(ours, theirs, "inputs: {case}");
    }
    // The cases are worth something only if the collation and plain byte order disagree in
    // some of them (an uppercase and a lowercase key in one role).
    let reordered = ours
        .iter()
        .filter(|tx| {
            use base64::Engine as _;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(tx.as_str().unwrap())
                .unwrap();
            let tx = x402::svm::transaction::decode(&bytes).unwrap();
            let keys: Vec<String> = tx
                .message
                .static_account_keys()
                .iter()
                .map(ToString::to_string)
                .collect();
            let readonly = usize::from(tx.message.header().num_readonly_unsigned_accounts);
            let (writable, readonly) = keys[2..].split_at(keys.len() - 2 - readonly);
            !writable.is_sorted() || !readonly.is_sorted()
        })
        .count();
    assert!(
        reordered > 0,
        "no case orders accounts differently from byte order"
    );
}
