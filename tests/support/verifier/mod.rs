//! A local x402 resource server that checks every payment it receives, for tests that need to
//! know not only what the client printed but what it actually sent.
//!
//! * It speaks x402 v2 (402 with a base64 `PAYMENT-REQUIRED` header, payment in
//!   `PAYMENT-SIGNATURE`, receipt in `PAYMENT-RESPONSE`) and v1 (402 JSON body with
//!   `x402Version: 1`, payment in `X-PAYMENT`, receipt in `X-PAYMENT-RESPONSE`), shaped as the
//!   reference servers shape them (v2: `@x402/core` `x402HTTPResourceServer`; v1: the legacy
//!   `x402-express` middleware).
//! * Every payment is verified independently of the code under test: the EIP-712
//!   `TransferWithAuthorization` digest is built here with alloy's `sol!` and `eip712_domain!`
//!   and the signer recovered with alloy's secp256k1 recovery, never through `x402::payment`,
//!   so a mistake shared by signer and checker cannot hide. The checks follow the reference
//!   facilitator (`@x402/evm` `verifyEIP3009`) and are stricter where a client must be exact
//!   (the v2 `accepted` echo, compared as JSON text).
//! * Each route can be told how to answer a payment ([`Answer`]) or how to misbehave at the
//!   byte level ([`Misbehave`]). That is why the server speaks HTTP/1.1 itself on a tokio
//!   listener instead of going through axum: closing after reading a paid request, truncating or
//!   resetting a body, or stalling are below what a framework lets a handler do.
//! * Every request is recorded (method, target, headers, body, and for a payment the decoded
//!   document and the verdict), so a test can assert how many payment headers arrived, and that
//!   none did when none was due.
//!
//! * A route can settle the payments it takes on a local anvil chain ([`Chain`]) before it
//!   answers, truthfully or not ([`Answer::Unconfirmed`], [`Answer::TakeAndRefuse`],
//!   [`Answer::Reverted`]): the hostile servers whose word the client must not trust, with
//!   real money moved.
//!
//! * A body can be generated as it is sent ([`Generated`]): tens of MiB that are never stored,
//!   whole, cut short by a close, or stalled, with [`pattern_sha256`] to check what arrived.
//!
//! * A route can also be a script ([`Builder::script`]): any function of the request that
//!   gives a [`Reply`] (a response, or a [`Misbehave`]), for hostile servers whose every
//!   answer is made up by the test, browsers told apart from programs, or a JSON-RPC node
//!   ([`json_rpc`]). A path ending in `*` matches every path that starts with the rest.
//! * Routes can be replaced while the server runs ([`Verifier::update`]): a server that
//!   changes its price or its mind between two requests.
//! * [`Builder::tls`] serves HTTPS with the self-signed certificate of `tests/fixtures/tls`;
//!   a request is recorded only after a completed handshake.
//!
//! HTTP support is what the client under test needs: HTTP/1.1 with keep-alive, request bodies
//! by `Content-Length` (a chunked request is answered 501 and recorded as such).
//!
//! Here: the routes ([`Builder`], [`Reply`], [`Misbehave`], [`Answer`]), the running server
//! ([`Verifier`]) and what it recorded ([`Seen`], [`Payment`], [`Verdict`]). `offer.rs`: what
//! a paid route offers and generated bodies; `serve.rs`: connections, HTTP/1.1 and routing;
//! `paid.rs`: a paid route's answers; `check.rs`: the payment checks; `chain.rs`: settling on
//! anvil.

mod chain;
mod check;
mod offer;
mod paid;
mod serve;

pub use chain::rpc_call;
pub use check::verify_v2;
pub use offer::{BodyEnd, Generated, Offer, pattern, pattern_sha256, v1_option, v2_option};

use alloy_primitives::{Address, U256};
use serde_json::{Value, json};
use serve::{Shared, b64, serve_connection};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tokio::net::TcpListener;

/// Base Sepolia USDC, one of the tool's built-in tokens (EIP-712 `USDC` / `2`, 6 decimals).
pub const BASE_SEPOLIA_USDC: &str = "0x036CbD53842c5426634e7929541eC2318f3dCF7e";
/// The payee of every default option (the spec examples' `payTo`).
pub const PAY_TO: &str = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C";
/// The transaction hash a successful settlement reports. Nothing is settled anywhere.
pub const FAKE_TX: &str = "0x00000000000000000000000000000000000000000000000000000000f00df00d";
/// How far `validBefore` may exceed `now + maxTimeoutSeconds`: the seconds between the client
/// reading its clock and this server reading its own.
pub const WINDOW_SLACK_SECS: u64 = 5;
/// The reference facilitator refuses an authorization that expires within 6 s
/// (`verifyEIP3009`: `validBefore < now + 6`), since settlement still has to happen.
pub const MIN_VALIDITY_LEFT_SECS: u64 = 6;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    V1,
    V2,
}

