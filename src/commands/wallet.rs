//! `x402 wallet new | import | list | address | balance`.
//!
//! Secrets come from hidden prompts, stdin or files, never argv; passwords are asked here, in
//! the command layer, and handed to the keystore module.

use crate::amount;
use crate::cli::{AddressArgs, BalanceArgs, ImportArgs, ListArgs, NewArgs, WalletCommand};
use crate::error::{Failed, UsageError, render};
use crate::exit::ExitStatus;
use crate::fsutil::replace_file;
use crate::http::{self, ClientOptions};
use crate::keystore::{self, Keystore, Origin};
use crate::network::{Family, Network};
use crate::output::JsonError;
use crate::rpc::Rpc;
use crate::secret::SecretString;
use crate::settings::{Context, prompt_hidden};
use crate::svm;
use crate::svm::network::SvmNetwork;
use alloy_primitives::{Address, U256};
use alloy_signer_local::{MnemonicBuilder, PrivateKeySigner, coins_bip39::English};
use anyhow::{Context as _, Result};
use serde::Serialize;
use serde_json::json;
use std::io::{IsTerminal, Read};
use std::time::Duration;
use zeroize::Zeroizing;

/// The name `wallet new` gives an account when none is given.
const DEFAULT_NAME: &str = "default";

pub async fn run(ctx: &Context<'_>, cmd: WalletCommand) -> Result<ExitStatus> {
    match cmd {
        WalletCommand::New(args) => new(ctx, args),
        WalletCommand::Import(args) => import(ctx, args),
        WalletCommand::List(args) => list(ctx, args),
        WalletCommand::Address(args) => address(ctx, args),
        WalletCommand::Balance(args) => balance(ctx, args).await,
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

#[derive(Serialize)]
struct TokenBalance {
    symbol: String,
    address: Option<String>,
    decimals: u8,
    balance: String,
    base_units: String,
}

#[derive(Serialize)]
pub struct NetworkBalance {
    network: String,
    caip2: String,
    /// EVM networks only.
    #[serde(skip_serializing_if = "Option::is_none")]
    chain_id: Option<u64>,
    rpc_url: Option<String>,
    tokens: Vec<TokenBalance>,
    native: Option<TokenBalance>,
    error: Option<String>,
    /// The exit status of `error`.
    #[serde(skip)]
    status: Option<ExitStatus>,
}

/// One network's token balances and its gas balance.
type Balances = (Vec<TokenBalance>, TokenBalance);

/// Native gas tokens of EVM networks have 18 decimals.
const NATIVE_DECIMALS: u8 = 18;

async fn query_network(
    client: reqwest::Client,
    net: Network,
    url: String,
    owner: Address,
    check_chain: bool,
) -> Result<Balances> {
    let rpc = Rpc::new(&client, &url);
    if check_chain {
        let id = rpc.chain_id().await?;
        if id != net.chain_id {
            return Err(UsageError(format!(
                "{url} serves chain {id}, not {} ({})",
                net.name, net.chain_id
            ))
            .into());
        }
    }
    let mut tokens = Vec::new();
    for asset in &net.assets {
        let base = rpc.token_balance(asset.address, owner).await?;
        tokens.push(token_balance(
            &asset.symbol,
            Some(asset.address.to_checksum(None)),
            asset.decimals,
            base,
        ));
    }
    let native = rpc.native_balance(owner).await?;
    Ok((
        tokens,
        token_balance(&net.native_symbol, None, NATIVE_DECIMALS, native),
    ))
}

/// SOL and the network's stablecoins; an absent token account is a zero balance.
async fn query_svm_network(
    client: reqwest::Client,
    net: SvmNetwork,
    url: String,
    owner: svm::Pubkey,
) -> Result<Balances> {
    let found = svm::wallet::query(&client, &net, &url, owner).await?;
    let tokens = found
        .tokens
        .iter()
        .map(|(asset, base)| {
            token_balance(
                &asset.symbol,
                Some(asset.mint.to_string()),
                asset.decimals,
                U256::from(*base),
            )
        })
        .collect();
    Ok((
        tokens,
        token_balance(
            svm::network::NATIVE_SYMBOL,
            None,
            svm::network::SOL_DECIMALS,
            U256::from(found.lamports),
        ),
    ))
}

fn token_balance(symbol: &str, address: Option<String>, decimals: u8, base: U256) -> TokenBalance {
    TokenBalance {
        symbol: symbol.to_string(),
        address,
        decimals,
        balance: amount::format_units(base, decimals),
        base_units: base.to_string(),
    }
}

/// Whose balances are asked for.
#[derive(Clone, Copy)]
pub enum Owner {
    Evm(Address),
    Solana(svm::Pubkey),
}

impl std::fmt::Display for Owner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Evm(a) => f.write_str(&a.to_checksum(None)),
            Self::Solana(k) => write!(f, "{k}"),
        }
    }
}

