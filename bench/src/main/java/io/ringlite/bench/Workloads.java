package io.ringlite.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Point select, insert batch and full scan — Ringlite (through R2DBC), sqlite-jdbc and r2dbc-h2
 * on the same rows. Run with {@code bench/run} (see docs/BENCHMARKS.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class Workloads {
    static final int ROWS = 10_000;

    @Param({"ringlite", "ringlite-portable", "sqlite-jdbc", "r2dbc-h2"})
    public String engine;

    private Path dir;
    private BenchDb db;
    private SplittableRandom random;
    private long nextId;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("ringlite-bench");
        db = BenchDb.create(engine, dir);
        db.load(ROWS);
        // The workloads only mean something if every engine holds the same rows.
        String last = db.pointSelect(ROWS);
        long sum = db.scan();
        if (!("name-" + ROWS).equals(last) || sum != (long) ROWS * (ROWS + 1) / 2) {
            throw new IllegalStateException("invariant: " + engine + " loaded wrong rows: row " + ROWS + " = " + last
                    + ", sum of ids " + sum);
        }
        random = new SplittableRandom(7);
        nextId = ROWS + 1;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        db.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    public String pointSelect() throws Exception {
        return db.pointSelect(1 + random.nextInt(ROWS));
    }

    @Benchmark
    public long insertBatch100() throws Exception {
        long first = nextId;
        db.insertBatch(first, 100);
        nextId += 100;
        return first;
    }

    @Benchmark
    @Measurement(iterations = 5, time = 2)
    public long scan10k() throws Exception {
        return db.scan();
    }
}
