package io.ringlite.storage.pager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringlite.storage.Storage;
import io.ringlite.storage.StorageOptions;
import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.header.DatabaseHeader;
import io.ringlite.storage.io.Completion;
import io.ringlite.storage.io.IoBackend;
import io.ringlite.storage.io.IoBackends;
import io.ringlite.storage.io.IoStatus;
import io.ringlite.storage.io.SimulatedFileSystem;
import io.ringlite.storage.wal.WalFormat;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pager over the simulated file system: transactions, savepoints, freelist, cache, WAL. */
class WalPagerTest {
    private static final Path DB = Path.of("/sim/test.db");

    private final SimulatedFileSystem fs = new SimulatedFileSystem(42);
    private IoBackend io;
    private Storage storage;
    private WalPager pager;

    private WalPager open(StorageOptions options) {
        return open(IoBackends.simulated(fs), options);
    }

    private WalPager open(IoBackend backend, StorageOptions options) {
        io = backend;
        storage = Storage.open(io, DB, options.withSaltSeed(7));
        TestIo.await(io, storage.start());
        pager = storage.walPager();
        return pager;
    }

    private void close() {
        TestIo.await(io, storage.close());
    }

    private void write(Runnable change) {
        TestIo.ready(io, pager::beginRead);
        TestIo.ready(io, pager::beginWrite);
        change.run();
        TestIo.await(io, pager.commit());
        pager.endRead();
    }

    private Page fetched(int n) {
        TestIo.ready(io, () -> pager.fetch(n));
        return pager.get(n);
    }

    private static void fill(Page p, int value) {
        p.data().asSlice(0, p.data().byteSize()).fill((byte) value);
    }

    private static int firstByte(Page p) {
        return p.data().get(ValueLayout.JAVA_BYTE, 0);
    }

    private List<Integer> allocatePages(int count, int value) {
        List<Integer> numbers = new ArrayList<>();
        TestIo.ready(io, () -> pager.prepareAllocate(count));
        for (int i = 0; i < count; i++) {
            Page p = pager.allocate();
            fill(p, value);
            numbers.add(p.number());
        }
        return numbers;
    }

    @Test
    void newDatabaseCommitsAndReopensWithItsPages() {
        open(StorageOptions.defaults());
        assertThat(pager.pageCount()).isEqualTo(1);
        write(() -> {
            allocatePages(3, 9);
            pager.setHeaderInt(DatabaseHeader.OFF_USER_VERSION, 77);
        });
        assertThat(pager.pageCount()).isEqualTo(4);
        close();
        assertThat(fs.exists(Path.of(DB + "-wal"))).as("WAL deleted after the close checkpoint").isFalse();
        assertThat(fs.size(DB)).isEqualTo(4 * 4096L);

        open(StorageOptions.defaults());
        assertThat(pager.pageCount()).isEqualTo(4);
        assertThat(pager.headerInt(DatabaseHeader.OFF_USER_VERSION)).isEqualTo(77);
        assertThat(pager.headerInt(DatabaseHeader.OFF_PAGE_COUNT)).isEqualTo(4);
        assertThat(pager.headerInt(DatabaseHeader.OFF_VERSION_VALID_FOR))
                .isEqualTo(pager.headerInt(DatabaseHeader.OFF_CHANGE_COUNTER));
        for (int n = 2; n <= 4; n++) {
            assertThat(firstByte(fetched(n))).isEqualTo(9);
        }
        close();
    }

    @Test
    void acknowledgedCommitSurvivesACrashThatLosesEveryUnsyncedWrite() {
        open(StorageOptions.defaults());
        write(() -> fill(pager.allocate(), 5));
        // No close: the commit lives only in the WAL.
        fs.crash(SimulatedFileSystem.CrashMode.LOSE_ALL);
        open(StorageOptions.defaults());
        assertThat(pager.walFrames()).isGreaterThan(0);
        assertThat(pager.pageCount()).isEqualTo(2);
        assertThat(firstByte(fetched(2))).isEqualTo(5);
        close();
    }

