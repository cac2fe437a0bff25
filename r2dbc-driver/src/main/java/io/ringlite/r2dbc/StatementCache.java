package io.ringlite.r2dbc;

import io.ringlite.engine.PreparedStatement;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A connection's prepared statements by SQL text, least recently used evicted first, so that
 * running the same text again costs neither a compile nor a trip to the engine to prepare it.
 *
 * <p>An entry is used only while {@link PreparedStatement#isExpired()} is false: after DDL (in any
 * session) the engine would still run the statement (it recompiles it from its text), but its
 * column names, types and parameters may have changed, which the driver reads before running it.
 * Thread-safe: a connection may be used from several threads one statement at a time; the lock
 * is held only for a map operation, never across a call into the engine.
 */
final class StatementCache {
    /** Prepared statements kept per connection. */
    static final int CAPACITY = 64;

    private final Map<String, PreparedStatement> bySql = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, PreparedStatement> eldest) {
            return size() > CAPACITY;
        }
    };

    /** The cached statement for {@code sql}, or null if there is none or it expired. */
    PreparedStatement get(String sql) {
        PreparedStatement ps;
        synchronized (bySql) {
            ps = bySql.get(sql);
        }
        if (ps == null || !ps.isExpired()) {
            return ps;
        }
        synchronized (bySql) {
            bySql.remove(sql, ps);
        }
        return null;
    }

    void put(String sql, PreparedStatement ps) {
        synchronized (bySql) {
            bySql.put(sql, ps);
        }
    }

    int size() {
        synchronized (bySql) {
            return bySql.size();
        }
    }

    void clear() {
        synchronized (bySql) {
            bySql.clear();
        }
    }
}
