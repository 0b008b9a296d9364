//! Typed results of answering a 402: the receipt's status and the refusals, each with its exit
//! status and its one-line message (the wording users and tests know).

use crate::amount;
use crate::exit::ExitStatus;
use crate::payment::policy::{CapError, Quote, Unpayable};
use crate::request::{ReceiveError, Received};
use alloy_primitives::U256;

/// The `status` a `--receipt` file records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReceiptStatus {
    /// Settled: the server (or the chain) confirmed the payment.
    Paid,
    /// No payment was asked for.
    Free,
    /// `--dry-run`: the quote was shown, nothing signed.
    DryRun,
    /// No confirmation (declined at the prompt, or none possible without a terminal).
    Declined,
    /// No option of the 402 could be paid (or none matched the pins).
    NoOption,
    /// Over the per-payment cap.
    OverCap,
    /// Over the daily budget.
    OverBudget,
    /// The wallet holds less than the price (read from the chain, or the server's refusal).
    InsufficientFunds,
    /// A Permit2 payment needs the token approved for Permit2 first.
    AllowanceRequired,
    /// The server (or the chain) refused the payment.
    Rejected,
    /// Sent, but whether it settled is not known.
    Unknown,
    /// Signed but never delivered.
    Unsent,
    /// A success answer without a settlement receipt.
    Unconfirmed,
    /// A non-success answer without a settlement receipt.
    NotCharged,
    /// Anything else that ended the command.
    Error,
}

impl ReceiptStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ReceiptStatus::Paid => "paid",
            ReceiptStatus::Free => "free",
            ReceiptStatus::DryRun => "dry_run",
            ReceiptStatus::Declined => "declined",
            ReceiptStatus::NoOption => "no_option",
            ReceiptStatus::OverCap => "over_cap",
            ReceiptStatus::OverBudget => "over_budget",
            ReceiptStatus::InsufficientFunds => "insufficient_funds",
            ReceiptStatus::AllowanceRequired => "allowance_required",
            ReceiptStatus::Rejected => "rejected",
            ReceiptStatus::Unknown => "unknown",
            ReceiptStatus::Unsent => "unsent",
            ReceiptStatus::Unconfirmed => "unconfirmed",
            ReceiptStatus::NotCharged => "not_charged",
            ReceiptStatus::Error => "error",
        }
    }
}

/// An amount of one asset, shown as `0.01 USDC`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Money {
    pub amount: U256,
    pub decimals: u8,
    pub symbol: String,
}

impl std::fmt::Display for Money {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&amount::display(self.amount, self.decimals, &self.symbol))
    }
}

/// A quote's price as a typed amount.
pub fn money(quote: &Quote) -> Money {
    Money {
        amount: quote.amount,
        decimals: quote.asset.decimals,
        symbol: quote.asset.symbol.clone(),
    }
}

/// What answering one 402 ended in. Every stderr line of the conversation has been said
/// through the printer by then; this is what is left for the caller to render: the exit
/// status ([`Outcome::exit_status`]), the receipt's status ([`Outcome::receipt_status`]) and
/// error ([`Outcome::receipt_error`]), the one-line message of a failure
/// ([`Outcome::message`]), and the answer to deliver, when there is one.
#[derive(Debug)]
pub enum Outcome {
    /// `--dry-run`: the quote was shown, nothing signed.
    DryRun,
    /// Not paid: a limit, a missing option or confirmation, or the server refusing for funds.
    Refused(Refusal),
    /// Settled: the server's receipt says so, or (`on_chain`) the chain shows the payment used
    /// in the transaction the server named without confirming it. The answer is the result.
    Paid {
        transaction: Option<String>,
        on_chain: bool,
        /// For a quote whose amount is a maximum (`upto`): what the settlement says was
        /// charged (0: nothing moved); `None` for the other schemes, or when it named no amount.
        charged: Option<U256>,
        response: Received,
    },
    /// The server's receipt says the settlement failed but names no transaction, on an answer
    /// that is not a 402: the server's word only, recorded `rejected`; the answer is delivered.
    NotSettled { reason: String, response: Received },
    /// An answer without a settlement receipt (not a 5xx): whether money moved is for the
    /// chain to tell later; the answer is delivered.
    NoReceipt { response: Received },
    /// Refused: the server answered 402 again, or the transaction it named reverted. The
    /// answer, when not a 402, is delivered before the failure is reported.
    Rejected {
        reason: String,
        transaction: Option<String>,
        message: String,
        response: Option<Received>,
    },
    /// Sent, and whether it settled is not known. `cause` is the transport error when no
    /// answer came back.
    Unknown {
        message: String,
        reason: Option<String>,
        transaction: Option<String>,
        response: Option<Received>,
        cause: Option<ReceiveError>,
    },
    /// Signed, but never delivered: nothing was paid.
    Unsent {
        status: ExitStatus,
        message: String,
        cause: ReceiveError,
    },
}

