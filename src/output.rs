//! `Printer`: the only place that writes to stdout and stderr.
//!
//! stdout carries the command's result (an address, a body, one JSON document); everything said
//! to the human goes to stderr, prefixed `x402:` for warnings and errors. `-q` silences the
//! conversation but never the result; `-v` adds detail on stderr and never changes stdout.
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "this module is the printer"
)]

use colored::Colorize;
use serde::Serialize;
use std::io::{self, IsTerminal, Write};

/// Version of every `--json` document's shape; bumped on an incompatible change.
pub const JSON_SCHEMA_VERSION: u32 = 1;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verbosity {
    Quiet,
    Normal,
    Verbose,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug)]
pub struct Printer {
    pub verbosity: Verbosity,
    /// `get -s` without `-S` hides errors too (the exit status still tells).
    pub show_errors: bool,
    /// stdout and stderr are both the terminal: what is said on stderr after a body that did
    /// not end its line starts on a line of its own.
    shared_terminal: bool,
    /// The last byte written to stdout was not a newline.
    open_line: std::sync::atomic::AtomicBool,
}

/// The `--json` envelope: one document on stdout, on success and on failure alike.
#[derive(Serialize)]
struct Envelope<'a, T: Serialize> {
    schema_version: u32,
    success: bool,
    data: Option<&'a T>,
    errors: &'a [JsonError],
}

#[derive(Clone, Debug, Serialize)]
pub struct JsonError {
    /// The exit code this error ends the process with.
    pub code: u8,
    pub message: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub causes: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hints: Vec<String>,
}

/// Decides colour once: `--color`, then `NO_COLOR`, then `CLICOLOR_FORCE` / `FORCE_COLOR`,
/// then whether stderr (where the colour goes) is a terminal.
pub fn use_color(choice: ColorChoice, stderr_tty: bool) -> bool {
    // no-color.org: NO_COLOR disables colour when present and not empty, whatever its value.
    let present = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0");
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto if present("NO_COLOR") => false,
        ColorChoice::Auto if set("CLICOLOR_FORCE") || set("FORCE_COLOR") => true,
        ColorChoice::Auto => stderr_tty && std::env::var("TERM").map_or(true, |t| t != "dumb"),
    }
}

/// Text for a terminal: control characters (which a hostile server could put in a description
/// or an error reason to move the cursor, recolour or retitle the terminal) are shown escaped,
/// as `\u{1b}`; newlines and tabs stay.
pub fn clean(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| c.is_control() && c != '\n' && c != '\t';
    if !text.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            out.push_str(&c.escape_unicode().to_string());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

impl Printer {
    pub fn new(verbosity: Verbosity, color: ColorChoice) -> Self {
        let stderr_tty = io::stderr().is_terminal();
        colored::control::set_override(use_color(color, stderr_tty));
        Self {
            verbosity,
            show_errors: true,
            shared_terminal: stderr_tty && io::stdout().is_terminal(),
            open_line: Default::default(),
        }
    }

    /// Before a line on stderr: ends a body line left open on the shared terminal (stdout
    /// itself stays byte for byte what the server sent).
    fn start_line(&self) {
        if self
            .open_line
            .swap(false, std::sync::atomic::Ordering::Relaxed)
        {
            eprintln!();
        }
    }

    /// A spinner on stderr while `message` is in progress: only on a terminal, and not with
    /// `-q`/`-s`. It disappears when dropped.
    pub fn spinner(&self, message: impl Into<String>) -> Option<indicatif::ProgressBar> {
        if self.verbosity < Verbosity::Normal || !io::stderr().is_terminal() {
            return None;
        }
        let bar =
            indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {msg} {elapsed}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        bar.set_message(message.into());
        bar.enable_steady_tick(std::time::Duration::from_millis(100));
        Some(bar)
    }

    /// One line of result on stdout (control characters escaped, see [`clean`]).
    pub fn result(&self, line: &str) -> io::Result<()> {
        let mut out = io::stdout().lock();
        writeln!(out, "{}", clean(line))?;
        out.flush()
    }

    /// Result bytes on stdout, unchanged.
    pub fn result_bytes(&self, bytes: &[u8]) -> io::Result<()> {
        let mut out = io::stdout().lock();
        out.write_all(bytes)?;
        if let Some(&last) = bytes.last() {
            self.open_line.store(
                self.shared_terminal && last != b'\n',
                std::sync::atomic::Ordering::Relaxed,
            );
        }
        out.flush()
    }

    /// The `--json` success document.
    pub fn json<T: Serialize>(&self, data: &T) -> io::Result<()> {
        self.envelope(Some(data), &[])
    }

    /// A `--json` document with data and errors (a partial result); `success` is false when
    /// there are errors.
    pub fn json_with_errors<T: Serialize>(&self, data: &T, errors: &[JsonError]) -> io::Result<()> {
        self.envelope(Some(data), errors)
    }

    /// The `--json` failure document.
    pub fn json_error(&self, errors: &[JsonError]) -> io::Result<()> {
        self.envelope::<()>(None, errors)
    }

    fn envelope<T: Serialize>(&self, data: Option<&T>, errors: &[JsonError]) -> io::Result<()> {
        let doc = Envelope {
            schema_version: JSON_SCHEMA_VERSION,
            success: errors.is_empty(),
            data,
            errors,
        };
        let text = serde_json::to_string_pretty(&doc).map_err(io::Error::other)?;
        self.result(&text)
    }

    /// Said to the human, unless `-q`.
    pub fn info(&self, msg: impl AsRef<str>) {
        if self.verbosity >= Verbosity::Normal {
            self.start_line();
            eprintln!("{}", clean(msg.as_ref()));
        }
    }

    /// Only with `-v`.
    pub fn detail(&self, msg: impl AsRef<str>) {
        if self.verbosity >= Verbosity::Verbose {
            self.start_line();
            eprintln!("{}", clean(msg.as_ref()).dimmed());
        }
    }

    /// `x402: warning: …`, unless `-q`.
    pub fn warn(&self, msg: impl AsRef<str>) {
        if self.verbosity >= Verbosity::Normal {
            self.start_line();
            eprintln!(
                "{} {}",
                "x402: warning:".yellow().bold(),
                clean(msg.as_ref())
            );
        }
    }

    /// `x402: error: …` with its causes and hints: shown even with `-q` (not with `get -s`
    /// unless `-S`).
    pub fn error(&self, err: &JsonError) {
        if !self.show_errors {
            return;
        }
        self.start_line();
        eprintln!("{} {}", "x402: error:".red().bold(), clean(&err.message));
        for cause in &err.causes {
            eprintln!("  {} {}", "caused by:".dimmed(), clean(cause));
        }
        for hint in &err.hints {
            eprintln!("  {} {}", "hint:".cyan(), clean(hint));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::clean;

    #[test]
    fn control_characters_are_escaped_for_the_terminal() {
        assert_eq!(clean("plain\ttext\nline"), "plain\ttext\nline");
        assert_eq!(
            clean("evil\u{1b}]0;pwned\u{7}\u{1b}[2J\r\u{9b}31m"),
            "evil\\u{1b}]0;pwned\\u{7}\\u{1b}[2J\\u{d}\\u{9b}31m"
        );
    }
}
