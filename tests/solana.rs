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

// ---------------------------------------------------------------- on-chain checks
//
// `x402::svm::check` against the local chain (LiteSVM behind JSON-RPC) and the official v2
// server and facilitator: payments made with x402's own builder, settled by the official
// facilitator or sent here with the fee payer's signature added, then judged by the chain.

mod chain_check {
    use crate::support::localnet::{self, Localnet};
    use serde_json::json;
    use solana_keypair::Keypair;
    use solana_signer::Signer;
    use std::time::Duration;
    use x402::svm::check::{CheckError, SvmPayment, Verdict, check, confirm};
    use x402::svm::rpc::SvmRpc;

    fn rt() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    }

    fn client() -> reqwest::Client {
        x402::http::client(&Default::default()).unwrap()
    }

    fn keypair(net: &Localnet, role: &str) -> Keypair {
        Keypair::from_base58_string(&net.solana_account(role).1)
    }

    fn now() -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
    }

    /// What the journal would hold for a payment signed now.
    fn record(
        payer: &Keypair,
        tx: &x402::svm::transaction::SignedTransaction,
        terms: &x402::svm::transaction::PaymentTerms,
        last_valid: Option<u64>,
    ) -> SvmPayment {
        SvmPayment {
            payer: payer.pubkey(),
            payer_signature: tx.payer_signature.parse().unwrap(),
            memo: terms.memo.clone(),
            blockhash: terms.blockhash.clone(),
            last_valid_block_height: last_valid,
            mint: terms.mint,
            pay_to: terms.pay_to,
            amount: terms.amount,
            signed_at: now(),
        }
    }

    /// A payment of `amount` devnet USDC from `role` to `payee`, bound to the chain's current
    /// blockhash and signed by the payer only (no preflight: `poorPayer` can sign one too).
    fn sign(
        net: &Localnet,
        role: &str,
        amount: u64,
    ) -> (
        SvmPayment,
        x402::svm::transaction::SignedTransaction,
        x402::svm::transaction::PaymentTerms,
    ) {
        use x402::svm::address::TokenProgram;
        let latest = net.solana_call("getLatestBlockhash", json!([]));
        let payer = keypair(net, role);
        let terms = x402::svm::transaction::PaymentTerms {
            fee_payer: net.s("/solana/feePayer").parse().unwrap(),
            mint: net.s("/solana/mint/address").parse().unwrap(),
            program: TokenProgram::Token,
            decimals: 6,
            pay_to: net.solana_account("payee").0.parse().unwrap(),
            amount,
            memo: x402::svm::transaction::random_memo(),
            blockhash: latest["value"]["blockhash"]
                .as_str()
                .unwrap()
                .parse()
                .unwrap(),
        };
        let tx = x402::svm::transaction::build(&payer, &terms).unwrap();
        let last = latest["value"]["lastValidBlockHeight"].as_u64();
        (record(&payer, &tx, &terms, last), tx, terms)
    }

    /// The fee payer's signature added, as the facilitator does, and sent without preflight:
    /// the node's answer (an execution failure lands as a failed transaction) and the
    /// transaction's id.
    fn send_co_signed(
        net: &Localnet,
        tx: &x402::svm::transaction::SignedTransaction,
    ) -> (Result<serde_json::Value, serde_json::Value>, String) {
        use base64::Engine as _;
        let mut decoded = x402::svm::transaction::decode(&tx.bytes).unwrap();
        let facilitator = keypair(net, "facilitator");
        decoded.signatures[0] = facilitator.sign_message(&decoded.message.serialize());
        let bytes = wincode::serialize(&decoded).unwrap();
        let sent = net.solana_try_call(
            "sendTransaction",
            json!([
                base64::engine::general_purpose::STANDARD.encode(bytes),
                {"encoding": "base64", "skipPreflight": true}
            ]),
        );
        (sent, decoded.signatures[0].to_string())
    }

    /// [`send_co_signed`], which must land. Returns the transaction's id.
    fn co_sign_and_send(net: &Localnet, tx: &x402::svm::transaction::SignedTransaction) -> String {
        let (sent, signature) = send_co_signed(net, tx);
        assert_eq!(sent, Ok(json!(signature)));
        signature
    }

    /// Pays `/sol/cheap` with x402's own reader, preflight and builder through the official v2
    /// server and facilitator. Returns the journal's view and the settlement's transaction.
    fn pay_cheap(net: &Localnet, role: &str) -> (SvmPayment, String) {
        use x402::payment::challenge::{Requirement, parse_payment_required};
        let url = net.solana_route("cheap");
        let payer = keypair(net, role);
        let client = client();
        let rpc_url = net.solana_rpc();
        rt().block_on(async {
            let first = client.get(&url).send().await.unwrap();
            assert_eq!(first.status(), 402);
            let headers = first.headers().clone();
            let body = first.bytes().await.unwrap();
            let challenge = parse_payment_required(&headers, &body).unwrap();
            let raw = &challenge.accepts[0].raw;
            let requirement = Requirement::parse(0, raw, 2);
            let exact =
                x402::svm::requirement::read(&requirement, &x402::network::Networks::built_in())
                    .unwrap();
            let rpc = SvmRpc::new(&client, &rpc_url);
            let prepared = x402::svm::payment::prepare(&rpc, &exact, &payer)
                .await
                .unwrap();
            let header = x402::payment::header::payment_signature_v2(
                raw,
                challenge.raw.get("resource"),
                challenge.extensions.as_ref(),
                prepared.payload(),
            );
            let paid = client
                .get(&url)
                .header("PAYMENT-SIGNATURE", header)
                .send()
                .await
                .unwrap();
            assert_eq!(paid.status(), 200);
            let receipt = paid.headers()["PAYMENT-RESPONSE"]
                .to_str()
                .unwrap()
                .to_string();
            let settlement = x402::payment::receipt::decode_settlement(&receipt).unwrap();
            assert!(settlement.success, "{:?}", settlement.raw);
            let payment = SvmPayment::signed(&exact, &prepared, payer.pubkey(), now()).unwrap();
            assert_eq!(payment.memo.len(), 32, "x402's random memo");
            assert!(payment.last_valid_block_height.is_some());
            (payment, settlement.transaction.unwrap())
        })
    }

    /// [`confirm`]: the receipt wait for `signature`, at most `wait`.
    fn wait_for(net: &Localnet, payment: &SvmPayment, signature: &str, wait: Duration) -> Verdict {
        let client = client();
        let url = net.solana_rpc();
        let rpc = SvmRpc::new(&client, &url);
        rt().block_on(confirm(&rpc, payment, signature, wait))
            .unwrap()
    }

    fn ask(net: &Localnet, payment: &SvmPayment, named: Option<&str>) -> Verdict {
        let client = client();
        let url = net.solana_rpc();
        let rpc = SvmRpc::new(&client, &url);
        rt().block_on(check(&rpc, payment, named)).unwrap()
    }

    #[test]
    fn a_payment_settled_by_the_official_facilitator_is_settled() {
        let net = localnet::get();
        let _guard = localnet::chain_lock();
        let (payment, tx) = pay_cheap(net, "payer2");
        // The settlement's transaction is the fee payer's signature, not the payer's.
        assert_ne!(tx, payment.payer_signature.to_string());
        let settled =
            |v: &Verdict| matches!(v, Verdict::Settled { signature, .. } if *signature == tx);
        // Named by the settlement, and found without it (the record of an unknown outcome).
        let named = ask(net, &payment, Some(&tx));
        assert!(settled(&named), "{named:?}");
        let found = ask(net, &payment, None);
        assert!(settled(&found), "{found:?}");
        assert_eq!(found.moved(), Some(true));
        // The receipt wait answers at once for a confirmed transaction.
        let waited = wait_for(net, &payment, &tx, Duration::from_secs(5));
        assert!(settled(&waited), "{waited:?}");
        // A record that says another amount is contradicted by this very transaction.
        let wrong = SvmPayment {
            amount: payment.amount + 1,
            ..payment.clone()
        };
        let v = ask(net, &wrong, Some(&tx));
        assert!(
            matches!(&v, Verdict::Mismatch { signature, payment: None, reason } if *signature == tx && reason.contains("transfers 1000 base units")),
            "{v:?}"
        );
    }

    #[test]
    fn open_until_the_blockhash_expires_then_expired_and_it_can_no_longer_land() {
        let net = localnet::get();
        let _guard = localnet::chain_lock();
        let (payment, tx, _) = sign(net, "payer2", 1000);
        let v = ask(net, &payment, None);
        assert!(matches!(v, Verdict::Open { .. }), "{v:?}");
        assert_eq!(v.moved(), None);
        // A settlement naming a transaction the chain does not know: still open.
        let bogus = solana_keypair::Signature::from([7u8; 64]).to_string();
        let v = ask(net, &payment, Some(&bogus));
        assert!(matches!(v, Verdict::Open { .. }), "{v:?}");
        // The receipt wait for it gives up at its deadline with the same answer.
        let v = wait_for(net, &payment, &bogus, Duration::from_millis(600));
        assert!(matches!(v, Verdict::Open { .. }), "{v:?}");
        net.solana_call("localnet_expireBlockhash", json!([]));
        let v = ask(net, &payment, None);
        let height = net
            .solana_call("getBlockHeight", json!([]))
            .as_u64()
            .unwrap();
        assert_eq!(
            v,
            Verdict::Expired {
                block_height: height
            }
        );
        assert!(height > payment.last_valid_block_height.unwrap());
        assert_eq!(v.moved(), Some(false));
        // The chain agrees: the transaction cannot land any more.
        let err = send_co_signed(net, &tx).0.unwrap_err();
        assert_eq!(err["data"]["err"], "BlockhashNotFound", "{err}");
        // Without lastValidBlockHeight, isBlockhashValid alone decides.
        let v = ask(
            net,
            &SvmPayment {
                last_valid_block_height: None,
                ..payment
            },
            None,
        );
        assert!(matches!(v, Verdict::Expired { .. }), "{v:?}");
    }

    #[test]
    fn an_open_payment_that_lands_is_found_by_search() {
        let net = localnet::get();
        let _guard = localnet::chain_lock();
        let (payment, tx, _) = sign(net, "payer2", 1000);
        assert!(matches!(ask(net, &payment, None), Verdict::Open { .. }));
        let before = net.solana_token_balance(&net.solana_ata("payee")).unwrap();
        let signature = co_sign_and_send(net, &tx);
        assert_eq!(
            net.solana_token_balance(&net.solana_ata("payee")).unwrap(),
            before + 1000
        );
        let v = ask(net, &payment, None);
        assert!(
            matches!(&v, Verdict::Settled { signature: s, .. } if *s == signature),
            "{v:?}"
        );
        // Even after its blockhash expired: it landed, it is settled.
        net.solana_call("localnet_expireBlockhash", json!([]));
        let again = ask(net, &payment, None);
        assert_eq!(again, v);
    }

    #[test]
    fn a_landed_failure_is_failed_and_another_transaction_is_a_mismatch() {
        let net = localnet::get();
        let _guard = localnet::chain_lock();
        // poorPayer holds no USDC: the transfer fails during execution and lands.
        let (failing, tx, _) = sign(net, "poorPayer", 1000);
        let failed_sig = co_sign_and_send(net, &tx);
        let status = net.solana_call("getSignatureStatuses", json!([[failed_sig]]));
        assert!(!status["value"][0]["err"].is_null(), "{status}");
        for named in [Some(failed_sig.as_str()), None] {
            let v = ask(net, &failing, named);
            assert!(
                matches!(&v, Verdict::Failed { signature, reason, .. } if *signature == failed_sig && reason.contains("InstructionError")),
                "{v:?}"
            );
            assert_eq!(v.moved(), Some(false));
        }
        // A settlement that names that failed transaction for another, open payment: the
        // named transaction is not this payment, and the payment itself is still open.
        let (open, _, _) = sign(net, "payer2", 1000);
        let v = ask(net, &open, Some(&failed_sig));
        match &v {
            Verdict::Mismatch {
                signature,
                reason,
                payment: Some(p),
            } => {
                assert_eq!(*signature, failed_sig);
                assert!(
                    reason.contains("not signed by the paying account"),
                    "{reason}"
                );
                assert!(matches!(**p, Verdict::Open { .. }), "{p:?}");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(v.moved(), None);
    }

    #[test]
    fn rpc_failures_are_errors_never_verdicts() {
        let net = localnet::get();
        let (payment, _, _) = sign(net, "payer2", 1000);
        let closed = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap();
        let url = format!("http://{closed}");
        let client = client();
        let rpc = SvmRpc::new(&client, &url);
        for named in [
            None,
            Some(
                "5h6xBEauJ3PK6SWCZ1PGjBvj8vDdWG3KpwATGy1ARAXFSDwt8GFXM7W5Ncn16wmqokgpiKRLuS83KUxyZyv2sUYv",
            ),
        ] {
            let err = rt().block_on(check(&rpc, &payment, named)).unwrap_err();
            assert!(matches!(err, CheckError::Rpc(_)), "{err}");
        }
        // A node without getSignaturesForAddress cannot say "open".
        let node = crate::support::verifier::json_rpc(|method, _| match method {
            "getBlockHeight" => Ok(json!(1)),
            _ => Err(json!({"code": -32601, "message": "Method not found"})),
        });
        let rpc = SvmRpc::new(&client, &node.url);
        let err = rt().block_on(check(&rpc, &payment, None)).unwrap_err();
        assert!(err.to_string().contains("-32601"), "{err}");
    }
}
