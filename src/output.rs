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
pub const JSON_SCHEMA_VERSION: u32 = 2;

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

/// The Unicode controls that reorder text on display (bidirectional embeddings, overrides,
/// isolates and marks): a server could use them to make `pay to 0xabc…` read as another
/// address, or push a warning out of sight (the "Trojan Source" trick, CVE-2021-42574).
fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}'
    )
}

/// Escapes what `keep` does not allow: control characters and bidi controls become `\u{1b}`.
fn escape(text: &str, keep: impl Fn(char) -> bool) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| (c.is_control() || is_bidi_control(c)) && !keep(c);
    if !text.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Text for a terminal: control characters (which a hostile server could put in a description
/// or an error reason to move the cursor, recolour or retitle the terminal) and the bidi
/// controls are shown escaped, as `\u{1b}`; newlines and tabs of the tool's own multi-line
/// messages stay (stdout's lines; every line on stderr is one line and escapes those too).
pub fn clean(text: &str) -> std::borrow::Cow<'_, str> {
    escape(text, |c| c == '\n' || c == '\t')
}

/// The most characters of one value from a server shown on the terminal; the rest is cut,
/// with a marker saying how much was left out, so no line grows with what the server sent.
pub const MAX_SHOWN_CHARS: usize = 200;

/// One value from a server (a description, a reason, a resource URL, a header value), made safe
/// to put inside a line of the terminal: every control character (newlines and carriage returns
/// included, which could forge a line of the tool's own) and every bidi control escaped, and
/// cut after [`MAX_SHOWN_CHARS`] with a `…[N more characters]` marker.
pub fn untrusted(text: &str) -> String {
    untrusted_within(text, MAX_SHOWN_CHARS)
}

/// [`untrusted`] with another bound on the characters shown.
pub fn untrusted_within(text: &str, max_chars: usize) -> String {
    let total = text.chars().count();
    let (head, cut) = if total > max_chars {
        let end = text
            .char_indices()
            .nth(max_chars)
            .map_or(text.len(), |(i, _)| i);
        (&text[..end], total - max_chars)
    } else {
        (text, 0)
    };
    let mut out = escape(head, |_| false).into_owned();
    if cut > 0 {
        out.push_str(&format!("…[{cut} more characters]"));
    }
    out
}

/// One line said on stderr. Every message, warning, cause and hint is one line, so a newline
/// or carriage return in it can only have come from outside (a server's reason, a file's
/// text): it is escaped with the other controls, and no text can forge a line of the tool's
/// own. A line longer than this is cut with a marker: values from a server are already cut by
/// [`untrusted`], this is the backstop for any that were not, so an error line never grows
/// with the size of the input.
const MAX_LINE_CHARS: usize = 2000;

fn one_line(text: &str) -> std::borrow::Cow<'_, str> {
    let keep = |c: char| c == '\t';
    if text.len() <= MAX_LINE_CHARS {
        return escape(text, keep);
    }
    let total = text.chars().count();
    if total <= MAX_LINE_CHARS {
        return escape(text, keep);
    }
    let end = text
        .char_indices()
        .nth(MAX_LINE_CHARS)
        .map_or(text.len(), |(i, _)| i);
    let mut out = escape(&text[..end], keep).into_owned();
    out.push_str(&format!("…[{} more characters]", total - MAX_LINE_CHARS));
    std::borrow::Cow::Owned(out)
}

