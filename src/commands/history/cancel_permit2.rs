//! `x402 history cancel NONCE` for a Permit2 payment (`exact` or `upto`, its nonce decimal as
//! signed): Permit2's `invalidateUnorderedNonces` spends the nonce, in a transaction the payer
//! signs and pays gas for ([`permit2::cancel::cancel`]). The same order, confirmations and
//! journal record as the EIP-3009 cancellation in [`super::cancel`]. May depend on the parent
//! module, `cancel`, `check_permit2`, `journal`, `evm_tx` and `payment::permit2`.

use super::cancel::{cancelled, confirm, fail, judge_status, not_mined, refuse};
use super::check_permit2::{charged_nothing, record_of};
use super::price;
use crate::cli::{CancelArgs, HistoryArgs};
use crate::evm_tx::{Chain, TxError};
use crate::exit::ExitStatus;
use crate::journal::{Journal, Payment};
use crate::payment::permit2::{self, PERMIT2_ADDRESS, cancel::CancelError, check::Record};
use crate::settings::Context;
use anyhow::Result;
use jiff::Timestamp;

/// Order: the record judged cancellable (an `upto` that charged nothing is, until its
/// deadline); the network's RPC asked for its chain id and Permit2's nonce bitmap (a nonce
/// already spent is refused) and its time (a permit past its deadline is refused); the plan
/// shown and confirmed (`--yes` for scripts); only then the keystore unlocked, which must be
/// the payer's; `invalidateUnorderedNonces` sent and its receipt awaited; the bitmap read again;
/// `cancelled` recorded with the transaction.
pub(super) async fn cancel(
    ctx: &Context<'_>,
    args: &HistoryArgs,
    c: &CancelArgs,
    payment: Payment,
    journal: &Journal,
) -> Result<ExitStatus> {
    judge_status(&payment, charged_nothing(&payment))?;
    let record = record_of(&payment).map_err(|e| refuse(&payment, e.to_string()))?;
    let s = &payment.signed;
    let Some(network) = ctx.networks.find(&s.network) else {
        return Err(refuse(
            &payment,
            format!("{} is not a known network", s.network),
        ));
    };
    let Some(url) = network.rpc_url.clone() else {
        return Err(refuse(
            &payment,
            format!(
                "no RPC URL for {}: set [rpc] {} = \"URL\" in config.toml",
                s.network, s.network_name
            ),
        ));
    };
    let wait = std::time::Duration::from_secs_f64(c.timeout);
    let client = crate::http::client(&crate::http::ClientOptions {
        timeout: Some(wait),
        ..Default::default()
    })?;
    let chain = Chain::for_network(&client, &url, network);
    still_open(&chain, &payment, &record).await?;
    announce(ctx, &payment, &record, network);
    confirm(ctx, c)?;
    let ks = ctx.account(None, &c.account)?;
    let signer = ctx.unlock(&ks, &c.password)?;
    let p = ctx.printer;
    let spinner = std::cell::RefCell::new(None);
    let sent = permit2::cancel::cancel(&chain, &signer, &record, wait, |hash| {
        *spinner.borrow_mut() = p.spinner(format!("waiting for {hash} on {}", network.name));
    })
    .await;
    drop(spinner.take());
    drop(signer);
    match sent {
        Ok(receipt) => {
            let tx = format!("{:#x}", receipt.hash);
            cancelled(ctx, args, network, &payment, journal, &tx)
        }
        Err(CancelError::Tx(TxError::NotMined { hash, .. })) => {
            Err(not_mined(c, &payment, journal, hash))
        }
        Err(CancelError::Tx(TxError::Reverted { hash, .. })) => Err(fail(
            ExitStatus::Failure,
            format!("the cancellation {hash:#x} reverted: the permit is still open"),
        )),
        Err(e @ CancelError::Tx(_)) => Err(e.into()),
        Err(e) => Err(fail(e.status(), format!("not cancelling {}: {e}", s.nonce))),
    }
}

/// Before asking: the node is the record's chain, the nonce is unspent, and the chain's time
/// has not passed the permit's deadline.
async fn still_open(chain: &Chain<'_>, payment: &Payment, record: &Record) -> Result<()> {
    chain.check_chain().await.map_err(|e| match e {
        TxError::WrongChain { url, actual, .. } => refuse(
            payment,
            format!("{url} is chain {actual}, not {}", record.chain_id),
        ),
        other => other.into(),
    })?;
    if permit2::chain::nonce_used(&chain.rpc, chain.url, record.payer, record.nonce).await? {
        return Err(refuse(
            payment,
            "the chain shows its Permit2 nonce already spent (settled or cancelled); `x402 \
             history check` records which"
                .into(),
        ));
    }
    let (_, chain_time) = permit2::logs::block_time(&chain.rpc, chain.url, None).await?;
    if chain_time > record.deadline {
        return Err(refuse(
            payment,
            "it is past its deadline by the chain's clock: it can no longer be used (`x402 \
             history check` records it)"
                .into(),
        ));
    }
    Ok(())
}

/// The plan, on stderr.
fn announce(
    ctx: &Context<'_>,
    payment: &Payment,
    record: &Record,
    network: &crate::network::Network,
) {
    let s = &payment.signed;
    ctx.printer.info(format!(
        "cancel the Permit2 permit of {}{} to {} on {} (nonce {}, valid until {})",
        if record.scheme == permit2::check::Scheme::Upto {
            "up to "
        } else {
            ""
        },
        price(payment),
        s.pay_to,
        network.name,
        s.nonce,
        Timestamp::from_second(s.valid_before as i64)
            .map(|t| t.strftime("%Y-%m-%d %H:%M:%S UTC").to_string())
            .unwrap_or_default()
    ));
    ctx.printer.info(format!(
        "  by a transaction to Permit2 {PERMIT2_ADDRESS} (invalidateUnorderedNonces) from {}, \
         which pays its gas in {}",
        s.payer, network.native_symbol
    ));
}
