//! `x402 wallet new | import | list | address | balance`.
//!
//! Secrets come from hidden prompts, stdin or files, never argv; passwords are asked here, in
//! the command layer, and handed to the keystore module. Accounts (creating, importing,
//! listing, their addresses) live here; balances over JSON-RPC in `balance`.

mod balance;

pub use balance::{NetworkBalance, Owner, balance_document, balance_rows};

use crate::cli::{AddressArgs, ImportArgs, ListArgs, NewArgs, WalletCommand};
use crate::error::UsageError;
use crate::exit::ExitStatus;
use crate::fsutil::replace_file;
use crate::keystore::{self, Keystore, Origin};
use crate::network::Family;
use crate::secret::SecretString;
use crate::settings::{Context, prompt_hidden};
use crate::svm;
use alloy_primitives::Address;
use alloy_signer_local::{MnemonicBuilder, PrivateKeySigner, coins_bip39::English};
use anyhow::{Context as _, Result};
use serde::Serialize;
use serde_json::json;
use std::io::{IsTerminal, Read};
use zeroize::Zeroizing;

/// The name `wallet new` gives an account when none is given.
const DEFAULT_NAME: &str = "default";

pub async fn run(ctx: &Context<'_>, cmd: WalletCommand) -> Result<ExitStatus> {
    match cmd {
        WalletCommand::New(args) => new(ctx, args),
        WalletCommand::Import(args) => import(ctx, args),
        WalletCommand::List(args) => list(ctx, args),
        WalletCommand::Address(args) => address(ctx, args),
        WalletCommand::Balance(args) => balance::run(ctx, args).await,
        WalletCommand::Approve(args) => super::approve::run(ctx, args).await,
    }
}

fn ensure_free(ctx: &Context<'_>, name: &str, force: bool) -> Result<()> {
    keystore::validate_name(name)?;
    let path = ctx.paths.keystores.join(name);
    if !force && path.exists() {
        return Err(keystore::Error::AlreadyExists(path).into());
    }
    Ok(())
}

fn new(ctx: &Context<'_>, args: NewArgs) -> Result<ExitStatus> {
    let name = args.name.as_deref().unwrap_or(DEFAULT_NAME);
    ensure_free(ctx, name, args.force)?;
    let password = ctx.new_password(&args.password)?;
    if args.solana {
        let keypair = svm::keys::generate();
        let ks = svm::keys::store(&ctx.paths.keystores, name, &keypair, &password, args.force)?;
        return created(ctx, &ks, "Created", args.json);
    }
    let key = loop {
        let mut key = Zeroizing::new([0u8; 32]);
        rand08::RngCore::fill_bytes(&mut rand08::rngs::OsRng, key.as_mut_slice());
        // Fewer than 1 in 2^127 draws is not a valid secp256k1 scalar.
        if PrivateKeySigner::from_slice(key.as_slice()).is_ok() {
            break key;
        }
    };
    let ks = keystore::create(&ctx.paths.keystores, name, &key, &password, args.force)?;
    created(ctx, &ks, "Created", args.json)
}

