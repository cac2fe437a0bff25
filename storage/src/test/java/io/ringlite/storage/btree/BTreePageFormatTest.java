package io.ringlite.storage.btree;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The page-format reader against pages real SQLite wrote (freeblocks, fragments, index pages). */
class BTreePageFormatTest {
    @TempDir
    Path tmp;

    /**
     * On every b-tree page (table and index) of the fixture, the cells, the pointer array, the
     * free space (gap + freeblocks + fragments) and the header add up to the usable size: the
     * cell sizes, including the index payload-spilling rule, and the freeblock walk are right.
     */
    @ParameterizedTest
    @ValueSource(strings = {"freelist.db", "basic-4096.db", "indexes.db", "overflow.db", "pagesize-512.db", "reserved-bytes.db"})
    void everyByteOfASqlitePageIsAccountedFor(String fixture) throws Exception {
        Path file = Fixtures.copy(fixture, tmp);
        MemoryPager pager = MemoryPager.load(file, 1, 0.0);
        Set<Integer> visited = new HashSet<>();
        try (Connection conn = SqliteInteropTest.open(file);
             Statement s = conn.createStatement();
             ResultSet rs = s.executeQuery("SELECT rootpage FROM sqlite_schema WHERE rootpage > 0")) {
            while (rs.next()) {
                visit(pager, rs.getInt(1), visited);
            }
        }
        visit(pager, 1, visited);
        assertThat(visited).hasSizeGreaterThan(1);
    }

    private static void visit(MemoryPager pager, int no, Set<Integer> visited) {
        if (!visited.add(no)) {
            return;
        }
        int usable = pager.usableSize();
        Io.run(pager, pager.fetchOf(no));
        MemorySegment d = pager.get(no).data();
        PageType t = BTreePage.check(d, no, usable);
        int h = BTreePage.headerOffset(no);
        int n = BTreePage.cellCount(d, h);
        int cells = 0;
        for (int i = 0; i < n; i++) {
            int off = BTreePage.cellOffset(d, h, t, i, usable, no);
            cells += BTreePage.cellSize(d, off, t, usable, no);
            if (!t.leaf) {
                visit(pager, BTreePage.u32(d, off), visited);
            }
        }
        if (!t.leaf) {
            visit(pager, BTreePage.rightChild(d, h), visited);
        }
        int free = BTreePage.freeSpace(d, no, t, usable);
        assertThat(h + t.headerSize() + 2 * n + cells + free).as("page " + no + " of type " + t).isEqualTo(usable);
    }

    /**
     * Around the spilling thresholds, our rule spills exactly as many overflow pages as real
     * SQLite does for the same record (SQLite's dbstat table counts them).
     */
    @ParameterizedTest(name = "pageSize={0}")
    @CsvSource({"512", "1024", "4096", "65536"})
    void overflowPageCountMatchesSqliteAroundTheThresholds(int pageSize) throws Exception {
        int x = pageSize - 35;
        int m = ((pageSize - 12) * 32 / 255) - 23;
        int[] sizes = {x - 1, x, x + 1, x + 2, x + m, x + pageSize - 4 - 1, x + pageSize, 2 * pageSize + 7, 5 * pageSize - m};
        try (Connection conn = java.sql.DriverManager.getConnection("jdbc:sqlite::memory:");
             Statement s = conn.createStatement()) {
            s.execute("PRAGMA page_size=" + pageSize);
            s.execute("CREATE TABLE t(b BLOB)");
            for (int recordSize : sizes) {
                int blob = recordSize - 4; // record: header (size varint, 2-byte serial type) + blob
                byte[] rec = Records.encode((Object) new byte[blob]);
                if (rec.length != recordSize) {
                    blob += recordSize - rec.length;
                    rec = Records.encode((Object) new byte[blob]);
                }
                assertThat(rec.length).isEqualTo(recordSize);
                s.execute("DELETE FROM t");
                s.execute("INSERT INTO t VALUES (zeroblob(" + blob + "))");
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM dbstat WHERE name='t' AND pagetype='overflow'")) {
                    rs.next();
                    assertThat(PayloadRules.overflowPages(PageType.TABLE_LEAF, recordSize, pageSize))
                            .as("record of " + recordSize + " bytes").isEqualTo(rs.getLong(1));
                }
            }
        }
    }

    /**
     * Removing cells in place, in random order, from pages SQLite wrote (which already have
     * freeblocks and fragments): the free space grows by exactly each cell's size and pointer, the page stays
     * consistent, and the remaining cells are untouched.
     */
    @ParameterizedTest
    @ValueSource(strings = {"freelist.db", "pagesize-512.db", "basic-4096.db"})
    void removingCellsInPlaceGivesBackExactlyTheirBytes(String fixture) throws Exception {
        Path file = Fixtures.copy(fixture, tmp);
        MemoryPager pager = MemoryPager.load(file, 2, 0.0);
        java.util.Random r = new java.util.Random(fixture.hashCode());
        int usable = pager.usableSize();
        int pagesChecked = 0;
        for (int no = 2; no <= pager.pageCount(); no++) {
            MemorySegment d = pager.raw(no);
            PageType t = PageType.of(BTreePage.u8(d, 0));
            if (t != PageType.TABLE_LEAF || pager.freePages().contains(no)) {
                continue;
            }
            try {
                BTreePage.check(d, no, usable);
                BTreePage.freeSpace(d, no, t, usable);
            } catch (io.ringlite.storage.error.DatabaseException notABtreePage) {
                continue; // an overflow page whose first byte happens to be 0x0D
            }
            pagesChecked++;
            java.util.List<byte[]> cells = BTreePage.cells(d, no, t, usable);
            while (!cells.isEmpty()) {
                int i = r.nextInt(cells.size());
                int before = BTreePage.freeSpace(d, no, t, usable);
                int removed = BTreePage.cellSize(d, BTreePage.cellOffset(d, 0, t, i, usable, no), t, usable, no);
                BTreePage.removeCell(d, no, t, i, usable);
                cells.remove(i);
                assertThat(BTreePage.freeSpace(d, no, t, usable)).isEqualTo(before + removed + 2); // the cell and its pointer
                assertThat(BTreePage.cells(d, no, t, usable)).containsExactlyElementsOf(cells);
            }
            assertThat(BTreePage.freeSpace(d, no, t, usable)).isEqualTo(usable - t.headerSize());
        }
        assertThat(pagesChecked).isPositive();
    }
}
