package dev.awm.runtime;

import dev.awm.world.Tool;
import dev.awm.world.World;
import java.lang.ref.Cleaner;
import java.sql.PreparedStatement;
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
import org.sqlite.SQLiteErrorCode;

/**
 * A loaded world: its template database image (schema, indexes, seed rows) built once, and its toolset checked
 * against that schema and compiled. Instances are copies of the template.
 */
public final class WorldRuntime {

    public static final long USER_ID = 1;
    /** Closes the connection pool of a runtime no longer used (a check or a generation attempt loads many). */
    private static final Cleaner CLOSER = Cleaner.create();
    private static final long DEFAULT_CALL_BUDGET_MS = 2_000;
    /** The time a world's schema and seed rows may take to build, and the size they may reach. */
    static final long BUILD_BUDGET_MS = 10_000;
    static final int TEMPLATE_MAX_BYTES = 64 << 20;

    public final World world;
    /** The world clock bound to {@code :now}. */
    public final String now;
    final byte[] template;
    final Map<String, CompiledTool> tools;
    /** Connections lent to instances at the initial state; null when the world's tools need private ones. */
    final WarmPool warm;
    final long callBudgetNanos;
    private final List<String> buildProblems;
    private final List<String> toolProblems;

    private WorldRuntime(World world, String now, byte[] template, Map<String, CompiledTool> tools, List<String> buildProblems, List<String> toolProblems,
            long callBudgetMillis) {
        this.world = world;
        this.now = now;
        this.template = template;
        this.tools = tools;
        this.warm = buildProblems.isEmpty() && WarmPool.suits(world, tools.values()) ? new WarmPool(template) : null;
        if (warm != null) CLOSER.register(this, warm::close); // the pool must not refer to this runtime
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
        return load(world, callBudgetMillis, BUILD_BUDGET_MS);
    }

