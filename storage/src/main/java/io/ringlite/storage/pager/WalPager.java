package io.ringlite.storage.pager;

import io.ringlite.storage.StorageOptions;
import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import io.ringlite.storage.header.DatabaseHeader;
import io.ringlite.storage.io.AsyncFile;
import io.ringlite.storage.io.Completion;
import io.ringlite.storage.io.IoStatus;
import io.ringlite.storage.lock.FileLocks;
import io.ringlite.storage.wal.Wal;
import io.ringlite.storage.wal.WalBackfill;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The pager of a database in WAL mode: page cache ({@link PageCache}), transactions and
 * statement savepoints ({@link TransactionJournal}), freelist ({@link Freelist}), commit through
 * the {@link Wal}, checkpoint into the database file ({@link WalBackfill}).
 *
 * <p>Definitions. <em>Committed</em> pages are what the last published commit left (the WAL
 * index, then the database file). The <em>cache</em> holds committed pages plus the open write
 * transaction's dirty pages. A <em>fresh</em> page is one the transaction created without reading
 * it (appended at the end of the file, or reused from the freelist); it has no before-image.
 *
 * <p>States (one writer; readers counted):
 * <pre>
 *   IDLE --beginWrite()--> WRITING --commit()--> COMMITTING --(sync done)--> IDLE
 *                            |  \--commit(), auto-vacuum step needs reads--> PREPARING
 *                            |         PREPARING --(reads done)--> commit() again
 *                            |  \--rollback()------------------------------> IDLE
 *                            |         COMMITTING --(write/sync failed)--> ERROR
 *   IDLE --checkpoint()--> CHECKPOINTING --(db synced; WAL restarted if no reader)--> IDLE
 *   ERROR --beginRead()/beginWrite()--> (WAL recovered, page 1 re-read) --> IDLE
 * </pre>
 *
 * <p>Invariants:
 * <ol>
 *   <li>Page 1 is always cached and pinned by the pager itself, so header reads never do I/O.</li>
 *   <li>A dirty page is never evicted; the pager never spills (a transaction's changes live in
 *       memory until commit).</li>
 *   <li>Every dirty page that existed before the transaction and is not fresh has a
 *       before-image; rollback restores those and drops the others from the cache.</li>
 *   <li>With a statement open, every page changed or created since {@link #beginStatement()}
 *       has exactly one statement-journal entry recording its state at statement start.</li>
 *   <li>Commit publishes nothing before its WAL writes and the sync completed (see {@link Wal});
 *       after a failed write or sync the pager is in ERROR and refuses transactions until it has
 *       re-read the WAL and page 1 (SQLite's sticky error state).</li>
 *   <li>The WAL is restarted only when every frame was copied into the synced database file,
 *       no read or write transaction is open, and no read of a WAL frame is in flight.</li>
 *   <li>Every rollback listener ({@link #addRollbackListener}) has run before a rollback,
 *       statement rollback or error recovery returns, so no B-tree cursor trusts a position
 *       computed on pages that were since restored or dropped.</li>
 * </ol>
 *
 * <p>Snapshots: all statements of the process share this pager and its cache, so a read
 * transaction sees the latest committed state and, while a write transaction is open, that
 * transaction's uncommitted pages too (dirty pages are changed in place). The engine must not let
 * other sessions read while a write transaction is open, or must accept read-uncommitted for
 * them. Per-reader snapshots need copy-on-write pages; the WAL index already keeps the frame
 * history they would read from.
 *
 * <p>A new database: on an empty file page 1 is built in memory; the first commit writes that
 * empty page 1 into the file (and syncs it) before its frames go to the WAL, because SQLite
 * ignores a WAL next to a zero-length database file.
 */
public final class WalPager implements Pager {
    private static final ValueLayout.OfInt BE_INT =
            ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN);

    private final AsyncFile db;
    private final Wal wal;
    /** Fixed once the database has content; {@link #changePageSize} may change it before. */
    private int pageSize;
    private int usableSize;
    private final boolean readOnly;
    /** PRAGMA synchronous: read at every commit and checkpoint, changeable between them. */
    private StorageOptions.Synchronous synchronous;
    private final int autoCheckpoint;
    private int lockBytePage;
    private final PageCache cache;
    private final Freelist freelist = new Freelist(this);
    private final AutoVacuum autoVacuum = new AutoVacuum(this);
    /** Set while commit() waits for the auto-vacuum pre-commit step's I/O. */
    private Completion preparing;
    private final Map<Integer, Completion> reads = new HashMap<>();

    /** Pages as the open transaction (or, outside one, the last commit) sees them. */
    private int dbPages;
    /** Pages after the last published commit. */
    private int committedPages;
    /** True while page 1 exists only in memory (empty file, nothing committed yet). */
    private boolean virgin;
    private int readers;
    /** Bumped whenever cached state is discarded wholesale, so stale reads are not inserted. */
    private int generation;
    private DatabaseException error;
    private Completion recovering;

    private boolean writing;
    private long commits;
    private Completion committing;
    private Completion checkpointing;
    private TransactionJournal journal;
    private final List<Runnable> rollbackListeners = new ArrayList<>(1);

    /**
     * @param db the database file, or null for an in-memory database
     * @param wal the log, or null for an in-memory database or a read-only open without a log
     */
    public WalPager(AsyncFile db, Wal wal, int pageSize, int reservedBytes, StorageOptions options) {
        this.db = db;
        this.wal = wal;
        this.pageSize = pageSize;
        this.usableSize = pageSize - reservedBytes;
        this.readOnly = options.readOnly();
        this.synchronous = options.synchronous();
        this.autoCheckpoint = options.walAutoCheckpoint();
        this.lockBytePage = FileLocks.lockBytePage(pageSize);
        this.cache = new PageCache(options.cacheSize());
        this.journal = new TransactionJournal(pageSize);
        if (wal != null) {
            wal.syncOnCommit(synchronous.syncsCommits());
        }
    }

    /** The current {@code PRAGMA synchronous} level. */
    public StorageOptions.Synchronous synchronous() {
        return synchronous;
    }

    /**
     * Sets the {@code PRAGMA synchronous} level for the commits and checkpoints that start from
     * now on (a commit or checkpoint in flight keeps the level it started with). What each level
     * guarantees: {@link StorageOptions.Synchronous}.
     */
    public void synchronous(StorageOptions.Synchronous level) {
        synchronous = Objects.requireNonNull(level);
        if (wal != null) {
            wal.syncOnCommit(level.syncsCommits());
        }
    }

    /**
     * Loads page 1 (from the WAL if it has a frame for it, else from the database file) and
     * works out the page count. Call once after {@link Wal#recover()}; on an empty file, page 1
     * of a new database is built in memory and written by the first commit.
     */
    public Completion start() {
        Completion done = new Completion();
        // After an error, page 1 is re-read: the old object leaves the cache (its pins, if a
        // cursor still holds it, stay that cursor's business).
        cache.remove(1);
        MemorySegment seg = allocateSegment();
        int frame = wal == null ? 0 : wal.findFrame(1, wal.maxFrame());
        long fileSize = db == null ? 0 : db.size();
        Completion read;
        if (frame > 0) {
            read = wal.readPage(frame, seg);
        } else if (fileSize > 0) {
            read = db.read(0, seg);
        } else {
            read = null;
        }
        Runnable install = () -> {
            if (read == null) {
                DatabaseHeader.initialise(seg, pageSize, pageSize - usableSize);
                virgin = true;
                committedPages = 1;
            } else {
                long got = read.result();
                if (got < DatabaseHeader.SIZE) {
                    throw new DatabaseException(ResultCode.NOTADB, "file is not a database");
                }
                if (got < pageSize) {
                    seg.asSlice(got).fill((byte) 0);
                }
                DatabaseHeader.Info info = DatabaseHeader.validate(seg);
                if (info.pageSize() != pageSize || info.usableSize() != usableSize) {
                    throw DatabaseException.corrupt(1, "page size changed under the pager");
                }
                virgin = false;
                if (wal != null && wal.maxFrame() > 0) {
                    committedPages = wal.dbSize();
                } else if (info.pageCountValid()) {
                    committedPages = info.pageCountField();
                } else {
                    committedPages = (int) ((fileSize + pageSize - 1) / pageSize);
                }
            }
            dbPages = committedPages;
            Page p1 = new Page(1, seg);
            p1.pins = 1;
            cache.put(p1);
        };
        if (read == null) {
            install.run();
            done.complete(0);
            return done;
        }
        read.whenDone(() -> {
            if (read.isFailed()) {
                done.fail(read.failure());
                return;
            }
            try {
                install.run();
            } catch (DatabaseException e) {
                done.fail(e);
                return;
            }
            done.complete(0);
        });
        return done;
    }

    // ---- geometry ----

    @Override
    public int pageSize() {
        return pageSize;
    }

    @Override
    public int usableSize() {
        return usableSize;
    }

    @Override
    public int pageCount() {
        return dbPages;
    }

    /**
     * True while the database has no content: its file is empty (or it is in memory) and nothing
     * was committed yet, and no write transaction is open. sqlite3 reports {@code page_count} 0
     * for such a database, although page 1 is built in memory here.
     */
    public boolean isEmpty() {
        return virgin && !writing && committing == null;
    }

    /** Header offset from which a page-size change keeps page 1's fields (the change counter on). */
    private static final int HEADER_FIELDS_KEPT = 24;

    /**
     * {@code PRAGMA page_size = n}: on an empty database ({@link #isEmpty()}, no other reader)
     * rebuilds page 1 in memory with the new size; the first commit writes it. Returns false and
     * changes nothing otherwise, or if {@code n} is not a power of two in 512..65536 (SQLite
     * ignores such a request; once the file has content the size can only change by VACUUM).
     *
     * @param readersOfCaller read transactions the caller itself holds (they may stay open:
     *     nothing of the empty database can be cached beyond page 1)
     */
    public boolean changePageSize(int n, int readersOfCaller) {
        int reserved = pageSize - usableSize;
        if (!isEmpty() || checkpointing != null || readers > readersOfCaller || !reads.isEmpty()
                || (wal != null && !wal.isPristine())
                || !DatabaseHeader.isValidPageSize(n) || n - reserved < DatabaseHeader.MIN_USABLE_SIZE) {
            return false;
        }
        if (n == pageSize) {
            return true;
        }
        pageSize = n;
        usableSize = n - reserved;
        lockBytePage = FileLocks.lockBytePage(n);
        journal = new TransactionJournal(n);
        if (wal != null) {
            wal.changePageSize(n);
        }
        generation++;
        Page old = cache.remove(1);
        MemorySegment seg = allocateSegment();
        DatabaseHeader.initialise(seg, n, reserved);
        // Header fields set before this (auto_vacuum's, say) stay: only the geometry changes.
        MemorySegment.copy(old.data(), HEADER_FIELDS_KEPT, seg, HEADER_FIELDS_KEPT,
                DatabaseHeader.SIZE - HEADER_FIELDS_KEPT);
        Page p1 = new Page(1, seg);
        p1.pins = 1;
        cache.put(p1);
        rolledBack();
        return true;
    }

    // ---- pages ----

    @Override
    public IoStatus fetch(int pageNumber) {
        Page p = cache.get(pageNumber);
        if (p != null) {
            cache.touch(p);
            return IoStatus.READY;
        }
        return miss(pageNumber);
    }

    private IoStatus miss(int n) {
        if (n < 1 || n > dbPages) {
            throw DatabaseException.corrupt(n, "page number out of range, database has " + dbPages + " pages");
        }
        Completion inFlight = reads.get(n);
        if (inFlight != null) {
            return IoStatus.pending(inFlight);
        }
        MemorySegment seg = allocateSegment();
        if (db == null) {
            // In memory every page ever written is cached; an uncached one was never written.
            cache.put(new Page(n, seg));
            return IoStatus.READY;
        }
        int frame = wal == null ? 0 : wal.findFrame(n, wal.maxFrame());
        Completion io = frame > 0 ? wal.readPage(frame, seg) : db.read((n - 1L) * pageSize, seg);
        Completion loaded = new Completion();
        int gen = generation;
        reads.put(n, loaded);
        io.whenDone(() -> {
            reads.remove(n);
            if (io.isFailed()) {
                loaded.fail(io.failure());
                return;
            }
            if (gen == generation && cache.get(n) == null) {
                long got = io.result();
                if (got < pageSize) {
                    // SQLite reads a page past the end of the file as zeros.
                    seg.asSlice(got).fill((byte) 0);
                }
                cache.put(new Page(n, seg));
                cache.evictOverCapacity();
            }
            loaded.complete(pageSize);
        });
        return IoStatus.pending(loaded);
    }

    @Override
    public Page get(int pageNumber) {
        Page p = cache.get(pageNumber);
        if (p == null) {
            throw new IllegalStateException("invariant: get(" + pageNumber + ") of a page that is not cached");
        }
        return p;
    }

    @Override
    public void pin(Page page) {
        page.pins++;
    }

    @Override
    public void unpin(Page page) {
        if (page.pins <= 0) {
            throw new IllegalStateException("invariant: unpin of unpinned page " + page.number());
        }
        page.pins--;
    }

    @Override
    public void markDirty(Page page) {
        requireWriting();
        if (!page.cached) {
            throw new IllegalStateException("invariant: markDirty of page " + page.number() + " which is not cached");
        }
        journal.beforeChange(page);
    }

    // ---- allocation (freelist first; see Freelist) ----

    @Override
    public IoStatus prepareAllocate(int count) {
        requireWriting();
        return freelist.prepareAllocate(count);
    }

    @Override
    public Page allocate() {
        requireWriting();
        Page reused = freelist.take();
        if (reused != null) {
            return reused;
        }
        return appendPage();
    }

    /**
     * A new zero-filled dirty page at the end of the file, skipping the lock-byte page and, in an
     * auto-vacuum database, creating the pointer-map page that falls in the way (as SQLite does).
     */
    Page appendPage() {
        int n = dbPages + 1;
        if (n == lockBytePage) {
            // SQLite never uses the page holding the lock bytes (file format section 1.3.2).
            n++;
        }
        if (autoVacuum.enabled() && autoVacuum.isMapPage(n)) {
            dbPages = n;
            freshPage(n);
            n++;
            if (n == lockBytePage) {
                n++;
            }
        }
        dbPages = n;
        autoVacuum.noteAllocated(n);
        return freshPage(n);
    }

    /**
     * Page {@code n} zero-filled and dirty without reading it; reuses the cached object if a
     * vacuum left one past the end earlier in this transaction.
     */
    private Page freshPage(int n) {
        Page p = cache.get(n);
        if (p == null) {
            return createFresh(n);
        }
        markDirty(p);
        p.data().fill((byte) 0);
        return p;
    }

    // ---- auto-vacuum (see AutoVacuum) ----

    /** Freelist hands out page {@code n} (the pointer map must learn its new use, see AutoVacuum). */
    void allocatedFromFreelist(int n) {
        autoVacuum.noteAllocated(n);
    }

    /** The dirty pages of the write transaction. */
    List<Page> dirtyPages() {
        return journal.sortedDirtyPages();
    }

    /** True while nothing was ever committed to this database (page 1 lives only in memory). */
    boolean isNew() {
        return virgin;
    }

    /** A vacuum shrank the database to {@code n} pages (pages past it are dropped at commit). */
    void truncateForVacuum(int n) {
        requireWriting();
        dbPages = n;
    }

    /** Pages moved behind the B-trees' back: open cursors must re-seek (the rollback listeners). */
    void pagesMoved() {
        rolledBack();
    }

    /** {@code PRAGMA auto_vacuum}: 0 NONE, 1 FULL, 2 INCREMENTAL (header 52 and 64). */
    @Override
    public int autoVacuumMode() {
        return autoVacuum.mode();
    }

    @Override
    public void setAutoVacuumMode(int mode) {
        requireWriting();
        autoVacuum.setMode(mode);
    }

    @Override
    public IoStatus incrementalVacuum(int[] remaining) {
        requireWriting();
        return autoVacuum.incrementalVacuum(remaining);
    }

    @Override
    public IoStatus allocateRoot(int[] rootOut) {
        requireWriting();
        if (!autoVacuum.enabled()) {
            return Pager.super.allocateRoot(rootOut);
        }
        return autoVacuum.allocateRoot(rootOut);
    }

    @Override
    public IoStatus prepareFreeRoot(int root) {
        requireWriting();
        return autoVacuum.enabled() ? autoVacuum.prepareDropRoot(root) : IoStatus.READY;
    }

    @Override
    public int freeRoot(int root) {
        requireWriting();
        if (!autoVacuum.enabled()) {
            free(root);
            return 0;
        }
        return autoVacuum.dropRoot(root);
    }

    @Override
    public IoStatus prepareFree(int count) {
        requireWriting();
        return freelist.prepareFree();
    }

    @Override
    public void free(int pageNumber) {
        requireWriting();
        if (pageNumber < 2 || pageNumber > dbPages) {
            throw DatabaseException.corrupt(pageNumber, "freeing a page out of range");
        }
        freelist.free(pageNumber);
    }

    /** The cached page {@code n}, or null (no I/O, no LRU change). */
    Page cached(int n) {
        return cache.get(n);
    }

    /** Puts a zero-filled, dirty, fresh page {@code n} into the cache (no read, no before-image). */
    Page createFresh(int n) {
        assert cache.get(n) == null;
        Page p = new Page(n, allocateSegment());
        cache.put(p);
        journal.created(p);
        return p;
    }

    // ---- header ----

    @Override
    public int headerInt(int offset) {
        return page1().data().get(BE_INT, offset);
    }

    @Override
    public void setHeaderInt(int offset, int value) {
        Page p1 = page1();
        markDirty(p1);
        putInt(p1, offset, value);
    }

    private Page page1() {
        Page p1 = cache.get(1);
        if (p1 == null) {
            throw new IllegalStateException("invariant: page 1 not cached (pager not started?)");
        }
        return p1;
    }

    // ---- transactions ----

    @Override
    public IoStatus beginRead() {
        if (error != null) {
            return recoverFromError();
        }
        readers++;
        return IoStatus.READY;
    }

    @Override
    public void endRead() {
        if (readers > 0) {
            readers--;
        }
        maybeCheckpoint();
    }

    /** Open read transactions. */
    public int readers() {
        return readers;
    }

    /**
     * {@inheritDoc}
     *
     * <p>The pager has one writer slot and does not know which session calls: READY at once if
     * the write transaction is already open (the engine's writer queue decides who may call);
     * Pending while a commit or a checkpoint is being written, or while the pager re-reads the
     * file after an I/O error. Throws READONLY on a read-only open.
     */
    @Override
    public IoStatus beginWrite() {
        if (readOnly) {
            throw new DatabaseException(ResultCode.READONLY, "attempt to write a readonly database");
        }
        if (error != null) {
            return recoverFromError();
        }
        if (committing != null) {
            return IoStatus.pending(committing);
        }
        if (checkpointing != null) {
            return IoStatus.pending(checkpointing);
        }
        if (writing) {
            return IoStatus.READY;
        }
        if (db != null && wal == null) {
            throw new IllegalStateException("invariant: writable file pager without a WAL");
        }
        writing = true;
        autoVacuum.beginTransaction();
        Page p1 = page1();
        if (virgin) {
            // Page 1 of a new database is written by the first commit; rollback keeps it in memory.
            journal.keepBeforeImage(p1);
            markDirty(p1);
        }
        MemorySegment d = p1.data();
        if (db != null && (d.get(ValueLayout.JAVA_BYTE, DatabaseHeader.OFF_WRITE_VERSION) != 2
                || d.get(ValueLayout.JAVA_BYTE, DatabaseHeader.OFF_READ_VERSION) != 2)) {
            // A rollback-journal file switches to WAL with its first write (bytes 18/19 = 2).
            markDirty(p1);
            d.set(ValueLayout.JAVA_BYTE, DatabaseHeader.OFF_WRITE_VERSION, (byte) 2);
            d.set(ValueLayout.JAVA_BYTE, DatabaseHeader.OFF_READ_VERSION, (byte) 2);
        }
        return IoStatus.READY;
    }

    @Override
    public boolean inWriteTransaction() {
        return writing;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Lenient where the engine's control flow may not know the state: without a write
     * transaction this is a no-op that completes at once, and while a commit is being written it
     * returns that commit's completion.
     */
    @Override
    public Completion commit() {
        if (committing != null) {
            return committing;
        }
        if (preparing != null) {
            return preparing;
        }
        if (!writing) {
            return Completion.completed(0);
        }
        requireWriting();
        journal.commitStatement();
        if (journal.isEmpty()) {
            endWrite();
            return Completion.completed(0);
        }
        // Auto-vacuum databases: pointer map brought up to date, FULL mode shrinks the file
        // (fetch-then-mutate; commit() re-runs it once its reads are done).
        IoStatus vacuumed;
        try {
            vacuumed = autoVacuum.beforeCommit();
        } catch (RuntimeException e) {
            return Completion.failed(e);
        }
        if (vacuumed instanceof IoStatus.Pending(Completion read)) {
            Completion result = new Completion();
            preparing = result;
            read.whenDone(() -> {
                preparing = null;
                Completion next;
                try {
                    next = read.isFailed() ? Completion.failed(read.failure()) : commit();
                } catch (RuntimeException e) {
                    next = Completion.failed(e);
                }
                Completion after = next;
                after.whenDone(() -> {
                    if (after.isFailed()) {
                        result.fail(after.failure());
                    } else {
                        result.complete(after.result());
                    }
                });
            });
            return result;
        }
        Page p1 = page1();
        if (p1.dirty || dbPages != committedPages) {
            markDirty(p1);
            int counter = headerInt(DatabaseHeader.OFF_CHANGE_COUNTER) + 1;
            putInt(p1, DatabaseHeader.OFF_CHANGE_COUNTER, counter);
            putInt(p1, DatabaseHeader.OFF_PAGE_COUNT, dbPages);
            putInt(p1, DatabaseHeader.OFF_VERSION_VALID_FOR, counter);
            putInt(p1, DatabaseHeader.OFF_SQLITE_VERSION, DatabaseHeader.WRITER_VERSION_NUMBER);
        }
        if (db == null) {
            publish();
            return Completion.completed(0);
        }
        List<Page> dirtyPages = journal.sortedDirtyPages();
        int kept = 0;
        int[] numbers = new int[dirtyPages.size()];
        MemorySegment[] images = new MemorySegment[dirtyPages.size()];
        for (Page p : dirtyPages) {
            if (p.number() > dbPages) {
                if (autoVacuum.highWater() < p.number()) {
                    throw new IllegalStateException("invariant: dirty page " + p.number() + " beyond page count " + dbPages);
                }
                continue; // cut off by a vacuum: the commit's database size ends the file before it
            }
            numbers[kept] = p.number();
            images[kept] = p.data();
            kept++;
        }
        int count = kept;
        Completion result = new Completion();
        committing = result;
        Completion appended = virgin && db.size() == 0
                ? then(writeEmptyDatabase(), () -> wal.append(numbers, images, count, dbPages))
                : wal.append(numbers, images, count, dbPages);
        appended.whenDone(() -> {
            committing = null;
            if (appended.isFailed()) {
                error = asDatabaseException(appended.failure());
                rollback();
                result.fail(appended.failure());
                return;
            }
            publish();
            result.complete(count);
            maybeCheckpoint();
        });
        return result;
    }

    /**
     * Writes page 1 of the empty database into the empty file and syncs it, before the first
     * commit goes to the WAL: SQLite ignores (and deletes) a WAL next to a zero-length database
     * file, so without this a commit that lives only in the WAL would be invisible to sqlite3.
     * The page written is the state before the transaction (empty schema), so a crash before
     * the WAL sync leaves a valid empty database.
     */
    private Completion writeEmptyDatabase() {
        MemorySegment empty = allocateSegment();
        MemorySegment.copy(journal.beforeImage(1), 0, empty, 0, pageSize);
        Completion written = db.write(0, empty);
        return synchronous.syncsCheckpoints() ? then(written, () -> db.sync(false)) : written;
    }

    /** Runs {@code next} after {@code first} succeeded; fails with the first failure. */
    private static Completion then(Completion first, java.util.function.Supplier<Completion> next) {
        Completion out = new Completion();
        first.whenDone(() -> {
            if (first.isFailed()) {
                out.fail(first.failure());
                return;
            }
            Completion n = next.get();
            n.whenDone(() -> {
                if (n.isFailed()) {
                    out.fail(n.failure());
                } else {
                    out.complete(n.result());
                }
            });
        });
        return out;
    }

    private void publish() {
        commits++;
        journal.committed();
        // Pages a vacuum cut off stay out of the cache, so a later append starts them afresh.
        for (int n = dbPages + 1; n <= autoVacuum.highWater(); n++) {
            Page gone = cache.get(n);
            if (gone != null && gone.pins == 0) {
                cache.remove(n);
            }
        }
        committedPages = dbPages;
        virgin = false;
        writing = false;
    }

    private void endWrite() {
        journal.clear();
        writing = false;
    }

    /**
     * {@inheritDoc}
     *
     * <p>A no-op without a write transaction, and while a commit is being written: its frames
     * are already on their way, so the commit's own completion decides (on failure the pager
     * rolls back by itself), or while the commit's pre-commit step (auto-vacuum) reads pages.
     */
    @Override
    public void rollback() {
        if (!writing || committing != null || preparing != null) {
            return;
        }
        journal.rollback(cache);
        dbPages = committedPages;
        writing = false;
        rolledBack();
    }

    @Override
    public void beginStatement() {
        // Also valid before beginWrite(): journaling starts with the first change either way.
        journal.beginStatement(dbPages);
    }

    @Override
    public void commitStatement() {
        journal.commitStatement();
    }

    @Override
    public void rollbackStatement() {
        int pages = journal.rollbackStatement(cache);
        if (pages >= 0) {
            dbPages = pages;
            rolledBack();
        }
    }

    @Override
    public void addRollbackListener(Runnable listener) {
        rollbackListeners.add(Objects.requireNonNull(listener));
    }

    /** Tells the pager's users (the B-tree store) that cached pages changed behind their back. */
    private void rolledBack() {
        for (Runnable r : rollbackListeners) {
            r.run();
        }
    }

    // ---- checkpoint ----

    /**
     * Transactions published since the pager was created (a commit that changed nothing is not
     * one). PRAGMA data_version derives from it: a session sees a new value after commits made
     * by other sessions.
     */
    public long commits() {
        return commits;
    }

    /** Frames in the WAL (the last published commit's max frame); 0 in memory. */
    public int walFrames() {
        return wal == null ? 0 : wal.maxFrame();
    }

    /**
     * Copies the newest committed version of every page in the WAL into the database file,
     * syncs it, and, if no transaction is open, restarts the WAL. Completes with the number of
     * frames checkpointed. While it runs, {@link #beginWrite()} is Pending on it.
     */
    public Completion checkpoint() {
        if (wal == null || db == null || readOnly) {
            return Completion.completed(0);
        }
        if (checkpointing != null) {
            return checkpointing;
        }
        if (error != null) {
            if (writing || committing != null) {
                return Completion.failed(error);
            }
            // As SQLite's: a checkpoint after a failed one re-reads the log and page 1 (the
            // recovery any transaction would run first) and then tries again.
            Completion retried = new Completion();
            Completion recovered = ((IoStatus.Pending) recoverFromError()).completion();
            recovered.whenDone(() -> {
                if (recovered.isFailed()) {
                    retried.fail(recovered.failure());
                    return;
                }
                Completion again = checkpoint();
                again.whenDone(() -> {
                    if (again.isFailed()) {
                        retried.fail(again.failure());
                    } else {
                        retried.complete(again.result());
                    }
                });
            });
            return retried;
        }
        int max = wal.maxFrame();
        if (max == 0) {
            return Completion.completed(0);
        }
        Completion result = new Completion();
        checkpointing = result;
        Completion copied;
        try {
            copied = WalBackfill.run(wal, db, pageSize, max, wal.dbSize(), synchronous.syncsCheckpoints());
        } catch (RuntimeException e) {
            copied = Completion.failed(e);
        }
        Completion c = copied;
        c.whenDone(() -> {
            if (c.isFailed()) {
                finishCheckpoint(result, c.failure(), max);
                return;
            }
            try {
                restartIfQuiet(result, max);
            } catch (RuntimeException e) {
                // A bad handle may throw instead of failing a completion: the checkpoint fails.
                if (!result.isDone()) {
                    finishCheckpoint(result, e, max);
                }
            }
        });
        return result;
    }

    private void restartIfQuiet(Completion result, int max) {
        if (readers > 0 || writing || wal.maxFrame() != max || !reads.isEmpty()) {
            finishCheckpoint(result, null, max);
            return;
        }
        generation++;
        Completion restarted = wal.restart(synchronous.syncsCheckpoints());
        restarted.whenDone(() -> finishCheckpoint(result, restarted.failure(), max));
    }

    private void finishCheckpoint(Completion result, Throwable failure, int max) {
        checkpointing = null;
        if (failure != null) {
            error = asDatabaseException(failure);
            result.fail(failure);
        } else {
            result.complete(max);
        }
    }

    private void maybeCheckpoint() {
        if (autoCheckpoint > 0 && wal != null && wal.maxFrame() >= autoCheckpoint && readers == 0
                && !writing && checkpointing == null && error == null) {
            checkpoint();
        }
    }

    // ---- error state ----

    /** The sticky error after a failed write or sync, or null. */
    public DatabaseException error() {
        return error;
    }

    private IoStatus recoverFromError() {
        if (recovering != null) {
            return IoStatus.pending(recovering);
        }
        if (writing || committing != null || checkpointing != null) {
            throw new IllegalStateException("invariant: error recovery with a transaction or checkpoint open");
        }
        generation++;
        cache.dropClean();
        rolledBack();
        Completion done = new Completion();
        recovering = done;
        Completion walRead = wal == null ? Completion.completed(0) : wal.recover();
        walRead.whenDone(() -> {
            if (walRead.isFailed()) {
                recovering = null;
                done.fail(walRead.failure());
                return;
            }
            Completion p1 = start();
            p1.whenDone(() -> {
                recovering = null;
                if (p1.isFailed()) {
                    done.fail(p1.failure());
                } else {
                    error = null;
                    done.complete(0);
                }
            });
        });
        return IoStatus.pending(done);
    }

    // ---- helpers ----

    private void requireWriting() {
        if (!writing) {
            throw new IllegalStateException("invariant: write operation outside a write transaction");
        }
        if (committing != null) {
            throw new IllegalStateException("invariant: change while the commit is being written");
        }
    }

    /**
     * A page buffer of its own automatic arena: its native memory is freed once nothing (the
     * cache, a transaction journal, or a backend's in-flight table — DESIGN.md rule 5) refers to
     * it any more. One long-lived arena for all pages would keep every buffer ever allocated
     * until the database closes, growing native memory by a page per cache miss.
     */
    private MemorySegment allocateSegment() {
        return Arena.ofAuto().allocate(pageSize, Math.min(pageSize, 4096));
    }

    private static void putInt(Page p, long offset, int value) {
        p.data().set(BE_INT, offset, value);
    }

    private static DatabaseException asDatabaseException(Throwable t) {
        return t instanceof DatabaseException d ? d
                : new DatabaseException(ResultCode.IOERR, "disk I/O error: " + t.getMessage(), t);
    }
}
