//! Solana `exact`: payTo's token account and the payer's balance read before the quote
//! (`svm::payment::preflight`); mint, blockhash and accounts read again before the journal's
//! lock (`svm::payment::read`); under it, without the chain, the signed v0 transaction
//! (`svm::payment::sign`: the payer's signature, the fee payer's slot left for the
//! facilitator); and `svm::check::confirm` as the chain's word on a transaction a server named.
//!
//! The payment's identity is the payer's signature (the journal's `nonce`); the memo, the
//! blockhash and its last valid block height ride along as [`Detail::Svm`], for the receipt
//! wait here and for `history check`. `valid_before` is the signing time plus
//! `maxTimeoutSeconds`, the bound shown; the chain's bound is the block height.

use super::{BoxFuture, ChainReads, Detail, Key, OnChain, Scheme, SignedPayment};
use crate::keystore::Keystore;
use crate::output::Printer;
use crate::payment::challenge::Challenge;
use crate::payment::engine::outcome::{Money, Refusal, money};
use crate::payment::policy::{self, Quote};
use crate::svm::check::{SvmPayment, Verdict};
use crate::svm::payment::PrepareError;
use crate::svm::requirement::SvmExact;
use crate::svm::rpc::SvmRpc;
use alloy_primitives::U256;
use anyhow::{Result, anyhow};
use solana_keypair::Signer;
use std::time::Duration;

/// How long the reads before a payment may take.
const PREFLIGHT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long one RPC read while signing may take.
const SIGN_TIMEOUT: Duration = Duration::from_secs(20);

pub struct Svm;

/// The Solana keypair, for a quote on a Solana network.
fn keypair_of<'k>(quote: &Quote, key: &'k Key) -> Result<&'k crate::svm::Keypair> {
    match key {
        Key::Svm(keypair) => Ok(keypair),
        Key::Evm(_) => Err(anyhow!(
            "{} is paid by a Solana account, not an EVM one",
            quote.network
        )),
    }
}

/// The Solana option a quote pays.
fn exact_of(quote: &Quote) -> Result<&SvmExact> {
    match &quote.scheme {
        policy::Scheme::Svm(exact) => Ok(exact),
        _ => Err(anyhow!("{} is not a Solana quote", quote.network)),
    }
}

fn rpc_url(quote: &Quote) -> Result<&str> {
    quote.network.rpc_url().ok_or_else(|| {
        anyhow!(
            "no RPC URL for {}: set [rpc] {} = \"URL\" in config.toml",
            quote.network,
            quote.network.name()
        )
    })
}

fn client(timeout: Duration) -> Result<reqwest::Client> {
    crate::http::client(&crate::http::ClientOptions {
        timeout: Some(timeout),
        ..Default::default()
    })
    .map_err(Into::into)
}

/// A refusal for what [`crate::svm::payment`] found before signing; `Err` for what is not a
/// refusal (an RPC failure, classified by its [`crate::rpc::RpcError`]).
fn refusal(quote: &Quote, owner: String, e: PrepareError) -> Result<Refusal> {
    match e {
        PrepareError::InsufficientFunds { have, .. } => Ok(Refusal::InsufficientFunds {
            owner,
            balance: Money {
                amount: U256::from(have),
                ..money(quote)
            },
            asked: money(quote),
            network: quote.network.name().to_string(),
        }),
        e @ (PrepareError::DestinationMissing { .. }
        | PrepareError::WrongMint { .. }
        | PrepareError::Build(_)) => Ok(Refusal::NoOption(vec![(quote.index + 1, e.to_string())])),
        PrepareError::Rpc(e) => Err(anyhow::Error::new(e)),
    }
}

/// The journal's view of a signed payment, from its [`Detail::Svm`].
fn payment_of(signed: &SignedPayment) -> Result<&SvmPayment> {
    match &signed.detail {
        Detail::Svm(payment) => Ok(payment),
        _ => Err(anyhow!("the payment {} is not a Solana one", signed.nonce)),
    }
}

/// The journal's Solana fields of a signed payment: memo, blockhash and last valid block height.
pub fn journal_fields(detail: &Detail) -> (Option<String>, Option<String>, Option<u64>) {
    match detail {
        Detail::Svm(p) => (
            Some(p.memo.clone()),
            Some(p.blockhash.to_string()),
            p.last_valid_block_height,
        ),
        _ => (None, None, None),
    }
}

