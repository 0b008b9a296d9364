// x402 v1 facilitator of the local network, built from the legacy `x402` 1.x
// package's own verify() and settle() (x402/facilitator), network "base-sepolia",
// against the local 84532 anvil. Gas is paid by the facilitatorV1 account.
//
//   POST /verify    {x402Version: 1, paymentPayload, paymentRequirements} -> VerifyResponse
//   POST /settle    same body                                              -> SettleResponse
//   GET  /supported                                                        -> {kinds: [{x402Version: 1, scheme: "exact", network: "base-sepolia"}]}
//   GET  /health
import express from "express";
import { createWalletClient, createPublicClient, http, publicActions, nonceManager } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { baseSepolia } from "viem/chains";
import { verify, settle } from "x402/facilitator";
import { PaymentPayloadSchema, PaymentRequirementsSchema } from "x402/types";
import { runService } from "../lib/service.mjs";

runService("v1-facilitator", async (config, log) => {
  const chain = { ...baseSepolia, rpcUrls: { default: { http: [config.rpcUrl] } } };
  const account = privateKeyToAccount(config.privateKey, { nonceManager });
  const publicClient = createPublicClient({ chain, transport: http(config.rpcUrl), pollingInterval: 50 });
  const signer = createWalletClient({ chain, transport: http(config.rpcUrl), account, pollingInterval: 50 }).extend(publicActions);

  const app = express();
  app.disable("x-powered-by");
  app.use(express.json({ limit: "1mb" }));

  const parse = (body) => ({
    paymentPayload: PaymentPayloadSchema.parse(body.paymentPayload),
    paymentRequirements: PaymentRequirementsSchema.parse(body.paymentRequirements),
  });

  app.post("/verify", async (req, res) => {
    try {
      const { paymentPayload, paymentRequirements } = parse(req.body || {});
      const result = await verify(publicClient, paymentPayload, paymentRequirements);
      log(`verify ${paymentRequirements.network} ${paymentRequirements.maxAmountRequired} -> ${JSON.stringify(result)}`);
      res.json(result);
    } catch (err) {
      log(`verify error: ${err.stack || err}`);
      res.status(400).json({ error: String(err.message || err) });
    }
  });
  app.post("/settle", async (req, res) => {
    try {
      const { paymentPayload, paymentRequirements } = parse(req.body || {});
      const result = await settle(signer, paymentPayload, paymentRequirements);
      log(`settle ${paymentRequirements.network} ${paymentRequirements.maxAmountRequired} -> ${JSON.stringify(result)}`);
      res.json(result);
    } catch (err) {
      log(`settle error: ${err.stack || err}`);
      res.status(400).json({ error: String(err.message || err) });
    }
  });
  app.get("/supported", (_req, res) => res.json({ kinds: [{ x402Version: 1, scheme: "exact", network: "base-sepolia" }] }));
  app.get("/health", (_req, res) => res.json({ ok: true, service: "x402 v1 facilitator" }));
  return app;
});
