//! What a Permit2 settlement leaves on the chain, read back: the token's `Transfer` events in a
//! receipt, the x402 proxy's `settle` / `settleWithPermit` calldata (which names the Permit2
//! nonce it spends), Permit2's `UnorderedNonceInvalidation` events, the block range a payment
//! could have settled in, and `eth_getLogs` over that range in pieces a node accepts.
//!
//! Permit2 emits no event when a signature-transfer nonce is used, so the transaction that
//! settled a payment is found by the token's `Transfer(payer, payTo, amount)` inside the
//! authorization's time window, and tied to the nonce by the proxy call that carried it.

use alloy_primitives::{Address, B256, U256, hex};
use alloy_sol_types::SolCall;
use serde_json::{Value, json};

use super::{EXACT_PROXY, PERMIT2_ADDRESS, UPTO_PROXY};
use crate::rpc::{Rpc, RpcError, TRANSFER_TOPIC, topic_address};

/// The external ABI of `x402ExactPermit2Proxy` that settles (`@x402/evm`
/// `x402ExactPermit2ProxyABI`). Struct names are ours; the selectors depend on the types only.
mod exact_abi {
    alloy_sol_types::sol! {
        struct TokenPermissions { address token; uint256 amount; }
        struct PermitTransferFrom { TokenPermissions permitted; uint256 nonce; uint256 deadline; }
        struct Witness { address to; uint256 validAfter; }
        struct EIP2612Permit { uint256 value; uint256 deadline; bytes32 r; bytes32 s; uint8 v; }
        function settle(PermitTransferFrom permit, address owner, Witness witness, bytes signature);
        function settleWithPermit(EIP2612Permit permit2612, PermitTransferFrom permit, address owner, Witness witness, bytes signature);
    }
}

/// `x402UptoPermit2Proxy`: the same with the amount settled and `witness.facilitator`.
mod upto_abi {
    alloy_sol_types::sol! {
        struct TokenPermissions { address token; uint256 amount; }
        struct PermitTransferFrom { TokenPermissions permitted; uint256 nonce; uint256 deadline; }
        struct Witness { address to; address facilitator; uint256 validAfter; }
        struct EIP2612Permit { uint256 value; uint256 deadline; bytes32 r; bytes32 s; uint8 v; }
        function settle(PermitTransferFrom permit, uint256 amount, address owner, Witness witness, bytes signature);
        function settleWithPermit(EIP2612Permit permit2612, PermitTransferFrom permit, uint256 amount, address owner, Witness witness, bytes signature);
    }
}

/// `keccak256("UnorderedNonceInvalidation(address,uint256,uint256)")`: Permit2's event for
/// `invalidateUnorderedNonces` (owner indexed; word and mask in the data).
pub fn nonce_invalidation_topic() -> B256 {
    alloy_primitives::keccak256("UnorderedNonceInvalidation(address,uint256,uint256)")
}

/// Which proxy a payment was signed for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// `exact`: exactly the signed amount, through [`EXACT_PROXY`].
    Exact,
    /// `upto`: at most the signed amount, through [`UPTO_PROXY`].
    Upto,
}

impl Scheme {
    /// `"exact"` or `"upto"`, as the journal and the wire spell it.
    pub fn parse(text: &str) -> Option<Scheme> {
        match text {
            "exact" => Some(Scheme::Exact),
            "upto" => Some(Scheme::Upto),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Exact => "exact",
            Scheme::Upto => "upto",
        }
    }

    /// The proxy a permit of this scheme names as spender.
    pub fn proxy(self) -> Address {
        match self {
            Scheme::Exact => EXACT_PROXY,
            Scheme::Upto => UPTO_PROXY,
        }
    }
}

impl From<super::Kind> for Scheme {
    fn from(kind: super::Kind) -> Self {
        match kind {
            super::Kind::Exact => Scheme::Exact,
            super::Kind::Upto { .. } => Scheme::Upto,
        }
    }
}

/// Permit2's position of a nonce in its bitmap: word `nonce >> 8`, bit `nonce & 0xff`
/// (`SignatureTransfer.bitmapPositions`).
pub fn nonce_position(nonce: U256) -> (U256, u8) {
    (nonce >> 8, (nonce & U256::from(0xff)).to::<u8>())
}

