//! Reading an SVM `exact` requirement (`specs/schemes/exact/scheme_exact_svm.md`): `asset` is
//! the SPL mint, `payTo` the recipient's wallet (not its token account), `extra.feePayer` the
//! facilitator's account that pays the fee and co-signs (required), `extra.memo` an optional
//! seller reference of at most 256 UTF-8 bytes, and `extra.recentBlockhash` /
//! `extra.lastValidBlockHeight` an optional blockhash the server already fetched. v1 names the
//! amount `maxAmountRequired`; `challenge::Requirement` has already unified the two.
//!
//! Anything that makes the option unpayable is a [`Unpayable`] whose text says why, for
//! `inspect` to show and `get` to refuse with.

use super::address::parse_pubkey;
use super::network::SvmNetwork;
use crate::network::Networks;
use crate::payment::challenge::Requirement;
use solana_hash::Hash;
use solana_pubkey::Pubkey;

/// `MAX_MEMO_BYTES` of `@x402/svm` (`src/constants.ts`).
pub const MAX_MEMO_BYTES: usize = 256;

/// A payable SVM `exact` option.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SvmExact {
    pub network: SvmNetwork,
    /// In the mint's base units.
    pub amount: u64,
    pub mint: Pubkey,
    pub pay_to: Pubkey,
    pub fee_payer: Pubkey,
    /// `extra.memo` when present and not empty (the reference client treats `""` as absent
    /// and sends a random memo instead).
    pub memo: Option<String>,
    /// `extra.recentBlockhash` when it is a valid 32-byte base58 hash; the reference client
    /// fetches one when it is not, and so does the caller.
    pub recent_blockhash: Option<Hash>,
    /// `extra.lastValidBlockHeight`, as a number or a decimal string.
    pub last_valid_block_height: Option<u64>,
    pub max_timeout_seconds: Option<u64>,
}

/// Why an SVM option cannot be paid.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Unpayable {
    #[error("scheme '{0}' is not paid on Solana (only 'exact')")]
    Scheme(String),
    #[error("no network given")]
    NoNetwork,
    #[error("network '{0}' is not a Solana network this tool knows")]
    UnknownNetwork(String),
    #[error("{field} {problem}")]
    Field {
        field: &'static str,
        problem: String,
    },
    #[error(
        "extra.feePayer is missing: a Solana payment needs the facilitator's fee payer account"
    )]
    NoFeePayer,
    #[error("extra.memo is {0} bytes; at most {MAX_MEMO_BYTES} are allowed")]
    MemoTooLong(usize),
}

fn field(field: &'static str, problem: impl Into<String>) -> Unpayable {
    Unpayable::Field {
        field,
        problem: problem.into(),
    }
}

fn pubkey_field(name: &'static str, value: Option<&str>) -> Result<Pubkey, Unpayable> {
    let value = value.ok_or_else(|| field(name, "is missing"))?;
    parse_pubkey(value).map_err(|p| field(name, p))
}

