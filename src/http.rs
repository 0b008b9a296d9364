//! The one HTTP client builder. Every request the tool makes (x402 servers, JSON-RPC) goes
//! through a client made here, so TLS, proxies, timeouts and the User-Agent are set in one place.

use std::time::Duration;

/// `x402/VERSION`: never browser-like, because x402 servers answer a `Mozilla` User-Agent that
/// also accepts `text/html` with an HTML paywall instead of a 402 (`@x402/core`
/// `x402HTTPResourceServer.isWebBrowser`).
pub const USER_AGENT: &str = concat!("x402/", env!("CARGO_PKG_VERSION"));

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
