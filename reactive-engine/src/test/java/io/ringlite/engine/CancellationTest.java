package io.ringlite.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringlite.storage.io.IoKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.test.StepVerifier;

/**
 * Per-query cancellation: a scan cancelled midway stops, releases its cursor and its read
 * transaction, and leaves its session usable; another session's statement is untouched.
 */
class CancellationTest {
    static final int ROWS = 20_000;

    @TempDir
    Path tmp;

    static void fill(Session s, int rows) {
        Sql.run(s, "CREATE TABLE big(id INTEGER PRIMARY KEY, x INTEGER, pad TEXT)");
        Sql.run(s, "BEGIN");
        for (int start = 0; start < rows; start += 1000) {
            StringBuilder sql = new StringBuilder("INSERT INTO big(x, pad) VALUES ");
            for (int i = start; i < Math.min(rows, start + 1000); i++) {
                sql.append(i == start ? "" : ",").append('(').append(i).append(", 'padding-").append(i).append("')");
            }
            Sql.run(s, sql.toString());
        }
        Sql.run(s, "COMMIT");
    }

    @ParameterizedTest
    @EnumSource(IoKind.class)
    void cancellingAScanStopsItLeavesTheSessionUsableAndLeavesOtherSessionsAlone(IoKind kind) {
        TestDatabases t = new TestDatabases(kind, tmp);
        // A short busy timeout: if the cancelled scan kept its read lock, the write below would fail.
        Database db = t.open(t.config().withBusyTimeout(Duration.ofMillis(500)));
        try {
            Session a = db.connect();
            Session b = db.connect();
            fill(a, ROWS);

            PreparedStatement scan = Sql.prepare(a, "SELECT id, x, pad FROM big");
            AtomicBoolean aDone = new AtomicBoolean();
            // Session a: a slow consumer that would need ROWS requests; it takes 5 rows and cancels,
            // while session b runs a whole scan of its own in the middle of a's.
            StepVerifier.create(a.execute(scan, List.of()).doOnNext(o -> {
                        if (o instanceof Outcome.Done) {
                            aDone.set(true);
                        }
                    }), 0)
                    .thenRequest(1)
                    .assertNext(o -> assertThat(((Outcome.Row) o).get(0)).isEqualTo(1L))
                    .then(() -> {
                        List<Outcome> all = Sql.run(b, "SELECT id FROM big");
                        assertThat(all).hasSize(ROWS + 1);
                        assertThat(all.get(ROWS)).isEqualTo(new Outcome.Done(0, 0));
                    })
                    .thenRequest(4)
                    .expectNextCount(4)
                    .thenCancel()
                    .verify(Sql.WAIT);
            assertThat(aDone).isFalse();

            // Session b can write at once: a's cancelled scan released its read transaction.
            assertThat(Sql.run(b, "INSERT INTO big(x) VALUES (-1)")).containsExactly(new Outcome.Done(1, ROWS + 1));
            // Session a runs its next statement normally.
            assertThat(Sql.rows(a, "SELECT x FROM big WHERE id = ?", ROWS + 1)).containsExactly(List.of(-1L));
            assertThat(a.isAutoCommit()).isTrue();
        } finally {
            db.close().block(Sql.WAIT);
        }
    }

    /**
     * An aggregate over a cross join of the table with itself (4e8 row pairs: minutes if it ran to
     * the end) emits nothing until it is done, so only the runtime's periodic yield lets anything
     * else onto the loop while it runs: another session's read must complete meanwhile, the
     * cancel must stop it, and its session must run the next statement normally.
     */
    @ParameterizedTest
    @EnumSource(IoKind.class)
    void cancellingALongAggregateThatEmitsNoRowsStopsItWhileOtherSessionsKeepRunning(IoKind kind) {
        TestDatabases t = new TestDatabases(kind, tmp);
        Database db = t.open(t.config().withBusyTimeout(Duration.ofMillis(500)));
        try {
            Session a = db.connect();
            Session b = db.connect();
            fill(a, ROWS);
            long sumOfX = (long) ROWS * (ROWS - 1) / 2;

            PreparedStatement heavy = Sql.prepare(a,
                    "SELECT count(*), sum(p.x * q.x) FROM big AS p, big AS q WHERE (p.x + q.x) % 7 = 3 AND q.pad <> p.pad");
            AtomicBoolean aSignalled = new AtomicBoolean();
            StepVerifier.create(a.execute(heavy, List.of()).doOnEach(signal -> {
                        if (!signal.isOnSubscribe()) {
                            aSignalled.set(true);
                        }
                    }))
                    .expectSubscription()
                    .then(() -> {
                        // Session b reads while a's aggregate holds nothing but the loop's turns.
                        assertThat(Sql.rows(b, "SELECT count(*), sum(x) FROM big"))
                                .containsExactly(List.of((long) ROWS, sumOfX));
                        assertThat(Sql.rows(b, "SELECT pad FROM big WHERE id = ?", 7L))
                                .containsExactly(List.of("padding-6"));
                    })
                    .thenCancel()
                    .verify(Sql.WAIT);
            assertThat(aSignalled).as("a cancelled statement signals nothing: no row, no Done, no error").isFalse();

            // The cancelled statement released its read transaction: b can write at once.
            assertThat(Sql.run(b, "INSERT INTO big(x, pad) VALUES (-1, 'last')")).containsExactly(new Outcome.Done(1, ROWS + 1));
            // Session a is usable and sees the committed row.
            assertThat(Sql.rows(a, "SELECT count(*), min(x) FROM big")).containsExactly(List.of((long) ROWS + 1, -1L));
            assertThat(a.isAutoCommit()).isTrue();
        } finally {
            StepVerifier.create(db.close()).expectComplete().verify(Sql.WAIT);
        }
    }

    @ParameterizedTest
    @EnumSource(IoKind.class)
    void aStatementCancelledBeforeAnyDemandNeverRunsAndKeepsTheTransaction(IoKind kind) {
        TestDatabases t = new TestDatabases(kind, tmp);
        Database db = t.open();
        try {
            Session a = db.connect();
            Sql.run(a, "CREATE TABLE t(a)");
            Sql.run(a, "BEGIN");
            Sql.run(a, "INSERT INTO t VALUES (1)");
            // Without demand the program is never stepped, so cancelling it changes nothing.
            StepVerifier.create(a.execute(Sql.prepare(a, "INSERT INTO t VALUES (2)"), List.of()), 0)
                    .thenCancel()
                    .verify(Sql.WAIT);
            assertThat(a.isAutoCommit()).isFalse();
            Sql.run(a, "COMMIT");
            assertThat(Sql.rows(a, "SELECT a FROM t")).containsExactly(List.of(1L));
        } finally {
            db.close().block(Sql.WAIT);
        }
    }
}
