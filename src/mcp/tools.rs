//! The tools: their names and input schemas (fixed: hosts and scripts depend on them), their
//! arguments, and their results. Each result's `structuredContent` is the document the
//! command's `--json` prints (`{schema_version, success, data, errors}`), and its text is a
//! short summary for the agent to read or repeat.

use super::server::State;
use crate::cli::{AccountArgs, BalanceArgs, HistoryArgs, PasswordArgs, parse_since};
use crate::commands::{history, inspect, wallet};
use crate::error;
use crate::journal::Status;
use crate::network::{Family, NetworkQuery};
use crate::output::{JSON_SCHEMA_VERSION, JsonError};
use crate::request::{RedirectPolicy, RequestSpec};
use crate::settings::{InspectSettings, Limit, Source};
use anyhow::Result;
use rmcp::model::{CallToolResult, ContentBlock, JsonObject, Tool, ToolAnnotations};
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;

pub const INSPECT: &str = "inspect";
pub const BALANCE: &str = "balance";
pub const HISTORY: &str = "history";
pub use super::fetch::FETCH;
pub const NAMES: [&str; 4] = [INSPECT, BALANCE, HISTORY, FETCH];

pub(super) fn schema(value: Value) -> JsonObject {
    match value {
        Value::Object(map) => map,
        _ => JsonObject::new(),
    }
}

/// The input schema's properties of a request (`inspect`, `fetch`): `url`, `method?`,
/// `headers?`, `body?`.
pub(super) fn request_properties() -> JsonObject {
    schema(json!({
        "url": {"type": "string", "description": "The http or https URL"},
        "method": {
            "type": "string",
            "description": "HTTP method [default: GET, or POST with a body]"
        },
        "headers": {
            "type": "object",
            "description": "Request headers, name to value",
            "additionalProperties": {"type": "string"}
        },
        "body": {
            "type": "string",
            "description": "Request body, sent as given (Content-Type application/json when it \
                            is JSON, unless a header says)"
        }
    }))
}

/// The tools and their input schemas.
pub fn list() -> Vec<Tool> {
    let statuses: Vec<&str> = [
        Status::Pending,
        Status::Settled,
        Status::Rejected,
        Status::Unknown,
        Status::Unsent,
        Status::Expired,
        Status::Disputed,
    ]
    .iter()
    .map(|s| s.as_str())
    .collect();
    let read_only = ToolAnnotations::new().read_only(true).destructive(false);
    vec![
        Tool::new(
            INSPECT,
            "Show what a URL asks to be paid (its HTTP 402 x402 terms), without paying: every \
             option in plain words, the option this wallet would pay and why, whether it is \
             within the per-payment cap, and every departure from the protocol. Sends one \
             unpaid request; never signs.",
            schema(json!({
                "type": "object",
                "properties": request_properties(),
                "required": ["url"],
                "additionalProperties": false
            })),
        )
        .with_annotations(read_only.clone().open_world(true)),
        Tool::new(
            BALANCE,
            "The wallet's balances (its stablecoins and gas) over JSON-RPC, as `x402 wallet \
             balance --json` gives them. An RPC failure is an error for that network, never a \
             zero balance.",
            schema(json!({
                "type": "object",
                "properties": {
                    "account": {
                        "type": "string",
                        "description": "Account name [default: the account this server \
                                        unlocked for the network's family]"
                    },
                    "network": {
                        "type": "string",
                        "description": "Network by name or CAIP-2 id [default: the first of \
                                        [payment] networks, else base]"
                    }
                },
                "additionalProperties": false
            })),
        )
        .with_annotations(read_only.clone().open_world(true)),
        Tool::new(
            HISTORY,
            "The payments made, from this wallet's journal, with totals per UTC day, network \
             and asset, as `x402 history --json` gives them.",
            schema(json!({
                "type": "object",
                "properties": {
                    "since": {
                        "type": "string",
                        "description": "Only payments signed at or after this time: 2026-11-25, \
                                        2026-11-25T10:00:00Z, or an age such as 24h or 7d"
                    },
                    "status": {
                        "description": "Only payments with this status, or any of these",
                        "anyOf": [
                            {"type": "string", "enum": statuses},
                            {"type": "array", "items": {"type": "string", "enum": statuses}}
                        ]
                    }
                },
                "additionalProperties": false
            })),
        )
        .with_annotations(read_only.open_world(false)),
        super::fetch::tool(),
    ]
}

/// `inspect` arguments.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InspectCall {
    url: String,
    method: Option<String>,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    body: Option<String>,
}

