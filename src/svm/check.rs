//! What the chain says about one SVM `exact` payment: the answer `history check` and the
//! engine's receipt wait act on.
//!
//! The on-chain id of an x402 Solana payment is its transaction's first signature, the fee
//! payer's (the facilitator's), which the payer does not know before settlement. What the payer
//! knows is its own signature, and that identifies the payment completely: it signs the whole
//! message (instructions, blockhash, memo), so a transaction carrying it in the payer's signer
//! slot is this payment and nothing else. Nodes index transactions only by their first
//! signature (`getSignatureStatuses` and `getTransaction` on the payer's signature find nothing,
//! on a validator as on the local chain), so the payment is found through
//! `getSignaturesForAddress` on the payer's wallet (it is an account of every payment it signs),
//! filtered by the memo the node reports for each transaction, and read with `getTransaction`.
//!
//! Order matters for an honest "expired": the blockhash is judged first (block height past
//! `lastValidBlockHeight` and `isBlockhashValid` false), the search comes after. Once the
//! blockhash is dead nothing can land, so a search after that moment that finds nothing is final;
//! the other way round a transaction could land between the two reads.
//!
//! Every RPC failure, and every answer that does not read, is an error, never a verdict.

use super::address::{TokenProgram, associated_token_address};
use super::rpc::{LandedTransaction, SvmRpc};
use super::transaction::decode;
use crate::rpc::RpcError;
use solana_hash::Hash;
use solana_keypair::Signature;
use solana_message::VersionedMessage;
use solana_pubkey::Pubkey;
use solana_transaction::versioned::VersionedTransaction;
use std::time::{Duration, Instant};

/// A blockhash is valid for this many blocks after the block that issued it
/// (`lastValidBlockHeight` = issuing height + 150): a transaction bound to it lands in a block
/// whose slot (never below its height) is at least `lastValidBlockHeight - 150`.
pub const BLOCKHASH_VALIDITY: u64 = 150;
/// Clock difference tolerated between this machine and the cluster's block times when the
/// search stops at blocks older than the signing time.
pub const CLOCK_SKEW_SECONDS: u64 = 600;
/// `getSignaturesForAddress` page size (the node's maximum).
const PAGE: usize = 1000;
/// Pages read before the search gives up with [`CheckError::SearchLimit`].
const MAX_PAGES: usize = 5;
/// Candidate transactions (memo matches, or the node reports no memo) read with
/// `getTransaction` before the search gives up.
const MAX_CANDIDATES: usize = 50;
/// TransferChecked's instruction tag in the SPL Token and Token-2022 programs.
const TRANSFER_CHECKED: u8 = 12;

/// What the journal holds of a Solana payment, typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SvmPayment {
    /// The paying wallet: the transfer's authority and a signer of the transaction.
    pub payer: Pubkey,
    /// The payer's signature of the transaction: the payment's identity.
    pub payer_signature: Signature,
    /// The memo the transaction carries.
    pub memo: String,
    pub blockhash: Hash,
    /// After this block height the transaction can no longer land; `None` when the server gave
    /// a blockhash without it (then `isBlockhashValid` alone decides).
    pub last_valid_block_height: Option<u64>,
    pub mint: Pubkey,
    /// The recipient's wallet (the transfer goes to its associated token account).
    pub pay_to: Pubkey,
    /// Base units.
    pub amount: u64,
    /// When it was signed (Unix seconds): it cannot be in a block much older than this.
    pub signed_at: u64,
}

impl SvmPayment {
    /// The payment [`super::payment::prepare`] just signed for `exact`, by `payer`, at
    /// `signed_at`: what the engine journals and its receipt wait asks about.
    pub fn signed(
        exact: &super::requirement::SvmExact,
        prepared: &super::payment::Prepared,
        payer: Pubkey,
        signed_at: u64,
    ) -> Result<Self, String> {
        let payer_signature = prepared
            .transaction
            .payer_signature
            .parse()
            .map_err(|e| format!("the payer's signature does not read: {e}"))?;
        Ok(Self {
            payer,
            payer_signature,
            memo: prepared.memo.clone(),
            blockhash: prepared.blockhash.clone(),
            last_valid_block_height: prepared.last_valid_block_height,
            mint: exact.mint,
            pay_to: exact.pay_to,
            amount: exact.amount,
            signed_at,
        })
    }
}

