package io.ringlite.storage.btree;

import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.io.IoStatus;
import io.ringlite.storage.pager.Page;
import io.ringlite.storage.pager.Pager;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Phase 2 of a B-tree write (table and index trees alike): applies cell changes to the pages
 * of one root-to-leaf path and then balances, bottom-up, every level that ended overfull or
 * underfull, the way SQLite's balance() does (btree.c; file format "B-tree Pages"). No I/O: the
 * writer fetched the path and the {@link #siblingsOf siblings} a balance may need, and
 * reserved allocations and frees, before calling.
 *
 * <p>Definitions. Level k holds page {@code pages[k]}; {@code idx[k]} is the child taken at an
 * interior level. A level's content is the page itself (changed in place), plus at most one
 * <em>overflow cell</em> that did not fit (its index in the cell order), or, once a second
 * change does not fit, a <em>materialized</em> list of cells (and the right child). A non-root
 * page is <em>underfull</em> when more than two thirds of the usable size is free (SQLite's
 * trigger after a delete); it is <em>overfull</em> when it has an overflow cell or its list does
 * not fit.
 *
 * <p>Balancing level k &gt; 0 ({@link #balanceNonRoot}): take up to three siblings under one
 * parent (the page and its neighbours), gather their cells in key order with the parent's
 * dividers between them (an index or interior divider is an entry and joins the cells, the
 * interior ones with the left sibling's right child as their child; a table leaf's divider is
 * only a key and is dropped), then lay the cells out again: fill pages left to right, then even
 * them out from the right so no page is emptier than the one after it. An index or interior
 * cell at a boundary moves up as the new divider; for table leaves the divider is the largest
 * rowid of the left page. Old pages are reused in page-number order, extra pages allocated,
 * surplus ones freed; the parent's old dividers are replaced by the new ones, which may make the
 * parent overfull or underfull in turn. Cells move whole, so overflow chains stay attached.
 *
 * <p>Special cases: {@link #balanceQuick} (a table leaf that is its parent's right-most child
 * and overflows with one new cell at its end: a new right sibling holds just that cell);
 * {@link #balanceDeeper} (an overfull root: its content moves to a new child and the root
 * becomes an interior page with no cells above it, which is then balanced as level 1);
 * {@link #collapseRoot} (a root interior page left with no cells takes its only child's content
 * if it fits, and the child is freed).
 *
 * <p>Invariants: every leaf stays at the same depth; no non-root page is left without cells
 * (every new page gets at least one); levels are processed from the bottom up and a level's
 * balancing changes only that level's pages and its parent's cells, so the path above stays
 * valid; every page taken out of the tree goes to the freelist.
 */
final class Balancer {
    /** SQLite balances at most three siblings at a time. */
    static final int SIBLINGS = 3;

    private final Pager pager;
    private boolean table;
    private int depth;
    private int usable;
    private final int[] pages = new int[TreePath.MAX_DEPTH];
    private final int[] idx = new int[TreePath.MAX_DEPTH];
    private final PageType[] types = new PageType[TreePath.MAX_DEPTH];
    private final boolean[] touched = new boolean[TreePath.MAX_DEPTH];
    /** Materialized content of a level, or null when the page itself holds it. */
    @SuppressWarnings("unchecked")
    private final List<byte[]>[] lists = new List[TreePath.MAX_DEPTH];
    private final int[] rights = new int[TreePath.MAX_DEPTH];
    /** The level's one overflow cell (when not materialized), or null. */
    private final byte[][] ovfl = new byte[TreePath.MAX_DEPTH][];
    private final int[] ovflIdx = new int[TreePath.MAX_DEPTH];

    private byte[] scratch = new byte[0];

    Balancer(Pager pager) {
        this.pager = pager;
    }

    /** A buffer of the usable size for defragmenting, reused. */
    private byte[] scratch() {
        if (scratch.length < usable) {
            scratch = new byte[usable];
        }
        return scratch;
    }

    /** Starts a write on the path ({@code pages[0]} the root; idx as in {@link TreePath}). */
    void begin(boolean tableTree, int pathDepth, int[] pathPages, int[] pathIdx) {
        this.table = tableTree;
        this.depth = pathDepth;
        this.usable = pager.usableSize();
        System.arraycopy(pathPages, 0, pages, 0, pathDepth);
        System.arraycopy(pathIdx, 0, idx, 0, pathDepth);
        for (int k = 0; k < pathDepth; k++) {
            types[k] = null;
            touched[k] = false;
            lists[k] = null;
            ovfl[k] = null;
        }
    }

    // ---- the content of one level ----

    private PageType type(int k) {
        if (types[k] == null) {
            int no = pages[k];
            PageType t = BTreePage.check(pager.get(no).data(), no, usable);
            if (t.table != table) {
                throw DatabaseException.corrupt(no, "page of the wrong tree kind on the path");
            }
            types[k] = t;
        }
        return types[k];
    }

    private MemorySegment data(int k) {
        return pager.get(pages[k]).data();
    }

    private void touch(int k) {
        if (!touched[k]) {
            type(k);
            pager.markDirty(pager.get(pages[k]));
            touched[k] = true;
        }
    }

    /** Turns level k's content into a list (with the overflow cell in its place). */
    private List<byte[]> materialize(int k) {
        if (lists[k] == null) {
            PageType t = type(k);
            MemorySegment d = data(k);
            List<byte[]> l = BTreePage.cells(d, pages[k], t, usable);
            if (ovfl[k] != null) {
                l.add(ovflIdx[k], ovfl[k]);
                ovfl[k] = null;
            }
            lists[k] = l;
            rights[k] = t.leaf ? 0 : BTreePage.rightChild(d, BTreePage.headerOffset(pages[k]));
        }
        return lists[k];
    }

    int count(int k) {
        if (lists[k] != null) {
            return lists[k].size();
        }
        return BTreePage.cellCount(data(k), BTreePage.headerOffset(pages[k])) + (ovfl[k] != null ? 1 : 0);
    }

    /** A copy of cell {@code i} of level k (or the list's own array: do not change it). */
    byte[] cell(int k, int i) {
        if (lists[k] != null) {
            return lists[k].get(i);
        }
        if (ovfl[k] != null) {
            if (i == ovflIdx[k]) {
                return ovfl[k];
            }
            if (i > ovflIdx[k]) {
                i--;
            }
        }
        return BTreePage.cell(data(k), pages[k], type(k), i, usable);
    }

    /** Inserts {@code cell} as cell {@code i} of level k: in place if it fits. */
    void insert(int k, int i, byte[] cell) {
        touch(k);
        if (lists[k] == null && ovfl[k] == null) {
            if (BTreePage.insertCell(data(k), pages[k], types[k], i, cell, usable, scratch())) {
                return;
            }
            ovfl[k] = cell;
            ovflIdx[k] = i;
            return;
        }
        materialize(k).add(i, cell);
    }

    /** Removes cell {@code i} of level k (the caller freed its overflow chain if it goes away). */
    void remove(int k, int i) {
        touch(k);
        if (lists[k] == null && ovfl[k] == null) {
            int no = pages[k];
            if (BTreePage.removeCell(data(k), no, types[k], i, usable) > BTreePage.MAX_FRAGMENTS) {
                BTreePage.defragment(data(k), no, types[k], usable, scratch());
            }
            return;
        }
        materialize(k).remove(i);
    }

    /** Makes child {@code i} of interior level k (i == count: the right-most child) {@code child}. */
    private void setChild(int k, int i, int child) {
        touch(k);
        if (lists[k] == null && ovfl[k] == null) {
            MemorySegment d = data(k);
            int no = pages[k];
            int h = BTreePage.headerOffset(no);
            if (i == BTreePage.cellCount(d, h)) {
                BTreePage.setRightChild(d, no, child);
            } else {
                d.set(BTreePage.U32, BTreePage.cellOffset(d, h, types[k], i, usable, no), child);
            }
            return;
        }
        List<byte[]> l = materialize(k);
        if (i == l.size()) {
            rights[k] = child;
        } else {
            l.set(i, IndexCells.withChild(l.get(i), child));
        }
    }

    private int childAt(int k, int i) {
        int n = count(k);
        if (lists[k] != null) {
            int c = i == n ? rights[k] : TableCells.childOf(lists[k].get(i));
            if (c < 2 || c > pager.pageCount()) {
                throw DatabaseException.corrupt(pages[k], "child page " + Integer.toUnsignedString(c) + " out of range");
            }
            return c;
        }
        if (ovfl[k] != null) {
            throw new IllegalStateException("invariant: child lookup on a level with an overflow cell");
        }
        return TableCells.child(data(k), pages[k], i, n, usable, pager.pageCount());
    }

    private int capacity(int k) {
        return BTreePage.capacity(pages[k], type(k), usable);
    }

    private boolean overfull(int k) {
        return ovfl[k] != null || (lists[k] != null && BTreePage.spaceNeeded(lists[k]) > capacity(k));
    }

    private boolean underfull(int k) {
        int free = lists[k] != null ? capacity(k) - BTreePage.spaceNeeded(lists[k])
                : BTreePage.freeSpace(data(k), pages[k], type(k), usable);
        return free > usable * 2 / 3;
    }

    /** Writes a materialized level back to its page (it fits). */
    private void flush(int k) {
        if (lists[k] != null) {
            BTreePage.write(data(k), pages[k], types[k], lists[k], rights[k], usable);
            lists[k] = null;
        }
    }

    // ---- balancing ----

    /**
     * Balances the changed levels from {@code bottom} up to the root. The bottom level is
     * balanced when overfull, or when underfull if {@code shrank} (its content got smaller: a
     * delete, a smaller replacement); a level above, whose cells changed because the level below
     * was balanced, when overfull or underfull (SQLite's balance() loop). Returns whether any
     * balancing happened; if not, every change was made in place and a path to the changed
     * cell is still valid.
     */
    boolean run(int bottom, boolean shrank) {
        restructured = false;
        for (int k = bottom; k >= 0; k--) {
            if (!touched[k]) {
                continue;
            }
            if (k == 0) {
                while (overfull(0)) {
                    balanceDeeper();
                    if (isQuickCase(1)) {
                        balanceQuick(1);
                    } else {
                        balanceNonRoot(1);
                    }
                }
                flush(0);
                if (!types[0].leaf && count(0) == 0) {
                    collapseRoot();
                }
            } else if (overfull(k)) {
                if (isQuickCase(k)) {
                    balanceQuick(k);
                } else {
                    balanceNonRoot(k);
                }
            } else if ((k < bottom || shrank) && underfull(k)) {
                if (count(k - 1) > 0) {
                    balanceNonRoot(k);
                } else {
                    // the only child of a root without cells (page 1, too small to take it in
                    // before): let the root try again
                    flush(k);
                    touch(k - 1);
                }
            } else {
                flush(k);
            }
        }
        return restructured;
    }

    /** Set by {@link #run}: some page's cells moved to another page (a path may be stale). */
    private boolean restructured;

    /**
     * SQLite's balance_quick condition: a table leaf, overflowing by one cell that goes after
     * all others, that is the right-most child of its parent (appends in rowid order).
     */
    private boolean isQuickCase(int k) {
        return table && type(k).leaf && lists[k] == null && ovfl[k] != null
                && ovflIdx[k] == count(k) - 1 && count(k) > 1 && idx[k - 1] == count(k - 1);
    }

    private void balanceQuick(int k) {
        restructured = true;
        Page np = pager.allocate();
        BTreePage.write(np.data(), np.number(), PageType.TABLE_LEAF, List.of(ovfl[k]), 0, usable);
        ovfl[k] = null;
        MemorySegment d = data(k);
        int n = BTreePage.cellCount(d, BTreePage.headerOffset(pages[k]));
        long key = TableCells.leafRowid(d, pages[k], n - 1, usable);
        int p = k - 1;
        int at = count(p);
        insert(p, at, TableCells.interiorCell(pages[k], key));
        setChild(p, at + 1, np.number());
    }

    /** Moves the root's content into a new child; the root keeps only a pointer to it. */
    private void balanceDeeper() {
        restructured = true;
        if (depth + 1 > TreePath.MAX_DEPTH) {
            throw DatabaseException.corrupt(pages[0], "b-tree deeper than " + TreePath.MAX_DEPTH + " levels");
        }
        PageType rootType = type(0);
        List<byte[]> content;
        int right;
        if (lists[0] != null) {
            content = lists[0];
            right = rights[0];
        } else {
            MemorySegment d = data(0);
            content = BTreePage.cells(d, pages[0], rootType, usable);
            if (ovfl[0] != null) {
                content.add(ovflIdx[0], ovfl[0]);
            }
            right = rootType.leaf ? 0 : BTreePage.rightChild(d, BTreePage.headerOffset(pages[0]));
        }
        boolean quick = table && rootType.leaf && lists[0] == null && ovfl[0] != null
                && ovflIdx[0] == content.size() - 1 && content.size() > 1;
        Page child = pager.allocate();
        for (int k = depth; k >= 1; k--) {
            pages[k] = pages[k - 1];
            idx[k] = idx[k - 1];
            types[k] = types[k - 1];
            touched[k] = touched[k - 1];
            lists[k] = lists[k - 1];
            rights[k] = rights[k - 1];
            ovfl[k] = ovfl[k - 1];
            ovflIdx[k] = ovflIdx[k - 1];
        }
        depth++;
        pages[1] = child.number();
        types[1] = rootType;
        touched[1] = true;
        if (quick) {
            // keep the shape the quick balance recognises: the page plus one overflow cell
            byte[] last = content.remove(content.size() - 1);
            BTreePage.write(child.data(), child.number(), rootType, content, right, usable);
            lists[1] = null;
            ovfl[1] = last;
            ovflIdx[1] = content.size();
        } else {
            lists[1] = content instanceof ArrayList<byte[]> ? content : new ArrayList<>(content);
            rights[1] = right;
            ovfl[1] = null;
        }
        idx[0] = 0;
        types[0] = rootType.interior();
        lists[0] = new ArrayList<>();
        rights[0] = child.number();
        ovfl[0] = null;
        touched[0] = true;
    }

    /** A root interior page without cells takes its only child's content when it fits. */
    private void collapseRoot() {
        restructured = true;
        int root = pages[0];
        MemorySegment rd = data(0);
        int only = BTreePage.rightChild(rd, BTreePage.headerOffset(root));
        if (only < 2 || only > pager.pageCount()) {
            throw DatabaseException.corrupt(root, "child page " + Integer.toUnsignedString(only) + " out of range");
        }
        Page child = fetched(only);
        PageType ct = BTreePage.check(child.data(), only, usable);
        if (ct.table != table) {
            throw DatabaseException.corrupt(only, "page of the wrong tree kind below the root");
        }
        List<byte[]> cc = BTreePage.cells(child.data(), only, ct, usable);
        if (BTreePage.spaceNeeded(cc) > BTreePage.capacity(root, ct, usable)) {
            return;
        }
        int cr = ct.leaf ? 0 : BTreePage.rightChild(child.data(), 0);
        BTreePage.write(rd, root, ct, cc, cr, usable);
        types[0] = ct;
        pager.free(only);
    }

    private Page fetched(int no) {
        Page p = pager.get(no);
        if (p == null) {
            throw new IllegalStateException("invariant: page " + no + " was not fetched before the balance");
        }
        return p;
    }

    /**
     * The first child index and count of the siblings balanced together with child {@code ci}
     * of a parent with {@code parentCells} cells: up to three consecutive children around it.
     */
    static int firstSibling(int ci, int parentCells) {
        int n = Math.min(SIBLINGS, parentCells + 1);
        return Math.max(0, Math.min(ci - 1, parentCells + 1 - n));
    }

    static int siblingCount(int parentCells) {
        return Math.min(SIBLINGS, parentCells + 1);
    }

    private void balanceNonRoot(int k) {
        restructured = true;
        int p = k - 1;
        if (ovfl[p] != null) {
            materialize(p);
        }
        int parentCells = count(p);
        int ci = idx[p];
        int first = firstSibling(ci, parentCells);
        int nOld = siblingCount(parentCells);
        PageType type = type(k);
        int[] old = new int[nOld];
        for (int j = 0; j < nOld; j++) {
            old[j] = childAt(p, first + j);
        }
        if (old[ci - first] != pages[k]) {
            throw DatabaseException.corrupt(pages[p], "child pointer does not lead to page " + pages[k]);
        }

        // gather the cells of all siblings, dividers included where they are entries
        List<byte[]> all = new ArrayList<>();
        int lastRight = 0;
        for (int j = 0; j < nOld; j++) {
            List<byte[]> cs;
            int right;
            if (old[j] == pages[k]) {
                cs = materialize(k);
                right = rights[k];
            } else {
                Page sp = fetched(old[j]);
                if (BTreePage.check(sp.data(), old[j], usable) != type) {
                    throw DatabaseException.corrupt(old[j], "sibling page of a different kind than page " + pages[k]);
                }
                cs = BTreePage.cells(sp.data(), old[j], type, usable);
                right = type.leaf ? 0 : BTreePage.rightChild(sp.data(), BTreePage.headerOffset(old[j]));
            }
            all.addAll(cs);
            if (j < nOld - 1) {
                byte[] div = cell(p, first + j);
                if (TableCells.childOf(div) != old[j]) {
                    throw DatabaseException.corrupt(pages[p], "divider does not lead to page " + old[j]);
                }
                if (!type.leaf) {
                    all.add(table ? TableCells.interiorCell(right, TableCells.keyOfInterior(div)) : IndexCells.withChild(div, right));
                } else if (!table) {
                    all.add(IndexCells.toLeaf(div));
                }
            } else {
                lastRight = right;
            }
        }

        int cap = BTreePage.capacity(2, type, usable);
        boolean dividersAreCells = !(table && type.leaf);
        int[] ends = layout(all, cap, dividersAreCells);
        int nNew = ends.length;

        // page numbers: the old ones reused in ascending order, then new ones; surplus freed
        int[] numbers = new int[nNew];
        int[] sortedOld = old.clone();
        Arrays.sort(sortedOld);
        for (int j = 0; j < nNew; j++) {
            numbers[j] = j < nOld ? sortedOld[j] : pager.allocate().number();
        }
        Arrays.sort(numbers);
        for (int j = nNew; j < nOld; j++) {
            pager.free(sortedOld[j]);
        }

        // write the new pages and compute the new dividers
        byte[][] dividers = new byte[nNew - 1][];
        int start = 0;
        for (int j = 0; j < nNew; j++) {
            int end = ends[j];
            List<byte[]> piece = all.subList(start, end);
            int right = 0;
            if (j < nNew - 1) {
                if (dividersAreCells) {
                    byte[] d = all.get(end);
                    if (!type.leaf) {
                        right = TableCells.childOf(d);
                    }
                    dividers[j] = type.leaf ? IndexCells.toInterior(d, numbers[j]) : IndexCells.withChild(d, numbers[j]);
                } else {
                    dividers[j] = TableCells.interiorCell(numbers[j], TableCells.rowidOfLeaf(all.get(end - 1)));
                }
                start = dividersAreCells ? end + 1 : end;
            } else {
                right = lastRight;
            }
            Page np = pager.get(numbers[j]);
            pager.markDirty(np);
            BTreePage.write(np.data(), numbers[j], type, piece, right, usable);
        }
        lists[k] = null;
        ovfl[k] = null;

        // the parent: old dividers out, new ones in, the pointer after them to the last page
        for (int j = 0; j < nOld - 1; j++) {
            remove(p, first);
        }
        for (int j = 0; j < nNew - 1; j++) {
            insert(p, first + j, dividers[j]);
        }
        setChild(p, first + nNew - 1, numbers[nNew - 1]);
        touch(p);
    }

    /**
     * Where the cells of a balance end on each new page (exclusive indexes into {@code all}).
     * With {@code dividersAreCells} the cell at each end moves up as the divider and the next
     * page starts after it. Fills pages left to right, then moves cells rightwards at each
     * boundary, from the right, while the right page stays no fuller than the left one, so no
     * page is empty and sizes even out.
     */
    static int[] layout(List<byte[]> all, int cap, boolean dividersAreCells) {
        int n = all.size();
        int[] size = new int[n];
        for (int i = 0; i < n; i++) {
            size[i] = all.get(i).length + 2;
            if (size[i] > cap) {
                throw new IllegalStateException("invariant: a " + size[i] + "-byte cell is bigger than a page");
            }
        }
        List<Integer> ends = new ArrayList<>();
        int i = 0;
        while (true) {
            int used = 0;
            while (i < n && used + size[i] <= cap) {
                used += size[i++];
            }
            ends.add(i);
            if (i >= n) {
                break;
            }
            if (dividersAreCells) {
                i++;
                if (i == n) {
                    ends.add(n); // an empty last page: the evening below gives it cells
                    break;
                }
            }
        }
        int pagesN = ends.size();
        int[] end = new int[pagesN];
        int[] startOf = new int[pagesN];
        for (int j = 0; j < pagesN; j++) {
            end[j] = ends.get(j);
            startOf[j] = j == 0 ? 0 : end[j - 1] + (dividersAreCells ? 1 : 0);
        }
        for (int j = pagesN - 1; j >= 1; j--) {
            int left = sum(size, startOf[j - 1], end[j - 1]);
            int right = sum(size, startOf[j], end[j]);
            while (end[j - 1] - startOf[j - 1] > 1) {
                int moving = size[end[j - 1] - 1];
                int newLeft = left - moving;
                int newRight = right + (dividersAreCells ? size[end[j - 1]] : moving);
                boolean rightEmpty = end[j] == startOf[j];
                if (!rightEmpty && (newRight > newLeft || newRight > cap)) {
                    break;
                }
                end[j - 1]--;
                startOf[j]--;
                left = newLeft;
                right = newRight;
            }
            if (end[j] == startOf[j]) {
                throw new IllegalStateException("invariant: balance left page " + j + " without cells");
            }
        }
        return end;
    }

    private static int sum(int[] size, int from, int to) {
        int s = 0;
        for (int i = from; i < to; i++) {
            s += size[i];
        }
        return s;
    }

    /**
     * Whether changing page {@code pageNo}'s cells by {@code delta} bytes (cells plus pointers)
     * can make a balance necessary: the page ends overfull, or it shrank and ends underfull.
     * When not, the change is made in place and the writer needs no siblings, allocations or
     * frees for it.
     */
    static boolean mayBalance(Pager pager, int pageNo, int delta) {
        int usable = pager.usableSize();
        MemorySegment d = pager.get(pageNo).data();
        int free = BTreePage.freeSpace(d, pageNo, BTreePage.check(d, pageNo, usable), usable);
        return delta > free || (delta < 0 && free - delta > usable * 2 / 3);
    }

    /**
     * Phase 1 for a write that changes the cells of level {@code bottom} of a path by
     * {@code delta} bytes (cells plus pointers; negative when it shrinks): fetches, from that
     * level up, the siblings of every level that may end overfull or underfull. A level above
     * can change only when the one below it is balanced: it then loses the old dividers (at most
     * two) and gains the new ones (one fewer than the new pages: three siblings and what
     * overflowed them fill at most four or, with index cells of a quarter page, five pages), of
     * at most {@code maxDivider} bytes each; the margin allows four. With {@code allLevels}
     * every level's siblings are fetched (a write that also changes an interior cell).
     */
    static IoStatus fetchSiblings(Pager pager, int[] pages, int[] idx, int bottom, int delta, boolean allLevels, int[] tmp) {
        int usable = pager.usableSize();
        int underMark = usable * 2 / 3;
        for (int k = bottom; k >= 1; k--) {
            int no = pages[k];
            MemorySegment d = pager.get(no).data();
            PageType t = BTreePage.check(d, no, usable);
            int free = BTreePage.freeSpace(d, no, t, usable);
            boolean may;
            if (k == bottom) {
                may = delta > free || free - delta > underMark;
            } else {
                int maxDivider = 2 + (t.table ? 13 : 4 + 9 + PayloadRules.maxLocal(t, usable) + 4);
                may = free < 4 * maxDivider || free + 2 * maxDivider > underMark;
            }
            if (!may && !allLevels) {
                return IoStatus.READY;
            }
            int n = siblingsOf(pager, pages[k - 1], idx[k - 1], tmp);
            // Start every missing sibling's read before waiting, so they are in flight together.
            IoStatus pending = IoStatus.READY;
            for (int j = 0; j < n; j++) {
                IoStatus s = pager.fetch(tmp[j]);
                if (!s.isReady() && pending.isReady()) {
                    pending = s;
                }
            }
            if (!pending.isReady()) {
                return pending;
            }
        }
        return IoStatus.READY;
    }

    /**
     * The pages balancing level {@code k} of a path may read besides the path: the children of
     * the parent that {@link #balanceNonRoot} takes with the path's child. The writer fetches
     * these in phase 1.
     */
    static int siblingsOf(Pager pager, int parent, int ci, int[] out) {
        int usable = pager.usableSize();
        MemorySegment d = pager.get(parent).data();
        int n = BTreePage.cellCount(d, BTreePage.headerOffset(parent));
        int first = firstSibling(Math.min(ci, n), n);
        int cnt = siblingCount(n);
        for (int j = 0; j < cnt; j++) {
            out[j] = TableCells.child(d, parent, first + j, n, usable, pager.pageCount());
        }
        return cnt;
    }
}
