//! Hostile servers: each scripted 402 tries to make `x402 get` pay what it must not, or to
//! crash it. For every case: the exit code, a clear one-line message, no payment header where
//! none is due (the server counts them), and a journal that tells the truth.

use crate::support::verifier::{self, ANY, Misbehave, Verifier};
use crate::support::{self, Env, json_data};
use base64::Engine as _;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

const USDC: &str = "0x036CbD53842c5426634e7929541eC2318f3dCF7e";
const PAYEE: &str = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";

type Reply = (u16, Vec<(String, String)>, Vec<u8>);

/// A server whose every answer comes from `script(path, payment_header)`, on the test server
/// ([`Verifier`]), which counts the payment headers; a reply with status 0 means "never
/// answer".
struct Hostile {
    url: String,
    server: Verifier,
}

impl Hostile {
    fn start(script: impl Fn(&str, Option<&str>) -> Reply + Send + Sync + 'static) -> Hostile {
        let server = Verifier::builder()
            .script(ANY, move |seen| {
                let payment = seen
                    .header("payment-signature")
                    .or_else(|| seen.header("x-payment"));
                match script(seen.path(), payment) {
                    (0, _, _) => verifier::Reply::Misbehave(Misbehave::Stall),
                    reply => reply.into(),
                }
            })
            .start();
        Hostile {
            url: server.url(""),
            server,
        }
    }

    fn payments(&self) -> usize {
        self.server.payment_headers()
    }
}

fn b64(v: &Value) -> String {
    base64::engine::general_purpose::STANDARD.encode(v.to_string())
}

/// A v2 402 with one option built from the baseline and `change` applied to it.
fn v2_402(change: impl Fn(&mut Value)) -> Reply {
    let mut option = json!({
        "scheme": "exact", "network": "eip155:84532", "amount": "1000", "asset": USDC,
        "payTo": PAYEE, "maxTimeoutSeconds": 60, "extra": {"name": "USDC", "version": "2"}
    });
    change(&mut option);
    let doc =
        json!({"x402Version": 2, "resource": {"url": "http://127.0.0.1/r"}, "accepts": [option]});
    (
        402,
        vec![("payment-required".into(), b64(&doc))],
        b"{}".to_vec(),
    )
}

fn settled() -> Reply {
    let receipt = json!({"success": true, "transaction": format!("0x{}", "22".repeat(32)), "network": "eip155:84532"});
    (
        200,
        vec![("payment-response".into(), b64(&receipt))],
        b"content".to_vec(),
    )
}

struct Case {
    name: &'static str,
    server: Hostile,
    args: Vec<String>,
    code: i32,
    message: &'static str,
    payments: usize,
    journal: &'static [&'static str],
}

