// Constants of the Permit2 part of the local x402 network (eip155:84532 only): contract
// addresses, the two test tokens, the accounts that pay through Permit2, and the v2 routes.
// No third-party imports (like lib/common.mjs).

/** Networks where Permit2 and the proxies are placed (setup.mjs), hence where upto is offered. */
export const PERMIT2_NETWORKS = ["eip155:84532"];

/** Canonical Permit2, the two x402 proxies (x402-protocol §4.4). */
export const PERMIT2 = "0x000000000022D473030F116dDEE9F6B43aC78BA3";
export const EXACT_PROXY = "0x402085c248EeA27D92E8b30b2C58ed07f9E20001";
export const UPTO_PROXY = "0x4020A4f3b7b90ccA423B9fabCc0CE57C6C240002";
/** keccak256 of the Permit2 runtime in @uniswap/v4-periphery 1.0.3 (lib/permit2/test/utils/DeployPermit2.sol). */
export const PERMIT2_RUNTIME_KECCAK = "0xa1ad0529565c25202190d4ae7f75d4ca08dc432cc760544ee7d0313b68e82ecd";

/**
 * Accounts of anvil's default mnemonic beyond the ten anvil funds itself (indexes 10–14). They
 * start with 0 ETH; setup gives ETH only to those marked `eth`.
 */
export const PERMIT2_ACCOUNTS = {
  // Pays the Permit2 exact and upto routes: ETH, tokens, PlainUSD approved to Permit2 (max).
  permit2Payer: { index: 10, address: "0xBcd4042DE499D14e55001CcbB24a551F3b954096", privateKey: "0xf214f2b2cd398c806f84e317254e0f0b801d0643303237d97a22a48e01628897", eth: true },
  // ETH and tokens but no Permit2 allowance on either token (412 path, `wallet approve`).
  permit2Unapproved: { index: 11, address: "0x71bE63f3384f5fb98995898A86B02Fb2426c5788", privateKey: "0x701b615bbdfb9de65240bc28bd21bbc0d996645a3dd57e7b12bc2bdf6f192c82", eth: true },
  // Tokens, 0 ETH, no allowance: pays through the gas-sponsoring extensions.
  gaslessPayer: { index: 12, address: "0xFABB0ac9d68B0B445fB7357272Ff202C5651694a", privateKey: "0xa267530f49f8280200edf313ee7af6b827f2a8bce2897751d06a843f644967b1", eth: false },
  // A second one, for a test that needs the 0-allowance state once more on the same network.
  gaslessPayer2: { index: 13, address: "0x1CBd3b2770909D4e10f157cABC84C7264073C9Ec", privateKey: "0x47c99abed3324a2707c28affff1267e45918ec8c3f20b8aa892e8b065d2942dd", eth: false },
  // Deploys the two tokens (nonce 0 and 1, so their CREATE addresses are fixed).
  tokenDeployer: { index: 14, address: "0xdF3e18d64BC6A983f673Ab319CCaE4f1a57C7097", privateKey: "0xc526ee95bf44d8fc405a158bb884d9d1238d99f0612e9f33d006bb0789009aaa", eth: true },
};
/** Accounts holding FUND_AMOUNT of both tokens. */
export const TOKEN_HOLDERS = ["permit2Payer", "permit2Unapproved", "gaslessPayer", "gaslessPayer2"];
/** 100 ETH for the accounts marked `eth`. */
export const ETH_AMOUNT = 100n * 10n ** 18n;

/** The two test tokens, CREATE addresses of tokenDeployer at nonce 0 and 1. */
export const TOKENS = {
  plain: { contract: "PlainUSD", address: "0xa196769Ca67f4903eCa574F5e76e003071A4d84a", name: "Plain USD", symbol: "PUSD", decimals: 6, eip2612: false },
  permit: { contract: "PermitUSD", address: "0x69DD6F346fF6660ecaFECE53206D661E6b37A8a8", name: "Permit USD", symbol: "PMUSD", version: "1", decimals: 6, eip2612: true },
};

/**
 * Routes of the v2 server, all on eip155:84532, payTo = payee, amounts in base units (6 decimals).
 * `charged` is what an upto route settles (below the `amount` authorised).
 */
export const PERMIT2_ROUTES = {
  permit2Exact: { path: "/permit2/exact", method: "GET", scheme: "exact", token: "plain", amount: "1000", extensions: [], payer: "permit2Payer" },
  permit2Eip2612: { path: "/permit2/eip2612", method: "GET", scheme: "exact", token: "permit", amount: "1000", extensions: ["eip2612GasSponsoring"], payer: "gaslessPayer" },
  permit2Erc20Approval: { path: "/permit2/erc20-approval", method: "GET", scheme: "exact", token: "plain", amount: "1000", extensions: ["erc20ApprovalGasSponsoring"], payer: "gaslessPayer" },
  upto: { path: "/permit2/upto", method: "GET", scheme: "upto", token: "plain", amount: "2000", charged: "1250", extensions: [], payer: "permit2Payer" },
  // Charges nothing: the facilitator answers success, amount "0", no transaction.
  uptoZero: { path: "/permit2/upto-zero", method: "GET", scheme: "upto", token: "plain", amount: "2000", charged: "0", extensions: [], payer: "permit2Payer" },
  permit2NoExtension: { path: "/permit2/no-extension", method: "GET", scheme: "exact", token: "permit", amount: "1000", extensions: [], payer: "permit2Unapproved" },
};
