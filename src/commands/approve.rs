//! `x402 wallet approve`: let Permit2 move a token of the account, the one-time step a
//! Permit2 or `upto` payment needs when the server offers no gas-sponsored approval. Shows the
//! current allowance, asks (or takes `--yes`), sends `approve(spender, amount)` from the
//! account, waits for the receipt, and reads the allowance back from the chain.
//!
//! The first command that sends a transaction: it goes through [`crate::evm_tx`] (chain id
//! check, pending nonce, fees, gas estimate, gas-balance check). Nothing is signed before the
//! confirmation, and the keystore is only unlocked after it (unless the file does not record
//! its address, as Foundry's do not: then the password is asked first, to know whose
//! allowance to show).

use crate::amount;
use crate::cli::{ApproveArgs, Spender};
use crate::error::{Failed, UsageError};
use crate::evm_tx::{self, Call, Chain, Receipt};
use crate::exit::ExitStatus;
use crate::http::{self, ClientOptions};
use crate::keystore::Keystore;
use crate::network::Network;
use crate::payment::permit2::{PERMIT2_ADDRESS, chain};
use crate::settings::Context;
use alloy_primitives::{Address, U256};
use alloy_signer_local::PrivateKeySigner;
use alloy_sol_types::{SolCall, sol};
use anyhow::Result;
use serde_json::{Value, json};
use std::io::IsTerminal;
use std::time::Duration;

sol! {
    function approve(address spender, uint256 amount) external returns (bool);
}

/// The token being approved, as the user will see it.
struct Token {
    address: Address,
    symbol: String,
    decimals: u8,
}

impl Token {
    fn show(&self, base: U256) -> String {
        if base == U256::MAX {
            format!("unlimited {}", self.symbol)
        } else {
            amount::display(base, self.decimals, &self.symbol)
        }
    }

    fn json(&self, base: U256) -> Value {
        json!({
            "amount_decimal": if base == U256::MAX { "unlimited".to_owned() } else { amount::format_units(base, self.decimals) },
            "base_units": base.to_string(),
        })
    }
}

fn failed(status: ExitStatus, message: impl Into<String>) -> anyhow::Error {
    Failed {
        status,
        message: message.into(),
    }
    .into()
}

/// `--asset`: an address (any token; its decimals are read from the chain when the network
/// table does not know it), or the symbol of one of the network's known assets.
async fn resolve_token(
    net: &Network,
    asset: &str,
    rpc: &crate::rpc::Rpc<'_>,
    url: &str,
) -> Result<Token> {
    let text = asset.trim();
    if text.starts_with("0x") || text.starts_with("0X") {
        let address: Address = text
            .parse()
            .map_err(|_| UsageError(format!("--asset {text}: not an address")))?;
        if let Some(a) = net.asset(&address) {
            return Ok(Token {
                address,
                symbol: a.symbol.clone(),
                decimals: a.decimals,
            });
        }
        let decimals = chain::decimals(rpc, url, address).await?;
        return Ok(Token {
            address,
            symbol: address.to_checksum(None),
            decimals,
        });
    }
    net.assets
        .iter()
        .find(|a| a.symbol.eq_ignore_ascii_case(text))
        .map(|a| Token {
            address: a.address,
            symbol: a.symbol.clone(),
            decimals: a.decimals,
        })
        .ok_or_else(|| {
            let known: Vec<&str> = net.assets.iter().map(|a| a.symbol.as_str()).collect();
            UsageError(format!(
                "--asset {text}: no such token on {} (known: {}); give its address",
                net.name,
                if known.is_empty() {
                    "none".to_owned()
                } else {
                    known.join(", ")
                }
            ))
            .into()
        })
}

/// What one approval is about: the account, the token, the spender, and the allowance before
/// and wanted.
struct Approval<'a> {
    net: &'a Network,
    url: &'a str,
    spender: Address,
    spender_name: &'static str,
    ks: Keystore,
    owner: Address,
    token: Token,
    before: U256,
    target: U256,
}

