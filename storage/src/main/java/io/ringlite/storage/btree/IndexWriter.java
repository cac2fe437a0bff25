package io.ringlite.storage.btree;

import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import io.ringlite.storage.io.IoStatus;
import io.ringlite.storage.pager.Pager;
import io.ringlite.storage.record.KeyInfo;
import io.ringlite.storage.record.RecordCompare;
import java.lang.foreign.MemorySegment;
import java.util.function.LongSupplier;

/**
 * Inserts into and deletes from index B-trees, fetch-then-mutate (see {@link TableWriter} for
 * the discipline): phase 1 fetches everything the change may touch and reserves allocations
 * and frees, and may return Pending having changed nothing (the caller re-runs it); phase 2
 * changes the cells on the path and hands the path to the {@link Balancer}.
 *
 * <p>Insert: a new entry always goes into a leaf, at its key order position; an entry equal on
 * every field is replaced where it is (leaf or interior cell). A page that cannot hold the
 * change is balanced with its siblings, fetched in phase 1 ({@link Balancer#fetchSiblings}).
 *
 * <p>Delete: an entry on a leaf is removed from it. An entry on an interior page is replaced
 * by its predecessor, the last entry of the right-most leaf below its left child, which leaves
 * that leaf instead (the interior cell keeps its child pointer). Either way one leaf lost a
 * cell, and the replaced interior cell may have grown; the balancer then balances, from that
 * leaf up, every page left overfull or more than two thirds empty. The deleted entry's
 * overflow chain is freed; a moved predecessor keeps its own.
 */
final class IndexWriter {
    private final Pager pager;
    private final LongSupplier generation;
    private final OverflowChain oldChain = new OverflowChain();
    private final IndexCells keys = new IndexCells();
    private final Balancer balancer;
    private final int[] sib = new int[Balancer.SIBLINGS];

    IndexWriter(Pager pager, LongSupplier generation) {
        this.pager = pager;
        this.generation = generation;
        this.balancer = new Balancer(pager);
    }

