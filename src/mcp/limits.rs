//! The limits `x402 mcp` holds every payment to, resolved once at start, and what this server
//! process has paid ([`Session`]). No I/O, no clock, no journal: the payment engine applies
//! them. The per-payment cap and the daily budget go to it as [`PaySettings`], exactly as
//! `x402 get` gives them; a tool call's `max_amount` and the session budget are this front
//! end's own, checked through [`Limits::over_limit`], which the server's
//! [`Confirm`](crate::payment::engine::Confirm) answers with (with the cap, and again right
//! before signing). A payment beyond a limit is an [`engine::Refusal`](Refusal), and
//! [`Limits::refusal_document`] says which limit, by how much, and where that limit came from,
//! so an agent can tell its human exactly what to raise.
//!
//! Three limits, all per asset (network and token):
//! - the per-payment cap: `--max-amount` (or `X402_MAX_AMOUNT`), else `[limits] per_payment`,
//!   else 0.10; a tool call's `max_amount` may lower it for that call, never raise it;
//! - the daily budget: `--daily-limit`, else `[limits] daily`, else none; what the journal
//!   counts as spent or pending in the last 24 hours, plus this payment;
//! - the session budget: `--session-budget`, else `[limits] session`, else 1.00; what this
//!   server process has paid (or may have paid), plus this payment.

use crate::amount::{self, UserAmount};
use crate::cli::LimitArgs;
use crate::payment::engine::outcome::money;
use crate::payment::engine::{PaySettings, Refusal};
use crate::payment::policy::{self, CapError, Quote};
use alloy_primitives::U256;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// The session budget when neither `--session-budget` nor `[limits] session` says otherwise.
pub const DEFAULT_SESSION_BUDGET: &str = "1.00";

pub use crate::settings::{Limit, Source};

/// The three limits of one server process, resolved once at start.
#[derive(Clone, Debug)]
pub struct Limits {
    pub per_payment: Limit,
    pub daily: Option<Limit>,
    pub session: Limit,
}

/// Which limit refused a payment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Which {
    PerPayment,
    Daily,
    Session,
}

impl Which {
    /// The name used in tool results: `per_payment`, `daily`, `session`.
    pub fn as_str(self) -> &'static str {
        match self {
            Which::PerPayment => "per_payment",
            Which::Daily => "daily",
            Which::Session => "session",
        }
    }
}

impl Limits {
    /// The limits from the flags (each `None` when not given) and config.toml's `[limits]`:
    /// a flag beats config.toml, which beats the default.
    pub fn resolve(
        flags: &LimitArgs,
        session_budget: Option<UserAmount>,
        config: &crate::config::Limits,
    ) -> Limits {
        use crate::settings::pick_limit as pick;
        let default = |text: &str| Limit {
            amount: text.parse().expect("the built-in default is an amount"),
            source: Source::Default,
        };
        let (per_payment, daily) = crate::settings::spending_limits(flags, config);
        Limits {
            per_payment,
            daily,
            session: pick(
                session_budget,
                "--session-budget",
                config.session.as_ref(),
                "session",
            )
            .unwrap_or_else(|| default(DEFAULT_SESSION_BUDGET)),
        }
    }

    /// What the engine is told for one `fetch`: this server's cap and daily budget, the
    /// networks to pay on, no one to ask (`yes`), nothing pinned, no resend.
    pub fn settings(&self, preferred: Vec<String>, only_preferred: bool) -> PaySettings {
        PaySettings {
            cap: self.per_payment.clone(),
            daily: self.daily.clone(),
            preferred,
            only_preferred,
            pins: Default::default(),
            yes: true,
            dry_run: false,
            retry: 0,
            user_agent: None,
        }
    }

    /// The per-payment cap for one call, in an asset of `decimals`: the session's, or the
    /// call's `max_amount` when that is lower (it never raises the cap). A `max_amount` finer
    /// than the asset is the call's cap, which then refuses rather than rounds.
    pub fn cap_for(&self, tool_max: Option<&UserAmount>, decimals: u8) -> Limit {
        let Some(asked) = tool_max else {
            return self.per_payment.clone();
        };
        let tool = Limit {
            amount: asked.clone(),
            source: Source::ToolArgument,
        };
        match (
            asked.to_base_units(decimals),
            self.per_payment.amount.to_base_units(decimals),
        ) {
            (Ok(call), Ok(session)) if call >= session => self.per_payment.clone(),
            // The session's own cap cannot be applied: the engine refuses on it.
            (_, Err(_)) => self.per_payment.clone(),
            _ => tool,
        }
    }

