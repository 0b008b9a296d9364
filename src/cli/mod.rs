//! The command line, declared with clap: parsing only, no I/O and no logic. Doc comments here
//! are the `--help` text. Habits: every option has an uppercase `value_name`, a short flag only
//! where curl or Foundry has the same one, and values are parsed into domain types at the edge.

// Doc comments here are `--help` text, written for the terminal: `[default: [limits] daily]`
// is not a rustdoc link.
#![allow(rustdoc::broken_intra_doc_links)]

mod account;
mod get;
mod history;
mod mcp;
mod request;
mod wallet;

pub use account::{AccountArgs, PasswordArgs};
pub use get::{GetArgs, InspectArgs, LimitArgs};
pub use history::{CancelArgs, CheckArgs, HistoryArgs, HistoryCommand, parse_since};
pub use mcp::{CompletionsArgs, McpArgs, NetworksArgs};
pub use request::{BodyPiece, RedirectArgs, RequestArgs};
pub use wallet::{
    AddressArgs, ApproveArgs, BalanceArgs, ImportArgs, ListArgs, NewArgs, Spender, WalletCommand,
};

use crate::output::ColorChoice;
use clap::{ArgAction, ArgMatches, Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "x402",
    version,
    about = "Pay HTTP 402 (x402) endpoints from the terminal, with an encrypted-keystore wallet",
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// When to use colour on stderr
    #[arg(
        long,
        value_name = "WHEN",
        default_value = "auto",
        global = true,
        help_heading = "Output",
        display_order = 900
    )]
    pub color: ColorChoice,
    /// Say nothing on stderr but errors
    #[arg(
        short,
        long,
        global = true,
        conflicts_with = "verbose",
        help_heading = "Output",
        display_order = 901
    )]
    pub quiet: bool,
    /// Say more on stderr, curl's -v trace for requests (never changes stdout)
    #[arg(
        short,
        long,
        global = true,
        action = ArgAction::Count,
        help_heading = "Output",
        display_order = 902
    )]
    pub verbose: u8,
    /// Settings file [default: $X402_HOME/config.toml]
    #[arg(
        long,
        value_name = "PATH",
        env = "X402_CONFIG",
        hide_env_values = true,
        global = true
    )]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
#[allow(clippy::large_enum_variant, reason = "parsed once per process")]
pub enum Command {
    /// Fetch a URL and pay its 402 (curl-like): the body to stdout, the payment to stderr
    Get(GetArgs),
    /// Show a URL's 402 payment terms without paying
    Inspect(InspectArgs),
    /// Manage encrypted keystores and check balances
    #[command(subcommand)]
    Wallet(WalletCommand),
    /// The payments made, from the journal, with totals; `check` verifies them on-chain
    History(HistoryArgs),
    /// The networks `--network` accepts: CAIP-2 id, v1 name, stablecoin, RPC URL, explorer
    Networks(NetworksArgs),
    /// Serve the tools of this wallet to an AI agent over MCP (stdio), within limits
    Mcp(McpArgs),
    /// Print a shell completion script
    Completions(CompletionsArgs),
}

/// The body flags of a `get` or `inspect` command line, in the order they were given.
fn body_in_order(matches: &ArgMatches) -> Vec<BodyPiece> {
    type Tag = fn(String) -> BodyPiece;
    let flags: [(&str, Tag); 3] = [
        ("data", BodyPiece::Data),
        ("data_binary", BodyPiece::Binary),
        ("json_body", BodyPiece::Json),
    ];
    let mut pieces = Vec::new();
    for (id, piece) in flags {
        // `inspect` has no `json_body`: try_get_many says so instead of panicking.
        let Ok(Some(values)) = matches.try_get_many::<String>(id) else {
            continue;
        };
        let Some(at) = matches.indices_of(id) else {
            continue;
        };
        pieces.extend(at.zip(values.cloned().map(piece)));
    }
    pieces.sort_by_key(|(at, _)| *at);
    pieces.into_iter().map(|(_, piece)| piece).collect()
}

impl Cli {
    /// Parses `std::env::args`, as `Cli::try_parse`, and also records the order of the body
    /// flags (`RequestArgs::body`), which the derived fields lose.
    pub fn try_parse_ordered() -> Result<Cli, clap::Error> {
        Self::try_parse_ordered_from(std::env::args_os())
    }

