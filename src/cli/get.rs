//! `x402 get` and `x402 inspect`: the request, and the payment flags.

use super::{AccountArgs, PasswordArgs, RedirectArgs, RequestArgs};
use crate::network::NetworkQuery;
use alloy_primitives::Address;
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct GetArgs {
    #[command(flatten)]
    pub request: RequestArgs,
    /// JSON request body (sets Content-Type and Accept to application/json); @FILE, @-
    #[arg(long = "json", value_name = "BODY", help_heading = "Request")]
    pub json_body: Vec<String>,
    #[command(flatten)]
    pub redirects: RedirectArgs,
    /// Write the payment outcome as one JSON document to FILE
    #[arg(long, value_name = "FILE", help_heading = "Payment")]
    pub receipt: Option<std::path::PathBuf>,
    /// Pay without asking (needed off a terminal)
    #[arg(short = 'y', long, help_heading = "Payment")]
    pub yes: bool,
    #[command(flatten)]
    pub limits: LimitArgs,
    /// Show the quote and stop: sign nothing, pay nothing
    #[arg(long, help_heading = "Payment")]
    pub dry_run: bool,
    /// Pay only on these networks, in order of preference (repeatable; `x402 networks` lists
    /// them)
    #[arg(long = "network", value_name = "NETWORK", help_heading = "Payment",
        value_parser = NetworkQuery::parse)]
    pub networks: Vec<NetworkQuery>,
    /// Pay only if the server asks exactly this amount (token units)
    #[arg(long, value_name = "AMOUNT", help_heading = "Payment")]
    pub expect_amount: Option<crate::amount::UserAmount>,
    /// Pay only this payee (a 0x address, or a base58 one on Solana)
    #[arg(long, value_name = "ADDRESS", help_heading = "Payment",
        value_parser = parse_pay_to)]
    pub expect_pay_to: Option<String>,
    /// Pay only the terms saved by `x402 inspect --save-terms FILE`
    #[arg(long, value_name = "FILE", help_heading = "Payment")]
    pub terms: Option<PathBuf>,
    /// On a network error after paying, resend the SAME signed payment up to N times while it
    /// is valid (it can settle at most once)
    #[arg(long, value_name = "N", default_value_t = 0, help_heading = "Payment")]
    pub retry: u32,
    #[command(flatten)]
    pub account: AccountArgs,
    #[command(flatten)]
    pub password: PasswordArgs,
    /// Write the body to FILE instead of stdout
    #[arg(short = 'o', long, value_name = "FILE", help_heading = "Output")]
    pub output: Option<std::path::PathBuf>,
    /// Include the response status line and headers in the output
    #[arg(short = 'i', long, help_heading = "Output")]
    pub include: bool,
    /// Silent: no conversation on stderr (errors too, unless -S)
    #[arg(short = 's', long, help_heading = "Output")]
    pub silent: bool,
    /// With -s, still show errors
    #[arg(short = 'S', long, help_heading = "Output")]
    pub show_error: bool,
    /// Exit 22 without the body on HTTP status >= 400
    #[arg(
        short = 'f',
        long,
        help_heading = "Output",
        conflicts_with = "fail_with_body"
    )]
    pub fail: bool,
    /// Exit 22 on HTTP status >= 400, keeping the body
    #[arg(long, help_heading = "Output")]
    pub fail_with_body: bool,
}

/// The spending limits of a command that pays (`get`, `mcp`), over config.toml's `[limits]`.
#[derive(Debug, Args)]
pub struct LimitArgs {
    /// Most to pay per payment, in token units: 0.05, $0.05, 0.05usdc [default: [limits]
    /// per_payment, else 0.10]
    #[arg(
        long,
        value_name = "AMOUNT",
        env = "X402_MAX_AMOUNT",
        hide_env_values = true,
        help_heading = "Payment"
    )]
    pub max_amount: Option<crate::amount::UserAmount>,
    /// Most to spend in 24 hours per asset, counting this payment [default: [limits] daily]
    #[arg(
        long,
        value_name = "AMOUNT",
        env = "X402_DAILY_LIMIT",
        hide_env_values = true,
        help_heading = "Payment"
    )]
    pub daily_limit: Option<crate::amount::UserAmount>,
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    #[command(flatten)]
    pub request: RequestArgs,
    #[command(flatten)]
    pub redirects: RedirectArgs,
    /// Networks to prefer, in order, when marking the option `get` would choose (repeatable;
    /// `x402 networks` lists them)
    #[arg(long = "network", value_name = "NETWORK", help_heading = "Payment",
        value_parser = NetworkQuery::parse)]
    pub networks: Vec<NetworkQuery>,
    /// Print the terms as one JSON document
    #[arg(long, help_heading = "Output")]
    pub json: bool,
    /// The per-payment cap to judge against, as `get --max-amount`: 0.05, $0.05, 0.05usdc
    /// [default: [limits] per_payment, else 0.10]
    #[arg(
        long,
        value_name = "AMOUNT",
        env = "X402_MAX_AMOUNT",
        hide_env_values = true,
        help_heading = "Payment"
    )]
    pub max_amount: Option<crate::amount::UserAmount>,
    /// Save the option `get` would pay to FILE, for `x402 get --terms FILE`
    #[arg(long, value_name = "FILE", help_heading = "Output")]
    pub save_terms: Option<PathBuf>,
    /// Replace an existing --save-terms file
    #[arg(long, requires = "save_terms", help_heading = "Output")]
    pub force: bool,
}

/// `--expect-pay-to`: an EVM address (kept checksummed) or a base58 Solana public key (kept
/// as given), in the form quotes write payees.
fn parse_pay_to(text: &str) -> Result<String, String> {
    if text.starts_with("0x") {
        return text
            .parse::<Address>()
            .map(|a| a.to_checksum(None))
            .map_err(|e| format!("not an address: {e}"));
    }
    crate::svm::address::parse_pubkey(text)
        .map(|_| text.to_string())
        .map_err(|e| format!("not a 0x address nor a base58 public key: it {e}"))
}
