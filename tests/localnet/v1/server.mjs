// x402 v1 resource server of the local network, built with the legacy
// `x402-express` 1.x paymentMiddleware (express 4), pointed explicitly at the
// local v1 facilitator. Network "base-sepolia"; the asset is what the package
// picks for it (Base Sepolia USDC, 0x036C…CF7e, present on the local 84532 chain).
//
//   GET  /cheap      $0.001
//   GET  /expensive  $2.50
//   POST /echo       $0.001, answers with the exact request body
//   GET  /free       no payment
//   GET  /health     no payment
import express from "express";
import { paymentMiddleware } from "x402-express";
import { runService } from "../lib/service.mjs";
import { V1_ROUTES } from "../lib/common.mjs";

runService("v1-server", async (config, log) => {
  const { facilitatorUrl, payTo } = config;
  const route = (price, description) => ({ price, network: "base-sepolia", config: { description, mimeType: "application/json" } });
  const routes = {
    "GET /cheap": route(V1_ROUTES.cheap.price, "cheap test resource"),
    "GET /expensive": route(V1_ROUTES.expensive.price, "expensive test resource"),
    "POST /echo": route(V1_ROUTES.echo.price, "echoes the request body"),
  };

  const app = express();
  app.disable("x-powered-by");
  app.use("/echo", express.raw({ type: () => true, limit: "1mb" }));
  app.use((req, _res, next) => {
    log(`${req.method} ${req.originalUrl}${req.header("x-payment") ? " (paid)" : ""}`);
    next();
  });
  app.get("/health", (_req, res) => res.json({ ok: true, service: "x402 v1 resource server" }));
  app.use(paymentMiddleware(payTo, routes, { url: facilitatorUrl }));

  const paid = (name) => (_req, res) => res.json({ route: name, x402Version: 1, ok: true });
  app.get("/cheap", paid("cheap"));
  app.get("/expensive", paid("expensive"));
  app.get("/free", (_req, res) => res.json({ route: "free", x402Version: 1, ok: true, paid: false }));
  app.post("/echo", (req, res) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    res.status(200).type(req.header("content-type") || "application/json").send(body);
  });
  return app;
});
