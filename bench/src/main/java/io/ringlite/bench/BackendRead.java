package io.ringlite.bench;

import io.ringlite.storage.io.AsyncFile;
import io.ringlite.storage.io.Completion;
import io.ringlite.storage.io.IoBackend;
import io.ringlite.storage.io.IoBackends;
import io.ringlite.storage.io.IoKind;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
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
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Raw random 4 KiB reads through an {@link IoBackend} (no pager, no B-tree): the floor under
 * {@link ColdRandomRead}. Keeps {@code inFlight} reads outstanding on the benchmark thread (which
 * plays the event loop) into native buffers; the score is reads per second. The file (64 MiB)
 * was just written, so it is in the OS page cache unless {@code osCache=dropped}, which drops
 * it ({@code posix_fadvise DONTNEED}) before every invocation.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class BackendRead {
    static final int PAGE = 4096;
    static final long FILE_BYTES = 64L << 20;
    static final int READS = 1024;

    @Param({"uring", "portable"})
    public String backend;

    @Param({"1", "32"})
    public int inFlight;

    @Param({"warm"})
    public String osCache;

    private Path dir;
    private Path file;
    private IoBackend io;
    private AsyncFile handle;
    private MemorySegment[] buffers;
    private SplittableRandom random;
    private int issued;
    private int completed;
    private Throwable failure;
    private long readsDone;
    private long cpuStart;
    private long wallStart;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        if (inFlight <= 0 || inFlight > READS) {
            throw new IllegalArgumentException("inFlight must be in 1.." + READS + ": " + inFlight);
        }
        dir = Files.createTempDirectory("ringlite-read-bench");
        file = dir.resolve("data.bin");
        byte[] chunk = new byte[1 << 20];
        new SplittableRandom(5).nextBytes(chunk);
        try (var out = Files.newOutputStream(file)) {
            for (long n = 0; n < FILE_BYTES; n += chunk.length) {
                out.write(chunk);
            }
        }
        IoKind kind = backend.equals("uring") ? IoKind.URING : IoKind.PORTABLE;
        io = IoBackends.create(kind);
        if (io.kind() != kind) {
            throw new IllegalStateException("invariant: asked for " + kind + " but got " + io.kind()
                    + " (" + IoBackends.uringUnavailableReason() + ")");
        }
        handle = io.open(file, false, true);
        buffers = new MemorySegment[inFlight];
        for (int i = 0; i < inFlight; i++) {
            buffers[i] = Arena.global().allocate(PAGE, PAGE);
        }
        random = new SplittableRandom(9);
        cpuStart = StorageHarness.processCpuNanos();
        wallStart = System.nanoTime();
    }

    @Setup(Level.Invocation)
    public void dropOsCache() {
        if (osCache.equals("dropped")) {
            StorageHarness.dropOsCache(file);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        System.out.printf("%n[%s, %s, inFlight=%d] reads: %s%n", backend, osCache, inFlight,
                StorageHarness.perCpuSecond(readsDone, cpuStart, wallStart));
        handle.close();
        io.close();
        StorageHarness.deleteTree(dir);
    }

    private void issue(int slot) {
        if (issued == READS) {
            return;
        }
        issued++;
        long offset = (long) random.nextInt((int) (FILE_BYTES / PAGE)) * PAGE;
        Completion c = handle.read(offset, buffers[slot]);
        c.whenDone(() -> {
            if (c.isFailed()) {
                failure = c.failure();
                return;
            }
            if (c.result() != PAGE) {
                failure = new IllegalStateException("invariant: short read " + c.result());
                return;
            }
            completed++;
            issue(slot);
        });
    }

    @Benchmark
    @OperationsPerInvocation(READS)
    public int read() {
        issued = 0;
        completed = 0;
        for (int slot = 0; slot < inFlight; slot++) {
            issue(slot);
        }
        while (completed < READS) {
            if (failure != null) {
                throw new IllegalStateException("read failed: " + failure, failure);
            }
            io.poll(true);
        }
        readsDone += completed;
        return completed;
    }
}
