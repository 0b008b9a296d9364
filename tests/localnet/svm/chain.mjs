// The local Solana chain: one LiteSVM bank (the real SVM with SPL Token, Token-2022, Associated
// Token Account, Memo and ComputeBudget built in) plus what a validator's RPC node adds on top:
// block height and blockhash lifetime, signature statuses, transaction history with balances,
// and the split between failures before execution (rejected, never land) and failures during
// execution (land as failed transactions, fee charged).
//
// Model: one block per test-visible step. Transactions land at the current slot; block height
// equals the slot (no skipped slots) and only moves when a test advances it. LiteSVM accepts only
// its current blockhash, which stays fixed (valid until current height + 150) until a test expires
// it: expiring moves the height past the old blockhash's lastValidBlockHeight, as on a real chain.
import { createRequire } from "node:module";
import { getMintDecoder, getMintEncoder, getTokenDecoder, getTokenEncoder, AccountState } from "@solana-program/token";
import { none, some } from "@solana/kit";
import {
  BLOCKHASH_VALIDITY, COMPUTE_BUDGET_PROGRAM, GENESIS_SLOT, ROLES, TOKEN_2022_PROGRAM, TOKEN_PROGRAM, USDC_DEVNET_MINT,
  SYSTEM_PROGRAM, ataOf, base58, keypairOf, mints,
} from "./genesis.mjs";
import { WireError, isWritable, parseTransaction, signatureOf } from "./wire.mjs";

const require = createRequire(import.meta.url);
const lite = require("litesvm/dist/internal");

/** TransactionErrorFieldless, in the order of LiteSVM's enum (= solana_transaction_error). */
const TX_ERRORS = [
  "AccountInUse", "AccountLoadedTwice", "AccountNotFound", "ProgramAccountNotFound", "InsufficientFundsForFee",
  "InvalidAccountForFee", "AlreadyProcessed", "BlockhashNotFound", "CallChainTooDeep", "MissingSignatureForFee",
  "InvalidAccountIndex", "SignatureFailure", "InvalidProgramForExecution", "SanitizeFailure", "ClusterMaintenance",
  "AccountBorrowOutstanding", "WouldExceedMaxBlockCostLimit", "UnsupportedVersion", "InvalidWritableAccount",
  "WouldExceedMaxAccountCostLimit", "WouldExceedAccountDataBlockLimit", "TooManyAccountLocks", "AddressLookupTableNotFound",
  "InvalidAddressLookupTableOwner", "InvalidAddressLookupTableData", "InvalidAddressLookupTableIndex", "InvalidRentPayingAccount",
  "WouldExceedMaxVoteCostLimit", "WouldExceedAccountDataTotalLimit", "MaxLoadedAccountsDataSizeExceeded", "ResanitizationNeeded",
  "InvalidLoadedAccountsDataSizeLimit", "UnbalancedTransaction", "ProgramCacheHitMaxLimit", "CommitCancelled",
];
/** InstructionErrorFieldless, in the order of LiteSVM's enum. */
const IX_ERRORS = [
  "GenericError", "InvalidArgument", "InvalidInstructionData", "InvalidAccountData", "AccountDataTooSmall", "InsufficientFunds",
  "IncorrectProgramId", "MissingRequiredSignature", "AccountAlreadyInitialized", "UninitializedAccount", "UnbalancedInstruction",
  "ModifiedProgramId", "ExternalAccountLamportSpend", "ExternalAccountDataModified", "ReadonlyLamportChange", "ReadonlyDataModified",
  "DuplicateAccountIndex", "ExecutableModified", "RentEpochModified", "NotEnoughAccountKeys", "AccountDataSizeChanged",
  "AccountNotExecutable", "AccountBorrowFailed", "AccountBorrowOutstanding", "DuplicateAccountOutOfSync", "InvalidError",
  "ExecutableDataModified", "ExecutableLamportChange", "ExecutableAccountNotRentExempt", "UnsupportedProgramId", "CallDepth",
  "MissingAccount", "ReentrancyNotAllowed", "MaxSeedLengthExceeded", "InvalidSeeds", "InvalidRealloc", "ComputationalBudgetExceeded",
  "PrivilegeEscalation", "ProgramEnvironmentSetupFailure", "ProgramFailedToComplete", "ProgramFailedToCompile", "Immutable",
  "IncorrectAuthority", "AccountNotRentExempt", "InvalidAccountOwner", "ArithmeticOverflow", "UnsupportedSysvar", "IllegalOwner",
  "MaxAccountsDataAllocationsExceeded", "MaxAccountsExceeded", "MaxInstructionTraceLengthExceeded",
  "BuiltinProgramsMustConsumeComputeUnits", "BorshIoError",
];
/** How a validator words the common transaction errors (solana_transaction_error Display). */
const TX_ERROR_TEXT = {
  AccountNotFound: "Attempt to debit an account but found no record of a prior credit.",
  AlreadyProcessed: "This transaction has already been processed",
  BlockhashNotFound: "Blockhash not found",
  InsufficientFundsForFee: "Insufficient funds for fee",
  SignatureFailure: "Transaction did not pass signature verification",
  SanitizeFailure: "Transaction failed to sanitize accounts offsets correctly",
  ProgramAccountNotFound: "Attempt to load a program that does not exist",
  InvalidAccountForFee: "This account may not be used to pay transaction fees",
};

