package io.ringlite.r2dbc;

import static io.ringlite.r2dbc.EngineEndToEndTest.query;
import static io.ringlite.r2dbc.EngineEndToEndTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Result;
import io.r2dbc.spi.ValidationDepth;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Per-query cancellation through the real engine: cancelling a long scan stops it, the same
 * connection runs its next statement, and another connection's statement is untouched.
 */
class CancellationEndToEndTest {

    private static final Duration HANG_GUARD = Duration.ofSeconds(60);
    private static final int ROWS = 5_000;
    /**
     * A full scan whose WHERE never holds and builds a 400 KB string per row: over {@link #ROWS}
     * rows it runs for seconds in the engine (about 0.1 ms per 10 KB of hex on the development
     * machine, so ~5 s; its duration is not asserted), producing no row before its end.
     */
    private static final String SLOW_SCAN = "SELECT count(*) FROM big WHERE length(hex(zeroblob(200000 + x % 7))) < 0";

    private RingliteConnectionFactory factory;
    private Connection conn;

    @BeforeAll
    static void blockHound() {
        BlockHoundSupport.install();
    }

    @BeforeEach
    void fill() {
        factory = RingliteConnectionFactory.from("r2dbc:ringlite:mem:");
        conn = factory.create().block(HANG_GUARD);
        run(conn, "CREATE TABLE big (x INTEGER PRIMARY KEY, pad TEXT)");
        run(conn, "BEGIN");
        String pad = "p".repeat(100);
        for (int s = 0; s < ROWS / 500; s++) {
            StringBuilder sql = new StringBuilder("INSERT INTO big (x, pad) VALUES ");
            for (int i = 0; i < 500; i++) {
                sql.append(i == 0 ? "(" : ",(").append(s * 500 + i).append(", '").append(pad).append("')");
            }
            run(conn, sql.toString());
        }
        run(conn, "COMMIT");
    }

    @AfterEach
    void close() {
        Mono.from(conn.close()).then(factory.close()).block(HANG_GUARD);
    }

    @Test
    void cancellingALongScanStopsItAndTheSameConnectionRunsTheNextStatement() throws Exception {
        Connection other = factory.create().block(HANG_GUARD);
        try {
            List<Object> scanned = new CopyOnWriteArrayList<>();
            List<Throwable> scanErrors = new CopyOnWriteArrayList<>();
            Disposable scan = Flux.from(conn.createStatement(SLOW_SCAN).execute())
                    .concatMap(r -> r.map(row -> row.get(0)))
                    .subscribe(scanned::add, scanErrors::add);

            // Another connection's statement, issued while the scan runs.
            CompletableFuture<List<Long>> untouched = Flux.from(other.createStatement(
                            "SELECT x FROM big WHERE x < 3 ORDER BY x").execute())
                    .concatMap(r -> r.map(row -> row.get(0, Long.class)))
                    .collectList().toFuture();

            Thread.sleep(300);
            scan.dispose();

            assertThat(untouched.get(HANG_GUARD.toSeconds(), TimeUnit.SECONDS)).containsExactly(0L, 1L, 2L);
            // The scan never reached its end (it would emit its count there), nor failed.
            assertThat(scanned).isEmpty();
            assertThat(scanErrors).isEmpty();

            // The same connection: usable at once, its read transaction released (a write succeeds).
            assertThat(query(conn, "SELECT count(*) FROM big", r -> r.get(0, Long.class))).containsExactly((long) ROWS);
            assertThat(Flux.from(conn.createStatement("INSERT INTO big (x, pad) VALUES (?, ?)")
                    .bind(0, ROWS).bind(1, "after").execute()).concatMap(Result::getRowsUpdated).blockLast(HANG_GUARD))
                    .isEqualTo(1L);
            assertThat(conn.isAutoCommit()).isTrue();
            assertThat(Mono.from(conn.validate(ValidationDepth.REMOTE)).block(HANG_GUARD)).isTrue();
            assertThat(query(other, "SELECT pad FROM big WHERE x = " + ROWS, r -> r.get(0, String.class)))
                    .containsExactly("after");
            // Statements of one connection run in order, so an uncancelled scan would have ended by now.
            assertThat(scanned).isEmpty();
        } finally {
            Mono.from(other.close()).block(HANG_GUARD);
        }
    }

    @Test
    void rowsStreamOnDemandAndTakingAFewCancelsTheRest() {
        var rows = Flux.from(conn.createStatement("SELECT x FROM big ORDER BY x").execute())
                .concatMap(r -> r.map(row -> row.get(0, Long.class)));
        reactor.test.StepVerifier.create(rows, 0)
                .expectSubscription()
                .thenRequest(1).expectNext(0L)
                .thenRequest(2).expectNext(1L, 2L)
                .thenCancel()
                .verify(HANG_GUARD);
        assertThat(Flux.from(conn.createStatement("SELECT x FROM big WHERE x >= ?").bind(0, ROWS - 3).execute())
                .concatMap(r -> r.map(row -> row.get(0, Long.class))).take(2).collectList().block(HANG_GUARD))
                .containsExactly((long) ROWS - 3, (long) ROWS - 2);
        assertThat(query(conn, "SELECT count(*) FROM big", r -> r.get(0, Long.class))).containsExactly((long) ROWS);
    }

    @Test
    void aStatementTimeoutInterruptsTheScanWithATimeoutError() {
        Mono.from(conn.setStatementTimeout(Duration.ofMillis(200))).block(HANG_GUARD);
        List<reactor.core.publisher.Signal<Object>> signals = Flux.from(conn.createStatement(SLOW_SCAN).execute())
                .concatMap(r -> r.map(row -> row.get(0)))
                .materialize()
                .collectList()
                .block(HANG_GUARD);
        assertThat(signals).as("signals of the timed-out scan").singleElement().satisfies(s -> {
            assertThat(s.isOnError()).as("%s", s).isTrue();
            assertThat(s.getThrowable()).isInstanceOf(io.r2dbc.spi.R2dbcTimeoutException.class);
        });
        Mono.from(conn.setStatementTimeout(Duration.ZERO)).block(HANG_GUARD);
        assertThat(query(conn, "SELECT count(*) FROM big", r -> r.get(0, Long.class))).containsExactly((long) ROWS);
    }
}
