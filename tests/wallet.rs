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
    let out = env.run_pw(&["wallet", "new", "alice"], &pw);
    support::assert_exit(&out, 0);
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
    let out = env.run_pw(&["wallet", "new", "bob", "--json"], &pw);
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
    let out = env.run_pw(&["wallet", "new", "alice", "--force"], &pw);
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
    // An invalid name is a usage error (2), for new, import and lookups alike.
    env.x402()
        .args(["wallet", "new", "../evil", "--password-file"])
        .arg(env.password_file("pw"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "'../evil' is not a valid account name",
        ));
    env.x402()
        .args(["wallet", "import", "a/b"])
        .write_stdin(ANVIL0_KEY)
        .assert()
        .code(2);
    env.x402()
        .args(["wallet", "address", "--account", ".hidden"])
        .assert()
        .code(2);
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
            "config.toml:1:1: colour: unknown field `colour`",
        ));
    // A --json failure is still one JSON document on stdout.
    let out = env.run(&["wallet", "list", "--json"]);
    assert_eq!(out.status.code(), Some(2));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["success"], false);
    assert_eq!(doc["errors"][0]["code"], 2);
}

#[test]
fn list_shows_default_and_foundry_accounts_without_a_password() {
    let env = Env::new();
    env.import_key("alice", ANVIL0_KEY);
    cast_import(&env, "forge-acct", support::ANVIL1_KEY, "castpw");
    let out = env.run(&["wallet", "list", "--json"]);
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
    let text = env.run(&["wallet", "list"]);
    let text = support::stdout(&text);
    assert!(
        text.contains("alice") && text.contains("(default)") && text.contains("(foundry)"),
        "{text}"
    );
}

#[test]
fn foundry_keystore_is_usable_by_account_name() {
    let env = Env::new();
    cast_import(&env, "deployer", ANVIL0_KEY, "castpw");
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
    let address = support::stdout(&env.run_pw(&["wallet", "new", "fresh"], &pw))
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
    let out = env.run(&["wallet", "balance", "--network", "devchain", "--json"]);
    support::assert_exit(&out, 0);
    let data = json_data(&out);
    assert_eq!(data["address"], payer.as_str());
    let row = &data["networks"][0];
    assert_eq!(row["caip2"], "eip155:31337");
    assert_eq!(row["tokens"][0]["base_units"], expected.to_string());
    assert_eq!(row["native"]["base_units"], native.to_string());
    assert!(expected > 0);
    // The human form shows decimals and symbols.
    let out = env.run(&["wallet", "balance", "--network", "devchain"]);
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
    let rpc = net.rpc("baseSepolia");
    let out = env.balance_at(&payer, "base-sepolia", &rpc, &["--json"]);
    support::assert_exit(&out, 0);
    let row = &json_data(&out)["networks"][0];
    assert_eq!(
        row["tokens"][0]["address"],
        "0x036CbD53842c5426634e7929541eC2318f3dCF7e"
    );
    assert_eq!(row["tokens"][0]["base_units"], expected.to_string());
    // The wrong chain behind --rpc-url is an error, not a balance.
    let line = support::error_line(&env.balance_at(&payer, "base", &rpc, &[]), 2);
    assert!(line.contains("serves chain 84532"), "{line}");
}

