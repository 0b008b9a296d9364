//! Cancelling an EIP-3009 authorization: the `CancelAuthorization(authorizer, nonce)` EIP-712
//! message the payer signs, and the EIP-1559 transaction that carries
//! `cancelAuthorization(authorizer, nonce, v, r, s)` to the token.
//!
//! EIP-3009 (<https://eips.ethereum.org/EIPS/eip-3009>, "cancelAuthorization"): once the nonce
//! is marked cancelled, `transferWithAuthorization` with it reverts, so a signature handed to a
//! server that lied becomes worthless before `validBefore`. No I/O and no printing here.

use alloy_consensus::{SignableTransaction, TxEip1559, TxEnvelope};
use alloy_eips::eip2718::Encodable2718;
use alloy_primitives::{Address, B256, Signature, TxKind, U256};
use alloy_signer::SignerSync;
use alloy_signer_local::PrivateKeySigner;
use alloy_sol_types::{Eip712Domain, SolStruct, sol};

sol! {
    /// EIP-3009's cancellation message, as FiatToken v2 hashes it.
    struct CancelAuthorization {
        address authorizer;
        bytes32 nonce;
    }
}

/// The EIP-712 digest the authorizer signs to cancel `nonce`.
pub fn cancel_hash(authorizer: Address, nonce: B256, domain: &Eip712Domain) -> B256 {
    CancelAuthorization { authorizer, nonce }.eip712_signing_hash(domain)
}

/// Signs the cancellation of `nonce` with the authorizer's key.
pub fn sign_cancel(
    signer: &PrivateKeySigner,
    nonce: B256,
    domain: &Eip712Domain,
) -> Result<Signature, alloy_signer::Error> {
    signer.sign_hash_sync(&cancel_hash(signer.address(), nonce, domain))
}

/// What the node said the transaction needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TxParams {
    pub chain_id: u64,
    pub nonce: u64,
    pub gas_limit: u64,
    pub max_fee_per_gas: u128,
    pub max_priority_fee_per_gas: u128,
}

/// A call of `to` with `input` and no value, as a signed EIP-1559 transaction: its hash and
/// its EIP-2718 bytes for `eth_sendRawTransaction`.
pub fn signed_call(
    signer: &PrivateKeySigner,
    params: &TxParams,
    to: Address,
    input: Vec<u8>,
) -> Result<(B256, Vec<u8>), alloy_signer::Error> {
    let tx = TxEip1559 {
        chain_id: params.chain_id,
        nonce: params.nonce,
        gas_limit: params.gas_limit,
        max_fee_per_gas: params.max_fee_per_gas,
        max_priority_fee_per_gas: params.max_priority_fee_per_gas,
        to: TxKind::Call(to),
        value: U256::ZERO,
        access_list: Default::default(),
        input: input.into(),
    };
    let signature = signer.sign_hash_sync(&tx.signature_hash())?;
    let envelope: TxEnvelope = tx.into_signed(signature).into();
    Ok((*envelope.tx_hash(), envelope.encoded_2718()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_eips::eip2718::Decodable2718;

    fn key() -> PrivateKeySigner {
        // Anvil's account #1, a well-known test key.
        "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"
            .parse()
            .unwrap()
    }

    #[test]
    fn the_cancel_signature_recovers_to_the_authorizer() {
        let signer = key();
        let domain = super::super::exact_evm::domain("USDC", "2", 84532, Address::repeat_byte(7));
        let nonce = B256::repeat_byte(0xab);
        let sig = sign_cancel(&signer, nonce, &domain).unwrap();
        let hash = cancel_hash(signer.address(), nonce, &domain);
        assert_eq!(
            sig.recover_address_from_prehash(&hash).unwrap(),
            signer.address()
        );
        // The type hash EIP-3009 specifies.
        assert_eq!(
            CancelAuthorization {
                authorizer: Address::ZERO,
                nonce
            }
            .eip712_type_hash(),
            alloy_primitives::keccak256("CancelAuthorization(address authorizer,bytes32 nonce)")
        );
    }

    #[test]
    fn the_transaction_decodes_back_with_its_fields_and_sender() {
        let signer = key();
        let params = TxParams {
            chain_id: 84532,
            nonce: 7,
            gas_limit: 90_000,
            max_fee_per_gas: 2_000_000_000,
            max_priority_fee_per_gas: 1_000_000,
        };
        let to = Address::repeat_byte(0x11);
        let (hash, raw) = signed_call(&signer, &params, to, vec![1, 2, 3]).unwrap();
        assert_eq!(raw[0], 2, "an EIP-1559 (type 2) transaction");
        assert_eq!(hash, alloy_primitives::keccak256(&raw));
        let back = TxEnvelope::decode_2718(&mut raw.as_slice()).unwrap();
        let TxEnvelope::Eip1559(signed) = back else {
            panic!("not EIP-1559")
        };
        let tx = signed.tx();
        assert_eq!(
            signed
                .signature()
                .recover_address_from_prehash(&tx.signature_hash())
                .unwrap(),
            signer.address()
        );
        assert_eq!(
            (
                tx.chain_id,
                tx.nonce,
                tx.gas_limit,
                tx.to,
                tx.input.to_vec()
            ),
            (84532, 7, 90_000, TxKind::Call(to), vec![1, 2, 3])
        );
    }
}
