#!/usr/bin/env node
// One whole paid request, process for process: `x402 get` (release build) against the official
// x402 client, both paying the same route of the local network's v2 server with the same payer
// key. One harness, three routes (issues 4, 10 and 11):
//   (default)   GET /cheap, EIP-3009 `exact` (0.001 USDC on eip155:84532), against
//               tests/localnet/official-client.mjs (@x402/fetch + @x402/evm).
//   --permit2   GET /permit2/exact instead (Permit2 `exact` in PlainUSD, the `permit2Payer`
//               account, whose Permit2 allowance is set): x402 with the local RPC in its
//               config.toml, so it reads the allowance before signing as a user's setup would.
//   --solana    GET /sol/cheap (0.001 USDC on the local Solana chain posing as devnet), the
//               Solana `payer` of its genesis, `[rpc] solana-devnet` pointed at the local chain,
//               against tests/localnet/svm/official-client.mjs (@x402/fetch + @x402/svm).
//
//   node tests/bench/get-vs-official.mjs [--runs 20] [--warmup 2] [--permit2 | --solana]
//        [--no-build] [--no-write]
//        [--bin PATH]   the x402 binary to time (default target/release/x402; implies --no-build)
//
// Starts the local x402 network (tests/localnet, `bash tests/localnet/install.sh` once), imports
// the route's funded payer key into a throwaway X402_HOME with a password file, then after a
// warm-up of each runs the two clients alternately, --runs times each:
//   x402 get --yes --account NAME --password-file F URL
//   node OFFICIAL-CLIENT [--version 2] --key-env VAR --state-file S URL
// Every run must exit 0 (and x402's body must be the paid route's), or the benchmark fails.
// Besides the wall clock (spawn to exit), each process's CPU time (user + sys of the reaped
// child, from /proc/self/stat) is recorded. Prints a JSON summary on stdout and writes the
// route's section of BENCHMARKS.md (unless --no-write). Only 127.0.0.1 is ever contacted: the
// Node processes carry the localnet network guard, and x402 is given only loopback URLs with
// every proxy variable removed.
import { isLoopbackHost } from "../localnet/guard.mjs";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { REPO, fmt, median, runClientProcess, start, stats, stop, timeProcess, writeSection } from "../localnet/bench.mjs";
import { parseArgs } from "../localnet/lib/common.mjs";

const args = parseArgs(process.argv.slice(2), { booleans: ["noBuild", "noWrite", "permit2", "solana"] });
const RUNS = Number(args.runs ?? 20);
const WARMUP = Number(args.warmup ?? 2);
const X402 = args.bin ?? join(REPO, "target", "release", "x402");
const log = (m) => process.stderr.write(`[get-vs-official] ${m}\n`);

/** Which key the x402 side pays with, and how it is set up. */
const x402Account = (name, key, address, importFlags = []) => ({ name, key, address, importFlags });

/**
 * The three routes. Each says where to pay, with which account and config.toml, how to run the
 * official client, and the words of its BENCHMARKS.md section.
 */
