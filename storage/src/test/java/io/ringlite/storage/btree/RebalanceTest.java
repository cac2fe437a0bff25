package io.ringlite.storage.btree;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringlite.storage.record.KeyInfo;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Deletes rebalance: underfull pages merge with or borrow from a sibling, so a tree that lost
 * most of its rows gives its pages back; DROP/DELETE-all free every page of a tree.
 */
class RebalanceTest {

    /** Pages in use by the trees: all but page 1 and the free ones. */
    static int livePages(MemoryPager pager) {
        return pager.pageCount() - 1 - pager.freePages().size();
    }

    @ParameterizedTest(name = "pageSize={0} seed={1}")
    @CsvSource({"512,1", "1024,2", "4096,3"})
    void tableThatLostNineTenthsOfItsRowsShrinksWithThem(int pageSize, long seed) {
        Random r = new Random(seed);
        MemoryPager pager = MemoryPager.create(pageSize, 0, seed, 0.1);
        BTreeStore store = BTrees.create(pager);
        int[] root = new int[1];
        Io.run(pager, () -> store.createTable(root));
        int rowSize = pageSize / 12;
        List<Long> keys = new ArrayList<>();
        try (BTreeCursor c = store.openTable(root[0], true)) {
            for (long k = 0; k < 1500; k++) {
                byte[] rec = Records.encode((Object) new byte[rowSize]);
                long key = k;
                Io.run(pager, () -> c.insert(key, MemorySegment.ofArray(rec)));
                keys.add(k);
            }
            int before = livePages(pager);
            Collections.shuffle(keys, r);
            for (long key : keys.subList(0, 1350)) {
                pager.evict();
                Io.run(pager, () -> c.seekRowid(key));
                Io.run(pager, c::delete);
            }
            // 150 rows of ~rowSize bytes: at least a third full pages need at most 3x their bytes
            int dataPages = (150 * (rowSize + 8)) / pageSize + 1;
            assertThat(livePages(pager)).as("pages in use, %d before the deletes", before)
                    .isLessThanOrEqualTo(3 * dataPages + 3);
        }
        TableBTreeModelTest.verify(pager, store, root[0], modelOf(keys.subList(1350, 1500), rowSize), r);
    }

    @ParameterizedTest(name = "pageSize={0} seed={1}")
    @CsvSource({"512,7", "4096,8"})
    void tableWhoseRowsWereUpdatedToTinyOnesShrinksWithThem(int pageSize, long seed) {
        Random r = new Random(seed);
        MemoryPager pager = MemoryPager.create(pageSize, 0, seed, 0.1);
        BTreeStore store = BTrees.create(pager);
        int[] root = new int[1];
        Io.run(pager, () -> store.createTable(root));
        java.util.TreeMap<Long, byte[]> model = new java.util.TreeMap<>();
        List<Long> keys = new ArrayList<>();
        try (BTreeCursor c = store.openTable(root[0], true)) {
            for (long k = 0; k < 1000; k++) {
                byte[] rec = Records.encode((Object) new byte[pageSize / 8]);
                long key = k;
                Io.run(pager, () -> c.insert(key, MemorySegment.ofArray(rec)));
                keys.add(k);
                model.put(k, rec);
            }
            Collections.shuffle(keys, r);
            for (long key : keys) {
                byte[] rec = Records.encode(key % 7);
                pager.evict();
                Io.run(pager, () -> c.insert(key, MemorySegment.ofArray(rec)));
                model.put(key, rec);
            }
            int dataPages = (1000 * 10) / pageSize + 1; // cells of at most 8 bytes plus pointers
            assertThat(livePages(pager)).isLessThanOrEqualTo(3 * dataPages + 3);
        }
        TableBTreeModelTest.verify(pager, store, root[0], model, r);
    }

