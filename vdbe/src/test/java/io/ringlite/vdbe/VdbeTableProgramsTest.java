package io.ringlite.vdbe;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringlite.vdbe.testing.MemoryBTreeStore;
import io.ringlite.vdbe.testing.SimpleVdbeContext;
import io.ringlite.vdbe.testing.VdbeRunner;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Programs shaped like sqlite3's for INSERT / SELECT / ORDER BY / LIMIT / aggregates / DELETE on
 * {@code t(a INTEGER, b TEXT)}, run on the VM over a TreeMap B-tree double and compared with real
 * SQLite (sqlite-jdbc) running the SQL itself; then the same workload is run with a seeded
 * schedule of injected Pending I/O and must give identical results.
 */
class VdbeTableProgramsTest {

    private static final String[] QUERIES = {
            "SELECT rowid, a, b FROM t",
            "SELECT a, b FROM t WHERE a > ?1 ORDER BY b DESC, a LIMIT ?2 OFFSET ?3",
            "SELECT count(*), sum(a), max(b), min(a), total(a), avg(a), group_concat(b) FROM t",
            "SELECT count(*) FROM t",
            "SELECT a, b FROM t WHERE rowid = ?1",
    };

    /** One random workload: rows to insert and query parameters. */
    private record Workload(List<Object[]> rows, List<Object[]> params, Object deleteBelow) { }

    private static Workload workload(long seed) {
        Random rnd = new Random(seed);
        List<Object[]> rows = new ArrayList<>();
        int n = 5 + rnd.nextInt(40);
        for (int i = 0; i < n; i++) {
            rows.add(new Object[] {randomValue(rnd), randomValue(rnd)});
        }
        List<Object[]> params = new ArrayList<>();
        params.add(new Object[] {});
        params.add(new Object[] {randomValue(rnd), (long) rnd.nextInt(8) - 1, (long) rnd.nextInt(3)});
        params.add(new Object[] {});
        params.add(new Object[] {});
        params.add(new Object[] {rnd.nextBoolean() ? (Object) (long) rnd.nextInt(n + 2) : String.valueOf(rnd.nextInt(n + 2))});
        return new Workload(rows, params, (long) rnd.nextInt(50) - 10);
    }

    private static Object randomValue(Random rnd) {
        return switch (rnd.nextInt(7)) {
            case 0 -> null;
            case 1, 2 -> (long) rnd.nextInt(100) - 20;
            case 3 -> rnd.nextInt(200) / 4.0;
            case 4 -> String.valueOf(rnd.nextInt(60));
            case 5 -> "s" + (char) ('a' + rnd.nextInt(26)) + rnd.nextInt(10);
            default -> rnd.nextInt(3) == 0 ? new byte[] {(byte) rnd.nextInt(256)} : (rnd.nextInt(50) + 0.5) + "";
        };
    }

    private static List<String> runOnVdbe(Workload w, MemoryBTreeStore store) {
        SimpleVdbeContext ctx = new SimpleVdbeContext(store);
        int root = store.createTableNow();
        List<String> out = new ArrayList<>();
        Program insert = TablePrograms.insert(root);
        for (Object[] row : w.rows()) {
            VdbeRunner.run(insert, ctx, row);
        }
        out.add("last=" + ctx.lastInsertRowid());
        Program[] queries = {TablePrograms.scan(root), TablePrograms.sortedPage(root),
                TablePrograms.aggregates(root), TablePrograms.countStar(root), TablePrograms.byRowid(root)};
        for (int q = 0; q < queries.length; q++) {
            out.add(QUERIES[q] + " " + Values.row(w.params().get(q)));
            out.addAll(Values.rows(VdbeRunner.run(queries[q], ctx, w.params().get(q))));
        }
        try (Vdbe vm = new Vdbe(TablePrograms.deleteBelow(root), ctx)) {
            vm.bind(1, w.deleteBelow());
            VdbeRunner.drain(vm, ctx);
            out.add("deleted=" + vm.changes());
        }
        ctx.endTransactionIfAutoCommit();
        out.add("after delete");
        out.addAll(Values.rows(VdbeRunner.run(queries[0], ctx)));
        assertThat(store.openCursors()).as("every cursor closed at Halt").isZero();
        return out;
    }

    private static List<String> runOnSqlite(Workload w) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:")) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t(a INTEGER, b TEXT)");
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO t(a, b) VALUES (?1, ?2)")) {
                for (Object[] row : w.rows()) {
                    bind(ps, row);
                    ps.executeUpdate();
                }
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT last_insert_rowid()")) {
                rs.next();
                out.add("last=" + rs.getLong(1));
            }
            for (int q = 0; q < QUERIES.length; q++) {
                out.add(QUERIES[q] + " " + Values.row(w.params().get(q)));
                out.addAll(query(c, QUERIES[q], w.params().get(q)));
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM t WHERE a < ?1")) {
                bind(ps, new Object[] {w.deleteBelow()});
                out.add("deleted=" + ps.executeUpdate());
            }
            out.add("after delete");
            out.addAll(query(c, QUERIES[0], new Object[] {}));
        }
        return out;
    }

    static List<String> query(Connection c, String sql, Object[] params) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    Object[] row = new Object[n];
                    for (int i = 0; i < n; i++) {
                        row[i] = rs.getObject(i + 1);
                    }
                    rows.add(Values.row(row));
                }
            }
        }
        return rows;
    }

    static void bind(PreparedStatement ps, Object[] params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            Object v = params[i];
            if (v == null) {
                ps.setNull(i + 1, java.sql.Types.NULL);
            } else {
                ps.setObject(i + 1, v);
            }
        }
    }

    @Test
    void tableProgramsGiveTheSameRowsAsSqlite() throws SQLException {
        for (long seed = 1; seed <= 120; seed++) {
            Workload w = workload(seed);
            assertThat(runOnVdbe(w, new MemoryBTreeStore()))
                    .as("seed %d", seed)
                    .containsExactlyElementsOf(runOnSqlite(w));
        }
    }

    @Test
    void injectedPendingIoDoesNotChangeAnyResult() {
        long totalPending = 0;
        for (long seed = 1; seed <= 120; seed++) {
            Workload w = workload(seed);
            List<String> plain = runOnVdbe(w, new MemoryBTreeStore());
            MemoryBTreeStore flaky = new MemoryBTreeStore(seed * 7919, 0.4);
            assertThat(runOnVdbe(w, flaky)).as("seed %d", seed).containsExactlyElementsOf(plain);
            totalPending += flaky.pendingCount();
        }
        assertThat(totalPending).as("the schedule really injected Pending").isGreaterThan(100);
    }
}
