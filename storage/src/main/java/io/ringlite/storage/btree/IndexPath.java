package io.ringlite.storage.btree;

import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.io.IoStatus;
import io.ringlite.storage.pager.Pager;
import java.lang.foreign.MemorySegment;
import java.util.function.ToIntFunction;

/**
 * A position in one index B-tree. Unlike a table tree, interior cells are entries too, so the
 * position may end on an interior page.
 *
 * <p>Definitions: levels 0..depth-1 from the root; {@code pages[l]} the page at level l. For
 * l &lt; depth-1, {@code idx[l]} is the child taken (n = the right-most child). At level
 * depth-1, {@code idx} is the cell the position is on (a leaf cell, or an interior cell when the
 * page is interior). In-order: child 0, cell 0, child 1, cell 1, ..., cell n-1, right child.
 *
 * <p>Invariants: only the root may be an empty leaf; every page on the path is an index page;
 * depth &lt;= {@link TreePath#MAX_DEPTH}. Methods only fill this object, never change a page;
 * after Pending the path is half-computed, so callers work on a scratch copy.
 */
final class IndexPath {
    final int[] pages = new int[TreePath.MAX_DEPTH];
    final int[] idx = new int[TreePath.MAX_DEPTH];
    int depth;
    boolean eof;
    /** After {@link #locate}: the position is on an entry that compared equal. */
    boolean found;

    private final IndexCells cells = new IndexCells();

    void copyFrom(IndexPath o) {
        System.arraycopy(o.pages, 0, pages, 0, o.depth);
        System.arraycopy(o.idx, 0, idx, 0, o.depth);
        depth = o.depth;
        eof = o.eof;
        found = o.found;
    }

    int page() {
        return pages[depth - 1];
    }

    int index() {
        return idx[depth - 1];
    }

    static PageType indexPage(Pager pager, int no) {
        PageType t = BTreePage.check(pager.get(no).data(), no, pager.usableSize());
        if (t.table) {
            throw DatabaseException.corrupt(no, "table page inside an index b-tree");
        }
        return t;
    }

    static int count(Pager pager, int no) {
        return BTreePage.cellCount(pager.get(no).data(), BTreePage.headerOffset(no));
    }

    private int child(Pager pager, int no, int i, int n, int level) {
        if (level + 1 >= TreePath.MAX_DEPTH) {
            throw DatabaseException.corrupt(no, "b-tree deeper than " + TreePath.MAX_DEPTH + " levels");
        }
        return TableCells.child(pager.get(no).data(), no, i, n, pager.usableSize(), pager.pageCount());
    }

    /**
     * Positions on the first entry e with {@code cmp(e) > 0} when {@code strict}, else
     * {@code cmp(e) >= 0} ({@code cmp} gives the sign of entry - key), or eof. Every level is
     * searched for its lower bound and the descent always reaches a leaf: with a partial key
     * several entries compare equal, and the first of them may lie below an equal interior key.
     */
    IoStatus seek(Pager pager, int root, ToIntFunction<MemorySegment> cmp, boolean strict) {
        return descend(pager, root, cmp, strict, false);
    }

    /**
     * For writers: descends like {@link #seek} (not strict) but stops on the first entry that
     * compares equal ({@link #found}); otherwise ends on a leaf at the insertion index (which
     * may equal the leaf's cell count).
     */
    IoStatus locate(Pager pager, int root, ToIntFunction<MemorySegment> cmp) {
        return descend(pager, root, cmp, false, true);
    }

    private IoStatus descend(Pager pager, int root, ToIntFunction<MemorySegment> cmp, boolean strict, boolean stop) {
        int level = 0;
        int no = root;
        found = false;
        eof = false;
        while (true) {
            IoStatus s = pager.fetch(no);
            if (!s.isReady()) {
                return s;
            }
            PageType t = indexPage(pager, no);
            int n = count(pager, no);
            int lo = 0;
            int hi = n;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                s = cells.load(pager, no, t, mid);
                if (!s.isReady()) {
                    return s;
                }
                int c = cmp.applyAsInt(cells.key);
                if (c < 0 || (strict && c == 0)) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            boolean eq = false;
            if (stop && lo < n) {
                s = cells.load(pager, no, t, lo);
                if (!s.isReady()) {
                    return s;
                }
                eq = cmp.applyAsInt(cells.key) == 0;
            }
            pages[level] = no;
            idx[level] = lo;
            if (stop && eq) {
                depth = level + 1;
                found = true;
                return IoStatus.READY;
            }
            if (t.leaf) {
                depth = level + 1;
                if (stop || lo < n) {
                    return IoStatus.READY;
                }
                return ascendForward(pager, level);
            }
            no = child(pager, no, lo, n, level);
            level++;
        }
    }

