use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE, URL_SAFE_NO_PAD};

use alloy_primitives::U256;
use serde_json::Value;

use super::html::*;
use super::*;
use crate::payment::test_vectors::*;

fn header_doc(doc: &str) -> Vec<(String, String)> {
    vec![hdr("PAYMENT-REQUIRED", &STANDARD.encode(doc))]
}

fn v2(doc: &str) -> Challenge {
    parse_payment_required(&header_map(&header_doc(doc)), b"{}").expect(doc)
}

#[test]
fn more_than_max_accepts_are_read_up_to_the_bound_with_a_departure() {
    let many = vec![SPEC_V2_ACCEPTED_JSON; MAX_ACCEPTS * 100].join(",");
    let c = v2(&format!(
        r#"{{"x402Version":2,"resource":{{"url":"u"}},"accepts":[{many}]}}"#
    ));
    assert_eq!(c.accepts.len(), MAX_ACCEPTS);
    let p = c.problems.iter().find(|p| p.field == "accepts").unwrap();
    assert_eq!(p.message, "has 6400 options; only the first 64 are read");
}

#[test]
fn an_error_does_not_grow_with_the_input() {
    let huge = "9".repeat(100_000);
    let doc = format!(r#"{{"x402Version":"{huge}\n\u001b[2J","accepts":[{{}}]}}"#);
    let e = parse_payment_required(&header_map(&header_doc(&doc)), b"").unwrap_err();
    let text = e.to_string();
    assert!(text.len() < 200, "{text}");
    assert!(!text.contains('\n') && !text.contains('\u{1b}'), "{text}");
}

fn spec_v2() -> Challenge {
    parse_payment_required(
        &header_map(&[hdr("PAYMENT-REQUIRED", SPEC_V2_PAYMENT_REQUIRED_B64)]),
        b"{}",
    )
    .expect("spec example parses")
}

#[test]
fn spec_v2_header_example() {
    let c = spec_v2();
    assert_eq!((c.version, c.source), (2, Source::Header));
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
    assert_eq!(
        c.error.as_deref(),
        Some("PAYMENT-SIGNATURE header is required")
    );
    assert_eq!(c.raw.to_string(), SPEC_V2_PAYMENT_REQUIRED_JSON);
    assert_eq!(c.extensions, None);
    let r = c.resource.as_ref().expect("resource");
    assert_eq!(
        r.url.as_deref(),
        Some("https://api.example.com/premium-data")
    );
    assert_eq!(
        r.description.as_deref(),
        Some("Access to premium market data")
    );
    assert_eq!(r.mime_type.as_deref(), Some("application/json"));
    assert_eq!(r.raw.to_string(), SPEC_V2_RESOURCE_JSON);

    assert_eq!(c.accepts.len(), 1);
    let a = &c.accepts[0];
    assert!(a.problems.is_empty(), "{:?}", a.problems);
    assert_eq!(a.raw.to_string(), SPEC_V2_ACCEPTED_JSON);
    assert_eq!((a.index, a.version), (0, 2));
    assert_eq!(a.scheme.as_deref(), Some("exact"));
    assert_eq!(a.network.as_deref(), Some("eip155:84532"));
    assert_eq!(a.amount.as_deref(), Some("10000"));
    assert_eq!(a.asset.as_deref(), Some(USDC_BASE_SEPOLIA));
    assert_eq!(a.pay_to.as_deref(), Some(PAY_TO));
    assert_eq!(a.max_timeout_seconds, Some(60));
    assert_eq!(a.extra, Some(json(r#"{"name":"USDC","version":"2"}"#)));
    assert_eq!(
        (a.resource.as_deref(), a.description.as_deref()),
        (None, None)
    );
    assert_eq!(a.amount_u256(), Some(U256::from(10_000u64)));
    assert_eq!(a.chain_id(), Some(84532));
    assert_eq!(a.extra_str("name"), Some("USDC"));
    assert_eq!(a.extra_str("version"), Some("2"));
    assert_eq!(a.extra_str("missing"), None);
    assert_eq!(a.transfer_method(), "eip3009");
    assert!(a.is_evm());
    assert_eq!(a.pay_to_address(), PAY_TO.parse().ok());
    assert_eq!(a.asset_address(), USDC_BASE_SEPOLIA.parse().ok());
}

#[test]
fn header_encoding_variants_decode() {
    let doc = SPEC_V2_PAYMENT_REQUIRED_JSON;
    let standard = STANDARD.encode(doc);
    // The spec example needs no padding; make one that does.
    let padded_doc = format!("{doc} ");
    let padded = STANDARD.encode(&padded_doc);
    assert!(padded.ends_with('='));
    let values = [
        standard.clone(),
        padded.trim_end_matches('=').to_owned(),
        URL_SAFE.encode(&padded_doc),
        URL_SAFE_NO_PAD.encode(doc),
        // Whitespace around the value (a `HeaderMap` cannot hold the CR LF that ends a line).
        format!("\t {standard} \t"),
    ];
    for value in values {
        for name in ["PAYMENT-REQUIRED", "payment-required", "Payment-Required"] {
            let c = parse_payment_required(&header_map(&[hdr(name, &value)]), b"")
                .unwrap_or_else(|e| panic!("{name}: {value:?}: {e}"));
            assert_eq!(c.accepts[0].raw.to_string(), SPEC_V2_ACCEPTED_JSON);
        }
    }
    // URL-safe characters really occur: a description with bytes that encode to -/_.
    let tricky = doc.replace("Access to premium market data", "??>>??~~ü");
    let url_safe = URL_SAFE_NO_PAD.encode(&tricky);
    assert!(url_safe.contains(['-', '_']), "{url_safe}");
    let c = parse_payment_required(&header_map(&[hdr("PAYMENT-REQUIRED", &url_safe)]), b"")
        .expect("parses");
    assert_eq!(c.raw.to_string(), tricky);
}

#[test]
fn raw_round_trips_unknown_fields_nulls_and_key_order() {
    let accepted = r#"{"zeta":{"deep":[1,null,{"b":true,"a":"x"}]},"scheme":"exact","network":"eip155:8453","amount":"1","asset":"0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913","payTo":"0x209693Bc6afc0C5328bA36FaF03C514EF312287C","maxTimeoutSeconds":300,"extra":{"version":"2","name":"USD Coin","nullish":null},"outputSchema":null,"alpha":-1.5}"#;
    let broken = r#"{"scheme":7,"amount":"01","extra":"x","unknown":[]}"#;
    let doc = format!(
        r#"{{"accepts":[{accepted},{broken},42],"x402Version":2,"resource":{{"url":"https://x/y","extra":null}},"extensions":{{"bazaar":{{"info":{{}}}}}}}}"#
    );
    let c = v2(&doc);
    assert_eq!(c.raw.to_string(), doc);
    assert_eq!(c.accepts[0].raw.to_string(), accepted);
    assert_eq!(c.accepts[1].raw.to_string(), broken);
    assert_eq!(c.accepts[2].raw.to_string(), "42");
    assert!(
        c.accepts[0].problems.is_empty(),
        "{:?}",
        c.accepts[0].problems
    );
    assert!(!c.accepts[1].problems.is_empty());
    assert_eq!(c.accepts[2].problems[0].field, "accepts");
    assert_eq!(
        c.resource.expect("resource").raw.to_string(),
        r#"{"url":"https://x/y","extra":null}"#
    );
    assert_eq!(
        c.extensions.expect("ext").to_string(),
        r#"{"bazaar":{"info":{}}}"#
    );
    assert_eq!(
        c.accepts.iter().map(|a| a.index).collect::<Vec<_>>(),
        [0, 1, 2]
    );
}

#[test]
fn spec_v1_body() {
    let c = parse_payment_required(
        &header_map(&[hdr("content-type", "application/json")]),
        SPEC_V1_BODY.as_bytes(),
    )
    .expect("parses");
    assert_eq!((c.version, c.source), (1, Source::Body));
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
    assert_eq!(
        c.error.as_deref(),
        Some("Payment required to access this resource")
    );
    let r = c
        .resource
        .as_ref()
        .expect("resource from the first requirement");
    assert_eq!(
        r.url.as_deref(),
        Some("https://api.example.com/premium-data")
    );
    assert_eq!(
        r.raw.to_string(),
        r#"{"url":"https://api.example.com/premium-data","description":"Access to premium market data","mimeType":"application/json"}"#
    );
    let a = &c.accepts[0];
    assert!(a.problems.is_empty(), "{:?}", a.problems);
    assert_eq!(a.amount.as_deref(), Some("10000"));
    assert_eq!(a.chain_id(), Some(84532));
    assert_eq!(a.caip2_network().as_deref(), Some("eip155:84532"));
    assert_eq!(
        a.resource.as_deref(),
        Some("https://api.example.com/premium-data")
    );
    assert_eq!(
        a.description.as_deref(),
        Some("Access to premium market data")
    );
    assert_eq!(a.mime_type.as_deref(), Some("application/json"));
    let raw: Value = json(SPEC_V1_BODY);
    assert_eq!(a.raw.to_string(), raw["accepts"][0].to_string());
    // A UTF-8 byte-order mark in front is tolerated.
    let bom = [b"\xef\xbb\xbf".as_slice(), SPEC_V1_BODY.as_bytes()].concat();
    assert_eq!(
        parse_payment_required(&Default::default(), &bom)
            .expect("bom")
            .version,
        1
    );
}

#[test]
fn spec_v1_prose_network_is_flagged() {
    let body = SPEC_V1_BODY.replace("base-sepolia", "kairos-testnet");
    let c = parse_payment_required(&Default::default(), body.as_bytes()).expect("parses");
    assert_eq!(
        c.accepts[0].problems,
        [Problem::new(
            "network",
            "is not a known x402 v1 network name"
        )]
    );
    assert_eq!(c.accepts[0].chain_id(), None);
    assert!(!c.accepts[0].is_evm());
}

#[test]
fn header_wins_and_disagreement_is_reported() {
    let headers = [hdr("PAYMENT-REQUIRED", SPEC_V2_PAYMENT_REQUIRED_B64)];
    // The v1 body describes the same offer: no warning.
    let same =
        parse_payment_required(&header_map(&headers), SPEC_V1_BODY.as_bytes()).expect("parses");
    assert_eq!((same.version, same.source), (2, Source::Header));
    assert!(same.warnings.is_empty(), "{:?}", same.warnings);
    // Same offer with a lowercase asset: still the same terms.
    let lower = SPEC_V1_BODY.replace(USDC_BASE_SEPOLIA, &USDC_BASE_SEPOLIA.to_lowercase());
    assert!(
        parse_payment_required(&header_map(&headers), lower.as_bytes())
            .expect("parses")
            .warnings
            .is_empty()
    );
    // A different amount in the body: warned, header used.
    let other = SPEC_V1_BODY.replace("\"10000\"", "\"20000\"");
    let c = parse_payment_required(&header_map(&headers), other.as_bytes()).expect("parses");
    assert_eq!(c.accepts[0].amount.as_deref(), Some("10000"));
    assert_eq!(c.warnings.len(), 1);
    assert!(c.warnings[0].contains("differ"), "{:?}", c.warnings);
    // A v2 body with another payee.
    let v2_body = SPEC_V2_PAYMENT_REQUIRED_JSON.replace(PAY_TO, USDC_BASE);
    let c = parse_payment_required(&header_map(&headers), v2_body.as_bytes()).expect("parses");
    assert!(
        c.warnings[0].contains("x402 v2 document"),
        "{:?}",
        c.warnings
    );
    // The message says which field differs, body first.
    assert_eq!(c.problems[0].field, "body");
    assert!(
        c.problems[0].message.contains(&format!(
            "accepts[0].payTo is {USDC_BASE} in the body, {PAY_TO} in the header"
        )),
        "{:?}",
        c.problems
    );
    // Bodies that are not x402 documents are not compared.
    for junk in [b"not json".as_slice(), b"{}", br#"{"error":"x"}"#, b""] {
        let c = parse_payment_required(&header_map(&headers), junk).expect("parses");
        assert!(c.problems.is_empty(), "{:?}", c.problems);
        assert!(!c.html_body);
    }
}

#[test]
fn body_disagreement_names_each_field() {
    let headers = [hdr("PAYMENT-REQUIRED", SPEC_V2_PAYMENT_REQUIRED_B64)];
    let body = SPEC_V2_PAYMENT_REQUIRED_JSON
        .replace("\"10000\"", "\"20000\"")
        .replace("eip155:84532", "eip155:8453")
        .replace(USDC_BASE_SEPOLIA, USDC_BASE);
    let c = parse_payment_required(&header_map(&headers), body.as_bytes()).expect("parses");
    assert_eq!(c.problems.len(), 1, "{:?}", c.problems);
    let message = &c.problems[0].message;
    for needle in [
        "accepts[0].network is eip155:8453 in the body, eip155:84532 in the header",
        "accepts[0].amount is 20000 in the body, 10000 in the header",
        "accepts[0].asset is 0x8335",
        "the header is used",
    ] {
        assert!(message.contains(needle), "{needle}: {message}");
    }
    // Four differences: three shown, the rest counted.
    let four = body.replace(PAY_TO, USDC_BASE_SEPOLIA);
    let c = parse_payment_required(&header_map(&headers), four.as_bytes()).expect("parses");
    assert!(
        c.problems[0].message.contains("and 1 more"),
        "{:?}",
        c.problems
    );
    // Another number of options.
    let accepted = SPEC_V2_ACCEPTED_JSON;
    let two = SPEC_V2_PAYMENT_REQUIRED_JSON.replace(accepted, &format!("{accepted},{accepted}"));
    let c = parse_payment_required(&header_map(&headers), two.as_bytes()).expect("parses");
    assert!(
        c.problems[0]
            .message
            .contains("2 option(s) in the body, 1 in the header"),
        "{:?}",
        c.problems
    );
    // An x402 document in the body that cannot be read is reported, not fatal.
    for (body, needle) in [
        (r#"{"x402Version":2,"accepts":["#, "not valid json"),
        (r#"{"x402Version":2}"#, "missing the required field accepts"),
        (
            r#"{"x402Version":7,"accepts":[{}]}"#,
            "unsupported x402Version 7",
        ),
    ] {
        let c = parse_payment_required(&header_map(&headers), body.as_bytes()).expect("parses");
        assert_eq!(c.accepts[0].amount.as_deref(), Some("10000"));
        assert_eq!(c.problems[0].field, "body");
        assert!(c.problems[0].message.contains(needle), "{:?}", c.problems);
        assert!(c.problems[0].message.contains("cannot be read"));
    }
}

/// `@x402/core` 2.27 answers a request it takes for a browser's (`Accept` with
/// `text/html`, `User-Agent` with `Mozilla`) with a 402, the PAYMENT-REQUIRED header and
/// an HTML paywall body; the legacy v1 `x402-express` sends the page without any terms.
#[test]
fn browser_paywall_with_and_without_the_header() {
    let page = b"<!DOCTYPE html>\n<html><head><title>Payment Required</title></head>\
        <body>This resource is protected by the x402 payment protocol.</body></html>";
    let html = hdr("Content-Type", "text/html; charset=utf-8");
    let mut headers = vec![
        html.clone(),
        hdr("PAYMENT-REQUIRED", SPEC_V2_PAYMENT_REQUIRED_B64),
    ];
    let c = parse_payment_required(&header_map(&headers), page).expect("terms from the header");
    assert!(c.html_body);
    assert_eq!(c.accepts[0].amount.as_deref(), Some("10000"));
    assert_eq!(c.problems.len(), 1, "{:?}", c.problems);
    assert_eq!(c.problems[0].field, "body");
    assert!(c.problems[0].message.contains("browser paywall"));
    assert_eq!(c.warnings, [c.problems[0].to_string()]);
    // Detected by Content-Type alone, or by the page alone.
    let c = parse_payment_required(&header_map(&headers), b"pay here").expect("parses");
    assert!(c.html_body);
    headers.remove(0);
    assert!(
        parse_payment_required(&header_map(&headers), page)
            .expect("parses")
            .html_body
    );
    // Without the header: nothing to read, and the error says it is a page.
    let err = parse_payment_required(&header_map(std::slice::from_ref(&html)), page)
        .expect_err("no terms");
    assert!(matches!(err, ChallengeError::NotX402 { html: true, .. }));
    assert_eq!(err.step(), "paywall");
    // The legacy paywall and @x402/core's fallback page are recognised as x402 paywalls;
    // other pages, and non-HTML bodies, are not.
    let legacy =
        b"<!DOCTYPE html><html><head><script>window.x402 = {amount: 0.001};</script></head></html>";
    assert!(looks_like_x402_paywall(&Default::default(), legacy));
    assert!(looks_like_x402_paywall(
        &header_map(std::slice::from_ref(&html)),
        page
    ));
    assert!(!looks_like_x402_paywall(
        &header_map(std::slice::from_ref(&html)),
        b"<html><body>hello</body></html>"
    ));
    assert!(!looks_like_x402_paywall(
        &Default::default(),
        b"{\"x402\":\"payment required\"}"
    ));
}

#[test]
fn v2_body_without_header_is_accepted_with_a_warning() {
    let c = parse_payment_required(
        &Default::default(),
        SPEC_V2_PAYMENT_REQUIRED_JSON.as_bytes(),
    )
    .expect("parses");
    assert_eq!((c.version, c.source), (2, Source::Body));
    assert_eq!(c.warnings.len(), 1);
    assert!(c.warnings[0].contains("go"), "{:?}", c.warnings);
}

#[test]
fn v1_document_in_the_header_is_read_as_v1_with_a_warning() {
    let doc = json(SPEC_V1_BODY).to_string();
    let c = parse_payment_required(&header_map(&header_doc(&doc)), b"").expect("parses");
    assert_eq!((c.version, c.source), (1, Source::Header));
    assert!(c.warnings[0].contains("v1"), "{:?}", c.warnings);
}

#[test]
fn several_and_empty_headers() {
    let other = STANDARD.encode(SPEC_V2_PAYMENT_REQUIRED_JSON.replace("10000", "1"));
    let c = parse_payment_required(
        &header_map(&[
            hdr("PAYMENT-REQUIRED", ""),
            hdr("PAYMENT-REQUIRED", SPEC_V2_PAYMENT_REQUIRED_B64),
            hdr("payment-required", &other),
        ]),
        b"",
    )
    .expect("parses");
    assert_eq!(c.accepts[0].amount.as_deref(), Some("10000"));
    assert_eq!(
        c.problems,
        [Problem::new(
            "PAYMENT-REQUIRED",
            "was sent 2 times with 2 different values; the first one is used"
        )]
    );
    // An empty header alone is treated as absent, and the body is read.
    let c = parse_payment_required(
        &header_map(&[hdr("PAYMENT-REQUIRED", "  ")]),
        SPEC_V1_BODY.as_bytes(),
    )
    .expect("parses");
    assert_eq!((c.version, c.source), (1, Source::Body));
    assert!(c.warnings[0].contains("empty"), "{:?}", c.warnings);
    // Two identical copies are no cause for a warning.
    let twice = [
        hdr("PAYMENT-REQUIRED", SPEC_V2_PAYMENT_REQUIRED_B64),
        hdr("PAYMENT-REQUIRED", SPEC_V2_PAYMENT_REQUIRED_B64),
    ];
    assert!(
        parse_payment_required(&header_map(&twice), b"")
            .expect("parses")
            .warnings
            .is_empty()
    );
}

#[test]
fn top_level_oddities_are_warnings() {
    let accepts = format!("[{SPEC_V2_ACCEPTED_JSON}]");
    for (doc, needle) in [
        (
            format!(r#"{{"x402Version":2,"accepts":{accepts}}}"#),
            "resource is missing",
        ),
        (
            format!(r#"{{"x402Version":2,"resource":"u","accepts":{accepts}}}"#),
            "resource must be an object, not a string",
        ),
        (
            format!(r#"{{"x402Version":2,"resource":{{}},"accepts":{accepts}}}"#),
            "resource.url is missing",
        ),
        (
            format!(r#"{{"x402Version":2,"resource":{{"url":""}},"accepts":{accepts}}}"#),
            "resource.url is empty",
        ),
        (
            format!(r#"{{"x402Version":2,"resource":{{"url":3}},"accepts":{accepts}}}"#),
            "resource.url must be a string, not a number",
        ),
        (
            format!(
                r#"{{"x402Version":2,"resource":{{"url":"u"}},"error":5,"accepts":{accepts}}}"#
            ),
            "error must be a string, not a number",
        ),
        (
            format!(
                r#"{{"x402Version":2,"resource":{{"url":"u"}},"extensions":[],"accepts":{accepts}}}"#
            ),
            "extensions must be an object, not an array",
        ),
    ] {
        let c = v2(&doc);
        assert!(
            c.warnings.iter().any(|w| w.contains(needle)),
            "{doc}: {:?}",
            c.warnings
        );
        // Each is also listed with its field, and the two lists agree.
        let texts: Vec<String> = c.problems.iter().map(ToString::to_string).collect();
        assert_eq!(texts, c.warnings);
        assert!(
            c.problems.iter().all(|p| !p.field.contains(' ')),
            "{:?}",
            c.problems
        );
    }
}

/// Every `ChallengeError` variant, from a concrete input; messages are one lowercase line
/// and never tell the user to run a command.
#[test]
fn every_error_variant() {
    type Check = fn(&ChallengeError) -> bool;
    type Case = (Vec<(String, String)>, Vec<u8>, Check);
    let b64 = |s: &[u8]| STANDARD.encode(s);
    let h = |v: String| vec![hdr("PAYMENT-REQUIRED", &v)];
    let cases: Vec<Case> = vec![
        (vec![], b"".to_vec(), |e| matches!(e, ChallengeError::NotX402 { html: false, .. })),
        (vec![], b"payment required".to_vec(), |e| matches!(e, ChallengeError::NotX402 { html: false, .. })),
        (vec![], b"{}".to_vec(), |e| matches!(e, ChallengeError::NotX402 { detail, .. } if detail.contains("no x402Version"))),
        (vec![], b"[1,2]".to_vec(), |e| matches!(e, ChallengeError::NotX402 { detail, .. } if detail.contains("not an object"))),
        (vec![], b"\x89PNG\r\n\x1a\n\xff".to_vec(), |e| matches!(e, ChallengeError::NotX402 { detail, .. } if detail.contains("not text"))),
        (
            vec![],
            b"\n<!DOCTYPE html><html><head><title>Payment Required</title></head><body>pay</body></html>".to_vec(),
            |e| matches!(e, ChallengeError::NotX402 { html: true, .. }),
        ),
        (
            vec![hdr("Content-Type", "text/html; charset=utf-8")],
            b"<div>x402Version</div>".to_vec(),
            |e| matches!(e, ChallengeError::NotX402 { html: true, .. }),
        ),
        (h("!!not base64!!".into()), vec![], |e| matches!(e, ChallengeError::Base64 { .. })),
        (h(b64(b"x402Version: 2")), vec![], |e| matches!(e, ChallengeError::HeaderJson { .. })),
        (vec![], br#"{"x402Version":1,"accepts":["#.to_vec(), |e| matches!(e, ChallengeError::BodyJson { .. })),
        (h(b64(b"[2]")), vec![], |e| matches!(e, ChallengeError::NotObject(Source::Header))),
        (h(b64(br#"{"x402Version":3,"accepts":[{}]}"#)), vec![], |e| {
            matches!(e, ChallengeError::UnsupportedVersion(v) if v.as_u64() == Some(3))
        }),
        (vec![], br#"{"x402Version":"1","accepts":[{}]}"#.to_vec(), |e| {
            matches!(e, ChallengeError::UnsupportedVersion(v) if v.as_str() == Some("1"))
        }),
        (vec![], br#"{"x402Version":1.5,"accepts":[{}]}"#.to_vec(), |e| matches!(e, ChallengeError::UnsupportedVersion(_))),
        (h(b64(br#"{"accepts":[{}]}"#)), vec![], |e| {
            matches!(e, ChallengeError::Missing { field } if field == "x402Version")
        }),
        (vec![], br#"{"x402Version":1,"error":"x"}"#.to_vec(), |e| {
            matches!(e, ChallengeError::Missing { field } if field == "accepts")
        }),
        (h(b64(br#"{"x402Version":2,"accepts":[]}"#)), vec![], |e| {
            matches!(e, ChallengeError::Invalid { field, .. } if field == "accepts")
        }),
        (vec![], br#"{"x402Version":1,"accepts":{"0":{}}}"#.to_vec(), |e| {
            matches!(e, ChallengeError::Invalid { field, .. } if field == "accepts")
        }),
        (h(b64(b"{\"x402Version\":2,\"error\":\"\xff\"}")), vec![], |e| matches!(e, ChallengeError::NotUtf8(Source::Header))),
        (vec![], b"{\"x402Version\":1,\"error\":\"\xff\"}".to_vec(), |e| matches!(e, ChallengeError::NotUtf8(Source::Body))),
    ];
    for (headers, body, check) in cases {
        let err = parse_payment_required(&header_map(&headers), &body).expect_err("must fail");
        assert!(
            check(&err),
            "{headers:?} {:?}: {err:?}",
            String::from_utf8_lossy(&body)
        );
        let msg = err.to_string();
        assert!(!msg.contains('\n'), "{msg}");
        assert!(msg.starts_with(char::is_lowercase), "{msg}");
        assert!(!msg.contains("run "), "{msg}");
    }
}

/// `inspect` names the failing step of an unreadable 402 with `step()`.
#[test]
fn each_error_names_its_step() {
    let b64 = |s: &str| STANDARD.encode(s);
    let h = |v: String| vec![hdr("PAYMENT-REQUIRED", &v)];
    let html = vec![hdr("Content-Type", "text/html")];
    type Case<'a> = (Vec<(String, String)>, &'a [u8], &'a str);
    let cases: Vec<Case> = vec![
        (vec![], b"", "locate"),
        (vec![], b"Payment Required", "locate"),
        (vec![], b"{}", "locate"),
        (html, b"<html><body>pay</body></html>", "paywall"),
        (h("%%%".into()), b"", "base64"),
        (h(STANDARD.encode(b"\xff\xfe")), b"", "utf8"),
        (h(b64("{x402Version")), b"", "json"),
        (vec![], br#"{"x402Version":1,"accepts":"#, "json"),
        (h(b64("[]")), b"", "json"),
        (
            h(b64(r#"{"x402Version":3,"accepts":[{}]}"#)),
            b"",
            "version",
        ),
        (h(b64(r#"{"accepts":[{}]}"#)), b"", "version"),
        (h(b64(r#"{"x402Version":2}"#)), b"", "fields"),
        (h(b64(r#"{"x402Version":2,"accepts":[]}"#)), b"", "fields"),
    ];
    for (headers, body, step) in cases {
        let err = parse_payment_required(&header_map(&headers), body).expect_err("must fail");
        assert_eq!(err.step(), step, "{err}");
    }
}

#[test]
fn extra_is_compared_with_the_known_token() {
    let networks = crate::network::Networks::built_in();
    let base_sepolia = networks.find("base-sepolia").expect("built in");
    let usdc = &base_sepolia.assets[0];
    let extra = |e: &str| v2_with("extra", Some(json(e)));
    assert!(
        extra(r#"{"name":"USDC","version":"2"}"#)
            .token_problems(base_sepolia, usdc)
            .is_empty()
    );
    let p = extra(r#"{"name":"USD Coin","version":"1"}"#).token_problems(base_sepolia, usdc);
    assert_eq!(
        p,
        [
            Problem::new(
                "extra.name",
                "is 'USD Coin', but USDC on base-sepolia signs with eip-712 name 'USDC'"
            ),
            Problem::new(
                "extra.version",
                "is '1', but USDC on base-sepolia signs with eip-712 version '2'"
            ),
        ]
    );
    // Missing or mistyped values are parse problems already, not repeated here.
    assert!(
        extra(r#"{"version":2}"#)
            .token_problems(base_sepolia, usdc)
            .is_empty()
    );
    // A Permit2-only token offered as EIP-3009.
    let megaeth = networks.find("megaeth").expect("built in");
    let musd = &megaeth.assets[0];
    let p = extra(r#"{"name":"MegaUSD","version":"1"}"#).token_problems(megaeth, musd);
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].field, "extra.assetTransferMethod");
    assert!(p[0].message.starts_with("is missing"), "{p:?}");
    assert!(
        extra(r#"{"name":"MegaUSD","version":"1","assetTransferMethod":"permit2"}"#)
            .token_problems(megaeth, musd)
            .is_empty()
    );
}

/// A valid v2 requirement with one field replaced (`Some`) or removed (`None`).
fn v2_with(key: &str, value: Option<Value>) -> Requirement {
    parsed_with(json(SPEC_V2_ACCEPTED_JSON), 2, key, value)
}

/// The same for the v1 example's requirement.
fn v1_with(key: &str, value: Option<Value>) -> Requirement {
    parsed_with(json(SPEC_V1_BODY)["accepts"][0].clone(), 1, key, value)
}

/// `raw` (an x402 `version` requirement) parsed with `key` set to `value`, or removed.
fn parsed_with(mut raw: Value, version: u8, key: &str, value: Option<Value>) -> Requirement {
    let obj = raw.as_object_mut().expect("object");
    match value {
        Some(v) => {
            obj.insert(key.to_owned(), v);
        }
        None => {
            obj.shift_remove(key);
        }
    }
    Requirement::parse(0, &raw, version)
}

fn assert_problem(req: &Requirement, field: &str, needle: &str) {
    assert!(
        req.problems
            .iter()
            .any(|p| p.field == field && p.message.contains(needle)),
        "expected `{field} … {needle}` in {:?} for {}",
        req.problems,
        req.raw
    );
    // The raw value is kept no matter what.
    assert!(req.raw.is_object() || !req.problems.is_empty());
}

#[test]
fn the_baselines_are_clean() {
    assert!(v2_with("unused", None).problems.is_empty());
    assert!(v1_with("unused", None).problems.is_empty());
}

#[test]
fn missing_and_mistyped_fields() {
    for key in [
        "scheme",
        "network",
        "amount",
        "asset",
        "payTo",
        "maxTimeoutSeconds",
    ] {
        assert_problem(&v2_with(key, None), key, "is missing");
        assert_problem(&v2_with(key, Some(Value::Bool(true))), key, "must be a");
    }
    for key in [
        "scheme",
        "network",
        "maxAmountRequired",
        "asset",
        "payTo",
        "resource",
        "description",
        "maxTimeoutSeconds",
    ] {
        assert_problem(&v1_with(key, None), key, "is missing");
    }
    assert_problem(
        &v2_with("amount", Some(json("10000"))),
        "amount",
        "must be a string, not a number",
    );
    assert_problem(
        &v2_with("payTo", Some(Value::Null)),
        "payTo",
        "must be a string, not null",
    );
    assert_problem(
        &v2_with("extra", Some(json(r#""USDC""#))),
        "extra",
        "must be an object",
    );
    assert_problem(
        &v2_with("maxTimeoutSeconds", Some(json(r#""60""#))),
        "maxTimeoutSeconds",
        "must be a number",
    );
    assert_problem(
        &v2_with("scheme", Some(json(r#""""#))),
        "scheme",
        "is empty",
    );
    assert_problem(
        &v1_with("mimeType", Some(json("1"))),
        "mimeType",
        "must be a string",
    );
    assert_problem(
        &v1_with("outputSchema", Some(json("[]"))),
        "outputSchema",
        "must be an object",
    );
    assert_problem(
        &v1_with("resource", Some(json(r#""""#))),
        "resource",
        "is empty",
    );
    // v1 allows an empty description; v2 allows no resource fields at all.
    assert!(
        v1_with("description", Some(json(r#""""#)))
            .problems
            .is_empty()
    );
    assert!(
        v2_with("extra", Some(Value::Null))
            .problems
            .iter()
            .all(|p| !p.field.eq("extra"))
    );
    // The v1 amount name in a v2 document is pointed out.
    let mut raw = json(SPEC_V2_ACCEPTED_JSON);
    let amount = raw["amount"].clone();
    raw.as_object_mut().expect("object").shift_remove("amount");
    raw["maxAmountRequired"] = amount;
    assert_problem(
        &Requirement::parse(0, &raw, 2),
        "amount",
        "maxAmountRequired is the v1 name",
    );
    // Non-object entries.
    assert_problem(
        &Requirement::parse(3, &json("[1]"), 2),
        "accepts",
        "entry 3 is an array",
    );
}

#[test]
fn amount_problems() {
    for (amount, needle) in [
        ("", "is empty"),
        ("010", "leading zeros"),
        ("00", "leading zeros"),
        ("-1", "has a sign"),
        ("+1", "has a sign"),
        ("1.5", "fraction"),
        ("10000.0", "fraction"),
        ("1e6", "exponent"),
        ("1E+6", "exponent"),
        ("1.5e3", "exponent"),
        ("0x2710", "not a decimal integer"),
        ("10 000", "not a decimal integer"),
        ("１２", "not a decimal integer"),
    ] {
        let req = v2_with("amount", Some(Value::from(amount)));
        assert_problem(&req, "amount", needle);
        assert_eq!(req.amount.as_deref(), Some(amount), "kept as sent");
        assert_eq!(req.amount_u256(), None);
    }
    let too_long = "1".repeat(79);
    assert_problem(
        &v2_with("amount", Some(Value::from(too_long))),
        "amount",
        "more than 78 digits",
    );
    let over = "9".repeat(78);
    assert_problem(
        &v2_with("amount", Some(Value::from(over))),
        "amount",
        "uint256",
    );
    let max = U256::MAX.to_string();
    assert_eq!(max.len(), 78);
    let req = v2_with("amount", Some(Value::from(max.as_str())));
    assert!(req.problems.is_empty(), "{:?}", req.problems);
    assert_eq!(req.amount_u256(), Some(U256::MAX));
    assert_eq!(
        v2_with("amount", Some(json(r#""0""#))).amount_u256(),
        Some(U256::ZERO)
    );
    assert_problem(
        &v1_with("maxAmountRequired", Some(json(r#""1.0""#))),
        "maxAmountRequired",
        "fraction",
    );
}

#[test]
fn timeout_problems() {
    assert_problem(
        &v2_with("maxTimeoutSeconds", Some(json("0"))),
        "maxTimeoutSeconds",
        "must be positive",
    );
    assert_problem(
        &v2_with("maxTimeoutSeconds", Some(json("-5"))),
        "maxTimeoutSeconds",
        "positive integer",
    );
    assert_problem(
        &v2_with("maxTimeoutSeconds", Some(json("1.5"))),
        "maxTimeoutSeconds",
        "positive integer",
    );
    assert_problem(
        &v2_with("maxTimeoutSeconds", Some(json("1e30"))),
        "maxTimeoutSeconds",
        "positive integer",
    );
    assert_eq!(
        v2_with("maxTimeoutSeconds", Some(json("-5"))).max_timeout_seconds,
        None
    );
}

#[test]
fn address_problems() {
    for key in ["payTo", "asset"] {
        for (value, needle) in [
            ("0x1234", "20-byte hex"),
            ("209693Bc6afc0C5328bA36FaF03C514EF312287C", "20-byte hex"),
            ("0X209693Bc6afc0C5328bA36FaF03C514EF312287C", "20-byte hex"),
            ("0x209693Bc6afc0C5328bA36FaF03C514EF312287G", "20-byte hex"),
            (
                "0x209693bc6afc0C5328bA36FaF03C514EF312287C",
                "eip-55 checksum",
            ),
            ("0x0000000000000000000000000000000000000000", "zero address"),
        ] {
            let req = v2_with(key, Some(Value::from(value)));
            assert_problem(&req, key, needle);
            let typed = if key == "payTo" {
                req.pay_to_address()
            } else {
                req.asset_address()
            };
            assert_eq!(typed, None, "{key} {value}");
        }
        // Single-case forms carry no checksum and are fine.
        for value in [
            PAY_TO.to_lowercase(),
            format!("0x{}", PAY_TO[2..].to_uppercase()),
        ] {
            let req = v2_with(key, Some(Value::from(value.as_str())));
            assert!(req.problems.is_empty(), "{value}: {:?}", req.problems);
        }
    }
    let wrong = v2_with(
        "payTo",
        Some(json(r#""0x209693bc6afc0C5328bA36FaF03C514EF312287C""#)),
    );
    assert_eq!(wrong.pay_to_address(), None);
    // Solana networks want base58.
    let sol = v2_with(
        "network",
        Some(json(r#""solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1""#)),
    );
    assert_problem(&sol, "payTo", "base58");
    assert_problem(&sol, "asset", "base58");
    let mut raw = json(SPEC_V2_ACCEPTED_JSON);
    raw["network"] = json(r#""solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1""#);
    raw["payTo"] = json(r#""2wKupLR9q6wXYppw8Gr2NvWxKBUqm4PPJKkQfoxHDBg4""#);
    raw["asset"] = json(r#""4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU""#);
    raw["extra"] = json(r#"{"feePayer":"EwWqGE4ZFKLofuestmU4LDdK7XM1N4ALgdZccwYugwGd"}"#);
    let ok = Requirement::parse(0, &raw, 2);
    assert!(ok.problems.is_empty(), "{:?}", ok.problems);
    assert!(!ok.is_evm());
    assert_eq!((ok.chain_id(), ok.pay_to_address()), (None, None));
    // Unknown namespaces are not address-checked.
    let other = v2_with("network", Some(json(r#""cosmos:hub-4""#)));
    assert!(other.problems.is_empty(), "{:?}", other.problems);
}

#[test]
fn network_problems() {
    for (network, needle) in [
        ("base-sepolia", "caip-2"),
        ("eip155", "caip-2"),
        ("EIP155:8453", "caip-2"),
        ("ab:1", "caip-2"),
        ("eip155:", "caip-2"),
        ("eip155:abc", "decimal chain id"),
        ("eip155:0", "decimal chain id"),
        ("eip155:08453", "decimal chain id"),
        ("eip155:99999999999999999999", "decimal chain id"),
    ] {
        assert_problem(
            &v2_with("network", Some(Value::from(network))),
            "network",
            needle,
        );
    }
    for (network, needle) in [
        ("eip155:84532", "caip-2 id, but x402 v1"),
        ("Base Sepolia", "not a v1 network name"),
        ("kairos-testnet", "not a known x402 v1 network"),
    ] {
        assert_problem(
            &v1_with("network", Some(Value::from(network))),
            "network",
            needle,
        );
    }
    assert_eq!(
        v2_with("network", Some(json(r#""eip155:8453""#))).chain_id(),
        Some(8453)
    );
    assert_eq!(
        v2_with("network", Some(json(r#""eip155:08453""#))).chain_id(),
        None
    );
    assert_eq!(
        v1_with("network", Some(json(r#""base""#))).chain_id(),
        Some(8453)
    );
    assert_eq!(
        v1_with("network", Some(json(r#""celo""#))).chain_id(),
        Some(42220)
    );
    let sol = v1_with("network", Some(json(r#""solana-devnet""#)));
    assert_eq!(
        sol.caip2_network().as_deref(),
        Some("solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1")
    );
    assert_eq!(sol.chain_id(), None);
}

#[test]
fn eip712_domain_problems_for_exact_eip3009() {
    let extra = |e: &str| v2_with("extra", Some(json(e)));
    assert_problem(&extra(r#"{"version":"2"}"#), "extra.name", "is missing");
    assert_problem(&extra(r#"{"name":"USDC"}"#), "extra.version", "is missing");
    assert_problem(
        &extra(r#"{"name":"USDC","version":""}"#),
        "extra.version",
        "is empty",
    );
    assert_problem(
        &extra(r#"{"name":1,"version":"2"}"#),
        "extra.name",
        "must be a string",
    );
    assert_problem(&v2_with("extra", None), "extra.name", "is missing");
    // Not required for permit2, nor for other schemes.
    assert!(
        extra(r#"{"assetTransferMethod":"permit2"}"#)
            .problems
            .is_empty()
    );
    assert_eq!(
        extra(r#"{"assetTransferMethod":"permit2"}"#).transfer_method(),
        "permit2"
    );
    let mut raw = json(SPEC_V2_ACCEPTED_JSON);
    raw["scheme"] = json(r#""upto""#);
    raw["extra"] = json(r#"{"facilitatorAddress":"0x0000000000000000000000000000000000000001"}"#);
    assert!(Requirement::parse(0, &raw, 2).problems.is_empty());
}

#[test]
fn problems_display_as_one_clause() {
    let req = v2_with("amount", Some(json(r#""007""#)));
    assert_eq!(req.problems[0].to_string(), "amount has leading zeros");
}
