package io.ringlite.storage.btree;

import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.io.IoStatus;
import io.ringlite.storage.pager.Pager;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Reading and building the cells of index B-tree pages. In an index tree every cell, interior
 * ones included, is an entry: an interior cell's key is a real entry that sorts after every
 * entry of its left child and before every entry of the next child (SQLite file format,
 * "B-tree Pages"). So a leaf cell moved up becomes an interior cell by gaining a 4-byte child
 * pointer, and back by losing it; both kinds keep the same local/overflow split
 * ({@link PayloadRules}: X = ((U-12)*64/255)-23 for both).
 *
 * <pre>
 * OFFSET | SIZE | DESCRIPTION (index leaf cell, page type 0x0A)
 * -------+------+-------------------------------------------------------------------------
 *   0    | 1-9  | varint P: key record size in bytes
 *   ...  |  L   | the first L bytes of the record, L = PayloadRules.localSize(P)
 *   ...  |  4   | first overflow page, present only when L &lt; P
 *
 * OFFSET | SIZE | DESCRIPTION (index interior cell, page type 0x02)
 * -------+------+-------------------------------------------------------------------------
 *   0    |  4   | left child page: every entry in it sorts before this cell's key
 *   4    | ...  | as an index leaf cell
 * </pre>
 *
 * <p>{@link #load} is a re-run: an overflowing key needs its chain cached; each re-run finds
 * more of it cached until it completes.
 */
final class IndexCells {
    private byte[] buf = new byte[64];
    /** The key loaded by the last READY {@link #load}; valid until the next load or page change. */
    MemorySegment key;

    /** Loads the key of cell {@code i} of index page {@code no} (already fetched). */
    IoStatus load(Pager pager, int no, PageType type, int i) {
        int usable = pager.usableSize();
        MemorySegment d = pager.get(no).data();
        int off = BTreePage.cellOffset(d, BTreePage.headerOffset(no), type, i, usable, no);
        int p = off + (type.leaf ? 0 : 4);
        if (p >= usable) {
            throw DatabaseException.corrupt(no, "cell runs past the page");
        }
        long size = Varints.read(d, p, usable, no);
        p += Varints.length(d, p, usable, no);
        if (size < 1 || size > Integer.MAX_VALUE - 8) {
            throw DatabaseException.corrupt(no, "index key size " + size + " out of range");
        }
        int local = PayloadRules.localSize(type, size, usable);
        if (p + local + (local < size ? 4 : 0) > usable) {
            throw DatabaseException.corrupt(no, "cell extends past the page");
        }
        if (local == size) {
            key = d.asSlice(p, size);
            return IoStatus.READY;
        }
        long pages = PayloadRules.overflowPages(type, size, usable);
        if (pages > pager.pageCount()) {
            throw DatabaseException.corrupt(no, "key of " + size + " bytes needs more pages than the file has");
        }
        int n = (int) size;
        // fetch the chain first so that a Pending leaves the buffer untouched for the caller
        int next = BTreePage.u32(d, p + local);
        int[] chain = new int[(int) pages];
        for (int k = 0; k < pages; k++) {
            if (next < 2 || next > pager.pageCount()) {
                throw DatabaseException.corrupt(no, "overflow page " + Integer.toUnsignedString(next) + " out of range");
            }
            IoStatus s = pager.fetch(next);
            if (!s.isReady()) {
                return s;
            }
            chain[k] = next;
            next = BTreePage.u32(pager.get(next).data(), 0);
        }
        if (buf.length < n) {
            buf = new byte[Math.max(n, buf.length * 2)];
        }
        MemorySegment.copy(d, ValueLayout.JAVA_BYTE, p, buf, 0, local);
        int at = local;
        for (int k = 0; k < pages; k++) {
            int m = Math.min(usable - 4, n - at);
            MemorySegment.copy(pager.get(chain[k]).data(), ValueLayout.JAVA_BYTE, 4, buf, at, m);
            at += m;
        }
        key = MemorySegment.ofArray(buf).asSlice(0, n);
        return IoStatus.READY;
    }

    /** A leaf cell for {@code record}: local part and first overflow page (0 if none). */
    static byte[] leafCell(MemorySegment record, int local, int firstOverflow) {
        long p = record.byteSize();
        int spill = local < p ? 4 : 0;
        byte[] c = new byte[Math.max(BTreePage.MIN_CELL, Varints.sizeOf(p) + local + spill)];
        int off = Varints.write(c, 0, p);
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

    /** The interior form of a leaf cell, with left child {@code child}. */
    static byte[] toInterior(byte[] leafCell, int child) {
        int len = leafCell.length;
        if (len == BTreePage.MIN_CELL && (leafCell[0] & 0xff) < 3) {
            len = 1 + leafCell[0]; // a padded tiny cell: drop the padding (see BTreePage.MIN_CELL)
        }
        byte[] c = new byte[len + 4];
        System.arraycopy(leafCell, 0, c, 4, len);
        TableCells.setChild(c, child);
        return c;
    }

    /** The leaf form of an interior cell (its child pointer dropped). */
    static byte[] toLeaf(byte[] interiorCell) {
        byte[] c = new byte[Math.max(BTreePage.MIN_CELL, interiorCell.length - 4)];
        System.arraycopy(interiorCell, 4, c, 0, interiorCell.length - 4);
        return c;
    }

    static byte[] withChild(byte[] interiorCell, int child) {
        byte[] c = interiorCell.clone();
        TableCells.setChild(c, child);
        return c;
    }
}
