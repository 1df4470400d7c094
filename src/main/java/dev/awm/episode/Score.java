package dev.awm.episode;

import dev.awm.verify.Verifier;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An episode's verdict: its reward, whether the task is complete, each check with whether it passed, and the reward's
 * components (named numbers a trainer may log or combine).
 */
public record Score(double reward, boolean complete, List<Check> checks, Map<String, Double> components) {

    public record Check(String kind, String message, boolean passed, String detail) {}

    /** The verifier's verdict as an episode's score: 1 when complete (state, footprint and answer checks all hold), else 0. */
    static Score of(Verifier.Verdict v) {
        Map<String, Double> components = new LinkedHashMap<>();
        components.put("complete", v.complete() ? 1.0 : 0.0);
        components.put("fraction_passed", v.fractionPassed());
        return new Score(v.complete() ? 1.0 : 0.0, v.complete(),
                v.checks().stream().map(c -> new Score.Check(c.kind(), c.message(), c.passed(), c.detail())).toList(), components);
    }
}
