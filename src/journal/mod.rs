//! The payment journal: `$X402_HOME/journal.jsonl`, one JSON object per line, append-only.
//!
//! Every signed authorization is written as a `signed` event with status `pending`, and flushed
//! to disk, before its payment header leaves the machine; what happened next is appended as an
//! `outcome` event keyed by the authorization's nonce. Reading folds the events into one
//! [`Payment`] per nonce.
//!
//! Many processes may use the journal at once: every write, and every check-then-write (the
//! daily budget, a repeated request), happens under an exclusive lock on the journal file. A
//! crash can leave at most a torn last line; readers report it and skip it, and the next writer
//! starts on a fresh line, so no completed record is ever lost.
//!
//! Records are scheme-neutral (ids as text, network as CAIP-2; how the money moves in
//! [`Transfer`], see `kinds`). The journal never prints; it returns what it found. It may
//! depend on `fsutil` and `network`, never on `payment`, `commands` or `settings`.

mod kinds;

pub use kinds::{EvmParties, SchemeName, Transfer};

use alloy_primitives::U256;
use anyhow::{Context as _, Result};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// The file name inside `X402_HOME`.
pub const FILE_NAME: &str = "journal.jsonl";

/// Where a payment stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Signed and (about to be) sent; no answer yet.
    Pending,
    /// The server reported a settlement (or the chain shows the authorization used).
    Settled,
    /// The server or its facilitator refused it after the header was sent. The server's word
    /// proves nothing: whoever holds the signature can still use it until `validBefore`, so it
    /// counts as money that may move until `history check` shows it expired (or used).
    Rejected,
    /// Sent, but whether it settled is not known (timeout, reset, 5xx without a receipt).
    Unknown,
    /// Signed but never delivered (the connection failed before the request was sent).
    Unsent,
    /// Never used on-chain and past its `validBefore`: it can no longer move money.
    Expired,
    /// The chain disagrees with the record (`history check`).
    Disputed,
    /// Cancelled on-chain with `cancelAuthorization` (`history cancel`): it can never move money.
    Cancelled,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Settled => "settled",
            Status::Rejected => "rejected",
            Status::Unknown => "unknown",
            Status::Unsent => "unsent",
            Status::Expired => "expired",
            Status::Disputed => "disputed",
            Status::Cancelled => "cancelled",
        }
    }

    /// Whether the money may have moved, or still may: these count against the daily budget
    /// and in `history` totals. Only the chain ends that: `settled` (used), `expired` (unused
    /// past `validBefore`), `cancelled`; and `unsent` never left the machine.
    pub fn may_move_money(self) -> bool {
        !matches!(self, Status::Expired | Status::Cancelled | Status::Unsent)
    }

    /// A sent authorization the chain has not (yet) been seen to use, which its holder can
    /// still use until `validBefore`: a repeated request asks first, `history check` asks the
    /// chain, `history cancel` can end it.
    pub fn is_open(self) -> bool {
        matches!(self, Status::Pending | Status::Unknown | Status::Rejected)
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What is known when an authorization is signed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Signed {
    pub time: Timestamp,
    pub url: String,
    pub method: String,
    /// SHA-256 of the request body (hex), so "the same request" means the same body too.
    pub body_sha256: String,
    /// x402 protocol version (1 or 2).
    pub version: u8,
    /// CAIP-2 id (`eip155:84532`).
    pub network: String,
    /// The network's short name at the time (`base-sepolia`), for people reading the file.
    pub network_name: String,
    /// The token: the checksummed contract address (EVM) or the base58 mint (Solana).
    pub asset: String,
    pub symbol: String,
    pub decimals: u8,
    /// In the asset's base units, as a decimal string.
    #[serde(with = "decimal")]
    pub amount: U256,
    /// The payee, in the same form as `asset` (for Solana, the wallet, not its token account).
    pub pay_to: String,
    pub payer: String,
    /// The payment's identity: the EIP-3009 nonce (0x + 64 hex), the Permit2 nonce (a decimal
    /// string, as signed), or the payer's Solana transaction signature (base58).
    pub nonce: String,
    pub valid_after: u64,
    /// The moment after which the payment can no longer move money (for Solana, the bound
    /// shown; the block height fields are the truth).
    pub valid_before: u64,
    /// The `payment-identifier` extension's id, when the server offered it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_id: Option<String>,
    /// The x402 scheme: `exact` (the default, and absent from the line) or `upto`.
    #[serde(default, skip_serializing_if = "SchemeName::is_default")]
    pub scheme: SchemeName,
    /// How the money moves: `eip3009` (the default, and absent from the line), `permit2`, `svm`.
    #[serde(default, skip_serializing_if = "Transfer::is_default")]
    pub transfer: Transfer,
    /// The Solana memo instruction's text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memo: Option<String>,
    /// The Solana transaction's recent blockhash (base58).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blockhash: Option<String>,
    /// The last block height at which the Solana transaction can land.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_valid_block_height: Option<u64>,
    /// The Permit2 spender (the x402 proxy contract), checksummed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spender: Option<String>,
}

impl Signed {
    /// The asset, payee and payer as EVM addresses, when the record is on an EVM network.
    pub fn evm_parties(&self) -> Option<EvmParties> {
        Some(EvmParties {
            asset: self.asset.parse().ok()?,
            pay_to: self.pay_to.parse().ok()?,
            payer: self.payer.parse().ok()?,
        })
    }

    /// Checks the record's ids for its network's family and writes EVM addresses checksummed,
    /// as every record has always shown them.
    fn normalize(&mut self) -> Result<(), String> {
        self.asset = crate::network::account_id(&self.network, &self.asset)?;
        self.pay_to = crate::network::account_id(&self.network, &self.pay_to)?;
        self.payer = crate::network::account_id(&self.network, &self.payer)?;
        Ok(())
    }
}

/// What became of a signed authorization.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Outcome {
    pub time: Timestamp,
    pub nonce: String,
    pub status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transaction: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Set by `history check` when the chain confirmed the record.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub verified: bool,
    /// For a scheme that charges up to a maximum: what the settlement says was charged, in
    /// base units (0: nothing moved).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "decimal_opt")]
    pub charged: Option<U256>,
}