const ROUTES = {
  evm: {
    flag: "",
    heading: "## x402 get vs the official client",
    routeKey: "cheap",
    url: (state) => `${state.v2.serverUrl}/cheap`,
    account: (state) => x402Account("payer", state.accounts.payer.privateKey, state.accounts.payer.address),
    config: () => null,
    official: (url, stateFile, key) => runClientProcess(2, url, stateFile, key),
    officialLabel: "official v2 client",
    describe: (warmups) => [
      "One whole process each, spawn to exit, paying `GET /cheap` (0.001 USDC on eip155:84532) of the local v2",
      "server with the same payer key, settled on the local chain before the response is released; the two",
      `clients alternate, after ${warmups} of each, and every run exited 0.`,
      ...EVM_CLIENTS,
    ],
  },
  permit2: {
    flag: " --permit2",
    heading: "## x402 get vs the official client, Permit2",
    routeKey: "permit2Exact",
    url: (state) => `${state.v2.serverUrl}${state.permit2.routes.permit2Exact.path}`,
    account: (state) => x402Account("payer", state.accounts.permit2Payer.privateKey, state.accounts.permit2Payer.address),
    // The test token is not in the network table, and the allowance is read over the local RPC.
    config: (state) => {
      const t = state.permit2.tokens.plain;
      const rpc = loopback(state.chains.baseSepolia.rpcUrl);
      return `[rpc]\nbase-sepolia = "${rpc}"\n\n[[assets]]\nnetwork = "eip155:84532"\naddress = "${t.address}"\nsymbol = "PUSD"\ndecimals = 6\neip712_name = "PlainUSD"\neip712_version = "1"\ntransfer_method = "permit2"\n`;
    },
    official: (url, stateFile, key) => runClientProcess(2, url, stateFile, key),
    officialLabel: "official v2 client",
    describe: (warmups) => [
      "One whole process each, spawn to exit, paying `GET /permit2/exact` (Permit2 `exact`, 0.001 PUSD on",
      "eip155:84532, the payer's Permit2 allowance already set; x402 reads it over the local RPC before signing) of",
      "the local v2 server with the same payer key, settled on the local chain before the response is released; the two",
      `clients alternate, after ${warmups} of each, and every run exited 0.`,
      ...EVM_CLIENTS,
    ],
  },
  solana: {
    flag: " --solana",
    heading: "## x402 get vs the official client on Solana",
    routeKey: "cheap",
    url: (state) => `${state.v2.serverUrl}${state.solana.routes.cheap.path}`,
    account: (state) => {
      const { address, secretKey } = state.solana.accounts.payer;
      return x402Account("sol", secretKey, address, ["--solana"]);
    },
    config: (state) => `[rpc]\nsolana-devnet = "${loopback(state.solana.rpcUrl)}"\n`,
    official: (url, stateFile, key) =>
      timeProcess("official Solana client", process.execPath, [join(REPO, "tests", "localnet", "svm", "official-client.mjs"), "--key-env", "BENCH_KEY", "--state-file", stateFile, url], {
        env: { ...process.env, BENCH_KEY: key },
      }),
    officialLabel: "official Solana client",
    describe: (warmups) => [
      "One whole process each, spawn to exit, paying `GET /sol/cheap` (0.001 USDC on the local Solana chain",
      "posing as devnet) of the local v2 server with the same payer key, settled by the official facilitator",
      `before the response is released; the two clients alternate, after ${warmups} of each, and`,
      "every run exited 0. x402: `x402 get --yes --account sol --password-file F URL`, which includes unlocking",
      "the keystore (scrypt), the preflight reads (payTo's and the payer's token accounts), the reads before",
      "signing, and the journal's two fsync'd records. Official: `node tests/localnet/svm/official-client.mjs",
      "--key-env VAR --state-file S URL` (Node start-up, module loading, the mint read over RPC, then the",
      "same 402 round trip, transaction and paid request; the key comes from the environment, no KDF).",
    ],
  },
};

/** What both EVM sections say of the two processes. */
const EVM_CLIENTS = [
  "x402: `x402 get --yes --account payer --password-file F URL`, which includes unlocking the keystore (scrypt",
  "n=2^13, about 16 ms of CPU: see \"Keystore unlock\") and the payment journal's two records, each",
  "fsync'd (the `pending` one before the header leaves). Official: `node tests/localnet/official-client.mjs",
  "--version 2 --key-env VAR --state-file S URL` (Node start-up, module loading, then the same 402 round trip,",
  "signature and paid request; the key comes from the environment, no KDF).",
];

if (args.permit2 && args.solana) {
  log("--permit2 and --solana name two routes; give one");
  process.exit(2);
}
const ROUTE = ROUTES[args.solana ? "solana" : args.permit2 ? "permit2" : "evm"];
if (!(RUNS >= 10)) {
  log("--runs must be at least 10");
  process.exit(2);
}

function loopback(url) {
  if (!isLoopbackHost(new URL(url).hostname)) throw new Error(`refusing a non-loopback URL: ${url}`);
  return url;
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

const TICKS = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout) || 100;

/**
 * The CPU time (user + sys, ms) of this process's reaped children so far: `cutime` + `cstime`
 * of /proc/self/stat, in clock ticks (10 ms at 100 Hz). The difference across one awaited run
 * is that child's CPU time (the network's processes are not reaped until it stops); one run is
 * known to a tick, a mean over the runs to much better.
 */
