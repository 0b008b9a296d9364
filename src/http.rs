//! The one HTTP client builder. Every request the tool makes (x402 servers, JSON-RPC) goes
//! through a client made here, so TLS, proxies, timeouts and the User-Agent are set in one place.
//! Also what the transport layer says about a failure: [`ReceiveError`] for a response that
//! could not be received, and [`transport_status`], curl's exit status for a transport error;
//! and URLs as they may be shown or stored ([`SafeUrl`], [`safe_url_text`], [`redact_error`]).
//! Depends on `crate::exit` only.

use std::borrow::Cow;
use std::error::Error as _;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue};

use crate::exit::ExitStatus;

/// `x402/VERSION`: never browser-like, because x402 servers answer a `Mozilla` User-Agent that
/// also accepts `text/html` with an HTML paywall instead of a 402 (`@x402/core`
/// `x402HTTPResourceServer.isWebBrowser`).
pub const USER_AGENT: &str = concat!("x402/", env!("CARGO_PKG_VERSION"));

/// A 402's body is read only up to this size: terms fit in a few KiB, and a hostile server must
/// not make the tool buffer an unbounded document.
pub const MAX_402_BODY: usize = 1024 * 1024;

/// Why a response could not be received.
#[derive(Debug, thiserror::Error)]
pub enum ReceiveError {
    #[error("{0}")]
    Http(#[source] reqwest::Error),
    #[error("the 402 response body is larger than {} KiB; not reading it", MAX_402_BODY / 1024)]
    TooLarge,
}

impl ReceiveError {
    /// The request never reached the server (no connection was made), so nothing it carried
    /// can have been used.
    pub fn never_sent(&self) -> bool {
        matches!(self, ReceiveError::Http(e) if e.is_connect())
    }
}

/// A header value as text, as the tool reads and shows it: bytes that are not UTF-8 become
/// U+FFFD (the value itself is never changed).
pub fn header_text(value: &HeaderValue) -> Cow<'_, str> {
    String::from_utf8_lossy(value.as_bytes())
}

/// Every value of header `name` (any case) in `headers`, as text, in the order received.
pub fn header_texts<'h>(headers: &'h HeaderMap, name: &str) -> impl Iterator<Item = Cow<'h, str>> {
    headers.get_all(name).iter().map(header_text)
}

/// The first value of header `name` (any case), as text.
pub fn first_header<'h>(headers: &'h HeaderMap, name: &str) -> Option<Cow<'h, str>> {
    headers.get(name).map(header_text)
}

#[derive(Clone, Debug, Default)]
pub struct ClientOptions {
    pub connect_timeout: Option<Duration>,
    pub timeout: Option<Duration>,
    /// Longest silence while reading a response.
    pub read_timeout: Option<Duration>,
    pub insecure: bool,
    pub user_agent: Option<String>,
}

/// reqwest is built with rustls but no crypto provider; ring is installed once here, before any
/// client exists (otherwise reqwest panics with "No rustls crypto provider is configured").
pub fn client(opts: &ClientOptions) -> Result<reqwest::Client, reqwest::Error> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut b = reqwest::Client::builder()
        .user_agent(opts.user_agent.as_deref().unwrap_or(USER_AGENT))
        .redirect(reqwest::redirect::Policy::none())
        .danger_accept_invalid_certs(opts.insecure);
    if let Some(t) = opts.connect_timeout {
        b = b.connect_timeout(t);
    }
    if let Some(t) = opts.timeout {
        b = b.timeout(t);
    }
    if let Some(t) = opts.read_timeout {
        b = b.read_timeout(t);
    }
    b.build()
}

