//! A JSON-RPC node on 127.0.0.1 answering by method, and a listener that never answers. A
//! server that always gives the same answer is [`super::verifier::fixed`].

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

/// The body of one HTTP/1.1 request (by its Content-Length); `None` when it is cut short.
fn read_body(stream: &TcpStream) -> Option<Vec<u8>> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut len = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            len = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; len];
    reader.read_exact(&mut body).ok()?;
    Some(body)
}

fn reply_json(mut stream: TcpStream, status: u16, body: &str) {
    let _ = write!(
        stream,
        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
}

/// A JSON-RPC 2.0 node on 127.0.0.1: `answer(method, params)` gives the `result`, or as `Err`
/// the `error` object. Every request is recorded in `seen`.
pub struct JsonRpc {
    pub url: String,
    pub seen: Arc<Mutex<Vec<serde_json::Value>>>,
}

pub type Answer = fn(&str, &serde_json::Value) -> Result<serde_json::Value, serde_json::Value>;

pub fn json_rpc(answer: Answer) -> JsonRpc {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let Some(body) = read_body(&stream) else {
                continue;
            };
            let request: serde_json::Value =
                serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null);
            log.lock().unwrap().push(request.clone());
            let id = request["id"].clone();
            let reply = match answer(request["method"].as_str().unwrap_or(""), &request["params"]) {
                Ok(result) => serde_json::json!({"jsonrpc": "2.0", "id": id, "result": result}),
                Err(error) => serde_json::json!({"jsonrpc": "2.0", "id": id, "error": error}),
            };
            reply_json(stream, 200, &reply.to_string());
        }
    });
    JsonRpc { url, seen }
}

/// Accepts connections and never answers.
pub fn silent() -> (SocketAddr, TcpListener) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    (listener.local_addr().unwrap(), listener)
}
