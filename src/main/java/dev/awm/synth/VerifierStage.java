package dev.awm.synth;

import dev.awm.llm.ChatRequest;
import dev.awm.runtime.WorldRuntime;
import dev.awm.verify.WorldCheck;
import dev.awm.world.World;
import dev.awm.world.WorldFiles;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Verifiers, reference solutions and near misses, one request per task: the whole proof of {@code awm check} must
 * pass (the solution completes the task on a fresh instance, doing nothing does not, no near miss does). A failing
 * task's errors go back for that task alone.
 */
final class VerifierStage extends Stage {

    /** Near misses a repair may not drop (those the red team was paid for), by world and task. */
    final Map<String, Map<String, List<JsonNode>>> pinned = new ConcurrentHashMap<>();

    VerifierStage(Gen gen) {
        super(gen, "verifier", GenDir.VERIFIER, List.of(GenDir.TASKS, GenDir.DB, GenDir.SAMPLE, GenDir.ENVS), "verifiers", "task_idx");
    }

    @Override
    boolean perPart() {
        return true;
    }

    List<ChatRequest> first(String world) {
        World w = gen.dir.load(world);
        Map<String, String> v = gen.basics(world);
        FewShot ex = FewShot.pick(world, name());
        v.put("tools", FewShot.compact(WorldFiles.JSON.createObjectNode().set("tools", toolsJson(world))));
        v.put("example_verifiers", ex.verifiers());
        v.put("example_app", ex.scenarioText());
        List<ChatRequest> out = new ArrayList<>();
        for (int i = 0; i < w.tasks().size(); i++) {
            v.put("task_idx", String.valueOf(i));
            v.put("task", w.tasks().get(i));
            out.add(gen.request(name(), world, v));
        }
        return out;
    }

    private JsonNode toolsJson(String world) {
        JsonNode envs = gen.dir.line(world, GenDir.ENVS);
        return envs == null ? WorldFiles.JSON.createArrayNode() : envs.path("toolset").path("tools");
    }

    @Override
    ChatRequest base(String world, String part) {
        List<ChatRequest> first = first(world);
        int i = Integer.parseInt(part.replace("#", "0"));
        return first.get(Math.max(0, Math.min(i, first.size() - 1)));
    }

    ObjectNode existing(String world) {
        ArrayNode items = WorldFiles.JSON.createArrayNode();
        for (String l : gen.dir.lines(world, GenDir.VERIFIER)) {
            JsonNode line = WorldFiles.JSON.readTree(l);
            if (line.has("verifier")) items.add(line);
        }
        return items.isEmpty() ? null : WorldFiles.JSON.createObjectNode().set("verifiers", items);
    }

    List<Problem> check(String world, ObjectNode candidate, boolean fresh) {
        List<Problem> out = new ArrayList<>();
        List<JsonNode> lines = lines(world, candidate);
        ObjectNode sample = sampleWithAdditions(world, candidate, out);
        Map<String, List<String>> files = gen.files(world, sample == null ? Map.of(GenDir.VERIFIER, lines) : Map.of(GenDir.VERIFIER, lines, GenDir.SAMPLE, List.of(sample)));
        World w = gen.load(world, files);
        for (int i = 0; i < lines.size(); i++) {
            JsonNode l = lines.get(i);
            String key = l.path("task_idx").asString();
            if (fresh && l.path("near_misses").size() < 2) {
                out.add(new Problem(key, "task " + key + ": give at least 2 near misses (the look-alike record, half the task, collateral damage, a padded answer)"));
            }
        }
        for (String p : w.problems()) {
            int line = ProofReader.verifierLine(p);
            if (line >= 1 && line <= lines.size()) out.add(new Problem(lines.get(line - 1).path("task_idx").asString(), p));
        }
        WorldRuntime rt = WorldRuntime.load(w);
        if (sample != null && !rt.buildProblems().isEmpty()) {
            for (JsonNode item : candidate.path("verifiers")) {
                if (item.path("seed_rows").size() == 0) continue;
                String key = item.path("task_idx").asString();
                rt.buildProblems().forEach(p -> out.add(new Problem(key, "task " + key + ": with the seed_rows added, the database does not build: " + p)));
            }
            return out;
        }
        if (!rt.servable()) {
            out.add(Problem.whole("the world cannot be served, so no verifier can be proven: " + String.join("; ", rt.problems().stream().limit(3).toList())));
            return out;
        }
        WorldCheck.Report report = WorldCheck.run(rt);
        ProofReader.taskErrors(report).forEach((task, errors) -> errors.forEach(e -> out.add(new Problem(String.valueOf(task), e))));
        if (out.isEmpty() && report.ok() && w.now() != null) gen.proven.put(world, new Gen.Proven(Gen.fingerprint(files), report));
        return out;
    }

