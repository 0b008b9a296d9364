//! `x402 history cancel NONCE`: ends an open EIP-3009 authorization on-chain with
//! `cancelAuthorization`, a transaction the payer signs and pays gas for (a Permit2 one, named
//! by its decimal nonce, in [`super::cancel_permit2`]). The one place `history` sends a
//! transaction (through `evm_tx`). May depend on the parent module,
//! `journal`, `rpc`, `evm_tx` and `payment::{cancel, exact_evm}`, not on `list` or `check`.

use super::{price, warn_bad_lines};
use crate::amount;
use crate::cli::{CancelArgs, HistoryArgs};
use crate::error::{Failed, UsageError};
use crate::evm_tx::{Chain, TxError};
use crate::exit::ExitStatus;
use crate::journal::{EvmParties, Journal, Outcome, Payment, Status, Transfer};
use crate::network::{Asset, Network};
use crate::rpc::Rpc;
use crate::settings::Context;
use alloy_primitives::{B256, U256};
use anyhow::Result;
use jiff::Timestamp;
use serde_json::json;
use std::io::IsTerminal as _;

/// `x402 history cancel NONCE`: makes an open authorization worthless on-chain with EIP-3009
/// `cancelAuthorization`, signed by the payer and sent as a transaction whose gas the payer pays.
///
/// Order: the record found and judged cancellable; the network's RPC asked for its chain id
/// (it must be the record's) and `authorizationState` (an authorization already used or
/// cancelled is refused); the plan shown and confirmed (`--yes` for scripts); only then the
/// keystore unlocked, which must be the payer's; the call estimated (a token without
/// `cancelAuthorization` refuses here, before any gas is spent); one EIP-1559 transaction
/// signed and sent; its receipt awaited; `cancelled` recorded with the transaction.
pub(super) async fn cancel(
    ctx: &Context<'_>,
    args: &HistoryArgs,
    c: &CancelArgs,
) -> Result<ExitStatus> {
    if !(c.timeout.is_finite() && c.timeout > 0.0 && c.timeout < 86_400.0) {
        return Err(UsageError("--timeout must be a positive number of seconds".into()).into());
    }
    let journal = Journal::new(&ctx.paths.home);
    let contents = journal.read()?;
    warn_bad_lines(ctx, &journal, &contents.bad_lines);
    // A Permit2 nonce is a decimal uint256, as signed; an EIP-3009 one 0x and 64 hex digits.
    if let Some(nonce) = crate::payment::permit2::check::parse_nonce(&c.nonce) {
        let Some(payment) = contents
            .payments
            .iter()
            .find(|p| {
                p.signed.transfer == Transfer::Permit2
                    && crate::payment::permit2::check::parse_nonce(&p.signed.nonce) == Some(nonce)
            })
            .cloned()
        else {
            return Err(UsageError(format!(
                "no Permit2 payment with nonce {nonce} in {}",
                journal.path().display()
            ))
            .into());
        };
        return super::cancel_permit2::cancel(ctx, args, c, payment, &journal).await;
    }
    let nonce: B256 = c.nonce.trim().parse().map_err(|_| {
        UsageError(format!(
            "'{}' is not a nonce: expected 0x and 64 hex digits (EIP-3009) or a decimal \
             number (Permit2), as `x402 history` shows it",
            c.nonce
        ))
    })?;
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
    let target = Target::judge(payment, nonce)?;
    let (network, url, asset) = locate(ctx, &target)?;
    let client = crate::http::client(&crate::http::ClientOptions {
        timeout: Some(std::time::Duration::from_secs_f64(c.timeout)),
        ..Default::default()
    })?;
    let chain = Chain::for_network(&client, &url, network);
    still_unused(&chain, &url, network, &target).await?;
    announce(ctx, &target, network);
    confirm(ctx, c)?;
    let receipt = sign_and_send(ctx, c, &chain, network, asset, &target, &journal).await?;
    finish(ctx, args, &chain, network, &target, &journal, receipt).await
}

