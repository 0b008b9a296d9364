//! `x402 mcp`: a Model Context Protocol server over stdio (newline-delimited JSON-RPC), built
//! on the official Rust SDK `rmcp`, so that an AI agent can use this wallet through tools.
//!
//! Start-up, before anything is served: config.toml read, the accounts resolved (one per
//! family the user has: an EVM one and a Solana one, `accounts`) and their keys unlocked
//! once from the one password file (`--password-file`, `X402_PASSWORD_FILE` or
//! `ETH_PASSWORD`; the server never prompts, since stdin is the protocol), and the limits
//! resolved ([`limits`]). Any failure there is one error on stderr and a non-zero exit. Then
//! stdout carries only MCP messages and everything said to a human goes to stderr. When the
//! client closes stdin the server stops and the keys are dropped, which wipes them
//! (`PrivateKeySigner`'s secp256k1 key and the Solana keypair's ed25519 key zero their memory
//! on drop).
//!
//! Tools: `inspect`, `balance`, `history` (`tools.rs`) and `fetch` (`fetch.rs`), which pays
//! through the payment engine ([`crate::payment::engine`]) as `x402 get` does, with this
//! server's answers to what the engine asks (`agent.rs`: no one is asked, the limits decide;
//! the key is the one of the quote's family unlocked at start), within [`limits::Limits`],
//! charging the [`limits::Session`].
//!
//! May depend on `commands` (it renders the same documents as their `--json`), `settings`
//! and `payment::engine` (`fetch` pays through it); nothing depends on it but `commands::run`.

mod agent;
mod fetch;
pub mod limits;
mod server;
mod tools;

use crate::cli::{AccountArgs, McpArgs, PasswordArgs};
use crate::error::UsageError;
use crate::exit::ExitStatus;
use crate::keystore::Keystore;
use crate::network::Family;
use crate::output::Printer;
use crate::settings::Context;
use agent::{Unlocked, Wallet};
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
    let (evm, solana) = accounts(&ctx, &args)?;
    let wallet = unlock(&ctx, evm, solana, &password)?;
    let limits = limits::Limits::resolve(&args.limits, args.session_budget, &ctx.config.limits);
    printer.info(format!(
        "x402 mcp: serving the {} on stdio; {}",
        wallet.describe(),
        limits.describe()
    ));
    let server = server::Server::new(ctx, wallet, password, limits);
    let running = server
        .serve(rmcp::transport::stdio())
        .await
        .context("the MCP client did not complete the handshake")?;
    let quit = running.waiting().await.context("the MCP server failed")?;
    printer.detail(format!("x402 mcp: stopped ({quit:?})"));
    Ok(ExitStatus::Success)
}

/// The accounts to serve, found without a password: for each family, the one `--account`
/// (or `--keystore`) names, else, when neither is given, the one `X402_ACCOUNT` (or
/// `X402_KEYSTORE`) names, else the family's default in config.toml (`default_account`,
/// `default_solana_account`). Two accounts of one family named is a usage error; no account
/// at all is [`NoAccount`](crate::settings::NoAccount).
fn accounts(ctx: &Context<'_>, args: &McpArgs) -> Result<(Option<Keystore>, Option<Keystore>)> {
    let no_flags = AccountArgs {
        account: None,
        keystore: None,
    };
    let mut named = Vec::new();
    for name in &args.account {
        named.push(ctx.account(Some(name), &no_flags)?);
    }
    if let Some(path) = &args.keystore {
        named.push(crate::settings::keystore_file(path)?);
    }
    if named.is_empty() {
        named.extend(ctx.env_account()?);
    }
    let pick = |family: Family| -> Result<Option<Keystore>> {
        let mut of_family = named.iter().filter(|k| k.family() == family);
        match (of_family.next(), of_family.next()) {
            (Some(a), Some(b)) => Err(UsageError(format!(
                "'{}' and '{}' are both {} accounts: x402 mcp serves at most one account per \
                 family (an EVM one and a Solana one)",
                a.name,
                b.name,
                family_name(family)
            ))
            .into()),
            (Some(a), None) => Ok(Some(a.clone())),
            (None, _) => match ctx.default_account(family)? {
                Some(ks) if ks.family() != family => Err(UsageError(format!(
                    "{} '{}' in config.toml is not {} account",
                    default_key(family),
                    ks.name,
                    article(family)
                ))
                .into()),
                other => Ok(other),
            },
        }
    };
    let (evm, solana) = (pick(Family::Evm)?, pick(Family::Solana)?);
    if evm.is_none() && solana.is_none() {
        return Err(crate::settings::NoAccount(Family::Evm).into());
    }
    Ok((evm, solana))
}

/// Each account unlocked with the one password file; the first that does not unlock (a wrong
/// password, a damaged keystore) is an error naming it, before anything is served. A password
/// file that cannot be read is its own error, whichever account asked for it.
fn unlock(
    ctx: &Context<'_>,
    evm: Option<Keystore>,
    solana: Option<Keystore>,
    password: &PasswordArgs,
) -> Result<Wallet> {
    let failed = |ks: &Keystore| {
        let file = password.password_file.as_deref().unwrap_or(Path::new(""));
        let message = format!(
            "cannot unlock the {} account '{}' with the password file {}",
            family_name(ks.family()),
            ks.name,
            file.display()
        );
        move |e: anyhow::Error| {
            if e.downcast_ref::<crate::keystore::Error>().is_some() {
                e.context(message)
            } else {
                e
            }
        }
    };
    let evm = match evm {
        Some(ks) => {
            let signer = ctx.unlock(&ks, password).map_err(failed(&ks))?;
            Some(Wallet::evm(ks, signer))
        }
        None => None,
    };
    let solana = match solana {
        Some(ks) => {
            let key = ctx.unlock_solana(&ks, password).map_err(failed(&ks))?;
            Some(Unlocked { keystore: ks, key })
        }
        None => None,
    };
    Ok(Wallet { evm, solana })
}

/// `EVM`, `Solana`: a family as the messages name it.
pub(super) fn family_name(family: Family) -> &'static str {
    match family {
        Family::Evm => "EVM",
        Family::Solana => "Solana",
    }
}

/// `an EVM`, `a Solana`.
pub(super) fn article(family: Family) -> &'static str {
    match family {
        Family::Evm => "an EVM",
        Family::Solana => "a Solana",
    }
}

/// The config.toml key of a family's default account.
pub(super) fn default_key(family: Family) -> &'static str {
    match family {
        Family::Evm => "default_account",
        Family::Solana => "default_solana_account",
    }
}