    @Test
    void rollbackRestoresEveryPageAndThePageCount() {
        open(StorageOptions.defaults());
        write(() -> allocatePages(2, 1));
        TestIo.ready(io, pager::beginRead);
        TestIo.ready(io, pager::beginWrite);
        Page two = fetched(2);
        pager.markDirty(two);
        fill(two, 50);
        allocatePages(3, 60);
        pager.setHeaderInt(DatabaseHeader.OFF_SCHEMA_COOKIE, 99);
        assertThat(pager.pageCount()).isEqualTo(6);
        pager.rollback();
        pager.endRead();
        assertThat(pager.inWriteTransaction()).isFalse();
        assertThat(pager.pageCount()).isEqualTo(3);
        assertThat(firstByte(fetched(2))).isEqualTo(1);
        assertThat(pager.headerInt(DatabaseHeader.OFF_SCHEMA_COOKIE)).isZero();
        close();
    }

    @Test
    void statementRollbackUndoesOnlyTheStatement() {
        open(StorageOptions.defaults());
        write(() -> allocatePages(2, 1));
        TestIo.ready(io, pager::beginRead);
        TestIo.ready(io, pager::beginWrite);
        Page two = fetched(2);
        pager.markDirty(two);
        fill(two, 10);
        pager.beginStatement();
        pager.markDirty(two);
        fill(two, 20);
        Page three = fetched(3);
        pager.markDirty(three);
        fill(three, 30);
        allocatePages(1, 40);
        pager.rollbackStatement();
        assertThat(firstByte(two)).as("changed before the statement: kept").isEqualTo(10);
        assertThat(firstByte(three)).as("changed in the statement only: restored").isEqualTo(1);
        assertThat(three.isDirty()).isFalse();
        assertThat(pager.pageCount()).isEqualTo(3);
        TestIo.await(io, pager.commit());
        pager.endRead();
        close();

        open(StorageOptions.defaults());
        assertThat(firstByte(fetched(2))).isEqualTo(10);
        assertThat(firstByte(fetched(3))).isEqualTo(1);
        assertThat(pager.pageCount()).isEqualTo(3);
        close();
    }

    @Test
    void statementRollbackRestoresTheFreelist() {
        open(StorageOptions.defaults());
        List<Integer> pages = new ArrayList<>();
        write(() -> pages.addAll(allocatePages(6, 1)));
        write(() -> {
            TestIo.ready(io, () -> pager.prepareFree(2));
            pager.free(pages.get(0));
            TestIo.ready(io, () -> pager.prepareFree(1));
            pager.free(pages.get(1));
        });
        int trunk = pager.headerInt(DatabaseHeader.OFF_FREELIST_TRUNK);
        TestIo.ready(io, pager::beginRead);
        TestIo.ready(io, pager::beginWrite);
        pager.beginStatement();
        TestIo.ready(io, () -> pager.prepareFree(1));
        pager.free(pages.get(2));
        List<Integer> reused = allocatePages(4, 9);
        assertThat(reused).contains(pages.get(0), pages.get(1), pages.get(2));
        assertThat(pager.pageCount()).isEqualTo(8);
        pager.rollbackStatement();
        assertThat(pager.pageCount()).isEqualTo(7);
        assertThat(pager.headerInt(DatabaseHeader.OFF_FREELIST_COUNT)).isEqualTo(2);
        assertThat(pager.headerInt(DatabaseHeader.OFF_FREELIST_TRUNK)).isEqualTo(trunk);
        assertThat(firstByte(fetched(pages.get(2)))).isEqualTo(1);
        TestIo.await(io, pager.commit());
        pager.endRead();
        write(() -> assertThat(allocatePages(3, 2)).containsExactlyInAnyOrder(pages.get(0), pages.get(1), 8));
        close();
    }

