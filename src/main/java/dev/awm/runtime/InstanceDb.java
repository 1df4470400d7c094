package dev.awm.runtime;

import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.SQLiteConnection;

/**
 * The SQLite connection an instance runs on, with its prepared statements and the deadline of the call running on it.
 * A <em>private</em> one holds a copy of a state and commits each call; a <em>warm</em> one is borrowed from its
 * world's {@link WarmPool}: it holds the initial state, runs the whole episode inside one transaction (each call in
 * a savepoint) and goes back to the pool rolled back, its schema parsed and its statements compiled.
 */
final class InstanceDb implements AutoCloseable {

    /**
     * Prepared statements kept per connection. A private connection serves one episode, whose calls repeat a few tools;
     * a warm one serves episode after episode of every task of its world (a toolset has 100-200 statements), and keeping
     * 128 rather than 24 cut a GRPO step's tool-call time by a fifth in process, for about 0.6 MB more per connection.
     */
    static final int PRIVATE_STATEMENTS = 24, WARM_STATEMENTS = 128;

    final SQLiteConnection sql;
    final StatementCache statements;
    final boolean warm;
    /** The deadline of the running call, on {@link System#nanoTime()}'s clock; read by SQLite's progress handler. */
    volatile long deadlineNanos = Long.MAX_VALUE;
    private final long maxPages;
    private boolean growthCapped;

    private InstanceDb(SQLiteConnection sql, boolean warm, long maxPages) throws SQLException {
        this.sql = sql;
        this.warm = warm;
        this.maxPages = maxPages;
        this.statements = new StatementCache(sql, warm ? WARM_STATEMENTS : PRIVATE_STATEMENTS);
        // The driver keeps a transaction open between calls (its commit and rollback begin the next one).
        sql.setAutoCommit(false);
        Sqlite.interruptAfter(sql, () -> deadlineNanos);
    }

    /** A private connection holding a copy of {@code image}. */
    static InstanceDb of(byte[] image) throws SQLException {
        return new InstanceDb(Sqlite.open(image), false, maxPages(image.length));
    }

    /** A warm connection: {@code sql} holds the initial state, committed, with growth already capped. */
    static InstanceDb warm(SQLiteConnection sql, int imageBytes) throws SQLException {
        InstanceDb db = new InstanceDb(sql, true, maxPages(imageBytes));
        db.capGrowth();
        return db;
    }

    private static long maxPages(int imageBytes) {
        return imageBytes / Instance.PAGE_BYTES + Instance.GROWTH_PAGES;
    }

    /**
     * An episode may grow its database by GROWTH_PAGES at most, so that one runaway tool cannot exhaust the host. A
     * private connection sets it on its first call rather than at creation: the pragma makes SQLite parse the schema,
     * which the first call's statements need anyway, and instances that are never called stay cheap.
     */
    void capGrowth() throws SQLException {
        if (growthCapped) return;
        try (Statement s = sql.createStatement()) {
            s.execute("PRAGMA max_page_count = " + maxPages);
        }
        growthCapped = true;
    }

    void exec(String statement) throws SQLException {
        sql.getDatabase().exec(statement, false);
    }

    @Override
    public void close() {
        statements.close();
        try {
            sql.close();
        } catch (SQLException e) {
            throw new IllegalStateException("an instance's connection could not be closed: " + e.getMessage(), e);
        }
    }
}
