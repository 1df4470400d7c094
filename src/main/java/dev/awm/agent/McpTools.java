package dev.awm.agent;

import dev.awm.world.WorldFiles;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A world's tools as an agent reaches them: an MCP client session over Streamable HTTP at any URL (initialize,
 * tools/list, tools/call, and DELETE at the end), reading plain JSON and event-stream replies alike. It says of every
 * failed call whose fault it was.
 *
 * <p>Written on the JDK's HTTP client, one shared by every session, rather than the MCP SDK's client, which builds an
 * HTTP client (and its selector thread) per session and runs each call through Reactor: an eval opens hundreds of
 * sessions, and the SDK client cost more than everything else the agent does.
 */
public final class McpTools implements AutoCloseable {

    /** Whose fault a tool call's failure is; NONE for a success. */
    public enum ErrorKind {
        NONE,
        /** The tool refused (bad arguments, a guard, a missing row, a constraint, a limit): the agent's mistake. */
        AGENT,
        /** The environment could not run the call (transport failure, server error): not the agent's doing. */
        ENVIRONMENT
    }

    /** What a call returned: its text, and whose fault a failure was (with a plain explanation for people). */
    public record Reply(String text, ErrorKind kind, String detail) {}

    /** The key under which a tool result's {@code _meta} says whose fault a failure is: "agent" or "environment". */
    public static final String ERROR_KIND_META = "awm/error_kind";

