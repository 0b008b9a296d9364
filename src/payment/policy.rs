//! Choosing what to pay and refusing what must not be paid.
//!
//! Every option of a 402 is judged on its own: can this tool pay it (scheme `exact`, an EVM
//! network and asset it knows, EIP-3009, an EIP-712 domain that matches the known token), and
//! in what order the user prefers networks. The cap is checked against the option actually about
//! to be signed (a `Quote`), never against `accepts[0]`.
//!
//! A [`Quote`] is scheme-neutral (a [`Chain`], a [`Token`], text ids); what will be signed is
//! its [`Scheme`]. [`evaluate`] dispatches on the network's family and the transfer method; each
//! way of paying is one function and one `Scheme` arm. Options are judged on the network table
//! borrowed ([`ChainRef`]); only an option found payable is copied into a `Quote`. Pure: no
//! I/O, no printing. May depend on `payment::challenge`, `network`, `svm` and `amount`, never on
//! `commands` or `settings`.

use super::challenge::{Challenge, Requirement};
use super::permit2;
use crate::amount::{self, UserAmount};
use crate::network::{Asset, Chain, ChainRef, Family, Network, Networks, Token, TransferMethod};
use alloy_primitives::{Address, U256};

/// The cap when neither `--max-amount` nor `[limits] per_payment` says otherwise: 0.10 of the
/// asset, as the legacy reference client defaulted to, so a hostile 402 cannot drain a wallet in
/// one signature.
pub const DEFAULT_MAX_AMOUNT: &str = "0.10";

/// The longest validity this tool signs: an EIP-3009 authorization is a bearer instrument until
/// `validBefore`, so a 402 asking for a day or a year is refused rather than honoured.
pub const MAX_VALIDITY_SECONDS: u64 = 3600;

/// A payable option, fully resolved against the network table, in terms that hold for every
/// scheme and family: what `inspect` shows, what the cap, the daily budget and the pins judge,
/// and what the journal records. What will be signed, typed per scheme, is [`Quote::scheme`].
#[derive(Clone, Debug)]
pub struct Quote {
    /// Index into `challenge.accepts`.
    pub index: usize,
    pub network: Chain,
    pub asset: Token,
    /// In the asset's base units; for a scheme that charges up to a maximum, the maximum (the
    /// amount at risk).
    pub amount: U256,
    /// The payee: a checksummed `0x…` address or a base58 wallet.
    pub pay_to: String,
    pub max_timeout_seconds: u64,
    pub scheme: Scheme,
}

/// What will be signed for a [`Quote`]: one arm per way of paying. Each concern that differs
/// between them (judging, signing, checking on chain) is one `match` over this enum.
#[derive(Clone, Debug)]
pub enum Scheme {
    /// EVM `exact` through EIP-3009 `transferWithAuthorization`, signed with the token's
    /// EIP-712 domain (`domain_name`, `domain_version`).
    Eip3009 {
        asset: Asset,
        pay_to: Address,
        domain_name: String,
        domain_version: String,
    },
    /// EVM `exact` with `extra.assetTransferMethod: "permit2"`, or `upto` (always Permit2): a
    /// Permit2 witness transfer for the x402 proxy ([`permit2::Terms::kind`] says which).
    Permit2(permit2::Terms),
    /// Solana `exact`: a v0 transaction with an SPL `TransferChecked`, co-signed and sent by
    /// the facilitator (`extra.feePayer`).
    Svm(crate::svm::requirement::SvmExact),
}

impl Scheme {
    /// The x402 scheme name (`exact` or `upto`).
    pub fn name(&self) -> &'static str {
        match self {
            Scheme::Eip3009 { .. } | Scheme::Svm(_) => "exact",
            Scheme::Permit2(terms) => terms.kind.scheme(),
        }
    }
}

impl Quote {
    pub fn price(&self) -> String {
        amount::display(self.amount, self.asset.decimals, &self.asset.symbol)
    }

    /// The price as the quote says it: "up to 0.02 USDC" when the amount is a maximum
    /// ([`Quote::is_upto`]), else the price.
    pub fn price_words(&self) -> String {
        if self.is_upto() {
            format!("up to {}", self.price())
        } else {
            self.price()
        }
    }

    /// What a settled payment cost as said to its payer: `charged` of the maximum (`0.00125
    /// USDC of up to 0.002 USDC`) when the settlement said what a maximum charged, else
    /// [`Quote::price_words`].
    pub fn cost_words(&self, charged: Option<U256>) -> String {
        match charged {
            Some(c) => format!(
                "{} of {}",
                amount::display(c, self.asset.decimals, &self.asset.symbol),
                self.price_words()
            ),
            None => self.price_words(),
        }
    }

