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
import java.util.Locale;
import java.util.Map;
import org.sqlite.SQLiteConnection;

/**
 * Code-mode scoring (DESIGN 5): a task is complete when every state check over {@code main} (final) and
 * {@code initial} holds and every value the answer checks read appears in the agent's final answer.
 */
public final class Verifier {

    private Verifier() {}

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

    public static Verdict score(TaskSpec spec, byte[] initial, byte[] fin, String answer) {
        List<CheckResult> results = new ArrayList<>();
        try (SQLiteConnection db = Sqlite.openPair(initial, fin)) {
            for (TaskSpec.Check c : spec.checks()) results.add(state(db, c));
            if (spec.unchangedExcept() != null) results.add(unchangedExcept(spec.unchangedExcept(), initial, fin));
            for (TaskSpec.Check c : spec.answerChecks()) results.add(answer(db, c, answer == null ? "" : answer));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open the two states for verification: " + e.getMessage(), e);
        }
        boolean complete = !results.isEmpty() && results.stream().allMatch(CheckResult::passed);
        return new Verdict(complete, List.copyOf(results));
    }

    private static CheckResult state(SQLiteConnection db, TaskSpec.Check c) {
        try {
            List<Map<String, Object>> rows = read(db, c.sql());
            Object first = rows.isEmpty() ? null : rows.get(0).values().iterator().next();
            return new CheckResult("state", c.message(), Sqlite.truthy(first), rows.isEmpty() ? "no row" : "got " + first);
        } catch (SQLException | RuntimeException e) {
            return new CheckResult("state", c.message(), false, "the check failed to run: " + e.getMessage());
        }
    }

    private static CheckResult unchangedExcept(List<String> allowed, byte[] initial, byte[] fin) {
        String message = allowed.isEmpty() ? "nothing in the database changed" : "only " + String.join(", ", allowed) + " changed";
        List<String> others = new ArrayList<>();
        StateDiff.between(initial, fin).tables().forEach((table, d) -> {
            if (!allowed.contains(table) && !table.startsWith("sqlite_")) { // AUTOINCREMENT counters move with their tables
                others.add(table + " (" + d.inserted().size() + " inserted, " + d.updated().size() + " updated, " + d.deleted().size() + " deleted)");
            }
        });
        return new CheckResult("state", message, others.isEmpty(), others.isEmpty() ? "no other table changed" : "also changed: " + String.join(", ", others));
    }

    private static CheckResult answer(SQLiteConnection db, TaskSpec.Check c, String answer) {
        try {
            List<String> missing = new ArrayList<>(), present = new ArrayList<>();
            int values = 0;
            for (Map<String, Object> row : read(db, c.sql())) {
                List<String> rowMissing = new ArrayList<>();
                boolean rowNamed = false;
                for (Object v : row.values()) {
                    if (v == null) continue;
                    values++;
                    boolean named = AnswerMatch.contains(answer, v);
                    (named ? present : rowMissing).add(AnswerMatch.show(v));
                    rowNamed |= named;
                }
                if (c.match() != TaskSpec.Match.ANY_PER_ROW) missing.addAll(rowMissing);
                else if (!rowNamed && !rowMissing.isEmpty()) missing.add(String.join(" or ", rowMissing));
            }
            if (c.match() == TaskSpec.Match.NONE) {
                return new CheckResult("answer", c.message(), present.isEmpty(), present.isEmpty() ? "none of " + values + " wrong values named" : "names what it should not: " + String.join(", ", present));
            }
            if (values == 0) return new CheckResult("answer", c.message(), false, "the check read no value to look for");
            return new CheckResult("answer", c.message(), missing.isEmpty(), missing.isEmpty() ? "all " + values + " values found" : "missing from the answer: " + String.join(", ", missing));
        } catch (SQLException | RuntimeException e) {
            return new CheckResult("answer", c.message(), false, "the check failed to run: " + e.getMessage());
        }
    }

    private static List<Map<String, Object>> read(SQLiteConnection db, String sql) throws SQLException {
        SqlText text = SqlText.parse(sql);
        String refusal = text.refusal(SqlText.READ_KEYWORDS);
        if (refusal != null) throw new IllegalArgumentException("the check " + refusal);
        try (PreparedStatement ps = db.prepareStatement(text.jdbc()); ResultSet rs = ps.executeQuery()) {
            return Sqlite.rows(rs, 10_000);
        }
    }

    /** Finds database values in free text the way a person reading the answer would. */
    static final class AnswerMatch {
        private AnswerMatch() {}

        static boolean contains(String answer, Object value) {
            String text = answer.toLowerCase(Locale.ROOT);
            String plain = text.replace(",", "");
            for (String form : forms(value)) {
                String f = form.toLowerCase(Locale.ROOT);
                if (value instanceof Number ? containsNumber(plain, f) : text.contains(f)) return true;
            }
            return false;
        }

        /** A number must not be a fragment of a longer one: 12 is not found in 120 or 3.12. */
        private static boolean containsNumber(String text, String number) {
            for (int i = text.indexOf(number); i >= 0; i = text.indexOf(number, i + 1)) {
                boolean before = i > 0 && (Character.isDigit(text.charAt(i - 1)) || (text.charAt(i - 1) == '.' && i > 1 && Character.isDigit(text.charAt(i - 2))));
                int end = i + number.length();
                boolean after = end < text.length() && (Character.isDigit(text.charAt(end)) || (text.charAt(end) == '.' && end + 1 < text.length() && Character.isDigit(text.charAt(end + 1))));
                if (!before && !after) return true;
            }
            return false;
        }

        static List<String> forms(Object v) {
            if (v instanceof Long || v instanceof Integer) return List.of(v.toString());
            if (v instanceof Double d) {
                List<String> forms = new ArrayList<>();
                forms.add(String.format(Locale.ROOT, "%.2f", d));
                if (d == Math.rint(d)) forms.add(String.valueOf(d.longValue()));
                String plain = new java.math.BigDecimal(d).setScale(2, java.math.RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
                forms.add(plain);
                return forms;
            }
            return List.of(v.toString().strip());
        }

        static String show(Object v) {
            return forms(v).get(0);
        }
    }
}
