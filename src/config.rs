//! `config.toml`: the optional settings file in the tool's home.
//!
//! Unknown keys are errors, never silently ignored, and every error names the file, the line
//! and the key. The file holds no secrets. Its form is documented in README.md.

use crate::amount::UserAmount;
use crate::network::{Asset, Network, Networks, TransferMethod};
use alloy_primitives::Address;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::Spanned;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// The account used when no `--account` / `--keystore` is given.
    pub default_account: Option<String>,
    /// The same for Solana options and commands.
    pub default_solana_account: Option<String>,
    /// RPC URL per network, by any name `--network` accepts.
    #[serde(default)]
    rpc: BTreeMap<String, Spanned<String>>,
    /// Custom EVM networks by name.
    #[serde(default)]
    networks: BTreeMap<String, Spanned<CustomNetwork>>,
    /// Extra tokens the tool may show and pay.
    #[serde(default)]
    assets: Vec<Spanned<CustomAsset>>,
    #[serde(default)]
    limits: RawLimits,
    #[serde(default)]
    payment: RawPayment,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CustomNetwork {
    chain_id: u64,
    rpc_url: Option<String>,
    display_name: Option<String>,
    native_symbol: Option<String>,
    explorer_tx: Option<String>,
    #[serde(default)]
    testnet: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CustomAsset {
    network: Spanned<String>,
    address: Spanned<String>,
    symbol: String,
    decimals: Spanned<u8>,
    eip712_name: String,
    eip712_version: String,
    transfer_method: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLimits {
    per_payment: Option<Spanned<String>>,
    daily: Option<Spanned<String>>,
    session: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPayment {
    /// Networks to prefer, in order, when a 402 offers several.
    #[serde(default)]
    networks: Vec<Spanned<String>>,
}

/// Spending limits from `[limits]`, in token units.
#[derive(Clone, Debug, Default)]
pub struct Limits {
    pub per_payment: Option<UserAmount>,
    /// Most to spend per asset in 24 hours, counted from the payment journal.
    pub daily: Option<UserAmount>,
    /// Most `x402 mcp` pays per asset over one server process (`--session-budget`).
    pub session: Option<UserAmount>,
}

/// A config.toml problem: `file:line:column: key: message` (`file: message` for the file as a
/// whole, line 0).
#[derive(Debug, thiserror::Error)]
#[error("{}{}: {message}", path.display(), position(*line, *column))]
pub struct ConfigError {
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

fn position(line: usize, column: usize) -> String {
    if line == 0 {
        String::new()
    } else {
        format!(":{line}:{column}")
    }
}

/// What config.toml resolves to once checked against the network table.
#[derive(Debug, Default)]
pub struct Config {
    pub path: Option<PathBuf>,
    pub default_account: Option<String>,
    pub default_solana_account: Option<String>,
    pub limits: Limits,
    pub preferred_networks: Vec<String>,
}

/// `networks.devchain.chain_id`, `assets[0].decimals`: a serde path without the markers that
/// `toml::Spanned` leaves in it.
fn key_path(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } if key.starts_with("$__serde_spanned") => {}
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Segment::Unknown => {}
        }
    }
    out
}

struct Source<'a> {
    path: &'a Path,
    text: &'a str,
}

impl Source<'_> {
    fn error(&self, span: Option<Range<usize>>, message: String) -> ConfigError {
        let offset = span.map_or(0, |s| s.start.min(self.text.len()));
        let before = &self.text[..offset];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        ConfigError {
            path: self.path.to_path_buf(),
            line,
            column,
            message,
        }
    }
}

