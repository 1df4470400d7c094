package dev.awm.llm;

import dev.awm.world.WorldFiles;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What to ask: the messages, and optionally the JSON Schema the answer must follow (sent as {@code response_format}
 * json_schema named {@code awm_<stage>}) or tools the model may call. {@code stage} and {@code world} name the request
 * in errors, usage counts and the cache; they are not part of the body.
 *
 * @param responseSchema null for free text
 * @param tools OpenAI function-tool objects ({@code {"type": "function", "function": {...}}}); empty for none
 * @param toolChoice null for the server's default ({@code "auto"} when tools are given)
 * @param extra body fields of this request only (they override the configuration's)
 */
public record ChatRequest(String stage, String world, List<Message> messages, JsonNode responseSchema, List<JsonNode> tools, JsonNode toolChoice,
        ObjectNode extra) {

    public ChatRequest {
        messages = List.copyOf(messages);
        tools = tools == null ? List.of() : List.copyOf(tools);
    }

    public static ChatRequest of(String stage, String world, List<Message> messages) {
        return new ChatRequest(stage, world, messages, null, List.of(), null, null);
    }

    public ChatRequest withSchema(JsonNode schema) {
        return new ChatRequest(stage, world, messages, schema, tools, toolChoice, extra);
    }

    public ChatRequest withTools(List<JsonNode> tools, JsonNode toolChoice) {
        return new ChatRequest(stage, world, messages, responseSchema, tools, toolChoice, extra);
    }

    public ChatRequest withMessages(List<Message> messages) {
        return new ChatRequest(stage, world, messages, responseSchema, tools, toolChoice, extra);
    }

    public ChatRequest withExtra(ObjectNode extra) {
        return new ChatRequest(stage, world, messages, responseSchema, tools, toolChoice, extra);
    }

    /** An OpenAI function tool: name, description and a JSON Schema of its arguments. */
    public static JsonNode functionTool(String name, String description, JsonNode parameters) {
        ObjectNode t = WorldFiles.JSON.createObjectNode();
        t.put("type", "function");
        t.putObject("function").put("name", name).put("description", description).set("parameters", parameters);
        return t;
    }

    /** The response_format name for a stage: {@code awm_<stage>}. */
    public String schemaName() {
        return "awm_" + stage.replaceAll("[^A-Za-z0-9_-]", "_");
    }
}