/// The chain's answer about one payment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// A successful transaction carrying the payer's signature moved exactly `amount` of `mint`
    /// to payTo's associated token account. `signature` is the chain's id of it, which may
    /// differ from the one a server named when the payment was found by search.
    Settled { signature: String, slot: u64 },
    /// The transaction landed and failed: it moved no tokens (its fee is the fee payer's, the
    /// facilitator's), and it is processed, so this payment can never move money: the same
    /// message signed by the same keys is the same transaction, which the chain refuses twice.
    Failed {
        signature: String,
        slot: u64,
        /// The transaction error as the node gives it (`{"InstructionError":[2,{"Custom":1}]}`).
        reason: String,
    },
    /// The named transaction exists but is not this payment (`payment` then says what the
    /// chain shows of the payment itself), or it is this payment and it moved something other
    /// than `amount` of `mint` to payTo (`payment` is `None`: money moved, not as agreed).
    Mismatch {
        signature: String,
        reason: String,
        payment: Option<Box<Verdict>>,
    },
    /// Not on chain, and its blockhash can no longer land: it will never move money.
    Expired { block_height: u64 },
    /// Not on chain yet, and its blockhash is still valid: it can still land.
    Open { block_height: u64 },
}

impl Verdict {
    /// Whether money moved: `Some(true)` settled (or moved, not as agreed), `Some(false)` never
    /// will, `None` not known yet (open).
    pub fn moved(&self) -> Option<bool> {
        match self {
            Verdict::Settled { .. } => Some(true),
            Verdict::Failed { .. } | Verdict::Expired { .. } => Some(false),
            Verdict::Open { .. } => None,
            Verdict::Mismatch { payment: None, .. } => Some(true),
            Verdict::Mismatch {
                payment: Some(p), ..
            } => p.moved(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error("{0}")]
    Rpc(#[from] RpcError),
    /// The search window held more transactions than are read; nothing can be concluded.
    #[error(
        "{address} has more transactions around the payment than are searched ({searched}); \
         look it up on an explorer or ask an RPC node with fewer of them"
    )]
    SearchLimit { address: Pubkey, searched: usize },
}

/// Asks the chain about `payment`. `named` is the transaction a settlement named, if any: it is
/// read first; when the node does not know it the payment is searched for as without it.
pub async fn check(
    rpc: &SvmRpc<'_>,
    payment: &SvmPayment,
    named: Option<&str>,
) -> Result<Verdict, CheckError> {
    if let Some(named) = named
        && let Some(tx) = rpc.transaction(named).await?
    {
        return match judge(rpc, payment, named, &tx)? {
            Judged::Ours(verdict) => Ok(verdict),
            Judged::NotOurs(reason) => Ok(Verdict::Mismatch {
                signature: named.to_string(),
                reason,
                payment: Some(Box::new(find(rpc, payment).await?)),
            }),
        };
    }
    find(rpc, payment).await
}

/// The engine's receipt wait for a settlement that named `signature` without confirming it:
/// polls `getSignatureStatuses` (250 ms, doubling to 1 s) until the node reports it
/// `confirmed` or `finalized` or `wait` has passed, then answers as [`check`] with `signature`
/// named (one more round of reads after the wait).
pub async fn confirm(
    rpc: &SvmRpc<'_>,
    payment: &SvmPayment,
    signature: &str,
    wait: Duration,
) -> Result<Verdict, CheckError> {
    let deadline = Instant::now() + wait;
    let mut delay = Duration::from_millis(250);
    loop {
        let status = rpc.signature_statuses(&[signature]).await?.pop().flatten();
        let confirmed = status.is_some_and(|s| {
            matches!(
                s.confirmation_status.as_deref(),
                Some("confirmed" | "finalized")
            )
        });
        let now = Instant::now();
        if confirmed || now >= deadline {
            break;
        }
        tokio::time::sleep(delay.min(deadline - now)).await;
        delay = (delay * 2).min(Duration::from_secs(1));
    }
    check(rpc, payment, Some(signature)).await
}

/// Without a named transaction: the blockhash judged, then the payer's transactions searched.
async fn find(rpc: &SvmRpc<'_>, payment: &SvmPayment) -> Result<Verdict, CheckError> {
    let block_height = rpc.block_height().await?;
    let past = payment
        .last_valid_block_height
        .is_none_or(|last| block_height > last);
    let expired = past && !rpc.is_blockhash_valid(&payment.blockhash).await?;
    if let Some((signature, tx)) = search(rpc, payment).await? {
        return match judge(rpc, payment, &signature, &tx)? {
            Judged::Ours(verdict) => Ok(verdict),
            // search() returns only transactions that carry the payer's signature.
            Judged::NotOurs(reason) => Err(rpc.bad(reason).into()),
        };
    }
    Ok(if expired {
        Verdict::Expired { block_height }
    } else {
        Verdict::Open { block_height }
    })
}

/// Whether a `getSignaturesForAddress` entry is older than any block the payment can be in:
/// below the blockhash's slot window and older than the signing time (each bound used when
/// known).
fn before_window(payment: &SvmPayment, slot: u64, block_time: Option<i64>) -> bool {
    let by_slot = payment
        .last_valid_block_height
        .map(|last| slot.saturating_add(BLOCKHASH_VALIDITY) < last);
    let by_time = block_time.map(|t| {
        t < i64::try_from(payment.signed_at.saturating_sub(CLOCK_SKEW_SECONDS)).unwrap_or(i64::MAX)
    });
    match (by_slot, by_time) {
        (Some(s), Some(t)) => s && t,
        (Some(s), None) => s,
        (None, Some(t)) => t,
        (None, None) => false,
    }
}

/// Whether the node's memo text for a transaction (`[LEN] TEXT`, several joined by `"; "`)
/// includes this payment's memo.
pub fn memo_matches(reported: &str, memo: &str) -> bool {
    reported.contains(&format!("[{}] {memo}", memo.len()))
}

/// The payer's transactions, newest first, until one carries the payer's signature or the
/// window is passed.
async fn search(
    rpc: &SvmRpc<'_>,
    payment: &SvmPayment,
) -> Result<Option<(String, LandedTransaction)>, CheckError> {
    let mut before: Option<String> = None;
    let mut candidates = 0;
    let mut searched = 0;
    for _ in 0..MAX_PAGES {
        let page = rpc
            .signatures_for_address(&payment.payer, before.as_deref(), PAGE)
            .await?;
        searched += page.len();
        for entry in &page {
            if before_window(payment, entry.slot, entry.block_time) {
                return Ok(None);
            }
            // A node that indexes memos tells which transactions cannot be this one.
            if entry
                .memo
                .as_deref()
                .is_some_and(|m| !memo_matches(m, &payment.memo))
            {
                continue;
            }
            candidates += 1;
            if candidates > MAX_CANDIDATES {
                return Err(CheckError::SearchLimit {
                    address: payment.payer,
                    searched,
                });
            }
            let Some(tx) = rpc.transaction(&entry.signature).await? else {
                return Err(rpc
                    .bad(format!(
                        "getSignaturesForAddress lists {} but getTransaction does not know it",
                        entry.signature
                    ))
                    .into());
            };
            if carries(&tx, payment).map_err(|e| rpc.bad(e))? {
                return Ok(Some((entry.signature.clone(), tx)));
            }
        }
        match page.last() {
            Some(last) if page.len() == PAGE => before = Some(last.signature.clone()),
            _ => return Ok(None),
        }
    }
    Err(CheckError::SearchLimit {
        address: payment.payer,
        searched,
    })
}

/// Whether the transaction has the payer's signature in the payer's signer slot.
fn carries(tx: &LandedTransaction, payment: &SvmPayment) -> Result<bool, String> {
    let decoded =
        decode(&tx.bytes).map_err(|e| format!("getTransaction: not a transaction: {e}"))?;
    let signers = usize::from(decoded.message.header().num_required_signatures);
    let keys = decoded.message.static_account_keys();
    Ok(keys
        .iter()
        .take(signers)
        .position(|k| *k == payment.payer)
        .and_then(|i| decoded.signatures.get(i))
        == Some(&payment.payer_signature))
}

enum Judged {
    Ours(Verdict),
    NotOurs(String),
}

/// What the landed transaction `signature` says about `payment`.
fn judge(
    rpc: &SvmRpc<'_>,
    payment: &SvmPayment,
    signature: &str,
    tx: &LandedTransaction,
) -> Result<Judged, CheckError> {
    judge_landed(payment, signature, tx).map_err(|detail| rpc.bad(detail).into())
}

/// [`judge`] without the node: `Err` is an answer that does not read.
fn judge_landed(
    payment: &SvmPayment,
    signature: &str,
    tx: &LandedTransaction,
) -> Result<Judged, String> {
    let decoded = decode(&tx.bytes)
        .map_err(|e| format!("getTransaction {signature}: not a transaction: {e}"))?;
    if let Some(reason) = not_signed_by_payer(payment, signature, tx, &decoded)? {
        return Ok(Judged::NotOurs(reason));
    }
    if let Some(err) = &tx.err {
        return Ok(Judged::Ours(Verdict::Failed {
            signature: signature.to_string(),
            slot: tx.slot,
            reason: err.to_string(),
        }));
    }
    Ok(Judged::Ours(judge_transfer(
        payment,
        signature,
        tx,
        &decoded.message,
    )))
}

/// Why the transaction `signature` is not this payment (`None`: it carries the payer's
/// signature in the payer's signer slot); `Err` is an answer that does not read.
fn not_signed_by_payer(
    payment: &SvmPayment,
    signature: &str,
    tx: &LandedTransaction,
    decoded: &VersionedTransaction,
) -> Result<Option<String>, String> {
    if decoded
        .signatures
        .first()
        .map(ToString::to_string)
        .as_deref()
        != Some(signature)
    {
        return Err(format!(
            "getTransaction {signature} answered another transaction"
        ));
    }
    let message = &decoded.message;
    let keys = message.static_account_keys();
    let signers = usize::from(message.header().num_required_signatures);
    let Some(slot) = keys.iter().take(signers).position(|k| *k == payment.payer) else {
        return Ok(Some(format!(
            "transaction {signature} is not signed by the paying account {}",
            payment.payer
        )));
    };
    if decoded.signatures.get(slot) != Some(&payment.payer_signature) {
        return Ok(Some(format!(
            "transaction {signature} does not carry this payment's signature {}",
            payment.payer_signature
        )));
    }
    // The message bytes follow the signatures (their count is one byte below 128).
    let signed = tx
        .bytes
        .get(1 + 64 * decoded.signatures.len()..)
        .filter(|_| tx.bytes[0] < 0x80)
        .unwrap_or_default();
    if !payment
        .payer_signature
        .verify(payment.payer.as_ref(), signed)
    {
        return Err(format!(
            "transaction {signature}: the payer's signature does not verify"
        ));
    }
    Ok(None)
}

/// What the token transfer of this payment's successful transaction `signature` says.
fn judge_transfer(
    payment: &SvmPayment,
    signature: &str,
    tx: &LandedTransaction,
    message: &VersionedMessage,
) -> Verdict {
    let mismatch = |reason: String| Verdict::Mismatch {
        signature: signature.to_string(),
        reason,
        payment: None,
    };
    let keys = message.static_account_keys();
    let transfer = message.instructions().iter().find_map(|ix| {
        let program = TokenProgram::from_owner(keys.get(usize::from(ix.program_id_index))?)?;
        let key = |i: usize| keys.get(usize::from(*ix.accounts.get(i)?));
        let data = ix.data.as_slice();
        if data.len() != 10 || data[0] != TRANSFER_CHECKED {
            return None;
        }
        let amount = u64::from_le_bytes(data[1..9].try_into().ok()?);
        Some((program, key(1)?, key(2)?, key(3)?, amount))
    });
    let Some((program, mint, destination, authority, amount)) = transfer else {
        return mismatch(format!("transaction {signature} holds no token transfer"));
    };
    let expected = associated_token_address(&payment.pay_to, &payment.mint, program);
    if *mint != payment.mint
        || *destination != expected
        || *authority != payment.payer
        || amount != payment.amount
    {
        return mismatch(format!(
            "transaction {signature} transfers {amount} base units of {mint} to {destination}, \
             not {} of {} to {expected} ({}'s token account)",
            payment.amount, payment.mint, payment.pay_to
        ));
    }
    if let Some(reason) = short_receipt(payment, signature, tx, keys, &expected) {
        return mismatch(reason);
    }
    Verdict::Settled {
        signature: signature.to_string(),
        slot: tx.slot,
    }
}

/// Why the payee's token account `expected` did not receive the full amount, when the node
/// reports token balances.
fn short_receipt(
    payment: &SvmPayment,
    signature: &str,
    tx: &LandedTransaction,
    keys: &[Pubkey],
    expected: &Pubkey,
) -> Option<String> {
    // What actually arrived (a Token-2022 transfer fee, for one, withholds part of it).
    if let (Some(pre), Some(post)) = (&tx.pre_token_balances, &tx.post_token_balances)
        && let Some(index) = keys.iter().position(|k| k == expected)
    {
        let held = |list: &[super::rpc::TokenBalance]| {
            list.iter()
                .find(|b| b.account_index == index && b.mint == payment.mint)
                .map_or(0, |b| i128::from(b.amount))
        };
        let received = held(post) - held(pre);
        if received != i128::from(payment.amount) {
            return Some(format!(
                "{expected} ({}'s token account) received {received} base units of {} in \
                 transaction {signature}, not {}",
                payment.pay_to, payment.mint, payment.amount
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::svm::rpc::TokenBalance;
    use crate::svm::rpc::test_node::{self, context, run};
    use crate::svm::transaction::{PaymentTerms, SignedTransaction, build};
    use serde_json::{Value, json};
    use solana_keypair::{Keypair, Signer};
    use std::sync::{Arc, Mutex};

    const USDC: &str = "4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU";
    const PAY_TO: &str = "2wKupLR9q6wXYppw8Gr2NvWxKBUqm4PPJKkQfoxHDBg4";
    const BLOCKHASH: &str = "EETubP5AKHgjPAhzPAFcb8BAY1hMH639CWCFTqi3hq1k";

    fn payer() -> Keypair {
        Keypair::new_from_array([1u8; 32])
    }

    fn fee_payer() -> Keypair {
        Keypair::new_from_array([2u8; 32])
    }

    fn terms(memo: &str) -> PaymentTerms {
        PaymentTerms {
            fee_payer: fee_payer().pubkey(),
            mint: USDC.parse().unwrap(),
            program: TokenProgram::Token,
            decimals: 6,
            pay_to: PAY_TO.parse().unwrap(),
            amount: 1000,
            memo: memo.into(),
            blockhash: BLOCKHASH.parse().unwrap(),
        }
    }

    fn record(tx: &SignedTransaction, memo: &str) -> SvmPayment {
        SvmPayment {
            payer: payer().pubkey(),
            payer_signature: tx.payer_signature.parse().unwrap(),
            memo: memo.into(),
            blockhash: BLOCKHASH.parse().unwrap(),
            last_valid_block_height: Some(1150),
            mint: USDC.parse().unwrap(),
            pay_to: PAY_TO.parse().unwrap(),
            amount: 1000,
            signed_at: 1_700_000_000,
        }
    }

    /// The transaction as it lands: the fee payer's signature added. Returns its id.
    fn landed(tx: &SignedTransaction, received: Option<u64>) -> (String, LandedTransaction) {
        let mut decoded = decode(&tx.bytes).unwrap();
        decoded.signatures[0] = fee_payer().sign_message(&decoded.message.serialize());
        let keys = decoded.message.static_account_keys();
        let index = keys.iter().position(|k| *k == tx.destination).unwrap();
        let balance = |amount| TokenBalance {
            account_index: index,
            mint: USDC.parse().unwrap(),
            amount,
        };
        let landed = LandedTransaction {
            slot: 1010,
            bytes: wincode::serialize(&decoded).unwrap(),
            err: None,
            pre_token_balances: received.map(|_| vec![balance(7)]),
            post_token_balances: received.map(|r| vec![balance(7 + r)]),
        };
        (decoded.signatures[0].to_string(), landed)
    }

    fn verdict(j: Result<Judged, String>) -> Verdict {
        match j {
            Ok(Judged::Ours(v)) => v,
            Ok(Judged::NotOurs(reason)) => panic!("not ours: {reason}"),
            Err(e) => panic!("unreadable: {e}"),
        }
    }

    #[test]
    fn judges_a_landed_transaction() {
        let tx = build(&payer(), &terms("m-1")).unwrap();
        let payment = record(&tx, "m-1");
        // Settled: with the balances, and without them (a node that does not record them).
        for received in [Some(1000), None] {
            let (sig, t) = landed(&tx, received);
            assert_eq!(
                verdict(judge_landed(&payment, &sig, &t)),
                Verdict::Settled {
                    signature: sig.clone(),
                    slot: 1010
                }
            );
        }
        // Less arrived than was sent (a Token-2022 transfer fee, say): money moved, not as agreed.
        let (sig, t) = landed(&tx, Some(990));
        let v = verdict(judge_landed(&payment, &sig, &t));
        assert!(
            matches!(&v, Verdict::Mismatch { payment: None, reason, .. } if reason.contains("received 990")),
            "{v:?}"
        );
        assert_eq!(v.moved(), Some(true));
        // Failed during execution.
        let (sig, mut t) = landed(&tx, Some(0));
        t.err = Some(json!({"InstructionError": [2, {"Custom": 1}]}));
        assert_eq!(
            verdict(judge_landed(&payment, &sig, &t)),
            Verdict::Failed {
                signature: sig.clone(),
                slot: 1010,
                reason: r#"{"InstructionError":[2,{"Custom":1}]}"#.into()
            }
        );
        // The record's terms differ from what the payer signed.
        for wrong in [
            SvmPayment {
                amount: 999,
                ..payment.clone()
            },
            SvmPayment {
                pay_to: fee_payer().pubkey(),
                ..payment.clone()
            },
            SvmPayment {
                mint: PAY_TO.parse().unwrap(),
                ..payment.clone()
            },
        ] {
            let (sig, t) = landed(&tx, Some(1000));
            let v = verdict(judge_landed(&wrong, &sig, &t));
            assert!(
                matches!(&v, Verdict::Mismatch { payment: None, reason, .. } if reason.contains("transfers 1000 base units")),
                "{v:?}"
            );
        }
    }

    #[test]
    fn another_transaction_is_not_ours_and_nonsense_does_not_read() {
        let tx = build(&payer(), &terms("m-1")).unwrap();
        let payment = record(&tx, "m-1");
        // The same terms signed again (another memo): another payment.
        let other = build(&payer(), &terms("m-2")).unwrap();
        let (sig, t) = landed(&other, Some(1000));
        assert!(matches!(
            judge_landed(&payment, &sig, &t),
            Ok(Judged::NotOurs(r)) if r.contains("does not carry this payment's signature")
        ));
        // Another payer altogether.
        let stranger = build(&Keypair::new_from_array([3u8; 32]), &terms("m-1")).unwrap();
        let (sig, t) = landed(&stranger, Some(1000));
        assert!(matches!(
            judge_landed(&payment, &sig, &t),
            Ok(Judged::NotOurs(r)) if r.contains("not signed by the paying account")
        ));
        // The node answered another transaction than the one asked for.
        let (_, t) = landed(&tx, Some(1000));
        assert!(judge_landed(&payment, "1111", &t).is_err());
        // The payer's signature over other bytes (the memo changed after signing).
        let (sig, mut t) = landed(&tx, Some(1000));
        let at = t.bytes.len() - 2;
        t.bytes[at] ^= 1;
        let err = judge_landed(&payment, &sig, &t).err().unwrap();
        assert!(err.contains("does not verify"), "{err}");
        // Not a transaction.
        t.bytes = vec![1, 2, 3];
        assert!(judge_landed(&payment, &sig, &t).is_err());
    }

    #[test]
    fn memos_and_the_search_window() {
        assert!(memo_matches("[3] m-1", "m-1"));
        assert!(memo_matches("[5] other; [3] m-1", "m-1"));
        assert!(!memo_matches("[4] m-10", "m-1"));
        assert!(!memo_matches("[3] m-2", "m-1"));
        assert!(memo_matches("[4] żó", "żó"), "the length is in bytes");
        assert!(!memo_matches("[2] żó", "żó"));
        let tx = build(&payer(), &terms("m-1")).unwrap();
        let p = record(&tx, "m-1");
        let old = Some(1_700_000_000 - 601);
        // lastValid 1150: slots from 1000 on are inside.
        assert!(!before_window(&p, 1000, old));
        assert!(before_window(&p, 999, old));
        // A block younger than the signing time (less the skew) keeps the search going.
        assert!(!before_window(&p, 999, Some(1_700_000_000 - 600)));
        assert!(before_window(&p, 999, None));
        let no_height = SvmPayment {
            last_valid_block_height: None,
            ..p
        };
        assert!(before_window(&no_height, 5000, old));
        assert!(!before_window(&no_height, 1, None));
    }

    type Log = Arc<Mutex<Vec<String>>>;

    /// A node with the payer's history: `entries` (signature, memo) newest first in pages of
    /// 1000, `transactions` what getTransaction answers, height and blockhash validity given.
    fn node(
        entries: Vec<(String, Option<String>)>,
        transactions: Vec<(String, LandedTransaction)>,
        height: u64,
        valid: bool,
    ) -> (test_node::Node, Log) {
        use base64::Engine as _;
        let log: Log = Arc::default();
        let seen = log.clone();
        let node = test_node::start(Box::new(move |method, params| {
            seen.lock()
                .unwrap()
                .push(format!("{method} {}", params[0].as_str().unwrap_or("")));
            match method {
                "getBlockHeight" => Ok(json!(height)),
                "isBlockhashValid" => Ok(context(json!(valid))),
                "getSignaturesForAddress" => {
                    let start = match params[1]["before"].as_str() {
                        Some(b) => entries.iter().position(|(s, _)| s == b).unwrap() + 1,
                        None => 0,
                    };
                    Ok(Value::Array(
                        entries[start..]
                            .iter()
                            .take(1000)
                            .map(|(s, memo)| json!({"signature": s, "slot": 1010, "err": null, "memo": memo, "blockTime": null}))
                            .collect(),
                    ))
                }
                "getTransaction" => Ok(transactions
                    .iter()
                    .find(|(s, _)| params[0] == s.as_str())
                    .map(|(_, t)| {
                        json!({
                            "slot": t.slot,
                            "transaction": [base64::engine::general_purpose::STANDARD.encode(&t.bytes), "base64"],
                            "meta": {"err": t.err, "preTokenBalances": null, "postTokenBalances": null}
                        })
                    })
                    .unwrap_or(Value::Null)),
                "getSignatureStatuses" => Ok(context(json!([null]))),
                _ => Err(json!({"code": -32601, "message": "Method not found"})),
            }
        }));
        (node, log)
    }

    #[test]
    fn the_search_pages_filters_by_memo_and_judges_the_blockhash_first() {
        let tx = build(&payer(), &terms("m-1")).unwrap();
        let payment = record(&tx, "m-1");
        let (sig, t) = landed(&tx, None);
        let other = build(&payer(), &terms("m-2")).unwrap();
        let (other_sig, other_t) = landed(&other, None);
        // 1500 unrelated transactions, one with no memo reported, then the payment.
        let mut entries: Vec<(String, Option<String>)> = (0..1500)
            .map(|i| (format!("x{i}"), Some("[3] m-9".to_string())))
            .collect();
        entries[3] = (other_sig.clone(), None);
        entries.push((sig.clone(), Some("[3] m-1".into())));
        let (n, log) = node(
            entries,
            vec![(sig.clone(), t), (other_sig.clone(), other_t)],
            1200,
            false,
        );
        let client = crate::http::client(&Default::default()).unwrap();
        let rpc = SvmRpc::new(&client, &n.url);
        let v = run(check(&rpc, &payment, None)).unwrap();
        assert_eq!(
            v,
            Verdict::Settled {
                signature: sig.clone(),
                slot: 1010
            }
        );
        let log = log.lock().unwrap().clone();
        assert_eq!(
            log,
            [
                "getBlockHeight ".to_string(),
                format!("isBlockhashValid {BLOCKHASH}"),
                format!("getSignaturesForAddress {}", payer().pubkey()),
                format!("getTransaction {other_sig}"),
                format!("getSignaturesForAddress {}", payer().pubkey()),
                format!("getTransaction {sig}"),
            ]
        );
        // Named: read first, and nothing else is asked.
        let v = run(check(&rpc, &payment, Some(&sig))).unwrap();
        assert_eq!(
            v,
            Verdict::Settled {
                signature: sig,
                slot: 1010
            }
        );
    }

    #[test]
    fn open_expired_and_the_limits_of_the_search() {
        let tx = build(&payer(), &terms("m-1")).unwrap();
        let payment = record(&tx, "m-1");
        let client = crate::http::client(&Default::default()).unwrap();
        // Nothing listed: open while the height allows it, expired once the blockhash is dead.
        let (n, log) = node(vec![], vec![], 1150, false);
        let rpc = SvmRpc::new(&client, &n.url);
        assert_eq!(
            run(check(&rpc, &payment, None)).unwrap(),
            Verdict::Open { block_height: 1150 }
        );
        assert!(
            !log.lock()
                .unwrap()
                .iter()
                .any(|m| m.starts_with("isBlockhashValid")),
            "not needed while the height allows it"
        );
        let (n, _) = node(vec![], vec![], 1151, false);
        let rpc = SvmRpc::new(&client, &n.url);
        assert_eq!(
            run(check(&rpc, &payment, None)).unwrap(),
            Verdict::Expired { block_height: 1151 }
        );
        // Past the height the server gave, but the chain still accepts the blockhash: open.
        let (n, _) = node(vec![], vec![], 1151, true);
        let rpc = SvmRpc::new(&client, &n.url);
        assert_eq!(
            run(check(&rpc, &payment, None)).unwrap(),
            Verdict::Open { block_height: 1151 }
        );
        // Too many candidates (no memos reported), too many pages, a listed transaction the
        // node cannot give: errors, never "open" or "expired".
        let many: Vec<_> = (0..60).map(|i| (format!("n{i}"), None)).collect();
        let (n, _) = node(many, vec![], 1200, false);
        let rpc = SvmRpc::new(&client, &n.url);
        assert!(matches!(
            run(check(&rpc, &payment, None)),
            Err(CheckError::Rpc(RpcError::BadResponse { .. }))
        ));
        let unknown = {
            let (other_sig, other_t) = landed(&build(&payer(), &terms("m-2")).unwrap(), None);
            let many: Vec<_> = (0..60).map(|_| (other_sig.clone(), None)).collect();
            (many, vec![(other_sig, other_t)])
        };
        let (n, _) = node(unknown.0, unknown.1, 1200, false);
        let rpc = SvmRpc::new(&client, &n.url);
        let err = run(check(&rpc, &payment, None)).unwrap_err();
        assert!(matches!(err, CheckError::SearchLimit { .. }), "{err}");
        let pages: Vec<_> = (0..5000)
            .map(|i| (format!("p{i}"), Some("[1] z".into())))
            .collect();
        let (n, _) = node(pages, vec![], 1200, false);
        let rpc = SvmRpc::new(&client, &n.url);
        let err = run(check(&rpc, &payment, None)).unwrap_err();
        assert!(
            matches!(err, CheckError::SearchLimit { searched: 5000, .. }),
            "{err}"
        );
    }

    #[test]
    fn the_receipt_wait_stops_at_its_deadline() {
        let tx = build(&payer(), &terms("m-1")).unwrap();
        let payment = record(&tx, "m-1");
        let (n, log) = node(vec![], vec![], 1100, true);
        let client = crate::http::client(&Default::default()).unwrap();
        let rpc = SvmRpc::new(&client, &n.url);
        let v = run(confirm(
            &rpc,
            &payment,
            "unknown",
            Duration::from_millis(700),
        ))
        .unwrap();
        assert_eq!(v, Verdict::Open { block_height: 1100 });
        let polls = log
            .lock()
            .unwrap()
            .iter()
            .filter(|m| m.starts_with("getSignatureStatuses"))
            .count();
        // At 0, 250 and 700 ms (the last sleep cut to the deadline) at most; fewer when the
        // node is slow, never more.
        assert!((1..=3).contains(&polls), "{polls}");
    }
}
