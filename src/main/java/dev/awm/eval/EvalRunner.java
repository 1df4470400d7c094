package dev.awm.eval;

import dev.awm.agent.Agent;
import dev.awm.agent.EpisodeRunner;
import dev.awm.runtime.WorldRuntime;
import dev.awm.world.TaskSpec;
import dev.awm.world.WorldFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Runs every selected task k times, each on its own fresh instance, many at once, and records each episode in
 * results.jsonl as it ends. Rerun on the same directory, it runs only what is not recorded yet; an episode that was
 * cut off is run again from the start.
 *
 * <pre>
 * DIR/eval.json          the settings (a resume must use the same)
 * DIR/results.jsonl      one line per episode
 * DIR/initial/W.db       the initial state of world W, linked into its run directories
 * DIR/runs/W/task_N/sample_S/{trajectory.json, initial.db, final.db, result.json}
 * </pre>
 */
public final class EvalRunner {

    public static final String SETTINGS = "eval.json";

    /** Told of each episode as it is recorded. */
    @FunctionalInterface
    public interface Progress {
        void episode(JsonNode line, int done, int total);
    }

    /** One episode to run. */
    record Job(WorldRuntime world, int task, int sample) {
        String key() {
            return Results.key(world.world.scenario(), task, sample);
        }
    }

    /** What a run did: episodes run now, episodes found already recorded, and every episode of the eval. */
    public record Summary(int ran, int resumed, long millis, List<JsonNode> episodes) {}

    private final EpisodeRunner runner;
    private final Path out;

    public EvalRunner(EpisodeRunner runner, Path out) {
        this.runner = runner;
        this.out = out;
    }

    /**
     * Checks the directory's settings against {@code settings} (writing them when new), or starts afresh.
     *
     * @throws IllegalArgumentException when the directory holds an eval made with other settings
     */
    public static void prepare(Path out, ObjectNode settings, boolean fresh) {
        Path file = out.resolve(SETTINGS);
        try {
            if (fresh) {
                Files.deleteIfExists(file);
                Files.deleteIfExists(out.resolve(Results.FILE));
                deleteTree(out.resolve("runs"));
                deleteTree(out.resolve("initial"));
            }
            Files.createDirectories(out);
            if (Files.exists(file)) {
                JsonNode before = WorldFiles.JSON.readTree(Files.readString(file));
                List<String> differ = new ArrayList<>();
                for (Map.Entry<String, JsonNode> e : settings.properties()) {
                    if (!e.getValue().equals(before.get(e.getKey()))) differ.add(e.getKey() + " was " + before.path(e.getKey()) + ", now " + e.getValue());
                }
                if (!differ.isEmpty()) {
                    throw new IllegalArgumentException(out + " holds an eval made with other settings (" + String.join("; ", differ)
                            + "): resume it with the same settings, choose another --out, or pass --fresh to start it over");
                }
            }
            Files.writeString(file, WorldFiles.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(settings));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + out + ": " + e.getMessage(), e);
        }
    }

    /**
     * Runs the episodes of {@code worlds} not yet recorded: tasks that {@code select} accepts, samples 0 to k-1.
     *
     * @param retryErrors run again the episodes recorded with a model error (the endpoint failed)
     */
    public Summary run(List<WorldRuntime> worlds, BiPredicate<String, Integer> select, int k, int concurrency, boolean retryErrors, Progress progress) {
        long start = System.nanoTime();
        Path resultsFile = out.resolve(Results.FILE);
        Map<String, JsonNode> recorded = Results.read(resultsFile);
        List<Job> all = new ArrayList<>();
        for (int sample = 0; sample < k; sample++) {
            for (WorldRuntime w : worlds) {
                for (int t = 0; t < w.world.tasks().size(); t++) if (select.test(w.world.scenario(), t)) all.add(new Job(w, t, sample));
            }
        }
        Set<String> keys = new java.util.HashSet<>(all.stream().map(Job::key).toList());
        List<Job> todo = all.stream().filter(j -> {
            JsonNode done = recorded.get(j.key());
            return done == null || retryErrors && isError(done);
        }).toList();
        int resumed = all.size() - todo.size();
        AtomicInteger done = new AtomicInteger(resumed);
        try (Results results = Results.append(resultsFile); ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Map<String, Path> initials = initialStates(worlds);
            Semaphore slots = new Semaphore(concurrency);
            for (Job job : todo) {
                slots.acquireUninterruptibly();
                pool.submit(() -> {
                    try {
                        ObjectNode line = play(job, initials.get(job.world().world.scenario()));
                        results.add(line);
                        if (progress != null) progress.episode(line, done.incrementAndGet(), all.size());
                    } finally {
                        slots.release();
                    }
                });
            }
        }
        List<JsonNode> episodes = Results.read(resultsFile).entrySet().stream().filter(e -> keys.contains(e.getKey())).map(Map.Entry::getValue).toList();
        return new Summary(todo.size(), resumed, (System.nanoTime() - start) / 1_000_000, episodes);
    }

    static boolean isError(JsonNode line) {
        String v = line.path("verdict").asString("");
        return v.equals("model_error") || v.equals("error");
    }

    private ObjectNode play(Job job, Path initial) {
        String world = job.world().world.scenario();
        Path dir = out.resolve("runs").resolve(world).resolve("task_" + job.task()).resolve("sample_" + job.sample());
        ObjectNode line;
        try {
            deleteTree(dir); // what a killed run left of this episode
            TaskSpec spec = job.world().world.verifier(job.task()).orElse(null);
            Agent.Task task = new Agent.Task(world, job.task(), job.world().world.tasks().get(job.task()));
            line = runner.run(job.world(), task, spec, dir, initial, null).result().deepCopy();
        } catch (RuntimeException e) {
            line = WorldFiles.JSON.createObjectNode();
            line.put("world", world).put("task_id", job.task()).put("verdict", "error").putNull("reward").put("complete", false);
            line.put("outcome", "error").put("outcome_detail", "the episode could not be run: " + e.getMessage());
        }
        ObjectNode keyed = WorldFiles.JSON.createObjectNode();
        keyed.put("key", job.key()).put("sample", job.sample()).put("run_dir", out.relativize(dir).toString().replace('\\', '/'));
        keyed.setAll(line);
        return keyed;
    }

    /** Each world's initial state written once, for run directories to link to. */
    private Map<String, Path> initialStates(List<WorldRuntime> worlds) {
        Map<String, Path> files = new java.util.HashMap<>();
        try {
            Files.createDirectories(out.resolve("initial"));
            for (WorldRuntime w : worlds) {
                Path f = out.resolve("initial").resolve(w.world.scenario() + ".db");
                Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
                Files.write(tmp, w.initialImage());
                Files.move(tmp, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING); // a new file: earlier runs keep theirs
                files.put(w.world.scenario(), f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the initial states under " + out + ": " + e.getMessage(), e);
        }
        return files;
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir + ": " + e.getMessage(), e);
        }
    }
}
