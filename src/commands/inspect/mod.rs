//! `x402 inspect URL`: one unpaid request, and what a payer should know about the answer: the
//! protocol version, the resource, every option in plain words, the option `x402 get` would
//! pay and why (or why none), and every place where the 402 departs from the protocol. Never
//! loads a keystore, never signs.
//!
//! The report, in text or as one `--json` document, is the result and goes to stdout; hints go
//! to stderr. Exit 0 whenever the terms could be shown (departures or not) and for a URL that
//! asks no payment with a 2xx or 3xx answer (an error status without terms exits 22, as
//! `get -f`); when a 402, or an x402 paywall page, cannot be read, the error names the
//! step that failed ([`ChallengeError::step`]) and the exit status is the one
//! [`crate::error::classify`] gives any unreadable 402.
//!
//! What lives where: this file sends the request and decides what was found ([`examine`]),
//! and writes `--save-terms`; `sent` what the request looked like to the server (the browser
//! paywall test); `unreadable` the answers that carry no readable terms (free, error,
//! unreadable 402); `report` the report of a readable 402 and its text layout; `option`
//! each option in words and the cap `get` would apply. Nothing here loads a keystore or signs;
//! it may depend on `payment::{challenge, policy, terms, flow}`, `request`, `settings` and
//! `output`, never on `commands::get` or the payment engine.

mod option;
mod report;
mod sent;
mod unreadable;

use report::Report;
use sent::Sent;
use unreadable::{free, free_parts, unreadable, unreadable_parts};

use crate::cli::InspectArgs;
use crate::exit::ExitStatus;
use crate::output::JsonError;
use crate::payment::challenge::{self, Challenge, ChallengeError, PAYMENT_REQUIRED_HEADER};
use crate::payment::policy;
use crate::request::{self, Prepared, Received, SafeUrl, safe_url};
use crate::settings::{Context, InspectSettings};
use anyhow::{Context as _, Result};
use serde_json::Value;

pub async fn run(ctx: &Context<'_>, args: InspectArgs) -> Result<ExitStatus> {
    if let Some(path) = &args.save_terms {
        ctx.refuse_overwrite(path, "--save-terms", None)?;
    }
    let settings = InspectSettings::resolve(ctx, &args)?;
    let prepared = settings.request.prepare()?;
    // Refused before any request, as every flag value is; written only at the end (atomically).
    if let Some(path) = args
        .save_terms
        .as_ref()
        .filter(|p| !args.force && p.exists())
    {
        return Err(crate::error::UsageError(format!(
            "{} exists; pass --force to replace it",
            path.display()
        ))
        .into());
    }
    let Examined {
        prepared,
        resp,
        sent,
        preferred,
        found,
    } = examine(ctx, &settings, prepared).await?;
    let (challenge, report) = match found {
        Found::Free => return free(ctx, &args, &prepared, &resp),
        Found::Unreadable(e) => return unreadable(ctx, &args, &prepared, &resp, &sent, e),
        Found::Terms(terms) => *terms,
    };
    if args.json {
        ctx.printer.json(&report)?;
    } else {
        for line in report.text() {
            ctx.printer.result(&line)?;
        }
    }
    if let Some(path) = &args.save_terms {
        save_terms(ctx, &args, &prepared, &resp, &challenge, &preferred, path)?;
    }
    if let Some(paywall) = &report.paywall {
        ctx.printer.warn(
            "the server answered with its browser paywall page; the terms shown come from its \
             PAYMENT-REQUIRED header",
        );
        ctx.printer.info(format!("  hint: {}", paywall.hint()));
    }
    Ok(ExitStatus::Success)
}

/// What one unpaid request found, before anything is shown: [`run`] prints it, and
/// [`Examined::document`] gives it as the `--json` document's parts (the MCP `inspect` tool).
pub struct Examined {
    prepared: Prepared,
    resp: Received,
    sent: Sent,
    preferred: Vec<String>,
    found: Found,
}

enum Found {
    /// No payment asked.
    Free,
    /// A 402 (or a paywall page) whose terms cannot be read.
    Unreadable(Option<ChallengeError>),
    Terms(Box<(Challenge, Report)>),
}

impl Examined {
    /// The `--json` document's `data` and `errors`, and the exit status `inspect` ends with.
    pub fn document(self) -> (Value, Vec<JsonError>, ExitStatus) {
        match self.found {
            Found::Free => {
                let (data, err, status) = free_parts(&self.prepared, &self.resp);
                (data, err.into_iter().collect(), status)
            }
            Found::Unreadable(e) => {
                let (data, err, status) =
                    unreadable_parts(&self.prepared, &self.resp, &self.sent, e);
                (data, vec![err], status)
            }
            Found::Terms(terms) => (
                serde_json::to_value(&terms.1).unwrap_or(Value::Null),
                vec![],
                ExitStatus::Success,
            ),
        }
    }
}

