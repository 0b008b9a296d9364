//! What the chain says about one Permit2 payment (`exact` or `upto`): whether Permit2 has
//! spent its nonce (`nonceBitmap(owner, wordPos)`), and when a transaction is named or found,
//! whether that transaction moved what the payment allowed — a successful receipt, the token's
//! `Transfer(payer, payTo)` of exactly the price (`exact`) or of the amount charged and no more
//! than the maximum (`upto`), and, where the call to the x402 proxy is visible, this nonce in
//! it. Unused nonces are open until the permit's deadline by the chain's clock (the latest
//! block's timestamp, which is what Permit2 compares), then expired.
//!
//! [`check`] answers `history check`; [`confirm`] is the bounded wait the payment flow does when
//! a server answers `success: false` with a transaction. Both only read. An RPC failure is an
//! error, never a verdict.

use alloy_primitives::{Address, B256, U256};
use std::time::Duration;

pub use super::logs::Scheme;
use super::logs::{self, ProxyCall, Transfer};
pub use super::verdict::{Mismatch, Settlement, Verdict};
use crate::evm_tx::Chain;
use crate::rpc::RpcError;

/// What the journal holds of a Permit2 payment, as the check needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The chain the permit was signed for (`eip155:<chain_id>`).
    pub chain_id: u64,
    pub token: Address,
    pub payer: Address,
    pub pay_to: Address,
    /// The Permit2 nonce ([`parse_nonce`] reads the journal's decimal text).
    pub nonce: U256,
    /// The permit's deadline (Unix seconds): Permit2 refuses it in any block after.
    pub deadline: u64,
    /// When it was signed (Unix seconds): where the search for its settlement starts.
    pub signed_at: u64,
    pub scheme: Scheme,
    /// The signed amount: the price (`exact`) or the maximum (`upto`).
    pub amount: U256,
    /// The settlement transaction, when a server named one.
    pub transaction: Option<B256>,
    /// `upto`: what the settlement said was charged (0: nothing moved).
    pub charged: Option<U256>,
}

/// A Permit2 nonce as the journal and the wire write it: a decimal uint256.
pub fn parse_nonce(text: &str) -> Option<U256> {
    let text = text.trim();
    (!text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| U256::from_str_radix(text, 10).ok())
        .flatten()
}

impl Record {
    /// The amount a settlement of this record must move: the price, or for `upto` the charge
    /// the server reported (`None` when it reported none: any amount up to the maximum).
    pub fn expected(&self) -> Option<U256> {
        match self.scheme {
            Scheme::Exact => Some(self.amount),
            Scheme::Upto => self.charged,
        }
    }
}

/// Why the chain could not be asked.
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error(transparent)]
    Rpc(#[from] RpcError),
    #[error("{url} serves chain {actual}, not chain {expected}")]
    WrongChain {
        url: String,
        expected: u64,
        actual: u64,
    },
}

impl CheckError {
    /// The exit status this error ends the process with (as [`crate::evm_tx::TxError::status`]).
    pub fn status(&self) -> crate::exit::ExitStatus {
        match self {
            CheckError::Rpc(RpcError::Transport { source, .. }) => {
                crate::http::transport_status(source)
            }
            CheckError::Rpc(_) => crate::exit::ExitStatus::Failure,
            CheckError::WrongChain { .. } => crate::exit::ExitStatus::Usage,
        }
    }
}

/// The node must serve the record's chain: an unspent nonce read on another chain would say
/// "open" or "expired" of a payment that settled.
async fn on_chain(chain: &Chain<'_>, record: &Record) -> Result<(), CheckError> {
    let wrong = |actual| CheckError::WrongChain {
        url: crate::request::safe_url_text(chain.url),
        expected: record.chain_id,
        actual,
    };
    if chain.chain_id != record.chain_id {
        return Err(wrong(chain.chain_id));
    }
    let actual = chain.rpc.chain_id().await?;
    if actual != record.chain_id {
        return Err(wrong(actual));
    }
    Ok(())
}

/// What one transaction did for `record`.
enum Reading {
    Settled(Settlement),
    /// `ours`: the proxy call in it names this payment's nonce and payer.
    Mismatch {
        mismatch: Mismatch,
        ours: bool,
    },
}

