//! Vectors: the eight exchanges of `@x402/fetch` 2.27 with the official server and facilitator
//! in tests/fixtures/permit2-wire (each payload's digest must recover to its `from`, and the
//! payload and extension JSON rebuilt from the parsed fields must equal what was sent, byte for
//! byte), and signatures of anvil key #1 over the same messages as viem 2.57 makes them.

use alloy_consensus::{SignableTransaction, TxEip1559};
use alloy_eips::eip2718::Encodable2718;
use alloy_primitives::{Signature, address, b256, keccak256};
use base64::Engine as _;
use serde_json::{Map, Value};

use crate::evm_tx::Fees;

use super::extensions::*;
use super::*;
use crate::payment::challenge::{Challenge, parse_payment_required};
use crate::payment::test_vectors::{hdr, header_map};

const WIRE: [(&str, &str); 8] = [
    (
        "1",
        include_str!("../../../tests/fixtures/permit2-wire/1-exact-permit2-no-allowance.json"),
    ),
    (
        "1b",
        include_str!("../../../tests/fixtures/permit2-wire/1b-upto-permit2-no-allowance.json"),
    ),
    (
        "2",
        include_str!("../../../tests/fixtures/permit2-wire/2-exact-permit2-after-approve.json"),
    ),
    (
        "3",
        include_str!("../../../tests/fixtures/permit2-wire/3-upto-permit2.json"),
    ),
    (
        "4",
        include_str!("../../../tests/fixtures/permit2-wire/4-exact-permit2-eip2612.json"),
    ),
    (
        "5",
        include_str!("../../../tests/fixtures/permit2-wire/5-upto-permit2-eip2612.json"),
    ),
    (
        "6",
        include_str!("../../../tests/fixtures/permit2-wire/6-exact-permit2-erc20approval.json"),
    ),
    (
        "7",
        include_str!("../../../tests/fixtures/permit2-wire/7-upto-permit2-erc20approval.json"),
    ),
];

const ANVIL1_KEY: &str = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

struct Run {
    name: &'static str,
    challenge: Challenge,
    /// The decoded `PAYMENT-SIGNATURE` the official client sent.
    sent: Value,
    /// The answer to it: status and decoded `PAYMENT-REQUIRED` (for the 412s).
    answer_status: u16,
    answer: Option<Challenge>,
}

fn challenge_of(doc: &Value) -> Challenge {
    let b64 = base64::engine::general_purpose::STANDARD.encode(doc.to_string());
    parse_payment_required(&header_map(&[hdr("PAYMENT-REQUIRED", &b64)]), b"{}")
        .expect("challenge parses")
}

fn runs() -> Vec<Run> {
    WIRE.iter()
        .map(|(name, text)| {
            let doc: Value = serde_json::from_str(text).expect("capture is JSON");
            let first = &doc["http"][0]["response"];
            assert_eq!(first["status"], 402, "{name}");
            let second = &doc["http"][1];
            let answer_status = second["response"]["status"].as_u64().unwrap() as u16;
            Run {
                name,
                challenge: challenge_of(&first["paymentRequired"]),
                sent: second["request"]["paymentSignature"].clone(),
                answer_status,
                answer: second["response"].get("paymentRequired").map(challenge_of),
            }
        })
        .collect()
}

fn addr(v: &Value) -> Address {
    v.as_str().expect("string").parse().expect("address")
}

fn num(v: &Value) -> U256 {
    v.as_str().expect("string").parse().expect("decimal")
}

fn sig65(v: &Value) -> [u8; 65] {
    hex::decode(v.as_str().expect("string"))
        .expect("hex")
        .try_into()
        .expect("65 bytes")
}

/// The authorization a captured payload carries, with the kind read from its requirement.
fn captured_authorization(terms: &Terms, payload: &Value) -> Authorization {
    let a = &payload["permit2Authorization"];
    Authorization {
        from: addr(&a["from"]),
        kind: terms.kind,
        token: addr(&a["permitted"]["token"]),
        amount: num(&a["permitted"]["amount"]),
        nonce: num(&a["nonce"]),
        deadline: num(&a["deadline"]).to::<u64>(),
        to: addr(&a["witness"]["to"]),
        valid_after: num(&a["witness"]["validAfter"]).to::<u64>(),
    }
}

