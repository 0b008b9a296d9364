//! The limits `x402 mcp` holds every payment to, as pure bookkeeping: no I/O, no clock, no
//! journal. The caller reads what was spent in the last 24 hours from the journal and what this
//! server process has paid from its [`Session`], and asks [`Limits::check`] before signing; the
//! answer is either yes or a [`Refusal`] saying which limit, by how much, and where that limit
//! came from, so an agent can tell its human exactly what to raise.
//!
//! Three limits, all per asset (network and token), checked in this order:
//! - the per-payment cap: `--max-amount` (or `X402_MAX_AMOUNT`), else `[limits] per_payment`,
//!   else 0.10; a tool call's `max_amount` may lower it for that call, never raise it;
//! - the daily budget: `--daily-limit`, else `[limits] daily`, else none; what the journal
//!   counts as spent or pending in the last 24 hours, plus this payment;
//! - the session budget: `--session-budget`, else `[limits] session`, else 1.00; what this
//!   server process has paid (or may have paid), plus this payment.

use crate::amount::{self, AmountError, UserAmount};
use crate::payment::policy::Quote;
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

/// One payment about to be signed: its asset and amount in base units.
#[derive(Clone, Debug)]
pub struct Ask {
    /// CAIP-2, e.g. `eip155:84532`.
    pub network: String,
    /// The token's id: a checksummed `0x…` address or a base58 mint.
    pub asset: String,
    pub amount: U256,
    pub decimals: u8,
    pub symbol: String,
}

impl Ask {
    pub fn of(quote: &Quote) -> Ask {
        Ask {
            network: quote.network.caip2(),
            asset: quote.asset.id.clone(),
            amount: quote.amount,
            decimals: quote.asset.decimals,
            symbol: quote.asset.symbol.clone(),
        }
    }

    fn show(&self, base: U256) -> String {
        amount::display(base, self.decimals, &self.symbol)
    }
}

/// Why a payment is not made.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The price is over the per-payment cap.
    OverCap {
        asked: U256,
        cap: U256,
        source: Source,
    },
    /// The price, added to what was spent or is pending in the last 24 hours, is over the
    /// daily budget.
    OverDaily {
        asked: U256,
        spent: U256,
        limit: U256,
        source: Source,
    },
    /// The price, added to what this server process has paid, is over the session budget.
    OverSession {
        asked: U256,
        spent: U256,
        limit: U256,
        source: Source,
    },
    /// A limit cannot be expressed in the asset's base units (more decimal places than the
    /// token has): refused rather than rounded.
    Inexpressible {
        which: Which,
        limit: UserAmount,
        source: Source,
        error: AmountError,
    },
}

impl Refusal {
    pub fn which(&self) -> Which {
        match self {
            Refusal::OverCap { .. } => Which::PerPayment,
            Refusal::OverDaily { .. } => Which::Daily,
            Refusal::OverSession { .. } => Which::Session,
            Refusal::Inexpressible { which, .. } => *which,
        }
    }

    /// How far over the limit the payment would go, in base units (zero when the limit could
    /// not be expressed).
    pub fn over_by(&self) -> U256 {
        match self {
            Refusal::OverCap { asked, cap, .. } => asked.saturating_sub(*cap),
            Refusal::OverDaily {
                asked,
                spent,
                limit,
                ..
            }
            | Refusal::OverSession {
                asked,
                spent,
                limit,
                ..
            } => spent.saturating_add(*asked).saturating_sub(*limit),
            Refusal::Inexpressible { .. } => U256::ZERO,
        }
    }

    /// One sentence for the agent and its human.
    pub fn message(&self, ask: &Ask) -> String {
        let over = ask.show(self.over_by());
        match self {
            Refusal::OverCap { cap, source, .. } => format!(
                "{} is over the per-payment cap of {} ({}) by {over}; nothing was signed",
                ask.show(ask.amount),
                ask.show(*cap),
                source.describe()
            ),
            Refusal::OverDaily {
                spent,
                limit,
                source,
                ..
            } => format!(
                "{} would exceed the daily budget of {} ({}) by {over}: {} already spent or \
                 pending in the last 24 hours; nothing was signed",
                ask.show(ask.amount),
                ask.show(*limit),
                source.describe(),
                ask.show(*spent)
            ),
            Refusal::OverSession {
                spent,
                limit,
                source,
                ..
            } => format!(
                "{} would exceed this session's budget of {} ({}) by {over}: {} already paid \
                 through this server; nothing was signed",
                ask.show(ask.amount),
                ask.show(*limit),
                source.describe(),
                ask.show(*spent)
            ),
            Refusal::Inexpressible {
                which,
                limit,
                source,
                error,
            } => format!(
                "the {} limit '{limit}' ({}) cannot be applied to {}: {error}; nothing was \
                 signed",
                which.as_str(),
                source.describe(),
                ask.symbol
            ),
        }
    }