    /// [`Cli::try_parse_ordered`] from the given arguments (the program name first).
    pub fn try_parse_ordered_from<I, T>(argv: I) -> Result<Cli, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        let matches = Cli::command().try_get_matches_from(argv)?;
        let mut cli = Cli::from_arg_matches(&matches)?;
        if let Some((_, sub)) = matches.subcommand() {
            let request = match &mut cli.command {
                Command::Get(a) => Some(&mut a.request),
                Command::Inspect(a) => Some(&mut a.request),
                _ => None,
            };
            if let Some(request) = request {
                request.body = body_in_order(sub);
            }
        }
        Ok(cli)
    }

    /// curl's `-s` (say nothing on stderr) and whether errors still show (`-S`).
    pub fn silence(&self) -> (bool, bool) {
        match &self.command {
            Command::Get(a) if a.silent => (true, a.show_error),
            _ => (false, true),
        }
    }

    /// How the command line asked for its output, what `main` builds the printer from.
    pub fn output(&self) -> OutputFlags {
        let (silent, show_errors) = self.silence();
        OutputFlags {
            color: self.global.color,
            quiet: self.global.quiet,
            verbose: self.global.verbose,
            silent,
            show_errors,
            json: self.wants_json(),
        }
    }

    /// Whether the command asked for a `--json` document (errors then come as one too).
    pub fn wants_json(&self) -> bool {
        match &self.command {
            Command::Wallet(w) => match w {
                WalletCommand::New(a) => a.json,
                WalletCommand::Import(a) => a.json,
                WalletCommand::List(a) => a.json,
                WalletCommand::Address(a) => a.json,
                WalletCommand::Balance(a) => a.json,
                WalletCommand::Approve(a) => a.json,
            },
            Command::Inspect(a) => a.json,
            Command::History(a) => a.json,
            Command::Networks(a) => a.json,
            Command::Get(_) | Command::Mcp(_) | Command::Completions(_) => false,
        }
    }
}

/// What a command line asks of the output: colour, `-q`, `-v`, curl's `-s`/`-S`, `--json`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OutputFlags {
    pub color: ColorChoice,
    pub quiet: bool,
    pub verbose: u8,
    /// `get -s`: nothing on stderr.
    pub silent: bool,
    /// Errors still shown (not `-s`, or `-s -S`).
    pub show_errors: bool,
    /// A `--json` document was asked for (errors then come as one too).
    pub json: bool,
}

