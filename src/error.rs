//! Top-level error classification: which exit status an error ends the process with, and the
//! hints shown under it. One function walks the error chain and downcasts to the typed errors
//! of the modules; hint text lives here, never in a library's `Display`.
//!
//! Sits above the layers whose errors it classifies (`exit`, `http`, `config`, `keystore`,
//! `output`, `rpc`, `evm_tx`, `payment`) and below every module that raises an error: each
//! error type is defined in the layer that raises it, and the generic ones the lower layers
//! raise with a status ([`UsageError`], [`Failed`]) live in `crate::exit`, so no module this
//! one reads depends on it. Commands and front ends call [`classify`] and [`render`].

use crate::config::ConfigError;
use crate::exit::ExitStatus;
// The errors the layers below raise with their status, and curl's status for a transport
// error, are defined there (so nothing below depends on this module) and re-exported here.
pub use crate::exit::{Failed, UsageError};
pub use crate::http::transport_status;
use crate::keystore;
use crate::output::JsonError;
use crate::rpc::RpcError;
use std::error::Error as _;

/// A `--network` value that names no network this tool knows (built in or in config.toml).
#[derive(Debug, thiserror::Error)]
#[error("unknown network '{0}'")]
pub struct UnknownNetwork(pub String);

/// What a transport status means, in curl's words, for the end of the error line: the
/// context above a transport error ("request to URL failed") does not say what went wrong.
fn transport_summary(status: ExitStatus) -> Option<&'static str> {
    Some(match status {
        ExitStatus::UrlMalformed => "the URL is malformed",
        ExitStatus::ResolveHost => "could not resolve the host",
        ExitStatus::Connect => "could not connect to the server",
        ExitStatus::Timeout => "timed out",
        ExitStatus::Tls => "the TLS handshake failed",
        ExitStatus::TooManyRedirects => "too many redirects",
        ExitStatus::EmptyReply => "the server closed the connection without replying",
        ExitStatus::RecvError => "the connection failed while receiving data",
        ExitStatus::BadCertificate => "the server's certificate could not be verified",
        ExitStatus::TooLarge => "the response head is larger than the tool reads",
        ExitStatus::BadReply => "the server's reply is not HTTP",
        _ => return None,
    })
}

/// The transport error under `err`: a request's, or a JSON-RPC call's.
fn transport_error(err: &anyhow::Error) -> Option<&reqwest::Error> {
    err.chain().find_map(|c| {
        c.downcast_ref::<reqwest::Error>()
            .or(match c.downcast_ref::<RpcError>() {
                Some(RpcError::Transport { source, .. }) => Some(source),
                _ => None,
            })
    })
}

/// `host:port` of the URL a transport error is about: never its user info, path or query.
fn target(err: &reqwest::Error) -> Option<String> {
    let url = err.url()?;
    let host = url.host_str()?;
    Some(match url.port_or_known_default() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    })
}

/// The operating system's or the TLS library's word for what failed, found under the layers of
/// reqwest, hyper and tokio (the same walk as [`transport_status`]).
fn root_reason(err: &reqwest::Error) -> Option<String> {
    let mut found = None;
    let mut source = err.source();
    while let Some(s) = source {
        let mut io_link = s.downcast_ref::<std::io::Error>();
        while let Some(io) = io_link {
            found = Some(io_words(io));
            let carried = io.get_ref();
            if let Some(tls) = carried.and_then(|e| e.downcast_ref::<rustls::Error>()) {
                return Some(tls.to_string());
            }
            io_link = carried.and_then(|e| e.downcast_ref::<std::io::Error>());
        }
        if let Some(tls) = s.downcast_ref::<rustls::Error>() {
            return Some(tls.to_string());
        }
        source = s.source();
    }
    found
}

fn io_words(io: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    let words = match io.kind() {
        K::ConnectionRefused => "connection refused",
        K::ConnectionReset => "connection reset by peer",
        K::ConnectionAborted => "connection aborted",
        K::TimedOut => "timed out",
        K::NetworkUnreachable => "network unreachable",
        K::HostUnreachable => "host unreachable",
        K::AddrNotAvailable => "address not available",
        K::UnexpectedEof => "the connection closed early",
        _ => {
            let text = io.to_string();
            return match text.find(" (os error") {
                Some(at) => text[..at].to_lowercase(),
                None => text,
            };
        }
    };
    words.to_string()
}

