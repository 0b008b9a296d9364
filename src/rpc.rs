//! Minimal EVM JSON-RPC: the few read calls the tool needs (`eth_call` of `balanceOf`,
//! `eth_getBalance`, `eth_chainId`), over the tool's own HTTP client rather than a provider
//! stack, so there is one HTTP/TLS configuration and a test server is a few lines.

use alloy_primitives::{Address, U256, hex};
use alloy_sol_types::{SolCall, sol};
use serde_json::{Value, json};

sol! {
    function balanceOf(address account) external view returns (uint256);
    function authorizationState(address authorizer, bytes32 nonce) external view returns (bool);
}

/// `keccak256("Transfer(address,address,uint256)")`.
pub const TRANSFER_TOPIC: &str =
    "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef";
/// `keccak256("AuthorizationUsed(address,bytes32)")` (EIP-3009).
pub const AUTHORIZATION_USED_TOPIC: &str =
    "0x98de503528ee59b575ef0c0a2576a82497bfc029a5685b209e9ec333479b10a5";

#[derive(Debug, thiserror::Error)]
pub enum RpcError {
    #[error("{url}: {source}")]
    Transport { url: String, source: reqwest::Error },
    #[error("{url}: HTTP {status}")]
    Status { url: String, status: u16 },
    #[error("{url}: JSON-RPC error {code}: {message}")]
    JsonRpc {
        url: String,
        code: i64,
        message: String,
    },
    #[error("{url}: unexpected answer: {detail}")]
    BadResponse { url: String, detail: String },
}

pub struct Rpc<'a> {
    client: &'a reqwest::Client,
    url: &'a str,
}

impl<'a> Rpc<'a> {
    pub fn new(client: &'a reqwest::Client, url: &'a str) -> Self {
        Self { client, url }
    }

    pub async fn call(&self, method: &str, params: Value) -> Result<Value, RpcError> {
        // The URL shown in an error keeps no password (an RPC URL may carry one).
        let transport = |source| RpcError::Transport {
            url: crate::request::safe_url_text(self.url),
            source: crate::request::redact_error(source),
        };
        let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
        let resp = self
            .client
            .post(self.url)
            .json(&body)
            .send()
            .await
            .map_err(transport)?;
        let status = resp.status();
        let bytes = resp.bytes().await.map_err(transport)?;
        let doc: Value = match serde_json::from_slice(&bytes) {
            Ok(doc) => doc,
            Err(_) if !status.is_success() => {
                return Err(RpcError::Status {
                    url: crate::request::safe_url_text(self.url),
                    status: status.as_u16(),
                });
            }
            Err(e) => {
                return Err(RpcError::BadResponse {
                    url: crate::request::safe_url_text(self.url),
                    detail: format!("not JSON: {e}"),
                });
            }
        };
        if let Some(err) = doc.get("error").filter(|e| !e.is_null()) {
            return Err(RpcError::JsonRpc {
                url: crate::request::safe_url_text(self.url),
                code: err.get("code").and_then(Value::as_i64).unwrap_or(0),
                message: err
                    .get("message")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
            });
        }
        doc.get("result")
            .cloned()
            .ok_or_else(|| RpcError::BadResponse {
                url: crate::request::safe_url_text(self.url),
                detail: "no result".into(),
            })
    }

    fn quantity(&self, v: &Value) -> Result<U256, RpcError> {
        v.as_str()
            .and_then(|s| s.strip_prefix("0x"))
            // A quantity has at least one digit ("0x0"); "0x" is malformed, never zero.
            .filter(|s| !s.is_empty())
            .and_then(|s| U256::from_str_radix(s, 16).ok())
            .ok_or_else(|| RpcError::BadResponse {
                url: crate::request::safe_url_text(self.url),
                detail: format!("not a quantity: {v}"),
            })
    }

    pub async fn chain_id(&self) -> Result<u64, RpcError> {
        let v = self.call("eth_chainId", json!([])).await?;
        let id = self.quantity(&v)?;
        u64::try_from(id).map_err(|_| RpcError::BadResponse {
            url: crate::request::safe_url_text(self.url),
            detail: format!("chain id {id} out of range"),
        })
    }

    pub async fn native_balance(&self, owner: Address) -> Result<U256, RpcError> {
        let v = self
            .call("eth_getBalance", json!([owner.to_checksum(None), "latest"]))
            .await?;
        self.quantity(&v)
    }

    pub async fn eth_call(&self, to: Address, data: &[u8]) -> Result<Vec<u8>, RpcError> {
        let v = self
            .call(
                "eth_call",
                json!([{"to": to.to_checksum(None), "data": format!("0x{}", hex::encode(data))}, "latest"]),
            )
            .await?;
        v.as_str()
            .and_then(|s| hex::decode(s).ok())
            .ok_or_else(|| RpcError::BadResponse {
                url: crate::request::safe_url_text(self.url),
                detail: format!("not hex data: {v}"),
            })
    }

    /// ERC-20 `balanceOf(owner)`. An address with no contract answers `0x`, which is reported
    /// as an error: a missing token must never read as a zero balance.
    pub async fn token_balance(&self, token: Address, owner: Address) -> Result<U256, RpcError> {
        let out = self
            .eth_call(token, &balanceOfCall { account: owner }.abi_encode())
            .await?;
        balanceOfCall::abi_decode_returns(&out).map_err(|_| RpcError::BadResponse {
            url: crate::request::safe_url_text(self.url),
            detail: format!(
                "balanceOf returned {} bytes; is there a token contract at {token}?",
                out.len()
            ),
        })
    }

    /// EIP-3009 `authorizationState(authorizer, nonce)`: whether the nonce was used (or
    /// cancelled) on-chain.
    pub async fn authorization_state(
        &self,
        token: Address,
        authorizer: Address,
        nonce: alloy_primitives::B256,
    ) -> Result<bool, RpcError> {
        let out = self
            .eth_call(
                token,
                &authorizationStateCall { authorizer, nonce }.abi_encode(),
            )
            .await?;
        authorizationStateCall::abi_decode_returns(&out).map_err(|_| RpcError::BadResponse {
            url: crate::request::safe_url_text(self.url),
            detail: format!(
                "authorizationState returned {} bytes; is {token} an EIP-3009 token?",
                out.len()
            ),
        })
    }

    /// The receipt of a transaction, or `None` while it is unknown to the node.
    pub async fn transaction_receipt(&self, hash: &str) -> Result<Option<Value>, RpcError> {
        let v = self
            .call("eth_getTransactionReceipt", json!([hash]))
            .await?;
        Ok(if v.is_null() { None } else { Some(v) })
    }
}
