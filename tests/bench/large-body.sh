#!/usr/bin/env bash
# Memory of `x402 get` on a large response body: the maximum resident set size of
# `x402 get URL > /dev/null` (and of `x402 get URL -o FILE`) while a local server on 127.0.0.1
# sends a generated body of each size, from /usr/bin/time's %M. Target: max RSS under 64 MiB
# whatever the body's size (the body is streamed, never held whole in memory).
#
#   bash tests/bench/large-body.sh [--sizes "64 512"] [--runs N] [--bin PATH] [--check]
#
# --sizes: body sizes in MiB (default "64 512"); --runs: runs of each command (default 3);
# --bin: measure this binary instead of building the release one; --check exits 1 when a run
# reaches the target. curl, when on PATH, is measured the same way for reference.
# Needs node (the server) and GNU time (/usr/bin/time; Debian: `apt-get install time`).
#
# Touches nothing outside a temporary directory; connects only to 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/../.."

sizes="64 512"
runs=3
bin=""
check=false
target_mib=64
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) sizes=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --bin) bin=$2; shift 2 ;;
    --check) check=true; shift ;;
    -h | --help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "large-body.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
[ -x /usr/bin/time ] || { echo "large-body.sh: needs GNU time at /usr/bin/time" >&2; exit 2; }

if [ -z "$bin" ]; then
  cargo build --release --locked --quiet
  bin="$PWD/target/release/x402"
fi

work=$(mktemp -d /tmp/x402-bench-large-body.XXXXXX)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
export X402_HOME="$work/x402" HOME="$work/home" NO_COLOR=1
unset X402_CONFIG X402_ACCOUNT X402_KEYSTORE X402_PASSWORD_FILE ETH_PASSWORD
mkdir -p "$HOME"

# GET /N answers 200 with N bytes of a repeated 64 KiB pattern, written as the socket drains,
# so the server's own memory stays small whatever N is.
cat >"$work/server.js" <<'EOF'
const http = require("http");
const block = Buffer.alloc(1 << 16);
for (let i = 0; i < block.length; i++) block[i] = (i * 131 + 7) & 255;
http
  .createServer((req, res) => {
    const n = Number(new URL(req.url, "http://127.0.0.1").pathname.slice(1)) || 0;
    res.writeHead(200, { "content-type": "application/octet-stream", "content-length": n });
    let left = n;
    const pump = () => {
      while (left > 0) {
        const k = Math.min(left, block.length);
        left -= k;
        if (!res.write(k === block.length ? block : block.subarray(0, k))) {
          res.once("drain", pump);
          return;
        }
      }
      res.end();
    };
    pump();
  })
  .listen(0, "127.0.0.1", function () {
    console.log(this.address().port);
  });
EOF
node "$work/server.js" >"$work/port" &
server_pid=$!
for _ in $(seq 100); do
  [ -s "$work/port" ] && break
  sleep 0.05
done
port=$(head -1 "$work/port")
[ -n "$port" ] || { echo "large-body.sh: the server did not start" >&2; exit 1; }

# One run: prints "max-RSS-KiB seconds"; fails unless the command exits 0 and, with -o, the
# file holds every byte.
measure() {
  local out=$1 bytes=$2
  shift 2
  local status=0
  if [ "$out" = stdout ]; then
    /usr/bin/time -f '%M %e' -o "$work/time" "$@" >/dev/null || status=$?
  else
    rm -f "$out"
    /usr/bin/time -f '%M %e' -o "$work/time" "$@" || status=$?
  fi
  if [ "$status" != 0 ]; then
    echo "large-body.sh: '$*' exited $status" >&2
    exit 1
  fi
  if [ "$out" != stdout ]; then
    [ "$(stat -c %s "$out")" = "$bytes" ] || { echo "large-body.sh: $out is short" >&2; exit 1; }
    rm -f "$out"
  fi
  tail -1 "$work/time" >"$work/measured"
}

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
echo "x402 get, large bodies from 127.0.0.1: $(nproc) cores ($cpu), $(date -u +%F), load $(cut -d' ' -f1-3 /proc/loadavg), runs $runs"
echo "binary: $bin ($("$bin" --version))"
echo
echo "| Command | body | max RSS (median) | max RSS (max of runs) | wall-clock (median) | runs |"
echo "| --- | --- | --- | --- | --- | --- |"

worst_kib=0
row() {
  local name=$1 mib=$2 out=$3
  shift 3
  local bytes=$((mib * 1024 * 1024)) rss=() secs=()
  for _ in $(seq "$runs"); do
    measure "$out" "$bytes" "$@"
    read -r kib s <"$work/measured"
    rss+=("$kib")
    secs+=("$s")
  done
  local med_rss max_rss med_s
  med_rss=$(printf '%s\n' "${rss[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p")
  max_rss=$(printf '%s\n' "${rss[@]}" | sort -n | tail -1)
  med_s=$(printf '%s\n' "${secs[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p")
  mib_of() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }
  echo "| $name | $mib MiB | $(mib_of "$med_rss") | $(mib_of "$max_rss") | $med_s s | $runs |"
  if [[ $name == *x402* ]] && [ "$max_rss" -gt "$worst_kib" ]; then
    worst_kib=$max_rss
  fi
}

for mib in $sizes; do
  url="http://127.0.0.1:$port/$((mib * 1024 * 1024))"
  row "\`x402 get URL > /dev/null\`" "$mib" stdout "$bin" get "$url"
  row "\`x402 get URL -o FILE\`" "$mib" "$work/out" "$bin" get "$url" -o "$work/out"
  if command -v curl >/dev/null; then
    row "\`curl -s URL > /dev/null\` (reference)" "$mib" stdout curl -s "$url"
  fi
done
echo
echo "Max RSS from GNU time's %M (the peak resident set of the process, KiB, shown in MiB)."

worst_mib=$(awk -v k="$worst_kib" 'BEGIN { printf "%.1f", k / 1024 }')
if [ "$worst_kib" -ge $((target_mib * 1024)) ]; then
  echo "over target: x402's max RSS reached $worst_mib MiB (target: under $target_mib MiB)" >&2
  if $check; then exit 1; fi
else
  echo "x402's max RSS at most $worst_mib MiB: under the $target_mib MiB target" >&2
fi
