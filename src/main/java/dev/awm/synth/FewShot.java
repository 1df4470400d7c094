package dev.awm.synth;

import dev.awm.world.WorldFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Few-shot examples taken from the worlds bundled in the jar, the best-written worlds there are. Each (world, stage)
 * gets its examples from one bundled world chosen by a hash, so different worlds see different examples and none
 * copies one.
 */
final class FewShot {

    private final String name;

    private FewShot(String name) {
        this.name = name;
    }

    /** The bundled world whose examples {@code world} sees at {@code stage} (never itself). */
    static FewShot pick(String world, String stage) {
        List<String> names = bundledNames();
        int i = Math.floorMod((world + "/" + stage).hashCode(), names.size());
        if (names.get(i).equals(world)) i = (i + 1) % names.size();
        return new FewShot(names.get(i));
    }

    String world() {
        return name;
    }

    static List<String> bundledNames() {
        try (InputStream in = FewShot.class.getResourceAsStream("/worlds/index.txt")) {
            if (in == null) throw new IllegalStateException("the jar has no /worlds/index.txt");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JsonNode[] file(String file) {
        return BundledAnswers.file(name, file);
    }

    String scenarioText() {
        JsonNode s = file(GenDir.SCENARIO)[0];
        return s.path("name").asString() + ": " + s.path("description").asString();
    }

    /** The world's tasks, one per line. */
    String tasks(int n) {
        StringBuilder b = new StringBuilder();
        JsonNode tasks = file(GenDir.TASKS)[0].path("tasks");
        for (int i = 0; i < Math.min(n, tasks.size()); i++) b.append("- ").append(tasks.get(i).asString()).append('\n');
        return b.toString().strip();
    }

    /** The users table and the first {@code n} tables that declare foreign keys, as gen_db.jsonl holds them. */
    String tables(int n) {
        ArrayNode out = WorldFiles.JSON.createArrayNode();
        for (JsonNode t : file(GenDir.DB)[0].path("db_schema").path("tables")) {
            boolean users = t.path("name").asString().equals("users");
            if (users || (out.size() <= n && t.path("ddl").asString().contains("REFERENCES"))) out.add(t);
            if (out.size() > n) break;
        }
        return pretty(WorldFiles.JSON.createObjectNode().set("tables", out));
    }

    /** Up to {@code rows} inserts of each of the first {@code n} seeded tables. */
    String inserts(int n, int rows) {
        ArrayNode out = WorldFiles.JSON.createArrayNode();
        for (JsonNode t : file(GenDir.SAMPLE)[0].path("sample_data").path("tables")) {
            if (out.size() == n) break;
            ObjectNode copy = out.addObject().put("table_name", t.path("table_name").asString());
            ArrayNode ins = copy.putArray("insert_statements");
            for (int i = 0; i < Math.min(rows, t.path("insert_statements").size()); i++) ins.add(t.path("insert_statements").get(i));
        }
        return pretty(WorldFiles.JSON.createObjectNode().set("tables", out));
    }

    /** A read-only tool with filters, a write tool with a guard, and one more write tool. */
    String tools() {
        List<JsonNode> picked = new ArrayList<>();
        JsonNode tools = file(GenDir.ENVS)[0].path("toolset").path("tools");
        JsonNode read = null, guarded = null, other = null;
        for (JsonNode t : tools) {
            String steps = t.path("steps").toString();
            boolean writes = steps.contains("\"write\"");
            if (!writes && read == null && t.path("inputSchema").path("properties").size() >= 2) read = t;
            else if (writes && guarded == null && steps.contains("\"guard\"")) guarded = t;
            else if (writes && other == null && guarded != null) other = t;
        }
        for (JsonNode t : new JsonNode[] {read, guarded, other}) if (t != null) picked.add(t);
        ArrayNode out = WorldFiles.JSON.createArrayNode();
        picked.forEach(out::add);
        return pretty(WorldFiles.JSON.createObjectNode().set("tools", out));
    }

    /** The names and descriptions of all the world's tools: what a complete toolset covers. */
    String toolNames() {
        StringBuilder b = new StringBuilder();
        for (JsonNode t : file(GenDir.ENVS)[0].path("toolset").path("tools")) b.append(t.path("name").asString()).append(", ");
        return b.length() == 0 ? "" : b.substring(0, b.length() - 2);
    }

    /** One verifier line of a question task and one of a task that changes state, near misses included. */
    String verifiers() {
        JsonNode question = null, change = null;
        for (JsonNode v : file(GenDir.VERIFIER)) {
            boolean asks = v.path("verifier").path("answer").size() > 0;
            boolean writes = BundledAnswers.changesState(name, v);
            if (asks && !writes && question == null) question = v;
            if (writes && change == null) change = v;
        }
        StringBuilder b = new StringBuilder();
        for (JsonNode v : new JsonNode[] {question, change}) if (v != null) b.append(compact(v)).append("\n\n");
        return b.toString().strip();
    }

    /** Near misses of one task: the kinds of wrong episodes a verifier must refuse. */
    String nearMisses() {
        for (JsonNode v : file(GenDir.VERIFIER)) {
            if (v.path("near_misses").size() >= 3) {
                ObjectNode o = WorldFiles.JSON.createObjectNode().put("task", v.path("task").asString());
                o.set("hacks", v.path("near_misses"));
                return compact(o);
            }
        }
        return "{}";
    }

    static String pretty(JsonNode n) {
        return WorldFiles.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n);
    }

    static String compact(JsonNode n) {
        return WorldFiles.JSON.writeValueAsString(n);
    }
}
