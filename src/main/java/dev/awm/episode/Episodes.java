package dev.awm.episode;

import dev.awm.runtime.Instance;
import dev.awm.runtime.WorldRuntime;
import dev.awm.verify.Scorer;
import dev.awm.world.TaskSpec;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Every live episode of every loaded world: creation (at most {@code maxEpisodes} at once), forks, lookup, deletion,
 * and one shared sweeper that reclaims episodes idle for longer than {@code idleTimeout}. A create or fork retried
 * with the same request id returns the episode the first one made.
 */
public final class Episodes implements AutoCloseable {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, WorldRuntime> worlds = new LinkedHashMap<>();
    private final Map<String, String> templateHashes = new ConcurrentHashMap<>();
    /** Each world's initial image, one copy shared by all its episodes (they only read it). */
    private final Map<String, byte[]> initialImages = new ConcurrentHashMap<>();
    /** One scorer per world, for the server's life: it computes each task's footprint once and keeps verifier connections. */
    private final Map<WorldRuntime, Scorer> scorers = new LinkedHashMap<>();
    private final ConcurrentHashMap<String, Episode> live = new ConcurrentHashMap<>();
    private final AtomicInteger reserved = new AtomicInteger();
    private final Idempotent<Episode> created = new Idempotent<>(Integer.MAX_VALUE);
    private final List<Consumer<Episode>> onRemoved = new CopyOnWriteArrayList<>();
    private final List<Runnable> onSweep = new CopyOnWriteArrayList<>();
    private final int maxEpisodes;
    private final Duration idleTimeout;
    private final ScheduledExecutorService sweeper;
    public final EpisodeStats stats = new EpisodeStats();

