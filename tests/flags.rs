//! Flag values checked as the command line is read (clap's value parsers): `--since` and
//! `--network`, their messages and exit codes on every command that takes them, and the MCP
//! tools that build the same values from a call.

use crate::support::{self, Env, verifier};
use serde_json::{Value, json};

const SINCE_ERROR: &str = "--since 'nonsense': expected a date (2026-11-25), a time \
                           (2026-11-25T10:00:00Z) or an age (24h, 7d)";

/// A `--since` that is not a time is the tool's usage error, as it was when the command
/// checked it: exit 2, `x402: error: …` on stderr (in red under `--color always`), and under
/// `--json` the error envelope on stdout, wherever the flag and `--json` stand on the line.
/// It is checked as the line is read, before config.toml.
#[test]
fn a_bad_since_is_a_usage_error_in_the_tools_own_words() {
    let env = Env::new();
    for args in [
        &["history", "--since", "nonsense"][..],
        &["history", "check", "--since", "nonsense"],
        &["history", "--since=nonsense", "--status", "settled"],
        &["-q", "history", "--since", "nonsense"],
    ] {
        let out = env.run(args);
        support::assert_exit(&out, 2);
        assert_eq!(
            support::stderr(&out),
            format!("x402: error: {SINCE_ERROR}\n"),
            "{args:?}"
        );
        assert_eq!(support::stdout(&out), "", "{args:?}");
    }
    for args in [
        &["history", "--json", "--since", "nonsense"][..],
        &["history", "--since", "nonsense", "--json"],
        &["history", "check", "--since", "nonsense", "--json"],
    ] {
        let out = env.run(args);
        support::assert_exit(&out, 2);
        assert_eq!(
            support::stderr(&out),
            format!("x402: error: {SINCE_ERROR}\n")
        );
        let doc: Value = serde_json::from_slice(&out.stdout).expect("a JSON document");
        assert_eq!(
            doc,
            json!({
                "schema_version": 2, "success": false, "data": null,
                "errors": [{"code": 2, "message": SINCE_ERROR}],
            }),
            "{args:?}"
        );
    }
    let out = env.run(&["--color", "always", "history", "--since", "nonsense"]);
    support::assert_exit(&out, 2);
    assert_eq!(
        support::stderr(&out),
        format!("\u{1b}[1;31mx402: error:\u{1b}[0m {SINCE_ERROR}\n")
    );
    // A good one is read as a time: an empty journal lists nothing, and says so.
    let out = env.run(&["history", "--since", "7d"]);
    support::assert_exit(&out, 0);
    assert!(support::stderr(&out).starts_with("no payments in "));
    // Read with the line, so before config.toml: a broken one is not what is reported.
    env.write_config("bogus = 1\n");
    let out = env.run(&["history", "--since", "nonsense"]);
    support::assert_exit(&out, 2);
    assert_eq!(
        support::stderr(&out),
        format!("x402: error: {SINCE_ERROR}\n")
    );
    let out = env.run(&["history", "--since", "7d"]);
    support::assert_exit(&out, 2);
    assert!(support::stderr(&out).contains("config.toml:1:1: bogus"));
}

