//! What the request looked like to the server: the headers that decide whether an official
//! x402 server takes it for a browser's, and the paywall hint built from them. Pure; depends on
//! `request` and `http` only.

use crate::http;
use crate::request::Prepared;
use serde::Serialize;

/// The request headers that decide whether a server takes us for a browser.
pub(super) struct Sent {
    pub(super) method: String,
    pub(super) user_agent: String,
    pub(super) accept: String,
}

impl Sent {
    /// What was actually sent: a `-H` header wins over `-A`, which wins over the default
    /// User-Agent; without `-H Accept`, reqwest sends `Accept: */*`.
    pub(super) fn of(prepared: &Prepared, user_agent_flag: Option<&str>) -> Self {
        let header = |name: &str| {
            prepared
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        Sent {
            method: prepared.method.to_string(),
            user_agent: header("user-agent")
                .or_else(|| user_agent_flag.map(str::to_owned))
                .unwrap_or_else(|| http::USER_AGENT.to_owned()),
            accept: header("accept").unwrap_or_else(|| "*/*".to_owned()),
        }
    }

    /// The test of `@x402/core` `x402HTTPResourceServer.isWebBrowser` and the legacy
    /// `x402-express` middleware: `Accept` contains `text/html` and `User-Agent` contains
    /// `Mozilla` (both case-sensitive, as in JavaScript's `includes`).
    pub(super) fn browser_like(&self) -> bool {
        self.accept.contains("text/html") && self.user_agent.contains("Mozilla")
    }
}

/// The browser paywall, when the server sent one.
#[derive(Serialize)]
pub(super) struct PaywallView {
    /// The request looked like a browser's to the official servers.
    pub(super) browser_like_request: bool,
    pub(super) user_agent: String,
    pub(super) accept: String,
}

impl PaywallView {
    pub(super) fn of(sent: &Sent) -> Self {
        PaywallView {
            browser_like_request: sent.browser_like(),
            user_agent: sent.user_agent.clone(),
            accept: sent.accept.clone(),
        }
    }

    pub(super) fn hint(&self) -> String {
        if self.browser_like_request {
            format!(
                "the request looked like a browser's (User-Agent '{}', Accept '{}'): official \
                 x402 servers send their paywall page when the User-Agent has 'Mozilla' and \
                 Accept has 'text/html'; drop -A or the Accept header",
                self.user_agent, self.accept
            )
        } else {
            format!(
                "the request did not look like a browser's (User-Agent '{}', Accept '{}'), yet \
                 the server sent a page; x402 clients need the terms in a PAYMENT-REQUIRED \
                 header (v2) or a JSON body (v1)",
                self.user_agent, self.accept
            )
        }
    }
}
