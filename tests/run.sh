#!/usr/bin/env bash
# The whole test suite: the npm parts of the local x402 network, its own smoke test (the
# official clients paying the official servers), then every Rust test. 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tests/localnet/install.sh
node tests/localnet/contracts/build.mjs --check
node tests/localnet/smoke.mjs
cargo test --locked
# Nothing the tests started may outlive them (the local networks stop when their supervisor's
# stdin closes, i.e. when the test process ends).
for _ in 1 2 3 4 5 6 7 8 9 10; do
  pgrep -f -- "$PWD/tests/localnet/" >/dev/null || exit 0
  sleep 0.5
done
echo "run.sh: processes of the local network outlived the tests:" >&2
pgrep -af -- "$PWD/tests/localnet/" >&2
exit 1
