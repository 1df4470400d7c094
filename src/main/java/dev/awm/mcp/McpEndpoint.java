package dev.awm.mcp;

import dev.awm.runtime.CompiledTool;
import dev.awm.runtime.Instance;
import dev.awm.runtime.ToolResult;
import dev.awm.runtime.Json;
import dev.awm.runtime.WorldRuntime;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.server.transport.DefaultServerTransportSecurityValidator;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.servlet.http.HttpServlet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;

/**
 * One world's tools as an MCP server over Streamable HTTP: a servlet to mount at {@code path}. Each call runs on
 * the instance that {@code instanceFor} gives for the caller's MCP session. Every failure, bad arguments included,
 * is an {@code isError} tool result the agent can read, never a JSON-RPC error.
 */
public final class McpEndpoint implements AutoCloseable {

    /** The servlet to mount; it answers every error as a plain JSON-RPC error. */
    public final HttpServlet servlet;
    private final McpSyncServer server;

    /** Runs one tool call for an MCP session: on the session's instance, or through an episode that logs it. */
    @FunctionalInterface
    public interface SessionTools {
        ToolResult call(String sessionId, String tool, JsonNode arguments);
    }

    public McpEndpoint(WorldRuntime world, String path, Function<String, Instance> instanceFor) {
        this(world, path, (session, tool, args) -> instanceFor.apply(session).call(tool, args));
    }

    public McpEndpoint(WorldRuntime world, String path, SessionTools sessionTools) {
        HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider.builder()
                .mcpEndpoint(path)
                .securityValidator(DefaultServerTransportSecurityValidator.builder()
                        .allowedOrigins(List.of("http://localhost:*", "http://127.0.0.1:*", "http://[::1]:*"))
                        .build())
                .build();
        List<McpServerFeatures.SyncToolSpecification> tools = world.tools().stream()
                .map(t -> McpServerFeatures.SyncToolSpecification.builder()
                        .tool(describe(t))
                        .callHandler((exchange, request) -> call(sessionTools, exchange, t.tool.name(), request.arguments()))
                        .build())
                .toList();
        this.servlet = new CleanErrors(transport);
        this.server = McpServer.sync(transport)
                .serverInfo("awm-" + world.world.scenario(), "1")
                .instructions(instructions(world))
                .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
                .validateToolInputs(false)
                .immediateExecution(true)
                .requestTimeout(Duration.ofSeconds(30))
                .tools(tools)
                .build();
    }

    private static McpSchema.CallToolResult call(SessionTools sessionTools, McpSyncServerExchange exchange, String tool, Map<String, Object> args) {
        ToolResult r;
        try {
            r = sessionTools.call(exchange.sessionId(), tool, args == null ? null : Json.tree(args));
        } catch (RuntimeException e) {
            r = new ToolResult(true, "The server could not run " + tool + ": " + e.getMessage(), null);
        }
        McpSchema.CallToolResult.Builder b = McpSchema.CallToolResult.builder().addTextContent(r.text()).isError(r.error());
        if (!r.error() && r.value() instanceof Map<?, ?> m) b.structuredContent(m);
        return b.build();
    }

    @SuppressWarnings("unchecked")
    static McpSchema.Tool describe(CompiledTool t) {
        return McpSchema.Tool.builder()
                .name(t.tool.name())
                .description(t.tool.description())
                .inputSchema((Map<String, Object>) Json.plain(t.tool.inputSchema()))
                .annotations(new McpSchema.ToolAnnotations(null, t.tool.readOnly(), !t.tool.readOnly() && t.tool.destructive(), t.tool.readOnly(), false, null))
                .build();
    }

    static String instructions(WorldRuntime world) {
        String about = world.world.description().isBlank() ? world.world.name() : world.world.name() + ": " + world.world.description();
        return about + "\nYou act for the logged-in user (user id 1). The current date and time is " + world.now + ".";
    }

    @Override
    public void close() {
        server.closeGracefully();
    }
}
