//! `history check` for Permit2 records (`exact` and `upto`): [`permit2::check::check`] asks
//! Permit2's `nonceBitmap` whether the nonce is spent and, for the named or found transaction,
//! whether it moved what the payment allowed; its [`Verdict`] becomes the record's new status.
//! Writes only the [`Finding`]. May depend on `payment::permit2`, `journal`, `evm_tx` and the
//! parent module, not on `list` or `cancel`.

use super::check::Finding;
use crate::amount;
use crate::journal::{Payment, SchemeName, Status};
use crate::payment::permit2::check::{self as permit2_check, Record, Scheme, Verdict};
use alloy_primitives::{B256, U256};
use anyhow::{Result, anyhow};

/// The check's view of a journal record: chain id from the CAIP-2 network, the deadline from
/// `valid_before`, the nonce from its decimal text, the signed amount (the maximum for `upto`),
/// and the transaction and charge the outcomes recorded.
pub(super) fn record_of(p: &Payment) -> Result<Record> {
    let s = &p.signed;
    let evm = s
        .evm_parties()
        .ok_or_else(|| anyhow!("the record's asset, payee or payer is not an EVM address"))?;
    let chain_id = s
        .network
        .strip_prefix("eip155:")
        .and_then(|id| id.parse().ok())
        .ok_or_else(|| anyhow!("the record's network {} is not an EVM chain", s.network))?;
    let nonce = permit2_check::parse_nonce(&s.nonce).ok_or_else(|| {
        anyhow!(
            "the recorded nonce {} is not a decimal Permit2 nonce",
            s.nonce
        )
    })?;
    let scheme = match &s.scheme {
        SchemeName::Exact => Scheme::Exact,
        SchemeName::Upto => Scheme::Upto,
        SchemeName::Other(other) => return Err(anyhow!("the record's scheme {other} is unknown")),
    };
    let transaction = p
        .transaction
        .as_deref()
        .map(|tx| {
            tx.parse::<B256>()
                .map_err(|_| anyhow!("the recorded transaction {tx} is not a 32-byte hash"))
        })
        .transpose()?;
    Ok(Record {
        chain_id,
        token: evm.asset,
        payer: evm.payer,
        pay_to: evm.pay_to,
        nonce,
        deadline: s.valid_before,
        signed_at: u64::try_from(s.time.as_second()).unwrap_or(0),
        scheme,
        amount: s.amount,
        transaction,
        charged: p.charged,
    })
}

/// An `upto` record whose settlement charged nothing: no money moved, and until its deadline
/// the permit could still be settled.
pub(super) fn charged_nothing(p: &Payment) -> bool {
    p.signed.scheme == SchemeName::Upto && p.charged == Some(U256::ZERO)
}

/// Asks the chain over `chain` and turns its verdict into the finding.
pub(super) async fn check(chain: &crate::evm_tx::Chain<'_>, f: &mut Finding) -> Result<()> {
    let record = record_of(&f.payment)?;
    let verdict = permit2_check::check(chain, &record).await?;
    apply(f, &record, &verdict);
    Ok(())
}

fn units(p: &Payment, amount: U256) -> String {
    amount::display(amount, p.signed.decimals, &p.signed.symbol)
}

