//! The command line, declared with clap: parsing only, no I/O and no logic. Doc comments here
//! are the `--help` text. Habits: every option has an uppercase `value_name`, a short flag only
//! where curl or Foundry has the same one, and values are parsed into domain types at the edge.

// Doc comments here are `--help` text, written for the terminal: `[default: [limits] daily]`
// is not a rustdoc link.
#![allow(rustdoc::broken_intra_doc_links)]

use crate::output::ColorChoice;
use alloy_primitives::Address;
use clap::{ArgAction, ArgMatches, Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "x402",
    version,
    about = "Pay HTTP 402 (x402) endpoints from the terminal, with an encrypted-keystore wallet",
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// When to use colour on stderr
    #[arg(
        long,
        value_name = "WHEN",
        default_value = "auto",
        global = true,
        help_heading = "Output",
        display_order = 900
    )]
    pub color: ColorChoice,
    /// Say nothing on stderr but errors
    #[arg(
        short,
        long,
        global = true,
        conflicts_with = "verbose",
        help_heading = "Output",
        display_order = 901
    )]
    pub quiet: bool,
    /// Say more on stderr, curl's -v trace for requests (never changes stdout)
    #[arg(
        short,
        long,
        global = true,
        action = ArgAction::Count,
        help_heading = "Output",
        display_order = 902
    )]
    pub verbose: u8,
    /// Settings file [default: $X402_HOME/config.toml]
    #[arg(
        long,
        value_name = "PATH",
        env = "X402_CONFIG",
        hide_env_values = true,
        global = true
    )]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
#[allow(clippy::large_enum_variant, reason = "parsed once per process")]
pub enum Command {
    /// Fetch a URL and pay its 402 (curl-like): the body to stdout, the payment to stderr
    Get(GetArgs),
    /// Show a URL's 402 payment terms without paying
    Inspect(InspectArgs),
    /// Manage encrypted keystores and check balances
    #[command(subcommand)]
    Wallet(WalletCommand),
    /// The payments made, from the journal, with totals; `check` verifies them on-chain
    History(HistoryArgs),
    /// The networks `--network` accepts: CAIP-2 id, v1 name, stablecoin, RPC URL, explorer
    Networks(NetworksArgs),
    /// Serve the tools of this wallet to an AI agent over MCP (stdio), within limits
    Mcp(McpArgs),
    /// Print a shell completion script
    Completions(CompletionsArgs),
}

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

/// How the password of a keystore is given.
#[derive(Debug, Args)]
pub struct PasswordArgs {
    /// Read the keystore password from the first line of this file instead of prompting
    /// (Foundry's ETH_PASSWORD, a file path, is honoured too)
    #[arg(
        long,
        value_name = "PATH",
        env = "X402_PASSWORD_FILE",
        hide_env_values = true,
        help_heading = "Account"
    )]
    pub password_file: Option<PathBuf>,
}

/// Which account signs.
#[derive(Debug, Args, Clone)]
pub struct AccountArgs {
    // X402_ACCOUNT and X402_KEYSTORE are read in settings, not by clap: clap would count an
    // environment value as given, so `--keystore F` with X402_ACCOUNT set would be a conflict
    // instead of the flag winning.
    /// Account name, looked up in $X402_HOME/keystores, then ~/.foundry/keystores
    /// [env: X402_ACCOUNT]
    #[arg(
        long,
        value_name = "NAME",
        conflicts_with = "keystore",
        help_heading = "Account"
    )]
    pub account: Option<String>,
    /// Use this v3 keystore file [env: X402_KEYSTORE]
    #[arg(long, value_name = "PATH", help_heading = "Account")]
    pub keystore: Option<PathBuf>,
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
    #[arg(long = "network", value_name = "NETWORK", help_heading = "Request")]
    pub networks: Vec<String>,
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
        default_value_t = 10.0,
        value_parser = crate::request::parse_seconds_number,
        help_heading = "Request"
    )]
    pub timeout: f64,
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
    #[arg(long, value_name = "NETWORK", help_heading = "Request")]
    pub network: String,
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
        default_value_t = 120.0,
        value_parser = crate::request::parse_seconds_number,
        help_heading = "Request"
    )]
    pub timeout: f64,
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