/** A JSON-RPC error with its code, message and optional data. */
export class RpcError extends Error {
  constructor(code, message, data) {
    super(message);
    this.code = code;
    this.data = data;
  }
}

/** LiteSVM's error objects as the JSON a validator's RPC returns (`{"InstructionError":[2,{"Custom":1}]}`). */
function errorJson(e) {
  if (typeof e === "number") return TX_ERRORS[e] ?? `TransactionError${e}`;
  if (e instanceof lite.TransactionErrorInstructionError) {
    const inner = e.err();
    let ix;
    if (typeof inner === "number") ix = IX_ERRORS[inner] ?? `InstructionError${inner}`;
    else if (inner instanceof lite.InstructionErrorCustom) ix = { Custom: inner.code };
    else ix = "BorshIoError";
    return { InstructionError: [e.index, ix] };
  }
  if (e instanceof lite.TransactionErrorDuplicateInstruction) return { DuplicateInstruction: e.index };
  if (e instanceof lite.TransactionErrorInsufficientFundsForRent) return { InsufficientFundsForRent: { account_index: e.accountIndex } };
  if (e instanceof lite.TransactionErrorProgramExecutionTemporarilyRestricted) return { ProgramExecutionTemporarilyRestricted: { account_index: e.accountIndex } };
  return String(e);
}

/** True for errors raised before any instruction ran: such a transaction never lands. */
function beforeExecution(err) {
  return typeof err === "string";
}

function errorText(err) {
  if (typeof err === "string") return TX_ERROR_TEXT[err] ?? err;
  if (err.InstructionError) {
    const [i, e] = err.InstructionError;
    return `Error processing Instruction ${i}: ${typeof e === "string" ? e : e.Custom !== undefined ? `custom program error: 0x${e.Custom.toString(16)}` : JSON.stringify(e)}`;
  }
  return JSON.stringify(err);
}

const bytesOf = (address) => {
  let b;
  try {
    b = base58.decode(address);
  } catch {
    b = null;
  }
  if (typeof address !== "string" || !b || b.length !== 32) throw new RpcError(-32602, `Invalid param: Invalid public key: ${JSON.stringify(address)}`);
  return b;
};

export class LocalChain {
  constructor() {
    this.svm = new lite.LiteSvm();
    this.svm.warpToSlot(GENESIS_SLOT);
    this.slot = GENESIS_SLOT;
    this.issueBlockhash();
    /** signature -> landed transaction record */
    this.records = new Map();
    this.transactionCount = 0n;
  }

