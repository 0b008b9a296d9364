//! `x402 get URL`: fetch like curl, and pay a 402 within the user's limits.
//!
//! Order of events: the unpaid request; the 402 read and every option judged; the cap checked;
//! the quote shown and a yes obtained (or `--yes`, or `--dry-run` stops here); only then the
//! keystore unlocked; the cap checked once more on the exact option about to be signed; one
//! signature; one paid retry of the same request. A call never signs twice.

use crate::amount::{self, UserAmount};
use crate::cli::GetArgs;
use crate::error::Failed;
use crate::exit::ExitStatus;
use crate::fsutil::replace_file;
use crate::keystore;
use crate::payment::challenge::{Challenge, parse_payment_required};
use crate::payment::exact_evm::{domain, new_authorization, payload_json, sign};
use crate::payment::header::{
    PAYMENT_SIGNATURE_HEADER, X_PAYMENT_HEADER, payment_signature_v2, x_payment_v1,
};
use crate::payment::policy::{self, DEFAULT_MAX_AMOUNT, Quote};
use crate::payment::receipt::find_settlement;
use crate::request::{Prepared, Received};
use crate::settings::Context;
use anyhow::{Context as _, Result};
use serde_json::{Value, json};
use std::io::IsTerminal;

/// What `--receipt FILE` records.
#[derive(Default)]
struct Outcome {
    status: &'static str,
    version: Option<u8>,
    quote: Option<Quote>,
    payer: Option<String>,
    nonce: Option<String>,
    transaction: Option<String>,
    error: Option<String>,
}

impl Outcome {
    fn to_json(&self) -> Value {
        let q = self.quote.as_ref();
        json!({
            "status": self.status,
            "version": self.version,
            "network": q.map(|q| q.network.caip2()),
            "asset": q.map(|q| q.asset.address.to_checksum(None)),
            "symbol": q.map(|q| q.asset.symbol.clone()),
            "amount": q.map(|q| q.amount.to_string()),
            "amount_decimal": q.map(|q| amount::format_units(q.amount, q.asset.decimals)),
            "payTo": q.map(|q| q.pay_to.to_checksum(None)),
            "payer": self.payer,
            "nonce": self.nonce,
            "transaction": self.transaction,
            "error": self.error,
        })
    }
}

pub async fn run(ctx: &Context<'_>, args: GetArgs) -> Result<ExitStatus> {
    let mut outcome = Outcome::default();
    let result = pay(ctx, &args, &mut outcome).await;
    if let Some(path) = &args.receipt {
        if outcome.status.is_empty() {
            outcome.status = "error";
        }
        if let (Err(e), None) = (&result, &outcome.error) {
            outcome.error = Some(format!("{e:#}"));
        }
        let text = serde_json::to_string_pretty(&outcome.to_json())? + "\n";
        replace_file(path, text.as_bytes(), 0o644)
            .with_context(|| format!("cannot write the receipt {}", path.display()))?;
    }
    result
}

