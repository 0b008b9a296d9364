//! What the payment engine asks of a front end, as `x402 mcp` answers it: no person is ever
//! asked (the limits decide: [`Agent`]), and the accounts are the ones unlocked at start, one
//! per family ([`Wallet`]).

use super::limits::{Limits, Session};
use crate::amount::UserAmount;
use crate::commands::wallet::Owner;
use crate::exit::UsageError;
use crate::keystore::Keystore;
use crate::network::Family;
use crate::payment::engine::{Accounts, Confirm, Key, Refusal};
use crate::payment::policy::Quote;
use crate::svm::Keypair;
use alloy_signer_local::PrivateKeySigner;
use anyhow::Result;
use solana_signer::Signer as _;

/// An agent's tool call: no one to ask. A payment within the limits is made (the engine is
/// told `yes`), one beyond this server's own limits (a call's `max_amount`, the session
/// budget) is refused here.
pub struct Agent<'s> {
    pub limits: &'s Limits,
    /// The call's `max_amount`.
    pub tool_max: Option<&'s UserAmount>,
    /// What this server has paid so far (held for the whole call).
    pub session: &'s Session,
}

impl Confirm for Agent<'_> {
    fn interactive(&self) -> bool {
        false
    }

    /// Never asked: without a person, the engine refuses what needs a yes.
    fn confirm(&mut self, _quote: &Quote, _prompt: &str) -> Result<bool> {
        Ok(false)
    }

    fn over_limit(&self, quote: &Quote) -> Option<Refusal> {
        self.limits
            .over_limit(quote, self.tool_max, self.session.spent(quote))
    }
}

/// An account unlocked when the server started, with its key.
pub struct Unlocked<K> {
    pub keystore: Keystore,
    pub key: K,
}

/// The accounts this server pays from, unlocked at start: one per family the user has (at
/// least one). Each is found without a password, its key handed to the engine for one
/// signature (a copy, wiped when the engine drops it).
pub struct Wallet {
    pub evm: Option<Unlocked<PrivateKeySigner>>,
    pub solana: Option<Unlocked<Keypair>>,
}

impl Wallet {
    /// The EVM account unlocked with `signer`: its keystore records the address from now on,
    /// also a keystore file that does not.
    pub fn evm(mut keystore: Keystore, signer: PrivateKeySigner) -> Unlocked<PrivateKeySigner> {
        keystore.address = Some(signer.address());
        Unlocked {
            keystore,
            key: signer,
        }
    }

    /// The served account of `family`, as `balance` names it: its name and address.
    pub fn owner(&self, family: Family) -> Result<(String, Owner)> {
        match family {
            Family::Evm => self
                .evm
                .as_ref()
                .map(|a| (a.keystore.name.clone(), Owner::Evm(a.key.address()))),
            Family::Solana => self
                .solana
                .as_ref()
                .map(|a| (a.keystore.name.clone(), Owner::Solana(a.key.pubkey()))),
        }
        .ok_or_else(|| {
            UsageError(format!(
                "x402 mcp serves no {} account (start it with one: --account NAME, or {} in \
                 config.toml)",
                super::family_name(family),
                super::default_key(family)
            ))
            .into()
        })
    }

    /// The accounts in words: `EVM account 'payer' (0x…) and Solana account 'sol' (…)`.
    pub fn describe(&self) -> String {
        let evm = self.evm.as_ref().map(|a| {
            format!(
                "EVM account '{}' ({})",
                a.keystore.name,
                a.key.address().to_checksum(None)
            )
        });
        let solana = self
            .solana
            .as_ref()
            .map(|a| format!("Solana account '{}' ({})", a.keystore.name, a.key.pubkey()));
        evm.into_iter()
            .chain(solana)
            .collect::<Vec<_>>()
            .join(" and ")
    }
}

/// A payment of `family` and no account of it served.
fn none_of(family: Family) -> anyhow::Error {
    let other = match family {
        Family::Evm => Family::Solana,
        Family::Solana => Family::Evm,
    };
    UsageError(format!(
        "x402 mcp serves {} account only and the option chosen is paid by {} account: start \
         the server with one (--account NAME, or {} in config.toml), or name another network \
         with the call's network argument",
        super::article(other),
        super::article(family),
        super::default_key(family)
    ))
    .into()
}

impl Accounts for Wallet {
    fn find(&self, family: Family) -> Result<Keystore> {
        let found = match family {
            Family::Evm => self.evm.as_ref().map(|a| &a.keystore),
            Family::Solana => self.solana.as_ref().map(|a| &a.keystore),
        };
        found.cloned().ok_or_else(|| none_of(family))
    }

    fn unlock(&self, keystore: &Keystore) -> Result<Key> {
        let family = keystore.family();
        let key = match family {
            Family::Evm => self.evm.as_ref().map(|a| Key::Evm(a.key.clone())),
            // The engine owns the key it signs with: a copy, wiped when it is dropped.
            Family::Solana => self
                .solana
                .as_ref()
                .map(|a| Key::Svm(a.key.insecure_clone())),
        };
        key.ok_or_else(|| none_of(family))
    }
}
