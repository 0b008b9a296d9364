//! Building and sending the user's request with curl's meanings for curl's flags, so the
//! unpaid request and the paid retry are the same request (method, headers, body).

use crate::cli::{BodyPiece, RedirectArgs, RequestArgs};
use crate::exit::UsageError;
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

/// A response whose head has arrived. A 402's body is read with it (bounded, see
/// [`MAX_402_BODY`]), since its terms must be parsed; any other body is left to be read piece by
/// piece ([`Received::chunk`]), so a body of any size passes through bounded memory.
#[derive(Debug)]
pub struct Received {
    pub status: u16,
    pub reason: String,
    /// The HTTP version of the answer (`HTTP/1.1`), for `-v`.
    pub version: String,
    /// The address that answered, when known, for `-v`.
    pub remote: Option<std::net::SocketAddr>,
    pub headers: Vec<(String, String)>,
    /// What has been read of the body: a 402's, whole; of any other, nothing until
    /// [`Received::read_rest_within`].
    pub body: Vec<u8>,
    /// The connection the rest of the body comes from; `None` once it has all been read.
    rest: Option<reqwest::Response>,
}

/// Without `--connect-timeout`, a connection attempt gives up after this long.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(30);
/// A server silent for this long (no byte of the response) is given up on, even without `-m`.
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(60);

/// The longest `-m` / `--connect-timeout` taken: a year. Beyond it a number is a mistake, and
/// `Duration::from_secs_f64` panics on what does not fit a `Duration` (`1e300`, NaN, negative).
pub const MAX_SECONDS: f64 = 365.0 * 24.0 * 3600.0;

/// clap's parser for a number of seconds (`-m 2.5`): a positive, finite number up to
/// [`MAX_SECONDS`]; anything else is a usage error (exit 2), never a panic.
pub fn parse_seconds(text: &str) -> Result<Duration, String> {
    let value: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("'{text}' is not a number of seconds"))?;
    if !(value.is_finite() && value > 0.0 && value <= MAX_SECONDS) {
        return Err(format!(
            "'{text}' is out of range: a number of seconds above 0 and at most {MAX_SECONDS:.0} \
             (a year)"
        ));
    }
    Duration::try_from_secs_f64(value).map_err(|e| format!("'{text}': {e}"))
}

/// [`parse_seconds`] for a flag kept as a number of seconds (`--timeout`).
pub fn parse_seconds_number(text: &str) -> Result<f64, String> {
    parse_seconds(text).map(|d| d.as_secs_f64())
}

// URLs with their passwords hidden are the HTTP layer's ([`crate::http`]), so that the layers
// under this one (`rpc`) need not depend on it.
pub use crate::http::{SafeUrl, redact_error, safe_url, safe_url_text};

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

/// curl's habit for a URL given without a scheme (`127.0.0.1:4021/paid`, `api.example.com`):
/// it is taken as `http://`. Without this, `host:port` would parse as a URL whose scheme is the
/// host.
pub fn with_scheme(url: &str) -> std::borrow::Cow<'_, str> {
    // A scheme is RFC 3986's `ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )` before `://`; a
    // `://` later on (`host/?next=http://…`) is not one.
    let has_scheme = url.split_once("://").is_some_and(|(scheme, _)| {
        scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    });
    if has_scheme {
        std::borrow::Cow::Borrowed(url)
    } else {
        std::borrow::Cow::Owned(format!("http://{url}"))
    }
}

