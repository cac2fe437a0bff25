package io.ringlite.bench;

import io.ringlite.storage.Storage;
import io.ringlite.storage.StorageOptions;
import io.ringlite.storage.btree.BTreeCursor;
import io.ringlite.storage.btree.BTreeStore;
import io.ringlite.storage.io.Completion;
import io.ringlite.storage.io.IoBackend;
import io.ringlite.storage.io.IoBackends;
import io.ringlite.storage.io.IoKind;
import io.ringlite.storage.io.IoStatus;
import io.ringlite.storage.pager.Pager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Random point reads on a database much larger than Ringlite's page cache, with
 * {@value #READERS} concurrent readers (Ringlite: {@code -p readers=N}): io_uring against the portable backend, beside
 * sqlite-jdbc with {@value #READERS} threads on the same kind of file.
 *
 * <p>"Cold" means: Ringlite's page cache ({@value #CACHE_PAGES} pages) holds under 2% of the
 * table's pages, so nearly every lookup misses it and reads a leaf (and often an interior page)
 * from the file. The OS page cache is a separate matter: with {@code osCache=warm} the file was
 * just written and sits in the OS cache, so a "read" is a syscall plus a copy; with
 * {@code osCache=dropped}, before every invocation the file's pages are dropped from the OS
 * cache with {@code posix_fadvise(POSIX_FADV_DONTNEED)} (advisory, no root needed), so the first
 * touch of each page goes to the device — but pages re-read within the same invocation hit the
 * OS cache again. O_DIRECT is not used.
 *
 * <p>Ringlite's readers are cursors in one read transaction on one thread (the
 * benchmark thread plays the event loop): each reader seeks a random rowid and loads its
 * payload; when a step returns Pending, the reader waits for that completion while the others
 * go on, so up to {@code readers} page reads can be in flight at once (the trial prints how many
 * readers were actually waiting on I/O each time the loop polled). One invocation performs
 * {@value #LOOKUPS} lookups; the score is lookups per second.
 *
 * <p>Each trial also prints lookups per process CPU-second (all threads: I/O workers, JIT, GC)
 * and, for Ringlite, how long the loop thread was on a CPU and how long it was runnable but
 * waiting for one during the invocations: on a loaded machine a wall-clock score can measure
 * the scheduler more than the backend (docs/BENCHMARKS.md, "Cold-cache random reads").
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class ColdRandomRead {
    static final int ROWS = 200_000;
    static final int PAD = 400;
    static final int READERS = 32;
    static final int LOOKUPS = 3_200;
    static final int CACHE_PAGES = 256;

    /** Ringlite side: one storage, 32 cursors, driven on the benchmark thread. */
    @State(Scope.Benchmark)
    public static class RingliteState {
        @Param({"uring", "portable"})
        public String backend;

        @Param({"warm", "dropped"})
        public String osCache;

        /** Concurrent readers ({@code -p readers=1,32} shows what the concurrency buys). */
        @Param({"32"})
        public int readers;

        Path dir;
        Path file;
        IoBackend io;
        Storage storage;
        Pager pager;
        Reader[] cursors;
        int completed;
        /** Diagnostics: how many readers were waiting on I/O each time the loop polled. */
        long polls;
        long waitingSum;
        int waitingPeak;
        RuntimeException failure;
        boolean dropWarned;
        /** Diagnostics: lookups and process CPU time over the whole trial (warm-up included). */
        long lookupsDone;
        long cpuStart;
        long wallStart;
        /** Diagnostics: the loop (benchmark) thread's time on a CPU / waiting for one, over all invocations. */
        long onCpuNanos;
        long runqueueNanos;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            if (readers <= 0 || LOOKUPS % readers != 0) {
                throw new IllegalArgumentException("readers must divide " + LOOKUPS + ": " + readers);
            }
            dir = Files.createTempDirectory("ringlite-cold-bench");
            file = dir.resolve("cold.db");
            int root = StorageHarness.createSqliteDb(file, ROWS, PAD);
            IoKind kind = backend.equals("uring") ? IoKind.URING : IoKind.PORTABLE;
            io = IoBackends.create(kind);
            if (io.kind() != kind) {
                throw new IllegalStateException("invariant: asked for " + kind + " but got " + io.kind()
                        + " (" + IoBackends.uringUnavailableReason() + ")");
            }
            storage = Storage.open(io, file, StorageOptions.defaults().withReadOnly(true).withCacheSize(CACHE_PAGES));
            StorageHarness.await(io, storage.start());
            pager = storage.pager();
            StorageHarness.ready(io, pager::beginRead);
            BTreeStore btrees = storage.btrees();
            cursors = new Reader[readers];
            for (int i = 0; i < readers; i++) {
                cursors[i] = new Reader(this, btrees.openTable(root, false), new SplittableRandom(1000 + i));
            }
            cpuStart = StorageHarness.processCpuNanos();
            wallStart = System.nanoTime();
        }

        @Setup(Level.Invocation)
        public void dropOsCache() {
            if (osCache.equals("dropped") && !StorageHarness.dropOsCache(file) && !dropWarned) {
                dropWarned = true;
                System.err.println("posix_fadvise unavailable: osCache=dropped is the same as warm here");
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws Exception {
            for (Reader r : cursors) {
                r.cursor.close();
            }
            System.out.printf("%n[%s, %s, readers=%d] readers waiting on I/O per poll: mean %.1f, peak %d (%d polls)%n",
                    backend, osCache, readers, polls == 0 ? 0.0 : (double) waitingSum / polls, waitingPeak, polls);
            System.out.printf("[%s, %s, readers=%d] lookups: %s%n", backend, osCache, readers,
                    StorageHarness.perCpuSecond(lookupsDone, cpuStart, wallStart));
            System.out.printf("[%s, %s, readers=%d] loop thread during invocations: %.2f s on a CPU, %.2f s runnable but waiting for a CPU%n",
                    backend, osCache, readers, onCpuNanos / 1e9, runqueueNanos / 1e9);
            pager.endRead();
            StorageHarness.await(io, storage.close());
            io.close();
            StorageHarness.deleteTree(dir);
        }

        /** Runs {@code lookups} lookups spread over the readers; returns the bytes read. */
        long run(int lookups) {
            long[] sched = StorageHarness.threadSchedstat();
            try {
                return runLookups(lookups);
            } finally {
                long[] after = StorageHarness.threadSchedstat();
                if (sched != null && after != null) {
                    onCpuNanos += after[0] - sched[0];
                    runqueueNanos += after[1] - sched[1];
                }
            }
        }

        private long runLookups(int lookups) {
            completed = 0;
            failure = null;
            int each = lookups / readers;
            long bytes = 0;
            for (Reader r : cursors) {
                r.bytes = 0;
                r.remaining = each;
            }
            for (Reader r : cursors) {
                r.step();
            }
            int target = each * readers;
            while (completed < target) {
                if (failure != null) {
                    throw failure;
                }
                if (!io.hasInFlight()) {
                    throw new IllegalStateException("invariant: readers waiting but no I/O in flight");
                }
                int waiting = 0;
                for (Reader r : cursors) {
                    if (r.waiting()) {
                        waiting++;
                    }
                }
                polls++;
                waitingSum += waiting;
                waitingPeak = Math.max(waitingPeak, waiting);
                io.poll(true);
            }
            if (failure != null) {
                throw failure;
            }
            for (Reader r : cursors) {
                bytes += r.bytes;
            }
            lookupsDone += target;
            return bytes;
        }
    }

    /** One reader: seek a random rowid, load its payload, repeat; parks on Pending. */
    static final class Reader {
        private final RingliteState owner;
        final BTreeCursor cursor;
        private final SplittableRandom random;
        private final Runnable resume = this::resume;
        int remaining;
        long bytes;
        private long target;
        private boolean seeking = true;
        private Completion waitingFor;

        Reader(RingliteState owner, BTreeCursor cursor, SplittableRandom random) {
            this.owner = owner;
            this.cursor = cursor;
            this.random = random;
            this.target = 1 + random.nextInt(ROWS);
        }

        boolean waiting() {
            return waitingFor != null;
        }

        private void resume() {
            Completion c = waitingFor;
            waitingFor = null;
            if (c.isFailed()) {
                Throwable t = c.failure();
                owner.failure = t instanceof RuntimeException r ? r : new IllegalStateException("invariant: " + t, t);
                return;
            }
            step();
        }

        void step() {
            try {
                while (remaining > 0) {
                    IoStatus s = seeking ? cursor.seekRowid(target) : cursor.loadPayload();
                    if (s instanceof IoStatus.Pending(Completion c)) {
                        waitingFor = c;
                        c.whenDone(resume);
                        return;
                    }
                    if (seeking) {
                        if (!cursor.found()) {
                            throw new IllegalStateException("invariant: row " + target + " missing");
                        }
                        seeking = false;
                    } else {
                        bytes += cursor.payload().byteSize();
                        remaining--;
                        owner.completed++;
                        target = 1 + random.nextInt(ROWS);
                        seeking = true;
                    }
                }
            } catch (RuntimeException e) {
                owner.failure = e;
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(LOOKUPS)
    public long ringlite(RingliteState s) {
        return s.run(LOOKUPS);
    }

    /** sqlite-jdbc side: the same kind of file, shared by 32 threads with a connection each. */
    @State(Scope.Benchmark)
    public static class JdbcFile {
        Path dir;
        Path file;
        /** Diagnostics: lookups by all threads, and process CPU time, over the trial. */
        final java.util.concurrent.atomic.LongAdder lookups = new java.util.concurrent.atomic.LongAdder();
        long cpuStart;
        long wallStart;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            dir = Files.createTempDirectory("ringlite-cold-jdbc");
            file = dir.resolve("cold.db");
            StorageHarness.createSqliteDb(file, ROWS, PAD);
            cpuStart = StorageHarness.processCpuNanos();
            wallStart = System.nanoTime();
        }

        @TearDown(Level.Trial)
        public void tearDown() throws Exception {
            System.out.printf("%n[sqlite-jdbc, warm, threads=%d] lookups: %s%n", READERS,
                    StorageHarness.perCpuSecond(lookups.sum(), cpuStart, wallStart));
            StorageHarness.deleteTree(dir);
        }
    }

    @State(Scope.Thread)
    public static class JdbcReader {
        Connection connection;
        PreparedStatement select;
        SplittableRandom random;

        @Setup(Level.Trial)
        public void setUp(JdbcFile f) throws Exception {
            connection = DriverManager.getConnection("jdbc:sqlite:" + f.file.toAbsolutePath());
            try (Statement s = connection.createStatement()) {
                s.execute("PRAGMA cache_size=" + CACHE_PAGES);
                s.execute("PRAGMA query_only=1");
            }
            select = connection.prepareStatement("SELECT pad FROM kv WHERE id = ?");
            random = new SplittableRandom(System.identityHashCode(this));
        }

        @TearDown(Level.Trial)
        public void tearDown() throws Exception {
            connection.close();
        }
    }

    /** One lookup per call; JMH sums the 32 threads' throughput. */
    @Benchmark
    @Threads(READERS)
    public long sqliteJdbc(JdbcReader r, JdbcFile f) throws Exception {
        f.lookups.increment();
        r.select.setLong(1, 1 + r.random.nextInt(ROWS));
        try (ResultSet rs = r.select.executeQuery()) {
            if (!rs.next()) {
                throw new IllegalStateException("invariant: row missing");
            }
            return rs.getBytes(1).length;
        }
    }
}
