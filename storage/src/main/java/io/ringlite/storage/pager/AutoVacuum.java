package io.ringlite.storage.pager;

import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.header.DatabaseHeader;
import io.ringlite.storage.io.IoStatus;
import io.ringlite.storage.lock.FileLocks;
import io.ringlite.storage.record.LocalPayload;
import io.ringlite.storage.record.SerialType;
import io.ringlite.storage.record.Varint;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Auto-vacuum and incremental-vacuum databases ("Database File Format" 1.7 and the
 * {@code auto_vacuum} / {@code incremental_vacuum} pragmas): keeps the pointer map
 * ({@link PtrMap}) true, places new root pages where SQLite expects them, and moves pages from
 * the end of the file into free pages so that the file shrinks.
 *
 * <p>Definitions. The database is <em>auto-vacuum</em> when header offset 52 (largest root page)
 * is non-zero, <em>incremental</em> when offset 64 is non-zero too; otherwise FULL. A page is
 * <em>special</em> if it is a ptrmap page or the lock-byte page. <em>Allocated</em> pages are
 * those this write transaction took from the freelist or appended ({@link #noteAllocated}).
 *
 * <p>How the pointer map is kept (a departure from SQLite, which updates an entry at every
 * pointer change inside btree.c): the B-tree layer knows nothing of it. Entries are derived from
 * the final content of the transaction's dirty pages by {@link #syncPtrmap()}, which runs before
 * every commit and before any operation here that reads entries (root placement, vacuum):
 * <ul>
 *   <li>the freelist trunks the transaction changed (always a prefix of the trunk chain, since
 *       only the first trunk is ever changed) and their leaves are FREEPAGE;</li>
 *   <li>every dirty in-use page whose type is known is read: a b-tree page makes its children
 *       BTREE and the first overflow page of each spilling cell OVERFLOW1, with itself as
 *       parent; an overflow page makes its successor OVERFLOW2. A page's type is known from its
 *       own entry unless the transaction allocated it (its entry may describe an earlier life);
 *       an allocated page gets its type from the dirty page that refers to it, which must
 *       exist, because a new reference dirties the referring page.</li>
 * </ul>
 * Entries that must hold before commit-time derivation could see them are written at once:
 * ROOTPAGE for a new root, FREEPAGE for a dropped root, and every entry changed by a page move.
 *
 * <p>Invariants:
 * <ol>
 *   <li>After {@link #syncPtrmap()} (and at every commit) each page 2..pageCount that is not
 *       special has the entry SQLite's integrity_check expects.</li>
 *   <li>Root pages are exactly the non-special pages 2..largestRoot (header 52): a new root goes
 *       to largestRoot+1 (moving what was there), a dropped root's slot is filled by the largest
 *       root, whose sqlite_schema row is patched to the new number (SQLite's OP_Destroy).</li>
 *   <li>A root page is never moved by vacuum; a move updates the moved page's referrer and the
 *       entries of the pages it refers to.</li>
 *   <li>In FULL mode the freelist is empty after every commit ({@link #beforeCommit()}).</li>
 * </ol>
 *
 * <p>I/O: every public step is fetch-then-mutate and may be re-run after Pending; the only
 * change a Pending return may leave behind is {@link #syncPtrmap()}'s, which rewrites derived
 * entries to their true values and is therefore idempotent. The pages a step fetched stay pinned
 * until it completes ({@link #hold}), so a step that needs more pages than the cache keeps still
 * finds them all cached on its last run; vacuum moves at most {@link #BATCH} pages per step.
 */
final class AutoVacuum {
    /** Pages moved per vacuum step: bounds the pages one step needs in the cache at once. */
    static final int BATCH = 64;

    private static final ValueLayout.OfInt BE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfShort BE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final long TYPE_SHIFT = 32;

    private final WalPager pager;
    private PtrMap map;
    private int mapUsable;
    private final Set<Integer> allocated = new HashSet<>();
    /**
     * Pages fetched by the current step, pinned until it is done: a step that needs more pages
     * than the cache keeps would otherwise lose the first ones while the last are read, and
     * never find them all cached at once.
     */
    private final Map<Integer, Page> held = new HashMap<>();
    /** Largest page count this transaction had before a vacuum truncated it (cached pages beyond the end). */
    private int highWater;

    AutoVacuum(WalPager pager) {
        this.pager = pager;
    }

    /** The geometry for the current page size (which may change while the database is empty). */
    private PtrMap map() {
        if (map == null || mapUsable != pager.usableSize()) {
            mapUsable = pager.usableSize();
            map = new PtrMap(mapUsable, FileLocks.lockBytePage(pager.pageSize()));
        }
        return map;
    }

    boolean enabled() {
        return pager.headerInt(DatabaseHeader.OFF_LARGEST_ROOT) != 0;
    }

    /** 0 NONE, 1 FULL, 2 INCREMENTAL, as {@code PRAGMA auto_vacuum} reports it. */
    int mode() {
        if (!enabled()) {
            return 0;
        }
        return pager.headerInt(DatabaseHeader.OFF_INCREMENTAL_VACUUM) != 0 ? 2 : 1;
    }

    boolean isMapPage(int p) {
        return map().isMapPage(p);
    }

    void beginTransaction() {
        release();
        allocated.clear();
        highWater = 0;
    }

    void noteAllocated(int n) {
        if (enabled()) {
            allocated.add(n);
        }
    }

    /** Highest page number that may still be cached beyond the end after a truncation, 0 if none. */
    int highWater() {
        return highWater;
    }

    // ---- mode ----

    /**
     * {@code PRAGMA auto_vacuum = mode} (0 NONE, 1 FULL, 2 INCREMENTAL) as SQLite applies it:
     * between FULL and INCREMENTAL at any time (header 64); to or from NONE only while the
     * database is new (nothing committed yet), otherwise silently not at all.
     */
    void setMode(int mode) {
        int current = mode();
        if ((mode != 0) != (current != 0)) {
            if (!pager.isNew() || pager.pageCount() > 1) {
                return;
            }
            pager.setHeaderInt(DatabaseHeader.OFF_LARGEST_ROOT, mode == 0 ? 0 : 1);
        }
        if (mode != 0 || current != 0) {
            pager.setHeaderInt(DatabaseHeader.OFF_INCREMENTAL_VACUUM, mode == 2 ? 1 : 0);
        }
    }

    // ---- commit ----

    /** Brings the pointer map up to date and, in FULL mode, empties the freelist by shrinking the file. */
    IoStatus beforeCommit() {
        if (!enabled()) {
            return IoStatus.READY;
        }
        IoStatus s = syncPtrmap();
        if (!s.isReady()) {
            return s;
        }
        if (mode() == 1) {
            while (freeCount() > 0) {
                s = vacuumStep(BATCH);
                if (!s.isReady()) {
                    return s;
                }
            }
        }
        return IoStatus.READY;
    }

    /**
     * {@code PRAGMA incremental_vacuum}: frees up to {@code remaining[0]} pages from the end of
     * the file ({@code <= 0}: all free pages), decrementing {@code remaining[0]} as each step is
     * done, so a re-run after Pending continues instead of starting over.
     */
    IoStatus incrementalVacuum(int[] remaining) {
        if (!enabled()) {
            return IoStatus.READY;
        }
        if (remaining[0] <= 0) {
            remaining[0] = Integer.MAX_VALUE;
        }
        IoStatus s = syncPtrmap();
        if (!s.isReady()) {
            return s;
        }
        while (remaining[0] > 0 && freeCount() > 0) {
            int k = (int) Math.min(BATCH, Math.min(remaining[0], freeCount()));
            s = vacuumStep(k);
            if (!s.isReady()) {
                return s;
            }
            remaining[0] -= k;
        }
        remaining[0] = 0;
        return IoStatus.READY;
    }

    private long freeCount() {
        return Integer.toUnsignedLong(pager.headerInt(DatabaseHeader.OFF_FREELIST_COUNT));
    }

    // ---- pointer-map derivation ----

    /** Writes the entries derived from the transaction's dirty pages (see the class comment). */
    IoStatus syncPtrmap() {
        int n = pager.pageCount();
        List<Page> dirtyList = new ArrayList<>(pager.dirtyPages());
        Set<Integer> dirty = new HashSet<>();
        Fetches f = new Fetches();
        for (Page p : dirtyList) {
            int no = p.number();
            if (no >= 2 && no <= n && !map().isSpecial(no)) {
                dirty.add(no);
                f.need(map().mapPageOf(no));
            }
        }
        if (!f.ready()) {
            return f.status;
        }
        Set<Integer> free = dirtyFreePages(n);
        Map<Integer, Long> entries = new HashMap<>();
        ArrayDeque<long[]> queue = new ArrayDeque<>();
        Set<Integer> done = new HashSet<>();
        queue.add(new long[] {1, PtrMap.BTREE});
        for (int no : dirty) {
            if (free.contains(no)) {
                continue;
            }
            byte type = entryType(no);
            boolean fresh = allocated.contains(no);
            if (fresh && type != PtrMap.ROOTPAGE) {
                continue; // typed by the dirty page that refers to it
            }
            if (type == PtrMap.FREEPAGE || type < PtrMap.ROOTPAGE || type > PtrMap.BTREE) {
                throw DatabaseException.corrupt(no, "page " + no + " is in use but its pointer map entry has type "
                        + type);
            }
            queue.add(new long[] {no, type});
        }
        while (!queue.isEmpty()) {
            long[] item = queue.poll();
            int no = (int) item[0];
            if (!done.add(no)) {
                continue;
            }
            MemorySegment d = pager.get(no).data();
            if (item[1] == PtrMap.ROOTPAGE || item[1] == PtrMap.BTREE) {
                PtrMapRefs.forEach(d, no, pager.usableSize(), new PtrMapRefs.Visitor() {
                    @Override
                    public void child(int page, int pointerOffset) {
                        derive(entries, queue, dirty, free, page, PtrMap.BTREE, no, n);
                    }

                    @Override
                    public void overflow(int page, int pointerOffset) {
                        derive(entries, queue, dirty, free, page, PtrMap.OVERFLOW1, no, n);
                    }
                });
            } else {
                int next = d.get(BE_INT, 0);
                if (next != 0) {
                    derive(entries, queue, dirty, free, next, PtrMap.OVERFLOW2, no, n);
                }
            }
        }
        for (int no : dirty) {
            if (!free.contains(no) && !done.contains(no)) {
                // the freelist handed out a page that a clean page still refers to: a damaged file
                throw DatabaseException.corrupt(no, "page " + no
                        + " was taken from the freelist but is still in use, or is used by no page");
            }
        }
        for (int no : free) {
            entries.putIfAbsent(no, entry(PtrMap.FREEPAGE, 0));
        }
        for (int no : entries.keySet()) {
            f.need(map().mapPageOf(no));
        }
        if (!f.ready()) {
            return f.status;
        }
        for (Map.Entry<Integer, Long> e : entries.entrySet()) {
            long v = e.getValue();
            setEntry(e.getKey(), (byte) (v >>> TYPE_SHIFT), (int) v);
        }
        release();
        return IoStatus.READY;
    }

    private void derive(Map<Integer, Long> entries, ArrayDeque<long[]> queue, Set<Integer> dirty, Set<Integer> free,
                        int page, byte type, int parent, int n) {
        if (page < 2 || page > n || map().isSpecial(page)) {
            throw DatabaseException.corrupt(parent, "page " + parent + " refers to page "
                    + Integer.toUnsignedString(page) + ", which is out of range or a pointer map page");
        }
        if (free.contains(page)) {
            throw DatabaseException.corrupt(parent, "page " + parent + " refers to page " + page + ", which is free");
        }
        entries.put(page, entry(type, parent));
        if (dirty.contains(page) && allocated.contains(page)) {
            queue.add(new long[] {page, type});
        }
    }

    private static long entry(byte type, int parent) {
        return ((long) type << TYPE_SHIFT) | Integer.toUnsignedLong(parent);
    }

    /** The freelist trunks this transaction changed (a prefix of the chain) and their leaves. */
    private Set<Integer> dirtyFreePages(int n) {
        Set<Integer> out = new HashSet<>();
        long count = freeCount();
        int trunk = count == 0 ? 0 : pager.headerInt(DatabaseHeader.OFF_FREELIST_TRUNK);
        while (trunk != 0) {
            Page t = pager.cached(trunk);
            if (t == null || !t.isDirty()) {
                break;
            }
            if (!out.add(trunk) || out.size() > count) {
                throw DatabaseException.corrupt(trunk, "freelist trunk chain loops");
            }
            int leaves = t.data().get(BE_INT, 4);
            if (leaves < 0 || leaves > pager.usableSize() / 4 - 2) {
                throw DatabaseException.corrupt(trunk, "freelist trunk leaf count " + leaves);
            }
            for (int i = 0; i < leaves; i++) {
                int leaf = t.data().get(BE_INT, 8 + 4L * i);
                if (leaf >= 2 && leaf <= n) {
                    out.add(leaf);
                }
            }
            trunk = t.data().get(BE_INT, 0);
        }
        return out;
    }

    // ---- entries (the ptrmap page must be cached) ----

    private byte entryType(int p) {
        int m = map().mapPageOf(p);
        return map().type(pager.get(m).data(), m, p);
    }

    private int entryParent(int p) {
        int m = map().mapPageOf(p);
        return map().parent(pager.get(m).data(), m, p);
    }

    private void setEntry(int p, byte type, int parent) {
        int m = map().mapPageOf(p);
        Page mp = pager.get(m);
        if (!map().holds(mp.data(), m, p, type, parent)) {
            pager.markDirty(mp);
            map().put(mp.data(), m, p, type, parent);
        }
    }

    // ---- the freelist as a whole ----

    /** Reads every trunk and returns all free pages (trunks and leaves) in {@code out}. */
    private IoStatus loadFreeSet(TreeSet<Integer> out) {
        out.clear();
        long count = freeCount();
        int n = pager.pageCount();
        if (count >= n && count > 0) {
            throw DatabaseException.corrupt(1, "freelist count " + count + " is not below the page count " + n);
        }
        int trunk = count == 0 ? 0 : pager.headerInt(DatabaseHeader.OFF_FREELIST_TRUNK);
        while (trunk != 0) {
            if (trunk < 2 || trunk > n) {
                throw DatabaseException.corrupt(1, "freelist trunk page " + Integer.toUnsignedString(trunk) + " out of range");
            }
            IoStatus s = hold(trunk);
            if (!s.isReady()) {
                return s;
            }
            MemorySegment t = pager.get(trunk).data();
            if (!out.add(trunk)) {
                throw DatabaseException.corrupt(trunk, "freelist trunk chain loops");
            }
            int leaves = t.get(BE_INT, 4);
            if (leaves < 0 || leaves > pager.usableSize() / 4 - 2) {
                throw DatabaseException.corrupt(trunk, "freelist trunk leaf count " + leaves);
            }
            for (int i = 0; i < leaves; i++) {
                int leaf = t.get(BE_INT, 8 + 4L * i);
                if (leaf < 2 || leaf > n || !out.add(leaf)) {
                    throw DatabaseException.corrupt(trunk, "freelist leaf page " + Integer.toUnsignedString(leaf)
                            + " out of range or listed twice");
                }
            }
            if (out.size() > count) {
                throw DatabaseException.corrupt(trunk, "freelist holds more pages than its count of " + count);
            }
            trunk = t.get(BE_INT, 0);
        }
        if (out.size() != count) {
            throw DatabaseException.corrupt(1, "freelist holds " + out.size() + " pages, header says " + count);
        }
        return IoStatus.READY;
    }

    /** Rewrites the freelist to hold exactly {@code pages}: new trunks, header 32 and 36. No I/O. */
    private void writeFreelist(TreeSet<Integer> pages) {
        List<Integer> list = new ArrayList<>(pages);
        int perTrunk = pager.usableSize() / 4 - 8; // as Freelist fills trunks (SQLite, for old readers)
        int first = 0;
        Page previous = null;
        int i = 0;
        while (i < list.size()) {
            int trunkNo = list.get(i++);
            Page t = fresh(trunkNo);
            int leaves = Math.min(perTrunk, list.size() - i);
            t.data().set(BE_INT, 4, leaves);
            for (int k = 0; k < leaves; k++) {
                t.data().set(BE_INT, 8 + 4L * k, list.get(i++));
            }
            if (previous == null) {
                first = trunkNo;
            } else {
                previous.data().set(BE_INT, 0, trunkNo);
            }
            previous = t;
        }
        pager.setHeaderInt(DatabaseHeader.OFF_FREELIST_TRUNK, first);
        pager.setHeaderInt(DatabaseHeader.OFF_FREELIST_COUNT, list.size());
    }

    /** Page {@code n} as a zero-filled dirty page, without reading it. */
    private Page fresh(int n) {
        Page p = pager.cached(n);
        if (p == null) {
            return pager.createFresh(n);
        }
        pager.markDirty(p);
        p.data().fill((byte) 0);
        return p;
    }

    // ---- vacuum ----

    /**
     * Shrinks the file by {@code k} free pages (k &lt;= free pages): every in-use page past the
     * new end moves into a free page below it, the pages past the end leave the freelist, and
     * the page count drops. The pointer map must be in sync ({@link #syncPtrmap()}).
     */
    private IoStatus vacuumStep(int k) {
        TreeSet<Integer> free = new TreeSet<>();
        IoStatus s = loadFreeSet(free);
        if (!s.isReady()) {
            return s;
        }
        int nOrig = pager.pageCount();
        k = Math.min(k, free.size());
        if (k == 0) {
            release();
            return IoStatus.READY;
        }
        int fin = nOrig;
        for (int removed = 0; removed < k; fin--) {
            if (!map().isSpecial(fin)) {
                removed++;
            }
        }
        while (fin > 1 && map().isSpecial(fin)) {
            fin--;
        }
        List<Integer> movers = new ArrayList<>();
        for (int p = nOrig; p > fin; p--) {
            if (!map().isSpecial(p) && !free.contains(p)) {
                movers.add(p);
            }
        }
        List<Integer> targets = new ArrayList<>();
        for (int p : free) {
            if (targets.size() == movers.size() || p > fin) {
                break;
            }
            targets.add(p);
        }
        if (targets.size() != movers.size()) {
            throw new IllegalStateException("invariant: " + movers.size() + " pages to move but "
                    + targets.size() + " free pages below " + fin);
        }
        Fetches f = new Fetches();
        for (int x : movers) {
            f.need(map().mapPageOf(x));
            f.need(x);
        }
        for (int y : targets) {
            f.need(map().mapPageOf(y));
        }
        if (!f.ready()) {
            return f.status;
        }
        for (int x : movers) {
            byte type = entryType(x);
            if (type == PtrMap.ROOTPAGE || type == PtrMap.FREEPAGE || type < PtrMap.ROOTPAGE || type > PtrMap.BTREE) {
                throw DatabaseException.corrupt(x, "page " + x + " past the end of the vacuumed file has pointer map type "
                        + type);
            }
            needMoveInputs(f, x, type);
        }
        if (!f.ready()) {
            return f.status;
        }
        // ---- no I/O from here ----
        for (int i = 0; i < movers.size(); i++) {
            relocate(movers.get(i), targets.get(i));
        }
        TreeSet<Integer> rest = new TreeSet<>(free.headSet(fin, true));
        targets.forEach(rest::remove);
        writeFreelist(rest);
        highWater = Math.max(highWater, nOrig);
        pager.truncateForVacuum(fin);
        pager.pagesMoved();
        release();
        return IoStatus.READY;
    }

    /** Fetches what {@link #relocate} of page {@code x} (cached, with entry {@code type}) reads. */
    private void needMoveInputs(Fetches f, int x, byte type) {
        if (type != PtrMap.ROOTPAGE) {
            int parent = entryParent(x);
            if (parent < 1 || parent > pager.pageCount() || parent == x || map().isSpecial(parent)) {
                throw DatabaseException.corrupt(x, "pointer map entry of page " + x + " names parent page "
                        + Integer.toUnsignedString(parent));
            }
            f.need(parent);
        }
        MemorySegment d = pager.get(x).data();
        if (type == PtrMap.BTREE || type == PtrMap.ROOTPAGE) {
            PtrMapRefs.forEach(d, x, pager.usableSize(), new PtrMapRefs.Visitor() {
                @Override
                public void child(int page, int pointerOffset) {
                    needMap(f, page, x);
                }

                @Override
                public void overflow(int page, int pointerOffset) {
                    needMap(f, page, x);
                }
            });
        } else {
            int next = d.get(BE_INT, 0);
            if (next != 0) {
                needMap(f, next, x);
            }
        }
    }

    private void needMap(Fetches f, int page, int owner) {
        if (page < 2 || page > pager.pageCount() || map().isSpecial(page)) {
            throw DatabaseException.corrupt(owner, "page " + owner + " refers to page " + Integer.toUnsignedString(page)
                    + ", which is out of range or a pointer map page");
        }
        f.need(map().mapPageOf(page));
    }

    /**
     * Moves page {@code x} (in use, not a root) to the free page {@code y}: copies it, points its
     * referrer at {@code y}, and re-parents the pages it refers to. No I/O: {@code x}, its
     * referrer and every ptrmap page involved are cached.
     */
    private void relocate(int x, int y) {
        byte type = entryType(x);
        int parent = entryParent(x);
        Page src = pager.get(x);
        Page dst = fresh(y);
        MemorySegment.copy(src.data(), 0, dst.data(), 0, dst.data().byteSize());
        reparentChildren(dst, type);
        Page pp = pager.get(parent);
        MemorySegment pd = pp.data();
        boolean found;
        if (type == PtrMap.OVERFLOW2) {
            found = pd.get(BE_INT, 0) == x;
            if (found) {
                pager.markDirty(pp);
                pd.set(BE_INT, 0, y);
            }
        } else {
            int[] at = {-1};
            boolean overflow = type == PtrMap.OVERFLOW1;
            PtrMapRefs.forEach(pd, parent, pager.usableSize(), new PtrMapRefs.Visitor() {
                @Override
                public void child(int page, int pointerOffset) {
                    if (!overflow && page == x) {
                        at[0] = pointerOffset;
                    }
                }

                @Override
                public void overflow(int page, int pointerOffset) {
                    if (overflow && page == x) {
                        at[0] = pointerOffset;
                    }
                }
            });
            found = at[0] >= 0;
            if (found) {
                pager.markDirty(pp);
                pd.set(BE_INT, at[0], y);
            }
        }
        if (!found) {
            throw DatabaseException.corrupt(parent, "pointer map says page " + parent + " refers to page " + x
                    + ", but it does not");
        }
        setEntry(y, type, parent);
        allocated.add(y);
    }

    /** Points the entries of the pages {@code page} refers to at {@code page} (its new number). */
    private void reparentChildren(Page page, byte type) {
        int no = page.number();
        if (type == PtrMap.BTREE || type == PtrMap.ROOTPAGE) {
            PtrMapRefs.forEach(page.data(), no, pager.usableSize(), new PtrMapRefs.Visitor() {
                @Override
                public void child(int c, int pointerOffset) {
                    setEntry(c, PtrMap.BTREE, no);
                }

                @Override
                public void overflow(int o, int pointerOffset) {
                    setEntry(o, PtrMap.OVERFLOW1, no);
                }
            });
        } else {
            int next = page.data().get(BE_INT, 0);
            if (next != 0) {
                setEntry(next, PtrMap.OVERFLOW2, no);
            }
        }
    }

    // ---- root pages ----

    private int nextRootSlot(int largest) {
        int p = largest + 1;
        while (map().isSpecial(p)) {
            p++;
        }
        return p;
    }

    private int previousRootSlot(int p) {
        p--;
        while (p > 1 && map().isSpecial(p)) {
            p--;
        }
        return Math.max(p, 1);
    }

    /**
     * A new, zero-filled, dirty root page at largestRoot+1 (skipping special pages), moving the
     * page that was there, if any, to a free or appended page; header 52 follows. On READY
     * {@code out[0]} is the page number.
     */
    IoStatus allocateRoot(int[] out) {
        IoStatus s = syncPtrmap();
        if (!s.isReady()) {
            return s;
        }
        TreeSet<Integer> free = new TreeSet<>();
        s = loadFreeSet(free);
        if (!s.isReady()) {
            return s;
        }
        int n = pager.pageCount();
        int largest = pager.headerInt(DatabaseHeader.OFF_LARGEST_ROOT);
        if (largest < 1 || largest > n) {
            throw DatabaseException.corrupt(1, "largest root page " + Integer.toUnsignedString(largest)
                    + " is not a page of the file");
        }
        int target = nextRootSlot(largest);
        Fetches f = new Fetches();
        boolean moved = false;
        if (target > n) {
            if (map().mapPageOf(target) <= n) {
                f.need(map().mapPageOf(target));
            }
            if (!f.ready()) {
                return f.status;
            }
            Page p = pager.appendPage();
            if (p.number() != target) {
                throw new IllegalStateException("invariant: root slot " + target + " but appended page " + p.number());
            }
        } else {
            f.need(map().mapPageOf(target));
            boolean isFree = free.contains(target);
            if (!isFree) {
                f.need(target);
            }
            if (!f.ready()) {
                return f.status;
            }
            if (isFree) {
                free.remove(target);
                writeFreelist(free);
                fresh(target);
            } else {
                byte type = entryType(target);
                if (type == PtrMap.ROOTPAGE || type == PtrMap.FREEPAGE || type < PtrMap.ROOTPAGE || type > PtrMap.BTREE) {
                    throw DatabaseException.corrupt(target, "page " + target + " after the largest root page has pointer map type "
                            + type);
                }
                needMoveInputs(f, target, type);
                int y = free.isEmpty() ? 0 : free.first();
                if (y != 0) {
                    f.need(map().mapPageOf(y));
                } else {
                    int append = nextAppend(n);
                    if (map().mapPageOf(append) <= n) {
                        f.need(map().mapPageOf(append));
                    }
                }
                if (!f.ready()) {
                    return f.status;
                }
                // ---- no I/O from here ----
                if (y == 0) {
                    y = pager.appendPage().number();
                } else {
                    free.remove(y);
                    writeFreelist(free);
                }
                relocate(target, y);
                fresh(target);
                moved = true;
            }
        }
        allocated.add(target);
        setEntry(target, PtrMap.ROOTPAGE, 0);
        pager.setHeaderInt(DatabaseHeader.OFF_LARGEST_ROOT, target);
        if (moved) {
            pager.pagesMoved();
        }
        release();
        out[0] = target;
        return IoStatus.READY;
    }

    /** The page number the next append will get (skipping the lock-byte page and ptrmap pages). */
    private int nextAppend(int n) {
        int p = n + 1;
        while (map().isSpecial(p)) {
            p++;
        }
        return p;
    }

    /**
     * Fetches what {@link #dropRoot} needs: the ptrmap entries of {@code root} and of the largest
     * root, the largest root's page and the ptrmap pages of its children, and the pages of
     * sqlite_schema (whose row for the moved tree is patched). Changes nothing.
     */
    IoStatus prepareDropRoot(int root) {
        int largest = pager.headerInt(DatabaseHeader.OFF_LARGEST_ROOT);
        if (largest > pager.pageCount() || largest < 0) {
            throw DatabaseException.corrupt(1, "largest root page " + Integer.toUnsignedString(largest)
                    + " is not a page of the file");
        }
        Fetches f = new Fetches();
        f.need(root);
        f.need(map().mapPageOf(root));
        if (largest > root) {
            f.need(largest);
            f.need(map().mapPageOf(largest));
        }
        if (!f.ready()) {
            return f.status;
        }
        if (largest > root) {
            needMoveInputs(f, largest, PtrMap.ROOTPAGE);
            needSchemaPages(f, 1, 0);
        }
        return f.status;
    }

    /**
     * After every other page of the tree rooted at {@code root} was freed: frees {@code root}'s
     * slot, or fills it with the largest root (SQLite's OP_Destroy) and patches that tree's
     * sqlite_schema row; header 52 follows. Returns the page number of the root that moved, 0 if
     * none. No I/O after {@link #prepareDropRoot}.
     */
    int dropRoot(int root) {
        int largest = pager.headerInt(DatabaseHeader.OFF_LARGEST_ROOT);
        if (largest <= root) {
            pager.free(root);
            setEntry(root, PtrMap.FREEPAGE, 0);
            if (largest == root) {
                pager.setHeaderInt(DatabaseHeader.OFF_LARGEST_ROOT, previousRootSlot(root));
            }
            release();
            return 0;
        }
        int[] patch = findSchemaRow(1, largest, 0);
        if (patch == null) {
            throw DatabaseException.corrupt(1, "no sqlite_schema row has root page " + largest);
        }
        Page src = pager.get(largest);
        Page dst = pager.get(root);
        pager.markDirty(dst);
        MemorySegment.copy(src.data(), 0, dst.data(), 0, dst.data().byteSize());
        reparentChildren(dst, PtrMap.ROOTPAGE);
        setEntry(root, PtrMap.ROOTPAGE, 0);
        pager.free(largest);
        setEntry(largest, PtrMap.FREEPAGE, 0);
        Page sp = pager.get(patch[0]);
        pager.markDirty(sp);
        writeBigEndian(sp.data(), patch[1], patch[2], root);
        pager.setHeaderInt(DatabaseHeader.OFF_LARGEST_ROOT, previousRootSlot(largest));
        pager.pagesMoved();
        release();
        return largest;
    }

    // ---- sqlite_schema rows (the rootpage column, patched in place) ----

    private void needSchemaPages(Fetches f, int page, int depth) {
        if (depth > 20) {
            throw DatabaseException.corrupt(page, "sqlite_schema tree too deep");
        }
        IoStatus s = hold(page);
        if (!s.isReady()) {
            f.status = s;
            return;
        }
        MemorySegment d = pager.get(page).data();
        int h = page == 1 ? 100 : 0;
        if ((d.get(ValueLayout.JAVA_BYTE, h) & 0xff) == 5) {
            PtrMapRefs.forEach(d, page, pager.usableSize(), new PtrMapRefs.Visitor() {
                @Override
                public void child(int c, int pointerOffset) {
                    needSchemaPages(f, c, depth + 1);
                }

                @Override
                public void overflow(int o, int pointerOffset) {
                }
            });
        }
    }

    /**
     * Finds the sqlite_schema row whose rootpage column equals {@code rootPage}: returns
     * {page, offset of the integer, its width}, or null. Every page is cached.
     */
    private int[] findSchemaRow(int page, int rootPage, int depth) {
        if (depth > 20) {
            throw DatabaseException.corrupt(page, "sqlite_schema tree too deep");
        }
        MemorySegment d = pager.get(page).data();
        int usable = pager.usableSize();
        int h = page == 1 ? 100 : 0;
        int type = d.get(ValueLayout.JAVA_BYTE, h) & 0xff;
        if (type == 5) {
            int[][] found = {null};
            PtrMapRefs.forEach(d, page, usable, new PtrMapRefs.Visitor() {
                @Override
                public void child(int c, int pointerOffset) {
                    if (found[0] == null) {
                        found[0] = findSchemaRow(c, rootPage, depth + 1);
                    }
                }

                @Override
                public void overflow(int o, int pointerOffset) {
                }
            });
            return found[0];
        }
        if (type != 13) {
            throw DatabaseException.corrupt(page, "sqlite_schema page of type " + type);
        }
        int cells = Short.toUnsignedInt(d.get(BE_SHORT, h + 3L));
        for (int i = 0; i < cells; i++) {
            int off = Short.toUnsignedInt(d.get(BE_SHORT, h + 8L + 2L * i));
            int p = off;
            long payload = PtrMapRefs.varint(d, p, usable, page);
            p += Varint.lengthAt(d, p, usable);
            p += Varint.lengthAt(d, p, usable); // rowid
            int local = LocalPayload.localSize(true, payload, usable);
            int start = p;
            int end = start + local;
            long headerSize = PtrMapRefs.varint(d, start, end, page);
            int q = start + Varint.lengthAt(d, start, end);
            if (start + headerSize > end) {
                continue; // header spills: not a row we can patch in place (never for SQLite's schema rows)
            }
            int headerEnd = (int) (start + headerSize);
            long body = headerEnd;
            long[] st = new long[5];
            for (int c = 0; c < 5 && q < headerEnd; c++) {
                st[c] = PtrMapRefs.varint(d, q, headerEnd, page);
                q += Varint.lengthAt(d, q, headerEnd);
            }
            for (int c = 0; c < 3; c++) {
                body += SerialType.bodyLength(st[c]);
            }
            int width = (int) SerialType.bodyLength(st[3]);
            if (st[3] < 1 || st[3] > 6 || body + width > end) {
                continue;
            }
            if (readBigEndian(d, (int) body, width) == rootPage) {
                return new int[] {page, (int) body, width};
            }
        }
        return null;
    }

    private static long readBigEndian(MemorySegment d, int at, int width) {
        long v = d.get(ValueLayout.JAVA_BYTE, at); // sign-extended first byte
        for (int i = 1; i < width; i++) {
            v = (v << 8) | (d.get(ValueLayout.JAVA_BYTE, at + i) & 0xff);
        }
        return v;
    }

    private static void writeBigEndian(MemorySegment d, int at, int width, long value) {
        for (int i = width - 1; i >= 0; i--) {
            d.set(ValueLayout.JAVA_BYTE, at + i, (byte) value);
            value >>= 8;
        }
    }

    /** Fetches page {@code n} and pins it until {@link #release()}; the status of the fetch. */
    private IoStatus hold(int n) {
        IoStatus s = pager.fetch(n);
        if (s.isReady() && !held.containsKey(n)) {
            Page p = pager.get(n);
            pager.pin(p);
            held.put(n, p);
        }
        return s;
    }

    /** Unpins what the finished (or abandoned) step held. */
    private void release() {
        for (Page p : held.values()) {
            if (p.pinCount() > 0) {
                pager.unpin(p);
            }
        }
        held.clear();
    }

    /** Starts every read a step needs before waiting on any (several reads in flight). */
    private final class Fetches {
        IoStatus status = IoStatus.READY;

        void need(int page) {
            IoStatus s = hold(page);
            if (!s.isReady()) {
                status = s;
            }
        }

        boolean ready() {
            return status.isReady();
        }
    }
}
