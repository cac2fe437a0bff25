package io.ringlite.storage.pager;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringlite.storage.Storage;
import io.ringlite.storage.StorageOptions;
import io.ringlite.storage.StorageOptions.Synchronous;
import io.ringlite.storage.io.Completion;
import io.ringlite.storage.io.IoBackend;
import io.ringlite.storage.io.IoBackends;
import io.ringlite.storage.io.SimulatedFileSystem;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * PRAGMA synchronous in WAL mode, as SQLite defines it: which syncs each level issues per commit
 * and per checkpoint, that the level can change between commits, and what survives an OS crash
 * with NORMAL (a consistent prefix of the commits, never less than the last checkpoint).
 */
class SynchronousLevelsTest {
    private static final Path DB = Path.of("/sim/sync.db");

    private final SimulatedFileSystem fs = new SimulatedFileSystem(11);
    private final RecordingBackend rec = new RecordingBackend(IoBackends.simulated(fs));
    private Storage storage;
    private WalPager pager;

    private void open(Synchronous level) {
        storage = Storage.open(rec, DB, StorageOptions.defaults().withWalAutoCheckpoint(0).withSynchronous(level)
                .withSaltSeed(3));
        TestIo.await(rec, storage.start());
        pager = storage.walPager();
    }

    private void commitOnePage(int value) {
        TestIo.ready(rec, pager::beginRead);
        TestIo.ready(rec, pager::beginWrite);
        TestIo.ready(rec, () -> pager.prepareAllocate(1));
        pager.allocate().data().fill((byte) value);
        TestIo.await(rec, pager.commit());
        pager.endRead();
    }

    private long syncs(String file) {
        return rec.events.stream().filter(e -> e.equals("sync-start " + file)).count();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Synchronous.class)
    void commitsSyncTheWalOnlyAtFullAndExtra(Synchronous level) {
        open(level);
        commitOnePage(1); // the first commit also writes the empty database file
        rec.events.clear();
        for (int i = 0; i < 3; i++) {
            commitOnePage(2 + i);
        }
        long expected = level == Synchronous.FULL || level == Synchronous.EXTRA ? 3 : 0;
        assertThat(syncs("sync.db-wal")).as("WAL syncs for 3 commits at %s", level).isEqualTo(expected);
        assertThat(syncs("sync.db")).as("commits never sync the database file").isZero();
        TestIo.await(rec, storage.close());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Synchronous.class)
    void checkpointSyncsTheWalBeforeTheCopyAndTheDatabaseAfterItUnlessOff(Synchronous level) {
        open(level);
        commitOnePage(1);
        commitOnePage(2);
        rec.events.clear();
        TestIo.await(rec, storage.checkpoint());
        List<String> ev = rec.events;
        if (level == Synchronous.OFF) {
            assertThat(ev).noneMatch(e -> e.startsWith("sync-start"));
        } else {
            int walSync = ev.indexOf("sync-start sync.db-wal");
            int firstCopy = ev.indexOf(ev.stream().filter(e -> e.startsWith("write-start sync.db@")).findFirst()
                    .orElseThrow());
            int dbSync = ev.indexOf("sync-start sync.db");
            int truncate = ev.indexOf("truncate sync.db-wal 0");
            assertThat(walSync).as("WAL synced before the database file is overwritten").isBetween(0, firstCopy);
            assertThat(dbSync).as("database file synced after the copy").isGreaterThan(firstCopy);
            assertThat(truncate).as("WAL restarted after the database sync").isGreaterThan(dbSync);
            assertThat(ev.lastIndexOf("sync-start sync.db-wal")).as("the restart itself is synced")
                    .isGreaterThan(truncate);
        }
        TestIo.await(rec, storage.close());
    }

    @Test
    void theWalRestartIsDurableBeforeTheNextGenerationsFramesAreWritten() {
        open(Synchronous.FULL);
        commitOnePage(1);
        commitOnePage(2);
        TestIo.await(rec, storage.checkpoint());
        int truncate = rec.events.lastIndexOf("truncate sync.db-wal 0");
        int restartSync = rec.events.lastIndexOf("sync-done sync.db-wal");
        rec.events.clear();
        commitOnePage(3);
        assertThat(truncate).isNotNegative();
        assertThat(restartSync).as("the truncation was synced before the checkpoint completed")
                .isGreaterThan(truncate);
        TestIo.await(rec, storage.close());
    }