#[test]
fn type_strings_and_hashes_match_the_protocol() {
    assert_eq!(
        exact_types::PermitWitnessTransferFrom::eip712_encode_type(),
        "PermitWitnessTransferFrom(TokenPermissions permitted,address spender,uint256 nonce,\
         uint256 deadline,Witness witness)TokenPermissions(address token,uint256 amount)\
         Witness(address to,uint256 validAfter)"
    );
    assert_eq!(
        keccak256(exact_types::PermitWitnessTransferFrom::eip712_encode_type().as_bytes()),
        b256!("0xebc156cd23678a74c94df13d772ef5478420637f0c94bd10d509e1dc98f521c7")
    );
    assert_eq!(
        upto_types::PermitWitnessTransferFrom::eip712_encode_type(),
        "PermitWitnessTransferFrom(TokenPermissions permitted,address spender,uint256 nonce,\
         uint256 deadline,Witness witness)TokenPermissions(address token,uint256 amount)\
         Witness(address to,address facilitator,uint256 validAfter)"
    );
    assert_eq!(
        keccak256(upto_types::PermitWitnessTransferFrom::eip712_encode_type().as_bytes()),
        b256!("0x51dff6974ad4388c499e7fcfe838d2bd767162553a144098ce20ea661d70c2ee")
    );
    assert_eq!(
        domain(84532).encode_type(),
        "EIP712Domain(string name,uint256 chainId,address verifyingContract)"
    );
    assert_eq!(
        Permit::eip712_encode_type(),
        "Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"
    );
}

#[test]
fn every_captured_payload_recovers_to_its_payer_and_is_rebuilt_byte_for_byte() {
    for run in runs() {
        let req = &run.challenge.accepts[0];
        assert!(is_permit2(req), "{}", run.name);
        let terms = read_requirement(req).unwrap_or_else(|e| panic!("{}: {e}", run.name));
        let payload = &run.sent["payload"];
        let auth = captured_authorization(&terms, payload);
        // What we would sign for these terms, apart from the random nonce and the clock.
        assert_eq!(auth.token, terms.token, "{}", run.name);
        assert_eq!(auth.amount, terms.amount, "{}", run.name);
        assert_eq!(auth.to, terms.pay_to, "{}", run.name);
        assert_eq!(
            auth.spender(),
            addr(&payload["permit2Authorization"]["spender"])
        );
        let signature = sig65(&payload["signature"]);
        assert_eq!(
            recover(&auth, terms.chain_id, &signature).unwrap(),
            auth.from,
            "{}: our digest differs from the official client's",
            run.name
        );
        let rebuilt = payload_json(&auth, &signature);
        assert_eq!(&rebuilt, payload, "{}", run.name);
        assert_eq!(
            rebuilt.to_string(),
            payload.to_string(),
            "{}: key order",
            run.name
        );
        // The rest of the header: the option echoed as sent, the resource.
        assert_eq!(run.sent["accepted"], req.raw, "{}", run.name);
    }
}

#[test]
fn requirements_read_as_the_captures_say() {
    let runs = runs();
    let exact = read_requirement(&runs[2].challenge.accepts[0]).unwrap();
    assert_eq!(
        exact,
        Terms {
            index: 0,
            kind: Kind::Exact,
            chain_id: 84532,
            token: address!("0xDc64a140Aa3E981100a9becA4E685f962f0cF6C9"),
            amount: U256::from(1000u64),
            pay_to: address!("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"),
            max_timeout_seconds: 300,
            token_domain: None,
        }
    );
    let upto = read_requirement(&runs[5].challenge.accepts[0]).unwrap();
    assert_eq!(
        upto.kind,
        Kind::Upto {
            facilitator: address!("0x70997970C51812dc3A010C7d01b50e0d17dc79C8")
        }
    );
    assert_eq!(upto.kind.spender(), UPTO_PROXY);
    assert_eq!(upto.amount, U256::from(2000u64), "the maximum");
    assert_eq!(
        upto.token_domain,
        Some(("Permit USD".to_owned(), "1".to_owned()))
    );
    assert_eq!(
        Sponsoring::offered(runs[5].challenge.extensions.as_ref()),
        Sponsoring {
            eip2612: true,
            erc20_approval: false
        }
    );
    assert_eq!(
        Sponsoring::offered(runs[6].challenge.extensions.as_ref()),
        Sponsoring {
            eip2612: false,
            erc20_approval: true
        }
    );
    assert_eq!(
        Sponsoring::offered(runs[2].challenge.extensions.as_ref()),
        Sponsoring::default()
    );
}

