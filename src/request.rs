//! Sending the request a user (or an agent) described, so the unpaid request and the paid
//! retry are the same request (method, headers, body), and following redirects with curl's
//! rules.
//!
//! The description is a [`RequestSpec`]: plain values (method, URL, an [`HeaderMap`], the body's
//! bytes, [`Timeouts`], User-Agent, TLS), never clap's arguments and never a file or stdin to
//! read. The command line builds one with curl's meanings for curl's flags
//! (`cli::RequestArgs::spec`, in src/cli/request.rs); an MCP tool call builds one from its
//! JSON arguments with [`RequestSpec::from_call`]. [`RequestSpec::prepare`] makes the client.
//! Response headers stay the [`HeaderMap`] they arrived in ([`Received::headers`]).
//!
//! Depends on `http`, `exit` and `output` only.

use crate::exit::{ExitStatus, Failed, UsageError};
use crate::http::{self, ClientOptions, first_header, header_text};
use anyhow::Result;
use reqwest::Method;
use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use std::time::Duration;

/// A request to send, described with plain values.
///
/// Built by the command line from `get`'s and `inspect`'s flags, or by
/// [`RequestSpec::from_call`] from an MCP tool call; sent after [`RequestSpec::prepare`].
#[derive(Clone, Debug)]
pub struct RequestSpec {
    pub method: Method,
    /// `http` or `https` only ([`parse_url`]).
    pub url: reqwest::Url,
    /// The headers sent, besides the client's own (`User-Agent` unless given here, `Accept:
    /// */*` unless given here, `Host`).
    pub headers: HeaderMap,
    /// The body's bytes, exactly as sent; `None` sends none.
    pub body: Option<Vec<u8>>,
    pub timeouts: Timeouts,
    /// The client's `User-Agent` (a `User-Agent` in [`RequestSpec::headers`] wins); `None` is
    /// [`http::USER_AGENT`].
    pub user_agent: Option<String>,
    /// Do not verify the server's TLS certificate (`-k`).
    pub insecure: bool,
}

/// How long a request may take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeouts {
    /// To connect (`--connect-timeout`; [`DEFAULT_CONNECT_TIMEOUT`]).
    pub connect: Duration,
    /// The longest silence while waiting for or reading a response ([`DEFAULT_READ_TIMEOUT`]).
    pub read: Duration,
    /// The whole operation, body included (`-m`); `None`: no limit.
    pub total: Option<Duration>,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: DEFAULT_CONNECT_TIMEOUT,
            read: DEFAULT_READ_TIMEOUT,
            total: None,
        }
    }
}

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
    /// The headers as received: looked up by name in any case ([`http::first_header`],
    /// [`http::header_texts`]); iterated (`-i`, `-v`) name by name in the order each name first
    /// came, a repeated name's values together in the order received, names in lower case.
    pub headers: HeaderMap,
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

// URLs with their passwords hidden are the HTTP layer's ([`crate::http`]), so that the layers
// under this one (`rpc`) need not depend on it.
pub use crate::http::{SafeUrl, redact_error, safe_url, safe_url_text};

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

/// The URL to request, as curl reads one ([`with_scheme`]); `http` and `https` only. Errors
/// exit 3 ([`ExitStatus::UrlMalformed`]) and never show the URL's password.
pub fn parse_url(text: &str) -> Result<reqwest::Url> {
    let url = reqwest::Url::parse(&with_scheme(text)).map_err(|e| Failed {
        status: ExitStatus::UrlMalformed,
        message: format!(
            "malformed URL '{}': {e}",
            crate::output::untrusted(&safe_url_text(text))
        ),
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Failed {
            status: ExitStatus::UrlMalformed,
            message: format!(
                "unsupported URL scheme '{}' (http and https only)",
                url.scheme()
            ),
        }
        .into());
    }
    Ok(url)
}

/// An HTTP method as given (`-X`, a tool call's `method`): any token, in the case given.
pub fn parse_method(text: &str) -> Result<Method> {
    Method::from_bytes(text.as_bytes())
        .map_err(|_| UsageError(format!("invalid method '{text}'")).into())
}

