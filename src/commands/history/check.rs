//! `x402 history check`: asks the chain about every selected payment that is open, or settled
//! and not yet verified, records what it says, and reports each finding.
//!
//! How a record is checked depends on how its money moves (`journal::Transfer`): one `match`
//! in [`check_one`]. EIP-3009 records are checked by `check_eip3009`, Permit2 ones by
//! `check_permit2`, Solana ones by `check_svm`; a record of any other kind is reported "not
//! checked" (never a verdict) until its check is written. May depend on the parent module,
//! `layout` and the per-transfer check modules, not on `list` or `cancel`.

use super::layout::Style;
use super::{check_eip3009, check_permit2, check_svm, price, selected, warn_bad_lines};
use crate::cli::{CheckArgs, HistoryArgs};
use crate::error::Failed;
use crate::exit::ExitStatus;
use crate::journal::{Journal, Outcome, Payment, Status, Transfer};
use crate::rpc::Rpc;
use crate::settings::Context;
use anyhow::Result;
use jiff::Timestamp;
use serde_json::json;

/// What the chain said about one payment.
pub(super) struct Finding {
    pub(super) payment: Payment,
    /// The new status, when it changes.
    pub(super) status: Option<Status>,
    pub(super) transaction: Option<String>,
    pub(super) verified: bool,
    pub(super) note: String,
    /// The chain contradicts the record.
    pub(super) mismatch: bool,
    /// The chain could not be asked (or the record cannot be checked yet).
    pub(super) error: bool,
    /// `upto`: what the settlement transaction moved, recorded when it is read.
    pub(super) charged: Option<alloy_primitives::U256>,
}

impl Finding {
    pub(super) fn new(payment: Payment) -> Finding {
        Finding {
            payment,
            status: None,
            transaction: None,
            verified: false,
            note: String::new(),
            mismatch: false,
            error: false,
            charged: None,
        }
    }
}

pub(super) async fn check(
    ctx: &Context<'_>,
    args: &HistoryArgs,
    check_args: &CheckArgs,
) -> Result<ExitStatus> {
    let journal = Journal::new(&ctx.paths.home);
    let contents = journal.read()?;
    warn_bad_lines(ctx, &journal, &contents.bad_lines);
    let todo: Vec<Payment> = selected(&contents.payments, args)
        .into_iter()
        .filter(|p| {
            (p.status.is_open() || matches!(p.status, Status::Settled | Status::Disputed))
                && !p.verified
        })
        .cloned()
        .collect();
    let client = crate::http::client(&crate::http::ClientOptions {
        timeout: Some(check_args.timeout),
        ..Default::default()
    })?;
    let mut findings = Vec::new();
    for payment in todo {
        findings.push(check_one(ctx, &client, payment).await);
    }
    record(&journal, &findings)?;
    if args.json {
        report_json(ctx, &findings)
    } else {
        report_text(ctx, args, &findings)
    }
}

/// Appends an outcome for every finding that changes (or verifies) its record.
fn record(journal: &Journal, findings: &[Finding]) -> Result<()> {
    for f in findings {
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
                charged: f.charged,
            })?;
        }
    }
    Ok(())
}

fn counts(findings: &[Finding]) -> (usize, usize) {
    (
        findings.iter().filter(|f| f.mismatch).count(),
        findings.iter().filter(|f| f.error).count(),
    )
}

fn report_json(ctx: &Context<'_>, findings: &[Finding]) -> Result<ExitStatus> {
    let p = ctx.printer;
    let (mismatches, errors) = counts(findings);
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
    Ok(ExitStatus::Success)
}

