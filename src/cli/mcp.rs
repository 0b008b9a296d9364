//! `x402 mcp`, `x402 networks`, `x402 completions`.

use super::{LimitArgs, PasswordArgs};
use clap::Args;
use std::path::PathBuf;

/// `x402 mcp`: the Model Context Protocol server for agents. It never prompts, so the password
/// must come from a file. It pays from an account of each family the user has.
#[derive(Debug, Args)]
pub struct McpArgs {
    #[command(flatten)]
    pub limits: LimitArgs,
    /// Most this server process pays per asset, all payments together [default: [limits]
    /// session, else 1.00]
    #[arg(long, value_name = "AMOUNT", help_heading = "Payment")]
    pub session_budget: Option<crate::amount::UserAmount>,
    /// Account to pay from, looked up in $X402_HOME/keystores, then ~/.foundry/keystores; at
    /// most one per family, an EVM one and a Solana one [env: X402_ACCOUNT] [default:
    /// default_account and default_solana_account]
    #[arg(long, value_name = "NAME", help_heading = "Account")]
    pub account: Vec<String>,
    /// Pay from this v3 keystore file, for its family [env: X402_KEYSTORE]
    #[arg(long, value_name = "PATH", help_heading = "Account")]
    pub keystore: Option<PathBuf>,
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
