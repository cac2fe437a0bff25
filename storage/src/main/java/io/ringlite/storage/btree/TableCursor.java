package io.ringlite.storage.btree;

import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.io.IoStatus;
import io.ringlite.storage.pager.Page;
import io.ringlite.storage.pager.Pager;
import java.lang.foreign.MemorySegment;

/**
 * A cursor on one table (rowid) B-tree.
 *
 * <p>Design. The position is a {@link TreePath} plus the decoded current cell. Every movement
 * computes the new path into a scratch path and swaps it in only after READY, so a movement that
 * returns Pending left the cursor exactly where it was; the VDBE simply re-runs it
 * (<em>re-execution</em>: reads are re-runs over a now-warm cache). The one exception is
 * reading an overflow chain in {@link #loadPayload}, a <em>state machine</em> that keeps its
 * progress across Pending (see there). Inserts and deletes are fetch-then-mutate in
 * {@link TableWriter}: a Pending happens before the first change, also a re-run (their
 * overflow-chain walk resumes, see {@link OverflowChain}).
 *
 * <p>States and transitions:
 * <pre>
 *   UNPOSITIONED --first/last/seekRowid/next--> VALID | EOF
 *   VALID --tree changed by any cursor (generation), delete()--> SAVED(rowid)
 *   SAVED --next/previous: re-seek the saved rowid, then step--> VALID | EOF
 *   SAVED --loadPayload: re-seek the saved rowid--> VALID
 *   any --insert--> VALID (on the new entry) or SAVED (if re-positioning would need I/O)
 * </pre>
 *
 * <p>Invariants:
 * <ol>
 *   <li>In VALID, {@code leaf} is pinned and is page {@code path.leafPage()}; rowid and
 *       payload fields describe cell {@code path.leafIndex()} as of {@code generation}.</li>
 *   <li>In every other state no page is pinned.</li>
 *   <li>A Pending result changed no field except scratch ones (and the progress of an
 *       overflow read, which belongs to the unchanged position).</li>
 * </ol>
 */
final class TableCursor implements BTreeCursor {
    private enum State { UNPOSITIONED, VALID, SAVED, EOF, CLOSED }

    private final PagerBTreeStore store;
    private final Pager pager;
    private final int root;
    private final boolean writable;

    private TreePath path = new TreePath();
    private TreePath scratch = new TreePath();
    private State state = State.UNPOSITIONED;
    private long generation;
    private boolean found;

    private Page leaf;
    private long rowid;
    private long payloadSize;
    private int payloadOffset;
    private int localSize;
    private int firstOverflow;
    private MemorySegment payload;
    private byte[] assembled = new byte[0];
    /** Overflow read progress (a state machine, see loadPayload): bytes assembled, -1 = not started. */
    private int loaded = -1;
    private int loadNext;
    private long loadPages;

    TableCursor(PagerBTreeStore store, int root, boolean writable) {
        this.store = store;
        this.pager = store.pager();
        this.root = root;
        this.writable = writable;
    }

    @Override
    public int rootPage() {
        return root;
    }

    /** A tree change since we positioned turns VALID into SAVED (re-seek before using pages). */
    private void sync() {
        if (state == State.VALID && generation != store.generation()) {
            save();
        }
        if (state == State.CLOSED) {
            throw new IllegalStateException("invariant: cursor used after close");
        }
    }

    private void save() {
        loaded = -1;
        unpinLeaf();
        payload = null;
        state = State.SAVED;
    }

    @Override
    public IoStatus first() {
        sync();
        IoStatus s = scratch.first(pager, root);
        if (!s.isReady()) {
            return s;
        }
        commit(false);
        return IoStatus.READY;
    }

    @Override
    public IoStatus last() {
        sync();
        IoStatus s = scratch.last(pager, root);
        if (!s.isReady()) {
            return s;
        }
        commit(false);
        return IoStatus.READY;
    }

    @Override
    public IoStatus next() {
        sync();
        IoStatus s;
        switch (state) {
            case UNPOSITIONED, EOF -> {
                return IoStatus.READY;
            }
            case VALID -> {
                if (stepWithinLeaf(1)) {
                    return IoStatus.READY;
                }
                scratch.copyFrom(path);
                s = scratch.advance(pager);
            }
            case SAVED -> {
                s = scratch.seek(pager, root, rowid);
                if (s.isReady()) {
                    if (scratch.found) {
                        s = scratch.advance(pager);
                    } else {
                        s = scratch.forward(pager, scratch.depth - 1);
                    }
                }
            }
            default -> throw new IllegalStateException("invariant: next() in state " + state);
        }
        if (!s.isReady()) {
            return s;
        }
        commit(false);
        return IoStatus.READY;
    }

