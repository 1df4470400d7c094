package dev.awm.verify;

import dev.awm.runtime.Sqlite;
import dev.awm.world.TaskSpec;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sqlite.SQLiteConnection;

/**
 * Padding probes: the reference answer with other candidates added (one at a time, then all at once) must fail
 * every answer check that names values. A check with {@code candidates} is probed with those; one without, with the
 * other values of the table column its values come from: if that padding passes, the check pays an answer that
 * names every option, and needs its candidates named.
 */
final class PaddingProbes {

    /** Other candidates tried one at a time per check; the all-at-once probe uses every one. */
    private static final int PER_CHECK = 100;

    /** @param failures checks that paid a padded answer; @param unproven checks that could not be probed, and why */
    record Outcome(int run, int rejected, List<String> failures, List<String> unproven) {}

    private PaddingProbes() {}

    static Outcome run(TaskSpec spec, byte[] initial, byte[] solved) {
        int run = 0, rejected = 0;
        List<String> failures = new ArrayList<>(), unproven = new ArrayList<>();
        String reference = spec.solution().answer();
        try (SQLiteConnection db = Sqlite.openPair(initial, solved)) {
            CheckBudget budget = CheckBudget.install(db, CheckBudget.Limits.DEFAULT);
            for (TaskSpec.Check c : spec.answerChecks()) {
                if (c.match() == TaskSpec.Match.NONE) continue;
                String at = "answer check '" + c.message() + "'";
                List<Map<String, Object>> rows;
                List<Object> others;
                String suggestion = null;
                try {
                    rows = Verifier.read(db, budget, c.sql());
                    if (c.candidates() != null) {
                        others = Verifier.otherCandidates(Verifier.read(db, budget, c.candidates()), rows);
                    } else {
                        List<Column> columns = originColumns(db, c.sql());
                        if (columns.isEmpty()) {
                            unproven.add(at + ": its values are computed, not read from a column, so it cannot be padded; if the answer picks from a set, name it with \"candidates\"");
                            continue;
                        }
                        suggestion = "SELECT " + columns.get(0).column() + " FROM initial." + columns.get(0).table();
                        List<String> selects = new ArrayList<>();
                        for (Column col : columns) selects.add("SELECT " + quote(col.column()) + " FROM initial." + quote(col.table()) + " UNION SELECT " + quote(col.column()) + " FROM main." + quote(col.table()));
                        String domain = String.join(" UNION ", selects);
                        AnswerText ref = new AnswerText(reference);
                        others = Verifier.otherCandidates(Verifier.read(db, budget, domain), rows).stream().filter(v -> !ref.names(v)).toList();
                    }
                } catch (SQLException | RuntimeException e) {
                    unproven.add(at + ": could not be probed: " + (e instanceof SQLException s ? Sqlite.message(s) : e.getMessage()));
                    continue;
                }
                if (others.isEmpty()) {
                    unproven.add(at + ": there is no other candidate to pad the answer with");
                    continue;
                }
                List<Object> tried = others.subList(0, Math.min(PER_CHECK, others.size()));
                List<String> paid = new ArrayList<>();
                List<String> paddings = new ArrayList<>();
                for (Object o : tried) paddings.add(AnswerText.show(o));
                paddings.add(String.join(", ", others.stream().map(AnswerText::show).toList()));
                List<Object> judgedAgainst = c.candidates() == null ? List.of() : others;
                for (int i = 0; i < paddings.size(); i++) {
                    run++;
                    boolean passes = AnswerMatch.judge(c, rows, judgedAgainst, new AnswerText(reference + "\n" + paddings.get(i))).passed();
                    if (!passes) rejected++;
                    else if (i < tried.size()) paid.add(paddings.get(i));
                    else if (paid.isEmpty()) paid.add("all " + others.size() + " other candidates at once");
                }
                if (!paid.isEmpty()) {
                    String how = suggestion == null ? "" : ": name the candidates so that the others are refused, e.g. \"candidates\": \"" + suggestion + "\"";
                    failures.add(at + " pays the reference answer padded with " + quoteList(paid) + how);
                }
            }
        } catch (SQLException e) {
            unproven.add("the answer checks could not be probed: " + Sqlite.message(e));
        }
        return new Outcome(run, rejected, List.copyOf(failures), List.copyOf(unproven));
    }

    private static String quoteList(List<String> values) {
        List<String> shown = values.stream().limit(3).map(v -> "'" + v + "'").toList();
        return String.join(", ", shown) + (values.size() > 3 ? " and " + (values.size() - 3) + " more" : "");
    }

    private static final Pattern ALIAS = Pattern.compile("(?i)(?:\\b[a-z_][a-z0-9_]*\\.)?\\b([a-z_][a-z0-9_]*)\\s+as\\s+[\"'`\\[]?%s\\b");

    /** A table column an answer check's result column is read from. */
    record Column(String table, String column) {}

    /** The table columns the check's result columns are read straight from; empty when its values are computed. */
    static List<Column> originColumns(SQLiteConnection db, String sql) throws SQLException {
        Set<Column> out = new LinkedHashSet<>();
        try (PreparedStatement ps = db.prepareStatement(dev.awm.runtime.SqlText.parse(sql).jdbc()); ResultSet rs = ps.executeQuery()) {
            ResultSetMetaData md = rs.getMetaData();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                String table = md.getTableName(i);
                if (table == null || table.isEmpty()) continue;
                String column = md.getColumnName(i);
                if (!hasColumn(db, table, column)) { // an alias: "e.name AS who"
                    Matcher m = Pattern.compile(String.format(ALIAS.pattern(), Pattern.quote(column))).matcher(sql);
                    column = m.find() ? m.group(1) : null;
                    if (column == null || !hasColumn(db, table, column)) continue;
                }
                out.add(new Column(table, column));
            }
        }
        return List.copyOf(out);
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    private static boolean hasColumn(SQLiteConnection db, String table, String column) throws SQLException {
        for (Map<String, Object> col : Sqlite.query(db, "PRAGMA main.table_info(\"" + table.replace("\"", "\"\"") + "\")")) {
            if (column.equalsIgnoreCase((String) col.get("name"))) return true;
        }
        return false;
    }
}
