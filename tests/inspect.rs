//! `x402 inspect` against the test server on 127.0.0.1 (`support::verifier`), one route per kind of 402: the report's
//! lines, the `--json` document and the exit code. The official servers are covered in
//! `pay.rs` (and their browser paywall at the end of this file).

use crate::support::verifier::{Reply, Seen, Verifier};
use crate::support::{self, Env, json_data, localnet};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use std::process::Output;

const USDC_BASE_SEPOLIA: &str = "0x036CbD53842c5426634e7929541eC2318f3dCF7e";
const USDC_BASE: &str = "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913";
const PAY_TO: &str = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C";

/// A route that always gives the same answer.
fn fixed(status: u16, headers: &[(&str, &str)], body: impl Into<Vec<u8>>) -> Reply {
    Reply::new(status, headers, body)
}

fn b64(doc: &Value) -> String {
    STANDARD.encode(doc.to_string())
}

/// A v2 `exact` option on Base Sepolia USDC, with fields replaced or removed (`null`).
fn option(amount: &str, changes: Value) -> Value {
    let mut o = json!({
        "scheme": "exact",
        "network": "eip155:84532",
        "amount": amount,
        "asset": USDC_BASE_SEPOLIA,
        "payTo": PAY_TO,
        "maxTimeoutSeconds": 60,
        "extra": {"name": "USDC", "version": "2"},
    });
    for (k, v) in changes.as_object().expect("object") {
        if v.is_null() {
            o.as_object_mut().expect("object").shift_remove(k);
        } else {
            o[k] = v.clone();
        }
    }
    o
}

fn v2_doc(accepts: Vec<Value>) -> Value {
    json!({
        "x402Version": 2,
        "error": "Payment required",
        "resource": {"url": "http://example.test/report", "description": "a report", "mimeType": "application/json"},
        "accepts": accepts,
    })
}

/// A 402 as `@x402/express` sends it to a program: the terms in the header, `{}` in the body.
fn v2_402(accepts: Vec<Value>) -> Reply {
    let header = b64(&v2_doc(accepts));
    fixed(
        402,
        &[
            ("content-type", "application/json"),
            ("payment-required", &header),
        ],
        "{}",
    )
}

fn inspect(env: &Env, args: &[&str]) -> Output {
    env.x402()
        .arg("inspect")
        .args(args)
        .output()
        .expect("x402 runs")
}

fn lines(out: &Output) -> Vec<String> {
    support::stdout(out).lines().map(str::to_owned).collect()
}

/// Asserts that stdout has these exact lines, in this order (other lines may come between).
#[track_caller]
fn assert_lines(out: &Output, expected: &[&str]) {
    let got = lines(out);
    let mut at = 0;
    for want in expected {
        match got[at..].iter().position(|l| l == want) {
            Some(i) => at += i + 1,
            None => panic!(
                "missing line {want:?} (in order) in stdout:\n{}\nstderr:\n{}",
                got.join("\n"),
                support::stderr(out)
            ),
        }
    }
}

/// The exit status of a 402 that cannot be read: the one the tool's error classification
/// gives a `ChallengeError`, whatever command meets it.
fn unreadable_code() -> i32 {
    let err = x402::payment::challenge::parse_payment_required(&Default::default(), b"")
        .expect_err("no terms");
    let (status, _) = x402::error::classify(&anyhow::Error::new(err));
    let code = i32::from(status.code());
    assert_ne!(code, 0);
    code
}

#[track_caller]
fn assert_code(out: &Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        support::stdout(out),
        support::stderr(out)
    );
}

