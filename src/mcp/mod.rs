//! `x402 mcp`: a Model Context Protocol server over stdio (newline-delimited JSON-RPC), built
//! on the official Rust SDK `rmcp`, so that an AI agent can use this wallet through tools.
//!
//! Start-up, before anything is served: config.toml read, the account resolved and its key
//! unlocked once from the password file (`--password-file`, `X402_PASSWORD_FILE` or
//! `ETH_PASSWORD`; the server never prompts, since stdin is the protocol), and the limits
//! resolved ([`limits`]). Any failure there is one error on stderr and a non-zero exit. Then
//! stdout carries only MCP messages and everything said to a human goes to stderr. When the
//! client closes stdin the server stops and the key is dropped, which wipes it
//! (`PrivateKeySigner`'s secp256k1 key zeroes its memory on drop).
//!
//! Tools: `inspect`, `balance`, `history` (`tools.rs`) and `fetch` (`fetch.rs`), which pays
//! through the payment engine ([`crate::payment::engine`]) as `x402 get` does, with this
//! server's answers to what the engine asks (`agent.rs`: no one is asked, the limits decide;
//! the key is the one unlocked at start), within [`limits::Limits`], charging the
//! [`limits::Session`].
//!
//! May depend on `commands` (it renders the same documents as their `--json`), `settings`
//! and `payment::engine` (`fetch` pays through it); nothing depends on it but `commands::run`.

mod agent;
mod fetch;
pub mod limits;
mod server;
mod tools;

use crate::cli::{McpArgs, PasswordArgs};
use crate::error::UsageError;
use crate::exit::ExitStatus;
use crate::output::Printer;
use crate::settings::Context;
use anyhow::{Context as _, Result};
use rmcp::ServiceExt as _;
use std::path::Path;

/// The server's name in the MCP handshake.
pub const SERVER_NAME: &str = "x402";

pub async fn run(
    printer: &Printer,
    config_flag: Option<&Path>,
    args: McpArgs,
) -> Result<ExitStatus> {
    // A command borrows its settings for one call; the server's tools use them for as long as
    // the process serves, so they are given that lifetime (one small allocation per process).
    let printer: &'static Printer = Box::leak(Box::new(printer.for_server()));
    let ctx = Context::load(printer, config_flag)?;
    let password_file = ctx.password_file(&args.password).ok_or_else(|| {
        UsageError(
            "x402 mcp never prompts: give the keystore password with --password-file PATH (or \
             X402_PASSWORD_FILE)"
                .into(),
        )
    })?;
    let password = PasswordArgs {
        password_file: Some(password_file),
    };
    let ks = ctx.account(None, &args.account)?;
    let signer = ctx.unlock(&ks, &password)?;
    let limits = limits::Limits::resolve(&args.limits, args.session_budget, &ctx.config.limits);
    printer.info(format!(
        "x402 mcp: serving account '{}' ({}) on stdio; {}",
        ks.name,
        signer.address().to_checksum(None),
        limits.describe()
    ));
    let server = server::Server::new(ctx, ks, signer, password, limits);
    let running = server
        .serve(rmcp::transport::stdio())
        .await
        .context("the MCP client did not complete the handshake")?;
    let quit = running.waiting().await.context("the MCP server failed")?;
    printer.detail(format!("x402 mcp: stopped ({quit:?})"));
    Ok(ExitStatus::Success)
}
