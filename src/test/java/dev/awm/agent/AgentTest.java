package dev.awm.agent;

import static dev.awm.llm.ScriptedLlmServer.stage;
import static org.assertj.core.api.Assertions.assertThat;

import dev.awm.TestWorlds;
import dev.awm.agent.AgentSettings.Style;
import dev.awm.agent.Episode.Outcome;
import dev.awm.llm.LlmClient;
import dev.awm.llm.ScriptedLlmServer;
import dev.awm.llm.ScriptedLlmServer.Reply;
import dev.awm.llm.ToolCall;
import dev.awm.runtime.WorldRuntime;
import dev.awm.world.WorldFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * The agent against a scripted OpenAI-compatible server, each episode on a fresh instance of the tiny shop served
 * over MCP on real HTTP: solving in both styles, every kind of format error, environment errors, the turn limit,
 * reasoning that must not run, and the history window.
 */
class AgentTest extends ShopEpisodes {

    // ---- replies in AWM's style ----

    static Reply awm(String name, String argumentsJson) {
        return Reply.content("<think>\nI should use " + name + ".\n</think>\n\n<tool_call>\n{\"name\": \"" + name + "\", \"arguments\": " + argumentsJson + "}\n</tool_call>");
    }

    static Reply listTools() {
        return awm("list_tools", "null");
    }

    /** call_tool with the tool's arguments as a JSON string, as AWM's prompt asks. */
    static Reply callTool(String tool, String argumentsJson) {
        return awm("call_tool", "{\"tool_name\": \"" + tool + "\", \"arguments\": " + WorldFiles.JSON.writeValueAsString(argumentsJson) + "}");
    }

    static Reply answer(String text) {
        return Reply.content("<think>\nDone.\n</think>\n\n" + text);
    }

    static Reply call(String name, String arguments) {
        return Reply.toolCalls(null, List.of(new ToolCall("call_" + name, name, arguments)));
    }

    EpisodeRunner.Finished play(AgentSettings settings, int task) {
        return play(settings, task, Scoring.code());
    }

    @Test
    void awmStyleSolvesATaskAsTheArcticModelsWould() throws Exception {
        llm.on(stage("agent"), listTools(), callTool("search_products", "{\"query\": \"Blue Mug\"}"),
                awm("mcp_tool_add_to_cart", "{\"product_id\": 1, \"quantity\": 2}"), answer("Added 2 Blue Mugs to your cart."));
        EpisodeRunner.Finished f = play(awmSettings(), 0);
        assertThat(f.episode().outcome()).isEqualTo(Outcome.ANSWERED);
        assertThat(f.verdict().label()).isEqualTo("complete");
        assertThat(f.verdict().reward()).isEqualTo(1.0);
        assertThat(f.episode().finalAnswer()).isEqualTo("Added 2 Blue Mugs to your cart.");
        assertThat(f.episode().successfulCalls()).isEqualTo(2);

        List<ScriptedLlmServer.Request> asked = llm.chatRequests();
        assertThat(asked).hasSize(4);
        JsonNode first = asked.get(0).body();
        assertThat(first.path("messages").get(0).path("content").asString()).isEqualTo(AwmFormat.SYSTEM_PROMPT);
        assertThat(first.path("messages").get(1).path("content").asString()).isEqualTo("Put 2 Blue Mugs in my cart.");
        assertThat(first.has("tools")).isFalse();
        assertThat(first.path("chat_template_kwargs").path("enable_thinking").asBoolean()).as("AWM's vLLM extras for a local endpoint").isTrue();
        assertThat(first.path("max_completion_tokens").asInt()).isEqualTo(2048);
        JsonNode listed = asked.get(1).body().path("messages").get(3);
        assertThat(listed.path("role").asString()).isEqualTo("tool");
        assertThat(listed.path("content").asString()).startsWith("Available MCP Tools (4 tools):").contains("1. mcp_tool_search_products", "- product_id: integer (required)");

        Path dir = tmp.resolve("run");
        assertThat(dir.resolve("initial.db")).exists();
        assertThat(dir.resolve("final.db")).exists();
        JsonNode trajectory = WorldFiles.JSON.readTree(Files.readString(dir.resolve("trajectory.json")));
        assertThat(trajectory.path("scenario").asString()).isEqualTo("tiny_shop");
        assertThat(trajectory.path("task_id").asInt()).isZero();
        assertThat(trajectory.path("trajectory")).hasSize(4);
        assertThat(trajectory.path("trajectory").get(0).path("reasoning").asString()).isEqualTo("I should use list_tools.");
        assertThat(trajectory.path("trajectory").get(0).path("usage").path("prompt_tokens").asLong()).isPositive();
        assertThat(trajectory.path("trajectory").get(3).path("is_final").asBoolean()).isTrue();
        assertThat(trajectory.path("messages")).hasSize(9);
        JsonNode result = WorldFiles.JSON.readTree(Files.readString(dir.resolve("result.json")));
        assertThat(result.path("reward").asDouble()).isEqualTo(1.0);
        assertThat(result.path("components").path("checks_passed").asInt()).isEqualTo(3);
    }

