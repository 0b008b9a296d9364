//! Solana keys: new ed25519 keys from the OS random source, the secret-key formats users
//! bring (a base58 64-byte secret key as Phantom and Solflare export it, the Solana CLI's JSON
//! array of 64 numbers, a Solana CLI keypair file), BIP-39 mnemonics derived along Phantom's
//! path m/44'/501'/N'/0' (SLIP-0010 for ed25519), and their keystores.
//!
//! A Solana keystore is the tool's v3 keystore ([`crate::keystore`]: scrypt + AES-128-CTR,
//! 0600 from the first byte, written atomically) around the 32-byte seed, with
//! `"chain": "solana"` and the base58 `"publicKey"` beside it so that `wallet list` and
//! `wallet address` need no password. There is never a plaintext key file. Errors about a
//! secret never repeat it.

use crate::exit::UsageError;
use crate::keystore::{self, Keystore, SOLANA_CHAIN};
use crate::secret::SecretString;
use hmac::{Hmac, Mac};
use sha2::Sha512;
use solana_keypair::{Keypair, Signer};
use std::io::Read;
use std::path::Path;
use zeroize::Zeroizing;

/// Solana's BIP-44 coin type.
pub const COIN_TYPE: u32 = 501;
const HARDENED: u32 = 0x8000_0000;

/// A new key from the OS random source.
pub fn generate() -> Keypair {
    let mut seed = Zeroizing::new([0u8; 32]);
    rand08::RngCore::fill_bytes(&mut rand08::rngs::OsRng, seed.as_mut_slice());
    Keypair::new_from_array(*seed)
}

fn bad(what: &str) -> UsageError {
    UsageError(format!("not a Solana secret key: {what}"))
}

/// A 64-byte secret key (32-byte seed then the public key) whose public half must be the one
/// the seed gives: a mistyped or truncated key is refused, never stored.
fn from_keypair_bytes(bytes: &Zeroizing<[u8; 64]>) -> Result<Keypair, UsageError> {
    Keypair::try_from(bytes.as_slice())
        .map_err(|_| bad("its public half does not match its secret half"))
}

/// A secret key as pasted: a base58 string of 64 bytes (Phantom, Solflare) or a JSON array of
/// 64 numbers (the Solana CLI's keypair file).
pub fn parse_secret(secret: &SecretString) -> Result<Keypair, UsageError> {
    let text = secret.expose().trim();
    if text.starts_with('[') {
        return parse_json_array(text);
    }
    let mut bytes = Zeroizing::new([0u8; 64]);
    if text.len() > 88 || five8::decode_64(text, &mut bytes).is_err() {
        return Err(bad(
            "expected a base58 secret key of 64 bytes, or a JSON array of 64 numbers",
        ));
    }
    from_keypair_bytes(&bytes)
}

/// `[n, n, ...]` with 64 numbers from 0 to 255, parsed without any intermediate copy that
/// would outlive this function unwiped.
fn parse_json_array(text: &str) -> Result<Keypair, UsageError> {
    let inner = text
        .strip_prefix('[')
        .and_then(|t| t.strip_suffix(']'))
        .ok_or_else(|| bad("a JSON array must end with ']'"))?;
    let mut bytes = Zeroizing::new([0u8; 64]);
    let mut count = 0;
    for item in inner.split(',') {
        let item = item.trim();
        let value: u8 = match item.parse() {
            Ok(v) if item.bytes().all(|b| b.is_ascii_digit()) => v,
            _ => return Err(bad("the JSON array must hold numbers from 0 to 255")),
        };
        if count == 64 {
            return Err(bad("the JSON array has more than 64 numbers"));
        }
        bytes[count] = value;
        count += 1;
    }
    if count != 64 {
        return Err(bad(&format!("the JSON array has {count} numbers, not 64")));
    }
    from_keypair_bytes(&bytes)
}

