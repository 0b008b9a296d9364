//! Snapshots of what a person reads on stderr: `inspect`'s report, the quote `get` shows before
//! it asks, the settlement line, and the main errors. Each snapshot is the exit code, the whole stderr
//! and stdout (inspect's report is its result), so a change of wording shows in review as a diff of `tests/snapshots/`.
//!
//! Everything that differs between runs is redacted by [`settings`]: addresses, nonces and
//! transaction hashes, ports, temporary paths, and times. Update with
//! `INSTA_UPDATE=always cargo test --test cli -- human::` and review the diff.
//!
//! Not here: JSON documents and the history table (their keys and columns are tested, not
//! snapshotted, in wallet.rs and safety.rs).

use crate::support::verifier::{Answer, Offer, Verifier, v2_option};
use crate::support::{self, Env};
use serde_json::json;
use std::process::Output;

/// The filters every snapshot here goes through.
fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_prepend_module_to_snapshot(true);
    for (pattern, replacement) in [
        // Transaction hashes, nonces (32 bytes) before addresses (20 bytes).
        (r"0x[0-9a-fA-F]{64}", "[HASH]"),
        (r"0x[0-9a-fA-F]{40}", "[ADDRESS]"),
        (r"127\.0\.0\.1:\d+", "127.0.0.1:[PORT]"),
        (r"/tmp/[^\s'\x22:]+", "[TMP]"),
        (
            r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?( UTC)?",
            "[TIME]",
        ),
    ] {
        s.add_filter(pattern, replacement);
    }
    s
}

/// The exit code, the whole stderr and the whole stdout, as snapshotted.
fn transcript(out: &Output) -> String {
    format!(
        "exit: {}\n--- stderr\n{}--- stdout\n{}",
        out.status.code().map_or("signal".into(), |c| c.to_string()),
        support::stderr(out),
        support::stdout(out)
    )
}

fn snapshot(name: &str, out: &Output) {
    settings().bind(|| insta::assert_snapshot!(name, transcript(out)));
}

fn server() -> Verifier {
    let mut upto = v2_option("2000");
    upto["scheme"] = json!("upto");
    let mut mainnet = v2_option("1500");
    mainnet["network"] = json!("eip155:8453");
    mainnet["asset"] = json!("0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913");
    Verifier::builder()
        .paid(
            "/several",
            Offer::v2().accepts(vec![upto, mainnet, v2_option("1000")]),
        )
        .paid("/v1", Offer::v1())
        .paid("/dear", Offer::v2().accepts(vec![v2_option("500000")]))
        .paid(
            "/nothing-payable",
            Offer::v2().accepts(vec![
                {
                    let mut o = v2_option("1000");
                    o["scheme"] = json!("upto");
                    o
                },
                {
                    let mut o = v2_option("1000");
                    o["asset"] = json!("0x1111111111111111111111111111111111111111");
                    o
                },
            ]),
        )
        .paid(
            "/reject",
            Offer::v2().answer(Answer::Reject(
                "invalid_exact_evm_payload_recipient_mismatch".into(),
            )),
        )
        .plain_with(
            "/unreadable",
            402,
            &[("content-type", "text/plain")],
            "Payment Required\nplease pay",
        )
        .start()
}

#[test]
fn inspect_reports() {
    let server = server();
    let env = Env::new();
    for (name, path) in [
        ("inspect_v2_several_options", "/several"),
        ("inspect_v1", "/v1"),
        ("inspect_unreadable", "/unreadable"),
    ] {
        let out = env.run(&["inspect", &server.url(path)]);
        snapshot(name, &out);
    }
}

#[test]
fn quote_settlement_and_errors() {
    let server = server();
    let (env, pw) = Env::with_payer();
    let pw = pw.to_str().unwrap();
    let refused = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let refused = format!("http://127.0.0.1:{refused}/");
    let cases: [(&str, Vec<String>); 6] = [
        // Off a terminal without --yes: the quote, then the refusal to pay unasked.
        (
            "get_declined_shows_the_quote",
            vec!["get".into(), server.url("/several")],
        ),
        (
            "get_settlement_line",
            vec![
                "get".into(),
                server.url("/several"),
                "--yes".into(),
                "--password-file".into(),
                pw.into(),
            ],
        ),
        (
            "get_over_cap",
            vec!["get".into(), server.url("/dear"), "--yes".into()],
        ),
        (
            "get_no_payable_option",
            vec![
                "get".into(),
                server.url("/nothing-payable"),
                "--yes".into(),
                "--password-file".into(),
                pw.into(),
            ],
        ),
        ("get_connection_refused", vec!["get".into(), refused]),
        (
            "get_rejected_by_the_server",
            vec![
                "get".into(),
                server.url("/reject"),
                "--yes".into(),
                "--password-file".into(),
                pw.into(),
            ],
        ),
    ];
    for (name, args) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = env.run(&args);
        snapshot(name, &out);
    }
}
