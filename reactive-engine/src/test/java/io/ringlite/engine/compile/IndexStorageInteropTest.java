package io.ringlite.engine.compile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
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

/**
 * The compiler's index programs over the real storage layer ({@link FileMiniEngine}: pager, WAL,
 * index B-trees), checked by real SQLite on the file: {@code PRAGMA integrity_check} is ok and
 * SQLite finds the rows through the indexes.
 */
class IndexStorageInteropTest {
    @TempDir
    Path tmp;

    static List<List<Object>> sqlite(Path file, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
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
    }

    private Path fixtureCopy() throws Exception {
        Path file = tmp.resolve("basic.db");
        Files.copy(Path.of("/work/shared/fixtures/basic-4096.db"), file, StandardCopyOption.REPLACE_EXISTING);
        return file;
    }

    @Test
    void writesIntoTheFixturesIndexedTableKeepSqlitesIntegrityCheckOk() throws Exception {
        Path file = fixtureCopy();
        try (FileMiniEngine e = new FileMiniEngine(file)) {
            e.run("""
                    INSERT INTO people(name, age, score) VALUES ('ringlite-1', 30, 1.5), ('ringlite-2', NULL, 2.0);
                    UPDATE people SET age = age + 1 WHERE id % 3 = 0;
                    UPDATE people SET name = name || '!' WHERE id % 7 = 0;
                    DELETE FROM people WHERE id % 5 = 0;
                    INSERT OR REPLACE INTO people(id, name, age) VALUES (1, 'replaced', 99);
                    """);
        }
        assertThat(sqlite(file, "PRAGMA integrity_check")).containsExactly(List.of("ok"));
        assertThat(sqlite(file, "SELECT id, name FROM people INDEXED BY people_name WHERE name = 'replaced'"))
                .containsExactly(List.of(1L, "replaced"));
        assertThat(sqlite(file, "SELECT count(*), sum(id) FROM people INDEXED BY people_age WHERE age = 99"))
                .isEqualTo(sqlite(file, "SELECT count(*), sum(id) FROM people NOT INDEXED WHERE age = 99"));
    }

    @Test
    void uniqueViolationOnTheFixtureFailsWithSqlitesErrorAndChangesNothing() throws Exception {
        Path file = fixtureCopy();
        List<List<Object>> before = sqlite(file, "SELECT * FROM people ORDER BY id");
        String existing = (String) before.get(0).get(1);
        try (FileMiniEngine e = new FileMiniEngine(file)) {
            assertThatThrownBy(() -> e.run("INSERT INTO people(name) VALUES ('fresh'), ('"
                    + existing.replace("'", "''") + "')"))
                    .isInstanceOfSatisfying(DatabaseException.class, x -> {
                        assertThat(x.code()).isEqualTo(ResultCode.CONSTRAINT_UNIQUE);
                        assertThat(x.getMessage()).isEqualTo("UNIQUE constraint failed: people.name");
                    });
            assertThat(e.run("SELECT count(*) FROM people")).containsExactly(List.of((long) before.size()));
        }
        assertThat(sqlite(file, "PRAGMA integrity_check")).containsExactly(List.of("ok"));
        assertThat(sqlite(file, "SELECT * FROM people ORDER BY id")).hasSameSizeAs(before);
    }

    @Test
    void writesToTheIndexesFixtureRespectEveryIndexKindOrAreRefused() throws Exception {
        Path file = tmp.resolve("indexes.db");
        Files.copy(Path.of("/work/shared/fixtures/indexes.db"), file, StandardCopyOption.REPLACE_EXISTING);
        try (FileMiniEngine e = new FileMiniEngine(file)) {
            // t has DESC, NOCASE, partial and expression indexes, and AUTOINCREMENT
            e.run("UPDATE t SET x = x + 1, y = upper(y), z = z * 2 WHERE id % 3 = 0");
            e.run("DELETE FROM t WHERE id % 7 = 0");
            assertThatThrownBy(() -> e.run("INSERT INTO t(x, y, z) VALUES (1, 'a', 0.75)"))
                    .hasMessage("not supported yet: INSERT into an AUTOINCREMENT table");
            e.run("DELETE FROM kv WHERE k > 'key-00900'");
        }
        assertThat(sqlite(file, "PRAGMA integrity_check")).containsExactly(List.of("ok"));
    }