  issueBlockhash() {
    this.blockhash = { blockhash: this.svm.latestBlockhash(), lastValidBlockHeight: this.slot + BLOCKHASH_VALIDITY };
  }

  get blockHeight() {
    return this.slot;
  }

  // ------------------------------------------------------------ accounts
  account(address) {
    const a = this.svm.getAccount(bytesOf(address));
    if (!a) return null;
    return { address, lamports: a.lamports(), data: a.data(), owner: base58.encode(a.owner()), executable: a.executable(), rentEpoch: a.rentEpoch() };
  }

  setAccount(address, { lamports, data = new Uint8Array(0), owner = SYSTEM_PROGRAM, executable = false }) {
    // rentEpoch u64::MAX: rent-exempt, as every account on a current cluster.
    this.svm.setAccount(bytesOf(address), new lite.Account(BigInt(lamports), data, bytesOf(owner), executable, 18446744073709551615n));
  }

  deleteAccount(address) {
    const existed = this.account(address) !== null;
    this.setAccount(address, { lamports: 0n });
    return existed;
  }

  /** Decoded SPL token account (Token or Token-2022 base layout), or null. */
  tokenAccount(address) {
    const a = this.account(address);
    if (!a || (a.owner !== TOKEN_PROGRAM && a.owner !== TOKEN_2022_PROGRAM)) return null;
    // 165 bytes, or Token-2022 with extensions: account type byte 2 (Account) at offset 165.
    if (!(a.data.length === 165 || (a.data.length > 165 && a.data[165] === 2))) return null;
    if (a.data[108] === AccountState.Uninitialized) return null;
    const t = getTokenDecoder().decode(a.data.subarray(0, 165));
    return { ...t, programId: a.owner };
  }

  mint(address) {
    const a = this.account(address);
    if (!a || (a.owner !== TOKEN_PROGRAM && a.owner !== TOKEN_2022_PROGRAM)) return null;
    // 82 bytes, or Token-2022 with extensions: account type byte 1 (Mint) at offset 165.
    if (!(a.data.length === 82 || (a.data.length > 165 && a.data[165] === 1))) return null;
    const m = getMintDecoder().decode(a.data.subarray(0, 82));
    return m.isInitialized ? { ...m, programId: a.owner } : null;
  }

  rentExempt(len) {
    return this.svm.minimumBalanceForRentExemption(BigInt(len));
  }

  writeMint(address, { supply, decimals, authority, programId = TOKEN_PROGRAM }) {
    const data = new Uint8Array(getMintEncoder().encode({ mintAuthority: some(authority), supply, decimals, isInitialized: true, freezeAuthority: none() }));
    this.setAccount(address, { lamports: this.rentExempt(82), data, owner: programId });
  }

  writeTokenAccount(address, { mint, owner, amount, programId = TOKEN_PROGRAM }) {
    const data = new Uint8Array(getTokenEncoder().encode({
      mint, owner, amount, delegate: none(), state: AccountState.Initialized, isNative: none(), delegatedAmount: 0n, closeAuthority: none(),
    }));
    this.setAccount(address, { lamports: this.rentExempt(165), data, owner: programId });
  }

  /** Sets `owner`'s token balance of `mint` on its associated token account (created if missing); keeps the supply consistent. */
  async setTokenBalance(owner, amount, mint = USDC_DEVNET_MINT) {
    bytesOf(owner);
    const m = this.mint(mint);
    if (!m) throw new RpcError(-32602, `Invalid param: ${mint} is not a mint`);
    const ata = await ataOf(owner, mint, m.programId);
    const before = this.tokenAccount(ata)?.amount ?? 0n;
    const value = BigInt(amount);
    if (value < 0n || value > 18446744073709551615n) throw new RpcError(-32602, "Invalid param: amount must be a u64");
    this.writeTokenAccount(ata, { mint, owner, amount: value, programId: m.programId });
    const authority = m.mintAuthority.__option === "Some" ? m.mintAuthority.value : keypairOf("mintAuthority").address;
    this.writeMint(mint, { supply: m.supply - before + value, decimals: m.decimals, authority, programId: m.programId });
    return { ata, previous: before.toString(), amount: value.toString() };
  }

