//! Finding the x402 document of a 402 (the `PAYMENT-REQUIRED` header, else the JSON body) and
//! reading its top level (`x402Version`, `accepts`, `resource`, `error`, `extensions`).
//!
//! May use the types of [`super`], the requirement reader, the body comparison and HTML
//! detection beside it, and the lenient base64 decoder in [`crate::payment::header`].

use serde_json::{Map, Value};

use super::compare::compare_body;
use super::fields::json_type;
use super::html::{contains, looks_like_html};
use super::{
    Challenge, ChallengeError, MAX_ACCEPTS, PAYMENT_REQUIRED_HEADER, Problem, Requirement,
    ResourceInfo, Source,
};
use crate::http::header_texts;
use crate::payment::header::decode_base64_lenient;
use reqwest::header::HeaderMap;

/// Reads a 402 response (its headers, looked up in any case, and its body).
///
/// Order, as in the reference clients: a `PAYMENT-REQUIRED` header wins (v2); otherwise the
/// body is read as JSON and must say `x402Version: 1`. A v2 document in the body without the
/// header is accepted with a warning, as Go's client does (TS and Python reject it).
///
/// With a header, the body is looked at only to report it: an HTML page (the browser paywall
/// `@x402/core` serves, with the header, to a request it takes for a browser's), or an x402
/// document whose terms differ from the header's.
pub fn parse_payment_required(
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Challenge, ChallengeError> {
    let mut problems = Vec::new();
    let header_texts: Vec<_> = header_texts(headers, PAYMENT_REQUIRED_HEADER).collect();
    let header_values: Vec<&str> = header_texts.iter().map(|value| value.trim()).collect();
    let non_empty: Vec<&str> = header_values
        .iter()
        .copied()
        .filter(|v| !v.is_empty())
        .collect();
    let html = looks_like_html(headers, body);

    if let Some(&value) = non_empty.first() {
        return from_header(value, non_empty.as_slice(), html, body);
    }
    if !header_values.is_empty() {
        // TS treats an empty header as absent (`if (paymentRequired)`), and so do we.
        problems.push(Problem::new(
            PAYMENT_REQUIRED_HEADER,
            "is empty and was ignored",
        ));
    }

    let doc = read_body_document(body, html)?;
    build(doc, Source::Body, problems)
}

/// The challenge of a `PAYMENT-REQUIRED` header (`value`, the first of `sent`), with what the
/// body says about it.
fn from_header(
    value: &str,
    sent: &[&str],
    html: bool,
    body: &[u8],
) -> Result<Challenge, ChallengeError> {
    let mut problems = Vec::new();
    let mut distinct = sent.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() > 1 {
        problems.push(Problem::new(
            PAYMENT_REQUIRED_HEADER,
            format!(
                "was sent {} times with {} different values; the first one is used",
                sent.len(),
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
    Ok(challenge)
}

/// The x402 document of a 402 without the header: a JSON object in the body that has
/// `x402Version`.
fn read_body_document(body: &[u8], html: bool) -> Result<Value, ChallengeError> {
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
    Ok(doc)
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

/// Reads an x402 document found in `source`: structural failures are errors, everything else
/// a departure in `problems` (which holds the ones found before, in the headers).
pub(super) fn build(
    doc: Value,
    source: Source,
    mut problems: Vec<Problem>,
) -> Result<Challenge, ChallengeError> {
    let Value::Object(map) = &doc else {
        return Err(ChallengeError::NotObject(source));
    };
    let version = read_version(map)?;
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

    let accepts = read_accepts(map, version, &mut problems)?;
    let error = read_error(map, &mut problems);
    let resource = if version == 2 {
        read_resource_v2(map, &mut problems)
    } else {
        resource_v1(&accepts)
    };
    let extensions = read_extensions(map, &mut problems);

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

/// `x402Version`: 1 or 2.
fn read_version(map: &Map<String, Value>) -> Result<u8, ChallengeError> {
    let Some(v) = map.get("x402Version") else {
        return Err(ChallengeError::Missing {
            field: "x402Version".to_owned(),
        });
    };
    match v.as_u64() {
        Some(1) => Ok(1),
        Some(2) => Ok(2),
        _ => Err(ChallengeError::UnsupportedVersion(v.clone())),
    }
}

/// `accepts`, read up to [`MAX_ACCEPTS`] options.
fn read_accepts(
    map: &Map<String, Value>,
    version: u8,
    problems: &mut Vec<Problem>,
) -> Result<Vec<Requirement>, ChallengeError> {
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
    Ok(accepts
        .iter()
        .take(MAX_ACCEPTS)
        .enumerate()
        .map(|(i, raw)| Requirement::parse(i, raw, version))
        .collect())
}

/// The server's `error` text.
fn read_error(map: &Map<String, Value>, problems: &mut Vec<Problem>) -> Option<String> {
    match map.get("error") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => {
            problems.push(Problem::new(
                "error",
                format!("must be a string, not {}; ignored", json_type(other)),
            ));
            None
        }
    }
}

/// The v2 top-level `resource` object.
fn read_resource_v2(map: &Map<String, Value>, problems: &mut Vec<Problem>) -> Option<ResourceInfo> {
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
}

/// v1 has no top-level `resource`: it is assembled from the first requirement.
fn resource_v1(accepts: &[Requirement]) -> Option<ResourceInfo> {
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
}

/// v2 `extensions`, as sent.
fn read_extensions(map: &Map<String, Value>, problems: &mut Vec<Problem>) -> Option<Value> {
    match map.get("extensions") {
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
    }
}
