// Brings Permit2 to a local anvil chain (called by start.mjs for eip155:84532):
//   1. Permit2's runtime from @uniswap/v4-periphery at its canonical address (anvil_setCode);
//   2. the project's two x402 proxies (contracts/X402Permit2Proxies.sol) at the x402 addresses;
//   3. ETH for the Permit2 accounts that need gas (anvil_setBalance);
//   4. PlainUSD and PermitUSD deployed by tokenDeployer (fixed CREATE addresses), FUND_AMOUNT of
//      both minted to every TOKEN_HOLDERS account, and permit2Payer's approve(Permit2, max) of PlainUSD;
//   5. checks: code hashes, domain separators, PERMIT2() of the proxies, balances and allowances.
// Returns the `permit2` part of the network state. Multicall3 (which the facilitator's
// diagnostics need) is placed by start.mjs for every chain.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { LOCALNET_DIR, FUND_AMOUNT, rpc, waitReceipt } from "../lib/common.mjs";
import { ETH_AMOUNT, EXACT_PROXY, PERMIT2, PERMIT2_ACCOUNTS, PERMIT2_ROUTES, PERMIT2_RUNTIME_KECCAK, TOKENS, TOKEN_HOLDERS, UPTO_PROXY } from "./constants.mjs";

const artifact = (name) => JSON.parse(readFileSync(join(LOCALNET_DIR, "contracts", `${name}.json`), "utf8"));
const MAX_UINT256 = (1n << 256n) - 1n;

/** Permit2's runtime code: the `hex"…"` literal of DeployPermit2.sol in the pinned npm package. */
export function permit2Runtime() {
  const file = join(LOCALNET_DIR, "node_modules", "@uniswap", "v4-periphery", "lib", "permit2", "test", "utils", "DeployPermit2.sol");
  const m = /bytes memory bytecode\s*=\s*hex"([0-9a-fA-F]+)"/.exec(readFileSync(file, "utf8"));
  if (!m) throw new Error(`Permit2 runtime literal not found in ${file}`);
  return `0x${m[1]}`;
}

/** The accounts as exported in the state (address, privateKey, index). */
export function permit2Accounts() {
  return Object.fromEntries(Object.entries(PERMIT2_ACCOUNTS).map(([k, a]) => [k, { address: a.address, privateKey: a.privateKey, index: a.index }]));
}