    @Override
    public IoStatus previous() {
        sync();
        IoStatus s;
        switch (state) {
            case UNPOSITIONED, EOF -> {
                return IoStatus.READY;
            }
            case VALID -> {
                if (stepWithinLeaf(-1)) {
                    return IoStatus.READY;
                }
                scratch.copyFrom(path);
                s = scratch.retreat(pager);
            }
            case SAVED -> {
                // the lower bound is the saved row or the first one after it: step back once
                s = scratch.seek(pager, root, rowid);
                if (s.isReady()) {
                    s = scratch.retreat(pager);
                }
            }
            default -> throw new IllegalStateException("invariant: previous() in state " + state);
        }
        if (!s.isReady()) {
            return s;
        }
        commit(false);
        return IoStatus.READY;
    }

    /**
     * Found: on the entry. Not found: on the smallest entry greater than {@code key} if there is
     * one, else on the largest entry; eof only if the tree is empty.
     */
    @Override
    public IoStatus seekRowid(long key) {
        sync();
        IoStatus s = scratch.seek(pager, root, key);
        if (!s.isReady()) {
            return s;
        }
        boolean hit = scratch.found;
        if (!hit) {
            s = scratch.forward(pager, scratch.depth - 1);
            if (s.isReady() && scratch.eof) {
                s = scratch.last(pager, root);
            }
            if (!s.isReady()) {
                return s;
            }
        }
        commit(hit);
        return IoStatus.READY;
    }

    /**
     * Makes the scratch path the position (after READY). A corrupt current cell leaves the
     * cursor at EOF and throws (the statement fails).
     */
    private void commit(boolean hit) {
        loaded = -1;
        if (scratch.eof || scratch.depth == 0) {
            unpinLeaf();
            TreePath t = path;
            path = scratch;
            scratch = t;
            path.depth = 0;
            state = State.EOF;
            found = false;
            payload = null;
            return;
        }
        int no = scratch.leafPage();
        Page page = pager.get(no);
        if (page != leaf) {
            pager.pin(page);
            unpinLeaf();
            leaf = page;
        }
        TreePath t = path;
        path = scratch;
        scratch = t;
        found = hit;
        generation = store.generation();
        state = State.VALID;
        try {
            readCell(path.leafIndex());
        } catch (DatabaseException corrupt) {
            save();
            state = State.EOF;
            throw corrupt;
        }
    }

    /**
     * Decodes leaf cell {@code i} of the pinned leaf into the entry fields. All reads come
     * before the first assignment, so a corrupt cell leaves the fields as they were.
     */
    private void readCell(int i) {
        int usable = pager.usableSize();
        int no = leaf.number();
        MemorySegment d = leaf.data();
        int off = BTreePage.cellOffset(d, BTreePage.headerOffset(no), PageType.TABLE_LEAF, i, usable, no);
        long p = Varints.read(d, off, usable, no);
        off += Varints.length(d, off, usable, no);
        long r = Varints.read(d, off, usable, no);
        off += Varints.length(d, off, usable, no);
        if (p < 0 || p > Integer.MAX_VALUE - 8) {
            throw DatabaseException.corrupt(no, "payload size " + p + " out of range");
        }
        int local = PayloadRules.localSize(PageType.TABLE_LEAF, p, usable);
        int end = off + local + (local < p ? 4 : 0);
        if (end > usable) {
            throw DatabaseException.corrupt(no, "cell extends past the page");
        }
        rowid = r;
        payloadSize = p;
        payloadOffset = off;
        localSize = local;
        firstOverflow = local < p ? BTreePage.u32(d, off + local) : 0;
        payload = null;
        loaded = -1;
    }

    /**
     * The cache-hit fast path of next/previous: the neighbour is on the pinned leaf (which a pin
     * keeps valid across instructions), so no fetch and no path copy are needed. Returns false
     * when the move leaves the leaf.
     */
    private boolean stepWithinLeaf(int delta) {
        int i = path.leafIndex() + delta;
        if (i < 0 || i >= BTreePage.cellCount(leaf.data(), BTreePage.headerOffset(leaf.number()))) {
            return false;
        }
        readCell(i);
        path.idx[path.depth - 1] = i;
        found = false;
        return true;
    }

    private void unpinLeaf() {
        if (leaf != null) {
            pager.unpin(leaf);
            leaf = null;
        }
    }

    @Override
    public boolean eof() {
        return state != State.VALID && state != State.SAVED;
    }

    @Override
    public boolean found() {
        return found;
    }

    @Override
    public long rowid() {
        requireEntry();
        return rowid;
    }

    @Override
    public long payloadSize() {
        requireEntry();
        return payloadSize;
    }

