//! The process exit statuses: one enum, documented in README.md, tested code by code.
//!
//! Failures that curl also has keep curl's numbers, so `x402 get … || case $?` scripts read the
//! same as curl scripts. Payment outcomes have their own block (110–117), which curl never uses.

use std::process::ExitCode;

/// Bad input from the command line or a file it names.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// An error whose exit status was decided where it happened.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct Failed {
    pub status: ExitStatus,
    pub message: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitStatus {
    /// The command did what was asked (a paid 2xx, a free route, a dry run, a listing).
    Success,
    /// Any other runtime error.
    Failure,
    /// Bad command line, bad configuration file, or bad input file.
    Usage,
    /// curl 3: the URL is malformed.
    UrlMalformed,
    /// curl 6: the host name could not be resolved.
    ResolveHost,
    /// curl 7: could not connect.
    Connect,
    /// curl 8: the server's reply could not be understood (a 402 that is not x402).
    BadReply,
    /// curl 22: HTTP status >= 400 under `--fail` / `--fail-with-body`.
    HttpError,
    /// curl 23: writing the output failed.
    WriteError,
    /// curl 28: an operation timed out.
    Timeout,
    /// curl 35: the TLS handshake failed.
    Tls,
    /// curl 47: too many redirects.
    TooManyRedirects,
    /// curl 52: the server replied with nothing.
    EmptyReply,
    /// curl 56: failure receiving data.
    RecvError,
    /// curl 60: the server's certificate could not be verified.
    BadCertificate,
    /// curl 63: a response is larger than the tool will read (a 402 body over 1 MiB).
    TooLarge,
    /// 110: the payment was declined: "no" at the prompt, or no `--yes` off a terminal.
    Declined,
    /// 111: the price is above the per-payment cap or the remaining daily budget.
    OverLimit,
    /// 112: no option of the 402 can be paid (scheme, network, asset), or the terms changed.
    NoAcceptableOption,
    /// 113: the wallet does not hold enough of the asset.
    InsufficientFunds,
    /// 114: the server or its facilitator refused the payment (or its settlement transaction
    /// reverted). That is the server's word: the signed authorization can still be used until it
    /// expires, so it counts as spent until `history check` shows it expired (or `history
    /// cancel` cancels it).
    Rejected,
    /// 115: the payment was sent and may have settled (no answer, no receipt, or a receipt that
    /// names a transaction the server could not confirm): check before retrying.
    OutcomeUnknown,
    /// 116: wallet or keystore problem (wrong password, missing or existing account, corrupt file).
    Wallet,
    /// 117: a Permit2 payment needs the token's allowance to Permit2 first (`x402 wallet
    /// approve`), and the server offers no gas-sponsored way around it. Nothing was signed.
    AllowanceRequired,
}

impl ExitStatus {
    pub const ALL: [ExitStatus; 24] = [
        Self::Success,
        Self::Failure,
        Self::Usage,
        Self::UrlMalformed,
        Self::ResolveHost,
        Self::Connect,
        Self::BadReply,
        Self::HttpError,
        Self::WriteError,
        Self::Timeout,
        Self::Tls,
        Self::TooManyRedirects,
        Self::EmptyReply,
        Self::RecvError,
        Self::BadCertificate,
        Self::TooLarge,
        Self::Declined,
        Self::OverLimit,
        Self::NoAcceptableOption,
        Self::InsufficientFunds,
        Self::Rejected,
        Self::OutcomeUnknown,
        Self::Wallet,
        Self::AllowanceRequired,
    ];

    pub fn code(self) -> u8 {
        match self {
            Self::Success => 0,
            Self::Failure => 1,
            Self::Usage => 2,
            Self::UrlMalformed => 3,
            Self::ResolveHost => 6,
            Self::Connect => 7,
            Self::BadReply => 8,
            Self::HttpError => 22,
            Self::WriteError => 23,
            Self::Timeout => 28,
            Self::Tls => 35,
            Self::TooManyRedirects => 47,
            Self::EmptyReply => 52,
            Self::RecvError => 56,
            Self::BadCertificate => 60,
            Self::TooLarge => 63,
            Self::Declined => 110,
            Self::OverLimit => 111,
            Self::NoAcceptableOption => 112,
            Self::InsufficientFunds => 113,
            Self::Rejected => 114,
            Self::OutcomeUnknown => 115,
            Self::Wallet => 116,
            Self::AllowanceRequired => 117,
        }
    }
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> Self {
        ExitCode::from(status.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_readme_table_lists_exactly_these_codes() {
        let readme = include_str!("../README.md");
        let table = readme
            .split("## Exit codes")
            .nth(1)
            .expect("README.md has an Exit codes section");
        let documented: Vec<u8> = table
            .lines()
            .skip_while(|l| !l.starts_with("| code"))
            .skip(2)
            .take_while(|l| l.starts_with('|'))
            .map(|l| l.split('|').nth(1).unwrap().trim().parse().expect(l))
            .collect();
        let code: Vec<u8> = ExitStatus::ALL.iter().map(|s| s.code()).collect();
        assert_eq!(
            documented, code,
            "README.md's exit-code table and ExitStatus::ALL differ"
        );
    }

    #[test]
    fn codes_are_distinct() {
        let mut codes: Vec<u8> = ExitStatus::ALL.iter().map(|s| s.code()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), ExitStatus::ALL.len());
    }
}
