//! EVM Permit2 payments, `exact` (`extra.assetTransferMethod: "permit2"`) and `upto`: the
//! balance read before the quote; in `read`, before the journal's lock, what
//! [`permit2::chain::read`] asks when an RPC URL is configured for the network (the node's
//! chain id, `allowance(payer, Permit2)`, what the gas-sponsoring extension the server offers
//! needs when the allowance is short, and a refusal before anything is signed when nothing
//! covers it); in `sign`, under the lock and without the chain, the signed
//! `PermitWitnessTransferFrom` (and extension) and the header that carries it; and
//! [`permit2::check::confirm`] as the chain's word on a transaction a server named.
//!
//! Without a configured RPC URL the permit is signed as is: a server whose payer has no
//! allowance answers 412 `permit2_allowance_required`, which the flow reports as the same
//! refusal (exit 117).

use super::{BoxFuture, ChainReads, Detail, Key, OnChain, Scheme, SignedPayment};
use crate::keystore::Keystore;
use crate::output::Printer;
use crate::payment::challenge::Challenge;
use crate::payment::engine::outcome::{Refusal, money};
use crate::payment::engine::utc_time;
use crate::payment::header;
use crate::payment::permit2::{
    self, Terms,
    chain::{PrepareError, Prepared},
    check::{Confirmation, Record},
};
use crate::payment::policy::{self, Quote};
use alloy_primitives::U256;
use anyhow::{Result, anyhow};
use std::time::Duration;

/// How long each chain read before a payment may take.
const READ_TIMEOUT: Duration = Duration::from_secs(10);

pub struct Permit2;

/// The quote's Permit2 terms (the flow picks this scheme only for such a quote).
fn terms(quote: &Quote) -> Result<&Terms> {
    match &quote.scheme {
        policy::Scheme::Permit2(terms) => Ok(terms),
        _ => Err(anyhow!("not a Permit2 quote")),
    }
}

/// The RPC URL the user configured for the quote's network: the only one asked before paying.
fn configured_rpc(quote: &Quote) -> Option<&str> {
    quote
        .network
        .rpc_url()
        .filter(|_| quote.network.rpc_configured())
}

fn client(timeout: Duration) -> Result<reqwest::Client> {
    crate::http::client(&crate::http::ClientOptions {
        timeout: Some(timeout),
        ..Default::default()
    })
    .map_err(Into::into)
}

impl Scheme for Permit2 {
    fn signs(&self) -> &'static str {
        "a Permit2 permit"
    }

    /// The wallet's balance of the token, as for EIP-3009, when an RPC URL is configured and
    /// the account's address is known: for `upto` against the maximum, which the server may
    /// charge. The allowance is read when signing (`sign`), where the server's extensions
    /// are known.
    fn preflight<'a>(
        &'a self,
        printer: &'a Printer,
        quote: &'a Quote,
        owner: Option<&'a Keystore>,
    ) -> BoxFuture<'a, Result<Option<Refusal>>> {
        super::eip3009::Eip3009.preflight(printer, quote, owner)
    }

    /// With an RPC URL configured, [`permit2::chain::read`]: the chain id, the allowance, and
    /// what the sponsoring extension needs; a refusal when nothing covers the allowance.
    /// Without one, nothing is read.
    fn read<'a>(
        &'a self,
        challenge: &'a Challenge,
        quote: &'a Quote,
        key: &'a Key,
    ) -> BoxFuture<'a, Result<Result<ChainReads, Refusal>>> {
        Box::pin(async move {
            let terms = terms(quote)?;
            let owner = key.evm_signer(quote)?.address();
            let Some(url) = configured_rpc(quote) else {
                return Ok(Ok(ChainReads::Permit2(None)));
            };
            let client = client(READ_TIMEOUT)?;
            let chain = crate::evm_tx::Chain::new(&client, url, terms.chain_id);
            let offered = challenge.extensions.as_ref();
            match permit2::chain::read(&chain, owner, terms, offered).await {
                Ok(reads) => Ok(Ok(ChainReads::Permit2(Some(Box::new(reads))))),
                Err(e) => refused(e).map(Err),
            }
        })
    }

    fn sign(
        &self,
        challenge: &Challenge,
        quote: &Quote,
        key: &Key,
        reads: ChainReads,
        now: u64,
    ) -> Result<Result<SignedPayment, Refusal>> {
        let terms = terms(quote)?;
        let signer = key.evm_signer(quote)?;
        let offered = challenge.extensions.as_ref();
        let Prepared {
            signed, extensions, ..
        } = match reads {
            ChainReads::Permit2(Some(reads)) => {
                match permit2::chain::sign(&reads, signer, terms, offered, now) {
                    Ok(prepared) => prepared,
                    Err(e) => return refused(e).map(Err),
                }
            }
            _ => Prepared {
                signed: permit2::authorize(signer, terms, now)?,
                approval: permit2::Approval::Sufficient,
                extensions: offered.cloned(),
            },
        };
        let mut payment_id = None;
        let extensions = extensions.map(|ext| {
            let id = header::new_payment_id();
            match header::with_payment_id(&ext, &id) {
                Some(with_id) => {
                    payment_id = Some(id);
                    with_id
                }
                None => ext,
            }
        });
        let req = &challenge.accepts[quote.index];
        let header_value = header::payment_signature_v2(
            &req.raw,
            challenge.raw.get("resource"),
            extensions.as_ref(),
            signed.payload.clone(),
        );
        let a = &signed.authorization;
        Ok(Ok(SignedPayment {
            header_name: header::PAYMENT_SIGNATURE_HEADER,
            header_value,
            nonce: a.nonce.to_string(),
            payer: a.from.to_checksum(None),
            valid_after: a.valid_after,
            valid_before: a.deadline,
            payment_id,
            detail: Detail::Permit2 {
                spender: a.spender(),
            },
        }))
    }

    /// [`permit2::check::confirm`]: the receipt (waited for at most `wait`), the token's
    /// Transfer from the payer to the payee of the price (`exact`) or, for `upto`, of exactly
    /// the amount `charged` and never above the maximum (no amount given: the proxy call's,
    /// else any up to the maximum, as `history check` judges it), and the Permit2 nonce spent.
    fn confirm_on_chain<'a>(
        &'a self,
        rpc_url: &'a str,
        quote: &'a Quote,
        signed: &'a SignedPayment,
        tx: &'a str,
        wait: Duration,
        charged: Option<alloy_primitives::U256>,
    ) -> BoxFuture<'a, Result<OnChain>> {
        Box::pin(async move {
            let record = record(quote, signed, charged)?;
            let Some((transaction, client)) = super::evm_receipt_wait(tx, wait)? else {
                return Ok(OnChain::NotYet);
            };
            let chain = crate::evm_tx::Chain::new(&client, rpc_url, record.chain_id);
            Ok(
                match permit2::check::confirm(&chain, &record, transaction, wait).await? {
                    Confirmation::Settled(_) => OnChain::Settled,
                    Confirmation::Reverted { .. } => OnChain::Reverted,
                    Confirmation::Unrelated(_) => OnChain::Unrelated,
                    Confirmation::NotYet => OnChain::NotYet,
                },
            )
        })
    }

    fn still_open(&self, signed: &SignedPayment) -> String {
        format!(
            "the signed permit (Permit2 nonce {}) can still be used until {}, so it counts as \
             spent until `x402 history check` shows it unused and expired (`x402 history cancel \
             {}` makes it worthless sooner)",
            signed.nonce,
            utc_time(signed.valid_before),
            signed.nonce
        )
    }
}