function childrenCpuMs() {
  const stat = readFileSync("/proc/self/stat", "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // Fields 16 and 17 of proc(5); `fields` starts at field 3 (state).
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / TICKS;
}

/** Runs `run` (which resolves with its wall-clock ms) and adds its child's CPU time. */
async function withCpu(run) {
  const cpu0 = childrenCpuMs();
  const ms = await run();
  return { ms, cpu: childrenCpuMs() - cpu0 };
}

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;

async function main() {
  if (!args.noBuild && !args.bin) build();
  const work = mkdtempSync(join(tmpdir(), "x402-bench-get-"));
  const stateFile = join(work, "state.json");
  let net;
  try {
    net = await start(stateFile);
    const { state } = net;
    log(`local network up in ${fmt(net.ms)}`);
    const url = loopback(ROUTE.url(state));
    const account = ROUTE.account(state);

    const env = x402Env(work);
    mkdirSync(env.HOME, { recursive: true });
    const password = join(work, "password");
    writeFileSync(password, "bench-password\n", { mode: 0o600 });
    const importArgv = ["--quiet", "wallet", "import", account.name, ...account.importFlags, "--password-file", password];
    const imported = spawnSync(X402, importArgv, { env, input: `${account.key}\n`, encoding: "utf8" });
    if (imported.status !== 0) throw new Error(`x402 wallet import failed: ${imported.stderr}`);
    if (imported.stdout.trim() !== account.address) throw new Error(`imported ${imported.stdout.trim()}, expected the payer ${account.address}`);
    const config = ROUTE.config(state);
    if (config !== null) writeFileSync(join(env.X402_HOME, "config.toml"), config, { mode: 0o600 });

    const x402Argv = ["get", "--yes", "--account", account.name, "--password-file", password, url];
    const runX402 = async () => {
      const { ms, stdout } = await timeProcess("x402 get", X402, x402Argv, { env, stdout: true });
      const body = JSON.parse(stdout);
      if (body.route !== ROUTE.routeKey || body.ok !== true) throw new Error(`x402 get: unexpected body ${stdout.slice(0, 200)}`);
      return ms;
    };
    const runOfficial = () => ROUTE.official(url, stateFile, account.key);

    for (let i = 0; i < WARMUP; i++) {
      await runX402();
      await runOfficial();
    }
    log(`warm-up done (${WARMUP} of each); ${RUNS} runs of each, alternating`);
    const results = { x402: [], official: [] };
    for (let i = 0; i < RUNS; i++) {
      results.x402.push(await withCpu(runX402));
      results.official.push(await withCpu(runOfficial));
      const [x, o] = [results.x402.at(-1), results.official.at(-1)];
      log(`run ${i + 1}/${RUNS}: x402 ${fmt(x.ms)} (CPU ${fmt(x.cpu)}), official ${fmt(o.ms)} (CPU ${fmt(o.cpu)})`);
    }
    const wall = (rs) => rs.map((r) => r.ms);
    const cpuMean = (rs) => mean(rs.map((r) => r.cpu));
    const summary = {
      x402: { ...stats(wall(results.x402)), cpuMean: cpuMean(results.x402) },
      official: { ...stats(wall(results.official)), cpuMean: cpuMean(results.official) },
      ratio: median(wall(results.official)) / median(wall(results.x402)),
      load: loadavg(),
    };
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    log(`median: x402 get ${fmt(summary.x402.median)}, official client ${fmt(summary.official.median)}, official / x402 = ${summary.ratio.toFixed(1)}`);
    log(`CPU, mean: x402 get ${summary.x402.cpuMean.toFixed(1)} ms, official client ${summary.official.cpuMean.toFixed(1)} ms`);
    if (!args.noWrite) write(summary, new URL(url).pathname);
  } finally {
    if (net) await stop(net.sup);
    rmSync(work, { recursive: true, force: true });
  }
}

function write(s, path) {
  const date = new Date().toISOString().slice(0, 10);
  const cpu = cpus()[0]?.model?.trim() || "unknown CPU";
  const row = (label, st) => `| ${label} | ${fmt(st.median)} | ${fmt(st.min)} | ${fmt(st.p90)} | ${fmt(st.max)} | ${st.n} | ${st.cpuMean.toFixed(1)} ms |`;
  const warmups = `${WARMUP} warm-up run${WARMUP === 1 ? "" : "s"}`;
  const section = [
    ROUTE.heading,
    "",
    `Measured ${date} on ${cpus().length} cores (nproc ${cpus().length}, ${cpu}), Node ${process.version}, @x402/* 2.27.0,`,
    `x402 ${args.bin ? `binary ${args.bin}` : "release build"}, load average ${s.load.map((l) => l.toFixed(1)).join(" / ")} at the end, with:`,
    "",
    "```",
    `node tests/bench/get-vs-official.mjs --runs ${RUNS}${WARMUP !== 2 ? ` --warmup ${WARMUP}` : ""}${ROUTE.flag}${args.bin ? ` --bin ${args.bin}` : ""}`,
    "```",
    "",
    ...ROUTE.describe(warmups),
    "CPU is the process's user + sys time (of the reaped child, in clock ticks), the mean of the runs.",
    "",
    "| What | median | min | p90 | max | n | CPU (mean) |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    row(`\`x402 get\`, whole process, paid ${path}`, s.x402),
    row(`${ROUTE.officialLabel}, whole process, paid ${path}`, s.official),
    "",
    `Official / x402 (medians): **${s.ratio.toFixed(1)}×**.`,
    "",
  ].join("\n");
  writeSection(ROUTE.heading, section);
}

main().catch((err) => {
  log(`failed: ${err.stack || err}`);
  process.exit(1);
});
