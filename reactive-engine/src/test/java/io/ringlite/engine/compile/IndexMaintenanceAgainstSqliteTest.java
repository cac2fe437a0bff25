package io.ringlite.engine.compile;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringlite.storage.error.DatabaseException;
import io.ringlite.vdbe.testing.MemoryBTreeStore;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.sqlite.SQLiteException;

/**
 * Index DDL and index maintenance, statement by statement against real SQLite (sqlite-jdbc):
 * the same script runs on both; every statement must succeed on both or fail on both with the
 * same message and extended result code; afterwards the tables hold the same rows, and every
 * index of the Ringlite side holds exactly one entry per row with the row's key.
 */
class IndexMaintenanceAgainstSqliteTest {

    /** Runs {@code statements} on both sides and compares as described above. */
    private static void compare(List<String> statements, List<String> finalQueries, MemoryBTreeStore store)
            throws SQLException {
        IndexedMiniEngine engine = new IndexedMiniEngine(store);
        try (OracleSupport oracle = new OracleSupport()) {
            for (String sql : statements) {
                String expected = null;
                try {
                    oracle.exec(sql);
                } catch (SQLiteException e) {
                    expected = e.getResultCode().name() + ": " + sqliteMessage(e);
                }
                String actual = null;
                try {
                    engine.run(sql);
                } catch (DatabaseException e) {
                    actual = "SQLITE_" + e.code().name() + ": " + e.getMessage();
                }
                assertThat(actual).as("outcome of %s", sql).isEqualTo(expected);
                assertThat(engine.checkIndexes()).as("indexes after %s", sql).isEmpty();
            }
            for (String q : finalQueries) {
                assertThat(OracleSupport.comparable(engine.run(q))).as(q)
                        .isEqualTo(OracleSupport.comparable(oracle.query(q)));
            }
        }
    }

    /** sqlite-jdbc words messages as "[CODE] description (message)": the part SQLite made. */
    private static String sqliteMessage(SQLiteException e) {
        String m = e.getMessage();
        int open = m.indexOf('(');
        return open >= 0 && m.endsWith(")") ? m.substring(open + 1, m.length() - 1) : m;
    }

    @Test
    void createIndexBuildsFromExistingRowsAndStoresSqlitesText() throws SQLException {
        compare(List.of(
                "CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT, b REAL, c)",
                "INSERT INTO t VALUES (1, 'x', 1.0, NULL), (2, 'Y', 2.5, 'q'), (3, 'x', NULL, 3)",
                "CREATE INDEX IF NOT EXISTS main.t_a ON t(a COLLATE NOCASE DESC, b)",
                "CREATE INDEX IF NOT EXISTS t_a ON t(c)",
                "CREATE UNIQUE INDEX t_b ON t(b)",
                "CREATE INDEX t_id ON t(id, c)",
                "CREATE UNIQUE INDEX t_a2 ON t(a)"),
                List.of("SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name",
                        "SELECT * FROM t ORDER BY id"),
                new MemoryBTreeStore());
    }

    @Test
    void ddlErrorsAreSqlites() throws SQLException {
        compare(List.of(
                "CREATE TABLE t(a, b)",
                "CREATE VIEW v AS SELECT 1",
                "CREATE INDEX i ON nope(a)",
                "CREATE INDEX i ON t(zz)",
                "CREATE INDEX t ON t(a)",
                "CREATE INDEX i ON v(a)",
                "CREATE INDEX i ON sqlite_master(name)",
                "CREATE INDEX sqlite_x ON t(a)",
                "CREATE INDEX i ON t(a)",
                "CREATE INDEX i ON t(b)",
                "DROP INDEX nope",
                "DROP TABLE nope",
                "DROP TABLE sqlite_master",
                "DROP TABLE v",
                "DROP INDEX t",
                "DROP INDEX IF EXISTS nope",
                "DROP TABLE IF EXISTS nope",
                "CREATE TABLE u(x UNIQUE, y)",
                "DROP INDEX sqlite_autoindex_u_1"),
                List.of("SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name"),
                new MemoryBTreeStore());
    }

    @Test
    void uniqueAndPrimaryKeyViolationsFailWithSqlitesMessagesAndChangeNothing() throws SQLException {
        compare(List.of(
                "CREATE TABLE u(x UNIQUE, y)",
                "CREATE TABLE w(p, q TEXT, r, PRIMARY KEY(p, q), UNIQUE(r COLLATE NOCASE))",
                "INSERT INTO u VALUES (1, 1), (2, 2)",
                "INSERT INTO u VALUES (3, 3), (1, 4)",
                "INSERT INTO u VALUES (NULL, 1), (NULL, 2)",
                "INSERT INTO u VALUES ('1', 5)",
                "INSERT INTO w VALUES (1, 'a', 'x'), (1, 'b', 'y')",
                "INSERT INTO w VALUES (1, 'a', 'z')",
                "INSERT INTO w VALUES (2, 'a', 'X')",
                "UPDATE u SET x = 2 WHERE x = 1",
                "UPDATE u SET x = x + 10",
                "UPDATE u SET y = y * 2 WHERE x IS NULL",
                "UPDATE w SET q = 'b' WHERE q = 'a'",
                "UPDATE w SET q = 'c' WHERE q = 'a'",
                "DELETE FROM u WHERE x = 12",
                "INSERT INTO u VALUES (12, 0)",
                "CREATE TABLE n(id INTEGER PRIMARY KEY, v NOT NULL UNIQUE)",
                "INSERT INTO n VALUES (1, NULL)",
                "INSERT INTO n VALUES (1, 'a'), (1, 'b')",
                "INSERT INTO n VALUES (1, 'a'), (2, 'a')"),
                List.of("SELECT * FROM u ORDER BY rowid", "SELECT * FROM w ORDER BY rowid",
                        "SELECT * FROM n ORDER BY rowid"),
                new MemoryBTreeStore());
    }

