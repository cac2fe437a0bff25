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
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * B-tree cursors over the real pager (simulated files) across the two things that change pages
 * behind a cursor's back: rollbacks (the store must be invalidated by the pager itself) and
 * cache eviction under a transaction with more dirty pages than the cache holds.
 */
class RollbackAndEvictionTest {
    private static final Path DB = Path.of("/sim/rollback.db");

    private final SimulatedFileSystem fs = new SimulatedFileSystem(11);
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

    /**
     * Re-runs {@code op} until READY. One operation touches a handful of pages, so it is READY
     * after a few misses at most; a bound this loose only trips on an operation that misses
     * forever (the page it waited for was evicted before it could use it).
     */
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

    private static byte[] payload(long rowid, int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (rowid * 31 + i);
        }
        return Records.encode(rowid, b);
    }

    private Storage open(int cacheSize) {
        Storage s = Storage.open(io, DB, StorageOptions.defaults().withPageSize(512).withCacheSize(cacheSize)
                .withSaltSeed(3));
        await(s.start());
        return s;
    }

    /** Creates table {@code t} with the given rows in one transaction; returns its root page. */
    private int createTable(Storage s, TreeMap<Long, byte[]> rows) {
        Pager pager = s.pager();
        BTreeStore store = s.btrees();
        int[] root = new int[1];
        ready(pager::beginRead);
        ready(pager::beginWrite);
        ready(() -> store.createTable(root));
        try (BTreeCursor c = store.openTable(root[0], true)) {
            rows.forEach((k, v) -> ready(() -> c.insert(k, MemorySegment.ofArray(v))));
        }
        await(pager.commit());
        pager.endRead();
        return root[0];
    }

    /** Every (rowid, payload) from the cursor's current entry to the end. */
    private List<String> rest(BTreeCursor c) {
        List<String> out = new ArrayList<>();
        while (!c.eof()) {
            ready(c::loadPayload);
            out.add(entry(c.rowid(), c.payload().toArray(ValueLayout.JAVA_BYTE)));
            ready(c::next);
        }
        return out;
    }

    private static List<String> entries(TreeMap<Long, byte[]> rows, long fromRowid) {
        List<String> out = new ArrayList<>();
        rows.tailMap(fromRowid, true).forEach((k, v) -> out.add(entry(k, v)));
        return out;
    }

    private static String entry(long rowid, byte[] payload) {
        return rowid + ":" + HexFormat.of().formatHex(payload);
    }

    @Test
    void cursorOpenAcrossAStatementRollbackSeesTheRestoredRowsWithoutAnyExplicitInvalidate() {
        TreeMap<Long, byte[]> rows = new TreeMap<>();
        for (long k = 2; k <= 400; k += 2) {
            rows.put(k, payload(k, 40));
        }
        Storage s = open(2000);
        int root = createTable(s, rows);
        Pager pager = s.pager();
        BTreeStore store = s.btrees();
        ready(pager::beginRead);
        ready(pager::beginWrite);
        try (BTreeCursor reader = store.openTable(root, false); BTreeCursor writer = store.openTable(root, true)) {
            ready(() -> reader.seekRowid(100));
            pager.beginStatement();
            // Odd rowids between the existing ones: the reader's leaf and its neighbours split.
            for (long k = 51; k <= 251; k += 2) {
                long key = k;
                ready(() -> writer.insert(key, MemorySegment.ofArray(payload(key, 60))));
            }
            // The reader moves inside the statement, so its position belongs to the new layout
            // (a page the split created, an index into a page the rollback will restore).
            ready(reader::next);
            assertThat(reader.rowid()).isEqualTo(101);
            ready(reader::next);
            assertThat(reader.rowid()).isEqualTo(102);

            pager.rollbackStatement();

            ready(reader::next);
            assertThat(rest(reader)).as("rows after 102 once the statement's inserts are undone")
                    .containsExactlyElementsOf(entries(rows, 104));
        }
        pager.rollback();
        pager.endRead();
        await(s.close());
    }

    @Test
    void cursorOpenAcrossATransactionRollbackSeesTheCommittedRows() {
        TreeMap<Long, byte[]> rows = new TreeMap<>();
        for (long k = 1; k <= 300; k++) {
            rows.put(k, payload(k, 30));
        }
        Storage s = open(2000);
        int root = createTable(s, rows);
        Pager pager = s.pager();
        BTreeStore store = s.btrees();
        ready(pager::beginRead);
        try (BTreeCursor reader = store.openTable(root, false)) {
            ready(pager::beginWrite);
            try (BTreeCursor writer = store.openTable(root, true)) {
                // Grow every row: nearly every leaf splits, rows move to pages that are new.
                for (long k = 1; k <= 300; k++) {
                    long key = k;
                    ready(() -> writer.insert(key, MemorySegment.ofArray(payload(key + 1000, 90))));
                }
            }
            ready(() -> reader.seekRowid(150));
            ready(reader::loadPayload);
            assertThat(reader.payload().toArray(ValueLayout.JAVA_BYTE)).isEqualTo(payload(1150, 90));

            pager.rollback();

            ready(reader::next);
            assertThat(rest(reader))
                    .containsExactlyElementsOf(entries(rows, 151));
        }
        pager.endRead();
        await(s.close());
    }

    @Test
    void transactionWithMoreDirtyPagesThanTheCacheHoldsKeepsMakingProgress() {
        TreeMap<Long, byte[]> rows = new TreeMap<>();
        for (long k = 1; k <= 2000; k++) {
            rows.put(k, payload(k, 60));
        }
        Storage first = open(16);
        int root = createTable(first, rows);
        await(first.close());
        // Start cold: every page of the table is on file, none cached.
        Storage s = open(16);
        Pager pager = s.pager();
        BTreeStore store = s.btrees();
        ready(pager::beginRead);
        ready(pager::beginWrite);
        try (BTreeCursor c = store.openTable(root, true)) {
            // Rewriting every row in place dirties every leaf (hundreds of pages, cache of 16),
            // while each next leaf still has to be read from the file.
            for (long k = 1; k <= 2000; k++) {
                long key = k;
                byte[] v = payload(k + 5000, 60);
                ready(() -> c.insert(key, MemorySegment.ofArray(v)));
                rows.put(k, v);
            }
        }
        await(pager.commit());
        pager.endRead();
        await(s.close());

        Storage again = open(16);
        ready(again.pager()::beginRead);
        try (BTreeCursor c = again.btrees().openTable(root, false)) {
            ready(c::first);
            assertThat(rest(c))
                    .containsExactlyElementsOf(entries(rows, 1));
        }
        again.pager().endRead();
        await(again.close());
    }
}
