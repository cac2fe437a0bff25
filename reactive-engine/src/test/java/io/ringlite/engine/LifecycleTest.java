package io.ringlite.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringlite.engine.exec.EngineDatabase;
import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import io.ringlite.storage.io.IoKind;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.test.StepVerifier;

/** Schema changes across sessions, in-memory databases, closing sessions and databases. */
class LifecycleTest {
    @TempDir
    Path tmp;

    @Test
    void inMemoryDatabasesWorkAndAreIndependentOfEachOther() {
        Database one = Databases.open(DatabaseConfig.memory()).block(Sql.WAIT);
        Database two = Databases.open(DatabaseConfig.memory()).block(Sql.WAIT);
        try {
            Session s = one.connect();
            Sql.run(s, "CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT)");
            Sql.run(s, "INSERT INTO t(b) VALUES ('x'), ('y')");
            assertThat(Sql.rows(s, "SELECT a, b FROM t")).containsExactly(List.of(1L, "x"), List.of(2L, "y"));
            assertThatThrownBy(() -> Sql.prepare(two.connect(), "SELECT * FROM t")).hasMessage("no such table: t");
        } finally {
            one.close().block(Sql.WAIT);
            two.close().block(Sql.WAIT);
        }
    }

    @ParameterizedTest
    @EnumSource(IoKind.class)
    void aTableCreatedInOneSessionIsVisibleToTheOthersAndToStatementsPreparedBefore(IoKind kind) {
        TestDatabases t = new TestDatabases(kind, tmp);
        Database db = t.open();
        try {
            Session a = db.connect();
            Session b = db.connect();
            Sql.run(a, "CREATE TABLE t(a)");
            PreparedStatement insertIntoT = Sql.prepare(b, "INSERT INTO t VALUES (42)");
            Sql.run(a, "CREATE TABLE u(x)");
            // prepared under the older schema: recompiled from its text before it runs
            b.execute(insertIntoT, List.of()).blockLast(Sql.WAIT);
            Sql.run(b, "INSERT INTO u VALUES ('new')");
            assertThat(Sql.rows(a, "SELECT x FROM u")).containsExactly(List.of("new"));
            assertThat(Sql.rows(a, "SELECT a FROM t")).containsExactly(List.of(42L));
        } finally {
            db.close().block(Sql.WAIT);
        }
    }

    @ParameterizedTest
    @EnumSource(IoKind.class)
    void aRolledBackCreateTableLeavesNoTable(IoKind kind) {
        TestDatabases t = new TestDatabases(kind, tmp);
        Database db = t.open();
        try {
            Session a = db.connect();
            Sql.run(a, "BEGIN");
            Sql.run(a, "CREATE TABLE t(a)");
            Sql.run(a, "INSERT INTO t VALUES (1)");
            assertThat(Sql.rows(a, "SELECT a FROM t")).containsExactly(List.of(1L));
            Sql.run(a, "ROLLBACK");
            assertThatThrownBy(() -> Sql.prepare(a, "SELECT a FROM t")).hasMessage("no such table: t");
            Sql.run(a, "CREATE TABLE t(b)");
            Sql.run(a, "INSERT INTO t VALUES (2)");
            assertThat(Sql.rows(a, "SELECT b FROM t")).containsExactly(List.of(2L));
        } finally {
            db.close().block(Sql.WAIT);
        }
    }

    @ParameterizedTest
    @EnumSource(IoKind.class)
    void closingTheDatabaseRollsBackOpenTransactionsAndKeepsCommittedOnes(IoKind kind) {
        TestDatabases t = new TestDatabases(kind, tmp);
        Database db = t.open();
        Session a = db.connect();
        Sql.run(a, "CREATE TABLE t(a)");
        Sql.run(a, "INSERT INTO t VALUES (1)");
        Sql.run(a, "BEGIN");
        Sql.run(a, "INSERT INTO t VALUES (2)");
        db.close().block(Sql.WAIT);
        // closing twice is fine; using it afterwards is a MISUSE
        db.close().block(Sql.WAIT);
        assertThatThrownBy(db::connect).isInstanceOfSatisfying(DatabaseException.class,
                e -> assertThat(e.code()).isEqualTo(ResultCode.MISUSE));

        Database again = t.open();
        try {
            assertThat(Sql.rows(again.connect(), "SELECT a FROM t")).containsExactly(List.of(1L));
        } finally {
            again.close().block(Sql.WAIT);
        }
    }

    @ParameterizedTest
    @EnumSource(IoKind.class)
    void closingASessionRollsBackItsTransactionAndRefusesNewStatements(IoKind kind) {
        TestDatabases t = new TestDatabases(kind, tmp);
        Database db = t.open();
        try {
            Session a = db.connect();
            Sql.run(a, "CREATE TABLE t(a)");
            PreparedStatement select = Sql.prepare(a, "SELECT a FROM t");
            Sql.run(a, "BEGIN");
            Sql.run(a, "INSERT INTO t VALUES (1)");
            a.close().block(Sql.WAIT);
            StepVerifier.create(a.execute(select, List.of()))
                    .expectErrorSatisfies(e -> assertThat(((DatabaseException) e).code()).isEqualTo(ResultCode.MISUSE))
                    .verify(Sql.WAIT);
            // its write lock is gone: another session writes and sees no row 1
            Session b = db.connect();
            Sql.run(b, "INSERT INTO t VALUES (2)");
            assertThat(Sql.rows(b, "SELECT a FROM t")).containsExactly(List.of(2L));
        } finally {
            db.close().block(Sql.WAIT);
        }
    }

