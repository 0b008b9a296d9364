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

use alloy_primitives::{Address, B256, Signature, U256};
use alloy_sol_types::{SolStruct, eip712_domain, sol};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

sol! {
    /// EIP-3009, as `@x402/evm` `authorizationTypes` spells it.
    struct TransferWithAuthorization {
        address from;
        address to;
        uint256 value;
        uint256 validAfter;
        uint256 validBefore;
        bytes32 nonce;
    }
}

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

/// A response body made while it is sent: `len` bytes of [`pattern`], announced as
/// `Content-Length: len`, and how it ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Generated {
    pub len: u64,
    pub end: BodyEnd,
}

/// How a generated body ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyEnd {
    /// Every byte is sent.
    Complete,
    /// This many bytes, then the connection is closed (a body cut short: curl 18/56).
    CloseAt(u64),
    /// This many bytes, then nothing more until the client leaves.
    StallAt(u64),
}

impl Generated {
    pub fn new(len: u64) -> Self {
        Self {
            len,
            end: BodyEnd::Complete,
        }
    }

    pub fn close_at(mut self, sent: u64) -> Self {
        self.end = BodyEnd::CloseAt(sent);
        self
    }

    pub fn stall_at(mut self, sent: u64) -> Self {
        self.end = BodyEnd::StallAt(sent);
        self
    }

    /// How many bytes go out.
    pub fn sent(&self) -> u64 {
        match self.end {
            BodyEnd::Complete => self.len,
            BodyEnd::CloseAt(n) | BodyEnd::StallAt(n) => n.min(self.len),
        }
    }
}

/// The block a generated body repeats: pseudo-random bytes, of a prime length so that no
/// buffer size of the client lines up with it, and a piece lost, doubled or moved changes
/// the hash.
pub fn pattern() -> &'static [u8] {
    static BLOCK: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    BLOCK.get_or_init(|| {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        (0..999_983)
            .map(|_| {
                // xorshift64*
                x ^= x >> 12;
                x ^= x << 25;
                x ^= x >> 27;
                (x.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 56) as u8
            })
            .collect()
    })
}

/// Lowercase hex SHA-256 of the first `len` bytes of the repeated [`pattern`].
pub fn pattern_sha256(len: u64) -> String {
    use sha2::Digest as _;
    let mut hash = sha2::Sha256::new();
    let block = pattern();
    let mut left = len;
    while left > 0 {
        let n = left.min(block.len() as u64) as usize;
        hash.update(&block[..n]);
        left -= n as u64;
    }
    alloy_primitives::hex::encode(hash.finalize())
}

/// What a paid route offers and how it answers.
#[derive(Clone, Debug)]
pub struct Offer {
    pub version: Version,
    /// The `accepts` entries. v2 sends each as the JSON text of this value (key order kept),
    /// which is what `accepted` must echo. A v1 entry whose `resource` is `null` gets the
    /// route's URL.
    pub accepts: Vec<Value>,
    /// v2 `resource`; `None` means `{url, description, mimeType}` for the request's URL.
    pub resource: Option<Value>,
    /// v2 `extensions`, which the payment must echo unchanged when present.
    pub extensions: Option<Value>,
    pub answer: Answer,
    /// How the first payments are answered, in order; the later ones get `answer`. Replacing
    /// the route ([`Verifier::update`]) starts the count again.
    pub first: Vec<Answer>,
    /// The `description` of the default `resource`.
    pub description: String,
    /// The body of a successful paid answer (JSON). `{path}` in it stands for the request's
    /// path, so that one route can answer many.
    pub body: String,
    /// When set, the body of a successful paid answer instead of `body`.
    pub generated: Option<Generated>,
    /// Where [`Answer::Unconfirmed`], [`Answer::TakeAndRefuse`] and [`Answer::Reverted`] send
    /// their transactions.
    pub chain: Option<Chain>,
}

/// A v2 `exact` option on Base Sepolia USDC for `amount` atomic units (6 decimals), in the
/// key order of the reference server.
pub fn v2_option(amount: &str) -> Value {
    json!({
        "scheme": "exact",
        "network": "eip155:84532",
        "amount": amount,
        "asset": BASE_SEPOLIA_USDC,
        "payTo": PAY_TO,
        "maxTimeoutSeconds": 60,
        "extra": {"name": "USDC", "version": "2"},
    })
}

/// A v1 `exact` option on `base-sepolia` USDC; `resource` is filled with the route's URL.
pub fn v1_option(amount: &str) -> Value {
    json!({
        "scheme": "exact",
        "network": "base-sepolia",
        "maxAmountRequired": amount,
        "resource": null,
        "description": "a paid test route",
        "mimeType": "application/json",
        "payTo": PAY_TO,
        "maxTimeoutSeconds": 60,
        "asset": BASE_SEPOLIA_USDC,
        "extra": {"name": "USDC", "version": "2"},
    })
}

impl Offer {
    /// v2, one option of 0.001 USDC, answered with success.
    pub fn v2() -> Self {
        Self::new(Version::V2, v2_option("1000"))
    }

