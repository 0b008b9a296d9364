//! `x402 history` without a subcommand: the selected payments and their totals per UTC day,
//! network and asset, as two tables or one `--json` document. Reads the journal; never asks the
//! chain. May depend on the parent module and [`super::layout`], not on `check` or `cancel`.

use super::layout::{Style, table};
use super::{selected, shown_amount, warn_bad_lines};
use crate::amount;
use crate::cli::HistoryArgs;
use crate::exit::ExitStatus;
use crate::journal::{Journal, Payment, Status};
use crate::settings::Context;
use alloy_primitives::U256;
use anyhow::Result;
use colored::Colorize as _;
use jiff::Timestamp;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// `validBefore` -> `valid_before`: the journal's stored (camelCase) keys as the printed
/// documents spell them (snake_case, README "JSON output").
fn snake_case(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 4);
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// One payment of the `history --json` document: the journal's fields under snake_case keys,
/// and `amount_decimal`.
fn payment_json(p: &Payment) -> Value {
    let v = serde_json::to_value(p).unwrap_or(Value::Null);
    let Value::Object(fields) = v else {
        return v;
    };
    let mut out: serde_json::Map<String, Value> = fields
        .into_iter()
        .map(|(k, v)| (snake_case(&k), v))
        .collect();
    out.insert(
        "amount_decimal".into(),
        amount::format_units(p.signed.amount, p.signed.decimals).into(),
    );
    if let Some(charged) = p.charged {
        out.insert(
            "charged_decimal".into(),
            amount::format_units(charged, p.signed.decimals).into(),
        );
    }
    Value::Object(out)
}

/// Totals of what moved or may still move, per UTC day, network and asset: `amount` is all of
/// it (what the daily budget counts), `settled` what the chain (or the server) says moved, and
/// `open` what was signed and sent and may still move (pending, unknown, rejected, disputed).
fn totals(payments: &[&Payment]) -> Vec<Value> {
    #[derive(Default)]
    struct Sum {
        all: (U256, u32),
        settled: (U256, u32),
        open: (U256, u32),
    }
    // Keyed by the asset id in lowercase for EVM: the same token in any case, ordered as its
    // address bytes.
    let mut sums: BTreeMap<(String, String, String), (Sum, &Payment)> = BTreeMap::new();
    for p in payments.iter().filter(|p| p.status.may_move_money()) {
        let day = p.signed.time.strftime("%Y-%m-%d").to_string();
        let (sum, _) = sums
            .entry((day, p.signed.network.clone(), asset_key(&p.signed)))
            .or_insert((Sum::default(), p));
        let add = |part: &mut (U256, u32)| {
            part.0 = part.0.saturating_add(p.signed.amount);
            part.1 += 1;
        };
        add(&mut sum.all);
        if p.status == Status::Settled {
            add(&mut sum.settled);
        } else {
            add(&mut sum.open);
        }
    }
    let part = |(sum, count): (U256, u32), p: &Payment| {
        json!({
            "amount": sum.to_string(),
            "amount_decimal": amount::format_units(sum, p.signed.decimals),
            "payments": count,
        })
    };
    sums.into_iter()
        .map(|((day, network, _), (sum, p))| {
            json!({
                "day": day,
                "network": network,
                "network_name": p.signed.network_name,
                "asset": p.signed.asset,
                "symbol": p.signed.symbol,
                "amount": sum.all.0.to_string(),
                "amount_decimal": amount::format_units(sum.all.0, p.signed.decimals),
                "payments": sum.all.1,
                "settled": part(sum.settled, p),
                "open": part(sum.open, p),
            })
        })
        .collect()
}

/// How totals group a record's asset: EVM addresses without regard to case, others exactly.
fn asset_key(s: &crate::journal::Signed) -> String {
    if s.network.starts_with("solana:") {
        s.asset.clone()
    } else {
        s.asset.to_ascii_lowercase()
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
        "unreadable_lines": contents.bad_lines.iter().map(|b| b.line).collect::<Vec<_>>(),
    }))
}

pub(super) fn list(
    ctx: &Context<'_>,
    args: &HistoryArgs,
    since: Option<Timestamp>,
) -> Result<ExitStatus> {
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
    let style = Style::of(args);
    // `disputed` in red when stdout is a terminal that takes colour; the rest of the line is
    // cleaned of control characters (server text) as every result line is.
    let red = style.terminal && colored::control::SHOULD_COLORIZE.should_colorize();
    let mut rows = vec![
        [
            "TIME", "STATUS", "AMOUNT", "NETWORK", "PAY TO", "TX", "REQUEST",
        ]
        .map(String::from),
    ];
    for pay in &shown {
        let mut request = format!(
            "{} {}",
            pay.signed.method,
            crate::request::safe_url_text(&pay.signed.url)
        );
        if let Some(r) = &pay.reason {
            request.push_str(&format!("  ({r})"));
        }
        rows.push([
            pay.signed.time.strftime("%Y-%m-%d %H:%M:%S").to_string(),
            pay.status.as_str().to_string(),
            shown_amount(pay),
            pay.signed.network_name.clone(),
            style.hex(&pay.signed.pay_to),
            pay.transaction
                .as_deref()
                .map_or_else(|| "-".to_string(), |tx| style.hex(tx)),
            request,
        ]);
    }
    let statuses: Vec<Status> = shown.iter().map(|p| p.status).collect();
    let lines = table(
        &rows,
        &[false, false, true, false, false, false, false],
        &style,
    );
    for (i, line) in lines.iter().enumerate() {
        let line = match i.checked_sub(1).map(|j| statuses[j]) {
            Some(Status::Disputed) if red => {
                line.replacen("disputed", &"disputed".red().bold().to_string(), 1)
            }
            _ => line.clone(),
        };
        p.result_bytes(format!("{line}\n").as_bytes())?;
    }

    p.result("")?;
    for line in totals_table(&totals, &style) {
        p.result_bytes(format!("{line}\n").as_bytes())?;
    }
    p.info(
        "open: sent, not yet seen used, expired or cancelled on-chain; both count against \
         the daily limit",
    );
    Ok(ExitStatus::Success)
}

/// The totals as a second table (the counts of settled and open payments are in `--json`).
fn totals_table(totals: &[Value], style: &Style) -> Vec<String> {
    // They follow the payments on stdout.
    let sum =
        |t: &Value, sym: &str| format!("{} {sym}", t["amount_decimal"].as_str().unwrap_or(""));
    let mut rows = vec![
        [
            "DAY (UTC)",
            "NETWORK",
            "PAYMENTS",
            "TOTAL",
            "SETTLED",
            "OPEN",
        ]
        .map(String::from),
    ];
    for t in totals {
        let symbol = t["symbol"].as_str().unwrap_or("");
        rows.push([
            t["day"].as_str().unwrap_or("").to_string(),
            t["network_name"].as_str().unwrap_or("").to_string(),
            t["payments"].to_string(),
            sum(t, symbol),
            sum(&t["settled"], symbol),
            sum(&t["open"], symbol),
        ]);
    }
    table(&rows, &[false, false, true, true, true, true], style)
}
