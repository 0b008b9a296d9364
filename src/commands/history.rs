//! `x402 history`: the payments in the journal with totals per day, network and asset; and
//! `x402 history check`: what the chain says about them.

use crate::amount;
use crate::cli::{CancelArgs, CheckArgs, HistoryArgs, HistoryCommand};
use crate::error::{Failed, UsageError};
use crate::exit::ExitStatus;
use crate::journal::{Journal, Outcome, Payment, Status};
use crate::rpc::{AUTHORIZATION_USED_TOPIC, Rpc, TRANSFER_TOPIC, topic_address};
use crate::settings::Context;
use alloy_primitives::{Address, B256, U256};
use anyhow::Result;
use colored::Colorize as _;
use jiff::Timestamp;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::io::IsTerminal as _;

pub async fn run(ctx: &Context<'_>, args: HistoryArgs) -> Result<ExitStatus> {
    let since = args.since.as_deref().map(parse_since).transpose()?;
    match &args.command {
        None => list(ctx, &args, since),
        Some(HistoryCommand::Check(check_args)) => check(ctx, &args, since, check_args).await,
        Some(HistoryCommand::Cancel(cancel_args)) => cancel(ctx, &args, cancel_args).await,
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
    let mut sums: BTreeMap<(String, String, Address), (Sum, &Payment)> = BTreeMap::new();
    for p in payments.iter().filter(|p| p.status.may_move_money()) {
        let day = p.signed.time.strftime("%Y-%m-%d").to_string();
        let (sum, _) = sums
            .entry((day, p.signed.network.clone(), p.signed.asset))
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
        .map(|((day, network, asset), (sum, p))| {
            json!({
                "day": day,
                "network": network,
                "network_name": p.signed.network_name,
                "asset": asset.to_checksum(None),
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
        "unreadable_lines": contents.bad_lines.iter().map(|b| b.line).collect::<Vec<_>>(),
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
            price(pay),
            pay.signed.network_name.clone(),
            style.hex(&pay.signed.pay_to.to_checksum(None)),
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

    // The totals follow on stdout, as a second table (the counts of settled and open
    // payments are in `--json`).
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
    for t in &totals {
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
    p.result("")?;
    for line in table(&rows, &[false, false, true, true, true, true], &style) {
        p.result_bytes(format!("{line}\n").as_bytes())?;
    }
    p.info(
        "open: sent, not yet seen used, expired or cancelled on-chain; both count against \
         the daily limit",
    );
    Ok(ExitStatus::Success)
}

/// How `history` lines are laid out: on a terminal (unless `--wide`) addresses and hashes are
/// shortened as explorers show them (`0x1234…abcd`) and each line kept within
/// [`TERMINAL_WIDTH`] columns; into a pipe or a file every value is whole, for grep and for
/// the next command that takes a nonce or a hash.
struct Style {
    terminal: bool,
    short: bool,
}

/// The most columns a `history` line takes on a terminal without `--wide`.
pub const TERMINAL_WIDTH: usize = 100;

impl Style {
    fn of(args: &HistoryArgs) -> Style {
        let terminal = std::io::stdout().is_terminal();
        Style {
            terminal,
            short: terminal && !args.wide,
        }
    }

    /// `0x1234…abcd` when shortening, the whole value otherwise.
    fn hex(&self, value: &str) -> String {
        if self.short {
            shorten(value)
        } else {
            value.to_string()
        }
    }
}

/// An address, hash or nonce as explorers show it: the first 6 characters (`0x` and four
/// digits), `…`, the last 4. Shorter values are left whole.
pub fn shorten(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() <= 13 {
        return value.to_string();
    }
    let head: String = chars[..6].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}…{tail}")
}

/// Lays out `rows` (the first is the header) in columns two spaces apart, `right` ones
/// right-aligned. Every cell is made safe for the terminal first (server text: control and
/// bidi characters escaped); when shortening, a left-aligned last column (a URL, a reason)
/// is cut with `…` so the line fits [`TERMINAL_WIDTH`].
fn table<const N: usize>(rows: &[[String; N]], right: &[bool; N], style: &Style) -> Vec<String> {
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| crate::output::untrusted(c)).collect())
        .collect();
    let width = |s: &str| s.chars().count();
    let mut widths = [0usize; N];
    for r in &rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(width(c));
        }
    }
    rows.iter()
        .map(|r| {
            let mut line = String::new();
            for (i, cell) in r.iter().enumerate() {
                if i + 1 == N && !right[i] {
                    let room = TERMINAL_WIDTH.saturating_sub(width(&line));
                    if style.short && width(cell) > room {
                        let cut: String = cell.chars().take(room.saturating_sub(1)).collect();
                        line.push_str(&cut);
                        line.push('…');
                    } else {
                        line.push_str(cell);
                    }
                } else {
                    let pad = " ".repeat(widths[i] - width(cell));
                    if right[i] {
                        line.push_str(&pad);
                        line.push_str(cell);
                    } else {
                        line.push_str(cell);
                        line.push_str(&pad);
                    }
                    line.push_str("  ");
                }
            }
            line.trim_end().to_string()
        })
        .collect()
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
            (p.status.is_open() || matches!(p.status, Status::Settled | Status::Disputed))
                && !p.verified
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
                "url": crate::request::safe_url_text(&f.payment.signed.url),
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
        p.info("nothing to check: no pending, unknown, rejected or unverified settled payments");
    }
    let style = Style::of(args);
    for f in &findings {
        let after = f.status.unwrap_or(f.payment.status);
        let mut line = format!(
            "nonce {}  {} -> {}  {} on {}",
            style.hex(&f.payment.signed.nonce),
            f.payment.status,
            after,
            price(&f.payment),
            f.payment.signed.network_name,
        );
        if let Some(tx) = f.transaction.as_ref().or(f.payment.transaction.as_ref()) {
            line.push_str(&format!(
                "  tx {}",
                style.hex(&crate::output::untrusted(tx))
            ));
        }
        line.push_str(&format!(": {}", f.note));
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
        f.note = format!("cannot ask {}: {e}", crate::request::safe_url_text(&url));
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
        // authorizationState is true for a cancelled nonce too: the events tell which.
        if f.payment.status != Status::Settled
            && let Some(tx) = find_authorization_tx(
                rpc,
                s.asset,
                s.payer,
                nonce,
                &crate::rpc::authorization_canceled_topic(),
            )
            .await
        {
            f.status = Some(Status::Cancelled);
            f.note = format!("cancelled on-chain in {tx}: it can never move money");
            f.transaction = Some(tx);
            return Ok(());
        }
        f.status = Some(Status::Settled);
        f.transaction =
            find_authorization_tx(rpc, s.asset, s.payer, nonce, AUTHORIZATION_USED_TOPIC).await;
        f.note = match &f.transaction {
            Some(tx) => format!("used on-chain in {tx}"),
            None => "used on-chain (authorizationState)".into(),
        };
        if f.payment.status == Status::Rejected {
            f.note = format!("the server refused it, but it was {}", f.note);
        }
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

/// The transaction that used (or cancelled) the authorization, from its `AuthorizationUsed`
/// (`AuthorizationCanceled`) event, when the node can search its logs.
async fn find_authorization_tx(
    rpc: &Rpc<'_>,
    token: Address,
    authorizer: Address,
    nonce: B256,
    event: &str,
) -> Option<String> {
    let logs = rpc
        .call(
            "eth_getLogs",
            json!([{
                "address": token,
                "fromBlock": "earliest",
                "toBlock": "latest",
                "topics": [event, topic_address(authorizer), nonce],
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

/// `x402 history cancel NONCE`: makes an open authorization worthless on-chain with EIP-3009
/// `cancelAuthorization`, signed by the payer and sent as a transaction whose gas the payer pays.
///
/// Order: the record found and judged cancellable; the network's RPC asked for its chain id
/// (it must be the record's) and `authorizationState` (an authorization already used or
/// cancelled is refused); the plan shown and confirmed (`--yes` for scripts); only then the
/// keystore unlocked, which must be the payer's; the call estimated (a token without
/// `cancelAuthorization` refuses here, before any gas is spent); one EIP-1559 transaction
/// signed and sent; its receipt awaited; `cancelled` recorded with the transaction.
async fn cancel(ctx: &Context<'_>, args: &HistoryArgs, c: &CancelArgs) -> Result<ExitStatus> {
    use crate::payment::cancel::sign_cancel;
    let p = ctx.printer;
    let fail = |status: ExitStatus, message: String| -> anyhow::Error {
        Failed { status, message }.into()
    };
    if !(c.timeout.is_finite() && c.timeout > 0.0 && c.timeout < 86_400.0) {
        return Err(UsageError("--timeout must be a positive number of seconds".into()).into());
    }
    let nonce: B256 = c.nonce.trim().parse().map_err(|_| {
        UsageError(format!(
            "'{}' is not a nonce: expected 0x and 64 hex digits, as `x402 history` shows",
            c.nonce
        ))
    })?;
    let journal = Journal::new(&ctx.paths.home);
    let contents = journal.read()?;
    warn_bad_lines(ctx, &journal, &contents.bad_lines);
    let Some(payment) = contents
        .payments
        .iter()
        .find(|p| p.signed.nonce.parse::<B256>().ok() == Some(nonce))
        .cloned()
    else {
        return Err(UsageError(format!(
            "no payment with nonce {nonce:#x} in {}",
            journal.path().display()
        ))
        .into());
    };
    let s = &payment.signed;
    let refuse = |why: String| {
        fail(
            ExitStatus::Failure,
            format!("not cancelling {}: {why}", s.nonce),
        )
    };
    match payment.status {
        Status::Settled => {
            return Err(refuse(format!(
                "it was already used (settled{})",
                payment
                    .transaction
                    .as_deref()
                    .map(|t| format!(" in {t}"))
                    .unwrap_or_default()
            )));
        }
        Status::Cancelled => return Err(refuse("it is already cancelled".into())),
        Status::Expired => {
            return Err(refuse(
                "it expired unused: it can no longer move money".into(),
            ));
        }
        Status::Unsent => {
            return Err(refuse(
                "it was never sent: its signature did not leave this machine".into(),
            ));
        }
        Status::Pending | Status::Unknown | Status::Rejected | Status::Disputed => {}
    }
    let now = Timestamp::now().as_second() as u64;
    if now >= s.valid_before {
        return Err(refuse(
            "it is past its validBefore: it can no longer be used (`x402 history check` records it)"
                .into(),
        ));
    }
    let Some(network) = ctx.networks.find(&s.network) else {
        return Err(refuse(format!("{} is not a known network", s.network)));
    };
    let Some(url) = network.rpc_url.clone() else {
        return Err(refuse(format!(
            "no RPC URL for {}: set [rpc] {} = \"URL\" in config.toml",
            s.network, s.network_name
        )));
    };
    let Some(asset) = network.asset(&s.asset) else {
        return Err(refuse(format!(
            "{} is not a token this tool knows on {} (its EIP-712 domain is needed)",
            s.asset, network.name
        )));
    };
    let client = crate::http::client(&crate::http::ClientOptions {
        timeout: Some(std::time::Duration::from_secs_f64(c.timeout)),
        ..Default::default()
    })?;
    let chain = crate::evm_tx::Chain::for_network(&client, &url, network);
    let rpc = &chain.rpc;
    chain.check_chain().await.map_err(|e| match e {
        crate::evm_tx::TxError::WrongChain { actual, .. } => refuse(format!(
            "{url} is chain {actual}, not {} ({})",
            network.chain_id, network.name
        )),
        other => other.into(),
    })?;
    let used = rpc
        .authorization_state(s.asset, s.payer, nonce)
        .await
        .map_err(|e| refuse(format!("the token has no EIP-3009 authorizationState: {e}")))?;
    if used {
        return Err(refuse(
            "the chain shows it already used or cancelled (authorizationState); `x402 history \
             check` records which"
                .into(),
        ));
    }

    p.info(format!(
        "cancel the authorization of {} to {} on {} (nonce {}, valid until {})",
        price(&payment),
        s.pay_to,
        network.name,
        s.nonce,
        Timestamp::from_second(s.valid_before as i64)
            .map(|t| t.strftime("%Y-%m-%d %H:%M:%S UTC").to_string())
            .unwrap_or_default()
    ));
    p.info(format!(
        "  by a transaction to {} (cancelAuthorization) from {}, which pays its gas in {}",
        s.asset, s.payer, network.native_symbol
    ));
    if !c.yes {
        let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
        if !interactive {
            return Err(fail(
                ExitStatus::Declined,
                "not sending a transaction without confirmation: pass --yes to cancel from a \
                 script"
                    .into(),
            ));
        }
        let yes = dialoguer::Confirm::new()
            .with_prompt("Send the cancellation?")
            .default(false)
            .interact()
            .unwrap_or(false);
        if !yes {
            return Err(fail(ExitStatus::Declined, "cancellation declined".into()));
        }
    }

    let ks = ctx.account(None, &c.account)?;
    let signer = ctx.unlock(&ks, &c.password)?;
    if signer.address() != s.payer {
        return Err(refuse(format!(
            "it was signed by {}, and this account is {}: choose the payer's with --account",
            s.payer,
            signer.address()
        )));
    }
    let domain = crate::payment::exact_evm::domain(
        &asset.eip712_name,
        &asset.eip712_version,
        network.chain_id,
        s.asset,
    );
    let signature = sign_cancel(&signer, nonce, &domain)?;
    let call = crate::evm_tx::Call {
        to: s.asset,
        data: Rpc::cancel_authorization_data(s.payer, nonce, &signature),
        value: U256::ZERO,
    };
    // Chain id, nonce, fees, the gas estimate (a token without `cancelAuthorization` refuses
    // here, before any gas is spent), the payer's gas balance, signing, sending, and a wait
    // for the receipt bounded by --timeout: the one way this tool sends a transaction.
    let spinner = std::cell::RefCell::new(None);
    let sent = crate::evm_tx::send(
        &chain,
        &signer,
        &call,
        std::time::Duration::from_secs_f64(c.timeout),
        |hash| {
            *spinner.borrow_mut() = p.spinner(format!("waiting for {hash} on {}", network.name));
        },
    )
    .await;
    drop(spinner.take());
    drop(signer);
    let receipt = match sent {
        Ok(receipt) => receipt,
        Err(crate::evm_tx::TxError::WouldRevert { message }) => {
            return Err(refuse(format!(
                "{} refused cancelAuthorization ({message}); a token without EIP-3009 \
                 cancelAuthorization cannot cancel it: it stays open until {}",
                s.asset,
                Timestamp::from_second(s.valid_before as i64)
                    .map(|t| t.to_string())
                    .unwrap_or_default()
            )));
        }
        Err(crate::evm_tx::TxError::NotMined { hash, .. }) => {
            // The status stays what it was; the reason keeps the transaction for whoever
            // looks, and `history check` recognises the cancellation once it is mined.
            let tx = format!("{hash:#x}");
            journal.record_outcome(Outcome {
                time: Timestamp::now(),
                nonce: s.nonce.clone(),
                status: payment.status,
                transaction: None,
                reason: Some(format!("cancellation {tx} sent, not yet mined")),
                verified: false,
            })?;
            return Err(fail(
                ExitStatus::OutcomeUnknown,
                format!(
                    "the cancellation {tx} was sent but not mined within {} s; `x402 history \
                     check` tells later whether it took",
                    c.timeout
                ),
            ));
        }
        Err(crate::evm_tx::TxError::Reverted { hash, .. }) => {
            return Err(fail(
                ExitStatus::Failure,
                format!("the cancellation {hash:#x} reverted: the authorization is still open"),
            ));
        }
        Err(e) => return Err(e.into()),
    };
    let tx = format!("{:#x}", receipt.hash);
    // A contract that accepts any call would mine "successfully" without cancelling: only the
    // token's own state says the nonce can no longer be used.
    if !rpc.authorization_state(s.asset, s.payer, nonce).await? {
        return Err(fail(
            ExitStatus::Failure,
            format!(
                "{tx} was mined, but {} still shows the authorization unused: it is still open",
                s.asset
            ),
        ));
    }
    journal.record_outcome(Outcome {
        time: Timestamp::now(),
        nonce: s.nonce.clone(),
        status: Status::Cancelled,
        transaction: Some(tx.clone()),
        reason: Some(format!("cancelled on-chain in {tx}")),
        verified: true,
    })?;
    if args.json {
        p.json(&json!({
            "nonce": s.nonce,
            "status": Status::Cancelled,
            "before": payment.status,
            "transaction": tx,
            "network": s.network,
            "asset": s.asset.to_checksum(None),
            "payer": s.payer.to_checksum(None),
            "amount": s.amount.to_string(),
            "amount_decimal": amount::format_units(s.amount, s.decimals),
        }))?;
    } else {
        let mut line = format!("cancelled {} on {}  tx {tx}", s.nonce, network.name);
        if let Some(link) = network.explorer_link(&tx) {
            line.push_str(&format!("  {link}"));
        }
        p.result(&line)?;
    }
    Ok(ExitStatus::Success)
}
