// Usage: node client.mjs URL SCENARIO_JSON
// Connects to an MCP server over Streamable HTTP with the official TypeScript SDK client, lists its tools,
// then makes each call of the scenario (a JSON array of {"tool", "arguments"}) and prints one JSON object:
// {"server": ..., "tools": [...], "calls": [{"tool", "isError", "text", "structured"} | {"tool", "protocolError"}]}
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const [url, scenarioJson] = process.argv.slice(2);
const client = new Client({ name: "awm-conformance", version: "1.0.0" });
const transport = new StreamableHTTPClientTransport(new URL(url));
await client.connect(transport);
const out = {
  server: client.getServerVersion(),
  instructions: client.getInstructions(),
  sessionId: transport.sessionId,
  tools: (await client.listTools()).tools,
  calls: [],
};
for (const call of JSON.parse(scenarioJson)) {
  try {
    const r = await client.callTool({ name: call.tool, arguments: call.arguments });
    out.calls.push({
      tool: call.tool,
      isError: r.isError === true,
      text: r.content.filter((c) => c.type === "text").map((c) => c.text).join("\n"),
      structured: r.structuredContent ?? null,
    });
  } catch (e) {
    out.calls.push({ tool: call.tool, protocolError: String(e && e.message ? e.message : e) });
  }
}
await transport.terminateSession();
await client.close();
console.log(JSON.stringify(out));
