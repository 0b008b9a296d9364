//! The one table of networks and stablecoins the tool knows.
//!
//! Built-in entries come from x402-protocol.md §4 (the defaults the official v2 SDKs emit, the
//! v1 network names and the legacy USDC table); config.toml adds custom networks and assets at
//! start-up. `inspect`, `get`, `wallet balance` and the payment policy all ask this table, so a
//! price is only ever shown with decimals the tool actually knows.

use alloy_primitives::Address;
use std::fmt;

/// How a token is moved by the `exact` scheme (`extra.assetTransferMethod`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransferMethod {
    /// EIP-3009 `transferWithAuthorization`: the default, and the one this tool pays with.
    Eip3009,
    /// Permit2 (`assetTransferMethod: "permit2"`): shown by `inspect`, not yet paid.
    Permit2,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Asset {
    pub symbol: String,
    pub address: Address,
    pub decimals: u8,
    /// EIP-712 domain `name` and `version` the token's contract signs with.
    pub eip712_name: String,
    pub eip712_version: String,
    pub method: TransferMethod,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Network {
    /// The name users type: the v1 network name where there is one (`base-sepolia`).
    pub name: String,
    /// Human name (`Base Sepolia`).
    pub display: String,
    pub chain_id: u64,
    /// Whether x402 v1 servers know this network by `name`.
    pub v1: bool,
    pub native_symbol: String,
    pub rpc_url: Option<String>,
    /// `rpc_url` was set by the user (config.toml), not taken from the built-in table.
    pub rpc_configured: bool,
    /// Transaction link with `{tx}` in place of the hash.
    pub explorer_tx: Option<String>,
    pub testnet: bool,
    /// The network's default stablecoin first, then any assets added by config.
    pub assets: Vec<Asset>,
    /// Declared in config.toml rather than built in.
    pub custom: bool,
}

impl Network {
    /// CAIP-2 id, as x402 v2 names networks (`eip155:84532`).
    pub fn caip2(&self) -> String {
        format!("eip155:{}", self.chain_id)
    }

    pub fn asset(&self, address: &Address) -> Option<&Asset> {
        self.assets.iter().find(|a| &a.address == address)
    }

    pub fn explorer_link(&self, tx: &str) -> Option<String> {
        self.explorer_tx.as_ref().map(|p| p.replace("{tx}", tx))
    }
}

impl fmt::Display for Network {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.name, self.caip2())
    }
}

/// (name, display, chain id, v1 name?, native symbol, rpc, explorer tx link, testnet, stablecoin)
type Row = (
    &'static str,
    &'static str,
    u64,
    bool,
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    bool,
    Option<(
        &'static str,
        &'static str,
        u8,
        &'static str,
        &'static str,
        TransferMethod,
    )>,
);

use TransferMethod::{Eip3009, Permit2};

