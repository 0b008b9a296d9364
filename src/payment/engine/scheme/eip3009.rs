//! EVM `exact` through EIP-3009 `transferWithAuthorization`: the balance read before the quote,
//! the signed authorization (`payment::sign_payment`), and `AuthorizationUsed(payer, nonce)` in
//! a receipt as the chain's word on a transaction a server named.

use super::{BoxFuture, ChainReads, Detail, Key, OnChain, Scheme, SignedPayment};
use crate::keystore::Keystore;
use crate::output::Printer;
use crate::payment::challenge::Challenge;
use crate::payment::engine::outcome::{Money, Refusal, money};
use crate::payment::engine::utc_time;
use crate::payment::policy::Quote;
use crate::rpc::Rpc;
use anyhow::Result;
use serde_json::Value;
use std::time::Duration;

/// How long the balance read before a payment may take.
const BALANCE_TIMEOUT: Duration = Duration::from_secs(10);

pub struct Eip3009;

impl Scheme for Eip3009 {
    fn signs(&self) -> &'static str {
        "an EIP-3009 authorization"
    }

    /// When the user configured an RPC URL for the quote's network, the wallet's balance of the
    /// asset is read before anything is shown or signed, so a payment that cannot succeed is
    /// not attempted. Without one (or when the account's address is not known before
    /// unlocking) the facilitator's refusal tells the same, after the attempt.
    fn preflight<'a>(
        &'a self,
        printer: &'a Printer,
        quote: &'a Quote,
        owner: Option<&'a Keystore>,
    ) -> BoxFuture<'a, Result<Option<Refusal>>> {
        Box::pin(async move {
            let (Some(url), Some(token)) = (
                quote
                    .network
                    .rpc_url()
                    .filter(|_| quote.network.rpc_configured()),
                quote.evm_token(),
            ) else {
                return Ok(None);
            };
            let Some(owner) = owner.and_then(|ks| ks.address) else {
                return Ok(None);
            };
            let client = crate::http::client(&crate::http::ClientOptions {
                timeout: Some(BALANCE_TIMEOUT),
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
                    printer.detail(format!("balance not checked before paying: {e}"));
                    Ok(None)
                }
            }
        })
    }

    /// Nothing to read: the authorization names only the terms and a random nonce.
    fn sign(
        &self,
        challenge: &Challenge,
        quote: &Quote,
        key: &Key,
        _reads: ChainReads,
        now: u64,
    ) -> Result<Result<SignedPayment, Refusal>> {
        let signer = key.evm_signer(quote)?;
        let signed = crate::payment::sign_payment(challenge, quote, signer, now)?;
        let auth = &signed.authorization;
        Ok(Ok(SignedPayment {
            header_name: signed.header_name,
            payer: auth.from.to_checksum(None),
            valid_after: auth.valid_after,
            valid_before: auth.valid_before,
            header_value: signed.header_value,
            nonce: signed.nonce,
            payment_id: signed.payment_id,
            detail: Detail::Eip3009,
        }))
    }

    /// Waits (at most `wait`) for `tx`'s receipt and reads what it did; a `tx` that is not a
    /// transaction hash is not looked for.
    fn confirm_on_chain<'a>(
        &'a self,
        rpc_url: &'a str,
        quote: &'a Quote,
        signed: &'a SignedPayment,
        tx: &'a str,
        wait: Duration,
        _charged: Option<alloy_primitives::U256>,
    ) -> BoxFuture<'a, Result<OnChain>> {
        Box::pin(async move {
            let Some((hash, client)) = super::evm_receipt_wait(tx, wait)? else {
                return Ok(OnChain::NotYet);
            };
            let rpc = Rpc::new(&client, rpc_url);
            let deadline = std::time::Instant::now() + wait;
            let Some(receipt) = rpc
                .wait_for_receipt(&format!("{hash:#x}"), deadline)
                .await?
            else {
                return Ok(OnChain::NotYet);
            };
            if receipt.get("status").and_then(Value::as_str) != Some("0x1") {
                return Ok(OnChain::Reverted);
            }
            let Some(token) = quote.evm_token() else {
                return Ok(OnChain::Unrelated);
            };
            let payer = signed.payer.parse()?;
            let used = crate::rpc::authorization_used_in(&receipt, token, payer, &signed.nonce);
            Ok(if used {
                OnChain::Settled
            } else {
                OnChain::Unrelated
            })
        })
    }

    fn still_open(&self, signed: &SignedPayment) -> String {
        format!(
            "the signed authorization (nonce {}) can still be used until {}, so it counts as \
             spent until `x402 history check` shows it unused and expired (`x402 history cancel \
             {}` makes it worthless sooner)",
            signed.nonce,
            utc_time(signed.valid_before),
            signed.nonce
        )
    }
}
