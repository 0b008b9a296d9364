// The Solana section of the local network's state JSON, and the configs start.mjs hands to the
// v2 facilitator and server.
import {
  ASSOCIATED_TOKEN_PROGRAM, BLOCKHASH_VALIDITY, MEMO_PROGRAM, SOLANA_DEVNET, SOLANA_DEVNET_V1, TOKEN_2022_PROGRAM, TOKEN_PROGRAM,
  USDC_DEVNET_MINT, describeGenesis, keypairOf, base58, mints,
} from "./genesis.mjs";
import { SOLANA_ROUTES } from "./routes.mjs";

export { SOLANA_DEVNET };

export function facilitatorConfig(rpcUrl) {
  return { rpcUrl, secretKey: base58.encode(keypairOf("facilitator").secretKey) };
}

export function serverConfig(rpcUrl) {
  const m = mints();
  return {
    rpcUrl,
    payees: { payee: keypairOf("payee").address, payeeNoAta: keypairOf("payeeNoAta").address },
    mints: { usdc: m.usdc.address, t22: m.t22.address },
  };
}

/** state.solana */
export async function solanaState(rpcUrl) {
  const accounts = await describeGenesis();
  const m = mints();
  const routes = {};
  for (const [k, r] of Object.entries(SOLANA_ROUTES)) {
    routes[k] = r.options
      ? { path: r.path, method: r.method, paid: true, options: r.options.map((o) => ({ network: o.network, amount: o.amount, ...(o.payTo && { payTo: accounts[o.payTo].address, asset: USDC_DEVNET_MINT, payToAta: accounts[o.payTo].ata }) })) }
      : {
        path: r.path, method: r.method, paid: true, amount: r.amount, network: SOLANA_DEVNET, asset: m[r.mint ?? "usdc"].address,
        payTo: accounts[r.payTo].address, payToAta: accounts[r.payTo][r.mint === "t22" ? "token2022Ata" : "ata"],
      };
  }
  return {
    rpcUrl,
    caip2: SOLANA_DEVNET,
    v1Network: SOLANA_DEVNET_V1,
    mint: m.usdc,
    token2022Mint: m.t22,
    programs: { token: TOKEN_PROGRAM, token2022: TOKEN_2022_PROGRAM, associatedToken: ASSOCIATED_TOKEN_PROGRAM, memo: MEMO_PROGRAM },
    blockhashValidity: Number(BLOCKHASH_VALIDITY),
    feePayer: accounts.facilitator.address,
    accounts,
    routes,
  };
}
