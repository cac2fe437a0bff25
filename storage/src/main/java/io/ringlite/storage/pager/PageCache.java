package io.ringlite.storage.pager;

/**
 * The page cache: cached {@link Page}s by number, with pin counts and LRU eviction of clean,
 * unpinned pages.
 *
 * <p>Design: an open-addressing table from page number to {@link Page} (no boxing) plus an
 * intrusive doubly-linked LRU list threaded through the pages themselves ({@code lruPrev},
 * {@code lruNext}), most recently used at the head. {@link #get(int)} and {@link #touch(Page)}
 * allocate nothing, which is what makes a cache hit allocation-free.
 *
 * <p>Invariants:
 * <ol>
 *   <li>A page is in the table iff it is in the LRU list iff {@code page.cached}.</li>
 *   <li>{@link #evictOverCapacity()} never removes a dirty page or a pinned page: dirty pages
 *       are the only copy of uncommitted changes (the pager never spills), and a pinned page's
 *       segment is in use by a B-tree operation or an in-flight write.</li>
 *   <li>Evicted pages' segments are never reused, so a caller still holding an evicted
 *       {@code Page} reads stale but valid memory, never another page's bytes.</li>
 *   <li>{@link #evictOverCapacity()} never removes a page used (put or touched) within the last
 *       {@code capacity} uses. Callers fetch without pinning and re-run an instruction from its
 *       start after every miss (fetch-then-mutate), so the page whose read just completed, and
 *       the pages the same instruction fetched before it, must survive until the instruction
 *       runs again. Without this, a transaction with more dirty pages than the capacity made
 *       every newly loaded page the only evictable one, and the requester missed forever.</li>
 * </ol>
 *
 * <p>Consequence for the size: the cache holds at most {@code capacity} clean unpinned pages
 * plus the dirty and pinned ones. In the ordinary case (few dirty pages) this is plain LRU: more
 * than {@code capacity} distinct pages cannot all have been used within the last
 * {@code capacity} uses, so the LRU tail is always evictable.
 */
final class PageCache {
    private static final Page TOMBSTONE = new Page(0, java.lang.foreign.MemorySegment.NULL);

    private final int capacity;
    private Page[] table = new Page[256];
    private int size;
    private int slotsUsed;
    private Page head;
    private Page tail;
    /** Counts uses (put, touch); a page's {@code lastUse} is the clock value of its latest use. */
    private long clock;

    PageCache(int capacity) {
        this.capacity = Math.max(capacity, 16);
    }

    int size() {
        return size;
    }

    Page get(int number) {
        Page[] t = table;
        int mask = t.length - 1;
        for (int i = mix(number) & mask; ; i = (i + 1) & mask) {
            Page p = t[i];
            if (p == null) {
                return null;
            }
            if (p.number() == number && p != TOMBSTONE) {
                return p;
            }
        }
    }

    /** Marks {@code p} most recently used. */
    void touch(Page p) {
        assert p.cached;
        p.lastUse = ++clock;
        if (head == p) {
            return;
        }
        unlink(p);
        linkHead(p);
    }

    /** Adds a page that is not cached yet. */
    void put(Page p) {
        if (p.cached || get(p.number()) != null) {
            throw new IllegalStateException("invariant: page " + p.number() + " cached twice");
        }
        if ((slotsUsed + 1) * 2 > table.length) {
            rehash(size * 4 > table.length ? table.length * 2 : table.length);
        }
        int mask = table.length - 1;
        int i = mix(p.number()) & mask;
        while (table[i] != null && table[i] != TOMBSTONE) {
            i = (i + 1) & mask;
        }
        if (table[i] == null) {
            slotsUsed++;
        }
        table[i] = p;
        size++;
        p.cached = true;
        p.lastUse = ++clock;
        linkHead(p);
    }

    /** Removes {@code number} from the cache, whatever its state (the pager decides when that is safe). */
    Page remove(int number) {
        int mask = table.length - 1;
        for (int i = mix(number) & mask; ; i = (i + 1) & mask) {
            Page p = table[i];
            if (p == null) {
                return null;
            }
            if (p != TOMBSTONE && p.number() == number) {
                table[i] = TOMBSTONE;
                size--;
                unlink(p);
                p.cached = false;
                return p;
            }
        }
    }

    /**
     * Evicts clean, unpinned pages not used recently (invariant 5) from the LRU end until the
     * cache is within capacity, or nothing more may go.
     */
    void evictOverCapacity() {
        Page p = tail;
        long recent = clock - capacity;
        // Each page is looked at once at most: a page that cannot go (dirty, pinned, recently
        // used) moves to the head without counting as a use, so a large write transaction does
        // not make every miss rescan its pages.
        for (int steps = size; size > capacity && p != null && steps > 0; steps--) {
            Page prev = p.lruPrev;
            if (p.pins == 0 && !p.dirty && p.lastUse <= recent) {
                remove(p.number());
            } else if (head != p) {
                unlink(p);
                linkHead(p);
            }
            p = prev;
        }
    }

    /** Drops every clean, unpinned page (after an I/O error, before re-reading the file). */
    void dropClean() {
        Page p = tail;
        while (p != null) {
            Page prev = p.lruPrev;
            if (p.pins == 0 && !p.dirty) {
                remove(p.number());
            }
            p = prev;
        }
    }

    private void linkHead(Page p) {
        p.lruPrev = null;
        p.lruNext = head;
        if (head != null) {
            head.lruPrev = p;
        }
        head = p;
        if (tail == null) {
            tail = p;
        }
    }

    private void unlink(Page p) {
        if (p.lruPrev != null) {
            p.lruPrev.lruNext = p.lruNext;
        } else if (head == p) {
            head = p.lruNext;
        }
        if (p.lruNext != null) {
            p.lruNext.lruPrev = p.lruPrev;
        } else if (tail == p) {
            tail = p.lruPrev;
        }
        p.lruPrev = null;
        p.lruNext = null;
    }

    private void rehash(int newLength) {
        Page[] old = table;
        table = new Page[newLength];
        slotsUsed = 0;
        int mask = newLength - 1;
        for (Page p : old) {
            if (p != null && p != TOMBSTONE) {
                int i = mix(p.number()) & mask;
                while (table[i] != null) {
                    i = (i + 1) & mask;
                }
                table[i] = p;
                slotsUsed++;
            }
        }
    }

    private static int mix(int x) {
        int h = x * 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
