//! The answers of a Permit2 payment check ([`super::check`]): the [`Verdict`], the
//! [`Settlement`] it rests on, and how a transaction can contradict the record ([`Mismatch`]),
//! each with the one-line message users see.

use super::logs::Transfer;
use alloy_primitives::{Address, B256, U256};
use std::fmt;

/// A transaction that settled the payment as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settlement {
    pub transaction: B256,
    pub block: u64,
    /// What moved from the payer to the payee.
    pub amount: U256,
    /// The proxy call was seen naming this nonce and payer (false: the transaction reached
    /// the proxy through another contract, and the match rests on the Transfer and the spent
    /// nonce).
    pub nonce_seen: bool,
}

/// How a transaction contradicts the record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mismatch {
    /// The node does not know the transaction.
    UnknownTransaction { transaction: B256 },
    /// It reverted: it moved nothing.
    Reverted { transaction: B256, block: u64 },
    /// No Transfer of the token from the payer to the payee in it.
    NoTransfer {
        transaction: B256,
        /// The token's Transfers it does hold.
        seen: Vec<Transfer>,
    },
    /// A Transfer from the payer to the payee of another amount than the price (`exact`) or
    /// the charge the server reported (`upto`).
    WrongAmount {
        transaction: B256,
        expected: U256,
        moved: U256,
    },
    /// `upto`: more than the signed maximum moved.
    AboveMaximum {
        transaction: B256,
        maximum: U256,
        moved: U256,
    },
    /// The proxy call in it spent another Permit2 authorization.
    OtherAuthorization {
        transaction: B256,
        owner: Address,
        nonce: U256,
    },
    /// It moved the amount, but the nonce is not spent: it was not this payment.
    NonceUnused { transaction: B256 },
}

impl Mismatch {
    pub fn transaction(&self) -> B256 {
        match self {
            Mismatch::UnknownTransaction { transaction }
            | Mismatch::Reverted { transaction, .. }
            | Mismatch::NoTransfer { transaction, .. }
            | Mismatch::WrongAmount { transaction, .. }
            | Mismatch::AboveMaximum { transaction, .. }
            | Mismatch::OtherAuthorization { transaction, .. }
            | Mismatch::NonceUnused { transaction } => *transaction,
        }
    }
}

impl fmt::Display for Mismatch {
    /// Amounts in base units: the caller knows the token's decimals and symbol.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Mismatch::UnknownTransaction { transaction } => {
                write!(f, "the chain does not know transaction {transaction}")
            }
            Mismatch::Reverted { transaction, block } => {
                write!(f, "transaction {transaction} reverted (block {block})")
            }
            Mismatch::NoTransfer { transaction, seen } => {
                write!(
                    f,
                    "transaction {transaction} has no Transfer from the payer to the payee"
                )?;
                if seen.is_empty() {
                    write!(f, " (no transfer of this token)")
                } else {
                    let shown: Vec<String> = seen
                        .iter()
                        .map(|t| format!("{} from {} to {}", t.amount, t.from, t.to))
                        .collect();
                    write!(f, " (it shows: {})", shown.join(", "))
                }
            }
            Mismatch::WrongAmount {
                transaction,
                expected,
                moved,
            } => write!(
                f,
                "transaction {transaction} moved {moved}, not {expected} (base units)"
            ),
            Mismatch::AboveMaximum {
                transaction,
                maximum,
                moved,
            } => write!(
                f,
                "transaction {transaction} moved {moved}, above the signed maximum of {maximum} \
                 (base units)"
            ),
            Mismatch::OtherAuthorization {
                transaction,
                owner,
                nonce,
            } => write!(
                f,
                "transaction {transaction} settled another authorization (owner {owner}, nonce \
                 {nonce})"
            ),
            Mismatch::NonceUnused { transaction } => write!(
                f,
                "transaction {transaction} did not spend this payment's Permit2 nonce"
            ),
        }
    }
}

/// What the chain says about a Permit2 payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Settled as recorded: nonce spent, and the transaction moved what was allowed.
    Settled(Settlement),
    /// The payer invalidated the nonce (`invalidateUnorderedNonces`): it can never move money.
    Cancelled { transaction: B256 },
    /// The nonce is spent, but no transaction showing this payment's settlement or
    /// cancellation was found in the blocks where it could be (`searched`, `None`: no block
    /// lies in its time window). Money may have moved; how much is not known.
    Used { searched: Option<(u64, u64)> },
    /// Not spent, and the chain's time is at most the deadline: it can still move money.
    Open { deadline: u64, chain_time: u64 },
    /// Not spent, and the chain's time is past the deadline: it can no longer move money.
    Expired { deadline: u64, chain_time: u64 },
    /// The named (or found) transaction contradicts the record. `nonce_used`: Permit2 has spent
    /// the nonce; when not, the permit is `open` until `deadline` (by `chain_time`).
    Mismatch {
        mismatch: Mismatch,
        nonce_used: bool,
        deadline: u64,
        chain_time: u64,
    },
}

impl Verdict {
    pub fn is_mismatch(&self) -> bool {
        matches!(self, Verdict::Mismatch { .. })
    }

    /// The transaction the verdict rests on.
    pub fn transaction(&self) -> Option<B256> {
        match self {
            Verdict::Settled(s) => Some(s.transaction),
            Verdict::Cancelled { transaction } => Some(*transaction),
            Verdict::Mismatch { mismatch, .. } => Some(mismatch.transaction()),
            Verdict::Used { .. } | Verdict::Open { .. } | Verdict::Expired { .. } => None,
        }
    }

    /// Whether the permit can still move money (its nonce unspent, its deadline not passed).
    pub fn still_open(&self) -> bool {
        match self {
            Verdict::Open { .. } => true,
            Verdict::Mismatch {
                nonce_used,
                deadline,
                chain_time,
                ..
            } => !nonce_used && chain_time <= deadline,
            _ => false,
        }
    }
}

fn when(unix: u64) -> String {
    jiff::Timestamp::from_second(i64::try_from(unix).unwrap_or(i64::MAX))
        .map(|t| t.to_string())
        .unwrap_or_else(|_| unix.to_string())
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verdict::Settled(s) => {
                write!(
                    f,
                    "transaction {} moved exactly {} (base units)",
                    s.transaction, s.amount
                )?;
                if !s.nonce_seen {
                    write!(f, "; the proxy call was not visible, the nonce is spent")?;
                }
                Ok(())
            }
            Verdict::Cancelled { transaction } => write!(
                f,
                "cancelled on-chain in {transaction}: it can never move money"
            ),
            Verdict::Used { searched } => {
                write!(f, "used on-chain (Permit2 nonceBitmap)")?;
                match searched {
                    Some((a, b)) => {
                        write!(f, ", but no transaction of it was found in blocks {a}..{b}")
                    }
                    None => write!(f, "; no block lies in its time window"),
                }
            }
            Verdict::Open { deadline, .. } => write!(
                f,
                "not used yet; it can still settle until {}",
                when(*deadline)
            ),
            Verdict::Expired { .. } => {
                write!(f, "never used, and expired: it can no longer move money")
            }
            Verdict::Mismatch {
                mismatch,
                nonce_used,
                deadline,
                chain_time,
            } => {
                write!(f, "{mismatch}")?;
                if *nonce_used {
                    write!(f, "; the Permit2 nonce is spent")
                } else if chain_time <= deadline {
                    write!(
                        f,
                        "; the Permit2 nonce is not spent: it can still settle until {}",
                        when(*deadline)
                    )
                } else {
                    write!(f, "; the Permit2 nonce was never spent and has expired")
                }
            }
        }
    }
}