/// What a paid route does once a payment arrives.
#[derive(Clone, Debug)]
pub enum Answer {
    /// If the payment passes every check: 200, the route's body, and a receipt
    /// (`success: true`, [`FAKE_TX`]). If not: 402 again, the failed checks as the reason.
    Success,
    /// 402 again with this reason, as a server whose facilitator refused (v2: `error` of a fresh
    /// `PAYMENT-REQUIRED`; v1: `error` of the body).
    Reject(String),
    /// Settlement failed: 402 with a receipt saying `success: false` and this reason
    /// (v1 also repeats the reason in the body, as legacy servers do).
    SettleFail(String),
    /// 500 with a short body and no receipt: the handler broke after the payment arrived.
    ServerError,
    /// Read the whole paid request, then close the connection without a byte.
    Drop,
    /// Read the whole paid request and never answer (until the client leaves).
    Stall,
    /// Settle the payment on the offer's [`Chain`] when `settle` (else settle nothing), then
    /// answer `status` with a receipt `success: false`, `errorReason: reason` and the
    /// transaction: the real one, or (not settling) a made-up [`MADE_UP_TX`]. As `@x402/core`
    /// 2.24+ answers `settlement_pending` when confirmation did not come in time.
    Unconfirmed {
        status: u16,
        reason: String,
        settle: bool,
    },
    /// Settle the payment on the offer's [`Chain`], then answer 402 again with this reason and
    /// no receipt: a server that took the money and says it did not.
    TakeAndRefuse(String),
    /// Send a transaction to the offer's [`Chain`] that reverts (a call the token refuses), and
    /// answer 402 `settlement_pending` naming it: a settlement that failed on-chain.
    Reverted,
    /// If the payment passes every check: 302 to this location with a successful receipt
    /// (a server that sends the paid client elsewhere). If not: 402 again, as [`Answer::Success`].
    Redirect(String),
}

/// The transaction a lying server names without sending anything.
pub const MADE_UP_TX: &str = "0x1111111111111111111111111111111111111111111111111111111111111111";

/// A local chain a route settles on: anvil's JSON-RPC URL and one of anvil's own (unlocked)
/// accounts, which sends `transferWithAuthorization` with `eth_sendTransaction` and pays its gas.
#[derive(Clone, Debug)]
pub struct Chain {
    pub rpc_url: String,
    pub relayer: String,
}

/// Byte-level misbehaviour, whatever the request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Misbehave {
    /// Read the request head, send exactly these bytes (HTTP or not), then close.
    Raw(Vec<u8>),
    /// Read the request, then close without answering (curl 52, "empty reply").
    Close,
    /// Read the request and never answer; the connection is held until the client leaves.
    Stall,
    /// A 200 promising `Content-Length: 1000`, 10 bytes of it, then close (curl 18/56).
    Truncate,
    /// A 200 promising 1000 bytes, 10 bytes of it, then a TCP reset (curl 56).
    ResetMidBody,
}

#[derive(Clone)]
enum Handler {
    Paid(Box<Offer>),
    Plain {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    Misbehave(Misbehave),
    Generated(Generated),
    Script(Arc<Script>),
}

/// A route made up by the test: the answer to each request, from the request.
pub type Script = dyn Fn(&Seen) -> Reply + Send + Sync;

/// What a [`Script`] answers.
#[derive(Clone, Debug)]
pub enum Reply {
    /// This status, these headers (nothing added but `content-length`) and body.
    Respond {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    Misbehave(Misbehave),
}

impl Reply {
    pub fn new(status: u16, headers: &[(&str, &str)], body: impl Into<Vec<u8>>) -> Self {
        Reply::Respond {
            status,
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            body: body.into(),
        }
    }
}

impl From<(u16, Vec<(String, String)>, Vec<u8>)> for Reply {
    fn from((status, headers, body): (u16, Vec<(String, String)>, Vec<u8>)) -> Self {
        Reply::Respond {
            status,
            headers,
            body,
        }
    }
}

/// The outcome of verifying one payment header.
#[derive(Clone, Debug, Default)]
pub struct Verdict {
    /// Every check that failed, in words; empty means the payment is good.
    pub failures: Vec<String>,
    /// `authorization.from`, when it parsed.
    pub payer: Option<Address>,
    /// The address the signature recovers to, when it did.
    pub signer: Option<Address>,
    /// `authorization.nonce` as sent.
    pub nonce: Option<String>,
    pub value: Option<U256>,
    pub valid_after: Option<u64>,
    pub valid_before: Option<u64>,
    /// Index of the offered option the payment was matched to.
    pub option: Option<usize>,
}

impl Verdict {
    pub fn ok(&self) -> bool {
        self.failures.is_empty()
    }

