#!/usr/bin/env node
// Compiles the local network's contracts offline with the pinned npm `solc` (solc-js) and
// writes one artifact per contract (abi, creation bytecode, runtime bytecode):
//   TestUSDC.sol            -> TestUSDC.json
//   TestTokens.sol          -> PlainUSD.json, PermitUSD.json           (OpenZeppelin ERC-20 / ERC20Permit)
//   X402Permit2Proxies.sol  -> x402ExactPermit2Proxy.json, x402UptoPermit2Proxy.json
// Imports (`@openzeppelin/contracts/…`, `@uniswap/v4-periphery/…`) are read from the pinned
// packages in tests/localnet/node_modules.
//
//   node tests/localnet/contracts/build.mjs           # (re)write the artifacts
//   node tests/localnet/contracts/build.mjs --check   # recompile, fail if any differs
//
// The build is reproducible: fixed compiler version, fixed settings, no metadata
// hash appended to the bytecode (so paths and comments cannot change the bytes).
import "../guard.mjs";
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { dirname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const nodeModules = join(here, "..", "node_modules");
const require = createRequire(join(here, "..", "package.json"));
const solc = require("solc");

/** Source file -> contracts written as <name>.json. */
export const TARGETS = [
  { source: "TestUSDC.sol", contracts: ["TestUSDC"] },
  { source: "TestTokens.sol", contracts: ["PlainUSD", "PermitUSD"] },
  { source: "X402Permit2Proxies.sol", contracts: ["x402ExactPermit2Proxy", "x402UptoPermit2Proxy"] },
];
const EXPECTED_SOLC = "0.8.30+commit.73712a01";

const settings = {
  optimizer: { enabled: true, runs: 200 },
  evmVersion: "cancun",
  metadata: { bytecodeHash: "none", appendCBOR: false },
  outputSelection: { "*": { "*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object"] } },
};

const sha256 = (text) => createHash("sha256").update(text).digest("hex");

/** Compiles one source; returns {artifactPath: text} for its contracts. */
function compileTarget({ source: sourceName, contracts }) {
  const source = readFileSync(join(here, sourceName), "utf8");
  const imported = {};
  const findImports = (path) => {
    const file = normalize(join(nodeModules, path));
    if (!path.startsWith("@") || !file.startsWith(nodeModules) || !existsSync(file)) return { error: `import not found: ${path}` };
    const contents = readFileSync(file, "utf8");
    imported[path] = sha256(contents);
    return { contents };
  };
  const input = { language: "Solidity", sources: { [sourceName]: { content: source } }, settings };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
  const errors = (output.errors || []).filter((e) => e.severity === "error");
  // Diagnostics of the pinned packages' own files are theirs, not ours: show errors only.
  for (const e of output.errors || []) {
    if (e.severity === "error" || !e.sourceLocation?.file?.startsWith("@")) process.stderr.write(`${e.formattedMessage}\n`);
  }
  if (errors.length) throw new Error(`${sourceName}: compilation failed with ${errors.length} error(s)`);
  const out = {};
  for (const name of contracts) {
    const c = output.contracts[sourceName][name];
    if (!c) throw new Error(`${sourceName}: no contract ${name}`);
    const artifact = {
      contractName: name,
      sourceName: `contracts/${sourceName}`,
      sourceSha256: sha256(source),
      ...(Object.keys(imported).length && { importSha256: Object.fromEntries(Object.entries(imported).sort()) }),
      compiler: { name: "solc-js", version: EXPECTED_SOLC, settings: { ...settings, outputSelection: undefined } },
      abi: c.abi,
      bytecode: `0x${c.evm.bytecode.object}`,
      deployedBytecode: `0x${c.evm.deployedBytecode.object}`,
    };
    out[join(here, `${name}.json`)] = `${JSON.stringify(artifact, null, 2)}\n`;
  }
  return out;
}

/** All artifacts: {path: text}. */
export function compile() {
  const version = solc.version();
  if (!version.startsWith(EXPECTED_SOLC)) {
    throw new Error(`solc ${EXPECTED_SOLC} expected, found ${version}; run tests/localnet/install.sh`);
  }
  return Object.assign({}, ...TARGETS.map(compileTarget));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const check = process.argv.includes("--check");
  const artifacts = compile();
  let stale = 0;
  for (const [path, text] of Object.entries(artifacts)) {
    const name = path.slice(here.length + 1);
    if (check) {
      const committed = existsSync(path) ? readFileSync(path, "utf8") : "";
      if (committed !== text) {
        stale++;
        process.stderr.write(`${path} is out of date or not reproducible: a fresh compile gives different output.\n`);
        continue;
      }
      const a = JSON.parse(text);
      console.log(`ok: ${name} matches a fresh compile (runtime ${(a.deployedBytecode.length - 2) / 2} bytes, sha256 ${sha256(a.deployedBytecode).slice(0, 16)})`);
    } else {
      writeFileSync(path, text);
      console.log(`wrote ${path}`);
    }
  }
  if (stale) {
    process.stderr.write(`Run: node tests/localnet/contracts/build.mjs\n`);
    process.exit(1);
  }
}
