#!/usr/bin/env node
// Benchmark of the local x402 network and the official reference clients.
//
//   node tests/localnet/bench.mjs [--runs 20] [--bringups 3] [--no-write]
//
// Measures
//   * bring-up time of start.mjs (spawn -> state line on stdout), median of --bringups starts
//   * paid-request latency of GET /cheap with the official v2 (@x402/fetch) and v1
//     (x402-fetch) clients, median of --runs:
//       - as whole `official-client.mjs` processes (what a CLI invocation costs)
//       - in-process (client created once, one paying fetch per request)
//   * an unpaid GET /free baseline (in-process)
// and writes the figures with date, machine and command into the
// "## Local x402 network" section of BENCHMARKS.md at the repository root.
//
// Its helpers (start/stop of the network, timing a process, statistics, writing a section of
// BENCHMARKS.md) are exported for tests/bench/get-vs-official.mjs; importing this file runs
// nothing.
import "./guard.mjs";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { LOCALNET_DIR, parseArgs } from "./lib/common.mjs";
import { createOfficialClient } from "./official-client.mjs";

export const REPO = resolve(LOCALNET_DIR, "..", "..");
const log = (m) => process.stderr.write(`[bench] ${m}\n`);

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};
export const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
export const stats = (xs) => ({ n: xs.length, median: median(xs), min: Math.min(...xs), p90: pct(xs, 90), max: Math.max(...xs) });
export const fmt = (ms) => `${ms.toFixed(0)} ms`;

/** Spawns start.mjs; resolves when its state line is on stdout. Stop it with stop(sup). */
export function start(stateFile) {
  const t0 = performance.now();
  const sup = spawn(process.execPath, [join(LOCALNET_DIR, "start.mjs"), "--state-file", stateFile], { stdio: ["pipe", "pipe", "pipe"] });
  // Its log is kept only to explain a failed start (e.g. `bash tests/localnet/install.sh` not run).
  let log = "";
  sup.stderr.on("data", (d) => {
    log = (log + d).slice(-2000);
  });
  const rl = createInterface({ input: sup.stdout });
  return new Promise((res, rej) => {
    rl.once("line", (line) => res({ sup, state: JSON.parse(line), ms: performance.now() - t0 }));
    sup.once("exit", (code) => rej(new Error(`start.mjs exited (${code}): ${log.trim().split("\n").slice(-3).join(" | ")}`)));
  });
}
export function stop(sup) {
  return new Promise((res) => {
    if (sup.exitCode !== null || sup.signalCode !== null) return res();
    sup.once("exit", res);
    sup.stdin.end(); // stdin EOF stops the supervisor
  });
}

/**
 * Runs one whole process and resolves with its time from spawn to exit, in ms (and its stdout
 * when `stdout: true`); rejects unless it exits 0.
 */
export function timeProcess(label, file, argv, { env = process.env, stdout = false } = {}) {
  const t0 = performance.now();
  return new Promise((res, rej) => {
    const c = spawn(file, argv, { env, stdio: ["ignore", stdout ? "pipe" : "ignore", "pipe"] });
    let out = "";
    let err = "";
    if (stdout) c.stdout.on("data", (d) => (out += d));
    c.stderr.on("data", (d) => (err += d));
    c.on("error", rej);
    c.on("close", (code) => {
      const ms = performance.now() - t0;
      if (code === 0) res(stdout ? { ms, stdout: out } : ms);
      else rej(new Error(`${label} exit ${code}: ${err.slice(-400)}`));
    });
  });
}

/** One whole `official-client.mjs` run paying `url`; resolves with its time in ms. */
export function runClientProcess(version, url, stateFile, key) {
  const argv = [join(LOCALNET_DIR, "official-client.mjs"), "--version", String(version), "--key-env", "BENCH_KEY", "--state-file", stateFile, url];
  return timeProcess(`official client v${version}`, process.execPath, argv, { env: { ...process.env, BENCH_KEY: key } });
}

