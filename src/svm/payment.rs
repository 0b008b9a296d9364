//! Preparing an SVM `exact` payment: from a read option ([`SvmExact`]) and the paying key to
//! the signed payload, with the chain reads the reference client makes and the preflight it
//! does not: the mint's decimals and token program (from the network table when it knows the
//! mint, else `getAccountInfo`), a blockhash (`extra.recentBlockhash`, else
//! `getLatestBlockhash`), and a refusal before signing when payTo's token account does not
//! exist (neither client nor facilitator creates it) or the payer's holds too little.
//!
//! The caller decides whether to pay (caps, confirmation, budget), journals [`Prepared`]
//! (signature, memo, blockhash and its last valid block height) before the payload leaves,
//! and sends [`Prepared::payload`].

use super::address::associated_token_address;
use super::requirement::SvmExact;
use super::rpc::{Mint, SvmRpc, TokenAccount};
use super::transaction::{BuildError, PaymentTerms, SignedTransaction, build, random_memo};
use crate::exit::ExitStatus;
use crate::rpc::RpcError;
use solana_hash::Hash;
use solana_keypair::{Keypair, Signer};
use solana_pubkey::Pubkey;

/// A signed payment, ready to be journaled and sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prepared {
    pub transaction: SignedTransaction,
    /// The memo the transaction carries (the seller's, or the random one made here).
    pub memo: String,
    pub blockhash: Hash,
    /// After this block height the transaction can no longer land; `None` when the server gave
    /// a blockhash without it.
    pub last_valid_block_height: Option<u64>,
    pub mint: Mint,
    /// What the payer's token account held before signing.
    pub balance: u64,
}