    /// v1, one option of 0.001 USDC, answered with success.
    pub fn v1() -> Self {
        Self::new(Version::V1, v1_option("1000"))
    }

    fn new(version: Version, option: Value) -> Self {
        Self {
            version,
            accepts: vec![option],
            resource: None,
            extensions: None,
            answer: Answer::Success,
            first: Vec::new(),
            description: "a paid test route".into(),
            body: r#"{"paid":true}"#.into(),
            generated: None,
            chain: None,
        }
    }

    /// Settles on this chain (for the answers that settle).
    pub fn settle_on(mut self, chain: Chain) -> Self {
        self.chain = Some(chain);
        self
    }

    pub fn answer(mut self, answer: Answer) -> Self {
        self.answer = answer;
        self
    }

    /// Answers the first payments with these, in order, then with `answer`.
    pub fn first(mut self, answers: Vec<Answer>) -> Self {
        self.first = answers;
        self
    }

    pub fn extensions(mut self, extensions: Value) -> Self {
        self.extensions = Some(extensions);
        self
    }

    pub fn description(mut self, text: &str) -> Self {
        self.description = text.into();
        self
    }

    /// This offer as sent for a request to `path` on `base`: a v1 `resource: null` and a
    /// missing v2 `resource` are filled in with the URL, `{path}` in the body with the path.
    pub fn for_request(&self, base: &str, path: &str) -> Offer {
        let url = format!("{base}{path}");
        let mut offer = self.clone();
        offer.body = offer.body.replace("{path}", path);
        for o in &mut offer.accepts {
            if o.get("resource") == Some(&Value::Null) {
                o["resource"] = Value::from(url.as_str());
            }
        }
        if offer.resource.is_none() && offer.version == Version::V2 {
            offer.resource = Some(json!({
                "url": url,
                "description": offer.description,
                "mimeType": "application/json",
            }));
        }
        offer
    }

    /// The v2 `PAYMENT-REQUIRED` header of this offer (as sent for a request: see
    /// [`Offer::for_request`]), with this `error` or the reference servers' initial wording.
    pub fn payment_required(&self, error: Option<&str>) -> String {
        let mut doc = json!({
            "x402Version": 2,
            "error": error.unwrap_or("Payment required"),
            "resource": self.resource,
            "accepts": self.accepts,
        });
        if let Some(ext) = &self.extensions {
            doc["extensions"] = ext.clone();
        }
        b64(&doc)
    }

    /// How the payment numbered `nth` (from 0) on this route is answered.
    fn answer_for(&self, nth: usize) -> &Answer {
        self.first.get(nth).unwrap_or(&self.answer)
    }

    pub fn accepts(mut self, accepts: Vec<Value>) -> Self {
        self.accepts = accepts;
        self
    }

    pub fn body(mut self, body: &str) -> Self {
        self.body = body.into();
        self
    }

    pub fn generated(mut self, body: Generated) -> Self {
        self.generated = Some(body);
        self
    }
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

struct Shared {
    /// `http://127.0.0.1:PORT` (or `https://`).
    base: String,
    routes: Mutex<Vec<Route>>,
    seen: Mutex<Vec<Seen>>,
    /// Transactions this server sent to a chain, in order.
    settled: Mutex<Vec<String>>,
}

struct Request {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    chunked: bool,
}

/// What to do on the wire after a request.
enum Action {
    Respond {
        bytes: Vec<u8>,
        close: bool,
    },
    Close,
    Stall,
    Partial {
        bytes: Vec<u8>,
        reset: bool,
    },
    /// A response head (its `Content-Length` is the body's `len`), then the generated body.
    Stream {
        head: Vec<u8>,
        body: Generated,
        close: bool,
    },
}

/// A connection the server speaks HTTP/1.1 on: plain TCP, or TLS over it.
trait Conn: AsyncRead + AsyncWrite + Unpin + Send + 'static {
    /// Makes the coming close a TCP reset.
    fn reset_on_close(&self);
}

impl Conn for TcpStream {
    fn reset_on_close(&self) {
        let _ = self.set_zero_linger();
    }
}

impl Conn for tokio_rustls::server::TlsStream<TcpStream> {
    fn reset_on_close(&self) {
        let _ = self.get_ref().0.set_zero_linger();
    }
}

