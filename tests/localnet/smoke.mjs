#!/usr/bin/env node
// Smoke test of the local x402 network.
//
//   node tests/localnet/smoke.mjs
//
// Starts the network, checks the network guard, free and unpaid routes, pays every
// priced route with the official clients (v2 @x402/fetch, v1 x402-fetch) and checks
// that the payee's on-chain balance of the paid asset rises by exactly the price (Solana
// first: @x402/fetch + @x402/svm on every /sol/* route, see svm/smoke.mjs),
// then stops the network (also on failure) and checks no process is left.
// Prints one line per check and ends with "N passed, M failed".
import "./guard.mjs";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { GUARD, LOCALNET_DIR, cmdlineOf, isAlive, rpc, sleep } from "./lib/common.mjs";
import { solanaSmoke } from "./svm/smoke.mjs";
import { permit2Checks } from "./permit2/smoke.mjs";

const started = Date.now();
let passed = 0;
let failed = 0;
async function check(name, fn) {
  const t = Date.now();
  try {
    await fn();
    passed++;
    console.log(`ok - ${name} (${Date.now() - t} ms)`);
  } catch (err) {
    failed++;
    console.log(`FAIL - ${name}: ${(err && err.message) || err}`.split("\n").slice(0, 8).join("\n"));
  }
}

const tmp = mkdtempSync(join(tmpdir(), "x402-localnet-smoke-"));
const stateFile = join(tmp, "state.json");

