#!/usr/bin/env bash
# The demo: install the local x402 network's npm packages (once; later runs find them up to
# date), build x402, start the network, import its funded test key into a throwaway
# X402_HOME, and show the wallet and the payment commands at work. Stops everything it
# started. Fails unless the payee received exactly the price. CI runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tests/localnet/install.sh >/dev/null
cargo build --quiet --locked
x402="$PWD/target/debug/x402"
work=$(mktemp -d)
state="$work/localnet.json"
node tests/localnet/start.mjs --state-file "$state" > /dev/null &
supervisor=$!
cleanup() { node tests/localnet/stop.mjs --state-file "$state" >/dev/null 2>&1 || kill "$supervisor" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
for _ in $(seq 1 300); do [ -s "$state" ] && break; sleep 0.1; done
[ -s "$state" ] || { echo "demo: the local network did not start" >&2; exit 1; }
get() { node -e "const s=require(process.argv[1]); console.log(process.argv[2].split('.').reduce((o,k)=>o[k],s))" "$state" "$1"; }

export X402_HOME="$work/x402" HOME="$work/home"
mkdir -p "$HOME"
echo demo-password > "$work/password"
export X402_PASSWORD_FILE="$work/password"
cat > "$work/config.toml" <<TOML
[rpc]
base-sepolia = "$(get chains.baseSepolia.rpcUrl)"
TOML
export X402_CONFIG="$work/config.toml"

echo "+ x402 wallet import payer   (the local network's funded test key, from stdin)" >&2
get accounts.payer.privateKey | "$x402" wallet import payer
echo "+ x402 wallet balance --network base-sepolia" >&2
"$x402" wallet balance --account payer --network base-sepolia
v2=$(get v2.serverUrl)
payee=$(get accounts.payee.address)
usdc=$(get token.baseSepoliaUsdc)
cast=tests/localnet/node_modules/@foundry-rs/cast-linux-amd64/bin/cast
before=$("$cast" call "$usdc" "balanceOf(address)(uint256)" "$payee" --rpc-url "$(get chains.baseSepolia.rpcUrl)" | cut -d' ' -f1)
echo "+ x402 inspect $v2/cheap" >&2
"$x402" inspect "$v2/cheap"
echo "+ x402 get $v2/cheap --yes" >&2
"$x402" get "$v2/cheap" --yes --account payer
echo >&2
after=$("$cast" call "$usdc" "balanceOf(address)(uint256)" "$payee" --rpc-url "$(get chains.baseSepolia.rpcUrl)" | cut -d' ' -f1)
echo "payee balance: $before -> $after base units of USDC" >&2
if [ "$((after - before))" -ne 1000 ]; then
  echo "demo: the payee should have received 1000 base units (0.001 USDC), got $((after - before))" >&2
  exit 1
fi
echo "+ x402 history check   (the journal's record, verified against the chain)" >&2
"$x402" history check
