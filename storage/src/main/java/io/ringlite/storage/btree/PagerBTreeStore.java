package io.ringlite.storage.btree;

import io.ringlite.storage.io.IoStatus;
import io.ringlite.storage.pager.Page;
import io.ringlite.storage.pager.Pager;
import java.util.List;

/**
 * The B-trees of one database over its pager. Confined to the database's event loop.
 *
 * <p>{@link #generation()} counts tree mutations (any tree of this store) and invalidations
 * (rollbacks); a cursor positioned at an older generation re-seeks its saved rowid before it
 * uses page contents again, and a resumable overflow walk of an older generation restarts.
 */
final class PagerBTreeStore implements BTreeStore {
    private final Pager pager;
    private final TableWriter writer;
    private long generation;

    PagerBTreeStore(Pager pager) {
        this.pager = pager;
        this.writer = new TableWriter(pager, this::generation);
    }

    Pager pager() {
        return pager;
    }

    TableWriter writer() {
        return writer;
    }

    long generation() {
        return generation;
    }

    void changed() {
        generation++;
    }

    @Override
    public void invalidate() {
        changed();
    }

    @Override
    public BTreeCursor openTable(int rootPage, boolean writable) {
        if (rootPage < 1) {
            throw new IllegalArgumentException("root page " + rootPage);
        }
        return new TableCursor(this, rootPage, writable);
    }

    @Override
    public IoStatus createTable(int[] rootOut) {
        IoStatus s = pager.prepareAllocate(1);
        if (!s.isReady()) {
            return s;
        }
        Page page = pager.allocate();
        BTreePage.write(page.data(), page.number(), PageType.TABLE_LEAF, List.of(), 0, pager.usableSize());
        rootOut[0] = page.number();
        changed();
        return IoStatus.READY;
    }
}
