package io.ringlite.storage.pager;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringlite.storage.Storage;
import io.ringlite.storage.StorageOptions;
import io.ringlite.storage.io.Completion;
import io.ringlite.storage.io.IoBackend;
import io.ringlite.storage.io.IoBackends;
import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.io.SimulatedFileSystem;
import io.ringlite.uring.Errno;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Deterministic simulation: random transactions, a crash at a random I/O point (during a
 * commit, a checkpoint, or between them) that tears or loses unsynced writes as the seed says,
 * then recovery. Every acknowledged commit must be there; the interrupted one all or nothing.
 */
class CrashRecoveryTest {
    private static final Path DB = Path.of("/sim/crash.db");

    static long[] seeds() {
        long[] s = new long[40];
        for (int i = 0; i < s.length; i++) {
            s[i] = 1000 + i;
        }
        return s;
    }

    /** Page contents modelled by their first byte; page count. */
    private record Model(Map<Integer, Integer> bytes, int pages) {
        Model copy() {
            return new Model(new HashMap<>(bytes), pages);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void everyAcknowledgedCommitSurvivesAndTheInterruptedOneIsAllOrNothing(long seed) {
        Random r = new Random(seed);
        SimulatedFileSystem fs = new SimulatedFileSystem(seed);
        StorageOptions options = StorageOptions.defaults().withPageSize(512).withCacheSize(16)
                .withWalAutoCheckpoint(1 + r.nextInt(30)).withSaltSeed(seed);
        IoBackend io = IoBackends.simulated(fs);
        Storage storage = Storage.open(io, DB, options);
        TestIo.await(io, storage.start());
        WalPager pager = storage.walPager();

        Model acked = new Model(new HashMap<>(), 1);
        Model attempted = acked;
        int transactions = 5 + r.nextInt(40);
        int crashAt = r.nextInt(transactions);
        try {
            for (int tx = 1; tx <= transactions; tx++) {
                TestIo.ready(io, pager::beginRead);
                TestIo.ready(io, pager::beginWrite);
                Model next = acked.copy();
                int ops = 1 + r.nextInt(6);
                int value = tx & 0x7f;
                for (int i = 0; i < ops; i++) {
                    if (next.pages() < 3 || r.nextInt(3) == 0) {
                        TestIo.ready(io, () -> pager.prepareAllocate(1));
                        Page p = pager.allocate();
                        p.data().fill((byte) value);
                        next = new Model(next.bytes(), pager.pageCount());
                        next.bytes().put(p.number(), value);
                    } else {
                        int n = 2 + r.nextInt(next.pages() - 1);
                        TestIo.ready(io, () -> pager.fetch(n));
                        Page p = pager.get(n);
                        pager.markDirty(p);
                        p.data().fill((byte) value);
                        next.bytes().put(n, value);
                    }
                }
                attempted = next;
                Completion commit = pager.commit();
                if (tx == crashAt) {
                    int polls = r.nextInt(4);
                    for (int i = 0; i < polls && !commit.isDone(); i++) {
                        io.poll(false);
                    }
                    if (commit.isDone() && !commit.isFailed()) {
                        acked = attempted;
                    }
                    break;
                }
                TestIo.await(io, commit);
                acked = attempted;
                pager.endRead();
                if (io.hasInFlight() && r.nextInt(4) == 0) {
                    // Crash in the middle of an automatic checkpoint.
                    int polls = r.nextInt(6);
                    for (int i = 0; i < polls; i++) {
                        io.poll(false);
                    }
                    break;
                }
            }
        } catch (RuntimeException e) {
            throw new AssertionError("seed " + seed, e);
        }
        fs.crash(SimulatedFileSystem.CrashMode.SEEDED);

        IoBackend io2 = IoBackends.simulated(fs);
        Storage reopened = Storage.open(io2, DB, options);
        TestIo.await(io2, reopened.start());
        WalPager p2 = reopened.walPager();
        Model found = new Model(new HashMap<>(), p2.pageCount());
        for (int n = 2; n <= p2.pageCount(); n++) {
            int page = n;
            TestIo.ready(io2, () -> p2.fetch(page));
            found.bytes().put(n, (int) p2.get(n).data().get(ValueLayout.JAVA_BYTE, 0));
        }
        for (int n = 2; n <= p2.pageCount(); n++) {
            found.bytes().putIfAbsent(n, 0);
        }
        Model a = normalise(acked);
        Model t = normalise(attempted);
        assertThat(found).as("seed %d: state after recovery is the last acknowledged commit or the interrupted one", seed)
                .isIn(a, t);
        TestIo.await(io2, reopened.close());
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void failedWritesAndSyncsLeaveEachCommitAllOrNothingAndThePagerUsable(long seed) {
        Random r = new Random(seed);
        SimulatedFileSystem fs = new SimulatedFileSystem(seed);
        StorageOptions options = StorageOptions.defaults().withPageSize(512).withCacheSize(16)
                .withWalAutoCheckpoint(1 + r.nextInt(30)).withSaltSeed(seed);
        IoBackend io = IoBackends.simulated(fs);
        Storage storage = Storage.open(io, DB, options);
        TestIo.await(io, storage.start());
        WalPager pager = storage.walPager();
        fs.failRandomly(0.03, r.nextBoolean() ? Errno.EIO : Errno.ENOSPC);

        Model acked = new Model(new HashMap<>(), 1);
        int failures = 0;
        for (int tx = 1; tx <= 60; tx++) {
            Model next = acked.copy();
            Model before = acked;
            int value = tx & 0x7f;
            try {
                TestIo.ready(io, pager::beginRead);
                TestIo.ready(io, pager::beginWrite);
                for (int i = 0, ops = 1 + r.nextInt(5); i < ops; i++) {
                    if (next.pages() < 3 || r.nextInt(3) == 0) {
                        TestIo.ready(io, () -> pager.prepareAllocate(1));
                        Page p = pager.allocate();
                        p.data().fill((byte) value);
                        next = new Model(next.bytes(), pager.pageCount());
                        next.bytes().put(p.number(), value);
                    } else {
                        int n = 2 + r.nextInt(next.pages() - 1);
                        TestIo.ready(io, () -> pager.fetch(n));
                        Page p = pager.get(n);
                        pager.markDirty(p);
                        p.data().fill((byte) value);
                        next.bytes().put(n, value);
                    }
                }
                TestIo.await(io, pager.commit());
                acked = next;
                pager.endRead();
            } catch (DatabaseException e) {
                failures++;
                if (pager.inWriteTransaction()) {
                    pager.rollback();
                }
                pager.endRead();
                // A failed commit may still have reached the log whole (the sync failed after
                // the writes), never in part: re-read what the pager now sees.
                Model seen = readBack(io, pager, fs);
                assertThat(seen).as("seed %d, tx %d", seed, tx).isIn(normalise(before), normalise(next));
                acked = seen;
            }
        }
        assertThat(failures).as("seed %d: the schedule injected faults", seed).isPositive();
        fs.clearFaults();
        Completion closed = storage.close();
        while (!closed.isDone()) {
            io.poll(io.hasInFlight());
        }
        IoBackend io2 = IoBackends.simulated(fs);
        Storage reopened = Storage.open(io2, DB, options);
        TestIo.await(io2, reopened.start());
        assertThat(readBack(io2, reopened.walPager(), fs)).as("seed %d after %d failures", seed, failures)
                .isEqualTo(normalise(acked));
        TestIo.await(io2, reopened.close());
    }

    /** The pager's current state; retries reads that hit an injected fault. */
    private static Model readBack(IoBackend io, WalPager pager, SimulatedFileSystem fs) {
        for (int attempt = 0; ; attempt++) {
            try {
                TestIo.ready(io, pager::beginRead);
                try {
                    Map<Integer, Integer> bytes = new HashMap<>();
                    for (int n = 2; n <= pager.pageCount(); n++) {
                        int page = n;
                        TestIo.ready(io, () -> pager.fetch(page));
                        bytes.put(n, (int) pager.get(n).data().get(ValueLayout.JAVA_BYTE, 0));
                    }
                    return new Model(bytes, pager.pageCount());
                } finally {
                    pager.endRead();
                }
            } catch (DatabaseException e) {
                if (attempt > 50) {
                    throw e;
                }
            }
        }
    }

    private static Model normalise(Model m) {
        Map<Integer, Integer> bytes = new HashMap<>();
        for (int n = 2; n <= m.pages(); n++) {
            bytes.put(n, m.bytes().getOrDefault(n, 0));
        }
        return new Model(bytes, m.pages());
    }
}
