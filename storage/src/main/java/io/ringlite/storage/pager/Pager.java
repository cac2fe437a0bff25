package io.ringlite.storage.pager;

import io.ringlite.storage.io.Completion;
import io.ringlite.storage.io.IoStatus;

/**
 * What the B-tree layer needs from the pager: pages by number, through the cache, inside a
 * transaction, with fetch-then-mutate.
 *
 * <p>Contract (DESIGN.md, the asynchronous contract):
 * <ol>
 *   <li>{@link #fetch(int)} returns {@link IoStatus#READY} when the page is cached (no
 *       allocation) or starts its read (from the WAL if the snapshot has a frame for it, else
 *       from the database file) and returns Pending. It changes nothing else.</li>
 *   <li>{@link #get(int)} is valid only after {@code fetch} returned READY in the same
 *       instruction (or while the page is pinned); it never does I/O.</li>
 *   <li>A writer first fetches (and pins) every page it may touch, calls
 *       {@link #prepareAllocate(int)} for the pages it may allocate, and only then mutates,
 *       synchronously. {@link #allocate()} and {@link #free(int)} never do I/O.</li>
 *   <li>All calls happen on the database's event loop thread.</li>
 * </ol>
 */
public interface Pager {

    int pageSize();

    /** Page size minus the reserved bytes at the end of each page (file header byte 20). */
    int usableSize();

    /** Pages in the database as the current transaction sees it. */
    int pageCount();

    IoStatus fetch(int pageNumber);

    Page get(int pageNumber);

    void pin(Page page);

    void unpin(Page page);

    /** Journals the page (for rollback) and marks it dirty; requires a write transaction. */
    void markDirty(Page page);

    /** Ensures {@code count} pages can be allocated without I/O (freelist trunks cached). */
    IoStatus prepareAllocate(int count);

    /** A new zero-filled, dirty page: from the freelist if it has one, else at the file end. */
    Page allocate();

    /** Ensures {@link #free(int)} of up to {@code count} pages needs no I/O. */
    IoStatus prepareFree(int count);

    /** Returns the page to the freelist. */
    void free(int pageNumber);

    /** Reads a big-endian 4-byte field of the 100-byte file header. */
    int headerInt(int offset);

    /** Writes a big-endian 4-byte field of the file header (write transaction only). */
    void setHeaderInt(int offset, int value);

    // ---- auto-vacuum (header 52 / 64; see AutoVacuum) ----

    /** {@code PRAGMA auto_vacuum}: 0 NONE, 1 FULL, 2 INCREMENTAL. */
    default int autoVacuumMode() {
        return headerInt(52) == 0 ? 0 : headerInt(64) != 0 ? 2 : 1;
    }

    /**
     * {@code PRAGMA auto_vacuum = mode} in the write transaction, applied as SQLite applies it:
     * between FULL (1) and INCREMENTAL (2) at any time, to or from NONE (0) only on a new
     * database (nothing committed yet); otherwise silently nothing.
     */
    default void setAutoVacuumMode(int mode) {
    }

    /**
     * {@code PRAGMA incremental_vacuum(N)} in the write transaction: moves pages from the end of
     * an auto-vacuum file into free pages and shrinks it by up to {@code remaining[0]} free pages
     * ({@code <= 0}: all). {@code remaining[0]} counts down as steps complete, so re-running with
     * the same array after Pending continues where it stopped. No-op for other databases.
     */
    default IoStatus incrementalVacuum(int[] remaining) {
        return IoStatus.READY;
    }

    /**
     * Allocates a page for a new B-tree root (write transaction): in an auto-vacuum database at
     * largestRoot+1, moving the page that was there; otherwise any page, as {@link #allocate()}.
     * On READY {@code rootOut[0]} is the page, zero-filled and dirty; on Pending re-run.
     */
    default IoStatus allocateRoot(int[] rootOut) {
        IoStatus s = prepareAllocate(1);
        if (!s.isReady()) {
            return s;
        }
        rootOut[0] = allocate().number();
        return IoStatus.READY;
    }

    /** Ensures {@link #freeRoot} needs no I/O (call after {@link #prepareFree}). Changes nothing. */
    default IoStatus prepareFreeRoot(int root) {
        return IoStatus.READY;
    }

    /**
     * Frees the root page of a dropped tree whose other pages are already free. In an auto-vacuum
     * database the largest root moves into the freed slot (SQLite's OP_Destroy), its
     * sqlite_schema row is updated, and its old page number is returned; otherwise 0.
     */
    default int freeRoot(int root) {
        free(root);
        return 0;
    }

    // ---- transactions ----

    /** Takes a read snapshot (max WAL frame at start). May need I/O (page 1). */
    IoStatus beginRead();

    void endRead();

    /** Upgrades to the write transaction; READY or Pending while another writer holds it. */
    IoStatus beginWrite();

    boolean inWriteTransaction();

    /**
     * Writes the dirty pages as WAL frames, then syncs (per {@code synchronous}), then publishes
     * the new max frame. The completion is done only after the sync completed.
     */
    Completion commit();

    /** Discards every change of the write transaction. */
    void rollback();

    /** Opens a statement savepoint (statement-level atomicity). */
    void beginStatement();

    void commitStatement();

    /** Restores every page changed since {@link #beginStatement()}. */
    void rollbackStatement();

    /**
     * Registers {@code listener} to run, on the loop thread, right after this pager discarded
     * changes behind its users' back: after {@link #rollback()}, after {@link #rollbackStatement()},
     * after a failed commit rolled itself back, and after the cache was re-read following an I/O
     * error. {@link io.ringlite.storage.btree.BTrees#create(Pager)} registers the B-tree store's
     * {@code invalidate()} here, so open cursors re-seek and no stale multi-step walk resumes
     * whoever triggered the rollback (the engine, a failed commit, close()). Listeners must not
     * throw and must not call back into the pager's transaction methods.
     */
    void addRollbackListener(Runnable listener);
}
