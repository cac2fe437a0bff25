package io.ringlite.storage.pager;

import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.header.DatabaseHeader;
import io.ringlite.storage.io.IoStatus;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The freelist of one database ("Database File Format" section 1.5): unused pages, reused
 * before the file grows.
 *
 * <p>The header holds the first trunk page (offset 32) and the total number of free pages,
 * trunks included (offset 36). Trunk page layout, big-endian:
 * <pre>
 * OFFSET | SIZE | DESCRIPTION
 * -------+------+---------------------------------------------------------------
 *    0   |   4  | next trunk page, 0 for the last
 *    4   |   4  | number L of leaf page numbers on this trunk
 *    8   | 4*L  | leaf page numbers
 * </pre>
 * Leaf pages carry no content that matters.
 *
 * <p>Policy, as SQLite's: a freed page becomes a leaf of the first trunk while it has room
 * (SQLite fills trunks only to usable/4 - 8 entries, for old readers), else the new first trunk.
 * Allocation takes the first trunk's last leaf, or, when it has none, the trunk itself.
 * Fetch-then-mutate: {@link #prepareAllocate} and {@link #prepareFree} bring the trunks into
 * the cache (maybe Pending); {@link #take} and {@link #free} then do no I/O.
 */
final class Freelist {
    private static final ValueLayout.OfInt BE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final WalPager pager;

    Freelist(WalPager pager) {
        this.pager = pager;
    }

    /**
     * Caches the trunks that {@code count} allocations may consume, checking on the way what
     * SQLite checks before it hands out a free page (so a damaged freelist is refused with
     * CORRUPT before anything changes, never used to hand out a page twice): the free-page
     * count is below the page count, every trunk is a page of the file and is not its own
     * successor, and the chain has no more trunks than there are free pages.
     */
    IoStatus prepareAllocate(int count) {
        long free = freeCount();
        int trunk = firstTrunk(); // SQLite ignores the trunk pointer when the count is 0
        long need = count;
        long hops = 0;
        while (need > 0 && trunk != 0) {
            checkTrunkNumber(trunk, 1);
            if (++hops > free) {
                throw DatabaseException.corrupt(trunk, "freelist has more trunk pages than its count of "
                        + free + " free pages");
            }
            IoStatus s = pager.fetch(trunk);
            if (!s.isReady()) {
                return s;
            }
            Page t = pager.get(trunk);
            int next = nextTrunk(t);
            need -= leafCount(t) + 1L;
            trunk = next;
        }
        return IoStatus.READY;
    }

    /** The header's free-page count, refused when the file cannot hold that many free pages. */
    private long freeCount() {
        long free = Integer.toUnsignedLong(pager.headerInt(DatabaseHeader.OFF_FREELIST_COUNT));
        if (free > 0 && free >= pager.pageCount()) {
            throw DatabaseException.corrupt(1, "freelist count " + free + " is not below the page count "
                    + pager.pageCount());
        }
        return free;
    }

    /** Refuses a trunk number that is not a page of the file; {@code from} names where it was read. */
    private void checkTrunkNumber(int trunk, int from) {
        if (trunk < 2 || trunk > pager.pageCount()) {
            throw DatabaseException.corrupt(from, "freelist trunk page " + Integer.toUnsignedString(trunk)
                    + " out of range");
        }
    }

    /** The trunk after {@code t}, 0 for none; refused when it is {@code t} itself or past the end. */
    private int nextTrunk(Page t) {
        int next = t.data().get(BE_INT, 0);
        if (next == t.number()) {
            throw DatabaseException.corrupt(t.number(), "freelist trunk page points to itself");
        }
        if (next != 0) {
            checkTrunkNumber(next, t.number());
        }
        return next;
    }

    /** A zero-filled dirty page from the freelist, or null if the freelist is empty. */
    Page take() {
        int trunkNo = firstTrunk();
        if (trunkNo == 0) {
            return null;
        }
        Page trunk = pager.cached(trunkNo);
        if (trunk == null) {
            throw new IllegalStateException("invariant: allocate() without prepareAllocate(): trunk "
                    + trunkNo + " not cached");
        }
        int leaves = leafCount(trunk);
        if (leaves > 0) {
            int leaf = trunk.data().get(BE_INT, 8 + 4L * (leaves - 1));
            if (leaf < 2 || leaf > pager.pageCount() || leaf == trunkNo) {
                throw DatabaseException.corrupt(trunkNo, "freelist leaf page " + Integer.toUnsignedString(leaf)
                        + " out of range");
            }
            decrementCount();
            pager.markDirty(trunk);
            trunk.data().set(BE_INT, 4, leaves - 1);
            pager.allocatedFromFreelist(leaf);
            Page p = pager.cached(leaf);
            if (p == null) {
                return pager.createFresh(leaf);
            }
            pager.markDirty(p);
            p.data().fill((byte) 0);
            return p;
        }
        // An empty trunk is itself the page handed out; its successor becomes the first trunk.
        int next = nextTrunk(trunk);
        decrementCount();
        pager.setHeaderInt(DatabaseHeader.OFF_FREELIST_TRUNK, next);
        pager.allocatedFromFreelist(trunkNo);
        pager.markDirty(trunk);
        trunk.data().fill((byte) 0);
        return trunk;
    }

    private void decrementCount() {
        pager.setHeaderInt(DatabaseHeader.OFF_FREELIST_COUNT, pager.headerInt(DatabaseHeader.OFF_FREELIST_COUNT) - 1);
    }

    /** The first trunk page, 0 when the freelist is empty (the trunk field is ignored then). */
    private int firstTrunk() {
        return freeCount() == 0 ? 0 : pager.headerInt(DatabaseHeader.OFF_FREELIST_TRUNK);
    }

    /** Caches the first trunk, the only page {@link #free} may change besides page 1. */
    IoStatus prepareFree() {
        int trunk = firstTrunk();
        if (trunk == 0) {
            return IoStatus.READY;
        }
        checkTrunkNumber(trunk, 1);
        return pager.fetch(trunk);
    }

    void free(int pageNumber) {
        int trunkNo = firstTrunk();
        pager.setHeaderInt(DatabaseHeader.OFF_FREELIST_COUNT, pager.headerInt(DatabaseHeader.OFF_FREELIST_COUNT) + 1);
        if (trunkNo != 0) {
            Page trunk = pager.cached(trunkNo);
            if (trunk == null) {
                throw new IllegalStateException("invariant: free() without prepareFree(): trunk " + trunkNo);
            }
            int leaves = leafCount(trunk);
            if (leaves < pager.usableSize() / 4 - 8) {
                pager.markDirty(trunk);
                trunk.data().set(BE_INT, 8 + 4L * leaves, pageNumber);
                trunk.data().set(BE_INT, 4, leaves + 1);
                return;
            }
        }
        Page p = pager.cached(pageNumber);
        if (p != null) {
            pager.markDirty(p);
        } else {
            p = pager.createFresh(pageNumber);
        }
        p.data().fill((byte) 0);
        p.data().set(BE_INT, 0, trunkNo);
        pager.setHeaderInt(DatabaseHeader.OFF_FREELIST_TRUNK, pageNumber);
    }

    private int leafCount(Page trunk) {
        int leaves = trunk.data().get(BE_INT, 4);
        if (leaves < 0 || leaves > pager.usableSize() / 4 - 2) {
            throw DatabaseException.corrupt(trunk.number(), "freelist trunk leaf count " + leaves);
        }
        return leaves;
    }
}