fn report_text(ctx: &Context<'_>, args: &HistoryArgs, findings: &[Finding]) -> Result<ExitStatus> {
    let p = ctx.printer;
    if findings.is_empty() {
        p.info("nothing to check: no pending, unknown, rejected or unverified settled payments");
    }
    let style = Style::of(args);
    for f in findings {
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
    let (mismatches, errors) = counts(findings);
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

/// Checks one record the way its money moves.
async fn check_one(ctx: &Context<'_>, client: &reqwest::Client, payment: Payment) -> Finding {
    let mut f = Finding::new(payment);
    match f.payment.signed.transfer.clone() {
        Transfer::Eip3009 => check_evm(ctx, client, &mut f).await,
        Transfer::Permit2 => check_permit2(ctx, client, &mut f).await,
        Transfer::Svm => check_solana(ctx, client, &mut f).await,
        other => not_checked(&mut f, &other),
    }
    f
}

/// A record this version cannot check yet: said so, its status left as it is.
fn not_checked(f: &mut Finding, transfer: &Transfer) {
    f.error = true;
    f.note = format!("not checked: {transfer} records are not checked yet");
}

/// The RPC URL of the record's network; without one, the finding says how to set it.
fn rpc_url(ctx: &Context<'_>, f: &mut Finding) -> Option<String> {
    let s = &f.payment.signed;
    let url = ctx
        .networks
        .find(&s.network)
        .and_then(|n| n.rpc_url.clone());
    if url.is_none() {
        f.error = true;
        f.note = format!(
            "no RPC URL for {}: set [rpc] {} = \"URL\" in config.toml",
            s.network, s.network_name
        );
    }
    url
}

/// A Permit2 record: the network's RPC asked about the Permit2 nonce and its settlement.
async fn check_permit2(ctx: &Context<'_>, client: &reqwest::Client, f: &mut Finding) {
    let Some(url) = rpc_url(ctx, f) else {
        return;
    };
    let chain_id = check_permit2::record_of(&f.payment).map_or(0, |r| r.chain_id);
    let chain = crate::evm_tx::Chain::new(client, &url, chain_id);
    if let Err(e) = check_permit2::check(&chain, f).await {
        f.error = true;
        f.note = format!("cannot ask {}: {e}", crate::request::safe_url_text(&url));
    }
}

/// An EVM record: the network's RPC asked about the EIP-3009 authorization.
async fn check_evm(ctx: &Context<'_>, client: &reqwest::Client, f: &mut Finding) {
    let Some(url) = rpc_url(ctx, f) else {
        return;
    };
    let rpc = Rpc::new(client, &url);
    let result = match f.payment.status {
        Status::Settled | Status::Disputed if f.payment.transaction.is_some() => {
            check_eip3009::verify_transfer(&rpc, f).await
        }
        _ => check_eip3009::authorization_used(&rpc, f).await,
    };
    if let Err(e) = result {
        f.error = true;
        f.note = format!("cannot ask {}: {e}", crate::request::safe_url_text(&url));
    }
}

/// A Solana record: the network's RPC asked about the payer's signed transaction
/// ([`check_svm`]).
async fn check_solana(ctx: &Context<'_>, client: &reqwest::Client, f: &mut Finding) {
    let s = &f.payment.signed;
    let Some(url) = ctx
        .networks
        .find_svm(&s.network)
        .and_then(|n| n.rpc_url.clone())
    else {
        f.error = true;
        f.note = format!(
            "no RPC URL for {}: set [rpc] {} = \"URL\" in config.toml",
            s.network, s.network_name
        );
        return;
    };
    let rpc = crate::svm::rpc::SvmRpc::new(client, &url);
    if let Err(e) = check_svm::check_record(&rpc, f).await {
        f.error = true;
        f.note = format!(
            "could not be checked over {}: {e}",
            crate::request::safe_url_text(&url)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::{SchemeName, Signed};
    use alloy_primitives::U256;

    fn payment(transfer: Transfer) -> Payment {
        Payment {
            signed: Signed {
                time: Timestamp::now(),
                url: "http://127.0.0.1:1/x".into(),
                method: "GET".into(),
                body_sha256: crate::journal::body_hash(None),
                version: 2,
                network: "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1".into(),
                network_name: "solana-devnet".into(),
                asset: "4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU".into(),
                symbol: "USDC".into(),
                decimals: 6,
                amount: U256::from(1000),
                pay_to: "4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU".into(),
                payer: "4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU".into(),
                nonce: "5sig".into(),
                valid_after: 0,
                valid_before: 1,
                payment_id: None,
                scheme: SchemeName::Exact,
                transfer,
                memo: None,
                blockhash: None,
                last_valid_block_height: None,
                spender: None,
            },
            status: Status::Settled,
            transaction: Some("5sig".into()),
            reason: None,
            verified: false,
            charged: None,
            updated: Timestamp::now(),
        }
    }

    #[test]
    fn a_record_of_another_transfer_is_not_checked_and_gets_no_verdict() {
        let transfer = Transfer::Other("future".into());
        let mut f = Finding::new(payment(transfer.clone()));
        not_checked(&mut f, &transfer);
        assert_eq!(f.note, "not checked: future records are not checked yet");
        assert!(f.error, "counted as not checked");
        assert!(!f.mismatch && !f.verified);
        assert_eq!(f.status, None, "the record's status is left as it is");
    }
}
