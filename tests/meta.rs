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

/// Every command path (`["wallet", "new"]`), from the same clap definition the binary uses.
fn command_paths() -> Vec<Vec<String>> {
    fn walk(cmd: &clap::Command, path: Vec<String>, out: &mut Vec<Vec<String>>) {
        out.push(path.clone());
        for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
            let mut p = path.clone();
            p.push(sub.get_name().to_string());
            walk(sub, p, out);
        }
    }
    let mut out = Vec::new();
    walk(
        &<x402::cli::Cli as clap::CommandFactory>::command(),
        vec![],
        &mut out,
    );
    out
}

/// The `--help` of every command, as snapshots (tests/snapshots/): a change of wording shows
/// in review. One style everywhere: `-h` is the same text as `--help` (no command switches to
/// the long format), env variables are named without a value (`[env: X402_CONFIG]`), and the
/// options are grouped under the same headings in the same order.
#[test]
fn help_of_every_command() {
    let env = Env::new();
    let headings = ["Request:", "Payment:", "Account:", "Output:"];
    let paths = command_paths();
    assert!(paths.len() > 10, "{paths:?}");
    for path in paths {
        let help = |flag: &str| {
            let out = env.x402().args(&path).arg(flag).output().unwrap();
            assert!(out.status.success(), "{path:?} {flag}");
            support::stdout(&out)
        };
        let long = help("--help");
        assert_eq!(help("-h"), long, "{path:?}: -h and --help differ");
        assert!(!long.contains("=]"), "{path:?}: an env value shown: {long}");
        assert!(!long.contains("see more with"), "{path:?}: {long}");
        let order: Vec<usize> = long
            .lines()
            .filter_map(|l| headings.iter().position(|h| l == *h))
            .collect();
        assert!(
            order.windows(2).all(|w| w[0] < w[1]),
            "{path:?}: headings out of order: {long}"
        );
        let name = if path.is_empty() {
            "help".to_string()
        } else {
            format!("help_{}", path.join("_"))
        };
        insta::assert_snapshot!(name, long);
    }
}

