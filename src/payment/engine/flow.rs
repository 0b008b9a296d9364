//! The conversation for one 402, up to the payment recorded as pending: the terms judged, the
//! limits applied, the quote shown and confirmed, the account unlocked, the payment signed and
//! journaled. [`Engine::pay`] then sends it and reads the settlement (`settle.rs`).
//!
//! With `-L`, a call may meet several 402s: the engine remembers the URLs it paid, so a URL
//! paid once in a call is never paid again, and a new 402 after a payment is a second payment
//! that a person must confirm.

use super::outcome::{Outcome, Refusal, money};
use super::report;
use super::scheme::{self, RequestId, Scheme, SignedPayment};
use super::settings::PaySettings;
use super::{Accounts, Confirm, unix_now};
use crate::journal::{self, Journal};
use crate::keystore::Keystore;
use crate::network::Networks;
use crate::output::Printer;
use crate::payment::challenge::{Challenge, parse_payment_required};
use crate::payment::policy::{self, Quote};
use crate::request::{Hop, Prepared, Received, SafeUrl, safe_url};
use crate::trace;
use alloy_primitives::U256;
use anyhow::{Context as _, Result};
use jiff::Timestamp;

/// What the engine learnt of the payment so far, whatever it ended in (the receipt's fields).
#[derive(Clone, Debug, Default)]
pub struct Facts {
    /// The 402's x402 version.
    pub version: Option<u8>,
    /// The option chosen.
    pub quote: Option<Quote>,
    /// The account that signed, as the chain writes it.
    pub payer: Option<String>,
    /// The signed payment's identity.
    pub nonce: Option<String>,
}

/// A payment signed and recorded as pending, about to be sent.
pub(super) struct Pending {
    pub quote: Quote,
    pub signed: SignedPayment,
    pub scheme: &'static dyn Scheme,
}

/// One call's payment conversation (every 402 it meets).
pub struct Engine<'a> {
    pub(super) printer: &'a Printer,
    networks: &'a Networks,
    pub(super) journal: &'a Journal,
    pub(super) settings: &'a PaySettings,
    confirm: &'a mut dyn Confirm,
    accounts: &'a dyn Accounts,
    facts: Facts,
    paid_urls: Vec<reqwest::Url>,
}

impl<'a> Engine<'a> {
    pub fn new(
        printer: &'a Printer,
        networks: &'a Networks,
        journal: &'a Journal,
        settings: &'a PaySettings,
        confirm: &'a mut dyn Confirm,
        accounts: &'a dyn Accounts,
    ) -> Self {
        Engine {
            printer,
            networks,
            journal,
            settings,
            confirm,
            accounts,
            facts: Facts::default(),
            paid_urls: Vec::new(),
        }
    }

    /// What is known of the payment (for `--receipt`), also after an error.
    pub fn facts(&self) -> &Facts {
        &self.facts
    }

    /// Whether a payment was sent in this call.
    pub fn has_paid(&self) -> bool {
        !self.paid_urls.is_empty()
    }

    /// Answers `resp`, the 402 that `hop` of `request` got: judges, asks, signs, journals,
    /// sends the paid request and reads its settlement. An `Err` is a failure outside the
    /// conversation (a 402 that cannot be read, an account or journal that cannot be used).
    pub async fn pay(&mut self, request: &Prepared, hop: &Hop, resp: &Received) -> Result<Outcome> {
        if self.paid_urls.contains(&hop.url) {
            let url = SafeUrl(&hop.url).to_string();
            return Ok(Outcome::Refused(Refusal::PaidTwice { url }));
        }
        let pending = match self.answer(&request.url, hop, resp).await? {
            Ok(pending) => pending,
            Err(outcome) => return Ok(outcome),
        };
        self.paid_urls.push(hop.url.clone());
        match self.send(request, hop, &pending).await {
            Ok(paid) => Ok(self.settle(&pending, paid).await),
            Err(outcome) => Ok(outcome),
        }
    }

    /// Everything up to the pending record; `Err(outcome)` when the conversation stops first.
    async fn answer(
        &mut self,
        asked: &reqwest::Url,
        hop: &Hop,
        resp: &Received,
    ) -> Result<Result<Pending, Outcome>> {
        let p = self.printer;
        let challenge =
            parse_payment_required(&resp.headers, &resp.body).context("the 402 cannot be read")?;
        self.facts.version = Some(challenge.version);
        for w in &challenge.warnings {
            p.warn(w);
        }
        let quote = match self.choose(&challenge)? {
            Ok(quote) => quote,
            Err(refusal) => return Ok(Err(Outcome::Refused(refusal))),
        };
        report::warn_destination(p, asked, hop);
        let checked = match self.check(hop, &quote).await? {
            Ok(checked) => checked,
            Err(refusal) => return Ok(Err(Outcome::Refused(refusal))),
        };
        report::show_quote(p, hop, &challenge, &quote, checked.owner.as_ref());
        if self.settings.dry_run {
            p.info("dry run: nothing signed, nothing paid");
            return Ok(Err(Outcome::DryRun));
        }
        let account = match self.ask(hop, &challenge, &quote, checked.earlier.as_ref())? {
            Ok(account) => account,
            Err(refusal) => return Ok(Err(Outcome::Refused(refusal))),
        };
        let signing = Signing {
            challenge: &challenge,
            quote,
            daily: checked.daily,
            request: RequestId {
                url: safe_url(&hop.url),
                method: hop.method.to_string(),
                body_sha256: checked.request_hash,
            },
        };
        Ok(self
            .sign_and_record(signing, account)
            .await?
            .map_err(Outcome::Refused))
    }

