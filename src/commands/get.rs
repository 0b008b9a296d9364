//! `x402 get URL`: fetch like curl, and pay a 402 within the user's limits.
//!
//! This file is the curl side: the request loop (redirects with `-L`), the response delivered
//! (`-i`, `-o`, `-f`), and the rendering of what the payment engine
//! ([`crate::payment::engine`]) answered: its [`Outcome`] becomes the exit status, the error
//! line and the `--receipt` document. The payment conversation itself (limits, quote,
//! confirmation, signature, journal, settlement) is the engine's; here it gets a terminal to
//! ask at (`Terminal`) and the command line's account (`CommandLineAccounts`).
//!
//! With `-L`, redirects are followed without the payment header, which only ever goes to the
//! URL that answered 402. A new 402 after a payment is a new quote that must be confirmed at a
//! terminal: a call never pays twice silently, and never pays the same URL twice.

use crate::cli::{AccountArgs, GetArgs, PasswordArgs};
use crate::error::Failed;
use crate::exit::ExitStatus;
use crate::fsutil::{Replacement, replace_file};
use crate::http::header_text;
use crate::journal::Journal;
use crate::keystore::Keystore;
use crate::network::Family;
use crate::output::Printer;
use crate::payment::engine::{Accounts, Confirm, Engine, Key, Outcome, Receipt, ReceiptStatus};
use crate::payment::policy::Quote;
use crate::request::{Hop, Prepared, ReceiveError, Received, SafeUrl, count_redirect};
use crate::settings::{Context, GetSettings};
use crate::trace;
use anyhow::{Context as _, Result};
use std::io::{IsTerminal, Write as _};
use std::path::Path;

/// Takes in what an outcome says, and what the command does next.
fn absorb(receipt: &mut Receipt, outcome: Outcome) -> Next {
    receipt.record(&outcome);
    next(outcome)
}

/// What the command does after the engine answered a 402.
enum Next {
    /// The paid answer is the response: follow its redirect or deliver it.
    Continue(Received),
    /// Deliver this answer, then fail with the error.
    DeliverThenFail(Received, anyhow::Error),
    /// Done: the exit status, or the error.
    Stop(Result<ExitStatus>),
}

fn next(outcome: Outcome) -> Next {
    let status = outcome.exit_status();
    let message = outcome.message().unwrap_or_default();
    let fail = |cause: Option<ReceiveError>| -> anyhow::Error {
        let failed = Failed { status, message };
        match cause {
            Some(e) => receive_error(e).context(failed),
            None => failed.into(),
        }
    };
    match outcome {
        Outcome::DryRun => Next::Stop(Ok(ExitStatus::Success)),
        Outcome::Paid { response, .. }
        | Outcome::NotSettled { response, .. }
        | Outcome::NoReceipt { response } => Next::Continue(response),
        Outcome::Refused(refusal) => Next::Stop(Err(Failed::from(refusal).into())),
        Outcome::Rejected { response, .. } => match response {
            Some(r) => Next::DeliverThenFail(r, fail(None)),
            None => Next::Stop(Err(fail(None))),
        },
        Outcome::Unknown {
            response, cause, ..
        } => match response {
            Some(r) => Next::DeliverThenFail(r, fail(cause)),
            None => Next::Stop(Err(fail(cause))),
        },
        Outcome::Unsent { cause, .. } => Next::Stop(Err(fail(Some(cause)))),
    }
}

pub async fn run(ctx: &Context<'_>, args: GetArgs) -> Result<ExitStatus> {
    // Before anything is sent: neither output may be the journal, config.toml or a keystore.
    for (flag, out) in [("-o", &args.output), ("--receipt", &args.receipt)] {
        if let Some(path) = out {
            ctx.refuse_overwrite(path, flag, args.account.keystore.as_deref())?;
        }
    }
    let mut receipt = Receipt::default();
    let result = fetch(ctx, &args, &mut receipt).await;
    if let Some(path) = &args.receipt {
        if let (Err(e), None) = (&result, &receipt.error) {
            receipt.error = Some(format!("{e:#}"));
        }
        let text = serde_json::to_string_pretty(&receipt.to_json())? + "\n";
        replace_file(path, text.as_bytes(), 0o644)
            .with_context(|| format!("cannot write the receipt {}", path.display()))?;
    }
    result
}

/// At a terminal, a person is asked; `--yes` (or no terminal) asks no one.
struct Terminal<'p> {
    printer: &'p Printer,
    interactive: bool,
}

impl Confirm for Terminal<'_> {
    fn interactive(&self) -> bool {
        self.interactive
    }

    fn confirm(&mut self, _quote: &Quote, prompt: &str) -> Result<bool> {
        Ok(self.printer.ask_yes_no(prompt))
    }
}