    /** The leaf at {@code level} is exhausted: position on the next ancestor cell, or eof. */
    private IoStatus ascendForward(Pager pager, int level) {
        for (int l = level - 1; l >= 0; l--) {
            IoStatus s = pager.fetch(pages[l]);
            if (!s.isReady()) {
                return s;
            }
            if (idx[l] < count(pager, pages[l])) {
                depth = l + 1;
                eof = false;
                return IoStatus.READY;
            }
        }
        depth = 0;
        eof = true;
        return IoStatus.READY;
    }

    private IoStatus ascendBackward(Pager pager, int level) {
        for (int l = level - 1; l >= 0; l--) {
            if (idx[l] > 0) {
                idx[l]--;
                depth = l + 1;
                eof = false;
                return IoStatus.READY;
            }
        }
        depth = 0;
        eof = true;
        return IoStatus.READY;
    }

    IoStatus first(Pager pager, int root) {
        pages[0] = root;
        return leftmost(pager, 0);
    }

    IoStatus last(Pager pager, int root) {
        pages[0] = root;
        return rightmost(pager, 0);
    }

    /** From page {@code pages[level]} down to the first entry of its subtree. */
    private IoStatus leftmost(Pager pager, int level) {
        while (true) {
            int no = pages[level];
            IoStatus s = pager.fetch(no);
            if (!s.isReady()) {
                return s;
            }
            PageType t = indexPage(pager, no);
            int n = count(pager, no);
            idx[level] = 0;
            if (t.leaf) {
                depth = level + 1;
                if (n == 0) {
                    if (level > 0) {
                        throw DatabaseException.corrupt(no, "empty non-root index leaf");
                    }
                    depth = 0;
                    eof = true;
                    return IoStatus.READY;
                }
                eof = false;
                return IoStatus.READY;
            }
            pages[level + 1] = child(pager, no, 0, n, level);
            level++;
        }
    }

    private IoStatus rightmost(Pager pager, int level) {
        while (true) {
            int no = pages[level];
            IoStatus s = pager.fetch(no);
            if (!s.isReady()) {
                return s;
            }
            PageType t = indexPage(pager, no);
            int n = count(pager, no);
            if (t.leaf) {
                idx[level] = n - 1;
                depth = level + 1;
                if (n == 0) {
                    if (level > 0) {
                        throw DatabaseException.corrupt(no, "empty non-root index leaf");
                    }
                    depth = 0;
                    eof = true;
                    return IoStatus.READY;
                }
                eof = false;
                return IoStatus.READY;
            }
            idx[level] = n;
            pages[level + 1] = child(pager, no, n, n, level);
            level++;
        }
    }

    /** The next entry in key order (or eof). */
    IoStatus advance(Pager pager) {
        int l = depth - 1;
        int no = pages[l];
        IoStatus s = pager.fetch(no);
        if (!s.isReady()) {
            return s;
        }
        PageType t = indexPage(pager, no);
        int n = count(pager, no);
        if (t.leaf) {
            idx[l]++;
            if (idx[l] < n) {
                return IoStatus.READY;
            }
            return ascendForward(pager, l);
        }
        idx[l]++;
        pages[l + 1] = child(pager, no, idx[l], n, l);
        return leftmost(pager, l + 1);
    }

    /** The previous entry in key order (or eof). */
    IoStatus retreat(Pager pager) {
        int l = depth - 1;
        int no = pages[l];
        IoStatus s = pager.fetch(no);
        if (!s.isReady()) {
            return s;
        }
        PageType t = indexPage(pager, no);
        int n = count(pager, no);
        if (t.leaf) {
            idx[l]--;
            if (idx[l] >= 0) {
                return IoStatus.READY;
            }
            return ascendBackward(pager, l);
        }
        pages[l + 1] = child(pager, no, idx[l], n, l);
        return rightmost(pager, l + 1);
    }

    /** Loads the key of the current entry into {@link #key()} (re-run after Pending). */
    IoStatus loadKey(Pager pager) {
        int no = page();
        IoStatus s = pager.fetch(no);
        if (!s.isReady()) {
            return s;
        }
        return cells.load(pager, no, indexPage(pager, no), index());
    }

    MemorySegment key() {
        return cells.key;
    }
}
