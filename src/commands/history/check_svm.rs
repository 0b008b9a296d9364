//! `history check` for Solana records (`transfer: "svm"`): the chain asked through
//! [`crate::svm::check`] about the payment the record describes (the payer's signature, memo,
//! blockhash and its last valid block height), and its [`Verdict`] turned into the record's
//! status: a settled payment is `settled` and verified (with the chain's transaction id, which
//! may differ from the one recorded), a payment that landed and failed `rejected` (it moved
//! nothing), one that never landed and whose blockhash is dead `expired`, and a settled record the
//! chain contradicts `disputed`. A payment that can still land is left as it is. Every RPC
//! failure is "could not be checked", never a verdict. May depend on `svm`, `journal` and the
//! parent module, not on `list` or `cancel`.

use super::check::Finding;
use super::price;
use crate::journal::{Signed, Status};
use crate::svm::check::{SvmPayment, Verdict, check};
use crate::svm::rpc::SvmRpc;

/// The payment a Solana record describes, typed; why not, when a field does not read.
pub(super) fn payment_of(s: &Signed) -> Result<SvmPayment, String> {
    let key = |what: &str, text: &str| {
        crate::svm::address::parse_pubkey(text)
            .map_err(|e| format!("the record's {what} '{text}' {e}"))
    };
    let memo = s.memo.clone().ok_or("the record has no memo")?;
    let blockhash = s
        .blockhash
        .as_deref()
        .ok_or("the record has no blockhash")?;
    Ok(SvmPayment {
        payer: key("payer", &s.payer)?,
        payer_signature: s
            .nonce
            .parse()
            .map_err(|_| format!("the record's signature '{}' does not read", s.nonce))?,
        memo,
        blockhash: blockhash
            .parse()
            .map_err(|_| format!("the record's blockhash '{blockhash}' does not read"))?,
        last_valid_block_height: s.last_valid_block_height,
        mint: key("asset", &s.asset)?,
        pay_to: key("payee", &s.pay_to)?,
        amount: u64::try_from(s.amount)
            .map_err(|_| "the record's amount exceeds a Solana token amount".to_string())?,
        signed_at: u64::try_from(s.time.as_second()).unwrap_or(0),
    })
}

/// Asks the chain about the record in `f` over `rpc`; `Err` when it cannot be asked.
pub(super) async fn check_record(rpc: &SvmRpc<'_>, f: &mut Finding) -> Result<(), String> {
    let payment = payment_of(&f.payment.signed)?;
    let named = f.payment.transaction.clone();
    let verdict = check(rpc, &payment, named.as_deref())
        .await
        .map_err(|e| e.to_string())?;
    apply(f, &verdict);
    Ok(())
}

/// The record's new status and the note for what the chain said.
pub(super) fn apply(f: &mut Finding, verdict: &Verdict) {
    let recorded_settled = matches!(f.payment.status, Status::Settled | Status::Disputed);
    let what = price(&f.payment);
    match verdict {
        Verdict::Settled { signature, slot } => settled(f, signature, *slot, &what),
        Verdict::Failed {
            signature, reason, ..
        } => failed(f, signature, reason, recorded_settled),
        Verdict::Mismatch {
            signature,
            reason,
            payment: None,
        } => {
            f.mismatch = true;
            f.status = Some(Status::Disputed);
            f.transaction = Some(signature.clone());
            f.note = format!("transaction {signature} is this payment, but {reason}");
        }
        Verdict::Mismatch {
            signature,
            reason,
            payment: Some(inner),
        } => {
            apply(f, inner);
            let named =
                format!("the recorded transaction {signature} is not this payment ({reason})");
            if recorded_settled && !matches!(**inner, Verdict::Settled { .. }) {
                f.mismatch = true;
                f.status = Some(Status::Disputed);
            }
            f.note = format!("{named}; {}", f.note);
        }
        Verdict::Expired { block_height } if recorded_settled => {
            f.mismatch = true;
            f.status = Some(Status::Disputed);
            f.note = format!(
                "recorded as settled, but the chain has no transaction of it and its blockhash expired (block height {block_height})"
            );
        }
        Verdict::Expired { block_height } => {
            f.status = Some(Status::Expired);
            f.note = format!(
                "never landed, and its blockhash expired (block height {block_height}): it can no longer move money"
            );
        }
        Verdict::Open { block_height } => {
            let until = f
                .payment
                .signed
                .last_valid_block_height
                .map(|last| format!(" until block height {last}"))
                .unwrap_or_default();
            f.note =
                format!("not on chain yet (block height {block_height}); it can still land{until}");
        }
    }
}