pub(super) fn fail(status: ExitStatus, message: String) -> anyhow::Error {
    Failed { status, message }.into()
}

/// An open EIP-3009 record judged cancellable.
struct Target {
    payment: Payment,
    evm: EvmParties,
    nonce: B256,
}

impl Target {
    /// "not cancelling NONCE: why".
    fn refuse(&self, why: String) -> anyhow::Error {
        refuse(&self.payment, why)
    }

    /// Whether the record can still be cancelled: sent, not used, cancelled or expired, and an
    /// EIP-3009 authorization.
    fn judge(payment: Payment, nonce: B256) -> Result<Target> {
        judge_status(&payment, false)?;
        if payment.signed.transfer != Transfer::Eip3009 {
            let why = format!(
                "{} records cannot be cancelled yet",
                payment.signed.transfer
            );
            return Err(refuse(&payment, why));
        }
        let Some(evm) = payment.signed.evm_parties() else {
            return Err(refuse(
                &payment,
                "its asset, payee or payer is not an EVM address".into(),
            ));
        };
        Ok(Target {
            payment,
            evm,
            nonce,
        })
    }
}

/// Whether a record's status and validity leave anything to cancel: sent, not used, cancelled
/// or expired. `settled_open`: a settled record that moved nothing (an `upto` charged 0) is
/// still open.
pub(super) fn judge_status(payment: &Payment, settled_open: bool) -> Result<()> {
    match payment.status {
        Status::Settled if settled_open => {}
        Status::Settled => {
            return Err(refuse(
                payment,
                format!(
                    "it was already used (settled{})",
                    payment
                        .transaction
                        .as_deref()
                        .map(|t| format!(" in {t}"))
                        .unwrap_or_default()
                ),
            ));
        }
        Status::Cancelled => return Err(refuse(payment, "it is already cancelled".into())),
        Status::Expired => {
            return Err(refuse(
                payment,
                "it expired unused: it can no longer move money".into(),
            ));
        }
        Status::Unsent => {
            return Err(refuse(
                payment,
                "it was never sent: its signature did not leave this machine".into(),
            ));
        }
        Status::Pending | Status::Unknown | Status::Rejected | Status::Disputed => {}
    }
    let now = Timestamp::now().as_second() as u64;
    if now >= payment.signed.valid_before {
        return Err(refuse(
            payment,
            "it is past its validBefore: it can no longer be used (`x402 history check` \
             records it)"
                .into(),
        ));
    }
    Ok(())
}

pub(super) fn refuse(payment: &Payment, why: String) -> anyhow::Error {
    fail(
        ExitStatus::Failure,
        format!("not cancelling {}: {why}", payment.signed.nonce),
    )
}

/// The record's network, its RPC URL and the known token (whose EIP-712 domain signs).
fn locate<'c>(ctx: &'c Context<'_>, t: &Target) -> Result<(&'c Network, String, &'c Asset)> {
    let s = &t.payment.signed;
    let Some(network) = ctx.networks.find(&s.network) else {
        return Err(t.refuse(format!("{} is not a known network", s.network)));
    };
    let Some(url) = network.rpc_url.clone() else {
        return Err(t.refuse(format!(
            "no RPC URL for {}: set [rpc] {} = \"URL\" in config.toml",
            s.network, s.network_name
        )));
    };
    let Some(asset) = network.asset(&t.evm.asset) else {
        return Err(t.refuse(format!(
            "{} is not a token this tool knows on {} (its EIP-712 domain is needed)",
            s.asset, network.name
        )));
    };
    Ok((network, url, asset))
}

