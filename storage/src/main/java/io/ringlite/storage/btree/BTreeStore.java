package io.ringlite.storage.btree;

import io.ringlite.storage.io.IoStatus;

/** The B-trees of one database file, over its {@link io.ringlite.storage.pager.Pager}. */
public interface BTreeStore {

    /** A cursor on the table B-tree rooted at {@code rootPage} (1 = sqlite_schema). */
    BTreeCursor openTable(int rootPage, boolean writable);

    /**
     * Allocates and initialises an empty table B-tree root (write transaction). On READY,
     * {@code rootOut[0]} holds its page number; on Pending nothing was allocated.
     */
    IoStatus createTable(int[] rootOut);

    /**
     * A cursor on the index B-tree (or WITHOUT ROWID table) rooted at {@code rootPage}, ordered
     * by {@code keyInfo}.
     */
    default IndexCursor openIndex(int rootPage, io.ringlite.storage.record.KeyInfo keyInfo, boolean writable) {
        throw new UnsupportedOperationException("index b-trees are not supported by " + getClass().getSimpleName());
    }

    /**
     * Allocates and initialises an empty index B-tree root (an empty 0x0A leaf) in the write
     * transaction. On READY {@code rootOut[0]} holds its page number; on Pending nothing changed.
     */
    default IoStatus createIndex(int[] rootOut) {
        throw new UnsupportedOperationException("index b-trees are not supported by " + getClass().getSimpleName());
    }

    /**
     * Empties the tree (table or index) rooted at {@code root}: every other page of it and every
     * overflow page of its cells goes to the freelist; the root stays, as an empty leaf of the
     * same kind. Re-run after Pending (nothing changed until READY).
     */
    default IoStatus clearTree(int root) {
        throw new UnsupportedOperationException("clearTree is not supported by " + getClass().getSimpleName());
    }

    /** As {@link #clearTree}, and the root page is freed too (DROP TABLE / DROP INDEX). */
    default IoStatus dropTree(int root) {
        throw new UnsupportedOperationException("dropTree is not supported by " + getClass().getSimpleName());
    }

    /**
     * Pages changed behind the B-trees' back (after {@code Pager.rollback()} or
     * {@code rollbackStatement()}): open cursors re-seek their rowid before they use a page
     * again, and no interrupted multi-step walk resumes with stale progress. Cheap. A store made
     * by {@link BTrees#create} is registered with its pager, which calls this after every
     * rollback ({@code Pager.addRollbackListener}); other callers need not.
     */
    default void invalidate() {
    }
}