impl OutputFlags {
    /// The output flags of a command line one of whose values its value parser refused, read
    /// by parsing it again with every value kept as the text given: so that the refusal is
    /// said as the tool says every usage error. None when it does not parse even so.
    pub fn despite_values<I, T>(argv: I) -> Option<OutputFlags>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        fn as_given(cmd: clap::Command) -> clap::Command {
            cmd.mut_args(|a| {
                if a.get_action().takes_values() {
                    a.value_parser(clap::builder::OsStringValueParser::new())
                } else {
                    a
                }
            })
            .mut_subcommands(as_given)
        }
        let matches = as_given(Cli::command()).try_get_matches_from(argv).ok()?;
        let mut command = &matches;
        while let Some((_, sub)) = command.subcommand() {
            command = sub;
        }
        // Flags the command has, set: `silent` is `get`'s, `json` a document's (`get
        // --json` is a body, under another id).
        let set = |id: &str| matches!(command.try_get_one::<bool>(id), Ok(Some(true)));
        let color = matches.get_raw("color")?.next()?.to_str()?;
        let silent = set("silent");
        Some(OutputFlags {
            color: clap::ValueEnum::from_str(color, false).ok()?,
            quiet: matches.get_flag("quiet"),
            verbose: matches.get_count("verbose"),
            silent,
            show_errors: !silent || set("show_error"),
            json: set("json"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }

    /// Read again with every value as given, a command line asks the same of the output as
    /// when it parses: `main` says a refused value on the terms the user chose.
    #[test]
    fn output_flags_read_despite_values_match_the_parsed_ones() {
        for argv in [
            &["x402", "history"][..],
            &["x402", "history", "--json", "--since", "7d"],
            &[
                "x402", "--color", "always", "history", "check", "--json", "-q",
            ],
            &[
                "x402",
                "history",
                "-v",
                "-v",
                "--color=never",
                "--since",
                "24h",
            ],
            &["x402", "wallet", "balance", "--json", "--network", "base"],
            &["x402", "inspect", "http://h/", "--json"],
            &["x402", "get", "http://h/", "--json", "{}", "-s"],
            &["x402", "get", "-sS", "http://h/"],
            &["x402", "get", "http://h/", "-v", "--network", "base"],
            &["x402", "networks", "--json"],
            &["x402", "mcp", "--password-file", "/p"],
        ] {
            let parsed = Cli::try_parse_ordered_from(argv).expect("parses").output();
            assert_eq!(OutputFlags::despite_values(argv), Some(parsed), "{argv:?}");
        }
        // A refused value does not stop the others from being read.
        assert_eq!(
            OutputFlags::despite_values(["x402", "history", "--since", "x", "--json", "-q"]),
            Some(OutputFlags {
                color: ColorChoice::Auto,
                quiet: true,
                verbose: 0,
                silent: false,
                show_errors: true,
                json: true,
            })
        );
    }

    #[test]
    fn since_is_a_date_a_time_or_an_age() {
        let at = |text: &str| parse_since(text).map(|t| t.to_string());
        assert_eq!(at("2026-11-25").unwrap(), "2026-11-25T00:00:00Z");
        assert_eq!(
            at("2026-11-25T10:00:00+02:00").unwrap(),
            "2026-11-25T08:00:00Z"
        );
        let before = jiff::Timestamp::now();
        let age = parse_since("7d").unwrap();
        let after = jiff::Timestamp::now();
        let week = jiff::SignedDuration::from_hours(7 * 24);
        assert!(before - week <= age && age <= after - week, "{age}");
        for bad in [
            "yesterday",
            "7x",
            "2026-13-01",
            "h",
            "",
            "-",
            "99999999999999999999d",
        ] {
            assert_eq!(
                parse_since(bad).unwrap_err().0,
                format!(
                    "--since '{bad}': expected a date (2026-11-25), a time \
                     (2026-11-25T10:00:00Z) or an age (24h, 7d)"
                )
            );
        }
        // clap takes it through the parser: the field holds the time, a bad value fails there
        // with the tool's own error inside.
        let cli = Cli::try_parse_ordered_from(["x402", "history", "--since", "2026-11-25"]);
        let Command::History(h) = cli.expect("parses").command else {
            panic!("not history")
        };
        assert_eq!(h.since.unwrap().to_string(), "2026-11-25T00:00:00Z");
        let e =
            Cli::try_parse_ordered_from(["x402", "history", "check", "--since", "7x"]).unwrap_err();
        assert_eq!(e.kind(), clap::error::ErrorKind::ValueValidation);
        let source = std::error::Error::source(&e).expect("the parser's error");
        assert!(source.downcast_ref::<crate::exit::UsageError>().is_some());
    }

    fn body(argv: &[&str]) -> Vec<BodyPiece> {
        let cli = Cli::try_parse_ordered_from(argv).expect("parses");
        match cli.command {
            Command::Get(a) => a.request.body,
            Command::Inspect(a) => a.request.body,
            _ => panic!("not a request command"),
        }
    }

    #[test]
    fn body_flags_keep_their_command_line_order() {
        use BodyPiece::{Binary, Data, Json};
        let s = |v: &str| v.to_string();
        assert_eq!(
            body(&[
                "x402",
                "get",
                "http://h/",
                "--data-binary",
                "x y",
                "-d",
                "z"
            ]),
            [Binary(s("x y")), Data(s("z"))]
        );
        assert_eq!(
            body(&[
                "x402",
                "get",
                "-d",
                "a",
                "http://h/",
                "--json",
                "{}",
                "--data=b",
                "--data-binary",
                "c",
                "-d",
                "d"
            ]),
            [
                Data(s("a")),
                Json(s("{}")),
                Data(s("b")),
                Binary(s("c")),
                Data(s("d"))
            ]
        );
        assert_eq!(
            body(&[
                "x402",
                "inspect",
                "--data-binary",
                "1",
                "http://h/",
                "-d",
                "2",
                "--json"
            ]),
            [Binary(s("1")), Data(s("2"))]
        );
        assert_eq!(body(&["x402", "get", "http://h/"]), []);
    }
}