pub async fn run(ctx: &Context<'_>, args: ApproveArgs) -> Result<ExitStatus> {
    let p = ctx.printer;
    let (net, url) = network_and_rpc(ctx, &args)?;
    let (spender, spender_name) = match args.spender {
        Spender::Permit2 => (PERMIT2_ADDRESS, "Permit2"),
    };
    let ks = ctx.account(args.name.as_deref(), &args.account)?;
    // A file that does not say whose it is is unlocked now, to know whose allowance to show.
    let mut signer: Option<PrivateKeySigner> = None;
    let owner = match ks.address {
        Some(a) => a,
        None => {
            let s = ctx.unlock(&ks, &args.password)?;
            let a = s.address();
            signer = Some(s);
            a
        }
    };

    let client = http::client(&ClientOptions {
        connect_timeout: Some(Duration::from_secs(10)),
        timeout: Some(Duration::from_secs(30)),
        ..ClientOptions::default()
    })?;
    let chain = Chain::for_network(&client, &url, &net);
    chain.check_chain().await?;
    let token = resolve_token(&net, &args.asset, &chain.rpc, &url).await?;
    let target = target_of(&args, &token)?;
    let before = chain::allowance(&chain.rpc, &url, token.address, owner, spender).await?;
    let a = Approval {
        net: &net,
        url: &url,
        spender,
        spender_name,
        ks,
        owner,
        token,
        before,
        target,
    };
    p.info(format!(
        "{} ({}) lets {spender_name} move {} on {}",
        a.ks.name,
        owner.to_checksum(None),
        a.token.show(before),
        a.net.name
    ));
    if before == target {
        p.info("the allowance is already that: nothing to send");
        if args.json {
            p.json(&a.document(None, before))?;
        } else {
            p.result(&format!("allowance {}", a.token.show(before)))?;
        }
        return Ok(ExitStatus::Success);
    }
    a.confirm(p, args.yes)?;
    let signer = match signer {
        Some(s) => s,
        None => ctx.unlock(&a.ks, &args.password)?,
    };
    if signer.address() != owner {
        return Err(failed(
            ExitStatus::Wallet,
            format!(
                "{} says it is {owner}, but its key is {}'s",
                a.ks.path.display(),
                signer.address()
            ),
        ));
    }
    let receipt = a.send(p, &chain, &signer, args.timeout).await?;
    a.report(p, &chain, &receipt, args.json).await
}

/// `--network` and the RPC URL (`--rpc-url`, else config.toml's).
fn network_and_rpc(ctx: &Context<'_>, args: &ApproveArgs) -> Result<(Network, String)> {
    let net = ctx
        .networks
        .find(args.network.as_str())
        .cloned()
        .ok_or_else(|| UsageError(format!("unknown network '{}'", args.network)))?;
    let url = args
        .rpc_url
        .clone()
        .or_else(|| net.rpc_url.clone())
        .ok_or_else(|| {
            UsageError(format!(
                "no RPC URL for {}: set [rpc] {} = \"URL\" in config.toml or pass --rpc-url",
                net.name, net.name
            ))
        })?;
    Ok((net, url))
}

/// The allowance asked for: `--revoke` (0), `--unlimited`, or `--amount` in `token`'s units.
fn target_of(args: &ApproveArgs, token: &Token) -> Result<U256> {
    if args.revoke {
        Ok(U256::ZERO)
    } else if args.unlimited {
        Ok(U256::MAX)
    } else if let Some(a) = &args.amount {
        Ok(a.to_base_units(token.decimals)
            .map_err(|e| UsageError(format!("--amount: {e}")))?)
    } else {
        Err(UsageError("say how much: --amount AMOUNT, --unlimited or --revoke".into()).into())
    }
}

