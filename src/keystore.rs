//! Encrypted keystores: Web3 Secret Storage v3 files, as Foundry's `cast wallet` and geth use.
//!
//! One file per account, named after the account with no extension (as Foundry does), in a
//! directory kept at 0700. A file is created 0600 before its first byte is written, written in
//! full to a temporary name in the same directory, synced, then linked into place, so a crash
//! never leaves a half-written keystore and an existing account is never overwritten unless the
//! caller asks to. This module never prints or prompts: callers pass the password in.
//!
//! A Solana account is the same v3 file around its 32-byte ed25519 seed, marked with
//! `"chain": "solana"` and its base58 `"publicKey"` (readable without the password); the EVM
//! unlock refuses it, so a Solana seed is never used as a secp256k1 key.
//!
//! Files are read with eth-keystore's serde types. Decryption is done here rather than by
//! `eth_keystore::decrypt_key`, which panics on a short IV or `dklen` and would let a hostile
//! file ask scrypt for any amount of memory.

use crate::fsutil::write_atomic;
use crate::network::Family;
use crate::secret::SecretString;
use aes::cipher::{KeyIvInit, StreamCipher};
use alloy_primitives::{Address, B256, Keccak256, hex};
use alloy_signer_local::PrivateKeySigner;
use eth_keystore::{EthKeystore, KdfType, KdfparamsType};
use rand08::RngCore;
use std::fs;
use std::io::Read;
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

/// No account was named and there is no default for the family of the payment (or command).
#[derive(Debug, thiserror::Error)]
#[error("no account given and no default {}account", match .0 { Family::Evm => "", Family::Solana => "Solana " })]
pub struct NoAccount(pub Family);

type Aes128Ctr = ctr::Ctr128BE<aes::Aes128>;

/// scrypt cost written into new files: Foundry's and eth-keystore's defaults (n = 2^13, r = 8,
/// p = 1), so `cast` reads them and unlocking takes ~20 ms.
const SCRYPT_LOG_N: u8 = 13;
const SCRYPT_R: u32 = 8;
const SCRYPT_P: u32 = 1;
/// The most memory a keystore's scrypt parameters may ask for (geth's "standard" n = 2^18 needs
/// 256 MiB); above this a file is refused as corrupt rather than exhausting the machine.
const MAX_SCRYPT_MEMORY: u64 = 1 << 30;
const MAX_PBKDF2_ROUNDS: u32 = 10_000_000;
/// Keystore files are a few hundred bytes.
const MAX_FILE_SIZE: u64 = 64 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("no account named '{name}'")]
    NotFound {
        name: String,
        searched: Vec<PathBuf>,
    },
    #[error("an account already exists at {}", .0.display())]
    AlreadyExists(PathBuf),
    #[error("wrong password for {}", .0.display())]
    WrongPassword(PathBuf),
    #[error("'{name}' is {family} account, not {wanted} one")]
    WrongFamily {
        name: String,
        family: &'static str,
        wanted: &'static str,
    },
    #[error("{} is not a usable keystore: {reason}", path.display())]
    Corrupt { path: PathBuf, reason: String },
    #[error(
        "'{0}' is not a valid account name (letters, digits, '.', '_', '-'; at most 64; not starting with '.')"
    )]
    InvalidName(String),
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
}

fn io(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> Error {
    let path = path.to_path_buf();
    move |source| Error::Io {
        action,
        path,
        source,
    }
}

/// Where a keystore was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// This tool's own `keystores/` directory.
    X402,
    /// `~/.foundry/keystores`.
    Foundry,
    /// A file named with `--keystore`.
    File,
}

#[derive(Clone, Debug)]
pub struct Keystore {
    pub name: String,
    pub path: PathBuf,
    /// From the file's `address` field; Foundry's files have none, so it is known only once the
    /// file is unlocked.
    pub address: Option<Address>,
    pub origin: Origin,
    /// The file can be read by other users.
    pub loose_permissions: bool,
    /// A Solana account's public key (`"chain": "solana"`); `None` for an EVM account.
    pub solana: Option<solana_pubkey::Pubkey>,
}

impl Keystore {
    pub fn family(&self) -> Family {
        if self.solana.is_some() {
            Family::Solana
        } else {
            Family::Evm
        }
    }
}

