//! `x402 history`: the payments in the journal with totals per day, network and asset; and
//! `x402 history check`: what the chain says about them.

use crate::amount;
use crate::cli::{CheckArgs, HistoryArgs, HistoryCommand};
use crate::error::{Failed, UsageError};
use crate::exit::ExitStatus;
use crate::journal::{Journal, Outcome, Payment, Status};
use crate::rpc::{AUTHORIZATION_USED_TOPIC, Rpc, TRANSFER_TOPIC};
use crate::settings::Context;
use alloy_primitives::{Address, B256, U256};
use anyhow::Result;
use jiff::Timestamp;
use serde_json::{Value, json};
use std::collections::BTreeMap;

pub async fn run(ctx: &Context<'_>, args: HistoryArgs) -> Result<ExitStatus> {
    let since = args.since.as_deref().map(parse_since).transpose()?;
    match &args.command {
        None => list(ctx, &args, since),
        Some(HistoryCommand::Check(check_args)) => check(ctx, &args, since, check_args).await,
    }
}

/// `2026-11-25` (midnight UTC), an RFC 3339 time, or an age (`24h`, `7d`, `90m`).
pub fn parse_since(text: &str) -> Result<Timestamp> {
    let bad = || {
        UsageError(format!(
            "--since '{text}': expected a date (2026-11-25), a time (2026-11-25T10:00:00Z) or an age (24h, 7d)"
        ))
    };
    if let Ok(t) = text.parse::<Timestamp>() {
        return Ok(t);
    }
    if let Ok(d) = text.parse::<jiff::civil::Date>() {
        return jiff::tz::TimeZone::UTC
            .to_timestamp(d.to_datetime(jiff::civil::Time::midnight()))
            .map_err(|_| bad().into());
    }
    let (digits, unit) = text.split_at(text.len().saturating_sub(1));
    let n: i64 = digits.parse().map_err(|_| bad())?;
    let secs = match unit {
        "s" => n,
        "m" => n.saturating_mul(60),
        "h" => n.saturating_mul(3600),
        "d" => n.saturating_mul(86_400),
        "w" => n.saturating_mul(7 * 86_400),
        _ => return Err(bad().into()),
    };
    Timestamp::now()
        .checked_sub(jiff::SignedDuration::from_secs(secs))
        .map_err(|_| bad().into())
}

fn selected<'a>(
    payments: &'a [Payment],
    args: &HistoryArgs,
    since: Option<Timestamp>,
) -> Vec<&'a Payment> {
    payments
        .iter()
        .filter(|p| since.is_none_or(|s| p.signed.time >= s))
        .filter(|p| args.status.is_empty() || args.status.contains(&p.status))
        .collect()
}

fn price(p: &Payment) -> String {
    amount::display(p.signed.amount, p.signed.decimals, &p.signed.symbol)
}

fn payment_json(p: &Payment) -> Value {
    let mut v = serde_json::to_value(p).unwrap_or(Value::Null);
    if let Some(o) = v.as_object_mut() {
        o.insert(
            "amountDecimal".into(),
            amount::format_units(p.signed.amount, p.signed.decimals).into(),
        );
    }
    v
}

/// Totals of what moved or may still move, per UTC day, network and asset.
fn totals(payments: &[&Payment]) -> Vec<Value> {
    let mut sums: BTreeMap<(String, String, Address), (U256, u32, &Payment)> = BTreeMap::new();
    for p in payments.iter().filter(|p| p.status.may_move_money()) {
        let day = p.signed.time.strftime("%Y-%m-%d").to_string();
        let e = sums
            .entry((day, p.signed.network.clone(), p.signed.asset))
            .or_insert((U256::ZERO, 0, p));
        e.0 = e.0.saturating_add(p.signed.amount);
        e.1 += 1;
    }
    sums.into_iter()
        .map(|((day, network, asset), (sum, count, p))| {
            json!({
                "day": day,
                "network": network,
                "networkName": p.signed.network_name,
                "asset": asset.to_checksum(None),
                "symbol": p.signed.symbol,
                "amount": sum.to_string(),
                "amountDecimal": amount::format_units(sum, p.signed.decimals),
                "payments": count,
            })
        })
        .collect()
}

