//! The scheme seam: what differs between kinds of payment, behind one trait, so the flow
//! (`engine::flow`) never names a scheme.
//!
//! A [`Scheme`] answers these questions about a [`Quote`] the policy judged payable:
//! * [`Scheme::preflight`]: before the quote is shown, can the payer pay it at all (funds,
//!   allowance, a destination token account …)? `Some(Refusal)` stops the payment before
//!   anything is signed; an RPC that cannot be asked is a detail, never a refusal.
//! * [`Scheme::read`]: with the key unlocked and before the journal's lock is taken, what
//!   signing needs from the chain ([`ChainReads`]), or a refusal.
//! * [`Scheme::sign`]: under the lock, without the chain, the payment for exactly this quote,
//!   signed with the unlocked [`Key`], as a [`SignedPayment`]: the header to send (and
//!   resend, byte for byte), and what the journal records of it (the payment's identity as
//!   text, its validity).
//! * [`Scheme::confirm_on_chain`]: when a server names a transaction but does not confirm it,
//!   what that transaction did to this payment ([`OnChain`]), within a bounded wait.
//!
//! [`of`] picks the implementation from the quote. EVM `exact` through EIP-3009
//! ([`eip3009::Eip3009`]) is the first one.
//!
//! # Adding a scheme
//! 1. A unit struct implementing [`Scheme`] in a new file here (e.g. `svm.rs`, `permit2.rs`).
//!    Its chain reads go in `read`, which may refuse (`Ok(Err(Refusal))`), and its `sign`
//!    only signs: Solana's `svm::payment::read` (mint, blockhash, ATAs, balance) then
//!    `svm::payment::sign`, Permit2's `permit2::chain::read` (chain id, allowance, what the
//!    sponsoring extension needs) then `permit2::chain::sign`; their cheap balance reads fit
//!    `preflight`.
//! 2. Its key: a [`Key`] variant (e.g. `Key::Svm(Keypair)`), made by the account source.
//! 3. An arm in [`of`] on the quote's `policy::Scheme` (the account's family follows the quote's
//!    network, [`family`]); its own facts about a signed
//!    payment as a [`Detail`] variant, which [`journal_record`] turns into the journal's
//!    scheme fields and its `confirm_on_chain` reads back.
//!
//! The flow, the journal discipline (pending and synced before the header leaves), the limits
//! and the outcomes stay as they are. May depend on `payment`, `journal`, `rpc`, `network`,
//! `output`; never on `commands`, `cli` or `settings`.

pub mod eip3009;
pub mod permit2;
pub mod svm;

use super::outcome::Refusal;
use crate::journal;
use crate::keystore::Keystore;
use crate::network::Family;
use crate::output::Printer;
use crate::payment::challenge::Challenge;
use crate::payment::policy::{self, Quote};
use alloy_signer_local::PrivateKeySigner;
use anyhow::Result;
use std::future::Future;
use std::pin::Pin;

/// A boxed future, so [`Scheme`] can be used as `&dyn Scheme`.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// An unlocked key, of the family of the quote it signs.
pub enum Key {
    Evm(PrivateKeySigner),
    /// A Solana (ed25519) keypair.
    Svm(crate::svm::Keypair),
}

impl Key {
    pub fn family(&self) -> Family {
        match self {
            Key::Evm(_) => Family::Evm,
            Key::Svm(_) => Family::Solana,
        }
    }

    /// The payer's address as the chain writes it (EVM: checksummed 0x…; Solana: base58).
    pub fn payer(&self) -> String {
        match self {
            Key::Evm(signer) => signer.address().to_checksum(None),
            Key::Svm(keypair) => solana_keypair::Signer::pubkey(keypair).to_string(),
        }
    }

    /// The EVM signer, for a scheme that pays `quote` on an EVM network.
    pub fn evm_signer(&self, quote: &Quote) -> Result<&alloy_signer_local::PrivateKeySigner> {
        match self {
            Key::Evm(signer) => Ok(signer),
            Key::Svm(_) => Err(anyhow::anyhow!(
                "{} is paid by an EVM account, not a Solana one",
                quote.network
            )),
        }
    }
}

