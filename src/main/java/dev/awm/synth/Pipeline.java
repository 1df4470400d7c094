package dev.awm.synth;

import dev.awm.llm.LlmClient;
import dev.awm.runtime.WorldRuntime;
import dev.awm.verify.WorldCheck;
import dev.awm.world.WorldFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code awm gen}: runs stages over the worlds of an output directory, each stage over every world that is ready for
 * it and lacks its output, worlds in parallel (the LLM client bounds the requests in flight). A world that fails a
 * stage after its attempts moves to {@code rejected/} with the reason. {@link #all()} runs every stage and ends by
 * proving each world as {@code awm check} does; only proven worlds are accepted.
 */
public final class Pipeline {

    public static final List<String> STAGES = List.of("scenario", "tasks", "db", "sample", "env", "verifier", "redteam", "proof");
    static final String REDTEAM_DONE = "redteam.json";
    private static final int TOP_UP_ROUNDS = 3;

    private final Gen gen;
    private final boolean progress;
    private final Map<String, StageStats> stats = new LinkedHashMap<>();
    private final Map<String, Stage> stages = new LinkedHashMap<>();
    private final long started = System.nanoTime();

    public Pipeline(GenDir dir, LlmClient llm, GenSettings settings, boolean progress) {
        this.gen = new Gen(dir, llm, settings);
        this.progress = progress;
        VerifierStage verifier = new VerifierStage(gen);
        for (Stage s : List.of(new TasksStage(gen), new DbStage(gen), new SampleStage(gen), new EnvStage(gen), verifier, new RedteamStage(gen, verifier))) {
            stages.put(s.name(), s);
        }
        for (String s : STAGES) stats.put(s, new StageStats(s));
    }

    /** Every stage, then the proof; scenarios are topped up (at most three rounds) while rejections leave the target unmet. */
    public void all() {
        for (int round = 0; round < TOP_UP_ROUNDS; round++) {
            int before = gen.dir.worlds().size() + gen.dir.rejected().size();
            for (String s : STAGES) run(s);
            boolean added = gen.dir.worlds().size() + gen.dir.rejected().size() > before;
            if (accepted().size() >= gen.settings.targetCount() || (!added && round > 0)) break;
        }
    }

    /** One stage over every world ready for it. */
    public void run(String stage) {
        StageStats st = stats.get(stage);
        if (st == null) throw new IllegalArgumentException("no stage named " + stage + "; the stages are " + String.join(", ", STAGES));
        long t0 = System.nanoTime();
        try {
            if (stage.equals("scenario")) {
                try (Progress p = new Progress(stage, Math.max(0, gen.settings.targetCount() - gen.dir.worlds().size()), st, gen.llm.usage(), progress)) {
                    new ScenarioStage(gen).run(st);
                }
            } else {
                List<String> ready = gen.dir.worlds().stream().filter(gen.settings::wants).filter(w -> ready(stage, w)).toList();
                st.items.addAndGet(ready.size());
                try (Progress p = new Progress(stage, ready.size(), st, gen.llm.usage(), progress)) {
                    forEach(ready, w -> {
                        StageResult r;
                        try {
                            r = stage.equals("proof") ? prove(w) : runStage(stages.get(stage), w, st);
                        } catch (dev.awm.llm.LlmException e) {
                            throw e; // the endpoint or the cache, not this world: the run stops
                        } catch (RuntimeException e) {
                            r = StageResult.rejected(1, "the stage failed on this world: " + e.getMessage());
                        }
                        st.record(r);
                        if (r.status() == StageResult.Status.REJECTED) gen.dir.reject(w, stage, r.reason());
                        p.update();
                    });
                }
            }
        } finally {
            st.wallNanos.addAndGet(System.nanoTime() - t0);
        }
    }

    private StageResult runStage(Stage s, String world, StageStats st) {
        StageResult r = s.run(world, st);
        if (r.status() != StageResult.Status.REJECTED) {
            Set<String> unchecked = gen.dir.unchecked(world);
            if (unchecked.remove(s.output())) gen.dir.setUnchecked(world, unchecked);
            if (s.name().equals("redteam")) gen.dir.writeJson(gen.dir.world(world).resolve(REDTEAM_DONE), WorldFiles.JSON.createObjectNode().put("done", true));
        }
        return r;
    }

    /** Whether {@code world} has what {@code stage} reads and lacks what it writes. */
    private boolean ready(String stage, String world) {
        return switch (stage) {
            case "proof" -> done(world, GenDir.VERIFIER) && (gen.settings.hacksPerTask() == 0 || gen.dir.has(world, REDTEAM_DONE)) && !proven(world);
            case "redteam" -> gen.settings.hacksPerTask() > 0 && done(world, GenDir.VERIFIER) && !gen.dir.has(world, REDTEAM_DONE);
            default -> {
                Stage s = stages.get(stage);
                yield s.needs().stream().allMatch(f -> present(world, f)) && !done(world, s.output());
            }
        };
    }

    /** A stage file is there to read when it exists and (a toolset) is not AWM's Python; an imported one need not be checked yet. */
    private boolean present(String world, String file) {
        return gen.dir.has(world, file) && (!file.equals(GenDir.ENVS) || gen.dir.line(world, GenDir.ENVS).has("toolset"));
    }

    /** A stage file is done when it is present and was checked by its stage. */
    private boolean done(String world, String file) {
        return present(world, file) && !gen.dir.unchecked(world).contains(file);
    }

    /** Proven, and no stage file changed since. */
    private boolean proven(String world) {
        Path proof = gen.dir.world(world).resolve(GenDir.PROOF);
        if (!Files.isRegularFile(proof)) return false;
        try {
            FileTime at = Files.getLastModifiedTime(proof);
            for (String f : GenDir.STAGE_FILES) {
                Path p = gen.dir.world(world).resolve(f);
                if (Files.isRegularFile(p) && Files.getLastModifiedTime(p).compareTo(at) > 0) return false;
            }
            return WorldFiles.JSON.readTree(Files.readString(proof)).path("ok").asBoolean(false);
        } catch (IOException e) {
            return false;
        }
    }

    /** The proof of {@code awm check}: the world is accepted only when it passes whole. */
    private StageResult prove(String world) {
        Map<String, List<String>> files = gen.dir.files(world);
        Gen.Proven earlier = gen.proven.get(world);
        WorldCheck.Report r = earlier != null && earlier.fingerprint().equals(Gen.fingerprint(files)) ? earlier.report() // these very files passed this proof in this run
                : WorldCheck.run(WorldRuntime.load(gen.load(world, files)));
        if (!r.ok()) {
            return StageResult.rejected(1, "awm check fails: " + String.join("; ", r.errors().stream().limit(5).toList()) + (r.errors().size() > 5 ? "; ..." : ""));
        }
        ObjectNode proof = WorldFiles.JSON.createObjectNode().put("ok", true).put("tables", r.tables()).put("seed_rows", r.seedRows()).put("tools", r.tools())
                .put("tasks", r.tasks()).put("solved", r.solved()).put("passed_by_nothing", r.passedByNothing()).put("near_misses", r.nearMisses())
                .put("near_misses_rejected", r.nearMissesRejected());
        gen.dir.writeJson(gen.dir.world(world).resolve(GenDir.PROOF), proof);
        return new StageResult(StageResult.Status.ACCEPTED, 1, null);
    }

    /** Worlds proven by {@code awm check}'s proof. */
    public List<String> accepted() {
        return gen.dir.worlds().stream().filter(this::proven).toList();
    }

    /**
     * Copies the worlds of an AWM stage file set (flat, or one directory per world) into the output directory, to be
     * filled: the stages make only what they lack (a SQL toolset in place of AWM's Python, seed rows, verifiers) and
     * check and repair what they have. A world already in the output directory is left as it is.
     */
    public int importFrom(Path src) {
        if (!Files.isDirectory(src)) throw new IllegalArgumentException("--from " + src + " is not a directory");
        Map<String, Map<String, List<String>>> worlds = new TreeMap<>();
        List<Path> dirs = new ArrayList<>();
        if (GenDir.hasStageFiles(src)) dirs.add(src);
        else try (Stream<Path> s = Files.list(src)) {
            s.filter(Files::isDirectory).filter(GenDir::hasStageFiles).sorted().forEach(dirs::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (dirs.isEmpty()) throw new IllegalArgumentException("--from " + src + " holds no stage files (gen_db.jsonl, gen_tasks.jsonl, ...)");
        for (Path d : dirs) {
            for (String file : GenDir.STAGE_FILES) {
                Path f = d.resolve(file);
                if (!Files.isRegularFile(f)) continue;
                try {
                    List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
                    for (int i = 0; i < lines.size(); i++) {
                        if (lines.get(i).isBlank()) continue;
                        String scenario;
                        try {
                            scenario = WorldFiles.JSON.readTree(lines.get(i)).path("scenario").asString("");
                        } catch (RuntimeException e) {
                            throw new IllegalArgumentException(f + " line " + (i + 1) + " is not JSON");
                        }
                        if (scenario.isEmpty()) throw new IllegalArgumentException(f + " line " + (i + 1) + " has no \"scenario\"");
                        worlds.computeIfAbsent(scenario, k -> new LinkedHashMap<>()).computeIfAbsent(file, k -> new ArrayList<>()).add(lines.get(i));
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + f + ": " + e.getMessage(), e);
                }
            }
        }
        int imported = 0;
        for (Map.Entry<String, Map<String, List<String>>> w : worlds.entrySet()) {
            String scenario = w.getKey();
            if (!gen.settings.wants(scenario) || Files.exists(gen.dir.world(scenario)) || gen.dir.rejected().contains(scenario)) continue;
            if (!scenario.matches("[A-Za-z0-9_.-]{1,100}") || scenario.startsWith(".")) throw new IllegalArgumentException("--from holds a world named '" + scenario + "', which is not a safe directory name");
            Map<String, List<String>> files = new LinkedHashMap<>(w.getValue());
            for (String file : List.of(GenDir.ENVS, GenDir.VERIFIER)) {
                boolean python = file.equals(GenDir.ENVS) && files.containsKey(file) && WorldFiles.JSON.readTree(files.get(file).get(0)).has("full_code");
                if (files.containsKey(file) && !python) continue;
                List<String> bundled = resourceLines("/awm1k/" + scenario + "/" + file);
                if (bundled.isEmpty()) continue;
                if (python) gen.dir.write(scenario, "gen_envs.python.jsonl", List.of(WorldFiles.JSON.readTree(files.get(file).get(0))));
                files.put(file, bundled);
            }
            if (!files.containsKey(GenDir.SCENARIO)) {
                String name = String.join(" ", java.util.Arrays.stream(scenario.replaceAll("_\\d+$", "").split("_")).map(s -> s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1)).toList());
                files.put(GenDir.SCENARIO, List.of(WorldFiles.JSON.writeValueAsString(WorldFiles.JSON.createObjectNode().put("scenario", scenario).put("name", name)
                        .put("description", "").put("imported_from", src.toString()))));
            }
            Set<String> unchecked = new TreeSet<>();
            for (Map.Entry<String, List<String>> f : files.entrySet()) {
                List<JsonNode> lines = f.getValue().stream().map(WorldFiles.JSON::readTree).toList();
                gen.dir.write(scenario, f.getKey(), lines);
                if (List.of(GenDir.DB, GenDir.SAMPLE, GenDir.ENVS, GenDir.VERIFIER).contains(f.getKey())) unchecked.add(f.getKey());
            }
            gen.dir.setUnchecked(scenario, unchecked);
            imported++;
        }
        return imported;
    }

    private static List<String> resourceLines(String resource) {
        try (InputStream in = Pipeline.class.getResourceAsStream(resource)) {
            return in == null ? List.of() : new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public GenReport report() {
        return new GenReport(gen, stats, accepted(), (System.nanoTime() - started) / 1e9);
    }

    private interface WorldWork {
        void run(String world);
    }

    private static void forEach(List<String> worlds, WorldWork work) {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> futures = new ArrayList<>();
            for (String w : worlds) futures.add(pool.submit(() -> work.run(w)));
            for (Future<?> f : futures) f.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }
}
