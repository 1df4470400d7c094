package dev.awm.runtime;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.sqlite.SQLiteConnection;

/**
 * The most recently used prepared statements of one connection. Preparing costs about as much as
 * running a typical tool statement, so repeated calls skip it; the bound keeps an idle instance small. A statement
 * that took part in a failed call may be left mid-run or in an error state by SQLite, so the caller evicts the
 * statements of a failed call ({@link #evictInUse()}) and keeps those of a call that succeeded ({@link #release()}).
 */
final class StatementCache implements AutoCloseable {

    private final int capacity;

    private final SQLiteConnection db;
    private final LinkedHashMap<String, PreparedStatement> byText = new LinkedHashMap<>(32, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, PreparedStatement> eldest) {
            if (size() <= capacity) return false;
            closeQuietly(eldest.getValue());
            return true;
        }
    };

    private final Set<String> inUse = new HashSet<>();

    StatementCache(SQLiteConnection db, int capacity) {
        this.db = db;
        this.capacity = capacity;
    }

    /** The prepared statement for {@code sql}, in use until {@link #release()} or {@link #evictInUse()}. */
    PreparedStatement get(String sql) throws SQLException {
        PreparedStatement ps = byText.get(sql);
        if (ps == null) {
            ps = db.prepareStatement(sql);
            byText.put(sql, ps);
        } else {
            ps.clearParameters();
        }
        inUse.add(sql);
        return ps;
    }

    /** The statements in use ran to completion: keep them for the next call. */
    void release() {
        inUse.clear();
    }

    /** Closes and forgets every statement in use, whatever state a failure left it in. */
    void evictInUse() {
        for (String sql : inUse) {
            PreparedStatement ps = byText.remove(sql);
            if (ps != null) closeQuietly(ps);
        }
        inUse.clear();
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