    /**
     * The world's seed rows with the rows verifier answers add ({@code seed_rows}: records a task needs that the data
     * lacks, found when its reference solution failed), or null when none adds any. Each added statement passes the
     * seed stage's gate, else it is a problem of its task.
     */
    private ObjectNode sampleWithAdditions(String world, ObjectNode candidate, List<Problem> problems) {
        List<String> tables = gen.dir.load(world).tables().stream().map(World.Table::name).toList();
        Map<String, List<String>> added = new java.util.LinkedHashMap<>();
        for (JsonNode item : candidate.path("verifiers")) {
            String key = item.path("task_idx").asString();
            for (JsonNode t : item.path("seed_rows")) {
                String name = t.path("table_name").asString("");
                String table = tables.stream().filter(x -> x.equalsIgnoreCase(name)).findFirst().orElse(null);
                if (table == null) {
                    problems.add(new Problem(key, "task " + key + ": seed_rows names the table " + name + ", which the schema lacks"));
                    continue;
                }
                for (JsonNode sql : t.path("insert_statements")) {
                    String refused = SampleStage.refusal(table, sql.asString(""));
                    if (refused != null) problems.add(new Problem(key, "task " + key + ": seed_rows for " + table + ": " + refused));
                    else added.computeIfAbsent(table, k -> new ArrayList<>()).add(sql.asString());
                }
            }
        }
        if (added.isEmpty()) return null;
        JsonNode current = gen.dir.line(world, GenDir.SAMPLE);
        JsonNode data = current == null ? WorldFiles.JSON.createObjectNode() : current.path("sample_data");
        if (data.isString()) data = WorldFiles.JSON.readTree(data.asString());
        ObjectNode line = WorldFiles.JSON.createObjectNode().put("scenario", world);
        ArrayNode out = line.putObject("sample_data").putArray("tables");
        for (JsonNode t : data.path("tables")) {
            ObjectNode copy = out.addObject().put("table_name", t.path("table_name").asString());
            ArrayNode statements = copy.putArray("insert_statements");
            t.path("insert_statements").forEach(statements::add);
            added.getOrDefault(t.path("table_name").asString(), List.of()).forEach(statements::add);
            added.remove(t.path("table_name").asString());
        }
        added.forEach((table, statements) -> {
            ArrayNode list = out.addObject().put("table_name", table).putArray("insert_statements");
            statements.forEach(list::add);
        });
        return line;
    }

    /** Rows the verifiers added go into gen_sample.jsonl with them. */
    @Override
    void written(String world, ObjectNode candidate) {
        ObjectNode sample = sampleWithAdditions(world, candidate, new ArrayList<>());
        if (sample != null) gen.dir.write(world, GenDir.SAMPLE, List.of(sample));
    }

    List<JsonNode> lines(String world, ObjectNode candidate) {
        List<String> tasks = new ArrayList<>();
        gen.dir.line(world, GenDir.TASKS).path("tasks").forEach(t -> tasks.add(t.asString()));
        List<JsonNode> out = new ArrayList<>();
        List<JsonNode> items = new ArrayList<>();
        candidate.path("verifiers").forEach(items::add);
        items.sort(Comparator.comparingInt(i -> i.path("task_idx").asInt(Integer.MAX_VALUE)));
        for (JsonNode item : items) {
            ObjectNode line = WorldFiles.JSON.createObjectNode().put("scenario", world);
            int idx = item.path("task_idx").asInt(-1);
            line.set("task_idx", item.path("task_idx"));
            line.put("task", idx >= 0 && idx < tasks.size() ? tasks.get(idx) : item.path("task").asString(""));
            for (String f : List.of("verifier", "solution", "near_misses", "alternatives")) if (item.has(f)) line.set(f, item.get(f));
            out.add(line);
        }
        return out;
    }

    @Override
    void settle(String world, ObjectNode candidate) {
        Map<String, List<JsonNode>> mine = pinned.get(world);
        if (mine == null) return;
        for (JsonNode item : candidate.path("verifiers")) {
            List<JsonNode> keep = mine.get(item.path("task_idx").asString());
            if (keep == null || !(item instanceof ObjectNode o)) continue;
            ArrayNode misses = o.path("near_misses").isArray() ? (ArrayNode) o.get("near_misses") : o.putArray("near_misses");
            for (JsonNode k : keep) {
                boolean present = false;
                for (JsonNode m : misses) present |= m.path("why").asString().equals(k.path("why").asString());
                if (!present) misses.add(k);
            }
        }
    }
}
