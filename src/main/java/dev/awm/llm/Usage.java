package dev.awm.llm;

import tools.jackson.databind.JsonNode;

/** Tokens one response used, as its {@code usage} object reports them (reasoning tokens are part of completion tokens). */
public record Usage(long prompt, long completion, long reasoning) {

    public static final Usage NONE = new Usage(0, 0, 0);

    static Usage of(JsonNode usage) {
        if (usage == null || !usage.isObject()) return NONE;
        long reasoning = usage.path("completion_tokens_details").path("reasoning_tokens").asLong(0);
        return new Usage(usage.path("prompt_tokens").asLong(0), usage.path("completion_tokens").asLong(0), reasoning);
    }
}
