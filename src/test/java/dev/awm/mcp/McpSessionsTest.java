package dev.awm.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.awm.TestWorlds;
import dev.awm.runtime.Instance;
import dev.awm.runtime.Json;
import dev.awm.runtime.ToolResult;
import dev.awm.runtime.WorldRuntime;
import dev.awm.server.HttpServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * MCP sessions end: by DELETE, when their endpoint closes, or when idle past a timeout, reclaimed by one sweeper
 * thread shared by every endpoint; and their number is capped. Endpoints come and go at run time under one servlet.
 */
class McpSessionsTest {

    static final WorldRuntime SHOP = TestWorlds.tinyShopRuntime();

    static String initialize(int port, String path) throws Exception {
        RawHttp.Response r = RawHttp.post(port, path, null, """
                {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""");
        return r.header("Mcp-Session-Id");
    }

    static RawHttp.Response getCart(int port, String path, String session) throws Exception {
        return RawHttp.post(port, path, session, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"get_cart\",\"arguments\":{}}}");
    }

    /** A fresh instance per session, counting the live ones. */
    static final class Counting implements McpEndpoint.Binding {
        final McpEndpoint.Binding fresh = McpEndpoint.Binding.freshPerSession(SHOP);
        final Set<String> live = ConcurrentHashMap.newKeySet();
        final Set<String> made = ConcurrentHashMap.newKeySet();

        @Override
        public Instance instance(String sessionId) {
            live.add(sessionId);
            made.add(sessionId);
            return fresh.instance(sessionId);
        }

        @Override
        public void ended(String sessionId) {
            live.remove(sessionId);
            fresh.ended(sessionId);
        }
    }

