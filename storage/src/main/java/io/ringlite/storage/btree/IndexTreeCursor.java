package io.ringlite.storage.btree;

import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import io.ringlite.storage.io.IoStatus;
import io.ringlite.storage.pager.Page;
import io.ringlite.storage.pager.Pager;
import io.ringlite.storage.record.KeyInfo;
import io.ringlite.storage.record.RecordCompare;
import java.lang.foreign.MemorySegment;
import java.util.function.ToIntFunction;

/**
 * A cursor on one index B-tree.
 *
 * <p>Design: as {@link TableCursor}, a movement computes an {@link IndexPath} into a scratch
 * path and swaps it in only after READY (re-execution after Pending), and writes go through
 * {@link IndexWriter} (fetch-then-mutate). The saved position is the current entry's key
 * record itself, copied when the cursor lands on it (index keys have no rowid of their own), so
 * a cursor whose tree changed re-seeks that key: next = first entry &gt; key, previous = last
 * entry &lt; key, which is right whether or not the entry still exists.
 *
 * <p>States and transitions:
 * <pre>
 *   UNPOSITIONED --first/last/seek--> VALID | EOF
 *   VALID --tree changed (generation), delete()--> SAVED(key)
 *   SAVED --next/previous/loadPayload/delete: re-seek key--> VALID | EOF
 *   any --insert--> VALID (on the new entry) or SAVED
 * </pre>
 *
 * <p>Invariants: in VALID the page of the current entry is pinned and {@code current} is its
 * key as of {@code generation}; in other states nothing is pinned; a Pending result changed
 * no field but scratch ones.
 */
final class IndexTreeCursor implements IndexCursor {
    private enum State { UNPOSITIONED, VALID, SAVED, EOF, CLOSED }

    private final PagerBTreeStore store;
    private final Pager pager;
    private final int root;
    private final KeyInfo keyInfo;
    private final boolean writable;

    private IndexPath path = new IndexPath();
    private IndexPath scratch = new IndexPath();
    private State state = State.UNPOSITIONED;
    private long generation;
    private boolean found;
    private Page pinned;
    private byte[] current = new byte[0];
    private MemorySegment currentSeg = MemorySegment.ofArray(current);

    IndexTreeCursor(PagerBTreeStore store, int root, KeyInfo keyInfo, boolean writable) {
        this.store = store;
        this.pager = store.pager();
        this.root = root;
        this.keyInfo = keyInfo;
        this.writable = writable;
    }

    @Override
    public int rootPage() {
        return root;
    }

    @Override
    public KeyInfo keyInfo() {
        return keyInfo;
    }

    private void sync() {
        if (state == State.CLOSED) {
            throw new IllegalStateException("invariant: cursor used after close");
        }
        if (state == State.VALID && generation != store.generation()) {
            save();
        }
    }

    private void save() {
        unpin();
        state = State.SAVED;
    }

    private void unpin() {
        if (pinned != null) {
            pager.unpin(pinned);
            pinned = null;
        }
    }

    /** After the scratch path is READY: load its key (maybe Pending), then make it the position. */
    private IoStatus land(ToIntFunction<MemorySegment> eqTest) {
        if (scratch.eof || scratch.depth == 0) {
            unpin();
            swap();
            path.depth = 0;
            state = State.EOF;
            found = false;
            return IoStatus.READY;
        }
        IoStatus s = scratch.loadKey(pager);
        if (!s.isReady()) {
            return s;
        }
        MemorySegment k = scratch.key();
        boolean hit = eqTest != null && eqTest.applyAsInt(k) == 0;
        int n = (int) k.byteSize();
        if (current.length != n) {
            current = new byte[n];
            currentSeg = MemorySegment.ofArray(current);
        }
        MemorySegment.copy(k, 0, currentSeg, 0, n);
        Page page = pager.get(scratch.page());
        if (page != pinned) {
            pager.pin(page);
            unpin();
            pinned = page;
        }
        swap();
        found = hit;
        generation = store.generation();
        state = State.VALID;
        return IoStatus.READY;
    }

    private void swap() {
        IndexPath t = path;
        path = scratch;
        scratch = t;
    }

    private ToIntFunction<MemorySegment> byRecord(MemorySegment key) {
        return e -> RecordCompare.compare(e, key, keyInfo);
    }

    private ToIntFunction<MemorySegment> byValues(Object[] key) {
        return e -> RecordCompare.compare(e, key, keyInfo);
    }

    @Override
    public IoStatus first() {
        sync();
        IoStatus s = scratch.first(pager, root);
        return s.isReady() ? land(null) : s;
    }

