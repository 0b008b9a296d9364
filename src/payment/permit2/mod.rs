//! The EVM Permit2 payment: `exact` with `extra.assetTransferMethod: "permit2"` (tokens without
//! EIP-3009) and the `upto` scheme (usage-priced, always Permit2). Reading such a requirement,
//! the EIP-712 `PermitWitnessTransferFrom` typed data, signing it with a local key, the
//! `payload` JSON of the payment header, and what to do when the payer has not let Permit2 move
//! the token yet ([`decide`]).
//!
//! Wire rules: coinbase/x402 `specs/schemes/exact/scheme_exact_evm.md` (Permit2 section),
//! `specs/schemes/upto/scheme_upto_evm.md`, and `@x402/evm` 2.27.0
//! (`shared/permit2.ts::createPermit2PayloadForProxy`, `upto/client/permit2.ts`,
//! `constants.ts::permit2WitnessTypes` / `uptoPermit2WitnessTypes`). Uniswap's Permit2
//! verifies the signature (`SignatureTransfer.permitWitnessTransferFrom`); the x402 proxy it is
//! signed for checks the witness.
//!
//! Pure functions, as the rest of [`crate::payment`]: the on-chain reads are in [`chain`], the
//! gas-sponsoring extensions in [`extensions`], what the chain says of a payment made in
//! [`check`] (its pieces in [`logs`] and `verdict`), and cancelling an open one in [`cancel`].

pub mod cancel;
pub mod chain;
pub mod check;
pub mod extensions;
pub mod logs;
mod verdict;

use alloy_primitives::{Address, B256, Signature, U256, address, hex};
use alloy_signer_local::PrivateKeySigner;
use alloy_sol_types::{Eip712Domain, SolStruct};
use serde_json::{Value, json};

use super::challenge::{Challenge, Problem, Requirement};
use super::exact_evm::VALID_AFTER_BACKDATE_SECS;

/// Uniswap's canonical Permit2 (the same address on every EVM chain).
pub const PERMIT2_ADDRESS: Address = address!("0x000000000022D473030F116dDEE9F6B43aC78BA3");
/// `x402ExactPermit2Proxy`: the spender of an `exact` Permit2 payment (CREATE2, every chain).
pub const EXACT_PROXY: Address = address!("0x402085c248EeA27D92E8b30b2C58ed07f9E20001");
/// `x402UptoPermit2Proxy`: the spender of an `upto` payment.
pub const UPTO_PROXY: Address = address!("0x4020A4f3b7b90ccA423B9fabCc0CE57C6C240002");

/// The reason a v2 server gives, with HTTP 412, when the payer's Permit2 allowance is missing.
pub const ALLOWANCE_REQUIRED_REASON: &str = "permit2_allowance_required";

/// The `exact` typed data: witness `Witness(address to,uint256 validAfter)`.
mod exact_types {
    alloy_sol_types::sol! {
        #[derive(Debug, PartialEq, Eq)]
        struct TokenPermissions {
            address token;
            uint256 amount;
        }
        #[derive(Debug, PartialEq, Eq)]
        struct Witness {
            address to;
            uint256 validAfter;
        }
        #[derive(Debug, PartialEq, Eq)]
        struct PermitWitnessTransferFrom {
            TokenPermissions permitted;
            address spender;
            uint256 nonce;
            uint256 deadline;
            Witness witness;
        }
    }
}

/// The `upto` typed data: witness `Witness(address to,address facilitator,uint256 validAfter)`.
/// Same type names as [`exact_types`], so a module of its own.
mod upto_types {
    alloy_sol_types::sol! {
        #[derive(Debug, PartialEq, Eq)]
        struct TokenPermissions {
            address token;
            uint256 amount;
        }
        #[derive(Debug, PartialEq, Eq)]
        struct Witness {
            address to;
            address facilitator;
            uint256 validAfter;
        }
        #[derive(Debug, PartialEq, Eq)]
        struct PermitWitnessTransferFrom {
            TokenPermissions permitted;
            address spender;
            uint256 nonce;
            uint256 deadline;
            Witness witness;
        }
    }
}

