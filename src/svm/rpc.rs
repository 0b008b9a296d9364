//! The Solana JSON-RPC reads a payment, `wallet balance` and `history check` need, over the
//! same JSON-RPC plumbing as the EVM calls ([`crate::rpc::Rpc::call`]): `getAccountInfo`
//! (mint decimals and token program, token accounts), `getLatestBlockhash`, `getBalance`,
//! `getTokenAccountBalance`, `getSignatureStatuses`, `getBlockHeight`, `isBlockhashValid`,
//! `getSignaturesForAddress` and `getTransaction` (base64, with its status meta). Parameters are
//! sent as `@x402/svm` sends them (`commitment: "confirmed"`, base64 account data).
//!
//! A missing account is `None`, never a zero; everything else the node says that does not
//! parse is an [`RpcError::BadResponse`].

use super::address::TokenProgram;
use crate::rpc::{Rpc, RpcError};
use base64::Engine as _;
use serde_json::{Value, json};
use solana_hash::Hash;
use solana_pubkey::Pubkey;

/// Size of an SPL mint's base state.
const MINT_LEN: usize = 82;
/// Size of an SPL token account's base state.
const TOKEN_ACCOUNT_LEN: usize = 165;
/// Token-2022 accounts with extensions: the base state padded to 165 bytes, then this
/// account-type byte (1 = mint, 2 = token account), then the extensions.
const ACCOUNT_TYPE_MINT: u8 = 1;
const ACCOUNT_TYPE_ACCOUNT: u8 = 2;

/// Whether `data` has the length of an SPL account of `kind`: exactly `base` bytes, or for
/// Token-2022, extended with the matching account-type byte. Guards against reading a token
/// account as a mint or the other way round.
fn is_kind(program: TokenProgram, data: &[u8], base: usize, kind: u8) -> bool {
    data.len() == base
        || (program == TokenProgram::Token2022
            && data.len() > TOKEN_ACCOUNT_LEN
            && data[TOKEN_ACCOUNT_LEN] == kind)
}

/// An account as `getAccountInfo` returns it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountInfo {
    pub owner: Pubkey,
    pub lamports: u64,
    pub data: Vec<u8>,
}

/// What a payment needs to know of a mint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mint {
    pub program: TokenProgram,
    pub decimals: u8,
}

/// An SPL token account's base state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TokenAccount {
    pub program: TokenProgram,
    pub mint: Pubkey,
    pub owner: Pubkey,
    pub amount: u64,
}

/// One entry of `getSignatureStatuses`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureStatus {
    pub slot: u64,
    /// `processed`, `confirmed` or `finalized`.
    pub confirmation_status: Option<String>,
    /// The transaction's error (`{"InstructionError": ...}`); `None` when it succeeded.
    pub err: Option<Value>,
}

/// One entry of `getSignaturesForAddress` (newest first).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureInfo {
    /// The transaction's id: its first signature (the fee payer's).
    pub signature: String,
    pub slot: u64,
    pub err: Option<Value>,
    /// The transaction's memos as the node formats them: `[LEN] TEXT`, several joined by
    /// `"; "`; `None` when it has none (or the node does not index memos).
    pub memo: Option<String>,
    /// Unix seconds of the block, when the node knows it.
    pub block_time: Option<i64>,
}

/// A token balance of `getTransaction`'s `meta.preTokenBalances` / `postTokenBalances`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenBalance {
    /// Index into the transaction's account keys.
    pub account_index: usize,
    pub mint: Pubkey,
    /// Base units (`uiTokenAmount.amount`).
    pub amount: u64,
}

/// A landed transaction as `getTransaction` returns it with base64 encoding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LandedTransaction {
    pub slot: u64,
    /// The wire transaction.
    pub bytes: Vec<u8>,
    /// `meta.err`: `None` when it succeeded.
    pub err: Option<Value>,
    /// `meta.preTokenBalances` / `postTokenBalances`; `None` when the node does not record them.
    pub pre_token_balances: Option<Vec<TokenBalance>>,
    pub post_token_balances: Option<Vec<TokenBalance>>,
}

