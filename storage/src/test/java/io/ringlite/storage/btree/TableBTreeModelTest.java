package io.ringlite.storage.btree;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Random inserts and replaces (and deletes once supported) against a {@code TreeMap} model,
 * through a pager that makes fetches Pending on a seeded schedule and evicts between calls.
 */
class TableBTreeModelTest {

    static byte[] payload(Random r, int pageSize) {
        int kind = r.nextInt(10);
        int len = switch (kind) {
            case 0 -> 0;
            case 1, 2 -> r.nextInt(pageSize * 3); // overflow, several pages
            case 3 -> pageSize - 40 + r.nextInt(80); // around the local limit
            default -> r.nextInt(Math.max(8, pageSize / 16));
        };
        byte[] b = new byte[len];
        r.nextBytes(b);
        return b;
    }

    @ParameterizedTest(name = "pageSize={0} seed={1}")
    @CsvSource({"512,1", "512,2", "1024,3", "1024,4", "4096,5", "4096,6", "65536,7"})
    void randomInsertsAndReplacesMatchTreeMap(int pageSize, long seed) {
        Random r = new Random(seed);
        int ops = pageSize == 65536 ? 600 : 1500;
        try {
            MemoryPager pager = MemoryPager.create(pageSize, 0, seed, 0.15);
            BTreeStore store = BTrees.create(pager);
            int[] root = new int[1];
            Io.run(pager, () -> store.createTable(root));
            TreeMap<Long, byte[]> model = new TreeMap<>();
            try (BTreeCursor c = store.openTable(root[0], true)) {
                long range = r.nextBoolean() ? 2_000 : Long.MAX_VALUE;
                for (int i = 0; i < ops; i++) {
                    long key = switch (r.nextInt(4)) {
                        case 0 -> model.isEmpty() ? 1 : model.lastKey() + 1; // append
                        case 1 -> model.isEmpty() ? 0 : randomExisting(model, r); // replace
                        default -> range == Long.MAX_VALUE ? r.nextLong() : r.nextLong(range) - range / 2;
                    };
                    byte[] value = payload(r, pageSize);
                    pager.evict();
                    Io.run(pager, () -> c.insert(key, MemorySegment.ofArray(value)));
                    model.put(key, value);
                    assertThat(c.rowid()).isEqualTo(key);
                    if (i % 97 == 0) {
                        verify(pager, store, root[0], model, r);
                    }
                }
            }
            verify(pager, store, root[0], model, r);
            assertThat(pager.pinnedPages()).as("closed cursors pin nothing").isZero();
        } catch (Throwable t) {
            throw new AssertionError("failing seed " + seed + " pageSize " + pageSize + ": " + t, t);
        }
    }

    @ParameterizedTest(name = "pageSize={0} seed={1}")
    @CsvSource({"512,21", "512,22", "1024,23", "4096,24", "4096,25", "65536,26"})
    void randomInsertsAndDeletesDownToEmptyMatchTreeMap(int pageSize, long seed) {
        Random r = new Random(seed);
        try {
            MemoryPager pager = MemoryPager.create(pageSize, 0, seed, 0.15);
            BTreeStore store = BTrees.create(pager);
            int[] root = new int[1];
            Io.run(pager, () -> store.createTable(root));
            TreeMap<Long, byte[]> model = new TreeMap<>();
            try (BTreeCursor c = store.openTable(root[0], true)) {
                for (int round = 0; round < 3; round++) {
                    int grow = pageSize == 65536 ? 400 : 900;
                    for (int i = 0; i < grow; i++) {
                        long key = r.nextInt(3) == 0 && !model.isEmpty() ? model.lastKey() + 1 : r.nextLong(100_000);
                        byte[] value = r.nextInt(4) == 0 ? payload(r, pageSize) : new byte[r.nextInt(pageSize / 8)];
                        pager.evict();
                        Io.run(pager, () -> c.insert(key, MemorySegment.ofArray(value)));
                        model.put(key, value);
                        if (r.nextInt(3) == 0) {
                            deleteOne(pager, c, model, r);
                        }
                    }
                    verify(pager, store, root[0], model, r);
                    int target = round == 2 ? 0 : model.size() / 5;
                    while (model.size() > target) {
                        deleteOne(pager, c, model, r);
                        if (model.size() % 101 == 0) {
                            verify(pager, store, root[0], model, r);
                        }
                    }
                    verify(pager, store, root[0], model, r);
                }
            }
            assertThat(model).isEmpty();
            assertThat(pager.pinnedPages()).isZero();
            // every page but page 1 and the root went back to the freelist
            assertThat(pager.freePages()).hasSize(pager.pageCount() - 2);
        } catch (Throwable t) {
            throw new AssertionError("failing seed " + seed + " pageSize " + pageSize + ": " + t, t);
        }
    }

    /** Deletes a random existing row and checks the cursor then steps to its neighbours. */
    static void deleteOne(MemoryPager pager, BTreeCursor c, TreeMap<Long, byte[]> model, Random r) {
        long key = randomExisting(model, r);
        pager.evict();
        Io.run(pager, () -> c.seekRowid(key));
        assertThat(c.found()).isTrue();
        pager.evict();
        Io.run(pager, c::delete);
        model.remove(key);
        if (r.nextBoolean()) {
            pager.evict();
            Io.run(pager, c::next);
            Long after = model.higherKey(key);
            assertThat(c.eof()).isEqualTo(after == null);
            if (after != null) {
                assertThat(c.rowid()).isEqualTo(after);
            }
        } else {
            pager.evict();
            Io.run(pager, c::previous);
            Long before = model.lowerKey(key);
            assertThat(c.eof()).isEqualTo(before == null);
            if (before != null) {
                assertThat(c.rowid()).isEqualTo(before);
            }
        }
    }

    static long randomExisting(TreeMap<Long, byte[]> model, Random r) {
        Long k = model.ceilingKey(r.nextLong());
        return k != null ? k : model.firstKey();
    }

    static void verify(MemoryPager pager, BTreeStore store, int root, TreeMap<Long, byte[]> model, Random r) {
        try (BTreeCursor c = store.openTable(root, false)) {
            pager.evict();
            Io.run(pager, c::first);
            for (Map.Entry<Long, byte[]> e : model.entrySet()) {
                assertThat(c.eof()).isFalse();
                assertThat(c.rowid()).isEqualTo(e.getKey());
                assertThat(c.payloadSize()).isEqualTo(e.getValue().length);
                pager.evict();
                Io.run(pager, c::loadPayload);
                assertThat(c.payload().toArray(ValueLayout.JAVA_BYTE)).isEqualTo(e.getValue());
                pager.evict();
                Io.run(pager, c::next);
            }
            assertThat(c.eof()).isTrue();

            Io.run(pager, c::last);
            for (long k : model.descendingKeySet()) {
                assertThat(c.rowid()).isEqualTo(k);
                Io.run(pager, c::previous);
            }
            assertThat(c.eof()).isTrue();

            for (int i = 0; i < 50 && !model.isEmpty(); i++) {
                long probe = r.nextBoolean() ? randomExisting(model, r) : r.nextLong();
                pager.evict();
                Io.run(pager, () -> c.seekRowid(probe));
                assertThat(c.found()).isEqualTo(model.containsKey(probe));
                Long expected = model.containsKey(probe) ? Long.valueOf(probe) : model.higherKey(probe);
                if (expected == null) {
                    expected = model.lastKey();
                }
                assertThat(c.rowid()).isEqualTo(expected);
            }
        }
    }
}