fn with_accept(run: &Run, edit: impl FnOnce(&mut Value)) -> Requirement {
    let mut doc = run.challenge.raw.clone();
    edit(&mut doc["accepts"][0]);
    challenge_of(&doc).accepts.remove(0)
}

#[test]
fn refuses_what_it_cannot_sign_with_the_reason() {
    let runs = runs();
    let (exact, upto) = (&runs[2], &runs[3]);
    let no_facilitator = with_accept(upto, |a| {
        a["extra"]
            .as_object_mut()
            .unwrap()
            .remove("facilitatorAddress");
    });
    let err = read_requirement(&no_facilitator).unwrap_err();
    assert_eq!(err, Permit2Error::MissingFacilitator);
    assert!(
        err.to_string().contains("extra.facilitatorAddress"),
        "{err}"
    );
    for bad in [
        Value::from("0x1234"),
        Value::from("0x0000000000000000000000000000000000000000"),
        Value::from(7),
    ] {
        let req = with_accept(upto, |a| a["extra"]["facilitatorAddress"] = bad.clone());
        assert!(
            matches!(
                read_requirement(&req),
                Err(Permit2Error::BadFacilitator { .. })
            ),
            "{bad}"
        );
    }
    // upto without assetTransferMethod is still Permit2; with another method it is refused.
    let implicit = with_accept(upto, |a| {
        a["extra"]
            .as_object_mut()
            .unwrap()
            .remove("assetTransferMethod");
    });
    assert!(is_permit2(&implicit));
    assert!(read_requirement(&implicit).is_ok());
    let eip3009_upto = with_accept(upto, |a| {
        a["extra"]["assetTransferMethod"] = "eip3009".into()
    });
    assert_eq!(
        read_requirement(&eip3009_upto).unwrap_err(),
        Permit2Error::NotPermit2 {
            method: "eip3009".into()
        }
    );
    let plain_exact = with_accept(exact, |a| {
        a.as_object_mut().unwrap().remove("extra");
    });
    assert!(!is_permit2(&plain_exact));
    assert_eq!(
        read_requirement(&plain_exact).unwrap_err(),
        Permit2Error::NotPermit2 {
            method: "eip3009".into()
        }
    );
    let other_scheme = with_accept(exact, |a| a["scheme"] = "batch-settlement".into());
    assert!(!is_permit2(&other_scheme));
    assert!(matches!(
        read_requirement(&other_scheme),
        Err(Permit2Error::UnsupportedScheme { .. })
    ));
    let solana = with_accept(exact, |a| {
        a["network"] = "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1".into();
    });
    assert!(read_requirement(&solana).is_err());
    let zero_timeout = with_accept(exact, |a| a["maxTimeoutSeconds"] = 0.into());
    let err = read_requirement(&zero_timeout).unwrap_err();
    assert!(err.to_string().contains("maxTimeoutSeconds"), "{err}");
    let bad_amount = with_accept(exact, |a| a["amount"] = "1e3".into());
    assert!(matches!(
        read_requirement(&bad_amount),
        Err(Permit2Error::InvalidRequirement { .. })
    ));
}

