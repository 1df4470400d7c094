package dev.awm.synth;

import dev.awm.llm.ChatRequest;
import dev.awm.runtime.SqlText;
import dev.awm.runtime.Sqlite;
import dev.awm.runtime.WorldRuntime;
import dev.awm.world.World;
import dev.awm.world.WorldFiles;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sqlite.SQLiteConnection;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Seed rows: every INSERT lands with foreign keys on, user 1 exists, enough rows. Tables are written parents first,
 * whatever order the answer used, so that foreign keys hold as rows go in. Whether each task's entities exist is
 * proven later by the reference solutions.
 */
final class SampleStage extends Stage {

    private static final Pattern INSERT_INTO = Pattern.compile("(?is)^\\s*INSERT\\s+(?:OR\\s+\\w+\\s+)?INTO\\s+[\"`\\[]?(\\w+)");
    private final Map<String, Map<String, Set<String>>> parentsByWorld = new ConcurrentHashMap<>();

    SampleStage(Gen gen) {
        super(gen, "sample", GenDir.SAMPLE, List.of(GenDir.TASKS, GenDir.DB), "tables", "table_name");
    }

    List<ChatRequest> first(String world) {
        Map<String, String> v = gen.basics(world);
        FewShot ex = FewShot.pick(world, name());
        v.put("min_rows", String.valueOf(gen.settings.minSeedRows()));
        v.put("example_app", ex.scenarioText());
        v.put("example_inserts", ex.inserts(2, 4));
        return List.of(gen.request(name(), world, v));
    }

    ObjectNode existing(String world) {
        JsonNode s = WorldFiles.JSON.readTree(gen.dir.lines(world, GenDir.SAMPLE).get(0)).path("sample_data");
        if (s.isString()) s = WorldFiles.JSON.readTree(s.asString());
        ArrayNode tables = WorldFiles.JSON.createArrayNode();
        for (JsonNode t : s.path("tables")) {
            tables.addObject().put("table_name", t.path("table_name").asString()).set("insert_statements", t.path("insert_statements").deepCopy());
        }
        return WorldFiles.JSON.createObjectNode().set("tables", tables);
    }

    List<Problem> check(String world, ObjectNode candidate, boolean fresh) {
        Map<String, Set<String>> parents = parents(world);
        List<Problem> out = new ArrayList<>();
        Map<String, ObjectNode> passed = new LinkedHashMap<>();
        int rows = 0;
        for (JsonNode t : candidate.path("tables")) {
            String table = t.path("table_name").asString("");
            String known = parents.keySet().stream().filter(k -> k.equalsIgnoreCase(table)).findFirst().orElse(null);
            if (known == null) {
                out.add(new Problem(table, "seed " + table + ": there is no table " + table + " in the schema; use only these tables: " + String.join(", ", parents.keySet())));
                continue;
            }
            ObjectNode kept = WorldFiles.JSON.createObjectNode().put("table_name", known);
            ArrayNode statements = kept.putArray("insert_statements");
            JsonNode inserts = t.path("insert_statements");
            for (int i = 0; i < inserts.size(); i++) {
                String sql = inserts.get(i).asString("");
                String refused = refusal(known, sql);
                if (refused != null) out.add(new Problem(table, "seed " + table + " insert " + (i + 1) + ": " + refused));
                else statements.add(sql);
            }
            rows += statements.size();
            passed.merge(known, kept, (a, b) -> {
                ((ArrayNode) a.get("insert_statements")).addAll((ArrayNode) b.get("insert_statements"));
                return a;
            });
        }
        World w = gen.candidate(world, GenDir.SAMPLE, List.of(line(world, ordered(passed, parents))));
        WorldRuntime rt = WorldRuntime.load(w);
        for (String p : rt.buildProblems()) out.add(new Problem(DbStage.tableOf(p), p));
        if (fresh && rows < gen.settings.minSeedRows()) out.add(Problem.whole("there are " + rows + " seed rows; write at least " + gen.settings.minSeedRows() + ", enough for every task and for look-alikes"));
        if (fresh && rt.buildProblems().isEmpty()) out.addAll(coverage(rt, parents.keySet()));
        return out;
    }

