//! The one table of networks and stablecoins the tool knows.
//!
//! Built-in entries come from `@x402/evm` 2.27.0: `DEFAULT_ASSETS` (`src/defaultAssets.ts`, the
//! stablecoins the official v2 SDKs default to) and `EVM_NETWORK_CHAIN_ID_MAP`
//! (`src/constants.ts`, the v1 network names). Chains without a default asset there take USDC
//! from the legacy `x402` 1.x package (`src/types/shared/evm/config.ts`; EIP-712 version "2",
//! as its `getDefaultAsset` uses). config.toml adds custom networks and assets at start-up.
//! Rows that lacked a default RPC URL or explorer link were filled from viem 2.57.20's chain
//! definitions, matched by chain id (`rpcUrls.default.http[0]`, and
//! `blockExplorers.default.url` + `/tx/{tx}`). `inspect`, `get`, `wallet balance` and the
//! payment policy all ask this table, so a price is only ever shown with decimals the tool
//! actually knows.

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

/// A network of either family, as a quote, the journal and the engine name it: the EVM
/// [`Network`] or a Solana [`SvmNetwork`](crate::svm::network::SvmNetwork). Whatever a payment
/// needs of its network regardless of family is a method here, one `match` each.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Chain {
    Evm(Network),
    Svm(crate::svm::network::SvmNetwork),
}

impl Chain {
    /// The name users type (`base-sepolia`, `solana-devnet`).
    pub fn name(&self) -> &str {
        match self {
            Chain::Evm(n) => &n.name,
            Chain::Svm(n) => &n.name,
        }
    }

    /// CAIP-2 id (`eip155:84532`, `solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1`).
    pub fn caip2(&self) -> String {
        match self {
            Chain::Evm(n) => n.caip2(),
            Chain::Svm(n) => n.caip2.clone(),
        }
    }

    pub fn family(&self) -> Family {
        match self {
            Chain::Evm(_) => Family::Evm,
            Chain::Svm(_) => Family::Solana,
        }
    }

    pub fn rpc_url(&self) -> Option<&str> {
        match self {
            Chain::Evm(n) => n.rpc_url.as_deref(),
            Chain::Svm(n) => n.rpc_url.as_deref(),
        }
    }

    /// The RPC URL was set by the user (config.toml), not taken from the built-in table.
    pub fn rpc_configured(&self) -> bool {
        match self {
            Chain::Evm(n) => n.rpc_configured,
            Chain::Svm(n) => n.rpc_configured,
        }
    }

    /// The explorer's page for a transaction (an EVM hash, a Solana signature).
    pub fn explorer_link(&self, tx: &str) -> Option<String> {
        match self {
            Chain::Evm(n) => n.explorer_link(tx),
            Chain::Svm(n) => n.explorer_link(tx),
        }
    }

    /// The EVM network, when this is one.
    pub fn evm(&self) -> Option<&Network> {
        match self {
            Chain::Evm(n) => Some(n),
            Chain::Svm(_) => None,
        }
    }
}

impl fmt::Display for Chain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Chain::Evm(n) => n.fmt(f),
            Chain::Svm(n) => n.fmt(f),
        }
    }
}

/// A network of either family borrowed from [`Networks`]: what an option is judged on, so an
/// option that cannot be paid costs no copy of its network. [`ChainRef::to_chain`] makes the
/// owned [`Chain`] a quote keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChainRef<'a> {
    Evm(&'a Network),
    Svm(&'a crate::svm::network::SvmNetwork),
}

impl ChainRef<'_> {
    /// The name users type (`base-sepolia`, `solana-devnet`).
    pub fn name(&self) -> &str {
        match self {
            ChainRef::Evm(n) => &n.name,
            ChainRef::Svm(n) => &n.name,
        }
    }

    /// The owned copy, as a quote keeps it.
    pub fn to_chain(self) -> Chain {
        match self {
            ChainRef::Evm(n) => Chain::Evm(n.clone()),
            ChainRef::Svm(n) => Chain::Svm(n.clone()),
        }
    }
}

/// A token as a quote shows and the journal records it, whatever its family.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    /// The EIP-55 checksummed contract address (`0x…`), or the base58 SPL mint.
    pub id: String,
    pub symbol: String,
    pub decimals: u8,
}

