//! How `history` lines are laid out: columns, shortened hashes on a terminal, whole values into
//! a pipe. Pure formatting over strings; depends on nothing but `output` and `cli`.

use crate::cli::HistoryArgs;
use std::io::IsTerminal as _;

/// How `history` lines are laid out: on a terminal (unless `--wide`) addresses and hashes are
/// shortened as explorers show them (`0x1234…abcd`) and each line kept within
/// [`TERMINAL_WIDTH`] columns; into a pipe or a file every value is whole, for grep and for
/// the next command that takes a nonce or a hash.
pub(super) struct Style {
    pub(super) terminal: bool,
    short: bool,
}

/// The most columns a `history` line takes on a terminal without `--wide`.
pub const TERMINAL_WIDTH: usize = 100;

impl Style {
    pub(super) fn of(args: &HistoryArgs) -> Style {
        let terminal = std::io::stdout().is_terminal();
        Style {
            terminal,
            short: terminal && !args.wide,
        }
    }

    /// `0x1234…abcd` when shortening, the whole value otherwise.
    pub(super) fn hex(&self, value: &str) -> String {
        if self.short {
            shorten(value)
        } else {
            value.to_string()
        }
    }
}

/// An address, hash or nonce as explorers show it: the first 6 characters (`0x` and four
/// digits), `…`, the last 4. Shorter values are left whole.
pub fn shorten(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() <= 13 {
        return value.to_string();
    }
    let head: String = chars[..6].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}…{tail}")
}

/// Lays out `rows` (the first is the header) in columns two spaces apart, `right` ones
/// right-aligned. Every cell is made safe for the terminal first (server text: control and
/// bidi characters escaped); when shortening, a left-aligned last column (a URL, a reason)
/// is cut with `…` so the line fits [`TERMINAL_WIDTH`].
pub(super) fn table<const N: usize>(
    rows: &[[String; N]],
    right: &[bool; N],
    style: &Style,
) -> Vec<String> {
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| crate::output::untrusted(c)).collect())
        .collect();
    let width = |s: &str| s.chars().count();
    let mut widths = [0usize; N];
    for r in &rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(width(c));
        }
    }
    rows.iter()
        .map(|r| {
            let mut line = String::new();
            for (i, cell) in r.iter().enumerate() {
                if i + 1 == N && !right[i] {
                    let room = TERMINAL_WIDTH.saturating_sub(width(&line));
                    if style.short && width(cell) > room {
                        let cut: String = cell.chars().take(room.saturating_sub(1)).collect();
                        line.push_str(&cut);
                        line.push('…');
                    } else {
                        line.push_str(cell);
                    }
                } else {
                    let pad = " ".repeat(widths[i] - width(cell));
                    if right[i] {
                        line.push_str(&pad);
                        line.push_str(cell);
                    } else {
                        line.push_str(cell);
                        line.push_str(&pad);
                    }
                    line.push_str("  ");
                }
            }
            line.trim_end().to_string()
        })
        .collect()
}
