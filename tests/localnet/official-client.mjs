#!/usr/bin/env node
// Pays an x402-protected URL with the OFFICIAL client packages, as a reference
// for the Rust client (correctness and latency):
//   --version 2: @x402/fetch + @x402/evm exact scheme (eip155:84532 and eip155:31337; EIP-3009 and
//                Permit2 with its gas-sponsoring extensions) and upto scheme (eip155:84532)
//   --version 1: legacy x402-fetch 1.x (network base-sepolia), loaded from tests/localnet/v1/
//
//   node tests/localnet/official-client.mjs --version 2|1 --key-env VAR URL
//        [--method POST] [--data JSON] [--content-type TYPE]
//        [--state-file PATH]          RPC URLs for the schemes (also env X402_LOCALNET_STATE);
//                                     without it the clients get no RPC at all (EIP-3009 needs none)
//        [--prefer-network CAIP2]     v2: put options on this network first (e.g. eip155:31337)
//        [--max-usd AMOUNT]           v2 spend cap per payment for default assets (default "$10")
//        [--max-value UNITS]          v1 cap in base units (default 10000000 = 10 USDC; the package default is 0.10)
//
// The private key is read from the environment variable named by --key-env.
// Prints the response body on stdout (verbatim), the decoded payment response
// (PAYMENT-RESPONSE / X-PAYMENT-RESPONSE) as one JSON line on stderr, and exits 0
// on a 2xx answer, 1 otherwise, 2 on usage errors.
import "./guard.mjs";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs, TOKEN_ADDRESS } from "./lib/common.mjs";
import { TOKENS as PERMIT2_TOKENS } from "./permit2/constants.mjs";

/** Creates a paying fetch for the given protocol version. Returns {fetch, decode(res)}. */
export async function createOfficialClient({ version, privateKey, state, preferNetwork, maxUsd = "$10", maxValue = 10_000_000n }) {
  const rpcFor = (key) => state?.chains?.[key]?.rpcUrl;
  if (Number(version) === 1) {
    const { createV1Client } = await import("./v1/client.mjs");
    return createV1Client({ privateKey, rpcUrl: rpcFor("baseSepolia"), maxValue: BigInt(maxValue) });
  }
  if (Number(version) !== 2) throw new Error(`--version must be 1 or 2, got ${version}`);
  const [{ wrapFetchWithPayment, x402Client, decodePaymentResponseHeader }, { ExactEvmScheme }, { UptoEvmScheme }, { privateKeyToAccount }] = await Promise.all([
    import("@x402/fetch"),
    import("@x402/evm/exact/client"),
    import("@x402/evm/upto/client"),
    import("viem/accounts"),
  ]);
  const account = privateKeyToAccount(privateKey);
  // RPC per chain id, only ever the local anvils; no RPC configured => none used.
  const rpcOptions = {};
  if (rpcFor("baseSepolia")) rpcOptions[84532] = { rpcUrl: rpcFor("baseSepolia") };
  if (rpcFor("devchain")) rpcOptions[31337] = { rpcUrl: rpcFor("devchain") };
  const scheme = new ExactEvmScheme(account, Object.keys(rpcOptions).length ? rpcOptions : undefined);
  const devToken = state?.token?.address ?? TOKEN_ADDRESS;
  const client = x402Client.fromConfig({
    schemes: [
      { network: "eip155:84532", client: scheme },
      { network: "eip155:31337", client: scheme },
      // Permit2 `upto` (the exact scheme above also pays Permit2 and its gas-sponsoring extensions).
      { network: "eip155:84532", client: new UptoEvmScheme(account, Object.keys(rpcOptions).length ? rpcOptions : undefined) },
    ],
    // Base Sepolia USDC is a default asset (USD cap applies); the devchain token is not, so allow it explicitly.
    spendControls: {
      maxAmountPerPayment: maxUsd,
      allowedAssets: [
        { network: "eip155:31337", asset: devToken, maxAmountPerPayment: "10000000" },
        ...Object.values(PERMIT2_TOKENS).map((t) => ({ network: "eip155:84532", asset: t.address, maxAmountPerPayment: "10000000" })),
      ],
    },
    policies: preferNetwork
      ? [(_v, reqs) => [...reqs.filter((r) => r.network === preferNetwork), ...reqs.filter((r) => r.network !== preferNetwork)]]
      : [],
  });
  const payingFetch = wrapFetchWithPayment(globalThis.fetch, client);
  return {
    fetch: payingFetch,
    decode(res) {
      const h = res.headers.get("PAYMENT-RESPONSE") || res.headers.get("X-PAYMENT-RESPONSE");
      return h ? decodePaymentResponseHeader(h) : null;
    },
  };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const url = args._[0];
  if (!url || !args.version || !args.keyEnv) {
    process.stderr.write("usage: official-client.mjs --version 2|1 --key-env VAR URL [--method POST --data JSON] [--state-file PATH]\n");
    process.exit(2);
  }
  const privateKey = process.env[args.keyEnv];
  if (!privateKey) {
    process.stderr.write(`official-client: environment variable ${args.keyEnv} is not set\n`);
    process.exit(2);
  }
  const stateFile = args.stateFile || process.env.X402_LOCALNET_STATE;
  const state = stateFile ? JSON.parse(readFileSync(stateFile, "utf8")) : undefined;
  const client = await createOfficialClient({
    version: args.version,
    privateKey,
    state,
    preferNetwork: args.preferNetwork,
    maxUsd: args.maxUsd ?? "$10",
    maxValue: args.maxValue ?? 10_000_000n,
  });
  const method = (args.method || (args.data !== undefined ? "POST" : "GET")).toUpperCase();
  const init = { method };
  if (args.data !== undefined) {
    init.body = args.data;
    init.headers = { "content-type": args.contentType || "application/json" };
  }
  const res = await client.fetch(url, init);
  const body = Buffer.from(await res.arrayBuffer());
  process.stdout.write(body);
  let decoded = null;
  try {
    decoded = client.decode(res);
  } catch (e) {
    decoded = { error: `undecodable payment response header: ${e.message}` };
  }
  process.stderr.write(`${JSON.stringify(decoded)}\n`);
  if (res.status < 200 || res.status > 299) {
    process.stderr.write(`official-client: HTTP ${res.status}\n`);
    process.exitCode = 1;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err) => {
    process.stderr.write(`official-client: ${err.stack || err}\n`);
    process.exit(1);
  });
}
