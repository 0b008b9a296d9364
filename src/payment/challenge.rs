//! Reading a 402: turns the `PAYMENT-REQUIRED` header (x402 v2) or the JSON body (x402 v1)
//! into a [`Challenge`], the way the reference clients detect it
//! (`@x402/core` `x402HTTPClient.getPaymentRequiredResponse`, Go `detectPaymentRequiredVersion`).
//!
//! Parsing is split in two on purpose. Only structural failures (nothing x402 here, bad
//! base64, bad JSON, unknown version, no `accepts`) are errors, and [`ChallengeError`] says
//! which step failed. Everything inside a requirement is kept: each `accepts[i]` object is
//! stored verbatim in [`Requirement::raw`] (a v2 server deep-compares it when it is echoed
//! back as `accepted`) and every departure from the protocol is listed in
//! [`Requirement::problems`] (the response's own, such as a header and body that disagree, in
//! [`Challenge::problems`]), so `inspect` can show a broken offer and the signer can refuse it.
//!
//! Depends on nothing but `serde_json`, `alloy-primitives`, the lenient base64 decoder in
//! [`super::header`], to compare an offer with its known token, the network table's types, and
//! [`crate::output::untrusted`] to quote a server's value in a departure (escaped and cut, so a
//! message never grows with the input). No I/O, no printing; malformed input never panics.

use std::fmt;

use alloy_primitives::{Address, U256};
use serde::Serialize;
use serde_json::{Map, Value};

use super::header::decode_base64_lenient;
use crate::network::{Asset, Network, TransferMethod};

/// Header carrying the v2 challenge (`specs/transports-v2/http.md`).
pub const PAYMENT_REQUIRED_HEADER: &str = "PAYMENT-REQUIRED";

/// The most `accepts` entries read from one 402; the rest are left out with a departure noted.
pub const MAX_ACCEPTS: usize = 64;

/// A JSON value from the server in an error line: escaped and cut, never the size of the input.
fn shown_value(v: &Value) -> String {
    let text = v.to_string();
    crate::output::untrusted_within(&text, 80)
}

/// Largest number of decimal digits a uint256 can have (2^256 - 1 has 78).
const MAX_UINT256_DIGITS: usize = 78;

/// v1 network names of EVM chains and their chain ids: `@x402/evm` 2.27.0
/// `EVM_NETWORK_CHAIN_ID_MAP` (same values as Go `go/mechanisms/evm/v1/network.go` and the
/// legacy `x402` 1.2.0 table; Python's `V1_NETWORK_CHAIN_IDS` in coinbase/x402
/// `python/x402/mechanisms/evm/v1/constants.py` disagrees for `sei-testnet`, `story`,
/// `educhain` and `skale-base-sepolia`, and is not followed).
const V1_EVM_NETWORKS: &[(&str, u64)] = &[
    ("ethereum", 1),
    ("sepolia", 11_155_111),
    ("abstract", 2741),
    ("abstract-testnet", 11_124),
    ("base-sepolia", 84_532),
    ("base", 8453),
    ("avalanche-fuji", 43_113),
    ("avalanche", 43_114),
    ("iotex", 4689),
    ("sei", 1329),
    ("sei-testnet", 1328),
    ("polygon", 137),
    ("polygon-amoy", 80_002),
    ("peaq", 3338),
    ("story", 1514),
    ("educhain", 41_923),
    ("skale-base-sepolia", 324_705_682),
    ("megaeth", 4326),
    ("monad", 143),
    ("stable", 988),
    ("stable-testnet", 2201),
    ("celo", 42_220),
    ("flare", 14),
];

/// v1 Solana names and their CAIP-2 ids (`@x402/svm` `src/constants.ts`,
/// `V1_TO_V2_NETWORK_MAP`).
const V1_SOLANA_NETWORKS: &[(&str, &str)] = &[
    ("solana", "solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp"),
    ("solana-devnet", "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1"),
    ("solana-testnet", "solana:4uhcVJyU9pJkvQyS88uRDiswHXSCkY3z"),
];

const BASE58_ALPHABET: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/// Where the challenge document was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// The base64 `PAYMENT-REQUIRED` header (v2).
    Header,
    /// The JSON response body (v1, or a v2 document without the header).
    Body,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Source::Header => "payment-required header",
            Source::Body => "response body",
        })
    }
}

/// Why a 402 response could not be read as an x402 challenge. Each variant is one step.
#[derive(Debug, thiserror::Error)]
pub enum ChallengeError {
    /// No `PAYMENT-REQUIRED` header, and the body is not an x402 document.
    #[error("not an x402 payment challenge: {detail}")]
    NotX402 {
        /// What was found instead, one lowercase clause.
        detail: String,
        /// The body is an HTML page: the browser paywall that v2 servers serve to clients
        /// whose `Accept` has `text/html` and whose `User-Agent` has `Mozilla`.
        html: bool,
    },
    /// The `PAYMENT-REQUIRED` header is not base64 (standard or URL-safe, padded or not).
    #[error("payment-required header is not valid base64")]
    Base64 {
        #[source]
        source: base64::DecodeError,
    },
    /// The decoded `PAYMENT-REQUIRED` header is not JSON.
    #[error("payment-required header does not decode to valid json")]
    HeaderJson {
        #[source]
        source: serde_json::Error,
    },
    /// The body mentions `x402Version` but is not valid JSON.
    #[error("response body looks like an x402 document but is not valid json")]
    BodyJson {
        #[source]
        source: serde_json::Error,
    },
    /// The document is JSON but not an object.
    #[error("x402 document in the {0} is not a json object")]
    NotObject(Source),
    /// `x402Version` is neither 1 nor 2 (holds the value as sent).
    #[error("unsupported x402Version {}", shown_value(.0))]
    UnsupportedVersion(Value),
    /// A structurally required top-level field is absent.
    #[error("x402 document is missing the required field {field}")]
    Missing { field: String },
    /// A structurally required top-level field has the wrong shape (e.g. `accepts: []`).
    #[error("x402 document field {field} must be {expected}")]
    Invalid {
        field: String,
        expected: &'static str,
    },
    /// The decoded header, or a body that mentions `x402Version`, is not UTF-8.
    #[error("{0} is not valid utf-8")]
    NotUtf8(Source),
}