/// viem 2.57 `hashTypedData` / `signTypedData` with anvil key #1, capture 2's token, payee and
/// nonce, deadline 1796284170 and validAfter 600 s before it.
#[test]
fn anvil1_signatures_equal_viems() {
    let signer: PrivateKeySigner = ANVIL1_KEY.parse().unwrap();
    let exact = Authorization {
        from: signer.address(),
        kind: Kind::Exact,
        token: address!("0xDc64a140Aa3E981100a9becA4E685f962f0cF6C9"),
        amount: U256::from(1000u64),
        nonce: "59040467948263801996937499679698326292140546748859074934514976726263679457648"
            .parse()
            .unwrap(),
        deadline: 1_796_284_170,
        to: address!("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"),
        valid_after: 1_796_283_270,
    };
    assert_eq!(
        exact.signing_hash(84532),
        b256!("0xacff6cfbf1e9ee6ea928e001ee318e0177c598b7d73ebe4d20196deeb519b8ca")
    );
    assert_eq!(
        hex::encode_prefixed(sign(&signer, &exact, 84532).unwrap()),
        "0xc00f52dd961826f44aa51b8771b5ee88c4be5416026ed29099d757589c11bba05237cc15e4cf112791c60a3cc7476abd4fe0bec371570bd9c9d06eef233cbe1e1c"
    );
    let upto = Authorization {
        kind: Kind::Upto {
            facilitator: address!("0x70997970C51812dc3A010C7d01b50e0d17dc79C8"),
        },
        amount: U256::from(2000u64),
        ..exact
    };
    assert_eq!(
        upto.signing_hash(84532),
        b256!("0xb2a930a6ef41bcaacc37e25a69e849235eeafcf058ebf675b6571d1e99dc7c6e")
    );
    assert_eq!(
        hex::encode_prefixed(sign(&signer, &upto, 84532).unwrap()),
        "0xa6c4402f73a0221388aa59c53c6822397acc8101570573be1392676ad397ae50777ef33a2bc92af9e80bd4fe434dfcc809b56cae3105e694c086d72b974107ea1b"
    );
    // Another chain is another digest.
    assert_ne!(exact.signing_hash(8453), exact.signing_hash(84532));
    let permit = Eip2612Permit {
        owner: signer.address(),
        token: address!("0x5FC8d32690cc91D4c39d9d3abcBD16989F875707"),
        chain_id: 84532,
        name: "Permit USD".into(),
        version: "1".into(),
        value: U256::from(1000u64),
        nonce: U256::from(3u64),
        deadline: 1_796_284_170,
    };
    assert_eq!(
        hex::encode_prefixed(permit.sign(&signer).unwrap()),
        "0x2a9def9e0e08d76cba0e5a48bc3602388f4c06bc9ae41085ea3fea5176fa407042642870ac76a64d1db1c0f9751935a61ea55f35f8ffbaed8bb1a38e9755c8881b"
    );
}

#[test]
fn eip2612_extension_is_rebuilt_byte_for_byte() {
    let runs = runs();
    for run in [&runs[4], &runs[5]] {
        let terms = read_requirement(&run.challenge.accepts[0]).unwrap();
        let info = &run.sent["extensions"][EIP2612_KEY]["info"];
        let deadline = num(&info["deadline"]).to::<u64>();
        // The permit's deadline is the Permit2 authorization's.
        assert_eq!(
            run.sent["payload"]["permit2Authorization"]["deadline"],
            info["deadline"]
        );
        let permit =
            Eip2612Permit::for_payment(addr(&info["from"]), &terms, num(&info["nonce"]), deadline)
                .unwrap();
        let signature = sig65(&info["signature"]);
        assert_eq!(
            permit.recover(&signature).unwrap(),
            permit.owner,
            "{}",
            run.name
        );
        let echoed = with_info(
            run.challenge.extensions.as_ref().unwrap(),
            EIP2612_KEY,
            permit.info(&signature),
        )
        .unwrap();
        assert_eq!(echoed, run.sent["extensions"], "{}", run.name);
        assert_eq!(echoed.to_string(), run.sent["extensions"].to_string());
    }
    // No domain in extra: no permit.
    let plain = read_requirement(&runs[2].challenge.accepts[0]).unwrap();
    assert!(Eip2612Permit::for_payment(Address::ZERO, &plain, U256::ZERO, 0).is_none());
}

