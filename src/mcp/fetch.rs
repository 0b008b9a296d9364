//! The `fetch` tool: a request sent like `x402 get URL`, a 402 answered through the payment
//! engine within this server's limits, and the answer given back to the agent as
//! `{status, headers, body, payment}`.
//!
//! * The call: `{url, method?, headers?, body?, max_amount?, network?}` ([`FetchCall`]); the
//!   request is prepared as `inspect`'s is (`tools::prepare`, the same preparation `get`
//!   uses). `max_amount` lowers this server's per-payment cap for the call, never raises it;
//!   `network` pays only on that network.
//! * The answer ([`Answer`]): the final response's status and headers, its body as UTF-8 text,
//!   or base64 (`encoding: "base64"`) when it is not text, cut at [`MAX_BODY`] bytes
//!   (`truncated: true`; the rest is never read), and `payment`: the document `x402 get
//!   --receipt` writes, or `null` when no payment was asked for.
//!
//! Redirects are not followed: a 3xx is the answer (its `location` header says where to go),
//! so one call answers at most one 402 and never pays twice.

use super::agent::Agent;
use super::server::State;
use super::tools::{self, RequestCall};
use crate::amount::UserAmount;
use crate::journal::Journal;
use crate::network::NetworkQuery;
use crate::payment::engine::{Engine, Outcome, Receipt};
use crate::request::{Received, SafeUrl};
use crate::trace;
use alloy_primitives::U256;
use anyhow::{Context as _, Result};
use base64::Engine as _;
use rmcp::model::CallToolResult;
use rmcp::model::{Tool, ToolAnnotations};
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

pub const FETCH: &str = "fetch";

/// The most of a body given back: 256 KiB. What is beyond it is never read.
pub const MAX_BODY: usize = 256 * 1024;

/// The tool and its input schema.
pub fn tool() -> Tool {
    let mut properties = tools::request_properties();
    properties.extend(tools::schema(json!({
        "max_amount": {
            "type": "string",
            "description": "Most to pay for this call, in token units (0.05, $0.05, \
                            0.05usdc); only lowers this server's per-payment cap, never \
                            raises it"
        },
        "network": {
            "type": "string",
            "description": "Pay only on this network (name or CAIP-2 id) [default: the \
                            server's preferred networks]"
        }
    })));
    let schema = tools::schema(json!({
        "type": "object",
        "properties": properties,
        "required": ["url"],
        "additionalProperties": false
    }));
    Tool::new(
        FETCH,
        "Fetch a URL like curl and, when it answers HTTP 402 with x402 terms, pay it within this \
         server's limits (per-payment cap, daily budget, session budget) from the unlocked \
         wallet: every payment is journaled before it is sent and never made twice. Returns \
         {status, headers, body, payment}: the body as text (base64 when binary, cut at 256 \
         KiB), and payment as the receipt (what was paid, to whom, on which network, the \
         transaction), null when the resource was free. A payment over a limit is not made: \
         the result is an error that says which limit and by how much.",
        schema,
    )
    .with_annotations(
        ToolAnnotations::new()
            .read_only(false)
            .destructive(false)
            .idempotent(false)
            .open_world(true),
    )
}

/// `fetch` arguments. A missing `url`, an unknown argument, or a `max_amount` that is not an
/// amount is an invalid-params error, before anything is sent.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FetchCall {
    pub url: String,
    pub method: Option<String>,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    pub body: Option<String>,
    #[serde(default, deserialize_with = "amount")]
    pub max_amount: Option<UserAmount>,
    pub network: Option<String>,
}

fn amount<'de, D: Deserializer<'de>>(d: D) -> Result<Option<UserAmount>, D::Error> {
    let text = String::deserialize(d)?;
    text.parse()
        .map(Some)
        .map_err(|e| serde::de::Error::custom(format!("max_amount: {e}")))
}

impl FetchCall {
    pub fn request(&self) -> RequestCall<'_> {
        RequestCall {
            url: &self.url,
            method: self.method.as_deref(),
            headers: &self.headers,
            body: self.body.as_deref(),
        }
    }
}

/// A body as given back: text, or base64 when it is not UTF-8.
#[derive(Debug, PartialEq, Eq)]
pub struct Body {
    pub text: String,
    pub base64: bool,
    /// Cut at [`MAX_BODY`].
    pub truncated: bool,
    /// The bytes given back (before base64).
    pub len: usize,
}

