// Runs one HTTP service of the local network under the supervisor (start.mjs).
//
// Protocol over the Node IPC channel:
//   supervisor -> service: {type: "start", config}  + a listening net.Server handle
//   service -> supervisor: {type: "listening", port} | {type: "failed", error}
// The service exits when the IPC channel closes (the supervisor died or stopped),
// so it can never outlive the supervisor.
//
// Without an IPC channel (manual debugging) the config is read from the
// X402_LOCALNET_CONFIG env var (JSON) and the port from PORT.
import http from "node:http";

export function runService(name, buildApp) {
  const log = (...p) => process.stderr.write(`[${name}] ${p.join(" ")}\n`);
  let server;

  const shutdown = (why) => {
    log(`stopping (${why})`);
    if (server) server.close();
    setTimeout(() => process.exit(0), 50).unref();
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));

  async function start(config, handle) {
    const app = await buildApp(config, log);
    server = http.createServer(app);
    server.keepAliveTimeout = 5_000;
    await new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(handle, resolve);
    });
    const { port } = server.address();
    log(`listening on http://127.0.0.1:${port}`);
    return port;
  }

  if (process.send) {
    process.on("disconnect", () => shutdown("supervisor gone"));
    process.on("message", (msg, handle) => {
      if (!msg || msg.type !== "start") return;
      start(msg.config, handle).then(
        (port) => process.send({ type: "listening", port }),
        (err) => {
          log(`failed: ${err.stack || err}`);
          process.send({ type: "failed", error: String(err.message || err) }, () => process.exit(1));
        },
      );
    });
    process.send({ type: "loaded" });
  } else {
    const config = JSON.parse(process.env.X402_LOCALNET_CONFIG || "{}");
    const port = Number(process.env.PORT || 0);
    start(config, { port, host: "127.0.0.1" }).catch((err) => {
      log(`failed: ${err.stack || err}`);
      process.exit(1);
    });
  }
}
