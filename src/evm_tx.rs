//! Sending an EIP-1559 transaction from a local key over plain JSON-RPC: chain id check, nonce
//! (`eth_getTransactionCount … "pending"`), fees (`eth_feeHistory` base fee and
//! `eth_maxPriorityFeePerGas`), gas (`eth_estimateGas`), a gas-balance check, signing,
//! `eth_sendRawTransaction`, and a bounded wait for the receipt.
//!
//! The transaction type, its RLP and EIP-2718 encoding and its signing hash are
//! `alloy-consensus`'s (`TxEip1559`, `SignableTransaction`, `Signed`), the same crates
//! `alloy-signer-local` already builds on; the RPC calls go through [`crate::rpc::Rpc`], so
//! there is one HTTP client and no provider stack. Used by `x402 wallet approve`; anything
//! else that sends a transaction (an `approve`, a `cancelAuthorization`) calls [`send`].

use alloy_consensus::{SignableTransaction, TxEip1559};
use alloy_eips::eip2718::Encodable2718;
use alloy_primitives::{Address, B256, Bytes, TxKind, U256, hex};
use alloy_signer_local::PrivateKeySigner;
use serde_json::{Value, json};
use std::time::Duration;

use crate::exit::ExitStatus;
use crate::rpc::{Rpc, RpcError};

/// EIP-1559 fee caps, in wei per gas.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fees {
    pub max_fee_per_gas: u128,
    pub max_priority_fee_per_gas: u128,
}

/// What to call: `to`, calldata and value in wei.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    pub to: Address,
    pub data: Vec<u8>,
    pub value: U256,
}

/// The account cannot pay for the transaction's gas.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{account} has {} {symbol} for gas, and this transaction may cost up to {} {symbol} \
     ({gas} gas at {} gwei): send the account some {symbol} first",
    crate::amount::format_units(*.have, 18),
    crate::amount::format_units(*.need, 18),
    crate::amount::format_units(U256::from(*.max_fee), 9)
)]
pub struct GasShortfall {
    pub account: Address,
    /// Wei.
    pub have: U256,
    /// Wei: gas × maxFeePerGas + value.
    pub need: U256,
    pub gas: u64,
    /// Wei per gas.
    pub max_fee: u128,
    /// The network's native token (ETH, POL, …).
    pub symbol: String,
}

/// A signed transaction: its EIP-2718 bytes (what `eth_sendRawTransaction` takes) and hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedTx {
    pub raw: Vec<u8>,
    pub hash: B256,
}

/// A mined transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    pub hash: B256,
    pub block_number: u64,
    pub gas_used: u64,
    pub effective_gas_price: u128,
}

#[derive(Debug, thiserror::Error)]
pub enum TxError {
    #[error(transparent)]
    Rpc(#[from] RpcError),
    #[error("{url} serves chain {actual}, not chain {expected}")]
    WrongChain {
        url: String,
        expected: u64,
        actual: u64,
    },
    #[error("{0}")]
    NoGas(Box<GasShortfall>),
    #[error("the node would not estimate gas for the transaction: it would fail ({message})")]
    WouldRevert { message: String },
    #[error("transaction {hash} failed on-chain (reverted in block {block})")]
    Reverted { hash: B256, block: u64 },
    #[error(
        "transaction {hash} was sent but is not mined after {waited:?}; it may still be: check it \
         before sending again"
    )]
    NotMined { hash: B256, waited: Duration },
    #[error("signing the transaction failed")]
    Signing {
        #[source]
        source: alloy_signer::Error,
    },
}

impl TxError {
    /// The exit status this error ends the process with.
    pub fn status(&self) -> ExitStatus {
        match self {
            TxError::Rpc(RpcError::Transport { source, .. }) => {
                crate::http::transport_status(source)
            }
            TxError::Rpc(_) | TxError::Reverted { .. } | TxError::Signing { .. } => {
                ExitStatus::Failure
            }
            TxError::WrongChain { .. } => ExitStatus::Usage,
            TxError::NoGas(_) => ExitStatus::InsufficientFunds,
            TxError::WouldRevert { .. } => ExitStatus::Failure,
            TxError::NotMined { .. } => ExitStatus::OutcomeUnknown,
        }
    }
}