/// curl's `-H "Name: value"` applied to `headers`: the value replaces any before it, and
/// `Name:` with no value removes the header (a default one too). Errors name `line`.
pub fn apply_header_line(headers: &mut HeaderMap, line: &str) -> Result<()> {
    let Some((name, value)) = line.split_once(':') else {
        return Err(UsageError(format!("header '{line}' is not 'Name: value'")).into());
    };
    let name = HeaderName::from_bytes(name.trim().as_bytes())
        .map_err(|_| UsageError(format!("invalid header name in '{line}'")))?;
    let value = value.trim();
    if value.is_empty() {
        headers.remove(&name);
        return Ok(());
    }
    let value = HeaderValue::from_str(value)
        .map_err(|_| UsageError(format!("invalid header value in '{line}'")))?;
    headers.insert(name, value);
    Ok(())
}

impl RequestSpec {
    /// A `GET` of `url` with no headers or body, the default [`Timeouts`], the tool's
    /// User-Agent and TLS verified.
    pub fn get(url: reqwest::Url) -> Self {
        RequestSpec {
            method: Method::GET,
            url,
            headers: HeaderMap::new(),
            body: None,
            timeouts: Timeouts::default(),
            user_agent: None,
            insecure: false,
        }
    }

    /// The request of a tool call's JSON arguments (the MCP `inspect` and `fetch` tools):
    /// `url` as [`parse_url`] reads it; `method` as given, else `POST` with a body and `GET`
    /// without; each header as `-H "name: value"` would set it ([`apply_header_line`]; a name
    /// with `:` is refused, an empty value sends no header); `body` sent exactly as given
    /// (never a file or stdin: `@/etc/passwd` is those bytes), with a `Content-Type` of
    /// `application/json` when it parses as JSON and `application/x-www-form-urlencoded`
    /// otherwise, unless `headers` give one. Default timeouts, User-Agent and TLS; set the
    /// fields to change them. Errors are usage errors (exit 2), or exit 3 for the URL.
    pub fn from_call<'a>(
        url: &str,
        method: Option<&str>,
        headers: impl IntoIterator<Item = (&'a str, &'a str)>,
        body: Option<&str>,
    ) -> Result<Self> {
        let mut spec = RequestSpec::get(parse_url(url)?);
        let mut content_type_given = false;
        for (name, value) in headers {
            if name.contains(':') {
                return Err(UsageError(format!("invalid header name '{name}'")).into());
            }
            content_type_given |= name.eq_ignore_ascii_case("content-type");
            apply_header_line(&mut spec.headers, &format!("{name}: {value}"))?;
        }
        if let Some(m) = method {
            spec.method = parse_method(m)?;
        }
        if let Some(body) = body {
            if method.is_none() {
                spec.method = Method::POST;
            }
            if !content_type_given {
                let json = serde_json::from_str::<serde::de::IgnoredAny>(body).is_ok();
                spec.headers.insert(
                    CONTENT_TYPE,
                    HeaderValue::from_static(if json {
                        "application/json"
                    } else {
                        "application/x-www-form-urlencoded"
                    }),
                );
            }
            spec.body = Some(body.as_bytes().to_vec());
        }
        Ok(spec)
    }

    /// The request ready to send: its client made (timeouts, TLS, User-Agent; redirects are
    /// never followed by the client, see [`Prepared::redirect`]).
    pub fn prepare(&self) -> Result<Prepared> {
        let client = http::client(&ClientOptions {
            connect_timeout: Some(self.timeouts.connect),
            read_timeout: Some(self.timeouts.read),
            timeout: self.timeouts.total,
            insecure: self.insecure,
            user_agent: self.user_agent.clone(),
        })?;
        Ok(Prepared {
            method: self.method.clone(),
            url: self.url.clone(),
            headers: self.headers.clone(),
            body: self.body.clone(),
            client,
        })
    }
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
                crate::output::untrusted(n.as_str()),
                crate::output::untrusted(&header_text(v))
            ));
        }
        lines
    }
}

/// Whether a status is a redirect `-L` follows.
pub fn is_redirect(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

/// Which redirects are followed: curl's `-L` and `--max-redirs`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RedirectPolicy {
    /// Follow redirects (`-L`); without it a 3xx is the answer.
    pub follow: bool,
    /// The most redirects followed (`--max-redirs`).
    pub max: u32,
}

impl RedirectPolicy {
    /// A 3xx is the answer: no redirect is followed.
    pub const NONE: RedirectPolicy = RedirectPolicy {
        follow: false,
        max: 50,
    };

