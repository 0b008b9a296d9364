//! `extra.paymentFlow` (x402 v2, `@x402/core` `paymentFlow.ts`): when the server settles.
//!
//! * `authorization` (the default, and what an absent field means): the server verifies the
//!   payment, runs the request, and settles after it succeeded.
//! * `upfront`: the server settles *before* it runs the request, so the payer is charged even
//!   when the request then fails. The quote says so in words before asking.
//!
//! Any other value is a flow this tool does not know how a charge relates to the answer for
//! (`escrow` included): a departure, and the option is not paid. No I/O, no printing.

use super::challenge::{Problem, Requirement, json_type};
use serde::Serialize;
use serde_json::Value;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PaymentFlow {
    #[default]
    Authorization,
    Upfront,
}

impl PaymentFlow {
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentFlow::Authorization => "authorization",
            PaymentFlow::Upfront => "upfront",
        }
    }

    /// What the flow means for the payer, in words.
    pub fn meaning(self) -> &'static str {
        match self {
            PaymentFlow::Authorization => {
                "the server settles after the request succeeds (the default)"
            }
            PaymentFlow::Upfront => {
                "the server settles before it runs the request: you are charged even if the \
                 request then fails"
            }
        }
    }
}

/// The requirement's flow, or the departure that makes it unpayable.
pub fn payment_flow(req: &Requirement) -> Result<PaymentFlow, Problem> {
    let field = "extra.paymentFlow";
    match req.extra.as_ref().and_then(|e| e.get("paymentFlow")) {
        None | Some(Value::Null) => Ok(PaymentFlow::Authorization),
        Some(Value::String(s)) if s == "authorization" => Ok(PaymentFlow::Authorization),
        Some(Value::String(s)) if s == "upfront" => Ok(PaymentFlow::Upfront),
        Some(Value::String(s)) => Err(Problem::new(
            field,
            format!(
                "is '{s}', a payment flow this tool does not know (authorization, upfront): \
                 when the charge happens is unknown, so it is not paid"
            ),
        )),
        Some(other) => Err(Problem::new(
            field,
            format!("must be a string, not {}", json_type(other)),
        )),
    }
}
