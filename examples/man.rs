//! Writes the man pages (`x402.1` and one page per subcommand, `x402-get.1`, …) into `man/`,
//! from the same clap definition as `--help`: `cargo run --example man`. The pages are
//! committed, and `tests/meta.rs` fails when they differ from what this writes.

use clap::CommandFactory;

fn main() -> std::io::Result<()> {
    let dir = std::env::args_os()
        .nth(1)
        .map_or_else(|| std::path::PathBuf::from("man"), Into::into);
    std::fs::create_dir_all(&dir)?;
    clap_mangen::generate_to(x402::cli::Cli::command(), &dir)
}
