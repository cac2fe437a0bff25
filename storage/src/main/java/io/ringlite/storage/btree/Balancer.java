package io.ringlite.storage.btree;

import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.pager.Page;
import io.ringlite.storage.pager.Pager;
import java.util.ArrayList;
import java.util.List;

/**
 * Phase 2 of a B-tree write: brings every page on a root-to-leaf path back into shape after
 * its cells changed, bottom-up, with no I/O (the writer fetched the path and, for deletes, one
 * sibling per level, and reserved allocations and frees, before calling).
 *
 * <p>Definitions: level k's content is held as a list of cells ({@link #cells}) until the level
 * is processed, so a level may temporarily hold more than fits a page. Capacity C(k) is the
 * space for cells plus pointers on that page; a non-root page is <em>underfull</em> when its
 * content needs less than a third of C(k) (SQLite rebalances when more than two thirds of a page
 * are free). For level k &gt; 0, x is the path page, y the sibling fetched for it (the next
 * child of the parent, or the previous one for the right-most child), D the parent's cell
 * between them.
 *
 * <p>Processing level k (after the levels below), when its content changed:
 * <ol>
 *   <li>overfull: split into two pieces (index trees: the middle cell moves up to the parent
 *       as the divider, it being an entry; table trees: {@link Splits}); x keeps the first
 *       piece, new pages take the rest; the parent's pointer to x now names the last piece and
 *       a divider per other piece is inserted before it. The root instead moves all pieces to
 *       new pages and becomes their parent (the tree grows).</li>
 *   <li>underfull (deletes only): x, D and y are combined in key order (index trees keep D as
 *       an entry; table leaves drop D, table interiors keep D's key with x's right-most child).
 *       If that fits one page it goes to the right page of the pair, the left one is freed and
 *       D leaves the parent (merge); otherwise the combination is split again in two balanced
 *       halves with a new D (redistribution).</li>
 *   <li>a root left as an interior page without cells takes its only child's content if that
 *       fits, and frees the child (the tree shrinks).</li>
 * </ol>
 * Every change to level k's parent marks the parent for processing, so the walk continues up
 * while something changed.
 *
 * <p>Invariants: every leaf stays at one depth; no non-root page is left without cells except
 * when no sibling exists (a parent with no cells, only page 1's root can be one); a level's
 * sibling pointer {@code idx[k-1]} stays valid until level k is processed, because only level
 * k's processing changes level k-1's cells and the cell count.
 */
final class Balancer {
    private final Pager pager;
    private boolean table;
    private int depth;
    private final int[] pages = new int[TreePath.MAX_DEPTH];
    private final int[] idx = new int[TreePath.MAX_DEPTH];
    private final int[] sib = new int[TreePath.MAX_DEPTH];
    @SuppressWarnings("unchecked")
    private final List<byte[]>[] cells = new List[TreePath.MAX_DEPTH];
    private final int[] right = new int[TreePath.MAX_DEPTH];
    private final PageType[] types = new PageType[TreePath.MAX_DEPTH];
    private final boolean[] dirty = new boolean[TreePath.MAX_DEPTH];

    Balancer(Pager pager) {
        this.pager = pager;
    }

    /** Starts a write on the path (pages/idx as in {@link IndexPath}); {@code siblings} may be null. */
    void begin(boolean tableTree, int depth, int[] pathPages, int[] pathIdx, int[] siblings) {
        this.table = tableTree;
        this.depth = depth;
        System.arraycopy(pathPages, 0, pages, 0, depth);
        System.arraycopy(pathIdx, 0, idx, 0, depth);
        for (int k = 0; k < depth; k++) {
            sib[k] = siblings == null ? 0 : siblings[k];
            cells[k] = null;
            dirty[k] = false;
        }
    }

    /** The content of level k, loaded from its page on first use; callers then {@link #touch}. */
    List<byte[]> cells(int k) {
        if (cells[k] == null) {
            int no = pages[k];
            Page p = pager.get(no);
            PageType t = BTreePage.check(p.data(), no, pager.usableSize());
            if (t.table != table) {
                throw DatabaseException.corrupt(no, "page of the wrong tree kind on the path");
            }
            types[k] = t;
            cells[k] = BTreePage.cells(p.data(), no, t, pager.usableSize());
            right[k] = t.leaf ? 0 : BTreePage.rightChild(p.data(), BTreePage.headerOffset(no));
        }
        return cells[k];
    }

