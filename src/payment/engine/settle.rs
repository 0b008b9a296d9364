//! The paid request and its answer: sent (resent only as the very same bytes), the settlement
//! read, the outcome recorded in the journal. All of it comes from the response head, so it is
//! said and recorded before the body is delivered.
//!
//! The server's word never proves that money did not move: a refused payment is recorded as
//! `rejected` and still counts until the chain shows it used, expired or cancelled.

use super::flow::{Engine, Pending};
use super::outcome::{Outcome, Refusal, money, server_says_insufficient_funds};
use super::report;
use super::scheme::OnChain;
use super::unix_now;
use crate::exit::ExitStatus;
use crate::http::transport_status;
use crate::journal::{Outcome as JournalOutcome, Status};
use crate::output::untrusted;
use crate::payment::challenge::parse_payment_required;
use crate::payment::receipt::{Settlement, find_settlement};
use crate::request::{Hop, Prepared, ReceiveError, Received};
use crate::trace;
use jiff::Timestamp;

/// How long the engine waits for the receipt of a transaction a server named but did not
/// confirm. Long enough for a local or fast chain to mine it, short enough that a script is not
/// held up; `history check` tells the rest later.
pub const RECEIPT_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

impl Engine<'_> {
    /// Sends the paid request; on a transport error, resends the same bytes (`retry`) while
    /// the payment is valid. Records `unknown` (or `unsent`) in the journal when it gives up.
    pub(super) async fn send(
        &self,
        request: &Prepared,
        hop: &Hop,
        pending: &Pending,
    ) -> Result<Received, Outcome> {
        let p = self.printer;
        let signed = &pending.signed;
        let (retry, user_agent) = (self.settings.retry, self.settings.user_agent.as_deref());
        let mut attempt = 0u32;
        let mut delivered = false;
        loop {
            trace::request(p, hop, user_agent, Some(signed.header_name));
            let spinner = p.spinner(format!(
                "paying {} and waiting for settlement",
                pending.quote.price()
            ));
            let result = request
                .send_hop(hop, Some((signed.header_name, &signed.header_value)))
                .await;
            drop(spinner);
            let err = match result {
                Ok(resp) => {
                    trace::response(p, &hop.url, &resp);
                    return Ok(resp);
                }
                Err(e) => e,
            };
            delivered |= !err.never_sent();
            let backoff = 1u64 << attempt.min(3);
            if attempt < retry && unix_now() + backoff < signed.valid_before {
                attempt += 1;
                p.warn(format!(
                    "{err}; resending the same signed payment in {backoff} s ({attempt}/{retry})"
                ));
                tokio::time::sleep(std::time::Duration::from_secs(backoff)).await;
                continue;
            }
            return Err(self.undelivered(pending, delivered, err));
        }
    }

    /// The paid request got no answer: `unknown` when it may have reached the server, else
    /// `unsent`.
    fn undelivered(&self, pending: &Pending, delivered: bool, err: ReceiveError) -> Outcome {
        let nonce = &pending.signed.nonce;
        let status = if delivered {
            Status::Unknown
        } else {
            Status::Unsent
        };
        self.record(nonce, status, None, Some(err.to_string()));
        if delivered {
            return Outcome::Unknown {
                message: format!(
                    "the payment was sent but no answer came back; it may have settled (nonce \
                     {nonce}); check with `x402 history check` before paying again"
                ),
                reason: None,
                transaction: None,
                response: None,
                cause: Some(err),
            };
        }
        Outcome::Unsent {
            status: match &err {
                ReceiveError::Http(e) => transport_status(e),
                ReceiveError::TooLarge => ExitStatus::TooLarge,
            },
            message: format!(
                "the paid request could not be delivered, so nothing was paid (nonce {nonce})"
            ),
            cause: err,
        }
    }

    /// Appends an outcome. A journal that cannot be written is reported, never silently
    /// ignored, but does not hide the payment's own result (the `pending` record is on disk).
    fn record(
        &self,
        nonce: &str,
        status: Status,
        transaction: Option<String>,
        reason: Option<String>,
    ) {
        self.record_charged(nonce, status, transaction, reason, None);
    }

    /// [`Self::record`], with what a scheme that charges up to a maximum says was charged.
    fn record_charged(
        &self,
        nonce: &str,
        status: Status,
        transaction: Option<String>,
        reason: Option<String>,
        charged: Option<alloy_primitives::U256>,
    ) {
        let outcome = JournalOutcome {
            time: Timestamp::now(),
            nonce: nonce.to_string(),
            status,
            transaction,
            reason,
            verified: false,
            charged,
        };
        if let Err(e) = self.journal.record_outcome(outcome) {
            self.printer.warn(format!(
                "the outcome ({status}) of payment {nonce} could not be recorded in {}: {e:#}",
                self.journal.path().display()
            ));
        }
    }

    /// Reads the answer to the paid request: reports the settlement, records the outcome.
    pub(super) async fn settle(&self, pending: &Pending, paid: Received) -> Outcome {
        let p = self.printer;
        let settlement: Option<Settlement> = match find_settlement(&paid.headers) {
            Some(Ok(s)) => Some(s),
            Some(Err(e)) => {
                p.warn(format!("the settlement receipt cannot be read: {e}"));
                None
            }
            None => None,
        };
        trace::step(
            p,
            match &settlement {
                Some(s) if s.success => format!(
                    "settlement receipt: success, transaction {}",
                    s.transaction
                        .as_deref()
                        .map_or("(none given)".into(), untrusted)
                ),
                Some(_) => "settlement receipt: the settlement failed".to_string(),
                None => "no settlement receipt in the answer".to_string(),
            },
        );
        // `success: false` with a transaction (`settlement_pending` from @x402/core 2.24+, or
        // any other reason): a transaction was sent, so the outcome is the chain's to tell.
        if let Some(s) = &settlement
            && !s.success
            && let Some(tx) = s.transaction.as_deref().map(untrusted)
        {
            let charged = charged(&pending.quote, s);
            return self
                .unconfirmed(pending, paid, tx, reason_of(s), charged)
                .await;
        }
        if let Some(refusal) = self.allowance_required(pending, &paid) {
            return Outcome::Refused(refusal);
        }
        if paid.status == 402 {
            return self.rejected(pending, &paid, settlement.as_ref()).await;
        }
        self.settled(pending, paid, settlement).await
    }

    /// What a signed payment the server refused still is: the scheme's [`still_open`] words,
    /// unless the chain already shows it can never move money, which is then recorded
    /// `expired` (after the refusal).
    ///
    /// [`still_open`]: super::scheme::Scheme::still_open
    async fn still_open(&self, pending: &Pending) -> String {
        match pending.scheme.lapsed(&pending.quote, &pending.signed).await {
            Some(lapsed) => {
                self.record(
                    &pending.signed.nonce,
                    Status::Expired,
                    None,
                    Some(lapsed.clone()),
                );
                lapsed
            }
            None => pending.scheme.still_open(&pending.signed),
        }
    }

    /// A Permit2 payment answered 412 `permit2_allowance_required`: the payer has not approved
    /// the token for Permit2. Recorded `rejected` (the permit sent stays usable until its
    /// deadline should the allowance appear) and reported as the refusal `AllowanceRequired`,
    /// never retried: paying again cannot help until the token is approved.
    fn allowance_required(&self, pending: &Pending, paid: &Received) -> Option<Refusal> {
        let crate::payment::policy::Scheme::Permit2(terms) = &pending.quote.scheme else {
            return None;
        };
        let answer = parse_payment_required(&paid.headers, &paid.body).ok()?;
        let required =
            crate::payment::permit2::allowance_required_answer(paid.status, &answer, terms)?;
        self.record(
            &pending.signed.nonce,
            Status::Rejected,
            None,
            Some(crate::payment::permit2::ALLOWANCE_REQUIRED_REASON.to_owned()),
        );
        Some(Refusal::AllowanceRequired {
            required,
            still_open: Some(pending.scheme.still_open(&pending.signed)),
        })
    }

    /// A 402 again: the server refused the payment.
    async fn rejected(
        &self,
        pending: &Pending,
        paid: &Received,
        s: Option<&Settlement>,
    ) -> Outcome {
        let reason = s
            .and_then(|s| s.error_reason.clone().or_else(|| s.error_message.clone()))
            .or_else(|| {
                parse_payment_required(&paid.headers, &paid.body)
                    .ok()
                    .and_then(|c| c.error)
            })
            .map_or_else(|| "no reason given".into(), |r| untrusted(&r));
        self.record(
            &pending.signed.nonce,
            Status::Rejected,
            None,
            Some(reason.clone()),
        );
        let still_open = self.still_open(pending).await;
        if server_says_insufficient_funds(&reason) {
            return Outcome::Refused(Refusal::RefusedForFunds {
                asked: money(&pending.quote),
                reason,
                still_open,
            });
        }
        Outcome::Rejected {
            message: format!("the server rejected the payment: {reason}; {still_open}"),
            reason,
            transaction: None,
            response: None,
        }
    }

    /// Any answer but a 402, with a receipt that succeeded, failed without a transaction, or
    /// none at all.
    async fn settled(&self, pending: &Pending, paid: Received, s: Option<Settlement>) -> Outcome {
        let (quote, nonce) = (&pending.quote, &pending.signed.nonce);
        match s {
            Some(s) if s.success => {
                let charged = charged(quote, &s);
                self.record_charged(nonce, Status::Settled, s.transaction.clone(), None, charged);
                let tx = s.transaction.as_deref().unwrap_or_default();
                report::report_paid(self.printer, quote, tx, charged);
                if charged == Some(alloy_primitives::U256::ZERO) {
                    // The server's word that nothing moved; the signature for the maximum
                    // was handed over and stays usable until its deadline.
                    self.printer.info(format!(
                        "  the server says it charged nothing; {}",
                        pending.scheme.still_open(&pending.signed)
                    ));
                }
                Outcome::Paid {
                    transaction: s.transaction,
                    on_chain: false,
                    charged,
                    response: paid,
                }
            }
            Some(s) => {
                // A failure without a transaction on a non-402 answer: the server's word only.
                let reason = reason_of(&s);
                self.record(nonce, Status::Rejected, None, Some(reason.clone()));
                let still_open = self.still_open(pending).await;
                self.printer.warn(format!(
                    "the server says the settlement failed ({reason}) but names no transaction; \
                     {still_open}"
                ));
                Outcome::NotSettled {
                    reason,
                    response: paid,
                }
            }
            None if paid.status >= 500 => {
                let reason = format!(
                    "HTTP {} after payment with no settlement receipt",
                    paid.status
                );
                self.record(nonce, Status::Unknown, None, Some(reason.clone()));
                Outcome::Unknown {
                    message: format!(
                        "{reason}; it may have settled (nonce {nonce}); check with `x402 \
                         history check`"
                    ),
                    reason: None,
                    transaction: None,
                    response: Some(paid),
                    cause: None,
                }
            }
            None => {
                // Without a receipt nobody can say whether the payment was (or will be) used:
                // the journal says so, and `history check` asks the chain later.
                let reason = format!("HTTP {} without a settlement receipt", paid.status);
                self.record(nonce, Status::Unknown, None, Some(reason));
                self.printer.warn(format!(
                    "the response carries no settlement receipt; whether {} moved is not known \
                     (nonce {nonce}; `x402 history check` asks the chain)",
                    quote.price()
                ));
                Outcome::NoReceipt { response: paid }
            }
        }
    }

    /// A receipt with `success: false` that names a transaction: recorded `unknown` with it,
    /// and, when the user configured an RPC URL for the network, the chain asked (briefly)
    /// what that transaction did; for `upto`, whether it moved exactly what the receipt says
    /// was `charged`.
    async fn unconfirmed(
        &self,
        pending: &Pending,
        paid: Received,
        tx: String,
        reason: String,
        charged: Option<alloy_primitives::U256>,
    ) -> Outcome {
        let p = self.printer;
        let (quote, nonce) = (&pending.quote, &pending.signed.nonce);
        self.record(
            nonce,
            Status::Unknown,
            Some(tx.clone()),
            Some(reason.clone()),
        );
        p.warn(format!(
            "the server could not confirm the settlement ({reason}) but sent transaction {tx}: \
             the payment may have moved"
        ));
        let asked = self.ask_chain(pending, &tx, charged).await;
        if asked == Some(OnChain::Settled) {
            return self.settled_on_chain(pending, paid, tx, &reason, charged);
        }
        // The body of a 402 is not the resource: only another answer's body is delivered.
        let deliver = (paid.status != 402).then_some(paid);
        match asked {
            Some(OnChain::Reverted) => {
                let why = format!("transaction {tx} reverted ({reason})");
                self.record(nonce, Status::Rejected, Some(tx.clone()), Some(why.clone()));
                let still_open = self.still_open(pending).await;
                Outcome::Rejected {
                    message: format!(
                        "the settlement failed: {why}; it moved nothing, but {still_open}"
                    ),
                    reason,
                    transaction: Some(tx),
                    response: deliver,
                }
            }
            other => {
                let chain = match other {
                    Some(OnChain::Unrelated) => format!(
                        "; the chain shows {tx} mined, but it did not use this payment's \
                         authorization"
                    ),
                    Some(_) => format!(
                        "; {tx} was not on {} after {} s",
                        quote.network.name(),
                        RECEIPT_WAIT.as_secs()
                    ),
                    None => String::new(),
                };
                Outcome::Unknown {
                    message: format!(
                        "the outcome is unknown: the server answered {reason} with transaction \
                         {tx}{chain}; it may have settled (nonce {nonce}); check with `x402 \
                         history check` before paying again"
                    ),
                    reason: Some(reason),
                    transaction: Some(tx),
                    response: deliver,
                    cause: None,
                }
            }
        }
    }

    /// A settlement the server did not confirm but the chain shows: recorded settled (with
    /// what an `upto` payment `charged`) and reported paid.
    fn settled_on_chain(
        &self,
        pending: &Pending,
        paid: Received,
        tx: String,
        reason: &str,
        charged: Option<alloy_primitives::U256>,
    ) -> Outcome {
        let p = self.printer;
        let why = format!("the server said {reason}; the chain shows it settled");
        let nonce = &pending.signed.nonce;
        self.record_charged(nonce, Status::Settled, Some(tx.clone()), Some(why), charged);
        report::report_paid(p, &pending.quote, &tx, charged);
        if paid.status >= 400 {
            p.warn(format!(
                "the payment settled, but the server answered HTTP {} {} instead of the \
                 resource",
                paid.status, paid.reason
            ));
        }
        Outcome::Paid {
            transaction: Some(tx),
            on_chain: true,
            charged,
            response: paid,
        }
    }

    /// What the chain says of `tx`, when an RPC URL is configured for the network.
    async fn ask_chain(
        &self,
        pending: &Pending,
        tx: &str,
        charged: Option<alloy_primitives::U256>,
    ) -> Option<OnChain> {
        let quote = &pending.quote;
        let url = quote
            .network
            .rpc_url()
            .filter(|_| quote.network.rpc_configured())?;
        let p = self.printer;
        let spinner = p.spinner(format!("waiting for {tx} on {}", quote.network.name()));
        let said = pending
            .scheme
            .confirm_on_chain(url, quote, &pending.signed, tx, RECEIPT_WAIT, charged)
            .await;
        drop(spinner);
        match said {
            Ok(said) => Some(said),
            Err(e) => {
                p.warn(format!("the chain could not be asked: {e:#}"));
                None
            }
        }
    }
}

/// What the settlement says was charged, for a quote whose amount is a maximum (`upto`): its
/// `amount`, in base units.
fn charged(
    quote: &crate::payment::policy::Quote,
    s: &Settlement,
) -> Option<alloy_primitives::U256> {
    if !quote.is_upto() {
        return None;
    }
    s.amount
        .as_deref()
        .and_then(|a| alloy_primitives::U256::from_str_radix(a.trim(), 10).ok())
}

/// The server's reason for a failed settlement, escaped and cut as any server text shown.
fn reason_of(s: &Settlement) -> String {
    s.error_reason
        .as_deref()
        .or(s.error_message.as_deref())
        .map_or_else(|| "no reason given".into(), untrusted)
}
