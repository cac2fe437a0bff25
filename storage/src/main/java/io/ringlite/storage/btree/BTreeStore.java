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
     * Pages changed behind the B-trees' back (after {@code Pager.rollback()} or
     * {@code rollbackStatement()}): open cursors re-seek their rowid before they use a page
     * again, and no interrupted multi-step walk resumes with stale progress. Cheap. A store made
     * by {@link BTrees#create} is registered with its pager, which calls this after every
     * rollback ({@code Pager.addRollbackListener}); other callers need not.
     */
    default void invalidate() {
    }
}