impl ChallengeError {
    /// The step that failed, as one stable word (`inspect --json` reports it):
    /// `locate` (no header and no x402 body), `paywall` (an HTML page instead), `base64`,
    /// `utf8`, `json` (not JSON, or not an object), `version` (missing or unknown
    /// `x402Version`), `fields` (no usable `accepts`).
    pub fn step(&self) -> &'static str {
        match self {
            ChallengeError::NotX402 { html: true, .. } => "paywall",
            ChallengeError::NotX402 { html: false, .. } => "locate",
            ChallengeError::Base64 { .. } => "base64",
            ChallengeError::NotUtf8(_) => "utf8",
            ChallengeError::HeaderJson { .. }
            | ChallengeError::BodyJson { .. }
            | ChallengeError::NotObject(_) => "json",
            ChallengeError::UnsupportedVersion(_) => "version",
            ChallengeError::Missing { field } if field == "x402Version" => "version",
            ChallengeError::Missing { .. } | ChallengeError::Invalid { .. } => "fields",
        }
    }
}

/// The `resource` of a challenge: v2 top level, or for v1 taken from the first requirement.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResourceInfo {
    pub url: Option<String>,
    pub description: Option<String>,
    pub mime_type: Option<String>,
    /// v2: the `resource` object exactly as sent (echoed in `PAYMENT-SIGNATURE`).
    /// v1: `{url, description, mimeType}` assembled from the first requirement.
    pub raw: Value,
}

/// One way of departing from the protocol, found in one requirement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// JSON field name as sent, e.g. `payTo`, `extra.name`.
    pub field: String,
    /// Lowercase clause that follows the field name, e.g. `has leading zeros`.
    pub message: String,
    /// The tool can pay the option anyway, from what it knows itself (a missing EIP-712
    /// `extra.name`/`extra.version` is taken from the network table). Still a departure,
    /// reported by `inspect`; it only does not make the option unpayable.
    #[serde(skip)]
    pub advisory: bool,
}

impl Problem {
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        Problem {
            field: field.to_owned(),
            message: message.into(),
            advisory: false,
        }
    }

    /// A departure the tool works around; see [`Problem::advisory`].
    pub fn advisory(field: &str, message: impl Into<String>) -> Self {
        Problem {
            advisory: true,
            ..Problem::new(field, message)
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.field, self.message)
    }
}

/// One entry of `accepts`. Typed fields are `Some` only when the value has the right JSON
/// type; anything wrong with it is in `problems`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Requirement {
    /// Position in `accepts`.
    pub index: usize,
    /// The `accepts[i]` value exactly as sent, never re-typed: v2 servers deep-compare it
    /// with `payload.accepted` (`x402ResourceServer.findMatchingRequirements`), where an
    /// extra key or `null` vs missing already breaks the match.
    pub raw: Value,
    /// Protocol version of the document this requirement came from (1 or 2).
    pub version: u8,
    pub scheme: Option<String>,
    pub network: Option<String>,
    /// v2 `amount`, v1 `maxAmountRequired`, as sent (see [`Requirement::amount_u256`]).
    pub amount: Option<String>,
    pub asset: Option<String>,
    pub pay_to: Option<String>,
    pub max_timeout_seconds: Option<u64>,
    /// `extra` when it is an object.
    pub extra: Option<Value>,
    /// v1 `resource` (a URL); v2 requirements normally have none.
    pub resource: Option<String>,
    pub description: Option<String>,
    pub mime_type: Option<String>,
    pub problems: Vec<Problem>,
}

/// A decoded 402 challenge.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Challenge {
    /// x402 protocol version: 1 (answer with `X-PAYMENT`) or 2 (`PAYMENT-SIGNATURE`).
    pub version: u8,
    pub resource: Option<ResourceInfo>,
    /// The server's `error` text (why payment is required, or why the last one failed).
    pub error: Option<String>,
    pub accepts: Vec<Requirement>,
    /// v2 `extensions`, as sent (echoed in the payment payload).
    pub extensions: Option<Value>,
    /// The whole decoded document.
    pub raw: Value,
    pub source: Source,
    /// Where the response as a whole departs from the protocol without stopping the parse
    /// (the header, the body, top-level fields); each option's own departures are in
    /// [`Requirement::problems`].
    pub problems: Vec<Problem>,
    /// The same departures as one lowercase sentence each, for callers that only print them.
    pub warnings: Vec<String>,
    /// The body is an HTML page: the browser paywall reference servers serve when they take
    /// the request for a browser's (the terms then come from the header, if there is one).
    pub html_body: bool,
}

