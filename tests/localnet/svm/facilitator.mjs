// The Solana side of the v2 facilitator (services/v2-facilitator.mjs): @x402/svm's exact scheme
// with the official facilitator signer, fee payer = the genesis `facilitator` key, every RPC call
// to the local chain.
import { createKeyPairSignerFromBytes } from "@solana/kit";
import { toFacilitatorSvmSigner } from "@x402/svm";
import { registerExactSvmScheme } from "@x402/svm/exact/facilitator";
import { SOLANA_DEVNET, base58 } from "./genesis.mjs";

/** `solana`: {rpcUrl, secretKey (base58, 64 bytes)}. */
export async function registerSolanaFacilitator(facilitator, solana) {
  const keypair = await createKeyPairSignerFromBytes(base58.decode(solana.secretKey));
  const signer = toFacilitatorSvmSigner(keypair, { defaultRpcUrl: solana.rpcUrl });
  return registerExactSvmScheme(facilitator, { signer, networks: [SOLANA_DEVNET] });
}
