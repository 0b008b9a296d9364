//! `x402`: pay HTTP 402 (x402) endpoints from the terminal.
//!
//! The crate is a library with a thin binary (`src/main.rs`) so that benchmarks, fuzz targets
//! and tests can drive the same engine the command uses. Its Rust API is not a stable interface:
//! the command line is.
//!
//! [`main`] is the one place that parses the command line, runs a command, renders a failure
//! and decides the exit status.

pub mod amount;
pub mod cli;
pub mod commands;
pub mod config;
pub mod error;
pub mod evm_tx;
pub mod exit;
pub mod fsutil;
pub mod http;
pub mod journal;
pub mod keystore;
pub mod mcp;
pub mod network;
pub mod output;
pub mod payment;
pub mod request;
pub mod rpc;
pub mod secret;
pub mod settings;
pub mod svm;
pub mod trace;

use output::{Printer, Verbosity};
use std::process::ExitCode;

/// Runs the command line and returns the process exit status.
pub fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse_ordered() {
        Ok(cli) => cli,
        Err(e) => return parse_failure(&e),
    };
    let output = cli.output();
    let (printer, verbosity, json) = (printer(output), verbosity(output), output.json);
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            let (status, shown) = error::render(&anyhow::Error::new(e).context("cannot start"));
            printer.error(&shown);
            return status.into();
        }
    };
    match runtime.block_on(commands::run(cli, &printer)) {
        Ok(status) => status.into(),
        Err(err) if error::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            let (status, shown) = if verbosity == Verbosity::Verbose {
                error::render_verbose(&err)
            } else {
                error::render(&err)
            };
            if json {
                let _ = printer.json_error(std::slice::from_ref(&shown));
            }
            printer.error(&shown);
            status.into()
        }
    }
}

fn verbosity(output: cli::OutputFlags) -> Verbosity {
    match (output.quiet || output.silent, output.verbose) {
        (true, _) => Verbosity::Quiet,
        (false, 0) => Verbosity::Normal,
        (false, _) => Verbosity::Verbose,
    }
}

fn printer(output: cli::OutputFlags) -> Printer {
    let mut printer = Printer::new(verbosity(output), output.color);
    printer.show_errors = output.show_errors;
    printer
}

/// A command line that does not parse. A value the tool's own parser refused with a
/// [`exit::UsageError`] (`history --since`) is said as every usage error of the tool is (`x402:
/// error: …`, the `--json` envelope, `--color`, `-s`), exit 2; anything else is clap's: usage
/// errors exit 2, `--help` and `--version` print to stdout and succeed.
fn parse_failure(e: &clap::Error) -> ExitCode {
    use std::error::Error as _;
    let refused = e
        .source()
        .and_then(|s| s.downcast_ref::<exit::UsageError>());
    let output = refused.and(cli::OutputFlags::despite_values(std::env::args_os()));
    let (Some(refused), Some(output)) = (refused, output) else {
        let _ = e.print();
        return ExitCode::from(e.exit_code().clamp(0, 255) as u8);
    };
    let (status, shown) = error::render(&exit::UsageError(refused.0.clone()).into());
    let printer = printer(output);
    if output.json {
        let _ = printer.json_error(std::slice::from_ref(&shown));
    }
    printer.error(&shown);
    status.into()
}
