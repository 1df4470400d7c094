package dev.awm.verify;

import dev.awm.runtime.CompiledTool;
import dev.awm.runtime.Instance;
import dev.awm.runtime.Json;
import dev.awm.runtime.SqlText;
import dev.awm.runtime.Sqlite;
import dev.awm.runtime.StateDiff;
import dev.awm.runtime.ToolResult;
import dev.awm.runtime.WorldRuntime;
import dev.awm.world.TaskSpec;
import dev.awm.world.Tool;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sqlite.SQLiteConnection;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Collateral probes: after a task's reference solution, each write tool of the world is called once more (on a copy
 * of the solved instance) on rows the solution did not touch, with arguments drawn from the seed data and the tool's
 * input schema. A probe that succeeds and changes the state is damage the user never asked for, so the verifier must
 * refuse it; one it pays is a reward for a wrong episode. A tool that refuses every argument tried, or succeeds and
 * changes nothing, leaves the probe inconclusive.
 */
final class CollateralProbes {

    /** How many argument sets a probe tries before it is inconclusive; refused calls cost tens of microseconds. */
    private static final int ATTEMPTS = 12;
    /** Seed rows read per table to draw arguments from. */
    private static final int ROWS_PER_TABLE = 500;

    enum Result { REJECTED, PAID, REFUSED, UNCHANGED }

    /** One probe: the tool, the arguments of its last attempt, what it did, and (when it changed the state) the change. */
    record Probe(String tool, JsonNode arguments, Result result, String change) {
        boolean conclusive() {
            return result == Result.REJECTED || result == Result.PAID;
        }

        /** "cancel_viewing {"viewing_id":5}: viewings row id=5 updated (status: confirmed -> cancelled)". */
        String evidence() {
            return tool + " " + Json.write(arguments) + (change == null ? "" : ": " + change);
        }
    }

    /**
     * Where an argument's values come from: a column of a table, whether that table is one the tool writes, and how
     * the column was found (see {@link #sources}).
     */
    private record Source(String table, String column, boolean written, Found found) {}

    /** How a source was found, best first. */
    private enum Found { COMPARED, NAMED_TABLE, SAME_NAME }

    private record Plan(CompiledTool tool, Map<String, List<Source>> sources) {}

    private record Table(List<String> key, List<Map<String, Object>> rows) {}

    private final WorldRuntime rt;
    private final List<Plan> plans;
    private final Map<String, Table> seed;

    private CollateralProbes(WorldRuntime rt, List<Plan> plans, Map<String, Table> seed) {
        this.rt = rt;
        this.plans = plans;
        this.seed = seed;
    }

    /** Reads which tables each write tool writes (from SQLite's own plan of its statements) and the seed rows. */
    static CollateralProbes plan(WorldRuntime rt) {
        try (SQLiteConnection db = Sqlite.open(rt.initialImage())) {
            Map<String, Table> seed = new LinkedHashMap<>();
            Map<Long, String> roots = new HashMap<>();
            for (Map<String, Object> r : Sqlite.query(db, "SELECT name, tbl_name, type, rootpage FROM sqlite_master WHERE rootpage > 0")) {
                roots.put(((Number) r.get("rootpage")).longValue(), (String) r.get("tbl_name"));
                if (!"table".equals(r.get("type")) || ((String) r.get("name")).startsWith("sqlite_")) continue;
                String table = (String) r.get("name");
                String quoted = "\"" + table.replace("\"", "\"\"") + "\"";
                List<String> key = new ArrayList<>();
                for (Map<String, Object> col : Sqlite.query(db, "PRAGMA table_info(" + quoted + ")")) {
                    if (((Number) col.get("pk")).intValue() > 0) key.add((String) col.get("name"));
                }
                String select = key.isEmpty() ? "SELECT rowid AS \"rowid\", * FROM " : "SELECT * FROM ";
                if (key.isEmpty()) key.add("rowid");
                seed.put(table, new Table(key, Sqlite.query(db, select + quoted + " LIMIT " + ROWS_PER_TABLE)));
            }
            List<Plan> plans = new ArrayList<>();
            for (CompiledTool t : rt.tools()) {
                if (t.tool.readOnly()) continue;
                Set<String> writes = new LinkedHashSet<>();
                for (Tool.Step s : t.tool.steps()) {
                    if (s instanceof Tool.Write) writes.addAll(writtenTables(db, s.sql(), roots));
                }
                plans.add(new Plan(t, sources(t.tool, writes, seed)));
            }
            return new CollateralProbes(rt, plans, seed);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot plan collateral probes for " + rt.world.scenario() + ": " + Sqlite.message(e), e);
        }
    }