/// Signs `tx` (chain id, nonce, fees and gas already set) with `signer`.
pub fn sign_eip1559(signer: &PrivateKeySigner, tx: TxEip1559) -> Result<SignedTx, TxError> {
    use alloy_signer::SignerSync;
    let signature = signer
        .sign_hash_sync(&tx.signature_hash())
        .map_err(|source| TxError::Signing { source })?;
    let signed = tx.into_signed(signature);
    Ok(SignedTx {
        raw: signed.encoded_2718(),
        hash: *signed.hash(),
    })
}

fn bad(url: &str, detail: String) -> TxError {
    TxError::Rpc(RpcError::BadResponse {
        url: url.to_owned(),
        detail,
    })
}

fn quantity(url: &str, what: &str, v: &Value) -> Result<U256, TxError> {
    v.as_str()
        .and_then(|s| s.strip_prefix("0x"))
        .filter(|s| !s.is_empty())
        .and_then(|s| U256::from_str_radix(s, 16).ok())
        .ok_or_else(|| bad(url, format!("{what} is not a quantity: {v}")))
}

fn small<T: TryFrom<U256>>(url: &str, what: &str, v: U256) -> Result<T, TxError> {
    T::try_from(v).map_err(|_| bad(url, format!("{what} {v} is out of range")))
}

/// The JSON-RPC endpoint a transaction goes through, and the chain it must be on.
pub struct Chain<'a> {
    pub rpc: Rpc<'a>,
    pub url: &'a str,
    pub chain_id: u64,
    /// The native token gas is paid in, for messages.
    pub native_symbol: String,
}

impl<'a> Chain<'a> {
    pub fn new(client: &'a reqwest::Client, url: &'a str, chain_id: u64) -> Self {
        Chain {
            rpc: Rpc::new(client, url),
            url,
            chain_id,
            native_symbol: "ETH".to_owned(),
        }
    }

    /// The chain of a network of the table, its native token named in messages.
    pub fn for_network(
        client: &'a reqwest::Client,
        url: &'a str,
        network: &crate::network::Network,
    ) -> Self {
        Chain {
            native_symbol: network.native_symbol.clone(),
            ..Chain::new(client, url, network.chain_id)
        }
    }

    /// `eth_chainId` equals the chain the network table names: a transaction signed for one
    /// chain is never sent through a node of another.
    pub async fn check_chain(&self) -> Result<(), TxError> {
        let actual = self.rpc.chain_id().await?;
        if actual != self.chain_id {
            return Err(TxError::WrongChain {
                url: self.url.to_owned(),
                expected: self.chain_id,
                actual,
            });
        }
        Ok(())
    }

    /// The account's next nonce, counting its transactions still in the mempool.
    pub async fn pending_nonce(&self, account: Address) -> Result<u64, TxError> {
        let v = self
            .rpc
            .call(
                "eth_getTransactionCount",
                json!([account.to_checksum(None), "pending"]),
            )
            .await?;
        small(self.url, "nonce", quantity(self.url, "nonce", &v)?)
    }