impl Scheme for Svm {
    fn signs(&self) -> &'static str {
        "a Solana transaction"
    }

    /// With the paying account known, payTo's token account and the payer's balance are read
    /// before anything is shown or signed. A read that fails is said with `-v` and left to the
    /// signing step, which reads the same again and fails there if it must.
    fn preflight<'a>(
        &'a self,
        printer: &'a Printer,
        quote: &'a Quote,
        owner: Option<&'a Keystore>,
    ) -> BoxFuture<'a, Result<Option<Refusal>>> {
        Box::pin(async move {
            let exact = exact_of(quote)?;
            let (Some(owner), Ok(url)) = (owner.and_then(|ks| ks.solana), rpc_url(quote)) else {
                return Ok(None);
            };
            let client = client(PREFLIGHT_TIMEOUT)?;
            let rpc = SvmRpc::new(&client, url);
            match crate::svm::payment::preflight(&rpc, exact, &owner).await {
                Ok(_) => Ok(None),
                Err(PrepareError::Rpc(e)) => {
                    printer.detail(format!("accounts not checked before paying: {e}"));
                    Ok(None)
                }
                Err(e) => refusal(quote, owner.to_string(), e).map(Some),
            }
        })
    }

    /// [`crate::svm::payment::read`]: the mint, a blockhash, payTo's and the payer's token
    /// accounts, each refusal said before anything is signed.
    fn read<'a>(
        &'a self,
        _challenge: &'a Challenge,
        quote: &'a Quote,
        key: &'a Key,
    ) -> BoxFuture<'a, Result<Result<ChainReads, Refusal>>> {
        Box::pin(async move {
            let keypair = keypair_of(quote, key)?;
            let exact = exact_of(quote)?;
            let client = client(SIGN_TIMEOUT)?;
            let rpc = SvmRpc::new(&client, rpc_url(quote)?);
            match crate::svm::payment::read(&rpc, exact, &keypair.pubkey()).await {
                Ok(reads) => Ok(Ok(ChainReads::Svm(Box::new(reads)))),
                Err(e) => refusal(quote, keypair.pubkey().to_string(), e).map(Err),
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
        let keypair = keypair_of(quote, key)?;
        let exact = exact_of(quote)?;
        let ChainReads::Svm(reads) = reads else {
            return Err(anyhow!(
                "{} is signed only after its chain reads",
                quote.network
            ));
        };
        let prepared = match crate::svm::payment::sign(exact, *reads, keypair) {
            Ok(prepared) => prepared,
            Err(e) => return refusal(quote, keypair.pubkey().to_string(), e).map(Err),
        };
        let payment =
            SvmPayment::signed(exact, &prepared, keypair.pubkey(), now).map_err(|e| anyhow!(e))?;
        let (header_name, header_value, payment_id) =
            crate::payment::payment_header(challenge, quote.index, prepared.payload());
        Ok(Ok(SignedPayment {
            header_name,
            header_value,
            nonce: prepared.transaction.payer_signature.clone(),
            payer: keypair.pubkey().to_string(),
            valid_after: now,
            valid_before: now.saturating_add(quote.max_timeout_seconds),
            payment_id,
            detail: Detail::Svm(Box::new(payment)),
        }))
    }

    /// Polls the signature's status (at most `wait`), then reads the transaction: it must carry
    /// the payer's signature and move exactly the amount to payTo's token account.
    fn confirm_on_chain<'a>(
        &'a self,
        rpc_url: &'a str,
        _quote: &'a Quote,
        signed: &'a SignedPayment,
        tx: &'a str,
        wait: Duration,
        _charged: Option<alloy_primitives::U256>,
    ) -> BoxFuture<'a, Result<OnChain>> {
        Box::pin(async move {
            let payment = payment_of(signed)?;
            let client = client(wait + SIGN_TIMEOUT)?;
            let rpc = SvmRpc::new(&client, rpc_url);
            let verdict = crate::svm::check::confirm(&rpc, payment, tx, wait).await?;
            Ok(on_chain(&verdict))
        })
    }

    fn still_open(&self, signed: &SignedPayment) -> String {
        let until = match payment_of(signed)
            .ok()
            .and_then(|p| p.last_valid_block_height)
        {
            Some(height) => format!("until the chain passes block height {height}"),
            None => "until its blockhash expires".to_string(),
        };
        format!(
            "the signed transaction (signature {}) can still land {until}, so it counts as \
             spent until `x402 history check` shows it expired",
            signed.nonce
        )
    }

    /// Asks the chain as `history check` does: expired when the signature is not on chain and
    /// the block height is past the blockhash's last valid one (and the node calls the
    /// blockhash invalid). Any failure to ask keeps [`Scheme::still_open`]'s words.
    fn lapsed<'a>(
        &'a self,
        quote: &'a Quote,
        signed: &'a SignedPayment,
    ) -> BoxFuture<'a, Option<String>> {
        Box::pin(async move {
            let payment = payment_of(signed).ok()?;
            let client = client(LAPSED_TIMEOUT).ok()?;
            let rpc = SvmRpc::new(&client, rpc_url(quote).ok()?);
            let verdict = crate::svm::check::check(&rpc, payment, None).await.ok()?;
            lapsed_text(signed, &verdict)
        })
    }
}

