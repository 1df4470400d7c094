package dev.awm.server;

import dev.awm.episode.EpisodeException;
import dev.awm.runtime.Instance;
import dev.awm.runtime.Json;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/** Reading JSON request bodies and writing JSON responses and errors, the same way on every HTTP face. */
final class JsonHttp {

    /** Largest request body read: tool arguments and answers are small. */
    static final int MAX_BODY = 4 << 20;

    private JsonHttp() {}

    /** A request the caller got wrong, answered with {@code status} and its message. */
    static final class BadRequest extends RuntimeException {
        final int status;

        BadRequest(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    /** The request body as a JSON object; an empty body is an empty object. */
    static JsonNode body(HttpServletRequest req) throws IOException {
        byte[] bytes;
        try (InputStream in = req.getInputStream()) {
            bytes = in.readNBytes(MAX_BODY + 1);
        }
        if (bytes.length > MAX_BODY) throw new BadRequest(413, "the request body is larger than " + (MAX_BODY >> 20) + " MiB");
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (text.isBlank()) return JsonNodeFactory.instance.objectNode();
        JsonNode node;
        try {
            node = Json.parse(text);
        } catch (RuntimeException e) {
            throw new BadRequest(400, "the request body is not valid JSON; send a JSON object");
        }
        if (!node.isObject()) throw new BadRequest(400, "the request body must be a JSON object, not " + kind(node));
        return node;
    }

    static String kind(JsonNode n) {
        return n.isArray() ? "an array" : n.isString() ? "a string" : n.isNumber() ? "a number" : n.isBoolean() ? "a boolean" : n.isNull() ? "null" : "an object";
    }

    /** An optional string field; a field of another type is refused. */
    static String text(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) return null;
        if (!n.isString()) throw new BadRequest(400, "\"" + field + "\" must be a string, not " + kind(n));
        return n.asString();
    }

    /** An optional whole-number field. */
    static Integer integer(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) return null;
        if (n.isString() && n.asString().strip().matches("-?\\d{1,9}")) return Integer.parseInt(n.asString().strip());
        if (!n.isIntegralNumber() || !n.canConvertToInt()) throw new BadRequest(400, "\"" + field + "\" must be a whole number, not " + kind(n));
        return n.asInt();
    }

    /** The request id to echo: the body's {@code request_id}, else the {@code X-Request-Id} header. */
    static String requestId(HttpServletRequest req, JsonNode body) {
        String id = body == null ? null : text(body, "request_id");
        if (id == null) id = req.getHeader("X-Request-Id");
        if (id != null && id.length() > 200) throw new BadRequest(400, "\"request_id\" is longer than 200 characters");
        return id;
    }

    static void write(HttpServletResponse resp, int status, String requestId, Map<String, ?> body) throws IOException {
        Map<String, Object> out = new LinkedHashMap<>();
        if (requestId != null) {
            out.put("request_id", requestId);
            resp.setHeader("X-Request-Id", requestId);
        }
        out.putAll(body);
        byte[] bytes = Json.write(out).getBytes(StandardCharsets.UTF_8);
        resp.setStatus(status);
        resp.setContentType("application/json");
        resp.setCharacterEncoding("UTF-8");
        resp.setContentLength(bytes.length);
        resp.getOutputStream().write(bytes);
    }

    /** An error response: {@code {error: {message, code}, retryable}}. */
    static void error(HttpServletResponse resp, int status, String code, String message, boolean retryable, String requestId) throws IOException {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", message);
        error.put("code", code);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("retryable", retryable);
        write(resp, status, requestId, body);
    }

    /** An error as MCP clients read it: a JSON-RPC error with no id. */
    static void rpcError(HttpServletResponse resp, int status, String message) throws IOException {
        byte[] bytes = HttpServer.errorJson(message);
        resp.setStatus(status);
        resp.setContentType("application/json");
        resp.setContentLength(bytes.length);
        resp.getOutputStream().write(bytes);
    }

    /** Answers any failure in plain words: never a stack trace nor an internal class name. */
    static void fail(HttpServletResponse resp, RuntimeException e, String requestId) throws IOException {
        switch (e) {
            case EpisodeException ee -> {
                switch (ee.kind) {
                    case BAD_REQUEST -> error(resp, 400, "bad_request", ee.getMessage(), false, requestId);
                    case NOT_FOUND -> error(resp, 404, "not_found", ee.getMessage(), false, requestId);
                    case ENDED -> error(resp, 409, "ended", ee.getMessage(), false, requestId);
                    case AT_CAPACITY -> {
                        resp.setHeader("Retry-After", "1");
                        error(resp, 429, "at_capacity", ee.getMessage(), true, requestId);
                    }
                }
            }
            case Instance.LostState lost -> error(resp, 409, "state_lost", lost.getMessage(), false, requestId);
            case BadRequest b -> error(resp, b.status, switch (b.status) {
                case 404 -> "not_found";
                case 405 -> "method_not_allowed";
                case 413 -> "too_large";
                default -> "bad_request";
            }, b.getMessage(), false, requestId);
            default -> {
                System.err.println("awm serve: request failed: " + e);
                error(resp, 500, "server_error", "the server failed to handle the request; it is safe to retry", true, requestId);
            }
        }
    }
}
