package dev.awm.llm;

import static dev.awm.llm.ScriptedLlmServer.stage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.awm.llm.ScriptedLlmServer.Reply;
import dev.awm.world.WorldFiles;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The LLM client against an OpenAI-compatible server over real HTTP. */
class LlmClientTest {

    static final JsonNode SCHEMA = WorldFiles.JSON.readTree("{\"type\": \"object\", \"properties\": {\"tasks\": {\"type\": \"array\", \"items\": {\"type\": \"string\"}}}, \"required\": [\"tasks\"]}");

    @AutoClose
    final ScriptedLlmServer llm = ScriptedLlmServer.start();


    static ChatRequest tasks(String world) {
        return ChatRequest.of("tasks", world, List.of(Message.system("You write tasks."), Message.user("Write two tasks."))).withSchema(SCHEMA);
    }

    @Test
    void configurationComesFromAwmVariablesThenOpenAiOnes() {
        LlmConfig c = LlmConfig.fromEnvironment(Map.of("OPENAI_BASE_URL", "http://a/v1/", "OPENAI_API_KEY", "k1", "AWM_LLM_API_KEY", "k2", "AWM_LLM_MODEL", "m"));
        assertThat(c.baseUrl()).isEqualTo("http://a/v1");
        assertThat(c.apiKey()).isEqualTo("k2");
        assertThat(c.model()).isEqualTo("m");
        assertThat(LlmConfig.fromEnvironment(Map.of()).baseUrl()).isEqualTo("https://api.openai.com/v1");
        assertThat(c.withEndpoint("http://b/v1", null).model()).isEqualTo("m");
    }

