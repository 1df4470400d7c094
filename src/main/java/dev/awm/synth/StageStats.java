package dev.awm.synth;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** What one stage did in this run: items accepted (first time or after repair), kept, rejected, attempts, time. */
final class StageStats {

    final String stage;
    final AtomicInteger items = new AtomicInteger(), accepted = new AtomicInteger(), repaired = new AtomicInteger(), kept = new AtomicInteger(),
            rejected = new AtomicInteger(), inRepair = new AtomicInteger(), attempts = new AtomicInteger(), done = new AtomicInteger();
    final AtomicLong wallNanos = new AtomicLong();
    /** Stage-specific counts (the red team's hacks tried, paid, verifiers tightened). */
    final Map<String, AtomicInteger> extra = new ConcurrentHashMap<>();

    StageStats(String stage) {
        this.stage = stage;
    }

    void count(String name, int n) {
        extra.computeIfAbsent(name, k -> new AtomicInteger()).addAndGet(n);
    }

    Map<String, Integer> extras() {
        Map<String, Integer> out = new TreeMap<>();
        extra.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    void record(StageResult r) {
        attempts.addAndGet(r.attempts());
        switch (r.status()) {
            case ACCEPTED -> accepted.incrementAndGet();
            case REPAIRED -> {
                accepted.incrementAndGet();
                repaired.incrementAndGet();
            }
            case KEPT -> kept.incrementAndGet();
            case REJECTED -> rejected.incrementAndGet();
        }
        if (r.status() != StageResult.Status.KEPT && r.attempts() > 1) inRepair.decrementAndGet();
        done.incrementAndGet();
    }
}
