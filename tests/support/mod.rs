//! Test support: an isolated environment per test and helpers to run the binary.

#![allow(dead_code, reason = "each test module uses a different part")]

pub mod localnet;
pub mod pty;
pub mod relay;
pub mod verifier;

use assert_cmd::Command;
use std::path::{Path, PathBuf};
use std::process::Output;
use tempfile::TempDir;

/// Anvil's first well-known key and its address (mnemonic "test … junk", index 0).
pub const ANVIL0_KEY: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
pub const ANVIL0_ADDRESS: &str = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
/// Anvil's second well-known key (index 1) and its address: the payer of the engine tests.
pub const ANVIL1_KEY: &str = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
pub const ANVIL1_ADDRESS: &str = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
pub const TEST_MNEMONIC: &str = "test test test test test test test test test test test junk";

/// A fresh HOME and X402_HOME, removed when dropped.
pub struct Env {
    dir: TempDir,
}

impl Env {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(dir.path().join("home")).unwrap();
        Self { dir }
    }

    pub fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    pub fn x402_home(&self) -> PathBuf {
        self.dir.path().join("x402")
    }

    pub fn keystores(&self) -> PathBuf {
        self.x402_home().join("keystores")
    }

    pub fn foundry_keystores(&self) -> PathBuf {
        self.home().join(".foundry").join("keystores")
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// A file holding `password` on its first line, readable by its owner only (as a password
    /// file should be: one other users can read is warned about).
    pub fn password_file(&self, password: &str) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let p = self.dir.path().join(format!("pw-{}", password.len()));
        std::fs::write(&p, format!("{password}\n")).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
        p
    }

    pub fn write_config(&self, text: &str) {
        std::fs::create_dir_all(self.x402_home()).unwrap();
        std::fs::write(self.x402_home().join("config.toml"), text).unwrap();
    }

    /// The `x402` binary with only this environment's variables.
    pub fn x402(&self) -> Command {
        Command::from_std(self.x402_std())
    }

    /// The same as a `std::process::Command`, for what assert_cmd does not expose (stdout
    /// redirected to a file).
    pub fn x402_std(&self) -> std::process::Command {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_x402"));
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.home())
            .env("X402_HOME", self.x402_home())
            .env("NO_COLOR", "1")
            .env("RUST_BACKTRACE", "0")
            .current_dir(self.dir.path());
        cmd
    }

    /// A fresh environment whose default account "payer" is anvil's key #1, and the file of
    /// its password "pw".
    pub fn with_payer() -> (Self, PathBuf) {
        let env = Self::new();
        assert_eq!(env.import_key("payer", ANVIL1_KEY), ANVIL1_ADDRESS);
        env.write_config("default_account = \"payer\"\n");
        let pw = env.password_file("pw");
        (env, pw)
    }

    /// `x402 ARGS`, run to its end with an empty stdin.
    pub fn run(&self, args: &[&str]) -> Output {
        self.x402().args(args).output().unwrap()
    }

    /// `x402 ARGS --password-file PW`, run to its end with an empty stdin.
    pub fn run_pw(&self, args: &[&str], pw: &Path) -> Output {
        self.x402()
            .args(args)
            .arg("--password-file")
            .arg(pw)
            .output()
            .unwrap()
    }

    /// `x402 get URL --yes --password-file PW EXTRA…`: a payment without a question.
    pub fn pay(&self, pw: &Path, url: &str, extra: &[&str]) -> Output {
        self.x402()
            .args(["get", url, "--yes", "--password-file"])
            .arg(pw)
            .args(extra)
            .output()
            .unwrap()
    }

    /// `x402 wallet balance --address ADDRESS --network NETWORK --rpc-url RPC EXTRA…`: no
    /// account, the RPC URL given.
    pub fn balance_at(&self, address: &str, network: &str, rpc: &str, extra: &[&str]) -> Output {
        self.x402()
            .args([
                "wallet",
                "balance",
                "--address",
                address,
                "--network",
                network,
            ])
            .args(["--rpc-url", rpc])
            .args(extra)
            .output()
            .unwrap()
    }

    /// `x402 history --json FILTERS…`, checked to succeed: its `data` (`payments`, `totals`, …).
    #[track_caller]
    pub fn history(&self, filters: &[&str]) -> serde_json::Value {
        let out = self
            .x402()
            .args(["history", "--json"])
            .args(filters)
            .output()
            .unwrap();
        assert_exit(&out, 0);
        json_data(&out)
    }

    /// Imports `key` as account `name` with password "pw".
    pub fn import_key(&self, name: &str, key: &str) -> String {
        let pw = self.password_file("pw");
        let out = self
            .x402()
            .args(["wallet", "import", name, "--password-file"])
            .arg(&pw)
            .write_stdin(key)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        String::from_utf8(out).unwrap().trim().to_string()
    }
}

/// The repository root.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A binary installed by `tests/localnet/install.sh` (anvil, cast).
pub fn foundry_bin(name: &str) -> PathBuf {
    let p = root()
        .join("tests/localnet/node_modules/@foundry-rs")
        .join(format!("{name}-linux-amd64/bin/{name}"));
    assert!(
        p.exists(),
        "{} is missing: run tests/localnet/install.sh first",
        p.display()
    );
    p
}

/// An address on 127.0.0.1 where nothing listens (bound, then closed at once): a connection
/// to it is refused.
pub fn closed_addr() -> std::net::SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
}

pub fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Parses a `--json` document and checks its envelope.
pub fn json_data(out: &std::process::Output) -> serde_json::Value {
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}): {}", stdout(out)));
    assert_eq!(doc["schema_version"], 2);
    doc["data"].clone()
}

/// Asserts the exit code, showing stderr when it is another.
#[track_caller]
pub fn assert_exit(out: &Output, code: i32) {
    assert_eq!(out.status.code(), Some(code), "stderr: {}", stderr(out));
}

/// Asserts the exit code and that stderr holds exactly one `x402: error:` line; returns it.
#[track_caller]
pub fn error_line(out: &Output, code: i32) -> String {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(code), "stderr: {err}");
    let lines: Vec<&str> = err
        .lines()
        .filter(|l| l.starts_with("x402: error: "))
        .collect();
    assert_eq!(lines.len(), 1, "one error line expected: {err}");
    lines[0].to_string()
}
