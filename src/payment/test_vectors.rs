//! Test-only fixtures shared by the payment tests: the published x402 examples
//! (`specs/transports-v1/http.md`, `specs/transports-v2/http.md` in coinbase/x402; in
//! `test_vectors/spec.rs`, which `benches/engine.rs` reads too), the
//! pieces for re-signing the v2 example's authorization with anvil key #0 (expected values
//! reproducible with viem's `signTypedData`), a small SHA-256 for the digest of the re-signed
//! v2 header (no new crate), a deterministic PRNG, and the no-panic fuzz test.

use serde_json::Value;

/// Anvil account #0 (public test key).
pub const ANVIL_KEY: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
pub const ANVIL_ADDRESS: &str = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

mod spec;
pub use spec::*;

/// Parses JSON keeping key order (serde_json `preserve_order`).
pub fn json(text: &str) -> Value {
    serde_json::from_str(text).expect("test JSON parses")
}

/// `(name, value)` header pair.
pub fn hdr(name: &str, value: &str) -> (String, String) {
    (name.to_owned(), value.to_owned())
}

/// Response headers of `(name, value)` pairs, in order (a repeated name keeps every value). A
/// pair no HTTP response could carry (a control character in the value) is left out, as it
/// could never arrive.
pub fn header_map(pairs: &[(String, String)]) -> reqwest::header::HeaderMap {
    use reqwest::header::{HeaderName, HeaderValue};
    let mut map = reqwest::header::HeaderMap::new();
    for (n, v) in pairs {
        let name = HeaderName::from_bytes(n.as_bytes()).expect("a header name");
        if let Ok(value) = HeaderValue::from_bytes(v.as_bytes()) {
            map.append(name, value);
        }
    }
    map
}

/// FIPS 180-4 SHA-256, small and slow, for comparing one published digest.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    const K: [u32; 64] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
        0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
        0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
        0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
        0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
        0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
        0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
        0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2,
    ];
    let mut h: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];
    let mut msg = data.to_vec();
    let bit_len = (data.len() as u64).wrapping_mul(8);
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&bit_len.to_be_bytes());
    for block in msg.chunks_exact(64) {
        let mut w = [0u32; 64];
        for (i, word) in block.chunks_exact(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16]
                .wrapping_add(s0)
                .wrapping_add(w[i - 7])
                .wrapping_add(s1);
        }
        let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut hh] = h;
        for i in 0..64 {
            let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
            let ch = (e & f) ^ (!e & g);
            let t1 = hh
                .wrapping_add(s1)
                .wrapping_add(ch)
                .wrapping_add(K[i])
                .wrapping_add(w[i]);
            let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
            let maj = (a & b) ^ (a & c) ^ (b & c);
            let t2 = s0.wrapping_add(maj);
            hh = g;
            g = f;
            f = e;
            e = d.wrapping_add(t1);
            d = c;
            c = b;
            b = a;
            a = t1.wrapping_add(t2);
        }
        for (slot, v) in h.iter_mut().zip([a, b, c, d, e, f, g, hh]) {
            *slot = slot.wrapping_add(v);
        }
    }
    let mut out = [0u8; 32];
    for (chunk, word) in out.chunks_exact_mut(4).zip(h) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    out
}

/// xorshift64*: deterministic, good enough to pick mutations.
pub struct Prng(u64);

