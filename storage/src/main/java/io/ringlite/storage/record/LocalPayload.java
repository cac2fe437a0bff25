package io.ringlite.storage.record;

/**
 * How much of a cell's payload is stored on its B-tree page and how much spills to overflow
 * pages (SQLite file format, "B-tree Pages", the payload-spilling rules). It lives here, below
 * both the pager and the B-tree layer, because both read cells: the B-tree to store and load
 * records, the pager to find overflow pointers for auto-vacuum's pointer map.
 *
 * <p>Definitions, with U the usable page size and P the payload size:
 * <ul>
 *   <li>X, the most that stays local: U-35 on table leaves, ((U-12)*64/255)-23 on index pages.</li>
 *   <li>M, the least that stays local once spilling: ((U-12)*32/255)-23.</li>
 *   <li>If P &lt;= X the whole payload is local. Otherwise K = M+((P-M)%(U-4)); the local part is
 *       K if K &lt;= X, else M. The rest goes to a chain of overflow pages, each a 4-byte next-page
 *       number followed by U-4 payload bytes; the cell ends with the first overflow page's
 *       number.</li>
 * </ul>
 * Table interior cells carry no payload.
 */
public final class LocalPayload {
    private LocalPayload() {
    }

    /** X: the largest payload kept whole on a table leaf ({@code tableLeaf}) or an index page. */
    public static int maxLocal(boolean tableLeaf, int usable) {
        return tableLeaf ? usable - 35 : ((usable - 12) * 64 / 255) - 23;
    }

    /** M: the least kept on the page once a payload spills. */
    public static int minLocal(int usable) {
        return ((usable - 12) * 32 / 255) - 23;
    }

    /** Bytes of a {@code payloadSize}-byte payload kept on the page itself. */
    public static int localSize(boolean tableLeaf, long payloadSize, int usable) {
        int x = maxLocal(tableLeaf, usable);
        if (payloadSize <= x) {
            return (int) payloadSize;
        }
        int m = minLocal(usable);
        long k = m + ((payloadSize - m) % (usable - 4));
        return k <= x ? (int) k : m;
    }
}
