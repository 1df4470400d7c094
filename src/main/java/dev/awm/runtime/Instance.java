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
import java.util.function.Consumer;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteErrorCode;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * A live copy of a world's database. Tool calls on one instance run one at a time, each in its own transaction;
 * instances never see each other's writes. Reset and fork copy database images in memory, with no file or process.
 */
public final class Instance implements AutoCloseable {

    /** Rows one statement may return into a call, and characters a call's output may have. */
    public static final int MAX_ROWS = 500, MAX_OUTPUT_CHARS = 200_000;
    /** Characters a call may read from its database into bindings, over all its steps. */
    public static final int MAX_READ_CHARS = 1_000_000;
    /** How many pages (of the default 4 KiB) an instance may grow by over its image: 16 MiB. */
    static final int GROWTH_PAGES = 4_096, PAGE_BYTES = 4_096;
    /** The time a state hash may take. */
    static final long HASH_BUDGET_NANOS = 10_000_000_000L;
    private static final AtomicLong IDS = new AtomicLong();

    public final String id;
    public final WorldRuntime world;
    private final ReentrantLock lock = new ReentrantLock();
    private SQLiteConnection db;
    private StatementCache statements;
    private volatile long deadlineNanos = Long.MAX_VALUE;
    private long maxPages;
    private boolean growthCapped;
    private boolean closed;
    /** The fallback BEGIN after a failure failed too: the next call must begin its transaction itself. */
    private boolean needsBegin;
    /** Called before each step of a call; tests use it to fail a call part-way. */
    Consumer<Tool.Step> beforeStep;

    Instance(WorldRuntime world, byte[] image) throws SQLException {
        this.id = world.world.scenario() + "-" + IDS.incrementAndGet();
        this.world = world;
        this.db = connect(image);
        this.statements = new StatementCache(db);
    }

    /**
     * The driver keeps a transaction open between calls (its commit and rollback begin the next one); after a failure
     * {@link #rollback()} makes sure SQLite agrees, since SQLite may have ended the transaction by itself.
     */
    private SQLiteConnection connect(byte[] image) throws SQLException {
        SQLiteConnection c = Sqlite.open(image);
        maxPages = image.length / PAGE_BYTES + GROWTH_PAGES;
        growthCapped = false;
        c.setAutoCommit(false);
        Sqlite.interruptAfter(c, () -> deadlineNanos);
        return c;
    }

    /** Runs a tool with {@code arguments} (a JSON object, or null for none). Never throws for bad input or a failed step. */
    public ToolResult call(String toolName, JsonNode arguments) {
        CompiledTool tool = world.tools.get(toolName);
        if (tool == null) {
            return ToolResult.agentError("Unknown tool '" + toolName + "'. Available tools: " + String.join(", ", world.tools.keySet()) + ".");
        }
        JsonNode args = arguments == null || arguments.isNull() ? JsonNodeFactory.instance.objectNode() : arguments;
        if (!args.isObject()) return ToolResult.agentError("Invalid arguments for " + toolName + ": expected a JSON object of named arguments.");
        List<String> invalid = tool.validate(args);
        if (!invalid.isEmpty()) {
            return ToolResult.agentError("Invalid arguments for " + toolName + ": " + String.join("; ", invalid) + ". Nothing was changed.");
        }
        lock.lock();
        try {
            if (closed) return ToolResult.environmentError("This instance of " + world.world.scenario() + " has been closed; start a new episode or instance. Nothing was changed.");
            return runInTransaction(tool, tool.arguments(args));
        } finally {
            lock.unlock();
        }
    }

    /** One call, all or nothing: whatever fails (SQLite, a limit, the JVM itself), nothing of it stays and the next call starts clean. */
    private ToolResult runInTransaction(CompiledTool tool, Map<String, Object> args) {
        String name = tool.tool.name();
        if (needsBegin) {
            try {
                db.getDatabase().exec("BEGIN", false);
                needsBegin = false;
            } catch (SQLException e) {
                return ToolResult.environmentError("The environment could not start a transaction for " + name + ": " + Sqlite.message(e) + ". Nothing was changed.");
            }
        }
        ToolResult result;
        boolean statementsClean = false;
        deadlineNanos = System.nanoTime() + world.callBudgetNanos;
        try {
            capGrowth();
            result = run(tool, args);
            statementsClean = true;
            if (!result.error()) {
                deadlineNanos = Long.MAX_VALUE;
                db.commit();
                statements.release();
                return result;
            }
        } catch (SQLException e) {
            result = failed(name, e);
        } catch (Sqlite.ResultTooLarge e) {
            result = ToolResult.agentError(name + " matched more than " + e.limit + " rows. Narrow the search with its filters or a smaller limit. Nothing was changed.");
        } catch (ReadBudget.Exceeded e) {
            result = ToolResult.agentError(name + " read more than the " + e.limit + " characters a call may read. Narrow the request with filters or a smaller limit. Nothing was changed.");
        } catch (Throwable e) { // out of memory included: roll back rather than let the next call commit half of this one
            String what = e instanceof OutOfMemoryError ? "ran out of memory" : e instanceof StackOverflowError ? "ran out of stack" : "hit an internal error";
            result = ToolResult.environmentError("The environment " + what + " while running " + name + "; this is not a fault of the request. Nothing was changed.");
        } finally {
            deadlineNanos = Long.MAX_VALUE;
        }
        if (statementsClean) statements.release();
        else statements.evictInUse();
        rollback();
        return result;
    }

