//! `x402 wallet …`: keystores, addresses, balances, approvals.

use super::{AccountArgs, PasswordArgs};
use crate::network::NetworkQuery;
use clap::{Args, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum WalletCommand {
    /// Create a new account from the OS random source
    New(NewArgs),
    /// Import a private key, a mnemonic or a keystore file (the secret is read from a hidden
    /// prompt, or from stdin when stdin is not a terminal; never from the command line)
    Import(ImportArgs),
    /// List accounts (this tool's and Foundry's); no password needed
    #[command(visible_alias = "ls")]
    List(ListArgs),
    /// Print an account's address
    #[command(visible_alias = "addr")]
    Address(AddressArgs),
    /// USDC and gas balances over JSON-RPC
    #[command(visible_alias = "bal")]
    Balance(BalanceArgs),
    /// Let Permit2 move a token of the account (sends an `approve` transaction; the account
    /// pays its gas), or take that back with --revoke
    Approve(ApproveArgs),
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// Account name [default: "default"]
    #[arg(value_name = "NAME")]
    pub name: Option<String>,
    /// A Solana (ed25519) account instead of an EVM one
    #[arg(long, help_heading = "Account")]
    pub solana: bool,
    #[command(flatten)]
    pub password: PasswordArgs,
    /// Replace an existing account of the same name
    #[arg(long, help_heading = "Account")]
    pub force: bool,
    /// Print name, address and path as JSON
    #[arg(long, help_heading = "Output")]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Account name
    #[arg(value_name = "NAME")]
    pub name: String,
    /// The secret is a BIP-39 mnemonic phrase (path m/44'/60'/0'/0/INDEX, or m/44'/501'/INDEX'/0'
    /// with --solana)
    #[arg(
        long,
        conflicts_with_all = ["keystore_file", "keypair_file"],
        help_heading = "Account"
    )]
    pub mnemonic: bool,
    /// Account index for --mnemonic
    #[arg(
        long,
        value_name = "INDEX",
        default_value_t = 0,
        requires = "mnemonic",
        help_heading = "Account"
    )]
    pub mnemonic_index: u32,
    /// Import an existing v3 keystore file (it is decrypted first to check it)
    #[arg(
        long,
        value_name = "PATH",
        conflicts_with_all = ["solana", "keypair_file"],
        help_heading = "Account"
    )]
    pub keystore_file: Option<PathBuf>,
    /// A Solana account: the secret is a base58 secret key (as Phantom and Solflare export
    /// it) or the Solana CLI's JSON array of 64 numbers
    #[arg(long, help_heading = "Account")]
    pub solana: bool,
    /// Import a Solana CLI keypair file (implies --solana; stored encrypted, the file is left
    /// as it is)
    #[arg(long, value_name = "PATH", help_heading = "Account")]
    pub keypair_file: Option<PathBuf>,
    #[command(flatten)]
    pub password: PasswordArgs,
    /// Replace an existing account of the same name
    #[arg(long, help_heading = "Account")]
    pub force: bool,
    /// Print name, address and path as JSON
    #[arg(long, help_heading = "Output")]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Print the accounts as JSON
    #[arg(long, help_heading = "Output")]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct AddressArgs {
    /// Account name [default: --account, then the default account]
    #[arg(value_name = "NAME")]
    pub name: Option<String>,
    #[command(flatten)]
    pub account: AccountArgs,
    #[command(flatten)]
    pub password: PasswordArgs,
    /// Print name and address as JSON
    #[arg(long, help_heading = "Output")]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct BalanceArgs {
    /// Account name [default: --account, then the default account]
    #[arg(value_name = "NAME", conflicts_with = "address")]
    pub name: Option<String>,
    /// Network by name or CAIP-2 id (repeatable; `x402 networks` lists them) [default: the
    /// first of [payment] networks, else base]
    #[arg(long = "network", value_name = "NETWORK", help_heading = "Request",
        value_parser = NetworkQuery::parse)]
    pub networks: Vec<NetworkQuery>,
    /// Every known network with an RPC URL
    #[arg(long, conflicts_with = "networks", help_heading = "Request")]
    pub all: bool,
    /// JSON-RPC endpoint (with one network)
    #[arg(
        long,
        value_name = "URL",
        env = "X402_RPC_URL",
        hide_env_values = true,
        help_heading = "Request"
    )]
    pub rpc_url: Option<String>,
    /// Seconds to wait for each network
    #[arg(
        long,
        value_name = "SECONDS",
        default_value = "10",
        value_parser = crate::request::parse_seconds,
        help_heading = "Request"
    )]
    pub timeout: std::time::Duration,
    /// Any address instead of an account
    #[arg(long, value_name = "ADDRESS", help_heading = "Account")]
    pub address: Option<String>,
    #[command(flatten)]
    pub account: AccountArgs,
    #[command(flatten)]
    pub password: PasswordArgs,
    /// Print balances as JSON
    #[arg(long, help_heading = "Output")]
    pub json: bool,
}

/// Who `wallet approve` approves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Spender {
    // No doc comment: clap would switch `--help` to the long format for it.
    Permit2,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("how_much").required(true).args(["amount", "unlimited", "revoke"])))]
pub struct ApproveArgs {
    /// Account name [default: --account, then the default account]
    #[arg(value_name = "NAME")]
    pub name: Option<String>,
    /// Network by name or CAIP-2 id (`x402 networks` lists them)
    #[arg(long, value_name = "NETWORK", help_heading = "Request",
        value_parser = NetworkQuery::parse)]
    pub network: NetworkQuery,
    /// JSON-RPC endpoint [default: the network's]
    #[arg(
        long,
        value_name = "URL",
        env = "X402_RPC_URL",
        hide_env_values = true,
        help_heading = "Request"
    )]
    pub rpc_url: Option<String>,
    /// Seconds to wait for the transaction to be mined
    #[arg(
        long,
        value_name = "SECONDS",
        default_value = "120",
        value_parser = crate::request::parse_seconds,
        help_heading = "Request"
    )]
    pub timeout: std::time::Duration,
    /// The token: its address, or its symbol in the network table (USDC)
    #[arg(long, value_name = "ADDRESS|SYMBOL", help_heading = "Payment")]
    pub asset: String,
    /// Allow this much, in token units (25.00, 0.5usdc)
    #[arg(long, value_name = "AMOUNT", help_heading = "Payment")]
    pub amount: Option<crate::amount::UserAmount>,
    /// Allow any amount (2^256-1), as the official x402 clients' approval does
    #[arg(long, help_heading = "Payment")]
    pub unlimited: bool,
    /// Set the allowance back to 0
    #[arg(long, help_heading = "Payment")]
    pub revoke: bool,
    /// Who may move the token: permit2 is Uniswap's canonical Permit2
    /// (0x000000000022D473030F116dDEE9F6B43aC78BA3), which x402 Permit2 and upto payments use
    #[arg(
        long,
        value_name = "SPENDER",
        default_value = "permit2",
        hide_possible_values = true,
        help_heading = "Payment"
    )]
    pub spender: Spender,
    /// Send without asking (needed off a terminal)
    #[arg(short = 'y', long, help_heading = "Payment")]
    pub yes: bool,
    #[command(flatten)]
    pub account: AccountArgs,
    #[command(flatten)]
    pub password: PasswordArgs,
    /// Print the outcome as JSON
    #[arg(long, help_heading = "Output")]
    pub json: bool,
}
