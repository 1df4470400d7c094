package dev.awm.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.awm.runtime.WorldRuntime;
import dev.awm.world.TaskSpec;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** awm's control API end to end over real HTTP. */
class ControlApiTest extends ServedTest {


    static String create(int task) throws Exception {
        Served.Reply r = s.post("/v1/episodes", Map.of("world", "banking_1", "task", task));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().path("episode_id").asString();
    }

    static Served.Reply step(String id, TaskSpec.Call c) throws Exception {
        return s.post("/v1/episodes/" + id + "/step", Map.of("tool", c.tool(), "arguments", c.arguments() == null ? Map.of() : c.arguments()));
    }

    @Test
    void createAnswersWhatAnAgentNeedsToStart() throws Exception {
        Served.Reply r = s.post("/v1/episodes", Map.of("world", "banking_1", "task", TASK.index(), "request_id", "create-shape"));
        assertThat(r.status()).isEqualTo(201);
        JsonNode j = r.json();
        String id = j.path("episode_id").asString();
        assertThat(j.path("request_id").asString()).isEqualTo("create-shape");
        assertThat(j.path("world").asString()).isEqualTo("banking_1");
        assertThat(j.path("task").asInt()).isEqualTo(TASK.index());
        assertThat(j.path("prompt").asString()).contains(TASK.task()).contains("user id 1");
        assertThat(j.path("tools")).hasSize(Served.BANKING.tools().size());
        assertThat(j.path("tools").get(0).has("inputSchema")).isTrue();
        assertThat(j.path("state_hash").asString()).isNotBlank();
        assertThat(j.path("mcp_url").asString()).isEqualTo(s.base + "/v1/episodes/" + id + "/mcp");
        s.delete("/v1/episodes/" + id);
    }

    @Test
    void theReferenceSolutionEarnsOneAndDoingNothingZero() throws Exception {
        String solved = create(TASK.index());
        for (TaskSpec.Call c : TASK.solution().calls()) {
            Served.Reply r = step(solved, c);
            assertThat(r.json().path("is_error").asBoolean()).as(r.body()).isFalse();
        }
        Served.Reply good = s.post("/v1/episodes/" + solved + "/evaluate", Map.of("answer", TASK.solution().answer()));
        assertThat(good.json().path("reward").asDouble()).as(good.body()).isEqualTo(1.0);
        assertThat(good.json().path("complete").asBoolean()).isTrue();
        assertThat(good.json().path("checks").get(0).has("message")).isTrue();
        assertThat(good.json().path("checks").get(0).path("passed").asBoolean()).isTrue();
        assertThat(good.json().path("components").path("fraction_passed").asDouble()).isEqualTo(1.0);

        String idle = create(TASK.index());
        Served.Reply nothing = s.post("/v1/episodes/" + idle + "/evaluate", Map.of("answer", ""));
        assertThat(nothing.json().path("reward").asDouble()).isEqualTo(0.0);
        assertThat(nothing.json().path("complete").asBoolean()).isFalse();

        Served.Reply info = s.get("/v1/episodes/" + solved);
        assertThat(info.json().path("steps").asInt()).isEqualTo(TASK.solution().calls().size());
        assertThat(info.json().path("log")).hasSize(TASK.solution().calls().size());
        assertThat(info.json().path("log").get(0).path("tool").asString()).isEqualTo(TASK.solution().calls().get(0).tool());
        assertThat(info.json().path("verdict").path("reward").asDouble()).isEqualTo(1.0);
        s.delete("/v1/episodes/" + solved);
        s.delete("/v1/episodes/" + idle);
    }

