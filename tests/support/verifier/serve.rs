//! The wire side of the test server: connections (plain or TLS), HTTP/1.1 requests read by
//! hand, routing to a handler, and the bytes written back, misbehaviour included.

use super::paid::paid;
use super::*;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use std::time::{SystemTime, UNIX_EPOCH};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

pub(super) struct Shared {
    /// `http://127.0.0.1:PORT` (or `https://`).
    pub(super) base: String,
    pub(super) routes: Mutex<Vec<Route>>,
    pub(super) seen: Mutex<Vec<Seen>>,
    /// Transactions this server sent to a chain, in order.
    pub(super) settled: Mutex<Vec<String>>,
}

struct Request {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    chunked: bool,
}

/// What to do on the wire after a request.
pub(super) enum Action {
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
pub(super) trait Conn: AsyncRead + AsyncWrite + Unpin + Send + 'static {
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

pub(super) async fn serve_connection(stream: impl Conn, shared: Arc<Shared>) {
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

pub(super) fn response(
    status: u16,
    headers: &[(String, String)],
    body: &[u8],
    close: bool,
) -> Vec<u8> {
    let mut out = head(status, headers, body.len() as u64, close);
    out.extend(body);
    out
}

/// A response head announcing a body of `len` bytes.
pub(super) fn head(status: u16, headers: &[(String, String)], len: u64, close: bool) -> Vec<u8> {
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
pub(super) fn json_text(v: &Value) -> String {
    v.to_string()
}

pub(super) fn b64(doc: &Value) -> String {
    STANDARD.encode(doc.to_string())
}

pub(super) fn unix_now() -> u64 {
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
