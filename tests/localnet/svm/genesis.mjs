// Deterministic genesis of the local Solana chain (LiteSVM posing as devnet).
//
// Every key is an ed25519 keypair whose 32-byte seed is sha256("x402-localnet solana <role>"),
// so addresses and secret keys are the same on every run and every machine. Secret keys are
// exported the way Phantom and Solflare export them (base58 of the 64 bytes seed || public key)
// and as the Solana CLI's JSON array of 64 numbers.
//
// The USDC-like mint sits at devnet's USDC address with 6 decimals (SPL Token program), so the
// official packages' stock configuration (price "$0.001" on solana:EtWT…) resolves to it. A second
// test mint, "T22" (6 decimals), belongs to the Token-2022 program, at the address of the role
// `token2022Mint`.
import { createHash, createPrivateKey, createPublicKey } from "node:crypto";
import { getBase58Codec } from "@solana/kit";

export const SOLANA_DEVNET = "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1";
export const SOLANA_DEVNET_V1 = "solana-devnet";
export const USDC_DEVNET_MINT = "4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU";
export const USDC_DECIMALS = 6;

export const TOKEN_PROGRAM = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";
export const TOKEN_2022_PROGRAM = "TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb";
export const ASSOCIATED_TOKEN_PROGRAM = "ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL";
export const SYSTEM_PROGRAM = "11111111111111111111111111111111";
export const COMPUTE_BUDGET_PROGRAM = "ComputeBudget111111111111111111111111111111";
export const MEMO_PROGRAM = "MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr";

export const LAMPORTS_PER_SOL = 1_000_000_000n;
/** Slot (= block height: no slot is ever skipped) of the genesis block. */
export const GENESIS_SLOT = 1000n;
/** A blockhash stays valid for this many blocks after the block that issued it (as on Solana). */
export const BLOCKHASH_VALIDITY = 150n;

/** 1000 USDC per funded payer. */
export const SOLANA_FUND_AMOUNT = 1000n * 10n ** 6n;

/**
 * The roles of the genesis. `sol` in lamports; `usdc` and `t22` in base units of the two mints, or
 * null for "no associated token account at all" (the missing-ATA case).
 */
export const ROLES = {
  payer: { sol: 1n * LAMPORTS_PER_SOL, usdc: SOLANA_FUND_AMOUNT, t22: SOLANA_FUND_AMOUNT },
  payer2: { sol: 1n * LAMPORTS_PER_SOL, usdc: SOLANA_FUND_AMOUNT, t22: SOLANA_FUND_AMOUNT },
  poorPayer: { sol: 1n * LAMPORTS_PER_SOL, usdc: 0n, t22: 0n },
  payee: { sol: 0n, usdc: 0n, t22: 0n },
  payeeNoAta: { sol: 0n, usdc: null, t22: null },
  facilitator: { sol: 100n * LAMPORTS_PER_SOL, usdc: null, t22: null },
  mintAuthority: { sol: 0n, usdc: null, t22: null },
  token2022Mint: { sol: 0n, usdc: null, t22: null },
};

const b58 = getBase58Codec();
export const base58 = {
  encode: (bytes) => b58.decode(bytes),
  decode: (text) => new Uint8Array(b58.encode(text)),
};

// PKCS#8 DER prefix of an ed25519 private key; the 32-byte seed follows.
const PKCS8_ED25519 = Buffer.from("302e020100300506032b657004220420", "hex");

/** The deterministic keypair of a role: {address, seed, secretKey (64 bytes)}. */
export function keypairOf(role) {
  const seed = createHash("sha256").update(`x402-localnet solana ${role}`).digest();
  const priv = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, seed]), format: "der", type: "pkcs8" });
  const pub = Buffer.from(createPublicKey(priv).export({ format: "jwk" }).x, "base64url");
  const secretKey = new Uint8Array(Buffer.concat([seed, pub]));
  return { address: base58.encode(pub), publicKey: new Uint8Array(pub), secretKey };
}

/**
 * The associated token account of `owner` for `mint` under `tokenProgram`
 * (PDA of [owner, tokenProgram, mint] under the Associated Token program).
 */
export async function ataOf(owner, mint = USDC_DEVNET_MINT, tokenProgram = TOKEN_PROGRAM) {
  const { getProgramDerivedAddress, getAddressEncoder } = await import("@solana/kit");
  const enc = getAddressEncoder();
  const [pda] = await getProgramDerivedAddress({
    programAddress: ASSOCIATED_TOKEN_PROGRAM,
    seeds: [enc.encode(owner), enc.encode(tokenProgram), enc.encode(mint)],
  });
  return pda;
}

/** The two mints: `usdc` (SPL Token, devnet's USDC address) and `t22` (Token-2022). */
export function mints() {
  return {
    usdc: { address: USDC_DEVNET_MINT, decimals: USDC_DECIMALS, symbol: "USDC", tokenProgram: TOKEN_PROGRAM },
    t22: { address: keypairOf("token2022Mint").address, decimals: 6, symbol: "T22", tokenProgram: TOKEN_2022_PROGRAM },
  };
}

/** Every role's public description (and secret where a test needs to sign with it). */
export async function describeGenesis() {
  const accounts = {};
  const { t22 } = mints();
  for (const [role, spec] of Object.entries(ROLES)) {
    const kp = keypairOf(role);
    accounts[role] = {
      address: kp.address,
      secretKey: base58.encode(kp.secretKey),
      secretKeyBytes: Array.from(kp.secretKey),
      lamports: spec.sol.toString(),
      ata: await ataOf(kp.address),
      ataExists: spec.usdc !== null,
      usdc: spec.usdc === null ? "0" : spec.usdc.toString(),
      token2022Ata: await ataOf(kp.address, t22.address, TOKEN_2022_PROGRAM),
      token2022AtaExists: spec.t22 !== null,
      token2022: spec.t22 === null ? "0" : spec.t22.toString(),
    };
  }
  return accounts;
}
