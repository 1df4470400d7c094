package dev.awm.episode;

import dev.awm.runtime.ToolResult;

/**
 * What one tool call returned to an episode: the text the agent reads, the structured value on success, whether it
 * failed and whose fault that was, and the episode's step count after it.
 */
public record StepResult(String text, Object value, boolean isError, ErrorKind errorKind, int step) {

    /** Whose fault a failed call is: the agent's (a wrong call, an observation to learn from) or the environment's. */
    public enum ErrorKind {
        AGENT, ENVIRONMENT;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * The one place where a runtime result becomes a step result. Today every failed {@link ToolResult} is the agent's;
     * when the runtime reports an environment error kind, map it here.
     */
    static StepResult of(ToolResult r, int step) {
        return new StepResult(r.text(), r.value(), r.error(), r.error() ? ErrorKind.AGENT : null, step);
    }

    /** A call the server itself failed to run: not the agent's fault, and worth retrying. */
    static StepResult environmentFailure(String tool, int step) {
        return new StepResult("The environment failed to run " + tool + "; this was not caused by the call. Nothing was changed.", null, true,
                ErrorKind.ENVIRONMENT, step);
    }
}
