package dev.awm.agent;

import dev.awm.agent.Episode.Outcome;
import dev.awm.verify.Verifier;
import java.util.List;

/**
 * The AWM paper's reward rules (docs/rewards.md), in one place: a format error ends the episode with -1; an
 * environment error ends it with 0; otherwise 1.0 when the task is complete, 0.1 when the judge says partially
 * complete, 0 else. One deliberate difference: the judge cannot pay a full reward for an episode whose database
 * checks failed.
 */
public final class Rewards {

    public static final String COMPLETE = "complete", PARTIALLY_COMPLETE = "partially_complete", INCOMPLETE = "incomplete", AGENT_ERROR = "agent_error",
            ENVIRONMENT_ERROR = "environment_error", FORMAT_ERROR = "format_error", MODEL_ERROR = "model_error", UNVERIFIED = "unverified";

    public static final double FORMAT_ERROR_REWARD = -1.0, ENVIRONMENT_ERROR_REWARD = 0.0, COMPLETE_REWARD = 1.0, PARTIAL_REWARD = 0.1, OTHERWISE_REWARD = 0.0;

    private Rewards() {}

    /**
     * The verdict on an episode that ended with {@code outcome}.
     *
     * @param code the task's code checks over the run's databases and final answer, or null when they could not run
     * @param judge the judge's answer in judge mode, else null
     */
    public static Verdict verdict(Outcome outcome, String mode, Verifier.Verdict code, Judge.Answer judge) {
        switch (outcome) {
            case FORMAT_ERROR -> {
                return new Verdict(FORMAT_ERROR, FORMAT_ERROR_REWARD, mode, code, judge, null);
            }
            case ENVIRONMENT_ERROR -> {
                return new Verdict(ENVIRONMENT_ERROR, ENVIRONMENT_ERROR_REWARD, mode, code, judge, null);
            }
            case MODEL_ERROR -> {
                return new Verdict(MODEL_ERROR, null, mode, code, judge, "the model's endpoint failed, so the episode could not be played to its end");
            }
            default -> {
                // answered, or stopped at the turn limit: the task decides
            }
        }
        if (judge != null && judge.ok()) {
            String c = judge.classification();
            List<String> failed = code == null ? List.of() : code.checks().stream().filter(r -> r.kind().equals("state") && !r.passed()).map(Verifier.CheckResult::message).toList();
            if (c.equals(COMPLETE) && !failed.isEmpty()) {
                return new Verdict(PARTIALLY_COMPLETE, PARTIAL_REWARD, mode, code, judge,
                        "the judge said complete, but database checks failed (" + String.join("; ", failed) + "), so at most partially complete is paid");
            }
            return new Verdict(c, reward(c), mode, code, judge, null);
        }
        String note = judge == null ? null : "the judge gave no verdict (" + judge.error() + "); the code checks decide";
        if (code == null || code.checks().isEmpty()) return new Verdict(UNVERIFIED, null, mode, code, judge, note == null ? "no check could verify this task" : note);
        return code.complete() ? new Verdict(COMPLETE, COMPLETE_REWARD, mode, code, judge, note) : new Verdict(INCOMPLETE, OTHERWISE_REWARD, mode, code, judge, note);
    }

    static double reward(String judgeClass) {
        return switch (judgeClass) {
            case COMPLETE -> COMPLETE_REWARD;
            case PARTIALLY_COMPLETE -> PARTIAL_REWARD;
            default -> OTHERWISE_REWARD;
        };
    }
}
