//! `x402 wallet …` end to end through the real binary.

use crate::support::{self, ANVIL0_ADDRESS, ANVIL0_KEY, Env, TEST_MNEMONIC, json_data, localnet};
use std::os::unix::fs::PermissionsExt;
use std::process::Command;

fn mode(p: &std::path::Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn new_prints_the_address_and_writes_a_private_file() {
    let env = Env::new();
    let pw = env.password_file("secret");
    let out = env
        .x402()
        .args(["wallet", "new", "alice", "--password-file"])
        .arg(&pw)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", support::stderr(&out));
    let address = support::stdout(&out).trim().to_string();
    assert!(
        address.starts_with("0x") && address.len() == 42,
        "{address}"
    );
    assert!(support::stderr(&out).contains("Created account 'alice'"));
    let file = env.keystores().join("alice");
    assert_eq!(mode(&file), 0o600);
    assert_eq!(mode(&env.keystores()), 0o700);
    // The first account becomes the default.
    let config = std::fs::read_to_string(env.x402_home().join("config.toml")).unwrap();
    assert_eq!(config, "default_account = \"alice\"\n");
    env.x402()
        .args(["wallet", "address"])
        .assert()
        .success()
        .stdout(format!("{address}\n"));
    // JSON: name, address, path.
    let out = env
        .x402()
        .args(["wallet", "new", "bob", "--json", "--password-file"])
        .arg(&pw)
        .output()
        .unwrap();
    let data = json_data(&out);
    assert_eq!(data["name"], "bob");
    assert_eq!(data["default"], false);
    assert_eq!(data["path"], env.keystores().join("bob").to_str().unwrap());
    assert_ne!(data["address"], address.as_str());
}

#[test]
fn new_refuses_an_existing_name_unless_forced() {
    let env = Env::new();
    let pw = env.password_file("pw");
    let first = env.import_key("alice", ANVIL0_KEY);
    let before = std::fs::read(env.keystores().join("alice")).unwrap();
    env.x402()
        .args(["wallet", "new", "alice", "--password-file"])
        .arg(&pw)
        .assert()
        .code(116)
        .stderr(predicates::str::contains("already exists"));
    assert_eq!(
        std::fs::read(env.keystores().join("alice")).unwrap(),
        before
    );
    let out = env
        .x402()
        .args(["wallet", "new", "alice", "--force", "--password-file"])
        .arg(&pw)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_ne!(support::stdout(&out).trim(), first);
    // No temporary files are left behind.
    let names: Vec<_> = std::fs::read_dir(env.keystores())
        .unwrap()
        .flatten()
        .collect();
    assert_eq!(names.len(), 1);
}

#[test]
fn import_hex_key_with_and_without_0x() {
    let env = Env::new();
    assert_eq!(env.import_key("a", ANVIL0_KEY), ANVIL0_ADDRESS);
    assert_eq!(
        env.import_key("b", &format!("{}\n", &ANVIL0_KEY[2..])),
        ANVIL0_ADDRESS
    );
}

#[test]
fn import_mnemonic_index_0_and_1() {
    let env = Env::new();
    let pw = env.password_file("pw");
    for (index, expected) in [
        ("0", ANVIL0_ADDRESS),
        ("1", "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"),
    ] {
        env.x402()
            .args([
                "wallet",
                "import",
                &format!("m{index}"),
                "--mnemonic",
                "--mnemonic-index",
                index,
            ])
            .arg("--password-file")
            .arg(&pw)
            .write_stdin(TEST_MNEMONIC)
            .assert()
            .success()
            .stdout(format!("{expected}\n"));
    }
}

#[test]
fn import_rejects_malformed_secrets_without_echoing_them() {
    let env = Env::new();
    let pw = env.password_file("pw");
    for bad in [
        "0x1234",
        "zz".repeat(32).as_str(),
        "0x0000000000000000000000000000000000000000000000000000000000000000",
    ] {
        let out = env
            .x402()
            .args(["wallet", "import", "x", "--password-file"])
            .arg(&pw)
            .write_stdin(bad)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad}");
        let err = support::stderr(&out);
        assert!(err.starts_with("x402: error: not a"), "{err}");
        assert!(!err.contains(bad), "the secret was echoed: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
    env.x402()
        .args(["wallet", "import", "x", "--mnemonic", "--password-file"])
        .arg(&pw)
        .write_stdin("not a real mnemonic phrase at all")
        .assert()
        .code(2);
    env.x402()
        .args(["wallet", "import", "x", "--password-file"])
        .arg(&pw)
        .write_stdin("")
        .assert()
        .code(2);
    assert!(!env.keystores().join("x").exists());
}

#[test]
fn import_keystore_file_checks_the_password_first() {
    let env = Env::new();
    env.import_key("src", ANVIL0_KEY);
    let file = env.keystores().join("src");
    let wrong = env.password_file("wrong-password");
    env.x402()
        .args(["wallet", "import", "copy", "--keystore-file"])
        .arg(&file)
        .arg("--password-file")
        .arg(&wrong)
        .assert()
        .code(116)
        .stderr(predicates::str::contains("wrong password"));
    let pw = env.password_file("pw");
    env.x402()
        .args(["wallet", "import", "copy", "--keystore-file"])
        .arg(&file)
        .arg("--password-file")
        .arg(&pw)
        .assert()
        .success()
        .stdout(format!("{ANVIL0_ADDRESS}\n"));
    assert_eq!(mode(&env.keystores().join("copy")), 0o600);
}

#[test]
fn bad_input_exit_codes() {
    let env = Env::new();
    env.import_key("alice", ANVIL0_KEY);
    // Missing account.
    env.x402()
        .args(["wallet", "address", "nobody"])
        .assert()
        .code(116)
        .stderr(predicates::str::contains("no account named 'nobody'"));
    // No account at all, no default.
    Env::new()
        .x402()
        .args(["wallet", "address"])
        .assert()
        .code(116);
    // Invalid name.
    env.x402()
        .args(["wallet", "new", "../evil", "--password-file"])
        .arg(env.password_file("pw"))
        .assert()
        .code(116);
    // Unreadable password file.
    env.x402()
        .args(["wallet", "new", "bob", "--password-file", "/nonexistent/pw"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("cannot read password file"));
    // No terminal and no password file.
    env.x402()
        .args(["wallet", "new", "bob"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--password-file"));
    // Corrupt keystore given with --keystore.
    let junk = env.path("junk.json");
    std::fs::write(&junk, "{\"crypto\": 1}").unwrap();
    env.x402()
        .args(["wallet", "address", "--keystore"])
        .arg(&junk)
        .arg("--password-file")
        .arg(env.password_file("pw"))
        .assert()
        .code(116)
        .stderr(predicates::str::contains("not a usable keystore"));
    // Bad config file: file, line and key named.
    env.write_config("default_account = \"alice\"\n[limits]\nper_payment = \"much\"\n");
    env.x402()
        .args(["wallet", "list"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "config.toml:3:15: limits.per_payment",
        ));
    env.write_config("colour = \"red\"\n");
    env.x402()
        .args(["wallet", "list"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "config.toml:1:1: unknown field `colour`",
        ));
    // A --json failure is still one JSON document on stdout.
    let out = env
        .x402()
        .args(["wallet", "list", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["success"], false);
    assert_eq!(doc["errors"][0]["code"], 2);
}

#[test]
fn list_shows_default_and_foundry_accounts_without_a_password() {
    let env = Env::new();
    env.import_key("alice", ANVIL0_KEY);
    let cast = support::foundry_bin("cast");
    let st = Command::new(&cast)
        .args(["wallet", "import", "forge-acct", "--private-key"])
        .arg("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d")
        .arg("--keystore-dir")
        .arg(env.foundry_keystores())
        .args(["--unsafe-password", "castpw"])
        .env("HOME", env.home())
        .output()
        .unwrap();
    assert!(st.status.success(), "{}", support::stderr(&st));
    let out = env
        .x402()
        .args(["wallet", "list", "--json"])
        .output()
        .unwrap();
    let data = json_data(&out);
    let rows = data.as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["name"], "alice");
    assert_eq!(rows[0]["default"], true);
    assert_eq!(rows[0]["address"], ANVIL0_ADDRESS);
    assert_eq!(rows[1]["name"], "forge-acct");
    assert_eq!(rows[1]["origin"], "foundry");
    // Foundry files carry no address: it is known once unlocked.
    assert!(rows[1]["address"].is_null());
    let text = env.x402().args(["wallet", "list"]).output().unwrap();
    let text = support::stdout(&text);
    assert!(
        text.contains("alice") && text.contains("(default)") && text.contains("(foundry)"),
        "{text}"
    );
}

#[test]
fn foundry_keystore_is_usable_by_account_name() {
    let env = Env::new();
    let cast = support::foundry_bin("cast");
    let st = Command::new(&cast)
        .args([
            "wallet",
            "import",
            "deployer",
            "--private-key",
            ANVIL0_KEY,
            "--keystore-dir",
        ])
        .arg(env.foundry_keystores())
        .args(["--unsafe-password", "castpw"])
        .output()
        .unwrap();
    assert!(st.status.success(), "{}", support::stderr(&st));
    let pw = env.password_file("castpw");
    env.x402()
        .args([
            "wallet",
            "address",
            "--account",
            "deployer",
            "--password-file",
        ])
        .arg(&pw)
        .assert()
        .success()
        .stdout(format!("{ANVIL0_ADDRESS}\n"));
    // Foundry's ETH_PASSWORD holds a file path.
    env.x402()
        .args(["wallet", "address", "--account", "deployer"])
        .env("ETH_PASSWORD", &pw)
        .assert()
        .success()
        .stdout(format!("{ANVIL0_ADDRESS}\n"));
    // X402_ACCOUNT picks the account too; a wrong password is a wallet error.
    env.x402()
        .args(["wallet", "address", "--password-file"])
        .arg(env.password_file("nope"))
        .env("X402_ACCOUNT", "deployer")
        .assert()
        .code(116)
        .stderr(predicates::str::contains("wrong password"));
}

#[test]
fn x402_keystore_is_decrypted_by_cast() {
    let env = Env::new();
    let pw = env.password_file("hunter2");
    let address = support::stdout(
        &env.x402()
            .args(["wallet", "new", "fresh", "--password-file"])
            .arg(&pw)
            .output()
            .unwrap(),
    )
    .trim()
    .to_string();
    let cast = support::foundry_bin("cast");
    let out = Command::new(&cast)
        .args(["wallet", "decrypt-keystore", "fresh", "--keystore-dir"])
        .arg(env.keystores())
        .args(["--unsafe-password", "hunter2"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", support::stderr(&out));
    let text = support::stdout(&out);
    let key = text.split_whitespace().last().unwrap();
    let derived = Command::new(&cast)
        .args(["wallet", "address", "--private-key", key])
        .output()
        .unwrap();
    assert_eq!(support::stdout(&derived).trim(), address);
}

#[test]
fn balance_on_a_custom_network_from_config() {
    let net = localnet::get();
    let env = Env::new();
    let (payer, key) = net.account("payer");
    env.import_key("payer", &key);
    let token = net.s("/token/address");
    env.write_config(&format!(
        "default_account = \"payer\"\n\n[networks.devchain]\nchain_id = 31337\nrpc_url = \"{}\"\n\n\
         [[assets]]\nnetwork = \"devchain\"\naddress = \"{token}\"\nsymbol = \"USDC\"\ndecimals = 6\n\
         eip712_name = \"USDC\"\neip712_version = \"2\"\n",
        net.rpc("devchain")
    ));
    let _guard = localnet::chain_lock();
    let expected = net.token_balance("devchain", &token, &payer);
    let native = net.native_balance("devchain", &payer);
    let out = env
        .x402()
        .args(["wallet", "balance", "--network", "devchain", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", support::stderr(&out));
    let data = json_data(&out);
    assert_eq!(data["address"], payer.as_str());
    let row = &data["networks"][0];
    assert_eq!(row["caip2"], "eip155:31337");
    assert_eq!(row["tokens"][0]["base_units"], expected.to_string());
    assert_eq!(row["native"]["base_units"], native.to_string());
    assert!(expected > 0);
    // The human form shows decimals and symbols.
    let out = env
        .x402()
        .args(["wallet", "balance", "--network", "devchain"])
        .output()
        .unwrap();
    let text = support::stdout(&out);
    let whole = expected / 1_000_000;
    assert!(
        text.starts_with("devchain") && text.contains(&format!("{whole}.")),
        "{text}"
    );
    assert!(text.contains(" USDC") && text.contains(" ETH"), "{text}");
}

#[test]
fn balance_on_base_sepolia_with_rpc_url() {
    let net = localnet::get();
    let env = Env::new();
    let (payer, _) = net.account("payer");
    let usdc = net.s("/token/baseSepoliaUsdc");
    let _guard = localnet::chain_lock();
    let expected = net.token_balance("baseSepolia", &usdc, &payer);
    let out = env
        .x402()
        .args([
            "wallet",
            "balance",
            "--address",
            &payer,
            "--network",
            "base-sepolia",
            "--json",
            "--rpc-url",
        ])
        .arg(net.rpc("baseSepolia"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", support::stderr(&out));
    let row = &json_data(&out)["networks"][0];
    assert_eq!(
        row["tokens"][0]["address"],
        "0x036CbD53842c5426634e7929541eC2318f3dCF7e"
    );
    assert_eq!(row["tokens"][0]["base_units"], expected.to_string());
    // The wrong chain behind --rpc-url is an error, not a balance.
    env.x402()
        .args([
            "wallet",
            "balance",
            "--address",
            &payer,
            "--network",
            "base",
            "--rpc-url",
        ])
        .arg(net.rpc("baseSepolia"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("serves chain 84532"));
}

#[test]
fn rpc_failures_are_errors_never_zero_balances() {
    let env = Env::new();
    let args = |url: &str| {
        vec![
            "wallet".to_string(),
            "balance".into(),
            "--address".into(),
            ANVIL0_ADDRESS.into(),
            "--network".into(),
            "base-sepolia".into(),
            "--timeout".into(),
            "2".into(),
            "--rpc-url".into(),
            url.to_string(),
        ]
    };
    // Nothing listening: curl's "could not connect".
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let out = env
        .x402()
        .args(args(&format!("http://{closed}")))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(7));
    assert!(support::stdout(&out).is_empty());
    // A JSON-RPC error.
    let rpc = support::server::fixed(
        200,
        r#"{"jsonrpc":"2.0","id":1,"error":{"code":-32000,"message":"boom"}}"#,
    );
    let out = env.x402().args(args(&rpc.url())).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(support::stderr(&out).contains("boom"));
    // No contract at the token address: `0x` is not a zero balance.
    let rpc = support::server::fixed(200, r#"{"jsonrpc":"2.0","id":1,"result":"0x"}"#);
    let out = env
        .x402()
        .args(args(&rpc.url()))
        .arg("--json")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", support::stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["success"], false);
    assert!(
        doc["data"]["networks"][0]["tokens"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    // A server that never answers: curl's timeout.
    let (addr, _listener) = support::server::silent();
    let out = env
        .x402()
        .args(args(&format!("http://{addr}")))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(28), "{}", support::stderr(&out));
}

#[test]
fn new_at_a_terminal_asks_for_the_password_twice() {
    let env = Env::new();
    // Two different passwords: an error, and nothing written.
    let mut t = env.terminal(&["wallet", "new", "alice"], |_| {});
    t.answer("New keystore password: ", "first-secret");
    t.answer("Repeat the password: ", "other-secret");
    let (code, shown) = t.finish();
    assert_eq!(code, Some(2), "{shown}");
    assert!(
        shown.contains("x402: error: the two passwords differ"),
        "{shown}"
    );
    assert!(!shown.contains("-secret"), "a password was echoed: {shown}");
    assert!(!env.keystores().join("alice").exists());
    assert!(!env.x402_home().join("config.toml").exists());
    // The same password twice: created under that password.
    let mut t = env.terminal(&["wallet", "new", "alice"], |_| {});
    t.answer("New keystore password: ", "typed-secret");
    t.answer("Repeat the password: ", "typed-secret");
    let (code, shown) = t.finish();
    assert_eq!(code, Some(0), "{shown}");
    assert!(!shown.contains("typed-secret"), "{shown}");
    assert_eq!(shown.matches("New keystore password: ").count(), 1);
    assert_eq!(shown.matches("Repeat the password: ").count(), 1);
    let out = env
        .x402()
        .args(["wallet", "import", "copy", "--keystore-file"])
        .arg(env.keystores().join("alice"))
        .arg("--password-file")
        .arg(env.password_file("typed-secret"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", support::stderr(&out));
    let address = support::stdout(&out).trim().to_string();
    assert!(shown.contains(&address), "{shown}");
    assert!(shown.contains("Created account 'alice'"), "{shown}");
}

#[test]
fn import_at_a_terminal_reads_the_secret_from_a_hidden_prompt() {
    let env = Env::new();
    let mut t = env.terminal(&["wallet", "import", "bob"], |_| {});
    t.answer("Private key: ", ANVIL0_KEY);
    t.answer("New keystore password: ", "pw");
    t.answer("Repeat the password: ", "pw");
    let (code, shown) = t.finish();
    assert_eq!(code, Some(0), "{shown}");
    assert!(shown.contains(ANVIL0_ADDRESS), "{shown}");
    assert!(
        !shown.to_lowercase().contains(&ANVIL0_KEY[2..18]),
        "the key was echoed: {shown}"
    );
    env.x402()
        .args(["wallet", "address", "bob"])
        .assert()
        .success()
        .stdout(format!("{ANVIL0_ADDRESS}\n"));
    // A mnemonic the same way.
    let mut t = env.terminal(&["wallet", "import", "carol", "--mnemonic"], |_| {});
    t.answer("Mnemonic phrase: ", TEST_MNEMONIC);
    t.answer("New keystore password: ", "pw");
    t.answer("Repeat the password: ", "pw");
    let (code, shown) = t.finish();
    assert_eq!(code, Some(0), "{shown}");
    assert!(shown.contains(ANVIL0_ADDRESS), "{shown}");
    assert!(!shown.contains("junk"), "the phrase was echoed: {shown}");
}
