package io.ringlite.storage.pager;

import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.record.LocalPayload;
import io.ringlite.storage.record.Varint;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The page numbers a b-tree page refers to, as the pointer map records them: child pointers
 * (cells of interior pages and the right-most child) and the first overflow page of each cell
 * whose payload spills ("Database File Format" sections 1.6 and 1.6.1, "B-tree Pages" and
 * "Cell Payload Overflow Pages"). The pager keeps its own small reader so that it need not depend
 * on the B-tree layer above it; it reads only what the pointer map needs, with the record layer's
 * varint codec ({@link Varint}) and payload rule ({@link LocalPayload}).
 *
 * <p>Cell formats read here (all varints SQLite varints, pointers big-endian 4 bytes):
 * <pre>
 * page type      | cell
 * ---------------+-------------------------------------------------------------
 * 0x05 tbl inner | child(4) rowid(varint)
 * 0x0D tbl leaf  | payload-size(varint) rowid(varint) local-payload [first-overflow(4)]
 * 0x02 idx inner | child(4) payload-size(varint) local-payload [first-overflow(4)]
 * 0x0A idx leaf  | payload-size(varint) local-payload [first-overflow(4)]
 * </pre>
 */
final class PtrMapRefs {
    private static final ValueLayout.OfInt BE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfShort BE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    /** Receives each reference with the offset (within the page) of the 4-byte pointer. */
    interface Visitor {
        void child(int page, int pointerOffset);

        void overflow(int page, int pointerOffset);
    }

    private PtrMapRefs() {
    }

    /** True if byte 0 of the page header (at 100 on page 1) is one of the four b-tree types. */
    static boolean isBTreePage(MemorySegment d, int pageNo) {
        int t = d.get(ValueLayout.JAVA_BYTE, pageNo == 1 ? 100 : 0) & 0xff;
        return t == 2 || t == 5 || t == 10 || t == 13;
    }

    /** Calls {@code v} for each child pointer and first-overflow pointer of b-tree page {@code pageNo}. */
    static void forEach(MemorySegment d, int pageNo, int usable, Visitor v) {
        int h = pageNo == 1 ? 100 : 0;
        int type = d.get(ValueLayout.JAVA_BYTE, h) & 0xff;
        boolean leaf;
        switch (type) {
            case 2, 5 -> leaf = false;
            case 10, 13 -> leaf = true;
            default -> throw DatabaseException.corrupt(pageNo, "page " + pageNo + " is not a b-tree page (type " + type + ")");
        }
        int cells = Short.toUnsignedInt(d.get(BE_SHORT, h + 3L));
        int ptrs = h + (leaf ? 8 : 12);
        if (ptrs + 2L * cells > usable) {
            throw DatabaseException.corrupt(pageNo, "cell count " + cells + " does not fit the page");
        }
        for (int i = 0; i < cells; i++) {
            int off = Short.toUnsignedInt(d.get(BE_SHORT, ptrs + 2L * i));
            if (off < ptrs + 2 * cells || off >= usable) {
                throw DatabaseException.corrupt(pageNo, "cell pointer " + off + " out of range");
            }
            int p = off;
            if (!leaf) {
                check(off + 4, usable, pageNo);
                v.child(d.get(BE_INT, off), off);
                p += 4;
            }
            if (type == 5) {
                continue;
            }
            long payload = varint(d, p, usable, pageNo);
            p += varintLength(d, p, usable, pageNo);
            if (type == 13) {
                p += varintLength(d, p, usable, pageNo);
            }
            long local = LocalPayload.localSize(type == 13, payload, usable);
            if (local < payload) {
                long at = p + local;
                check(at + 4, usable, pageNo);
                v.overflow(d.get(BE_INT, at), (int) at);
            }
        }
        if (!leaf) {
            v.child(d.get(BE_INT, h + 8L), h + 8);
        }
    }

    private static void check(long end, int usable, int pageNo) {
        if (end > usable) {
            throw DatabaseException.corrupt(pageNo, "cell extends past the end of the page");
        }
    }

    private static int varintLength(MemorySegment d, int p, int usable, int pageNo) {
        try {
            return Varint.lengthAt(d, p, usable);
        } catch (DatabaseException e) {
            throw pastPage(pageNo);
        }
    }

    static long varint(MemorySegment d, int p, int limit, int pageNo) {
        try {
            return Varint.read(d, p, limit);
        } catch (DatabaseException e) {
            throw pastPage(pageNo);
        }
    }

    private static DatabaseException pastPage(int pageNo) {
        return DatabaseException.corrupt(pageNo, "varint runs past the end of the cell");
    }
}
