// The local Solana JSON-RPC service (LiteSVM posing as devnet), run by start.mjs like the other
// services (lib/service.mjs: IPC start-up, exits with its supervisor).
//
//   POST /        JSON-RPC 2.0 (see rpc.mjs for the methods)
//   GET  /health
import { runService } from "../lib/service.mjs";
import { createRpcHandler } from "./rpc.mjs";

runService("svm-rpc", async (_config, log) => {
  const { handler, chain } = await createRpcHandler({ log });
  log(`genesis ready at slot ${chain.slot}, blockhash ${chain.blockhash.blockhash}`);
  return handler;
});
