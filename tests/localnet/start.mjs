#!/usr/bin/env node
// Local x402 test network supervisor (foreground).
//
//   node tests/localnet/start.mjs [--state-file PATH] [options]
//
// Starts two anvil chains (84532 "base-sepolia", 31337 "devchain"), deploys the
// EIP-3009 test USDC, places Multicall3 and Base Sepolia's USDC address, funds the
// payer, then starts the x402 v2 facilitator + resource server and the v1
// facilitator + resource server. When everything answers, it writes the state JSON
// to --state-file (atomically) and prints it as ONE line on stdout. Logs go to
// stderr and to per-process log files in logDir.
//
// Stops everything it started on SIGTERM/SIGINT/SIGHUP, when its stdin (if a pipe
// or socket) reaches EOF, or when one of its processes dies.
//
// Options:
//   --state-file PATH           where to write the state JSON
//   --log-dir DIR               log directory (default: a new temp dir, removed on a clean stop)
//   --keep-logs                 keep the temp log directory after a clean stop too
//   --base-sepolia-port N       anvil 84532 port (default: free port)
//   --devchain-port N           anvil 31337 port
//   --v2-facilitator-port N, --v2-server-port N, --v1-facilitator-port N, --v1-server-port N
//   --svm-rpc-port N            local Solana JSON-RPC (LiteSVM posing as devnet, svm/)
//   --stdin-watch / --no-stdin-watch   force stdin-EOF shutdown on/off (default: on for pipes/sockets)
//   --timeout SECONDS           bring-up timeout (default 60)
import "./guard.mjs";
import { spawn } from "node:child_process";
import net from "node:net";
import { existsSync, mkdtempSync, mkdirSync, openSync, closeSync, fstatSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import {
  ACCOUNTS, ANVIL, ANVIL_MNEMONIC, ANVIL_REL, BASE_SEPOLIA_USDC, CAST, CAST_REL, CHAINS, FUNDED, FUND_AMOUNT, GUARD,
  LOCALNET_DIR, MULTICALL3, MULTICALL3_RUNTIME_KECCAK, TOKEN_ADDRESS, TOKEN_META, V1_DIR, V1_ROUTES, V2_ROUTES, isAlive, makeLog, parseArgs, rpc,
  sleep, writeFileAtomic,
} from "./lib/common.mjs";
import { waitReceipt } from "./lib/common.mjs";
import { permit2Accounts, setupPermit2 } from "./permit2/setup.mjs";

const t0 = performance.now();
const log = makeLog("localnet");
const args = parseArgs(process.argv.slice(2), { booleans: ["stdinWatch", "noStdinWatch", "keepLogs", "help"] });
if (args.help) {
  process.stderr.write(readFileSync(new URL(import.meta.url), "utf8").split("\n").filter((l) => l.startsWith("//")).map((l) => l.slice(3)).join("\n") + "\n");
  process.exit(0);
}
for (const need of [ANVIL, join(LOCALNET_DIR, "node_modules", "@x402", "express"), join(V1_DIR, "node_modules", "x402-express")]) {
  if (!existsSync(need)) {
    log(`missing ${need}: run tests/localnet/install.sh first`);
    process.exit(1);
  }
}
const port = (name) => (args[name] !== undefined ? Number(args[name]) : 0);
const stateFile = args.stateFile ? resolve(args.stateFile) : null;
const timeoutMs = Number(args.timeout ?? 60) * 1000;
const logDir = args.logDir ? resolve(args.logDir) : mkdtempSync(join(tmpdir(), "x402-localnet-"));
mkdirSync(logDir, { recursive: true });

// viem is only needed for ABI encoding and hashing; load it while anvil boots.
const viemP = import("viem");
const solanaP = import("./svm/state.mjs");
const artifact = JSON.parse(readFileSync(join(LOCALNET_DIR, "contracts", "TestUSDC.json"), "utf8"));

/** Every process this supervisor started: {name, pid, pgid, log, child?}. */
const procs = [];
let stopping = false;
let up = false;

function startProcess(name, script, argv, cwd) {
  const logPath = join(logDir, `${name}.log`);
  const fd = openSync(logPath, "a");
  const child = spawn(process.execPath, ["--import", GUARD, script, ...argv], {
    cwd,
    detached: true, // own process group, so the whole group can be signalled
    stdio: ["ignore", fd, fd, "ipc"],
    env: { ...process.env, X402_LOCALNET_LOG_DIR: logDir },
  });
  closeSync(fd);
  const entry = { name, pid: child.pid, pgid: child.pid, log: logPath, child, exited: false };
  procs.push(entry);
  entry.exitP = new Promise((res) => child.once("exit", (code, signal) => {
    entry.exited = true;
    res({ code, signal });
    if (!stopping) {
      log(`${name} (pid ${child.pid}) exited unexpectedly: code ${code} signal ${signal}; see ${logPath}`);
      shutdown(`${name} died`, 1);
    }
  }));
  child.on("error", (err) => log(`${name}: ${err.message}`));
  return entry;
}

/** Resolves with the first IPC message of `type` (rejects on "failed"/"exited"). */
function waitMessage(entry, type, ms = timeoutMs) {
  return new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`${entry.name}: no "${type}" within ${ms} ms (see ${entry.log})`)), ms);
    const onMsg = (m) => {
      if (m?.type === type) {
        clearTimeout(timer);
        entry.child.off("message", onMsg);
        res(m);
      } else if (m?.type === "failed" || m?.type === "exited") {
        clearTimeout(timer);
        entry.child.off("message", onMsg);
        rej(new Error(`${entry.name}: ${m.error || `exited (code ${m.code})`}; see ${entry.log}`));
      }
    };
    entry.child.on("message", onMsg);
    entry.exitP.then(() => {
      clearTimeout(timer);
      rej(new Error(`${entry.name} exited during start-up; see ${entry.log}`));
    });
  });
}

