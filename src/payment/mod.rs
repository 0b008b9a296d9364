//! x402 payments: the wire and money layer, and the engine built on it.
//!
//! The wire layer reads a 402 challenge ([`challenge`]), judges its options ([`policy`],
//! [`terms`], [`flow`]), signs an EVM `exact` EIP-3009 authorization ([`exact_evm`],
//! [`sign_payment`]) or a Permit2 one ([`permit2`]), encodes the payment header ([`header`]) and
//! reads the settlement receipt ([`receipt`]). It is pure functions over bytes, strings and
//! `serde_json` values: it never prints, never prompts and never opens keystores or other
//! files; callers hand it response headers and bodies, an unlocked signer and the current time,
//! and get typed results or typed errors back. Malformed server input is an error or a listed
//! problem, never a panic.
//!
//! [`engine`] is the payment conversation on top of it (limits, confirmation, journal, send,
//! settlement): it prints through the printer it is given and writes the journal, and is the
//! only part of this module that does I/O.
//!
//! References (coinbase/x402): `specs/x402-specification-v1.md`, `specs/x402-specification-v2.md`
//! and `specs/transports-v{1,2}/http.md` for the wire shapes; EIP-3009, EIP-712 and
//! `specs/schemes/exact/scheme_exact_evm.md` for signing. Test vectors: `test_vectors.rs`.

pub mod cancel;
pub mod challenge;
pub mod engine;
pub mod exact_evm;
pub mod flow;
pub mod header;
pub mod permit2;
pub mod receipt;
pub mod sign;

#[cfg(test)]
#[allow(dead_code, reason = "shared fixtures; not every test uses every one")]
mod test_vectors;

pub mod policy;
pub mod terms;

use alloy_signer_local::PrivateKeySigner;
use challenge::Challenge;
use exact_evm::{Authorization, ExactEvmError};
use policy::Quote;

/// A payment ready to go: the header to send and what the journal records of it.
#[derive(Debug, Clone)]
pub struct SignedPayment {
    /// `PAYMENT-SIGNATURE` (v2) or `X-PAYMENT` (v1).
    pub header_name: &'static str,
    pub header_value: String,
    pub authorization: Authorization,
    /// The EIP-3009 nonce, `0x` + 64 hex digits: the payment's identity.
    pub nonce: String,
    /// The `payment-identifier` extension's id, when the 402 offered the extension.
    pub payment_id: Option<String>,
}

/// The signing step: an EIP-3009 authorization for exactly `quote` (an option of `challenge`
/// that the caller has judged, capped and had confirmed), valid from `now` for the option's
/// `maxTimeoutSeconds`, signed with the quote's EIP-712 domain, and the header that carries it.
/// v2 echoes the offered option verbatim as `accepted`, with the challenge's `resource` and
/// `extensions` (a fresh `payment-identifier` id filled in when offered); v1 sends scheme and
/// network. The caller records the payment before sending the header.
pub fn sign_payment(
    challenge: &Challenge,
    quote: &Quote,
    signer: &PrivateKeySigner,
    now: u64,
) -> Result<SignedPayment, ExactEvmError> {
    let Some((domain, pay_to)) = exact_evm::quote_domain(quote) else {
        return Err(ExactEvmError::UnsupportedNetwork {
            network: quote.network.caip2(),
        });
    };
    let authorization = exact_evm::new_authorization(
        signer.address(),
        pay_to,
        quote.amount,
        now,
        quote.max_timeout_seconds,
    );
    let signature = exact_evm::sign(signer, &authorization, &domain)?;
    let payload = exact_evm::payload_json(&authorization, &signature);
    let (header_name, header_value, payment_id) = payment_header(challenge, quote.index, payload);
    Ok(SignedPayment {
        header_name,
        header_value,
        nonce: alloy_primitives::hex::encode_prefixed(authorization.nonce),
        authorization,
        payment_id,
    })
}

