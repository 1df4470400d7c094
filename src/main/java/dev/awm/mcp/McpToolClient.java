package dev.awm.mcp;

import dev.awm.runtime.Json;
import dev.awm.runtime.ToolResult;
import dev.awm.verify.TaskRun;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/** A plain MCP client over Streamable HTTP (the MCP Java SDK's), calling tools as an agent would. */
public final class McpToolClient implements TaskRun.ToolCaller, AutoCloseable {

    private final McpSyncClient client;

    public McpToolClient(String baseUrl, String endpoint) {
        var transport = HttpClientStreamableHttpTransport.builder(baseUrl).endpoint(endpoint).build();
        this.client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(30)).clientInfo(new McpSchema.Implementation("awm-demo", "1")).build();
        client.initialize();
    }

    @Override
    @SuppressWarnings("unchecked")
    public ToolResult call(String tool, JsonNode arguments) {
        Map<String, Object> args = arguments == null || arguments.isNull() ? Map.of() : (Map<String, Object>) Json.plain(arguments);
        McpSchema.CallToolResult r = client.callTool(new McpSchema.CallToolRequest(tool, args));
        String text = r.content().stream().filter(c -> c instanceof McpSchema.TextContent).map(c -> ((McpSchema.TextContent) c).text()).collect(Collectors.joining("\n"));
        boolean error = Boolean.TRUE.equals(r.isError());
        return new ToolResult(error, text, error ? null : r.structuredContent());
    }

    @Override
    public void close() {
        client.closeGracefully();
    }
}