#[test]
fn erc20_approval_extension_is_rebuilt_byte_for_byte() {
    let runs = runs();
    for run in [&runs[6], &runs[7]] {
        let terms = read_requirement(&run.challenge.accepts[0]).unwrap();
        let info = &run.sent["extensions"][ERC20_APPROVAL_KEY]["info"];
        let raw = hex::decode(info["signedTransaction"].as_str().unwrap()).unwrap();
        // The captured transaction's nonce and fees (viem's `parseTransaction`).
        let fees = Fees {
            max_fee_per_gas: if run.name == "6" {
                1_151_207_075
            } else {
                1_101_476_740
            },
            max_priority_fee_per_gas: 1_000_000_000,
        };
        let tx: TxEip1559 = approval_transaction(terms.token, terms.chain_id, 0, fees);
        // The signature is the last 65 bytes of the RLP: y-parity, r, s.
        let n = raw.len();
        let (r, s) = (
            U256::from_be_slice(&raw[n - 65..n - 33]),
            U256::from_be_slice(&raw[n - 32..]),
        );
        let y_parity = raw[n - 67] == 0x01;
        let signature = Signature::new(r, s, y_parity);
        let from = addr(&info["from"]);
        assert_eq!(
            signature
                .recover_address_from_prehash(&tx.signature_hash())
                .unwrap(),
            from,
            "{}",
            run.name
        );
        assert_eq!(
            tx.into_signed(signature).encoded_2718(),
            raw,
            "{}",
            run.name
        );
        let echoed = with_info(
            run.challenge.extensions.as_ref().unwrap(),
            ERC20_APPROVAL_KEY,
            erc20_approval_info(from, terms.token, &raw),
        )
        .unwrap();
        assert_eq!(echoed, run.sent["extensions"], "{}", run.name);
        assert_eq!(echoed.to_string(), run.sent["extensions"].to_string());
    }
}

#[test]
fn signing_the_approval_gives_a_transaction_the_payer_signed() {
    let signer: PrivateKeySigner = ANVIL1_KEY.parse().unwrap();
    let terms = read_requirement(&runs()[6].challenge.accepts[0]).unwrap();
    let fees = Fees {
        max_fee_per_gas: 1_151_207_075,
        max_priority_fee_per_gas: 1_000_000_000,
    };
    let info = sign_erc20_approval(&signer, &terms, 7, fees).unwrap();
    // The same bytes viem signs for these fields (see evm_tx's test).
    assert_eq!(
        info["signedTransaction"],
        "0x02f8b383014a3407843b9aca0084449e06a38301117094dc64a140aa3e981100a9beca4e685f962f0cf6c980b844095ea7b3000000000000000000000000000000000022d473030f116ddee9f6b43ac78ba3ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffc080a048a9294b405e9e0c1056d87c2b63f3ab71d8e2b2ecf4e05f50d774724f8e8898a023f0eaeff2a1aa2cf00490cf8a84a0aede6c4ab82ee0afe113ff7579017f6385"
    );
    assert_eq!(info["from"], signer.address().to_checksum(None));
    assert_eq!(info["amount"], U256::MAX.to_string());
    let keys: Vec<&str> = info.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "from",
            "asset",
            "spender",
            "amount",
            "signedTransaction",
            "version"
        ]
    );
}

#[test]
fn with_info_adds_but_never_overwrites() {
    let ext = serde_json::json!({
        "eip2612GasSponsoring": {"info": {"version": "9", "note": "x"}, "schema": {}},
        "bazaar": {"info": {"a": 1}},
    });
    let mut fields = Map::new();
    fields.insert("version".into(), "1".into());
    fields.insert("from".into(), "0xabc".into());
    let out = with_info(&ext, EIP2612_KEY, fields.clone()).unwrap();
    assert_eq!(
        out[EIP2612_KEY]["info"]["version"], "9",
        "the server's value stays"
    );
    assert_eq!(out[EIP2612_KEY]["info"]["from"], "0xabc");
    assert_eq!(
        out["bazaar"], ext["bazaar"],
        "other extensions are echoed unchanged"
    );
    // Declared without info: the info is the client's.
    let bare = serde_json::json!({"erc20ApprovalGasSponsoring": {}});
    assert_eq!(
        with_info(&bare, ERC20_APPROVAL_KEY, fields.clone()).unwrap()[ERC20_APPROVAL_KEY]["info"]["from"],
        "0xabc"
    );
    // Not declared, or an info that cannot hold fields: nothing to fill in.
    assert!(with_info(&ext, ERC20_APPROVAL_KEY, fields.clone()).is_none());
    let odd = serde_json::json!({"eip2612GasSponsoring": {"info": "text"}});
    assert!(with_info(&odd, EIP2612_KEY, fields).is_none());
}

