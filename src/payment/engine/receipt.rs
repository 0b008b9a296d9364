//! The receipt of one call: what `x402 get --receipt FILE` writes and the MCP `fetch` tool
//! gives back as its `payment`, built from the engine's [`Facts`] and [`Outcome`].

use super::flow::Facts;
use super::outcome::{Outcome, ReceiptStatus};
use crate::amount;
use serde_json::{Value, json};

/// What the receipt records.
#[derive(Clone, Debug, Default)]
pub struct Receipt {
    /// `None` until the call reached a status; written as `error`.
    pub status: Option<ReceiptStatus>,
    pub facts: Facts,
    pub transaction: Option<String>,
    pub error: Option<String>,
    /// What a paid `upto` settlement says was charged.
    pub charged: Option<alloy_primitives::U256>,
}

impl Receipt {
    /// The document: `status`, `version`, `network`, `asset`, `symbol`, `amount`,
    /// `amount_decimal`, `amount_is_maximum`, `charged`, `charged_decimal`, `pay_to`, `payer`,
    /// `nonce`, `transaction`, `error`. `amount` is what was signed (for `upto`, the maximum:
    /// `amount_is_maximum`); `charged` what the payment cost once `status` is `paid`: the
    /// amount for `exact`, the settlement's charge for `upto` (`"0"`: nothing moved), `null`
    /// otherwise or when an `upto` settlement named none.
    pub fn to_json(&self) -> Value {
        let q = self.facts.quote.as_ref();
        let charged = q.and_then(|q| self.charged_of(q));
        json!({
            "status": self.status.unwrap_or(ReceiptStatus::Error).as_str(),
            "version": self.facts.version,
            "network": q.map(|q| q.network.caip2()),
            "asset": q.map(|q| q.asset.id.clone()),
            "symbol": q.map(|q| q.asset.symbol.clone()),
            "amount": q.map(|q| q.amount.to_string()),
            "amount_decimal": q.map(|q| amount::format_units(q.amount, q.asset.decimals)),
            "amount_is_maximum": q.map(|q| q.is_upto()),
            "charged": charged.map(|c| c.to_string()),
            "charged_decimal": q
                .zip(charged)
                .map(|(q, c)| amount::format_units(c, q.asset.decimals)),
            "pay_to": q.map(|q| q.pay_to.clone()),
            "payer": self.facts.payer,
            "nonce": self.facts.nonce,
            "transaction": self.transaction,
            "error": self.error,
        })
    }

    /// What the paid payment cost: the amount (`exact`), the settlement's charge (`upto`).
    fn charged_of(&self, q: &crate::payment::policy::Quote) -> Option<alloy_primitives::U256> {
        if self.status != Some(ReceiptStatus::Paid) {
            return None;
        }
        if q.is_upto() {
            self.charged
        } else {
            Some(q.amount)
        }
    }

    /// Takes in what an outcome says: its status, the server's reason, the transaction.
    pub fn record(&mut self, outcome: &Outcome) {
        if let Some(status) = outcome.receipt_status() {
            self.status = Some(status);
        }
        if let Some(reason) = outcome.receipt_error() {
            self.error = Some(reason.to_owned());
        }
        match outcome {
            Outcome::Paid {
                transaction,
                on_chain,
                charged,
                ..
            } => {
                self.transaction = transaction.clone();
                self.charged = *charged;
                if *on_chain {
                    self.error = None;
                }
            }
            Outcome::Rejected {
                transaction: Some(tx),
                ..
            }
            | Outcome::Unknown {
                transaction: Some(tx),
                ..
            } => {
                self.transaction = Some(tx.clone());
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payment::engine::scheme::tests::{evm_quote, permit2_terms};
    use crate::payment::policy;
    use alloy_primitives::U256;

    fn paid(quote: policy::Quote, charged: Option<U256>) -> Value {
        Receipt {
            status: Some(ReceiptStatus::Paid),
            facts: Facts {
                quote: Some(quote),
                ..Facts::default()
            },
            charged,
            ..Receipt::default()
        }
        .to_json()
    }

    #[test]
    fn a_receipt_says_what_the_payment_charged_next_to_what_was_signed() {
        let upto = evm_quote(policy::Scheme::Permit2(permit2_terms()));
        let doc = paid(upto.clone(), Some(U256::from(1_250u64)));
        assert_eq!(doc["amount"], "2000");
        assert_eq!(doc["amount_is_maximum"], true);
        assert_eq!(doc["charged"], "1250");
        assert_eq!(doc["charged_decimal"], "0.00125");
        let zero = paid(upto.clone(), Some(U256::ZERO));
        assert_eq!(
            (&zero["charged"], &zero["charged_decimal"]),
            (&json!("0"), &json!("0.00"))
        );
        assert_eq!(zero["transaction"], Value::Null);
        // Exact: the amount signed is the amount charged.
        let mut terms = permit2_terms();
        terms.kind = crate::payment::permit2::Kind::Exact;
        let exact = paid(evm_quote(policy::Scheme::Permit2(terms)), None);
        assert_eq!(exact["amount_is_maximum"], false);
        assert_eq!(exact["charged"], "2000");
        // Not paid: nothing charged is known.
        let mut unknown = Receipt {
            status: Some(ReceiptStatus::Unknown),
            charged: Some(U256::from(5u8)),
            ..Receipt::default()
        };
        unknown.facts.quote = Some(upto);
        assert_eq!(unknown.to_json()["charged"], Value::Null);
        assert_eq!(Receipt::default().to_json()["charged"], Value::Null);
    }
}
