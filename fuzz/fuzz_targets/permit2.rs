//! The Permit2 (`exact` + `assetTransferMethod: "permit2"`) and `upto` requirement reader and
//! signing path, on whatever a server offers: no panic, and the money rules hold:
//! - a requirement read as Permit2 is one `is_permit2` claims, and its terms are the option's
//!   own amount, token, payee and chain (an `upto` one names a non-zero facilitator);
//! - the allowance decision signs plainly only when the allowance covers the amount, uses a
//!   sponsoring extension only when the server offered it, and otherwise refuses with the
//!   amount needed;
//! - the signed authorization recovers to the payer, and its payload says exactly the terms;
//! - the extension objects echo every field the server sent, adding ours beside them;
//! - a 412 `permit2_allowance_required` answer, and only that, is an allowance refusal;
//! - the policy quotes a Permit2 option exactly on its terms: the amount (for `upto` the
//!   maximum, said "up to"), the token, the payee, within the longest validity it signs.
//!
//! Input: one mode byte (bits 0-1 pick the allowance: none, one short, exact, unlimited;
//! bit 2 answers 412 instead of 402), then a v2 `PaymentRequired` JSON body.
#![no_main]

use alloy_primitives::{U256, hex};
use alloy_signer_local::PrivateKeySigner;
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value};
use std::sync::OnceLock;
use x402::evm_tx::Fees;
use x402::payment::challenge::parse_payment_required;
use x402::payment::permit2::extensions::{
    EIP2612_KEY, ERC20_APPROVAL_KEY, Eip2612Permit, sign_erc20_approval, with_info,
};
use x402::payment::permit2::{
    ALLOWANCE_REQUIRED_REASON, Approval, Kind, PERMIT2_ADDRESS, Sponsoring, Terms,
    allowance_required_answer, authorize, decide, is_permit2, read_requirement, recover,
};

/// Anvil's public test key #0: never a real wallet.
const TEST_KEY: &str = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const NOW: u64 = 1_780_000_000;

fn signer() -> &'static PrivateKeySigner {
    static SIGNER: OnceLock<PrivateKeySigner> = OnceLock::new();
    SIGNER.get_or_init(|| TEST_KEY.parse().expect("test key"))
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, body)) = data.split_first() else {
        return;
    };
    let mut headers = http::HeaderMap::new();
    headers.insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    let Ok(challenge) = parse_payment_required(&headers, body) else {
        return;
    };
    let sponsoring = Sponsoring::offered(challenge.extensions.as_ref());
    for req in &challenge.accepts {
        let Ok(terms) = read_requirement(req) else {
            continue;
        };
        assert!(is_permit2(req), "read as permit2, so it is one");
        assert_eq!(terms.index, req.index);
        assert_eq!(Some(terms.amount), req.amount_u256());
        assert_eq!(Some(terms.token), req.asset_address());
        assert_eq!(Some(terms.pay_to), req.pay_to_address());
        assert_eq!(Some(terms.chain_id), req.chain_id());
        assert!(terms.max_timeout_seconds > 0);
        if let Kind::Upto { facilitator } = terms.kind {
            assert!(!facilitator.is_zero(), "upto names a real facilitator");
            assert_eq!(req.scheme.as_deref(), Some("upto"));
        }

        let allowance = match mode & 3 {
            0 => U256::ZERO,
            1 => terms.amount.saturating_sub(U256::from(1)),
            2 => terms.amount,
            _ => U256::MAX,
        };
        check_decision(&terms, allowance, sponsoring);
        check_signed(&terms);
        if let Some(ext) = &challenge.extensions {
            check_extensions(&terms, ext, sponsoring);
        }

        check_quote(req, challenge.version, &terms);

        let status = if mode & 4 == 0 { 402 } else { 412 };
        let refusal = allowance_required_answer(status, &challenge, &terms);
        assert_eq!(
            refusal.is_some(),
            status == 412 && challenge.error.as_deref() == Some(ALLOWANCE_REQUIRED_REASON)
        );
        if let Some(r) = refusal {
            assert!(r.server_said && r.needed == terms.amount);
            let _ = r.to_string();
        }
    }
});

/// What `x402 get` would quote for the option, when the policy finds it payable.
fn check_quote(req: &x402::payment::challenge::Requirement, version: u8, terms: &Terms) {
    use x402::payment::policy::{self, MAX_VALIDITY_SECONDS, Scheme};
    static NETWORKS: OnceLock<x402::network::Networks> = OnceLock::new();
    let networks = NETWORKS.get_or_init(x402::network::Networks::built_in);
    let Ok(quote) = policy::evaluate(req, version, networks) else {
        return;
    };
    let Scheme::Permit2(quoted) = &quote.scheme else {
        panic!("a Permit2 option quoted as another scheme");
    };
    assert_eq!(quoted, terms);
    assert_eq!(quote.amount, terms.amount, "the amount at risk");
    assert_eq!(quote.evm_token(), Some(terms.token));
    assert_eq!(quote.pay_to, terms.pay_to.to_checksum(None));
    assert!(quote.max_timeout_seconds <= MAX_VALIDITY_SECONDS);
    assert_eq!(quote.is_upto(), matches!(terms.kind, Kind::Upto { .. }));
    assert_eq!(quote.price_words().starts_with("up to "), quote.is_upto());
}