/// The mask with only `bit` set, as `invalidateUnorderedNonces(wordPos, mask)` takes it.
pub fn nonce_mask(bit: u8) -> U256 {
    U256::from(1u8) << usize::from(bit)
}

/// One ERC-20 `Transfer` event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transfer {
    pub token: Address,
    pub from: Address,
    pub to: Address,
    pub amount: U256,
}

fn word(v: Option<&Value>) -> Option<[u8; 32]> {
    let bytes = hex::decode(v?.as_str()?).ok()?;
    bytes.try_into().ok()
}

/// An address topic: 12 zero bytes, then the address; anything else is not one.
fn topic_to_address(w: [u8; 32]) -> Option<Address> {
    w[..12]
        .iter()
        .all(|b| *b == 0)
        .then(|| Address::from_slice(&w[12..]))
}

/// The ERC-20 `Transfer(from, to, value)` a log holds: three topics (an ERC-721 `Transfer`
/// has four), the value as 32 bytes of data. `None` for any other log.
pub fn transfer_of(log: &Value) -> Option<Transfer> {
    let topics = log.get("topics")?.as_array()?;
    if topics.len() != 3
        || !topics[0]
            .as_str()
            .is_some_and(|t| t.eq_ignore_ascii_case(TRANSFER_TOPIC))
    {
        return None;
    }
    Some(Transfer {
        token: log.get("address")?.as_str()?.parse().ok()?,
        from: topic_to_address(word(topics.get(1))?)?,
        to: topic_to_address(word(topics.get(2))?)?,
        amount: U256::from_be_bytes(word(log.get("data"))?),
    })
}

/// Every ERC-20 `Transfer` in a receipt, in log order.
pub fn transfers(receipt: &Value) -> Vec<Transfer> {
    receipt
        .get("logs")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(transfer_of)
        .collect()
}

/// Whether a log is Permit2's `UnorderedNonceInvalidation(owner, word, mask)` with `bit` of
/// `word` in its mask.
pub fn invalidates(log: &Value, owner: Address, nonce: U256) -> bool {
    let (word_pos, bit) = nonce_position(nonce);
    let Some(topics) = log.get("topics").and_then(Value::as_array) else {
        return false;
    };
    let from_permit2 = log
        .get("address")
        .and_then(Value::as_str)
        .and_then(|a| a.parse::<Address>().ok())
        == Some(PERMIT2_ADDRESS);
    let data = log
        .get("data")
        .and_then(Value::as_str)
        .and_then(|d| hex::decode(d).ok())
        .unwrap_or_default();
    from_permit2
        && topics.len() == 2
        && word(topics.first()) == Some(nonce_invalidation_topic().0)
        && word(topics.get(1)).and_then(topic_to_address) == Some(owner)
        && data.len() == 64
        && U256::from_be_slice(&data[..32]) == word_pos
        && U256::from_be_slice(&data[32..]).bit(usize::from(bit))
}

/// What an x402 proxy call says it settles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProxyCall {
    pub owner: Address,
    pub token: Address,
    /// The permitted (signed) amount.
    pub permitted: U256,
    pub nonce: U256,
    pub deadline: U256,
    /// `witness.to`.
    pub to: Address,
    /// What the call moves: the permitted amount (`exact`) or its `amount` argument (`upto`).
    pub amount: U256,
    pub with_permit: bool,
}

/// Decodes the calldata of a call to the `scheme`'s proxy (`settle` or `settleWithPermit`).
/// `None` for anything else.
pub fn decode_proxy_call(scheme: Scheme, input: &[u8]) -> Option<ProxyCall> {
    match scheme {
        Scheme::Exact => {
            let (permit, owner, to, with_permit) =
                if let Ok(c) = exact_abi::settleCall::abi_decode(input) {
                    (c.permit, c.owner, c.witness.to, false)
                } else {
                    let c = exact_abi::settleWithPermitCall::abi_decode(input).ok()?;
                    (c.permit, c.owner, c.witness.to, true)
                };
            Some(ProxyCall {
                owner,
                token: permit.permitted.token,
                permitted: permit.permitted.amount,
                nonce: permit.nonce,
                deadline: permit.deadline,
                to,
                amount: permit.permitted.amount,
                with_permit,
            })
        }
        Scheme::Upto => {
            let (permit, amount, owner, to, with_permit) =
                if let Ok(c) = upto_abi::settleCall::abi_decode(input) {
                    (c.permit, c.amount, c.owner, c.witness.to, false)
                } else {
                    let c = upto_abi::settleWithPermitCall::abi_decode(input).ok()?;
                    (c.permit, c.amount, c.owner, c.witness.to, true)
                };
            Some(ProxyCall {
                owner,
                token: permit.permitted.token,
                permitted: permit.permitted.amount,
                nonce: permit.nonce,
                deadline: permit.deadline,
                to,
                amount,
                with_permit,
            })
        }
    }
}

