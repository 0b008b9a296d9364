//! The lines the engine says to the person, through the [`Printer`]: the quote, the
//! settlement, and the warnings about where and how a payment goes.

use crate::amount;
use crate::journal::{self, Journal};
use crate::output::{Printer, untrusted};
use crate::payment::challenge::Challenge;
use crate::payment::flow::{PaymentFlow, payment_flow};
use crate::payment::policy::Quote;
use crate::request::{Hop, SafeUrl, safe_url_text};
use jiff::Timestamp;

pub(super) fn show_quote(
    p: &Printer,
    hop: &Hop,
    c: &Challenge,
    q: &Quote,
    owner: Option<&crate::keystore::Keystore>,
) {
    p.info(format!(
        "{} asks {} on {} (x402 v{})",
        SafeUrl(&hop.url),
        q.price_words(),
        q.network,
        c.version
    ));
    p.info(format!("  pay to    {}", q.pay_to));
    if let Some(ks) = owner {
        let address = match ks.solana {
            Some(key) => Some(key.to_string()),
            None => ks.address.map(|a| a.to_checksum(None)),
        };
        match address {
            Some(a) => p.info(format!("  from      '{}' {a}", ks.name)),
            None => p.info(format!("  from      '{}'", ks.name)),
        }
    }
    // The resource the server says is being sold, when it is not the URL asked for.
    let resource = c.resource.as_ref().and_then(|r| r.url.as_deref());
    if let Some(r) = resource.filter(|r| !r.is_empty() && *r != hop.url.as_str()) {
        p.info(format!("  resource  {}", untrusted(&safe_url_text(r))));
    }
    let description = c.resource.as_ref().and_then(|r| r.description.as_deref());
    if let Some(d) = description.filter(|d| !d.is_empty()) {
        p.info(format!("  for       {}", untrusted(d)));
    }
    if q.is_upto() {
        p.info(format!(
            "  charges   what the request uses, at most {} (the amount signed and at risk)",
            q.price()
        ));
    }
    if flow_of(c, q) == PaymentFlow::Upfront {
        p.info(format!(
            "  flow      upfront: {}",
            PaymentFlow::Upfront.meaning()
        ));
    }
}

/// The question a person answers before paying.
pub(super) fn prompt(c: &Challenge, q: &Quote) -> String {
    match flow_of(c, q) {
        PaymentFlow::Upfront => format!(
            "Pay {} up front (charged even if the request then fails)?",
            q.price_words()
        ),
        PaymentFlow::Authorization => format!("Pay {}?", q.price_words()),
    }
}

/// The chosen option's `extra.paymentFlow` (an unknown one never gets this far: not payable).
fn flow_of(c: &Challenge, q: &Quote) -> PaymentFlow {
    c.accepts
        .get(q.index)
        .and_then(|r| payment_flow(r).ok())
        .unwrap_or_default()
}

/// Where the payment goes, when that is not what was asked for, or not encrypted.
pub(super) fn warn_destination(p: &Printer, asked: &reqwest::Url, hop: &Hop) {
    if !crate::request::same_origin(asked, &hop.url) {
        p.warn(format!(
            "the 402 comes from {}, where a redirect from {} led; paying there",
            hop.url.origin().ascii_serialization(),
            asked.origin().ascii_serialization()
        ));
    }
    if hop.url.scheme() == "http" && !is_loopback(&hop.url) {
        p.warn(format!(
            "{} is plain http: the signed payment crosses the network unencrypted and anyone on \
             the path can see or redirect it",
            hop.url.origin().ascii_serialization()
        ));
    }
}

