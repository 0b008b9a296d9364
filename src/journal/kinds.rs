//! The scheme-neutral parts of a journal record: how its money moves ([`Transfer`]), under which
//! x402 scheme ([`SchemeName`]), and its EVM ids parsed ([`EvmParties`]). Pure
//! types; depends on nothing but `alloy_primitives` and `serde`.

use alloy_primitives::Address;
use serde::{Deserialize, Serialize};

/// The EVM parties of a record whose ids are EVM addresses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EvmParties {
    pub asset: Address,
    pub pay_to: Address,
    pub payer: Address,
}

/// The x402 scheme a record was paid under. Unknown names (a newer version's) are kept.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum SchemeName {
    #[default]
    Exact,
    Upto,
    Other(String),
}

impl SchemeName {
    pub fn as_str(&self) -> &str {
        match self {
            SchemeName::Exact => "exact",
            SchemeName::Upto => "upto",
            SchemeName::Other(s) => s,
        }
    }

    pub(super) fn is_default(&self) -> bool {
        *self == SchemeName::Exact
    }
}

impl From<String> for SchemeName {
    fn from(s: String) -> Self {
        match s.as_str() {
            "exact" => SchemeName::Exact,
            "upto" => SchemeName::Upto,
            _ => SchemeName::Other(s),
        }
    }
}

impl From<SchemeName> for String {
    fn from(s: SchemeName) -> Self {
        s.as_str().to_string()
    }
}

/// How a record's money moves, which decides how `history check` asks the chain. Unknown names
/// (a newer version's) are kept, shown and counted, never checked.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum Transfer {
    /// EIP-3009 `transferWithAuthorization`.
    #[default]
    Eip3009,
    /// Uniswap Permit2 `permitWitnessTransferFrom` through an x402 proxy.
    Permit2,
    /// A Solana SPL `TransferChecked` transaction.
    Svm,
    Other(String),
}

impl Transfer {
    pub fn as_str(&self) -> &str {
        match self {
            Transfer::Eip3009 => "eip3009",
            Transfer::Permit2 => "permit2",
            Transfer::Svm => "svm",
            Transfer::Other(s) => s,
        }
    }

    pub(super) fn is_default(&self) -> bool {
        *self == Transfer::Eip3009
    }
}

impl From<String> for Transfer {
    fn from(s: String) -> Self {
        match s.as_str() {
            "eip3009" => Transfer::Eip3009,
            "permit2" => Transfer::Permit2,
            "svm" => Transfer::Svm,
            _ => Transfer::Other(s),
        }
    }
}

impl From<Transfer> for String {
    fn from(t: Transfer) -> Self {
        t.as_str().to_string()
    }
}

impl std::fmt::Display for Transfer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