async function main() {
  const args = parseArgs(process.argv.slice(2), { booleans: ["noWrite"] });
  const RUNS = Number(args.runs ?? 20);
  const BRINGUPS = Number(args.bringups ?? 3);
  const tmp = mkdtempSync(join(tmpdir(), "x402-localnet-bench-"));
  const stateFile = join(tmp, "state.json");
  const results = { bringUp: [], bringUpInternal: [] };
  let net;
  try {
    // Bring-up: the last start stays up for the request measurements.
    for (let i = 0; i < BRINGUPS; i++) {
      net = await start(stateFile);
      results.bringUp.push(net.ms);
      results.bringUpInternal.push(net.state.bringUpMs);
      log(`bring-up ${i + 1}/${BRINGUPS}: ${fmt(net.ms)} (supervisor-internal ${net.state.bringUpMs} ms)`);
      if (i < BRINGUPS - 1) await stop(net.sup);
    }
    const { state } = net;
    const key = state.accounts.payer.privateKey;
    const urls = { 2: `${state.v2.serverUrl}/cheap`, 1: `${state.v1.serverUrl}/cheap` };

    for (const v of [2, 1]) {
      // whole processes
      await runClientProcess(v, urls[v], stateFile, key); // warm the disk cache
      const proc = [];
      for (let i = 0; i < RUNS; i++) proc.push(await runClientProcess(v, urls[v], stateFile, key));
      results[`v${v}Process`] = proc;
      log(`v${v} official-client.mjs process, /cheap: median ${fmt(median(proc))}`);

      // in-process
      const client = await createOfficialClient({ version: v, privateKey: key, state });
      const once = async () => {
        const t0 = performance.now();
        const res = await client.fetch(urls[v]);
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`v${v} in-process: HTTP ${res.status}`);
        return performance.now() - t0;
      };
      await once(); // warm-up
      const inproc = [];
      for (let i = 0; i < RUNS; i++) inproc.push(await once());
      results[`v${v}InProcess`] = inproc;
      log(`v${v} in-process paid fetch, /cheap: median ${fmt(median(inproc))}`);
    }

    const free = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      const r = await fetch(`${state.v2.serverUrl}/free`);
      await r.arrayBuffer();
      free.push(performance.now() - t0);
    }
    results.freeInProcess = free;
  } finally {
    if (net) await stop(net.sup);
    rmSync(tmp, { recursive: true, force: true });
  }

  const summary = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, stats(v)]));
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  if (!args.noWrite) writeBenchmarks(summary, RUNS, BRINGUPS);
}

function writeBenchmarks(s, RUNS, BRINGUPS) {
  const date = new Date().toISOString().slice(0, 10);
  const cpu = cpus()[0]?.model?.trim() || "unknown CPU";
  const row = (label, st) => `| ${label} | ${fmt(st.median)} | ${fmt(st.min)} | ${fmt(st.p90)} | ${fmt(st.max)} | ${st.n} |`;
  const section = [
    "## Local x402 network",
    "",
    `Measured ${date} on ${cpus().length} cores (nproc ${cpus().length}, ${cpu}), Node ${process.version}, anvil 1.7.1,`,
    "@x402/* 2.27.0 and x402 1.2.0, with:",
    "",
    "```",
    `node tests/localnet/bench.mjs --runs ${RUNS} --bringups ${BRINGUPS}`,
    "```",
    "",
    "Bring-up is `start.mjs` spawned until its state line is on stdout (two anvil chains, token deployment and",
    "funding, v2 and v1 facilitators and resource servers, health checks). Paid requests are `GET /cheap`",
    "(0.001 USDC, eip155:84532 / base-sepolia) by the payer, settled on the local chain before the response",
    "is released. \"Process\" = one whole `node tests/localnet/official-client.mjs --version N --key-env VAR URL`",
    "run (node start-up, module loading, 402 round trip, signing, paid request, verify + settle); \"in-process\"",
    "= one paying fetch with a client created once.",
    "",
    "| What | median | min | p90 | max | n |",
    "| --- | --- | --- | --- | --- | --- |",
    row("Bring-up (spawn to state JSON)", s.bringUp),
    row("Bring-up (supervisor's own clock)", s.bringUpInternal),
    row("v2 official client, whole process, paid /cheap", s.v2Process),
    row("v2 official client, in-process, paid /cheap", s.v2InProcess),
    row("v1 official client, whole process, paid /cheap", s.v1Process),
    row("v1 official client, in-process, paid /cheap", s.v1InProcess),
    row("unpaid GET /free (v2 server), in-process", s.freeInProcess),
    "",
  ].join("\n");
  writeSection("## Local x402 network", section);
}

/** Replaces the section that starts with `heading` in BENCHMARKS.md (or appends it). */
export function writeSection(heading, section) {
  const file = join(REPO, "BENCHMARKS.md");
  let text = existsSync(file) ? readFileSync(file, "utf8") : "# Benchmarks\n\n";
  const at = text.indexOf(`${heading}\n`);
  if (at >= 0) {
    const next = text.indexOf("\n## ", at + 1);
    text = text.slice(0, at) + section + (next >= 0 ? `\n${text.slice(next + 1)}` : "");
  } else {
    text = `${text.replace(/\n*$/, "\n\n")}${section}`;
  }
  writeFileSync(file, text);
  log(`wrote section "${heading}" in ${file}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  main().catch((err) => {
    log(`failed: ${err.stack || err}`);
    process.exit(1);
  });
}