impl Approval<'_> {
    /// The `--json` document, before (`receipt` `None`) or after the transaction.
    fn document(&self, receipt: Option<&Receipt>, after: U256) -> Value {
        let (net, token) = (self.net, &self.token);
        json!({
            "account": self.ks.name,
            "address": self.owner.to_checksum(None),
            "network": net.name,
            "caip2": net.caip2(),
            "chain_id": net.chain_id,
            "asset": {
                "symbol": token.symbol,
                "address": token.address.to_checksum(None),
                "decimals": token.decimals,
            },
            "spender": {
                "name": self.spender_name.to_ascii_lowercase(),
                "address": self.spender.to_checksum(None),
            },
            "previous_allowance": token.json(self.before),
            "allowance": token.json(after),
            "transaction": receipt.map(|r| json!({
                "hash": r.hash.to_string(),
                "block": r.block_number,
                "gas_used": r.gas_used,
                "effective_gas_price": r.effective_gas_price.to_string(),
                "explorer": net.explorer_link(&r.hash.to_string()),
            })),
        })
    }

    /// Asked at a terminal unless `--yes`; off a terminal without `--yes`, declined.
    fn confirm(&self, p: &crate::output::Printer, yes: bool) -> Result<()> {
        if yes {
            return Ok(());
        }
        let spender_name = self.spender_name;
        let action = if self.target.is_zero() {
            format!(
                "Revoke {spender_name}'s allowance for {}",
                self.token.symbol
            )
        } else {
            format!("Let {spender_name} move {}", self.token.show(self.target))
        };
        let question = format!(
            "{action} from {} on {}? This sends a transaction; the account pays its gas",
            self.ks.name, self.net.name
        );
        if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
            return Err(failed(
                ExitStatus::Declined,
                "not sending the approve transaction without confirmation: pass --yes to send \
                 it from a script",
            ));
        }
        let yes = p.ask_yes_no(&question);
        if !yes {
            return Err(failed(
                ExitStatus::Declined,
                "approval declined: nothing sent",
            ));
        }
        Ok(())
    }

    /// Sends `approve(spender, target)` and waits up to `wait` for its receipt.
    async fn send(
        &self,
        p: &crate::output::Printer,
        chain: &Chain<'_>,
        signer: &PrivateKeySigner,
        wait: Duration,
    ) -> Result<Receipt> {
        let (net, token) = (self.net, &self.token);
        let call = Call {
            to: token.address,
            data: approveCall {
                spender: self.spender,
                amount: self.target,
            }
            .abi_encode(),
            value: U256::ZERO,
        };
        let spinner = std::cell::RefCell::new(None);
        let receipt = evm_tx::send(chain, signer, &call, wait, |hash| {
            p.info(format!("sent transaction {hash}"));
            if let Some(link) = net.explorer_link(&hash.to_string()) {
                p.detail(link);
            }
            *spinner.borrow_mut() = p.spinner("waiting for the transaction to be mined");
        })
        .await;
        drop(spinner.take());
        match receipt {
            // USDT and tokens like it refuse to change an allowance that is not 0.
            Err(e @ evm_tx::TxError::WouldRevert { .. })
                if !self.before.is_zero() && !self.target.is_zero() =>
            {
                Err(anyhow::Error::new(e).context(format!(
                    "the token refused to change the allowance from {} to {}; some tokens (USDT \
                     among them) only change it from 0: run this again with --revoke first",
                    token.show(self.before),
                    token.show(self.target)
                )))
            }
            other => Ok(other?),
        }
    }

    /// The allowance read back from the chain after `receipt`, shown, and checked against the
    /// target.
    async fn report(
        &self,
        p: &crate::output::Printer,
        chain: &Chain<'_>,
        receipt: &Receipt,
        json: bool,
    ) -> Result<ExitStatus> {
        let token = &self.token;
        let after = chain::allowance(
            &chain.rpc,
            self.url,
            token.address,
            self.owner,
            self.spender,
        )
        .await?;
        p.info(format!(
            "mined in block {} ({} gas); {} may now move {}",
            receipt.block_number,
            receipt.gas_used,
            self.spender_name,
            token.show(after)
        ));
        if json {
            p.json(&self.document(Some(receipt), after))?;
        } else {
            p.result(&format!("transaction {}", receipt.hash))?;
            p.result(&format!("allowance {}", token.show(after)))?;
        }
        if after != self.target {
            return Err(failed(
                ExitStatus::Failure,
                format!(
                    "the transaction was mined, but the chain says the allowance is {}, not {}",
                    token.show(after),
                    token.show(self.target)
                ),
            ));
        }
        Ok(ExitStatus::Success)
    }
}