/// Reads `transaction` against `record`: the proxy call when the transaction went straight to
/// the proxy (one naming another authorization settles nothing of this one, whatever its
/// status), the receipt and its status, and the token's Transfers from the payer to the payee.
/// `receipt` is passed when already fetched.
async fn read_transaction(
    chain: &Chain<'_>,
    record: &Record,
    transaction: B256,
    receipt: Option<serde_json::Value>,
) -> Result<Reading, RpcError> {
    let unknown = Reading::Mismatch {
        mismatch: Mismatch::UnknownTransaction { transaction },
        ours: false,
    };
    let call = match logs::transaction_call(&chain.rpc, transaction).await? {
        None if receipt.is_none() => return Ok(unknown),
        Some((Some(to), input)) if to == record.scheme.proxy() => {
            logs::decode_proxy_call(record.scheme, &input)
        }
        _ => None,
    };
    if let Some(c) = call
        && (c.nonce != record.nonce || c.owner != record.payer)
    {
        return Ok(Reading::Mismatch {
            mismatch: Mismatch::OtherAuthorization {
                transaction,
                owner: c.owner,
                nonce: c.nonce,
            },
            ours: false,
        });
    }
    let receipt = match receipt {
        Some(r) => r,
        None => match chain
            .rpc
            .transaction_receipt(&format!("{transaction:#x}"))
            .await?
        {
            Some(r) => r,
            None => return Ok(unknown),
        },
    };
    let block = logs_block(&receipt);
    if receipt.get("status").and_then(serde_json::Value::as_str) != Some("0x1") {
        return Ok(Reading::Mismatch {
            mismatch: Mismatch::Reverted { transaction, block },
            ours: call.is_some(),
        });
    }
    Ok(judge(
        record,
        transaction,
        block,
        &logs::transfers(&receipt),
        call,
    ))
}

fn logs_block(receipt: &serde_json::Value) -> u64 {
    receipt
        .get("blockNumber")
        .and_then(serde_json::Value::as_str)
        .and_then(|s| s.strip_prefix("0x"))
        .and_then(|s| u64::from_str_radix(s, 16).ok())
        .unwrap_or(0)
}

/// The verdict on one successful transaction, from its Transfers and (when visible) the
/// proxy call it made. Pure, so every rule is unit-tested.
fn judge(
    record: &Record,
    transaction: B256,
    block: u64,
    transfers: &[Transfer],
    call: Option<ProxyCall>,
) -> Reading {
    if let Some(c) = call
        && (c.nonce != record.nonce || c.owner != record.payer)
    {
        return Reading::Mismatch {
            mismatch: Mismatch::OtherAuthorization {
                transaction,
                owner: c.owner,
                nonce: c.nonce,
            },
            ours: false,
        };
    }
    let of_token: Vec<Transfer> = transfers
        .iter()
        .filter(|t| t.token == record.token)
        .copied()
        .collect();
    let paid: Vec<U256> = of_token
        .iter()
        .filter(|t| t.from == record.payer && t.to == record.pay_to)
        .map(|t| t.amount)
        .collect();
    let Some(&first) = paid.first() else {
        return Reading::Mismatch {
            mismatch: Mismatch::NoTransfer {
                transaction,
                seen: of_token,
            },
            ours: call.is_some(),
        };
    };
    if let Some(moved) = paid.iter().copied().find(|m| *m > record.amount)
        && record.scheme == Scheme::Upto
    {
        return Reading::Mismatch {
            mismatch: Mismatch::AboveMaximum {
                transaction,
                maximum: record.amount,
                moved,
            },
            ours: call.is_some(),
        };
    }
    // Exact: the price. Upto: the charge reported, else what the proxy call settled, else any
    // amount up to the maximum.
    let expected = record.expected().or(call
        .filter(|_| record.scheme == Scheme::Upto)
        .map(|c| c.amount));
    let moved = match expected {
        Some(e) => match paid.iter().copied().find(|m| *m == e) {
            Some(m) => m,
            None => {
                return Reading::Mismatch {
                    mismatch: Mismatch::WrongAmount {
                        transaction,
                        expected: e,
                        moved: first,
                    },
                    ours: call.is_some(),
                };
            }
        },
        None => first,
    };
    Reading::Settled(Settlement {
        transaction,
        block,
        amount: moved,
        nonce_seen: call.is_some(),
    })
}

