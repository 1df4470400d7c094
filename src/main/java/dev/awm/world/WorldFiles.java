package dev.awm.world;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads world sets in AWM's stage layout (docs/world-format.md): from a directory of {@code gen_*.jsonl} files,
 * from a directory of such directories, or from the worlds bundled in the jar. Toolsets and verifiers that this
 * project wrote for published AWM-1K worlds are laid over those worlds when their own files lack them.
 */
public final class WorldFiles {

    public static final JsonMapper JSON = JsonMapper.shared();
    static final String SCENARIO = "gen_scenario.jsonl", TASKS = "gen_tasks.jsonl", DB = "gen_db.jsonl",
            SAMPLE = "gen_sample.jsonl", ENVS = "gen_envs.jsonl", VERIFIER = "gen_verifier.jsonl",
            PY_VERIFIER = "gen_verifier.pure_code.jsonl";
    private static final List<String> STAGE_FILES = List.of(SCENARIO, TASKS, DB, SAMPLE, ENVS, VERIFIER, PY_VERIFIER);
    private static final String BUNDLED_INDEX = "/worlds/index.txt";
    /** What follows "no SQL toolset" in a world's problems; it names a command only once that command exists. */
    public static final String NO_SQL_TOOLSET_HINT = "synthesize one with `awm gen all --from DIR --out NEW_DIR`";

    private WorldFiles() {}

    /** The worlds shipped inside the jar, in the order of {@code worlds/index.txt}. */
    public static List<World> bundled() {
        return bundled(bundledNames());
    }

    /** The names of the worlds shipped inside the jar, without reading them. */
    public static List<String> bundledNames() {
        return resourceLines(BUNDLED_INDEX).orElseThrow(() -> new IllegalStateException("the jar has no " + BUNDLED_INDEX)).stream()
                .map(String::strip).filter(n -> !n.isEmpty() && !n.startsWith("#")).toList();
    }

    /** Only the bundled worlds named (a world's directory is named after its scenario), read in the order given. */
    public static List<World> bundled(List<String> names) {
        List<World> worlds = new ArrayList<>();
        for (String name : names) worlds.addAll(read(file -> resourceLines("/worlds/" + name + "/" + file), "bundled:" + name));
        return worlds;
    }

