package dev.awm.runtime;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.sqlite.SQLiteConnection;

/**
 * The most recently used prepared statements of one instance's connection. Preparing costs about as much as
 * running a typical tool statement, so repeated calls skip it; the bound keeps an idle instance small.
 */
final class StatementCache implements AutoCloseable {

    private static final int MAX_STATEMENTS = 24;

    private final SQLiteConnection db;
    private final LinkedHashMap<String, PreparedStatement> byText = new LinkedHashMap<>(32, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, PreparedStatement> eldest) {
            if (size() <= MAX_STATEMENTS) return false;
            closeQuietly(eldest.getValue());
            return true;
        }
    };

    StatementCache(SQLiteConnection db) {
        this.db = db;
    }

    PreparedStatement get(String sql) throws SQLException {
        PreparedStatement ps = byText.get(sql);
        if (ps == null) {
            ps = db.prepareStatement(sql);
            byText.put(sql, ps);
        } else {
            ps.clearParameters();
        }
        return ps;
    }

    @Override
    public void close() {
        byText.values().forEach(StatementCache::closeQuietly);
        byText.clear();
    }

    private static void closeQuietly(PreparedStatement ps) {
        try {
            ps.close();
        } catch (SQLException ignored) {
            // closing a finalized statement twice is harmless
        }
    }
}