    /// Whether `status` is a redirect this policy follows.
    pub fn follows(&self, status: u16) -> bool {
        self.follow && is_redirect(status)
    }
}

/// Counts one more redirect followed; beyond `--max-redirs`, curl's 47.
pub fn count_redirect(redirects: &mut u32, policy: RedirectPolicy) -> Result<()> {
    *redirects += 1;
    if *redirects > policy.max {
        return Err(Failed {
            status: ExitStatus::TooManyRedirects,
            message: format!("more than {} redirects (--max-redirs)", policy.max),
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
        let headers = resp.headers().clone();
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
            let html = first_header(&received.headers, "content-type")
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
        let location = first_header(&response.headers, "location").ok_or_else(|| {
            anyhow::anyhow!(
                "HTTP {} redirect without a Location header",
                response.status
            )
        })?;
        let url = hop.url.join(&location).map_err(|e| Failed {
            status: ExitStatus::UrlMalformed,
            message: format!(
                "the redirect to '{}' is not a valid URL: {e}",
                crate::output::untrusted(&safe_url_text(&location))
            ),
        })?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(Failed {
                status: ExitStatus::UrlMalformed,
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
    fn a_tool_call_is_the_request_it_describes() {
        let spec = RequestSpec::from_call("127.0.0.1:9/x", None, [], None).unwrap();
        assert_eq!(spec.method, Method::GET);
        assert_eq!(spec.url.as_str(), "http://127.0.0.1:9/x");
        assert!(spec.headers.is_empty() && spec.body.is_none());
        assert_eq!(spec.timeouts, Timeouts::default());
        assert_eq!((spec.user_agent, spec.insecure), (None, false));

        // A body is sent as given (never a file), POST by default, typed by what it is.
        let spec = RequestSpec::from_call("http://h/x", None, [], Some("@/etc/passwd")).unwrap();
        assert_eq!(spec.method, Method::POST);
        assert_eq!(spec.body.as_deref(), Some(&b"@/etc/passwd"[..]));
        assert_eq!(
            spec.headers[CONTENT_TYPE],
            "application/x-www-form-urlencoded"
        );
        let headers = [
            ("X-A", " 1 "),
            ("Content-Type", "text/plain"),
            ("X-Gone", ""),
        ];
        let spec = RequestSpec::from_call("http://h/x", Some("put"), headers, Some("{}")).unwrap();
        assert_eq!(spec.method.as_str(), "put");
        assert_eq!(spec.headers["x-a"], "1");
        assert_eq!(spec.headers[CONTENT_TYPE], "text/plain");
        assert!(!spec.headers.contains_key("x-gone"));
        let spec = RequestSpec::from_call("http://h/x", None, [], Some(r#"{"q":1}"#)).unwrap();
        assert_eq!(spec.headers[CONTENT_TYPE], "application/json");
        assert!(!spec.headers.contains_key("accept"));

        let usage = |r: Result<RequestSpec>| r.unwrap_err().downcast::<UsageError>().unwrap().0;
        assert_eq!(
            usage(RequestSpec::from_call(
                "http://h/",
                None,
                [("a:b", "1")],
                None
            )),
            "invalid header name 'a:b'"
        );
        assert_eq!(
            usage(RequestSpec::from_call(
                "http://h/",
                None,
                [("a b", "1")],
                None
            )),
            "invalid header name in 'a b: 1'"
        );
        assert_eq!(
            usage(RequestSpec::from_call("http://h/", Some("G T"), [], None)),
            "invalid method 'G T'"
        );
        let bad = RequestSpec::from_call("ftp://h/", None, [], None).unwrap_err();
        let bad = bad.downcast::<Failed>().unwrap();
        assert_eq!(bad.status, ExitStatus::UrlMalformed);
    }

    #[test]
    fn a_header_line_sets_replaces_or_removes() {
        let mut headers = HeaderMap::new();
        apply_header_line(&mut headers, "X-A: 1").unwrap();
        apply_header_line(&mut headers, "x-a:2").unwrap();
        assert_eq!(headers.get_all("x-a").iter().count(), 1);
        assert_eq!(headers["x-a"], "2");
        apply_header_line(&mut headers, "X-A:").unwrap();
        assert!(headers.is_empty());
        assert!(apply_header_line(&mut headers, "no colon").is_err());
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