/// How long asking whether a refused payment has expired may take.
const LAPSED_TIMEOUT: Duration = Duration::from_secs(5);

/// [`Scheme::lapsed`]'s words for a verdict: only [`Verdict::Expired`] (not on chain, and its
/// blockhash dead) says the payment can never move money.
fn lapsed_text(signed: &SignedPayment, verdict: &Verdict) -> Option<String> {
    let Verdict::Expired { block_height } = verdict else {
        return None;
    };
    let last = payment_of(signed)
        .ok()
        .and_then(|p| p.last_valid_block_height)
        .map_or_else(String::new, |h| {
            format!(", past its last valid block height {h}")
        });
    Some(format!(
        "the signed transaction (signature {}) never landed and has expired (the chain is at \
         block height {block_height}{last}): it can no longer move money",
        signed.nonce
    ))
}

/// The engine's reading of what the chain says about a transaction a server named.
fn on_chain(verdict: &Verdict) -> OnChain {
    match verdict {
        Verdict::Settled { .. } => OnChain::Settled,
        // Landed and failed, or never landed with a dead blockhash: nothing moved, nor can.
        Verdict::Failed { .. } | Verdict::Expired { .. } => OnChain::Reverted,
        Verdict::Mismatch { .. } => OnChain::Unrelated,
        Verdict::Open { .. } => OnChain::NotYet,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_expired_verdict_replaces_the_still_open_words() {
        let signed = SignedPayment {
            header_name: "PAYMENT-SIGNATURE",
            header_value: String::new(),
            nonce: "5ig".into(),
            payer: String::new(),
            valid_after: 0,
            valid_before: 60,
            payment_id: None,
            detail: Detail::Eip3009,
        };
        assert_eq!(
            lapsed_text(&signed, &Verdict::Expired { block_height: 1151 }).as_deref(),
            Some(
                "the signed transaction (signature 5ig) never landed and has expired (the \
                 chain is at block height 1151): it can no longer move money"
            )
        );
        assert_eq!(
            lapsed_text(&signed, &Verdict::Open { block_height: 1100 }),
            None
        );
    }

    #[test]
    fn verdicts_read_as_the_engine_acts_on_them() {
        let s = |signature: &str| signature.to_string();
        assert_eq!(
            on_chain(&Verdict::Settled {
                signature: s("a"),
                slot: 1
            }),
            OnChain::Settled
        );
        assert_eq!(
            on_chain(&Verdict::Failed {
                signature: s("a"),
                slot: 1,
                reason: s("x")
            }),
            OnChain::Reverted
        );
        assert_eq!(
            on_chain(&Verdict::Expired { block_height: 9 }),
            OnChain::Reverted
        );
        assert_eq!(
            on_chain(&Verdict::Open { block_height: 9 }),
            OnChain::NotYet
        );
        assert_eq!(
            on_chain(&Verdict::Mismatch {
                signature: s("a"),
                reason: s("x"),
                payment: None
            }),
            OnChain::Unrelated
        );
    }
}
