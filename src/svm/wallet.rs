//! The Solana side of `x402 wallet balance`: SOL and each stablecoin of the network, read from
//! the owner's associated token account. An account that does not exist holds zero; a node
//! that fails or answers nonsense is an error, never a zero.

use super::address::associated_token_address;
use super::network::{SvmAsset, SvmNetwork};
use super::rpc::SvmRpc;
use crate::rpc::RpcError;
use solana_pubkey::Pubkey;

/// Balances of one owner on one Solana network, in base units.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SvmBalances {
    pub tokens: Vec<(SvmAsset, u64)>,
    pub lamports: u64,
}

pub async fn query(
    client: &reqwest::Client,
    network: &SvmNetwork,
    url: &str,
    owner: Pubkey,
) -> Result<SvmBalances, RpcError> {
    let rpc = SvmRpc::new(client, url);
    let mut tokens = Vec::new();
    for asset in &network.assets {
        let ata = associated_token_address(&owner, &asset.mint, asset.program);
        let amount = match rpc.token_account(&ata).await? {
            None => 0,
            Some(account) if account.mint == asset.mint && account.owner == owner => account.amount,
            Some(account) => {
                return Err(RpcError::BadResponse {
                    url: url.to_string(),
                    detail: format!(
                        "{ata} holds mint {} for {}, not {} for {owner}",
                        account.mint, account.owner, asset.mint
                    ),
                });
            }
        };
        tokens.push((asset.clone(), amount));
    }
    let lamports = rpc.balance(&owner).await?;
    Ok(SvmBalances { tokens, lamports })
}
