//! The EVM `exact` scheme with EIP-3009 `TransferWithAuthorization` (USDC and friends):
//! EIP-712 domain and digest, the validity window, signing with a local key, and the
//! `payload` JSON that goes into the payment header (EIP-3009, EIP-712, and coinbase/x402
//! `specs/schemes/exact/scheme_exact_evm.md`).
//!
//! Takes an already unlocked [`PrivateKeySigner`]; never opens keystores, prompts or prints.
//! Permit2 (`extra.assetTransferMethod: "permit2"`) is not implemented here and is refused.

use alloy_primitives::{Address, B256, Signature, U256, hex};
use alloy_signer::SignerSync;
use alloy_signer_local::PrivateKeySigner;
use alloy_sol_types::{Eip712Domain, SolStruct, sol};
use serde_json::{Value, json};

use super::challenge::{Problem, Requirement};

sol! {
    /// EIP-3009 message. Field names and order are the EIP-712 type string:
    /// `TransferWithAuthorization(address from,address to,uint256 value,uint256 validAfter,uint256 validBefore,bytes32 nonce)`
    /// (`@x402/evm` `authorizationTypes`).
    #[derive(Debug, PartialEq, Eq)]
    struct TransferWithAuthorization {
        address from;
        address to;
        uint256 value;
        uint256 validAfter;
        uint256 validBefore;
        bytes32 nonce;
    }
}

/// How far back `validAfter` is dated, in seconds. See [`new_authorization`].
pub const VALID_AFTER_BACKDATE_SECS: u64 = 600;

/// One EIP-3009 authorization: `from` lets `to` pull `value` atomic units once, between
/// `valid_after` and `valid_before` (Unix seconds, both exclusive on-chain), under `nonce`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Authorization {
    pub from: Address,
    pub to: Address,
    pub value: U256,
    pub valid_after: u64,
    pub valid_before: u64,
    pub nonce: B256,
}

impl Authorization {
    fn message(&self) -> TransferWithAuthorization {
        TransferWithAuthorization {
            from: self.from,
            to: self.to,
            value: self.value,
            validAfter: U256::from(self.valid_after),
            validBefore: U256::from(self.valid_before),
            nonce: self.nonce,
        }
    }
}

/// A signed authorization and the `payload` JSON to put in the payment header.
#[derive(Debug, Clone, PartialEq)]
pub struct SignedAuthorization {
    pub authorization: Authorization,
    pub domain: Eip712Domain,
    /// `r ‖ s ‖ v`, `v` in {27, 28}.
    pub signature: [u8; 65],
    /// [`payload_json`] of the above.
    pub payload: Value,
}