async fn serve_connection(stream: impl Conn, shared: Arc<Shared>) {
    let mut reader = BufReader::new(stream);
    loop {
        let req = match read_request(&mut reader).await {
            Ok(Some(r)) => r,
            Ok(None) => return,
            Err(_) => {
                // Not HTTP (a TLS ClientHello, say): answer as a plain HTTP server would.
                let _ = reader
                    .get_mut()
                    .write_all(&response(400, &[], b"not HTTP/1.1", true))
                    .await;
                return;
            }
        };
        match shared.handle(req) {
            Action::Respond { bytes, close } => {
                if reader.get_mut().write_all(&bytes).await.is_err() || close {
                    return;
                }
            }
            Action::Close => return,
            Action::Stall => {
                // Hold the connection, reading whatever comes, until the client gives up.
                let mut sink = [0u8; 1024];
                while matches!(reader.read(&mut sink).await, Ok(n) if n > 0) {}
                return;
            }
            Action::Partial { bytes, reset } => {
                let _ = reader.get_mut().write_all(&bytes).await;
                let _ = reader.get_mut().flush().await;
                if reset {
                    reader.get_ref().reset_on_close();
                }
                return;
            }
            Action::Stream { head, body, close } => {
                let out = reader.get_mut();
                if out.write_all(&head).await.is_err() {
                    return;
                }
                let block = pattern();
                let (mut sent, to_send) = (0u64, body.sent());
                while sent < to_send {
                    let at = (sent % block.len() as u64) as usize;
                    let n = (block.len() - at)
                        .min(64 * 1024)
                        .min((to_send - sent) as usize);
                    if out.write_all(&block[at..at + n]).await.is_err() {
                        return;
                    }
                    sent += n as u64;
                }
                let _ = out.flush().await;
                match body.end {
                    BodyEnd::Complete if !close => {}
                    BodyEnd::Complete | BodyEnd::CloseAt(_) => return,
                    BodyEnd::StallAt(_) => {
                        let mut sink = [0u8; 1024];
                        while matches!(reader.read(&mut sink).await, Ok(n) if n > 0) {}
                        return;
                    }
                }
            }
        }
    }
}

/// One request, or `None` at a clean end of the connection.
async fn read_request(r: &mut BufReader<impl Conn>) -> std::io::Result<Option<Request>> {
    let bad = |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_string());
    let mut head = Vec::new();
    loop {
        let mut line = Vec::new();
        let n = r.read_until(b'\n', &mut line).await?;
        if n == 0 {
            return if head.is_empty() {
                Ok(None)
            } else {
                Err(bad("connection closed inside the request head"))
            };
        }
        if line == b"\r\n" || line == b"\n" {
            if head.is_empty() {
                continue;
            }
            break;
        }
        let text = String::from_utf8(line).map_err(|_| bad("request head is not UTF-8"))?;
        head.push(text.trim_end_matches(['\r', '\n']).to_string());
        if head.len() > 200 {
            return Err(bad("request head too long"));
        }
    }
    let mut parts = head[0].split(' ');
    let (Some(method), Some(target), Some(proto)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(bad("bad request line"));
    };
    if !proto.starts_with("HTTP/1.") {
        return Err(bad("not HTTP/1.x"));
    }
    let mut headers = Vec::new();
    for line in &head[1..] {
        let (n, v) = line.split_once(':').ok_or_else(|| bad("bad header line"))?;
        headers.push((n.trim().to_ascii_lowercase(), v.trim().to_string()));
    }
    let find = |name: &str| headers.iter().find(|(n, _)| n == name).map(|(_, v)| v);
    let chunked = find("transfer-encoding").is_some_and(|v| !v.eq_ignore_ascii_case("identity"));
    let len: usize = match find("content-length") {
        Some(v) => v.parse().map_err(|_| bad("bad content-length"))?,
        None => 0,
    };
    let mut body = vec![0; len];
    r.read_exact(&mut body).await?;
    Ok(Some(Request {
        method: method.into(),
        target: target.into(),
        headers,
        body,
        chunked,
    }))
}

fn response(status: u16, headers: &[(String, String)], body: &[u8], close: bool) -> Vec<u8> {
    let mut out = head(status, headers, body.len() as u64, close);
    out.extend(body);
    out
}

/// A response head announcing a body of `len` bytes.
fn head(status: u16, headers: &[(String, String)], len: u64, close: bool) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status} {}\r\n", reason(status)).into_bytes();
    for (n, v) in headers {
        out.extend(format!("{n}: {v}\r\n").as_bytes());
    }
    out.extend(format!("content-length: {len}\r\n").as_bytes());
    if close {
        out.extend(b"connection: close\r\n");
    }
    out.extend(b"\r\n");
    out
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        402 => "Payment Required",
        404 => "Not Found",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        _ => "Status",
    }
}

/// Compact JSON text, keys in insertion order (serde_json's `preserve_order`): what the
/// server sends and what an exact echo must reproduce.
fn json_text(v: &Value) -> String {
    v.to_string()
}

