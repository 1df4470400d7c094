package dev.awm.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.awm.runtime.Json;
import dev.awm.world.TaskSpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** OpenEnv's WebSocket protocol at /ws, with the message shapes and error codes of OpenEnv's own server. */
class OpenEnvSocketTest extends ServedTest {


    /** A WebSocket client that reads replies one at a time, as OpenEnv's client does. */
    static final class Client implements WebSocket.Listener, AutoCloseable {
        final LinkedBlockingQueue<String> replies = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        final StringBuilder partial = new StringBuilder();
        final WebSocket ws;

        Client(Served server, Map<String, String> headers) {
            WebSocket.Builder b = server.http.newWebSocketBuilder();
            headers.forEach(b::header);
            ws = b.buildAsync(URI.create(server.base.replace("http://", "ws://") + "/ws"), this).join();
        }

        Client(Served server) {
            this(server, Map.of());
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                replies.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        JsonNode send(String text) throws Exception {
            ws.sendText(text, true).join();
            return next();
        }

        JsonNode send(Object message) throws Exception {
            return send(Json.write(message));
        }

        JsonNode next() throws Exception {
            String r = replies.poll(10, TimeUnit.SECONDS);
            assertThat(r).as("a reply").isNotNull();
            return Json.parse(r);
        }

        @Override
        public void close() {
            ws.abort();
        }
    }

    static Map<String, Object> reset(int task) {
        return Map.of("type", "reset", "data", Map.of("world", "banking_1", "task", task));
    }

    static Map<String, Object> call(TaskSpec.Call c) {
        return Map.of("type", "step", "data", Map.of("type", "call_tool", "tool_name", c.tool(), "arguments", c.arguments() == null ? Map.of() : c.arguments()));
    }

    @Test
    void anEpisodeRunsFromResetToItsRewardOverOneConnection() throws Exception {
        try (Client c = new Client(s)) {
            JsonNode reset = c.send(reset(TASK.index()));
            assertThat(reset.path("type").asString()).isEqualTo("observation");
            assertThat(reset.path("data").path("done").asBoolean()).isFalse();
            assertThat(reset.path("data").path("reward").isNull()).isTrue();
            assertThat(reset.path("data").path("observation").path("prompt").asString()).contains(TASK.task());
            assertThat(reset.path("data").path("observation").path("metadata").path("prompt").asString()).contains(TASK.task());

            JsonNode tools = c.send(Map.of("type", "step", "data", Map.of("type", "list_tools")));
            assertThat(tools.path("data").path("observation").path("tools")).hasSize(Served.BANKING.tools().size());
            assertThat(tools.path("data").path("observation").path("tools").get(0).has("input_schema")).isTrue();

            for (TaskSpec.Call step : TASK.solution().calls()) {
                JsonNode r = c.send(call(step));
                JsonNode obs = r.path("data").path("observation");
                assertThat(obs.path("tool_name").asString()).isEqualTo(step.tool());
                assertThat(obs.path("is_error").asBoolean()).as(r.toString()).isFalse();
                assertThat(obs.path("error").isNull()).isTrue();
                assertThat(obs.path("result").path("content").get(0).path("text").asString()).isNotBlank();
                assertThat(obs.path("result").has("data")).isTrue();
                assertThat(r.path("data").path("done").asBoolean()).isFalse();
            }
            JsonNode state = c.send(Map.of("type", "state"));
            assertThat(state.path("type").asString()).isEqualTo("state");
            assertThat(state.path("data").path("step_count").asInt()).isEqualTo(TASK.solution().calls().size());
            assertThat(state.path("data").path("episode_id").asString()).startsWith("ep_");

            JsonNode done = c.send(Map.of("type", "step", "data", Map.of("type", "final_answer", "answer", TASK.solution().answer())));
            assertThat(done.path("data").path("done").asBoolean()).isTrue();
            assertThat(done.path("data").path("reward").asDouble()).isEqualTo(1.0);
            assertThat(done.path("data").path("observation").path("complete").asBoolean()).isTrue();

            JsonNode after = c.send(call(TASK.solution().calls().get(0)));
            assertThat(after.path("data").path("code").asString()).isEqualTo("EXECUTION_ERROR");

            JsonNode again = c.send(reset(TASK.index()));
            String id = again.path("data").path("observation").path("episode_id").asString();
            assertThat(c.send(Map.of("type", "state")).path("data").path("step_count").asInt()).isZero();
            JsonNode nothing = c.send(Map.of("type", "step", "data", Map.of("type", "final_answer", "answer", "")));
            assertThat(nothing.path("data").path("reward").asDouble()).as("doing nothing earns nothing").isEqualTo(0.0);

            c.ws.sendText(Json.write(Map.of("type", "close")), true).join();
            assertThat(c.closed.get(10, TimeUnit.SECONDS)).isNotNull();
            assertThat(s.get("/v1/episodes/" + id).status()).as("closing the session deletes its episode").isEqualTo(404);
        }
    }

