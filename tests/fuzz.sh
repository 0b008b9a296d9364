#!/usr/bin/env bash
# Runs every cargo-fuzz target in fuzz/ for a share of FUZZ_TOTAL_SECONDS (default 240, so
# 40 s each for six targets; at least 10 s each), or for FUZZ_SECONDS each when that is set,
# starting from the committed seeds (fuzz/seeds/TARGET), with libFuzzer's memory limits: a
# panic, a timeout, an allocation above FUZZ_MALLOC_MB (default 512) or a process above 2 GiB
# fails the run and leaves the reproducer in fuzz/artifacts/TARGET/. Works on the stable toolchain (no
# sanitizer: the targets check the tool's own invariants, and the code forbids `unsafe`).
#
#   tests/fuzz.sh                 # all targets, 240 s in all
#   FUZZ_SECONDS=600 tests/fuzz.sh payment_required
set -euo pipefail
cd "$(dirname "$0")/.."
malloc_mb="${FUZZ_MALLOC_MB:-512}"
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz.sh: cargo-fuzz is not installed: cargo install cargo-fuzz --locked --version 0.13.2" >&2
  exit 2
fi
flags=(--sanitizer none --release --debug-assertions)
if [ "$#" -gt 0 ]; then targets=("$@"); else mapfile -t targets < <(cargo fuzz list); fi
# CI's time for fuzzing stays the same as targets are added: they share it.
total="${FUZZ_TOTAL_SECONDS:-240}"
seconds="${FUZZ_SECONDS:-$((total / ${#targets[@]} > 10 ? total / ${#targets[@]} : 10))}"
cargo fuzz build "${flags[@]}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for target in "${targets[@]}"; do
  echo "fuzz.sh: $target for ${seconds}s" >&2
  mkdir -p "$work/$target"
  # The seeds directory is read only: new inputs go to the temporary corpus.
  if ! cargo fuzz run "${flags[@]}" "$target" "$work/$target" "fuzz/seeds/$target" -- \
    -max_total_time="$seconds" -rss_limit_mb=2048 -malloc_limit_mb="$malloc_mb" -timeout=10 \
    -print_final_stats=1 >"$work/$target.log" 2>&1; then
    grep -v '^#' "$work/$target.log" | tail -n 40 >&2
    echo "fuzz.sh: $target failed; reproducer in fuzz/artifacts/$target/ (cargo fuzz run ${flags[*]} $target FILE)" >&2
    exit 1
  fi
  grep -E '^stat::number_of_executed_units|^Done' "$work/$target.log" | tail -n 1 | sed "s/^/fuzz.sh: $target: /" >&2
done
