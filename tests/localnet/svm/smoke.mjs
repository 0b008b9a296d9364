// Solana checks of the smoke test (../smoke.mjs calls solanaSmoke): the genesis as seen through
// the JSON-RPC service, the official @x402/fetch + @x402/svm client paying every Solana route
// (payee's token account +price, payer's −price, the settlement transaction on chain), refusals,
// and the chain behaviours the facilitator and the x402 CLI rely on.
//
// Against a running network:  node tests/localnet/svm/smoke.mjs --state-file PATH
import "../guard.mjs";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { LOCALNET_DIR, parseArgs, rpc } from "../lib/common.mjs";
import { base58 } from "./genesis.mjs";

const SVM_DIR = join(LOCALNET_DIR, "svm");

function run(script, argv, { env = {}, input } = {}) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, ...argv], { env: { ...process.env, ...env }, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? "");
  });
}

/** Runs the Solana checks with the smoke test's `check(name, fn)`. */
export async function solanaSmoke(state, check, { stateFile } = {}) {
  const sol = state.solana;
  const url = sol.rpcUrl;
  const A = sol.accounts;
  const R = sol.routes;
  const v2 = state.v2.serverUrl;
  const tokenBalance = async (ata) => BigInt((await rpc(url, "getTokenAccountBalance", [ata, { commitment: "confirmed" }])).value.amount);
  const officialTx = async (fields) => {
    const r = await run(join(SVM_DIR, "official-tx.mjs"), [], { input: JSON.stringify(fields) });
    assert.equal(r.code, 0, `official-tx: ${r.stderr}`);
    return r.stdout.trim();
  };
  // A payment the payer signs alone (it is its own fee payer), built by the official client.
  const selfPaid = async (role, amount, memo, mint = sol.mint) =>
    officialTx({
      secretKey: A[role].secretKey, payTo: A.payee.address, mint: mint.address, amount: String(amount), decimals: mint.decimals,
      feePayer: A[role].address, blockhash: (await rpc(url, "getLatestBlockhash", [{ commitment: "confirmed" }])).value.blockhash, memo, tokenProgram: mint.tokenProgram,
    });

  await check("Solana: genesis through the RPC (devnet USDC mint, 6 decimals; funded payers; payee ATAs; fee payer SOL)", async () => {
    const mint = await rpc(url, "getAccountInfo", [sol.mint.address, { encoding: "jsonParsed", commitment: "confirmed" }]);
    assert.equal(mint.value.owner, "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA");
    assert.equal(mint.value.data.parsed.info.decimals, 6);
    const t22 = await rpc(url, "getAccountInfo", [sol.token2022Mint.address, { encoding: "jsonParsed" }]);
    assert.equal(t22.value.owner, "TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb");
    assert.equal(t22.value.data.program, "spl-token-2022");
    assert.ok((await tokenBalance(A.payer.token2022Ata)) > 0n, "payer has T22");
    assert.equal(sol.mint.address, "4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU");
    assert.equal(sol.caip2, "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1");
    // Deterministic keys (README's genesis table): the same addresses on every run.
    assert.equal(A.payer.address, "H39D1DJomVsw4niTsbxxjqpGk5PoLuP5uWvs3nkKuL3q");
    assert.equal(A.payee.ata, "8hvw551cAMErzm19usoBT6g7ekkkSY9iMGR9DNBRn8Sm");
    assert.equal(sol.feePayer, "AbYBCf5JjggpPzRpBjt5UTYJoY7Y5x5vKE5pBSgzBcCB");
    assert.ok((await tokenBalance(A.payer.ata)) > 0n, "payer has USDC");
    assert.equal(await tokenBalance(A.poorPayer.ata), 0n);
    assert.ok((await rpc(url, "getBalance", [A.facilitator.address])).value >= 10n ** 9n, "fee payer has SOL");
    assert.equal(sol.feePayer, A.facilitator.address);
    assert.equal((await rpc(url, "getAccountInfo", [A.payeeNoAta.ata, { encoding: "base64" }])).value, null, "payeeNoAta has no ATA");
    const bh = await rpc(url, "getLatestBlockhash", [{ commitment: "confirmed" }]);
    assert.equal(BigInt(bh.value.lastValidBlockHeight) - BigInt(await rpc(url, "getBlockHeight", [])), 150n);
  });

  await check("Solana: v2 facilitator lists solana devnet with a feePayer", async () => {
    const s = await (await fetch(`${state.v2.facilitatorUrl}/supported`)).json();
    const kind = s.kinds.find((k) => k.x402Version === 2 && k.network === sol.caip2);
    assert.ok(kind, JSON.stringify(s.kinds));
    assert.equal(kind.extra.feePayer, sol.feePayer);
  });

  await check("Solana: unpaid /sol/* routes answer 402 with SVM requirements (feePayer, recentBlockhash)", async () => {
    const bh = (await rpc(url, "getLatestBlockhash", [])).value;
    for (const [name, route] of Object.entries(R)) {
      const res = await fetch(`${v2}${route.path}`, { method: route.method, ...(route.method === "POST" && { body: "{}", headers: { "content-type": "application/json" } }) });
      assert.equal(res.status, 402, name);
      const pr = JSON.parse(Buffer.from(res.headers.get("payment-required"), "base64").toString("utf8"));
      const svm = pr.accepts.filter((a) => a.network === sol.caip2);
      assert.equal(svm.length, 1, `${name}: one Solana option`);
      const expected = route.options ? route.options.find((o) => o.network === sol.caip2) : route;
      assert.deepEqual({ amount: svm[0].amount, asset: svm[0].asset, payTo: svm[0].payTo }, { amount: expected.amount, asset: expected.asset, payTo: expected.payTo });
      assert.equal(svm[0].extra.feePayer, sol.feePayer);
      assert.equal(svm[0].extra.recentBlockhash, bh.blockhash);
      assert.equal(svm[0].extra.lastValidBlockHeight, String(bh.lastValidBlockHeight));
      if (name === "mixed") assert.deepEqual(pr.accepts.map((a) => a.network), ["eip155:84532", sol.caip2]);
    }
  });

  const echoBody = '{"hello":"solana","n":[1,2.50,-3e2], "spaced" : "kept"}';
  const paid = [
    ["cheap", R.cheap, R.cheap.amount, "ata", '{"route":"cheap","network":"solana","x402Version":2,"ok":true}'],
    ["expensive", R.expensive, R.expensive.amount, "ata"],
    ["POST echo", R.echo, R.echo.amount, "ata", echoBody],
    ["mixed (Solana option)", R.mixed, R.mixed.options.find((o) => o.network === sol.caip2).amount, "ata"],
    ["token2022 (Token-2022 mint)", R.token2022, R.token2022.amount, "token2022Ata"],
  ];
  for (const [name, route, amount, ataKey, expectBody] of paid) {
    await check(`Solana: official @x402/svm client pays ${name}: payee ATA +${amount}, payer ATA -${amount}`, async () => {
      const payeeBefore = await tokenBalance(A.payee[ataKey]);
      const payerBefore = await tokenBalance(A.payer[ataKey]);
      const argv = ["--key-env", "SMOKE_SOLANA_KEY", "--rpc-url", url];
      if (route.method === "POST") argv.push("--method", "POST", "--data", echoBody);
      argv.push(`${v2}${route.path}`);
      const r = await run(join(SVM_DIR, "official-client.mjs"), argv, { env: { SMOKE_SOLANA_KEY: A.payer.secretKey } });
      assert.equal(r.code, 0, `official client exit ${r.code}: ${r.stderr.trim().slice(-600)}`);
      if (expectBody !== undefined) assert.equal(r.stdout, expectBody);
      const receipt = JSON.parse(r.stderr.trim().split("\n")[0]);
      assert.equal(receipt.success, true, r.stderr);
      assert.equal(receipt.network, sol.caip2);
      assert.equal(receipt.payer, A.payer.address);
      assert.equal((await tokenBalance(A.payee[ataKey])) - payeeBefore, BigInt(amount));
      assert.equal(payerBefore - (await tokenBalance(A.payer[ataKey])), BigInt(amount));
      // The settlement's transaction is the signature of a successful transaction on chain.
      const st = (await rpc(url, "getSignatureStatuses", [[receipt.transaction]])).value[0];
      assert.equal(st.confirmationStatus, "finalized");
      assert.equal(st.err, null);
      const tx = await rpc(url, "getTransaction", [receipt.transaction, { encoding: "base64", maxSupportedTransactionVersion: 0 }]);
      assert.equal(tx.meta.err, null);
      const delta = (list, owner) => BigInt(list.find((b) => b.owner === owner)?.uiTokenAmount.amount ?? "0");
      assert.equal(delta(tx.meta.postTokenBalances, A.payee.address) - delta(tx.meta.preTokenBalances, A.payee.address), BigInt(amount));
      // As on a validator: the payer's transactions list it first, with its memo (the client's
      // random 16 bytes as 32 hex characters), and the payer's own signature is no index.
      const [newest] = await rpc(url, "getSignaturesForAddress", [A.payer.address, { limit: 1, commitment: "confirmed" }]);
      assert.equal(newest.signature, receipt.transaction);
      assert.match(newest.memo, /^\[32\] [0-9a-f]{32}$/);
      const payerSignature = base58.encode(Buffer.from(tx.transaction[0], "base64").subarray(65, 129));
      assert.deepEqual((await rpc(url, "getSignatureStatuses", [[payerSignature]])).value, [null]);
      assert.equal(await rpc(url, "getTransaction", [payerSignature, { encoding: "base64", maxSupportedTransactionVersion: 0 }]), null);
    });
  }

  await check("Solana: mixed route's EVM option still pays on base-sepolia (official @x402/evm client)", async () => {
    const evmUrl = state.chains.baseSepolia.rpcUrl;
    const usdc = state.token.baseSepoliaUsdc;
    const pad = (a) => a.toLowerCase().replace(/^0x/, "").padStart(64, "0");
    const bal = async () => BigInt(await rpc(evmUrl, "eth_call", [{ to: usdc, data: `0x70a08231${pad(state.accounts.payee.address)}` }, "latest"]));
    const before = await bal();
    const argv = ["--version", "2", "--key-env", "SMOKE_PAYER_KEY", ...(stateFile ? ["--state-file", stateFile] : []), `${v2}${R.mixed.path}`];
    const r = await run(join(LOCALNET_DIR, "official-client.mjs"), argv, { env: { SMOKE_PAYER_KEY: state.accounts.payer.privateKey } });
    assert.equal(r.code, 0, r.stderr.slice(-600));
    assert.equal(JSON.parse(r.stderr.trim().split("\n")[0]).network, "eip155:84532");
    assert.equal((await bal()) - before, BigInt(R.mixed.options[0].amount));
  });

  await check("Solana: refusals leave balances alone (payer without USDC; payee without a token account)", async () => {
    const payeeBefore = await tokenBalance(A.payee.ata);
    const r1 = await run(join(SVM_DIR, "official-client.mjs"), ["--key-env", "K", "--rpc-url", url, `${v2}${R.cheap.path}`], { env: { K: A.poorPayer.secretKey } });
    assert.notEqual(r1.code, 0);
    assert.match(r1.stderr, /HTTP 402/);
    assert.equal(await tokenBalance(A.payee.ata), payeeBefore);
    const payerBefore = await tokenBalance(A.payer.ata);
    const r2 = await run(join(SVM_DIR, "official-client.mjs"), ["--key-env", "K", "--rpc-url", url, `${v2}${R.noAta.path}`], { env: { K: A.payer.secretKey } });
    assert.notEqual(r2.code, 0);
    assert.match(r2.stderr, /HTTP 402/);
    assert.equal(await tokenBalance(A.payer.ata), payerBefore);
    assert.equal((await rpc(url, "getAccountInfo", [A.payeeNoAta.ata, {}])).value, null);
  });

  await check("Solana RPC: official-tx builds payable transactions (Token, Token-2022); a second send is AlreadyProcessed", async () => {
    const tx = await selfPaid("payer2", 7, "smoke official-tx");
    const sim = await rpc(url, "simulateTransaction", [tx, { sigVerify: true, replaceRecentBlockhash: false, commitment: "confirmed", encoding: "base64" }]);
    assert.equal(sim.value.err, null, JSON.stringify(sim.value));
    const before = await tokenBalance(A.payee.ata);
    const sig = await rpc(url, "sendTransaction", [tx, { encoding: "base64", skipPreflight: true, preflightCommitment: "confirmed" }]);
    assert.equal((await tokenBalance(A.payee.ata)) - before, 7n);
    assert.equal((await rpc(url, "getSignatureStatuses", [[sig]])).value[0].err, null);
    await assert.rejects(rpc(url, "sendTransaction", [tx, { encoding: "base64", skipPreflight: true }]), (e) => {
      assert.equal(e.rpcError?.data?.err, "AlreadyProcessed", e.message);
      return true;
    });
    assert.equal((await tokenBalance(A.payee.ata)) - before, 7n);
    const t22 = await selfPaid("payer2", 7, "smoke official-tx token-2022", sol.token2022Mint);
    const sim22 = await rpc(url, "simulateTransaction", [t22, { sigVerify: true, encoding: "base64" }]);
    assert.equal(sim22.value.err, null, JSON.stringify(sim22.value));
    assert.ok(sim22.value.logs.some((l) => l.startsWith("Program TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb invoke")), sim22.value.logs.join("\n"));
  });

  await check("Solana RPC: an execution failure under skipPreflight lands as a failed transaction (fee charged)", async () => {
    const tx = await selfPaid("poorPayer", 1, "smoke failed transfer");
    const sim = await rpc(url, "simulateTransaction", [tx, { sigVerify: false, encoding: "base64" }]);
    assert.deepEqual(sim.value.err, { InstructionError: [2, { Custom: 1 }] });
    await assert.rejects(rpc(url, "sendTransaction", [tx, { encoding: "base64" }]), (e) => e.rpcError?.code === -32002);
    const solBefore = BigInt((await rpc(url, "getBalance", [A.poorPayer.address])).value);
    const sig = await rpc(url, "sendTransaction", [tx, { encoding: "base64", skipPreflight: true }]);
    const st = (await rpc(url, "getSignatureStatuses", [[sig]])).value[0];
    assert.deepEqual(st.err, { InstructionError: [2, { Custom: 1 }] });
    const got = await rpc(url, "getTransaction", [sig, { encoding: "json", maxSupportedTransactionVersion: 0 }]);
    assert.deepEqual(got.meta.err, { InstructionError: [2, { Custom: 1 }] });
    assert.equal(solBefore - BigInt((await rpc(url, "getBalance", [A.poorPayer.address])).value), BigInt(got.meta.fee));
  });

  await check("Solana RPC: test methods (token balance, missing ATA) and a stale blockhash (JSON-RPC error BlockhashNotFound)", async () => {
    const role = "payer2";
    const keep = await tokenBalance(A[role].ata);
    await rpc(url, "localnet_setTokenBalance", [A[role].address, "5"]);
    assert.equal(await tokenBalance(A[role].ata), 5n);
    await rpc(url, "localnet_deleteAta", [A[role].address]);
    assert.equal((await rpc(url, "getAccountInfo", [A[role].ata, { encoding: "base64" }])).value, null);
    await rpc(url, "localnet_setTokenBalance", [A[role].address, keep.toString()]);
    assert.equal(await tokenBalance(A[role].ata), keep);
    const tx = await selfPaid(role, 3, "smoke stale blockhash");
    const old = (await rpc(url, "getLatestBlockhash", [])).value;
    const fresh = await rpc(url, "localnet_expireBlockhash", []);
    assert.notEqual(fresh.blockhash, old.blockhash);
    assert.ok(BigInt(await rpc(url, "getBlockHeight", [])) > old.lastValidBlockHeight);
    const sim = await rpc(url, "simulateTransaction", [tx, { encoding: "base64" }]);
    assert.equal(sim.value.err, "BlockhashNotFound");
    await assert.rejects(rpc(url, "sendTransaction", [tx, { encoding: "base64", skipPreflight: true }]), (e) => {
      assert.equal(e.rpcError?.data?.err, "BlockhashNotFound", e.message);
      return true;
    });
    assert.equal(await tokenBalance(A[role].ata), keep);
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = parseArgs(process.argv.slice(2));
  const stateFile = args.stateFile || process.env.X402_LOCALNET_STATE;
  const state = JSON.parse(readFileSync(stateFile, "utf8"));
  let failed = 0;
  let passed = 0;
  await solanaSmoke(state, async (name, fn) => {
    const t = Date.now();
    try {
      await fn();
      passed++;
      console.log(`ok - ${name} (${Date.now() - t} ms)`);
    } catch (err) {
      failed++;
      console.log(`FAIL - ${name}: ${(err && err.message) || err}`.split("\n").slice(0, 8).join("\n"));
    }
  }, { stateFile });
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}
