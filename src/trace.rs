//! The `-v` trace, in curl's layout: `* ` for connection and payment steps, `> ` for the
//! request line and headers sent, `< ` for the status line and headers received, each block
//! ending with a bare `>` or `<` line. Goes to stderr through [`Printer::detail`], so it never
//! touches stdout and shows nothing without `-v`.
//!
//! Secrets never appear: the request line carries the path and query only and `Host` the host
//! and port (never the URL's user info); a payment header (`PAYMENT-SIGNATURE`, `X-PAYMENT`: a
//! signed authorization anyone holding it can spend until `validBefore`), `Authorization`,
//! `Proxy-Authorization`, `Cookie` and `Set-Cookie` are shown by name with their value
//! redacted.

use crate::output::Printer;
use crate::request::{Hop, Received};

/// Header names whose values are never shown.
const REDACTED: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "payment-signature",
    "x-payment",
];

fn redacted(name: &str) -> bool {
    REDACTED.iter().any(|r| name.eq_ignore_ascii_case(r))
}

/// `host:port` of a URL, without user info.
fn authority(url: &reqwest::Url) -> String {
    let host = url.host_str().unwrap_or("");
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    }
}

/// The lines for a request about to be sent: where to, then the request line and headers as
/// they go out (`Host`, `User-Agent` and `Accept` as the client adds them, unless given).
/// `payment` names the payment header added to a paid request.
pub fn request_lines(hop: &Hop, user_agent: Option<&str>, payment: Option<&str>) -> Vec<String> {
    let url = &hop.url;
    let port = url.port_or_known_default().unwrap_or(0);
    let mut lines = vec![format!(
        "* Trying {}:{port} ({})...",
        url.host_str().unwrap_or(""),
        url.scheme()
    )];
    let mut target = url.path().to_string();
    if let Some(q) = url.query() {
        target.push('?');
        target.push_str(q);
    }
    lines.push(format!("> {} {target} HTTP/1.1", hop.method));
    let given = |name: &str| hop.headers.contains_key(name);
    if !given("host") {
        lines.push(format!("> Host: {}", authority(url)));
    }
    if !given("user-agent") {
        lines.push(format!(
            "> User-Agent: {}",
            user_agent.unwrap_or(crate::http::USER_AGENT)
        ));
    }
    if !given("accept") {
        lines.push("> Accept: */*".into());
    }
    for (name, value) in &hop.headers {
        let shown = if redacted(name.as_str()) {
            "(redacted)".to_string()
        } else {
            crate::output::untrusted(&String::from_utf8_lossy(value.as_bytes()))
        };
        lines.push(format!("> {}: {shown}", name.as_str()));
    }
    if let Some(body) = &hop.body {
        lines.push(format!("> Content-Length: {}", body.len()));
    }
    if let Some(name) = payment {
        lines.push(format!(
            "> {name}: (redacted: a signed payment authorization)"
        ));
    }
    lines.push(">".into());
    if let Some(body) = &hop.body {
        lines.push(format!("* sending a body of {} bytes", body.len()));
    }
    lines
}

/// The lines for a response head: who answered, then the status line and headers.
pub fn response_lines(url: &reqwest::Url, resp: &Received) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(addr) = resp.remote {
        lines.push(format!(
            "* Connected to {} ({}) port {}",
            url.host_str().unwrap_or(""),
            addr.ip(),
            addr.port()
        ));
    }
    lines.push(
        format!("< {} {} {}", resp.version, resp.status, resp.reason)
            .trim_end()
            .to_string(),
    );
    for (name, value) in &resp.headers {
        let shown = if redacted(name.as_str()) {
            "(redacted)".to_string()
        } else {
            crate::output::untrusted(&crate::http::header_text(value))
        };
        lines.push(format!("< {name}: {shown}"));
    }
    lines.push("<".into());
    lines
}

/// Shows a request about to be sent (with `-v`).
pub fn request(p: &Printer, hop: &Hop, user_agent: Option<&str>, payment: Option<&str>) {
    for line in request_lines(hop, user_agent, payment) {
        p.detail(line);
    }
}

/// Shows a response head as it arrived (with `-v`).
pub fn response(p: &Printer, url: &reqwest::Url, resp: &Received) {
    for line in response_lines(url, resp) {
        p.detail(line);
    }
}

/// A step of the connection or the payment (with `-v`): `* what`.
pub fn step(p: &Printer, what: impl AsRef<str>) {
    p.detail(format!("* {}", what.as_ref()));
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderValue};

    #[test]
    fn secrets_are_redacted_and_credentials_never_shown() {
        let mut headers = HeaderMap::new();
        headers.insert("authorization", HeaderValue::from_static("Bearer s3cret"));
        headers.insert("cookie", HeaderValue::from_static("session=s3cret"));
        headers.insert("x-payment", HeaderValue::from_static("s3cret"));
        headers.insert("x-trace", HeaderValue::from_static("visible"));
        let hop = Hop {
            method: reqwest::Method::POST,
            url: reqwest::Url::parse("https://alice:s3cret@api.example.com:8443/paid?q=1").unwrap(),
            headers,
            body: Some(b"{}".to_vec()),
        };
        let lines = request_lines(&hop, None, Some("PAYMENT-SIGNATURE"));
        let text = lines.join("\n");
        assert!(!text.contains("s3cret"), "{text}");
        assert!(!text.contains("alice"), "{text}");
        assert_eq!(lines[0], "* Trying api.example.com:8443 (https)...");
        assert_eq!(lines[1], "> POST /paid?q=1 HTTP/1.1");
        assert_eq!(lines[2], "> Host: api.example.com:8443");
        assert!(text.contains("> authorization: (redacted)"), "{text}");
        assert!(text.contains("> x-payment: (redacted)"), "{text}");
        assert!(text.contains("> x-trace: visible"), "{text}");
        assert!(text.contains("> Content-Length: 2"), "{text}");
        assert!(
            text.contains("> PAYMENT-SIGNATURE: (redacted: a signed payment authorization)"),
            "{text}"
        );
        assert!(lines.contains(&">".to_string()));
    }
}