/// Reads a 402 response. `headers` are name/value pairs (names case-insensitive).
///
/// Order, as in the reference clients: a `PAYMENT-REQUIRED` header wins (v2); otherwise the
/// body is read as JSON and must say `x402Version: 1`. A v2 document in the body without the
/// header is accepted with a warning, as Go's client does (TS and Python reject it).
///
/// With a header, the body is looked at only to report it: an HTML page (the browser paywall
/// `@x402/core` serves, with the header, to a request it takes for a browser's), or an x402
/// document whose terms differ from the header's.
pub fn parse_payment_required(
    headers: &[(String, String)],
    body: &[u8],
) -> Result<Challenge, ChallengeError> {
    let mut problems = Vec::new();
    let header_values: Vec<&str> = headers
        .iter()
        .filter(|(name, _)| name.trim().eq_ignore_ascii_case(PAYMENT_REQUIRED_HEADER))
        .map(|(_, value)| value.trim())
        .collect();
    let non_empty: Vec<&str> = header_values
        .iter()
        .copied()
        .filter(|v| !v.is_empty())
        .collect();
    let html = looks_like_html(headers, body);

    if let Some(&value) = non_empty.first() {
        let mut distinct = non_empty.clone();
        distinct.sort_unstable();
        distinct.dedup();
        if distinct.len() > 1 {
            problems.push(Problem::new(
                PAYMENT_REQUIRED_HEADER,
                format!(
                    "was sent {} times with {} different values; the first one is used",
                    non_empty.len(),
                    distinct.len()
                ),
            ));
        }
        let doc = decode_header_document(value)?;
        let mut challenge = build(doc, Source::Header, problems)?;
        if html {
            challenge.html_body = true;
            challenge.push(Problem::new(
                "body",
                "is an html page (a browser paywall), not json; the terms were read from the \
                 PAYMENT-REQUIRED header",
            ));
        } else if let Some(problem) = compare_body(&challenge, body) {
            challenge.push(problem);
        }
        return Ok(challenge);
    }
    if !header_values.is_empty() {
        // TS treats an empty header as absent (`if (paymentRequired)`), and so do we.
        problems.push(Problem::new(
            PAYMENT_REQUIRED_HEADER,
            "is empty and was ignored",
        ));
    }

    let text = match std::str::from_utf8(body) {
        Ok(text) => text.strip_prefix('\u{feff}').unwrap_or(text),
        Err(_) if contains(body, b"x402Version") => {
            return Err(ChallengeError::NotUtf8(Source::Body));
        }
        Err(_) => {
            return Err(not_x402(
                html,
                if html {
                    "no payment-required header and the body is an html page"
                } else {
                    "no payment-required header and the body is not text"
                },
            ));
        }
    };
    if text.trim().is_empty() {
        return Err(not_x402(
            html,
            "no payment-required header and the body is empty",
        ));
    }
    let doc: Value = match serde_json::from_str(text) {
        Ok(doc) => doc,
        Err(_) if html => {
            return Err(not_x402(
                true,
                "no payment-required header and the body is an html page",
            ));
        }
        Err(source) if text.contains("x402Version") => {
            return Err(ChallengeError::BodyJson { source });
        }
        Err(_) => {
            return Err(not_x402(
                false,
                "no payment-required header and the body is not json",
            ));
        }
    };
    match &doc {
        Value::Object(map) if map.contains_key("x402Version") => {}
        Value::Object(_) => {
            return Err(not_x402(
                html,
                "no payment-required header and the json body has no x402Version",
            ));
        }
        _ => {
            return Err(not_x402(
                html,
                "no payment-required header and the json body is not an object",
            ));
        }
    }
    build(doc, Source::Body, problems)
}

impl Challenge {
    fn push(&mut self, problem: Problem) {
        self.warnings.push(problem.to_string());
        self.problems.push(problem);
    }
}

fn not_x402(html: bool, detail: &str) -> ChallengeError {
    ChallengeError::NotX402 {
        detail: detail.to_owned(),
        html,
    }
}

fn decode_header_document(value: &str) -> Result<Value, ChallengeError> {
    let bytes = decode_base64_lenient(value).map_err(|source| ChallengeError::Base64 { source })?;
    let text = std::str::from_utf8(&bytes).map_err(|_| ChallengeError::NotUtf8(Source::Header))?;
    serde_json::from_str(text.strip_prefix('\u{feff}').unwrap_or(text))
        .map_err(|source| ChallengeError::HeaderJson { source })
}

/// How an x402 document in the body disagrees with the header's, if it does. A body that
/// does not mention `x402Version` (the reference servers send `{}`) is no one's business.
fn compare_body(header: &Challenge, body: &[u8]) -> Option<Problem> {
    let text = std::str::from_utf8(body).ok()?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if !text.contains("x402Version") {
        return None;
    }
    let unreadable = |why: String| {
        Some(Problem::new(
            "body",
            format!(
                "carries an x402 document that cannot be read ({why}); the PAYMENT-REQUIRED \
                 header is used"
            ),
        ))
    };
    let doc: Value = match serde_json::from_str(text) {
        Ok(doc) => doc,
        Err(_) => return unreadable("not valid json".to_owned()),
    };
    if !doc.as_object()?.contains_key("x402Version") {
        return None;
    }
    let in_body = match build(doc, Source::Body, Vec::new()) {
        Ok(c) => c,
        Err(e) => return unreadable(e.to_string()),
    };
    if terms(&in_body.accepts) == terms(&header.accepts) {
        return None;
    }
    Some(Problem::new(
        "body",
        format!(
            "carries an x402 v{} document whose terms differ from the PAYMENT-REQUIRED header \
             ({}); the header is used",
            in_body.version,
            differences(&in_body.accepts, &header.accepts)
        ),
    ))
}

const TERM_NAMES: [&str; 5] = ["scheme", "network", "amount", "asset", "payTo"];

/// The fields a payment commits to, as sent (the network as CAIP-2, so that a v1 body and a
/// v2 header describing the same offer line up).
fn term_fields(r: &Requirement) -> [Option<String>; 5] {
    [
        r.scheme.clone(),
        r.caip2_network(),
        r.amount.clone(),
        r.asset.clone(),
        r.pay_to.clone(),
    ]
}

/// [`term_fields`] normalised for comparison: EVM addresses compare case-insensitively.
fn term(r: &Requirement) -> [String; 5] {
    let evm = r.is_evm();
    term_fields(r).map(|f| {
        let s = f.unwrap_or_default();
        if evm { s.to_ascii_lowercase() } else { s }
    })
}

/// What a payment would commit to, in an order-insensitive form.
fn terms(accepts: &[Requirement]) -> Vec<[String; 5]> {
    let mut out: Vec<[String; 5]> = accepts.iter().map(term).collect();
    out.sort();
    out
}

/// The first few differing fields, option by option: `accepts[0].amount is 20000 in the
/// body, 10000 in the header`.
fn differences(body: &[Requirement], header: &[Requirement]) -> String {
    if body.len() != header.len() {
        return format!(
            "{} option(s) in the body, {} in the header",
            body.len(),
            header.len()
        );
    }
    let shown = |v: &Option<String>| {
        v.as_deref()
            .map_or_else(|| "missing".to_owned(), crate::output::untrusted)
    };
    let mut found = Vec::new();
    for (b, h) in body.iter().zip(header) {
        let (nb, nh) = (term(b), term(h));
        let (fb, fh) = (term_fields(b), term_fields(h));
        for k in 0..TERM_NAMES.len() {
            if nb[k] != nh[k] {
                found.push(format!(
                    "accepts[{}].{} is {} in the body, {} in the header",
                    h.index,
                    TERM_NAMES[k],
                    shown(&fb[k]),
                    shown(&fh[k])
                ));
            }
        }
    }
    const SHOWN: usize = 3;
    let more = found.len().saturating_sub(SHOWN);
    found.truncate(SHOWN);
    let mut text = found.join("; ");
    if more > 0 {
        text.push_str(&format!("; and {more} more"));
    }
    text
}

