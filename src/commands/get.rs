//! `x402 get URL`: fetch like curl, and pay a 402 within the user's limits.
//!
//! Order of events for each 402: the terms read and every option judged (pinned terms too); the
//! per-payment cap, the daily budget and any earlier open payment for the same request checked;
//! the quote shown and a yes obtained (or `--yes`, or `--dry-run` stops here); only then the
//! keystore unlocked; the cap checked once more on the exact option about to be signed; one
//! signature; the daily budget checked again and the payment recorded as `pending` in the
//! journal, under its lock and synced to disk; then the paid request, resent only as the very
//! same bytes (`--retry`).
//!
//! With `-L`, redirects are followed without the payment header, which only ever goes to the
//! URL that answered 402. A new 402 after a payment is a new quote that must be confirmed at a
//! terminal: a call never pays twice silently, and never pays the same URL twice.

use crate::amount::{self, UserAmount};
use crate::cli::GetArgs;
use crate::error::{Failed, transport_status};
use crate::exit::ExitStatus;
use crate::fsutil::{Replacement, replace_file};
use crate::journal::{self, Journal, Outcome as JournalOutcome, Signed, Status};
use crate::output::Printer;
use crate::output::untrusted;
use crate::payment;
use crate::payment::challenge::{Challenge, parse_payment_required};
use crate::payment::engine::outcome::Money;
use crate::payment::engine::{ReceiptStatus, Refusal, server_says_insufficient_funds};
use crate::payment::flow::PaymentFlow;
use crate::payment::policy::{self, Quote};
use crate::payment::receipt::{Settlement, find_settlement};
use crate::payment::terms::{Pins, Terms};
use crate::request::{
    Hop, Prepared, ReceiveError, Received, SafeUrl, count_redirect, is_redirect, safe_url,
    safe_url_text,
};
use crate::rpc::Rpc;
use crate::settings::Context;
use crate::trace;
use anyhow::{Context as _, Result};
use jiff::Timestamp;
use serde_json::{Value, json};
use std::io::{IsTerminal, Write as _};
use std::path::Path;

/// What `--receipt FILE` records.
#[derive(Default)]
struct Outcome {
    status: Option<ReceiptStatus>,
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
            "status": self.status.unwrap_or(ReceiptStatus::Error).as_str(),
            "version": self.version,
            "network": q.map(|q| q.network.caip2()),
            "asset": q.map(|q| q.asset.id.clone()),
            "symbol": q.map(|q| q.asset.symbol.clone()),
            "amount": q.map(|q| q.amount.to_string()),
            "amount_decimal": q.map(|q| amount::format_units(q.amount, q.asset.decimals)),
            "pay_to": q.map(|q| q.pay_to.clone()),
            "payer": self.payer,
            "nonce": self.nonce,
            "transaction": self.transaction,
            "error": self.error,
        })
    }
}

pub async fn run(ctx: &Context<'_>, args: GetArgs) -> Result<ExitStatus> {
    // Before anything is sent: neither output may be the journal, config.toml or a keystore.
    for (flag, out) in [("-o", &args.output), ("--receipt", &args.receipt)] {
        if let Some(path) = out {
            ctx.refuse_overwrite(path, flag, args.account.keystore.as_deref())?;
        }
    }
    let mut outcome = Outcome::default();
    let result = fetch(ctx, &args, &mut outcome).await;
    if let Some(path) = &args.receipt {
        if let (Err(e), None) = (&result, &outcome.error) {
            outcome.error = Some(format!("{e:#}"));
        }
        let text = serde_json::to_string_pretty(&outcome.to_json())? + "\n";
        replace_file(path, text.as_bytes(), 0o644)
            .with_context(|| format!("cannot write the receipt {}", path.display()))?;
    }
    result
}

/// A signed payment about to be sent (and recorded as `pending`).
struct Payment {
    header_name: &'static str,
    header_value: String,
    nonce: String,
    payer: alloy_primitives::Address,
    valid_before: u64,
    quote: Quote,
}

