//! The checks of a payment header, made independently of the code under test: strict base64
//! and JSON, the v2 echo of `accepted`, `resource` and `extensions` as JSON text, and the
//! EIP-3009 checks of the reference facilitator with the EIP-712 digest built here.

use super::serve::json_text;
use super::*;
use alloy_primitives::{Address, B256, Signature, U256};
use alloy_sol_types::{SolStruct, eip712_domain, sol};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

sol! {
    /// EIP-3009, as `@x402/evm` `authorizationTypes` spells it.
    struct TransferWithAuthorization {
        address from;
        address to;
        uint256 value;
        uint256 validAfter;
        uint256 validBefore;
        bytes32 nonce;
    }
}

/// Strict decoding, as the reference servers do it (`^[A-Za-z0-9+/]*={0,2}$`, then JSON):
/// what a client sends must be standard padded base64 of a JSON object.
pub(super) fn decode_header(value: &str, v: &mut Verdict) -> Option<(String, Value)> {
    let Ok(bytes) = STANDARD.decode(value) else {
        v.fail("the header is not standard padded base64");
        return None;
    };
    let Ok(text) = String::from_utf8(bytes) else {
        v.fail("the header does not decode to UTF-8");
        return None;
    };
    match serde_json::from_str::<Value>(&text) {
        Ok(doc) if doc.is_object() => Some((text, doc)),
        _ => {
            v.fail("the header does not decode to a JSON object");
            None
        }
    }
}

/// Checks a `PAYMENT-SIGNATURE` value against a v2 offer at time `now` (Unix seconds).
///
/// `accepted` must be one of `offered`, as JSON text (same keys, same order, same values):
/// the decoded header must contain `"accepted":` followed by exactly that text.
pub fn verify_v2(
    value: &str,
    offered: &[Value],
    resource: Option<&Value>,
    extensions: Option<&Value>,
    now: u64,
) -> (Option<String>, Option<Value>, Verdict) {
    let mut v = Verdict::default();
    let Some((text, doc)) = decode_header(value, &mut v) else {
        return (None, None, v);
    };
    if doc["x402Version"] != json!(2) {
        v.fail(format!("x402Version is {}, not 2", doc["x402Version"]));
    }
    let accepted = &doc["accepted"];
    let sent = json_text(accepted);
    match offered.iter().position(|o| json_text(o) == sent) {
        Some(i) if text.contains(&format!("\"accepted\":{sent}")) => v.option = Some(i),
        Some(_) => v.fail("accepted is not the offered option's JSON text (spacing differs)"),
        None if offered.contains(accepted) => v.fail(format!(
            "accepted has the offered option's values but not its JSON text (key order): {sent}"
        )),
        None => v.fail(format!(
            "accepted is not one of the offered options: {sent}"
        )),
    }
    match (resource, doc.get("resource")) {
        (Some(r), Some(sent)) if json_text(r) == json_text(sent) => {}
        (Some(r), sent) => v.fail(format!(
            "resource is not echoed: offered {r}, sent {}",
            sent.map(Value::to_string)
                .unwrap_or_else(|| "nothing".into())
        )),
        (None, Some(sent)) => v.fail(format!("resource {sent} sent but none offered")),
        (None, None) => {}
    }
    match (extensions, doc.get("extensions").map(without_payment_id)) {
        (Some(e), Some(sent)) if json_text(e) == json_text(&sent) => {}
        (None, None) => {}
        (e, sent) => v.fail(format!(
            "extensions not echoed: offered {}, sent {}",
            e.map(Value::to_string).unwrap_or_else(|| "none".into()),
            sent.as_ref()
                .map(Value::to_string)
                .unwrap_or_else(|| "none".into())
        )),
    }
    if let Some(i) = v.option {
        let option = &offered[i];
        let chain_id = option["network"]
            .as_str()
            .and_then(|n| n.strip_prefix("eip155:"))
            .and_then(|id| id.parse::<u64>().ok());
        match chain_id {
            Some(id) => check_authorization(&doc["payload"], option, "amount", id, now, &mut v),
            None => v.fail("the offered option's network is not eip155:<chain id>"),
        }
    }
    (Some(text), Some(doc), v)
}

