//! The payment journal reader: a journal is the user's record of money, so any bytes (a torn
//! write, a hand edit, a different version) read back as payments plus a list of bad lines,
//! never a panic; the daily-budget sum over what was read never overflows.
#![no_main]

use libfuzzer_sys::fuzz_target;
use x402::journal::{Contents, spent_last_day};

fuzz_target!(|data: &[u8]| {
    let contents = Contents::parse(data);
    let lines = data.split(|b| *b == b'\n').count();
    assert!(
        contents
            .bad_lines
            .iter()
            .all(|b| b.line >= 1 && b.line <= lines)
    );
    let now = jiff::Timestamp::from_second(1_780_000_000).unwrap();
    for p in &contents.payments {
        assert!(contents.by_nonce(&p.signed.nonce).is_some());
        let _ = spent_last_day(&contents.payments, &p.signed.network, &p.signed.asset, now);
    }
});
