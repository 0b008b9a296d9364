//! The settlement receipt (`PAYMENT-RESPONSE` / `X-PAYMENT-RESPONSE`) decoder: whatever a
//! server puts there, no panic, and a decoded receipt still serialises (it goes into
//! `--receipt FILE` and the journal). A `success: false` receipt that names a transaction
//! (`settlement_pending`, or any other reason) keeps it, so `x402 get` reports the payment as
//! unconfirmed rather than "no money moved", and what it shows of the transaction and reason
//! stays on one line.
#![no_main]

use libfuzzer_sys::fuzz_target;
use x402::output::untrusted;
use x402::payment::receipt::{decode_settlement, find_settlement};

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

fuzz_target!(|data: &[u8]| {
    let value = String::from_utf8_lossy(data);
    if let Ok(settlement) = decode_settlement(&value) {
        serde_json::to_string(&settlement.raw).expect("receipt serialises");
        let sent = settlement.raw["transaction"]
            .as_str()
            .filter(|t| !t.is_empty());
        assert_eq!(
            settlement.transaction.as_deref(),
            sent,
            "the transaction is kept"
        );
        let shown = [
            settlement.transaction.as_deref(),
            settlement.error_reason.as_deref(),
            settlement.error_message.as_deref(),
        ];
        for text in shown.into_iter().flatten() {
            let line = untrusted(text);
            assert!(!line.is_empty() && !line.contains(['\n', '\r']));
        }
    }
    // Both header names, and the v2 one winning when both are present.
    let headers = vec![
        ("x-payment-response".to_string(), value.to_string()),
        ("Payment-Response".to_string(), value.to_string()),
    ];
    let a = find_settlement(&header_map(&headers)).map(|r| r.map(|s| s.raw));
    let b = decode_settlement(&value).map(|s| s.raw);
    match (a, b) {
        (Some(Ok(x)), Ok(y)) => assert_eq!(x, y),
        (Some(Err(_)), Err(_)) | (None, _) => {}
        (a, b) => panic!("find_settlement and decode_settlement disagree: {a:?} vs {b:?}"),
    }
});
