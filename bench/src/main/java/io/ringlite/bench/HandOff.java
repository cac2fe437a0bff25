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
import org.openjdk.jmh.annotations.Param;
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
 * How much of a cache-hit point query is the hand-off onto the event loop, and what the inline
 * (caller-runs) design saves.
 *
 * <p>With {@code inline=false} every statement runs on its database's loop thread, so a caller on
 * another thread that waits for a query's result pays a hand-off there and a wake-up back. With
 * {@code inline=true} (the default since this measurement; reactive-engine
 * {@code io.ringlite.engine.loop} package-info) an idle engine lets the subscribing thread run the
 * statement itself until its first I/O, so a cache hit pays no hand-off at all. Measurements, all
 * on a {@value #ROWS}-row table that is entirely in cache, for both values of {@code inline}:
 * <ul>
 *   <li>{@code enginePointSelect}: the engine's {@code Session.execute} of a prepared
 *       {@code SELECT name FROM kv WHERE id = ?} (no R2DBC), awaited from the benchmark thread.</li>
 *   <li>{@code enginePointSelectChained}: {@value #CHAIN} such queries chained with
 *       {@code concatMap}, so each next query is subscribed from inside the previous one's
 *       completion. Per query this approximates what the query costs without any cross-thread
 *       hop (each next statement is queued as a loop task, but nobody parks or wakes).</li>
 *   <li>{@code loopRoundTrip}: {@code EventLoop.execute} of an empty task that releases a latch
 *       the caller waits on, from an idle (parked) loop: the bare cost of the hop and wake-up,
 *       as {@code block()} pays it (independent of {@code inline}).</li>
 *   <li>{@code sqliteJdbcPointSelect}: the same query through sqlite-jdbc on the calling thread.</li>
 *   <li>{@code enginePrepareAndPointSelect} (prepare + execute per query, no statement cache) and
 *       {@code r2dbcPointSelect} (the whole R2DBC path, with the connection's statement cache, on
 *       its own copy of the table).</li>
 * </ul>
 * The hop's share of a point query is about {@code loopRoundTrip / enginePointSelect}, cross
 * checked by {@code enginePointSelect(inline=false) - enginePointSelect(inline=true)}.
 *
 * <p>Each measurement iteration also prints {@code cpu/op}: the CPU time per operation of the
 * threads doing the work (the caller, the event loops, the I/O workers; not the JIT or GC). On a shared, overloaded machine the wall-clock score mostly
 * measures how long runnable threads wait for a CPU; the CPU time per operation is what the design
 * itself costs and stays comparable.
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

    /** The caller-runs design (true) or every statement hopping onto the loop (false). */
    @Param({"true", "false"})
    public boolean inline;

    private Path dir;
    private Database database;
    private Session session;
    private PreparedStatement select;
    private EventLoop loop;
    private Connection jdbc;
    private java.sql.PreparedStatement jdbcSelect;
    private SplittableRandom random;
    private io.r2dbc.spi.Connection r2dbc;
    /** Operations of the current iteration (the benchmark thread only). */
    private long ops;
    private long cpuAtIterationStart;

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
                "r2dbc:ringlite:file:" + r2dbcFile.toAbsolutePath() + "?io=uring&inline=" + inline)).create()).block();

        database = Databases.open(DatabaseConfig.file(engineFile).withIo(IoKind.URING).withInline(inline)).block();
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

    @Setup(Level.Iteration)
    public void startIteration() {
        ops = 0;
        cpuAtIterationStart = workCpuNanos();
    }

    @TearDown(Level.Iteration)
    public void endIteration() {
        if (ops > 0) {
            System.out.printf("  cpu/op (inline=%s): %,d ns over %,d ops%n", inline,
                    (workCpuNanos() - cpuAtIterationStart) / ops, ops);
        }
    }

    /**
     * CPU time of the threads that do the work: the calling thread and every {@code ringlite-*}
     * thread (event loops, portable I/O workers). JIT compiler and GC threads are left out: under
     * load they run long after a fork starts, and charging them per operation would favour
     * whichever design happens to run more operations while they do.
     */
    static long workCpuNanos() {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long self = Thread.currentThread().threadId();
        long sum = 0;
        for (java.lang.management.ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (info != null && (info.getThreadId() == self || info.getThreadName().startsWith("ringlite-"))) {
                long t = mx.getThreadCpuTime(info.getThreadId());
                if (t > 0) {
                    sum += t;
                }
            }
        }
        return sum;
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
        ops++;
        return enginePointSelect(1 + random.nextInt(ROWS));
    }

    @Benchmark
    @OperationsPerInvocation(CHAIN)
    public Outcome enginePointSelectChained() {
        ops += CHAIN;
        return Flux.range(0, CHAIN)
                .concatMap(i -> session.execute(select, List.of((long) (1 + random.nextInt(ROWS)))))
                .blockLast();
    }

    /** Prepares (parses and compiles) the statement for every query, then runs it: one hop each. */
    @Benchmark
    public String enginePrepareAndPointSelect() {
        ops++;
        long id = 1 + random.nextInt(ROWS);
        Outcome.Row row = session.prepare(SQL)
                .flatMapMany(ps -> session.execute(ps, List.of(id)))
                .ofType(Outcome.Row.class)
                .blockLast();
        return row == null ? null : (String) row.get(0);
    }

    /** The same query through the R2DBC driver (its connection caches the prepared statement). */
    @Benchmark
    public String r2dbcPointSelect() {
        ops++;
        return r2dbcPointSelect(1 + random.nextInt(ROWS));
    }

    @Benchmark
    public long loopRoundTrip() throws InterruptedException {
        ops++;
        CountDownLatch done = new CountDownLatch(1);
        loop.execute(done::countDown);
        done.await();
        return done.getCount();
    }

    @Benchmark
    public String sqliteJdbcPointSelect() throws Exception {
        ops++;
        return jdbcPointSelect(1 + random.nextInt(ROWS));
    }
}