    /// Current EIP-1559 fees: the tip from `eth_maxPriorityFeePerGas` (1 gwei when the node has
    /// no such method), and a fee cap of twice the next block's base fee (`eth_feeHistory`, or
    /// `eth_gasPrice` without it) plus the tip, so the transaction survives several full blocks
    /// of base-fee rises (ethers' and alloy's rule).
    pub async fn fees(&self) -> Result<Fees, TxError> {
        let base: u128 = match self
            .rpc
            .call("eth_feeHistory", json!(["0x1", "latest", []]))
            .await
        {
            Ok(history) => {
                let base = history
                    .get("baseFeePerGas")
                    .and_then(Value::as_array)
                    .and_then(|a| a.last())
                    .ok_or_else(|| {
                        bad(
                            self.url,
                            format!("eth_feeHistory has no baseFeePerGas: {history}"),
                        )
                    })?;
                small(self.url, "base fee", quantity(self.url, "base fee", base)?)?
            }
            // A node without fee history: its gas price stands in for the base fee.
            Err(RpcError::JsonRpc { .. }) => {
                let v = self.rpc.call("eth_gasPrice", json!([])).await?;
                small(self.url, "gas price", quantity(self.url, "gas price", &v)?)?
            }
            Err(e) => return Err(e.into()),
        };
        let tip: u128 = match self.rpc.call("eth_maxPriorityFeePerGas", json!([])).await {
            Ok(v) => small(
                self.url,
                "priority fee",
                quantity(self.url, "priority fee", &v)?,
            )?,
            Err(RpcError::JsonRpc { .. }) => 1_000_000_000,
            Err(e) => return Err(e.into()),
        };
        Ok(Fees {
            max_fee_per_gas: base.saturating_mul(2).saturating_add(tip),
            max_priority_fee_per_gas: tip,
        })
    }

    /// `eth_estimateGas` of the call from `from`, with a fifth more as margin. A node that
    /// refuses to estimate says the call would fail; that is reported, not sent.
    pub async fn estimate_gas(&self, from: Address, call: &Call) -> Result<u64, TxError> {
        let request = json!({
            "from": from.to_checksum(None),
            "to": call.to.to_checksum(None),
            "data": hex::encode_prefixed(&call.data),
            "value": format!("{:#x}", call.value),
        });
        let v = match self.rpc.call("eth_estimateGas", json!([request])).await {
            Ok(v) => v,
            Err(RpcError::JsonRpc { message, .. }) => {
                return Err(TxError::WouldRevert { message });
            }
            Err(e) => return Err(e.into()),
        };
        let gas: u64 = small(self.url, "gas", quantity(self.url, "gas", &v)?)?;
        Ok(gas.saturating_add(gas / 5))
    }

