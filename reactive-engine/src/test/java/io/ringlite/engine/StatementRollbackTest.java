package io.ringlite.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import io.ringlite.storage.io.IoKind;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A statement that fails half-way inside an explicit transaction is undone on its own (SQLite's
 * ABORT): the transaction's earlier changes stay, the failed statement's rows, page splits and
 * new pages are gone, and scans later in the same transaction read the restored trees. The
 * final file passes SQLite's integrity check.
 */
class StatementRollbackTest {
    @TempDir
    Path tmp;

    private static String values(int from, int to, int padding) {
        StringBuilder sql = new StringBuilder();
        for (int i = from; i <= to; i++) {
            sql.append(i == from ? "" : ",").append('(').append(i).append(", '")
                    .append(String.valueOf((char) ('a' + i % 26)).repeat(padding)).append("')");
        }
        return sql.toString();
    }

    @ParameterizedTest
    @EnumSource(value = IoKind.class, names = {"SIMULATED", "PORTABLE"})
    void failedMultiRowStatementsInATransactionLeaveTheEarlierChangesAndNothingElse(IoKind kind) throws Exception {
        TestDatabases t = new TestDatabases(kind, tmp);
        Database db = t.open();
        try {
            Session s = db.connect();
            Sql.run(s, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
            Sql.run(s, "BEGIN");
            Sql.run(s, "INSERT INTO t VALUES " + values(1, 400, 50));
            long expectedLength = 400L * 50;

            // Rows 401..800 go in (splitting pages, allocating new ones) before id 1 collides.
            assertThatThrownBy(() -> Sql.run(s, "INSERT INTO t VALUES " + values(401, 800, 300) + ", (1, 'dup')"))
                    .isInstanceOfSatisfying(DatabaseException.class,
                            e -> assertThat(e.code().primary()).isEqualTo(ResultCode.CONSTRAINT));
            assertThat(s.isAutoCommit()).as("the transaction survives its failed statement").isFalse();
            assertThat(Sql.rows(s, "SELECT count(*), sum(length(v)), max(id) FROM t"))
                    .containsExactly(List.of(400L, expectedLength, 400L));

            // Rewrites every row with a longer value until row 300 fails its NOT NULL.
            assertThatThrownBy(() -> Sql.run(s,
                    "UPDATE t SET v = CASE WHEN id = 300 THEN NULL ELSE v || '" + "z".repeat(200) + "' END"))
                    .isInstanceOfSatisfying(DatabaseException.class,
                            e -> assertThat(e.code().primary()).isEqualTo(ResultCode.CONSTRAINT));
            assertThat(Sql.rows(s, "SELECT count(*), sum(length(v)) FROM t WHERE id BETWEEN 1 AND 400"))
                    .containsExactly(List.of(400L, expectedLength));
            assertThat(Sql.rows(s, "SELECT v FROM t WHERE id = 299")).containsExactly(List.of("n".repeat(50)));

            Sql.run(s, "INSERT INTO t VALUES (401, 'after')");
            Sql.run(s, "COMMIT");
            assertThat(Sql.rows(s, "SELECT count(*), sum(length(v)) FROM t"))
                    .containsExactly(List.of(401L, expectedLength + 5));
        } finally {
            db.close().block(Sql.WAIT);
        }
        Path real = t.realFile(tmp);
        assertThat(TestDatabases.sqlite(real, "PRAGMA integrity_check")).containsExactly("ok");
        assertThat(TestDatabases.sqlite(real, "SELECT count(*) || '|' || sum(length(v)) FROM t"))
                .containsExactly("401|" + (400L * 50 + 5));
    }
}