fn build(
    doc: Value,
    source: Source,
    mut problems: Vec<Problem>,
) -> Result<Challenge, ChallengeError> {
    let Value::Object(map) = &doc else {
        return Err(ChallengeError::NotObject(source));
    };
    let version = match map.get("x402Version") {
        None => {
            return Err(ChallengeError::Missing {
                field: "x402Version".to_owned(),
            });
        }
        Some(v) => match v.as_u64() {
            Some(1) => 1u8,
            Some(2) => 2u8,
            _ => return Err(ChallengeError::UnsupportedVersion(v.clone())),
        },
    };
    match (source, version) {
        (Source::Header, 1) => problems.push(Problem::new(
            "x402Version",
            "is 1 in the PAYMENT-REQUIRED header, which is v2's (v1 terms come in the body); \
             answering with v1",
        )),
        (Source::Body, 2) => problems.push(Problem::new(
            PAYMENT_REQUIRED_HEADER,
            "is missing: the x402 v2 terms came in the body (read as go's client does; the \
             typescript and python clients reject it)",
        )),
        _ => {}
    }

    let accepts = match map.get("accepts") {
        None => {
            return Err(ChallengeError::Missing {
                field: "accepts".to_owned(),
            });
        }
        Some(Value::Array(items)) if !items.is_empty() => items,
        Some(_) => {
            return Err(ChallengeError::Invalid {
                field: "accepts".to_owned(),
                expected: "a non-empty array",
            });
        }
    };
    // A sane 402 offers a handful of options; more than MAX_ACCEPTS are not read, so a hostile
    // one cannot make every later step (judging, showing, comparing) work through thousands.
    if accepts.len() > MAX_ACCEPTS {
        problems.push(Problem::new(
            "accepts",
            format!(
                "has {} options; only the first {MAX_ACCEPTS} are read",
                accepts.len()
            ),
        ));
    }
    let accepts: Vec<Requirement> = accepts
        .iter()
        .take(MAX_ACCEPTS)
        .enumerate()
        .map(|(i, raw)| Requirement::parse(i, raw, version))
        .collect();

    let error = match map.get("error") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => {
            problems.push(Problem::new(
                "error",
                format!("must be a string, not {}; ignored", json_type(other)),
            ));
            None
        }
    };

    let resource = if version == 2 {
        match map.get("resource") {
            Some(Value::Object(r)) => {
                let url = r.get("url").and_then(Value::as_str).map(str::to_owned);
                match r.get("url") {
                    None | Some(Value::Null) => {
                        problems.push(Problem::new("resource.url", "is missing"));
                    }
                    Some(Value::String(s)) if s.is_empty() => {
                        problems.push(Problem::new("resource.url", "is empty"));
                    }
                    Some(Value::String(_)) => {}
                    Some(other) => problems.push(Problem::new(
                        "resource.url",
                        format!("must be a string, not {}", json_type(other)),
                    )),
                }
                Some(ResourceInfo {
                    url,
                    description: r
                        .get("description")
                        .and_then(Value::as_str)
                        .map(str::to_owned),
                    mime_type: r.get("mimeType").and_then(Value::as_str).map(str::to_owned),
                    raw: Value::Object(r.clone()),
                })
            }
            None | Some(Value::Null) => {
                problems.push(Problem::new("resource", "is missing (x402 v2 requires it)"));
                None
            }
            Some(other) => {
                problems.push(Problem::new(
                    "resource",
                    format!("must be an object, not {}; ignored", json_type(other)),
                ));
                None
            }
        }
    } else {
        accepts.first().and_then(|first| {
            let mut raw = Map::new();
            let fields = [
                ("url", &first.resource),
                ("description", &first.description),
                ("mimeType", &first.mime_type),
            ];
            for (key, value) in fields {
                if let Some(v) = value {
                    raw.insert(key.to_owned(), Value::String(v.clone()));
                }
            }
            first.resource.as_ref().map(|_| ResourceInfo {
                url: first.resource.clone(),
                description: first.description.clone(),
                mime_type: first.mime_type.clone(),
                raw: Value::Object(raw),
            })
        })
    };

    let extensions = match map.get("extensions") {
        None | Some(Value::Null) => None,
        Some(v) => {
            if !v.is_object() {
                problems.push(Problem::new(
                    "extensions",
                    format!("must be an object, not {}", json_type(v)),
                ));
            }
            Some(v.clone())
        }
    };

    Ok(Challenge {
        version,
        resource,
        error,
        accepts,
        extensions,
        raw: doc,
        source,
        warnings: problems.iter().map(ToString::to_string).collect(),
        problems,
        html_body: false,
    })
}

/// Whether a response is an HTML page: `Content-Type: text/html`, or a body that opens like
/// one.
pub fn looks_like_html(headers: &[(String, String)], body: &[u8]) -> bool {
    let content_type_html = headers.iter().any(|(name, value)| {
        name.trim().eq_ignore_ascii_case("content-type")
            && value.to_ascii_lowercase().contains("text/html")
    });
    if content_type_html {
        return true;
    }
    let start = body
        .strip_prefix(b"\xef\xbb\xbf".as_slice())
        .unwrap_or(body);
    let start: Vec<u8> = start
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .take(1024)
        .map(u8::to_ascii_lowercase)
        .collect();
    start.first() == Some(&b'<')
        && [b"<!doctype html".as_slice(), b"<html", b"<head", b"<body"]
            .iter()
            .any(|needle| contains(&start, needle))
}

