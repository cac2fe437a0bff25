package io.ringlite.engine.compile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Queries, UPDATEs and DELETEs whose WHERE an index can answer, against real SQLite: seeded
 * random tables of mixed types (integers, reals, numeric-looking text, blobs, NULLs) in columns
 * of every affinity and collation, indexed by multi-column, DESC, COLLATE and partial indexes,
 * and random WHERE clauses of {@code =}, {@code IS}, ranges and BETWEEN. Every result must be
 * SQLite's (as a multiset: without ORDER BY the row order is the plan's).
 */
class IndexPlanAgainstSqliteTest {
    private static final String TABLE =
            "CREATE TABLE t(a INTEGER, b TEXT, c, d REAL, e NUMERIC, f TEXT COLLATE NOCASE, g TEXT COLLATE RTRIM)";
    private static final String[] COLUMNS = {"a", "b", "c", "d", "e", "f", "g"};
    private static final String[] INDEXES = {
        "CREATE INDEX ia ON t(a)",
        "CREATE INDEX iba ON t(b, a)",
        "CREATE INDEX ic ON t(c DESC)",
        "CREATE INDEX if_ ON t(f)",
        "CREATE INDEX ibn ON t(b COLLATE NOCASE)",
        "CREATE INDEX ied ON t(e, d DESC)",
        "CREATE INDEX ig ON t(g)",
        "CREATE INDEX icp ON t(c) WHERE c IS NOT NULL",
        "CREATE INDEX iap ON t(a, c) WHERE b > 'm'",
        "CREATE INDEX icb ON t(c, b DESC, a)",
        "CREATE INDEX ifb ON t(f COLLATE BINARY, g)",
    };
    private static final String[] VALUES = {
        "1", "2", "5", "-3", "2.5", "5.0", "'5'", "'2'", "' 5'", "'abc'", "'ABC'", "'abc '", "'b'",
        "X'35'", "X'00'", "NULL", "'2.5'", "1e20", "'m'", "'z'",
    };
    private static final String[] KEY_VALUES = {
        "1", "2", "5", "-3", "2.5", "5.0", "'5'", "'2'", "' 5'", "'abc'", "'ABC'", "'abc '", "'b'",
        "X'35'", "NULL", "'2.5'", "-5", "1+1", "CAST(5 AS TEXT)", "CAST('5' AS INTEGER)", "'ab' || 'c'",
        "'m'", "4.99",
    };

    @Test
    void randomIndexedQueriesReturnSqlitesRows() throws Exception {
        long seed = Long.getLong("rl.seed", System.nanoTime());
        int rounds = Integer.getInteger("rl.indexPlanRounds", 12);
        for (int round = 0; round < rounds; round++) {
            long s = seed + round;
            try {
                runRound(new Random(s));
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("seed " + s + ": " + e.getMessage(), e);
            }
        }
    }

    @Test
    void randomJoinsAndCorrelatedSubqueriesReturnSqlitesRows() throws Exception {
        long seed = Long.getLong("rl.seed", System.nanoTime());
        int rounds = Integer.getInteger("rl.indexPlanRounds", 12);
        for (int round = 0; round < rounds; round++) {
            long s = seed + round;
            try {
                runJoinRound(new Random(s));
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("seed " + s + ": " + e.getMessage(), e);
            }
        }
    }

    private static final String[] JOIN_INDEXES = {
        "CREATE INDEX up ON u(p)",
        "CREATE INDEX uqr ON u(q, r)",
        "CREATE INDEX ur ON u(r DESC)",
        "CREATE INDEX uqn ON u(q COLLATE NOCASE)",
        "CREATE INDEX upp ON u(p) WHERE r > 2",
    };
    private static final String[] JOIN_QUERIES = {
        "SELECT t.rowid, u.rowid FROM t JOIN u ON u.p = t.a",
        "SELECT t.rowid, u.rowid FROM t JOIN u ON u.p = t.e WHERE u.r > 2",
        "SELECT t.rowid, u.rowid FROM t, u WHERE u.q = t.b AND u.r >= t.a",
        "SELECT t.rowid, u.rowid FROM t, u WHERE t.b = u.q",
        "SELECT t.rowid, u.rowid FROM t, u WHERE u.q = t.f",
        "SELECT t.rowid, u.rowid FROM t, u WHERE u.r = t.c",
        "SELECT t.rowid, u.rowid FROM t, u WHERE u.r = t.d + 1",
        "SELECT t.rowid, u.rowid FROM t, u WHERE u.q = t.b COLLATE NOCASE",
        "SELECT t.rowid, u.rowid FROM t LEFT JOIN u ON u.q = t.b AND u.r > 2",
        "SELECT t.rowid, u.rowid FROM t LEFT JOIN u ON u.p = t.a WHERE u.r IS NULL",
        "SELECT t.rowid, u.rowid FROM t LEFT JOIN u ON u.p = t.a WHERE u.p IS NULL",
        "SELECT t.rowid, u.rowid FROM t, u WHERE u.p IN (t.a, t.e, 5)",
        "SELECT t.rowid, u.rowid FROM t, u WHERE u.p BETWEEN t.a AND t.e",
        "SELECT t.rowid, u.rowid FROM u, t WHERE t.a = u.p AND t.b = u.q",
        "SELECT rowid, (SELECT count(*) FROM u WHERE u.p = t.a) FROM t",
        "SELECT rowid, (SELECT count(*) FROM u WHERE u.q = t.b AND u.r < t.d) FROM t",
        "SELECT count(*) FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.q = t.g)",
        "SELECT t.a, count(*) FROM t JOIN u ON u.p = t.a GROUP BY t.a",
    };

