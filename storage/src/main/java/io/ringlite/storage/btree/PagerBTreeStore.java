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
 *
 * <p>Table trees are written by {@link TableWriter}, index trees (indexes and WITHOUT ROWID
 * tables) by {@link IndexWriter}; both hand the pages of a path to the {@link Balancer} after a
 * change. {@link TreeDropper} frees whole trees.
 */
final class PagerBTreeStore implements BTreeStore {
    private final Pager pager;
    private final TableWriter writer;
    private final IndexWriter indexWriter;
    private final TreeDropper dropper;
    private long generation;

    PagerBTreeStore(Pager pager) {
        this.pager = pager;
        this.writer = new TableWriter(pager, this::generation);
        this.indexWriter = new IndexWriter(pager, this::generation);
        this.dropper = new TreeDropper(pager, this::generation);
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
        dropper.reset();
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
    public IndexCursor openIndex(int rootPage, io.ringlite.storage.record.KeyInfo keyInfo, boolean writable) {
        if (rootPage < 2) {
            throw new IllegalArgumentException("index root page " + rootPage);
        }
        return new IndexTreeCursor(this, rootPage, keyInfo, writable);
    }

    @Override
    public IoStatus createIndex(int[] rootOut) {
        IoStatus s = pager.allocateRoot(rootOut);
        if (!s.isReady()) {
            return s;
        }
        Page page = pager.get(rootOut[0]);
        BTreePage.write(page.data(), page.number(), PageType.INDEX_LEAF, List.of(), 0, pager.usableSize());
        rootOut[0] = page.number();
        changed();
        return IoStatus.READY;
    }

    @Override
    public IoStatus clearTree(int root) {
        IoStatus s = dropper.clear(root, false);
        if (s.isReady()) {
            changed();
        }
        return s;
    }

    @Override
    public IoStatus dropTree(int root) {
        if (root < 2) {
            throw new IllegalArgumentException("cannot drop the tree rooted at page " + root);
        }
        IoStatus s = dropper.clear(root, true);
        if (s.isReady()) {
            changed();
        }
        return s;
    }

    IndexWriter indexWriter() {
        return indexWriter;
    }

    @Override
    public IoStatus createTable(int[] rootOut) {
        IoStatus s = pager.allocateRoot(rootOut);
        if (!s.isReady()) {
            return s;
        }
        Page page = pager.get(rootOut[0]);
        BTreePage.write(page.data(), page.number(), PageType.TABLE_LEAF, List.of(), 0, pager.usableSize());
        rootOut[0] = page.number();
        changed();
        return IoStatus.READY;
    }
}
