//! The Solana networks the tool knows, beside the EVM table of `crate::network`.
//!
//! CAIP-2 ids, v1 names and USDC mints from `@x402/svm` 2.27 `src/constants.ts`
//! (x402-protocol.md §4.3); public RPC URLs as `@x402/svm`'s `createRpcClient` defaults them;
//! explorer links to explorer.solana.com with its `cluster` parameter. config.toml's
//! `[rpc] solana-devnet = "URL"` replaces an RPC URL.

use super::address::TokenProgram;
use solana_pubkey::Pubkey;
use std::fmt;

/// A stablecoin on a Solana network.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SvmAsset {
    pub symbol: String,
    pub mint: Pubkey,
    pub decimals: u8,
    /// The program that owns the mint, so a payment needs no `getAccountInfo` to learn it.
    pub program: TokenProgram,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SvmNetwork {
    /// The name users type, which is also the x402 v1 network name (`solana-devnet`).
    pub name: String,
    pub display: String,
    /// `solana:` + the first 32 characters of the genesis hash.
    pub caip2: String,
    pub rpc_url: Option<String>,
    /// `rpc_url` was set by the user (config.toml), not taken from the built-in table.
    pub rpc_configured: bool,
    /// Transaction link with `{tx}` in place of the signature.
    pub explorer_tx: Option<String>,
    pub testnet: bool,
    pub assets: Vec<SvmAsset>,
}

/// SOL has 9 decimals (1 SOL = 10^9 lamports).
pub const SOL_DECIMALS: u8 = 9;
pub const NATIVE_SYMBOL: &str = "SOL";

impl SvmNetwork {
    pub fn asset(&self, mint: &Pubkey) -> Option<&SvmAsset> {
        self.assets.iter().find(|a| &a.mint == mint)
    }

    pub fn explorer_link(&self, signature: &str) -> Option<String> {
        self.explorer_tx
            .as_ref()
            .map(|p| p.replace("{tx}", signature))
    }
}

impl fmt::Display for SvmNetwork {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.name, self.caip2)
    }
}

/// (name, display, CAIP-2, RPC URL, explorer, testnet, USDC mint)
type Row = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    bool,
    &'static str,
);

#[rustfmt::skip]
const BUILT_IN: &[Row] = &[
    ("solana", "Solana", "solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp", "https://api.mainnet-beta.solana.com",
        "https://explorer.solana.com/tx/{tx}", false, "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v"),
    ("solana-devnet", "Solana Devnet", "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1", "https://api.devnet.solana.com",
        "https://explorer.solana.com/tx/{tx}?cluster=devnet", true, "4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU"),
    // @x402/svm uses devnet's USDC mint for testnet too.
    ("solana-testnet", "Solana Testnet", "solana:4uhcVJyU9pJkvQyS88uRDiswHXSCkY3z", "https://api.testnet.solana.com",
        "https://explorer.solana.com/tx/{tx}?cluster=testnet", true, "4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU"),
];

/// The built-in Solana networks.
pub fn built_in() -> Vec<SvmNetwork> {
    BUILT_IN
        .iter()
        .map(
            |&(name, display, caip2, rpc, explorer, testnet, usdc)| SvmNetwork {
                name: name.into(),
                display: display.into(),
                caip2: caip2.into(),
                rpc_url: Some(rpc.into()),
                rpc_configured: false,
                explorer_tx: Some(explorer.into()),
                testnet,
                assets: vec![SvmAsset {
                    symbol: "USDC".into(),
                    mint: Pubkey::from_str_const(usdc),
                    decimals: 6,
                    program: TokenProgram::Token,
                }],
            },
        )
        .collect()
}

/// The CAIP-2 id of a built-in network by its x402 v1 name (its name), exactly as sent.
pub fn v1_caip2(name: &str) -> Option<&'static str> {
    BUILT_IN.iter().find(|row| row.0 == name).map(|row| row.2)
}

/// Finds a network by name or CAIP-2 id, as `--network` and requirements name them (v1 names
/// are the names).
pub fn find<'a>(list: &'a [SvmNetwork], query: &str) -> Option<&'a SvmNetwork> {
    let q = query.trim();
    list.iter()
        .find(|n| n.caip2 == q || n.name.eq_ignore_ascii_case(q))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_matches_the_protocol_notes() {
        let list = built_in();
        let rows: Vec<(&str, &str, String)> = list
            .iter()
            .map(|n| {
                (
                    n.name.as_str(),
                    n.caip2.as_str(),
                    n.assets[0].mint.to_string(),
                )
            })
            .collect();
        assert_eq!(
            rows,
            vec![
                (
                    "solana",
                    "solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp",
                    "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v".to_string()
                ),
                (
                    "solana-devnet",
                    "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1",
                    "4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU".to_string()
                ),
                (
                    "solana-testnet",
                    "solana:4uhcVJyU9pJkvQyS88uRDiswHXSCkY3z",
                    "4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU".to_string()
                ),
            ]
        );
        for n in &list {
            assert_eq!(n.assets[0].decimals, 6, "{}", n.name);
            let url = reqwest::Url::parse(n.rpc_url.as_deref().unwrap()).unwrap();
            assert_eq!(url.scheme(), "https", "{}", n.name);
            let link = n.explorer_link("5sig").unwrap();
            assert!(
                link.starts_with("https://explorer.solana.com/tx/5sig"),
                "{link}"
            );
        }
        assert!(!list[0].testnet && list[1].testnet && list[2].testnet);
    }

    #[test]
    fn finds_by_name_and_caip2() {
        let list = built_in();
        assert_eq!(
            find(&list, "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1")
                .unwrap()
                .name,
            "solana-devnet"
        );
        assert_eq!(find(&list, "Solana").unwrap().name, "solana");
        assert!(find(&list, "base").is_none());
        assert!(find(&list, "solana:mainnet").is_none());
    }
}
