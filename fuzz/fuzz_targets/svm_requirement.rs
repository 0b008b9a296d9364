//! The SVM `exact` requirement reader and the transaction built from what it accepts: whatever
//! a server offers, no panic; an accepted option always builds (unless it names the paying
//! key itself as fee payer or payee), and the transaction decodes back to exactly the offered
//! amount, mint, payee's token account, fee payer and memo. Input: one byte (bit 0 set: x402
//! v1) then the `accepts[i]` JSON.
#![no_main]

use libfuzzer_sys::fuzz_target;
use x402::network::Networks;
use x402::payment::challenge::Requirement;
use x402::svm::address::{TokenProgram, associated_token_address};
use x402::svm::transaction::{BuildError, PaymentTerms, build, decode};
use x402::svm::{Keypair, requirement};

fuzz_target!(|data: &[u8]| {
    let Some((mode, json)) = data.split_first() else {
        return;
    };
    let Ok(raw) = serde_json::from_slice::<serde_json::Value>(json) else {
        return;
    };
    let version = if mode & 1 == 1 { 1 } else { 2 };
    let networks = Networks::built_in();
    let Ok(option) = requirement::read(&Requirement::parse(0, &raw, version), &networks) else {
        return;
    };
    let payer = Keypair::new_from_array([7u8; 32]);
    let (program, decimals) = option
        .network
        .asset(&option.mint)
        .map_or((TokenProgram::Token2022, 9), |a| (a.program, a.decimals));
    let memo = option.memo.clone().unwrap_or_else(|| "0".repeat(32));
    assert!(memo.len() <= requirement::MAX_MEMO_BYTES);
    let terms = PaymentTerms {
        fee_payer: option.fee_payer,
        mint: option.mint,
        program,
        decimals,
        pay_to: option.pay_to,
        amount: option.amount,
        memo: memo.clone(),
        blockhash: option.recent_blockhash.clone().unwrap_or_default(),
    };
    let tx = match build(&payer, &terms) {
        Ok(tx) => tx,
        Err(BuildError::FeePayerIsPayer | BuildError::PaysItself) => return,
        Err(e) => panic!("an accepted option did not build: {e}"),
    };
    let decoded = decode(&tx.bytes).expect("our own transaction decodes");
    let keys = decoded.message.static_account_keys();
    let ixs = decoded.message.instructions();
    assert_eq!(ixs.len(), 4);
    assert_eq!(keys[0], option.fee_payer);
    let transfer = &ixs[2];
    assert_eq!(transfer.data[0], 12);
    assert_eq!(
        u64::from_le_bytes(transfer.data[1..9].try_into().unwrap()),
        option.amount
    );
    assert_eq!(keys[usize::from(transfer.accounts[1])], option.mint);
    assert_eq!(
        keys[usize::from(transfer.accounts[2])],
        associated_token_address(&option.pay_to, &option.mint, program)
    );
    assert_eq!(ixs[3].data, memo.as_bytes());
});
