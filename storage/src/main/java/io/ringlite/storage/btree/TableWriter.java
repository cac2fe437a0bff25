package io.ringlite.storage.btree;

import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import io.ringlite.storage.io.IoStatus;
import io.ringlite.storage.pager.Page;
import io.ringlite.storage.pager.Pager;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * Inserts into and deletes from table B-trees, fetch-then-mutate.
 *
 * <p>Phase 1 (may return Pending, changes nothing): fetch the root-to-leaf path, the overflow
 * chain a replaced or deleted cell frees (a resumable walk, see {@link OverflowChain}), and for
 * a delete the siblings it may borrow from; reserve the allocations
 * ({@link Pager#prepareAllocate}) and frees ({@link Pager#prepareFree}). Phase 2 (synchronous,
 * never Pending): mark pages dirty, then change them. The operation is re-executed after a
 * Pending. Phase 2 still parses pages it did not need in phase 1 (e.g. all cells of a parent
 * that receives a divider); corruption found there throws mid-change, and the statement
 * rollback the engine performs on any error restores the pages.
 *
 * <p>Inserting. The new cell goes into the leaf's unallocated gap when it fits there; a
 * replaced cell of the same size is overwritten in place, another size is removed in place
 * first. Otherwise the page is rewritten with its cells packed (which also reclaims freeblocks
 * and fragments) or, when they no longer fit, split into pieces, left to right:
 * <ul>
 *   <li>a non-root page keeps the first piece; each further piece gets a new page; in the
 *       parent the pointer that led to the page now leads to the last piece, and a divider cell
 *       (piece page, largest key of the piece) is inserted before it for every other piece.
 *       The parent is then stored the same way (recursively);</li>
 *   <li>the root keeps its page number: all pieces go to new pages and the root becomes an
 *       interior page over them (the tree grows by one level);</li>
 *   <li>leaf pieces: if the new cell is the last of the page (append), the old cells stay and
 *       the new cell starts a fresh page, so sequential inserts leave full pages behind;
 *       otherwise two pieces of balanced size, or as many as needed when a big cell makes two
 *       impossible (at most three, since a single cell always fits a page);</li>
 *   <li>interior pieces: the cell between two pieces moves up as the divider; its child becomes
 *       the right-most child of the left piece.</li>
 * </ul>
 * A split touches only the path and new pages, so phase 1 needs no siblings for inserts; it
 * reserves the overflow pages plus three pages per level and one for the root. A replacement
 * by a smaller row that may leave the leaf underfull is rebalanced like a delete (below).
 *
 * <p>Deleting frees the cell's overflow chain and removes the cell in place (its bytes become a
 * freeblock or fragments, see {@link BTreePage#removeCell}) while the leaf stays at least a
 * third full; otherwise the {@link Balancer} merges the page with a sibling or borrows from
 * it, up the tree, and collapses a root left without cells. So no non-root page is ever left
 * empty (SQLite reports that as corruption) and deleted space is given back to the freelist.
 */
final class TableWriter {
    private final Pager pager;
    private final OverflowChain oldChain = new OverflowChain();
    private final Balancer balancer;
    private final int[] wPages = new int[TreePath.MAX_DEPTH];
    private final int[] wIdx = new int[TreePath.MAX_DEPTH];
    /** Delete, phase 1: the sibling fetched at each level that may become empty. */
    private final int[] siblings = new int[TreePath.MAX_DEPTH];
    private int wDepth;

    private final java.util.function.LongSupplier generation;

    TableWriter(Pager pager, java.util.function.LongSupplier generation) {
        this.pager = pager;
        this.generation = generation;
        this.balancer = new Balancer(pager);
    }

    IoStatus insert(int root, TreePath path, long key, MemorySegment record) {
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
        int oldChainLen = 0;
        if (path.found) {
            s = collectChain(leafNo, path.leafIndex());
            if (!s.isReady()) {
                return s;
            }
            oldChainLen = oldChain.size();
        } else {
            oldChain.reset();
        }
        int local = PayloadRules.localSize(PageType.TABLE_LEAF, p, usable);
        long newPages = PayloadRules.overflowPages(PageType.TABLE_LEAF, p, usable);
        boolean rebalance = false;
        if (path.found) {
            // an update to a smaller row may leave the leaf underfull: rebalance as a delete does
            MemorySegment ld = pager.get(leafNo).data();
            int off = BTreePage.cellOffset(ld, BTreePage.headerOffset(leafNo), PageType.TABLE_LEAF, path.leafIndex(), usable, leafNo);
            int oldSize = BTreePage.cellSize(ld, off, PageType.TABLE_LEAF, usable, leafNo);
            int newSize = Math.max(BTreePage.MIN_CELL, Varints.sizeOf(p) + Varints.sizeOf(key) + local + (local < p ? 4 : 0));
            if (newSize < oldSize) {
                s = fetchSiblings(path, oldSize - newSize);
                if (!s.isReady()) {
                    return s;
                }
                rebalance = siblingsNeeded;
            }
        }
        s = pager.prepareAllocate((int) Math.min(Integer.MAX_VALUE, newPages + 3L * (path.depth + 1)));
        if (!s.isReady()) {
            return s;
        }
        if (oldChainLen > 0 || rebalance) {
            s = pager.prepareFree(oldChainLen + path.depth + 1);
            if (!s.isReady()) {
                return s;
            }
        }

        // ---- phase 2: no I/O from here on ----
        takePath(path);
        if (oldChainLen > 0) {
            oldChain.freeAll(pager, leafNo);
        }
        int firstOverflow = local < p ? OverflowChain.write(pager, record, local) : 0;
        byte[] cell = TableCells.leafCell(key, record, local, firstOverflow);
        Page leaf = pager.get(leafNo);
        MemorySegment d = leaf.data();
        int i = path.leafIndex();
        int leafLevel = wDepth - 1;
        if (rebalance) {
            balancer.begin(true, wDepth, wPages, wIdx, siblings);
            balancer.cells(leafLevel).set(i, cell);
            balancer.touch(leafLevel);
            balancer.run(leafLevel, true);
            return IoStatus.READY;
        }
        if (path.found) {
            int off = BTreePage.cellOffset(d, BTreePage.headerOffset(leafNo), PageType.TABLE_LEAF, i, usable, leafNo);
            int oldSize = BTreePage.cellSize(d, off, PageType.TABLE_LEAF, usable, leafNo);
            pager.markDirty(leaf);
            if (oldSize == cell.length) {
                MemorySegment.copy(cell, 0, d, ValueLayout.JAVA_BYTE, off, cell.length);
                return IoStatus.READY;
            }
            int frag = BTreePage.removeCell(d, leafNo, PageType.TABLE_LEAF, i, usable);
            if (frag <= BTreePage.MAX_FRAGMENTS && BTreePage.gap(d, leafNo, PageType.TABLE_LEAF) >= cell.length + 2) {
                BTreePage.insertInGap(d, leafNo, PageType.TABLE_LEAF, i, cell);
                return IoStatus.READY;
            }
            List<byte[]> cells = BTreePage.cells(d, leafNo, PageType.TABLE_LEAF, usable);
            cells.add(i, cell);
            store(leafLevel, cells, 0, false);
            return IoStatus.READY;
        }
        pager.markDirty(leaf);
        if (BTreePage.gap(d, leafNo, PageType.TABLE_LEAF) >= cell.length + 2) {
            BTreePage.insertInGap(d, leafNo, PageType.TABLE_LEAF, i, cell);
            return IoStatus.READY;
        }
        List<byte[]> cells = BTreePage.cells(d, leafNo, PageType.TABLE_LEAF, usable);
        cells.add(i, cell);
        store(leafLevel, cells, 0, i == cells.size() - 1);
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

    private void takePath(TreePath path) {
        wDepth = path.depth;
        System.arraycopy(path.pages, 0, wPages, 0, wDepth);
        System.arraycopy(path.idx, 0, wIdx, 0, wDepth);
    }

    private PageType typeAt(int level) {
        return level == wDepth - 1 ? PageType.TABLE_LEAF : PageType.TABLE_INTERIOR;
    }

    /**
     * Makes page {@code wPages[level]} hold {@code cells} (and right child {@code right} if
     * interior), splitting it and updating ancestors when they do not fit.
     */
    private void store(int level, List<byte[]> cells, int right, boolean append) {
        int usable = pager.usableSize();
        int no = wPages[level];
        PageType type = typeAt(level);
        Page page = pager.get(no);
        pager.markDirty(page);
        if (BTreePage.spaceNeeded(cells) <= BTreePage.capacity(no, type, usable)) {
            BTreePage.write(page.data(), no, type, cells, right, usable);
            return;
        }
        int cap = BTreePage.capacity(2, type, usable);
        List<Splits.Piece> pieces = type.leaf ? Splits.leaf(cells, cap, append) : Splits.interior(cells, right, cap);
        if (level == 0) {
            List<byte[]> rootCells = new ArrayList<>(pieces.size());
            int rootRight = 0;
            for (int j = 0; j < pieces.size(); j++) {
                Splits.Piece piece = pieces.get(j);
                Page np = pager.allocate();
                BTreePage.write(np.data(), np.number(), type, piece.cells(), piece.right(), usable);
                if (j < pieces.size() - 1) {
                    rootCells.add(TableCells.interiorCell(np.number(), piece.divider()));
                } else {
                    rootRight = np.number();
                }
            }
            BTreePage.write(page.data(), no, type.interior(), rootCells, rootRight, usable);
            return;
        }
        assert pieces.size() >= 2 : "invariant: split into one piece";
        int[] numbers = new int[pieces.size()];
        numbers[0] = no;
        BTreePage.write(page.data(), no, type, pieces.get(0).cells(), pieces.get(0).right(), usable);
        for (int j = 1; j < pieces.size(); j++) {
            Page np = pager.allocate();
            numbers[j] = np.number();
            BTreePage.write(np.data(), np.number(), type, pieces.get(j).cells(), pieces.get(j).right(), usable);
        }
        int pl = level - 1;
        int pno = wPages[pl];
        MemorySegment pd = pager.get(pno).data();
        List<byte[]> pcells = BTreePage.cells(pd, pno, PageType.TABLE_INTERIOR, usable);
        int pright = BTreePage.rightChild(pd, BTreePage.headerOffset(pno));
        int ci = wIdx[pl];
        int last = numbers[numbers.length - 1];
        if (ci == pcells.size()) {
            pright = last;
        } else {
            byte[] c = pcells.get(ci).clone();
            TableCells.setChild(c, last);
            pcells.set(ci, c);
        }
        for (int j = 0; j < pieces.size() - 1; j++) {
            pcells.add(ci + j, TableCells.interiorCell(numbers[j], pieces.get(j).divider()));
        }
        store(pl, pcells, pright, false);
    }

    /**
     * Deletes the entry {@code path} is on (a valid position of the current generation).
     *
     * <p>Phase 1 re-fetches the path and the overflow chain, then the siblings the rebalancing
     * may need ({@link #fetchSiblings}). Phase 2 removes the cell in place when the leaf stays
     * at least a third full, otherwise hands the path to the {@link Balancer} (merge with or
     * borrow from siblings, root collapse).
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
        s = fetchSiblings(path, removed);
        if (!s.isReady()) {
            return s;
        }
        boolean rebalance = siblingsNeeded;
        s = pager.prepareFree(oldChain.size() + path.depth + 1);
        if (!s.isReady()) {
            return s;
        }
        s = pager.prepareAllocate(3 * (path.depth + 1));
        if (!s.isReady()) {
            return s;
        }

        // ---- phase 2: no I/O from here on ----
        takePath(path);
        if (oldChain.size() > 0) {
            oldChain.freeAll(pager, leafNo);
        }
        int leafLevel = wDepth - 1;
        if (!rebalance) {
            Page leaf = pager.get(leafNo);
            pager.markDirty(leaf);
            if (BTreePage.removeCell(ld, leafNo, PageType.TABLE_LEAF, path.leafIndex(), usable) > BTreePage.MAX_FRAGMENTS) {
                store(leafLevel, BTreePage.cells(ld, leafNo, PageType.TABLE_LEAF, usable), 0, false);
            }
            return IoStatus.READY;
        }
        balancer.begin(true, wDepth, wPages, wIdx, siblings);
        balancer.cells(leafLevel).remove(path.leafIndex());
        balancer.touch(leafLevel);
        balancer.run(leafLevel, true);
        return IoStatus.READY;
    }

    /** Set by {@link #fetchSiblings}: some level may become underfull and has its sibling. */
    private boolean siblingsNeeded;

    /**
     * Fetches the siblings a change may need that leaves the leaf {@code shrink} bytes (cells
     * plus pointers) smaller: from the leaf up, while the page at a level may end up underfull
     * (less than a third of its capacity used, see {@link Balancer}), the sibling at that level.
     * A table interior cell is at most 13 bytes, so a level above can only become underfull
     * when its use minus one such cell is below the mark. Levels not reached keep sibling 0:
     * the balancer does not rebalance there.
     */
    private IoStatus fetchSiblings(TreePath path, int shrink) {
        int usable = pager.usableSize();
        siblingsNeeded = false;
        java.util.Arrays.fill(siblings, 0);
        for (int k = path.depth - 1; k >= 1; k--) {
            int no = path.pages[k];
            PageType t = k == path.depth - 1 ? PageType.TABLE_LEAF : PageType.TABLE_INTERIOR;
            int cap = BTreePage.capacity(no, t, usable);
            int used = cap - BTreePage.freeSpace(pager.get(no).data(), no, t, usable);
            int worst = t.leaf ? used - shrink : used - 15;
            if (worst >= cap / 3) {
                break;
            }
            int g = path.pages[k - 1];
            MemorySegment gd = pager.get(g).data();
            int gn = BTreePage.cellCount(gd, BTreePage.headerOffset(g));
            int j = path.idx[k - 1];
            if (gn == 0) {
                continue;
            }
            int sib = TableCells.child(gd, g, j < gn ? j + 1 : j - 1, gn, usable, pager.pageCount());
            IoStatus s = pager.fetch(sib);
            if (!s.isReady()) {
                siblingsNeeded = false;
                return s;
            }
            siblings[k] = sib;
            siblingsNeeded = true;
        }
        return IoStatus.READY;
    }
}