    @Test
    void sessionsIdlePastTheTimeoutAreReclaimedWithTheirInstances() throws Exception {
        Counting binding = new Counting();
        try (McpSessions sessions = new McpSessions(Duration.ofSeconds(2), 1_000)) {
            McpEndpoint endpoint = new McpEndpoint(SHOP, "/mcp", binding, sessions);
            try (HttpServer http = new HttpServer("127.0.0.1", 0).mount("/mcp", endpoint.servlet).start()) {
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < 60; i++) {
                    String s = initialize(http.port(), "/mcp");
                    assertThat(getCart(http.port(), "/mcp", s).status()).isEqualTo(200);
                    ids.add(s);
                }
                String kept = initialize(http.port(), "/mcp");
                assertThat(binding.made).as("each session had its own instance").hasSize(60);
                long deadline = System.nanoTime() + 20_000_000_000L;
                while (!binding.live.equals(Set.of(kept)) && System.nanoTime() < deadline) {
                    getCart(http.port(), "/mcp", kept); // a session in use stays
                    Thread.sleep(200);
                }
                assertThat(binding.live).as("every abandoned session's instance is closed").containsExactly(kept);
                assertThat(sessions.size()).as("only the session in use is left").isEqualTo(1);
                assertThat(getCart(http.port(), "/mcp", ids.get(0)).status()).as("a reclaimed session is gone").isEqualTo(404);
                assertThat(getCart(http.port(), "/mcp", kept).status()).isEqualTo(200);
            }
            endpoint.close();
            assertThat(sessions.size()).isZero();
        }
    }

    @Test
    void oneSweeperThreadServesAnyNumberOfEndpoints() throws Exception {
        try (McpSessions sessions = new McpSessions(Duration.ofMinutes(5), 1_000)) {
            McpServlet router = new McpServlet();
            List<McpEndpoint> endpoints = new ArrayList<>();
            long before = sweeperThreads();
            try (HttpServer http = new HttpServer("127.0.0.1", 0).mount("/v1/episodes/*", router).start()) {
                for (int i = 0; i < 300; i++) {
                    McpEndpoint e = new McpEndpoint(SHOP, "/v1/episodes/" + i + "/mcp", McpEndpoint.Binding.freshPerSession(SHOP), sessions);
                    router.add(e);
                    endpoints.add(e);
                }
                for (int i = 0; i < 300; i += 50) {
                    String s = initialize(http.port(), "/v1/episodes/" + i + "/mcp");
                    assertThat(getCart(http.port(), "/v1/episodes/" + i + "/mcp", s).status()).isEqualTo(200);
                    assertThat(getCart(http.port(), "/v1/episodes/" + (i + 1) + "/mcp", s).status()).as("a session belongs to its endpoint").isEqualTo(404);
                }
                assertThat(sweeperThreads() - before).as("threads added by 300 endpoints").isLessThanOrEqualTo(1);
                endpoints.get(0).close();
                assertThat(RawHttp.post(http.port(), "/v1/episodes/0/mcp", null, "{}").status()).as("a closed endpoint is gone").isEqualTo(404);
                assertThat(router.size()).isEqualTo(299);
            }
            endpoints.forEach(McpEndpoint::close);
            assertThat(sessions.size()).isZero();
        }
    }

    static long sweeperThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("awm-mcp-session")).count();
    }

    @Test
    void theJavaSdkClientCallsToolsAndEndsItsSessionWhenClosed() throws Exception {
        Counting binding = new Counting();
        try (McpSessions sessions = new McpSessions(Duration.ofMinutes(5), 100)) {
            McpEndpoint endpoint = new McpEndpoint(SHOP, "/mcp", binding, sessions);
            try (HttpServer http = new HttpServer("127.0.0.1", 0).mount("/mcp", endpoint.servlet).start()) {
                try (McpToolClient client = new McpToolClient("http://127.0.0.1:" + http.port(), "/mcp")) {
                    ToolResult added = client.call("add_to_cart", Json.parse("{\"product_id\": 1, \"quantity\": 2}"));
                    assertThat(added.error()).as(added.text()).isFalse();
                    assertThat(added.value()).isInstanceOf(java.util.Map.class);
                    ToolResult unknown = client.call("launch_rocket", null);
                    assertThat(unknown.error()).isTrue();
                    assertThat(unknown.text()).contains("Available tools: search_products");
                    assertThat(unknown.kind()).as("the client reads whose fault it was from _meta").isEqualTo(ToolResult.ErrorKind.AGENT);
                    assertThat(client.call("add_to_cart", Json.parse("{\"product_id\": 92233720368547758070}")).text()).contains("out of range");
                    assertThat(sessions.size()).isEqualTo(1);
                }
                assertThat(sessions.size()).as("the client's DELETE ended its session").isZero();
                assertThat(binding.live).isEmpty();
            }
            endpoint.close();
        }
    }

    @Test
    void deleteEndsASessionAndTheCapOfOpenSessionsHoldsWithAPlainMessage() throws Exception {
        AtomicInteger ended = new AtomicInteger();
        Instance instance = SHOP.newInstance();
        try (McpSessions sessions = new McpSessions(Duration.ofMinutes(5), 3)) {
            McpEndpoint endpoint = new McpEndpoint(SHOP, "/mcp", new McpEndpoint.Binding() {
                @Override
                public Instance instance(String sessionId) {
                    return instance;
                }

                @Override
                public void ended(String sessionId) {
                    ended.incrementAndGet();
                }
            }, sessions);
            try (HttpServer http = new HttpServer("127.0.0.1", 0).mount("/mcp", endpoint.servlet).start()) {
                String first = initialize(http.port(), "/mcp");
                initialize(http.port(), "/mcp");
                initialize(http.port(), "/mcp");
                RawHttp.Response full = RawHttp.post(http.port(), "/mcp", null, """
                        {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""");
                assertThat(full.status()).isEqualTo(503);
                assertThat(Json.parse(full.body()).path("error").path("message").asString()).contains("Too many open MCP sessions").contains("DELETE");
                assertThat(RawHttp.send(http.port(), "DELETE", "/mcp", "Mcp-Session-Id: " + first + "\r\n", null).status()).isEqualTo(200);
                assertThat(ended.get()).isEqualTo(1);
                assertThat(initialize(http.port(), "/mcp")).as("room for a new session").isNotBlank();
            }
            endpoint.close();
            assertThat(ended.get()).isEqualTo(4);
        } finally {
            instance.close();
        }
    }
}