    fn fail(&mut self, why: impl Into<String>) {
        self.failures.push(why.into());
    }
}

/// A payment header as received and judged.
#[derive(Clone, Debug)]
pub struct Payment {
    /// Lowercase header name: `payment-signature` or `x-payment`.
    pub header: String,
    pub value: String,
    /// The decoded JSON document, when it decoded.
    pub document: Option<Value>,
    /// The decoded text, when it decoded.
    pub text: Option<String>,
    pub verdict: Verdict,
}

/// One request as received.
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: String,
    /// Path and query, as on the request line.
    pub target: String,
    /// Names lowercased, in arrival order.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Set when the request carried `PAYMENT-SIGNATURE` or `X-PAYMENT`.
    pub payment: Option<Payment>,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The path without the query; for a request to a proxy (absolute-form target), the path
    /// of the URL asked for.
    pub fn path(&self) -> &str {
        let target = match self.target.split_once("://") {
            Some((_, rest)) => rest.find('/').map_or("/", |i| &rest[i..]),
            None => &self.target,
        };
        target.split('?').next().unwrap_or("")
    }
}

/// Routes, by exact path (or by prefix, for a path ending in `*`), before the server starts
/// or for [`Verifier::update`].
#[derive(Default)]
pub struct Builder {
    routes: Vec<(String, Handler)>,
    tls: bool,
}

impl Builder {
    pub fn paid(mut self, path: &str, offer: Offer) -> Self {
        self.routes
            .push((path.into(), Handler::Paid(Box::new(offer))));
        self
    }

    /// A free route: this status and body (JSON content type unless `headers` say otherwise).
    pub fn plain(mut self, path: &str, status: u16, body: &str) -> Self {
        self.routes.push((
            path.into(),
            Handler::Plain {
                status,
                headers: vec![("content-type".into(), "application/json".into())],
                body: body.as_bytes().to_vec(),
            },
        ));
        self
    }

    /// A free route: this status, these headers (nothing added) and body.
    pub fn plain_with(
        self,
        path: &str,
        status: u16,
        headers: &[(&str, &str)],
        body: impl Into<Vec<u8>>,
    ) -> Self {
        self.reply(path, Reply::new(status, headers, body))
    }

    /// A route answered by `script`, whatever the request.
    pub fn script(
        mut self,
        path: &str,
        script: impl Fn(&Seen) -> Reply + Send + Sync + 'static,
    ) -> Self {
        self.routes
            .push((path.into(), Handler::Script(Arc::new(script))));
        self
    }

    /// Serves HTTPS with the self-signed certificate of `tests/fixtures/tls` (refused by a
    /// client that verifies it, accepted with `-k`).
    pub fn tls(mut self) -> Self {
        self.tls = true;
        self
    }

    /// A route that always gives this reply.
    pub fn reply(self, path: &str, reply: Reply) -> Self {
        match reply {
            Reply::Respond {
                status,
                headers,
                body,
            } => self.route(
                path,
                Handler::Plain {
                    status,
                    headers,
                    body,
                },
            ),
            Reply::Misbehave(how) => self.misbehave(path, how),
        }
    }

    fn route(mut self, path: &str, handler: Handler) -> Self {
        self.routes.push((path.into(), handler));
        self
    }

    pub fn misbehave(mut self, path: &str, how: Misbehave) -> Self {
        self.routes.push((path.into(), Handler::Misbehave(how)));
        self
    }

    /// A free route answering 200 with a generated `application/octet-stream` body.
    pub fn generated(mut self, path: &str, body: Generated) -> Self {
        self.routes.push((path.into(), Handler::Generated(body)));
        self
    }

    /// Binds 127.0.0.1 on an ephemeral port and serves until dropped.
    pub fn start(self) -> Verifier {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("verifier runtime");
        let listener = runtime
            .block_on(TcpListener::bind("127.0.0.1:0"))
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local addr");
        let scheme = if self.tls { "https" } else { "http" };
        let shared = Arc::new(Shared {
            base: format!("{scheme}://{addr}"),
            routes: Mutex::new(self.routes.into_iter().map(Route::new).collect()),
            seen: Mutex::new(Vec::new()),
            settled: Mutex::new(Vec::new()),
        });
        let acceptor = self.tls.then(tls_acceptor);
        let s = shared.clone();
        runtime.spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (s, acceptor) = (s.clone(), acceptor.clone());
                tokio::spawn(async move {
                    match acceptor {
                        // A client that refuses the certificate ends the handshake here.
                        Some(tls) => {
                            if let Ok(stream) = tls.accept(stream).await {
                                serve_connection(stream, s).await;
                            }
                        }
                        None => serve_connection(stream, s).await,
                    }
                });
            }
        });
        Verifier {
            addr,
            shared,
            runtime: Some(runtime),
        }
    }
}

