package io.ringlite.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import io.ringlite.storage.io.IoKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** SQL through the whole stack (compiler, VM, B-trees, pager, WAL, backend) on every backend. */
class EngineEndToEndTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(IoKind.class)
    void createInsertWithParametersAndMultiRowValuesThenSelectWithWhereOrderByLimit(IoKind kind) {
        TestDatabases t = new TestDatabases(kind, tmp);
        Database db = t.open();
        try {
            Session s = db.connect();
            Sql.run(s, "CREATE TABLE people(id INTEGER PRIMARY KEY, name TEXT, score REAL)");
            List<Outcome> one = Sql.run(s, "INSERT INTO people(name, score) VALUES (?, ?)", "ada", 9.5);
            assertThat(one).containsExactly(new Outcome.Done(1, 1));
            List<Outcome> three = Sql.run(s,
                    "INSERT INTO people(name, score) VALUES ('brian', 7), ('cleo', 8.25), (?1, ?2)", "dan", 3);
            assertThat(three).containsExactly(new Outcome.Done(3, 4));

            assertThat(Sql.rows(s, "SELECT id, name, score FROM people ORDER BY id")).containsExactly(
                    List.of(1L, "ada", 9.5), List.of(2L, "brian", 7.0), List.of(3L, "cleo", 8.25),
                    List.of(4L, "dan", 3.0));
            assertThat(Sql.rows(s, "SELECT name FROM people WHERE score > ? ORDER BY score DESC LIMIT 2", 5))
                    .containsExactly(List.of("ada"), List.of("cleo"));
        } finally {
            db.close().block(Sql.WAIT);
        }
    }

    @ParameterizedTest
    @EnumSource(IoKind.class)
    void beginCommitPublishesAndRollbackDiscards(IoKind kind) {
        TestDatabases t = new TestDatabases(kind, tmp);
        Database db = t.open();
        try {
            Session s = db.connect();
            Sql.run(s, "CREATE TABLE t(a)");
            Sql.run(s, "BEGIN");
            assertThat(s.isAutoCommit()).isFalse();
            Sql.run(s, "INSERT INTO t VALUES (1)");
            Sql.run(s, "INSERT INTO t VALUES (2)");
            Sql.run(s, "COMMIT");
            assertThat(s.isAutoCommit()).isTrue();

            Sql.run(s, "BEGIN");
            Sql.run(s, "INSERT INTO t VALUES (3)");
            assertThat(Sql.rows(s, "SELECT a FROM t")).containsExactly(List.of(1L), List.of(2L), List.of(3L));
            Sql.run(s, "ROLLBACK");
            assertThat(s.isAutoCommit()).isTrue();

            Session other = db.connect();
            assertThat(Sql.rows(other, "SELECT a FROM t")).containsExactly(List.of(1L), List.of(2L));
        } finally {
            db.close().block(Sql.WAIT);
        }
    }

    @ParameterizedTest
    @EnumSource(IoKind.class)
    void transactionControlErrorsUseSqlitesMessages(IoKind kind) {
        TestDatabases t = new TestDatabases(kind, tmp);
        Database db = t.open();
        try {
            Session s = db.connect();
            assertThatThrownBy(() -> Sql.run(s, "COMMIT"))
                    .isInstanceOf(DatabaseException.class)
                    .hasMessage("cannot commit - no transaction is active");
            assertThatThrownBy(() -> Sql.run(s, "ROLLBACK"))
                    .hasMessage("cannot rollback - no transaction is active");
            Sql.run(s, "BEGIN");
            assertThatThrownBy(() -> Sql.run(s, "BEGIN"))
                    .hasMessage("cannot start a transaction within a transaction");
            assertThat(s.isAutoCommit()).isFalse();
            Sql.run(s, "COMMIT");
        } finally {
            db.close().block(Sql.WAIT);
        }
    }

    @ParameterizedTest
    @EnumSource(IoKind.class)
    void aFileWrittenAndClosedReadsBackAfterReopening(IoKind kind) {
        TestDatabases t = new TestDatabases(kind, tmp);
        Database db = t.open();
        Session s = db.connect();
        Sql.run(s, "CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT, c BLOB)");
        List<Object> args = new ArrayList<>();
        StringBuilder values = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            values.append(i == 0 ? "" : ", ").append("(?, ?, ?)");
            args.add(i);
            args.add("row " + i + " " + "x".repeat(i % 50));
            args.add(new byte[] {(byte) i, 1, 2});
        }
        Sql.run(s, "BEGIN");
        s.execute(Sql.prepare(s, "INSERT INTO t(a, b, c) VALUES " + values), args).blockLast(Sql.WAIT);
        Sql.run(s, "COMMIT");
        db.close().block(Sql.WAIT);

        Database again = t.open();
        try {
            Session r = again.connect();
            List<List<Object>> rows = Sql.rows(r, "SELECT a, b, c FROM t");
            assertThat(rows).hasSize(300);
            assertThat(rows.get(123).get(0)).isEqualTo(123L);
            assertThat(rows.get(123).get(1)).isEqualTo("row 123 " + "x".repeat(23));
            assertThat((byte[]) rows.get(123).get(2)).containsExactly(123, 1, 2);
        } finally {
            again.close().block(Sql.WAIT);
        }
    }

    @ParameterizedTest
    @EnumSource(IoKind.class)
    void theFileWrittenPassesSqlitesIntegrityCheckAndHoldsTheRows(IoKind kind) throws Exception {
        TestDatabases t = new TestDatabases(kind, tmp);
        Database db = t.open();
        Session s = db.connect();
        Sql.run(s, "CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT)");
        Sql.run(s, "CREATE TABLE u(x, y)");
        Sql.run(s, "BEGIN");
        for (int i = 0; i < 50; i++) {
            Sql.run(s, "INSERT INTO t(b) VALUES (?)", "value-" + i + "-" + "y".repeat(200));
        }
        Sql.run(s, "COMMIT");
        Sql.run(s, "INSERT INTO u VALUES (1, 'one'), (2.5, x'00ff'), (NULL, 'three')");
        db.close().block(Sql.WAIT);

        Path real = t.realFile(tmp);
        assertThat(TestDatabases.sqlite(real, "PRAGMA integrity_check")).containsExactly("ok");
        assertThat(TestDatabases.sqlite(real, "SELECT count(*) FROM t")).containsExactly("50");
        assertThat(TestDatabases.sqlite(real, "SELECT b FROM t WHERE a = 7"))
                .containsExactly("value-6-" + "y".repeat(200));
        assertThat(TestDatabases.sqlite(real, "SELECT quote(x) || ',' || quote(y) FROM u ORDER BY rowid"))
                .containsExactly("1,'one'", "2.5,X'00FF'", "NULL,'three'");
    }

    @ParameterizedTest
    @EnumSource(IoKind.class)
    void explainEmitsTheProgramListing(IoKind kind) {
        TestDatabases t = new TestDatabases(kind, tmp);
        Database db = t.open();
        try {
            Session s = db.connect();
            Sql.run(s, "CREATE TABLE t(a)");
            PreparedStatement p = Sql.prepare(s, "EXPLAIN SELECT a FROM t");
            assertThat(p.columnNames()).containsExactly("addr", "opcode", "p1", "p2", "p3", "p4", "p5", "comment");
            List<List<Object>> rows = Sql.rows(s, "EXPLAIN SELECT a FROM t");
            assertThat(rows).hasSize(p.explain().size());
            assertThat(rows.get(0).get(0)).isEqualTo(0L);
            assertThat(rows.get(0).get(1)).isEqualTo("Init");
            assertThat(rows).anySatisfy(r -> assertThat(r.get(1)).isEqualTo("ResultRow"));
            assertThat(rows).anySatisfy(r -> assertThat(r.get(1)).isEqualTo("Halt"));
        } finally {
            db.close().block(Sql.WAIT);
        }
    }

    @ParameterizedTest
    @EnumSource(IoKind.class)
    void aFailedStatementInsideATransactionLeavesTheTransactionOpen(IoKind kind) {
        TestDatabases t = new TestDatabases(kind, tmp);
        Database db = t.open();
        try {
            Session s = db.connect();
            Sql.run(s, "CREATE TABLE t(a INTEGER PRIMARY KEY)");
            Sql.run(s, "BEGIN");
            Sql.run(s, "INSERT INTO t VALUES (1)");
            assertThatThrownBy(() -> Sql.run(s, "INSERT INTO t VALUES (2), (1)"))
                    .isInstanceOfSatisfying(DatabaseException.class,
                            e -> assertThat(e.code().primary()).isEqualTo(ResultCode.CONSTRAINT));
            assertThat(s.isAutoCommit()).isFalse();
            Sql.run(s, "INSERT INTO t VALUES (3)");
            Sql.run(s, "COMMIT");
            // the failed statement's own row (2) was rolled back with it; the others stay
            assertThat(Sql.rows(s, "SELECT a FROM t")).containsExactly(List.of(1L), List.of(3L));
        } finally {
            db.close().block(Sql.WAIT);
        }
    }

    @ParameterizedTest
    @EnumSource(IoKind.class)
    void syntaxErrorsAndUnknownTablesFailThePrepare(IoKind kind) {
        TestDatabases t = new TestDatabases(kind, tmp);
        Database db = t.open();
        try {
            Session s = db.connect();
            assertThatThrownBy(() -> Sql.prepare(s, "SELEC 1"))
                    .isInstanceOfSatisfying(DatabaseException.class, e -> {
                        assertThat(e.code()).isEqualTo(ResultCode.ERROR);
                        assertThat(e.getMessage()).isEqualTo("near \"SELEC\": syntax error");
                    });
            assertThatThrownBy(() -> Sql.prepare(s, "SELECT * FROM nope"))
                    .hasMessage("no such table: nope");
            assertThat(Sql.prepare(s, "  -- only a comment\n")).isNull();
            // the session is still fine
            assertThat(Sql.rows(s, "SELECT 1 + 1")).containsExactly(List.of(2L));
        } finally {
            db.close().block(Sql.WAIT);
        }
    }
}