    /// This front end's own limits on `quote`: the call's `max_amount` (the session's cap
    /// and the daily budget are the engine's), then the session budget given what this
    /// server has paid on the quote's asset. `None` when within them.
    pub fn over_limit(
        &self,
        quote: &Quote,
        tool_max: Option<&UserAmount>,
        spent: U256,
    ) -> Option<Refusal> {
        let cap = self.cap_for(tool_max, quote.asset.decimals);
        if cap.source == Source::ToolArgument
            && let Err(e) = policy::check_cap(quote, &cap.amount)
        {
            return Some(Refusal::OverCap(e));
        }
        let Ok(limit) = self.session.amount.to_base_units(quote.asset.decimals) else {
            return Some(Refusal::SessionUnrepresentable {
                budget: self.session.amount.to_string(),
                symbol: quote.asset.symbol.clone(),
            });
        };
        if spent.saturating_add(quote.amount) > limit {
            return Some(Refusal::OverSession {
                asked: money(quote),
                spent,
                limit,
                network: quote.network.name().to_owned(),
            });
        }
        None
    }

    /// A refusal as a tool result's structured content. For a limit: which one, where it came
    /// from, the price, the limit, what was spent and by how much it is over, amounts as
    /// decimal and base units, and one sentence for the agent and its human. Any other refusal
    /// (no payable option, not enough funds) is its message.
    pub fn refusal_document(
        &self,
        refusal: &Refusal,
        quote: Option<&Quote>,
        tool_max: Option<&UserAmount>,
    ) -> Value {
        let limit = quote.and_then(|q| self.limit_refused(refusal, q, tool_max));
        let (Some(q), Some(l)) = (quote, limit) else {
            return json!({
                "refused": true,
                "limit": null,
                "message": refusal.to_string(),
            });
        };
        let show = |base: U256| amount::display(base, q.asset.decimals, &q.asset.symbol);
        let money = |base: U256| {
            json!({
                "base_units": base.to_string(),
                "decimal": amount::format_units(base, q.asset.decimals),
                "symbol": q.asset.symbol,
            })
        };
        let message = match (l.which, l.allowed) {
            (_, None) => format!(
                "the {} limit '{}' ({}) cannot be applied to {}; nothing was signed",
                l.which.as_str(),
                l.from.amount,
                l.from.source.describe(),
                q.asset.symbol
            ),
            (Which::PerPayment, Some(cap)) => format!(
                "{} is over the per-payment cap of {} ({}) by {}; nothing was signed",
                show(q.amount),
                show(cap),
                l.from.source.describe(),
                show(l.over_by)
            ),
            (which, Some(limit)) => {
                let (budget, spent) = if which == Which::Daily {
                    ("the daily budget", "spent or pending")
                } else {
                    ("this session's budget", "paid through this server")
                };
                let window = if which == Which::Daily {
                    " in the last 24 hours"
                } else {
                    ""
                };
                format!(
                    "{} would exceed {budget} of {} ({}) by {}: {} already {spent} on {}{window}; \
                     nothing was signed",
                    show(q.amount),
                    show(limit),
                    l.from.source.describe(),
                    show(l.over_by),
                    show(l.spent.unwrap_or_default()),
                    q.network.name()
                )
            }
        };
        json!({
            "refused": true,
            "limit": l.which.as_str(),
            "limit_from": l.from.source.describe(),
            "network": q.network.caip2(),
            "asset": q.asset.id,
            "asked": money(q.amount),
            "allowed": l.allowed.map(money),
            "spent": l.spent.map(money),
            "over_by": money(l.over_by),
            "message": message,
        })
    }

