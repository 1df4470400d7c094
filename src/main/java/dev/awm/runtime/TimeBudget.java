package dev.awm.runtime;

import java.sql.SQLException;
import org.sqlite.SQLiteErrorCode;

/**
 * A time limit on work over a database (a state hash, a diff), kept both by SQLite, whose progress handler
 * interrupts a statement past the deadline, and by the Java loop reading its rows.
 */
public final class TimeBudget {

    /** Thrown when the work ran past its budget; its message says what was stopped, for a person to read. */
    public static final class Exceeded extends RuntimeException {
        Exceeded(String message) {
            super(message, null, false, false);
        }
    }

    final long deadlineNanos;
    private final String work;
    private final long budgetNanos;

    /** @param work what is being done, as a sentence starts ("Hashing the state") */
    TimeBudget(String work, long budgetNanos) {
        this.work = work;
        this.budgetNanos = budgetNanos;
        this.deadlineNanos = System.nanoTime() + budgetNanos;
    }

    /** @throws Exceeded once the deadline has passed */
    void check() {
        if (System.nanoTime() > deadlineNanos) throw exceeded();
    }

    /** {@code e} as it should propagate: an interruption at this deadline becomes {@link Exceeded}. */
    SQLException rethrow(SQLException e) {
        if (Sqlite.resultCode(e) == SQLiteErrorCode.SQLITE_INTERRUPT) throw exceeded();
        return e;
    }

    private Exceeded exceeded() {
        return new Exceeded(work + " took longer than its budget of " + budgetNanos / 1_000_000 + " ms and was stopped: the database holds more than can be read in that time.");
    }
}
