package dev.awm.agent;

import dev.awm.llm.Message;
import dev.awm.llm.Usage;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.JsonNode;

/**
 * What happened in one episode: every turn (the model's reply, its reasoning, the calls it made and what they
 * returned, with timings and tokens), the whole conversation, the final answer and how the episode ended.
 *
 * @param taskId null for a free-text task
 * @param finalAnswer the last reply without a call, reasoning removed; null when there was none
 * @param worldCalls calls that reached the world's MCP server; {@code successfulCalls} of them succeeded and
 *     {@code toolErrors} were refused by the tool (the agent's mistakes)
 */
public record Episode(String world, Integer taskId, String task, AgentSettings settings, String model, String mcpUrl, List<Step> steps,
        List<Message> messages, String finalAnswer, Outcome outcome, String detail, int worldCalls, int successfulCalls, int toolErrors,
        int formatErrors, Usage usage, long modelMillis, long toolMillis, long millis) {

    /** How an episode ended. */
    public enum Outcome {
        /** The model gave a final answer (a reply without a call). */
        ANSWERED,
        /** The model was still calling tools when the turn limit came. */
        TURN_LIMIT,
        /** The model broke the interface (see docs/rewards.md); reward -1. */
        FORMAT_ERROR,
        /** The environment could not run a call; reward 0. */
        ENVIRONMENT_ERROR,
        /** The model's endpoint refused or kept failing past its retries; the episode could not go on. */
        MODEL_ERROR;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What became of one call. */
    public enum CallOutcome {
        OK, TOOL_ERROR, FORMAT_ERROR, ENVIRONMENT_ERROR, SKIPPED;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One call the model asked for.
     *
     * @param name the function as the model named it (list_tools / call_tool in awm style, a world tool in native style)
     * @param arguments its arguments as the model wrote them (a JSON value, or the text when it was not JSON)
     * @param tool the world tool it reached, or null (list_tools, or a call that never got that far)
     * @param result what the model was told
     */
    public record Call(String id, String name, JsonNode arguments, String tool, JsonNode toolArguments, String result, CallOutcome outcome,
            String detail, long millis) {}

    /**
     * One turn: a model reply and what was done with it.
     *
     * @param content the reply text as the model wrote it
     * @param reasoning the reasoning, from the server's reasoning field or {@code <think>} tags; never executed
     * @param outcome "call", "final", "format_error", "environment_error" or "model_error"
     */
    public record Step(int turn, String content, String reasoning, List<Call> calls, String outcome, String detail, long modelMillis, Usage usage) {
        public boolean isFinal() {
            return outcome.equals("final");
        }
    }

    public int turns() {
        return steps.size();
    }

    /** True when a call succeeded on the world (beyond listing its tools). */
    public boolean actedOnWorld() {
        return successfulCalls > 0;
    }
}
