//! The EVM `exact` scheme with EIP-3009 `TransferWithAuthorization` (USDC and friends):
//! EIP-712 domain and digest, the validity window, signing with a local key, and the
//! `payload` JSON that goes into the payment header (EIP-3009, EIP-712, and coinbase/x402
//! `specs/schemes/exact/scheme_exact_evm.md`).
//!
//! Takes an already unlocked [`PrivateKeySigner`]; never opens keystores, prompts or prints.
//! Which requirement may be signed, and with which domain, is the policy's judgement
//! ([`super::policy::evaluate`]); [`super::sign_payment`] then builds the payment from these
//! parts. Permit2 (`extra.assetTransferMethod: "permit2"`) is [`super::permit2`].

use alloy_primitives::{Address, B256, U256, hex};
use alloy_signer_local::PrivateKeySigner;
use alloy_sol_types::{Eip712Domain, SolStruct, sol};
use serde_json::{Value, json};

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

/// Why an EIP-3009 authorization could not be signed or its signature read.
#[derive(Debug, thiserror::Error)]
pub enum ExactEvmError {
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
    #[error("{network} is not an EIP-3009 option on an EVM network")]
    UnsupportedNetwork { network: String },
}

/// The EIP-712 domain an EIP-3009 quote is signed in, with the payee: `None` for a quote of
/// another scheme or family.
pub fn quote_domain(quote: &crate::payment::policy::Quote) -> Option<(Eip712Domain, Address)> {
    use crate::network::Chain;
    use crate::payment::policy::Scheme;
    let (
        Scheme::Eip3009 {
            asset,
            pay_to,
            domain_name,
            domain_version,
        },
        Chain::Evm(network),
    ) = (&quote.scheme, &quote.network)
    else {
        return None;
    };
    let d = domain(domain_name, domain_version, network.chain_id, asset.address);
    Some((d, *pay_to))
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
    super::sign::sign_digest_bytes(signer, &signing_hash(authorization, domain))
        .map_err(|source| ExactEvmError::Signing { source })
}

/// The address that produced a 65-byte signature over this authorization and domain.
/// Used to double-check our own signatures, and by tests acting as a server.
pub fn recover(
    authorization: &Authorization,
    domain: &Eip712Domain,
    signature: &[u8],
) -> Result<Address, ExactEvmError> {
    super::sign::recover_digest(&signing_hash(authorization, domain), signature)
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

#[cfg(test)]
mod tests {
    use alloy_primitives::{address, b256, keccak256};

    use super::*;
    use crate::network::Networks;
    use crate::payment::challenge::{Challenge, parse_payment_required};
    use crate::payment::policy::{self, Quote};
    use crate::payment::test_vectors::*;
    use crate::payment::{SignedPayment, sign_payment};

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

    /// The spec's v2 challenge with its one option replaced by `accept`.
    fn spec_challenge_with(accept: &str) -> Challenge {
        let doc = SPEC_V2_PAYMENT_REQUIRED_JSON.replace(SPEC_V2_ACCEPTED_JSON, accept);
        let b64 = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, doc);
        parse_payment_required(&header_map(&[hdr("PAYMENT-REQUIRED", &b64)]), b"{}")
            .expect("challenge parses")
    }

    /// What the tool signs for a challenge's first option: the policy's quote, then
    /// [`crate::payment::sign_payment`], the one signing path.
    fn pay_first(challenge: &Challenge, now: u64) -> Result<(Quote, SignedPayment), String> {
        let quote = policy::evaluate(
            &challenge.accepts[0],
            challenge.version,
            &Networks::built_in(),
        )?;
        let signed = sign_payment(challenge, &quote, &signer(), now).expect("signs");
        Ok((quote, signed))
    }

    /// The payload the payment header carries.
    fn sent_payload(signed: &SignedPayment) -> Value {
        let bytes = base64::Engine::decode(
            &base64::engine::general_purpose::STANDARD,
            &signed.header_value,
        )
        .expect("base64");
        serde_json::from_slice::<Value>(&bytes).expect("JSON")["payload"].clone()
    }

    fn sent_signature(signed: &SignedPayment) -> [u8; 65] {
        hex65(
            sent_payload(signed)["signature"]
                .as_str()
                .expect("signature"),
        )
    }

    fn quote_domain(q: &Quote) -> Eip712Domain {
        super::quote_domain(q).expect("an EIP-3009 quote").0
    }

    #[test]
    fn the_payment_path_signs_the_spec_requirement() {
        let challenge = spec_challenge_with(SPEC_V2_ACCEPTED_JSON);
        let now = 1_740_672_000;
        let (quote, signed) = pay_first(&challenge, now).expect("payable");
        assert_eq!(quote_domain(&quote), base_sepolia());
        let a = signed.authorization;
        assert_eq!(a.from, signer().address());
        assert_eq!(a.to, PAY_TO.parse::<Address>().expect("address"));
        assert_eq!(a.value, U256::from(10_000u64));
        assert_eq!((a.valid_after, a.valid_before), (now - 600, now + 60));
        let signature = sent_signature(&signed);
        assert_eq!(
            recover(&a, &base_sepolia(), &signature).expect("recovers"),
            signer().address()
        );
        assert_eq!(sent_payload(&signed), payload_json(&a, &signature));
    }

    #[test]
    fn the_payment_path_signs_a_v1_requirement_with_the_v1_chain() {
        let challenge = parse_payment_required(&Default::default(), SPEC_V1_BODY.as_bytes())
            .expect("v1 body parses");
        let (quote, signed) = pay_first(&challenge, 1_740_672_000).expect("payable");
        assert_eq!(quote_domain(&quote), base_sepolia());
        assert_eq!(
            recover(
                &signed.authorization,
                &base_sepolia(),
                &sent_signature(&signed)
            )
            .expect("recovers"),
            signer().address()
        );
    }

    /// What cannot be signed as EIP-3009 `exact` never reaches the signing step: the policy
    /// refuses it. A requirement without `extra.name` is signed with the known token's own
    /// domain, never with one the server made up.
    #[test]
    fn the_payment_path_refuses_what_it_cannot_sign() {
        let refused = |accept: String, why: &str| {
            let err = pay_first(&spec_challenge_with(&accept), 0).expect_err("refused");
            assert!(err.contains(why), "{err}");
        };
        // Permit2 is judged into its own scheme, never signed as EIP-3009.
        let permit2 = spec_challenge_with(&SPEC_V2_ACCEPTED_JSON.replace(
            r#""version":"2"}"#,
            r#""version":"2","assetTransferMethod":"permit2"}"#,
        ));
        let quote = policy::evaluate(&permit2.accepts[0], 2, &Networks::built_in()).unwrap();
        assert!(matches!(quote.scheme, policy::Scheme::Permit2(_)));
        assert!(crate::payment::exact_evm::quote_domain(&quote).is_none());
        refused(
            SPEC_V2_ACCEPTED_JSON.replace("exact", "upto"),
            "names no facilitator",
        );
        refused(
            SPEC_V2_ACCEPTED_JSON.replace("eip155:84532", "cosmos:hub-4"),
            "not a known EVM network",
        );
        refused(
            SPEC_V2_ACCEPTED_JSON.replace(":60,", ":0,"),
            "maxTimeoutSeconds",
        );
        let no_name = spec_challenge_with(&SPEC_V2_ACCEPTED_JSON.replace(r#""name":"USDC","#, ""));
        let (quote, _) = pay_first(&no_name, 0).expect("payable with the token's own domain");
        assert_eq!(quote_domain(&quote), base_sepolia());
    }
}
