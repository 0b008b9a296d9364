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
//!
//! The module is split by job; each file says what it may use:
//! - this file: the types ([`Challenge`], [`Requirement`], [`Problem`], [`ChallengeError`]);
//! - `locate`: finding the document in the header or the body and reading its top level;
//! - `requirement`: reading one `accepts` entry and what callers ask of it;
//! - `fields`: checks of single values (amounts, addresses, network ids);
//! - `compare`: the terms of a body document against the header's;
//! - `html`: telling an HTML page, and an x402 browser paywall, from a document.

use std::fmt;

use serde::Serialize;
use serde_json::Value;

mod compare;
mod fields;
mod html;
mod locate;
mod requirement;

pub(crate) use fields::json_type;
pub use fields::{check_amount, check_evm_address};
pub use html::{looks_like_html, looks_like_x402_paywall};
pub use locate::parse_payment_required;

/// Header carrying the v2 challenge (`specs/transports-v2/http.md`).
pub const PAYMENT_REQUIRED_HEADER: &str = "PAYMENT-REQUIRED";

/// The most `accepts` entries read from one 402; the rest are left out with a departure noted.
pub const MAX_ACCEPTS: usize = 64;

/// A JSON value from the server in an error line: escaped and cut, never the size of the input.
fn shown_value(v: &Value) -> String {
    let text = v.to_string();
    crate::output::untrusted_within(&text, 80)
}

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

impl Challenge {
    fn push(&mut self, problem: Problem) {
        self.warnings.push(problem.to_string());
        self.problems.push(problem);
    }
}

#[cfg(test)]
mod tests;