    private static void runJoinRound(Random rnd) throws Exception {
        IndexedMiniEngine engine = new IndexedMiniEngine();
        try (OracleSupport oracle = new OracleSupport()) {
            List<String> setup = new ArrayList<>();
            setup.add(TABLE);
            setup.add("CREATE TABLE u(p INTEGER, q TEXT, r)");
            List<String> indexes = new ArrayList<>(List.of(INDEXES));
            indexes.addAll(List.of(JOIN_INDEXES));
            java.util.Collections.shuffle(indexes, rnd);
            setup.addAll(indexes.subList(0, 3 + rnd.nextInt(indexes.size() - 3)));
            for (int i = 0, n = 10 + rnd.nextInt(20); i < n; i++) {
                StringBuilder sb = new StringBuilder("INSERT INTO t VALUES (");
                for (int c = 0; c < COLUMNS.length; c++) {
                    sb.append(c == 0 ? "" : ", ").append(VALUES[rnd.nextInt(VALUES.length)]);
                }
                setup.add(sb.append(')').toString());
            }
            for (int i = 0, n = 10 + rnd.nextInt(20); i < n; i++) {
                setup.add("INSERT INTO u VALUES (" + VALUES[rnd.nextInt(VALUES.length)] + ", "
                        + VALUES[rnd.nextInt(VALUES.length)] + ", " + VALUES[rnd.nextInt(VALUES.length)] + ")");
            }
            for (String sql : setup) {
                oracle.exec(sql);
                engine.run(sql);
            }
            for (String q : JOIN_QUERIES) {
                assertSameRows(engine, oracle, q);
            }
        }
    }

    @Test
    void regressionSeedsStayGreen() throws Exception {
        for (long s : new long[] {1, 2, 3, 42}) {
            try {
                runRound(new Random(s));
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("seed " + s + ": " + e.getMessage(), e);
            }
        }
    }

    private static void runRound(Random rnd) throws Exception {
        IndexedMiniEngine engine = new IndexedMiniEngine();
        try (OracleSupport oracle = new OracleSupport()) {
            List<String> setup = new ArrayList<>();
            setup.add(TABLE);
            List<String> indexes = new ArrayList<>(List.of(INDEXES));
            java.util.Collections.shuffle(indexes, rnd);
            setup.addAll(indexes.subList(0, 2 + rnd.nextInt(indexes.size() - 2)));
            int rows = 20 + rnd.nextInt(40);
            for (int i = 0; i < rows; i++) {
                StringBuilder sb = new StringBuilder("INSERT INTO t VALUES (");
                for (int c = 0; c < COLUMNS.length; c++) {
                    sb.append(c == 0 ? "" : ", ").append(VALUES[rnd.nextInt(VALUES.length)]);
                }
                setup.add(sb.append(')').toString());
            }
            for (String sql : setup) {
                oracle.exec(sql);
                engine.run(sql);
            }
            for (int q = 0; q < 60; q++) {
                String where = where(rnd);
                int kind = rnd.nextInt(10);
                if (kind == 0) {
                    String sql = "UPDATE t SET g = g || 'u', a = a + 1 WHERE " + where;
                    oracle.exec(sql);
                    engine.run(sql);
                    assertSameRows(engine, oracle, "SELECT rowid, * FROM t");
                } else if (kind == 1) {
                    String sql = "DELETE FROM t WHERE " + where;
                    oracle.exec(sql);
                    engine.run(sql);
                    assertSameRows(engine, oracle, "SELECT rowid, * FROM t");
                } else if (kind == 3 || kind == 4) {
                    // Ordered: rows equal under the ORDER BY may come in any order, so each row
                    // shows its sort key only, canonicalised so that equal keys look equal.
                    String o1 = COLUMNS[rnd.nextInt(COLUMNS.length)];
                    String o2 = COLUMNS[rnd.nextInt(COLUMNS.length)];
                    String d1 = rnd.nextInt(3) == 0 ? " DESC" : "";
                    String d2 = rnd.nextInt(3) == 0 ? " DESC" : "";
                    boolean two = rnd.nextBoolean();
                    String sql = "SELECT " + canonical(o1) + (two ? ", " + canonical(o2) : "") + " FROM t"
                            + (rnd.nextBoolean() ? " WHERE " + where(rnd, List.of(o1, o2)) : "") + " ORDER BY " + o1 + d1
                            + (two ? ", " + o2 + d2 : "") + (rnd.nextBoolean() ? " LIMIT 7 OFFSET 2" : "");
                    assertThat(OracleSupport.comparable(engine.run(sql))).as(sql)
                            .isEqualTo(OracleSupport.comparable(oracle.query(sql)));
                } else if (kind == 2) {
                    assertSameRows(engine, oracle, "SELECT count(*), sum(a), max(b) FROM t WHERE " + where);
                } else {
                    assertSameRows(engine, oracle, "SELECT rowid, * FROM t WHERE " + where);
                }
            }
        }
    }