    /** The tables a write statement writes, from SQLite's own plan of it (the b-trees it opens for writing). */
    private static List<String> writtenTables(SQLiteConnection db, String sql, Map<Long, String> roots) {
        List<String> tables = new ArrayList<>();
        try {
            for (Map<String, Object> op : Sqlite.query(db, "EXPLAIN " + SqlText.parse(sql).jdbc())) {
                String opcode = (String) op.get("opcode");
                Object page = "OpenWrite".equals(opcode) ? op.get("p2") : "Clear".equals(opcode) ? op.get("p1") : null;
                String table = page == null ? null : roots.get(((Number) page).longValue());
                if (table != null && !table.startsWith("sqlite_")) tables.add(table);
            }
        } catch (SQLException e) {
            // the static check already refused a statement that does not prepare; its tool is probed without a target table
        }
        return tables;
    }

    private static final Pattern TABLE_REF = Pattern.compile("(?i)\\b(?:from|join|update|into)\\s+([a-z_][a-z0-9_]*)(?:\\s+(?:as\\s+)?([a-z_][a-z0-9_]*))?");
    /** {@code col = :arg}, also through functions: {@code i.key = UPPER(TRIM(:issue_key))}. */
    private static final Pattern COLUMN_EQ_PARAM = Pattern.compile("(?i)(?:\\b([a-z_][a-z0-9_]*)\\.)?\\b([a-z_][a-z0-9_]*)\\s*==?\\s*(?:[a-z_]+\\s*\\(\\s*)*:([a-z_][a-z0-9_]*)(?![.\\w])");
    private static final Pattern PARAM_EQ_COLUMN = Pattern.compile("(?i):([a-z_][a-z0-9_]*)(?![.\\w])\\s*==?\\s*(?:([a-z_][a-z0-9_]*)\\.)?([a-z_][a-z0-9_]*)\\b");
    private static final Set<String> NOT_ALIASES = Set.of("where", "set", "on", "left", "right", "inner", "outer", "cross", "natural", "join", "values", "order",
            "group", "limit", "using", "select", "default", "returning", "union", "except", "intersect", "having", "window");

