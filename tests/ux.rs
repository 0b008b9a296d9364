//! The tool as a person meets it: URLs typed without a scheme, flag values checked before any
//! traffic, a body that leaves the terminal line open, empty passwords, the demo and the local
//! network's clean-up.

use crate::support::{self, Env};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

/// A URL without a scheme is taken as http://, as curl takes it.
#[test]
fn a_url_without_a_scheme_is_taken_as_http() {
    let srv = support::verifier::fixed(200, r#"{"free":true}"#);
    let env = Env::new();
    let bare = srv.addr.to_string();
    let out = env.run(&["inspect", &format!("{bare}/x")]);
    support::assert_exit(&out, 0);
    assert_eq!(
        support::stdout(&out),
        format!("no payment needed: http://{bare}/x answered HTTP 200 OK\n")
    );
    let out = env.run(&["get", &bare]);
    support::assert_exit(&out, 0);
    assert_eq!(support::stdout(&out), r#"{"free":true}"#);
    let port = srv.addr.port();
    let out = env.run(&["get", &format!("localhost:{port}/y")]);
    support::assert_exit(&out, 0);
    // A `://` in the query is not a scheme.
    let out = env.run(&["get", &format!("{bare}/?next=http://elsewhere/")]);
    support::assert_exit(&out, 0);
    assert_eq!(srv.requests().len(), 4);
    // A scheme given is kept: https to a plain-http server fails the TLS handshake (35).
    let out = env.run(&["get", &format!("https://{bare}/")]);
    support::assert_exit(&out, 35);
    // And one that is not http or https stays refused as a malformed URL (curl 3).
    let out = env.run(&["get", &format!("ftp://{bare}/")]);
    support::assert_exit(&out, 3);
}

/// A bad `--network` or `--terms` is a usage error before any request, whether or not the
/// server is up, and the error says where the names are listed.
#[test]
fn flag_values_are_checked_before_any_traffic() {
    let srv = support::verifier::fixed(200, "{}");
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let env = Env::new();
    for url in [srv.url(""), format!("http://{closed}/")] {
        for command in ["get", "inspect"] {
            let out = env.run(&[command, &url, "--network", "nosuchnet"]);
            let err = support::stderr(&out);
            assert_eq!(out.status.code(), Some(2), "{command} {url}: {err}");
            assert!(
                err.starts_with("x402: error: unknown network 'nosuchnet'\n"),
                "{err}"
            );
            assert!(
                err.contains("hint: `x402 networks` lists the names"),
                "{err}"
            );
        }
        let out = env.run(&["get", &url, "--terms", "/nonexistent/terms.json"]);
        support::assert_exit(&out, 2);
        assert!(support::stderr(&out).contains("cannot read the terms"));
        let existing = env.path("saved.terms");
        std::fs::write(&existing, "{}").unwrap();
        let out = env
            .x402()
            .args(["inspect", &url, "--save-terms"])
            .arg(&existing)
            .output()
            .unwrap();
        support::assert_exit(&out, 2);
        assert!(support::stderr(&out).contains("exists; pass --force"));
    }
    let out = env
        .x402()
        .args(["wallet", "balance", "--address"])
        .arg(support::ANVIL0_ADDRESS)
        .args(["--network", "nosuchnet"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(support::stderr(&out).contains("`x402 networks`"));
    assert_eq!(srv.requests().len(), 0, "nothing was sent");
}

/// `x402 get` writes the body byte for byte; at a terminal, what stderr says after a body that
/// did not end its line starts on a new line.
#[test]
fn stderr_after_an_open_body_line_starts_a_new_line() {
    let srv = support::verifier::fixed(404, "not here");
    let env = Env::new();
    let url = srv.url("");
    let args = ["get", url.as_str(), "--fail-with-body"];
    let out = env.x402().args(args).output().unwrap();
    assert_eq!(out.status.code(), Some(22));
    assert_eq!(support::stdout(&out), "not here");
    assert!(
        support::stderr(&out).starts_with("x402: error: "),
        "{}",
        support::stderr(&out)
    );
    let t = env.terminal(&args, |_| {});
    let (code, shown) = t.finish();
    assert_eq!(code, Some(22), "{shown}");
    assert!(
        shown.contains("not here\r\nx402: error: ") || shown.contains("not here\nx402: error: "),
        "{shown:?}"
    );
}

/// An empty password for a new keystore: warned about from a file, and at a terminal also
/// asked about (default no, and then nothing is written).
#[test]
fn an_empty_password_is_warned_about_and_confirmed() {
    let env = Env::new();
    let empty = env.path("empty-password");
    std::fs::write(&empty, "\n").unwrap();
    let out = env
        .x402()
        .args(["wallet", "new", "filed", "--password-file"])
        .arg(&empty)
        .output()
        .unwrap();
    support::assert_exit(&out, 0);
    assert!(
        support::stderr(&out).contains("x402: warning: the password is empty"),
        "{}",
        support::stderr(&out)
    );
    // A real password: no warning.
    let out = env
        .x402()
        .args(["wallet", "new", "fine", "--password-file"])
        .arg(env.password_file("pw"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(!support::stderr(&out).contains("warning"));
    for (answer, code) in [("n", 2), ("y", 0)] {
        let mut t = env.terminal(&["wallet", "new", "typed"], |_| {});
        t.answer("New keystore password: ", "");
        t.answer("Repeat the password: ", "");
        t.expect("the password is empty");
        t.answer("Keep the empty password? [y/N]", answer);
        let (got, shown) = t.finish();
        assert_eq!(got, Some(code), "{answer}: {shown}");
        assert_eq!(
            env.keystores().join("typed").exists(),
            code == 0,
            "{answer}: {shown}"
        );
        if code == 2 {
            assert!(
                shown.contains("the empty password was not confirmed"),
                "{shown}"
            );
        }
    }
}

fn localnet_dirs(tmp: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(tmp)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("x402-localnet-"))
        .collect()
}

/// The demo announces each step, echoes each x402 command exactly as it runs, ends the body's
/// line, and leaves no log folder of the local network behind after its clean stop.
#[test]
fn the_demo_says_what_it_does_and_cleans_up() {
    let tmp = tempfile::tempdir().unwrap();
    let out = Command::new("bash")
        .arg(support::root().join("tests/demo.sh"))
        .env("X402_BIN", env!("CARGO_BIN_EXE_x402"))
        .env("TMPDIR", tmp.path())
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let err = support::stderr(&out);
    let stdout = support::stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{err}\n{stdout}");
    // The demo is what a newcomer sees first: x402 has nothing to warn about in it.
    assert!(!err.contains("x402: warning:"), "{err}");
    for step in [
        "== installing the local network's npm packages",
        "== starting the local x402 network",
        "== paying for it",
        "== the journal's record, verified against the chain",
    ] {
        assert!(err.contains(step), "{step:?} not in: {err}");
    }
    let echoed: Vec<&str> = err.lines().filter(|l| l.starts_with("+ ")).collect();
    assert_eq!(echoed.len(), 5, "{err}");
    assert_eq!(echoed[0], "+ x402 wallet import payer");
    assert_eq!(
        echoed[1],
        "+ x402 wallet balance --account payer --network base-sepolia"
    );
    assert!(
        echoed[2].starts_with("+ x402 inspect http://127.0.0.1:") && echoed[2].ends_with("/cheap"),
        "{}",
        echoed[2]
    );
    assert!(
        echoed[3].starts_with("+ x402 get http://127.0.0.1:")
            && echoed[3].ends_with("/cheap --yes --account payer"),
        "{}",
        echoed[3]
    );
    assert_eq!(echoed[4], "+ x402 history check");
    // The paid body is a line of its own on stdout, and history check's lines follow it.
    let lines: Vec<&str> = stdout.lines().collect();
    let body = lines
        .iter()
        .position(|l| l.starts_with('{') && l.contains("cheap"))
        .unwrap_or_else(|| panic!("no body line in: {stdout}"));
    assert!(lines[body].ends_with('}'), "{stdout}");
    assert!(
        lines[body + 1..].iter().any(|l| l.contains("settled")),
        "{stdout}"
    );
    assert_eq!(localnet_dirs(tmp.path()), Vec::<String>::new(), "{err}");
}

/// The local network's temp log folder stays after a failed bring-up and with --keep-logs.
#[test]
fn the_local_network_keeps_its_logs_only_after_a_failure_or_when_asked() {
    let start = support::root().join("tests/localnet/start.mjs");
    // A bring-up that cannot finish in time: a failure, so the logs stay.
    let tmp = tempfile::tempdir().unwrap();
    let out = Command::new("node")
        .arg(&start)
        .args(["--timeout", "0.001", "--no-stdin-watch"])
        .env("TMPDIR", tmp.path())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    support::assert_exit(&out, 1);
    assert_eq!(
        localnet_dirs(tmp.path()).len(),
        1,
        "{}",
        support::stderr(&out)
    );
    // A clean stop with --keep-logs: the folder stays, with the logs in it.
    let tmp = tempfile::tempdir().unwrap();
    let mut child = Command::new("node")
        .arg(&start)
        .arg("--keep-logs")
        .env("TMPDIR", tmp.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let state: serde_json::Value = serde_json::from_str(line.trim()).expect("state line");
    drop(child.stdin.take());
    assert!(child.wait().unwrap().success());
    let dirs = localnet_dirs(tmp.path());
    assert_eq!(dirs.len(), 1);
    assert!(
        state["logDir"].as_str().unwrap().ends_with(&dirs[0]),
        "{state}"
    );
    assert!(tmp.path().join(&dirs[0]).join("v2-server.log").exists());
}

/// `x402 networks`: the built-in table and config.toml's networks, with the RPC URL in use and
/// where it came from; `--json` has every field.
#[test]
fn networks_lists_built_in_and_configured_networks() {
    let env = Env::new();
    let out = env.x402().arg("networks").output().unwrap();
    support::assert_exit(&out, 0);
    let text = support::stdout(&out);
    let header: Vec<&str> = text.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(
        header,
        [
            "NAME",
            "CAIP-2",
            "V1",
            "CHAIN",
            "KIND",
            "STABLECOIN",
            "RPC",
            "EXPLORER"
        ]
    );
    let row = |text: &str, name: &str| -> Vec<String> {
        text.lines()
            .find(|l| l.split_whitespace().next() == Some(name))
            .unwrap_or_else(|| panic!("no {name} row in {text}"))
            .split("  ")
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(
        row(&text, "base-sepolia"),
        [
            "base-sepolia",
            "eip155:84532",
            "yes",
            "Base Sepolia",
            "testnet",
            "USDC",
            "https://sepolia.base.org",
            "sepolia.basescan.org"
        ]
    );
    assert_eq!(row(&text, "arbitrum")[2], "-", "no v1 name");
    let built_in = text.lines().count() - 1;

    env.write_config(
        "[rpc]\nbase-sepolia = \"http://127.0.0.1:8545\"\n\n\
         [networks.devchain]\nchain_id = 31337\nrpc_url = \"http://127.0.0.1:9545\"\n",
    );
    let text = support::stdout(&env.x402().arg("networks").output().unwrap());
    assert_eq!(text.lines().count() - 1, built_in + 1, "{text}");
    assert_eq!(
        row(&text, "base-sepolia")[6],
        "http://127.0.0.1:8545 (config)"
    );
    let devchain = row(&text, "devchain");
    assert_eq!(devchain[1], "eip155:31337");
    assert_eq!(devchain[5], "-", "no stablecoin: {devchain:?}");
    assert_eq!(devchain[6], "http://127.0.0.1:9545 (config)");
    assert_eq!(devchain[7], "-", "no explorer: {devchain:?}");

    let out = env.run(&["networks", "--json"]);
    let data = support::json_data(&out);
    let nets = data["networks"].as_array().unwrap();
    assert_eq!(nets.len(), built_in + 1);
    let find = |name: &str| nets.iter().find(|n| n["name"] == name).unwrap().clone();
    let bs = find("base-sepolia");
    assert_eq!(bs["caip2"], "eip155:84532");
    assert_eq!(bs["chain_id"], 84532);
    assert_eq!(bs["v1_name"], "base-sepolia");
    assert_eq!(bs["rpc_url"], "http://127.0.0.1:8545");
    assert_eq!(bs["rpc_source"], "config");
    assert_eq!(bs["explorer_tx"], "https://sepolia.basescan.org/tx/{tx}");
    assert_eq!(bs["assets"][0]["symbol"], "USDC");
    assert_eq!(bs["assets"][0]["decimals"], 6);
    assert_eq!(
        bs["assets"][0]["address"],
        "0x036CbD53842c5426634e7929541eC2318f3dCF7e"
    );
    assert_eq!(find("base")["rpc_source"], "default");
    let dev = find("devchain");
    assert_eq!(dev["custom"], true);
    assert_eq!(dev["v1_name"], serde_json::Value::Null);
    assert_eq!(dev["explorer_tx"], serde_json::Value::Null);
}

/// A connection error is one line a person understands; the chain of library layers under it
/// only with -v.
#[test]
fn connection_errors_are_one_line_and_their_causes_come_with_v() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let env = Env::new();
    let line = format!("x402: error: could not connect to 127.0.0.1:{port}: connection refused\n");
    for command in ["get", "inspect"] {
        let out = env.run(&[command, &format!("127.0.0.1:{port}")]);
        assert_eq!(out.status.code(), Some(7));
        assert_eq!(support::stderr(&out), line, "{command}");
    }
    let out = env.run(&["get", "-v", &format!("http://127.0.0.1:{port}/x")]);
    assert_eq!(out.status.code(), Some(7));
    let err = support::stderr(&out);
    assert!(err.contains(&line), "{err}");
    assert!(
        err.contains(&format!(
            "caused by: request to http://127.0.0.1:{port}/x failed"
        )),
        "{err}"
    );
    assert!(err.contains("caused by: tcp connect error"), "{err}");
    // A balance over a dead RPC: the same line, after the network's name.
    let out = env
        .x402()
        .args(["wallet", "balance", "--address", support::ANVIL0_ADDRESS])
        .args(["--network", "base-sepolia", "--rpc-url"])
        .arg(format!("http://127.0.0.1:{port}"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(7));
    let err = support::stderr(&out);
    assert!(
        err.ends_with(&format!(
            "\nx402: error: base-sepolia: could not connect to 127.0.0.1:{port}: connection \
             refused\n"
        )),
        "{err}"
    );
    assert!(!err.contains("caused by"), "{err}");
    // With --json, the document's error is the same one line.
    let out = env.run(&["inspect", "--json", &format!("127.0.0.1:{port}")]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        doc["errors"][0]["message"],
        format!("could not connect to 127.0.0.1:{port}: connection refused")
    );
    assert!(doc["errors"][0].get("causes").is_none(), "{doc}");
}

/// The settlement line links a public explorer only for a chain that is not a local one: a
/// network reached over a loopback RPC gets no link, even where the table has an explorer.
#[test]
fn the_explorer_link_is_shown_only_for_a_public_chain() {
    use crate::support::verifier::{FAKE_TX, Offer, PAY_TO, Verifier, v2_option};
    let token = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
    let mut linked = v2_option("1000");
    linked["network"] = serde_json::json!("eip155:31338");
    linked["asset"] = serde_json::json!(token);
    let server = Verifier::builder()
        .paid("/base-sepolia", Offer::v2())
        .paid("/linked", Offer::v2().accepts(vec![linked]))
        .start();
    let env = Env::new();
    env.import_key("payer", support::ANVIL1_KEY);
    let pw = env.password_file("pw");
    // Nothing listens on the RPC port: the balance check before paying is skipped (with -v it
    // says so), and the payment goes ahead as without an RPC.
    let rpc = format!(
        "http://127.0.0.1:{}",
        std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port()
    );
    let config = |rpc_lines: &str| {
        format!(
            "default_account = \"payer\"\n{rpc_lines}\n[networks.linked]\nchain_id = 31338\n\
             explorer_tx = \"https://explorer.test/tx/{{tx}}\"\nrpc_url = \"{rpc}\"\n\n\
             [[assets]]\nnetwork = \"linked\"\naddress = \"{token}\"\nsymbol = \"USDC\"\n\
             decimals = 6\neip712_name = \"USDC\"\neip712_version = \"2\"\n"
        )
    };
    let paid_line = |path: &str| {
        let out = env
            .x402()
            .args(["get", &server.url(path), "--yes", "--password-file"])
            .arg(&pw)
            .output()
            .unwrap();
        support::assert_exit(&out, 0);
        support::stderr(&out)
            .lines()
            .find(|l| l.starts_with("paid "))
            .unwrap_or_else(|| panic!("no settlement line: {}", support::stderr(&out)))
            .to_string()
    };
    // Base Sepolia over its public RPC: the public explorer.
    env.write_config(&config(""));
    assert_eq!(
        paid_line("/base-sepolia"),
        format!(
            "paid 0.001 USDC on base-sepolia to {PAY_TO}  tx {FAKE_TX}  \
             https://sepolia.basescan.org/tx/{FAKE_TX}"
        )
    );
    // Base Sepolia over a loopback RPC (a local fork): no link.
    env.write_config(&config(&format!("[rpc]\nbase-sepolia = \"{rpc}\"\n")));
    assert_eq!(
        paid_line("/base-sepolia"),
        format!("paid 0.001 USDC on base-sepolia to {PAY_TO}  tx {FAKE_TX}")
    );
    // A custom network with explorer_tx but a loopback RPC: no link either.
    assert_eq!(
        paid_line("/linked"),
        format!("paid 0.001 USDC on linked to {PAY_TO}  tx {FAKE_TX}")
    );
    assert_eq!(server.payment_headers(), 3);
}

/// `-v` is curl's: `* ` steps (connection, terms chosen, signing, the journal, settlement),
/// `> ` the request line and headers, `< ` the status line and headers; the payment header and
/// Authorization are redacted, and stdout is the same as without `-v`.
#[test]
fn verbose_is_curls_trace_with_secrets_redacted() {
    use crate::support::verifier::{FAKE_TX, Offer, Verifier};
    let server = Verifier::builder().paid("/paid", Offer::v2()).start();
    let env = Env::new();
    env.import_key("payer", support::ANVIL1_KEY);
    env.write_config("default_account = \"payer\"\n");
    let pw = env.password_file("pw");
    let url = server.url("/paid");
    let run = |extra: &[&str]| {
        env.x402()
            .args([
                "get",
                &url,
                "--yes",
                "-H",
                "Authorization: Bearer t0ken-s3cret",
            ])
            .arg("--password-file")
            .arg(&pw)
            .args(extra)
            .output()
            .unwrap()
    };
    let quiet = run(&[]);
    support::assert_exit(&quiet, 0);
    assert!(
        !support::stderr(&quiet).contains("> "),
        "no trace without -v"
    );
    let out = run(&["-v"]);
    support::assert_exit(&out, 0);
    assert_eq!(out.stdout, quiet.stdout, "-v never changes stdout");
    let err = support::stderr(&out);
    let lines: Vec<&str> = err.lines().collect();
    let port = server.addr.port();
    let at = |line: &str| {
        lines
            .iter()
            .position(|l| *l == line)
            .unwrap_or_else(|| panic!("{line:?} not in:\n{err}"))
    };
    let first = at(&format!("* Trying 127.0.0.1:{port} (http)..."));
    let request = at("> GET /paid HTTP/1.1");
    assert!(first < request);
    assert_eq!(lines[request + 1], format!("> Host: 127.0.0.1:{port}"));
    assert!(lines.contains(&"> authorization: (redacted)"), "{err}");
    let status = at("< HTTP/1.1 402 Payment Required");
    assert!(
        lines[status..]
            .iter()
            .any(|l| l.starts_with("< payment-required: "))
    );
    let chosen = lines
        .iter()
        .position(|l| l.starts_with("* x402 v2 terms with 1 option(s); chosen: option 1, 0.001 USDC on base-sepolia to 0x"))
        .unwrap_or_else(|| panic!("{err}"));
    let signing = lines
        .iter()
        .position(|l| {
            *l == format!(
                "* signing an EIP-3009 authorization of 0.001 USDC from {}",
                support::ANVIL1_ADDRESS
            )
        })
        .unwrap_or_else(|| panic!("{err}"));
    let pending = lines
        .iter()
        .position(|l| l.starts_with("* recorded as pending in ") && l.ends_with(") before sending"))
        .unwrap_or_else(|| panic!("{err}"));
    let header = at("> PAYMENT-SIGNATURE: (redacted: a signed payment authorization)");
    let settled = at(&format!(
        "* settlement receipt: success, transaction {FAKE_TX}"
    ));
    assert!(status < chosen && chosen < signing && signing < pending && pending < header);
    assert!(header < settled, "{err}");
    assert_eq!(
        lines.iter().filter(|l| **l == "< HTTP/1.1 200 OK").count(),
        1
    );
    // The secrets themselves never appear.
    assert!(!err.contains("t0ken-s3cret"), "{err}");
    let sent = server.requests();
    let signature = sent
        .iter()
        .find_map(|s| s.header("payment-signature"))
        .expect("the paid request carried PAYMENT-SIGNATURE");
    assert!(!err.contains(signature), "the payment header leaked: {err}");
    // Its start is the base64 of `{"x402Version":2,` like the 402's header; its end is not.
    assert!(!err.contains(&signature[signature.len() - 24..]), "{err}");
    // inspect traces its request too.
    let out = env.run(&["inspect", &url, "-v"]);
    let err = support::stderr(&out);
    assert!(err.contains("> GET /paid HTTP/1.1\n"), "{err}");
    assert!(err.contains("< HTTP/1.1 402 Payment Required\n"), "{err}");
}

/// A journal of two payments, one settled with a long URL, one refused with a reason.
fn journal_of_two(env: &Env) -> (String, String) {
    use crate::support::verifier::{BASE_SEPOLIA_USDC, MADE_UP_TX, PAY_TO};
    let now = jiff::Timestamp::now();
    let mut journal = String::new();
    let nonces = [0x0a, 0x0b].map(|b: u8| format!("0x{}", format!("{b:02x}").repeat(32)));
    for (i, (nonce, status)) in nonces.iter().zip(["settled", "rejected"]).enumerate() {
        let signed = serde_json::json!({
            "event": "signed", "time": now.to_string(),
            "url": format!("http://127.0.0.1:9/a/rather/long/path/to/the/paid/report/{i}?with=query&and=more"),
            "method": "GET", "bodySha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "version": 2, "network": "eip155:84532", "networkName": "base-sepolia",
            "asset": BASE_SEPOLIA_USDC, "symbol": "USDC", "decimals": 6, "amount": "1000",
            "payTo": PAY_TO, "payer": support::ANVIL1_ADDRESS, "nonce": nonce,
            "validAfter": 0, "validBefore": now.as_second() + 300,
        });
        let mut outcome = serde_json::json!({"event": "outcome", "time": now.to_string(),
            "nonce": nonce, "status": status, "reason": "the facilitator said no"});
        if status == "settled" {
            outcome["transaction"] = MADE_UP_TX.into();
        }
        journal.push_str(&format!("{signed}\n{outcome}\n"));
    }
    std::fs::create_dir_all(env.x402_home()).unwrap();
    std::fs::write(env.x402_home().join("journal.jsonl"), journal).unwrap();
    (PAY_TO.to_string(), MADE_UP_TX.to_string())
}

/// `history` at a terminal: column headers, addresses and hashes shortened as explorers show
/// them, every line within 100 columns, the totals on stdout after the table; `--wide` shows
/// the full values there too.
#[test]
fn history_at_a_terminal_fits_100_columns() {
    let env = Env::new();
    let (pay_to, tx) = journal_of_two(&env);
    let short = |v: &str| format!("{}…{}", &v[..6], &v[v.len() - 4..]);
    let (code, shown) = env.terminal(&["history"], |_| {}).finish();
    assert_eq!(code, Some(0), "{shown}");
    let lines: Vec<&str> = shown.lines().map(|l| l.trim_end_matches('\r')).collect();
    let header = lines
        .iter()
        .position(|l| l.starts_with("TIME "))
        .expect(&shown);
    for name in ["STATUS", "AMOUNT", "NETWORK", "PAY TO", "TX", "REQUEST"] {
        assert!(lines[header].contains(name), "{shown}");
    }
    for l in &lines {
        assert!(
            l.chars().count() <= 100,
            "{} columns: {l:?}",
            l.chars().count()
        );
    }
    let settled = lines[header + 1];
    assert!(
        settled.contains("settled") && settled.contains("0.001 USDC"),
        "{settled}"
    );
    assert!(
        settled.contains(&short(&pay_to)) && settled.contains(&short(&tx)),
        "{settled}"
    );
    assert!(settled.ends_with('…'), "the long URL is cut: {settled}");
    assert!(!shown.contains(&pay_to) && !shown.contains(&tx), "{shown}");
    let totals = lines
        .iter()
        .position(|l| l.starts_with("DAY (UTC)"))
        .expect(&shown);
    assert!(totals > header + 2, "{shown}");
    let cells: Vec<&str> = lines[totals + 1]
        .split("  ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    assert_eq!(
        cells[1..],
        [
            "base-sepolia",
            "2",
            "0.002 USDC",
            "0.001 USDC",
            "0.001 USDC"
        ],
        "{shown}"
    );

    let (code, shown) = env.terminal(&["history", "--wide"], |_| {}).finish();
    assert_eq!(code, Some(0), "{shown}");
    assert!(shown.contains(&pay_to) && shown.contains(&tx), "{shown}");
    assert!(shown.contains("with=query&and=more"), "{shown}");
}

/// Into a pipe every value is whole (for grep and for the next command), with the same
/// headers, and the totals follow on stdout; stderr has only the explanation.
#[test]
fn history_into_a_pipe_keeps_full_values() {
    let env = Env::new();
    let (pay_to, tx) = journal_of_two(&env);
    let out = env.x402().args(["history"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", support::stderr(&out));
    let stdout = support::stdout(&out);
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines[0].starts_with("TIME ") && lines[0].contains("PAY TO"),
        "{stdout}"
    );
    assert!(
        lines[1].contains(&pay_to) && lines[1].contains(&tx),
        "{stdout}"
    );
    assert!(
        lines[1].ends_with("with=query&and=more  (the facilitator said no)"),
        "{stdout}"
    );
    assert!(!stdout.contains('…'), "{stdout}");
    assert_eq!(lines[3], "");
    assert!(lines[4].starts_with("DAY (UTC)"), "{stdout}");
    assert!(
        lines[5].contains("base-sepolia") && lines[5].contains("0.002 USDC"),
        "{stdout}"
    );
    assert!(
        !support::stderr(&out).contains("USDC"),
        "{}",
        support::stderr(&out)
    );
}

/// `history check` labels its fields: `nonce 0x…`, `tx 0x…`.
#[test]
fn history_check_lines_are_labelled() {
    let env = Env::new();
    let (_, tx) = journal_of_two(&env);
    let rpc = support::verifier::fixed(200, r#"{"jsonrpc":"2.0","id":1,"result":null}"#);
    env.write_config(&format!("[rpc]\nbase-sepolia = \"http://{}/\"\n", rpc.addr));
    let out = env.x402().args(["history", "check"]).output().unwrap();
    let err = support::stderr(&out);
    let nonce = format!("0x{}", "0a".repeat(32));
    assert!(
        err.contains(&format!("nonce {nonce}  settled -> ")) && err.contains(&format!("tx {tx}")),
        "{err}"
    );
    assert!(err.contains("0.001 USDC on base-sepolia"), "{err}");
}

/// At a terminal with no account to pay from, `get` says so before it asks "Pay …?" (issue:
/// a person was asked to pay, and only after a yes told there was no account).
#[test]
fn no_account_is_said_before_the_prompt() {
    use crate::support::verifier::{Offer, Verifier};
    let server = Verifier::builder().paid("/paid", Offer::v2()).start();
    let env = Env::new();
    let url = server.url("/paid");
    let t = env.terminal(&["get", &url], |_| {});
    let (code, shown) = t.finish();
    assert_eq!(code, Some(116), "{shown}");
    assert!(
        !shown.contains("Pay "),
        "asked to pay without an account: {shown}"
    );
    assert!(shown.contains("x402: error:"), "{shown}");
    assert!(shown.contains("account"), "{shown}");
    assert_eq!(server.payment_headers(), 0);
}
