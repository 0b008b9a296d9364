// x402 v2 resource server of the local network, built with @x402/express:
// paymentMiddleware + x402ResourceServer + HTTPFacilitatorClient pointed explicitly
// at the local v2 facilitator (the package would otherwise default to a public host).
//
//   GET  /cheap      $0.001 on eip155:84532 (asset = Base Sepolia USDC address, via the package's defaults)
//   GET  /expensive  $2.50  on eip155:84532
//   POST /echo       $0.001 on eip155:84532, answers with the exact request body
//   GET  /multi      two options: eip155:84532 1000 units of 0x036C…CF7e, eip155:31337 2000 units of the devchain token
//   /sol/*           Solana devnet routes (svm/routes.mjs), when config.solana is set
//   GET  /permit2/*  Permit2 exact, gas-sponsoring extensions, upto (permit2/server.mjs)
//   GET  /free       no payment
//   GET  /health     no payment
import express from "express";
import { paymentMiddleware, x402ResourceServer } from "@x402/express";
import { HTTPFacilitatorClient } from "@x402/core/server";
import { ExactEvmScheme } from "@x402/evm/exact/server";
import { runService } from "../lib/service.mjs";
import { V2_ROUTES, TOKEN_META } from "../lib/common.mjs";
import { registerSolanaServer, solanaRouteConfigs, solanaRouter } from "../svm/server.mjs";
import { mountPermit2, permit2Routes, registerPermit2Schemes } from "../permit2/server.mjs";

runService("v2-server", async (config, log) => {
  const { facilitatorUrl, payTo, devchainToken } = config;
  const exact = (network, price) => ({ scheme: "exact", network, payTo, price });
  const json = { mimeType: "application/json" };
  const routes = {
    "GET /cheap": { accepts: exact("eip155:84532", V2_ROUTES.cheap.price), description: "cheap test resource", ...json },
    "GET /expensive": { accepts: exact("eip155:84532", V2_ROUTES.expensive.price), description: "expensive test resource", ...json },
    "POST /echo": { accepts: exact("eip155:84532", V2_ROUTES.echo.price), description: "echoes the request body", ...json },
    "GET /multi": {
      accepts: [
        exact("eip155:84532", { amount: "1000", asset: V2_ROUTES.multi.options[0].asset, extra: { name: TOKEN_META.name, version: TOKEN_META.version } }),
        exact("eip155:31337", { amount: "2000", asset: devchainToken, extra: { name: TOKEN_META.name, version: TOKEN_META.version } }),
      ],
      description: "payable on base-sepolia or on devchain",
      ...json,
    },
    ...(config.solana && solanaRouteConfigs(config.solana, payTo)),
  };
  Object.assign(routes, permit2Routes({ payTo })); // /permit2/* (see permit2/server.mjs)

  const facilitatorClient = new HTTPFacilitatorClient({ url: facilitatorUrl, timeoutMs: 60_000 });
  const resourceServer = new x402ResourceServer(facilitatorClient)
    .register("eip155:84532", new ExactEvmScheme())
    .register("eip155:31337", new ExactEvmScheme());
  if (config.solana) registerSolanaServer(resourceServer, config.solana);
  registerPermit2Schemes(resourceServer); // upto on eip155:84532

  const app = express();
  app.disable("x-powered-by");
  // Raw body for /echo so it can be echoed byte for byte.
  app.use("/echo", express.raw({ type: () => true, limit: "1mb" }));
  app.use((req, _res, next) => {
    log(`${req.method} ${req.originalUrl}${req.header("payment-signature") ? " (paid)" : ""}`);
    next();
  });
  app.get("/health", (_req, res) => res.json({ ok: true, service: "x402 v2 resource server" }));
  app.use(paymentMiddleware(routes, resourceServer));

  const paid = (route) => (_req, res) => res.json({ route, x402Version: 2, ok: true });
  app.get("/cheap", paid("cheap"));
  app.get("/expensive", paid("expensive"));
  app.get("/multi", paid("multi"));
  if (config.solana) app.use(solanaRouter(express));
  mountPermit2(app);
  app.get("/free", (_req, res) => res.json({ route: "free", x402Version: 2, ok: true, paid: false }));
  app.post("/echo", (req, res) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    res.status(200).type(req.header("content-type") || "application/json").send(body);
  });
  return app;
});