fn run(env: &Env, pw: &std::path::Path, case: Case) {
    let journal = env.x402_home().join("journal.jsonl");
    let _ = std::fs::remove_file(&journal);
    let out = env
        .x402()
        .arg("get")
        .arg(format!("{}/r", case.server.url))
        .args(["--yes", "-m", "3", "--password-file"])
        .arg(pw)
        .args(&case.args)
        .output()
        .unwrap();
    let err = support::stderr(&out);
    assert_eq!(out.status.code(), Some(case.code), "{}: {err}", case.name);
    let error_line = err
        .lines()
        .find(|l| l.starts_with("x402: error:"))
        .unwrap_or("");
    if case.code != 0 {
        assert!(
            error_line.contains(case.message),
            "{}: expected '{}' in the error line: {err}",
            case.name,
            case.message
        );
    }
    assert!(!err.contains("panicked"), "{}: {err}", case.name);
    assert_eq!(
        case.server.payments(),
        case.payments,
        "{}: payment headers",
        case.name
    );
    let h = env.history(&[]);
    let statuses: Vec<&str> = h["payments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, case.journal, "{}: journal", case.name);
}

/// A server that answers `reply` to everything, paid or not.
fn unpaid(reply: Reply) -> Hostile {
    Hostile::start(move |_, _| reply.clone())
}

impl Case {
    /// A case against [`unpaid`]`(reply)`: refused with `code` and `message`, no payment
    /// header sent, nothing journaled.
    fn unpaid(name: &'static str, reply: Reply, code: i32, message: &'static str) -> Case {
        Case {
            name,
            server: unpaid(reply),
            args: vec![],
            code,
            message,
            payments: 0,
            journal: &[],
        }
    }
}

#[test]
fn hostile_402s_get_no_payment() {
    let (env, pw) = Env::with_payer();
    let amount = |a: Value| v2_402(move |o| o["amount"] = a.clone());
    let two_pow_256 =
        "115792089237316195423570985008687907853269984665640564039457584007913129639936";
    let cases = vec![
        Case::unpaid(
            "amount above the cap",
            amount("2500000".into()),
            111,
            "above the per-payment cap of 0.10 USDC",
        ),
        Case::unpaid(
            "amount overflowing uint256",
            amount(two_pow_256.into()),
            112,
            "amount",
        ),
        Case::unpaid("negative amount", amount("-1".into()), 112, "amount"),
        Case::unpaid("fractional amount", amount("0.5".into()), 112, "amount"),
        Case::unpaid("amount not a number", amount("lots".into()), 112, "amount"),
        Case::unpaid(
            "amount as a JSON number",
            amount(json!(1000)),
            112,
            "amount",
        ),
        Case::unpaid(
            "unknown asset",
            v2_402(|o| o["asset"] = "0x1111111111111111111111111111111111111111".into()),
            112,
            "is not a token this tool knows",
        ),
        Case::unpaid(
            "known asset, wrong EIP-712 name",
            v2_402(|o| o["extra"]["name"] = "USD Coin".into()),
            112,
            "EIP-712 domain",
        ),
        Case::unpaid(
            "malformed payee",
            v2_402(|o| o["payTo"] = "0x1234".into()),
            112,
            "payTo",
        ),
        Case::unpaid(
            "maxTimeoutSeconds 0",
            v2_402(|o| o["maxTimeoutSeconds"] = 0.into()),
            112,
            "maxTimeoutSeconds",
        ),
        Case::unpaid(
            "maxTimeoutSeconds of a year",
            v2_402(|o| o["maxTimeoutSeconds"] = 31_536_000.into()),
            112,
            "longer than the 3600 s",
        ),
        Case::unpaid(
            "unknown network",
            v2_402(|o| o["network"] = "eip155:999999".into()),
            112,
            "not a known EVM network",
        ),
        Case::unpaid(
            "broken base64",
            (
                402,
                vec![("payment-required".into(), "%%%not base64%%%".into())],
                vec![],
            ),
            8,
            "the 402 cannot be read",
        ),
        Case::unpaid(
            "broken JSON",
            (
                402,
                vec![(
                    "payment-required".into(),
                    base64::engine::general_purpose::STANDARD.encode("{\"x402Version\": 2, "),
                )],
                vec![],
            ),
            8,
            "the 402 cannot be read",
        ),
        Case::unpaid(
            "a 10 MB 402",
            (402, vec![], vec![b' '; 10 * 1024 * 1024]),
            63,
            "larger than",
        ),
        Case::unpaid(
            "a 3.5 MB browser paywall page instead of terms",
            (
                402,
                vec![("content-type".into(), "text/html; charset=utf-8".into())],
                {
                    let mut page =
                        b"<!DOCTYPE html><html><head><title>Payment Required</title></head><body>"
                            .to_vec();
                    page.resize(3_500_000, b' ');
                    page.extend_from_slice(b"</body></html>");
                    page
                },
            ),
            8,
            "the 402 cannot be read",
        ),
        Case::unpaid(
            "a 2 MB header",
            (
                402,
                vec![("payment-required".into(), "A".repeat(2 * 1024 * 1024))],
                vec![],
            ),
            63,
            "larger than the tool reads",
        ),
        Case::unpaid(
            "a server that stalls",
            (0, vec![], vec![]),
            28,
            "timed out waiting for 127.0.0.1:",
        ),
        Case {
            name: "402 again after payment",
            server: Hostile::start(|_, _| v2_402(|_| {})),
            args: vec![],
            code: 114,
            message: "rejected",
            payments: 1,
            journal: &["rejected"],
        },
        Case {
            name: "a stall after payment",
            server: Hostile::start(|_, payment| match payment {
                None => v2_402(|_| {}),
                Some(_) => (0, vec![], vec![]),
            }),
            args: vec![],
            code: 115,
            message: "may have settled",
            payments: 1,
            journal: &["unknown"],
        },
        Case {
            name: "endless 402s behind redirects",
            server: Hostile::start(|path, payment| {
                let n: u32 = path
                    .trim_start_matches("/r")
                    .trim_start_matches('/')
                    .parse()
                    .unwrap_or(0);
                match payment {
                    None => v2_402(|_| {}),
                    Some(_) => {
                        let (_, mut h, b) = settled();
                        h.push(("location".into(), format!("/r/{}", n + 1)));
                        (302, h, b)
                    }
                }
            }),
            args: vec!["-L".into()],
            code: 110,
            message: "second payment",
            payments: 1,
            journal: &["settled"],
        },
        Case {
            name: "header and body disagreeing: the header is paid",
            server: Hostile::start(|_, payment| match payment {
                None => {
                    let (s, h, _) = v2_402(|_| {});
                    let body = json!({"x402Version": 1, "accepts": [{"scheme": "exact",
                        "network": "base-sepolia", "maxAmountRequired": "5000", "asset": USDC,
                        "payTo": PAYEE, "maxTimeoutSeconds": 60, "resource": "http://127.0.0.1/r",
                        "extra": {"name": "USDC", "version": "2"}}]});
                    (s, h, body.to_string().into_bytes())
                }
                Some(_) => settled(),
            }),
            args: vec![],
            code: 0,
            message: "",
            payments: 1,
            journal: &["settled"],
        },
    ];
    for case in cases {
        run(&env, &pw, case);
    }
}

#[test]
fn a_redirect_to_another_origin_gets_no_payment_header() {
    let (env, pw) = Env::with_payer();
    // C: a third origin the paid answer redirects to.
    let c = Hostile::start(|_, _| (200, vec![], b"elsewhere".to_vec()));
    let c_url = c.url.clone();
    // B: asks for payment, then redirects to C.
    let b = Hostile::start(move |_, payment| match payment {
        None => v2_402(|_| {}),
        Some(_) => {
            let (_, mut h, _) = settled();
            h.push(("location".into(), format!("{c_url}/after")));
            (302, h, vec![])
        }
    });
    // A: the URL asked for redirects to B before any 402.
    let b_url = b.url.clone();
    let a = Hostile::start(move |_, _| {
        (
            307,
            vec![("location".into(), format!("{b_url}/pay"))],
            vec![],
        )
    });
    let out = env.pay(&pw, &format!("{}/start", a.url), &["-L"]);
    let err = support::stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert_eq!(support::stdout(&out), "elsewhere");
    assert!(err.contains("where a redirect from"), "{err}");
    assert_eq!((a.payments(), b.payments(), c.payments()), (0, 1, 0));
}

#[test]
fn a_reply_that_is_not_http_is_8() {
    let server = Verifier::builder()
        .misbehave(
            ANY,
            Misbehave::Raw(b"SSH-2.0-OpenSSH_9.6\r\nnot http at all\r\n\r\n".to_vec()),
        )
        .start();
    let env = Env::new();
    let out = env.run(&["get", &server.url("/")]);
    let err = support::stderr(&out);
    assert_eq!(out.status.code(), Some(8), "{err}");
    assert!(err.contains("not HTTP"), "{err}");
}

/// Server text (a description, an error reason) reaches the terminal with its control
/// characters escaped: no cursor moves, recolouring or window titles from a 402.
#[test]
fn terminal_escapes_in_server_text_are_neutralised() {
    let server = unpaid({
        let option = json!({
            "scheme": "exact", "network": "eip155:84532", "amount": "1000", "asset": USDC,
            "payTo": PAYEE, "maxTimeoutSeconds": 60, "extra": {"name": "USDC", "version": "2"}
        });
        let doc = json!({
            "x402Version": 2,
            "error": "\u{1b}]0;owned\u{7}pay me",
            "resource": {"url": "http://127.0.0.1/r", "description": "\u{1b}[2J\u{1b}[31mall clear\r"},
            "accepts": [option]
        });
        (
            402,
            vec![("payment-required".into(), b64(&doc))],
            b"{}".to_vec(),
        )
    });
    let env = Env::new();
    let url = format!("{}/r", server.url);
    for args in [vec!["get", &url, "--dry-run"], vec!["inspect", &url]] {
        let out = env.x402().args(&args).output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            support::stderr(&out)
        );
        let all = [out.stdout.as_slice(), out.stderr.as_slice()].concat();
        assert!(
            !all.contains(&0x1b) && !all.contains(&0x07) && !all.contains(&b'\r'),
            "{args:?}"
        );
        assert!(
            String::from_utf8_lossy(&all).contains("\\u{1b}[31mall clear"),
            "{args:?}: {}",
            String::from_utf8_lossy(&all)
        );
    }
    assert_eq!(server.payments(), 0);
}

