//! `x402 mcp` driven by the official TypeScript MCP client (`@modelcontextprotocol/sdk`, stdio
//! transport, tests/mcp/driver.mjs) against the local x402 network.

use crate::support::verifier::rpc_call;
use crate::support::{self, Env, localnet};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

/// Runs the driver: `x402 ARGS` as the MCP server in `env`, the calls in order; the report.
pub(crate) fn drive(env: &Env, args: &[&str], calls: Value) -> Value {
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

pub(crate) fn result(report: &Value, i: usize) -> &Value {
    let call = &report["calls"][i];
    assert!(
        call.get("result").is_some(),
        "call {i} failed: {call}\nserver stderr: {}",
        report["stderr"]
    );
    &call["result"]
}

pub(crate) fn text(result: &Value) -> &str {
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
            {"name": "pay", "arguments": {"url": cheap}},
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

    // The tools and their input schemas, as hosts see them (fetch's: see the next test).
    let tools = report["tools"].as_array().unwrap();
    let names: Vec<&str> = tools.iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["inspect", "balance", "history", "fetch"]);
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
            .contains("no tool named 'pay'"),
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
        // One error (its cause and a hint may follow it), and nothing served or said before.
        let lines: Vec<&str> = err.trim().lines().collect();
        assert!(lines[0].starts_with("x402: error:"), "{args:?}: {err}");
        assert!(
            lines[1..]
                .iter()
                .all(|l| l.starts_with("  hint:") || l.starts_with("  caused by:")),
            "{args:?}: {err}"
        );
    }
}

