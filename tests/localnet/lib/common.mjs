// Shared constants and small helpers of the local x402 test network.
// No third-party imports here: the v1 services (own node_modules) import this too.
import { readFileSync, writeFileSync, renameSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const LOCALNET_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const GUARD = join(LOCALNET_DIR, "guard.mjs");
export const V1_DIR = join(LOCALNET_DIR, "v1");

/** Relative to tests/localnet/: where npm puts the foundry binaries. */
export const ANVIL_REL = "node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil";
export const CAST_REL = "node_modules/@foundry-rs/cast-linux-amd64/bin/cast";
export const ANVIL = join(LOCALNET_DIR, ANVIL_REL);
export const CAST = join(LOCALNET_DIR, CAST_REL);

export const ANVIL_MNEMONIC = "test test test test test test test test test test test junk";

/** anvil's default mnemonic accounts used by the network (account #0 is deliberately unused). */
export const ACCOUNTS = {
  payer: { index: 1, address: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", privateKey: "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d" },
  payee: { index: 2, address: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC", privateKey: "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a" },
  poorPayer: { index: 3, address: "0x90F79bf6EB2c4f870365E785982E1f101E93b906", privateKey: "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6" },
  facilitatorV2: { index: 4, address: "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65", privateKey: "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a" },
  facilitatorV1: { index: 5, address: "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc", privateKey: "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba" },
  payer2: { index: 6, address: "0x976EA74026E726554dB657fA54763abd0C3a0aa9", privateKey: "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e" },
  deployer: { index: 9, address: "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720", privateKey: "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6" },
};
/** Accounts that receive USDC at start-up. */
export const FUNDED = ["payer", "payer2"];
/** 1000 USDC (6 decimals) per funded account and token address. */
export const FUND_AMOUNT = 1000n * 10n ** 6n;

/** CREATE address of the token: deployer (#9) at nonce 0, identical on both chains. */
export const TOKEN_ADDRESS = "0x700b6A60ce7EaaEA56F065753d8dcB9653dbAD35";
export const BASE_SEPOLIA_USDC = "0x036CbD53842c5426634e7929541eC2318f3dCF7e";
export const MULTICALL3 = "0xcA11bde05977b3631167028862bE2a173976CA11";
/** keccak256 of the Multicall3 runtime code obtained from viem 2.57.20's creation bytecode. */
export const MULTICALL3_RUNTIME_KECCAK = "0x5a29a1eb2f59e45e4249b938c8192cac0d2bd32398e1afa03f302a867db692ea";
export const TOKEN_META = { name: "USDC", version: "2", symbol: "USDC", decimals: 6 };

export const CHAINS = {
  baseSepolia: { key: "baseSepolia", chainId: 84532, caip2: "eip155:84532", v1Network: "base-sepolia", name: "Base Sepolia (local anvil)" },
  devchain: { key: "devchain", chainId: 31337, caip2: "eip155:31337", v1Network: null, name: "devchain (local anvil)" },
};

/** Paid and free routes of the v2 and v1 resource servers (amounts in base units, 6 decimals). */
export const V2_ROUTES = {
  cheap: { path: "/cheap", method: "GET", amount: "1000", price: "$0.001", network: "eip155:84532", asset: BASE_SEPOLIA_USDC },
  expensive: { path: "/expensive", method: "GET", amount: "2500000", price: "$2.50", network: "eip155:84532", asset: BASE_SEPOLIA_USDC },
  echo: { path: "/echo", method: "POST", amount: "1000", price: "$0.001", network: "eip155:84532", asset: BASE_SEPOLIA_USDC },
  free: { path: "/free", method: "GET", amount: "0" },
  multi: {
    path: "/multi",
    method: "GET",
    amount: "1000",
    network: "eip155:84532",
    asset: BASE_SEPOLIA_USDC,
    options: [
      { network: "eip155:84532", asset: BASE_SEPOLIA_USDC, amount: "1000" },
      { network: "eip155:31337", asset: TOKEN_ADDRESS, amount: "2000" },
    ],
  },
};
export const V1_ROUTES = {
  cheap: { path: "/cheap", method: "GET", amount: "1000", price: "$0.001", network: "base-sepolia", asset: BASE_SEPOLIA_USDC },
  expensive: { path: "/expensive", method: "GET", amount: "2500000", price: "$2.50", network: "base-sepolia", asset: BASE_SEPOLIA_USDC },
  echo: { path: "/echo", method: "POST", amount: "1000", price: "$0.001", network: "base-sepolia", asset: BASE_SEPOLIA_USDC },
  free: { path: "/free", method: "GET", amount: "0" },
};

/** Minimal argv parser: --flag value, --flag=value, --bool. */
export function parseArgs(argv, { booleans = [] } = {}) {
  const out = { _: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") {
      out._.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      const key = (eq > 0 ? a.slice(2, eq) : a.slice(2)).replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase());
      if (eq > 0) out[key] = a.slice(eq + 1);
      else if (booleans.includes(key)) out[key] = true;
      else if (i + 1 < argv.length) out[key] = argv[++i];
      else throw new Error(`missing value for ${a}`);
    } else out._.push(a);
  }
  return out;
}

/** JSON-RPC call over loopback HTTP. */
export async function rpc(url, method, params = [], { timeoutMs = 10_000 } = {}) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const body = await res.json();
  if (body.error) {
    const err = new Error(`${method}: ${body.error.message}${body.error.data ? ` (${JSON.stringify(body.error.data)})` : ""}`);
    err.rpcError = body.error;
    throw err;
  }
  return body.result;
}

/** Polls for a transaction's receipt (anvil's automine may answer before the block is sealed). */
export async function waitReceipt(rpcUrl, hash) {
  for (let i = 0; i < 400; i++) {
    const r = await rpc(rpcUrl, "eth_getTransactionReceipt", [hash]);
    if (r) return r;
    await sleep(25);
  }
  throw new Error(`no receipt for ${hash}`);
}

export function writeFileAtomic(path, text) {
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

export function readState(path) {
  return JSON.parse(readFileSync(path, "utf8"));
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Logs one line to stderr with a prefix (never stdout: stdout carries the state JSON). */
export function makeLog(prefix) {
  return (...parts) => process.stderr.write(`[${prefix}] ${parts.join(" ")}\n`);
}

/** True if a pid exists and is not a zombie (exited, waiting to be reaped). */
export function isAlive(pid) {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if (e.code !== "EPERM") return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return true; // no /proc: signal 0 succeeded
  }
}

/** Reads /proc/<pid>/cmdline as an array (Linux), or null. */
export function cmdlineOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
  } catch {
    return null;
  }
}
