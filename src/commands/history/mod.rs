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
use crate::exit::ExitStatus;
use crate::journal::{BadLine, Journal, Payment};
use crate::settings::Context;
use anyhow::Result;

pub async fn run(ctx: &Context<'_>, args: HistoryArgs) -> Result<ExitStatus> {
    match &args.command {
        None => list::list(ctx, &args),
        Some(HistoryCommand::Check(check_args)) => check::check(ctx, &args, check_args).await,
        Some(HistoryCommand::Cancel(cancel_args)) => cancel::cancel(ctx, &args, cancel_args).await,
    }
}

/// The payments `--since` and `--status` select, in the journal's order.
pub(super) fn selected<'a>(payments: &'a [Payment], args: &HistoryArgs) -> Vec<&'a Payment> {
    payments
        .iter()
        .filter(|p| args.since.is_none_or(|s| p.signed.time >= s))
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