    /** {@code col} as a value equal for keys ORDER BY col ties (5 and 5.0; 'a' and 'A' under NOCASE). */
    private static String canonical(String col) {
        String text = switch (col) {
            case "f" -> "lower(f)";
            case "g" -> "rtrim(g)";
            default -> col;
        };
        return "CASE WHEN typeof(" + col + ") IN ('integer', 'real') THEN 'n' || (" + col + " + 0.0) WHEN typeof("
                + col + ") = 'text' THEN 't' || " + text + " ELSE " + col + " END";
    }

    private static String where(Random rnd) {
        return where(rnd, List.of());
    }

    /**
     * Terms on columns other than {@code excluded}: SQLite takes an ORDER BY column pinned by
     * {@code =} as constant, even when the comparison's affinity lets unequal values match.
     */
    private static String where(Random rnd, List<String> excluded) {
        int n = 1 + rnd.nextInt(3);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            String col;
            do {
                col = COLUMNS[rnd.nextInt(COLUMNS.length)];
            } while (excluded.contains(col));
            sb.append(i == 0 ? "" : " AND ").append(term(rnd, col));
        }
        return sb.toString();
    }

    private static String term(Random rnd, String col) {
        String v = KEY_VALUES[rnd.nextInt(KEY_VALUES.length)];
        String w = KEY_VALUES[rnd.nextInt(KEY_VALUES.length)];
        return switch (rnd.nextInt(17)) {
            case 0, 1, 2 -> col + " = " + v;
            case 3 -> v + " = " + col;
            case 4 -> col + " IS " + v;
            case 5 -> col + " IS NULL";
            case 6 -> col + " > " + v;
            case 7 -> col + " <= " + v;
            case 8 -> v + " < " + col;
            case 9 -> col + " BETWEEN " + v + " AND " + w;
            case 10 -> col + " = (" + v + ") COLLATE NOCASE";
            case 11 -> col + " COLLATE BINARY = " + v;
            case 12 -> col + " > 'm'";
            case 14 -> col + " IN (" + v + ", " + w + ", " + KEY_VALUES[rnd.nextInt(KEY_VALUES.length)] + ")";
            case 15 -> col + " IN (" + v + ")";
            case 16 -> "rowid IN (" + v + ", " + w + ", " + (1 + rnd.nextInt(30)) + ", '" + (1 + rnd.nextInt(30)) + "')";
            default -> col + " IS NOT NULL";
        };
    }

    private static void assertSameRows(IndexedMiniEngine engine, OracleSupport oracle, String sql) throws Exception {
        List<List<Object>> expected = sorted(OracleSupport.comparable(oracle.query(sql)));
        List<List<Object>> actual = sorted(OracleSupport.comparable(engine.run(sql)));
        assertThat(actual).as(sql).isEqualTo(expected);
    }

    private static List<List<Object>> sorted(List<List<Object>> rows) {
        List<List<Object>> out = new ArrayList<>(rows);
        out.sort(Comparator.comparing(Object::toString));
        return out;
    }
}