    void touch(int k) {
        dirty[k] = true;
    }

    /** Processes levels {@code bottom} .. 0; {@code underflow}: also rebalance underfull pages. */
    void run(int bottom, boolean underflow) {
        for (int k = bottom; k >= 0; k--) {
            if (dirty[k]) {
                process(k, underflow);
            }
        }
    }

    private void process(int k, boolean underflow) {
        int usable = pager.usableSize();
        int no = pages[k];
        PageType type = types[k];
        List<byte[]> list = cells[k];
        int cap = BTreePage.capacity(no, type, usable);
        int need = BTreePage.spaceNeeded(list);
        if (k == 0) {
            if (need > cap) {
                splitRoot(no, type, list, right[0]);
            } else if (list.isEmpty() && !type.leaf) {
                collapseRoot(no, right[0]);
            } else {
                write(no, type, list, right[0]);
            }
            return;
        }
        if (need > cap) {
            split(k);
        } else if (underflow && need < cap / 3 && sib[k] != 0) {
            rebalance(k);
        } else {
            write(no, type, list, right[k]);
        }
    }

    private void write(int no, PageType type, List<byte[]> list, int rightChild) {
        Page p = pager.get(no);
        pager.markDirty(p);
        BTreePage.write(p.data(), no, type, list, rightChild, pager.usableSize());
    }

    /** One page's worth of cells and the divider (interior-form cell, child unset) above it. */
    private record Piece(List<byte[]> cells, int right, byte[] divider) {
    }

    private List<Piece> pieces(List<byte[]> list, int rightChild, PageType type, int cap) {
        List<Piece> out = new ArrayList<>(3);
        if (table) {
            List<Splits.Piece> ps = type.leaf ? Splits.leaf(list, cap, false) : Splits.interior(list, rightChild, cap);
            for (Splits.Piece p : ps) {
                out.add(new Piece(p.cells(), p.right(), TableCells.interiorCell(0, p.divider())));
            }
            return out;
        }
        int n = list.size();
        int[] pre = new int[n + 1];
        for (int i = 0; i < n; i++) {
            pre[i + 1] = pre[i] + list.get(i).length + 2;
        }
        int best = -1;
        int bestMax = Integer.MAX_VALUE;
        for (int m = 1; m < n - 1; m++) {
            int l = pre[m];
            int r = pre[n] - pre[m + 1];
            if (l <= cap && r <= cap && Math.max(l, r) < bestMax) {
                best = m;
                bestMax = Math.max(l, r);
            }
        }
        if (best < 0) {
            throw new IllegalStateException("invariant: index page of " + n + " cells cannot be split in two");
        }
        byte[] mid = list.get(best);
        byte[] divider = type.leaf ? IndexCells.toInterior(mid, 0) : IndexCells.withChild(mid, 0);
        int leftRight = type.leaf ? 0 : TableCells.childOf(mid);
        out.add(new Piece(new ArrayList<>(list.subList(0, best)), leftRight, divider));
        out.add(new Piece(new ArrayList<>(list.subList(best + 1, n)), rightChild, null));
        return out;
    }

    private void split(int k) {
        int usable = pager.usableSize();
        int no = pages[k];
        PageType type = types[k];
        List<Piece> ps = pieces(cells[k], right[k], type, BTreePage.capacity(no, type, usable));
        assert ps.size() >= 2 : "invariant: split into one piece";
        int[] numbers = new int[ps.size()];
        numbers[0] = no;
        write(no, type, ps.get(0).cells(), ps.get(0).right());
        for (int j = 1; j < ps.size(); j++) {
            Page np = pager.allocate();
            numbers[j] = np.number();
            BTreePage.write(np.data(), np.number(), type, ps.get(j).cells(), ps.get(j).right(), usable);
        }
        List<byte[]> parent = cells(k - 1);
        int j = idx[k - 1];
        int last = numbers[numbers.length - 1];
        if (j == parent.size()) {
            right[k - 1] = last;
        } else {
            parent.set(j, IndexCells.withChild(parent.get(j), last));
        }
        for (int t = 0; t < ps.size() - 1; t++) {
            parent.add(j + t, IndexCells.withChild(ps.get(t).divider(), numbers[t]));
        }
        touch(k - 1);
    }

