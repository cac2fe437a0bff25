package io.ringlite.storage.btree;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The two building blocks of the balancing: finding room for a cell on a page in place (gap,
 * freeblock, defragmentation, as SQLite allocates cell space) and laying the gathered cells of
 * a balance out over pages.
 */
class CellSpaceAndLayoutTest {
    static final int USABLE = 1024;

    static byte[] leafCell(long rowid, int payload) {
        byte[] rec = new byte[payload];
        java.util.Arrays.fill(rec, (byte) rowid);
        return TableCells.leafCell(rowid, MemorySegment.ofArray(rec), payload, 0);
    }

    static MemorySegment page(List<byte[]> cells) {
        MemorySegment d = MemorySegment.ofArray(new byte[USABLE]);
        BTreePage.write(d, 2, PageType.TABLE_LEAF, cells, 0, USABLE);
        return d;
    }

    static List<byte[]> cellsOf(MemorySegment d) {
        return BTreePage.cells(d, 2, PageType.TABLE_LEAF, USABLE);
    }

    /** Free space as our page reader counts it equals the bytes no cell or header uses. */
    static void assertAccountedFor(MemorySegment d) {
        int used = 8 + 2 * BTreePage.cellCount(d, 0);
        for (byte[] c : cellsOf(d)) {
            used += c.length;
        }
        assertThat(BTreePage.freeSpace(d, 2, PageType.TABLE_LEAF, USABLE)).isEqualTo(USABLE - used);
    }

    @Test
    void insertReusesTheFreeblockADeleteLeftInsteadOfRewritingThePage() {
        List<byte[]> cells = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            cells.add(leafCell(i * 2, 100));
        }
        MemorySegment d = page(cells);
        int gapBefore = BTreePage.gap(d, 2, PageType.TABLE_LEAF);
        BTreePage.removeCell(d, 2, PageType.TABLE_LEAF, 4, USABLE); // a freeblock in the middle
        assertThat(BTreePage.u16(d, 1)).as("first freeblock").isNotZero();
        byte[] smaller = leafCell(9, 90); // 92 bytes: more than the 80-byte gap holds
        assertThat(BTreePage.insertCell(d, 2, PageType.TABLE_LEAF, 4, smaller, USABLE, new byte[USABLE])).isTrue();
        assertThat(BTreePage.gap(d, 2, PageType.TABLE_LEAF)).as("the gap holds only the pointer").isEqualTo(gapBefore);
        assertThat(BTreePage.u16(d, 1)).as("the rest of the freeblock stays free").isNotZero();
        cells.set(4, smaller);
        assertThat(cellsOf(d)).containsExactlyElementsOf(cells);
        assertAccountedFor(d);
    }

    @Test
    void insertDefragmentsWhenOnlyScatteredFreeSpaceHoldsTheCell() {
        List<byte[]> cells = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            cells.add(leafCell(i, 100));
        }
        MemorySegment d = page(cells);
        // two freeblocks of ~103 bytes each, neither big enough for a 180-byte cell
        BTreePage.removeCell(d, 2, PageType.TABLE_LEAF, 6, USABLE);
        BTreePage.removeCell(d, 2, PageType.TABLE_LEAF, 2, USABLE);
        cells.remove(6);
        cells.remove(2);
        byte[] big = leafCell(3, 180);
        assertThat(BTreePage.gap(d, 2, PageType.TABLE_LEAF)).isLessThan(big.length + 2);
        assertThat(BTreePage.insertCell(d, 2, PageType.TABLE_LEAF, 2, big, USABLE, new byte[USABLE])).isTrue();
        cells.add(2, big);
        assertThat(cellsOf(d)).containsExactlyElementsOf(cells);
        assertThat(BTreePage.u16(d, 1)).as("no freeblocks after defragmenting").isZero();
        assertAccountedFor(d);
    }

    @Test
    void insertRefusesAndChangesNothingWhenThePageCannotHoldTheCell() {
        List<byte[]> cells = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            cells.add(leafCell(i, 100));
        }
        MemorySegment d = page(cells);
        byte[] before = d.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        assertThat(BTreePage.insertCell(d, 2, PageType.TABLE_LEAF, 9, leafCell(99, 200), USABLE, new byte[USABLE])).isFalse();
        assertThat(d.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)).isEqualTo(before);
    }

    @ParameterizedTest(name = "dividersAreCells={0} seed={1}")
    @CsvSource({"true,1", "false,2", "true,3", "false,4", "true,5", "false,6"})
    void layoutFillsEveryPageWithinCapacityAndNeverLeavesOneEmptyOrFullerThanTheOneBefore(boolean dividersAreCells, long seed) {
        Random r = new Random(seed);
        int cap = USABLE - 12;
        for (int round = 0; round < 300; round++) {
            List<byte[]> all = new ArrayList<>();
            int n = 1 + r.nextInt(60);
            for (int i = 0; i < n; i++) {
                int size = r.nextInt(8) == 0 ? cap / 4 + r.nextInt(cap / 4) : 4 + r.nextInt(120);
                all.add(new byte[size]);
            }
            int[] ends = Balancer.layout(all, cap, dividersAreCells);
            int start = 0;
            int previous = Integer.MAX_VALUE;
            int maxCell = 0;
            for (byte[] c : all) {
                maxCell = Math.max(maxCell, c.length + 2);
            }
            for (int j = 0; j < ends.length; j++) {
                assertThat(ends[j]).as("page %d has cells", j).isGreaterThan(start);
                int used = BTreePage.spaceNeeded(all.subList(start, ends[j]));
                assertThat(used).as("page %d fits", j).isLessThanOrEqualTo(cap);
                if (j > 0) {
                    assertThat(used).as("page %d no fuller than the page before it, give or take a cell", j)
                            .isLessThanOrEqualTo(previous + maxCell);
                }
                previous = used;
                start = ends[j] + (dividersAreCells && j < ends.length - 1 ? 1 : 0);
            }
            assertThat(start).as("every cell placed").isEqualTo(n);
            int total = BTreePage.spaceNeeded(all);
            assertThat(ends.length).as("no more pages than needed, plus one for the dividers' slack")
                    .isLessThanOrEqualTo(total / (cap / 2) + 2);
        }
    }

    @Test
    void sequentialLayoutOfAFullPageAndOneCellEvensOutBetweenTwoPages() {
        int cap = USABLE - 8;
        List<byte[]> all = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            all.add(new byte[98]); // 100 with the pointer: 10 fit exactly
        }
        all.add(new byte[98]);
        int[] ends = Balancer.layout(all, cap, false);
        assertThat(ends).containsExactly(6, 11);
    }
}