/// The RPC is the record's chain, and the token says the authorization is still unused.
async fn still_unused(chain: &Chain<'_>, url: &str, network: &Network, t: &Target) -> Result<()> {
    chain.check_chain().await.map_err(|e| match e {
        TxError::WrongChain { actual, .. } => t.refuse(format!(
            "{url} is chain {actual}, not {} ({})",
            network.chain_id, network.name
        )),
        other => other.into(),
    })?;
    let used = chain
        .rpc
        .authorization_state(t.evm.asset, t.evm.payer, t.nonce)
        .await
        .map_err(|e| t.refuse(format!("the token has no EIP-3009 authorizationState: {e}")))?;
    if used {
        return Err(t.refuse(
            "the chain shows it already used or cancelled (authorizationState); `x402 history \
             check` records which"
                .into(),
        ));
    }
    Ok(())
}

/// The plan, on stderr.
fn announce(ctx: &Context<'_>, t: &Target, network: &Network) {
    let s = &t.payment.signed;
    ctx.printer.info(format!(
        "cancel the authorization of {} to {} on {} (nonce {}, valid until {})",
        price(&t.payment),
        s.pay_to,
        network.name,
        s.nonce,
        Timestamp::from_second(s.valid_before as i64)
            .map(|t| t.strftime("%Y-%m-%d %H:%M:%S UTC").to_string())
            .unwrap_or_default()
    ));
    ctx.printer.info(format!(
        "  by a transaction to {} (cancelAuthorization) from {}, which pays its gas in {}",
        s.asset, s.payer, network.native_symbol
    ));
}

/// `--yes`, or a yes at the terminal.
pub(super) fn confirm(ctx: &Context<'_>, c: &CancelArgs) -> Result<()> {
    if c.yes {
        return Ok(());
    }
    let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    if !interactive {
        return Err(fail(
            ExitStatus::Declined,
            "not sending a transaction without confirmation: pass --yes to cancel from a \
             script"
                .into(),
        ));
    }
    let yes = ctx.printer.ask_yes_no("Send the cancellation?");
    if !yes {
        return Err(fail(ExitStatus::Declined, "cancellation declined".into()));
    }
    Ok(())
}