    /// Which limit `refusal` is, with its numbers; `None` when it is not a limit's.
    fn limit_refused(
        &self,
        refusal: &Refusal,
        quote: &Quote,
        tool_max: Option<&UserAmount>,
    ) -> Option<Refused> {
        let decimals = quote.asset.decimals;
        let over =
            |spent: U256, limit: U256| spent.saturating_add(quote.amount).saturating_sub(limit);
        Some(match refusal {
            Refusal::OverCap(e) => {
                let from = self.cap_for(tool_max, decimals);
                let allowed = match e {
                    CapError::OverCap { .. } => from.amount.to_base_units(decimals).ok(),
                    CapError::Unrepresentable(..) => None,
                };
                Refused {
                    which: Which::PerPayment,
                    from,
                    allowed,
                    spent: None,
                    over_by: allowed.map_or(U256::ZERO, |cap| over(U256::ZERO, cap)),
                }
            }
            Refusal::OverBudget { spent, limit, .. } => Refused {
                which: Which::Daily,
                from: self.daily.clone()?,
                allowed: Some(*limit),
                spent: Some(*spent),
                over_by: over(*spent, *limit),
            },
            Refusal::OverSession { spent, limit, .. } => Refused {
                which: Which::Session,
                from: self.session.clone(),
                allowed: Some(*limit),
                spent: Some(*spent),
                over_by: over(*spent, *limit),
            },
            Refusal::SessionUnrepresentable { .. } => Refused {
                which: Which::Session,
                from: self.session.clone(),
                allowed: None,
                spent: None,
                over_by: U256::ZERO,
            },
            _ => return None,
        })
    }

    /// The limits as the server states them at start and in tool descriptions.
    pub fn describe(&self) -> String {
        let daily = self.daily.as_ref().map_or_else(
            || "no daily budget".to_owned(),
            |d| format!("daily budget {} ({})", d.amount, d.source.describe()),
        );
        format!(
            "per-payment cap {} ({}), session budget {} ({}), {daily}",
            self.per_payment.amount,
            self.per_payment.source.describe(),
            self.session.amount,
            self.session.source.describe()
        )
    }
}

/// A limit that refused, with its numbers in the asset's base units.
struct Refused {
    which: Which,
    from: Limit,
    /// `None` when the limit cannot be expressed in the asset.
    allowed: Option<U256>,
    spent: Option<U256>,
    over_by: U256,
}

/// What this server process has paid, or may have paid, per asset. A payment counts from
/// the moment it is signed (from then on it may move money), unless what became of it shows
/// it did not (rejected, never sent): as the journal counts the daily budget.
#[derive(Debug, Default)]
pub struct Session {
    spent: BTreeMap<(String, String), U256>,
}

/// The session's key for a quote's asset: EVM addresses in any case are one token.
fn key(quote: &Quote) -> (String, String) {
    let network = quote.network.caip2();
    let asset = crate::network::account_id(&network, &quote.asset.id)
        .unwrap_or_else(|_| quote.asset.id.clone());
    (network, asset)
}

impl Session {
    /// What was paid on `quote`'s asset.
    pub fn spent(&self, quote: &Quote) -> U256 {
        self.spent.get(&key(quote)).copied().unwrap_or(U256::ZERO)
    }