    static java.util.TreeMap<Long, byte[]> modelOf(List<Long> keys, int rowSize) {
        java.util.TreeMap<Long, byte[]> m = new java.util.TreeMap<>();
        for (long k : keys) {
            m.put(k, Records.encode((Object) new byte[rowSize]));
        }
        return m;
    }

    @ParameterizedTest(name = "pageSize={0} seed={1}")
    @CsvSource({"512,4", "1024,5", "4096,6"})
    void indexThatLostNineTenthsOfItsEntriesShrinksWithThem(int pageSize, long seed) {
        Random r = new Random(seed);
        MemoryPager pager = MemoryPager.create(pageSize, 0, seed, 0.1);
        BTreeStore store = BTrees.create(pager);
        int[] root = new int[1];
        Io.run(pager, () -> store.createIndex(root));
        int keySize = pageSize / 12;
        List<Long> keys = new ArrayList<>();
        try (IndexCursor c = store.openIndex(root[0], KeyInfo.binary(1), true)) {
            for (long k = 0; k < 1500; k++) {
                byte[] rec = Records.encode(new byte[keySize], k);
                Io.run(pager, () -> c.insert(MemorySegment.ofArray(rec)));
                keys.add(k);
            }
            Collections.shuffle(keys, r);
            for (long key : keys.subList(0, 1350)) {
                pager.evict();
                Io.run(pager, () -> c.seek(new Object[] {new byte[keySize], key}, SeekOp.EQ));
                assertThat(c.found()).isTrue();
                Io.run(pager, c::delete);
            }
            int dataPages = (150 * (keySize + 16)) / pageSize + 1;
            assertThat(livePages(pager)).isLessThanOrEqualTo(3 * dataPages + 3);
            List<Long> left = new ArrayList<>(keys.subList(1350, 1500));
            Collections.sort(left);
            Io.run(pager, c::first);
            for (long k : left) {
                Io.run(pager, c::loadPayload);
                assertThat(Records.decode(c.payload().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)).get(1)).isEqualTo(k);
                Io.run(pager, c::next);
            }
            assertThat(c.eof()).isTrue();
        }
    }

    @ParameterizedTest(name = "pageSize={0} index={1}")
    @CsvSource({"512,false", "512,true", "4096,false", "4096,true"})
    void clearTreeAndDropTreeFreeEveryPageIncludingOverflow(int pageSize, boolean index) {
        Random r = new Random(pageSize);
        MemoryPager pager = MemoryPager.create(pageSize, 0, 11, 0.2);
        BTreeStore store = BTrees.create(pager);
        int[] root = new int[1];
        Io.run(pager, () -> index ? store.createIndex(root) : store.createTable(root));
        for (int round = 0; round < 2; round++) {
            try (BTreeCursor c = index ? store.openIndex(root[0], KeyInfo.binary(1), true) : store.openTable(root[0], true)) {
                for (long k = 0; k < 400; k++) {
                    byte[] blob = new byte[r.nextInt(5) == 0 ? r.nextInt(3 * pageSize) : r.nextInt(pageSize / 8)];
                    r.nextBytes(blob);
                    byte[] rec = Records.encode(blob, k);
                    long key = k;
                    pager.evict();
                    Io.run(pager, () -> index ? ((IndexCursor) c).insert(MemorySegment.ofArray(rec)) : c.insert(key, MemorySegment.ofArray(rec)));
                }
            }
            assertThat(livePages(pager)).isGreaterThan(10);
            pager.evict();
            Io.run(pager, () -> store.clearTree(root[0]));
            assertThat(livePages(pager)).as("only the root is left").isEqualTo(1);
            try (BTreeCursor c = index ? store.openIndex(root[0], KeyInfo.binary(1), false) : store.openTable(root[0], false)) {
                Io.run(pager, c::first);
                assertThat(c.eof()).isTrue();
            }
        }
        pager.evict();
        Io.run(pager, () -> store.dropTree(root[0]));
        assertThat(livePages(pager)).isZero();
        assertThat(pager.freePages()).contains(root[0]);
    }
}