  /** Deletes `owner`'s associated token account of `mint` (keeping the supply consistent). */
  async deleteAta(owner, mint = USDC_DEVNET_MINT) {
    bytesOf(owner);
    const m = this.mint(mint);
    if (!m) throw new RpcError(-32602, `Invalid param: ${mint} is not a mint`);
    const ata = await ataOf(owner, mint, m.programId);
    const before = this.tokenAccount(ata)?.amount ?? 0n;
    const existed = this.deleteAccount(ata);
    if (before > 0n) {
      const authority = m.mintAuthority.__option === "Some" ? m.mintAuthority.value : keypairOf("mintAuthority").address;
      this.writeMint(mint, { supply: m.supply - before, decimals: m.decimals, authority, programId: m.programId });
    }
    return { ata, existed };
  }

  async genesis() {
    const authority = keypairOf("mintAuthority").address;
    for (const [key, m] of Object.entries(mints())) {
      let supply = 0n;
      for (const spec of Object.values(ROLES)) supply += spec[key] ?? 0n;
      this.writeMint(m.address, { supply, decimals: m.decimals, authority, programId: m.tokenProgram });
      for (const role of Object.keys(ROLES)) {
        const { address } = keypairOf(role);
        const amount = ROLES[role][key];
        if (amount !== null) this.writeTokenAccount(await ataOf(address, m.address, m.tokenProgram), { mint: m.address, owner: address, amount, programId: m.tokenProgram });
      }
    }
    for (const [role, spec] of Object.entries(ROLES)) if (spec.sol > 0n) this.setAccount(keypairOf(role).address, { lamports: spec.sol });
  }

  // ------------------------------------------------------------ blocks
  advanceBlocks(n) {
    const by = BigInt(n);
    if (by < 0n) throw new RpcError(-32602, "Invalid param: blocks must be >= 0");
    this.slot += by;
    this.svm.warpToSlot(this.slot);
    if (this.slot > this.blockhash.lastValidBlockHeight) {
      this.svm.expireBlockhash();
      this.issueBlockhash();
    }
  }

  /** A new blockhash; the height moves past the old one's lastValidBlockHeight, so it can never land. */
  expireBlockhash() {
    const old = this.blockhash;
    this.advanceBlocks(old.lastValidBlockHeight - this.slot + 1n);
    return { expired: old, ...this.blockhash, blockHeight: this.blockHeight };
  }

  // ------------------------------------------------------------ transactions
  decode(base64) {
    if (typeof base64 !== "string") throw new RpcError(-32602, "Invalid params: transaction must be a string");
    const bytes = new Uint8Array(Buffer.from(base64, "base64"));
    if (bytes.length === 0 || Buffer.from(bytes).toString("base64").replace(/=+$/, "") !== base64.replace(/=+$/, "")) {
      throw new RpcError(-32602, "invalid transaction: invalid base64 encoding");
    }
    if (bytes.length > 1232) throw new RpcError(-32602, `base64 encoded solana_transaction::versioned::VersionedTransaction too large: ${bytes.length} bytes (max: encoded/raw 1644/1232)`);
    try {
      return { bytes, tx: parseTransaction(bytes) };
    } catch (e) {
      if (e instanceof WireError) throw new RpcError(-32602, `failed to deserialize solana_transaction::versioned::VersionedTransaction: ${e.message}`);
      throw e;
    }
  }

