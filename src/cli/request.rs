//! The request flags `get` and `inspect` share, with curl's names and meanings, and the plain
//! [`RequestSpec`] and [`RedirectPolicy`] they describe ([`RequestArgs::spec`]): the body's
//! `@FILE` and `@-` are read here, so the request layer never reads a file or stdin.

use crate::exit::UsageError;
use crate::request::{self, RedirectPolicy, RequestSpec, Timeouts};
use anyhow::Result;
use clap::Args;
use reqwest::Method;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderValue};
use std::io::Read;

/// The request, with curl's flags and curl's meanings.
#[derive(Debug, Args)]
pub struct RequestArgs {
    /// The URL to fetch
    #[arg(value_name = "URL")]
    pub url: String,
    /// HTTP method [default: GET, or POST with a body]
    #[arg(
        short = 'X',
        long = "request",
        value_name = "METHOD",
        help_heading = "Request"
    )]
    pub method: Option<String>,
    /// Extra header, "Name: value" (repeatable)
    #[arg(
        short = 'H',
        long = "header",
        value_name = "HEADER",
        help_heading = "Request"
    )]
    pub headers: Vec<String>,
    /// Request body, form-encoded as curl does; @FILE reads a file (newlines removed), @- stdin
    #[arg(
        short = 'd',
        long = "data",
        value_name = "DATA",
        help_heading = "Request"
    )]
    pub data: Vec<String>,
    /// Request body sent exactly as given; @FILE / @- read a file or stdin
    #[arg(long = "data-binary", value_name = "DATA", help_heading = "Request")]
    pub data_binary: Vec<String>,
    /// The body's pieces in command-line order (`-d`, `--data-binary`, `get --json`), filled by
    /// [`Cli::try_parse_ordered`]: curl joins `--data-binary 'x y' -d z` as `x y&z`, and the
    /// fields above keep each flag's values apart.
    #[arg(skip)]
    pub body: Vec<BodyPiece>,
    /// Send a HEAD request and show the headers
    #[arg(short = 'I', long, help_heading = "Request")]
    pub head: bool,
    /// User-Agent [default: x402/VERSION]
    #[arg(short = 'A', long, value_name = "AGENT", help_heading = "Request")]
    pub user_agent: Option<String>,
    /// Maximum time for the whole operation, in seconds
    #[arg(short = 'm', long, value_name = "SECONDS", help_heading = "Request",
        value_parser = crate::request::parse_seconds)]
    pub max_time: Option<std::time::Duration>,
    /// Maximum time to connect, in seconds
    #[arg(long, value_name = "SECONDS", help_heading = "Request",
        value_parser = crate::request::parse_seconds)]
    pub connect_timeout: Option<std::time::Duration>,
    /// Do not verify the server's TLS certificate
    #[arg(short = 'k', long, help_heading = "Request")]
    pub insecure: bool,
}

/// curl's `-L` and `--max-redirs`, for `get` and `inspect`.
#[derive(Debug, Args, Clone, Copy)]
pub struct RedirectArgs {
    /// Follow redirects (a payment header never goes to another origin)
    #[arg(short = 'L', long, help_heading = "Request")]
    pub location: bool,
    /// Most redirects to follow with -L
    #[arg(
        long,
        value_name = "NUM",
        default_value_t = 50,
        help_heading = "Request"
    )]
    pub max_redirs: u32,
}

/// One request-body value, tagged with the flag that gave it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BodyPiece {
    /// `-d`/`--data`: an `@FILE`'s newlines removed; joined with `&`.
    Data(String),
    /// `--data-binary`: as given; joined with `&`.
    Binary(String),
    /// `get --json`: as given; appended without a separator.
    Json(String),
}

impl From<RedirectArgs> for RedirectPolicy {
    fn from(args: RedirectArgs) -> Self {
        RedirectPolicy {
            follow: args.location,
            max: args.max_redirs,
        }
    }
}