    /// Whether the amount is a maximum the server charges up to, rather than the price.
    pub fn is_upto(&self) -> bool {
        match &self.scheme {
            Scheme::Eip3009 { .. } | Scheme::Svm(_) => false,
            Scheme::Permit2(terms) => matches!(terms.kind, permit2::Kind::Upto { .. }),
        }
    }

    /// The EVM token contract the payment moves, for balance and receipt reads.
    pub fn evm_token(&self) -> Option<Address> {
        match &self.scheme {
            Scheme::Eip3009 { asset, .. } => Some(asset.address),
            Scheme::Permit2(terms) => Some(terms.token),
            Scheme::Svm(_) => None,
        }
    }
}

/// Why an option cannot be paid.
pub type Unpayable = String;

/// Judges one requirement: the scheme, then the network (which decides the family), then the
/// family's own checks.
pub fn evaluate(req: &Requirement, version: u8, networks: &Networks) -> Result<Quote, Unpayable> {
    judge(req, version, networks).map(Payable::into_quote)
}

/// An option found payable, still in terms borrowed from the network table: every check is
/// made on the borrowed network and token, and only [`Payable::into_quote`] copies them and
/// writes the checksummed text a [`Quote`] keeps, so an option refused (by its own terms or by
/// `--network`) costs no copy.
#[allow(
    clippy::large_enum_variant,
    reason = "a value of the moment, moved straight into a Quote; boxing would add an allocation"
)]
enum Payable<'a> {
    Eip3009 {
        index: usize,
        network: &'a Network,
        asset: &'a Asset,
        amount: U256,
        pay_to: Address,
        max_timeout_seconds: u64,
    },
    Permit2 {
        index: usize,
        network: &'a Network,
        asset: &'a Asset,
        terms: permit2::Terms,
    },
    Svm {
        index: usize,
        exact: crate::svm::requirement::SvmExact,
        asset: Token,
        max_timeout_seconds: u64,
    },
}

impl Payable<'_> {
    /// The name of the quote's network ([`Chain::name`]).
    fn network_name(&self) -> &str {
        match self {
            Payable::Eip3009 { network, .. } | Payable::Permit2 { network, .. } => &network.name,
            Payable::Svm { exact, .. } => &exact.network.name,
        }
    }

    fn into_quote(self) -> Quote {
        match self {
            Payable::Eip3009 {
                index,
                network,
                asset,
                amount,
                pay_to,
                max_timeout_seconds,
            } => Quote {
                index,
                network: Chain::Evm(network.clone()),
                asset: Token::of_evm(asset),
                amount,
                pay_to: pay_to.to_checksum(None),
                max_timeout_seconds,
                // The option's domain is the known token's (checked by `eip712_domain`).
                scheme: Scheme::Eip3009 {
                    asset: asset.clone(),
                    pay_to,
                    domain_name: asset.eip712_name.clone(),
                    domain_version: asset.eip712_version.clone(),
                },
            },
            Payable::Permit2 {
                index,
                network,
                asset,
                terms,
            } => Quote {
                index,
                asset: Token::of_evm(asset),
                amount: terms.amount,
                pay_to: terms.pay_to.to_checksum(None),
                max_timeout_seconds: terms.max_timeout_seconds,
                network: Chain::Evm(network.clone()),
                scheme: Scheme::Permit2(terms),
            },
            Payable::Svm {
                index,
                exact,
                asset,
                max_timeout_seconds,
            } => Quote {
                index,
                network: Chain::Svm(exact.network.clone()),
                asset,
                amount: U256::from(exact.amount),
                pay_to: exact.pay_to.to_string(),
                max_timeout_seconds,
                scheme: Scheme::Svm(exact),
            },
        }
    }
}

/// [`evaluate`] without the copy: the option judged on the borrowed network.
fn judge<'a>(
    req: &Requirement,
    version: u8,
    networks: &'a Networks,
) -> Result<Payable<'a>, Unpayable> {
    let scheme = req.scheme.as_deref().unwrap_or("");
    if scheme != "exact" && scheme != "upto" {
        return Err(format!(
            "scheme '{scheme}' is not supported (only exact and upto)"
        ));
    }
    let network_name = req.network.as_deref().unwrap_or("");
    match networks.chain_ref_for_requirement(network_name, version) {
        Some(ChainRef::Evm(network)) if permit2::is_permit2(req) => {
            evm_permit2(req, version, network)
        }
        Some(ChainRef::Evm(network)) => evm_exact(req, network),
        Some(ChainRef::Svm(_)) => svm_exact(req, networks),
        None if network_name.starts_with("solana") => Err(format!(
            "network '{network_name}' is not a Solana network this tool knows"
        )),
        None => Err(format!(
            "network '{network_name}' is not a known EVM network (add it to config.toml)"
        )),
    }
}

