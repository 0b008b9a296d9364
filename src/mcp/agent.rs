//! What the payment engine asks of a front end, as `x402 mcp` answers it: no person is ever
//! asked (the limits decide: [`Agent`]), and the account is the one unlocked at start
//! ([`Unlocked`]).

use super::limits::{Limits, Session};
use crate::amount::UserAmount;
use crate::exit::UsageError;
use crate::keystore::Keystore;
use crate::network::Family;
use crate::payment::engine::{Accounts, Confirm, Key, Refusal};
use crate::payment::policy::Quote;
use alloy_signer_local::PrivateKeySigner;
use anyhow::Result;

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

/// The account unlocked when the server started: found without a password, its key handed
/// to the engine for one signature (a copy that is wiped when the engine drops it).
pub struct Unlocked<'s> {
    pub keystore: &'s Keystore,
    pub signer: &'s PrivateKeySigner,
}

impl Accounts for Unlocked<'_> {
    fn find(&self, family: Family) -> Result<Keystore> {
        match family {
            Family::Evm => {
                let mut keystore = self.keystore.clone();
                // Known since the unlock, also for a keystore file that does not record it.
                keystore.address = Some(self.signer.address());
                Ok(keystore)
            }
            Family::Solana => Err(UsageError(format!(
                "x402 mcp serves the EVM account '{}': it cannot pay a Solana option (name \
                 another network with the call's network argument)",
                self.keystore.name
            ))
            .into()),
        }
    }

    fn unlock(&self, _keystore: &Keystore) -> Result<Key> {
        Ok(Key::Evm(self.signer.clone()))
    }
}