fn b64(doc: &Value) -> String {
    STANDARD.encode(doc.to_string())
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

impl Shared {
    /// The route for `path` (a clone of its handler), and how many payment headers it had
    /// received before this request; `paying` counts this one.
    fn route(&self, path: &str, paying: bool) -> Option<(Handler, usize)> {
        let mut routes = self.routes.lock().unwrap();
        let at = routes
            .iter()
            .position(|r| r.path != ANY && r.matches(path))
            .or_else(|| routes.iter().position(|r| r.path == ANY))?;
        let route = &mut routes[at];
        let nth = route.payments;
        route.payments += usize::from(paying);
        Some((route.handler.clone(), nth))
    }

    fn handle(&self, req: Request) -> Action {
        let close = req
            .headers
            .iter()
            .any(|(n, v)| n == "connection" && v.eq_ignore_ascii_case("close"));
        let mut seen = Seen {
            method: req.method,
            target: req.target,
            headers: req.headers,
            body: req.body,
            payment: None,
        };
        let sig = seen.header("payment-signature").map(str::to_string);
        let xp = seen.header("x-payment").map(str::to_string);
        let route = self.route(seen.path(), sig.is_some() || xp.is_some());
        let respond = |status: u16, headers: &[(String, String)], body: &[u8]| Action::Respond {
            bytes: response(status, headers, body, close),
            close,
        };
        let action = match route {
            _ if req.chunked => Action::Respond {
                bytes: response(501, &[], b"chunked request bodies are not supported", true),
                close: true,
            },
            None => respond(404, &[], b"no such route"),
            Some((
                Handler::Plain {
                    status,
                    headers,
                    body,
                },
                _,
            )) => respond(status, &headers, &body),
            Some((Handler::Misbehave(how), _)) => misbehave(how),
            Some((Handler::Script(script), _)) => match script(&seen) {
                Reply::Respond {
                    status,
                    headers,
                    body,
                } => respond(status, &headers, &body),
                Reply::Misbehave(how) => misbehave(how),
            },
            Some((Handler::Generated(body), _)) => Action::Stream {
                head: head(
                    200,
                    &[("content-type".into(), "application/octet-stream".into())],
                    body.len,
                    close,
                ),
                body,
                close,
            },
            Some((Handler::Paid(offer), nth)) => {
                let offer = offer.for_request(&self.base, seen.path());
                let answer = offer.answer_for(nth).clone();
                let (action, payment) = paid(&offer, &answer, sig, xp, close, &self.settled);
                seen.payment = payment;
                action
            }
        };
        // A payment header on a route that does not take payments is still recorded.
        if seen.payment.is_none()
            && let Some((header, value)) = seen
                .header("payment-signature")
                .map(|v| ("payment-signature", v))
                .or_else(|| seen.header("x-payment").map(|v| ("x-payment", v)))
        {
            seen.payment = Some(Payment {
                header: header.into(),
                value: value.into(),
                document: None,
                text: None,
                verdict: Verdict {
                    failures: vec!["a payment header on a route that asked for none".into()],
                    ..Verdict::default()
                },
            });
        }
        self.seen.lock().unwrap().push(seen);
        action
    }
}

/// What the wire sees for a [`Misbehave`].
fn misbehave(how: Misbehave) -> Action {
    match how {
        Misbehave::Raw(bytes) => Action::Partial {
            bytes,
            reset: false,
        },
        Misbehave::Close => Action::Close,
        Misbehave::Stall => Action::Stall,
        Misbehave::Truncate | Misbehave::ResetMidBody => {
            let mut bytes =
                b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 1000\r\n\r\n"
                    .to_vec();
            bytes.extend(b"0123456789");
            Action::Partial {
                bytes,
                reset: how == Misbehave::ResetMidBody,
            }
        }
    }
}

/// The answer of a paid route, and the payment it received (if any).
fn paid(
    offer: &Offer,
    answer: &Answer,
    sig: Option<String>,
    xp: Option<String>,
    close: bool,
    settled: &Mutex<Vec<String>>,
) -> (Action, Option<Payment>) {
    let respond = move |status: u16, headers: Vec<(String, String)>, body: &[u8]| Action::Respond {
        bytes: response(status, &headers, body, close),
        close,
    };
    let (header, value) = match (offer.version, sig, xp) {
        (Version::V2, Some(v), _) => ("payment-signature", v),
        (Version::V1, _, Some(v)) => ("x-payment", v),
        (_, None, None) => return (challenge(offer, None, &respond), None),
        (version, sig, xp) => {
            // The other version's header: a reference server treats it as no payment at all.
            let (h, v) = match sig {
                Some(v) => ("payment-signature", v),
                None => ("x-payment", xp.unwrap_or_default()),
            };
            let p = Payment {
                header: h.into(),
                value: v,
                document: None,
                text: None,
                verdict: Verdict {
                    failures: vec![format!("{h} sent to a {version:?} route")],
                    ..Verdict::default()
                },
            };
            return (challenge(offer, None, &respond), Some(p));
        }
    };
    let now = unix_now();
    let (text, document, verdict) = match offer.version {
        Version::V2 => verify_v2(
            &value,
            &offer.accepts,
            offer.resource.as_ref(),
            offer.extensions.as_ref(),
            now,
        ),
        Version::V1 => verify_v1(&value, &offer.accepts, now),
    };
    let network = verdict
        .option
        .and_then(|i| offer.accepts[i]["network"].as_str())
        .unwrap_or("")
        .to_string();
    let payer = verdict
        .payer
        .map(|a| a.to_checksum(None))
        .unwrap_or_default();
    let receipt_name = match offer.version {
        Version::V2 => "PAYMENT-RESPONSE",
        Version::V1 => "X-PAYMENT-RESPONSE",
    };
    let action = match answer {
        Answer::Redirect(location) if verdict.ok() => {
            let receipt = success_receipt(&network, &payer);
            respond(
                302,
                vec![
                    (receipt_name.into(), b64(&receipt)),
                    ("location".into(), location.clone()),
                ],
                b"",
            )
        }
        Answer::Success if verdict.ok() => {
            let receipt = success_receipt(&network, &payer);
            match offer.generated {
                Some(body) => Action::Stream {
                    head: head(
                        200,
                        &[
                            ("content-type".into(), "application/octet-stream".into()),
                            (receipt_name.into(), b64(&receipt)),
                        ],
                        body.len,
                        close,
                    ),
                    body,
                    close,
                },
                None => respond(
                    200,
                    vec![
                        ("content-type".into(), "application/json".into()),
                        (receipt_name.into(), b64(&receipt)),
                    ],
                    offer.body.as_bytes(),
                ),
            }
        }
        Answer::Success | Answer::Redirect(_) => {
            let reason = format!("verifier: {}", verdict.failures.join("; "));
            challenge(offer, Some(&reason), &respond)
        }
        Answer::Reject(reason) => challenge(offer, Some(reason), &respond),
        Answer::SettleFail(reason) => {
            let receipt = json!({
                "success": false,
                "errorReason": reason,
                "transaction": "",
                "network": network,
                "payer": payer,
            });
            let body = match offer.version {
                Version::V2 => json!({}),
                Version::V1 => json!({"x402Version": 1, "error": reason, "accepts": offer.accepts}),
            };
            respond(
                402,
                vec![
                    ("content-type".into(), "application/json".into()),
                    (receipt_name.into(), b64(&receipt)),
                ],
                body.to_string().as_bytes(),
            )
        }
        Answer::Unconfirmed { .. } | Answer::TakeAndRefuse(_) | Answer::Reverted
            if !verdict.ok() =>
        {
            let reason = format!("verifier: {}", verdict.failures.join("; "));
            challenge(offer, Some(&reason), &respond)
        }
        Answer::Unconfirmed {
            status,
            reason,
            settle,
        } => {
            let tx = if *settle {
                let tx = settle_on_chain(offer, verdict.option, document.as_ref());
                settled.lock().unwrap().push(tx.clone());
                tx
            } else {
                MADE_UP_TX.to_string()
            };
            let receipt = json!({
                "success": false,
                "errorReason": reason,
                "transaction": tx,
                "network": network,
                "payer": payer,
            });
            let body = if *status == 402 {
                "{}"
            } else {
                offer.body.as_str()
            };
            respond(
                *status,
                vec![
                    ("content-type".into(), "application/json".into()),
                    (receipt_name.into(), b64(&receipt)),
                ],
                body.as_bytes(),
            )
        }
        Answer::Reverted => {
            let chain = offer
                .chain
                .as_ref()
                .expect("Answer::Reverted needs Offer::settle_on");
            let asset = &offer.accepts[verdict.option.unwrap_or(0)]["asset"];
            // An explicit gas limit, so the node mines the failing call instead of refusing
            // to estimate it.
            let tx = rpc_call(
                &chain.rpc_url,
                "eth_sendTransaction",
                json!([{"from": chain.relayer, "to": asset, "data": "0xdeadbeef", "gas": "0x186a0"}]),
            );
            let tx = tx.as_str().expect("a transaction hash").to_string();
            settled.lock().unwrap().push(tx.clone());
            let receipt = json!({
                "success": false,
                "errorReason": "settlement_pending",
                "transaction": tx,
                "network": network,
                "payer": payer,
            });
            respond(
                402,
                vec![
                    ("content-type".into(), "application/json".into()),
                    (receipt_name.into(), b64(&receipt)),
                ],
                b"{}",
            )
        }
        Answer::TakeAndRefuse(reason) => {
            let tx = settle_on_chain(offer, verdict.option, document.as_ref());
            settled.lock().unwrap().push(tx);
            challenge(offer, Some(reason), &respond)
        }
        Answer::ServerError => respond(
            500,
            vec![("content-type".into(), "text/plain".into())],
            b"handler failed",
        ),
        Answer::Drop => Action::Close,
        Answer::Stall => Action::Stall,
    };
    let payment = Payment {
        header: header.into(),
        value,
        document,
        text,
        verdict,
    };
    (action, Some(payment))
}

/// The receipt of a settlement that succeeded (nothing is settled anywhere: [`FAKE_TX`]).
fn success_receipt(network: &str, payer: &str) -> Value {
    json!({
        "success": true,
        "transaction": FAKE_TX,
        "network": network,
        "payer": payer,
    })
}

/// Builds a response: status, headers, body.
type Respond = dyn Fn(u16, Vec<(String, String)>, &[u8]) -> Action;

/// A 402 with the offer's requirements and `error` (the reason a payment was refused, or
/// the reference servers' initial wording).
fn challenge(offer: &Offer, error: Option<&str>, respond: &Respond) -> Action {
    let json_type = ("content-type".to_string(), "application/json".to_string());
    match offer.version {
        Version::V2 => respond(
            402,
            vec![
                json_type,
                ("PAYMENT-REQUIRED".into(), offer.payment_required(error)),
            ],
            b"{}",
        ),
        Version::V1 => {
            let doc = json!({
                "x402Version": 1,
                "error": error.unwrap_or("X-PAYMENT header is required"),
                "accepts": offer.accepts,
            });
            respond(402, vec![json_type], doc.to_string().as_bytes())
        }
    }
}

/// Strict decoding, as the reference servers do it (`^[A-Za-z0-9+/]*={0,2}$`, then JSON):
/// what a client sends must be standard padded base64 of a JSON object.
fn decode_header(value: &str, v: &mut Verdict) -> Option<(String, Value)> {
    let Ok(bytes) = STANDARD.decode(value) else {
        v.fail("the header is not standard padded base64");
        return None;
    };
    let Ok(text) = String::from_utf8(bytes) else {
        v.fail("the header does not decode to UTF-8");
        return None;
    };
    match serde_json::from_str::<Value>(&text) {
        Ok(doc) if doc.is_object() => Some((text, doc)),
        _ => {
            v.fail("the header does not decode to a JSON object");
            None
        }
    }
}

/// Checks a `PAYMENT-SIGNATURE` value against a v2 offer at time `now` (Unix seconds).
///
/// `accepted` must be one of `offered`, as JSON text (same keys, same order, same values):
/// the decoded header must contain `"accepted":` followed by exactly that text.
pub fn verify_v2(
    value: &str,
    offered: &[Value],
    resource: Option<&Value>,
    extensions: Option<&Value>,
    now: u64,
) -> (Option<String>, Option<Value>, Verdict) {
    let mut v = Verdict::default();
    let Some((text, doc)) = decode_header(value, &mut v) else {
        return (None, None, v);
    };
    if doc["x402Version"] != json!(2) {
        v.fail(format!("x402Version is {}, not 2", doc["x402Version"]));
    }
    let accepted = &doc["accepted"];
    let sent = json_text(accepted);
    match offered.iter().position(|o| json_text(o) == sent) {
        Some(i) if text.contains(&format!("\"accepted\":{sent}")) => v.option = Some(i),
        Some(_) => v.fail("accepted is not the offered option's JSON text (spacing differs)"),
        None if offered.contains(accepted) => v.fail(format!(
            "accepted has the offered option's values but not its JSON text (key order): {sent}"
        )),
        None => v.fail(format!(
            "accepted is not one of the offered options: {sent}"
        )),
    }
    match (resource, doc.get("resource")) {
        (Some(r), Some(sent)) if json_text(r) == json_text(sent) => {}
        (Some(r), sent) => v.fail(format!(
            "resource is not echoed: offered {r}, sent {}",
            sent.map(Value::to_string)
                .unwrap_or_else(|| "nothing".into())
        )),
        (None, Some(sent)) => v.fail(format!("resource {sent} sent but none offered")),
        (None, None) => {}
    }
    match (extensions, doc.get("extensions").map(without_payment_id)) {
        (Some(e), Some(sent)) if json_text(e) == json_text(&sent) => {}
        (None, None) => {}
        (e, sent) => v.fail(format!(
            "extensions not echoed: offered {}, sent {}",
            e.map(Value::to_string).unwrap_or_else(|| "none".into()),
            sent.as_ref()
                .map(Value::to_string)
                .unwrap_or_else(|| "none".into())
        )),
    }
    if let Some(i) = v.option {
        let option = &offered[i];
        let chain_id = option["network"]
            .as_str()
            .and_then(|n| n.strip_prefix("eip155:"))
            .and_then(|id| id.parse::<u64>().ok());
        match chain_id {
            Some(id) => check_authorization(&doc["payload"], option, "amount", id, now, &mut v),
            None => v.fail("the offered option's network is not eip155:<chain id>"),
        }
    }
    (Some(text), Some(doc), v)
}

/// `extensions` as sent, without the `payment-identifier` id a client adds (a string in
/// `info.id`, the one change to an extension the protocol asks of it).
fn without_payment_id(sent: &Value) -> Value {
    let mut sent = sent.clone();
    if let Some(info) = sent
        .get_mut("payment-identifier")
        .and_then(|e| e.get_mut("info"))
        .and_then(Value::as_object_mut)
        && info.get("id").is_some_and(Value::is_string)
    {
        info.shift_remove("id");
    }
    sent
}

/// Checks an `X-PAYMENT` value against a v1 offer at time `now`. As v1 servers do, the
/// payment is matched to the first offered option with the same `scheme` and `network`.
pub fn verify_v1(
    value: &str,
    offered: &[Value],
    now: u64,
) -> (Option<String>, Option<Value>, Verdict) {
    let mut v = Verdict::default();
    let Some((text, doc)) = decode_header(value, &mut v) else {
        return (None, None, v);
    };
    if doc["x402Version"] != json!(1) {
        v.fail(format!("x402Version is {}, not 1", doc["x402Version"]));
    }
    let found = offered
        .iter()
        .position(|o| o["scheme"] == doc["scheme"] && o["network"] == doc["network"]);
    match found {
        None => v.fail(format!(
            "scheme {} / network {} match no offered option",
            doc["scheme"], doc["network"]
        )),
        Some(i) => {
            v.option = Some(i);
            let option = &offered[i];
            match option["network"].as_str().and_then(v1_chain_id) {
                Some(id) => check_authorization(
                    &doc["payload"],
                    option,
                    "maxAmountRequired",
                    id,
                    now,
                    &mut v,
                ),
                None => v.fail(format!("no chain id known for {}", option["network"])),
            }
        }
    }
    (Some(text), Some(doc), v)
}

/// The v1 names the tests offer (chain ids as in `@x402/evm` `EVM_NETWORK_CHAIN_ID_MAP`).
fn v1_chain_id(name: &str) -> Option<u64> {
    match name {
        "base" => Some(8453),
        "base-sepolia" => Some(84532),
        "polygon" => Some(137),
        "polygon-amoy" => Some(80002),
        _ => None,
    }
}

fn string_field<'a>(obj: &'a Value, key: &str, v: &mut Verdict) -> Option<&'a str> {
    let s = obj[key].as_str();
    if s.is_none() {
        v.fail(format!("authorization.{key} is not a string: {}", obj[key]));
    }
    s
}