impl Outcome {
    /// The exit status: success for what ends in the answer being delivered.
    pub fn exit_status(&self) -> ExitStatus {
        match self {
            Outcome::DryRun
            | Outcome::Paid { .. }
            | Outcome::NotSettled { .. }
            | Outcome::NoReceipt { .. } => ExitStatus::Success,
            Outcome::Refused(r) => r.exit_status(),
            Outcome::Rejected { .. } => ExitStatus::Rejected,
            Outcome::Unknown { .. } => ExitStatus::OutcomeUnknown,
            Outcome::Unsent { status, .. } => *status,
        }
    }

    /// What the receipt records as `status`; `None` keeps what the call had reached.
    pub fn receipt_status(&self) -> Option<ReceiptStatus> {
        Some(match self {
            Outcome::DryRun => ReceiptStatus::DryRun,
            Outcome::Refused(r) => return r.receipt_status(),
            Outcome::Paid { .. } => ReceiptStatus::Paid,
            Outcome::NotSettled { .. } | Outcome::Rejected { .. } => ReceiptStatus::Rejected,
            Outcome::NoReceipt { response } if response.status < 300 => ReceiptStatus::Unconfirmed,
            Outcome::NoReceipt { .. } => ReceiptStatus::NotCharged,
            Outcome::Unknown { .. } => ReceiptStatus::Unknown,
            Outcome::Unsent { .. } => ReceiptStatus::Unsent,
        })
    }

    /// The server's reason the receipt records as `error`, when there is one.
    pub fn receipt_error(&self) -> Option<&str> {
        match self {
            Outcome::Refused(Refusal::RefusedForFunds { reason, .. })
            | Outcome::NotSettled { reason, .. }
            | Outcome::Rejected { reason, .. } => Some(reason),
            Outcome::Unknown { reason, .. } => reason.as_deref(),
            _ => None,
        }
    }

    /// The transaction the outcome names, when it names one.
    pub fn transaction(&self) -> Option<&str> {
        match self {
            Outcome::Paid { transaction, .. }
            | Outcome::Rejected { transaction, .. }
            | Outcome::Unknown { transaction, .. } => transaction.as_deref(),
            _ => None,
        }
    }

    /// What a settled payment of a maximum (`upto`) charged, when the settlement said.
    pub fn charged(&self) -> Option<U256> {
        match self {
            Outcome::Paid { charged, .. } => *charged,
            _ => None,
        }
    }

    /// The one-line message of a failure (`None` for what succeeds).
    pub fn message(&self) -> Option<String> {
        match self {
            Outcome::Refused(r) => Some(r.to_string()),
            Outcome::Rejected { message, .. }
            | Outcome::Unknown { message, .. }
            | Outcome::Unsent { message, .. } => Some(message.clone()),
            _ => None,
        }
    }
}

