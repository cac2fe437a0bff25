package io.ringlite.storage.pager;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the open write transaction changed, kept so that it can be undone: the dirty pages,
 * before-images for rollback, and the statement journal for statement savepoints. Everything is
 * in memory: Ringlite's pager never spills a transaction into the database file (WAL mode writes
 * only at commit), so no rollback journal file exists.
 *
 * <p>Invariants:
 * <ol>
 *   <li>{@code dirty} lists exactly the pages whose {@code dirty} flag is set, each once.</li>
 *   <li>A dirty page has a before-image unless it is <em>fresh</em> (created by this transaction
 *       without being read: appended, or reused from the freelist), or was created past the
 *       page count the transaction started with.</li>
 *   <li>With a statement open, every page changed or created since it began has exactly one
 *       statement entry: its content and dirty flag at statement start, or "did not exist".</li>
 * </ol>
 */
final class TransactionJournal {
    private final int pageSize;
    private final List<Page> dirty = new ArrayList<>();
    private final Map<Integer, MemorySegment> before = new HashMap<>();
    private final Set<Integer> fresh = new HashSet<>();

    private boolean statementOpen;
    private int statementPages;
    private final Map<Integer, StatementEntry> statement = new HashMap<>();

    /** A page's state when the statement began; {@code content == null}: it did not exist. */
    private record StatementEntry(MemorySegment content, boolean wasDirty) {
    }

    TransactionJournal(int pageSize) {
        this.pageSize = pageSize;
    }

    boolean isEmpty() {
        return dirty.isEmpty();
    }

    /** The dirty pages sorted by page number (the order their frames are written). */
    List<Page> sortedDirtyPages() {
        dirty.sort(Comparator.comparingInt(Page::number));
        return dirty;
    }

    /** Records {@code page}'s state before a change (markDirty) and marks it dirty. */
    void beforeChange(Page page) {
        int n = page.number();
        if (statementOpen && !statement.containsKey(n)) {
            statement.put(n, new StatementEntry(copyOf(page.data()), page.dirty));
        }
        if (!page.dirty) {
            if (!fresh.contains(n) && !before.containsKey(n)) {
                before.put(n, copyOf(page.data()));
            }
            page.dirty = true;
            dirty.add(page);
        }
    }

    /** Records a page this transaction created without reading it; marks it dirty. */
    void created(Page page) {
        int n = page.number();
        if (statementOpen && !statement.containsKey(n)) {
            statement.put(n, new StatementEntry(null, false));
        }
        fresh.add(n);
        page.dirty = true;
        dirty.add(page);
    }

    /** Keeps an explicit before-image (page 1 of a new database, which rollback must keep). */
    void keepBeforeImage(Page page) {
        before.put(page.number(), copyOf(page.data()));
    }

    MemorySegment beforeImage(int n) {
        return before.get(n);
    }

    /** The transaction committed: its pages are clean, nothing needs undoing. */
    void committed() {
        for (Page p : dirty) {
            p.dirty = false;
        }
        clear();
    }

    /** Restores every page with a before-image and drops the others from {@code cache}. */
    void rollback(PageCache cache) {
        for (Page p : dirty) {
            MemorySegment b = before.get(p.number());
            p.dirty = false;
            if (b != null) {
                MemorySegment.copy(b, 0, p.data(), 0, pageSize);
            } else {
                cache.remove(p.number());
            }
        }
        clear();
    }

    void beginStatement(int pageCount) {
        statementOpen = true;
        statementPages = pageCount;
        statement.clear();
    }

    void commitStatement() {
        statementOpen = false;
        statement.clear();
    }

    /**
     * Restores every page changed since the statement began and drops the pages it created.
     * Returns the page count at statement start, or -1 if no statement was open.
     */
    int rollbackStatement(PageCache cache) {
        if (!statementOpen) {
            return -1;
        }
        for (Map.Entry<Integer, StatementEntry> e : statement.entrySet()) {
            int n = e.getKey();
            StatementEntry entry = e.getValue();
            Page p = cache.get(n);
            if (entry.content() == null) {
                if (p != null) {
                    p.dirty = false;
                    dirty.remove(p);
                    cache.remove(n);
                }
                fresh.remove(n);
                continue;
            }
            if (p == null) {
                throw new IllegalStateException("invariant: statement-journaled page " + n + " was evicted");
            }
            MemorySegment.copy(entry.content(), 0, p.data(), 0, pageSize);
            if (!entry.wasDirty()) {
                p.dirty = false;
                dirty.remove(p);
                before.remove(n);
            }
        }
        commitStatement();
        return statementPages;
    }

    void clear() {
        dirty.clear();
        before.clear();
        fresh.clear();
        commitStatement();
    }

    private MemorySegment copyOf(MemorySegment page) {
        MemorySegment copy = MemorySegment.ofArray(new byte[pageSize]);
        MemorySegment.copy(page, 0, copy, 0, pageSize);
        return copy;
    }
}
