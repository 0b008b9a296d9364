//! The payment headers a client sends (`PAYMENT-SIGNATURE` for v2, `X-PAYMENT` for v1) and
//! the lenient base64 decoder shared by the challenge and receipt readers.
//!
//! Wire rule (`specs/transports-v2/http.md` in coinbase/x402, and `@x402/core`
//! `src/utils/index.ts`): a header value is standard base64 (`+/`, padded) of the UTF-8 bytes
//! of compact JSON, what `safeBase64Encode(JSON.stringify(x))` produces. We encode exactly
//! that, and decode whatever a sloppy server might send. No I/O, no printing.

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
/// ([`super::challenge::Requirement::raw`]): v2 servers accept the payment only if it deep-equals one of
/// their requirements (`x402ResourceServer.findMatchingRequirements`). `resource` and
/// `extensions` are the challenge's, echoed unchanged; absent ones are omitted.
///
/// Key order follows the TS client (`x402Client.createPaymentPayload`:
/// `x402Version, payload, extensions, resource, accepted`); servers parse JSON, so order only
/// matters for byte-exact comparisons such as the re-signed spec example in the tests below.
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

/// The `payment-identifier` extension's key in a v2 402's `extensions`.
pub const PAYMENT_IDENTIFIER: &str = "payment-identifier";

/// A fresh payment id as the reference client makes them: `pay_` + 32 random hex digits
/// (16–128 characters of `[A-Za-z0-9_-]` are allowed).
pub fn new_payment_id() -> String {
    format!(
        "pay_{}",
        alloy_primitives::hex::encode(alloy_primitives::B128::random())
    )
}

