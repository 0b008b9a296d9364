//! Unlocking a keystore against the KDF it is made of (issue 2): `x402::keystore::unlock` on a
//! file written by `x402::keystore::create`, next to a bare scrypt derivation with the same
//! parameters (n = 2^13, r = 8, p = 1, dklen 32: src/keystore.rs). The difference is everything
//! unlock adds to the KDF: reading the file, JSON, checks, MAC, AES-CTR, the secp256k1 key.
//!
//!     cargo bench --bench keystore
//!
//! Measured in CPU time of the benchmarking thread (benches/support), so that a neighbour on a
//! shared machine does not widen or invert a difference of a fraction of a percent; then once
//! more in wall-clock time.

mod support;

use criterion::measurement::Measurement;
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;
use x402::keystore::{self, Origin};
use x402::secret::SecretString;
use zeroize::Zeroizing;

/// The parameters src/keystore.rs writes into new files.
const SCRYPT_LOG_N: u8 = 13;
const SCRYPT_R: u32 = 8;
const SCRYPT_P: u32 = 1;

/// A keystore written by x402 (in a temporary directory kept alive by the guard), and the salt
/// of its KDF.
struct Fixture {
    _dir: tempfile::TempDir,
    path: PathBuf,
    password: SecretString,
    salt: Vec<u8>,
}

impl Fixture {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let password = SecretString::new("bench-password".into());
        // anvil's account #0 (a public test key).
        let mut key = Zeroizing::new([0u8; 32]);
        alloy_primitives::hex::decode_to_slice(
            "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
            key.as_mut_slice(),
        )
        .expect("the test key is hex");
        let ks = keystore::create(dir.path(), "bench", &key, &password, false).expect("create");

        // The file really has the parameters the raw derivation uses.
        let text = std::fs::read_to_string(&ks.path).expect("read");
        let doc: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        let kdf = &doc["crypto"]["kdfparams"];
        assert_eq!(doc["crypto"]["kdf"], "scrypt");
        assert_eq!(kdf["n"], 1u64 << SCRYPT_LOG_N);
        assert_eq!(kdf["r"], u64::from(SCRYPT_R));
        assert_eq!(kdf["p"], u64::from(SCRYPT_P));
        assert_eq!(kdf["dklen"], 32);
        let salt = alloy_primitives::hex::decode(kdf["salt"].as_str().expect("salt")).expect("hex");
        Self {
            path: ks.path,
            _dir: dir,
            password,
            salt,
        }
    }

    fn scrypt(&self, params: &scrypt::Params) -> [u8; 32] {
        let mut out = [0u8; 32];
        let password = self.password.expose().as_bytes();
        scrypt::scrypt(black_box(password), black_box(&self.salt), params, &mut out)
            .expect("scrypt");
        out
    }

    fn unlock(&self) -> alloy_signer_local::PrivateKeySigner {
        keystore::unlock(black_box(&self.path), black_box(&self.password)).expect("unlock")
    }
}

fn params() -> scrypt::Params {
    scrypt::Params::new(SCRYPT_LOG_N, SCRYPT_R, SCRYPT_P).expect("params")
}

fn compare<M: Measurement>(c: &mut Criterion<M>, group: &str) {
    let f = Fixture::new();
    let params = params();
    let mut g = c.benchmark_group(group);
    g.sample_size(30).measurement_time(Duration::from_secs(10));
    g.bench_function("scrypt n=2^13 r=8 p=1 (raw KDF)", |b| {
        b.iter(|| f.scrypt(&params))
    });
    g.bench_function("unlock", |b| b.iter(|| f.unlock()));
    g.finish();
}

fn cpu(c: &mut Criterion<support::ThreadCpuTime>) {
    compare(c, "keystore");
    // What `wallet list` and `wallet address` do per account: the public part, no KDF.
    let f = Fixture::new();
    c.bench_function("keystore/read (no password)", |b| {
        b.iter(|| keystore::read(black_box(&f.path), "bench", Origin::X402).expect("read"))
    });
}

fn wall(c: &mut Criterion) {
    compare(c, "keystore wall-clock");
}

criterion_group! {
    name = cpu_time;
    config = Criterion::default().with_measurement(support::ThreadCpuTime);
    targets = cpu
}
criterion_group!(wall_clock, wall);
criterion_main!(cpu_time, wall_clock);
