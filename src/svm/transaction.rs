//! The SVM `exact` payment transaction, as `@x402/svm` 2.27's client builds it
//! (`src/exact/client/scheme.ts`): a v0 message whose fee payer is the facilitator
//! (`extra.feePayer`), with exactly these instructions in this order:
//!
//! 0. ComputeBudget SetComputeUnitLimit(20000): `02 20 4e 00 00`
//! 1. ComputeBudget SetComputeUnitPrice(1 micro-lamport): `03 01 00 00 00 00 00 00 00`
//! 2. TransferChecked of the mint's token program: `0c` + u64 LE amount + u8 decimals; source
//!    = the payer's associated token account (writable), the mint, destination = payTo's
//!    associated token account (writable), authority = the payer (signer)
//! 3. Memo: `extra.memo` as UTF-8, else 16 random bytes as 32 lowercase hex characters, no
//!    accounts
//!
//! No create-account instruction and no address lookup tables; hosted facilitators reject
//! other compute budgets. The payer signs; the fee payer's slot is left as 64 zero bytes for
//! the facilitator. Accounts are ordered as `@solana/kit` orders them (fee payer, then signers
//! before others, writable before read-only, then [`kit_order`]), so the bytes equal the
//! reference client's for the same inputs.

use super::address::{MEMO_PROGRAM, TokenProgram, associated_token_address, kit_order};
use super::requirement::MAX_MEMO_BYTES;
use base64::Engine as _;
use solana_compute_budget_interface::ComputeBudgetInstruction;
use solana_hash::Hash;
use solana_instruction::{AccountMeta, Instruction};
use solana_keypair::{Keypair, Signature, Signer};
use solana_message::compiled_instruction::CompiledInstruction;
use solana_message::{MessageHeader, VersionedMessage, v0};
use solana_pubkey::Pubkey;
use solana_transaction::versioned::VersionedTransaction;
use spl_token_interface::instruction::TokenInstruction;
use std::collections::HashMap;

/// `DEFAULT_COMPUTE_UNIT_LIMIT` of `@x402/svm`.
pub const COMPUTE_UNIT_LIMIT: u32 = 20_000;
/// `DEFAULT_COMPUTE_UNIT_PRICE_MICROLAMPORTS` of `@x402/svm`.
pub const COMPUTE_UNIT_PRICE_MICROLAMPORTS: u64 = 1;

/// What a payment transaction is built from: the option's terms plus what the chain said
/// about the mint and the blockhash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaymentTerms {
    pub fee_payer: Pubkey,
    pub mint: Pubkey,
    pub program: TokenProgram,
    pub decimals: u8,
    pub pay_to: Pubkey,
    pub amount: u64,
    /// The memo's bytes: `extra.memo`, or [`random_memo`].
    pub memo: String,
    pub blockhash: Hash,
}

/// A partially signed payment transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedTransaction {
    /// The wire transaction (what `payload.transaction` carries, base64-encoded).
    pub bytes: Vec<u8>,
    /// The payer's signature (base58): fixed once signed, so it identifies this payment in
    /// the journal before anything is sent. The transaction's id on chain is `signatures[0]`,
    /// the fee payer's, which the facilitator adds (the settlement's `transaction`).
    pub payer_signature: String,
    pub source: Pubkey,
    pub destination: Pubkey,
}

