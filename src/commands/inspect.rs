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

use crate::amount;
use crate::cli::InspectArgs;
use crate::exit::ExitStatus;
use crate::http;
use crate::network::{Asset, Network};
use crate::output::JsonError;
use crate::payment::challenge::{
    self, Challenge, ChallengeError, PAYMENT_REQUIRED_HEADER, Problem, Requirement, Source,
};
use crate::payment::policy::{self, CapError, Quote};
use crate::request::{self, Prepared, Received, SafeUrl, safe_url};
use crate::settings::Context;
use anyhow::{Context as _, Result};
use serde::Serialize;
use serde_json::{Value, json};
use std::error::Error as _;

pub async fn run(ctx: &Context<'_>, args: InspectArgs) -> Result<ExitStatus> {
    if let Some(path) = &args.save_terms {
        ctx.refuse_overwrite(path, "--save-terms", None)?;
    }
    let prepared = request::prepare(&args.request)?;
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
    } = examine(ctx, &args, prepared).await?;
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

/// Sends `prepared` (following redirects with `-L`) and reads the answer, printing nothing
/// but the `-v` trace.
pub async fn examine(
    ctx: &Context<'_>,
    args: &InspectArgs,
    mut prepared: Prepared,
) -> Result<Examined> {
    let preferred = preferred_networks(ctx, &args.networks)?;
    let mut hop = prepared.first_hop();
    let mut redirects = 0;
    let mut resp = loop {
        crate::trace::request(ctx.printer, &hop, args.request.user_agent.as_deref(), None);
        let resp = prepared
            .send_hop(&hop, None)
            .await
            .with_context(|| format!("request to {} failed", SafeUrl(&hop.url)))?;
        crate::trace::response(ctx.printer, &hop.url, &resp);
        if !(args.redirects.location && request::is_redirect(resp.status)) {
            break resp;
        }
        request::count_redirect(&mut redirects, args.redirects)?;
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
    let sent = Sent::of(&prepared, args.request.user_agent.as_deref());
    let has_header = resp.headers.iter().any(|(name, value)| {
        name.trim().eq_ignore_ascii_case(PAYMENT_REQUIRED_HEADER) && !value.trim().is_empty()
    });
    let found = if resp.status != 402 && !has_header {
        if challenge::looks_like_x402_paywall(&resp.headers, &resp.body) {
            Found::Unreadable(None)
        } else {
            Found::Free
        }
    } else {
        match challenge::parse_payment_required(&resp.headers, &resp.body) {
            Ok(c) => {
                let report = Report::build(ctx, args, &prepared, &resp, &sent, &c, &preferred);
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
    let (judged, chosen) = policy::choose(
        challenge,
        &ctx.networks,
        preferred,
        !args.networks.is_empty(),
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
        quote.price(),
        quote.network.name(),
        quote.pay_to,
        path.display(),
        path.display()
    ));
    Ok(())
}

/// `--network` names checked against the table, else config.toml's preference.
pub fn preferred_networks(ctx: &Context<'_>, given: &[String]) -> Result<Vec<String>> {
    if given.is_empty() {
        return Ok(ctx.config.preferred_networks.clone());
    }
    given
        .iter()
        .map(|n| {
            ctx.networks
                .find(n)
                .map(|net| net.name.clone())
                .ok_or_else(|| crate::error::UnknownNetwork(n.clone()).into())
        })
        .collect()
}

/// The request headers that decide whether a server takes us for a browser.
struct Sent {
    method: String,
    user_agent: String,
    accept: String,
}

impl Sent {
    /// What was actually sent: a `-H` header wins over `-A`, which wins over the default
    /// User-Agent; without `-H Accept`, reqwest sends `Accept: */*`.
    fn of(prepared: &Prepared, user_agent_flag: Option<&str>) -> Self {
        let header = |name: &str| {
            prepared
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        Sent {
            method: prepared.method.to_string(),
            user_agent: header("user-agent")
                .or_else(|| user_agent_flag.map(str::to_owned))
                .unwrap_or_else(|| http::USER_AGENT.to_owned()),
            accept: header("accept").unwrap_or_else(|| "*/*".to_owned()),
        }
    }

    /// The test of `@x402/core` `x402HTTPResourceServer.isWebBrowser` and the legacy
    /// `x402-express` middleware: `Accept` contains `text/html` and `User-Agent` contains
    /// `Mozilla` (both case-sensitive, as in JavaScript's `includes`).
    fn browser_like(&self) -> bool {
        self.accept.contains("text/html") && self.user_agent.contains("Mozilla")
    }
}

/// The browser paywall, when the server sent one.
#[derive(Serialize)]
struct PaywallView {
    /// The request looked like a browser's to the official servers.
    browser_like_request: bool,
    user_agent: String,
    accept: String,
}

impl PaywallView {
    fn of(sent: &Sent) -> Self {
        PaywallView {
            browser_like_request: sent.browser_like(),
            user_agent: sent.user_agent.clone(),
            accept: sent.accept.clone(),
        }
    }

    fn hint(&self) -> String {
        if self.browser_like_request {
            format!(
                "the request looked like a browser's (User-Agent '{}', Accept '{}'): official \
                 x402 servers send their paywall page when the User-Agent has 'Mozilla' and \
                 Accept has 'text/html'; drop -A or the Accept header",
                self.user_agent, self.accept
            )
        } else {
            format!(
                "the request did not look like a browser's (User-Agent '{}', Accept '{}'), yet \
                 the server sent a page; x402 clients need the terms in a PAYMENT-REQUIRED \
                 header (v2) or a JSON body (v1)",
                self.user_agent, self.accept
            )
        }
    }
}

/// A URL that asked no payment.
fn free(
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
fn free_parts(prepared: &Prepared, resp: &Received) -> (Value, Option<JsonError>, ExitStatus) {
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
fn redirect_location(resp: &Received) -> Option<String> {
    (300..400)
        .contains(&resp.status)
        .then(|| header(resp, "location"))
        .flatten()
        .map(request::safe_url_text)
}

fn header<'r>(resp: &'r Received, name: &str) -> Option<&'r str> {
    resp.headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// A 402 whose terms cannot be read (`error`), or an x402 paywall page served as a non-402
/// without terms (`error` is `None`): an error naming the step, on stderr, and with `--json`
/// an envelope whose `data` says what was received.
fn unreadable(
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
fn unreadable_parts(
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
fn body_start(body: &[u8]) -> Option<String> {
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

/// Everything `inspect` shows about a readable 402: the `--json` document's `data`, and the
/// source of the text report.
#[derive(Serialize)]
struct Report {
    url: String,
    status: u16,
    payment_required: bool,
    x402_version: u8,
    source: Source,
    resource: Option<ResourceView>,
    /// The server's `error` text.
    error: Option<String>,
    options: Vec<OptionView>,
    /// Index of the option `x402 get` would pay.
    chosen: Option<usize>,
    choice: ChoiceView,
    /// Every departure from the protocol, the response's own (`option: null`) and each
    /// option's.
    departures: Vec<Departure>,
    /// Present when the body is the server's HTML browser paywall.
    paywall: Option<PaywallView>,
    extensions: Option<Value>,
}

#[derive(Serialize)]
struct ResourceView {
    url: Option<String>,
    description: Option<String>,
    mime_type: Option<String>,
}

#[derive(Serialize)]
struct Price {
    base_units: String,
    decimal: String,
    symbol: String,
    decimals: u8,
}

#[derive(Serialize)]
struct OptionView {
    index: usize,
    scheme: Option<String>,
    /// As sent: CAIP-2 in v2, a name in v1.
    network: Option<String>,
    caip2: Option<String>,
    /// The network table's name, when the network is known.
    network_name: Option<String>,
    /// As sent, in base units.
    amount: Option<String>,
    /// The amount in the asset's units, when the asset is a known token.
    price: Option<Price>,
    asset: Option<String>,
    asset_known: bool,
    asset_symbol: Option<String>,
    pay_to: Option<String>,
    max_timeout_seconds: Option<u64>,
    /// `extra.paymentFlow` as this tool reads it (`authorization` when absent), or `null` when
    /// it is not a flow the tool knows (a departure; the option is not paid).
    payment_flow: Option<crate::payment::flow::PaymentFlow>,
    extra: Option<Value>,
    payable: bool,
    chosen: bool,
    /// Why `x402 get` cannot pay it.
    reason: Option<String>,
    /// One sentence: chosen and why, payable but not chosen and why, or not payable and why.
    verdict: String,
    /// This option's departures from the protocol, and from what the network table knows of
    /// its token.
    problems: Vec<Problem>,
    raw: Value,
    #[serde(skip)]
    labels: Labels,
}

/// The option's fields in words, for the text report.
#[derive(Default)]
struct Labels {
    scheme: String,
    network: String,
    amount: String,
    asset: String,
    pay_to: String,
    timeout: String,
    /// Shown when the server named a flow (`--json` always has it).
    flow: Option<String>,
    extra: Option<String>,
}

#[derive(Serialize)]
struct ChoiceView {
    index: Option<usize>,
    /// Why that option, or why none.
    reason: String,
    /// Networks preferred, in order, and where the preference came from.
    preferred_networks: Vec<String>,
    preference_from: Option<&'static str>,
    cap: Option<CapView>,
}

#[derive(Serialize)]
struct CapView {
    limit: String,
    from: String,
    within: bool,
    message: String,
}

#[derive(Serialize)]
struct Departure {
    /// Index of the option, or `null` for the response as a whole.
    option: Option<usize>,
    field: String,
    message: String,
}

impl Report {
    fn build(
        ctx: &Context<'_>,
        args: &InspectArgs,
        prepared: &Prepared,
        resp: &Received,
        sent: &Sent,
        c: &Challenge,
        preferred: &[String],
    ) -> Report {
        let narrow = !args.networks.is_empty();
        let (judged, policy_choice) = policy::choose(c, &ctx.networks, preferred, narrow);
        // `get` acts on a 402 only; terms on another status are shown but not paid.
        let chosen = policy_choice.filter(|_| resp.status == 402);
        let preference_from = if narrow {
            Some("--network")
        } else if !preferred.is_empty() {
            Some("[payment] networks in config.toml")
        } else {
            None
        };
        let rank = |q: &Quote| preferred.iter().position(|p| p == q.network.name());
        let chosen_quote = chosen.and_then(|i| judged[i].as_ref().ok());

        let mut departures = Vec::new();
        if resp.status != 402 {
            let mut message = format!(
                "is {} {}, not 402; x402 clients act only on a 402",
                resp.status, resp.reason
            );
            if resp.status == 412 {
                message.push_str(
                    " (the reference v2 server answers 412 when a permit2 allowance is missing)",
                );
            }
            departures.push(Departure {
                option: None,
                field: "status".to_owned(),
                message,
            });
        }
        departures.extend(c.problems.iter().map(|p| Departure {
            option: None,
            field: p.field.clone(),
            message: p.message.clone(),
        }));

        let mut options = Vec::new();
        for (r, judgement) in c.accepts.iter().zip(&judged) {
            let verdict = match judgement {
                Ok(_) if chosen == Some(r.index) => "x402 get would pay this one".to_owned(),
                Ok(_) if resp.status != 402 => format!(
                    "payable, but x402 get pays only a 402 and this answer is HTTP {}",
                    resp.status
                ),
                Ok(q) => match chosen_quote {
                    Some(cq) if rank(q) != rank(cq) => format!(
                        "payable; x402 get prefers option {}: {} comes before {} in {}",
                        cq.index + 1,
                        cq.network.name(),
                        q.network.name(),
                        preference_from.unwrap_or("the preference")
                    ),
                    Some(cq) => format!(
                        "payable; x402 get prefers option {}, which comes first",
                        cq.index + 1
                    ),
                    None => "payable".to_owned(),
                },
                Err(why) => format!("not payable: {why}"),
            };
            let view = OptionView::new(ctx, r, c.version, judgement, verdict);
            departures.extend(view.problems.iter().map(|p| Departure {
                option: Some(r.index),
                field: p.field.clone(),
                message: p.message.clone(),
            }));
            options.push(view);
        }

        let reason = match (chosen_quote, resp.status) {
            (Some(q), _) => {
                let why = match (preference_from, rank(q)) {
                    (None, _) => "the server's first payable option".to_owned(),
                    (Some(from), Some(_)) => format!(
                        "the first payable option on {}, the most preferred network ({from}) \
                         that the 402 offers",
                        q.network.name()
                    ),
                    (Some(from), None) => format!(
                        "no payable option is on a network in {from}, so the server's first \
                         payable option"
                    ),
                };
                format!(
                    "option {}, {} on {}: {why}",
                    q.index + 1,
                    q.price(),
                    q.network.name()
                )
            }
            (None, 402) if narrow => format!(
                "none: no option is payable on the networks asked for ({})",
                preferred.join(", ")
            ),
            (None, 402) => "none: no option is payable".to_owned(),
            (None, status) => format!(
                "none: x402 get pays only a 402, and this answer is HTTP {status} (it would \
                 treat the URL as free)"
            ),
        };
        let cap = chosen_quote.and_then(|q| cap_view(ctx, args, q));
        if let Some(i) = chosen {
            options[i].chosen = true;
        }

        let resource = c.resource.as_ref().map(|r| ResourceView {
            // A server may echo the URL it was asked, password and all.
            url: r.url.as_deref().map(request::safe_url_text),
            description: r.description.clone(),
            mime_type: r.mime_type.clone(),
        });
        Report {
            url: safe_url(&prepared.url),
            status: resp.status,
            payment_required: true,
            x402_version: c.version,
            source: c.source,
            resource,
            error: c.error.clone(),
            options,
            chosen,
            choice: ChoiceView {
                index: chosen,
                reason,
                preferred_networks: preferred.to_vec(),
                preference_from,
                cap,
            },
            departures,
            paywall: c.html_body.then(|| PaywallView::of(sent)),
            extensions: c.extensions.clone(),
        }
    }

    fn text(&self) -> Vec<String> {
        let mut out = Vec::new();
        let whence = match self.source {
            Source::Header => "terms in the PAYMENT-REQUIRED header",
            Source::Body => "terms in the response body",
        };
        if self.status == 402 {
            out.push(format!(
                "x402 v{} payment required, {whence}",
                self.x402_version
            ));
        } else {
            out.push(format!(
                "x402 v{} {whence} of an HTTP {} answer (not a 402)",
                self.x402_version, self.status
            ));
        }
        row(&mut out, "", "url", &self.url);
        match &self.resource {
            Some(r) => {
                row(
                    &mut out,
                    "",
                    "resource",
                    r.url
                        .as_deref()
                        .filter(|u| !u.is_empty())
                        .unwrap_or("(no url)"),
                );
                for more in [&r.description, &r.mime_type].into_iter().flatten() {
                    if !more.is_empty() {
                        row(&mut out, "", "", more);
                    }
                }
            }
            None => row(&mut out, "", "resource", "(none given)"),
        }
        if let Some(e) = self.error.as_deref().filter(|e| !e.is_empty()) {
            row(&mut out, "", "message", e);
        }
        if let Some(ext) = &self.extensions {
            row(&mut out, "", "extensions", &ext.to_string());
        }
        for o in &self.options {
            out.push(String::new());
            row(&mut out, "", &format!("option {}", o.index + 1), &o.verdict);
            let l = &o.labels;
            row(&mut out, "  ", "scheme", &l.scheme);
            row(&mut out, "  ", "network", &l.network);
            row(&mut out, "  ", "amount", &l.amount);
            row(&mut out, "  ", "asset", &l.asset);
            row(&mut out, "  ", "pay to", &l.pay_to);
            row(&mut out, "  ", "timeout", &l.timeout);
            if let Some(flow) = &l.flow {
                row(&mut out, "  ", "flow", flow);
            }
            if let Some(extra) = &l.extra {
                row(&mut out, "  ", "extra", extra);
            }
        }
        out.push(String::new());
        row(&mut out, "", "choice", &self.choice.reason);
        if let Some(cap) = &self.choice.cap {
            row(&mut out, "", "cap", &cap.message);
        }
        if self.departures.is_empty() {
            row(&mut out, "", "departures", "none found");
        } else {
            row(
                &mut out,
                "",
                "departures",
                &format!("{} from the protocol", self.departures.len()),
            );
            for d in &self.departures {
                let place = d
                    .option
                    .map_or_else(|| "response".to_owned(), |i| format!("option {}", i + 1));
                row(
                    &mut out,
                    "  ",
                    &place,
                    &format!("{} {}", d.field, d.message),
                );
            }
        }
        out
    }
}

/// Values start in this column, so labels and values line up at both levels.
const VALUE_COLUMN: usize = 11;

/// The most characters of one value shown in a row: enough for an `extra` or `extensions`
/// object; a longer value from a server is cut with a marker.
const MAX_ROW_VALUE_CHARS: usize = 1000;

/// One `label  value` line; `indent` is "" or "  ". The value, which holds text from the
/// server, cannot break the line or reorder it ([`crate::output::untrusted_within`]).
fn row(out: &mut Vec<String>, indent: &str, label: &str, value: &str) {
    let width = VALUE_COLUMN.saturating_sub(indent.len() + 1);
    let value = crate::output::untrusted_within(value, MAX_ROW_VALUE_CHARS);
    out.push(
        format!("{indent}{label:<width$} {value}")
            .trim_end()
            .to_owned(),
    );
}

impl OptionView {
    fn new(
        ctx: &Context<'_>,
        r: &Requirement,
        version: u8,
        judgement: &Result<Quote, policy::Unpayable>,
        verdict: String,
    ) -> OptionView {
        // The network and token are looked up whether or not the option is payable, so an
        // option refused for its scheme still shows its price.
        let network: Option<&Network> = r
            .network
            .as_deref()
            .and_then(|n| ctx.networks.for_requirement(n, version));
        let asset: Option<&Asset> = network.zip(r.asset.as_deref()).and_then(|(net, a)| {
            challenge::check_evm_address(a)
                .ok()
                .and_then(|address| net.asset(&address))
        });
        let base_units = r.amount_u256();
        let price = asset.zip(base_units).map(|(a, units)| Price {
            base_units: units.to_string(),
            decimal: amount::format_units(units, a.decimals),
            symbol: a.symbol.clone(),
            decimals: a.decimals,
        });
        let mut problems = r.problems.clone();
        if let (Some(net), Some(a)) = (network, asset) {
            problems.extend(r.token_problems(net, a));
        }

        let caip2 = r.caip2_network();
        // A field without a typed value is either absent or sent with the wrong JSON type;
        // the departures say which, the label shows what was sent.
        let absent = |key: &str| match r.raw.get(key) {
            None => "(missing)".to_owned(),
            Some(v) => format!("{v}, mistyped"),
        };
        let amount_key = if version == 1 {
            "maxAmountRequired"
        } else {
            "amount"
        };
        let flow = crate::payment::flow::payment_flow(r);
        let labels = Labels {
            flow: r.raw.pointer("/extra/paymentFlow").map(|sent| match &flow {
                Ok(f) => format!("{}: {}", f.as_str(), f.meaning()),
                Err(_) => format!("{sent}, not a payment flow this tool knows"),
            }),
            scheme: r.scheme.clone().unwrap_or_else(|| absent("scheme")),
            network: match (network, &r.network) {
                (Some(net), _) => net.to_string(),
                (None, None) => absent("network"),
                (None, Some(raw)) => match caip2.as_deref().filter(|c| c != raw) {
                    Some(c) => format!("{raw} ({c}), not a network this tool knows"),
                    None => format!("{raw}, not a network this tool knows"),
                },
            },
            amount: match (&price, base_units, &r.amount) {
                (Some(p), _, _) => {
                    format!("{} {} ({} base units)", p.decimal, p.symbol, p.base_units)
                }
                (None, Some(units), _) => {
                    format!("{units} base units (decimals unknown: the token is not known)")
                }
                (None, None, Some(raw)) => format!("{raw:?}, not an amount in base units"),
                (None, None, None) => absent(amount_key),
            },
            asset: match (asset, network, &r.asset) {
                (_, _, None) => absent("asset"),
                (Some(a), _, Some(raw)) => format!("{} {raw}", a.symbol),
                (None, Some(net), Some(raw)) => format!("{raw}, unknown token on {}", net.name),
                (None, None, Some(raw)) => format!("{raw}, unknown token"),
            },
            pay_to: r.pay_to.clone().unwrap_or_else(|| absent("payTo")),
            timeout: r
                .max_timeout_seconds
                .map_or_else(|| absent("maxTimeoutSeconds"), |t| format!("{t} s")),
            extra: match (&r.extra, r.raw.get("extra")) {
                (Some(e), _) => Some(e.to_string()),
                (None, None | Some(Value::Null)) => None,
                (None, Some(v)) => Some(format!("{v}, mistyped")),
            },
        };
        OptionView {
            index: r.index,
            scheme: r.scheme.clone(),
            network: r.network.clone(),
            caip2,
            network_name: network.map(|n| n.name.clone()),
            amount: r.amount.clone(),
            price,
            asset: r.asset.clone(),
            asset_known: asset.is_some(),
            asset_symbol: asset.map(|a| a.symbol.clone()),
            pay_to: r.pay_to.clone(),
            max_timeout_seconds: r.max_timeout_seconds,
            payment_flow: flow.ok(),
            extra: r.extra.clone(),
            payable: judgement.is_ok(),
            chosen: false,
            reason: judgement.as_ref().err().cloned(),
            verdict,
            problems,
            raw: r.raw.clone(),
            labels,
        }
    }
}

/// The per-payment cap `get` would apply: `--max-amount`, else config.toml's, else the default.
fn cap_view(ctx: &Context<'_>, args: &InspectArgs, q: &Quote) -> Option<CapView> {
    let resolved = crate::settings::per_payment_cap(args.max_amount.clone(), &ctx.config.limits);
    let (cap, from) = (resolved.amount, resolved.source.describe());
    let limit = cap
        .to_base_units(q.asset.decimals)
        .map(|units| amount::display(units, q.asset.decimals, &q.asset.symbol))
        .unwrap_or_else(|_| cap.to_string());
    let (within, message) = match policy::check_cap(q, &cap) {
        Ok(()) => (
            true,
            format!(
                "{} is within the per-payment cap of {limit} ({from})",
                q.price()
            ),
        ),
        Err(e @ CapError::OverCap { .. }) => (
            false,
            format!("{e} ({from}): x402 get refuses it unless --max-amount allows it"),
        ),
        Err(e) => (false, e.to_string()),
    };
    Some(CapView {
        limit,
        from,
        within,
        message,
    })
}
