package io.ringlite.engine.pragma;

import static io.ringlite.engine.pragma.EngineSql.close;
import static io.ringlite.engine.pragma.EngineSql.open;
import static io.ringlite.engine.pragma.EngineSql.rows;
import static io.ringlite.engine.pragma.EngineSql.sqlite;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringlite.engine.Database;
import io.ringlite.engine.Session;
import io.ringlite.storage.error.DatabaseException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The row half of integrity_check / quick_check (NOT NULL, CHECK, index/table agreement,
 * UNIQUE) on files damaged in controlled ways with sqlite-jdbc, compared line for line with what
 * SQLite 3.40 prints for an identical copy.
 */
class IntegrityCheckRowsTest {
    @TempDir
    Path dir;

    /** Runs each script on its own connection (so schema edits are re-read by the next one). */
    private static void sqliteScripts(Path file, String... scripts) throws SQLException {
        for (String script : scripts) {
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement()) {
                for (String sql : script.split(";\n")) {
                    if (!sql.isBlank()) {
                        st.execute(sql);
                    }
                }
            }
        }
    }

    /**
     * Writes rows past the indexes: the explicit indexes are taken out of sqlite_schema (their
     * trees stay), {@code unindexed} runs, and they are put back with {@code newTableSql} as the
     * table's text (adding NOT NULL / CHECK constraints the rows may break).
     */
    private Path damaged(String create, String unindexed, String table, String newTableSql) throws Exception {
        Path file = dir.resolve("d" + System.nanoTime() + ".db");
        sqliteScripts(file,
                create + ";\n"
                        + "CREATE TABLE saved(type,name,tbl_name,rootpage,sql);\n"
                        + "INSERT INTO saved SELECT * FROM sqlite_schema WHERE type='index' AND sql IS NOT NULL;\n"
                        + "PRAGMA writable_schema=1;\n"
                        + "DELETE FROM sqlite_schema WHERE type='index' AND sql IS NOT NULL",
                unindexed,
                "PRAGMA writable_schema=1;\n"
                        + "INSERT INTO sqlite_schema SELECT * FROM saved;\n"
                        + "UPDATE sqlite_schema SET sql='" + newTableSql.replace("'", "''") + "' WHERE name='" + table + "'");
        return file;
    }

    /** Each pragma, through the engine on one copy and through SQLite on another. */
    private void assertSameAsSqlite(Path file, String... pragmas) throws Exception {
        Path theirs = dir.resolve(file.getFileName() + "-sqlite.db");
        Files.copy(file, theirs);
        List<List<List<Object>>> expected = new ArrayList<>();
        for (String p : pragmas) {
            expected.add(sqlite(theirs, p));
        }
        Database db = open(file);
        try {
            Session s = db.connect();
            for (int i = 0; i < pragmas.length; i++) {
                assertThat(rows(s, pragmas[i])).as(pragmas[i]).isEqualTo(expected.get(i));
            }
        } finally {
            close(db);
        }
    }

    @Test
    void everyKindOfIndexNotNullAndCheckAreReportedAsBySqlite() throws Exception {
        Path file = damaged("""
                CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT, c, d UNIQUE);
                CREATE INDEX ib ON t(b);
                CREATE INDEX ibc ON t(b DESC, c COLLATE NOCASE);
                CREATE INDEX ip ON t(c) WHERE c > 5;
                CREATE INDEX ie ON t(c+1, lower(b));
                INSERT INTO t VALUES (1,'x',3,10),(2,'y',7,20),(3,'z',9,30),(4,NULL,NULL,NULL)""",
                "INSERT INTO t VALUES (5,'w',8,50);\nUPDATE t SET b='q' WHERE a=1",
                "t", "CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT NOT NULL, c CHECK(c>4), d UNIQUE)");
        List<List<Object>> expected = sqlite(file, "PRAGMA integrity_check");
        assertThat(expected).as("the damage is what this test means").contains(
                List.of("row 1 missing from index ie"), List.of("NULL value in t.b"),
                List.of("CHECK constraint failed in t"), List.of("wrong # of entries in index ip"));
        assertSameAsSqlite(file, "PRAGMA integrity_check", "PRAGMA quick_check", "PRAGMA integrity_check(3)",
                "PRAGMA integrity_check(t)", "PRAGMA quick_check(t)", "PRAGMA integrity_check(saved)",
                "PRAGMA integrity_check(sqlite_schema)", "PRAGMA integrity_check(-2)",
                "PRAGMA integrity_check('2abc')", "PRAGMA integrity_check('+3')", "PRAGMA integrity_check('0x10')",
                "PRAGMA integrity_check(2.5)");
    }

    @Test
    void rowNumbersAreScanPositionsNotRowids() throws Exception {
        Path file = damaged("""
                CREATE TABLE t(a INTEGER PRIMARY KEY, d);
                CREATE INDEX i ON t(d);
                INSERT INTO t VALUES (10,1),(20,2),(30,3)""",
                "INSERT INTO t VALUES (25,9)", "t", "CREATE TABLE t(a INTEGER PRIMARY KEY, d)");
        assertThat(sqlite(file, "PRAGMA integrity_check")).contains(List.of("row 3 missing from index i"));
        assertSameAsSqlite(file, "PRAGMA integrity_check");
    }

    @Test
    void duplicateKeysInAUniqueIndexAreNonUniqueEntriesButNullsAreNot() throws Exception {
        Path file = dir.resolve("u.db");
        sqliteScripts(file, """
                CREATE TABLE t(a INTEGER PRIMARY KEY, d, e);
                CREATE INDEX u ON t(d);
                CREATE INDEX u2 ON t(d DESC, e);
                INSERT INTO t VALUES (1,10,1),(2,20,1),(3,NULL,1),(4,NULL,1),(7,10,1),(9,10,2),(11,20,1);
                PRAGMA writable_schema=1;
                UPDATE sqlite_schema SET sql='CREATE UNIQUE INDEX u ON t(d)' WHERE name='u';
                UPDATE sqlite_schema SET sql='CREATE UNIQUE INDEX u2 ON t(d DESC, e)' WHERE name='u2'""");
        assertThat(sqlite(file, "PRAGMA integrity_check")).contains(List.of("non-unique entry in index u"));
        assertSameAsSqlite(file, "PRAGMA integrity_check", "PRAGMA quick_check");
    }

    @Test
    void missingEntriesOfAUniqueAutoindexAreReported() throws Exception {
        Path file = dir.resolve("auto.db");
        sqliteScripts(file, """
                CREATE TABLE t(a INTEGER PRIMARY KEY, d UNIQUE, e);
                CREATE TABLE t2(a INTEGER PRIMARY KEY, d UNIQUE, e);
                INSERT INTO t VALUES (1,10,1),(2,20,1),(3,30,1);
                INSERT INTO t2 VALUES (1,10,1),(2,25,1),(3,30,1)""",
                // t's autoindex now names t2's tree: same rowids, one different key
                """
                PRAGMA writable_schema=1;
                UPDATE sqlite_schema SET rootpage=(SELECT rootpage FROM sqlite_schema WHERE name='sqlite_autoindex_t2_1')
                  WHERE name='sqlite_autoindex_t_1'""");
        List<List<Object>> expected = sqlite(file, "PRAGMA integrity_check");
        assertThat(expected).contains(List.of("row 2 missing from index sqlite_autoindex_t_1"));
        assertSameAsSqlite(file, "PRAGMA integrity_check");
    }

    @Test
    void aColumnMissingFromAShortRecordReadsAsItsDefault() throws Exception {
        Path file = damaged("""
                CREATE TABLE t(a INTEGER PRIMARY KEY, b);
                CREATE INDEX ib ON t(b);
                INSERT INTO t VALUES (1, 5), (2, 6)""",
                "SELECT 1", "t",
                "CREATE TABLE t(a INTEGER PRIMARY KEY, b NOT NULL CHECK(b>5), c NOT NULL DEFAULT 3, d NOT NULL)");
        assertThat(sqlite(file, "PRAGMA integrity_check")).contains(List.of("NULL value in t.d"));
        assertSameAsSqlite(file, "PRAGMA integrity_check", "PRAGMA integrity_check(2)", "PRAGMA quick_check");
    }

    @Test
    void indexesOfAWithoutRowidTableAreCheckedAgainstItsKey() throws Exception {
        Path file = damaged("""
                CREATE TABLE w(k TEXT PRIMARY KEY, v, x) WITHOUT ROWID;
                CREATE INDEX wv ON w(v);
                INSERT INTO w VALUES ('a',1,1),('b',2,2),('c',3,3)""",
                "INSERT INTO w VALUES ('d',4,4);\nUPDATE w SET v=9 WHERE k='a'", "w",
                "CREATE TABLE w(k TEXT PRIMARY KEY, v NOT NULL, x CHECK (x < 4)) WITHOUT ROWID");
        assertThat(sqlite(file, "PRAGMA integrity_check")).contains(List.of("row 1 missing from index wv"));
        assertSameAsSqlite(file, "PRAGMA integrity_check", "PRAGMA quick_check");
    }

    @Test
    void duplicatesInAUniqueIndexOfAWithoutRowidTableAreNonUniqueEntries() throws Exception {
        Path file = dir.resolve("wu.db");
        sqliteScripts(file, """
                CREATE TABLE w(k TEXT, j INT, v, PRIMARY KEY (k, j DESC)) WITHOUT ROWID;
                CREATE INDEX wv ON w(v COLLATE NOCASE);
                INSERT INTO w VALUES ('a',1,'x'),('b',2,'X'),('c',3,NULL),('d',4,NULL),('e',5,'y');
                PRAGMA writable_schema=1;
                UPDATE sqlite_schema SET sql='CREATE UNIQUE INDEX wv ON w(v COLLATE NOCASE)' WHERE name='wv'""");
        assertThat(sqlite(file, "PRAGMA integrity_check")).contains(List.of("non-unique entry in index wv"));
        assertSameAsSqlite(file, "PRAGMA integrity_check", "PRAGMA integrity_check(w)");
    }

    @Test
    void damageInSeveralTablesIsReportedInSqlitesTableOrder() throws Exception {
        Path file = damaged("""
                CREATE TABLE t1(a INTEGER PRIMARY KEY, b);
                CREATE TABLE t2(a INTEGER PRIMARY KEY, b);
                CREATE TABLE t3(a INTEGER PRIMARY KEY, b);
                CREATE INDEX i1 ON t1(b);
                CREATE INDEX i2 ON t2(b);
                CREATE INDEX i3 ON t3(b);
                CREATE INDEX i3b ON t3(b, a)""",
                "INSERT INTO t1 VALUES (1,1);\nINSERT INTO t2 VALUES (1,1);\nINSERT INTO t3 VALUES (1,1),(2,2)",
                "t2", "CREATE TABLE t2(a INTEGER PRIMARY KEY, b CHECK (b > 1))");
        assertSameAsSqlite(file, "PRAGMA integrity_check", "PRAGMA integrity_check(4)", "PRAGMA quick_check");
    }

    @Test
    void randomlyDamagedIndexesReadAsSqliteReadsThem() throws Exception {
        long seed = new Random().nextLong();
        Random r = new Random(seed);
        StringBuilder create = new StringBuilder("CREATE TABLE t(a INTEGER PRIMARY KEY, b, c TEXT, d REAL);\n"
                + "CREATE INDEX ib ON t(b);\nCREATE INDEX icd ON t(c COLLATE NOCASE, d DESC);\n"
                + "CREATE INDEX ie ON t(b * 2, substr(c, 1, 2)) WHERE d > 0.5;\n"
                + "CREATE UNIQUE INDEX iu ON t(c, b)");
        StringBuilder insert = new StringBuilder("INSERT INTO t VALUES ");
        for (int i = 0; i < 60; i++) {
            insert.append(i == 0 ? "" : ",").append("(").append(1 + r.nextInt(1000) * 3 + i % 3).append(",")
                    .append(r.nextInt(20)).append(",'").append((char) ('a' + r.nextInt(26)))
                    .append((char) ('A' + r.nextInt(26))).append(r.nextInt(50)).append("',")
                    .append(r.nextDouble()).append(")");
        }
        create.append(";\n").append(insert.toString().replace("INSERT INTO", "INSERT OR IGNORE INTO"));
        String damage = "UPDATE t SET b = b + 1 WHERE a % 7 = " + r.nextInt(7)
                + ";\nDELETE FROM t WHERE a % 11 = " + r.nextInt(11)
                + ";\nINSERT OR IGNORE INTO t VALUES (5000, 3, 'zz', 0.9)";
        Path file = damaged(create.toString(), damage, "t", "CREATE TABLE t(a INTEGER PRIMARY KEY, b, c TEXT, d REAL)");
        try {
            assertSameAsSqlite(file, "PRAGMA integrity_check", "PRAGMA integrity_check(7)");
        } catch (AssertionError e) {
            throw new AssertionError("seed " + seed + ": " + e.getMessage(), e);
        }
    }

    @Test
    void aTableArgumentChecksOnlyThatTableAndTheLimitCountsTheBTreeMessages() throws Exception {
        Path file = dir.resolve("part.db");
        sqliteScripts(file, """
                CREATE TABLE t(a INTEGER PRIMARY KEY, b NOT NULL CHECK(b>5));
                CREATE TABLE t2(x);
                CREATE INDEX i2 ON t2(x);
                INSERT INTO t VALUES (1,10),(2,11);
                INSERT INTO t2 VALUES (1);
                PRAGMA writable_schema=1;
                DELETE FROM sqlite_schema WHERE name='i2';
                UPDATE sqlite_schema SET sql='CREATE TABLE t(a INTEGER PRIMARY KEY, b NOT NULL CHECK(b>15), c NOT NULL DEFAULT 3, d NOT NULL)' WHERE name='t'""");
        assertThat(sqlite(file, "PRAGMA integrity_check").get(0).get(0).toString()).contains("is never used");
        assertSameAsSqlite(file, "PRAGMA integrity_check", "PRAGMA integrity_check(t)", "PRAGMA integrity_check(t2)",
                "PRAGMA integrity_check(2)", "PRAGMA integrity_check(1)", "PRAGMA quick_check(t2)",
                "PRAGMA quick_check");
    }

    @Test
    void valuesOfAnotherTypeThanAStrictColumnDeclaresAreReportedColumnByColumn() throws Exception {
        Path file = damaged("""
                CREATE TABLE s(a INTEGER PRIMARY KEY, b, g INT, h int, r REAL, x TEXT, y BLOB, z ANY);
                CREATE INDEX sg ON s(g)""",
                "INSERT INTO s VALUES (1, 'x', 'y', 'z', 'w', 5, 6, 7), (2, NULL, 2.0, 3, 4, 'ok', x'00', 'q'),"
                        + " (3, 5, NULL, 2.5, 7.5, NULL, 'no', NULL), (4, NULL, 'x', 1, NULL, x'01', NULL, 1)",
                "s", "CREATE TABLE s(a INTEGER PRIMARY KEY, b TEXT NOT NULL, g INT NOT NULL, h int, r REAL, x TEXT,"
                        + " y BLOB, z ANY) STRICT");
        assertThat(sqlite(file, "PRAGMA integrity_check")).contains(List.of("non-INT value in s.h"),
                List.of("non-REAL value in s.r"), List.of("NULL value in s.g"));
        assertSameAsSqlite(file, "PRAGMA integrity_check", "PRAGMA quick_check", "PRAGMA integrity_check(5)");
    }

    @Test
    void anUnknownTableIsAnErrorAsInSqlite() throws Exception {
        Path file = dir.resolve("n.db");
        sqliteScripts(file, "CREATE TABLE t(a);\nCREATE INDEX i ON t(a)");
        Database db = open(file);
        try {
            Session s = db.connect();
            for (String arg : List.of("nosuch", "i")) {
                assertThatThrownBy(() -> rows(s, "PRAGMA integrity_check(" + arg + ")"))
                        .isInstanceOf(DatabaseException.class).hasMessage("no such table: " + arg);
            }
            assertThat(rows(s, "PRAGMA integrity_check(T)")).containsExactly(List.of("ok"));
        } finally {
            close(db);
        }
    }

    @Test
    void aCleanFileWithEveryKindOfIndexWrittenByRingliteIsOk() throws Exception {
        Path file = dir.resolve("clean.db");
        Database db = open(file);
        try {
            Session s = db.connect();
            rows(s, "CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT NOT NULL, c, d UNIQUE, CHECK (c IS NULL OR c >= 0))");
            rows(s, "CREATE INDEX ibc ON t(b DESC, c COLLATE NOCASE)");
            rows(s, "CREATE INDEX ip ON t(c) WHERE c > 5");
            rows(s, "CREATE INDEX ie ON t(c+1, lower(b))");
            for (int i = 1; i <= 200; i++) {
                rows(s, "INSERT INTO t(b, c, d) VALUES ('v" + (i % 17) + "', " + (i % 9 == 0 ? "NULL" : i % 13) + ", "
                        + (i % 5 == 0 ? "NULL" : i) + ")");
            }
            rows(s, "DELETE FROM t WHERE a % 7 = 0");
            rows(s, "UPDATE t SET c = c + 3 WHERE a % 3 = 0");
            assertThat(rows(s, "PRAGMA integrity_check")).containsExactly(List.of("ok"));
            assertThat(rows(s, "PRAGMA quick_check")).containsExactly(List.of("ok"));
        } finally {
            close(db);
        }
        assertThat(sqlite(file, "PRAGMA integrity_check")).containsExactly(List.of("ok"));
    }
}