#[test]
fn shows_every_option_and_the_one_get_would_pay() {
    let server = Verifier::builder().reply(
        "/report",
        v2_402(vec![
            option(
                "10000",
                json!({"network": "eip155:31337", "asset": "0x700b6A60ce7EaaEA56F065753d8dcB9653dbAD35"}),
            ),
            option("10000", json!({})),
            option("2500000", json!({"scheme": "upto"})),
        ]),
    ).start();
    let env = Env::new();
    let url = server.url("/report");
    let out = inspect(&env, &[&url]);
    assert_code(&out, 0);
    assert_lines(
        &out,
        &[
            "x402 v2 payment required, terms in the PAYMENT-REQUIRED header",
            &format!("url        {url}"),
            "resource   http://example.test/report",
            "           a report",
            "           application/json",
            "message    Payment required",
            "",
            "option 1   not payable: network 'eip155:31337' is not a known EVM network (add it to config.toml)",
            "  scheme   exact",
            "  network  eip155:31337, not a network this tool knows",
            "  amount   10000 base units (decimals unknown: the token is not known)",
            "  asset    0x700b6A60ce7EaaEA56F065753d8dcB9653dbAD35, unknown token",
            &format!("  pay to   {PAY_TO}"),
            "  timeout  60 s",
            r#"  extra    {"name":"USDC","version":"2"}"#,
            "",
            "option 2   x402 get would pay this one",
            "  network  base-sepolia (eip155:84532)",
            "  amount   0.01 USDC (10000 base units)",
            &format!("  asset    USDC {USDC_BASE_SEPOLIA}"),
            "",
            // Refused for its scheme, yet its price is shown: the token is known.
            // upto without extra.facilitatorAddress: anyone could settle it.
            "option 3   not payable: the upto option names no facilitator (extra.facilitatorAddress): without it the authorization could be settled by anyone",
            "  scheme   upto",
            "  amount   up to 2.50 USDC (2500000 base units; the server charges what was used)",
            "",
            "choice     option 2, 0.01 USDC on base-sepolia: the server's first payable option",
            "cap        0.01 USDC is within the per-payment cap of 0.10 USDC (the default)",
            "departures none found",
        ],
    );
    // No conversation on stderr for a clean 402.
    assert_eq!(support::stderr(&out), "");

    let data = json_data(&inspect(&env, &[&url, "--json"]));
    assert_eq!(data["status"], 402);
    assert_eq!(data["payment_required"], true);
    assert_eq!(data["x402_version"], 2);
    assert_eq!(data["source"], "header");
    assert_eq!(data["resource"]["description"], "a report");
    assert_eq!(data["error"], "Payment required");
    assert_eq!(data["chosen"], 1);
    assert_eq!(data["choice"]["index"], 1);
    assert_eq!(
        data["choice"]["reason"],
        "option 2, 0.01 USDC on base-sepolia: the server's first payable option"
    );
    assert_eq!(data["choice"]["cap"]["within"], true);
    assert_eq!(data["choice"]["cap"]["limit"], "0.10 USDC");
    assert_eq!(data["departures"], json!([]));
    let o = &data["options"];
    assert_eq!(o.as_array().expect("options").len(), 3);
    assert_eq!(o[0]["payable"], false);
    assert_eq!(o[0]["network_name"], Value::Null);
    assert_eq!(o[0]["asset_known"], false);
    assert_eq!(o[0]["price"], Value::Null);
    assert!(
        o[0]["reason"]
            .as_str()
            .expect("reason")
            .contains("not a known EVM network")
    );
    assert_eq!(o[1]["chosen"], true);
    assert_eq!(o[1]["payable"], true);
    assert_eq!(o[1]["verdict"], "x402 get would pay this one");
    assert_eq!(o[1]["network"], "eip155:84532");
    assert_eq!(o[1]["caip2"], "eip155:84532");
    assert_eq!(o[1]["network_name"], "base-sepolia");
    assert_eq!(
        o[1]["price"],
        json!({"base_units": "10000", "decimal": "0.01", "symbol": "USDC", "decimals": 6})
    );
    assert_eq!(o[1]["asset_symbol"], "USDC");
    assert_eq!(o[1]["pay_to"], PAY_TO);
    assert_eq!(o[1]["max_timeout_seconds"], 60);
    assert_eq!(o[1]["extra"], json!({"name": "USDC", "version": "2"}));
    assert_eq!(o[1]["raw"], option("10000", json!({})));
    assert_eq!(o[2]["price"]["decimal"], "2.50");
    assert_eq!(o[2]["chosen"], false);

    // Above the cap: shown, and said.
    env.write_config("[limits]\nper_payment = \"0.005\"\n");
    let out = inspect(&env, &[&url]);
    assert_code(&out, 0);
    assert_lines(
        &out,
        &[
            "cap        0.01 USDC is above the per-payment cap of 0.005 USDC ([limits] per_payment in config.toml): x402 get refuses it unless --max-amount allows it",
        ],
    );
}

