package dev.awm.runtime;

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

    public record TableDiff(List<Map<String, Object>> inserted, List<Map<String, Object>> deleted, List<Update> updated) {
        public boolean isEmpty() {
            return inserted.isEmpty() && deleted.isEmpty() && updated.isEmpty();
        }
    }

    /** A row present in both states with different values: its key, and {@code column -> [before, after]}. */
    public record Update(Map<String, Object> key, Map<String, List<Object>> changes) {}

    public boolean isEmpty() {
        return tables.isEmpty();
    }

    public static StateDiff between(byte[] before, byte[] after) {
        try (SQLiteConnection db = Sqlite.openPair(before, after)) {
            Map<String, TableDiff> out = new LinkedHashMap<>();
            for (String table : StateHash.tables(db)) {
                TableDiff d = diff(db, table);
                if (!d.isEmpty()) out.put(table, d);
            }
            return new StateDiff(out);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot diff the two states: " + e.getMessage(), e);
        }
    }

    private static TableDiff diff(SQLiteConnection db, String table) throws SQLException {
        String quoted = "\"" + table.replace("\"", "\"\"") + "\"";
        List<String> key = new ArrayList<>();
        for (Map<String, Object> col : Sqlite.query(db, "PRAGMA main.table_info(" + quoted + ")")) {
            if (((Number) col.get("pk")).intValue() > 0) key.add((String) col.get("name"));
        }
        boolean hasInitial = !Sqlite.query(db, "SELECT 1 FROM initial.sqlite_master WHERE type = 'table' AND name = '" + table.replace("'", "''") + "'").isEmpty();
        String select = key.isEmpty() ? "SELECT rowid AS \"rowid\", * FROM " : "SELECT * FROM ";
        if (key.isEmpty()) key.add("rowid");
        Map<List<Object>, Map<String, Object>> before = byKey(hasInitial ? Sqlite.query(db, select + "initial." + quoted) : List.of(), key);
        Map<List<Object>, Map<String, Object>> after = byKey(Sqlite.query(db, select + "main." + quoted), key);
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
        return new TableDiff(inserted, deleted, updated);
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