impl Config {
    /// Reads `path` if it exists (a missing file is an empty config) and applies its networks,
    /// RPC URLs and assets to `networks`.
    ///
    /// A file other users can write is refused before it is read: whoever can write config.toml
    /// can raise the spending caps, add a token or point a network at their own RPC.
    pub fn load(path: &Path, networks: &mut Networks) -> Result<Config, ConfigError> {
        let whole = |message: String| ConfigError {
            path: path.to_path_buf(),
            line: 0,
            column: 0,
            message,
        };
        let read = std::fs::File::open(path).and_then(|mut f| {
            let meta = f.metadata()?;
            let mut text = String::new();
            if let Some(why) = crate::fsutil::writable_by_others(&meta) {
                return Ok(Err(why));
            }
            std::io::Read::read_to_string(&mut f, &mut text)?;
            Ok(Ok(text))
        });
        let text = match read {
            Ok(Ok(text)) => text,
            Ok(Err(why)) => {
                return Err(whole(format!(
                    "other users can change this file ({why}), and with it the spending caps; \
                     not using it until only you can write it (chmod 600 {})",
                    path.display()
                )));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(e) => {
                return Err(ConfigError {
                    path: path.to_path_buf(),
                    line: 0,
                    column: 0,
                    message: format!("cannot read: {e}"),
                });
            }
        };
        Self::parse(path, &text, networks)
    }

    /// Parses config.toml's `text` (from `path`, for the messages) and applies its networks,
    /// RPC URLs and assets to `networks`.
    pub fn parse(path: &Path, text: &str, networks: &mut Networks) -> Result<Config, ConfigError> {
        let src = Source { path, text };
        let file = src.deserialize()?;
        src.add_networks(&file.networks, networks)?;
        src.set_rpc_urls(&file.rpc, networks)?;
        for (i, spanned) in file.assets.iter().enumerate() {
            src.add_asset(i, spanned.get_ref(), networks)?;
        }
        let limits = src.limits(&file.limits)?;
        let mut preferred_networks = Vec::new();
        for n in &file.payment.networks {
            let Some(net) = networks.find_chain(n.get_ref()) else {
                return Err(src.error(
                    Some(n.span()),
                    format!("payment.networks: unknown network '{}'", n.get_ref()),
                ));
            };
            preferred_networks.push(net.name().to_string());
        }
        Ok(Config {
            path: Some(path.to_path_buf()),
            default_account: file.default_account,
            default_solana_account: file.default_solana_account,
            limits,
            preferred_networks,
        })
    }
}

impl Source<'_> {
    /// The file as written, or the first error with its line, column and key path.
    fn deserialize(&self) -> Result<ConfigFile, ConfigError> {
        let one_line = |e: &toml::de::Error| e.message().trim().replace('\n', " ");
        let de =
            toml::Deserializer::parse(self.text).map_err(|e| self.error(e.span(), one_line(&e)))?;
        // The key path (`limits.per_payment`, `assets[0].decimals`) of a value of the wrong
        // type or an unknown key, which toml's own message leaves out.
        serde_path_to_error::deserialize(de).map_err(|e| {
            let path = key_path(e.path());
            let inner = e.into_inner();
            let message = if path.is_empty() {
                one_line(&inner)
            } else {
                format!("{path}: {}", one_line(&inner))
            };
            self.error(inner.span(), message)
        })
    }

    /// `[networks.NAME]`: custom EVM networks, never under a built-in network's name.
    fn add_networks(
        &self,
        custom: &BTreeMap<String, Spanned<CustomNetwork>>,
        networks: &mut Networks,
    ) -> Result<(), ConfigError> {
        for (name, spanned) in custom {
            let net = spanned.get_ref();
            if networks.find(name).is_some_and(|n| !n.custom) || networks.find_svm(name).is_some() {
                return Err(self.error(
                    Some(spanned.span()),
                    format!("networks.{name}: a built-in network already has this name"),
                ));
            }
            networks.add(Network {
                name: name.clone(),
                display: net.display_name.clone().unwrap_or_else(|| name.clone()),
                chain_id: net.chain_id,
                v1: false,
                native_symbol: net.native_symbol.clone().unwrap_or_else(|| "ETH".into()),
                rpc_url: net.rpc_url.clone(),
                rpc_configured: net.rpc_url.is_some(),
                explorer_tx: net.explorer_tx.clone(),
                testnet: net.testnet,
                assets: Vec::new(),
                custom: true,
            });
        }
        Ok(())
    }