    IoStatus insert(int root, IndexPath path, MemorySegment record, KeyInfo keyInfo) {
        long p = record.byteSize();
        if (p > Integer.MAX_VALUE - 8) {
            throw new DatabaseException(ResultCode.TOOBIG, "string or blob too big");
        }
        if (p < 1) {
            throw new IllegalArgumentException("empty index key record");
        }
        IoStatus s = path.locate(pager, root, e -> RecordCompare.compare(e, record, keyInfo));
        if (!s.isReady()) {
            return s;
        }
        s = fetchPath(path);
        if (!s.isReady()) {
            return s;
        }
        int usable = pager.usableSize();
        int level = path.depth - 1;
        int no = path.page();
        int i = path.index();
        PageType type = IndexPath.indexPage(pager, no);
        if (path.found) {
            s = keys.load(pager, no, type, i);
            if (!s.isReady()) {
                return s;
            }
            if (keys.key.byteSize() == p && keys.key.mismatch(record) < 0) {
                return IoStatus.READY;
            }
            s = collectChain(no, type, i);
            if (!s.isReady()) {
                return s;
            }
        } else {
            oldChain.reset();
        }
        int oldPages = oldChain.size();
        int oldSize = 0;
        if (path.found) {
            MemorySegment d = pager.get(no).data();
            int off = BTreePage.cellOffset(d, BTreePage.headerOffset(no), type, i, usable, no);
            oldSize = BTreePage.cellSize(d, off, type, usable, no) + 2;
        }
        int local = PayloadRules.localSize(PageType.INDEX_LEAF, p, usable);
        long newPages = PayloadRules.overflowPages(PageType.INDEX_LEAF, p, usable);
        int body = Varints.sizeOf(p) + local + (local < p ? 4 : 0);
        int newSize = (type.leaf ? Math.max(BTreePage.MIN_CELL, body) : body + 4) + 2;
        boolean may = Balancer.mayBalance(pager, no, newSize - oldSize);
        if (may) {
            s = Balancer.fetchSiblings(pager, path.pages, path.idx, level, newSize - oldSize, false, sib);
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
        if (oldPages > 0 || may) {
            s = pager.prepareFree(oldPages + 2 * path.depth + 1);
            if (!s.isReady()) {
                return s;
            }
        }

        // ---- phase 2: no I/O from here on ----
        balancer.begin(false, path.depth, path.pages, path.idx);
        if (oldPages > 0) {
            oldChain.freeAll(pager, no);
        }
        int firstOverflow = local < p ? OverflowChain.write(pager, record, local) : 0;
        byte[] cell = IndexCells.leafCell(record, local, firstOverflow);
        if (path.found) {
            if (!type.leaf) {
                cell = IndexCells.toInterior(cell, TableCells.childOf(balancer.cell(level, i)));
            }
            balancer.remove(level, i);
        } else if (!type.leaf) {
            throw new IllegalStateException("invariant: index insert position on an interior page");
        }
        balancer.insert(level, i, cell);
        balancer.run(level, path.found && cell.length + 2 < oldSize);
        return IoStatus.READY;
    }

    /** Deletes the entry {@code path} is on (a valid position of the current generation). */
    IoStatus delete(int root, IndexPath path) {
        IoStatus s = fetchPath(path);
        if (!s.isReady()) {
            return s;
        }
        int usable = pager.usableSize();
        int delLevel = path.depth - 1;
        int delNo = path.page();
        int delIdx = path.index();
        PageType delType = IndexPath.indexPage(pager, delNo);
        if (delIdx >= IndexPath.count(pager, delNo)) {
            throw new IllegalStateException("invariant: delete() position past the page's cells");
        }
        s = collectChain(delNo, delType, delIdx);
        if (!s.isReady()) {
            return s;
        }
        // extend the path to the predecessor's leaf: child delIdx, then right-most down
        int level = delLevel;
        if (!delType.leaf) {
            int no = delNo;
            while (true) {
                if (level + 1 >= TreePath.MAX_DEPTH) {
                    throw DatabaseException.corrupt(no, "b-tree deeper than " + TreePath.MAX_DEPTH + " levels");
                }
                int n = IndexPath.count(pager, no);
                int c = TableCells.child(pager.get(no).data(), no, path.idx[level], n, usable, pager.pageCount());
                s = pager.fetch(c);
                if (!s.isReady()) {
                    return s;
                }
                level++;
                path.pages[level] = c;
                PageType t = IndexPath.indexPage(pager, c);
                int cn = IndexPath.count(pager, c);
                if (t.leaf) {
                    if (cn == 0) {
                        throw DatabaseException.corrupt(c, "empty non-root index leaf");
                    }
                    path.idx[level] = cn - 1;
                    break;
                }
                path.idx[level] = cn;
                no = c;
            }
            path.depth = level + 1;
        }
        int leafLevel = path.depth - 1;
        MemorySegment ld = pager.get(path.pages[leafLevel]).data();
        int leafNo = path.pages[leafLevel];
        int leafOff = BTreePage.cellOffset(ld, BTreePage.headerOffset(leafNo), PageType.INDEX_LEAF, path.idx[leafLevel], usable, leafNo);
        int removed = BTreePage.cellSize(ld, leafOff, PageType.INDEX_LEAF, usable, leafNo) + 2;
        s = Balancer.fetchSiblings(pager, path.pages, path.idx, leafLevel, -removed, delLevel != leafLevel, sib);
        if (!s.isReady()) {
            return s;
        }
        s = pager.prepareFree(oldChain.size() + 2 * path.depth + 2);
        if (!s.isReady()) {
            return s;
        }
        s = pager.prepareAllocate(3 * (path.depth + 1));
        if (!s.isReady()) {
            return s;
        }

        // ---- phase 2: no I/O from here on ----
        balancer.begin(false, path.depth, path.pages, path.idx);
        if (oldChain.size() > 0) {
            oldChain.freeAll(pager, delNo);
        }
        if (delLevel == leafLevel) {
            balancer.remove(leafLevel, delIdx);
        } else {
            int last = balancer.count(leafLevel) - 1;
            byte[] pred = balancer.cell(leafLevel, last);
            balancer.remove(leafLevel, last);
            int child = TableCells.childOf(balancer.cell(delLevel, delIdx));
            balancer.remove(delLevel, delIdx);
            balancer.insert(delLevel, delIdx, IndexCells.toInterior(pred, child));
        }
        balancer.run(leafLevel, true);
        return IoStatus.READY;
    }

    private IoStatus fetchPath(IndexPath path) {
        for (int k = 0; k < path.depth; k++) {
            IoStatus s = pager.fetch(path.pages[k]);
            if (!s.isReady()) {
                return s;
            }
        }
        return IoStatus.READY;
    }

    /** Fetches the overflow chain of cell {@code i} (if any) into {@link #oldChain}. */
    private IoStatus collectChain(int no, PageType type, int i) {
        int usable = pager.usableSize();
        var d = pager.get(no).data();
        int off = BTreePage.cellOffset(d, BTreePage.headerOffset(no), type, i, usable, no);
        long p = Varints.read(d, off + (type.leaf ? 0 : 4), usable, no);
        int local = PayloadRules.localSize(type, p, usable);
        if (local == p) {
            oldChain.reset();
            return IoStatus.READY;
        }
        int size = BTreePage.cellSize(d, off, type, usable, no);
        int first = BTreePage.u32(d, off + size - 4);
        long pages = PayloadRules.overflowPages(type, p, usable);
        if (pages > pager.pageCount()) {
            throw DatabaseException.corrupt(no, "payload of " + p + " bytes needs more pages than the file has");
        }
        return oldChain.collect(pager, first, pages, no, generation.getAsLong());
    }
}