fn bad(url: &str, detail: String) -> RpcError {
    RpcError::BadResponse {
        url: crate::request::safe_url_text(url),
        detail,
    }
}

fn quantity_u64(url: &str, what: &str, v: Option<&Value>) -> Result<u64, RpcError> {
    v.and_then(Value::as_str)
        .and_then(|s| s.strip_prefix("0x"))
        .filter(|s| !s.is_empty())
        .and_then(|s| u64::from_str_radix(s, 16).ok())
        .ok_or_else(|| bad(url, format!("{what} is not a quantity: {v:?}")))
}

/// A block's number and timestamp (`None`: the latest).
pub async fn block_time(
    rpc: &Rpc<'_>,
    url: &str,
    number: Option<u64>,
) -> Result<(u64, u64), RpcError> {
    let tag = number.map_or_else(|| "latest".to_owned(), |n| format!("{n:#x}"));
    let block = rpc
        .call("eth_getBlockByNumber", json!([tag, false]))
        .await?;
    if block.is_null() {
        return Err(bad(url, format!("block {tag} is unknown")));
    }
    Ok((
        quantity_u64(url, "block number", block.get("number"))?,
        quantity_u64(url, "block timestamp", block.get("timestamp"))?,
    ))
}

/// The first block whose timestamp is at least `time`, between `lo` (whose timestamp is below
/// it) and `hi` (whose timestamp is not): interpolated guesses on the timestamps, alternating
/// with halving so the number of reads stays logarithmic whatever the block times are.
async fn first_block_at(
    rpc: &Rpc<'_>,
    url: &str,
    time: u64,
    (mut lo, mut lo_time): (u64, u64),
    (mut hi, mut hi_time): (u64, u64),
) -> Result<u64, RpcError> {
    let mut interpolate = true;
    while hi - lo > 1 {
        let guess = if interpolate && hi_time > lo_time {
            let span = u128::from(hi - lo) * u128::from(time.saturating_sub(lo_time))
                / u128::from(hi_time - lo_time);
            lo.saturating_add(u64::try_from(span).unwrap_or(u64::MAX))
        } else {
            lo + (hi - lo) / 2
        }
        .clamp(lo + 1, hi - 1);
        interpolate = !interpolate;
        let (_, t) = block_time(rpc, url, Some(guess)).await?;
        if t < time {
            (lo, lo_time) = (guess, t);
        } else {
            (hi, hi_time) = (guess, t);
        }
    }
    Ok(hi)
}

/// The blocks whose timestamps lie in `[from_time, to_time]`, as `(first, last)`; `None` when
/// no block does. `latest` is the latest block's `(number, timestamp)`.
pub async fn blocks_between(
    rpc: &Rpc<'_>,
    url: &str,
    from_time: u64,
    to_time: u64,
    latest: (u64, u64),
) -> Result<Option<(u64, u64)>, RpcError> {
    if from_time > to_time || latest.1 < from_time {
        return Ok(None);
    }
    let genesis = block_time(rpc, url, Some(0)).await?;
    if genesis.1 > to_time {
        return Ok(None);
    }
    let first = if genesis.1 >= from_time {
        0
    } else {
        first_block_at(rpc, url, from_time, genesis, latest).await?
    };
    let last = if latest.1 <= to_time {
        latest.0
    } else {
        // The first block after `to_time`, less one.
        let after = first_block_at(rpc, url, to_time.saturating_add(1), genesis, latest).await?;
        after - 1
    };
    Ok((first <= last).then_some((first, last)))
}

/// The most blocks asked for in one `eth_getLogs`; ranges a node refuses are halved.
pub const LOG_SPAN: u64 = 2_000;
/// The most `eth_getLogs` calls one search makes before it gives up.
pub const MAX_LOG_CALLS: usize = 64;