/// A network to read balances on, of either family.
enum Target {
    Evm(Network),
    Svm(SvmNetwork),
}

impl Target {
    fn name(&self) -> &str {
        match self {
            Self::Evm(n) => &n.name,
            Self::Svm(n) => &n.name,
        }
    }

    fn rpc_url(&self) -> Option<&String> {
        match self {
            Self::Evm(n) => n.rpc_url.as_ref(),
            Self::Svm(n) => n.rpc_url.as_ref(),
        }
    }
}

/// The networks `--network`, `--all` or the default name, of the owner's family only: an
/// account of one family cannot hold the other's coins.
fn balance_targets(
    ctx: &Context<'_>,
    args: &BalanceArgs,
    owner: Owner,
    label: Option<&str>,
) -> Result<Vec<Target>> {
    let solana = matches!(owner, Owner::Solana(_));
    let wrong_family = |n: &str| {
        let whose = label.map_or_else(|| owner.to_string(), |name| format!("'{name}'"));
        let (account, network) = if solana {
            ("a Solana", "an EVM")
        } else {
            ("an EVM", "a Solana")
        };
        UsageError(format!(
            "{whose} is {account} account and {n} is {network} network; name an account of the network's family"
        ))
    };
    let one = |n: &str| -> Result<Target> {
        match (solana, ctx.networks.find(n), ctx.networks.find_svm(n)) {
            (false, Some(net), _) => Ok(Target::Evm(net.clone())),
            (true, _, Some(net)) => Ok(Target::Svm(net.clone())),
            (false, None, Some(_)) | (true, Some(_), None) => Err(wrong_family(n).into()),
            _ => Err(crate::error::UnknownNetwork(n.to_string()).into()),
        }
    };
    if args.all {
        return Ok(if solana {
            ctx.networks
                .svm()
                .iter()
                .filter(|n| n.rpc_url.is_some())
                .cloned()
                .map(Target::Svm)
                .collect()
        } else {
            ctx.networks
                .iter()
                .filter(|n| n.rpc_url.is_some())
                .cloned()
                .map(Target::Evm)
                .collect()
        });
    }
    if args.networks.is_empty() {
        let name = if solana {
            "solana"
        } else {
            ctx.config
                .preferred_networks
                .first()
                .map_or(crate::network::DEFAULT_NETWORK, String::as_str)
        };
        return Ok(vec![one(name)?]);
    }
    args.networks.iter().map(|n| one(n)).collect()
}

async fn balance(ctx: &Context<'_>, args: BalanceArgs) -> Result<ExitStatus> {
    let (label, owner) = match args.address {
        Some(a) => (None, Owner::Evm(a)),
        None => {
            // Only Solana networks named: the default account is the Solana one.
            let family = if !args.networks.is_empty()
                && args
                    .networks
                    .iter()
                    .all(|n| ctx.networks.find_svm(n).is_some())
            {
                Family::Solana
            } else {
                Family::Evm
            };
            let ks = ctx.account_of(args.name.as_deref(), &args.account, family)?;
            let owner = match ks.solana {
                Some(key) => Owner::Solana(key),
                None => Owner::Evm(account_address(ctx, &ks, &args.password)?),
            };
            (Some(ks.name), owner)
        }
    };
    let rows = balance_rows(ctx, &args, owner, label.as_deref()).await?;
    show_balances(ctx, &args, label.as_deref(), owner, &rows)
}