    @Override
    public IoStatus last() {
        sync();
        IoStatus s = scratch.last(pager, root);
        return s.isReady() ? land(null) : s;
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
                scratch.copyFrom(path);
                s = scratch.advance(pager);
            }
            case SAVED -> s = scratch.seek(pager, root, byRecord(savedKey()), true);
            default -> throw new IllegalStateException("invariant: next() in state " + state);
        }
        return s.isReady() ? land(null) : s;
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
                scratch.copyFrom(path);
                s = scratch.retreat(pager);
            }
            case SAVED -> s = seekBefore(byRecord(savedKey()), false);
            default -> throw new IllegalStateException("invariant: previous() in state " + state);
        }
        return s.isReady() ? land(null) : s;
    }

    /** The saved key as its own segment (a seek lands into {@code current} while comparing). */
    private MemorySegment savedKey() {
        return MemorySegment.ofArray(current.clone());
    }

    /** Last entry &lt; key (strict false) or &lt;= key (strict true), into scratch. */
    private IoStatus seekBefore(ToIntFunction<MemorySegment> cmp, boolean inclusive) {
        IoStatus s = scratch.seek(pager, root, cmp, inclusive);
        if (!s.isReady()) {
            return s;
        }
        return scratch.eof ? scratch.last(pager, root) : scratch.retreat(pager);
    }

    @Override
    public IoStatus seek(Object[] key, SeekOp op) {
        return seek(byValues(key), op);
    }

    @Override
    public IoStatus seek(MemorySegment keyRecord, SeekOp op) {
        return seek(byRecord(keyRecord), op);
    }

    private IoStatus seek(ToIntFunction<MemorySegment> cmp, SeekOp op) {
        sync();
        IoStatus s = switch (op) {
            case GE, EQ -> scratch.seek(pager, root, cmp, false);
            case GT -> scratch.seek(pager, root, cmp, true);
            case LE -> seekBefore(cmp, true);
            case LT -> seekBefore(cmp, false);
        };
        return s.isReady() ? land(cmp) : s;
    }

    @Override
    public IoStatus seekRowid(long rowid) {
        throw new IllegalStateException("invariant: seekRowid on an index cursor (root " + root + ")");
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
        throw new IllegalStateException("invariant: rowid() on an index cursor (root " + root + ")");
    }

    @Override
    public long payloadSize() {
        requireEntry();
        return current.length;
    }

    private void requireEntry() {
        if (state != State.VALID && state != State.SAVED) {
            throw new IllegalStateException("invariant: cursor has no current entry (" + state + ")");
        }
    }

    /** SAVED: re-seeks the saved key; it must still be there. */
    private IoStatus restore() {
        MemorySegment key = savedKey();
        IoStatus s = scratch.seek(pager, root, byRecord(key), false);
        if (!s.isReady()) {
            return s;
        }
        boolean hadFound = found;
        s = land(byRecord(key));
        if (!s.isReady()) {
            return s;
        }
        if (!found) {
            save();
            throw new DatabaseException(ResultCode.ABORT_ROLLBACK, "abort due to ROLLBACK");
        }
        found = hadFound;
        return IoStatus.READY;
    }

    @Override
    public IoStatus loadPayload() {
        sync();
        if (state == State.SAVED) {
            return restore();
        }
        requireEntry();
        return IoStatus.READY;
    }

    @Override
    public MemorySegment payload() {
        if (state != State.VALID) {
            throw new IllegalStateException("invariant: payload() before loadPayload() returned READY");
        }
        return currentSeg;
    }

    @Override
    public int compareCurrent(Object[] key) {
        requireEntry();
        return RecordCompare.compare(currentSeg, key, keyInfo);
    }

    @Override
    public int compareCurrent(MemorySegment keyRecord) {
        requireEntry();
        return RecordCompare.compare(currentSeg, keyRecord, keyInfo);
    }

    @Override
    public IoStatus insert(long rowid, MemorySegment record) {
        throw new IllegalStateException("invariant: insert(rowid, record) on an index cursor; use insert(record)");
    }

    @Override
    public IoStatus insert(MemorySegment keyRecord) {
        requireWritable();
        sync();
        IoStatus s = store.indexWriter().insert(root, scratch, keyRecord, keyInfo);
        if (!s.isReady()) {
            return s;
        }
        store.changed();
        // re-position on the new entry; every page involved is cached, so READY in practice
        save();
        int n = (int) keyRecord.byteSize();
        current = new byte[n];
        currentSeg = MemorySegment.ofArray(current);
        MemorySegment.copy(keyRecord, 0, currentSeg, 0, n);
        MemorySegment key = savedKey();
        s = scratch.seek(pager, root, byRecord(key), false);
        if (s.isReady()) {
            s = land(byRecord(key));
        }
        if (!s.isReady() || state != State.VALID || !found) {
            current = key.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            currentSeg = MemorySegment.ofArray(current);
            save();
        }
        return IoStatus.READY;
    }

    @Override
    public IoStatus delete() {
        requireWritable();
        sync();
        if (state == State.SAVED) {
            IoStatus s = restore();
            if (!s.isReady()) {
                return s;
            }
        }
        if (state != State.VALID) {
            throw new IllegalStateException("invariant: delete() without a current entry (" + state + ")");
        }
        scratch.copyFrom(path);
        IoStatus s = store.indexWriter().delete(root, scratch);
        if (!s.isReady()) {
            return s;
        }
        store.changed();
        save();
        return IoStatus.READY;
    }

    private void requireWritable() {
        if (!writable) {
            throw new IllegalStateException("invariant: write through a read-only cursor on root " + root);
        }
    }

    @Override
    public void close() {
        unpin();
        state = State.CLOSED;
    }
}