/// Reads `req` as an SVM `exact` option against the Solana networks in `networks`.
pub fn read(req: &Requirement, networks: &Networks) -> Result<SvmExact, Unpayable> {
    let scheme = req.scheme.as_deref().unwrap_or("");
    if scheme != "exact" {
        return Err(Unpayable::Scheme(scheme.to_string()));
    }
    let named = req.network.as_deref().ok_or(Unpayable::NoNetwork)?;
    let network = req
        .caip2_network()
        .and_then(|id| networks.find_svm(&id))
        .ok_or_else(|| Unpayable::UnknownNetwork(named.to_string()))?
        .clone();
    let amount_field = if req.version == 1 {
        "maxAmountRequired"
    } else {
        "amount"
    };
    let amount = req
        .amount
        .as_deref()
        .ok_or_else(|| field(amount_field, "is missing"))?;
    let amount =
        crate::payment::challenge::check_amount(amount).map_err(|p| field(amount_field, p))?;
    let amount = u64::try_from(amount)
        .map_err(|_| field(amount_field, "exceeds a Solana token amount (u64)"))?;
    let mint = pubkey_field("asset", req.asset.as_deref())?;
    let pay_to = pubkey_field("payTo", req.pay_to.as_deref())?;
    let extra = req.extra.as_ref();
    let fee_payer = match extra.and_then(|e| e.get("feePayer")) {
        None | Some(serde_json::Value::Null) => return Err(Unpayable::NoFeePayer),
        Some(v) => pubkey_field(
            "extra.feePayer",
            Some(
                v.as_str()
                    .ok_or_else(|| field("extra.feePayer", "is not a string"))?,
            ),
        )?,
    };
    let memo = match extra.and_then(|e| e.get("memo")) {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(m)) if m.is_empty() => None,
        Some(serde_json::Value::String(m)) if m.len() > MAX_MEMO_BYTES => {
            return Err(Unpayable::MemoTooLong(m.len()));
        }
        Some(serde_json::Value::String(m)) => Some(m.clone()),
        Some(_) => return Err(field("extra.memo", "is not a string")),
    };
    let recent_blockhash = extra
        .and_then(|e| e.get("recentBlockhash"))
        .and_then(|v| v.as_str())
        .filter(|s| !s.is_empty() && s.len() <= 44)
        .and_then(|s| s.parse::<Hash>().ok());
    let last_valid_block_height = extra
        .and_then(|e| e.get("lastValidBlockHeight"))
        .and_then(|v| match v {
            serde_json::Value::Number(n) => n.as_u64(),
            serde_json::Value::String(s)
                if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) =>
            {
                s.parse().ok()
            }
            _ => None,
        });
    Ok(SvmExact {
        network,
        amount,
        mint,
        pay_to,
        fee_payer,
        memo,
        recent_blockhash,
        last_valid_block_height,
        max_timeout_seconds: req.max_timeout_seconds,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    const DEVNET: &str = "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1";
    const USDC: &str = "4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU";
    const PAY_TO: &str = "2wKupLR9q6wXYppw8Gr2NvWxKBUqm4PPJKkQfoxHDBg4";
    const FEE_PAYER: &str = "EwWqGE4ZFKLofuestmU4LDdK7XM1N4ALgdZccwYugwGd";
    const BLOCKHASH: &str = "EETubP5AKHgjPAhzPAFcb8BAY1hMH639CWCFTqi3hq1k";

    fn v2() -> Value {
        json!({
            "scheme": "exact",
            "network": DEVNET,
            "amount": "1000",
            "asset": USDC,
            "payTo": PAY_TO,
            "maxTimeoutSeconds": 60,
            "extra": {"feePayer": FEE_PAYER},
        })
    }

    fn read_raw(raw: &Value, version: u8) -> Result<SvmExact, Unpayable> {
        read(&Requirement::parse(0, raw, version), &Networks::built_in())
    }

    fn with(mut raw: Value, path: &[&str], value: Value) -> Value {
        let mut at = &mut raw;
        for key in &path[..path.len() - 1] {
            at = &mut at[*key];
        }
        if value.is_null() {
            at.as_object_mut().unwrap().remove(path[path.len() - 1]);
        } else {
            at[path[path.len() - 1]] = value;
        }
        raw
    }

    #[test]
    fn reads_a_v2_option() {
        let r = read_raw(&v2(), 2).unwrap();
        assert_eq!(r.network.name, "solana-devnet");
        assert_eq!(r.amount, 1000);
        assert_eq!(r.mint.to_string(), USDC);
        assert_eq!(r.pay_to.to_string(), PAY_TO);
        assert_eq!(r.fee_payer.to_string(), FEE_PAYER);
        assert_eq!(r.memo, None);
        assert_eq!(r.recent_blockhash, None);
        assert_eq!(r.max_timeout_seconds, Some(60));
    }

    #[test]
    fn reads_a_v1_option_by_name_and_max_amount_required() {
        let raw = json!({
            "scheme": "exact",
            "network": "solana-devnet",
            "maxAmountRequired": "2500",
            "resource": "http://127.0.0.1/x",
            "asset": USDC,
            "payTo": PAY_TO,
            "maxTimeoutSeconds": 60,
            "extra": {"feePayer": FEE_PAYER},
        });
        let r = read_raw(&raw, 1).unwrap();
        assert_eq!((r.network.name.as_str(), r.amount), ("solana-devnet", 2500));
    }

    #[test]
    fn memo_and_blockhash_are_read_as_the_reference_client_reads_them() {
        let raw = with(v2(), &["extra", "memo"], json!("pi_3abc123def456"));
        let raw = with(raw, &["extra", "recentBlockhash"], json!(BLOCKHASH));
        let raw = with(raw, &["extra", "lastValidBlockHeight"], json!("150"));
        let r = read_raw(&raw, 2).unwrap();
        assert_eq!(r.memo.as_deref(), Some("pi_3abc123def456"));
        assert_eq!(r.recent_blockhash.unwrap().to_string(), BLOCKHASH);
        assert_eq!(r.last_valid_block_height, Some(150));
        // A number works too; a negative or fractional one is ignored.
        for (v, want) in [
            (json!(151), Some(151)),
            (json!(-1), None),
            (json!(1.5), None),
            (json!("12a"), None),
        ] {
            let raw = with(v2(), &["extra", "lastValidBlockHeight"], v);
            assert_eq!(read_raw(&raw, 2).unwrap().last_valid_block_height, want);
        }
        // An empty memo is no memo; an invalid blockhash is fetched instead.
        let raw = with(v2(), &["extra", "memo"], json!(""));
        let raw = with(raw, &["extra", "recentBlockhash"], json!("not-a-hash"));
        let r = read_raw(&raw, 2).unwrap();
        assert_eq!((r.memo, r.recent_blockhash), (None, None));
        // Exactly 256 bytes (multi-byte UTF-8 counted in bytes) is allowed, 257 is not.
        let memo = "é".repeat(128);
        let raw = with(v2(), &["extra", "memo"], json!(memo));
        assert_eq!(
            read_raw(&raw, 2).unwrap().memo.as_deref(),
            Some(memo.as_str())
        );
        let raw = with(v2(), &["extra", "memo"], json!(format!("{memo}x")));
        assert_eq!(read_raw(&raw, 2), Err(Unpayable::MemoTooLong(257)));
    }

    #[test]
    fn unpayable_options_say_why() {
        let cases: Vec<(Value, &str)> = vec![
            (with(v2(), &["scheme"], json!("upto")), "scheme 'upto'"),
            (
                with(v2(), &["network"], json!("solana:mainnet")),
                "network 'solana:mainnet'",
            ),
            (
                with(v2(), &["network"], json!("eip155:8453")),
                "not a Solana network",
            ),
            (
                with(v2(), &["amount"], json!("1.5")),
                "amount has a fraction",
            ),
            (
                with(v2(), &["amount"], json!("18446744073709551616")),
                "amount exceeds a Solana token amount",
            ),
            (with(v2(), &["amount"], Value::Null), "amount is missing"),
            (
                with(
                    v2(),
                    &["asset"],
                    json!("0x036CbD53842c5426634e7929541eC2318f3dCF7e"),
                ),
                "asset is not a base58",
            ),
            (with(v2(), &["payTo"], Value::Null), "payTo is missing"),
            (
                with(v2(), &["extra", "feePayer"], Value::Null),
                "extra.feePayer is missing",
            ),
            (
                with(v2(), &["extra"], Value::Null),
                "extra.feePayer is missing",
            ),
            (
                with(v2(), &["extra", "feePayer"], json!(5)),
                "extra.feePayer is not a string",
            ),
            (
                with(v2(), &["extra", "feePayer"], json!("abc")),
                "extra.feePayer is not a base58",
            ),
            (
                with(v2(), &["extra", "memo"], json!(["a"])),
                "extra.memo is not a string",
            ),
        ];
        for (raw, want) in cases {
            let err = read_raw(&raw, 2).unwrap_err().to_string();
            assert!(err.contains(want), "{raw}: {err}");
        }
        // The largest u64 is still an amount.
        let raw = with(v2(), &["amount"], json!("18446744073709551615"));
        assert_eq!(read_raw(&raw, 2).unwrap().amount, u64::MAX);
    }
}