impl Prepared {
    /// `payload` of the payment header: `{"transaction": "<base64>"}`.
    pub fn payload(&self) -> serde_json::Value {
        self.transaction.payload()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PrepareError {
    #[error(
        "{pay_to} has no token account for {mint} ({account}); the payment cannot land until it exists"
    )]
    DestinationMissing {
        pay_to: Pubkey,
        mint: Pubkey,
        account: Pubkey,
    },
    #[error("the paying account holds {have} base units of {mint} and the payment is {need}")]
    InsufficientFunds { have: u64, need: u64, mint: Pubkey },
    #[error("{account} is a token account of {found}, not of {mint}")]
    WrongMint {
        account: Pubkey,
        found: Pubkey,
        mint: Pubkey,
    },
    #[error("{0}")]
    Build(#[from] BuildError),
    #[error("{0}")]
    Rpc(#[from] RpcError),
}

impl PrepareError {
    /// The exit status of a refusal; `None` for RPC failures, which `crate::error` classifies
    /// from the [`RpcError`] it finds in the chain (curl's transport codes).
    pub fn status(&self) -> Option<ExitStatus> {
        match self {
            Self::InsufficientFunds { .. } => Some(ExitStatus::InsufficientFunds),
            Self::DestinationMissing { .. } | Self::WrongMint { .. } | Self::Build(_) => {
                Some(ExitStatus::NoAcceptableOption)
            }
            Self::Rpc(_) => None,
        }
    }
}

/// The mint's program and decimals: the network table's when it lists the mint, else the
/// chain's.
async fn mint_of(rpc: &SvmRpc<'_>, exact: &SvmExact) -> Result<Mint, RpcError> {
    match exact.network.asset(&exact.mint) {
        Some(asset) => Ok(Mint {
            program: asset.program,
            decimals: asset.decimals,
        }),
        None => rpc.mint(&exact.mint).await,
    }
}

fn check_mint(
    account: Pubkey,
    found: Option<TokenAccount>,
    mint: &Pubkey,
) -> Result<Option<TokenAccount>, PrepareError> {
    match found {
        Some(a) if a.mint != *mint => Err(PrepareError::WrongMint {
            account,
            found: a.mint,
            mint: *mint,
        }),
        other => Ok(other),
    }
}

/// Refuses a payment that cannot land: payTo's token account must exist and the payer's hold
/// at least the amount. Returns what the payer's holds.
fn judge_accounts(
    exact: &SvmExact,
    (destination, to): (Pubkey, Option<TokenAccount>),
    (source, from): (Pubkey, Option<TokenAccount>),
) -> Result<u64, PrepareError> {
    if check_mint(destination, to, &exact.mint)?.is_none() {
        return Err(PrepareError::DestinationMissing {
            pay_to: exact.pay_to,
            mint: exact.mint,
            account: destination,
        });
    }
    let balance = check_mint(source, from, &exact.mint)?.map_or(0, |a| a.amount);
    if balance < exact.amount {
        return Err(PrepareError::InsufficientFunds {
            have: balance,
            need: exact.amount,
            mint: exact.mint,
        });
    }
    Ok(balance)
}

/// The checks of [`prepare`] without a key, for the quote: the mint, payTo's token account and
/// the balance of `payer`'s. Returns what the payer's token account holds.
pub async fn preflight(
    rpc: &SvmRpc<'_>,
    exact: &SvmExact,
    payer: &Pubkey,
) -> Result<u64, PrepareError> {
    let mint = mint_of(rpc, exact).await?;
    let source = associated_token_address(payer, &exact.mint, mint.program);
    let destination = associated_token_address(&exact.pay_to, &exact.mint, mint.program);
    let (to, from) = tokio::try_join!(rpc.token_account(&destination), rpc.token_account(&source))?;
    judge_accounts(exact, (destination, to), (source, from))
}

/// What [`read`] found on chain for one payment: the mint, the blockhash to sign with (and its
/// last valid block height when known), and what the payer's token account holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reads {
    pub mint: Mint,
    pub blockhash: Hash,
    pub last_valid_block_height: Option<u64>,
    pub balance: u64,
}

/// Reads what the payment needs for `payer` (the mint, a blockhash, payTo's and the payer's
/// token accounts) and refuses what cannot land. Reads only: [`sign`] then signs without
/// asking the chain, so a caller can read before it takes a lock and sign under it.
pub async fn read(
    rpc: &SvmRpc<'_>,
    exact: &SvmExact,
    payer: &Pubkey,
) -> Result<Reads, PrepareError> {
    let mint = mint_of(rpc, exact).await?;
    let source = associated_token_address(payer, &exact.mint, mint.program);
    let destination = associated_token_address(&exact.pay_to, &exact.mint, mint.program);
    let blockhash = async {
        match &exact.recent_blockhash {
            Some(hash) => Ok((hash.clone(), exact.last_valid_block_height)),
            None => rpc
                .latest_blockhash()
                .await
                .map(|(hash, last)| (hash, Some(last))),
        }
    };
    let (to, from, (blockhash, last_valid_block_height)) = tokio::try_join!(
        rpc.token_account(&destination),
        rpc.token_account(&source),
        blockhash
    )?;
    let balance = judge_accounts(exact, (destination, to), (source, from))?;
    Ok(Reads {
        mint,
        blockhash,
        last_valid_block_height,
        balance,
    })
}

/// Signs the payment [`read`] prepared: the memo (the seller's, else a random one) and the v0
/// transaction with the payer's signature.
pub fn sign(exact: &SvmExact, reads: Reads, payer: &Keypair) -> Result<Prepared, PrepareError> {
    let memo = exact.memo.clone().unwrap_or_else(random_memo);
    let terms = PaymentTerms {
        fee_payer: exact.fee_payer,
        mint: exact.mint,
        program: reads.mint.program,
        decimals: reads.mint.decimals,
        pay_to: exact.pay_to,
        amount: exact.amount,
        memo: memo.clone(),
        blockhash: reads.blockhash.clone(),
    };
    let transaction = build(payer, &terms)?;
    Ok(Prepared {
        transaction,
        memo,
        blockhash: reads.blockhash,
        last_valid_block_height: reads.last_valid_block_height,
        mint: reads.mint,
        balance: reads.balance,
    })
}

/// [`read`] then [`sign`].
pub async fn prepare(
    rpc: &SvmRpc<'_>,
    exact: &SvmExact,
    payer: &Keypair,
) -> Result<Prepared, PrepareError> {
    let reads = read(rpc, exact, &payer.pubkey()).await?;
    sign(exact, reads, payer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::Networks;
    use crate::payment::challenge::Requirement;
    use crate::svm::address::TokenProgram;
    use crate::svm::address::{TOKEN_2022_PROGRAM, TOKEN_PROGRAM};
    use crate::svm::rpc::test_node::{self, account, context, mint_data, run, token_account_data};
    use crate::svm::transaction::decode;
    use serde_json::{Value, json};
    use solana_message::VersionedMessage;

    const USDC: &str = "4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU";
    const PAY_TO: &str = "2wKupLR9q6wXYppw8Gr2NvWxKBUqm4PPJKkQfoxHDBg4";
    const FEE_PAYER: &str = "EwWqGE4ZFKLofuestmU4LDdK7XM1N4ALgdZccwYugwGd";
    const BLOCKHASH: &str = "EETubP5AKHgjPAhzPAFcb8BAY1hMH639CWCFTqi3hq1k";
    /// A mint the network table does not know.
    const OTHER_MINT: &str = "9TrebetynnVZWoLS3BzZVPEgsrRGyTy6Fj7GuQY4ReRb";

    fn payer() -> Keypair {
        Keypair::new_from_array([1u8; 32])
    }

    fn option(mint: &str, extra: Value) -> SvmExact {
        let mut e = json!({"feePayer": FEE_PAYER});
        e.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        let raw = json!({
            "scheme": "exact",
            "network": "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1",
            "amount": "1000",
            "asset": mint,
            "payTo": PAY_TO,
            "maxTimeoutSeconds": 60,
            "extra": e,
        });
        crate::svm::requirement::read(&Requirement::parse(0, &raw, 2), &Networks::built_in())
            .unwrap()
    }

    /// A chain where the payer holds `payer_holds` (None: no account) and payTo has an account
    /// when `payee_exists`, both for `mint` under `program`.
    fn chain(
        mint: &str,
        program: TokenProgram,
        payer_holds: Option<u64>,
        payee_exists: bool,
    ) -> test_node::Node {
        let mint: Pubkey = mint.parse().unwrap();
        let payer = payer().pubkey();
        let pay_to: Pubkey = PAY_TO.parse().unwrap();
        let source = associated_token_address(&payer, &mint, program).to_string();
        let destination = associated_token_address(&pay_to, &mint, program).to_string();
        let owner = program.id().to_string();
        test_node::start(Box::new(move |method, params| {
            let key = params[0].as_str().unwrap_or("").to_string();
            match method {
                "getLatestBlockhash" => Ok(context(
                    json!({"blockhash": BLOCKHASH, "lastValidBlockHeight": 4242}),
                )),
                "getAccountInfo" if key == mint.to_string() => {
                    Ok(context(account(&owner, &mint_data(9))))
                }
                "getAccountInfo" if key == source => Ok(context(match payer_holds {
                    Some(n) => account(&owner, &token_account_data(&mint, &payer, n)),
                    None => Value::Null,
                })),
                "getAccountInfo" if key == destination && payee_exists => Ok(context(account(
                    &owner,
                    &token_account_data(&mint, &pay_to, 0),
                ))),
                "getAccountInfo" => Ok(context(Value::Null)),
                _ => Err(json!({"code": -32601, "message": "Method not found"})),
            }
        }))
    }

    fn client() -> reqwest::Client {
        crate::http::client(&Default::default()).unwrap()
    }

    #[test]
    fn prepares_a_known_mint_with_a_fetched_blockhash() {
        let node = chain(USDC, TokenProgram::Token, Some(5000), true);
        let client = client();
        let rpc = SvmRpc::new(&client, &node.url);
        let p = run(prepare(&rpc, &option(USDC, json!({})), &payer())).unwrap();
        assert_eq!(p.blockhash.to_string(), BLOCKHASH);
        assert_eq!(p.last_valid_block_height, Some(4242));
        assert_eq!((p.mint.decimals, p.balance), (6, 5000));
        assert_eq!(p.memo.len(), 32, "a random memo");
        let tx = decode(&p.transaction.bytes).unwrap();
        let VersionedMessage::V0(msg) = &tx.message else {
            panic!()
        };
        assert_eq!(msg.recent_blockhash.to_string(), BLOCKHASH);
        assert_eq!(msg.instructions[3].data, p.memo.as_bytes());
        assert_eq!(msg.instructions[2].data, [12, 0xe8, 3, 0, 0, 0, 0, 0, 0, 6]);
        assert_eq!(p.payload()["transaction"].as_str().unwrap().len() % 4, 0);
        // The table knows devnet USDC: the mint itself is not read.
        let seen = node.seen.lock().unwrap().clone();
        assert!(seen.iter().all(|r| r["params"][0] != USDC), "{seen:?}");
        assert!(node.methods().contains(&"getLatestBlockhash".to_string()));
    }

    #[test]
    fn reads_an_unknown_token_2022_mint_and_uses_the_offered_blockhash() {
        let node = chain(OTHER_MINT, TokenProgram::Token2022, Some(1000), true);
        let client = client();
        let rpc = SvmRpc::new(&client, &node.url);
        let extra =
            json!({"recentBlockhash": BLOCKHASH, "lastValidBlockHeight": 99, "memo": "order-7"});
        let p = run(prepare(&rpc, &option(OTHER_MINT, extra), &payer())).unwrap();
        assert_eq!(p.mint.program, TokenProgram::Token2022);
        assert_eq!(p.mint.decimals, 9);
        assert_eq!(p.last_valid_block_height, Some(99));
        assert_eq!(p.memo, "order-7");
        let tx = decode(&p.transaction.bytes).unwrap();
        let keys = tx.message.static_account_keys();
        let transfer = &tx.message.instructions()[2];
        assert_eq!(
            keys[usize::from(transfer.program_id_index)],
            TOKEN_2022_PROGRAM
        );
        assert_ne!(keys[usize::from(transfer.program_id_index)], TOKEN_PROGRAM);
        assert_eq!(transfer.data.last(), Some(&9));
        assert!(!node.methods().contains(&"getLatestBlockhash".to_string()));
    }

    #[test]
    fn refuses_before_signing() {
        let client = client();
        // payTo has no token account.
        let node = chain(USDC, TokenProgram::Token, Some(5000), false);
        let rpc = SvmRpc::new(&client, &node.url);
        let err = run(prepare(&rpc, &option(USDC, json!({})), &payer())).unwrap_err();
        assert!(
            matches!(err, PrepareError::DestinationMissing { .. }),
            "{err}"
        );
        assert_eq!(err.status(), Some(ExitStatus::NoAcceptableOption));
        assert!(err.to_string().contains(PAY_TO), "{err}");
        // The same without a key, for the quote.
        let err = run(preflight(&rpc, &option(USDC, json!({})), &payer().pubkey())).unwrap_err();
        assert!(
            matches!(err, PrepareError::DestinationMissing { .. }),
            "{err}"
        );
        let node = chain(USDC, TokenProgram::Token, Some(5000), true);
        let rpc = SvmRpc::new(&client, &node.url);
        let held = run(preflight(&rpc, &option(USDC, json!({})), &payer().pubkey()));
        assert_eq!(held.unwrap(), 5000);
        // The payer holds too little, or has no token account at all.
        for holds in [Some(999), None] {
            let node = chain(USDC, TokenProgram::Token, holds, true);
            let rpc = SvmRpc::new(&client, &node.url);
            let pre = run(preflight(&rpc, &option(USDC, json!({})), &payer().pubkey()));
            assert!(
                matches!(pre, Err(PrepareError::InsufficientFunds { need: 1000, .. })),
                "{pre:?}"
            );
            let err = run(prepare(&rpc, &option(USDC, json!({})), &payer())).unwrap_err();
            assert!(
                matches!(err, PrepareError::InsufficientFunds { have, need: 1000, .. } if have == holds.unwrap_or(0)),
                "{err}"
            );
            assert_eq!(err.status(), Some(ExitStatus::InsufficientFunds));
        }
        // An RPC failure is an error with the RpcError in its chain.
        let node = test_node::start(Box::new(|_, _| {
            Err(json!({"code": -32005, "message": "node is behind"}))
        }));
        let rpc = SvmRpc::new(&client, &node.url);
        let err = run(prepare(&rpc, &option(USDC, json!({})), &payer())).unwrap_err();
        assert!(
            matches!(err, PrepareError::Rpc(RpcError::JsonRpc { .. })),
            "{err}"
        );
        assert_eq!(err.status(), None);
        let err = anyhow::Error::new(err);
        assert!(err.chain().any(|c| c.downcast_ref::<RpcError>().is_some()));
    }
}
