// JSON-RPC 2.0 over HTTP for the local Solana chain (chain.mjs): the methods the official x402
// packages and the x402 CLI call, with a validator's result shapes, plus test-only `localnet_*`
// methods. POST / with one request or a batch; u64 values go out as plain JSON numbers.
import { randomBytes } from "node:crypto";
import { LocalChain, RpcError, accountJson, uiAmount } from "./chain.mjs";
import { SOLANA_DEVNET, USDC_DEVNET_MINT, describeGenesis } from "./genesis.mjs";

/** JSON with bigints written as plain numbers (a u64 may exceed 2^53, e.g. rentEpoch). */
export function stringify(value) {
  const marks = [];
  const tag = randomBytes(8).toString("hex"); // no string in the value can contain it
  const text = JSON.stringify(value, (_k, v) => {
    if (typeof v === "bigint") {
      marks.push(v.toString());
      return `${tag}:${marks.length - 1}`;
    }
    return v;
  });
  return text.replace(new RegExp(`"${tag}:(\\d+)"`, "g"), (_m, i) => marks[Number(i)]);
}

const config = (params, i) => {
  const c = params[i];
  if (c === undefined || c === null) return {};
  if (typeof c !== "object" || Array.isArray(c)) throw new RpcError(-32602, `Invalid params: argument ${i} must be a configuration object`);
  return c;
};

const u64 = (v, what) => {
  if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  if (typeof v === "string" && /^\d+$/.test(v)) return BigInt(v);
  throw new RpcError(-32602, `Invalid params: ${what} must be a non-negative integer`);
};

/** The method table: name -> (params, chain) => result. */
function methods(chain) {
  const ctx = (value) => ({ context: { apiVersion: "2.2.0", slot: chain.slot }, value });
  return {
    getHealth: () => "ok",
    getVersion: () => ({ "solana-core": "2.2.0", "feature-set": 0 }),
    getGenesisHash: () => "EtWTRABZaYq6iMfeYKouRu166VU2xqa1wcaWoxPkrZBG",
    getSlot: () => chain.slot,
    getBlockHeight: () => chain.blockHeight,
    getEpochInfo: () => ({
      absoluteSlot: chain.slot,
      blockHeight: chain.blockHeight,
      epoch: chain.slot / 432000n,
      slotIndex: chain.slot % 432000n,
      slotsInEpoch: 432000,
      transactionCount: chain.transactionCount,
    }),
    getLatestBlockhash: () => ctx({ blockhash: chain.blockhash.blockhash, lastValidBlockHeight: chain.blockhash.lastValidBlockHeight }),
    isBlockhashValid: (p) => ctx(p[0] === chain.blockhash.blockhash),
    getMinimumBalanceForRentExemption: (p) => chain.rentExempt(u64(p[0] ?? 0, "data length")),
    getBalance: (p) => ctx(chain.account(p[0])?.lamports ?? 0n),
    getAccountInfo: (p) => {
      const { encoding = "base64" } = config(p, 1);
      if (encoding === "base58") throw new RpcError(-32602, "Encoded binary (base 58) data should be less than 128 bytes, please use Base64 encoding.");
      const a = chain.account(p[0]);
      return ctx(a ? accountJson(a, encoding, chain) : null);
    },
    getMultipleAccounts: (p) => {
      const { encoding = "base64" } = config(p, 1);
      if (!Array.isArray(p[0])) throw new RpcError(-32602, "Invalid params: expected an array of addresses");
      return ctx(p[0].map((addr) => {
        const a = chain.account(addr);
        return a ? accountJson(a, encoding, chain) : null;
      }));
    },
    getTokenAccountBalance: (p) => {
      const a = chain.account(p[0]);
      if (!a) throw new RpcError(-32602, "Invalid param: could not find account");
      const t = chain.tokenAccount(p[0]);
      if (!t) throw new RpcError(-32602, "Invalid param: not a Token account");
      return ctx(uiAmount(t.amount, chain.mint(t.mint)?.decimals ?? 0));
    },
    getTokenSupply: (p) => {
      const m = chain.mint(p[0]);
      if (!m) throw new RpcError(-32602, "Invalid param: not a Token mint");
      return ctx(uiAmount(m.supply, m.decimals));
    },
    getFeeForMessage: (p) => ctx(chain.feeForMessage(p[0])),
    simulateTransaction: (p) => {
      const c = config(p, 1);
      if (c.encoding && c.encoding !== "base64") throw new RpcError(-32602, "Invalid params: only base64 transactions are supported");
      return ctx(chain.simulate(p[0], c));
    },
    sendTransaction: (p) => {
      const c = config(p, 1);
      if (c.encoding && c.encoding !== "base64") throw new RpcError(-32602, "Invalid params: only base64 transactions are supported");
      return chain.send(p[0], c);
    },
    getSignatureStatuses: (p) => {
      if (!Array.isArray(p[0])) throw new RpcError(-32602, "Invalid params: expected an array of signatures");
      if (p[0].length > 256) throw new RpcError(-32602, "Invalid params: too many inputs provided; max 256");
      return ctx(p[0].map((s) => chain.status(s)));
    },
    getTransaction: (p) => chain.transaction(p[0], config(p, 1)),
    getSignaturesForAddress: (p) => chain.signaturesFor(p[0], config(p, 1)),

    // ---------------------------------------------------------- test-only
    /** [] -> the genesis description (roles, addresses, ATAs, secret keys), the mint and the blockhash. */
    localnet_info: async () => ({
      network: SOLANA_DEVNET,
      mint: USDC_DEVNET_MINT,
      accounts: await describeGenesis(),
      blockhash: chain.blockhash,
      slot: chain.slot,
    }),
    /** [address, lamports] -> sets the SOL balance (a system account is created if missing). */
    localnet_setBalance: (p) => {
      const lamports = u64(p[1], "lamports");
      const a = chain.account(p[0]);
      if (a) chain.setAccount(p[0], { ...a, lamports });
      else chain.setAccount(p[0], { lamports });
      return { address: p[0], lamports };
    },
    /** [owner, amount, mint?] -> sets the owner's token balance on its ATA (created if missing). */
    localnet_setTokenBalance: (p) => chain.setTokenBalance(p[0], u64(p[1], "amount"), p[2] ?? USDC_DEVNET_MINT),
    /** [owner, mint?] -> deletes the owner's ATA: the missing-destination case. */
    localnet_deleteAta: (p) => chain.deleteAta(p[0], p[1] ?? USDC_DEVNET_MINT),
    /** [address] -> deletes any account. */
    localnet_deleteAccount: (p) => ({ address: p[0], existed: chain.deleteAccount(p[0]) }),
    /** [] -> a new blockhash; the height moves past the old one's lastValidBlockHeight. */
    localnet_expireBlockhash: () => chain.expireBlockhash(),
    /** [n] -> advances the block height by n (the blockhash expires when passed). */
    localnet_advanceBlocks: (p) => {
      chain.advanceBlocks(u64(p[0] ?? 1, "blocks"));
      return { slot: chain.slot, blockHeight: chain.blockHeight, ...chain.blockhash };
    },
  };
}