#[test]
fn network_preference_decides_and_is_explained() {
    let server = Verifier::builder().reply(
        "/two",
        v2_402(vec![
            option("10000", json!({})),
            option(
                "20000",
                json!({"network": "eip155:8453", "asset": USDC_BASE, "extra": {"name": "USD Coin", "version": "2"}}),
            ),
        ]),
    ).start();
    let env = Env::new();
    let url = server.url("/two");

    let out = inspect(&env, &[&url]);
    assert_code(&out, 0);
    assert_lines(
        &out,
        &[
            "option 1   x402 get would pay this one",
            "option 2   payable; x402 get prefers option 1, which comes first",
            "  network  base (eip155:8453)",
            "  amount   0.02 USDC (20000 base units)",
        ],
    );

    // --network narrows to the networks named, in that order.
    let out = inspect(&env, &[&url, "--network", "base"]);
    assert_code(&out, 0);
    assert_lines(
        &out,
        &[
            "option 1   not payable: network base-sepolia was not asked for (--network)",
            "option 2   x402 get would pay this one",
            "choice     option 2, 0.02 USDC on base: the first payable option on base, the most preferred network (--network) that the 402 offers",
        ],
    );
    let data = json_data(&inspect(
        &env,
        &[&url, "--network", "eip155:8453", "--json"],
    ));
    assert_eq!(data["chosen"], 1);
    assert_eq!(data["choice"]["preferred_networks"], json!(["base"]));
    assert_eq!(data["choice"]["preference_from"], "--network");

    // config.toml's preference orders without excluding.
    env.write_config("[payment]\nnetworks = [\"base\", \"base-sepolia\"]\n");
    let out = inspect(&env, &[&url]);
    assert_code(&out, 0);
    assert_lines(
        &out,
        &[
            "option 1   payable; x402 get prefers option 2: base comes before base-sepolia in [payment] networks in config.toml",
            "option 2   x402 get would pay this one",
        ],
    );
    env.write_config("[payment]\nnetworks = [\"polygon\"]\n");
    assert_lines(
        &inspect(&env, &[&url]),
        &[
            "choice     option 1, 0.01 USDC on base-sepolia: no payable option is on a network in [payment] networks in config.toml, so the server's first payable option",
        ],
    );

    // A network the 402 does not offer: none chosen, and still exit 0 (the terms were shown).
    let out = inspect(&env, &[&url, "--network", "polygon"]);
    assert_code(&out, 0);
    assert_lines(
        &out,
        &["choice     none: no option is payable on the networks asked for (polygon)"],
    );
    let data = json_data(&inspect(&env, &[&url, "--network", "polygon", "--json"]));
    assert_eq!(data["chosen"], Value::Null);
    assert_eq!(data["choice"]["cap"], Value::Null);
    // An unknown network name is a usage error, before any request.
    assert_code(&inspect(&env, &[&url, "--network", "nowhere"]), 2);
}