/// Which Permit2 payment a requirement asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `exact`: exactly `amount` moves, through [`EXACT_PROXY`].
    Exact,
    /// `upto`: at most `amount` moves, through [`UPTO_PROXY`], settled only by `facilitator`
    /// (the server's `extra.facilitatorAddress`).
    Upto { facilitator: Address },
}

impl Kind {
    /// The proxy the permit names as spender.
    pub fn spender(self) -> Address {
        match self {
            Kind::Exact => EXACT_PROXY,
            Kind::Upto { .. } => UPTO_PROXY,
        }
    }

    pub fn scheme(self) -> &'static str {
        match self {
            Kind::Exact => "exact",
            Kind::Upto { .. } => "upto",
        }
    }
}

/// A payable Permit2 requirement, read and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Terms {
    /// Position in `accepts`.
    pub index: usize,
    pub kind: Kind,
    pub chain_id: u64,
    /// The token (`asset`).
    pub token: Address,
    /// `exact`: the price. `upto`: the maximum, which is the amount at risk.
    pub amount: U256,
    pub pay_to: Address,
    pub max_timeout_seconds: u64,
    /// The token's own EIP-712 domain `(name, version)` from `extra`, which servers include
    /// only for EIP-2612 tokens; needed for the `eip2612GasSponsoring` extension.
    pub token_domain: Option<(String, String)>,
}

/// Why a requirement cannot be paid with Permit2.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Permit2Error {
    #[error("scheme {scheme:?} is not paid with permit2 (only exact and upto)")]
    UnsupportedScheme { scheme: String },
    #[error("network {network:?} is not an evm network")]
    UnsupportedNetwork { network: String },
    #[error("asset transfer method {method:?} is not permit2")]
    NotPermit2 { method: String },
    #[error(
        "the upto option names no facilitator (extra.facilitatorAddress): without it the \
         authorization could be settled by anyone"
    )]
    MissingFacilitator,
    #[error("extra.facilitatorAddress {value:?} is not a valid, non-zero evm address")]
    BadFacilitator { value: String },
    #[error("payment requirement {index} is malformed: {}", join_problems(.problems))]
    InvalidRequirement {
        index: usize,
        problems: Vec<Problem>,
    },
}

