//! Unlocking a keystore against the KDF it is made of (issue 2): `x402::keystore::unlock` on a
//! file written by `x402::keystore::create`, next to a bare scrypt derivation with the same
//! parameters (n = 2^13, r = 8, p = 1, dklen 32: src/keystore.rs). The difference is everything
//! unlock adds to the KDF: reading the file, JSON, checks, MAC, AES-CTR, the secp256k1 key.
//! That part is also measured directly, as small as it is: unlock of the same key in a file
//! whose KDF is PBKDF2 with a single round.
//!
//!     cargo bench --bench keystore
//!
//! Measured in CPU time of the benchmarking thread (benches/support), so that a neighbour on a
//! shared machine does not widen or invert a difference of a fraction of a percent; then once
//! more in wall-clock time.

mod support;

use aes::cipher::{KeyIvInit, StreamCipher};
use alloy_primitives::{hex, keccak256};
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

/// anvil's account #0 (a public test key) and its address.
const KEY: &str = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const ADDRESS: &str = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

/// A keystore written by x402 (in a temporary directory kept alive by the guard), the salt of
/// its KDF, and the same key in a file with a one-round PBKDF2.
struct Fixture {
    _dir: tempfile::TempDir,
    path: PathBuf,
    cheap_kdf: PathBuf,
    password: SecretString,
    salt: Vec<u8>,
}

impl Fixture {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let password = SecretString::new("bench-password".into());
        let mut key = Zeroizing::new([0u8; 32]);
        hex::decode_to_slice(KEY, key.as_mut_slice()).expect("the test key is hex");
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
        let salt = hex::decode(kdf["salt"].as_str().expect("salt")).expect("hex");

        let cheap_kdf = dir.path().join("pbkdf2-c1");
        std::fs::write(&cheap_kdf, pbkdf2_c1_keystore(&key, &password)).expect("write");
        for path in [&ks.path, &cheap_kdf] {
            let signer = keystore::unlock(path, &password).expect("unlock");
            assert_eq!(signer.address().to_checksum(None), ADDRESS);
        }
        Self {
            path: ks.path,
            cheap_kdf,
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

    fn unlock(&self, path: &std::path::Path) -> alloy_signer_local::PrivateKeySigner {
        keystore::unlock(black_box(path), black_box(&self.password)).expect("unlock")
    }
}

/// A v3 keystore of `key` whose KDF is PBKDF2-HMAC-SHA256 with one round: unlocking it costs
/// everything but the KDF.
fn pbkdf2_c1_keystore(key: &[u8; 32], password: &SecretString) -> String {
    let salt = [0x5a_u8; 32];
    let iv = [0xa5_u8; 16];
    let mut derived = [0u8; 32];
    pbkdf2::pbkdf2::<hmac::Hmac<sha2::Sha256>>(
        password.expose().as_bytes(),
        &salt,
        1,
        &mut derived,
    );
    let mut ciphertext = *key;
    ctr::Ctr128BE::<aes::Aes128>::new(derived[..16].into(), (&iv).into())
        .apply_keystream(&mut ciphertext);
    let mac = keccak256([&derived[16..], &ciphertext[..]].concat());
    serde_json::json!({
        "crypto": {
            "cipher": "aes-128-ctr",
            "cipherparams": { "iv": hex::encode(iv) },
            "ciphertext": hex::encode(ciphertext),
            "kdf": "pbkdf2",
            "kdfparams": { "c": 1, "dklen": 32, "prf": "hmac-sha256", "salt": hex::encode(salt) },
            "mac": hex::encode(mac),
        },
        "id": "3198bc9c-6672-4ab3-9995-4942343ae5b6",
        "version": 3,
    })
    .to_string()
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
    g.bench_function("unlock", |b| b.iter(|| f.unlock(&f.path)));
    g.bench_function("unlock without the KDF (pbkdf2 c=1)", |b| {
        b.iter(|| f.unlock(&f.cheap_kdf))
    });
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
