package dev.awm.bench;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** A minimal MCP Streamable HTTP session for load generation, over one {@link RawHttp} keep-alive connection. */
final class RawMcpSession implements AutoCloseable {

    private final RawHttp http;
    private final String path;
    private String sessionId;

    RawMcpSession(String host, int port, String path) throws IOException {
        this.http = new RawHttp(host, port);
        this.path = path;
    }

    /** initialize + notifications/initialized; returns the session id. */
    String open() throws IOException {
        post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                + "\"clientInfo\":{\"name\":\"awm-bench\",\"version\":\"1\"}}}");
        if (sessionId == null) throw new IOException("the server sent no Mcp-Session-Id");
        post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        return sessionId;
    }

    /** Sends one JSON-RPC message and returns the HTTP status and body. */
    RawHttp.Response post(String json) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Accept", "application/json, text/event-stream");
        if (sessionId != null) {
            headers.put("Mcp-Session-Id", sessionId);
            headers.put("MCP-Protocol-Version", "2025-06-18");
        }
        RawHttp.Response r = http.post(path, json, headers);
        String id = r.headers().get("mcp-session-id");
        if (id != null) sessionId = id;
        return r;
    }

    @Override
    public void close() throws IOException {
        http.close();
    }
}
