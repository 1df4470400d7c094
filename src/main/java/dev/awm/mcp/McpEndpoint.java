package dev.awm.mcp;

import dev.awm.runtime.CompiledTool;
import dev.awm.runtime.Instance;
import dev.awm.runtime.ToolResult;
import dev.awm.runtime.WorldRuntime;
import jakarta.servlet.http.HttpServlet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One world's tools as an MCP server (Streamable HTTP, JSON responses) at {@code path}. Each tools/call runs on the
 * instance that the {@link Binding} gives for the caller's MCP session. Every failure of a call, bad arguments and
 * unknown tools included, is an {@code isError} tool result the agent can read; malformed requests get plain
 * JSON-RPC errors. Endpoints are cheap: make and close one per world, instance or episode at run time, and serve
 * many through one {@link McpServlet}.
 */
public final class McpEndpoint implements AutoCloseable {

    /**
     * Which instance a session's calls run on; told when a session ends (DELETE, idle timeout, endpoint closed), and
     * told again if a call was still running then, so that what it made for the session is released.
     */
    @FunctionalInterface
    public interface Binding {
        /** The instance for {@code sessionId}'s next call; asked at every call. */
        Instance instance(String sessionId);

        /**
         * Runs one call for {@code sessionId}: by default on its {@link #instance}. A binding that must see every call
         * (an episode logging its steps) runs it itself; the arguments have been checked to be an object of exact numbers.
         */
        default ToolResult call(String sessionId, String tool, JsonNode args) {
            Instance instance = instance(sessionId);
            return instance == null ? ToolResult.environmentError("This MCP session has no world instance to act on any more. Start a new session.") : instance.call(tool, args);
        }

        default void ended(String sessionId) {}

        /** A fresh instance for each session, made at its first call and closed when the session ends. */
        static Binding freshPerSession(WorldRuntime world) {
            Map<String, Instance> bySession = new ConcurrentHashMap<>();
            return new Binding() {
                @Override
                public Instance instance(String sessionId) {
                    return bySession.computeIfAbsent(sessionId, s -> world.newInstance());
                }

                @Override
                public void ended(String sessionId) {
                    Instance i = bySession.remove(sessionId);
                    if (i != null) i.close();
                }
            };
        }
    }

    /** The key of a failed result's {@code _meta} that says whose fault it was: "agent" or "environment". */
    public static final String ERROR_KIND = "awm/error_kind";
    /** Protocol versions this server speaks, newest first; a client asking for another is offered the newest. */
    static final List<String> PROTOCOL_VERSIONS = List.of("2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05");
    /** Exact integers the MCP layer lets through: whole numbers beyond this are not exact as JSON floating point. */
    private static final double EXACT_LIMIT = 0x1p53;
    private static final Pattern INTERNAL = Pattern.compile("java\\.|javax\\.|jakarta\\.|dev\\.awm|io\\.modelcontextprotocol|tools\\.jackson|Exception|\\bat [\\w$.]+\\(");

    public final String path;
    /** A servlet serving only this endpoint, for a server that mounts it at {@link #path}. */
    public final HttpServlet servlet;
    final McpSessions sessions;
    private final Binding binding;
    private final Map<String, CompiledTool> tools = new LinkedHashMap<>();
    private final ObjectNode toolList;
    private final String serverName;
    private final String instructions;
    private volatile boolean closed;

    /** An endpoint whose sessions live in the process's {@link McpSessions#shared()} registry. */
    public McpEndpoint(WorldRuntime world, String path, Binding binding) {
        this(world, path, binding, McpSessions.shared());
    }

    public McpEndpoint(WorldRuntime world, String path, Binding binding, McpSessions sessions) {
        this.path = path;
        this.binding = binding;
        this.sessions = sessions;
        this.serverName = "awm-" + world.world.scenario();
        this.instructions = instructions(world);
        ArrayNode list = JsonRpc.NODES.arrayNode();
        for (CompiledTool t : world.tools()) {
            tools.put(t.tool.name(), t);
            list.add(describe(t));
        }
        this.toolList = JsonRpc.NODES.objectNode();
        toolList.set("tools", list);
        this.servlet = new McpServlet().add(this);
    }

    /** The answer to initialize: the agreed version, what this server offers, and how to use it. */
    ObjectNode initializeResult(String version) {
        ObjectNode r = JsonRpc.NODES.objectNode();
        r.put("protocolVersion", version);
        r.putObject("capabilities").putObject("tools").put("listChanged", false);
        r.putObject("serverInfo").put("name", serverName).put("version", "1");
        r.put("instructions", instructions);
        return r;
    }

    ObjectNode toolList() {
        return toolList;
    }