    @Test
    void freedPagesAreReusedBeforeTheFileGrows() {
        open(StorageOptions.defaults().withPageSize(512));
        List<Integer> pages = new ArrayList<>();
        // Enough pages that the freelist needs more than one trunk at 512 bytes (120 leaves each).
        write(() -> pages.addAll(allocatePages(300, 3)));
        assertThat(pager.pageCount()).isEqualTo(301);
        write(() -> {
            TestIo.ready(io, () -> pager.prepareFree(pages.size()));
            for (int n : pages) {
                TestIo.ready(io, () -> pager.prepareFree(1));
                pager.free(n);
            }
        });
        assertThat(pager.headerInt(DatabaseHeader.OFF_FREELIST_COUNT)).isEqualTo(300);
        close();
        open(StorageOptions.defaults());
        assertThat(pager.headerInt(DatabaseHeader.OFF_FREELIST_COUNT)).isEqualTo(300);
        List<Integer> reused = new ArrayList<>();
        write(() -> reused.addAll(allocatePages(300, 4)));
        assertThat(pager.pageCount()).as("no growth while the freelist has pages").isEqualTo(301);
        assertThat(reused).containsExactlyInAnyOrderElementsOf(pages);
        assertThat(pager.headerInt(DatabaseHeader.OFF_FREELIST_COUNT)).isZero();
        assertThat(pager.headerInt(DatabaseHeader.OFF_FREELIST_TRUNK)).isZero();
        write(() -> allocatePages(1, 5));
        assertThat(pager.pageCount()).isEqualTo(302);
        close();
    }

    @Test
    void cacheHitIsReadyWithoutAllocating() {
        open(StorageOptions.defaults());
        write(() -> allocatePages(20, 1));
        close();
        open(StorageOptions.defaults());
        for (int n = 1; n <= 21; n++) {
            fetched(n);
        }
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId();
        long sink = 0;
        for (int round = 0; round < 3; round++) {
            long before = mx.getThreadAllocatedBytes(tid);
            for (int i = 0; i < 100_000; i++) {
                int n = 1 + (i % 21);
                IoStatus s = pager.fetch(n);
                assert s == IoStatus.READY;
                sink += pager.get(n).number();
            }
            long allocated = mx.getThreadAllocatedBytes(tid) - before;
            if (round == 2) {
                // 100k hits; anything per hit would be megabytes. Allow the measuring itself.
                assertThat(allocated).isLessThan(10_000);
            }
        }
        assertThat(sink).isPositive();
        close();
    }

    @Test
    void evictsCleanUnpinnedPagesButNeverDirtyOrPinnedOnes() {
        open(StorageOptions.defaults().withCacheSize(16));
        write(() -> allocatePages(60, 1));
        close();
        open(StorageOptions.defaults().withCacheSize(16));
        Page pinned = fetched(2);
        pager.pin(pinned);
        TestIo.ready(io, pager::beginRead);
        TestIo.ready(io, pager::beginWrite);
        Page dirty = fetched(3);
        pager.markDirty(dirty);
        fill(dirty, 33);
        for (int n = 4; n <= 61; n++) {
            fetched(n);
        }
        assertThat(pager.fetch(2)).isSameAs(IoStatus.READY);
        assertThat(pager.get(2)).isSameAs(pinned);
        assertThat(pager.fetch(3)).isSameAs(IoStatus.READY);
        assertThat(pager.get(3)).isSameAs(dirty);
        assertThat(pager.fetch(4)).as("the least recently used clean page is gone").isNotSameAs(IoStatus.READY);
        pager.unpin(pinned);
        TestIo.await(io, pager.commit());
        pager.endRead();
        close();
    }