/// A signed payment, ready to be journaled and sent.
#[derive(Clone, Debug)]
pub struct SignedPayment {
    /// `PAYMENT-SIGNATURE` (v2) or `X-PAYMENT` (v1).
    pub header_name: &'static str,
    /// Sent as is, and resent as is by `--retry`.
    pub header_value: String,
    /// The payment's identity on chain, as text: the EIP-3009 nonce (`0x` + 64 hex digits).
    pub nonce: String,
    /// Who pays, as the chain writes it.
    pub payer: String,
    /// Unix seconds from which the payment can move money.
    pub valid_after: u64,
    /// Unix seconds after which it can no longer move money.
    pub valid_before: u64,
    /// The `payment-identifier` extension's id, when the 402 offered the extension.
    pub payment_id: Option<String>,
    /// What only this kind of payment knows of itself, kept for its own
    /// [`Scheme::confirm_on_chain`] and journal fields.
    pub detail: Detail,
}

/// A scheme's own facts about a payment it signed, carried through the flow untouched.
/// Each scheme adds its variant (Solana: the memo, blockhash and last valid block height its
/// receipt wait and `history check` need; Permit2: the spender).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Detail {
    /// EIP-3009: the nonce and payer above are all there is.
    Eip3009,
    /// Permit2 (`exact` or `upto`): the x402 proxy the permit names as spender; the nonce
    /// above is Permit2's, in decimal, and `valid_before` the permit's deadline.
    Permit2 { spender: alloy_primitives::Address },
    /// Solana: the payment as the chain will be asked about it (payer's signature, memo,
    /// blockhash and its last valid block height, mint, payee, amount, signing time).
    Svm(Box<crate::svm::check::SvmPayment>),
}

/// What a scheme's [`Scheme::read`] found on chain, handed to its [`Scheme::sign`].
#[derive(Clone, Debug)]
pub enum ChainReads {
    /// Nothing was read (EIP-3009).
    None,
    /// Permit2: the allowance and what its covering extension needs; `None` when no RPC URL
    /// is configured for the network (the permit is signed as is).
    Permit2(Option<Box<crate::payment::permit2::chain::Reads>>),
    /// Solana: the mint, the blockhash and the payer's balance.
    Svm(Box<crate::svm::payment::Reads>),
}

/// What the chain says about a transaction a server named.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnChain {
    /// Mined, successful, and it used this payment.
    Settled,
    /// Mined and failed: it moved nothing.
    Reverted,
    /// Mined, but it did not use this payment.
    Unrelated,
    /// Not seen (or unknown to the node) within the wait.
    NotYet,
}

/// One kind of payment. See the module documentation for how a new one plugs in.
pub trait Scheme: Sync {
    /// What is signed, for the `-v` trace: "an EIP-3009 authorization".
    fn signs(&self) -> &'static str;

    /// Before the quote is shown: a refusal when the chain shows the payment cannot succeed.
    /// `owner` is the paying account when it is known without a password.
    fn preflight<'a>(
        &'a self,
        printer: &'a Printer,
        quote: &'a Quote,
        owner: Option<&'a Keystore>,
    ) -> BoxFuture<'a, Result<Option<Refusal>>>;

    /// What signing `quote` by `key` needs from the chain (a blockhash, an allowance, …),
    /// read before the flow takes the journal's lock, so other x402 processes never wait on
    /// this one's RPC. A refusal found (funds, a missing token account, an allowance nothing
    /// covers) is returned, not raised. Nothing to read by default.
    fn read<'a>(
        &'a self,
        _challenge: &'a Challenge,
        _quote: &'a Quote,
        _key: &'a Key,
    ) -> BoxFuture<'a, Result<Result<ChainReads, Refusal>>> {
        Box::pin(async { Ok(Ok(ChainReads::None)) })
    }

    /// Signs exactly `quote` (an option of `challenge`, judged, capped and confirmed), valid
    /// from `now` (Unix seconds), from what [`Scheme::read`] found. Called under the journal's
    /// lock: it asks nothing of the chain. A refusal is returned, not raised.
    fn sign(
        &self,
        challenge: &Challenge,
        quote: &Quote,
        key: &Key,
        reads: ChainReads,
        now: u64,
    ) -> Result<Result<SignedPayment, Refusal>>;

    /// What transaction `tx` did to `signed`, waiting at most `wait` for it, over `rpc_url`.
    /// `charged` is what the settlement says was charged, for a quote whose amount is a
    /// maximum (`upto`): the transaction must then move exactly that, as `history check`
    /// asks; `None` for the other schemes, or when the settlement named no amount.
    fn confirm_on_chain<'a>(
        &'a self,
        rpc_url: &'a str,
        quote: &'a Quote,
        signed: &'a SignedPayment,
        tx: &'a str,
        wait: std::time::Duration,
        charged: Option<alloy_primitives::U256>,
    ) -> BoxFuture<'a, Result<OnChain>>;

    /// What a signed but refused payment still is, for the message that reports the refusal.
    fn still_open(&self, signed: &SignedPayment) -> String;

    /// When the chain already shows that `signed` can never move money (Solana: not landed,
    /// and the chain past its blockhash's last valid block height), what to say instead of
    /// [`Scheme::still_open`]; the flow then records it `expired`. `None` when it may still
    /// move money, or the chain cannot be asked.
    fn lapsed<'a>(
        &'a self,
        _quote: &'a Quote,
        _signed: &'a SignedPayment,
    ) -> BoxFuture<'a, Option<String>> {
        Box::pin(async { None })
    }
}