impl Prng {
    pub fn new(seed: u64) -> Self {
        Prng(seed.max(1))
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

#[test]
fn sha256_matches_fips_examples() {
    let hex = |d: [u8; 32]| alloy_primitives::hex::encode(d);
    assert_eq!(
        hex(sha256(b"abc")),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert_eq!(
        hex(sha256(b"")),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(
        hex(sha256(
            b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
        )),
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
    );
}

mod fuzz {
    //! Thousands of truncated and mutated headers and bodies through every decoder. The
    //! assertion is that nothing panics (a panic fails the test) and that results stay
    //! coherent: a parsed challenge always has a non-empty `accepts`.

    use alloy_signer_local::PrivateKeySigner;
    use base64::Engine as _;
    use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

    use super::*;
    use crate::network::Networks;
    use crate::payment::{challenge, exact_evm, policy, receipt};
    const INTERESTING: &[u8] =
        b"{}[]\":,0123456789-+.eE \n\t\\x402Version accepts amount null true false \xff\xfe\xc3=/_";

    fn mutate(rng: &mut Prng, input: &[u8]) -> Vec<u8> {
        let mut out = input.to_vec();
        for _ in 0..=rng.below(4) {
            match rng.below(6) {
                0 => out.truncate(rng.below(out.len() + 1)),
                1 if !out.is_empty() => {
                    let i = rng.below(out.len());
                    out[i] ^= 1 << rng.below(8);
                }
                2 => {
                    let i = rng.below(out.len() + 1);
                    out.insert(i, INTERESTING[rng.below(INTERESTING.len())]);
                }
                3 if !out.is_empty() => {
                    let i = rng.below(out.len());
                    out.remove(i);
                }
                4 if !out.is_empty() => {
                    let a = rng.below(out.len());
                    let b = (a + rng.below(16)).min(out.len());
                    let piece = out[a..b].to_vec();
                    let at = rng.below(out.len() + 1);
                    out.splice(at..at, piece);
                }
                _ => {
                    let i = rng.below(out.len() + 1);
                    out.insert(i, (rng.next() & 0xff) as u8);
                }
            }
        }
        out
    }

    fn exercise_challenge(
        signer: &PrivateKeySigner,
        headers: &[(String, String)],
        body: &[u8],
    ) -> usize {
        let Ok(parsed) = challenge::parse_payment_required(&header_map(headers), body) else {
            return 0;
        };
        assert!(!parsed.accepts.is_empty());
        assert!(parsed.version == 1 || parsed.version == 2);
        let mut signed = 0;
        for req in &parsed.accepts {
            let _ = (req.amount_u256(), req.chain_id(), req.caip2_network());
            let _ = (
                req.pay_to_address(),
                req.asset_address(),
                req.extra_str("name"),
            );
            // What the tool would pay, through the one signing path.
            if let Ok(quote) = policy::evaluate(req, parsed.version, &Networks::built_in()) {
                let payment = crate::payment::sign_payment(&parsed, &quote, signer, 1_740_672_089)
                    .expect("a payable requirement can be signed");
                let (domain, _) = exact_evm::quote_domain(&quote).expect("an EIP-3009 quote");
                let sent: Value = serde_json::from_slice(
                    &STANDARD
                        .decode(&payment.header_value)
                        .expect("own header is base64"),
                )
                .expect("own header is JSON");
                let signature = alloy_primitives::hex::decode(
                    sent["payload"]["signature"].as_str().expect("a signature"),
                )
                .expect("hex");
                let recovered = exact_evm::recover(&payment.authorization, &domain, &signature)
                    .expect("own signature parses");
                assert_eq!(recovered, signer.address());
                signed += 1;
            }
        }
        signed
    }

    #[test]
    fn mutated_inputs_never_panic() {
        let signer: PrivateKeySigner = ANVIL_KEY.parse().expect("anvil key");
        let mut rng = Prng::new(0x402_402_402);
        let header_json = SPEC_V2_PAYMENT_REQUIRED_JSON.as_bytes();
        let receipts = [
            SPEC_V2_RESPONSE_OK_B64,
            SPEC_V2_RESPONSE_FAIL_B64,
            SPEC_V1_RESPONSE_OK_B64,
            SPEC_V1_RESPONSE_FAIL_B64,
        ];
        let mut parsed_ok = 0;
        let mut signed = 0;
        for round in 0..4000 {
            // 1. mutate the base64 text of the header itself
            let b64 = mutate(&mut rng, SPEC_V2_PAYMENT_REQUIRED_B64.as_bytes());
            let headers = vec![hdr("Payment-Required", &String::from_utf8_lossy(&b64))];
            signed += exercise_challenge(&signer, &headers, b"{}");

            // 2. mutate the JSON inside, then encode it properly, so the JSON and field
            //    checks see the damage (alternating alphabets)
            let doc = mutate(&mut rng, header_json);
            let encoded = if round % 2 == 0 {
                STANDARD.encode(&doc)
            } else {
                URL_SAFE_NO_PAD.encode(&doc)
            };
            let headers = vec![hdr("PAYMENT-REQUIRED", &encoded)];
            let body = mutate(&mut rng, SPEC_V1_BODY.as_bytes());
            let n = exercise_challenge(&signer, &headers, &body);
            signed += n;
            if challenge::parse_payment_required(&header_map(&headers), &body).is_ok() {
                parsed_ok += 1;
            }

            // 3. mutated v1 bodies with no header
            signed += exercise_challenge(&signer, &[], &body);

            // 4. receipts, as text and as re-encoded JSON
            let r = receipts[round % receipts.len()];
            let mutated = mutate(&mut rng, r.as_bytes());
            let _ = receipt::decode_settlement(&String::from_utf8_lossy(&mutated));
            let decoded = STANDARD.decode(r).expect("spec receipt decodes");
            let _ = receipt::decode_settlement(&STANDARD.encode(mutate(&mut rng, &decoded)));
        }
        // The mutations must leave enough intact for the later stages to be exercised.
        assert!(
            parsed_ok > 100,
            "only {parsed_ok} mutated challenges parsed"
        );
        assert!(
            signed > 100,
            "only {signed} mutated requirements were signed"
        );
    }
}