/// Verdict → status: settled (verified), cancelled, expired, unchanged while open, a spent
/// nonce without its transaction settled but not verified, and a contradiction disputed.
fn apply(f: &mut Finding, record: &Record, verdict: &Verdict) {
    let before = f.payment.status;
    let settled_record = before == Status::Settled && !charged_nothing(&f.payment);
    f.transaction = verdict.transaction().map(|tx| format!("{tx:#x}"));
    match verdict {
        Verdict::Settled(s) => {
            f.status = Some(Status::Settled);
            f.verified = true;
            f.charged = (record.scheme == Scheme::Upto).then_some(s.amount);
            f.note = match record.scheme {
                Scheme::Exact => format!(
                    "transaction {:#x} moved exactly {}",
                    s.transaction,
                    units(&f.payment, s.amount)
                ),
                Scheme::Upto => format!(
                    "transaction {:#x} charged {} of the signed maximum of {}",
                    s.transaction,
                    units(&f.payment, s.amount),
                    units(&f.payment, record.amount)
                ),
            };
            if !s.nonce_seen {
                f.note
                    .push_str("; the proxy call was not visible, the Permit2 nonce is spent");
            }
            if before == Status::Rejected {
                f.note = format!("the server refused it, but {}", f.note);
            }
        }
        Verdict::Cancelled { .. } => {
            f.status = Some(Status::Cancelled);
            f.note = verdict.to_string();
        }
        Verdict::Expired { .. } if settled_record => {
            f.status = Some(Status::Disputed);
            f.mismatch = true;
            f.note = "recorded as settled, but the chain never spent the Permit2 nonce, and the \
                      permit has expired"
                .into();
        }
        Verdict::Expired { .. } => {
            f.status = Some(Status::Expired);
            f.note = verdict.to_string();
        }
        Verdict::Open { .. } if settled_record => {
            f.status = Some(Status::Disputed);
            f.mismatch = true;
            f.note = format!(
                "recorded as settled, but the chain has not spent the Permit2 nonce; {verdict}"
            );
        }
        Verdict::Open { .. } => {
            f.note = verdict.to_string();
            if charged_nothing(&f.payment) {
                f.note = format!("nothing was charged, but {}", f.note);
            }
            f.note.push_str(&format!(
                " (`x402 history cancel {}` ends it)",
                f.payment.signed.nonce
            ));
        }
        Verdict::Used { .. } => {
            // Money may have moved; how much is not known, so the record is not verified.
            f.status = Some(Status::Settled);
            f.note = format!("{verdict}: money may have moved; the amount is not known");
        }
        Verdict::Mismatch { mismatch, .. } => {
            f.status = Some(Status::Disputed);
            f.mismatch = true;
            f.note = format!("{verdict} ({})", mismatch_units(&f.payment, mismatch));
            if verdict.still_open() {
                f.note.push_str(&format!(
                    "; `x402 history cancel {}` ends it",
                    f.payment.signed.nonce
                ));
            }
        }
    }
}

