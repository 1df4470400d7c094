package dev.awm.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.awm.runtime.CompiledTool;
import dev.awm.runtime.Instance;
import dev.awm.runtime.Json;
import dev.awm.runtime.ToolResult;
import dev.awm.runtime.WorldRuntime;
import dev.awm.server.HttpServer;
import dev.awm.world.WorldFiles;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Random JSON-RPC shapes, HTTP mistakes and tool arguments thrown at a served bundled world (a fixed seed, a
 * bounded count): every request gets a well-formed answer in time with no internal name in it, the server stays up,
 * and the instance ends exactly where replaying only the calls that reported success takes a fresh one.
 */
class McpFuzzTest {

    static final long SEED = 20_261_207L;
    static final int REQUESTS = 1_500;
    static final Set<Integer> STATUSES = Set.of(200, 202, 204, 400, 404, 405, 406, 413, 415);
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    static final String[] STRINGS = {"", "a", "Maya", "checking", "2026-03-15", "2026-13-45", "'; DROP TABLE accounts; --", "%", "_", "null", "\u0000",
        "é漢字🙂", "x".repeat(3_000), "{\"a\":1}", "1", "-1", "true"};

    record Call(String tool, JsonNode arguments) {}

    private final Random rnd = new Random(SEED);
    private List<CompiledTool> tools;

    @Test
    void randomRequestsAllGetWellFormedAnswersAndOnlySuccessfulCallsChangeState() throws Exception {
        WorldRuntime world = WorldRuntime.load(WorldFiles.bundled().stream().filter(w -> w.scenario().equals("banking_1")).findFirst().orElseThrow());
        tools = world.tools();
        Instance instance = world.newInstance();
        McpEndpoint endpoint = new McpEndpoint(world, "/mcp", session -> instance);
        List<Call> succeeded = new ArrayList<>();
        int callsMade = 0;
        try (HttpServer http = new HttpServer("127.0.0.1", 0).mount("/mcp", endpoint.servlet).start()) {
            int port = http.port();
            String session = McpSessionsTest.initialize(port, "/mcp");
            for (int i = 0; i < REQUESTS; i++) {
                String headers = headers(session);
                Call call = rnd.nextInt(10) < 6 ? toolCall() : null;
                String method = rnd.nextInt(40) == 0 ? List.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE").get(rnd.nextInt(5)) : "POST";
                if (method.equals("DELETE")) headers = headers.replace(session, "not-" + session);
                long id = i + 100;
                byte[] body = call != null ? callBody(id, call) : junk();
                RawHttp.Response r = RawHttp.send(port, method, "/mcp", headers, body);
                String text = new String(body, StandardCharsets.UTF_8);
                String what = "request " + i + ": " + method + " " + headers.replace("\r\n", " | ") + text.substring(0, Math.min(text.length(), 300));
                assertWellFormed(r, what);
                if (call == null || r.status() != 200 || !method.equals("POST")) continue;
                callsMade++;
                JsonNode reply = Json.parse(r.body());
                assertThat(reply.path("id").asLong()).as(what).isEqualTo(id);
                JsonNode result = reply.path("result");
                assertThat(result.path("content").get(0).path("text").isString()).as(what + " -> " + r.body()).isTrue();
                if (!result.path("isError").asBoolean()) succeeded.add(call);
            }
            RawHttp.Response ping = RawHttp.post(port, "/mcp", session, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}");
            assertThat(ping.status()).as("the server is still up").isEqualTo(200);
        } finally {
            endpoint.close();
        }
        assertThat(callsMade).as("tool calls that reached a tool").isGreaterThan(REQUESTS / 3);
        assertThat(succeeded.size()).as("tool calls that succeeded").isGreaterThan(50);
        try (Instance replay = world.newInstance()) {
            for (Call c : succeeded) {
                ObjectNode args = c.arguments() == null || c.arguments().isNull() ? NODES.objectNode() : (ObjectNode) c.arguments().deepCopy();
                assertThat(McpEndpoint.exactNumbers(tools.stream().filter(t -> t.tool.name().equals(c.tool())).findFirst().orElseThrow(), args)).isNull();
                ToolResult r = replay.call(c.tool(), args);
                assertThat(r.error()).as("replaying %s %s: %s", c.tool(), args, r.text()).isFalse();
            }
            assertThat(instance.stateHash()).as("the state is that of the successful calls alone").isEqualTo(replay.stateHash());
        } finally {
            instance.close();
        }
    }

