package io.ringlite.storage.btree;

import io.ringlite.storage.error.DatabaseException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Reading and building the cells of table B-tree pages.
 *
 * <pre>
 * OFFSET | SIZE | DESCRIPTION (table leaf cell, page type 0x0D)
 * -------+------+-------------------------------------------------------------------------
 *   0    | 1-9  | varint P: total payload (record) size in bytes
 *   ...  | 1-9  | varint rowid
 *   ...  |  L   | the first L bytes of the payload, L = PayloadRules.localSize(P)
 *   ...  |  4   | first overflow page, present only when L &lt; P
 *
 * OFFSET | SIZE | DESCRIPTION (table interior cell, page type 0x05)
 * -------+------+-------------------------------------------------------------------------
 *   0    |  4   | left child page: every rowid in it is &lt;= the key
 *   4    | 1-9  | varint key (rowid)
 * </pre>
 */
final class TableCells {
    private TableCells() {
    }

    /** Rowid of leaf cell {@code i}. */
    static long leafRowid(MemorySegment d, int pageNo, int i, int usable) {
        int h = BTreePage.headerOffset(pageNo);
        int off = BTreePage.cellOffset(d, h, PageType.TABLE_LEAF, i, usable, pageNo);
        off += Varints.length(d, off, usable, pageNo);
        return Varints.read(d, off, usable, pageNo);
    }

    /** Key of interior cell {@code i}. */
    static long interiorKey(MemorySegment d, int pageNo, int i, int usable) {
        int h = BTreePage.headerOffset(pageNo);
        int off = BTreePage.cellOffset(d, h, PageType.TABLE_INTERIOR, i, usable, pageNo);
        if (off + 4 >= usable) {
            throw DatabaseException.corrupt(pageNo, "interior cell runs past the page");
        }
        return Varints.read(d, off + 4, usable, pageNo);
    }

    /**
     * Child {@code i} of an interior page with {@code n} cells ({@code i == n} is the right-most
     * child), checked to be a page that can exist.
     */
    static int child(MemorySegment d, int pageNo, int i, int n, int usable, int pageCount) {
        int h = BTreePage.headerOffset(pageNo);
        int child;
        if (i == n) {
            child = BTreePage.rightChild(d, h);
        } else {
            int off = BTreePage.cellOffset(d, h, PageType.TABLE_INTERIOR, i, usable, pageNo);
            if (off + 4 > usable) {
                throw DatabaseException.corrupt(pageNo, "interior cell runs past the page");
            }
            child = BTreePage.u32(d, off);
        }
        if (child < 2 || child > pageCount) {
            throw DatabaseException.corrupt(pageNo, "child page " + Integer.toUnsignedString(child) + " out of range");
        }
        return child;
    }

    /** An interior cell (child, key). */
    static byte[] interiorCell(int child, long key) {
        byte[] c = new byte[4 + Varints.sizeOf(key)];
        setChild(c, child);
        Varints.write(c, 4, key);
        return c;
    }

    static void setChild(byte[] interiorCell, int child) {
        interiorCell[0] = (byte) (child >>> 24);
        interiorCell[1] = (byte) (child >>> 16);
        interiorCell[2] = (byte) (child >>> 8);
        interiorCell[3] = (byte) child;
    }

    static int childOf(byte[] interiorCell) {
        return ((interiorCell[0] & 0xff) << 24) | ((interiorCell[1] & 0xff) << 16)
                | ((interiorCell[2] & 0xff) << 8) | (interiorCell[3] & 0xff);
    }

    static long keyOfInterior(byte[] interiorCell) {
        return Varints.read(MemorySegment.ofArray(interiorCell), 4, interiorCell.length, 0);
    }

    static long rowidOfLeaf(byte[] leafCell) {
        MemorySegment s = MemorySegment.ofArray(leafCell);
        int off = Varints.length(s, 0, leafCell.length, 0);
        return Varints.read(s, off, leafCell.length, 0);
    }

    /**
     * A leaf cell for {@code record}, whose first {@code local} bytes stay local and the rest
     * start at {@code firstOverflow} (0 when nothing spills).
     */
    static byte[] leafCell(long rowid, MemorySegment record, int local, int firstOverflow) {
        long p = record.byteSize();
        int spill = local < p ? 4 : 0;
        byte[] c = new byte[Math.max(BTreePage.MIN_CELL, Varints.sizeOf(p) + Varints.sizeOf(rowid) + local + spill)];
        int off = Varints.write(c, 0, p);
        off += Varints.write(c, off, rowid);
        MemorySegment.copy(record, ValueLayout.JAVA_BYTE, 0, c, off, local);
        if (spill != 0) {
            off += local;
            c[off] = (byte) (firstOverflow >>> 24);
            c[off + 1] = (byte) (firstOverflow >>> 16);
            c[off + 2] = (byte) (firstOverflow >>> 8);
            c[off + 3] = (byte) firstOverflow;
        }
        return c;
    }
}
