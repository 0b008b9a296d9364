#!/usr/bin/env node
// Prints the Solana payment transaction the OFFICIAL @x402/svm client builds for given inputs,
// so a test can compare its own builder with it instruction by instruction.
//
//   echo '{"secretKey":"<base58 64 bytes | [64 numbers]>","payTo":"…","mint":"…","amount":"1000",
//          "decimals":6,"feePayer":"…","blockhash":"…","memo":"…","tokenProgram":"Tokenkeg…"}' \
//     | node tests/localnet/svm/official-tx.mjs
//
// stdin may also hold an array of such objects: one line on stdout per object, in order (one
// node start-up for many cases; tests/solana.rs compares hundreds).
//
// Optional inputs: "network" (CAIP-2 or v1 name; default solana:EtWT… devnet), "x402Version"
// (2, default, or 1: the v1 client with maxAmountRequired), "lastValidBlockHeight". Without
// "memo" the client draws its random 16-byte memo. Prints the wire transaction (standard base64,
// the payload's `transaction`) as one line on stdout; errors go to stderr with exit 1 (2: bad input).
//
// The path is the client's own: ExactSvmScheme.createPaymentPayload with the requirements
// carrying `extra.recentBlockhash` and `extra.memo` (v1: ExactSvmSchemeV1, which always asks
// getLatestBlockhash). The mint's decimals and token program, and v1's blockhash, reach the client
// the way they do in production, over JSON-RPC: a loopback endpoint that knows only this mint
// (built from "decimals" and "tokenProgram") and this blockhash.
import "../guard.mjs";
import http from "node:http";
import { getMintEncoder } from "@solana-program/token";
import { none, some } from "@solana/kit";
import { SOLANA_DEVNET, TOKEN_PROGRAM, keypairOf } from "./genesis.mjs";
import { secretKeyBytes } from "./official-client.mjs";

const fail = (code, msg) => {
  process.stderr.write(`svm/official-tx: ${msg}\n`);
  process.exit(code);
};

async function readStdin() {
  const chunks = [];
  for await (const c of process.stdin) chunks.push(c);
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * A JSON-RPC endpoint on 127.0.0.1 that knows one mint (getAccountInfo) and one blockhash
 * (getLatestBlockhash: the v1 client always asks; the v2 client takes `extra.recentBlockhash`).
 */
function inputRpc({ mint, decimals, tokenProgram, blockhash, lastValidBlockHeight }) {
  const data = Buffer.from(getMintEncoder().encode({
    mintAuthority: some(keypairOf("mintAuthority").address), supply: 0n, decimals, isInitialized: true, freezeAuthority: none(),
  })).toString("base64");
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      let reply;
      if (body.method === "getAccountInfo" && body.params?.[0] === mint) {
        reply = { result: { context: { slot: 0 }, value: { data: [data, "base64"], executable: false, lamports: 1461600, owner: tokenProgram, rentEpoch: 0, space: 82 } } };
      } else if (body.method === "getLatestBlockhash") {
        reply = { result: { context: { slot: 0 }, value: { blockhash, lastValidBlockHeight } } };
      } else if (body.method === "getAccountInfo") {
        reply = { result: { context: { slot: 0 }, value: null } };
      } else {
        reply = { error: { code: -32601, message: `official-tx serves only getAccountInfo and getLatestBlockhash, not ${body.method}` } };
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ jsonrpc: "2.0", id: body.id, ...reply }));
    });
  });
  return new Promise((resolve) => server.listen({ host: "127.0.0.1", port: 0 }, () => resolve(server)));
}

async function main() {
  let input;
  try {
    input = JSON.parse(await readStdin());
  } catch (e) {
    fail(2, `stdin is not JSON: ${e.message}`);
  }
  for (const one of Array.isArray(input) ? input : [input]) {
    process.stdout.write(`${await officialTransaction(one)}\n`);
  }
}

/** The wire transaction (base64) the official client builds for one input object. */
async function officialTransaction(input) {
  for (const k of ["secretKey", "payTo", "mint", "amount", "decimals", "feePayer", "blockhash"]) {
    if (input[k] === undefined || input[k] === null) fail(2, `missing input "${k}"`);
  }
  const version = Number(input.x402Version ?? 2);
  const network = input.network ?? (version === 1 ? "solana-devnet" : SOLANA_DEVNET);
  const tokenProgram = input.tokenProgram ?? TOKEN_PROGRAM;
  const decimals = Number(input.decimals);
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 255) fail(2, `"decimals" must be an integer 0..255`);

  const { createKeyPairSignerFromBytes } = await import("@solana/kit");
  let signer;
  try {
    signer = await createKeyPairSignerFromBytes(secretKeyBytes(typeof input.secretKey === "string" ? input.secretKey : JSON.stringify(input.secretKey)));
  } catch (e) {
    fail(2, `bad "secretKey": ${e.message}`);
  }
  const lastValidBlockHeight = Number(input.lastValidBlockHeight ?? 0);
  const server = await inputRpc({ mint: input.mint, decimals, tokenProgram, blockhash: input.blockhash, lastValidBlockHeight });
  const rpcUrl = `http://127.0.0.1:${server.address().port}`;
  try {
    const extra = { feePayer: input.feePayer, recentBlockhash: input.blockhash };
    if (input.lastValidBlockHeight !== undefined) extra.lastValidBlockHeight = String(input.lastValidBlockHeight);
    if (input.memo !== undefined && input.memo !== null) extra.memo = input.memo;
    const common = { scheme: "exact", network, asset: input.mint, payTo: input.payTo, maxTimeoutSeconds: 60, extra };
    let payload;
    if (version === 1) {
      const { ExactSvmSchemeV1 } = await import("@x402/svm/exact/v1/client");
      const scheme = new ExactSvmSchemeV1(signer, { rpcUrl });
      ({ payload } = await scheme.createPaymentPayload(1, { ...common, maxAmountRequired: String(input.amount), resource: "http://127.0.0.1/", description: "", mimeType: "application/json" }));
    } else if (version === 2) {
      const { ExactSvmScheme } = await import("@x402/svm/exact/client");
      const scheme = new ExactSvmScheme(signer, { rpcUrl });
      ({ payload } = await scheme.createPaymentPayload(2, { ...common, amount: String(input.amount) }));
    } else {
      fail(2, `"x402Version" must be 1 or 2`);
    }
    return payload.transaction;
  } finally {
    server.close();
  }
}

main().catch((err) => fail(1, err.stack || err));