/// What answering a 402 led to.
enum Step {
    Pay(Box<Payment>),
    Stop(ExitStatus),
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn failed(status: ExitStatus, message: impl Into<String>) -> anyhow::Error {
    Failed {
        status,
        message: message.into(),
    }
    .into()
}

/// Ends the call with a refusal: the receipt's status follows from it, as does the exit status.
fn refuse(outcome: &mut Outcome, refusal: Refusal) -> anyhow::Error {
    if let Some(status) = refusal.receipt_status() {
        outcome.status = Some(status);
    }
    Failed::from(refusal).into()
}

/// A quote's price as a typed amount.
fn money(quote: &Quote) -> Money {
    Money {
        amount: quote.amount,
        decimals: quote.asset.decimals,
        symbol: quote.asset.symbol.clone(),
    }
}

fn receive_error(e: ReceiveError) -> anyhow::Error {
    match e {
        ReceiveError::Http(e) => anyhow::Error::new(e),
        other => anyhow::Error::new(other),
    }
}

async fn fetch(ctx: &Context<'_>, args: &GetArgs, outcome: &mut Outcome) -> Result<ExitStatus> {
    let p = ctx.printer;
    let prepared = crate::request::prepare(&args.request)?;
    // Every flag value is checked before the first byte is sent.
    super::inspect::preferred_networks(ctx, &args.networks)?;
    pins(args)?;
    let journal = Journal::new(&ctx.paths.home);
    let mut hop = prepared.first_hop();
    let mut redirects = 0u32;
    let mut paid_urls: Vec<reqwest::Url> = Vec::new();
    loop {
        trace::request(p, &hop, args.request.user_agent.as_deref(), None);
        let resp = match prepared.send_hop(&hop, None).await {
            Ok(resp) => resp,
            Err(ReceiveError::TooLarge) => {
                return Err(failed(
                    ExitStatus::TooLarge,
                    format!("{}: {}", SafeUrl(&hop.url), ReceiveError::TooLarge),
                ));
            }
            Err(e) => {
                return Err(
                    receive_error(e).context(format!("request to {} failed", SafeUrl(&hop.url)))
                );
            }
        };
        trace::response(p, &hop.url, &resp);
        let mut resp = if resp.status == 402 {
            if paid_urls.contains(&hop.url) {
                let url = SafeUrl(&hop.url).to_string();
                return Err(refuse(outcome, Refusal::PaidTwice { url }));
            }
            let payment = match answer_402(
                ctx,
                args,
                &prepared.url,
                &hop,
                &resp,
                &journal,
                &paid_urls,
                outcome,
            )
            .await?
            {
                Step::Stop(status) => return Ok(status),
                Step::Pay(payment) => payment,
            };
            paid_urls.push(hop.url.clone());
            let mut paid =
                send_paid(ctx, args, &prepared, &hop, &payment, &journal, outcome).await?;
            settle(ctx, args, &hop, &payment, &mut paid, &journal, outcome).await?;
            paid
        } else {
            if paid_urls.is_empty() {
                outcome.status = Some(ReceiptStatus::Free);
            }
            resp
        };
        if args.redirects.location && is_redirect(resp.status) {
            count_redirect(&mut redirects, args.redirects)?;
            // The redirect's own body is not read: the connection is dropped with it.
            let next = prepared.redirect(&hop, &resp)?;
            trace::step(
                p,
                format!("following the redirect to {}", SafeUrl(&next.url)),
            );
            hop = next;
            continue;
        }
        return deliver(ctx, args, &hop, &mut resp).await;
    }
}

/// Reads a 402, applies every limit, asks, unlocks, signs and records the payment as pending.
#[allow(clippy::too_many_arguments, reason = "one step of one conversation")]
async fn answer_402(
    ctx: &Context<'_>,
    args: &GetArgs,
    asked: &reqwest::Url,
    hop: &Hop,
    resp: &Received,
    journal: &Journal,
    paid_urls: &[reqwest::Url],
    outcome: &mut Outcome,
) -> Result<Step> {
    let p = ctx.printer;
    let challenge =
        parse_payment_required(&resp.headers, &resp.body).context("the 402 cannot be read")?;
    outcome.version = Some(challenge.version);
    for w in &challenge.warnings {
        p.warn(w);
    }
    let pins = pins(args)?;
    let preferred = super::inspect::preferred_networks(ctx, &args.networks)?;
    let (judged, chosen) = policy::choose_matching(
        &challenge,
        &ctx.networks,
        &preferred,
        !args.networks.is_empty(),
        |q| pins.check(q),
    );
    let Some(index) = chosen else {
        let reasons: Vec<(usize, policy::Unpayable)> = judged
            .iter()
            .enumerate()
            .filter_map(|(i, j)| j.as_ref().err().map(|why| (i + 1, why.clone())))
            .collect();
        let refusal = if pins.is_empty() {
            Refusal::NoOption(reasons)
        } else {
            Refusal::TermsChanged(reasons)
        };
        return Err(refuse(outcome, refusal));
    };
    let quote = judged[index]
        .clone()
        .map_err(|why| anyhow::anyhow!("the chosen option is not payable: {why}"))?;
    outcome.quote = Some(quote.clone());
    trace::step(
        p,
        format!(
            "x402 v{} terms with {} option(s); chosen: option {}, {} on {} to {}",
            challenge.version,
            challenge.accepts.len(),
            quote.index + 1,
            quote.price(),
            quote.network.name(),
            quote.pay_to
        ),
    );
    if !crate::request::same_origin(asked, &hop.url) {
        p.warn(format!(
            "the 402 comes from {}, where a redirect from {} led; paying there",
            hop.url.origin().ascii_serialization(),
            asked.origin().ascii_serialization()
        ));
    }
    if hop.url.scheme() == "http" && !is_loopback(&hop.url) {
        p.warn(format!(
            "{} is plain http: the signed payment crosses the network unencrypted and anyone on \
             the path can see or redirect it",
            hop.url.origin().ascii_serialization()
        ));
    }
    let cap = cap(ctx, args)?;
    if let Err(e) = policy::check_cap(&quote, &cap) {
        return Err(refuse(outcome, Refusal::OverCap(e)));
    }
    let daily = daily_limit(ctx, args, &quote)?;
    let request_hash = journal::body_hash(hop.body.as_deref());
    let now = Timestamp::now();
    let earlier = {
        let contents = journal.read()?;
        report_bad_lines(ctx, journal, &contents);
        if let Some(limit) = daily
            && let Some(r) = check_budget(&contents.payments, &quote, limit, now)
        {
            return Err(refuse(outcome, r));
        }
        journal::open_payment_for(
            &contents.payments,
            hop.method.as_str(),
            &safe_url(&hop.url),
            &request_hash,
            unix_now(),
        )
        .cloned()
    };
    if let Some(refusal) = check_funds(ctx, args, &quote).await? {
        return Err(refuse(outcome, refusal));
    }

    show_quote(ctx, hop, &challenge, &quote);
    if args.dry_run {
        outcome.status = Some(ReceiptStatus::DryRun);
        p.info("dry run: nothing signed, nothing paid");
        return Ok(Step::Stop(ExitStatus::Success));
    }
    let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    let mut must_ask = !args.yes;
    if let Some(e) = &earlier {
        p.warn(format!(
            "this request was already paid at {} ({} {}, status {}, nonce {}); that payment can \
             still settle until {}",
            e.signed.time.strftime("%Y-%m-%d %H:%M:%S UTC"),
            amount::display(e.signed.amount, e.signed.decimals, &e.signed.symbol),
            e.signed.network_name,
            e.status,
            e.signed.nonce,
            Timestamp::from_second(e.signed.valid_before as i64)
                .map(|t| t.strftime("%H:%M:%S UTC").to_string())
                .unwrap_or_default(),
        ));
        p.info("  check it with: x402 history check");
        // At a terminal a person confirms even with --yes; a script needs --yes.
        must_ask = must_ask || interactive;
    }
    if !paid_urls.is_empty() {
        p.warn(format!(
            "a redirect after the payment led to another 402 ({}): a second payment",
            SafeUrl(&hop.url)
        ));
        if !interactive {
            let url = SafeUrl(&hop.url).to_string();
            return Err(refuse(outcome, Refusal::SecondPayment { url }));
        }
        must_ask = true;
    }
    // The account (not its password) is found before a person is asked: no one is asked to
    // pay from an account that does not exist.
    let mut account = None;
    if must_ask {
        if !interactive {
            let refusal = Refusal::NoConfirmation {
                earlier: earlier.is_some(),
                asked: money(&quote),
            };
            return Err(refuse(outcome, refusal));
        }
        account = Some(ctx.account(None, &args.account)?);
        let prompt = match flow_of(&challenge, &quote) {
            PaymentFlow::Upfront => format!(
                "Pay {} up front (charged even if the request then fails)?",
                quote.price()
            ),
            PaymentFlow::Authorization => format!("Pay {}?", quote.price()),
        };
        let yes = dialoguer::Confirm::new()
            .with_prompt(prompt)
            .default(false)
            .interact()
            .unwrap_or(false);
        if !yes {
            return Err(refuse(outcome, Refusal::DeclinedByUser));
        }
    }

    // Only now is the keystore unlocked.
    let ks = match account {
        Some(ks) => ks,
        None => ctx.account(None, &args.account)?,
    };
    let signer = ctx.unlock(&ks, &args.password)?;
    outcome.payer = Some(signer.address().to_checksum(None));

    // From here to the pending record, under the journal's lock: the budget once more (other
    // processes may have paid since), the signature, then the record, on disk before the
    // header leaves the machine. Every authorization signed is in the journal.
    let mut locked = journal.lock()?;
    if let Some(limit) = daily
        && let Some(r) = check_budget(&locked.contents().payments, &quote, limit, Timestamp::now())
    {
        return Err(refuse(outcome, r));
    }

    // The cap once more, on exactly the option about to be signed.
    let req = &challenge.accepts[quote.index];
    if req.amount_u256() != Some(quote.amount) || policy::check_cap(&quote, &cap).is_err() {
        return Err(refuse(outcome, Refusal::ChangedBeforeSigning));
    }
    trace::step(
        p,
        format!(
            "signing an EIP-3009 authorization of {} from {}",
            quote.price(),
            signer.address().to_checksum(None)
        ),
    );
    let signed = payment::sign_payment(&challenge, &quote, &signer, unix_now())?;
    drop(signer);
    let auth = &signed.authorization;

    locked.append_signed(Signed {
        time: Timestamp::now(),
        url: safe_url(&hop.url),
        method: hop.method.to_string(),
        body_sha256: request_hash,
        version: challenge.version,
        network: quote.network.caip2(),
        network_name: quote.network.name().to_string(),
        asset: quote.asset.id.clone(),
        symbol: quote.asset.symbol.clone(),
        decimals: quote.asset.decimals,
        amount: quote.amount,
        pay_to: quote.pay_to.clone(),
        payer: auth.from.to_checksum(None),
        nonce: signed.nonce.clone(),
        valid_after: auth.valid_after,
        valid_before: auth.valid_before,
        payment_id: signed.payment_id.clone(),
        scheme: journal::SchemeName::Exact,
        transfer: journal::Transfer::Eip3009,
        memo: None,
        blockhash: None,
        last_valid_block_height: None,
        spender: None,
    })?;
    drop(locked);
    trace::step(
        p,
        format!(
            "recorded as pending in {} (nonce {}) before sending",
            journal.path().display(),
            signed.nonce
        ),
    );
    outcome.nonce = Some(signed.nonce.clone());
    Ok(Step::Pay(Box::new(Payment {
        header_name: signed.header_name,
        valid_before: auth.valid_before,
        header_value: signed.header_value,
        nonce: signed.nonce,
        payer: auth.from,
        quote,
    })))
}

/// Sends the paid request; on a transport error, resends the same bytes (`--retry`) while the
/// authorization is valid. Records `unknown` (or `unsent`) in the journal when it gives up.
async fn send_paid(
    ctx: &Context<'_>,
    args: &GetArgs,
    prepared: &Prepared,
    hop: &Hop,
    payment: &Payment,
    journal: &Journal,
    outcome: &mut Outcome,
) -> Result<Received> {
    let p = ctx.printer;
    let mut attempt = 0u32;
    let mut delivered = false;
    loop {
        trace::request(
            p,
            hop,
            args.request.user_agent.as_deref(),
            Some(payment.header_name),
        );
        let spinner = p.spinner(format!(
            "paying {} and waiting for settlement",
            payment.quote.price()
        ));
        let result = prepared
            .send_hop(hop, Some((payment.header_name, &payment.header_value)))
            .await;
        drop(spinner);
        let err = match result {
            Ok(resp) => {
                trace::response(p, &hop.url, &resp);
                return Ok(resp);
            }
            Err(e) => e,
        };
        delivered |= !err.never_sent();
        let backoff = 1u64 << attempt.min(3);
        if attempt < args.retry && unix_now() + backoff < payment.valid_before {
            attempt += 1;
            p.warn(format!(
                "{err}; resending the same signed payment in {backoff} s ({attempt}/{})",
                args.retry
            ));
            tokio::time::sleep(std::time::Duration::from_secs(backoff)).await;
            continue;
        }
        let nonce = &payment.nonce;
        let (journal_status, status, message) = if delivered {
            (
                Status::Unknown,
                ExitStatus::OutcomeUnknown,
                format!(
                    "the payment was sent but no answer came back; it may have settled (nonce \
                     {nonce}); check with `x402 history check` before paying again"
                ),
            )
        } else {
            let status = match &err {
                ReceiveError::Http(e) => transport_status(e),
                ReceiveError::TooLarge => ExitStatus::TooLarge,
            };
            (
                Status::Unsent,
                status,
                format!(
                    "the paid request could not be delivered, so nothing was paid (nonce {nonce})"
                ),
            )
        };
        outcome.status = Some(if delivered {
            ReceiptStatus::Unknown
        } else {
            ReceiptStatus::Unsent
        });
        record(
            ctx,
            journal,
            nonce,
            journal_status,
            None,
            Some(err.to_string()),
        );
        return Err(receive_error(err).context(Failed { status, message }));
    }
}

/// Appends an outcome. A journal that cannot be written is reported, never silently ignored,
/// but does not hide the payment's own result (the `pending` record is already on disk).
fn record(
    ctx: &Context<'_>,
    journal: &Journal,
    nonce: &str,
    status: Status,
    transaction: Option<String>,
    reason: Option<String>,
) {
    let outcome = JournalOutcome {
        time: Timestamp::now(),
        nonce: nonce.to_string(),
        status,
        transaction,
        reason,
        verified: false,
        charged: None,
    };
    if let Err(e) = journal.record_outcome(outcome) {
        ctx.printer.warn(format!(
            "the outcome ({status}) of payment {nonce} could not be recorded in {}: {e:#}",
            journal.path().display()
        ));
    }
}

/// Reads the answer to the paid request: reports the settlement, records the outcome, and
/// fails for a refusal (402 again), a settlement the server could not confirm, or an unknown
/// outcome (5xx without a receipt). All of it comes from the response head, so it is said and
/// recorded before the body is streamed.
///
/// The server's word never proves that money did not move: a refused authorization is
/// recorded as `rejected` and still counts until the chain shows it used, expired or cancelled.
async fn settle(
    ctx: &Context<'_>,
    args: &GetArgs,
    hop: &Hop,
    payment: &Payment,
    paid: &mut Received,
    journal: &Journal,
    outcome: &mut Outcome,
) -> Result<()> {
    let p = ctx.printer;
    let quote = &payment.quote;
    let nonce = &payment.nonce;
    let settlement: Option<Settlement> = match find_settlement(&paid.headers) {
        Some(Ok(s)) => Some(s),
        Some(Err(e)) => {
            p.warn(format!("the settlement receipt cannot be read: {e}"));
            None
        }
        None => None,
    };
    trace::step(
        p,
        match &settlement {
            Some(s) if s.success => format!(
                "settlement receipt: success, transaction {}",
                s.transaction
                    .as_deref()
                    .map_or("(none given)".into(), untrusted)
            ),
            Some(_) => "settlement receipt: the settlement failed".to_string(),
            None => "no settlement receipt in the answer".to_string(),
        },
    );
    // `success: false` with a transaction (`settlement_pending` from @x402/core 2.24+, or any
    // other reason): a transaction was sent, so the outcome is the chain's to tell.
    if let Some(s) = &settlement
        && !s.success
        && let Some(tx) = s.transaction.as_deref().map(untrusted)
    {
        let reason = reason_of(s);
        return unconfirmed(
            ctx, args, hop, payment, paid, journal, outcome, &tx, &reason,
        )
        .await;
    }
    if paid.status == 402 {
        outcome.status = Some(ReceiptStatus::Rejected);
        let reason = settlement
            .as_ref()
            .and_then(|s| s.error_reason.clone().or_else(|| s.error_message.clone()))
            .or_else(|| {
                parse_payment_required(&paid.headers, &paid.body)
                    .ok()
                    .and_then(|c| c.error)
            })
            .map_or_else(|| "no reason given".into(), |r| untrusted(&r));
        outcome.error = Some(reason.clone());
        record(
            ctx,
            journal,
            nonce,
            Status::Rejected,
            None,
            Some(reason.clone()),
        );
        let still_open = still_open(payment);
        if server_says_insufficient_funds(&reason) {
            let refusal = Refusal::RefusedForFunds {
                asked: money(quote),
                reason,
                still_open,
            };
            return Err(refuse(outcome, refusal));
        }
        return Err(failed(
            ExitStatus::Rejected,
            format!("the server rejected the payment: {reason}; {still_open}"),
        ));
    }
    match &settlement {
        Some(s) if s.success => {
            outcome.status = Some(ReceiptStatus::Paid);
            outcome.transaction = s.transaction.clone();
            record(
                ctx,
                journal,
                nonce,
                Status::Settled,
                s.transaction.clone(),
                None,
            );
            report_paid(ctx, quote, s.transaction.as_deref().unwrap_or_default());
        }
        Some(s) => {
            // A failure without a transaction on a non-402 answer: the server's word only.
            outcome.status = Some(ReceiptStatus::Rejected);
            let reason = reason_of(s);
            outcome.error = Some(reason.clone());
            record(
                ctx,
                journal,
                nonce,
                Status::Rejected,
                None,
                Some(reason.clone()),
            );
            p.warn(format!(
                "the server says the settlement failed ({reason}) but names no transaction; {}",
                still_open(payment)
            ));
        }
        None if paid.status >= 500 => {
            outcome.status = Some(ReceiptStatus::Unknown);
            let reason = format!(
                "HTTP {} after payment with no settlement receipt",
                paid.status
            );
            record(
                ctx,
                journal,
                nonce,
                Status::Unknown,
                None,
                Some(reason.clone()),
            );
            deliver(ctx, args, hop, paid).await?;
            return Err(failed(
                ExitStatus::OutcomeUnknown,
                format!(
                    "{reason}; it may have settled (nonce {nonce}); check with `x402 history check`"
                ),
            ));
        }
        None => {
            // Without a receipt nobody can say whether the authorization was (or will be)
            // used: the journal says so, and `history check` asks the chain later.
            outcome.status = Some(if paid.status < 300 {
                ReceiptStatus::Unconfirmed
            } else {
                ReceiptStatus::NotCharged
            });
            record(
                ctx,
                journal,
                nonce,
                Status::Unknown,
                None,
                Some(format!("HTTP {} without a settlement receipt", paid.status)),
            );
            p.warn(format!(
                "the response carries no settlement receipt; whether {} moved is not known \
                 (nonce {nonce}; `x402 history check` asks the chain)",
                quote.price()
            ));
        }
    }
    Ok(())
}

/// The server's reason for a failed settlement, escaped and cut as any server text shown.
fn reason_of(s: &Settlement) -> String {
    s.error_reason
        .as_deref()
        .or(s.error_message.as_deref())
        .map_or_else(|| "no reason given".into(), untrusted)
}

fn report_paid(ctx: &Context<'_>, quote: &Quote, tx: &str) {
    let mut line = format!(
        "paid {} on {} to {}  tx {tx}",
        quote.price(),
        quote.network.name(),
        quote.pay_to
    );
    // A chain reached over a loopback RPC is a local one (a fork, anvil): a public explorer has
    // never seen its transactions.
    let local = quote
        .network
        .rpc_url()
        .and_then(|u| reqwest::Url::parse(u).ok())
        .is_some_and(|u| is_loopback(&u));
    if let Some(link) = quote.network.explorer_link(tx).filter(|_| !local) {
        line.push_str(&format!("  {link}"));
    }
    ctx.printer.info(line);
}

/// What a refused payment still is: a signature its holder can use until it expires.
fn still_open(payment: &Payment) -> String {
    format!(
        "the signed authorization (nonce {}) can still be used until {}, so it counts as spent \
         until `x402 history check` shows it unused and expired (`x402 history cancel {}` \
         makes it worthless sooner)",
        payment.nonce,
        utc_time(payment.valid_before),
        payment.nonce
    )
}

fn utc_time(unix: u64) -> String {
    Timestamp::from_second(i64::try_from(unix).unwrap_or(i64::MAX))
        .map(|t| t.strftime("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_else(|_| unix.to_string())
}

/// How long `get` waits for the receipt of a transaction a server named but did not confirm.
/// Long enough for a local or fast chain to mine it, short enough that a script is not held up;
/// `history check` tells the rest later.
const RECEIPT_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// What the chain says about a transaction a server named.
enum OnChain {
    /// Mined, successful, and it used this authorization (`AuthorizationUsed(payer, nonce)`).
    Settled,
    /// Mined and reverted: it moved nothing.
    Reverted,
    /// Mined, but it did not use this authorization.
    Unrelated,
    /// Not mined (or unknown to the node) within the wait.
    NotYet,
}

/// A receipt with `success: false` that names a transaction: recorded `unknown` with it, and,
/// when the user configured an RPC URL for the network, the chain asked (briefly) what that
/// transaction did.
#[allow(clippy::too_many_arguments, reason = "one step of one conversation")]
async fn unconfirmed(
    ctx: &Context<'_>,
    args: &GetArgs,
    hop: &Hop,
    payment: &Payment,
    paid: &mut Received,
    journal: &Journal,
    outcome: &mut Outcome,
    tx: &str,
    reason: &str,
) -> Result<()> {
    let p = ctx.printer;
    let quote = &payment.quote;
    let nonce = &payment.nonce;
    outcome.transaction = Some(tx.to_string());
    outcome.error = Some(reason.to_string());
    record(
        ctx,
        journal,
        nonce,
        Status::Unknown,
        Some(tx.to_string()),
        Some(reason.to_string()),
    );
    p.warn(format!(
        "the server could not confirm the settlement ({reason}) but sent transaction {tx}: \
         the payment may have moved"
    ));
    let asked = match quote
        .network
        .rpc_url()
        .filter(|_| quote.network.rpc_configured())
    {
        Some(url) => {
            let spinner = p.spinner(format!("waiting for {tx} on {}", quote.network.name()));
            let said = ask_chain(url, quote, payment, tx).await;
            drop(spinner);
            match said {
                Ok(said) => Some(said),
                Err(e) => {
                    p.warn(format!("the chain could not be asked: {e:#}"));
                    None
                }
            }
        }
        None => None,
    };
    // The body of a 402 is not the resource: only another answer's body is delivered.
    let deliver_body = paid.status != 402;
    match asked {
        Some(OnChain::Settled) => {
            outcome.status = Some(ReceiptStatus::Paid);
            outcome.error = None;
            record(
                ctx,
                journal,
                nonce,
                Status::Settled,
                Some(tx.to_string()),
                Some(format!(
                    "the server said {reason}; the chain shows it settled"
                )),
            );
            report_paid(ctx, quote, tx);
            if paid.status >= 400 {
                p.warn(format!(
                    "the payment settled, but the server answered HTTP {} {} instead of the \
                     resource",
                    paid.status, paid.reason
                ));
            }
            Ok(())
        }
        Some(OnChain::Reverted) => {
            outcome.status = Some(ReceiptStatus::Rejected);
            let why = format!("transaction {tx} reverted ({reason})");
            record(
                ctx,
                journal,
                nonce,
                Status::Rejected,
                Some(tx.to_string()),
                Some(why.clone()),
            );
            if deliver_body {
                deliver(ctx, args, hop, paid).await?;
            }
            Err(failed(
                ExitStatus::Rejected,
                format!(
                    "the settlement failed: {why}; it moved nothing, but {}",
                    still_open(payment)
                ),
            ))
        }
        other => {
            outcome.status = Some(ReceiptStatus::Unknown);
            if deliver_body {
                deliver(ctx, args, hop, paid).await?;
            }
            let chain = match other {
                Some(OnChain::Unrelated) => format!(
                    "; the chain shows {tx} mined, but it did not use this payment's authorization"
                ),
                Some(_) => format!(
                    "; {tx} was not on {} after {} s",
                    quote.network.name(),
                    RECEIPT_WAIT.as_secs()
                ),
                None => String::new(),
            };
            Err(failed(
                ExitStatus::OutcomeUnknown,
                format!(
                    "the outcome is unknown: the server answered {reason} with transaction \
                     {tx}{chain}; it may have settled (nonce {nonce}); check with `x402 history \
                     check` before paying again"
                ),
            ))
        }
    }
}

/// Waits (at most [`RECEIPT_WAIT`]) for `tx`'s receipt and reads what it did.
async fn ask_chain(url: &str, quote: &Quote, payment: &Payment, tx: &str) -> Result<OnChain> {
    let client = crate::http::client(&crate::http::ClientOptions {
        timeout: Some(RECEIPT_WAIT),
        ..Default::default()
    })?;
    let rpc = Rpc::new(&client, url);
    let deadline = std::time::Instant::now() + RECEIPT_WAIT;
    let Some(receipt) = rpc.wait_for_receipt(tx, deadline).await? else {
        return Ok(OnChain::NotYet);
    };
    if receipt.get("status").and_then(Value::as_str) != Some("0x1") {
        return Ok(OnChain::Reverted);
    }
    let Some(token) = quote.evm_token() else {
        return Ok(OnChain::Unrelated);
    };
    let used = crate::rpc::authorization_used_in(&receipt, token, payment.payer, &payment.nonce);
    Ok(if used {
        OnChain::Settled
    } else {
        OnChain::Unrelated
    })
}

fn pins(args: &GetArgs) -> Result<Pins> {
    let terms = match &args.terms {
        None => None,
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                crate::error::UsageError(format!("cannot read the terms {}: {e}", path.display()))
            })?;
            Some(Terms::parse(&text).map_err(|e| {
                crate::error::UsageError(format!("{}: not a terms file: {e}", path.display()))
            })?)
        }
    };
    Ok(Pins {
        terms,
        amount: args.expect_amount.clone(),
        pay_to: args.expect_pay_to.map(|a| a.to_checksum(None)),
    })
}