/// The amounts of a mismatch in the token's units.
fn mismatch_units(p: &Payment, m: &permit2_check::Mismatch) -> String {
    use permit2_check::Mismatch;
    match m {
        Mismatch::WrongAmount {
            expected, moved, ..
        } => format!(
            "moved {}, expected {}",
            units(p, *moved),
            units(p, *expected)
        ),
        Mismatch::AboveMaximum { maximum, moved, .. } => {
            format!("moved {}, maximum {}", units(p, *moved), units(p, *maximum))
        }
        _ => format!("{} signed", units(p, p.signed.amount)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::{Signed, Transfer};
    use jiff::Timestamp;

    fn payment(scheme: SchemeName, status: Status, charged: Option<u64>) -> Payment {
        Payment {
            signed: Signed {
                time: Timestamp::from_second(1_800_000_000).unwrap(),
                url: "http://127.0.0.1:1/x".into(),
                method: "GET".into(),
                body_sha256: crate::journal::body_hash(None),
                version: 2,
                network: "eip155:84532".into(),
                network_name: "base-sepolia".into(),
                asset: "0x036CbD53842c5426634e7929541eC2318f3dCF7e".into(),
                symbol: "USDC".into(),
                decimals: 6,
                amount: U256::from(2000),
                pay_to: "0x209693Bc6afc0C5328bA36FaF03C514EF312287C".into(),
                payer: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8".into(),
                nonce: "123456789012345678901234567890".into(),
                valid_after: 0,
                valid_before: 1_800_000_300,
                payment_id: None,
                scheme,
                transfer: Transfer::Permit2,
                memo: None,
                blockhash: None,
                last_valid_block_height: None,
                spender: Some("0x4020A4f3b7b90ccA423B9fabCc0CE57C6C240002".into()),
            },
            status,
            transaction: None,
            reason: None,
            verified: false,
            charged: charged.map(U256::from),
            updated: Timestamp::now(),
        }
    }

    fn applied(p: Payment, verdict: Verdict) -> Finding {
        let record = record_of(&p).unwrap();
        let mut f = Finding::new(p);
        apply(&mut f, &record, &verdict);
        f
    }

    #[test]
    fn the_record_is_read_as_signed() {
        let p = payment(SchemeName::Upto, Status::Settled, Some(1000));
        let r = record_of(&p).unwrap();
        assert_eq!(r.chain_id, 84532);
        assert_eq!(
            r.nonce,
            U256::from_str_radix("123456789012345678901234567890", 10).unwrap()
        );
        assert_eq!((r.deadline, r.signed_at), (1_800_000_300, 1_800_000_000));
        assert_eq!(r.scheme, Scheme::Upto);
        assert_eq!(
            (r.amount, r.charged),
            (U256::from(2000), Some(U256::from(1000)))
        );
        let mut hex = payment(SchemeName::Exact, Status::Pending, None);
        hex.signed.nonce = format!("0x{}", "11".repeat(32));
        assert!(
            record_of(&hex).is_err(),
            "an EIP-3009 nonce is not a Permit2 one"
        );
    }

    #[test]
    fn verdicts_become_statuses() {
        let settlement = permit2_check::Settlement {
            transaction: B256::repeat_byte(7),
            block: 9,
            amount: U256::from(1000),
            nonce_seen: true,
        };
        let f = applied(
            payment(SchemeName::Upto, Status::Pending, None),
            Verdict::Settled(settlement.clone()),
        );
        assert_eq!(f.status, Some(Status::Settled));
        assert!(f.verified && !f.mismatch);
        assert_eq!(f.charged, Some(U256::from(1000)));
        assert!(
            f.note
                .contains("charged 0.001 USDC of the signed maximum of 0.002 USDC"),
            "{}",
            f.note
        );

        let open = Verdict::Open {
            deadline: 1_800_000_300,
            chain_time: 1_800_000_100,
        };
        let f = applied(
            payment(SchemeName::Exact, Status::Pending, None),
            open.clone(),
        );
        assert_eq!(f.status, None, "open stays as it is");
        assert!(
            f.note.contains("x402 history cancel 1234567890"),
            "{}",
            f.note
        );
        // Recorded as settled, yet unspent: disputed. An upto that charged nothing is open.
        let f = applied(
            payment(SchemeName::Exact, Status::Settled, None),
            open.clone(),
        );
        assert_eq!(f.status, Some(Status::Disputed));
        assert!(f.mismatch);
        let f = applied(payment(SchemeName::Upto, Status::Settled, Some(0)), open);
        assert_eq!(f.status, None);
        assert!(!f.mismatch);
        assert!(f.note.starts_with("nothing was charged"), "{}", f.note);

        let expired = Verdict::Expired {
            deadline: 1,
            chain_time: 2,
        };
        let f = applied(
            payment(SchemeName::Upto, Status::Settled, Some(0)),
            expired.clone(),
        );
        assert_eq!(f.status, Some(Status::Expired));
        let f = applied(payment(SchemeName::Exact, Status::Settled, None), expired);
        assert_eq!((f.status, f.mismatch), (Some(Status::Disputed), true));

        let f = applied(
            payment(SchemeName::Exact, Status::Unknown, None),
            Verdict::Used { searched: None },
        );
        assert_eq!(f.status, Some(Status::Settled));
        assert!(!f.verified, "the amount is not known");

        let f = applied(
            payment(SchemeName::Exact, Status::Pending, None),
            Verdict::Cancelled {
                transaction: B256::repeat_byte(1),
            },
        );
        assert_eq!(f.status, Some(Status::Cancelled));
        assert_eq!(f.transaction, Some(format!("{:#x}", B256::repeat_byte(1))));

        let f = applied(
            payment(SchemeName::Upto, Status::Settled, Some(1000)),
            Verdict::Mismatch {
                mismatch: permit2_check::Mismatch::AboveMaximum {
                    transaction: B256::repeat_byte(2),
                    maximum: U256::from(2000),
                    moved: U256::from(3000),
                },
                nonce_used: true,
                deadline: 1,
                chain_time: 2,
            },
        );
        assert_eq!((f.status, f.mismatch), (Some(Status::Disputed), true));
        assert!(
            f.note.contains("moved 0.003 USDC, maximum 0.002 USDC"),
            "{}",
            f.note
        );
    }
}