fn address_field(obj: &Value, key: &str, v: &mut Verdict) -> Option<Address> {
    let s = string_field(obj, key, v)?;
    match Address::parse_checksummed(s, None) {
        Ok(a) => Some(a),
        Err(_) => {
            v.fail(format!("authorization.{key} {s} is not an EIP-55 address"));
            None
        }
    }
}

fn decimal_field(obj: &Value, key: &str, v: &mut Verdict) -> Option<U256> {
    let s = string_field(obj, key, v)?;
    let parsed = (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| U256::from_str_radix(s, 10).ok())
        .flatten();
    if parsed.is_none() {
        v.fail(format!(
            "authorization.{key} {s:?} is not a decimal integer"
        ));
    }
    parsed
}

fn hex_field(obj: &Value, key: &str, len: usize, v: &mut Verdict) -> Option<Vec<u8>> {
    let s = obj[key].as_str().unwrap_or_default();
    let ok = s.len() == 2 + 2 * len
        && s.starts_with("0x")
        && s[2..].bytes().all(|b| b.is_ascii_hexdigit());
    if !ok {
        v.fail(format!(
            "{key} {:?} is not 0x and {len} bytes of hex",
            obj[key]
        ));
        return None;
    }
    alloy_primitives::hex::decode(s).ok()
}

