package io.ringlite.storage.pager;

import io.ringlite.storage.error.DatabaseException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Geometry and entries of the pointer map of an auto-vacuum database ("Database File Format",
 * section 1.7 "Pointer map or ptrmap pages"). Holds no state besides the geometry.
 *
 * <p>Definitions. With {@code E = usable / 5} entries per ptrmap page, ptrmap pages sit at page
 * 2 and every {@code E + 1} pages after it (the page after the lock-byte page instead, if a
 * ptrmap page would fall on it). The ptrmap page at {@code m} describes the {@code E} pages
 * {@code m+1 .. m+E}; page 1 and ptrmap pages have no entry. Entry of page {@code p}, at offset
 * {@code 5 * (p - m - 1)} of its ptrmap page:
 * <pre>
 * OFFSET | SIZE | DESCRIPTION
 * -------+------+---------------------------------------------------------------------------
 *    0   |   1  | type: 1 ROOTPAGE, 2 FREEPAGE, 3 OVERFLOW1, 4 OVERFLOW2, 5 BTREE
 *    1   |   4  | parent page: the b-tree page holding the child pointer (BTREE), the page
 *        |      | whose cell starts the overflow chain (OVERFLOW1), the previous overflow page
 *        |      | (OVERFLOW2); 0 for ROOTPAGE and FREEPAGE
 * </pre>
 */
public final class PtrMap {
    static final byte ROOTPAGE = 1;
    static final byte FREEPAGE = 2;
    static final byte OVERFLOW1 = 3;
    static final byte OVERFLOW2 = 4;
    static final byte BTREE = 5;

    private static final ValueLayout.OfInt BE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final int perMapPage;
    private final int lockBytePage;

    public PtrMap(int usableSize, int lockBytePage) {
        this.perMapPage = usableSize / 5;
        this.lockBytePage = lockBytePage;
    }

    /** The ptrmap page holding the entry of page {@code p} (p &gt;= 2). */
    int mapPageOf(int p) {
        int group = perMapPage + 1;
        int m = ((p - 2) / group) * group + 2;
        return m == lockBytePage ? m + 1 : m;
    }

    /** True if page {@code p} is a pointer-map page. */
    public boolean isMapPage(int p) {
        return p >= 2 && mapPageOf(p) == p;
    }

    /** Pages that hold no b-tree, overflow or free page: ptrmap pages and the lock-byte page. */
    boolean isSpecial(int p) {
        return p == lockBytePage || isMapPage(p);
    }

    private int offset(int p, int mapPage) {
        int off = 5 * (p - mapPage - 1);
        if (off < 0) {
            throw new IllegalStateException("invariant: page " + p + " has no entry on ptrmap page " + mapPage);
        }
        return off;
    }

    byte type(MemorySegment map, int mapPage, int p) {
        return map.get(ValueLayout.JAVA_BYTE, offset(p, mapPage));
    }

    int parent(MemorySegment map, int mapPage, int p) {
        return map.get(BE_INT, offset(p, mapPage) + 1L);
    }

    /** True if the entry already holds {@code type}/{@code parent}. */
    boolean holds(MemorySegment map, int mapPage, int p, byte type, int parent) {
        int off = offset(p, mapPage);
        return map.get(ValueLayout.JAVA_BYTE, off) == type && map.get(BE_INT, off + 1L) == parent;
    }

    void put(MemorySegment map, int mapPage, int p, byte type, int parent) {
        int off = offset(p, mapPage);
        map.set(ValueLayout.JAVA_BYTE, off, type);
        map.set(BE_INT, off + 1L, parent);
    }

    /** Refuses an entry type that is none of the five. */
    static void checkType(byte type, int mapPage, int p) {
        if (type < ROOTPAGE || type > BTREE) {
            throw DatabaseException.corrupt(mapPage, "pointer map entry of page " + p + " has type " + type);
        }
    }
}