/// How long one chain read after a receipt wait may take.
const READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// The opening of an EVM scheme's [`Scheme::confirm_on_chain`]: the transaction a server named,
/// as a hash, and a client whose timeout covers the whole `wait` (one receipt poll may last
/// it) and the reads after it. `None` when `tx` is not a transaction hash: no node knows it,
/// so the chain cannot show it used the payment, and none is asked.
pub(super) fn evm_receipt_wait(
    tx: &str,
    wait: std::time::Duration,
) -> Result<Option<(alloy_primitives::B256, reqwest::Client)>> {
    let Ok(hash) = tx.trim().parse::<alloy_primitives::B256>() else {
        return Ok(None);
    };
    let client = crate::http::client(&crate::http::ClientOptions {
        timeout: Some(wait.max(READ_TIMEOUT)),
        ..Default::default()
    })?;
    Ok(Some((hash, client)))
}

/// The scheme that pays `quote`.
pub fn of(quote: &Quote) -> &'static dyn Scheme {
    match quote.scheme {
        policy::Scheme::Eip3009 { .. } => &eip3009::Eip3009,
        policy::Scheme::Permit2(_) => &permit2::Permit2,
        policy::Scheme::Svm(_) => &svm::Svm,
    }
}

/// The family of account that pays `quote`: its network's.
pub fn family(quote: &Quote) -> Family {
    quote.network.family()
}

/// What identifies the request a payment is for, as the journal records it.
pub struct RequestId {
    pub url: String,
    pub method: String,
    pub body_sha256: String,
}