impl Body {
    /// `bytes` (the first bytes of a body; `cut` when more followed) as given back: at most
    /// [`MAX_BODY`] bytes; UTF-8 text as it is (a character that the cut split is left out),
    /// anything else as base64.
    pub fn of(bytes: &[u8], cut: bool) -> Body {
        let truncated = cut || bytes.len() > MAX_BODY;
        let bytes = &bytes[..bytes.len().min(MAX_BODY)];
        let text = match std::str::from_utf8(bytes) {
            Ok(text) => Some(text),
            // Only the last character is incomplete, and only because the body was cut.
            Err(e) if truncated && e.error_len().is_none() => {
                Some(std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default())
            }
            Err(_) => None,
        };
        match text {
            Some(text) => Body {
                text: text.to_owned(),
                base64: false,
                truncated,
                len: text.len(),
            },
            None => Body {
                text: base64::engine::general_purpose::STANDARD.encode(bytes),
                base64: true,
                truncated,
                len: bytes.len(),
            },
        }
    }

    /// Reads what is left of `resp`'s body, up to [`MAX_BODY`] bytes in all.
    pub async fn read(resp: &mut Received) -> Result<Body> {
        let cut = resp.read_rest_within(MAX_BODY).await?;
        Ok(Body::of(&resp.body, cut))
    }

    /// In words, for the summary: `1234 bytes of text`, `… (cut at 256 KiB)`.
    pub fn describe(&self) -> String {
        let what = if self.base64 {
            "binary, as base64"
        } else {
            "text"
        };
        let cut = if self.truncated {
            " (cut at 256 KiB)"
        } else {
            ""
        };
        format!("body: {} bytes of {what}{cut}", self.len)
    }
}

/// The response headers as an object; a header sent several times is one value, its values
/// joined by `, ` as HTTP allows.
pub fn headers(received: &reqwest::header::HeaderMap) -> Map<String, Value> {
    let mut out: Map<String, Value> = Map::new();
    for (name, value) in received {
        let value = crate::http::header_text(value);
        match out.get_mut(name.as_str()) {
            Some(Value::String(v)) => {
                v.push_str(", ");
                v.push_str(&value);
            }
            _ => {
                out.insert(name.to_string(), Value::String(value.into_owned()));
            }
        }
    }
    out
}

/// The result document: `{status, headers, body, encoding, truncated, payment}`, of the
/// response (`None` when none came back).
pub fn document(response: Option<&Received>, body: &Body, payment: Value) -> Value {
    json!({
        "status": response.map(|r| r.status),
        "headers": response.map(|r| headers(&r.headers)).unwrap_or_default(),
        "body": body.text,
        "encoding": if body.base64 { "base64" } else { "utf-8" },
        "truncated": body.truncated,
        "payment": payment,
    })
}

/// Runs a `fetch` call: every failure before a payment is signed is a tool error that says
/// nothing was paid; a payment's result says what became of it.
pub async fn fetch(state: &State, call: FetchCall) -> CallToolResult {
    tools::done(run(state, &call).await)
}

async fn run(state: &State, call: &FetchCall) -> Result<CallToolResult> {
    let ctx = &state.ctx;
    let prepared = tools::prepare(&call.request())?.prepare()?;
    let network = call
        .network
        .as_deref()
        .map(NetworkQuery::parse_named)
        .transpose()?;
    let preferred = crate::settings::preferred_networks(ctx, network.as_slice())?;
    let settings = state.limits.settings(preferred, call.network.is_some());
    let hop = prepared.first_hop();
    trace::request(ctx.printer, &hop, None, None);
    let mut resp = prepared
        .send_hop(&hop, None)
        .await
        .with_context(|| format!("request to {} failed", SafeUrl(&hop.url)))?;
    trace::response(ctx.printer, &hop.url, &resp);
    if resp.status != 402 {
        let body = Body::read(&mut resp).await?;
        let summary = format!(
            "HTTP {} {} from {}: no payment was asked for; {}.",
            resp.status,
            resp.reason,
            SafeUrl(&hop.url),
            body.describe()
        );
        let doc = document(Some(&resp), &body, Value::Null);
        return Ok(tools::answer_with(summary, doc, false));
    }
    // One payment at a time: the session budget is checked and charged with nothing paid in
    // between.
    let mut session = state.session.lock().await;
    let journal = Journal::new(&ctx.paths.home);
    let (outcome, facts) = {
        let mut agent = Agent {
            limits: &state.limits,
            tool_max: call.max_amount.as_ref(),
            session: &session,
        };
        let mut engine = Engine::new(
            ctx.printer,
            &ctx.networks,
            &journal,
            &settings,
            &mut agent,
            &state.wallet,
        );
        let outcome = engine.pay(&prepared, &hop, &resp).await;
        (outcome, engine.facts().clone())
    };
    // Signed: it counts, unless what became of it shows it moved nothing; what the
    // settlement says was charged when it says (`upto`), else all that was signed for.
    if facts.nonce.is_some()
        && outcome.as_ref().map_or(true, may_have_moved)
        && let Some(quote) = &facts.quote
    {
        let charged = outcome.as_ref().ok().and_then(Outcome::charged);
        session.charge(quote, charged.unwrap_or(quote.amount));
    }
    drop(session);
    let outcome = outcome?;
    let mut receipt = Receipt {
        facts,
        ..Receipt::default()
    };
    receipt.record(&outcome);
    render(state, call, resp, outcome, &receipt).await
}