function startAnvil(chain, anvilPort) {
  const entry = startProcess(`anvil-${chain.key}`, join(LOCALNET_DIR, "lib", "keeper.mjs"), [
    join(logDir, `anvil-${chain.key}.log`), "--",
    ANVIL, "--host", "127.0.0.1", "--port", String(anvilPort), "--chain-id", String(chain.chainId),
    "--mnemonic", ANVIL_MNEMONIC, "--accounts", "10", "--balance", "10000",
  ], LOCALNET_DIR);
  entry.readyP = waitMessage(entry, "ready").then((m) => {
    entry.anvilPid = m.pid;
    return `http://127.0.0.1:${m.port}`;
  });
  entry.readyP.catch(() => {});
  return entry;
}

/** A listening socket on 127.0.0.1 (port 0 = free port), handed to a service over IPC. */
function listenSocket(p) {
  return new Promise((res, rej) => {
    const srv = net.createServer();
    srv.once("error", rej);
    srv.listen({ host: "127.0.0.1", port: p, exclusive: false }, () => res(srv));
  });
}

async function startService(entry, config, p) {
  const srv = await listenSocket(p);
  const portNo = srv.address().port;
  const listening = waitMessage(entry, "listening");
  listening.catch(() => {});
  await new Promise((res, rej) => entry.child.send({ type: "start", config }, srv, (err) => (err ? rej(err) : res())));
  try {
    const m = await listening;
    return `http://127.0.0.1:${m.port || portNo}`;
  } finally {
    srv.close();
  }
}

