package dev.awm.runtime;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.List;

/** SHA-256 over every row of every table (and the AUTOINCREMENT counters), in a canonical order. */
final class StateHash {

    private StateHash() {}

    /**
     * @param budget the time the hash may take; SQLite work on {@code db} must be interrupted at its deadline
     * @throws TimeBudget.Exceeded past the deadline
     */
    static String of(Connection db, TimeBudget budget) throws SQLException {
        try {
            MessageDigest sha = sha256();
            for (String table : tables(db)) {
                sha.update(("T" + table + "\u0000").getBytes(StandardCharsets.UTF_8));
                try (PreparedStatement ps = db.prepareStatement("SELECT * FROM \"" + table.replace("\"", "\"\"") + "\" ORDER BY " + orderBy(db, table));
                        ResultSet rs = ps.executeQuery()) {
                    int n = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        budget.check();
                        sha.update((byte) 'R');
                        for (int i = 1; i <= n; i++) {
                            Object v = rs.getObject(i);
                            String typed = v == null ? "N" : (v instanceof Number num ? (v instanceof Double ? "F" + num : "I" + num.longValue()) : (v instanceof byte[] b ? "B" + HexFormat.of().formatHex(b) : "S" + v));
                            sha.update(typed.getBytes(StandardCharsets.UTF_8));
                            sha.update((byte) 0);
                        }
                    }
                }
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (SQLException e) {
            throw budget.rethrow(e);
        }
    }

    static List<String> tables(Connection db) throws SQLException {
        return Sqlite.query(db, "SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_stat%' ORDER BY name")
                .stream().map(r -> (String) r.get("name")).toList();
    }

    /** rowid where the table has one, else every column. */
    static String orderBy(Connection db, String table) throws SQLException {
        boolean withoutRowid = Sqlite.query(db, "SELECT sql FROM main.sqlite_master WHERE name = '" + table.replace("'", "''") + "'")
                .stream().anyMatch(r -> String.valueOf(r.get("sql")).toUpperCase().replaceAll("\\s+", " ").contains("WITHOUT ROWID"));
        if (!withoutRowid) return "rowid";
        int n = Sqlite.query(db, "PRAGMA main.table_info(\"" + table.replace("\"", "\"\"") + "\")").size();
        StringBuilder cols = new StringBuilder();
        for (int i = 1; i <= n; i++) cols.append(i > 1 ? "," : "").append(i);
        return cols.toString();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