#[rustfmt::skip]
const BUILT_IN: &[Row] = &[
    ("base", "Base", 8453, true, "ETH", Some("https://mainnet.base.org"), Some("https://basescan.org/tx/{tx}"), false,
        Some(("USDC", "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913", 6, "USD Coin", "2", Eip3009))),
    ("base-sepolia", "Base Sepolia", 84532, true, "ETH", Some("https://sepolia.base.org"), Some("https://sepolia.basescan.org/tx/{tx}"), true,
        Some(("USDC", "0x036CbD53842c5426634e7929541eC2318f3dCF7e", 6, "USDC", "2", Eip3009))),
    ("polygon", "Polygon", 137, true, "POL", Some("https://polygon-rpc.com"), Some("https://polygonscan.com/tx/{tx}"), false,
        Some(("USDC", "0x3c499c542cEF5E3811e1192ce70d8cC03d5c3359", 6, "USD Coin", "2", Eip3009))),
    ("polygon-amoy", "Polygon Amoy", 80002, true, "POL", Some("https://rpc-amoy.polygon.technology"), Some("https://amoy.polygonscan.com/tx/{tx}"), true,
        Some(("USDC", "0x41E94Eb019C0762f9Bfcf9Fb1E58725BfB0e7582", 6, "USDC", "2", Eip3009))),
    ("arbitrum", "Arbitrum One", 42161, false, "ETH", Some("https://arb1.arbitrum.io/rpc"), Some("https://arbiscan.io/tx/{tx}"), false,
        Some(("USDC", "0xaf88d065e77c8cC2239327C5EDb3A432268e5831", 6, "USD Coin", "2", Eip3009))),
    ("arbitrum-sepolia", "Arbitrum Sepolia", 421614, false, "ETH", Some("https://sepolia-rollup.arbitrum.io/rpc"), Some("https://sepolia.arbiscan.io/tx/{tx}"), true,
        Some(("USDC", "0x75faf114eafb1BDbe2F0316DF893fd58CE46AA4d", 6, "USD Coin", "2", Eip3009))),
    ("ethereum", "Ethereum", 1, true, "ETH", Some("https://ethereum-rpc.publicnode.com"), Some("https://etherscan.io/tx/{tx}"), false,
        Some(("USDC", "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48", 6, "USD Coin", "2", Eip3009))),
    ("sepolia", "Sepolia", 11155111, true, "ETH", Some("https://ethereum-sepolia-rpc.publicnode.com"), Some("https://sepolia.etherscan.io/tx/{tx}"), true,
        None),
    ("avalanche", "Avalanche C-Chain", 43114, true, "AVAX", Some("https://api.avax.network/ext/bc/C/rpc"), Some("https://snowtrace.io/tx/{tx}"), false,
        Some(("USDC", "0xB97EF9Ef8734C71904D8002F8b6Bc66Dd9c48a6E", 6, "USD Coin", "2", Eip3009))),
    ("avalanche-fuji", "Avalanche Fuji", 43113, true, "AVAX", Some("https://api.avax-test.network/ext/bc/C/rpc"), Some("https://testnet.snowtrace.io/tx/{tx}"), true,
        Some(("USDC", "0x5425890298aed601595a70AB815c96711a31Bc65", 6, "USD Coin", "2", Eip3009))),
    ("iotex", "IoTeX", 4689, true, "IOTX", Some("https://babel-api.mainnet.iotex.io"), None, false,
        Some(("USDC", "0xcdf79194c6c285077a58da47641d4dbe51f63542", 6, "Bridged USDC", "2", Eip3009))),
    ("sei", "Sei", 1329, true, "SEI", Some("https://evm-rpc.sei-apis.com"), None, false,
        Some(("USDC", "0xe15fc38f6d8c56af07bbcbe3baf5708a2bf42392", 6, "USDC", "2", Eip3009))),
    ("sei-testnet", "Sei Testnet", 1328, true, "SEI", Some("https://evm-rpc-testnet.sei-apis.com"), None, true,
        Some(("USDC", "0x4fcf1784b31630811181f670aea7a7bef803eaed", 6, "USDC", "2", Eip3009))),
    ("peaq", "peaq", 3338, true, "PEAQ", None, None, false,
        Some(("USDC", "0xbbA60da06c2c5424f03f7434542280FCAd453d10", 6, "USDC", "2", Eip3009))),
    ("abstract", "Abstract", 2741, true, "ETH", Some("https://api.mainnet.abs.xyz"), None, false,
        Some(("USDC", "0x84a71ccd554cc1b02749b35d22f684cc8ec987e1", 6, "Bridged USDC", "2", Eip3009))),
    ("abstract-testnet", "Abstract Testnet", 11124, true, "ETH", Some("https://api.testnet.abs.xyz"), None, true,
        Some(("USDC", "0xe4C7fBB0a626ed208021ccabA6Be1566905E2dFc", 6, "Bridged USDC", "2", Eip3009))),
    ("story", "Story", 1514, true, "IP", Some("https://mainnet.storyrpc.io"), None, false,
        Some(("USDC", "0xF1815bd50389c46847f0Bda824eC8da914045D14", 6, "Bridged USDC", "2", Eip3009))),
    ("educhain", "EDU Chain", 41923, true, "EDU", None, None, false,
        Some(("USDC", "0x12a272A581feE5577A5dFa371afEB4b2F3a8C2F8", 6, "Bridged USDC (Stargate)", "2", Eip3009))),
    ("skale-base-sepolia", "SKALE Base Sepolia", 324705682, true, "CREDIT", None, None, true,
        Some(("USDC", "0x2e08028E3C4c2356572E096d8EF835cD5C6030bD", 6, "Bridged USDC (SKALE Bridge)", "2", Eip3009))),
    // Monad: the SDK tables said "USD Coin" until Aug 2026; the contract's name() is "USDC".
    ("monad", "Monad", 143, true, "MON", None, None, false,
        Some(("USDC", "0x754704Bc059F8C67012fEd69BC8A327a5aafb603", 6, "USDC", "2", Eip3009))),
    ("stable", "Stable", 988, true, "USDT0", None, None, false,
        Some(("USDT0", "0x779Ded0c9e1022225f8E0630b35a9b54bE713736", 6, "USDT0", "1", Eip3009))),
    ("stable-testnet", "Stable Testnet", 2201, true, "USDT0", None, None, true,
        Some(("USDT0", "0x78Cf24370174180738C5B8E352B6D14c83a6c9A9", 6, "USDT0", "1", Eip3009))),
    ("megaeth", "MegaETH", 4326, true, "ETH", None, None, false,
        Some(("MegaUSD", "0xFAfDdbb3FC7688494971a79cc65DCa3EF82079E7", 18, "MegaUSD", "1", Permit2))),
    ("mezo-testnet", "Mezo Testnet", 31611, false, "BTC", None, None, true,
        Some(("mUSD", "0x118917a40FAF1CD7a13dB0Ef56C86De7973Ac503", 18, "Mezo USD", "1", Permit2))),
    ("mezo", "Mezo", 31612, false, "BTC", None, None, false,
        Some(("mUSD", "0xdD468A1DDc392dcdbEf6db6e34E89AA338F9F186", 18, "Mezo USD", "1", Permit2))),
    ("radius", "Radius", 723487, false, "RUSD", None, None, false,
        Some(("SBC", "0x33ad9e4BD16B69B5BFdED37D8B5D9fF9aba014Fb", 6, "Stable Coin", "1", Permit2))),
    ("radius-testnet", "Radius Testnet", 72344, false, "RUSD", None, None, true,
        Some(("SBC", "0x33ad9e4BD16B69B5BFdED37D8B5D9fF9aba014Fb", 6, "Stable Coin", "1", Permit2))),
    ("adi", "ADI", 36900, false, "ADI", None, None, false,
        Some(("USDC.e", "0x9cb8142aEBBcdc60AF7c97Af897A67A8f3CA71C2", 6, "USDC.e", "2", Eip3009))),
    ("hpp", "HPP", 190415, false, "ETH", None, None, false,
        Some(("USDC", "0x401eCb1D350407f13ba348573E5630B83638E30D", 6, "Bridged USDC", "2", Eip3009))),
    ("hpp-sepolia", "HPP Sepolia", 181228, false, "ETH", None, None, true,
        Some(("USDC", "0x401eCb1D350407f13ba348573E5630B83638E30D", 6, "Bridged USDC", "2", Eip3009))),
    ("xdc", "XDC", 50, false, "XDC", Some("https://rpc.xdc.org"), Some("https://xdcscan.com/tx/{tx}"), false,
        Some(("USDC", "0xfA2958CB79b0491CC627c1557F441eF849Ca8eb1", 6, "USDC", "2", Eip3009))),
    ("xdc-apothem", "XDC Apothem", 51, false, "XDC", Some("https://rpc.apothem.network"), None, true,
        Some(("USDC", "0xb5AB69F7bBada22B28e79C8FFAECe55eF1c771D4", 6, "USDC", "2", Eip3009))),
    ("igra", "Igra", 38833, false, "KAS", None, None, false,
        Some(("USDC", "0xA5b8BF902b2844dA17d4506cc827F7F1681735E7", 6, "USDC", "1", Permit2))),
    // From @x402/evm 2.27's network map and default stablecoins.
    ("celo", "Celo", 42220, true, "CELO", Some("https://forno.celo.org"), Some("https://celoscan.io/tx/{tx}"), false,
        Some(("USDC", "0xcebA9300f2b948710d2653dD7B07f33A8B32118C", 6, "USDC", "2", Eip3009))),
    ("celo-sepolia", "Celo Sepolia", 11142220, false, "CELO", Some("https://forno.celo-sepolia.celo-testnet.org"), None, true,
        Some(("USDC", "0x01C5C0122039549AD1493B8220cABEdD739BC44E", 6, "USDC", "2", Eip3009))),
    ("flare", "Flare", 14, true, "FLR", Some("https://flare-api.flare.network/ext/C/rpc"), Some("https://flare-explorer.flare.network/tx/{tx}"), false,
        Some(("USDT0", "0xe7cd86e13AC4309349F30B3435a9d337750fC82D", 6, "USD\u{20AE}0", "1", Eip3009))),
];

