#!/usr/bin/env node
// One whole paid request on Solana, process for process: `x402 get` (release build) against the
// official x402 client for Solana (`tests/localnet/svm/official-client.mjs`, @x402/fetch +
// @x402/svm), both paying GET /sol/cheap of the local network's v2 server (0.001 USDC on the
// local Solana chain posing as devnet) with the same payer key. The sibling of
// get-vs-official.mjs (EVM); issue 10.
//
//   node tests/bench/get-vs-official-solana.mjs [--runs 20] [--warmup 2] [--no-build] [--no-write]
//        [--bin PATH]   the x402 binary to time (default target/release/x402; implies --no-build)
//
// Starts the local x402 network (tests/localnet, `bash tests/localnet/install.sh` once), imports
// the Solana `payer` of its genesis into a throwaway X402_HOME with a password file, points
// `[rpc] solana-devnet` at the local chain, then after a warm-up of each runs the two clients
// alternately, --runs times each:
//   x402 get --yes --account sol --password-file F <v2.serverUrl>/sol/cheap
//   node tests/localnet/svm/official-client.mjs --key-env VAR --state-file S <v2.serverUrl>/sol/cheap
// Every run must exit 0 (and x402's body must be the paid route's), or the benchmark fails.
// Prints a JSON summary on stdout and writes the "## x402 get vs the official client on Solana"
// section of BENCHMARKS.md (unless --no-write). Only 127.0.0.1 is ever contacted.
import { isLoopbackHost } from "../localnet/guard.mjs";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { REPO, fmt, median, start, stats, stop, timeProcess, writeSection } from "../localnet/bench.mjs";
import { parseArgs } from "../localnet/lib/common.mjs";

const args = parseArgs(process.argv.slice(2), { booleans: ["noBuild", "noWrite"] });
const RUNS = Number(args.runs ?? 20);
const WARMUP = Number(args.warmup ?? 2);
const X402 = args.bin ?? join(REPO, "target", "release", "x402");
const OFFICIAL = join(REPO, "tests", "localnet", "svm", "official-client.mjs");
const HEADING = "## x402 get vs the official client on Solana";
const log = (m) => process.stderr.write(`[get-vs-official-solana] ${m}\n`);

if (!(RUNS >= 10)) {
  log("--runs must be at least 10");
  process.exit(2);
}

function build() {
  log("cargo build --release --locked");
  const r = spawnSync("cargo", ["build", "--release", "--locked", "--quiet"], { cwd: REPO, stdio: ["ignore", "inherit", "inherit"] });
  if (r.status !== 0) throw new Error(`cargo build --release failed (${r.status ?? r.signal})`);
}

/** x402's environment: its own home, an empty HOME (no ~/.foundry), no proxy, no colour. */
function x402Env(work) {
  const env = { ...process.env };
  for (const k of Object.keys(env)) {
    if (/^(http|https|all)_proxy$/i.test(k) || /^(X402_|ETH_PASSWORD$)/.test(k)) delete env[k];
  }
  return { ...env, X402_HOME: join(work, "x402"), HOME: join(work, "home"), NO_COLOR: "1", NO_PROXY: "127.0.0.1,localhost" };
}

