package io.ringlite.storage.pager;

import java.lang.foreign.MemorySegment;

/**
 * One page of the database as the page cache holds it.
 *
 * <p>{@link #data()} is the whole page, {@code pageSize} bytes (page 1 includes the 100-byte
 * file header). The segment is owned by the cache: it stays valid while the page is pinned or
 * until the current VDBE instruction finishes, whichever is later. Writers call
 * {@link Pager#markDirty(Page)} before changing a byte.
 */
public final class Page {
    private final int number;
    private final MemorySegment data;
    /** Managed by the pager only. */
    int pins;
    /** Managed by the pager only. */
    boolean dirty;
    /** LRU links of the page cache (intrusive, so a cache hit allocates nothing). */
    Page lruPrev;
    Page lruNext;
    /** The page cache's use clock at this page's latest use (see PageCache invariant 5). */
    long lastUse;
    /** True while the page is the cache's entry for its number. */
    boolean cached;

    public Page(int number, MemorySegment data) {
        this.number = number;
        this.data = data;
    }

    public int number() {
        return number;
    }

    public MemorySegment data() {
        return data;
    }

    public boolean isDirty() {
        return dirty;
    }

    public int pinCount() {
        return pins;
    }
}