    private void requireEntry() {
        if (state != State.VALID && state != State.SAVED) {
            throw new IllegalStateException("invariant: cursor has no current entry (" + state + ")");
        }
    }

    @Override
    public IoStatus loadPayload() {
        sync();
        if (state == State.SAVED) {
            IoStatus s = scratch.seek(pager, root, rowid);
            if (!s.isReady()) {
                return s;
            }
            if (!scratch.found) {
                throw rowGone();
            }
            boolean hit = found;
            commit(hit);
        }
        requireEntry();
        if (payload != null) {
            return IoStatus.READY;
        }
        if (localSize == payloadSize) {
            payload = leaf.data().asSlice(payloadOffset, payloadSize);
            return IoStatus.READY;
        }
        // Overflow: a state machine, not a re-run. Each page is copied as soon as it is read and
        // the progress kept across Pending (for this position only), so a chain costs one fetch
        // per page and makes progress even when it is longer than the page cache.
        int usable = pager.usableSize();
        long pages = PayloadRules.overflowPages(PageType.TABLE_LEAF, payloadSize, usable);
        if (pages > pager.pageCount()) {
            throw DatabaseException.corrupt(leaf.number(), "payload of " + payloadSize + " bytes needs more pages than the file has");
        }
        int p = (int) payloadSize;
        if (loaded < 0) {
            if (assembled.length < p) {
                assembled = new byte[p];
            }
            MemorySegment.copy(leaf.data(), java.lang.foreign.ValueLayout.JAVA_BYTE, payloadOffset, assembled, 0, localSize);
            loaded = localSize;
            loadNext = firstOverflow;
            loadPages = 0;
        }
        while (loaded < p) {
            int no = loadNext;
            if (no < 2 || no > pager.pageCount() || loadPages >= pages) {
                throw DatabaseException.corrupt(leaf.number(), "overflow page " + Integer.toUnsignedString(no) + " out of range");
            }
            IoStatus s = pager.fetch(no);
            if (!s.isReady()) {
                return s;
            }
            MemorySegment d = pager.get(no).data();
            int n = Math.min(usable - 4, p - loaded);
            MemorySegment.copy(d, java.lang.foreign.ValueLayout.JAVA_BYTE, 4, assembled, loaded, n);
            loaded += n;
            loadPages++;
            loadNext = BTreePage.u32(d, 0);
        }
        payload = MemorySegment.ofArray(assembled).asSlice(0, p);
        return IoStatus.READY;
    }

    @Override
    public MemorySegment payload() {
        if (payload == null || state != State.VALID) {
            throw new IllegalStateException("invariant: payload() before loadPayload() returned READY");
        }
        return payload;
    }

    @Override
    public IoStatus insert(long key, MemorySegment record) {
        requireWritable();
        sync();
        IoStatus s = store.writer().insert(root, scratch, key, record);
        if (!s.isReady()) {
            return s;
        }
        store.changed();
        // Re-position on the new entry: the writer's path still leads there if nothing was
        // balanced; otherwise seek. Every page involved is cached in this instruction, so the
        // seek is READY; were it not, the cursor stays SAVED and re-seeks when next used.
        save();
        rowid = key;
        if (store.writer().insertedInPlace()) {
            scratch.found = true;
            commit(true);
            return IoStatus.READY;
        }
        s = scratch.seek(pager, root, key);
        if (s.isReady() && scratch.found) {
            commit(true);
        }
        return IoStatus.READY;
    }

    @Override
    public IoStatus delete() {
        requireWritable();
        sync();
        if (state == State.SAVED) {
            IoStatus s = scratch.seek(pager, root, rowid);
            if (!s.isReady()) {
                return s;
            }
            if (!scratch.found) {
                throw rowGone();
            }
            commit(true);
        }
        if (state != State.VALID) {
            throw new IllegalStateException("invariant: delete() without a current entry (" + state + ")");
        }
        scratch.copyFrom(path);
        IoStatus s = store.writer().delete(root, scratch);
        if (!s.isReady()) {
            return s;
        }
        store.changed();
        // Next/previous re-seek the deleted rowid and land on its successor/predecessor.
        save();
        return IoStatus.READY;
    }

    /**
     * The saved row vanished: another cursor deleted it or a rollback took it away. SQLite
     * reports a cursor tripped by a rollback as SQLITE_ABORT_ROLLBACK.
     */
    private DatabaseException rowGone() {
        return new DatabaseException(io.ringlite.storage.error.ResultCode.ABORT_ROLLBACK, "abort due to ROLLBACK");
    }

    private void requireWritable() {
        if (!writable) {
            throw new IllegalStateException("invariant: write through a read-only cursor on root " + root);
        }
    }

    @Override
    public void close() {
        unpinLeaf();
        payload = null;
        state = State.CLOSED;
    }
}
