package dev.awm.verify;

import dev.awm.runtime.WorldRuntime;
import dev.awm.world.TaskSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Compares a task's verifier with AWM's own Python verifier (imported worlds only): both judge the same episodes (the
 * reference solution, doing nothing, each near miss), and a disagreement is explained by which episodes AWM's
 * verifier pays and by the task's {@code awm_verifier_note}, where its authors recorded who is right and why.
 */
final class AwmPythonVerdicts {

    private AwmPythonVerdicts() {}

    /** The note for {@code awm check}, or null when the world has no Python verifier for this task. */
    static String explain(WorldRuntime rt, TaskSpec spec, byte[] initial, byte[] solved, List<byte[]> nearMisses, PythonVerifier.Sandbox python, Duration timeout) {
        String code = rt.world.pythonVerifiers().get(spec.index());
        if (code == null || solved == null) return null;
        if (python == null) return WorldCheck.PYTHON_NOT_RUN;
        {
            PythonVerifier.Outcome onSolution = PythonVerifier.run(python, code, initial, solved, spec.solution().answer(), timeout);
            PythonVerifier.Outcome onNothing = PythonVerifier.run(python, code, initial, initial, "", timeout);
            List<String> paidMisses = new ArrayList<>();
            for (int i = 0; i < nearMisses.size(); i++) {
                if (nearMisses.get(i) == null) continue;
                TaskSpec.NearMiss m = spec.nearMisses().get(i);
                if (PythonVerifier.run(python, code, initial, nearMisses.get(i), m.answer(), timeout).complete()) paidMisses.add("'" + m.why() + "'");
            }
            String says = "says " + onSolution + " for the reference solution and " + onNothing + " for doing nothing";
            String why = spec.awmVerifierNote() == null ? " No awm_verifier_note on this task says which side is right: compare the task with both verifiers and record why."
                    : " Why: " + spec.awmVerifierNote();
            if (onSolution.error() != null || onNothing.error() != null) return says + " (could not compare)";
            if (onSolution.complete() && !onNothing.complete()) {
                return says + (paidMisses.isEmpty() ? " (agrees)"
                        : " (agrees on those, but it also pays near miss " + String.join(", ", paidMisses) + ", which this verifier rejects: AWM's is laxer)");
            }
            if (onNothing.complete()) return says + " (disagrees: AWM's verifier pays doing nothing, so it cannot tell a done task from an untouched one)." + why;
            int shown = 2 + (int) nearMisses.stream().filter(java.util.Objects::nonNull).count();
            if (paidMisses.isEmpty()) {
                return says + " (disagrees: it accepts none of the " + shown + " episodes it was shown, the reference solution, doing nothing and every near miss, so it may accept no episode at all)." + why;
            }
            return says + " (disagrees: it rejects the reference solution but pays near miss " + String.join(", ", paidMisses) + ")." + why;
        }
    }
}