    @Test
    void aFailedToolCallIsAnObservationWithOpenEnvsErrorShape() throws Exception {
        try (Client c = new Client(s)) {
            c.send(reset(TASK.index()));
            JsonNode obs = c.send(Map.of("type", "step", "data", Map.of("type", "call_tool", "tool_name", "launch_rocket", "arguments", Map.of())))
                    .path("data").path("observation");
            assertThat(obs.path("is_error").asBoolean()).isTrue();
            assertThat(obs.path("error_kind").asString()).isEqualTo("agent");
            assertThat(obs.path("error").path("error_type").asString()).isEqualTo("tool_not_found");
            assertThat(obs.path("error").path("message").asString()).contains("launch_rocket");
            assertThat(obs.path("result").path("is_error").asBoolean()).isTrue();
        }
    }

    @Test
    void badMessagesGetOpenEnvsErrorCodes() throws Exception {
        try (Client c = new Client(s)) {
            assertThat(c.send("{oops").path("data").path("code").asString()).isEqualTo("INVALID_JSON");
            JsonNode unknown = c.send(Map.of("type", "teleport"));
            assertThat(unknown.path("type").asString()).isEqualTo("error");
            assertThat(unknown.path("data").path("code").asString()).isEqualTo("UNKNOWN_TYPE");
            assertThat(unknown.path("data").path("message").asString()).isEqualTo("Unknown message type: teleport");
            assertThat(c.send(Map.of("type", "step")).path("data").path("code").asString()).isEqualTo("VALIDATION_ERROR");
            assertThat(c.send(Map.of("type", "state", "extra", 1)).path("data").path("code").asString()).isEqualTo("VALIDATION_ERROR");
            assertThat(c.send(Map.of("type", "step", "data", Map.of("type", "dance"))).path("data").path("code").asString()).isEqualTo("VALIDATION_ERROR");
            assertThat(c.send(Map.of("type", "step", "data", Map.of("type", "list_tools"))).path("data").path("code").asString())
                    .as("no episode before reset").isEqualTo("EXECUTION_ERROR");
            assertThat(c.send(Map.of("type", "reset", "data", Map.of("world", "atlantis", "task", 0))).path("data").path("code").asString()).isEqualTo("VALIDATION_ERROR");
            assertThat(c.send(Map.of("type", "reset", "data", Map.of("world", "banking_1"))).path("data").path("message").asString()).contains("data.task");
            JsonNode seeded = c.send(Map.of("type", "reset", "data", Map.of("world", "banking_1", "seed", 3)));
            assertThat(seeded.path("data").path("observation").path("task").asInt()).as("a seed picks a task").isEqualTo(3);
            assertThat(c.send(Map.of("type", "step", "data", Map.of("type", "call_tool", "tool_name", "x", "arguments", 5))).path("data").path("code").asString())
                    .isEqualTo("VALIDATION_ERROR");
            assertThat(c.replies).isEmpty();
        }
    }

