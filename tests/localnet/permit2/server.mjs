// Permit2 routes of the local v2 resource server (services/v2-server.mjs), all on the chain
// that poses as Base Sepolia, paid to `payTo` in the two Permit2 test tokens:
//   GET /permit2/exact           exact, PlainUSD, 1000, no extension (payer must have approved Permit2)
//   GET /permit2/eip2612         exact, PermitUSD (name/version in extra), 1000, eip2612GasSponsoring
//   GET /permit2/erc20-approval  exact, PlainUSD, 1000, erc20ApprovalGasSponsoring
//   GET /permit2/upto            upto, PlainUSD, up to 2000, charges 1250 (settlement override)
//   GET /permit2/upto-zero       upto, PlainUSD, up to 2000, charges 0 (settlement override "0":
//                                the upto facilitator settles nothing and sends no transaction)
//   GET /permit2/no-extension    exact, PermitUSD (name/version in extra), 1000, no extension:
//                                without an allowance the answer is 412 permit2_allowance_required
// Paid answers: {"route": KEY, "x402Version": 2, "ok": true} (upto adds "charged").
import { UptoEvmScheme } from "@x402/evm/upto/server";
import { setSettlementOverrides } from "@x402/express";
import { declareEip2612GasSponsoringExtension, declareErc20ApprovalGasSponsoringExtension } from "@x402/extensions";
import { PERMIT2_NETWORKS, PERMIT2_ROUTES, TOKENS } from "./constants.mjs";

const DECLARE = {
  eip2612GasSponsoring: declareEip2612GasSponsoringExtension,
  erc20ApprovalGasSponsoring: declareErc20ApprovalGasSponsoringExtension,
};

/** Route configs for paymentMiddleware, keyed "GET /path". */
export function permit2Routes({ payTo, network = PERMIT2_NETWORKS[0] }) {
  const routes = {};
  for (const [key, r] of Object.entries(PERMIT2_ROUTES)) {
    const token = TOKENS[r.token];
    // name/version only for the EIP-2612 token, as the official server does (x402-protocol §2.3).
    const extra = { assetTransferMethod: "permit2", ...(token.eip2612 && { name: token.name, version: token.version }) };
    const extensions = Object.assign({}, ...r.extensions.map((k) => DECLARE[k]()));
    routes[`${r.method} ${r.path}`] = {
      accepts: { scheme: r.scheme, network, payTo, price: { amount: r.amount, asset: token.address, extra } },
      description: `Permit2 ${r.scheme} test resource (${key})`,
      mimeType: "application/json",
      ...(r.extensions.length && { extensions }),
    };
  }
  return routes;
}

/** The server side of the upto scheme (exact is registered by the service). */
export function registerPermit2Schemes(resourceServer, networks = PERMIT2_NETWORKS) {
  for (const network of networks) resourceServer.register(network, new UptoEvmScheme());
  return resourceServer;
}

/** Handlers behind paymentMiddleware. */
export function mountPermit2(app) {
  for (const [key, r] of Object.entries(PERMIT2_ROUTES)) {
    app.get(r.path, (_req, res) => {
      if (r.charged !== undefined) setSettlementOverrides(res, { amount: r.charged });
      res.json({ route: key, x402Version: 2, ok: true, ...(r.charged !== undefined && { charged: r.charged }) });
    });
  }
}
