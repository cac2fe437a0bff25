package io.ringlite.storage.btree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Corrupt page bytes give SQLITE_CORRUPT naming the page: never an out-of-bounds read or a hang. */
class BTreeCorruptionTest {
    @TempDir
    Path tmp;

    private MemoryPager pager;
    private BTreeStore store;
    private int root;

    /** A three-level table at page size 512 with some overflowing rows. */
    private void build() {
        pager = MemoryPager.create(512, 0, 1, 0.0);
        store = BTrees.create(pager);
        int[] r = new int[1];
        Io.run(pager, () -> store.createTable(r));
        root = r[0];
        Random rnd = new Random(1);
        try (BTreeCursor c = store.openTable(root, true)) {
            for (long i = 1; i <= 2000; i++) {
                long k = i;
                byte[] v = new byte[k % 100 == 0 ? 3000 : 30];
                rnd.nextBytes(v);
                Io.run(pager, () -> c.insert(k, MemorySegment.ofArray(v)));
            }
        }
    }

    private void assertCorrupt(Runnable scan) {
        assertThatThrownBy(scan::run).isInstanceOfSatisfying(DatabaseException.class, e -> {
            assertThat(e.code()).isEqualTo(ResultCode.CORRUPT);
            assertThat(e.pageNumber()).isPositive();
            assertThat(e.getMessage()).startsWith("database disk image is malformed");
        });
    }

    private Runnable fullScan() {
        return () -> {
            try (BTreeCursor c = store.openTable(root, false)) {
                Io.run(pager, c::first);
                while (!c.eof()) {
                    Io.run(pager, c::loadPayload);
                    Io.run(pager, c::next);
                }
            }
        };
    }

    private int childOfRoot() {
        MemorySegment d = pager.raw(root);
        return BTreePage.rightChild(d, 0);
    }

    @Test
    void unknownPageTypeIsCorrupt() {
        build();
        pager.raw(childOfRoot()).set(ValueLayout.JAVA_BYTE, 0, (byte) 0x07);
        assertCorrupt(fullScan());
    }

    @Test
    void cellPointerOutsideTheContentAreaIsCorrupt() {
        build();
        pager.raw(root).set(BTreePage.U16, 12, (short) 600);
        assertCorrupt(fullScan());
    }

    @Test
    void cellCountLargerThanThePageIsCorrupt() {
        build();
        pager.raw(root).set(BTreePage.U16, 3, (short) 5000);
        assertCorrupt(fullScan());
    }

    @Test
    void childPointerCycleIsCorruptNotAnEndlessDescent() {
        build();
        int child = childOfRoot();
        // the child (an interior page) points back at itself
        MemorySegment d = pager.raw(child);
        assertThat(BTreePage.check(d, child, 512)).isEqualTo(PageType.TABLE_INTERIOR);
        BTreePage.setRightChild(d, child, child);
        assertCorrupt(() -> {
            try (BTreeCursor c = store.openTable(root, false)) {
                Io.run(pager, c::last);
            }
        });
    }

    @Test
    void childPointerBeyondTheFileIsCorrupt() {
        build();
        BTreePage.setRightChild(pager.raw(root), root, 1_000_000);
        assertCorrupt(() -> {
            try (BTreeCursor c = store.openTable(root, false)) {
                Io.run(pager, () -> c.seekRowid(Long.MAX_VALUE));
            }
        });
    }

    @Test
    void overflowPointerBeyondTheFileIsCorrupt() {
        build();
        try (BTreeCursor c = store.openTable(root, false)) {
            Io.run(pager, () -> c.seekRowid(100));
            assertThat(c.payloadSize()).isEqualTo(3000);
        }
        // find the cell of row 100 and point its overflow page far away
        TreePath p = new TreePath();
        Io.run(pager, () -> p.seek(pager, root, 100));
        MemorySegment d = pager.raw(p.leafPage());
        int off = BTreePage.cellOffset(d, 0, PageType.TABLE_LEAF, p.leafIndex(), 512, p.leafPage());
        int size = BTreePage.cellSize(d, off, PageType.TABLE_LEAF, 512, p.leafPage());
        d.set(BTreePage.U32, off + size - 4, 999_999);
        assertCorrupt(fullScan());
    }

