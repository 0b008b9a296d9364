#!/usr/bin/env bash
# The demo: install the local x402 network's npm packages (once; later runs find them up to
# date), build x402, start the network, import its funded test key into a throwaway
# X402_HOME, and show the wallet and the payment commands at work. Stops everything it
# started. Fails unless the payee received exactly the price. CI runs it.
#
# Each step is announced on stderr with `==`; each x402 command is echoed with `+` exactly as
# it runs (`x402` standing for target/debug/x402, or for $X402_BIN when set: then nothing is
# built), then its output follows.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n== %s\n' "$*" >&2; }
# Echoes a command (shell-quoted, as it could be pasted) and runs it.
shown() {
  local words=() a
  for a in "$@"; do words+=("$(printf '%q' "$a")"); done
  printf '+ %s\n' "${words[*]}" >&2
}
x402() { shown x402 "$@"; "$x402_bin" "$@"; }

step "installing the local network's npm packages (only the first run downloads anything)"
bash tests/localnet/install.sh >/dev/null
if [ -n "${X402_BIN:-}" ]; then
  x402_bin=$X402_BIN   # a binary already built (the test suite runs the demo so)
else
  step "building x402 (cargo build --locked)"
  # cargo shows its progress on a terminal; in a log, only errors.
  if [ -t 2 ]; then cargo build --locked; else cargo build --quiet --locked; fi
  x402_bin="$PWD/target/debug/x402"
fi
work=$(mktemp -d)
state="$work/localnet.json"
step "starting the local x402 network: two anvil chains, USDC, the official servers and facilitators"
node tests/localnet/start.mjs --state-file "$state" > /dev/null 2> "$work/localnet.log" &
supervisor=$!
cleanup() { node tests/localnet/stop.mjs --state-file "$state" >/dev/null 2>&1 || kill "$supervisor" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
for _ in $(seq 1 300); do [ -s "$state" ] && break; sleep 0.1; done
[ -s "$state" ] || { cat "$work/localnet.log" >&2; echo "demo: the local network did not start" >&2; exit 1; }
get() { node -e "const s=require(process.argv[1]); console.log(process.argv[2].split('.').reduce((o,k)=>o[k],s))" "$state" "$1"; }
rpc=$(get chains.baseSepolia.rpcUrl)
echo "up: Base Sepolia (chain 84532) at $rpc, the x402 v2 server at $(get v2.serverUrl)" >&2

export X402_HOME="$work/x402" HOME="$work/home"
mkdir -p "$HOME"
(umask 077 && echo demo-password > "$work/password")
export X402_PASSWORD_FILE="$work/password"
cat > "$work/config.toml" <<TOML
[rpc]
base-sepolia = "$rpc"
TOML
export X402_CONFIG="$work/config.toml"
echo "a throwaway home: X402_HOME=$X402_HOME, X402_CONFIG (the local RPC), X402_PASSWORD_FILE" >&2

step "importing the network's funded test key (from stdin) as account 'payer'"
get accounts.payer.privateKey | x402 wallet import payer
step "its balance on the local Base Sepolia"
x402 wallet balance --account payer --network base-sepolia
v2=$(get v2.serverUrl)
payee=$(get accounts.payee.address)
usdc=$(get token.baseSepoliaUsdc)
cast=tests/localnet/node_modules/@foundry-rs/cast-linux-amd64/bin/cast
before=$("$cast" call "$usdc" "balanceOf(address)(uint256)" "$payee" --rpc-url "$rpc" | cut -d' ' -f1)
step "the terms of a paid route, read without paying"
x402 inspect "$v2/cheap"
step "paying for it: the quote and the settlement on stderr, the body on stdout"
x402 get "$v2/cheap" --yes --account payer
# The body has no trailing newline (x402 get writes it byte for byte, as curl does).
echo
after=$("$cast" call "$usdc" "balanceOf(address)(uint256)" "$payee" --rpc-url "$rpc" | cut -d' ' -f1)
echo "payee balance: $before -> $after base units of USDC" >&2
if [ "$((after - before))" -ne 1000 ]; then
  echo "demo: the payee should have received 1000 base units (0.001 USDC), got $((after - before))" >&2
  exit 1
fi
step "the journal's record, verified against the chain"
x402 history check
step "done: stopping the local network"
