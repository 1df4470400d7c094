package dev.awm.runtime;

import dev.awm.world.Tool;
import dev.awm.world.World;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sqlite.SQLiteConnection;

/**
 * A loaded world: its template database image (schema, indexes, seed rows) built once, and its toolset checked
 * against that schema and compiled. Instances are copies of the template.
 */
public final class WorldRuntime {

    public static final long USER_ID = 1;
    private static final long DEFAULT_CALL_BUDGET_MS = 2_000;

    public final World world;
    /** The world clock bound to {@code :now}. */
    public final String now;
    final byte[] template;
    final Map<String, CompiledTool> tools;
    final long callBudgetNanos;
    private final List<String> buildProblems;
    private final List<String> toolProblems;

    private WorldRuntime(World world, String now, byte[] template, Map<String, CompiledTool> tools, List<String> buildProblems, List<String> toolProblems,
            long callBudgetMillis) {
        this.world = world;
        this.now = now;
        this.template = template;
        this.tools = tools;
        this.callBudgetNanos = callBudgetMillis * 1_000_000;
        this.buildProblems = buildProblems;
        this.toolProblems = toolProblems;
    }

    /** Builds the template and checks the toolset; never throws for a bad world, whose problems are then listed. */
    public static WorldRuntime load(World world) {
        return load(world, DEFAULT_CALL_BUDGET_MS);
    }

    /** As {@link #load(World)}, with the time one tool call may take before it is stopped and rolled back. */
    public static WorldRuntime load(World world, long callBudgetMillis) {
        String now = world.now() != null ? world.now() : LocalDateTime.now(ZoneOffset.UTC).withNano(0).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss"));
        List<String> build = new ArrayList<>();
        byte[] image;
        try (SQLiteConnection db = Sqlite.openMemory()) {
            buildTemplate(db, world, build);
            image = Sqlite.image(db);
        } catch (SQLException e) {
            throw new IllegalStateException("SQLite failed while building " + world.scenario() + ": " + e.getMessage(), e);
        }
        Map<String, CompiledTool> tools = new LinkedHashMap<>();
        List<String> toolProblems = new ArrayList<>();
        if (world.tools().isPresent() && build.isEmpty()) {
            try (SQLiteConnection db = Sqlite.open(image)) {
                for (Tool tool : world.tools().get()) {
                    List<String> p = ToolsetChecker.check(db, tool);
                    toolProblems.addAll(p);
                    if (p.isEmpty()) tools.put(tool.name(), new CompiledTool(tool));
                }
            } catch (SQLException e) {
                throw new IllegalStateException("SQLite failed while checking " + world.scenario() + ": " + e.getMessage(), e);
            }
        }
        return new WorldRuntime(world, now, image, Collections.unmodifiableMap(tools), List.copyOf(build), List.copyOf(toolProblems), callBudgetMillis);
    }

    private static void buildTemplate(SQLiteConnection db, World world, List<String> problems) throws SQLException {
        try (Statement s = db.createStatement()) {
            for (World.Table t : world.tables()) {
                try {
                    s.execute(t.ddl());
                } catch (SQLException e) {
                    problems.add("table " + t.name() + ": its DDL fails: " + Sqlite.message(e));
                }
            }
            for (World.Table t : world.tables()) {
                for (String index : t.indexes()) {
                    try {
                        s.execute(index);
                    } catch (SQLException e) {
                        problems.add("table " + t.name() + ": index fails: " + Sqlite.message(e) + " in: " + index);
                    }
                }
            }
            if (world.tables().isEmpty()) return; // the world already says it has no schema; its seed rows cannot land
            for (World.SeedTable seed : world.seed()) {
                for (int i = 0; i < seed.inserts().size(); i++) {
                    try {
                        s.execute(seed.inserts().get(i));
                    } catch (SQLException e) {
                        problems.add("seed " + seed.table() + " insert " + (i + 1) + ": " + Sqlite.message(e) + " in: " + abbreviate(seed.inserts().get(i)));
                    }
                }
            }
            List<Map<String, Object>> fk = Sqlite.query(db, "PRAGMA foreign_key_check");
            for (Map<String, Object> row : fk) {
                problems.add("seed " + row.get("table") + " row " + row.get("rowid") + ": its foreign key to " + row.get("parent") + " points at no row");
            }
        }
    }

    static String abbreviate(String s) {
        String one = s.replaceAll("\\s+", " ").strip();
        return one.length() > 160 ? one.substring(0, 157) + "..." : one;
    }

    /** A new instance at the world's initial state. */
    public Instance newInstance() {
        try {
            return new Instance(this, template);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create an instance of " + world.scenario() + ": " + e.getMessage(), e);
        }
    }

    /** A copy of the initial state's image. */
    public byte[] initialImage() {
        return template.clone();
    }

    public List<CompiledTool> tools() {
        return List.copyOf(tools.values());
    }

    /** Why the database could not be built as published: failing DDL, index or seed statements. */
    public List<String> buildProblems() {
        return buildProblems;
    }

    /** Tools refused by the static check, with what to fix. */
    public List<String> toolProblems() {
        return toolProblems;
    }

    /** Everything that keeps this world from being served and checked as a whole. */
    public List<String> problems() {
        List<String> all = new ArrayList<>(world.problems());
        all.addAll(buildProblems);
        all.addAll(toolProblems);
        return all;
    }

    /** True when instances can be made and every tool passed the static check. */
    public boolean servable() {
        return buildProblems.isEmpty() && world.tools().isPresent() && toolProblems.isEmpty() && !tools.isEmpty();
    }

    public int templateBytes() {
        return template.length;
    }
}
