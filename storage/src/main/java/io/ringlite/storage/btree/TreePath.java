package io.ringlite.storage.btree;

import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.io.IoStatus;
import io.ringlite.storage.pager.Pager;
import java.lang.foreign.MemorySegment;

/**
 * A root-to-leaf path in one table B-tree: for each level the page number and the index taken
 * in it (for an interior page, the child index, where {@code cellCount} means the right-most
 * child; for the leaf, the cell index).
 *
 * <p>Every method here only fills this path; it never changes a page. A method that returns
 * Pending leaves the path half-computed, so callers compute into a scratch path and copy it into
 * their real position only after READY (see {@link TableCursor}).
 *
 * <p>Invariants: 1 &lt;= depth &lt;= {@link #MAX_DEPTH} when positioned; levels below the leaf
 * are interior pages of a table tree; a path of more than MAX_DEPTH levels is corruption (a
 * cyclic child pointer cannot loop forever).
 */
final class TreePath {
    /** SQLite's own limit for B-tree depth; deeper means a corrupt (e.g. cyclic) tree. */
    static final int MAX_DEPTH = 20;
    private static final int LAST = Integer.MAX_VALUE;

    final int[] pages = new int[MAX_DEPTH];
    final int[] idx = new int[MAX_DEPTH];
    int depth;
    boolean eof;
    /** After {@link #seek}: the leaf holds the key at {@code idx[depth-1]}. */
    boolean found;

    void copyFrom(TreePath o) {
        System.arraycopy(o.pages, 0, pages, 0, o.depth);
        System.arraycopy(o.idx, 0, idx, 0, o.depth);
        depth = o.depth;
        eof = o.eof;
        found = o.found;
    }

    int leafPage() {
        return pages[depth - 1];
    }

    int leafIndex() {
        return idx[depth - 1];
    }

    private static PageType tablePage(MemorySegment d, int pageNo, int usable) {
        PageType t = BTreePage.check(d, pageNo, usable);
        if (!t.table) {
            throw DatabaseException.corrupt(pageNo, "index page inside a table b-tree");
        }
        return t;
    }

    private static void checkDepth(int pageNo, int level) {
        if (level + 1 >= MAX_DEPTH) {
            throw DatabaseException.corrupt(pageNo, "b-tree deeper than " + MAX_DEPTH + " levels");
        }
    }

    /**
     * Descends to the leaf where {@code key} is or would be: interior pages by binary search on
     * their keys (a key there only bounds its child; the row may be gone), the leaf to the
     * lower bound. Sets {@link #found}.
     */
    IoStatus seek(Pager pager, int root, long key) {
        int usable = pager.usableSize();
        int level = 0;
        int no = root;
        found = false;
        eof = false;
        while (true) {
            IoStatus s = pager.fetch(no);
            if (!s.isReady()) {
                return s;
            }
            MemorySegment d = pager.get(no).data();
            PageType t = tablePage(d, no, usable);
            int n = BTreePage.cellCount(d, BTreePage.headerOffset(no));
            pages[level] = no;
            int lo = 0;
            int hi = n;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                long k = t.leaf ? TableCells.leafRowid(d, no, mid, usable) : TableCells.interiorKey(d, no, mid, usable);
                if (k < key) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            idx[level] = lo;
            if (t.leaf) {
                depth = level + 1;
                found = lo < n && TableCells.leafRowid(d, no, lo, usable) == key;
                return IoStatus.READY;
            }
            checkDepth(no, level);
            no = TableCells.child(d, no, lo, n, usable, pager.pageCount());
            level++;
        }
    }

    IoStatus first(Pager pager, int root) {
        pages[0] = root;
        idx[0] = 0;
        return forward(pager, 0);
    }

    IoStatus last(Pager pager, int root) {
        pages[0] = root;
        idx[0] = LAST;
        return backward(pager, 0);
    }

    /** Moves to the next entry (or eof). */
    IoStatus advance(Pager pager) {
        idx[depth - 1]++;
        return forward(pager, depth - 1);
    }

    /** Moves to the previous entry (or eof). */
    IoStatus retreat(Pager pager) {
        idx[depth - 1]--;
        return backward(pager, depth - 1);
    }

    /**
     * From {@code idx[level]} on page {@code pages[level]}, finds the first entry at or after
     * that position in key order (levels above are the path that led there).
     */
    IoStatus forward(Pager pager, int level) {
        int usable = pager.usableSize();
        while (true) {
            int no = pages[level];
            IoStatus s = pager.fetch(no);
            if (!s.isReady()) {
                return s;
            }
            MemorySegment d = pager.get(no).data();
            PageType t = tablePage(d, no, usable);
            int n = BTreePage.cellCount(d, BTreePage.headerOffset(no));
            int i = idx[level];
            if (t.leaf) {
                if (i < n) {
                    depth = level + 1;
                    eof = false;
                    return IoStatus.READY;
                }
            } else if (i <= n) {
                checkDepth(no, level);
                int child = TableCells.child(d, no, i, n, usable, pager.pageCount());
                level++;
                pages[level] = child;
                idx[level] = 0;
                continue;
            }
            if (level == 0) {
                depth = 0;
                eof = true;
                return IoStatus.READY;
            }
            level--;
            idx[level]++;
        }
    }

    /** Mirror of {@link #forward}: the last entry at or before the position. */
    IoStatus backward(Pager pager, int level) {
        int usable = pager.usableSize();
        while (true) {
            int no = pages[level];
            IoStatus s = pager.fetch(no);
            if (!s.isReady()) {
                return s;
            }
            MemorySegment d = pager.get(no).data();
            PageType t = tablePage(d, no, usable);
            int n = BTreePage.cellCount(d, BTreePage.headerOffset(no));
            int i = idx[level];
            if (i == LAST) {
                i = t.leaf ? n - 1 : n;
                idx[level] = i;
            }
            if (t.leaf) {
                if (i >= 0 && i < n) {
                    depth = level + 1;
                    eof = false;
                    return IoStatus.READY;
                }
            } else if (i >= 0 && i <= n) {
                checkDepth(no, level);
                int child = TableCells.child(d, no, i, n, usable, pager.pageCount());
                level++;
                pages[level] = child;
                idx[level] = LAST;
                continue;
            }
            if (level == 0) {
                depth = 0;
                eof = true;
                return IoStatus.READY;
            }
            level--;
            idx[level]--;
        }
    }
}
