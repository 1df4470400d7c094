package dev.awm.episode;

import dev.awm.runtime.ToolResult;
import java.util.concurrent.atomic.LongAdder;

/** Counters of what the episodes did, read by the server's metrics. */
public final class EpisodeStats {

    /** Upper bounds, in seconds, of the tool call latency histogram's buckets (the last one is +Inf). */
    public static final double[] LATENCY_BUCKETS = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};

    public final LongAdder created = new LongAdder(), forked = new LongAdder(), deleted = new LongAdder(), reclaimed = new LongAdder(),
            refused = new LongAdder(), evaluations = new LongAdder();
    public final LongAdder callsOk = new LongAdder(), callsAgentError = new LongAdder(), callsEnvironmentError = new LongAdder();
    private final LongAdder[] latency = new LongAdder[LATENCY_BUCKETS.length + 1];
    private final LongAdder latencyNanos = new LongAdder();

    EpisodeStats() {
        for (int i = 0; i < latency.length; i++) latency[i] = new LongAdder();
    }

    void call(StepResult r, long nanos) {
        (!r.isError() ? callsOk : r.errorKind() == ToolResult.ErrorKind.AGENT ? callsAgentError : callsEnvironmentError).increment();
        double seconds = nanos / 1e9;
        int b = 0;
        while (b < LATENCY_BUCKETS.length && seconds > LATENCY_BUCKETS[b]) b++;
        latency[b].increment();
        latencyNanos.add(nanos);
    }

    public long calls() {
        return callsOk.sum() + callsAgentError.sum() + callsEnvironmentError.sum();
    }

    /** Calls per bucket, not cumulative; the last is above every bound. */
    public long[] latencyCounts() {
        long[] out = new long[latency.length];
        for (int i = 0; i < out.length; i++) out[i] = latency[i].sum();
        return out;
    }

    public double latencySeconds() {
        return latencyNanos.sum() / 1e9;
    }
}
