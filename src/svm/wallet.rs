//! The Solana side of `x402 wallet`.