pub struct SvmRpc<'a> {
    rpc: Rpc<'a>,
    url: &'a str,
}

impl<'a> SvmRpc<'a> {
    pub fn new(client: &'a reqwest::Client, url: &'a str) -> Self {
        Self {
            rpc: Rpc::new(client, url),
            url,
        }
    }

    pub(super) fn bad(&self, detail: impl Into<String>) -> RpcError {
        RpcError::BadResponse {
            url: self.url.to_string(),
            detail: detail.into(),
        }
    }

    fn u64_at(&self, v: &Value, what: &str) -> Result<u64, RpcError> {
        v.as_u64()
            .ok_or_else(|| self.bad(format!("{what} is not an unsigned integer: {v}")))
    }

    /// `{"context": ..., "value": X}` → X.
    async fn value(&self, method: &str, params: Value) -> Result<Value, RpcError> {
        let mut v = self.rpc.call(method, params).await?;
        match v.get_mut("value") {
            Some(value) => Ok(value.take()),
            None => Err(self.bad(format!("{method}: no 'value' in {v}"))),
        }
    }

    /// `getAccountInfo`; `None` when the account does not exist.
    pub async fn account_info(&self, key: &Pubkey) -> Result<Option<AccountInfo>, RpcError> {
        let v = self
            .value(
                "getAccountInfo",
                json!([key.to_string(), {"encoding": "base64", "commitment": "confirmed"}]),
            )
            .await?;
        if v.is_null() {
            return Ok(None);
        }
        let owner = v
            .get("owner")
            .and_then(Value::as_str)
            .and_then(|o| o.parse::<Pubkey>().ok())
            .ok_or_else(|| self.bad(format!("getAccountInfo {key}: no valid owner")))?;
        let lamports = self.u64_at(&v["lamports"], "lamports")?;
        let data = v
            .get("data")
            .and_then(|d| match d.as_array().map(Vec::as_slice) {
                Some([data, Value::String(enc)]) if enc == "base64" => data.as_str(),
                _ => None,
            })
            .and_then(|d| base64::engine::general_purpose::STANDARD.decode(d).ok())
            .ok_or_else(|| {
                self.bad(format!(
                    "getAccountInfo {key}: data is not [base64, \"base64\"]"
                ))
            })?;
        Ok(Some(AccountInfo {
            owner,
            lamports,
            data,
        }))
    }

    /// The mint's token program and decimals. A missing account, or one no token program
    /// owns, is an error: the asset of the option is not a token.
    pub async fn mint(&self, mint: &Pubkey) -> Result<Mint, RpcError> {
        let info = self
            .account_info(mint)
            .await?
            .ok_or_else(|| self.bad(format!("mint {mint} does not exist")))?;
        let program = TokenProgram::from_owner(&info.owner).ok_or_else(|| {
            self.bad(format!(
                "{mint} is owned by {}, not by a token program",
                info.owner
            ))
        })?;
        // Base state: mint authority (36), supply (8), decimals (1), is_initialized (1), ...
        if !is_kind(program, &info.data, MINT_LEN, ACCOUNT_TYPE_MINT) || info.data[45] != 1 {
            return Err(self.bad(format!("{mint} is not an initialised mint")));
        }
        Ok(Mint {
            program,
            decimals: info.data[44],
        })
    }

