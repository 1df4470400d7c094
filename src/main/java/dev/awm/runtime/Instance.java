package dev.awm.runtime;

import dev.awm.world.Tool;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.ProgressHandler;
import org.sqlite.SQLiteConnection;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * A live copy of a world's database. Tool calls on one instance run one at a time, each in its own transaction;
 * instances never see each other's writes. Reset and fork copy database images in memory, with no file or process.
 */
public final class Instance implements AutoCloseable {

    /** Rows one statement may return into a call, and characters a call's output may have. */
    public static final int MAX_ROWS = 500, MAX_OUTPUT_CHARS = 200_000;
    /** How many pages (of the default 4 KiB) an instance may grow by over its image: 16 MiB. */
    static final int GROWTH_PAGES = 4_096, PAGE_BYTES = 4_096;
    private static final AtomicLong IDS = new AtomicLong();

    public final String id;
    public final WorldRuntime world;
    private final ReentrantLock lock = new ReentrantLock();
    private SQLiteConnection db;
    private StatementCache statements;
    private volatile long deadlineNanos = Long.MAX_VALUE;
    private long maxPages;
    private boolean growthCapped;

    Instance(WorldRuntime world, byte[] image) throws SQLException {
        this.id = world.world.scenario() + "-" + IDS.incrementAndGet();
        this.world = world;
        this.db = connect(image);
        this.statements = new StatementCache(db);
    }

    private SQLiteConnection connect(byte[] image) throws SQLException {
        SQLiteConnection c = Sqlite.open(image);
        maxPages = image.length / PAGE_BYTES + GROWTH_PAGES;
        growthCapped = false;
        c.setAutoCommit(false);
        ProgressHandler.setHandler(c, 2_000, new ProgressHandler() {
            @Override
            protected int progress() {
                return System.nanoTime() > deadlineNanos ? 1 : 0;
            }
        });
        return c;
    }

    /** Runs a tool with {@code arguments} (a JSON object, or null for none). Never throws for bad input or a failed step. */
    public ToolResult call(String toolName, JsonNode arguments) {
        CompiledTool tool = world.tools.get(toolName);
        if (tool == null) {
            return ToolResult.failed("Unknown tool '" + toolName + "'. Available tools: " + String.join(", ", world.tools.keySet()) + ".");
        }
        JsonNode args = arguments == null || arguments.isNull() ? JsonNodeFactory.instance.objectNode() : arguments;
        if (!args.isObject()) return ToolResult.failed("Invalid arguments for " + toolName + ": expected a JSON object of named arguments.");
        List<String> invalid = tool.validate(args);
        if (!invalid.isEmpty()) {
            return ToolResult.failed("Invalid arguments for " + toolName + ": " + String.join("; ", invalid) + ". Nothing was changed.");
        }
        lock.lock();
        try {
            deadlineNanos = System.nanoTime() + world.callBudgetNanos;
            capGrowth();
            ToolResult result = run(tool, tool.arguments(args));
            if (result.error()) db.rollback();
            else db.commit();
            return result;
        } catch (SQLException e) {
            rollbackQuietly();
            return ToolResult.failed(sqlMessage(e));
        } catch (Sqlite.ResultTooLarge e) {
            rollbackQuietly();
            return ToolResult.failed(toolName + " matched more than " + e.limit + " rows. Narrow the search with its filters or a smaller limit. Nothing was changed.");
        } catch (RuntimeException e) {
            rollbackQuietly(); // never leave a half-done call open for the next call's commit
            return ToolResult.failed(toolName + " failed: " + e.getMessage() + ". Nothing was changed.");
        } finally {
            deadlineNanos = Long.MAX_VALUE;
            lock.unlock();
        }
    }

    /**
     * An episode may grow its database by GROWTH_PAGES at most, so that one runaway tool cannot exhaust the host. Set
     * on the first call rather than at creation: the pragma makes SQLite parse the schema, which the first call's
     * statements need anyway, and instances that are never called stay cheap.
     */
    private void capGrowth() throws SQLException {
        if (growthCapped) return;
        try (java.sql.Statement s = db.createStatement()) {
            s.execute("PRAGMA max_page_count = " + maxPages);
        }
        growthCapped = true;
    }