    /// Sends the signed bytes; the hash the node answers must be the one we computed.
    pub async fn send_raw(&self, signed: &SignedTx) -> Result<B256, TxError> {
        let v = self
            .rpc
            .call(
                "eth_sendRawTransaction",
                json!([hex::encode_prefixed(&signed.raw)]),
            )
            .await?;
        let answered: B256 = v
            .as_str()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| bad(self.url, format!("not a transaction hash: {v}")))?;
        if answered != signed.hash {
            return Err(bad(
                self.url,
                format!(
                    "the node named transaction {answered}, but {} was sent",
                    signed.hash
                ),
            ));
        }
        Ok(answered)
    }

    /// Polls for the receipt until `wait` has passed. A receipt with status 0 is
    /// [`TxError::Reverted`]; none in time is [`TxError::NotMined`].
    pub async fn wait_for_receipt(&self, hash: B256, wait: Duration) -> Result<Receipt, TxError> {
        let start = tokio::time::Instant::now();
        let mut pause = Duration::from_millis(100);
        loop {
            if let Some(r) = self.rpc.transaction_receipt(&hash.to_string()).await? {
                let field = |k: &str| -> Result<U256, TxError> {
                    quantity(self.url, k, r.get(k).unwrap_or(&Value::Null))
                };
                let block: u64 = small(self.url, "blockNumber", field("blockNumber")?)?;
                if field("status")? != U256::from(1) {
                    return Err(TxError::Reverted { hash, block });
                }
                return Ok(Receipt {
                    hash,
                    block_number: block,
                    gas_used: small(self.url, "gasUsed", field("gasUsed")?)?,
                    effective_gas_price: small(
                        self.url,
                        "effectiveGasPrice",
                        field("effectiveGasPrice").unwrap_or(U256::ZERO),
                    )?,
                });
            }
            if start.elapsed() >= wait {
                return Err(TxError::NotMined { hash, waited: wait });
            }
            tokio::time::sleep(pause.min(wait.saturating_sub(start.elapsed()))).await;
            pause = (pause * 2).min(Duration::from_secs(2));
        }
    }

    /// Everything before signing: chain id checked, nonce, fees and gas filled in, and the
    /// account's gas balance covering `gas × maxFeePerGas + value`.
    pub async fn prepare(&self, from: Address, call: &Call) -> Result<TxEip1559, TxError> {
        self.check_chain().await?;
        let nonce = self.pending_nonce(from).await?;
        let fees = self.fees().await?;
        let have = self.rpc.native_balance(from).await?;
        let gas = match self.estimate_gas(from, call).await {
            Ok(gas) => gas,
            // Some nodes refuse to estimate for an account that cannot pay for gas at all.
            Err(TxError::WouldRevert { message })
                if message.to_ascii_lowercase().contains("insufficient funds") =>
            {
                return Err(TxError::NoGas(Box::new(GasShortfall {
                    account: from,
                    have,
                    need: U256::from(fees.max_fee_per_gas) * U256::from(21_000u64) + call.value,
                    gas: 21_000,
                    max_fee: fees.max_fee_per_gas,
                    symbol: self.native_symbol.clone(),
                })));
            }
            Err(e) => return Err(e),
        };
        let need = U256::from(fees.max_fee_per_gas) * U256::from(gas) + call.value;
        if have < need {
            return Err(TxError::NoGas(Box::new(GasShortfall {
                account: from,
                have,
                need,
                gas,
                max_fee: fees.max_fee_per_gas,
                symbol: self.native_symbol.clone(),
            })));
        }
        Ok(TxEip1559 {
            chain_id: self.chain_id,
            nonce,
            gas_limit: gas,
            max_fee_per_gas: fees.max_fee_per_gas,
            max_priority_fee_per_gas: fees.max_priority_fee_per_gas,
            to: TxKind::Call(call.to),
            value: call.value,
            access_list: Default::default(),
            input: Bytes::from(call.data.clone()),
        })
    }
}