/// An earlier payment for the same request that may still settle.
pub(super) fn warn_earlier(p: &Printer, e: &journal::Payment) {
    p.warn(format!(
        "this request was already paid at {} ({} {}, status {}, nonce {}); that payment can \
         still settle until {}",
        e.signed.time.strftime("%Y-%m-%d %H:%M:%S UTC"),
        amount::display(e.signed.amount, e.signed.decimals, &e.signed.symbol),
        e.signed.network_name,
        e.status,
        e.signed.nonce,
        Timestamp::from_second(e.signed.valid_before as i64)
            .map(|t| t.strftime("%H:%M:%S UTC").to_string())
            .unwrap_or_default(),
    ));
    p.info("  check it with: x402 history check");
}

pub(super) fn report_bad_lines(p: &Printer, journal: &Journal, contents: &journal::Contents) {
    for bad in &contents.bad_lines {
        p.warn(format!(
            "{}:{}: unreadable line skipped ({})",
            journal.path().display(),
            bad.line,
            bad.error
        ));
    }
}

/// `paid 0.01 USDC on … tx …`; for a quote whose amount is a maximum, what the settlement
/// says was `charged` (`paid 0.001 USDC of up to 0.002 USDC`; 0: `paid 0.00 USDC of up to
/// 0.002 USDC … no transaction`, the server's word: the caller says the permit stays usable).
pub(super) fn report_paid(
    p: &Printer,
    quote: &Quote,
    tx: &str,
    charged: Option<alloy_primitives::U256>,
) {
    p.info(paid_line(quote, tx, charged));
}

fn paid_line(quote: &Quote, tx: &str, charged: Option<alloy_primitives::U256>) -> String {
    let paid = quote.cost_words(charged);
    let tx_part = if tx.is_empty() && charged.is_some() {
        "  no transaction".to_owned()
    } else {
        format!("  tx {tx}")
    };
    let mut line = format!(
        "paid {paid} on {} to {}{tx_part}",
        quote.network.name(),
        quote.pay_to
    );
    // A chain reached over a loopback RPC is a local one (a fork, anvil): a public explorer has
    // never seen its transactions.
    let local = quote
        .network
        .rpc_url()
        .and_then(|u| reqwest::Url::parse(u).ok())
        .is_some_and(|u| is_loopback(&u));
    if let Some(link) = quote
        .network
        .explorer_link(tx)
        .filter(|_| !local && !tx.is_empty())
    {
        line.push_str(&format!("  {link}"));
    }
    line
}

pub(super) fn is_loopback(url: &reqwest::Url) -> bool {
    let host = url.host_str().unwrap_or("");
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::{is_loopback, paid_line};
    use crate::payment::engine::scheme::tests::{evm_quote, permit2_terms};
    use alloy_primitives::U256;

    #[test]
    fn an_upto_charge_is_said_against_its_maximum_and_zero_without_a_transaction() {
        let q = evm_quote(crate::payment::policy::Scheme::Permit2(permit2_terms()));
        let to = &q.pay_to;
        let symbol = &q.asset.symbol;
        assert_eq!(
            paid_line(&q, "", Some(U256::ZERO)),
            format!(
                "paid 0.00 {symbol} of up to 0.002 {symbol} on base-sepolia to {to}  no \
                 transaction"
            )
        );
        assert!(
            paid_line(&q, "0xab", Some(U256::from(1_250u64))).starts_with(&format!(
                "paid 0.00125 {symbol} of up to 0.002 {symbol} on base-sepolia to {to}  tx 0xab"
            ))
        );
    }

    #[test]
    fn only_loopback_hosts_are_exempt_from_the_plain_http_warning() {
        for (url, loopback) in [
            ("http://127.0.0.1:8080/x", true),
            ("http://127.8.9.10/x", true),
            ("http://localhost/x", true),
            ("http://LOCALHOST:1/x", true),
            ("http://[::1]:4021/x", true),
            ("http://10.0.0.1/x", false),
            ("http://api.example.com/x", false),
            ("http://localhost.example.com/x", false),
            ("http://[::2]/x", false),
        ] {
            let u = reqwest::Url::parse(url).unwrap();
            assert_eq!(is_loopback(&u), loopback, "{url}");
        }
    }
}