impl Token {
    pub fn of_evm(asset: &Asset) -> Token {
        Token {
            id: asset.address.to_checksum(None),
            symbol: asset.symbol.clone(),
            decimals: asset.decimals,
        }
    }

    pub fn of_svm(asset: &crate::svm::network::SvmAsset) -> Token {
        Token {
            id: asset.mint.to_string(),
            symbol: asset.symbol.clone(),
            decimals: asset.decimals,
        }
    }
}

/// An asset or account id as quotes, journal records and terms files keep it: on a `solana:` network a base58
/// public key, as given; on any other an EVM address, EIP-55 checksummed.
pub fn account_id(network: &str, text: &str) -> Result<String, String> {
    if network.starts_with("solana:") {
        return text
            .parse::<solana_pubkey::Pubkey>()
            .map(|_| text.to_string())
            .map_err(|e| format!("'{text}' is not a base58 public key: {e}"));
    }
    text.parse::<Address>()
        .map(|a| a.to_checksum(None))
        .map_err(|e| format!("'{text}' is not an address: {e}"))
}

/// Whether two asset or account ids on the network `caip2` name the same thing: EVM addresses
/// compare without regard to case (checksummed or not), base58 ids exactly.
pub fn same_id(caip2: &str, a: &str, b: &str) -> bool {
    if caip2.starts_with("eip155:") || (a.starts_with("0x") && b.starts_with("0x")) {
        a.eq_ignore_ascii_case(b)
    } else {
        a == b
    }
}

/// A network as `--network` (or an MCP call's `network`) names it, checked for its form only:
/// a CAIP-2 id (`eip155:84532`, `solana:EtWT…`) or a name (`base-sepolia`, or one config.toml
/// adds). Which network it is, is the table's to say once config.toml is read
/// ([`Networks::find_chain`]); an unknown one is refused there, in its own words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetworkQuery(String);

/// Why a `--network` value is not a network's name or CAIP-2 id (clap shows the value).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BadNetwork {
    #[error("empty: give a network's name (base-sepolia) or CAIP-2 id (eip155:84532)")]
    Empty,
    #[error("a network's name or CAIP-2 id has no spaces or control characters")]
    Spaces,
    #[error("not a CAIP-2 id: the namespace before ':' is 3 to 8 of a-z, 0-9 and -")]
    Namespace,
    #[error("not a CAIP-2 id: the reference after ':' is 1 to 32 of a-z, A-Z, 0-9, - and _")]
    Reference,
}

