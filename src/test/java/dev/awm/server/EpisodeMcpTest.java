package dev.awm.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.awm.mcp.McpConformanceTest;
import dev.awm.mcp.McpToolClient;
import dev.awm.runtime.Json;
import dev.awm.runtime.ToolResult;
import dev.awm.world.TaskSpec;
import java.io.File;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Each episode as an MCP server, reached by real MCP clients (the MCP Java SDK's, and the official TypeScript SDK's). */
class EpisodeMcpTest extends ServedTest {


    static String create() throws Exception {
        return s.post("/v1/episodes", Map.of("world", "banking_1", "task", TASK.index())).json().path("episode_id").asString();
    }

    @Test
    void callsThroughAnEpisodesMcpServerActOnItAndEnterItsLog() throws Exception {
        String id = create();
        try (McpToolClient mcp = new McpToolClient(s.base, "/v1/episodes/" + id + "/mcp")) {
            for (TaskSpec.Call c : TASK.solution().calls()) {
                ToolResult r = mcp.call(c.tool(), c.arguments());
                assertThat(r.error()).as(r.text()).isFalse();
            }
            assertThat(mcp.call(TASK.solution().calls().get(0).tool(), Json.parse("{\"no_such_argument\": 1}")).error()).isTrue();
        }
        JsonNode info = s.get("/v1/episodes/" + id).json();
        assertThat(info.path("steps").asInt()).isEqualTo(TASK.solution().calls().size() + 1);
        assertThat(info.path("log").get(0).path("tool").asString()).isEqualTo(TASK.solution().calls().get(0).tool());
        assertThat(info.path("log").get(TASK.solution().calls().size()).path("error_kind").asString()).isEqualTo("agent");
        assertThat(s.post("/v1/episodes/" + id + "/evaluate", Map.of("answer", TASK.solution().answer())).json().path("reward").asDouble()).isEqualTo(1.0);
        s.delete("/v1/episodes/" + id);
    }

    @Test
    void clientsThatReconnectForEveryCallReachTheSameState() throws Exception {
        String id = create();
        String start = s.get("/v1/episodes/" + id).json().path("state_hash").asString();
        for (TaskSpec.Call c : TASK.solution().calls()) {
            try (McpToolClient fresh = new McpToolClient(s.base, "/v1/episodes/" + id + "/mcp")) {
                assertThat(fresh.call(c.tool(), c.arguments()).error()).isFalse();
            }
        }
        JsonNode info = s.get("/v1/episodes/" + id).json();
        assertThat(info.path("steps").asInt()).isEqualTo(TASK.solution().calls().size());
        assertThat(info.path("state_hash").asString()).isNotEqualTo(start);
        assertThat(s.post("/v1/episodes/" + id + "/evaluate", Map.of("answer", TASK.solution().answer())).json().path("reward").asDouble()).isEqualTo(1.0);
        s.delete("/v1/episodes/" + id);
    }

    @Test
    void aSessionBelongsToOneEpisodeAndEndsWithIt() throws Exception {
        String a = create(), b = create();
        HttpResponse<String> init = rpc("/v1/episodes/" + a + "/mcp", null,
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}");
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        String list = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}";
        assertThat(rpc("/v1/episodes/" + a + "/mcp", session, list).statusCode()).isEqualTo(200);
        HttpResponse<String> wrong = rpc("/v1/episodes/" + b + "/mcp", session, list);
        assertThat(wrong.statusCode()).as("another episode's session").isEqualTo(404);
        assertThat(Json.parse(wrong.body()).path("error").path("message").asString()).contains("Send initialize");
        s.delete("/v1/episodes/" + a);
        HttpResponse<String> gone = rpc("/v1/episodes/" + a + "/mcp", session, list);
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(gone.body()).contains(a).doesNotContain("Exception");
        s.delete("/v1/episodes/" + b);
    }

    @Test
    void aWorldsMcpServerGivesEachSessionAFreshEpisode() throws Exception {
        int before = s.get("/v1/capacity").json().path("active").asInt();
        TaskSpec.Call write = TASK.solution().calls().stream().filter(c -> !Served.BANKING.world.tool(c.tool()).orElseThrow().readOnly()).findFirst().orElseThrow();
        try (McpToolClient one = new McpToolClient(s.base, "/worlds/banking_1/mcp"); McpToolClient two = new McpToolClient(s.base, "/worlds/banking_1/mcp")) {
            assertThat(s.get("/v1/capacity").json().path("active").asInt()).as("no episode before a call").isEqualTo(before);
            ToolResult first = one.call(write.tool(), write.arguments());
            ToolResult second = two.call(write.tool(), write.arguments());
            assertThat(first.error()).as(first.text()).isFalse();
            assertThat(second.text()).as("the same write on a fresh instance gives the same answer").isEqualTo(first.text());
            assertThat(s.get("/v1/capacity").json().path("active").asInt()).isEqualTo(before + 2);
        }
        assertThat(s.get("/v1/capacity").json().path("active").asInt()).as("closing the sessions ends their episodes").isEqualTo(before);
    }

    @Test
    void theOfficialTypeScriptClientDrivesAnEpisode() throws Exception {
        McpConformanceTest.installClient();
        String id = create();
        File out = File.createTempFile("mcp-client", ".json");
        Process p = McpConformanceTest.startClient(out, s.base + "/v1/episodes/" + id + "/mcp", Json.write(TASK.solution().calls().stream()
                .map(c -> Map.of("tool", c.tool(), "arguments", c.arguments() == null ? Map.of() : c.arguments())).toList()));
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String text = Files.readString(out.toPath(), StandardCharsets.UTF_8);
        out.delete();
        assertThat(p.exitValue()).as(text).isZero();
        JsonNode r = Json.parse(text.lines().reduce((x, y) -> y).orElseThrow());
        assertThat(r.path("tools")).hasSize(Served.BANKING.tools().size());
        for (JsonNode call : r.path("calls")) assertThat(call.path("isError").asBoolean()).as(call.toString()).isFalse();
        assertThat(s.get("/v1/episodes/" + id).json().path("steps").asInt()).isEqualTo(TASK.solution().calls().size());
        assertThat(s.post("/v1/episodes/" + id + "/evaluate", Map.of("answer", TASK.solution().answer())).json().path("reward").asDouble()).isEqualTo(1.0);
        s.delete("/v1/episodes/" + id);
    }

    static HttpResponse<String> rpc(String path, String session, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(s.base + path)).header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream").POST(HttpRequest.BodyPublishers.ofString(body));
        if (session != null) b.header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-06-18");
        return s.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
