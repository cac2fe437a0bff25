package io.ringlite.storage.btree;

import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.io.IoStatus;
import io.ringlite.storage.pager.Page;
import io.ringlite.storage.pager.Pager;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The overflow pages of one payload: the part a cell could not keep locally.
 *
 * <pre>
 * OFFSET | SIZE  | DESCRIPTION (overflow page)
 * -------+-------+------------------------------------------------------------------------
 *   0    |   4   | next overflow page, 0 on the last page
 *   4    | U - 4 | the next U-4 payload bytes (fewer on the last page)
 * </pre>
 *
 * <p>The length of a chain follows from the payload size, so {@link #collect} walks exactly
 * that many pages and never follows a corrupt (e.g. cyclic) chain further.
 *
 * <p>{@link #collect} is a small state machine rather than a re-run from the start: after a
 * Pending it resumes at the page it was waiting for, as long as it is asked for the same chain
 * in the same tree generation. A re-run from the start would be quadratic in the chain length
 * and, worse, would never finish for a chain longer than the page cache (the cache evicts the
 * chain's start while its end is read). Nothing outside this object changes before READY.
 */
final class OverflowChain {
    private int[] pages = new int[8];
    private int size;
    private int next;
    private int wantFirst;
    private long wantCount;
    private long wantGeneration = -1;

    int size() {
        return size;
    }

    /**
     * Finds the page numbers of the {@code count}-page chain starting at {@code first}; READY
     * when all are known. The chain's pages need not stay cached afterwards (freeing a page does
     * not read it).
     */
    IoStatus collect(Pager pager, int first, long count, int ownerPage, long generation) {
        if (first != wantFirst || count != wantCount || generation != wantGeneration) {
            size = 0;
            next = first;
            wantFirst = first;
            wantCount = count;
            wantGeneration = generation;
        }
        while (size < count) {
            int no = next;
            if (no < 2 || no > pager.pageCount()) {
                throw DatabaseException.corrupt(ownerPage, "overflow page " + Integer.toUnsignedString(no) + " out of range");
            }
            IoStatus s = pager.fetch(no);
            if (!s.isReady()) {
                return s;
            }
            if (size == pages.length) {
                pages = Arrays.copyOf(pages, size * 2);
            }
            pages[size++] = no;
            next = BTreePage.u32(pager.get(no).data(), 0);
        }
        return IoStatus.READY;
    }

    /** Forgets the collected chain. */
    void reset() {
        size = 0;
        wantGeneration = -1;
    }

    /** Returns every collected page to the freelist (after prepareFree). Rejects a chain that repeats a page. */
    void freeAll(Pager pager, int ownerPage) {
        int[] sorted = Arrays.copyOf(pages, size);
        Arrays.sort(sorted);
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i] == sorted[i - 1]) {
                throw DatabaseException.corrupt(ownerPage, "overflow chain visits page " + sorted[i] + " twice");
            }
        }
        for (int i = 0; i < size; i++) {
            pager.free(pages[i]);
        }
        reset();
    }

    /**
     * Writes {@code record[from..]} into newly allocated overflow pages (allocation was
     * prepared) and returns the first page's number.
     */
    static int write(Pager pager, MemorySegment record, long from) {
        int per = pager.usableSize() - 4;
        long remaining = record.byteSize() - from;
        assert remaining > 0 : "invariant: nothing to spill";
        Page first = pager.allocate();
        Page cur = first;
        long off = from;
        while (true) {
            int n = (int) Math.min(per, remaining);
            MemorySegment.copy(record, off, cur.data(), 4, n);
            off += n;
            remaining -= n;
            if (remaining == 0) {
                cur.data().set(BTreePage.U32, 0, 0);
                return first.number();
            }
            Page next = pager.allocate();
            cur.data().set(BTreePage.U32, 0, next.number());
            cur = next;
        }
    }
}