    static void assertWellFormed(RawHttp.Response r, String what) {
        assertThat(STATUSES).as(what + " -> " + r.status() + " " + r.body()).contains(r.status());
        McpProtocolTest.assertNoInternals(r);
        if (r.body().isEmpty()) {
            assertThat(r.status()).as(what + ": an empty answer only where nothing is owed").isIn(202, 204, 200, 405);
            return;
        }
        JsonNode body = Json.parse(r.body());
        for (JsonNode m : body.isArray() ? body : List.of(body)) {
            assertThat(m.path("jsonrpc").asString()).as(what).isEqualTo("2.0");
            assertThat(m.has("result") != m.has("error")).as(what + " -> " + r.body()).isTrue();
            if (m.has("error")) {
                String message = m.path("error").path("message").asString();
                assertThat(message).as(what).isNotBlank().hasSizeLessThanOrEqualTo(JsonRpc.MAX_ERROR_CHARS);
            } else if (m.path("result").path("isError").asBoolean()) {
                assertThat(m.path("result").path("content").get(0).path("text").asString()).as(what).hasSizeLessThanOrEqualTo(JsonRpc.MAX_ERROR_CHARS);
            }
        }
    }

    private String headers(String session) {
        int h = rnd.nextInt(100);
        String type = h < 3 ? "Content-Type: text/plain\r\n" : h < 5 ? "" : h < 7 ? "Content-Type: application/json; charset=latin1\r\n" : "Content-Type: application/json\r\n";
        String accept = h % 17 == 0 ? "Accept: text/event-stream\r\n" : h % 13 == 0 ? "" : "Accept: application/json, text/event-stream\r\n";
        String s = h % 23 == 0 ? "" : h % 19 == 0 ? "Mcp-Session-Id: " + rnd.nextLong() + "\r\n" : "Mcp-Session-Id: " + session + "\r\n";
        String version = h % 11 == 0 ? "MCP-Protocol-Version: 2025-06-18\r\n" : h % 29 == 0 ? "MCP-Protocol-Version: 1.0\r\n" : "";
        return type + accept + s + version;
    }

    private Call toolCall() {
        CompiledTool t = tools.get(rnd.nextInt(tools.size()));
        int shape = rnd.nextInt(20);
        if (shape == 0) return new Call(t.tool.name(), null);
        if (shape == 1) return new Call(t.tool.name(), junkValue(2));
        ObjectNode args = NODES.objectNode();
        JsonNode schema = t.tool.inputSchema();
        Set<String> required = new java.util.HashSet<>();
        schema.path("required").forEach(n -> required.add(n.asString()));
        for (Map.Entry<String, JsonNode> p : schema.path("properties").properties()) {
            if (!required.contains(p.getKey()) && rnd.nextBoolean()) continue;
            if (required.contains(p.getKey()) && rnd.nextInt(30) == 0) continue;
            args.set(p.getKey(), rnd.nextInt(12) == 0 ? junkValue(1) : value(p.getValue()));
        }
        if (rnd.nextInt(25) == 0) args.put("not_a_parameter_" + rnd.nextInt(5), 1);
        return new Call(t.tool.name(), args);
    }

    /** A value of the schema's type, mostly plausible. */
    private JsonNode value(JsonNode schema) {
        if (schema.has("enum") && rnd.nextInt(5) > 0) return schema.path("enum").get(rnd.nextInt(schema.path("enum").size()));
        String type = schema.path("type").isArray() ? schema.path("type").get(0).asString("string") : schema.path("type").asString("string");
        return switch (type) {
            case "integer" -> switch (rnd.nextInt(20)) {
                case 0 -> NODES.numberNode(new java.math.BigInteger("92233720368547758070"));
                case 1 -> NODES.numberNode((double) rnd.nextInt(10));
                case 2 -> NODES.numberNode(-rnd.nextInt(1000));
                case 3 -> NODES.numberNode(Long.MAX_VALUE);
                default -> NODES.numberNode(1 + rnd.nextInt(12));
            };
            case "number" -> rnd.nextInt(10) == 0 ? NODES.numberNode(1e300) : NODES.numberNode(Math.round(rnd.nextDouble() * 50_000) / 100.0);
            case "boolean" -> NODES.booleanNode(rnd.nextBoolean());
            case "array" -> {
                ArrayNode a = NODES.arrayNode();
                for (int i = rnd.nextInt(4); i > 0; i--) a.add(value(schema.path("items")));
                yield a;
            }
            case "object" -> NODES.objectNode();
            default -> NODES.stringNode(STRINGS[rnd.nextInt(STRINGS.length)]);
        };
    }

