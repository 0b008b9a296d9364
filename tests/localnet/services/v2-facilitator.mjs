// x402 v2 facilitator of the local network: @x402/core's x402Facilitator with the
// @x402/evm exact scheme registered once per local chain (eip155:84532 and
// eip155:31337), each with its own viem wallet client on the matching anvil.
// Gas is paid by the facilitatorV2 account. With `config.solana`, also SVM exact on
// solana:EtWT… (devnet) against the local Solana RPC (svm/facilitator.mjs).
// Gas is paid by the facilitatorV2 account. permit2/facilitator.mjs adds the upto scheme
// and the two gas-sponsoring extensions.
//
//   POST /verify    {x402Version, paymentPayload, paymentRequirements} -> VerifyResponse
//   POST /settle    same body                                           -> SettleResponse
//   GET  /supported                                                     -> {kinds, extensions, signers}
//   GET  /health
import express from "express";
import { createWalletClient, defineChain, http, publicActions, nonceManager } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { x402Facilitator } from "@x402/core/facilitator";
import { toFacilitatorEvmSigner } from "@x402/evm";
import { ExactEvmScheme } from "@x402/evm/exact/facilitator";
import { runService } from "../lib/service.mjs";
import { registerSolanaFacilitator } from "../svm/facilitator.mjs";
import { registerPermit2 } from "../permit2/facilitator.mjs";

function signerFor(chain, privateKey) {
  const viemChain = defineChain({
    id: chain.chainId,
    name: chain.name,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [chain.rpcUrl] } },
  });
  const account = privateKeyToAccount(privateKey, { nonceManager });
  const client = createWalletClient({ account, chain: viemChain, transport: http(chain.rpcUrl), pollingInterval: 50 }).extend(publicActions);
  return toFacilitatorEvmSigner(
    {
      address: account.address,
      readContract: (args) => client.readContract({ ...args, args: args.args || [] }),
      verifyTypedData: (args) => client.verifyTypedData(args),
      writeContract: (args) => client.writeContract({ ...args, args: args.args || [] }),
      sendTransaction: (args) => client.sendTransaction(args),
      waitForTransactionReceipt: (args) => client.waitForTransactionReceipt({ pollingInterval: 50, ...args }),
      getCode: (args) => client.getCode(args),
    },
    { confirmationTimeoutMs: 30_000 },
  );
}

runService("v2-facilitator", async (config, log) => {
  const facilitator = new x402Facilitator();
  const signers = {};
  for (const chain of config.chains) {
    signers[chain.caip2] = signerFor(chain, config.privateKey);
    facilitator.register(chain.caip2, new ExactEvmScheme(signers[chain.caip2]));
  }
  if (config.solana) await registerSolanaFacilitator(facilitator, config.solana);
  registerPermit2(facilitator, config.chains, signers, log); // upto + gas-sponsoring extensions
  // Failure hooks only log; returning nothing keeps the facilitator's own result.
  facilitator.onVerifyFailure(async (ctx) => {
    log(`verify failure: ${JSON.stringify(ctx.error?.message ?? "")}`);
  });
  facilitator.onSettleFailure(async (ctx) => {
    log(`settle failure: ${JSON.stringify(ctx.error?.message ?? "")}`);
  });

  const app = express();
  app.use(express.json({ limit: "1mb" }));

  const handle = (op) => async (req, res) => {
    const { paymentPayload, paymentRequirements } = req.body || {};
    if (!paymentPayload || !paymentRequirements) {
      res.status(400).json({ error: "body must be {x402Version, paymentPayload, paymentRequirements}" });
      return;
    }
    try {
      const result = await facilitator[op](paymentPayload, paymentRequirements);
      log(`${op} ${paymentRequirements.network} ${paymentRequirements.amount} -> ${JSON.stringify(result)}`);
      res.json(result);
    } catch (err) {
      log(`${op} error: ${err.stack || err}`);
      res.status(500).json({ error: String(err.message || err) });
    }
  };
  app.post("/verify", handle("verify"));
  app.post("/settle", handle("settle"));
  app.get("/supported", (_req, res) => res.json(facilitator.getSupported()));
  app.get("/health", (_req, res) => res.json({ ok: true, service: "x402 v2 facilitator" }));
  return app;
});