fn join_problems(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// Whether a requirement is one for this module: `upto` on any EVM chain, or `exact` with
/// `extra.assetTransferMethod: "permit2"`.
pub fn is_permit2(requirement: &Requirement) -> bool {
    match requirement.scheme.as_deref() {
        Some("upto") => true,
        Some("exact") => requirement.extra_str("assetTransferMethod") == Some("permit2"),
        _ => false,
    }
}

/// Reads a Permit2 requirement (`exact` + `assetTransferMethod: "permit2"`, or `upto`), refusing
/// anything that cannot be signed safely, with the reason.
///
/// `upto` must name `extra.facilitatorAddress`: the upto proxy lets only that address settle,
/// and `@x402/evm` refuses without it too. An `upto` option may leave `assetTransferMethod`
/// out (it is Permit2 by definition, and the TS client does not look), but may not name
/// another method.
pub fn read_requirement(requirement: &Requirement) -> Result<Terms, Permit2Error> {
    let scheme = requirement.scheme.as_deref().unwrap_or_default();
    let method = requirement.extra_str("assetTransferMethod");
    let kind_is_upto = match scheme {
        "exact" => false,
        "upto" => true,
        other => {
            return Err(Permit2Error::UnsupportedScheme {
                scheme: other.to_owned(),
            });
        }
    };
    match (kind_is_upto, method) {
        (_, Some("permit2")) | (true, None) => {}
        (_, other) => {
            return Err(Permit2Error::NotPermit2 {
                method: other.unwrap_or("eip3009").to_owned(),
            });
        }
    }
    if !requirement.problems.iter().all(|p| p.advisory) {
        return Err(Permit2Error::InvalidRequirement {
            index: requirement.index,
            problems: requirement
                .problems
                .iter()
                .filter(|p| !p.advisory)
                .cloned()
                .collect(),
        });
    }
    let (true, Some(chain_id)) = (requirement.is_evm(), requirement.chain_id()) else {
        return Err(Permit2Error::UnsupportedNetwork {
            network: requirement.network.clone().unwrap_or_default(),
        });
    };
    let kind = if kind_is_upto {
        Kind::Upto {
            facilitator: upto_facilitator(requirement)?,
        }
    } else {
        Kind::Exact
    };
    let incomplete = || Permit2Error::InvalidRequirement {
        index: requirement.index,
        problems: vec![Problem::new("accepts", "lacks a field needed to sign")],
    };
    let token = requirement.asset_address().ok_or_else(incomplete)?;
    let pay_to = requirement.pay_to_address().ok_or_else(incomplete)?;
    let amount = requirement.amount_u256().ok_or_else(incomplete)?;
    let max_timeout_seconds = requirement
        .max_timeout_seconds
        .filter(|&s| s > 0)
        .ok_or_else(incomplete)?;
    let token_domain = match (
        requirement.extra_str("name"),
        requirement.extra_str("version"),
    ) {
        (Some(n), Some(v)) if !n.is_empty() && !v.is_empty() => Some((n.to_owned(), v.to_owned())),
        _ => None,
    };
    Ok(Terms {
        index: requirement.index,
        kind,
        chain_id,
        token,
        amount,
        pay_to,
        max_timeout_seconds,
        token_domain,
    })
}

/// The `upto` requirement's `extra.facilitatorAddress`: the only address its proxy lets settle.
fn upto_facilitator(requirement: &Requirement) -> Result<Address, Permit2Error> {
    match requirement
        .extra
        .as_ref()
        .and_then(|e| e.get("facilitatorAddress"))
    {
        None | Some(Value::Null) => Err(Permit2Error::MissingFacilitator),
        Some(value) => value
            .as_str()
            .and_then(|s| super::challenge::check_evm_address(s).ok())
            .filter(|a| !a.is_zero())
            .ok_or_else(|| Permit2Error::BadFacilitator {
                value: value
                    .as_str()
                    .map_or_else(|| value.to_string(), str::to_owned),
            }),
    }
}

/// One Permit2 witness transfer authorization: `from` lets `spender` (an x402 proxy) move up to
/// `amount` of `token` once, to `to`, from `valid_after` until `deadline` (Unix seconds), under
/// the unordered Permit2 `nonce`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Authorization {
    pub from: Address,
    pub kind: Kind,
    pub token: Address,
    pub amount: U256,
    pub nonce: U256,
    pub deadline: u64,
    pub to: Address,
    pub valid_after: u64,
}

impl Authorization {
    pub fn spender(&self) -> Address {
        self.kind.spender()
    }

    /// `hashStruct(message)` and the EIP-712 digest under [`domain`].
    pub fn signing_hash(&self, chain_id: u64) -> B256 {
        let domain = domain(chain_id);
        match self.kind {
            Kind::Exact => exact_types::PermitWitnessTransferFrom {
                permitted: exact_types::TokenPermissions {
                    token: self.token,
                    amount: self.amount,
                },
                spender: self.spender(),
                nonce: self.nonce,
                deadline: U256::from(self.deadline),
                witness: exact_types::Witness {
                    to: self.to,
                    validAfter: U256::from(self.valid_after),
                },
            }
            .eip712_signing_hash(&domain),
            Kind::Upto { facilitator } => upto_types::PermitWitnessTransferFrom {
                permitted: upto_types::TokenPermissions {
                    token: self.token,
                    amount: self.amount,
                },
                spender: self.spender(),
                nonce: self.nonce,
                deadline: U256::from(self.deadline),
                witness: upto_types::Witness {
                    to: self.to,
                    facilitator,
                    validAfter: U256::from(self.valid_after),
                },
            }
            .eip712_signing_hash(&domain),
        }
    }
}

/// Permit2's EIP-712 domain: `{name: "Permit2", chainId, verifyingContract: Permit2}`, with no
/// `version` (type `EIP712Domain(string name,uint256 chainId,address verifyingContract)`).
pub fn domain(chain_id: u64) -> Eip712Domain {
    Eip712Domain::new(
        Some("Permit2".into()),
        None,
        Some(U256::from(chain_id)),
        Some(PERMIT2_ADDRESS),
        None,
    )
}

