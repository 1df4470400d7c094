package dev.awm.verify;

import dev.awm.runtime.Sqlite;
import dev.awm.runtime.SqlText;
import dev.awm.runtime.StateDiff;
import dev.awm.world.TaskSpec;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.sqlite.SQLiteConnection;

/**
 * Code-mode scoring (DESIGN 5): a task is complete when every state check over {@code main} (final) and
 * {@code initial} holds, nothing changed outside the task's {@link Footprint}, and every answer check finds its
 * values in the agent's final answer (and, with candidates, no other candidate). Callers score through
 * {@link Scorer}, which knows each task's footprint.
 */
public final class Verifier {

    private Verifier() {}

    /** @param kind "state", "footprint" or "answer" */
    public record CheckResult(String kind, String message, boolean passed, String detail) {}

    public record Verdict(boolean complete, List<CheckResult> checks) {
        public long passed() {
            return checks.stream().filter(CheckResult::passed).count();
        }

        /** The fraction of checks that passed: a dense reward component beside the binary {@link #complete()}. */
        public double fractionPassed() {
            return checks.isEmpty() ? 0 : (double) passed() / checks.size();
        }
    }

    /**
     * Runs every check, in order: state, footprint, answer. With {@code untilFirstFailure} (for awm check's probes,
     * which only ask whether the verifier pays), the footprint goes first and the verdict stops at the first check that
     * fails.
     */
    static Verdict score(TaskSpec spec, Footprint footprint, CheckBudget.Limits limits, PairPool pool, byte[] initial, byte[] fin, String answer,
            boolean untilFirstFailure) {
        List<CheckResult> results = new ArrayList<>();
        try (PairPool.Lease lease = pool.lease(initial, fin)) {
            SQLiteConnection db = lease.connection();
            CheckBudget budget = CheckBudget.install(db, limits);
            List<Supplier<List<CheckResult>>> steps = new ArrayList<>();
            for (TaskSpec.Check c : spec.checks()) steps.add(() -> List.of(state(db, budget, c)));
            steps.add(untilFirstFailure ? 0 : steps.size(), () -> footprint(db, budget, footprint, initial, fin));
            AnswerText text = new AnswerText(answer);
            for (TaskSpec.Check c : spec.answerChecks()) steps.add(() -> List.of(answer(db, budget, c, text)));
            for (var step : steps) {
                List<CheckResult> r = step.get();
                results.addAll(r);
                if (untilFirstFailure && r.stream().anyMatch(c -> !c.passed())) break;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open the two states for verification: " + e.getMessage(), e);
        }
        boolean complete = !results.isEmpty() && results.stream().allMatch(CheckResult::passed);
        return new Verdict(complete, List.copyOf(results));
    }

    private static CheckResult state(SQLiteConnection db, CheckBudget budget, TaskSpec.Check c) {
        try {
            List<Map<String, Object>> rows = read(db, budget, c.sql());
            Object first = rows.isEmpty() ? null : rows.get(0).values().iterator().next();
            return new CheckResult("state", c.message(), Sqlite.truthy(first), rows.isEmpty() ? "no row" : "got " + first);
        } catch (SQLException | RuntimeException e) {
            return new CheckResult("state", c.message(), false, failure(budget, e));
        }
    }

    private static List<CheckResult> footprint(SQLiteConnection db, CheckBudget budget, Footprint footprint, byte[] initial, byte[] fin) {
        try {
            budget.startCheck();
            return footprint.check(StateDiff.of(db, initial, fin));
        } catch (SQLException | RuntimeException e) {
            return List.of(new CheckResult("footprint", "nothing changed outside the task's footprint", false, failure(budget, e)));
        }
    }

    private static CheckResult answer(SQLiteConnection db, CheckBudget budget, TaskSpec.Check c, AnswerText answer) {
        try {
            List<Map<String, Object>> rows = read(db, budget, c.sql());
            if (c.match() == TaskSpec.Match.NONE) {
                List<String> present = new ArrayList<>();
                int values = 0;
                for (Map<String, Object> row : rows) {
                    for (Object v : row.values()) {
                        if (!isValue(v)) continue;
                        values++;
                        if (answer.names(v)) present.add(AnswerText.show(v));
                    }
                }
                return new CheckResult("answer", c.message(), present.isEmpty(), present.isEmpty() ? "none of " + values + " wrong values named" : "names what it should not: " + String.join(", ", present));
            }
            List<Object> others = c.candidates() == null ? List.of() : otherCandidates(read(db, budget, c.candidates()), rows);
            return AnswerMatch.judge(c, rows, others, answer);
        } catch (SQLException | RuntimeException e) {
            return new CheckResult("answer", c.message(), false, failure(budget, e));
        }
    }

    /** The candidates' values that are not expected values: those the answer must not name. */
    static List<Object> otherCandidates(List<Map<String, Object>> candidates, List<Map<String, Object>> expected) {
        AnswerText.Sameness seen = new AnswerText.Sameness();
        for (Map<String, Object> row : expected) for (Object e : row.values()) if (isValue(e)) seen.add(e);
        List<Object> others = new ArrayList<>();
        for (Map<String, Object> row : candidates) {
            for (Object v : row.values()) {
                if (isValue(v) && !seen.contains(v)) {
                    others.add(v);
                    seen.add(v);
                }
            }
        }
        return others;
    }


    /** NULL and blank text name nothing. */
    static boolean isValue(Object v) {
        return v != null && !v.toString().isBlank();
    }

    static List<Map<String, Object>> read(SQLiteConnection db, CheckBudget budget, String sql) throws SQLException {
        SqlText text = SqlText.parse(sql);
        String refusal = text.refusal(SqlText.READ_KEYWORDS);
        if (refusal != null) throw new IllegalArgumentException("the check " + refusal);
        budget.startCheck();
        try (PreparedStatement ps = db.prepareStatement(text.jdbc()); ResultSet rs = ps.executeQuery()) {
            return Sqlite.rows(rs, 10_000);
        }
    }

    private static String failure(CheckBudget budget, Exception e) {
        String stopped = e instanceof SQLException s ? budget.stopped(s) : null;
        if (stopped != null) return stopped;
        return "the check failed to run: " + (e instanceof SQLException s ? Sqlite.message(s) : e.getMessage());
    }
}
