//! Cancelling an open Permit2 payment: the payer spends the permit's nonce itself with
//! Permit2's `invalidateUnorderedNonces(wordPos, mask)` (only the bit of that nonce set), sent
//! as an EIP-1559 transaction from the payer's account through [`crate::evm_tx::send`] (chain
//! id, nonce, fees, gas estimate, gas balance, bounded receipt wait). Once mined, Permit2
//! refuses the permit (`InvalidNonce`), so a signature handed to a server that lied is
//! worthless before its deadline.
//!
//! Permit2 nonces belong to the account that calls (`msg.sender`): no signature is needed, but
//! only the payer's own account can cancel. No printing and no prompt here; confirming first
//! is the caller's.

use alloy_primitives::{Address, B256, U256};
use alloy_signer_local::PrivateKeySigner;
use alloy_sol_types::{SolCall, sol};
use std::time::Duration;

use super::PERMIT2_ADDRESS;
use super::check::Record;
use super::logs::{nonce_mask, nonce_position};
use crate::evm_tx::{Call, Chain, Receipt, TxError};

sol! {
    function invalidateUnorderedNonces(uint256 wordPos, uint256 mask) external;
}

/// The call to Permit2 that spends `nonce` of whoever sends it.
pub fn invalidate_call(nonce: U256) -> Call {
    let (word_pos, bit) = nonce_position(nonce);
    Call {
        to: PERMIT2_ADDRESS,
        data: invalidateUnorderedNoncesCall {
            wordPos: word_pos,
            mask: nonce_mask(bit),
        }
        .abi_encode(),
        value: U256::ZERO,
    }
}

/// Why no cancellation took place (or it did not take).
#[derive(Debug, thiserror::Error)]
pub enum CancelError {
    #[error(
        "Permit2 nonce {nonce} of {payer} is already spent (settled or cancelled): nothing was sent"
    )]
    AlreadyUsed { payer: Address, nonce: U256 },
    #[error(
        "the permit was signed by {payer}, and this account is {account}: only the payer can \
         cancel it"
    )]
    NotPayer { payer: Address, account: Address },
    #[error(
        "the permit expired at {deadline} (the chain's time is {chain_time}): it can no longer \
         move money, and there is nothing to cancel"
    )]
    Expired { deadline: u64, chain_time: u64 },
    #[error(
        "{transaction} was mined, but Permit2 still shows nonce {nonce} unspent: the permit is \
         still open"
    )]
    StillOpen { transaction: B256, nonce: U256 },
    #[error(transparent)]
    Tx(#[from] TxError),
}

impl CancelError {
    /// The exit status this error ends the process with.
    pub fn status(&self) -> crate::exit::ExitStatus {
        match self {
            CancelError::Tx(e) => e.status(),
            CancelError::NotPayer { .. } => crate::exit::ExitStatus::Usage,
            CancelError::AlreadyUsed { .. }
            | CancelError::Expired { .. }
            | CancelError::StillOpen { .. } => crate::exit::ExitStatus::Failure,
        }
    }
}

impl From<crate::rpc::RpcError> for CancelError {
    fn from(e: crate::rpc::RpcError) -> Self {
        CancelError::Tx(e.into())
    }
}

/// Cancels the Permit2 payment `record` from `signer` (which must be the payer's key): the
/// node's chain checked (it must be the record's), the nonce read unspent (else
/// [`CancelError::AlreadyUsed`]) and the chain's time at most the deadline (else
/// [`CancelError::Expired`]: Permit2 already refuses it, and cancelling would only cost gas),
/// `invalidateUnorderedNonces` sent, its receipt awaited up to `wait` (`on_sent` runs with
/// the hash as soon as the node accepted it: a [`TxError::NotMined`] after that means it may
/// still be mined), and the nonce read again: it must now be spent. Nothing is sent when a
/// check before fails.
pub async fn cancel(
    chain: &Chain<'_>,
    signer: &PrivateKeySigner,
    record: &Record,
    wait: Duration,
    on_sent: impl FnOnce(B256),
) -> Result<Receipt, CancelError> {
    let (payer, nonce) = (record.payer, record.nonce);
    if signer.address() != payer {
        return Err(CancelError::NotPayer {
            payer,
            account: signer.address(),
        });
    }
    if chain.chain_id != record.chain_id {
        return Err(TxError::WrongChain {
            url: crate::request::safe_url_text(chain.url),
            expected: record.chain_id,
            actual: chain.chain_id,
        }
        .into());
    }
    chain.check_chain().await?;
    if super::chain::nonce_used(&chain.rpc, chain.url, payer, nonce).await? {
        return Err(CancelError::AlreadyUsed { payer, nonce });
    }
    let (_, chain_time) = super::logs::block_time(&chain.rpc, chain.url, None).await?;
    if chain_time > record.deadline {
        return Err(CancelError::Expired {
            deadline: record.deadline,
            chain_time,
        });
    }
    let receipt =
        crate::evm_tx::send(chain, signer, &invalidate_call(nonce), wait, on_sent).await?;
    // A node that mined something else under this hash, or a Permit2 that is not Permit2,
    // would leave the nonce open: only the bitmap says it is spent.
    if !super::chain::nonce_used(&chain.rpc, chain.url, payer, nonce).await? {
        return Err(CancelError::StillOpen {
            transaction: receipt.hash,
            nonce,
        });
    }
    Ok(receipt)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_call_sets_only_the_nonces_bit_in_its_word() {
        let nonce = (U256::from(0xabcdu64) << 8) | U256::from(0xffu64);
        let call = invalidate_call(nonce);
        assert_eq!(call.to, PERMIT2_ADDRESS);
        assert_eq!(call.value, U256::ZERO);
        let decoded = invalidateUnorderedNoncesCall::abi_decode(&call.data).unwrap();
        assert_eq!(decoded.wordPos, U256::from(0xabcdu64));
        assert_eq!(decoded.mask, U256::from(1u8) << 255);
        // Permit2's selector (ISignatureTransfer.invalidateUnorderedNonces).
        assert_eq!(
            call.data[..4],
            alloy_primitives::keccak256("invalidateUnorderedNonces(uint256,uint256)")[..4]
        );
        let low =
            invalidateUnorderedNoncesCall::abi_decode(&invalidate_call(U256::ZERO).data).unwrap();
        assert_eq!((low.wordPos, low.mask), (U256::ZERO, U256::from(1u8)));
    }
}
