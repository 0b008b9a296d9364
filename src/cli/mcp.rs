//! `x402 mcp`, `x402 networks`, `x402 completions`.

use super::{AccountArgs, LimitArgs, PasswordArgs};
use clap::Args;

/// `x402 mcp`: the Model Context Protocol server for agents. It never prompts, so the password
/// must come from a file.
#[derive(Debug, Args)]
pub struct McpArgs {
    #[command(flatten)]
    pub limits: LimitArgs,
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
