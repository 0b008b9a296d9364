//! `x402 mcp` driven by the official TypeScript MCP client (`@modelcontextprotocol/sdk`, stdio
//! transport, tests/mcp/driver.mjs) against the local x402 network.

use crate::support::{self, Env, localnet};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

/// Runs the driver: `x402 ARGS` as the MCP server in `env`, the calls in order; the report.
fn drive(env: &Env, args: &[&str], calls: Value) -> Value {
    let plan = json!({
        "command": env!("CARGO_BIN_EXE_x402"),
        "args": args,
        "env": {
            "HOME": env.home(),
            "X402_HOME": env.x402_home(),
            "NO_COLOR": "1",
            "RUST_BACKTRACE": "0",
        },
        "calls": calls,
    });
    let plan_path = env.path("plan.json");
    std::fs::write(&plan_path, plan.to_string()).unwrap();
    let out = Command::new("node")
        .arg(support::root().join("tests/mcp/driver.mjs"))
        .arg(&plan_path)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", env.home())
        .output()
        .expect("node tests/mcp/driver.mjs");
    assert!(out.status.success(), "driver: {}", support::stderr(&out));
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("driver report ({e}): {}", support::stdout(&out)))
}

fn result(report: &Value, i: usize) -> &Value {
    let call = &report["calls"][i];
    assert!(
        call.get("result").is_some(),
        "call {i} failed: {call}\nserver stderr: {}",
        report["stderr"]
    );
    &call["result"]
}

fn text(result: &Value) -> &str {
    result["content"][0]["text"].as_str().unwrap_or("")
}