export async function setupPermit2(viem, chain, rpcUrl) {
  const { encodeFunctionData, decodeFunctionResult, hashDomain, keccak256, getAddress } = viem;
  const { privateKeyToAccount } = await import("viem/accounts");
  const plain = artifact(TOKENS.plain.contract);
  const permit = artifact(TOKENS.permit.contract);
  const call = async (to, abi, functionName, args = []) =>
    decodeFunctionResult({ abi, functionName, data: await rpc(rpcUrl, "eth_call", [{ to, data: encodeFunctionData({ abi, functionName, args }) }, "latest"]) });

  // 1–3: code and ETH.
  const runtime = permit2Runtime();
  if (keccak256(runtime) !== PERMIT2_RUNTIME_KECCAK) throw new Error(`Permit2 runtime has keccak ${keccak256(runtime)}, expected ${PERMIT2_RUNTIME_KECCAK}`);
  await Promise.all([
    rpc(rpcUrl, "anvil_setCode", [PERMIT2, runtime]),
    rpc(rpcUrl, "anvil_setCode", [EXACT_PROXY, artifact("x402ExactPermit2Proxy").deployedBytecode]),
    rpc(rpcUrl, "anvil_setCode", [UPTO_PROXY, artifact("x402UptoPermit2Proxy").deployedBytecode]),
    ...Object.values(PERMIT2_ACCOUNTS).filter((a) => a.eth).map((a) => rpc(rpcUrl, "anvil_setBalance", [a.address, `0x${ETH_AMOUNT.toString(16)}`])),
  ]);

  // 4: transactions, signed here (these accounts are not unlocked in anvil).
  const block = await rpc(rpcUrl, "eth_getBlockByNumber", ["latest", false]);
  const maxFeePerGas = BigInt(block.baseFeePerGas) * 2n + 10n ** 9n;
  const nonces = new Map();
  const hashes = [];
  const send = async (role, tx) => {
    const a = PERMIT2_ACCOUNTS[role];
    if (!nonces.has(role)) nonces.set(role, Number(await rpc(rpcUrl, "eth_getTransactionCount", [a.address, "latest"])));
    const nonce = nonces.get(role);
    nonces.set(role, nonce + 1);
    const raw = await privateKeyToAccount(a.privateKey).signTransaction({
      type: "eip1559", chainId: chain.chainId, nonce, gas: 3_000_000n, maxFeePerGas, maxPriorityFeePerGas: 10n ** 9n, value: 0n, ...tx,
    });
    hashes.push(await rpc(rpcUrl, "eth_sendRawTransaction", [raw]));
    return nonce;
  };
  if ((await send("tokenDeployer", { data: plain.bytecode })) !== 0) throw new Error(`${chain.key}: tokenDeployer nonce is not 0 (fresh chain expected)`);
  await send("tokenDeployer", { data: permit.bytecode });
  for (const token of [TOKENS.plain, TOKENS.permit]) {
    for (const who of TOKEN_HOLDERS) {
      await send("tokenDeployer", { to: token.address, gas: 100_000n, data: encodeFunctionData({ abi: plain.abi, functionName: "mint", args: [PERMIT2_ACCOUNTS[who].address, FUND_AMOUNT] }) });
    }
  }
  await send("permit2Payer", { to: TOKENS.plain.address, gas: 100_000n, data: encodeFunctionData({ abi: plain.abi, functionName: "approve", args: [PERMIT2, MAX_UINT256] }) });
  for (const h of hashes) {
    const r = await waitReceipt(rpcUrl, h);
    if (r.status !== "0x1") throw new Error(`${chain.key}: Permit2 setup transaction ${h} failed`);
  }

  // 5: checks.
  for (const [key, token] of Object.entries(TOKENS)) {
    const a = key === "plain" ? plain : permit;
    // PermitUSD has immutables (its EIP-712 domain cache), so only the presence of code is compared.
    if ((await rpc(rpcUrl, "eth_getCode", [token.address, "latest"])).length < 100) throw new Error(`${token.contract} not deployed at ${token.address}`);
    if ((await call(token.address, a.abi, "name")) !== token.name || (await call(token.address, a.abi, "decimals")) !== token.decimals) {
      throw new Error(`${token.contract} at ${token.address}: unexpected name/decimals`);
    }
    for (const who of TOKEN_HOLDERS) {
      const bal = await call(token.address, a.abi, "balanceOf", [PERMIT2_ACCOUNTS[who].address]);
      if (bal !== FUND_AMOUNT) throw new Error(`${who} holds ${bal} ${token.symbol}`);
    }
  }
  const permitDomain = hashDomain({
    domain: { name: TOKENS.permit.name, version: TOKENS.permit.version, chainId: chain.chainId, verifyingContract: TOKENS.permit.address },
    types: { EIP712Domain: [{ name: "name", type: "string" }, { name: "version", type: "string" }, { name: "chainId", type: "uint256" }, { name: "verifyingContract", type: "address" }] },
  });
  if ((await call(TOKENS.permit.address, permit.abi, "DOMAIN_SEPARATOR")) !== permitDomain) throw new Error("PermitUSD DOMAIN_SEPARATOR mismatch");
  const permit2Abi = [{ type: "function", name: "DOMAIN_SEPARATOR", inputs: [], outputs: [{ type: "bytes32" }], stateMutability: "view" }];
  const permit2Domain = hashDomain({
    domain: { name: "Permit2", chainId: chain.chainId, verifyingContract: PERMIT2 },
    types: { EIP712Domain: [{ name: "name", type: "string" }, { name: "chainId", type: "uint256" }, { name: "verifyingContract", type: "address" }] },
  });
  if ((await call(PERMIT2, permit2Abi, "DOMAIN_SEPARATOR")) !== permit2Domain) throw new Error("Permit2 DOMAIN_SEPARATOR mismatch");
  const proxyAbi = artifact("x402ExactPermit2Proxy").abi;
  for (const proxy of [EXACT_PROXY, UPTO_PROXY]) {
    if (getAddress(await call(proxy, proxyAbi, "PERMIT2")) !== PERMIT2) throw new Error(`PERMIT2() of ${proxy} is wrong`);
  }
  const allowance = (token, who) => call(token.address, plain.abi, "allowance", [PERMIT2_ACCOUNTS[who].address, PERMIT2]);
  if ((await allowance(TOKENS.plain, "permit2Payer")) !== MAX_UINT256) throw new Error("permit2Payer's PlainUSD allowance to Permit2 is not max");

  const network = chain.caip2;
  const routes = {};
  for (const [k, r] of Object.entries(PERMIT2_ROUTES)) {
    routes[k] = { path: r.path, method: r.method, scheme: r.scheme, amount: r.amount, ...(r.charged && { charged: r.charged }), paid: true, network, asset: TOKENS[r.token].address, token: r.token, extensions: r.extensions, payer: r.payer };
  }
  return {
    chain: chain.key,
    network,
    permit2: PERMIT2,
    exactProxy: EXACT_PROXY,
    uptoProxy: UPTO_PROXY,
    tokens: Object.fromEntries(Object.entries(TOKENS).map(([k, t]) => [k, { address: t.address, name: t.name, symbol: t.symbol, decimals: t.decimals, eip2612: t.eip2612, ...(t.version && { version: t.version }) }])),
    fundedAmount: FUND_AMOUNT.toString(),
    funded: TOKEN_HOLDERS,
    approved: { permit2Payer: ["plain"] },
    routes,
  };
}
