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
 * Frees every page of one B-tree (table or index) for DROP and DELETE-without-WHERE: its
 * interior and leaf pages and the overflow pages of its cells.
 *
 * <p>Fetch-then-mutate. Phase 1 walks the tree and the overflow chains and collects page
 * numbers; it is a re-run after Pending, but the pages it already visited are remembered (for
 * the same root) so each re-run continues where the last one stopped instead of re-reading from
 * the root, and a tree bigger than the page cache still finishes. Phase 2 frees them after
 * {@link Pager#prepareFree}. A page met twice (a corrupt, shared or cyclic tree) is corruption.
 *
 * <p>Invariant: {@code work} holds pages still to visit ({page, 0} for a B-tree page,
 * {page, k} for an overflow page with k pages left in its chain, so a corrupt chain cannot run
 * longer than its payload needs), {@code seen} every page collected so far; both describe the
 * tree as of {@code wantRoot}'s walk in store generation {@code wantGeneration}; any change to
 * the store (or a rollback, {@link #reset}) restarts the walk.
 */
final class TreeDropper {
    private final Pager pager;
    private int wantRoot = -1;
    private final List<long[]> work = new ArrayList<>();
    private int[] seen = new int[16];
    private int seenCount;
    private PageType rootType;

    private final java.util.function.LongSupplier generation;
    private long wantGeneration;

    TreeDropper(Pager pager, java.util.function.LongSupplier generation) {
        this.pager = pager;
        this.generation = generation;
    }

    IoStatus clear(int root, boolean dropRoot) {
        if (root != wantRoot || generation.getAsLong() != wantGeneration) {
            wantRoot = root;
            wantGeneration = generation.getAsLong();
            work.clear();
            work.add(new long[] {root, 0});
            seenCount = 0;
            rootType = null;
        }
        int usable = pager.usableSize();
        while (!work.isEmpty()) {
            long[] item = work.get(work.size() - 1);
            int no = (int) item[0];
            IoStatus s = pager.fetch(no);
            if (!s.isReady()) {
                return s;
            }
            work.remove(work.size() - 1);
            MemorySegment d = pager.get(no).data();
            if (item[1] > 0) {
                add(no);
                if (item[1] > 1) {
                    work.add(new long[] {child(BTreePage.u32(d, 0), no), item[1] - 1});
                }
                continue;
            }
            PageType t = BTreePage.check(d, no, usable);
            if (no == root) {
                rootType = t;
            } else {
                add(no);
            }
            int h = BTreePage.headerOffset(no);
            int n = BTreePage.cellCount(d, h);
            for (int i = 0; i < n; i++) {
                int off = BTreePage.cellOffset(d, h, t, i, usable, no);
                if (!t.leaf) {
                    work.add(new long[] {child(BTreePage.u32(d, off), no), 0});
                }
                if (t == PageType.TABLE_INTERIOR) {
                    continue;
                }
                int p = off + (t.leaf ? 0 : 4);
                long payload = Varints.read(d, p, usable, no);
                int local = PayloadRules.localSize(t, payload, usable);
                if (local < payload) {
                    int size = BTreePage.cellSize(d, off, t, usable, no);
                    long pages = PayloadRules.overflowPages(t, payload, usable);
                    if (pages > pager.pageCount()) {
                        throw DatabaseException.corrupt(no, "overflow chain longer than the file");
                    }
                    work.add(new long[] {child(BTreePage.u32(d, off + size - 4), no), pages});
                }
            }
            if (!t.leaf) {
                work.add(new long[] {child(BTreePage.rightChild(d, h), no), 0});
            }
        }
        IoStatus s = pager.prepareFree(seenCount + 1);
        if (!s.isReady()) {
            return s;
        }
        if (dropRoot) {
            s = pager.prepareFreeRoot(root);
            if (!s.isReady()) {
                return s;
            }
        }
        int[] sorted = Arrays.copyOf(seen, seenCount);
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            if ((i > 0 && sorted[i] == sorted[i - 1]) || sorted[i] == root) {
                wantRoot = -1;
                throw DatabaseException.corrupt(sorted[i], "page " + sorted[i] + " is used twice in the tree of root " + root);
            }
        }
        // ---- phase 2: no I/O ----
        wantRoot = -1;
        for (int i = 0; i < seenCount; i++) {
            pager.free(seen[i]);
        }
        if (dropRoot) {
            // An auto-vacuum database fills the slot with its largest root (Pager.freeRoot).
            pager.freeRoot(root);
        } else {
            Page r = pager.get(root);
            pager.markDirty(r);
            PageType leafType = rootType.table ? PageType.TABLE_LEAF : PageType.INDEX_LEAF;
            BTreePage.write(r.data(), root, leafType, List.of(), 0, usable);
        }
        return IoStatus.READY;
    }

    /** Forgets a half-done walk (the store changed, e.g. a rollback). */
    void reset() {
        wantRoot = -1;
    }

    private int child(int c, int owner) {
        if (c < 2 || c > pager.pageCount()) {
            throw DatabaseException.corrupt(owner, "child page " + Integer.toUnsignedString(c) + " out of range");
        }
        return c;
    }

    private void add(int no) {
        if (seenCount == seen.length) {
            seen = Arrays.copyOf(seen, seenCount * 2);
        }
        seen[seenCount++] = no;
        if (seenCount > pager.pageCount()) {
            wantRoot = -1;
            throw DatabaseException.corrupt(no, "tree has more pages than the file");
        }
    }
}