    /// A token account (an associated token account's balance and existence); `None` when it
    /// does not exist.
    pub async fn token_account(&self, key: &Pubkey) -> Result<Option<TokenAccount>, RpcError> {
        let Some(info) = self.account_info(key).await? else {
            return Ok(None);
        };
        let program = TokenProgram::from_owner(&info.owner).ok_or_else(|| {
            self.bad(format!(
                "{key} is owned by {}, not by a token program",
                info.owner
            ))
        })?;
        let d = &info.data;
        // Base state: mint (32), owner (32), amount (8), delegate (36), state (1), ...
        if !is_kind(program, d, TOKEN_ACCOUNT_LEN, ACCOUNT_TYPE_ACCOUNT) || d[108] == 0 {
            return Err(self.bad(format!("{key} is not an initialised token account")));
        }
        let key_at =
            |at: usize| Pubkey::new_from_array(d[at..at + 32].try_into().unwrap_or([0; 32]));
        let amount = u64::from_le_bytes(d[64..72].try_into().unwrap_or([0; 8]));
        Ok(Some(TokenAccount {
            program,
            mint: key_at(0),
            owner: key_at(32),
            amount,
        }))
    }

    /// `getLatestBlockhash`: the blockhash and the last block height it is valid at.
    pub async fn latest_blockhash(&self) -> Result<(Hash, u64), RpcError> {
        let v = self
            .value("getLatestBlockhash", json!([{"commitment": "confirmed"}]))
            .await?;
        let hash = v
            .get("blockhash")
            .and_then(Value::as_str)
            .and_then(|h| h.parse::<Hash>().ok())
            .ok_or_else(|| self.bad(format!("getLatestBlockhash: no valid blockhash in {v}")))?;
        let last_valid = self.u64_at(&v["lastValidBlockHeight"], "lastValidBlockHeight")?;
        Ok((hash, last_valid))
    }

    /// `getBalance`, in lamports.
    pub async fn balance(&self, key: &Pubkey) -> Result<u64, RpcError> {
        let v = self
            .value(
                "getBalance",
                json!([key.to_string(), {"commitment": "confirmed"}]),
            )
            .await?;
        self.u64_at(&v, "getBalance")
    }

    /// `getTokenAccountBalance`, in base units. The node answers a missing account with an
    /// error, which is returned as such: use [`SvmRpc::token_account`] to tell "absent" apart.
    pub async fn token_account_balance(&self, key: &Pubkey) -> Result<u64, RpcError> {
        let v = self
            .value(
                "getTokenAccountBalance",
                json!([key.to_string(), {"commitment": "confirmed"}]),
            )
            .await?;
        v.get("amount")
            .and_then(Value::as_str)
            .and_then(|a| a.parse::<u64>().ok())
            .ok_or_else(|| self.bad(format!("getTokenAccountBalance: no amount in {v}")))
    }

    /// `getSignatureStatuses` (with the transaction history searched): one entry per
    /// signature, `None` for a transaction the node does not know.
    pub async fn signature_statuses(
        &self,
        signatures: &[&str],
    ) -> Result<Vec<Option<SignatureStatus>>, RpcError> {
        let v = self
            .value(
                "getSignatureStatuses",
                json!([signatures, {"searchTransactionHistory": true}]),
            )
            .await?;
        let list = v
            .as_array()
            .filter(|l| l.len() == signatures.len())
            .ok_or_else(|| {
                self.bad(format!(
                    "getSignatureStatuses: expected {} entries, got {v}",
                    signatures.len()
                ))
            })?;
        list.iter()
            .map(|s| {
                if s.is_null() {
                    return Ok(None);
                }
                Ok(Some(SignatureStatus {
                    slot: self.u64_at(&s["slot"], "slot")?,
                    confirmation_status: s
                        .get("confirmationStatus")
                        .and_then(Value::as_str)
                        .map(str::to_string),
                    err: s.get("err").filter(|e| !e.is_null()).cloned(),
                }))
            })
            .collect()
    }

    /// `isBlockhashValid`: whether a transaction bound to `blockhash` can still land.
    pub async fn is_blockhash_valid(&self, blockhash: &Hash) -> Result<bool, RpcError> {
        let v = self
            .value(
                "isBlockhashValid",
                json!([blockhash.to_string(), {"commitment": "confirmed"}]),
            )
            .await?;
        v.as_bool()
            .ok_or_else(|| self.bad(format!("isBlockhashValid: not a boolean: {v}")))
    }

