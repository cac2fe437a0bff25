package io.ringlite.bench;

import io.ringlite.engine.Database;
import io.ringlite.engine.DatabaseConfig;
import io.ringlite.engine.Databases;
import io.ringlite.engine.Outcome;
import io.ringlite.engine.PreparedStatement;
import io.ringlite.engine.Session;
import io.ringlite.engine.loop.EventLoop;
import io.ringlite.storage.io.IoBackends;
import io.ringlite.storage.io.IoKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import io.r2dbc.spi.ConnectionFactories;
import io.ringlite.r2dbc.RingliteConnectionFactoryProvider;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * How much of a cache-hit point query is the hop onto the event loop.
 *
 * <p>Every statement runs on its database's loop thread (reactive-engine
 * {@code io.ringlite.engine.loop} package-info), so a caller on another thread that waits for a
 * query's result pays a hand-off there and a wake-up back. An inline design (the idle engine's
 * caller runs the statement itself until the first I/O) would not pay it on a cache hit. Four
 * measurements, all on a {@value #ROWS}-row table that is entirely in cache:
 * <ul>
 *   <li>{@code enginePointSelect}: the engine's {@code Session.execute} of a prepared
 *       {@code SELECT name FROM kv WHERE id = ?} (no R2DBC), awaited from the benchmark thread:
 *       one hop to the loop and one wake-up back per query.</li>
 *   <li>{@code enginePointSelectChained}: {@value #CHAIN} such queries chained with
 *       {@code concatMap}, so each next query is subscribed on the loop thread when the previous
 *       one completes: one cross-thread round trip per {@value #CHAIN} queries. Per query this
 *       approximates what the query costs without the cross-thread hop (it still queues each
 *       statement as a loop task, but nobody parks or wakes).</li>
 *   <li>{@code loopRoundTrip}: {@code EventLoop.execute} of an empty task that releases a latch
 *       the caller waits on, from an idle (parked) loop: the bare cost of the hop and wake-up,
 *       as {@code block()} pays it.</li>
 *   <li>{@code sqliteJdbcPointSelect}: the same query through sqlite-jdbc on the calling thread.</li>
 *   <li>For context, {@code enginePrepareAndPointSelect} (prepare + execute per query, as a
 *       driver without a statement cache does) and {@code r2dbcPointSelect} (the whole R2DBC
 *       path, on its own copy of the table).</li>
 * </ul>
 * The hop's share of a point query is about {@code loopRoundTrip / enginePointSelect}, cross
 * checked by {@code enginePointSelect - enginePointSelectChained}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class HandOff {
    static final int ROWS = 10_000;
    static final int CHAIN = 64;
    static final String SQL = "SELECT name FROM kv WHERE id = ?";

    private Path dir;
    private Database database;
    private Session session;
    private PreparedStatement select;
    private EventLoop loop;
    private Connection jdbc;
    private java.sql.PreparedStatement jdbcSelect;
    private SplittableRandom random;
    private io.r2dbc.spi.Connection r2dbc;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("ringlite-handoff-bench");
        Path engineFile = dir.resolve("engine.db");
        Path jdbcFile = dir.resolve("jdbc.db");
        Path r2dbcFile = dir.resolve("r2dbc.db");
        StorageHarness.createSqliteDb(engineFile, ROWS, 0);
        StorageHarness.createSqliteDb(jdbcFile, ROWS, 0);
        StorageHarness.createSqliteDb(r2dbcFile, ROWS, 0);
        r2dbc = Mono.from(ConnectionFactories.get(RingliteConnectionFactoryProvider.parseUrl(
                "r2dbc:ringlite:file:" + r2dbcFile.toAbsolutePath() + "?io=uring")).create()).block();

        database = Databases.open(DatabaseConfig.file(engineFile).withIo(IoKind.URING)).block();
        session = database.connect();
        select = session.prepare(SQL).block();
        loop = EventLoop.start("bench-handoff", IoBackends.create(IoKind.URING));

        jdbc = DriverManager.getConnection("jdbc:sqlite:" + jdbcFile.toAbsolutePath());
        try (var s = jdbc.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
        }
        jdbcSelect = jdbc.prepareStatement(SQL);
        random = new SplittableRandom(3);

        // Every page in cache before measuring; also checks that both sides see the rows.
        for (long id = 1; id <= ROWS; id++) {
            String a = enginePointSelect(id);
            String b = jdbcPointSelect(id);
            String c = r2dbcPointSelect(id);
            if (!("name-" + id).equals(a) || !a.equals(b) || !a.equals(c)) {
                throw new IllegalStateException("invariant: row " + id + ": engine " + a + ", jdbc " + b + ", r2dbc " + c);
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        Mono.from(r2dbc.close()).block();
        session.close().block();
        database.close().block();
        loop.shutdown().join();
        jdbc.close();
        StorageHarness.deleteTree(dir);
    }

    private String enginePointSelect(long id) {
        Outcome.Row row = session.execute(select, List.of(id))
                .ofType(Outcome.Row.class)
                .blockLast();
        return row == null ? null : (String) row.get(0);
    }

    private String r2dbcPointSelect(long id) {
        return Flux.from(r2dbc.createStatement(SQL).bind(0, id).execute())
                .flatMap(r -> r.map((row, meta) -> row.get(0, String.class)))
                .blockLast();
    }

    private String jdbcPointSelect(long id) throws Exception {
        jdbcSelect.setLong(1, id);
        try (ResultSet rs = jdbcSelect.executeQuery()) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    @Benchmark
    public String enginePointSelect() {
        return enginePointSelect(1 + random.nextInt(ROWS));
    }

    @Benchmark
    @OperationsPerInvocation(CHAIN)
    public Outcome enginePointSelectChained() {
        return Flux.range(0, CHAIN)
                .concatMap(i -> session.execute(select, List.of((long) (1 + random.nextInt(ROWS)))))
                .blockLast();
    }

    /** Prepares (parses and compiles) the statement for every query, then runs it: one hop each. */
    @Benchmark
    public String enginePrepareAndPointSelect() {
        long id = 1 + random.nextInt(ROWS);
        Outcome.Row row = session.prepare(SQL)
                .flatMapMany(ps -> session.execute(ps, List.of(id)))
                .ofType(Outcome.Row.class)
                .blockLast();
        return row == null ? null : (String) row.get(0);
    }

    /** The same query through the R2DBC driver (which prepares per {@code createStatement}). */
    @Benchmark
    public String r2dbcPointSelect() {
        return r2dbcPointSelect(1 + random.nextInt(ROWS));
    }

    @Benchmark
    public long loopRoundTrip() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        loop.execute(done::countDown);
        done.await();
        return done.getCount();
    }

    @Benchmark
    public String sqliteJdbcPointSelect() throws Exception {
        return jdbcPointSelect(1 + random.nextInt(ROWS));
    }
}