async function setupChain(viem, chain, rpcUrl) {
  const { encodeFunctionData, decodeFunctionResult, hashDomain, getAddress } = viem;
  const abi = artifact.abi;
  const deployer = ACCOUNTS.deployer.address;
  const call = (to, functionName, fnArgs = []) =>
    rpc(rpcUrl, "eth_call", [{ to, data: encodeFunctionData({ abi, functionName, args: fnArgs }) }, "latest"]).then((data) =>
      decodeFunctionResult({ abi, functionName, data }),
    );

  const chainIdHex = await rpc(rpcUrl, "eth_chainId");
  if (Number(chainIdHex) !== chain.chainId) throw new Error(`${chain.key}: chain id ${Number(chainIdHex)}, expected ${chain.chainId}`);

  // 1. Deploy the token from the deployer's nonce 0 => fixed CREATE address.
  const nonce = Number(await rpc(rpcUrl, "eth_getTransactionCount", [deployer, "latest"]));
  if (nonce !== 0) throw new Error(`${chain.key}: deployer nonce is ${nonce}, expected 0 (fresh chain)`);
  const deployHash = await rpc(rpcUrl, "eth_sendTransaction", [{ from: deployer, data: artifact.bytecode, gas: "0x" + (3_000_000).toString(16) }]);
  const receipt = await waitReceipt(rpcUrl, deployHash);
  if (receipt.status !== "0x1" || getAddress(receipt.contractAddress) !== TOKEN_ADDRESS) {
    throw new Error(`${chain.key}: token deployment failed or landed at ${receipt.contractAddress}`);
  }

  // 2. Multicall3 at its canonical address: run viem's Multicall3 creation code in an
  //    eth_call to obtain the runtime code, then place it.
  const multicallRuntime = await rpc(rpcUrl, "eth_call", [{ from: deployer, data: multicall3Creation(), gas: "0x" + (10_000_000).toString(16) }, "latest"]);
  if (viem.keccak256(multicallRuntime) !== MULTICALL3_RUNTIME_KECCAK) {
    throw new Error(`${chain.key}: Multicall3 runtime from viem has keccak ${viem.keccak256(multicallRuntime)}, expected ${MULTICALL3_RUNTIME_KECCAK}`);
  }
  await rpc(rpcUrl, "anvil_setCode", [MULTICALL3, multicallRuntime]);

  // 3. On base-sepolia, the same token runtime at the real Base Sepolia USDC address.
  const tokenAddresses = [TOKEN_ADDRESS];
  if (chain.key === "baseSepolia") {
    await rpc(rpcUrl, "anvil_setCode", [BASE_SEPOLIA_USDC, artifact.deployedBytecode]);
    tokenAddresses.push(BASE_SEPOLIA_USDC);
  }

  // 4. Fund the payers on every token address (anvil auto-mines each transaction).
  const hashes = [];
  for (const token of tokenAddresses) {
    for (const who of FUNDED) {
      const data = encodeFunctionData({ abi, functionName: "mint", args: [ACCOUNTS[who].address, FUND_AMOUNT] });
      hashes.push(await rpc(rpcUrl, "eth_sendTransaction", [{ from: deployer, to: token, data, gas: "0x30000" }]));
    }
  }
  for (const h of hashes) {
    const r = await waitReceipt(rpcUrl, h);
    if (r.status !== "0x1") throw new Error(`${chain.key}: mint transaction ${h} failed`);
  }

  // 5. Sanity checks: EIP-712 domain at each address, balances, Multicall3.
  for (const token of tokenAddresses) {
    const expected = hashDomain({
      domain: { name: TOKEN_META.name, version: TOKEN_META.version, chainId: chain.chainId, verifyingContract: token },
      types: { EIP712Domain: [
        { name: "name", type: "string" }, { name: "version", type: "string" },
        { name: "chainId", type: "uint256" }, { name: "verifyingContract", type: "address" },
      ] },
    });
    const actual = await call(token, "DOMAIN_SEPARATOR");
    if (actual !== expected) throw new Error(`${chain.key}: DOMAIN_SEPARATOR at ${token} is ${actual}, expected ${expected}`);
    const bal = await call(token, "balanceOf", [ACCOUNTS.payer.address]);
    if (bal !== FUND_AMOUNT) throw new Error(`${chain.key}: payer balance at ${token} is ${bal}`);
  }
  const mcCode = await rpc(rpcUrl, "eth_getCode", [MULTICALL3, "latest"]);
  if (!mcCode || mcCode.length < 100) throw new Error(`${chain.key}: Multicall3 code missing`);
  return tokenAddresses;
}

