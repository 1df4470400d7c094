package dev.awm.runtime;

import dev.awm.world.Tool;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
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
 * A live copy of a world's database. Tool calls on one instance run one at a time, each all or nothing; instances
 * never see each other's writes. Reset and fork copy database images in memory, with no file or process. An instance
 * at the world's initial state borrows a warm connection from its world ({@link WarmPool}) and keeps its episode in
 * one transaction; should SQLite undo that whole transaction after a failed call, the episode's earlier writing calls
 * run again, and an episode that would not come back the same is refused rather than guessed at.
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
    private static final String LOST = "This episode's state was lost: SQLite undid the whole episode after a failed call, and its earlier calls"
            + " could not be run again the same way. Reset the episode or start another; this is not a fault of the agent.";

    public final String id;
    public final WorldRuntime world;
    private final ReentrantLock lock = new ReentrantLock();
    private InstanceDb db;
    private boolean closed;
    /** The fallback BEGIN after a failure failed too: the next call must begin its transaction itself. */
    private boolean needsBegin;
    /** On a warm connection, the calls that may have written, in order: what runs again if SQLite ends the episode's transaction. */
    private final List<Done> writes = new ArrayList<>();
    /** On a warm connection, SQLite ended the transaction and the calls before could not be run again the same way. */
    private boolean lost;
    /** Called before each step of a call; tests use it to fail a call part-way. */
    Consumer<Tool.Step> beforeStep;

    /** A call that succeeded: its tool, its arguments as bound, and what it returned. */
    private record Done(CompiledTool tool, Map<String, Object> args, String text) {}

    private Instance(WorldRuntime world, InstanceDb db) {
        this.id = world.world.scenario() + "-" + IDS.incrementAndGet();
        this.world = world;
        this.db = db;
    }

    /** An instance at the world's initial state, on a warm connection when the world allows one. */
    static Instance initial(WorldRuntime world) throws SQLException {
        return new Instance(world, initialDb(world));
    }

    /** A warm connection when the world lends them, else (or should lending fail) a private copy of the template. */
    private static InstanceDb initialDb(WorldRuntime world) throws SQLException {
        if (world.warm != null) {
            try {
                return world.warm.take();
            } catch (SQLException e) {
                // the pool is a speed-up: an episode still starts without it
            }
        }
        return InstanceDb.of(world.template);
    }

    /** An instance holding a copy of {@code image}. */
    static Instance of(WorldRuntime world, byte[] image) throws SQLException {
        return new Instance(world, InstanceDb.of(image));
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
            if (lost) return ToolResult.environmentError(LOST);
            return runInTransaction(tool, tool.arguments(args));
        } finally {
            lock.unlock();
        }
    }

    /**
     * One call, all or nothing: whatever fails (SQLite, a limit, the JVM itself), nothing of it stays and the next call
     * starts clean. A private connection commits each call; a warm one keeps the episode in one transaction and each
     * call in a savepoint.
     */
    private ToolResult runInTransaction(CompiledTool tool, Map<String, Object> args) {
        String name = tool.tool.name();
        try {
            if (db.warm) {
                db.exec("SAVEPOINT awm_call");
            } else if (needsBegin) {
                db.exec("BEGIN");
                needsBegin = false;
            }
        } catch (SQLException e) {
            return ToolResult.environmentError("The environment could not start a transaction for " + name + ": " + Sqlite.message(e) + ". Nothing was changed.");
        }
        ToolResult result;
        boolean statementsClean = false;
        db.deadlineNanos = System.nanoTime() + world.callBudgetNanos;
        try {
            db.capGrowth();
            result = run(tool, args);
            statementsClean = true;
            if (!result.error()) {
                db.deadlineNanos = Long.MAX_VALUE;
                if (db.warm) {
                    db.exec("RELEASE awm_call");
                    if (!tool.tool.readOnly()) writes.add(new Done(tool, args, result.text()));
                } else {
                    db.sql.commit();
                }
                db.statements.release();
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
            db.deadlineNanos = Long.MAX_VALUE;
        }
        if (statementsClean) db.statements.release();
        else db.statements.evictInUse();
        if (db.warm) undoCall();
        else rollback();
        return result;
    }

    /** Ends a failed call's transaction and begins the next call's, whatever state the failure left SQLite in. */
    private void rollback() {
        try {
            db.sql.rollback(); // the driver's: ROLLBACK, then BEGIN
        } catch (SQLException alreadyEnded) {
            // SQLite ended the transaction itself (SQLITE_FULL, SQLITE_NOMEM, INSERT OR ROLLBACK), so the driver's
            // ROLLBACK failed before its BEGIN: without this BEGIN every later call would commit statement by statement
            try {
                db.exec("BEGIN");
            } catch (SQLException e) {
                needsBegin = true;
            }
        }
    }

    /** Undoes a failed call on a warm connection, back to its savepoint. */
    private void undoCall() {
        try {
            db.exec("ROLLBACK TO awm_call");
            db.exec("RELEASE awm_call");
        } catch (SQLException transactionEnded) {
            // SQLite ended the whole transaction (a write stopped by the time budget, a full database, INSERT OR
            // ROLLBACK), and the episode's earlier calls were undone with it
            replay();
        }
    }

    /**
     * Runs the episode's writing calls again, in order, from the initial state, each in its savepoint. A call that
     * answers differently the second time (or fails) leaves the state unknown: the instance is then {@link #lost}.
     */
    private void replay() {
        try {
            try {
                db.exec("ROLLBACK");
            } catch (SQLException noTransaction) {
                // already ended by SQLite
            }
            db.exec("BEGIN");
            for (Done done : writes) {
                db.exec("SAVEPOINT awm_call");
                db.deadlineNanos = System.nanoTime() + world.callBudgetNanos;
                ToolResult again = run(done.tool, done.args);
                db.deadlineNanos = Long.MAX_VALUE;
                db.statements.release();
                if (again.error() || !again.text().equals(done.text)) {
                    lost = true;
                    return;
                }
                db.exec("RELEASE awm_call");
            }
        } catch (SQLException | RuntimeException e) {
            db.statements.evictInUse();
            lost = true;
        } finally {
            db.deadlineNanos = Long.MAX_VALUE;
        }
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
            PreparedStatement ps = db.statements.get(sql.jdbc());
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
        return locked(() -> {
            if (lost) throw new LostState();
            return Sqlite.image(db.sql);
        });
    }

    /** Back to the world's initial state. */
    public void reset() {
        locked(() -> {
            if (db.warm) {
                try {
                    db.exec("ROLLBACK");
                } catch (SQLException noTransaction) {
                    // ended by SQLite after a failed call
                }
                db.exec("BEGIN");
            } else {
                replace(initialDb(world));
            }
            writes.clear();
            lost = false;
            return null;
        });
    }

    /** Replaces this instance's state by {@code image}, a copy of another state of the same world. */
    public void restore(byte[] image) {
        if (Arrays.equals(image, world.template)) {
            reset();
            return;
        }
        locked(() -> {
            replace(InstanceDb.of(image));
            writes.clear();
            lost = false;
            return null;
        });
    }

    private void replace(InstanceDb fresh) {
        InstanceDb old = db;
        db = fresh;
        needsBegin = false;
        release(old);
    }

    private void release(InstanceDb old) {
        if (old.warm) world.warm.give(old);
        else old.close();
    }

    /** Whether this instance runs on a connection lent by its world's pool. */
    boolean warm() {
        return locked(() -> db.warm);
    }

    /** A new, independent instance starting from this one's current state. */
    public Instance fork() {
        try {
            lock.lock();
            try {
                // a warm connection that nothing has written to holds the initial state: the fork gets one too
                if (!closed && !lost && db.warm && writes.isEmpty()) return initial(world);
            } finally {
                lock.unlock();
            }
            return of(world, image());
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
            if (lost) throw new LostState();
            TimeBudget budget = new TimeBudget("Hashing the state", budgetNanos);
            db.deadlineNanos = budget.deadlineNanos;
            try {
                return StateHash.of(db.sql, budget);
            } finally {
                db.deadlineNanos = Long.MAX_VALUE;
            }
        });
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) return;
            closed = true;
            release(db);
        } finally {
            lock.unlock();
        }
    }

    /** Thrown when an episode's state was lost (see {@link #replay()}): it must be reset, not retried. */
    public static final class LostState extends IllegalStateException {
        LostState() {
            super(LOST);
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
