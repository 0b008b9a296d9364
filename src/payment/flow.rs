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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payment::challenge::parse_payment_required;

    fn option_with(extra: Value) -> Requirement {
        let body = serde_json::json!({
            "x402Version": 1,
            "error": "X-PAYMENT header is required",
            "accepts": [{
                "scheme": "exact", "network": "base-sepolia", "maxAmountRequired": "1000",
                "resource": "http://127.0.0.1/x", "description": "", "mimeType": "",
                "payTo": "0x209693Bc6afc0C5328bA36FaF03C514EF312287C", "maxTimeoutSeconds": 60,
                "asset": "0x036CbD53842c5426634e7929541eC2318f3dCF7e", "extra": extra,
            }],
        });
        let c = parse_payment_required(&Default::default(), body.to_string().as_bytes()).unwrap();
        c.accepts.into_iter().next().unwrap()
    }

    #[test]
    fn flows_are_read_and_an_unknown_one_is_a_blocking_departure() {
        let base = serde_json::json!({"name": "USDC", "version": "2"});
        let with = |flow: Value| {
            let mut e = base.clone();
            e["paymentFlow"] = flow;
            option_with(e)
        };
        assert_eq!(
            payment_flow(&option_with(base.clone())),
            Ok(PaymentFlow::Authorization)
        );
        assert_eq!(
            payment_flow(&with(Value::Null)),
            Ok(PaymentFlow::Authorization)
        );
        assert_eq!(
            payment_flow(&with("authorization".into())),
            Ok(PaymentFlow::Authorization)
        );
        assert_eq!(
            payment_flow(&with("upfront".into())),
            Ok(PaymentFlow::Upfront)
        );
        for (flow, message) in [
            (
                Value::from("escrow"),
                "is 'escrow', a payment flow this tool does not know",
            ),
            (Value::from("Upfront"), "is 'Upfront', a payment flow"),
            (Value::from(1), "must be a string, not a number"),
        ] {
            let req = with(flow.clone());
            let problem = payment_flow(&req).unwrap_err();
            assert_eq!(problem.field, "extra.paymentFlow");
            assert!(
                problem.message.contains(message),
                "{flow}: {}",
                problem.message
            );
            assert!(!problem.advisory, "{flow}");
            // The parsed option carries it as a departure.
            assert!(
                req.problems.contains(&problem),
                "{flow}: {:?}",
                req.problems
            );
        }
        assert!(with("upfront".into()).problems.is_empty());
    }
}
