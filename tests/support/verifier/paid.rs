//! A paid route's answers: the 402 challenge, and what a payment gets once it is checked
//! ([`super::Answer`]).

use super::chain::{rpc_call, settle_on_chain};
use super::check::{verify_v1, verify_v2};
use super::serve::{Action, b64, head, response, unix_now};
use super::*;

/// The answer of a paid route, and the payment it received (if any).
pub(super) fn paid(
    offer: &Offer,
    answer: &Answer,
    sig: Option<String>,
    xp: Option<String>,
    close: bool,
    settled: &Mutex<Vec<String>>,
) -> (Action, Option<Payment>) {
    let unpaid = Paying {
        offer,
        verdict: &Verdict::default(),
        document: None,
        close,
    };
    let (header, value) = match (offer.version, sig, xp) {
        (Version::V2, Some(v), _) => ("payment-signature", v),
        (Version::V1, _, Some(v)) => ("x-payment", v),
        (_, None, None) => return (unpaid.refuse(None), None),
        (version, sig, xp) => {
            // The other version's header: a reference server treats it as no payment at all.
            let (h, v) = match sig {
                Some(v) => ("payment-signature", v),
                None => ("x-payment", xp.unwrap_or_default()),
            };
            let p = Payment {
                header: h.into(),
                value: v,
                document: None,
                text: None,
                verdict: Verdict {
                    failures: vec![format!("{h} sent to a {version:?} route")],
                    ..Verdict::default()
                },
            };
            return (unpaid.refuse(None), Some(p));
        }
    };
    let now = unix_now();
    let (text, document, verdict) = match offer.version {
        Version::V2 => verify_v2(
            &value,
            &offer.accepts,
            offer.resource.as_ref(),
            offer.extensions.as_ref(),
            now,
        ),
        Version::V1 => verify_v1(&value, &offer.accepts, now),
    };
    let action = Paying {
        offer,
        verdict: &verdict,
        document: document.as_ref(),
        close,
    }
    .answer(answer, settled);
    let payment = Payment {
        header: header.into(),
        value,
        document,
        text,
        verdict,
    };
    (action, Some(payment))
}

/// A payment being answered, and what the answers need to know of it.
struct Paying<'a> {
    offer: &'a Offer,
    verdict: &'a Verdict,
    document: Option<&'a Value>,
    close: bool,
}

