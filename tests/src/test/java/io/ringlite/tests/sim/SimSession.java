package io.ringlite.tests.sim;

import io.ringlite.engine.Database;
import io.ringlite.engine.Outcome;
import io.ringlite.engine.PreparedStatement;
import io.ringlite.engine.Session;
import io.ringlite.storage.error.DatabaseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One database and its single session, driven strictly sequentially from the test thread: each
 * statement is prepared, run and awaited before the next is chosen. That keeps the order of file
 * operations (and so the fault schedule a seed produces) independent of thread timing.
 * Blocking is fine here: it happens on the JUnit thread, never on the event loop.
 */
final class SimSession {
    /** Long enough for any statement on 2 busy cores; a statement exceeding it is a hang. */
    static final Duration WAIT = Duration.ofSeconds(60);

    final Database database;
    final Session session;

    SimSession(Database database) {
        this.database = database;
        this.session = database.connect();
    }

    /** Runs one statement; returns its rows. Errors propagate as thrown by Reactor. */
    List<Object[]> run(String sql, Object... args) {
        PreparedStatement ps = session.prepare(sql).block(WAIT);
        if (ps == null) {
            throw new IllegalArgumentException("no statement in: " + sql);
        }
        List<Outcome> all = session.execute(ps, Arrays.asList(args)).collectList().block(WAIT);
        List<Object[]> rows = new ArrayList<>();
        for (Outcome o : all) {
            if (o instanceof Outcome.Row r) {
                rows.add(r.values());
            }
        }
        if (all.isEmpty() || !(all.getLast() instanceof Outcome.Done)) {
            throw new AssertionError("statement did not end with Done: " + sql);
        }
        return rows;
    }

    /**
     * Closes the session and the database. Either may fail (e.g. after a crash or an injected
     * fault) but both must terminate; returns the first error, or null.
     */
    Throwable close() {
        Throwable first = null;
        try {
            session.close().block(WAIT);
        } catch (RuntimeException e) {
            first = hangOr(e);
        }
        try {
            database.close().block(WAIT);
        } catch (RuntimeException e) {
            first = first == null ? hangOr(e) : first;
        }
        return first;
    }

    private static Throwable hangOr(RuntimeException e) {
        if (e instanceof IllegalStateException && String.valueOf(e.getMessage()).startsWith("Timeout on blocking read")) {
            throw new AssertionError("close did not terminate within " + WAIT, e);
        }
        return e;
    }
}