/// `eth_getLogs` of `address` with `topics` over blocks `first..=last`, asked in pieces of at
/// most [`LOG_SPAN`] blocks; a piece the node refuses with a JSON-RPC error (a range or
/// result-count limit) is asked again in halves, down to one block. Any other failure, and a
/// search that would take more than [`MAX_LOG_CALLS`] calls, is an error: a search that could
/// not look everywhere never reads as "nothing found".
pub async fn get_logs(
    rpc: &Rpc<'_>,
    url: &str,
    address: Address,
    topics: Value,
    (first, last): (u64, u64),
) -> Result<Vec<Value>, RpcError> {
    let mut logs = Vec::new();
    let mut span = LOG_SPAN;
    let mut start = first;
    let mut calls = 0;
    while start <= last {
        calls += 1;
        if calls > MAX_LOG_CALLS {
            return Err(bad(
                url,
                format!(
                    "eth_getLogs over blocks {first}..{last} needs more than {MAX_LOG_CALLS} \
                     calls (stopped at block {start})"
                ),
            ));
        }
        let end = last.min(start.saturating_add(span - 1));
        let filter = json!([{
            "address": address.to_checksum(None),
            "fromBlock": format!("{start:#x}"),
            "toBlock": format!("{end:#x}"),
            "topics": topics,
        }]);
        match rpc.call("eth_getLogs", filter).await {
            Ok(Value::Array(found)) => {
                logs.extend(found);
                start = end + 1;
            }
            Ok(other) => return Err(bad(url, format!("eth_getLogs answered {other}"))),
            // "method not found" is not a range limit.
            Err(RpcError::JsonRpc { code, .. }) if code != -32601 && span > 1 => {
                span = (span / 2).max(1);
            }
            Err(e) => return Err(e),
        }
    }
    Ok(logs)
}

/// The token's `Transfer(from, to, ·)` logs in `blocks`.
pub async fn transfer_logs(
    rpc: &Rpc<'_>,
    url: &str,
    token: Address,
    from: Address,
    to: Address,
    blocks: (u64, u64),
) -> Result<Vec<Value>, RpcError> {
    let topics = json!([TRANSFER_TOPIC, topic_address(from), topic_address(to)]);
    get_logs(rpc, url, token, topics, blocks).await
}

/// Permit2's `UnorderedNonceInvalidation(owner, ·, ·)` logs in `blocks`.
pub async fn invalidation_logs(
    rpc: &Rpc<'_>,
    url: &str,
    owner: Address,
    blocks: (u64, u64),
) -> Result<Vec<Value>, RpcError> {
    let topics = json!([
        format!("{:#x}", nonce_invalidation_topic()),
        topic_address(owner)
    ]);
    get_logs(rpc, url, PERMIT2_ADDRESS, topics, blocks).await
}

/// A log's transaction hash.
pub fn log_transaction(log: &Value) -> Option<B256> {
    log.get("transactionHash")?.as_str()?.parse().ok()
}

