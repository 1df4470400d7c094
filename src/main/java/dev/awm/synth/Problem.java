package dev.awm.synth;

/**
 * One failed guarantee of a stage's answer, as it is sent back to the LLM: the item it concerns ({@code part}, such as
 * a table name, a tool name or a task index; null for the answer as a whole) and the concrete error.
 */
public record Problem(String part, String message) {

    public static Problem whole(String message) {
        return new Problem(null, message);
    }

    @Override
    public String toString() {
        return message;
    }
}