/// One line of the journal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
enum Event {
    Signed(Box<Signed>),
    Outcome(Outcome),
}

/// A payment as the journal knows it now: its `signed` event and its latest outcome.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Payment {
    #[serde(flatten)]
    pub signed: Signed,
    pub status: Status,
    pub transaction: Option<String>,
    pub reason: Option<String>,
    pub verified: bool,
    /// The latest `charged` of its outcomes (a scheme that charges up to a maximum).
    #[serde(skip_serializing_if = "Option::is_none", with = "decimal_opt")]
    pub charged: Option<U256>,
    pub updated: Timestamp,
}

impl Payment {
    /// Whether the authorization can still be used on-chain at `now` (unix seconds).
    pub fn still_valid(&self, now: u64) -> bool {
        now < self.signed.valid_before
    }
}

/// A line that could not be read (a torn write, or a hand edit).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadLine {
    pub line: usize,
    pub error: String,
}

/// Everything read back from the journal.
#[derive(Debug, Default)]
pub struct Contents {
    /// In the order they were signed.
    pub payments: Vec<Payment>,
    pub bad_lines: Vec<BadLine>,
}

impl Contents {
    /// Folds the journal's lines into payments; unreadable lines are listed, not fatal.
    pub fn parse(bytes: &[u8]) -> Contents {
        parse(bytes)
    }

    pub fn by_nonce(&self, nonce: &str) -> Option<&Payment> {
        self.payments.iter().find(|p| p.signed.nonce == nonce)
    }
}

pub struct Journal {
    path: PathBuf,
}

/// The exclusive lock on the journal, with the file open for appending.
pub struct Locked {
    file: File,
    contents: Contents,
}

