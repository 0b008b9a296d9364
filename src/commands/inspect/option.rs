//! One option of a 402 in words and as JSON, whether or not it can be paid (its price shown
//! whenever its token is known), and the per-payment cap `get` would apply to the chosen one.
//! May depend on `network`, `payment::{challenge, policy, flow}`, `settings` and `amount`.

use crate::amount;
use crate::network::{Asset, Network, Token};
use crate::payment::challenge::{self, Problem, Requirement};
use crate::payment::policy::{self, CapError, Quote};
use crate::settings::{Context, Limit};
use serde::Serialize;
use serde_json::Value;

#[derive(Serialize)]
pub(super) struct Price {
    pub(super) base_units: String,
    pub(super) decimal: String,
    pub(super) symbol: String,
    pub(super) decimals: u8,
}

#[derive(Serialize)]
pub(super) struct OptionView {
    pub(super) index: usize,
    pub(super) scheme: Option<String>,
    /// As sent: CAIP-2 in v2, a name in v1.
    pub(super) network: Option<String>,
    pub(super) caip2: Option<String>,
    /// The network table's name, when the network is known.
    pub(super) network_name: Option<String>,
    /// As sent, in base units.
    pub(super) amount: Option<String>,
    /// The amount in the asset's units, when the asset is a known token.
    pub(super) price: Option<Price>,
    /// The amount is a maximum the server charges up to (scheme `upto`): the amount at risk.
    pub(super) amount_is_maximum: bool,
    pub(super) asset: Option<String>,
    pub(super) asset_known: bool,
    pub(super) asset_symbol: Option<String>,
    pub(super) pay_to: Option<String>,
    pub(super) max_timeout_seconds: Option<u64>,
    /// `extra.paymentFlow` as this tool reads it (`authorization` when absent), or `null` when
    /// it is not a flow the tool knows (a departure; the option is not paid).
    pub(super) payment_flow: Option<crate::payment::flow::PaymentFlow>,
    pub(super) extra: Option<Value>,
    pub(super) payable: bool,
    pub(super) chosen: bool,
    /// Why `x402 get` cannot pay it.
    pub(super) reason: Option<String>,
    /// One sentence: chosen and why, payable but not chosen and why, or not payable and why.
    pub(super) verdict: String,
    /// This option's departures from the protocol, and from what the network table knows of
    /// its token.
    pub(super) problems: Vec<Problem>,
    pub(super) raw: Value,
    #[serde(skip)]
    pub(super) labels: Labels,
}

/// The option's fields in words, for the text report.
#[derive(Default)]
pub(super) struct Labels {
    pub(super) scheme: String,
    pub(super) network: String,
    pub(super) amount: String,
    pub(super) asset: String,
    pub(super) pay_to: String,
    pub(super) timeout: String,
    /// Shown when the server named a flow (`--json` always has it).
    pub(super) flow: Option<String>,
    pub(super) extra: Option<String>,
}

/// What the network tables know of an option, of either family.
struct Known {
    /// The network in words (`base-sepolia (eip155:84532)`) and its name.
    network: Option<(String, String)>,
    token: Option<Token>,
}

impl Known {
    /// The option's network and token from the EVM and Solana tables, with the EVM network
    /// and asset entries (for the token's departures from the table).
    fn of<'a>(
        ctx: &'a Context<'_>,
        r: &Requirement,
        version: u8,
    ) -> (Known, Option<&'a Network>, Option<&'a Asset>) {
        let network: Option<&Network> = r
            .network
            .as_deref()
            .and_then(|n| ctx.networks.for_requirement(n, version));
        let asset: Option<&Asset> = network.zip(r.asset.as_deref()).and_then(|(net, a)| {
            challenge::check_evm_address(a)
                .ok()
                .and_then(|address| net.asset(&address))
        });
        // A Solana option's network and mint, from the Solana table.
        let svm_network = match network {
            Some(_) => None,
            None => r
                .network
                .as_deref()
                .and_then(|n| ctx.networks.chain_for_requirement(n, version))
                .and_then(|c| match c {
                    crate::network::Chain::Svm(n) => Some(n),
                    crate::network::Chain::Evm(_) => None,
                }),
        };
        let svm_token = svm_network.as_ref().and_then(|net| {
            r.asset
                .as_deref()
                .and_then(|a| crate::svm::address::parse_pubkey(a).ok())
                .and_then(|mint| net.asset(&mint))
                .map(Token::of_svm)
        });
        let known = Known {
            network: network
                .map(|n| (n.to_string(), n.name.clone()))
                .or_else(|| {
                    svm_network
                        .as_ref()
                        .map(|n| (n.to_string(), n.name.clone()))
                }),
            token: asset.map(Token::of_evm).or(svm_token),
        };
        (known, network, asset)
    }
}

#[derive(Serialize)]
pub(super) struct CapView {
    pub(super) limit: String,
    pub(super) from: String,
    pub(super) within: bool,
    pub(super) message: String,
}

