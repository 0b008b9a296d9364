// Permit2 checks of the smoke test (smoke.mjs calls permit2Checks inside its running network):
// the contracts at their addresses, the facilitator's /supported, the 402 requirements of the
// /permit2/* routes, each route paid first by the official @x402/fetch client with exact
// on-chain deltas (payer −, payee +), and the route without an extension answering 412
// permit2_allowance_required to a payer without allowance, with nothing moved.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { LOCALNET_DIR, rpc } from "../lib/common.mjs";
import { PERMIT2_RUNTIME_KECCAK } from "./constants.mjs";

const pad = (hex) => hex.toLowerCase().replace(/^0x/, "").padStart(64, "0");
const MAX_UINT256 = (1n << 256n) - 1n;

export async function permit2Checks({ state, check, officialClient, balanceOf }) {
  const viem = await import("viem");
  const { x402ExactPermit2ProxyABI, x402UptoPermit2ProxyABI } = await import("@x402/evm");
  const P = state.permit2;
  const R = P.routes;
  const rpcUrl = state.chains[P.chain].rpcUrl;
  const v2 = state.v2.serverUrl;
  const acct = (role) => state.accounts[role].address;
  const allowance = async (token, owner) => BigInt(await rpc(rpcUrl, "eth_call", [{ to: token, data: `0xdd62ed3e${pad(owner)}${pad(P.permit2)}` }, "latest"]));
  const eth = async (who) => BigInt(await rpc(rpcUrl, "eth_getBalance", [who, "latest"]));
  const artifact = (name) => JSON.parse(readFileSync(join(LOCALNET_DIR, "contracts", `${name}.json`), "utf8"));
  const requirements = async (route) => {
    const res = await fetch(`${v2}${route.path}`);
    const header = res.headers.get("payment-required");
    return { status: res.status, body: await res.text(), pr: header && JSON.parse(Buffer.from(header, "base64").toString("utf8")) };
  };

  await check("Permit2 and the x402 proxies are in place with the ABI the official facilitator calls", async () => {
    assert.equal(viem.keccak256(await rpc(rpcUrl, "eth_getCode", [P.permit2, "latest"])), PERMIT2_RUNTIME_KECCAK);
    for (const [name, address, official] of [["x402ExactPermit2Proxy", P.exactProxy, x402ExactPermit2ProxyABI], ["x402UptoPermit2Proxy", P.uptoProxy, x402UptoPermit2ProxyABI]]) {
      const a = artifact(name);
      assert.equal(await rpc(rpcUrl, "eth_getCode", [address, "latest"]), a.deployedBytecode, `${name} code at ${address}`);
      const ours = new Set(a.abi.filter((x) => x.type === "function").map((f) => viem.toFunctionSelector(f)));
      for (const f of official.filter((x) => x.type === "function")) {
        assert.ok(ours.has(viem.toFunctionSelector(f)), `${name} lacks ${viem.toFunctionSignature(f)}`);
      }
      const typeString = viem.decodeFunctionResult({ abi: a.abi, functionName: "WITNESS_TYPE_STRING", data: await rpc(rpcUrl, "eth_call", [{ to: address, data: viem.toFunctionSelector("WITNESS_TYPE_STRING()") }, "latest"]) });
      assert.match(typeString, /^Witness witness\)TokenPermissions\(address token,uint256 amount\)Witness\(address to,(address facilitator,)?uint256 validAfter\)$/);
    }
  });

  await check("Permit2 accounts start as documented (tokens, ETH, allowances)", async () => {
    for (const role of P.funded) {
      for (const t of Object.values(P.tokens)) assert.equal(await balanceOf(rpcUrl, t.address, acct(role)), BigInt(P.fundedAmount), `${role} ${t.symbol}`);
    }
    for (const role of ["gaslessPayer", "gaslessPayer2"]) assert.equal(await eth(acct(role)), 0n, `${role} ETH`);
    for (const role of ["permit2Payer", "permit2Unapproved"]) assert.ok((await eth(acct(role))) > 0n, `${role} ETH`);
    assert.equal(await allowance(P.tokens.plain.address, acct("permit2Payer")), MAX_UINT256);
    for (const [role, token] of [["permit2Payer", "permit"], ["permit2Unapproved", "plain"], ["permit2Unapproved", "permit"], ["gaslessPayer", "plain"], ["gaslessPayer", "permit"], ["gaslessPayer2", "plain"], ["gaslessPayer2", "permit"]]) {
      assert.equal(await allowance(P.tokens[token].address, acct(role)), 0n, `${role} ${token}`);
    }
  });

  await check("x402 proxies enforce witness.to, validAfter, amount ≤ permitted and the facilitator (eth_call)", async () => {
    const { privateKeyToAccount } = await import("viem/accounts");
    const { permit2WitnessTypes, uptoPermit2WitnessTypes } = await import("@x402/evm");
    const owner = privateKeyToAccount(state.accounts.permit2Payer.privateKey); // PlainUSD approved to Permit2
    const token = P.tokens.plain.address;
    const now = BigInt(Number((await rpc(rpcUrl, "eth_getBlockByNumber", ["latest", false])).timestamp));
    const domain = { name: "Permit2", chainId: state.chains[P.chain].chainId, verifyingContract: P.permit2 };
    const nonce = () => BigInt(viem.toHex(crypto.getRandomValues(new Uint8Array(32))));
    const selector = (sig) => viem.toFunctionSelector(sig).slice(2);
    const simulate = async (from, to, abi, args) => {
      try {
        await rpc(rpcUrl, "eth_call", [{ from, to, data: viem.encodeFunctionData({ abi, functionName: "settle", args }) }, "latest"]);
        return "ok";
      } catch (e) {
        return JSON.stringify(e.rpcError ?? e.message);
      }
    };
    const facilitator = acct("facilitatorV2");
    const stranger = acct("poorPayer");
    // upto: authorise 2000 to the payee, settle by the named facilitator only.
    const upto = async (over = {}) => {
      const m = { permitted: { token, amount: 2000n }, spender: P.uptoProxy, nonce: nonce(), deadline: now + 600n, witness: { to: acct("payee"), facilitator, validAfter: now - 600n, ...over } };
      const signature = await owner.signTypedData({ domain, types: uptoPermit2WitnessTypes, primaryType: "PermitWitnessTransferFrom", message: m });
      return { permit: { permitted: m.permitted, nonce: m.nonce, deadline: m.deadline }, witness: m.witness, signature };
    };
    const uAbi = x402UptoPermit2ProxyABI;
    const u = await upto();
    assert.equal(await simulate(facilitator, P.uptoProxy, uAbi, [u.permit, 1500n, owner.address, u.witness, u.signature]), "ok");
    assert.match(await simulate(stranger, P.uptoProxy, uAbi, [u.permit, 1500n, owner.address, u.witness, u.signature]), new RegExp(selector("UnauthorizedFacilitator()")));
    assert.match(await simulate(facilitator, P.uptoProxy, uAbi, [u.permit, 2001n, owner.address, u.witness, u.signature]), new RegExp(selector("AmountExceedsPermitted()")));
    assert.match(await simulate(facilitator, P.uptoProxy, uAbi, [u.permit, 1500n, owner.address, { ...u.witness, to: stranger }, u.signature]), new RegExp(selector("InvalidSigner()")));
    const early = await upto({ validAfter: now + 3600n });
    assert.match(await simulate(facilitator, P.uptoProxy, uAbi, [early.permit, 1500n, owner.address, early.witness, early.signature]), new RegExp(selector("PaymentTooEarly()")));
    // exact: anyone may submit, always the permitted amount to witness.to.
    const m = { permitted: { token, amount: 1000n }, spender: P.exactProxy, nonce: nonce(), deadline: now + 600n, witness: { to: acct("payee"), validAfter: now - 600n } };
    const sig = await owner.signTypedData({ domain, types: permit2WitnessTypes, primaryType: "PermitWitnessTransferFrom", message: m });
    const permit = { permitted: m.permitted, nonce: m.nonce, deadline: m.deadline };
    const eAbi = x402ExactPermit2ProxyABI;
    assert.equal(await simulate(stranger, P.exactProxy, eAbi, [permit, owner.address, m.witness, sig]), "ok");
    assert.match(await simulate(stranger, P.exactProxy, eAbi, [permit, owner.address, { ...m.witness, to: stranger }, sig]), new RegExp(selector("InvalidSigner()")));
    assert.match(await simulate(stranger, P.exactProxy, eAbi, [{ ...permit, permitted: { token, amount: 999n } }, owner.address, m.witness, sig]), new RegExp(selector("InvalidSigner()")));
  });

  await check("v2 facilitator lists upto and both gas-sponsoring extensions on /supported", async () => {
    const s = await (await fetch(`${state.v2.facilitatorUrl}/supported`)).json();
    const upto = s.kinds.find((k) => k.scheme === "upto" && k.network === P.network);
    assert.ok(upto, JSON.stringify(s.kinds));
    assert.equal(upto.extra?.facilitatorAddress, acct("facilitatorV2"));
    assert.deepEqual(s.kinds.filter((k) => k.scheme === "upto").map((k) => k.network), [P.network], "upto only where Permit2 is");
    for (const key of ["eip2612GasSponsoring", "erc20ApprovalGasSponsoring"]) assert.ok(s.extensions.includes(key), `${key} not in ${s.extensions}`);
  });

  await check("unpaid /permit2/* routes answer 402 with Permit2 requirements and their extensions", async () => {
    for (const [key, route] of Object.entries(R)) {
      const { status, pr } = await requirements(route);
      assert.equal(status, 402, key);
      const a = pr.accepts[0];
      assert.equal(pr.accepts.length, 1, key);
      assert.deepEqual([a.scheme, a.network, a.amount, viem.getAddress(a.asset), a.payTo], [route.scheme, P.network, route.amount, route.asset, acct("payee")], key);
      const token = P.tokens[route.token];
      const extra = { assetTransferMethod: "permit2", ...(token.eip2612 && { name: token.name, version: token.version }), ...(route.scheme === "upto" && { facilitatorAddress: acct("facilitatorV2") }) };
      assert.deepEqual(a.extra, extra, key);
      assert.deepEqual(Object.keys(pr.extensions || {}).sort(), [...route.extensions].sort(), key);
    }
  });

  // Sponsoring routes first: the gasless payer has 0 ETH and no allowance at the start.
  const order = ["permit2Eip2612", "permit2Erc20Approval", "permit2Exact", "upto"];
  for (const key of order) {
    const route = R[key];
    const moved = BigInt(route.charged ?? route.amount);
    await check(`official client pays ${route.path} as ${route.payer}: payer −${moved}, payee +${moved} ${P.tokens[route.token].symbol}`, async () => {
      const payer = acct(route.payer);
      const payee = acct("payee");
      const before = { payer: await balanceOf(rpcUrl, route.asset, payer), payee: await balanceOf(rpcUrl, route.asset, payee), eth: await eth(payer) };
      if (route.extensions.length) {
        assert.equal(before.eth, 0n, `${route.payer} should start with 0 ETH`);
        assert.equal(await allowance(route.asset, payer), 0n, `${route.payer} should start without allowance`);
      }
      const r = await officialClient(state, 2, `${v2}${route.path}`, { keyEnvValue: state.accounts[route.payer].privateKey });
      assert.equal(r.code, 0, `official client exit ${r.code}: ${r.stderr.trim().slice(-600)}`);
      const receipt = JSON.parse(r.stderr.trim().split("\n")[0]);
      assert.equal(receipt?.success, true, r.stderr);
      assert.equal(receipt.payer, payer);
      assert.equal(receipt.network, P.network);
      const tx = await rpc(rpcUrl, "eth_getTransactionReceipt", [receipt.transaction]);
      assert.equal(tx?.status, "0x1", `settlement ${receipt.transaction}`);
      assert.equal(viem.getAddress(tx.to), route.scheme === "upto" ? P.uptoProxy : P.exactProxy);
      assert.equal(JSON.parse(r.stdout).route, key);
      if (route.charged !== undefined) assert.equal(receipt.amount, route.charged, "upto settlement amount");
      assert.equal(before.payer - (await balanceOf(rpcUrl, route.asset, payer)), moved, "payer delta");
      assert.equal((await balanceOf(rpcUrl, route.asset, payee)) - before.payee, moved, "payee delta");
      if (key === "permit2Eip2612") {
        assert.equal(await eth(payer), 0n, "the facilitator pays the gas of settleWithPermit");
        assert.equal(await allowance(route.asset, payer), 0n, "the permit's allowance is spent exactly");
      }
      if (key === "permit2Erc20Approval") assert.equal(await allowance(route.asset, payer), MAX_UINT256, "the broadcast approve(Permit2, max)");
    });
  }

  await check("official client pays /permit2/upto-zero: success, amount 0, no transaction, nothing moves", async () => {
    const route = R.uptoZero;
    const payer = acct(route.payer);
    const before = [await balanceOf(rpcUrl, route.asset, payer), await balanceOf(rpcUrl, route.asset, acct("payee"))];
    const r = await officialClient(state, 2, `${v2}${route.path}`, { keyEnvValue: state.accounts[route.payer].privateKey });
    assert.equal(r.code, 0, `official client exit ${r.code}: ${r.stderr.trim().slice(-600)}`);
    const receipt = JSON.parse(r.stderr.trim().split("\n")[0]);
    assert.equal(receipt?.success, true, r.stderr);
    assert.equal(receipt.amount, "0");
    assert.equal(receipt.transaction, "");
    assert.equal(JSON.parse(r.stdout).route, "uptoZero");
    assert.deepEqual([await balanceOf(rpcUrl, route.asset, payer), await balanceOf(rpcUrl, route.asset, acct("payee"))], before);
  });

  await check("route without extension: payer without allowance gets 412 permit2_allowance_required, nothing moves", async () => {
    const route = R.permit2NoExtension;
    const payer = acct(route.payer);
    const before = [await balanceOf(rpcUrl, route.asset, payer), await balanceOf(rpcUrl, route.asset, acct("payee"))];
    assert.equal(await allowance(route.asset, payer), 0n);
    const { createOfficialClient } = await import("../official-client.mjs");
    const c = await createOfficialClient({ version: 2, privateKey: state.accounts[route.payer].privateKey, state });
    const res = await c.fetch(`${v2}${route.path}`);
    assert.equal(res.status, 412);
    const pr = JSON.parse(Buffer.from(res.headers.get("payment-required"), "base64").toString("utf8"));
    assert.equal(pr.error, "permit2_allowance_required");
    assert.deepEqual(await res.json(), {});
    assert.deepEqual([await balanceOf(rpcUrl, route.asset, payer), await balanceOf(rpcUrl, route.asset, acct("payee"))], before);
  });
}