    /** The result of tools/call {@code params} (an object) for {@code sessionId}, or null when params.name is no string. */
    ObjectNode call(String sessionId, JsonNode params) {
        JsonNode nameNode = params.get("name");
        if (nameNode == null || !nameNode.isString()) return null;
        String name = nameNode.asString();
        CompiledTool tool = tools.get(name);
        if (tool == null) {
            return toolResult(ToolResult.agentError("Unknown tool '" + JsonRpc.quote(name) + "'. Available tools: " + String.join(", ", tools.keySet()) + "."));
        }
        JsonNode args = params.get("arguments");
        if (args == null || args.isNull()) args = JsonRpc.NODES.objectNode();
        if (!args.isObject()) {
            return toolResult(ToolResult.agentError("The arguments of " + name + " must be a JSON object of named arguments, not " + JsonRpc.kind(args)
                    + ". Its parameters: " + String.join(", ", tool.tool.inputSchema().path("properties").propertyNames()) + "."));
        }
        String inexact = exactNumbers(tool, (ObjectNode) args);
        if (inexact != null) return toolResult(ToolResult.agentError("Invalid arguments for " + name + ": " + inexact + ". Nothing was changed."));
        ToolResult r;
        try {
            r = binding.call(sessionId, name, args);
        } catch (Throwable t) { // an Error too: the agent gets an answer, and the next call a working server
            r = ToolResult.environmentError("The server failed while running " + name + ". The call may not have completed; check with a read-only tool before retrying."
                    + plainReason(t));
            System.err.println("awm: internal error in " + serverName + " " + name + ": " + t);
        }
        if (!sessions.isOpen(sessionId)) ended(sessionId); // the session ended during the call: release what the binding made for it
        return toolResult(r);
    }

    /** A tool result as MCP's tools/call answers it; a failure says whose fault it was in {@code _meta}. */
    public static ObjectNode toolResult(ToolResult r) {
        ObjectNode out = JsonRpc.NODES.objectNode();
        out.putArray("content").addObject().put("type", "text").put("text", r.error() ? JsonRpc.cap(r.text()) : r.text());
        if (!r.error() && r.value() instanceof Map<?, ?> m) out.putPOJO("structuredContent", m); // written as it is, not copied into a tree
        out.put("isError", r.error());
        if (r.error()) out.putObject("_meta").put(ERROR_KIND, r.kind().wireName());
        return out;
    }

    /** Our own exceptions' messages are written for people; any other text may name internals and is left out. */
    private static String plainReason(Throwable t) {
        String m = t.getMessage();
        if (!(t instanceof IllegalStateException || t instanceof IllegalArgumentException) || m == null || m.isBlank() || INTERNAL.matcher(m).find()) return "";
        return " (" + m + ")";
    }

    /**
     * Keeps numbers exact: whole numbers outside the 64-bit range, and infinities, are refused rather than turned into
     * doubles; a whole number written with a fraction or exponent for an integer parameter becomes that integer.
     * Returns what is wrong, or null.
     */
    static String exactNumbers(CompiledTool tool, ObjectNode args) {
        Map<String, Long> whole = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : args.properties()) {
            JsonNode v = e.getValue();
            String field = JsonRpc.quote(e.getKey());
            if (v.isFloatingPointNumber() && integerTyped(tool.tool.inputSchema().path("properties").path(e.getKey()))) {
                double d = v.asDouble();
                if (d == Math.rint(d) && Math.abs(d) <= EXACT_LIMIT) whole.put(e.getKey(), (long) d);
                else if (d == Math.rint(d)) return field + ": the number is too large to be an exact whole number as written; send it as an integer without a fraction or exponent";
            }
            String bad = inexact(v);
            if (bad != null) return field + ": " + bad;
        }
        whole.forEach(args::put);
        return null;
    }

    private static String inexact(JsonNode v) {
        if (v.isIntegralNumber() && !v.canConvertToLong()) {
            return "the number " + JsonRpc.quote(v.toString()) + " is out of range; whole numbers must lie between -9223372036854775808 and 9223372036854775807";
        }
        if (v.isFloatingPointNumber() && !Double.isFinite(v.asDouble())) return "the number is too large";
        if (v.isContainer()) {
            for (JsonNode c : v.values()) {
                String bad = inexact(c);
                if (bad != null) return bad;
            }
        }
        return null;
    }

    private static boolean integerTyped(JsonNode schema) {
        JsonNode type = schema.path("type");
        if (type.isString()) return type.asString().equals("integer");
        return type.isArray() && type.valueStream().anyMatch(t -> t.asString("").equals("integer"));
    }

    static ObjectNode describe(CompiledTool t) {
        ObjectNode d = JsonRpc.NODES.objectNode();
        d.put("name", t.tool.name());
        d.put("description", t.tool.description());
        d.set("inputSchema", t.tool.inputSchema());
        boolean readOnly = t.tool.readOnly();
        d.putObject("annotations")
                .put("readOnlyHint", readOnly)
                .put("destructiveHint", t.destructive)
                .put("idempotentHint", readOnly)
                .put("openWorldHint", false);
        return d;
    }

    public static String instructions(WorldRuntime world) {
        String about = world.world.description().isBlank() ? world.world.name() : world.world.name() + ": " + world.world.description();
        return about + "\nYou act for the logged-in user (user id 1). The current date and time is " + world.now + ".";
    }

    void ended(String sessionId) {
        try {
            binding.ended(sessionId);
        } catch (Throwable t) {
            System.err.println("awm: ending MCP session " + sessionId + " of " + serverName + " failed: " + t);
        }
    }

    /** Open MCP sessions on this endpoint. */
    public int sessionCount() {
        return sessions.size(this);
    }

    boolean closed() {
        return closed;
    }

    /** Ends this endpoint's sessions; requests to it are answered 404 from now on, by any servlet serving it. */
    @Override
    public void close() {
        closed = true;
        sessions.endAll(this);
    }
}
