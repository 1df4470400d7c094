package dev.awm.runtime;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;

/**
 * The gate a world's own SQL (gen_db.jsonl's DDL and indexes, gen_sample.jsonl's seed rows) passes before it runs.
 * World files come from LLMs and downloads, so each statement must be one statement of an allowed kind, take no
 * parameter, and write nothing but the main database as SQLite compiles it. Statements that pass run as prepared
 * statements, never through the driver's {@code Statement.execute}, whose {@code backup to} / {@code restore from}
 * commands read and write files; ATTACH is impossible on every connection (see {@link Sqlite#openMemory()}).
 */
final class WorldSql {

    static final List<String> SCHEMA_KINDS = List.of("CREATE TABLE", "CREATE INDEX", "CREATE UNIQUE INDEX", "CREATE VIEW", "CREATE TRIGGER");
    static final List<String> SEED_KINDS = List.of("INSERT", "REPLACE");
    private static final Set<String> CREATE_MODIFIERS = Set.of("UNIQUE", "TEMP", "TEMPORARY", "VIRTUAL");

    private WorldSql() {}

    /**
     * Why {@code sql} may not run as one of {@code allowed} (SCHEMA_KINDS or SEED_KINDS) against {@code db}, or null
     * when it may. A statement that does not prepare is not refused here: running it reports SQLite's error.
     */
    static String refusal(Connection db, String sql, List<String> allowed) {
        SqlText text = SqlText.parse(sql);
        String kind = kind(text);
        if (kind.isEmpty()) return "is empty or does not start with a keyword";
        if (!text.trailing().isEmpty()) return "holds more than one statement (text after ';'); write one statement per entry";
        if (!allowed.contains(kind)) return "starts with " + kind + "; only " + String.join(", ", allowed) + " are allowed here";
        if (text.source().toLowerCase(java.util.Locale.ROOT).contains("load_extension")) return "calls load_extension, which is not allowed";
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            if (ps.getParameterMetaData().getParameterCount() > 0) return "has a parameter (?, :name, @name or $name); write values literally";
            if (!Set.of(0).containsAll(Sqlite.databasesWritten(db, sql))) return "writes outside the main database";
        } catch (SQLException e) {
            return null;
        }
        return null;
    }

    /** The kind of statement as its leading keywords say: INSERT, CREATE TABLE, CREATE UNIQUE INDEX, CREATE TEMP TRIGGER... */
    static String kind(SqlText text) {
        List<String> words = text.leadingWords(3);
        if (words.isEmpty()) return "";
        if (!words.get(0).equals("CREATE") || words.size() == 1) return words.get(0);
        if (CREATE_MODIFIERS.contains(words.get(1)) && words.size() == 3) return String.join(" ", words);
        return words.get(0) + " " + words.get(1);
    }
}