/// The payer's key unlocked, the cancellation signed and sent as one transaction, and its
/// receipt awaited; a transaction sent but not mined is recorded and reported.
async fn sign_and_send(
    ctx: &Context<'_>,
    c: &CancelArgs,
    chain: &Chain<'_>,
    network: &Network,
    asset: &Asset,
    t: &Target,
    journal: &Journal,
) -> Result<crate::evm_tx::Receipt> {
    use crate::payment::cancel::sign_cancel;
    let p = ctx.printer;
    let s = &t.payment.signed;
    let ks = ctx.account(None, &c.account)?;
    let signer = ctx.unlock(&ks, &c.password)?;
    if signer.address() != t.evm.payer {
        return Err(t.refuse(format!(
            "it was signed by {}, and this account is {}: choose the payer's with --account",
            s.payer,
            signer.address()
        )));
    }
    let domain = crate::payment::exact_evm::domain(
        &asset.eip712_name,
        &asset.eip712_version,
        network.chain_id,
        t.evm.asset,
    );
    let signature = sign_cancel(&signer, t.nonce, &domain)?;
    let call = crate::evm_tx::Call {
        to: t.evm.asset,
        data: Rpc::cancel_authorization_data(t.evm.payer, t.nonce, &signature),
        value: U256::ZERO,
    };
    // Chain id, nonce, fees, the gas estimate (a token without `cancelAuthorization` refuses
    // here, before any gas is spent), the payer's gas balance, signing, sending, and a wait
    // for the receipt bounded by --timeout: the one way this tool sends a transaction.
    let spinner = std::cell::RefCell::new(None);
    let sent = crate::evm_tx::send(
        chain,
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
    match sent {
        Ok(receipt) => Ok(receipt),
        Err(e) => Err(not_sent(c, t, journal, e)),
    }
}

/// What a failed send means for the authorization.
fn not_sent(c: &CancelArgs, t: &Target, journal: &Journal, e: TxError) -> anyhow::Error {
    let s = &t.payment.signed;
    match e {
        TxError::WouldRevert { message } => t.refuse(format!(
            "{} refused cancelAuthorization ({message}); a token without EIP-3009 \
             cancelAuthorization cannot cancel it: it stays open until {}",
            s.asset,
            Timestamp::from_second(s.valid_before as i64)
                .map(|t| t.to_string())
                .unwrap_or_default()
        )),
        TxError::NotMined { hash, .. } => not_mined(c, &t.payment, journal, hash),
        TxError::Reverted { hash, .. } => fail(
            ExitStatus::Failure,
            format!("the cancellation {hash:#x} reverted: the authorization is still open"),
        ),
        e => e.into(),
    }
}

/// A cancellation sent but not mined within `--timeout`: the status stays what it was; the
/// reason keeps the transaction for whoever looks, and `history check` recognises the
/// cancellation once it is mined. Exit 115.
pub(super) fn not_mined(
    c: &CancelArgs,
    payment: &Payment,
    journal: &Journal,
    hash: B256,
) -> anyhow::Error {
    let tx = format!("{hash:#x}");
    if let Err(e) = journal.record_outcome(Outcome {
        time: Timestamp::now(),
        nonce: payment.signed.nonce.clone(),
        status: payment.status,
        transaction: None,
        reason: Some(format!("cancellation {tx} sent, not yet mined")),
        verified: false,
        charged: None,
    }) {
        return e;
    }
    fail(
        ExitStatus::OutcomeUnknown,
        format!(
            "the cancellation {tx} was sent but not mined within {} s; `x402 history \
             check` tells later whether it took",
            c.timeout
        ),
    )
}

/// The token asked once more, `cancelled` recorded, and the result printed.
async fn finish(
    ctx: &Context<'_>,
    args: &HistoryArgs,
    chain: &Chain<'_>,
    network: &Network,
    t: &Target,
    journal: &Journal,
    receipt: crate::evm_tx::Receipt,
) -> Result<ExitStatus> {
    let s = &t.payment.signed;
    let tx = format!("{:#x}", receipt.hash);
    // A contract that accepts any call would mine "successfully" without cancelling: only the
    // token's own state says the nonce can no longer be used.
    if !chain
        .rpc
        .authorization_state(t.evm.asset, t.evm.payer, t.nonce)
        .await?
    {
        return Err(fail(
            ExitStatus::Failure,
            format!(
                "{tx} was mined, but {} still shows the authorization unused: it is still open",
                s.asset
            ),
        ));
    }
    cancelled(ctx, args, network, &t.payment, journal, &tx)
}

/// `cancelled` recorded with the transaction, and the result printed (`--json`: the record).
pub(super) fn cancelled(
    ctx: &Context<'_>,
    args: &HistoryArgs,
    network: &Network,
    payment: &Payment,
    journal: &Journal,
    tx: &str,
) -> Result<ExitStatus> {
    let s = &payment.signed;
    journal.record_outcome(Outcome {
        time: Timestamp::now(),
        nonce: s.nonce.clone(),
        status: Status::Cancelled,
        transaction: Some(tx.to_owned()),
        reason: Some(format!("cancelled on-chain in {tx}")),
        verified: true,
        charged: None,
    })?;
    if args.json {
        ctx.printer.json(&json!({
            "nonce": s.nonce,
            "status": Status::Cancelled,
            "before": payment.status,
            "transaction": tx,
            "network": s.network,
            "asset": s.asset,
            "payer": s.payer,
            "amount": s.amount.to_string(),
            "amount_decimal": amount::format_units(s.amount, s.decimals),
        }))?;
    } else {
        let mut line = format!("cancelled {} on {}  tx {tx}", s.nonce, network.name);
        if let Some(link) = network.explorer_link(tx) {
            line.push_str(&format!("  {link}"));
        }
        ctx.printer.result(&line)?;
    }
    Ok(ExitStatus::Success)
}
