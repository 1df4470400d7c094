package dev.awm.llm;

/** A failure of the LLM endpoint or of its configuration, with a message a user can act on (no stack trace needed). */
public final class LlmException extends IllegalStateException {

    public LlmException(String message) {
        super(message);
    }
}