/// Why a payment was not made. Every refusal happens before anything is signed, except
/// [`Refusal::PaidTwice`] (a second 402 for a URL already paid in the same call) and
/// [`Refusal::RefusedForFunds`] (the server's refusal of a signed payment for lack of funds).
#[derive(Debug)]
pub enum Refusal {
    /// No option of the 402 can be paid: each one's reason, by option number (1-based).
    NoOption(Vec<(usize, Unpayable)>),
    /// Terms were pinned (`--terms`, `--expect-*`) and no option matches them.
    TermsChanged(Vec<(usize, Unpayable)>),
    /// The chosen option's price is over the per-payment cap (or the cap cannot be expressed
    /// in its asset).
    OverCap(CapError),
    /// Right before signing, the option no longer is the one judged within the cap.
    ChangedBeforeSigning,
    /// The price plus what was spent or is pending in the last 24 hours is over the daily limit.
    OverBudget {
        asked: Money,
        spent: U256,
        limit: U256,
        network: String,
    },
    /// The price plus what this `x402 mcp` process has paid (or may have paid) on the asset is
    /// over its session budget.
    OverSession {
        asked: Money,
        spent: U256,
        limit: U256,
        network: String,
    },
    /// The session budget cannot be expressed in the asset's base units: refused, not rounded.
    SessionUnrepresentable { budget: String, symbol: String },
    /// The chain shows the payer holds less than the price.
    InsufficientFunds {
        owner: String,
        balance: Money,
        asked: Money,
        network: String,
    },
    /// The server refused the signed payment for lack of funds.
    RefusedForFunds {
        asked: Money,
        reason: String,
        still_open: String,
    },
    /// A Permit2 payment whose payer has not approved the token for Permit2, with no
    /// gas-sponsored approval on offer: read from the chain before signing (`still_open`
    /// `None`), or the server's 412 `permit2_allowance_required` to the permit sent
    /// (`still_open`: what that permit still is).
    AllowanceRequired {
        required: crate::payment::permit2::AllowanceRequired,
        still_open: Option<String>,
    },
    /// A confirmation is needed and there is no terminal to ask at.
    NoConfirmation {
        /// An earlier payment for the same request may still settle.
        earlier: bool,
        asked: Money,
    },
    /// A second 402 in one call (after a redirect) and no person to confirm it.
    SecondPayment { url: String },
    /// The person answered no.
    DeclinedByUser,
    /// A URL already paid in this call asks for payment again.
    PaidTwice { url: String },
}

impl Refusal {
    /// The exit status of each refusal: the one place it is decided.
    pub fn exit_status(&self) -> ExitStatus {
        match self {
            Refusal::NoOption(_) | Refusal::TermsChanged(_) => ExitStatus::NoAcceptableOption,
            Refusal::OverCap(_)
            | Refusal::ChangedBeforeSigning
            | Refusal::OverBudget { .. }
            | Refusal::OverSession { .. }
            | Refusal::SessionUnrepresentable { .. } => ExitStatus::OverLimit,
            Refusal::InsufficientFunds { .. } | Refusal::RefusedForFunds { .. } => {
                ExitStatus::InsufficientFunds
            }
            Refusal::AllowanceRequired { .. } => ExitStatus::AllowanceRequired,
            Refusal::NoConfirmation { .. }
            | Refusal::SecondPayment { .. }
            | Refusal::DeclinedByUser => ExitStatus::Declined,
            Refusal::PaidTwice { .. } => ExitStatus::Rejected,
        }
    }

    /// What the receipt records for it; `None` leaves the status the call had reached (a
    /// second 402 after a payment does not undo the first payment's status).
    pub fn receipt_status(&self) -> Option<ReceiptStatus> {
        Some(match self {
            Refusal::NoOption(_) | Refusal::TermsChanged(_) => ReceiptStatus::NoOption,
            Refusal::OverCap(_) | Refusal::ChangedBeforeSigning => ReceiptStatus::OverCap,
            Refusal::OverBudget { .. }
            | Refusal::OverSession { .. }
            | Refusal::SessionUnrepresentable { .. } => ReceiptStatus::OverBudget,
            Refusal::InsufficientFunds { .. } | Refusal::RefusedForFunds { .. } => {
                ReceiptStatus::InsufficientFunds
            }
            Refusal::AllowanceRequired { .. } => ReceiptStatus::AllowanceRequired,
            Refusal::NoConfirmation { .. }
            | Refusal::SecondPayment { .. }
            | Refusal::DeclinedByUser => ReceiptStatus::Declined,
            Refusal::PaidTwice { .. } => return None,
        })
    }
}

