package dev.awm.runtime;

import dev.awm.world.World;
import java.nio.ByteBuffer;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Iterator;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.sqlite.SQLiteConnection;

/**
 * Connections holding a world's initial state with its schema parsed and its tools' statements compiled, lent to
 * instances one episode at a time. A new connection costs an episode more than its copy of the pages: SQLite parses
 * the schema again on first use (0.2-0.3 ms) and compiles each statement again, which was half of a fresh episode's
 * tool-call time. A lent connection runs its episode inside one transaction and comes back rolled back to the
 * initial state, its statements still compiled, for the next episode.
 *
 * <p>The pages come from a shared-cache in-memory database holding the template, copied page for page by SQLite's
 * backup API into a plain in-memory database, so that an image taken mid-episode includes the open transaction (a
 * deserialized database's image would hold only what was committed). Nothing but the pool opens that shared
 * database: instances cannot attach databases.
 */
final class WarmPool implements AutoCloseable {

    /** Idle connections kept per world, and how long one may stay unused before it is closed. */
    static final int MAX_IDLE = 64;
    static final long IDLE_NANOS = 10_000_000_000L;
    /** Templates up to this size are compared with a returned connection's image before it is lent again. */
    static final int CHECKED_BYTES = 1 << 20;

    /**
     * SQL whose result may differ when run again on the same state (random values), or that reads what an earlier
     * episode on the same connection did (the last rowid, change counts): a world whose tools or schema use it gets
     * private connections, since a lent connection's episode may have to be run again from its calls ({@link Instance})
     * and must start exactly as a fresh connection would. The clock is allowed: a world that reads it is not
     * reproducible on any connection, and a column filled from it takes the time of the run again.
     */
    private static final Pattern UNREPEATABLE = Pattern.compile("(?i)\\b(random|randomblob|changes|total_changes|last_insert_rowid)\\s*\\(");

    private record Idle(InstanceDb db, long sinceNanos) {}

    private final byte[] template;
    private final int schemaCookie;
    private final String uri = "file:awm-warm-" + UUID.randomUUID() + "?mode=memory&cache=shared";
    private final ConcurrentLinkedDeque<Idle> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger idleCount = new AtomicInteger();
    private SQLiteConnection keeper;
    private boolean closed;

    WarmPool(byte[] template) {
        this.template = template;
        this.schemaCookie = ByteBuffer.wrap(template, 40, 4).getInt();
    }

    /** Whether episodes of {@code world} with these compiled tools can run on lent connections. */
    static boolean suits(World world, Iterable<CompiledTool> tools) {
        for (CompiledTool t : tools) {
            for (SqlText sql : t.sql) if (UNREPEATABLE.matcher(sql.jdbc()).find()) return false;
        }
        for (World.Table t : world.tables()) {
            if (UNREPEATABLE.matcher(t.ddl()).find()) return false;
            for (String index : t.indexes()) if (UNREPEATABLE.matcher(index).find()) return false;
        }
        return true;
    }

    /** A connection at the initial state, inside a transaction that nothing has written yet. */
    InstanceDb take() throws SQLException {
        Idle i = idle.pollFirst();
        if (i != null) {
            idleCount.decrementAndGet();
            return i.db;
        }
        return open();
    }

    /**
     * Takes back a connection after its episode, rolled back to the initial state; closes it instead when that fails,
     * when its image is not the template's byte for byte (checked up to {@link #CHECKED_BYTES}), or when enough are idle.
     */
    void give(InstanceDb db) {
        boolean clean;
        try {
            db.sql.rollback(); // the driver's: ROLLBACK, then BEGIN
            clean = template.length > CHECKED_BYTES || Arrays.equals(Sqlite.image(db.sql), template);
        } catch (SQLException e) {
            clean = false;
        }
        synchronized (this) {
            if (clean && !closed && idleCount.get() < MAX_IDLE) {
                idleCount.incrementAndGet();
                idle.addFirst(new Idle(db, System.nanoTime()));
                return;
            }
        }
        db.close();
    }

    /** Closes connections unused for longer than {@code idleNanos}; returns how many. */
    int trim(long idleNanos) {
        long cutoff = System.nanoTime() - idleNanos;
        int n = 0;
        for (Iterator<Idle> it = idle.descendingIterator(); it.hasNext(); ) {
            Idle i = it.next();
            if (i.sinceNanos - cutoff > 0) break;
            if (idle.removeLastOccurrence(i)) {
                idleCount.decrementAndGet();
                i.db.close();
                n++;
            }
        }
        return n;
    }

    int idle() {
        return idleCount.get();
    }

    private InstanceDb open() throws SQLException {
        SQLiteConnection c = Sqlite.openMemory();
        try {
            int rc = c.getDatabase().restore("main", keeper(), null);
            if (rc != 0) throw new SQLException("copying the initial state failed with SQLite code " + rc);
            try (Statement s = c.createStatement()) {
                // The backup API bumps the copy's schema cookie; put the template's back, so that its image is the template's byte for byte.
                s.execute("PRAGMA schema_version = " + schemaCookie);
                s.execute("PRAGMA foreign_keys = ON");
            }
            return InstanceDb.warm(c, template.length);
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** The URI of the shared database holding the template, made on first use (a world served to no one costs nothing). */
    private synchronized String keeper() throws SQLException {
        if (closed) throw new SQLException("the world's connection pool has been closed");
        if (keeper == null) {
            SQLiteConnection k = (SQLiteConnection) DriverManager.getConnection("jdbc:sqlite:" + uri);
            try (SQLiteConnection source = Sqlite.open(template)) {
                int rc = source.getDatabase().backup("main", uri, null);
                if (rc != 0) throw new SQLException("copying the template failed with SQLite code " + rc);
            } catch (SQLException | RuntimeException e) {
                k.close();
                throw e;
            }
            keeper = k;
        }
        return uri;
    }

    @Override
    public synchronized void close() {
        closed = true;
        for (Idle i; (i = idle.pollFirst()) != null; ) i.db.close();
        idleCount.set(0);
        if (keeper != null) {
            try {
                keeper.close();
            } catch (SQLException ignored) {
                // nothing is left to release
            }
            keeper = null;
        }
    }
}