    @Test
    void evictedPagesGiveTheirNativeMemoryBack() throws InterruptedException {
        open(StorageOptions.defaults().withCacheSize(16));
        write(() -> allocatePages(400, 1));
        close();
        open(StorageOptions.defaults().withCacheSize(16));
        java.lang.management.BufferPoolMXBean direct = java.lang.management.ManagementFactory
                .getPlatformMXBeans(java.lang.management.BufferPoolMXBean.class).stream()
                .filter(b -> b.getName().equals("direct")).findFirst().orElseThrow();
        long before = direct.getMemoryUsed();
        // Ten passes over 400 pages through a 16-page cache: 4000 misses of 4 KiB each.
        TestIo.ready(io, pager::beginRead);
        for (int pass = 0; pass < 10; pass++) {
            for (int n = 2; n <= 401; n++) {
                fetched(n);
            }
        }
        pager.endRead();
        long missed = 4000L * 4096;
        long grown = Long.MAX_VALUE;
        for (int i = 0; i < 50 && grown > missed / 4; i++) {
            System.gc();
            Thread.sleep(20);
            grown = direct.getMemoryUsed() - before;
        }
        assertThat(grown).as("native memory still held after 4000 misses through a 16-page cache")
                .isLessThan(missed / 4);
        close();
    }

    @Test
    void commitWaitsForEveryWriteBeforeFsync() {
        RecordingBackend rec = new RecordingBackend(IoBackends.simulated(fs));
        open(rec, StorageOptions.defaults());
        rec.events.clear();
        write(() -> allocatePages(8, 2));
        List<String> wal = rec.events.stream().filter(e -> e.contains("test.db-wal")).toList();
        int sync = wal.indexOf("sync-start test.db-wal");
        assertThat(sync).as("the commit synced the WAL").isPositive();
        List<String> before = wal.subList(0, sync);
        long started = before.stream().filter(e -> e.startsWith("write-start")).count();
        long finished = before.stream().filter(e -> e.startsWith("write-done")).count();
        assertThat(started).as("WAL header + 9 frames (8 pages + page 1)").isEqualTo(10);
        assertThat(finished).as("every write completed before the sync started").isEqualTo(started);
        // All writes were in flight together: no write was started after another completed.
        int lastStart = before.lastIndexOf(before.stream().filter(e -> e.startsWith("write-start")).reduce((a, b) -> b).orElseThrow());
        int firstDone = before.indexOf(before.stream().filter(e -> e.startsWith("write-done")).findFirst().orElseThrow());
        assertThat(lastStart).isLessThan(firstDone);
        close();
    }

    @Test
    void failedWalWriteMakesThePagerRefuseUntilItReReadTheFile() {
        RecordingBackend rec = new RecordingBackend(IoBackends.simulated(fs));
        open(rec, StorageOptions.defaults());
        write(() -> allocatePages(1, 7));
        TestIo.ready(io, pager::beginRead);
        TestIo.ready(io, pager::beginWrite);
        Page two = fetched(2);
        pager.markDirty(two);
        fill(two, 8);
        rec.failNextWrite("-wal");
        Completion commit = pager.commit();
        assertThatThrownBy(() -> TestIo.await(io, commit)).isInstanceOf(DatabaseException.class);
        pager.endRead();
        assertThat(pager.error()).isNotNull();
        assertThat(pager.inWriteTransaction()).isFalse();
        // The next transaction first re-reads the WAL and page 1 (Pending), then works.
        IoStatus first = pager.beginWrite();
        assertThat(first).isInstanceOf(IoStatus.Pending.class);
        TestIo.await(io, ((IoStatus.Pending) first).completion());
        assertThat(pager.error()).isNull();
        assertThat(firstByte(fetched(2))).as("the failed commit left nothing").isEqualTo(7);
        write(() -> {
            Page p = fetched(2);
            pager.markDirty(p);
            fill(p, 9);
        });
        close();
        open(StorageOptions.defaults());
        assertThat(firstByte(fetched(2))).isEqualTo(9);
        close();
    }

    @Test
    void failedSyncIsNotAcknowledged() {
        RecordingBackend rec = new RecordingBackend(IoBackends.simulated(fs));
        open(rec, StorageOptions.defaults());
        TestIo.ready(io, pager::beginRead);
        TestIo.ready(io, pager::beginWrite);
        fill(pager.allocate(), 1);
        rec.failNextSync("-wal");
        Completion commit = pager.commit();
        assertThatThrownBy(() -> TestIo.await(io, commit)).isInstanceOf(DatabaseException.class);
        assertThat(pager.walFrames()).as("nothing published").isZero();
        assertThat(pager.pageCount()).isEqualTo(1);
        pager.endRead();
    }