fn reasons(options: &[(usize, Unpayable)]) -> String {
    options
        .iter()
        .map(|(n, why)| format!("option {n}: {why}"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// [`Refusal::OverBudget`]'s message.
fn over_budget(
    f: &mut std::fmt::Formatter<'_>,
    asked: &Money,
    spent: U256,
    limit: U256,
    network: &str,
) -> std::fmt::Result {
    let show = |v: U256| amount::display(v, asked.decimals, &asked.symbol);
    write!(
        f,
        "{asked} would exceed the daily limit of {}: {} already spent or pending on \
         {network} in the last 24 hours; nothing was signed",
        show(limit),
        show(spent),
    )
}

/// [`Refusal::OverSession`]'s message.
fn over_session(
    f: &mut std::fmt::Formatter<'_>,
    asked: &Money,
    spent: U256,
    limit: U256,
    network: &str,
) -> std::fmt::Result {
    let show = |v: U256| amount::display(v, asked.decimals, &asked.symbol);
    write!(
        f,
        "{asked} would exceed this session's budget of {}: {} already paid through \
         this server on {network}; nothing was signed",
        show(limit),
        show(spent),
    )
}

/// [`Refusal::NoConfirmation`]'s message.
fn no_confirmation(
    f: &mut std::fmt::Formatter<'_>,
    earlier: bool,
    asked: &Money,
) -> std::fmt::Result {
    if earlier {
        f.write_str("an earlier payment for this request may still settle: pass --yes to pay again")
    } else {
        write!(
            f,
            "not paying {asked} without confirmation: pass --yes to pay from a script"
        )
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::NoOption(o) => write!(f, "no payable option in the 402: {}", reasons(o)),
            Refusal::TermsChanged(o) => write!(
                f,
                "the terms changed: no option matches what was pinned: {}",
                reasons(o)
            ),
            Refusal::OverCap(e) => {
                write!(f, "{e}; nothing was signed (raise it with --max-amount)")
            }
            Refusal::ChangedBeforeSigning => {
                f.write_str("the option changed before signing; nothing was signed")
            }
            Refusal::OverBudget {
                asked,
                spent,
                limit,
                network,
            } => over_budget(f, asked, *spent, *limit, network),
            Refusal::OverSession {
                asked,
                spent,
                limit,
                network,
            } => over_session(f, asked, *spent, *limit, network),
            Refusal::SessionUnrepresentable { budget, symbol } => write!(
                f,
                "the session budget '{budget}' cannot be expressed in {symbol}; nothing was signed"
            ),
            Refusal::InsufficientFunds {
                owner,
                balance,
                asked,
                network,
            } => write!(
                f,
                "{owner} holds {balance} on {network}, less than the {asked} asked; nothing was \
                 signed"
            ),
            Refusal::RefusedForFunds {
                asked,
                reason,
                still_open,
            } => write!(
                f,
                "the wallet does not hold {asked}: the payment was refused ({reason}); \
                 {still_open}"
            ),
            Refusal::AllowanceRequired {
                required,
                still_open: None,
            } => write!(f, "{required}"),
            Refusal::AllowanceRequired {
                required,
                still_open: Some(still_open),
            } => write!(f, "{required}; {still_open}"),
            Refusal::NoConfirmation { earlier, asked } => no_confirmation(f, *earlier, asked),
            Refusal::SecondPayment { url } => write!(
                f,
                "not making a second payment in one call without a person to confirm it; run \
                 `x402 get {url}` to pay it"
            ),
            Refusal::DeclinedByUser => f.write_str("payment declined"),
            Refusal::PaidTwice { url } => write!(
                f,
                "{url} asks for payment again after it was paid in this call; not paying twice"
            ),
        }
    }
}

impl From<Refusal> for crate::exit::Failed {
    fn from(r: Refusal) -> Self {
        crate::exit::Failed {
            status: r.exit_status(),
            message: r.to_string(),
        }
    }
}

/// Whether a server's refusal of a signed payment names a lack of funds. The one decision made
/// from a server's free text: the facilitators send `insufficient_funds` (coinbase/x402) or
/// `insufficient_balance` as the reason, with no typed field to read instead. Matching the
/// substring keeps the exit status (insufficient funds, not rejected) scripts branch on.
pub fn server_says_insufficient_funds(reason: &str) -> bool {
    reason.contains("insufficient_funds") || reason.contains("insufficient_balance")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_refusal_has_an_exit_status_and_a_receipt_status() {
        let asked = Money {
            amount: U256::from(20_000u64),
            decimals: 6,
            symbol: "USDC".into(),
        };
        let budget = Refusal::OverBudget {
            asked: asked.clone(),
            spent: U256::from(990_000u64),
            limit: U256::from(1_000_000u64),
            network: "base-sepolia".into(),
        };
        assert_eq!(budget.exit_status(), ExitStatus::OverLimit);
        assert_eq!(budget.receipt_status(), Some(ReceiptStatus::OverBudget));
        assert_eq!(
            budget.to_string(),
            "0.02 USDC would exceed the daily limit of 1.00 USDC: 0.99 USDC already spent or \
             pending on base-sepolia in the last 24 hours; nothing was signed"
        );
        let none = Refusal::TermsChanged(vec![(1, "amount 0.02 USDC, pinned 0.01".into())]);
        assert_eq!(none.exit_status(), ExitStatus::NoAcceptableOption);
        assert!(
            none.to_string()
                .ends_with("pinned: option 1: amount 0.02 USDC, pinned 0.01")
        );
        let twice = Refusal::PaidTwice { url: "u".into() };
        assert_eq!(twice.receipt_status(), None);
        assert_eq!(twice.exit_status(), ExitStatus::Rejected);
        let ask = Refusal::NoConfirmation {
            earlier: false,
            asked,
        };
        assert_eq!(ask.exit_status(), ExitStatus::Declined);
        assert!(ask.to_string().starts_with("not paying 0.02 USDC without"));
    }

    #[test]
    fn each_outcome_has_its_exit_status_and_receipt_fields() {
        let rejected = Outcome::Rejected {
            reason: "invalid_signature".into(),
            transaction: None,
            message: "the server rejected the payment: invalid_signature; …".into(),
            response: None,
        };
        assert_eq!(rejected.exit_status(), ExitStatus::Rejected);
        assert_eq!(rejected.receipt_status(), Some(ReceiptStatus::Rejected));
        assert_eq!(rejected.receipt_error(), Some("invalid_signature"));
        let unknown = Outcome::Unknown {
            message: "HTTP 502 after payment with no settlement receipt; …".into(),
            reason: None,
            transaction: Some("0xab".into()),
            response: None,
            cause: None,
        };
        assert_eq!(unknown.exit_status(), ExitStatus::OutcomeUnknown);
        assert_eq!(unknown.receipt_status(), Some(ReceiptStatus::Unknown));
        // The receipt's error is then the failure's own line.
        assert_eq!(unknown.receipt_error(), None);
        assert_eq!(unknown.transaction(), Some("0xab"));
        let unsent = Outcome::Unsent {
            status: ExitStatus::TooLarge,
            message: "the paid request could not be delivered, so nothing was paid".into(),
            cause: ReceiveError::TooLarge,
        };
        assert_eq!(unsent.exit_status(), ExitStatus::TooLarge);
        assert_eq!(unsent.receipt_status(), Some(ReceiptStatus::Unsent));
        let funds = Outcome::Refused(Refusal::RefusedForFunds {
            asked: Money {
                amount: U256::from(10_000u64),
                decimals: 6,
                symbol: "USDC".into(),
            },
            reason: "insufficient_funds".into(),
            still_open: "…".into(),
        });
        assert_eq!(funds.exit_status(), ExitStatus::InsufficientFunds);
        assert_eq!(
            funds.receipt_status(),
            Some(ReceiptStatus::InsufficientFunds)
        );
        assert_eq!(funds.receipt_error(), Some("insufficient_funds"));
        let twice = Outcome::Refused(Refusal::PaidTwice { url: "u".into() });
        assert_eq!(twice.receipt_status(), None);
        assert_eq!(Outcome::DryRun.exit_status(), ExitStatus::Success);
        assert_eq!(Outcome::DryRun.message(), None);
    }

    #[test]
    fn only_a_named_lack_of_funds_reads_as_one() {
        assert!(server_says_insufficient_funds("insufficient_funds"));
        assert!(server_says_insufficient_funds(
            "invalid: insufficient_balance"
        ));
        assert!(!server_says_insufficient_funds("invalid_signature"));
    }
}
