package dev.awm.episode;

import dev.awm.runtime.WorldRuntime;
import dev.awm.verify.Verifier;
import dev.awm.world.TaskSpec;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one place where episodes are scored. Built once per task, as the verify package's scorer will be (from the
 * world and the task); switch the body of {@link #forTask} when it lands.
 */
@FunctionalInterface
public interface Scoring {

    Score score(byte[] initial, byte[] fin, String answer);

    static Scoring forTask(WorldRuntime world, TaskSpec task) {
        return (initial, fin, answer) -> {
            Verifier.Verdict v = Verifier.score(task, initial, fin, answer);
            Map<String, Double> components = new LinkedHashMap<>();
            components.put("complete", v.complete() ? 1.0 : 0.0);
            components.put("fraction_passed", v.fractionPassed());
            return new Score(v.complete() ? 1.0 : 0.0, v.complete(),
                    v.checks().stream().map(c -> new Score.Check(c.kind(), c.message(), c.passed(), c.detail())).toList(), components);
        };
    }
}
