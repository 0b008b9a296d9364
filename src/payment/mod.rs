//! The x402 payment engine's wire layer: reading a 402 challenge ([`challenge`]), signing an
//! EVM `exact` EIP-3009 authorization ([`exact_evm`]), encoding the payment header
//! ([`header`]) and reading the settlement receipt ([`receipt`]).
//!
//! Pure functions over bytes, strings and `serde_json` values. This module never prints,
//! never prompts and never opens keystores or other files: callers hand it response headers
//! and bodies, an unlocked signer and the current time, and get typed results or typed
//! errors back. Malformed server input is an error or a listed problem, never a panic.
//! Reference: /work/shared/x402-protocol.md (§1 wire shapes, §2.2 EIP-3009, §9 vectors).

pub mod challenge;
pub mod exact_evm;
pub mod header;
pub mod receipt;

#[cfg(test)]
#[allow(dead_code, reason = "shared fixtures; not every test uses every one")]
mod test_vectors;

pub mod policy;
pub mod terms;