/**
 * Multicall3's creation bytecode as shipped inside the pinned `viem` package
 * (constants/contracts.js, `multicall3Bytecode`; viem uses it for "deployless"
 * multicalls). Not part of viem's public exports, so it is read from the file.
 */
function multicall3Creation() {
  const file = join(LOCALNET_DIR, "node_modules", "viem", "_esm", "constants", "contracts.js");
  const m = /multicall3Bytecode\s*=\s*['"](0x[0-9a-fA-F]+)['"]/.exec(readFileSync(file, "utf8"));
  if (!m) throw new Error(`multicall3Bytecode not found in ${file}`);
  return m[1];
}

async function httpGet(url) {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text };
}

async function healthy(url, check, what) {
  const deadline = Date.now() + 15_000;
  let last;
  while (Date.now() < deadline) {
    try {
      const r = await httpGet(url);
      if (check(r)) return;
      last = `HTTP ${r.status} ${r.text.slice(0, 200)}`;
    } catch (e) {
      last = e.message;
    }
    await sleep(50);
  }
  throw new Error(`${what} not healthy at ${url}: ${last}`);
}

async function shutdown(reason, code = 0) {
  if (stopping) return;
  stopping = true;
  log(`stopping (${reason})`);
  const live = procs.filter((p) => !p.exited || (p.anvilPid && isAlive(p.anvilPid)));
  for (const p of [...live].reverse()) {
    try {
      process.kill(-p.pgid, "SIGTERM");
    } catch {
      // group already gone
    }
  }
  const allDown = () => procs.every((p) => p.exited && !(p.anvilPid && isAlive(p.anvilPid)));
  const deadline = Date.now() + 5000;
  while (!allDown() && Date.now() < deadline) await sleep(25);
  for (const p of procs) {
    const stillUp = !p.exited || (p.anvilPid && isAlive(p.anvilPid));
    if (stillUp) {
      log(`killing process group ${p.pgid} (${p.name})`);
      try {
        process.kill(-p.pgid, "SIGKILL");
      } catch {
        // gone
      }
      if (p.anvilPid) {
        try {
          process.kill(p.anvilPid, "SIGKILL");
        } catch {
          // gone
        }
      }
    }
  }
  // A temp log directory goes with a clean stop; after a failure, or when asked, it stays.
  if (code === 0 && !args.logDir && !args.keepLogs) {
    try {
      rmSync(logDir, { recursive: true, force: true });
      log("stopped");
    } catch (err) {
      log(`stopped; could not remove ${logDir}: ${err.message}`);
    }
  } else {
    log(`stopped; logs in ${logDir}`);
  }
  process.exit(code);
}

for (const sig of ["SIGTERM", "SIGINT", "SIGHUP"]) process.on(sig, () => shutdown(sig, 0));
process.on("uncaughtException", (err) => {
  log(`fatal: ${err.stack || err}`);
  shutdown("uncaught exception", 1);
});
process.on("unhandledRejection", (err) => {
  log(`fatal: ${err?.stack || err}`);
  shutdown("unhandled rejection", 1);
});

// Stop when stdin reaches EOF, if stdin is a pipe or socket (a parent holding the
// other end died or closed it). A terminal or /dev/null does not count.
function watchStdin() {
  let st;
  try {
    st = fstatSync(0);
  } catch {
    return false;
  }
  const auto = st.isFIFO() || st.isSocket();
  const on = args.noStdinWatch ? false : args.stdinWatch ? true : auto;
  if (!on) return false;
  process.stdin.on("data", () => {});
  process.stdin.on("end", () => shutdown("stdin closed"));
  process.stdin.on("error", () => shutdown("stdin error"));
  process.stdin.resume();
  return true;
}