    @Test
    void autoCheckpointRestartsTheWalPastTheThreshold() {
        RecordingBackend rec = new RecordingBackend(IoBackends.simulated(fs));
        open(rec, StorageOptions.defaults().withWalAutoCheckpoint(10));
        for (int i = 0; i < 6; i++) {
            int v = i;
            write(() -> fill(pager.allocate(), v + 1));
        }
        // Each commit wrote 2 frames (new page + page 1): the 5th commit crossed 10 frames. The
        // checkpoint runs once no read transaction is open, and restarts the WAL when none
        // opened meanwhile.
        while (io.hasInFlight()) {
            io.poll(true);
        }
        assertThat(rec.events).contains("truncate test.db-wal 0");
        assertThat(pager.walFrames()).isLessThan(10);
        for (int n = 2; n <= 7; n++) {
            assertThat(firstByte(fetched(n))).isEqualTo(n - 1);
        }
        close();
        open(StorageOptions.defaults());
        for (int n = 2; n <= 7; n++) {
            assertThat(firstByte(fetched(n))).isEqualTo(n - 1);
        }
        close();
    }

    @Test
    void walRestartStartsANewGenerationWithNewSalts() {
        open(StorageOptions.defaults());
        write(() -> allocatePages(2, 1));
        Path wal = Path.of(DB + "-wal");
        MemorySegment first = MemorySegment.ofArray(fs.content(wal));
        WalFormatView before = WalFormatView.of(first);
        TestIo.await(io, storage.checkpoint());
        assertThat(pager.walFrames()).isZero();
        assertThat(fs.size(wal)).as("restart truncates the log").isZero();
        write(() -> allocatePages(1, 2));
        WalFormatView after = WalFormatView.of(MemorySegment.ofArray(fs.content(wal)));
        assertThat(after.checkpointSeq()).isEqualTo(before.checkpointSeq() + 1);
        assertThat(after.salt1()).isEqualTo(before.salt1() + 1);
        assertThat(after.salt2()).isNotEqualTo(before.salt2());
        close();
        open(StorageOptions.defaults());
        assertThat(pager.pageCount()).isEqualTo(4);
        assertThat(firstByte(fetched(4))).isEqualTo(2);
        close();
    }

    /** The WAL header fields a restart changes, read with the production parser. */
    private record WalFormatView(int checkpointSeq, int salt1, int salt2) {
        static WalFormatView of(MemorySegment wal) {
            WalFormat.Header h = WalFormat.Header.parse(wal.asSlice(0, 32));
            assertThat(h).as("valid WAL header").isNotNull();
            return new WalFormatView(h.checkpointSeq(), h.salt1(), h.salt2());
        }
    }

    @Test
    void checkpointWithAReaderOpenCopiesPagesButKeepsTheLog() {
        open(StorageOptions.defaults().withWalAutoCheckpoint(0));
        write(() -> allocatePages(3, 4));
        int frames = pager.walFrames();
        TestIo.ready(io, pager::beginRead);
        TestIo.await(io, storage.checkpoint());
        assertThat(pager.walFrames()).as("not restarted under a reader").isEqualTo(frames);
        byte[] file = fs.content(DB);
        assertThat(file.length).as("but the database file has every page").isEqualTo(4 * 4096);
        assertThat(file[3 * 4096]).isEqualTo((byte) 4);
        pager.endRead();
        TestIo.await(io, storage.checkpoint());
        assertThat(pager.walFrames()).isZero();
        assertThat(firstByte(fetched(4))).isEqualTo(4);
        close();
    }

