//! `history check` for EIP-3009 records: an open one is asked `authorizationState(payer,
//! nonce)` (and its `AuthorizationUsed`/`AuthorizationCanceled` event for the transaction), a
//! settled one must have a successful receipt holding a Transfer of exactly the amount from the
//! payer to the payee on the asset. Reads the chain through `rpc`; writes only the [`Finding`].
//! May depend on `rpc`, `journal` and the parent module, not on `list` or `cancel`.

use super::check::Finding;
use super::price;
use crate::amount;
use crate::journal::{EvmParties, Signed, Status};
use crate::rpc::{AUTHORIZATION_USED_TOPIC, Rpc, TRANSFER_TOPIC, topic_address};
use alloy_primitives::{Address, B256, U256};
use anyhow::Result;
use jiff::Timestamp;
use serde_json::{Value, json};

/// The record's EVM addresses; a record without them cannot be asked about.
fn parties(s: &Signed) -> Result<EvmParties> {
    s.evm_parties()
        .ok_or_else(|| anyhow::anyhow!("the record's asset, payee or payer is not an EVM address"))
}

/// For an open payment: `authorizationState(payer, nonce)`.
pub(super) async fn authorization_used(rpc: &Rpc<'_>, f: &mut Finding) -> Result<()> {
    let s = &f.payment.signed;
    let nonce: B256 = s
        .nonce
        .parse()
        .map_err(|_| anyhow::anyhow!("the recorded nonce {} is not 32 bytes", s.nonce))?;
    let evm = parties(s)?;
    let used = rpc.authorization_state(evm.asset, evm.payer, nonce).await?;
    let now = Timestamp::now().as_second() as u64;
    if used {
        // authorizationState is true for a cancelled nonce too: the events tell which.
        if f.payment.status != Status::Settled
            && let Some(tx) = find_authorization_tx(
                rpc,
                evm.asset,
                evm.payer,
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
            find_authorization_tx(rpc, evm.asset, evm.payer, nonce, AUTHORIZATION_USED_TOPIC).await;
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
pub(super) async fn verify_transfer(rpc: &Rpc<'_>, f: &mut Finding) -> Result<()> {
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
    let evm = parties(s)?;
    let transfers = transfers_in(&receipt);
    let asset = format!("{:#x}", evm.asset);
    let (from, to) = (topic_address(evm.payer), topic_address(evm.pay_to));
    let exact = transfers
        .iter()
        .any(|(a, f_, t, v)| *a == asset && *f_ == from && *t == to && *v == s.amount);
    if exact {
        f.status = Some(Status::Settled);
        f.transaction = Some(tx.clone());
        f.verified = true;
        f.note = format!("transaction {tx} moved exactly {}", price(&f.payment));
    } else {
        let note = no_exact_transfer(&f.payment, &tx, &asset, &transfers);
        f.mismatch = true;
        f.status = Some(Status::Disputed);
        f.note = note;
    }
    Ok(())
}

/// A token Transfer log: (token, from topic, to topic, value), lowercase hex.
type TransferLog = (String, String, String, U256);

/// The Transfer logs of a receipt.
fn transfers_in(receipt: &Value) -> Vec<TransferLog> {
    receipt
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
        .collect()
}

/// Why a settled record's transaction does not prove it: what the transaction moved instead.
fn no_exact_transfer(
    payment: &crate::journal::Payment,
    tx: &str,
    asset: &str,
    transfers: &[TransferLog],
) -> String {
    let s = &payment.signed;
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
    format!(
        "transaction {tx} has no Transfer of {} from {} to {} (it shows: {})",
        price(payment),
        s.payer,
        s.pay_to,
        if seen.is_empty() {
            "no transfer of this asset".to_string()
        } else {
            seen.join(", ")
        }
    )
}
