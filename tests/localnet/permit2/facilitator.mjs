// Permit2 additions of the local v2 facilitator (services/v2-facilitator.mjs):
//   - the @x402/evm `upto` scheme where Permit2 is placed (eip155:84532), with the same signer as `exact`
//     (its viem wallet client sends eth_call with from = the facilitator's address, which the
//     upto proxy's `msg.sender == witness.facilitator` check needs in simulation);
//   - the `eip2612GasSponsoring` extension (the exact/upto schemes then call settleWithPermit);
//   - the `erc20ApprovalGasSponsoring` extension, whose signer's sendTransactions() funds the
//     payer's gas when short, broadcasts the payer's signed approve(Permit2, …) and waits for it,
//     then sends the settlement call.
// The exact scheme (registered by the service) already handles Permit2 payloads.
import { parseTransaction, recoverTransactionAddress } from "viem";
import { UptoEvmScheme } from "@x402/evm/upto/facilitator";
import { EIP2612_GAS_SPONSORING, createErc20ApprovalGasSponsoringExtension } from "@x402/extensions";
import { rpc } from "../lib/common.mjs";
import { PERMIT2_NETWORKS } from "./constants.mjs";

/** A FacilitatorEvmSigner plus sendTransactions() for the ERC-20 approval extension. */
function withSendTransactions(signer, rpcUrl, log) {
  const mined = async (hash, what) => {
    const r = await signer.waitForTransactionReceipt({ hash });
    // The facilitator maps errors containing this reason to erc20_approval_broadcast_failed.
    if (r.status !== "success") throw new Error(`erc20_approval_tx_failed: ${what} ${hash} reverted`);
  };
  return {
    ...signer,
    async sendTransactions(transactions) {
      const hashes = [];
      for (const tx of transactions) {
        if (typeof tx === "string") {
          // A payer's signed transaction: make sure it can pay its own gas, then broadcast it and
          // wait, since the next call (the settlement) spends the allowance it grants.
          const parsed = parseTransaction(tx);
          const from = await recoverTransactionAddress({ serializedTransaction: tx });
          const need = (parsed.gas ?? 0n) * (parsed.maxFeePerGas ?? parsed.gasPrice ?? 0n) + (parsed.value ?? 0n);
          const have = BigInt(await rpc(rpcUrl, "eth_getBalance", [from, "latest"]));
          if (have < need) {
            const fund = await signer.sendTransaction({ to: from, value: need - have });
            log(`erc20 approval: funded ${from} with ${need - have} wei (${fund})`);
            await mined(fund, "gas funding");
          }
          const hash = await rpc(rpcUrl, "eth_sendRawTransaction", [tx]);
          await mined(hash, "approval");
          hashes.push(hash);
        } else {
          hashes.push(await signer.sendTransaction({ to: tx.to, data: tx.data, ...(tx.gas !== undefined && { gas: tx.gas }) }));
        }
      }
      return hashes;
    },
  };
}

/**
 * Registers upto and both gas-sponsoring extensions.
 * @param facilitator  the x402Facilitator
 * @param chains       [{caip2, rpcUrl, …}] as in the service config
 * @param signers      {caip2: FacilitatorEvmSigner} used for the exact scheme
 */
export function registerPermit2(facilitator, chains, signers, log) {
  const extensionSigners = {};
  for (const chain of chains) {
    if (PERMIT2_NETWORKS.includes(chain.caip2)) facilitator.register(chain.caip2, new UptoEvmScheme(signers[chain.caip2]));
    extensionSigners[chain.caip2] = withSendTransactions(signers[chain.caip2], chain.rpcUrl, log);
  }
  facilitator.registerExtension(EIP2612_GAS_SPONSORING);
  facilitator.registerExtension(
    createErc20ApprovalGasSponsoringExtension(extensionSigners[chains[0].caip2], (network) => extensionSigners[network]),
  );
}
