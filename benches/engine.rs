//! The payment engine without I/O: read a 402, judge and choose an option, sign an EIP-3009
//! authorization and encode the payment header, in the order `x402 get` runs them
//! (src/commands/get.rs). Target (issue 4): the v2 chain under 1 ms of CPU.
//!
//!     cargo bench --bench engine
//!
//! Every step is measured in CPU time of the benchmarking thread (benches/support), the unit of
//! the target; the two whole chains are measured once more in wall-clock time.
//!
//! The keystore unlock that sits between "choose" and "sign" in the real flow is a KDF whose cost
//! is set by the file; it is measured on its own in `benches/keystore.rs`.

mod support;

use alloy_signer_local::PrivateKeySigner;
use criterion::{Criterion, criterion_group, criterion_main};
use reqwest::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use std::hint::black_box;
use x402::amount::UserAmount;
use x402::network::Networks;
use x402::payment::challenge::{Challenge, parse_payment_required};
use x402::payment::exact_evm::{domain, new_authorization, payload_json, sign};
use x402::payment::header::{payment_signature_v2, x_payment_v1};
use x402::payment::policy::{self, DEFAULT_MAX_AMOUNT, Quote};

/// The published examples of the x402 transport specs, the same file the payment tests use:
/// `SPEC_V2_PAYMENT_REQUIRED_B64` (0.01 USDC on eip155:84532) and `SPEC_V1_BODY` (the v1 402
/// body, network `base-sepolia`).
#[path = "../src/payment/test_vectors/spec.rs"]
#[allow(dead_code, reason = "the benchmark reads two of the examples")]
mod spec;
use spec::{SPEC_V1_BODY as V1_BODY, SPEC_V2_PAYMENT_REQUIRED_B64 as V2_PAYMENT_REQUIRED};

/// anvil's account #0 (a public test key).
const KEY: &str = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

/// A fixed "now", so every iteration signs the same kind of authorization.
const NOW: u64 = 1_900_000_000;

/// The headers of a v2 402 as the HTTP layer hands them over (name, value).
fn v2_headers() -> HeaderMap {
    [
        (CONTENT_TYPE, HeaderValue::from_static("application/json")),
        (
            HeaderName::from_static("payment-required"),
            HeaderValue::from_static(V2_PAYMENT_REQUIRED),
        ),
        (CONTENT_LENGTH, HeaderValue::from_static("2")),
    ]
    .into_iter()
    .collect()
}

fn signer() -> PrivateKeySigner {
    KEY.parse().expect("the test key parses")
}

/// Judges every option and returns the chosen quote, with the cap checked as `get` does.
fn choose(challenge: &Challenge, networks: &Networks, cap: &UserAmount) -> Quote {
    let (judged, chosen) = policy::choose(challenge, networks, &[], false);
    let quote = judged[chosen.expect("an option is payable")]
        .clone()
        .expect("the chosen option is payable");
    policy::check_cap(&quote, cap).expect("under the default cap");
    quote
}

/// Everything `get` does after the keystore is unlocked: the cap again on the option about to
/// be signed, a fresh authorization, its EIP-712 signature, and the encoded payment header.
fn sign_and_encode(
    challenge: &Challenge,
    quote: &Quote,
    cap: &UserAmount,
    signer: &PrivateKeySigner,
) -> String {
    let req = &challenge.accepts[quote.index];
    assert!(req.amount_u256() == Some(quote.amount) && policy::check_cap(quote, cap).is_ok());
    let (
        policy::Scheme::Eip3009 {
            asset,
            pay_to,
            domain_name,
            domain_version,
        },
        Some(network),
    ) = (&quote.scheme, quote.network.evm())
    else {
        panic!("an EVM EIP-3009 quote");
    };
    let auth = new_authorization(
        signer.address(),
        *pay_to,
        quote.amount,
        NOW,
        quote.max_timeout_seconds,
    );
    let dom = domain(domain_name, domain_version, network.chain_id, asset.address);
    let signature = sign(signer, &auth, &dom).expect("signing succeeds");
    let payload = payload_json(&auth, &signature);
    if challenge.version == 1 {
        let network = req.network.clone().unwrap_or_default();
        x_payment_v1("exact", &network, payload)
    } else {
        payment_signature_v2(
            &req.raw,
            challenge.raw.get("resource"),
            challenge.raw.get("extensions"),
            payload,
        )
    }
}

