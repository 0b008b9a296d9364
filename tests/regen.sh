#!/usr/bin/env bash
# Regenerates everything derived from the command line's definition (src/cli/) and committed:
# the shell completions (completions/), the man pages (man/) and the --help snapshots
# (tests/snapshots/cli__meta__help*.snap). tests/meta.rs fails while any of them is stale;
# review the diff before committing it.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet --locked
bin=target/debug/x402
"$bin" completions bash > completions/x402.bash
"$bin" completions zsh > completions/_x402
"$bin" completions fish > completions/x402.fish
"$bin" completions elvish > completions/x402.elv
"$bin" completions powershell > completions/_x402.ps1
rm -f man/*.1
cargo run --quiet --locked --example man
rm -f tests/snapshots/cli__meta__help*.snap
INSTA_UPDATE=always cargo test --quiet --locked --test cli -- meta::help_of_every_command >/dev/null
git status --short completions man tests/snapshots
