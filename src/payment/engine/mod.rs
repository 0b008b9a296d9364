//! The payment engine: one 402 answered, from the terms read to the settlement recorded, for
//! every front end (`x402 get`, the MCP `fetch` tool) and, through [`scheme`], every kind of
//! payment.
//!
//! * [`flow`]: [`Engine::pay`] runs the conversation in this order: the terms read and every
//!   option judged (pinned terms too); the per-payment cap (and [`Confirm::over_limit`], a
//!   front end's own limit), the daily budget and any earlier open payment for the same
//!   request checked; the scheme's preflight (funds); the quote shown and a yes obtained
//!   through [`Confirm`] (or `yes`, or `dry_run` stops there); only then the account unlocked
//!   through [`Accounts`] and the chain read for signing (the scheme's `read`, before the lock,
//!   so no other process waits on an RPC); under the journal's lock the budget once more and
//!   the cap once more on the exact option; one signature, without the chain; the payment recorded as `pending`, synced, before its
//!   header leaves; the paid request sent (resent only as the same bytes, `retry`), the
//!   settlement read and recorded (`settle.rs`).
//! * [`outcome`]: what that ends in, typed: [`Outcome`] and its [`Refusal`]s, with their exit
//!   status and receipt status decided there, once.
//! * [`scheme`]: what differs between kinds of payment (preflight, sign, check on chain).
//! * [`settings`]: what the engine is told ([`PaySettings`], [`Limit`]).
//! * `report.rs`: the lines said to the person (quote, settlement, warnings), via the
//!   [`Printer`](crate::output::Printer).
//!
//! Everything said goes through the printer passed in; the result is the returned value. The
//! engine never prompts (a [`Confirm`] does), never reads a password (an [`Accounts`] does),
//! never looks at stdin, the terminal or clap's types. May depend on `payment`, `journal`,
//! `keystore`, `network`, `request` (the prepared request it sends), `rpc`, `http`, `output`,
//! `trace`, `exit` and `error` (the transport classifier); never on `commands`, `cli`,
//! `settings` or `mcp`.

pub mod flow;
pub mod outcome;
mod receipt;
mod report;
pub mod scheme;
pub mod settings;
mod settle;

pub use flow::{Engine, Facts};
pub use outcome::{Outcome, ReceiptStatus, Refusal, server_says_insufficient_funds};
pub use receipt::Receipt;
pub use scheme::{Key, SignedPayment};
pub use settings::{Limit, PaySettings, Source};

use crate::keystore::Keystore;
use crate::network::Family;
use crate::payment::policy::Quote;
use anyhow::Result;

/// Who says yes to a payment. `x402 get` asks at a terminal; the MCP server never asks.
pub trait Confirm: Send + Sync {
    /// Whether a person can be asked. Without one, a payment that needs a yes (no `yes`
    /// setting, an earlier open payment for the same request, a second payment in one call)
    /// is refused.
    fn interactive(&self) -> bool;

    /// Asks whether to pay `quote`; `prompt` is the question in words. `Ok(false)` is a no.
    fn confirm(&mut self, quote: &Quote, prompt: &str) -> Result<bool>;

    /// A limit only this front end knows (the MCP server's session budget): a refusal when
    /// `quote` is beyond it. Checked with the cap, before the quote is shown, and once more
    /// right before signing. `x402 get` has none.
    fn over_limit(&self, _quote: &Quote) -> Option<Refusal> {
        None
    }
}

/// Where the paying account comes from, by the quote's family.
pub trait Accounts: Sync {
    /// The account that pays options of `family` (`--account`, else the family's default),
    /// found without its password. Asked before a person confirms, so no one is asked to pay
    /// from an account that does not exist, and before the quote, for the preflight.
    fn find(&self, family: Family) -> Result<Keystore>;

    /// The account's key, unlocked; called once, after the confirmation.
    fn unlock(&self, keystore: &Keystore) -> Result<Key>;
}

/// Unix seconds now.
pub(crate) fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Unix seconds as `2026-12-03 11:00:00 UTC`.
pub(crate) fn utc_time(unix: u64) -> String {
    jiff::Timestamp::from_second(i64::try_from(unix).unwrap_or(i64::MAX))
        .map(|t| t.strftime("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_else(|_| unix.to_string())
}