/// The request, with curl's flags and curl's meanings.
#[derive(Debug, Args)]
pub struct RequestArgs {
    /// The URL to fetch
    #[arg(value_name = "URL")]
    pub url: String,
    /// HTTP method [default: GET, or POST with a body]
    #[arg(
        short = 'X',
        long = "request",
        value_name = "METHOD",
        help_heading = "Request"
    )]
    pub method: Option<String>,
    /// Extra header, "Name: value" (repeatable)
    #[arg(
        short = 'H',
        long = "header",
        value_name = "HEADER",
        help_heading = "Request"
    )]
    pub headers: Vec<String>,
    /// Request body, form-encoded as curl does; @FILE reads a file (newlines removed), @- stdin
    #[arg(
        short = 'd',
        long = "data",
        value_name = "DATA",
        help_heading = "Request"
    )]
    pub data: Vec<String>,
    /// Request body sent exactly as given; @FILE / @- read a file or stdin
    #[arg(long = "data-binary", value_name = "DATA", help_heading = "Request")]
    pub data_binary: Vec<String>,
    /// The body's pieces in command-line order (`-d`, `--data-binary`, `get --json`), filled by
    /// [`Cli::try_parse_ordered`]: curl joins `--data-binary 'x y' -d z` as `x y&z`, and the
    /// fields above keep each flag's values apart.
    #[arg(skip)]
    pub body: Vec<BodyPiece>,
    /// Send a HEAD request and show the headers
    #[arg(short = 'I', long, help_heading = "Request")]
    pub head: bool,
    /// User-Agent [default: x402/VERSION]
    #[arg(short = 'A', long, value_name = "AGENT", help_heading = "Request")]
    pub user_agent: Option<String>,
    /// Maximum time for the whole operation, in seconds
    #[arg(short = 'm', long, value_name = "SECONDS", help_heading = "Request",
        value_parser = crate::request::parse_seconds)]
    pub max_time: Option<std::time::Duration>,
    /// Maximum time to connect, in seconds
    #[arg(long, value_name = "SECONDS", help_heading = "Request",
        value_parser = crate::request::parse_seconds)]
    pub connect_timeout: Option<std::time::Duration>,
    /// Do not verify the server's TLS certificate
    #[arg(short = 'k', long, help_heading = "Request")]
    pub insecure: bool,
}

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
    /// Most to pay for this request, in token units: 0.05, $0.05, 0.05usdc [default: [limits]
    /// per_payment, else 0.10]
    #[arg(
        long,
        value_name = "AMOUNT",
        env = "X402_MAX_AMOUNT",
        hide_env_values = true,
        help_heading = "Payment"
    )]
    pub max_amount: Option<crate::amount::UserAmount>,
    /// Show the quote and stop: sign nothing, pay nothing
    #[arg(long, help_heading = "Payment")]
    pub dry_run: bool,
    /// Pay only on these networks, in order of preference (repeatable; `x402 networks` lists
    /// them)
    #[arg(long = "network", value_name = "NETWORK", help_heading = "Payment")]
    pub networks: Vec<String>,
    /// Most to spend in 24 hours per asset, counting this payment [default: [limits] daily]
    #[arg(
        long,
        value_name = "AMOUNT",
        env = "X402_DAILY_LIMIT",
        hide_env_values = true,
        help_heading = "Payment"
    )]
    pub daily_limit: Option<crate::amount::UserAmount>,
    /// Pay only if the server asks exactly this amount (token units)
    #[arg(long, value_name = "AMOUNT", help_heading = "Payment")]
    pub expect_amount: Option<crate::amount::UserAmount>,
    /// Pay only this payee
    #[arg(long, value_name = "ADDRESS", help_heading = "Payment")]
    pub expect_pay_to: Option<Address>,
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

#[derive(Debug, Args)]
pub struct HistoryArgs {
    #[command(subcommand)]
    pub command: Option<HistoryCommand>,
    /// Only payments signed at or after this time: 2026-11-25, 2026-11-25T10:00:00Z, or an
    /// age such as 24h or 7d
    #[arg(long, value_name = "DATE", global = true)]
    pub since: Option<String>,
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
    /// journal (authorizationState for open ones; the Transfer in the receipt for settled ones)
    Check(CheckArgs),
    /// Cancel an open authorization on-chain (EIP-3009 cancelAuthorization, signed by the payer,
    /// sent as a transaction whose gas the payer pays), so it can never move money
    Cancel(CancelArgs),
}

#[derive(Debug, Args)]
pub struct CancelArgs {
    /// The payment's nonce (0x and 64 hex digits), as `x402 history` shows it
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
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0,
        value_parser = crate::request::parse_seconds_number)]
    pub timeout: f64,
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    #[command(flatten)]
    pub request: RequestArgs,
    #[command(flatten)]
    pub redirects: RedirectArgs,
    /// Networks to prefer, in order, when marking the option `get` would choose (repeatable;
    /// `x402 networks` lists them)
    #[arg(long = "network", value_name = "NETWORK", help_heading = "Payment")]
    pub networks: Vec<String>,
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

/// curl's `-L` and `--max-redirs`, for `get` and `inspect`.
#[derive(Debug, Args, Clone, Copy)]
pub struct RedirectArgs {
    /// Follow redirects (a payment header never goes to another origin)
    #[arg(short = 'L', long, help_heading = "Request")]
    pub location: bool,
    /// Most redirects to follow with -L
    #[arg(
        long,
        value_name = "NUM",
        default_value_t = 50,
        help_heading = "Request"
    )]
    pub max_redirs: u32,
}

