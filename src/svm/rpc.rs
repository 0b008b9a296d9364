//! The Solana JSON-RPC reads a payment, `wallet balance` and `history check` need, over the
//! same JSON-RPC plumbing as the EVM calls ([`crate::rpc::Rpc::call`]): `getAccountInfo`
//! (mint decimals and token program, token accounts), `getLatestBlockhash`, `getBalance`,
//! `getTokenAccountBalance`, `getSignatureStatuses` and `getBlockHeight`. Parameters are sent
//! as `@x402/svm` sends them (`commitment: "confirmed"`, base64 account data).
//!
//! A missing account is `None`, never a zero; everything else the node says that does not
//! parse is an [`RpcError::BadResponse`].

use super::address::TokenProgram;
use crate::rpc::{Rpc, RpcError};
use base64::Engine as _;
use serde_json::{Value, json};
use solana_hash::Hash;
use solana_pubkey::Pubkey;

/// Size of an SPL mint's base state; Token-2022 mints may carry extensions after it.
const MINT_LEN: usize = 82;
/// Size of an SPL token account's base state.
const TOKEN_ACCOUNT_LEN: usize = 165;

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

    fn bad(&self, detail: impl Into<String>) -> RpcError {
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
        if info.data.len() < MINT_LEN || info.data[45] != 1 {
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
        if d.len() < TOKEN_ACCOUNT_LEN || d[108] == 0 {
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

    /// `getBlockHeight`: whether a blockhash can still land (`<= lastValidBlockHeight`).
    pub async fn block_height(&self) -> Result<u64, RpcError> {
        let v = self
            .rpc
            .call("getBlockHeight", json!([{"commitment": "confirmed"}]))
            .await?;
        self.u64_at(&v, "getBlockHeight")
    }
}