    /** Why a seed statement may not run (only one INSERT into its own table may), or null when it may. */
    static String refusal(String table, String sql) {
        Matcher m = INSERT_INTO.matcher(sql);
        if (!m.find() || !SqlText.parse(sql).trailing().isEmpty()) return "must be one INSERT statement: " + abbreviate(sql);
        if (!m.group(1).equalsIgnoreCase(table)) return "inserts into " + m.group(1) + ", not " + table + "; put it under its own table";
        return null;
    }

    /** User 1 exists, and most tables have rows. */
    private static List<Problem> coverage(WorldRuntime rt, Set<String> tables) {
        List<Problem> out = new ArrayList<>();
        List<String> empty = new ArrayList<>();
        try (SQLiteConnection db = Sqlite.open(rt.initialImage())) {
            for (String t : tables) {
                Object n = Sqlite.query(db, "SELECT COUNT(*) AS n FROM " + DbStage.quote(t)).get(0).get("n");
                if (((Number) n).longValue() == 0) empty.add(t);
            }
            if (tables.contains("users") && ((Number) Sqlite.query(db, "SELECT COUNT(*) AS n FROM users WHERE id = 1").get(0).get("n")).longValue() == 0) {
                out.add(new Problem("users", "seed users: there is no user with id 1, the logged-in user"));
            }
        } catch (SQLException e) {
            out.add(Problem.whole("the seeded database could not be read: " + Sqlite.message(e)));
        }
        if (empty.size() * 3 > tables.size()) out.add(Problem.whole("these tables have no rows: " + String.join(", ", empty) + "; seed them too"));
        return out;
    }

    /** Each table's parent tables (those its foreign keys reference), read from the schema as built. */
    private Map<String, Set<String>> parents(String world) {
        return parentsByWorld.computeIfAbsent(world, w -> {
            World schemaOnly = gen.candidate(w, GenDir.SAMPLE, List.of());
            Map<String, Set<String>> out = new LinkedHashMap<>();
            WorldRuntime rt = WorldRuntime.load(schemaOnly);
            try (SQLiteConnection db = Sqlite.open(rt.initialImage())) {
                for (World.Table t : schemaOnly.tables()) {
                    Set<String> p = new LinkedHashSet<>();
                    for (Map<String, Object> fk : Sqlite.query(db, "PRAGMA foreign_key_list(" + DbStage.quote(t.name()) + ")")) p.add(String.valueOf(fk.get("table")));
                    out.put(t.name(), p);
                }
            } catch (SQLException e) {
                throw new IllegalStateException("the schema of " + w + " could not be read: " + Sqlite.message(e));
            }
            return out;
        });
    }

    /** Parents before children (cycles and self-references keep their answer order). */
    private static ArrayNode ordered(Map<String, ObjectNode> tables, Map<String, Set<String>> parents) {
        ArrayNode out = WorldFiles.JSON.createArrayNode();
        Set<String> placed = new LinkedHashSet<>();
        Map<String, String> lower = new HashMap<>();
        parents.keySet().forEach(k -> lower.put(k.toLowerCase(Locale.ROOT), k));
        for (String t : tables.keySet()) place(t, tables, parents, lower, placed, new LinkedHashSet<>());
        for (String t : placed) out.add(tables.get(t));
        return out;
    }

    private static void place(String t, Map<String, ObjectNode> tables, Map<String, Set<String>> parents, Map<String, String> lower, Set<String> placed, Set<String> visiting) {
        if (placed.contains(t) || !visiting.add(t)) return;
        for (String p : parents.getOrDefault(t, Set.of())) {
            String parent = lower.get(p.toLowerCase(Locale.ROOT));
            if (parent != null && !parent.equals(t) && tables.containsKey(parent)) place(parent, tables, parents, lower, placed, visiting);
        }
        placed.add(t);
    }

    private static JsonNode line(String world, ArrayNode tables) {
        ObjectNode line = WorldFiles.JSON.createObjectNode().put("scenario", world);
        line.putObject("sample_data").set("tables", tables);
        return line;
    }

    List<JsonNode> lines(String world, ObjectNode candidate) {
        Map<String, ObjectNode> byTable = new LinkedHashMap<>();
        for (JsonNode t : candidate.path("tables")) byTable.put(t.path("table_name").asString(), (ObjectNode) t);
        return List.of(line(world, ordered(byTable, parents(world))));
    }

    private static String abbreviate(String s) {
        String one = s.replaceAll("\\s+", " ").strip();
        return one.length() > 120 ? one.substring(0, 117) + "..." : one;
    }
}