    /// Judges every option (pins too) and picks the one to pay: the most preferred network,
    /// then an option an account of the user's can pay, then the server's order.
    fn choose(&mut self, challenge: &Challenge) -> Result<Result<Quote, Refusal>> {
        let s = self.settings;
        let accounts = self.accounts;
        let (judged, chosen) = policy::choose_payable_by(
            challenge,
            self.networks,
            &s.preferred,
            s.only_preferred,
            |q| s.pins.check(q),
            |family| matches!(accounts.find(family), Ok(ks) if ks.family() == family),
        );
        let Some(index) = chosen else {
            let reasons: Vec<(usize, policy::Unpayable)> = judged
                .iter()
                .enumerate()
                .filter_map(|(i, j)| j.as_ref().err().map(|why| (i + 1, why.clone())))
                .collect();
            return Ok(Err(if s.pins.is_empty() {
                Refusal::NoOption(reasons)
            } else {
                Refusal::TermsChanged(reasons)
            }));
        };
        let quote = judged[index]
            .clone()
            .map_err(|why| anyhow::anyhow!("the chosen option is not payable: {why}"))?;
        self.facts.quote = Some(quote.clone());
        trace::step(
            self.printer,
            format!(
                "x402 v{} terms with {} option(s); chosen: option {}, {} on {} to {}",
                challenge.version,
                challenge.accepts.len(),
                quote.index + 1,
                quote.price(),
                quote.network.name(),
                quote.pay_to
            ),
        );
        Ok(Ok(quote))
    }

    /// The limits before the quote is shown: cap, daily budget, an earlier open payment for
    /// the same request, and the scheme's preflight.
    async fn check(&self, hop: &Hop, quote: &Quote) -> Result<Result<Checked, Refusal>> {
        if let Err(e) = policy::check_cap(quote, &self.settings.cap.amount) {
            return Ok(Err(Refusal::OverCap(e)));
        }
        if let Some(refusal) = self.confirm.over_limit(quote) {
            return Ok(Err(refusal));
        }
        let daily = self.daily_limit(quote)?;
        let request_hash = journal::body_hash(hop.body.as_deref());
        let earlier = {
            let contents = self.journal.read()?;
            report::report_bad_lines(self.printer, self.journal, &contents);
            if let Some(limit) = daily
                && let Some(r) = check_budget(&contents.payments, quote, limit, Timestamp::now())
            {
                return Ok(Err(r));
            }
            journal::open_payment_for(
                &contents.payments,
                hop.method.as_str(),
                &safe_url(&hop.url),
                &request_hash,
                unix_now(),
            )
            .cloned()
        };
        let owner = self.accounts.find(scheme::family(quote)).ok();
        let preflight = scheme::of(quote).preflight(self.printer, quote, owner.as_ref());
        if let Some(refusal) = preflight.await? {
            return Ok(Err(refusal));
        }
        Ok(Ok(Checked {
            daily,
            request_hash,
            earlier,
            owner,
        }))
    }

    /// The daily budget in the quote's base units, if one is set.
    fn daily_limit(&self, quote: &Quote) -> Result<Option<U256>> {
        let Some(limit) = &self.settings.daily else {
            return Ok(None);
        };
        let limit = &limit.amount;
        limit
            .to_base_units(quote.asset.decimals)
            .map(Some)
            .map_err(|_| {
                crate::exit::UsageError(format!(
                    "the daily limit '{limit}' cannot be expressed in {}",
                    quote.asset.symbol
                ))
                .into()
            })
    }