  /** getFeeForMessage: the fee of a base64 message, or null when its blockhash is not the current one. */
  feeForMessage(base64) {
    const message = Buffer.from(String(base64), "base64");
    if (message.length === 0) throw new RpcError(-32602, "Invalid params: empty message");
    const nsig = message[0] & 0x80 ? message[1] : message[0];
    if (nsig === undefined || nsig > 127) throw new RpcError(-32602, "Invalid params: bad message header");
    let tx;
    try {
      tx = parseTransaction(new Uint8Array(Buffer.concat([Buffer.from([nsig]), Buffer.alloc(64 * nsig), message])));
    } catch (e) {
      if (e instanceof WireError) throw new RpcError(-32602, `Invalid params: ${e.message}`);
      throw e;
    }
    return tx.recentBlockhash === this.blockhash.blockhash ? feeOf(tx) : null;
  }

  /** Runs LiteSVM with temporarily changed checks. */
  withChecks({ sigVerify = true, blockhashCheck = true }, fn) {
    this.svm.setSigverify(sigVerify);
    this.svm.setBlockhashCheck(blockhashCheck);
    try {
      return fn();
    } finally {
      this.svm.setSigverify(true);
      this.svm.setBlockhashCheck(true);
    }
  }

  execute({ bytes, tx }, simulate) {
    const v0 = tx.version === 0;
    if (simulate) return v0 ? this.svm.simulateVersionedTransaction(bytes) : this.svm.simulateLegacyTransaction(bytes);
    return v0 ? this.svm.sendVersionedTransaction(bytes) : this.svm.sendLegacyTransaction(bytes);
  }

  /** simulateTransaction: {err, logs, unitsConsumed, innerInstructions?, accounts?, replacementBlockhash?} */
  simulate(base64, { sigVerify = false, replaceRecentBlockhash = false, innerInstructions = false, accounts } = {}) {
    if (sigVerify && replaceRecentBlockhash) throw new RpcError(-32602, "Invalid params: sigVerify may not be used with replaceRecentBlockhash");
    const decoded = this.decode(base64);
    if (this.records.has(signatureOf(decoded.tx)) && !replaceRecentBlockhash) {
      return { err: "AlreadyProcessed", logs: [], accounts: null, unitsConsumed: 0, returnData: null, ...(innerInstructions && { innerInstructions: null }) };
    }
    const out = this.withChecks({ sigVerify, blockhashCheck: !replaceRecentBlockhash }, () => this.execute(decoded, true));
    const failed = out instanceof lite.FailedTransactionMetadata;
    const err = failed ? errorJson(out.err()) : null;
    if (sigVerify && err === "SignatureFailure") throw new RpcError(-32003, "Transaction signature verification failure");
    const meta = out.meta();
    const value = {
      err,
      logs: meta.logs(),
      accounts: null,
      unitsConsumed: Number(meta.computeUnitsConsumed()),
      returnData: returnDataJson(meta),
      fee: Number(feeOf(decoded.tx)),
    };
    if (innerInstructions) value.innerInstructions = innerJson(meta);
    if (replaceRecentBlockhash) value.replacementBlockhash = { blockhash: this.blockhash.blockhash, lastValidBlockHeight: Number(this.blockhash.lastValidBlockHeight) };
    if (accounts?.addresses?.length) {
      const post = failed ? [] : out.postAccounts();
      value.accounts = accounts.addresses.map((addr) => {
        const hit = post.find((p) => base58.encode(p.address) === addr);
        const a = hit ? hit.account() : this.svm.getAccount(bytesOf(addr));
        return a ? accountJson({ lamports: a.lamports(), data: a.data(), owner: base58.encode(a.owner()), executable: a.executable(), rentEpoch: a.rentEpoch() }, "base64") : null;
      });
    }
    return value;
  }