impl Paying<'_> {
    fn answer(&self, answer: &Answer, settled: &Mutex<Vec<String>>) -> Action {
        // The answers that take the payment first check it; the others answer whatever came.
        let takes_it = matches!(
            answer,
            Answer::Success
                | Answer::Redirect(_)
                | Answer::Unconfirmed { .. }
                | Answer::TakeAndRefuse(_)
                | Answer::Reverted
        );
        if takes_it && !self.verdict.ok() {
            let reason = format!("verifier: {}", self.verdict.failures.join("; "));
            return self.refuse(Some(&reason));
        }
        match answer {
            Answer::Success => self.success(),
            Answer::Redirect(location) => self.respond(
                302,
                vec![
                    (self.receipt_name().into(), b64(&self.success_receipt())),
                    ("location".into(), location.clone()),
                ],
                b"",
            ),
            Answer::Reject(reason) => self.refuse(Some(reason)),
            Answer::SettleFail(reason) => {
                let body = match self.offer.version {
                    Version::V2 => json!({}),
                    Version::V1 => {
                        json!({"x402Version": 1, "error": reason, "accepts": self.offer.accepts})
                    }
                };
                let receipt = self.failed_receipt(reason, "");
                self.with_receipt(402, &receipt, body.to_string().as_bytes())
            }
            Answer::Unconfirmed {
                status,
                reason,
                settle,
            } => {
                let tx = if *settle {
                    self.settle(settled)
                } else {
                    MADE_UP_TX.to_string()
                };
                let body = if *status == 402 {
                    "{}"
                } else {
                    self.offer.body.as_str()
                };
                let receipt = self.failed_receipt(reason, &tx);
                self.with_receipt(*status, &receipt, body.as_bytes())
            }
            Answer::Reverted => {
                let tx = self.revert(settled);
                let receipt = self.failed_receipt("settlement_pending", &tx);
                self.with_receipt(402, &receipt, b"{}")
            }
            Answer::TakeAndRefuse(reason) => {
                self.settle(settled);
                self.refuse(Some(reason))
            }
            Answer::ServerError => self.respond(
                500,
                vec![("content-type".into(), "text/plain".into())],
                b"handler failed",
            ),
            Answer::Drop => Action::Close,
            Answer::Stall => Action::Stall,
        }
    }

    fn respond(&self, status: u16, headers: Vec<(String, String)>, body: &[u8]) -> Action {
        Action::Respond {
            bytes: response(status, &headers, body, self.close),
            close: self.close,
        }
    }

    /// A 402 with the offer's requirements and this reason (else the initial wording).
    fn refuse(&self, reason: Option<&str>) -> Action {
        challenge(self.offer, reason, &|status, headers, body| {
            self.respond(status, headers, body)
        })
    }

    /// 200 with the route's body (or generated body) and a successful receipt.
    fn success(&self) -> Action {
        let receipt = b64(&self.success_receipt());
        match self.offer.generated {
            Some(body) => Action::Stream {
                head: head(
                    200,
                    &[
                        ("content-type".into(), "application/octet-stream".into()),
                        (self.receipt_name().into(), receipt),
                    ],
                    body.len,
                    self.close,
                ),
                body,
                close: self.close,
            },
            None => self.with_receipt(200, &self.success_receipt(), self.offer.body.as_bytes()),
        }
    }

    /// `status`, a JSON body and the receipt header.
    fn with_receipt(&self, status: u16, receipt: &Value, body: &[u8]) -> Action {
        self.respond(
            status,
            vec![
                ("content-type".into(), "application/json".into()),
                (self.receipt_name().into(), b64(receipt)),
            ],
            body,
        )
    }

    fn receipt_name(&self) -> &'static str {
        match self.offer.version {
            Version::V2 => "PAYMENT-RESPONSE",
            Version::V1 => "X-PAYMENT-RESPONSE",
        }
    }

    /// The network of the option paid, as offered.
    fn network(&self) -> String {
        self.verdict
            .option
            .and_then(|i| self.offer.accepts[i]["network"].as_str())
            .unwrap_or("")
            .to_string()
    }

    fn payer(&self) -> String {
        self.verdict
            .payer
            .map(|a| a.to_checksum(None))
            .unwrap_or_default()
    }

    /// The receipt of a settlement that succeeded (nothing is settled anywhere: [`FAKE_TX`]).
    fn success_receipt(&self) -> Value {
        json!({
            "success": true,
            "transaction": FAKE_TX,
            "network": self.network(),
            "payer": self.payer(),
        })
    }

    /// A receipt saying `success: false` for `reason`, naming `transaction` (or `""`).
    fn failed_receipt(&self, reason: &str, transaction: &str) -> Value {
        json!({
            "success": false,
            "errorReason": reason,
            "transaction": transaction,
            "network": self.network(),
            "payer": self.payer(),
        })
    }

    /// Settles the payment on the offer's chain; the transaction, also recorded in `settled`.
    fn settle(&self, settled: &Mutex<Vec<String>>) -> String {
        let tx = settle_on_chain(self.offer, self.verdict.option, self.document);
        settled.lock().unwrap().push(tx.clone());
        tx
    }

    /// Sends a call the token refuses to the offer's chain (mined, reverted); the transaction,
    /// also recorded in `settled`.
    fn revert(&self, settled: &Mutex<Vec<String>>) -> String {
        let chain = self
            .offer
            .chain
            .as_ref()
            .expect("Answer::Reverted needs Offer::settle_on");
        let asset = &self.offer.accepts[self.verdict.option.unwrap_or(0)]["asset"];
        // An explicit gas limit, so the node mines the failing call instead of refusing to
        // estimate it.
        let tx = rpc_call(
            &chain.rpc_url,
            "eth_sendTransaction",
            json!([{"from": chain.relayer, "to": asset, "data": "0xdeadbeef", "gas": "0x186a0"}]),
        );
        let tx = tx.as_str().expect("a transaction hash").to_string();
        settled.lock().unwrap().push(tx.clone());
        tx
    }
}

/// Builds a response: status, headers, body.
type Respond<'a> = dyn Fn(u16, Vec<(String, String)>, &[u8]) -> Action + 'a;

/// A 402 with the offer's requirements and `error` (the reason a payment was refused, or
/// the reference servers' initial wording).
fn challenge(offer: &Offer, error: Option<&str>, respond: &Respond<'_>) -> Action {
    let json_type = ("content-type".to_string(), "application/json".to_string());
    match offer.version {
        Version::V2 => respond(
            402,
            vec![
                json_type,
                ("PAYMENT-REQUIRED".into(), offer.payment_required(error)),
            ],
            b"{}",
        ),
        Version::V1 => {
            let doc = json!({
                "x402Version": 1,
                "error": error.unwrap_or("X-PAYMENT header is required"),
                "accepts": offer.accepts,
            });
            respond(402, vec![json_type], doc.to_string().as_bytes())
        }
    }
}
