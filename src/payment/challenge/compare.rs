//! How an x402 document in the body disagrees with the header's: the terms a payment commits
//! to (scheme, network, amount, asset, payTo), compared option by option.
//!
//! May use the types of [`super`] and the document reader in `locate` (to read the body's).

use serde_json::Value;

use super::locate::build;
use super::{Challenge, Problem, Requirement, Source};

/// How an x402 document in the body disagrees with the header's, if it does. A body that
/// does not mention `x402Version` (the reference servers send `{}`) is no one's business.
pub(super) fn compare_body(header: &Challenge, body: &[u8]) -> Option<Problem> {
    let text = std::str::from_utf8(body).ok()?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if !text.contains("x402Version") {
        return None;
    }
    let unreadable = |why: String| {
        Some(Problem::new(
            "body",
            format!(
                "carries an x402 document that cannot be read ({why}); the PAYMENT-REQUIRED \
                 header is used"
            ),
        ))
    };
    let doc: Value = match serde_json::from_str(text) {
        Ok(doc) => doc,
        Err(_) => return unreadable("not valid json".to_owned()),
    };
    if !doc.as_object()?.contains_key("x402Version") {
        return None;
    }
    let in_body = match build(doc, Source::Body, Vec::new()) {
        Ok(c) => c,
        Err(e) => return unreadable(e.to_string()),
    };
    if terms(&in_body.accepts) == terms(&header.accepts) {
        return None;
    }
    Some(Problem::new(
        "body",
        format!(
            "carries an x402 v{} document whose terms differ from the PAYMENT-REQUIRED header \
             ({}); the header is used",
            in_body.version,
            differences(&in_body.accepts, &header.accepts)
        ),
    ))
}

const TERM_NAMES: [&str; 5] = ["scheme", "network", "amount", "asset", "payTo"];

/// The fields a payment commits to, as sent (the network as CAIP-2, so that a v1 body and a
/// v2 header describing the same offer line up).
fn term_fields(r: &Requirement) -> [Option<String>; 5] {
    [
        r.scheme.clone(),
        r.caip2_network(),
        r.amount.clone(),
        r.asset.clone(),
        r.pay_to.clone(),
    ]
}

/// [`term_fields`] normalised for comparison: EVM addresses compare case-insensitively.
fn term(r: &Requirement) -> [String; 5] {
    let evm = r.is_evm();
    term_fields(r).map(|f| {
        let s = f.unwrap_or_default();
        if evm { s.to_ascii_lowercase() } else { s }
    })
}

/// What a payment would commit to, in an order-insensitive form.
fn terms(accepts: &[Requirement]) -> Vec<[String; 5]> {
    let mut out: Vec<[String; 5]> = accepts.iter().map(term).collect();
    out.sort();
    out
}

/// The first few differing fields, option by option: `accepts[0].amount is 20000 in the
/// body, 10000 in the header`.
fn differences(body: &[Requirement], header: &[Requirement]) -> String {
    if body.len() != header.len() {
        return format!(
            "{} option(s) in the body, {} in the header",
            body.len(),
            header.len()
        );
    }
    let shown = |v: &Option<String>| {
        v.as_deref()
            .map_or_else(|| "missing".to_owned(), crate::output::untrusted)
    };
    let mut found = Vec::new();
    for (b, h) in body.iter().zip(header) {
        let (nb, nh) = (term(b), term(h));
        let (fb, fh) = (term_fields(b), term_fields(h));
        for k in 0..TERM_NAMES.len() {
            if nb[k] != nh[k] {
                found.push(format!(
                    "accepts[{}].{} is {} in the body, {} in the header",
                    h.index,
                    TERM_NAMES[k],
                    shown(&fb[k]),
                    shown(&fh[k])
                ));
            }
        }
    }
    const SHOWN: usize = 3;
    let more = found.len().saturating_sub(SHOWN);
    found.truncate(SHOWN);
    let mut text = found.join("; ");
    if more > 0 {
        text.push_str(&format!("; and {more} more"));
    }
    text
}
