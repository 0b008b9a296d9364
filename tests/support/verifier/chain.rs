//! Settling on a local anvil chain, for the answers that move real money
//! ([`super::Answer::Unconfirmed`], [`super::Answer::TakeAndRefuse`]).

use super::*;
use alloy_primitives::U256;
use alloy_sol_types::sol;

sol! {
    function transferWithAuthorization(
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce,
        bytes signature
    ) external;
}

/// Sends the payment's `transferWithAuthorization` to the offer's chain from its relayer and
/// returns the transaction hash (anvil mines it at once). Panics when the chain refuses: the
/// test set this route up to settle.
pub(super) fn settle_on_chain(
    offer: &Offer,
    option: Option<usize>,
    document: Option<&Value>,
) -> String {
    use alloy_sol_types::SolCall as _;
    let chain = offer
        .chain
        .as_ref()
        .expect("a route that settles needs Offer::settle_on");
    let option = &offer.accepts[option.expect("a verified payment matched an option")];
    let doc = document.expect("a verified payment decoded");
    let auth = &doc["payload"]["authorization"];
    let text = |k: &str| auth[k].as_str().unwrap_or_default().to_string();
    let number = |k: &str| U256::from_str_radix(&text(k), 10).unwrap();
    let signature =
        alloy_primitives::hex::decode(doc["payload"]["signature"].as_str().unwrap()).unwrap();
    let call = transferWithAuthorizationCall {
        from: text("from").parse().unwrap(),
        to: text("to").parse().unwrap(),
        value: number("value"),
        validAfter: number("validAfter"),
        validBefore: number("validBefore"),
        nonce: text("nonce").parse().unwrap(),
        signature: signature.into(),
    };
    let tx = rpc_call(
        &chain.rpc_url,
        "eth_sendTransaction",
        json!([{
            "from": chain.relayer,
            "to": option["asset"],
            "data": format!("0x{}", alloy_primitives::hex::encode(call.abi_encode())),
        }]),
    );
    tx.as_str().expect("a transaction hash").to_string()
}

/// One blocking JSON-RPC call over a fresh HTTP/1.1 connection (the server's handlers are
/// synchronous; anvil on 127.0.0.1 answers in milliseconds).
pub fn rpc_call(url: &str, method: &str, params: Value) -> Value {
    use std::io::{Read as _, Write as _};
    let addr = url
        .strip_prefix("http://")
        .expect("an http:// RPC URL")
        .trim_end_matches('/');
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).to_string();
    let mut stream = std::net::TcpStream::connect(addr).expect("connect to the chain");
    write!(
        stream,
        "POST / HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\ncontent-length: \
         {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    let text = String::from_utf8_lossy(&answer);
    let (_, json_text) = text.split_once("\r\n\r\n").expect("an HTTP answer");
    let doc: Value = serde_json::from_str(json_text.trim())
        .unwrap_or_else(|e| panic!("{method}: not JSON ({e}): {json_text}"));
    assert!(
        doc.get("error").is_none_or(Value::is_null),
        "{method}: {}",
        doc["error"]
    );
    doc["result"].clone()
}