    @Test
    void theLevelCanChangeBetweenCommits() {
        open(Synchronous.FULL);
        commitOnePage(1);
        assertThat(pager.synchronous()).isEqualTo(Synchronous.FULL);
        rec.events.clear();
        pager.synchronous(Synchronous.NORMAL);
        commitOnePage(2);
        assertThat(syncs("sync.db-wal")).as("NORMAL: no sync").isZero();
        pager.synchronous(Synchronous.EXTRA);
        commitOnePage(3);
        assertThat(syncs("sync.db-wal")).as("EXTRA: synced").isEqualTo(1);
        pager.synchronous(Synchronous.OFF);
        TestIo.await(rec, storage.checkpoint());
        assertThat(syncs("sync.db-wal") + syncs("sync.db")).as("OFF: the checkpoint syncs nothing").isEqualTo(1);
        TestIo.await(rec, storage.close());
    }

    // ---- crash with NORMAL ----

    static long[] seeds() {
        long[] s = new long[40];
        for (int i = 0; i < s.length; i++) {
            s[i] = 7000 + i;
        }
        return s;
    }

    /** Pages 2..pages as their first byte. */
    private record State(Map<Integer, Integer> bytes, int pages) {
        State normalised() {
            Map<Integer, Integer> b = new HashMap<>();
            for (int n = 2; n <= pages; n++) {
                b.put(n, bytes.getOrDefault(n, 0));
            }
            return new State(b, pages);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void withNormalAnOsCrashKeepsAConsistentPrefixOfCommitsAndEverythingCheckpointed(long seed) {
        Random r = new Random(seed);
        SimulatedFileSystem sim = new SimulatedFileSystem(seed);
        StorageOptions options = StorageOptions.defaults().withPageSize(512).withCacheSize(16)
                .withWalAutoCheckpoint(0).withSynchronous(Synchronous.NORMAL).withSaltSeed(seed);
        IoBackend io = IoBackends.simulated(sim);
        Storage s = Storage.open(io, DB, options);
        TestIo.await(io, s.start());
        WalPager p = s.walPager();

        List<State> history = new ArrayList<>();
        history.add(new State(new HashMap<>(), 1));
        int floor = 0; // index in history of the last state a completed checkpoint made durable
        int transactions = 5 + r.nextInt(40);
        try {
            for (int tx = 1; tx <= transactions; tx++) {
                State prev = history.get(history.size() - 1);
                Map<Integer, Integer> bytes = new HashMap<>(prev.bytes());
                int pages = prev.pages();
                TestIo.ready(io, p::beginRead);
                TestIo.ready(io, p::beginWrite);
                int value = tx & 0x7f;
                for (int i = 0, ops = 1 + r.nextInt(6); i < ops; i++) {
                    if (pages < 3 || r.nextInt(3) == 0) {
                        TestIo.ready(io, () -> p.prepareAllocate(1));
                        Page page = p.allocate();
                        page.data().fill((byte) value);
                        pages = p.pageCount();
                        bytes.put(page.number(), value);
                    } else {
                        int n = 2 + r.nextInt(pages - 1);
                        TestIo.ready(io, () -> p.fetch(n));
                        Page page = p.get(n);
                        p.markDirty(page);
                        page.data().fill((byte) value);
                        bytes.put(n, value);
                    }
                }
                history.add(new State(bytes, pages));
                Completion commit = p.commit();
                if (r.nextInt(transactions) == 0) {
                    for (int i = 0, polls = r.nextInt(4); i < polls && !commit.isDone(); i++) {
                        io.poll(false);
                    }
                    break;
                }
                TestIo.await(io, commit);
                p.endRead();
                if (r.nextInt(5) == 0) {
                    Completion cp = s.checkpoint();
                    if (r.nextInt(3) == 0) {
                        for (int i = 0, polls = r.nextInt(8); i < polls && !cp.isDone(); i++) {
                            io.poll(false);
                        }
                        if (!cp.isDone()) {
                            break; // crash in the middle of the checkpoint
                        }
                    }
                    TestIo.await(io, cp);
                    floor = history.size() - 1;
                }
            }
        } catch (RuntimeException e) {
            throw new AssertionError("seed " + seed, e);
        }
        sim.crash(SimulatedFileSystem.CrashMode.SEEDED);

        IoBackend io2 = IoBackends.simulated(sim);
        Storage reopened = Storage.open(io2, DB, options);
        TestIo.await(io2, reopened.start());
        WalPager p2 = reopened.walPager();
        TestIo.ready(io2, p2::beginRead);
        Map<Integer, Integer> found = new HashMap<>();
        for (int n = 2; n <= p2.pageCount(); n++) {
            int page = n;
            TestIo.ready(io2, () -> p2.fetch(page));
            found.put(n, (int) p2.get(n).data().get(ValueLayout.JAVA_BYTE, 0));
        }
        State after = new State(found, p2.pageCount()).normalised();
        p2.endRead();
        List<State> allowed = history.subList(floor, history.size()).stream().map(State::normalised).toList();
        assertThat(allowed).as("seed %d: the state after the crash is a commit at or after the last checkpoint", seed)
                .contains(after);
        TestIo.await(io2, reopened.close());
    }
}
