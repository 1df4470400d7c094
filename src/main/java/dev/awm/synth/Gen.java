package dev.awm.synth;

import dev.awm.llm.ChatRequest;
import dev.awm.llm.LlmClient;
import dev.awm.llm.Message;
import dev.awm.verify.WorldCheck;
import dev.awm.world.World;
import dev.awm.world.WorldFiles;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** What every stage works with: the output directory, the LLM, the settings, and the world texts prompts show. */
final class Gen {

    final GenDir dir;
    final LlmClient llm;
    final GenSettings settings;

    Gen(GenDir dir, LlmClient llm, GenSettings settings) {
        this.dir = dir;
        this.llm = llm;
        this.settings = settings;
    }

    /** A request of {@code stage} for {@code world} from its prompt file's system and user sections, with its answer schema. */
    ChatRequest request(String stage, String world, Map<String, String> values) {
        Prompts p = Prompts.of(stage);
        return ChatRequest.of(stage, world, List.of(Message.system(p.fill("system", values)), Message.user(p.fill("user", values)))).withSchema(p.schema("schema"));
    }

    /** The world's files with {@code file} replaced by {@code lines}, read by the loader {@code awm check} uses. */
    World candidate(String world, String file, List<JsonNode> lines) {
        return candidate(world, Map.of(file, lines));
    }

    /** The world's files with each of {@code replaced} put in place. */
    World candidate(String world, Map<String, List<JsonNode>> replaced) {
        return load(world, files(world, replaced));
    }

    /** The world's stage files, as text lines, with each of {@code replaced} put in place. */
    Map<String, List<String>> files(String world, Map<String, List<JsonNode>> replaced) {
        Map<String, List<String>> files = new LinkedHashMap<>(dir.files(world));
        replaced.forEach((file, lines) -> files.put(file, lines.stream().map(WorldFiles.JSON::writeValueAsString).toList()));
        return files;
    }

    World load(String world, Map<String, List<String>> files) {
        return WorldFiles.fromLines(files, dir.world(world).toString()).stream().filter(w -> w.scenario().equals(world)).findFirst().orElseThrow();
    }

    /** A passing proof of a world's exact files (by {@link #fingerprint}), so that the same files are not proven twice in a run. */
    record Proven(String fingerprint, WorldCheck.Report report) {}

    final Map<String, Proven> proven = new java.util.concurrent.ConcurrentHashMap<>();

    /** The SHA-256 of every stage file's lines: equal for equal files, whatever wrote them. */
    static String fingerprint(Map<String, List<String>> files) {
        try {
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            for (String f : GenDir.STAGE_FILES) {
                sha.update((f + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
                for (String l : files.getOrDefault(f, List.of())) sha.update((l + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            return java.util.HexFormat.of().formatHex(sha.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Name, description and tasks, as every prompt after the scenario stage shows them. */
    Map<String, String> basics(String world) {
        World w = dir.load(world);
        Map<String, String> v = new LinkedHashMap<>();
        v.put("scenario", world);
        v.put("name", w.name());
        v.put("description", w.description().isBlank() ? "(no description: infer the app from its name and tasks)" : w.description());
        StringBuilder tasks = new StringBuilder();
        for (int i = 0; i < w.tasks().size(); i++) tasks.append(i).append(". ").append(w.tasks().get(i)).append('\n');
        v.put("tasks", tasks.toString().strip());
        v.put("now", w.now() == null ? "(not set)" : w.now());
        StringBuilder ddl = new StringBuilder();
        for (World.Table t : w.tables()) {
            ddl.append(t.ddl().strip()).append('\n');
            for (String i : t.indexes()) ddl.append(i.strip()).append('\n');
        }
        v.put("schema", ddl.toString().strip());
        v.put("seed", seed(w, 60_000));
        return v;
    }

    /** The seed INSERTs, table by table, cut at {@code maxChars} with a note saying so. */
    static String seed(World w, int maxChars) {
        StringBuilder b = new StringBuilder();
        for (World.SeedTable t : w.seed()) {
            for (String s : t.inserts()) {
                if (b.length() + s.length() > maxChars) return b + "-- (more rows left out)";
                b.append(s.strip()).append('\n');
            }
        }
        return b.toString().strip();
    }

    /** Each tool as an agent sees it: name, description and input schema, without its SQL. */
    static String toolsAsAgentSeesThem(World w) {
        List<Object> out = new ArrayList<>();
        for (var t : w.tools().orElse(List.of())) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", t.name());
            m.put("description", t.description());
            m.put("inputSchema", t.inputSchema());
            m.put("read_only", t.readOnly());
            out.add(m);
        }
        return WorldFiles.JSON.writeValueAsString(out);
    }
}