#[test]
fn lists_each_departure_with_its_field() {
    let server = Verifier::builder()
        .reply(
            "/broken",
            v2_402(vec![
                option(
                    "1.5",
                    json!({"payTo": PAY_TO.to_lowercase().replacen('b', "B", 1)}),
                ),
                option(
                    "10000",
                    json!({"extra": {"name": "USD Coin", "version": "1"}}),
                ),
                option("10000", json!({"maxTimeoutSeconds": null, "amount": 10000})),
            ]),
        )
        .reply(
            "/v1-broken",
            fixed(
                402,
                &[("content-type", "application/json")],
                json!({
                    "x402Version": 1,
                    "error": "X-PAYMENT header is required",
                    "accepts": [{
                        "scheme": "exact", "network": "base-sepolia", "maxAmountRequired": 1000,
                        "resource": "http://example.test/v1", "description": "", "payTo": PAY_TO,
                        "maxTimeoutSeconds": 60, "asset": USDC_BASE_SEPOLIA,
                        "extra": {"name": "USDC", "version": "2"}
                    }]
                })
                .to_string(),
            ),
        )
        .start();
    let env = Env::new();
    let out = inspect(&env, &[&server.url("/broken")]);
    assert_code(&out, 0);
    assert_lines(
        &out,
        &[
            "option 1   not payable: the option breaks the protocol: amount has a fraction; must be an integer in atomic units; payTo has a wrong eip-55 checksum",
            r#"  amount   "1.5", not an amount in base units"#,
            "option 2   not payable: EIP-712 domain 'USD Coin'/'1' differs from the known token's 'USDC'/'2'",
            "  amount   0.01 USDC (10000 base units)",
            "option 3   not payable: the option breaks the protocol: amount must be a string, not a number; maxTimeoutSeconds is missing",
            "  amount   10000, mistyped",
            "  timeout  (missing)",
            "choice     none: no option is payable",
            "departures 6 from the protocol",
            "  option 1 amount has a fraction; must be an integer in atomic units",
            "  option 1 payTo has a wrong eip-55 checksum",
            "  option 2 extra.name is 'USD Coin', but USDC on base-sepolia signs with eip-712 name 'USDC'",
            "  option 2 extra.version is '1', but USDC on base-sepolia signs with eip-712 version '2'",
            "  option 3 amount must be a string, not a number",
            "  option 3 maxTimeoutSeconds is missing",
        ],
    );
    let data = json_data(&inspect(&env, &[&server.url("/broken"), "--json"]));
    assert_eq!(data["chosen"], Value::Null);
    let departures = data["departures"].as_array().expect("departures");
    assert_eq!(departures.len(), 6);
    assert_eq!(
        departures[2],
        json!({"option": 1, "field": "extra.name", "message": "is 'USD Coin', but USDC on base-sepolia signs with eip-712 name 'USDC'"})
    );
    assert_eq!(data["options"][1]["problems"][1]["field"], "extra.version");
    assert_eq!(data["options"][0]["amount"], "1.5");

    // v1: the body, with a mistyped maxAmountRequired.
    let out = inspect(&env, &[&server.url("/v1-broken")]);
    assert_code(&out, 0);
    assert_lines(
        &out,
        &[
            "x402 v1 payment required, terms in the response body",
            "resource   http://example.test/v1",
            "message    X-PAYMENT header is required",
            "  network  base-sepolia (eip155:84532)",
            "  option 1 maxAmountRequired must be a string, not a number",
        ],
    );
}

#[test]
fn header_and_body_that_disagree() {
    let header_doc = v2_doc(vec![option("10000", json!({}))]);
    let body_doc = v2_doc(vec![option("20000", json!({}))]);
    let header = b64(&header_doc);
    let server = Verifier::builder()
        .reply(
            "/differ",
            fixed(
                402,
                &[
                    ("content-type", "application/json"),
                    ("payment-required", &header),
                ],
                body_doc.to_string(),
            ),
        )
        .reply(
            "/same",
            fixed(
                402,
                &[("payment-required", &header)],
                header_doc.to_string(),
            ),
        )
        .start();
    let env = Env::new();
    let out = inspect(&env, &[&server.url("/differ")]);
    assert_code(&out, 0);
    assert_lines(
        &out,
        &[
            // The header is what counts.
            "  amount   0.01 USDC (10000 base units)",
            "departures 1 from the protocol",
            "  response body carries an x402 v2 document whose terms differ from the PAYMENT-REQUIRED header (accepts[0].amount is 20000 in the body, 10000 in the header); the header is used",
        ],
    );
    let data = json_data(&inspect(&env, &[&server.url("/differ"), "--json"]));
    assert_eq!(data["departures"][0]["option"], Value::Null);
    assert_eq!(data["departures"][0]["field"], "body");
    assert_eq!(data["options"][0]["price"]["base_units"], "10000");
    // A body repeating the header's terms is fine.
    assert_lines(
        &inspect(&env, &[&server.url("/same")]),
        &["departures none found"],
    );
}

/// What `@x402/core` 2.27's `x402HTTPResourceServer` does: a request whose `Accept` has
/// `text/html` and whose `User-Agent` has `Mozilla` gets a 402 with the PAYMENT-REQUIRED
/// header and an HTML paywall; any other request gets the header and `{}`.
fn official_like_v2(req: &Seen) -> Reply {
    let header = b64(&v2_doc(vec![option("10000", json!({}))]));
    let get = |n: &str| req.header(n).unwrap_or("");
    let browser = get("accept").contains("text/html") && get("user-agent").contains("Mozilla");
    let pr = ("payment-required", header.as_str());
    if browser {
        fixed(402, &[("content-type", "text/html"), pr], PAYWALL_PAGE)
    } else {
        fixed(402, &[("content-type", "application/json"), pr], "{}")
    }
}