/// `balance` arguments.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BalanceCall {
    account: Option<String>,
    network: Option<String>,
}

/// `history` arguments.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistoryCall {
    since: Option<String>,
    status: Option<OneOrMany>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(Status),
    Many(Vec<Status>),
}

/// The `--json` envelope of a document, as `Printer` writes it.
fn envelope(data: Option<Value>, errors: &[JsonError]) -> Value {
    json!({
        "schema_version": JSON_SCHEMA_VERSION,
        "success": errors.is_empty(),
        "data": data,
        "errors": errors,
    })
}

/// A tool result: the summary as text, the document as structured content.
fn answer(summary: String, document: Value) -> CallToolResult {
    let failed = document["success"] == false;
    let mut result = if failed {
        CallToolResult::error(vec![ContentBlock::text(summary)])
    } else {
        CallToolResult::success(vec![ContentBlock::text(summary)])
    };
    result.structured_content = Some(document);
    result
}

/// A tool that could not do its job: the error as `--json` renders it, with `isError`.
fn failure(err: &anyhow::Error) -> CallToolResult {
    let (_, shown) = error::render(err);
    let text = std::iter::once(shown.message.clone())
        .chain(shown.causes.iter().cloned())
        .chain(shown.hints.iter().map(|h| format!("hint: {h}")))
        .collect::<Vec<_>>()
        .join("; ");
    answer(text, envelope(None, std::slice::from_ref(&shown)))
}

/// A tool result whose document is not a `--json` envelope (`fetch`'s): the summary, then the
/// document as JSON text for hosts that show only text, and as structured content.
pub(super) fn answer_with(summary: String, document: Value, is_error: bool) -> CallToolResult {
    let content = vec![
        ContentBlock::text(summary),
        ContentBlock::text(document.to_string()),
    ];
    let mut result = if is_error {
        CallToolResult::error(content)
    } else {
        CallToolResult::success(content)
    };
    result.structured_content = Some(document);
    result
}

pub(super) fn done(result: Result<CallToolResult>) -> CallToolResult {
    result.unwrap_or_else(|e| failure(&e))
}

/// The request part of an `inspect` or `fetch` call: what the command line's request flags
/// would say.
pub(super) struct RequestCall<'c> {
    pub url: &'c str,
    pub method: Option<&'c str>,
    pub headers: &'c BTreeMap<String, String>,
    pub body: Option<&'c str>,
}

impl InspectCall {
    fn request(&self) -> RequestCall<'_> {
        RequestCall {
            url: &self.url,
            method: self.method.as_deref(),
            headers: &self.headers,
            body: self.body.as_deref(),
        }
    }
}

/// The request a call describes, through the same request description as `x402 get` and
/// `x402 inspect` build from their flags. The body is sent exactly as given: no `@FILE` and no
/// stdin, which is the protocol's channel here.
pub(super) fn prepare(call: &RequestCall<'_>) -> Result<RequestSpec> {
    RequestSpec::from_call(
        call.url,
        call.method,
        call.headers.iter().map(|(n, v)| (n.as_str(), v.as_str())),
        call.body,
    )
}

pub async fn inspect(state: &State, call: InspectCall) -> CallToolResult {
    done(run_inspect(state, call).await)
}

async fn run_inspect(state: &State, call: InspectCall) -> Result<CallToolResult> {
    let request = prepare(&call.request())?;
    let prepared = request.prepare()?;
    let settings = InspectSettings {
        request,
        redirects: RedirectPolicy::NONE,
        preferred: state.ctx.config.preferred_networks.clone(),
        only_preferred: false,
        // The cap judged is this session's, as `fetch` will apply it.
        cap: Limit {
            amount: state.limits.per_payment.amount.clone(),
            source: Source::Flag("--max-amount"),
        },
        // The option marked is the one `fetch` pays: of a family this server has an account of.
        families: Some(
            [Family::Evm, Family::Solana]
                .into_iter()
                .filter(|f| state.wallet.owner(*f).is_ok())
                .collect(),
        ),
    };
    let (mut data, errors, _) = inspect::examine(&state.ctx, &settings, prepared)
        .await?
        .document();
    served_payer(state, &mut data);
    let summary = match errors.first() {
        Some(e) => e.message.clone(),
        None => inspect_summary(&data),
    };
    Ok(answer(summary, envelope(Some(data), &errors)))
}