async function main() {
  const stdinWatched = watchStdin();
  const bringUp = setTimeout(() => {
    log(`bring-up did not finish within ${timeoutMs} ms`);
    shutdown("bring-up timeout", 1);
  }, timeoutMs);

  // Everything starts at once: anvils boot while the services load their modules.
  const anvils = {
    baseSepolia: startAnvil(CHAINS.baseSepolia, port("baseSepoliaPort")),
    devchain: startAnvil(CHAINS.devchain, port("devchainPort")),
  };
  const svc = {
    v2Facilitator: startProcess("v2-facilitator", join(LOCALNET_DIR, "services", "v2-facilitator.mjs"), [], LOCALNET_DIR),
    v2Server: startProcess("v2-server", join(LOCALNET_DIR, "services", "v2-server.mjs"), [], LOCALNET_DIR),
    v1Facilitator: startProcess("v1-facilitator", join(V1_DIR, "facilitator.mjs"), [], V1_DIR),
    v1Server: startProcess("v1-server", join(V1_DIR, "server.mjs"), [], V1_DIR),
    svmRpc: startProcess("svm-rpc", join(LOCALNET_DIR, "svm", "rpc-service.mjs"), [], LOCALNET_DIR),
  };
  const loaded = Object.values(svc).map((e) => waitMessage(e, "loaded"));
  for (const p of loaded) p.catch(() => {});
  // The Solana RPC needs no anvil: it starts while the chains are set up.
  const svmRpcP = waitMessage(svc.svmRpc, "loaded").then(() => startService(svc.svmRpc, {}, port("svmRpcPort")));
  svmRpcP.catch(() => {});

  const viem = await viemP;
  const [bsRpc, devRpc] = await Promise.all([anvils.baseSepolia.readyP, anvils.devchain.readyP]);
  const tAnvil = performance.now();
  const [bsTokens, devTokens, permit2] = await Promise.all([
    setupChain(viem, CHAINS.baseSepolia, bsRpc),
    setupChain(viem, CHAINS.devchain, devRpc),
    setupPermit2(viem, CHAINS.baseSepolia, bsRpc), // Permit2, x402 proxies, Permit2 tokens and accounts
  ]);
  const tChains = performance.now();
  await Promise.all(loaded);
  const [solana, svmRpc] = await Promise.all([solanaP, svmRpcP]);

  const chainsCfg = [
    { ...CHAINS.baseSepolia, rpcUrl: bsRpc },
    { ...CHAINS.devchain, rpcUrl: devRpc },
  ];
  const [v2FacilitatorUrl, v1FacilitatorUrl] = await Promise.all([
    startService(svc.v2Facilitator, { chains: chainsCfg, privateKey: ACCOUNTS.facilitatorV2.privateKey, solana: solana.facilitatorConfig(svmRpc) }, port("v2FacilitatorPort")),
    startService(svc.v1Facilitator, { rpcUrl: bsRpc, privateKey: ACCOUNTS.facilitatorV1.privateKey }, port("v1FacilitatorPort")),
  ]);
  await healthy(`${v2FacilitatorUrl}/supported`, (r) => r.status === 200 && ["eip155:84532", "eip155:31337"].every((n) => r.text.includes(n)), "v2 facilitator");
  await healthy(`${v2FacilitatorUrl}/supported`, (r) => r.status === 200 && r.text.includes(solana.SOLANA_DEVNET), "v2 facilitator (Solana)");
  await healthy(`${v1FacilitatorUrl}/supported`, (r) => r.status === 200 && r.text.includes("base-sepolia"), "v1 facilitator");
  const [v2ServerUrl, v1ServerUrl] = await Promise.all([
    startService(svc.v2Server, { facilitatorUrl: v2FacilitatorUrl, payTo: ACCOUNTS.payee.address, devchainToken: TOKEN_ADDRESS, solana: solana.serverConfig(svmRpc) }, port("v2ServerPort")),
    startService(svc.v1Server, { facilitatorUrl: v1FacilitatorUrl, payTo: ACCOUNTS.payee.address }, port("v1ServerPort")),
  ]);
  await Promise.all([
    healthy(`${v2ServerUrl}/free`, (r) => r.status === 200, "v2 server"),
    healthy(`${v2ServerUrl}/cheap`, (r) => r.status === 402 && r.headers.has("payment-required"), "v2 server (402)"),
    healthy(`${v2ServerUrl}/sol/cheap`, (r) => r.status === 402 && r.headers.has("payment-required"), "v2 server (Solana 402)"),
    healthy(`${v1ServerUrl}/free`, (r) => r.status === 200, "v1 server"),
    healthy(`${v1ServerUrl}/cheap`, (r) => r.status === 402 && r.text.includes('"x402Version":1'), "v1 server (402)"),
  ]);
  clearTimeout(bringUp);

  const routes = {};
  for (const [k, r] of Object.entries(V2_ROUTES)) {
    routes[k] = { path: r.path, amount: r.amount, method: r.method, paid: r.amount !== "0", ...(r.network && { network: r.network, asset: r.asset }), ...(r.options && { options: r.options }) };
  }
  const routesV1 = {};
  for (const [k, r] of Object.entries(V1_ROUTES)) {
    routesV1[k] = { path: r.path, amount: r.amount, method: r.method, paid: r.amount !== "0", ...(r.network && { network: r.network, asset: r.asset }) };
  }
  const accounts = {};
  for (const [k, a] of Object.entries(ACCOUNTS)) accounts[k] = { address: a.address, privateKey: a.privateKey, index: a.index };
  Object.assign(accounts, permit2Accounts());

  const pids = [];
  for (const p of procs) {
    pids.push(p.pid);
    if (p.anvilPid) pids.push(p.anvilPid);
  }
  const bringUpMs = Math.round(performance.now() - t0);
  const state = {
    chains: {
      baseSepolia: { chainId: 84532, rpcUrl: bsRpc, caip2: "eip155:84532", v1Network: "base-sepolia", tokens: bsTokens },
      devchain: { chainId: 31337, rpcUrl: devRpc, caip2: "eip155:31337", v1Network: null, tokens: devTokens },
    },
    token: { address: TOKEN_ADDRESS, baseSepoliaUsdc: BASE_SEPOLIA_USDC, ...TOKEN_META, deployer: ACCOUNTS.deployer.address, fundedAmount: FUND_AMOUNT.toString(), funded: FUNDED },
    multicall3: MULTICALL3,
    permit2,
    accounts,
    v2: { facilitatorUrl: v2FacilitatorUrl, serverUrl: v2ServerUrl, networks: ["eip155:84532", "eip155:31337"] },
    v1: { facilitatorUrl: v1FacilitatorUrl, serverUrl: v1ServerUrl, network: "base-sepolia", routes: routesV1 },
    solana: await solana.solanaState(svmRpc),
    routes,
    binaries: { anvil: ANVIL, cast: CAST, anvilRelative: `tests/localnet/${ANVIL_REL}`, castRelative: `tests/localnet/${CAST_REL}` },
    pids,
    processes: procs.map((p) => ({ name: p.name, pid: p.pid, ...(p.anvilPid && { anvilPid: p.anvilPid }), log: p.log })),
    supervisorPid: process.pid,
    logDir,
    stateFile,
    stdinWatched,
    bringUpMs,
    timings: { anvilReadyMs: Math.round(tAnvil - t0), chainsReadyMs: Math.round(tChains - t0), totalMs: bringUpMs },
  };
  const line = JSON.stringify(state);
  if (stateFile) writeFileAtomic(stateFile, `${line}\n`);
  up = true;
  process.stdout.write(`${line}\n`);
  log(`up in ${bringUpMs} ms: v2 ${v2ServerUrl} (facilitator ${v2FacilitatorUrl}), v1 ${v1ServerUrl} (facilitator ${v1FacilitatorUrl}); logs ${logDir}`);
}

main().catch((err) => {
  log(`bring-up failed: ${err.stack || err}`);
  shutdown("bring-up failed", 1);
});
