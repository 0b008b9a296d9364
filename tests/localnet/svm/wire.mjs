// Solana wire-format transaction reader (legacy and v0), strict: the local chain hands only
// well-formed bytes to LiteSVM, whose native module aborts the process on some malformed input.
import { base58 } from "./genesis.mjs";

export class WireError extends Error {}

function reader(bytes) {
  let pos = 0;
  const need = (n) => {
    if (pos + n > bytes.length) throw new WireError(`transaction truncated at byte ${pos} (needs ${n} more)`);
  };
  return {
    get pos() {
      return pos;
    },
    u8() {
      need(1);
      return bytes[pos++];
    },
    bytes(n) {
      need(n);
      const out = bytes.subarray(pos, pos + n);
      pos += n;
      return out;
    },
    /** compact-u16 ("shortvec") length prefix */
    shortvec() {
      let value = 0;
      for (let i = 0; i < 3; i++) {
        need(1);
        const b = bytes[pos++];
        value |= (b & 0x7f) << (7 * i);
        if ((b & 0x80) === 0) return value;
      }
      throw new WireError("compact-u16 longer than 3 bytes");
    },
    done() {
      return pos === bytes.length;
    },
  };
}

/**
 * Parses a wire transaction. Returns {version ("legacy" | 0), signatures (Uint8Array[]),
 * messageBytes, header, accountKeys (base58[]), recentBlockhash, instructions
 * [{programIdIndex, accounts, data}], addressTableLookups}.
 */
export function parseTransaction(bytes) {
  const r = reader(bytes);
  const nsig = r.shortvec();
  if (nsig === 0) throw new WireError("transaction has no signatures");
  const signatures = [];
  for (let i = 0; i < nsig; i++) signatures.push(r.bytes(64));
  const messageStart = r.pos;
  let version = "legacy";
  const first = r.u8();
  let numRequiredSignatures = first;
  if (first & 0x80) {
    version = first & 0x7f;
    if (version !== 0) throw new WireError(`unsupported transaction version ${version}`);
    numRequiredSignatures = r.u8();
  }
  const header = { numRequiredSignatures, numReadonlySignedAccounts: r.u8(), numReadonlyUnsignedAccounts: r.u8() };
  const nkeys = r.shortvec();
  const accountKeys = [];
  for (let i = 0; i < nkeys; i++) accountKeys.push(base58.encode(r.bytes(32)));
  const recentBlockhash = base58.encode(r.bytes(32));
  const nix = r.shortvec();
  const instructions = [];
  for (let i = 0; i < nix; i++) {
    const programIdIndex = r.u8();
    const nacc = r.shortvec();
    const accounts = Array.from(r.bytes(nacc));
    const data = new Uint8Array(r.bytes(r.shortvec()));
    instructions.push({ programIdIndex, accounts, data });
  }
  const addressTableLookups = [];
  if (version === 0) {
    const nlookups = r.shortvec();
    for (let i = 0; i < nlookups; i++) {
      const accountKey = base58.encode(r.bytes(32));
      const writableIndexes = Array.from(r.bytes(r.shortvec()));
      const readonlyIndexes = Array.from(r.bytes(r.shortvec()));
      addressTableLookups.push({ accountKey, writableIndexes, readonlyIndexes });
    }
  }
  if (!r.done()) throw new WireError(`${bytes.length - r.pos} trailing bytes after the message`);
  if (header.numRequiredSignatures !== nsig) {
    throw new WireError(`message requires ${header.numRequiredSignatures} signatures, transaction carries ${nsig}`);
  }
  if (header.numRequiredSignatures > nkeys || header.numReadonlySignedAccounts >= header.numRequiredSignatures) {
    throw new WireError("message header does not fit its account keys");
  }
  if (header.numReadonlyUnsignedAccounts > nkeys - header.numRequiredSignatures) throw new WireError("message header does not fit its account keys");
  const nLoaded = addressTableLookups.reduce((n, l) => n + l.writableIndexes.length + l.readonlyIndexes.length, 0);
  for (const ix of instructions) {
    if (ix.programIdIndex >= nkeys) throw new WireError("instruction program index out of range");
    if (ix.accounts.some((a) => a >= nkeys + nLoaded)) throw new WireError("instruction account index out of range");
  }
  return { version, signatures, messageBytes: bytes.subarray(messageStart), header, accountKeys, recentBlockhash, instructions, addressTableLookups };
}

/** True if the account key at `index` is writable under the message header (static keys only). */
export function isWritable(tx, index) {
  const { numRequiredSignatures: s, numReadonlySignedAccounts: rs, numReadonlyUnsignedAccounts: ru } = tx.header;
  if (index < s) return index < s - rs;
  return index < tx.accountKeys.length - ru;
}

/** The first signature, base58: the transaction's id. */
export function signatureOf(tx) {
  return base58.encode(tx.signatures[0]);
}
