package dev.awm.runtime;

/**
 * What a tool call returns: on success the output value (maps, lists, numbers, strings) and its JSON text; on
 * failure {@code error} is true and {@code text} tells the agent what went wrong and what to do next. A failed call
 * changed nothing.
 */
public record ToolResult(boolean error, String text, Object value) {

    static ToolResult ok(Object value) {
        return new ToolResult(false, Json.write(value), value);
    }

    static ToolResult failed(String message) {
        return new ToolResult(true, message, null);
    }
}