/// A refusal for an allowance nothing covers; `Err` for anything else.
fn refused(e: PrepareError) -> Result<Refusal> {
    match e {
        PrepareError::AllowanceRequired(required) => Ok(Refusal::AllowanceRequired {
            required,
            still_open: None,
        }),
        e => Err(e.into()),
    }
}

/// The check's view of a payment just signed and, for `upto`, what its settlement says was
/// `charged` (the Transfer must move exactly that).
fn record(quote: &Quote, signed: &SignedPayment, charged: Option<U256>) -> Result<Record> {
    let terms = terms(quote)?;
    Ok(Record {
        chain_id: terms.chain_id,
        token: terms.token,
        payer: signed.payer.parse()?,
        pay_to: terms.pay_to,
        nonce: permit2::check::parse_nonce(&signed.nonce)
            .ok_or_else(|| anyhow!("the nonce {} is not a Permit2 nonce", signed.nonce))?,
        deadline: signed.valid_before,
        // Where the search for the settlement may start: no later than the signing.
        signed_at: signed.valid_after,
        scheme: terms.kind.into(),
        amount: money(quote).amount,
        transaction: None,
        charged: charged.filter(|_| quote.is_upto()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payment::engine::scheme::tests::{evm_quote, permit2_terms, signed};

    /// The receipt wait judges an `upto` settlement on the charge its receipt names, as
    /// `history check` does on the charge recorded: exactly that amount must move.
    #[test]
    fn the_upto_receipt_wait_asks_for_exactly_the_charge() {
        let spender = Detail::Permit2 {
            spender: alloy_primitives::Address::repeat_byte(0x40),
        };
        let upto = evm_quote(policy::Scheme::Permit2(permit2_terms()));
        let s = signed("1234", spender.clone());
        let r = record(&upto, &s, Some(U256::from(1_250u64))).unwrap();
        assert_eq!(r.expected(), Some(U256::from(1_250u64)));
        assert_eq!(
            r.amount,
            U256::from(2_000u64),
            "the maximum stays the bound"
        );
        assert_eq!(record(&upto, &s, None).unwrap().expected(), None);
        // Exact: the price, whatever a receipt says.
        let mut terms = permit2_terms();
        terms.kind = permit2::Kind::Exact;
        let exact = evm_quote(policy::Scheme::Permit2(terms));
        let r = record(&exact, &s, Some(U256::from(5u8))).unwrap();
        assert_eq!(r.expected(), Some(U256::from(2_000u64)));
    }
}