/// How far before the recorded signing time the search for a settlement starts: the local
/// clock the time came from may be behind the chain's.
pub const CLOCK_SLACK_SECS: u64 = 900;

/// What the chain says about `record` (see [`Verdict`]). Asks, in order: the chain id, the
/// latest block, `nonceBitmap`; then the named transaction, or when the nonce is spent and no
/// transaction is named, the token's Transfers from the payer to the payee and Permit2's nonce
/// invalidations of the payer in the blocks of the permit's time window.
pub async fn check(chain: &Chain<'_>, record: &Record) -> Result<Verdict, CheckError> {
    on_chain(chain, record).await?;
    let latest = logs::block_time(&chain.rpc, chain.url, None).await?;
    let chain_time = latest.1;
    let used = super::chain::nonce_used(&chain.rpc, chain.url, record.payer, record.nonce).await?;
    let mismatch = |mismatch| Verdict::Mismatch {
        mismatch,
        nonce_used: used,
        deadline: record.deadline,
        chain_time,
    };
    if let Some(tx) = record.transaction {
        return Ok(match read_transaction(chain, record, tx, None).await? {
            Reading::Settled(s) if used => Verdict::Settled(s),
            Reading::Settled(s) => mismatch(Mismatch::NonceUnused {
                transaction: s.transaction,
            }),
            Reading::Mismatch { mismatch: m, .. } => mismatch(m),
        });
    }
    if !used {
        return Ok(if chain_time > record.deadline {
            Verdict::Expired {
                deadline: record.deadline,
                chain_time,
            }
        } else {
            Verdict::Open {
                deadline: record.deadline,
                chain_time,
            }
        });
    }
    search_spent(chain, record, latest).await
}

/// [`check`] of a spent nonce with no transaction named: the token's Transfers from the payer
/// to the payee in the blocks of the permit's time window, then Permit2's nonce invalidations
/// of the payer there. `latest` is the latest block's (number, timestamp).
async fn search_spent(
    chain: &Chain<'_>,
    record: &Record,
    latest: (u64, u64),
) -> Result<Verdict, CheckError> {
    let mismatch = |mismatch| Verdict::Mismatch {
        mismatch,
        nonce_used: true,
        deadline: record.deadline,
        chain_time: latest.1,
    };
    let Some(blocks) = logs::blocks_between(
        &chain.rpc,
        chain.url,
        record.signed_at.saturating_sub(CLOCK_SLACK_SECS),
        record.deadline,
        latest,
    )
    .await?
    else {
        return Ok(Verdict::Used { searched: None });
    };
    let found = logs::transfer_logs(
        &chain.rpc,
        chain.url,
        record.token,
        record.payer,
        record.pay_to,
        blocks,
    )
    .await?;
    let mut seen = Vec::new();
    let mut unproven = None;
    for tx in found.iter().filter_map(logs::log_transaction) {
        if seen.contains(&tx) {
            continue;
        }
        seen.push(tx);
        match read_transaction(chain, record, tx, None).await? {
            Reading::Settled(s) if s.nonce_seen => return Ok(Verdict::Settled(s)),
            Reading::Settled(s) => {
                unproven.get_or_insert(s);
            }
            // The proxy call names this nonce, and the amounts are wrong: said loudly.
            Reading::Mismatch {
                mismatch: m @ (Mismatch::WrongAmount { .. } | Mismatch::AboveMaximum { .. }),
                ours: true,
            } => return Ok(mismatch(m)),
            // Another payment to the same payee.
            Reading::Mismatch { .. } => {}
        }
    }
    let cancels = logs::invalidation_logs(&chain.rpc, chain.url, record.payer, blocks).await?;
    if let Some(tx) = cancels
        .iter()
        .filter(|l| logs::invalidates(l, record.payer, record.nonce))
        .find_map(logs::log_transaction)
    {
        return Ok(Verdict::Cancelled { transaction: tx });
    }
    Ok(match unproven {
        Some(s) => Verdict::Settled(s),
        None => Verdict::Used {
            searched: Some(blocks),
        },
    })
}

