// Keeps one non-Node child (anvil) tied to the supervisor's life.
//
//   node keeper.mjs <log-file> -- <command> [args...]
//
// Runs the command in the keeper's own process group, appends its output to the
// log file, and reports over the IPC channel:
//   {type: "spawned", pid}            right after spawning
//   {type: "ready", pid, host, port}  when the output shows "Listening on HOST:PORT"
//   {type: "exited", code, signal}    if the command ends
// When the IPC channel closes (the supervisor ended, even by SIGKILL) or on
// SIGTERM/SIGINT, the keeper stops the command (SIGTERM, then SIGKILL after 3 s),
// waits for it, and exits.
import { spawn } from "node:child_process";
import { createWriteStream } from "node:fs";

const [logFile, sep, cmd, ...args] = process.argv.slice(2);
if (!logFile || sep !== "--" || !cmd) {
  process.stderr.write("usage: keeper.mjs <log-file> -- <command> [args...]\n");
  process.exit(2);
}

const out = createWriteStream(logFile, { flags: "a" });
const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
const send = (msg) => {
  try {
    if (process.connected) process.send(msg);
  } catch {
    // supervisor gone
  }
};

let stopping = false;
let exited = false;

child.on("error", (err) => {
  out.write(`[keeper] failed to start ${cmd}: ${err.message}\n`);
  send({ type: "exited", code: null, signal: null, error: err.message });
  process.exitCode = 1;
});
child.on("spawn", () => send({ type: "spawned", pid: child.pid }));

let buffered = "";
let ready = false;
child.stdout.on("data", (chunk) => {
  out.write(chunk);
  if (ready) return;
  buffered += chunk.toString("utf8");
  const m = /Listening on ([0-9.]+|\[[0-9a-f:]+\]):(\d+)/.exec(buffered);
  if (m) {
    ready = true;
    buffered = "";
    send({ type: "ready", pid: child.pid, host: m[1], port: Number(m[2]) });
  } else if (buffered.length > 1 << 20) {
    buffered = buffered.slice(-4096);
  }
});
child.stderr.on("data", (chunk) => out.write(chunk));

child.on("exit", (code, signal) => {
  exited = true;
  if (!stopping) send({ type: "exited", code, signal });
  out.end(() => process.exit(stopping ? 0 : code ?? 1));
});

function stop(why) {
  if (stopping) return;
  stopping = true;
  out.write(`[keeper] stopping ${cmd} (${why})\n`);
  if (exited) {
    out.end(() => process.exit(0));
    return;
  }
  child.kill("SIGTERM");
  setTimeout(() => {
    if (!exited) child.kill("SIGKILL");
  }, 3000).unref();
}

process.on("disconnect", () => stop("supervisor gone"));
process.on("SIGTERM", () => stop("SIGTERM"));
process.on("SIGINT", () => stop("SIGINT"));
process.on("SIGHUP", () => stop("SIGHUP"));
