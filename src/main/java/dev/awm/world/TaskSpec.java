package dev.awm.world;

import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * A task's verifier and reference solution (one line of gen_verifier.jsonl), and the near misses its verifier must
 * reject: plausible wrong ways to do the task (the wrong record, half the work, collateral damage, a wrong answer).
 */
public record TaskSpec(int index, String task, List<Check> checks, List<Check> answerChecks, List<String> unchangedExcept, Solution solution,
        List<NearMiss> nearMisses) {

    public TaskSpec(int index, String task, List<Check> checks, List<Check> answerChecks, Solution solution, List<NearMiss> nearMisses) {
        this(index, task, checks, answerChecks, null, solution, nearMisses);
    }

    public TaskSpec(int index, String task, List<Check> checks, List<Check> answerChecks, Solution solution) {
        this(index, task, checks, answerChecks, null, solution, List.of());
    }

    /**
     * A SELECT over {@code main} (final state) and {@code initial}; see docs/world-format.md for how it passes. For an
     * answer check, {@code match} says which of the values it reads the answer must name.
     */
    public record Check(String sql, String message, Match match) {
        public Check(String sql, String message) {
            this(sql, message, Match.ALL);
        }
    }

    /** How an answer check reads: every value named, at least one value of each row (alternative forms), or none. */
    public enum Match { ALL, ANY_PER_ROW, NONE }

    public record Solution(List<Call> calls, String answer) {}

    public record Call(String tool, JsonNode arguments) {}

    /** Tool calls and a final answer that look like the task done but are not; {@code why} says what is wrong. */
    public record NearMiss(String why, List<Call> calls, String answer) {}
}
