package io.ringlite.storage.check;

import io.ringlite.storage.io.IoStatus;
import io.ringlite.storage.lock.FileLocks;
import io.ringlite.storage.pager.Pager;
import io.ringlite.storage.pager.PtrMap;
import io.ringlite.storage.record.LocalPayload;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The structural half of {@code PRAGMA integrity_check} / {@code quick_check}: every B-tree
 * reachable from the given root pages, the freelist, and the ownership of every page, reported
 * with the messages SQLite 3.40 uses so that a corrupted file reads the same in both.
 *
 * <h2>What is checked, and in which order (the order decides which reference is "2nd")</h2>
 * <ol>
 *   <li>The freelist (prefix {@code "Main freelist: "}): every trunk page and every leaf it lists
 *       is a valid page referenced once; a trunk's leaf count fits the page; the pages counted
 *       equal header field 36 ({@code size is A but should be B}).</li>
 *   <li>Each tree, in the order given, then the schema tree (page 1): each page is referenced once
 *       ({@code 2nd reference to page N}, {@code invalid page number N}); its header is sane
 *       ({@code Page N: btreeInitPage() returns error code 11}); its freeblock chain is sane
 *       ({@code Page N: free space corruption}); then the right child and the cells from the last
 *       to the first (prefix {@code On tree page N cell K: }): cell offset in range, cell inside the
 *       page, rowids strictly increasing and inside their parent's key range
 *       ({@code Rowid R out of order}), overflow chains of the right length without loops
 *       ({@code overflow list length is A but should be B}), all leaves at one depth
 *       ({@code Child page depth differs}); finally the byte coverage of the page: cells and
 *       freeblocks never overlap ({@code Multiple uses for byte B of page N}) and the
 *       fragmentation count matches ({@code Fragmentation of A bytes reported as B on page N}).</li>
 *   <li>Auto-vacuum files: every pointer-map entry names the page's real type and referrer
 *       ({@code Bad ptr map entry key=P expected=(T,R) got=(T,R)}, by
 *       {@link io.ringlite.storage.pager.PtrMapCheck}, without SQLite's cell prefix).</li>
 *   <li>Every page of the file is referenced by exactly one of the above
 *       ({@code Page N is never used}); in an auto-vacuum file pointer-map pages are exempt.</li>
 * </ol>
 * Index/table agreement (rows missing from an index, wrong entry counts), NOT NULL and CHECK
 * need the record layer and the schema: the engine runs them afterwards as a program that scans
 * the rows (reactive-engine {@code compile.IntegrityCheckCompiler}), with the error budget this
 * check left ({@link #problems()}).
 *
 * <h2>Boundedness on corrupt input</h2>
 * Every page is visited at most once (the reference bitmap refuses a second visit before the
 * page is read), so chains and trees cannot loop; every read of a page copy is bounds-checked
 * and reads past the end as zero; the walk stops after {@code maxErrors} messages.
 *
 * <h2>Asynchronous shape</h2>
 * The recursion of a tree walk is an explicit stack of frames, each holding a private copy of its
 * page. {@link #run()} advances until it needs a page that is not cached, returns that read's
 * Pending status, and resumes exactly where it stopped on the next call (state machine, not
 * re-execution). Must be called on the database's event loop inside a read transaction.
 */
public final class IntegrityCheck {
    private final Pager pager;
    private final int[] roots;
    /** Only the given trees: no freelist, no schema tree unless listed, no "never used" pages. */
    private final boolean partial;
    private final int usable;
    private final int nPage;
    private final boolean autoVacuum;
    private final int pendingBytePage;
    /** The pointer-map geometry of an auto-vacuum file, else null. */
    private final PtrMap ptrMap;
    private final boolean[] referenced;
    private final List<String> errors = new ArrayList<>();
    private int errorsLeft;
    private final Deque<Task> stack = new ArrayDeque<>();
    private int nextRoot;
    private boolean freelistQueued;
    private boolean finished;
    /** The current message prefix, as SQLite's zPfx/v1/v2 triple formats it; null = none. */
    private String prefix;

    /**
     * @param pager the pager, inside a read transaction
     * @param roots root pages of every table and index, in the order SQLite checks them: tables
     *     newest first (its schema hash lists them so), each followed by its indexes newest first;
     *     page 1, the schema, is checked after them; zeros are skipped
     * @param maxErrors stop after this many messages (SQLite's default is 100)
     */
    public IntegrityCheck(Pager pager, int[] roots, int maxErrors) {
        this(pager, roots, maxErrors, false);
    }

    /**
     * As {@link #IntegrityCheck(Pager, int[], int)}; with {@code partial} (SQLite's
     * {@code integrity_check(TABLE)}) only the trees of {@code roots} are walked, in that order:
     * the freelist, the schema tree (unless listed) and the "never used" pass are skipped, since
     * pages outside those trees are not accounted for.
     */
    public IntegrityCheck(Pager pager, int[] roots, int maxErrors, boolean partial) {
        this.pager = pager;
        this.partial = partial;
        this.roots = roots.clone();
        this.usable = pager.usableSize();
        this.nPage = Math.max(0, pager.pageCount());
        this.autoVacuum = pager.headerInt(52) != 0;
        this.pendingBytePage = FileLocks.lockBytePage(pager.pageSize());
        this.ptrMap = autoVacuum ? new PtrMap(usable, pendingBytePage) : null;
        this.referenced = new boolean[nPage + 1];
        if (pendingBytePage <= nPage) {
            referenced[pendingBytePage] = true;
        }
        this.errorsLeft = Math.max(1, maxErrors);
    }

    /**
     * Advances the check. READY: finished ({@link #messages()} holds the result). Pending: a page
     * read is in flight; call again once it completed.
     */
    public IoStatus run() {
        return run(Long.MAX_VALUE);
    }

    /**
     * Like {@link #run()}, but returns READY after at most {@code pageBudget} page visits even if
     * not finished ({@link #isFinished()} tells), so a caller can let other work run in between.
     */
    public IoStatus run(long pageBudget) {
        long budget = Math.max(1, pageBudget);
        long budgetEnd = pagesVisited > Long.MAX_VALUE - budget ? Long.MAX_VALUE : pagesVisited + budget;
        while (!finished) {
            if (pagesVisited >= budgetEnd) {
                return IoStatus.READY;
            }
            if (errorsLeft <= 0) {
                finished = true;
                break;
            }
            if (!freelistQueued) {
                freelistQueued = true;
                if (!partial) {
                    prefix = "Main freelist: ";
                    stack.push(new ListTask(true, pager.headerInt(32), pager.headerInt(36), null));
                }
            }
            if (stack.isEmpty()) {
                if (nextRoot < roots.length + (partial ? 0 : 1)) {
                    // SQLite's order: the roots as its schema hash lists them, the schema table last.
                    int root = nextRoot == roots.length ? 1 : roots[nextRoot];
                    nextRoot++;
                    if (root != 0 && (partial || !(nextRoot <= roots.length && root == 1))) {
                        prefix = null;
                        stack.push(new TreeFrame(root, Long.MAX_VALUE, null, 0));
                    }
                    continue;
                }
                if (!partial) {
                    IoStatus pm = checkPointerMap(budgetEnd - pagesVisited);
                    if (!pm.isReady()) {
                        return pm;
                    }
                    if (ptrmapCheck != null && !ptrmapCheck.isFinished()) {
                        continue; // its share of the page budget is spent
                    }
                    neverUsed();
                }
                finished = true;
                break;
            }
            IoStatus s = stack.peek().step();
            if (!s.isReady()) {
                return s;
            }
        }
        return IoStatus.READY;
    }

    /**
     * The result rows after {@link #run()} returned READY: {@code ["ok"]}, or one row holding
     * {@code *** in database main ***} and the messages, separated by newlines, as SQLite
     * returns them.
     */
    public List<String> messages() {
        if (!finished) {
            throw new IllegalStateException("invariant: messages() before the check finished");
        }
        return errors.isEmpty() ? List.of("ok") : List.of("*** in database main ***\n" + String.join("\n", errors));
    }

    /** The individual messages (empty when the file is sound). */
    public List<String> problems() {
        return List.copyOf(errors);
    }

    private io.ringlite.storage.pager.PtrMapCheck ptrmapCheck;

    /**
     * Auto-vacuum files: every pointer-map entry names the page's real type and referrer
     * ({@link io.ringlite.storage.pager.PtrMapCheck}); reported after the trees, before the
     * "never used" pages (SQLite reports them during its tree walk, prefixed by the referring cell).
     */
    private IoStatus checkPointerMap(long pageBudget) {
        if (!autoVacuum) {
            return IoStatus.READY;
        }
        if (ptrmapCheck == null) {
            ptrmapCheck = new io.ringlite.storage.pager.PtrMapCheck(pager, roots, errorsLeft);
        }
        long before = ptrmapCheck.pagesVisited();
        IoStatus s = ptrmapCheck.run(pageBudget);
        pagesVisited += ptrmapCheck.pagesVisited() - before;
        if (!s.isReady() || !ptrmapCheck.isFinished()) {
            return s; // Pending, or READY with the budget spent (pagesVisited reached its end)
        }
        if (!ptrmapReported) {
            ptrmapReported = true;
            for (String m : ptrmapCheck.problems()) {
                if (errorsLeft > 0) {
                    error(null, m);
                }
            }
        }
        return IoStatus.READY;
    }

    private boolean ptrmapReported;

    private void neverUsed() {
        for (int i = 1; i <= nPage && errorsLeft > 0; i++) {
            boolean isPtrmap = ptrMap != null && ptrMap.isMapPage(i);
            if (!referenced[i] && !isPtrmap) {
                error(null, "Page " + i + " is never used");
            }
            if (referenced[i] && isPtrmap) {
                error(null, "Pointer map page " + i + " is referenced");
            }
        }
    }

    private void error(String pfx, String message) {
        errorsLeft--;
        errors.add(pfx == null ? message : pfx + message);
    }

    /** SQLite's checkRef: true (and a message) if {@code n} is not a page or was seen already. */
    private boolean refused(int n) {
        if (n <= 0 || n > nPage) {
            error(prefix, "invalid page number " + n);
            return true;
        }
        if (referenced[n]) {
            error(prefix, "2nd reference to page " + n);
            return true;
        }
        referenced[n] = true;
        return false;
    }

    /** True once the check has run to its end (or hit the error limit). */
    public boolean isFinished() {
        return finished;
    }

    /** Pages read so far. */
    public long pagesVisited() {
        return pagesVisited;
    }

    private long pagesVisited;

    /** The page's bytes (a private copy), or null with {@code pending} set when it is being read. */
    private byte[] load(int n) {
        IoStatus s = pager.fetch(n);
        if (!s.isReady()) {
            pendingRead = s;
            return null;
        }
        pagesVisited++;
        return pager.get(n).data().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
    }

    private IoStatus pendingRead;

    private IoStatus takePending() {
        IoStatus s = pendingRead;
        pendingRead = null;
        return s;
    }

    private sealed interface Task permits ListTask, TreeFrame {
        /** Advances; Pending when a page read must complete first. Pops itself when done. */
        IoStatus step();
    }

    /** SQLite's checkList: an overflow chain or the freelist trunk chain. */
    private final class ListTask implements Task {
        private final boolean freelist;
        private final int expected;
        private final int errorsAtStart;
        private final String pfx;
        private final TreeFrame owner;
        private int page;
        private long remaining;
        private boolean refChecked;

        ListTask(boolean freelist, int first, int expected, TreeFrame owner) {
            this.freelist = freelist;
            this.page = first;
            this.expected = expected;
            this.remaining = Integer.toUnsignedLong(expected);
            this.errorsAtStart = errors.size();
            this.pfx = prefix;
            this.owner = owner;
        }

        @Override
        public IoStatus step() {
            prefix = pfx;
            while (page != 0 && errorsLeft > 0) {
                if (!refChecked) {
                    if (refused(page)) {
                        break;
                    }
                    refChecked = true;
                    remaining--;
                }
                byte[] data = load(page);
                if (data == null) {
                    return takePending();
                }
                refChecked = false;
                if (freelist) {
                    long n = Integer.toUnsignedLong(int4(data, 4));
                    if (n > usable / 4 - 2) {
                        error(prefix, "freelist leaf count too big on page " + page);
                        remaining--;
                    } else {
                        for (int i = 0; i < n; i++) {
                            int leaf = int4(data, 8 + i * 4);
                            refused(leaf);
                        }
                        remaining -= n;
                    }
                }
                page = int4(data, 0);
            }
            if (remaining != 0 && errors.size() == errorsAtStart) {
                error(prefix, (freelist ? "size" : "overflow list length") + " is "
                        + Long.toUnsignedString((Integer.toUnsignedLong(expected) - remaining) & 0xFFFFFFFFL)
                        + " but should be " + Integer.toUnsignedString(expected));
            }
            stack.pop();
            if (owner == null) {
                prefix = null;
            }
            return IoStatus.READY;
        }
    }

    /** One page of a B-tree walk (SQLite's checkTreePage as an explicit frame). */
    /** The depth of a subtree whose page was refused (invalid or seen before): compared with nothing. */
    private static final int UNKNOWN_DEPTH = -1;

    private final class TreeFrame implements Task {
        private final int page;
        private final TreeFrame parent;
        /** The caller's cell index, which SQLite's prefix shows while the right child is checked. */
        private final int callerCell;
        private final String callerPrefix;
        private long maxKey;
        private boolean keyCanBeEqual = true;
        private int depth;
        private int state; // 0 ref, 1 load, 2 right child pending, 3 cells, 4 after overflow, 5 after child
        private byte[] data;
        private int hdr;
        private boolean leaf;
        private boolean intKey;
        private int nCell;
        private int cellStart;
        private int contentOffset;
        private int cell;
        private boolean coverage = true;
        private final List<long[]> extents = new ArrayList<>();
        private int cellPc;
        private int cellSize;
        /** Filled in by a finishing child frame. */
        private long childMinKey;
        private int childDepth;

        TreeFrame(int page, long maxKey, TreeFrame parent, int callerCell) {
            this.page = page;
            this.maxKey = maxKey;
            this.parent = parent;
            this.callerCell = callerCell;
            this.callerPrefix = prefix;
        }

        private String cellPrefix(int k) {
            return "On tree page " + page + " cell " + k + ": ";
        }

        @Override
        public IoStatus step() {
            switch (state) {
                case 0 -> {
                    prefix = callerPrefix;
                    if (refused(page)) {
                        finish(false, 0, UNKNOWN_DEPTH);
                        return IoStatus.READY;
                    }
                    state = 1;
                    return IoStatus.READY;
                }
                case 1 -> {
                    data = load(page);
                    if (data == null) {
                        return takePending();
                    }
                    String pagePfx = "Page " + page + ": ";
                    hdr = page == 1 ? 100 : 0;
                    if (!initPage()) {
                        error(pagePfx, "btreeInitPage() returns error code 11");
                        finish(false, 0, 1);
                        return IoStatus.READY;
                    }
                    if (!freeSpaceSane()) {
                        error(pagePfx, "free space corruption");
                        finish(false, 0, 1);
                        return IoStatus.READY;
                    }
                    cell = nCell - 1;
                    if (!leaf) {
                        prefix = cellPrefix(callerCell);
                        state = 2;
                        stack.push(new TreeFrame(int4(data, hdr + 8), maxKey, this, callerCell));
                        return IoStatus.READY;
                    }
                    state = 3;
                    return IoStatus.READY;
                }
                case 2 -> {
                    maxKey = childMinKey;
                    depth = childDepth == UNKNOWN_DEPTH ? UNKNOWN_DEPTH : childDepth;
                    keyCanBeEqual = false;
                    state = 3;
                    return IoStatus.READY;
                }
                case 3 -> {
                    return cells();
                }
                case 4 -> {
                    state = 3;
                    if (!leaf) {
                        return descend();
                    }
                    extents.add(new long[] {cellPc, cellPc + cellSize - 1});
                    cell--;
                    return IoStatus.READY;
                }
                case 5 -> {
                    maxKey = childMinKey;
                    keyCanBeEqual = false;
                    // A child refused by its reference check has no depth; SQLite reports nothing more.
                    if (depth == UNKNOWN_DEPTH) {
                        depth = childDepth;
                    } else if (childDepth != UNKNOWN_DEPTH && childDepth != depth) {
                        error(cellPrefix(cell), "Child page depth differs");
                        depth = childDepth;
                    }
                    cell--;
                    state = 3;
                    return IoStatus.READY;
                }
                default -> throw new IllegalStateException("invariant: tree frame state " + state);
            }
        }

        private IoStatus descend() {
            int pc = cellPc;
            prefix = cellPrefix(cell);
            state = 5;
            stack.push(new TreeFrame(int4(data, pc), maxKey, this, cell));
            return IoStatus.READY;
        }

        private IoStatus cells() {
            while (cell >= 0 && errorsLeft > 0) {
                String pfx = cellPrefix(cell);
                prefix = pfx;
                int pc = u16(data, cellStart + 2 * cell);
                if (pc < contentOffset || pc > usable - 4) {
                    error(pfx, "Offset " + pc + " out of range " + contentOffset + ".." + (usable - 4));
                    coverage = false;
                    cell--;
                    continue;
                }
                long[] info = parseCell(pc);
                long key = info[0];
                long payload = info[1];
                int local = (int) info[2];
                int size = (int) info[3];
                if (pc + size > usable) {
                    error(pfx, "Extends off end of page");
                    coverage = false;
                    cell--;
                    continue;
                }
                if (intKey) {
                    if (keyCanBeEqual ? key > maxKey : key >= maxKey) {
                        error(pfx, "Rowid " + key + " out of order");
                    }
                    maxKey = key;
                    keyCanBeEqual = false;
                }
                cellPc = pc;
                cellSize = size;
                state = 4;
                if (payload > local) {
                    long pages = (payload - local + usable - 5) / (usable - 4);
                    stack.push(new ListTask(false, int4(data, pc + size - 4), (int) pages, this));
                }
                return IoStatus.READY;
            }
            if (errorsLeft > 0 && coverage) {
                checkCoverage();
            }
            finish(true, maxKey, depth == UNKNOWN_DEPTH ? 1 : depth + 1);
            return IoStatus.READY;
        }

        private void checkCoverage() {
            prefix = null;
            if (!leaf) {
                for (int i = nCell - 1; i >= 0; i--) {
                    int pc = u16(data, cellStart + 2 * i);
                    int size = (int) parseCell(pc)[3];
                    extents.add(new long[] {pc, pc + size - 1});
                }
            }
            int fb = u16(data, hdr + 1);
            while (fb > 0) {
                int size = u16(data, fb + 2);
                extents.add(new long[] {fb, fb + size - 1});
                fb = u16(data, fb);
            }
            extents.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
            long frag = 0;
            long prevEnd = contentOffset - 1;
            boolean allSeen = true;
            for (int i = 0; i < extents.size(); i++) {
                long[] e = extents.get(i);
                if (prevEnd >= e[0]) {
                    error(null, "Multiple uses for byte " + e[0] + " of page " + page);
                    allSeen = i == extents.size() - 1;
                    break;
                }
                frag += e[0] - prevEnd - 1;
                prevEnd = e[1];
            }
            // As SQLite: the count is compared once every extent was looked at, even when the last
            // one overlapped (then without it).
            frag += usable - prevEnd - 1;
            int reported = u8(data, hdr + 7);
            if (allSeen && frag != reported && errorsLeft > 0) {
                error(null, "Fragmentation of " + frag + " bytes reported as " + reported + " on page " + page);
            }
        }

        /** Header checks (SQLite's page initialisation): false if the page is not a sane B-tree page. */
        private boolean initPage() {
            int type = u8(data, hdr);
            switch (type) {
                case 0x0D -> { leaf = true; intKey = true; }
                case 0x05 -> { leaf = false; intKey = true; }
                case 0x0A -> { leaf = true; intKey = false; }
                case 0x02 -> { leaf = false; intKey = false; }
                default -> {
                    return false;
                }
            }
            nCell = u16(data, hdr + 3);
            cellStart = hdr + (leaf ? 8 : 12);
            int co = u16(data, hdr + 5);
            contentOffset = co == 0 ? 65536 : co;
            if (nCell > (pager.pageSize() - 8) / 6) {
                return false;
            }
            return true;
        }

        /** Freeblock chain and free-space total checks (SQLite's free-space computation). */
        private boolean freeSpaceSane() {
            int top = contentOffset;
            int cellEnd = cellStart + 2 * nCell;
            if (top > usable) {
                return false;
            }
            long free = u8(data, hdr + 7) + top;
            int fb = u16(data, hdr + 1);
            if (fb > 0) {
                if (fb < top) {
                    return false;
                }
                int guard = 0;
                while (true) {
                    if (fb > usable - 4 || ++guard > usable) {
                        return false;
                    }
                    int next = u16(data, fb);
                    int size = u16(data, fb + 2);
                    free += size;
                    if (next <= fb + size + 3) {
                        if (next > 0) {
                            return false;
                        }
                        if (fb + size > usable) {
                            return false;
                        }
                        break;
                    }
                    fb = next;
                }
            }
            return free <= usable && free >= cellEnd;
        }

        /** {key, payload size, local bytes, cell size} of the cell at {@code pc}, bounds-safe. */
        private long[] parseCell(int pc) {
            int p = pc;
            if (!leaf) {
                p += 4;
            }
            long payload = 0;
            if (intKey && !leaf) {
                long[] v = varint(data, p);
                int size = Math.max(4, (int) (p + v[1] - pc));
                return new long[] {v[0], 0, 0, size};
            }
            long[] v = varint(data, p);
            payload = v[0] & 0xFFFFFFFFL;
            p += (int) v[1];
            long key = 0;
            if (intKey) {
                long[] k = varint(data, p);
                key = k[0];
                p += (int) k[1];
            }
            long local = LocalPayload.localSize(intKey, payload, usable);
            long size = (p - pc) + local + (payload > local ? 4 : 0);
            return new long[] {key, payload, local, Math.max(4, size)};
        }

        /** Pops this frame and hands the parent SQLite's return values (depth, and the minimum key if set). */
        private void finish(boolean setsMinKey, long minKey, int returnedDepth) {
            stack.pop();
            if (parent != null) {
                parent.childMinKey = setsMinKey ? minKey : parent.maxKey;
                parent.childDepth = returnedDepth;
            }
            data = null;
        }
    }

    // ---- bounds-safe reads of a page copy (past the end reads as zero) ----

    private static int u8(byte[] d, int off) {
        return off >= 0 && off < d.length ? d[off] & 0xFF : 0;
    }

    private static int u16(byte[] d, int off) {
        return (u8(d, off) << 8) | u8(d, off + 1);
    }

    private static int int4(byte[] d, int off) {
        return (u8(d, off) << 24) | (u8(d, off + 1) << 16) | (u8(d, off + 2) << 8) | u8(d, off + 3);
    }

    /** {value, length} of the SQLite varint at {@code off}. */
    private static long[] varint(byte[] d, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            int b = u8(d, off + i);
            v = (v << 7) | (b & 0x7F);
            if ((b & 0x80) == 0) {
                return new long[] {v, i + 1};
            }
        }
        v = (v << 8) | u8(d, off + 8);
        return new long[] {v, 9};
    }
}