/// The account that would pay the chosen option, as this server would: the one of its
/// family the server unlocked (which `--account` may have chosen), in the form `inspect`
/// gives it (`data.choice.payer`).
fn served_payer(state: &State, data: &mut Value) {
    let Some(payer) = data.pointer_mut("/choice/payer") else {
        return;
    };
    let family = match payer["family"].as_str() {
        Some("evm") => Family::Evm,
        Some("solana") => Family::Solana,
        _ => return,
    };
    *payer = match state.wallet.owner(family) {
        Ok((name, owner)) => json!({
            "family": family,
            "account": name,
            "address": owner.to_string(),
            "message": format!("'{name}' {owner}"),
        }),
        Err(e) => json!({
            "family": family,
            "account": null,
            "address": null,
            "message": format!("none: {e}"),
        }),
    };
}

/// One paragraph about the terms, from the `inspect --json` data.
fn inspect_summary(data: &Value) -> String {
    let text = |v: &Value| v.as_str().unwrap_or("").to_owned();
    if data["payment_required"] == false {
        return format!(
            "No payment needed: {} answered HTTP {} {}.",
            text(&data["url"]),
            data["status"],
            text(&data["reason"])
        );
    }
    let options = data["options"].as_array().map_or(0, Vec::len);
    let mut out = format!(
        "{} answered HTTP {} with x402 v{} terms offering {options} option{}.",
        text(&data["url"]),
        data["status"],
        data["x402_version"],
        if options == 1 { "" } else { "s" }
    );
    out.push_str(&format!(" Choice: {}.", text(&data["choice"]["reason"])));
    if let Some(i) = data["chosen"].as_u64() {
        let pay_to = text(&data["options"][i as usize]["pay_to"]);
        if !pay_to.is_empty() {
            out.push_str(&format!(" It would pay {pay_to}."));
        }
    }
    if let Some(cap) = data["choice"]["cap"]["message"].as_str() {
        out.push_str(&format!(" {cap}."));
    }
    let departures = data["departures"].as_array().map_or(0, Vec::len);
    if departures == 0 {
        out.push_str(" No departures from the protocol.");
    } else {
        out.push_str(&format!(
            " {departures} departure{} from the protocol (see departures).",
            if departures == 1 { "" } else { "s" }
        ));
    }
    out.push_str(" Nothing was paid.");
    out
}

pub async fn balance(state: &State, call: BalanceCall) -> CallToolResult {
    done(run_balance(state, call).await)
}

async fn run_balance(state: &State, call: BalanceCall) -> Result<CallToolResult> {
    let ctx = &state.ctx;
    let no_account = || AccountArgs {
        account: None,
        keystore: None,
    };
    let (label, owner) = match &call.account {
        Some(name) => {
            let ks = ctx.account(Some(name), &no_account())?;
            let owner = match ks.solana {
                Some(key) => wallet::Owner::Solana(key),
                None => wallet::Owner::Evm(wallet::account_address(ctx, &ks, &state.password)?),
            };
            (ks.name, owner)
        }
        None => {
            // The served account of the network's family; without a network, the EVM one
            // when there is one.
            let solana = match &call.network {
                Some(n) => ctx.networks.find_svm(n).is_some(),
                None => state.wallet.evm.is_none(),
            };
            state
                .wallet
                .owner(if solana { Family::Solana } else { Family::Evm })?
        }
    };
    let args = BalanceArgs {
        name: None,
        address: Some(owner.to_string()),
        account: no_account(),
        password: PasswordArgs {
            password_file: None,
        },
        networks: call
            .network
            .as_deref()
            .map(NetworkQuery::parse_named)
            .transpose()?
            .into_iter()
            .collect(),
        all: false,
        rpc_url: None,
        timeout: std::time::Duration::from_secs(10),
        json: true,
    };
    let rows = wallet::balance_rows(ctx, &args, owner, Some(&label)).await?;
    let (data, errors) = wallet::balance_document(Some(&label), owner, &rows);
    let summary = balance_summary(&data);
    Ok(answer(summary, envelope(Some(data), &errors)))
}

fn balance_summary(data: &Value) -> String {
    let text = |v: &Value| v.as_str().unwrap_or("").to_owned();
    let mut parts = Vec::new();
    for net in data["networks"].as_array().into_iter().flatten() {
        let name = text(&net["network"]);
        if let Some(err) = net["error"].as_str() {
            parts.push(format!("{name}: error: {err}"));
            continue;
        }
        let mut amounts: Vec<String> = net["tokens"]
            .as_array()
            .into_iter()
            .flatten()
            .chain(Some(&net["native"]).filter(|n| !n.is_null()))
            .map(|t| format!("{} {}", text(&t["balance"]), text(&t["symbol"])))
            .collect();
        if amounts.is_empty() {
            amounts.push("nothing".into());
        }
        parts.push(format!("{name}: {}", amounts.join(", ")));
    }
    format!(
        "Account '{}' ({}): {}.",
        text(&data["account"]),
        text(&data["address"]),
        parts.join("; ")
    )
}

