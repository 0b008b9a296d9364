//! The payment headers a client sends (`PAYMENT-SIGNATURE` for v2, `X-PAYMENT` for v1) and
//! the lenient base64 decoder shared by the challenge and receipt readers.
//!
//! Wire rule (x402-protocol.md §1.2): a header value is standard base64 (`+/`, padded) of the
//! UTF-8 bytes of compact JSON, what `@x402/core` `safeBase64Encode(JSON.stringify(x))`
//! produces. We encode exactly that, and decode whatever a sloppy server might send.
//! No I/O, no printing.

use base64::Engine as _;
use base64::alphabet;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use serde_json::{Map, Value};

/// v2 client header (`specs/transports-v2/http.md`).
pub const PAYMENT_SIGNATURE_HEADER: &str = "PAYMENT-SIGNATURE";
/// v1 client header (`specs/transports-v1/http.md`).
pub const X_PAYMENT_HEADER: &str = "X-PAYMENT";

/// Standard alphabet, padding optional, non-zero trailing bits tolerated.
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// Decodes base64 the way a forgiving reader should: surrounding and embedded ASCII
/// whitespace ignored, padding optional, and the URL-safe alphabet (`-_`) accepted as well
/// as the standard one (`+/`), even mixed.
pub(crate) fn decode_base64_lenient(value: &str) -> Result<Vec<u8>, base64::DecodeError> {
    let cleaned: String = value
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .map(|c| match c {
            '-' => '+',
            '_' => '/',
            other => other,
        })
        .collect();
    LENIENT.decode(cleaned)
}

/// Standard padded base64 of the compact JSON text (`Value`'s `Display` is compact and keeps
/// key order, thanks to serde_json's `preserve_order`).
fn encode_json(document: &Value) -> String {
    STANDARD.encode(document.to_string())
}

/// The `PAYMENT-SIGNATURE` value for an x402 v2 payment.
///
/// `accepted_raw` must be the chosen `accepts[i]` exactly as the server sent it
/// ([`super::Requirement::raw`]): v2 servers accept the payment only if it deep-equals one of
/// their requirements (`x402ResourceServer.findMatchingRequirements`). `resource` and
/// `extensions` are the challenge's, echoed unchanged; absent ones are omitted.
///
/// Key order follows the TS client (`x402Client.createPaymentPayload`:
/// `x402Version, payload, extensions, resource, accepted`); servers parse JSON, so order only
/// matters for byte-exact comparisons such as the x402-protocol.md §9.2 vector.
pub fn payment_signature_v2(
    accepted_raw: &Value,
    resource: Option<&Value>,
    extensions: Option<&Value>,
    payload: Value,
) -> String {
    let mut doc = Map::new();
    doc.insert("x402Version".to_owned(), Value::from(2));
    doc.insert("payload".to_owned(), payload);
    if let Some(extensions) = extensions {
        doc.insert("extensions".to_owned(), extensions.clone());
    }
    if let Some(resource) = resource {
        doc.insert("resource".to_owned(), resource.clone());
    }
    doc.insert("accepted".to_owned(), accepted_raw.clone());
    encode_json(&Value::Object(doc))
}

/// The `X-PAYMENT` value for an x402 v1 payment: `{x402Version:1, scheme, network, payload}`
/// (`PaymentPayload` v1; v1 servers match on scheme and network only).
pub fn x_payment_v1(scheme: &str, network: &str, payload: Value) -> String {
    let mut doc = Map::new();
    doc.insert("x402Version".to_owned(), Value::from(1));
    doc.insert("scheme".to_owned(), Value::from(scheme));
    doc.insert("network".to_owned(), Value::from(network));
    doc.insert("payload".to_owned(), payload);
    encode_json(&Value::Object(doc))
}
