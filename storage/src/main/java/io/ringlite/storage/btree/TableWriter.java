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
 * reserves the overflow pages plus three pages per level and one for the root.
 *
 * <p>Deleting removes the cell in place (its bytes become a freeblock or fragments, see
 * {@link BTreePage#removeCell}) and frees its overflow chain. It keeps SQLite's rule that every
 * non-root page has at least one cell (SQLite reports an empty non-root page as corruption),
 * see {@link #fixEmpty}. Pages are not rebalanced when merely underfull: the tree stays valid,
 * only less dense.
 */
final class TableWriter {
    private final Pager pager;
    private final OverflowChain oldChain = new OverflowChain();
    private final int[] wPages = new int[TreePath.MAX_DEPTH];
    private final int[] wIdx = new int[TreePath.MAX_DEPTH];
    /** Delete, phase 1: the sibling fetched at each level that may become empty. */
    private final int[] siblings = new int[TreePath.MAX_DEPTH];
    private int wDepth;

    private final java.util.function.LongSupplier generation;

    TableWriter(Pager pager, java.util.function.LongSupplier generation) {
        this.pager = pager;
        this.generation = generation;
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
        s = pager.prepareAllocate((int) Math.min(Integer.MAX_VALUE, newPages + 3L * (path.depth + 1)));
        if (!s.isReady()) {
            return s;
        }
        if (oldChainLen > 0) {
            s = pager.prepareFree(oldChainLen);
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
     * <p>Phase 1 re-fetches the path, the overflow chain, and, from the leaf upwards while the
     * page at a level has at most one cell (so it may become empty), the sibling at that level.
     * Phase 2 removes the cell and repairs empty pages bottom-up, see {@link #fixEmpty}.
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
        for (int k = path.depth - 1; k >= 1; k--) {
            int no = path.pages[k];
            if (BTreePage.cellCount(pager.get(no).data(), BTreePage.headerOffset(no)) >= 2) {
                break;
            }
            int g = path.pages[k - 1];
            MemorySegment gd = pager.get(g).data();
            int gn = BTreePage.cellCount(gd, BTreePage.headerOffset(g));
            int j = path.idx[k - 1];
            if (gn == 0) {
                siblings[k] = 0;
                continue;
            }
            int sib = TableCells.child(gd, g, j < gn ? j + 1 : j - 1, gn, usable, pager.pageCount());
            s = pager.fetch(sib);
            if (!s.isReady()) {
                return s;
            }
            siblings[k] = sib;
        }
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
        if (leafLevel == 0 || BTreePage.cellCount(ld, BTreePage.headerOffset(leafNo)) > 1) {
            Page leaf = pager.get(leafNo);
            pager.markDirty(leaf);
            if (BTreePage.removeCell(ld, leafNo, PageType.TABLE_LEAF, path.leafIndex(), usable) > BTreePage.MAX_FRAGMENTS) {
                store(leafLevel, BTreePage.cells(ld, leafNo, PageType.TABLE_LEAF, usable), 0, false);
            }
        } else {
            fixEmpty(leafLevel, 0);
        }
        return IoStatus.READY;
    }

    /**
     * Page {@code wPages[k]} (not the root) lost its last cell: it is an empty leaf
     * ({@code onlyChild == 0}) or an interior page left with the single child {@code onlyChild}.
     * SQLite treats a non-root page without cells as corrupt, so:
     * <ul>
     *   <li>empty leaf: removed from the parent if the parent keeps a cell (or is the root);
     *       otherwise it takes half of its sibling leaf's cells if the sibling has two or more;
     *       otherwise removed, and the parent is repaired in turn;</li>
     *   <li>interior with one child: takes one child from its sibling if the sibling has two or
     *       more cells (rotation through the parent's divider); otherwise its child moves into
     *       the sibling (merge), the page is freed, and the parent is repaired in turn.</li>
     * </ul>
     * Ancestors stay at one depth throughout, so every leaf stays at the same level.
     */
    private void fixEmpty(int k, int onlyChild) {
        int usable = pager.usableSize();
        int g = k - 1;
        int gno = wPages[g];
        MemorySegment gd = pager.get(gno).data();
        List<byte[]> gCells = BTreePage.cells(gd, gno, PageType.TABLE_INTERIOR, usable);
        int gRight = BTreePage.rightChild(gd, BTreePage.headerOffset(gno));
        int gn = gCells.size();
        int j = wIdx[g];
        int x = wPages[k];
        int y = siblings[k];
        boolean yRight = j < gn;
        boolean leaf = onlyChild == 0;

        if (gn == 0) {
            // x is the root's only child: the whole tree is below it
            assert g == 0 : "invariant: non-root interior without cells";
            pager.free(x);
            Page r = pager.get(gno);
            pager.markDirty(r);
            if (leaf) {
                BTreePage.write(r.data(), gno, PageType.TABLE_LEAF, List.of(), 0, usable);
            } else {
                BTreePage.write(r.data(), gno, PageType.TABLE_INTERIOR, List.of(), onlyChild, usable);
            }
            return;
        }
        Page yp = pager.get(y);
        PageType yType = leaf ? PageType.TABLE_LEAF : PageType.TABLE_INTERIOR;
        if (BTreePage.check(yp.data(), y, usable) != yType) {
            throw DatabaseException.corrupt(y, "sibling page of a different kind than page " + x);
        }
        List<byte[]> yCells = BTreePage.cells(yp.data(), y, yType, usable);
        int yRightChild = leaf ? 0 : BTreePage.rightChild(yp.data(), 0);
        Page xp = pager.get(x);

        if (leaf) {
            if (gn >= 2 || g == 0 || yCells.size() < 2) {
                pager.free(x);
                // removing child j: its cell, or for the right child the last cell, whose child
                // becomes the right child
                byte[] removed = gCells.remove(Math.min(j, gn - 1));
                if (j == gn) {
                    gRight = TableCells.childOf(removed);
                }
                afterRemoval(g, gCells, gRight);
                return;
            }
            int m = yCells.size();
            List<byte[]> xCells;
            pager.markDirty(xp);
            pager.markDirty(yp);
            if (yRight) {
                int h = m / 2;
                xCells = new ArrayList<>(yCells.subList(0, h));
                yCells = new ArrayList<>(yCells.subList(h, m));
                gCells.set(j, TableCells.interiorCell(x, TableCells.rowidOfLeaf(xCells.get(xCells.size() - 1))));
            } else {
                int h = (m + 1) / 2;
                xCells = new ArrayList<>(yCells.subList(h, m));
                yCells = new ArrayList<>(yCells.subList(0, h));
                gCells.set(gn - 1, TableCells.interiorCell(y, TableCells.rowidOfLeaf(yCells.get(yCells.size() - 1))));
            }
            BTreePage.write(xp.data(), x, PageType.TABLE_LEAF, xCells, 0, usable);
            BTreePage.write(yp.data(), y, PageType.TABLE_LEAF, yCells, 0, usable);
            store(g, gCells, gRight, false);
            return;
        }

        pager.markDirty(yp);
        if (yCells.size() >= 2) {
            pager.markDirty(xp);
            List<byte[]> xCells = new ArrayList<>(1);
            int xRight;
            if (yRight) {
                long kj = TableCells.keyOfInterior(gCells.get(j));
                byte[] first = yCells.remove(0);
                xCells.add(TableCells.interiorCell(onlyChild, kj));
                xRight = TableCells.childOf(first);
                gCells.set(j, TableCells.interiorCell(x, TableCells.keyOfInterior(first)));
            } else {
                long kl = TableCells.keyOfInterior(gCells.get(gn - 1));
                byte[] last = yCells.remove(yCells.size() - 1);
                xCells.add(TableCells.interiorCell(yRightChild, kl));
                xRight = onlyChild;
                yRightChild = TableCells.childOf(last);
                gCells.set(gn - 1, TableCells.interiorCell(y, TableCells.keyOfInterior(last)));
            }
            BTreePage.write(xp.data(), x, PageType.TABLE_INTERIOR, xCells, xRight, usable);
            BTreePage.write(yp.data(), y, PageType.TABLE_INTERIOR, yCells, yRightChild, usable);
            store(g, gCells, gRight, false);
            return;
        }
        if (yRight) {
            yCells.add(0, TableCells.interiorCell(onlyChild, TableCells.keyOfInterior(gCells.get(j))));
            gCells.remove(j);
        } else {
            yCells.add(TableCells.interiorCell(yRightChild, TableCells.keyOfInterior(gCells.get(gn - 1))));
            yRightChild = onlyChild;
            gCells.remove(gn - 1);
            gRight = y;
        }
        BTreePage.write(yp.data(), y, PageType.TABLE_INTERIOR, yCells, yRightChild, usable);
        pager.free(x);
        afterRemoval(g, gCells, gRight);
    }

    /** The interior page at level {@code g} lost a child; its cells are now {@code cells}. */
    private void afterRemoval(int g, List<byte[]> cells, int right) {
        if (!cells.isEmpty()) {
            store(g, cells, right, false);
            return;
        }
        if (g > 0) {
            fixEmpty(g, right);
            return;
        }
        // The root keeps one child: pull that child's content up if it fits (tree shrinks).
        int usable = pager.usableSize();
        int rootNo = wPages[0];
        Page root = pager.get(rootNo);
        pager.markDirty(root);
        Page child = pager.get(right);
        PageType ct = BTreePage.check(child.data(), right, usable);
        List<byte[]> cc = BTreePage.cells(child.data(), right, ct, usable);
        if (BTreePage.spaceNeeded(cc) <= BTreePage.capacity(rootNo, ct, usable)) {
            int cr = ct.leaf ? 0 : BTreePage.rightChild(child.data(), 0);
            BTreePage.write(root.data(), rootNo, ct, cc, cr, usable);
            pager.free(right);
        } else {
            BTreePage.write(root.data(), rootNo, PageType.TABLE_INTERIOR, List.of(), right, usable);
        }
    }
}