    /** As {@link #load(World, long)}, with the time the world's database may take to build. */
    static WorldRuntime load(World world, long callBudgetMillis, long buildBudgetMillis) {
        String now = world.now() != null ? world.now() : LocalDateTime.now(ZoneOffset.UTC).withNano(0).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss"));
        List<String> build = new ArrayList<>();
        byte[] image;
        try (SQLiteConnection db = Sqlite.openMemory()) {
            buildTemplate(db, world, build, buildBudgetMillis);
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
                    if (p.isEmpty()) tools.put(tool.name(), new CompiledTool(tool, changesExistingRows(db, tool)));
                }
            } catch (SQLException e) {
                throw new IllegalStateException("SQLite failed while checking " + world.scenario() + ": " + e.getMessage(), e);
            }
        }
        return new WorldRuntime(world, now, image, Collections.unmodifiableMap(tools), List.copyOf(build), List.copyOf(toolProblems), callBudgetMillis);
    }

    private static void buildTemplate(SQLiteConnection db, World world, List<String> problems, long budgetMillis) throws SQLException {
        Build build = new Build(db, problems, budgetMillis);
        for (World.Table t : world.tables()) build.run(t.ddl(), WorldSql.SCHEMA_KINDS, where(t.at()) + "table " + t.name() + ": its DDL");
        for (World.Table t : world.tables()) {
            for (int i = 0; i < t.indexes().size(); i++) {
                build.run(t.indexes().get(i), WorldSql.SCHEMA_KINDS, where(t.at()) + "table " + t.name() + ": index " + (i + 1));
            }
        }
        if (world.tables().isEmpty()) return; // the world already says it has no schema; its seed rows cannot land
        for (World.SeedTable seed : world.seed()) {
            for (int i = 0; i < seed.inserts().size(); i++) {
                build.run(seed.inserts().get(i), WorldSql.SEED_KINDS, where(seed.at()) + "seed " + seed.table() + " insert " + (i + 1));
            }
        }
        if (build.stopped) return;
        try {
            for (Map<String, Object> row : Sqlite.query(db, "PRAGMA foreign_key_check")) {
                problems.add("seed " + row.get("table") + " row " + row.get("rowid") + ": its foreign key to " + row.get("parent") + " points at no row");
            }
        } catch (SQLException e) {
            problems.add("checking the seed rows' foreign keys failed: " + Sqlite.message(e));
        }
    }

    private static String where(String at) {
        return at == null || at.isEmpty() ? "" : at + ": ";
    }

    /**
     * Runs a world's statements through the gate, one prepared statement each, under a time budget and a size cap for
     * the whole build: seed data with a runaway recursive CTE or trigger stops, and is reported, like a failing one.
     */
    private static final class Build {
        final SQLiteConnection db;
        final List<String> problems;
        final long budgetMillis;
        boolean stopped;

        Build(SQLiteConnection db, List<String> problems, long budgetMillis) throws SQLException {
            this.db = db;
            this.problems = problems;
            this.budgetMillis = budgetMillis;
            long deadline = System.nanoTime() + budgetMillis * 1_000_000;
            Sqlite.interruptAfter(db, () -> deadline);
            try (Statement s = db.createStatement()) {
                s.execute("PRAGMA max_page_count = " + TEMPLATE_MAX_BYTES / Instance.PAGE_BYTES);
            }
        }

        void run(String sql, List<String> allowed, String what) {
            if (stopped) return;
            String refusal = WorldSql.refusal(db, sql, allowed);
            if (refusal != null) {
                problems.add(what + " is refused: it " + refusal + " in: " + abbreviate(sql));
                return;
            }
            try (PreparedStatement ps = db.prepareStatement(sql)) {
                ps.execute();
            } catch (SQLException e) {
                SQLiteErrorCode code = Sqlite.resultCode(e);
                if (code == SQLiteErrorCode.SQLITE_INTERRUPT || code == SQLiteErrorCode.SQLITE_FULL) {
                    stopped = true;
                    problems.add((code == SQLiteErrorCode.SQLITE_FULL ? "the database grew past the " + TEMPLATE_MAX_BYTES / (1 << 20) + " MiB a world may hold"
                            : "building the database took longer than " + budgetMillis + " ms") + "; stopped at " + what + ": " + abbreviate(sql));
                } else {
                    problems.add(what + " fails: " + Sqlite.message(e) + " in: " + abbreviate(sql));
                }
            }
        }
    }

    /** INSERT OR REPLACE and REPLACE: their overwrite of a row with the same key compiles to a plain OP_Insert. */
    private static final java.util.regex.Pattern REPLACES = java.util.regex.Pattern.compile("(?i)\\bOR\\s+REPLACE\\b|^\\s*REPLACE\\b");
    /** OP_Insert's p5 flag for a row being updated (UPDATE, and an upsert's DO UPDATE). */
    private static final int OPFLAG_ISUPDATE = 0x04;

    /** Whether a write step of {@code tool} may change or delete a row that existed before the call, as SQLite compiles it. */
    private static boolean changesExistingRows(SQLiteConnection db, Tool tool) throws SQLException {
        for (Tool.Step step : tool.steps()) {
            if (!(step instanceof Tool.Write)) continue;
            SqlText sql = SqlText.parse(step.sql());
            if (REPLACES.matcher(sql.jdbc()).find()) return true;
            for (Map<String, Object> op : Sqlite.query(db, "EXPLAIN " + sql.jdbc())) {
                Object opcode = op.get("opcode");
                if ("Delete".equals(opcode) || "Insert".equals(opcode) && (((Number) op.get("p5")).intValue() & OPFLAG_ISUPDATE) != 0) return true;
            }
        }
        return false;
    }

    static String abbreviate(String s) {
        String one = s.replaceAll("\\s+", " ").strip();
        return one.length() > 160 ? one.substring(0, 157) + "..." : one;
    }

    /** A new instance at the world's initial state. */
    public Instance newInstance() {
        try {
            return Instance.initial(this);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create an instance of " + world.scenario() + ": " + e.getMessage(), e);
        }
    }

    /**
     * {@code image} (read from {@code where}) when it is a state of this world, i.e. has its schema.
     *
     * @throws IllegalArgumentException saying what differs, so that no episode is scored against another world's checks
     */
    public byte[] checkState(byte[] image, String where) {
        java.util.SortedMap<String, String> ours, theirs;
        try {
            ours = Sqlite.schemaOf(template);
            theirs = Sqlite.schemaOf(image);
        } catch (SQLException e) {
            throw new IllegalArgumentException(where + " is not a readable SQLite database: " + Sqlite.message(e));
        }
        if (theirs.equals(ours)) return image;
        List<String> changed = ours.keySet().stream().filter(o -> !ours.get(o).equals(theirs.get(o))).toList();
        List<String> added = theirs.keySet().stream().filter(o -> !ours.containsKey(o)).toList();
        throw new IllegalArgumentException(where + " is not a state of " + world.scenario() + ": its schema differs from the world's ("
                + (changed.isEmpty() ? "" : "it lacks or changes " + some(changed) + (added.isEmpty() ? "" : "; "))
                + (added.isEmpty() ? "" : "it adds " + some(added)) + "); score it against the world it was saved from");
    }

    /** Tables first, then indexes, views and triggers; at most four named. */
    private static String some(List<String> objects) {
        List<String> sorted = objects.stream().sorted(java.util.Comparator.comparing((String o) -> !o.startsWith("table ")).thenComparing(o -> o)).toList();
        return String.join(", ", sorted.subList(0, Math.min(4, sorted.size()))) + (sorted.size() > 4 ? " and " + (sorted.size() - 4) + " more" : "");
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

    /** Closes idle lent connections unused for a while; a server's sweeper calls it. Returns how many. */
    public int trimIdleConnections() {
        return warm == null ? 0 : warm.trim(WarmPool.IDLE_NANOS);
    }

    /** Connections at the initial state waiting for an episode. */
    public int idleConnections() {
        return warm == null ? 0 : warm.idle();
    }

    public int templateBytes() {
        return template.length;
    }
}
