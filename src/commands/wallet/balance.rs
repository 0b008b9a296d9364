//! `x402 wallet balance`: an account's (or any address's) token and gas balances on one or
//! more networks of its family, read over JSON-RPC, each network at the same time and within
//! its own timeout. An RPC failure is that network's error, never a zero balance.

use super::account_address;
use crate::amount;
use crate::cli::BalanceArgs;
use crate::error::{Failed, UsageError, render};
use crate::exit::ExitStatus;
use crate::http::{self, ClientOptions};
use crate::network::{Family, Network};
use crate::output::JsonError;
use crate::rpc::Rpc;
use crate::settings::Context;
use crate::svm;
use crate::svm::network::SvmNetwork;
use alloy_primitives::{Address, U256};
use anyhow::{Context as _, Result};
use serde::Serialize;
use serde_json::json;

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
        let what = if label.is_some() {
            "account"
        } else {
            "address"
        };
        let (account, network) = if solana {
            ("a Solana", "an EVM")
        } else {
            ("an EVM", "a Solana")
        };
        UsageError(format!(
            "{whose} is {account} {what} and {n} is {network} network; name an {what} of the network's family"
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
            // The first preferred network a Solana account can hold money on.
            ctx.config
                .preferred_networks
                .iter()
                .find(|n| ctx.networks.find_svm(n).is_some())
                .map_or("solana", String::as_str)
        } else {
            // The first preferred network an EVM account can hold money on.
            ctx.config
                .preferred_networks
                .iter()
                .find(|n| ctx.networks.find(n).is_some())
                .map_or(crate::network::DEFAULT_NETWORK, String::as_str)
        };
        return Ok(vec![one(name)?]);
    }
    args.networks.iter().map(|n| one(n.as_str())).collect()
}

pub async fn run(ctx: &Context<'_>, args: BalanceArgs) -> Result<ExitStatus> {
    let family = named_family(ctx, &args);
    let (label, owner) = match &args.address {
        Some(text) => (None, owner_of_address(text, family)?),
        None => {
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

/// The family of the networks asked for: Solana when every `--network` is a Solana one (the
/// default account is then the Solana one), else EVM.
fn named_family(ctx: &Context<'_>, args: &BalanceArgs) -> Family {
    let all_solana = !args.networks.is_empty()
        && args
            .networks
            .iter()
            .all(|n| ctx.networks.find_svm(n.as_str()).is_some());
    if all_solana {
        Family::Solana
    } else {
        Family::Evm
    }
}

/// `--address`: a `0x` address on EVM networks, a base58 public key on Solana ones.
fn owner_of_address(text: &str, family: Family) -> Result<Owner> {
    let text = text.trim();
    let evm_form = text.starts_with("0x") || text.starts_with("0X");
    match family {
        Family::Evm if evm_form => text.parse::<Address>().map(Owner::Evm).map_err(|_| {
            UsageError(format!(
                "--address {text} is not an EVM address: expected 0x and 40 hex digits"
            ))
            .into()
        }),
        Family::Evm => Err(UsageError(match svm::address::parse_pubkey(text) {
            Ok(_) => format!(
                "--address {text} is a Solana address; name Solana networks with --network \
                 (e.g. --network solana-devnet), or pass a 0x address"
            ),
            Err(_) => format!("--address {text} is not an address: expected 0x and 40 hex digits"),
        })
        .into()),
        Family::Solana if evm_form => Err(UsageError(format!(
            "--address {text} is an EVM address, and Solana networks take a base58 public key"
        ))
        .into()),
        Family::Solana => svm::address::parse_pubkey(text)
            .map(Owner::Solana)
            .map_err(|why| UsageError(format!("--address {text} {why}")).into()),
    }
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
    let results = query_all(args, &networks, owner).await?;
    Ok(networks
        .iter()
        .zip(results)
        .map(|(target, result)| network_row(args, target, result))
        .collect())
}

type Query = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Balances>> + Send>>;

/// Every network's query at once, each within `--timeout`; `None` where no RPC URL is known.
async fn query_all(
    args: &BalanceArgs,
    networks: &[Target],
    owner: Owner,
) -> Result<Vec<Option<Result<Balances>>>> {
    let per_network = args.timeout;
    let client = http::client(&ClientOptions {
        connect_timeout: Some(per_network),
        timeout: Some(per_network),
        ..ClientOptions::default()
    })?;
    let mut tasks = tokio::task::JoinSet::new();
    for (i, target) in networks.iter().enumerate() {
        let url = args.rpc_url.clone().or_else(|| target.rpc_url().cloned());
        let Some(url) = url else { continue };
        let fut: Query = match (target, owner) {
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
    Ok(results)
}

/// One network's row: its balances, or its error with the exit status it stands for.
fn network_row(
    args: &BalanceArgs,
    target: &Target,
    result: Option<Result<Balances>>,
) -> NetworkBalance {
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
        rpc_url: rpc_url.as_deref().map(crate::http::safe_url_text),
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
    row
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