#[test]
fn decide_uses_the_allowance_then_the_offered_extensions() {
    let runs = runs();
    let permit_token = read_requirement(&runs[4].challenge.accepts[0]).unwrap();
    let plain_token = read_requirement(&runs[6].challenge.accepts[0]).unwrap();
    let both = Sponsoring {
        eip2612: true,
        erc20_approval: true,
    };
    let none = Sponsoring::default();
    let amount = permit_token.amount;
    assert_eq!(
        decide(&permit_token, amount, none),
        Ok(Approval::Sufficient)
    );
    assert_eq!(
        decide(&permit_token, U256::MAX, none),
        Ok(Approval::Sufficient)
    );
    let short = amount - U256::from(1u8);
    assert_eq!(decide(&permit_token, short, both), Ok(Approval::Eip2612));
    // Without the token's domain in extra the permit cannot be signed.
    assert_eq!(
        decide(&plain_token, short, both),
        Ok(Approval::Erc20Approval)
    );
    assert_eq!(
        decide(
            &plain_token,
            short,
            Sponsoring {
                eip2612: true,
                erc20_approval: false
            }
        ),
        Err(AllowanceRequired {
            chain_id: 84532,
            token: plain_token.token,
            allowance: Some(short),
            needed: amount,
            server_said: false,
        })
    );
    let err = decide(&plain_token, U256::ZERO, none).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains(
            "`x402 wallet approve --network eip155:84532 --asset \
             0xDc64a140Aa3E981100a9becA4E685f962f0cF6C9 --amount AMOUNT` (or `--unlimited`)"
        ),
        "{text}"
    );
    assert!(
        text.contains("allowance 0, 1000 needed, in base units"),
        "{text}"
    );
    assert!(text.contains("nothing was signed"), "{text}");
    assert!(text.contains("no gas-sponsored approval"), "{text}");
}

#[test]
fn a_412_allowance_answer_is_the_same_refusal() {
    let runs = runs();
    for run in [&runs[0], &runs[1]] {
        let terms = read_requirement(&run.challenge.accepts[0]).unwrap();
        assert_eq!(run.answer_status, 412);
        let answer = run.answer.as_ref().expect("412 carries PAYMENT-REQUIRED");
        let refusal = allowance_required_answer(412, answer, &terms).expect("recognised");
        assert!(refusal.server_said);
        assert_eq!(refusal.needed, terms.amount);
        assert!(
            refusal.to_string().contains("x402 wallet approve"),
            "{refusal}"
        );
        // The same document with another status, or the first 402, is not that answer.
        assert!(allowance_required_answer(402, answer, &terms).is_none());
        assert!(allowance_required_answer(412, &run.challenge, &terms).is_none());
    }
}

#[test]
fn new_authorizations_have_fresh_nonces_and_the_window() {
    let terms = read_requirement(&runs()[3].challenge.accepts[0]).unwrap();
    let signer: PrivateKeySigner = ANVIL1_KEY.parse().unwrap();
    let now = 1_796_283_870;
    let signed = authorize(&signer, &terms, now).unwrap();
    let a = signed.authorization;
    assert_eq!((a.valid_after, a.deadline), (now - 600, now + 300));
    assert_eq!(
        (a.from, a.kind, a.amount),
        (signer.address(), terms.kind, terms.amount)
    );
    assert_eq!(
        recover(&a, 84532, &signed.signature).unwrap(),
        signer.address()
    );
    assert_eq!(signed.payload, payload_json(&a, &signed.signature));
    let p = &signed.payload["permit2Authorization"];
    assert_eq!(p["spender"], UPTO_PROXY.to_checksum(None));
    assert_eq!(
        p["witness"]["facilitator"],
        "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
    );
    assert!(
        p["nonce"]
            .as_str()
            .unwrap()
            .bytes()
            .all(|b| b.is_ascii_digit())
    );
    let b = new_authorization(signer.address(), &terms, now);
    assert_ne!(a.nonce, b.nonce);
    let early = new_authorization(
        signer.address(),
        &Terms {
            max_timeout_seconds: u64::MAX,
            ..terms
        },
        5,
    );
    assert_eq!((early.valid_after, early.deadline), (0, u64::MAX));
}

#[test]
fn the_official_approval_calldata() {
    let doc: Value = serde_json::from_str(include_str!(
        "../../../tests/fixtures/permit2-wire/approve-tx.json"
    ))
    .unwrap();
    // `createPermit2ApprovalTx` of @x402/evm for the test token.
    assert_eq!(
        doc["data"],
        hex::encode_prefixed(approve_permit2_calldata())
    );
}