#[test]
fn the_quote_names_a_resource_other_than_the_url_asked() {
    // The server sells "http://127.0.0.1/r" (no port) from another address: the quote says
    // so, so that a 402 copied from another endpoint is noticed before paying.
    let server = unpaid(v2_402(|_| {}));
    let env = Env::new();
    let out = env.run(&["get", &format!("{}/r", server.url), "--dry-run"]);
    let err = support::stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("\n  resource  http://127.0.0.1/r\n"), "{err}");
    assert_eq!(server.payments(), 0);
}

#[test]
fn inspect_follows_redirects_to_the_402_with_location() {
    let server = Hostile::start(|path, _| match path {
        "/old" => (302, vec![("location".into(), "/r".into())], vec![]),
        "/loop" => (302, vec![("location".into(), "/loop".into())], vec![]),
        _ => v2_402(|_| {}),
    });
    let env = Env::new();
    let inspect = |path: &str, extra: &[&str]| {
        env.x402()
            .args(["inspect", &format!("{}{path}", server.url), "--json"])
            .args(extra)
            .output()
            .unwrap()
    };
    // Without -L the redirect is the answer: no terms.
    let out = inspect("/old", &[]);
    support::assert_exit(&out, 0);
    let doc = json_data(&out);
    assert_eq!(doc["payment_required"], false, "{doc}");
    assert_eq!(doc["status"], 302, "{doc}");
    // With -L the terms are those of the URL that answered 402, and the report names it.
    let out = inspect("/old", &["-L"]);
    support::assert_exit(&out, 0);
    let doc = json_data(&out);
    assert_eq!(doc["options"][0]["price"]["base_units"], "1000", "{doc}");
    assert_eq!(doc["url"], format!("{}/r", server.url), "{doc}");
    assert_eq!(doc["status"], 402, "{doc}");
    // A redirect loop ends at --max-redirs with curl's 47.
    let out = inspect("/loop", &["-L", "--max-redirs", "3"]);
    support::assert_exit(&out, 47);
    assert_eq!(server.payments(), 0);
}

