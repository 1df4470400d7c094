package dev.awm.runtime;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;

/** Opening in-memory databases, moving their images in and out, and reading rows as plain Java values. */
public final class Sqlite {

    /** Page cache per connection; in-memory pages live outside it, so this only bounds scratch use. */
    private static final int CACHE_PAGES = 64;

    private Sqlite() {}

    /** A fresh, empty in-memory database with foreign keys enforced. */
    public static SQLiteConnection openMemory() throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.enforceForeignKeys(true);
        config.setCacheSize(CACHE_PAGES);
        config.setJournalMode(SQLiteConfig.JournalMode.MEMORY);
        config.setTempStore(SQLiteConfig.TempStore.MEMORY);
        return (SQLiteConnection) DriverManager.getConnection("jdbc:sqlite::memory:", config.toProperties());
    }

    /** An in-memory database holding a copy of {@code image}. */
    public static SQLiteConnection open(byte[] image) throws SQLException {
        SQLiteConnection c = openMemory();
        c.deserialize("main", image);
        // Foreign keys are a connection setting, not part of the image: set again after loading it.
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA foreign_keys = ON");
        }
        return c;
    }

    /** A read-only view with {@code main} = {@code after} and {@code initial} = {@code before}, for verifiers and diffs. */
    public static SQLiteConnection openPair(byte[] before, byte[] after) throws SQLException {
        SQLiteConnection c = open(after);
        try (Statement s = c.createStatement()) {
            s.execute("ATTACH DATABASE ':memory:' AS initial");
        }
        c.deserialize("initial", before);
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA query_only = ON");
        }
        return c;
    }

    public static byte[] image(SQLiteConnection c) throws SQLException {
        return c.serialize("main");
    }

    /**
     * The schema of a database image: each table, index, view and trigger (keyed "table accounts") with its CREATE
     * statement, whitespace collapsed; SQLite's own objects (sqlite_sequence, automatic indexes) left out. Two images
     * are states of the same world when their schemas are equal.
     */
    public static SortedMap<String, String> schemaOf(byte[] image) throws SQLException {
        SortedMap<String, String> schema = new TreeMap<>();
        try (SQLiteConnection c = open(image)) {
            for (Map<String, Object> row : query(c, "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT GLOB 'sqlite_*'")) {
                schema.put(row.get("type") + " " + row.get("name"), ((String) row.get("sql")).strip().replaceAll("\\s+", " "));
            }
        }
        return schema;
    }

    public static List<Map<String, Object>> rows(ResultSet rs, int limit) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        int n = md.getColumnCount();
        String[] names = new String[n];
        for (int i = 0; i < n; i++) names[i] = md.getColumnLabel(i + 1);
        List<Map<String, Object>> out = new ArrayList<>();
        while (rs.next()) {
            if (out.size() == limit) throw new ResultTooLarge(limit);
            Map<String, Object> row = new LinkedHashMap<>(n * 2);
            for (int i = 0; i < n; i++) row.put(names[i], value(rs.getObject(i + 1)));
            out.add(row);
        }
        return out;
    }

    public static List<Map<String, Object>> query(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            return rows(rs, Integer.MAX_VALUE);
        }
    }

    /** SQLite's message without the driver's "[SQLITE_...]" prefix and constraint wrapper, as a user should read it. */
    public static String message(SQLException e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        return m.replaceFirst("^\\[[A-Z_]+\\]\\s*", "").replaceFirst("^A [A-Z]+ constraint failed \\((.*)\\)$", "$1");
    }

    static Object value(Object v) {
        return v instanceof Integer i ? Long.valueOf(i) : v;
    }

    /** SQL truth as a guard or check reads it: NULL, 0 and '' are false. */
    public static boolean truthy(Object v) {
        if (v == null) return false;
        if (v instanceof Number n) return n.doubleValue() != 0;
        if (v instanceof String s) return !s.isEmpty() && !s.equals("0");
        return true;
    }

    /** Thrown when a statement returns more rows than a call may bind. */
    public static final class ResultTooLarge extends RuntimeException {
        public final int limit;

        ResultTooLarge(int limit) {
            super("more than " + limit + " rows", null, false, false);
            this.limit = limit;
        }
    }
}
