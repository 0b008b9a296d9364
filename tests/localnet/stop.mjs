#!/usr/bin/env node
// Stops a local x402 network started by start.mjs.
//
//   node tests/localnet/stop.mjs --state-file PATH [--timeout SECONDS]
//
// Ends only the processes listed in the state: first the supervisor (SIGTERM; it
// stops its own processes), then any listed pid still alive (SIGTERM, then
// SIGKILL). A pid is only signalled while its command line still looks like ours
// (node or anvil), so a recycled pid is left alone. Exits 0 when all are gone.
import "./guard.mjs";
import { readFileSync } from "node:fs";
import { cmdlineOf, isAlive, parseArgs, sleep } from "./lib/common.mjs";

const args = parseArgs(process.argv.slice(2));
if (!args.stateFile) {
  process.stderr.write("usage: stop.mjs --state-file PATH\n");
  process.exit(2);
}
const state = JSON.parse(readFileSync(args.stateFile, "utf8"));
const timeoutMs = Number(args.timeout ?? 10) * 1000;
const log = (m) => process.stderr.write(`[localnet stop] ${m}\n`);

const ours = (pid) => {
  const cmd = cmdlineOf(pid);
  if (!cmd) return isAlive(pid); // no /proc: trust the state
  return cmd.some((c) => /(^|\/)(node|anvil)$/.test(c) || c.includes("tests/localnet") || c.includes("x402-localnet"));
};
const signal = (pid, sig) => {
  try {
    if (isAlive(pid) && ours(pid)) {
      process.kill(pid, sig);
      return true;
    }
  } catch {
    // already gone
  }
  return false;
};
async function waitGone(pids, ms) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (pids.every((p) => !isAlive(p))) return true;
    await sleep(25);
  }
  return pids.every((p) => !isAlive(p));
}

const supervisor = state.supervisorPid;
const others = (state.pids || []).filter((p) => p !== supervisor);

if (supervisor && signal(supervisor, "SIGTERM")) {
  log(`sent SIGTERM to supervisor ${supervisor}`);
  await waitGone([supervisor, ...others], timeoutMs / 2);
}
const left = others.filter((p) => isAlive(p));
for (const p of left) if (signal(p, "SIGTERM")) log(`sent SIGTERM to ${p}`);
if (!(await waitGone(left, timeoutMs / 2))) {
  for (const p of [supervisor, ...others]) if (p && signal(p, "SIGKILL")) log(`sent SIGKILL to ${p}`);
  await waitGone([supervisor, ...others].filter(Boolean), 2000);
}
const still = [supervisor, ...others].filter((p) => p && isAlive(p) && ours(p));
if (still.length) {
  log(`still running: ${still.join(" ")}`);
  process.exit(1);
}
log("all processes stopped");
