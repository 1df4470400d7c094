package dev.awm.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.awm.world.TaskSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** NeMo Gym's /seed_session, tool routes and /verify over the same episodes. */
class NemoGymTest extends ServedTest {


    /** A NeMo Gym Responses API response whose last message is {@code text}. */
    static Map<String, Object> response(String text) {
        return Map.of("output", List.of(
                Map.of("type", "function_call", "name", "x", "arguments", "{}", "call_id", "c1"),
                Map.of("type", "message", "role", "assistant", "content", List.of(Map.of("type", "output_text", "text", text)))));
    }

    @Test
    void anAgentSeedsCallsToolsByCookieAndIsVerified() throws Exception {
        Served.Reply seed = s.post("/seed_session", Map.of("world", "banking_1", "task", TASK.index()));
        assertThat(seed.status()).as(seed.body()).isEqualTo(200);
        String cookie = seed.raw().headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        String id = seed.json().path("episode_id").asString();
        assertThat(cookie).isEqualTo("awm_episode=" + id);
        assertThat(seed.json().path("resources_tools").path("url_path").asString()).isEqualTo("/v1/episodes/" + id + "/mcp");

        for (TaskSpec.Call c : TASK.solution().calls()) {
            Served.Reply r = s.send("POST", "/" + c.tool(), c.arguments() == null ? Map.of() : c.arguments(), Map.of("Cookie", cookie));
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.raw().headers().firstValue("X-Awm-Is-Error")).contains("false");
        }
        Served.Reply bad = s.send("POST", "/launch_rocket", Map.of(), Map.of("Cookie", cookie));
        assertThat(bad.raw().headers().firstValue("X-Awm-Is-Error")).contains("true");
        assertThat(bad.body()).contains("launch_rocket");

        Map<String, Object> body = Map.of("responses_create_params", Map.of("input", List.of()), "response", response(TASK.solution().answer()));
        Served.Reply verify = s.send("POST", "/verify", body, Map.of("Cookie", cookie));
        assertThat(verify.json().path("reward").asDouble()).as(verify.body()).isEqualTo(1.0);
        assertThat(verify.json().path("reward_components").path("complete").asDouble()).isEqualTo(1.0);
        assertThat(verify.json().has("responses_create_params")).as("the request is echoed, as NeMo Gym's verify responses do").isTrue();
        assertThat(s.get("/v1/episodes/" + id).status()).as("verify ends the episode").isEqualTo(404);
    }

    @Test
    void doingNothingVerifiesToZero() throws Exception {
        Served.Reply seed = s.post("/seed_session", Map.of("world", "banking_1", "task", TASK.index()));
        String id = seed.json().path("episode_id").asString();
        JsonNode v = s.post("/verify", Map.of("episode_id", id, "response", response("Done."))).json();
        assertThat(v.path("reward").asDouble()).isEqualTo(0.0);
    }

    @Test
    void environmentServersSeedByTheirOwnIdsIdempotently() throws Exception {
        Map<String, Object> seed = Map.of("resources_session_id", "gym-1", "episode_id", "gym-ep-1", "task_id", "t",
                "task_data", Map.of("world", "banking_1", "task", TASK.index()));
        Served.Reply first = s.post("/seed_session", seed);
        Served.Reply again = s.post("/seed_session", seed);
        assertThat(first.json().path("resources_session_id").asString()).isEqualTo("gym-1");
        assertThat(first.json().has("episode_id")).as("exactly NeMo Gym's response fields").isFalse();
        assertThat(again.json().path("resources_tools").path("url_path").asString()).isEqualTo(first.json().path("resources_tools").path("url_path").asString());
        String path = first.json().path("resources_tools").path("url_path").asString();
        String id = path.split("/")[3];
        JsonNode v = s.post("/verify", Map.of("episode_id", "gym-ep-1", "task_id", "t", "verification_input", Map.of("answer", ""))).json();
        assertThat(v.path("reward").asDouble()).isEqualTo(0.0);
        assertThat(s.get("/v1/episodes/" + id).status()).isEqualTo(404);
        assertThat(s.post("/close_session", Map.of("resources_session_id", "gym-1", "episode_id", "gym-ep-1")).status()).as("closing twice is fine").isEqualTo(200);
    }
}