    @Test
    void preflightSaysWhichOfEndpointKeyAndModelIsWrong() throws Exception {
        llm.requireKey("sk-right");
        new LlmClient(llm.config().withApiKey("sk-right")).preflight();
        assertThatThrownBy(() -> new LlmClient(llm.config().withApiKey("sk-wrong")).preflight())
                .isInstanceOf(LlmException.class).hasMessageContaining("refused the API key").hasMessageContaining("AWM_LLM_API_KEY");
        assertThatThrownBy(() -> new LlmClient(llm.config()).preflight()).hasMessageContaining("wants an API key");
        assertThatThrownBy(() -> new LlmClient(llm.config().withApiKey("sk-right").withEndpoint(null, "gpt-9")).preflight())
                .hasMessageContaining("serves no model named 'gpt-9'").hasMessageContaining("AWM_LLM_MODEL").hasMessageContaining(ScriptedLlmServer.MODEL);
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> new LlmClient(llm.config().withEndpoint("http://127.0.0.1:" + closedPort + "/v1", null)).preflight())
                .hasMessageContaining("cannot reach the LLM endpoint at http://127.0.0.1:" + closedPort).hasMessageContaining("AWM_LLM_BASE_URL");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
        assertThatThrownBy(() -> new LlmClient(llm.config().withApiKey("sk-right").withEndpoint(llm.baseUrl().replace("/v1", "/nope"), null)).preflight())
                .hasMessageContaining("nothing OpenAI-compatible answers").hasMessageContaining("/v1");
    }

    @Test
    void structuredRequestsNameTheirStageAndPassExtraFieldsThrough() {
        llm.on(stage("tasks"), Reply.reasoning("The user wants two tasks. {\"tasks\": [\"not this\"]}", "{\"tasks\": [\"a\", \"b\"]}"));
        JsonNode extra = WorldFiles.JSON.readTree("{\"chat_template_kwargs\": {\"enable_thinking\": true}, \"top_k\": 20}");
        LlmClient client = new LlmClient(llm.config().withGeneration(true, 4096, null, extra));
        ChatResponse r = client.chat(tasks("banking_1"));
        assertThat(r.json().path("tasks").size()).isEqualTo(2);
        assertThat(r.reasoning()).contains("two tasks");
        assertThat(r.usage().reasoning()).isPositive();
        JsonNode sent = llm.chatRequests().get(0).body();
        assertThat(sent.path("response_format").path("type").asString()).isEqualTo("json_schema");
        assertThat(sent.path("response_format").path("json_schema").path("name").asString()).isEqualTo("awm_tasks");
        assertThat(sent.path("response_format").path("json_schema").path("schema")).isEqualTo(SCHEMA);
        assertThat(sent.path("max_completion_tokens").asInt()).isEqualTo(4096);
        assertThat(sent.has("max_tokens")).isFalse();
        assertThat(sent.has("temperature")).isFalse();
        assertThat(sent.path("chat_template_kwargs").path("enable_thinking").asBoolean()).isTrue();
        assertThat(sent.path("top_k").asInt()).isEqualTo(20);
        assertThat(llm.chatRequests().get(0).world()).isEqualTo("banking_1");
    }

    @Test
    void withoutStructuredOutputTheSchemaIsAskedForInWordsAndProseIsTolerated() {
        llm.on(stage("tasks"), Reply.fenced("{\"tasks\": [\"a\"]}"), Reply.content("<think>{\"tasks\": []} hmm</think>Here: {\"tasks\": [\"b\"]} — done."));
        LlmClient client = new LlmClient(llm.config().withGeneration(false, 0, 0.2, null));
        assertThat(client.chat(tasks("w")).json().path("tasks").get(0).asString()).isEqualTo("a");
        assertThat(client.chat(tasks("w2")).json().path("tasks").get(0).asString()).isEqualTo("b");
        JsonNode sent = llm.chatRequests().get(0).body();
        assertThat(sent.has("response_format")).isFalse();
        assertThat(sent.path("temperature").asDouble()).isEqualTo(0.2);
        assertThat(llm.chatRequests().get(0).lastUser()).contains("JSON Schema").contains("\"tasks\"");
    }

    @Test
    void aCutOffAnswerIsReportedAsSuch() {
        llm.on(stage("tasks"), Reply.truncated("{\"tasks\": [\"a long task\", \"another long task\"]}"), Reply.content("I cannot help with that."));
        LlmClient client = new LlmClient(llm.config());
        ChatResponse cut = client.chat(tasks("w"));
        assertThat(cut.truncated()).isTrue();
        assertThatThrownBy(cut::json).isInstanceOf(JsonAnswer.Unreadable.class).hasMessageContaining("cut off at the token limit");
        assertThatThrownBy(() -> client.chat(tasks("w2")).json()).hasMessageContaining("holds no JSON object");
    }

    @Test
    void rateLimitsServerErrorsAndDroppedConnectionsAreRetried() {
        llm.on(stage("tasks"), Reply.status(429, "1"), Reply.status(503, null), Reply.drop(), Reply.json(WorldFiles.JSON.readTree("{\"tasks\": [\"x\"]}")));
        LlmClient client = new LlmClient(llm.config());
        long t0 = System.nanoTime();
        ChatResponse r = client.chat(tasks("w"));
        long waited = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.json().path("tasks").get(0).asString()).isEqualTo("x");
        assertThat(waited).as("Retry-After: 1 is honoured although the backoff base is 1 ms").isGreaterThanOrEqualTo(950);
        assertThat(llm.chatRequests()).hasSize(4);
        assertThat(client.usage().stage("tasks").retries()).isEqualTo(3);
        assertThat(client.usage().stage("tasks").requests()).isEqualTo(1);
    }

    @Test
    void aRefusalIsNotRetriedAndGivesUpWithTheReasonWhenErrorsPersist() {
        llm.on(stage("tasks"), (ex, r) -> {
            byte[] b = "{\"error\": {\"message\": \"response_format json_schema is not supported\"}}".getBytes();
            ex.sendResponseHeaders(400, b.length);
            ex.getResponseBody().write(b);
        });
        LlmClient client = new LlmClient(llm.config());
        assertThatThrownBy(() -> client.chat(tasks("w"))).hasMessageContaining("HTTP 400").hasMessageContaining("--no-structured-output");
        assertThat(llm.chatRequests()).hasSize(1);
        llm.always(stage("tasks"), Reply.status(500, null));
        assertThatThrownBy(() -> client.chat(tasks("w"))).hasMessageContaining("kept failing for the tasks stage of w after 6 tries").hasMessageContaining("HTTP 500");
    }

    @Test
    void answersAreCachedOnDiskAndReplayedOfflineWithoutARequest(@TempDir Path dir) {
        llm.always(stage("tasks"), Reply.answer(r -> "{\"tasks\": [\"" + r.world() + "\"]}"));
        LlmClient first = new LlmClient(llm.config().withPrices(2.0, 8.0).withCache(dir, false));
        ChatResponse a = first.chat(tasks("w"));
        assertThat(a.cached()).isFalse();
        assertThat(first.usage().stage("tasks").cost()).isGreaterThan(0);
        assertThat(llm.chatRequests()).hasSize(1);

        LlmClient rerun = new LlmClient(llm.config().withCache(dir, false));
        ChatResponse b = rerun.chat(tasks("w"));
        assertThat(b.cached()).isTrue();
        assertThat(b.json()).isEqualTo(a.json());
        assertThat(llm.chatRequests()).as("a cache hit sends no request").hasSize(1);
        assertThat(rerun.usage().stage("tasks").cached()).isEqualTo(1);
        assertThat(rerun.usage().stage("tasks").tokens()).isZero();

        LlmClient offline = new LlmClient(llm.config().withCache(dir, true));
        assertThat(offline.chat(tasks("w")).json()).isEqualTo(a.json());
        ChatRequest other = ChatRequest.of("db", "clinic_1", List.of(Message.user("Design the schema.")));
        assertThatThrownBy(() -> offline.chat(other)).hasMessageContaining("offline").hasMessageContaining("db stage of clinic_1");
        new LlmClient(llm.config().withEndpoint(null, "another-model").withCache(dir, false)).chat(tasks("w"));
        assertThat(llm.chatRequests()).as("another model is another key").hasSize(2);
    }

    @Test
    void toolCallsGoOutAndComeBack() {
        llm.on(stage("agent"), Reply.toolCalls(null, List.of(new ToolCall("call_1", "list_accounts", "{\"kind\": \"checking\"}"))),
                Reply.content("You have two accounts."));
        LlmClient client = new LlmClient(llm.config());
        JsonNode params = WorldFiles.JSON.readTree("{\"type\": \"object\", \"properties\": {\"kind\": {\"type\": \"string\"}}}");
        List<Message> messages = new ArrayList<>(List.of(Message.user("What accounts do I have?")));
        ChatRequest req = ChatRequest.of("agent", "banking_1", messages).withTools(List.of(ChatRequest.functionTool("list_accounts", "List accounts.", params)),
                WorldFiles.JSON.getNodeFactory().stringNode("auto"));
        ChatResponse turn = client.chat(req);
        assertThat(turn.finishReason()).isEqualTo("tool_calls");
        assertThat(turn.toolCalls()).singleElement().satisfies(c -> {
            assertThat(c.name()).isEqualTo("list_accounts");
            assertThat(c.parsedArguments().path("kind").asString()).isEqualTo("checking");
        });
        messages.add(Message.assistant(turn.content(), turn.toolCalls()));
        messages.add(Message.tool("call_1", "[{\"id\": 1}]"));
        assertThat(client.chat(req.withMessages(messages)).content()).isEqualTo("You have two accounts.");
        JsonNode first = llm.chatRequests().get(0).body(), second = llm.chatRequests().get(1).body();
        assertThat(first.path("tools").get(0).path("function").path("name").asString()).isEqualTo("list_accounts");
        assertThat(first.path("tool_choice").asString()).isEqualTo("auto");
        assertThat(second.path("messages").get(1).path("tool_calls").get(0).path("function").path("arguments").asString()).contains("checking");
        assertThat(second.path("messages").get(2).path("tool_call_id").asString()).isEqualTo("call_1");
    }

    @Test
    void embeddingsComeBackInOrder() {
        LlmClient client = new LlmClient(llm.config().withEmbeddingModel("scripted-embedding"));
        List<double[]> v = client.embed("scenario", List.of("video streaming platform", "bank", "video streaming platform"));
        assertThat(v).hasSize(3);
        assertThat(v.get(0)).isEqualTo(v.get(2));
        assertThat(v.get(0)).isNotEqualTo(v.get(1));
        assertThat(llm.requests().get(0).body().path("model").asString()).isEqualTo("scripted-embedding");
        assertThatThrownBy(() -> new LlmClient(llm.config()).embed("scenario", List.of("x"))).hasMessageContaining("no embedding model");
    }

    @Test
    void atMostTheConfiguredNumberOfRequestsAreInFlight() throws Exception {
        llm.delay(50).always(stage("tasks"), Reply.answer(r -> "{\"tasks\": []}"));
        LlmClient client = new LlmClient(llm.config().withLimits(3, 0, Duration.ofSeconds(10), Duration.ofMillis(1)));
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<ChatResponse>> all = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                int n = i;
                all.add(pool.submit(() -> client.chat(tasks("w" + n))));
            }
            for (Future<ChatResponse> f : all) f.get();
        }
        assertThat(llm.maxInFlight()).isBetween(2, 3);
    }
}
