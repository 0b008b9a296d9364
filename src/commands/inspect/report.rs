//! The report of a readable 402: every option with its verdict, the choice `get` would make and
//! why, the cap, every departure from the protocol; as the `--json` document's `data` and as
//! aligned text lines. May depend on [`super::option`], `payment::policy` and `output`; never
//! sends, reads files or prints.

use super::option::{CapView, OptionView, cap_view};
use super::sent::{PaywallView, Sent};
use crate::payment::challenge::{Challenge, Source};
use crate::payment::policy::{self, Quote};
use crate::request::{self, Prepared, Received, safe_url};
use crate::settings::{Context, InspectSettings};
use serde::Serialize;
use serde_json::Value;

/// Everything `inspect` shows about a readable 402: the `--json` document's `data`, and the
/// source of the text report.
#[derive(Serialize)]
pub(super) struct Report {
    pub(super) url: String,
    pub(super) status: u16,
    pub(super) payment_required: bool,
    pub(super) x402_version: u8,
    pub(super) source: Source,
    pub(super) resource: Option<ResourceView>,
    /// The server's `error` text.
    pub(super) error: Option<String>,
    pub(super) options: Vec<OptionView>,
    /// Index of the option `x402 get` would pay.
    pub(super) chosen: Option<usize>,
    pub(super) choice: ChoiceView,
    /// Every departure from the protocol, the response's own (`option: null`) and each
    /// option's.
    pub(super) departures: Vec<Departure>,
    /// Present when the body is the server's HTML browser paywall.
    pub(super) paywall: Option<PaywallView>,
    pub(super) extensions: Option<Value>,
}

#[derive(Serialize)]
pub(super) struct ResourceView {
    pub(super) url: Option<String>,
    pub(super) description: Option<String>,
    pub(super) mime_type: Option<String>,
}

#[derive(Serialize)]
pub(super) struct ChoiceView {
    pub(super) index: Option<usize>,
    /// Why that option, or why none.
    pub(super) reason: String,
    /// Networks preferred, in order, and where the preference came from.
    pub(super) preferred_networks: Vec<String>,
    pub(super) preference_from: Option<&'static str>,
    pub(super) cap: Option<CapView>,
    /// The account `x402 get` would pay the chosen option with (without `--account`).
    pub(super) payer: Option<PayerView>,
}

/// The account that would pay: one of the chosen option's family, found without its password.
#[derive(Serialize)]
pub(super) struct PayerView {
    pub(super) family: crate::network::Family,
    pub(super) account: Option<String>,
    /// Base58 for a Solana account, checksummed `0x…` for an EVM one (when its file says).
    pub(super) address: Option<String>,
    pub(super) message: String,
}

/// The account `get` would pay an option of `family` from without `--account`:
/// `X402_ACCOUNT` / `X402_KEYSTORE`, else the family's default account (`default_account`,
/// `default_solana_account`).
fn default_payer(
    ctx: &Context<'_>,
    family: crate::network::Family,
) -> anyhow::Result<crate::keystore::Keystore> {
    let none = crate::cli::AccountArgs {
        account: None,
        keystore: None,
    };
    ctx.account_of(None, &none, family)
}

/// Whether `get` has an account to pay an option of `family` from, so that it prefers such an
/// option to one of another family ([`policy::choose_payable_by`]).
pub(super) fn has_account(ctx: &Context<'_>, family: crate::network::Family) -> bool {
    matches!(default_payer(ctx, family), Ok(ks) if ks.family() == family)
}

