package dev.awm.synth;

import dev.awm.llm.ChatRequest;
import dev.awm.runtime.SqlText;
import dev.awm.runtime.Sqlite;
import dev.awm.runtime.WorldRuntime;
import dev.awm.world.World;
import dev.awm.world.WorldFiles;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sqlite.SQLiteConnection;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The schema: every DDL statement executes, 15-25 tables, foreign keys declared and pointing at real columns, indexes valid. */
final class DbStage extends Stage {

    static final Pattern CREATE_TABLE = Pattern.compile("(?is)^\\s*CREATE\\s+TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?[\"`\\[]?(\\w+)");
    private static final Pattern CREATE_INDEX = Pattern.compile("(?is)^\\s*CREATE\\s+(?:UNIQUE\\s+)?INDEX\\s");

    DbStage(Gen gen) {
        super(gen, "db", GenDir.DB, List.of(GenDir.TASKS), "tables", "name");
    }

    List<ChatRequest> first(String world) {
        Map<String, String> v = gen.basics(world);
        FewShot ex = FewShot.pick(world, name());
        v.put("min_tables", String.valueOf(gen.settings.minTables()));
        v.put("max_tables", String.valueOf(gen.settings.maxTables()));
        v.put("example_app", ex.scenarioText());
        v.put("example_tables", ex.tables(3));
        return List.of(gen.request(name(), world, v));
    }

    ObjectNode existing(String world) {
        JsonNode db = WorldFiles.JSON.readTree(gen.dir.lines(world, GenDir.DB).get(0)).path("db_schema");
        if (db.isString()) db = WorldFiles.JSON.readTree(db.asString());
        return WorldFiles.JSON.createObjectNode().set("tables", db.path("tables").deepCopy());
    }

    List<Problem> check(String world, ObjectNode candidate, boolean fresh) {
        List<Problem> out = new ArrayList<>();
        ArrayNode passed = WorldFiles.JSON.createArrayNode();
        Set<String> names = new HashSet<>();
        for (JsonNode t : candidate.path("tables")) {
            String name = t.path("name").asString("");
            List<Problem> gate = gate(t);
            if (!names.add(name.toLowerCase(Locale.ROOT))) gate.add(new Problem(name, "table " + name + " is defined twice"));
            out.addAll(gate);
            if (gate.isEmpty()) passed.add(t);
        }
        int n = candidate.path("tables").size();
        if (fresh && (n < gen.settings.minTables() || n > gen.settings.maxTables())) {
            out.add(Problem.whole("the schema has " + n + " tables; design " + gen.settings.minTables() + " to " + gen.settings.maxTables()
                    + " (add the tables the tasks and a realistic app need" + (n > gen.settings.maxTables() ? "; merge or drop minor ones" : "") + ")"));
        }
        if (fresh && !names.contains("users")) out.add(Problem.whole("there is no users table; the logged-in user is users.id = 1"));
        WorldRuntime rt = WorldRuntime.load(gen.candidate(world, GenDir.DB, List.of(line(world, passed))));
        for (String p : rt.buildProblems()) out.add(new Problem(tableOf(p), p));
        if (rt.buildProblems().isEmpty()) out.addAll(foreignKeys(rt, fresh));
        return out;
    }

    /** Only CREATE TABLE and CREATE INDEX statements, one each, reach SQLite. */
    private static List<Problem> gate(JsonNode t) {
        List<Problem> out = new ArrayList<>();
        String name = t.path("name").asString("");
        String ddl = t.path("ddl").asString("");
        Matcher m = CREATE_TABLE.matcher(ddl);
        if (!m.find()) out.add(new Problem(name, "table " + name + ": the ddl must be one CREATE TABLE statement"));
        else if (!m.group(1).equalsIgnoreCase(name)) out.add(new Problem(name, "table " + name + ": its ddl creates " + m.group(1) + "; the name and the ddl must agree"));
        if (!SqlText.parse(ddl).trailing().isEmpty()) out.add(new Problem(name, "table " + name + ": the ddl holds more than one statement; give one CREATE TABLE per table"));
        for (JsonNode i : t.path("indexes")) {
            String index = i.asString("");
            if (!CREATE_INDEX.matcher(index).find() || !SqlText.parse(index).trailing().isEmpty()) {
                out.add(new Problem(name, "table " + name + ": each index must be one CREATE INDEX statement, not: " + index));
            }
        }
        return out;
    }

    private static List<Problem> foreignKeys(WorldRuntime rt, boolean fresh) {
        List<Problem> out = new ArrayList<>();
        int withForeignKeys = 0;
        try (SQLiteConnection db = Sqlite.open(rt.initialImage())) {
            Map<String, Set<String>> columns = new java.util.HashMap<>();
            for (World.Table t : rt.world.tables()) columns.put(t.name().toLowerCase(Locale.ROOT), columns(db, t.name()));
            for (World.Table t : rt.world.tables()) {
                List<Map<String, Object>> fks = Sqlite.query(db, "PRAGMA foreign_key_list(" + quote(t.name()) + ")");
                if (!fks.isEmpty()) withForeignKeys++;
                for (Map<String, Object> fk : fks) {
                    String parent = String.valueOf(fk.get("table")), to = fk.get("to") == null ? null : String.valueOf(fk.get("to"));
                    Set<String> parentColumns = columns.get(parent.toLowerCase(Locale.ROOT));
                    if (parentColumns == null) out.add(new Problem(t.name(), "table " + t.name() + ": its foreign key on " + fk.get("from") + " references " + parent + ", which is not a table of the schema"));
                    else if (to != null && !parentColumns.contains(to.toLowerCase(Locale.ROOT))) out.add(new Problem(t.name(), "table " + t.name() + ": its foreign key on " + fk.get("from") + " references " + parent + "(" + to + "), which has no such column"));
                }
            }
        } catch (SQLException e) {
            out.add(Problem.whole("the schema could not be inspected: " + Sqlite.message(e)));
        }
        if (fresh && rt.world.tables().size() > 2 && withForeignKeys == 0) {
            out.add(Problem.whole("no table declares a foreign key; declare REFERENCES for every column that points at another table's row"));
        }
        return out;
    }

    private static Set<String> columns(SQLiteConnection db, String table) throws SQLException {
        Set<String> out = new HashSet<>();
        for (Map<String, Object> c : Sqlite.query(db, "PRAGMA table_info(" + quote(table) + ")")) out.add(String.valueOf(c.get("name")).toLowerCase(Locale.ROOT));
        return out;
    }

    static String quote(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    /** The table a build problem names ("table X: ...", "seed X insert 3: ..."), or null. */
    static String tableOf(String problem) {
        Matcher m = Pattern.compile("^(?:table|seed) (\\S+?)[:, ]").matcher(problem);
        return m.find() ? m.group(1) : null;
    }

    private static JsonNode line(String world, ArrayNode tables) {
        ObjectNode line = WorldFiles.JSON.createObjectNode().put("scenario", world);
        line.putObject("db_schema").set("tables", tables);
        return line;
    }

    List<JsonNode> lines(String world, ObjectNode candidate) {
        return List.of(line(world, (ArrayNode) candidate.get("tables")));
    }
}