    /// `getSignaturesForAddress`: up to `limit` (at most 1000) transactions that list `address`,
    /// newest first, starting before the transaction `before` when given.
    pub async fn signatures_for_address(
        &self,
        address: &Pubkey,
        before: Option<&str>,
        limit: usize,
    ) -> Result<Vec<SignatureInfo>, RpcError> {
        let mut config = json!({"commitment": "confirmed", "limit": limit});
        if let Some(before) = before {
            config["before"] = json!(before);
        }
        let v = self
            .rpc
            .call(
                "getSignaturesForAddress",
                json!([address.to_string(), config]),
            )
            .await?;
        let list = v.as_array().filter(|l| l.len() <= limit).ok_or_else(|| {
            self.bad(format!(
                "getSignaturesForAddress: not a list of at most {limit}: {v}"
            ))
        })?;
        list.iter()
            .map(|e| {
                let text = |key: &str| e.get(key).and_then(Value::as_str).map(str::to_string);
                Ok(SignatureInfo {
                    signature: text("signature").ok_or_else(|| {
                        self.bad(format!("getSignaturesForAddress: no signature in {e}"))
                    })?,
                    slot: self.u64_at(&e["slot"], "slot")?,
                    err: e.get("err").filter(|x| !x.is_null()).cloned(),
                    memo: text("memo"),
                    block_time: e.get("blockTime").and_then(Value::as_i64),
                })
            })
            .collect()
    }

    /// `getTransaction` (base64, v0 allowed); `None` when the node does not know `signature`.
    pub async fn transaction(
        &self,
        signature: &str,
    ) -> Result<Option<LandedTransaction>, RpcError> {
        let v = self
            .rpc
            .call(
                "getTransaction",
                json!([signature, {
                    "encoding": "base64",
                    "commitment": "confirmed",
                    "maxSupportedTransactionVersion": 0
                }]),
            )
            .await?;
        if v.is_null() {
            return Ok(None);
        }
        let bytes = match v
            .get("transaction")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
        {
            Some([Value::String(data), Value::String(enc)]) if enc == "base64" => {
                base64::engine::general_purpose::STANDARD.decode(data).ok()
            }
            _ => None,
        }
        .ok_or_else(|| {
            self.bad(format!(
                "getTransaction {signature}: transaction is not [base64, \"base64\"]"
            ))
        })?;
        let meta = v
            .get("meta")
            .filter(|m| m.is_object())
            .ok_or_else(|| self.bad(format!("getTransaction {signature}: no meta")))?;
        let balances = |key: &str| -> Result<Option<Vec<TokenBalance>>, RpcError> {
            let Some(list) = meta.get(key).filter(|l| !l.is_null()) else {
                return Ok(None);
            };
            let list = list
                .as_array()
                .ok_or_else(|| self.bad(format!("getTransaction: {key} is not a list")))?;
            list.iter()
                .map(|b| {
                    let account_index = b
                        .get("accountIndex")
                        .and_then(Value::as_u64)
                        .and_then(|i| usize::try_from(i).ok());
                    let mint = b
                        .get("mint")
                        .and_then(Value::as_str)
                        .and_then(|m| m.parse::<Pubkey>().ok());
                    let amount = b
                        .pointer("/uiTokenAmount/amount")
                        .and_then(Value::as_str)
                        .and_then(|a| a.parse::<u64>().ok());
                    match (account_index, mint, amount) {
                        (Some(account_index), Some(mint), Some(amount)) => Ok(TokenBalance {
                            account_index,
                            mint,
                            amount,
                        }),
                        _ => Err(self.bad(format!("getTransaction: unreadable {key} entry {b}"))),
                    }
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Some)
        };
        Ok(Some(LandedTransaction {
            slot: self.u64_at(&v["slot"], "slot")?,
            bytes,
            err: meta.get("err").filter(|e| !e.is_null()).cloned(),
            pre_token_balances: balances("preTokenBalances")?,
            post_token_balances: balances("postTokenBalances")?,
        }))
    }

    /// `getBlockHeight`: whether a blockhash can still land (`<= lastValidBlockHeight`).
    pub async fn block_height(&self) -> Result<u64, RpcError> {
        let v = self
            .rpc
            .call("getBlockHeight", json!([{"commitment": "confirmed"}]))
            .await?;
        self.u64_at(&v, "getBlockHeight")
    }
}

/// A JSON-RPC 2.0 responder on 127.0.0.1 for unit tests: `answer(method, params)` gives the
/// `result`, or as `Err` the `error` object. Requests are recorded.
#[cfg(test)]
pub(crate) mod test_node {
    use serde_json::{Value, json};
    use std::io::{BufRead, BufReader, Read, Write};
    use std::sync::{Arc, Mutex};