/// Whether a signed payment may have moved money, as the journal counts it for the daily
/// budget (settled, pending, unknown): not when it was refused or never delivered.
fn may_have_moved(outcome: &Outcome) -> bool {
    !matches!(
        outcome,
        Outcome::Refused(_)
            | Outcome::Rejected { .. }
            | Outcome::NotSettled { .. }
            | Outcome::Unsent { .. }
            | Outcome::DryRun
    )
}

/// The result of a call that met a 402 (`unpaid`), given what the engine answered.
async fn render(
    state: &State,
    call: &FetchCall,
    unpaid: Received,
    outcome: Outcome,
    receipt: &Receipt,
) -> Result<CallToolResult> {
    let payment = receipt.to_json();
    let what = paid_what(receipt, outcome.charged());
    Ok(match outcome {
        Outcome::Paid { mut response, .. } => {
            let tx = receipt.transaction.as_deref().unwrap_or("not named");
            let link = receipt
                .facts
                .quote
                .as_ref()
                .zip(receipt.transaction.as_deref())
                .and_then(|(q, tx)| q.network.explorer_link(tx))
                .map(|l| format!(" ({l})"))
                .unwrap_or_default();
            let said = format!("Paid {what}, transaction {tx}{link}.");
            deliver(&mut response, payment, said, None).await
        }
        Outcome::NotSettled {
            mut response,
            reason,
        } => {
            let said = format!(
                "The server says the payment of {what} did not settle ({reason}); recorded as \
                 rejected."
            );
            deliver(&mut response, payment, said, None).await
        }
        Outcome::NoReceipt { mut response } => {
            let said = format!(
                "A payment of {what} was sent and the answer has no settlement receipt: whether \
                 money moved is not known yet (the history tool, or `x402 history check`, tells \
                 later)."
            );
            deliver(&mut response, payment, said, None).await
        }
        Outcome::Refused(refusal) => {
            let quote = receipt.facts.quote.as_ref();
            let refusal = state
                .limits
                .refusal_document(&refusal, quote, call.max_amount.as_ref());
            let summary = format!(
                "Not paid: {}.",
                refusal["message"].as_str().unwrap_or("refused")
            );
            let body = Body::of(&unpaid.body, false);
            let mut doc = document(Some(&unpaid), &body, payment);
            doc["refusal"] = refusal;
            tools::answer_with(summary, doc, true)
        }
        Outcome::Rejected {
            message, response, ..
        }
        | Outcome::Unknown {
            message, response, ..
        } => match response {
            Some(mut response) => {
                deliver(&mut response, payment, sentence(&message), Some(message)).await
            }
            None => failed_after_signing(payment, message),
        },
        Outcome::Unsent { message, .. } => failed_after_signing(payment, message),
        Outcome::DryRun => anyhow::bail!("the payment engine was asked for a dry run"),
    })
}

/// The answer to a paid request, given back with what was `said` of the payment: an error
/// result when `error` says the payment failed or its outcome is unknown, or when the body
/// could not be read to its end (what came is given back, `truncated`).
async fn deliver(
    response: &mut Received,
    payment: Value,
    said: String,
    error: Option<String>,
) -> CallToolResult {
    let (body, cut) = match Body::read(response).await {
        Ok(body) => (body, None),
        Err(e) => (
            Body::of(&response.body, true),
            Some(format!("the answer was cut short: {e:#}")),
        ),
    };
    let summary = format!(
        "{said} HTTP {} {}; {}{}.",
        response.status,
        response.reason,
        body.describe(),
        cut.as_ref().map(|c| format!("; {c}")).unwrap_or_default()
    );
    let mut doc = document(Some(response), &body, payment);
    let is_error = error.is_some() || cut.is_some();
    if let Some(error) = error.or(cut) {
        doc["error"] = Value::String(error);
    }
    tools::answer_with(summary, doc, is_error)
}

/// A signed payment with no answer to give back (never delivered, or no answer came): the
/// error, and the payment as the journal records it.
fn failed_after_signing(payment: Value, message: String) -> CallToolResult {
    let mut doc = document(None, &Body::of(&[], false), payment);
    doc["error"] = Value::String(message.clone());
    tools::answer_with(sentence(&message), doc, true)
}

/// A message as a sentence: its full stop added unless it has one.
fn sentence(message: &str) -> String {
    if message.ends_with(['.', '!', '?']) {
        message.to_owned()
    } else {
        format!("{message}.")
    }
}