/// A JSON document made safe for a terminal without changing its value: serde_json leaves
/// DEL, the C1 controls and the bidi controls unescaped inside strings; they are written as
/// JSON `\uXXXX` escapes (they can only occur inside strings, so the document still parses
/// to the same value).
fn json_for_terminal(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| c != '\n' && (c.is_control() || is_bidi_control(c));
    if !text.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
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

    /// A printer of the same verbosity for a long-running server (`x402 mcp`), whose stdout
    /// carries protocol messages only, never a body line left open.
    pub fn for_server(&self) -> Self {
        Self {
            verbosity: self.verbosity,
            show_errors: self.show_errors,
            shared_terminal: false,
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
        let mut out = io::stdout().lock();
        writeln!(out, "{}", json_for_terminal(&text))?;
        out.flush()
    }

    /// Asks the person at the terminal a yes/no question (no unless they say yes); a prompt
    /// that cannot be shown or read is a no. The one place the tool asks for a confirmation.
    pub fn ask_yes_no(&self, question: &str) -> bool {
        dialoguer::Confirm::new()
            .with_prompt(question)
            .default(false)
            .interact()
            .unwrap_or(false)
    }

    /// Said to the human, unless `-q`.
    pub fn info(&self, msg: impl AsRef<str>) {
        if self.verbosity >= Verbosity::Normal {
            self.start_line();
            eprintln!("{}", one_line(msg.as_ref()));
        }
    }

    /// Only with `-v`.
    pub fn detail(&self, msg: impl AsRef<str>) {
        if self.verbosity >= Verbosity::Verbose {
            self.start_line();
            eprintln!("{}", one_line(msg.as_ref()).dimmed());
        }
    }

    /// `x402: warning: …`, unless `-q`.
    pub fn warn(&self, msg: impl AsRef<str>) {
        if self.verbosity >= Verbosity::Normal {
            self.start_line();
            eprintln!(
                "{} {}",
                "x402: warning:".yellow().bold(),
                one_line(msg.as_ref())
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
        eprintln!("{} {}", "x402: error:".red().bold(), one_line(&err.message));
        for cause in &err.causes {
            eprintln!("  {} {}", "caused by:".dimmed(), one_line(cause));
        }
        for hint in &err.hints {
            eprintln!("  {} {}", "hint:".cyan(), one_line(hint));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped_for_the_terminal() {
        assert_eq!(clean("plain\ttext\nline"), "plain\ttext\nline");
        assert_eq!(
            clean("evil\u{1b}]0;pwned\u{7}\u{1b}[2J\r\u{9b}31m"),
            "evil\\u{1b}]0;pwned\\u{7}\\u{1b}[2J\\u{d}\\u{9b}31m"
        );
    }

    #[test]
    fn bidi_controls_and_carriage_returns_are_escaped_everywhere() {
        assert_eq!(
            clean("pay \u{202e}0x1234\u{202c}\r\u{2066}x\u{2069}\u{200e}\u{200f}\u{61c}"),
            "pay \\u{202e}0x1234\\u{202c}\\u{d}\\u{2066}x\\u{2069}\\u{200e}\\u{200f}\\u{61c}"
        );
    }

    #[test]
    fn untrusted_text_cannot_forge_a_line_and_is_cut() {
        assert_eq!(
            untrusted("ok\nx402: paid 0 USDC\r\tdone"),
            "ok\\u{a}x402: paid 0 USDC\\u{d}\\u{9}done"
        );
        assert_eq!(untrusted("plain"), "plain");
        let long = "é".repeat(MAX_SHOWN_CHARS + 50);
        let shown = untrusted(&long);
        assert!(shown.starts_with(&"é".repeat(MAX_SHOWN_CHARS)));
        assert!(shown.ends_with("…[50 more characters]"), "{shown}");
        assert_eq!(untrusted_within("abcdef", 3), "abc…[3 more characters]");
    }

    #[test]
    fn long_lines_are_one_line() {
        let long = "x".repeat(MAX_LINE_CHARS * 3);
        let shown = one_line(&long);
        assert_eq!(
            shown.chars().count(),
            MAX_LINE_CHARS + "…[4000 more characters]".len() - 2
        );
        assert!(shown.ends_with("…[4000 more characters]"));
    }

    #[test]
    fn json_stays_json_with_every_control_escaped() {
        let value = serde_json::json!({"d": "a\u{9b}b\u{202e}c\u{7f}\n\u{1b}"});
        let text = serde_json::to_string_pretty(&value).unwrap();
        let safe = json_for_terminal(&text);
        assert!(
            !safe
                .chars()
                .any(|c| c != '\n' && (c.is_control() || is_bidi_control(c)))
        );
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, value);
    }
}