impl Journal {
    pub fn new(home: &Path) -> Self {
        Self {
            path: home.join(FILE_NAME),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads the journal under a shared lock; a missing journal is empty.
    pub fn read(&self) -> Result<Contents> {
        // Never through a symbolic link: see `crate::fsutil::open_nofollow`.
        let mut file = match crate::fsutil::open_read_nofollow(&self.path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Contents::default()),
            Err(e) => {
                return Err(e).with_context(|| format!("cannot open {}", self.path.display()));
            }
        };
        file.lock_shared()
            .with_context(|| format!("cannot lock {}", self.path.display()))?;
        let contents = read_all(&mut file, &self.path)?;
        let _ = file.unlock();
        Ok(contents)
    }

    /// Takes the exclusive lock (waiting for other processes) and reads the journal; the lock
    /// is held until the returned value is dropped.
    pub fn lock(&self) -> Result<Locked> {
        if let Some(dir) = self.path.parent() {
            create_private_dir(dir)?;
        }
        let new = !self.path.exists();
        let mut options = OpenOptions::new();
        options.read(true).append(true).create(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = crate::fsutil::open_nofollow(&options, &self.path)
            .with_context(|| format!("cannot open the payment journal {}", self.path.display()))?;
        if new {
            // The file's own fsyncs do not make its directory entry durable: without this, a
            // crash right after the first payment could lose the whole journal.
            if let Some(dir) = self.path.parent() {
                File::open(dir)
                    .and_then(|d| d.sync_all())
                    .with_context(|| format!("cannot sync {}", dir.display()))?;
            }
        }
        file.lock()
            .with_context(|| format!("cannot lock {}", self.path.display()))?;
        let contents = read_all(&mut file, &self.path)?;
        Ok(Locked { file, contents })
    }

    /// Appends one outcome (taking the lock for the write).
    pub fn record_outcome(&self, outcome: Outcome) -> Result<()> {
        self.lock()?.append_outcome(outcome)
    }
}

impl Locked {
    pub fn contents(&self) -> &Contents {
        &self.contents
    }

    /// Appends the `signed` event and syncs it to disk before returning.
    pub fn append_signed(&mut self, signed: Signed) -> Result<()> {
        self.append(&Event::Signed(Box::new(signed)))
    }

    pub fn append_outcome(&mut self, outcome: Outcome) -> Result<()> {
        self.append(&Event::Outcome(outcome))
    }

    fn append(&mut self, event: &Event) -> Result<()> {
        let mut line = serde_json::to_vec(event)?;
        line.push(b'\n');
        // A torn last line (no newline) must not swallow this record.
        let len = self.file.seek(SeekFrom::End(0))?;
        if len > 0 {
            let mut last = [0u8; 1];
            self.file.seek(SeekFrom::Start(len - 1))?;
            self.file.read_exact(&mut last)?;
            if last[0] != b'\n' {
                line.insert(0, b'\n');
            }
        }
        self.file
            .write_all(&line)
            .and_then(|()| self.file.sync_data())
            .context("cannot write the payment journal")?;
        let text = serde_json::to_string(event)?;
        apply(&mut self.contents, &text);
        Ok(())
    }
}

fn create_private_dir(dir: &Path) -> Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(dir)
        .with_context(|| format!("cannot create {}", dir.display()))
}

/// Journals past this size are refused rather than read into memory.
const MAX_JOURNAL_BYTES: u64 = 256 * 1024 * 1024;

fn read_all(file: &mut File, path: &Path) -> Result<Contents> {
    let len = file.metadata()?.len();
    if len > MAX_JOURNAL_BYTES {
        anyhow::bail!(
            "{} is larger than {} MiB; move it aside to start a new one",
            path.display(),
            MAX_JOURNAL_BYTES >> 20
        );
    }
    file.seek(SeekFrom::Start(0))?;
    let mut bytes = Vec::with_capacity(len as usize);
    file.read_to_end(&mut bytes)
        .with_context(|| format!("cannot read {}", path.display()))?;
    Ok(parse(&bytes))
}

/// Folds the journal's lines into payments; unreadable lines are listed, not fatal.
fn parse(bytes: &[u8]) -> Contents {
    let mut contents = Contents::default();
    for (i, raw) in bytes.split(|b| *b == b'\n').enumerate() {
        if raw.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let outcome = std::str::from_utf8(raw)
            .map_err(|e| e.to_string())
            .and_then(|text| apply_line(&mut contents, text));
        if let Err(error) = outcome {
            contents.bad_lines.push(BadLine { line: i + 1, error });
        }
    }
    contents
}

/// Applies one line; false when it is not a readable event.
fn apply(contents: &mut Contents, text: &str) -> bool {
    apply_line(contents, text).is_ok()
}

/// Applies one line, or says why it is not a readable event.
fn apply_line(contents: &mut Contents, text: &str) -> Result<(), String> {
    match serde_json::from_str::<Event>(text).map_err(|e| e.to_string())? {
        Event::Signed(mut s) => {
            s.normalize()?;
            let updated = s.time;
            contents.payments.retain(|p| p.signed.nonce != s.nonce);
            contents.payments.push(Payment {
                signed: *s,
                status: Status::Pending,
                transaction: None,
                reason: None,
                verified: false,
                charged: None,
                updated,
            });
            Ok(())
        }
        Event::Outcome(o) => {
            let Some(p) = contents
                .payments
                .iter_mut()
                .find(|p| p.signed.nonce == o.nonce)
            else {
                return Err("an outcome for an unknown nonce".into());
            };
            p.status = o.status;
            if o.transaction.is_some() {
                p.transaction = o.transaction;
            }
            p.reason = o.reason;
            p.verified = o.verified;
            if o.charged.is_some() {
                p.charged = o.charged;
            }
            p.updated = o.time;
            Ok(())
        }
    }
}

/// U256 as a decimal string (the protocol's and a reader's habit), not serde's default hex.
mod decimal {
    use alloy_primitives::U256;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &U256, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(v)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<U256, D::Error> {
        let text = String::deserialize(d)?;
        if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(serde::de::Error::custom("amount is not a decimal integer"));
        }
        U256::from_str_radix(&text, 10).map_err(serde::de::Error::custom)
    }
}