/// curl's exit status for a transport error.
///
/// The causes reqwest wraps are found by type, not by text, with two traps on the way:
/// TLS failures come up as an `io::Error` carrying an `io::Error` carrying a `rustls::Error`,
/// and `io::Error::source()` skips the error it carries, so carried errors are read with
/// `get_ref()`; and a server that closes without a byte of answer shows up only as hyper's
/// "incomplete message".
pub fn transport_status(err: &reqwest::Error) -> ExitStatus {
    if err.is_timeout() {
        return ExitStatus::Timeout;
    }
    if err.is_builder() {
        return ExitStatus::UrlMalformed;
    }
    if err.is_redirect() {
        return ExitStatus::TooManyRedirects;
    }
    let mut source = err.source();
    while let Some(s) = source {
        // io::Errors nest (reqwest's connector wraps tokio-rustls' `io::Error` in another).
        let mut io_link = s.downcast_ref::<std::io::Error>();
        while let Some(io) = io_link {
            match io.kind() {
                std::io::ErrorKind::TimedOut => return ExitStatus::Timeout,
                std::io::ErrorKind::ConnectionRefused => return ExitStatus::Connect,
                // curl 56 "Recv failure: Connection reset by peer", before or inside the body.
                std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::ConnectionAborted
                    if !err.is_connect() =>
                {
                    return ExitStatus::RecvError;
                }
                _ => {}
            }
            let carried = io.get_ref();
            if let Some(tls) = carried.and_then(|e| e.downcast_ref::<rustls::Error>()) {
                return tls_status(err, tls);
            }
            io_link = carried.and_then(|e| e.downcast_ref::<std::io::Error>());
        }
        if let Some(tls) = s.downcast_ref::<rustls::Error>() {
            return tls_status(err, tls);
        }
        if let Some(h) = s.downcast_ref::<hyper::Error>() {
            // The connection ended before a complete response head: curl 52 "Empty reply
            // from server". Inside the body it is a receive failure (below).
            if h.is_incomplete_message() && !err.is_body() {
                return ExitStatus::EmptyReply;
            }
            if h.is_parse() {
                // A response head over hyper's limit (a hostile multi-megabyte header);
                // `is_parse_too_large` exists only with hyper's server feature, so the
                // parse error's text tells.
                if h.to_string().contains("too large") {
                    return ExitStatus::TooLarge;
                }
                // Not HTTP at all: curl 8 "Weird server reply".
                return ExitStatus::BadReply;
            }
        }
        // hyper-util reports a failed name lookup as a ConnectError whose text begins so.
        if err.is_connect() && s.to_string().starts_with("dns error") {
            return ExitStatus::ResolveHost;
        }
        source = s.source();
    }
    if err.is_connect() {
        ExitStatus::Connect
    } else if err.is_body() || err.is_decode() {
        ExitStatus::RecvError
    } else {
        ExitStatus::Failure
    }
}

/// curl 60 for a certificate that does not verify, 35 for any other handshake failure.
fn tls_status(err: &reqwest::Error, tls: &rustls::Error) -> ExitStatus {
    match tls {
        rustls::Error::InvalidCertificate(_) => ExitStatus::BadCertificate,
        _ if err.is_connect() => ExitStatus::Tls,
        _ => ExitStatus::RecvError,
    }
}
/// A URL as it may be shown or stored: a password in it (`http://user:secret@host/`) is
/// replaced by `***`, the user name kept. Every URL the tool prints, writes to a file (the
/// journal, `--save-terms`, `--receipt`) or puts in an error goes through this.
pub struct SafeUrl<'a>(pub &'a reqwest::Url);

impl std::fmt::Display for SafeUrl<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0.password().is_none() {
            return f.write_str(self.0.as_str());
        }
        let mut url = self.0.clone();
        let _ = url.set_password(Some("***"));
        f.write_str(url.as_str())
    }
}

/// [`SafeUrl`] as a `String`.
pub fn safe_url(url: &reqwest::Url) -> String {
    SafeUrl(url).to_string()
}

/// A URL's text (from the command line, a `Location` header) with any password hidden, also
/// when it does not parse as a whole.
pub fn safe_url_text(text: &str) -> String {
    match reqwest::Url::parse(text) {
        // Without a password the text is shown as it came, not normalised.
        Ok(url) if url.password().is_none() => text.to_owned(),
        Ok(url) => safe_url(&url),
        Err(_) => match text.split_once("://") {
            // `scheme://user:secret@host…`: everything between `://` and the last `@` before
            // the path is the userinfo.
            Some((scheme, rest)) => {
                let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
                match rest[..end].rfind('@') {
                    Some(at) => {
                        let user = rest[..at].split(':').next().unwrap_or("");
                        format!("{scheme}://{user}:***@{}", &rest[at + 1..])
                    }
                    None => text.to_owned(),
                }
            }
            None => text.to_owned(),
        },
    }
}

/// A reqwest error whose text names the URL (`error sending request for url (…)`), with the
/// URL's password hidden.
pub fn redact_error(mut e: reqwest::Error) -> reqwest::Error {
    if let Some(url) = e.url_mut()
        && url.password().is_some()
    {
        let _ = url.set_password(Some("***"));
    }
    e
}
