//! Minimal EVM JSON-RPC: the few calls the tool needs (`eth_call` of `balanceOf` and
//! `authorizationState`, `eth_getBalance`, `eth_chainId`, receipts, and what sending one
//! transaction takes: nonce, fees, gas estimate, `eth_sendRawTransaction`), over the tool's own
//! HTTP client rather than a provider stack, so there is one HTTP/TLS configuration and a test
//! server is a few lines.

use alloy_primitives::{Address, U256, hex};
use alloy_sol_types::{SolCall, sol};
use serde_json::{Value, json};

sol! {
    function balanceOf(address account) external view returns (uint256);
    function authorizationState(address authorizer, bytes32 nonce) external view returns (bool);
    function cancelAuthorization(address authorizer, bytes32 nonce, uint8 v, bytes32 r, bytes32 s) external;
}

/// `keccak256("Transfer(address,address,uint256)")`.
pub const TRANSFER_TOPIC: &str =
    "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef";
/// `keccak256("AuthorizationUsed(address,bytes32)")` (EIP-3009).
pub const AUTHORIZATION_USED_TOPIC: &str =
    "0x98de503528ee59b575ef0c0a2576a82497bfc029a5685b209e9ec333479b10a5";

/// `keccak256("AuthorizationCanceled(address,bytes32)")` (EIP-3009).
pub fn authorization_canceled_topic() -> String {
    format!(
        "{:#x}",
        alloy_primitives::keccak256("AuthorizationCanceled(address,bytes32)")
    )
}

/// An address as a 32-byte log topic.
pub fn topic_address(a: Address) -> String {
    format!("0x{:0>64}", hex::encode(a))
}

/// Whether a transaction receipt holds the token's `AuthorizationUsed(authorizer, nonce)`:
/// the proof that this transaction, and not another, used the authorization.
pub fn authorization_used_in(
    receipt: &Value,
    token: Address,
    authorizer: Address,
    nonce: &str,
) -> bool {
    let token = format!("{token:#x}");
    let who = topic_address(authorizer);
    receipt
        .get("logs")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .any(|l| {
            let topic = |i: usize| {
                l.pointer(&format!("/topics/{i}"))
                    .and_then(Value::as_str)
                    .map(str::to_ascii_lowercase)
            };
            l.get("address")
                .and_then(Value::as_str)
                .is_some_and(|a| a.eq_ignore_ascii_case(&token))
                && topic(0).as_deref() == Some(AUTHORIZATION_USED_TOPIC)
                && topic(1).as_deref() == Some(who.as_str())
                && topic(2).is_some_and(|n| n.eq_ignore_ascii_case(nonce))
        })
}

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
            url: crate::http::safe_url_text(self.url),
            source: crate::http::redact_error(source),
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
                    url: crate::http::safe_url_text(self.url),
                    status: status.as_u16(),
                });
            }
            Err(e) => {
                return Err(RpcError::BadResponse {
                    url: crate::http::safe_url_text(self.url),
                    detail: format!("not JSON: {e}"),
                });
            }
        };
        if let Some(err) = doc.get("error").filter(|e| !e.is_null()) {
            return Err(RpcError::JsonRpc {
                url: crate::http::safe_url_text(self.url),
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
                url: crate::http::safe_url_text(self.url),
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
                url: crate::http::safe_url_text(self.url),
                detail: format!("not a quantity: {v}"),
            })
    }

    pub async fn chain_id(&self) -> Result<u64, RpcError> {
        let v = self.call("eth_chainId", json!([])).await?;
        let id = self.quantity(&v)?;
        u64::try_from(id).map_err(|_| RpcError::BadResponse {
            url: crate::http::safe_url_text(self.url),
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
                url: crate::http::safe_url_text(self.url),
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
            url: crate::http::safe_url_text(self.url),
            detail: format!(
                "balanceOf returned {} bytes; is there a token contract at {token}?",
                out.len()
            ),
        })
    }

    /// The calldata of EIP-3009 `cancelAuthorization(authorizer, nonce, v, r, s)`.
    pub fn cancel_authorization_data(
        authorizer: Address,
        nonce: alloy_primitives::B256,
        signature: &alloy_primitives::Signature,
    ) -> Vec<u8> {
        cancelAuthorizationCall {
            authorizer,
            nonce,
            v: 27 + u8::from(signature.v()),
            r: signature.r().into(),
            s: signature.s().into(),
        }
        .abi_encode()
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
            url: crate::http::safe_url_text(self.url),
            detail: format!(
                "authorizationState returned {} bytes; is {token} an EIP-3009 token?",
                out.len()
            ),
        })
    }

    /// Polls for a transaction's receipt until `deadline`; `None` when none came by then.
    pub async fn wait_for_receipt(
        &self,
        hash: &str,
        deadline: std::time::Instant,
    ) -> Result<Option<Value>, RpcError> {
        loop {
            if let Some(r) = self.transaction_receipt(hash).await? {
                return Ok(Some(r));
            }
            let now = std::time::Instant::now();
            if now >= deadline {
                return Ok(None);
            }
            let pause = std::time::Duration::from_millis(250).min(deadline - now);
            tokio::time::sleep(pause).await;
        }
    }

    /// The receipt of a transaction, or `None` while it is unknown to the node.
    pub async fn transaction_receipt(&self, hash: &str) -> Result<Option<Value>, RpcError> {
        let v = self
            .call("eth_getTransactionReceipt", json!([hash]))
            .await?;
        Ok(if v.is_null() { None } else { Some(v) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_tokens_authorization_used_event_for_this_payer_and_nonce_counts() {
        let token = Address::repeat_byte(0x11);
        let payer = Address::repeat_byte(0x22);
        let nonce = format!("0x{}", "ab".repeat(32));
        let log = |address: Address, topic0: &str, who: Address, n: &str| {
            json!({
                "address": format!("{address:#x}"),
                "topics": [topic0, topic_address(who), n],
                "data": "0x",
            })
        };
        let receipt = |logs: Vec<Value>| json!({"status": "0x1", "logs": logs});
        let good = log(token, AUTHORIZATION_USED_TOPIC, payer, &nonce);
        assert!(authorization_used_in(
            &receipt(vec![good.clone()]),
            token,
            payer,
            &nonce.to_uppercase().replace("0X", "0x")
        ));
        let other_nonce = format!("0x{}", "cd".repeat(32));
        for wrong in [
            log(
                Address::repeat_byte(0x99),
                AUTHORIZATION_USED_TOPIC,
                payer,
                &nonce,
            ),
            log(token, &authorization_canceled_topic(), payer, &nonce),
            log(
                token,
                AUTHORIZATION_USED_TOPIC,
                Address::repeat_byte(0x33),
                &nonce,
            ),
            log(token, AUTHORIZATION_USED_TOPIC, payer, &other_nonce),
        ] {
            assert!(
                !authorization_used_in(&receipt(vec![wrong.clone()]), token, payer, &nonce),
                "{wrong}"
            );
        }
        assert!(!authorization_used_in(
            &json!({"status": "0x1"}),
            token,
            payer,
            &nonce
        ));
    }

    #[test]
    fn the_event_topics_are_eip_3009s() {
        assert_eq!(
            authorization_canceled_topic(),
            "0x1cdd46ff242716cdaa72d159d339a485b3438398348d68f09d7c8c0a59353d81"
        );
        assert_eq!(
            format!(
                "{:#x}",
                alloy_primitives::keccak256("AuthorizationUsed(address,bytes32)")
            ),
            AUTHORIZATION_USED_TOPIC
        );
    }
}