/// The `chain` marker of a Solana keystore document.
pub const SOLANA_CHAIN: &str = "solana";

pub fn validate_name(name: &str) -> Result<(), Error> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidName(name.to_string()))
    }
}

/// Creates `dir` (mode 0700) if needed.
pub fn ensure_dir(dir: &Path) -> Result<(), Error> {
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(io("create directory", dir))
}

/// Encrypts `key` under `password` into `dir/name`. Refuses an existing file unless `force`.
pub fn create(
    dir: &Path,
    name: &str,
    key: &Zeroizing<[u8; 32]>,
    password: &SecretString,
    force: bool,
) -> Result<Keystore, Error> {
    validate_name(name)?;
    let signer = PrivateKeySigner::from_slice(key.as_slice()).map_err(|e| Error::Corrupt {
        path: dir.join(name),
        reason: format!("invalid private key: {e}"),
    })?;
    let address = signer.address();
    let mut doc = encrypt(key, password)?;
    // `address` (lowercase, no 0x) is what geth needs to list the file; Foundry ignores it.
    doc.insert("address".into(), hex::encode(address).into());
    store(
        dir,
        name,
        serde_json::Value::Object(doc).to_string().as_bytes(),
        Some(address),
        force,
    )
}

/// Places an already-encrypted keystore document at `dir/name` (0600, atomically).
pub fn store(
    dir: &Path,
    name: &str,
    json: &[u8],
    address: Option<Address>,
    force: bool,
) -> Result<Keystore, Error> {
    validate_name(name)?;
    let path = dir.join(name);
    if !force && fs::symlink_metadata(&path).is_ok() {
        return Err(Error::AlreadyExists(path));
    }
    ensure_dir(dir)?;
    write_atomic(dir, name, json, 0o600, force).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            Error::AlreadyExists(path.clone())
        } else {
            io("write", &path)(e)
        }
    })?;
    Ok(Keystore {
        name: name.to_string(),
        path,
        address,
        origin: Origin::X402,
        loose_permissions: false,
        solana: None,
    })
}

/// A v3 document (`crypto`, `id`, `version`) encrypting `key` under `password` with scrypt and
/// AES-128-CTR; the caller adds what identifies the account (`address`, or Solana's
/// `chain` and `publicKey`).
pub fn encrypt(
    key: &Zeroizing<[u8; 32]>,
    password: &SecretString,
) -> Result<serde_json::Map<String, serde_json::Value>, Error> {
    let mut rng = rand08::rngs::OsRng;
    let mut salt = [0u8; 32];
    let mut iv = [0u8; 16];
    let mut id = [0u8; 16];
    rng.fill_bytes(&mut salt);
    rng.fill_bytes(&mut iv);
    rng.fill_bytes(&mut id);
    let mut derived = Zeroizing::new([0u8; 32]);
    let params =
        scrypt::Params::new(SCRYPT_LOG_N, SCRYPT_R, SCRYPT_P).map_err(|e| Error::Corrupt {
            path: PathBuf::new(),
            reason: e.to_string(),
        })?;
    scrypt::scrypt(
        password.expose().as_bytes(),
        &salt,
        &params,
        derived.as_mut_slice(),
    )
    .map_err(|e| Error::Corrupt {
        path: PathBuf::new(),
        reason: e.to_string(),
    })?;
    let mut ciphertext = **key;
    Aes128Ctr::new(derived[..16].into(), (&iv).into()).apply_keystream(&mut ciphertext);
    let mac = keystore_mac(&derived[16..32], &ciphertext);
    // UUID v4 from 16 random bytes (RFC 4122 §4.4).
    id[6] = (id[6] & 0x0f) | 0x40;
    id[8] = (id[8] & 0x3f) | 0x80;
    let h = hex::encode(id);
    let uuid = format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    );
    let doc = serde_json::json!({
        "crypto": {
            "cipher": "aes-128-ctr",
            "cipherparams": { "iv": hex::encode(iv) },
            "ciphertext": hex::encode(ciphertext),
            "kdf": "scrypt",
            "kdfparams": {
                "dklen": 32,
                "n": 1u32 << SCRYPT_LOG_N,
                "p": SCRYPT_P,
                "r": SCRYPT_R,
                "salt": hex::encode(salt),
            },
            "mac": hex::encode(mac),
        },
        "id": uuid,
        "version": 3,
    });
    match doc {
        serde_json::Value::Object(map) => Ok(map),
        _ => unreachable!("a json! object literal"),
    }
}

