//! Cancelling an EIP-3009 authorization: the `CancelAuthorization(authorizer, nonce)` EIP-712
//! message the payer signs. The EIP-1559 transaction that carries
//! `cancelAuthorization(authorizer, nonce, v, r, s)` to the token is sent by
//! [`crate::evm_tx::send`].
//!
//! EIP-3009 (<https://eips.ethereum.org/EIPS/eip-3009>, "cancelAuthorization"): once the nonce
//! is marked cancelled, `transferWithAuthorization` with it reverts, so a signature handed to a
//! server that lied becomes worthless before `validBefore`. No I/O and no printing here.

use alloy_primitives::{Address, B256, Signature};
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
    super::sign::sign_digest(signer, &cancel_hash(signer.address(), nonce, domain))
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
