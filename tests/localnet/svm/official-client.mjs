#!/usr/bin/env node
// Pays an x402-protected URL on Solana with the OFFICIAL client packages (@x402/fetch +
// @x402/svm exact client), as a reference for the Rust client:
//
//   node tests/localnet/svm/official-client.mjs --key-env VAR URL
//        [--method POST] [--data BODY] [--content-type TYPE]
//        [--state-file PATH]   the local Solana RPC URL (also env X402_LOCALNET_STATE), or
//        [--rpc-url URL]       explicitly; one of them is required (the mint is read over RPC)
//        [--max-usd AMOUNT]    spend cap per payment (default "$10"; the Token-2022 test mint: 10 T22)
//
// The secret key (base58 of 64 bytes, or the Solana CLI's JSON array) is read from the
// environment variable named by --key-env. Only Solana options are payable by this client.
// Prints the response body on stdout (verbatim), the decoded PAYMENT-RESPONSE as one JSON line
// on stderr, and exits 0 on a 2xx answer, 1 otherwise, 2 on usage errors.
import "../guard.mjs";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "../lib/common.mjs";
import { SOLANA_DEVNET, base58, mints } from "./genesis.mjs";

/** A secret key as 64 bytes: base58 text or a JSON array of numbers. */
export function secretKeyBytes(secret) {
  const text = String(secret).trim();
  const bytes = text.startsWith("[") ? Uint8Array.from(JSON.parse(text)) : base58.decode(text);
  if (bytes.length !== 64) throw new Error(`a Solana secret key has 64 bytes, got ${bytes.length}`);
  return bytes;
}

/** Creates a paying fetch with the official SVM exact client. Returns {fetch, decode(res), address}. */
export async function createSvmOfficialClient({ secretKey, rpcUrl, maxUsd = "$10" }) {
  if (!rpcUrl) throw new Error("the Solana client needs an RPC URL (the local one: state.solana.rpcUrl)");
  const [{ wrapFetchWithPayment, x402Client, decodePaymentResponseHeader }, { ExactSvmScheme }, { createKeyPairSignerFromBytes }] = await Promise.all([
    import("@x402/fetch"),
    import("@x402/svm/exact/client"),
    import("@solana/kit"),
  ]);
  const signer = await createKeyPairSignerFromBytes(secretKeyBytes(secretKey));
  const client = x402Client.fromConfig({
    schemes: [{ network: SOLANA_DEVNET, client: new ExactSvmScheme(signer, { rpcUrl }) }],
    // Devnet USDC is a default asset (USD cap applies); the Token-2022 test mint is not, so allow it explicitly.
    spendControls: { maxAmountPerPayment: maxUsd, allowedAssets: [{ network: SOLANA_DEVNET, asset: mints().t22.address, maxAmountPerPayment: "10000000" }] },
  });
  return {
    address: signer.address,
    fetch: wrapFetchWithPayment(globalThis.fetch, client),
    decode(res) {
      const h = res.headers.get("PAYMENT-RESPONSE") || res.headers.get("X-PAYMENT-RESPONSE");
      return h ? decodePaymentResponseHeader(h) : null;
    },
  };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const url = args._[0];
  if (!url || !args.keyEnv) {
    process.stderr.write("usage: svm/official-client.mjs --key-env VAR URL [--method POST --data BODY] [--state-file PATH | --rpc-url URL]\n");
    process.exit(2);
  }
  const secretKey = process.env[args.keyEnv];
  if (!secretKey) {
    process.stderr.write(`svm/official-client: environment variable ${args.keyEnv} is not set\n`);
    process.exit(2);
  }
  const stateFile = args.stateFile || process.env.X402_LOCALNET_STATE;
  const rpcUrl = args.rpcUrl || (stateFile ? JSON.parse(readFileSync(stateFile, "utf8")).solana?.rpcUrl : undefined);
  const client = await createSvmOfficialClient({ secretKey, rpcUrl, maxUsd: args.maxUsd ?? "$10" });
  const method = (args.method || (args.data !== undefined ? "POST" : "GET")).toUpperCase();
  const init = { method };
  if (args.data !== undefined) {
    init.body = args.data;
    init.headers = { "content-type": args.contentType || "application/json" };
  }
  const res = await client.fetch(url, init);
  process.stdout.write(Buffer.from(await res.arrayBuffer()));
  let decoded = null;
  try {
    decoded = client.decode(res);
  } catch (e) {
    decoded = { error: `undecodable payment response header: ${e.message}` };
  }
  process.stderr.write(`${JSON.stringify(decoded)}\n`);
  if (res.status < 200 || res.status > 299) {
    process.stderr.write(`svm/official-client: HTTP ${res.status}\n`);
    process.exitCode = 1;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err) => {
    process.stderr.write(`svm/official-client: ${err.stack || err}\n`);
    process.exit(1);
  });
}