/// Whether an HTML page is an x402 browser paywall: the official paywalls set
/// `window.x402` (legacy `x402` `getPaywallHtml`) or say the resource is protected by x402
/// (`@x402/core`'s fallback page). Used on answers that are not a 402, where an HTML page is
/// normally just content.
pub fn looks_like_x402_paywall(headers: &[(String, String)], body: &[u8]) -> bool {
    if !looks_like_html(headers, body) {
        return false;
    }
    let text = String::from_utf8_lossy(body).to_ascii_lowercase();
    text.contains("window.x402") || (text.contains("x402") && text.contains("payment required"))
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// Network families that decide how `payTo` and `asset` are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    Evm,
    Solana,
    Other,
}

pub(crate) fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Need {
    /// Required, must be a non-empty string.
    NonEmpty,
    /// Required, may be `""`.
    Present,
    /// Optional (absent or `null` is fine).
    Optional,
}

fn string_field(
    obj: &Map<String, Value>,
    key: &str,
    need: Need,
    problems: &mut Vec<Problem>,
) -> Option<String> {
    match obj.get(key) {
        None | Some(Value::Null) if need == Need::Optional => None,
        None => {
            problems.push(Problem::new(key, "is missing"));
            None
        }
        Some(Value::String(s)) => {
            if s.is_empty() && need == Need::NonEmpty {
                problems.push(Problem::new(key, "is empty"));
            }
            Some(s.clone())
        }
        Some(other) => {
            problems.push(Problem::new(
                key,
                format!("must be a string, not {}", json_type(other)),
            ));
            None
        }
    }
}

/// Checks an atomic amount: a non-negative decimal integer string that fits a uint256.
pub fn check_amount(s: &str) -> Result<U256, &'static str> {
    if s.is_empty() {
        return Err("is empty");
    }
    if s.starts_with(['+', '-']) {
        return Err("has a sign; must be a non-negative decimal integer");
    }
    if s.contains(['e', 'E'])
        && s.bytes()
            .all(|b| b.is_ascii_digit() || b"eE.+-".contains(&b))
    {
        return Err("uses exponent notation; must be plain decimal digits");
    }
    if s.contains('.') {
        return Err("has a fraction; must be an integer in atomic units");
    }
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err("is not a decimal integer");
    }
    if s.len() > 1 && s.starts_with('0') {
        return Err("has leading zeros");
    }
    if s.len() > MAX_UINT256_DIGITS {
        return Err("has more than 78 digits");
    }
    U256::from_str_radix(s, 10).map_err(|_| "exceeds the uint256 range")
}

/// Checks an EVM address: `0x` + 40 hex digits, and if the letters are in mixed case, the
/// EIP-55 checksum must match (all-lowercase and all-uppercase carry no checksum).
pub fn check_evm_address(s: &str) -> Result<Address, &'static str> {
    const SHAPE: &str = "must be a 0x-prefixed 20-byte hex address";
    let Some(hex) = s.strip_prefix("0x") else {
        return Err(SHAPE);
    };
    if hex.len() != 40 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(SHAPE);
    }
    let address: Address = s.parse().map_err(|_| SHAPE)?;
    let lower = hex.bytes().any(|b| b.is_ascii_lowercase());
    let upper = hex.bytes().any(|b| b.is_ascii_uppercase());
    if lower && upper && address.to_checksum(None) != s {
        return Err("has a wrong eip-55 checksum");
    }
    Ok(address)
}

fn check_base58_address(s: &str) -> Result<(), &'static str> {
    if (32..=44).contains(&s.len()) && s.bytes().all(|b| BASE58_ALPHABET.contains(&b)) {
        Ok(())
    } else {
        Err("must be a base58 solana address")
    }
}

/// CAIP-2 (`namespace:reference`), per the CAIP-2 grammar: namespace `[-a-z0-9]{3,8}`,
/// reference `[-_a-zA-Z0-9]{1,32}`.
fn check_caip2(s: &str) -> Result<(), &'static str> {
    const SHAPE: &str = "must be a caip-2 id (namespace:reference, e.g. eip155:8453)";
    let Some((namespace, reference)) = s.split_once(':') else {
        return Err(SHAPE);
    };
    let ns_ok = (3..=8).contains(&namespace.len())
        && namespace
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    let ref_ok = (1..=32).contains(&reference.len())
        && reference
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !(ns_ok && ref_ok) {
        return Err(SHAPE);
    }
    if namespace == "eip155" && eip155_chain_id(reference).is_none() {
        return Err("must have a decimal chain id after eip155:");
    }
    Ok(())
}

fn eip155_chain_id(reference: &str) -> Option<u64> {
    if reference.is_empty()
        || !reference.bytes().all(|b| b.is_ascii_digit())
        || (reference.len() > 1 && reference.starts_with('0'))
    {
        return None;
    }
    reference.parse::<u64>().ok().filter(|id| *id != 0)
}

fn check_v1_network(s: &str) -> Result<(), &'static str> {
    if s.contains(':') {
        return Err("is a caip-2 id, but x402 v1 uses network names such as base-sepolia");
    }
    let slug = !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !slug {
        return Err("is not a v1 network name (lowercase letters, digits and dashes)");
    }
    if V1_EVM_NETWORKS.iter().any(|(name, _)| *name == s)
        || V1_SOLANA_NETWORKS.iter().any(|(name, _)| *name == s)
    {
        Ok(())
    } else {
        Err("is not a known x402 v1 network name")
    }
}

