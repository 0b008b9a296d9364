//! The request flags `get` and `inspect` share, with curl's names and meanings.

use clap::Args;

/// The request, with curl's flags and curl's meanings.
#[derive(Debug, Args)]
pub struct RequestArgs {
    /// The URL to fetch
    #[arg(value_name = "URL")]
    pub url: String,
    /// HTTP method [default: GET, or POST with a body]
    #[arg(
        short = 'X',
        long = "request",
        value_name = "METHOD",
        help_heading = "Request"
    )]
    pub method: Option<String>,
    /// Extra header, "Name: value" (repeatable)
    #[arg(
        short = 'H',
        long = "header",
        value_name = "HEADER",
        help_heading = "Request"
    )]
    pub headers: Vec<String>,
    /// Request body, form-encoded as curl does; @FILE reads a file (newlines removed), @- stdin
    #[arg(
        short = 'd',
        long = "data",
        value_name = "DATA",
        help_heading = "Request"
    )]
    pub data: Vec<String>,
    /// Request body sent exactly as given; @FILE / @- read a file or stdin
    #[arg(long = "data-binary", value_name = "DATA", help_heading = "Request")]
    pub data_binary: Vec<String>,
    /// The body's pieces in command-line order (`-d`, `--data-binary`, `get --json`), filled by
    /// [`Cli::try_parse_ordered`]: curl joins `--data-binary 'x y' -d z` as `x y&z`, and the
    /// fields above keep each flag's values apart.
    #[arg(skip)]
    pub body: Vec<BodyPiece>,
    /// Send a HEAD request and show the headers
    #[arg(short = 'I', long, help_heading = "Request")]
    pub head: bool,
    /// User-Agent [default: x402/VERSION]
    #[arg(short = 'A', long, value_name = "AGENT", help_heading = "Request")]
    pub user_agent: Option<String>,
    /// Maximum time for the whole operation, in seconds
    #[arg(short = 'm', long, value_name = "SECONDS", help_heading = "Request",
        value_parser = crate::request::parse_seconds)]
    pub max_time: Option<std::time::Duration>,
    /// Maximum time to connect, in seconds
    #[arg(long, value_name = "SECONDS", help_heading = "Request",
        value_parser = crate::request::parse_seconds)]
    pub connect_timeout: Option<std::time::Duration>,
    /// Do not verify the server's TLS certificate
    #[arg(short = 'k', long, help_heading = "Request")]
    pub insecure: bool,
}

/// curl's `-L` and `--max-redirs`, for `get` and `inspect`.
#[derive(Debug, Args, Clone, Copy)]
pub struct RedirectArgs {
    /// Follow redirects (a payment header never goes to another origin)
    #[arg(short = 'L', long, help_heading = "Request")]
    pub location: bool,
    /// Most redirects to follow with -L
    #[arg(
        long,
        value_name = "NUM",
        default_value_t = 50,
        help_heading = "Request"
    )]
    pub max_redirs: u32,
}

/// One request-body value, tagged with the flag that gave it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BodyPiece {
    /// `-d`/`--data`: an `@FILE`'s newlines removed; joined with `&`.
    Data(String),
    /// `--data-binary`: as given; joined with `&`.
    Binary(String),
    /// `get --json`: as given; appended without a separator.
    Json(String),
}