/// The default network when none is named: Base mainnet.
pub const DEFAULT_NETWORK: &str = "base";

/// All networks the tool knows: the built-in table plus config.toml's additions.
#[derive(Clone, Debug)]
pub struct Networks {
    list: Vec<Network>,
}

impl Networks {
    pub fn built_in() -> Self {
        let list = BUILT_IN
            .iter()
            .map(
                |&(name, display, chain_id, v1, native, rpc, explorer, testnet, coin)| Network {
                    name: name.into(),
                    display: display.into(),
                    chain_id,
                    v1,
                    native_symbol: native.into(),
                    rpc_url: rpc.map(Into::into),
                    rpc_configured: false,
                    explorer_tx: explorer.map(Into::into),
                    testnet,
                    custom: false,
                    assets: coin
                        .map(|(symbol, address, decimals, name, version, method)| Asset {
                            symbol: symbol.into(),
                            // The table is checked by a unit test; a typo fails it, not a user.
                            address: address.parse().unwrap_or(Address::ZERO),
                            decimals,
                            eip712_name: name.into(),
                            eip712_version: version.into(),
                            method,
                        })
                        .into_iter()
                        .collect(),
                },
            )
            .collect();
        Self { list }
    }

    pub fn iter(&self) -> impl Iterator<Item = &Network> {
        self.list.iter()
    }