    /// The refusal as a tool result's structured content: amounts as decimal and base units.
    pub fn to_json(&self, ask: &Ask) -> Value {
        let money = |base: U256| {
            json!({
                "base_units": base.to_string(),
                "decimal": amount::format_units(base, ask.decimals),
                "symbol": ask.symbol,
            })
        };
        let (limit, spent, source) = match self {
            Refusal::OverCap { cap, source, .. } => (Some(*cap), None, *source),
            Refusal::OverDaily {
                spent,
                limit,
                source,
                ..
            }
            | Refusal::OverSession {
                spent,
                limit,
                source,
                ..
            } => (Some(*limit), Some(*spent), *source),
            Refusal::Inexpressible { source, .. } => (None, None, *source),
        };
        json!({
            "refused": true,
            "limit": self.which().as_str(),
            "limit_from": source.describe(),
            "network": ask.network,
            "asset": ask.asset,
            "asked": money(ask.amount),
            "allowed": limit.map(money),
            "spent": spent.map(money),
            "over_by": money(self.over_by()),
            "message": self.message(ask),
        })
    }
}

impl Limits {
    /// The limits from the flags (each `None` when not given) and config.toml's `[limits]`:
    /// a flag beats config.toml, which beats the default.
    pub fn resolve(
        max_amount: Option<UserAmount>,
        daily_limit: Option<UserAmount>,
        session_budget: Option<UserAmount>,
        config: &crate::config::Limits,
    ) -> Limits {
        use crate::settings::pick_limit as pick;
        let default = |text: &str| Limit {
            amount: text.parse().expect("the built-in default is an amount"),
            source: Source::Default,
        };
        Limits {
            per_payment: crate::settings::per_payment_cap(max_amount, config),
            daily: pick(daily_limit, "--daily-limit", config.daily.as_ref(), "daily"),
            session: pick(
                session_budget,
                "--session-budget",
                config.session.as_ref(),
                "session",
            )
            .unwrap_or_else(|| default(DEFAULT_SESSION_BUDGET)),
        }
    }

    /// The per-payment cap for one call: the session's, or the call's `max_amount` when that is
    /// lower (it never raises the cap).
    pub fn cap_for(&self, tool_max: Option<&UserAmount>, decimals: u8) -> Result<Limit, Refusal> {
        let session_cap = base_units(&self.per_payment, Which::PerPayment, decimals)?;
        let Some(asked) = tool_max else {
            return Ok(self.per_payment.clone());
        };
        let tool = Limit {
            amount: asked.clone(),
            source: Source::ToolArgument,
        };
        let tool_cap = base_units(&tool, Which::PerPayment, decimals)?;
        Ok(if tool_cap < session_cap {
            tool
        } else {
            self.per_payment.clone()
        })
    }