/// Prepares, signs and sends `call` from `signer`, then waits up to `wait` for the receipt.
/// `on_sent` runs once the node has accepted the transaction (to show its hash before the
/// wait).
pub async fn send(
    chain: &Chain<'_>,
    signer: &PrivateKeySigner,
    call: &Call,
    wait: Duration,
    on_sent: impl FnOnce(B256),
) -> Result<Receipt, TxError> {
    let tx = chain.prepare(signer.address(), call).await?;
    let signed = sign_eip1559(signer, tx)?;
    let hash = chain.send_raw(&signed).await?;
    on_sent(hash);
    chain.wait_for_receipt(hash, wait).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::address;

    #[test]
    fn signs_byte_exactly_what_viem_signs() {
        // viem 2.57 `signTransaction` of the same fields with anvil key #1.
        let signer: PrivateKeySigner =
            "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"
                .parse()
                .unwrap();
        let tx = TxEip1559 {
            chain_id: 84532,
            nonce: 7,
            gas_limit: 70_000,
            max_fee_per_gas: 1_151_207_075,
            max_priority_fee_per_gas: 1_000_000_000,
            to: TxKind::Call(address!("0xDc64a140Aa3E981100a9becA4E685f962f0cF6C9")),
            value: U256::ZERO,
            access_list: Default::default(),
            input: Bytes::from(
                hex::decode(
                    "095ea7b3000000000000000000000000000000000022d473030f116ddee9f6b43ac78ba3\
                     ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
                )
                .unwrap(),
            ),
        };
        let signed = sign_eip1559(&signer, tx).unwrap();
        assert_eq!(
            hex::encode_prefixed(&signed.raw),
            "0x02f8b383014a3407843b9aca0084449e06a38301117094dc64a140aa3e981100a9beca4e685f962f0cf6c980b844095ea7b3000000000000000000000000000000000022d473030f116ddee9f6b43ac78ba3ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffc080a048a9294b405e9e0c1056d87c2b63f3ab71d8e2b2ecf4e05f50d774724f8e8898a023f0eaeff2a1aa2cf00490cf8a84a0aede6c4ab82ee0afe113ff7579017f6385"
        );
        assert_eq!(signed.hash, alloy_primitives::keccak256(&signed.raw));
    }

    /// A scripted JSON-RPC node on 127.0.0.1, for what a shared anvil must not be made to do
    /// (never mine, revert a mined approve): fixed answers, the transaction's hash computed
    /// from the bytes it receives, `receipt` for every receipt query, and every method called
    /// recorded.
    async fn node(
        balance: &'static str,
        receipt: Value,
    ) -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
        node_with(balance, receipt, true).await
    }

    async fn node_with(
        balance: &'static str,
        receipt: Value,
        fee_history: bool,
    ) -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
        use std::sync::{Arc, Mutex};
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        let app = axum::Router::new().route(
            "/",
            axum::routing::post(move |axum::Json(req): axum::Json<Value>| {
                let (log, receipt) = (log.clone(), receipt.clone());
                async move {
                    let method = req["method"].as_str().unwrap_or_default().to_owned();
                    log.lock().unwrap().push(method.clone());
                    let result = match method.as_str() {
                        "eth_chainId" => json!("0x14a34"),
                        "eth_getTransactionCount" => json!("0x5"),
                        "eth_feeHistory" if fee_history => {
                            json!({"baseFeePerGas": ["0x3b9aca00", "0x3b9aca00"]})
                        }
                        "eth_gasPrice" => json!("0x77359400"),
                        "eth_feeHistory" | "eth_maxPriorityFeePerGas" => {
                            return axum::Json(json!({"jsonrpc": "2.0", "id": 1,
                                "error": {"code": -32601, "message": "method not found"}}));
                        }
                        "eth_getBalance" => json!(balance),
                        "eth_estimateGas" => json!("0xc350"),
                        "eth_sendRawTransaction" => {
                            let raw = hex::decode(req["params"][0].as_str().unwrap()).unwrap();
                            json!(alloy_primitives::keccak256(raw).to_string())
                        }
                        "eth_getTransactionReceipt" => receipt,
                        _ => Value::Null,
                    };
                    axum::Json(json!({"jsonrpc": "2.0", "id": 1, "result": result}))
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        (url, seen)
    }

    fn approve_call() -> Call {
        Call {
            to: address!("0xDc64a140Aa3E981100a9becA4E685f962f0cF6C9"),
            data: vec![0x09, 0x5e, 0xa7, 0xb3],
            value: U256::ZERO,
        }
    }

    fn anvil1() -> PrivateKeySigner {
        "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"
            .parse()
            .unwrap()
    }

    /// [`send`] of the approve call, signed by anvil key #1, through the node at `url` as
    /// chain 84532, waiting up to `wait` for the receipt.
    async fn send_approve(
        url: &str,
        wait: Duration,
        on_sent: impl FnOnce(B256),
    ) -> Result<Receipt, TxError> {
        let client = crate::http::client(&Default::default()).unwrap();
        let chain = Chain::new(&client, url, 84532);
        send(&chain, &anvil1(), &approve_call(), wait, on_sent).await
    }

    /// How many times the node was asked `method`.
    fn calls(seen: &std::sync::Mutex<Vec<String>>, method: &str) -> usize {
        seen.lock().unwrap().iter().filter(|m| *m == method).count()
    }

    #[tokio::test]
    async fn prepares_from_the_node_and_falls_back_to_a_one_gwei_tip() {
        let (url, _) = node("0xde0b6b3a7640000", Value::Null).await;
        let client = crate::http::client(&Default::default()).unwrap();
        let chain = Chain::new(&client, &url, 84532);
        let fees = chain.fees().await.unwrap();
        assert_eq!(
            fees,
            Fees {
                max_fee_per_gas: 3_000_000_000,
                max_priority_fee_per_gas: 1_000_000_000
            }
        );
        let tx = chain
            .prepare(anvil1().address(), &approve_call())
            .await
            .unwrap();
        assert_eq!((tx.chain_id, tx.nonce, tx.gas_limit), (84532, 5, 60_000));
        assert_eq!(tx.to, TxKind::Call(approve_call().to));
        // The wrong chain is refused before anything else is asked.
        let other = Chain::new(&client, &url, 8453);
        assert!(matches!(
            other.prepare(anvil1().address(), &approve_call()).await,
            Err(TxError::WrongChain {
                expected: 8453,
                actual: 84532,
                ..
            })
        ));
    }

    #[tokio::test]
    async fn no_gas_sends_nothing() {
        let (url, seen) = node("0x0", Value::Null).await;
        let r = send_approve(&url, Duration::from_secs(5), |_| {
            panic!("nothing may be sent")
        })
        .await;
        assert!(
            matches!(&r, Err(TxError::NoGas(s)) if s.gas == 60_000),
            "{r:?}"
        );
        assert_eq!(calls(&seen, "eth_sendRawTransaction"), 0);
    }

    #[tokio::test]
    async fn the_wait_for_the_receipt_is_bounded() {
        let (url, seen) = node("0xde0b6b3a7640000", Value::Null).await;
        let mut sent = None;
        let r = send_approve(&url, Duration::from_millis(300), |h| sent = Some(h)).await;
        let Err(TxError::NotMined { hash, .. }) = r else {
            panic!("{r:?}")
        };
        assert_eq!(Some(hash), sent);
        assert!(calls(&seen, "eth_getTransactionReceipt") >= 2);
    }

    #[tokio::test]
    async fn a_failed_receipt_is_an_error() {
        let receipt = json!({"status": "0x0", "blockNumber": "0x7", "gasUsed": "0x5208"});
        let (url, _) = node("0xde0b6b3a7640000", receipt).await;
        let r = send_approve(&url, Duration::from_secs(5), |_| {}).await;
        assert!(
            matches!(r, Err(TxError::Reverted { block: 7, .. })),
            "{r:?}"
        );
        let ok = json!({"status": "0x1", "blockNumber": "0x8", "gasUsed": "0xb411",
                        "effectiveGasPrice": "0x77359400"});
        let (url, _) = node("0xde0b6b3a7640000", ok).await;
        let r = send_approve(&url, Duration::from_secs(5), |_| {})
            .await
            .unwrap();
        assert_eq!(
            (r.block_number, r.gas_used, r.effective_gas_price),
            (8, 46_097, 2_000_000_000)
        );
    }

    #[test]
    fn errors_have_their_exit_status() {
        let no_gas = TxError::NoGas(Box::new(GasShortfall {
            account: Address::ZERO,
            have: U256::ZERO,
            need: U256::from(1u8),
            gas: 1,
            max_fee: 1_500_000_000,
            symbol: "POL".into(),
        }));
        assert_eq!(no_gas.status(), ExitStatus::InsufficientFunds);
        assert_eq!(
            no_gas.to_string(),
            "0x0000000000000000000000000000000000000000 has 0.00 POL for gas, and this \
             transaction may cost up to 0.000000000000000001 POL (1 gas at 1.50 gwei): send the \
             account some POL first"
        );
        let unmined = TxError::NotMined {
            hash: B256::ZERO,
            waited: Duration::from_secs(1),
        };
        assert_eq!(unmined.status(), ExitStatus::OutcomeUnknown);
        let wrong = TxError::WrongChain {
            url: "u".into(),
            expected: 1,
            actual: 2,
        };
        assert_eq!(wrong.status(), ExitStatus::Usage);
    }
}