#[test]
fn rpc_failures_are_errors_never_zero_balances() {
    let env = Env::new();
    let balance = |url: &str, extra: &[&str]| {
        let extra = [&["--timeout", "2"], extra].concat();
        env.balance_at(ANVIL0_ADDRESS, "base-sepolia", url, &extra)
    };
    // Nothing listening: curl's "could not connect".
    let closed = support::closed_addr();
    let out = balance(&format!("http://{closed}"), &[]);
    assert_eq!(out.status.code(), Some(7));
    assert!(support::stdout(&out).is_empty());
    // A JSON-RPC error.
    let rpc = support::verifier::fixed(
        200,
        r#"{"jsonrpc":"2.0","id":1,"error":{"code":-32000,"message":"boom"}}"#,
    );
    let out = balance(&rpc.url(""), &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(support::stderr(&out).contains("boom"));
    // No contract at the token address: `0x` is not a zero balance.
    let rpc = support::verifier::fixed(200, r#"{"jsonrpc":"2.0","id":1,"result":"0x"}"#);
    let out = balance(&rpc.url(""), &["--json"]);
    support::assert_exit(&out, 1);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["success"], false);
    assert!(
        doc["data"]["networks"][0]["tokens"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    // A server that never answers: curl's timeout.
    let silent = support::verifier::silent();
    let out = balance(&silent.url(""), &[]);
    support::assert_exit(&out, 28);
}

#[test]
fn a_flag_beats_the_environment_when_choosing_the_account() {
    let env = Env::new();
    env.import_key("alice", ANVIL0_KEY);
    let bob = env.import_key("bob", support::ANVIL1_KEY);
    let bob_file = env.keystores().join("bob");
    let address = |vars: &[(&str, &std::path::Path)], args: &[&str]| {
        let mut cmd = env.x402();
        cmd.args(["wallet", "address"]).args(args);
        for (k, v) in vars {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    };
    let alice = std::path::Path::new("alice");

    // The environment alone chooses.
    let out = address(&[("X402_ACCOUNT", alice)], &[]);
    assert_eq!(
        support::stdout(&out).trim(),
        ANVIL0_ADDRESS,
        "{}",
        support::stderr(&out)
    );
    let out = address(&[("X402_KEYSTORE", &bob_file)], &[]);
    assert_eq!(support::stdout(&out).trim(), bob);

    // A flag of the other kind wins over it, instead of conflicting.
    let out = address(
        &[("X402_ACCOUNT", alice)],
        &["--keystore", bob_file.to_str().unwrap()],
    );
    support::assert_exit(&out, 0);
    assert_eq!(support::stdout(&out).trim(), bob);
    let out = address(&[("X402_KEYSTORE", &bob_file)], &["--account", "alice"]);
    support::assert_exit(&out, 0);
    assert_eq!(support::stdout(&out).trim(), ANVIL0_ADDRESS);

    // Both variables set, no flag: ambiguous, a usage error naming both.
    let out = address(
        &[("X402_ACCOUNT", alice), ("X402_KEYSTORE", &bob_file)],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = support::stderr(&out);
    assert!(
        err.contains("X402_ACCOUNT and X402_KEYSTORE are both set"),
        "{err}"
    );
    // Both flags: still a conflict, as before.
    let out = address(
        &[],
        &[
            "--account",
            "alice",
            "--keystore",
            bob_file.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
}

/// A copy of account `name`'s keystore at `to` (0600) without its `address` field, as Foundry
/// writes them: its address is known only once it is unlocked.
fn copy_without_address(env: &Env, name: &str, to: &std::path::Path) {
    let text = std::fs::read(env.keystores().join(name)).unwrap();
    let mut doc: serde_json::Value = serde_json::from_slice(&text).unwrap();
    assert!(doc.as_object_mut().unwrap().remove("address").is_some());
    write_private(to, serde_json::to_string(&doc).unwrap().as_bytes());
}

/// Writes `bytes` to `path` (parents created) with mode 0600.
fn write_private(path: &std::path::Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
}

#[test]
fn password_file_from_the_environment() {
    let env = Env::new();
    let pw = env.password_file("env-password");
    let out = env
        .x402()
        .args(["wallet", "new", "alice"])
        .env("X402_PASSWORD_FILE", &pw)
        .output()
        .unwrap();
    support::assert_exit(&out, 0);
    let address = support::stdout(&out).trim().to_string();
    assert!(
        address.starts_with("0x") && address.len() == 42,
        "{address}"
    );
    // The keystore is encrypted under that password: a copy without the address field must be
    // unlocked to tell it, and X402_PASSWORD_FILE unlocks it.
    let bare = env.path("bare.json");
    copy_without_address(&env, "alice", &bare);
    env.x402()
        .args(["wallet", "address", "--keystore"])
        .arg(&bare)
        .env("X402_PASSWORD_FILE", &pw)
        .assert()
        .success()
        .stdout(format!("{address}\n"));
    // A wrong password in the variable is one failed try, no prompt.
    let wrong = env.password_file("nope");
    env.x402()
        .args(["wallet", "address", "--keystore"])
        .arg(&bare)
        .env("X402_PASSWORD_FILE", &wrong)
        .assert()
        .code(116)
        .stderr(predicates::str::contains("wrong password"))
        .stdout("");
    // --password-file beats the variable, and the variable beats Foundry's ETH_PASSWORD.
    env.x402()
        .args(["wallet", "address", "--keystore"])
        .arg(&bare)
        .arg("--password-file")
        .arg(&pw)
        .env("X402_PASSWORD_FILE", &wrong)
        .assert()
        .success()
        .stdout(format!("{address}\n"));
    env.x402()
        .args(["wallet", "address", "--keystore"])
        .arg(&bare)
        .env("X402_PASSWORD_FILE", &pw)
        .env("ETH_PASSWORD", &wrong)
        .assert()
        .success()
        .stdout(format!("{address}\n"));
    // A variable naming a missing file is a usage error, and nothing is created.
    env.x402()
        .args(["wallet", "new", "bob"])
        .env("X402_PASSWORD_FILE", env.path("missing-pw"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("cannot read password file"));
    assert!(!env.keystores().join("bob").exists());
}

#[test]
fn keystore_file_by_flag_or_environment() {
    let env = Env::new();
    env.import_key("alice", ANVIL0_KEY);
    // Any v3 file, anywhere, under any name; the account it came from is gone.
    let file = env.path("elsewhere/my-key.json");
    write_private(
        &file,
        &std::fs::read(env.keystores().join("alice")).unwrap(),
    );
    std::fs::remove_file(env.keystores().join("alice")).unwrap();
    env.x402()
        .args(["wallet", "address"])
        .assert()
        .code(116)
        .stderr(predicates::str::contains("no account named 'alice'"));
    // No password is needed to show the address the file records.
    let out = env
        .x402()
        .args(["wallet", "address", "--keystore"])
        .arg(&file)
        .output()
        .unwrap();
    support::assert_exit(&out, 0);
    assert_eq!(support::stdout(&out), format!("{ANVIL0_ADDRESS}\n"));
    assert_eq!(support::stderr(&out), "");
    let out = env
        .x402()
        .args(["wallet", "address", "--json"])
        .env("X402_KEYSTORE", &file)
        .output()
        .unwrap();
    support::assert_exit(&out, 0);
    let data = json_data(&out);
    assert_eq!(data["name"], "my-key.json");
    assert_eq!(data["address"], ANVIL0_ADDRESS);
    // A file without an address is unlocked to tell it.
    let bare = env.path("bare.json");
    std::fs::copy(&file, env.keystores().join("tmp")).unwrap();
    copy_without_address(&env, "tmp", &bare);
    env.x402()
        .args(["wallet", "address", "--password-file"])
        .arg(env.password_file("pw"))
        .env("X402_KEYSTORE", &bare)
        .assert()
        .success()
        .stdout(format!("{ANVIL0_ADDRESS}\n"));
    // --keystore and --account exclude each other; a missing file is a wallet error.
    env.x402()
        .args(["wallet", "address", "--account", "tmp", "--keystore"])
        .arg(&file)
        .assert()
        .code(2);
    env.x402()
        .args(["wallet", "address", "--keystore"])
        .arg(env.path("no-such.json"))
        .assert()
        .code(116)
        .stderr(predicates::str::contains("no-such.json"));
}

#[test]
fn config_file_from_the_environment() {
    let env = Env::new();
    env.import_key("alice", ANVIL0_KEY);
    env.import_key("bob", support::ANVIL1_KEY);
    // The home's config.toml says alice; a broken one would stop every command.
    env.x402()
        .args(["wallet", "address"])
        .assert()
        .success()
        .stdout(format!("{ANVIL0_ADDRESS}\n"));
    env.write_config("default_account = \"alice\"\nnot toml at all\n");
    let elsewhere = env.path("etc/x402-settings.toml");
    std::fs::create_dir_all(elsewhere.parent().unwrap()).unwrap();
    std::fs::write(&elsewhere, "default_account = \"bob\"\n").unwrap();
    env.x402()
        .args(["wallet", "address"])
        .env("X402_CONFIG", &elsewhere)
        .assert()
        .success()
        .stdout(format!("{}\n", support::ANVIL1_ADDRESS));
    // --config beats the variable.
    let third = env.path("third.toml");
    std::fs::write(&third, "default_account = \"alice\"\n").unwrap();
    env.x402()
        .args(["wallet", "address", "--config"])
        .arg(&third)
        .env("X402_CONFIG", &elsewhere)
        .assert()
        .success()
        .stdout(format!("{ANVIL0_ADDRESS}\n"));
    // Errors name the file actually read.
    std::fs::write(&elsewhere, "default_account = 7\n").unwrap();
    env.x402()
        .args(["wallet", "list"])
        .env("X402_CONFIG", &elsewhere)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("x402-settings.toml:1:"));
    // A variable naming a missing file is an error, not the defaults.
    env.x402()
        .args(["wallet", "list"])
        .env("X402_CONFIG", env.path("missing.toml"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("missing.toml: no such file"));
}

#[test]
fn default_home_is_home_config_or_xdg_config_home() {
    let env = Env::new();
    let pw = env.password_file("pw");
    let new = |name: &str, xdg: Option<&str>| {
        let mut cmd = env.x402();
        cmd.env_remove("X402_HOME")
            .args(["wallet", "new", name, "--password-file"])
            .arg(&pw);
        if let Some(xdg) = xdg {
            cmd.env("XDG_CONFIG_HOME", xdg);
        }
        let out = cmd.output().unwrap();
        support::assert_exit(&out, 0);
        support::stdout(&out).trim().to_string()
    };
    // HOME only: ~/.config/x402.
    let alice = new("alice", None);
    let home = env.home().join(".config/x402");
    assert_eq!(mode(&home.join("keystores/alice")), 0o600);
    assert_eq!(mode(&home.join("keystores")), 0o700);
    assert_eq!(
        std::fs::read_to_string(home.join("config.toml")).unwrap(),
        "default_account = \"alice\"\n"
    );
    assert!(!env.x402_home().exists());
    // An empty X402_HOME counts as unset.
    env.x402()
        .args(["wallet", "address"])
        .env("X402_HOME", "")
        .assert()
        .success()
        .stdout(format!("{alice}\n"));
    // An absolute XDG_CONFIG_HOME moves the home (with its own default account).
    let xdg = env.path("xdg");
    new("bob", Some(xdg.to_str().unwrap()));
    assert_eq!(mode(&xdg.join("x402/keystores/bob")), 0o600);
    assert_eq!(
        std::fs::read_to_string(xdg.join("x402/config.toml")).unwrap(),
        "default_account = \"bob\"\n"
    );
    assert!(!home.join("keystores/bob").exists());
    // A relative one is ignored, as the XDG spec says.
    new("carol", Some("relative-xdg"));
    assert!(home.join("keystores/carol").is_file());
    assert!(!env.path("relative-xdg").exists());
    // A missing account names the directories searched.
    let out = env
        .x402()
        .env_remove("X402_HOME")
        .args(["wallet", "address", "nobody"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(116));
    let err = support::stderr(&out);
    assert!(
        err.contains(&format!(
            "looked in {} and {}",
            home.join("keystores").display(),
            env.foundry_keystores().display()
        )),
        "{err}"
    );
}

/// Foundry's `cast wallet import NAME` into the environment's ~/.foundry/keystores.
fn cast_import(env: &Env, name: &str, key: &str, password: &str) {
    let out = Command::new(support::foundry_bin("cast"))
        .args([
            "wallet",
            "import",
            name,
            "--private-key",
            key,
            "--keystore-dir",
        ])
        .arg(env.foundry_keystores())
        .args(["--unsafe-password", password])
        .env("HOME", env.home())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", support::stderr(&out));
}

#[test]
fn own_account_wins_over_foundrys_of_the_same_name() {
    let env = Env::new();
    env.import_key("shared", ANVIL0_KEY);
    // The same name in Foundry's directory, another key, the same password.
    cast_import(&env, "shared", support::ANVIL1_KEY, "pw");
    cast_import(&env, "forge-only", support::ANVIL1_KEY, "castpw");
    let pw = env.password_file("pw");
    let address = |args: &[&str], pw: &std::path::Path| {
        let out = env
            .x402()
            .args(["wallet", "address"])
            .args(args)
            .arg("--password-file")
            .arg(pw)
            .output()
            .unwrap();
        support::assert_exit(&out, 0);
        support::stdout(&out).trim().to_string()
    };
    assert_eq!(address(&["shared"], &pw), ANVIL0_ADDRESS);
    assert_eq!(address(&["--account", "shared"], &pw), ANVIL0_ADDRESS);
    // Only in Foundry's directory: Foundry's is used.
    let castpw = env.password_file("castpw");
    assert_eq!(address(&["forge-only"], &castpw), support::ANVIL1_ADDRESS);
    // Without this tool's own, the name finds Foundry's.
    std::fs::remove_file(env.keystores().join("shared")).unwrap();
    assert_eq!(address(&["shared"], &pw), support::ANVIL1_ADDRESS);
}

#[test]
fn import_onto_an_existing_name_needs_force_and_stays_private() {
    let env = Env::new();
    let pw = env.password_file("pw");
    env.import_key("alice", ANVIL0_KEY);
    let path = env.keystores().join("alice");
    let before = std::fs::read(&path).unwrap();
    // A private key: refused, the file byte for byte as it was.
    let out = env
        .x402()
        .args(["wallet", "import", "alice", "--password-file"])
        .arg(&pw)
        .write_stdin(support::ANVIL1_KEY)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(116));
    assert_eq!(support::stdout(&out), "");
    let err = support::stderr(&out);
    assert!(
        err.contains("already exists") && err.contains("--force"),
        "{err}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), before);
    // A keystore file (group- and world-readable): refused likewise.
    env.import_key("bob", support::ANVIL1_KEY);
    let other = env.path("other.json");
    std::fs::copy(env.keystores().join("bob"), &other).unwrap();
    std::fs::set_permissions(&other, std::fs::Permissions::from_mode(0o644)).unwrap();
    env.x402()
        .args(["wallet", "import", "alice", "--keystore-file"])
        .arg(&other)
        .arg("--password-file")
        .arg(&pw)
        .assert()
        .code(116)
        .stdout("");
    assert_eq!(std::fs::read(&path).unwrap(), before);
    // --force replaces it, and the file stays 0600.
    let out = env
        .x402()
        .args(["wallet", "import", "alice", "--force", "--password-file"])
        .arg(&pw)
        .write_stdin(support::ANVIL1_KEY)
        .output()
        .unwrap();
    support::assert_exit(&out, 0);
    assert_eq!(
        support::stdout(&out),
        format!("{}\n", support::ANVIL1_ADDRESS)
    );
    assert_ne!(std::fs::read(&path).unwrap(), before);
    assert_eq!(mode(&path), 0o600);
    env.x402()
        .args(["wallet", "address", "alice"])
        .assert()
        .success()
        .stdout(format!("{}\n", support::ANVIL1_ADDRESS));
    // Forced from a 0644 keystore file over a 0644 account: the result is 0600 all the same.
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    env.x402()
        .args(["wallet", "import", "alice", "--force", "--keystore-file"])
        .arg(&other)
        .arg("--password-file")
        .arg(&pw)
        .assert()
        .success()
        .stdout(format!("{}\n", support::ANVIL1_ADDRESS));
    assert_eq!(
        std::fs::read(&path).unwrap(),
        std::fs::read(&other).unwrap()
    );
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(&env.keystores()), 0o700);
    // alice is still the default, and no temporary file is left behind.
    assert_eq!(
        std::fs::read_to_string(env.x402_home().join("config.toml")).unwrap(),
        "default_account = \"alice\"\n"
    );
    let mut names: Vec<_> = std::fs::read_dir(env.keystores())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["alice", "bob"]);
}

#[test]
fn quiet_keeps_stderr_to_errors() {
    let env = Env::new();
    let pw = env.password_file("pw");
    let out = env.run_pw(&["wallet", "new", "alice", "-q"], &pw);
    support::assert_exit(&out, 0);
    let alice = support::stdout(&out);
    assert!(alice.starts_with("0x") && alice.len() == 43, "{alice}");
    assert_eq!(support::stderr(&out), "");
    // The same without -q talks on stderr.
    let out = env.run_pw(&["wallet", "new", "bob"], &pw);
    assert!(support::stderr(&out).contains("Created account 'bob'"));
    // A warning is silenced, the result is not.
    let path = env.keystores().join("alice");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let loud = env.run(&["wallet", "address"]);
    assert!(support::stderr(&loud).contains("can be read by other users"));
    let quiet = env.run(&["--quiet", "wallet", "address"]);
    assert_eq!(quiet.status.code(), Some(0));
    assert_eq!(support::stdout(&quiet), alice);
    assert_eq!(support::stderr(&quiet), "");
    let list = env.run(&["wallet", "list", "-q"]);
    assert_eq!(support::stderr(&list), "");
    assert_eq!(support::stdout(&list).lines().count(), 2);
    // Errors still show.
    env.x402()
        .args(["wallet", "address", "nobody", "-q"])
        .assert()
        .code(116)
        .stdout("")
        .stderr(predicates::str::starts_with(
            "x402: error: no account named 'nobody'",
        ));
    env.x402()
        .args(["wallet", "list", "-q", "-v"])
        .assert()
        .code(2);
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
    support::assert_exit(&out, 0);
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

/// `amount` base units with `decimals`, as balances are shown: trailing zeros dropped, at least
/// two decimals.
fn decimal(amount: u128, decimals: u32) -> String {
    let scale = 10u128.pow(decimals);
    let mut frac = format!("{:0width$}", amount % scale, width = decimals as usize);
    while frac.len() > 2 && frac.ends_with('0') {
        frac.pop();
    }
    format!("{}.{frac}", amount / scale)
}

/// config.toml's `devchain`: the local chain 31337 with its USDC.
fn devchain_config(net: &localnet::Localnet) -> String {
    format!(
        "[networks.devchain]\nchain_id = 31337\nrpc_url = \"{}\"\n\n\
         [[assets]]\nnetwork = \"devchain\"\naddress = \"{}\"\nsymbol = \"USDC\"\ndecimals = 6\n\
         eip712_name = \"USDC\"\neip712_version = \"2\"\n",
        net.rpc("devchain"),
        net.s("/token/address")
    )
}

#[test]
fn balance_of_an_account_by_name_or_flag_in_decimals_and_base_units() {
    let net = localnet::get();
    let env = Env::new();
    let (payer, key) = net.account("payer");
    // Another account is the default, so only the name can pick the payer.
    env.import_key("other", ANVIL0_KEY);
    env.import_key("payer", &key);
    env.write_config(&format!(
        "default_account = \"other\"\n{}",
        devchain_config(net)
    ));
    let token = net.s("/token/address");
    let _guard = localnet::chain_lock();
    let usdc = net.token_balance("devchain", &token, &payer);
    let eth = net.native_balance("devchain", &payer);
    assert!(usdc > 0 && eth > 0);
    let json = |args: &[&str]| {
        let out = env
            .x402()
            .args(["wallet", "balance", "--network", "devchain", "--json"])
            .args(args)
            .output()
            .unwrap();
        support::assert_exit(&out, 0);
        json_data(&out)
    };
    for args in [&["payer"][..], &["--account", "payer"]] {
        let data = json(args);
        assert_eq!(data["account"], "payer", "{args:?}");
        assert_eq!(data["address"], payer.as_str());
        let row = &data["networks"][0];
        assert_eq!(row["network"], "devchain");
        assert_eq!(row["rpc_url"], net.rpc("devchain").as_str());
        assert!(row["error"].is_null());
        let t = &row["tokens"][0];
        assert_eq!(t["symbol"], "USDC");
        assert_eq!(t["address"], token.as_str());
        assert_eq!(t["decimals"], 6);
        assert_eq!(t["base_units"], usdc.to_string());
        assert_eq!(t["balance"], decimal(usdc, 6));
        let n = &row["native"];
        assert_eq!(n["symbol"], "ETH");
        assert!(n["address"].is_null());
        assert_eq!(n["decimals"], 18);
        assert_eq!(n["base_units"], eth.to_string());
        assert_eq!(n["balance"], decimal(eth, 18));
    }
    // Without a name: the default account.
    let data = json(&[]);
    assert_eq!(data["account"], "other");
    assert_eq!(data["address"], ANVIL0_ADDRESS);
    // Human form: the balances on stdout, who they belong to on stderr (not with -q).
    let line = format!(
        "devchain  {} USDC  {} ETH\n",
        decimal(usdc, 6),
        decimal(eth, 18)
    );
    let out = env.run(&["wallet", "balance", "payer", "--network", "devchain"]);
    support::assert_exit(&out, 0);
    assert_eq!(support::stdout(&out), line);
    assert_eq!(support::stderr(&out), format!("payer {payer}\n"));
    let out = env.run(&["wallet", "balance", "payer", "--network", "devchain", "-q"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(support::stdout(&out), line);
    assert_eq!(support::stderr(&out), "");
}

#[test]
fn balance_over_several_networks_with_one_rpc_dead() {
    let net = localnet::get();
    let env = Env::new();
    let (payer, _) = net.account("payer");
    let closed = support::closed_addr();
    env.write_config(&format!(
        "[rpc]\nbase-sepolia = \"http://{closed}\"\n\n{}",
        devchain_config(net)
    ));
    let token = net.s("/token/address");
    let _guard = localnet::chain_lock();
    let usdc = net.token_balance("devchain", &token, &payer);
    let balance = |networks: [&str; 2], extra: &[&str]| {
        env.x402()
            .args(["wallet", "balance", "--address", &payer, "--timeout", "5"])
            .args(["--network", networks[0], "--network", networks[1]])
            .args(extra)
            .output()
            .unwrap()
    };
    let out = balance(["devchain", "base-sepolia"], &["--json"]);
    support::assert_exit(&out, 7);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["success"], false);
    let rows = doc["data"]["networks"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["network"], "devchain");
    assert!(rows[0]["error"].is_null());
    assert_eq!(rows[0]["tokens"][0]["base_units"], usdc.to_string());
    assert_eq!(rows[1]["network"], "base-sepolia");
    assert_eq!(rows[1]["rpc_url"], format!("http://{closed}"));
    assert!(
        rows[1]["error"]
            .as_str()
            .unwrap()
            .contains(&closed.to_string()),
        "{}",
        rows[1]
    );
    assert!(rows[1]["tokens"].as_array().unwrap().is_empty());
    assert!(rows[1]["native"].is_null());
    let errors = doc["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["code"], 7);
    assert!(
        errors[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("base-sepolia: "),
        "{}",
        errors[0]
    );
    // Human form, the dead one first: the good network on stdout, the bad one an error.
    for extra in [&[][..], &["-q"]] {
        let out = balance(["base-sepolia", "devchain"], extra);
        assert_eq!(out.status.code(), Some(7), "{extra:?}");
        let text = support::stdout(&out);
        assert_eq!(text.lines().count(), 1, "{text}");
        assert!(
            text.starts_with("devchain  ") && text.contains(&format!("{} USDC", decimal(usdc, 6))),
            "{text}"
        );
        let err = support::stderr(&out);
        assert!(err.contains("x402: error: base-sepolia: "), "{err}");
        assert!(!err.contains("devchain"), "{err}");
    }
}

#[test]
fn balance_all_covers_every_network_with_an_rpc_url() {
    let net = localnet::get();
    let env = Env::new();
    let (payer, _) = net.account("payer");
    // Every other RPC answers 1234500 (0x12d644) to any call: no request leaves the machine.
    let fixed = support::verifier::fixed(
        200,
        r#"{"jsonrpc":"2.0","id":1,"result":"0x000000000000000000000000000000000000000000000000000000000012d644"}"#,
    );
    let built_in = x402::network::Networks::built_in();
    let with_rpc: Vec<String> = built_in
        .iter()
        .filter(|n| n.rpc_url.is_some())
        .map(|n| n.name.clone())
        .collect();
    assert!(with_rpc.contains(&"base-sepolia".to_string()));
    let mut config = String::from("[rpc]\n");
    for name in &with_rpc {
        let url = if name == "base-sepolia" {
            net.rpc("baseSepolia")
        } else {
            fixed.url("")
        };
        config.push_str(&format!("{name} = \"{url}\"\n"));
    }
    // A network without an RPC URL is left out, and joins once config.toml gives it one.
    config.push_str(&format!("later = \"{}\"\n", fixed.url("")));
    config.push_str("\n[networks.later]\nchain_id = 999998\n");
    config.push_str("\n[networks.offline]\nchain_id = 999999\n\n");
    config.push_str(&devchain_config(net));
    env.write_config(&config);
    let _guard = localnet::chain_lock();
    let usdc = net.token_balance("baseSepolia", &net.s("/token/baseSepoliaUsdc"), &payer);
    let out = env.run(&["wallet", "balance", "--all", "--json", "--address", &payer]);
    support::assert_exit(&out, 0);
    let data = json_data(&out);
    let rows = data["networks"].as_array().unwrap();
    let mut shown: Vec<String> = rows
        .iter()
        .map(|r| r["network"].as_str().unwrap().to_string())
        .collect();
    let mut expected = with_rpc.clone();
    expected.push("later".into());
    expected.push("devchain".into());
    shown.sort();
    expected.sort();
    assert_eq!(shown, expected);
    for row in rows {
        assert!(row["error"].is_null(), "{row}");
        assert!(
            row["rpc_url"]
                .as_str()
                .unwrap()
                .starts_with("http://127.0.0.1:"),
            "{row}"
        );
        let name = row["network"].as_str().unwrap();
        let tokens = row["tokens"].as_array().unwrap();
        if name == "base-sepolia" {
            assert_eq!(tokens[0]["base_units"], usdc.to_string());
        } else if name != "devchain" {
            // Every asset the table knows for the network (Sepolia has none; `later`, a custom
            // network without [[assets]], neither).
            let known = built_in.find(name).map_or(0, |n| n.assets.len());
            assert_eq!(tokens.len(), known, "{row}");
            for token in tokens {
                assert_eq!(token["base_units"], "1234500", "{row}");
                let decimals = u32::try_from(token["decimals"].as_u64().unwrap()).unwrap();
                assert_eq!(token["balance"], decimal(1_234_500, decimals), "{row}");
            }
            assert_eq!(row["native"]["balance"], "0.0000000000012345", "{row}");
        }
    }
    assert!(
        fixed.requests().len() >= 2 * (with_rpc.len() - 1),
        "{}",
        fixed.requests().len()
    );
    // --all and --network exclude each other.
    env.x402()
        .args([
            "wallet",
            "balance",
            "--all",
            "--network",
            "base",
            "--address",
            &payer,
        ])
        .assert()
        .code(2);
}

#[test]
fn balance_through_x402_keystore_and_x402_rpc_url() {
    let net = localnet::get();
    let env = Env::new();
    let (payer, key) = net.account("payer");
    env.import_key("payer", &key);
    let file = env.path("payer.json");
    write_private(
        &file,
        &std::fs::read(env.keystores().join("payer")).unwrap(),
    );
    std::fs::remove_file(env.keystores().join("payer")).unwrap();
    let usdc = net.s("/token/baseSepoliaUsdc");
    let rpc = net.rpc("baseSepolia");
    let _guard = localnet::chain_lock();
    let expected = net.token_balance("baseSepolia", &usdc, &payer);
    let out = env
        .x402()
        .args(["wallet", "balance", "--network", "base-sepolia", "--json"])
        .env("X402_KEYSTORE", &file)
        .env("X402_RPC_URL", &rpc)
        .output()
        .unwrap();
    support::assert_exit(&out, 0);
    let data = json_data(&out);
    assert_eq!(data["account"], "payer.json");
    assert_eq!(data["address"], payer.as_str());
    let row = &data["networks"][0];
    assert_eq!(row["rpc_url"], rpc.as_str());
    assert_eq!(row["tokens"][0]["base_units"], expected.to_string());
    // The variable's URL is checked against the network as the flag's is.
    env.x402()
        .args([
            "wallet",
            "balance",
            "--network",
            "base",
            "--address",
            &payer,
        ])
        .env("X402_RPC_URL", &rpc)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("serves chain 84532"));
    // --rpc-url beats the variable.
    let closed = support::closed_addr();
    let out = env
        .x402()
        .args(["wallet", "balance", "--network", "base-sepolia", "--json"])
        .args(["--address", &payer, "--rpc-url", &rpc])
        .env("X402_RPC_URL", format!("http://{closed}"))
        .output()
        .unwrap();
    support::assert_exit(&out, 0);
    assert_eq!(
        json_data(&out)["networks"][0]["tokens"][0]["base_units"],
        expected.to_string()
    );
}

/// `wallet balance --address` on a Solana network takes a base58 address and reads the local
/// Solana chain (LiteSVM behind JSON-RPC): SOL and USDC for the address, an absent token
/// account as zero. A 0x address on a Solana network, or a base58 one on an EVM network, is a
/// one-line usage error.
#[test]
fn balance_of_a_solana_address_on_the_local_chain() {
    let net = localnet::get();
    let env = Env::new();
    let rpc = net.solana_rpc();
    let balance = |address: &str, network: &str, extra: &[&str]| {
        env.balance_at(address, network, &rpc, extra)
    };
    let _guard = localnet::chain_lock();
    for (role, usdc) in [
        ("payer", net.solana_token_balance(&net.solana_ata("payer"))),
        // No associated token account at all: zero, not an error.
        ("facilitator", None),
    ] {
        let (address, _) = net.solana_account(role);
        assert_eq!(
            net.solana_token_balance(&net.solana_ata(role)),
            usdc,
            "{role}"
        );
        let out = balance(&address, "solana-devnet", &["--json"]);
        support::assert_exit(&out, 0);
        let data = json_data(&out);
        assert_eq!(data["account"], serde_json::Value::Null, "{role}");
        assert_eq!(data["address"], address.as_str(), "{role}");
        let row = &data["networks"][0];
        assert_eq!(row["network"], "solana-devnet", "{role}");
        assert_eq!(row["error"], serde_json::Value::Null, "{role}");
        assert_eq!(row["tokens"][0]["symbol"], "USDC", "{role}");
        assert_eq!(
            row["tokens"][0]["base_units"],
            usdc.unwrap_or(0).to_string(),
            "{role}"
        );
        assert_eq!(row["native"]["symbol"], "SOL", "{role}");
        assert_eq!(
            row["native"]["base_units"],
            net.solana_lamports(&address).to_string(),
            "{role}"
        );
        // The same as text: one line on stdout.
        let out = balance(&address, "solana-devnet", &[]);
        support::assert_exit(&out, 0);
        let line = support::stdout(&out);
        assert!(
            line.starts_with("solana-devnet  ")
                && line.contains(" USDC  ")
                && line.ends_with(" SOL\n"),
            "{role}: {line}"
        );
    }
    let (solana_address, _) = net.solana_account("payer");
    let line = support::error_line(&balance(ANVIL0_ADDRESS, "solana-devnet", &[]), 2);
    assert!(line.contains("is an EVM address"), "{line}");
    let line = support::error_line(&balance(&solana_address, "base-sepolia", &[]), 2);
    assert!(line.contains("is a Solana address"), "{line}");
    let line = support::error_line(&balance("0x1234", "base-sepolia", &[]), 2);
    assert!(line.contains("not an EVM address"), "{line}");
    let line = support::error_line(&balance("not-base58!", "solana-devnet", &[]), 2);
    assert!(line.contains("--address not-base58!"), "{line}");
}
