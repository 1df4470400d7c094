package dev.awm.verify;

import java.sql.SQLException;
import java.time.Duration;
import org.sqlite.ProgressHandler;
import org.sqlite.SQLiteConnection;

/**
 * How long a verifier's SQL may run: each check, and a whole verdict. A check written to never end (a recursive CTE
 * without a bound) is stopped by SQLite's progress handler and fails with a message saying so, instead of hanging
 * the trainer that asked for a reward.
 */
final class CheckBudget {

    /** The limits: per check, and per verdict (every check of one episode, the footprint included). */
    record Limits(Duration perCheck, Duration perVerdict) {
        static final Limits DEFAULT = new Limits(Duration.ofSeconds(5), Duration.ofSeconds(30));
    }

    private final Limits limits;
    private final long verdictEnd;
    private volatile long checkEnd;
    /** Checks that failed to run (stopped, or an error), counted by the verifier. */
    int failures;

    private CheckBudget(Limits limits) {
        this.limits = limits;
        this.verdictEnd = System.nanoTime() + limits.perVerdict().toNanos();
        this.checkEnd = verdictEnd;
    }

    /** Starts the verdict's clock and makes {@code db} stop any statement that runs past the budget. */
    static CheckBudget install(SQLiteConnection db, Limits limits) throws SQLException {
        CheckBudget budget = new CheckBudget(limits);
        ProgressHandler.setHandler(db, 1_000, new ProgressHandler() {
            @Override
            protected int progress() {
                return System.nanoTime() > budget.checkEnd ? 1 : 0;
            }
        });
        return budget;
    }

    /** Starts the clock of the next check. */
    void startCheck() {
        checkEnd = Math.min(System.nanoTime() + limits.perCheck().toNanos(), verdictEnd);
    }

    /** The message for a check that was stopped, or null when {@code e} is another failure. */
    String stopped(SQLException e) {
        String m = e.getMessage() == null ? "" : e.getMessage();
        if (!m.contains("SQLITE_INTERRUPT") && !m.contains("interrupted")) return null;
        if (checkEnd >= verdictEnd) return "the verifier ran longer than " + show(limits.perVerdict()) + " in all and this check was stopped";
        return "the check ran longer than " + show(limits.perCheck()) + " and was stopped";
    }

    private static String show(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
