//! `x402 inspect URL`: one unpaid request, the 402's terms in plain words. Never loads a
//! keystore, never signs.

use crate::amount;
use crate::cli::InspectArgs;
use crate::exit::ExitStatus;
use crate::payment::challenge::{Challenge, parse_payment_required};
use crate::payment::policy::{self, Quote};
use crate::request;
use crate::settings::Context;
use anyhow::{Context as _, Result};
use serde_json::{Value, json};

pub async fn run(ctx: &Context<'_>, args: InspectArgs) -> Result<ExitStatus> {
    let prepared = request::prepare(&args.request, &[])?;
    let resp = prepared
        .send(None)
        .await
        .with_context(|| format!("request to {} failed", prepared.url))?;
    if resp.status != 402 {
        if args.json {
            ctx.printer.json(&json!({
                "url": prepared.url.as_str(),
                "status": resp.status,
                "payment_required": false,
            }))?;
        } else {
            ctx.printer.result(&format!(
                "no payment needed: {} answered HTTP {} {}",
                prepared.url, resp.status, resp.reason
            ))?;
        }
        return Ok(ExitStatus::Success);
    }
    let challenge =
        parse_payment_required(&resp.headers, &resp.body).context("the 402 cannot be read")?;
    let preferred = preferred_networks(ctx, &args.networks)?;
    let (judged, chosen) = policy::choose(
        &challenge,
        &ctx.networks,
        &preferred,
        !args.networks.is_empty(),
    );
    if args.json {
        ctx.printer
            .json(&report_json(&prepared.url, &challenge, &judged, chosen))?;
    } else {
        for line in report_text(&challenge, &judged, chosen) {
            ctx.printer.result(&line)?;
        }
    }
    Ok(ExitStatus::Success)
}

/// `--network` names checked against the table, else config.toml's preference.
pub fn preferred_networks(ctx: &Context<'_>, given: &[String]) -> Result<Vec<String>> {
    if given.is_empty() {
        return Ok(ctx.config.preferred_networks.clone());
    }
    given
        .iter()
        .map(|n| {
            ctx.networks
                .find(n)
                .map(|net| net.name.clone())
                .ok_or_else(|| crate::error::UsageError(format!("unknown network '{n}'")).into())
        })
        .collect()
}

fn price_json(q: &Quote) -> Value {
    json!({
        "base_units": q.amount.to_string(),
        "decimal": amount::format_units(q.amount, q.asset.decimals),
        "symbol": q.asset.symbol,
        "decimals": q.asset.decimals,
    })
}

fn report_json(
    url: &reqwest::Url,
    c: &Challenge,
    judged: &[Result<Quote, String>],
    chosen: Option<usize>,
) -> Value {
    let options: Vec<Value> = c
        .accepts
        .iter()
        .zip(judged)
        .map(|(r, j)| {
            json!({
                "index": r.index,
                "scheme": r.scheme,
                "network": r.network,
                "caip2": r.caip2_network(),
                "network_name": j.as_ref().ok().map(|q| q.network.name.clone()),
                "amount": r.amount,
                "price": j.as_ref().ok().map(price_json),
                "asset": r.asset,
                "pay_to": r.pay_to,
                "max_timeout_seconds": r.max_timeout_seconds,
                "extra": r.extra,
                "payable": j.is_ok(),
                "reason": j.as_ref().err(),
                "chosen": chosen == Some(r.index),
                "problems": r.problems,
                "raw": r.raw,
            })
        })
        .collect();
    json!({
        "url": url.as_str(),
        "status": 402,
        "payment_required": true,
        "x402_version": c.version,
        "source": c.source,
        "resource": c.resource,
        "error": c.error,
        "options": options,
        "chosen": chosen,
        "warnings": c.warnings,
        "extensions": c.extensions,
    })
}

fn report_text(
    c: &Challenge,
    judged: &[Result<Quote, String>],
    chosen: Option<usize>,
) -> Vec<String> {
    let mut out = vec![format!(
        "x402 v{} payment required (terms in the {})",
        c.version, c.source
    )];
    if let Some(res) = &c.resource {
        let mut line = format!("resource  {}", res.url.as_deref().unwrap_or("(none)"));
        if let Some(d) = res.description.as_deref().filter(|d| !d.is_empty()) {
            line.push_str(&format!(" ({d})"));
        }
        out.push(line);
    }
    if let Some(e) = c.error.as_deref().filter(|e| !e.is_empty()) {
        out.push(format!("message   {e}"));
    }
    for (r, j) in c.accepts.iter().zip(judged) {
        out.push(String::new());
        let mark = match (chosen == Some(r.index), j) {
            (true, _) => "  <- x402 get would pay this one".to_string(),
            (false, Ok(_)) => "  (payable)".into(),
            (false, Err(why)) => format!("  (cannot pay: {why})"),
        };
        out.push(format!("option {}{mark}", r.index + 1));
        let na = |v: &Option<String>| v.clone().unwrap_or_else(|| "(missing)".into());
        out.push(format!("  scheme    {}", na(&r.scheme)));
        match j {
            Ok(q) => {
                out.push(format!("  network   {}", q.network));
                out.push(format!(
                    "  price     {} ({} base units)",
                    q.price(),
                    q.amount
                ));
                out.push(format!(
                    "  asset     {} {}",
                    q.asset.symbol, q.asset.address
                ));
            }
            Err(_) => {
                out.push(format!("  network   {}", na(&r.network)));
                out.push(format!(
                    "  amount    {} base units (asset not known)",
                    na(&r.amount)
                ));
                out.push(format!("  asset     {}", na(&r.asset)));
            }
        }
        out.push(format!("  pay to    {}", na(&r.pay_to)));
        if let Some(t) = r.max_timeout_seconds {
            out.push(format!("  expires   {t} s after signing"));
        }
        if let Some(extra) = &r.extra {
            out.push(format!("  extra     {extra}"));
        }
        for p in &r.problems {
            out.push(format!("  protocol  {p}"));
        }
    }
    if !c.warnings.is_empty() {
        out.push(String::new());
        for w in &c.warnings {
            out.push(format!("warning   {w}"));
        }
    }
    out
}
