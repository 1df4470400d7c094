package dev.awm.llm;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;

/** Requests, replays from the cache, retries, tokens and cost, counted per stage. Tokens and cost count only what was sent this run. */
public final class UsageMeter {

    /** One stage's counts so far. */
    public record StageUsage(long requests, long cached, long retries, long promptTokens, long completionTokens, long reasoningTokens, double cost) {
        public long tokens() {
            return promptTokens + completionTokens;
        }
    }

    private static final class Counters {
        final AtomicLong requests = new AtomicLong(), cached = new AtomicLong(), retries = new AtomicLong(), prompt = new AtomicLong(),
                completion = new AtomicLong(), reasoning = new AtomicLong();
        final DoubleAdder cost = new DoubleAdder();
    }

    private final Map<String, Counters> stages = new ConcurrentHashMap<>();

    private Counters of(String stage) {
        return stages.computeIfAbsent(stage == null ? "" : stage, s -> new Counters());
    }

    void sent(String stage, Usage usage, double cost) {
        Counters c = of(stage);
        c.requests.incrementAndGet();
        c.prompt.addAndGet(usage.prompt());
        c.completion.addAndGet(usage.completion());
        c.reasoning.addAndGet(usage.reasoning());
        c.cost.add(cost);
    }

    void replayed(String stage) {
        of(stage).cached.incrementAndGet();
    }

    void retried(String stage) {
        of(stage).retries.incrementAndGet();
    }

    public StageUsage stage(String stage) {
        Counters c = of(stage);
        return new StageUsage(c.requests.get(), c.cached.get(), c.retries.get(), c.prompt.get(), c.completion.get(), c.reasoning.get(), c.cost.sum());
    }

    public Map<String, StageUsage> all() {
        Map<String, StageUsage> out = new TreeMap<>();
        for (String s : stages.keySet()) out.put(s, stage(s));
        return out;
    }
}
