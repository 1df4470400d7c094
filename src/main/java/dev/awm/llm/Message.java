package dev.awm.llm;

import dev.awm.world.WorldFiles;
import java.util.List;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One chat message as OpenAI's chat completions take it. An assistant message may carry tool calls; a {@code tool}
 * message answers one of them by {@code toolCallId}. Reasoning text a model produced is never sent back.
 */
public record Message(String role, String content, List<ToolCall> toolCalls, String toolCallId) {

    public static Message system(String content) {
        return new Message("system", content, List.of(), null);
    }

    public static Message user(String content) {
        return new Message("user", content, List.of(), null);
    }

    public static Message assistant(String content) {
        return new Message("assistant", content, List.of(), null);
    }

    /** An assistant turn that called tools (its text may be null). */
    public static Message assistant(String content, List<ToolCall> toolCalls) {
        return new Message("assistant", content, List.copyOf(toolCalls), null);
    }

    /** The result of the tool call {@code toolCallId}, as text. */
    public static Message tool(String toolCallId, String content) {
        return new Message("tool", content, List.of(), toolCallId);
    }

    ObjectNode json() {
        ObjectNode m = WorldFiles.JSON.createObjectNode();
        m.put("role", role);
        if (content != null || toolCalls.isEmpty()) m.put("content", content == null ? "" : content);
        else m.putNull("content");
        if (!toolCalls.isEmpty()) {
            ArrayNode calls = m.putArray("tool_calls");
            for (ToolCall c : toolCalls) {
                ObjectNode call = calls.addObject();
                call.put("id", c.id());
                call.put("type", "function");
                call.putObject("function").put("name", c.name()).put("arguments", c.arguments());
            }
        }
        if (toolCallId != null) m.put("tool_call_id", toolCallId);
        return m;
    }
}
