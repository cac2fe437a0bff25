package io.ringlite.storage.btree;

import io.ringlite.storage.io.Completion;
import io.ringlite.storage.io.IoStatus;
import io.ringlite.storage.pager.Page;
import io.ringlite.storage.pager.Pager;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * A test-only {@link Pager} that keeps every page in memory and plays the asynchronous
 * contract strictly:
 * <ul>
 *   <li>a page is "cached" only after a fetch returned Pending for it once; {@link #get} of a
 *       page that is not cached fails the test (a fetch was skipped);</li>
 *   <li>on a seeded schedule, a fetch or prepareAllocate returns Pending even for a cached page
 *       (to prove that callers re-run safely);</li>
 *   <li>{@link #mutations()} counts markDirty/allocate/free so a test can check that an
 *       operation that returned Pending changed nothing;</li>
 *   <li>{@link #evict()} (between operations) forgets every unpinned page from the "cache".</li>
 * </ul>
 * It can load a database file (rollback-journal mode, no journal) and write its pages back as a
 * valid SQLite file with a 100-byte header and a freelist.
 */
final class MemoryPager implements Pager {
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final int pageSize;
    private final int reserved;
    private final Map<Integer, Page> pages = new HashMap<>();
    private final Set<Integer> cached = new HashSet<>();
    private final Set<Integer> settled = new HashSet<>();
    private final Map<Integer, Integer> pins = new HashMap<>();
    private final TreeSet<Integer> freelist = new TreeSet<>();
    private final Random random;
    private final double pendingRate;
    private int pageCount;
    private long mutations;
    private long pendings;
    private int allocationsPrepared;

    private MemoryPager(int pageSize, int reserved, long seed, double pendingRate) {
        this.pageSize = pageSize;
        this.reserved = reserved;
        this.random = new Random(seed);
        this.pendingRate = pendingRate;
    }

    /** A new database: page 1 with a file header and an empty sqlite_schema leaf. */
    static MemoryPager create(int pageSize, int reserved, long seed, double pendingRate) {
        MemoryPager p = new MemoryPager(pageSize, reserved, seed, pendingRate);
        Page one = p.newPage(1);
        p.pageCount = 1;
        MemorySegment d = one.data();
        byte[] magic = "SQLite format 3\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        MemorySegment.copy(magic, 0, d, ValueLayout.JAVA_BYTE, 0, 16);
        d.set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 16, (short) (pageSize == 65536 ? 1 : pageSize));
        d.set(ValueLayout.JAVA_BYTE, 18, (byte) 1);
        d.set(ValueLayout.JAVA_BYTE, 19, (byte) 1);
        d.set(ValueLayout.JAVA_BYTE, 20, (byte) reserved);
        d.set(ValueLayout.JAVA_BYTE, 21, (byte) 64);
        d.set(ValueLayout.JAVA_BYTE, 22, (byte) 32);
        d.set(ValueLayout.JAVA_BYTE, 23, (byte) 32);
        d.set(U32, 44, 4);
        d.set(U32, 56, 1);
        d.set(U32, 96, 3_040_001);
        BTrees.initEmptyTableLeaf(one, pageSize - reserved);
        return p;
    }

    /** Loads a database file made by sqlite3 (rollback mode). */
    static MemoryPager load(Path file, long seed, double pendingRate) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int ps = ((bytes[16] & 0xff) << 8) | (bytes[17] & 0xff);
        if (ps == 1) {
            ps = 65536;
        }
        MemoryPager p = new MemoryPager(ps, bytes[20] & 0xff, seed, pendingRate);
        p.pageCount = bytes.length / ps;
        for (int n = 1; n <= p.pageCount; n++) {
            Page page = p.newPage(n);
            MemorySegment.copy(bytes, (n - 1) * ps, page.data(), ValueLayout.JAVA_BYTE, 0, ps);
        }
        // the file's freelist: trunk pages (next trunk, leaf count, leaf numbers) and their leaves
        int trunk = p.pages.get(1).data().get(U32, 32);
        while (trunk != 0) {
            p.freelist.add(trunk);
            MemorySegment t = p.pages.get(trunk).data();
            int leaves = t.get(U32, 4);
            for (int i = 0; i < leaves; i++) {
                p.freelist.add(t.get(U32, 8 + 4 * i));
            }
            trunk = t.get(U32, 0);
        }
        return p;
    }

    private Page newPage(int n) {
        Page page = new Page(n, MemorySegment.ofArray(new byte[pageSize]));
        pages.put(n, page);
        return page;
    }

    /** A copy of every page, the page count and the freelist (what a rollback restores). */
    record Snapshot(Map<Integer, byte[]> pages, int pageCount, TreeSet<Integer> freelist) {
    }

    Snapshot snapshot() {
        Map<Integer, byte[]> copy = new HashMap<>();
        pages.forEach((n, p) -> copy.put(n, p.data().toArray(ValueLayout.JAVA_BYTE)));
        return new Snapshot(copy, pageCount, new TreeSet<>(freelist));
    }

    /** Puts every page back as in {@code s}, in place (like a pager's rollback). */
    void restore(Snapshot s) {
        s.pages().forEach((n, b) -> MemorySegment.copy(b, 0, pages.get(n).data(), ValueLayout.JAVA_BYTE, 0, b.length));
        pages.keySet().removeIf(n -> n > s.pageCount());
        cached.removeIf(n -> n > s.pageCount());
        pageCount = s.pageCount();
        freelist.clear();
        freelist.addAll(s.freelist());
        mutations++;
        rollbackListeners.forEach(Runnable::run);
    }

    private final java.util.List<Runnable> rollbackListeners = new java.util.ArrayList<>();

    @Override
    public void addRollbackListener(Runnable listener) {
        rollbackListeners.add(listener);
    }

    /** {@code fetch(n)} as a re-runnable operation. */
    java.util.function.Supplier<IoStatus> fetchOf(int n) {
        return () -> fetch(n);
    }

    long mutations() {
        return mutations;
    }

    long pendings() {
        return pendings;
    }

    /** Forgets every unpinned page (what a page cache may do between instructions). */
    void evict() {
        cached.removeIf(n -> pins.getOrDefault(n, 0) == 0);
        settled.clear();
    }

    int pinnedPages() {
        int n = 0;
        for (int c : pins.values()) {
            n += c > 0 ? 1 : 0;
        }
        return n;
    }

    Set<Integer> freePages() {
        return freelist;
    }

    /** The raw bytes of a page, for corruption tests (no cache bookkeeping). */
    MemorySegment raw(int n) {
        return pages.get(n).data();
    }

    private Pending pending() {
        pendings++;
        return new Pending();
    }

    /** Marker for readability: a Pending whose completion is already done. */
    private record Pending() {
        IoStatus status() {
            return IoStatus.pending(Completion.completed(0));
        }
    }

    @Override
    public int pageSize() {
        return pageSize;
    }

    @Override
    public int usableSize() {
        return pageSize - reserved;
    }

    @Override
    public int pageCount() {
        return pageCount;
    }

    @Override
    public IoStatus fetch(int n) {
        if (n < 1 || n > pageCount) {
            throw new AssertionError("fetch of page " + n + " outside 1.." + pageCount + " (the b-tree must range-check)");
        }
        if (!cached.contains(n)) {
            cached.add(n);
            return pending().status();
        }
        // A cached page may still be Pending once per eviction cycle (as if it had been evicted
        // and re-read), so retries always make progress, like with a real cache.
        if (settled.add(n) && random.nextDouble() < pendingRate) {
            return pending().status();
        }
        return IoStatus.READY;
    }

    @Override
    public Page get(int n) {
        if (!cached.contains(n)) {
            throw new AssertionError("get(" + n + ") of a page that was not fetched");
        }
        return pages.get(n);
    }

    @Override
    public void pin(Page page) {
        pins.merge(page.number(), 1, Integer::sum);
    }

    @Override
    public void unpin(Page page) {
        int c = pins.getOrDefault(page.number(), 0);
        if (c <= 0) {
            throw new AssertionError("unpin of unpinned page " + page.number());
        }
        pins.put(page.number(), c - 1);
    }

    @Override
    public void markDirty(Page page) {
        if (!cached.contains(page.number())) {
            throw new AssertionError("markDirty of page " + page.number() + " that was not fetched");
        }
        mutations++;
    }

    @Override
    public IoStatus prepareAllocate(int count) {
        if (settled.add(-1) && random.nextDouble() < pendingRate) {
            return pending().status();
        }
        allocationsPrepared = count;
        return IoStatus.READY;
    }

    @Override
    public Page allocate() {
        if (allocationsPrepared-- <= 0) {
            throw new AssertionError("allocate() beyond what prepareAllocate reserved");
        }
        mutations++;
        int n;
        if (!freelist.isEmpty()) {
            n = freelist.pollFirst();
            pages.get(n).data().fill((byte) 0);
        } else {
            n = ++pageCount;
            newPage(n);
        }
        cached.add(n);
        return pages.get(n);
    }

    @Override
    public IoStatus prepareFree(int count) {
        if (settled.add(-2) && random.nextDouble() < pendingRate) {
            return pending().status();
        }
        return IoStatus.READY;
    }

    @Override
    public void free(int n) {
        if (n < 2 || n > pageCount || !freelist.add(n)) {
            throw new AssertionError("free of page " + n);
        }
        mutations++;
    }

    @Override
    public int headerInt(int offset) {
        return pages.get(1).data().get(U32, offset);
    }

    @Override
    public void setHeaderInt(int offset, int value) {
        mutations++;
        pages.get(1).data().set(U32, offset, value);
    }

    @Override
    public IoStatus beginRead() {
        return IoStatus.READY;
    }

    @Override
    public void endRead() {
    }

    @Override
    public IoStatus beginWrite() {
        return IoStatus.READY;
    }

    @Override
    public boolean inWriteTransaction() {
        return true;
    }

    @Override
    public Completion commit() {
        return Completion.completed(0);
    }

    @Override
    public void rollback() {
        throw new UnsupportedOperationException("MemoryPager has no rollback");
    }

    @Override
    public void beginStatement() {
    }

    @Override
    public void commitStatement() {
    }

    @Override
    public void rollbackStatement() {
        throw new UnsupportedOperationException("MemoryPager has no statement rollback");
    }

    /**
     * Writes the database as a SQLite file: header fields brought up to date (page count,
     * change counter, freelist as a chain of trunk pages without leaves).
     */
    void writeTo(Path file) throws IOException {
        MemorySegment one = pages.get(1).data();
        int prev = 0;
        for (int n : freelist.descendingSet()) {
            MemorySegment d = pages.get(n).data();
            d.fill((byte) 0);
            d.set(U32, 0, prev);
            prev = n;
        }
        one.set(U32, 32, prev);
        one.set(U32, 36, freelist.size());
        int counter = one.get(U32, 24) + 1;
        one.set(U32, 24, counter);
        one.set(U32, 92, counter);
        one.set(U32, 28, pageCount);
        one.set(U32, 40, one.get(U32, 40) + 1);
        byte[] out = new byte[pageCount * pageSize];
        for (int n = 1; n <= pageCount; n++) {
            MemorySegment.copy(pages.get(n).data(), ValueLayout.JAVA_BYTE, 0, out, (n - 1) * pageSize, pageSize);
        }
        Files.write(file, out);
    }
}
