//! Telling an HTML page from an x402 document, and an x402 browser paywall from other pages.
//!
//! Looks at headers and bytes only; depends on nothing else in the crate but `http`'s header
//! reading.

use reqwest::header::HeaderMap;

/// Whether a response is an HTML page: `Content-Type: text/html`, or a body that opens like
/// one.
pub fn looks_like_html(headers: &HeaderMap, body: &[u8]) -> bool {
    let content_type_html = crate::http::header_texts(headers, "content-type")
        .any(|value| value.to_ascii_lowercase().contains("text/html"));
    if content_type_html {
        return true;
    }
    let start = body
        .strip_prefix(b"\xef\xbb\xbf".as_slice())
        .unwrap_or(body);
    let start: Vec<u8> = start
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .take(1024)
        .map(u8::to_ascii_lowercase)
        .collect();
    start.first() == Some(&b'<')
        && [b"<!doctype html".as_slice(), b"<html", b"<head", b"<body"]
            .iter()
            .any(|needle| contains(&start, needle))
}

/// Whether an HTML page is an x402 browser paywall: the official paywalls set
/// `window.x402` (legacy `x402` `getPaywallHtml`) or say the resource is protected by x402
/// (`@x402/core`'s fallback page). Used on answers that are not a 402, where an HTML page is
/// normally just content.
pub fn looks_like_x402_paywall(headers: &HeaderMap, body: &[u8]) -> bool {
    if !looks_like_html(headers, body) {
        return false;
    }
    let text = String::from_utf8_lossy(body).to_ascii_lowercase();
    text.contains("window.x402") || (text.contains("x402") && text.contains("payment required"))
}

pub(super) fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}