    /// The confirmation: `Ok(Some(account))` when a person said yes (the account was found
    /// before asking), `Ok(None)` when no one needs asking.
    fn ask(
        &mut self,
        hop: &Hop,
        challenge: &Challenge,
        quote: &Quote,
        earlier: Option<&journal::Payment>,
    ) -> Result<Result<Option<Keystore>, Refusal>> {
        let p = self.printer;
        let interactive = self.confirm.interactive();
        let mut must_ask = !self.settings.yes;
        if let Some(e) = earlier {
            report::warn_earlier(p, e);
            // At a terminal a person confirms even with `yes`; a script needs `yes`.
            must_ask = must_ask || interactive;
        }
        if self.has_paid() {
            p.warn(format!(
                "a redirect after the payment led to another 402 ({}): a second payment",
                SafeUrl(&hop.url)
            ));
            if !interactive {
                let url = SafeUrl(&hop.url).to_string();
                return Ok(Err(Refusal::SecondPayment { url }));
            }
            must_ask = true;
        }
        if !must_ask {
            return Ok(Ok(None));
        }
        if !interactive {
            return Ok(Err(Refusal::NoConfirmation {
                earlier: earlier.is_some(),
                asked: money(quote),
            }));
        }
        // The account (not its password) is found before a person is asked: no one is asked
        // to pay from an account that does not exist.
        let account = self.accounts.find(scheme::family(quote))?;
        if !self
            .confirm
            .confirm(quote, &report::prompt(challenge, quote))?
        {
            return Ok(Err(Refusal::DeclinedByUser));
        }
        Ok(Ok(Some(account)))
    }

    /// Only now is the keystore unlocked, and the chain read for signing ([`Scheme::read`],
    /// before the lock). From here to the pending record, under the journal's lock: the budget
    /// once more (other processes may have paid since), the cap once more on exactly the
    /// option about to be signed, the signature (no chain reads), then the record, on disk
    /// before the header leaves the machine. Every payment signed is in the journal.
    async fn sign_and_record(
        &mut self,
        s: Signing<'_>,
        account: Option<Keystore>,
    ) -> Result<Result<Pending, Refusal>> {
        let p = self.printer;
        let quote = s.quote;
        let scheme = scheme::of(&quote);
        let ks = match account {
            Some(ks) => ks,
            None => self.accounts.find(scheme::family(&quote))?,
        };
        let key = self.accounts.unlock(&ks)?;
        self.facts.payer = Some(key.payer());
        // The chain reads before the lock: other x402 processes never wait on this RPC.
        let reads = match scheme.read(s.challenge, &quote, &key).await? {
            Ok(reads) => reads,
            Err(refusal) => return Ok(Err(refusal)),
        };
        let mut locked = self.journal.lock()?;
        if let Some(limit) = s.daily
            && let Some(r) =
                check_budget(&locked.contents().payments, &quote, limit, Timestamp::now())
        {
            return Ok(Err(r));
        }
        let req = &s.challenge.accepts[quote.index];
        if req.amount_u256() != Some(quote.amount)
            || policy::check_cap(&quote, &self.settings.cap.amount).is_err()
        {
            return Ok(Err(Refusal::ChangedBeforeSigning));
        }
        if let Some(refusal) = self.confirm.over_limit(&quote) {
            return Ok(Err(refusal));
        }
        let what = format!(
            "signing {} of {} from {}",
            scheme.signs(),
            quote.price(),
            key.payer()
        );
        trace::step(p, what);
        let signed = match scheme.sign(s.challenge, &quote, &key, reads, unix_now())? {
            Ok(signed) => signed,
            Err(refusal) => return Ok(Err(refusal)),
        };
        drop(key);
        let record = scheme::journal_record(s.request, s.challenge.version, &quote, &signed)?;
        locked.append_signed(record)?;
        drop(locked);
        trace::step(
            p,
            format!(
                "recorded as pending in {} (nonce {}) before sending",
                self.journal.path().display(),
                signed.nonce
            ),
        );
        self.facts.nonce = Some(signed.nonce.clone());
        Ok(Ok(Pending {
            quote,
            signed,
            scheme,
        }))
    }
}

/// What the checks before the quote found.
struct Checked {
    daily: Option<U256>,
    request_hash: String,
    earlier: Option<journal::Payment>,
    /// The account that will pay, when it is found without a password (the quote names it).
    owner: Option<Keystore>,
}

/// What signing needs besides the account.
struct Signing<'c> {
    challenge: &'c Challenge,
    quote: Quote,
    daily: Option<U256>,
    request: RequestId,
}

/// The daily budget checked on `quote`: a refusal when it would be exceeded.
fn check_budget(
    payments: &[journal::Payment],
    quote: &Quote,
    limit: U256,
    now: Timestamp,
) -> Option<Refusal> {
    let spent = journal::spent_last_day(payments, &quote.network.caip2(), &quote.asset.id, now);
    if spent.saturating_add(quote.amount) > limit {
        return Some(Refusal::OverBudget {
            asked: money(quote),
            spent,
            limit,
            network: quote.network.name().to_string(),
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn send<T: Send>(_: T) {}

    /// The MCP server runs tool calls on a runtime that needs `Send` futures: the engine's
    /// conversation must be one (checked when this compiles; never called).
    #[allow(dead_code, reason = "a compile-time check")]
    fn the_conversation_can_run_on_any_thread(
        engine: &mut Engine<'_>,
        request: &Prepared,
        hop: &Hop,
        resp: &Received,
    ) {
        send(engine.pay(request, hop, resp));
    }
}