#[test]
fn the_journal_holds_the_payment_before_the_server_sees_its_header() {
    // The server reads the payer's journal at the moment the payment header arrives: the
    // signed record (status pending) with the header's nonce must already be on disk.
    let (env, pw) = Env::with_payer();
    let journal = env.x402_home().join("journal.jsonl");
    let seen: Arc<Mutex<Vec<(String, String)>>> = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    let server = Hostile::start(move |_, payment| match payment {
        None => v2_402(|_| {}),
        Some(header) => {
            let doc: Value = serde_json::from_slice(
                &base64::engine::general_purpose::STANDARD
                    .decode(header)
                    .unwrap_or_default(),
            )
            .unwrap_or_default();
            let nonce = doc["payload"]["authorization"]["nonce"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            let on_disk = std::fs::read_to_string(&journal).unwrap_or_default();
            record.lock().unwrap().push((nonce, on_disk));
            settled()
        }
    });
    let out = env.pay(&pw, &format!("{}/r", server.url), &[]);
    support::assert_exit(&out, 0);
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1);
    let (nonce, on_disk) = &seen[0];
    assert_eq!(nonce.len(), 66, "{nonce}");
    let lines: Vec<Value> = on_disk
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        lines.len(),
        1,
        "only the signed record, no outcome yet: {on_disk}"
    );
    assert_eq!(lines[0]["event"], "signed");
    assert_eq!(lines[0]["nonce"], nonce.as_str());
    assert_eq!(lines[0]["amount"], "1000");
    assert_eq!(lines[0]["payTo"], PAYEE);
    // After the call, the outcome follows it.
    let h = env.history(&[]);
    assert_eq!(h["payments"][0]["status"], "settled");
    assert_eq!(h["payments"][0]["nonce"], nonce.as_str());
}