    /**
     * For each argument, the columns its values can come from, best first: columns a statement compares it with
     * ({@code id = :viewing_id} in a statement over viewings), the id of the table its name names ({@code guest_id}:
     * guests.id), columns of the same name; within each, the tables the tool writes first.
     */
    private static Map<String, List<Source>> sources(Tool tool, Set<String> writes, Map<String, Table> seed) {
        Map<String, Set<Source>> bound = new LinkedHashMap<>();
        for (Tool.Step s : tool.steps()) {
            Map<String, String> aliases = new HashMap<>();
            List<String> tables = new ArrayList<>();
            Matcher t = TABLE_REF.matcher(s.sql());
            while (t.find()) {
                String table = seed.keySet().stream().filter(name -> name.equalsIgnoreCase(t.group(1))).findFirst().orElse(null);
                if (table == null) continue;
                tables.add(table);
                aliases.put(table.toLowerCase(Locale.ROOT), table);
                if (t.group(2) != null && !NOT_ALIASES.contains(t.group(2).toLowerCase(Locale.ROOT))) aliases.put(t.group(2).toLowerCase(Locale.ROOT), table);
            }
            Matcher a = COLUMN_EQ_PARAM.matcher(s.sql());
            while (a.find()) bind(bound, a.group(3), a.group(1), a.group(2), aliases, tables, seed, writes);
            Matcher b = PARAM_EQ_COLUMN.matcher(s.sql());
            while (b.find()) bind(bound, b.group(1), b.group(2), b.group(3), aliases, tables, seed, writes);
        }
        Map<String, List<Source>> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> p : tool.inputSchema().path("properties").properties()) {
            String arg = p.getKey();
            List<Source> all = new ArrayList<>(bound.getOrDefault(arg, Set.of()));
            // An array of ids ("fine_ids") takes its elements where a single one ("fine_id") would come from.
            String name = arg.endsWith("_ids") ? arg.substring(0, arg.length() - 1) : arg;
            if (name.endsWith("_id")) {
                String entity = name.substring(0, name.length() - 3);
                for (String table : List.of(entity, entity + "s", entity + "es", entity.replaceAll("y$", "ies"))) {
                    if (hasColumn(seed, table, "id")) all.add(new Source(table, "id", writes.contains(table), Found.NAMED_TABLE));
                }
            }
            for (String table : seed.keySet()) {
                if (hasColumn(seed, table, name)) all.add(new Source(table, name, writes.contains(table), Found.SAME_NAME));
            }
            all.sort(java.util.Comparator.comparing(Source::found).thenComparing(x -> !x.written()));
            out.put(arg, List.copyOf(new LinkedHashSet<>(all)));
        }
        return out;
    }

    /** Records that {@code param} is compared with {@code column}: of the aliased table, or of every table of the statement that has it. */
    private static void bind(Map<String, Set<Source>> bound, String param, String qualifier, String column, Map<String, String> aliases, List<String> tables,
            Map<String, Table> seed, Set<String> writes) {
        List<String> candidates = qualifier == null ? tables : aliases.containsKey(qualifier.toLowerCase(Locale.ROOT)) ? List.of(aliases.get(qualifier.toLowerCase(Locale.ROOT))) : List.of();
        for (String table : candidates) {
            if (hasColumn(seed, table, column)) bound.computeIfAbsent(param, k -> new LinkedHashSet<>()).add(new Source(table, column.toLowerCase(Locale.ROOT), writes.contains(table), Found.COMPARED));
        }
    }

    private static boolean hasColumn(Map<String, Table> seed, String table, String column) {
        Table t = seed.get(table);
        if (t == null) return false;
        if (!t.rows.isEmpty()) return t.rows.get(0).keySet().stream().anyMatch(c -> c.equalsIgnoreCase(column));
        return t.key.contains(column);
    }

    /** Runs one probe per write tool after {@code spec}'s reference solution, whose state is {@code solved}. */
    List<Probe> run(Scorer scorer, TaskSpec spec, Instance solved) {
        Footprint footprint = scorer.footprint(spec);
        byte[] initial = rt.initialImage(), solvedImage = solved.image();
        List<Probe> probes = new ArrayList<>();
        try (Instance probe = solved.fork()) {
            for (Plan plan : plans) probes.add(probe(scorer, spec, footprint, plan, probe, initial, solvedImage));
        }
        return probes;
    }

    private Probe probe(Scorer scorer, TaskSpec spec, Footprint footprint, Plan plan, Instance probe, byte[] initial, byte[] solvedImage) {
        Map<String, List<Object>> values = new LinkedHashMap<>();
        JsonNode properties = plan.tool.tool.inputSchema().path("properties");
        for (Map.Entry<String, JsonNode> p : properties.properties()) values.put(p.getKey(), values(p.getKey(), p.getValue(), plan.sources.get(p.getKey()), footprint));
        Set<String> required = new LinkedHashSet<>();
        for (JsonNode r : plan.tool.tool.inputSchema().path("required")) required.add(r.asString());
        Result result = Result.REFUSED;
        JsonNode last = Json.parse("{}");
        for (int k = 0; k < ATTEMPTS; k++) {
            ObjectNode args = (ObjectNode) Json.parse("{}");
            Set<Object> used = new java.util.HashSet<>();
            for (Map.Entry<String, List<Object>> v : values.entrySet()) {
                List<Object> choices = v.getValue();
                if (choices.isEmpty() || (k % 2 == 1 && !required.contains(v.getKey()))) continue;
                // Two arguments drawing from the same column (source and target issue) get different values.
                int at = k % choices.size();
                for (int step = 0; step < choices.size() && used.contains(choices.get((k + step) % choices.size())); step++) at = (k + step + 1) % choices.size();
                Object value = choices.get(at);
                if (!(value instanceof Boolean)) used.add(value);
                args.set(v.getKey(), Json.tree(value));
            }
            last = args;
            ToolResult r = probe.call(plan.tool.tool.name(), args);
            if (r.error()) continue;
            byte[] after = probe.image();
            if (sameBytes(after, solvedImage)) {
                result = Result.UNCHANGED;
                continue;
            }
            boolean paid = scorer.pays(spec, initial, after, spec.solution().answer());
            // A state the verifier pays may still be the solved state itself, written back unchanged: only then is the diff needed.
            StateDiff change = paid ? StateDiff.between(solvedImage, after) : null;
            if (change != null && change.isEmpty()) {
                result = Result.UNCHANGED;
                continue;
            }
            probe.restore(solvedImage);
            return new Probe(plan.tool.tool.name(), args, paid ? Result.PAID : Result.REJECTED, change == null ? null : describe(change));
        }
        return new Probe(plan.tool.tool.name(), last, result, null);
    }

    /** Equal database images, but for the header's change counters (bytes 24-27 and 92-99), which every write transaction moves. */
    static boolean sameBytes(byte[] a, byte[] b) {
        if (a.length != b.length) return false;
        return java.util.Arrays.equals(a, 0, 24, b, 0, 24) && java.util.Arrays.equals(a, 28, 92, b, 28, 92)
                && java.util.Arrays.equals(a, 100, a.length, b, 100, b.length);
    }

    /** Candidate values for one argument: from the columns it maps to (untouched rows of written tables), then from its schema. */
    private List<Object> values(String arg, JsonNode schema, List<Source> sources, Footprint footprint) {
        String type = schema.path("type").asString("");
        Set<Object> out = new LinkedHashSet<>();
        if (schema.has("enum")) {
            JsonNode def = schema.get("default");
            for (JsonNode e : schema.get("enum")) if (def == null || !e.equals(def)) out.add(Json.plain(e));
            if (def != null) out.add(Json.plain(def));
            return out.stream().filter(java.util.Objects::nonNull).toList();
        }
        if (type.equals("array") && schema.path("items").isObject()) {
            return values(arg, schema.get("items"), sources, footprint).stream().map(v -> (Object) List.of(v)).toList();
        }
        List<Source> all = sources == null ? List.of() : sources;
        // Compared-with columns first; then, for text, the schema's suggestion (free text is rarely a seed value), then the other columns.
        fromColumns(out, type, all.stream().filter(x -> x.found() == Found.COMPARED).toList(), footprint);
        if (type.equals("string")) out.addAll(fromSchema(arg, schema));
        fromColumns(out, type, all.stream().filter(x -> x.found() != Found.COMPARED).toList(), footprint);
        // An integer found in the seed data is most likely an id: a guessed one could name a row the solution touched.
        if (!type.equals("integer") || out.isEmpty()) out.addAll(fromSchema(arg, schema));
        return out.stream().limit(ATTEMPTS).toList();
    }

    private void fromColumns(Set<Object> out, String type, List<Source> sources, Footprint footprint) {
        for (Source s : sources) {
            Table t = seed.get(s.table);
            Set<Map<String, Object>> touched = s.written ? footprint.touched(s.table) : Set.of();
            List<Map<String, Object>> rows = new ArrayList<>(t.rows);
            rows.sort((x, y) -> Boolean.compare(ownedByUser(y), ownedByUser(x)));
            for (Map<String, Object> row : rows) {
                if (out.size() >= ATTEMPTS) return;
                if (touched.contains(keyOf(t, row))) continue;
                Object v = column(row, s.column);
                if (fits(type, v)) out.add(v);
            }
        }
    }

    private static boolean ownedByUser(Map<String, Object> row) {
        return Long.valueOf(WorldRuntime.USER_ID).equals(row.get("user_id"));
    }

    private static Map<String, Object> keyOf(Table t, Map<String, Object> row) {
        Map<String, Object> k = new LinkedHashMap<>();
        for (String c : t.key) k.put(c, row.get(c));
        return k;
    }

    private static Object column(Map<String, Object> row, String column) {
        for (Map.Entry<String, Object> e : row.entrySet()) if (e.getKey().equalsIgnoreCase(column)) return e.getValue();
        return null;
    }

    private static boolean fits(String type, Object v) {
        return switch (type) {
            case "integer" -> v instanceof Long;
            case "number" -> v instanceof Number;
            case "string" -> v instanceof String s && !s.isBlank();
            default -> false;
        };
    }

    /** Values an argument's schema suggests: its default, bounds, a date after the world clock, plain text. */
    private List<Object> fromSchema(String arg, JsonNode schema) {
        String type = schema.path("type").asString("");
        String hint = (arg + " " + schema.path("description").asString("") + " " + schema.path("format").asString("")).toLowerCase(Locale.ROOT);
        List<Object> out = new ArrayList<>();
        JsonNode def = schema.get("default");
        switch (type) {
            case "boolean" -> {
                boolean d = def != null && def.asBoolean(false);
                out.add(!d);
                out.add(d);
            }
            case "integer", "number" -> {
                if (def != null) out.add(Json.plain(def));
                if (schema.has("minimum")) out.add(Json.plain(schema.get("minimum")));
                out.add(type.equals("integer") ? (Object) 1L : (Object) 1.0);
                out.add(type.equals("integer") ? (Object) 2L : (Object) 10.0);
                if (schema.has("maximum")) out.add(Json.plain(schema.get("maximum")));
            }
            case "string" -> {
                LocalDateTime now = clock();
                if (hint.contains("yyyy-mm-dd hh") || hint.contains("date-time") || arg.endsWith("_at")) {
                    out.add(now.plusDays(7).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")));
                } else if (hint.contains("yyyy-mm-dd") || hint.contains("date")) {
                    out.add(now.plusDays(30).toLocalDate().toString());
                    out.add(now.plusDays(7).toLocalDate().toString());
                } else if (hint.contains("hh:mm")) {
                    out.add("10:00");
                } else if (hint.contains("email")) {
                    out.add("probe@example.com");
                }
                out.add("awm probe");
            }
            case "array" -> {
                JsonNode items = schema.path("items");
                List<Object> item = items.has("enum") ? List.of(Json.plain(items.get("enum").get(0))) : fromSchema(arg, items);
                out.add(item.isEmpty() ? List.of() : List.of(item.get(0)));
            }
            case "object" -> out.add(Map.of());
            default -> {
                // an untyped argument: leave it out
            }
        }
        return out;
    }

    /** The world clock, or this machine's where the world's is not a date and time. */
    private LocalDateTime clock() {
        try {
            return LocalDateTime.parse(rt.now.strip().replace(' ', 'T'));
        } catch (java.time.format.DateTimeParseException e) {
            return LocalDateTime.now().withNano(0);
        }
    }

    /** "viewings row id=5 updated (status: confirmed -> cancelled)", table by table. */
    static String describe(StateDiff change) {
        List<String> parts = new ArrayList<>();
        change.tables().forEach((table, d) -> {
            for (StateDiff.Update u : d.updated()) parts.add(table + " row " + Footprint.key(u.key()) + " updated (" + Footprint.changes(u.changes()) + ")");
            for (Map<String, Object> r : d.deleted()) parts.add(table + " row " + Footprint.key(d.keyOf(r)) + " deleted");
            for (Map<String, Object> r : d.inserted()) parts.add(table + " row " + Footprint.key(d.keyOf(r)) + " inserted");
        });
        return parts.size() <= 4 ? String.join("; ", parts) : String.join("; ", parts.subList(0, 4)) + " and " + (parts.size() - 4) + " more changes";
    }
}
