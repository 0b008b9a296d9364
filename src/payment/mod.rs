//! The x402 payment engine's wire layer: reading a 402 challenge ([`challenge`]), signing an
//! EVM `exact` EIP-3009 authorization ([`exact_evm`]), encoding the payment header
//! ([`header`]) and reading the settlement receipt ([`receipt`]).
//!
//! Pure functions over bytes, strings and `serde_json` values. This module never prints,
//! never prompts and never opens keystores or other files: callers hand it response headers
//! and bodies, an unlocked signer and the current time, and get typed results or typed
//! errors back. Malformed server input is an error or a listed problem, never a panic.
//! References (coinbase/x402): `specs/x402-specification-v1.md`, `specs/x402-specification-v2.md`
//! and `specs/transports-v{1,2}/http.md` for the wire shapes; EIP-3009, EIP-712 and
//! `specs/schemes/exact/scheme_exact_evm.md` for signing. Test vectors: `test_vectors.rs`.

pub mod challenge;
pub mod exact_evm;
pub mod header;
pub mod receipt;

#[cfg(test)]
#[allow(dead_code, reason = "shared fixtures; not every test uses every one")]
mod test_vectors;

pub mod policy;
pub mod terms;