/// An optional U256 as a decimal string.
mod decimal_opt {
    use alloy_primitives::U256;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &Option<U256>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(v) => super::decimal::serialize(v, s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<U256>, D::Error> {
        #[derive(Deserialize)]
        struct Wrapped(#[serde(with = "super::decimal")] U256);
        Ok(Option::<Wrapped>::deserialize(d)?.map(|w| w.0))
    }
}

/// SHA-256 of a request body, hex.
pub fn body_hash(body: Option<&[u8]>) -> String {
    use sha2::Digest;
    alloy_primitives::hex::encode(sha2::Sha256::digest(body.unwrap_or_default()))
}

/// The sum, in base units, of payments on this network (CAIP-2) and asset (its id as text:
/// an EVM address in any case, a base58 mint exactly) in the 24 hours before `now` that moved
/// or may still move money.
pub fn spent_last_day(payments: &[Payment], network: &str, asset: &str, now: Timestamp) -> U256 {
    let since = now - jiff::SignedDuration::from_hours(24);
    payments
        .iter()
        .filter(|p| {
            p.status.may_move_money()
                && p.signed.network == network
                && crate::network::same_id(network, &p.signed.asset, asset)
                && p.signed.time > since
        })
        .fold(U256::ZERO, |sum, p| sum.saturating_add(p.signed.amount))
}

/// An earlier payment for the same request (method, URL, body) that may still settle.
pub fn open_payment_for<'a>(
    payments: &'a [Payment],
    method: &str,
    url: &str,
    body_sha256: &str,
    now: u64,
) -> Option<&'a Payment> {
    payments.iter().rev().find(|p| {
        p.status.is_open()
            && p.still_valid(now)
            && p.signed.method == method
            && p.signed.url == url
            && p.signed.body_sha256 == body_sha256
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::Address;

    fn signed(nonce: &str, amount: u64, time: Timestamp) -> Signed {
        Signed {
            time,
            url: "http://127.0.0.1:1/cheap".into(),
            method: "GET".into(),
            body_sha256: body_hash(None),
            version: 2,
            network: "eip155:84532".into(),
            network_name: "base-sepolia".into(),
            asset: Address::repeat_byte(0x11).to_checksum(None),
            symbol: "USDC".into(),
            decimals: 6,
            amount: U256::from(amount),
            pay_to: Address::repeat_byte(0x22).to_checksum(None),
            payer: Address::repeat_byte(0x33).to_checksum(None),
            nonce: nonce.into(),
            valid_after: 0,
            valid_before: time.as_second() as u64 + 60,
            payment_id: None,
            scheme: SchemeName::Exact,
            transfer: Transfer::Eip3009,
            memo: None,
            blockhash: None,
            last_valid_block_height: None,
            spender: None,
        }
    }

    fn outcome(nonce: &str, status: Status) -> Outcome {
        Outcome {
            time: Timestamp::now(),
            nonce: nonce.into(),
            status,
            transaction: Some("0xabc".into()),
            reason: None,
            verified: false,
            charged: None,
        }
    }

    #[test]
    fn round_trip_and_fold() {
        let dir = tempfile::tempdir().unwrap();
        let j = Journal::new(dir.path());
        assert!(j.read().unwrap().payments.is_empty());
        let now = Timestamp::now();
        {
            let mut l = j.lock().unwrap();
            l.append_signed(signed("0x01", 1000, now)).unwrap();
            l.append_signed(signed("0x02", 2000, now)).unwrap();
            assert_eq!(l.contents().payments.len(), 2);
        }
        j.record_outcome(outcome("0x01", Status::Settled)).unwrap();
        let c = j.read().unwrap();
        assert!(c.bad_lines.is_empty());
        assert_eq!(c.payments.len(), 2);
        assert_eq!(c.by_nonce("0x01").unwrap().status, Status::Settled);
        assert_eq!(
            c.by_nonce("0x01").unwrap().transaction.as_deref(),
            Some("0xabc")
        );
        assert_eq!(c.by_nonce("0x02").unwrap().status, Status::Pending);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(j.path()).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    /// A line written before the journal was scheme-neutral.
    const OLD_SIGNED_LINE: &str = r#"{"event":"signed","time":"2026-11-30T10:00:00Z","url":"http://127.0.0.1:4021/cheap","method":"GET","bodySha256":"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855","version":2,"network":"eip155:84532","networkName":"base-sepolia","asset":"0x036CbD53842c5426634e7929541eC2318f3dCF7e","symbol":"USDC","decimals":6,"amount":"1000","payTo":"0x2222222222222222222222222222222222222222","payer":"0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266","nonce":"0x1111111111111111111111111111111111111111111111111111111111111111","validAfter":1764496200,"validBefore":1764496860}"#;

    #[test]
    fn an_old_line_reads_and_writes_back_unchanged() {
        let c = parse(OLD_SIGNED_LINE.as_bytes());
        assert!(c.bad_lines.is_empty(), "{:?}", c.bad_lines);
        let s = &c.payments[0].signed;
        assert_eq!(s.asset, "0x036CbD53842c5426634e7929541eC2318f3dCF7e");
        assert_eq!(s.payer, "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
        assert_eq!(
            (&s.scheme, &s.transfer),
            (&SchemeName::Exact, &Transfer::Eip3009)
        );
        assert_eq!((s.memo.as_ref(), s.spender.as_ref()), (None, None));
        assert!(s.evm_parties().is_some());
        // Written again, the line is byte for byte what it was: no new keys for EVM exact.
        let again = serde_json::to_string(&Event::Signed(Box::new(s.clone()))).unwrap();
        assert_eq!(again, OLD_SIGNED_LINE);
    }

    #[test]
    fn lowercase_addresses_read_checksummed_and_bad_ones_are_bad_lines() {
        let lower = OLD_SIGNED_LINE.replace(
            "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
            "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266",
        );
        let c = parse(lower.as_bytes());
        assert_eq!(
            c.payments[0].signed.payer,
            "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
        );
        let bad = OLD_SIGNED_LINE.replace("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", "0xnope");
        let c = parse(bad.as_bytes());
        assert!(c.payments.is_empty());
        assert_eq!(c.bad_lines.len(), 1);
        assert!(c.bad_lines[0].error.contains("0xnope"), "{:?}", c.bad_lines);
    }

    #[test]
    fn scheme_neutral_keys_round_trip() {
        let mut s = signed("5sigbase58", 1000, Timestamp::now());
        s.network = "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1".into();
        s.asset = "4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU".into();
        s.pay_to = "9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM".into();
        s.payer = "4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU".into();
        s.transfer = Transfer::Svm;
        s.memo = Some("order 7".into());
        s.blockhash = Some("EkSnNWid2cvwEVnVx9aBqawnmiCNiDgp3gUdkDPTKN1N".into());
        s.last_valid_block_height = Some(1234);
        let line = serde_json::to_string(&Event::Signed(Box::new(s.clone()))).unwrap();
        assert!(
            line.contains(r#""transfer":"svm""#) && line.contains(r#""lastValidBlockHeight":1234"#),
            "{line}"
        );
        let mut upto = outcome("5sigbase58", Status::Settled);
        upto.charged = Some(U256::from(400));
        let out = serde_json::to_string(&Event::Outcome(upto)).unwrap();
        assert!(out.contains(r#""charged":"400""#), "{out}");
        let c = parse(format!("{line}\n{out}\n").as_bytes());
        assert!(c.bad_lines.is_empty(), "{:?}", c.bad_lines);
        assert_eq!(c.payments[0].signed, s);
        assert_eq!(c.payments[0].charged, Some(U256::from(400)));
        assert_eq!(c.payments[0].signed.evm_parties(), None);
        // A name this version does not know is kept, not refused.
        let future = line.replace(r#""transfer":"svm""#, r#""transfer":"lightning""#);
        let c = parse(future.as_bytes());
        assert_eq!(
            c.payments[0].signed.transfer,
            Transfer::Other("lightning".into())
        );
        assert_eq!(
            spent_last_day(
                &c.payments,
                "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1",
                "4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU",
                Timestamp::now()
            ),
            U256::from(1000)
        );
    }

    #[test]
    fn torn_last_line_is_reported_skipped_and_not_fatal() {
        let dir = tempfile::tempdir().unwrap();
        let j = Journal::new(dir.path());
        let now = Timestamp::now();
        j.lock()
            .unwrap()
            .append_signed(signed("0x01", 1000, now))
            .unwrap();
        // A crash in the middle of the next write.
        let mut f = OpenOptions::new().append(true).open(j.path()).unwrap();
        f.write_all(br#"{"event":"signed","time":"2026-"#).unwrap();
        drop(f);
        let c = j.read().unwrap();
        assert_eq!(c.payments.len(), 1);
        assert_eq!(c.bad_lines.len(), 1);
        assert_eq!(c.bad_lines[0].line, 2);
        // The next record starts on its own line and survives.
        j.lock()
            .unwrap()
            .append_signed(signed("0x02", 1000, now))
            .unwrap();
        let c = j.read().unwrap();
        assert_eq!(c.payments.len(), 2);
        assert_eq!(c.bad_lines.len(), 1);
    }

    #[test]
    fn every_prefix_of_a_journal_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let j = Journal::new(dir.path());
        let now = Timestamp::now();
        {
            let mut l = j.lock().unwrap();
            l.append_signed(signed("0x01", 1000, now)).unwrap();
            l.append_outcome(outcome("0x01", Status::Unknown)).unwrap();
            l.append_signed(signed("0x02", 3000, now)).unwrap();
        }
        let bytes = std::fs::read(j.path()).unwrap();
        let complete_lines = |n: usize| bytes[..n].iter().filter(|b| **b == b'\n').count();
        for cut in 0..=bytes.len() {
            let c = parse(&bytes[..cut]);
            // Every line completed before the cut is there; at most the torn one is missing.
            let events = c.payments.len()
                + c.payments
                    .iter()
                    .filter(|p| p.status != Status::Pending)
                    .count();
            assert!(events >= complete_lines(cut), "cut at {cut}");
            assert!(c.bad_lines.len() <= 1, "cut at {cut}");
        }
    }

    #[test]
    fn budget_counts_what_may_move_money_in_the_last_day() {
        let now = Timestamp::now();
        let old = now - jiff::SignedDuration::from_hours(25);
        let mut c = Contents::default();
        for (nonce, amount, time) in [
            ("0x01", 1000, now),
            ("0x02", 2000, now),
            ("0x03", 4000, old),
            ("0x04", 8000, now),
            ("0x05", 16000, now),
            ("0x06", 32000, now),
            ("0x07", 64000, now),
        ] {
            apply(
                &mut c,
                &serde_json::to_string(&Event::Signed(Box::new(signed(nonce, amount, time))))
                    .unwrap(),
            );
        }
        // A refusal is the server's word: the signature can still be used, so it counts.
        // Expired, cancelled and unsent authorizations can no longer move money.
        for (nonce, status) in [
            ("0x04", Status::Rejected),
            ("0x05", Status::Expired),
            ("0x06", Status::Cancelled),
            ("0x07", Status::Unsent),
        ] {
            apply(
                &mut c,
                &serde_json::to_string(&Event::Outcome(outcome(nonce, status))).unwrap(),
            );
        }
        let asset = Address::repeat_byte(0x11).to_checksum(None);
        assert_eq!(
            spent_last_day(&c.payments, "eip155:84532", &asset, now),
            U256::from(11000)
        );
        assert_eq!(
            spent_last_day(&c.payments, "eip155:84532", &asset.to_lowercase(), now),
            U256::from(11000),
            "EVM ids compare in any case"
        );
        assert_eq!(
            spent_last_day(&c.payments, "eip155:8453", &asset, now),
            U256::ZERO
        );
    }

    #[test]
    fn an_open_payment_for_the_same_request_is_found_until_it_expires() {
        let now = Timestamp::now();
        let mut c = Contents::default();
        apply(
            &mut c,
            &serde_json::to_string(&Event::Signed(Box::new(signed("0x01", 1, now)))).unwrap(),
        );
        let secs = now.as_second() as u64;
        let hash = body_hash(None);
        let url = "http://127.0.0.1:1/cheap";
        assert!(open_payment_for(&c.payments, "GET", url, &hash, secs).is_some());
        assert!(open_payment_for(&c.payments, "POST", url, &hash, secs).is_none());
        assert!(open_payment_for(&c.payments, "GET", url, &body_hash(Some(b"x")), secs).is_none());
        assert!(open_payment_for(&c.payments, "GET", url, &hash, secs + 61).is_none());
        // A refusal after the header left keeps it open; a cancellation ends it.
        apply(
            &mut c,
            &serde_json::to_string(&Event::Outcome(outcome("0x01", Status::Rejected))).unwrap(),
        );
        assert!(open_payment_for(&c.payments, "GET", url, &hash, secs).is_some());
        apply(
            &mut c,
            &serde_json::to_string(&Event::Outcome(outcome("0x01", Status::Cancelled))).unwrap(),
        );
        assert!(open_payment_for(&c.payments, "GET", url, &hash, secs).is_none());
    }
}