  /** sendTransaction: returns the signature, or throws the RPC error a validator would answer. */
  send(base64, { skipPreflight = false } = {}) {
    const decoded = this.decode(base64);
    const { tx } = decoded;
    const signature = signatureOf(tx);
    const preflightError = (err, logs = [], unitsConsumed = 0) =>
      new RpcError(-32002, `Transaction simulation failed: ${errorText(err)}`, { err, logs, accounts: null, unitsConsumed, returnData: null, innerInstructions: null });
    if (this.records.has(signature)) throw preflightError("AlreadyProcessed");
    if (!skipPreflight) {
      const sim = this.simulate(base64, { sigVerify: true });
      if (sim.err) throw preflightError(sim.err, sim.logs, sim.unitsConsumed);
    }
    const keys = tx.accountKeys;
    const preBalances = keys.map((k) => this.account(k)?.lamports ?? 0n);
    const preTokenBalances = this.tokenBalances(keys);
    const out = this.execute(decoded, false);
    const failed = out instanceof lite.FailedTransactionMetadata;
    const err = failed ? errorJson(out.err()) : null;
    if (failed && beforeExecution(err)) {
      if (err === "SignatureFailure") throw new RpcError(-32003, "Transaction signature verification failure");
      throw preflightError(err, out.meta().logs());
    }
    const meta = failed ? out.meta() : out; // a successful send returns the metadata itself
    this.transactionCount += 1n;
    this.records.set(signature, {
      signature,
      slot: this.slot,
      blockTime: Math.floor(Date.now() / 1000),
      base64,
      tx,
      err,
      fee: feeOf(tx),
      logs: meta.logs(),
      unitsConsumed: meta.computeUnitsConsumed(),
      innerInstructions: innerJson(meta),
      returnData: returnDataJson(meta),
      preBalances,
      postBalances: keys.map((k) => this.account(k)?.lamports ?? 0n),
      preTokenBalances,
      postTokenBalances: this.tokenBalances(keys),
    });
    return signature;
  }

  tokenBalances(keys) {
    const out = [];
    keys.forEach((k, accountIndex) => {
      const t = this.tokenAccount(k);
      if (!t) return;
      const decimals = this.mint(t.mint)?.decimals ?? 0;
      out.push({ accountIndex, mint: t.mint, owner: t.owner, programId: t.programId, uiTokenAmount: uiAmount(t.amount, decimals) });
    });
    return out;
  }

  status(signature) {
    const r = this.records.get(signature);
    if (!r) return null;
    return { slot: r.slot, confirmations: null, err: r.err, status: r.err ? { Err: r.err } : { Ok: null }, confirmationStatus: "finalized" };
  }

  /**
   * getSignaturesForAddress: the landed transactions whose static account keys include `address`,
   * newest first, as a validator lists them (`before` / `until` exclusive; an unknown `before`
   * gives an empty list, an unknown `until` none of a bound).
   */
  signaturesFor(address, { limit = 1000, before, until } = {}) {
    bytesOf(address);
    const n = Number(limit);
    if (!Number.isInteger(n) || n < 1 || n > 1000) throw new RpcError(-32602, "Invalid limit; max 1000");
    for (const s of [before, until]) {
      if (s !== undefined && s !== null) {
        let b = null;
        try {
          b = base58.decode(String(s));
        } catch {}
        if (!b || b.length !== 64) throw new RpcError(-32602, "Invalid param: Invalid");
      }
    }
    const newest = [...this.records.values()].reverse();
    let start = 0;
    if (before) {
      start = newest.findIndex((r) => r.signature === before) + 1;
      if (start === 0) return [];
    }
    const out = [];
    for (const r of newest.slice(start)) {
      if (until && r.signature === until) break;
      if (!r.tx.accountKeys.includes(address)) continue;
      out.push({ signature: r.signature, slot: r.slot, err: r.err, memo: memosOf(r.tx), blockTime: r.blockTime, confirmationStatus: "finalized" });
      if (out.length === n) break;
    }
    return out;
  }

