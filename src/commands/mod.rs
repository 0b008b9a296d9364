//! The commands. Each takes resolved settings (`Context`) and the `Printer`, never clap's
//! whole `Cli`, and returns the exit status of a run that did its job.

pub mod approve;
pub mod completions;
pub mod get;
pub mod history;
pub mod inspect;
pub mod networks;
pub mod wallet;

use crate::cli::{Cli, Command};
use crate::exit::ExitStatus;
use crate::output::Printer;
use crate::settings::Context;
use anyhow::Result;

pub async fn run(cli: Cli, printer: &Printer) -> Result<ExitStatus> {
    match cli.command {
        Command::Completions(args) => completions::run(printer, &args),
        Command::Get(args) => {
            let ctx = Context::load(printer, cli.global.config.as_deref())?;
            get::run(&ctx, args).await
        }
        Command::Inspect(args) => {
            let ctx = Context::load(printer, cli.global.config.as_deref())?;
            inspect::run(&ctx, args).await
        }
        Command::History(args) => {
            let ctx = Context::load(printer, cli.global.config.as_deref())?;
            history::run(&ctx, args).await
        }
        Command::Networks(args) => {
            let ctx = Context::load(printer, cli.global.config.as_deref())?;
            networks::run(&ctx, &args)
        }
        Command::Mcp(args) => crate::mcp::run(printer, cli.global.config.as_deref(), args).await,
        Command::Wallet(cmd) => {
            let ctx = Context::load(printer, cli.global.config.as_deref())?;
            wallet::run(&ctx, cmd).await
        }
    }
}
