//! Top-level error classification: which exit status an error ends the process with, and the
//! hints shown under it. One function walks the error chain and downcasts to the typed errors
//! of the modules; hint text lives here, never in a library's `Display`.

use crate::config::ConfigError;
use crate::exit::ExitStatus;
use crate::keystore;
use crate::output::JsonError;
use crate::rpc::RpcError;
use crate::settings::NoAccount;
use std::error::Error as _;

/// Bad input from the command line or a file it names.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// A `--network` value that names no network this tool knows (built in or in config.toml).
#[derive(Debug, thiserror::Error)]
#[error("unknown network '{0}'")]
pub struct UnknownNetwork(pub String);

/// An error whose exit status was decided where it happened.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct Failed {
    pub status: ExitStatus,
    pub message: String,
}

/// curl's exit status for a transport error.
///
/// The causes reqwest wraps are found by type, not by text, with two traps on the way:
/// TLS failures come up as an `io::Error` carrying an `io::Error` carrying a `rustls::Error`,
/// and `io::Error::source()` skips the error it carries, so carried errors are read with
/// `get_ref()`; and a server that closes without a byte of answer shows up only as hyper's
/// "incomplete message".
pub fn transport_status(err: &reqwest::Error) -> ExitStatus {
    if err.is_timeout() {
        return ExitStatus::Timeout;
    }
    if err.is_builder() {
        return ExitStatus::UrlMalformed;
    }
    if err.is_redirect() {
        return ExitStatus::TooManyRedirects;
    }
    let mut source = err.source();
    while let Some(s) = source {
        // io::Errors nest (reqwest's connector wraps tokio-rustls' `io::Error` in another).
        let mut io_link = s.downcast_ref::<std::io::Error>();
        while let Some(io) = io_link {
            match io.kind() {
                std::io::ErrorKind::TimedOut => return ExitStatus::Timeout,
                std::io::ErrorKind::ConnectionRefused => return ExitStatus::Connect,
                // curl 56 "Recv failure: Connection reset by peer", before or inside the body.
                std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::ConnectionAborted
                    if !err.is_connect() =>
                {
                    return ExitStatus::RecvError;
                }
                _ => {}
            }
            let carried = io.get_ref();
            if let Some(tls) = carried.and_then(|e| e.downcast_ref::<rustls::Error>()) {
                return tls_status(err, tls);
            }
            io_link = carried.and_then(|e| e.downcast_ref::<std::io::Error>());
        }
        if let Some(tls) = s.downcast_ref::<rustls::Error>() {
            return tls_status(err, tls);
        }
        if let Some(h) = s.downcast_ref::<hyper::Error>() {
            // The connection ended before a complete response head: curl 52 "Empty reply
            // from server". Inside the body it is a receive failure (below).
            if h.is_incomplete_message() && !err.is_body() {
                return ExitStatus::EmptyReply;
            }
            if h.is_parse() {
                // A response head over hyper's limit (a hostile multi-megabyte header);
                // `is_parse_too_large` exists only with hyper's server feature, so the
                // parse error's text tells.
                if h.to_string().contains("too large") {
                    return ExitStatus::TooLarge;
                }
                // Not HTTP at all: curl 8 "Weird server reply".
                return ExitStatus::BadReply;
            }
        }
        // hyper-util reports a failed name lookup as a ConnectError whose text begins so.
        if err.is_connect() && s.to_string().starts_with("dns error") {
            return ExitStatus::ResolveHost;
        }
        source = s.source();
    }
    if err.is_connect() {
        ExitStatus::Connect
    } else if err.is_body() || err.is_decode() {
        ExitStatus::RecvError
    } else {
        ExitStatus::Failure
    }
}

/// curl 60 for a certificate that does not verify, 35 for any other handshake failure.
fn tls_status(err: &reqwest::Error, tls: &rustls::Error) -> ExitStatus {
    match tls {
        rustls::Error::InvalidCertificate(_) => ExitStatus::BadCertificate,
        _ if err.is_connect() => ExitStatus::Tls,
        _ => ExitStatus::RecvError,
    }
}

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

fn classify_chain(err: &anyhow::Error) -> (ExitStatus, Vec<String>) {
    for cause in err.chain() {
        if let Some(f) = cause.downcast_ref::<Failed>() {
            return (f.status, vec![]);
        }
        if let Some(e) = cause.downcast_ref::<keystore::Error>() {
            // A name that can never be an account is bad input, not a wallet problem.
            if let keystore::Error::InvalidName(_) = e {
                return (ExitStatus::Usage, vec![]);
            }
            let hints = match e {
                keystore::Error::NotFound { searched, .. } => vec![
                    format!(
                        "looked in {}",
                        searched
                            .iter()
                            .map(|p| p.display().to_string())
                            .collect::<Vec<_>>()
                            .join(" and ")
                    ),
                    "create one with `x402 wallet new NAME`, or see `x402 wallet list`".into(),
                ],
                keystore::Error::AlreadyExists(_) => {
                    vec!["choose another name, or pass --force to replace it".into()]
                }
                keystore::Error::WrongPassword(_) => {
                    vec!["check --password-file (or X402_PASSWORD_FILE / ETH_PASSWORD)".into()]
                }
                _ => vec![],
            };
            return (ExitStatus::Wallet, hints);
        }
        if cause.downcast_ref::<NoAccount>().is_some() {
            return (
                ExitStatus::Wallet,
                vec![
                    "name one with --account NAME or --keystore PATH".into(),
                    "or create one with `x402 wallet new` (the first account becomes the default)"
                        .into(),
                ],
            );
        }
        if cause.downcast_ref::<ConfigError>().is_some() {
            return (ExitStatus::Usage, vec![]);
        }
        if cause.downcast_ref::<UnknownNetwork>().is_some() {
            return (
                ExitStatus::Usage,
                vec![
                    "`x402 networks` lists the names and CAIP-2 ids this tool knows (built in and \
                     from config.toml)"
                        .into(),
                ],
            );
        }
        if cause.downcast_ref::<UsageError>().is_some() {
            return (ExitStatus::Usage, vec![]);
        }
        if let Some(e) = cause.downcast_ref::<crate::evm_tx::TxError>() {
            return (e.status(), vec![]);
        }
        if cause
            .downcast_ref::<crate::payment::permit2::AllowanceRequired>()
            .is_some()
        {
            return (ExitStatus::AllowanceRequired, vec![]);
        }
        if let Some(RpcError::Transport { source, .. }) = cause.downcast_ref::<RpcError>() {
            return (transport_status(source), vec![]);
        }
        if cause
            .downcast_ref::<crate::payment::challenge::ChallengeError>()
            .is_some()
        {
            return (ExitStatus::BadReply, vec![]);
        }
        if let Some(crate::request::ReceiveError::TooLarge) =
            cause.downcast_ref::<crate::request::ReceiveError>()
        {
            return (ExitStatus::TooLarge, vec![]);
        }
        if let Some(e) = cause.downcast_ref::<reqwest::Error>() {
            return (transport_status(e), vec![]);
        }
    }
    (ExitStatus::Failure, vec![])
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
