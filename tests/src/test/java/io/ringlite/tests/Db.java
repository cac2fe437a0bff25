package io.ringlite.tests;

import io.ringlite.engine.Database;
import io.ringlite.engine.DatabaseConfig;
import io.ringlite.engine.Databases;
import io.ringlite.engine.Outcome;
import io.ringlite.engine.PreparedStatement;
import io.ringlite.engine.Session;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Test-side convenience over the engine API: runs statements and waits for them. Blocking here
 * is fine: it happens on the JUnit thread, never on the database's event loop.
 */
final class Db implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofMinutes(2);

    final Database database;
    final Session session;

    private Db(Database database) {
        this.database = database;
        this.session = database.connect();
    }

    static Db open(DatabaseConfig config) {
        return new Db(Databases.open(config).block(TIMEOUT));
    }

    /** Runs every statement of {@code sql} (a script); returns the rows of the last one. */
    List<Object[]> script(String sql) {
        List<Object[]> rows = List.of();
        String rest = sql;
        while (rest != null && !rest.isBlank()) {
            PreparedStatement ps = session.prepare(rest).block(TIMEOUT);
            if (ps == null) {
                break;
            }
            rows = run(ps, List.of());
            rest = ps.tail();
        }
        return rows;
    }

    /** Runs one statement with arguments; returns its rows. */
    List<Object[]> query(String sql, Object... args) {
        PreparedStatement ps = session.prepare(sql).block(TIMEOUT);
        return run(ps, Arrays.asList(args));
    }

    PreparedStatement prepare(String sql) {
        return session.prepare(sql).block(TIMEOUT);
    }

    List<Object[]> run(PreparedStatement ps, List<Object> args) {
        List<Object[]> rows = new ArrayList<>();
        List<Outcome> all = session.execute(ps, args).collectList().block(TIMEOUT);
        for (Outcome o : all) {
            if (o instanceof Outcome.Row r) {
                rows.add(r.values());
            }
        }
        return rows;
    }

    @Override
    public void close() {
        session.close().block(TIMEOUT);
        database.close().block(TIMEOUT);
    }
}
