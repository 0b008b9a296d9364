// The Solana side of the v2 resource server (services/v2-server.mjs): SVM `exact` registered
// with the local RPC (so 402 answers carry `extra.recentBlockhash` / `lastValidBlockHeight`,
// and `extra.feePayer` from the facilitator's /supported), the Solana routes and their handlers.
import { registerExactSvmScheme } from "@x402/svm/exact/server";
import { SOLANA_DEVNET } from "./genesis.mjs";
import { SOLANA_ROUTES } from "./routes.mjs";

/**
 * paymentMiddleware route configs. `solana`: {rpcUrl, payees: {role: address}, mints: {key: address}}; `evmPayTo`: the
 * EVM payee (for the mixed route's base-sepolia option).
 */
export function solanaRouteConfigs(solana, evmPayTo) {
  const json = { mimeType: "application/json" };
  const svm = (r) => ({
    scheme: "exact",
    network: SOLANA_DEVNET,
    payTo: solana.payees[r.payTo],
    price: r.mint ? { amount: r.amount, asset: solana.mints[r.mint] } : r.price,
  });
  const out = {};
  for (const [name, r] of Object.entries(SOLANA_ROUTES)) {
    const accepts = r.options
      ? r.options.map((o) => (o.network === SOLANA_DEVNET ? svm(o) : { scheme: "exact", network: o.network, payTo: evmPayTo, price: o.price }))
      : svm(r);
    out[`${r.method} ${r.path}`] = { accepts, description: `Solana test resource (${name})`, ...json };
  }
  return out;
}

export function registerSolanaServer(resourceServer, solana) {
  return registerExactSvmScheme(resourceServer, { networks: [SOLANA_DEVNET], rpcUrl: solana.rpcUrl });
}

/** Express router with the paid handlers; mount it after paymentMiddleware. */
export function solanaRouter(express) {
  const router = express.Router();
  for (const [name, r] of Object.entries(SOLANA_ROUTES)) {
    if (r.method === "POST") {
      // Echoes the exact request body and content type, like /echo.
      router.post(r.path, express.raw({ type: () => true, limit: "1mb" }), (req, res) => {
        const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        res.status(200).type(req.header("content-type") || "application/json").send(body);
      });
    } else {
      router.get(r.path, (_req, res) => res.json({ route: name, network: "solana", x402Version: 2, ok: true }));
    }
  }
  return router;
}
