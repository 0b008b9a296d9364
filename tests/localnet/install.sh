#!/usr/bin/env bash
# Installs the local x402 test network's npm dependencies from the committed
# lockfiles (npm ci), in tests/localnet/ and tests/localnet/v1/. Idempotent: a
# folder whose node_modules already matches its lockfile is left alone.
# Usable from CI. Prints where the anvil and cast binaries are.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

need() { command -v "$1" >/dev/null 2>&1 || { echo "install.sh: $1 is required (node >= 20, npm)" >&2; exit 1; }; }
need node
need npm
node -e 'if (+process.versions.node.split(".")[0] < 20) { console.error("install.sh: node >= 20 required, found " + process.version); process.exit(1) }'

install_dir() {
  local dir="$1"
  local stamp="$dir/node_modules/.x402-localnet-lock.sha256"
  local sum
  sum="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$sum" && -f "$dir/node_modules/.package-lock.json" ]]; then
    echo "install.sh: $dir/node_modules up to date" >&2
    return
  fi
  # A stalled registry download must not hang CI: short per-request timeout, npm's own
  # retries, and one more complete attempt if npm ci still fails.
  local attempt
  for attempt in 1 2; do
    echo "install.sh: npm ci in $dir (attempt $attempt)" >&2
    if (cd "$dir" && timeout 900 npm ci --no-audit --no-fund --loglevel=error \
          --fetch-timeout=60000 --fetch-retries=4 --fetch-retry-mintimeout=2000 --fetch-retry-maxtimeout=20000); then
      break
    fi
    if [[ $attempt == 2 ]]; then
      echo "install.sh: npm ci failed in $dir" >&2
      exit 1
    fi
    sleep 5
  done
  echo "$sum" > "$stamp"
}

install_dir "$here"
install_dir "$here/v1"

anvil="$here/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil"
cast="$here/node_modules/@foundry-rs/cast-linux-amd64/bin/cast"
for bin in "$anvil" "$cast"; do
  [[ -x "$bin" ]] || { echo "install.sh: missing $bin" >&2; exit 1; }
done
echo "anvil: $anvil ($("$anvil" --version | head -1))"
echo "cast:  $cast ($("$cast" --version | head -1))"