/// The protocol's checks: an option with a problem that is not advisory is refused, with all
/// of them listed.
fn check_problems(req: &Requirement) -> Result<(), Unpayable> {
    if req.problems.iter().all(|p| p.advisory) {
        return Ok(());
    }
    let list: Vec<String> = req
        .problems
        .iter()
        .filter(|p| !p.advisory)
        .map(ToString::to_string)
        .collect();
    Err(format!(
        "the option breaks the protocol: {}",
        list.join("; ")
    ))
}

/// An EVM `exact` option: the protocol's checks, the known token, then the transfer method.
fn evm_exact<'a>(req: &Requirement, network: &'a Network) -> Result<Payable<'a>, Unpayable> {
    check_problems(req)?;
    let Some(asset_address) = req.asset_address() else {
        return Err("no valid asset address".into());
    };
    let Some(asset) = network.asset(&asset_address) else {
        return Err(format!(
            "asset {asset_address} is not a token this tool knows on {} (its decimals, and so its price, cannot be shown honestly; add it under [[assets]])",
            network.name
        ));
    };
    let method = req.transfer_method();
    if method != "eip3009" || asset.method != TransferMethod::Eip3009 {
        return Err(format!(
            "transfer method '{method}' is not supported yet (only eip3009)"
        ));
    }
    eip712_domain(req, asset)?;
    let (amount, pay_to, max_timeout_seconds) = evm_amount_payee_timeout(req)?;
    Ok(Payable::Eip3009 {
        index: req.index,
        network,
        asset,
        amount,
        pay_to,
        max_timeout_seconds,
    })
}

/// An EVM Permit2 option (`exact` + `assetTransferMethod: "permit2"`, or `upto`): the
/// requirement read by [`permit2::read_requirement`] (which refuses an `upto` without
/// `extra.facilitatorAddress`), a token this tool knows (any ERC-20 can be moved by Permit2),
/// and a validity within [`MAX_VALIDITY_SECONDS`]. The quote's amount is the price, or for
/// `upto` the maximum: the amount at risk, which the cap and the budget judge.
fn evm_permit2<'a>(
    req: &Requirement,
    version: u8,
    network: &'a Network,
) -> Result<Payable<'a>, Unpayable> {
    if version != 2 {
        return Err("Permit2 and upto are x402 v2 only".into());
    }
    let terms = permit2::read_requirement(req).map_err(|e| e.to_string())?;
    if terms.chain_id != network.chain_id {
        return Err(format!(
            "the option's chain id {} is not {}'s ({})",
            terms.chain_id, network.name, network.chain_id
        ));
    }
    let Some(asset) = network.asset(&terms.token) else {
        return Err(format!(
            "asset {} is not a token this tool knows on {} (its decimals, and so its price, cannot be shown honestly; add it under [[assets]])",
            terms.token, network.name
        ));
    };
    check_timeout(terms.max_timeout_seconds)?;
    Ok(Payable::Permit2 {
        index: req.index,
        network,
        asset,
        terms,
    })
}

/// A Solana `exact` option: the protocol's checks, the requirement read
/// ([`crate::svm::requirement::read`]), the known mint (its decimals, so its price is shown
/// honestly), and a validity within [`MAX_VALIDITY_SECONDS`].
fn svm_exact<'a>(req: &Requirement, networks: &'a Networks) -> Result<Payable<'a>, Unpayable> {
    check_problems(req)?;
    let exact = crate::svm::requirement::read(req, networks).map_err(|e| e.to_string())?;
    let Some(asset) = exact.network.asset(&exact.mint) else {
        return Err(format!(
            "mint {} is not a token this tool knows on {} (its decimals, and so its price, cannot be shown honestly)",
            exact.mint, exact.network.name
        ));
    };
    let Some(max_timeout_seconds) = exact.max_timeout_seconds else {
        return Err("maxTimeoutSeconds is missing".into());
    };
    check_timeout(max_timeout_seconds)?;
    Ok(Payable::Svm {
        index: req.index,
        asset: Token::of_svm(asset),
        exact,
        max_timeout_seconds,
    })
}

