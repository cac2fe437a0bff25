package io.ringlite.storage.btree;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringlite.storage.Storage;
import io.ringlite.storage.StorageOptions;
import io.ringlite.storage.io.Completion;
import io.ringlite.storage.io.IoBackend;
import io.ringlite.storage.io.IoBackends;
import io.ringlite.storage.io.IoStatus;
import io.ringlite.storage.io.SimulatedFileSystem;
import io.ringlite.storage.pager.Pager;
import io.ringlite.storage.record.KeyInfo;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Index B-trees over the real pager (simulated files): committed and read back cold through a
 * tiny cache, and a cursor open across a statement rollback of deletes that merged pages.
 */
class IndexOnRealPagerTest {
    private static final Path DB = Path.of("/sim/index.db");
    private static final KeyInfo KEY = KeyInfo.binary(1);

    private final SimulatedFileSystem fs = new SimulatedFileSystem(12);
    private final IoBackend io = IoBackends.simulated(fs);

    private void await(Completion c) {
        for (long spins = 0; !c.isDone(); spins++) {
            io.poll(io.hasInFlight());
            if (spins > 10_000_000L) {
                throw new AssertionError("completion never finished");
            }
        }
        if (c.isFailed()) {
            throw new AssertionError(c.failure());
        }
    }

    private void ready(Supplier<IoStatus> op) {
        for (int i = 0; i < 200; i++) {
            IoStatus s = op.get();
            if (s instanceof IoStatus.Pending(Completion c)) {
                await(c);
            } else {
                return;
            }
        }
        throw new AssertionError("operation stayed Pending: it never found its pages cached");
    }

    private Storage open(int cacheSize) {
        Storage s = Storage.open(io, DB, StorageOptions.defaults().withPageSize(512).withCacheSize(cacheSize)
                .withSaltSeed(5));
        await(s.start());
        return s;
    }

    private static byte[] entry(long k) {
        return Records.encode("name-" + k + "-" + "x".repeat((int) (k % 50)), k);
    }

    private List<Long> rest(IndexCursor c) {
        List<Long> out = new ArrayList<>();
        while (!c.eof()) {
            ready(c::loadPayload);
            out.add((Long) Records.decode(c.payload().toArray(ValueLayout.JAVA_BYTE)).get(1));
            ready(c::next);
        }
        return out;
    }

    private int createIndex(Storage s, int n) {
        Pager pager = s.pager();
        BTreeStore store = s.btrees();
        int[] root = new int[1];
        ready(pager::beginRead);
        ready(pager::beginWrite);
        ready(() -> store.createIndex(root));
        try (IndexCursor c = store.openIndex(root[0], KEY, true)) {
            for (long k = 0; k < n; k++) {
                byte[] e = entry(k);
                ready(() -> c.insert(MemorySegment.ofArray(e)));
            }
        }
        await(pager.commit());
        pager.endRead();
        return root[0];
    }

    /** Keys sorted as the index sorts them (by the text column). */
    private static List<Long> sorted(List<Long> keys) {
        List<Long> out = new ArrayList<>(keys);
        out.sort((a, b) -> java.util.Arrays.compareUnsigned(
                ("name-" + a + "-" + "x".repeat((int) (a % 50))).getBytes(), ("name-" + b + "-" + "x".repeat((int) (b % 50))).getBytes()));
        return out;
    }

    @Test
    void indexCommittedThenReadColdThroughATinyCacheHasEveryEntryInOrder() {
        Storage first = open(16);
        int root = createIndex(first, 1500);
        await(first.close());
        Storage s = open(16);
        ready(s.pager()::beginRead);
        List<Long> all = new ArrayList<>();
        for (long k = 0; k < 1500; k++) {
            all.add(k);
        }
        try (IndexCursor c = s.btrees().openIndex(root, KEY, false)) {
            ready(c::first);
            assertThat(rest(c)).containsExactlyElementsOf(sorted(all));
        }
        s.pager().endRead();
        await(s.close());
    }

    @Test
    void cursorOpenAcrossAStatementRollbackOfDeletesSeesTheRestoredEntries() {
        Storage s = open(2000);
        int root = createIndex(s, 600);
        Pager pager = s.pager();
        BTreeStore store = s.btrees();
        List<Long> all = new ArrayList<>();
        for (long k = 0; k < 600; k++) {
            all.add(k);
        }
        List<Long> order = sorted(all);
        ready(pager::beginRead);
        ready(pager::beginWrite);
        try (IndexCursor reader = store.openIndex(root, KEY, false); IndexCursor writer = store.openIndex(root, KEY, true)) {
            long at = order.get(100);
            ready(() -> reader.seek(MemorySegment.ofArray(entry(at)), SeekOp.EQ));
            assertThat(reader.found()).isTrue();
            pager.beginStatement();
            // delete the reader's entry and 200 after it: pages merge, the tree shrinks
            for (long k : order.subList(100, 301)) {
                ready(() -> writer.seek(MemorySegment.ofArray(entry(k)), SeekOp.EQ));
                assertThat(writer.found()).isTrue();
                ready(writer::delete);
            }
            ready(reader::next);
            ready(reader::loadPayload);
            assertThat(Records.decode(reader.payload().toArray(ValueLayout.JAVA_BYTE)).get(1)).isEqualTo(order.get(301));

            pager.rollbackStatement();

            ready(reader::previous);
            assertThat(rest(reader)).as("entries from the one before 301, the deletes undone")
                    .containsExactlyElementsOf(order.subList(300, 600));
        }
        pager.rollback();
        pager.endRead();
        await(s.close());
    }
}