    public Episodes(Collection<WorldRuntime> worlds, int maxEpisodes, Duration idleTimeout) {
        if (maxEpisodes < 1) throw new IllegalArgumentException("the episode limit must be at least 1, not " + maxEpisodes);
        if (idleTimeout.isNegative() || idleTimeout.isZero()) throw new IllegalArgumentException("the idle timeout must be positive, not " + idleTimeout);
        for (WorldRuntime w : worlds) {
            if (!w.servable()) throw new IllegalArgumentException(w.world.scenario() + " cannot be served: " + String.join("; ", w.problems()));
            this.worlds.put(w.world.scenario(), w);
            scorers.put(w, new Scorer(w));
        }
        if (this.worlds.isEmpty()) throw new IllegalArgumentException("no world to serve");
        this.maxEpisodes = maxEpisodes;
        this.idleTimeout = idleTimeout;
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "awm-episode-sweeper");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(100, Math.min(idleTimeout.toMillis() / 4, 30_000));
        sweeper.scheduleWithFixedDelay(this::sweepAll, every, every, TimeUnit.MILLISECONDS);
    }

    public Collection<WorldRuntime> worlds() {
        return worlds.values();
    }

    public WorldRuntime world(String name) {
        if (name == null || name.isBlank()) {
            if (worlds.size() == 1) return worlds.values().iterator().next();
            throw new EpisodeException(EpisodeException.Kind.BAD_REQUEST, "name a world; worlds here: " + String.join(", ", worlds.keySet()));
        }
        WorldRuntime w = worlds.get(name);
        if (w == null) throw new EpisodeException(EpisodeException.Kind.BAD_REQUEST, "no world named '" + name + "'; worlds here: " + String.join(", ", worlds.keySet()));
        return w;
    }

    /** The task of {@code world} numbered {@code index}, as `awm worlds --tasks` numbers them. */
    public static TaskSpec task(WorldRuntime world, Integer index) {
        int n = world.world.tasks().size();
        if (index == null) throw new EpisodeException(EpisodeException.Kind.BAD_REQUEST, "name a task of " + world.world.scenario() + ": a number from 0 to " + (n - 1));
        return world.world.verifier(index).orElseThrow(() -> new EpisodeException(EpisodeException.Kind.BAD_REQUEST,
                world.world.scenario() + " has no task " + index + "; its tasks are numbered 0 to " + (n - 1) + " (see awm worlds --world " + world.world.scenario() + " --tasks)"));
    }

    /** A new episode of {@code world} at its initial state, with its task numbered {@code task}. */
    public Episode create(String world, Integer task, String requestId) {
        WorldRuntime w = world(world);
        return open(w, task(w, task), requestId);
    }

    /** A new episode of {@code world} with no task to score, for a plain MCP session on the world. */
    public Episode createWithoutTask(String world) {
        return open(world(world), null, null);
    }

    private Episode open(WorldRuntime w, TaskSpec spec, String requestId) {
        return created.once(requestId, () -> admit(() -> {
            Instance instance = w.newInstance();
            String hash = templateHashes.computeIfAbsent(w.world.scenario(), k -> instance.stateHash());
            byte[] initial = initialImages.computeIfAbsent(w.world.scenario(), k -> w.initialImage());
            return new Episode(newId(), w, spec, null, requestId, initial, instance, hash, scorers.get(w), stats);
        }, stats.created));
    }

    /** A new episode from {@code parentId}'s current state, with the same task and the same starting state to be scored against. */
    public Episode fork(String parentId, String requestId) {
        Episode parent = get(parentId);
        return created.once(requestId, () -> admit(() -> {
            Instance copy = parent.instance().fork();
            parent.touch();
            return new Episode(newId(), parent.world, parent.task, parent.id, requestId, parent.initial, copy, null, scorers.get(parent.world), stats);
        }, stats.forked));
    }

    /** Makes an episode within the limit and makes it live; a failure gives its place back. */
    private Episode admit(java.util.function.Supplier<Episode> make, java.util.concurrent.atomic.LongAdder counter) {
        reserve();
        try {
            Episode e = make.get();
            live.put(e.id, e);
            counter.increment();
            return e;
        } catch (RuntimeException e) {
            reserved.decrementAndGet();
            throw e;
        }
    }

    private void reserve() {
        if (reserved.incrementAndGet() > maxEpisodes) {
            reserved.decrementAndGet();
            stats.refused.increment();
            throw new EpisodeException(EpisodeException.Kind.AT_CAPACITY, "the server holds " + maxEpisodes
                    + " live episodes, its limit: delete finished episodes, or retry after some are reclaimed (idle for " + idleTimeout.toSeconds() + " s)");
        }
    }

    public Episode get(String id) {
        Episode e = id == null ? null : live.get(id);
        if (e == null) throw new EpisodeException(EpisodeException.Kind.NOT_FOUND, "no episode " + id + " (never created, deleted, or reclaimed after being idle for " + idleTimeout.toSeconds() + " s)");
        return e;
    }

    /** The live episode that the create or fork with {@code requestId} made, or null. */
    public Episode createdBy(String requestId) {
        Episode e = requestId == null ? null : created.done(requestId);
        return e != null && e.isOpen() ? e : null;
    }

    /** Deletes an episode; false when there was none. */
    public boolean delete(String id) {
        Episode e = live.remove(id);
        if (e == null) return false;
        remove(e);
        stats.deleted.increment();
        return true;
    }

    private void remove(Episode e) {
        reserved.decrementAndGet();
        if (e.requestId != null) created.forget(e.requestId);
        try {
            e.close();
        } finally {
            for (Consumer<Episode> l : onRemoved) l.accept(e);
        }
    }

    /** Calls {@code listener} after each episode is deleted or reclaimed. */
    public void onRemoved(Consumer<Episode> listener) {
        onRemoved.add(listener);
    }

    /** Runs {@code task} on the shared sweeper after each sweep: one thread reclaims everything idle. */
    public void onSweep(Runnable task) {
        onSweep.add(task);
    }

    private void sweepAll() {
        try {
            sweep();
            for (WorldRuntime w : worlds.values()) w.trimIdleConnections();
            for (Runnable r : onSweep) r.run();
        } catch (RuntimeException e) {
            System.err.println("awm: the idle sweeper failed (it runs again): " + e);
        }
    }

    /** Reclaims episodes idle for longer than the idle timeout; returns how many. */
    public int sweep() {
        long cutoff = System.nanoTime() - idleTimeout.toNanos();
        List<Episode> idle = new ArrayList<>();
        for (Episode e : live.values()) {
            if (e.lastActiveNanos() < cutoff) idle.add(e);
        }
        int n = 0;
        for (Episode e : idle) {
            if (e.lastActiveNanos() < cutoff && live.remove(e.id, e)) {
                remove(e);
                stats.reclaimed.increment();
                n++;
            }
        }
        return n;
    }

    /** Evaluations that reused the verifier's reading of a final state already scored (same task and state), over every world. */
    public long evaluationsReused() {
        return scorers.values().stream().mapToLong(s -> s.readingsReusedAndRead()[0]).sum();
    }

    /** The live episodes, in no particular order. */
    public List<Episode> list() {
        return List.copyOf(live.values());
    }

    public int active() {
        return live.size();
    }

    public int max() {
        return maxEpisodes;
    }

    public Duration idleTimeout() {
        return idleTimeout;
    }

    private static String newId() {
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        return "ep_" + HexFormat.of().formatHex(b);
    }

    /** Stops the sweeper, closes every episode and frees the scorers' connections. */
    @Override
    public void close() {
        sweeper.shutdownNow();
        for (String id : List.copyOf(live.keySet())) {
            Episode e = live.remove(id);
            if (e != null) remove(e);
        }
        scorers.values().forEach(Scorer::close);
    }
}
