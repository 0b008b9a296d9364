//! The on-chain reads a Permit2 payment needs before signing, over the tool's JSON-RPC client:
//! the token's `allowance(payer, Permit2)`, its EIP-2612 `nonces(owner)`, and Permit2's
//! `nonceBitmap(owner, wordPos)` (whether a Permit2 nonce was used or cancelled).

use alloy_primitives::{Address, U256};
use alloy_sol_types::{SolCall, sol};

use super::PERMIT2_ADDRESS;
use crate::rpc::{Rpc, RpcError};

sol! {
    function allowance(address owner, address spender) external view returns (uint256);
    function nonces(address owner) external view returns (uint256);
    function nonceBitmap(address owner, uint256 wordPos) external view returns (uint256);
    function decimals() external view returns (uint8);
}

fn bad(rpc_url: &str, what: &str, contract: Address, len: usize) -> RpcError {
    RpcError::BadResponse {
        url: rpc_url.to_owned(),
        detail: format!("{what} returned {len} bytes; is there a token contract at {contract}?"),
    }
}

/// ERC-20 `allowance(owner, spender)`. A missing contract (`0x`) is an error, never a zero.
pub async fn allowance(
    rpc: &Rpc<'_>,
    url: &str,
    token: Address,
    owner: Address,
    spender: Address,
) -> Result<U256, RpcError> {
    let out = rpc
        .eth_call(token, &allowanceCall { owner, spender }.abi_encode())
        .await?;
    allowanceCall::abi_decode_returns(&out).map_err(|_| bad(url, "allowance", token, out.len()))
}

/// `allowance(owner, Permit2)`: how much of `token` Permit2 may move for `owner`.
pub async fn permit2_allowance(
    rpc: &Rpc<'_>,
    url: &str,
    token: Address,
    owner: Address,
) -> Result<U256, RpcError> {
    allowance(rpc, url, token, owner, PERMIT2_ADDRESS).await
}

/// EIP-2612 `nonces(owner)`: the nonce the next permit must carry.
pub async fn token_nonce(
    rpc: &Rpc<'_>,
    url: &str,
    token: Address,
    owner: Address,
) -> Result<U256, RpcError> {
    let out = rpc
        .eth_call(token, &noncesCall { owner }.abi_encode())
        .await?;
    noncesCall::abi_decode_returns(&out).map_err(|_| bad(url, "nonces", token, out.len()))
}

/// ERC-20 `decimals()`.
pub async fn decimals(rpc: &Rpc<'_>, url: &str, token: Address) -> Result<u8, RpcError> {
    let out = rpc.eth_call(token, &decimalsCall {}.abi_encode()).await?;
    decimalsCall::abi_decode_returns(&out).map_err(|_| bad(url, "decimals", token, out.len()))
}

/// Whether Permit2 nonce `nonce` of `owner` is spent (used by a transfer, or invalidated).
pub async fn nonce_used(
    rpc: &Rpc<'_>,
    url: &str,
    owner: Address,
    nonce: U256,
) -> Result<bool, RpcError> {
    let (word, bit) = super::logs::nonce_position(nonce);
    let out = rpc
        .eth_call(
            PERMIT2_ADDRESS,
            &nonceBitmapCall {
                owner,
                wordPos: word,
            }
            .abi_encode(),
        )
        .await?;
    let bitmap = nonceBitmapCall::abi_decode_returns(&out).map_err(|_| RpcError::BadResponse {
        url: url.to_owned(),
        detail: format!(
            "nonceBitmap returned {} bytes; is Permit2 deployed at {PERMIT2_ADDRESS}?",
            out.len()
        ),
    })?;
    Ok(bitmap.bit(usize::from(bit)))
}

/// A Permit2 payment ready to send: the signed authorization, how the allowance is covered,
/// and the `extensions` to put in the payment header (the server's, echoed, with the
/// sponsoring extension's `info` filled in when one is used).
#[derive(Debug, Clone)]
pub struct Prepared {
    pub signed: super::Signed,
    pub approval: super::Approval,
    pub extensions: Option<serde_json::Value>,
}

