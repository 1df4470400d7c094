package dev.awm.mcp;

import dev.awm.world.WorldFiles;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * MCP Streamable HTTP for the endpoints added to it, each answered at its own path: JSON-RPC 2.0 messages (single or
 * batched) by POST with {@code application/json} replies, sessions by {@code Mcp-Session-Id}, DELETE to end one. It
 * opens no event stream, so GET is answered 405 as the specification allows. Every request gets an answer: a JSON-RPC
 * error in plain words for anything malformed, never an empty reply or an internal name. Mount one at a path prefix
 * and add or remove endpoints at run time, or use {@link McpEndpoint#servlet} for one endpoint.
 */
public final class McpServlet extends HttpServlet {

    /** Bytes a request body may have, how long it may take to arrive, and messages a batch may hold. */
    static final int MAX_BODY_BYTES = 1 << 20, MAX_DRAIN_BYTES = 8 << 20, MAX_BATCH = 100;
    static final long BODY_DEADLINE_NANOS = 30_000_000_000L;
    private static final String ALLOW = "POST, DELETE, OPTIONS";
    private static final String SESSION = "Mcp-Session-Id", VERSION = "MCP-Protocol-Version";

    private final Map<String, McpEndpoint> endpoints = new ConcurrentHashMap<>();

    /** Serves {@code endpoint} at its path from now on; the path must be free. */
    public McpServlet add(McpEndpoint endpoint) {
        McpEndpoint before = endpoints.putIfAbsent(endpoint.path, endpoint);
        if (before != null && before != endpoint) throw new IllegalArgumentException("an MCP endpoint is already served at " + endpoint.path);
        return this;
    }

    /** Stops serving {@code endpoint} (closing it does too). */
    public void remove(McpEndpoint endpoint) {
        endpoints.remove(endpoint.path, endpoint);
    }

    /** Endpoints served. */
    public int size() {
        return endpoints.size();
    }

    private record Reply(int status, JsonNode body, String sessionId) {
        static Reply of(int status, JsonNode body) {
            return new Reply(status, body, null);
        }

        static Reply error(int status, JsonNode id, int code, String message) {
            return of(status, JsonRpc.error(id, code, message));
        }
    }

    /** A request refused as a whole, with its answer. */
    private static final class Refused extends Exception {
        final Reply reply;

        Refused(int status, int code, String message) {
            super(message, null, false, false);
            this.reply = Reply.error(status, null, code, message);
        }
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Reply reply;
        try {
            reply = serve(req);
        } catch (Refused r) {
            reply = r.reply;
        } catch (IOException unread) { // a broken or stalled upload; the client may be gone, and then the answer is lost
            boolean stalled = unread instanceof java.io.InterruptedIOException || unread.getCause() instanceof java.util.concurrent.TimeoutException;
            reply = stalled ? Reply.error(408, null, JsonRpc.INVALID_REQUEST, "The request body took too long to arrive.")
                    : Reply.error(400, null, JsonRpc.INVALID_REQUEST, "The request body could not be read: it ended early or is not valid HTTP.");
        } catch (Throwable t) {
            System.err.println("awm: internal error answering " + req.getMethod() + " " + req.getRequestURI() + ": " + t);
            reply = Reply.error(500, null, JsonRpc.INTERNAL_ERROR, "The server failed to answer this request. Try again; if it keeps failing, report it.");
        }
        try {
            send(req, resp, reply);
        } catch (IOException gone) {
            // the client left before its answer
        }
    }

    private Reply serve(HttpServletRequest req) throws IOException, Refused {
        String path = req.getRequestURI();
        if (path.length() > 1 && path.endsWith("/")) path = path.substring(0, path.length() - 1);
        McpEndpoint e = endpoints.get(path);
        if (e != null && e.closed()) {
            endpoints.remove(path, e);
            e = null;
        }
        if (e == null) return Reply.error(404, null, JsonRpc.SERVER_ERROR, "There is no MCP endpoint at " + JsonRpc.quote(path) + ".");
        return switch (req.getMethod()) {
            case "POST" -> post(e, req);
            case "DELETE" -> {
                McpSessions.Session s = session(e, req);
                e.sessions.end(s.id, e);
                yield Reply.of(200, null);
            }
            case "OPTIONS" -> Reply.of(204, null);
            default -> Reply.error(405, null, JsonRpc.SERVER_ERROR, JsonRpc.quote(req.getMethod())
                    + " is not supported here: this MCP server sends no event stream. Send JSON-RPC messages with POST, and end a session with DELETE.");
        };
    }

    private Reply post(McpEndpoint e, HttpServletRequest req) throws IOException, Refused {
        String type = req.getContentType();
        String media = type == null ? "" : type.split(";")[0].strip().toLowerCase(Locale.ROOT);
        if (!media.equals("application/json")) {
            throw new Refused(415, JsonRpc.INVALID_REQUEST, "Send the JSON-RPC message with Content-Type: application/json"
                    + (type == null ? "" : ", not " + JsonRpc.quote(type)) + ".");
        }
        String charset = req.getCharacterEncoding();
        if (charset != null && !charset.equalsIgnoreCase("utf-8")) throw new Refused(415, JsonRpc.INVALID_REQUEST, "Send the body in UTF-8.");
        String accept = req.getHeader("Accept");
        if (accept != null && !acceptsJson(accept)) {
            throw new Refused(406, JsonRpc.INVALID_REQUEST, "This server answers with application/json: list it in the Accept header (with text/event-stream).");
        }
        JsonNode message;
        try {
            message = WorldFiles.JSON.readTree(body(req));
        } catch (JacksonException bad) {
            TokenStreamLocation at = bad.getLocation();
            String where = at == null || at.getLineNr() < 1 ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
            throw new Refused(400, JsonRpc.PARSE_ERROR, "The body is not valid JSON in UTF-8" + where + ". Send one JSON-RPC 2.0 message as a JSON object.");
        }
        if (message == null || message.isMissingNode()) throw new Refused(400, JsonRpc.INVALID_REQUEST, "The body is empty. Send one JSON-RPC 2.0 message as a JSON object.");
        if (!message.isArray()) return answer(e, message, req, false);
        if (message.isEmpty()) throw new Refused(400, JsonRpc.INVALID_REQUEST, "The batch is empty. Send at least one JSON-RPC message.");
        if (message.size() > MAX_BATCH) throw new Refused(400, JsonRpc.INVALID_REQUEST, "A batch may hold at most " + MAX_BATCH + " messages.");
        ArrayNode replies = JsonRpc.NODES.arrayNode();
        for (JsonNode m : message) {
            Reply r = answer(e, m, req, true);
            if (r.body() != null) replies.add(r.body());
        }
        return replies.isEmpty() ? Reply.of(202, null) : Reply.of(200, replies);
    }

    /** The answer to one message: a reply for a request, none (202) for a notification or a client's response. */
    private Reply answer(McpEndpoint e, JsonNode message, HttpServletRequest req, boolean inBatch) throws Refused {
        if (!message.isObject()) return Reply.error(400, null, JsonRpc.INVALID_REQUEST, "A JSON-RPC message must be a JSON object, not " + JsonRpc.kind(message) + ".");
        JsonNode id = message.get("id");
        boolean validId = id != null && (id.isString() || id.isIntegralNumber());
        JsonNode replyId = validId ? id : null;
        JsonNode version = message.get("jsonrpc");
        if (version == null || !version.isString() || !version.asString().equals("2.0")) {
            return Reply.error(400, replyId, JsonRpc.INVALID_REQUEST, "The message must say \"jsonrpc\": \"2.0\".");
        }
        if (id != null && !validId) return Reply.error(400, null, JsonRpc.INVALID_REQUEST, "The id must be a string or an integer, not " + JsonRpc.kind(id) + ".");
        JsonNode methodNode = message.get("method");
        if (methodNode == null) {
            if (validId && (message.has("result") || message.has("error"))) return Reply.of(202, null); // a client's response: this server asks nothing
            return Reply.error(400, replyId, JsonRpc.INVALID_REQUEST, "The message has no method. Name one, e.g. \"tools/list\".");
        }
        if (!methodNode.isString()) return Reply.error(400, replyId, JsonRpc.INVALID_REQUEST, "The method must be a string, not " + JsonRpc.kind(methodNode) + ".");
        String method = methodNode.asString();
        JsonNode params = message.get("params");
        if (method.equals("initialize")) {
            if (id == null) return Reply.error(400, null, JsonRpc.INVALID_REQUEST, "initialize is a request: give it an id.");
            if (inBatch) return Reply.error(400, id, JsonRpc.INVALID_REQUEST, "Send initialize on its own, not in a batch.");
            return initialize(e, id, params);
        }
        McpSessions.Session session = session(e, req);
        if (id == null) return Reply.of(202, null); // notifications (initialized, cancelled, ...) need no answer
        if (params != null && !params.isObject() && !params.isNull()) {
            return Reply.error(200, id, JsonRpc.INVALID_PARAMS, "The params of " + JsonRpc.quote(method) + " must be a JSON object, not " + JsonRpc.kind(params) + ".");
        }
        return switch (method) {
            case "ping" -> Reply.of(200, JsonRpc.result(id, JsonRpc.NODES.objectNode()));
            case "tools/list" -> Reply.of(200, JsonRpc.result(id, e.toolList()));
            case "tools/call" -> {
                ObjectNode result = params == null || params.isNull() ? null : e.call(session.id, params);
                yield result != null ? Reply.of(200, JsonRpc.result(id, result))
                        : Reply.error(200, id, JsonRpc.INVALID_PARAMS, "tools/call needs params {\"name\": a tool from tools/list, \"arguments\": {...}}; the name must be a string.");
            }
            default -> Reply.error(200, id, JsonRpc.METHOD_NOT_FOUND,
                    "Unknown method " + JsonRpc.quote(method) + ". This server answers initialize, ping, tools/list and tools/call.");
        };
    }

    private Reply initialize(McpEndpoint e, JsonNode id, JsonNode params) {
        JsonNode asked = params == null ? null : params.get("protocolVersion");
        if (params == null || !params.isObject() || asked == null || !asked.isString()) {
            return Reply.error(400, id, JsonRpc.INVALID_PARAMS, "initialize needs params {\"protocolVersion\": \"" + McpEndpoint.PROTOCOL_VERSIONS.get(0)
                    + "\", \"capabilities\": {}, \"clientInfo\": {\"name\": ..., \"version\": ...}}.");
        }
        String version = McpEndpoint.PROTOCOL_VERSIONS.contains(asked.asString()) ? asked.asString() : McpEndpoint.PROTOCOL_VERSIONS.get(0);
        McpSessions.Session s = e.sessions.open(e, version);
        if (s == null) {
            return Reply.error(503, id, JsonRpc.SERVER_ERROR, "Too many open MCP sessions (" + e.sessions.maxSessions()
                    + "). End sessions you no longer use with DELETE, or try again later.");
        }
        if (e.closed()) {
            e.sessions.end(s.id, e);
            return Reply.error(404, id, JsonRpc.SERVER_ERROR, "This MCP endpoint has just been closed.");
        }
        return new Reply(200, JsonRpc.result(id, e.initializeResult(version)), s.id);
    }

    private static McpSessions.Session session(McpEndpoint e, HttpServletRequest req) throws Refused {
        String id = req.getHeader(SESSION);
        if (id == null || id.isBlank()) {
            throw new Refused(400, JsonRpc.SERVER_ERROR, "Missing the Mcp-Session-Id header. Send initialize first, then repeat the session id it returns on every request.");
        }
        McpSessions.Session s = e.sessions.use(id, e);
        if (s == null) throw new Refused(404, JsonRpc.SERVER_ERROR, "Unknown or expired MCP session. Send initialize to start a new one.");
        String version = req.getHeader(VERSION);
        if (version != null && !McpEndpoint.PROTOCOL_VERSIONS.contains(version)) {
            throw new Refused(400, JsonRpc.SERVER_ERROR, "Unsupported MCP-Protocol-Version " + JsonRpc.quote(version) + ". This server speaks "
                    + String.join(", ", McpEndpoint.PROTOCOL_VERSIONS) + ".");
        }
        return s;
    }

    private static boolean acceptsJson(String accept) {
        for (String part : accept.split(",")) {
            String media = part.split(";")[0].strip().toLowerCase(Locale.ROOT);
            if (media.equals("application/json") || media.equals("application/*") || media.equals("*/*")) return true;
        }
        return false;
    }

    /**
     * The request body, refused past MAX_BODY_BYTES or when it trickles in slower than BODY_DEADLINE_NANOS allows. A
     * body somewhat too large is read to its end before it is refused, so that the client, still sending, can read
     * the answer; one far too large is refused at once.
     */
    private static byte[] body(HttpServletRequest req) throws IOException, Refused {
        long declared = req.getContentLengthLong();
        if (declared > MAX_DRAIN_BYTES) throw tooLarge();
        long deadline = System.nanoTime() + BODY_DEADLINE_NANOS;
        ByteArrayOutputStream out = new ByteArrayOutputStream(declared > 0 && declared <= MAX_BODY_BYTES ? (int) declared : 1024);
        byte[] chunk = new byte[8192];
        InputStream in = req.getInputStream();
        long total = 0;
        try {
            for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
                total += n;
                if (total <= MAX_BODY_BYTES) out.write(chunk, 0, n);
                else if (total > MAX_DRAIN_BYTES) throw tooLarge();
                if (System.nanoTime() > deadline) throw new Refused(408, JsonRpc.INVALID_REQUEST, "The request body took too long to arrive.");
            }
        } catch (RuntimeException badFraming) { // e.g. a malformed chunk, which Jetty reports unchecked
            throw new Refused(400, JsonRpc.INVALID_REQUEST, "The request body could not be read: it ended early or is not valid HTTP.");
        }
        if (total > MAX_BODY_BYTES) throw tooLarge();
        return out.toByteArray();
    }

    private static Refused tooLarge() {
        return new Refused(413, JsonRpc.INVALID_REQUEST, "The request is larger than " + (MAX_BODY_BYTES >> 10) + " KiB. Send smaller arguments.");
    }

    private static void send(HttpServletRequest req, HttpServletResponse resp, Reply reply) throws IOException {
        resp.setStatus(reply.status());
        if (reply.status() == 405 || req.getMethod().equals("OPTIONS")) resp.setHeader("Allow", ALLOW);
        if (reply.sessionId() != null) resp.setHeader(SESSION, reply.sessionId());
        if (reply.body() == null || req.getMethod().equals("HEAD")) {
            resp.setContentLength(0);
            return;
        }
        byte[] bytes = JsonRpc.bytes(reply.body());
        resp.setContentType("application/json");
        resp.setContentLength(bytes.length);
        resp.getOutputStream().write(bytes);
    }
}
