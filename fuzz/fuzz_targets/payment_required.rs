//! The 402 reader and everything `x402 get` does with what it read, short of the network:
//! parse the challenge, judge and choose an option, check the cap and pinned terms, sign,
//! and build the payment header. No panic, no unbounded allocation, and the money rules
//! hold for whatever the server sent:
//! - an option under the cap is never above it in base units;
//! - the authorization signed is for exactly the quoted amount, payee, token and chain;
//! - a v2 header echoes `accepts[i]` byte for byte as `accepted`;
//! - terms saved from a quote accept that same quote.
//!
//! Input: `[mode byte][header value] \n\n [body]` (mode picks which parts are sent and the
//! body's content type), so seeds can be written by hand.
#![no_main]

use alloy_signer_local::PrivateKeySigner;
use base64::Engine as _;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use std::sync::OnceLock;
use x402::amount::UserAmount;
use x402::network::Networks;
use x402::payment::challenge::{Challenge, parse_payment_required};
use x402::payment::exact_evm::{quote_domain, recover};
use x402::payment::permit2;
use x402::payment::policy::{self, Quote, Scheme};
use x402::payment::terms::{Pins, Terms};
use x402::payment::{payment_header, sign_payment};

/// Anvil's public test key #0: never a real wallet.
const TEST_KEY: &str = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const NOW: u64 = 1_780_000_000;

fn signer() -> &'static PrivateKeySigner {
    static SIGNER: OnceLock<PrivateKeySigner> = OnceLock::new();
    SIGNER.get_or_init(|| TEST_KEY.parse().expect("test key"))
}

/// The response's headers as the client holds them: values no HTTP response could carry
/// (CR, LF, NUL) are dropped, as the HTTP stack drops them before x402 sees them.
fn header_map(pairs: &[(String, String)]) -> http::HeaderMap {
    let mut map = http::HeaderMap::new();
    for (name, value) in pairs {
        if let (Ok(n), Ok(v)) = (
            http::HeaderName::from_bytes(name.as_bytes()),
            http::HeaderValue::from_bytes(value.as_bytes()),
        ) {
            map.append(n, v);
        }
    }
    map
}

fn networks() -> &'static Networks {
    static NETWORKS: OnceLock<Networks> = OnceLock::new();
    NETWORKS.get_or_init(Networks::built_in)
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let (head, body) = match rest.windows(2).position(|w| w == b"\n\n") {
        Some(i) => (&rest[..i], &rest[i + 2..]),
        None => (rest, &[][..]),
    };
    let head = String::from_utf8_lossy(head);
    let mut headers = Vec::new();
    if mode & 1 == 0 {
        headers.push(("PAYMENT-REQUIRED".to_string(), head.into_owned()));
    }
    headers.push((
        "Content-Type".to_string(),
        match mode >> 1 & 3 {
            0 => "application/json",
            1 => "text/html; charset=utf-8",
            2 => "text/plain",
            _ => "",
        }
        .to_string(),
    ));
    let body = if mode & 1 == 0 { body } else { rest };

    let Ok(challenge) = parse_payment_required(&header_map(&headers), body) else {
        return;
    };
    // What inspect --json prints must always serialise.
    serde_json::to_string(&challenge).expect("challenge serialises");

    let caps: [UserAmount; 3] = [
        "0.10".parse().unwrap(),
        "0".parse().unwrap(),
        "1000000.00".parse().unwrap(),
    ];
    let preferred = ["base-sepolia".to_string(), "eip155:8453".to_string()];
    for (narrow, prefs) in [(false, &[][..]), (true, &preferred[..])] {
        let (judged, chosen) = policy::choose(&challenge, networks(), prefs, narrow);
        assert_eq!(judged.len(), challenge.accepts.len());
        if let Some(i) = chosen {
            assert!(judged[i].is_ok(), "the chosen option is payable");
        }
        for quote in judged.iter().flatten() {
            check_quote(&challenge, quote, &caps);
            if !narrow {
                check_signed(&challenge, quote);
            }
        }
    }
});