// ---------------------------------------------------------------- start
function startNetwork() {
  // stdin is a pipe: if this test dies, the supervisor sees EOF and stops everything.
  const sup = spawn(process.execPath, [join(LOCALNET_DIR, "start.mjs"), "--state-file", stateFile], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const rl = createInterface({ input: sup.stdout });
  const state = new Promise((resolve, reject) => {
    rl.once("line", (line) => resolve(JSON.parse(line)));
    sup.once("exit", (code) => reject(new Error(`start.mjs exited with code ${code} before reporting state`)));
  });
  return { sup, state };
}

// ---------------------------------------------------------------- helpers
const pad = (hex) => hex.toLowerCase().replace(/^0x/, "").padStart(64, "0");
async function balanceOf(rpcUrl, token, who) {
  const out = await rpc(rpcUrl, "eth_call", [{ to: token, data: `0x70a08231${pad(who)}` }, "latest"]);
  return BigInt(out);
}

function officialClient(state, version, url, { keyEnvValue, method, data, preferNetwork } = {}) {
  const argv = [join(LOCALNET_DIR, "official-client.mjs"), "--version", String(version), "--key-env", "SMOKE_PAYER_KEY", "--state-file", stateFile];
  if (method) argv.push("--method", method);
  if (data !== undefined) argv.push("--data", data);
  if (preferNetwork) argv.push("--prefer-network", preferNetwork);
  argv.push(url);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, argv, {
      env: { ...process.env, SMOKE_PAYER_KEY: keyEnvValue ?? state.accounts.payer.privateKey },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

async function paid(state, { version, base, route, asset, chain, amount, data, preferNetwork, expectBody }) {
  const rpcUrl = state.chains[chain].rpcUrl;
  const payee = state.accounts.payee.address;
  const before = await balanceOf(rpcUrl, asset, payee);
  const r = await officialClient(state, version, `${base}${route.path}`, { method: route.method, data, preferNetwork });
  assert.equal(r.code, 0, `official client exit ${r.code}: ${r.stderr.trim().slice(-600)}`);
  const receipt = JSON.parse(r.stderr.trim().split("\n")[0]);
  assert.equal(receipt?.success, true, `payment response: ${r.stderr.trim()}`);
  if (expectBody !== undefined) assert.equal(r.stdout, expectBody);
  const after = await balanceOf(rpcUrl, asset, payee);
  assert.equal(after - before, BigInt(amount), `payee balance of ${asset} on ${chain} rose by ${after - before}, expected ${amount}`);
  return receipt;
}

// ---------------------------------------------------------------- guard probe
function guardProbe() {
  // A guarded child tries to reach 10.255.255.1:80 via net.connect and fetch. If
  // available it runs in an empty network namespace as well, so even a broken guard
  // could not send a packet; the assertion below still requires the guard's own error.
  const probe = `
    const net = await import("node:net");
    const out = {};
    const t = performance.now();
    try { net.connect({ host: "10.255.255.1", port: 80 }); out.connect = "NOT BLOCKED"; } catch (e) { out.connect = e.code; }
    try { await fetch("http://10.255.255.1:80/"); out.fetch = "NOT BLOCKED"; } catch (e) { out.fetch = e.code || (e.cause && e.cause.code); }
    try { (await import("node:dns")).lookup("example.com", () => {}); out.dns = "NOT BLOCKED"; } catch (e) { out.dns = e.code; }
    out.ms = performance.now() - t;
    console.log(JSON.stringify(out));`;
  const nodeArgs = ["--import", GUARD, "--input-type=module", "-e", probe];
  const canUnshare = spawnSync("unshare", ["-n", "true"]).status === 0;
  const r = canUnshare ? spawnSync("unshare", ["-n", process.execPath, ...nodeArgs], { encoding: "utf8" }) : spawnSync(process.execPath, nodeArgs, { encoding: "utf8" });
  return { ...r, canUnshare };
}

// ---------------------------------------------------------------- token contract
async function tokenChecks(state) {
  const viem = await import("viem");
  const { privateKeyToAccount } = await import("viem/accounts");
  const { readFileSync } = await import("node:fs");
  const { abi } = JSON.parse(readFileSync(join(LOCALNET_DIR, "contracts", "TestUSDC.json"), "utf8"));
  const url = state.chains.devchain.rpcUrl;
  const token = state.token.address;
  const signer = privateKeyToAccount(state.accounts.payer2.privateKey);
  const poor = privateKeyToAccount(state.accounts.poorPayer.privateKey);
  const stranger = privateKeyToAccount("0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356"); // anvil #7
  const recipient = stranger.address;
  const relayer = "0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f"; // anvil #8 (unlocked in anvil)
  const domain = { name: "USDC", version: "2", chainId: 31337, verifyingContract: token };
  const authFields = [
    { name: "from", type: "address" }, { name: "to", type: "address" }, { name: "value", type: "uint256" },
    { name: "validAfter", type: "uint256" }, { name: "validBefore", type: "uint256" }, { name: "nonce", type: "bytes32" },
  ];
  const now = BigInt(Number((await rpc(url, "eth_getBlockByNumber", ["latest", false])).timestamp));
  const nonce = () => viem.toHex(crypto.getRandomValues(new Uint8Array(32)));
  const sign = (account, primaryType, message) =>
    account.signTypedData({ domain, types: { [primaryType]: primaryType === "CancelAuthorization" ? [{ name: "authorizer", type: "address" }, { name: "nonce", type: "bytes32" }] : authFields }, primaryType, message });
  const auth = (over = {}) => ({ from: signer.address, to: recipient, value: 1n, validAfter: 0n, validBefore: now + 3600n, nonce: nonce(), ...over });
  const args = (m) => [m.from, m.to, m.value, m.validAfter, m.validBefore, m.nonce];
  const vrs = (sig) => {
    const p = viem.parseSignature(sig);
    return [Number(p.v), p.r, p.s];
  };
  const data = (functionName, a) => viem.encodeFunctionData({ abi, functionName, args: a });
  const send = async (from, functionName, a) => {
    const hash = await rpc(url, "eth_sendTransaction", [{ from, to: token, data: data(functionName, a), gas: "0x30000" }]);
    // anvil's automine answers eth_sendTransaction before the block is sealed now and then:
    // poll for the receipt instead of assuming it exists.
    let r = null;
    for (let i = 0; i < 100 && r === null; i++) {
      r = await rpc(url, "eth_getTransactionReceipt", [hash]);
      if (r === null) await new Promise((done) => setTimeout(done, 20));
    }
    assert.ok(r, `${functionName}: no receipt for ${hash} after 2 s`);
    assert.equal(r.status, "0x1", `${functionName} failed`);
    return r;
  };
  const reverts = async (from, functionName, a, reason) => {
    await assert.rejects(rpc(url, "eth_call", [{ from, to: token, data: data(functionName, a) }, "latest"]), (e) => {
      assert.ok(e.message.includes(reason), `${functionName}: expected revert "${reason}", got ${e.message}`);
      return true;
    });
  };
  const topic = (sig) => viem.keccak256(viem.toHex(sig));
  const hasLog = (r, sig) => r.logs.some((l) => l.topics[0] === topic(sig));
  const read = async (functionName, a = []) =>
    viem.decodeFunctionResult({ abi, functionName, data: await rpc(url, "eth_call", [{ to: token, data: data(functionName, a) }, "latest"]) });

  assert.equal(await read("name"), "USDC");
  assert.equal(await read("version"), "2");
  assert.equal(await read("symbol"), "USDC");
  assert.equal(await read("decimals"), 6);

  // transferWithAuthorization, bytes-signature form, relayed by a third party
  const m1 = auth();
  const s1 = await sign(signer, "TransferWithAuthorization", m1);
  const before = await balanceOf(url, token, recipient);
  const r1 = await send(relayer, "transferWithAuthorization", [...args(m1), s1]);
  assert.equal((await balanceOf(url, token, recipient)) - before, 1n);
  assert.ok(hasLog(r1, "AuthorizationUsed(address,bytes32)") && hasLog(r1, "Transfer(address,address,uint256)"), "events");
  assert.equal(await read("authorizationState", [signer.address, m1.nonce]), true);
  // replay, (v,r,s) form
  await reverts(relayer, "transferWithAuthorization", [...args(m1), ...vrs(s1)], "FiatTokenV2: authorization is used or canceled");
  // time window
  const m2 = auth({ validBefore: now - 1n });
  await reverts(relayer, "transferWithAuthorization", [...args(m2), await sign(signer, "TransferWithAuthorization", m2)], "FiatTokenV2: authorization is expired");
  const m3 = auth({ validAfter: now + 3600n, validBefore: now + 7200n });
  await reverts(relayer, "transferWithAuthorization", [...args(m3), await sign(signer, "TransferWithAuthorization", m3)], "FiatTokenV2: authorization is not yet valid");
  // wrong signer
  const m4 = auth();
  await reverts(relayer, "transferWithAuthorization", [...args(m4), await sign(poor, "TransferWithAuthorization", m4)], "FiatTokenV2: invalid signature");
  // insufficient balance
  const m5 = auth({ from: poor.address });
  await reverts(relayer, "transferWithAuthorization", [...args(m5), await sign(poor, "TransferWithAuthorization", m5)], "ERC20: transfer amount exceeds balance");
  // receiveWithAuthorization: only the payee may submit
  const m6 = auth();
  const s6 = await sign(signer, "ReceiveWithAuthorization", m6);
  await reverts(relayer, "receiveWithAuthorization", [...args(m6), s6], "FiatTokenV2: caller must be the payee");
  await reverts(recipient, "receiveWithAuthorization", [...args(m6), await sign(signer, "TransferWithAuthorization", m6)], "FiatTokenV2: invalid signature");
  await send(recipient, "receiveWithAuthorization", [...args(m6), ...vrs(s6)]);
  // cancelAuthorization, then the authorization is dead
  const m7 = auth();
  const c7 = await sign(signer, "CancelAuthorization", { authorizer: signer.address, nonce: m7.nonce });
  const r7 = await send(relayer, "cancelAuthorization", [signer.address, m7.nonce, ...vrs(c7)]);
  assert.ok(hasLog(r7, "AuthorizationCanceled(address,bytes32)"), "AuthorizationCanceled event");
  await reverts(relayer, "transferWithAuthorization", [...args(m7), await sign(signer, "TransferWithAuthorization", m7)], "FiatTokenV2: authorization is used or canceled");
  await reverts(relayer, "cancelAuthorization", [signer.address, m7.nonce, c7], "FiatTokenV2: authorization is used or canceled");
  // plain ERC-20
  await reverts(poor.address, "transfer", [recipient, 1n], "ERC20: transfer amount exceeds balance");
  await reverts(relayer, "transferFrom", [signer.address, recipient, 1n], "ERC20: transfer amount exceeds allowance");
}

// ---------------------------------------------------------------- main
const { sup, state: stateP } = startNetwork();
let state;
try {
  state = await stateP;
  console.log(`network up in ${state.bringUpMs} ms (v2 ${state.v2.serverUrl}, v1 ${state.v1.serverUrl}, logs ${state.logDir})`);
} catch (err) {
  console.log(`FAIL - start network: ${err.message}`);
  console.log("0 passed, 1 failed");
  process.exit(1);
}

try {
  const v2 = state.v2.serverUrl;
  const v1 = state.v1.serverUrl;
  const R = state.routes;
  const RV1 = state.v1.routes;
  const usdc = state.token.baseSepoliaUsdc;

  await check("guard blocks non-loopback connections (10.255.255.1:80, DNS)", async () => {
    const r = guardProbe();
    const out = JSON.parse(r.stdout.trim().split("\n").pop());
    assert.equal(out.connect, "ERR_LOCALNET_GUARD", `net.connect: ${out.connect}`);
    assert.equal(out.fetch, "ERR_LOCALNET_GUARD", `fetch: ${out.fetch}`);
    assert.equal(out.dns, "ERR_LOCALNET_GUARD", `dns.lookup: ${out.dns}`);
    assert.ok(out.ms < 1000, `blocking took ${out.ms} ms`);
    assert.match(r.stderr, /\[x402-localnet guard\].*BLOCKED TCP connection to 10\.255\.255\.1:80/);
  });

  await check("state JSON shape and checksummed addresses", async () => {
    assert.equal(state.chains.baseSepolia.chainId, 84532);
    assert.equal(state.chains.devchain.chainId, 31337);
    assert.equal(state.token.baseSepoliaUsdc, "0x036CbD53842c5426634e7929541eC2318f3dCF7e");
    assert.equal(state.multicall3, "0xcA11bde05977b3631167028862bE2a173976CA11");
    assert.deepEqual(Object.keys(state.routes).sort(), ["cheap", "echo", "expensive", "free", "multi"]);
    for (const role of ["payer", "payee", "poorPayer", "facilitatorV2", "facilitatorV1"]) {
      assert.match(state.accounts[role].address, /^0x[0-9a-fA-F]{40}$/);
      assert.notEqual(state.accounts[role].address, "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
    }
    assert.equal(new Set(["payer", "payee", "poorPayer", "facilitatorV2", "facilitatorV1"].map((r) => state.accounts[r].address)).size, 5);
    const { getAddress } = await import("viem");
    for (const a of [state.token.address, ...Object.values(state.accounts).map((x) => x.address)]) assert.equal(getAddress(a), a);
    for (const p of state.pids) assert.ok(isAlive(p), `pid ${p} not alive`);
  });

  await solanaSmoke(state, check, { stateFile });

  await check("chain ids and token metadata on both chains", async () => {
    for (const [key, id] of [["baseSepolia", 84532], ["devchain", 31337]]) {
      const url = state.chains[key].rpcUrl;
      assert.equal(Number(await rpc(url, "eth_chainId")), id);
      const mc = await rpc(url, "eth_getCode", [state.multicall3, "latest"]);
      assert.ok(mc.length > 100, "Multicall3 code");
      for (const token of state.chains[key].tokens) {
        const dec = await rpc(url, "eth_call", [{ to: token, data: "0x313ce567" }, "latest"]);
        assert.equal(BigInt(dec), 6n);
        assert.equal(await balanceOf(url, token, state.accounts.poorPayer.address), 0n);
        assert.ok((await balanceOf(url, token, state.accounts.payer.address)) > 0n);
      }
    }
  });

  await check("facilitators list their networks on /supported", async () => {
    const s2 = await (await fetch(`${state.v2.facilitatorUrl}/supported`)).json();
    const nets = s2.kinds.map((k) => `${k.x402Version}:${k.scheme}:${k.network}`);
    assert.ok(nets.includes("2:exact:eip155:84532") && nets.includes("2:exact:eip155:31337"), nets.join(","));
    const s1 = await (await fetch(`${state.v1.facilitatorUrl}/supported`)).json();
    assert.deepEqual(s1.kinds, [{ x402Version: 1, scheme: "exact", network: "base-sepolia" }]);
  });

  await check("free routes answer 200 without payment (v2, v1)", async () => {
    for (const url of [`${v2}${R.free.path}`, `${v1}${RV1.free.path}`]) {
      const res = await fetch(url);
      assert.equal(res.status, 200, url);
      assert.equal((await res.json()).ok, true);
    }
  });

  await check("unpaid v2 priced routes answer 402 with PAYMENT-REQUIRED", async () => {
    for (const name of ["cheap", "expensive", "echo", "multi"]) {
      const route = R[name];
      const res = await fetch(`${v2}${route.path}`, { method: route.method, ...(route.method === "POST" && { body: "{}", headers: { "content-type": "application/json" } }) });
      assert.equal(res.status, 402, name);
      const header = res.headers.get("payment-required");
      assert.ok(header, `${name}: no PAYMENT-REQUIRED header`);
      const pr = JSON.parse(Buffer.from(header, "base64").toString("utf8"));
      assert.equal(pr.x402Version, 2);
      assert.equal(pr.accepts[0].amount, route.amount, name);
      assert.equal(pr.accepts[0].network, "eip155:84532");
      assert.equal(pr.accepts[0].asset, usdc);
      assert.equal(pr.accepts[0].payTo, state.accounts.payee.address);
      assert.deepEqual(pr.accepts[0].extra, { name: "USDC", version: "2" });
      if (name === "multi") {
        assert.equal(pr.accepts.length, 2);
        assert.deepEqual(
          { network: pr.accepts[1].network, asset: pr.accepts[1].asset, amount: pr.accepts[1].amount },
          { network: "eip155:31337", asset: state.token.address, amount: "2000" },
        );
      }
    }
  });

  await check("unpaid v1 priced routes answer 402 with an x402Version 1 body", async () => {
    for (const name of ["cheap", "expensive", "echo"]) {
      const route = RV1[name];
      const res = await fetch(`${v1}${route.path}`, { method: route.method });
      assert.equal(res.status, 402, name);
      const body = await res.json();
      assert.equal(body.x402Version, 1);
      assert.equal(body.accepts[0].maxAmountRequired, route.amount);
      assert.equal(body.accepts[0].network, "base-sepolia");
      assert.equal(body.accepts[0].asset, usdc);
    }
  });

  const echoBody = '{"hello":"x402","n":[1,2.50,-3e2],"nested":{"ok":true}, "spaced" : "kept"}';
  const cases = [
    ["v2 /cheap", { version: 2, base: v2, route: R.cheap, asset: usdc, chain: "baseSepolia", amount: "1000", expectBody: '{"route":"cheap","x402Version":2,"ok":true}' }],
    ["v2 /expensive", { version: 2, base: v2, route: R.expensive, asset: usdc, chain: "baseSepolia", amount: "2500000" }],
    ["v2 POST /echo", { version: 2, base: v2, route: R.echo, asset: usdc, chain: "baseSepolia", amount: "1000", data: echoBody, expectBody: echoBody }],
    ["v2 /multi (first option, base-sepolia)", { version: 2, base: v2, route: R.multi, asset: usdc, chain: "baseSepolia", amount: "1000" }],
    ["v2 /multi (devchain option)", { version: 2, base: v2, route: R.multi, asset: state.token.address, chain: "devchain", amount: "2000", preferNetwork: "eip155:31337" }],
    ["v1 /cheap", { version: 1, base: v1, route: RV1.cheap, asset: usdc, chain: "baseSepolia", amount: "1000", expectBody: '{"route":"cheap","x402Version":1,"ok":true}' }],
    ["v1 /expensive", { version: 1, base: v1, route: RV1.expensive, asset: usdc, chain: "baseSepolia", amount: "2500000" }],
    ["v1 POST /echo", { version: 1, base: v1, route: RV1.echo, asset: usdc, chain: "baseSepolia", amount: "1000", data: echoBody, expectBody: echoBody }],
  ];
  for (const [name, c] of cases) {
    await check(`official client pays ${name}: payee +${c.amount} on ${c.chain}`, async () => {
      const receipt = await paid(state, c);
      const expectedNetwork = c.version === 1 ? "base-sepolia" : c.chain === "devchain" ? "eip155:31337" : "eip155:84532";
      assert.equal(receipt.network, expectedNetwork);
      assert.equal(receipt.payer, state.accounts.payer.address);
    });
  }

  await check("payer without USDC is refused (v2 /cheap), payee unchanged", async () => {
    const url = state.chains.baseSepolia.rpcUrl;
    const before = await balanceOf(url, usdc, state.accounts.payee.address);
    const r = await officialClient(state, 2, `${v2}${R.cheap.path}`, { keyEnvValue: state.accounts.poorPayer.privateKey });
    assert.notEqual(r.code, 0, "poor payer got a 2xx");
    assert.match(r.stderr, /HTTP 402/);
    assert.equal(await balanceOf(url, usdc, state.accounts.payee.address), before);
  });

  await check("facilitators explain the refusal (v2 via Multicall3: insufficient balance; v1: insufficient_funds)", async () => {
    const { createOfficialClient } = await import("./official-client.mjs");
    const c2 = await createOfficialClient({ version: 2, privateKey: state.accounts.poorPayer.privateKey, state });
    const res2 = await c2.fetch(`${v2}${R.cheap.path}`);
    assert.equal(res2.status, 402);
    const pr = JSON.parse(Buffer.from(res2.headers.get("payment-required"), "base64").toString("utf8"));
    assert.equal(pr.error, "invalid_exact_evm_insufficient_balance");
    const c1 = await createOfficialClient({ version: 1, privateKey: state.accounts.poorPayer.privateKey, state });
    const res1 = await c1.fetch(`${v1}${RV1.cheap.path}`);
    assert.equal(res1.status, 402);
    assert.equal((await res1.json()).error, "insufficient_funds");
  });

  await check("token contract: EIP-3009 semantics, events and FiatToken revert strings", async () => {
    await tokenChecks(state);
  });

  await permit2Checks({ state, check, officialClient, balanceOf }); // Permit2 exact, extensions, upto, 412
} finally {
  // ---------------------------------------------------------------- stop
  await check("stop.mjs ends every listed process", async () => {
    const r = spawnSync(process.execPath, [join(LOCALNET_DIR, "stop.mjs"), "--state-file", stateFile], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    await new Promise((res) => (sup.exitCode !== null || sup.signalCode !== null ? res() : sup.once("exit", res)));
    for (let i = 0; i < 40 && state.pids.some((p) => isAlive(p)); i++) await sleep(50);
    const left = state.pids.filter((p) => isAlive(p));
    assert.deepEqual(left, [], `still running: ${left.map((p) => `${p} ${cmdlineOf(p)?.join(" ")}`).join("; ")}`);
    const ps = spawnSync("ps", ["-eo", "pid,args"], { encoding: "utf8" }).stdout || "";
    const stray = ps.split("\n").filter((l) => l.includes(state.logDir) || (l.includes("anvil") && state.pids.some((p) => l.trim().startsWith(`${p} `))));
    assert.deepEqual(stray, [], `stray processes: ${stray.join("; ")}`);
  });
  if (sup.exitCode === null && sup.signalCode === null) sup.kill("SIGTERM");
  rmSync(tmp, { recursive: true, force: true });
}

console.log(`smoke test took ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
