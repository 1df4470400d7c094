package dev.awm.episode;

import dev.awm.runtime.Instance;
import dev.awm.runtime.StateDiff;
import dev.awm.runtime.ToolResult;
import dev.awm.runtime.WorldRuntime;
import dev.awm.verify.Scorer;
import dev.awm.world.TaskSpec;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * An instance of a world with a task: its step count, its tool-call log and its verdict. Every face of the server
 * (the control API, MCP, OpenEnv, NeMo Gym) acts on episodes through this class. Tool calls on one episode run one at
 * a time; an episode that was deleted or reclaimed answers {@link EpisodeException.Kind#NOT_FOUND}.
 */
public final class Episode {

    /** Tool calls kept in an episode's log; later ones are counted but not kept. */
    static final int LOG_LIMIT = 1_000;
    /** Request ids remembered per episode for retried steps and evaluations. */
    private static final int REPLIES_KEPT = 64;

    /** One tool call as the log keeps it. */
    public record Call(int step, String tool, JsonNode arguments, boolean isError, ToolResult.ErrorKind errorKind, double millis) {}

    public final String id;
    public final WorldRuntime world;
    /** Null for an episode opened by a plain MCP session, which has no task to score. */
    public final TaskSpec task;
    /** The episode this one was forked from, or null. */
    public final String parentId;
    /** The request id that created it, or null. */
    final String requestId;
    /** The state the task started from: what the verifier compares the final state with. */
    final byte[] initial;
    private final Instance instance;
    /** Its world's scorer, shared by every episode of the world. */
    private final Scorer scorer;
    private final EpisodeStats stats;
    private final long createdNanos = System.nanoTime();
    /** The state hash at the start for a created episode; null for a fork (hashing every row costs milliseconds; ask stateHash()). */
    private final String startHash;
    private volatile long lastActiveNanos = createdNanos;
    private int steps;
    private final List<Call> log = new ArrayList<>();
    private volatile Score verdict;
    private volatile boolean ended;
    private volatile boolean closed;
    final Idempotent<Object> replies = new Idempotent<>(REPLIES_KEPT);

    Episode(String id, WorldRuntime world, TaskSpec task, String parentId, String requestId, byte[] initial, Instance instance,
            String startHash, Scorer scorer, EpisodeStats stats) {
        this.id = id;
        this.world = world;
        this.task = task;
        this.parentId = parentId;
        this.requestId = requestId;
        this.initial = initial;
        this.instance = instance;
        this.startHash = startHash;
        this.scorer = scorer;
        this.stats = stats;
    }

    /** Calls a tool. A bad call is an observation ({@code isError}, kind agent); a failure of the server is kind environment. */
    public StepResult step(String tool, JsonNode arguments) {
        open();
        if (ended) throw new EpisodeException(EpisodeException.Kind.ENDED, "episode " + id + " has ended with its final answer; reset it or start another");
        long start = System.nanoTime();
        StepResult result;
        int step;
        synchronized (log) {
            step = ++steps;
        }
        try {
            ToolResult r = instance.call(tool, arguments);
            open(); // deleted while the call ran: the result came from a closed instance
            result = StepResult.of(r, step);
        } catch (EpisodeException e) {
            throw e;
        } catch (RuntimeException e) {
            open();
            result = StepResult.environmentFailure(tool, step);
        }
        long nanos = System.nanoTime() - start;
        stats.call(result, nanos);
        synchronized (log) {
            if (log.size() < LOG_LIMIT) log.add(new Call(step, tool, arguments, result.isError(), result.errorKind(), nanos / 1e6));
        }
        touch();
        return result;
    }

    /** Runs {@code action} once per request id for this episode: a retried step or evaluation does not act twice. */
    @SuppressWarnings("unchecked")
    public <T> T once(String requestId, java.util.function.Supplier<T> action) {
        return (T) replies.once(requestId, action::get);
    }

    /** Scores the current state with the agent's final answer; the episode stays open. */
    public Score evaluate(String answer) {
        open();
        if (task == null) {
            throw new EpisodeException(EpisodeException.Kind.BAD_REQUEST, "episode " + id + " has no task to score: it was opened by an MCP session on a world; create an episode with a task instead");
        }
        Score s = Score.of(scorer.score(task, initial, instance.image(), answer == null ? "" : answer));
        stats.evaluations.increment();
        verdict = s;
        touch();
        return s;
    }

    /** Scores the final answer and ends the episode: no tool call is taken after it. */
    public Score finish(String answer) {
        Score s = evaluate(answer);
        ended = true;
        return s;
    }

    /** Back to the state the task started from; the step count and log start again. */
    public void reset() {
        open();
        instance.restore(initial);
        synchronized (log) {
            steps = 0;
            log.clear();
        }
        verdict = null;
        ended = false;
        touch();
    }

    /** Row-level changes since the task started. */
    public StateDiff diff() {
        open();
        touch();
        return StateDiff.between(initial, instance.image());
    }

    public String stateHash() {
        open();
        return instance.stateHash();
    }

    /** The state hash when the episode was created: its world's initial state; null for a fork. */
    public String startHash() {
        return startHash;
    }

    public int steps() {
        synchronized (log) {
            return steps;
        }
    }

    public List<Call> log() {
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    /** The latest verdict, or null when it was never evaluated. */
    public Score verdict() {
        return verdict;
    }

    public boolean ended() {
        return ended;
    }

    public double ageSeconds() {
        return (System.nanoTime() - createdNanos) / 1e9;
    }

    public double idleSeconds() {
        return (System.nanoTime() - lastActiveNanos) / 1e9;
    }

    long lastActiveNanos() {
        return lastActiveNanos;
    }

    /** Marks the episode as in use, so the idle sweeper leaves it. */
    public void touch() {
        lastActiveNanos = System.nanoTime();
    }

    public boolean isOpen() {
        return !closed;
    }

    Instance instance() {
        return instance;
    }

    private void open() {
        if (closed) throw new EpisodeException(EpisodeException.Kind.NOT_FOUND, "episode " + id + " no longer exists (deleted, or reclaimed after being idle)");
    }

    /** Closes the instance; waits for a call in flight. */
    void close() {
        closed = true;
        instance.close();
    }
}
