//! The command line as a whole: help, version, completions kept fresh.

use crate::support::{self, Env};

#[test]
fn version_and_help() {
    let env = Env::new();
    env.x402()
        .arg("--version")
        .assert()
        .success()
        .stdout(format!("x402 {}\n", env!("CARGO_PKG_VERSION")));
    let out = env.x402().arg("--help").output().unwrap();
    assert!(out.status.success());
    for word in ["wallet", "completions", "--color"] {
        assert!(support::stdout(&out).contains(word), "{word}");
    }
    // A usage error is exit 2 with clap's message on stderr.
    env.x402().arg("--no-such-flag").assert().code(2);
    env.x402().args(["wallet", "import"]).assert().code(2);
}

#[test]
fn committed_completions_are_up_to_date() {
    let env = Env::new();
    for (shell, file) in [
        ("bash", "x402.bash"),
        ("zsh", "_x402"),
        ("fish", "x402.fish"),
        ("powershell", "_x402.ps1"),
        ("elvish", "x402.elv"),
    ] {
        let out = env.x402().args(["completions", shell]).output().unwrap();
        assert!(out.status.success());
        let committed =
            std::fs::read(support::root().join("completions").join(file)).unwrap_or_default();
        assert!(
            committed == out.stdout,
            "completions/{file} is stale: run `cargo run -q -- completions {shell} > completions/{file}`"
        );
    }
}