    @Test
    void absurdPayloadSizeIsCorruptWithoutAllocatingIt() {
        build();
        TreePath p = new TreePath();
        Io.run(pager, () -> p.seek(pager, root, 5));
        MemorySegment d = pager.raw(p.leafPage());
        int off = BTreePage.cellOffset(d, 0, PageType.TABLE_LEAF, p.leafIndex(), 512, p.leafPage());
        // payload size varint 0x87 0xff 0xff 0xff 0x7f (~2^34) in place of the 1-byte size + rowid
        byte[] huge = {(byte) 0x87, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f};
        MemorySegment.copy(huge, 0, d, ValueLayout.JAVA_BYTE, off, huge.length);
        assertCorrupt(fullScan());
    }

    @Test
    void varintRunningOffThePageIsCorrupt() {
        build();
        TreePath p = new TreePath();
        Io.run(pager, () -> p.seek(pager, root, 1));
        int leaf = p.leafPage();
        MemorySegment d = pager.raw(leaf);
        int off = BTreePage.cellOffset(d, 0, PageType.TABLE_LEAF, 0, 512, leaf);
        // move the first cell to the last bytes of the page and fill them with continuation bytes
        d.set(BTreePage.U16, 8, (short) 510);
        d.set(BTreePage.U16, 5, (short) Math.min(off, 510));
        d.set(ValueLayout.JAVA_BYTE, 510, (byte) 0xff);
        d.set(ValueLayout.JAVA_BYTE, 511, (byte) 0xff);
        assertCorrupt(fullScan());
    }

    @Test
    void freeblockChainOutOfOrderIsCorrupt() {
        build();
        MemorySegment d = pager.raw(root);
        int content = BTreePage.contentStart(d, 0);
        // two freeblocks pointing at each other: a cycle if followed blindly
        d.set(BTreePage.U16, 1, (short) (content + 8));
        d.set(BTreePage.U16, content + 8, (short) content);
        d.set(BTreePage.U16, content + 10, (short) 4);
        d.set(BTreePage.U16, content, (short) (content + 8));
        d.set(BTreePage.U16, content + 2, (short) 4);
        assertCorrupt(() -> BTreePage.freeSpace(d, root, PageType.TABLE_INTERIOR, 512));
    }

    /**
     * Random bytes overwritten on random pages: every read and write either works or fails
     * with SQLITE_CORRUPT; never another exception (no out-of-bounds access, no bogus
     * allocation, no invariant violation blamed on the engine).
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(longs = {1, 2})
    void randomlyCorruptedPagesGiveCorruptOrCorrectResultsOnly(long seed) {
        build();
        MemoryPager.Snapshot clean = pager.snapshot();
        Random r = new Random(seed);
        int corrupt = 0;
        for (int round = 0; round < 100; round++) {
            pager.restore(clean);
            store.invalidate();
            for (int k = 0; k < 1 + r.nextInt(4); k++) {
                int no = 1 + r.nextInt(pager.pageCount());
                MemorySegment d = pager.raw(no);
                int off = r.nextBoolean() ? r.nextInt(16) + (no == 1 ? 100 : 0) : r.nextInt(512);
                d.set(ValueLayout.JAVA_BYTE, off, (byte) r.nextInt(256));
            }
            try {
                fullScan().run();
                try (BTreeCursor c = store.openTable(root, true)) {
                    for (int i = 0; i < 20; i++) {
                        long key = r.nextInt(2100);
                        Io.run(pager, () -> c.seekRowid(key));
                        if (r.nextBoolean() && c.found()) {
                            Io.run(pager, c::delete);
                        } else {
                            byte[] v = new byte[r.nextInt(700)];
                            Io.run(pager, () -> c.insert(key, MemorySegment.ofArray(v)));
                        }
                    }
                }
            } catch (DatabaseException e) {
                assertThat(e.code()).as(e.getMessage()).isEqualTo(ResultCode.CORRUPT);
                corrupt++;
            }
        }
        assertThat(corrupt).as("the corruptions were noticed at least sometimes").isPositive();
    }
}
