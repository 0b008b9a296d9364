//! `x402 completions SHELL`: the completion script on stdout. The files in completions/ are
//! this output, committed, and a test fails when they are stale.

use crate::cli::{Cli, CompletionsArgs};
use crate::exit::ExitStatus;
use crate::output::Printer;
use anyhow::Result;
use clap::CommandFactory;

pub fn run(printer: &Printer, args: &CompletionsArgs) -> Result<ExitStatus> {
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "x402", &mut out);
    printer.result_bytes(&out)?;
    Ok(ExitStatus::Success)
}
