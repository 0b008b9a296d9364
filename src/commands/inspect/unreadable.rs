//! The answers that carry no terms to report: a free URL (2xx/3xx, or an error status without
//! terms, exit 22), and a 402 or paywall page whose terms cannot be read (the failing step, its
//! exit status). Each as text on stdout/stderr and as the `--json` document's parts. May depend
//! on `payment::challenge`, `request`, `output` and `error`, not on the report.

use super::sent::{PaywallView, Sent};
use crate::cli::InspectArgs;
use crate::exit::ExitStatus;
use crate::output::JsonError;
use crate::payment::challenge::ChallengeError;
use crate::request::{self, Prepared, Received, SafeUrl, safe_url};
use crate::settings::Context;
use anyhow::Result;
use serde_json::{Value, json};
use std::error::Error as _;

/// A URL that asked no payment.
pub(super) fn free(
    ctx: &Context<'_>,
    args: &InspectArgs,
    prepared: &Prepared,
    resp: &Received,
) -> Result<ExitStatus> {
    let (data, error, status) = free_parts(prepared, resp);
    if let Some(error) = error {
        if args.json {
            ctx.printer
                .json_with_errors(&data, std::slice::from_ref(&error))?;
        }
        ctx.printer.error(&error);
        return Ok(status);
    }
    if args.json {
        ctx.printer.json(&data)?;
    } else {
        let mut line = format!(
            "no payment needed: {} answered HTTP {} {}",
            SafeUrl(&prepared.url),
            resp.status,
            resp.reason
        );
        line = line.trim_end().to_owned();
        // Servers price a route per method: HEAD or POST may be free where GET is not.
        if prepared.method != reqwest::Method::GET {
            line.push_str(&format!(" to a {} request", prepared.method));
        }
        if let Some(to) = redirect_location(resp) {
            line.push_str(&format!(
                " (a redirect to {}, not followed)",
                crate::output::untrusted(&to)
            ));
        }
        ctx.printer.result(&line)?;
    }
    Ok(status)
}

/// A URL that asks no payment: the `--json` data, and for an error status (not a free
/// resource: curl's -f exit, as `get -f` gives) the error and exit 22.
pub(super) fn free_parts(
    prepared: &Prepared,
    resp: &Received,
) -> (Value, Option<JsonError>, ExitStatus) {
    let data = json!({
        "url": safe_url(&prepared.url),
        "method": prepared.method.as_str(),
        "status": resp.status,
        "reason": resp.reason,
        "payment_required": false,
        "location": redirect_location(resp),
    });
    if resp.status < 400 {
        return (data, None, ExitStatus::Success);
    }
    let error = JsonError {
        code: ExitStatus::HttpError.code(),
        message: format!(
            "{} answered HTTP {} with no x402 terms",
            SafeUrl(&prepared.url),
            format!("{} {}", resp.status, resp.reason).trim_end()
        ),
        causes: vec![],
        hints: vec![],
    };
    (data, Some(error), ExitStatus::HttpError)
}

/// The `Location` of a 3xx answer, its password hidden.
pub(super) fn redirect_location(resp: &Received) -> Option<String> {
    (300..400)
        .contains(&resp.status)
        .then(|| header(resp, "location"))
        .flatten()
        .map(|l| request::safe_url_text(&l))
}

pub(super) fn header<'r>(resp: &'r Received, name: &str) -> Option<std::borrow::Cow<'r, str>> {
    crate::http::first_header(&resp.headers, name)
}

/// A 402 whose terms cannot be read (`error`), or an x402 paywall page served as a non-402
/// without terms (`error` is `None`): an error naming the step, on stderr, and with `--json`
/// an envelope whose `data` says what was received.
pub(super) fn unreadable(
    ctx: &Context<'_>,
    args: &InspectArgs,
    prepared: &Prepared,
    resp: &Received,
    sent: &Sent,
    error: Option<ChallengeError>,
) -> Result<ExitStatus> {
    let (data, err, status) = unreadable_parts(prepared, resp, sent, error);
    if args.json {
        ctx.printer
            .json_with_errors(&data, std::slice::from_ref(&err))?;
    }
    ctx.printer.error(&err);
    Ok(status)
}

/// A 402 (or paywall page) that cannot be read: the `--json` data, the error naming the step
/// that failed, and the exit status.
pub(super) fn unreadable_parts(
    prepared: &Prepared,
    resp: &Received,
    sent: &Sent,
    error: Option<ChallengeError>,
) -> (Value, JsonError, ExitStatus) {
    let error = error.unwrap_or_else(|| ChallengeError::NotX402 {
        detail: format!(
            "the HTTP {} {} answer is an x402 paywall page for browsers, with no terms a program \
             can read",
            resp.status, resp.reason
        ),
        html: true,
    });
    let step = error.step();
    let what = if resp.status == 402 {
        "the 402".to_owned()
    } else {
        format!("the HTTP {} answer", resp.status)
    };
    let message = format!(
        "cannot read {what} from {} (step: {step}): {error}",
        SafeUrl(&prepared.url)
    );
    let mut causes = Vec::new();
    let mut source = error.source();
    while let Some(s) = source {
        causes.push(s.to_string());
        source = s.source();
    }
    if step == "locate"
        && let Some(start) = body_start(&resp.body)
    {
        causes.push(format!("the body begins: {start}"));
    }
    let paywall = (step == "paywall").then(|| PaywallView::of(sent));
    let mut hints = Vec::new();
    if let Some(p) = &paywall {
        hints.push(p.hint());
    }
    if step == "locate" && sent.method == "HEAD" && resp.body.is_empty() {
        hints.push(
            "-I sends HEAD, and a HEAD answer has no body, where x402 v1 servers put their \
             terms; try without -I"
                .to_owned(),
        );
    }
    if step == "version" {
        hints.push("this tool reads x402 versions 1 and 2".to_owned());
    }
    // The exit status an unreadable 402 has everywhere in the tool.
    let (status, _) = crate::error::classify(&anyhow::Error::new(error));
    let err = JsonError {
        code: status.code(),
        message,
        causes,
        hints,
    };
    let data = json!({
        "url": safe_url(&prepared.url),
        "status": resp.status,
        "payment_required": true,
        "readable": false,
        "step": step,
        "paywall": paywall,
    });
    (data, err, status)
}

/// The first line of a text body, shortened and quoted, to show what came instead of terms.
pub(super) fn body_start(body: &[u8]) -> Option<String> {
    const SHOWN: usize = 80;
    let text = std::str::from_utf8(body).ok()?.trim();
    if text.is_empty() {
        return None;
    }
    let line: String = text
        .lines()
        .next()
        .unwrap_or("")
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let mut shown: String = line.chars().take(SHOWN).collect();
    if line.chars().count() > SHOWN || text.lines().nth(1).is_some() {
        shown.push('…');
    }
    Some(format!("{shown:?}"))
}
