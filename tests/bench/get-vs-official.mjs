#!/usr/bin/env node
// One whole paid request, process for process: `x402 get` (release build) against the official
// x402 v2 client (`tests/localnet/official-client.mjs`, @x402/fetch + @x402/evm), both paying
// GET /cheap of the local network's v2 server with the same payer key. Issue 4.
// With --permit2, both pay GET /permit2/exact instead (Permit2 `exact` in PlainUSD, the
// `permit2Payer` account, whose Permit2 allowance is set): x402 with the local RPC in its
// config.toml, so it reads the allowance before signing as a user's setup would. Issue 11.
//
//   node tests/bench/get-vs-official.mjs [--runs 20] [--warmup 2] [--permit2] [--no-build] [--no-write]
//
// Starts the local x402 network (tests/localnet, `bash tests/localnet/install.sh` once), imports
// its funded payer key into a throwaway X402_HOME with a password file, then after a warm-up of
// each runs the two clients alternately, --runs times each:
//   x402 get --yes --password-file F <v2.serverUrl>/cheap
//   node tests/localnet/official-client.mjs --version 2 --key-env VAR --state-file S <v2.serverUrl>/cheap
//   (x402 get also gets --account payer; the official client takes the key from the environment)
// Every run must exit 0 (and x402's body must be the paid route's), or the benchmark fails.
// Prints a JSON summary on stdout and writes the "## x402 get vs the official client" section of
// BENCHMARKS.md (unless --no-write). Only 127.0.0.1 is ever contacted: the Node processes carry
// the localnet network guard, and x402 is given only the loopback URL with every proxy variable
// removed.
import { isLoopbackHost } from "../localnet/guard.mjs";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { REPO, fmt, median, runClientProcess, start, stats, stop, timeProcess, writeSection } from "../localnet/bench.mjs";
import { parseArgs } from "../localnet/lib/common.mjs";

const args = parseArgs(process.argv.slice(2), { booleans: ["noBuild", "noWrite", "permit2"] });
const RUNS = Number(args.runs ?? 20);
const WARMUP = Number(args.warmup ?? 2);
const X402 = join(REPO, "target", "release", "x402");
const HEADING = args.permit2 ? "## x402 get vs the official client, Permit2" : "## x402 get vs the official client";
const log = (m) => process.stderr.write(`[get-vs-official] ${m}\n`);

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
  if (!args.noBuild) build();
  const work = mkdtempSync(join(tmpdir(), "x402-bench-get-"));
  const stateFile = join(work, "state.json");
  let net;
  try {
    net = await start(stateFile);
    const { state } = net;
    log(`local network up in ${fmt(net.ms)}`);
    const route = args.permit2 ? state.permit2.routes.permit2Exact : { path: "/cheap" };
    const routeKey = args.permit2 ? "permit2Exact" : "cheap";
    const url = `${state.v2.serverUrl}${route.path}`;
    if (!isLoopbackHost(new URL(url).hostname)) throw new Error(`refusing a non-loopback URL: ${url}`);
    const account = args.permit2 ? state.accounts.permit2Payer : state.accounts.payer;
    const key = account.privateKey;

    const env = x402Env(work);
    mkdirSync(env.HOME, { recursive: true });
    const password = join(work, "password");
    writeFileSync(password, "bench-password\n", { mode: 0o600 });
    const imported = spawnSync(X402, ["--quiet", "wallet", "import", "payer", "--password-file", password], { env, input: `${key}\n`, encoding: "utf8" });
    if (imported.status !== 0) throw new Error(`x402 wallet import failed: ${imported.stderr}`);
    if (imported.stdout.trim() !== account.address) throw new Error(`imported ${imported.stdout.trim()}, expected the payer ${account.address}`);
    if (args.permit2) {
      // The test token is not in the network table, and the allowance is read over the local RPC.
      const t = state.permit2.tokens.plain;
      const rpc = state.chains.baseSepolia.rpcUrl;
      if (!isLoopbackHost(new URL(rpc).hostname)) throw new Error(`refusing a non-loopback RPC: ${rpc}`);
      writeFileSync(join(env.X402_HOME, "config.toml"), `[rpc]\nbase-sepolia = "${rpc}"\n\n[[assets]]\nnetwork = "eip155:84532"\naddress = "${t.address}"\nsymbol = "PUSD"\ndecimals = 6\neip712_name = "PlainUSD"\neip712_version = "1"\ntransfer_method = "permit2"\n`);
    }

    const x402Argv = ["get", "--yes", "--account", "payer", "--password-file", password, url];
    const runX402 = async () => {
      const { ms, stdout } = await timeProcess("x402 get", X402, x402Argv, { env, stdout: true });
      const body = JSON.parse(stdout);
      if (body.route !== routeKey || body.ok !== true) throw new Error(`x402 get: unexpected body ${stdout.slice(0, 200)}`);
      return ms;
    };
    const runOfficial = () => runClientProcess(2, url, stateFile, key);

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
    if (!args.noWrite) write(summary, route.path);
  } finally {
    if (net) await stop(net.sup);
    rmSync(work, { recursive: true, force: true });
  }
}

function write(s, path) {
  const date = new Date().toISOString().slice(0, 10);
  const cpu = cpus()[0]?.model?.trim() || "unknown CPU";
  const row = (label, st) => `| ${label} | ${fmt(st.median)} | ${fmt(st.min)} | ${fmt(st.p90)} | ${fmt(st.max)} | ${st.n} |`;
  const section = [
    HEADING,
    "",
    `Measured ${date} on ${cpus().length} cores (nproc ${cpus().length}, ${cpu}), Node ${process.version}, @x402/* 2.27.0,`,
    `x402 release build, load average ${s.load.map((l) => l.toFixed(1)).join(" / ")} at the end, with:`,
    "",
    "```",
    `node tests/bench/get-vs-official.mjs --runs ${RUNS}${WARMUP !== 2 ? ` --warmup ${WARMUP}` : ""}${args.permit2 ? " --permit2" : ""}`,
    "```",
    "",
    args.permit2
      ? "One whole process each, spawn to exit, paying `GET /permit2/exact` (Permit2 `exact`, 0.001 PUSD on\neip155:84532, the payer's Permit2 allowance already set; x402 reads it over the local RPC before signing) of\nthe local v2 server with the same payer key, settled on the local chain before the response is released; the two"
      : "One whole process each, spawn to exit, paying `GET /cheap` (0.001 USDC on eip155:84532) of the local v2\nserver with the same payer key, settled on the local chain before the response is released; the two",
    `clients alternate, after ${WARMUP} warm-up run${WARMUP === 1 ? "" : "s"} of each, and every run exited 0.`,
    "x402: `x402 get --yes --account payer --password-file F URL`, which includes unlocking the keystore (scrypt",
    "n=2^13, about 16 ms of CPU: see \"Keystore unlock\") and the payment journal's two records, each",
    "fsync'd (the `pending` one before the header leaves). Official: `node tests/localnet/official-client.mjs",
    "--version 2 --key-env VAR --state-file S URL` (Node start-up, module loading, then the same 402 round trip,",
    "signature and paid request; the key comes from the environment, no KDF).",
    "",
    "| What | median | min | p90 | max | n |",
    "| --- | --- | --- | --- | --- | --- |",
    row(`\`x402 get\`, whole process, paid ${path}`, s.x402),
    row(`official v2 client, whole process, paid ${path}`, s.official),
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
