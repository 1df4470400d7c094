package dev.awm.verify;

import dev.awm.runtime.Sqlite;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.sqlite.ProgressHandler;
import org.sqlite.SQLiteConnection;

/**
 * Read-only connections over two states ({@code main} = final, {@code initial}), kept for reuse: opening one and
 * parsing its schema costs more than most verdicts, and a world's episodes nearly always share one initial state,
 * which a kept connection already holds.
 */
final class PairPool implements AutoCloseable {

    private static final int KEEP = 4;

    private record Pair(SQLiteConnection connection, byte[] initial) {}

    private final ConcurrentLinkedDeque<Pair> idle = new ConcurrentLinkedDeque<>();
    private volatile boolean closed;

    /** A connection over the two states, back in the pool when closed. */
    final class Lease implements AutoCloseable {
        private final Pair pair;

        private Lease(Pair pair) {
            this.pair = pair;
        }

        SQLiteConnection connection() {
            return pair.connection;
        }

        @Override
        public void close() throws SQLException {
            ProgressHandler.clearHandler(pair.connection); // the next lease's budget is its own
            if (closed || idle.size() >= KEEP) pair.connection.close();
            else idle.push(pair);
        }
    }

    Lease lease(byte[] initial, byte[] fin) throws SQLException {
        Pair pair = idle.poll();
        if (pair != null) {
            try {
                pair.connection.deserialize("main", fin);
                if (!Arrays.equals(pair.initial, initial)) {
                    pair.connection.deserialize("initial", initial);
                    pair = new Pair(pair.connection, initial.clone());
                }
                return new Lease(pair);
            } catch (SQLException | RuntimeException e) {
                pair.connection.close(); // a connection that cannot take new states is dropped; a fresh one follows
            }
        }
        return new Lease(new Pair(Sqlite.openPair(initial, fin), initial.clone()));
    }

    @Override
    public void close() {
        closed = true;
        for (Pair p = idle.poll(); p != null; p = idle.poll()) {
            try {
                p.connection.close();
            } catch (SQLException ignored) {
                // closing an in-memory database frees memory; there is nothing to recover
            }
        }
    }
}
