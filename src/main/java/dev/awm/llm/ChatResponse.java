package dev.awm.llm;

import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * A model's answer: its text, the reasoning text a thinking model returned beside it ({@code reasoning_content} or
 * {@code reasoning}; never part of {@link #json()}), its tool calls, and why it stopped.
 *
 * @param cached true when it was replayed from the on-disk cache and cost nothing this run
 * @param raw the whole response body, for fields this record does not name
 */
public record ChatResponse(String content, String reasoning, List<ToolCall> toolCalls, String finishReason, Usage usage, boolean cached, JsonNode raw) {

    /** True when the model hit its token limit: the text is cut off. */
    public boolean truncated() {
        return "length".equals(finishReason);
    }

    /** The JSON value in the answer, read tolerantly (code fences, prose around it, reasoning tags). */
    public JsonNode json() {
        return JsonAnswer.parse(content == null ? "" : content, finishReason);
    }

    static ChatResponse of(JsonNode body, boolean cached) {
        JsonNode choice = body.path("choices").path(0);
        JsonNode m = choice.path("message");
        String reasoning = m.path("reasoning_content").isString() ? m.get("reasoning_content").asString()
                : m.path("reasoning").isString() ? m.get("reasoning").asString() : null;
        List<ToolCall> calls = m.path("tool_calls").isArray() ? m.get("tool_calls").valueStream().map(ToolCall::of).toList() : List.of();
        String content = m.path("content").isString() ? m.get("content").asString() : null;
        return new ChatResponse(content, reasoning, calls, choice.path("finish_reason").asString(null), Usage.of(body.get("usage")), cached, body);
    }
}