/// A Solana CLI keypair file (`solana-keygen new -o FILE`): a JSON array of 64 numbers.
pub fn read_keypair_file(path: &Path) -> Result<Keypair, UsageError> {
    let cannot = |e: std::io::Error| UsageError(format!("cannot read {}: {e}", path.display()));
    let mut text = Zeroizing::new(String::new());
    std::fs::File::open(path)
        .map_err(cannot)?
        .take(4096)
        .read_to_string(&mut text)
        .map_err(cannot)?;
    parse_json_array(text.trim()).map_err(|e| UsageError(format!("{}: {}", path.display(), e.0)))
}

/// SLIP-0010 ed25519 derivation along `path` (every index hardened, as ed25519 requires).
pub fn slip10_ed25519(seed: &[u8], path: &[u32]) -> Zeroizing<[u8; 32]> {
    fn hmac(key: &[u8], parts: &[&[u8]]) -> Zeroizing<[u8; 64]> {
        let mut mac = Hmac::<Sha512>::new_from_slice(key)
            .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
        for p in parts {
            mac.update(p);
        }
        let mut out = Zeroizing::new([0u8; 64]);
        out.copy_from_slice(&mac.finalize().into_bytes());
        out
    }
    let mut node = hmac(b"ed25519 seed", &[seed]);
    for index in path {
        let (key, chain) = node.split_at(32);
        node = hmac(chain, &[&[0], key, &(index | HARDENED).to_be_bytes()]);
    }
    let mut key = Zeroizing::new([0u8; 32]);
    key.copy_from_slice(&node[..32]);
    key
}

/// The key of a BIP-39 mnemonic (no passphrase) at m/44'/501'/`index`'/0', the path Phantom
/// and Solflare use for their accounts.
pub fn from_mnemonic(phrase: &SecretString, index: u32) -> Result<Keypair, UsageError> {
    use alloy_signer_local::coins_bip39::{English, Mnemonic};
    if index >= HARDENED {
        return Err(UsageError(format!(
            "--mnemonic-index must be below {HARDENED}"
        )));
    }
    let words = Zeroizing::new(
        phrase
            .expose()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
    );
    let invalid = || UsageError("not a valid BIP-39 mnemonic phrase".into());
    let mnemonic = Mnemonic::<English>::new_from_phrase(&words).map_err(|_| invalid())?;
    let seed = Zeroizing::new(mnemonic.to_seed(None).map_err(|_| invalid())?);
    let key = slip10_ed25519(seed.as_slice(), &[44, COIN_TYPE, index, 0]);
    Ok(Keypair::new_from_array(*key))
}

/// Encrypts `keypair`'s seed into `dir/name` (never over an existing file unless `force`).
pub fn store(
    dir: &Path,
    name: &str,
    keypair: &Keypair,
    password: &SecretString,
    force: bool,
) -> Result<Keystore, keystore::Error> {
    keystore::validate_name(name)?;
    let seed = Zeroizing::new(*keypair.secret_bytes());
    let public_key = keypair.pubkey();
    let mut doc = keystore::encrypt(&seed, password)?;
    doc.insert("chain".into(), SOLANA_CHAIN.into());
    doc.insert("publicKey".into(), public_key.to_string().into());
    let json = serde_json::Value::Object(doc).to_string();
    let mut ks = keystore::store(dir, name, json.as_bytes(), None, force)?;
    ks.solana = Some(public_key);
    Ok(ks)
}