    /// Finds a network by name (`base-sepolia`), CAIP-2 id (`eip155:84532`) or custom name.
    pub fn find(&self, query: &str) -> Option<&Network> {
        let q = query.trim();
        if let Some(id) = q.strip_prefix("eip155:") {
            let id: u64 = id.parse().ok()?;
            return self.by_chain_id(id);
        }
        self.list.iter().find(|n| n.name.eq_ignore_ascii_case(q))
    }

    pub fn find_mut(&mut self, query: &str) -> Option<&mut Network> {
        let name = self.find(query)?.name.clone();
        self.list.iter_mut().find(|n| n.name == name)
    }

    pub fn by_chain_id(&self, chain_id: u64) -> Option<&Network> {
        // A custom network may shadow a built-in one with the same id (a local fork).
        self.list
            .iter()
            .rev()
            .filter(|n| n.custom)
            .chain(self.list.iter().filter(|n| !n.custom))
            .find(|n| n.chain_id == chain_id)
    }

    /// A network as named in a payment requirement: CAIP-2 for v2, a v1 name for v1.
    pub fn for_requirement(&self, network: &str, version: u8) -> Option<&Network> {
        if version == 1 && !network.contains(':') {
            return self
                .list
                .iter()
                .find(|n| (n.v1 || n.custom) && n.name.eq_ignore_ascii_case(network));
        }
        self.find(network)
    }

    pub fn add(&mut self, network: Network) {
        self.list.push(network);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_addresses_parse_and_names_are_unique() {
        let mut names = std::collections::HashSet::new();
        for row in BUILT_IN {
            if let Some(coin) = row.8 {
                assert!(coin.1.parse::<Address>().is_ok(), "{}", row.0);
            }
            assert!(names.insert(row.0), "duplicate {}", row.0);
        }
        let net = Networks::built_in();
        assert!(
            net.iter()
                .all(|n| n.assets.iter().all(|a| a.address != Address::ZERO))
        );
    }

    #[test]
    fn finds_by_name_and_caip2() {
        let net = Networks::built_in();
        assert_eq!(net.find("base-sepolia").unwrap().chain_id, 84532);
        assert_eq!(net.find("eip155:8453").unwrap().name, "base");
        assert_eq!(net.find("BASE").unwrap().name, "base");
        assert!(net.find("eip155:999999").is_none());
        assert!(net.find("solana").is_none());
        assert_eq!(
            net.for_requirement("base-sepolia", 1).unwrap().chain_id,
            84532
        );
        assert!(net.for_requirement("arbitrum", 1).is_none(), "no v1 name");
        let usdc = &net.find("base").unwrap().assets[0];
        assert_eq!((usdc.eip712_name.as_str(), usdc.decimals), ("USD Coin", 6));
    }
}