/// Sends `prepared` (`settings.request`, prepared) following redirects with `-L`, and reads
/// the answer, printing nothing but the `-v` trace.
pub async fn examine(
    ctx: &Context<'_>,
    settings: &InspectSettings,
    mut prepared: Prepared,
) -> Result<Examined> {
    let preferred = settings.preferred.clone();
    let user_agent = settings.request.user_agent.as_deref();
    let mut hop = prepared.first_hop();
    let mut redirects = 0;
    let mut resp = loop {
        crate::trace::request(ctx.printer, &hop, user_agent, None);
        let resp = prepared
            .send_hop(&hop, None)
            .await
            .with_context(|| format!("request to {} failed", SafeUrl(&hop.url)))?;
        crate::trace::response(ctx.printer, &hop.url, &resp);
        if !settings.redirects.follows(resp.status) {
            break resp;
        }
        request::count_redirect(&mut redirects, settings.redirects)?;
        let next = prepared.redirect(&hop, &resp)?;
        crate::trace::step(
            ctx.printer,
            format!("following the redirect to {}", SafeUrl(&next.url)),
        );
        hop = next;
    };
    // The report is about the request that got this answer.
    prepared.method = hop.method;
    prepared.url = hop.url;
    prepared.headers = hop.headers;
    prepared.body = hop.body;
    // A free answer is read, to its first MiB, to recognise an x402 paywall page served
    // without a 402 (a 402's body was read with its head, bounded the same way).
    let cut = resp
        .read_rest_within(request::MAX_402_BODY)
        .await
        .with_context(|| format!("request to {} failed", SafeUrl(&prepared.url)))?;
    if cut {
        ctx.printer.detail(format!(
            "read only the first {} KiB of the HTTP {} body",
            request::MAX_402_BODY / 1024,
            resp.status
        ));
    }
    let sent = Sent::of(&prepared, user_agent);
    let has_header = crate::http::header_texts(&resp.headers, PAYMENT_REQUIRED_HEADER)
        .any(|value| !value.trim().is_empty());
    let found = if resp.status != 402 && !has_header {
        if challenge::looks_like_x402_paywall(&resp.headers, &resp.body) {
            Found::Unreadable(None)
        } else {
            Found::Free
        }
    } else {
        match challenge::parse_payment_required(&resp.headers, &resp.body) {
            Ok(c) => {
                let report = Report::build(ctx, settings, &prepared, &resp, &sent, &c, &preferred);
                Found::Terms(Box::new((c, report)))
            }
            Err(e) => Found::Unreadable(Some(e)),
        }
    };
    Ok(Examined {
        prepared,
        resp,
        sent,
        preferred,
        found,
    })
}

/// `--save-terms FILE`: the option `get` would pay, pinned for `get --terms FILE`.
fn save_terms(
    ctx: &Context<'_>,
    args: &InspectArgs,
    prepared: &Prepared,
    resp: &Received,
    challenge: &Challenge,
    preferred: &[String],
    path: &std::path::Path,
) -> Result<()> {
    let (judged, chosen) = policy::choose_payable_by(
        challenge,
        &ctx.networks,
        preferred,
        !args.networks.is_empty(),
        |_| Ok(()),
        |family| report::has_account(ctx, family),
    );
    let Some(quote) = chosen
        .filter(|_| resp.status == 402)
        .and_then(|i| judged[i].as_ref().ok())
    else {
        return Err(crate::error::Failed {
            status: ExitStatus::NoAcceptableOption,
            message: "no payable option to save as terms".into(),
        }
        .into());
    };
    let terms = crate::payment::terms::Terms::from_quote(&safe_url(&prepared.url), quote);
    let text = serde_json::to_string_pretty(&terms)? + "\n";
    let dir = match path.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(d) => d.to_path_buf(),
        None => std::path::PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| crate::error::UsageError(format!("{}: not a file name", path.display())))?;
    crate::fsutil::write_atomic(&dir, &name, text.as_bytes(), 0o644, args.force).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            anyhow::Error::new(crate::error::UsageError(format!(
                "{} exists; pass --force to replace it",
                path.display()
            )))
        } else {
            anyhow::anyhow!("cannot write the terms {}: {e}", path.display())
        }
    })?;
    ctx.printer.info(format!(
        "saved the terms ({} on {} to {}) in {}; pay exactly these with: x402 get URL --terms {}",
        quote.price_words(),
        quote.network.name(),
        quote.pay_to,
        path.display(),
        path.display()
    ));
    Ok(())
}
