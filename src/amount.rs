//! Money amounts.
//!
//! Inside the program an amount is always an integer in the asset's base units (`U256`); it is
//! shown as a decimal with the symbol (`0.001 USDC`). What a user types (`0.05`, `$0.05`,
//! `0.05usdc`) is a [`UserAmount`]: an exact decimal that becomes base units only once the
//! asset's decimals are known, so a cap means the same thing for a 6- and an 18-decimal token.

use alloy_primitives::U256;
use std::fmt;
use std::str::FromStr;

/// Unit suffixes a user may write after a number. All the stablecoins the tool knows are
/// dollar tokens, so `$`, `usd` and `usdc` all read as "token units".
const UNIT_WORDS: [&str; 2] = ["usdc", "usd"];

/// A plain integer at or above this, with no decimal point and no unit, is refused: some x402
/// clients take `--max-amount` in base units, so `100000` could mean 0.10 or 100,000 USDC.
const AMBIGUOUS_INTEGER: u64 = 1000;

/// An exact decimal amount in token units, as typed by a user or written in config.toml.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserAmount {
    /// All digits, without the decimal point.
    mantissa: U256,
    /// How many of those digits are after the point.
    scale: u32,
    text: String,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AmountError {
    #[error("'{0}' is not an amount (expected token units such as 0.05, $0.05 or 0.05usdc)")]
    Invalid(String),
    #[error(
        "'{0}' is ambiguous: write it in token units with a point or a unit (e.g. {0}.00 or {0}usdc); base units are not accepted"
    )]
    Ambiguous(String),
    #[error("'{0}' has more decimal places than the asset ({1})")]
    TooPrecise(String, u8),
    #[error("'{0}' is too large")]
    TooLarge(String),
}

impl FromStr for UserAmount {
    type Err = AmountError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let invalid = || AmountError::Invalid(input.to_string());
        let mut s = input.trim();
        let mut has_unit = false;
        if let Some(rest) = s.strip_prefix('$') {
            s = rest.trim_start();
            has_unit = true;
        }
        let lower = s.to_ascii_lowercase();
        for word in UNIT_WORDS {
            if let Some(rest) = lower.strip_suffix(word) {
                if has_unit {
                    return Err(invalid());
                }
                s = s[..rest.len()].trim_end();
                has_unit = true;
                break;
            }
        }
        let (int_part, frac_part) = match s.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (s, None),
        };
        let all_digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
        if !all_digits(int_part)
            || !frac_part.is_none_or(all_digits)
            || (int_part.is_empty() && frac_part.is_none_or(str::is_empty))
        {
            return Err(invalid());
        }
        let frac = frac_part.unwrap_or("");
        if frac_part.is_none() && !has_unit {
            let too_big = int_part.len() > 18
                || int_part.parse::<u64>().map_err(|_| invalid())? >= AMBIGUOUS_INTEGER;
            if too_big {
                return Err(AmountError::Ambiguous(input.trim().to_string()));
            }
        }
        let digits = format!("{int_part}{frac}");
        let mantissa = U256::from_str_radix(if digits.is_empty() { "0" } else { &digits }, 10)
            .map_err(|_| AmountError::TooLarge(input.to_string()))?;
        Ok(Self {
            mantissa,
            scale: frac.len() as u32,
            text: input.trim().to_string(),
        })
    }
}

impl UserAmount {
    /// This amount in base units of an asset with `decimals` decimals.
    pub fn to_base_units(&self, decimals: u8) -> Result<U256, AmountError> {
        let decimals = u32::from(decimals);
        if self.scale > decimals {
            // 0.050 is fine for a 2-decimal asset: only non-zero extra digits are refused.
            let extra = U256::from(10u8).pow(U256::from(self.scale - decimals));
            if self.mantissa % extra != U256::ZERO {
                return Err(AmountError::TooPrecise(self.text.clone(), decimals as u8));
            }
            return Ok(self.mantissa / extra);
        }
        let factor = U256::from(10u8).pow(U256::from(decimals - self.scale));
        self.mantissa
            .checked_mul(factor)
            .ok_or_else(|| AmountError::TooLarge(self.text.clone()))
    }
}

impl fmt::Display for UserAmount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// `base` base units of a `decimals`-decimal asset as a decimal string: trailing zeros trimmed,
/// but at least two places when the asset has them (`2.50`, `0.001`, `0.00`).
pub fn format_units(base: U256, decimals: u8) -> String {
    let digits = base.to_string();
    let decimals = usize::from(decimals);
    if decimals == 0 {
        return digits;
    }
    let padded = format!("{digits:0>width$}", width = decimals + 1);
    let (int_part, frac_part) = padded.split_at(padded.len() - decimals);
    let mut frac = frac_part.trim_end_matches('0').to_string();
    while frac.len() < 2.min(decimals) {
        frac.push('0');
    }
    format!("{int_part}.{frac}")
}

/// `format_units` with the symbol: `0.001 USDC`.
pub fn display(base: U256, decimals: u8, symbol: &str) -> String {
    format!("{} {symbol}", format_units(base, decimals))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(s: &str, decimals: u8) -> Result<U256, AmountError> {
        s.parse::<UserAmount>()?.to_base_units(decimals)
    }

    #[test]
    fn parses_token_units() {
        assert_eq!(base("0.05", 6), Ok(U256::from(50_000)));
        assert_eq!(base("$0.05", 6), Ok(U256::from(50_000)));
        assert_eq!(base("0.05usdc", 6), Ok(U256::from(50_000)));
        assert_eq!(base("0.05 USDC", 6), Ok(U256::from(50_000)));
        assert_eq!(base("2.5", 6), Ok(U256::from(2_500_000)));
        assert_eq!(base(".5", 6), Ok(U256::from(500_000)));
        assert_eq!(base("1", 6), Ok(U256::from(1_000_000)));
        assert_eq!(base("5", 18), Ok(U256::from(5u128 * 10u128.pow(18))));
        assert_eq!(base("100000usdc", 6), Ok(U256::from(100_000_000_000u64)));
        assert_eq!(base("0.0500", 2), Ok(U256::from(5)));
    }

    #[test]
    fn refuses_ambiguous_and_bad_input() {
        assert!(matches!(base("100000", 6), Err(AmountError::Ambiguous(_))));
        assert!(matches!(base("1000", 6), Err(AmountError::Ambiguous(_))));
        for bad in [
            "", ".", "-1", "1e3", "1,000.00", "0.05 ETH", "$$1", "$1usdc", "0x10", "1.2.3",
        ] {
            assert!(
                matches!(base(bad, 6), Err(AmountError::Invalid(_))),
                "{bad}"
            );
        }
        assert!(matches!(
            base("0.0000001", 6),
            Err(AmountError::TooPrecise(..))
        ));
        let huge = format!("{}.0", "9".repeat(80));
        assert!(matches!(base(&huge, 6), Err(AmountError::TooLarge(_))));
    }

    #[test]
    fn formats_base_units() {
        assert_eq!(format_units(U256::from(1000), 6), "0.001");
        assert_eq!(format_units(U256::from(2_500_000), 6), "2.50");
        assert_eq!(format_units(U256::ZERO, 6), "0.00");
        assert_eq!(format_units(U256::from(123_456_789), 6), "123.456789");
        assert_eq!(format_units(U256::from(7), 0), "7");
        assert_eq!(display(U256::from(10_000), 6, "USDC"), "0.01 USDC");
    }
}