/// The EIP-3009 checks of the reference facilitator, on `payload` against `option`.
fn check_authorization(
    payload: &Value,
    option: &Value,
    amount_key: &str,
    chain_id: u64,
    now: u64,
    v: &mut Verdict,
) {
    if option["scheme"] != "exact" {
        v.fail(format!("scheme {} is not exact", option["scheme"]));
    }
    let auth = &payload["authorization"];
    if !auth.is_object() {
        v.fail("payload.authorization is missing");
        return;
    }
    let from = address_field(auth, "from", v);
    let to = address_field(auth, "to", v);
    let value = decimal_field(auth, "value", v);
    let after = decimal_field(auth, "validAfter", v);
    let before = decimal_field(auth, "validBefore", v);
    let nonce = hex_field(auth, "nonce", 32, v).map(|b| B256::from_slice(&b));
    let signature = hex_field(payload, "signature", 65, v);
    v.payer = from;
    v.nonce = auth["nonce"].as_str().map(str::to_string);
    v.value = value;
    v.valid_after = after.and_then(|x| u64::try_from(x).ok());
    v.valid_before = before.and_then(|x| u64::try_from(x).ok());

    // The terms: exactly the offered amount, to the offered payee.
    let price = option[amount_key]
        .as_str()
        .and_then(|s| U256::from_str_radix(s, 10).ok());
    if value.is_some() && value != price {
        v.fail(format!(
            "value {} differs from the offered {amount_key} {}",
            value.unwrap_or_default(),
            option[amount_key]
        ));
    }
    let pay_to = option["payTo"]
        .as_str()
        .and_then(|s| s.parse::<Address>().ok());
    if to.is_some() && to != pay_to {
        v.fail(format!(
            "to {} is not payTo {}",
            auth["to"], option["payTo"]
        ));
    }

    // The window: valid now, for no longer than the server allowed.
    let max_timeout = option["maxTimeoutSeconds"].as_u64().unwrap_or(0);
    if let (Some(after), Some(before)) = (v.valid_after, v.valid_before) {
        if after > now {
            v.fail(format!("validAfter {after} is in the future (now {now})"));
        }
        if before < now + MIN_VALIDITY_LEFT_SECS {
            v.fail(format!(
                "validBefore {before} leaves less than {MIN_VALIDITY_LEFT_SECS} s (now {now})"
            ));
        }
        if before > now + max_timeout + WINDOW_SLACK_SECS {
            v.fail(format!(
                "validBefore {before} is beyond now + maxTimeoutSeconds ({now} + {max_timeout})"
            ));
        }
    } else if before.is_some() || after.is_some() {
        v.fail("validAfter / validBefore do not fit in 64 bits");
    }

    // The signature: EIP-712 over the option's token domain, recovering to `from`. An option
    // without `extra.name`/`extra.version` is signed with the token's own domain, which for
    // every token this server offers is USDC's: name "USDC", version "2".
    let name = Some(option["extra"]["name"].as_str().unwrap_or("USDC"));
    let version = Some(option["extra"]["version"].as_str().unwrap_or("2"));
    let asset = option["asset"]
        .as_str()
        .and_then(|s| s.parse::<Address>().ok());
    let (Some(name), Some(version), Some(asset)) = (name, version, asset) else {
        v.fail("the offered option lacks extra.name, extra.version or a valid asset");
        return;
    };
    let (Some(from), Some(to), Some(value), Some(after), Some(before), Some(nonce), Some(sig)) =
        (from, to, value, after, before, nonce, signature)
    else {
        return;
    };
    if !matches!(sig[64], 27 | 28) {
        v.fail(format!("signature v is {}, not 27 or 28", sig[64]));
    }
    let domain = eip712_domain! {
        name: name.to_string(),
        version: version.to_string(),
        chain_id: chain_id,
        verifying_contract: asset,
    };
    let message = TransferWithAuthorization {
        from,
        to,
        value,
        validAfter: after,
        validBefore: before,
        nonce,
    };
    let digest = message.eip712_signing_hash(&domain);
    match Signature::from_raw(&sig).and_then(|s| s.recover_address_from_prehash(&digest)) {
        Ok(signer) => {
            v.signer = Some(signer);
            if signer != from {
                v.fail(format!(
                    "the signature recovers to {signer}, not from {from}"
                ));
            }
        }
        Err(e) => v.fail(format!("the signature does not recover: {e}")),
    }
}

