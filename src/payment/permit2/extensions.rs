//! The gas-sponsoring extensions a v2 server may offer for Permit2 payments, for a payer whose
//! token allowance to Permit2 is missing (coinbase/x402 `specs/extensions/eip2612_gas_sponsoring.md`
//! and `erc20_gas_sponsoring.md`; `@x402/evm` 2.27 `exact/client/eip2612.ts`,
//! `exact/client/erc20approval.ts`, `shared/extensions/gasSponsoring.ts`):
//!
//! * `eip2612GasSponsoring`: an EIP-2612 `permit(owner, Permit2, amount, nonce, deadline)` signed
//!   under the token's own EIP-712 domain; the facilitator submits it with the payment.
//! * `erc20ApprovalGasSponsoring`: a signed, unsent EIP-1559 `approve(Permit2, 2^256-1)`
//!   transaction of the payer; the facilitator funds its gas and broadcasts it first.
//!
//! The client echoes the server's `extensions` and adds its fields to `extensions.<key>.info`,
//! never changing a field the server sent (`x402Client.mergeExtensions`).

use alloy_consensus::TxEip1559;
use alloy_primitives::{Address, B256, Bytes, TxKind, U256, hex};
use alloy_signer_local::PrivateKeySigner;
use alloy_sol_types::{Eip712Domain, SolCall, SolStruct, sol};
use serde_json::{Map, Value};

use super::{PERMIT2_ADDRESS, SignError, Terms, recover_digest, sign_digest};
use crate::evm_tx::{self, Fees};
use crate::payment::exact_evm;

/// `PaymentRequired.extensions` key of the EIP-2612 permit extension.
pub const EIP2612_KEY: &str = "eip2612GasSponsoring";
/// `PaymentRequired.extensions` key of the signed-approval extension.
pub const ERC20_APPROVAL_KEY: &str = "erc20ApprovalGasSponsoring";
/// The `info.version` both extensions' client fields carry.
pub const INFO_VERSION: &str = "1";
/// The gas limit `@x402/evm` signs the approval with (`ERC20_APPROVE_GAS_LIMIT`); the
/// facilitator funds exactly this much gas, so it is fixed rather than estimated.
pub const ERC20_APPROVE_GAS_LIMIT: u64 = 70_000;

sol! {
    /// EIP-2612: `Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)`.
    #[derive(Debug, PartialEq, Eq)]
    struct Permit {
        address owner;
        address spender;
        uint256 value;
        uint256 nonce;
        uint256 deadline;
    }

    function approve(address spender, uint256 amount) external returns (bool);
}

/// An EIP-2612 permit letting Permit2 move `value` of the payer's token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Eip2612Permit {
    pub owner: Address,
    pub token: Address,
    pub chain_id: u64,
    /// The token's EIP-712 domain name and version (`extra.name`, `extra.version`).
    pub name: String,
    pub version: String,
    pub value: U256,
    /// The token's `nonces(owner)`, read just before signing.
    pub nonce: U256,
    pub deadline: u64,
}

impl Eip2612Permit {
    /// The permit for a Permit2 payment: value = the amount (the maximum for `upto`), deadline
    /// = the Permit2 authorization's, as `@x402/evm` signs it. `None` when `extra` did not name
    /// the token's domain.
    pub fn for_payment(
        owner: Address,
        terms: &Terms,
        token_nonce: U256,
        deadline: u64,
    ) -> Option<Self> {
        let (name, version) = terms.token_domain.clone()?;
        Some(Eip2612Permit {
            owner,
            token: terms.token,
            chain_id: terms.chain_id,
            name,
            version,
            value: terms.amount,
            nonce: token_nonce,
            deadline,
        })
    }

    pub fn domain(&self) -> Eip712Domain {
        exact_evm::domain(&self.name, &self.version, self.chain_id, self.token)
    }

    pub fn signing_hash(&self) -> B256 {
        Permit {
            owner: self.owner,
            spender: PERMIT2_ADDRESS,
            value: self.value,
            nonce: self.nonce,
            deadline: U256::from(self.deadline),
        }
        .eip712_signing_hash(&self.domain())
    }