    @Test
    void aCollateralWriteOutsideTheTasksFootprintIsPaidNothing() throws Exception {
        // airline_booking_1's task 0 is a question whose state checks cover bookings and payments only: the footprint
        // is what refuses an episode that also rewrote a saved traveler's passport
        WorldRuntime airline = WorldRuntime.load(Served.world("airline_booking_1"));
        TaskSpec question = airline.world.verifier(0).orElseThrow();
        try (Served served = new Served(List.of(airline), new AwmServer.Options("127.0.0.1", 0, 8, Duration.ofMinutes(1), null, List.of()))) {
            for (boolean collateral : new boolean[] {false, true}) {
                String id = served.post("/v1/episodes", Map.of("world", "airline_booking_1", "task", 0)).json().path("episode_id").asString();
                for (TaskSpec.Call c : question.solution().calls()) served.post("/v1/episodes/" + id + "/step", Map.of("tool", c.tool(), "arguments", c.arguments()));
                if (collateral) {
                    Served.Reply damage = served.post("/v1/episodes/" + id + "/step", Map.of("tool", "update_saved_traveler",
                            "arguments", Map.of("traveler_id", 2, "passport_number", "584920173", "passport_country", "US", "passport_expiry", "2034-08-31")));
                    assertThat(damage.json().path("is_error").asBoolean()).as(damage.body()).isFalse();
                }
                Served.Reply r = served.post("/v1/episodes/" + id + "/evaluate", Map.of("answer", question.solution().answer()));
                assertThat(r.json().path("reward").asDouble()).as(r.body()).isEqualTo(collateral ? 0.0 : 1.0);
                List<String> failed = new ArrayList<>();
                for (JsonNode c : r.json().path("checks")) if (!c.path("passed").asBoolean()) failed.add(c.path("kind").asString() + ": " + c.path("message").asString());
                if (collateral) assertThat(failed).singleElement().asString().startsWith("footprint: ").contains("saved_travelers");
                else assertThat(failed).isEmpty();
            }
        }
    }

    @Test
    void forksDivergeAndLeaveTheirParentUnchanged() throws Exception {
        String parent = create(TASK.index());
        String start = s.get("/v1/episodes/" + parent).json().path("state_hash").asString();
        Served.Reply f1 = s.post("/v1/episodes/" + parent + "/fork", Map.of());
        Served.Reply f2 = s.post("/v1/episodes/" + parent + "/fork", Map.of());
        assertThat(f1.status()).isEqualTo(201);
        assertThat(f1.json().path("parent_id").asString()).isEqualTo(parent);
        assertThat(f1.json().has("tools")).as("a fork's tools are its parent's").isFalse();
        assertThat(s.get("/v1/episodes/" + f1.json().path("episode_id").asString()).json().path("state_hash").asString()).isEqualTo(start);
        String a = f1.json().path("episode_id").asString(), b = f2.json().path("episode_id").asString();

        for (TaskSpec.Call c : TASK.solution().calls()) step(a, c);
        assertThat(s.get("/v1/episodes/" + parent).json().path("state_hash").asString()).as("parent unchanged").isEqualTo(start);
        assertThat(s.get("/v1/episodes/" + b).json().path("state_hash").asString()).as("sibling unchanged").isEqualTo(start);
        assertThat(s.get("/v1/episodes/" + a).json().path("state_hash").asString()).isNotEqualTo(start);
        assertThat(s.get("/v1/episodes/" + a + "/diff").json().path("tables").size()).isPositive();
        assertThat(s.get("/v1/episodes/" + parent + "/diff").json().path("tables").size()).isZero();
        // the fork is scored against the task's starting state, as its parent would be
        Served.Reply score = s.post("/v1/episodes/" + a + "/evaluate", Map.of("answer", TASK.solution().answer()));
        assertThat(score.json().path("reward").asDouble()).isEqualTo(1.0);
        // a fork of a fork mid-episode keeps the steps done so far
        Served.Reply grand = s.post("/v1/episodes/" + a + "/fork", Map.of());
        assertThat(s.get("/v1/episodes/" + grand.json().path("episode_id").asString()).json().path("state_hash").asString())
                .isEqualTo(s.get("/v1/episodes/" + a).json().path("state_hash").asString());

        Served.Reply reset = s.post("/v1/episodes/" + a + "/reset", Map.of());
        assertThat(reset.json().path("state_hash").asString()).isEqualTo(start);
        assertThat(s.get("/v1/episodes/" + a).json().path("steps").asInt()).isZero();
        for (String id : List.of(parent, a, b, grand.json().path("episode_id").asString())) s.delete("/v1/episodes/" + id);
    }