/// What the chain says about a transaction a server named without confirming it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Confirmation {
    /// Mined, successful, it moved what was allowed, and the nonce is spent.
    Settled(Settlement),
    /// Mined and reverted: it moved nothing (the permit stays open until its deadline unless
    /// the nonce is spent otherwise).
    Reverted { block: u64 },
    /// Mined, but it is not this payment's settlement.
    Unrelated(Mismatch),
    /// Not mined (or unknown to the node) within the wait.
    NotYet,
}

/// The bounded wait for a transaction a server named with `success: false`: its receipt (at
/// most `wait`), then [`Confirmation`] from its status, its Transfers, the proxy call, and the
/// nonce bitmap. `record.charged` is the settlement's `amount`, when it gave one.
pub async fn confirm(
    chain: &Chain<'_>,
    record: &Record,
    transaction: B256,
    wait: Duration,
) -> Result<Confirmation, CheckError> {
    on_chain(chain, record).await?;
    let deadline = std::time::Instant::now() + wait;
    let Some(receipt) = chain
        .rpc
        .wait_for_receipt(&format!("{transaction:#x}"), deadline)
        .await?
    else {
        return Ok(Confirmation::NotYet);
    };
    Ok(
        match read_transaction(chain, record, transaction, Some(receipt)).await? {
            Reading::Mismatch {
                mismatch: Mismatch::Reverted { block, .. },
                ..
            } => Confirmation::Reverted { block },
            Reading::Mismatch { mismatch: m, .. } => Confirmation::Unrelated(m),
            Reading::Settled(s) => {
                if super::chain::nonce_used(&chain.rpc, chain.url, record.payer, record.nonce)
                    .await?
                {
                    Confirmation::Settled(s)
                } else {
                    Confirmation::Unrelated(Mismatch::NonceUnused { transaction })
                }
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(scheme: Scheme) -> Record {
        Record {
            chain_id: 84532,
            token: Address::repeat_byte(0x11),
            payer: Address::repeat_byte(0x22),
            pay_to: Address::repeat_byte(0x33),
            nonce: U256::from(0x1234u64),
            deadline: 2_000,
            signed_at: 1_700,
            scheme,
            amount: U256::from(2_000u64),
            transaction: None,
            charged: None,
        }
    }

    fn transfer(r: &Record, amount: u64) -> Transfer {
        Transfer {
            token: r.token,
            from: r.payer,
            to: r.pay_to,
            amount: U256::from(amount),
        }
    }

    fn call(r: &Record, nonce: U256, amount: u64) -> ProxyCall {
        ProxyCall {
            owner: r.payer,
            token: r.token,
            permitted: r.amount,
            nonce,
            deadline: U256::from(r.deadline),
            to: r.pay_to,
            amount: U256::from(amount),
            with_permit: false,
        }
    }

    const TX: B256 = B256::repeat_byte(0xaa);

    fn settled(reading: Reading) -> Settlement {
        match reading {
            Reading::Settled(s) => s,
            Reading::Mismatch { mismatch, .. } => panic!("{mismatch}"),
        }
    }

    fn mismatch(reading: Reading) -> Mismatch {
        match reading {
            Reading::Settled(s) => panic!("settled: {s:?}"),
            Reading::Mismatch { mismatch, .. } => mismatch,
        }
    }

    #[test]
    fn exact_needs_exactly_the_price_from_payer_to_payee() {
        let r = record(Scheme::Exact);
        let s = settled(judge(&r, TX, 7, &[transfer(&r, 2_000)], None));
        assert_eq!(
            (s.amount, s.block, s.nonce_seen),
            (U256::from(2_000u64), 7, false)
        );
        let s = settled(judge(
            &r,
            TX,
            7,
            &[transfer(&r, 2_000)],
            Some(call(&r, r.nonce, 2_000)),
        ));
        assert!(s.nonce_seen);
        assert_eq!(
            mismatch(judge(&r, TX, 7, &[transfer(&r, 1_999)], None)),
            Mismatch::WrongAmount {
                transaction: TX,
                expected: U256::from(2_000u64),
                moved: U256::from(1_999u64)
            }
        );
        // Whether the proxy call named this payment: what tells another payment to the same
        // payee (skipped in a search) from this one moving the wrong amount (said loudly).
        let ours = |call| match judge(&r, TX, 7, &[transfer(&r, 1_999)], call) {
            Reading::Mismatch { ours, .. } => ours,
            Reading::Settled(s) => panic!("{s:?}"),
        };
        assert!(!ours(None));
        assert!(ours(Some(call(&r, r.nonce, 2_000))));
        // Another token, another payee: no transfer of this payment.
        let mut other_token = transfer(&r, 2_000);
        other_token.token = Address::repeat_byte(0x99);
        let mut other_payee = transfer(&r, 2_000);
        other_payee.to = Address::repeat_byte(0x98);
        assert_eq!(
            mismatch(judge(&r, TX, 7, &[other_token, other_payee], None)),
            Mismatch::NoTransfer {
                transaction: TX,
                seen: vec![other_payee]
            }
        );
        // The proxy call spent another nonce.
        assert!(matches!(
            mismatch(judge(
                &r,
                TX,
                7,
                &[transfer(&r, 2_000)],
                Some(call(&r, U256::from(1u8), 2_000))
            )),
            Mismatch::OtherAuthorization { nonce, .. } if nonce == U256::from(1u8)
        ));
    }

    #[test]
    fn upto_moves_the_charge_and_never_more_than_the_maximum() {
        let mut r = record(Scheme::Upto);
        r.charged = Some(U256::from(1_250u64));
        let s = settled(judge(&r, TX, 1, &[transfer(&r, 1_250)], None));
        assert_eq!(s.amount, U256::from(1_250u64));
        assert!(matches!(
            mismatch(judge(&r, TX, 1, &[transfer(&r, 1_000)], None)),
            Mismatch::WrongAmount { expected, moved, .. }
                if expected == U256::from(1_250u64) && moved == U256::from(1_000u64)
        ));
        // Above the maximum is said as such, even when it equals a (lying) charge.
        r.charged = Some(U256::from(2_001u64));
        assert!(matches!(
            mismatch(judge(&r, TX, 1, &[transfer(&r, 2_001)], None)),
            Mismatch::AboveMaximum { maximum, moved, .. }
                if maximum == U256::from(2_000u64) && moved == U256::from(2_001u64)
        ));
        // No charge recorded: the proxy call's amount, else anything up to the maximum.
        r.charged = None;
        let s = settled(judge(&r, TX, 1, &[transfer(&r, 2_000)], None));
        assert_eq!(s.amount, U256::from(2_000u64));
        assert!(matches!(
            mismatch(judge(
                &r,
                TX,
                1,
                &[transfer(&r, 900)],
                Some(call(&r, r.nonce, 800))
            )),
            Mismatch::WrongAmount { .. }
        ));
    }

    #[test]
    fn nonces_are_decimal_uint256() {
        assert_eq!(parse_nonce("1234"), Some(U256::from(1234u64)));
        assert_eq!(parse_nonce(&U256::MAX.to_string()), Some(U256::MAX));
        for bad in ["", "0x12", "-1", "1e3", "12 3"] {
            assert_eq!(parse_nonce(bad), None, "{bad}");
        }
        // One more than 2^256 - 1.
        assert_eq!(
            parse_nonce(
                "115792089237316195423570985008687907853269984665640564039457584007913129639936"
            ),
            None
        );
    }

    #[test]
    fn verdicts_say_what_can_still_move_money() {
        let open = Verdict::Open {
            deadline: 10,
            chain_time: 10,
        };
        assert!(open.still_open());
        assert!(
            !Verdict::Expired {
                deadline: 10,
                chain_time: 11
            }
            .still_open()
        );
        let m = |nonce_used, chain_time| Verdict::Mismatch {
            mismatch: Mismatch::UnknownTransaction { transaction: TX },
            nonce_used,
            deadline: 10,
            chain_time,
        };
        assert!(m(false, 9).still_open());
        assert!(!m(true, 9).still_open());
        assert!(!m(false, 11).still_open());
        assert!(m(false, 9).to_string().contains("can still settle until"));
        assert_eq!(m(true, 9).transaction(), Some(TX));
    }
}