    @Test
    void expressionAndPartialIndexesPassIntegrityCheck() throws Exception {
        Path file = tmp.resolve("expr.db");
        try (FileMiniEngine e = new FileMiniEngine(file)) {
            e.run("CREATE TABLE t(id INTEGER PRIMARY KEY, a INT, b TEXT, c REAL)");
            for (int i = 0; i < 200; i++) {
                e.run("INSERT INTO t(a, b, c) VALUES (" + (i % 17) + ", 'Name" + i + "', " + (i % 7) / 2.0 + ")");
            }
            e.run("CREATE INDEX t_expr ON t(a * 2 + 1, lower(b) DESC)");
            e.run("CREATE INDEX t_part ON t(c) WHERE a > 8");
            e.run("CREATE UNIQUE INDEX t_upart ON t(b COLLATE NOCASE) WHERE c >= 1");
            e.run("UPDATE t SET a = a + 5 WHERE id % 3 = 0");
            e.run("UPDATE t SET c = c + 1.0 WHERE id % 4 = 0");
            e.run("DELETE FROM t WHERE id % 11 = 0");
            e.run("INSERT OR REPLACE INTO t VALUES (5, 100, 'name7', 3.0)");
        }
        assertThat(sqlite(file, "PRAGMA integrity_check")).containsExactly(List.of("ok"));
        assertThat(sqlite(file, "SELECT count(*) FROM t INDEXED BY t_part WHERE a > 8 AND c = 1.5"))
                .isEqualTo(sqlite(file, "SELECT count(*) FROM t NOT INDEXED WHERE a > 8 AND c = 1.5"));
    }

    @Test
    void createdIndexesAutoIndexesAndDropsPassIntegrityCheck() throws Exception {
        Path file = tmp.resolve("new.db");
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        try (FileMiniEngine e = new FileMiniEngine(file)) {
            e.run("CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT UNIQUE, b REAL, c BLOB)");
            e.run("CREATE TABLE w(p, q TEXT COLLATE NOCASE, r, PRIMARY KEY(p, q), UNIQUE(r DESC))");
            for (int i = 0; i < 300; i++) {
                e.run("INSERT OR IGNORE INTO t(a, b, c) VALUES ('k" + rnd.nextInt(1000) + " "
                        + "x".repeat(rnd.nextInt(1500)) + "', " + rnd.nextInt(50) / 4.0 + ", x'"
                        + "ab".repeat(rnd.nextInt(20)) + "')");
                e.run("INSERT OR REPLACE INTO w VALUES (" + rnd.nextInt(30) + ", 'Q" + rnd.nextInt(5) + "', "
                        + rnd.nextInt(200) + ")");
            }
            e.run("CREATE INDEX t_b ON t(b DESC, a COLLATE NOCASE)");
            e.run("CREATE INDEX t_c ON t(c)");
            e.run("DELETE FROM t WHERE b > 8");
            e.run("UPDATE t SET b = b / 2 WHERE id % 2 = 0");
            e.run("DROP INDEX t_c");
            e.run("CREATE TABLE gone(x UNIQUE, y)");
            e.run("INSERT INTO gone SELECT a, b FROM t");
            e.run("DROP TABLE gone");
        }
        try {
            assertThat(sqlite(file, "PRAGMA integrity_check")).containsExactly(List.of("ok"));
            assertThat(sqlite(file, "SELECT name FROM sqlite_schema ORDER BY name")).containsExactly(
                    List.of("sqlite_autoindex_t_1"), List.of("sqlite_autoindex_w_1"), List.of("sqlite_autoindex_w_2"),
                    List.of("t"), List.of("t_b"), List.of("w"));
            assertThat((Long) sqlite(file, "PRAGMA freelist_count").get(0).get(0)).isPositive();
        } catch (AssertionError ae) {
            throw new AssertionError("seed " + seed + ": " + ae.getMessage(), ae);
        }
    }
}
