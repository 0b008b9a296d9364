//! Hardening against hostile servers and local files: one test per item. Passwords in URLs are
//! never shown or stored; text from a server cannot forge a line or reorder one; the work done
//! on any answer is bounded; the journal and keystores are never opened through a symbolic
//! link, and no output overwrites them or config.toml; files other users can write are refused
//! before anything is signed; numbers out of range are usage errors, never a panic. Every test
//! runs the real binary against servers on 127.0.0.1 (`support::verifier`, or a few raw bytes
//! where a header must be exactly so).

use crate::support::verifier::{ANY, Answer, Generated, Misbehave, Offer, Verifier, v2_option};
use crate::support::{self, ANVIL1_ADDRESS, Env};
use serde_json::json;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Output;

fn both(out: &Output) -> String {
    format!("{}{}", support::stdout(out), support::stderr(out))
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn journal(env: &Env) -> PathBuf {
    env.x402_home().join("journal.jsonl")
}

/// A server on 127.0.0.1 that answers every request with exactly these bytes, then closes.
fn raw_server(response: Vec<u8>) -> Verifier {
    Verifier::builder()
        .misbehave(ANY, Misbehave::Raw(response))
        .start()
}

/// Characters that must never reach a terminal raw from a server.
fn raw_controls(text: &str) -> Vec<char> {
    text.chars()
        .filter(|&c| {
            (c.is_control() && c != '\n')
                || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
                || matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}')
        })
        .collect()
}