/// [`apply`] of a landed, successful transaction that moved `what`.
fn settled(f: &mut Finding, signature: &str, slot: u64, what: &str) {
    f.status = Some(Status::Settled);
    f.verified = true;
    f.transaction = Some(signature.to_owned());
    f.note = format!(
        "transaction {signature} (slot {slot}) moved exactly {what} to the payee's token account"
    );
    if let Some(recorded) = &f.payment.transaction
        && recorded != signature
    {
        f.note.push_str(&format!(" (the record named {recorded})"));
    }
    if f.payment.status == Status::Rejected {
        f.note = format!("the server refused it, but {}", f.note);
    }
}

/// [`apply`] of a landed transaction that failed: disputed when recorded as settled.
fn failed(f: &mut Finding, signature: &str, reason: &str, recorded_settled: bool) {
    if recorded_settled {
        f.mismatch = true;
        f.status = Some(Status::Disputed);
        f.transaction = Some(signature.to_owned());
        f.note = format!(
            "recorded as settled, but transaction {signature} failed ({reason}): it moved nothing"
        );
    } else {
        f.status = Some(Status::Rejected);
        f.transaction = Some(signature.to_owned());
        f.note = format!(
            "transaction {signature} landed and failed ({reason}): it moved nothing and can never move money"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::{Payment, SchemeName, Transfer};
    use alloy_primitives::U256;
    use jiff::Timestamp;

    const PAYER: &str = "AKnL4NNf3DGWZJS6cPknBuEGnVsV4A4m5tgebLHaRSZ9";
    const MINT: &str = "4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU";
    const PAY_TO: &str = "2wKupLR9q6wXYppw8Gr2NvWxKBUqm4PPJKkQfoxHDBg4";
    const BLOCKHASH: &str = "EETubP5AKHgjPAhzPAFcb8BAY1hMH639CWCFTqi3hq1k";

    fn signature(byte: u8) -> String {
        solana_keypair::Signature::from([byte; 64]).to_string()
    }

    fn record(status: Status, transaction: Option<String>) -> Payment {
        Payment {
            signed: Signed {
                time: Timestamp::now(),
                url: "http://127.0.0.1:1/x".into(),
                method: "GET".into(),
                body_sha256: crate::journal::body_hash(None),
                version: 2,
                network: "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1".into(),
                network_name: "solana-devnet".into(),
                asset: MINT.into(),
                symbol: "USDC".into(),
                decimals: 6,
                amount: U256::from(1000),
                pay_to: PAY_TO.into(),
                payer: PAYER.into(),
                nonce: signature(1),
                valid_after: 0,
                valid_before: 1,
                payment_id: None,
                scheme: SchemeName::Exact,
                transfer: Transfer::Svm,
                memo: Some("0123456789abcdef0123456789abcdef".into()),
                blockhash: Some(BLOCKHASH.into()),
                last_valid_block_height: Some(1150),
                spender: None,
            },
            status,
            transaction,
            reason: None,
            verified: false,
            charged: None,
            updated: Timestamp::now(),
        }
    }

    fn finding(status: Status, transaction: Option<String>) -> Finding {
        let mut f = Finding::new(record(status, transaction));
        f.note.clear();
        f
    }

    #[test]
    fn a_record_reads_as_the_payment_it_describes() {
        let p = payment_of(&record(Status::Pending, None).signed).unwrap();
        assert_eq!(p.payer.to_string(), PAYER);
        assert_eq!(p.payer_signature.to_string(), signature(1));
        assert_eq!(p.blockhash.to_string(), BLOCKHASH);
        assert_eq!((p.amount, p.last_valid_block_height), (1000, Some(1150)));
        assert_eq!(
            (p.mint.to_string(), p.pay_to.to_string()),
            (MINT.into(), PAY_TO.into())
        );
        let mut s = record(Status::Pending, None).signed;
        s.memo = None;
        assert_eq!(payment_of(&s).unwrap_err(), "the record has no memo");
        let mut s = record(Status::Pending, None).signed;
        s.nonce = "0xabc".into();
        assert!(payment_of(&s).unwrap_err().contains("signature"));
    }

    #[test]
    fn verdicts_become_statuses() {
        let settled = Verdict::Settled {
            signature: signature(9),
            slot: 1001,
        };
        // An open record the chain has: settled and verified, with the chain's id.
        for before in [
            Status::Pending,
            Status::Unknown,
            Status::Rejected,
            Status::Settled,
        ] {
            let mut f = finding(before, Some(signature(8)));
            apply(&mut f, &settled);
            assert_eq!(f.status, Some(Status::Settled), "{before}");
            assert!(f.verified && !f.mismatch);
            assert_eq!(f.transaction, Some(signature(9)));
            assert!(f.note.contains("moved exactly 0.001 USDC"), "{}", f.note);
            assert!(
                f.note.contains(&signature(8)),
                "the recorded id is named: {}",
                f.note
            );
        }
        let failed = Verdict::Failed {
            signature: signature(9),
            slot: 1001,
            reason: "{\"InstructionError\":[2,{\"Custom\":1}]}".into(),
        };
        let mut f = finding(Status::Unknown, None);
        apply(&mut f, &failed);
        assert_eq!((f.status, f.mismatch), (Some(Status::Rejected), false));
        assert!(f.note.contains("moved nothing"), "{}", f.note);
        let mut f = finding(Status::Settled, Some(signature(9)));
        apply(&mut f, &failed);
        assert_eq!((f.status, f.mismatch), (Some(Status::Disputed), true));
        // Expired: an open record can no longer move money; a settled one is contradicted.
        let expired = Verdict::Expired { block_height: 1200 };
        let mut f = finding(Status::Pending, None);
        apply(&mut f, &expired);
        assert_eq!((f.status, f.mismatch), (Some(Status::Expired), false));
        let mut f = finding(Status::Settled, Some(signature(9)));
        apply(&mut f, &expired);
        assert_eq!((f.status, f.mismatch), (Some(Status::Disputed), true));
        // Open: left as it is.
        let mut f = finding(Status::Unknown, None);
        apply(&mut f, &Verdict::Open { block_height: 1100 });
        assert_eq!((f.status, f.mismatch, f.verified), (None, false, false));
        assert!(f.note.contains("until block height 1150"), "{}", f.note);
        // The recorded transaction is another one: the payment's own verdict decides, and a
        // settled record whose payment is not on chain is disputed.
        let other = |inner: Verdict| Verdict::Mismatch {
            signature: signature(7),
            reason: "it is not signed by the paying account".into(),
            payment: Some(Box::new(inner)),
        };
        let mut f = finding(Status::Settled, Some(signature(7)));
        apply(&mut f, &other(Verdict::Open { block_height: 1100 }));
        assert_eq!((f.status, f.mismatch), (Some(Status::Disputed), true));
        assert!(f.note.contains("is not this payment"), "{}", f.note);
        let mut f = finding(Status::Settled, Some(signature(7)));
        apply(&mut f, &other(settled.clone()));
        assert_eq!((f.status, f.verified), (Some(Status::Settled), true));
        // This payment, moving something else: disputed.
        let mut f = finding(Status::Settled, Some(signature(9)));
        apply(
            &mut f,
            &Verdict::Mismatch {
                signature: signature(9),
                reason: "it transfers 999 base units".into(),
                payment: None,
            },
        );
        assert_eq!((f.status, f.mismatch), (Some(Status::Disputed), true));
    }
}
