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
    let word = nonce >> 8;
    let bit = (nonce & U256::from(0xff)).to::<usize>();
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
    Ok(bitmap.bit(bit))
}