    private byte[] callBody(long id, Call c) {
        ObjectNode m = NODES.objectNode().put("jsonrpc", "2.0").put("id", id).put("method", "tools/call");
        ObjectNode params = m.putObject("params").put("name", c.tool());
        if (c.arguments() != null) params.set("arguments", c.arguments());
        return Json.write(m).getBytes(StandardCharsets.UTF_8);
    }

    /** Anything but a well-formed call of a real tool. */
    private byte[] junk() {
        return switch (rnd.nextInt(10)) {
            case 0 -> { // random bytes
                byte[] b = new byte[rnd.nextInt(64)];
                rnd.nextBytes(b);
                yield b;
            }
            case 1 -> {
                ArrayNode batch = NODES.arrayNode();
                for (int i = rnd.nextInt(4); i >= 0; i--) batch.add(junkMessage());
                yield Json.write(batch).getBytes(StandardCharsets.UTF_8);
            }
            case 2 -> Json.write(junkValue(3)).getBytes(StandardCharsets.UTF_8);
            case 3 -> { // valid JSON cut short
                byte[] whole = Json.write(junkMessage()).getBytes(StandardCharsets.UTF_8);
                yield java.util.Arrays.copyOf(whole, rnd.nextInt(whole.length));
            }
            default -> Json.write(junkMessage()).getBytes(StandardCharsets.UTF_8);
        };
    }

    private JsonNode junkMessage() {
        ObjectNode m = NODES.objectNode();
        int v = rnd.nextInt(12);
        if (v == 0) m.put("jsonrpc", "1.0");
        else if (v == 1) m.put("jsonrpc", 2);
        else if (v != 2) m.put("jsonrpc", "2.0");
        int id = rnd.nextInt(10);
        if (id < 4) m.put("id", rnd.nextInt(1000));
        else if (id < 6) m.put("id", "r" + rnd.nextInt(1000));
        else if (id == 6) m.set("id", junkValue(1));
        List<String> methods = List.of("tools/list", "ping", "tools/call", "initialize", "notifications/initialized", "resources/list", "prompts/get", "", "logging/setLevel",
                "completion/complete", "tools/call ");
        if (rnd.nextInt(10) > 0) m.put("method", methods.get(rnd.nextInt(methods.size())));
        int p = rnd.nextInt(6);
        if (p == 0) m.set("params", junkValue(2));
        else if (p == 1) m.putObject("params").put("name", "no_such_tool_" + rnd.nextInt(3)).set("arguments", junkValue(2));
        else if (p == 2) m.putObject("params").put("protocolVersion", rnd.nextBoolean() ? "2025-06-18" : "1999-01-01").putObject("capabilities");
        else if (p == 3) m.putObject("params").set("name", junkValue(1));
        return m;
    }

    private JsonNode junkValue(int depth) {
        int k = rnd.nextInt(depth > 0 ? 9 : 7);
        return switch (k) {
            case 0 -> NODES.nullNode();
            case 1 -> NODES.booleanNode(rnd.nextBoolean());
            case 2 -> NODES.numberNode(rnd.nextInt());
            case 3 -> NODES.numberNode(rnd.nextGaussian() * 1e20);
            case 4 -> NODES.numberNode(new java.math.BigInteger(100, rnd));
            case 5, 6 -> NODES.stringNode(STRINGS[rnd.nextInt(STRINGS.length)]);
            case 7 -> {
                ArrayNode a = NODES.arrayNode();
                for (int i = rnd.nextInt(3); i > 0; i--) a.add(junkValue(depth - 1));
                yield a;
            }
            default -> {
                ObjectNode o = NODES.objectNode();
                for (int i = rnd.nextInt(3); i > 0; i--) o.set(STRINGS[rnd.nextInt(STRINGS.length)].isEmpty() ? "k" : "k" + rnd.nextInt(9), junkValue(depth - 1));
                yield o;
            }
        };
    }
}
