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

/// The local Solana chain (`state.solana`, tests/localnet/svm/): LiteSVM posing as devnet
/// (`solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1`) behind JSON-RPC, with the USDC-like mint at devnet's
/// USDC address. Reads go straight to that RPC, independently of x402.
impl Localnet {
    pub fn solana_rpc(&self) -> String {
        self.s("/solana/rpcUrl")
    }

    /// A genesis role's address and secret key (base58 of 64 bytes, as Phantom exports it):
    /// `payer`, `payer2`, `poorPayer` (token account, no USDC), `payee`, `payeeNoAta`,
    /// `facilitator` (the fee payer). `/solana/accounts/<role>/secretKeyBytes` is the JSON array.
    pub fn solana_account(&self, role: &str) -> (String, String) {
        (
            self.s(&format!("/solana/accounts/{role}/address")),
            self.s(&format!("/solana/accounts/{role}/secretKey")),
        )
    }

    /// The role's associated token account of the USDC mint (it may not exist: `payeeNoAta`);
    /// `/solana/accounts/<role>/token2022Ata` is the one of the Token-2022 mint.
    pub fn solana_ata(&self, role: &str) -> String {
        self.s(&format!("/solana/accounts/{role}/ata"))
    }

    /// URL of a Solana route of the v2 server: `cheap`, `expensive`, `echo` (POST), `noAta` (payee
    /// without a token account), `token2022` (the Token-2022 mint T22), `mixed` (EVM then Solana).
    pub fn solana_route(&self, name: &str) -> String {
        format!(
            "{}{}",
            self.s("/v2/serverUrl"),
            self.s(&format!("/solana/routes/{name}/path"))
        )
    }

    /// One JSON-RPC call to the local Solana chain: `Ok(result)` or `Err(error object)`.
    /// Test-only methods: `localnet_setTokenBalance [owner, amount]`, `localnet_setBalance
    /// [address, lamports]`, `localnet_deleteAta [owner]`, `localnet_expireBlockhash []`,
    /// `localnet_advanceBlocks [n]` (tests/localnet/README.md).
    pub fn solana_try_call(&self, method: &str, params: Value) -> Result<Value, Value> {
        let body =
            serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
        let reply = http_post_json(&self.solana_rpc(), &body.to_string());
        let mut v: Value = serde_json::from_str(&reply)
            .unwrap_or_else(|e| panic!("{method}: not JSON ({e}): {reply:?}"));
        match v.get_mut("error") {
            Some(err) => Err(err.take()),
            None => Ok(v.get_mut("result").map(Value::take).unwrap_or(Value::Null)),
        }
    }

    pub fn solana_call(&self, method: &str, params: Value) -> Value {
        self.solana_try_call(method, params)
            .unwrap_or_else(|e| panic!("{method}: JSON-RPC error {e}"))
    }

    /// Token balance of a token account in base units; `None` when the account does not exist.
    pub fn solana_token_balance(&self, token_account: &str) -> Option<u64> {
        let info = self.solana_call(
            "getAccountInfo",
            serde_json::json!([token_account, {"encoding": "base64"}]),
        );
        if info["value"].is_null() {
            return None;
        }
        let bal = self.solana_call("getTokenAccountBalance", serde_json::json!([token_account]));
        Some(
            bal["value"]["amount"]
                .as_str()
                .and_then(|a| a.parse().ok())
                .unwrap_or_else(|| panic!("getTokenAccountBalance: {bal}")),
        )
    }

    /// SOL balance in lamports.
    pub fn solana_lamports(&self, address: &str) -> u64 {
        let bal = self.solana_call("getBalance", serde_json::json!([address]));
        bal["value"]
            .as_u64()
            .unwrap_or_else(|| panic!("getBalance: {bal}"))
    }

    /// The transaction the official `@x402/svm` client builds (base64), for the inputs of
    /// tests/localnet/svm/official-tx.mjs: `secretKey`, `payTo`, `mint`, `amount`, `decimals`,
    /// `feePayer`, `blockhash`, `memo`, `tokenProgram` (optional `x402Version`, `network`).
    pub fn solana_official_tx(&self, input: &Value) -> String {
        official_solana_tx(input)
    }
}

/// See [`Localnet::solana_official_tx`]; needs no running network.
pub fn official_solana_tx(input: &Value) -> String {
    let mut txs = official_solana_txs(std::slice::from_ref(input));
    assert_eq!(txs.len(), 1);
    txs.remove(0)
}

