// Network guard for every Node process of the local x402 test network.
//
// Loaded with `node --import <abs path>/guard.mjs ...` (and imported first by the
// entry scripts themselves). Any attempt to reach a host other than loopback
// (127.0.0.0/8, ::1, localhost) throws an Error with code ERR_LOCALNET_GUARD and
// is reported on stderr, before a single packet leaves the machine:
//   * net.Socket.prototype.connect  (covers net/tls/http/https and undici, i.e. fetch)
//   * dns.lookup / dns.resolve* / dns.promises.* (no name resolution off-box)
//   * globalThis.fetch              (rejects early with a clear message)
//   * dgram sockets (send/connect)
// The guard also puts itself into NODE_OPTIONS so that Node child processes
// inherit it.
import net from "node:net";
import dns from "node:dns";
import dgram from "node:dgram";
import { fileURLToPath } from "node:url";
import { syncBuiltinESMExports } from "node:module";

const MARK = Symbol.for("x402-localnet.guard");

export class LocalnetGuardError extends Error {
  constructor(target, how) {
    super(`x402-localnet guard: blocked ${how} to non-loopback address ${target} (only 127.0.0.1, ::1 and localhost are allowed)`);
    this.name = "LocalnetGuardError";
    this.code = "ERR_LOCALNET_GUARD";
  }
}

/** True for loopback literals and names that mean loopback. */
export function isLoopbackHost(host) {
  if (host === undefined || host === null || host === "") return true; // Node defaults to localhost
  let h = String(host).trim().toLowerCase();
  if (h.startsWith("[") && h.endsWith("]")) h = h.slice(1, -1);
  if (h === "localhost" || h.endsWith(".localhost")) return true;
  if (h === "::1" || h === "0:0:0:0:0:0:0:1") return true;
  const v4mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
  if (v4mapped) h = v4mapped[1];
  if (net.isIPv4(h)) return h.split(".")[0] === "127";
  return false;
}

function block(target, how) {
  const err = new LocalnetGuardError(target, how);
  try {
    process.stderr.write(`[x402-localnet guard] pid ${process.pid}: BLOCKED ${how} to ${target}\n${err.stack.split("\n").slice(2, 8).join("\n")}\n`);
  } catch {
    // stderr closed: still throw
  }
  return err;
}

function install() {
  // ---- net.Socket.prototype.connect
  const origConnect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function guardedConnect(...args) {
    let opts = args[0];
    if (Array.isArray(opts)) opts = opts[0]; // internal normalized form [options, cb]
    let host;
    let port;
    let isPath = false;
    if (opts !== null && typeof opts === "object") {
      if (opts.path !== undefined && opts.path !== null) isPath = true;
      host = opts.host ?? opts.hostname;
      port = opts.port;
    } else if (typeof opts === "string" && !/^\d+$/.test(opts)) {
      isPath = true; // unix socket path
    } else {
      port = opts;
      host = typeof args[1] === "string" ? args[1] : undefined;
    }
    if (!isPath && !isLoopbackHost(host)) {
      throw block(`${host}:${port}`, "TCP connection");
    }
    return origConnect.apply(this, args);
  };

  // ---- dns
  const guardName = (name, how) => {
    if (!isLoopbackHost(name)) throw block(String(name), how);
  };
  const origLookup = dns.lookup;
  dns.lookup = function guardedLookup(hostname, ...rest) {
    guardName(hostname, "DNS lookup");
    return origLookup.call(this, hostname, ...rest);
  };
  for (const fn of ["resolve", "resolve4", "resolve6", "resolveAny", "resolveCname", "resolveMx", "resolveNs", "resolveTxt", "resolveSrv", "resolvePtr", "resolveNaptr", "resolveSoa", "reverse"]) {
    if (typeof dns[fn] === "function") {
      const orig = dns[fn];
      dns[fn] = function guardedResolve(hostname, ...rest) {
        guardName(hostname, `DNS ${fn}`);
        return orig.call(this, hostname, ...rest);
      };
    }
    if (dns.promises && typeof dns.promises[fn] === "function") {
      const orig = dns.promises[fn];
      dns.promises[fn] = async function guardedResolveP(hostname, ...rest) {
        guardName(hostname, `DNS ${fn}`);
        return orig.call(this, hostname, ...rest);
      };
    }
  }
  if (dns.promises && typeof dns.promises.lookup === "function") {
    const orig = dns.promises.lookup;
    dns.promises.lookup = async function guardedLookupP(hostname, ...rest) {
      guardName(hostname, "DNS lookup");
      return orig.call(this, hostname, ...rest);
    };
  }

  // ---- fetch (fail early, with the URL in the message)
  if (typeof globalThis.fetch === "function") {
    const origFetch = globalThis.fetch;
    globalThis.fetch = function guardedFetch(input, init) {
      let url;
      try {
        url = new URL(typeof input === "string" || input instanceof URL ? String(input) : input.url);
      } catch {
        url = undefined;
      }
      if (url && (url.protocol === "http:" || url.protocol === "https:" || url.protocol === "ws:" || url.protocol === "wss:") && !isLoopbackHost(url.hostname)) {
        return Promise.reject(block(url.origin, "fetch"));
      }
      return origFetch.call(this, input, init);
    };
  }

  // ---- UDP
  const origSend = dgram.Socket.prototype.send;
  dgram.Socket.prototype.send = function guardedSend(...args) {
    // send(msg[, offset, length][, port][, address][, callback])
    const address = args.find((a, i) => i > 0 && typeof a === "string");
    if (address !== undefined && !isLoopbackHost(address)) throw block(address, "UDP datagram");
    return origSend.apply(this, args);
  };
  const origUdpConnect = dgram.Socket.prototype.connect;
  dgram.Socket.prototype.connect = function guardedUdpConnect(port, address, ...rest) {
    if (typeof address === "string" && !isLoopbackHost(address)) throw block(`${address}:${port}`, "UDP connect");
    return origUdpConnect.call(this, port, address, ...rest);
  };

  // Make `import { lookup } from "node:dns"` etc. see the guarded functions too.
  syncBuiltinESMExports();

  // ---- propagate to Node child processes
  const self = fileURLToPath(import.meta.url);
  const flag = `--import=${JSON.stringify(self).slice(1, -1)}`;
  const current = process.env.NODE_OPTIONS || "";
  if (!current.includes(self) && !/\s/.test(self)) {
    process.env.NODE_OPTIONS = `${current} ${flag}`.trim();
  }
}

if (!globalThis[MARK]) {
  globalThis[MARK] = true;
  install();
}

export const GUARD_PATH = fileURLToPath(import.meta.url);