#[test]
fn a_password_in_the_url_is_never_shown_or_stored() {
    const SECRET: &str = "s3cretPW";
    let server = Verifier::builder()
        .paid("/paid", Offer::v2())
        .plain("/free", 200, "{}")
        .start();
    let (env, pw) = Env::with_payer();
    let with_password = |path: &str| {
        server
            .url(path)
            .replace("http://", &format!("http://user:{SECRET}@"))
    };
    let paid = with_password("/paid");
    let receipt = env.path("receipt.json");
    // `x402 ARGS`: its exit code, and the password nowhere in stdout or stderr.
    let run = |args: &[&str], code: i32| {
        let out = env.run(args);
        assert_eq!(out.status.code(), Some(code), "{args:?}: {}", both(&out));
        assert!(!both(&out).contains(SECRET), "{args:?}: {}", both(&out));
        out
    };

    // The quote, -v and the settlement; the receipt.
    let out = env.pay(&pw, &paid, &["-v", "--receipt", receipt.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", both(&out));
    assert_eq!(server.payment_headers(), 1);
    let err = support::stderr(&out);
    assert!(!both(&out).contains(SECRET), "{err}");
    assert!(err.contains("http://user:***@127.0.0.1:"), "{err}");
    // The -v trace shows the request line and Host, never the URL's user info.
    assert!(err.contains("> GET /paid HTTP/1.1"), "{err}");
    assert!(err.contains("> Host: 127.0.0.1:"), "{err}");
    let text = std::fs::read_to_string(&receipt).unwrap();
    assert!(!text.contains(SECRET), "{text}");

    // The journal and history.
    let text = std::fs::read_to_string(journal(&env)).unwrap();
    assert!(!text.contains(SECRET), "{text}");
    assert!(text.contains("user:***@127.0.0.1"), "{text}");
    for args in [&["history"][..], &["history", "--json"]] {
        let out = run(args, 0);
        assert!(
            support::stdout(&out).contains("user:***@"),
            "{}",
            both(&out)
        );
    }

    // inspect: text, --json, --save-terms.
    let terms = env.path("terms.json");
    let out = run(
        &["inspect", &paid, "--save-terms", terms.to_str().unwrap()],
        0,
    );
    assert!(
        support::stdout(&out).contains("user:***@"),
        "{}",
        both(&out)
    );
    let text = std::fs::read_to_string(&terms).unwrap();
    assert!(!text.contains(SECRET), "{text}");
    let out = run(&["inspect", &paid, "--json"], 0);
    let data = support::json_data(&out);
    assert!(
        data["url"].as_str().unwrap().contains("user:***@"),
        "{data}"
    );
    let out = env.run(&["inspect", &with_password("/free"), "--json"]);
    assert!(!both(&out).contains(SECRET), "{}", both(&out));

    // Errors: a connection refused (reqwest's text names the URL), a malformed URL, and the
    // receipt written for an error.
    let refused = format!("http://user:{SECRET}@127.0.0.1:1/x");
    let receipt = env.path("error-receipt.json");
    let out = run(
        &["get", &refused, "--receipt", receipt.to_str().unwrap()],
        7,
    );
    // One line naming host and port; the cause chain (-v) names no password either.
    assert!(
        support::stderr(&out).contains("could not connect to 127.0.0.1:1"),
        "{}",
        both(&out)
    );
    run(&["get", "-v", &refused], 7);
    let text = std::fs::read_to_string(&receipt).unwrap();
    assert!(!text.contains(SECRET), "{text}");
    run(&["inspect", &refused], 7);
    run(&["get", &format!("http://user:{SECRET}@exa mple/")], 3);
    // An RPC URL with a password, in a balance's error.
    let rpc = format!("http://user:{SECRET}@127.0.0.1:1");
    for json in [&[][..], &["--json"]] {
        let out = env.balance_at(ANVIL1_ADDRESS, "base", &rpc, json);
        assert_ne!(out.status.code(), Some(0), "{}", both(&out));
        assert!(!both(&out).contains(SECRET), "{}", both(&out));
        // The error names host and port only; --json's rpc_url keeps the user, not the password.
        assert!(both(&out).contains("127.0.0.1:1"), "{}", both(&out));
        if !json.is_empty() {
            assert!(
                both(&out).contains("user:***@127.0.0.1:1"),
                "{}",
                both(&out)
            );
        }
    }
}

#[test]
fn text_from_a_server_cannot_forge_a_line_or_reorder_one() {
    let forged_description = "a report\nx402: warning: nothing will be paid\r\u{1b}[2K\u{2067}";
    let long_description = "A".repeat(10_000);
    let offer = |description: &str| Offer {
        resource: Some(json!({
            "url": "http://elsewhere.example/\u{202e}fdp.exe",
            "description": description,
            "mimeType": "application/json",
        })),
        ..Offer::v2()
    };
    let server = Verifier::builder()
        .paid("/forged", offer(forged_description))
        .paid("/long", offer(&long_description))
        .paid(
            "/reject",
            Offer::v2().answer(Answer::Reject(
                "refused\npaid 0.001 USDC on base-sepolia\u{202e}".into(),
            )),
        )
        .start();
    let (env, pw) = Env::with_payer();

    // The quote of `get` and the report of `inspect`.
    let out = env.run(&["get", &server.url("/forged"), "--dry-run"]);
    assert_eq!(out.status.code(), Some(0), "{}", both(&out));
    let err = support::stderr(&out);
    assert_eq!(raw_controls(&err), Vec::<char>::new(), "{err}");
    assert!(
        err.contains(
            "  for       a report\\u{a}x402: warning: nothing will be paid\\u{d}\\u{1b}[2K\\u{2067}"
        ),
        "{err}"
    );
    assert!(
        err.contains("  resource  http://elsewhere.example/\\u{202e}fdp.exe"),
        "{err}"
    );
    assert!(!err.lines().any(|l| l.starts_with("x402: warning: nothing")));
    let out = env.run(&["inspect", &server.url("/forged")]);
    assert_eq!(out.status.code(), Some(0), "{}", both(&out));
    let report = support::stdout(&out);
    assert_eq!(raw_controls(&report), Vec::<char>::new(), "{report}");
    assert!(!report.lines().any(|l| l.starts_with("x402:")), "{report}");
    assert!(report.contains("a report\\u{a}x402: warning"), "{report}");
    // --json keeps the value whole and still parses: the controls are JSON escapes.
    let out = env.run(&["inspect", &server.url("/forged"), "--json"]);
    assert_eq!(raw_controls(&support::stdout(&out)), Vec::<char>::new());
    let data = support::json_data(&out);
    assert_eq!(data["resource"]["description"], forged_description);

    // A very long value is cut, with a marker.
    let out = env.run(&["get", &server.url("/long"), "--dry-run"]);
    let err = support::stderr(&out);
    let line = err.lines().find(|l| l.starts_with("  for ")).unwrap();
    assert!(line.len() < 300, "{line}");
    assert!(line.ends_with("…[9800 more characters]"), "{line}");
    let out = env.run(&["inspect", &server.url("/long")]);
    let report = support::stdout(&out);
    assert!(report.lines().all(|l| l.len() < 1100), "{report}");
    assert!(report.contains("…[9000 more characters]"), "{report}");

    // A server's reason for refusing.
    let out = env.pay(&pw, &server.url("/reject"), &[]);
    assert_eq!(out.status.code(), Some(114), "{}", both(&out));
    let err = support::stderr(&out);
    assert_eq!(raw_controls(&err), Vec::<char>::new(), "{err}");
    assert!(!err.lines().any(|l| l.starts_with("paid ")), "{err}");
    assert!(err.contains("refused\\u{a}paid 0.001 USDC"), "{err}");

    // Header values shown by -v.
    let raw = raw_server(
        "HTTP/1.1 200 OK\r\nx-note: ok\u{202e}gpj.exe\u{2066}\r\ncontent-length: 2\r\n\
         connection: close\r\n\r\n{}"
            .as_bytes()
            .to_vec(),
    );
    let out = env.run(&["get", &raw.url("/"), "-v"]);
    assert_eq!(out.status.code(), Some(0), "{}", both(&out));
    let err = support::stderr(&out);
    assert_eq!(raw_controls(&err), Vec::<char>::new(), "{err}");
    assert!(
        err.contains("< x-note: ok\\u{202e}gpj.exe\\u{2066}"),
        "{err}"
    );
}

#[test]
fn the_work_on_any_answer_is_bounded() {
    let huge_version = format!(
        r#"{{"x402Version":"{}","accepts":[{{}}]}}"#,
        "9".repeat(200_000)
    );
    let server = Verifier::builder()
        // A free answer of 64 MiB whose sender stops after 4 MiB and holds the connection:
        // read whole, it would never end (or end at the timeout, exit 28).
        .generated("/endless", Generated::new(64 << 20).stall_at(4 << 20))
        .paid("/many", Offer::v2().accepts(vec![v2_option("1000"); 200]))
        .paid(
            "/long-reason",
            Offer::v2().answer(Answer::Reject("no".repeat(50_000))),
        )
        .plain("/huge-version", 402, &huge_version)
        .start();
    let (env, pw) = Env::with_payer();

    let out = env.run(&["inspect", &server.url("/endless"), "-m", "120"]);
    assert_eq!(out.status.code(), Some(0), "{}", both(&out));
    assert!(
        support::stdout(&out).starts_with("no payment needed: "),
        "{}",
        both(&out)
    );

    let out = env.run(&["inspect", &server.url("/many"), "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", both(&out));
    let data = support::json_data(&out);
    assert_eq!(data["options"].as_array().unwrap().len(), 64);
    let departures = data["departures"].as_array().unwrap();
    assert!(
        departures.iter().any(|d| d["option"].is_null()
            && d["field"] == "accepts"
            && d["message"] == "has 200 options; only the first 64 are read"),
        "{departures:?}"
    );
    let out = env.run(&["get", &server.url("/many"), "--dry-run"]);
    assert_eq!(out.status.code(), Some(0), "{}", both(&out));
    assert!(support::stderr(&out).contains("only the first 64 are read"));

    // No error line grows with the input.
    let out = env.pay(&pw, &server.url("/long-reason"), &[]);
    assert_eq!(out.status.code(), Some(114), "{}", both(&out));
    let err = support::stderr(&out);
    assert!(err.len() < 8_000, "{} bytes of stderr", err.len());
    assert!(err.contains("more characters]"), "{err}");
    let out = env.run(&["inspect", &server.url("/huge-version")]);
    assert_eq!(out.status.code(), Some(8), "{}", both(&out));
    let err = support::stderr(&out);
    assert!(err.len() < 2_000, "{err}");
    assert!(err.contains("unsupported x402Version"), "{err}");
}

#[test]
fn the_journal_and_keystores_are_not_opened_through_a_symbolic_link() {
    let server = Verifier::builder().paid("/paid", Offer::v2()).start();
    let (env, pw) = Env::with_payer();

    // A journal that is a link: refused before anything is signed; the file it names is
    // untouched.
    let elsewhere = env.path("elsewhere.jsonl");
    std::fs::write(&elsewhere, "").unwrap();
    std::os::unix::fs::symlink(&elsewhere, journal(&env)).unwrap();
    let out = env.pay(&pw, &server.url("/paid"), &[]);
    assert_ne!(out.status.code(), Some(0), "{}", both(&out));
    let err = support::stderr(&out);
    assert!(err.contains("symbolic link"), "{err}");
    assert_eq!(server.payment_headers(), 0);
    assert_eq!(std::fs::read_to_string(&elsewhere).unwrap(), "");
    std::fs::remove_file(journal(&env)).unwrap();

    // A keystore that is a link.
    let keystore = env.keystores().join("payer");
    let moved = env.path("payer.json");
    std::fs::rename(&keystore, &moved).unwrap();
    std::os::unix::fs::symlink(&moved, &keystore).unwrap();
    let out = env.pay(&pw, &server.url("/paid"), &[]);
    assert_eq!(out.status.code(), Some(116), "{}", both(&out));
    assert!(
        support::stderr(&out).contains("symbolic link"),
        "{}",
        both(&out)
    );
    assert_eq!(server.payment_headers(), 0);
}

#[test]
fn no_output_overwrites_the_journal_a_keystore_or_config_toml() {
    let server = Verifier::builder()
        .paid("/paid", Offer::v2())
        .plain("/free", 200, r#"{"free":true}"#)
        .start();
    let (env, pw) = Env::with_payer();
    let out = env.pay(&pw, &server.url("/paid"), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", both(&out));
    let journal = journal(&env);
    let keystore = env.keystores().join("payer");
    let config = env.x402_home().join("config.toml");
    let soft = env.path("journal-link");
    std::os::unix::fs::symlink(&journal, &soft).unwrap();
    let hard = env.path("journal-hard");
    std::fs::hard_link(&journal, &hard).unwrap();
    let outside = env.path("keystore.json");
    std::fs::copy(&keystore, &outside).unwrap();
    let before: Vec<Vec<u8>> = [&journal, &keystore, &config, &outside]
        .iter()
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    let requests = server.requests().len();

    let free = server.url("/free");
    for (flag, path) in [
        ("-o", &journal),
        ("-o", &soft),
        ("--receipt", &hard),
        ("-o", &config),
        ("--receipt", &keystore),
        ("-o", &env.x402_home().join("keystores/../journal.jsonl")),
    ] {
        let out = env.run(&["get", &free, flag, path.to_str().unwrap()]);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{flag} {path:?}: {}",
            both(&out)
        );
        assert!(
            support::stderr(&out).contains("refusing to overwrite it"),
            "{}",
            both(&out)
        );
    }
    // A --keystore file, and --save-terms even with --force.
    let out = env.run(&[
        "get",
        &free,
        "--keystore",
        outside.to_str().unwrap(),
        "-o",
        outside.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", both(&out));
    let out = env.run(&[
        "inspect",
        &server.url("/paid"),
        "--save-terms",
        journal.to_str().unwrap(),
        "--force",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", both(&out));

    assert_eq!(server.requests().len(), requests, "nothing was sent");
    let after: Vec<Vec<u8>> = [&journal, &keystore, &config, &outside]
        .iter()
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    assert_eq!(before, after);
    // Any other file is written as before.
    let out = env.run(&["get", &free, "-o", env.path("body.json").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", both(&out));
}

/// `-o` through a link another user planted in a sticky world-writable directory (/tmp's
/// shape): with `fs.protected_symlinks`, open(2) refuses to follow it, so curl cannot write
/// there, and neither may `x402` by resolving the link and renaming over the file it names.
/// Making such a link needs root (to give it and its directory other owners) and the kernel
/// setting; elsewhere the test says why it did not run.
#[test]
#[allow(
    clippy::print_stderr,
    reason = "says why the test did not run where it cannot"
)]
fn output_through_a_link_is_no_more_permissive_than_open() {
    use std::os::unix::fs::MetadataExt;
    let root = std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0);
    let protected =
        std::fs::read_to_string("/proc/sys/fs/protected_symlinks").is_ok_and(|v| v.trim() == "1");
    if !(root && protected) {
        eprintln!(
            "skipped: needs root and fs.protected_symlinks = 1 (root: {root}, protected: \
             {protected})"
        );
        return;
    }
    let server = Verifier::builder()
        .plain("/free", 200, r#"{"free":true}"#)
        .start();
    let env = Env::new();
    let sticky = env.path("sticky");
    std::fs::create_dir(&sticky).unwrap();
    chmod(&sticky, 0o1777);
    std::os::unix::fs::chown(&sticky, Some(65534), Some(65534)).unwrap();
    let victim = env.path("victim");
    std::fs::write(&victim, "precious").unwrap();
    let link = sticky.join("out");
    std::os::unix::fs::symlink(&victim, &link).unwrap();
    std::os::unix::fs::lchown(&link, Some(65533), Some(65533)).unwrap();
    let out = env.run(&["get", &server.url("/free"), "-o", link.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(23), "{}", both(&out));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
}

#[test]
fn files_other_users_can_write_are_refused_before_anything_is_signed() {
    let server = Verifier::builder().paid("/paid", Offer::v2()).start();

    // config.toml: whoever can write it can raise the caps.
    for mode in [0o666, 0o664] {
        let (env, pw) = Env::with_payer();
        let config = env.x402_home().join("config.toml");
        chmod(&config, mode);
        let out = env.pay(&pw, &server.url("/paid"), &[]);
        assert_eq!(out.status.code(), Some(2), "{}", both(&out));
        let err = support::stderr(&out);
        assert!(
            err.contains("other users can change this file") && err.contains("spending caps"),
            "{err}"
        );
        assert_eq!(server.requests().len(), 0, "nothing was sent");
        chmod(&config, 0o644);
    }

    // A keystore directory other users can write.
    let (env, pw) = Env::with_payer();
    chmod(&env.keystores(), 0o777);
    let out = env.pay(&pw, &server.url("/paid"), &[]);
    assert_eq!(out.status.code(), Some(116), "{}", both(&out));
    assert!(
        support::stderr(&out).contains("other users can change its directory"),
        "{}",
        both(&out)
    );
    assert_eq!(server.payment_headers(), 0);
    chmod(&env.keystores(), 0o700);

    // The home: warned about loudly, on every command.
    chmod(&env.x402_home(), 0o777);
    let out = env.run(&["wallet", "list"]);
    assert_eq!(out.status.code(), Some(0), "{}", both(&out));
    assert!(
        support::stderr(&out).contains("x402: warning: OTHER USERS CAN CHANGE"),
        "{}",
        both(&out)
    );
    chmod(&env.x402_home(), 0o755);

    // A password file others can read: a warning, as for a keystore.
    chmod(&pw, 0o644);
    let out = env.pay(&pw, &server.url("/paid"), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", both(&out));
    let err = support::stderr(&out);
    assert!(
        err.contains(&format!(
            "x402: warning: the password file {} can be read by other users",
            pw.display()
        )),
        "{err}"
    );
    assert_eq!(server.payment_headers(), 1);
}

#[test]
fn numbers_out_of_range_are_usage_errors_never_a_panic() {
    let server = Verifier::builder().plain("/free", 200, "{}").start();
    let env = Env::new();
    let free = server.url("/free");
    let mut cases: Vec<Vec<String>> = Vec::new();
    let owned = |args: &[&str]| args.iter().map(|a| a.to_string()).collect::<Vec<_>>();
    for flag in ["--max-time", "--connect-timeout"] {
        for value in ["1e300", "-1", "NaN", "inf", "0", "1e10", "soon"] {
            // `--flag=-1`, so that clap does not take a negative value for a flag.
            let given = format!("{flag}={value}");
            cases.push(owned(&["get", &free, &given]));
            cases.push(owned(&["inspect", &free, &given]));
        }
    }
    cases.push(owned(&["get", &free, "-m", "1e300"]));
    for value in ["1e300", "-5", "NaN"] {
        let given = format!("--timeout={value}");
        cases.push(owned(&[
            "wallet",
            "balance",
            "--address",
            ANVIL1_ADDRESS,
            &given,
        ]));
        cases.push(owned(&["history", "check", &given]));
    }
    for args in &cases {
        let out = env.x402().args(args).output().unwrap();
        let err = support::stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
        assert!(err.starts_with("error: invalid value"), "{args:?}: {err}");
    }
    assert_eq!(server.requests().len(), 0, "nothing was sent");
    // In range, the flags work.
    let out = env.run(&["get", &free, "-m", "30", "--connect-timeout", "0.5"]);
    assert_eq!(out.status.code(), Some(0), "{}", both(&out));
}