    @Test
    void aBadToolCallIsAnObservationOfTheAgentsError() throws Exception {
        String id = create(TASK.index());
        Served.Reply r = s.post("/v1/episodes/" + id + "/step", Map.of("tool", "launch_rocket", "arguments", Map.of()));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("is_error").asBoolean()).isTrue();
        assertThat(r.json().path("error_kind").asString()).isEqualTo("agent");
        assertThat(r.json().path("result").asString()).contains("launch_rocket");
        assertThat(r.json().path("step").asInt()).isEqualTo(1);
        s.delete("/v1/episodes/" + id);
    }

    @Test
    void aRetriedCreateStepOrEvaluateDoesNotActTwice() throws Exception {
        int before = s.get("/v1/capacity").json().path("active").asInt();
        Served.Reply c1 = s.post("/v1/episodes", Map.of("world", "banking_1", "task", TASK.index(), "request_id", "retry-create"));
        Served.Reply c2 = s.post("/v1/episodes", Map.of("world", "banking_1", "task", TASK.index(), "request_id", "retry-create"));
        String id = c1.json().path("episode_id").asString();
        assertThat(c2.json().path("episode_id").asString()).isEqualTo(id);
        assertThat(s.get("/v1/capacity").json().path("active").asInt()).isEqualTo(before + 1);

        TaskSpec.Call write = TASK.solution().calls().stream().filter(c -> !Served.BANKING.world.tool(c.tool()).orElseThrow().readOnly()).findFirst().orElseThrow();
        Map<String, Object> call = Map.of("tool", write.tool(), "arguments", write.arguments(), "request_id", "retry-step");
        Served.Reply s1 = s.post("/v1/episodes/" + id + "/step", call);
        String afterOne = s.get("/v1/episodes/" + id).json().path("state_hash").asString();
        Served.Reply s2 = s.post("/v1/episodes/" + id + "/step", call);
        assertThat(s2.json().path("request_id").asString()).isEqualTo("retry-step");
        assertThat(s2.json().path("step").asInt()).isEqualTo(s1.json().path("step").asInt()).isEqualTo(1);
        assertThat(s2.json().path("result").asString()).isEqualTo(s1.json().path("result").asString());
        assertThat(s.get("/v1/episodes/" + id).json().path("steps").asInt()).isEqualTo(1);
        assertThat(s.get("/v1/episodes/" + id).json().path("state_hash").asString()).isEqualTo(afterOne);

        Served.Reply other = s.post("/v1/episodes/" + id + "/step", Map.of("tool", write.tool(), "arguments", write.arguments(), "request_id", "another"));
        assertThat(other.json().path("step").asInt()).as("a new request id acts").isEqualTo(2);

        Served.Reply e1 = s.post("/v1/episodes/" + id + "/evaluate", Map.of("answer", "x", "request_id", "retry-eval"));
        Served.Reply e2 = s.post("/v1/episodes/" + id + "/evaluate", Map.of("answer", "x", "request_id", "retry-eval"));
        assertThat(e2.body()).isEqualTo(e1.body());
        s.delete("/v1/episodes/" + id);
    }

    @Test
    void deleteEndsAnEpisodeAndUnknownIdsAreNotFound() throws Exception {
        String id = create(TASK.index());
        assertThat(s.delete("/v1/episodes/" + id).status()).isEqualTo(200);
        Served.Reply again = s.delete("/v1/episodes/" + id);
        assertThat(again.status()).isEqualTo(404);
        assertThat(again.json().path("error").path("message").asString()).contains(id);
        assertThat(s.post("/v1/episodes/" + id + "/step", Map.of("tool", "x")).status()).isEqualTo(404);
    }

    @Test
    void badInputGetsOnePlainSentenceAndNoStackTrace() throws Exception {
        for (Object[] c : new Object[][] {
                {"/v1/episodes", "{not json", 400, "not valid JSON"},
                {"/v1/episodes", Map.of("world", "atlantis", "task", 0), 400, "banking_1"},
                {"/v1/episodes", Map.of("world", "banking_1", "task", 99), 400, "numbered 0 to"},
                {"/v1/episodes", Map.of("world", "banking_1", "task", "first"), 400, "whole number"},
                {"/v1/episodes", Map.of("world", "banking_1"), 400, "name a task"},
                {"/v1/nothing", Map.of(), 404, "no such endpoint"}}) {
            Served.Reply r = s.post((String) c[0], c[1]);
            assertThat(r.status()).as(r.body()).isEqualTo((int) c[2]);
            assertThat(r.json().path("error").path("message").asString()).contains((String) c[3]);
            assertThat(r.json().path("retryable").asBoolean()).isFalse();
            assertThat(r.body()).doesNotContain("Exception").doesNotContain("dev.awm").doesNotContain("at java");
        }
        assertThat(s.get("/v1/episodes/x/step").status()).isEqualTo(405);
    }

    @Test
    void worldsCapacityAndMetricsDescribeTheServer() throws Exception {
        JsonNode worlds = s.get("/v1/worlds").json().path("worlds");
        assertThat(worlds.get(0).path("world").asString()).isEqualTo("banking_1");
        assertThat(worlds.get(0).path("tasks")).hasSize(Served.BANKING.world.verifiers().size());
        assertThat(worlds.get(0).path("tools").asInt()).isEqualTo(Served.BANKING.tools().size());
        assertThat(s.get("/v1/capacity").json().path("max").asInt()).isEqualTo(64);
        String id = create(TASK.index());
        step(id, TASK.solution().calls().get(0));
        String metrics = s.get("/metrics").body();
        assertThat(metrics).contains("# TYPE awm_episodes_active gauge").contains("awm_tool_calls_total{outcome=\"ok\"}")
                .contains("awm_tool_call_seconds_bucket{le=\"+Inf\"}").contains("awm_process_resident_memory_bytes").contains("awm_tool_calls_per_second");
        assertThat(metrics.lines().filter(l -> l.startsWith("awm_episodes_active ")).findFirst().orElseThrow()).isNotEqualTo("awm_episodes_active 0");
        s.delete("/v1/episodes/" + id);
    }

    @Test
    void pastTheLimitACreateGets429WithRetryAfter() throws Exception {
        try (Served small = new Served(2, Duration.ofMinutes(10), null)) {
            String a = small.post("/v1/episodes", Map.of("world", "banking_1", "task", 0)).json().path("episode_id").asString();
            assertThat(small.post("/v1/episodes/" + a + "/fork", Map.of()).status()).isEqualTo(201);
            Served.Reply full = small.post("/v1/episodes", Map.of("world", "banking_1", "task", 0));
            assertThat(full.status()).isEqualTo(429);
            assertThat(full.raw().headers().firstValue("Retry-After")).contains("1");
            assertThat(full.json().path("retryable").asBoolean()).isTrue();
            assertThat(full.json().path("error").path("code").asString()).isEqualTo("at_capacity");
            assertThat(small.post("/v1/episodes/" + a + "/fork", Map.of()).status()).isEqualTo(429);
            small.delete("/v1/episodes/" + a);
            assertThat(small.post("/v1/episodes", Map.of("world", "banking_1", "task", 0)).status()).isEqualTo(201);
        }
    }

    @Test
    void idleEpisodesAreReclaimed() throws Exception {
        try (Served quick = new Served(8, Duration.ofMillis(400), null)) {
            String idle = quick.post("/v1/episodes", Map.of("world", "banking_1", "task", 0)).json().path("episode_id").asString();
            String busy = quick.post("/v1/episodes", Map.of("world", "banking_1", "task", 0)).json().path("episode_id").asString();
            long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (quick.get("/v1/episodes/" + idle).status() == 200 && System.nanoTime() < end) {
                quick.post("/v1/episodes/" + busy + "/step", Map.of("tool", TASK.solution().calls().get(0).tool(), "arguments", TASK.solution().calls().get(0).arguments()));
                Thread.sleep(100);
            }
            assertThat(quick.get("/v1/episodes/" + idle).status()).as("the idle episode is reclaimed").isEqualTo(404);
            assertThat(quick.get("/v1/episodes/" + busy).status()).as("the busy one is kept").isEqualTo(200);
            assertThat(quick.get("/v1/capacity").json().path("active").asInt()).isEqualTo(1);
            assertThat(quick.get("/metrics").body()).contains("awm_episodes_reclaimed_total 1");
        }
    }

    @Test
    void aTokenGuardsEveryRequestButHealth() throws Exception {
        try (Served guarded = new Served(4, Duration.ofMinutes(1), "s3cret")) {
            assertThat(guarded.send("GET", "/v1/capacity", null, Map.of("Authorization", "Bearer nope")).status()).isEqualTo(401);
            guarded.token = null;
            Served.Reply none = guarded.post("/v1/episodes", Map.of("world", "banking_1", "task", 0));
            assertThat(none.status()).isEqualTo(401);
            assertThat(none.json().path("error").path("message").asString()).contains("Authorization: Bearer");
            assertThat(guarded.send("GET", "/metrics", null, Map.of()).status()).isEqualTo(401);
            assertThat(guarded.get("/health").status()).isEqualTo(200);
            assertThat(guarded.send("GET", "/v1/capacity", null, Map.of("Authorization", "Bearer s3cret")).status()).isEqualTo(200);
            String basic = java.util.Base64.getEncoder().encodeToString("awm:s3cret".getBytes(StandardCharsets.UTF_8));
            assertThat(guarded.send("GET", "/v1/capacity", null, Map.of("Authorization", "Basic " + basic)).status()).as("WebSocket clients' user:token@host").isEqualTo(200);
        }
        assertThatThrownBy(() -> new AwmServer(List.of(Served.BANKING), new AwmServer.Options("0.0.0.0", 0, 4, Duration.ofMinutes(1), null, List.of())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--token");
    }

    @Test
    void crossSiteOriginsAndForeignHostsAreRefused() throws Exception {
        assertThat(s.send("GET", "/v1/capacity", null, Map.of("Origin", "http://evil.example")).status()).isEqualTo(403);
        assertThat(s.send("GET", "/v1/capacity", null, Map.of("Origin", "null")).status()).isEqualTo(403);
        assertThat(s.send("GET", "/v1/capacity", null, Map.of("Origin", "http://localhost:3000")).status()).isEqualTo(200);
        assertThat(rawGet("evil.example")).as("DNS rebinding: a foreign Host on a loopback server").startsWith("HTTP/1.1 403");
        assertThat(rawGet("localhost:" + s.server.port())).startsWith("HTTP/1.1 200");
    }

    @Test
    void anOriginGivenWithAllowOriginIsAnswered() throws Exception {
        try (Served open = new Served(List.of(Served.BANKING), new AwmServer.Options("127.0.0.1", 0, 4, Duration.ofMinutes(1), null, List.of("https://trainer.example:8443")))) {
            Served.Reply allowed = open.send("GET", "/v1/capacity", null, Map.of("Origin", "https://trainer.example:8443"));
            assertThat(allowed.status()).isEqualTo(200);
            assertThat(allowed.raw().headers().firstValue("Access-Control-Allow-Origin")).contains("https://trainer.example:8443");
            assertThat(open.send("GET", "/v1/capacity", null, Map.of("Origin", "https://trainer.example")).status()).as("another port is another origin").isEqualTo(403);
        }
    }

    @Test
    void boundBeyondThisMachineTheTokenNotTheHostNameDecides() throws Exception {
        try (Served remote = new Served(List.of(Served.BANKING), new AwmServer.Options("0.0.0.0", 0, 4, Duration.ofMinutes(1), "s3cret", List.of()))) {
            // a trainer on another machine names this one as it knows it
            assertThat(rawGet(remote.server.port(), "gpu-node-7.cluster:" + remote.server.port(), "Authorization: Bearer s3cret\r\n")).startsWith("HTTP/1.1 200");
            assertThat(rawGet(remote.server.port(), "gpu-node-7.cluster:" + remote.server.port(), "")).startsWith("HTTP/1.1 401");
        }
    }

    @Test
    void stoppingLetsARequestInFlightFinishAndRefusesNewOnes() throws Exception {
        Served stopping = new Served(4, Duration.ofMinutes(1), null);
        byte[] body = "{\"world\": \"banking_1\", \"task\": 0}".getBytes(StandardCharsets.UTF_8);
        int port = stopping.server.port();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/episodes HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body, 0, 10); // the request is in flight: its body is still arriving
            out.flush();
            Thread.sleep(300);
            Thread stopper = Thread.ofVirtual().start(stopping::close);
            Thread.sleep(500);
            assertThat(stopper.isAlive()).as("the stop waits for the request in flight").isTrue();
            out.write(body, 10, body.length - 10);
            out.flush();
            String status = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            assertThat(status).isEqualTo("HTTP/1.1 201 Created");
            stopper.join(Duration.ofSeconds(10));
            assertThat(stopper.isAlive()).as("then the server stops").isFalse();
        }
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).as("no new connection").isInstanceOf(java.io.IOException.class);
    }

    private static String rawGet(String host) throws Exception {
        return rawGet(s.server.port(), host, "");
    }

    /** The status line of GET /v1/capacity sent with {@code host} and {@code headers} (CRLF-terminated lines). */
    private static String rawGet(int port, String host, String headers) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET /v1/capacity HTTP/1.1\r\nHost: " + host + "\r\n" + headers + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
    }
}
