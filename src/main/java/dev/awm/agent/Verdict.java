package dev.awm.agent;

import dev.awm.verify.Verifier;

/**
 * The verdict on an episode and its reward under the paper's rules (see {@link Rewards}).
 *
 * @param label complete, partially_complete, incomplete, agent_error, environment_error, format_error, model_error or unverified
 * @param reward null when there is none to give (the model's endpoint failed, or nothing could verify the task)
 * @param mode "code" or "judge"
 * @param code the task's code checks, or null when they were not run
 * @param judge what the judge said, or null in code mode
 * @param note why the label differs from what the judge or the checks alone would give, or null
 */
public record Verdict(String label, Double reward, String mode, Verifier.Verdict code, Judge.Answer judge, String note) {

    public boolean complete() {
        return Rewards.COMPLETE.equals(label);
    }
}
