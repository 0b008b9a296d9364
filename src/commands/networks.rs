//! `x402 networks [--json]`: every network the tool knows, built in and from config.toml, with
//! what `--network` accepts for it (name, CAIP-2 id), whether x402 v1 servers know it by that
//! name, its stablecoin, the RPC URL in use and where it came from (`(config)` when
//! config.toml set it), and the explorer that the settlement line links to. Reads only the
//! network table; no network I/O.

use crate::cli::NetworksArgs;
use crate::exit::ExitStatus;
use crate::network::{Network, TransferMethod};
use crate::settings::Context;
use anyhow::Result;
use serde::Serialize;

#[derive(Serialize)]
struct Row<'n> {
    name: &'n str,
    display_name: &'n str,
    caip2: String,
    chain_id: u64,
    /// The name x402 v1 servers use, when they know this network.
    v1_name: Option<&'n str>,
    testnet: bool,
    /// Declared in config.toml.
    custom: bool,
    native_symbol: &'n str,
    /// The network's stablecoin first, then any asset config.toml adds.
    assets: Vec<AssetRow<'n>>,
    rpc_url: Option<&'n str>,
    /// `default` (the built-in table), `config` (config.toml), or null without an RPC URL.
    rpc_source: Option<&'static str>,
    explorer_tx: Option<&'n str>,
}

#[derive(Serialize)]
struct AssetRow<'n> {
    symbol: &'n str,
    address: String,
    decimals: u8,
    transfer_method: &'static str,
}

impl<'n> Row<'n> {
    fn of(n: &'n Network) -> Self {
        Row {
            name: &n.name,
            display_name: &n.display,
            caip2: n.caip2(),
            chain_id: n.chain_id,
            v1_name: n.v1.then_some(n.name.as_str()),
            testnet: n.testnet,
            custom: n.custom,
            native_symbol: &n.native_symbol,
            assets: n
                .assets
                .iter()
                .map(|a| AssetRow {
                    symbol: &a.symbol,
                    address: a.address.to_checksum(None),
                    decimals: a.decimals,
                    transfer_method: match a.method {
                        TransferMethod::Eip3009 => "eip3009",
                        TransferMethod::Permit2 => "permit2",
                    },
                })
                .collect(),
            rpc_url: n.rpc_url.as_deref(),
            rpc_source: n.rpc_url.as_ref().map(|_| {
                if n.rpc_configured {
                    "config"
                } else {
                    "default"
                }
            }),
            explorer_tx: n.explorer_tx.as_deref(),
        }
    }
}

/// The explorer's host (`basescan.org`), which is what a person recognises; the full link
/// pattern is in `--json`.
fn explorer_host(pattern: &str) -> String {
    reqwest::Url::parse(&pattern.replace("{tx}", "0"))
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_else(|| pattern.to_string())
}

pub fn run(ctx: &Context<'_>, args: &NetworksArgs) -> Result<ExitStatus> {
    let rows: Vec<Row> = ctx.networks.iter().map(Row::of).collect();
    if args.json {
        ctx.printer.json(&serde_json::json!({ "networks": rows }))?;
        return Ok(ExitStatus::Success);
    }
    let table: Vec<[String; 8]> = rows
        .iter()
        .map(|r| {
            let kind = if r.testnet { "testnet" } else { "mainnet" };
            let assets = if r.assets.is_empty() {
                "-".to_string()
            } else {
                r.assets
                    .iter()
                    .map(|a| a.symbol)
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let rpc = match (r.rpc_url, r.rpc_source) {
                (Some(url), Some("config")) => format!("{url} (config)"),
                (Some(url), _) => url.to_string(),
                (None, _) => "-".to_string(),
            };
            [
                r.name.to_string(),
                r.caip2.clone(),
                if r.v1_name.is_some() { "yes" } else { "-" }.to_string(),
                r.display_name.to_string(),
                kind.to_string(),
                assets,
                rpc,
                r.explorer_tx.map_or_else(|| "-".into(), explorer_host),
            ]
        })
        .collect();
    let header = [
        "NAME",
        "CAIP-2",
        "V1",
        "CHAIN",
        "KIND",
        "STABLECOIN",
        "RPC",
        "EXPLORER",
    ];
    let mut widths = header.map(str::len);
    for row in &table {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &[&str]| {
        let mut out = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                out.push_str(cell);
            } else {
                out.push_str(&format!("{cell:<w$}  ", w = widths[i]));
            }
        }
        out.trim_end().to_string()
    };
    ctx.printer.result(&line(&header))?;
    for row in &table {
        let cells: Vec<&str> = row.iter().map(String::as_str).collect();
        ctx.printer.result(&line(&cells))?;
    }
    Ok(ExitStatus::Success)
}
