package dev.awm.world;

import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * A task's verifier and reference solution (one line of gen_verifier.jsonl), and the near misses its verifier must
 * reject: plausible wrong ways to do the task (the wrong record, half the work, collateral damage, a wrong answer).
 *
 * @param unchangedExcept the tables an episode may change (null: the tables the reference solution changes); see
 *     docs/world-format.md, "Footprint"
 * @param anyRows tables of the footprint in which any row may change (several valid paths inside one table)
 * @param awmVerifierNote for an imported world, why AWM's own Python verifier disagrees with this one, or null
 * @param alternatives other correct ways to do the task, which the verifier must pay as it pays the solution
 * @param mayInsert tables into which an episode may insert any number of rows, their existing rows held as before
 *     (an append-only log that another correct path writes more of)
 */
public record TaskSpec(int index, String task, List<Check> checks, List<Check> answerChecks, List<String> unchangedExcept, List<String> anyRows,
        Solution solution, List<NearMiss> nearMisses, String awmVerifierNote, List<Alternative> alternatives, List<String> mayInsert) {

    public TaskSpec(int index, String task, List<Check> checks, List<Check> answerChecks, List<String> unchangedExcept, List<String> anyRows,
            Solution solution, List<NearMiss> nearMisses, String awmVerifierNote, List<Alternative> alternatives) {
        this(index, task, checks, answerChecks, unchangedExcept, anyRows, solution, nearMisses, awmVerifierNote, alternatives, List.of());
    }

    public TaskSpec(int index, String task, List<Check> checks, List<Check> answerChecks, List<String> unchangedExcept, List<String> anyRows,
            Solution solution, List<NearMiss> nearMisses, String awmVerifierNote) {
        this(index, task, checks, answerChecks, unchangedExcept, anyRows, solution, nearMisses, awmVerifierNote, List.of());
    }

    public TaskSpec(int index, String task, List<Check> checks, List<Check> answerChecks, List<String> unchangedExcept, Solution solution,
            List<NearMiss> nearMisses) {
        this(index, task, checks, answerChecks, unchangedExcept, List.of(), solution, nearMisses, null);
    }

    public TaskSpec(int index, String task, List<Check> checks, List<Check> answerChecks, Solution solution, List<NearMiss> nearMisses) {
        this(index, task, checks, answerChecks, null, solution, nearMisses);
    }

    public TaskSpec(int index, String task, List<Check> checks, List<Check> answerChecks, Solution solution) {
        this(index, task, checks, answerChecks, null, solution, List.of());
    }

    /**
     * A SELECT over {@code main} (final state) and {@code initial}; see docs/world-format.md for how it passes. For an
     * answer check, {@code match} says which of the values it reads the answer must name, and {@code candidates} (a
     * SELECT, or null) the values it picks from: the answer may name no candidate but the expected ones.
     */
    public record Check(String sql, String message, Match match, String candidates) {
        public Check(String sql, String message, Match match) {
            this(sql, message, match, null);
        }

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

    /**
     * Tool calls and a final answer that do the task another way than the reference solution (cancel and rebook
     * instead of reschedule, say); {@code why} says what makes it right. A verifier that refuses one would punish a
     * correct episode: the mirror image of a near miss it pays.
     */
    public record Alternative(String why, List<Call> calls, String answer) {}
}
