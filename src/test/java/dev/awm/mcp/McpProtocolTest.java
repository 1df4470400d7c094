package dev.awm.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.awm.TestWorlds;
import dev.awm.runtime.Instance;
import dev.awm.runtime.Json;
import dev.awm.runtime.WorldRuntime;
import dev.awm.server.HttpServer;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * What an MCP server owes a client that sends anything at all: an answer, in time, in plain words. Each case here
 * was a finding of an attack on the server: empty 200s the client waited out, errors naming internal classes or
 * echoing arguments whole, HEAD never answered, Host and Origin unchecked, huge integers printed as doubles, an Error
 * in a handler answered with nothing.
 */
class McpProtocolTest {

    /** What no reply may contain: Java, SDK or awm class names, exception names, stack frames. */
    static final Pattern INTERNAL = Pattern.compile("java\\.|javax\\.|jakarta\\.|io\\.modelcontextprotocol|dev\\.awm|org\\.eclipse|tools\\.jackson|Exception|\\bat [\\w$.]+\\(|McpSchema");

    static WorldRuntime shop;
    static Instance instance;
    static McpEndpoint endpoint;
    static HttpServer http;
    static int port;

    @BeforeAll
    static void start() {
        shop = TestWorlds.tinyShopRuntime();
        instance = shop.newInstance();
        endpoint = new McpEndpoint(shop, "/mcp", session -> instance);
        http = new HttpServer("127.0.0.1", 0).mount("/mcp", endpoint.servlet).start();
        port = http.port();
    }

    @AfterAll
    static void stop() {
        endpoint.close();
        http.close();
        instance.close();
    }