/// Reads a keystore file, never through a symbolic link (a link planted in the keystore
/// directory would make the tool sign with a key of someone else's choosing).
fn read_file(path: &Path) -> Result<(String, bool), Error> {
    let file = crate::fsutil::open_read_nofollow(path).map_err(io("read", path))?;
    let meta = file.metadata().map_err(io("read", path))?;
    if !meta.is_file() {
        return Err(Error::Corrupt {
            path: path.to_path_buf(),
            reason: "not a regular file".into(),
        });
    }
    if meta.len() > MAX_FILE_SIZE {
        return Err(Error::Corrupt {
            path: path.to_path_buf(),
            reason: format!("{} bytes is too large for a keystore", meta.len()),
        });
    }
    let mut text = String::new();
    file.take(MAX_FILE_SIZE)
        .read_to_string(&mut text)
        .map_err(|e| Error::Corrupt {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
    Ok((text, meta.permissions().mode() & 0o077 != 0))
}

/// Reads a keystore's public part: no password needed.
pub fn read(path: &Path, name: &str, origin: Origin) -> Result<Keystore, Error> {
    let (text, loose_permissions) = read_file(path)?;
    let doc: serde_json::Value = serde_json::from_str(&text).map_err(|e| Error::Corrupt {
        path: path.to_path_buf(),
        reason: format!("not JSON: {e}"),
    })?;
    if doc.get("crypto").or_else(|| doc.get("Crypto")).is_none() {
        return Err(Error::Corrupt {
            path: path.to_path_buf(),
            reason: "no 'crypto' section".into(),
        });
    }
    let address = doc
        .get("address")
        .and_then(|a| a.as_str())
        .and_then(|a| a.strip_prefix("0x").unwrap_or(a).parse::<Address>().ok());
    let solana = solana_public_key(&doc).map_err(|reason| Error::Corrupt {
        path: path.to_path_buf(),
        reason,
    })?;
    Ok(Keystore {
        name: name.to_string(),
        path: path.to_path_buf(),
        address: address.filter(|_| solana.is_none()),
        origin,
        loose_permissions,
        solana,
    })
}

/// Refuses a keystore whose directory other users can write: they could put a key of their
/// choosing in its place (a sticky directory such as /tmp is fine: no one may replace another's
/// file there).
pub fn check_dir(path: &Path) -> Result<(), Error> {
    let dir = match path.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(d) => d,
        None => Path::new("."),
    };
    let Ok(meta) = fs::metadata(dir) else {
        return Ok(());
    };
    match crate::fsutil::writable_by_others(&meta) {
        None => Ok(()),
        Some(why) => Err(Error::Corrupt {
            path: path.to_path_buf(),
            reason: format!(
                "other users can change its directory {} ({why}); run: chmod 700 {}",
                dir.display(),
                dir.display()
            ),
        }),
    }
}

/// The public key of a Solana keystore document, `None` for any other document.
fn solana_public_key(doc: &serde_json::Value) -> Result<Option<solana_pubkey::Pubkey>, String> {
    match doc.get("chain") {
        None => Ok(None),
        Some(c) if c.as_str() == Some(SOLANA_CHAIN) => doc
            .get("publicKey")
            .and_then(|k| k.as_str())
            .and_then(|k| crate::svm::address::parse_pubkey(k).ok())
            .map(Some)
            .ok_or_else(|| "a Solana keystore without a valid 'publicKey'".into()),
        Some(c) => Err(format!("unknown chain {c}")),
    }
}

/// Decrypts an EVM keystore file. A MAC mismatch is reported as a wrong password; a Solana
/// keystore is refused before its password is asked for, and a keystore in a directory other
/// users can write is refused first ([`check_dir`]).
pub fn unlock(path: &Path, password: &SecretString) -> Result<PrivateKeySigner, Error> {
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    if read(path, &name, Origin::File)?.solana.is_some() {
        return Err(Error::WrongFamily {
            name,
            family: "a Solana",
            wanted: "an EVM",
        });
    }
    let key = decrypt(path, password)?;
    // From the slice: a `B256` copy of the key would outlive this function unwiped.
    PrivateKeySigner::from_slice(key.as_slice()).map_err(|e| Error::Corrupt {
        path: path.to_path_buf(),
        reason: format!("the decrypted key is not valid: {e}"),
    })
}

/// Decrypts the 32-byte secret of any keystore file (EVM or Solana).
pub fn decrypt(path: &Path, password: &SecretString) -> Result<Zeroizing<[u8; 32]>, Error> {
    let corrupt = |reason: String| Error::Corrupt {
        path: path.to_path_buf(),
        reason,
    };
    check_dir(path)?;
    let (text, _) = read_file(path)?;
    let ks: EthKeystore =
        serde_json::from_str(&text).map_err(|e| corrupt(format!("not a v3 keystore: {e}")))?;
    if ks.version != 3 {
        return Err(corrupt(format!("version {} (expected 3)", ks.version)));
    }
    let c = &ks.crypto;
    if c.cipher != "aes-128-ctr" {
        return Err(corrupt(format!(
            "cipher '{}' (expected aes-128-ctr)",
            c.cipher
        )));
    }
    if c.cipherparams.iv.len() != 16 {
        return Err(corrupt("the IV is not 16 bytes".into()));
    }
    if c.ciphertext.len() != 32 {
        return Err(corrupt("the ciphertext is not a 32-byte key".into()));
    }
    let derived =
        derive_key(&c.kdf, &c.kdfparams, password.expose().as_bytes()).map_err(corrupt)?;
    let mac = keystore_mac(&derived[16..32], &c.ciphertext);
    if mac.as_slice() != c.mac.as_slice() {
        return Err(Error::WrongPassword(path.to_path_buf()));
    }
    let mut key = Zeroizing::new([0u8; 32]);
    key.copy_from_slice(&c.ciphertext);
    Aes128Ctr::new(derived[..16].into(), c.cipherparams.iv[..16].into())
        .apply_keystream(key.as_mut_slice());
    Ok(key)
}

/// The key the password derives under the file's KDF (scrypt or PBKDF2), within the bounds
/// that keep a hostile file from taking the machine's memory or time; the reason, if the
/// parameters are refused.
fn derive_key(
    kdf: &KdfType,
    params: &KdfparamsType,
    password: &[u8],
) -> Result<Zeroizing<Vec<u8>>, String> {
    let mut derived = Zeroizing::new(Vec::new());
    match (kdf, params) {
        (
            KdfType::Scrypt,
            KdfparamsType::Scrypt {
                dklen,
                n,
                p,
                r,
                salt,
            },
        ) => {
            if *dklen < 32 || !n.is_power_of_two() || *n < 2 || *r == 0 || *p == 0 || *p > 16 {
                return Err(format!(
                    "bad scrypt parameters n={n} r={r} p={p} dklen={dklen}"
                ));
            }
            if 128 * u64::from(*r) * u64::from(*n) > MAX_SCRYPT_MEMORY {
                return Err(format!("scrypt n={n} r={r} needs more than 1 GiB"));
            }
            let params = scrypt::Params::new(n.trailing_zeros() as u8, *r, *p)
                .map_err(|e| format!("bad scrypt parameters: {e}"))?;
            derived.resize(usize::from(*dklen), 0);
            scrypt::scrypt(password, salt, &params, &mut derived)
                .map_err(|e| format!("scrypt: {e}"))?;
        }
        (
            KdfType::Pbkdf2,
            KdfparamsType::Pbkdf2 {
                c: rounds,
                dklen,
                prf,
                salt,
            },
        ) => {
            if *dklen < 32 || prf != "hmac-sha256" || *rounds == 0 || *rounds > MAX_PBKDF2_ROUNDS {
                return Err(format!(
                    "bad pbkdf2 parameters c={rounds} prf={prf} dklen={dklen}"
                ));
            }
            derived.resize(usize::from(*dklen), 0);
            pbkdf2::pbkdf2::<hmac::Hmac<sha2::Sha256>>(password, salt, *rounds, &mut derived);
        }
        _ => return Err("kdf and kdfparams do not match".into()),
    }
    Ok(derived)
}

/// The v3 MAC, keccak256(derived[16..32] ‖ ciphertext), hashed in two parts so that no
/// unwiped copy of the MAC key is made.
fn keystore_mac(mac_key: &[u8], ciphertext: &[u8]) -> B256 {
    let mut hasher = Keccak256::new();
    hasher.update(mac_key);
    hasher.update(ciphertext);
    hasher.finalize()
}

/// The accounts in `dir`, sorted by name. A missing directory has none; files that are not
/// keystores are skipped.
pub fn list(dir: &Path, origin: Origin) -> Result<Vec<Keystore>, Error> {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io("read directory", dir)(e)),
    };
    let mut out = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if validate_name(&name).is_err() || !entry.file_type().is_ok_and(|t| t.is_file()) {
            continue;
        }
        if let Ok(ks) = read(&entry.path(), &name, origin) {
            out.push(ks);
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// Looks an account up by name in each directory in turn.
pub fn find(name: &str, dirs: &[(PathBuf, Origin)]) -> Result<Keystore, Error> {
    validate_name(name)?;
    for (dir, origin) in dirs {
        let path = dir.join(name);
        if path.is_file() {
            return read(&path, name, *origin);
        }
    }
    Err(Error::NotFound {
        name: name.to_string(),
        searched: dirs.iter().map(|(d, _)| d.clone()).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> Zeroizing<[u8; 32]> {
        let bytes = hex::decode("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80")
            .unwrap();
        let mut k = Zeroizing::new([0u8; 32]);
        k.copy_from_slice(&bytes);
        k
    }

    #[test]
    fn round_trip_modes_and_no_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        let ks_dir = dir.path().join("keystores");
        let pw = SecretString::new("pw".into());
        let ks = create(&ks_dir, "alice", &key(), &pw, false).unwrap();
        let expected: Address = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
            .parse()
            .unwrap();
        assert_eq!(ks.address, Some(expected));
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&ks.path), 0o600);
        assert_eq!(mode(&ks_dir), 0o700);
        assert_eq!(unlock(&ks.path, &pw).unwrap().address(), expected);
        let wrong = SecretString::new("nope".into());
        assert!(matches!(
            unlock(&ks.path, &wrong),
            Err(Error::WrongPassword(_))
        ));
        assert!(matches!(
            create(&ks_dir, "alice", &key(), &pw, false),
            Err(Error::AlreadyExists(_))
        ));
        assert!(create(&ks_dir, "alice", &key(), &pw, true).is_ok());
        // Nothing but the account is left in the directory.
        let names: Vec<_> = fs::read_dir(&ks_dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("alice")]);
        assert_eq!(
            read(&ks.path, "alice", Origin::X402).unwrap().address,
            Some(expected)
        );
    }

    #[test]
    fn hostile_files_are_corrupt_not_panics() {
        let dir = tempfile::tempdir().unwrap();
        let pw = SecretString::new("pw".into());
        let good = create(dir.path(), "a", &key(), &pw, false).unwrap();
        let text = fs::read_to_string(&good.path).unwrap();
        let cases = [
            text.replace("\"n\":8192", "\"n\":1073741824"),
            text.replace("\"n\":8192", "\"n\":1000"),
            text.replace("\"dklen\":32", "\"dklen\":8"),
            text.replace("aes-128-ctr", "aes-256-gcm"),
            "{}".to_string(),
            "not json".to_string(),
        ];
        for (i, case) in cases.iter().enumerate() {
            let p = dir.path().join(format!("c{i}"));
            fs::write(&p, case).unwrap();
            let r = unlock(&p, &pw);
            assert!(
                matches!(r, Err(Error::Corrupt { .. })),
                "case {i}: {:?}",
                r.err()
            );
        }
        let mut short_iv: serde_json::Value = serde_json::from_str(&text).unwrap();
        short_iv["crypto"]["cipherparams"]["iv"] = "00ff".into();
        let p = dir.path().join("short-iv");
        fs::write(&p, short_iv.to_string()).unwrap();
        assert!(matches!(unlock(&p, &pw), Err(Error::Corrupt { .. })));
    }

    #[test]
    fn names_are_checked() {
        for bad in ["", ".hidden", "a/b", "../x", "a b", &"x".repeat(65)] {
            assert!(validate_name(bad).is_err(), "{bad}");
        }
        validate_name("alice-2.test_x").unwrap();
    }
}