impl RequestArgs {
    /// The request these flags describe, with curl's meanings, checked in curl's order: the
    /// URL, the body (files and stdin read now), the headers, the method. The body is
    /// [`RequestArgs::body`]'s pieces joined as curl joins them, and sets the default
    /// `Content-Type` (and with `--json`, `Accept`); `-H` comes after, so it can replace or (as
    /// `Name:`) remove them.
    pub fn spec(&self) -> Result<RequestSpec> {
        let url = request::parse_url(&self.url)?;
        let mut headers = HeaderMap::new();
        let body = self.read_body(&mut headers)?;
        for h in &self.headers {
            request::apply_header_line(&mut headers, h)?;
        }
        let method = match (&self.method, self.head, body.is_some()) {
            (Some(m), _, _) => request::parse_method(m)?,
            (None, true, _) => Method::HEAD,
            (None, false, true) => Method::POST,
            (None, false, false) => Method::GET,
        };
        Ok(RequestSpec {
            method,
            url,
            headers,
            body,
            timeouts: Timeouts {
                connect: self
                    .connect_timeout
                    .unwrap_or(request::DEFAULT_CONNECT_TIMEOUT),
                read: request::DEFAULT_READ_TIMEOUT,
                total: self.max_time,
            },
            user_agent: self.user_agent.clone(),
            insecure: self.insecure,
        })
    }

    /// The body's pieces read and joined (`-d` and `--data-binary` with `&`, `--json` with
    /// nothing), and the default headers of the last piece's kind put in `headers`.
    fn read_body(&self, headers: &mut HeaderMap) -> Result<Option<Vec<u8>>> {
        let mut body: Option<Vec<u8>> = None;
        let mut default_type = None;
        for piece in &self.body {
            let (chunk, separator, content_type) = match piece {
                BodyPiece::Data(d) => (read_data(d, true)?, &b"&"[..], FORM),
                BodyPiece::Binary(d) => (read_data(d, false)?, &b"&"[..], FORM),
                BodyPiece::Json(d) => {
                    headers.insert(ACCEPT, HeaderValue::from_static(JSON));
                    (read_data(d, false)?, &b""[..], JSON)
                }
            };
            let b = body.get_or_insert_with(Vec::new);
            if !b.is_empty() {
                b.extend_from_slice(separator);
            }
            b.extend_from_slice(&chunk);
            default_type = Some(content_type);
        }
        if let Some(t) = default_type {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static(t));
        }
        Ok(body)
    }
}

const FORM: &str = "application/x-www-form-urlencoded";
const JSON: &str = "application/json";

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

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Flags {
        #[command(flatten)]
        request: RequestArgs,
    }

    fn spec(args: &[&str], body: Vec<BodyPiece>) -> RequestSpec {
        let mut flags = Flags::try_parse_from(std::iter::once("x").chain(args.iter().copied()))
            .expect("flags parse");
        flags.request.body = body;
        flags.request.spec().expect("a request")
    }

    #[test]
    fn the_flags_describe_curls_request() {
        let s = spec(&["h:1/p"], vec![]);
        assert_eq!((s.method, s.url.as_str()), (Method::GET, "http://h:1/p"));
        assert_eq!(s.timeouts, Timeouts::default());
        let s = spec(
            &[
                "h/p",
                "-I",
                "-m",
                "2.5",
                "--connect-timeout",
                "1",
                "-k",
                "-A",
                "a",
            ],
            vec![],
        );
        assert_eq!(s.method, Method::HEAD);
        assert_eq!(
            s.timeouts.total,
            Some(std::time::Duration::from_millis(2500))
        );
        assert_eq!(s.timeouts.connect, std::time::Duration::from_secs(1));
        assert_eq!(s.timeouts.read, request::DEFAULT_READ_TIMEOUT);
        assert!(s.insecure);
        assert_eq!(s.user_agent.as_deref(), Some("a"));
    }

    #[test]
    fn body_pieces_join_as_curl_joins_them_and_headers_come_after() {
        let pieces = vec![
            BodyPiece::Binary("x y".into()),
            BodyPiece::Data("z".into()),
            BodyPiece::Json("{}".into()),
        ];
        let s = spec(&["h/p"], pieces);
        assert_eq!(s.method, Method::POST);
        assert_eq!(s.body.as_deref(), Some(&b"x y&z{}"[..]));
        assert_eq!(s.headers[CONTENT_TYPE], JSON);
        assert_eq!(s.headers[ACCEPT], JSON);
        let s = spec(
            &["h/p", "-X", "PUT", "-H", "Content-Type:", "-H", "X-A: 1"],
            vec![BodyPiece::Data("a".into())],
        );
        assert_eq!(s.method.as_str(), "PUT");
        assert!(!s.headers.contains_key(CONTENT_TYPE));
        assert_eq!(s.headers["x-a"], "1");
    }
}