fn warn_bad_lines(ctx: &Context<'_>, journal: &Journal, bad: &[crate::journal::BadLine]) {
    for b in bad {
        ctx.printer.warn(format!(
            "{}:{}: unreadable line skipped ({})",
            journal.path().display(),
            b.line,
            b.error
        ));
    }
}

/// The `history --json` document's `data`: the payments `args` select, with their totals.
pub fn list_data(ctx: &Context<'_>, args: &HistoryArgs, since: Option<Timestamp>) -> Result<Value> {
    let journal = Journal::new(&ctx.paths.home);
    let contents = journal.read()?;
    warn_bad_lines(ctx, &journal, &contents.bad_lines);
    let shown = selected(&contents.payments, args, since);
    Ok(json!({
        "journal": journal.path(),
        "payments": shown.iter().map(|p| payment_json(p)).collect::<Vec<_>>(),
        "totals": totals(&shown),
        "unreadableLines": contents.bad_lines.iter().map(|b| b.line).collect::<Vec<_>>(),
    }))
}

fn list(ctx: &Context<'_>, args: &HistoryArgs, since: Option<Timestamp>) -> Result<ExitStatus> {
    let p = ctx.printer;
    if args.json {
        p.json(&list_data(ctx, args, since)?)?;
        return Ok(ExitStatus::Success);
    }
    let journal = Journal::new(&ctx.paths.home);
    let contents = journal.read()?;
    warn_bad_lines(ctx, &journal, &contents.bad_lines);
    let shown = selected(&contents.payments, args, since);
    let totals = totals(&shown);
    if shown.is_empty() {
        p.info(format!("no payments in {}", journal.path().display()));
        return Ok(ExitStatus::Success);
    }
    for pay in &shown {
        let mut line = format!(
            "{}  {:<9} {:>14}  {:<14} {}  {} {}",
            pay.signed.time.strftime("%Y-%m-%d %H:%M:%S"),
            pay.status.as_str(),
            price(pay),
            pay.signed.network_name,
            pay.signed.pay_to,
            pay.signed.method,
            pay.signed.url
        );
        if let Some(tx) = &pay.transaction {
            line.push_str(&format!("  tx {tx}"));
        }
        if let Some(r) = &pay.reason {
            line.push_str(&format!("  ({r})"));
        }
        p.result(&line)?;
    }
    p.info("");
    p.info("totals (settled, pending and unknown payments, per UTC day):");
    for t in &totals {
        p.info(format!(
            "  {}  {:>14} {}  on {}  ({} payment{})",
            t["day"].as_str().unwrap_or(""),
            t["amountDecimal"].as_str().unwrap_or(""),
            t["symbol"].as_str().unwrap_or(""),
            t["networkName"].as_str().unwrap_or(""),
            t["payments"],
            if t["payments"] == 1 { "" } else { "s" }
        ));
    }
    Ok(ExitStatus::Success)
}

/// What the chain said about one payment.
struct Finding {
    payment: Payment,
    /// The new status, when it changes.
    status: Option<Status>,
    transaction: Option<String>,
    verified: bool,
    note: String,
    /// The chain contradicts the record.
    mismatch: bool,
    /// The chain could not be asked.
    error: bool,
}

