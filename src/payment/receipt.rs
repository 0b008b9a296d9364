//! Reading the settlement a server reports after a paid request: `PAYMENT-RESPONSE` (v2, on
//! success and on settlement failure) or `X-PAYMENT-RESPONSE` (v1, success only in legacy
//! servers). Both are base64 JSON settlement responses (`SettlementResponse`, section 5.3 of
//! coinbase/x402 `specs/x402-specification-v1.md` and `-v2.md`; `SettleResponse` in
//! `@x402/core`).
//!
//! Only `success` is insisted on; everything else is optional here because real servers
//! omit `transaction` on failure (the v2 spec's own failure example does) and some send an
//! empty `network` (x402-rs#119). No I/O, no printing; malformed input is a typed error.

use crate::http::header_texts;
use reqwest::header::HeaderMap;
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
pub fn find_settlement(headers: &HeaderMap) -> Option<Result<Settlement, ReceiptError>> {
    [PAYMENT_RESPONSE_HEADER, X_PAYMENT_RESPONSE_HEADER]
        .iter()
        .find_map(|wanted| {
            header_texts(headers, wanted)
                .find(|value| !value.trim().is_empty())
                .map(|value| decode_settlement(&value))
        })
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;
    use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

    use super::*;
    use crate::payment::test_vectors::*;

    #[test]
    fn spec_v2_examples() {
        let ok = decode_settlement(SPEC_V2_RESPONSE_OK_B64).expect("decodes");
        assert!(ok.success);
        assert_eq!(
            ok.transaction.as_deref(),
            Some("0x1234567890abcdef1234567890abcdef1234567890abcdef1234567890abcdef")
        );
        assert_eq!(ok.network.as_deref(), Some("eip155:84532"));
        assert_eq!(ok.payer.as_deref(), Some(SPEC_FROM));
        assert_eq!(ok.error_reason, None);

        let fail = decode_settlement(SPEC_V2_RESPONSE_FAIL_B64).expect("decodes");
        assert!(!fail.success);
        assert_eq!(fail.error_reason.as_deref(), Some("insufficient_funds"));
        assert_eq!(
            fail.transaction, None,
            "absent in the spec's failure example"
        );
        assert_eq!(
            fail.raw,
            json(
                r#"{"success":false,"errorReason":"insufficient_funds","network":"eip155:84532"}"#
            )
        );
    }

    #[test]
    fn spec_v1_examples() {
        let ok = decode_settlement(SPEC_V1_RESPONSE_OK_B64).expect("decodes");
        assert!(ok.success);
        assert_eq!(ok.network.as_deref(), Some("base-sepolia"));
        let fail = decode_settlement(SPEC_V1_RESPONSE_FAIL_B64).expect("decodes");
        assert!(!fail.success);
        assert_eq!(fail.transaction, None, "\"\" means no transaction");
        assert_eq!(fail.payer.as_deref(), Some(SPEC_FROM));
    }

    #[test]
    fn optional_fields_and_unknown_ones() {
        let doc = r#"{"success":true,"transaction":"0xab","network":"","amount":"5","errorMessage":"m","extensions":{"x":1},"payer":7}"#;
        let s = decode_settlement(&STANDARD.encode(doc)).expect("decodes");
        assert_eq!(s.amount.as_deref(), Some("5"));
        assert_eq!(s.error_message.as_deref(), Some("m"));
        assert_eq!(s.network, None, "empty network (x402-rs#119) reads as none");
        assert_eq!(
            s.payer, None,
            "mistyped optional fields are dropped, raw keeps them"
        );
        assert_eq!(s.raw.to_string(), doc);
    }

    #[test]
    fn lenient_base64() {
        let doc = r#"{"success":true,"transaction":"0x??>>"}"#;
        for value in [
            STANDARD.encode(doc),
            URL_SAFE_NO_PAD.encode(doc),
            format!(" {} \n", STANDARD.encode(doc)),
        ] {
            let s = decode_settlement(&value).expect("decodes");
            assert_eq!(s.transaction.as_deref(), Some("0x??>>"));
        }
    }

    #[test]
    fn each_error_variant() {
        type Check = fn(&ReceiptError) -> bool;
        let cases: Vec<(String, Check)> = vec![
            ("not base64!".into(), |e| {
                matches!(e, ReceiptError::Base64 { .. })
            }),
            (STANDARD.encode([0xff, 0xfe, 0x7b]), |e| {
                matches!(e, ReceiptError::NotUtf8)
            }),
            (STANDARD.encode("{\"success\":"), |e| {
                matches!(e, ReceiptError::Json { .. })
            }),
            (STANDARD.encode("[true]"), |e| {
                matches!(e, ReceiptError::NotObject)
            }),
            (STANDARD.encode("{}"), |e| {
                matches!(e, ReceiptError::Missing { field: "success" })
            }),
            (STANDARD.encode(r#"{"success":"true"}"#), |e| {
                matches!(
                    e,
                    ReceiptError::Invalid {
                        field: "success",
                        ..
                    }
                )
            }),
        ];
        for (value, check) in cases {
            let err = decode_settlement(&value).expect_err(&value);
            assert!(check(&err), "{value}: {err:?}");
            let msg = err.to_string();
            assert!(
                !msg.contains('\n') && msg.starts_with(char::is_lowercase),
                "{msg}"
            );
        }
    }

    #[test]
    fn find_settlement_prefers_the_v2_header() {
        let both = [
            hdr("x-payment-response", SPEC_V1_RESPONSE_OK_B64),
            hdr("Payment-Response", SPEC_V2_RESPONSE_FAIL_B64),
        ];
        let s = find_settlement(&header_map(&both))
            .expect("present")
            .expect("decodes");
        assert!(!s.success);
        let v1_only = [hdr("X-PAYMENT-RESPONSE", SPEC_V1_RESPONSE_OK_B64)];
        assert!(
            find_settlement(&header_map(&v1_only))
                .expect("present")
                .expect("decodes")
                .success
        );
        let empty_v2 = [
            hdr("PAYMENT-RESPONSE", " "),
            hdr("X-PAYMENT-RESPONSE", SPEC_V1_RESPONSE_OK_B64),
        ];
        assert!(
            find_settlement(&header_map(&empty_v2))
                .expect("present")
                .expect("decodes")
                .success
        );
        assert!(find_settlement(&header_map(&[hdr("content-type", "text/plain")])).is_none());
        assert!(
            find_settlement(&header_map(&[hdr("PAYMENT-RESPONSE", "%%")]))
                .expect("present")
                .is_err()
        );
    }
}
