//! The payment engine's vocabulary: what answering a 402 can end in, typed.
//!
//! [`outcome::Refusal`] says why a payment was not made (a limit, a missing option, a missing
//! confirmation), with its exit status decided in one place ([`outcome::Refusal::exit_status`]);
//! [`outcome::ReceiptStatus`] is what `--receipt` records as `status`. `commands/get.rs` renders
//! both (stderr, exit code, receipt); a future MCP `fetch` tool renders the same values as JSON.
//!
//! Pure types: nothing here prints, prompts, reads files or the clock. This module may depend on
//! `payment::policy`, `amount` and `exit`, never on `commands`, `cli` or `settings`.

pub mod outcome;

pub use outcome::{ReceiptStatus, Refusal, server_says_insufficient_funds};