  /** getTransaction result, or null. */
  transaction(signature, { encoding = "json", maxSupportedTransactionVersion } = {}) {
    const r = this.records.get(signature);
    if (!r) return null;
    if (r.tx.version === 0 && (maxSupportedTransactionVersion === undefined || maxSupportedTransactionVersion === null)) {
      throw new RpcError(-32015, "Transaction version (0) is not supported by the requesting client. Please try the request again with the following configuration parameter: \"maxSupportedTransactionVersion\": 0");
    }
    let transaction;
    if (encoding === "base64") transaction = [r.base64, "base64"];
    else if (encoding === "base58") transaction = [base58.encode(Buffer.from(r.base64, "base64")), "base58"];
    else if (encoding === "json" || encoding === "jsonParsed") transaction = transactionJson(r.tx, encoding === "jsonParsed");
    else throw new RpcError(-32602, `Invalid params: unknown encoding ${encoding}`);
    return {
      slot: r.slot,
      blockTime: r.blockTime,
      version: r.tx.version,
      transaction,
      meta: {
        err: r.err,
        status: r.err ? { Err: r.err } : { Ok: null },
        fee: r.fee,
        preBalances: r.preBalances,
        postBalances: r.postBalances,
        preTokenBalances: r.preTokenBalances,
        postTokenBalances: r.postTokenBalances,
        innerInstructions: r.innerInstructions ?? [],
        logMessages: r.logs,
        rewards: [],
        loadedAddresses: { writable: [], readonly: [] },
        computeUnitsConsumed: r.unitsConsumed,
        returnData: r.returnData ?? undefined,
      },
    };
  }
}

const MEMO_PROGRAMS = ["MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr", "Memo1UhkJRfHyvLMcVucJwxXeuD728EqVDDwQDxFMNo"];

/** A validator's `memo` of a transaction (solana-transaction-status extract_and_fmt_memos): `[LEN] TEXT` per Memo instruction, joined by "; ", or null. */
function memosOf(tx) {
  const memos = tx.instructions
    .filter((ix) => MEMO_PROGRAMS.includes(tx.accountKeys[ix.programIdIndex]))
    .map((ix) => {
      let text;
      try {
        text = new TextDecoder("utf-8", { fatal: true }).decode(ix.data);
      } catch {
        text = "(unparseable)";
      }
      return `[${ix.data.length}] ${text}`;
    });
  return memos.length ? memos.join("; ") : null;
}

/** 5000 lamports per signature plus the priority fee (compute unit limit × price, micro-lamports). */
function feeOf(tx) {
  let limit = null;
  let price = 0n;
  let others = 0n;
  for (const ix of tx.instructions) {
    const program = tx.accountKeys[ix.programIdIndex];
    if (program === COMPUTE_BUDGET_PROGRAM && ix.data.length >= 5 && ix.data[0] === 2) limit = BigInt(Buffer.from(ix.data).readUInt32LE(1));
    else if (program === COMPUTE_BUDGET_PROGRAM && ix.data.length >= 9 && ix.data[0] === 3) price = Buffer.from(ix.data).readBigUInt64LE(1);
    else if (program !== COMPUTE_BUDGET_PROGRAM) others += 1n;
  }
  if (limit === null) limit = others * 200_000n > 1_400_000n ? 1_400_000n : others * 200_000n;
  const priority = (limit * price + 999_999n) / 1_000_000n;
  return 5000n * BigInt(tx.header.numRequiredSignatures) + priority;
}

export function uiAmount(amount, decimals) {
  const s = amount.toString().padStart(decimals + 1, "0");
  const whole = s.slice(0, s.length - decimals);
  const frac = decimals ? s.slice(s.length - decimals).replace(/0+$/, "") : "";
  const uiAmountString = frac ? `${whole}.${frac}` : whole;
  return { amount: amount.toString(), decimals, uiAmount: Number(uiAmountString), uiAmountString };
}