    /// `quote` was signed and may have moved `amount` (its price, or for a maximum what the
    /// settlement says was charged).
    pub fn charge(&mut self, quote: &Quote, amount: U256) {
        let total = self.spent.entry(key(quote)).or_insert(U256::ZERO);
        *total = total.saturating_add(amount);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::{Chain, Networks, Token};
    use crate::payment::policy::Scheme;
    use alloy_primitives::Address;

    fn amount(text: &str) -> UserAmount {
        text.parse().unwrap()
    }

    /// A quote of `base` units of USDC on `network`.
    fn usdc_on(network: &str, base: u64) -> Quote {
        let networks = Networks::built_in();
        let network = networks.find(network).unwrap().clone();
        let asset = network.assets[0].clone();
        let pay_to = Address::repeat_byte(0x22);
        Quote {
            index: 0,
            network: Chain::Evm(network),
            asset: Token::of_evm(&asset),
            amount: U256::from(base),
            pay_to: pay_to.to_checksum(None),
            max_timeout_seconds: 60,
            scheme: Scheme::Eip3009 {
                asset,
                pay_to,
                domain_name: "USDC".into(),
                domain_version: "2".into(),
            },
        }
    }

    fn usdc(base: u64) -> Quote {
        usdc_on("base-sepolia", base)
    }

    fn limits(per_payment: &str, daily: Option<&str>, session: &str) -> Limits {
        Limits {
            per_payment: Limit {
                amount: amount(per_payment),
                source: Source::Flag("--max-amount"),
            },
            daily: daily.map(|d| Limit {
                amount: amount(d),
                source: Source::Config("daily"),
            }),
            session: Limit {
                amount: amount(session),
                source: Source::Default,
            },
        }
    }

    const ZERO: U256 = U256::ZERO;

    #[test]
    fn flags_beat_config_which_beats_the_defaults() {
        let config = crate::config::Limits {
            per_payment: Some(amount("0.20")),
            daily: Some(amount("3.00")),
            session: Some(amount("0.50")),
        };
        let none = LimitArgs {
            max_amount: None,
            daily_limit: None,
        };
        let l = Limits::resolve(&none, None, &config);
        assert_eq!(l.per_payment.amount, amount("0.20"));
        assert_eq!(l.per_payment.source, Source::Config("per_payment"));
        assert_eq!(l.daily.as_ref().unwrap().source, Source::Config("daily"));
        assert_eq!(l.session.amount, amount("0.50"));
        let flags = LimitArgs {
            max_amount: Some(amount("0.05")),
            daily_limit: Some(amount("2.00")),
        };
        let l = Limits::resolve(&flags, Some(amount("0.30")), &config);
        assert_eq!(l.per_payment.source, Source::Flag("--max-amount"));
        assert_eq!(l.per_payment.amount, amount("0.05"));
        assert_eq!(l.daily.unwrap().source, Source::Flag("--daily-limit"));
        assert_eq!(l.session.source, Source::Flag("--session-budget"));
        let l = Limits::resolve(&none, None, &crate::config::Limits::default());
        assert_eq!(
            l.per_payment.amount,
            amount(crate::payment::policy::DEFAULT_MAX_AMOUNT)
        );
        assert_eq!(l.per_payment.source, Source::Default);
        assert!(l.daily.is_none());
        assert_eq!(l.session.amount, amount("1.00"));
        assert_eq!(l.session.source, Source::Default);
    }

    #[test]
    fn the_engine_is_given_the_cap_and_the_daily_budget_and_asks_no_one() {
        let l = limits("0.10", Some("0.25"), "1.00");
        let s = l.settings(vec!["base-sepolia".into()], true);
        assert_eq!(s.cap, l.per_payment);
        assert_eq!(s.daily, l.daily);
        assert!(s.yes && !s.dry_run && s.only_preferred);
        assert!(s.pins.is_empty());
    }

    #[test]
    fn a_tool_max_amount_lowers_the_cap_but_never_raises_it() {
        let l = limits("0.10", None, "1.00");
        let lower = amount("0.01");
        let higher = amount("5.00");
        assert_eq!(l.cap_for(None, 6), l.per_payment);
        assert_eq!(l.cap_for(Some(&higher), 6), l.per_payment);
        assert_eq!(l.cap_for(Some(&lower), 6).source, Source::ToolArgument);
        let refusal = l.over_limit(&usdc(20_000), Some(&lower), ZERO).unwrap();
        assert!(matches!(
            refusal,
            Refusal::OverCap(CapError::OverCap { .. })
        ));
        let doc = l.refusal_document(&refusal, Some(&usdc(20_000)), Some(&lower));
        assert_eq!(doc["limit"], "per_payment");
        assert_eq!(doc["limit_from"], "the tool call's max_amount");
        assert_eq!(doc["allowed"]["decimal"], "0.01");
        assert_eq!(doc["over_by"]["base_units"], "10000");
        assert_eq!(
            doc["message"],
            "0.02 USDC is over the per-payment cap of 0.01 USDC (the tool call's max_amount) \
             by 0.01 USDC; nothing was signed"
        );
        assert!(l.over_limit(&usdc(10_000), Some(&lower), ZERO).is_none());
        // Higher than the session's cap: the engine's own check of the session's cap stands,
        // and the refusal names it.
        assert!(l.over_limit(&usdc(200_000), Some(&higher), ZERO).is_none());
        let engine_says =
            Refusal::OverCap(policy::check_cap(&usdc(200_000), &l.per_payment.amount).unwrap_err());
        let doc = l.refusal_document(&engine_says, Some(&usdc(200_000)), Some(&higher));
        assert_eq!(doc["limit_from"], "--max-amount");
        assert_eq!(doc["over_by"]["decimal"], "0.10");
        // Finer than the token: refused, not rounded.
        let fine = amount("0.0000001");
        let refusal = l.over_limit(&usdc(1), Some(&fine), ZERO).unwrap();
        assert!(matches!(
            refusal,
            Refusal::OverCap(CapError::Unrepresentable(..))
        ));
        let doc = l.refusal_document(&refusal, Some(&usdc(1)), Some(&fine));
        assert_eq!(doc["allowed"], Value::Null);
        assert!(
            doc["message"]
                .as_str()
                .unwrap()
                .contains("cannot be applied"),
            "{doc}"
        );
    }

    #[test]
    fn the_daily_budget_refusal_says_by_how_much_and_where_it_comes_from() {
        let l = limits("0.10", Some("0.25"), "1.00");
        let q = usdc(50_001);
        let refusal = Refusal::OverBudget {
            asked: money(&q),
            spent: U256::from(200_000),
            limit: U256::from(250_000),
            network: "base-sepolia".into(),
        };
        let doc = l.refusal_document(&refusal, Some(&q), None);
        assert_eq!(doc["limit"], "daily");
        assert_eq!(doc["limit_from"], "[limits] daily in config.toml");
        assert_eq!(doc["spent"]["decimal"], "0.20");
        assert_eq!(doc["over_by"]["base_units"], "1");
        assert!(
            doc["message"]
                .as_str()
                .unwrap()
                .contains("daily budget of 0.25 USDC ([limits] daily in config.toml) by"),
            "{doc}"
        );
    }

    #[test]
    fn the_session_budget_stops_repeated_payments() {
        let l = limits("0.10", None, "0.25");
        let mut session = Session::default();
        let q = usdc(100_000);
        let mut paid = 0;
        let refusal = loop {
            match l.over_limit(&q, None, session.spent(&q)) {
                None => {
                    session.charge(&q, q.amount);
                    paid += 1;
                }
                Some(refusal) => break refusal,
            }
        };
        assert_eq!(paid, 2);
        assert!(
            matches!(
                &refusal,
                Refusal::OverSession { spent, limit, .. }
                    if *spent == U256::from(200_000) && *limit == U256::from(250_000)
            ),
            "{refusal:?}"
        );
        let doc = l.refusal_document(&refusal, Some(&q), None);
        assert_eq!(doc["limit"], "session");
        assert_eq!(doc["limit_from"], "the default");
        assert_eq!(doc["spent"]["decimal"], "0.20");
        assert_eq!(doc["allowed"]["decimal"], "0.25");
        assert_eq!(doc["over_by"]["decimal"], "0.05");
        assert_eq!(doc["network"], "eip155:84532");
        assert_eq!(
            doc["message"],
            "0.10 USDC would exceed this session's budget of 0.25 USDC (the default) by 0.05 \
             USDC: 0.20 USDC already paid through this server on base-sepolia; nothing was \
             signed"
        );
        assert_eq!(refusal.exit_status(), crate::exit::ExitStatus::OverLimit);
    }

    #[test]
    fn the_session_counts_each_asset_apart() {
        let mut session = Session::default();
        let a = usdc(70_000);
        let b = usdc_on("base", 30_000);
        session.charge(&a, a.amount);
        session.charge(&a, a.amount);
        session.charge(&b, b.amount);
        assert_eq!(session.spent(&a), U256::from(140_000));
        assert_eq!(session.spent(&b), U256::from(30_000));
        // The same token written in lowercase is the same asset.
        let mut lower = usdc(1);
        lower.asset.id = lower.asset.id.to_lowercase();
        assert_eq!(session.spent(&lower), U256::from(140_000));
    }

    #[test]
    fn a_session_budget_finer_than_the_token_is_refused_not_rounded() {
        let l = limits("0.10", None, "0.0000001");
        let refusal = l.over_limit(&usdc(1), None, ZERO).unwrap();
        assert!(
            matches!(refusal, Refusal::SessionUnrepresentable { .. }),
            "{refusal:?}"
        );
        let doc = l.refusal_document(&refusal, Some(&usdc(1)), None);
        assert_eq!(doc["limit"], "session");
        assert_eq!(doc["allowed"], Value::Null);
    }

    #[test]
    fn a_refusal_that_is_no_limit_is_its_message() {
        let l = limits("0.10", None, "1.00");
        let doc = l.refusal_document(&Refusal::NoOption(vec![]), None, None);
        assert_eq!(doc["limit"], Value::Null);
        assert_eq!(doc["refused"], true);
        assert!(
            doc["message"]
                .as_str()
                .unwrap()
                .starts_with("no payable option")
        );
    }
}