/// Decrypts a Solana keystore. The key must give the public key the file names: a file whose
/// two halves disagree is corrupt, not a key to sign with.
pub fn unlock(ks: &Keystore, password: &SecretString) -> Result<Keypair, keystore::Error> {
    let Some(public_key) = ks.solana else {
        return Err(keystore::Error::WrongFamily {
            name: ks.name.clone(),
            family: "an EVM",
            wanted: "a Solana",
        });
    };
    let seed = keystore::decrypt(&ks.path, password)?;
    let keypair = Keypair::new_from_array(*seed);
    if keypair.pubkey() != public_key {
        return Err(keystore::Error::Corrupt {
            path: ks.path.clone(),
            reason: "the decrypted key does not belong to its publicKey".into(),
        });
    }
    Ok(keypair)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn secret(s: &str) -> SecretString {
        SecretString::new(s.to_string())
    }

    /// Seed 32 × 0x01 (x402-protocol.md §9.2) as the Solana CLI writes it.
    fn cli_array(kp: &Keypair) -> String {
        let bytes: Vec<String> = kp.to_bytes().iter().map(u8::to_string).collect();
        format!("[{}]", bytes.join(","))
    }

    #[test]
    fn base58_and_json_array_secrets_import_the_same_key() {
        let kp = Keypair::new_from_array([1u8; 32]);
        let want = "AKnL4NNf3DGWZJS6cPknBuEGnVsV4A4m5tgebLHaRSZ9";
        assert_eq!(kp.pubkey().to_string(), want);
        let b58 = kp.to_base58_string();
        assert_eq!(
            parse_secret(&secret(&b58)).unwrap().pubkey().to_string(),
            want
        );
        assert_eq!(
            parse_secret(&secret(&format!("  {b58}\n")))
                .unwrap()
                .pubkey()
                .to_string(),
            want
        );
        let array = cli_array(&kp);
        assert_eq!(
            parse_secret(&secret(&array)).unwrap().pubkey().to_string(),
            want
        );
        let spaced = array.replace(',', ", ").replace('[', "[\n  ");
        assert_eq!(
            parse_secret(&secret(&spaced)).unwrap().pubkey().to_string(),
            want
        );
    }

    #[test]
    fn bad_secrets_are_refused_without_echo() {
        let kp = Keypair::new_from_array([1u8; 32]);
        let mut wrong_half = kp.to_bytes();
        wrong_half[63] ^= 1;
        let wrong_half_b58 = five8_encode(&wrong_half);
        let mut array = cli_array(&kp);
        let short = array.replacen("1,", "", 1);
        array.insert_str(1, "300,");
        let cases = [
            wrong_half_b58.as_str(),
            "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
            "AKnL4NNf3DGWZJS6cPknBuEGnVsV4A4m5tgebLHaRSZ9",
            short.as_str(),
            array.as_str(),
            "[1,2,3",
            "[-1]",
            "",
        ];
        for case in cases {
            let err = parse_secret(&secret(case)).unwrap_err().0;
            assert!(err.starts_with("not a Solana secret key"), "{err}");
            if case.len() > 8 {
                assert!(!err.contains(case), "{err}");
            }
        }
        let err = parse_secret(&secret(&wrong_half_b58)).unwrap_err().0;
        assert!(err.contains("public half does not match"), "{err}");
    }

    fn five8_encode(bytes: &[u8; 64]) -> String {
        let mut out = [0u8; five8::BASE58_ENCODED_64_MAX_LEN];
        let len = five8::encode_64(bytes, &mut out);
        String::from_utf8(out[..usize::from(len)].to_vec()).unwrap()
    }

    /// SLIP-0010 test vector 1 for ed25519 (satoshilabs/slips `slip-0010.md`).
    #[test]
    fn slip10_matches_the_specification() {
        let seed = alloy_primitives::hex::decode("000102030405060708090a0b0c0d0e0f").unwrap();
        for (path, want) in [
            (
                &[][..],
                "2b4be7f19ee27bbf30c667b642d5f4aa69fd169872f8fc3059c08ebae2eb19e7",
            ),
            (
                &[0][..],
                "68e0fe46dfb67e368c75379acec591dad19df3cde26e63b93a8e704f1dade7a3",
            ),
            (
                &[0, 1][..],
                "b1d0bad404bf35da785a64ca1ac54b2617211d2777696fbffaf208f746ae84f2",
            ),
            (
                &[0, 1, 2][..],
                "92a5b23c0b8a99e37d07df3fb9966917f5d06e02ddbd909c7e184371463e9fc9",
            ),
        ] {
            let key = slip10_ed25519(&seed, path);
            assert_eq!(
                alloy_primitives::hex::encode(key.as_slice()),
                want,
                "{path:?}"
            );
        }
    }

    /// Published vectors: the BIP-39 test phrase "abandon × 11 about" gives
    /// HAgk14JpMQLgt6rVgv7cBQFJWFto5Dqxi472uT3DKpqk at m/44'/501'/0'/0' (Phantom's first
    /// account; the same value appears in several independent wallet test suites).
    #[test]
    fn mnemonic_derives_phantom_addresses() {
        let abandon = secret(
            "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
        );
        assert_eq!(
            from_mnemonic(&abandon, 0).unwrap().pubkey().to_string(),
            "HAgk14JpMQLgt6rVgv7cBQFJWFto5Dqxi472uT3DKpqk"
        );
        // Extra whitespace and line breaks between words do not matter.
        let spaced = secret(&abandon.expose().replace(' ', "  \n"));
        assert_eq!(
            from_mnemonic(&spaced, 0).unwrap().pubkey(),
            from_mnemonic(&abandon, 0).unwrap().pubkey()
        );
        assert_ne!(
            from_mnemonic(&abandon, 1).unwrap().pubkey(),
            from_mnemonic(&abandon, 0).unwrap().pubkey()
        );
        assert!(from_mnemonic(&secret("abandon abandon"), 0).is_err());
        assert!(from_mnemonic(&abandon, HARDENED).is_err());
    }

    #[test]
    fn keystore_round_trip_and_refusals() {
        let dir = tempfile::tempdir().unwrap();
        let ks_dir = dir.path().join("keystores");
        let pw = secret("pw");
        let kp = Keypair::new_from_array([1u8; 32]);
        let ks = store(&ks_dir, "sol", &kp, &pw, false).unwrap();
        assert_eq!(ks.solana, Some(kp.pubkey()));
        let mode = std::fs::metadata(&ks.path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        // The file holds neither the seed nor the 64-byte secret in any readable form.
        let text = std::fs::read_to_string(&ks.path).unwrap();
        assert!(!text.contains(&kp.to_base58_string()));
        assert!(!text.contains(&alloy_primitives::hex::encode(kp.secret_bytes())));
        // Read back without a password.
        let read = keystore::read(&ks.path, "sol", keystore::Origin::X402).unwrap();
        assert_eq!(read.solana, Some(kp.pubkey()));
        assert_eq!(read.address, None);
        assert_eq!(read.family(), crate::network::Family::Solana);
        assert_eq!(unlock(&read, &pw).unwrap().pubkey(), kp.pubkey());
        assert!(matches!(
            unlock(&read, &secret("nope")),
            Err(keystore::Error::WrongPassword(_))
        ));
        // The EVM unlock refuses a Solana keystore.
        assert!(matches!(
            keystore::unlock(&ks.path, &pw),
            Err(keystore::Error::WrongFamily { .. })
        ));
        // Never clobbered without force.
        assert!(matches!(
            store(&ks_dir, "sol", &kp, &pw, false),
            Err(keystore::Error::AlreadyExists(_))
        ));
        // A file whose publicKey was changed is corrupt once unlocked.
        let other = Keypair::new_from_array([2u8; 32]).pubkey().to_string();
        let tampered = text.replace(&kp.pubkey().to_string(), &other);
        let path = ks_dir.join("tampered");
        std::fs::write(&path, tampered).unwrap();
        let read = keystore::read(&path, "tampered", keystore::Origin::X402).unwrap();
        assert!(matches!(
            unlock(&read, &pw),
            Err(keystore::Error::Corrupt { .. })
        ));
        // A Solana marker without a valid public key is corrupt at once.
        let broken = text.replace(&kp.pubkey().to_string(), "nope");
        std::fs::write(&path, broken).unwrap();
        assert!(matches!(
            keystore::read(&path, "tampered", keystore::Origin::X402),
            Err(keystore::Error::Corrupt { .. })
        ));
    }

    #[test]
    fn generated_keys_differ() {
        assert_ne!(generate().pubkey(), generate().pubkey());
    }
}