    /// `[rpc]`: a network's JSON-RPC URL, EVM or Solana.
    fn set_rpc_urls(
        &self,
        rpc: &BTreeMap<String, Spanned<String>>,
        networks: &mut Networks,
    ) -> Result<(), ConfigError> {
        for (name, url) in rpc {
            if let Some(net) = networks.find_svm_mut(name) {
                net.rpc_url = Some(url.get_ref().clone());
                net.rpc_configured = true;
                continue;
            }
            let Some(net) = networks.find_mut(name) else {
                return Err(self.error(Some(url.span()), format!("rpc.{name}: unknown network")));
            };
            net.rpc_url = Some(url.get_ref().clone());
            net.rpc_configured = true;
        }
        Ok(())
    }

    /// `[[assets]]` number `i`: a token on a network, replacing a known one at its address.
    fn add_asset(
        &self,
        i: usize,
        a: &CustomAsset,
        networks: &mut Networks,
    ) -> Result<(), ConfigError> {
        let key = |k: &str| format!("assets[{i}].{k}");
        let address: Address = a.address.get_ref().parse().map_err(|_| {
            self.error(
                Some(a.address.span()),
                format!("{}: not a 0x-prefixed 20-byte address", key("address")),
            )
        })?;
        if *a.decimals.get_ref() > 36 {
            return Err(self.error(
                Some(a.decimals.span()),
                format!("{}: at most 36", key("decimals")),
            ));
        }
        let method = match a
            .transfer_method
            .as_ref()
            .map(|m| (m.get_ref().as_str(), m))
        {
            None | Some(("eip3009", _)) => TransferMethod::Eip3009,
            Some(("permit2", _)) => TransferMethod::Permit2,
            Some((_, m)) => {
                return Err(self.error(
                    Some(m.span()),
                    format!(
                        "{}: expected \"eip3009\" or \"permit2\"",
                        key("transfer_method")
                    ),
                ));
            }
        };
        let Some(net) = networks.find_mut(a.network.get_ref()) else {
            return Err(self.error(
                Some(a.network.span()),
                format!(
                    "{}: unknown network '{}'",
                    key("network"),
                    a.network.get_ref()
                ),
            ));
        };
        net.assets.retain(|existing| existing.address != address);
        net.assets.push(Asset {
            symbol: a.symbol.clone(),
            address,
            decimals: *a.decimals.get_ref(),
            eip712_name: a.eip712_name.clone(),
            eip712_version: a.eip712_version.clone(),
            method,
        });
        Ok(())
    }

