//! Reading the settlement a server reports after a paid request: `PAYMENT-RESPONSE` (v2, on
//! success and on settlement failure) or `X-PAYMENT-RESPONSE` (v1, success only in legacy
//! servers). Both are base64 JSON `SettleResponse` documents (x402-protocol.md §1.4, §1.5).
//!
//! Only `success` is insisted on; everything else is optional here because real servers
//! omit `transaction` on failure (the v2 spec's own failure example does) and some send an
//! empty `network` (x402-rs#119). No I/O, no printing; malformed input is a typed error.

use serde::Serialize;
use serde_json::Value;

use super::header::decode_base64_lenient;

/// v2 settlement header.
pub const PAYMENT_RESPONSE_HEADER: &str = "PAYMENT-RESPONSE";
/// v1 settlement header.
pub const X_PAYMENT_RESPONSE_HEADER: &str = "X-PAYMENT-RESPONSE";

/// What the server says happened to the payment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Settlement {
    pub success: bool,
    /// Transaction hash (EVM) or signature (Solana); `None` when absent or `""`.
    pub transaction: Option<String>,
    pub network: Option<String>,
    pub payer: Option<String>,
    pub error_reason: Option<String>,
    /// Free text (TS servers only).
    pub error_message: Option<String>,
    /// Amount actually settled (present for `upto`).
    pub amount: Option<String>,
    /// The whole decoded document, unknown fields included.
    pub raw: Value,
}

/// Why a settlement header could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReceiptError {
    #[error("payment-response header is not valid base64")]
    Base64 {
        #[source]
        source: base64::DecodeError,
    },
    #[error("payment-response header is not valid utf-8")]
    NotUtf8,
    #[error("payment-response header does not decode to valid json")]
    Json {
        #[source]
        source: serde_json::Error,
    },
    #[error("payment-response header is not a json object")]
    NotObject,
    #[error("payment-response header is missing the required field {field}")]
    Missing { field: &'static str },
    #[error("payment-response field {field} must be {expected}")]
    Invalid {
        field: &'static str,
        expected: &'static str,
    },
}

/// Decodes a `PAYMENT-RESPONSE` / `X-PAYMENT-RESPONSE` value (same lenient base64 as the
/// challenge: standard or URL-safe, padding optional, whitespace ignored).
pub fn decode_settlement(value: &str) -> Result<Settlement, ReceiptError> {
    let bytes = decode_base64_lenient(value).map_err(|source| ReceiptError::Base64 { source })?;
    let text = std::str::from_utf8(&bytes).map_err(|_| ReceiptError::NotUtf8)?;
    let raw: Value = serde_json::from_str(text.strip_prefix('\u{feff}').unwrap_or(text))
        .map_err(|source| ReceiptError::Json { source })?;
    let Value::Object(map) = &raw else {
        return Err(ReceiptError::NotObject);
    };
    let success = match map.get("success") {
        None => return Err(ReceiptError::Missing { field: "success" }),
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            return Err(ReceiptError::Invalid {
                field: "success",
                expected: "a boolean",
            });
        }
    };
    let text_field = |key: &str| {
        map.get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    Ok(Settlement {
        success,
        transaction: text_field("transaction"),
        network: text_field("network"),
        payer: text_field("payer"),
        error_reason: text_field("errorReason"),
        error_message: text_field("errorMessage"),
        amount: text_field("amount"),
        raw,
    })
}

/// Finds and decodes the settlement in response headers: `PAYMENT-RESPONSE` first, then
/// `X-PAYMENT-RESPONSE`, as `x402HTTPClient.getPaymentSettleResponse` does. `None` when
/// neither header is present (or both are empty).
pub fn find_settlement(headers: &[(String, String)]) -> Option<Result<Settlement, ReceiptError>> {
    [PAYMENT_RESPONSE_HEADER, X_PAYMENT_RESPONSE_HEADER]
        .iter()
        .find_map(|wanted| {
            headers
                .iter()
                .find(|(name, value)| {
                    name.trim().eq_ignore_ascii_case(wanted) && !value.trim().is_empty()
                })
                .map(|(_, value)| decode_settlement(value))
        })
}
