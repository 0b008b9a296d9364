//! The local x402 network (tests/localnet): started once per test binary, on first use, and
//! stopped when the test process exits (the supervisor ends everything when its stdin closes).

use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, MutexGuard, OnceLock};

pub struct Localnet {
    pub state: Value,
    _supervisor: Mutex<Child>,
}

static NET: OnceLock<Localnet> = OnceLock::new();
/// Tests that move money or read balances that others change take this lock.
static CHAIN: Mutex<()> = Mutex::new(());

pub fn get() -> &'static Localnet {
    NET.get_or_init(start)
}

/// Serialises tests that assert on-chain balance changes.
pub fn chain_lock() -> MutexGuard<'static, ()> {
    CHAIN.lock().unwrap_or_else(|e| e.into_inner())
}

fn start() -> Localnet {
    let script = super::root().join("tests/localnet/start.mjs");
    let mut child = Command::new("node")
        .arg(&script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("node tests/localnet/start.mjs (run tests/localnet/install.sh first)");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .expect("localnet state line");
    let state: Value = serde_json::from_str(line.trim())
        .unwrap_or_else(|e| panic!("localnet did not start ({e}): {line:?}"));
    Localnet {
        state,
        _supervisor: Mutex::new(child),
    }
}

impl Localnet {
    pub fn s(&self, pointer: &str) -> String {
        self.state
            .pointer(pointer)
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("localnet state has no {pointer}"))
            .to_string()
    }

    pub fn rpc(&self, chain: &str) -> String {
        self.s(&format!("/chains/{chain}/rpcUrl"))
    }

    pub fn account(&self, role: &str) -> (String, String) {
        (
            self.s(&format!("/accounts/{role}/address")),
            self.s(&format!("/accounts/{role}/privateKey")),
        )
    }

    /// ERC-20 balance read with Foundry's `cast`, independently of x402.
    pub fn token_balance(&self, chain: &str, token: &str, owner: &str) -> u128 {
        let out = Command::new(super::foundry_bin("cast"))
            .args([
                "call",
                token,
                "balanceOf(address)(uint256)",
                owner,
                "--rpc-url",
            ])
            .arg(self.rpc(chain))
            .output()
            .unwrap();
        assert!(out.status.success(), "cast call: {}", super::stderr(&out));
        parse_cast_number(&super::stdout(&out))
    }

    pub fn native_balance(&self, chain: &str, owner: &str) -> u128 {
        let out = Command::new(super::foundry_bin("cast"))
            .args(["balance", owner, "--rpc-url"])
            .arg(self.rpc(chain))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "cast balance: {}",
            super::stderr(&out)
        );
        parse_cast_number(&super::stdout(&out))
    }
}

/// cast prints `1000000000 [1e9]`: the first word is the number.
fn parse_cast_number(s: &str) -> u128 {
    s.split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("not a number from cast: {s:?}"))
}
