package dev.awm.server;

import java.util.List;
import java.util.Map;

/** What {@code /schema} answers: the JSON schemas of awm's OpenEnv actions, observations and state. */
final class OpenEnvSchema {

    private OpenEnvSchema() {}

    private static Map<String, Object> object(Map<String, Object> properties, List<String> required) {
        return Map.of("type", "object", "properties", properties, "required", required, "additionalProperties", false);
    }

    private static final Map<String, Object> METADATA = Map.of("type", "object", "description", "Additional metadata for the action");

    static final Map<String, Object> SCHEMA = Map.of(
            "action", Map.of("title", "AwmAction", "oneOf", List.of(
                    object(Map.of("type", Map.of("const", "list_tools"), "metadata", METADATA), List.of("type")),
                    object(Map.of("type", Map.of("const", "call_tool"),
                            "tool_name", Map.of("type", "string", "description", "Name of the tool to call"),
                            "arguments", Map.of("type", "object", "description", "Arguments to pass to the tool"),
                            "metadata", METADATA), List.of("type", "tool_name")),
                    object(Map.of("type", Map.of("const", "final_answer"),
                            "answer", Map.of("type", "string", "description", "The agent's final answer; ends the episode and scores it"),
                            "metadata", METADATA), List.of("type")))),
            "observation", Map.of("title", "AwmObservation", "type", "object", "properties", Map.of(
                    "done", Map.of("type", "boolean", "description", "Whether the episode has ended"),
                    "reward", Map.of("type", List.of("number", "null"), "description", "The episode's reward, given when it ends"),
                    "prompt", Map.of("type", "string", "description", "After reset: the task and the agent's instructions"),
                    "tools", Map.of("type", "array", "description", "After list_tools: name, description, input_schema of each tool"),
                    "tool_name", Map.of("type", "string", "description", "After call_tool: the tool called"),
                    "result", Map.of("type", "object", "description", "After call_tool: content, structured_content, data, is_error"),
                    "error", Map.of("type", List.of("object", "null"), "description", "After a failed call_tool: error_type and message"),
                    "error_kind", Map.of("type", List.of("string", "null"), "enum", java.util.Arrays.asList("agent", "environment", null)),
                    "checks", Map.of("type", "array", "description", "After final_answer: each check of the verifier and whether it passed"))),
            "state", Map.of("title", "AwmState", "type", "object", "properties", Map.of(
                    "episode_id", Map.of("type", List.of("string", "null")),
                    "step_count", Map.of("type", "integer", "minimum", 0),
                    "world", Map.of("type", List.of("string", "null")),
                    "task", Map.of("type", List.of("integer", "null")),
                    "state_hash", Map.of("type", List.of("string", "null")),
                    "done", Map.of("type", "boolean"))));
}