/// One request-body value, tagged with the flag that gave it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BodyPiece {
    /// `-d`/`--data`: an `@FILE`'s newlines removed; joined with `&`.
    Data(String),
    /// `--data-binary`: as given; joined with `&`.
    Binary(String),
    /// `get --json`: as given; appended without a separator.
    Json(String),
}

/// The body flags of a `get` or `inspect` command line, in the order they were given.
fn body_in_order(matches: &ArgMatches) -> Vec<BodyPiece> {
    type Tag = fn(String) -> BodyPiece;
    let flags: [(&str, Tag); 3] = [
        ("data", BodyPiece::Data),
        ("data_binary", BodyPiece::Binary),
        ("json_body", BodyPiece::Json),
    ];
    let mut pieces = Vec::new();
    for (id, piece) in flags {
        // `inspect` has no `json_body`: try_get_many says so instead of panicking.
        let Ok(Some(values)) = matches.try_get_many::<String>(id) else {
            continue;
        };
        let Some(at) = matches.indices_of(id) else {
            continue;
        };
        pieces.extend(at.zip(values.cloned().map(piece)));
    }
    pieces.sort_by_key(|(at, _)| *at);
    pieces.into_iter().map(|(_, piece)| piece).collect()
}

impl Cli {
    /// Parses `std::env::args`, as `Cli::try_parse`, and also records the order of the body
    /// flags (`RequestArgs::body`), which the derived fields lose.
    pub fn try_parse_ordered() -> Result<Cli, clap::Error> {
        Self::try_parse_ordered_from(std::env::args_os())
    }

    /// [`Cli::try_parse_ordered`] from the given arguments (the program name first).
    pub fn try_parse_ordered_from<I, T>(argv: I) -> Result<Cli, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        let matches = Cli::command().try_get_matches_from(argv)?;
        let mut cli = Cli::from_arg_matches(&matches)?;
        if let Some((_, sub)) = matches.subcommand() {
            let request = match &mut cli.command {
                Command::Get(a) => Some(&mut a.request),
                Command::Inspect(a) => Some(&mut a.request),
                _ => None,
            };
            if let Some(request) = request {
                request.body = body_in_order(sub);
            }
        }
        Ok(cli)
    }

    /// curl's `-s` (say nothing on stderr) and whether errors still show (`-S`).
    pub fn silence(&self) -> (bool, bool) {
        match &self.command {
            Command::Get(a) if a.silent => (true, a.show_error),
            _ => (false, true),
        }
    }

    /// Whether the command asked for a `--json` document (errors then come as one too).
    pub fn wants_json(&self) -> bool {
        match &self.command {
            Command::Wallet(w) => match w {
                WalletCommand::New(a) => a.json,
                WalletCommand::Import(a) => a.json,
                WalletCommand::List(a) => a.json,
                WalletCommand::Address(a) => a.json,
                WalletCommand::Balance(a) => a.json,
                WalletCommand::Approve(a) => a.json,
            },
            Command::Inspect(a) => a.json,
            Command::History(a) => a.json,
            Command::Networks(a) => a.json,
            Command::Get(_) | Command::Mcp(_) | Command::Completions(_) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }

    fn body(argv: &[&str]) -> Vec<BodyPiece> {
        let cli = Cli::try_parse_ordered_from(argv).expect("parses");
        match cli.command {
            Command::Get(a) => a.request.body,
            Command::Inspect(a) => a.request.body,
            _ => panic!("not a request command"),
        }
    }

    #[test]
    fn body_flags_keep_their_command_line_order() {
        use BodyPiece::{Binary, Data, Json};
        let s = |v: &str| v.to_string();
        assert_eq!(
            body(&[
                "x402",
                "get",
                "http://h/",
                "--data-binary",
                "x y",
                "-d",
                "z"
            ]),
            [Binary(s("x y")), Data(s("z"))]
        );
        assert_eq!(
            body(&[
                "x402",
                "get",
                "-d",
                "a",
                "http://h/",
                "--json",
                "{}",
                "--data=b",
                "--data-binary",
                "c",
                "-d",
                "d"
            ]),
            [
                Data(s("a")),
                Json(s("{}")),
                Data(s("b")),
                Binary(s("c")),
                Data(s("d"))
            ]
        );
        assert_eq!(
            body(&[
                "x402",
                "inspect",
                "--data-binary",
                "1",
                "http://h/",
                "-d",
                "2",
                "--json"
            ]),
            [Binary(s("1")), Data(s("2"))]
        );
        assert_eq!(body(&["x402", "get", "http://h/"]), []);
    }
}