impl SignedTransaction {
    /// The `exact` SVM payload: `{"transaction": "<base64>"}`.
    pub fn payload(&self) -> serde_json::Value {
        serde_json::json!({
            "transaction": base64::engine::general_purpose::STANDARD.encode(&self.bytes)
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BuildError {
    #[error("extra.feePayer is the paying account itself; the facilitator must pay the fee")]
    FeePayerIsPayer,
    #[error("the memo is {0} bytes; at most {MAX_MEMO_BYTES} are allowed")]
    MemoTooLong(usize),
    #[error("the payer pays itself (payTo is the paying account)")]
    PaysItself,
    #[error("cannot serialise the transaction: {0}")]
    Encode(String),
}

/// 16 random bytes from the OS random source as 32 lowercase hex characters: the memo when the
/// option sets none, so two equal payments are different transactions.
pub fn random_memo() -> String {
    let mut nonce = [0u8; 16];
    rand08::RngCore::fill_bytes(&mut rand08::rngs::OsRng, &mut nonce);
    alloy_primitives::hex::encode(nonce)
}

/// The four instructions, in order.
pub fn instructions(payer: &Pubkey, terms: &PaymentTerms) -> [Instruction; 4] {
    let source = associated_token_address(payer, &terms.mint, terms.program);
    let destination = associated_token_address(&terms.pay_to, &terms.mint, terms.program);
    // Built by hand rather than with `spl_token_interface::instruction::transfer_checked`,
    // which refuses the Token-2022 program id; the data and accounts are the same for both.
    let transfer = Instruction {
        program_id: terms.program.id(),
        accounts: vec![
            AccountMeta::new(source, false),
            AccountMeta::new_readonly(terms.mint, false),
            AccountMeta::new(destination, false),
            AccountMeta::new_readonly(*payer, true),
        ],
        data: TokenInstruction::TransferChecked {
            amount: terms.amount,
            decimals: terms.decimals,
        }
        .pack(),
    };
    [
        ComputeBudgetInstruction::set_compute_unit_limit(COMPUTE_UNIT_LIMIT),
        ComputeBudgetInstruction::set_compute_unit_price(COMPUTE_UNIT_PRICE_MICROLAMPORTS),
        transfer,
        Instruction {
            program_id: MEMO_PROGRAM,
            accounts: vec![],
            data: terms.memo.as_bytes().to_vec(),
        },
    ]
}

/// Compiles a v0 message the way `@solana/kit`'s `compileTransactionMessage` does: the fee
/// payer first, then signers before non-signers, writable before read-only, each group in
/// [`kit_order`]; invoked programs are read-only non-signers.
pub fn compile(fee_payer: &Pubkey, instructions: &[Instruction], blockhash: Hash) -> v0::Message {
    // (signer, writable) per account, merged over every use.
    let mut roles: HashMap<Pubkey, (bool, bool)> = HashMap::new();
    roles.insert(*fee_payer, (true, true));
    for ix in instructions {
        roles.entry(ix.program_id).or_insert((false, false));
        for meta in &ix.accounts {
            let role = roles.entry(meta.pubkey).or_insert((false, false));
            role.0 |= meta.is_signer;
            role.1 |= meta.is_writable;
        }
    }
    let mut keys: Vec<(Pubkey, String, (bool, bool))> = roles
        .into_iter()
        .map(|(key, role)| (key, key.to_string(), role))
        .collect();
    keys.sort_by(
        |(a, a58, (a_signer, a_writable)), (b, b58, (b_signer, b_writable))| {
            (b == fee_payer)
                .cmp(&(a == fee_payer))
                .then(b_signer.cmp(a_signer))
                .then(b_writable.cmp(a_writable))
                .then_with(|| kit_order(a58, b58))
        },
    );
    let count = |f: fn(&(bool, bool)) -> bool| keys.iter().filter(|(_, _, r)| f(r)).count() as u8;
    let header = MessageHeader {
        num_required_signatures: count(|r| r.0),
        num_readonly_signed_accounts: count(|r| r.0 && !r.1),
        num_readonly_unsigned_accounts: count(|r| !r.0 && !r.1),
    };
    let account_keys: Vec<Pubkey> = keys.into_iter().map(|(k, _, _)| k).collect();
    let index = |key: &Pubkey| account_keys.iter().position(|k| k == key).unwrap_or(0) as u8;
    let instructions = instructions
        .iter()
        .map(|ix| CompiledInstruction {
            program_id_index: index(&ix.program_id),
            accounts: ix.accounts.iter().map(|m| index(&m.pubkey)).collect(),
            data: ix.data.clone(),
        })
        .collect();
    v0::Message {
        header,
        account_keys,
        recent_blockhash: blockhash,
        instructions,
        address_table_lookups: vec![],
    }
}

/// Builds the payment transaction and signs it as `payer`, leaving the fee payer's signature
/// as 64 zero bytes.
pub fn build(payer: &Keypair, terms: &PaymentTerms) -> Result<SignedTransaction, BuildError> {
    let payer_key = payer.pubkey();
    if terms.fee_payer == payer_key {
        return Err(BuildError::FeePayerIsPayer);
    }
    if terms.pay_to == payer_key {
        return Err(BuildError::PaysItself);
    }
    if terms.memo.len() > MAX_MEMO_BYTES {
        return Err(BuildError::MemoTooLong(terms.memo.len()));
    }
    let ixs = instructions(&payer_key, terms);
    let source = ixs[2].accounts[0].pubkey;
    let destination = ixs[2].accounts[2].pubkey;
    let message = VersionedMessage::V0(compile(&terms.fee_payer, &ixs, terms.blockhash.clone()));
    let signature = payer.sign_message(&message.serialize());
    let signers = usize::from(message.header().num_required_signatures);
    let signatures = message.static_account_keys()[..signers]
        .iter()
        .map(|k| {
            if *k == payer_key {
                signature
            } else {
                Signature::default()
            }
        })
        .collect();
    let tx = VersionedTransaction {
        signatures,
        message,
    };
    let bytes = wincode::serialize(&tx).map_err(|e| BuildError::Encode(e.to_string()))?;
    Ok(SignedTransaction {
        bytes,
        payer_signature: signature.to_string(),
        source,
        destination,
    })
}

/// Reads a wire transaction (for checks and `history`): it must decode completely.
pub fn decode(bytes: &[u8]) -> Result<VersionedTransaction, String> {
    wincode::deserialize_exact::<VersionedTransaction>(bytes).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::svm::address::{COMPUTE_BUDGET_PROGRAM, TOKEN_2022_PROGRAM, TOKEN_PROGRAM};

    fn pk(s: &str) -> Pubkey {
        s.parse().unwrap()
    }

    /// The inputs of x402-protocol.md §9.2: the transaction the reference client's own code
    /// path (`@solana/kit` 5.5.1, `@solana-program/token` 0.9.0, `compute-budget` 0.11.0) built.
    fn reference_terms() -> (Keypair, PaymentTerms) {
        let payer = Keypair::new_from_array([1u8; 32]);
        let terms = PaymentTerms {
            fee_payer: pk("EwWqGE4ZFKLofuestmU4LDdK7XM1N4ALgdZccwYugwGd"),
            mint: pk("4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU"),
            program: TokenProgram::Token,
            decimals: 6,
            pay_to: pk("2wKupLR9q6wXYppw8Gr2NvWxKBUqm4PPJKkQfoxHDBg4"),
            amount: 1000,
            memo: "pi_3abc123def456".into(),
            blockhash: "EETubP5AKHgjPAhzPAFcb8BAY1hMH639CWCFTqi3hq1k"
                .parse()
                .unwrap(),
        };
        (payer, terms)
    }

    const REFERENCE_TX: &str = "AgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABc9ytbnFNLHPCYM9CIe0xDJa5DSBtUw/h4m/JJxULn5Wk5Y/h8404HFnKAonjpY8EUw032NPM+bzE3qfMQGwsMgAIBBAjPHwZnA01T2C3HtlAjTEVC4T/PLYANrujgwBsph3Jm2oqI4910CfGV/VLbLTy6XXLKZwm/HZQSG/N0iAG0D29chym1sSR1ISgbpclL8xwEkaOR7MUUttiwAKDWSvmKgAXtxjbgQB4pwJnqJwOAZZHm5AvuwQkVBwJdu/5tY3Yf4jtELLORIVfxOpM9ATQoLQMrX/7NAaLb8bd5BgjfAC6nAwZGb+UhFzL/7K26csOb57yM5bvF9xJrLEObOkAAAAAFSlNamSkhBk0k6HFg2jh8fDW13bySu4HkH6hAQQVEjQbd9uHXZaGT2cvhRs7reawctIXtX1s3kTqM9YV+/wCpxJrndgN4IFTxep3s6kO0ROug7bEsbx0xxuDkqEvwUusEBQAFAiBOAAAFAAkDAQAAAAAAAAAHBAMEAgEKDOgDAAAAAAAABgYAEHBpXzNhYmMxMjNkZWY0NTYA";

    #[test]
    fn equals_the_reference_client_byte_for_byte() {
        let (payer, terms) = reference_terms();
        assert_eq!(
            payer.pubkey().to_string(),
            "AKnL4NNf3DGWZJS6cPknBuEGnVsV4A4m5tgebLHaRSZ9"
        );
        let tx = build(&payer, &terms).unwrap();
        assert_eq!(tx.payload()["transaction"], REFERENCE_TX);
        assert_eq!(
            tx.source.to_string(),
            "H1AviagU5Y17z77v1F9qZPJ9kCbCsL4ewiZABNfGYoRs"
        );
        assert_eq!(
            tx.destination.to_string(),
            "A6cvo72FWB5PKDznP79KJv64DbT1aw7YbEfCm4AALHg8"
        );
    }

    /// Decodes the transaction and checks every part against the wire spec, for both token
    /// programs.
    #[test]
    fn decoded_instructions_match_the_wire_spec() {
        for program in [TokenProgram::Token, TokenProgram::Token2022] {
            let (payer, mut terms) = reference_terms();
            terms.program = program;
            terms.amount = 0x0102_0304_0506_0708;
            let built = build(&payer, &terms).unwrap();
            let tx = decode(&built.bytes).unwrap();
            let VersionedMessage::V0(msg) = &tx.message else {
                panic!("not a v0 message")
            };
            // Two signature slots: the fee payer's (zeros) and the payer's, which verifies.
            assert_eq!(tx.signatures.len(), 2);
            assert_eq!(tx.signatures[0], Signature::default());
            assert_eq!(tx.signatures[1].to_string(), built.payer_signature);
            assert!(tx.signatures[1].verify(payer.pubkey().as_ref(), &tx.message.serialize()));
            // Wire: 0x02 signatures, 64 zero bytes, the payer's 64, then the v0 prefix 0x80.
            assert_eq!(built.bytes[0], 2);
            assert!(built.bytes[1..65].iter().all(|b| *b == 0));
            assert_eq!(built.bytes[129], 0x80);
            // Header: 2 signers, 1 read-only signer (the payer), 4 read-only others
            // (mint, ComputeBudget, Memo, the token program).
            assert_eq!(
                (
                    msg.header.num_required_signatures,
                    msg.header.num_readonly_signed_accounts,
                    msg.header.num_readonly_unsigned_accounts
                ),
                (2, 1, 4)
            );
            assert!(msg.address_table_lookups.is_empty());
            let keys = &msg.account_keys;
            assert_eq!(keys.len(), 8);
            assert_eq!(keys[0], terms.fee_payer);
            assert_eq!(keys[1], payer.pubkey());
            assert_eq!(msg.recent_blockhash, terms.blockhash);
            let program_of = |i: usize| keys[usize::from(msg.instructions[i].program_id_index)];
            let accounts_of = |i: usize| -> Vec<Pubkey> {
                msg.instructions[i]
                    .accounts
                    .iter()
                    .map(|a| keys[usize::from(*a)])
                    .collect()
            };
            assert_eq!(msg.instructions.len(), 4);
            assert_eq!(program_of(0), COMPUTE_BUDGET_PROGRAM);
            assert!(accounts_of(0).is_empty());
            assert_eq!(msg.instructions[0].data, [0x02, 0x20, 0x4e, 0x00, 0x00]);
            assert_eq!(program_of(1), COMPUTE_BUDGET_PROGRAM);
            assert!(accounts_of(1).is_empty());
            assert_eq!(msg.instructions[1].data, [0x03, 1, 0, 0, 0, 0, 0, 0, 0]);
            let token = match program {
                TokenProgram::Token => TOKEN_PROGRAM,
                TokenProgram::Token2022 => TOKEN_2022_PROGRAM,
            };
            assert_eq!(program_of(2), token);
            assert_eq!(
                accounts_of(2),
                vec![
                    associated_token_address(&payer.pubkey(), &terms.mint, program),
                    terms.mint,
                    associated_token_address(&terms.pay_to, &terms.mint, program),
                    payer.pubkey(),
                ]
            );
            assert_eq!(
                msg.instructions[2].data,
                [0x0c, 8, 7, 6, 5, 4, 3, 2, 1, 6],
                "tag 12, u64 LE amount, decimals"
            );
            // Writable: the fee payer and both token accounts; nothing else.
            let h = &msg.header;
            let (signers, ro_signed, ro_unsigned) = (
                usize::from(h.num_required_signatures),
                usize::from(h.num_readonly_signed_accounts),
                usize::from(h.num_readonly_unsigned_accounts),
            );
            let writable: Vec<Pubkey> = (0..keys.len())
                .filter(|i| {
                    if *i < signers {
                        *i < signers - ro_signed
                    } else {
                        *i < keys.len() - ro_unsigned
                    }
                })
                .map(|i| keys[i])
                .collect();
            assert_eq!(writable.len(), 3);
            assert!(writable.contains(&terms.fee_payer));
            assert!(writable.contains(&built.source) && writable.contains(&built.destination));
            assert_eq!(program_of(3), MEMO_PROGRAM);
            assert!(accounts_of(3).is_empty(), "the memo has no signer account");
            assert_eq!(msg.instructions[3].data, b"pi_3abc123def456");
        }
    }

    #[test]
    fn random_memos_are_32_hex_chars_and_differ() {
        let (a, b) = (random_memo(), random_memo());
        assert_eq!(a.len(), 32);
        assert!(
            a.bytes()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
        assert_ne!(a, b);
    }

    #[test]
    fn refuses_what_the_facilitator_would() {
        let (payer, mut terms) = reference_terms();
        terms.fee_payer = payer.pubkey();
        assert_eq!(build(&payer, &terms), Err(BuildError::FeePayerIsPayer));
        let (payer, mut terms) = reference_terms();
        terms.pay_to = payer.pubkey();
        assert_eq!(build(&payer, &terms), Err(BuildError::PaysItself));
        let (payer, mut terms) = reference_terms();
        terms.memo = "x".repeat(257);
        assert_eq!(build(&payer, &terms), Err(BuildError::MemoTooLong(257)));
        terms.memo = "x".repeat(256);
        assert!(build(&payer, &terms).is_ok());
    }

    #[test]
    fn decode_refuses_garbage_and_trailing_bytes() {
        let (payer, terms) = reference_terms();
        let mut bytes = build(&payer, &terms).unwrap().bytes;
        assert!(decode(&bytes[..bytes.len() - 1]).is_err());
        bytes.push(0);
        assert!(decode(&bytes).is_err());
        assert!(decode(b"").is_err());
    }
}
