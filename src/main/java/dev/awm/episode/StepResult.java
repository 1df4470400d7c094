package dev.awm.episode;

import dev.awm.runtime.ToolResult;

/**
 * What one tool call returned to an episode: the text the agent reads, the structured value on success, whether it
 * failed and whose fault that was (as the runtime says), and the episode's step count after it.
 */
public record StepResult(String text, Object value, boolean isError, ToolResult.ErrorKind errorKind, int step) {

    /** The one place where a runtime result becomes a step result. */
    static StepResult of(ToolResult r, int step) {
        return new StepResult(r.text(), r.value(), r.error(), r.error() ? r.kind() : null, step);
    }

    /** A call the server itself failed to run: not the agent's fault, and worth retrying. */
    static StepResult environmentFailure(String tool, int step) {
        return new StepResult("The environment failed to run " + tool + "; this was not caused by the call. Nothing was changed.", null, true,
                ToolResult.ErrorKind.ENVIRONMENT, step);
    }

    /** The same result as the runtime reports one, for a face that answers in MCP's shape. */
    public ToolResult toolResult() {
        return new ToolResult(isError, text, value, errorKind);
    }
}