async fn pay(ctx: &Context<'_>, args: &GetArgs, outcome: &mut Outcome) -> Result<ExitStatus> {
    let p = ctx.printer;
    let prepared = crate::request::prepare(&args.request, &args.json_body)?;
    for line in prepared.trace(None) {
        p.detail(line);
    }
    let first = prepared
        .send(None)
        .await
        .with_context(|| format!("request to {} failed", prepared.url))?;
    p.detail(format!("< HTTP {} {}", first.status, first.reason));
    if first.status != 402 {
        outcome.status = "free";
        return deliver(ctx, args, &first);
    }
    let challenge =
        parse_payment_required(&first.headers, &first.body).context("the 402 cannot be read")?;
    outcome.version = Some(challenge.version);
    for w in &challenge.warnings {
        p.warn(w);
    }
    let preferred = super::inspect::preferred_networks(ctx, &args.networks)?;
    let (judged, chosen) = policy::choose(
        &challenge,
        &ctx.networks,
        &preferred,
        !args.networks.is_empty(),
    );
    let Some(index) = chosen else {
        outcome.status = "no_option";
        let reasons: Vec<String> = judged
            .iter()
            .enumerate()
            .filter_map(|(i, j)| {
                j.as_ref()
                    .err()
                    .map(|why| format!("option {}: {why}", i + 1))
            })
            .collect();
        return Err(Failed {
            status: ExitStatus::NoAcceptableOption,
            message: format!("no payable option in the 402: {}", reasons.join("; ")),
        }
        .into());
    };
    let quote = judged[index]
        .clone()
        .map_err(|why| anyhow::anyhow!("the chosen option is not payable: {why}"))?;
    outcome.quote = Some(quote.clone());
    let cap = cap(ctx, args)?;
    if let Err(e) = policy::check_cap(&quote, &cap) {
        outcome.status = "over_cap";
        return Err(Failed {
            status: ExitStatus::OverLimit,
            message: format!("{e}; nothing was signed (raise it with --max-amount)"),
        }
        .into());
    }
    show_quote(ctx, &prepared, &challenge, &quote);
    if args.dry_run {
        outcome.status = "dry_run";
        p.info("dry run: nothing signed, nothing paid");
        return Ok(ExitStatus::Success);
    }
    if !args.yes {
        let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
        if !interactive {
            outcome.status = "declined";
            return Err(Failed {
                status: ExitStatus::Declined,
                message: format!(
                    "not paying {} without confirmation: pass --yes to pay from a script",
                    quote.price()
                ),
            }
            .into());
        }
        let yes = dialoguer::Confirm::new()
            .with_prompt(format!("Pay {}?", quote.price()))
            .default(false)
            .interact()
            .unwrap_or(false);
        if !yes {
            outcome.status = "declined";
            return Err(Failed {
                status: ExitStatus::Declined,
                message: "payment declined".into(),
            }
            .into());
        }
    }

    // Only now is the keystore touched.
    let ks = ctx.account(None, &args.account)?;
    let password = ctx.password(&args.password, &format!("Password for '{}': ", ks.name))?;
    let signer = keystore::unlock(&ks.path, &password)?;
    drop(password);
    outcome.payer = Some(signer.address().to_checksum(None));

    // The cap once more, on exactly the option about to be signed.
    let req = &challenge.accepts[quote.index];
    let value = req.amount_u256();
    if value != Some(quote.amount) || policy::check_cap(&quote, &cap).is_err() {
        outcome.status = "over_cap";
        return Err(Failed {
            status: ExitStatus::OverLimit,
            message: "the option changed before signing; nothing was signed".into(),
        }
        .into());
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let auth = new_authorization(
        signer.address(),
        quote.pay_to,
        quote.amount,
        now,
        quote.max_timeout_seconds,
    );
    let dom = domain(
        &quote.domain_name,
        &quote.domain_version,
        quote.network.chain_id,
        quote.asset.address,
    );
    let signature = sign(&signer, &auth, &dom)?;
    outcome.nonce = Some(alloy_primitives::hex::encode_prefixed(auth.nonce));
    let payload = payload_json(&auth, &signature);
    let (header_name, header_value) = if challenge.version == 1 {
        let network = req.network.clone().unwrap_or_default();
        (X_PAYMENT_HEADER, x_payment_v1("exact", &network, payload))
    } else {
        let resource = challenge.raw.get("resource");
        let extensions = challenge.raw.get("extensions");
        (
            PAYMENT_SIGNATURE_HEADER,
            payment_signature_v2(&req.raw, resource, extensions, payload),
        )
    };
    for line in prepared.trace(Some((header_name, ""))) {
        p.detail(line);
    }
    let paid = match prepared.send(Some((header_name, &header_value))).await {
        Ok(r) => r,
        Err(e) => {
            outcome.status = "unknown";
            let nonce = outcome.nonce.clone().unwrap_or_default();
            return Err(anyhow::Error::new(e).context(Failed {
                status: ExitStatus::OutcomeUnknown,
                message: format!(
                    "the payment was sent but no answer came back; it may have settled (nonce {nonce}); do not retry blindly"
                ),
            }));
        }
    };
    p.detail(format!("< HTTP {} {}", paid.status, paid.reason));
    let settlement = match find_settlement(&paid.headers) {
        Some(Ok(s)) => Some(s),
        Some(Err(e)) => {
            p.warn(format!("the settlement receipt cannot be read: {e}"));
            None
        }
        None => None,
    };
    if paid.status == 402 {
        outcome.status = "rejected";
        let reason = settlement
            .as_ref()
            .and_then(|s| s.error_reason.clone().or_else(|| s.error_message.clone()))
            .or_else(|| {
                parse_payment_required(&paid.headers, &paid.body)
                    .ok()
                    .and_then(|c| c.error)
            })
            .unwrap_or_else(|| "no reason given".into());
        outcome.error = Some(reason.clone());
        return Err(Failed {
            status: ExitStatus::Rejected,
            message: format!("the server rejected the payment: {reason}"),
        }
        .into());
    }
    match &settlement {
        Some(s) if s.success => {
            outcome.status = "paid";
            outcome.transaction = s.transaction.clone();
            let tx = s.transaction.clone().unwrap_or_default();
            let mut line = format!(
                "paid {} on {} to {}  tx {tx}",
                quote.price(),
                quote.network.name,
                quote.pay_to.to_checksum(None)
            );
            if let Some(link) = quote.network.explorer_link(&tx) {
                line.push_str(&format!("  {link}"));
            }
            p.info(line);
        }
        Some(s) => {
            outcome.status = "rejected";
            outcome.error = s.error_reason.clone();
            p.warn(format!(
                "the settlement failed: {}",
                s.error_reason.clone().unwrap_or_default()
            ));
        }
        None if paid.status >= 500 => {
            outcome.status = "unknown";
            deliver(ctx, args, &paid)?;
            return Err(Failed {
                status: ExitStatus::OutcomeUnknown,
                message: format!(
                    "HTTP {} after payment with no settlement receipt; it may have settled (nonce {})",
                    paid.status,
                    outcome.nonce.clone().unwrap_or_default()
                ),
            }
            .into());
        }
        None => {
            outcome.status = if paid.status < 300 {
                "paid"
            } else {
                "not_charged"
            };
            p.warn("the response carries no settlement receipt");
        }
    }
    deliver(ctx, args, &paid)
}

fn cap(ctx: &Context<'_>, args: &GetArgs) -> Result<UserAmount> {
    if let Some(m) = &args.max_amount {
        return Ok(m.clone());
    }
    if let Some(m) = &ctx.config.limits.per_payment {
        return Ok(m.clone());
    }
    Ok(DEFAULT_MAX_AMOUNT.parse()?)
}

fn show_quote(ctx: &Context<'_>, prepared: &Prepared, c: &Challenge, q: &Quote) {
    let p = ctx.printer;
    p.info(format!(
        "{} asks {} on {} (x402 v{})",
        prepared.url,
        q.price(),
        q.network,
        c.version
    ));
    p.info(format!("  pay to    {}", q.pay_to.to_checksum(None)));
    let description = c.resource.as_ref().and_then(|r| r.description.as_deref());
    if let Some(d) = description.filter(|d| !d.is_empty()) {
        p.info(format!("  for       {d}"));
    }
}

/// The response as curl shows it: headers with -i, the body to stdout or -o, and -f's exit.
fn deliver(ctx: &Context<'_>, args: &GetArgs, r: &Received) -> Result<ExitStatus> {
    let failing = r.status >= 400 && (args.fail || args.fail_with_body);
    let mut out = Vec::new();
    if args.include || args.request.head {
        out.extend(format!("HTTP/1.1 {} {}\r\n", r.status, r.reason).as_bytes());
        for (n, v) in &r.headers {
            out.extend(format!("{n}: {v}\r\n").as_bytes());
        }
        out.extend(b"\r\n");
    }
    if !(failing && args.fail) {
        out.extend(&r.body);
    }
    match &args.output {
        Some(path) => std::fs::write(path, &out).map_err(|e| Failed {
            status: ExitStatus::WriteError,
            message: format!("cannot write {}: {e}", path.display()),
        })?,
        None => ctx.printer.result_bytes(&out).map_err(|e| {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                anyhow::Error::new(e)
            } else {
                Failed {
                    status: ExitStatus::WriteError,
                    message: format!("cannot write the body: {e}"),
                }
                .into()
            }
        })?,
    }
    if failing {
        return Err(Failed {
            status: ExitStatus::HttpError,
            message: format!("the server answered HTTP {} {}", r.status, r.reason),
        }
        .into());
    }
    Ok(ExitStatus::Success)
}
