package io.ringlite.storage.btree;

import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import io.ringlite.storage.io.IoStatus;
import io.ringlite.storage.pager.Page;
import io.ringlite.storage.pager.Pager;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Inserts into and deletes from table B-trees, fetch-then-mutate.
 *
 * <p>Phase 1 (may return Pending, changes nothing): fetch the root-to-leaf path, the overflow
 * chain a replaced or deleted cell frees (a resumable walk, see {@link OverflowChain}), and the
 * siblings the {@link Balancer} may need at every level that can end overfull or underfull
 * ({@link Balancer#fetchSiblings}); reserve the allocations ({@link Pager#prepareAllocate}) and
 * frees ({@link Pager#prepareFree}). Phase 2 (synchronous, never Pending): change the leaf
 * through the balancer, which works in place while the page has room (gap, freeblock, or
 * defragmenting) and otherwise balances, SQLite-style, from the leaf up. The operation is
 * re-executed after a Pending. Corruption found in phase 2 throws mid-change; the statement
 * rollback the engine performs on any error restores the pages.
 *
 * <p>A replaced cell of the same size is overwritten in place; otherwise the old cell is
 * removed (its overflow chain freed) and the new one inserted. A delete frees the chain and
 * removes the cell; a leaf left more than two thirds empty is balanced with its siblings
 * (merging pages when they fit together), and a root left without cells takes its only child's
 * content. So no non-root page is ever left empty (SQLite reports that as corruption) and
 * deleted space goes back to the freelist.
 *
 * <p>Allocation reserve: the new overflow chain, plus, when the leaf may need a balance
 * ({@link Balancer#mayBalance}), three pages per level (a balance of three siblings needs at
 * most two new pages, plus one for a deeper root). Free reserve: the old chain plus, when a
 * balance may happen, two pages per level (three siblings merged into one) and the root's
 * child. A change that fits its leaf in place reserves nothing beyond its chains.
 */
final class TableWriter {
    private final Pager pager;
    private final OverflowChain oldChain = new OverflowChain();
    private final Balancer balancer;
    private final int[] sib = new int[Balancer.SIBLINGS];
    private final java.util.function.LongSupplier generation;

    TableWriter(Pager pager, java.util.function.LongSupplier generation) {
        this.pager = pager;
        this.generation = generation;
        this.balancer = new Balancer(pager);
    }

    /**
     * After a READY {@link #insert}: the change was made without balancing, so {@code path}
     * (with its leaf index) is on the new entry and the caller need not seek it again.
     */
    boolean insertedInPlace() {
        return inPlace;
    }

    private boolean inPlace;

    IoStatus insert(int root, TreePath path, long key, MemorySegment record) {
        inPlace = false;
        long p = record.byteSize();
        if (p > Integer.MAX_VALUE - 8) {
            throw new DatabaseException(ResultCode.TOOBIG, "string or blob too big");
        }
        IoStatus s = path.seek(pager, root, key);
        if (!s.isReady()) {
            return s;
        }
        int usable = pager.usableSize();
        int leafNo = path.leafPage();
        int i = path.leafIndex();
        int oldSize = 0;
        if (path.found) {
            s = collectChain(leafNo, i);
            if (!s.isReady()) {
                return s;
            }
            MemorySegment ld = pager.get(leafNo).data();
            int off = BTreePage.cellOffset(ld, BTreePage.headerOffset(leafNo), PageType.TABLE_LEAF, i, usable, leafNo);
            oldSize = BTreePage.cellSize(ld, off, PageType.TABLE_LEAF, usable, leafNo) + 2;
        } else {
            oldChain.reset();
        }
        int oldChainLen = oldChain.size();
        int local = PayloadRules.localSize(PageType.TABLE_LEAF, p, usable);
        long newPages = PayloadRules.overflowPages(PageType.TABLE_LEAF, p, usable);
        int newSize = Math.max(BTreePage.MIN_CELL, Varints.sizeOf(p) + Varints.sizeOf(key) + local + (local < p ? 4 : 0)) + 2;
        boolean may = Balancer.mayBalance(pager, leafNo, newSize - oldSize);
        if (may) {
            s = Balancer.fetchSiblings(pager, path.pages, path.idx, path.depth - 1, newSize - oldSize, false, sib);
            if (!s.isReady()) {
                return s;
            }
        }
        if (newPages > 0 || may) {
            s = pager.prepareAllocate((int) Math.min(Integer.MAX_VALUE, newPages + 3L * (path.depth + 1)));
            if (!s.isReady()) {
                return s;
            }
        }
        if (oldChainLen > 0 || may) {
            s = pager.prepareFree(oldChainLen + 2 * path.depth + 1);
            if (!s.isReady()) {
                return s;
            }
        }

        // ---- phase 2: no I/O from here on ----
        if (oldChainLen > 0) {
            oldChain.freeAll(pager, leafNo);
        }
        int firstOverflow = local < p ? OverflowChain.write(pager, record, local) : 0;
        byte[] cell = TableCells.leafCell(key, record, local, firstOverflow);
        inPlace = true;
        if (path.found && oldSize == cell.length + 2) {
            Page leaf = pager.get(leafNo);
            pager.markDirty(leaf);
            MemorySegment d = leaf.data();
            int off = BTreePage.cellOffset(d, BTreePage.headerOffset(leafNo), PageType.TABLE_LEAF, i, usable, leafNo);
            MemorySegment.copy(cell, 0, d, ValueLayout.JAVA_BYTE, off, cell.length);
            return IoStatus.READY;
        }
        int leafLevel = path.depth - 1;
        balancer.begin(true, path.depth, path.pages, path.idx);
        if (path.found) {
            balancer.remove(leafLevel, i);
        }
        balancer.insert(leafLevel, i, cell);
        inPlace = !balancer.run(leafLevel, cell.length + 2 < oldSize);
        return IoStatus.READY;
    }

    /** Fetches the overflow chain of leaf cell {@code i} (if any) into {@link #oldChain}. */
    private IoStatus collectChain(int leafNo, int i) {
        int usable = pager.usableSize();
        MemorySegment d = pager.get(leafNo).data();
        int off = BTreePage.cellOffset(d, BTreePage.headerOffset(leafNo), PageType.TABLE_LEAF, i, usable, leafNo);
        long p = Varints.read(d, off, usable, leafNo);
        int local = PayloadRules.localSize(PageType.TABLE_LEAF, p, usable);
        if (local == p) {
            oldChain.reset();
            return IoStatus.READY;
        }
        int size = BTreePage.cellSize(d, off, PageType.TABLE_LEAF, usable, leafNo);
        int first = BTreePage.u32(d, off + size - 4);
        long pages = PayloadRules.overflowPages(PageType.TABLE_LEAF, p, usable);
        if (pages > pager.pageCount()) {
            throw DatabaseException.corrupt(leafNo, "payload of " + p + " bytes needs more pages than the file has");
        }
        return oldChain.collect(pager, first, pages, leafNo, generation.getAsLong());
    }

    /**
     * Deletes the entry {@code path} is on (a valid position of the current generation): phase
     * 1 re-fetches the path, the overflow chain and the siblings a balance may need; phase 2
     * frees the chain and removes the cell through the {@link Balancer}.
     */
    IoStatus delete(int root, TreePath path) {
        for (int k = 0; k < path.depth; k++) {
            IoStatus s = pager.fetch(path.pages[k]);
            if (!s.isReady()) {
                return s;
            }
        }
        int usable = pager.usableSize();
        int leafNo = path.leafPage();
        MemorySegment ld = pager.get(leafNo).data();
        if (path.leafIndex() >= BTreePage.cellCount(ld, BTreePage.headerOffset(leafNo))) {
            throw new IllegalStateException("invariant: delete() position past the leaf's cells");
        }
        IoStatus s = collectChain(leafNo, path.leafIndex());
        if (!s.isReady()) {
            return s;
        }
        int off = BTreePage.cellOffset(ld, BTreePage.headerOffset(leafNo), PageType.TABLE_LEAF, path.leafIndex(), usable, leafNo);
        int removed = BTreePage.cellSize(ld, off, PageType.TABLE_LEAF, usable, leafNo) + 2;
        boolean may = Balancer.mayBalance(pager, leafNo, -removed);
        if (may) {
            s = Balancer.fetchSiblings(pager, path.pages, path.idx, path.depth - 1, -removed, false, sib);
            if (!s.isReady()) {
                return s;
            }
        }
        if (oldChain.size() > 0 || may) {
            s = pager.prepareFree(oldChain.size() + 2 * path.depth + 1);
            if (!s.isReady()) {
                return s;
            }
        }
        if (may) {
            s = pager.prepareAllocate(3 * (path.depth + 1));
            if (!s.isReady()) {
                return s;
            }
        }

        // ---- phase 2: no I/O from here on ----
        if (oldChain.size() > 0) {
            oldChain.freeAll(pager, leafNo);
        }
        int leafLevel = path.depth - 1;
        balancer.begin(true, path.depth, path.pages, path.idx);
        balancer.remove(leafLevel, path.leafIndex());
        balancer.run(leafLevel, true);
        return IoStatus.READY;
    }
}
