package io.ringlite.engine.exec;

import io.ringlite.storage.btree.BTreeCursor;
import io.ringlite.storage.btree.BTreeStore;
import io.ringlite.storage.btree.IndexCursor;
import io.ringlite.storage.io.Completion;
import io.ringlite.storage.io.IoStatus;
import io.ringlite.storage.record.KeyInfo;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The B-tree store as the VM sees it: the database's store, except that every
 * {@link #MOVES_PER_TURN}-th cursor movement returns Pending on a completion that the event loop
 * completes in a later task.
 *
 * <h2>Why</h2>
 * A statement that reads many rows but emits few (an aggregate over a big table, a scan whose
 * WHERE rejects almost everything, {@code count(*)}, which is one Count instruction) would
 * otherwise run inside one {@code step()} for as long as the cache hits last: the other sessions
 * of the loop, and a cancellation that arrives as a loop task, would wait for it to end. The VM
 * yields only on Pending, and checks its interrupt flag only at instruction boundaries (Count
 * counts a whole tree in one instruction). A Pending movement makes it yield between rows, the
 * {@link Execution} then waits for the completion like for any I/O, and the loop runs what
 * queued meanwhile (other statements, the cancel's drain) before the statement continues.
 *
 * <h2>Invariants</h2>
 * <ol>
 *   <li>A yielding call returns Pending <em>before</em> touching the real cursor, so it changed
 *       nothing (the storage contract for Pending), and the re-run that follows goes through:
 *       the counter restarts at every yield, so no call is refused twice in a row.</li>
 *   <li>Only movements yield (first, last, next, previous, seekRowid); reads of the current entry,
 *       inserts, deletes and createTable pass straight through.</li>
 *   <li>Owner-confined (the loop, or an inline caller), like the store it wraps.</li>
 * </ol>
 */
final class YieldingBTreeStore implements BTreeStore {
    /** Cursor movements between two yields of the loop. */
    static final int MOVES_PER_TURN = 4096;

    private final BTreeStore store;
    private final Executor loop;
    private int moves;
    private long yields;

    YieldingBTreeStore(BTreeStore store, Executor loop) {
        this.store = store;
        this.loop = loop;
    }

    /** How many times a movement yielded the loop (diagnostics and tests). */
    long yields() {
        return yields;
    }

    @Override
    public BTreeCursor openTable(int rootPage, boolean writable) {
        return new Cursor(store.openTable(rootPage, writable));
    }

    @Override
    public IoStatus createTable(int[] rootOut) {
        return store.createTable(rootOut);
    }

    // Index trees pass straight through: their cursors do not yield yet. Statements that walk a
    // whole index without touching a table cursor (none are generated today) would not give
    // the loop away; wrap IndexCursor like TableCursor when the planner starts using indexes.
    @Override
    public IndexCursor openIndex(int rootPage, KeyInfo keyInfo, boolean writable) {
        return store.openIndex(rootPage, keyInfo, writable);
    }

    @Override
    public IoStatus createIndex(int[] rootOut) {
        return store.createIndex(rootOut);
    }

    @Override
    public IoStatus clearTree(int root) {
        return store.clearTree(root);
    }

    @Override
    public IoStatus dropTree(int root) {
        return store.dropTree(root);
    }

    @Override
    public void invalidate() {
        store.invalidate();
    }

    /** Null to go on; a Pending status when this movement must first let the loop turn. */
    private IoStatus turn() {
        if (++moves < MOVES_PER_TURN) {
            return null;
        }
        moves = 0;
        yields++;
        Completion later = new Completion();
        try {
            loop.execute(() -> later.complete(0));
        } catch (RejectedExecutionException closing) {
            // The database is closing: nothing else will get the loop, so do not wait.
            return null;
        }
        return IoStatus.pending(later);
    }

    private final class Cursor implements BTreeCursor {
        private final BTreeCursor c;

        Cursor(BTreeCursor c) {
            this.c = c;
        }

        @Override
        public int rootPage() {
            return c.rootPage();
        }

        @Override
        public IoStatus first() {
            IoStatus y = turn();
            return y != null ? y : c.first();
        }

        @Override
        public IoStatus last() {
            IoStatus y = turn();
            return y != null ? y : c.last();
        }

        @Override
        public IoStatus next() {
            IoStatus y = turn();
            return y != null ? y : c.next();
        }

        @Override
        public IoStatus previous() {
            IoStatus y = turn();
            return y != null ? y : c.previous();
        }

        @Override
        public IoStatus seekRowid(long rowid) {
            IoStatus y = turn();
            return y != null ? y : c.seekRowid(rowid);
        }

        @Override
        public boolean eof() {
            return c.eof();
        }

        @Override
        public boolean found() {
            return c.found();
        }

        @Override
        public long rowid() {
            return c.rowid();
        }

        @Override
        public long payloadSize() {
            return c.payloadSize();
        }

        @Override
        public IoStatus loadPayload() {
            return c.loadPayload();
        }

        @Override
        public MemorySegment payload() {
            return c.payload();
        }

        @Override
        public IoStatus insert(long rowid, MemorySegment record) {
            return c.insert(rowid, record);
        }

        @Override
        public IoStatus delete() {
            return c.delete();
        }

        @Override
        public void close() {
            c.close();
        }
    }
}