    @Test
    void nativeStyleSolvesATaskWithFunctionCalls() {
        llm.on(stage("agent"), call("search_products", "{\"query\": \"Blue Mug\"}"), call("add_to_cart", "{\"product_id\": 1, \"quantity\": 2}"),
                Reply.content("Added 2 Blue Mugs."));
        EpisodeRunner.Finished f = play(AgentSettings.defaults(Style.NATIVE, llm.baseUrl()), 0);
        assertThat(f.verdict().label()).isEqualTo("complete");
        assertThat(f.verdict().reward()).isEqualTo(1.0);
        JsonNode first = llm.chatRequests().get(0).body();
        assertThat(first.path("tools")).hasSize(4);
        assertThat(first.path("tools").get(1).path("function").path("parameters").path("required").get(0).asString()).isEqualTo("product_id");
        assertThat(first.path("messages").get(0).path("content").asString()).contains("user id 1");
        JsonNode toolMessage = llm.chatRequests().get(1).body().path("messages").get(3);
        assertThat(toolMessage.path("tool_call_id").asString()).isEqualTo("call_search_products");
        assertThat(toolMessage.path("content").asString()).contains("Blue Mug");
    }

    @Test
    void aToolsRefusalIsTheAgentsMistakeAndTheEpisodeGoesOn() {
        llm.on(stage("agent"), listTools(), callTool("add_to_cart", "{\"product_id\": 2, \"quantity\": 2}"),
                callTool("add_to_cart", "{\"product_id\": 1, \"quantity\": 2}"), answer("Added 2 Blue Mugs."));
        EpisodeRunner.Finished f = play(awmSettings().withToolResultsAsUser(true), 0);
        assertThat(f.verdict().label()).isEqualTo("complete");
        assertThat(f.episode().toolErrors()).isEqualTo(1);
        JsonNode refusal = llm.chatRequests().get(2).body().path("messages").get(5);
        assertThat(refusal.path("role").asString()).isEqualTo("user");
        assertThat(refusal.path("content").asString()).startsWith("Tool response:\nError: ").contains("Red Mug");
        assertThat(f.episode().steps().get(1).calls().get(0).outcome()).isEqualTo(Episode.CallOutcome.TOOL_ERROR);
    }