    pub type Answer = Box<dyn Fn(&str, &Value) -> Result<Value, Value> + Send + Sync>;

    pub struct Node {
        pub url: String,
        pub seen: Arc<Mutex<Vec<Value>>>,
    }

    impl Node {
        pub fn methods(&self) -> Vec<String> {
            self.seen
                .lock()
                .unwrap()
                .iter()
                .map(|r| r["method"].as_str().unwrap_or("").to_string())
                .collect()
        }
    }

    pub fn start(answer: Answer) -> Node {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut len = 0usize;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                        len = v.trim().parse().unwrap_or(0);
                    }
                }
                let mut body = vec![0; len];
                if reader.read_exact(&mut body).is_err() {
                    continue;
                }
                let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                log.lock().unwrap().push(request.clone());
                let method = request["method"].as_str().unwrap_or("");
                let reply = match answer(method, &request["params"]) {
                    Ok(result) => json!({"jsonrpc": "2.0", "id": request["id"], "result": result}),
                    Err(error) => json!({"jsonrpc": "2.0", "id": request["id"], "error": error}),
                }
                .to_string();
                let mut stream = stream;
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{reply}",
                    reply.len()
                );
            }
        });
        Node { url, seen }
    }

    /// Runs a future to completion on a fresh single-threaded runtime.
    pub fn run<T>(f: impl std::future::Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(f)
    }

    pub fn context(value: Value) -> Value {
        json!({"context": {"slot": 7}, "value": value})
    }

    /// `getAccountInfo`'s value for an account of `owner` holding `data`.
    pub fn account(owner: &str, data: &[u8]) -> Value {
        use base64::Engine as _;
        json!({
            "owner": owner,
            "lamports": 2039280,
            "executable": false,
            "rentEpoch": 0,
            "space": data.len(),
            "data": [base64::engine::general_purpose::STANDARD.encode(data), "base64"],
        })
    }

    /// An initialised mint's base state with `decimals`.
    pub fn mint_data(decimals: u8) -> Vec<u8> {
        let mut d = vec![0u8; 82];
        d[44] = decimals;
        d[45] = 1;
        d
    }

    /// An initialised token account's base state.
    pub fn token_account_data(
        mint: &solana_pubkey::Pubkey,
        owner: &solana_pubkey::Pubkey,
        amount: u64,
    ) -> Vec<u8> {
        let mut d = vec![0u8; 165];
        d[..32].copy_from_slice(mint.as_ref());
        d[32..64].copy_from_slice(owner.as_ref());
        d[64..72].copy_from_slice(&amount.to_le_bytes());
        d[108] = 1;
        d
    }
}

#[cfg(test)]
mod tests {
    use super::test_node::{self, account, context, mint_data, run, token_account_data};
    use super::*;
    use crate::svm::address::{TOKEN_2022_PROGRAM, TOKEN_PROGRAM};

    const MINT: &str = "4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU";
    const OWNER: &str = "AKnL4NNf3DGWZJS6cPknBuEGnVsV4A4m5tgebLHaRSZ9";

