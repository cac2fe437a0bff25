package io.ringlite.engine.compile;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Index plans over the real pager and B-trees ({@link FileMiniEngine}): UPDATE and DELETE read
 * an index while the statement then writes it, and the file stays one SQLite finds sound and
 * holding the expected rows.
 */
class IndexPlanFileTest {
    @TempDir
    Path tmp;

    @Test
    void updateAndDeleteThroughAnIndexLeaveAFileSqliteAccepts() throws Exception {
        Path file = tmp.resolve("plan.db");
        try (FileMiniEngine e = new FileMiniEngine(file)) {
            e.run("CREATE TABLE t(a INTEGER, b TEXT, c)");
            e.run("CREATE INDEX ta ON t(a)");
            e.run("CREATE INDEX tbc ON t(b, c DESC)");
            StringBuilder insert = new StringBuilder("INSERT INTO t VALUES ");
            for (int i = 0; i < 600; i++) {
                insert.append(i == 0 ? "" : ", ").append("(").append(i % 50).append(", 'k").append(i % 7)
                        .append("', ").append(i).append(")");
            }
            e.run(insert.toString());
            // The updated column is the one whose index the rows were found through.
            e.run("UPDATE t SET a = a + 100 WHERE a BETWEEN 10 AND 20");
            e.run("DELETE FROM t WHERE b = 'k3' AND c > 300");
            e.run("DELETE FROM t WHERE a IN (1, 2, '3')");
            e.run("UPDATE t SET b = 'z' WHERE rowid IN (5, 6, 7)");
            assertThat(e.run("SELECT count(*), sum(a), sum(c) FROM t WHERE a >= 100")).containsExactly(expected());
            assertThat(e.run("SELECT count(*) FROM t WHERE b = 'k3'")).isEqualTo(sqlite(file, "SELECT count(*) FROM t WHERE b = 'k3'"));
        }
        assertThat(sqlite(file, "PRAGMA integrity_check")).containsExactly(List.of("ok"));
        assertThat(sqlite(file, "SELECT count(*), sum(a), sum(c) FROM t WHERE a >= 100")).containsExactly(expected());
        assertThat(sqlite(file, "SELECT count(*) FROM t WHERE b = 'z'")).containsExactly(List.of(3L));
    }

    /** count(*), sum(a), sum(c) of the rows updated (a in 10..20) and not deleted afterwards. */
    private static List<Object> expected() {
        long count = 0;
        long sumA = 0;
        long sumC = 0;
        for (int i = 0; i < 600; i++) {
            int a = i % 50;
            boolean deleted = i % 7 == 3 && i > 300;
            if (a >= 10 && a <= 20 && !deleted) {
                count++;
                sumA += a + 100;
                sumC += i;
            }
        }
        return List.of(count, sumA, sumC);
    }

    private static List<List<Object>> sqlite(Path file, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            List<List<Object>> out = new ArrayList<>();
            int n = rs.getMetaData().getColumnCount();
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
}