/// The TLS side of [`Builder::tls`]: the fixture's certificate and key, rustls with ring.
fn tls_acceptor() -> tokio_rustls::TlsAcceptor {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let dir = super::root().join("tests/fixtures/tls");
    let certs = CertificateDer::pem_file_iter(dir.join("cert.pem"))
        .expect("cert.pem")
        .collect::<Result<Vec<_>, _>>()
        .expect("cert.pem parses");
    let key = PrivateKeyDer::from_pem_file(dir.join("key.pem")).expect("key.pem");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("protocol versions")
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .expect("certificate and key");
    tokio_rustls::TlsAcceptor::from(Arc::new(config))
}

/// One route of a running server, and how many payment headers it has received.
struct Route {
    path: String,
    handler: Handler,
    payments: usize,
}

impl Route {
    fn new((path, handler): (String, Handler)) -> Self {
        Route {
            path,
            handler,
            payments: 0,
        }
    }

    fn matches(&self, path: &str) -> bool {
        match self.path.strip_suffix('*') {
            Some(prefix) => path.starts_with(prefix),
            None => self.path == path,
        }
    }
}

/// The route for every path no other route matches (the others are tried in the order they
/// were added).
pub const ANY: &str = "*";

/// A server answering every request, whatever its method and path, with `status` and the
/// JSON `body`: an HTTP endpoint or a JSON-RPC node that always says the same.
pub fn fixed(status: u16, body: &str) -> Verifier {
    Verifier::builder().plain(ANY, status, body).start()
}

/// A JSON-RPC 2.0 node: `answer(method, params)` gives the `result`, or as `Err` the `error`
/// object.
pub type RpcAnswer = fn(&str, &Value) -> Result<Value, Value>;

/// A JSON-RPC 2.0 node on 127.0.0.1 answering by method ([`RpcAnswer`]), on every path.
pub fn json_rpc(answer: RpcAnswer) -> JsonRpc {
    let server = Verifier::builder()
        .script(ANY, move |seen| {
            let request: Value = serde_json::from_slice(&seen.body).unwrap_or(Value::Null);
            let id = request["id"].clone();
            let reply = match answer(request["method"].as_str().unwrap_or(""), &request["params"]) {
                Ok(result) => json!({"jsonrpc": "2.0", "id": id, "result": result}),
                Err(error) => json!({"jsonrpc": "2.0", "id": id, "error": error}),
            };
            Reply::new(
                200,
                &[("content-type", "application/json")],
                reply.to_string(),
            )
        })
        .start();
    JsonRpc {
        url: server.url(""),
        server,
    }
}

/// A running [`json_rpc`] node.
pub struct JsonRpc {
    pub url: String,
    server: Verifier,
}

impl JsonRpc {
    /// Every request received so far (the JSON-RPC documents), in order.
    pub fn seen(&self) -> Vec<Value> {
        self.server
            .requests()
            .iter()
            .map(|r| serde_json::from_slice(&r.body).unwrap_or(Value::Null))
            .collect()
    }
}

/// A server that reads every request and never answers.
pub fn silent() -> Verifier {
    Verifier::builder().misbehave(ANY, Misbehave::Stall).start()
}

/// The running server. Dropping it stops it and closes every connection.
pub struct Verifier {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Drop for Verifier {
    fn drop(&mut self) {
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}

impl Verifier {
    pub fn builder() -> Builder {
        Builder::default()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.shared.base)
    }

    /// Replaces the routes of the same paths with these (their payment count starts again)
    /// and adds the others after the existing ones.
    pub fn update(&self, routes: Builder) {
        let mut table = self.shared.routes.lock().unwrap();
        for (path, handler) in routes.routes {
            match table.iter_mut().find(|r| r.path == path) {
                Some(r) => *r = Route::new((path, handler)),
                None => table.push(Route::new((path, handler))),
            }
        }
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<Seen> {
        self.shared.seen.lock().unwrap().clone()
    }

    /// Every payment header received so far, in order.
    pub fn payments(&self) -> Vec<Payment> {
        self.requests()
            .into_iter()
            .filter_map(|s| s.payment)
            .collect()
    }

    /// How many requests carried a payment header.
    pub fn payment_headers(&self) -> usize {
        self.payments().len()
    }

    /// The transactions this server sent to a chain to settle payments, in order.
    pub fn settled(&self) -> Vec<String> {
        self.shared.settled.lock().unwrap().clone()
    }

    /// The one payment received; panics unless exactly one arrived.
    pub fn only_payment(&self) -> Payment {
        let mut p = self.payments();
        assert_eq!(p.len(), 1, "expected exactly one payment header: {p:#?}");
        p.remove(0)
    }
}