    @Test
    void synchronousNormalCommitsWithoutSyncAndSyncsAtCheckpoint() {
        RecordingBackend rec = new RecordingBackend(IoBackends.simulated(fs));
        open(rec, StorageOptions.defaults().withSynchronous(StorageOptions.Synchronous.NORMAL));
        rec.events.clear();
        write(() -> allocatePages(2, 1));
        write(() -> allocatePages(2, 2));
        assertThat(rec.events).noneMatch(e -> e.startsWith("sync-start test.db-wal"));
        rec.events.clear();
        TestIo.await(io, storage.checkpoint());
        int walSync = rec.events.indexOf("sync-start test.db-wal");
        int firstDbWrite = rec.events.stream().filter(e -> e.startsWith("write-start test.db@")).findFirst()
                .map(rec.events::indexOf).orElseThrow();
        int dbSync = rec.events.indexOf("sync-start test.db");
        assertThat(walSync).as("WAL synced before the database file is overwritten").isBetween(0, firstDbWrite);
        assertThat(dbSync).as("database synced after the copy").isGreaterThan(firstDbWrite);
        close();
    }

    @Test
    void inMemoryDatabaseCommitsAndRollsBackWithoutFiles() {
        io = IoBackends.simulated(fs);
        storage = Storage.open(io, null, StorageOptions.defaults().withCacheSize(16));
        TestIo.await(io, storage.start());
        pager = storage.walPager();
        write(() -> allocatePages(40, 6));
        TestIo.ready(io, pager::beginWrite);
        fill(fetched(2), 0);
        pager.markDirty(fetched(3));
        fill(fetched(3), 1);
        pager.rollback();
        assertThat(pager.pageCount()).isEqualTo(41);
        for (int n = 2; n <= 41; n++) {
            assertThat(firstByte(fetched(n))).as("page %d kept in memory despite cache size", n).isIn(0, 6);
        }
        assertThat(firstByte(fetched(3))).isEqualTo(6);
        TestIo.await(io, storage.close());
    }

    @Test
    void readOnlyOpenRefusesWrites() {
        open(StorageOptions.defaults());
        write(() -> allocatePages(1, 1));
        close();
        open(StorageOptions.defaults().withReadOnly(true));
        assertThatThrownBy(pager::beginWrite).isInstanceOf(DatabaseException.class)
                .hasMessageContaining("readonly");
        close();
    }

    @Test
    void commitWithoutAWriteTransactionAndRollbackDuringACommitAreNoOps() {
        open(StorageOptions.defaults());
        TestIo.ready(io, pager::beginRead);
        assertThat(pager.commit().isDone()).isTrue();
        TestIo.ready(io, pager::beginWrite);
        fill(pager.allocate(), 3);
        Completion commit = pager.commit();
        assertThat(pager.commit()).as("the same commit").isSameAs(commit);
        pager.rollback();
        TestIo.await(io, commit);
        pager.endRead();
        assertThat(pager.pageCount()).isEqualTo(2);
        assertThat(firstByte(fetched(2))).isEqualTo(3);
        close();
    }

    @Test
    void committedFramesCanBeReadBackWholeForShipping() {
        open(StorageOptions.defaults().withWalAutoCheckpoint(0));
        write(() -> allocatePages(2, 6));
        write(() -> allocatePages(1, 7));
        io.ringlite.storage.wal.Wal wal = storage.wal();
        WalFormat.Header header = wal.header();
        long running = header.checksum();
        boolean[] valid = new boolean[1];
        int commits = 0;
        for (int f = 1; f <= wal.maxFrame(); f++) {
            MemorySegment frame = MemorySegment.ofArray(new byte[WalFormat.FRAME_HEADER_SIZE + 4096]);
            TestIo.await(io, wal.readFrame(f, frame));
            running = WalFormat.verifyFrame(frame, 0, header, running, valid);
            assertThat(valid[0]).as("frame %d verifies in the chain", f).isTrue();
            if (WalFormat.getInt(frame, 4) != 0) {
                commits++;
            }
        }
        assertThat(commits).isEqualTo(2);
        close();
    }

    @Test
    void fetchBeyondThePageCountIsCorruption() {
        open(StorageOptions.defaults());
        assertThatThrownBy(() -> pager.fetch(5)).isInstanceOf(DatabaseException.class)
                .extracting(e -> ((DatabaseException) e).pageNumber()).isEqualTo(5);
        close();
    }
}