impl PayerView {
    fn of(ctx: &Context<'_>, family: crate::network::Family) -> PayerView {
        let (a, kind, create) = match family {
            crate::network::Family::Evm => ("an", "EVM", "x402 wallet new NAME"),
            crate::network::Family::Solana => ("a", "Solana", "x402 wallet new NAME --solana"),
        };
        let mut view = PayerView {
            family,
            account: None,
            address: None,
            message: String::new(),
        };
        match default_payer(ctx, family) {
            Ok(ks) if ks.family() == family => {
                view.address = match ks.solana {
                    Some(key) => Some(key.to_string()),
                    None => ks.address.map(|a| a.to_checksum(None)),
                };
                view.message = format!(
                    "'{}' {}",
                    ks.name,
                    view.address
                        .as_deref()
                        .unwrap_or("(its address is known once it is unlocked)")
                );
                view.account = Some(ks.name);
            }
            Ok(ks) => {
                view.message = format!(
                    "none: '{}' is not {a} {kind} account; pay with x402 get --account NAME",
                    ks.name
                );
                view.account = Some(ks.name);
            }
            Err(_) => {
                view.message = format!(
                    "none: no default {kind} account; create one with {create}, or pay with x402 get --account NAME"
                );
            }
        }
        view
    }
}

#[derive(Serialize)]
pub(super) struct Departure {
    /// Index of the option, or `null` for the response as a whole.
    pub(super) option: Option<usize>,
    pub(super) field: String,
    pub(super) message: String,
}

/// What `get` would choose among the judged options, and the words for it.
struct Choosing<'a> {
    /// The chosen index (a 402 only).
    chosen: Option<usize>,
    chosen_quote: Option<&'a Quote>,
    preferred: &'a [String],
    preference_from: Option<&'static str>,
    narrow: bool,
    status: u16,
    /// A payable option the server lists before the chosen one, equally preferred, passed
    /// over because no account of the user's pays its family.
    passed_over: Option<&'a Quote>,
}

impl Choosing<'_> {
    fn rank(&self, q: &Quote) -> Option<usize> {
        self.preferred.iter().position(|p| p == q.network.name())
    }

    /// One sentence per option: chosen and why, payable but not chosen and why, or not
    /// payable and why.
    fn verdict(&self, index: usize, judgement: &Result<Quote, policy::Unpayable>) -> String {
        match judgement {
            Ok(_) if self.chosen == Some(index) => "x402 get would pay this one".to_owned(),
            Ok(_) if self.status != 402 => format!(
                "payable, but x402 get pays only a 402 and this answer is HTTP {}",
                self.status
            ),
            Ok(q) => match self.chosen_quote {
                Some(cq) if self.rank(q) != self.rank(cq) => format!(
                    "payable; x402 get prefers option {}: {} comes before {} in {}",
                    cq.index + 1,
                    cq.network.name(),
                    q.network.name(),
                    self.preference_from.unwrap_or("the preference")
                ),
                Some(cq) => format!(
                    "payable; x402 get prefers option {}, which comes first",
                    cq.index + 1
                ),
                None => "payable".to_owned(),
            },
            Err(why) => format!("not payable: {why}"),
        }
    }

    /// Why that option, or why none.
    fn reason(&self) -> String {
        match (self.chosen_quote, self.status) {
            (Some(q), _) => {
                let why = match (self.preference_from, self.rank(q)) {
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
                let passed = self.passed_over.map_or(String::new(), |o| {
                    format!(
                        " that an account of yours can pay (option {} is on {}, and no {} \
                         account would pay it)",
                        o.index + 1,
                        o.network.name(),
                        match o.network.family() {
                            crate::network::Family::Evm => "EVM",
                            crate::network::Family::Solana => "Solana",
                        }
                    )
                });
                format!(
                    "option {}, {} on {}: {why}{passed}",
                    q.index + 1,
                    q.price_words(),
                    q.network.name()
                )
            }
            (None, 402) if self.narrow => format!(
                "none: no option is payable on the networks asked for ({})",
                self.preferred.join(", ")
            ),
            (None, 402) => "none: no option is payable".to_owned(),
            (None, status) => format!(
                "none: x402 get pays only a 402, and this answer is HTTP {status} (it would \
                 treat the URL as free)"
            ),
        }
    }
}

/// The response's own departures: a status other than 402, and the challenge's problems.
fn response_departures(resp: &Received, c: &Challenge) -> Vec<Departure> {
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
    departures
}

