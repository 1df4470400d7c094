package dev.awm.llm;

import dev.awm.world.WorldFiles;
import tools.jackson.databind.JsonNode;

/**
 * A function call a model asked for. {@code arguments} is the JSON text the model wrote, as OpenAI returns it; it
 * may be malformed, so {@link #parsedArguments()} reads it tolerantly.
 */
public record ToolCall(String id, String name, String arguments) {

    /** The arguments as a JSON object; an empty object when there are none. */
    public JsonNode parsedArguments() {
        if (arguments == null || arguments.isBlank()) return WorldFiles.JSON.createObjectNode();
        return JsonAnswer.parse(arguments, null);
    }

    static ToolCall of(JsonNode call) {
        JsonNode f = call.path("function");
        JsonNode args = f.path("arguments");
        return new ToolCall(call.path("id").asString(""), f.path("name").asString(""), args.isString() ? args.asString() : args.isMissingNode() ? "" : args.toString());
    }
}