/// The request `args` describe. Its body is `args.body`: the `-d`, `--data-binary` and (`get`
/// only) `--json` values in command-line order, joined as curl joins them.
pub fn prepare(args: &RequestArgs) -> Result<Prepared> {
    let url = reqwest::Url::parse(&with_scheme(&args.url)).map_err(|e| crate::exit::Failed {
        status: crate::exit::ExitStatus::UrlMalformed,
        message: format!(
            "malformed URL '{}': {e}",
            crate::output::untrusted(&safe_url_text(&args.url))
        ),
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(crate::exit::Failed {
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
    for piece in &args.body {
        match piece {
            BodyPiece::Data(d) => append(read_data(d, true)?, b"&"),
            BodyPiece::Binary(d) => append(read_data(d, false)?, b"&"),
            BodyPiece::Json(d) => append(read_data(d, false)?, b""),
        }
        default_type = Some(match piece {
            BodyPiece::Json(_) => "application/json",
            BodyPiece::Data(_) | BodyPiece::Binary(_) => "application/x-www-form-urlencoded",
        });
        if let BodyPiece::Json(_) = piece {
            headers.insert("accept", HeaderValue::from_static("application/json"));
        }
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
        connect_timeout: args.connect_timeout.or(Some(DEFAULT_CONNECT_TIMEOUT)),
        read_timeout: Some(DEFAULT_READ_TIMEOUT),
        timeout: args.max_time,
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

/// One request of a conversation: the user's, or where a redirect leads (`-L`).
#[derive(Clone, Debug)]
pub struct Hop {
    pub method: Method,
    pub url: reqwest::Url,
    pub headers: HeaderMap,
    pub body: Option<Vec<u8>>,
}

// Defined in the HTTP layer, below the error classifier, which reads `TooLarge`'s exit status.
pub use crate::http::{MAX_402_BODY, ReceiveError};

impl From<reqwest::Error> for ReceiveError {
    /// The error's URL loses its password: reqwest's text embeds it.
    fn from(e: reqwest::Error) -> Self {
        ReceiveError::Http(redact_error(e))
    }
}

impl Received {
    /// The next piece of the body after [`Received::body`], as it arrives; `None` at its end.
    /// The `-m` deadline and the read timeout of the request still apply to every piece.
    pub async fn chunk(&mut self) -> Result<Option<bytes::Bytes>, ReceiveError> {
        let Some(resp) = self.rest.as_mut() else {
            return Ok(None);
        };
        let chunk = resp.chunk().await?;
        if chunk.is_none() {
            self.rest = None;
        }
        Ok(chunk)
    }

    /// Reads the rest of the body into [`Received::body`], up to `limit` bytes in all: for
    /// `inspect`, which reads a free answer to recognise an HTML paywall (its first MiB is
    /// enough) and must not buffer an unbounded body. Returns whether the body was cut there;
    /// the rest is never read.
    pub async fn read_rest_within(&mut self, limit: usize) -> Result<bool, ReceiveError> {
        while let Some(chunk) = self.chunk().await? {
            let room = limit.saturating_sub(self.body.len());
            if chunk.len() > room {
                self.body.extend_from_slice(&chunk[..room]);
                self.rest = None;
                return Ok(true);
            }
            self.body.extend_from_slice(&chunk);
        }
        Ok(false)
    }

    /// The status line and headers for `-v`, each value escaped and cut as any text from a
    /// server shown on the terminal ([`crate::output::untrusted`]).
    pub fn trace(&self) -> Vec<String> {
        let mut lines = vec![format!("< HTTP {} {}", self.status, self.reason)];
        for (n, v) in &self.headers {
            lines.push(format!(
                "< {}: {}",
                crate::output::untrusted(n),
                crate::output::untrusted(v)
            ));
        }
        lines
    }
}

fn headers_text<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Whether a status is a redirect `-L` follows.
pub fn is_redirect(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

/// Counts one more redirect followed; beyond `--max-redirs`, curl's 47.
pub fn count_redirect(redirects: &mut u32, args: RedirectArgs) -> Result<()> {
    *redirects += 1;
    if *redirects > args.max_redirs {
        return Err(crate::exit::Failed {
            status: crate::exit::ExitStatus::TooManyRedirects,
            message: format!("more than {} redirects (--max-redirs)", args.max_redirs),
        }
        .into());
    }
    Ok(())
}

/// Whether two URLs share scheme, host and port.
pub fn same_origin(a: &reqwest::Url, b: &reqwest::Url) -> bool {
    a.origin() == b.origin()
}

impl Prepared {
    /// The user's request as the first hop.
    pub fn first_hop(&self) -> Hop {
        Hop {
            method: self.method.clone(),
            url: self.url.clone(),
            headers: self.headers.clone(),
            body: self.body.clone(),
        }
    }

    /// Sends one hop, with one extra header for a paid request, and returns when the response
    /// head has arrived (and, for a 402, its body).
    pub async fn send_hop(
        &self,
        hop: &Hop,
        extra: Option<(&str, &str)>,
    ) -> Result<Received, ReceiveError> {
        let mut req = self
            .client
            .request(hop.method.clone(), hop.url.clone())
            .headers(hop.headers.clone());
        if let Some((name, value)) = extra {
            req = req.header(name, value);
        }
        if let Some(b) = &hop.body {
            req = req.body(b.clone());
        }
        let mut resp = req.send().await?;
        let status = resp.status();
        let headers: Vec<(String, String)> = resp
            .headers()
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let mut received = Received {
            status: status.as_u16(),
            reason: status.canonical_reason().unwrap_or("").to_string(),
            version: format!("{:?}", resp.version()),
            remote: resp.remote_addr(),
            body: Vec::new(),
            rest: None,
            headers,
        };
        if received.status == 402 {
            // A browser paywall page (the legacy v1 one is 3.5 MB) is kept to its first MiB,
            // enough to recognise it; any other oversized 402 is refused.
            let html = headers_text(&received.headers, "content-type")
                .is_some_and(|t| t.to_ascii_lowercase().contains("text/html"));
            let body = &mut received.body;
            while let Some(chunk) = resp.chunk().await? {
                if body.len() + chunk.len() > MAX_402_BODY {
                    if html {
                        body.extend_from_slice(&chunk[..MAX_402_BODY - body.len()]);
                        break;
                    }
                    return Err(ReceiveError::TooLarge);
                }
                body.extend_from_slice(&chunk);
            }
        } else {
            received.rest = Some(resp);
        }
        Ok(received)
    }

    /// Where a redirect response leads, with curl's rules: 303 (and 301/302 after a POST)
    /// becomes a body-less GET; 307/308 keep the method and body. Credentials (`Authorization`,
    /// `Cookie`) are not carried to another origin. No payment header is ever carried: the
    /// caller adds one only for a URL that answered 402 itself.
    pub fn redirect(&self, hop: &Hop, response: &Received) -> Result<Hop> {
        let location = response
            .headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("location"))
            .map(|(_, v)| v.as_str())
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "HTTP {} redirect without a Location header",
                    response.status
                )
            })?;
        let url = hop.url.join(location).map_err(|e| crate::exit::Failed {
            status: crate::exit::ExitStatus::UrlMalformed,
            message: format!(
                "the redirect to '{}' is not a valid URL: {e}",
                crate::output::untrusted(&safe_url_text(location))
            ),
        })?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(crate::exit::Failed {
                status: crate::exit::ExitStatus::UrlMalformed,
                message: format!(
                    "refusing to follow a redirect to '{}' (http and https only)",
                    crate::output::untrusted(&safe_url(&url))
                ),
            }
            .into());
        }
        let mut next = hop.clone();
        let to_get = response.status == 303 && hop.method != Method::HEAD
            || matches!(response.status, 301 | 302) && hop.method == Method::POST;
        if to_get {
            next.method = Method::GET;
            next.body = None;
            next.headers.remove("content-type");
            next.headers.remove("content-length");
        }
        if !same_origin(&hop.url, &url) {
            next.headers.remove("authorization");
            next.headers.remove("cookie");
        }
        next.url = url;
        Ok(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_in_urls_are_never_shown() {
        let url = reqwest::Url::parse("http://alice:s3cret@host:8080/p?q=1").unwrap();
        assert_eq!(safe_url(&url), "http://alice:***@host:8080/p?q=1");
        let plain = reqwest::Url::parse("http://alice@host/p").unwrap();
        assert_eq!(safe_url(&plain), "http://alice@host/p");
        assert_eq!(
            safe_url_text("http://bob:hunter2@exa mple/x"),
            "http://bob:***@exa mple/x"
        );
        assert_eq!(safe_url_text("not a url"), "not a url");
    }

    #[test]
    fn seconds_out_of_range_are_refused_not_panicked_on() {
        assert_eq!(parse_seconds("2.5"), Ok(Duration::from_millis(2500)));
        assert_eq!(
            parse_seconds("31536000"),
            Ok(Duration::from_secs(31_536_000))
        );
        for bad in [
            "1e300", "-1", "0", "NaN", "nan", "inf", "-inf", "31536001", "", "x", "1e19",
        ] {
            assert!(parse_seconds(bad).is_err(), "{bad}");
        }
    }
}