/// `extensions` as sent, without the `payment-identifier` id a client adds (a string in
/// `info.id`, the one change to an extension the protocol asks of it).
fn without_payment_id(sent: &Value) -> Value {
    let mut sent = sent.clone();
    if let Some(info) = sent
        .get_mut("payment-identifier")
        .and_then(|e| e.get_mut("info"))
        .and_then(Value::as_object_mut)
        && info.get("id").is_some_and(Value::is_string)
    {
        info.shift_remove("id");
    }
    sent
}

/// Checks an `X-PAYMENT` value against a v1 offer at time `now`. As v1 servers do, the
/// payment is matched to the first offered option with the same `scheme` and `network`.
pub fn verify_v1(
    value: &str,
    offered: &[Value],
    now: u64,
) -> (Option<String>, Option<Value>, Verdict) {
    let mut v = Verdict::default();
    let Some((text, doc)) = decode_header(value, &mut v) else {
        return (None, None, v);
    };
    if doc["x402Version"] != json!(1) {
        v.fail(format!("x402Version is {}, not 1", doc["x402Version"]));
    }
    let found = offered
        .iter()
        .position(|o| o["scheme"] == doc["scheme"] && o["network"] == doc["network"]);
    match found {
        None => v.fail(format!(
            "scheme {} / network {} match no offered option",
            doc["scheme"], doc["network"]
        )),
        Some(i) => {
            v.option = Some(i);
            let option = &offered[i];
            match option["network"].as_str().and_then(v1_chain_id) {
                Some(id) => check_authorization(
                    &doc["payload"],
                    option,
                    "maxAmountRequired",
                    id,
                    now,
                    &mut v,
                ),
                None => v.fail(format!("no chain id known for {}", option["network"])),
            }
        }
    }
    (Some(text), Some(doc), v)
}

/// The v1 names the tests offer (chain ids as in `@x402/evm` `EVM_NETWORK_CHAIN_ID_MAP`).
fn v1_chain_id(name: &str) -> Option<u64> {
    match name {
        "base" => Some(8453),
        "base-sepolia" => Some(84532),
        "polygon" => Some(137),
        "polygon-amoy" => Some(80002),
        _ => None,
    }
}

fn string_field<'a>(obj: &'a Value, key: &str, v: &mut Verdict) -> Option<&'a str> {
    let s = obj[key].as_str();
    if s.is_none() {
        v.fail(format!("authorization.{key} is not a string: {}", obj[key]));
    }
    s
}

fn address_field(obj: &Value, key: &str, v: &mut Verdict) -> Option<Address> {
    let s = string_field(obj, key, v)?;
    match Address::parse_checksummed(s, None) {
        Ok(a) => Some(a),
        Err(_) => {
            v.fail(format!("authorization.{key} {s} is not an EIP-55 address"));
            None
        }
    }
}

fn decimal_field(obj: &Value, key: &str, v: &mut Verdict) -> Option<U256> {
    let s = string_field(obj, key, v)?;
    let parsed = (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| U256::from_str_radix(s, 10).ok())
        .flatten();
    if parsed.is_none() {
        v.fail(format!(
            "authorization.{key} {s:?} is not a decimal integer"
        ));
    }
    parsed
}

fn hex_field(obj: &Value, key: &str, len: usize, v: &mut Verdict) -> Option<Vec<u8>> {
    let s = obj[key].as_str().unwrap_or_default();
    let ok = s.len() == 2 + 2 * len
        && s.starts_with("0x")
        && s[2..].bytes().all(|b| b.is_ascii_hexdigit());
    if !ok {
        v.fail(format!(
            "{key} {:?} is not 0x and {len} bytes of hex",
            obj[key]
        ));
        return None;
    }
    alloy_primitives::hex::decode(s).ok()
}