fn is_loopback(url: &reqwest::Url) -> bool {
    let host = url.host_str().unwrap_or("");
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn cap(ctx: &Context<'_>, args: &GetArgs) -> Result<UserAmount> {
    Ok(crate::settings::per_payment_cap(args.max_amount.clone(), &ctx.config.limits).amount)
}

/// The daily budget in the quote's base units, if one is set.
fn daily_limit(
    ctx: &Context<'_>,
    args: &GetArgs,
    quote: &Quote,
) -> Result<Option<alloy_primitives::U256>> {
    let Some(limit) = args
        .daily_limit
        .as_ref()
        .or(ctx.config.limits.daily.as_ref())
    else {
        return Ok(None);
    };
    limit
        .to_base_units(quote.asset.decimals)
        .map(Some)
        .map_err(|_| {
            crate::error::UsageError(format!(
                "the daily limit '{limit}' cannot be expressed in {}",
                quote.asset.symbol
            ))
            .into()
        })
}

/// The daily budget checked on `quote`: a refusal when it would be exceeded.
fn check_budget(
    payments: &[journal::Payment],
    quote: &Quote,
    limit: alloy_primitives::U256,
    now: Timestamp,
) -> Option<Refusal> {
    let spent = journal::spent_last_day(payments, &quote.network.caip2(), &quote.asset.id, now);
    if spent.saturating_add(quote.amount) > limit {
        return Some(Refusal::OverBudget {
            asked: money(quote),
            spent,
            limit,
            network: quote.network.name().to_string(),
        });
    }
    None
}

/// When the user configured an RPC URL for the quote's network, the wallet's balance of the
/// asset is read before anything is shown or signed, so a payment that cannot succeed is not
/// attempted. Without one (or when the account's address is not known before unlocking) the
/// facilitator's refusal tells the same, after the attempt.
async fn check_funds(ctx: &Context<'_>, args: &GetArgs, quote: &Quote) -> Result<Option<Refusal>> {
    let (Some(url), Some(token)) = (
        quote
            .network
            .rpc_url()
            .filter(|_| quote.network.rpc_configured()),
        quote.evm_token(),
    ) else {
        return Ok(None);
    };
    let Some(owner) = ctx
        .account(None, &args.account)
        .ok()
        .and_then(|ks| ks.address)
    else {
        return Ok(None);
    };
    let client = crate::http::client(&crate::http::ClientOptions {
        timeout: Some(std::time::Duration::from_secs(10)),
        ..Default::default()
    })?;
    match Rpc::new(&client, url).token_balance(token, owner).await {
        Ok(balance) if balance < quote.amount => Ok(Some(Refusal::InsufficientFunds {
            owner: owner.to_checksum(None),
            balance: Money {
                amount: balance,
                ..money(quote)
            },
            asked: money(quote),
            network: quote.network.name().to_string(),
        })),
        Ok(_) => Ok(None),
        Err(e) => {
            ctx.printer
                .detail(format!("balance not checked before paying: {e}"));
            Ok(None)
        }
    }
}

fn report_bad_lines(ctx: &Context<'_>, journal: &Journal, contents: &journal::Contents) {
    for bad in &contents.bad_lines {
        ctx.printer.warn(format!(
            "{}:{}: unreadable line skipped ({})",
            journal.path().display(),
            bad.line,
            bad.error
        ));
    }
}

fn show_quote(ctx: &Context<'_>, hop: &Hop, c: &Challenge, q: &Quote) {
    let p = ctx.printer;
    p.info(format!(
        "{} asks {} on {} (x402 v{})",
        SafeUrl(&hop.url),
        q.price(),
        q.network,
        c.version
    ));
    p.info(format!("  pay to    {}", q.pay_to));
    // The resource the server says is being sold, when it is not the URL asked for.
    let resource = c.resource.as_ref().and_then(|r| r.url.as_deref());
    if let Some(r) = resource.filter(|r| !r.is_empty() && *r != hop.url.as_str()) {
        p.info(format!("  resource  {}", untrusted(&safe_url_text(r))));
    }
    let description = c.resource.as_ref().and_then(|r| r.description.as_deref());
    if let Some(d) = description.filter(|d| !d.is_empty()) {
        p.info(format!("  for       {}", untrusted(d)));
    }
    if flow_of(c, q) == PaymentFlow::Upfront {
        p.info(format!(
            "  flow      upfront: {}",
            PaymentFlow::Upfront.meaning()
        ));
    }
}

/// The chosen option's `extra.paymentFlow` (an unknown one never gets this far: not payable).
fn flow_of(c: &Challenge, q: &Quote) -> PaymentFlow {
    c.accepts
        .get(q.index)
        .and_then(|r| payment::flow::payment_flow(r).ok())
        .unwrap_or_default()
}

/// The response as curl shows it: headers with -i, the body to stdout or -o, and -f's exit.
/// The body is copied piece by piece as it arrives, so memory stays bounded whatever its size;
/// a body cut short ends in a transport error (curl 56) after what came was written.
async fn deliver(
    ctx: &Context<'_>,
    args: &GetArgs,
    hop: &Hop,
    r: &mut Received,
) -> Result<ExitStatus> {
    let failing = r.status >= 400 && (args.fail || args.fail_with_body);
    let with_body = !(failing && args.fail);
    let mut head = Vec::new();
    if args.include || args.request.head {
        head.extend(format!("HTTP/1.1 {} {}\r\n", r.status, r.reason).as_bytes());
        for (n, v) in &r.headers {
            head.extend(format!("{n}: {v}\r\n").as_bytes());
        }
        head.extend(b"\r\n");
    }
    // -f on an HTTP error writes nothing: an -o file is not even opened, as with curl.
    if with_body || !head.is_empty() {
        let mut out = Sink::open(ctx.printer, args.output.as_deref())?;
        out.write(&head)?;
        if with_body {
            out.write(&r.body)?;
            while let Some(chunk) = r.chunk().await.map_err(|e| {
                receive_error(e).context(format!("request to {} failed", SafeUrl(&hop.url)))
            })? {
                out.write(&chunk)?;
            }
        }
        out.finish()?;
    }
    if failing {
        return Err(failed(
            ExitStatus::HttpError,
            format!("the server answered HTTP {} {}", r.status, r.reason),
        ));
    }
    Ok(ExitStatus::Success)
}

/// Where the response goes: stdout, or the `-o` file.
enum Sink<'a> {
    Stdout(&'a Printer),
    /// A regular file (new, or existing and writable), replaced once the body is complete.
    Replace(Replacement, &'a Path),
    /// Not a regular file (a device, a FIFO, a path under /dev or /proc), or a file in a
    /// directory that takes no new file: written in place, as curl writes.
    InPlace(std::fs::File, &'a Path),
}

impl<'a> Sink<'a> {
    fn open(printer: &'a Printer, output: Option<&'a Path>) -> Result<Self> {
        let Some(path) = output else {
            return Ok(Sink::Stdout(printer));
        };
        Self::open_file(path).map_err(|e| write_error(path, e))
    }

    fn open_file(path: &'a Path) -> std::io::Result<Self> {
        let in_place = || {
            std::fs::OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(true)
                .open(path)
                .map(|f| Sink::InPlace(f, path))
        };
        let special = path.starts_with("/dev") || path.starts_with("/proc");
        if special || std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
            return in_place();
        }
        // A symbolic link is written through: the file it names is the one replaced, once the
        // kernel has let the link be opened as curl would open it.
        let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
        let target = if is_link {
            match crate::fsutil::follow_link_as_open(path)? {
                Some(t) => t,
                // Dangling: opening it creates the file it names.
                None => return in_place(),
            }
        } else {
            path.to_path_buf()
        };
        match Replacement::create(&target) {
            Ok(r) => Ok(Sink::Replace(r, path)),
            Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => in_place(),
            Err(e) => Err(e),
        }
    }

    fn write(&mut self, bytes: &[u8]) -> Result<()> {
        if bytes.is_empty() {
            return Ok(());
        }
        match self {
            Sink::Stdout(p) => p.result_bytes(bytes).map_err(stdout_error),
            Sink::Replace(file, path) => file.write_all(bytes).map_err(|e| write_error(path, e)),
            Sink::InPlace(file, path) => file.write_all(bytes).map_err(|e| write_error(path, e)),
        }
    }

    /// The output is complete: the -o file takes its place.
    fn finish(self) -> Result<()> {
        match self {
            Sink::Stdout(_) | Sink::InPlace(..) => Ok(()),
            Sink::Replace(file, path) => file.commit().map_err(|e| write_error(path, e)),
        }
    }
}

fn write_error(path: &Path, e: std::io::Error) -> anyhow::Error {
    failed(
        ExitStatus::WriteError,
        format!("cannot write {}: {e}", path.display()),
    )
}

/// A broken pipe (`x402 get … | head`) stays an I/O error, which ends the process quietly.
fn stdout_error(e: std::io::Error) -> anyhow::Error {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        anyhow::Error::new(e)
    } else {
        failed(
            ExitStatus::WriteError,
            format!("cannot write the body: {e}"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::is_loopback;

    #[test]
    fn only_loopback_hosts_are_exempt_from_the_plain_http_warning() {
        for (url, loopback) in [
            ("http://127.0.0.1:8080/x", true),
            ("http://127.8.9.10/x", true),
            ("http://localhost/x", true),
            ("http://LOCALHOST:1/x", true),
            ("http://[::1]:4021/x", true),
            ("http://10.0.0.1/x", false),
            ("http://api.example.com/x", false),
            ("http://localhost.example.com/x", false),
            ("http://[::2]/x", false),
        ] {
            let u = reqwest::Url::parse(url).unwrap();
            assert_eq!(is_loopback(&u), loopback, "{url}");
        }
    }
}
