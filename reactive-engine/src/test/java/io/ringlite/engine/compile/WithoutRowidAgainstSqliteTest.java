package io.ringlite.engine.compile;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringlite.storage.error.DatabaseException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteException;

/**
 * WITHOUT ROWID tables written through SQL, against real SQLite (sqlite-jdbc 3.40): the same
 * statements run on a Ringlite file ({@link FileMiniEngine}: real pager, WAL and B-trees) and on
 * a SQLite file; every statement must succeed on both or fail on both with the same message and
 * extended result code, queries must return the same rows, and at the end SQLite's
 * {@code integrity_check} must be ok on Ringlite's file and SQLite must read the same rows from it.
 */
class WithoutRowidAgainstSqliteTest {
    @TempDir
    Path tmp;

    /** One Ringlite file and one SQLite file taking the same statements. */
    private static final class Pair implements AutoCloseable {
        final Path ringliteFile;
        final FileMiniEngine engine;
        final Connection sqlite;

        Pair(Path ringliteFile, Path sqliteFile) throws SQLException {
            this.ringliteFile = ringliteFile;
            this.engine = new FileMiniEngine(ringliteFile);
            this.sqlite = DriverManager.getConnection("jdbc:sqlite:" + sqliteFile);
        }

        /** Runs {@code sql} on both; asserts the same outcome; returns it (null: success). */
        String run(String sql) throws SQLException {
            String expected = null;
            List<List<Object>> expectedRows = List.of();
            try (Statement st = sqlite.createStatement()) {
                if (st.execute(sql)) {
                    expectedRows = rows(st.getResultSet());
                }
            } catch (SQLiteException e) {
                expected = e.getResultCode().name() + ": " + sqliteMessage(e);
            }
            String actual = null;
            List<List<Object>> actualRows = List.of();
            try {
                actualRows = engine.run(sql);
            } catch (DatabaseException e) {
                actual = "SQLITE_" + e.code().name() + ": " + e.getMessage();
            }
            assertThat(actual).as("outcome of %s", sql).isEqualTo(expected);
            assertThat(OracleSupport.comparable(actualRows)).as("rows of %s", sql)
                    .isEqualTo(OracleSupport.comparable(expectedRows));
            return actual;
        }

        @Override
        public void close() throws Exception {
            engine.close();
            sqlite.close();
        }
    }

    static List<List<Object>> rows(ResultSet rs) throws SQLException {
        int n = rs.getMetaData().getColumnCount();
        List<List<Object>> out = new ArrayList<>();
        while (rs.next()) {
            List<Object> row = new ArrayList<>();
            for (int i = 1; i <= n; i++) {
                row.add(OracleSupport.normalise(rs.getObject(i)));
            }
            out.add(row);
        }
        return out;
    }

