//! What the engine is told to do for one command or one tool call: the limits with where each
//! came from, the networks to prefer, the pinned terms, and how a payment is confirmed and
//! resent. Built once per command by `crate::settings` (flag > environment > config.toml >
//! default) or by the MCP server from its own limits; the engine only reads it.

use crate::amount::UserAmount;
use crate::payment::terms::Pins;

/// Where a limit's amount came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// A command-line flag (or the environment variable bound to it).
    Flag(&'static str),
    /// A `[limits]` key of config.toml.
    Config(&'static str),
    /// The built-in default.
    Default,
    /// The tool call's own `max_amount`.
    ToolArgument,
}

impl Source {
    pub fn describe(self) -> String {
        match self {
            Source::Flag(flag) => flag.to_owned(),
            Source::Config(key) => format!("[limits] {key} in config.toml"),
            Source::Default => "the default".to_owned(),
            Source::ToolArgument => "the tool call's max_amount".to_owned(),
        }
    }
}

/// A limit's amount in token units and where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limit {
    pub amount: UserAmount,
    pub source: Source,
}

/// The resolved settings of one payment conversation.
#[derive(Clone, Debug)]
pub struct PaySettings {
    /// The per-payment cap, checked on the chosen option and again right before signing.
    pub cap: Limit,
    /// The most spent (or pending) per asset and network in 24 hours, counting this payment.
    pub daily: Option<Limit>,
    /// Network names in order of preference (resolved against the network table).
    pub preferred: Vec<String>,
    /// Pay only on the preferred networks (`--network` given), not merely prefer them.
    pub only_preferred: bool,
    /// Terms pinned with `--terms`, `--expect-amount`, `--expect-pay-to`.
    pub pins: Pins,
    /// Pay without asking (`--yes`; an agent's tool call).
    pub yes: bool,
    /// Show the quote and stop.
    pub dry_run: bool,
    /// Resends of the same signed payment after a transport error (`--retry`).
    pub retry: u32,
    /// The `-A` User-Agent, for the `-v` trace of the paid request.
    pub user_agent: Option<String>,
}