    static String initialize() throws Exception {
        RawHttp.Response r = RawHttp.post(port, "/mcp", null, """
                {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        String session = r.header("Mcp-Session-Id");
        assertThat(session).isNotBlank();
        RawHttp.post(port, "/mcp", session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        return session;
    }

    static String callJson(String tool, String arguments) {
        return "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":" + Json.write(tool) + ",\"arguments\":" + arguments + "}}";
    }

    /** A reply that is a well-formed JSON-RPC error with a plain message; returns it. */
    static JsonNode assertPlainError(RawHttp.Response r, int code) {
        assertThat(r.body()).as("an answer, not an empty body (HTTP %d)", r.status()).isNotBlank();
        JsonNode body = Json.parse(r.body());
        assertThat(body.path("jsonrpc").asString()).isEqualTo("2.0");
        assertThat(body.path("error").path("code").asInt()).as(r.body()).isEqualTo(code);
        assertThat(body.path("error").path("message").asString()).isNotBlank();
        assertNoInternals(r);
        return body;
    }

    static void assertNoInternals(RawHttp.Response r) {
        assertThat(INTERNAL.matcher(r.body()).find()).as("no internal names in: %s", r.body()).isFalse();
        assertThat(r.headers().toString()).doesNotContainIgnoringCase("jetty");
    }

    /** A reply that is a tool result with isError true, the agent's fault; returns its text. */
    static String assertToolError(RawHttp.Response r) {
        return assertToolError(r, "agent");
    }

    /** A reply that is a tool result with isError true and {@code _meta} naming whose fault it is; returns its text. */
    static String assertToolError(RawHttp.Response r, String kind) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertNoInternals(r);
        JsonNode result = Json.parse(r.body()).path("result");
        assertThat(result.path("isError").asBoolean()).as(r.body()).isTrue();
        assertThat(result.path("_meta").path(McpEndpoint.ERROR_KIND).asString()).as(r.body()).isEqualTo(kind);
        return result.path("content").get(0).path("text").asString();
    }

    @Test
    void toolsCallWithMalformedParamsOrArgumentsIsAnsweredNotLeftEmpty() throws Exception {
        String s = initialize();
        for (String params : new String[] {"", ",\"params\":[1,2]", ",\"params\":\"add_to_cart\"", ",\"params\":{}", ",\"params\":{\"name\":5}"}) {
            RawHttp.Response r = RawHttp.post(port, "/mcp", s, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\"" + params + "}");
            JsonNode body = assertPlainError(r, -32602);
            assertThat(body.path("id").asInt()).isEqualTo(3);
        }
        for (String args : new String[] {"\"{\\\"product_id\\\": 1}\"", "[1, 2]", "17", "true"}) {
            String text = assertToolError(RawHttp.post(port, "/mcp", s, callJson("add_to_cart", args)));
            assertThat(text).contains("must be a JSON object").contains("product_id");
        }
    }

    @Test
    void bodiesThatAreNoJsonRpcRequestGetPlainErrors() throws Exception {
        String s = initialize();
        String[][] cases = { // body, expected code
            {"null", "-32600"}, {"42", "-32600"}, {"\"tools/list\"", "-32600"}, {"[]", "-32600"}, {"{not json", "-32700"}, {"", "-32600"},
            {"{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}", "-32600"}, {"{\"id\":1,\"method\":\"ping\"}", "-32600"},
            {"{\"jsonrpc\":\"2.0\",\"id\":{\"a\":1},\"method\":\"ping\"}", "-32600"}, {"{\"jsonrpc\":\"2.0\",\"id\":[1],\"method\":\"ping\"}", "-32600"},
            {"{\"jsonrpc\":\"2.0\",\"id\":true,\"method\":\"ping\"}", "-32600"}, {"{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"ping\"}", "-32600"},
            {"{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"ping\"}", "-32600"}, {"{\"jsonrpc\":\"2.0\",\"id\":1}", "-32600"},
            {"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":42}", "-32600"}, {"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"resources/list\"}", "-32601"},
            {"[1]", null}, {"[\"x\", {\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"nope\"}]", null},
            {"[".repeat(5_000) + "]".repeat(5_000), "-32700"},
        };
        for (String[] c : cases) {
            RawHttp.Response r = RawHttp.post(port, "/mcp", s, c[0]);
            if (c[1] != null) {
                assertPlainError(r, Integer.parseInt(c[1]));
            } else { // a batch: one error per bad message
                assertNoInternals(r);
                JsonNode replies = Json.parse(r.body());
                assertThat(replies.isArray()).as(r.body()).isTrue();
                replies.forEach(e -> assertThat(e.path("error").path("message").asString()).isNotBlank());
            }
        }
        RawHttp.Response invalidUtf8 = RawHttp.send(port, "POST", "/mcp", RawHttp.JSON_HEADERS + "Mcp-Session-Id: " + s + "\r\n",
                new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
        assertThat(invalidUtf8.status()).isEqualTo(400);
        assertPlainError(invalidUtf8, -32700);
    }

    @Test
    void initializeWithoutParamsIsRefusedInPlainWords() throws Exception {
        for (String params : new String[] {"", ",\"params\":null", ",\"params\":[]", ",\"params\":{\"capabilities\":{}}"}) {
            RawHttp.Response r = RawHttp.post(port, "/mcp", null, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\"" + params + "}");
            assertThat(assertPlainError(r, -32602).path("error").path("message").asString()).contains("protocolVersion");
            assertThat(r.header("Mcp-Session-Id")).isNull();
        }
    }

    @Test
    void theProtocolVersionsCurrentClientsSendAreAgreedAndOthersGetTheNewest() throws Exception {
        for (String v : new String[] {"2025-03-26", "2025-06-18", "2025-11-25", "2030-01-01"}) {
            RawHttp.Response r = RawHttp.post(port, "/mcp", null,
                    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"" + v + "\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}");
            JsonNode result = Json.parse(r.body()).path("result");
            assertThat(result.path("protocolVersion").asString()).isEqualTo(v.equals("2030-01-01") ? "2025-11-25" : v);
            assertThat(result.path("capabilities").has("tools")).isTrue();
        }
        String s = initialize();
        RawHttp.Response wrongHeader = RawHttp.send(port, "POST", "/mcp", RawHttp.JSON_HEADERS + "Mcp-Session-Id: " + s + "\r\nMCP-Protocol-Version: 1999-01-01\r\n",
                "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(wrongHeader.status()).isEqualTo(400);
        assertPlainError(wrongHeader, -32000);
    }

    @Test
    void notificationsResponsesAndBatchesAreAnsweredAsTheSpecificationSays() throws Exception {
        String s = initialize();
        RawHttp.Response note = RawHttp.post(port, "/mcp", s, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":9}}");
        assertThat(note.status()).isEqualTo(202);
        assertThat(note.body()).isEmpty();
        assertThat(RawHttp.post(port, "/mcp", s, "{\"jsonrpc\":\"2.0\",\"id\":4,\"result\":{}}").status()).isEqualTo(202);
        RawHttp.Response batch = RawHttp.post(port, "/mcp", s,
                "[{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"ping\"},{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"},{\"jsonrpc\":\"2.0\",\"id\":\"b\",\"method\":\"tools/list\"}]");
        JsonNode replies = Json.parse(batch.body());
        assertThat(replies).hasSize(2);
        assertThat(replies.get(0).path("id").asString()).isEqualTo("a");
        assertThat(replies.get(1).path("result").path("tools")).hasSize(4);
        RawHttp.Response noSession = RawHttp.post(port, "/mcp", null, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");
        assertThat(noSession.status()).isEqualTo(400);
        assertPlainError(noSession, -32000);
        RawHttp.Response unknown = RawHttp.post(port, "/mcp", "no-such-session", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");
        assertThat(unknown.status()).isEqualTo(404);
        assertPlainError(unknown, -32000);
        RawHttp.Response bigId = RawHttp.post(port, "/mcp", s, "{\"jsonrpc\":\"2.0\",\"id\":123456789012345678901234567890,\"method\":\"ping\"}");
        assertThat(bigId.body()).contains("\"id\":123456789012345678901234567890");
    }

    @Test
    void everyHttpMethodAndHeaderMistakeGetsItsStatusAndAPlainMessage() throws Exception {
        String s = initialize();
        String ping = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}";
        byte[] pingBytes = ping.getBytes(StandardCharsets.UTF_8);
        String session = "Mcp-Session-Id: " + s + "\r\n";
        RawHttp.Response get = RawHttp.send(port, "GET", "/mcp", "Accept: text/event-stream\r\n" + session, null);
        assertThat(get.status()).isEqualTo(405);
        assertThat(get.header("Allow")).contains("POST");
        assertPlainError(get, -32000);
        RawHttp.Response head = RawHttp.send(port, "HEAD", "/mcp", session, null);
        assertThat(head.status()).isEqualTo(405);
        assertThat(RawHttp.send(port, "PUT", "/mcp", RawHttp.JSON_HEADERS + session, pingBytes).status()).isEqualTo(405);
        RawHttp.Response options = RawHttp.send(port, "OPTIONS", "/mcp", "", null);
        assertThat(options.status()).isEqualTo(204);
        assertThat(options.header("Allow")).contains("POST").contains("DELETE");
        assertPlainError(RawHttp.send(port, "POST", "/mcp", "Content-Type: text/plain\r\n" + session, pingBytes), -32600);
        assertThat(RawHttp.send(port, "POST", "/mcp", "Content-Type: text/plain\r\n" + session, pingBytes).status()).isEqualTo(415);
        assertThat(RawHttp.send(port, "POST", "/mcp", "Content-Type: application/json\r\nAccept: text/event-stream\r\n" + session, pingBytes).status()).isEqualTo(406);
        RawHttp.Response noAccept = RawHttp.send(port, "POST", "/mcp", "Content-Type: application/json\r\n" + session, pingBytes);
        assertThat(noAccept.status()).as("a missing Accept is taken as anything").isEqualTo(200);
        assertThat(Json.parse(noAccept.body()).has("result")).isTrue();
        RawHttp.Response huge = RawHttp.post(port, "/mcp", s, callJson("search_products", "{\"query\":\"" + "x".repeat(2 << 20) + "\"}"));
        assertThat(huge.status()).isEqualTo(413);
        assertPlainError(huge, -32600);
        assertThat(RawHttp.send(port, "DELETE", "/mcp", "", null).status()).isEqualTo(400);
        assertThat(RawHttp.send(port, "DELETE", "/mcp", session, null).status()).isEqualTo(200);
        assertThat(RawHttp.post(port, "/mcp", s, ping).status()).as("an ended session is gone").isEqualTo(404);
        RawHttp.Response elsewhere = RawHttp.send(port, "GET", "/nothing-here", "", null);
        assertThat(elsewhere.status()).isEqualTo(404);
        assertNoInternals(elsewhere);
    }

    @Test
    void aBrokenOrCutUploadIsAnsweredToo() throws Exception {
        String s = initialize();
        for (String body : new String[] {"zz\r\n{}\r\n0\r\n\r\n", "5\r\n{\"jsonrpc\":\"2.0\"}\r\n0\r\n\r\n"}) {
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write(("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n" + RawHttp.JSON_HEADERS + "Mcp-Session-Id: " + s
                        + "\r\nTransfer-Encoding: chunked\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
                RawHttp.Response r = RawHttp.read(socket.getInputStream(), false);
                assertThat(r.status()).as(body).isEqualTo(400);
                assertNoInternals(r);
                assertThat(Json.parse(r.body()).path("error").path("message").asString()).isNotBlank();
            }
        }
    }

    @Test
    void anUnknownToolIsAnErrorResultNamingTheAvailableTools() throws Exception {
        String text = assertToolError(RawHttp.post(port, "/mcp", initialize(), callJson("launch_rocket", "{}")));
        assertThat(text).contains("launch_rocket").contains("search_products, add_to_cart, remove_from_cart, get_cart");
    }

    @Test
    void errorTextsAreCappedAndNeverEchoArgumentsWhole() throws Exception {
        String s = initialize();
        String longName = "n".repeat(50_000);
        String unknown = assertToolError(RawHttp.post(port, "/mcp", s, callJson(longName, "{}")));
        String extra = assertToolError(RawHttp.post(port, "/mcp", s, callJson("search_products", "{\"" + longName + "\": 1}")));
        RawHttp.Response method = RawHttp.post(port, "/mcp", s, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + longName + "\"}");
        String methodText = assertPlainError(method, -32601).path("error").path("message").asString();
        for (String text : new String[] {unknown, extra, methodText}) {
            assertThat(text.length()).as(text).isLessThanOrEqualTo(2_000);
            assertThat(text).doesNotContain("n".repeat(2_000));
        }
    }

    @Test
    void hostAndOriginAreCheckedAgainstDnsRebinding() throws Exception {
        String s = initialize();
        byte[] ping = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}".getBytes(StandardCharsets.UTF_8);
        String session = RawHttp.JSON_HEADERS + "Mcp-Session-Id: " + s + "\r\n";
        RawHttp.Response rebound = RawHttp.send(port, "POST", "/mcp", session + "Host: attacker.example:" + port + "\r\n", ping);
        assertThat(rebound.status()).isEqualTo(403);
        assertPlainError(rebound, -32000);
        for (String host : new String[] {"localhost:" + port, "127.0.0.1:" + port, "[::1]:" + port, "LOCALHOST"}) {
            RawHttp.Response r = RawHttp.send(port, "POST", "/mcp", session + "Host: " + host + "\r\n", ping);
            assertThat(r.status()).as(host + ": " + r.body()).isEqualTo(200);
        }
        for (String origin : new String[] {"http://attacker.example", "null", "http://localhost.attacker.example:3000", "file://"}) {
            RawHttp.Response r = RawHttp.send(port, "POST", "/mcp", session + "Origin: " + origin + "\r\n", ping);
            assertThat(r.status()).as(origin).isEqualTo(403);
            assertPlainError(r, -32000);
        }
        RawHttp.Response local = RawHttp.send(port, "POST", "/mcp", session + "Origin: http://localhost:6274\r\n", ping);
        assertThat(local.status()).as(local.body()).isEqualTo(200);
        assertThat(local.header("Access-Control-Allow-Origin")).isEqualTo("http://localhost:6274");
        assertThat(local.header("Access-Control-Expose-Headers")).contains("Mcp-Session-Id");
    }

    @Test
    void hugeIntegersAreRefusedOrKeptExactNeverPrintedAsDoubles() throws Exception {
        String s = initialize();
        String before = instance.stateHash();
        for (String id : new String[] {"92233720368547758070", "-92233720368547758070", "1e400", "9.3e18"}) {
            RawHttp.Response r = RawHttp.post(port, "/mcp", s, callJson("add_to_cart", "{\"product_id\": " + id + "}"));
            String text = assertToolError(r);
            assertThat(text).contains("product_id").doesNotContainPattern("\\dE\\d");
        }
        String exact = assertToolError(RawHttp.post(port, "/mcp", s, callJson("add_to_cart", "{\"product_id\": 92233720368547758}")));
        assertThat(exact).contains("92233720368547758").doesNotContainPattern("\\dE\\d");
        String whole = assertToolError(RawHttp.post(port, "/mcp", s, callJson("remove_from_cart", "{\"product_id\": 4.0}")));
        assertThat(whole).as("4.0 for an integer parameter is the integer 4").isEqualTo("Product 4 is not in your cart. See get_cart.");
        assertThat(instance.stateHash()).isEqualTo(before);
    }

    @Test
    void anErrorThrownWhileRunningAToolBecomesAnErrorResult() throws Exception {
        McpEndpoint failing = new McpEndpoint(shop, "/failing", session -> {
            throw new StackOverflowError();
        });
        try (HttpServer server = new HttpServer("127.0.0.1", 0).mount("/failing", failing.servlet).start()) {
            RawHttp.Response init = RawHttp.post(server.port(), "/failing", null,
                    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}");
            String s = init.header("Mcp-Session-Id");
            for (int i = 0; i < 2; i++) { // and the server still answers after it
                String text = assertToolError(RawHttp.post(server.port(), "/failing", s, callJson("get_cart", "{}")), "environment");
                assertThat(text).contains("get_cart");
            }
        } finally {
            failing.close();
        }
    }
}