function innerJson(meta) {
  return meta.innerInstructions().map((list, index) => ({
    index,
    instructions: list.map((inner) => {
      const ci = inner.instruction();
      return { programIdIndex: ci.programIdIndex(), accounts: Array.from(ci.accounts()), data: base58.encode(ci.data()), stackHeight: inner.stackHeight() };
    }),
  })).filter((x) => x.instructions.length > 0);
}

function returnDataJson(meta) {
  const rd = meta.returnData();
  const data = rd.data();
  if (!data || data.length === 0) return null;
  return { programId: base58.encode(rd.programId()), data: [Buffer.from(data).toString("base64"), "base64"] };
}

function transactionJson(tx, parsed) {
  const message = {
    header: tx.header,
    accountKeys: parsed
      ? tx.accountKeys.map((pubkey, i) => ({ pubkey, signer: i < tx.header.numRequiredSignatures, writable: isWritable(tx, i), source: "transaction" }))
      : tx.accountKeys,
    recentBlockhash: tx.recentBlockhash,
    instructions: tx.instructions.map((ix) =>
      parsed
        ? { programId: tx.accountKeys[ix.programIdIndex], accounts: ix.accounts.map((a) => tx.accountKeys[a]), data: base58.encode(ix.data), stackHeight: null }
        : { programIdIndex: ix.programIdIndex, accounts: ix.accounts, data: base58.encode(ix.data), stackHeight: null },
    ),
  };
  if (tx.version === 0) message.addressTableLookups = tx.addressTableLookups;
  if (parsed) delete message.header;
  return { signatures: tx.signatures.map((s) => base58.encode(s)), message };
}

/** An account in the RPC's `getAccountInfo` shape. */
export function accountJson(a, encoding, chain) {
  const base = { executable: a.executable, lamports: a.lamports, owner: a.owner, rentEpoch: a.rentEpoch, space: a.data.length };
  if (encoding === "base64") return { ...base, data: [Buffer.from(a.data).toString("base64"), "base64"] };
  if (encoding === "base58") return { ...base, data: [base58.encode(a.data), "base58"] };
  if (encoding === "jsonParsed") {
    const parsed = chain && parseTokenData(a, chain);
    if (parsed) return { ...base, data: parsed };
    return { ...base, data: [Buffer.from(a.data).toString("base64"), "base64"] };
  }
  throw new RpcError(-32602, `Invalid params: unsupported encoding ${encoding}`);
}

function parseTokenData(a, chain) {
  if (a.owner !== TOKEN_PROGRAM && a.owner !== TOKEN_2022_PROGRAM) return null;
  const program = a.owner === TOKEN_PROGRAM ? "spl-token" : "spl-token-2022";
  if (chain.mint(a.address)) {
    const m = getMintDecoder().decode(a.data.subarray(0, 82));
    return {
      program,
      space: a.data.length,
      parsed: {
        type: "mint",
        info: {
          mintAuthority: m.mintAuthority.__option === "Some" ? m.mintAuthority.value : null,
          supply: m.supply.toString(),
          decimals: m.decimals,
          isInitialized: m.isInitialized,
          freezeAuthority: m.freezeAuthority.__option === "Some" ? m.freezeAuthority.value : null,
        },
      },
    };
  }
  if (chain.tokenAccount(a.address)) {
    const t = getTokenDecoder().decode(a.data.subarray(0, 165));
    const decimals = chain.mint(t.mint)?.decimals ?? 0;
    return {
      program,
      space: a.data.length,
      parsed: {
        type: "account",
        info: {
          isNative: t.isNative.__option === "Some",
          mint: t.mint,
          owner: t.owner,
          state: ["uninitialized", "initialized", "frozen"][t.state],
          tokenAmount: uiAmount(t.amount, decimals),
        },
      },
    };
  }
  return null;
}
