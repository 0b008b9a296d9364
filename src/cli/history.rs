//! `x402 history`, `history check`, `history cancel`.

use super::{AccountArgs, PasswordArgs};
use crate::exit::UsageError;
use clap::{Args, Subcommand};
use jiff::Timestamp;

#[derive(Debug, Args)]
pub struct HistoryArgs {
    #[command(subcommand)]
    pub command: Option<HistoryCommand>,
    /// Only payments signed at or after this time: 2026-11-25, 2026-11-25T10:00:00Z, or an
    /// age such as 24h or 7d
    #[arg(long, value_name = "DATE", global = true, value_parser = parse_since)]
    pub since: Option<Timestamp>,
    /// Only payments with this status (repeatable): pending, settled, rejected, unknown,
    /// unsent, expired, cancelled, disputed
    #[arg(
        long,
        value_name = "STATUS",
        global = true,
        hide_possible_values = true
    )]
    pub status: Vec<crate::journal::Status>,
    /// Print as one JSON document
    #[arg(long, global = true, help_heading = "Output")]
    pub json: bool,
    /// Full addresses, hashes and URLs on a terminal too (shortened there to fit 100 columns;
    /// a pipe always gets full values)
    #[arg(long, global = true, help_heading = "Output")]
    pub wide: bool,
}

#[derive(Debug, Subcommand)]
pub enum HistoryCommand {
    /// Ask the chain what became of pending, unknown and settled payments, and update the
    /// journal (authorizationState or Permit2's nonce bitmap for open ones; the Transfer in the
    /// receipt for settled ones)
    Check(CheckArgs),
    /// Cancel an open authorization on-chain (EIP-3009 cancelAuthorization, or Permit2
    /// invalidateUnorderedNonces, sent by the payer as a transaction whose gas the payer pays),
    /// so it can never move money
    Cancel(CancelArgs),
}

#[derive(Debug, Args)]
pub struct CancelArgs {
    /// The payment's nonce as `x402 history` shows it: 0x and 64 hex digits (EIP-3009), or a
    /// decimal number (Permit2)
    #[arg(value_name = "NONCE")]
    pub nonce: String,
    /// Send without asking (for scripts)
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Seconds to wait for each RPC call, and for the transaction to be mined
    #[arg(long, value_name = "SECONDS", default_value_t = 60.0)]
    pub timeout: f64,
    #[command(flatten)]
    pub account: AccountArgs,
    #[command(flatten)]
    pub password: PasswordArgs,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Seconds to wait for each RPC call
    #[arg(long, value_name = "SECONDS", default_value = "10",
        value_parser = crate::request::parse_seconds)]
    pub timeout: std::time::Duration,
}

/// `--since` (and the MCP `history` tool's `since`): `2026-11-25` (midnight UTC), an RFC 3339
/// time, or an age (`24h`, `7d`, `90m`) taken back from now, when the command line is read.
/// The error is a [`UsageError`], so `main` says it as the tool's own (exit 2, `x402: error:`,
/// the `--json` envelope), not in clap's words.
pub fn parse_since(text: &str) -> Result<Timestamp, UsageError> {
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
            .map_err(|_| bad());
    }
    let (digits, unit) = text.split_at(text.len().saturating_sub(1));
    let n: i64 = digits.parse().map_err(|_| bad())?;
    let secs = match unit {
        "s" => n,
        "m" => n.saturating_mul(60),
        "h" => n.saturating_mul(3600),
        "d" => n.saturating_mul(86_400),
        "w" => n.saturating_mul(7 * 86_400),
        _ => return Err(bad()),
    };
    Timestamp::now()
        .checked_sub(jiff::SignedDuration::from_secs(secs))
        .map_err(|_| bad())
}
