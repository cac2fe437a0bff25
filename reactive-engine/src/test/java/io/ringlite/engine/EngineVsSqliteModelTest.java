package io.ringlite.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.io.IoKind;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Seeded random scripts (inserts with every storage class, duplicate keys, BEGIN/COMMIT/ROLLBACK,
 * filtered and ordered SELECTs) run through Ringlite and through real SQLite (sqlite-jdbc); every
 * query result and every error/success must agree, and the file Ringlite wrote must pass SQLite's
 * integrity check and hold the same rows. A failure names its seed.
 */
class EngineVsSqliteModelTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "seed {0} on {1}")
    @CsvSource({"1, SIMULATED", "2, SIMULATED", "3, SIMULATED", "4, PORTABLE", "5, URING"})
    void randomScriptsAgreeWithSqlite(long seed, IoKind kind) throws Exception {
        TestDatabases t = new TestDatabases(kind, tmp);
        Random rnd = new Random(seed);
        Database db = t.open();
        try (Connection oracle = DriverManager.getConnection("jdbc:sqlite::memory:")) {
            Session s = db.connect();
            String create = "CREATE TABLE m(id INTEGER PRIMARY KEY, i INTEGER, r REAL, t TEXT, b BLOB, n)";
            both(seed, s, oracle, create, List.of());
            boolean inTx = false;
            for (int step = 0; step < 300; step++) {
                int op = rnd.nextInt(100);
                if (op < 55) {
                    int rows = 1 + rnd.nextInt(4);
                    StringBuilder sql = new StringBuilder("INSERT INTO m(id, i, r, t, b, n) VALUES ");
                    List<Object> args = new ArrayList<>();
                    for (int k = 0; k < rows; k++) {
                        sql.append(k == 0 ? "" : ", ").append("(?, ?, ?, ?, ?, ?)");
                        args.add(rnd.nextInt(5) == 0 ? null : (long) rnd.nextInt(400));
                        args.add(rnd.nextBoolean() ? null : rnd.nextLong() >> rnd.nextInt(63));
                        args.add(rnd.nextInt(4) == 0 ? null : rnd.nextInt(1000) / 8.0);
                        args.add(rnd.nextInt(4) == 0 ? null : "t" + rnd.nextInt(50) + "x".repeat(rnd.nextInt(30)));
                        args.add(rnd.nextInt(3) == 0 ? null : blob(rnd));
                        args.add(switch (rnd.nextInt(4)) {
                            case 0 -> null;
                            case 1 -> (long) rnd.nextInt(10);
                            case 2 -> "n" + rnd.nextInt(10);
                            default -> rnd.nextInt(10) / 4.0;
                        });
                    }
                    both(seed, s, oracle, sql.toString(), args);
                } else if (op < 63 && !inTx) {
                    both(seed, s, oracle, "BEGIN", List.of());
                    inTx = true;
                } else if (op < 70 && inTx) {
                    both(seed, s, oracle, rnd.nextBoolean() ? "COMMIT" : "ROLLBACK", List.of());
                    inTx = false;
                } else {
                    String[] queries = {
                        "SELECT id, i, r, t, b, n FROM m ORDER BY id",
                        "SELECT t, id FROM m WHERE i > ? ORDER BY t, id LIMIT 7",
                        "SELECT id FROM m WHERE n = ? ORDER BY id DESC",
                        "SELECT id, r FROM m WHERE r >= ? AND id < 200 ORDER BY r DESC, id",
                    };
                    int q = rnd.nextInt(queries.length);
                    List<Object> args = switch (q) {
                        case 1 -> List.of(rnd.nextLong() >> rnd.nextInt(63));
                        case 2 -> List.of(rnd.nextBoolean() ? (Object) (long) rnd.nextInt(10) : "n" + rnd.nextInt(10));
                        case 3 -> List.of(rnd.nextInt(1000) / 8.0);
                        default -> List.of();
                    };
                    both(seed, s, oracle, queries[q], args);
                }
            }
            if (inTx) {
                both(seed, s, oracle, "COMMIT", List.of());
            }
            List<List<Object>> expected = query(oracle, "SELECT id, i, r, t, b, n FROM m ORDER BY id", List.of());
            db.close().block(Sql.WAIT);
            db = null;
            Path real = t.realFile(tmp);
            assertThat(TestDatabases.sqlite(real, "PRAGMA integrity_check")).as("seed %d", seed).containsExactly("ok");
            try (Connection written = DriverManager.getConnection("jdbc:sqlite:" + real)) {
                assertThat(normalize(query(written, "SELECT id, i, r, t, b, n FROM m ORDER BY id", List.of())))
                        .as("seed %d: rows in the file", seed).isEqualTo(normalize(expected));
            }
        } finally {
            if (db != null) {
                db.close().block(Sql.WAIT);
            }
        }
    }

    private static byte[] blob(Random rnd) {
        byte[] b = new byte[rnd.nextInt(20)];
        rnd.nextBytes(b);
        return b;
    }

    /** Runs {@code sql} in both; the outcomes (rows, or the fact of an error) must agree. */
    private static void both(long seed, Session s, Connection oracle, String sql, List<Object> args) {
        List<List<Object>> expected;
        String expectedError = null;
        try {
            expected = query(oracle, sql, args);
        } catch (SQLException e) {
            expected = null;
            expectedError = e.getMessage();
        }
        List<List<Object>> actual;
        String actualError = null;
        try {
            actual = Sql.rows(s, sql, args.toArray());
        } catch (DatabaseException e) {
            actual = null;
            actualError = e.getMessage();
        }
        String what = "seed " + seed + ": " + sql + " " + args;
        assertThat(actualError == null).as(what + " (sqlite: " + expectedError + ", ringlite: " + actualError + ")")
                .isEqualTo(expectedError == null);
        if (expected != null) {
            assertThat(normalize(actual)).as(what).isEqualTo(normalize(expected));
        }
    }

    private static List<List<Object>> query(Connection c, String sql, List<Object> args) throws SQLException {
        try (java.sql.PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            List<List<Object>> out = new ArrayList<>();
            if (!ps.execute()) {
                return out;
            }
            try (ResultSet rs = ps.getResultSet()) {
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    List<Object> row = new ArrayList<>();
                    for (int i = 1; i <= n; i++) {
                        row.add(rs.getObject(i));
                    }
                    out.add(row);
                }
            }
            return out;
        }
    }

    /** Integer -> Long, byte[] -> a comparable list, so rows compare with equals. */
    private static List<List<Object>> normalize(List<List<Object>> rows) {
        List<List<Object>> out = new ArrayList<>();
        for (List<Object> row : rows) {
            List<Object> r = new ArrayList<>();
            for (Object v : row) {
                r.add(switch (v) {
                    case Integer i -> (long) i;
                    case byte[] b -> "blob:" + Arrays.toString(b);
                    case null -> null;
                    default -> v;
                });
            }
            out.add(r);
        }
        return out;
    }
}
