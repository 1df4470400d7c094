package dev.awm.runtime;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.sqlite.SQLiteConnection;

/**
 * The row-level difference between two states of one world: per table, the rows inserted, deleted and updated
 * (with the columns that changed), rows matched by primary key (or rowid where a table has none).
 */
public record StateDiff(Map<String, TableDiff> tables) {

    /** @param key the columns rows are matched by (the primary key, or {@code rowid}) */
    public record TableDiff(List<String> key, List<Map<String, Object>> inserted, List<Map<String, Object>> deleted, List<Update> updated) {
        public boolean isEmpty() {
            return inserted.isEmpty() && deleted.isEmpty() && updated.isEmpty();
        }

        /** The key of {@code row} (a row of this table), {@code column -> value}. */
        public Map<String, Object> keyOf(Map<String, Object> row) {
            Map<String, Object> k = new LinkedHashMap<>();
            for (String col : key) k.put(col, row.get(col));
            return k;
        }
    }

    /** A row present in both states with different values: its key, and {@code column -> [before, after]}. */
    public record Update(Map<String, Object> key, Map<String, List<Object>> changes) {}

    public boolean isEmpty() {
        return tables.isEmpty();
    }

    /** The time a diff may take. */
    static final long BUDGET_NANOS = 10_000_000_000L;

    /**
     * The difference from {@code before} to {@code after}, two images of one world.
     *
     * @throws TimeBudget.Exceeded when it takes longer than 10 s
     */
    public static StateDiff between(byte[] before, byte[] after) {
        return between(before, after, BUDGET_NANOS);
    }

    static StateDiff between(byte[] before, byte[] after, long budgetNanos) {
        TimeBudget time = new TimeBudget("Computing the state diff", budgetNanos);
        // Stored values take at least a byte each, so only computed (generated) columns can read as more than this.
        ReadBudget read = new ReadBudget(8L * (before.length + after.length) + 1_000_000);
        try (SQLiteConnection db = Sqlite.openPair(before, after)) {
            Sqlite.interruptAfter(db, () -> time.deadlineNanos);
            return of(db, before, after, read, time);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot diff the two states: " + Sqlite.message(time.rethrow(e)), e);
        } catch (ReadBudget.Exceeded e) {
            throw new IllegalStateException("cannot diff the two states: they read as more than " + e.limit + " characters, far more than they store");
        }
    }

    /**
     * The diff from {@code before} to {@code after}, read through {@code pair}, a connection made by {@link
     * Sqlite#openPair} from those two images. Tables whose pages are the same in both images are skipped unread: a
     * diff costs about the tables that changed, not the whole database.
     */
    public static StateDiff of(SQLiteConnection pair, byte[] before, byte[] after) throws SQLException {
        return of(pair, before, after, new ReadBudget(8L * (before.length + after.length) + 1_000_000), null);
    }

    private static StateDiff of(SQLiteConnection pair, byte[] before, byte[] after, ReadBudget read, TimeBudget time) throws SQLException {
        String master = "sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_stat%' ORDER BY name";
        Map<String, Map<String, Object>> initial = new LinkedHashMap<>();
        for (Map<String, Object> t : Sqlite.query(pair, "SELECT name, rootpage, sql FROM initial." + master)) initial.put((String) t.get("name"), t);
        Map<String, TableDiff> out = new LinkedHashMap<>();
        for (Map<String, Object> t : Sqlite.query(pair, "SELECT name, rootpage, sql FROM main." + master)) {
            if (time != null) time.check();
            String table = (String) t.get("name");
            Map<String, Object> was = initial.get(table);
            boolean sameTable = was != null && Objects.equals(was.get("rootpage"), t.get("rootpage")) && Objects.equals(was.get("sql"), t.get("sql"));
            if (sameTable && t.get("rootpage") instanceof Number root && BtreePages.same(before, after, root.longValue())) continue;
            TableDiff d = diff(pair, table, key(pair, table), was != null, read);
            if (!d.isEmpty()) out.put(table, d);
        }
        return new StateDiff(out);
    }

    /** The primary key's columns, or {@code rowid} where the table has none. */
    private static List<String> key(SQLiteConnection db, String table) throws SQLException {
        List<String> key = new ArrayList<>();
        for (Map<String, Object> col : Sqlite.query(db, "PRAGMA main.table_info(" + quote(table) + ")")) {
            if (((Number) col.get("pk")).intValue() > 0) key.add((String) col.get("name"));
        }
        if (key.isEmpty()) key.add("rowid");
        return key;
    }

    private static TableDiff diff(SQLiteConnection db, String table, List<String> key, boolean hasInitial, ReadBudget read) throws SQLException {
        String quoted = quote(table);
        String select = key.equals(List.of("rowid")) ? "SELECT rowid AS \"rowid\", * FROM " : "SELECT * FROM ";
        Map<List<Object>, Map<String, Object>> before = byKey(hasInitial ? rows(db, select + "initial." + quoted, read) : List.of(), key);
        Map<List<Object>, Map<String, Object>> after = byKey(rows(db, select + "main." + quoted, read), key);
        List<Map<String, Object>> inserted = new ArrayList<>(), deleted = new ArrayList<>();
        List<Update> updated = new ArrayList<>();
        for (Map.Entry<List<Object>, Map<String, Object>> e : after.entrySet()) {
            Map<String, Object> old = before.get(e.getKey());
            if (old == null) {
                inserted.add(e.getValue());
                continue;
            }
            Map<String, List<Object>> changes = new LinkedHashMap<>();
            for (Map.Entry<String, Object> c : e.getValue().entrySet()) {
                Object was = old.get(c.getKey());
                if (!Objects.equals(was, c.getValue())) changes.put(c.getKey(), java.util.Arrays.asList(was, c.getValue()));
            }
            if (!changes.isEmpty()) {
                Map<String, Object> k = new LinkedHashMap<>();
                for (String col : key) k.put(col, e.getValue().get(col));
                updated.add(new Update(k, changes));
            }
        }
        for (Map.Entry<List<Object>, Map<String, Object>> e : before.entrySet()) {
            if (!after.containsKey(e.getKey())) deleted.add(e.getValue());
        }
        return new TableDiff(List.copyOf(key), inserted, deleted, updated);
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    private static List<Map<String, Object>> rows(SQLiteConnection db, String sql, ReadBudget read) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            return Sqlite.rows(rs, Integer.MAX_VALUE, read);
        }
    }

    private static Map<List<Object>, Map<String, Object>> byKey(List<Map<String, Object>> rows, List<String> key) {
        Map<List<Object>, Map<String, Object>> out = new LinkedHashMap<>();
        for (Map<String, Object> row : rows) {
            List<Object> k = new ArrayList<>(key.size());
            for (String col : key) k.add(row.get(col));
            out.put(k, row);
        }
        return out;
    }
}
