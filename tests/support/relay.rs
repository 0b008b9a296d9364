//! Relays on 127.0.0.1 between `x402` and a real server of the local network: [`serve`] runs
//! any axum app on a thread of its own; [`LockProbe`] passes JSON-RPC requests on to a node and
//! notes, for each, whether the payment journal was locked exclusively at that moment, so a
//! test can show that `x402` makes no chain read while it holds the journal's lock (other
//! x402 processes would wait on it).

use serde_json::Value;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// A running relay: `url` is what config.toml names as the network's RPC.
pub struct LockProbe {
    pub url: String,
    seen: Arc<Mutex<Vec<(String, bool)>>>,
}

impl LockProbe {
    /// Relays to `upstream`, probing `journal` (its exclusive lock) on each request.
    pub fn start(upstream: &str, journal: PathBuf) -> LockProbe {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        let upstream = upstream.to_owned();
        let client = x402::http::client(&Default::default()).unwrap();
        let app = axum::Router::new().fallback(move |axum::Json(req): axum::Json<Value>| {
            let (client, upstream, log, journal) = (
                client.clone(),
                upstream.clone(),
                log.clone(),
                journal.clone(),
            );
            async move {
                let locked = locked(&journal);
                let calls = match &req {
                    Value::Array(batch) => batch.clone(),
                    one => vec![one.clone()],
                };
                for call in calls {
                    let method = call["method"].as_str().unwrap_or("?").to_owned();
                    log.lock().unwrap().push((method, locked));
                }
                let answer: Value = client
                    .post(&upstream)
                    .json(&req)
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                axum::Json(answer)
            }
        });
        LockProbe {
            url: serve(app),
            seen,
        }
    }

    /// Each request's JSON-RPC method and whether the journal was locked when it came.
    pub fn seen(&self) -> Vec<(String, bool)> {
        self.seen.lock().unwrap().clone()
    }
}

/// Whether another process holds the journal's exclusive lock (a missing journal: no).
fn locked(journal: &std::path::Path) -> bool {
    let Ok(file) = std::fs::File::open(journal) else {
        return false;
    };
    match file.try_lock_shared() {
        Ok(()) => false,
        Err(std::fs::TryLockError::WouldBlock) => true,
        Err(std::fs::TryLockError::Error(e)) => panic!("{}: {e}", journal.display()),
    }
}

/// Serves `app` on a free 127.0.0.1 port, on a thread (and runtime) of its own for the rest of
/// the test process; returns its base URL (`http://127.0.0.1:PORT`).
pub fn serve(app: axum::Router) -> String {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(format!("http://{}", listener.local_addr().unwrap()))
                .unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    rx.recv().unwrap()
}