impl Requirement {
    /// Reads `accepts[index]` of an x402 document of the given version (1 or 2; anything
    /// else is read as 2). Never fails: what is wrong goes into `problems`.
    pub fn parse(index: usize, raw: &Value, version: u8) -> Requirement {
        let version = if version == 1 { 1 } else { 2 };
        let mut req = Requirement {
            index,
            raw: raw.clone(),
            version,
            scheme: None,
            network: None,
            amount: None,
            asset: None,
            pay_to: None,
            max_timeout_seconds: None,
            extra: None,
            resource: None,
            description: None,
            mime_type: None,
            problems: Vec::new(),
        };
        let Value::Object(obj) = raw else {
            req.problems.push(Problem::new(
                "accepts",
                format!("entry {index} is {}, not an object", json_type(raw)),
            ));
            return req;
        };
        let p = &mut req.problems;
        let amount_key = if version == 1 {
            "maxAmountRequired"
        } else {
            "amount"
        };

        req.scheme = string_field(obj, "scheme", Need::NonEmpty, p);
        req.network = string_field(obj, "network", Need::NonEmpty, p);
        req.amount = string_field(obj, amount_key, Need::NonEmpty, p);
        if version == 2
            && !obj.contains_key("amount")
            && obj.contains_key("maxAmountRequired")
            && let Some(last) = p.last_mut()
        {
            last.message = "is missing (maxAmountRequired is the v1 name)".to_owned();
        }
        req.asset = string_field(obj, "asset", Need::NonEmpty, p);
        req.pay_to = string_field(obj, "payTo", Need::NonEmpty, p);
        let (resource_need, description_need) = if version == 1 {
            (Need::NonEmpty, Need::Present)
        } else {
            (Need::Optional, Need::Optional)
        };
        req.resource = string_field(obj, "resource", resource_need, p);
        req.description = string_field(obj, "description", description_need, p);
        req.mime_type = string_field(obj, "mimeType", Need::Optional, p);

        match obj.get("maxTimeoutSeconds") {
            None => p.push(Problem::new("maxTimeoutSeconds", "is missing")),
            Some(Value::Number(n)) => match n.as_u64() {
                Some(0) => {
                    req.max_timeout_seconds = Some(0);
                    p.push(Problem::new("maxTimeoutSeconds", "must be positive"));
                }
                Some(secs) => req.max_timeout_seconds = Some(secs),
                None => p.push(Problem::new(
                    "maxTimeoutSeconds",
                    "must be a positive integer number of seconds",
                )),
            },
            Some(other) => p.push(Problem::new(
                "maxTimeoutSeconds",
                format!("must be a number, not {}", json_type(other)),
            )),
        }

        match obj.get("extra") {
            None | Some(Value::Null) => {}
            Some(v @ Value::Object(_)) => req.extra = Some(v.clone()),
            Some(other) => p.push(Problem::new(
                "extra",
                format!("must be an object, not {}", json_type(other)),
            )),
        }
        if version == 1 {
            match obj.get("outputSchema") {
                None | Some(Value::Null) | Some(Value::Object(_)) => {}
                Some(other) => p.push(Problem::new(
                    "outputSchema",
                    format!("must be an object, not {}", json_type(other)),
                )),
            }
        }

        if let Some(amount) = &req.amount
            && !amount.is_empty()
            && let Err(message) = check_amount(amount)
        {
            p.push(Problem::new(amount_key, message));
        }

        if let Some(network) = req.network.as_deref().filter(|n| !n.is_empty()) {
            let checked = if version == 1 {
                check_v1_network(network)
            } else {
                check_caip2(network)
            };
            if let Err(message) = checked {
                p.push(Problem::new("network", message));
            }
        }

        let family = req.family();
        for (key, value) in [("payTo", &req.pay_to), ("asset", &req.asset)] {
            let Some(value) = value.as_deref().filter(|v| !v.is_empty()) else {
                continue;
            };
            let checked = match family {
                Family::Evm => check_evm_address(value).and_then(|address| {
                    if address.is_zero() {
                        Err("is the zero address")
                    } else {
                        Ok(())
                    }
                }),
                Family::Solana => check_base58_address(value),
                Family::Other => Ok(()),
            };
            if let Err(message) = checked {
                req.problems.push(Problem::new(key, message));
            }
        }

        // `exact` on EVM with EIP-3009 signs an EIP-712 domain whose name and version come
        // from `extra`; the TS client throws without them (`signEIP3009Authorization`). This
        // tool falls back to the known token's domain (the policy refuses unknown tokens), so a
        // missing one is a departure to report, not a reason to refuse.
        if family == Family::Evm
            && req.scheme.as_deref() == Some("exact")
            && req.transfer_method() == "eip3009"
        {
            for key in ["name", "version"] {
                let field = format!("extra.{key}");
                match req.extra.as_ref().and_then(|e| e.get(key)) {
                    Some(Value::String(s)) if !s.is_empty() => {}
                    Some(Value::String(_)) => req.problems.push(Problem::new(&field, "is empty")),
                    None | Some(Value::Null) => req.problems.push(Problem::advisory(
                        &field,
                        "is missing (the eip-712 domain needs it; the known token's is used)",
                    )),
                    Some(other) => req.problems.push(Problem::new(
                        &field,
                        format!("must be a string, not {}", json_type(other)),
                    )),
                }
            }
        }
        // `extra.paymentFlow`: an unknown flow is a departure, and the option is not paid.
        if let Err(problem) = super::flow::payment_flow(&req) {
            req.problems.push(problem);
        }
        req
    }

    fn family(&self) -> Family {
        let Some(network) = self.network.as_deref() else {
            return Family::Other;
        };
        if self.version == 1 {
            if V1_EVM_NETWORKS.iter().any(|(name, _)| *name == network) {
                Family::Evm
            } else if V1_SOLANA_NETWORKS.iter().any(|(name, _)| *name == network) {
                Family::Solana
            } else {
                Family::Other
            }
        } else if network.starts_with("eip155:") {
            Family::Evm
        } else if network.starts_with("solana:") {
            Family::Solana
        } else {
            Family::Other
        }
    }

    /// The network is an EVM chain (`eip155:*` in v2, a known EVM name in v1).
    pub fn is_evm(&self) -> bool {
        self.family() == Family::Evm
    }

    /// The amount as a uint256, or `None` when missing or not a valid atomic amount.
    pub fn amount_u256(&self) -> Option<U256> {
        check_amount(self.amount.as_deref()?).ok()
    }

    /// EVM chain id: the number after `eip155:` (v2), or the chain of a known v1 name.
    pub fn chain_id(&self) -> Option<u64> {
        let network = self.network.as_deref()?;
        if self.version == 1 {
            V1_EVM_NETWORKS
                .iter()
                .find(|(name, _)| *name == network)
                .map(|(_, id)| *id)
        } else {
            eip155_chain_id(network.strip_prefix("eip155:")?)
        }
    }