sol! {
    function transferWithAuthorization(
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce,
        bytes signature
    ) external;
}

/// Sends the payment's `transferWithAuthorization` to the offer's chain from its relayer and
/// returns the transaction hash (anvil mines it at once). Panics when the chain refuses: the
/// test set this route up to settle.
fn settle_on_chain(offer: &Offer, option: Option<usize>, document: Option<&Value>) -> String {
    use alloy_sol_types::SolCall as _;
    let chain = offer
        .chain
        .as_ref()
        .expect("a route that settles needs Offer::settle_on");
    let option = &offer.accepts[option.expect("a verified payment matched an option")];
    let doc = document.expect("a verified payment decoded");
    let auth = &doc["payload"]["authorization"];
    let text = |k: &str| auth[k].as_str().unwrap_or_default().to_string();
    let number = |k: &str| U256::from_str_radix(&text(k), 10).unwrap();
    let signature =
        alloy_primitives::hex::decode(doc["payload"]["signature"].as_str().unwrap()).unwrap();
    let call = transferWithAuthorizationCall {
        from: text("from").parse().unwrap(),
        to: text("to").parse().unwrap(),
        value: number("value"),
        validAfter: number("validAfter"),
        validBefore: number("validBefore"),
        nonce: text("nonce").parse().unwrap(),
        signature: signature.into(),
    };
    let tx = rpc_call(
        &chain.rpc_url,
        "eth_sendTransaction",
        json!([{
            "from": chain.relayer,
            "to": option["asset"],
            "data": format!("0x{}", alloy_primitives::hex::encode(call.abi_encode())),
        }]),
    );
    tx.as_str().expect("a transaction hash").to_string()
}

/// One blocking JSON-RPC call over a fresh HTTP/1.1 connection (the server's handlers are
/// synchronous; anvil on 127.0.0.1 answers in milliseconds).
pub fn rpc_call(url: &str, method: &str, params: Value) -> Value {
    use std::io::{Read as _, Write as _};
    let addr = url
        .strip_prefix("http://")
        .expect("an http:// RPC URL")
        .trim_end_matches('/');
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).to_string();
    let mut stream = std::net::TcpStream::connect(addr).expect("connect to the chain");
    write!(
        stream,
        "POST / HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\ncontent-length: \
         {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    let text = String::from_utf8_lossy(&answer);
    let (_, json_text) = text.split_once("\r\n\r\n").expect("an HTTP answer");
    let doc: Value = serde_json::from_str(json_text.trim())
        .unwrap_or_else(|e| panic!("{method}: not JSON ({e}): {json_text}"));
    assert!(
        doc.get("error").is_none_or(Value::is_null),
        "{method}: {}",
        doc["error"]
    );
    doc["result"].clone()
}
