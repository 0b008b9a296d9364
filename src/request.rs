//! Building and sending the user's request with curl's meanings for curl's flags, so the
//! unpaid request and the paid retry are the same request (method, headers, body).

use crate::cli::RequestArgs;
use crate::error::UsageError;
use crate::http::{self, ClientOptions};
use anyhow::Result;
use reqwest::Method;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use std::io::Read;
use std::time::Duration;

/// A request ready to send, and to send again with a payment header.
#[derive(Debug)]
pub struct Prepared {
    pub method: Method,
    pub url: reqwest::Url,
    pub headers: HeaderMap,
    pub body: Option<Vec<u8>>,
    pub client: reqwest::Client,
}

/// A response read in full.
#[derive(Debug)]
pub struct Received {
    pub status: u16,
    pub reason: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

fn seconds(v: Option<f64>, flag: &str) -> Result<Option<Duration>> {
    v.map(|s| {
        if s.is_finite() && s > 0.0 {
            Ok(Duration::from_secs_f64(s))
        } else {
            Err(UsageError(format!("{flag} must be a positive number of seconds")).into())
        }
    })
    .transpose()
}

/// `@file` / `@-` / literal, as curl reads `-d`, `--data-binary` and `--json`.
fn read_data(value: &str, strip_newlines: bool) -> Result<Vec<u8>> {
    let mut bytes = match value.strip_prefix('@') {
        Some("-") => {
            let mut b = Vec::new();
            std::io::stdin()
                .read_to_end(&mut b)
                .map_err(|e| UsageError(format!("cannot read the body from stdin: {e}")))?;
            b
        }
        Some(path) => std::fs::read(path)
            .map_err(|e| UsageError(format!("cannot read the body from {path}: {e}")))?,
        None => return Ok(value.as_bytes().to_vec()),
    };
    if strip_newlines {
        bytes.retain(|b| *b != b'\n' && *b != b'\r');
    }
    Ok(bytes)
}

/// `json_body` is `get`'s curl-style `--json BODY` (inspect's `--json` is its output format).
pub fn prepare(args: &RequestArgs, json_body: &[String]) -> Result<Prepared> {
    let url = reqwest::Url::parse(&args.url).map_err(|e| crate::error::Failed {
        status: crate::exit::ExitStatus::UrlMalformed,
        message: format!("malformed URL '{}': {e}", args.url),
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(crate::error::Failed {
            status: crate::exit::ExitStatus::UrlMalformed,
            message: format!(
                "unsupported URL scheme '{}' (http and https only)",
                url.scheme()
            ),
        }
        .into());
    }
    let mut headers = HeaderMap::new();
    let mut body: Option<Vec<u8>> = None;
    let mut append = |chunk: Vec<u8>, sep: &[u8]| {
        let b = body.get_or_insert_with(Vec::new);
        if !b.is_empty() {
            b.extend_from_slice(sep);
        }
        b.extend_from_slice(&chunk);
    };
    let mut default_type = None;
    for d in &args.data {
        append(read_data(d, true)?, b"&");
        default_type = Some("application/x-www-form-urlencoded");
    }
    for d in &args.data_binary {
        append(read_data(d, false)?, b"&");
        default_type = Some("application/x-www-form-urlencoded");
    }
    for d in json_body {
        append(read_data(d, false)?, b"");
        default_type = Some("application/json");
        headers.insert("accept", HeaderValue::from_static("application/json"));
    }
    if let Some(t) = default_type {
        headers.insert("content-type", HeaderValue::from_static(t));
    }
    for h in &args.headers {
        let Some((name, value)) = h.split_once(':') else {
            return Err(UsageError(format!("header '{h}' is not 'Name: value'")).into());
        };
        let name = HeaderName::from_bytes(name.trim().as_bytes())
            .map_err(|_| UsageError(format!("invalid header name in '{h}'")))?;
        let value = value.trim();
        if value.is_empty() {
            // curl: "Name:" with no value removes the header.
            headers.remove(&name);
            continue;
        }
        let value = HeaderValue::from_str(value)
            .map_err(|_| UsageError(format!("invalid header value in '{h}'")))?;
        headers.insert(name, value);
    }
    let method = match (&args.method, args.head, body.is_some()) {
        (Some(m), _, _) => Method::from_bytes(m.as_bytes())
            .map_err(|_| UsageError(format!("invalid method '{m}'")))?,
        (None, true, _) => Method::HEAD,
        (None, false, true) => Method::POST,
        (None, false, false) => Method::GET,
    };
    let client = http::client(&ClientOptions {
        connect_timeout: seconds(args.connect_timeout, "--connect-timeout")?,
        timeout: seconds(args.max_time, "--max-time")?,
        insecure: args.insecure,
        user_agent: args.user_agent.clone(),
    })?;
    Ok(Prepared {
        method,
        url,
        headers,
        body,
        client,
    })
}

impl Prepared {
    /// Sends the request, with one extra header for the paid retry.
    pub async fn send(&self, extra: Option<(&str, &str)>) -> Result<Received, reqwest::Error> {
        let mut req = self
            .client
            .request(self.method.clone(), self.url.clone())
            .headers(self.headers.clone());
        if let Some((name, value)) = extra {
            req = req.header(name, value);
        }
        if let Some(b) = &self.body {
            req = req.body(b.clone());
        }
        let resp = req.send().await?;
        let status = resp.status();
        let headers = resp
            .headers()
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let body = resp.bytes().await?.to_vec();
        Ok(Received {
            status: status.as_u16(),
            reason: status.canonical_reason().unwrap_or("").to_string(),
            headers,
            body,
        })
    }

    /// The request line and headers for `-v`, with payment headers redacted.
    pub fn trace(&self, extra: Option<(&str, &str)>) -> Vec<String> {
        let mut lines = vec![format!("> {} {}", self.method, self.url)];
        for (n, v) in &self.headers {
            lines.push(format!("> {}: {}", n, v.to_str().unwrap_or("(binary)")));
        }
        if let Some((n, _)) = extra {
            lines.push(format!("> {n}: (redacted: a signed payment authorization)"));
        }
        lines
    }
}
