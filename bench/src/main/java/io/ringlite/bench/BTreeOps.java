package io.ringlite.bench;

import io.ringlite.storage.Storage;
import io.ringlite.storage.StorageOptions;
import io.ringlite.storage.btree.BTreeCursor;
import io.ringlite.storage.btree.BTreeStore;
import io.ringlite.storage.io.IoBackend;
import io.ringlite.storage.io.IoBackends;
import io.ringlite.storage.io.IoKind;
import io.ringlite.storage.pager.Pager;
import java.lang.foreign.MemorySegment;
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
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * B-tree seek, insert, delete and commit at the storage level (no SQL, no event loop) on each
 * I/O backend, beside sqlite-jdbc doing the same through SQL (so sqlite-jdbc also pays for
 * parsing-free prepared-statement execution in its VM and JNI; Ringlite's numbers here are the
 * storage layer alone).
 *
 * <p>The table ({@value #ROWS} rows of ~{@value #PAD} bytes) is written by sqlite-jdbc and then
 * opened by each side; the page cache holds all of it (warm), so seek and insert measure
 * CPU work, and commit measures the WAL append plus fsync ({@code synchronous=FULL} on both).
 *
 * <ul>
 *   <li>{@code seek}: seekRowid(random id) + loadPayload, inside one long read transaction.</li>
 *   <li>{@code insert}: append a new rowid, inside one write transaction committed at the end
 *       of each iteration.</li>
 *   <li>{@code deleteReinsert}: seek a random id, delete it, insert it back (same transaction
 *       rule). Delete alone cannot be run for long without emptying the table: delete cost is
 *       about {@code deleteReinsert - insert}.</li>
 *   <li>{@code commit}: a whole auto-commit transaction replacing one random row: begin, one
 *       insert, commit (WAL frame(s) + fsync).</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class BTreeOps {
    static final int ROWS = 100_000;
    static final int PAD = 100;

    @Param({"uring", "portable", "sqlite-jdbc"})
    public String backend;

    private Path dir;
    private Ops ops;
    private SplittableRandom random;
    private long nextId;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("ringlite-btree-bench");
        Path file = dir.resolve("bt.db");
        int root = StorageHarness.createSqliteDb(file, ROWS, PAD);
        ops = switch (backend) {
            case "uring" -> new RingliteOps(IoKind.URING, file, root);
            case "portable" -> new RingliteOps(IoKind.PORTABLE, file, root);
            case "sqlite-jdbc" -> new JdbcOps(file);
            default -> throw new IllegalArgumentException("unknown backend " + backend);
        };
        random = new SplittableRandom(11);
        nextId = ROWS + 1;
    }

    @TearDown(Level.Iteration)
    public void endIteration() throws Exception {
        ops.endTransaction();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        ops.close();
        StorageHarness.deleteTree(dir);
    }

    @Benchmark
    public long seek() throws Exception {
        return ops.seek(1 + random.nextInt(ROWS));
    }

    @Benchmark
    public long insert() throws Exception {
        long id = nextId++;
        ops.insert(id);
        return id;
    }

    @Benchmark
    public long deleteReinsert() throws Exception {
        long id = 1 + random.nextInt(ROWS);
        ops.deleteReinsert(id);
        return id;
    }

    @Benchmark
    public long commit() throws Exception {
        long id = 1 + random.nextInt(ROWS);
        ops.commitOne(id);
        return id;
    }

    /** The four operations, on one side. */
    interface Ops extends AutoCloseable {
        long seek(long id) throws Exception;

        void insert(long id) throws Exception;

        void deleteReinsert(long id) throws Exception;

        void commitOne(long id) throws Exception;

        /** Commits an open write transaction (end of a measurement iteration). */
        void endTransaction() throws Exception;

        @Override
        void close() throws Exception;
    }

    /** Ringlite's storage layer driven on the benchmark thread. */
    static final class RingliteOps implements Ops {
        private enum Txn { NONE, READ, WRITE }

        private final IoBackend io;
        private final Storage storage;
        private final Pager pager;
        private final BTreeStore btrees;
        private final int root;
        private final MemorySegment record;
        private Txn txn = Txn.NONE;
        private BTreeCursor cursor;

        RingliteOps(IoKind kind, Path file, int root) {
            this.io = IoBackends.create(kind);
            if (io.kind() != kind) {
                throw new IllegalStateException("invariant: asked for " + kind + " but got " + io.kind()
                        + " (" + IoBackends.uringUnavailableReason() + ")");
            }
            this.storage = Storage.open(io, file, StorageOptions.defaults().withCacheSize(20_000));
            StorageHarness.await(io, storage.start());
            this.pager = storage.pager();
            this.btrees = storage.btrees();
            this.root = root;
            // A real record of this table, reused as the payload of every insert.
            to(Txn.READ);
            StorageHarness.ready(io, () -> cursor.seekRowid(1));
            StorageHarness.ready(io, cursor::loadPayload);
            this.record = StorageHarness.copy(cursor.payload());
            // Warm the page cache (it holds the whole table): every leaf, in order.
            StorageHarness.ready(io, cursor::first);
            while (!cursor.eof()) {
                StorageHarness.ready(io, cursor::next);
            }
            to(Txn.NONE);
        }

        /** Moves to the wanted transaction state, opening a cursor fit for it. */
        private void to(Txn want) {
            if (txn == want) {
                return;
            }
            if (cursor != null) {
                cursor.close();
                cursor = null;
            }
            if (txn == Txn.WRITE) {
                StorageHarness.await(io, pager.commit());
            }
            if (txn != Txn.NONE) {
                pager.endRead();
            }
            txn = Txn.NONE;
            if (want == Txn.NONE) {
                return;
            }
            StorageHarness.ready(io, pager::beginRead);
            if (want == Txn.WRITE) {
                StorageHarness.ready(io, pager::beginWrite);
            }
            cursor = btrees.openTable(root, want == Txn.WRITE);
            txn = want;
        }

        @Override
        public long seek(long id) {
            to(Txn.READ);
            StorageHarness.ready(io, () -> cursor.seekRowid(id));
            if (!cursor.found()) {
                throw new IllegalStateException("invariant: row " + id + " missing");
            }
            StorageHarness.ready(io, cursor::loadPayload);
            return cursor.payload().byteSize();
        }

        @Override
        public void insert(long id) {
            to(Txn.WRITE);
            StorageHarness.ready(io, () -> cursor.insert(id, record));
        }

        @Override
        public void deleteReinsert(long id) {
            to(Txn.WRITE);
            StorageHarness.ready(io, () -> cursor.seekRowid(id));
            if (!cursor.found()) {
                throw new IllegalStateException("invariant: row " + id + " missing");
            }
            StorageHarness.ready(io, cursor::delete);
            StorageHarness.ready(io, () -> cursor.insert(id, record));
        }

        @Override
        public void commitOne(long id) {
            to(Txn.WRITE);
            StorageHarness.ready(io, () -> cursor.insert(id, record));
            to(Txn.NONE);
        }

        @Override
        public void endTransaction() {
            to(Txn.NONE);
        }

        @Override
        public void close() {
            to(Txn.NONE);
            StorageHarness.await(io, storage.close());
            io.close();
        }
    }

    /** The same operations through sqlite-jdbc's SQL. */
    static final class JdbcOps implements Ops {
        private final Connection c;
        private final PreparedStatement select;
        private final PreparedStatement insert;
        private final PreparedStatement delete;
        private final PreparedStatement replace;

        JdbcOps(Path file) throws Exception {
            c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=FULL");
                s.execute("PRAGMA cache_size=20000");
                // Warm the page cache, as the Ringlite side does.
                try (ResultSet rs = s.executeQuery("SELECT sum(length(pad)) FROM kv")) {
                    rs.next();
                }
            }
            select = c.prepareStatement("SELECT pad FROM kv WHERE id = ?");
            insert = c.prepareStatement("INSERT INTO kv VALUES (?, 'name', 0.5, zeroblob(" + PAD + "))");
            delete = c.prepareStatement("DELETE FROM kv WHERE id = ?");
            replace = c.prepareStatement("INSERT OR REPLACE INTO kv VALUES (?, 'name', 0.5, zeroblob(" + PAD + "))");
        }

        @Override
        public long seek(long id) throws Exception {
            select.setLong(1, id);
            try (ResultSet rs = select.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("invariant: row " + id + " missing");
                }
                return rs.getBytes(1).length;
            }
        }

        private void inTransaction() throws Exception {
            if (c.getAutoCommit()) {
                c.setAutoCommit(false);
            }
        }

        @Override
        public void insert(long id) throws Exception {
            inTransaction();
            insert.setLong(1, id);
            insert.executeUpdate();
        }

        @Override
        public void deleteReinsert(long id) throws Exception {
            inTransaction();
            delete.setLong(1, id);
            if (delete.executeUpdate() != 1) {
                throw new IllegalStateException("invariant: row " + id + " missing");
            }
            insert.setLong(1, id);
            insert.executeUpdate();
        }

        @Override
        public void commitOne(long id) throws Exception {
            endTransaction();
            replace.setLong(1, id);
            replace.executeUpdate();
        }

        @Override
        public void endTransaction() throws Exception {
            if (!c.getAutoCommit()) {
                c.commit();
                c.setAutoCommit(true);
            }
        }

        @Override
        public void close() throws Exception {
            endTransaction();
            c.close();
        }
    }

    /**
     * Not a JMH benchmark: times every operation of {@code insert} or {@code deleteReinsert}
     * separately (portable backend), a transaction of {@code n} operations at a time, and prints
     * median, p99 and the slowest operation per transaction, since JMH's mean hides that one
     * operation after each commit dominates (see docs/BENCHMARKS.md, "B-tree operations").
     * Run: {@code java -cp bench/<target>/classes:$(cat bench/<target>/bench.classpath)
     * io.ringlite.bench.BTreeOps\$PerOperation insert 20000}.
     */
    public static final class PerOperation {
        private PerOperation() {
        }

        public static void main(String[] args) throws Exception {
            String what = args.length > 0 ? args[0] : "insert";
            int n = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
            Path dir = Files.createTempDirectory("ringlite-btree-perop");
            try {
                Path file = dir.resolve("bt.db");
                int root = StorageHarness.createSqliteDb(file, ROWS, PAD);
                SplittableRandom random = new SplittableRandom(11);
                long nextId = ROWS + 1;
                try (RingliteOps ops = new RingliteOps(IoKind.PORTABLE, file, root)) {
                    for (int txn = 0; txn < 6; txn++) {
                        long[] took = new long[n];
                        for (int i = 0; i < n; i++) {
                            long t0 = System.nanoTime();
                            if (what.equals("insert")) {
                                ops.insert(nextId++);
                            } else {
                                ops.deleteReinsert(1 + random.nextInt(ROWS));
                            }
                            took[i] = System.nanoTime() - t0;
                        }
                        int slowest = 0;
                        long sum = 0;
                        for (int i = 0; i < n; i++) {
                            sum += took[i];
                            if (took[i] > took[slowest]) {
                                slowest = i;
                            }
                        }
                        long[] sorted = took.clone();
                        java.util.Arrays.sort(sorted);
                        ops.endTransaction();
                        System.out.printf("%s transaction %d: mean %.1f us, median %.1f us, p99 %.1f us, slowest %.1f ms (operation %d)%n",
                                what, txn, sum / 1e3 / n, sorted[n / 2] / 1e3, sorted[n * 99 / 100] / 1e3,
                                took[slowest] / 1e6, slowest);
                    }
                }
            } finally {
                StorageHarness.deleteTree(dir);
            }
        }
    }
}