    /**
     * Loads every world under {@code dir}: its own stage files, or those of its immediate subdirectories.
     *
     * @throws IllegalArgumentException when the directory does not exist or holds no stage file
     */
    public static List<World> load(Path dir) {
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException("no such directory: " + dir);
        if (hasStageFiles(dir)) return read(file -> fileLines(dir.resolve(file)), dir.toString());
        List<World> worlds = new ArrayList<>();
        try (Stream<Path> children = Files.list(dir)) {
            for (Path child : children.filter(Files::isDirectory).filter(WorldFiles::hasStageFiles).sorted().toList()) {
                worlds.addAll(read(file -> fileLines(child.resolve(file)), child.toString()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (worlds.isEmpty()) throw new IllegalArgumentException(dir + " holds no stage files (gen_db.jsonl, gen_tasks.jsonl, ...) nor subdirectories with them");
        return worlds;
    }

    /**
     * Parses a toolset ({@code {"tools": [...]}}), as gen_envs.jsonl or an LLM's answer holds it; what is malformed
     * is added to {@code problems} and left out.
     */
    public static List<Tool> parseToolset(JsonNode toolset, List<String> problems) {
        return ToolsetJson.parseTools(toolset, "toolset", problems);
    }

    /**
     * Reads worlds from stage files held in memory (file name, such as {@code gen_db.jsonl}, to its lines), exactly as
     * {@link #load} reads them from disk: synthesis checks a candidate this way before it writes it.
     */
    public static List<World> fromLines(Map<String, List<String>> files, String where) {
        return read(file -> Optional.ofNullable(files.get(file)), where);
    }

    /** A copy of {@code world} with another toolset, as a repair loop or a test needs. */
    public static World withTools(World world, List<Tool> tools) {
        return new World(world.scenario(), world.name(), world.description(), world.now(), world.tasks(), world.tables(), world.seed(),
                Optional.of(List.copyOf(tools)), world.verifiers(), world.pythonVerifiers(), world.problems());
    }

    private static boolean hasStageFiles(Path dir) {
        return STAGE_FILES.stream().anyMatch(f -> Files.isRegularFile(dir.resolve(f)));
    }

    private static List<World> read(Function<String, Optional<List<String>>> files, String where) {
        Map<String, Parts> byScenario = new LinkedHashMap<>();
        for (String file : STAGE_FILES) {
            List<String> lines = files.apply(file).orElse(List.of());
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.isBlank()) continue;
                String at = where + "/" + file + " line " + (i + 1);
                JsonNode node;
                try {
                    node = JSON.readTree(line);
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException(at + " is not JSON: " + e.getMessage().lines().findFirst().orElse(""));
                }
                String scenario = node.path("scenario").asString("");
                if (scenario.isEmpty()) throw new IllegalArgumentException(at + " has no \"scenario\" field");
                byScenario.computeIfAbsent(scenario, Parts::new).add(file, node, at);
            }
        }
        for (Parts parts : byScenario.values()) parts.overlayFromJar();
        return byScenario.values().stream().map(Parts::toWorld).toList();
    }

    /** What one scenario's lines say, gathered across the stage files. */
    private static final class Parts {
        final String scenario;
        final Map<String, List<JsonNode>> lines = new LinkedHashMap<>();
        final List<String> problems = new ArrayList<>();

        Parts(String scenario) {
            this.scenario = scenario;
        }

        void add(String file, JsonNode node, String at) {
            if (!file.equals(VERIFIER) && !file.equals(PY_VERIFIER) && lines.containsKey(file)) {
                problems.add(at + " repeats scenario " + scenario + "; the first line is used");
                return;
            }
            ((ObjectNode) node).put("_at", at);
            lines.computeIfAbsent(file, f -> new ArrayList<>()).add(node);
        }

        void overlayFromJar() {
            for (String file : List.of(ENVS, VERIFIER)) {
                if (lines.containsKey(file) && !(file.equals(ENVS) && first(ENVS).has("full_code"))) continue;
                List<String> overlay = resourceLines("/awm1k/" + scenario + "/" + file).orElse(List.of());
                if (overlay.isEmpty()) continue;
                lines.remove(file);
                for (int i = 0; i < overlay.size(); i++) {
                    add(file, JSON.readTree(overlay.get(i)), "bundled:awm1k/" + scenario + "/" + file + " line " + (i + 1));
                }
            }
        }

        JsonNode first(String file) {
            List<JsonNode> l = lines.get(file);
            return l == null ? null : l.get(0);
        }

        World toWorld() {
            JsonNode scenarioLine = first(SCENARIO);
            String name = scenarioLine == null ? scenario : scenarioLine.path("name").asString(scenario);
            String description = scenarioLine == null ? "" : scenarioLine.path("description").asString("");
            String now = scenarioLine == null ? null : scenarioLine.path("now").asString(null);

            List<String> tasks = new ArrayList<>();
            JsonNode tasksLine = first(TASKS);
            if (tasksLine == null) problems.add("no tasks (" + TASKS + ")");
            else for (JsonNode t : textOrTree(tasksLine.path("tasks"))) tasks.add(t.asString());

            List<World.Table> tables = new ArrayList<>();
            JsonNode db = first(DB);
            if (db == null) problems.add("no schema (" + DB + "): it cannot be instantiated");
            else for (JsonNode t : textOrTree(db.path("db_schema")).path("tables")) {
                tables.add(new World.Table(t.path("name").asString(), t.path("ddl").asString(), strings(t.path("indexes")), db.path("_at").asString()));
            }

            List<World.SeedTable> seed = new ArrayList<>();
            JsonNode sample = first(SAMPLE);
            if (sample == null) problems.add("no seed data (" + SAMPLE + "): instances start empty");
            else for (JsonNode t : textOrTree(sample.path("sample_data")).path("tables")) {
                seed.add(new World.SeedTable(t.path("table_name").asString(), strings(t.path("insert_statements")), sample.path("_at").asString()));
            }

            Optional<List<Tool>> tools = Optional.empty();
            JsonNode envs = first(ENVS);
            if (envs == null) problems.add("no SQL toolset (" + ENVS + "); " + NO_SQL_TOOLSET_HINT);
            else if (envs.has("full_code") && !envs.has("toolset")) problems.add("no SQL toolset: its toolset (" + ENVS + ") is AWM Python code (full_code), which awm never executes; " + NO_SQL_TOOLSET_HINT);
            else tools = Optional.of(ToolsetJson.parseTools(envs.path("toolset"), envs.path("_at").asString(), problems));

            List<TaskSpec> verifiers = new ArrayList<>();
            for (JsonNode v : lines.getOrDefault(VERIFIER, List.of())) {
                if (v.has("verification") && !v.has("verifier")) continue; // AWM's Python verifier under the plain name
                ToolsetJson.parseTaskSpec(v, problems).ifPresent(spec -> {
                    String at = v.path("_at").asString();
                    if (spec.index() < 0 || spec.index() >= tasks.size()) problems.add(at + ": task_idx " + spec.index() + " names no task (there are " + tasks.size() + ")");
                    else if (verifiers.stream().anyMatch(x -> x.index() == spec.index())) problems.add(at + ": a second verifier for task " + spec.index() + "; the first is used");
                    else verifiers.add(spec);
                });
            }
            Map<Integer, String> python = new TreeMap<>();
            Stream.concat(lines.getOrDefault(PY_VERIFIER, List.of()).stream(), lines.getOrDefault(VERIFIER, List.of()).stream())
                    .filter(v -> v.path("verification").has("code") && v.path("task_idx").canConvertToInt())
                    .forEach(v -> python.put(v.get("task_idx").asInt(), v.path("verification").path("code").asString()));
            if (!tasks.isEmpty() && verifiers.isEmpty()) problems.add("no SQL verifiers (" + VERIFIER + ")" + (python.isEmpty() ? "" : "; it has " + python.size() + " AWM Python verifiers"));
            else if (!tasks.isEmpty() && verifiers.size() < tasks.size()) problems.add("verifiers for " + verifiers.size() + " of " + tasks.size() + " tasks");
            return new World(scenario, name, description, now, List.copyOf(tasks), List.copyOf(tables), List.copyOf(seed), tools,
                    List.copyOf(verifiers), Collections.unmodifiableMap(python), List.copyOf(problems));
        }
    }

    /** AWM-1K sometimes stores a nested object as a JSON string; accept both. */
    static JsonNode textOrTree(JsonNode node) {
        if (node.isString()) {
            try {
                return JSON.readTree(node.asString());
            } catch (RuntimeException e) {
                return node;
            }
        }
        return node;
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : array) out.add(n.asString());
        return out;
    }

    private static Optional<List<String>> fileLines(Path file) {
        if (!Files.isRegularFile(file)) return Optional.empty();
        try {
            return Optional.of(Files.readAllLines(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static Optional<List<String>> resourceLines(String resource) {
        try (InputStream in = WorldFiles.class.getResourceAsStream(resource)) {
            if (in == null) return Optional.empty();
            return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read resource " + resource, e);
        }
    }
}
