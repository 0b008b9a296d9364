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
}

impl Receipt {
    /// The document: `status`, `version`, `network`, `asset`, `symbol`, `amount`,
    /// `amount_decimal`, `pay_to`, `payer`, `nonce`, `transaction`, `error`.
    pub fn to_json(&self) -> Value {
        let q = self.facts.quote.as_ref();
        json!({
            "status": self.status.unwrap_or(ReceiptStatus::Error).as_str(),
            "version": self.facts.version,
            "network": q.map(|q| q.network.caip2()),
            "asset": q.map(|q| q.asset.id.clone()),
            "symbol": q.map(|q| q.asset.symbol.clone()),
            "amount": q.map(|q| q.amount.to_string()),
            "amount_decimal": q.map(|q| amount::format_units(q.amount, q.asset.decimals)),
            "pay_to": q.map(|q| q.pay_to.clone()),
            "payer": self.facts.payer,
            "nonce": self.facts.nonce,
            "transaction": self.transaction,
            "error": self.error,
        })
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
                ..
            } => {
                self.transaction = transaction.clone();
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
