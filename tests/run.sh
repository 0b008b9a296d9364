#!/usr/bin/env bash
# The whole test suite: the npm parts of the local x402 network, its own smoke test (the
# official clients paying the official servers), then every Rust test. 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tests/localnet/install.sh
node tests/localnet/contracts/build.mjs --check
node tests/localnet/smoke.mjs
cargo test --locked