#[test]
fn committed_man_pages_are_up_to_date() {
    let dir = tempfile::tempdir().unwrap();
    clap_mangen::generate_to(
        <x402::cli::Cli as clap::CommandFactory>::command(),
        dir.path(),
    )
    .unwrap();
    let names = |d: &std::path::Path| {
        let mut v: Vec<String> = std::fs::read_dir(d)
            .map(|r| {
                r.filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        v.sort();
        v
    };
    let committed = support::root().join("man");
    let fresh = names(dir.path());
    assert!(fresh.contains(&"x402.1".to_string()), "{fresh:?}");
    assert!(fresh.contains(&"x402-networks.1".to_string()), "{fresh:?}");
    let stale = "run `cargo run --example man` to regenerate man/";
    assert_eq!(names(&committed), fresh, "{stale}");
    for name in fresh {
        assert!(
            std::fs::read(committed.join(&name)).unwrap()
                == std::fs::read(dir.path().join(&name)).unwrap(),
            "man/{name} is stale: {stale}"
        );
    }
    // The page is real roff that man(1) can render, when man is installed.
    let rendered = std::process::Command::new("man")
        .arg("-l")
        .arg(committed.join("x402-get.1"))
        .env("MANPAGER", "cat")
        .env("MANWIDTH", "100")
        .output();
    if let Ok(out) = rendered
        && out.status.success()
    {
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("max-amount"), "{text}");
    }
}

/// `--color`, `NO_COLOR`, `CLICOLOR_FORCE` and `FORCE_COLOR`: colour goes to stderr only (the
/// warning and error prefixes), never into stdout's result.
#[test]
fn colour_on_stderr_only_when_asked() {
    use std::os::unix::fs::PermissionsExt;
    const ESC: &str = "\u{1b}[";
    let env = Env::new();
    let address = env.import_key("alice", support::ANVIL0_KEY);
    // A keystore others can read: `wallet list` warns on stderr and lists on stdout.
    std::fs::set_permissions(
        env.keystores().join("alice"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    let list = |args: &[&str], vars: &[(&str, &str)]| {
        let mut cmd = env.x402();
        cmd.env_remove("NO_COLOR")
            .args(["wallet", "list"])
            .args(args);
        for (k, v) in vars {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", support::stderr(&out));
        let stdout = support::stdout(&out);
        assert!(
            stdout.starts_with(&format!("alice  {address}")) && !stdout.contains(ESC),
            "{stdout:?}"
        );
        let stderr = support::stderr(&out);
        assert!(stderr.contains("can be read by other users"), "{stderr:?}");
        stderr.contains(ESC)
    };
    // --color decides, whatever the environment says.
    assert!(list(&["--color", "always"], &[]));
    assert!(list(&["--color", "always"], &[("NO_COLOR", "1")]));
    assert!(!list(
        &["--color", "never"],
        &[("CLICOLOR_FORCE", "1"), ("FORCE_COLOR", "1")]
    ));
    // Off a terminal, auto means none unless forced.
    assert!(!list(&[], &[]));
    assert!(!list(&["--color", "auto"], &[]));
    assert!(list(&[], &[("CLICOLOR_FORCE", "1")]));
    assert!(list(&[], &[("FORCE_COLOR", "1")]));
    assert!(!list(&[], &[("CLICOLOR_FORCE", "0")]));
    // NO_COLOR, with any value but the empty one, wins over forcing.
    assert!(!list(&[], &[("NO_COLOR", "1"), ("CLICOLOR_FORCE", "1")]));
    assert!(!list(&[], &[("NO_COLOR", "0"), ("FORCE_COLOR", "1")]));
    assert!(list(&[], &[("NO_COLOR", ""), ("CLICOLOR_FORCE", "1")]));
    // The exact form: a bold yellow warning prefix.
    let out = env
        .x402()
        .args(["wallet", "list", "--color", "always"])
        .output()
        .unwrap();
    assert!(
        support::stderr(&out).starts_with("\u{1b}[1;33mx402: warning:\u{1b}[0m "),
        "{:?}",
        support::stderr(&out)
    );
    // An error in red, and a --json document on stdout stays plain.
    let out = env
        .x402()
        .args(["wallet", "address", "nobody", "--json", "--color", "always"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(116));
    assert!(
        support::stderr(&out).starts_with("\u{1b}[1;31mx402: error:\u{1b}[0m no account named"),
        "{:?}",
        support::stderr(&out)
    );
    assert!(!support::stdout(&out).contains(ESC));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["errors"][0]["code"], 116);
}

/// At a terminal, auto colours stderr, unless NO_COLOR is set or the terminal is dumb.
#[test]
fn colour_at_a_terminal() {
    let env = Env::new();
    let at_terminal = |configure: &dyn Fn(&mut std::process::Command)| {
        let t = env.terminal(&["wallet", "address", "nobody"], |c| configure(c));
        let (code, shown) = t.finish();
        assert_eq!(code, Some(116), "{shown}");
        assert!(shown.contains("x402: error:"), "{shown}");
        shown.contains("\u{1b}[")
    };
    assert!(at_terminal(&|c| {
        c.env_remove("NO_COLOR").env("TERM", "xterm-256color");
    }));
    assert!(!at_terminal(&|c| {
        c.env("NO_COLOR", "1").env("TERM", "xterm-256color");
    }));
    assert!(!at_terminal(&|c| {
        c.env_remove("NO_COLOR").env("TERM", "dumb");
    }));
    assert!(!at_terminal(&|c| {
        c.env_remove("NO_COLOR")
            .env("TERM", "xterm-256color")
            .args(["--color", "never"]);
    }));
}

/// Every `x402 …` command in README's "First payment in five minutes" is one the tool
/// accepts, so the walkthrough cannot drift from the command line.
#[test]
fn the_readme_walkthrough_uses_real_commands() {
    let readme = std::fs::read_to_string(support::root().join("README.md")).unwrap();
    let section = readme
        .split("## First payment in five minutes")
        .nth(1)
        .expect("README.md has the walkthrough")
        .split("\n## ")
        .next()
        .unwrap();
    let commands: Vec<Vec<&str>> = section
        .lines()
        .map(|l| l.trim_start_matches('#').trim())
        .filter(|l| l.starts_with("x402 "))
        .map(|l| {
            let l = l.split("  #").next().unwrap();
            l.split_whitespace().collect()
        })
        .collect();
    assert!(commands.len() >= 8, "{commands:?}");
    for argv in &commands {
        assert!(
            x402::cli::Cli::try_parse_ordered_from(argv).is_ok(),
            "README walkthrough: `{}` is not a valid command",
            argv.join(" ")
        );
    }
}