/// The `to` and input of a transaction, when the node knows it.
pub async fn transaction_call(
    rpc: &Rpc<'_>,
    hash: B256,
) -> Result<Option<(Option<Address>, Vec<u8>)>, RpcError> {
    let tx = rpc
        .call("eth_getTransactionByHash", json!([format!("{hash:#x}")]))
        .await?;
    if tx.is_null() {
        return Ok(None);
    }
    let to = tx
        .get("to")
        .and_then(Value::as_str)
        .and_then(|a| a.parse().ok());
    let input = tx
        .get("input")
        .or_else(|| tx.get("data"))
        .and_then(Value::as_str)
        .and_then(|d| hex::decode(d).ok())
        .unwrap_or_default();
    Ok(Some((to, input)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn topic(a: Address) -> String {
        topic_address(a)
    }

    #[test]
    fn nonce_positions_are_permit2s() {
        assert_eq!(nonce_position(U256::ZERO), (U256::ZERO, 0));
        assert_eq!(nonce_position(U256::from(255u64)), (U256::ZERO, 255));
        assert_eq!(nonce_position(U256::from(256u64)), (U256::from(1u8), 0));
        assert_eq!(
            nonce_position(U256::from(0x1234u64)),
            (U256::from(0x12u8), 0x34)
        );
        // The largest nonce: the last bit of word 2^248 - 1.
        assert_eq!(
            nonce_position(U256::MAX),
            ((U256::from(1u8) << 248) - U256::from(1u8), 255)
        );
        assert_eq!(nonce_mask(0), U256::from(1u8));
        assert_eq!(nonce_mask(255), U256::from(1u8) << 255);
        assert!(nonce_mask(0x34).bit(0x34));
    }

    #[test]
    fn only_erc20_transfers_are_read() {
        let token = Address::repeat_byte(0x11);
        let (from, to) = (Address::repeat_byte(0x22), Address::repeat_byte(0x33));
        let amount = format!("0x{:064x}", 1_250u64);
        let good = json!({
            "address": format!("{token:#x}"),
            "topics": [TRANSFER_TOPIC.to_uppercase().replace("0X", "0x"), topic(from), topic(to)],
            "data": amount,
        });
        assert_eq!(
            transfer_of(&good),
            Some(Transfer {
                token,
                from,
                to,
                amount: U256::from(1_250u64)
            })
        );
        let mut nft = good.clone();
        nft["topics"]
            .as_array_mut()
            .unwrap()
            .push(json!(format!("0x{:064x}", 7)));
        let mut approval = good.clone();
        approval["topics"][0] = json!(format!(
            "{:#x}",
            alloy_primitives::keccak256("Approval(address,address,uint256)")
        ));
        let mut short_data = good.clone();
        short_data["data"] = json!("0x04e2");
        let mut dirty_topic = good.clone();
        dirty_topic["topics"][1] = json!(format!("0x01{}", &topic(from)[4..]));
        for bad in [nft, approval, short_data, dirty_topic] {
            assert_eq!(transfer_of(&bad), None, "{bad}");
        }
        let receipt = json!({"logs": [good, {"address": "0x00", "topics": []}]});
        assert_eq!(transfers(&receipt).len(), 1);
        assert!(transfers(&json!({"status": "0x1"})).is_empty());
    }

    #[test]
    fn invalidation_events_name_the_owner_word_and_bit() {
        let owner = Address::repeat_byte(0x22);
        let nonce = U256::from(0x1234u64);
        let log = |address: Address, who: Address, word: u64, mask: U256| {
            json!({
                "address": format!("{address:#x}"),
                "topics": [format!("{:#x}", nonce_invalidation_topic()), topic(who)],
                "data": format!("0x{:064x}{:064x}", U256::from(word), mask),
            })
        };
        assert!(invalidates(
            &log(
                PERMIT2_ADDRESS,
                owner,
                0x12,
                nonce_mask(0x34) | U256::from(1u8)
            ),
            owner,
            nonce
        ));
        for bad in [
            log(PERMIT2_ADDRESS, owner, 0x12, nonce_mask(0x35)),
            log(PERMIT2_ADDRESS, owner, 0x13, nonce_mask(0x34)),
            log(
                PERMIT2_ADDRESS,
                Address::repeat_byte(9),
                0x12,
                nonce_mask(0x34),
            ),
            log(Address::repeat_byte(7), owner, 0x12, nonce_mask(0x34)),
        ] {
            assert!(!invalidates(&bad, owner, nonce), "{bad}");
        }
        assert_eq!(
            format!("{:#x}", nonce_invalidation_topic()),
            "0x3704902f963766a4e561bbaab6e6cdc1b1dd12f6e9e99648da8843b3f46b918d"
        );
    }

    #[test]
    fn proxy_calls_decode_with_their_nonce_and_amount() {
        let owner = Address::repeat_byte(0x22);
        let permit = |nonce| exact_abi::PermitTransferFrom {
            permitted: exact_abi::TokenPermissions {
                token: Address::repeat_byte(0x11),
                amount: U256::from(1_000u64),
            },
            nonce,
            deadline: U256::from(99u8),
        };
        let exact = exact_abi::settleCall {
            permit: permit(U256::from(5u8)),
            owner,
            witness: exact_abi::Witness {
                to: Address::repeat_byte(0x33),
                validAfter: U256::ZERO,
            },
            signature: vec![1u8; 65].into(),
        }
        .abi_encode();
        let c = decode_proxy_call(Scheme::Exact, &exact).unwrap();
        assert_eq!(
            (c.owner, c.nonce, c.amount, c.to, c.with_permit),
            (
                owner,
                U256::from(5u8),
                U256::from(1_000u64),
                Address::repeat_byte(0x33),
                false
            )
        );
        // An exact call is not an upto call, and junk is neither.
        assert_eq!(decode_proxy_call(Scheme::Upto, &exact), None);
        assert_eq!(decode_proxy_call(Scheme::Exact, &[0xde, 0xad]), None);

        let upto = upto_abi::settleWithPermitCall {
            permit2612: upto_abi::EIP2612Permit {
                value: U256::from(2_000u64),
                deadline: U256::from(99u8),
                r: B256::ZERO,
                s: B256::ZERO,
                v: 27,
            },
            permit: upto_abi::PermitTransferFrom {
                permitted: upto_abi::TokenPermissions {
                    token: Address::repeat_byte(0x11),
                    amount: U256::from(2_000u64),
                },
                nonce: U256::MAX,
                deadline: U256::from(99u8),
            },
            amount: U256::from(1_250u64),
            owner,
            witness: upto_abi::Witness {
                to: Address::repeat_byte(0x33),
                facilitator: Address::repeat_byte(0x44),
                validAfter: U256::ZERO,
            },
            signature: vec![1u8; 65].into(),
        }
        .abi_encode();
        let c = decode_proxy_call(Scheme::Upto, &upto).unwrap();
        assert_eq!(
            (c.nonce, c.permitted, c.amount, c.with_permit),
            (U256::MAX, U256::from(2_000u64), U256::from(1_250u64), true)
        );
        // The selectors are those of @x402/evm's ABIs (`cast sig`).
        assert_eq!(exact[..4], [0x13, 0xcd, 0x3b, 0x53]);
        assert_eq!(
            exact[..4],
            alloy_primitives::keccak256(
                "settle(((address,uint256),uint256,uint256),address,(address,uint256),bytes)"
            )[..4]
        );
        assert_eq!(
            upto[..4],
            alloy_primitives::keccak256(
                "settleWithPermit((uint256,uint256,bytes32,bytes32,uint8),((address,uint256),\
                 uint256,uint256),uint256,address,(address,address,uint256),bytes)"
            )[..4]
        );
    }

    /// A scripted node: block `n` has timestamp `1000 + 2n` up to block 10 000; `eth_getLogs`
    /// refuses more than `limit` blocks (error -32005 as public nodes answer) and answers one
    /// log per block asked; every call is recorded.
    async fn node(limit: u64, logs_error: Option<i64>) -> (String, Arc<Mutex<Vec<Value>>>) {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        let app = axum::Router::new().route(
            "/",
            axum::routing::post(move |axum::Json(req): axum::Json<Value>| {
                let log = log.clone();
                async move {
                    log.lock().unwrap().push(req.clone());
                    let num = |v: &Value| {
                        u64::from_str_radix(v.as_str().unwrap().trim_start_matches("0x"), 16)
                            .unwrap()
                    };
                    let error = |code: i64, message: &str| {
                        axum::Json(json!({"jsonrpc": "2.0", "id": 1,
                            "error": {"code": code, "message": message}}))
                    };
                    let result = match req["method"].as_str().unwrap() {
                        "eth_getBlockByNumber" => {
                            let n = match req["params"][0].as_str().unwrap() {
                                "latest" => 10_000,
                                _ => num(&req["params"][0]),
                            };
                            json!({"number": format!("{n:#x}"),
                                   "timestamp": format!("{:#x}", 1000 + 2 * n)})
                        }
                        "eth_getLogs" => {
                            if let Some(code) = logs_error {
                                return error(code, "no");
                            }
                            let (a, b) = (
                                num(&req["params"][0]["fromBlock"]),
                                num(&req["params"][0]["toBlock"]),
                            );
                            if b - a + 1 > limit {
                                return error(-32005, "query exceeds max block range");
                            }
                            json!(
                                (a..=b)
                                    .map(|n| json!({"blockNumber": format!("{n:#x}")}))
                                    .collect::<Vec<_>>()
                            )
                        }
                        _ => Value::Null,
                    };
                    axum::Json(json!({"jsonrpc": "2.0", "id": 1, "result": result}))
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        (url, seen)
    }

    use std::sync::{Arc, Mutex};

    fn calls(seen: &Mutex<Vec<Value>>, method: &str) -> Vec<Value> {
        seen.lock()
            .unwrap()
            .iter()
            .filter(|r| r["method"] == method)
            .cloned()
            .collect()
    }

    #[tokio::test]
    async fn the_time_window_becomes_blocks_in_few_reads() {
        let (url, seen) = node(u64::MAX, None).await;
        let client = crate::http::client(&Default::default()).unwrap();
        let rpc = Rpc::new(&client, &url);
        let latest = block_time(&rpc, &url, None).await.unwrap();
        assert_eq!(latest, (10_000, 21_000));
        // Timestamps between blocks round inwards.
        let found = blocks_between(&rpc, &url, 1000 + 2 * 1234 - 1, 1000 + 2 * 5678 + 1, latest)
            .await
            .unwrap();
        assert_eq!(found, Some((1234, 5678)));
        assert!(
            calls(&seen, "eth_getBlockByNumber").len() < 40,
            "{} reads",
            calls(&seen, "eth_getBlockByNumber").len()
        );
        // Up to the latest block; before genesis; after the latest; an empty window.
        assert_eq!(
            blocks_between(&rpc, &url, 20_000, u64::MAX, latest)
                .await
                .unwrap(),
            Some((9_500, 10_000))
        );
        assert_eq!(
            blocks_between(&rpc, &url, 0, 1_001, latest).await.unwrap(),
            Some((0, 0))
        );
        assert_eq!(
            blocks_between(&rpc, &url, 0, 999, latest).await.unwrap(),
            None
        );
        assert_eq!(
            blocks_between(&rpc, &url, 21_001, 30_000, latest)
                .await
                .unwrap(),
            None
        );
        assert_eq!(
            blocks_between(&rpc, &url, 1_003, 1_003, latest)
                .await
                .unwrap(),
            None
        );
    }

    #[tokio::test]
    async fn logs_are_asked_in_ranges_the_node_accepts_and_cover_every_block() {
        let (url, seen) = node(300, None).await;
        let client = crate::http::client(&Default::default()).unwrap();
        let rpc = Rpc::new(&client, &url);
        let logs = get_logs(&rpc, &url, PERMIT2_ADDRESS, json!([]), (1_000, 4_321))
            .await
            .unwrap();
        let blocks: Vec<u64> = logs
            .iter()
            .map(|l| u64::from_str_radix(&l["blockNumber"].as_str().unwrap()[2..], 16).unwrap())
            .collect();
        assert_eq!(blocks, (1_000..=4_321).collect::<Vec<_>>());
        let asked = calls(&seen, "eth_getLogs");
        assert!(asked.len() < 20, "{} calls", asked.len());
        assert_eq!(asked[0]["params"][0]["fromBlock"], "0x3e8");
        assert_eq!(
            asked[0]["params"][0]["address"],
            PERMIT2_ADDRESS.to_checksum(None)
        );

        // A node without eth_getLogs is an error at once, not a search that found nothing.
        let (url, seen) = node(300, Some(-32601)).await;
        let rpc = Rpc::new(&client, &url);
        assert!(
            get_logs(&rpc, &url, PERMIT2_ADDRESS, json!([]), (1, 2))
                .await
                .is_err()
        );
        assert_eq!(calls(&seen, "eth_getLogs").len(), 1);
        // One that refuses every range gives up after halving to one block.
        let (url, seen) = node(300, Some(-32000)).await;
        let rpc = Rpc::new(&client, &url);
        assert!(
            get_logs(&rpc, &url, PERMIT2_ADDRESS, json!([]), (1, 5_000))
                .await
                .is_err()
        );
        // 2000, 1000, 500, 250, 125, 62, 31, 15, 7, 3, 1 blocks.
        assert_eq!(calls(&seen, "eth_getLogs").len(), 11);
        // A range too long to search within the bound of calls.
        let (url, _) = node(1, None).await;
        let rpc = Rpc::new(&client, &url);
        let e = get_logs(&rpc, &url, PERMIT2_ADDRESS, json!([]), (1, 1_000))
            .await
            .unwrap_err();
        assert!(e.to_string().contains("more than 64 calls"), "{e}");
    }
}