#[test]
fn an_agent_lists_the_tools_and_inspects_checks_balance_and_history() {
    let net = localnet::get();
    let env = crate::pay::payer_env();
    let pw = env.password_file("pw");
    let other = env.import_key("other", support::ANVIL0_KEY);
    let cheap = format!("{}/cheap", net.s("/v2/serverUrl"));
    let expensive = format!("{}/expensive", net.s("/v2/serverUrl"));
    let token = net.s("/token/baseSepoliaUsdc");
    let (payer, _) = net.account("payer");
    let (payee, _) = net.account("payee");

    let _guard = localnet::chain_lock();
    // One payment made with `x402 get`, for `history` to show.
    let receipt = env.path("receipt.json");
    let paid = env
        .x402()
        .args(["get", &cheap, "--yes", "--password-file"])
        .arg(&pw)
        .arg("--receipt")
        .arg(&receipt)
        .output()
        .unwrap();
    assert_eq!(paid.status.code(), Some(0), "{}", support::stderr(&paid));
    let receipt: Value = serde_json::from_slice(&std::fs::read(&receipt).unwrap()).unwrap();
    let tx = receipt["transaction"].as_str().unwrap().to_owned();
    let balance_before = net.token_balance("baseSepolia", &token, &payer);
    let journal_before = std::fs::read(env.x402_home().join("journal.jsonl")).unwrap();

    let pw_arg = pw.to_str().unwrap();
    let report = drive(
        &env,
        &["mcp", "--password-file", pw_arg, "--max-amount", "0.005"],
        json!([
            {"name": "inspect", "arguments": {"url": cheap}},
            {"name": "inspect", "arguments": {"url": expensive}},
            {"name": "balance", "arguments": {"network": "base-sepolia"}},
            {"name": "history", "arguments": {}},
            {"name": "history", "arguments": {"status": "rejected"}},
            {"name": "inspect", "arguments": {}},
            {"name": "inspect", "arguments": {"url": cheap, "max_amount": "5"}},
            {"name": "history", "arguments": {"status": "paid"}},
            {"name": "fetch", "arguments": {"url": cheap}},
            {"name": "balance", "arguments": {"network": "no-such-net"}},
            {"name": "history", "arguments": {"since": "7d", "status": ["settled"]}},
            {"name": "balance", "arguments": {"account": "other", "network": "base-sepolia"}},
        ]),
    );
    assert!(report.get("connectError").is_none(), "{report}");
    // Every line the server wrote on stdout was an MCP message.
    assert_eq!(report["transportErrors"], json!([]), "{report}");

    assert_eq!(report["server"]["name"], "x402");
    assert_eq!(report["server"]["version"], env!("CARGO_PKG_VERSION"));
    let instructions = report["instructions"].as_str().unwrap();
    assert!(instructions.contains(&payer), "{instructions}");
    assert!(
        instructions.contains("per-payment cap 0.005 (--max-amount)")
            && instructions.contains("session budget 1.00 (the default)"),
        "{instructions}"
    );

    // The tools and their input schemas, as hosts see them; no fetch until it can pay.
    let tools = report["tools"].as_array().unwrap();
    let names: Vec<&str> = tools.iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["inspect", "balance", "history"]);
    let props = |i: usize| -> Vec<String> {
        let mut p: Vec<String> = tools[i]["inputSchema"]["properties"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        p.sort();
        p
    };
    assert_eq!(props(0), ["body", "headers", "method", "url"]);
    assert_eq!(tools[0]["inputSchema"]["required"], json!(["url"]));
    assert_eq!(props(1), ["account", "network"]);
    assert_eq!(props(2), ["since", "status"]);
    for t in tools {
        assert_eq!(t["inputSchema"]["type"], "object");
        assert_eq!(t["inputSchema"]["additionalProperties"], false);
    }

    // inspect on a paid route: the terms as `inspect --json` gives them.
    let r = result(&report, 0);
    assert_eq!(r["isError"], false, "{r}");
    let doc = &r["structuredContent"];
    assert_eq!(doc["schema_version"], 2);
    assert_eq!(doc["success"], true);
    let data = &doc["data"];
    assert_eq!(data["status"], 402);
    assert_eq!(data["x402_version"], 2);
    assert_eq!(data["chosen"], 0);
    assert_eq!(data["options"][0]["price"]["decimal"], "0.001");
    assert_eq!(data["options"][0]["price"]["base_units"], "1000");
    assert_eq!(data["options"][0]["pay_to"], payee.as_str());
    assert_eq!(data["choice"]["cap"]["within"], true);
    assert_eq!(data["choice"]["cap"]["from"], "--max-amount");
    let summary = text(r);
    assert!(
        summary.contains("0.001 USDC on base-sepolia")
            && summary.contains(&payee)
            && summary.contains("Nothing was paid"),
        "{summary}"
    );
    // The same document as the command's.
    let cli = env
        .x402()
        .args(["inspect", &cheap, "--json", "--max-amount", "0.005"])
        .output()
        .unwrap();
    let mut cli_doc: Value = serde_json::from_slice(&cli.stdout).unwrap();
    let mut mcp_doc = doc.clone();
    for d in [&mut cli_doc, &mut mcp_doc] {
        // The server's extensions may differ between two requests (ids it hands out).
        d["data"]["extensions"] = Value::Null;
    }
    assert_eq!(mcp_doc, cli_doc);

    // Over this session's per-payment cap: said so, with the cap's source.
    let r = result(&report, 1);
    let cap = &r["structuredContent"]["data"]["choice"]["cap"];
    assert_eq!(cap["within"], false, "{r}");
    assert_eq!(cap["from"], "--max-amount");
    assert!(text(r).contains("2.50 USDC"), "{}", text(r));

    // balance: as `wallet balance --json`, matching the chain.
    let r = result(&report, 2);
    assert_eq!(r["isError"], false, "{r}");
    let data = &r["structuredContent"]["data"];
    assert_eq!(data["account"], "payer");
    assert_eq!(data["address"], payer.as_str());
    let usdc = &data["networks"][0]["tokens"][0];
    assert_eq!(data["networks"][0]["network"], "base-sepolia");
    assert_eq!(usdc["base_units"], balance_before.to_string());
    assert!(
        text(r).contains(&format!("{} USDC", usdc["balance"].as_str().unwrap())),
        "{}",
        text(r)
    );

    // history: as `history --json`, with the payment made above.
    let r = result(&report, 3);
    assert_eq!(r["isError"], false, "{r}");
    let payments = r["structuredContent"]["data"]["payments"]
        .as_array()
        .unwrap();
    assert_eq!(payments.len(), 1, "{r}");
    assert_eq!(payments[0]["status"], "settled");
    assert_eq!(payments[0]["transaction"], tx.as_str());
    assert_eq!(payments[0]["amount_decimal"], "0.001");
    assert!(
        text(r).starts_with("1 payment in the journal"),
        "{}",
        text(r)
    );
    let r = result(&report, 4);
    assert_eq!(r["structuredContent"]["data"]["payments"], json!([]), "{r}");

    // Malformed calls get JSON-RPC errors (invalid params), and the server goes on.
    for i in [5, 6, 7, 8] {
        let call = &report["calls"][i];
        assert_eq!(call["error"]["code"], -32602, "call {i}: {call}");
    }
    assert!(
        report["calls"][8]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("no tool named 'fetch'"),
        "{report}"
    );
    // A call that fits the schema but cannot be done is a tool error the agent can read.
    let r = result(&report, 9);
    assert_eq!(r["isError"], true, "{r}");
    assert!(text(r).contains("unknown network 'no-such-net'"), "{r}");
    let r = result(&report, 10);
    assert_eq!(r["isError"], false, "{r}");
    assert_eq!(
        r["structuredContent"]["data"]["payments"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // Another account's balances, by name, without unlocking it.
    let r = result(&report, 11);
    assert_eq!(r["isError"], false, "{r}");
    let data = &r["structuredContent"]["data"];
    assert_eq!(data["account"], "other");
    assert_eq!(data["address"], other.as_str());
    assert_eq!(
        data["networks"][0]["tokens"][0]["base_units"],
        net.token_balance("baseSepolia", &token, &other).to_string()
    );

    // Nothing was paid and nothing journaled through the server.
    assert_eq!(
        net.token_balance("baseSepolia", &token, &payer),
        balance_before
    );
    assert_eq!(
        std::fs::read(env.x402_home().join("journal.jsonl")).unwrap(),
        journal_before
    );
}

/// Starts `x402 mcp ARGS`, sends the client's `initialize` and keeps stdin open; returns the
/// first line of stdout (empty when the server exits without answering), the exit status and
/// stderr.
fn start_without_serving(env: &Env, args: &[&str]) -> (String, Option<i32>, String) {
    let mut child = env
        .x402_std()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let initialize = json!({
        "jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                   "clientInfo": {"name": "t", "version": "1"}},
    });
    // The server may already have exited: a broken pipe is fine.
    let _ = writeln!(stdin, "{initialize}");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    if !line.is_empty() {
        let _ = child.kill();
    }
    let out = child.wait_with_output().unwrap();
    drop(stdin);
    (line, out.status.code(), support::stderr(&out))
}

#[test]
fn without_a_readable_password_file_it_exits_before_serving() {
    let env = Env::new();
    env.import_key("payer", support::ANVIL1_KEY);
    let missing = env.path("no-such-password-file");
    let wrong = env.password_file("not the password");
    let cases: [(Vec<&str>, &str); 3] = [
        (vec!["mcp"], "never prompts"),
        (
            vec!["mcp", "--password-file", missing.to_str().unwrap()],
            "cannot read password file",
        ),
        (
            vec!["mcp", "--password-file", wrong.to_str().unwrap()],
            "password",
        ),
    ];
    for (args, said) in cases {
        let (line, code, err) = start_without_serving(&env, &args);
        assert_eq!(line, "", "{args:?}: it answered on stdout");
        assert!(code.is_some_and(|c| c != 0), "{args:?}: exit {code:?}");
        assert!(
            err.contains("x402: error:") && err.contains(said),
            "{args:?}: {err}"
        );
        // One error line (a hint may follow it), and nothing served or said before it.
        let lines: Vec<&str> = err.trim().lines().collect();
        assert!(lines[0].starts_with("x402: error:"), "{args:?}: {err}");
        assert!(
            lines[1..].iter().all(|l| l.starts_with("  hint:")),
            "{args:?}: {err}"
        );
    }
}
