package io.ringlite.storage.btree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringlite.storage.io.IoStatus;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class TableCursorTest {

    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static int newTable(MemoryPager pager, BTreeStore store) {
        int[] root = new int[1];
        Io.run(pager, () -> store.createTable(root));
        return root[0];
    }

    private static void put(MemoryPager pager, BTreeCursor c, long key, byte[] value) {
        Io.run(pager, () -> c.insert(key, MemorySegment.ofArray(value)));
    }

    @Test
    void emptyTableIsEofForEveryMovement() {
        MemoryPager pager = MemoryPager.create(4096, 0, 1, 0.5);
        BTreeStore store = BTrees.create(pager);
        int root = newTable(pager, store);
        try (BTreeCursor c = store.openTable(root, false)) {
            assertThat(c.eof()).isTrue();
            Io.run(pager, c::first);
            assertThat(c.eof()).isTrue();
            Io.run(pager, c::last);
            assertThat(c.eof()).isTrue();
            Io.run(pager, () -> c.seekRowid(5));
            assertThat(c.eof()).isTrue();
            assertThat(c.found()).isFalse();
        }
    }

    @Test
    void seekFindsKeyAfterItsDividerWasDeleted() {
        MemoryPager pager = MemoryPager.create(512, 0, 2, 0.2);
        BTreeStore store = BTrees.create(pager);
        int root = newTable(pager, store);
        try (BTreeCursor c = store.openTable(root, true)) {
            for (long k = 1; k <= 400; k++) {
                put(pager, c, k * 10, bytes(20, (int) k));
            }
            // the root is interior now; its first key divides two leaves and is a real row
            Io.run(pager, () -> pager.fetch(root));
            MemorySegment rd = pager.get(root).data();
            assertThat(BTreePage.check(rd, root, pager.usableSize())).isEqualTo(PageType.TABLE_INTERIOR);
            long divider = TableCells.interiorKey(rd, root, 0, pager.usableSize());

            Io.run(pager, () -> c.seekRowid(divider));
            assertThat(c.found()).isTrue();
            Io.run(pager, c::delete);
            Io.run(pager, () -> pager.fetch(root));
            assertThat(TableCells.interiorKey(pager.get(root).data(), root, 0, pager.usableSize()))
                    .as("the divider outlives its row").isEqualTo(divider);

            Io.run(pager, () -> c.seekRowid(divider));
            assertThat(c.found()).isFalse();
            assertThat(c.rowid()).as("positioned on the next row").isEqualTo(divider + 10);
            Io.run(pager, () -> c.seekRowid(divider - 10));
            assertThat(c.found()).isTrue();
            Io.run(pager, c::next);
            assertThat(c.rowid()).as("next skips the deleted divider row").isEqualTo(divider + 10);
            Io.run(pager, c::previous);
            assertThat(c.rowid()).isEqualTo(divider - 10);

            put(pager, c, divider, bytes(7, 7));
            Io.run(pager, () -> c.seekRowid(divider));
            assertThat(c.found()).isTrue();
            Io.run(pager, c::loadPayload);
            assertThat(c.payload().toArray(ValueLayout.JAVA_BYTE)).isEqualTo(bytes(7, 7));
        }
    }

    @Test
    void pendingMovementLeavesTheCursorWhereItWas() {
        MemoryPager pager = MemoryPager.create(512, 0, 3, 1.0);
        BTreeStore store = BTrees.create(pager);
        int root = newTable(pager, store);
        try (BTreeCursor c = store.openTable(root, true)) {
            for (long k = 1; k <= 300; k++) {
                put(pager, c, k, bytes(30, (int) k));
            }
            Io.run(pager, c::first);
            int pendings = 0;
            for (long k = 1; k < 300; k++) {
                pager.evict();
                IoStatus s;
                while (!(s = c.next()).isReady()) {
                    pendings++;
                    assertThat(s).isInstanceOf(IoStatus.Pending.class);
                    assertThat(c.eof()).isFalse();
                    assertThat(c.rowid()).as("a Pending next() did not move").isEqualTo(k);
                }
                assertThat(c.rowid()).isEqualTo(k + 1);
            }
            assertThat(pendings).as("the schedule did make next() wait").isPositive();
        }
    }

    @Test
    void sequentialInsertsFillLeafPages() {
        MemoryPager pager = MemoryPager.create(4096, 0, 4, 0.0);
        BTreeStore store = BTrees.create(pager);
        int root = newTable(pager, store);
        try (BTreeCursor c = store.openTable(root, true)) {
            for (long k = 1; k <= 2000; k++) {
                put(pager, c, k, bytes(100, 0));
            }
        }
        // A cell is 1 (size varint) + 2 (rowid varint, rowid >= 128) + 100 bytes, plus a 2-byte
        // pointer; a leaf holds (4096 - 8) / 105 = 38 of them: 2000 rows need 53 full leaves.
        int leaves = 0;
        for (int n = 2; n <= pager.pageCount(); n++) {
            Io.run(pager, pager.fetchOf(n));
            if (BTreePage.check(pager.get(n).data(), n, 4096) == PageType.TABLE_LEAF) {
                leaves++;
            }
        }
        assertThat(leaves).isBetween(53, 54);
    }

    @Test
    void localPayloadIsAViewOfThePageNotACopy() {
        MemoryPager pager = MemoryPager.create(4096, 0, 5, 0.0);
        BTreeStore store = BTrees.create(pager);
        int root = newTable(pager, store);
        try (BTreeCursor c = store.openTable(root, true)) {
            put(pager, c, 1, bytes(50, 1));
            Io.run(pager, () -> c.seekRowid(1));
            Io.run(pager, c::loadPayload);
            assertThat(c.payload().heapBase()).containsSame(pager.raw(root).heapBase().orElseThrow());
            assertThat(c.payload().byteSize()).isEqualTo(50);
        }
    }

    @Test
    void replacingAnOverflowingRowFreesItsChainAndLaterRowsReuseIt() {
        MemoryPager pager = MemoryPager.create(1024, 0, 6, 0.3);
        BTreeStore store = BTrees.create(pager);
        int root = newTable(pager, store);
        try (BTreeCursor c = store.openTable(root, true)) {
            byte[] big = bytes(5000, 1);
            put(pager, c, 7, big);
            int pagesWithBig = pager.pageCount();
            long chain = PayloadRules.overflowPages(PageType.TABLE_LEAF, big.length, 1020);
            assertThat(pagesWithBig).isEqualTo(2 + (int) chain);

            put(pager, c, 7, bytes(10, 2));
            assertThat(pager.freePages()).hasSize((int) chain);

            put(pager, c, 8, bytes(5000, 3));
            assertThat(pager.pageCount()).as("the freed chain was reused").isEqualTo(pagesWithBig);
            Io.run(pager, () -> c.seekRowid(8));
            Io.run(pager, c::loadPayload);
            assertThat(c.payload().toArray(ValueLayout.JAVA_BYTE)).isEqualTo(bytes(5000, 3));
        }
    }

    @Test
    void readerCursorFollowsRowsAfterAnotherCursorSplitsItsPage() {
        MemoryPager pager = MemoryPager.create(512, 0, 7, 0.2);
        BTreeStore store = BTrees.create(pager);
        int root = newTable(pager, store);
        TreeMap<Long, byte[]> model = new TreeMap<>();
        try (BTreeCursor w = store.openTable(root, true); BTreeCursor r = store.openTable(root, false)) {
            for (long k = 0; k < 100; k += 2) {
                model.put(k, bytes(40, (int) k));
                put(pager, w, k, model.get(k));
            }
            Io.run(pager, () -> r.seekRowid(50));
            for (long k = 1; k < 100; k += 2) {
                model.put(k, bytes(40, (int) k));
                put(pager, w, k, model.get(k));
            }
            Io.run(pager, r::loadPayload);
            assertThat(r.payload().toArray(ValueLayout.JAVA_BYTE)).isEqualTo(model.get(50L));
            for (long k = 51; k < 100; k++) {
                Io.run(pager, r::next);
                assertThat(r.rowid()).isEqualTo(k);
                if (k == 60) {
                    Io.run(pager, () -> w.seekRowid(61));
                    Io.run(pager, w::delete);
                    model.remove(61L);
                    k++;
                }
            }
            Io.run(pager, r::next);
            assertThat(r.eof()).isTrue();
        }
    }

    @Test
    void writingThroughAReadOnlyCursorIsAnInvariantViolation() {
        MemoryPager pager = MemoryPager.create(4096, 0, 8, 0.0);
        BTreeStore store = BTrees.create(pager);
        int root = newTable(pager, store);
        try (BTreeCursor c = store.openTable(root, false)) {
            assertThatThrownBy(() -> c.insert(1, MemorySegment.ofArray(new byte[1])))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("invariant");
        }
    }

    @Test
    void schemaTreeOnPageOneSplitsBelowTheFileHeader() {
        MemoryPager pager = MemoryPager.create(512, 0, 9, 0.2);
        BTreeStore store = BTrees.create(pager);
        TreeMap<Long, byte[]> model = new TreeMap<>();
        Random r = new Random(9);
        try (BTreeCursor c = store.openTable(1, true)) {
            for (long k = 1; k <= 300; k++) {
                byte[] v = bytes(r.nextInt(600), (int) k);
                model.put(k, v);
                put(pager, c, k, v);
            }
        }
        TableBTreeModelTest.verify(pager, store, 1, model, r);
        byte[] magic = pager.raw(1).asSlice(0, 16).toArray(ValueLayout.JAVA_BYTE);
        assertThat(new String(magic, 0, 15, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("SQLite format 3");
        assertThat(pager.raw(1).get(ValueLayout.JAVA_BYTE, 100)).isEqualTo((byte) PageType.TABLE_INTERIOR.flag);
    }

    @Test
    void cursorsRepositionAfterARollbackThatTheStoreWasToldAbout() {
        MemoryPager pager = MemoryPager.create(512, 0, 10, 0.2);
        BTreeStore store = BTrees.create(pager);
        int root = newTable(pager, store);
        try (BTreeCursor w = store.openTable(root, true); BTreeCursor r = store.openTable(root, false)) {
            for (long k = 1; k <= 100; k++) {
                put(pager, w, k, bytes(30, (int) k));
            }
            MemoryPager.Snapshot before = pager.snapshot();
            for (long k = 101; k <= 300; k++) {
                put(pager, w, k, bytes(30, (int) k));
            }
            Io.run(pager, () -> r.seekRowid(150));
            assertThat(r.found()).isTrue();

            pager.restore(before);
            store.invalidate();

            assertThatThrownBy(() -> Io.run(pager, r::loadPayload))
                    .isInstanceOfSatisfying(io.ringlite.storage.error.DatabaseException.class,
                            e -> assertThat(e.code()).isEqualTo(io.ringlite.storage.error.ResultCode.ABORT_ROLLBACK));
            Io.run(pager, r::previous);
            assertThat(r.rowid()).as("the rolled-back rows are gone").isEqualTo(100);
            Io.run(pager, r::loadPayload);
            assertThat(r.payload().toArray(ValueLayout.JAVA_BYTE)).isEqualTo(bytes(30, 100));
            Io.run(pager, r::next);
            assertThat(r.eof()).isTrue();
        }
    }

    @Test
    void pendingInsertOrDeleteChangesNoPageAndCompletesWhenReRun() {
        // every page misses once per eviction, and prepareAllocate/prepareFree are Pending once
        MemoryPager pager = MemoryPager.create(512, 0, 11, 1.0);
        BTreeStore store = BTrees.create(pager);
        int root = newTable(pager, store);
        TreeMap<Long, byte[]> model = new TreeMap<>();
        Random r = new Random(11);
        long pendingsBefore = pager.pendings();
        try (BTreeCursor c = store.openTable(root, true)) {
            for (int i = 0; i < 400; i++) {
                long key = r.nextInt(300);
                pager.evict();
                if (model.containsKey(key) && r.nextBoolean()) {
                    Io.run(pager, () -> c.seekRowid(key));
                    pager.evict();
                    Io.run(pager, c::delete); // asserts: no page changed by any Pending attempt
                    model.remove(key);
                } else {
                    byte[] v = bytes(r.nextInt(1500), i);
                    Io.run(pager, () -> c.insert(key, MemorySegment.ofArray(v)));
                    model.put(key, v);
                }
            }
        }
        assertThat(pager.pendings() - pendingsBefore).as("operations did wait for I/O").isGreaterThan(400);
        TableBTreeModelTest.verify(pager, store, root, model, r);
    }
}
