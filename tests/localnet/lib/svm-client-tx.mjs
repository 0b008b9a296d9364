// The transaction the official @x402/svm client builds for given inputs: the reference the
// Rust builder is compared with byte for byte (tests/solana.rs).
//
// stdin: one JSON object, or an array of them, each
//   {"seed": "<64 hex: the payer's ed25519 seed>", "mint", "tokenProgram", "decimals",
//    "payTo", "feePayer", "amount": "<base units>", "blockhash", "memo"}
// stdout: per object, one line with `payload.transaction` (base64) of
// `new ExactSvmScheme(signer, {rpcUrl}).createPaymentPayload(2, requirements)`.
//
// The client reads the mint over JSON-RPC (getAccountInfo); a responder on 127.0.0.1 serves
// it from the inputs. The blockhash travels as extra.recentBlockhash, so the client makes no
// other call. Nothing else of the official packages is replaced.
import http from "node:http";
import { ExactSvmScheme } from "@x402/svm/exact/client";
import { createKeyPairSignerFromPrivateKeyBytes, getAddressEncoder } from "@solana/kit";

const DEVNET = "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1";

function readStdin() {
  return new Promise((resolve, reject) => {
    let text = "";
    process.stdin.setEncoding("utf8");
    process.stdin.on("data", (c) => (text += c));
    process.stdin.on("end", () => resolve(text));
    process.stdin.on("error", reject);
  });
}

/** An initialised SPL mint (82 bytes): no authorities, supply 0, `decimals`. */
function mintData(decimals) {
  const data = new Uint8Array(82);
  data[44] = decimals;
  data[45] = 1;
  return Buffer.from(data).toString("base64");
}

const input = JSON.parse(await readStdin());
const cases = Array.isArray(input) ? input : [input];
const mints = new Map(cases.map((c) => [c.mint, c]));

const server = http.createServer((req, res) => {
  let body = "";
  req.on("data", (c) => (body += c));
  req.on("end", () => {
    const call = JSON.parse(body);
    const reply = { jsonrpc: "2.0", id: call.id };
    const mint = call.method === "getAccountInfo" ? mints.get(call.params[0]) : undefined;
    if (mint) {
      reply.result = {
        context: { slot: 1 },
        value: {
          data: [mintData(mint.decimals), "base64"],
          executable: false,
          lamports: 1461600,
          owner: mint.tokenProgram,
          rentEpoch: 0,
          space: 82,
        },
      };
    } else {
      reply.error = { code: -32601, message: `not served: ${call.method}` };
    }
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify(reply));
  });
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const rpcUrl = `http://127.0.0.1:${server.address().port}`;

try {
  for (const c of cases) {
    const signer = await createKeyPairSignerFromPrivateKeyBytes(Buffer.from(c.seed, "hex"));
    getAddressEncoder().encode(c.payTo); // a bad address fails here, not inside the client
    const client = new ExactSvmScheme(signer, { rpcUrl });
    const extra = { feePayer: c.feePayer, recentBlockhash: c.blockhash };
    if (c.memo !== undefined) extra.memo = c.memo;
    const { payload } = await client.createPaymentPayload(2, {
      scheme: "exact",
      network: DEVNET,
      amount: String(c.amount),
      asset: c.mint,
      payTo: c.payTo,
      maxTimeoutSeconds: 60,
      extra,
    });
    process.stdout.write(`${payload.transaction}\n`);
  }
} finally {
  server.close();
}