fn check_quote(challenge: &Challenge, quote: &Quote, caps: &[UserAmount]) {
    let req = &challenge.accepts[quote.index];
    assert_eq!(
        req.amount_u256(),
        Some(quote.amount),
        "quote amount is the option's"
    );
    let _ = quote.price();

    // Pinned terms round-trip and accept the quote they came from.
    let terms = Terms::from_quote("http://127.0.0.1/", quote);
    let text = serde_json::to_string(&terms).expect("terms serialise");
    let back = Terms::parse(&text).expect("saved terms read back");
    assert_eq!(back, terms);
    let pins = Pins {
        terms: Some(back),
        ..Pins::default()
    };
    assert_eq!(pins.check(quote), Ok(()), "terms accept their own quote");

    for cap in caps {
        if policy::check_cap(quote, cap).is_ok() {
            let limit = cap.to_base_units(quote.asset.decimals).expect("cap fits");
            assert!(quote.amount <= limit, "under the cap means under the cap");
        }
    }
}

/// Signs with the signing step of the quote's scheme, as `x402 get` does, and checks what
/// would leave the machine. Solana transactions are built and checked by `svm_requirement`
/// (they need the mint's decimals and a blockhash from the chain); here their header is.
fn check_signed(challenge: &Challenge, quote: &Quote) {
    let payload = match &quote.scheme {
        Scheme::Eip3009 { .. } => return check_eip3009(challenge, quote),
        Scheme::Permit2(terms) => check_permit2(quote, terms),
        Scheme::Svm(_) => serde_json::json!({"transaction": ""}),
    };
    let (_, header_value, _) = payment_header(challenge, quote.index, payload);
    check_header(challenge, quote, &header_value);
}

/// A Permit2 authorization is for exactly the quoted amount (for `upto` the maximum), token,
/// payee and chain, and recovers to the payer.
fn check_permit2(quote: &Quote, terms: &permit2::Terms) -> Value {
    let signed = permit2::authorize(signer(), terms, NOW).expect("a payable quote signs");
    let auth = &signed.authorization;
    assert_eq!(auth.amount, quote.amount);
    assert_eq!(auth.to.to_checksum(None), quote.pay_to);
    assert_eq!(Some(auth.token), quote.evm_token());
    assert_eq!(
        quote.network.evm().map(|n| n.chain_id),
        Some(terms.chain_id)
    );
    assert!(auth.deadline > auth.valid_after);
    assert_eq!(
        permit2::recover(auth, terms.chain_id, &signed.signature).expect("recovers"),
        signer().address()
    );
    signed.payload
}

/// An EIP-3009 authorization is for exactly the quoted amount, payee, token and chain.
fn check_eip3009(challenge: &Challenge, quote: &Quote) {
    let p = sign_payment(challenge, quote, signer(), NOW).expect("a payable quote signs");
    let auth = &p.authorization;
    assert_eq!(auth.value, quote.amount);
    assert_eq!(auth.to.to_checksum(None), quote.pay_to);
    assert!(auth.valid_before > auth.valid_after);
    let (dom, pay_to) = quote_domain(quote).expect("an EIP-3009 quote");
    assert_eq!(auth.to, pay_to);
    let doc = check_header(challenge, quote, &p.header_value);
    let signed = &doc["payload"]["authorization"];
    assert_eq!(signed["value"], Value::from(quote.amount.to_string()));
    assert_eq!(signed["to"], Value::from(quote.pay_to.as_str()));
    assert_eq!(signed["nonce"], Value::from(p.nonce.as_str()));
    let signature = alloy_primitives::hex::decode(doc["payload"]["signature"].as_str().unwrap())
        .expect("hex signature");
    assert_eq!(
        recover(auth, &dom, &signature).expect("recovers"),
        signer().address()
    );
}

/// The header is base64 JSON; a v2 one echoes `accepts[i]` byte for byte as `accepted`.
fn check_header(challenge: &Challenge, quote: &Quote, header_value: &str) -> Value {
    let req = &challenge.accepts[quote.index];
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(header_value)
        .expect("header is base64");
    let doc: Value = serde_json::from_slice(&decoded).expect("header is JSON");
    if challenge.version == 2 {
        assert_eq!(doc["accepted"], req.raw, "accepted is echoed verbatim");
        assert_eq!(
            serde_json::to_string(&doc["accepted"]).unwrap(),
            serde_json::to_string(&req.raw).unwrap()
        );
    }
    doc
}