/// One line a person understands for a transport failure: what failed, with whom, and the
/// system's reason (`could not connect to 127.0.0.1:9: connection refused`).
fn transport_line(status: ExitStatus, err: &reqwest::Error) -> Option<String> {
    let summary = transport_summary(status)?;
    let who = target(err).unwrap_or_else(|| "the server".into());
    let reason = root_reason(err)
        .map(|r| format!(": {r}"))
        .unwrap_or_default();
    Some(match status {
        ExitStatus::Connect => format!("could not connect to {who}{reason}"),
        ExitStatus::ResolveHost => format!(
            "could not resolve the host {}",
            err.url().and_then(|u| u.host_str()).unwrap_or("of the URL")
        ),
        ExitStatus::UrlMalformed | ExitStatus::TooManyRedirects => summary.to_string(),
        ExitStatus::Timeout => format!("timed out waiting for {who}"),
        // Replies that are not HTTP carry no better word than the summary's.
        ExitStatus::BadReply | ExitStatus::TooLarge => format!("{who}: {summary}"),
        _ => format!("{who}: {summary}{reason}"),
    })
}

pub fn classify(err: &anyhow::Error) -> (ExitStatus, Vec<String>) {
    let (status, hints, _) = classify_with_summary(err);
    (status, hints)
}

/// [`classify`], plus curl's wording when the status came from a transport error.
fn classify_with_summary(err: &anyhow::Error) -> (ExitStatus, Vec<String>, Option<&'static str>) {
    // A status decided where it happened is often attached as context
    // (`anyhow::Error::new(e).context(Failed { .. })`). The chain yields such a context as
    // anyhow's private wrapper type, which no `downcast_ref` on a chain link can see; the
    // error's own `downcast_ref` can, and it wins over whatever it wraps.
    if let Some(f) = err.downcast_ref::<Failed>() {
        return (f.status, vec![], None);
    }
    let (status, hints) = classify_chain(err);
    let from_transport = err.chain().any(|c| {
        c.downcast_ref::<reqwest::Error>().is_some()
            || matches!(
                c.downcast_ref::<RpcError>(),
                Some(RpcError::Transport { .. })
            )
    });
    let summary = if from_transport {
        transport_summary(status)
    } else {
        None
    };
    (status, hints, summary)
}

/// The status and hints of the first link of the chain this module knows; else failure.
fn classify_chain(err: &anyhow::Error) -> (ExitStatus, Vec<String>) {
    err.chain()
        .find_map(classify_cause)
        .unwrap_or((ExitStatus::Failure, vec![]))
}

/// One link of an error chain: the status (and hints) its type decides, if any. A link is of
/// one type only, so the order of these checks does not matter.
fn classify_cause(cause: &Cause) -> Option<(ExitStatus, Vec<String>)> {
    if let Some(f) = cause.downcast_ref::<Failed>() {
        return Some((f.status, vec![]));
    }
    wallet_cause(cause)
        .or_else(|| usage_cause(cause))
        .or_else(|| payment_cause(cause))
        .or_else(|| transport_cause(cause).map(|status| (status, vec![])))
}

type Cause = dyn std::error::Error + 'static;

/// Keystores and accounts: the wallet status, with what to do next.
fn wallet_cause(cause: &Cause) -> Option<(ExitStatus, Vec<String>)> {
    if let Some(e) = cause.downcast_ref::<keystore::Error>() {
        // A name that can never be an account is bad input, not a wallet problem.
        if let keystore::Error::InvalidName(_) = e {
            return Some((ExitStatus::Usage, vec![]));
        }
        return Some((ExitStatus::Wallet, keystore_hints(e)));
    }
    cause
        .downcast_ref::<keystore::NoAccount>()
        .map(|keystore::NoAccount(family)| {
            let create = match family {
                crate::network::Family::Evm => {
                    "or create one with `x402 wallet new` (the first account becomes the default)"
                }
                crate::network::Family::Solana => {
                    "or create one with `x402 wallet new NAME --solana` (the first Solana \
                     account becomes the Solana default)"
                }
            };
            (
                ExitStatus::Wallet,
                vec![
                    "name one with --account NAME or --keystore PATH".into(),
                    create.into(),
                ],
            )
        })
}

fn keystore_hints(e: &keystore::Error) -> Vec<String> {
    match e {
        keystore::Error::NotFound { searched, .. } => vec![
            format!(
                "looked in {}",
                searched
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(" and ")
            ),
            "create one with `x402 wallet new NAME` (`--solana` for a Solana account), or see \
             `x402 wallet list`"
                .into(),
        ],
        keystore::Error::AlreadyExists(_) => {
            vec!["choose another name, or pass --force to replace it".into()]
        }
        keystore::Error::WrongPassword(_) => {
            vec!["check --password-file (or X402_PASSWORD_FILE / ETH_PASSWORD)".into()]
        }
        _ => vec![],
    }
}

