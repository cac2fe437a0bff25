package io.ringlite.storage.pager;

import io.ringlite.storage.io.IoStatus;
import io.ringlite.storage.lock.FileLocks;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The pointer-map half of {@code PRAGMA integrity_check} for auto-vacuum files: every page's
 * entry names the type and referrer the page really has, with SQLite's message
 * {@code Bad ptr map entry key=P expected=(T,PARENT) got=(T,PARENT)} (without SQLite's "On page
 * N ..." prefix: the check runs as a pass of its own after the tree walk).
 *
 * <p>How: pass 1 reads each page's entry and, for pages whose entry says b-tree or overflow,
 * the page itself, recording the entries its references imply (children and first overflow
 * pages of a b-tree page, the successor of an overflow page); the given roots are ROOTPAGE and
 * the freelist's pages FREEPAGE (pass 2). Pass 3 compares. A wrong entry is always found: the
 * first wrong entry on the path from a root is implied correctly by its (correctly typed)
 * referrer. The tree walk of {@code IntegrityCheck} separately proves that each page has one
 * referrer, and reports structural damage; this pass does not repeat those messages.
 *
 * <p>Asynchronous shape: {@link #run()} returns Pending on a page miss and resumes at the same
 * page on the next call (state machine). Call on the database's event loop inside a read
 * transaction.
 */
public final class PtrMapCheck {
    private static final ValueLayout.OfInt BE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final Pager pager;
    private final PtrMap map;
    private final int[] roots;
    private final int nPage;
    private final int usable;
    private final byte[] expectedType;
    private final int[] expectedParent;
    private final byte[] gotType;
    private final int[] gotParent;
    private final List<String> problems = new ArrayList<>();
    private final int maxProblems;
    private int phase;
    private int next = 2;
    private int trunk = -1;
    private long trunksLeft;
    private boolean finished;
    private long visited;

    /**
     * @param roots every table and index root page (page 1 and zeros are ignored)
     * @param maxProblems stop collecting after this many messages
     */
    public PtrMapCheck(Pager pager, int[] roots, int maxProblems) {
        this.pager = pager;
        this.usable = pager.usableSize();
        this.map = new PtrMap(usable, FileLocks.lockBytePage(pager.pageSize()));
        this.roots = roots.clone();
        this.nPage = Math.max(0, pager.pageCount());
        this.expectedType = new byte[nPage + 1];
        this.expectedParent = new int[nPage + 1];
        this.gotType = new byte[nPage + 1];
        this.gotParent = new int[nPage + 1];
        this.maxProblems = Math.max(1, maxProblems);
    }

    /** READY when finished ({@link #problems()}); Pending while a page is read (call again). */
    public IoStatus run() {
        return run(Long.MAX_VALUE);
    }

    /**
     * As {@link #run()}, but returns READY (not {@link #isFinished() finished}) once it has
     * looked at {@code pageBudget} pages, so a caller can let other work run in between.
     */
    public IoStatus run(long pageBudget) {
        long budget = Math.max(1, pageBudget);
        while (!finished) {
            switch (phase) {
                case 0 -> {
                    for (; next <= nPage; next++) {
                        if (map.isSpecial(next)) {
                            continue;
                        }
                        if (budget-- <= 0) {
                            return IoStatus.READY;
                        }
                        IoStatus s = readEntryAndPage(next);
                        if (!s.isReady()) {
                            return s;
                        }
                        visited++;
                    }
                    for (int r : roots) {
                        if (r >= 2 && r <= nPage) {
                            expect(r, PtrMap.ROOTPAGE, 0);
                        }
                    }
                    trunksLeft = Integer.toUnsignedLong(pager.headerInt(36));
                    trunk = trunksLeft == 0 ? 0 : pager.headerInt(32);
                    phase = 1;
                }
                case 1 -> {
                    // The freelist: the tree walk reports its damage; here only well-formed parts count.
                    while (trunk >= 2 && trunk <= nPage && trunksLeft-- > 0) {
                        IoStatus s = pager.fetch(trunk);
                        if (!s.isReady()) {
                            trunksLeft++;
                            return s;
                        }
                        MemorySegment d = pager.get(trunk).data();
                        expect(trunk, PtrMap.FREEPAGE, 0);
                        int leaves = d.get(BE_INT, 4);
                        if (leaves >= 0 && leaves <= usable / 4 - 2) {
                            for (int i = 0; i < leaves; i++) {
                                int leaf = d.get(BE_INT, 8 + 4L * i);
                                if (leaf >= 2 && leaf <= nPage) {
                                    expect(leaf, PtrMap.FREEPAGE, 0);
                                }
                            }
                        }
                        trunk = d.get(BE_INT, 0);
                    }
                    phase = 2;
                }
                default -> {
                    for (int p = 2; p <= nPage && problems.size() < maxProblems; p++) {
                        if (expectedType[p] != 0 && !map.isSpecial(p)
                                && (expectedType[p] != gotType[p] || expectedParent[p] != gotParent[p])) {
                            problems.add("Bad ptr map entry key=" + p + " expected=(" + expectedType[p] + ","
                                    + Integer.toUnsignedString(expectedParent[p]) + ") got=(" + gotType[p] + ","
                                    + Integer.toUnsignedString(gotParent[p]) + ")");
                        }
                    }
                    finished = true;
                }
            }
        }
        return IoStatus.READY;
    }

    public boolean isFinished() {
        return finished;
    }

    /** Pages looked at so far (their entries and, for b-tree and overflow pages, their content). */
    public long pagesVisited() {
        return visited;
    }

    /** The messages, empty when every entry is right (valid once {@link #isFinished()}). */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    private IoStatus readEntryAndPage(int p) {
        int m = map.mapPageOf(p);
        IoStatus s = pager.fetch(m);
        if (!s.isReady()) {
            return s;
        }
        MemorySegment md = pager.get(m).data();
        byte type = map.type(md, m, p);
        gotType[p] = type;
        gotParent[p] = map.parent(md, m, p);
        if (type != PtrMap.ROOTPAGE && type != PtrMap.BTREE && type != PtrMap.OVERFLOW1 && type != PtrMap.OVERFLOW2) {
            return IoStatus.READY;
        }
        s = pager.fetch(p);
        if (!s.isReady()) {
            return s;
        }
        MemorySegment d = pager.get(p).data();
        if (type == PtrMap.OVERFLOW1 || type == PtrMap.OVERFLOW2) {
            int succ = d.get(BE_INT, 0);
            if (succ >= 2 && succ <= nPage) {
                expect(succ, PtrMap.OVERFLOW2, p);
            }
            return IoStatus.READY;
        }
        if (!PtrMapRefs.isBTreePage(d, p)) {
            return IoStatus.READY; // the tree walk reports a page that is not a b-tree page
        }
        try {
            PtrMapRefs.forEach(d, p, usable, new PtrMapRefs.Visitor() {
                @Override
                public void child(int c, int pointerOffset) {
                    if (c >= 2 && c <= nPage) {
                        expect(c, PtrMap.BTREE, p);
                    }
                }

                @Override
                public void overflow(int o, int pointerOffset) {
                    if (o >= 2 && o <= nPage) {
                        expect(o, PtrMap.OVERFLOW1, p);
                    }
                }
            });
        } catch (io.ringlite.storage.error.DatabaseException damaged) {
            // a damaged page: the tree walk reports it
        }
        return IoStatus.READY;
    }

    private void expect(int p, byte type, int parent) {
        expectedType[p] = type;
        expectedParent[p] = parent;
    }
}