async fn check(
    ctx: &Context<'_>,
    args: &HistoryArgs,
    since: Option<Timestamp>,
    check_args: &CheckArgs,
) -> Result<ExitStatus> {
    let journal = Journal::new(&ctx.paths.home);
    let contents = journal.read()?;
    warn_bad_lines(ctx, &journal, &contents.bad_lines);
    let todo: Vec<Payment> = selected(&contents.payments, args, since)
        .into_iter()
        .filter(|p| {
            matches!(
                p.status,
                Status::Pending | Status::Unknown | Status::Settled | Status::Disputed
            ) && !p.verified
        })
        .cloned()
        .collect();
    if !(check_args.timeout.is_finite() && check_args.timeout > 0.0) {
        return Err(UsageError("--timeout must be a positive number of seconds".into()).into());
    }
    let client = crate::http::client(&crate::http::ClientOptions {
        timeout: Some(std::time::Duration::from_secs_f64(check_args.timeout)),
        ..Default::default()
    })?;
    let mut findings = Vec::new();
    for payment in todo {
        findings.push(check_one(ctx, &client, payment).await);
    }
    for f in &findings {
        if let Some(status) = f.status
            && (status != f.payment.status || f.verified)
        {
            journal.record_outcome(Outcome {
                time: Timestamp::now(),
                nonce: f.payment.signed.nonce.clone(),
                status,
                transaction: f.transaction.clone(),
                reason: Some(f.note.clone()),
                verified: f.verified,
            })?;
        }
    }
    let mismatches = findings.iter().filter(|f| f.mismatch).count();
    let errors = findings.iter().filter(|f| f.error).count();
    let p = ctx.printer;
    if args.json {
        let data = json!({
            "checked": findings.iter().map(|f| json!({
                "nonce": f.payment.signed.nonce,
                "url": f.payment.signed.url,
                "network": f.payment.signed.network,
                "before": f.payment.status,
                "after": f.status.unwrap_or(f.payment.status),
                "transaction": f.transaction.clone().or_else(|| f.payment.transaction.clone()),
                "verified": f.verified,
                "mismatch": f.mismatch,
                "error": f.error,
                "note": f.note,
            })).collect::<Vec<_>>(),
            "mismatches": mismatches,
            "errors": errors,
        });
        if mismatches + errors > 0 {
            let (status, message) = summary_error(mismatches, errors);
            p.json_with_errors(
                &data,
                &[crate::output::JsonError {
                    code: status.code(),
                    message,
                    causes: vec![],
                    hints: vec![],
                }],
            )?;
            return Ok(status);
        }
        p.json(&data)?;
        return Ok(ExitStatus::Success);
    }
    if findings.is_empty() {
        p.info("nothing to check: no pending, unknown or unverified settled payments");
    }
    for f in &findings {
        let after = f.status.unwrap_or(f.payment.status);
        let line = format!(
            "{}  {} -> {}  {}  {}: {}",
            f.payment.signed.nonce,
            f.payment.status,
            after,
            price(&f.payment),
            f.payment.signed.network_name,
            f.note
        );
        if f.mismatch {
            p.warn(format!("MISMATCH {line}"));
        } else if f.error {
            p.warn(line);
        } else {
            p.result(&line)?;
        }
    }
    if mismatches + errors > 0 {
        let (status, message) = summary_error(mismatches, errors);
        return Err(Failed { status, message }.into());
    }
    Ok(ExitStatus::Success)
}

fn summary_error(mismatches: usize, errors: usize) -> (ExitStatus, String) {
    if mismatches > 0 {
        (
            ExitStatus::Failure,
            format!("{mismatches} payment(s) disagree with the chain; see above"),
        )
    } else {
        (
            ExitStatus::Failure,
            format!("{errors} payment(s) could not be checked"),
        )
    }
}

async fn check_one(ctx: &Context<'_>, client: &reqwest::Client, payment: Payment) -> Finding {
    let mut f = Finding {
        payment,
        status: None,
        transaction: None,
        verified: false,
        note: String::new(),
        mismatch: false,
        error: false,
    };
    let s = &f.payment.signed;
    let Some(url) = ctx
        .networks
        .find(&s.network)
        .and_then(|n| n.rpc_url.clone())
    else {
        f.error = true;
        f.note = format!(
            "no RPC URL for {}: set [rpc] {} = \"URL\" in config.toml",
            s.network, s.network_name
        );
        return f;
    };
    let rpc = Rpc::new(client, &url);
    let result = match f.payment.status {
        Status::Settled | Status::Disputed if f.payment.transaction.is_some() => {
            verify_transfer(&rpc, &mut f).await
        }
        _ => authorization_used(&rpc, &mut f).await,
    };
    if let Err(e) = result {
        f.error = true;
        f.note = format!("cannot ask {url}: {e}");
    }
    f
}

/// For an open payment: `authorizationState(payer, nonce)`.
async fn authorization_used(rpc: &Rpc<'_>, f: &mut Finding) -> Result<()> {
    let s = &f.payment.signed;
    let nonce: B256 = s
        .nonce
        .parse()
        .map_err(|_| anyhow::anyhow!("the recorded nonce {} is not 32 bytes", s.nonce))?;
    let used = rpc.authorization_state(s.asset, s.payer, nonce).await?;
    let now = Timestamp::now().as_second() as u64;
    if used {
        f.status = Some(Status::Settled);
        f.transaction = find_authorization_tx(rpc, s.asset, s.payer, nonce).await;
        f.note = match &f.transaction {
            Some(tx) => format!("used on-chain in {tx}"),
            None => "used on-chain (authorizationState)".into(),
        };
        if f.payment.status == Status::Settled {
            f.verified = f.transaction.is_some();
        }
    } else if now >= s.valid_before {
        if f.payment.status == Status::Settled {
            f.mismatch = true;
            f.status = Some(Status::Disputed);
            f.note = "recorded as settled, but the chain never used the authorization".into();
        } else {
            f.status = Some(Status::Expired);
            f.note = "never used, and expired: it can no longer move money".into();
        }
    } else {
        f.note = format!(
            "not used yet; it can still settle until {}",
            Timestamp::from_second(s.valid_before as i64)
                .map(|t| t.to_string())
                .unwrap_or_default()
        );
    }
    Ok(())
}

