//! The single integration-test binary: every test drives the real `x402` binary in an
//! isolated home, against servers on 127.0.0.1 only.

// Test harness: isolated environments, the local x402 network, small local servers.
mod support;

// `x402 wallet …`: keystores, Foundry interoperability, balances on a local chain.
mod wallet;

// `x402 wallet approve`: Permit2 allowances sent and read back on the local chain.
mod permit2;
// `x402 get` paying Permit2 exact, upto and the gas-sponsoring extensions, end to end.
mod permit2_get;
// Solana accounts: keys, keystores, per-family defaults, balances over Solana JSON-RPC.
mod solana;
// Paying Solana `exact`: inspect, get, the journal and history check on the local Solana chain.
mod solana_pay;

// `x402 get` and `x402 inspect` against the official x402 servers.
mod pay;

// `x402 get` end to end against a server that verifies each payment: one test per exit code.
mod engine;
// `x402 inspect` against local servers serving each kind of 402.
mod inspect;

// Snapshots of the human output: inspect, the quote, the settlement line, the main errors.
mod human;

// --help, --version, completions freshness, the exit-code table.
mod meta;

// The payment journal, history, budgets, never paying twice, redirects, pinned terms.
mod safety;

// Hostile servers: what must not be paid is not paid, and nothing panics.
mod hostile;

// Hardening: passwords in URLs, server text on the terminal, bounded work, the tool's own
// files, numbers from the command line.
mod hardening;
// Money truth: a signed payment counts until the chain says otherwise; history cancel.
mod money;
// The tool as a person meets it: URLs without a scheme, early flag checks, the demo.
mod ux;
// Flag values checked as the line is read: --since and --network, and the MCP tools' own.
mod flags;
// `x402 mcp` driven by the official TypeScript MCP client.
mod mcp;
