package dev.awm.runtime;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import org.sqlite.ProgressHandler;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;
import org.sqlite.SQLiteLimits;

/** Opening in-memory databases, moving their images in and out, and reading rows as plain Java values. */
public final class Sqlite {

    /** Page cache per connection; in-memory pages live outside it, so this only bounds scratch use. */
    private static final int CACHE_PAGES = 64;

    /** The longest text or blob (and row) a database of awm holds, in bytes: a larger value fails its statement. */
    public static final int MAX_VALUE_BYTES = 1 << 20;

    private Sqlite() {}

    /**
     * A fresh, empty in-memory database with foreign keys enforced. No database can be attached to it (so no SQL it
     * runs can open a file), extensions cannot be loaded, and no value may exceed {@link #MAX_VALUE_BYTES}.
     */
    public static SQLiteConnection openMemory() throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.enforceForeignKeys(true);
        config.setCacheSize(CACHE_PAGES);
        config.setJournalMode(SQLiteConfig.JournalMode.MEMORY);
        config.setTempStore(SQLiteConfig.TempStore.MEMORY);
        config.enableLoadExtension(false);
        SQLiteConnection c = (SQLiteConnection) DriverManager.getConnection("jdbc:sqlite::memory:", config.toProperties());
        c.setLimit(SQLiteLimits.SQLITE_LIMIT_ATTACHED, 0);
        c.setLimit(SQLiteLimits.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES);
        return c;
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
        c.setLimit(SQLiteLimits.SQLITE_LIMIT_ATTACHED, 1);
        try (Statement s = c.createStatement()) {
            s.execute("ATTACH DATABASE ':memory:' AS initial");
        }
        c.setLimit(SQLiteLimits.SQLITE_LIMIT_ATTACHED, 0); // no further ATTACH
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

    /**
     * The image of a SQLite database file, ready to load in memory.
     *
     * @throws IllegalArgumentException in plain words when the file is missing, unreadable or no SQLite database
     */
    public static byte[] readImage(java.nio.file.Path file) {
        if (!java.nio.file.Files.isRegularFile(file)) throw new IllegalArgumentException("no such database file: " + file);
        byte[] bytes;
        try {
            bytes = java.nio.file.Files.readAllBytes(file);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot read " + file + (e instanceof java.nio.file.AccessDeniedException ? ": permission denied" : ""));
        }
        if (bytes.length < 100 || !new String(bytes, 0, 15, java.nio.charset.StandardCharsets.US_ASCII).equals("SQLite format 3")) {
            throw new IllegalArgumentException(file + " is not a SQLite database");
        }
        if (bytes[18] == 2 || bytes[19] == 2) {
            // A WAL-mode file (checkpointed, as a closed database is) loads in memory only as a rollback-journal one.
            bytes[18] = 1;
            bytes[19] = 1;
        }
        return bytes;
    }

    public static List<Map<String, Object>> rows(ResultSet rs, int limit) throws SQLException {
        return rows(rs, limit, null);
    }

    /** As {@link #rows(ResultSet, int)}, spending each value read from {@code budget} (when not null). */
    static List<Map<String, Object>> rows(ResultSet rs, int limit, ReadBudget budget) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        int n = md.getColumnCount();
        String[] names = new String[n];
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < n; i++) {
            // A repeated label ("SELECT a.id, b.id", or a UNION whose first SELECT has several NULLs) must not drop a value.
            String label = md.getColumnLabel(i + 1);
            for (int k = 2; !seen.add(label); k++) label = md.getColumnLabel(i + 1) + "_" + k;
            names[i] = label;
        }
        List<Map<String, Object>> out = new ArrayList<>();
        while (rs.next()) {
            if (out.size() == limit) throw new ResultTooLarge(limit);
            Map<String, Object> row = new LinkedHashMap<>(n * 2);
            for (int i = 0; i < n; i++) {
                Object v = value(rs.getObject(i + 1));
                if (budget != null) budget.spend(v);
                row.put(names[i], v);
            }
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
        m = m.replaceFirst("^\\[[A-Z_]+\\]\\s*", "").replaceFirst("^A [A-Z]+ constraint failed \\((.*)\\)$", "$1");
        // the driver writes "<the result code's generic text> (<SQLite's own message>)"; the second says what happened
        if (e instanceof SQLiteException s && m.startsWith(s.getResultCode().message + " (") && m.endsWith(")")) {
            return m.substring(s.getResultCode().message.length() + 2, m.length() - 1);
        }
        return m;
    }

    /**
     * The databases (0 = main, 1 = temp, 2+ = attached) that {@code sql} would write, as SQLite compiles it: every
     * statement that may write opens a write transaction on each database it writes. This sees writes that the text
     * hides, such as {@code WITH x AS (...) DELETE ... RETURNING}.
     */
    public static Set<Integer> databasesWritten(Connection c, String sql) throws SQLException {
        Set<Integer> written = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("EXPLAIN " + sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                if ("Transaction".equals(rs.getString("opcode")) && rs.getInt("p2") != 0) written.add(rs.getInt("p1"));
            }
        }
        return written;
    }

    /**
     * Makes SQLite stop any statement of {@code c} (with SQLITE_INTERRUPT) once {@code deadlineNanos} (on
     * {@link System#nanoTime()}'s clock) has passed; {@code Long.MAX_VALUE} means no deadline.
     */
    static void interruptAfter(SQLiteConnection c, LongSupplier deadlineNanos) throws SQLException {
        ProgressHandler.setHandler(c, 2_000, new ProgressHandler() {
            @Override
            protected int progress() {
                return System.nanoTime() > deadlineNanos.getAsLong() ? 1 : 0;
            }
        });
    }

    /** SQLite's primary result code in {@code e} (SQLITE_FULL, SQLITE_INTERRUPT, ...), or null when the driver raised it. */
    static SQLiteErrorCode resultCode(SQLException e) {
        return e instanceof SQLiteException s ? SQLiteErrorCode.getErrorCode(s.getResultCode().code & 0xFF) : null;
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