/// The account of `--account`/`--keystore` (or the environment, or the family's default),
/// unlocked with `--password-file` or at the hidden prompt.
struct CommandLineAccounts<'c> {
    ctx: &'c Context<'c>,
    account: &'c AccountArgs,
    password: &'c PasswordArgs,
}

impl Accounts for CommandLineAccounts<'_> {
    /// `--account` (and the environment) first, else the family's default; an account of the
    /// other family is refused: it cannot pay this option.
    fn find(&self, family: Family) -> Result<Keystore> {
        let ks = self.ctx.account_of(None, self.account, family)?;
        if ks.family() != family {
            let (is, needs) = match family {
                Family::Evm => ("a Solana", "an EVM"),
                Family::Solana => ("an EVM", "a Solana"),
            };
            return Err(crate::exit::UsageError(format!(
                "'{}' is {is} account and the option chosen is paid by {needs} account;                  name one with --account",
                ks.name
            ))
            .into());
        }
        Ok(ks)
    }

    fn unlock(&self, keystore: &Keystore) -> Result<Key> {
        match keystore.family() {
            Family::Evm => self.ctx.unlock(keystore, self.password).map(Key::Evm),
            Family::Solana => self
                .ctx
                .unlock_solana(keystore, self.password)
                .map(Key::Svm),
        }
    }
}

fn receive_error(e: ReceiveError) -> anyhow::Error {
    match e {
        ReceiveError::Http(e) => anyhow::Error::new(e),
        other => anyhow::Error::new(other),
    }
}

fn failed(status: ExitStatus, message: impl Into<String>) -> anyhow::Error {
    Failed {
        status,
        message: message.into(),
    }
    .into()
}

async fn fetch(ctx: &Context<'_>, args: &GetArgs, receipt: &mut Receipt) -> Result<ExitStatus> {
    // Every flag value is checked before the first byte is sent.
    let settings = GetSettings::resolve(ctx, args)?;
    let prepared = settings.request.prepare()?;
    let journal = Journal::new(&ctx.paths.home);
    let mut terminal = Terminal {
        printer: ctx.printer,
        interactive: std::io::stdin().is_terminal() && std::io::stderr().is_terminal(),
    };
    let accounts = CommandLineAccounts {
        ctx,
        account: &args.account,
        password: &args.password,
    };
    let mut engine = Engine::new(
        ctx.printer,
        &ctx.networks,
        &journal,
        &settings.payment,
        &mut terminal,
        &accounts,
    );
    let result = converse(ctx, args, &settings, &prepared, &mut engine, receipt).await;
    receipt.facts = engine.facts().clone();
    result
}

/// The request loop: each hop sent, a 402 answered by the engine, redirects followed with -L,
/// the last answer delivered.
async fn converse(
    ctx: &Context<'_>,
    args: &GetArgs,
    settings: &GetSettings,
    prepared: &Prepared,
    engine: &mut Engine<'_>,
    receipt: &mut Receipt,
) -> Result<ExitStatus> {
    let p = ctx.printer;
    let mut hop = prepared.first_hop();
    let mut redirects = 0u32;
    loop {
        trace::request(p, &hop, settings.request.user_agent.as_deref(), None);
        let resp = match prepared.send_hop(&hop, None).await {
            Ok(resp) => resp,
            Err(ReceiveError::TooLarge) => {
                return Err(failed(
                    ExitStatus::TooLarge,
                    format!("{}: {}", SafeUrl(&hop.url), ReceiveError::TooLarge),
                ));
            }
            Err(e) => {
                return Err(
                    receive_error(e).context(format!("request to {} failed", SafeUrl(&hop.url)))
                );
            }
        };
        trace::response(p, &hop.url, &resp);
        let mut resp = if resp.status == 402 {
            match absorb(receipt, engine.pay(prepared, &hop, &resp).await?) {
                Next::Continue(paid) => paid,
                Next::DeliverThenFail(mut paid, err) => {
                    deliver(ctx, args, &hop, &mut paid).await?;
                    return Err(err);
                }
                Next::Stop(result) => return result,
            }
        } else {
            if !engine.has_paid() {
                receipt.status = Some(ReceiptStatus::Free);
            }
            resp
        };
        if settings.redirects.follows(resp.status) {
            count_redirect(&mut redirects, settings.redirects)?;
            // The redirect's own body is not read: the connection is dropped with it.
            let next = prepared.redirect(&hop, &resp)?;
            trace::step(
                p,
                format!("following the redirect to {}", SafeUrl(&next.url)),
            );
            hop = next;
            continue;
        }
        return deliver(ctx, args, &hop, &mut resp).await;
    }
}