    private ToolResult run(CompiledTool tool, Map<String, Object> args) throws SQLException {
        Map<String, Object> bound = new HashMap<>(args);
        bound.put("user_id", WorldRuntime.USER_ID);
        bound.put("now", world.now);
        Object last = null;
        List<Tool.Step> steps = tool.tool.steps();
        for (int i = 0; i < steps.size(); i++) {
            Tool.Step step = steps.get(i);
            SqlText sql = tool.sql.get(i);
            PreparedStatement ps = statements.get(sql.jdbc());
            bind(ps, sql, bound);
            switch (step) {
                case Tool.Guard g -> {
                    Object first = null;
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) first = rs.getObject(1);
                    }
                    if (!Sqlite.truthy(first)) return ToolResult.failed(Templates.fill(g.error(), bound));
                }
                case Tool.Read r -> last = bindRows(bound, r.as(), r.one(), ps.executeQuery());
                case Tool.Write w -> {
                    if (ps.execute()) {
                        last = bindRows(bound, w.as(), w.one(), ps.getResultSet());
                    } else {
                        last = Map.of("changes", (long) ps.getUpdateCount());
                        if (w.as() != null) bound.put(w.as(), last);
                    }
                }
            }
        }
        Object output = tool.tool.output() == null ? last : Templates.output(tool.tool.output(), bound);
        ToolResult ok = ToolResult.ok(output);
        if (ok.text().length() > MAX_OUTPUT_CHARS) {
            return ToolResult.failed(tool.tool.name() + " produced " + ok.text().length() + " characters, more than the " + MAX_OUTPUT_CHARS
                    + " a call may return. Narrow the request with filters or a smaller limit. Nothing was changed.");
        }
        return ok;
    }

    private static Object bindRows(Map<String, Object> bound, String as, boolean one, ResultSet rs) throws SQLException {
        try (rs) {
            List<Map<String, Object>> rows = Sqlite.rows(rs, MAX_ROWS);
            Object value = one ? (rows.isEmpty() ? null : rows.get(0)) : rows;
            if (as != null) bound.put(as, value);
            return value;
        }
    }

    static void bind(PreparedStatement ps, SqlText sql, Map<String, Object> bound) throws SQLException {
        List<SqlText.Param> params = sql.params();
        for (int i = 0; i < params.size(); i++) {
            Object v = Templates.lookup(bound, params.get(i).name(), params.get(i).field());
            int at = i + 1;
            switch (v) {
                case null -> ps.setNull(at, Types.NULL);
                case Boolean b -> ps.setLong(at, b ? 1 : 0);
                case Long l -> ps.setLong(at, l);
                case Integer n -> ps.setLong(at, n);
                case Double d -> ps.setDouble(at, d);
                case Number n -> ps.setDouble(at, n.doubleValue());
                case String s -> ps.setString(at, s);
                case byte[] b -> ps.setBytes(at, b);
                default -> ps.setString(at, Json.write(v));
            }
        }
    }

    private String sqlMessage(SQLException e) {
        String m = e.getMessage() == null ? "" : e.getMessage();
        if (m.contains("SQLITE_INTERRUPT") || m.contains("interrupted")) {
            return "The call ran longer than its time budget of " + world.callBudgetNanos / 1_000_000 + " ms and was rolled back. Narrow the request and try again.";
        }
        int open = m.indexOf('('), close = m.lastIndexOf(')');
        String detail = open >= 0 && close > open ? m.substring(open + 1, close) : Sqlite.message(e);
        if (m.contains("SQLITE_FULL")) {
            return "The world's database is full: this episode has written more than the " + GROWTH_PAGES * PAGE_BYTES / (1024 * 1024)
                    + " MiB an instance may grow by. Nothing was changed.";
        }
        if (m.contains("SQLITE_CONSTRAINT")) {
            return "The database refused the change: " + detail + ". Check the values (an id that does not exist, a duplicate, or a value outside what is allowed) and try again. Nothing was changed.";
        }
        return "The call failed in the database: " + detail + ". Nothing was changed.";
    }

    private void rollbackQuietly() {
        try {
            db.rollback();
        } catch (SQLException ignored) {
            // the connection is unusable only if closed; reset() replaces it
        }
    }

    /** The current database image, for snapshots, forks and verification. */
    public byte[] image() {
        return locked(() -> Sqlite.image(db));
    }

    /** Back to the world's initial state. */
    public void reset() {
        restore(world.template);
    }

    /** Replaces this instance's state by {@code image}, a copy of another state of the same world. */
    public void restore(byte[] image) {
        locked(() -> {
            SQLiteConnection fresh = connect(image);
            statements.close();
            db.close();
            db = fresh;
            statements = new StatementCache(db);
            return null;
        });
    }

    /** A new, independent instance starting from this one's current state. */
    public Instance fork() {
        byte[] image = image();
        try {
            return new Instance(world, image);
        } catch (SQLException e) {
            throw new IllegalStateException("fork of " + id + " failed: " + e.getMessage(), e);
        }
    }

    /** A hash of the logical content (every row of every table), equal for equal states however they were reached. */
    public String stateHash() {
        return locked(() -> StateHash.of(db));
    }

    @Override
    public void close() {
        locked(() -> {
            statements.close();
            db.close();
            return null;
        });
    }

    private interface SqlWork<T> {
        T run() throws SQLException;
    }

    private <T> T locked(SqlWork<T> work) {
        lock.lock();
        try {
            return work.run();
        } catch (SQLException e) {
            throw new IllegalStateException("instance " + id + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }
}