    /// Whether `ask` may be paid, given what the journal counts as spent or pending on its
    /// asset in the last 24 hours and what this session has paid on it.
    pub fn check(
        &self,
        ask: &Ask,
        tool_max: Option<&UserAmount>,
        spent_today: U256,
        spent_session: U256,
    ) -> Result<(), Refusal> {
        let cap = self.cap_for(tool_max, ask.decimals)?;
        let cap_units = base_units(&cap, Which::PerPayment, ask.decimals)?;
        if ask.amount > cap_units {
            return Err(Refusal::OverCap {
                asked: ask.amount,
                cap: cap_units,
                source: cap.source,
            });
        }
        if let Some(daily) = &self.daily {
            let limit = base_units(daily, Which::Daily, ask.decimals)?;
            if spent_today.saturating_add(ask.amount) > limit {
                return Err(Refusal::OverDaily {
                    asked: ask.amount,
                    spent: spent_today,
                    limit,
                    source: daily.source,
                });
            }
        }
        let limit = base_units(&self.session, Which::Session, ask.decimals)?;
        if spent_session.saturating_add(ask.amount) > limit {
            return Err(Refusal::OverSession {
                asked: ask.amount,
                spent: spent_session,
                limit,
                source: self.session.source,
            });
        }
        Ok(())
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

fn base_units(limit: &Limit, which: Which, decimals: u8) -> Result<U256, Refusal> {
    limit
        .amount
        .to_base_units(decimals)
        .map_err(|error| Refusal::Inexpressible {
            which,
            limit: limit.amount.clone(),
            source: limit.source,
            error,
        })
}

/// What this server process has paid, or may have paid, per asset. A payment is charged when
/// it is signed (from then on it may move money) and refunded only when it is known that it
/// did not (rejected, never sent).
#[derive(Debug, Default)]
pub struct Session {
    spent: BTreeMap<(String, String), U256>,
}

/// The session's key for an asset: EVM addresses in any case are one token.
fn key(network: &str, asset: &str) -> (String, String) {
    let asset = if network.starts_with("solana:") {
        asset.to_owned()
    } else {
        asset.to_ascii_lowercase()
    };
    (network.to_owned(), asset)
}

impl Session {
    pub fn spent(&self, network: &str, asset: &str) -> U256 {
        self.spent
            .get(&key(network, asset))
            .copied()
            .unwrap_or(U256::ZERO)
    }

    pub fn charge(&mut self, ask: &Ask) {
        let total = self
            .spent
            .entry(key(&ask.network, &ask.asset))
            .or_insert(U256::ZERO);
        *total = total.saturating_add(ask.amount);
    }

    pub fn refund(&mut self, ask: &Ask) {
        if let Some(total) = self.spent.get_mut(&key(&ask.network, &ask.asset)) {
            *total = total.saturating_sub(ask.amount);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::Address;

    fn amount(text: &str) -> UserAmount {
        text.parse().unwrap()
    }

    fn usdc(base: u64) -> Ask {
        Ask {
            network: "eip155:84532".into(),
            asset: Address::repeat_byte(0x11).to_checksum(None),
            amount: U256::from(base),
            decimals: 6,
            symbol: "USDC".into(),
        }
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
        let l = Limits::resolve(None, None, None, &config);
        assert_eq!(l.per_payment.amount, amount("0.20"));
        assert_eq!(l.per_payment.source, Source::Config("per_payment"));
        assert_eq!(l.daily.as_ref().unwrap().source, Source::Config("daily"));
        assert_eq!(l.session.amount, amount("0.50"));
        let l = Limits::resolve(
            Some(amount("0.05")),
            Some(amount("2.00")),
            Some(amount("0.30")),
            &config,
        );
        assert_eq!(l.per_payment.source, Source::Flag("--max-amount"));
        assert_eq!(l.per_payment.amount, amount("0.05"));
        assert_eq!(l.daily.unwrap().source, Source::Flag("--daily-limit"));
        assert_eq!(l.session.source, Source::Flag("--session-budget"));
        let l = Limits::resolve(None, None, None, &crate::config::Limits::default());
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
    fn the_cap_refuses_what_is_over_it_and_says_by_how_much() {
        let l = limits("0.10", None, "1.00");
        assert_eq!(l.check(&usdc(100_000), None, ZERO, ZERO), Ok(()));
        let refusal = l.check(&usdc(100_001), None, ZERO, ZERO).unwrap_err();
        assert_eq!(
            refusal,
            Refusal::OverCap {
                asked: U256::from(100_001),
                cap: U256::from(100_000),
                source: Source::Flag("--max-amount"),
            }
        );
        assert_eq!(refusal.which(), Which::PerPayment);
        assert_eq!(refusal.over_by(), U256::from(1));
        assert_eq!(
            refusal.message(&usdc(100_001)),
            "0.100001 USDC is over the per-payment cap of 0.10 USDC (--max-amount) by 0.000001 \
             USDC; nothing was signed"
        );
        let doc = refusal.to_json(&usdc(100_001));
        assert_eq!(doc["limit"], "per_payment");
        assert_eq!(doc["over_by"]["base_units"], "1");
        assert_eq!(doc["allowed"]["decimal"], "0.10");
        assert_eq!(doc["limit_from"], "--max-amount");
    }

    #[test]
    fn a_tool_max_amount_lowers_the_cap_but_never_raises_it() {
        let l = limits("0.10", None, "1.00");
        let lower = amount("0.01");
        let higher = amount("5.00");
        assert_eq!(
            l.check(&usdc(20_000), Some(&lower), ZERO, ZERO),
            Err(Refusal::OverCap {
                asked: U256::from(20_000),
                cap: U256::from(10_000),
                source: Source::ToolArgument,
            })
        );
        assert_eq!(l.check(&usdc(10_000), Some(&lower), ZERO, ZERO), Ok(()));
        // Higher than the session's cap: the session's cap stands.
        assert_eq!(
            l.check(&usdc(200_000), Some(&higher), ZERO, ZERO),
            Err(Refusal::OverCap {
                asked: U256::from(200_000),
                cap: U256::from(100_000),
                source: Source::Flag("--max-amount"),
            })
        );
        assert_eq!(l.cap_for(Some(&higher), 6).unwrap(), l.per_payment);
        assert_eq!(
            l.cap_for(Some(&lower), 6).unwrap().source,
            Source::ToolArgument
        );
    }

    #[test]
    fn the_daily_budget_counts_what_the_journal_holds() {
        let l = limits("0.10", Some("0.25"), "1.00");
        let spent = U256::from(200_000);
        assert_eq!(l.check(&usdc(50_000), None, spent, ZERO), Ok(()));
        let refusal = l.check(&usdc(50_001), None, spent, ZERO).unwrap_err();
        assert_eq!(refusal.which(), Which::Daily);
        assert_eq!(refusal.over_by(), U256::from(1));
        assert!(
            refusal
                .message(&usdc(50_001))
                .contains("daily budget of 0.25 USDC ([limits] daily in config.toml)"),
            "{}",
            refusal.message(&usdc(50_001))
        );
    }

    #[test]
    fn the_session_budget_stops_repeated_payments() {
        let l = limits("0.10", None, "0.25");
        let mut session = Session::default();
        let ask = usdc(100_000);
        let mut paid = 0;
        loop {
            let spent = session.spent(&ask.network, &ask.asset);
            match l.check(&ask, None, ZERO, spent) {
                Ok(()) => {
                    session.charge(&ask);
                    paid += 1;
                }
                Err(refusal) => {
                    assert_eq!(
                        refusal,
                        Refusal::OverSession {
                            asked: U256::from(100_000),
                            spent: U256::from(200_000),
                            limit: U256::from(250_000),
                            source: Source::Default,
                        }
                    );
                    assert_eq!(refusal.over_by(), U256::from(50_000));
                    let doc = refusal.to_json(&ask);
                    assert_eq!(doc["limit"], "session");
                    assert_eq!(doc["spent"]["decimal"], "0.20");
                    break;
                }
            }
        }
        assert_eq!(paid, 2);
        // A payment known not to have moved money no longer counts.
        session.refund(&ask);
        assert_eq!(session.spent(&ask.network, &ask.asset), U256::from(100_000));
        assert_eq!(l.check(&ask, None, ZERO, U256::from(100_000)), Ok(()));
    }

    #[test]
    fn the_session_counts_each_asset_apart() {
        let mut session = Session::default();
        let a = usdc(70_000);
        let mut b = usdc(30_000);
        b.network = "eip155:8453".into();
        session.charge(&a);
        session.charge(&a);
        session.charge(&b);
        assert_eq!(session.spent(&a.network, &a.asset), U256::from(140_000));
        assert_eq!(session.spent(&b.network, &b.asset), U256::from(30_000));
        assert_eq!(
            session.spent(&a.network, &Address::repeat_byte(0x22).to_checksum(None)),
            U256::ZERO
        );
        session.refund(&b);
        session.refund(&b);
        assert_eq!(session.spent(&b.network, &b.asset), U256::ZERO);
    }

    #[test]
    fn a_limit_finer_than_the_token_is_refused_not_rounded() {
        let l = limits("0.0000001", None, "1.00");
        let refusal = l.check(&usdc(1), None, ZERO, ZERO).unwrap_err();
        assert!(
            matches!(
                refusal,
                Refusal::Inexpressible {
                    which: Which::PerPayment,
                    ..
                }
            ),
            "{refusal:?}"
        );
        assert!(refusal.message(&usdc(1)).contains("per_payment"));
        let l = limits("0.10", None, "1.00");
        let fine = amount("0.0000001");
        assert!(matches!(
            l.check(&usdc(1), Some(&fine), ZERO, ZERO),
            Err(Refusal::Inexpressible { .. })
        ));
    }
}
