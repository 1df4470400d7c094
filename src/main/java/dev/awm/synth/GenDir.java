package dev.awm.synth;

import dev.awm.llm.LlmCache;
import dev.awm.world.World;
import dev.awm.world.WorldFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The output directory of {@code awm gen}: one subdirectory per world holding its stage files in AWM's layout
 * (a world set {@code awm check --dir} reads as it is), rejected worlds under {@code rejected/} with their reason, the
 * LLM cache and {@code gen_report.json}. Every file is written whole or not at all.
 */
public final class GenDir {

    public static final String SCENARIO = "gen_scenario.jsonl", TASKS = "gen_tasks.jsonl", DB = "gen_db.jsonl", SAMPLE = "gen_sample.jsonl",
            ENVS = "gen_envs.jsonl", VERIFIER = "gen_verifier.jsonl", PY_VERIFIER = "gen_verifier.pure_code.jsonl";
    static final List<String> STAGE_FILES = List.of(SCENARIO, TASKS, DB, SAMPLE, ENVS, VERIFIER, PY_VERIFIER);
    static final String REJECTED = "rejected", CACHE = "llm_cache", REPORT = "gen_report.json", SCENARIO_LOG = "scenario_log.jsonl",
            UNCHECKED = ".unchecked.json", PROOF = "proof.json", REASON = "reason.json";
    private static final Set<String> OWN_ENTRIES = Set.of(REJECTED, CACHE, REPORT, SCENARIO_LOG);

    public final Path root;

    /**
     * @throws IllegalArgumentException when {@code root} exists and holds something {@code awm gen} did not write
     */
    public GenDir(Path root) {
        this.root = root;
        if (Files.exists(root) && !Files.isDirectory(root)) throw new IllegalArgumentException(root + " is a file; --out needs a directory (new, empty, or one awm gen wrote)");
        if (!Files.isDirectory(root)) return;
        for (String f : STAGE_FILES) {
            if (Files.exists(root.resolve(f))) {
                throw new IllegalArgumentException(root + " holds stage files at its top (a world set in AWM's flat layout): pass it with --from and write to a new --out directory");
            }
        }
        try (Stream<Path> entries = Files.list(root)) {
            for (Path p : entries.toList()) {
                String name = p.getFileName().toString();
                if (OWN_ENTRIES.contains(name) || name.startsWith(".")) continue;
                if (Files.isDirectory(p) && hasStageFiles(p)) continue;
                throw new IllegalArgumentException(root + " holds " + name + ", which awm gen did not write: pick a new or empty directory for --out, or one awm gen wrote");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + root + ": " + e.getMessage(), e);
        }
    }

    static boolean hasStageFiles(Path dir) {
        return STAGE_FILES.stream().anyMatch(f -> Files.isRegularFile(dir.resolve(f)));
    }

    public Path cache() {
        return root.resolve(CACHE);
    }

    public Path report() {
        return root.resolve(REPORT);
    }

    public Path world(String scenario) {
        return root.resolve(scenario);
    }

    /** The worlds in progress or done (not rejected), by name. */
    public List<String> worlds() {
        return subdirs(root).stream().filter(n -> !OWN_ENTRIES.contains(n) && hasStageFiles(root.resolve(n))).toList();
    }

    public List<String> rejected() {
        return subdirs(root.resolve(REJECTED));
    }

    private static List<String> subdirs(Path dir) {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public boolean has(String world, String file) {
        return Files.isRegularFile(world(world).resolve(file));
    }

    public List<String> lines(String world, String file) {
        Path f = world(world).resolve(file);
        if (!Files.isRegularFile(f)) return List.of();
        try {
            return Files.readAllLines(f, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f + ": " + e.getMessage(), e);
        }
    }

    /** The first line of a stage file as JSON, or null when there is none. */
    public JsonNode line(String world, String file) {
        List<String> l = lines(world, file);
        return l.isEmpty() ? null : WorldFiles.JSON.readTree(l.get(0));
    }

    public void write(String world, String file, List<? extends JsonNode> lines) {
        StringBuilder b = new StringBuilder();
        for (JsonNode l : lines) b.append(WorldFiles.JSON.writeValueAsString(l)).append('\n');
        LlmCache.writeAtomically(world(world).resolve(file), b.toString());
    }

    /** A JSONL file at the top of the directory (the scenario log). */
    void writeJsonLines(String name, List<? extends JsonNode> lines) {
        StringBuilder b = new StringBuilder();
        for (JsonNode l : lines) b.append(WorldFiles.JSON.writeValueAsString(l)).append('\n');
        LlmCache.writeAtomically(root.resolve(name), b.toString());
    }

    public void writeJson(Path file, JsonNode value) {
        LlmCache.writeAtomically(file, WorldFiles.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value) + "\n");
    }

    /** Every stage file of a world, as {@link WorldFiles#fromLines} takes them. */
    public Map<String, List<String>> files(String world) {
        Map<String, List<String>> files = new LinkedHashMap<>();
        for (String f : STAGE_FILES) if (has(world, f)) files.put(f, new ArrayList<>(lines(world, f)));
        return files;
    }

    /** The world as its files are now, through the same loader as {@code awm check --dir}. */
    public World load(String world) {
        return WorldFiles.fromLines(files(world), world(world).toString()).stream().filter(w -> w.scenario().equals(world)).findFirst()
                .orElseThrow(() -> new IllegalStateException(world(world) + " holds no line for scenario " + world));
    }

    /** Moves a world to {@code rejected/} with the stage and reason it failed. */
    public void reject(String world, String stage, String reason) {
        Path target = root.resolve(REJECTED).resolve(world);
        try {
            Files.createDirectories(target.getParent());
            if (Files.exists(target)) deleteTree(target);
            Files.move(world(world), target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move " + world(world) + " to " + target + ": " + e.getMessage(), e);
        }
        ObjectNode r = WorldFiles.JSON.createObjectNode().put("world", world).put("stage", stage).put("reason", reason);
        writeJson(target.resolve(REASON), r);
    }

    /** Why a rejected world was rejected, or null. */
    public JsonNode rejection(String world) {
        Path f = root.resolve(REJECTED).resolve(world).resolve(REASON);
        if (!Files.isRegularFile(f)) return null;
        try {
            return WorldFiles.JSON.readTree(Files.readString(f));
        } catch (IOException e) {
            return null;
        }
    }

    /** Stage files copied in by an import, not yet checked by their stage. */
    public Set<String> unchecked(String world) {
        Path f = world(world).resolve(UNCHECKED);
        Set<String> out = new TreeSet<>();
        if (!Files.isRegularFile(f)) return out;
        try {
            for (JsonNode n : WorldFiles.JSON.readTree(Files.readString(f))) out.add(n.asString());
        } catch (IOException | RuntimeException e) {
            return out;
        }
        return out;
    }

    public void setUnchecked(String world, Set<String> files) {
        Path f = world(world).resolve(UNCHECKED);
        try {
            if (files.isEmpty()) {
                Files.deleteIfExists(f);
                return;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ArrayNode a = WorldFiles.JSON.createArrayNode();
        files.forEach(a::add);
        writeJson(f, a);
    }

    static void deleteTree(Path p) throws IOException {
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) Files.delete(x);
        }
    }
}