/// The ERC-20 `Transfer` events of a mined, successful transaction: `(from, to, amount)`,
/// addresses lowercase, read from the chain's receipt.
fn transfers(rpc: &str, tx: &str) -> Vec<(String, String, u128)> {
    const TRANSFER: &str = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef";
    let receipt = rpc_call(rpc, "eth_getTransactionReceipt", json!([tx]));
    assert_eq!(receipt["status"], "0x1", "{tx}: {receipt}");
    let address = |topic: &Value| format!("0x{}", &topic.as_str().unwrap()[26..]);
    receipt["logs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|log| log["topics"][0] == TRANSFER)
        .map(|log| {
            let data = log["data"].as_str().unwrap().trim_start_matches("0x");
            (
                address(&log["topics"][1]),
                address(&log["topics"][2]),
                u128::from_str_radix(data, 16).unwrap(),
            )
        })
        .collect()
}

fn journal_lines(env: &Env) -> Vec<Value> {
    std::fs::read_to_string(env.x402_home().join("journal.jsonl"))
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn an_agent_pays_with_fetch_within_the_cap_and_the_session_budget() {
    let net = localnet::get();
    let env = crate::pay::payer_env();
    let pw = env.password_file("pw");
    let server = net.s("/v2/serverUrl");
    let cheap = format!("{server}/cheap");
    let expensive = format!("{server}/expensive");
    let free = format!("{server}/free");
    let echo = format!("{server}/echo");
    let token = net.s("/token/baseSepoliaUsdc");
    let (payer, _) = net.account("payer");
    let (payee, _) = net.account("payee");

    let _guard = localnet::chain_lock();
    let payer_before = net.token_balance("baseSepolia", &token, &payer);
    let payee_before = net.token_balance("baseSepolia", &token, &payee);
    let pw_arg = pw.to_str().unwrap();
    // A cap of 0.005 and a session budget of 0.0035: three payments of 0.001 fit, a fourth
    // does not.
    let report = drive(
        &env,
        &[
            "mcp",
            "--password-file",
            pw_arg,
            "--max-amount",
            "0.005",
            "--session-budget",
            "0.0035",
        ],
        json!([
            {"name": "fetch", "arguments": {"url": cheap}},
            {"name": "fetch", "arguments": {"url": expensive}},
            {"name": "fetch", "arguments": {"url": expensive, "max_amount": "5"}},
            {"name": "fetch", "arguments": {"url": cheap, "max_amount": "0.0005"}},
            {"name": "fetch", "arguments": {"url": echo, "body": "{\"agent\":\"paid\"}"}},
            {"name": "fetch", "arguments": {"url": cheap, "network": "base-sepolia"}},
            {"name": "fetch", "arguments": {"url": cheap}},
            {"name": "fetch", "arguments": {"url": free}},
            {"name": "fetch", "arguments": {"url": cheap, "network": "base"}},
            {"name": "fetch", "arguments": {"url": cheap, "network": "no-such-net"}},
            {"name": "fetch", "arguments": {"url": cheap, "max_amount": "lots"}},
            {"name": "fetch", "arguments": {"method": "GET"}},
            {"name": "fetch", "arguments": {"url": cheap, "pay": true}},
            {"name": "fetch", "arguments": {"url": "ftp://127.0.0.1/x"}},
            {"name": "history", "arguments": {}},
        ]),
    );
    assert!(report.get("connectError").is_none(), "{report}");
    assert_eq!(report["transportErrors"], json!([]), "{report}");

    // fetch is listed, with the arguments the issue fixes.
    let tools = report["tools"].as_array().unwrap();
    let fetch = tools
        .iter()
        .find(|t| t["name"] == "fetch")
        .unwrap_or_else(|| panic!("no fetch tool: {tools:?}"));
    let schema = &fetch["inputSchema"];
    let mut props: Vec<&String> = schema["properties"].as_object().unwrap().keys().collect();
    props.sort();
    assert_eq!(
        props,
        ["body", "headers", "max_amount", "method", "network", "url"]
    );
    assert_eq!(schema["required"], json!(["url"]));
    assert_eq!(schema["additionalProperties"], false);
    assert_eq!(schema["properties"]["max_amount"]["type"], "string");

    // A paid route: the answer, and what was paid, to whom, on which network, with which
    // transaction; the chain shows exactly that transfer.
    let rpc = net.rpc("baseSepolia");
    let mut paid_txs = Vec::new();
    for i in [0, 4, 5] {
        let r = result(&report, i);
        assert_eq!(r["isError"], false, "call {i}: {r}");
        let doc = &r["structuredContent"];
        assert_eq!(doc["status"], 200, "call {i}: {doc}");
        assert_eq!(doc["encoding"], "utf-8");
        assert_eq!(doc["truncated"], false);
        let p = &doc["payment"];
        assert_eq!(p["status"], "paid", "call {i}: {p}");
        assert_eq!(p["network"], "eip155:84532");
        assert_eq!(p["asset"], token.as_str());
        assert_eq!(p["amount"], "1000");
        assert_eq!(p["amount_decimal"], "0.001");
        assert_eq!(p["pay_to"], payee.as_str());
        assert_eq!(p["payer"], payer.as_str());
        let tx = p["transaction"].as_str().unwrap().to_owned();
        assert_eq!(
            transfers(&rpc, &tx),
            [(payer.to_lowercase(), payee.to_lowercase(), 1000)],
            "call {i}"
        );
        let summary = text(r);
        assert!(
            summary.contains("Paid 0.001 USDC")
                && summary.contains(&payee)
                && summary.contains("base-sepolia")
                && summary.contains(&tx),
            "call {i}: {summary}"
        );
        paid_txs.push(tx);
    }
    let body = |i: usize| -> Value {
        serde_json::from_str(
            result(&report, i)["structuredContent"]["body"]
                .as_str()
                .unwrap(),
        )
        .unwrap()
    };
    assert_eq!(body(0)["route"], "cheap");
    // The body reached the server through the paid request.
    assert_eq!(body(4)["agent"], "paid", "{}", body(4));

    // Over the cap: not paid, the result says which limit and by how much.
    let r = result(&report, 1);
    assert_eq!(r["isError"], true, "{r}");
    let refusal = &r["structuredContent"]["refusal"];
    assert_eq!(refusal["limit"], "per_payment", "{r}");
    assert_eq!(refusal["limit_from"], "--max-amount");
    assert_eq!(refusal["asked"]["decimal"], "2.50");
    assert_eq!(refusal["allowed"]["decimal"], "0.005");
    assert_eq!(refusal["over_by"]["decimal"], "2.495");
    assert_eq!(r["structuredContent"]["payment"]["status"], "over_cap");
    assert_eq!(r["structuredContent"]["status"], 402);
    assert!(
        text(r).contains("per-payment cap") && text(r).contains("by 2.495 USDC"),
        "{}",
        text(r)
    );
    // A call's max_amount never raises the cap...
    let r = result(&report, 2);
    assert_eq!(r["isError"], true, "{r}");
    assert_eq!(
        r["structuredContent"]["refusal"]["limit_from"],
        "--max-amount"
    );
    // ...but lowers it.
    let r = result(&report, 3);
    assert_eq!(r["isError"], true, "{r}");
    let refusal = &r["structuredContent"]["refusal"];
    assert_eq!(refusal["limit"], "per_payment");
    assert_eq!(refusal["limit_from"], "the tool call's max_amount");
    assert_eq!(refusal["allowed"]["decimal"], "0.0005");
    assert_eq!(refusal["over_by"]["base_units"], "500");

    // The session budget: 0.003 paid, 0.001 more would be 0.0005 over.
    let r = result(&report, 6);
    assert_eq!(r["isError"], true, "{r}");
    let refusal = &r["structuredContent"]["refusal"];
    assert_eq!(refusal["limit"], "session", "{r}");
    assert_eq!(refusal["limit_from"], "--session-budget");
    assert_eq!(refusal["spent"]["decimal"], "0.003");
    assert_eq!(refusal["allowed"]["decimal"], "0.0035");
    assert_eq!(refusal["over_by"]["decimal"], "0.0005");
    assert_eq!(r["structuredContent"]["payment"]["status"], "over_budget");
    assert!(text(r).contains("session"), "{}", text(r));

    // A free route: the answer, and no payment.
    let r = result(&report, 7);
    assert_eq!(r["isError"], false, "{r}");
    assert_eq!(r["structuredContent"]["status"], 200);
    assert_eq!(r["structuredContent"]["payment"], Value::Null);
    assert!(text(r).contains("no payment"), "{}", text(r));

    // Only on a network the route does not offer: no option, not paid.
    let r = result(&report, 8);
    assert_eq!(r["isError"], true, "{r}");
    assert_eq!(r["structuredContent"]["payment"]["status"], "no_option");
    let r = result(&report, 9);
    assert_eq!(r["isError"], true, "{r}");
    assert!(text(r).contains("unknown network 'no-such-net'"), "{r}");

    // Malformed calls: JSON-RPC errors, before anything is sent; the server goes on.
    for i in [10, 11, 12] {
        let call = &report["calls"][i];
        assert_eq!(call["error"]["code"], -32602, "call {i}: {call}");
    }
    assert!(
        report["calls"][10]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("max_amount"),
        "{report}"
    );
    let r = result(&report, 13);
    assert_eq!(r["isError"], true, "{r}");
    assert!(text(r).contains("unsupported URL scheme"), "{r}");

    // Exactly the three payments moved money, and each is in the journal, settled, with its
    // transaction; nothing refused was signed or journaled.
    assert_eq!(
        net.token_balance("baseSepolia", &token, &payer),
        payer_before - 3000
    );
    assert_eq!(
        net.token_balance("baseSepolia", &token, &payee),
        payee_before + 3000
    );
    let journal = journal_lines(&env);
    let signed = journal.iter().filter(|l| l["event"] == "signed").count();
    assert_eq!(signed, 3, "{journal:?}");
    let settled: Vec<&str> = journal
        .iter()
        .filter(|l| l["event"] == "outcome" && l["status"] == "settled")
        .map(|l| l["transaction"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(settled, paid_txs, "{journal:?}");
    let payments = result(&report, 14)["structuredContent"]["data"]["payments"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(payments.len(), 3, "{payments:?}");
    for (p, tx) in payments.iter().zip(&paid_txs) {
        assert_eq!(p["status"], "settled");
        assert_eq!(p["transaction"], tx.as_str());
        assert_eq!(p["pay_to"], payee.as_str());
    }
}

#[test]
fn the_daily_budget_of_config_toml_counts_payments_made_with_get_too() {
    let net = localnet::get();
    let env = crate::pay::payer_env();
    let config = env.x402_home().join("config.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("\n[limits]\ndaily = \"0.0025\"\n");
    std::fs::write(&config, text).unwrap();
    let pw = env.password_file("pw");
    let cheap = format!("{}/cheap", net.s("/v2/serverUrl"));
    let token = net.s("/token/baseSepoliaUsdc");
    let (payer, _) = net.account("payer");

    let _guard = localnet::chain_lock();
    // 0.001 paid by hand first: the journal is shared.
    let paid = env
        .x402()
        .args(["get", &cheap, "--yes", "--password-file"])
        .arg(&pw)
        .output()
        .unwrap();
    assert_eq!(paid.status.code(), Some(0), "{}", support::stderr(&paid));
    let before = net.token_balance("baseSepolia", &token, &payer);
    let report = drive(
        &env,
        &["mcp", "--password-file", pw.to_str().unwrap()],
        json!([
            {"name": "fetch", "arguments": {"url": cheap}},
            {"name": "fetch", "arguments": {"url": cheap}},
        ]),
    );
    assert!(report.get("connectError").is_none(), "{report}");
    assert!(
        report["instructions"]
            .as_str()
            .unwrap()
            .contains("daily budget 0.0025 ([limits] daily in config.toml)"),
        "{report}"
    );
    let r = result(&report, 0);
    assert_eq!(r["isError"], false, "{r}");
    assert_eq!(r["structuredContent"]["payment"]["status"], "paid");
    let r = result(&report, 1);
    assert_eq!(r["isError"], true, "{r}");
    let refusal = &r["structuredContent"]["refusal"];
    assert_eq!(refusal["limit"], "daily", "{r}");
    assert_eq!(refusal["limit_from"], "[limits] daily in config.toml");
    assert_eq!(refusal["spent"]["decimal"], "0.002");
    assert_eq!(refusal["allowed"]["decimal"], "0.0025");
    assert_eq!(refusal["over_by"]["decimal"], "0.0005");
    assert_eq!(r["structuredContent"]["payment"]["status"], "over_budget");
    // One payment through the server, none refused.
    assert_eq!(
        net.token_balance("baseSepolia", &token, &payer),
        before - 1000
    );
    let signed = journal_lines(&env)
        .iter()
        .filter(|l| l["event"] == "signed")
        .count();
    assert_eq!(signed, 2);
}

/// Against the test server: bodies given back as base64 and cut at 256 KiB, and the payments
/// whose outcome is not a plain settlement. A refused payment moves nothing and does not count
/// against the session budget; one whose outcome is unknown counts, as it may have moved money.
#[test]
fn fetch_gives_binary_and_long_bodies_and_counts_what_may_have_been_paid() {
    use crate::support::verifier::{Answer, Generated, MADE_UP_TX, Offer, Verifier, pattern};
    use base64::Engine as _;
    let server = Verifier::builder()
        .paid("/binary", Offer::v2().generated(Generated::new(1 << 20)))
        .paid(
            "/reject",
            Offer::v2().answer(Answer::Reject("invalid_signature".into())),
        )
        .paid(
            "/pending",
            Offer::v2().answer(Answer::Unconfirmed {
                status: 402,
                reason: "settlement_pending".into(),
                settle: false,
            }),
        )
        .paid(
            "/cut",
            Offer::v2().generated(Generated::new(1000).close_at(100)),
        )
        .paid("/ok", Offer::v2())
        .plain("/long", 200, &"a".repeat(300 * 1024))
        .start();
    let env = Env::new();
    env.import_key("payer", support::ANVIL1_KEY);
    env.write_config("default_account = \"payer\"\n");
    let pw = env.password_file("pw");
    let report = drive(
        &env,
        &[
            "mcp",
            "--password-file",
            pw.to_str().unwrap(),
            "--session-budget",
            "0.004",
        ],
        json!([
            {"name": "fetch", "arguments": {"url": server.url("/binary")}},
            {"name": "fetch", "arguments": {"url": server.url("/reject")}},
            {"name": "fetch", "arguments": {"url": server.url("/pending")}},
            {"name": "fetch", "arguments": {"url": server.url("/cut")}},
            {"name": "fetch", "arguments": {"url": server.url("/ok")}},
            {"name": "fetch", "arguments": {"url": server.url("/ok")}},
            {"name": "fetch", "arguments": {"url": server.url("/long")}},
        ]),
    );
    assert!(report.get("connectError").is_none(), "{report}");
    assert_eq!(report["transportErrors"], json!([]), "{report}");

    // A paid binary body of 1 MiB: its first 256 KiB, as base64.
    let r = result(&report, 0);
    assert_eq!(r["isError"], false, "{r}");
    let doc = &r["structuredContent"];
    assert_eq!(doc["payment"]["status"], "paid");
    assert_eq!(doc["encoding"], "base64");
    assert_eq!(doc["truncated"], true);
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(doc["body"].as_str().unwrap())
        .unwrap();
    assert_eq!(bytes, &pattern()[..256 * 1024]);

    // Refused by the server: an error result, recorded as rejected.
    let r = result(&report, 1);
    assert_eq!(r["isError"], true, "{r}");
    assert_eq!(r["structuredContent"]["payment"]["status"], "rejected");
    assert_eq!(
        r["structuredContent"]["payment"]["error"],
        "invalid_signature"
    );

    // Settlement pending: not known, so not said to be paid nor unpaid.
    let r = result(&report, 2);
    assert_eq!(r["isError"], true, "{r}");
    let p = &r["structuredContent"]["payment"];
    assert_eq!(p["status"], "unknown", "{r}");
    assert_eq!(p["transaction"], MADE_UP_TX);
    assert!(text(r).contains("unknown"), "{}", text(r));

    // Paid, and the answer cut short: what came, and the error.
    let r = result(&report, 3);
    assert_eq!(r["isError"], true, "{r}");
    let doc = &r["structuredContent"];
    assert_eq!(doc["payment"]["status"], "paid");
    assert_eq!(doc["status"], 200);
    assert_eq!(doc["truncated"], true);
    assert!(
        doc["error"].as_str().unwrap().contains("cut short"),
        "{doc}"
    );

    // Paid so far: binary, pending (may have), cut = 0.003; one more fits the 0.004 budget,
    // the next does not. The rejected payment did not count.
    let r = result(&report, 4);
    assert_eq!(r["isError"], false, "{r}");
    assert_eq!(r["structuredContent"]["payment"]["status"], "paid");
    let r = result(&report, 5);
    assert_eq!(r["isError"], true, "{r}");
    let refusal = &r["structuredContent"]["refusal"];
    assert_eq!(refusal["limit"], "session", "{r}");
    assert_eq!(refusal["spent"]["decimal"], "0.004");
    // Five payments reached the server, the refused one never did.
    assert_eq!(server.payments().len(), 5);

    // A long free text body: its first 256 KiB.
    let r = result(&report, 6);
    assert_eq!(r["isError"], false, "{r}");
    let doc = &r["structuredContent"];
    assert_eq!(doc["payment"], Value::Null);
    assert_eq!(doc["encoding"], "utf-8");
    assert_eq!(doc["truncated"], true);
    assert_eq!(doc["body"].as_str().unwrap().len(), 256 * 1024);
}

// ------------------------------------------------------------ both families, Permit2, upto

/// An environment with an EVM and a Solana account, each its family's default: the local
/// chain's EVM `payer` as "evm" and its Solana `payer` as "sol" (password "pw" for both),
/// with the RPC URLs of the local chains.
fn two_family_env() -> Env {
    let net = localnet::get();
    let env = crate::solana_pay::solana_env("payer");
    env.import_key("evm", &net.account("payer").1);
    let config = std::fs::read_to_string(env.x402_home().join("config.toml")).unwrap();
    if !config.contains("default_account = \"evm\"") {
        env.write_config(&format!("default_account = \"evm\"\n{config}"));
    }
    env
}

/// USDC base units held by a Solana role's token account, read from the chain.
fn solana_usdc(role: &str) -> u64 {
    let net = localnet::get();
    net.solana_token_balance(&net.solana_ata(role)).unwrap_or(0)
}

#[test]
fn inspect_marks_and_fetch_pays_an_option_of_a_family_the_server_has_an_account_of() {
    let net = localnet::get();
    let mixed = net.solana_route("mixed");
    let (sol_payee, _) = net.solana_account("payee");

    // Only a Solana account: the route lists base-sepolia first, the Solana option is paid.
    let env = crate::solana_pay::solana_env("payer");
    let pw = env.password_file("pw");
    let _guard = localnet::chain_lock();
    let before = solana_usdc("payee");
    let report = drive(
        &env,
        &["mcp", "--password-file", pw.to_str().unwrap()],
        json!([
            {"name": "inspect", "arguments": {"url": mixed}},
            {"name": "fetch", "arguments": {"url": mixed}},
        ]),
    );
    assert!(report.get("connectError").is_none(), "{report}");
    let data = &result(&report, 0)["structuredContent"]["data"];
    assert_eq!(data["chosen"], 1, "{data}");
    assert_eq!(data["choice"]["payer"]["account"], "sol", "{data}");
    let r = result(&report, 1);
    assert_eq!(r["isError"], false, "{r}");
    let p = &r["structuredContent"]["payment"];
    assert_eq!(p["status"], "paid", "{p}");
    assert_eq!(p["network"], "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1");
    assert_eq!(p["pay_to"], sol_payee.as_str());
    assert_eq!(solana_usdc("payee") - before, 2000);
    drop(_guard);

    // An EVM account served because --account names it (config.toml has no default_account):
    // inspect marks the option this server would pay, the server's first, not the one an
    // x402 get without --account would.
    let env = crate::solana_pay::solana_env("payer");
    let config = std::fs::read_to_string(env.x402_home().join("config.toml")).unwrap();
    env.import_key("evm", &net.account("payer").1);
    env.write_config(&config);
    let pw = env.password_file("pw");
    let report = drive(
        &env,
        &[
            "mcp",
            "--account",
            "evm",
            "--password-file",
            pw.to_str().unwrap(),
        ],
        json!([{"name": "inspect", "arguments": {"url": mixed}}]),
    );
    assert!(report.get("connectError").is_none(), "{report}");
    let data = &result(&report, 0)["structuredContent"]["data"];
    assert_eq!(data["chosen"], 0, "{data}");
    assert_eq!(data["choice"]["payer"]["account"], "evm", "{data}");
    assert!(journal_lines(&env).is_empty(), "inspect signs nothing");
}

#[test]
fn one_server_pays_evm_and_solana_options_each_asset_within_its_session_budget() {
    let net = localnet::get();
    let env = two_family_env();
    let pw = env.password_file("pw");
    let sol_cheap = net.solana_route("cheap");
    let evm_cheap = format!("{}/cheap", net.s("/v2/serverUrl"));
    let token = net.s("/token/baseSepoliaUsdc");
    let (evm_payer, _) = net.account("payer");
    let (evm_payee, _) = net.account("payee");
    let (sol_payer, _) = net.solana_account("payer");
    let (sol_payee, _) = net.solana_account("payee");

    let _guard = localnet::chain_lock();
    let sol_before = (solana_usdc("payer"), solana_usdc("payee"));
    let evm_payee_before = net.token_balance("baseSepolia", &token, &evm_payee);
    // 0.0025 per asset: two Solana payments of 0.001 fit, a third does not; the EVM asset
    // has a budget of its own.
    let report = drive(
        &env,
        &[
            "mcp",
            "--password-file",
            pw.to_str().unwrap(),
            "--session-budget",
            "0.0025",
        ],
        json!([
            {"name": "fetch", "arguments": {"url": sol_cheap}},
            {"name": "fetch", "arguments": {"url": evm_cheap}},
            {"name": "fetch", "arguments": {"url": sol_cheap}},
            {"name": "fetch", "arguments": {"url": sol_cheap}},
            {"name": "balance", "arguments": {"network": "solana-devnet"}},
            {"name": "history", "arguments": {}},
            {"name": "inspect", "arguments": {"url": sol_cheap}},
        ]),
    );
    assert!(report.get("connectError").is_none(), "{report}");
    assert_eq!(report["transportErrors"], json!([]), "{report}");
    // Both accounts are served, and said so.
    let instructions = report["instructions"].as_str().unwrap();
    assert!(
        instructions.contains(&format!("EVM account 'evm' ({evm_payer})"))
            && instructions.contains(&format!("Solana account 'sol' ({sol_payer})")),
        "{instructions}"
    );
    assert!(
        report["stderr"]
            .as_str()
            .unwrap()
            .contains(&format!("Solana account 'sol' ({sol_payer})")),
        "{report}"
    );

    // The Solana payments: the answer, and what was paid, to whom, with which transaction,
    // which the chain has.
    let mut sol_txs = Vec::new();
    for i in [0, 2] {
        let r = result(&report, i);
        assert_eq!(r["isError"], false, "call {i}: {r}");
        let doc = &r["structuredContent"];
        assert_eq!(doc["status"], 200, "call {i}: {doc}");
        let p = &doc["payment"];
        assert_eq!(p["status"], "paid", "call {i}: {p}");
        assert_eq!(p["network"], "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1");
        assert_eq!(p["amount"], "1000");
        assert_eq!(p["payer"], sol_payer.as_str());
        assert_eq!(p["pay_to"], sol_payee.as_str());
        let tx = p["transaction"].as_str().unwrap().to_owned();
        let status = net.solana_call("getSignatureStatuses", json!([[tx]]));
        assert!(status["value"][0]["err"].is_null(), "call {i}: {status}");
        assert!(
            text(r).contains("Paid 0.001 USDC")
                && text(r).contains(&sol_payee)
                && text(r).contains("solana-devnet")
                && text(r).contains(&tx),
            "call {i}: {}",
            text(r)
        );
        let body: Value = serde_json::from_str(doc["body"].as_str().unwrap()).unwrap();
        assert_eq!(body["route"], "cheap");
        sol_txs.push(tx);
    }
    // The EVM payment, from the EVM account, in the same session.
    let r = result(&report, 1);
    assert_eq!(r["isError"], false, "{r}");
    let p = &r["structuredContent"]["payment"];
    assert_eq!(p["status"], "paid", "{p}");
    assert_eq!(p["network"], "eip155:84532");
    assert_eq!(p["payer"], evm_payer.as_str());
    let evm_tx = p["transaction"].as_str().unwrap().to_owned();
    assert_eq!(
        transfers(&net.rpc("baseSepolia"), &evm_tx),
        [(evm_payer.to_lowercase(), evm_payee.to_lowercase(), 1000)]
    );

    // The third Solana payment is over the Solana asset's budget; the EVM payment did not
    // count against it.
    let r = result(&report, 3);
    assert_eq!(r["isError"], true, "{r}");
    let refusal = &r["structuredContent"]["refusal"];
    assert_eq!(refusal["limit"], "session", "{r}");
    assert_eq!(
        refusal["network"],
        "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1"
    );
    assert_eq!(refusal["spent"]["decimal"], "0.002");
    assert_eq!(refusal["allowed"]["decimal"], "0.0025");
    assert_eq!(refusal["over_by"]["decimal"], "0.0005");

    // The chain moved exactly the two Solana payments and the EVM one.
    assert_eq!(solana_usdc("payee") - sol_before.1, 2000);
    assert_eq!(sol_before.0 - solana_usdc("payer"), 2000);
    assert_eq!(
        net.token_balance("baseSepolia", &token, &evm_payee),
        evm_payee_before + 1000
    );

    // balance on a Solana network: the Solana account's.
    let r = result(&report, 4);
    assert_eq!(r["isError"], false, "{r}");
    let data = &r["structuredContent"]["data"];
    assert_eq!(data["account"], "sol");
    assert_eq!(data["address"], sol_payer.as_str());
    assert_eq!(data["networks"][0]["network"], "solana-devnet");
    assert_eq!(
        data["networks"][0]["tokens"][0]["base_units"],
        solana_usdc("payer").to_string()
    );

    // The journal: three payments signed, each settled with its transaction; the Solana
    // ones with what identifies them on chain.
    let journal = journal_lines(&env);
    assert_eq!(
        journal.iter().filter(|l| l["event"] == "signed").count(),
        3,
        "{journal:?}"
    );
    let payments = result(&report, 5)["structuredContent"]["data"]["payments"]
        .as_array()
        .unwrap()
        .clone();
    let txs: Vec<&str> = payments
        .iter()
        .map(|p| p["transaction"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        txs,
        [sol_txs[0].as_str(), evm_tx.as_str(), sol_txs[1].as_str()]
    );
    for p in [&payments[0], &payments[2]] {
        assert_eq!(p["status"], "settled", "{p}");
        assert_eq!(p["transfer"], "svm", "{p}");
        assert_eq!(p["pay_to"], sol_payee.as_str());
        assert!(p["blockhash"].as_str().is_some(), "{p}");
    }
    assert_eq!(payments[1]["status"], "settled");

    // inspect names the Solana account this server pays such an option from.
    let r = result(&report, 6);
    assert_eq!(r["isError"], false, "{r}");
    let payer = &r["structuredContent"]["data"]["choice"]["payer"];
    assert_eq!(payer["family"], "solana", "{payer}");
    assert_eq!(payer["account"], "sol");
    assert_eq!(payer["address"], sol_payer.as_str());
}

#[test]
fn each_account_must_unlock_and_each_family_has_at_most_one() {
    let env = Env::new();
    env.import_key("evm", support::ANVIL1_KEY);
    env.import_key("evm2", support::ANVIL0_KEY);
    // A Solana account with a password of its own.
    let other = env.password_file("other");
    let out = env
        .x402()
        .args(["wallet", "new", "sol", "--solana", "--password-file"])
        .arg(&other)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", support::stderr(&out));
    env.write_config("default_account = \"evm\"\ndefault_solana_account = \"sol\"\n");
    let pw = env.password_file("pw");
    let pw = pw.to_str().unwrap();
    let cases: [(Vec<&str>, &str); 3] = [
        (
            vec!["mcp", "--password-file", pw],
            "cannot unlock the Solana account 'sol' with the password file",
        ),
        (
            vec![
                "mcp",
                "--account",
                "evm",
                "--account",
                "evm2",
                "--password-file",
                pw,
            ],
            "'evm' and 'evm2' are both EVM accounts",
        ),
        (
            vec!["mcp", "--account", "no-such", "--password-file", pw],
            "no account named 'no-such'",
        ),
    ];
    for (args, said) in cases {
        let (line, code, err) = start_without_serving(&env, &args);
        assert_eq!(line, "", "{args:?}: it answered on stdout");
        assert!(code.is_some_and(|c| c != 0), "{args:?}: exit {code:?}");
        assert!(
            err.trim()
                .lines()
                .next()
                .unwrap_or("")
                .starts_with("x402: error:")
                && err.contains(said),
            "{args:?}: {err}"
        );
    }
    // The Solana account's own password unlocks it, and the EVM account is then the one
    // that does not unlock: the default one, or the one --account chose for its family.
    let other = other.to_str().unwrap();
    let (_, _, err) = start_without_serving(&env, &["mcp", "--password-file", other]);
    assert!(err.contains("cannot unlock the EVM account 'evm'"), "{err}");
    let (_, _, err) = start_without_serving(
        &env,
        &[
            "mcp",
            "--account",
            "sol",
            "--account",
            "evm2",
            "--password-file",
            other,
        ],
    );
    assert!(
        err.contains("cannot unlock the EVM account 'evm2'"),
        "{err}"
    );
}

#[test]
fn a_server_of_one_family_refuses_the_others_options_without_signing() {
    use crate::support::verifier::{Offer, Verifier};
    let server = Verifier::builder().paid("/ok", Offer::v2()).start();
    let env = Env::new();
    let pw = env.password_file("pw");
    let out = env
        .x402()
        .args(["wallet", "new", "sol", "--solana", "--password-file"])
        .arg(&pw)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", support::stderr(&out));
    // Named by --account: the only account served.
    let report = drive(
        &env,
        &[
            "mcp",
            "--account",
            "sol",
            "--password-file",
            pw.to_str().unwrap(),
        ],
        json!([
            {"name": "fetch", "arguments": {"url": server.url("/ok")}},
            {"name": "balance", "arguments": {"network": "base-sepolia"}},
            {"name": "inspect", "arguments": {"url": server.url("/ok")}},
        ]),
    );
    assert!(report.get("connectError").is_none(), "{report}");
    assert!(
        report["instructions"]
            .as_str()
            .unwrap()
            .contains("Solana account 'sol'"),
        "{report}"
    );
    let r = result(&report, 0);
    assert_eq!(r["isError"], true, "{r}");
    assert!(
        text(r).contains("serves a Solana account only")
            && text(r).contains("paid by an EVM account"),
        "{}",
        text(r)
    );
    let r = result(&report, 1);
    assert_eq!(r["isError"], true, "{r}");
    assert!(text(r).contains("serves no EVM account"), "{}", text(r));
    let r = result(&report, 2);
    assert_eq!(r["isError"], false, "{r}");
    let payer = &r["structuredContent"]["data"]["choice"]["payer"];
    assert_eq!(payer["family"], "evm", "{payer}");
    assert_eq!(payer["account"], Value::Null);
    assert!(
        payer["message"]
            .as_str()
            .unwrap()
            .contains("serves no EVM account"),
        "{payer}"
    );
    assert!(server.payments().is_empty(), "nothing was sent");
    assert!(journal_lines(&env).is_empty(), "nothing was signed");
}

#[test]
fn fetch_pays_permit2_exact_and_upto_and_the_session_spends_what_upto_charged() {
    use crate::permit2_get::{ETH, Payer};
    let payer = Payer::new(ETH, 10_000, true);
    payer.approve_with_cast("plain");
    let net = payer.net;
    let exact = net.permit2_route("permit2Exact");
    let upto = net.permit2_route("upto");
    let charged = upto.charged.unwrap();
    assert_eq!((exact.amount, upto.amount, charged), (1_000, 2_000, 1_250));
    let token = net.permit2_token("plain");
    let (payee, _) = net.account("payee");

    let _guard = localnet::chain_lock();
    let payee_before = net.token_balance("baseSepolia", &token, &payee);
    // A session budget of 0.0045 PUSD: the exact 0.001, then two upto payments (each judged
    // on its maximum of 0.002, each charging 0.00125) fit; a third does not (0.0035 spent).
    // Charged their maximum, the second upto would already be over.
    let report = drive(
        &payer.env,
        &[
            "mcp",
            "--password-file",
            payer.pw.to_str().unwrap(),
            "--session-budget",
            "0.0045",
        ],
        json!([
            {"name": "fetch", "arguments": {"url": exact.url}},
            {"name": "fetch", "arguments": {"url": upto.url}},
            {"name": "fetch", "arguments": {"url": upto.url}},
            {"name": "fetch", "arguments": {"url": upto.url}},
        ]),
    );
    assert!(report.get("connectError").is_none(), "{report}");
    assert_eq!(report["transportErrors"], json!([]), "{report}");
    let rpc = net.rpc("baseSepolia");
    let mut txs = Vec::new();
    for (i, moved) in [(0, 1_000), (1, charged), (2, charged)] {
        let r = result(&report, i);
        assert_eq!(r["isError"], false, "call {i}: {r}");
        let doc = &r["structuredContent"];
        assert_eq!(doc["status"], 200, "call {i}: {doc}");
        let p = &doc["payment"];
        assert_eq!(p["status"], "paid", "call {i}: {p}");
        assert_eq!(p["asset"], token.as_str());
        assert_eq!(p["payer"], payer.address.as_str());
        assert_eq!(p["pay_to"], payee.as_str());
        let tx = p["transaction"].as_str().unwrap().to_owned();
        // The chain moved the price (exact) or the charge (upto), payer to payee.
        assert_eq!(
            transfers(&rpc, &tx),
            [(payer.address.to_lowercase(), payee.to_lowercase(), moved)],
            "call {i}"
        );
        txs.push(tx);
    }
    assert!(text(result(&report, 0)).contains("Paid 0.001 PUSD"));
    let said = text(result(&report, 1));
    assert!(
        said.contains("Paid 0.00125 PUSD of up to 0.002 PUSD"),
        "{said}"
    );
    // The third upto: the session has spent what was charged, 0.001 + 2 × 0.00125.
    let r = result(&report, 3);
    assert_eq!(r["isError"], true, "{r}");
    let refusal = &r["structuredContent"]["refusal"];
    assert_eq!(refusal["limit"], "session", "{r}");
    assert_eq!(refusal["asked"]["decimal"], "0.002");
    assert_eq!(refusal["spent"]["decimal"], "0.0035");
    assert_eq!(refusal["allowed"]["decimal"], "0.0045");
    assert_eq!(refusal["over_by"]["decimal"], "0.001");

    assert_eq!(payer.balance("plain"), 10_000 - 1_000 - 2 * charged);
    assert_eq!(
        net.token_balance("baseSepolia", &token, &payee),
        payee_before + 1_000 + 2 * charged
    );
    // The journal: three Permit2 payments, settled, the upto ones with their charge.
    let payments = payer.payments();
    assert_eq!(payments.len(), 3, "{payments:?}");
    for (p, tx) in payments.iter().zip(&txs) {
        assert_eq!(p["status"], "settled", "{p}");
        assert_eq!(p["transfer"], "permit2", "{p}");
        assert_eq!(p["transaction"], tx.as_str());
    }
    assert_eq!(payments[0]["charged"], Value::Null);
    for p in &payments[1..] {
        assert_eq!(p["scheme"], "upto", "{p}");
        assert_eq!(p["amount"], "2000");
        assert_eq!(p["charged"], charged.to_string());
    }
}