pub fn history(state: &State, call: HistoryCall) -> CallToolResult {
    done(run_history(state, call))
}

fn run_history(state: &State, call: HistoryCall) -> Result<CallToolResult> {
    let args = HistoryArgs {
        command: None,
        since: call.since.as_deref().map(parse_since).transpose()?,
        status: match call.status {
            None => vec![],
            Some(OneOrMany::One(s)) => vec![s],
            Some(OneOrMany::Many(v)) => v,
        },
        json: true,
        wide: true,
    };
    let data = history::list_data(&state.ctx, &args)?;
    let summary = history_summary(&data, call.since.as_deref());
    Ok(answer(summary, envelope(Some(data), &[])))
}

fn history_summary(data: &Value, since: Option<&str>) -> String {
    let text = |v: &Value| v.as_str().unwrap_or("").to_owned();
    let count = data["payments"].as_array().map_or(0, Vec::len);
    let mut out = format!(
        "{count} payment{} in the journal{}.",
        if count == 1 { "" } else { "s" },
        since.map(|s| format!(" since {s}")).unwrap_or_default()
    );
    let totals: Vec<String> = data["totals"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|t| {
            // A sum that counts an `upto` maximum is at most that much.
            let up_to = t["at_maximum"]["payments"].as_u64().unwrap_or(0) > 0;
            format!(
                "{}: {}{} {} on {} ({} payment{})",
                text(&t["day"]),
                if up_to { "up to " } else { "" },
                text(&t["amount_decimal"]),
                text(&t["symbol"]),
                text(&t["network_name"]),
                t["payments"],
                if t["payments"] == 1 { "" } else { "s" }
            )
        })
        .collect();
    if !totals.is_empty() {
        out.push_str(&format!(
            " Settled, pending and unknown per UTC day: {}.",
            totals.join("; ")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_schemas_name_the_documented_arguments() {
        let tools = list();
        let names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
        assert_eq!(names, NAMES);
        let properties = |t: &Tool| -> Vec<String> {
            let mut p: Vec<String> = t.input_schema["properties"]
                .as_object()
                .unwrap()
                .keys()
                .cloned()
                .collect();
            p.sort();
            p
        };
        assert_eq!(properties(&tools[0]), ["body", "headers", "method", "url"]);
        assert_eq!(tools[0].input_schema["required"], json!(["url"]));
        assert_eq!(properties(&tools[1]), ["account", "network"]);
        assert_eq!(properties(&tools[2]), ["since", "status"]);
        assert_eq!(
            properties(&tools[3]),
            ["body", "headers", "max_amount", "method", "network", "url"]
        );
    }

    #[test]
    fn arguments_outside_the_schema_are_refused() {
        let bad = [
            json!({}),
            json!({"url": 5}),
            json!({"url": "http://h/", "max_amount": "1"}),
            json!({"url": "http://h/", "headers": {"a": 1}}),
        ];
        for args in bad {
            assert!(
                serde_json::from_value::<InspectCall>(args.clone()).is_err(),
                "{args}"
            );
        }
        assert!(serde_json::from_value::<HistoryCall>(json!({"status": "paid"})).is_err());
        let ok: HistoryCall =
            serde_json::from_value(json!({"status": ["settled", "unknown"]})).unwrap();
        assert!(matches!(ok.status, Some(OneOrMany::Many(v)) if v.len() == 2));
    }

    #[test]
    fn a_body_is_sent_as_given_never_read_from_a_file() {
        let call: InspectCall = serde_json::from_value(json!({
            "url": "http://127.0.0.1:9/x",
            "body": "@/etc/passwd",
        }))
        .unwrap();
        let p = prepare(&call.request()).unwrap().prepare().unwrap();
        assert_eq!(p.method, reqwest::Method::POST);
        assert_eq!(p.body.as_deref(), Some(&b"@/etc/passwd"[..]));
        let call: InspectCall = serde_json::from_value(json!({
            "url": "http://127.0.0.1:9/x",
            "method": "PUT",
            "headers": {"X-A": "1"},
            "body": "{\"q\": 1}",
        }))
        .unwrap();
        let p = prepare(&call.request()).unwrap().prepare().unwrap();
        assert_eq!(p.method, reqwest::Method::PUT);
        assert_eq!(p.headers["content-type"], "application/json");
        assert_eq!(p.headers["x-a"], "1");
    }
}