/// The transaction that used the authorization, from its `AuthorizationUsed` event, when the
/// node can search its logs.
async fn find_authorization_tx(
    rpc: &Rpc<'_>,
    token: Address,
    authorizer: Address,
    nonce: B256,
) -> Option<String> {
    let logs = rpc
        .call(
            "eth_getLogs",
            json!([{
                "address": token,
                "fromBlock": "earliest",
                "toBlock": "latest",
                "topics": [AUTHORIZATION_USED_TOPIC, topic_address(authorizer), nonce],
            }]),
        )
        .await
        .ok()?;
    logs.as_array()?
        .first()?
        .get("transactionHash")?
        .as_str()
        .map(str::to_string)
}

fn topic_address(a: Address) -> String {
    format!("0x{:0>64}", alloy_primitives::hex::encode(a))
}

/// For a settled payment: the receipt must succeed and hold a Transfer of exactly the amount
/// from the payer to the payee on the asset.
async fn verify_transfer(rpc: &Rpc<'_>, f: &mut Finding) -> Result<()> {
    let s = &f.payment.signed;
    let tx = f.payment.transaction.clone().unwrap_or_default();
    let Some(receipt) = rpc.transaction_receipt(&tx).await? else {
        f.mismatch = true;
        f.status = Some(Status::Disputed);
        f.note = format!("the chain does not know transaction {tx}");
        return Ok(());
    };
    if receipt.get("status").and_then(Value::as_str) != Some("0x1") {
        f.mismatch = true;
        f.status = Some(Status::Disputed);
        f.note = format!("transaction {tx} reverted");
        return Ok(());
    }
    let from = topic_address(s.payer);
    let to = topic_address(s.pay_to);
    let transfers: Vec<(String, String, String, U256)> = receipt
        .get("logs")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|l| {
            l.pointer("/topics/0")
                .and_then(Value::as_str)
                .is_some_and(|t| t.eq_ignore_ascii_case(TRANSFER_TOPIC))
        })
        .filter_map(|l| {
            Some((
                l.get("address")?.as_str()?.to_lowercase(),
                l.pointer("/topics/1")?.as_str()?.to_lowercase(),
                l.pointer("/topics/2")?.as_str()?.to_lowercase(),
                U256::from_str_radix(l.get("data")?.as_str()?.trim_start_matches("0x"), 16).ok()?,
            ))
        })
        .collect();
    let asset = format!("{:#x}", s.asset);
    let exact = transfers
        .iter()
        .any(|(a, f_, t, v)| *a == asset && *f_ == from && *t == to && *v == s.amount);
    if exact {
        f.status = Some(Status::Settled);
        f.transaction = Some(tx.clone());
        f.verified = true;
        f.note = format!("transaction {tx} moved exactly {}", price(&f.payment));
    } else {
        f.mismatch = true;
        f.status = Some(Status::Disputed);
        let seen: Vec<String> = transfers
            .iter()
            .filter(|(a, ..)| *a == asset)
            .map(|(_, fr, t, v)| {
                format!(
                    "{} from 0x{} to 0x{}",
                    amount::display(*v, s.decimals, &s.symbol),
                    &fr[fr.len().saturating_sub(40)..],
                    &t[t.len().saturating_sub(40)..]
                )
            })
            .collect();
        f.note = format!(
            "transaction {tx} has no Transfer of {} from {} to {} (it shows: {})",
            price(&f.payment),
            s.payer,
            s.pay_to,
            if seen.is_empty() {
                "no transfer of this asset".to_string()
            } else {
                seen.join(", ")
            }
        );
    }
    Ok(())
}