    #[test]
    fn mint_and_token_accounts() {
        let node = test_node::start(Box::new(|method, params| {
            let key = params[0].as_str().unwrap_or("");
            assert_eq!(params[1]["encoding"], "base64");
            assert_eq!(params[1]["commitment"], "confirmed");
            match (method, key) {
                ("getAccountInfo", MINT) => Ok(context(account(
                    TOKEN_2022_PROGRAM.to_string().as_str(),
                    // Token-2022 with an extension: padded to 165, account type 1, then TLV.
                    &[mint_data(9), vec![0; 83], vec![1], vec![7; 12]].concat(),
                ))),
                ("getAccountInfo", OWNER) => Ok(context(account(
                    TOKEN_PROGRAM.to_string().as_str(),
                    &token_account_data(&MINT.parse().unwrap(), &OWNER.parse().unwrap(), 77),
                ))),
                // A system account: not a mint.
                ("getAccountInfo", "11111111111111111111111111111111") => {
                    Ok(context(account("11111111111111111111111111111111", &[])))
                }
                ("getAccountInfo", _) => Ok(context(Value::Null)),
                _ => Err(json!({"code": -32601, "message": "no"})),
            }
        }));
        let client = crate::http::client(&Default::default()).unwrap();
        let rpc = SvmRpc::new(&client, &node.url);
        run(async {
            let mint = rpc.mint(&MINT.parse().unwrap()).await.unwrap();
            assert_eq!(
                mint,
                Mint {
                    program: TokenProgram::Token2022,
                    decimals: 9
                }
            );
            let acct = rpc
                .token_account(&OWNER.parse().unwrap())
                .await
                .unwrap()
                .unwrap();
            assert_eq!(acct.amount, 77);
            assert_eq!(acct.mint.to_string(), MINT);
            assert_eq!(acct.owner.to_string(), OWNER);
            assert_eq!(acct.program, TokenProgram::Token);
            // Absent: None for a token account, an error for a mint.
            let absent: Pubkey = "2wKupLR9q6wXYppw8Gr2NvWxKBUqm4PPJKkQfoxHDBg4"
                .parse()
                .unwrap();
            assert_eq!(rpc.token_account(&absent).await.unwrap(), None);
            let err = rpc.mint(&absent).await.unwrap_err().to_string();
            assert!(err.contains("does not exist"), "{err}");
            let err = rpc.mint(&Pubkey::default()).await.unwrap_err().to_string();
            assert!(err.contains("not by a token program"), "{err}");
            // A token account is not a mint.
            let err = rpc
                .mint(&OWNER.parse().unwrap())
                .await
                .unwrap_err()
                .to_string();
            assert!(err.contains("not an initialised mint"), "{err}");
        });
    }

    #[test]
    fn blockhash_balances_statuses_and_height() {
        let node = test_node::start(Box::new(|method, params| match method {
            "getLatestBlockhash" => Ok(context(json!({
                "blockhash": "EETubP5AKHgjPAhzPAFcb8BAY1hMH639CWCFTqi3hq1k",
                "lastValidBlockHeight": 3090
            }))),
            "getBalance" => Ok(context(json!(5_000_000_000u64))),
            "getTokenAccountBalance" => Ok(context(json!({
                "amount": "1000000", "decimals": 6, "uiAmount": 1.0, "uiAmountString": "1"
            }))),
            "getSignatureStatuses" => {
                assert_eq!(params[1]["searchTransactionHistory"], true);
                Ok(context(json!([
                    {"slot": 12, "confirmations": null, "err": null, "confirmationStatus": "finalized"},
                    null,
                    {"slot": 13, "confirmations": 0, "err": {"InstructionError": [2, {"Custom": 1}]}, "confirmationStatus": "confirmed"}
                ])))
            }
            "getBlockHeight" => Ok(json!(3000)),
            _ => Err(json!({"code": -32601, "message": "no"})),
        }));
        let client = crate::http::client(&Default::default()).unwrap();
        let rpc = SvmRpc::new(&client, &node.url);
        let key: Pubkey = OWNER.parse().unwrap();
        run(async {
            let (hash, last) = rpc.latest_blockhash().await.unwrap();
            assert_eq!(
                hash.to_string(),
                "EETubP5AKHgjPAhzPAFcb8BAY1hMH639CWCFTqi3hq1k"
            );
            assert_eq!(last, 3090);
            assert_eq!(rpc.balance(&key).await.unwrap(), 5_000_000_000);
            assert_eq!(rpc.token_account_balance(&key).await.unwrap(), 1_000_000);
            let statuses = rpc.signature_statuses(&["a", "b", "c"]).await.unwrap();
            assert_eq!(
                statuses[0].as_ref().unwrap().confirmation_status.as_deref(),
                Some("finalized")
            );
            assert_eq!(statuses[0].as_ref().unwrap().err, None);
            assert_eq!(statuses[1], None);
            assert!(statuses[2].as_ref().unwrap().err.is_some());
            // A count that does not match the question is an error.
            assert!(rpc.signature_statuses(&["a"]).await.is_err());
            assert_eq!(rpc.block_height().await.unwrap(), 3000);
        });
        assert_eq!(
            node.methods(),
            [
                "getLatestBlockhash",
                "getBalance",
                "getTokenAccountBalance",
                "getSignatureStatuses",
                "getSignatureStatuses",
                "getBlockHeight"
            ]
        );
    }