/// `@x402/core`'s fallback paywall page (shortened).
const PAYWALL_PAGE: &str = "<!DOCTYPE html>\n<html>\n  <head>\n    <title>Payment Required</title>\n  </head>\n  <body>\n    <h1>Payment Required</h1>\n    <p>This resource is protected by the x402 payment protocol.</p>\n  </body>\n</html>";

#[test]
fn browser_paywall_is_detected_and_explained() {
    let legacy_page = "<!DOCTYPE html><html><head><title>Payment Required</title><script>window.x402 = {amount: 0.01};</script></head><body></body></html>";
    let server = Verifier::builder()
        .script("/v2", official_like_v2)
        // Legacy x402-express: the page and nothing else.
        .reply(
            "/v1",
            fixed(
                402,
                &[("content-type", "text/html; charset=utf-8")],
                legacy_page,
            ),
        )
        // A paywall served as a 200, without a header.
        .reply(
            "/ok-page",
            fixed(200, &[("content-type", "text/html")], legacy_page),
        )
        // An ordinary page.
        .reply(
            "/home",
            fixed(
                200,
                &[("content-type", "text/html")],
                "<html><body>hello</body></html>",
            ),
        )
        .start();
    let env = Env::new();
    let browser = [
        "-A",
        "Mozilla/5.0 (X11; Linux x86_64)",
        "-H",
        "Accept: text/html",
    ];
    let v2 = server.url("/v2");

    // As a program: no paywall.
    let out = inspect(&env, &[&v2]);
    assert_code(&out, 0);
    assert_lines(&out, &["departures none found"]);
    assert_eq!(support::stderr(&out), "");

    // As a browser: the terms still come from the header; the page is reported and explained.
    let mut args = vec![v2.as_str()];
    args.extend(browser);
    let out = inspect(&env, &args);
    assert_code(&out, 0);
    assert_lines(
        &out,
        &[
            "option 1   x402 get would pay this one",
            "departures 1 from the protocol",
            "  response body is an html page (a browser paywall), not json; the terms were read from the PAYMENT-REQUIRED header",
        ],
    );
    let err = support::stderr(&out);
    assert!(
        err.contains("x402: warning: the server answered with its browser paywall page"),
        "{err}"
    );
    assert!(err.contains("  hint: the request looked like a browser's (User-Agent 'Mozilla/5.0 (X11; Linux x86_64)', Accept 'text/html')"), "{err}");
    assert!(err.contains("drop -A or the Accept header"), "{err}");
    args.push("--json");
    let data = json_data(&inspect(&env, &args));
    assert_eq!(data["paywall"]["browser_like_request"], true);
    assert_eq!(data["paywall"]["accept"], "text/html");
    assert_eq!(data["chosen"], 0);
    // -q keeps the report and drops the hint.
    args.pop();
    args.push("-q");
    let out = inspect(&env, &args);
    assert_code(&out, 0);
    assert!(!support::stdout(&out).is_empty());
    assert_eq!(support::stderr(&out), "");

    // Without the header there is nothing to read: exit 1, the step, the hint.
    let mut args = vec![server.url("/v1")];
    args.extend(browser.iter().map(|s| (*s).to_owned()));
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = inspect(&env, &argv);
    assert_code(&out, unreadable_code());
    assert_eq!(support::stdout(&out), "");
    let err = support::stderr(&out);
    assert!(
        err.contains("x402: error: cannot read the 402 from"),
        "{err}"
    );
    assert!(err.contains("(step: paywall)"), "{err}");
    assert!(
        err.contains("hint: the request looked like a browser's"),
        "{err}"
    );
    // The same page to a request that does not look like a browser's.
    let out = inspect(&env, &[&server.url("/v1")]);
    assert_code(&out, unreadable_code());
    assert!(
        support::stderr(&out)
            .contains("hint: the request did not look like a browser's (User-Agent 'x402/"),
        "{}",
        support::stderr(&out)
    );

    // A paywall page answered with 200 is not "free".
    let out = inspect(&env, &[&server.url("/ok-page"), "--json"]);
    assert_code(&out, unreadable_code());
    let doc: Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(doc["success"], false);
    assert_eq!(doc["data"]["status"], 200);
    assert_eq!(doc["data"]["step"], "paywall");
    assert_eq!(doc["data"]["paywall"]["browser_like_request"], false);
    assert_eq!(doc["errors"][0]["code"], unreadable_code());
    assert!(
        doc["errors"][0]["message"]
            .as_str()
            .expect("message")
            .contains("the HTTP 200 OK answer is an x402 paywall page for browsers"),
        "{doc}"
    );
    // An ordinary page is.
    let out = inspect(&env, &[&server.url("/home")]);
    assert_code(&out, 0);
    assert_lines(
        &out,
        &[&format!(
            "no payment needed: {} answered HTTP 200 OK",
            server.url("/home")
        )],
    );
}