impl NetworkQuery {
    /// Trimmed; not empty; no whitespace or control character inside; with a `:`, a CAIP-2
    /// chain id (`namespace:reference`, `[-a-z0-9]{3,8}:[-_a-zA-Z0-9]{1,32}`); else a name.
    pub fn parse(text: &str) -> Result<Self, BadNetwork> {
        let text = text.trim();
        if text.is_empty() {
            return Err(BadNetwork::Empty);
        }
        if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(BadNetwork::Spaces);
        }
        if let Some((namespace, reference)) = text.split_once(':') {
            let ns = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-';
            if !(3..=8).contains(&namespace.len()) || !namespace.bytes().all(ns) {
                return Err(BadNetwork::Namespace);
            }
            let reference_byte = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
            if !(1..=32).contains(&reference.len()) || !reference.bytes().all(reference_byte) {
                return Err(BadNetwork::Reference);
            }
        }
        Ok(Self(text.to_string()))
    }

    /// [`NetworkQuery::parse`] for a value that did not come through clap (an MCP call's
    /// `network`): the usage error names the value, as clap's does.
    pub fn parse_named(text: &str) -> Result<Self, crate::exit::UsageError> {
        Self::parse(text).map_err(|e| crate::exit::UsageError(format!("network '{text}': {e}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::str::FromStr for NetworkQuery {
    type Err = BadNetwork;

    fn from_str(text: &str) -> Result<Self, BadNetwork> {
        Self::parse(text)
    }
}

impl fmt::Display for NetworkQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod query_tests {
    use super::{BadNetwork, NetworkQuery};

    #[test]
    fn a_network_query_is_a_name_or_a_caip2_id_in_form() {
        let ok = |t: &str| NetworkQuery::parse(t).map(|q| q.to_string());
        for (given, kept) in [
            ("base-sepolia", "base-sepolia"),
            ("  base\t", "base"),
            ("eip155:84532", "eip155:84532"),
            (
                "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1",
                "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1",
            ),
            // Names config.toml may add, and ids the table may not know: the lookup decides.
            ("my_chain.2", "my_chain.2"),
            ("eip155:abc", "eip155:abc"),
            ("cosmos:cosmoshub-4", "cosmos:cosmoshub-4"),
        ] {
            assert_eq!(ok(given), Ok(kept.to_string()), "{given:?}");
        }
        for (given, why) in [
            ("", BadNetwork::Empty),
            ("   ", BadNetwork::Empty),
            ("base sepolia", BadNetwork::Spaces),
            ("base\u{7}", BadNetwork::Spaces),
            ("base\u{a0}sepolia", BadNetwork::Spaces),
            ("ab:1", BadNetwork::Namespace),
            ("EIP155:1", BadNetwork::Namespace),
            ("toolongns:1", BadNetwork::Namespace),
            (":1", BadNetwork::Namespace),
            ("eip155:", BadNetwork::Reference),
            ("eip155:1:2", BadNetwork::Reference),
            ("eip155:84532/x", BadNetwork::Reference),
            (
                "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1x",
                BadNetwork::Reference,
            ),
        ] {
            assert_eq!(NetworkQuery::parse(given), Err(why), "{given:?}");
        }
        assert_eq!(
            NetworkQuery::parse_named("a b").unwrap_err().0,
            "network 'a b': a network's name or CAIP-2 id has no spaces or control characters"
        );
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
    ("iotex", "IoTeX", 4689, true, "IOTX", Some("https://babel-api.mainnet.iotex.io"), Some("https://iotexscan.io/tx/{tx}"), false,
        Some(("USDC", "0xcdf79194c6c285077a58da47641d4dbe51f63542", 6, "Bridged USDC", "2", Eip3009))),
    ("sei", "Sei", 1329, true, "SEI", Some("https://evm-rpc.sei-apis.com"), Some("https://seiscan.io/tx/{tx}"), false,
        Some(("USDC", "0xe15fc38f6d8c56af07bbcbe3baf5708a2bf42392", 6, "USDC", "2", Eip3009))),
    ("sei-testnet", "Sei Testnet", 1328, true, "SEI", Some("https://evm-rpc-testnet.sei-apis.com"), Some("https://testnet.seiscan.io/tx/{tx}"), true,
        Some(("USDC", "0x4fcf1784b31630811181f670aea7a7bef803eaed", 6, "USDC", "2", Eip3009))),
    ("peaq", "peaq", 3338, true, "PEAQ", Some("https://quicknode1.peaq.xyz"), Some("https://peaq.subscan.io/tx/{tx}"), false,
        Some(("USDC", "0xbbA60da06c2c5424f03f7434542280FCAd453d10", 6, "USDC", "2", Eip3009))),
    ("abstract", "Abstract", 2741, true, "ETH", Some("https://api.mainnet.abs.xyz"), Some("https://abscan.org/tx/{tx}"), false,
        Some(("USDC", "0x84a71ccd554cc1b02749b35d22f684cc8ec987e1", 6, "Bridged USDC", "2", Eip3009))),
    ("abstract-testnet", "Abstract Testnet", 11124, true, "ETH", Some("https://api.testnet.abs.xyz"), Some("https://sepolia.abscan.org/tx/{tx}"), true,
        Some(("USDC", "0xe4C7fBB0a626ed208021ccabA6Be1566905E2dFc", 6, "Bridged USDC", "2", Eip3009))),
    // viem 2.57.20 names chain 1514 "Data Network" (story.js); its explorer is datanetscan.io.
    ("story", "Story", 1514, true, "IP", Some("https://mainnet.storyrpc.io"), Some("https://datanetscan.io/tx/{tx}"), false,
        Some(("USDC", "0xF1815bd50389c46847f0Bda824eC8da914045D14", 6, "Bridged USDC", "2", Eip3009))),
    ("educhain", "EDU Chain", 41923, true, "EDU", Some("https://rpc.educhain.xyz"), Some("https://explorer.educhain.xyz/tx/{tx}"), false,
        Some(("USDC", "0x12a272A581feE5577A5dFa371afEB4b2F3a8C2F8", 6, "Bridged USDC (Stargate)", "2", Eip3009))),
    ("skale-base-sepolia", "SKALE Base Sepolia", 324705682, true, "CREDIT", Some("https://base-sepolia-testnet.skalenodes.com/v1/base-testnet"), Some("https://base-sepolia-testnet-explorer.skalenodes.com/tx/{tx}"), true,
        Some(("USDC", "0x2e08028E3C4c2356572E096d8EF835cD5C6030bD", 6, "Bridged USDC (SKALE Bridge)", "2", Eip3009))),
    // Monad: the SDK tables said "USD Coin" until Aug 2026; the contract's name() is "USDC".
    ("monad", "Monad", 143, true, "MON", Some("https://rpc.monad.xyz"), Some("https://monadscan.com/tx/{tx}"), false,
        Some(("USDC", "0x754704Bc059F8C67012fEd69BC8A327a5aafb603", 6, "USDC", "2", Eip3009))),
    ("stable", "Stable", 988, true, "USDT0", Some("https://rpc.stable.xyz"), Some("https://stablescan.xyz/tx/{tx}"), false,
        Some(("USDT0", "0x779Ded0c9e1022225f8E0630b35a9b54bE713736", 6, "USDT0", "1", Eip3009))),
    ("stable-testnet", "Stable Testnet", 2201, true, "USDT0", Some("https://rpc.testnet.stable.xyz"), Some("https://testnet.stablescan.xyz/tx/{tx}"), true,
        Some(("USDT0", "0x78Cf24370174180738C5B8E352B6D14c83a6c9A9", 6, "USDT0", "1", Eip3009))),
    ("megaeth", "MegaETH", 4326, true, "ETH", Some("https://mainnet.megaeth.com/rpc"), Some("https://mega.etherscan.io/tx/{tx}"), false,
        Some(("MegaUSD", "0xFAfDdbb3FC7688494971a79cc65DCa3EF82079E7", 18, "MegaUSD", "1", Permit2))),
    ("mezo-testnet", "Mezo Testnet", 31611, false, "BTC", Some("https://rpc.test.mezo.org"), Some("https://explorer.test.mezo.org/tx/{tx}"), true,
        Some(("mUSD", "0x118917a40FAF1CD7a13dB0Ef56C86De7973Ac503", 18, "Mezo USD", "1", Permit2))),
    ("mezo", "Mezo", 31612, false, "BTC", Some("https://rpc.mezo.org"), Some("https://explorer.mezo.org/tx/{tx}"), false,
        Some(("mUSD", "0xdD468A1DDc392dcdbEf6db6e34E89AA338F9F186", 18, "Mezo USD", "1", Permit2))),
    ("radius", "Radius", 723487, false, "RUSD", Some("https://rpc.radiustech.xyz"), Some("https://network.radiustech.xyz/tx/{tx}"), false,
        Some(("SBC", "0x33ad9e4BD16B69B5BFdED37D8B5D9fF9aba014Fb", 6, "Stable Coin", "1", Permit2))),
    ("radius-testnet", "Radius Testnet", 72344, false, "RUSD", Some("https://rpc.testnet.radiustech.xyz"), Some("https://testnet.radiustech.xyz/tx/{tx}"), true,
        Some(("SBC", "0x33ad9e4BD16B69B5BFdED37D8B5D9fF9aba014Fb", 6, "Stable Coin", "1", Permit2))),
    ("adi", "ADI", 36900, false, "ADI", Some("https://rpc.adifoundation.ai"), Some("https://explorer.adifoundation.ai/tx/{tx}"), false,
        Some(("USDC.e", "0x9cb8142aEBBcdc60AF7c97Af897A67A8f3CA71C2", 6, "USDC.e", "2", Eip3009))),
    ("hpp", "HPP", 190415, false, "ETH", Some("https://mainnet.hpp.io"), Some("https://explorer.hpp.io/tx/{tx}"), false,
        Some(("USDC.e", "0x401eCb1D350407f13ba348573E5630B83638E30D", 6, "Bridged USDC", "2", Eip3009))),
    ("hpp-sepolia", "HPP Sepolia", 181228, false, "ETH", Some("https://testnet.hpp.io"), Some("https://sepolia-explorer.hpp.io/tx/{tx}"), true,
        Some(("USDC.e", "0x401eCb1D350407f13ba348573E5630B83638E30D", 6, "Bridged USDC", "2", Eip3009))),
    ("xdc", "XDC", 50, false, "XDC", Some("https://rpc.xdc.org"), Some("https://xdcscan.com/tx/{tx}"), false,
        Some(("USDC", "0xfA2958CB79b0491CC627c1557F441eF849Ca8eb1", 6, "USDC", "2", Eip3009))),
    ("xdc-apothem", "XDC Apothem", 51, false, "XDC", Some("https://rpc.apothem.network"), Some("https://testnet.xdcscan.com/tx/{tx}"), true,
        Some(("USDC", "0xb5AB69F7bBada22B28e79C8FFAECe55eF1c771D4", 6, "USDC", "2", Eip3009))),
    ("igra", "Igra", 38833, false, "KAS", Some("https://rpc.igralabs.com:8545"), Some("https://explorer.igralabs.com/tx/{tx}"), false,
        Some(("USDC", "0xA5b8BF902b2844dA17d4506cc827F7F1681735E7", 6, "USDC", "1", Permit2))),
    // From @x402/evm 2.27's network map and default stablecoins.
    ("celo", "Celo", 42220, true, "CELO", Some("https://forno.celo.org"), Some("https://celoscan.io/tx/{tx}"), false,
        Some(("USDC", "0xcebA9300f2b948710d2653dD7B07f33A8B32118C", 6, "USDC", "2", Eip3009))),
    ("celo-sepolia", "Celo Sepolia", 11142220, false, "CELO", Some("https://forno.celo-sepolia.celo-testnet.org"), Some("https://celo-sepolia.blockscout.com/tx/{tx}"), true,
        Some(("USDC", "0x01C5C0122039549AD1493B8220cABEdD739BC44E", 6, "USDC", "2", Eip3009))),
    ("flare", "Flare", 14, true, "FLR", Some("https://flare-api.flare.network/ext/C/rpc"), Some("https://flare-explorer.flare.network/tx/{tx}"), false,
        Some(("USDT0", "0xe7cd86e13AC4309349F30B3435a9d337750fC82D", 6, "USD\u{20AE}0", "1", Eip3009))),
];

/// The chain id of a built-in EVM network by its x402 v1 name, exactly as sent (v1 names are
/// lowercase). The payment challenge reader takes v1 names from here and nowhere else. The rows
/// marked v1 follow `@x402/evm` 2.27.0 `EVM_NETWORK_CHAIN_ID_MAP` (the same as Go's
/// `go/mechanisms/evm/v1/network.go` and legacy `x402` 1.2.0; Python's `V1_NETWORK_CHAIN_IDS`
/// disagrees for `sei-testnet`, `story`, `educhain` and `skale-base-sepolia`, and is not
/// followed).
pub fn v1_evm_chain_id(name: &str) -> Option<u64> {
    BUILT_IN
        .iter()
        .find(|row| row.3 && row.0 == name)
        .map(|row| row.2)
}

/// The CAIP-2 id of a built-in Solana network by its x402 v1 name, exactly as sent.
pub fn v1_solana_caip2(name: &str) -> Option<&'static str> {
    crate::svm::network::v1_caip2(name)
}

/// The default network when none is named: Base mainnet.
pub const DEFAULT_NETWORK: &str = "base";

/// The chain family of a network or an account: which keys can pay it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    Evm,
    Solana,
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Evm => "evm",
            Self::Solana => "solana",
        })
    }
}