    #[test]
    fn errors_and_nonsense_are_errors_never_zero() {
        let node = test_node::start(Box::new(|method, _| match method {
            "getBalance" => Ok(context(json!("5"))),
            "getLatestBlockhash" => Ok(context(
                json!({"blockhash": "short", "lastValidBlockHeight": 1}),
            )),
            "getAccountInfo" => Ok(context(
                json!({"owner": TOKEN_PROGRAM.to_string(), "lamports": 1, "data": ["", "base58"]}),
            )),
            "getTokenAccountBalance" => {
                Err(json!({"code": -32602, "message": "Invalid param: could not find account"}))
            }
            _ => Ok(json!({"no": "value"})),
        }));
        let client = crate::http::client(&Default::default()).unwrap();
        let rpc = SvmRpc::new(&client, &node.url);
        let key: Pubkey = OWNER.parse().unwrap();
        run(async {
            assert!(matches!(
                rpc.balance(&key).await,
                Err(RpcError::BadResponse { .. })
            ));
            assert!(matches!(
                rpc.latest_blockhash().await,
                Err(RpcError::BadResponse { .. })
            ));
            assert!(matches!(
                rpc.token_account(&key).await,
                Err(RpcError::BadResponse { .. })
            ));
            assert!(matches!(
                rpc.token_account_balance(&key).await,
                Err(RpcError::JsonRpc { code: -32602, .. })
            ));
            assert!(matches!(
                rpc.signature_statuses(&["a"]).await,
                Err(RpcError::BadResponse { .. })
            ));
        });
    }