    /// The network as a CAIP-2 id (v1 names translated when known).
    pub fn caip2_network(&self) -> Option<String> {
        let network = self.network.as_deref()?;
        if self.version == 2 {
            return Some(network.to_owned());
        }
        if let Some(id) = self.chain_id() {
            return Some(format!("eip155:{id}"));
        }
        V1_SOLANA_NETWORKS
            .iter()
            .find(|(name, _)| *name == network)
            .map(|(_, caip2)| (*caip2).to_owned())
    }

    /// A string field of `extra`, e.g. `extra_str("name")`.
    pub fn extra_str(&self, key: &str) -> Option<&str> {
        self.extra.as_ref()?.get(key)?.as_str()
    }

    /// `extra.assetTransferMethod`, defaulting to `eip3009` as the reference clients do
    /// (`@x402/evm` `exact/client/scheme.ts`).
    pub fn transfer_method(&self) -> &str {
        self.extra_str("assetTransferMethod").unwrap_or("eip3009")
    }

    /// Where `extra` disagrees with what the network table knows about this requirement's
    /// token: the EIP-712 domain `name` and `version` (signed with the wrong ones, an
    /// authorization is worthless, or good for another contract), and a Permit2-only token
    /// offered without `assetTransferMethod: "permit2"`.
    pub fn token_problems(&self, network: &Network, asset: &Asset) -> Vec<Problem> {
        let mut out = Vec::new();
        let known = [
            ("name", asset.eip712_name.as_str()),
            ("version", asset.eip712_version.as_str()),
        ];
        for (key, expected) in known {
            if let Some(sent) = self.extra_str(key).filter(|s| !s.is_empty())
                && sent != expected
            {
                out.push(Problem::new(
                    &format!("extra.{key}"),
                    format!(
                        "is '{}', but {} on {} signs with eip-712 {key} '{expected}'",
                        crate::output::untrusted(sent),
                        asset.symbol,
                        network.name
                    ),
                ));
            }
        }
        if asset.method == TransferMethod::Permit2
            && self.scheme.as_deref() == Some("exact")
            && self.transfer_method() == "eip3009"
        {
            out.push(Problem::new(
                "extra.assetTransferMethod",
                format!(
                    "{}, but {} on {} has no eip-3009 and moves by permit2",
                    if self.extra_str("assetTransferMethod").is_some() {
                        "is 'eip3009'"
                    } else {
                        "is missing (eip3009 by default)"
                    },
                    asset.symbol,
                    network.name
                ),
            ));
        }
        out
    }

    /// `payTo` as an EVM address, when the network is EVM and the value is a valid,
    /// non-zero address.
    pub fn pay_to_address(&self) -> Option<Address> {
        self.evm_address(self.pay_to.as_deref()?)
    }

    /// `asset` (the token contract) as an EVM address, when valid and non-zero.
    pub fn asset_address(&self) -> Option<Address> {
        self.evm_address(self.asset.as_deref()?)
    }