/// The EIP-712 domain to sign with is `extra.name`/`extra.version`, which must be the known
/// token's (absent ones are taken from it); the quote then signs with the token's.
fn eip712_domain(req: &Requirement, asset: &Asset) -> Result<(), Unpayable> {
    let domain_name = req.extra_str("name").unwrap_or(&asset.eip712_name);
    let domain_version = req.extra_str("version").unwrap_or(&asset.eip712_version);
    if domain_name != asset.eip712_name || domain_version != asset.eip712_version {
        return Err(format!(
            "EIP-712 domain '{domain_name}'/'{domain_version}' differs from the known token's '{}'/'{}'",
            asset.eip712_name, asset.eip712_version
        ));
    }
    Ok(())
}

/// The amount, the EVM payee and the validity asked for, the validity within
/// [`MAX_VALIDITY_SECONDS`].
fn evm_amount_payee_timeout(req: &Requirement) -> Result<(U256, Address, u64), Unpayable> {
    let (Some(amount), Some(pay_to), Some(max_timeout_seconds)) = (
        req.amount_u256(),
        req.pay_to_address(),
        req.max_timeout_seconds,
    ) else {
        return Err("amount, payTo or maxTimeoutSeconds is missing".into());
    };
    check_timeout(max_timeout_seconds)?;
    Ok((amount, pay_to, max_timeout_seconds))
}

/// `maxTimeoutSeconds` must be positive and at most [`MAX_VALIDITY_SECONDS`]: a signed payment
/// can be spent until it expires.
pub fn check_timeout(max_timeout_seconds: u64) -> Result<(), Unpayable> {
    if max_timeout_seconds == 0 {
        return Err("maxTimeoutSeconds is 0".into());
    }
    if max_timeout_seconds > MAX_VALIDITY_SECONDS {
        return Err(format!(
            "maxTimeoutSeconds {max_timeout_seconds} is longer than the {} s this tool signs for (a signed authorization can be spent until it expires)",
            MAX_VALIDITY_SECONDS
        ));
    }
    Ok(())
}

/// Every option judged, and the index of the one to pay: the first payable one on the most
/// preferred network (`preferred` names, in order), else the server's first payable one.
/// With a non-empty `preferred` list only those networks are eligible.
pub fn choose(
    challenge: &Challenge,
    networks: &Networks,
    preferred: &[String],
    narrow: bool,
) -> (Vec<Result<Quote, Unpayable>>, Option<usize>) {
    choose_matching(challenge, networks, preferred, narrow, |_| Ok(()))
}

/// [`choose`], with one more test every payable option must pass (the user's pinned terms).
pub fn choose_matching(
    challenge: &Challenge,
    networks: &Networks,
    preferred: &[String],
    narrow: bool,
    accept: impl Fn(&Quote) -> Result<(), Unpayable>,
) -> (Vec<Result<Quote, Unpayable>>, Option<usize>) {
    choose_payable_by(challenge, networks, preferred, narrow, accept, |_| true)
}

/// [`choose_matching`], where among options of equal preference one that an account of the
/// user's can pay (`has_account(family)`) comes first: a 402 that lists a Solana option before
/// an EVM one is paid on the EVM network by a user with only an EVM account. The preferred
/// networks still come first, and with no account for any option the server's order decides.
pub fn choose_payable_by(
    challenge: &Challenge,
    networks: &Networks,
    preferred: &[String],
    narrow: bool,
    accept: impl Fn(&Quote) -> Result<(), Unpayable>,
    has_account: impl Fn(Family) -> bool,
) -> (Vec<Result<Quote, Unpayable>>, Option<usize>) {
    let judged: Vec<Result<Quote, Unpayable>> = challenge
        .accepts
        .iter()
        .map(|r| {
            let payable = judge(r, challenge.version, networks)?;
            let network = payable.network_name();
            if narrow && !preferred.iter().any(|p| p == network) {
                return Err(format!("network {network} was not asked for (--network)"));
            }
            let q = payable.into_quote();
            accept(&q)?;
            Ok(q)
        })
        .collect();
    let rank = |q: &Quote| {
        let preference = preferred
            .iter()
            .position(|p| p == q.network.name())
            .unwrap_or(usize::MAX);
        (preference, !has_account(q.network.family()))
    };
    let chosen = judged
        .iter()
        .enumerate()
        .filter_map(|(i, r)| r.as_ref().ok().map(|q| (rank(q), i)))
        .min()
        .map(|(_, i)| i);
    (judged, chosen)
}

