//! `x402 mcp`, `x402 networks`, `x402 completions`.

use super::{AccountArgs, PasswordArgs};
use clap::Args;

/// `x402 mcp`: the Model Context Protocol server for agents. It never prompts, so the password
/// must come from a file.
#[derive(Debug, Args)]
pub struct McpArgs {
    /// Most to pay per payment in this session, in token units [default: [limits]
    /// per_payment, else 0.10]; a tool call's max_amount can only lower it
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
    /// Most this server process pays per asset, all payments together [default: [limits]
    /// session, else 1.00]
    #[arg(long, value_name = "AMOUNT", help_heading = "Payment")]
    pub session_budget: Option<crate::amount::UserAmount>,
    #[command(flatten)]
    pub account: AccountArgs,
    #[command(flatten)]
    pub password: PasswordArgs,
}

#[derive(Debug, Args)]
pub struct NetworksArgs {
    /// Print the networks as one JSON document
    #[arg(long, help_heading = "Output")]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to write completions for
    #[arg(value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}
