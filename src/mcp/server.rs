//! The MCP handler: the handshake's server info, the tool list, and routing a `tools/call` to
//! its tool. A call whose arguments do not fit the tool's input schema is a JSON-RPC error
//! (`-32602`); a tool that ran and failed answers with `isError: true`. Nothing here panics on
//! what a client sends.

use super::agent::Wallet;
use super::limits::{Limits, Session};
use super::tools;
use crate::cli::PasswordArgs;
use crate::settings::Context;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, ErrorData, Implementation, InitializeResult,
    ListToolsResult, PaginatedRequestParams, ServerCapabilities, ServerConfig,
};
use rmcp::service::{RequestContext, RoleServer};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::sync::Arc;

/// What every tool call may use, for the life of the process.
pub struct State {
    pub ctx: Context<'static>,
    /// The unlocked accounts, one per family; their keys are dropped (and wiped) when the
    /// server stops.
    pub wallet: Wallet,
    /// The password file, for an account other than the unlocked ones whose keystore does not
    /// record its address (`balance {account}`).
    pub password: PasswordArgs,
    pub limits: Limits,
    /// What this process has paid; held by one `fetch` at a time, from its limits checked to
    /// its payment's outcome.
    pub session: tokio::sync::Mutex<Session>,
}

#[derive(Clone)]
pub struct Server {
    state: Arc<State>,
}

impl Server {
    pub fn new(
        ctx: Context<'static>,
        wallet: Wallet,
        password: PasswordArgs,
        limits: Limits,
    ) -> Self {
        Server {
            state: Arc::new(State {
                ctx,
                wallet,
                password,
                limits,
                session: Default::default(),
            }),
        }
    }
}

/// The arguments of a call, as the tool's type: a missing, mistyped or unknown argument is
/// an invalid-params error naming the tool.
fn arguments<T: DeserializeOwned>(
    tool: &str,
    args: Option<rmcp::model::JsonObject>,
) -> Result<T, ErrorData> {
    let value = Value::Object(args.unwrap_or_default());
    serde_json::from_value(value)
        .map_err(|e| ErrorData::invalid_params(format!("{tool}: invalid arguments: {e}"), None))
}

impl rmcp::ServerHandler for Server {
    fn get_info(&self) -> ServerConfig {
        InitializeResult::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new(
                super::SERVER_NAME,
                env!("CARGO_PKG_VERSION"),
            ))
            .with_instructions(format!(
                "x402 wallet of the {}. `fetch` gets a URL and pays its HTTP 402 within the \
                 limits; `inspect` shows what a URL asks to be paid without paying, `balance` \
                 the wallet's balances, `history` the payments made. Limits of this session: \
                 {}. A payment over a limit is not made: the result says which limit and by \
                 how much, for you to ask the user.",
                self.state.wallet.describe(),
                self.state.limits.describe()
            ))
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(tools::list()))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let state = &self.state;
        let name = request.name.as_ref();
        let args = request.arguments;
        let result = match name {
            tools::INSPECT => tools::inspect(state, arguments(name, args)?).await,
            tools::BALANCE => tools::balance(state, arguments(name, args)?).await,
            tools::HISTORY => tools::history(state, arguments(name, args)?),
            tools::FETCH => super::fetch::fetch(state, arguments(name, args)?).await,
            other => {
                return Err(ErrorData::invalid_params(
                    format!(
                        "no tool named '{other}' (tools: {})",
                        tools::NAMES.join(", ")
                    ),
                    None,
                ));
            }
        };
        Ok(result.into())
    }
}
