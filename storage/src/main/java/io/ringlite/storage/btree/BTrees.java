package io.ringlite.storage.btree;

import io.ringlite.storage.pager.Pager;

/** Entry point of the B-tree layer. */
public final class BTrees {
    private BTrees() {
    }

    /** The B-trees of the database behind {@code pager}; use it on the pager's event loop only. */
    public static BTreeStore create(Pager pager) {
        PagerBTreeStore store = new PagerBTreeStore(pager);
        // Done here, not by the engine, so that no rollback path can forget it (see
        // BTreeStore.invalidate()): a cursor left on a page the rollback restored would
        // otherwise read rows that no longer exist.
        pager.addRollbackListener(store::invalidate);
        return store;
    }

    /**
     * Formats {@code page} (already marked dirty) as an empty table leaf: how a new database's
     * page 1 (the sqlite_schema root) or a new table root starts.
     */
    public static void initEmptyTableLeaf(io.ringlite.storage.pager.Page page, int usableSize) {
        BTreePage.write(page.data(), page.number(), PageType.TABLE_LEAF, java.util.List.of(), 0, usableSize);
    }
}
