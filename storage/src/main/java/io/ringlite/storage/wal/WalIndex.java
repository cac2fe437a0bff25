package io.ringlite.storage.wal;

import java.util.Arrays;

/**
 * The in-memory WAL index: for every page, the frames of the log that hold a version of it.
 * Ringlite keeps it private to the process (no {@code -shm} file; see docs/DESIGN.md, locking).
 *
 * <p>Design: like SQLite's wal-index hash tables, frames of the same page are chained newest
 * first. {@code latest} maps a page number to its newest frame (open addressing, no boxing);
 * {@code previous[f]} is the previous frame of the page of frame {@code f}, or 0. A reader with
 * snapshot {@code S} follows the chain until it finds a frame {@code <= S}. Lookups and appends
 * allocate nothing (apart from amortised growth).
 *
 * <p>Invariants:
 * <ol>
 *   <li>Frames are appended in increasing order, 1, 2, 3 ...; {@code size()} is the last one.</li>
 *   <li>{@code previous[f] < f}, and {@code pageOf[previous[f]] == pageOf[f]}.</li>
 *   <li>Only frames up to the last published commit are ever appended (the pager appends after
 *       the commit's sync, recovery only up to the last valid commit frame).</li>
 * </ol>
 */
public final class WalIndex {
    private int[] keys = new int[64];
    private int[] values = new int[64];
    private int used;
    private int[] pageOf = new int[64];
    private int[] previous = new int[64];
    private int frames;

    /** Number of frames indexed (the max frame). */
    public int size() {
        return frames;
    }

    /** Page number stored in {@code frame}. */
    public int pageOf(int frame) {
        assert frame >= 1 && frame <= frames;
        return pageOf[frame];
    }

    /** The newest frame {@code <= maxFrame} holding {@code page}, or 0 if none. */
    public int lookup(int page, int maxFrame) {
        int f = latest(page);
        while (f > maxFrame) {
            f = previous[f];
        }
        return f;
    }

    /** Indexes the next frame, which holds {@code page}. Returns its frame number. */
    public int append(int page) {
        if (page <= 0) {
            throw new IllegalStateException("invariant: WAL frame for page " + page);
        }
        int frame = ++frames;
        if (frame >= pageOf.length) {
            pageOf = Arrays.copyOf(pageOf, pageOf.length * 2);
            previous = Arrays.copyOf(previous, previous.length * 2);
        }
        pageOf[frame] = page;
        previous[frame] = latest(page);
        put(page, frame);
        return frame;
    }

    /** Forgets every frame (after a WAL restart). */
    public void clear() {
        Arrays.fill(keys, 0);
        used = 0;
        frames = 0;
    }

    /** Drops frames after {@code maxFrame} (a commit that failed after indexing is never published, so this is only for recovery re-reads). */
    public void truncate(int maxFrame) {
        if (maxFrame >= frames) {
            return;
        }
        int[] pages = Arrays.copyOfRange(pageOf, 1, maxFrame + 1);
        clear();
        for (int p : pages) {
            append(p);
        }
    }

    private int latest(int page) {
        int mask = keys.length - 1;
        for (int i = mix(page) & mask; ; i = (i + 1) & mask) {
            int k = keys[i];
            if (k == page) {
                return values[i];
            }
            if (k == 0) {
                return 0;
            }
        }
    }

    private void put(int page, int frame) {
        if ((used + 1) * 2 > keys.length) {
            grow();
        }
        int mask = keys.length - 1;
        for (int i = mix(page) & mask; ; i = (i + 1) & mask) {
            if (keys[i] == page) {
                values[i] = frame;
                return;
            }
            if (keys[i] == 0) {
                keys[i] = page;
                values[i] = frame;
                used++;
                return;
            }
        }
    }

    private void grow() {
        int[] oldKeys = keys;
        int[] oldValues = values;
        keys = new int[oldKeys.length * 2];
        values = new int[oldKeys.length * 2];
        used = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != 0) {
                put(oldKeys[i], oldValues[i]);
            }
        }
    }

    private static int mix(int x) {
        return x * 0x9E3779B9 >>> 7 ^ x;
    }
}