/// `0.001 USDC to 0x… on base-sepolia (eip155:84532)`, from the receipt's quote; of a
/// maximum (`upto`), what was `charged` of it when known (`0.00125 USDC of up to 0.002 USDC`).
fn paid_what(receipt: &Receipt, charged: Option<U256>) -> String {
    let Some(q) = &receipt.facts.quote else {
        return "an unknown amount".to_owned();
    };
    let price = q.cost_words(charged);
    format!(
        "{price} to {} on {} ({})",
        q.pay_to,
        q.network.name(),
        q.network.caip2()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_names_the_documented_arguments() {
        let tool = tool();
        assert_eq!(tool.name, FETCH);
        let mut props: Vec<&String> = tool.input_schema["properties"]
            .as_object()
            .unwrap()
            .keys()
            .collect();
        props.sort();
        assert_eq!(
            props,
            ["body", "headers", "max_amount", "method", "network", "url"]
        );
        assert_eq!(tool.input_schema["required"], json!(["url"]));
        assert_eq!(tool.input_schema["additionalProperties"], false);
    }

    #[test]
    fn calls_outside_the_schema_are_refused() {
        for bad in [
            json!({}),
            json!({"url": 1}),
            json!({"url": "http://h/", "max_amount": "lots"}),
            json!({"url": "http://h/", "max_amount": 0.05}),
            json!({"url": "http://h/", "max_amount": "100000"}),
            json!({"url": "http://h/", "amount": "0.05"}),
            json!({"url": "http://h/", "headers": ["a"]}),
        ] {
            assert!(
                serde_json::from_value::<FetchCall>(bad.clone()).is_err(),
                "{bad}"
            );
        }
        let call: FetchCall = serde_json::from_value(json!({
            "url": "http://127.0.0.1:9/x",
            "max_amount": "$0.005",
            "network": "base-sepolia",
            "body": "a=1",
        }))
        .unwrap();
        let cap = call.max_amount.clone().unwrap().to_base_units(6).unwrap();
        assert_eq!(cap, alloy_primitives::U256::from(5000));
        assert_eq!(call.network.as_deref(), Some("base-sepolia"));
        let prepared = super::super::tools::prepare(&call.request())
            .unwrap()
            .prepare()
            .unwrap();
        assert_eq!(prepared.method, reqwest::Method::POST);
        assert_eq!(
            prepared.headers["content-type"],
            "application/x-www-form-urlencoded"
        );
        assert_eq!(prepared.body.as_deref(), Some(&b"a=1"[..]));
    }

    #[test]
    fn text_is_given_as_text_and_cut_at_256_kib() {
        let body = Body::of("héllo".as_bytes(), false);
        assert_eq!(
            body,
            Body {
                text: "héllo".into(),
                base64: false,
                truncated: false,
                len: 6,
            }
        );
        assert_eq!(Body::of(b"", false).text, "");
        // Exactly 256 KiB is whole; one byte more is cut.
        let full = vec![b'a'; MAX_BODY];
        assert!(!Body::of(&full, false).truncated);
        let mut more = full.clone();
        more.push(b'b');
        let cut = Body::of(&more, false);
        assert!(cut.truncated);
        assert_eq!(cut.len, MAX_BODY);
        assert!(!cut.text.contains('b'));
        // A character split by the cut is left out; the text stays text.
        let mut split = vec![b'a'; MAX_BODY - 1];
        split.extend("é".as_bytes());
        let cut = Body::of(&split, false);
        assert!(!cut.base64 && cut.truncated);
        assert_eq!(cut.len, MAX_BODY - 1);
        // Cut by the reader: said so even when what was read is short.
        assert!(Body::of(b"abc", true).truncated);
    }

    #[test]
    fn binary_is_given_as_base64() {
        let body = Body::of(&[0xff, 0x00, 0x80], false);
        assert!(body.base64);
        assert_eq!(body.text, "/wCA");
        assert_eq!(body.len, 3);
        let doc = document(None, &body, Value::Null);
        assert_eq!(doc["encoding"], "base64");
        assert_eq!(doc["truncated"], false);
        assert_eq!(doc["payment"], Value::Null);
        let big = vec![0xffu8; MAX_BODY + 10];
        let body = Body::of(&big, false);
        assert!(body.base64 && body.truncated);
        assert_eq!(body.len, MAX_BODY);
    }

    #[test]
    fn headers_sent_twice_are_one_value() {
        let mut map = reqwest::header::HeaderMap::new();
        map.append("content-type", "text/plain".parse().unwrap());
        map.append("vary", "accept".parse().unwrap());
        map.append("vary", "origin".parse().unwrap());
        let doc = headers(&map);
        assert_eq!(
            Value::Object(doc),
            json!({"content-type": "text/plain", "vary": "accept, origin"})
        );
    }
}