    /** Ends a failed call's transaction and begins the next call's, whatever state the failure left SQLite in. */
    private void rollback() {
        try {
            db.rollback(); // the driver's: ROLLBACK, then BEGIN
        } catch (SQLException alreadyEnded) {
            // SQLite ended the transaction itself (SQLITE_FULL, SQLITE_NOMEM, INSERT OR ROLLBACK), so the driver's
            // ROLLBACK failed before its BEGIN: without this BEGIN every later call would commit statement by statement
            try {
                db.getDatabase().exec("BEGIN", false);
            } catch (SQLException e) {
                needsBegin = true;
            }
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
        ReadBudget budget = new ReadBudget(MAX_READ_CHARS);
        List<Tool.Step> steps = tool.tool.steps();
        for (int i = 0; i < steps.size(); i++) {
            Tool.Step step = steps.get(i);
            if (beforeStep != null) beforeStep.accept(step);
            SqlText sql = tool.sql.get(i);
            PreparedStatement ps = statements.get(sql.jdbc());
            bind(ps, sql, bound);
            switch (step) {
                case Tool.Guard g -> {
                    Object first = null;
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) first = rs.getObject(1);
                    }
                    budget.spend(first);
                    if (!Sqlite.truthy(first)) return ToolResult.agentError(Templates.fill(g.error(), bound, MAX_OUTPUT_CHARS));
                }
                case Tool.Read r -> last = bindRows(bound, r.as(), r.one(), ps.executeQuery(), budget);
                case Tool.Write w -> {
                    if (ps.execute()) {
                        last = bindRows(bound, w.as(), w.one(), ps.getResultSet(), budget);
                    } else {
                        last = Map.of("changes", (long) ps.getUpdateCount());
                        if (w.as() != null) bound.put(w.as(), last);
                    }
                }
            }
        }
        Object output = tool.tool.output() == null ? last : Templates.output(tool.tool.output(), bound);
        String text = Json.write(output, MAX_OUTPUT_CHARS);
        if (text == null) {
            return ToolResult.agentError(tool.tool.name() + " produced more than the " + MAX_OUTPUT_CHARS
                    + " characters a call may return. Narrow the request with filters or a smaller limit. Nothing was changed.");
        }
        return ToolResult.ok(output, text);
    }

    private static Object bindRows(Map<String, Object> bound, String as, boolean one, ResultSet rs, ReadBudget budget) throws SQLException {
        try (rs) {
            List<Map<String, Object>> rows = Sqlite.rows(rs, MAX_ROWS, budget);
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

    /** A failed statement as the agent reads it, and whose fault it is: what the request asked for, or the environment. */
    private ToolResult failed(String tool, SQLException e) {
        SQLiteErrorCode code = Sqlite.resultCode(e);
        String detail = Sqlite.message(e);
        if (code == null) return ToolResult.environmentError("The environment failed while running " + tool + ": " + detail + ". This is not a fault of the request. Nothing was changed.");
        return switch (code) {
            case SQLITE_INTERRUPT -> ToolResult.agentError("The call ran longer than its time budget of " + world.callBudgetNanos / 1_000_000 + " ms and was rolled back. Narrow the request and try again.");
            case SQLITE_FULL -> ToolResult.agentError("The world's database is full: this episode has written more than the " + GROWTH_PAGES * PAGE_BYTES / (1024 * 1024)
                    + " MiB an instance may grow by. Nothing was changed.");
            case SQLITE_TOOBIG -> ToolResult.agentError("A value in " + tool + " grew larger than the " + Sqlite.MAX_VALUE_BYTES / (1024 * 1024) + " MiB a value may hold. Send or ask for less. Nothing was changed.");
            case SQLITE_CONSTRAINT -> ToolResult.agentError("The database refused the change: " + detail + ". Check the values (an id that does not exist, a duplicate, or a value outside what is allowed) and try again. Nothing was changed.");
            case SQLITE_ERROR, SQLITE_MISMATCH, SQLITE_RANGE -> ToolResult.agentError("The call failed in the database: " + detail + ". Nothing was changed.");
            default -> ToolResult.environmentError("The environment's database failed while running " + tool + ": " + detail + ". This is not a fault of the request. Nothing was changed.");
        };
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

    /**
     * A hash of the logical content (every row of every table), equal for equal states however they were reached.
     *
     * @throws TimeBudget.Exceeded when hashing takes longer than 10 s
     */
    public String stateHash() {
        return stateHash(HASH_BUDGET_NANOS);
    }

    String stateHash(long budgetNanos) {
        return locked(() -> {
            TimeBudget budget = new TimeBudget("Hashing the state", budgetNanos);
            deadlineNanos = budget.deadlineNanos;
            try {
                return StateHash.of(db, budget);
            } finally {
                deadlineNanos = Long.MAX_VALUE;
            }
        });
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) return;
            closed = true;
            statements.close();
            db.close();
        } catch (SQLException e) {
            throw new IllegalStateException("instance " + id + " could not be closed: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    private interface SqlWork<T> {
        T run() throws SQLException;
    }

    private <T> T locked(SqlWork<T> work) {
        lock.lock();
        try {
            if (closed) throw new IllegalStateException("instance " + id + " has been closed");
            return work.run();
        } catch (SQLException e) {
            throw new IllegalStateException("instance " + id + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }
}