/// The challenge's `extensions` with `payment-identifier.info.id` set, when the server
/// declared that extension (an object with an `info` object); `None` otherwise, and the
/// extensions are then echoed unchanged. The id goes with this one signed payload: a resend
/// repeats the same header, id included, so the server can recognise it.
pub fn with_payment_id(extensions: &Value, id: &str) -> Option<Value> {
    let mut ext = extensions.clone();
    let info = ext
        .get_mut(PAYMENT_IDENTIFIER)?
        .get_mut("info")?
        .as_object_mut()?;
    info.insert("id".to_owned(), Value::from(id));
    Some(ext)
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

#[cfg(test)]
mod tests {
    use alloy_primitives::hex;
    use alloy_signer_local::PrivateKeySigner;

    use super::*;
    use crate::payment::challenge::parse_payment_required;
    use crate::payment::exact_evm::{self, Authorization};
    use crate::payment::test_vectors::*;

    fn decode(value: &str) -> String {
        String::from_utf8(STANDARD.decode(value).expect("strict standard base64")).expect("utf-8")
    }

    /// The whole v2 header for the v2 transport spec's `PAYMENT-SIGNATURE` example, re-signed
    /// with anvil key #0 (Base Sepolia USDC domain), built from the example's `resource` and
    /// `accepted` taken as raw JSON; its SHA-256 pins the exact bytes.
    #[test]
    fn full_v2_payment_signature_vector() {
        let signer: PrivateKeySigner = ANVIL_KEY.parse().expect("anvil key");
        assert_eq!(signer.address().to_checksum(None), ANVIL_ADDRESS);
        let authorization = Authorization {
            from: signer.address(),
            to: PAY_TO.parse().expect("address"),
            value: alloy_primitives::U256::from(10_000u64),
            valid_after: SPEC_VALID_AFTER,
            valid_before: SPEC_VALID_BEFORE,
            nonce: SPEC_NONCE.parse().expect("nonce"),
        };
        let domain = exact_evm::domain(
            "USDC",
            "2",
            84532,
            USDC_BASE_SEPOLIA.parse().expect("asset"),
        );
        let signature = exact_evm::sign(&signer, &authorization, &domain).expect("signs");
        let header = payment_signature_v2(
            &json(SPEC_V2_ACCEPTED_JSON),
            Some(&json(SPEC_V2_RESOURCE_JSON)),
            None,
            exact_evm::payload_json(&authorization, &signature),
        );
        let expected = concat!(
            r#"{"x402Version":2,"payload":{"authorization":{"from":"0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266","#,
            r#""to":"0x209693Bc6afc0C5328bA36FaF03C514EF312287C","value":"10000","validAfter":"1740672089","#,
            r#""validBefore":"1740672154","nonce":"0xf3746613c2d920b5fdabc0856f2aeb2d4f88ee6037b8cc5d04a71a4462f13480"},"#,
            r#""signature":"0xdc53a4a579de989368a0fae2ef2172ff2f474b4297013f865d171239f17ef4c3157b4b4030f1bebc53d55ace15c2377dff501a60e1e56c291f1000d6e78f082f1b"},"#,
            r#""resource":{"url":"https://api.example.com/premium-data","description":"Access to premium market data","mimeType":"application/json"},"#,
            r#""accepted":{"scheme":"exact","network":"eip155:84532","amount":"10000","asset":"0x036CbD53842c5426634e7929541eC2318f3dCF7e","#,
            r#""payTo":"0x209693Bc6afc0C5328bA36FaF03C514EF312287C","maxTimeoutSeconds":60,"extra":{"name":"USDC","version":"2"}}}"#
        );
        assert_eq!(decode(&header), expected);
        assert_eq!(
            hex::encode(sha256(header.as_bytes())),
            "a06081e6201788f9a534a9f3e0302426e9809c444b274cd51a21bdd6fb9f316c"
        );
    }

    /// The same, but going through the challenge parser: what `accepts[0].raw` and
    /// `resource.raw` hold is exactly what gets echoed.
    #[test]
    fn echo_from_a_parsed_challenge_is_verbatim() {
        let challenge = parse_payment_required(
            &header_map(&[hdr("PAYMENT-REQUIRED", SPEC_V2_PAYMENT_REQUIRED_B64)]),
            b"{}",
        )
        .expect("parses");
        let resource = challenge.resource.as_ref().map(|r| &r.raw);
        let header = payment_signature_v2(
            &challenge.accepts[0].raw,
            resource,
            None,
            json(r#"{"p":1}"#),
        );
        assert_eq!(
            decode(&header),
            format!(
                r#"{{"x402Version":2,"payload":{{"p":1}},"resource":{SPEC_V2_RESOURCE_JSON},"accepted":{SPEC_V2_ACCEPTED_JSON}}}"#
            )
        );
    }

    #[test]
    fn spec_v2_payment_signature_example_has_the_same_content() {
        // The spec orders keys differently (resource, accepted, payload); servers parse JSON,
        // so the documents must be equal as JSON values (serde_json maps compare unordered).
        let ours = payment_signature_v2(
            &json(SPEC_V2_ACCEPTED_JSON),
            Some(&json(SPEC_V2_RESOURCE_JSON)),
            None,
            json(SPEC_V1_PAYLOAD_JSON),
        );
        assert_eq!(
            json(&decode(&ours)),
            json(&decode(SPEC_V2_PAYMENT_SIGNATURE_B64))
        );
    }

    #[test]
    fn v1_header_matches_the_spec_example_byte_for_byte() {
        let header = x_payment_v1("exact", "base-sepolia", json(SPEC_V1_PAYLOAD_JSON));
        assert_eq!(header, SPEC_V1_X_PAYMENT_B64);
    }

    #[test]
    fn optional_parts_are_omitted_or_placed_like_the_ts_client() {
        let accepted = json(r#"{"b":1,"a":null}"#);
        let bare = decode(&payment_signature_v2(&accepted, None, None, json("{}")));
        assert_eq!(
            bare,
            r#"{"x402Version":2,"payload":{},"accepted":{"b":1,"a":null}}"#
        );
        let ext = json(r#"{"bazaar":{"info":{"z":1,"a":2}}}"#);
        let full = decode(&payment_signature_v2(
            &accepted,
            Some(&json(r#"{"url":"u"}"#)),
            Some(&ext),
            json("{}"),
        ));
        assert_eq!(
            full,
            r#"{"x402Version":2,"payload":{},"extensions":{"bazaar":{"info":{"z":1,"a":2}}},"resource":{"url":"u"},"accepted":{"b":1,"a":null}}"#
        );
    }

    #[test]
    fn encoding_is_standard_padded_base64() {
        // "\u{ff}\u{ff}" makes the standard alphabet's '/' appear; the length forces padding.
        let header = x_payment_v1("exact", "\u{ff}\u{ff}?", json("{}"));
        assert!(header.contains('/') || header.contains('+'), "{header}");
        assert!(header.ends_with('='), "{header}");
        assert_eq!(header.len() % 4, 0);
        assert!(!header.contains(['-', '_']));
    }

    #[test]
    fn lenient_decoding_accepts_common_variants() {
        // 0xfbefbe encodes as "++++", 0xffffff as "////"; eight bytes need one '='.
        let plain = b"\xfb\xef\xbe\xff\xff\xff{}".to_vec();
        let standard = STANDARD.encode(&plain);
        assert!(
            standard.contains(['+', '/']) && standard.ends_with('='),
            "{standard}"
        );
        let url_safe = standard.replace('+', "-").replace('/', "_");
        let variants = [
            standard.clone(),
            standard.trim_end_matches('=').to_owned(),
            url_safe.clone(),
            url_safe.trim_end_matches('=').to_owned(),
            format!("  \t{standard}\r\n"),
            format!("{}\n{}", &standard[..8], &standard[8..]),
        ];
        for v in variants {
            assert_eq!(decode_base64_lenient(&v).expect(&v), plain, "{v:?}");
        }
        for bad in ["!!!!", "abc*", "a"] {
            assert!(decode_base64_lenient(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn payment_identifier_is_added_only_when_declared() {
        let declared = json(
            r#"{"payment-identifier":{"info":{"required":true},"schema":{"type":"object"}},"other":{"info":{}}}"#,
        );
        let id = new_payment_id();
        assert_eq!(id.len(), 36);
        assert!(id.starts_with("pay_"));
        let with = with_payment_id(&declared, &id).unwrap();
        assert_eq!(with["payment-identifier"]["info"]["id"], id.as_str());
        assert_eq!(with["payment-identifier"]["info"]["required"], true);
        assert_eq!(with["other"], declared["other"]);
        assert!(with_payment_id(&json(r#"{"other":{"info":{}}}"#), &id).is_none());
        assert!(with_payment_id(&json(r#"{"payment-identifier":{"info":3}}"#), &id).is_none());
        assert_ne!(new_payment_id(), id);
    }
}