/// All networks the tool knows: the built-in table plus config.toml's additions. Solana
/// networks are kept apart (`svm`), so every lookup that returns a [`Network`] is EVM.
#[derive(Clone, Debug)]
pub struct Networks {
    list: Vec<Network>,
    svm: Vec<crate::svm::network::SvmNetwork>,
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
        Self {
            list,
            svm: crate::svm::network::built_in(),
        }
    }

    /// The Solana networks.
    pub fn svm(&self) -> &[crate::svm::network::SvmNetwork] {
        &self.svm
    }

    /// A Solana network by name (also its v1 name) or CAIP-2 id.
    pub fn find_svm(&self, query: &str) -> Option<&crate::svm::network::SvmNetwork> {
        crate::svm::network::find(&self.svm, query)
    }

    pub fn find_svm_mut(&mut self, query: &str) -> Option<&mut crate::svm::network::SvmNetwork> {
        let name = self.find_svm(query)?.name.clone();
        self.svm.iter_mut().find(|n| n.name == name)
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

    /// A network of either family by name or CAIP-2 id, as `--network` and `[payment]
    /// networks` name them: the EVM table first, then the Solana one.
    pub fn find_chain(&self, query: &str) -> Option<Chain> {
        match self.find(query) {
            Some(n) => Some(Chain::Evm(n.clone())),
            None => self.find_svm(query).cloned().map(Chain::Svm),
        }
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

    /// The network of either family a payment requirement names (CAIP-2 for v2, a v1 name for
    /// v1): the EVM table first, then the Solana one.
    pub fn chain_for_requirement(&self, network: &str, version: u8) -> Option<Chain> {
        self.chain_ref_for_requirement(network, version)
            .map(ChainRef::to_chain)
    }

    /// [`Networks::chain_for_requirement`], borrowed: nothing is copied.
    pub fn chain_ref_for_requirement(&self, network: &str, version: u8) -> Option<ChainRef<'_>> {
        if let Some(n) = self.for_requirement(network, version) {
            return Some(ChainRef::Evm(n));
        }
        let svm = if version == 1 && !network.contains(':') {
            self.svm.iter().find(|n| n.name == network)
        } else {
            self.svm.iter().find(|n| n.caip2 == network)
        };
        svm.map(ChainRef::Svm)
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

    /// (name, chain id, CAIP-2 id, (asset address, decimals, EIP-712 name, EIP-712 version))
    type Pinned = (
        &'static str,
        u64,
        &'static str,
        Option<(&'static str, u8, &'static str, &'static str)>,
    );

    /// Every built-in row, written out again: an accidental edit of the table (or a row added
    /// or dropped without updating this) fails here. Stablecoins are from @x402/evm 2.27's
    /// `DEFAULT_ASSETS` where it has the chain, else the legacy `x402` 1.x USDC table.
    #[rustfmt::skip]
    const PINNED: &[Pinned] = &[
        ("base", 8453, "eip155:8453", Some(("0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913", 6, "USD Coin", "2"))),
        ("base-sepolia", 84532, "eip155:84532", Some(("0x036CbD53842c5426634e7929541eC2318f3dCF7e", 6, "USDC", "2"))),
        ("polygon", 137, "eip155:137", Some(("0x3c499c542cEF5E3811e1192ce70d8cC03d5c3359", 6, "USD Coin", "2"))),
        ("polygon-amoy", 80002, "eip155:80002", Some(("0x41E94Eb019C0762f9Bfcf9Fb1E58725BfB0e7582", 6, "USDC", "2"))),
        ("arbitrum", 42161, "eip155:42161", Some(("0xaf88d065e77c8cC2239327C5EDb3A432268e5831", 6, "USD Coin", "2"))),
        ("arbitrum-sepolia", 421614, "eip155:421614", Some(("0x75faf114eafb1BDbe2F0316DF893fd58CE46AA4d", 6, "USD Coin", "2"))),
        ("ethereum", 1, "eip155:1", Some(("0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48", 6, "USD Coin", "2"))),
        ("sepolia", 11155111, "eip155:11155111", None),
        ("avalanche", 43114, "eip155:43114", Some(("0xB97EF9Ef8734C71904D8002F8b6Bc66Dd9c48a6E", 6, "USD Coin", "2"))),
        ("avalanche-fuji", 43113, "eip155:43113", Some(("0x5425890298aed601595a70AB815c96711a31Bc65", 6, "USD Coin", "2"))),
        ("iotex", 4689, "eip155:4689", Some(("0xcdf79194c6c285077a58da47641d4dbe51f63542", 6, "Bridged USDC", "2"))),
        ("sei", 1329, "eip155:1329", Some(("0xe15fC38F6D8c56aF07bbCBe3BAf5708A2Bf42392", 6, "USDC", "2"))),
        ("sei-testnet", 1328, "eip155:1328", Some(("0x4fCF1784B31630811181f670Aea7A7bEF803eaED", 6, "USDC", "2"))),
        ("peaq", 3338, "eip155:3338", Some(("0xbbA60da06c2c5424f03f7434542280FCAd453d10", 6, "USDC", "2"))),
        ("abstract", 2741, "eip155:2741", Some(("0x84a71ccd554cc1b02749b35d22f684cc8ec987e1", 6, "Bridged USDC", "2"))),
        ("abstract-testnet", 11124, "eip155:11124", Some(("0xe4C7fBB0a626ed208021ccabA6Be1566905E2dFc", 6, "Bridged USDC", "2"))),
        ("story", 1514, "eip155:1514", Some(("0xF1815bd50389c46847f0Bda824eC8da914045D14", 6, "Bridged USDC", "2"))),
        ("educhain", 41923, "eip155:41923", Some(("0x12a272A581feE5577A5dFa371afEB4b2F3a8C2F8", 6, "Bridged USDC (Stargate)", "2"))),
        ("skale-base-sepolia", 324705682, "eip155:324705682", Some(("0x2e08028E3C4c2356572E096d8EF835cD5C6030bD", 6, "Bridged USDC (SKALE Bridge)", "2"))),
        ("monad", 143, "eip155:143", Some(("0x754704Bc059F8C67012fEd69BC8A327a5aafb603", 6, "USDC", "2"))),
        ("stable", 988, "eip155:988", Some(("0x779Ded0c9e1022225f8E0630b35a9b54bE713736", 6, "USDT0", "1"))),
        ("stable-testnet", 2201, "eip155:2201", Some(("0x78Cf24370174180738C5B8E352B6D14c83a6c9A9", 6, "USDT0", "1"))),
        ("megaeth", 4326, "eip155:4326", Some(("0xFAfDdbb3FC7688494971a79cc65DCa3EF82079E7", 18, "MegaUSD", "1"))),
        ("mezo-testnet", 31611, "eip155:31611", Some(("0x118917a40FAF1CD7a13dB0Ef56C86De7973Ac503", 18, "Mezo USD", "1"))),
        ("mezo", 31612, "eip155:31612", Some(("0xdD468A1DDc392dcdbEf6db6e34E89AA338F9F186", 18, "Mezo USD", "1"))),
        ("radius", 723487, "eip155:723487", Some(("0x33ad9e4BD16B69B5BFdED37D8B5D9fF9aba014Fb", 6, "Stable Coin", "1"))),
        ("radius-testnet", 72344, "eip155:72344", Some(("0x33ad9e4BD16B69B5BFdED37D8B5D9fF9aba014Fb", 6, "Stable Coin", "1"))),
        ("adi", 36900, "eip155:36900", Some(("0x9cb8142aEBBcdc60AF7c97Af897A67A8f3CA71C2", 6, "USDC.e", "2"))),
        ("hpp", 190415, "eip155:190415", Some(("0x401eCb1D350407f13ba348573E5630B83638E30D", 6, "Bridged USDC", "2"))),
        ("hpp-sepolia", 181228, "eip155:181228", Some(("0x401eCb1D350407f13ba348573E5630B83638E30D", 6, "Bridged USDC", "2"))),
        ("xdc", 50, "eip155:50", Some(("0xfA2958CB79b0491CC627c1557F441eF849Ca8eb1", 6, "USDC", "2"))),
        ("xdc-apothem", 51, "eip155:51", Some(("0xb5AB69F7bBada22B28e79C8FFAECe55eF1c771D4", 6, "USDC", "2"))),
        ("igra", 38833, "eip155:38833", Some(("0xA5b8BF902b2844dA17d4506cc827F7F1681735E7", 6, "USDC", "1"))),
        ("celo", 42220, "eip155:42220", Some(("0xcebA9300f2b948710d2653dD7B07f33A8B32118C", 6, "USDC", "2"))),
        ("celo-sepolia", 11142220, "eip155:11142220", Some(("0x01C5C0122039549AD1493B8220cABEdD739BC44E", 6, "USDC", "2"))),
        ("flare", 14, "eip155:14", Some(("0xe7cd86e13AC4309349F30B3435a9d337750fC82D", 6, "USD\u{20AE}0", "1"))),
    ];

    #[test]
    fn built_in_rows_match_the_pinned_table() {
        let net = Networks::built_in();
        let names: Vec<&str> = net.iter().map(|n| n.name.as_str()).collect();
        let pinned: Vec<&str> = PINNED.iter().map(|p| p.0).collect();
        assert_eq!(
            names, pinned,
            "built-in networks added, dropped or reordered"
        );
        for &(name, chain_id, caip2, coin) in PINNED {
            let n = net.find(name).unwrap();
            assert_eq!(n.chain_id, chain_id, "{name}: chain id");
            assert_eq!(n.caip2(), caip2, "{name}: CAIP-2 id");
            assert_eq!(
                net.find(caip2).unwrap().name,
                name,
                "{name}: lookup by CAIP-2"
            );
            assert!(!n.custom, "{name}");
            match coin {
                None => assert!(n.assets.is_empty(), "{name}: no stablecoin expected"),
                Some((address, decimals, eip712_name, eip712_version)) => {
                    assert_eq!(n.assets.len(), 1, "{name}: one default stablecoin");
                    let a = &n.assets[0];
                    let want: Address = address.parse().unwrap();
                    assert_eq!(a.address, want, "{name}: asset address");
                    assert_eq!(a.decimals, decimals, "{name}: decimals");
                    assert_eq!(a.eip712_name, eip712_name, "{name}: EIP-712 name");
                    assert_eq!(a.eip712_version, eip712_version, "{name}: EIP-712 version");
                }
            }
        }
    }

    #[test]
    fn built_in_rpc_urls_and_explorer_links_are_https() {
        for n in Networks::built_in().iter() {
            if let Some(rpc) = &n.rpc_url {
                let url =
                    reqwest::Url::parse(rpc).unwrap_or_else(|e| panic!("{}: {rpc}: {e}", n.name));
                assert_eq!(url.scheme(), "https", "{}: RPC URL {rpc}", n.name);
                assert!(
                    url.host_str().is_some_and(|h| !h.is_empty()),
                    "{}: {rpc}",
                    n.name
                );
            }
            if let Some(pattern) = &n.explorer_tx {
                assert_eq!(pattern.matches("{tx}").count(), 1, "{}: {pattern}", n.name);
                let link = n.explorer_link("0xabc").unwrap();
                let url = reqwest::Url::parse(&link)
                    .unwrap_or_else(|e| panic!("{}: {link}: {e}", n.name));
                assert_eq!(url.scheme(), "https", "{}: explorer {pattern}", n.name);
                assert!(
                    url.host_str().is_some_and(|h| !h.is_empty()),
                    "{}: {pattern}",
                    n.name
                );
                assert!(link.ends_with("/tx/0xabc"), "{}: {link}", n.name);
            }
        }
    }

    #[test]
    fn finds_by_name_and_caip2() {
        let net = Networks::built_in();
        assert_eq!(net.find("base-sepolia").unwrap().chain_id, 84532);
        assert_eq!(net.find("eip155:8453").unwrap().name, "base");
        assert_eq!(net.find("BASE").unwrap().name, "base");
        assert!(net.find("eip155:999999").is_none());
        assert!(net.find("solana").is_none());
        assert_eq!(net.find_chain("solana").unwrap().name(), "solana");
        assert_eq!(
            net.find_chain("solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1")
                .unwrap()
                .name(),
            "solana-devnet"
        );
        assert_eq!(net.find_chain("eip155:8453").unwrap().name(), "base");
        assert!(net.find_chain("solana:mainnet").is_none());
        assert_eq!(
            net.for_requirement("base-sepolia", 1).unwrap().chain_id,
            84532
        );
        assert!(net.for_requirement("arbitrum", 1).is_none(), "no v1 name");
        let usdc = &net.find("base").unwrap().assets[0];
        assert_eq!((usdc.eip712_name.as_str(), usdc.decimals), ("USD Coin", 6));
    }
}