    /// `[limits]`: amounts as the user writes them.
    fn limits(&self, raw: &RawLimits) -> Result<Limits, ConfigError> {
        let amount = |field: &Option<Spanned<String>>, key: &str| {
            field
                .as_ref()
                .map(|s| {
                    s.get_ref()
                        .parse::<UserAmount>()
                        .map_err(|e| self.error(Some(s.span()), format!("limits.{key}: {e}")))
                })
                .transpose()
        };
        Ok(Limits {
            per_payment: amount(&raw.per_payment, "per_payment")?,
            daily: amount(&raw.daily, "daily")?,
            session: amount(&raw.session, "session")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = r#"
default_account = "alice"

[rpc]
base-sepolia = "http://127.0.0.1:8545"

[networks.devchain]
chain_id = 31337
rpc_url = "http://127.0.0.1:8546"

[[assets]]
network = "eip155:84532"
address = "0x5FbDB2315678afecb367f032d93F642f64180aa3"
symbol = "USDC"
decimals = 6
eip712_name = "USDC"
eip712_version = "2"

[limits]
per_payment = "0.10"
daily = "5.00"
session = "0.50"
"#;

    fn parse(text: &str) -> Result<(Config, Networks), ConfigError> {
        let mut networks = Networks::built_in();
        let c = Config::parse(Path::new("/h/config.toml"), text, &mut networks)?;
        Ok((c, networks))
    }

    #[test]
    fn type_errors_and_unknown_keys_name_the_key_path() {
        let cases = [
            (
                "default_account = 3\n",
                1,
                19,
                "default_account: invalid type: integer",
            ),
            (
                "[limits]\nfoo = 1\n",
                2,
                1,
                "limits.foo: unknown field `foo`",
            ),
            (
                "[networks.devchain]\nchain_id = \"x\"\n",
                2,
                12,
                "networks.devchain.chain_id: invalid type: string",
            ),
            ("[rpc]\nbase = 5\n", 2, 8, "rpc.base: invalid type: integer"),
            (
                "[payment]\nnetworks = [1]\n",
                2,
                13,
                "payment.networks[0]: invalid type",
            ),
            (
                "[[assets]]\nnetwork = \"base\"\naddress = \"0x5FbDB2315678afecb367f032d93F642f64180aa3\"\n\
                 symbol = \"X\"\ndecimals = \"six\"\neip712_name = \"X\"\neip712_version = \"1\"\n",
                5,
                12,
                "assets[0].decimals: invalid type: string \"six\"",
            ),
        ];
        for (text, line, column, start) in cases {
            let e = parse(text).unwrap_err();
            assert_eq!((e.line, e.column), (line, column), "{text}: {e}");
            assert!(e.message.starts_with(start), "{text}: {e}");
            assert!(!e.to_string().contains('\n'), "{e}");
            assert!(!e.message.contains("serde_spanned"), "{e}");
        }
    }

    #[test]
    fn reads_the_documented_example() {
        let (c, n) = parse(EXAMPLE).unwrap();
        assert_eq!(c.default_account.as_deref(), Some("alice"));
        let bs = n.find("base-sepolia").unwrap();
        assert_eq!(bs.rpc_url.as_deref(), Some("http://127.0.0.1:8545"));
        assert_eq!(bs.assets.len(), 2);
        assert_eq!(n.find("devchain").unwrap().chain_id, 31337);
        assert_eq!(n.find("eip155:31337").unwrap().name, "devchain");
        assert_eq!(c.limits.daily.unwrap().to_string(), "5.00");
        assert_eq!(c.limits.session.unwrap().to_string(), "0.50");
    }

    #[test]
    fn solana_rpc_override_and_default_account() {
        let text =
            "default_solana_account = \"sol\"\n[rpc]\nsolana-devnet = \"http://127.0.0.1:8899\"\n";
        let (c, n) = parse(text).unwrap();
        assert_eq!(c.default_solana_account.as_deref(), Some("sol"));
        let dev = n
            .find_svm("solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1")
            .unwrap();
        assert_eq!(dev.rpc_url.as_deref(), Some("http://127.0.0.1:8899"));
        assert!(dev.rpc_configured);
        assert!(!n.find_svm("solana").unwrap().rpc_configured);
        // [payment] networks names networks of either family, as the table names them.
        let text =
            "[payment]\nnetworks = [\"solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1\", \"base\"]\n";
        let (c, _) = parse(text).unwrap();
        assert_eq!(c.preferred_networks, ["solana-devnet", "base"]);
        let e = parse("[payment]\nnetworks = [\"solana-mainnet\"]\n").unwrap_err();
        assert!(
            e.message.contains("unknown network 'solana-mainnet'"),
            "{e}"
        );
        let e = parse("[networks.solana-devnet]\nchain_id = 1\n").unwrap_err();
        assert!(
            e.message
                .contains("a built-in network already has this name"),
            "{e}"
        );
    }

    #[test]
    fn errors_name_line_and_key() {
        let e = parse("default_account = \"a\"\ncolour = 1\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, 1));
        assert!(e.message.contains("colour"), "{}", e.message);
        let e = parse("[limits]\nper_payment = \"lots\"\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.to_string().starts_with("/h/config.toml:2:"), "{e}");
        assert!(e.message.contains("limits.per_payment"), "{}", e.message);
        let e = parse("[rpc]\nnowhere = \"http://x\"\n").unwrap_err();
        assert!(
            e.message.contains("rpc.nowhere: unknown network"),
            "{}",
            e.message
        );
        let e = parse("[[assets]]\nnetwork = \"base\"\naddress = \"0x12\"\nsymbol = \"X\"\ndecimals = 6\neip712_name = \"X\"\neip712_version = \"1\"\n").unwrap_err();
        assert_eq!(e.line, 3);
        let e = parse("[networks.devchain]\nchain_id = \"x\"\n").unwrap_err();
        assert_eq!(e.line, 2);
    }
}