fn import(ctx: &Context<'_>, args: ImportArgs) -> Result<ExitStatus> {
    ensure_free(ctx, &args.name, args.force)?;
    if let Some(file) = &args.keystore_file {
        let password = ctx.password(&args.password, "Password of the keystore file: ")?;
        let signer = keystore::unlock(file, &password)?;
        let bytes = std::fs::read(file)
            .map_err(|e| UsageError(format!("cannot read {}: {e}", file.display())))?;
        let ks = keystore::store(
            &ctx.paths.keystores,
            &args.name,
            &bytes,
            Some(signer.address()),
            args.force,
        )?;
        return created(ctx, &ks, "Imported", args.json);
    }
    if args.solana || args.keypair_file.is_some() {
        let keypair = match &args.keypair_file {
            Some(file) => svm::keys::read_keypair_file(file)?,
            None if args.mnemonic => {
                svm::keys::from_mnemonic(&read_secret("Mnemonic phrase")?, args.mnemonic_index)?
            }
            None => svm::keys::parse_secret(&read_secret("Secret key")?)?,
        };
        let password = ctx.new_password(&args.password)?;
        let ks = svm::keys::store(
            &ctx.paths.keystores,
            &args.name,
            &keypair,
            &password,
            args.force,
        )?;
        return created(ctx, &ks, "Imported", args.json);
    }
    let what = if args.mnemonic {
        "Mnemonic phrase"
    } else {
        "Private key"
    };
    let secret = read_secret(what)?;
    let signer = if args.mnemonic {
        let words = secret
            .expose()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        MnemonicBuilder::<English>::default()
            .phrase(words)
            .index(args.mnemonic_index)
            .and_then(|b| b.build())
            .map_err(|_| UsageError("not a valid BIP-39 mnemonic phrase".into()))?
    } else {
        parse_private_key(&secret)?
    };
    let key = Zeroizing::new(signer.to_bytes().0);
    drop(secret);
    let password = ctx.new_password(&args.password)?;
    let ks = keystore::create(
        &ctx.paths.keystores,
        &args.name,
        &key,
        &password,
        args.force,
    )?;
    created(ctx, &ks, "Imported", args.json)
}

/// A hex private key, with or without 0x. The input is never echoed in errors.
fn parse_private_key(secret: &SecretString) -> Result<PrivateKeySigner> {
    let text = secret.expose().trim();
    let hex = text.strip_prefix("0x").unwrap_or(text);
    let bad = || UsageError("not a private key: expected 64 hexadecimal characters".into());
    if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad().into());
    }
    let mut bytes = Zeroizing::new([0u8; 32]);
    alloy_primitives::hex::decode_to_slice(hex, bytes.as_mut_slice()).map_err(|_| bad())?;
    PrivateKeySigner::from_slice(bytes.as_slice())
        .map_err(|_| UsageError("not a valid secp256k1 private key".into()).into())
}

/// The secret to import: a hidden prompt on a terminal, else all of stdin.
fn read_secret(what: &str) -> Result<SecretString> {
    if std::io::stdin().is_terminal() {
        return prompt_hidden(&format!("{what}: "));
    }
    let mut text = Zeroizing::new(String::new());
    std::io::stdin()
        .take(64 * 1024)
        .read_to_string(&mut text)
        .map_err(|e| UsageError(format!("cannot read the secret from stdin: {e}")))?;
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(UsageError(format!("no {} on stdin", what.to_lowercase())).into());
    }
    Ok(SecretString::new(trimmed.to_string()))
}

/// The address as shown: EIP-55 for EVM, base58 for Solana.
fn shown_address(ks: &Keystore) -> Option<String> {
    match ks.solana {
        Some(key) => Some(key.to_string()),
        None => ks.address.map(|a| a.to_checksum(None)),
    }
}

/// The config.toml key naming the default account of a family, and its current value.
fn default_of<'c>(ctx: &'c Context<'_>, family: Family) -> (&'static str, Option<&'c str>) {
    match family {
        Family::Evm => ("default_account", ctx.config.default_account.as_deref()),
        Family::Solana => (
            "default_solana_account",
            ctx.config.default_solana_account.as_deref(),
        ),
    }
}

fn created(ctx: &Context<'_>, ks: &Keystore, verb: &str, json: bool) -> Result<ExitStatus> {
    let address = shown_address(ks).unwrap_or_default();
    let (key, current) = default_of(ctx, ks.family());
    let became_default = current.is_none();
    if became_default {
        set_default_account(ctx, key, &ks.name)?;
    }
    if json {
        ctx.printer.json(&json!({
            "name": ks.name,
            "chain": ks.family(),
            "address": address,
            "path": ks.path,
            "default": became_default || current == Some(ks.name.as_str()),
        }))?;
    } else {
        ctx.printer.result(&address)?;
    }
    ctx.printer.info(format!(
        "{verb} account '{}' in {}",
        ks.name,
        ks.path.display()
    ));
    if became_default {
        let family = match ks.family() {
            Family::Evm => "",
            Family::Solana => "Solana ",
        };
        ctx.printer
            .info(format!("'{}' is now the default {family}account", ks.name));
    }
    Ok(ExitStatus::Success)
}

