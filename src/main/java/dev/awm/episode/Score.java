package dev.awm.episode;

import java.util.List;
import java.util.Map;

/**
 * An episode's verdict: its reward, whether the task is complete, each check with whether it passed, and the reward's
 * components (named numbers a trainer may log or combine).
 */
public record Score(double reward, boolean complete, List<Check> checks, Map<String, Double> components) {

    public record Check(String kind, String message, boolean passed, String detail) {}
}
