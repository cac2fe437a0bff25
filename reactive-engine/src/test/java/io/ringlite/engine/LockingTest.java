package io.ringlite.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringlite.engine.exec.EngineDatabase;
import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import io.ringlite.storage.io.IoKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** One writer at a time; the others wait asynchronously, FIFO, up to the busy timeout. */
class LockingTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(IoKind.class)
    void aSecondWriterWaitsForTheFirstTransactionAndThenProceeds(IoKind kind) {
        TestDatabases t = new TestDatabases(kind, tmp);
        Database db = t.open();
        try {
            Session a = db.connect();
            Session b = db.connect();
            Sql.run(a, "CREATE TABLE t(a)");
            Sql.run(a, "BEGIN");
            Sql.run(a, "INSERT INTO t VALUES (1)");

            List<String> events = new CopyOnWriteArrayList<>();
            Mono<Outcome> bInsert = b.execute(Sql.prepare(b, "INSERT INTO t VALUES (2)"), List.of())
                    .last().doOnNext(o -> events.add("b inserted"));
            Mono<Outcome> bResult = bInsert.cache();
            bResult.subscribe();
            // b cannot have finished: a holds the write lock until its COMMIT below
            Sql.run(a, "INSERT INTO t VALUES (3)");
            events.add("a committing");
            Sql.run(a, "COMMIT");
            assertThat(bResult.block(Sql.WAIT)).isEqualTo(new Outcome.Done(1, 3));
            assertThat(events).containsExactly("a committing", "b inserted");
            assertThat(Sql.rows(b, "SELECT a FROM t")).containsExactly(List.of(1L), List.of(3L), List.of(2L));
        } finally {
            db.close().block(Sql.WAIT);
        }
    }

    @ParameterizedTest
    @EnumSource(IoKind.class)
    void aWriterGivesUpWithDatabaseIsLockedAfterTheBusyTimeout(IoKind kind) {
        TestDatabases t = new TestDatabases(kind, tmp);
        Database db = t.open(t.config().withBusyTimeout(Duration.ofMillis(50)));
        try {
            Session a = db.connect();
            Session b = db.connect();
            Sql.run(a, "CREATE TABLE t(a)");
            Sql.run(a, "BEGIN");
            Sql.run(a, "INSERT INTO t VALUES (1)");
            StepVerifier.create(b.execute(Sql.prepare(b, "INSERT INTO t VALUES (2)"), List.of()))
                    .expectErrorSatisfies(e -> {
                        assertThat(e).isInstanceOf(DatabaseException.class).hasMessage("database is locked");
                        assertThat(((DatabaseException) e).code()).isEqualTo(ResultCode.BUSY);
                    })
                    .verify(Sql.WAIT);
            // a's transaction is untouched, and b can write once it is committed
            Sql.run(a, "COMMIT");
            Sql.run(b, "INSERT INTO t VALUES (2)");
            assertThat(Sql.rows(a, "SELECT a FROM t")).containsExactly(List.of(1L), List.of(2L));
        } finally {
            db.close().block(Sql.WAIT);
        }
    }

    @ParameterizedTest
    @EnumSource(IoKind.class)
    void readersNeverSeeAnotherSessionsUncommittedRows(IoKind kind) {
        TestDatabases t = new TestDatabases(kind, tmp);
        Database db = t.open();
        try {
            Session a = db.connect();
            Session b = db.connect();
            Sql.run(a, "CREATE TABLE t(a)");
            Sql.run(a, "INSERT INTO t VALUES (1)");
            Sql.run(a, "BEGIN");
            Sql.run(a, "INSERT INTO t VALUES (2)");
            Mono<List<Outcome>> read = b.execute(Sql.prepare(b, "SELECT a FROM t"), List.of()).collectList().cache();
            read.subscribe();
            Sql.run(a, "ROLLBACK");
            List<Outcome> seen = read.block(Sql.WAIT);
            assertThat(seen).hasSize(2);
            assertThat(((Outcome.Row) seen.get(0)).values()).containsExactly(1L);
            assertThat(seen.get(1)).isEqualTo(new Outcome.Done(0, 0));
        } finally {
            db.close().block(Sql.WAIT);
        }
    }

    @ParameterizedTest
    @EnumSource(IoKind.class)
    void aReaderUpgradingToWriteIsNotStuckBehindAWriterWaitingForItsReadLock(IoKind kind) {
        TestDatabases t = new TestDatabases(kind, tmp);
        // long enough that waiting for the other side to time out would fail this test's block()
        Database db = t.open(t.config().withBusyTimeout(Duration.ofMinutes(5)));
        try {
            Session a = db.connect();
            Session b = db.connect();
            Sql.run(a, "CREATE TABLE t(a)");
            Sql.run(a, "BEGIN");
            assertThat(Sql.rows(a, "SELECT a FROM t")).isEmpty();
            Mono<Outcome> bInsert = b.execute(Sql.prepare(b, "INSERT INTO t VALUES (2)"), List.of()).last().cache();
            bInsert.subscribe();
            EngineDatabase engine = (EngineDatabase) db;
            while (engine.sessionsWaitingForLocks() == 0) {
                Thread.onSpinWait();
            }
            Sql.run(a, "INSERT INTO t VALUES (1)");
            Sql.run(a, "COMMIT");
            assertThat(bInsert.block(Sql.WAIT)).isEqualTo(new Outcome.Done(1, 2));
            assertThat(Sql.rows(a, "SELECT a FROM t")).containsExactly(List.of(1L), List.of(2L));
        } finally {
            db.close().block(Sql.WAIT);
        }
    }
}
