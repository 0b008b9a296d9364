// x402 v1 client built from the legacy `x402-fetch` 1.x package (resolved from
// tests/localnet/v1/node_modules). Used by ../official-client.mjs --version 1.
import { wrapFetchWithPayment, decodeXPaymentResponse } from "x402-fetch";
import { createWalletClient, custom, http, publicActions } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { baseSepolia } from "viem/chains";

/**
 * @param {{privateKey: string, rpcUrl?: string, maxValue?: bigint}} opts
 *   rpcUrl: the local 84532 anvil (never a public RPC); without it, any RPC use fails loudly.
 *   maxValue: cap in base units (the package's own default is 0.10 USDC).
 */
export function createV1Client({ privateKey, rpcUrl, maxValue = 10_000_000n }) {
  const chain = rpcUrl ? { ...baseSepolia, rpcUrls: { default: { http: [rpcUrl] } } } : baseSepolia;
  const transport = rpcUrl
    ? http(rpcUrl)
    : custom({
        request: async ({ method }) => {
          throw new Error(`x402 v1 client: no RPC configured (wanted ${method})`);
        },
      });
  const wallet = createWalletClient({ chain, transport, account: privateKeyToAccount(privateKey) }).extend(publicActions);
  return {
    fetch: wrapFetchWithPayment(globalThis.fetch, wallet, maxValue),
    decode(res) {
      const h = res.headers.get("X-PAYMENT-RESPONSE");
      return h ? decodeXPaymentResponse(h) : null;
    },
  };
}