/// A fresh random Permit2 nonce (`createPermit2Nonce`: 32 random bytes as a uint256).
pub fn new_nonce() -> U256 {
    U256::from_be_bytes(B256::random().0)
}

/// The authorization for `terms`, signed by `from` at `now`: deadline `now +
/// maxTimeoutSeconds` (the permit is a bearer instrument for the proxy until then),
/// `validAfter` ten minutes back as for EIP-3009 (see
/// [`super::exact_evm::new_authorization`]; `@x402/evm` 2.27 sends `"0"`, which the proxies
/// accept just as well), and a fresh random nonce. Saturating arithmetic.
pub fn new_authorization(from: Address, terms: &Terms, now: u64) -> Authorization {
    Authorization {
        from,
        kind: terms.kind,
        token: terms.token,
        amount: terms.amount,
        nonce: new_nonce(),
        deadline: now.saturating_add(terms.max_timeout_seconds),
        to: terms.pay_to,
        valid_after: now.saturating_sub(VALID_AFTER_BACKDATE_SECS),
    }
}

/// Why signing failed.
#[derive(Debug, thiserror::Error)]
pub enum SignError {
    #[error("signing failed")]
    Signing {
        #[source]
        source: alloy_signer::Error,
    },
    #[error("signature is malformed")]
    Signature {
        #[source]
        source: alloy_primitives::SignatureError,
    },
}

/// Signs a 32-byte digest; `r ‖ s ‖ v` with `v` in {27, 28}, as viem produces.
pub(crate) fn sign_digest(signer: &PrivateKeySigner, hash: &B256) -> Result<[u8; 65], SignError> {
    super::sign::sign_digest_bytes(signer, hash).map_err(|source| SignError::Signing { source })
}

/// The address whose key produced `signature` over `hash`.
pub(crate) fn recover_digest(hash: &B256, signature: &[u8]) -> Result<Address, SignError> {
    Signature::from_raw(signature)
        .and_then(|s| s.recover_address_from_prehash(hash))
        .map_err(|source| SignError::Signature { source })
}

pub fn sign(
    signer: &PrivateKeySigner,
    authorization: &Authorization,
    chain_id: u64,
) -> Result<[u8; 65], SignError> {
    sign_digest(signer, &authorization.signing_hash(chain_id))
}

pub fn recover(
    authorization: &Authorization,
    chain_id: u64,
    signature: &[u8],
) -> Result<Address, SignError> {
    recover_digest(&authorization.signing_hash(chain_id), signature)
}

/// The scheme payload, as `@x402/evm` sends it: `{"signature","permit2Authorization":{"from",
/// "permitted":{"token","amount"},"spender","nonce","deadline","witness":{"to",["facilitator",]
/// "validAfter"}}}`, EIP-55 addresses, numbers (the nonce too) as decimal strings.
pub fn payload_json(authorization: &Authorization, signature: &[u8; 65]) -> Value {
    let a = authorization;
    let witness = match a.kind {
        Kind::Exact => json!({
            "to": a.to.to_checksum(None),
            "validAfter": a.valid_after.to_string(),
        }),
        Kind::Upto { facilitator } => json!({
            "to": a.to.to_checksum(None),
            "facilitator": facilitator.to_checksum(None),
            "validAfter": a.valid_after.to_string(),
        }),
    };
    json!({
        "signature": hex::encode_prefixed(signature),
        "permit2Authorization": {
            "from": a.from.to_checksum(None),
            "permitted": {
                "token": a.token.to_checksum(None),
                "amount": a.amount.to_string(),
            },
            "spender": a.spender().to_checksum(None),
            "nonce": a.nonce.to_string(),
            "deadline": a.deadline.to_string(),
            "witness": witness,
        },
    })
}

/// A signed Permit2 authorization and its payload JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct Signed {
    pub authorization: Authorization,
    pub signature: [u8; 65],
    pub payload: Value,
}

/// Builds, signs and serialises the authorization for `terms` (from [`read_requirement`]).
/// Amount caps and the payee are the caller's policy, judged before this is called.
pub fn authorize(signer: &PrivateKeySigner, terms: &Terms, now: u64) -> Result<Signed, SignError> {
    let authorization = new_authorization(signer.address(), terms, now);
    let signature = sign(signer, &authorization, terms.chain_id)?;
    Ok(Signed {
        payload: payload_json(&authorization, &signature),
        authorization,
        signature,
    })
}