/// Each network's balances of `owner` (an RPC failure is that network's error, not a zero).
/// `label` is the account's name, for the error that names a network of the other family.
pub async fn balance_rows(
    ctx: &Context<'_>,
    args: &BalanceArgs,
    owner: Owner,
    label: Option<&str>,
) -> Result<Vec<NetworkBalance>> {
    let networks = balance_targets(ctx, args, owner, label)?;
    if args.rpc_url.is_some() && networks.len() != 1 {
        return Err(UsageError("--rpc-url needs exactly one --network".into()).into());
    }
    if !(args.timeout > 0.0 && args.timeout.is_finite()) {
        return Err(UsageError("--timeout must be a positive number of seconds".into()).into());
    }
    let per_network = Duration::from_secs_f64(args.timeout);
    let client = http::client(&ClientOptions {
        connect_timeout: Some(per_network),
        timeout: Some(per_network),
        ..ClientOptions::default()
    })?;

    let mut tasks = tokio::task::JoinSet::new();
    for (i, target) in networks.iter().enumerate() {
        let url = args.rpc_url.clone().or_else(|| target.rpc_url().cloned());
        let Some(url) = url else { continue };
        let fut: std::pin::Pin<Box<dyn std::future::Future<Output = Result<Balances>> + Send>> =
            match (target, owner) {
                (Target::Evm(net), Owner::Evm(owner)) => Box::pin(query_network(
                    client.clone(),
                    net.clone(),
                    url,
                    owner,
                    args.rpc_url.is_some(),
                )),
                (Target::Svm(net), Owner::Solana(owner)) => {
                    Box::pin(query_svm_network(client.clone(), net.clone(), url, owner))
                }
                // balance_targets keeps each owner to its own family.
                _ => continue,
            };
        tasks.spawn(async move {
            let r = match tokio::time::timeout(per_network, fut).await {
                Ok(r) => r,
                Err(_) => Err(Failed {
                    status: ExitStatus::Timeout,
                    message: format!("no answer within {:?}", per_network),
                }
                .into()),
            };
            (i, r)
        });
    }
    let mut results: Vec<Option<Result<Balances>>> = networks.iter().map(|_| None).collect();
    while let Some(joined) = tasks.join_next().await {
        let (i, r) = joined.context("balance query task failed")?;
        results[i] = Some(r);
    }

    let mut rows = Vec::new();
    for (target, result) in networks.iter().zip(results) {
        let rpc_url = args.rpc_url.clone().or_else(|| target.rpc_url().cloned());
        let (caip2, chain_id) = match target {
            Target::Evm(net) => (net.caip2(), Some(net.chain_id)),
            Target::Svm(net) => (net.caip2.clone(), None),
        };
        let name = target.name();
        let mut row = NetworkBalance {
            network: name.to_string(),
            caip2,
            chain_id,
            rpc_url: rpc_url.as_deref().map(crate::request::safe_url_text),
            tokens: vec![],
            native: None,
            error: None,
            status: None,
        };
        match result {
            Some(Ok((tokens, native))) => {
                row.tokens = tokens;
                row.native = Some(native);
            }
            Some(Err(err)) => {
                let (status, shown) = render(&err);
                let message = std::iter::once(shown.message)
                    .chain(shown.causes)
                    .collect::<Vec<_>>()
                    .join(": ");
                row.status = Some(status);
                row.error = Some(message);
            }
            None => {
                row.status = Some(ExitStatus::Usage);
                row.error = Some(format!(
                    "no RPC URL for {name}: set [rpc] {name} = \"URL\" in config.toml or pass --rpc-url"
                ));
            }
        }
        rows.push(row);
    }
    Ok(rows)
}

/// The `wallet balance --json` document's `data` and `errors`.
pub fn balance_document(
    label: Option<&str>,
    owner: Owner,
    rows: &[NetworkBalance],
) -> (serde_json::Value, Vec<JsonError>) {
    let data = json!({
        "account": label,
        "address": owner.to_string(),
        "networks": rows,
    });
    let errors: Vec<JsonError> = rows
        .iter()
        .filter_map(|r| Some(network_error(&r.network, r.error.as_ref()?, r.status?)))
        .collect();
    (data, errors)
}

fn show_balances(
    ctx: &Context<'_>,
    args: &BalanceArgs,
    label: Option<&str>,
    owner: Owner,
    rows: &[NetworkBalance],
) -> Result<ExitStatus> {
    let first_failure = rows.iter().find_map(|r| r.status);
    if args.json {
        let (data, errors) = balance_document(label, owner, rows);
        ctx.printer.json_with_errors(&data, &errors)?;
    } else {
        match &label {
            Some(name) => ctx.printer.info(format!("{name} {owner}")),
            None => ctx.printer.info(owner.to_string()),
        }
        let width = rows.iter().map(|r| r.network.len()).max().unwrap_or(0);
        for r in rows {
            if let (Some(err), Some(status)) = (&r.error, r.status) {
                ctx.printer.error(&network_error(&r.network, err, status));
                continue;
            }
            let mut parts: Vec<String> = r
                .tokens
                .iter()
                .map(|t| format!("{} {}", t.balance, t.symbol))
                .collect();
            if let Some(n) = &r.native {
                parts.push(format!("{} {}", n.balance, n.symbol));
            }
            ctx.printer
                .result(&format!("{:width$}  {}", r.network, parts.join("  ")))?;
        }
    }
    Ok(first_failure.unwrap_or(ExitStatus::Success))
}

fn network_error(network: &str, message: &str, status: ExitStatus) -> JsonError {
    JsonError {
        code: status.code(),
        message: format!("{network}: {message}"),
        causes: vec![],
        hints: vec![],
    }
}