    @Test
    void capacityAndReclaimedEpisodesAnswerWithTheirCodes() throws Exception {
        try (Served small = new Served(1, Duration.ofMillis(500), null); Client first = new Client(small)) {
            first.send(reset(0));
            try (Client second = new Client(small)) {
                JsonNode refused = second.next();
                assertThat(refused.path("data").path("code").asString()).isEqualTo("CAPACITY_REACHED");
                assertThat(refused.path("data").path("max_sessions").asInt()).isEqualTo(1);
            }
            Thread.sleep(1500);
            JsonNode gone = first.send(call(TASK.solution().calls().get(0)));
            assertThat(gone.path("data").path("code").asString()).isIn("SESSION_ERROR");
        }
    }

    @Test
    void maxStepsEndsTheEpisodeWithItsReward() throws Exception {
        try (Client c = new Client(s)) {
            c.send(Map.of("type", "reset", "data", Map.of("world", "banking_1", "task", TASK.index(), "max_steps", 1)));
            JsonNode r = c.send(call(TASK.solution().calls().get(0)));
            assertThat(r.path("data").path("done").asBoolean()).isTrue();
            assertThat(r.path("data").path("reward").isNumber()).isTrue();
        }
    }

    @Test
    void theSocketNeedsTheTokenWhenOneIsSet() throws Exception {
        try (Served guarded = new Served(4, Duration.ofMinutes(1), "s3cret")) {
            HttpClient plain = HttpClient.newHttpClient();
            CompletableFuture<WebSocket> refused = plain.newWebSocketBuilder().buildAsync(URI.create(guarded.base.replace("http", "ws") + "/ws"), new WebSocket.Listener() {});
            assertThat(refused).failsWithin(Duration.ofSeconds(10));
            try (Client ok = new Client(guarded, Map.of("Authorization", "Bearer s3cret"))) {
                assertThat(ok.send(reset(0)).path("type").asString()).isEqualTo("observation");
            }
        }
    }

    @Test
    void healthSchemaAndMetadataAnswerAsOpenEnvServesThem() throws Exception {
        assertThat(s.get("/health").json().path("status").asString()).isEqualTo("healthy");
        JsonNode schema = s.get("/schema").json();
        assertThat(schema.has("action") && schema.has("observation") && schema.has("state")).isTrue();
        assertThat(schema.path("action").toString()).contains("call_tool").contains("final_answer").contains("list_tools");
        JsonNode meta = s.get("/metadata").json();
        assertThat(meta.path("name").asString()).isEqualTo("awm");
        assertThat(meta.path("description").asString()).contains("banking_1");
    }

    @Test
    void mcpMessagesOverTheSocketActOnTheSessionsEpisode() throws Exception {
        try (Client c = new Client(s)) {
            c.send(reset(TASK.index()));
            JsonNode list = c.send(Map.of("type", "mcp", "data", Map.of("jsonrpc", "2.0", "id", 1, "method", "tools/list")));
            assertThat(list.path("type").asString()).isEqualTo("mcp");
            assertThat(list.path("data").path("result").path("tools")).hasSize(Served.BANKING.tools().size());
            TaskSpec.Call first = TASK.solution().calls().get(0);
            JsonNode call = c.send(Map.of("type", "mcp", "data", Map.of("jsonrpc", "2.0", "id", 2, "method", "tools/call",
                    "params", Map.of("name", first.tool(), "arguments", first.arguments() == null ? Map.of() : first.arguments()))));
            assertThat(call.path("data").path("id").asInt()).isEqualTo(2);
            assertThat(call.path("data").path("result").path("isError").asBoolean()).isFalse();
            assertThat(c.send(Map.of("type", "state")).path("data").path("step_count").asInt()).isEqualTo(1);
            JsonNode bad = c.send(Map.of("type", "mcp", "data", Map.of("jsonrpc", "2.0", "id", 4, "method", "tools/call", "params", Map.of("name", "launch_rocket"))));
            assertThat(bad.path("data").path("result").path("isError").asBoolean()).isTrue();
            assertThat(bad.path("data").path("result").path("_meta").path("awm/error_kind").asString()).as("whose fault, as MCP endpoints say it").isEqualTo("agent");
            JsonNode unknown = c.send(Map.of("type", "mcp", "data", Map.of("jsonrpc", "2.0", "id", 3, "method", "resources/list")));
            assertThat(unknown.path("data").path("error").path("code").asInt()).isEqualTo(-32601);
        }
    }
}
