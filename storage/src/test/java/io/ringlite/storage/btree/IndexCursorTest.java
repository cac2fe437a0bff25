package io.ringlite.storage.btree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringlite.storage.record.Collation;
import io.ringlite.storage.record.KeyInfo;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IndexCursorTest {
    static final KeyInfo RTRIM = new KeyInfo(new Collation[] {Collation.RTRIM}, new boolean[] {false});

    static List<List<Object>> scan(MemoryPager pager, BTreeStore store, int root, KeyInfo ki) {
        List<List<Object>> out = new ArrayList<>();
        try (IndexCursor c = store.openIndex(root, ki, false)) {
            Io.run(pager, c::first);
            while (!c.eof()) {
                Io.run(pager, c::loadPayload);
                out.add(Records.decode(c.payload().toArray(ValueLayout.JAVA_BYTE)));
                Io.run(pager, c::next);
            }
        }
        return out;
    }

    @Test
    void insertingAnEntryEqualOnEveryFieldReplacesItWhereverItIs() {
        Random r = new Random(8);
        MemoryPager pager = MemoryPager.create(512, 0, 8, 0.2);
        BTreeStore store = BTrees.create(pager);
        int[] root = new int[1];
        Io.run(pager, () -> store.createIndex(root));
        List<String> keys = new ArrayList<>();
        try (IndexCursor c = store.openIndex(root[0], RTRIM, true)) {
            for (int i = 0; i < 400; i++) {
                String k = String.format("key%05d", i);
                keys.add(k);
                byte[] rec = Records.encode(k);
                Io.run(pager, () -> c.insert(MemorySegment.ofArray(rec)));
            }
            // RTRIM: "key00042" equals "key00042   ..." so these replace, in leaves and interior
            // cells alike, with cells of other sizes (some overflowing)
            List<String> now = new ArrayList<>(keys);
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < keys.size(); i++) {
                    String k = keys.get(i) + " ".repeat(r.nextInt(4) == 0 ? r.nextInt(1500) : r.nextInt(20));
                    now.set(i, k);
                    byte[] rec = Records.encode(k);
                    pager.evict();
                    Io.run(pager, () -> c.insert(MemorySegment.ofArray(rec)));
                    assertThat(c.found()).isTrue();
                }
            }
            List<List<Object>> got = scan(pager, store, root[0], RTRIM);
            assertThat(got).hasSize(keys.size());
            for (int i = 0; i < keys.size(); i++) {
                assertThat(got.get(i)).containsExactly(now.get(i));
            }
        }
        pager.evict();
        Io.run(pager, () -> store.clearTree(root[0]));
        assertThat(pager.freePages()).as("no overflow page of a replaced entry leaked").hasSize(pager.pageCount() - 2);
    }

    @Test
    void aCursorWhoseTreeAnotherCursorChangedStepsFromItsSavedKey() {
        MemoryPager pager = MemoryPager.create(512, 0, 9, 0.2);
        BTreeStore store = BTrees.create(pager);
        int[] root = new int[1];
        Io.run(pager, () -> store.createIndex(root));
        KeyInfo ki = KeyInfo.binary(1);
        try (IndexCursor writer = store.openIndex(root[0], ki, true);
             IndexCursor reader = store.openIndex(root[0], ki, false)) {
            for (long i = 0; i < 300; i += 2) {
                byte[] rec = Records.encode(i, "pad pad pad pad pad pad pad pad");
                Io.run(pager, () -> writer.insert(MemorySegment.ofArray(rec)));
            }
            Io.run(pager, () -> reader.seek(new Object[] {100L}, SeekOp.EQ));
            assertThat(reader.found()).isTrue();
            // the writer deletes the reader's entry and inserts right after it
            Io.run(pager, () -> writer.seek(new Object[] {100L}, SeekOp.EQ));
            Io.run(pager, writer::delete);
            byte[] rec = Records.encode(101L, "new");
            Io.run(pager, () -> writer.insert(MemorySegment.ofArray(rec)));
            pager.evict();
            Io.run(pager, reader::next);
            Io.run(pager, reader::loadPayload);
            assertThat(Records.decode(reader.payload().toArray(ValueLayout.JAVA_BYTE)).get(0)).isEqualTo(101L);
            Io.run(pager, reader::previous);
            Io.run(pager, reader::loadPayload);
            assertThat(Records.decode(reader.payload().toArray(ValueLayout.JAVA_BYTE)).get(0)).isEqualTo(98L);
            assertThat(reader.compareCurrent(new Object[] {98L})).isZero();
            assertThat(reader.compareCurrent(new Object[] {99L})).isNegative();
        }
    }

    @Test
    void rowidCallsOnAnIndexCursorAreMisuse() {
        MemoryPager pager = MemoryPager.create(512, 0, 10, 0);
        BTreeStore store = BTrees.create(pager);
        int[] root = new int[1];
        Io.run(pager, () -> store.createIndex(root));
        try (IndexCursor c = store.openIndex(root[0], KeyInfo.binary(1), true)) {
            assertThatThrownBy(() -> c.seekRowid(1)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> c.insert(1, MemorySegment.ofArray(new byte[] {1}))).isInstanceOf(IllegalStateException.class);
            Io.run(pager, c::first);
            assertThat(c.eof()).isTrue();
        }
    }

    @Test
    void openingATableRootAsAnIndexIsCorruption() {
        MemoryPager pager = MemoryPager.create(512, 0, 10, 0);
        BTreeStore store = BTrees.create(pager);
        int[] root = new int[1];
        Io.run(pager, () -> store.createTable(root));
        try (IndexCursor c = store.openIndex(root[0], KeyInfo.binary(1), false)) {
            assertThatThrownBy(() -> Io.run(pager, c::first))
                    .isInstanceOf(io.ringlite.storage.error.DatabaseException.class);
        }
    }
}
