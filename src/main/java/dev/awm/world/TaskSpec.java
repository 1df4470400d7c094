package dev.awm.world;

import java.util.List;
import tools.jackson.databind.JsonNode;

/** A task's verifier and reference solution (one line of gen_verifier.jsonl). */
public record TaskSpec(int index, String task, List<Check> checks, List<Check> answerChecks, Solution solution) {

    /** A SELECT over {@code main} (final state) and {@code initial}; see docs/world-format.md for how it passes. */
    public record Check(String sql, String message) {}

    public record Solution(List<Call> calls, String answer) {}

    public record Call(String tool, JsonNode arguments) {}
}
