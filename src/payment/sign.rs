//! Signing a 32-byte EIP-712 digest with a local key, and recovering its signer: the one
//! place every EVM signature of this tool is made (EIP-3009 authorizations in
//! [`super::exact_evm`], Permit2 permits in [`super::permit2`], cancellations in
//! [`super::cancel`]). Depends on alloy only; no I/O.

use alloy_primitives::{Address, B256, Signature, SignatureError};
use alloy_signer::SignerSync;
use alloy_signer_local::PrivateKeySigner;

/// Signs `digest` (already the EIP-712 `keccak256(0x1901 ‖ domain ‖ struct)`).
pub fn sign_digest(
    signer: &PrivateKeySigner,
    digest: &B256,
) -> Result<Signature, alloy_signer::Error> {
    signer.sign_hash_sync(digest)
}

/// [`sign_digest`] as `r ‖ s ‖ v` with `v` in {27, 28}: the form viem produces and
/// facilitators expect.
pub fn sign_digest_bytes(
    signer: &PrivateKeySigner,
    digest: &B256,
) -> Result<[u8; 65], alloy_signer::Error> {
    sign_digest(signer, digest).map(|s| s.as_bytes())
}

/// The address whose key produced the 65-byte `signature` over `digest`.
pub fn recover_digest(digest: &B256, signature: &[u8]) -> Result<Address, SignatureError> {
    Signature::from_raw(signature).and_then(|s| s.recover_address_from_prehash(digest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_recovers_to_its_key_and_v_is_27_or_28() {
        let key: PrivateKeySigner = crate::payment::test_vectors::ANVIL_KEY.parse().unwrap();
        for byte in [0u8, 1, 0xfe] {
            let digest = B256::repeat_byte(byte);
            let sig = sign_digest_bytes(&key, &digest).unwrap();
            assert!(matches!(sig[64], 27 | 28));
            assert_eq!(recover_digest(&digest, &sig).unwrap(), key.address());
            assert_eq!(sign_digest(&key, &digest).unwrap().as_bytes(), sig);
        }
        assert!(recover_digest(&B256::ZERO, &[0u8; 64]).is_err());
    }
}