    @ParameterizedTest
    @EnumSource(IoKind.class)
    void interruptingAnInsertInsideAnExplicitTransactionRollsItBack(IoKind kind) {
        TestDatabases t = new TestDatabases(kind, tmp);
        Database db = t.open();
        try {
            Session a = db.connect();
            Session b = db.connect();
            Sql.run(a, "CREATE TABLE t(a)");
            Sql.run(b, "BEGIN");
            Sql.run(b, "INSERT INTO t VALUES (1)");
            Sql.run(a, "BEGIN");
            // a's INSERT waits for b's write lock; cancelling interrupts it, and SQLite rolls back
            // the whole explicit transaction of an interrupted INSERT/UPDATE/DELETE
            EngineDatabase engine = (EngineDatabase) db;
            StepVerifier.create(a.execute(Sql.prepare(a, "INSERT INTO t VALUES (2)"), List.of()))
                    .then(() -> {
                        while (engine.sessionsWaitingForLocks() == 0) {
                            Thread.onSpinWait();
                        }
                    })
                    .thenCancel()
                    .verify(Sql.WAIT);
            Sql.run(b, "COMMIT");
            assertThat(engine.sessionsWaitingForLocks()).isZero();
            assertThat(Sql.rows(a, "SELECT a FROM t")).containsExactly(List.of(1L));
            assertThat(a.isAutoCommit()).isTrue();
        } finally {
            db.close().block(Sql.WAIT);
        }
    }

    @ParameterizedTest
    @EnumSource(IoKind.class)
    void closingTheDatabaseFailsARunningStatementInsteadOfLeavingItHanging(IoKind kind) {
        TestDatabases t = new TestDatabases(kind, tmp);
        Database db = t.open();
        Session a = db.connect();
        Sql.run(a, "CREATE TABLE t(a)");
        Sql.run(a, "INSERT INTO t VALUES (1), (2), (3)");
        StepVerifier.create(a.execute(Sql.prepare(a, "SELECT a FROM t"), List.of()), 1)
                .expectNextCount(1)
                .then(() -> db.close().block(Sql.WAIT))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(DatabaseException.class)
                        .hasMessage("database is closed"))
                .verify(Sql.WAIT);
    }

    @ParameterizedTest
    @EnumSource(IoKind.class)
    void aReadOnlyDatabaseReadsButRefusesWrites(IoKind kind) {
        TestDatabases t = new TestDatabases(kind, tmp);
        Database db = t.open();
        Session s = db.connect();
        Sql.run(s, "CREATE TABLE t(a)");
        Sql.run(s, "INSERT INTO t VALUES (1)");
        db.close().block(Sql.WAIT);

        Database ro = t.open(t.config().withReadOnly(true));
        try {
            Session r = ro.connect();
            assertThat(Sql.rows(r, "SELECT a FROM t")).containsExactly(List.of(1L));
            assertThatThrownBy(() -> Sql.run(r, "INSERT INTO t VALUES (2)"))
                    .isInstanceOfSatisfying(DatabaseException.class,
                            e -> assertThat(e.code().primary()).isEqualTo(ResultCode.READONLY));
            assertThat(Sql.rows(r, "SELECT a FROM t")).containsExactly(List.of(1L));
        } finally {
            ro.close().block(Sql.WAIT);
        }
    }

    @ParameterizedTest
    @EnumSource(value = IoKind.class, names = {"PORTABLE", "URING"})
    void openingAFileAnotherDatabaseHoldsFailsWithDatabaseIsLocked(IoKind kind) {
        TestDatabases t = new TestDatabases(kind, tmp);
        Database db = t.open();
        try {
            Sql.run(db.connect(), "CREATE TABLE t(a)");
            assertThatThrownBy(t::open).isInstanceOfSatisfying(DatabaseException.class,
                    e -> assertThat(e.code().primary()).isEqualTo(ResultCode.BUSY));
            // the holder is unaffected
            Session s = db.connect();
            Sql.run(s, "INSERT INTO t VALUES (1)");
            assertThat(Sql.rows(s, "SELECT a FROM t")).containsExactly(List.of(1L));
        } finally {
            db.close().block(Sql.WAIT);
        }
    }

    @Test
    void openingSomethingThatIsNotADatabaseFailsWithNotADb() throws Exception {
        Path junk = tmp.resolve("junk.db");
        java.nio.file.Files.write(junk, "this is not a database, just some text that is long enough to fill a header"
                .repeat(20).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThatThrownBy(() -> Databases.open(DatabaseConfig.file(junk).withIo(IoKind.PORTABLE)).block(Sql.WAIT))
                .isInstanceOfSatisfying(DatabaseException.class,
                        e -> assertThat(e.code()).isEqualTo(ResultCode.NOTADB));
    }
}
