package dev.awm.agent;

import dev.awm.mcp.McpToolClient;
import dev.awm.runtime.Json;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/**
 * A world's tools as an agent reaches them: an MCP client over Streamable HTTP at any URL, which lists the tools and
 * calls them, and says of every failed call whose fault it was.
 */
public final class McpTools implements AutoCloseable {

    /** Whose fault a tool call's failure is; NONE for a success. */
    public enum ErrorKind {
        NONE,
        /** The tool refused (a guard, a missing row, a constraint): the agent's mistake; the episode goes on. */
        AGENT,
        /** The arguments do not fit the tool's schema: a format error. */
        ARGUMENTS,
        /** The environment could not run the call (transport failure, server error): not the agent's doing. */
        ENVIRONMENT
    }

    /** What a call returned: its text, and whose fault a failure was (with a plain explanation for people). */
    public record Reply(String text, ErrorKind kind, String detail) {}

    /** The key under which a tool result's {@code _meta} says whose fault a failure is: "agent", "arguments" or "environment". */
    public static final String ERROR_KIND_META = "awm/error_kind";

    /** Thrown when there is no MCP server to talk to: the episode cannot start. */
    public static final class Unreachable extends RuntimeException {
        public Unreachable(String message) {
            super(message, null, false, false);
        }
    }

    private final String url;
    private final McpToolClient client;

    private McpTools(String url, McpToolClient client) {
        this.url = url;
        this.client = client;
    }

    /** Connects to the MCP server at {@code url} (e.g. http://127.0.0.1:8001/mcp) and initializes a session. */
    public static McpTools connect(String url) {
        URI u;
        try {
            u = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + url + "' is not a URL; give the MCP server's address, such as http://127.0.0.1:8001/mcp");
        }
        if (u.getScheme() == null || !u.getScheme().startsWith("http") || u.getHost() == null) {
            throw new IllegalArgumentException("'" + url + "' is not an http(s) URL; give the MCP server's address, such as http://127.0.0.1:8001/mcp");
        }
        String base = u.getScheme() + "://" + u.getRawAuthority();
        String endpoint = (u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath()) + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
        try {
            return new McpTools(url, new McpToolClient(base, endpoint));
        } catch (RuntimeException e) {
            throw new Unreachable("cannot open an MCP session at " + url + " (" + describe(e) + "): check the URL and that the server is up");
        }
    }

    public String url() {
        return url;
    }

    /** What the server says about itself at initialization (the world, the current user and time); may be empty. */
    public String instructions() {
        String s = client.instructions();
        return s == null ? "" : s;
    }

    /** Every tool the server lists. */
    public List<ToolInfo> tools() {
        try {
            return client.listTools().stream().map(t -> new ToolInfo(t.name(), t.description() == null ? "" : t.description(), Json.tree(t.inputSchema()))).toList();
        } catch (RuntimeException e) {
            throw new Unreachable("the MCP server at " + url + " did not list its tools (" + describe(e) + ")");
        }
    }

    /** Calls {@code tool}; never throws: a failure of the server or the connection is an ENVIRONMENT reply. */
    public Reply call(String tool, JsonNode arguments) {
        McpSchema.CallToolResult r;
        try {
            r = client.callTool(tool, arguments);
        } catch (RuntimeException e) {
            String why = describe(e);
            return new Reply("The environment could not run " + tool + ": " + why + ".", ErrorKind.ENVIRONMENT, "the MCP server at " + url + " failed to run " + tool + ": " + why);
        }
        String text = r.content() == null ? "" : r.content().stream().map(c -> c instanceof McpSchema.TextContent t ? t.text() : String.valueOf(c)).collect(Collectors.joining("\n"));
        ErrorKind kind = kindOf(r);
        return new Reply(text, kind, kind == ErrorKind.NONE ? null : text);
    }

    /**
     * Whose fault a result's failure is. The one place that decides: the server's word in {@code _meta} when it
     * gives one, else a refusal ({@code isError}) is the agent's. Transport failures never reach here (see {@link #call}).
     */
    static ErrorKind kindOf(McpSchema.CallToolResult r) {
        if (!Boolean.TRUE.equals(r.isError())) return ErrorKind.NONE;
        Map<String, Object> meta = r.meta();
        Object said = meta == null ? null : meta.get(ERROR_KIND_META);
        if ("environment".equals(said)) return ErrorKind.ENVIRONMENT;
        if ("arguments".equals(said)) return ErrorKind.ARGUMENTS;
        return ErrorKind.AGENT;
    }

    /** A failure in plain words: the server's JSON-RPC message, or what happened to the connection. */
    static String describe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof McpError m && m.getMessage() != null) return "the server answered: " + m.getMessage();
            if (t instanceof ConnectException) return "connection refused";
            if (t instanceof HttpTimeoutException || t instanceof TimeoutException) return "no answer in time";
        }
        String m = e.getMessage() == null ? "" : e.getMessage();
        java.util.regex.Matcher status = java.util.regex.Pattern.compile("(?i)status(?: code)?[:= ]+(\\d{3})").matcher(m);
        if (status.find()) return "HTTP " + status.group(1);
        return "the connection failed";
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (RuntimeException ignored) {
            // the session is over either way
        }
    }
}