/// The official client's transactions for many inputs in one node start-up, in order.
pub fn official_solana_txs(inputs: &[Value]) -> Vec<String> {
    use std::io::Write;
    let mut child = Command::new("node")
        .arg(super::root().join("tests/localnet/svm/official-tx.mjs"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node tests/localnet/svm/official-tx.mjs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(Value::Array(inputs.to_vec()).to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "official-tx.mjs: {}",
        super::stderr(&out)
    );
    let txs: Vec<String> = super::stdout(&out).lines().map(str::to_string).collect();
    assert_eq!(txs.len(), inputs.len(), "one transaction per input");
    txs
}

/// POST of a JSON body to an `http://127.0.0.1:PORT` URL; returns the response body.
fn http_post_json(url: &str, body: &str) -> String {
    use std::io::{Read, Write};
    let authority = url
        .strip_prefix("http://")
        .and_then(|r| r.split('/').next())
        .unwrap_or_else(|| panic!("not an http:// URL: {url}"));
    let mut stream = std::net::TcpStream::connect(authority).unwrap();
    write!(
        stream,
        "POST / HTTP/1.1\r\nhost: {authority}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).unwrap();
    let (head, body) = reply
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("no HTTP response from {url}: {reply:?}"));
    assert!(head.starts_with("HTTP/1.1 200"), "{url}: {head}");
    body.to_string()
}

/// A route of the Permit2 part of the network (`state.permit2.routes.<key>`; keys `permit2Exact`,
/// `permit2Eip2612`, `permit2Erc20Approval`, `upto`, `permit2NoExtension`). All are on the chain
/// that poses as Base Sepolia and pay the `payee` account.
#[derive(Debug, Clone)]
pub struct Permit2Route {
    /// Full URL on the v2 server.
    pub url: String,
    /// `exact` or `upto`.
    pub scheme: String,
    /// CAIP-2 network, `eip155:84532`.
    pub network: String,
    /// The token (EIP-55): PlainUSD or PermitUSD.
    pub asset: String,
    /// Base units asked for (for `upto`, the maximum authorised).
    pub amount: u128,
    /// `upto` only: what the server settles (less than `amount`).
    pub charged: Option<u128>,
    /// Gas-sponsoring extensions the server declares.
    pub extensions: Vec<String>,
    /// The account role the smoke test pays it with (`accounts.<role>`).
    pub payer: String,
}

impl Localnet {
    /// A Permit2 route by key (see [`Permit2Route`]).
    pub fn permit2_route(&self, key: &str) -> Permit2Route {
        let base = format!("/permit2/routes/{key}");
        let num = |p: &str| -> u128 {
            self.s(&format!("{base}/{p}"))
                .parse()
                .unwrap_or_else(|e| panic!("{base}/{p}: {e}"))
        };
        let charged = self
            .state
            .pointer(&format!("{base}/charged"))
            .map(|_| num("charged"));
        let extensions = self
            .state
            .pointer(&format!("{base}/extensions"))
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        Permit2Route {
            url: format!(
                "{}{}",
                self.s("/v2/serverUrl"),
                self.s(&format!("{base}/path"))
            ),
            scheme: self.s(&format!("{base}/scheme")),
            network: self.s(&format!("{base}/network")),
            asset: self.s(&format!("{base}/asset")),
            amount: num("amount"),
            charged,
            extensions,
            payer: self.s(&format!("{base}/payer")),
        }
    }

    /// Address of a Permit2 test token: `plain` (PlainUSD, no EIP-2612) or `permit` (PermitUSD).
    pub fn permit2_token(&self, key: &str) -> String {
        self.s(&format!("/permit2/tokens/{key}/address"))
    }

    /// The canonical Permit2 address.
    pub fn permit2_address(&self) -> String {
        self.s("/permit2/permit2")
    }

    /// ERC-20 `allowance(owner, spender)` read with Foundry's `cast`, independently of x402.
    /// Values above `u128::MAX` (such as the unlimited 2^256 − 1) read as `u128::MAX`.
    pub fn token_allowance(&self, chain: &str, token: &str, owner: &str, spender: &str) -> u128 {
        let out = Command::new(super::foundry_bin("cast"))
            .args([
                "call",
                token,
                "allowance(address,address)(uint256)",
                owner,
                spender,
                "--rpc-url",
            ])
            .arg(self.rpc(chain))
            .output()
            .unwrap();
        assert!(out.status.success(), "cast call: {}", super::stderr(&out));
        let text = super::stdout(&out);
        let word = text.split_whitespace().next().unwrap_or_default();
        if word.len() > 39
            && word.bytes().all(|b| b.is_ascii_digit())
            && word.parse::<u128>().is_err()
        {
            return u128::MAX;
        }
        parse_cast_number(&text)
    }
}

/// cast prints `1000000000 [1e9]`: the first word is the number.
fn parse_cast_number(s: &str) -> u128 {
    s.split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("not a number from cast: {s:?}"))
}