    private void splitRoot(int no, PageType type, List<byte[]> list, int rightChild) {
        int usable = pager.usableSize();
        List<Piece> ps = pieces(list, rightChild, type, BTreePage.capacity(2, type, usable));
        List<byte[]> rootCells = new ArrayList<>(ps.size());
        int rootRight = 0;
        for (int j = 0; j < ps.size(); j++) {
            Piece p = ps.get(j);
            Page np = pager.allocate();
            BTreePage.write(np.data(), np.number(), type, p.cells(), p.right(), usable);
            if (j < ps.size() - 1) {
                rootCells.add(IndexCells.withChild(p.divider(), np.number()));
            } else {
                rootRight = np.number();
            }
        }
        write(no, type.interior(), rootCells, rootRight);
    }

    private void collapseRoot(int no, int only) {
        int usable = pager.usableSize();
        Page child = pager.get(only);
        PageType ct = BTreePage.check(child.data(), only, usable);
        List<byte[]> cc = BTreePage.cells(child.data(), only, ct, usable);
        if (BTreePage.spaceNeeded(cc) <= BTreePage.capacity(no, ct, usable)) {
            int cr = ct.leaf ? 0 : BTreePage.rightChild(child.data(), 0);
            write(no, ct, cc, cr);
            pager.free(only);
        } else {
            write(no, types[0], List.of(), only);
        }
    }

    private void rebalance(int k) {
        int usable = pager.usableSize();
        List<byte[]> parent = cells(k - 1);
        int j = idx[k - 1];
        boolean yRight = j < parent.size();
        int di = yRight ? j : j - 1;
        int x = pages[k];
        int y = sib[k];
        PageType type = types[k];
        Page yp = pager.get(y);
        if (BTreePage.check(yp.data(), y, usable) != type) {
            throw DatabaseException.corrupt(y, "sibling page of a different kind than page " + x);
        }
        List<byte[]> yCells = BTreePage.cells(yp.data(), y, type, usable);
        int yRightChild = type.leaf ? 0 : BTreePage.rightChild(yp.data(), BTreePage.headerOffset(y));
        List<byte[]> aCells = yRight ? cells[k] : yCells;
        int aRight = yRight ? right[k] : yRightChild;
        int a = yRight ? x : y;
        List<byte[]> bCells = yRight ? yCells : cells[k];
        int bRight = yRight ? yRightChild : right[k];
        int b = yRight ? y : x;
        if (TableCells.childOf(parent.get(di)) != a) {
            throw DatabaseException.corrupt(pages[k - 1], "divider does not lead to page " + a);
        }
        byte[] d = parent.get(di);
        List<byte[]> combined = new ArrayList<>(aCells.size() + bCells.size() + 1);
        combined.addAll(aCells);
        if (table) {
            if (!type.leaf) {
                combined.add(TableCells.interiorCell(aRight, TableCells.keyOfInterior(d)));
            }
        } else {
            combined.add(type.leaf ? IndexCells.toLeaf(d) : IndexCells.withChild(d, aRight));
        }
        combined.addAll(bCells);
        int cap = BTreePage.capacity(b, type, usable);
        if (BTreePage.spaceNeeded(combined) <= cap) {
            write(b, type, combined, bRight);
            pager.free(a);
            parent.remove(di);
            touch(k - 1);
            return;
        }
        List<Piece> ps = pieces(combined, bRight, type, cap);
        if (ps.size() != 2) {
            // cannot redistribute into two pages (huge cells): leave x as it is, still valid
            write(x, type, cells[k], right[k]);
            return;
        }
        write(a, type, ps.get(0).cells(), ps.get(0).right());
        write(b, type, ps.get(1).cells(), ps.get(1).right());
        parent.set(di, IndexCells.withChild(ps.get(0).divider(), a));
        touch(k - 1);
    }
}