    pub fn sign(&self, signer: &PrivateKeySigner) -> Result<[u8; 65], SignError> {
        sign_digest(signer, &self.signing_hash())
    }

    pub fn recover(&self, signature: &[u8]) -> Result<Address, SignError> {
        recover_digest(&self.signing_hash(), signature)
    }

    /// The client's `info` fields: `from, asset, spender, amount, nonce, deadline, signature,
    /// version`, in `signEip2612Permit`'s order.
    pub fn info(&self, signature: &[u8; 65]) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("from".into(), self.owner.to_checksum(None).into());
        m.insert("asset".into(), self.token.to_checksum(None).into());
        m.insert("spender".into(), PERMIT2_ADDRESS.to_checksum(None).into());
        m.insert("amount".into(), self.value.to_string().into());
        m.insert("nonce".into(), self.nonce.to_string().into());
        m.insert("deadline".into(), self.deadline.to_string().into());
        m.insert("signature".into(), hex::encode_prefixed(signature).into());
        m.insert("version".into(), INFO_VERSION.into());
        m
    }
}

/// `approve(Permit2, 2^256-1)` calldata.
pub fn approve_permit2_calldata() -> Vec<u8> {
    approveCall {
        spender: PERMIT2_ADDRESS,
        amount: U256::MAX,
    }
    .abi_encode()
}

/// The unsigned approval transaction `@x402/evm` signs: to the token, no value, the payer's
/// next `nonce`, `fees`, and [`ERC20_APPROVE_GAS_LIMIT`].
pub fn approval_transaction(token: Address, chain_id: u64, nonce: u64, fees: Fees) -> TxEip1559 {
    TxEip1559 {
        chain_id,
        nonce,
        gas_limit: ERC20_APPROVE_GAS_LIMIT,
        max_fee_per_gas: fees.max_fee_per_gas,
        max_priority_fee_per_gas: fees.max_priority_fee_per_gas,
        to: TxKind::Call(token),
        value: U256::ZERO,
        access_list: Default::default(),
        input: Bytes::from(approve_permit2_calldata()),
    }
}

/// The client's `info` fields for `erc20ApprovalGasSponsoring`: `from, asset, spender,
/// amount (2^256-1), signedTransaction, version`, in `signErc20ApprovalTransaction`'s order.
pub fn erc20_approval_info(
    from: Address,
    token: Address,
    signed_transaction: &[u8],
) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("from".into(), from.to_checksum(None).into());
    m.insert("asset".into(), token.to_checksum(None).into());
    m.insert("spender".into(), PERMIT2_ADDRESS.to_checksum(None).into());
    m.insert("amount".into(), U256::MAX.to_string().into());
    m.insert(
        "signedTransaction".into(),
        hex::encode_prefixed(signed_transaction).into(),
    );
    m.insert("version".into(), INFO_VERSION.into());
    m
}

/// Signs the approval transaction for `terms` with the payer's `nonce` and current `fees`:
/// the `info` fields to echo.
pub fn sign_erc20_approval(
    signer: &PrivateKeySigner,
    terms: &Terms,
    nonce: u64,
    fees: Fees,
) -> Result<Map<String, Value>, evm_tx::TxError> {
    let tx = approval_transaction(terms.token, terms.chain_id, nonce, fees);
    let signed = evm_tx::sign_eip1559(signer, tx)?;
    Ok(erc20_approval_info(
        signer.address(),
        terms.token,
        &signed.raw,
    ))
}

/// The server's `extensions` with `fields` added to `extensions.<key>.info`, keeping every field
/// the server sent (its value wins on a clash, as in `x402Client.mergeExtensions`). `None`
/// when the server did not declare `key` as an object, or its `info` is not an object (the
/// fields would then be lost).
pub fn with_info(extensions: &Value, key: &str, fields: Map<String, Value>) -> Option<Value> {
    let mut ext = extensions.clone();
    let info = ext
        .get_mut(key)?
        .as_object_mut()?
        .entry("info")
        .or_insert_with(|| Value::Object(Map::new()))
        .as_object_mut()?;
    for (k, v) in fields {
        info.entry(k).or_insert(v);
    }
    Some(ext)
}