/// A `--network` that is not a name or a CAIP-2 id in form (empty, spaces, control
/// characters, a malformed `namespace:reference`) is refused as the line is read, with clap's
/// usage error (exit 2) naming the value and what is wrong, before any request; an unknown one
/// of good form still gets the table's message.
#[test]
fn a_malformed_network_is_refused_as_the_line_is_read() {
    let server = verifier::fixed(200, "{}");
    let url = server.url("/");
    let (env, pw) = Env::with_payer();
    let pw = pw.to_str().unwrap();
    let address = support::ANVIL1_ADDRESS;
    let commands: [Vec<&str>; 5] = [
        vec!["get", &url, "--yes", "--password-file", pw],
        vec!["inspect", &url],
        vec!["inspect", &url, "--json"],
        vec!["wallet", "balance", "--address", address],
        vec![
            "wallet",
            "approve",
            "--asset",
            "USDC",
            "--amount",
            "1",
            "--yes",
            "--password-file",
            pw,
        ],
    ];
    let why_not = [
        (
            "",
            "empty: give a network's name (base-sepolia) or CAIP-2 id (eip155:84532)",
        ),
        (
            "base sepolia",
            "a network's name or CAIP-2 id has no spaces or control characters",
        ),
        (
            "base\u{7}",
            "a network's name or CAIP-2 id has no spaces or control characters",
        ),
        (
            "EIP155:8453",
            "not a CAIP-2 id: the namespace before ':' is 3 to 8 of a-z, 0-9 and -",
        ),
        (
            "eip155:",
            "not a CAIP-2 id: the reference after ':' is 1 to 32 of a-z, A-Z, 0-9, - and _",
        ),
    ];
    for command in &commands {
        for (value, why) in why_not {
            let out = env
                .x402()
                .args(command)
                .args(["--network", value])
                .output()
                .unwrap();
            support::assert_exit(&out, 2);
            let err = support::stderr(&out);
            // clap's output drops control characters (the BEL is not rung).
            let shown: String = value.chars().filter(|c| !c.is_control()).collect();
            assert_eq!(
                err.lines().next().unwrap_or(""),
                format!("error: invalid value '{shown}' for '--network <NETWORK>': {why}"),
                "{command:?} {value:?}: {err}"
            );
            assert_eq!(support::stdout(&out), "", "{command:?} {value:?}");
        }
        // Of good form but not in the table: the table's message, as before.
        let out = env
            .x402()
            .args(command)
            .args(["--network", "nosuchnet"])
            .output()
            .unwrap();
        support::assert_exit(&out, 2);
        let err = support::stderr(&out);
        assert!(
            err.starts_with("x402: error: unknown network 'nosuchnet'\n"),
            "{command:?}: {err}"
        );
    }
    assert!(server.requests().is_empty(), "a request was sent");
    // Trimmed, and a CAIP-2 id of good form is looked up like a name.
    let out = env.run(&["inspect", &url, "--network", " eip155:84532 "]);
    support::assert_exit(&out, 0);
}

/// The MCP tools build `since` and `network` with the same parsers as the flags: a bad value
/// is a tool error the agent can read (the same words), and nothing is fetched.
#[test]
fn mcp_tools_check_since_and_network_with_the_flags_parsers() {
    let server = verifier::fixed(200, "{}");
    let (env, pw) = Env::with_payer();
    let report = crate::mcp::drive(
        &env,
        &["mcp", "--password-file", pw.to_str().unwrap()],
        json!([
            {"name": "history", "arguments": {"since": "nonsense"}},
            {"name": "balance", "arguments": {"network": "base sepolia"}},
            {"name": "fetch", "arguments": {"url": server.url("/"), "network": ""}},
            {"name": "fetch", "arguments": {"url": server.url("/"), "network": "EIP155:1"}},
            {"name": "history", "arguments": {"since": "7d"}},
        ]),
    );
    let error = |i: usize| {
        let r = crate::mcp::result(&report, i);
        assert_eq!(r["isError"], true, "call {i}: {r}");
        crate::mcp::text(r).to_owned()
    };
    assert!(error(0).contains(SINCE_ERROR), "{}", error(0));
    assert!(
        error(1).contains(
            "network 'base sepolia': a network's name or CAIP-2 id has no spaces or control \
             characters"
        ),
        "{}",
        error(1)
    );
    assert!(
        error(2).contains(
            "network '': empty: give a network's name (base-sepolia) or CAIP-2 id \
             (eip155:84532)"
        ),
        "{}",
        error(2)
    );
    assert!(
        error(3).contains("network 'EIP155:1': not a CAIP-2 id: the namespace"),
        "{}",
        error(3)
    );
    assert!(server.requests().is_empty(), "fetch sent a request");
    let r = crate::mcp::result(&report, 4);
    assert_eq!(r["isError"], false, "{r}");
}
