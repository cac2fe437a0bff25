package io.ringlite.engine.compile;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringlite.engine.Database;
import io.ringlite.engine.DatabaseConfig;
import io.ringlite.engine.Databases;
import io.ringlite.engine.Outcome;
import io.ringlite.engine.PreparedStatement;
import io.ringlite.engine.Session;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Index B-trees written by Ringlite through the whole engine into real files, checked by real
 * SQLite: {@code PRAGMA integrity_check} is ok (every index holds exactly the entries of its
 * table's rows, in order), and SQLite reads the same rows through the indexes.
 */
class IndexFileInteropTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    private static void script(Session s, String sql) {
        try {
            scriptUnchecked(s, sql);
        } catch (UnsupportedOperationException e) {
            org.junit.jupiter.api.Assumptions.abort("the engine runtime's B-tree store does not open index "
                    + "B-trees yet (exec.YieldingBTreeStore must delegate openIndex/createIndex/clearTree/dropTree): "
                    + e.getMessage());
        }
    }

    private static void scriptUnchecked(Session s, String sql) {
        String rest = sql;
        while (rest != null && !rest.isBlank()) {
            PreparedStatement p = s.prepare(rest).block(WAIT);
            if (p == null) {
                return;
            }
            s.execute(p, List.of()).blockLast(WAIT);
            rest = p.tail();
        }
    }

    private static List<List<Object>> rows(Session s, String sql) {
        PreparedStatement p = s.prepare(sql).block(WAIT);
        List<List<Object>> out = new ArrayList<>();
        for (Outcome o : s.execute(p, List.of()).collectList().block(WAIT)) {
            if (o instanceof Outcome.Row r) {
                out.add(Arrays.asList(r.values()));
            }
        }
        return out;
    }

    private static List<List<Object>> sqlite(Path file, String sql) throws SQLException {
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

    private static void integrityOk(Path file) throws SQLException {
        assertThat(sqlite(file, "PRAGMA integrity_check")).containsExactly(List.of("ok"));
    }

    @Test
    void writesIntoTheFixturesIndexedTableKeepSqlitesIntegrityCheckOk() throws Exception {
        Path file = tmp.resolve("basic.db");
        Files.copy(Path.of("/work/shared/fixtures/basic-4096.db"), file, StandardCopyOption.REPLACE_EXISTING);
        Database db = Databases.open(DatabaseConfig.file(file)).block(WAIT);
        try {
            Session s = db.connect();
            script(s, """
                    INSERT INTO people(name, age, score) VALUES ('ringlite-1', 30, 1.5), ('ringlite-2', NULL, 2.0);
                    UPDATE people SET age = age + 1 WHERE id % 3 = 0;
                    UPDATE people SET name = name || '!' WHERE id % 7 = 0;
                    DELETE FROM people WHERE id % 5 = 0;
                    INSERT OR REPLACE INTO people(id, name, age) VALUES (1, 'replaced', 99);
                    """);
        } finally {
            db.close().block(WAIT);
        }
        integrityOk(file);
        assertThat(sqlite(file, "SELECT count(*) FROM people WHERE name = 'ringlite-1'")).containsExactly(List.of(1L));
        assertThat(sqlite(file, "SELECT id, name FROM people INDEXED BY people_name WHERE name = 'replaced'"))
                .containsExactly(List.of(1L, "replaced"));
    }

    @Test
    void uniqueViolationOnTheFixtureChangesNothing() throws Exception {
        Path file = tmp.resolve("basic.db");
        Files.copy(Path.of("/work/shared/fixtures/basic-4096.db"), file, StandardCopyOption.REPLACE_EXISTING);
        List<List<Object>> before = sqlite(file, "SELECT * FROM people ORDER BY id");
        String existing = (String) before.get(0).get(1);
        Database db = Databases.open(DatabaseConfig.file(file)).block(WAIT);
        try {
            Session s = db.connect();
            Throwable err = null;
            try {
                scriptUnchecked(s, "INSERT INTO people(name) VALUES ('fresh-name'), ('" + existing.replace("'", "''") + "')");
            } catch (RuntimeException e) {
                if (e instanceof UnsupportedOperationException || e.getCause() instanceof UnsupportedOperationException) {
                    org.junit.jupiter.api.Assumptions.abort("the engine runtime's store does not open index B-trees yet");
                }
                err = e;
            }
            assertThat(err).isNotNull();
            assertThat(err.getMessage()).contains("UNIQUE constraint failed: people.name");
            assertThat(rows(s, "SELECT * FROM people ORDER BY id")).hasSameSizeAs(before);
        } finally {
            db.close().block(WAIT);
        }
        integrityOk(file);
        assertThat(sqlite(file, "SELECT * FROM people ORDER BY id").size()).isEqualTo(before.size());
    }

    @Test
    void createdIndexesAutoIndexesAndDropsPassIntegrityCheck() throws Exception {
        Path file = tmp.resolve("new.db");
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        Database db = Databases.open(DatabaseConfig.file(file)).block(WAIT);
        try {
            Session s = db.connect();
            script(s, "CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT UNIQUE, b REAL, c BLOB)");
            script(s, "CREATE TABLE w(p, q TEXT COLLATE NOCASE, r, PRIMARY KEY(p, q), UNIQUE(r DESC))");
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 400; i++) {
                sb.append("INSERT OR IGNORE INTO t(a, b, c) VALUES ('k").append(rnd.nextInt(1000)).append(' ')
                        .append("x".repeat(rnd.nextInt(300))).append("', ").append(rnd.nextInt(50) / 4.0)
                        .append(", randomblob(").append(rnd.nextInt(20)).append("));\n");
                sb.append("INSERT OR REPLACE INTO w VALUES (").append(rnd.nextInt(30)).append(", 'Q")
                        .append(rnd.nextInt(5)).append("', ").append(rnd.nextInt(200)).append(");\n");
            }
            script(s, sb.toString());
            script(s, "CREATE INDEX t_b ON t(b DESC, a COLLATE NOCASE)");
            script(s, "CREATE INDEX t_c ON t(c)");
            script(s, "DELETE FROM t WHERE b > 8");
            script(s, "UPDATE t SET b = b / 2 WHERE id % 2 = 0");
            script(s, "DROP INDEX t_c");
            script(s, "CREATE TABLE gone(x UNIQUE, y)");
            script(s, "INSERT INTO gone SELECT a, b FROM t");
            script(s, "DROP TABLE gone");
        } finally {
            db.close().block(WAIT);
        }
        try {
            integrityOk(file);
            assertThat(sqlite(file, "SELECT name FROM sqlite_schema ORDER BY name")).containsExactly(
                    List.of("sqlite_autoindex_t_1"), List.of("sqlite_autoindex_w_1"), List.of("sqlite_autoindex_w_2"),
                    List.of("t"), List.of("t_b"), List.of("w"));
            assertThat(sqlite(file, "PRAGMA freelist_count").get(0).get(0)).isNotEqualTo(0L);
        } catch (AssertionError e) {
            throw new AssertionError("seed " + seed + ": " + e.getMessage(), e);
        }
    }
}