/** Builds the chain (genesis included) and returns an HTTP request handler serving its JSON-RPC. */
export async function createRpcHandler({ log = () => {} } = {}) {
  const chain = new LocalChain();
  await chain.genesis();
  const table = methods(chain);
  // One request at a time, in arrival order: a handler that awaits (ATA derivation) must not
  // interleave with another one's read-modify-write of the same bank.
  let queue = Promise.resolve();
  const serial = (fn) => {
    const run = queue.then(fn);
    queue = run.catch(() => {});
    return run;
  };

  async function call(req) {
    const id = req && typeof req === "object" && "id" in req ? req.id : null;
    if (!req || typeof req !== "object" || Array.isArray(req) || req.jsonrpc !== "2.0" || typeof req.method !== "string") {
      return { jsonrpc: "2.0", id, error: { code: -32600, message: "Invalid request" } };
    }
    const fn = Object.hasOwn(table, req.method) ? table[req.method] : null;
    if (!fn) return { jsonrpc: "2.0", id, error: { code: -32601, message: "Method not found" } };
    const params = req.params === undefined ? [] : req.params;
    if (!Array.isArray(params)) return { jsonrpc: "2.0", id, error: { code: -32602, message: "Invalid params: expected an array" } };
    try {
      const result = await fn(params);
      return { jsonrpc: "2.0", id, result: result === undefined ? null : result };
    } catch (err) {
      if (err instanceof RpcError) {
        log(`${req.method}: error ${err.code} ${err.message}`);
        return { jsonrpc: "2.0", id, error: { code: err.code, message: err.message, ...(err.data !== undefined && { data: err.data }) } };
      }
      log(`${req.method}: internal error ${err.stack || err}`);
      return { jsonrpc: "2.0", id, error: { code: -32603, message: `Internal error: ${err.message || err}` } };
    }
  }

  const handler = (req, res) => {
    const send = (status, body) => {
      res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
      res.end(body);
    };
    if (req.method !== "POST") {
      if (req.method === "GET" && req.url === "/health") return send(200, stringify({ ok: true, service: "local Solana JSON-RPC (LiteSVM)" }));
      return send(405, stringify({ jsonrpc: "2.0", id: null, error: { code: -32600, message: "Use POST" } }));
    }
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", async () => {
      let body;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        return send(200, stringify({ jsonrpc: "2.0", id: null, error: { code: -32700, message: "Parse error" } }));
      }
      if (Array.isArray(body)) {
        if (body.length === 0) return send(200, stringify({ jsonrpc: "2.0", id: null, error: { code: -32600, message: "Invalid request" } }));
        const out = await serial(async () => {
          const replies = [];
          for (const r of body) replies.push(await call(r));
          return replies;
        });
        return send(200, stringify(out));
      }
      send(200, stringify(await serial(() => call(body))));
    });
  };
  return { handler, chain };
}