impl Report {
    pub(super) fn build(
        ctx: &Context<'_>,
        settings: &InspectSettings,
        prepared: &Prepared,
        resp: &Received,
        sent: &Sent,
        c: &Challenge,
        preferred: &[String],
    ) -> Report {
        let narrow = settings.only_preferred;
        let (judged, policy_choice) = policy::choose_payable_by(
            c,
            &ctx.networks,
            preferred,
            narrow,
            |_| Ok(()),
            |family| match &settings.families {
                Some(served) => served.contains(&family),
                None => has_account(ctx, family),
            },
        );
        // `get` acts on a 402 only; terms on another status are shown but not paid.
        let chosen = policy_choice.filter(|_| resp.status == 402);
        let preference_from = if narrow {
            Some("--network")
        } else if !preferred.is_empty() {
            Some("[payment] networks in config.toml")
        } else {
            None
        };
        let mut choosing = Choosing {
            chosen,
            chosen_quote: chosen.and_then(|i| judged[i].as_ref().ok()),
            preferred,
            preference_from,
            narrow,
            status: resp.status,
            passed_over: None,
        };
        choosing.passed_over = choosing.chosen_quote.and_then(|q| {
            judged
                .iter()
                .flatten()
                .find(|o| o.index < q.index && choosing.rank(o) == choosing.rank(q))
        });
        let mut departures = response_departures(resp, c);
        let mut options = Vec::new();
        for (r, judgement) in c.accepts.iter().zip(&judged) {
            let verdict = choosing.verdict(r.index, judgement);
            let view = OptionView::new(ctx, r, c.version, judgement, verdict);
            departures.extend(view.problems.iter().map(|p| Departure {
                option: Some(r.index),
                field: p.field.clone(),
                message: p.message.clone(),
            }));
            options.push(view);
        }
        let reason = choosing.reason();
        let cap = choosing
            .chosen_quote
            .and_then(|q| cap_view(&settings.cap, q));
        let payer = choosing
            .chosen_quote
            .map(|q| PayerView::of(ctx, q.network.family()));
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
                payer,
            },
            departures,
            paywall: c.html_body.then(|| PaywallView::of(sent)),
            extensions: c.extensions.clone(),
        }
    }

    pub(super) fn text(&self) -> Vec<String> {
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
            option_text(&mut out, o);
        }
        out.push(String::new());
        row(&mut out, "", "choice", &self.choice.reason);
        if let Some(cap) = &self.choice.cap {
            row(&mut out, "", "cap", &cap.message);
        }
        if let Some(payer) = &self.choice.payer {
            row(&mut out, "", "payer", &payer.message);
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

/// One option's block of the text report.
fn option_text(out: &mut Vec<String>, o: &OptionView) {
    out.push(String::new());
    row(out, "", &format!("option {}", o.index + 1), &o.verdict);
    let l = &o.labels;
    row(out, "  ", "scheme", &l.scheme);
    row(out, "  ", "network", &l.network);
    row(out, "  ", "amount", &l.amount);
    row(out, "  ", "asset", &l.asset);
    row(out, "  ", "pay to", &l.pay_to);
    row(out, "  ", "timeout", &l.timeout);
    if let Some(flow) = &l.flow {
        row(out, "  ", "flow", flow);
    }
    if let Some(extra) = &l.extra {
        row(out, "  ", "extra", extra);
    }
}

/// Values start in this column, so labels and values line up at both levels.
pub(super) const VALUE_COLUMN: usize = 11;

/// The most characters of one value shown in a row: enough for an `extra` or `extensions`
/// object; a longer value from a server is cut with a marker.
pub(super) const MAX_ROW_VALUE_CHARS: usize = 1000;

/// One `label  value` line; `indent` is "" or "  ". The value, which holds text from the
/// server, cannot break the line or reorder it ([`crate::output::untrusted_within`]).
pub(super) fn row(out: &mut Vec<String>, indent: &str, label: &str, value: &str) {
    let width = VALUE_COLUMN.saturating_sub(indent.len() + 1);
    let value = crate::output::untrusted_within(value, MAX_ROW_VALUE_CHARS);
    out.push(
        format!("{indent}{label:<width$} {value}")
            .trim_end()
            .to_owned(),
    );
}