/// Thousands of requirements with one or more fields of the captured ones replaced by odd
/// values, or removed, through the reader, the decision and the signer: nothing panics, and
/// whatever is accepted is signed for exactly what the requirement says.
#[test]
fn mutated_requirements_never_panic_and_sign_only_what_they_say() {
    use crate::payment::test_vectors::Prng;
    let odd = [
        Value::Null,
        Value::from(""),
        Value::from("0x"),
        Value::from(0),
        Value::from(-1),
        Value::from(u64::MAX),
        Value::from(1.5),
        Value::from("1e3"),
        Value::from("01000"),
        Value::from(U256::MAX.to_string()),
        Value::from(format!("{}0", U256::MAX)),
        serde_json::json!({}),
        serde_json::json!([]),
        Value::from("0x0000000000000000000000000000000000000000"),
        Value::from("0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc"),
        Value::from("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293bc"),
        Value::from("permit2"),
        Value::from("eip3009"),
        Value::from("upto"),
        Value::from("exact"),
        Value::from("eip155:0"),
        Value::from("eip155:18446744073709551616"),
        Value::from("eip155:84532"),
        Value::from("solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1"),
    ];
    let keys: [&[&str]; 11] = [
        &["scheme"],
        &["network"],
        &["amount"],
        &["asset"],
        &["payTo"],
        &["maxTimeoutSeconds"],
        &["extra"],
        &["extra", "assetTransferMethod"],
        &["extra", "facilitatorAddress"],
        &["extra", "name"],
        &["extra", "version"],
    ];
    let signer: PrivateKeySigner = ANVIL1_KEY.parse().unwrap();
    let seeds: Vec<Value> = runs().iter().map(|r| r.challenge.raw.clone()).collect();
    let mut rng = Prng::new(0x9e37_79b9_7f4a_7c15);
    let mut signed = 0;
    for _ in 0..1500 {
        let mut doc = seeds[rng.below(seeds.len())].clone();
        for _ in 0..=rng.below(3) {
            let path = keys[rng.below(keys.len())];
            let mut at = &mut doc["accepts"][0];
            for k in &path[..path.len() - 1] {
                if !at.is_object() {
                    break;
                }
                at = &mut at[*k];
            }
            let Some(obj) = at.as_object_mut() else {
                continue;
            };
            let last = path[path.len() - 1];
            if rng.below(5) == 0 {
                obj.remove(last);
            } else {
                obj.insert(last.to_owned(), odd[rng.below(odd.len())].clone());
            }
        }
        let Ok(c) = parse_payment_required(
            &header_map(&[hdr(
                "PAYMENT-REQUIRED",
                &base64::engine::general_purpose::STANDARD.encode(doc.to_string()),
            )]),
            b"{}",
        ) else {
            continue;
        };
        for req in &c.accepts {
            let Ok(terms) = read_requirement(req) else {
                continue;
            };
            assert!(is_permit2(req), "{}", req.raw);
            assert_eq!(Some(terms.amount), req.amount_u256());
            assert_eq!(Some(terms.token), req.asset_address());
            assert_eq!(Some(terms.pay_to), req.pay_to_address());
            assert_eq!(Some(terms.chain_id), req.chain_id());
            assert!(terms.max_timeout_seconds > 0);
            if let Kind::Upto { facilitator } = terms.kind {
                assert!(!facilitator.is_zero());
                assert_eq!(req.scheme.as_deref(), Some("upto"));
            }
            let allowance = U256::from(rng.next());
            let _ = decide(
                &terms,
                allowance,
                Sponsoring::offered(c.extensions.as_ref()),
            );
            let s = authorize(&signer, &terms, rng.next() >> 1).unwrap();
            assert_eq!(
                recover(&s.authorization, terms.chain_id, &s.signature).unwrap(),
                signer.address()
            );
            let a = &s.payload["permit2Authorization"];
            assert_eq!(a["permitted"]["amount"], terms.amount.to_string());
            assert_eq!(a["spender"], terms.kind.spender().to_checksum(None));
            signed += 1;
        }
    }
    assert!(
        signed > 150,
        "the mutations still leave payable requirements: {signed}"
    );
}
