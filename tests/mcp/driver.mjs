// Drives `x402 mcp` with the official TypeScript MCP client over stdio, for tests/mcp.rs.
//
// usage: node tests/mcp/driver.mjs PLAN.json
// PLAN: {"command": PATH, "args": [...], "env": {...}, "calls": [{"name": TOOL, "arguments": {...}}]}
// Prints one JSON document on stdout: the server's name and version, its instructions, the tool
// list, and for each call either its result or the JSON-RPC error it got; plus every error the
// client's transport reported (a line on the server's stdout that is not an MCP message is one).
// The assertions are the Rust test's.

import { readFileSync } from "node:fs";

const sdk = (path) =>
  import(new URL(`../localnet/node_modules/@modelcontextprotocol/sdk/dist/esm/${path}`, import.meta.url));
const { Client } = await sdk("client/index.js");
const { StdioClientTransport } = await sdk("client/stdio.js");

const plan = JSON.parse(readFileSync(process.argv[2], "utf8"));
const transport = new StdioClientTransport({
  command: plan.command,
  args: plan.args,
  env: plan.env,
  stderr: "pipe",
});
let stderr = "";
transport.stderr?.on("data", (chunk) => {
  stderr += chunk;
});
const client = new Client({ name: "x402-mcp-test", version: "1.0.0" });
const transportErrors = [];
client.onerror = (e) => transportErrors.push(String(e?.message ?? e));

const report = { transportErrors };
try {
  await client.connect(transport);
  report.server = client.getServerVersion();
  report.instructions = client.getInstructions();
  report.tools = (await client.listTools()).tools;
  report.calls = [];
  for (const call of plan.calls) {
    try {
      report.calls.push({ result: await client.callTool(call) });
    } catch (e) {
      report.calls.push({ error: { code: e.code, message: e.message } });
    }
  }
  await client.close();
} catch (e) {
  report.connectError = String(e?.message ?? e);
}
report.stderr = stderr;
process.stdout.write(JSON.stringify(report) + "\n");