    fn evm_address(&self, s: &str) -> Option<Address> {
        if self.is_evm() {
            check_evm_address(s).ok().filter(|a| !a.is_zero())
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;
    use base64::engine::general_purpose::{STANDARD, URL_SAFE, URL_SAFE_NO_PAD};

    use super::*;
    use crate::payment::test_vectors::*;

    fn header_doc(doc: &str) -> Vec<(String, String)> {
        vec![hdr("PAYMENT-REQUIRED", &STANDARD.encode(doc))]
    }

    fn v2(doc: &str) -> Challenge {
        parse_payment_required(&header_doc(doc), b"{}").expect(doc)
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
        let e = parse_payment_required(&header_doc(&doc), b"").unwrap_err();
        let text = e.to_string();
        assert!(text.len() < 200, "{text}");
        assert!(!text.contains('\n') && !text.contains('\u{1b}'), "{text}");
    }

    fn spec_v2() -> Challenge {
        parse_payment_required(
            &[hdr("PAYMENT-REQUIRED", SPEC_V2_PAYMENT_REQUIRED_B64)],
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
            format!("\t {standard} \r\n"),
        ];
        for value in values {
            for name in ["PAYMENT-REQUIRED", "payment-required", "Payment-Required"] {
                let c = parse_payment_required(&[hdr(name, &value)], b"")
                    .unwrap_or_else(|e| panic!("{name}: {value:?}: {e}"));
                assert_eq!(c.accepts[0].raw.to_string(), SPEC_V2_ACCEPTED_JSON);
            }
        }
        // URL-safe characters really occur: a description with bytes that encode to -/_.
        let tricky = doc.replace("Access to premium market data", "??>>??~~ü");
        let url_safe = URL_SAFE_NO_PAD.encode(&tricky);
        assert!(url_safe.contains(['-', '_']), "{url_safe}");
        let c = parse_payment_required(&[hdr("PAYMENT-REQUIRED", &url_safe)], b"").expect("parses");
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
            &[hdr("content-type", "application/json")],
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
        assert_eq!(parse_payment_required(&[], &bom).expect("bom").version, 1);
    }

    #[test]
    fn spec_v1_prose_network_is_flagged() {
        let body = SPEC_V1_BODY.replace("base-sepolia", "kairos-testnet");
        let c = parse_payment_required(&[], body.as_bytes()).expect("parses");
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
        let same = parse_payment_required(&headers, SPEC_V1_BODY.as_bytes()).expect("parses");
        assert_eq!((same.version, same.source), (2, Source::Header));
        assert!(same.warnings.is_empty(), "{:?}", same.warnings);
        // Same offer with a lowercase asset: still the same terms.
        let lower = SPEC_V1_BODY.replace(USDC_BASE_SEPOLIA, &USDC_BASE_SEPOLIA.to_lowercase());
        assert!(
            parse_payment_required(&headers, lower.as_bytes())
                .expect("parses")
                .warnings
                .is_empty()
        );
        // A different amount in the body: warned, header used.
        let other = SPEC_V1_BODY.replace("\"10000\"", "\"20000\"");
        let c = parse_payment_required(&headers, other.as_bytes()).expect("parses");
        assert_eq!(c.accepts[0].amount.as_deref(), Some("10000"));
        assert_eq!(c.warnings.len(), 1);
        assert!(c.warnings[0].contains("differ"), "{:?}", c.warnings);
        // A v2 body with another payee.
        let v2_body = SPEC_V2_PAYMENT_REQUIRED_JSON.replace(PAY_TO, USDC_BASE);
        let c = parse_payment_required(&headers, v2_body.as_bytes()).expect("parses");
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
            let c = parse_payment_required(&headers, junk).expect("parses");
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
        let c = parse_payment_required(&headers, body.as_bytes()).expect("parses");
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
        let c = parse_payment_required(&headers, four.as_bytes()).expect("parses");
        assert!(
            c.problems[0].message.contains("and 1 more"),
            "{:?}",
            c.problems
        );
        // Another number of options.
        let accepted = SPEC_V2_ACCEPTED_JSON;
        let two =
            SPEC_V2_PAYMENT_REQUIRED_JSON.replace(accepted, &format!("{accepted},{accepted}"));
        let c = parse_payment_required(&headers, two.as_bytes()).expect("parses");
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
            let c = parse_payment_required(&headers, body.as_bytes()).expect("parses");
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
        let c = parse_payment_required(&headers, page).expect("terms from the header");
        assert!(c.html_body);
        assert_eq!(c.accepts[0].amount.as_deref(), Some("10000"));
        assert_eq!(c.problems.len(), 1, "{:?}", c.problems);
        assert_eq!(c.problems[0].field, "body");
        assert!(c.problems[0].message.contains("browser paywall"));
        assert_eq!(c.warnings, [c.problems[0].to_string()]);
        // Detected by Content-Type alone, or by the page alone.
        let c = parse_payment_required(&headers, b"pay here").expect("parses");
        assert!(c.html_body);
        headers.remove(0);
        assert!(
            parse_payment_required(&headers, page)
                .expect("parses")
                .html_body
        );
        // Without the header: nothing to read, and the error says it is a page.
        let err = parse_payment_required(std::slice::from_ref(&html), page).expect_err("no terms");
        assert!(matches!(err, ChallengeError::NotX402 { html: true, .. }));
        assert_eq!(err.step(), "paywall");
        // The legacy paywall and @x402/core's fallback page are recognised as x402 paywalls;
        // other pages, and non-HTML bodies, are not.
        let legacy = b"<!DOCTYPE html><html><head><script>window.x402 = {amount: 0.001};</script></head></html>";
        assert!(looks_like_x402_paywall(&[], legacy));
        assert!(looks_like_x402_paywall(std::slice::from_ref(&html), page));
        assert!(!looks_like_x402_paywall(
            std::slice::from_ref(&html),
            b"<html><body>hello</body></html>"
        ));
        assert!(!looks_like_x402_paywall(
            &[],
            b"{\"x402\":\"payment required\"}"
        ));
    }

    #[test]
    fn v2_body_without_header_is_accepted_with_a_warning() {
        let c =
            parse_payment_required(&[], SPEC_V2_PAYMENT_REQUIRED_JSON.as_bytes()).expect("parses");
        assert_eq!((c.version, c.source), (2, Source::Body));
        assert_eq!(c.warnings.len(), 1);
        assert!(c.warnings[0].contains("go"), "{:?}", c.warnings);
    }

    #[test]
    fn v1_document_in_the_header_is_read_as_v1_with_a_warning() {
        let doc = json(SPEC_V1_BODY).to_string();
        let c = parse_payment_required(&header_doc(&doc), b"").expect("parses");
        assert_eq!((c.version, c.source), (1, Source::Header));
        assert!(c.warnings[0].contains("v1"), "{:?}", c.warnings);
    }

    #[test]
    fn several_and_empty_headers() {
        let other = STANDARD.encode(SPEC_V2_PAYMENT_REQUIRED_JSON.replace("10000", "1"));
        let c = parse_payment_required(
            &[
                hdr("PAYMENT-REQUIRED", ""),
                hdr("PAYMENT-REQUIRED", SPEC_V2_PAYMENT_REQUIRED_B64),
                hdr("payment-required", &other),
            ],
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
        let c = parse_payment_required(&[hdr("PAYMENT-REQUIRED", "  ")], SPEC_V1_BODY.as_bytes())
            .expect("parses");
        assert_eq!((c.version, c.source), (1, Source::Body));
        assert!(c.warnings[0].contains("empty"), "{:?}", c.warnings);
        // Two identical copies are no cause for a warning.
        let twice = [
            hdr("PAYMENT-REQUIRED", SPEC_V2_PAYMENT_REQUIRED_B64),
            hdr("PAYMENT-REQUIRED", SPEC_V2_PAYMENT_REQUIRED_B64),
        ];
        assert!(
            parse_payment_required(&twice, b"")
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
            let err = parse_payment_required(&headers, &body).expect_err("must fail");
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
            let err = parse_payment_required(&headers, body).expect_err("must fail");
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
        let mut raw = json(SPEC_V2_ACCEPTED_JSON);
        let obj = raw.as_object_mut().expect("object");
        match value {
            Some(v) => {
                obj.insert(key.to_owned(), v);
            }
            None => {
                obj.shift_remove(key);
            }
        }
        Requirement::parse(0, &raw, 2)
    }

    fn v1_with(key: &str, value: Option<Value>) -> Requirement {
        let mut raw = json(SPEC_V1_BODY)["accepts"][0].clone();
        let obj = raw.as_object_mut().expect("object");
        match value {
            Some(v) => {
                obj.insert(key.to_owned(), v);
            }
            None => {
                obj.shift_remove(key);
            }
        }
        Requirement::parse(0, &raw, 1)
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
        raw["extra"] =
            json(r#"{"facilitatorAddress":"0x0000000000000000000000000000000000000001"}"#);
        assert!(Requirement::parse(0, &raw, 2).problems.is_empty());
    }

    #[test]
    fn problems_display_as_one_clause() {
        let req = v2_with("amount", Some(json(r#""007""#)));
        assert_eq!(req.problems[0].to_string(), "amount has leading zeros");
    }
}
