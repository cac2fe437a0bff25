package io.ringlite.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Test helper: runs SQL through a session and returns its outcomes (blocking the test thread only). */
final class Sql {
    static final Duration WAIT = Duration.ofSeconds(30);

    private Sql() {
    }

    static PreparedStatement prepare(Session s, String sql) {
        return s.prepare(sql).block(WAIT);
    }

    static List<Outcome> run(Session s, String sql, Object... args) {
        PreparedStatement p = prepare(s, sql);
        if (p == null) {
            return List.of();
        }
        return s.execute(p, Arrays.asList(args)).collectList().block(WAIT);
    }

    /** Runs every statement of a script. */
    static void script(Session s, String sql) {
        String rest = sql;
        while (rest != null && !rest.isBlank()) {
            PreparedStatement p = prepare(s, rest);
            if (p == null) {
                return;
            }
            s.execute(p, List.of()).blockLast(WAIT);
            rest = p.tail();
        }
    }

    /** The rows of a query, each as a List of its values. */
    static List<List<Object>> rows(Session s, String sql, Object... args) {
        List<List<Object>> out = new ArrayList<>();
        for (Outcome o : run(s, sql, args)) {
            if (o instanceof Outcome.Row r) {
                out.add(Arrays.asList(r.values()));
            }
        }
        return out;
    }

    static Outcome.Done done(List<Outcome> outcomes) {
        return (Outcome.Done) outcomes.get(outcomes.size() - 1);
    }
}