    static final String PROTOCOL_VERSION = "2025-06-18";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10), CALL_TIMEOUT = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT).build();

    /** Thrown when there is no MCP server to talk to: the episode cannot start. */
    public static final class Unreachable extends RuntimeException {
        public Unreachable(String message) {
            super(message, null, false, false);
        }
    }

    /** A failure to get an answer: what went wrong, in plain words. */
    private static final class Failed extends Exception {
        Failed(String message) {
            super(message, null, false, false);
        }
    }

    private final String url;
    private final URI uri;
    private final AtomicLong ids = new AtomicLong();
    private String sessionId;
    private String version = PROTOCOL_VERSION;
    private String instructions = "";

    private McpTools(String url, URI uri) {
        this.url = url;
        this.uri = uri;
    }

    /** Connects to the MCP server at {@code url} (e.g. http://127.0.0.1:8001/mcp) and initializes a session. */
    public static McpTools connect(String url) {
        URI u;
        try {
            u = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + url + "' is not a URL; give the MCP server's address, such as http://127.0.0.1:8001/mcp");
        }
        if (u.getScheme() == null || !u.getScheme().matches("https?") || u.getHost() == null) {
            throw new IllegalArgumentException("'" + url + "' is not an http(s) URL; give the MCP server's address, such as http://127.0.0.1:8001/mcp");
        }
        McpTools t = new McpTools(url, u);
        try {
            ObjectNode params = WorldFiles.JSON.createObjectNode().put("protocolVersion", PROTOCOL_VERSION);
            params.putObject("capabilities");
            params.putObject("clientInfo").put("name", "awm-agent").put("version", "1");
            JsonNode result = t.request("initialize", params);
            t.version = result.path("protocolVersion").asString(PROTOCOL_VERSION);
            t.instructions = result.path("instructions").asString("");
            t.notify("notifications/initialized");
        } catch (Failed e) {
            throw new Unreachable("cannot open an MCP session at " + url + " (" + e.getMessage() + "): check the URL and that the server is up");
        }
        return t;
    }

    public String url() {
        return url;
    }

    /** What the server says about itself at initialization (the world, the current user and time); may be empty. */
    public String instructions() {
        return instructions;
    }

    /** Every tool the server lists, page by page. */
    public List<ToolInfo> tools() {
        List<ToolInfo> tools = new ArrayList<>();
        String cursor = null;
        try {
            do {
                ObjectNode params = WorldFiles.JSON.createObjectNode();
                if (cursor != null) params.put("cursor", cursor);
                JsonNode page = request("tools/list", params);
                for (JsonNode t : page.path("tools")) {
                    tools.add(new ToolInfo(t.path("name").asString(""), t.path("description").asString(""),
                            t.path("inputSchema").isObject() ? t.get("inputSchema") : WorldFiles.JSON.createObjectNode()));
                }
                cursor = page.path("nextCursor").isString() && !page.get("nextCursor").asString().isEmpty() ? page.get("nextCursor").asString() : null;
            } while (cursor != null);
        } catch (Failed e) {
            throw new Unreachable("the MCP server at " + url + " did not list its tools (" + e.getMessage() + ")");
        }
        return tools;
    }

    /** Calls {@code tool}; never throws: a failure of the server or the connection is an ENVIRONMENT reply. */
    public Reply call(String tool, JsonNode arguments) {
        ObjectNode params = WorldFiles.JSON.createObjectNode().put("name", tool);
        params.set("arguments", arguments == null || arguments.isNull() ? WorldFiles.JSON.createObjectNode() : arguments);
        JsonNode result;
        try {
            result = request("tools/call", params);
        } catch (Failed e) {
            return new Reply("The environment could not run " + tool + ": " + e.getMessage() + ".", ErrorKind.ENVIRONMENT,
                    "the MCP server at " + url + " failed to run " + tool + ": " + e.getMessage());
        }
        List<String> texts = new ArrayList<>();
        for (JsonNode c : result.path("content")) texts.add(c.path("type").asString("").equals("text") ? c.path("text").asString("") : c.toString());
        String text = String.join("\n", texts);
        ErrorKind kind = kindOf(result);
        return new Reply(text, kind, kind == ErrorKind.NONE ? null : text);
    }

    /**
     * Whose fault a result's failure is. The one place that decides: the server's word in {@code _meta} when it
     * gives one, else a refusal ({@code isError}) is the agent's. Transport failures never reach here (see {@link #call}).
     */
    static ErrorKind kindOf(JsonNode result) {
        if (!result.path("isError").asBoolean(false)) return ErrorKind.NONE;
        return "environment".equals(result.path("_meta").path(ERROR_KIND_META).asString("")) ? ErrorKind.ENVIRONMENT : ErrorKind.AGENT;
    }

    /** Sends a JSON-RPC request and returns its result. */
    private JsonNode request(String method, JsonNode params) throws Failed {
        long id = ids.incrementAndGet();
        ObjectNode message = WorldFiles.JSON.createObjectNode().put("jsonrpc", "2.0").put("id", id).put("method", method);
        message.set("params", params);
        HttpResponse<String> r = post(message);
        if (r.statusCode() != 200) throw new Failed("HTTP " + r.statusCode() + errorText(r.body()));
        if (sessionId == null) sessionId = r.headers().firstValue("Mcp-Session-Id").orElse(null);
        JsonNode reply = answer(r, id);
        if (reply == null) throw new Failed("the server sent no answer to " + method);
        if (reply.has("error")) {
            throw new Failed("the server answered " + method + " with an error: " + reply.path("error").path("message").asString(reply.get("error").toString()));
        }
        return reply.path("result");
    }

    private void notify(String method) throws Failed {
        HttpResponse<String> r = post(WorldFiles.JSON.createObjectNode().put("jsonrpc", "2.0").put("method", method));
        if (r.statusCode() >= 300) throw new Failed("HTTP " + r.statusCode() + " to " + method + errorText(r.body()));
    }

    private HttpResponse<String> post(JsonNode message) throws Failed {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(CALL_TIMEOUT).header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream").POST(HttpRequest.BodyPublishers.ofString(WorldFiles.JSON.writeValueAsString(message)));
        if (sessionId != null) b.header("Mcp-Session-Id", sessionId).header("MCP-Protocol-Version", version);
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new Failed("no answer within " + CALL_TIMEOUT.toSeconds() + " s");
        } catch (ConnectException e) {
            throw new Failed("connection refused");
        } catch (IOException e) {
            throw new Failed("the connection failed");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failed("interrupted");
        }
    }

    /** The JSON-RPC reply with {@code id}: the body itself, or the event of an event stream that carries it. */
    private static JsonNode answer(HttpResponse<String> r, long id) throws Failed {
        String type = r.headers().firstValue("Content-Type").orElse("");
        try {
            if (!type.startsWith("text/event-stream")) return matching(WorldFiles.JSON.readTree(r.body()), id);
            StringBuilder data = new StringBuilder();
            for (String line : (r.body() + "\n\n").split("\r?\n", -1)) {
                if (line.startsWith("data:")) {
                    data.append(data.isEmpty() ? "" : "\n").append(line.substring(5).stripLeading());
                } else if (line.isEmpty() && !data.isEmpty()) {
                    JsonNode n = matching(WorldFiles.JSON.readTree(data.toString()), id);
                    if (n != null) return n;
                    data.setLength(0);
                }
            }
            return null;
        } catch (RuntimeException e) {
            throw new Failed("the server's answer is not JSON-RPC");
        }
    }

    private static JsonNode matching(JsonNode n, long id) {
        if (n != null && n.isArray()) {
            for (JsonNode m : n) if (m.path("id").asLong(-1) == id) return m;
            return null;
        }
        return n != null && n.path("id").asLong(-1) == id ? n : null;
    }

    private static String errorText(String body) {
        try {
            String m = WorldFiles.JSON.readTree(body).path("error").path("message").asString("");
            return m.isBlank() ? "" : ": " + m;
        } catch (RuntimeException e) {
            return "";
        }
    }

    /** Ends the session (DELETE), as a well-behaved client does; failures do not matter any more. */
    @Override
    public void close() {
        if (sessionId == null) return;
        try {
            HTTP.send(HttpRequest.newBuilder(uri).timeout(CONNECT_TIMEOUT).header("Mcp-Session-Id", sessionId).header("MCP-Protocol-Version", version).DELETE().build(),
                    HttpResponse.BodyHandlers.discarding());
        } catch (IOException ignored) {
            // the server is gone; the session with it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
