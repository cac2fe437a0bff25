package io.ringlite.storage.btree;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringlite.storage.record.KeyInfo;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Index B-trees against a {@code TreeSet} model: entries (blob, rowid) as SQLite builds them for
 * an index on a blob column, random inserts, deletes down to empty, partial-key seeks, through
 * a pager that makes fetches Pending on a seeded schedule and evicts between calls.
 */
class IndexBTreeModelTest {
    record Entry(byte[] blob, long rowid) {
        byte[] record() {
            return Records.encode(blob, rowid);
        }
    }

    static final Comparator<Entry> ORDER = Comparator.<Entry, byte[]>comparing(Entry::blob, Arrays::compareUnsigned)
            .thenComparingLong(Entry::rowid);
    static final KeyInfo KEY = KeyInfo.binary(1);

    static byte[] blob(Random r, int pageSize, List<byte[]> pool) {
        if (!pool.isEmpty() && r.nextInt(4) == 0) {
            return pool.get(r.nextInt(pool.size())); // duplicates of a prefix
        }
        int len = switch (r.nextInt(12)) {
            case 0 -> r.nextInt(pageSize * 2); // overflows
            case 1 -> pageSize / 4 - 40 + r.nextInt(60); // around the local limit
            default -> r.nextInt(Math.max(4, pageSize / 40));
        };
        byte[] b = new byte[len];
        r.nextBytes(b);
        if (r.nextBoolean() && len > 0) {
            b[0] = (byte) r.nextInt(4); // shared prefixes
        }
        pool.add(b);
        return b;
    }

    @ParameterizedTest(name = "pageSize={0} seed={1}")
    @CsvSource({"512,1", "512,2", "1024,3", "4096,4", "4096,5", "65536,6"})
    void randomInsertsDeletesAndSeeksMatchTreeSet(int pageSize, long seed) {
        Random r = new Random(seed);
        try {
            MemoryPager pager = MemoryPager.create(pageSize, 0, seed, 0.15);
            BTreeStore store = BTrees.create(pager);
            int[] root = new int[1];
            Io.run(pager, () -> store.createIndex(root));
            TreeSet<Entry> model = new TreeSet<>(ORDER);
            List<byte[]> pool = new ArrayList<>();
            try (IndexCursor c = store.openIndex(root[0], KEY, true)) {
                for (int round = 0; round < 3; round++) {
                    int grow = pageSize == 65536 ? 300 : 700;
                    for (int i = 0; i < grow; i++) {
                        Entry e = new Entry(blob(r, pageSize, pool), r.nextLong(1_000_000));
                        byte[] rec = e.record();
                        pager.evict();
                        Io.run(pager, () -> c.insert(MemorySegment.ofArray(rec)));
                        model.add(e);
                        Io.run(pager, c::loadPayload);
                        assertThat(c.payload().toArray(ValueLayout.JAVA_BYTE)).isEqualTo(rec);
                        if (r.nextInt(3) == 0) {
                            deleteOne(pager, c, model, r);
                        }
                        if (i % 151 == 0) {
                            verify(pager, store, root[0], model, r);
                        }
                    }
                    verify(pager, store, root[0], model, r);
                    int target = round == 2 ? 0 : model.size() / 5;
                    while (model.size() > target) {
                        deleteOne(pager, c, model, r);
                        if (model.size() % 97 == 0) {
                            verify(pager, store, root[0], model, r);
                        }
                    }
                    verify(pager, store, root[0], model, r);
                }
            }
            assertThat(model).isEmpty();
            assertThat(pager.pinnedPages()).isZero();
            assertThat(pager.freePages()).as("every page but page 1 and the root is free again")
                    .hasSize(pager.pageCount() - 2);
        } catch (Throwable t) {
            throw new AssertionError("failing seed " + seed + " pageSize " + pageSize + ": " + t, t);
        }
    }

    static Entry randomExisting(TreeSet<Entry> model, Random r) {
        byte[] b = new byte[1];
        r.nextBytes(b);
        Entry e = model.ceiling(new Entry(b, r.nextLong(1_000_000)));
        return e != null ? e : model.first();
    }

    static Entry current(IndexCursor c) {
        List<Object> v = Records.decode(c.payload().toArray(ValueLayout.JAVA_BYTE));
        return new Entry((byte[]) v.get(0), ((Number) v.get(1)).longValue());
    }

    static void deleteOne(MemoryPager pager, IndexCursor c, TreeSet<Entry> model, Random r) {
        Entry e = randomExisting(model, r);
        pager.evict();
        Io.run(pager, () -> c.seek(new Object[] {e.blob(), e.rowid()}, SeekOp.EQ));
        assertThat(c.found()).isTrue();
        pager.evict();
        Io.run(pager, c::delete);
        model.remove(e);
        pager.evict();
        Entry expected;
        if (r.nextBoolean()) {
            Io.run(pager, c::next);
            expected = model.higher(e);
        } else {
            Io.run(pager, c::previous);
            expected = model.lower(e);
        }
        assertThat(c.eof()).isEqualTo(expected == null);
        if (expected != null) {
            Io.run(pager, c::loadPayload);
            assertThat(ORDER.compare(current(c), expected)).isZero();
        }
    }

    static void verify(MemoryPager pager, BTreeStore store, int root, TreeSet<Entry> model, Random r) {
        try (IndexCursor c = store.openIndex(root, KEY, false)) {
            pager.evict();
            Io.run(pager, c::first);
            for (Entry e : model) {
                assertThat(c.eof()).isFalse();
                pager.evict();
                Io.run(pager, c::loadPayload);
                assertThat(c.payload().toArray(ValueLayout.JAVA_BYTE)).isEqualTo(e.record());
                pager.evict();
                Io.run(pager, c::next);
            }
            assertThat(c.eof()).isTrue();
            Io.run(pager, c::last);
            for (Entry e : model.descendingSet()) {
                assertThat(c.eof()).isFalse();
                Io.run(pager, c::loadPayload);
                assertThat(ORDER.compare(current(c), e)).isZero();
                Io.run(pager, c::previous);
            }
            assertThat(c.eof()).isTrue();

            for (int i = 0; i < 40; i++) {
                byte[] probe = model.isEmpty() || r.nextInt(3) == 0 ? new byte[] {(byte) r.nextInt(5)}
                        : randomExisting(model, r).blob();
                SeekOp op = SeekOp.values()[r.nextInt(SeekOp.values().length)];
                pager.evict();
                Io.run(pager, () -> c.seek(new Object[] {probe}, op));
                Entry lo = new Entry(probe, Long.MIN_VALUE);
                Entry hi = new Entry(probe, Long.MAX_VALUE);
                Entry expected = switch (op) {
                    case GE, EQ -> model.ceiling(lo);
                    case GT -> model.higher(hi);
                    case LE -> model.floor(hi);
                    case LT -> model.lower(lo);
                };
                assertThat(c.eof()).as("seek %s", op).isEqualTo(expected == null);
                if (expected != null) {
                    Io.run(pager, c::loadPayload);
                    assertThat(ORDER.compare(current(c), expected)).as("seek %s", op).isZero();
                    if (op == SeekOp.EQ) {
                        assertThat(c.found()).isEqualTo(Arrays.equals(expected.blob(), probe));
                    }
                }
            }
        }
    }
}