/// The gas-sponsoring extensions a 402 offers (`extensions.<key>` present as an object).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sponsoring {
    pub eip2612: bool,
    pub erc20_approval: bool,
}

impl Sponsoring {
    pub fn offered(challenge_extensions: Option<&Value>) -> Self {
        let has = |key| {
            challenge_extensions
                .and_then(|e| e.get(key))
                .is_some_and(Value::is_object)
        };
        Sponsoring {
            eip2612: has(extensions::EIP2612_KEY),
            erc20_approval: has(extensions::ERC20_APPROVAL_KEY),
        }
    }
}

/// How a Permit2 payment gets its allowance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Approval {
    /// `allowance(payer, Permit2)` already covers the amount: a plain Permit2 payment.
    Sufficient,
    /// Sign an EIP-2612 permit for Permit2 and send it in `eip2612GasSponsoring`.
    Eip2612,
    /// Sign an `approve(Permit2, max)` transaction and send it in
    /// `erc20ApprovalGasSponsoring`; the facilitator pays its gas and broadcasts it.
    Erc20Approval,
}

/// The payer has not let Permit2 move the token, and the server offers no way around it. Refused
/// before signing (or, `server_said`, by the server after the permit was sent: the caller then
/// says what became of it); fixed by `x402 wallet approve`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the wallet has not approved Permit2 to move {token} on chain {chain_id} ({})\
     {}. Approve it once with `x402 wallet approve --network \
     eip155:{chain_id} --asset {token} --amount AMOUNT` (or `--unlimited`), then pay again",
    match .allowance {
        Some(a) => format!("allowance {a}, {needed} needed, in base units"),
        None => "the server answered permit2_allowance_required".to_owned(),
    },
    if *.server_said { "" } else { ", and the server offers no gas-sponsored approval; nothing was signed" }
)]
pub struct AllowanceRequired {
    pub chain_id: u64,
    pub token: Address,
    /// What the chain said, when it was read.
    pub allowance: Option<U256>,
    pub needed: U256,
    /// The refusal came from the server's 412 `permit2_allowance_required`, not from our read.
    pub server_said: bool,
}

/// What to do before signing a Permit2 payment, from the payer's current `allowance(payer,
/// Permit2)`: enough → plain; else the server's `eip2612GasSponsoring` when offered and `extra`
/// names the token's EIP-712 domain (the permit cannot be signed without it); else its
/// `erc20ApprovalGasSponsoring`; else [`AllowanceRequired`]. The order is `@x402/evm`'s.
pub fn decide(
    terms: &Terms,
    allowance: U256,
    sponsoring: Sponsoring,
) -> Result<Approval, AllowanceRequired> {
    if allowance >= terms.amount {
        return Ok(Approval::Sufficient);
    }
    if sponsoring.eip2612 && terms.token_domain.is_some() {
        return Ok(Approval::Eip2612);
    }
    if sponsoring.erc20_approval {
        return Ok(Approval::Erc20Approval);
    }
    Err(AllowanceRequired {
        chain_id: terms.chain_id,
        token: terms.token,
        allowance: Some(allowance),
        needed: terms.amount,
        server_said: false,
    })
}

/// A server's answer to a Permit2 payment that says the allowance is missing: HTTP 412 with a
/// `PAYMENT-REQUIRED` whose `error` is `permit2_allowance_required` (`@x402/core`'s resource
/// server). Reported as [`AllowanceRequired`], never retried: paying again cannot help until
/// the allowance exists.
pub fn allowance_required_answer(
    status: u16,
    answer: &Challenge,
    terms: &Terms,
) -> Option<AllowanceRequired> {
    (status == 412 && answer.error.as_deref() == Some(ALLOWANCE_REQUIRED_REASON)).then_some(
        AllowanceRequired {
            chain_id: terms.chain_id,
            token: terms.token,
            allowance: None,
            needed: terms.amount,
            server_said: true,
        },
    )
}

#[cfg(test)]
mod tests;