/// Why [`prepare`] stopped. Each variant shows its cause's text and keeps the cause in the
/// error chain, where the exit status is read from.
#[derive(Debug, thiserror::Error)]
pub enum PrepareError {
    #[error("{0}")]
    AllowanceRequired(#[source] super::AllowanceRequired),
    #[error("{0}")]
    Tx(#[source] crate::evm_tx::TxError),
    #[error("{0}")]
    Sign(#[source] super::SignError),
}

impl From<super::AllowanceRequired> for PrepareError {
    fn from(e: super::AllowanceRequired) -> Self {
        PrepareError::AllowanceRequired(e)
    }
}

impl From<crate::evm_tx::TxError> for PrepareError {
    fn from(e: crate::evm_tx::TxError) -> Self {
        PrepareError::Tx(e)
    }
}

impl From<super::SignError> for PrepareError {
    fn from(e: super::SignError) -> Self {
        PrepareError::Sign(e)
    }
}

impl From<RpcError> for PrepareError {
    fn from(e: RpcError) -> Self {
        PrepareError::Tx(e.into())
    }
}

/// What [`read`] found on chain for one Permit2 payment: the payer's allowance to Permit2, how
/// it is covered, and what the covering extension needs signed (the token's EIP-2612 nonce, or
/// the payer's account nonce and current fees for the approve transaction).
#[derive(Debug, Clone)]
pub struct Reads {
    pub allowance: U256,
    pub approval: super::Approval,
    /// [`super::Approval::Eip2612`]: the token's `nonces(payer)`.
    pub token_nonce: Option<U256>,
    /// [`super::Approval::Erc20Approval`]: the payer's pending nonce and the current fees.
    pub approve_tx: Option<(u64, crate::evm_tx::Fees)>,
}

/// The chain reads before a Permit2 payment, for `owner`: checks the node's chain, reads
/// `allowance(owner, Permit2)`, [`super::decide`]s how it is covered and reads what that needs
/// signed (the EIP-2612 `nonces(owner)`, or the pending nonce and fees of the approve
/// transaction). Refuses with [`super::AllowanceRequired`] when nothing covers the allowance.
/// Reads only: [`sign`] then signs without asking the chain.
pub async fn read(
    chain: &crate::evm_tx::Chain<'_>,
    owner: Address,
    terms: &super::Terms,
    challenge_extensions: Option<&serde_json::Value>,
) -> Result<Reads, PrepareError> {
    use super::{Approval, Sponsoring};
    if chain.chain_id != terms.chain_id {
        return Err(crate::evm_tx::TxError::WrongChain {
            url: chain.url.to_owned(),
            expected: terms.chain_id,
            actual: chain.chain_id,
        }
        .into());
    }
    chain.check_chain().await?;
    let allowance = permit2_allowance(&chain.rpc, chain.url, terms.token, owner).await?;
    let approval = super::decide(terms, allowance, Sponsoring::offered(challenge_extensions))?;
    let (token_nonce, approve_tx) = match approval {
        Approval::Sufficient => (None, None),
        Approval::Eip2612 => (
            Some(token_nonce(&chain.rpc, chain.url, terms.token, owner).await?),
            None,
        ),
        Approval::Erc20Approval => {
            let nonce = chain.pending_nonce(owner).await?;
            (None, Some((nonce, chain.fees().await?)))
        }
    };
    Ok(Reads {
        allowance,
        approval,
        token_nonce,
        approve_tx,
    })
}

/// Signs the authorization for `now` and, when [`read`] found the allowance short, the
/// sponsoring extension the server offers (the EIP-2612 permit with the token's nonce and the
/// authorization's deadline, or the approve transaction with the payer's nonce and fees).
/// Asks nothing of the chain.
pub fn sign(
    reads: &Reads,
    signer: &alloy_signer_local::PrivateKeySigner,
    terms: &super::Terms,
    challenge_extensions: Option<&serde_json::Value>,
    now: u64,
) -> Result<Prepared, PrepareError> {
    use super::Approval;
    use super::extensions::{EIP2612_KEY, ERC20_APPROVAL_KEY, Eip2612Permit, sign_erc20_approval};
    let owner = signer.address();
    let signed = super::authorize(signer, terms, now)?;
    // `decide` only picks an extension the server declared, so `with_info` finds it; an `info`
    // that is not an object is the server's mistake, and the payment then goes without it.
    let fill = |key: &str, info| {
        challenge_extensions
            .map(|ext| super::extensions::with_info(ext, key, info).unwrap_or_else(|| ext.clone()))
    };
    let required = || super::AllowanceRequired {
        chain_id: terms.chain_id,
        token: terms.token,
        allowance: Some(reads.allowance),
        needed: terms.amount,
        server_said: false,
    };
    let extensions = match (reads.approval, reads.token_nonce, reads.approve_tx) {
        (Approval::Sufficient, ..) => challenge_extensions.cloned(),
        (Approval::Eip2612, Some(nonce), _) => {
            // `decide` picks eip2612 only when `extra` names the token's domain.
            let permit =
                Eip2612Permit::for_payment(owner, terms, nonce, signed.authorization.deadline)
                    .ok_or_else(required)?;
            let signature = permit.sign(signer)?;
            fill(EIP2612_KEY, permit.info(&signature))
        }
        (Approval::Erc20Approval, _, Some((nonce, fees))) => fill(
            ERC20_APPROVAL_KEY,
            sign_erc20_approval(signer, terms, nonce, fees)?,
        ),
        // What the extension needs was not read: nothing covers the allowance.
        _ => return Err(required().into()),
    };
    Ok(Prepared {
        signed,
        approval: reads.approval,
        extensions,
    })
}

/// [`read`] then [`sign`]: everything between a judged Permit2 option and its payment header,
/// for `signer`'s payment valid from `now`.
pub async fn prepare(
    chain: &crate::evm_tx::Chain<'_>,
    signer: &alloy_signer_local::PrivateKeySigner,
    terms: &super::Terms,
    challenge_extensions: Option<&serde_json::Value>,
    now: u64,
) -> Result<Prepared, PrepareError> {
    let reads = read(chain, signer.address(), terms, challenge_extensions).await?;
    sign(&reads, signer, terms, challenge_extensions, now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    /// A node whose every `eth_call` answers `answer`; the calls it got are recorded.
    async fn node(answer: String) -> (String, std::sync::Arc<std::sync::Mutex<Vec<Value>>>) {
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let log = seen.clone();
        let app = axum::Router::new().route(
            "/",
            axum::routing::post(move |axum::Json(req): axum::Json<Value>| {
                let (log, answer) = (log.clone(), answer.clone());
                async move {
                    log.lock().unwrap().push(req["params"][0].clone());
                    axum::Json(json!({"jsonrpc": "2.0", "id": 1, "result": answer}))
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        (url, seen)
    }

    #[tokio::test]
    async fn nonce_bitmap_word_and_bit() {
        let owner: Address = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
            .parse()
            .unwrap();
        // Word 0x12 with bit 0x34 set (and bit 0).
        let bitmap = (U256::from(1u8) << 0x34) | U256::from(1u8);
        let (url, seen) = node(format!("0x{:064x}", bitmap)).await;
        let client = crate::http::client(&Default::default()).unwrap();
        let rpc = Rpc::new(&client, &url);
        assert!(
            nonce_used(&rpc, &url, owner, U256::from(0x1234u64))
                .await
                .unwrap()
        );
        assert!(
            nonce_used(&rpc, &url, owner, U256::from(0x1200u64))
                .await
                .unwrap()
        );
        assert!(
            !nonce_used(&rpc, &url, owner, U256::from(0x1235u64))
                .await
                .unwrap()
        );
        let call = seen.lock().unwrap()[0].clone();
        assert_eq!(call["to"], PERMIT2_ADDRESS.to_checksum(None));
        let data = alloy_primitives::hex::decode(call["data"].as_str().unwrap()).unwrap();
        let decoded = nonceBitmapCall::abi_decode(&data).unwrap();
        assert_eq!(
            (decoded.owner, decoded.wordPos),
            (owner, U256::from(0x12u64))
        );
        // No contract there: an error, never "unused".
        let (url, _) = node("0x".into()).await;
        let rpc = Rpc::new(&client, &url);
        assert!(nonce_used(&rpc, &url, owner, U256::ZERO).await.is_err());
        assert!(permit2_allowance(&rpc, &url, owner, owner).await.is_err());
    }
}