#[test]
fn free_urls_say_so() {
    let server = Verifier::builder()
        .reply(
            "/free",
            fixed(200, &[("content-type", "application/json")], "{}"),
        )
        .reply("/missing", fixed(404, &[], "not here"))
        .reply("/moved", fixed(302, &[("location", "/free")], ""))
        .start();
    let env = Env::new();
    let url = server.url("/free");
    let out = inspect(&env, &[&url]);
    assert_code(&out, 0);
    assert_eq!(
        lines(&out),
        [format!("no payment needed: {url} answered HTTP 200 OK")]
    );
    assert_eq!(support::stderr(&out), "");
    // An error status without terms is not a free resource: exit 22, as `get -f`.
    let missing = server.url("/missing");
    let out = inspect(&env, &[&missing]);
    assert_code(&out, 22);
    assert!(out.stdout.is_empty(), "{}", support::stdout(&out));
    assert_eq!(
        support::stderr(&out),
        format!("x402: error: {missing} answered HTTP 404 Not Found with no x402 terms\n")
    );
    let out = inspect(&env, &[&missing, "--json"]);
    assert_code(&out, 22);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["success"], false);
    assert_eq!(doc["data"]["status"], 404);
    assert_eq!(doc["errors"][0]["code"], 22);
    let url = server.url("/moved");
    assert_eq!(
        lines(&inspect(&env, &[&url])),
        [format!(
            "no payment needed: {url} answered HTTP 302 Found (a redirect to /free, not followed)"
        )]
    );
    assert_eq!(
        lines(&inspect(&env, &[&server.url("/free"), "-X", "POST"])),
        [format!(
            "no payment needed: {} answered HTTP 200 OK to a POST request",
            server.url("/free")
        )]
    );
    let data = json_data(&inspect(&env, &[&url, "--json"]));
    assert_eq!(data["payment_required"], false);
    assert_eq!(data["status"], 302);
    assert_eq!(data["location"], "/free");
    assert_eq!(data["method"], "GET");
}