async function main() {
  if (!args.noBuild && !args.bin) build();
  const work = mkdtempSync(join(tmpdir(), "x402-bench-get-solana-"));
  const stateFile = join(work, "state.json");
  let net;
  try {
    net = await start(stateFile);
    const { state } = net;
    log(`local network up in ${fmt(net.ms)}`);
    const url = `${state.v2.serverUrl}${state.solana.routes.cheap.path}`;
    const rpcUrl = state.solana.rpcUrl;
    for (const u of [url, rpcUrl]) {
      if (!isLoopbackHost(new URL(u).hostname)) throw new Error(`refusing a non-loopback URL: ${u}`);
    }
    const { address, secretKey } = state.solana.accounts.payer;

    const env = x402Env(work);
    mkdirSync(env.HOME, { recursive: true });
    const password = join(work, "password");
    writeFileSync(password, "bench-password\n", { mode: 0o600 });
    const imported = spawnSync(X402, ["--quiet", "wallet", "import", "sol", "--solana", "--password-file", password], { env, input: `${secretKey}\n`, encoding: "utf8" });
    if (imported.status !== 0) throw new Error(`x402 wallet import failed: ${imported.stderr}`);
    if (imported.stdout.trim() !== address) throw new Error(`imported ${imported.stdout.trim()}, expected the payer ${address}`);
    writeFileSync(join(env.X402_HOME, "config.toml"), `[rpc]\nsolana-devnet = "${rpcUrl}"\n`, { mode: 0o600 });

    const x402Argv = ["get", "--yes", "--account", "sol", "--password-file", password, url];
    const runX402 = async () => {
      const { ms, stdout } = await timeProcess("x402 get", X402, x402Argv, { env, stdout: true });
      const body = JSON.parse(stdout);
      if (body.route !== "cheap" || body.ok !== true) throw new Error(`x402 get: unexpected body ${stdout.slice(0, 200)}`);
      return ms;
    };
    const runOfficial = () =>
      timeProcess("official Solana client", process.execPath, [OFFICIAL, "--key-env", "BENCH_KEY", "--state-file", stateFile, url], {
        env: { ...process.env, BENCH_KEY: secretKey },
      });

    for (let i = 0; i < WARMUP; i++) {
      await runX402();
      await runOfficial();
    }
    log(`warm-up done (${WARMUP} of each); ${RUNS} runs of each, alternating`);
    const results = { x402: [], official: [] };
    for (let i = 0; i < RUNS; i++) {
      results.x402.push(await runX402());
      results.official.push(await runOfficial());
      log(`run ${i + 1}/${RUNS}: x402 ${fmt(results.x402.at(-1))}, official ${fmt(results.official.at(-1))}`);
    }
    const summary = { x402: stats(results.x402), official: stats(results.official), ratio: median(results.official) / median(results.x402), load: loadavg() };
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    log(`median: x402 get ${fmt(summary.x402.median)}, official client ${fmt(summary.official.median)}, official / x402 = ${summary.ratio.toFixed(1)}`);
    if (!args.noWrite) write(summary);
  } finally {
    if (net) await stop(net.sup);
    rmSync(work, { recursive: true, force: true });
  }
}

function write(s) {
  const date = new Date().toISOString().slice(0, 10);
  const cpu = cpus()[0]?.model?.trim() || "unknown CPU";
  const row = (label, st) => `| ${label} | ${fmt(st.median)} | ${fmt(st.min)} | ${fmt(st.p90)} | ${fmt(st.max)} | ${st.n} |`;
  const section = [
    HEADING,
    "",
    `Measured ${date} on ${cpus().length} cores (nproc ${cpus().length}, ${cpu}), Node ${process.version}, @x402/* 2.27.0,`,
    `x402 ${args.bin ? `binary ${args.bin}` : "release build"}, load average ${s.load.map((l) => l.toFixed(1)).join(" / ")} at the end, with:`,
    "",
    "```",
    `node tests/bench/get-vs-official-solana.mjs --runs ${RUNS}${WARMUP !== 2 ? ` --warmup ${WARMUP}` : ""}${args.bin ? ` --bin ${args.bin}` : ""}`,
    "```",
    "",
    "One whole process each, spawn to exit, paying `GET /sol/cheap` (0.001 USDC on the local Solana chain",
    "posing as devnet) of the local v2 server with the same payer key, settled by the official facilitator",
    `before the response is released; the two clients alternate, after ${WARMUP} warm-up run${WARMUP === 1 ? "" : "s"} of each, and`,
    "every run exited 0. x402: `x402 get --yes --account sol --password-file F URL`, which includes unlocking",
    "the keystore (scrypt), the preflight reads (payTo's and the payer's token accounts), the reads before",
    "signing, and the journal's two fsync'd records. Official: `node tests/localnet/svm/official-client.mjs",
    "--key-env VAR --state-file S URL` (Node start-up, module loading, the mint read over RPC, then the",
    "same 402 round trip, transaction and paid request; the key comes from the environment, no KDF).",
    "",
    "| What | median | min | p90 | max | n |",
    "| --- | --- | --- | --- | --- | --- |",
    row("`x402 get`, whole process, paid /sol/cheap", s.x402),
    row("official Solana client, whole process, paid /sol/cheap", s.official),
    "",
    `Official / x402 (medians): **${s.ratio.toFixed(1)}×**.`,
    "",
  ].join("\n");
  writeSection(HEADING, section);
}

main().catch((err) => {
  log(`failed: ${err.stack || err}`);
  process.exit(1);
});
