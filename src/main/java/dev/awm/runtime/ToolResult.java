package dev.awm.runtime;

/**
 * What a tool call returns: on success the output value (maps, lists, numbers, strings) and its JSON text; on
 * failure {@code error} is true, {@code text} tells the agent what went wrong and what to do next, and {@code kind}
 * says whose fault it was. A failed call changed nothing.
 */
public record ToolResult(boolean error, String text, Object value, ErrorKind kind) {

    /** Whose fault a failed call is, as reward rules read it (AWM: 0 for the environment's failures). */
    public enum ErrorKind {
        /**
         * The agent's request: bad arguments, an unknown tool, a guard's refusal, a constraint the change broke, or a
         * limit it ran into (time, rows, characters, database growth).
         */
        AGENT,
        /** The environment failed to run a sound request: an internal error, memory exhausted, a closed instance. */
        ENVIRONMENT;

        /** The lower-case name used on the wire ({@code "agent"}, {@code "environment"}). */
        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A result whose error, if any, is of unknown kind and counted as the environment's. */
    public ToolResult(boolean error, String text, Object value) {
        this(error, text, value, error ? ErrorKind.ENVIRONMENT : null);
    }

    static ToolResult ok(Object value, String text) {
        return new ToolResult(false, text, value, null);
    }

    public static ToolResult agentError(String message) {
        return new ToolResult(true, message, null, ErrorKind.AGENT);
    }

    public static ToolResult environmentError(String message) {
        return new ToolResult(true, message, null, ErrorKind.ENVIRONMENT);
    }
}
