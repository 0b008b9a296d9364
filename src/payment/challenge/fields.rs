//! Checks of single values in a requirement: atomic amounts, EVM and Solana addresses, CAIP-2
//! ids and v1 network names, and reading a string field with the departure it makes.
//!
//! May use [`super::Problem`] and the network table (`crate::network`) for the v1 names;
//! nothing else.

use alloy_primitives::{Address, U256};
use serde_json::{Map, Value};

use super::Problem;
use crate::network::{v1_evm_chain_id, v1_solana_caip2};

/// Largest number of decimal digits a uint256 can have (2^256 - 1 has 78).
const MAX_UINT256_DIGITS: usize = 78;

const BASE58_ALPHABET: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/// Network families that decide how `payTo` and `asset` are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Family {
    Evm,
    Solana,
    Other,
}

pub(crate) fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Need {
    /// Required, must be a non-empty string.
    NonEmpty,
    /// Required, may be `""`.
    Present,
    /// Optional (absent or `null` is fine).
    Optional,
}

pub(super) fn string_field(
    obj: &Map<String, Value>,
    key: &str,
    need: Need,
    problems: &mut Vec<Problem>,
) -> Option<String> {
    match obj.get(key) {
        None | Some(Value::Null) if need == Need::Optional => None,
        None => {
            problems.push(Problem::new(key, "is missing"));
            None
        }
        Some(Value::String(s)) => {
            if s.is_empty() && need == Need::NonEmpty {
                problems.push(Problem::new(key, "is empty"));
            }
            Some(s.clone())
        }
        Some(other) => {
            problems.push(Problem::new(
                key,
                format!("must be a string, not {}", json_type(other)),
            ));
            None
        }
    }
}

/// Checks an atomic amount: a non-negative decimal integer string that fits a uint256.
pub fn check_amount(s: &str) -> Result<U256, &'static str> {
    if s.is_empty() {
        return Err("is empty");
    }
    if s.starts_with(['+', '-']) {
        return Err("has a sign; must be a non-negative decimal integer");
    }
    if s.contains(['e', 'E'])
        && s.bytes()
            .all(|b| b.is_ascii_digit() || b"eE.+-".contains(&b))
    {
        return Err("uses exponent notation; must be plain decimal digits");
    }
    if s.contains('.') {
        return Err("has a fraction; must be an integer in atomic units");
    }
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err("is not a decimal integer");
    }
    if s.len() > 1 && s.starts_with('0') {
        return Err("has leading zeros");
    }
    if s.len() > MAX_UINT256_DIGITS {
        return Err("has more than 78 digits");
    }
    U256::from_str_radix(s, 10).map_err(|_| "exceeds the uint256 range")
}

/// Checks an EVM address: `0x` + 40 hex digits, and if the letters are in mixed case, the
/// EIP-55 checksum must match (all-lowercase and all-uppercase carry no checksum).
pub fn check_evm_address(s: &str) -> Result<Address, &'static str> {
    const SHAPE: &str = "must be a 0x-prefixed 20-byte hex address";
    let Some(hex) = s.strip_prefix("0x") else {
        return Err(SHAPE);
    };
    if hex.len() != 40 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(SHAPE);
    }
    let address: Address = s.parse().map_err(|_| SHAPE)?;
    let lower = hex.bytes().any(|b| b.is_ascii_lowercase());
    let upper = hex.bytes().any(|b| b.is_ascii_uppercase());
    if lower && upper && address.to_checksum(None) != s {
        return Err("has a wrong eip-55 checksum");
    }
    Ok(address)
}

pub(super) fn check_base58_address(s: &str) -> Result<(), &'static str> {
    if (32..=44).contains(&s.len()) && s.bytes().all(|b| BASE58_ALPHABET.contains(&b)) {
        Ok(())
    } else {
        Err("must be a base58 solana address")
    }
}

/// CAIP-2 (`namespace:reference`), per the CAIP-2 grammar: namespace `[-a-z0-9]{3,8}`,
/// reference `[-_a-zA-Z0-9]{1,32}`.
pub(super) fn check_caip2(s: &str) -> Result<(), &'static str> {
    const SHAPE: &str = "must be a caip-2 id (namespace:reference, e.g. eip155:8453)";
    let Some((namespace, reference)) = s.split_once(':') else {
        return Err(SHAPE);
    };
    let ns_ok = (3..=8).contains(&namespace.len())
        && namespace
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    let ref_ok = (1..=32).contains(&reference.len())
        && reference
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !(ns_ok && ref_ok) {
        return Err(SHAPE);
    }
    if namespace == "eip155" && eip155_chain_id(reference).is_none() {
        return Err("must have a decimal chain id after eip155:");
    }
    Ok(())
}

pub(super) fn eip155_chain_id(reference: &str) -> Option<u64> {
    if reference.is_empty()
        || !reference.bytes().all(|b| b.is_ascii_digit())
        || (reference.len() > 1 && reference.starts_with('0'))
    {
        return None;
    }
    reference.parse::<u64>().ok().filter(|id| *id != 0)
}

pub(super) fn check_v1_network(s: &str) -> Result<(), &'static str> {
    if s.contains(':') {
        return Err("is a caip-2 id, but x402 v1 uses network names such as base-sepolia");
    }
    let slug = !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !slug {
        return Err("is not a v1 network name (lowercase letters, digits and dashes)");
    }
    if v1_evm_chain_id(s).is_some() || v1_solana_caip2(s).is_some() {
        Ok(())
    } else {
        Err("is not a known x402 v1 network name")
    }
}