/// The journal's `pending` record of `signed`.
pub fn journal_record(
    request: RequestId,
    version: u8,
    quote: &Quote,
    signed: &SignedPayment,
) -> Result<journal::Signed> {
    let (memo, blockhash, last_valid_block_height) = svm::journal_fields(&signed.detail);
    Ok(journal::Signed {
        time: jiff::Timestamp::now(),
        url: request.url,
        method: request.method,
        body_sha256: request.body_sha256,
        version,
        network: quote.network.caip2(),
        network_name: quote.network.name().to_string(),
        asset: quote.asset.id.clone(),
        symbol: quote.asset.symbol.clone(),
        decimals: quote.asset.decimals,
        amount: quote.amount,
        pay_to: quote.pay_to.clone(),
        payer: signed.payer.clone(),
        nonce: signed.nonce.clone(),
        valid_after: signed.valid_after,
        valid_before: signed.valid_before,
        payment_id: signed.payment_id.clone(),
        scheme: if quote.is_upto() {
            journal::SchemeName::Upto
        } else {
            journal::SchemeName::Exact
        },
        transfer: match signed.detail {
            Detail::Eip3009 => journal::Transfer::Eip3009,
            Detail::Permit2 { .. } => journal::Transfer::Permit2,
            Detail::Svm(_) => journal::Transfer::Svm,
        },
        memo,
        blockhash,
        last_valid_block_height,
        spender: match signed.detail {
            Detail::Permit2 { spender } => Some(spender.to_checksum(None)),
            Detail::Eip3009 | Detail::Svm(_) => None,
        },
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::network::{Chain, Networks, Token};
    use alloy_primitives::{Address, U256};

    /// An EVM quote on base-sepolia for `scheme`.
    pub(crate) fn evm_quote(scheme: policy::Scheme) -> Quote {
        let networks = Networks::built_in();
        let network = networks.find("base-sepolia").unwrap().clone();
        let asset = network.assets[0].clone();
        Quote {
            index: 0,
            network: Chain::Evm(network),
            asset: Token::of_evm(&asset),
            amount: U256::from(2_000u64),
            pay_to: Address::repeat_byte(0x33).to_checksum(None),
            max_timeout_seconds: 60,
            scheme,
        }
    }

    pub(crate) fn permit2_terms() -> crate::payment::permit2::Terms {
        crate::payment::permit2::Terms {
            index: 0,
            kind: crate::payment::permit2::Kind::Upto {
                facilitator: Address::repeat_byte(0x44),
            },
            chain_id: 84532,
            token: Address::repeat_byte(0x11),
            amount: U256::from(2_000u64),
            pay_to: Address::repeat_byte(0x33),
            max_timeout_seconds: 60,
            token_domain: None,
        }
    }

    pub(crate) fn signed(nonce: &str, detail: Detail) -> SignedPayment {
        SignedPayment {
            header_name: "PAYMENT-SIGNATURE",
            header_value: String::new(),
            nonce: nonce.into(),
            payer: Address::repeat_byte(0x22).to_checksum(None),
            valid_after: 1_000,
            valid_before: 1_060,
            payment_id: None,
            detail,
        }
    }

    #[test]
    fn only_a_transaction_hash_is_waited_for() {
        let wait = std::time::Duration::from_secs(5);
        let hash = format!("0x{}", "ab".repeat(32));
        let (parsed, _) = evm_receipt_wait(&hash, wait).unwrap().unwrap();
        assert_eq!(format!("{parsed:#x}"), hash);
        for bad in ["", "0x12", "0x??>>", "not a hash"] {
            assert!(evm_receipt_wait(bad, wait).unwrap().is_none(), "{bad}");
        }
    }

    /// Both EVM schemes open their receipt wait the same way: a server's `transaction` that is
    /// no hash is answered at once, without asking a node (none listens at this URL).
    #[tokio::test]
    async fn both_evm_schemes_answer_a_non_hash_without_asking_the_node() {
        let closed = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            format!("http://{}", l.local_addr().unwrap())
        };
        let wait = std::time::Duration::from_millis(200);
        let networks = Networks::built_in();
        let usdc = networks.find("base-sepolia").unwrap().assets[0].clone();
        let eip3009 = evm_quote(policy::Scheme::Eip3009 {
            asset: usdc,
            pay_to: Address::repeat_byte(0x33),
            domain_name: "USDC".into(),
            domain_version: "2".into(),
        });
        let nonce = format!("0x{}", "cd".repeat(32));
        let s = signed(&nonce, Detail::Eip3009);
        let said = eip3009::Eip3009
            .confirm_on_chain(&closed, &eip3009, &s, "0x??>>", wait, None)
            .await
            .unwrap();
        assert_eq!(said, OnChain::NotYet);
        let upto = evm_quote(policy::Scheme::Permit2(permit2_terms()));
        let s = signed(
            "1234",
            Detail::Permit2 {
                spender: Address::repeat_byte(0x40),
            },
        );
        let said = permit2::Permit2
            .confirm_on_chain(&closed, &upto, &s, "0x??>>", wait, None)
            .await
            .unwrap();
        assert_eq!(said, OnChain::NotYet);
        // A hash is looked for: the closed node is an error, never a verdict.
        let hash = format!("0x{}", "ab".repeat(32));
        let s = signed(&nonce, Detail::Eip3009);
        assert!(
            eip3009::Eip3009
                .confirm_on_chain(&closed, &eip3009, &s, &hash, wait, None)
                .await
                .is_err()
        );
    }
}