    #[test]
    fn transactions_signature_lists_and_blockhash_validity() {
        let tx_b64 = "AQID";
        let node = test_node::start(Box::new(move |method, params| match method {
            "getTransaction" => {
                assert_eq!(params[1]["encoding"], "base64");
                assert_eq!(params[1]["maxSupportedTransactionVersion"], 0);
                assert_eq!(params[1]["commitment"], "confirmed");
                match params[0].as_str().unwrap() {
                    "known" => Ok(json!({
                        "slot": 1001,
                        "blockTime": 1700000000,
                        "version": 0,
                        "transaction": [tx_b64, "base64"],
                        "meta": {
                            "err": {"InstructionError": [2, {"Custom": 1}]},
                            "fee": 5001,
                            "preTokenBalances": [{
                                "accountIndex": 2, "mint": MINT, "owner": OWNER,
                                "programId": TOKEN_PROGRAM.to_string(),
                                "uiTokenAmount": {"amount": "5", "decimals": 6, "uiAmount": 0.000005, "uiAmountString": "0.000005"}
                            }],
                            "postTokenBalances": null
                        }
                    })),
                    "no-meta" => {
                        Ok(json!({"slot": 1, "transaction": [tx_b64, "base64"], "meta": null}))
                    }
                    "json" => Ok(json!({"slot": 1, "transaction": {"signatures": []}, "meta": {}})),
                    "bad-balance" => Ok(json!({
                        "slot": 1, "transaction": [tx_b64, "base64"],
                        "meta": {"err": null, "preTokenBalances": [{"accountIndex": 0, "mint": MINT, "uiTokenAmount": {"amount": 5}}]}
                    })),
                    _ => Ok(Value::Null),
                }
            }
            "getSignaturesForAddress" => {
                assert_eq!(params[0], OWNER);
                assert_eq!(params[1]["commitment"], "confirmed");
                match params[1]["limit"].as_u64() {
                    Some(2) => {
                        assert_eq!(params[1]["before"], "s0");
                        Ok(json!([
                            {"signature": "s1", "slot": 12, "err": null, "memo": "[4] abcd", "blockTime": 1700000000, "confirmationStatus": "finalized"},
                            {"signature": "s2", "slot": 11, "err": {"InstructionError": [0, "InvalidArgument"]}, "memo": null, "blockTime": null, "confirmationStatus": "confirmed"}
                        ]))
                    }
                    // More entries than asked for, or entries without a signature.
                    Some(1) if params[1].get("before").is_none() => {
                        Ok(json!([{"signature": "a", "slot": 1}, {"signature": "b", "slot": 1}]))
                    }
                    _ => Ok(json!([{"slot": 1}])),
                }
            }
            "isBlockhashValid" => match params[0].as_str() {
                Some("EETubP5AKHgjPAhzPAFcb8BAY1hMH639CWCFTqi3hq1k") => Ok(context(json!(true))),
                _ => Ok(context(json!("yes"))),
            },
            _ => Err(json!({"code": -32601, "message": "no"})),
        }));
        let client = crate::http::client(&Default::default()).unwrap();
        let rpc = SvmRpc::new(&client, &node.url);
        let owner: Pubkey = OWNER.parse().unwrap();
        run(async {
            let tx = rpc.transaction("known").await.unwrap().unwrap();
            assert_eq!(tx.slot, 1001);
            assert_eq!(tx.bytes, [1, 2, 3]);
            assert_eq!(
                tx.err,
                Some(json!({"InstructionError": [2, {"Custom": 1}]}))
            );
            assert_eq!(
                tx.pre_token_balances,
                Some(vec![TokenBalance {
                    account_index: 2,
                    mint: MINT.parse().unwrap(),
                    amount: 5
                }])
            );
            assert_eq!(tx.post_token_balances, None);
            assert_eq!(rpc.transaction("unknown").await.unwrap(), None);
            for bad in ["no-meta", "json", "bad-balance"] {
                assert!(
                    matches!(
                        rpc.transaction(bad).await,
                        Err(RpcError::BadResponse { .. })
                    ),
                    "{bad}"
                );
            }
            let list = rpc
                .signatures_for_address(&owner, Some("s0"), 2)
                .await
                .unwrap();
            assert_eq!(
                list,
                [
                    SignatureInfo {
                        signature: "s1".into(),
                        slot: 12,
                        err: None,
                        memo: Some("[4] abcd".into()),
                        block_time: Some(1700000000),
                    },
                    SignatureInfo {
                        signature: "s2".into(),
                        slot: 11,
                        err: Some(json!({"InstructionError": [0, "InvalidArgument"]})),
                        memo: None,
                        block_time: None,
                    }
                ]
            );
            assert!(rpc.signatures_for_address(&owner, None, 1).await.is_err());
            assert!(rpc.signatures_for_address(&owner, None, 3).await.is_err());
            let hash: Hash = "EETubP5AKHgjPAhzPAFcb8BAY1hMH639CWCFTqi3hq1k"
                .parse()
                .unwrap();
            assert!(rpc.is_blockhash_valid(&hash).await.unwrap());
            assert!(matches!(
                rpc.is_blockhash_valid(&Hash::default()).await,
                Err(RpcError::BadResponse { .. })
            ));
        });
    }
}
