package io.ringlite.storage.btree;

/**
 * How much of a cell's payload is stored on the B-tree page and how much spills to overflow
 * pages (SQLite file format, "B-tree Pages", the payload-spilling rules).
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
final class PayloadRules {
    private PayloadRules() {
    }

    static int maxLocal(PageType type, int usable) {
        return type == PageType.TABLE_LEAF ? usable - 35 : ((usable - 12) * 64 / 255) - 23;
    }

    static int minLocal(int usable) {
        return ((usable - 12) * 32 / 255) - 23;
    }

    /** Bytes of a {@code payloadSize}-byte payload kept on the page itself. */
    static int localSize(PageType type, long payloadSize, int usable) {
        int x = maxLocal(type, usable);
        if (payloadSize <= x) {
            return (int) payloadSize;
        }
        int m = minLocal(usable);
        long k = m + ((payloadSize - m) % (usable - 4));
        return k <= x ? (int) k : m;
    }

    /** Overflow pages a {@code payloadSize}-byte payload needs. */
    static long overflowPages(PageType type, long payloadSize, int usable) {
        long spilled = payloadSize - localSize(type, payloadSize, usable);
        return (spilled + usable - 5) / (usable - 4);
    }
}