/// The response as curl shows it: headers with -i, the body to stdout or -o, and -f's exit.
/// The body is copied piece by piece as it arrives, so memory stays bounded whatever its size;
/// a body cut short ends in a transport error (curl 56) after what came was written.
async fn deliver(
    ctx: &Context<'_>,
    args: &GetArgs,
    hop: &Hop,
    r: &mut Received,
) -> Result<ExitStatus> {
    let failing = r.status >= 400 && (args.fail || args.fail_with_body);
    let with_body = !(failing && args.fail);
    let mut head = Vec::new();
    if args.include || args.request.head {
        head.extend(format!("HTTP/1.1 {} {}\r\n", r.status, r.reason).as_bytes());
        for (n, v) in &r.headers {
            head.extend(format!("{n}: {}\r\n", header_text(v)).as_bytes());
        }
        head.extend(b"\r\n");
    }
    // -f on an HTTP error writes nothing: an -o file is not even opened, as with curl.
    if with_body || !head.is_empty() {
        let mut out = Sink::open(ctx.printer, args.output.as_deref())?;
        out.write(&head)?;
        if with_body {
            out.write(&r.body)?;
            while let Some(chunk) = r.chunk().await.map_err(|e| {
                receive_error(e).context(format!("request to {} failed", SafeUrl(&hop.url)))
            })? {
                out.write(&chunk)?;
            }
        }
        out.finish()?;
    }
    if failing {
        return Err(failed(
            ExitStatus::HttpError,
            format!("the server answered HTTP {} {}", r.status, r.reason),
        ));
    }
    Ok(ExitStatus::Success)
}

/// Where the response goes: stdout, or the `-o` file.
enum Sink<'a> {
    Stdout(&'a Printer),
    /// A regular file (new, or existing and writable), replaced once the body is complete.
    Replace(Replacement, &'a Path),
    /// Not a regular file (a device, a FIFO, a path under /dev or /proc), or a file in a
    /// directory that takes no new file: written in place, as curl writes.
    InPlace(std::fs::File, &'a Path),
}

impl<'a> Sink<'a> {
    fn open(printer: &'a Printer, output: Option<&'a Path>) -> Result<Self> {
        let Some(path) = output else {
            return Ok(Sink::Stdout(printer));
        };
        Self::open_file(path).map_err(|e| write_error(path, e))
    }

    fn open_file(path: &'a Path) -> std::io::Result<Self> {
        let in_place = || {
            std::fs::OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(true)
                .open(path)
                .map(|f| Sink::InPlace(f, path))
        };
        let special = path.starts_with("/dev") || path.starts_with("/proc");
        if special || std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
            return in_place();
        }
        // A symbolic link is written through: the file it names is the one replaced, once the
        // kernel has let the link be opened as curl would open it.
        let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
        let target = if is_link {
            match crate::fsutil::follow_link_as_open(path)? {
                Some(t) => t,
                // Dangling: opening it creates the file it names.
                None => return in_place(),
            }
        } else {
            path.to_path_buf()
        };
        match Replacement::create(&target) {
            Ok(r) => Ok(Sink::Replace(r, path)),
            Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => in_place(),
            Err(e) => Err(e),
        }
    }

    fn write(&mut self, bytes: &[u8]) -> Result<()> {
        if bytes.is_empty() {
            return Ok(());
        }
        match self {
            Sink::Stdout(p) => p.result_bytes(bytes).map_err(stdout_error),
            Sink::Replace(file, path) => file.write_all(bytes).map_err(|e| write_error(path, e)),
            Sink::InPlace(file, path) => file.write_all(bytes).map_err(|e| write_error(path, e)),
        }
    }

    /// The output is complete: the -o file takes its place.
    fn finish(self) -> Result<()> {
        match self {
            Sink::Stdout(_) | Sink::InPlace(..) => Ok(()),
            Sink::Replace(file, path) => file.commit().map_err(|e| write_error(path, e)),
        }
    }
}

fn write_error(path: &Path, e: std::io::Error) -> anyhow::Error {
    failed(
        ExitStatus::WriteError,
        format!("cannot write {}: {e}", path.display()),
    )
}

/// A broken pipe (`x402 get … | head`) stays an I/O error, which ends the process quietly.
fn stdout_error(e: std::io::Error) -> anyhow::Error {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        anyhow::Error::new(e)
    } else {
        failed(
            ExitStatus::WriteError,
            format!("cannot write the body: {e}"),
        )
    }
}
