package dev.awm.verify;

import dev.awm.runtime.WorldRuntime;
import dev.awm.world.TaskSpec;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Scores episodes of one loaded world. Each task's {@link Footprint} is computed on first use, by running its
 * reference solution on a fresh instance (milliseconds), and kept: hold one Scorer per loaded world, beside its
 * {@link WorldRuntime}, and score every episode of that world through it; close it when the world is unloaded (it
 * keeps a few database connections for reuse). Safe for concurrent use.
 */
public final class Scorer implements AutoCloseable {

    private final WorldRuntime rt;
    private final CheckBudget.Limits limits;
    private final Map<TaskSpec, Footprint> footprints = new ConcurrentHashMap<>();
    private final PairPool connections = new PairPool();
    private final Readings readings = new Readings();

    public Scorer(WorldRuntime rt) {
        this(rt, CheckBudget.Limits.DEFAULT);
    }

    /** With other time limits for the verifier's SQL: {@code perCheck} for each check, {@code perVerdict} for all of them. */
    public Scorer(WorldRuntime rt, Duration perCheck, Duration perVerdict) {
        this(rt, new CheckBudget.Limits(perCheck, perVerdict));
    }

    private Scorer(WorldRuntime rt, CheckBudget.Limits limits) {
        this.rt = rt;
        this.limits = limits;
    }

    public WorldRuntime world() {
        return rt;
    }

    /** What an episode of {@code spec} may change. */
    public Footprint footprint(TaskSpec spec) {
        return footprints.computeIfAbsent(spec, s -> Footprint.compute(rt, s));
    }

    /** Scores an episode of {@code spec} that went from {@code initial} to {@code fin} and ended with {@code answer} (null: none). */
    public Verifier.Verdict score(TaskSpec spec, byte[] initial, byte[] fin, String answer) {
        Footprint footprint = footprint(spec);
        Verifier.Reading reading = readings.get(spec, initial, fin, () -> Verifier.read(spec, footprint, limits, connections, initial, fin));
        return Verifier.judge(reading, answer == null ? "" : answer);
    }

    /** How many verdicts reused the reading of a final state already scored, and how many read theirs. */
    public long[] readingsReusedAndRead() {
        return readings.counts();
    }

    /** Whether the verifier pays the episode: as {@link #score}, but stops at the first failed check. */
    boolean pays(TaskSpec spec, byte[] initial, byte[] fin, String answer) {
        return Verifier.pays(spec, footprint(spec), limits, connections, initial, fin, answer == null ? "" : answer);
    }

    /** As {@link #score(TaskSpec, byte[], byte[], String)}, for the world's task {@code task}. */
    public Verifier.Verdict score(int task, byte[] initial, byte[] fin, String answer) {
        TaskSpec spec = rt.world.verifier(task).orElseThrow(() -> new IllegalArgumentException(
                rt.world.scenario() + " has no verifier for task " + task + " (it has " + rt.world.verifiers().size() + " tasks with verifiers, numbered from 0)"));
        return score(spec, initial, fin, answer);
    }

    /** Frees the connections kept for reuse; scoring afterwards still works, without reuse. */
    @Override
    public void close() {
        connections.close();
    }
}
