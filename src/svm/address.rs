//! Solana addresses: parsing base58 public keys, the program ids an `exact` payment touches,
//! associated token accounts, and the order `@solana/kit` gives accounts in a message.

use solana_pubkey::Pubkey;
use std::cmp::Ordering;

/// SPL Token (`TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA`).
pub const TOKEN_PROGRAM: Pubkey = spl_token_interface::ID;
/// SPL Token-2022. spl-token-interface only knows the legacy program id (and its
/// `transfer_checked` refuses any other), so the id is spelled out here.
pub const TOKEN_2022_PROGRAM: Pubkey =
    Pubkey::from_str_const("TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb");
/// SPL Memo v2, the program `@x402/svm` puts its memo under.
pub const MEMO_PROGRAM: Pubkey =
    Pubkey::from_str_const("MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr");
/// `ComputeBudget111111111111111111111111111111`.
pub const COMPUTE_BUDGET_PROGRAM: Pubkey = solana_compute_budget_interface::ID;
/// `ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL`.
pub const ASSOCIATED_TOKEN_PROGRAM: Pubkey = spl_associated_token_account_interface::program::ID;

/// Which SPL token program owns a mint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenProgram {
    Token,
    Token2022,
}

impl TokenProgram {
    pub fn id(self) -> Pubkey {
        match self {
            Self::Token => TOKEN_PROGRAM,
            Self::Token2022 => TOKEN_2022_PROGRAM,
        }
    }

    /// The program for an account owner, or `None` when it is neither token program.
    pub fn from_owner(owner: &Pubkey) -> Option<Self> {
        if *owner == TOKEN_PROGRAM {
            Some(Self::Token)
        } else if *owner == TOKEN_2022_PROGRAM {
            Some(Self::Token2022)
        } else {
            None
        }
    }
}

/// A base58 public key of exactly 32 bytes. The error says what is wrong without echoing the
/// input (it may be a secret pasted in the wrong place).
pub fn parse_pubkey(s: &str) -> Result<Pubkey, &'static str> {
    if s.is_empty() {
        return Err("is empty");
    }
    if s.len() > 44 {
        return Err("is longer than a base58 public key (at most 44 characters)");
    }
    s.parse::<Pubkey>()
        .map_err(|_| "is not a base58 public key of 32 bytes")
}

/// The associated token account of `owner` for `mint` under `program`: the PDA of
/// `[owner, token program, mint]` under the Associated Token Account program.
pub fn associated_token_address(owner: &Pubkey, mint: &Pubkey, program: TokenProgram) -> Pubkey {
    spl_associated_token_account_interface::address::get_associated_token_address_with_program_id(
        owner,
        mint,
        &program.id(),
    )
}

/// The comparison `@solana/kit` sorts a message's accounts with inside one role:
/// `Intl.Collator("en", {caseFirst: "lower", sensitivity: "variant"})` over the base58
/// strings (`@solana/addresses` `getAddressComparator`). For base58's alphabet (digits and
/// ASCII letters) that is the root collation: first the characters compared with digits
/// before letters and case ignored; on a tie, the first difference in case, lowercase first.
/// Any order is valid on chain; this one makes the bytes equal to the reference client's.
pub fn kit_order(a: &str, b: &str) -> Ordering {
    fn primary(c: u8) -> (u8, u8) {
        match c {
            b'0'..=b'9' => (0, c - b'0'),
            b'a'..=b'z' => (1, c - b'a'),
            b'A'..=b'Z' => (1, c - b'A'),
            // Not in the base58 alphabet; kept after everything else, in byte order.
            _ => (2, c),
        }
    }
    let by_letter = a.bytes().map(primary).cmp(b.bytes().map(primary));
    by_letter.then_with(|| {
        // Equal letters and length: lowercase (false) before uppercase (true).
        a.bytes()
            .map(|c| c.is_ascii_uppercase())
            .cmp(b.bytes().map(|c| c.is_ascii_uppercase()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pk(s: &str) -> Pubkey {
        parse_pubkey(s).unwrap()
    }

    #[test]
    fn program_ids_are_the_published_ones() {
        assert_eq!(
            TOKEN_PROGRAM.to_string(),
            "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA"
        );
        assert_eq!(
            COMPUTE_BUDGET_PROGRAM.to_string(),
            "ComputeBudget111111111111111111111111111111"
        );
        assert_eq!(
            ASSOCIATED_TOKEN_PROGRAM.to_string(),
            "ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL"
        );
        assert_eq!(
            MEMO_PROGRAM.to_string(),
            "MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr"
        );
        assert_eq!(
            TOKEN_2022_PROGRAM.to_string(),
            "TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb"
        );
    }

    /// The reference vector of x402-protocol.md §9.2, computed with `@solana-program/token`'s
    /// `findAssociatedTokenPda`.
    #[test]
    fn associated_token_accounts_match_the_reference_client() {
        let mint = pk("4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU");
        let client = pk("AKnL4NNf3DGWZJS6cPknBuEGnVsV4A4m5tgebLHaRSZ9");
        let pay_to = pk("2wKupLR9q6wXYppw8Gr2NvWxKBUqm4PPJKkQfoxHDBg4");
        assert_eq!(
            associated_token_address(&client, &mint, TokenProgram::Token).to_string(),
            "H1AviagU5Y17z77v1F9qZPJ9kCbCsL4ewiZABNfGYoRs"
        );
        assert_eq!(
            associated_token_address(&pay_to, &mint, TokenProgram::Token).to_string(),
            "A6cvo72FWB5PKDznP79KJv64DbT1aw7YbEfCm4AALHg8"
        );
        // Token-2022 accounts of the same owner and mint are other addresses.
        assert_ne!(
            associated_token_address(&client, &mint, TokenProgram::Token2022),
            associated_token_address(&client, &mint, TokenProgram::Token)
        );
    }

    #[test]
    fn token_program_from_owner() {
        assert_eq!(
            TokenProgram::from_owner(&TOKEN_PROGRAM),
            Some(TokenProgram::Token)
        );
        assert_eq!(
            TokenProgram::from_owner(&TOKEN_2022_PROGRAM),
            Some(TokenProgram::Token2022)
        );
        assert_eq!(TokenProgram::from_owner(&MEMO_PROGRAM), None);
    }

    #[test]
    fn bad_public_keys_are_refused() {
        for bad in [
            "",
            "0x036CbD53842c5426634e7929541eC2318f3dCF7e",
            "4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDl",
            "abc",
            &"1".repeat(45),
        ] {
            assert!(parse_pubkey(bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse_pubkey("11111111111111111111111111111111").unwrap(),
            Pubkey::default()
        );
    }

    #[test]
    fn kit_order_ignores_case_first_then_puts_lowercase_first() {
        use Ordering::*;
        assert_eq!(kit_order("4zMMC", "ComputeBudget"), Less);
        assert_eq!(kit_order("ComputeBudget", "MemoSq"), Less);
        assert_eq!(kit_order("MemoSq", "Tokenkeg"), Less);
        // Case is ignored before anything else: "ab" < "AC" < "ad".
        assert_eq!(kit_order("ab", "AC"), Less);
        assert_eq!(kit_order("AC", "ad"), Less);
        // Byte order would put every uppercase letter first.
        assert_eq!(kit_order("a9", "B1"), Less);
        // Only a tie on letters falls back to case, lowercase first.
        assert_eq!(kit_order("abc", "aBc"), Less);
        assert_eq!(kit_order("aBc", "abc"), Greater);
        assert_eq!(kit_order("abc", "abc"), Equal);
        // A prefix sorts first.
        assert_eq!(kit_order("ab", "abc"), Less);
    }
}