/// Why a requirement could not be turned into a signed EIP-3009 authorization.
#[derive(Debug, thiserror::Error)]
pub enum ExactEvmError {
    #[error("scheme {scheme:?} is not supported (only exact)")]
    UnsupportedScheme { scheme: String },
    #[error("network {network:?} is not a supported evm network")]
    UnsupportedNetwork { network: String },
    #[error("asset transfer method {method:?} is not supported (only eip3009)")]
    UnsupportedTransferMethod { method: String },
    #[error("payment requirement {index} is malformed: {}", join_problems(.problems))]
    InvalidRequirement {
        index: usize,
        problems: Vec<Problem>,
    },
    #[error("signing the authorization failed")]
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

fn join_problems(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// The token's EIP-712 domain `{name, version, chainId, verifyingContract}`, in the type
/// `EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)`.
pub fn domain(
    name: &str,
    version: &str,
    chain_id: u64,
    verifying_contract: Address,
) -> Eip712Domain {
    Eip712Domain::new(
        Some(name.to_owned().into()),
        Some(version.to_owned().into()),
        Some(U256::from(chain_id)),
        Some(verifying_contract),
        None,
    )
}

/// The domain a requirement asks us to sign for: `extra.name`, `extra.version`, the chain of
/// `network`, and `asset` as verifying contract (as `signEIP3009Authorization` in `@x402/evm`).
///
/// The values are server input. A caller should compare them with its own token table
/// before signing: a wrong name only yields an invalid signature, but a different token the
/// wallet also holds would really be spent.
pub fn domain_for(requirement: &Requirement) -> Result<Eip712Domain, ExactEvmError> {
    check_supported(requirement)?;
    let (Some(name), Some(version), Some(chain_id), Some(asset)) = (
        requirement.extra_str("name"),
        requirement.extra_str("version"),
        requirement.chain_id(),
        requirement.asset_address(),
    ) else {
        return Err(incomplete(requirement));
    };
    Ok(domain(name, version, chain_id, asset))
}

/// EIP-712 digest: `keccak256(0x1901 ‖ domainSeparator ‖ hashStruct(message))`.
pub fn signing_hash(authorization: &Authorization, domain: &Eip712Domain) -> B256 {
    authorization.message().eip712_signing_hash(domain)
}

/// Builds an authorization valid from `now - 600` to `now + max_timeout_seconds`, with a
/// fresh random nonce.
///
/// * `validAfter = now - 600`: the TS v1 client (`@x402/evm` `exact/v1/client/scheme.ts`,
///   "10 minutes before"), the legacy `x402` package (`preparePaymentHeader`), Python and Go
///   all backdate by ten minutes, so a client clock running ahead of the chain does not
///   produce an authorization that is "not yet valid" (`block.timestamp > validAfter` is
///   checked on-chain and by facilitators). `@x402/evm` 2.27.0's v2 client sends `"0"`
///   instead; both pass facilitator checks, and a bounded backdate reveals less than "any
///   time since 1970" while tolerating the same skew in practice.
/// * `validBefore = now + maxTimeoutSeconds`: what the TS v1/v2 and legacy clients do. The
///   signed authorization is a bearer instrument until then (EIP-3009 lets anyone who holds it
///   call `transferWithAuthorization`), so the window is the server's stated timeout and no
///   longer (Go's v2 client uses a fixed hour).
/// * `nonce`: 32 random bytes (`createNonce` in `@x402/evm`, `os.urandom(32)` in Python).
///   Uniqueness per (authorizer, nonce) is enforced on-chain and is what makes every
///   payment independently settleable exactly once.
///
/// Arithmetic saturates, so absurd inputs cannot panic.
pub fn new_authorization(
    from: Address,
    to: Address,
    value: U256,
    now: u64,
    max_timeout_seconds: u64,
) -> Authorization {
    Authorization {
        from,
        to,
        value,
        valid_after: now.saturating_sub(VALID_AFTER_BACKDATE_SECS),
        valid_before: now.saturating_add(max_timeout_seconds),
        nonce: B256::random(),
    }
}

/// Signs the authorization's EIP-712 digest. Returns `r ‖ s ‖ v` with `v` in {27, 28},
/// the form viem produces and facilitators expect.
pub fn sign(
    signer: &PrivateKeySigner,
    authorization: &Authorization,
    domain: &Eip712Domain,
) -> Result<[u8; 65], ExactEvmError> {
    let hash = signing_hash(authorization, domain);
    let signature = signer
        .sign_hash_sync(&hash)
        .map_err(|source| ExactEvmError::Signing { source })?;
    Ok(signature.as_bytes())
}

/// The address that produced a 65-byte signature over this authorization and domain.
/// Used to double-check our own signatures, and by tests acting as a server.
pub fn recover(
    authorization: &Authorization,
    domain: &Eip712Domain,
    signature: &[u8],
) -> Result<Address, ExactEvmError> {
    let signature =
        Signature::from_raw(signature).map_err(|source| ExactEvmError::Signature { source })?;
    signature
        .recover_address_from_prehash(&signing_hash(authorization, domain))
        .map_err(|source| ExactEvmError::Signature { source })
}

/// The scheme payload: `{"authorization":{from,to,value,validAfter,validBefore,nonce},
/// "signature":"0x…"}` with EIP-55 addresses, numbers as decimal strings, nonce and signature
/// as lowercase `0x` hex. Key order as the TS client emits it (`createEIP3009Payload`).
pub fn payload_json(authorization: &Authorization, signature: &[u8; 65]) -> Value {
    json!({
        "authorization": {
            "from": authorization.from.to_checksum(None),
            "to": authorization.to.to_checksum(None),
            "value": authorization.value.to_string(),
            "validAfter": authorization.valid_after.to_string(),
            "validBefore": authorization.valid_before.to_string(),
            "nonce": hex::encode_prefixed(authorization.nonce),
        },
        "signature": hex::encode_prefixed(signature),
    })
}

/// Everything at once for one requirement: refuses anything malformed or unsupported, then
/// builds, signs and serialises the authorization for `signer` at time `now` (Unix seconds).
///
/// This does not judge the amount, the payee or the token; that is the caller's policy,
/// which must run before this is called.
pub fn authorize(
    signer: &PrivateKeySigner,
    requirement: &Requirement,
    now: u64,
) -> Result<SignedAuthorization, ExactEvmError> {
    let domain = domain_for(requirement)?;
    let (Some(to), Some(value), Some(max_timeout)) = (
        requirement.pay_to_address(),
        requirement.amount_u256(),
        requirement.max_timeout_seconds,
    ) else {
        return Err(incomplete(requirement));
    };
    let authorization = new_authorization(signer.address(), to, value, now, max_timeout);
    let signature = sign(signer, &authorization, &domain)?;
    let payload = payload_json(&authorization, &signature);
    Ok(SignedAuthorization {
        authorization,
        domain,
        signature,
        payload,
    })
}

fn check_supported(requirement: &Requirement) -> Result<(), ExactEvmError> {
    if !requirement.problems.is_empty() {
        return Err(ExactEvmError::InvalidRequirement {
            index: requirement.index,
            problems: requirement.problems.clone(),
        });
    }
    let scheme = requirement.scheme.as_deref().unwrap_or_default();
    if scheme != "exact" {
        return Err(ExactEvmError::UnsupportedScheme {
            scheme: scheme.to_owned(),
        });
    }
    if !requirement.is_evm() || requirement.chain_id().is_none() {
        return Err(ExactEvmError::UnsupportedNetwork {
            network: requirement.network.clone().unwrap_or_default(),
        });
    }
    let method = requirement.transfer_method();
    if method != "eip3009" {
        return Err(ExactEvmError::UnsupportedTransferMethod {
            method: method.to_owned(),
        });
    }
    Ok(())
}

/// A requirement without problems always has these fields; this is the belt to that brace.
fn incomplete(requirement: &Requirement) -> ExactEvmError {
    ExactEvmError::InvalidRequirement {
        index: requirement.index,
        problems: vec![Problem::new("accepts", "lacks a field needed to sign")],
    }
}

#[cfg(test)]
mod tests {
    use alloy_primitives::{address, b256, keccak256};

    use super::*;
    use crate::payment::challenge::parse_payment_required;
    use crate::payment::test_vectors::*;

    fn signer() -> PrivateKeySigner {
        ANVIL_KEY.parse().expect("anvil key parses")
    }

    fn base_sepolia() -> Eip712Domain {
        domain(
            "USDC",
            "2",
            84532,
            address!("0x036CbD53842c5426634e7929541eC2318f3dCF7e"),
        )
    }

    fn base() -> Eip712Domain {
        domain(
            "USD Coin",
            "2",
            8453,
            address!("0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913"),
        )
    }

    /// The v2 spec example's authorization (same payee, value, window and nonce) with anvil
    /// key #0 as `from`, re-signed by that key; the expected hashes and signatures below are
    /// what viem's `hashTypedData` / `signTypedData` give for the same inputs.
    fn vector_authorization() -> Authorization {
        Authorization {
            from: address!("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"),
            to: address!("0x209693Bc6afc0C5328bA36FaF03C514EF312287C"),
            value: U256::from(10_000u64),
            valid_after: SPEC_VALID_AFTER,
            valid_before: SPEC_VALID_BEFORE,
            nonce: b256!("0xf3746613c2d920b5fdabc0856f2aeb2d4f88ee6037b8cc5d04a71a4462f13480"),
        }
    }

    fn hex65(s: &str) -> [u8; 65] {
        let bytes = hex::decode(s).expect("hex");
        bytes.try_into().expect("65 bytes")
    }

    #[test]
    fn type_strings_and_hashes_match_the_protocol() {
        assert_eq!(
            TransferWithAuthorization::eip712_encode_type(),
            "TransferWithAuthorization(address from,address to,uint256 value,uint256 validAfter,uint256 validBefore,bytes32 nonce)"
        );
        assert_eq!(
            vector_authorization().message().eip712_type_hash(),
            b256!("0x7c7c6cdb67a18743f49ec6fa9b35f50d52ed05cbed4cc592e13b44501c1a2267")
        );
        assert_eq!(
            base_sepolia().encode_type(),
            "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
        );
        assert_eq!(
            keccak256(base_sepolia().encode_type()),
            b256!("0x8b73c3c69bb8fe3d512ecc4cf759cc79239f7b179b0ffacaa9a75d522b39400f")
        );
        assert_eq!(
            vector_authorization().message().eip712_hash_struct(),
            b256!("0xb2438b1b8298f6129feb7c6a96cb5bee12d7e8ba27c7c27cde803071ebdc42e8")
        );
    }

    #[test]
    fn base_sepolia_vector() {
        let d = base_sepolia();
        assert_eq!(
            d.separator(),
            b256!("0x71f17a3b2ff373b803d70a5a07c046c1a2bc8e89c09ef722fcb047abe94c9818")
        );
        let auth = vector_authorization();
        assert_eq!(
            signing_hash(&auth, &d),
            b256!("0x50708d3bf7216e1aeabe7bf22081b9f36c7c287530f92510318f13a03d89dc86")
        );
        let sig = sign(&signer(), &auth, &d).expect("signs");
        assert_eq!(
            hex::encode_prefixed(sig),
            "0xdc53a4a579de989368a0fae2ef2172ff2f474b4297013f865d171239f17ef4c3157b4b4030f1bebc53d55ace15c2377dff501a60e1e56c291f1000d6e78f082f1b"
        );
        assert_eq!(sig[64], 27);
        assert_eq!(
            recover(&auth, &d, &sig).expect("recovers"),
            signer().address()
        );
    }

    #[test]
    fn base_mainnet_vector() {
        let d = base();
        assert_eq!(
            d.separator(),
            b256!("0x02fa7265e7c5d81118673727957699e4d68f74cd74b7db77da710fe8a2c7834f")
        );
        let auth = vector_authorization();
        assert_eq!(
            signing_hash(&auth, &d),
            b256!("0x7e9613714edd92ad20fa5b252ec168245031911a3438dd20225f083b6a688f8a")
        );
        let sig = sign(&signer(), &auth, &d).expect("signs");
        assert_eq!(
            hex::encode_prefixed(sig),
            "0xa70a7d235fd4218a3ed6625525892efed6fd1ac6a193ba612bb9da921620bce74885a8f7f56d2dc2f46005b7d6a089ae3469455a911004b6c4a6ab600677f56c1c"
        );
        assert_eq!(sig[64], 28);
    }

    /// Anvil key #0 over the Base Sepolia USDC domain with round values (validAfter 0,
    /// validBefore 1900000000, nonce 0x01 x 32); the expected hash and signature are what
    /// viem's `hashTypedData` / `signTypedData` give for the same inputs.
    #[test]
    fn anvil0_golden_vector() {
        let auth = Authorization {
            from: signer().address(),
            to: address!("0x209693Bc6afc0C5328bA36FaF03C514EF312287C"),
            value: U256::from(10_000u64),
            valid_after: 0,
            valid_before: 1_900_000_000,
            nonce: B256::repeat_byte(0x01),
        };
        let d = base_sepolia();
        assert_eq!(
            signing_hash(&auth, &d),
            b256!("0xeb6f574be63c41a7ef5e078d12ed1df1004d62a11a701b1761269d4b2100e52d")
        );
        assert_eq!(
            hex::encode_prefixed(sign(&signer(), &auth, &d).expect("signs")),
            "0x303a4888ed5a541ba5c3a65b808c0530b320bbd885fdf456041083cd00aa688811b403472029b341240eab4a1f003212e5529584273abff921dbf2ff8a2845981b"
        );
    }

    #[test]
    fn spec_signature_recovers_only_with_the_base_sepolia_domain() {
        let auth = Authorization {
            from: SPEC_FROM.parse().expect("address"),
            ..vector_authorization()
        };
        let sig = hex65(SPEC_SIGNATURE);
        let spec_from: Address = SPEC_FROM.parse().expect("address");
        assert_eq!(
            recover(&auth, &base_sepolia(), &sig).expect("recovers"),
            spec_from
        );
        assert_ne!(recover(&auth, &base(), &sig).expect("recovers"), spec_from);
        let usd_coin_on_sepolia = domain(
            "USD Coin",
            "2",
            84532,
            address!("0x036CbD53842c5426634e7929541eC2318f3dCF7e"),
        );
        assert_ne!(
            recover(&auth, &usd_coin_on_sepolia, &sig).expect("recovers"),
            spec_from
        );
        // A changed message field no longer recovers to the payer either.
        let more = Authorization {
            value: U256::from(10_001u64),
            ..auth
        };
        assert_ne!(
            recover(&more, &base_sepolia(), &sig).expect("recovers"),
            spec_from
        );
    }

    #[test]
    fn recover_rejects_malformed_signatures() {
        let auth = vector_authorization();
        assert!(matches!(
            recover(&auth, &base_sepolia(), &[0u8; 64]),
            Err(ExactEvmError::Signature { .. })
        ));
        let mut bad_v = hex65(SPEC_SIGNATURE);
        bad_v[64] = 5;
        assert!(matches!(
            recover(&auth, &base_sepolia(), &bad_v),
            Err(ExactEvmError::Signature { .. })
        ));
    }

    #[test]
    fn new_authorization_window_and_nonce() {
        let from = signer().address();
        let to: Address = PAY_TO.parse().expect("address");
        let a = new_authorization(from, to, U256::from(5u64), 1_000_000, 60);
        assert_eq!(a.valid_after, 1_000_000 - 600);
        assert_eq!(a.valid_before, 1_000_060);
        assert_eq!((a.from, a.to, a.value), (from, to, U256::from(5u64)));
        let b = new_authorization(from, to, U256::from(5u64), 1_000_000, 60);
        assert_ne!(a.nonce, b.nonce, "every authorization gets a fresh nonce");
        assert_ne!(a.nonce, B256::ZERO);
        // saturating at both ends
        let early = new_authorization(from, to, U256::ZERO, 10, u64::MAX);
        assert_eq!((early.valid_after, early.valid_before), (0, u64::MAX));
    }

    #[test]
    fn payload_json_is_exactly_the_wire_shape() {
        let auth = vector_authorization();
        let sig = sign(&signer(), &auth, &base_sepolia()).expect("signs");
        assert_eq!(
            payload_json(&auth, &sig).to_string(),
            concat!(
                r#"{"authorization":{"from":"0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266","#,
                r#""to":"0x209693Bc6afc0C5328bA36FaF03C514EF312287C","value":"10000","#,
                r#""validAfter":"1740672089","validBefore":"1740672154","#,
                r#""nonce":"0xf3746613c2d920b5fdabc0856f2aeb2d4f88ee6037b8cc5d04a71a4462f13480"},"#,
                r#""signature":"0xdc53a4a579de989368a0fae2ef2172ff2f474b4297013f865d171239f17ef4c3157b4b4030f1bebc53d55ace15c2377dff501a60e1e56c291f1000d6e78f082f1b"}"#
            )
        );
        // Addresses come out checksummed even when built from lowercase input.
        let lower = Authorization {
            to: "0x209693bc6afc0c5328ba36faf03c514ef312287c"
                .parse()
                .expect("address"),
            ..auth
        };
        assert_eq!(payload_json(&lower, &sig)["authorization"]["to"], PAY_TO);
    }

    fn spec_challenge_with(accept: &str) -> Requirement {
        let doc = SPEC_V2_PAYMENT_REQUIRED_JSON.replace(SPEC_V2_ACCEPTED_JSON, accept);
        let b64 = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, doc);
        parse_payment_required(&[hdr("PAYMENT-REQUIRED", &b64)], b"{}")
            .expect("challenge parses")
            .accepts
            .remove(0)
    }

    #[test]
    fn authorize_signs_the_spec_requirement() {
        let req = spec_challenge_with(SPEC_V2_ACCEPTED_JSON);
        let now = 1_740_672_000;
        let signed = authorize(&signer(), &req, now).expect("signs");
        assert_eq!(signed.domain, base_sepolia());
        let a = signed.authorization;
        assert_eq!(a.from, signer().address());
        assert_eq!(a.to, PAY_TO.parse::<Address>().expect("address"));
        assert_eq!(a.value, U256::from(10_000u64));
        assert_eq!((a.valid_after, a.valid_before), (now - 600, now + 60));
        assert_eq!(
            recover(&a, &base_sepolia(), &signed.signature).expect("recovers"),
            signer().address()
        );
        assert_eq!(signed.payload, payload_json(&a, &signed.signature));
    }

    #[test]
    fn authorize_signs_a_v1_requirement_with_the_v1_chain() {
        let challenge =
            parse_payment_required(&[], SPEC_V1_BODY.as_bytes()).expect("v1 body parses");
        let signed = authorize(&signer(), &challenge.accepts[0], 1_740_672_000).expect("signs");
        assert_eq!(signed.domain, base_sepolia());
    }

    #[test]
    fn authorize_refuses_what_it_cannot_sign() {
        let s = signer();
        let permit2 = spec_challenge_with(&SPEC_V2_ACCEPTED_JSON.replace(
            r#""version":"2"}"#,
            r#""version":"2","assetTransferMethod":"permit2"}"#,
        ));
        assert!(matches!(
            authorize(&s, &permit2, 0),
            Err(ExactEvmError::UnsupportedTransferMethod { method }) if method == "permit2"
        ));
        let upto = spec_challenge_with(&SPEC_V2_ACCEPTED_JSON.replace("exact", "upto"));
        assert!(matches!(
            authorize(&s, &upto, 0),
            Err(ExactEvmError::UnsupportedScheme { scheme }) if scheme == "upto"
        ));
        let other_chain =
            spec_challenge_with(&SPEC_V2_ACCEPTED_JSON.replace("eip155:84532", "cosmos:hub-4"));
        assert!(matches!(
            authorize(&s, &other_chain, 0),
            Err(ExactEvmError::UnsupportedNetwork { .. })
        ));
        let no_name = spec_challenge_with(&SPEC_V2_ACCEPTED_JSON.replace(r#""name":"USDC","#, ""));
        let err = authorize(&s, &no_name, 0).expect_err("no domain name");
        assert!(matches!(
            &err,
            ExactEvmError::InvalidRequirement { index: 0, .. }
        ));
        assert!(err.to_string().contains("extra.name is missing"), "{err}");
        let zero_timeout = spec_challenge_with(&SPEC_V2_ACCEPTED_JSON.replace(":60,", ":0,"));
        assert!(matches!(
            authorize(&s, &zero_timeout, 0),
            Err(ExactEvmError::InvalidRequirement { .. })
        ));
    }
}