fn check_decision(terms: &Terms, allowance: U256, sponsoring: Sponsoring) {
    match decide(terms, allowance, sponsoring) {
        Ok(Approval::Sufficient) => assert!(allowance >= terms.amount),
        Ok(Approval::Eip2612) => {
            assert!(allowance < terms.amount && sponsoring.eip2612);
            assert!(
                terms.token_domain.is_some(),
                "a permit needs the token's domain"
            );
        }
        Ok(Approval::Erc20Approval) => {
            assert!(allowance < terms.amount && sponsoring.erc20_approval);
        }
        Err(refused) => {
            assert!(allowance < terms.amount);
            assert!(!sponsoring.erc20_approval);
            assert!(!(sponsoring.eip2612 && terms.token_domain.is_some()));
            assert_eq!(
                (
                    refused.needed,
                    refused.allowance,
                    refused.token,
                    refused.chain_id
                ),
                (terms.amount, Some(allowance), terms.token, terms.chain_id)
            );
            let _ = refused.to_string();
        }
    }
}

/// What would leave the machine in the payment header's `payload`.
fn check_signed(terms: &Terms) {
    let signed = authorize(signer(), terms, NOW).expect("permit2 terms sign");
    let a = &signed.authorization;
    assert_eq!(
        (a.from, a.kind, a.token, a.amount, a.to),
        (
            signer().address(),
            terms.kind,
            terms.token,
            terms.amount,
            terms.pay_to
        )
    );
    assert_eq!(a.deadline, NOW.saturating_add(terms.max_timeout_seconds));
    assert!(a.valid_after < a.deadline);
    assert_eq!(
        recover(a, terms.chain_id, &signed.signature).expect("recovers"),
        signer().address()
    );
    let p = &signed.payload;
    let auth = &p["permit2Authorization"];
    let text = |v: &Value| v.as_str().expect("a string").to_owned();
    assert_eq!(
        text(&p["signature"]),
        hex::encode_prefixed(signed.signature)
    );
    assert_eq!(text(&auth["from"]), signer().address().to_checksum(None));
    assert_eq!(
        text(&auth["permitted"]["token"]),
        terms.token.to_checksum(None)
    );
    assert_eq!(text(&auth["permitted"]["amount"]), terms.amount.to_string());
    assert_eq!(
        text(&auth["spender"]),
        terms.kind.spender().to_checksum(None)
    );
    assert_eq!(text(&auth["nonce"]), a.nonce.to_string());
    assert_eq!(text(&auth["deadline"]), a.deadline.to_string());
    assert_eq!(text(&auth["witness"]["to"]), terms.pay_to.to_checksum(None));
    match terms.kind {
        Kind::Exact => assert!(auth["witness"].get("facilitator").is_none()),
        Kind::Upto { facilitator } => assert_eq!(
            text(&auth["witness"]["facilitator"]),
            facilitator.to_checksum(None)
        ),
    }
}

/// The gas-sponsoring objects: signed for the terms, merged into the server's `extensions`
/// without losing or changing anything it sent.
fn check_extensions(terms: &Terms, ext: &Value, sponsoring: Sponsoring) {
    let permit = Eip2612Permit::for_payment(signer().address(), terms, U256::from(3), NOW + 60);
    assert_eq!(permit.is_some(), terms.token_domain.is_some());
    if let Some(permit) = permit {
        assert_eq!(permit.value, terms.amount);
        let signature = permit.sign(signer()).expect("permit signs");
        assert_eq!(permit.recover(&signature).unwrap(), signer().address());
        let info = permit.info(&signature);
        assert_eq!(info["spender"], PERMIT2_ADDRESS.to_checksum(None));
        assert_eq!(info["amount"], terms.amount.to_string());
        check_merge(ext, EIP2612_KEY, info, sponsoring.eip2612);
    }
    let fees = Fees {
        max_fee_per_gas: 2_000_000_000,
        max_priority_fee_per_gas: 1_000_000_000,
    };
    let info = sign_erc20_approval(signer(), terms, 5, fees).expect("approval signs");
    assert_eq!(info["asset"], terms.token.to_checksum(None));
    assert_eq!(info["amount"], U256::MAX.to_string());
    check_merge(ext, ERC20_APPROVAL_KEY, info, sponsoring.erc20_approval);
}

fn check_merge(ext: &Value, key: &str, fields: Map<String, Value>, offered: bool) {
    let Some(merged) = with_info(ext, key, fields.clone()) else {
        // Refused only when the server's entry is not an object with an object (or no) info.
        let entry = ext.get(key);
        assert!(
            !offered
                || entry
                    .and_then(|e| e.get("info"))
                    .is_some_and(|i| !i.is_object())
        );
        return;
    };
    assert!(offered, "merged only into an offered extension");
    let (Some(before), Some(after)) = (ext.as_object(), merged.as_object()) else {
        panic!("extensions stay an object");
    };
    assert_eq!(before.len(), after.len());
    for (k, v) in before {
        if k != key {
            assert_eq!(&after[k], v, "other extensions are echoed as sent");
        }
    }
    let (entry_before, entry_after) = (&before[key], &after[key]);
    for (k, v) in entry_before.as_object().expect("offered is an object") {
        if k != "info" {
            assert_eq!(&entry_after[k], v, "the server's fields are echoed");
        }
    }
    let info_after = entry_after["info"].as_object().expect("info is an object");
    let info_before = entry_before.get("info").and_then(Value::as_object);
    for (k, v) in &fields {
        let sent = info_before.and_then(|i| i.get(k));
        assert_eq!(
            &info_after[k],
            sent.unwrap_or(v),
            "server's info wins, ours added"
        );
    }
    if let Some(info_before) = info_before {
        for (k, v) in info_before {
            assert_eq!(&info_after[k], v);
        }
        assert!(info_after.len() >= info_before.len());
    }
}
