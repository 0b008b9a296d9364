//! `x402 history`: the payments in the journal with totals per day, network and asset; and
//! `x402 history check`: what the chain says about them; and `x402 history cancel`: ending an
//! open authorization on-chain.
//!
//! What lives where: `list` the listing and its totals (text and `--json`), `layout` how
//! lines are laid out on a terminal or into a pipe, `check` the `check` command and its
//! dispatch on how each record's money moves, `check_eip3009`, `check_permit2` and
//! `check_svm` the chain reads for EIP-3009, Permit2 and Solana records, `cancel` and
//! `cancel_permit2` the `cancel` command. This module reads the journal and the chain and
//! prints; it may depend on `journal`, `rpc`, `svm`, `evm_tx`, `payment`, `settings` and `output`,
//! never on another command.

mod cancel;
mod cancel_permit2;
mod check;
mod check_eip3009;
mod check_permit2;
mod check_svm;
mod layout;
mod list;

pub use layout::{TERMINAL_WIDTH, shorten};
pub use list::list_data;

use crate::amount;
use crate::cli::{HistoryArgs, HistoryCommand};
use crate::error::UsageError;
use crate::exit::ExitStatus;
use crate::journal::{BadLine, Journal, Payment};
use crate::settings::Context;
use anyhow::Result;
use jiff::Timestamp;

pub async fn run(ctx: &Context<'_>, args: HistoryArgs) -> Result<ExitStatus> {
    let since = args.since.as_deref().map(parse_since).transpose()?;
    match &args.command {
        None => list::list(ctx, &args, since),
        Some(HistoryCommand::Check(check_args)) => {
            check::check(ctx, &args, since, check_args).await
        }
        Some(HistoryCommand::Cancel(cancel_args)) => cancel::cancel(ctx, &args, cancel_args).await,
    }
}

/// `2026-11-25` (midnight UTC), an RFC 3339 time, or an age (`24h`, `7d`, `90m`).
pub fn parse_since(text: &str) -> Result<Timestamp> {
    let bad = || {
        UsageError(format!(
            "--since '{text}': expected a date (2026-11-25), a time (2026-11-25T10:00:00Z) or an age (24h, 7d)"
        ))
    };
    if let Ok(t) = text.parse::<Timestamp>() {
        return Ok(t);
    }
    if let Ok(d) = text.parse::<jiff::civil::Date>() {
        return jiff::tz::TimeZone::UTC
            .to_timestamp(d.to_datetime(jiff::civil::Time::midnight()))
            .map_err(|_| bad().into());
    }
    let (digits, unit) = text.split_at(text.len().saturating_sub(1));
    let n: i64 = digits.parse().map_err(|_| bad())?;
    let secs = match unit {
        "s" => n,
        "m" => n.saturating_mul(60),
        "h" => n.saturating_mul(3600),
        "d" => n.saturating_mul(86_400),
        "w" => n.saturating_mul(7 * 86_400),
        _ => return Err(bad().into()),
    };
    Timestamp::now()
        .checked_sub(jiff::SignedDuration::from_secs(secs))
        .map_err(|_| bad().into())
}

pub(super) fn selected<'a>(
    payments: &'a [Payment],
    args: &HistoryArgs,
    since: Option<Timestamp>,
) -> Vec<&'a Payment> {
    payments
        .iter()
        .filter(|p| since.is_none_or(|s| p.signed.time >= s))
        .filter(|p| args.status.is_empty() || args.status.contains(&p.status))
        .collect()
}

pub(super) fn price(p: &Payment) -> String {
    amount::display(p.signed.amount, p.signed.decimals, &p.signed.symbol)
}

/// The amount as `history` shows it: the price, or for a scheme that charges up to a maximum
/// the charge the settlement reported, with the maximum signed (`0.001 USDC of up to 0.002
/// USDC`; `up to 0.002 USDC` while no charge is known).
pub(super) fn shown_amount(p: &Payment) -> String {
    if p.signed.scheme != crate::journal::SchemeName::Upto {
        return price(p);
    }
    match p.charged {
        Some(charged) => format!(
            "{} of up to {}",
            amount::display(charged, p.signed.decimals, &p.signed.symbol),
            price(p)
        ),
        None => format!("up to {}", price(p)),
    }
}

pub(super) fn warn_bad_lines(ctx: &Context<'_>, journal: &Journal, bad: &[BadLine]) {
    for b in bad {
        ctx.printer.warn(format!(
            "{}:{}: unreadable line skipped ({})",
            journal.path().display(),
            b.line,
            b.error
        ));
    }
}