/// Bad input: the command line, config.toml, a network name.
fn usage_cause(cause: &Cause) -> Option<(ExitStatus, Vec<String>)> {
    if cause.downcast_ref::<UnknownNetwork>().is_some() {
        return Some((
            ExitStatus::Usage,
            vec![
                "`x402 networks` lists the names and CAIP-2 ids this tool knows (built in and \
                 from config.toml)"
                    .into(),
            ],
        ));
    }
    let usage = cause.downcast_ref::<ConfigError>().is_some()
        || cause.downcast_ref::<UsageError>().is_some();
    usage.then(|| (ExitStatus::Usage, vec![]))
}

/// A transaction, an allowance the payment needs, a 402 that cannot be read.
fn payment_cause(cause: &Cause) -> Option<(ExitStatus, Vec<String>)> {
    let status = if let Some(e) = cause.downcast_ref::<crate::evm_tx::TxError>() {
        e.status()
    } else if cause
        .downcast_ref::<crate::payment::permit2::AllowanceRequired>()
        .is_some()
    {
        ExitStatus::AllowanceRequired
    } else if cause
        .downcast_ref::<crate::payment::challenge::ChallengeError>()
        .is_some()
    {
        ExitStatus::BadReply
    } else {
        return None;
    };
    Some((status, vec![]))
}

/// The connection: curl's status for a request's or a JSON-RPC call's transport error, and a
/// response too large to read.
fn transport_cause(cause: &Cause) -> Option<ExitStatus> {
    if let Some(RpcError::Transport { source, .. }) = cause.downcast_ref::<RpcError>() {
        return Some(transport_status(source));
    }
    if let Some(crate::http::ReceiveError::TooLarge) =
        cause.downcast_ref::<crate::http::ReceiveError>()
    {
        return Some(ExitStatus::TooLarge);
    }
    cause.downcast_ref::<reqwest::Error>().map(transport_status)
}

/// The error as shown: message, causes, hints, and the exit code. A transport failure is one
/// line a person understands (`could not connect to 127.0.0.1:9: connection refused`), without
/// the chain of library layers under it, which [`render_verbose`] adds.
pub fn render(err: &anyhow::Error) -> (ExitStatus, JsonError) {
    render_with(err, false)
}

/// [`render`] with every cause, as `-v` shows it.
pub fn render_verbose(err: &anyhow::Error) -> (ExitStatus, JsonError) {
    render_with(err, true)
}

fn render_with(err: &anyhow::Error, verbose: bool) -> (ExitStatus, JsonError) {
    let (status, hints, summary) = classify_with_summary(err);
    let mut chain = err.chain().map(ToString::to_string);
    let top = chain.next().unwrap_or_default();
    let mut message = top.clone();
    let mut causes: Vec<String> = Vec::new();
    for c in chain {
        // Skip causes already spelled out in the message above them.
        if !message.contains(&c) && !causes.iter().any(|p| p.contains(&c)) {
            causes.push(c);
        }
    }
    let human = transport_error(err).and_then(|t| transport_line(transport_status(t), t));
    match (human, summary) {
        // The status was decided where it happened ("the payment was sent but …"): that
        // message stays, and the transport's line is its one cause.
        (Some(line), None) => {
            if verbose {
                causes.insert(0, line);
            } else {
                causes = vec![line];
            }
        }
        (Some(line), Some(_)) => {
            message = line;
            causes = if verbose {
                std::iter::once(top).chain(causes).collect()
            } else {
                vec![]
            };
        }
        (None, Some(summary)) => message = format!("{message}: {summary}"),
        (None, None) => {}
    }
    (
        status,
        JsonError {
            code: status.code(),
            message,
            causes,
            hints,
        },
    )
}

/// A broken pipe (`x402 … | head`) ends the process quietly with success, as Unix tools do.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_attached_as_context_decides() {
        let failed = || Failed {
            status: ExitStatus::OutcomeUnknown,
            message: "the payment was sent but no answer came back".into(),
        };
        let sent = anyhow::Error::new(std::io::Error::other("connection closed")).context(failed());
        assert_eq!(classify(&sent).0, ExitStatus::OutcomeUnknown);
        assert_eq!(
            classify(&sent.context("outer")).0,
            ExitStatus::OutcomeUnknown
        );
        let root = anyhow::Error::new(failed()).context("outer");
        assert_eq!(classify(&root).0, ExitStatus::OutcomeUnknown);
        let (status, shown) = render(&anyhow::Error::new(failed()));
        assert_eq!(status, ExitStatus::OutcomeUnknown);
        assert_eq!(
            shown.message,
            "the payment was sent but no answer came back"
        );
    }
}