    static List<Object[]> formatErrors() {
        Reply list = listTools();
        return List.of(
                new Object[] {"an unknown tool", List.of(listTools(), callTool("empty_the_shop", "{}")), 2, "no tool named 'empty_the_shop'"},
                new Object[] {"an unknown function", List.of(listTools(), awm("search_products", "{}")), 2, "no function 'search_products'"},
                new Object[] {"arguments that are not JSON", List.of(listTools(), callTool("add_to_cart", "{product_id: 1")), 2, "not valid JSON"},
                new Object[] {"arguments that fail the schema", List.of(listTools(), callTool("add_to_cart", "{\"product_id\": \"one\"}")), 2, "do not fit its schema"},
                new Object[] {"an argument the tool does not have", List.of(listTools(), callTool("add_to_cart", "{\"product_id\": 1, \"gift\": true}")), 2, "do not fit its schema"},
                new Object[] {"a call before list_tools", List.of(callTool("search_products", "{}")), 1, "list_tools must be the first call"},
                new Object[] {"list_tools twice", List.of(list, callTool("search_products", "{}"), listTools()), 3, "list_tools was called again"},
                new Object[] {"no successful call beyond list_tools", List.of(listTools(), answer("Done!")), 2, "without a successful tool call beyond list_tools"},
                new Object[] {"a <tool_call> never closed", List.of(listTools(), Reply.content("<tool_call>{\"name\": \"call_tool\"")), 2, "never closed"},
                new Object[] {"a <tool_call> that is not JSON", List.of(listTools(), Reply.content("<tool_call>call_tool(search_products)</tool_call>")), 2, "does not hold valid JSON"});
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("formatErrors")
    void everyFormatErrorEndsTheEpisodeWithMinusOne(String what, List<Reply> replies, int turns, String detail) throws Exception {
        llm.on(stage("agent"), replies.toArray(Reply[]::new));
        llm.always(stage("agent"), answer("(a turn after the episode should have ended)"));
        EpisodeRunner.Finished f = play(awmSettings(), 0);
        assertThat(f.episode().outcome()).isEqualTo(Outcome.FORMAT_ERROR);
        assertThat(f.episode().detail()).contains(detail);
        assertThat(f.verdict().label()).isEqualTo("format_error");
        assertThat(f.verdict().reward()).isEqualTo(-1.0);
        assertThat(llm.chatRequests()).as("the episode ended at the turn of the error").hasSize(turns);
        JsonNode result = WorldFiles.JSON.readTree(Files.readString(tmp.resolve("run/result.json")));
        assertThat(result.path("components").path("format_error").asBoolean()).isTrue();
        assertThat(result.path("reward").asDouble()).isEqualTo(-1.0);
    }

    @Test
    void emptyReasoningIsAFormatErrorWhenThinkingIsRequired() {
        llm.on(stage("agent"), Reply.content("<think>\n\n</think>\n\n<tool_call>\n{\"name\": \"list_tools\", \"arguments\": null}\n</tool_call>"));
        EpisodeRunner.Finished f = play(awmSettings().withRequireThinking(true), 0);
        assertThat(f.episode().outcome()).isEqualTo(Outcome.FORMAT_ERROR);
        assertThat(f.episode().detail()).contains("no reasoning");
        assertThat(f.verdict().reward()).isEqualTo(-1.0);
        // reasoning in the server's reasoning field counts as thinking
        llm.reset();
        llm.on(stage("agent"), Reply.reasoning("Let me list the tools.", "<tool_call>\n{\"name\": \"list_tools\", \"arguments\": null}\n</tool_call>"),
                Reply.reasoning("Search.", "<tool_call>{\"name\": \"call_tool\", \"arguments\": {\"tool_name\": \"search_products\", \"arguments\": \"{}\"}}</tool_call>"),
                Reply.reasoning("Answer.", "Cheapest in stock: Blue Mug, $12.50."));
        assertThat(play(awmSettings().withRequireThinking(true), 1).verdict().label()).isEqualTo("complete");
    }

    static List<Object[]> nativeFormatErrors() {
        return List.of(
                new Object[] {"an unknown function", call("empty_the_shop", "{}"), "no tool named 'empty_the_shop'"},
                new Object[] {"arguments that are not JSON", call("add_to_cart", "{\"product_id\": 1"), "not valid JSON"},
                new Object[] {"arguments that fail the schema", call("add_to_cart", "{\"product_id\": 1, \"quantity\": 0}"), "do not fit its schema"},
                new Object[] {"an answer without any call", Reply.content("Done."), "without a successful tool call"});
    }

    @ParameterizedTest(name = "native: {0}")
    @MethodSource("nativeFormatErrors")
    void nativeFormatErrorsEndTheEpisodeToo(String what, Reply reply, String detail) {
        llm.on(stage("agent"), reply);
        EpisodeRunner.Finished f = play(AgentSettings.defaults(Style.NATIVE, llm.baseUrl()), 0);
        assertThat(f.episode().outcome()).isEqualTo(Outcome.FORMAT_ERROR);
        assertThat(f.episode().detail()).contains(detail);
        assertThat(f.verdict().reward()).isEqualTo(-1.0);
    }

    @Test
    void underTheContinueRuleAFormatErrorIsHandedBackAndCounted() {
        llm.on(stage("agent"), listTools(), callTool("add_to_cart", "{\"product_id\": \"one\"}"), callTool("add_to_cart", "{\"product_id\": 1, \"quantity\": 2}"),
                answer("Added 2 Blue Mugs."));
        EpisodeRunner.Finished f = play(awmSettings().withEndOnFormatError(false), 0);
        assertThat(f.verdict().label()).isEqualTo("complete");
        assertThat(f.episode().formatErrors()).isEqualTo(1);
        assertThat(llm.chatRequests().get(2).body().path("messages").get(5).path("content").asString()).startsWith("Error: the arguments for add_to_cart do not fit its schema");
    }

    @Test
    void anEnvironmentErrorEndsTheEpisodeWithZero() {
        // The world's server goes away after list_tools: the next call cannot be run at all.
        AtomicReference<EpisodeServer.Served> served = new AtomicReference<>();
        EpisodeServer own = new EpisodeServer();
        try (own) {
            var instance = shop.newInstance();
            served.set(own.serve(shop, instance));
            llm.on(stage("agent"), listTools(), Reply.dynamic(r -> {
                served.get().close();
                return callTool("search_products", "{}");
            }));
            Agent agent = agent(awmSettings());
            Episode e;
            try (McpTools tools = McpTools.connect(served.get().url())) {
                e = agent.run(new Agent.Task("tiny_shop", 1, shop.world.tasks().get(1)), tools, null);
            }
            assertThat(e.outcome()).isEqualTo(Outcome.ENVIRONMENT_ERROR);
            assertThat(e.detail()).contains("failed to run search_products").doesNotContain("Exception").doesNotContain("java.");
            Verdict v = Rewards.verdict(e.outcome(), "code", null, null);
            assertThat(v.label()).isEqualTo("environment_error");
            assertThat(v.reward()).isEqualTo(0.0);
            assertThat(llm.chatRequests()).hasSize(2);
            instance.close();
        }
        // and a server that is not there at all
        EpisodeRunner.Finished f = new EpisodeRunner(server, agent(awmSettings()), Scoring.code())
                .runRemote("http://127.0.0.1:" + server.port() + "/episodes/999/mcp", new Agent.Task(null, null, "anything"), tmp.resolve("gone"), null);
        assertThat(f.verdict().label()).isEqualTo("environment_error");
        assertThat(f.verdict().reward()).isEqualTo(0.0);
    }

    @Test
    void anyMcpServerUrlWorksAndWithoutItsDatabasesTheEpisodeIsUnverified() {
        llm.on(stage("agent"), listTools(), callTool("search_products", "{\"in_stock\": true}"), answer("The Blue Mug, at $12.50."));
        try (var instance = shop.newInstance(); EpisodeServer.Served served = server.serve(shop, instance)) {
            EpisodeRunner.Finished f = new EpisodeRunner(null, agent(awmSettings()), Scoring.code())
                    .runRemote(served.url(), new Agent.Task(null, null, "What is the price of the cheapest product in stock?"), tmp.resolve("remote"), null);
            assertThat(f.episode().outcome()).isEqualTo(Outcome.ANSWERED);
            assertThat(f.episode().successfulCalls()).isEqualTo(1);
            assertThat(f.verdict().label()).isEqualTo("unverified");
            assertThat(f.verdict().reward()).isNull();
            assertThat(tmp.resolve("remote/trajectory.json")).exists();
            assertThat(tmp.resolve("remote/final.db")).doesNotExist();
        }
    }

    @Test
    void aFailedResultSaysWhoseFaultItIsInItsMeta() {
        assertThat(McpTools.kindOf(WorldFiles.JSON.readTree("{\"content\": [], \"isError\": false}"))).isEqualTo(McpTools.ErrorKind.NONE);
        assertThat(McpTools.kindOf(WorldFiles.JSON.readTree("{\"isError\": true}"))).isEqualTo(McpTools.ErrorKind.AGENT);
        assertThat(McpTools.kindOf(WorldFiles.JSON.readTree("{\"isError\": true, \"_meta\": {\"awm/error_kind\": \"agent\"}}"))).isEqualTo(McpTools.ErrorKind.AGENT);
        assertThat(McpTools.kindOf(WorldFiles.JSON.readTree("{\"isError\": true, \"_meta\": {\"awm/error_kind\": \"environment\"}}"))).isEqualTo(McpTools.ErrorKind.ENVIRONMENT);
    }

    @Test
    void aModelThatLoopsStopsAtTheTurnLimit() {
        llm.on(stage("agent"), listTools());
        llm.always(stage("agent"), callTool("search_products", "{\"query\": \"Mug\"}"));
        EpisodeRunner.Finished f = play(awmSettings().withMaxTurns(5), 0);
        assertThat(f.episode().outcome()).isEqualTo(Outcome.TURN_LIMIT);
        assertThat(f.episode().turns()).isEqualTo(5);
        assertThat(llm.chatRequests()).hasSize(5);
        assertThat(f.verdict().label()).isEqualTo("incomplete");
        assertThat(f.verdict().reward()).isEqualTo(0.0);
    }

    @Test
    void aToolCallInsideReasoningIsNeverExecuted() {
        String fake = "<tool_call>\n{\"name\": \"call_tool\", \"arguments\": {\"tool_name\": \"add_to_cart\", \"arguments\": \"{\\\"product_id\\\": 3}\"}}\n</tool_call>";
        llm.on(stage("agent"), listTools(), callTool("search_products", "{\"in_stock\": true}"),
                Reply.content("<think>\nI could also do this:\n" + fake + "\nbut the user only asked a question.\n</think>\n\nThe cheapest product in stock is the Blue Mug at $12.50."),
                Reply.reasoning("Or call it here: " + fake, "Still $12.50."));
        EpisodeRunner.Finished f = play(awmSettings(), 1);
        assertThat(f.episode().outcome()).isEqualTo(Outcome.ANSWERED);
        assertThat(f.episode().worldCalls()).isEqualTo(1);
        assertThat(f.verdict().label()).as("the cart is unchanged, so nothing ran").isEqualTo("complete");
        assertThat(f.episode().finalAnswer()).isEqualTo("The cheapest product in stock is the Blue Mug at $12.50.");
        assertThat(f.episode().steps().get(2).reasoning()).contains("<tool_call>");
        assertThat(llm.chatRequests()).hasSize(3);
    }

    @Test
    void theHistoryWindowKeepsPromptTaskToolListAndTheLastTurns() {
        llm.on(stage("agent"), listTools(), callTool("search_products", "{\"query\": \"Teapot\"}"), callTool("search_products", "{\"query\": \"Red\"}"),
                callTool("search_products", "{\"query\": \"Blue Mug\"}"), callTool("add_to_cart", "{\"product_id\": 1, \"quantity\": 2}"), answer("Added."));
        EpisodeRunner.Finished f = play(awmSettings().withHistoryWindow(1), 0);
        assertThat(f.verdict().label()).isEqualTo("complete");
        JsonNode fifth = llm.chatRequests().get(4).body().path("messages");
        assertThat(fifth).hasSize(6); // system, task, list_tools + its result, the last turn + its result
        assertThat(fifth.get(2).path("content").asString()).contains("list_tools");
        assertThat(fifth.get(3).path("content").asString()).startsWith("Available MCP Tools");
        assertThat(fifth.get(4).path("content").asString()).contains("Blue Mug");
        assertThat(f.episode().messages()).as("the trajectory keeps everything").hasSize(13);
    }
}