impl OptionView {
    pub(super) fn new(
        ctx: &Context<'_>,
        r: &Requirement,
        version: u8,
        judgement: &Result<Quote, policy::Unpayable>,
        verdict: String,
    ) -> OptionView {
        // The network and token are looked up whether or not the option is payable, so an
        // option refused for its scheme still shows its price.
        let (known, network, asset) = Known::of(ctx, r, version);
        let base_units = r.amount_u256();
        let price = known
            .token
            .as_ref()
            .zip(base_units)
            .map(|(a, units)| Price {
                base_units: units.to_string(),
                decimal: amount::format_units(units, a.decimals),
                symbol: a.symbol.clone(),
                decimals: a.decimals,
            });
        let mut problems = r.problems.clone();
        if let (Some(net), Some(a)) = (network, asset) {
            problems.extend(r.token_problems(net, a));
        }

        let caip2 = r.caip2_network();
        let flow = crate::payment::flow::payment_flow(r);
        let labels = Labels::of(r, version, &known, price.as_ref(), caip2.as_deref(), &flow);
        OptionView {
            index: r.index,
            scheme: r.scheme.clone(),
            network: r.network.clone(),
            caip2,
            network_name: known.network.as_ref().map(|(_, name)| name.clone()),
            amount: r.amount.clone(),
            price,
            amount_is_maximum: r.scheme.as_deref() == Some("upto"),
            asset: r.asset.clone(),
            asset_known: known.token.is_some(),
            asset_symbol: known.token.as_ref().map(|a| a.symbol.clone()),
            pay_to: r.pay_to.clone(),
            max_timeout_seconds: r.max_timeout_seconds,
            payment_flow: flow.ok(),
            extra: r.extra.clone(),
            payable: judgement.is_ok(),
            chosen: false,
            reason: judgement.as_ref().err().cloned(),
            verdict,
            problems,
            raw: r.raw.clone(),
            labels,
        }
    }
}

impl Labels {
    /// The option's fields in words: what was sent, and what the network table knows of it.
    fn of(
        r: &Requirement,
        version: u8,
        known: &Known,
        price: Option<&Price>,
        caip2: Option<&str>,
        flow: &Result<crate::payment::flow::PaymentFlow, Problem>,
    ) -> Labels {
        // A field without a typed value is either absent or sent with the wrong JSON type;
        // the departures say which, the label shows what was sent.
        let absent = |key: &str| match r.raw.get(key) {
            None => "(missing)".to_owned(),
            Some(v) => format!("{v}, mistyped"),
        };
        let amount_key = if version == 1 {
            "maxAmountRequired"
        } else {
            "amount"
        };
        // `upto`: the amount is the most the server may charge, and the amount at risk.
        let (up_to, at_most) = if r.scheme.as_deref() == Some("upto") {
            ("up to ", "; the server charges what was used")
        } else {
            ("", "")
        };
        Labels {
            flow: r.raw.pointer("/extra/paymentFlow").map(|sent| match flow {
                Ok(f) => format!("{}: {}", f.as_str(), f.meaning()),
                Err(_) => format!("{sent}, not a payment flow this tool knows"),
            }),
            scheme: r.scheme.clone().unwrap_or_else(|| absent("scheme")),
            network: match (&known.network, &r.network) {
                (Some((label, _)), _) => label.clone(),
                (None, None) => absent("network"),
                (None, Some(raw)) => match caip2.filter(|c| c != raw) {
                    Some(c) => format!("{raw} ({c}), not a network this tool knows"),
                    None => format!("{raw}, not a network this tool knows"),
                },
            },
            amount: match (price, r.amount_u256(), &r.amount) {
                (Some(p), _, _) => format!(
                    "{up_to}{} {} ({} base units{at_most})",
                    p.decimal, p.symbol, p.base_units
                ),
                (None, Some(units), _) => {
                    format!("{up_to}{units} base units (decimals unknown: the token is not known)")
                }
                (None, None, Some(raw)) => format!("{raw:?}, not an amount in base units"),
                (None, None, None) => absent(amount_key),
            },
            asset: match (&known.token, &known.network, &r.asset) {
                (_, _, None) => absent("asset"),
                (Some(a), _, Some(raw)) => format!("{} {raw}", a.symbol),
                (None, Some((_, name)), Some(raw)) => format!("{raw}, unknown token on {name}"),
                (None, None, Some(raw)) => format!("{raw}, unknown token"),
            },
            pay_to: r.pay_to.clone().unwrap_or_else(|| absent("payTo")),
            timeout: r
                .max_timeout_seconds
                .map_or_else(|| absent("maxTimeoutSeconds"), |t| format!("{t} s")),
            extra: match (&r.extra, r.raw.get("extra")) {
                (Some(e), _) => Some(e.to_string()),
                (None, None | Some(Value::Null)) => None,
                (None, Some(v)) => Some(format!("{v}, mistyped")),
            },
        }
    }
}

/// The per-payment cap `get` would apply (`--max-amount`, else config.toml's, else the
/// default: [`crate::settings::per_payment_cap`]), judged on `q`.
pub(super) fn cap_view(resolved: &Limit, q: &Quote) -> Option<CapView> {
    let (cap, from) = (&resolved.amount, resolved.source.describe());
    let limit = cap
        .to_base_units(q.asset.decimals)
        .map(|units| amount::display(units, q.asset.decimals, &q.asset.symbol))
        .unwrap_or_else(|_| cap.to_string());
    let (within, message) = match policy::check_cap(q, cap) {
        Ok(()) => (
            true,
            format!(
                "{} is within the per-payment cap of {limit} ({from})",
                q.price_words()
            ),
        ),
        Err(e @ CapError::OverCap { .. }) => (
            false,
            format!("{e} ({from}): x402 get refuses it unless --max-amount allows it"),
        ),
        Err(e) => (false, e.to_string()),
    };
    Some(CapView {
        limit,
        from,
        within,
        message,
    })
}
