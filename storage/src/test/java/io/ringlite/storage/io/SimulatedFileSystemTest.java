package io.ringlite.storage.io;

import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import io.ringlite.uring.Errno;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SimulatedFileSystemTest {
    private static final Path DB = Path.of("/sim/test.db");

    private static MemorySegment bytes(int size, int fill) {
        MemorySegment s = Arena.ofAuto().allocate(size);
        s.fill((byte) fill);
        return s;
    }

    private static Completion await(IoBackend backend, Completion c) {
        while (!c.isDone()) {
            assertThat(backend.hasInFlight()).isTrue();
            backend.poll(true);
        }
        return c;
    }

    private static void ok(IoBackend backend, Completion c) {
        await(backend, c);
        if (c.isFailed()) {
            throw new AssertionError(c.failure());
        }
    }

    @Test
    void syncedWritesSurviveACrashThatLosesEveryUnsyncedOne() {
        SimulatedFileSystem fs = new SimulatedFileSystem(1);
        IoBackend io = IoBackends.simulated(fs);
        AsyncFile f = io.open(DB, true, false);
        ok(io, f.write(0, bytes(1024, 1)));
        ok(io, f.sync(false));
        ok(io, f.write(1024, bytes(1024, 2)));
        ok(io, f.write(0, bytes(10, 3)));
        assertThat(fs.unsyncedChanges(DB)).isEqualTo(2);
        assertThat(fs.content(DB)).hasSize(2048);

        fs.crash(SimulatedFileSystem.CrashMode.LOSE_ALL);

        byte[] after = fs.content(DB);
        assertThat(after).hasSize(1024).containsOnly((byte) 1);
        assertThat(fs.durableContent(DB)).isEqualTo(after);
    }

    @Test
    void aCrashThatKeepsEverythingLeavesTheCurrentBytes() {
        SimulatedFileSystem fs = new SimulatedFileSystem(1);
        IoBackend io = IoBackends.simulated(fs);
        AsyncFile f = io.open(DB, true, false);
        ok(io, f.write(0, bytes(1024, 1)));
        ok(io, f.truncate(100));
        byte[] before = fs.content(DB);
        fs.crash(SimulatedFileSystem.CrashMode.KEEP_ALL);
        assertThat(fs.content(DB)).isEqualTo(before);
    }

    @Test
    void seededCrashesKeepLoseOrTearEachUnsyncedWriteReproducibly() {
        List<byte[]> outcomes = new ArrayList<>();
        Set<String> distinct = new HashSet<>();
        for (long seed = 0; seed < 12; seed++) {
            byte[] first = crashAfterUnsyncedWrites(seed);
            assertThat(crashAfterUnsyncedWrites(seed)).as("seed %d reproduces", seed).isEqualTo(first);
            outcomes.add(first);
            distinct.add(Arrays.toString(first));
        }
        assertThat(distinct).as("the seed changes the outcome").hasSizeGreaterThan(1);
        boolean sawTorn = false;
        for (byte[] o : outcomes) {
            // Each 4096-byte write of 0x22 lands whole, not at all, or as a whole-sector prefix.
            assertThat(o.length).isLessThanOrEqualTo(3 * 4096);
            for (int w = 0; w < 3; w++) {
                int written = 0;
                for (int i = w * 4096; i < Math.min(o.length, (w + 1) * 4096); i++) {
                    if (o[i] == 0x22) {
                        assertThat(i - w * 4096).as("written bytes form a prefix").isEqualTo(written);
                        written++;
                    }
                }
                assertThat(written % SimulatedFileSystem.SECTOR).isZero();
                sawTorn |= written > 0 && written < 4096;
            }
        }
        assertThat(sawTorn).as("some seed tears a write").isTrue();
    }

    private static byte[] crashAfterUnsyncedWrites(long seed) {
        SimulatedFileSystem fs = new SimulatedFileSystem(seed);
        IoBackend io = IoBackends.simulated(fs);
        AsyncFile f = io.open(DB, true, false);
        for (int w = 0; w < 3; w++) {
            ok(io, f.write(w * 4096L, bytes(4096, 0x22)));
        }
        fs.crash();
        return fs.content(DB);
    }

    @Test
    void handlesOpenedBeforeACrashFailAndTheirLocksAreGone() {
        SimulatedFileSystem fs = new SimulatedFileSystem(3);
        IoBackend before = IoBackends.simulated(fs);
        AsyncFile f = before.open(DB, true, false);
        assertThat(f.tryLock(0, 100, false)).isTrue();
        fs.crash();
        Completion c = await(before, f.write(0, bytes(10, 1)));
        assertThat(c.isFailed()).isTrue();
        assertThat(((DatabaseException) c.failure()).code()).isEqualTo(ResultCode.IOERR_WRITE);

        IoBackend after = IoBackends.simulated(fs);
        AsyncFile g = after.open(DB, false, false);
        assertThat(g.tryLock(0, 100, false)).isTrue();
    }

    @Test
    void theNthOperationFailsWithTheInjectedErrno() {
        SimulatedFileSystem fs = new SimulatedFileSystem(4);
        IoBackend io = IoBackends.simulated(fs);
        AsyncFile f = io.open(DB, true, false);
        ok(io, f.write(0, bytes(512, 1)));
        fs.failOperation(2, Errno.EIO);
        ok(io, f.write(512, bytes(512, 2)));
        Completion read = await(io, f.read(0, bytes(512, 0)));
        assertThat(read.isFailed()).isTrue();
        DatabaseException e = (DatabaseException) read.failure();
        assertThat(e.code()).isEqualTo(ResultCode.IOERR_READ);
        assertThat(e.getMessage()).contains("EIO").contains("/sim/test.db");
        ok(io, f.read(0, bytes(512, 0))); // one-shot
    }

    @Test
    void enospcOnAWriteIsFullAndWritesNothing() {
        SimulatedFileSystem fs = new SimulatedFileSystem(5);
        IoBackend io = IoBackends.simulated(fs);
        AsyncFile f = io.open(DB, true, false);
        fs.failOperation(1, Errno.ENOSPC);
        Completion w = await(io, f.write(0, bytes(512, 1)));
        DatabaseException e = (DatabaseException) w.failure();
        assertThat(e.code()).isEqualTo(ResultCode.FULL);
        assertThat(e.getMessage()).startsWith("database or disk is full").contains("ENOSPC");
        assertThat(fs.content(DB)).isEmpty();
    }

    @Test
    void eioOnSyncLeavesTheWritesUnsynced() {
        SimulatedFileSystem fs = new SimulatedFileSystem(6);
        IoBackend io = IoBackends.simulated(fs);
        AsyncFile f = io.open(DB, true, false);
        ok(io, f.write(0, bytes(512, 1)));
        fs.failOperation(1, Errno.EIO);
        Completion s = await(io, f.sync(true));
        assertThat(((DatabaseException) s.failure()).code()).isEqualTo(ResultCode.IOERR_FSYNC);
        assertThat(fs.durableContent(DB)).isEmpty();
    }

    @Test
    void randomFaultsFollowTheSeed() {
        assertThat(failurePattern(77)).isEqualTo(failurePattern(77));
        List<Boolean> p = failurePattern(77);
        assertThat(p).contains(true, false);
    }

    private static List<Boolean> failurePattern(long seed) {
        SimulatedFileSystem fs = new SimulatedFileSystem(seed);
        IoBackend io = IoBackends.simulated(fs);
        AsyncFile f = io.open(DB, true, false);
        fs.failRandomly(0.3, Errno.EIO);
        List<Boolean> failed = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            failed.add(await(io, f.write(i * 16L, bytes(16, i))).isFailed());
        }
        return failed;
    }

    @Test
    void completionOrderIsDeterministicForASeedAndVariesAcrossSeeds() {
        List<Integer> a = completionOrder(99);
        assertThat(completionOrder(99)).isEqualTo(a);
        assertThat(a).containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.range(0, 20).boxed().toList());
        Set<List<Integer>> orders = new HashSet<>();
        for (long seed = 0; seed < 10; seed++) {
            orders.add(completionOrder(seed));
        }
        assertThat(orders).hasSizeGreaterThan(1);
    }

    private static List<Integer> completionOrder(long seed) {
        SimulatedFileSystem fs = new SimulatedFileSystem(seed);
        IoBackend io = IoBackends.simulated(fs);
        AsyncFile f = io.open(DB, true, false);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            int k = i;
            f.write(i * 8L, bytes(8, i)).whenDone(() -> order.add(k));
        }
        while (io.hasInFlight()) {
            io.poll(false);
        }
        return order;
    }

    @Test
    void aWriteReadsItsBufferWhenItExecutesNotWhenItStarts() {
        SimulatedFileSystem fs = new SimulatedFileSystem(7);
        IoBackend io = IoBackends.simulated(fs);
        AsyncFile f = io.open(DB, true, false);
        MemorySegment buf = bytes(8, 1);
        Completion c = f.write(0, buf);
        buf.fill((byte) 9); // a contract violation, which the simulation makes visible
        ok(io, c);
        assertThat(fs.content(DB)).containsOnly((byte) 9);
    }

    @Test
    void locksOfTwoBackendsConflictLikeTwoProcesses() {
        SimulatedFileSystem fs = new SimulatedFileSystem(8);
        IoBackend p1 = IoBackends.simulated(fs);
        IoBackend p2 = IoBackends.simulated(fs);
        AsyncFile a = p1.open(DB, true, false);
        AsyncFile b = p2.open(DB, false, false);
        assertThat(a.tryLock(100, 10, true)).isTrue();
        assertThat(b.tryLock(100, 10, true)).as("shared + shared").isTrue();
        assertThat(b.tryLock(105, 1, false)).as("exclusive over another's shared").isFalse();
        assertThat(a.tryLock(0, 1000, false)).as("exclusive over another's shared").isFalse();
        b.unlock(100, 10);
        assertThat(a.tryLock(0, 1000, false)).as("upgrade once alone").isTrue();
        assertThat(b.tryLock(999, 1, true)).isFalse();
        assertThat(b.tryLock(1000, 1, true)).as("past the range").isTrue();
        a.unlock(0, 500); // POSIX splits: [500, 1000) stays locked
        assertThat(b.tryLock(0, 500, false)).isTrue();
        assertThat(b.tryLock(500, 1, true)).isFalse();
        a.close(); // closing drops every lock the process holds on the file
        assertThat(b.tryLock(500, 1, false)).isTrue();
    }

    @Test
    void putFileInstallsDurableContent() {
        SimulatedFileSystem fs = new SimulatedFileSystem(9);
        fs.putFile(DB, new byte[]{1, 2, 3});
        fs.crash();
        assertThat(fs.content(DB)).containsExactly(1, 2, 3);
        IoBackend io = IoBackends.simulated(fs);
        AsyncFile f = io.open(DB, false, true);
        MemorySegment in = bytes(3, 0);
        ok(io, f.read(0, in));
        assertThat(in.toArray(JAVA_BYTE)).containsExactly(1, 2, 3);
    }

    @Test
    void failNextTargetsOneKindOfOperationOnOneFile() {
        SimulatedFileSystem fs = new SimulatedFileSystem(11);
        IoBackend io = IoBackends.simulated(fs);
        Path wal = Path.of("/sim/test.db-wal");
        AsyncFile db = io.open(DB, true, false);
        AsyncFile w = io.open(wal, true, false);
        fs.failNext(SimulatedFileSystem.Operation.SYNC, wal, Errno.EIO);
        ok(io, w.write(0, bytes(32, 1)));
        ok(io, db.sync(false)); // another file's sync is untouched
        Completion s = await(io, w.sync(false));
        assertThat(((DatabaseException) s.failure()).code()).isEqualTo(ResultCode.IOERR_FSYNC);
        assertThat(s.failure().getMessage()).contains("EIO").contains("test.db-wal");
        ok(io, w.sync(false)); // one-shot
    }

    /**
     * Model check: random writes, truncates and syncs on one file against a plain byte-array
     * model; the current bytes always match the model, and a crash that loses every unsynced
     * change leaves exactly the model as of the last successful sync.
     */
    @Test
    void currentAndDurableBytesFollowAByteArrayModel() {
        for (long seed = 0; seed < 20; seed++) {
            java.util.Random r = new java.util.Random(seed);
            SimulatedFileSystem fs = new SimulatedFileSystem(seed);
            IoBackend io = IoBackends.simulated(fs);
            AsyncFile f = io.open(DB, true, false);
            byte[] model = new byte[0];
            byte[] synced = new byte[0];
            for (int step = 0; step < 60; step++) {
                int what = r.nextInt(10);
                if (what < 6) {
                    int off = r.nextInt(20_000);
                    int len = 1 + r.nextInt(3000);
                    MemorySegment data = bytes(len, r.nextInt(256));
                    ok(io, f.write(off, data));
                    if (off + len > model.length) {
                        model = Arrays.copyOf(model, off + len);
                    }
                    Arrays.fill(model, off, off + len, data.get(JAVA_BYTE, 0));
                } else if (what < 8) {
                    int size = r.nextInt(25_000);
                    ok(io, f.truncate(size));
                    model = Arrays.copyOf(model, size);
                } else {
                    ok(io, f.sync(r.nextBoolean()));
                    synced = model.clone();
                }
                assertThat(fs.content(DB)).as("seed %d step %d", seed, step).isEqualTo(model);
                assertThat(f.size()).isEqualTo(model.length);
            }
            fs.crash(SimulatedFileSystem.CrashMode.LOSE_ALL);
            assertThat(fs.content(DB)).as("seed %d after crash", seed).isEqualTo(synced);
        }
    }

    @Test
    void faultArgumentsAreValidated() {
        SimulatedFileSystem fs = new SimulatedFileSystem(10);
        assertThatThrownBy(() -> fs.failOperation(0, Errno.EIO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> fs.failRandomly(1.5, Errno.EIO)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRefusedTruncateFailsItsCompletionInsteadOfEscapingThePoll() {
        SimulatedFileSystem fs = new SimulatedFileSystem(12);
        fs.putFile(DB, new byte[] {1, 2, 3});
        IoBackend backend = IoBackends.simulated(fs);
        AsyncFile file = backend.open(DB, false, false);
        Completion c = file.truncate(0x7FFF_FFFFL * 512);
        for (int i = 0; i < 100 && !c.isDone(); i++) {
            backend.poll(false);
        }
        assertThat(c.isDone()).as("the completion finished").isTrue();
        assertThat(c.failure()).isInstanceOfSatisfying(DatabaseException.class,
                e -> assertThat(e.code()).isEqualTo(ResultCode.IOERR_TRUNCATE));
        assertThat(fs.content(DB)).containsExactly(1, 2, 3);
        file.close();
        backend.close();
    }

    @Test
    void truncatePastTheSimulatedSizeLimitFailsWithEfbigAndChangesNothing() {
        SimulatedFileSystem fs = new SimulatedFileSystem(11);
        fs.putFile(DB, new byte[] {1, 2, 3});

        // 2^31-1 pages of 512 bytes: the size a hostile journal header once made us truncate to.
        assertThatThrownBy(() -> fs.truncate(DB, 0x7FFF_FFFFL * 512))
                .isInstanceOfSatisfying(DatabaseException.class, e -> {
                    assertThat(e.code()).isEqualTo(ResultCode.IOERR_TRUNCATE);
                    assertThat(e.getMessage()).contains("File too large");
                });
        assertThatThrownBy(() -> fs.truncate(DB, Integer.MAX_VALUE))
                .isInstanceOfSatisfying(DatabaseException.class, e -> assertThat(e.code()).isEqualTo(ResultCode.IOERR_TRUNCATE));
        assertThatThrownBy(() -> fs.truncate(DB, -1))
                .isInstanceOfSatisfying(DatabaseException.class, e -> assertThat(e.code()).isEqualTo(ResultCode.IOERR_TRUNCATE));

        assertThat(fs.content(DB)).containsExactly(1, 2, 3);
        assertThat(fs.unsyncedChanges(DB)).isZero();
    }

    @Test
    void writePastTheSimulatedSizeLimitFailsWithEfbigAndChangesNothing() {
        SimulatedFileSystem fs = new SimulatedFileSystem(12);
        fs.putFile(DB, new byte[] {1, 2, 3});

        assertThatThrownBy(() -> fs.write(DB, (long) Integer.MAX_VALUE - 2, new byte[] {9, 9, 9, 9}))
                .isInstanceOfSatisfying(DatabaseException.class, e -> {
                    assertThat(e.code()).isEqualTo(ResultCode.IOERR_WRITE);
                    assertThat(e.getMessage()).contains("File too large");
                });

        assertThat(fs.content(DB)).containsExactly(1, 2, 3);
        assertThat(fs.unsyncedChanges(DB)).isZero();
    }
}
