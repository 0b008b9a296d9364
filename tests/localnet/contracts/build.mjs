#!/usr/bin/env node
// Compiles contracts/TestUSDC.sol offline with the pinned npm `solc` (solc-js) and
// writes contracts/TestUSDC.json (abi, creation bytecode, runtime bytecode).
//
//   node tests/localnet/contracts/build.mjs           # (re)write the artifact
//   node tests/localnet/contracts/build.mjs --check   # recompile, fail if it differs
//
// The build is reproducible: fixed compiler version, fixed settings, no metadata
// hash appended to the bytecode (so paths and comments cannot change the bytes).
import "../guard.mjs";
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, "..", "package.json"));
const solc = require("solc");

const SOURCE_NAME = "TestUSDC.sol";
const CONTRACT = "TestUSDC";
const ARTIFACT = join(here, `${CONTRACT}.json`);
const EXPECTED_SOLC = "0.8.30+commit.73712a01";

const settings = {
  optimizer: { enabled: true, runs: 200 },
  evmVersion: "cancun",
  metadata: { bytecodeHash: "none", appendCBOR: false },
  outputSelection: { "*": { "*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object"] } },
};

export function compile() {
  const version = solc.version();
  if (!version.startsWith(EXPECTED_SOLC)) {
    throw new Error(`solc ${EXPECTED_SOLC} expected, found ${version}; run tests/localnet/install.sh`);
  }
  const source = readFileSync(join(here, SOURCE_NAME), "utf8");
  const input = { language: "Solidity", sources: { [SOURCE_NAME]: { content: source } }, settings };
  const output = JSON.parse(solc.compile(JSON.stringify(input)));
  const errors = (output.errors || []).filter((e) => e.severity === "error");
  for (const e of output.errors || []) process.stderr.write(`${e.formattedMessage}\n`);
  if (errors.length) throw new Error(`compilation failed with ${errors.length} error(s)`);
  const c = output.contracts[SOURCE_NAME][CONTRACT];
  const artifact = {
    contractName: CONTRACT,
    sourceName: `contracts/${SOURCE_NAME}`,
    sourceSha256: createHash("sha256").update(source).digest("hex"),
    compiler: { name: "solc-js", version: EXPECTED_SOLC, settings: { ...settings, outputSelection: undefined } },
    abi: c.abi,
    bytecode: `0x${c.evm.bytecode.object}`,
    deployedBytecode: `0x${c.evm.deployedBytecode.object}`,
  };
  return `${JSON.stringify(artifact, null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const check = process.argv.includes("--check");
  const text = compile();
  if (check) {
    const committed = existsSync(ARTIFACT) ? readFileSync(ARTIFACT, "utf8") : "";
    if (committed !== text) {
      process.stderr.write(
        `${ARTIFACT} is out of date or not reproducible: recompiling ${SOURCE_NAME} gives different output.\n` +
          `Run: node tests/localnet/contracts/build.mjs\n`,
      );
      process.exit(1);
    }
    const a = JSON.parse(text);
    console.log(
      `ok: ${CONTRACT}.json matches a fresh compile (runtime ${(a.deployedBytecode.length - 2) / 2} bytes, ` +
        `sha256 ${createHash("sha256").update(a.deployedBytecode).digest("hex").slice(0, 16)})`,
    );
  } else {
    writeFileSync(ARTIFACT, text);
    console.log(`wrote ${ARTIFACT}`);
  }
}
