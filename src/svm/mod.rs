//! Solana (SVM) support: addresses and associated token accounts ([`address`]), the Solana
//! network table ([`network`]), the `exact` requirement reader ([`requirement`]), the
//! transaction builder ([`transaction`]), the JSON-RPC reads a payment and `wallet balance`
//! need ([`rpc`]), the chain reads, preflight and signing of one payment ([`payment`]), what the chain says
//! about a signed payment ([`check`]), ed25519 keys and their keystores ([`keys`]), and the
//! Solana side of the `wallet` commands ([`wallet`]).
//!
//! Wire format: `x402-foundation/x402` `specs/schemes/exact/scheme_exact_svm.md` and the
//! reference client `@x402/svm` 2.27 (`src/exact/client/scheme.ts`). Built on the split Solana
//! crates (solana-pubkey, solana-keypair, solana-message, solana-transaction, ...), never the
//! `solana-sdk` umbrella. Everything except [`rpc`], [`payment`], [`check`] and [`wallet`] is pure: no I/O, no
//! printing, no prompting.

pub mod address;
pub mod check;
pub mod keys;
pub mod network;
pub mod payment;
pub mod requirement;
pub mod rpc;
pub mod transaction;
pub mod wallet;

pub use solana_keypair::Keypair;
pub use solana_pubkey::Pubkey;