/// The EIP-3009 checks of the reference facilitator, on `payload` against `option`.
fn check_authorization(
    payload: &Value,
    option: &Value,
    amount_key: &str,
    chain_id: u64,
    now: u64,
    v: &mut Verdict,
) {
    if option["scheme"] != "exact" {
        v.fail(format!("scheme {} is not exact", option["scheme"]));
    }
    let auth = &payload["authorization"];
    if !auth.is_object() {
        v.fail("payload.authorization is missing");
        return;
    }
    let from = address_field(auth, "from", v);
    let to = address_field(auth, "to", v);
    let value = decimal_field(auth, "value", v);
    let after = decimal_field(auth, "validAfter", v);
    let before = decimal_field(auth, "validBefore", v);
    let nonce = hex_field(auth, "nonce", 32, v).map(|b| B256::from_slice(&b));
    let signature = hex_field(payload, "signature", 65, v);
    v.payer = from;
    v.nonce = auth["nonce"].as_str().map(str::to_string);
    v.value = value;
    v.valid_after = after.and_then(|x| u64::try_from(x).ok());
    v.valid_before = before.and_then(|x| u64::try_from(x).ok());
    check_terms(auth, option, amount_key, value, to, v);
    check_window(option, before.is_some() || after.is_some(), now, v);
    let Some(asset) = option["asset"]
        .as_str()
        .and_then(|s| s.parse::<Address>().ok())
    else {
        v.fail("the offered option lacks extra.name, extra.version or a valid asset");
        return;
    };
    let (Some(from), Some(to), Some(value), Some(after), Some(before), Some(nonce), Some(sig)) =
        (from, to, value, after, before, nonce, signature)
    else {
        return;
    };
    let message = TransferWithAuthorization {
        from,
        to,
        value,
        validAfter: after,
        validBefore: before,
        nonce,
    };
    check_signature(&message, &sig, option, (chain_id, asset), v);
}

/// The terms: exactly the offered amount, to the offered payee.
fn check_terms(
    auth: &Value,
    option: &Value,
    amount_key: &str,
    value: Option<U256>,
    to: Option<Address>,
    v: &mut Verdict,
) {
    let price = option[amount_key]
        .as_str()
        .and_then(|s| U256::from_str_radix(s, 10).ok());
    if value.is_some() && value != price {
        v.fail(format!(
            "value {} differs from the offered {amount_key} {}",
            value.unwrap_or_default(),
            option[amount_key]
        ));
    }
    let pay_to = option["payTo"]
        .as_str()
        .and_then(|s| s.parse::<Address>().ok());
    if to.is_some() && to != pay_to {
        v.fail(format!(
            "to {} is not payTo {}",
            auth["to"], option["payTo"]
        ));
    }
}

/// The window: valid now, for no longer than the server allowed. `sent` says whether
/// `validAfter` or `validBefore` parsed at all.
fn check_window(option: &Value, sent: bool, now: u64, v: &mut Verdict) {
    let max_timeout = option["maxTimeoutSeconds"].as_u64().unwrap_or(0);
    if let (Some(after), Some(before)) = (v.valid_after, v.valid_before) {
        if after > now {
            v.fail(format!("validAfter {after} is in the future (now {now})"));
        }
        if before < now + MIN_VALIDITY_LEFT_SECS {
            v.fail(format!(
                "validBefore {before} leaves less than {MIN_VALIDITY_LEFT_SECS} s (now {now})"
            ));
        }
        if before > now + max_timeout + WINDOW_SLACK_SECS {
            v.fail(format!(
                "validBefore {before} is beyond now + maxTimeoutSeconds ({now} + {max_timeout})"
            ));
        }
    } else if sent {
        v.fail("validAfter / validBefore do not fit in 64 bits");
    }
}

/// The signature: EIP-712 over the option's token domain (`chain_id`, `asset`), recovering to
/// `from`. An option
/// without `extra.name`/`extra.version` is signed with the token's own domain, which for every
/// token this server offers is USDC's: name "USDC", version "2".
fn check_signature(
    message: &TransferWithAuthorization,
    sig: &[u8],
    option: &Value,
    (chain_id, asset): (u64, Address),
    v: &mut Verdict,
) {
    let name = option["extra"]["name"].as_str().unwrap_or("USDC");
    let version = option["extra"]["version"].as_str().unwrap_or("2");
    if !matches!(sig[64], 27 | 28) {
        v.fail(format!("signature v is {}, not 27 or 28", sig[64]));
    }
    let domain = eip712_domain! {
        name: name.to_string(),
        version: version.to_string(),
        chain_id: chain_id,
        verifying_contract: asset,
    };
    let digest = message.eip712_signing_hash(&domain);
    match Signature::from_raw(sig).and_then(|s| s.recover_address_from_prehash(&digest)) {
        Ok(signer) => {
            v.signer = Some(signer);
            if signer != message.from {
                v.fail(format!(
                    "the signature recovers to {signer}, not from {}",
                    message.from
                ));
            }
        }
        Err(e) => v.fail(format!("the signature does not recover: {e}")),
    }
}