/// What every benchmark starts from, made once.
struct Fixture {
    networks: Networks,
    cap: UserAmount,
    signer: PrivateKeySigner,
    v2_headers: HeaderMap,
    v1_headers: HeaderMap,
    v2: Challenge,
    v2_quote: Quote,
    v1: Challenge,
    v1_quote: Quote,
}

/// A v2 server answers with `PAYMENT-REQUIRED` and an empty JSON object as body.
const V2_BODY: &[u8] = b"{}";

impl Fixture {
    fn new() -> Self {
        let networks = Networks::built_in();
        let cap: UserAmount = DEFAULT_MAX_AMOUNT.parse().expect("the default cap parses");
        let v2_headers = v2_headers();
        let v1_headers: HeaderMap = [(CONTENT_TYPE, HeaderValue::from_static("application/json"))]
            .into_iter()
            .collect();
        let v2 = parse_payment_required(&v2_headers, V2_BODY).expect("the v2 example parses");
        assert_eq!(v2.version, 2);
        let v2_quote = choose(&v2, &networks, &cap);
        let v1 =
            parse_payment_required(&v1_headers, V1_BODY.as_bytes()).expect("the v1 body parses");
        assert_eq!(v1.version, 1);
        let v1_quote = choose(&v1, &networks, &cap);
        Self {
            networks,
            cap,
            signer: signer(),
            v2_headers,
            v1_headers,
            v2,
            v2_quote,
            v1,
            v1_quote,
        }
    }

    /// Parse, choose and sign from the raw response to the payment header value.
    fn chain(&self, headers: &HeaderMap, body: &[u8]) -> String {
        let challenge = parse_payment_required(black_box(headers), black_box(body)).unwrap();
        let quote = choose(&challenge, &self.networks, &self.cap);
        sign_and_encode(&challenge, &quote, &self.cap, &self.signer)
    }
}

fn steps(c: &mut Criterion<support::ThreadCpuTime>) {
    let f = Fixture::new();
    let cases = [
        ("v2", &f.v2_headers, V2_BODY, &f.v2, &f.v2_quote),
        ("v1", &f.v1_headers, V1_BODY.as_bytes(), &f.v1, &f.v1_quote),
    ];
    for (name, headers, body, challenge, quote) in cases {
        let mut g = c.benchmark_group(name);
        g.bench_function("parse", |b| {
            b.iter(|| parse_payment_required(black_box(headers), black_box(body)).unwrap())
        });
        g.bench_function("choose", |b| {
            b.iter(|| choose(black_box(challenge), &f.networks, &f.cap))
        });
        g.bench_function("sign", |b| {
            b.iter(|| sign_and_encode(black_box(challenge), black_box(quote), &f.cap, &f.signer))
        });
        g.bench_function("parse+choose+sign", |b| b.iter(|| f.chain(headers, body)));
        g.finish();
    }
    // Once per process in the real flow (settings::Context::load), not per payment.
    c.bench_function("networks/built_in", |b| b.iter(Networks::built_in));
}

fn wall_clock(c: &mut Criterion) {
    let f = Fixture::new();
    let mut g = c.benchmark_group("wall-clock");
    g.bench_function("v2/parse+choose+sign", |b| {
        b.iter(|| f.chain(&f.v2_headers, V2_BODY))
    });
    g.bench_function("v1/parse+choose+sign", |b| {
        b.iter(|| f.chain(&f.v1_headers, V1_BODY.as_bytes()))
    });
    g.finish();
}

criterion_group! {
    name = cpu;
    config = Criterion::default().with_measurement(support::ThreadCpuTime);
    targets = steps
}
criterion_group!(wall, wall_clock);
criterion_main!(cpu, wall);