/// The header that carries a scheme's `payload` for option `index` of `challenge`: v1
/// `X-PAYMENT`, v2 `PAYMENT-SIGNATURE` (echoing the option, the resource and the extensions,
/// with a new `payment-identifier` id when the 402 offers that extension, returned third).
pub fn payment_header(
    challenge: &Challenge,
    index: usize,
    payload: serde_json::Value,
) -> (&'static str, String, Option<String>) {
    let req = &challenge.accepts[index];
    if challenge.version == 1 {
        let network = req.network.as_deref().unwrap_or_default();
        let scheme = req.scheme.as_deref().unwrap_or("exact");
        return (
            header::X_PAYMENT_HEADER,
            header::x_payment_v1(scheme, network, payload),
            None,
        );
    }
    let mut payment_id = None;
    let extensions = challenge.raw.get("extensions").map(|ext| {
        let id = header::new_payment_id();
        match header::with_payment_id(ext, &id) {
            Some(with_id) => {
                payment_id = Some(id);
                with_id
            }
            None => ext.clone(),
        }
    });
    (
        header::PAYMENT_SIGNATURE_HEADER,
        header::payment_signature_v2(
            &req.raw,
            challenge.raw.get("resource"),
            extensions.as_ref(),
            payload,
        ),
        payment_id,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::Networks;
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;
    use serde_json::{Value, json};
    use test_vectors::{
        ANVIL_ADDRESS, ANVIL_KEY, SPEC_V1_BODY, SPEC_V2_PAYMENT_REQUIRED_JSON, hdr, header_map,
    };

    fn quote_of(c: &Challenge) -> Quote {
        let (judged, chosen) = policy::choose(c, &Networks::built_in(), &[], false);
        judged[chosen.expect("payable")].clone().expect("payable")
    }

    fn decode(value: &str) -> Value {
        serde_json::from_slice(&STANDARD.decode(value).expect("base64")).expect("JSON")
    }

    #[test]
    fn v2_signs_exactly_the_quote_and_echoes_the_option() {
        let mut doc = test_vectors::json(SPEC_V2_PAYMENT_REQUIRED_JSON);
        doc["extensions"] = json!({"payment-identifier": {"info": {"required": false}}});
        let header = hdr("PAYMENT-REQUIRED", &STANDARD.encode(doc.to_string()));
        let c = challenge::parse_payment_required(&header_map(&[header]), b"{}").expect("reads");
        let q = quote_of(&c);
        let signer: PrivateKeySigner = ANVIL_KEY.parse().unwrap();
        let now = 1_780_000_000;
        let p = sign_payment(&c, &q, &signer, now).expect("signs");

        assert_eq!(p.header_name, "PAYMENT-SIGNATURE");
        assert_eq!(p.authorization.value, q.amount);
        assert_eq!(p.authorization.to.to_checksum(None), q.pay_to);
        assert_eq!(p.authorization.from.to_checksum(None), ANVIL_ADDRESS);
        assert_eq!(p.authorization.valid_after, now - 600);
        assert_eq!(p.authorization.valid_before, now + 60);
        let sent = decode(&p.header_value);
        assert_eq!(sent["accepted"], c.accepts[q.index].raw);
        assert_eq!(sent["resource"], doc["resource"]);
        let id = p.payment_id.as_deref().expect("the extension was offered");
        assert_eq!(sent["extensions"]["payment-identifier"]["info"]["id"], id);
        let auth = &sent["payload"]["authorization"];
        assert_eq!(auth["value"], "10000");
        assert_eq!(auth["nonce"], p.nonce.as_str());
        let signature =
            alloy_primitives::hex::decode(sent["payload"]["signature"].as_str().unwrap()).unwrap();
        let domain = exact_evm::domain("USDC", "2", 84532, q.evm_token().unwrap());
        let signer_of = exact_evm::recover(&p.authorization, &domain, &signature).unwrap();
        assert_eq!(signer_of.to_checksum(None), ANVIL_ADDRESS);
    }

    #[test]
    fn v1_sends_scheme_network_and_payload_only() {
        let c = challenge::parse_payment_required(&Default::default(), SPEC_V1_BODY.as_bytes())
            .expect("reads");
        let q = quote_of(&c);
        let signer: PrivateKeySigner = ANVIL_KEY.parse().unwrap();
        let p = sign_payment(&c, &q, &signer, 1_780_000_000).expect("signs");
        assert_eq!(p.header_name, "X-PAYMENT");
        assert_eq!(p.payment_id, None);
        let sent = decode(&p.header_value);
        let keys: Vec<&str> = sent
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, ["x402Version", "scheme", "network", "payload"]);
        assert_eq!(sent["network"], "base-sepolia");
        assert_eq!(sent["payload"]["authorization"]["value"], "10000");
    }
}