#[test]
fn an_unreadable_402_fails_naming_the_step() {
    let cases: Vec<(&str, Reply, &str, &str)> = vec![
        (
            "/nothing",
            fixed(402, &[], ""),
            "locate",
            "no payment-required header and the body is empty",
        ),
        (
            "/text",
            fixed(
                402,
                &[("content-type", "text/plain")],
                "Payment Required\nplease pay",
            ),
            "locate",
            "the body is not json",
        ),
        (
            "/base64",
            fixed(402, &[("payment-required", "%%% not base64 %%%")], "{}"),
            "base64",
            "payment-required header is not valid base64",
        ),
        (
            "/header-json",
            fixed(
                402,
                &[("payment-required", &STANDARD.encode("x402Version: 2"))],
                "{}",
            ),
            "json",
            "payment-required header does not decode to valid json",
        ),
        (
            "/body-json",
            fixed(402, &[], r#"{"x402Version":1,"accepts":[{"scheme":"exact""#),
            "json",
            "looks like an x402 document but is not valid json",
        ),
        (
            "/version",
            fixed(
                402,
                &[(
                    "payment-required",
                    &b64(&json!({"x402Version": 3, "accepts": [{}]})),
                )],
                "{}",
            ),
            "version",
            "unsupported x402Version 3",
        ),
        (
            "/fields",
            fixed(
                402,
                &[],
                json!({"x402Version": 1, "error": "pay"}).to_string(),
            ),
            "fields",
            "missing the required field accepts",
        ),
    ];
    let mut router = Verifier::builder();
    for (path, route, _, _) in &cases {
        router = router.reply(path, route.clone());
    }
    let server = router.start();
    let env = Env::new();
    for (path, _, step, needle) in &cases {
        let url = server.url(path);
        let out = inspect(&env, &[&url]);
        assert_code(&out, unreadable_code());
        assert_eq!(support::stdout(&out), "", "{path}");
        let err = support::stderr(&out);
        assert!(
            err.starts_with(&format!(
                "x402: error: cannot read the 402 from {url} (step: {step}): "
            )),
            "{path}: {err}"
        );
        assert!(err.contains(needle), "{path}: {err}");

        let out = inspect(&env, &[&url, "--json"]);
        assert_code(&out, unreadable_code());
        let doc: Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
        assert_eq!(doc["schema_version"], 2);
        assert_eq!(doc["success"], false, "{path}");
        assert_eq!(doc["data"]["step"], *step, "{path}");
        assert_eq!(doc["data"]["readable"], false);
        assert_eq!(doc["data"]["status"], 402);
        assert_eq!(doc["errors"].as_array().expect("errors").len(), 1);
        assert_eq!(doc["errors"][0]["code"], unreadable_code());
    }
    // What came instead of terms is quoted.
    let err = support::stderr(&inspect(&env, &[&server.url("/text")]));
    assert!(
        err.contains(r#"caused by: the body begins: "Payment Required…""#),
        "{err}"
    );
    let err = support::stderr(&inspect(&env, &[&server.url("/version")]));
    assert!(
        err.contains("hint: this tool reads x402 versions 1 and 2"),
        "{err}"
    );
}

#[test]
fn terms_on_another_status_are_shown_but_not_chosen() {
    let header = b64(&v2_doc(vec![option("10000", json!({}))]));
    let server = Verifier::builder()
        .reply("/412", fixed(412, &[("payment-required", &header)], "{}"))
        .start();
    let env = Env::new();
    let out = inspect(&env, &[&server.url("/412")]);
    assert_code(&out, 0);
    assert_lines(
        &out,
        &[
            "x402 v2 terms in the PAYMENT-REQUIRED header of an HTTP 412 answer (not a 402)",
            "option 1   payable, but x402 get pays only a 402 and this answer is HTTP 412",
            "choice     none: x402 get pays only a 402, and this answer is HTTP 412 (it would treat the URL as free)",
            "  response status is 412 Precondition Failed, not 402; x402 clients act only on a 402 (the reference v2 server answers 412 when a permit2 allowance is missing)",
        ],
    );
    let data = json_data(&inspect(&env, &[&server.url("/412"), "--json"]));
    assert_eq!(data["status"], 412);
    assert_eq!(data["chosen"], Value::Null);
    assert_eq!(data["options"][0]["payable"], true);
    assert_eq!(data["departures"][0]["field"], "status");
}

/// The official v2 server (`@x402/express` 2.27) as a browser sees it: a 402 with the header
/// and an HTML page.
#[test]
fn official_v2_server_paywall() {
    let net = localnet::get();
    let url = format!("{}/cheap", net.s("/v2/serverUrl"));
    let env = Env::new();
    let out = inspect(
        &env,
        &[
            &url,
            "-A",
            "Mozilla/5.0",
            "-H",
            "Accept: text/html,application/xhtml+xml",
            "--json",
        ],
    );
    assert_code(&out, 0);
    let data = json_data(&out);
    assert_eq!(data["x402_version"], 2);
    assert_eq!(data["source"], "header");
    assert_eq!(data["options"][0]["price"]["decimal"], "0.001");
    assert_eq!(data["paywall"]["browser_like_request"], true);
    assert_eq!(data["departures"][0]["field"], "body");
    assert!(support::stderr(&out).contains("drop -A or the Accept header"));
    // The same request with this tool's own User-Agent gets no page.
    let data = json_data(&inspect(&env, &[&url, "-H", "Accept: text/html", "--json"]));
    assert_eq!(data["paywall"], Value::Null);
    assert_eq!(data["departures"], json!([]));
}
