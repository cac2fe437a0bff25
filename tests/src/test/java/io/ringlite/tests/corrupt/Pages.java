package io.ringlite.tests.corrupt;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads just enough of a database image to aim damage precisely: page size, B-tree page
 * headers, cell pointers, child pointers and overflow chains. Written from the SQLite file-format
 * documentation; every method assumes the input is still intact where it looks.
 *
 * <pre>
 * Database header (page 1, offset 0)
 * OFFSET | SIZE | DESCRIPTION
 *     16 |    2 | page size (1 means 65536)
 *     20 |    1 | reserved bytes per page
 *     28 |    4 | database size in pages
 *
 * B-tree page header (offset 100 on page 1, 0 elsewhere)
 * OFFSET | SIZE | DESCRIPTION
 *      0 |    1 | type: 2 interior index, 5 interior table, 10 leaf index, 13 leaf table
 *      1 |    2 | first freeblock
 *      3 |    2 | number of cells
 *      5 |    2 | start of the cell content area
 *      7 |    1 | fragmented free bytes
 *      8 |    4 | right-most child (interior pages only)
 * then the cell pointer array, 2 bytes per cell, offsets from the start of the page.
 * </pre>
 */
final class Pages {
    private final byte[] f;
    final int pageSize;
    final int usable;

    Pages(byte[] image) {
        this.f = image;
        int ps = u16(16);
        this.pageSize = ps == 1 ? 65536 : ps;
        this.usable = pageSize - (f[20] & 0xff);
    }

    /** The image this view reads and writes (not a copy). */
    byte[] image() {
        return f;
    }

    int pageCount() {
        return f.length / pageSize;
    }

    /** Absolute offset of the first byte of {@code page}. */
    int pageStart(int page) {
        return (page - 1) * pageSize;
    }

    /** Absolute offset of the B-tree header of {@code page}. */
    int header(int page) {
        return pageStart(page) + (page == 1 ? 100 : 0);
    }

    int type(int page) {
        return f[header(page)] & 0xff;
    }

    boolean isInterior(int page) {
        int t = type(page);
        return t == 2 || t == 5;
    }

    int cellCount(int page) {
        return u16(header(page) + 3);
    }

    /** Absolute offset of the 2-byte cell pointer slot {@code i}. */
    int cellPointerSlot(int page, int i) {
        return header(page) + (isInterior(page) ? 12 : 8) + 2 * i;
    }

    /** Absolute offset of cell {@code i}. */
    int cell(int page, int i) {
        return pageStart(page) + u16(cellPointerSlot(page, i));
    }

    /** Absolute offset of the right-most child pointer of an interior page. */
    int rightChildSlot(int page) {
        return header(page) + 8;
    }

    /** The left child of cell {@code i} of an interior page (its first 4 bytes). */
    int child(int page, int i) {
        return u32(cell(page, i));
    }

    int rightChild(int page) {
        return u32(rightChildSlot(page));
    }

    /** Every child of an interior page, left to right. */
    List<Integer> children(int page) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < cellCount(page); i++) {
            out.add(child(page, i));
        }
        out.add(rightChild(page));
        return out;
    }

    /** The leaves under {@code root}, left to right. */
    List<Integer> leaves(int root) {
        List<Integer> out = new ArrayList<>();
        collectLeaves(root, out, 0);
        return out;
    }

    private void collectLeaves(int page, List<Integer> out, int depth) {
        if (depth > 20) {
            throw new IllegalStateException("invariant: fixture tree deeper than 20");
        }
        if (isInterior(page)) {
            for (int c : children(page)) {
                collectLeaves(c, out, depth + 1);
            }
        } else {
            out.add(page);
        }
    }

    /** Interior pages under {@code root} (root included), depth-first, parents before children. */
    List<Integer> interiors(int root) {
        List<Integer> out = new ArrayList<>();
        if (isInterior(root)) {
            out.add(root);
            for (int c : children(root)) {
                out.addAll(interiors(c));
            }
        }
        return out;
    }

    /**
     * For cell {@code i} of a table leaf page whose payload spills: the absolute offset of the
     * 4-byte first-overflow-page number at the end of its local payload; -1 when it does not
     * spill. Local size as the file format defines it: X = U-35, M = ((U-12)*32/255)-23,
     * K = M+((P-M) % (U-4)), local = K if K &lt;= X else M.
     */
    int overflowSlot(int page, int i) {
        int at = cell(page, i);
        long[] payload = varint(at);
        long[] rowid = varint(at + (int) payload[1]);
        int body = at + (int) payload[1] + (int) rowid[1];
        long p = payload[0];
        int x = usable - 35;
        if (p <= x) {
            return -1;
        }
        int m = ((usable - 12) * 32 / 255) - 23;
        int k = (int) (m + ((p - m) % (usable - 4)));
        int local = k <= x ? k : m;
        return body + local;
    }

    /** The overflow chain of cell {@code i} of a table leaf, in order (empty if none). */
    List<Integer> overflowChain(int page, int i) {
        List<Integer> out = new ArrayList<>();
        int slot = overflowSlot(page, i);
        if (slot < 0) {
            return out;
        }
        int next = u32(slot);
        while (next != 0 && out.size() < 10_000) {
            out.add(next);
            next = u32(pageStart(next));
        }
        return out;
    }

    /** {@code {value, length}} of the varint at {@code at}. */
    long[] varint(int at) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            int b = f[at + i] & 0xff;
            v = (v << 7) | (b & 0x7f);
            if ((b & 0x80) == 0) {
                return new long[] {v, i + 1};
            }
        }
        return new long[] {(v << 8) | (f[at + 8] & 0xff), 9};
    }

    int u16(int at) {
        return ((f[at] & 0xff) << 8) | (f[at + 1] & 0xff);
    }

    int u32(int at) {
        return ((f[at] & 0xff) << 24) | ((f[at + 1] & 0xff) << 16) | ((f[at + 2] & 0xff) << 8) | (f[at + 3] & 0xff);
    }

    void put16(int at, int v) {
        f[at] = (byte) (v >>> 8);
        f[at + 1] = (byte) v;
    }

    void put32(int at, int v) {
        f[at] = (byte) (v >>> 24);
        f[at + 1] = (byte) (v >>> 16);
        f[at + 2] = (byte) (v >>> 8);
        f[at + 3] = (byte) v;
    }

    void put8(int at, int v) {
        f[at] = (byte) v;
    }
}