    @Test
    void orReplaceAndOrIgnoreKeepEveryIndexInStep() throws SQLException {
        compare(List.of(
                "CREATE TABLE t(id INTEGER PRIMARY KEY, a UNIQUE, b, c)",
                "CREATE INDEX t_b ON t(b)",
                "CREATE UNIQUE INDEX t_c ON t(c)",
                "INSERT INTO t VALUES (1, 'a', 1, 10), (2, 'b', 2, 20), (3, 'c', 3, 30)",
                "INSERT OR IGNORE INTO t VALUES (4, 'a', 4, 40), (5, 'e', 5, 50), (6, 'f', 6, 20)",
                "INSERT OR REPLACE INTO t VALUES (7, 'b', 7, 30)",
                "INSERT OR REPLACE INTO t VALUES (1, 'z', 9, 99)",
                "INSERT OR REPLACE INTO t(a, b, c) VALUES ('y', 1, 50)",
                "INSERT OR IGNORE INTO t VALUES (1, 'q', 1, 1)",
                "UPDATE t SET b = b + 1",
                "UPDATE t SET id = id + 100 WHERE a = 'z'",
                "DELETE FROM t WHERE b > 5"),
                List.of("SELECT * FROM t ORDER BY id"),
                new MemoryBTreeStore());
    }

    @Test
    void dropIndexAndDropTableRemoveTheirTreesAndSchemaRows() throws SQLException {
        MemoryBTreeStore store = new MemoryBTreeStore();
        compare(List.of(
                "CREATE TABLE t(a UNIQUE, b)",
                "CREATE INDEX t_b ON t(b)",
                "CREATE TABLE keep(k)",
                "INSERT INTO t VALUES (1, 2), (3, 4)",
                "DROP INDEX t_b",
                "INSERT INTO t VALUES (5, 6)",
                "CREATE INDEX t_b ON t(b DESC)",
                "DROP TABLE t",
                "CREATE TABLE t(x)",
                "INSERT INTO t VALUES (1)"),
                List.of("SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name", "SELECT * FROM t"),
                store);
    }

    @Test
    void expressionAndPartialIndexesFollowTheirDefinitions() throws SQLException {
        compare(List.of(
                "CREATE TABLE t(id INTEGER PRIMARY KEY, a, b TEXT)",
                "INSERT INTO t VALUES (1, 1, 'X'), (2, 2, 'y'), (3, 5, 'z')",
                "CREATE UNIQUE INDEX t_expr ON t(a + 1, lower(b))",
                "CREATE INDEX t_part ON t(b) WHERE a > 1",
                "CREATE UNIQUE INDEX t_upart ON t(b COLLATE NOCASE) WHERE a < 10",
                "CREATE INDEX bad1 ON t((SELECT 1))",
                "CREATE INDEX bad2 ON t(a) WHERE a > ?",
                "CREATE INDEX bad3 ON t(random())",
                "CREATE INDEX bad4 ON t(zz + 1)",
                "INSERT INTO t VALUES (4, 0, 'x')",
                "INSERT INTO t VALUES (5, 1, 'Q')",
                "INSERT INTO t VALUES (6, 20, 'Z')",
                "INSERT INTO t VALUES (7, 2, 'Y')",
                "UPDATE t SET a = a + 10 WHERE id = 2",
                "UPDATE t SET a = 0 WHERE id = 3",
                "INSERT OR REPLACE INTO t VALUES (8, 3, 'z')",
                "DELETE FROM t WHERE a > 10"),
                List.of("SELECT * FROM t ORDER BY id", "SELECT name, sql FROM sqlite_schema ORDER BY name"),
                new MemoryBTreeStore());
    }

    @Test
    void randomWritesKeepIndexesConsistentUnderPendingIo() throws SQLException {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        List<String> script = new ArrayList<>(List.of(
                "CREATE TABLE t(id INTEGER PRIMARY KEY, a INT UNIQUE, b TEXT COLLATE NOCASE, c REAL)",
                "CREATE INDEX t_bc ON t(b, c DESC)",
                "CREATE UNIQUE INDEX t_cb ON t(c, b)"));
        String[] words = {"'a'", "'A'", "'b'", "'B '", "NULL", "'c'"};
        for (int i = 0; i < 80; i++) {
            int k = rnd.nextInt(20);
            String b = words[rnd.nextInt(words.length)];
            String c = rnd.nextInt(4) == 0 ? "NULL" : String.valueOf(rnd.nextInt(6) / 2.0);
            script.add(switch (rnd.nextInt(6)) {
                case 0, 1 -> "INSERT INTO t(a, b, c) VALUES (" + k + ", " + b + ", " + c + ")";
                case 2 -> "INSERT OR REPLACE INTO t VALUES (" + rnd.nextInt(10) + ", " + k + ", " + b + ", " + c + ")";
                case 3 -> "INSERT OR IGNORE INTO t VALUES (" + rnd.nextInt(10) + ", " + k + ", " + b + ", " + c + ")";
                case 4 -> "UPDATE t SET c = " + c + ", b = " + b + " WHERE a = " + k;
                default -> "DELETE FROM t WHERE a % 5 = " + rnd.nextInt(5);
            });
        }
        try {
            compare(script, List.of("SELECT * FROM t ORDER BY id"), new MemoryBTreeStore(seed, 0.2));
        } catch (AssertionError e) {
            throw new AssertionError("seed " + seed + ": " + e.getMessage(), e);
        }
    }
}
