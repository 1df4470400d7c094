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
     * What the verifier's SQL reads from one pair of states: the state and footprint checks' results, and each answer
     * check's expected values and other candidates. A verdict is this reading judged against an answer ({@link
     * #judge}); two episodes that end in the same state share it, whatever they answer.
     *
     * @param allRan false when some check failed to run (stopped by its time budget, or an error): such a reading
     *     depends on more than the two states and is not reused
     */
    record Reading(List<CheckResult> state, List<CheckResult> footprint, List<AnswerRows> answers, boolean allRan) {}

    /** An answer check's reading: its expected rows and the other candidates, or the check's failure to run. */
    record AnswerRows(TaskSpec.Check check, List<Map<String, Object>> rows, List<Object> others, CheckResult failure) {}

    /** Reads every check over {@code initial} and {@code fin}: state checks, the footprint, the answer checks' values. */
    static Reading read(TaskSpec spec, Footprint footprint, CheckBudget.Limits limits, PairPool pool, byte[] initial, byte[] fin) {
        try (PairPool.Lease lease = pool.lease(initial, fin)) {
            SQLiteConnection db = lease.connection();
            CheckBudget budget = CheckBudget.install(db, limits);
            List<CheckResult> state = new ArrayList<>();
            for (TaskSpec.Check c : spec.checks()) state.add(state(db, budget, c));
            List<CheckResult> foot = footprint(db, budget, footprint, initial, fin);
            List<AnswerRows> answers = new ArrayList<>();
            for (TaskSpec.Check c : spec.answerChecks()) answers.add(answerRows(db, budget, c));
            return new Reading(List.copyOf(state), foot, List.copyOf(answers), budget.failures == 0);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open the two states for verification: " + e.getMessage(), e);
        }
    }

    /** The verdict on {@code answer} from a reading of the episode's states: every check, in order state, footprint, answer. */
    static Verdict judge(Reading reading, String answer) {
        List<CheckResult> results = new ArrayList<>(reading.state());
        results.addAll(reading.footprint());
        AnswerText text = new AnswerText(answer);
        for (AnswerRows a : reading.answers()) results.add(judge(a, text));
        return verdict(results);
    }

    /**
     * Whether the verifier pays the episode, reading no more than it must: the footprint first, then each check, stopping
     * at the first that fails (for awm check's probes, which only ask this).
     */
    static boolean pays(TaskSpec spec, Footprint footprint, CheckBudget.Limits limits, PairPool pool, byte[] initial, byte[] fin, String answer) {
        try (PairPool.Lease lease = pool.lease(initial, fin)) {
            SQLiteConnection db = lease.connection();
            CheckBudget budget = CheckBudget.install(db, limits);
            if (!footprint(db, budget, footprint, initial, fin).stream().allMatch(CheckResult::passed)) return false;
            for (TaskSpec.Check c : spec.checks()) if (!state(db, budget, c).passed()) return false;
            AnswerText text = new AnswerText(answer);
            for (TaskSpec.Check c : spec.answerChecks()) if (!judge(answerRows(db, budget, c), text).passed()) return false;
            return true;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open the two states for verification: " + e.getMessage(), e);
        }
    }

    private static Verdict verdict(List<CheckResult> results) {
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

    private static AnswerRows answerRows(SQLiteConnection db, CheckBudget budget, TaskSpec.Check c) {
        try {
            List<Map<String, Object>> rows = read(db, budget, c.sql());
            List<Object> others = c.match() == TaskSpec.Match.NONE || c.candidates() == null ? List.of() : otherCandidates(read(db, budget, c.candidates()), rows);
            return new AnswerRows(c, rows, others, null);
        } catch (SQLException | RuntimeException e) {
            return new AnswerRows(c, null, null, new CheckResult("answer", c.message(), false, failure(budget, e)));
        }
    }

    private static CheckResult judge(AnswerRows a, AnswerText answer) {
        if (a.failure() != null) return a.failure();
        try {
            return judgeRows(a, answer);
        } catch (RuntimeException e) {
            return new CheckResult("answer", a.check().message(), false, "the check failed to run: " + e.getMessage());
        }
    }

    private static CheckResult judgeRows(AnswerRows a, AnswerText answer) {
        TaskSpec.Check c = a.check();
        if (c.match() == TaskSpec.Match.NONE) {
            List<String> present = new ArrayList<>();
            int values = 0;
            for (Map<String, Object> row : a.rows()) {
                for (Object v : row.values()) {
                    if (!isValue(v)) continue;
                    values++;
                    if (answer.names(v)) present.add(AnswerText.show(v));
                }
            }
            return new CheckResult("answer", c.message(), present.isEmpty(), present.isEmpty() ? "none of " + values + " wrong values named" : "names what it should not: " + String.join(", ", present));
        }
        return AnswerMatch.judge(c, a.rows(), a.others(), answer);
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
        budget.failures++;
        String stopped = e instanceof SQLException s ? budget.stopped(s) : null;
        if (stopped != null) return stopped;
        return "the check failed to run: " + (e instanceof SQLException s ? Sqlite.message(s) : e.getMessage());
    }
}