    static List<List<Object>> sqlite(Path file, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rows(rs);
        }
    }

    /** sqlite-jdbc words messages as "[CODE] description (message)": the part SQLite made. */
    private static String sqliteMessage(SQLiteException e) {
        String m = e.getMessage();
        int open = m.indexOf('(');
        return open >= 0 && m.endsWith(")") ? m.substring(open + 1, m.length() - 1) : m;
    }

    private Pair fresh(String name) throws SQLException {
        return new Pair(tmp.resolve(name + "-ringlite.db"), tmp.resolve(name + "-sqlite.db"));
    }

    /** Asserts SQLite finds Ringlite's file sound and holding what the SQLite file holds. */
    private static void assertSameFiles(Path ringlite, Path sqliteFile, List<String> queries) throws SQLException {
        assertThat(sqlite(ringlite, "PRAGMA integrity_check")).containsExactly(List.of("ok"));
        for (String q : queries) {
            assertThat(OracleSupport.comparable(sqlite(ringlite, q))).as(q)
                    .isEqualTo(OracleSupport.comparable(sqlite(sqliteFile, q)));
        }
    }

    @Test
    void createTableWritesTheSchemaRowsAndBTreesSqliteWrites() throws Exception {
        List<String> ddl = List.of(
                "CREATE TABLE q(a) WITHOUT ROWID",
                "CREATE TABLE q(a INTEGER PRIMARY KEY AUTOINCREMENT) WITHOUT ROWID",
                "CREATE TABLE w(a UNIQUE, b PRIMARY KEY, c UNIQUE) WITHOUT ROWID",
                "CREATE TABLE x(a PRIMARY KEY, b UNIQUE) WITHOUT ROWID",
                "CREATE TABLE y(a, b, c, UNIQUE(c), PRIMARY KEY(b DESC, a), UNIQUE(a, b)) WITHOUT ROWID",
                "CREATE TABLE v(a INTEGER PRIMARY KEY, b UNIQUE, c UNIQUE) WITHOUT ROWID",
                "CREATE TABLE z(a, b, PRIMARY KEY(a, a, b)) WITHOUT ROWID",
                "CREATE TABLE u(a TEXT COLLATE NOCASE, b, PRIMARY KEY(a), UNIQUE(a)) WITHOUT ROWID",
                "CREATE TABLE IF NOT EXISTS u(a PRIMARY KEY) WITHOUT ROWID",
                "CREATE TABLE s(a INT, b INTEGER, PRIMARY KEY(b COLLATE NOCASE), UNIQUE(a)) WITHOUT ROWID",
                "CREATE TABLE r(a PRIMARY KEY COLLATE nosuch) WITHOUT ROWID",
                "CREATE TABLE m(a UNIQUE, b, PRIMARY KEY(a)) WITHOUT ROWID",
                "CREATE TABLE m2(a INTEGER UNIQUE, b, PRIMARY KEY(a)) WITHOUT ROWID",
                "CREATE TABLE m3(a INTEGER, b UNIQUE, PRIMARY KEY(a), UNIQUE(a)) WITHOUT ROWID",
                "INSERT INTO m3 VALUES (1, 1), (2, 2)",
                "INSERT INTO m3 VALUES (3, 1)",
                "INSERT INTO m3 VALUES (1, 3)",
                "INSERT INTO y VALUES (1, 2, 3), (2, 1, 3)",
                "INSERT INTO y VALUES (1, 2, 4)",
                "INSERT INTO y VALUES (3, 3, 3)",
                "INSERT INTO w VALUES (1, 2, 3)",
                "INSERT INTO w VALUES (1, 3, 4)",
                "SELECT type, name, tbl_name, rootpage, sql FROM sqlite_schema ORDER BY rowid",
                "DROP TABLE w",
                "DROP TABLE z",
                "SELECT * FROM y",
                // The key column again in an index, with another collation: not a duplicate field.
                "CREATE TABLE dup(k TEXT, v, PRIMARY KEY(k COLLATE NOCASE)) WITHOUT ROWID",
                "CREATE INDEX dup_k ON dup(k)",
                "CREATE UNIQUE INDEX dup_v ON dup(v, k COLLATE NOCASE)",
                "INSERT INTO dup VALUES ('a', 1), ('B', 1), ('c', NULL), ('D', NULL)",
                "INSERT INTO dup VALUES ('A', 2)",
                "INSERT OR REPLACE INTO dup VALUES ('b', 1), ('e', 1)",
                "UPDATE dup SET k = upper(k) WHERE v IS NULL",
                "UPDATE dup SET v = 1 WHERE k = 'c'",
                "SELECT * FROM dup ORDER BY k");
        try (Pair p = fresh("ddl")) {
            for (String sql : ddl) {
                p.run(sql);
            }
            // Pages freed by DROP are reused in the storage layer's own order: root pages may differ.
            p.run("SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY rowid");
        }
        assertSameFiles(tmp.resolve("ddl-ringlite.db"), tmp.resolve("ddl-sqlite.db"),
                List.of("SELECT * FROM y", "SELECT * FROM m3", "PRAGMA freelist_count", "SELECT * FROM dup",
                        "SELECT k FROM dup INDEXED BY dup_k WHERE k > ''"));
    }

    @Test
    void constraintsFailWithSqlitesMessagesAndCodesAndChangeNothing() throws Exception {
        try (Pair p = fresh("constraints")) {
            for (String sql : List.of(
                    "CREATE TABLE t(a INT, b TEXT, c REAL UNIQUE, d NOT NULL DEFAULT 'dflt', PRIMARY KEY(a, b)) WITHOUT ROWID",
                    "CREATE TABLE v(a INTEGER PRIMARY KEY, b UNIQUE, c UNIQUE) WITHOUT ROWID",
                    "CREATE TABLE ck(a PRIMARY KEY CHECK (a > 0), b CHECK (b <> a), CONSTRAINT pos CHECK (a + b < 100))"
                            + " WITHOUT ROWID",
                    "INSERT INTO ck VALUES (1, 2), (2, 3)",
                    "INSERT INTO ck VALUES (0, 1)",
                    "INSERT INTO ck VALUES (5, 5)",
                    "INSERT INTO ck VALUES (50, 60)",
                    "INSERT OR IGNORE INTO ck VALUES (50, 60), (3, 4)",
                    "UPDATE ck SET b = a",
                    "UPDATE ck SET a = a * 10",
                    "SELECT * FROM ck",
                    "INSERT INTO t VALUES (1, 'x', 1.5, 'p'), (2, 'y', 2, 'q')",
                    "INSERT INTO t VALUES (3, 'z', 3, 'r'), (1, 'x', 4, 's')",
                    "INSERT INTO t VALUES (3, 'z', 1.5, 'r')",
                    "INSERT INTO t VALUES (NULL, 'z', 5, 'r')",
                    "INSERT INTO t VALUES (4, NULL, 5, 'r')",
                    "INSERT INTO t VALUES (4, 'w', 5, NULL)",
                    "INSERT INTO t(rowid, a, b) VALUES (1, 2, 3)",
                    "INSERT OR IGNORE INTO t VALUES (1, 'x', 9, 'i'), (5, 'v', 2.0, 'i'), (6, 'u', 6, 'i'), (NULL, 'n', 7, 'i')",
                    "INSERT OR REPLACE INTO t VALUES (1, 'x', 2, NULL)",
                    "INSERT OR REPLACE INTO t VALUES (7, 't', 6, 'rep')",
                    "INSERT OR ROLLBACK INTO t VALUES (8, 'a', 8, 'r'), (1, 'x', 9, 's')",
                    "INSERT OR ROLLBACK INTO t VALUES (8, 'a', 8, 'r'), (9, 'b', 6, 's')",
                    "INSERT OR ABORT INTO t VALUES (8, 'a', 8, NULL)",
                    "SELECT * FROM t ORDER BY a, b",
                    "UPDATE t SET a = 2, b = 'y' WHERE a = 6",
                    "UPDATE t SET c = 2 WHERE a = 7",
                    "UPDATE t SET b = NULL",
                    "UPDATE t SET a = a + 10",
                    "UPDATE t SET rowid = 5",
                    "SELECT * FROM t ORDER BY a, b",
                    "CREATE INDEX bad ON t(b COLLATE nosuch)",
                    "INSERT INTO v VALUES (1, 2, 3)",
                    "INSERT INTO v VALUES (1, 2, 3)",
                    "INSERT INTO v VALUES (2, 2, 4)",
                    "INSERT INTO v VALUES (2, 5, 3)",
                    "INSERT INTO v VALUES ('one', 5, 6)",
                    "INSERT INTO v VALUES ('1', 7, 8)",
                    "SELECT a, typeof(a), b, c FROM v ORDER BY a",
                    "SELECT rowid FROM v",
                    "INSERT INTO t SELECT a + 100, b, c + 100, d FROM t",
                    "INSERT OR IGNORE INTO t SELECT a + 100, b || '!', c + 200, d FROM t",
                    "DELETE FROM t WHERE c > 2",
                    "SELECT * FROM t ORDER BY a, b")) {
                p.run(sql);
            }
        }
        assertSameFiles(tmp.resolve("constraints-ringlite.db"), tmp.resolve("constraints-sqlite.db"),
                List.of("SELECT * FROM t ORDER BY a, b", "SELECT * FROM v ORDER BY a"));
    }

    @Test
    void collatedAndDescendingKeysAreStoredInSqlitesOrder() throws Exception {
        try (Pair p = fresh("order")) {
            for (String sql : List.of(
                    "CREATE TABLE t(a TEXT COLLATE NOCASE, b INT, c REAL, d, PRIMARY KEY(b DESC, a), UNIQUE(d))"
                            + " WITHOUT ROWID",
                    "INSERT INTO t VALUES ('x', 1, 2, 'd1'), ('Y', 2, 3.5, 'd2'), ('z', 1, 4, NULL), ('b', '3', '7', 1)",
                    "INSERT INTO t VALUES ('X', 1, 2, 'dd')",
                    "INSERT INTO t VALUES ('q', 1, 2, 'd1')",
                    "CREATE INDEX t_c ON t(c, a)",
                    "CREATE INDEX t_d ON t(d DESC, b)",
                    "CREATE INDEX t_e ON t(lower(a) DESC, c * 2) WHERE c > 2",
                    "CREATE UNIQUE INDEX t_u ON t(b + 100, d) WHERE d IS NOT NULL",
                    "INSERT INTO t VALUES ('new', 1, 3, 'd1')",
                    "INSERT INTO t VALUES ('new', 1, 3, 'd3')",
                    "SELECT * FROM t",
                    "UPDATE t SET a = upper(a)",
                    "SELECT * FROM t",
                    "INSERT OR REPLACE INTO t VALUES ('x', 1, 9, 'd2')",
                    "UPDATE t SET b = b + 10 WHERE a = 'z'",
                    "SELECT * FROM t",
                    "DELETE FROM t WHERE b = 2",
                    "SELECT a, b, c, typeof(c), d FROM t",
                    "SELECT b, a FROM t WHERE a > 'a' ORDER BY 1, 2")) {
                p.run(sql);
            }
        }
        assertSameFiles(tmp.resolve("order-ringlite.db"), tmp.resolve("order-sqlite.db"),
                List.of("SELECT * FROM t", "SELECT c, a FROM t INDEXED BY t_c WHERE c > 0",
                        "SELECT d, b FROM t INDEXED BY t_d WHERE d IS NOT NULL",
                        "SELECT a, b FROM t INDEXED BY t_e WHERE lower(a) > '' AND c > 2"));
    }

    /**
     * Seeded; {@code -Dringlite.seed=N} replays a seed, {@code -Dringlite.wor.rounds=N} runs N
     * seeds (one by default).
     */
    @Test
    void randomStatementSequencesMatchSqlite() throws Exception {
        int rounds = Integer.getInteger("ringlite.wor.rounds", 1);
        long first = Long.getLong("ringlite.seed", System.nanoTime());
        for (int round = 0; round < rounds; round++) {
            randomSequence(first + round, "random" + round);
        }
    }

    private void randomSequence(long seed, String name) throws Exception {
        Random rnd = new Random(seed);
        List<String> log = new ArrayList<>();
        int failures = 0;
        try {
            try (Pair p = fresh(name)) {
                for (String sql : List.of(
                        "CREATE TABLE t1(k TEXT PRIMARY KEY, v INT, w REAL UNIQUE) WITHOUT ROWID",
                        "CREATE INDEX t1_v ON t1(v)",
                        "CREATE TABLE t2(a INT, b TEXT COLLATE NOCASE, c, PRIMARY KEY(b, a DESC), UNIQUE(c, a))"
                                + " WITHOUT ROWID",
                        "CREATE INDEX t2_c ON t2(c DESC)",
                        "CREATE TABLE t3(id INTEGER PRIMARY KEY, x NOT NULL DEFAULT 0, y, UNIQUE(y)) WITHOUT ROWID")) {
                    log.add(sql);
                    p.run(sql);
                }
                for (int i = 0; i < 250; i++) {
                    String sql = randomStatement(rnd);
                    log.add(sql);
                    if (p.run(sql) != null) {
                        failures++;
                    }
                    if (i % 25 == 0) {
                        for (String q : FINAL_QUERIES) {
                            p.run(q);
                        }
                    }
                }
                for (String q : FINAL_QUERIES) {
                    p.run(q);
                }
            }
            assertSameFiles(tmp.resolve(name + "-ringlite.db"), tmp.resolve(name + "-sqlite.db"), FINAL_QUERIES);
            // The sequence is only worth comparing if it both changes rows and hits constraints.
            assertThat(failures).as("failing statements").isBetween(20, 300);
        } catch (AssertionError e) {
            List<String> tail = log.subList(Math.max(0, log.size() - 15), log.size());
            throw new AssertionError("seed " + seed + " (-Dringlite.seed=" + seed + "), last statements:\n  "
                    + String.join("\n  ", tail) + "\n" + e.getMessage(), e);
        }
    }

    private static final List<String> FINAL_QUERIES = List.of(
            "SELECT k, v, w, typeof(w) FROM t1 ORDER BY k",
            "SELECT a, b, c FROM t2 ORDER BY b COLLATE BINARY, a",
            "SELECT id, x, y FROM t3 ORDER BY id");

    private static String value(Random rnd) {
        return switch (rnd.nextInt(7)) {
            case 0 -> "NULL";
            case 1 -> Integer.toString(rnd.nextInt(12));
            case 2 -> rnd.nextInt(8) / 2.0 + "";
            case 3 -> "'" + "abcAB".charAt(rnd.nextInt(5)) + "'";
            case 4 -> "'" + rnd.nextInt(5) + "'";
            case 5 -> "x'0" + rnd.nextInt(3) + "'";
            default -> Integer.toString(rnd.nextInt(4));
        };
    }

    private static String text(Random rnd) {
        return rnd.nextInt(10) == 0 ? "NULL" : "'" + "abcABC".charAt(rnd.nextInt(6)) + "'";
    }

    private static String small(Random rnd) {
        return rnd.nextInt(12) == 0 ? "NULL" : Integer.toString(rnd.nextInt(10));
    }

    private static String randomStatement(Random rnd) {
        String or = switch (rnd.nextInt(5)) {
            case 0 -> "OR IGNORE ";
            case 1 -> "OR REPLACE ";
            default -> "";
        };
        int table = rnd.nextInt(3);
        int kind = rnd.nextInt(10);
        if (kind < 5) {
            int rows = 1 + rnd.nextInt(3);
            List<String> values = new ArrayList<>();
            for (int r = 0; r < rows; r++) {
                values.add(switch (table) {
                    case 0 -> "(" + text(rnd) + ", " + value(rnd) + ", " + (rnd.nextInt(3) == 0 ? "NULL"
                            : rnd.nextInt(6) / 2.0 + "") + ")";
                    case 1 -> "(" + small(rnd) + ", " + text(rnd) + ", " + value(rnd) + ")";
                    default -> "(" + small(rnd) + ", " + value(rnd) + ", " + value(rnd) + ")";
                });
            }
            String name = "t" + (table + 1);
            return "INSERT " + or + "INTO " + name + " VALUES " + String.join(", ", values);
        }
        if (kind < 8) {
            // Rows are changed in key order on both sides; WHERE terms SQLite could answer from
            // a secondary index would change its order, so they test the key or use "+ 0".
            return switch (table) {
                case 0 -> switch (rnd.nextInt(4)) {
                    case 0 -> "UPDATE t1 SET k = k || 'x' WHERE k < " + text(rnd);
                    case 1 -> "UPDATE t1 SET v = " + value(rnd) + " WHERE k = " + text(rnd);
                    case 2 -> "UPDATE t1 SET w = " + rnd.nextInt(6) / 2.0 + " WHERE k >= " + text(rnd);
                    default -> "UPDATE t1 SET k = lower(k) WHERE v + 0 > " + rnd.nextInt(10);
                };
                case 1 -> switch (rnd.nextInt(3)) {
                    case 0 -> "UPDATE t2 SET a = a + 1 WHERE b = " + text(rnd);
                    case 1 -> "UPDATE t2 SET c = " + value(rnd) + " WHERE a = " + small(rnd) + " AND b = " + text(rnd);
                    default -> "UPDATE t2 SET b = upper(b) WHERE a + 0 < " + rnd.nextInt(10);
                };
                default -> switch (rnd.nextInt(3)) {
                    case 0 -> "UPDATE t3 SET id = id * 2 WHERE id > " + rnd.nextInt(10);
                    case 1 -> "UPDATE t3 SET x = " + value(rnd) + " WHERE id = " + rnd.nextInt(10);
                    default -> "UPDATE t3 SET y = " + value(rnd) + " WHERE id = " + rnd.nextInt(10);
                };
            };
        }
        return switch (table) {
            case 0 -> "DELETE FROM t1 WHERE v + 0 = " + rnd.nextInt(6);
            case 1 -> "DELETE FROM t2 WHERE b = " + text(rnd);
            default -> "DELETE FROM t3 WHERE id % 3 = " + rnd.nextInt(3);
        };
    }

    @Test
    void writesToTheFixturesWithoutRowidTablesKeepSqlitesIntegrityCheckOk() throws Exception {
        Path ringlite = tmp.resolve("fixture-ringlite.db");
        Path sqliteFile = tmp.resolve("fixture-sqlite.db");
        Files.copy(Path.of("/work/shared/fixtures/indexes.db"), ringlite, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(Path.of("/work/shared/fixtures/indexes.db"), sqliteFile, StandardCopyOption.REPLACE_EXISTING);
        try (Pair p = new Pair(ringlite, sqliteFile)) {
            for (String sql : List.of(
                    "INSERT INTO kv VALUES ('ringlite-1', x'0102'), ('ringlite-2', NULL)",
                    "INSERT INTO kv VALUES ('ringlite-1', x'03')",
                    "INSERT OR REPLACE INTO kv VALUES ('ringlite-1', x'03')",
                    "UPDATE kv SET k = k || '!' WHERE k < 'key-00100'",
                    "UPDATE kv SET v = zeroblob(3000) WHERE k > 'key-00300' AND k < 'key-00310'",
                    "DELETE FROM kv WHERE k > 'key-00500' AND k < 'key-00900'",
                    "INSERT INTO pair VALUES (0, '01s', 1.0)",
                    "INSERT OR IGNORE INTO pair VALUES (0, '01s', 1.0), (-1, 'new', 2)",
                    "UPDATE pair SET c = c * 2 WHERE a % 2 = 0",
                    "UPDATE pair SET a = a + 1000 WHERE b < '5'",
                    "DELETE FROM pair WHERE c > 1.5",
                    "CREATE INDEX pair_c ON pair(c DESC)",
                    "CREATE UNIQUE INDEX kv_v ON kv(v)",
                    "SELECT count(*), min(k), max(k) FROM kv",
                    "SELECT count(*), sum(a), round(total(c), 6) FROM pair")) {
                p.run(sql);
            }
        }
        assertSameFiles(ringlite, sqliteFile, List.of("SELECT * FROM kv ORDER BY k", "SELECT * FROM pair ORDER BY a, b",
                "SELECT c, a, b FROM pair INDEXED BY pair_c WHERE c > 0.5"));
    }

    @Test
    void lookupsByKeyPrefixFindWhatSqliteFinds() throws Exception {
        long seed = Long.getLong("ringlite.seed", System.nanoTime());
        Random rnd = new Random(seed);
        String[] constants = {"1", "'1'", "1.0", "'1.0'", "-2", "2.5", "'a'", "'A'", "'a '", "'b'", "x'01'", "NULL",
                "'x'", "'X'", "3", "'3'"};
        try (Pair p = fresh("lookup")) {
            for (String sql : List.of(
                    "CREATE TABLE n(k INT PRIMARY KEY, v) WITHOUT ROWID",
                    "CREATE TABLE s(k TEXT COLLATE NOCASE, j REAL, v, PRIMARY KEY(k, j DESC)) WITHOUT ROWID",
                    "CREATE TABLE c(k TEXT, j, v, PRIMARY KEY(k COLLATE RTRIM, j)) WITHOUT ROWID",
                    "CREATE TABLE d(k TEXT COLLATE NOCASE, v, PRIMARY KEY(k COLLATE BINARY)) WITHOUT ROWID")) {
                p.run(sql);
            }
            for (int i = 0; i < 60; i++) {
                String a = constants[rnd.nextInt(constants.length)];
                String b = constants[rnd.nextInt(constants.length)];
                p.run("INSERT OR IGNORE INTO n VALUES (" + a + ", " + i + ")");
                p.run("INSERT OR IGNORE INTO s VALUES (" + a + ", " + b + ", " + i + ")");
                p.run("INSERT OR IGNORE INTO c VALUES (" + a + ", " + b + ", " + i + ")");
                p.run("INSERT OR IGNORE INTO d VALUES (" + a + ", " + i + ")");
            }
            try {
                for (String a : constants) {
                    p.run("SELECT * FROM n WHERE k = " + a);
                    p.run("SELECT * FROM n WHERE " + a + " = k AND v > 3");
                    p.run("SELECT count(*) FROM s WHERE k = " + a);
                    p.run("SELECT * FROM s WHERE k = " + a + " AND j = " + constants[rnd.nextInt(constants.length)]);
                    p.run("SELECT * FROM s WHERE j = " + a);
                    p.run("SELECT * FROM c WHERE k = " + a);
                    p.run("SELECT * FROM d WHERE k = " + a);
                    p.run("SELECT * FROM d WHERE k = " + a + " COLLATE BINARY");
                    p.run("SELECT (SELECT count(*) FROM s WHERE s.k = " + a + " AND s.j = n.v) FROM n");
                }
                p.run("SELECT count(*) FROM n");
                p.run("SELECT count(*) FROM s WHERE k = 'a'");
                p.run("UPDATE s SET v = -v WHERE k = 'a' AND j = 1");
                p.run("DELETE FROM c WHERE k = 'a'");
                p.run("UPDATE n SET k = k || 'z' WHERE k = 1");
                for (String q : List.of("SELECT * FROM n", "SELECT * FROM s", "SELECT * FROM c", "SELECT * FROM d")) {
                    p.run(q);
                }
            } catch (AssertionError e) {
                throw new AssertionError("seed " + seed + ": " + e.getMessage(), e);
            }
        }
        assertThat(sqlite(tmp.resolve("lookup-ringlite.db"), "PRAGMA integrity_check")).containsExactly(List.of("ok"));
        // The lookups above are seeks, not scans; a term the key's collation cannot answer scans.
        List<io.ringlite.engine.schema.SchemaEntry> entries = new ArrayList<>();
        for (List<Object> r : sqlite(tmp.resolve("lookup-ringlite.db"),
                "SELECT type, name, tbl_name, rootpage, sql FROM sqlite_schema")) {
            entries.add(new io.ringlite.engine.schema.SchemaEntry((String) r.get(0), (String) r.get(1),
                    (String) r.get(2), ((Long) r.get(3)).intValue(), (String) r.get(4)));
        }
        io.ringlite.engine.schema.Schema schema = io.ringlite.engine.schema.Schema.build(entries);
        assertThat(opcodes(schema, "SELECT * FROM s WHERE k = 'a' AND j = 1")).contains("SeekGE", "IdxGT")
                .doesNotContain("Rewind");
        assertThat(opcodes(schema, "DELETE FROM c WHERE k = 'a'")).contains("SeekGE", "IdxGT");
        assertThat(opcodes(schema, "SELECT * FROM d WHERE k = 'a'")).contains("Rewind").doesNotContain("SeekGE");
        assertThat(opcodes(schema, "SELECT * FROM s WHERE j = 1")).contains("Rewind").doesNotContain("SeekGE");
    }

    private static List<Object> opcodes(io.ringlite.engine.schema.Schema schema, String sql) {
        List<Object> out = new ArrayList<>();
        for (Object[] row : Compiler.compile(sql, schema).program().explain()) {
            out.add(row[1]);
        }
        return out;
    }
}
