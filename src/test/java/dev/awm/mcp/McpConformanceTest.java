package dev.awm.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.awm.Prerequisite;
import dev.awm.TestWorlds;
import dev.awm.runtime.Instance;
import dev.awm.runtime.Json;
import dev.awm.runtime.WorldRuntime;
import dev.awm.server.HttpServer;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The conformance test of DESIGN 6: the official TypeScript MCP SDK client drives `awm env start`'s server over
 * Streamable HTTP through initialize, tools/list, a read, a write, a call failing validation, a call failing a
 * guard, and an unknown tool.
 */
public class McpConformanceTest {

    static final Path CLIENT = Path.of("src/test/mcp-client");
    static WorldRuntime shop;
    static Instance instance;
    static McpEndpoint endpoint;
    static HttpServer http;

    @BeforeAll
    static void start() {
        shop = TestWorlds.tinyShopRuntime();
        instance = shop.newInstance();
        endpoint = new McpEndpoint(shop, "/mcp", session -> instance);
        http = new HttpServer("127.0.0.1", 0).mount("/mcp", endpoint.servlet).start();
    }

    @AfterAll
    static void stop() {
        if (endpoint != null) endpoint.close();
        if (http != null) http.close();
        if (instance != null) instance.close();
    }

    /**
     * Needs Node.js (the test is skipped without it, see {@link Prerequisite}); installs the client with npm on first use. npm gets
     * no standard input and writes to a log file: this JVM's standard streams are Surefire's channel to Maven.
     */
    public static void installClient() throws Exception {
        Prerequisite.require(runs("node", "--version") && runs("npm", "--version"),
                "Node.js and npm are not on PATH: this test drives awm with the official TypeScript MCP SDK client (" + CLIENT + "); install Node.js 18 or newer to run it");
        if (Files.isDirectory(CLIENT.resolve("node_modules/@modelcontextprotocol/sdk"))) return;
        Path log = Files.createDirectories(Path.of("target")).resolve("mcp-client-npm-ci.log");
        Process p = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error").directory(CLIENT.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        p.getOutputStream().close();
        boolean finished = p.waitFor(5, TimeUnit.MINUTES);
        if (!finished) p.destroyForcibly();
        if (!finished || p.exitValue() != 0) {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            throw new AssertionError("npm ci in " + CLIENT + (finished ? " failed (exit " + p.exitValue() + ")" : " did not finish in 5 minutes")
                    + "; the end of " + log + ":\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size())));
        }
    }

    /**
     * Starts the TypeScript client with {@code args}, its output to {@code out} and its errors to
     * target/mcp-client.log: nothing may write to this JVM's own standard streams, Surefire's channel to Maven.
     */
    public static Process startClient(File out, String... args) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of("node", "client.mjs"));
        command.addAll(List.of(args));
        File log = Files.createDirectories(Path.of("target")).resolve("mcp-client.log").toFile();
        Process p = new ProcessBuilder(command).directory(CLIENT.toFile()).redirectOutput(out).redirectError(ProcessBuilder.Redirect.appendTo(log)).start();
        p.getOutputStream().close();
        return p;
    }

    /** Whether {@code command} runs and exits 0 (false when it is not on PATH). */
    static boolean runs(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            p.getOutputStream().close();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static JsonNode runClient(String scenario) throws Exception {
        installClient();
        File out = File.createTempFile("mcp-client", ".json");
        Process p = startClient(out, "http://127.0.0.1:" + http.port() + "/mcp", scenario);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the client finishes").isTrue();
        String text = Files.readString(out.toPath(), StandardCharsets.UTF_8);
        out.delete();
        assertThat(p.exitValue()).as("client exit code; output: " + text).isZero();
        return Json.parse(text.lines().reduce((a, b) -> b).orElseThrow());
    }

    @Test
    void theTypeScriptSdkClientCanUseEveryToolAsAnAgentWould() throws Exception {
        String before = instance.stateHash();
        JsonNode r = runClient("""
                [{"tool": "search_products", "arguments": {"query": "Mug"}},
                 {"tool": "add_to_cart", "arguments": {"product_id": 1, "quantity": 2}},
                 {"tool": "add_to_cart", "arguments": {"product_id": "one"}},
                 {"tool": "add_to_cart", "arguments": {"product_id": 3, "quantity": 9}},
                 {"tool": "launch_rocket", "arguments": {}},
                 {"tool": "get_cart", "arguments": {}}]""");

        assertThat(r.path("server").path("name").asString()).isEqualTo("awm-tiny_shop");
        assertThat(r.path("instructions").asString()).contains("user id 1").contains("2026-03-15 10:00:00");
        assertThat(r.path("sessionId").asString()).isNotBlank();

        List<String> names = r.path("tools").valueStream().map(t -> t.path("name").asString()).toList();
        assertThat(names).containsExactlyInAnyOrder("search_products", "add_to_cart", "remove_from_cart", "get_cart");
        JsonNode add = r.path("tools").valueStream().filter(t -> t.path("name").asString().equals("add_to_cart")).findFirst().orElseThrow();
        assertThat(add.path("description").asString()).contains("Add a product");
        assertThat(add.path("inputSchema").path("required").get(0).asString()).isEqualTo("product_id");
        assertThat(add.path("inputSchema").path("properties").path("quantity").path("minimum").asInt()).isEqualTo(1);
        assertThat(add.path("annotations").path("readOnlyHint").asBoolean(true)).isFalse();
        JsonNode search = r.path("tools").valueStream().filter(t -> t.path("name").asString().equals("search_products")).findFirst().orElseThrow();
        assertThat(search.path("annotations").path("readOnlyHint").asBoolean()).isTrue();
        JsonNode remove = r.path("tools").valueStream().filter(t -> t.path("name").asString().equals("remove_from_cart")).findFirst().orElseThrow();
        assertThat(remove.path("annotations").path("destructiveHint").asBoolean()).isTrue();

        JsonNode calls = r.path("calls");
        assertThat(calls.get(0).path("isError").asBoolean()).isFalse();
        assertThat(calls.get(0).path("structured").path("products")).hasSize(2);
        assertThat(calls.get(1).path("isError").asBoolean()).isFalse();
        assertThat(calls.get(1).path("text").asString()).contains("\"quantity\":2");
        assertThat(calls.get(2).path("isError").asBoolean()).as("validation failure is a tool result").isTrue();
        assertThat(calls.get(2).path("text").asString()).contains("product_id").contains("integer");
        assertThat(calls.get(3).path("isError").asBoolean()).as("guard failure is a tool result").isTrue();
        assertThat(calls.get(3).path("text").asString()).isEqualTo("Only 3 of Teapot in stock. Choose a smaller quantity.");
        assertThat(calls.get(4).has("protocolError") || calls.get(4).path("isError").asBoolean()).as("unknown tool is refused").isTrue();
        assertThat(calls.get(4).toString()).contains("launch_rocket");
        assertThat(calls.get(4).toString()).doesNotContain("at dev.awm").doesNotContain("Exception");
        assertThat(calls.get(5).path("text").asString()).contains("Blue Mug").doesNotContain("Teapot");

        assertThat(instance.stateHash()).isNotEqualTo(before);
        instance.reset();
    }

    @Test
    void malformedRequestsGetPlainJsonRpcErrorsWithoutStackTraces() throws Exception {
        try (HttpClient client = HttpClient.newHttpClient()) {
            for (String[] c : new String[][] {{"{not json", null}, {"{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/list\"}", "no-such-session"}}) {
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + "/mcp"))
                        .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                        .POST(HttpRequest.BodyPublishers.ofString(c[0]));
                if (c[1] != null) b.header("Mcp-Session-Id", c[1]);
                HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isBetween(400, 499);
                JsonNode body = Json.parse(r.body());
                assertThat(body.path("jsonrpc").asString()).isEqualTo("2.0");
                assertThat(body.path("error").path("message").asString()).isNotBlank();
                assertThat(r.body()).doesNotContain("stackTrace").doesNotContain("at io.modelcontextprotocol");
            }
        }
    }

    @Test
    void theTypeScriptSdkClientGetsAnUnknownToolOrBadArgumentsAsErrorResults() throws Exception {
        String before = instance.stateHash();
        JsonNode r = runClient("""
                [{"tool": "launch_rocket", "arguments": {}},
                 {"tool": "add_to_cart", "arguments": {"product_id": 92233720368547758070}},
                 {"tool": "search_products", "arguments": {"query": "%s"}}]""".formatted("x".repeat(5_000)));
        JsonNode calls = r.path("calls");
        assertThat(calls.get(0).path("isError").asBoolean()).as(calls.get(0).toString()).isTrue();
        assertThat(calls.get(0).path("text").asString()).contains("launch_rocket").contains("search_products, add_to_cart, remove_from_cart, get_cart");
        assertThat(calls.get(1).path("isError").asBoolean()).as(calls.get(1).toString()).isTrue();
        assertThat(calls.get(1).path("text").asString()).contains("product_id").contains("out of range");
        assertThat(calls.get(2).path("isError").asBoolean()).as(calls.get(2).toString()).isFalse();
        assertThat(instance.stateHash()).isEqualTo(before);
    }
}