/// Records a default account (`key` = `default_account` or `default_solana_account`) in
/// config.toml, creating the file or adding the key at its top (top-level keys must come
/// before any table), written atomically.
fn set_default_account(ctx: &Context<'_>, key: &str, name: &str) -> Result<()> {
    let path = &ctx.paths.config;
    let existing = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    let text = format!("{key} = \"{name}\"\n{existing}");
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    replace_file(path, text.as_bytes(), 0o644)
        .with_context(|| format!("cannot write {}", path.display()))
}

#[derive(Serialize)]
struct Listed {
    name: String,
    chain: Family,
    address: Option<String>,
    origin: Origin,
    path: String,
    default: bool,
}

fn list(ctx: &Context<'_>, args: ListArgs) -> Result<ExitStatus> {
    let mut rows = Vec::new();
    for (dir, origin) in ctx.paths.account_dirs() {
        for ks in keystore::list(&dir, origin)? {
            let default = ks.origin == Origin::X402
                && default_of(ctx, ks.family()).1 == Some(ks.name.as_str());
            if ks.loose_permissions {
                ctx.printer.warn(format!(
                    "{} can be read by other users (chmod 600 it)",
                    ks.path.display()
                ));
            }
            rows.push(Listed {
                chain: ks.family(),
                address: shown_address(&ks),
                path: ks.path.display().to_string(),
                name: ks.name,
                origin: ks.origin,
                default,
            });
        }
    }
    if args.json {
        ctx.printer.json(&rows)?;
        return Ok(ExitStatus::Success);
    }
    if rows.is_empty() {
        ctx.printer
            .info("no accounts yet: create one with `x402 wallet new NAME`");
    }
    const UNKNOWN: &str = "(address shown once unlocked)";
    let width = rows.iter().map(|r| r.name.len()).max().unwrap_or(0);
    let address_width = rows
        .iter()
        .map(|r| r.address.as_deref().unwrap_or(UNKNOWN).len())
        .max()
        .unwrap_or(0);
    for r in &rows {
        let mut line = format!(
            "{:width$}  {:address_width$}  {:6}",
            r.name,
            r.address.as_deref().unwrap_or(UNKNOWN),
            r.chain.to_string(),
        );
        if r.origin == Origin::Foundry {
            line.push_str("  (foundry)");
        }
        if r.default {
            line.push_str("  (default)");
        }
        line.truncate(line.trim_end().len());
        ctx.printer.result(&line)?;
    }
    Ok(ExitStatus::Success)
}

/// An account's address: from the file when it says, else by unlocking it (Foundry's files do
/// not record their address).
pub fn account_address(
    ctx: &Context<'_>,
    ks: &Keystore,
    pw: &crate::cli::PasswordArgs,
) -> Result<Address> {
    if ks.loose_permissions {
        ctx.printer.warn(format!(
            "{} can be read by other users (chmod 600 it)",
            ks.path.display()
        ));
    }
    if let Some(a) = ks.address {
        return Ok(a);
    }
    let password = ctx.password(pw, &format!("Password for '{}': ", ks.name))?;
    Ok(keystore::unlock(&ks.path, &password)?.address())
}

fn address(ctx: &Context<'_>, args: AddressArgs) -> Result<ExitStatus> {
    let ks = ctx.account(args.name.as_deref(), &args.account)?;
    let address = match ks.solana {
        Some(key) => key.to_string(),
        None => account_address(ctx, &ks, &args.password)?.to_checksum(None),
    };
    if args.json {
        ctx.printer
            .json(&json!({"name": ks.name, "address": address}))?;
    } else {
        ctx.printer.result(&address)?;
    }
    Ok(ExitStatus::Success)
}
