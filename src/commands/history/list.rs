//! `x402 history` without a subcommand: the selected payments and their totals per UTC day,
//! network and asset, as two tables or one `--json` document. Reads the journal; never asks the
//! chain. May depend on the parent module and [`super::layout`], not on `check` or `cancel`.

use super::layout::{Style, table};
use super::{selected, shown_amount, warn_bad_lines};
use crate::amount;
use crate::cli::HistoryArgs;
use crate::exit::ExitStatus;
use crate::journal::{Journal, Payment, SchemeName, Status};
use crate::settings::Context;
use alloy_primitives::U256;
use anyhow::Result;
use colored::Colorize as _;
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

/// What one payment adds to the totals: what the settlement said was charged, when it said so;
/// else what was signed, which for a scheme that charges up to a maximum is that maximum
/// (`true`: counted at its maximum).
fn counted(p: &Payment) -> (U256, bool) {
    if p.signed.scheme != SchemeName::Upto {
        return (p.signed.amount, false);
    }
    match p.charged {
        Some(charged) => (charged, false),
        None => (p.signed.amount, true),
    }
}

/// One column of the totals: the sum, the payments in it, and the part of both counted at an
/// `upto` maximum because no charge is known yet.
#[derive(Default)]
struct Part {
    amount: U256,
    payments: u32,
    at_maximum: U256,
    payments_at_maximum: u32,
}

impl Part {
    fn add(&mut self, (amount, at_maximum): (U256, bool)) {
        self.amount = self.amount.saturating_add(amount);
        self.payments += 1;
        if at_maximum {
            self.at_maximum = self.at_maximum.saturating_add(amount);
            self.payments_at_maximum += 1;
        }
    }

    /// `amount`, `amount_decimal`, `payments`, and `at_maximum`: the same three for the part
    /// that is `upto` maxima (all zero when every charge is known), so `amount` minus
    /// `at_maximum.amount` is what is known to be charged.
    fn json(&self, decimals: u8) -> serde_json::Map<String, Value> {
        let Value::Object(part) = json!({
            "amount": self.amount.to_string(),
            "amount_decimal": amount::format_units(self.amount, decimals),
            "payments": self.payments,
            "at_maximum": {
                "amount": self.at_maximum.to_string(),
                "amount_decimal": amount::format_units(self.at_maximum, decimals),
                "payments": self.payments_at_maximum,
            },
        }) else {
            unreachable!("a JSON object literal")
        };
        part
    }
}

/// Totals of what moved or may still move, per UTC day, network and asset: `amount` is all of
/// it, `settled` what the chain (or the server) says moved, and `open` what was signed and sent
/// and may still move (pending, unknown, rejected, disputed). Each payment counts what it
/// charged when that is known, else what was signed: an `upto` payment whose charge is not
/// known counts its maximum, and `at_maximum` says how much of a sum that is. (The daily
/// budget counts what was signed.)
fn totals(payments: &[&Payment]) -> Vec<Value> {
    #[derive(Default)]
    struct Sum {
        all: Part,
        settled: Part,
        open: Part,
    }
    // Keyed by the asset id in lowercase for EVM: the same token in any case, ordered as its
    // address bytes.
    let mut sums: BTreeMap<(String, String, String), (Sum, &Payment)> = BTreeMap::new();
    for p in payments.iter().filter(|p| p.status.may_move_money()) {
        let day = p.signed.time.strftime("%Y-%m-%d").to_string();
        let (sum, _) = sums
            .entry((day, p.signed.network.clone(), asset_key(&p.signed)))
            .or_insert((Sum::default(), p));
        sum.all.add(counted(p));
        if p.status == Status::Settled {
            sum.settled.add(counted(p));
        } else {
            sum.open.add(counted(p));
        }
    }
    sums.into_iter()
        .map(|((day, network, _), (sum, p))| {
            let decimals = p.signed.decimals;
            let mut total = serde_json::Map::new();
            total.insert("day".into(), day.into());
            total.insert("network".into(), network.into());
            total.insert("network_name".into(), p.signed.network_name.clone().into());
            total.insert("asset".into(), p.signed.asset.clone().into());
            total.insert("symbol".into(), p.signed.symbol.clone().into());
            total.extend(sum.all.json(decimals));
            total.insert("settled".into(), sum.settled.json(decimals).into());
            total.insert("open".into(), sum.open.json(decimals).into());
            Value::Object(total)
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
pub fn list_data(ctx: &Context<'_>, args: &HistoryArgs) -> Result<Value> {
    let journal = Journal::new(&ctx.paths.home);
    let contents = journal.read()?;
    warn_bad_lines(ctx, &journal, &contents.bad_lines);
    let shown = selected(&contents.payments, args);
    Ok(json!({
        "journal": journal.path(),
        "payments": shown.iter().map(|p| payment_json(p)).collect::<Vec<_>>(),
        "totals": totals(&shown),
        "unreadable_lines": contents.bad_lines.iter().map(|b| b.line).collect::<Vec<_>>(),
    }))
}

pub(super) fn list(ctx: &Context<'_>, args: &HistoryArgs) -> Result<ExitStatus> {
    let p = ctx.printer;
    if args.json {
        p.json(&list_data(ctx, args)?)?;
        return Ok(ExitStatus::Success);
    }
    let journal = Journal::new(&ctx.paths.home);
    let contents = journal.read()?;
    warn_bad_lines(ctx, &journal, &contents.bad_lines);
    let shown = selected(&contents.payments, args);
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
    print_totals(p, &totals, &style)?;
    Ok(ExitStatus::Success)
}

/// The totals table after the payments on stdout, and on stderr what its words mean.
fn print_totals(p: &crate::output::Printer, totals: &[Value], style: &Style) -> Result<()> {
    let (lines, maxima) = totals_table(totals, style);
    for line in lines {
        p.result_bytes(format!("{line}\n").as_bytes())?;
    }
    p.info(
        "open: sent, not yet seen used, expired or cancelled on-chain; both count against \
         the daily limit",
    );
    if maxima {
        p.info(
            "up to: an upto payment whose charge is not known yet counts at its maximum \
             (the settlement or `x402 history check` tells what it charged)",
        );
    }
    Ok(())
}

/// The totals as a second table (the counts of settled and open payments are in `--json`). A
/// sum that counts an `upto` maximum reads "up to"; the second value says whether any does.
fn totals_table(totals: &[Value], style: &Style) -> (Vec<String>, bool) {
    // They follow the payments on stdout.
    let mut maxima = false;
    let mut sum = |t: &Value, sym: &str| {
        let total = format!("{} {sym}", t["amount_decimal"].as_str().unwrap_or(""));
        if t["at_maximum"]["payments"].as_u64().unwrap_or(0) == 0 {
            return total;
        }
        maxima = true;
        format!("up to {total}")
    };
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
    (
        table(&rows, &[false, false, true, true, true, true], style),
        maxima,
    )
}
