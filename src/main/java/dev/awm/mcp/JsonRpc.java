package dev.awm.mcp;

import dev.awm.world.WorldFiles;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** JSON-RPC 2.0 messages as MCP uses them: the error codes, replies, and the caps on what a reply may echo. */
final class JsonRpc {

    static final int PARSE_ERROR = -32700, INVALID_REQUEST = -32600, METHOD_NOT_FOUND = -32601, INVALID_PARAMS = -32602, INTERNAL_ERROR = -32603,
            SERVER_ERROR = -32000;
    /** Characters an error text may have; what a client sent is never echoed whole. */
    static final int MAX_ERROR_CHARS = 2_000;
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonRpc() {}

    static ObjectNode result(JsonNode id, JsonNode result) {
        ObjectNode n = NODES.objectNode();
        n.put("jsonrpc", "2.0");
        n.set("id", id == null ? NODES.nullNode() : id);
        n.set("result", result);
        return n;
    }

    static ObjectNode error(JsonNode id, int code, String message) {
        ObjectNode n = NODES.objectNode();
        n.put("jsonrpc", "2.0");
        n.set("id", id == null ? NODES.nullNode() : id);
        n.putObject("error").put("code", code).put("message", cap(message));
        return n;
    }

    /** {@code text} cut to MAX_ERROR_CHARS, saying how much was left out. */
    static String cap(String text) {
        if (text.length() <= MAX_ERROR_CHARS) return text;
        String note = "... (" + (text.length() - MAX_ERROR_CHARS) + " more characters left out)";
        return text.substring(0, MAX_ERROR_CHARS - note.length()) + note;
    }

    /** A value a client sent, short enough to quote in a message. */
    static String quote(String value) {
        return value.length() <= 60 ? value : value.substring(0, 57) + "...";
    }

    /** What kind of JSON value {@code n} is, in words. */
    static String kind(JsonNode n) {
        if (n == null || n.isMissingNode()) return "missing";
        if (n.isNull()) return "null";
        if (n.isString()) return "a string";
        if (n.isArray()) return "an array";
        if (n.isObject()) return "an object";
        if (n.isBoolean()) return "a boolean";
        return "a number";
    }

    static byte[] bytes(JsonNode message) {
        return WorldFiles.JSON.writeValueAsBytes(message);
    }
}