/// The cap in the quote's asset.
#[derive(Debug, thiserror::Error)]
pub enum CapError {
    #[error("{price} is above the per-payment cap of {cap}")]
    OverCap { price: String, cap: String },
    #[error("the cap '{0}' cannot be expressed in {1}")]
    Unrepresentable(String, String),
}

pub fn check_cap(quote: &Quote, cap: &UserAmount) -> Result<(), CapError> {
    let limit = cap
        .to_base_units(quote.asset.decimals)
        .map_err(|_| CapError::Unrepresentable(cap.to_string(), quote.asset.symbol.clone()))?;
    if quote.amount > limit {
        return Err(CapError::OverCap {
            price: quote.price_words(),
            cap: amount::display(limit, quote.asset.decimals, &quote.asset.symbol),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payment::challenge::Requirement;
    use serde_json::json;

    const USDC: &str = "0x036CbD53842c5426634e7929541eC2318f3dCF7e";
    const PAY_TO: &str = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C";
    const FACILITATOR: &str = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

    fn requirement(scheme: &str, extra: serde_json::Value) -> Requirement {
        let raw = json!({
            "scheme": scheme, "network": "eip155:84532", "amount": "250000", "asset": USDC,
            "payTo": PAY_TO, "maxTimeoutSeconds": 300, "extra": extra,
        });
        Requirement::parse(0, &raw, 2)
    }

    #[test]
    fn permit2_exact_and_upto_are_quoted_on_their_maximum() {
        let networks = Networks::built_in();
        let exact = evaluate(
            &requirement("exact", json!({"assetTransferMethod": "permit2"})),
            2,
            &networks,
        )
        .unwrap();
        assert!(matches!(&exact.scheme, Scheme::Permit2(t) if t.kind == permit2::Kind::Exact));
        assert_eq!(
            (exact.scheme.name(), exact.is_upto(), exact.price_words()),
            ("exact", false, "0.25 USDC".to_owned())
        );
        assert_eq!(exact.evm_token(), Some(USDC.parse().unwrap()));

        let upto = evaluate(
            &requirement("upto", json!({"facilitatorAddress": FACILITATOR})),
            2,
            &networks,
        )
        .unwrap();
        assert_eq!(upto.scheme.name(), "upto");
        assert!(upto.is_upto());
        assert_eq!(upto.amount, U256::from(250_000u64));
        assert_eq!(upto.price_words(), "up to 0.25 USDC");
        // The cap judges the maximum, the amount at risk.
        let err = check_cap(&upto, &"0.20".parse().unwrap()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "up to 0.25 USDC is above the per-payment cap of 0.20 USDC"
        );
        assert!(check_cap(&upto, &"0.25".parse().unwrap()).is_ok());
    }

    #[test]
    fn permit2_options_that_cannot_be_signed_safely_are_refused() {
        let networks = Networks::built_in();
        let why = |r: Requirement, version| evaluate(&r, version, &networks).unwrap_err();
        assert!(why(requirement("upto", json!({})), 2).contains("names no facilitator"));
        assert!(
            why(
                requirement(
                    "upto",
                    json!({"facilitatorAddress": "0x0000000000000000000000000000000000000000"})
                ),
                2
            )
            .contains("not a valid, non-zero evm address")
        );
        let mut unknown = requirement("exact", json!({"assetTransferMethod": "permit2"}));
        unknown.asset = Some("0x1111111111111111111111111111111111111111".into());
        assert!(why(unknown, 2).contains("not a token this tool knows"));
        let mut long = requirement("exact", json!({"assetTransferMethod": "permit2"}));
        long.max_timeout_seconds = Some(86_400);
        assert!(why(long, 2).contains("longer than"));
        assert!(
            why(
                requirement(
                    "upto",
                    json!({"assetTransferMethod": "eip3009", "facilitatorAddress": FACILITATOR})
                ),
                2
            )
            .contains("not permit2")
        );
        let v1 = Requirement::parse(
            0,
            &json!({
                "scheme": "exact", "network": "base-sepolia", "maxAmountRequired": "1000",
                "asset": USDC, "payTo": PAY_TO, "maxTimeoutSeconds": 60, "resource": "http://a.test/",
                "description": "", "mimeType": "", "extra": {"assetTransferMethod": "permit2"},
            }),
            1,
        );
        assert_eq!(why(v1, 1), "Permit2 and upto are x402 v2 only");
    }
}
