package io.ringlite.storage.btree;

import io.ringlite.storage.io.IoStatus;
import java.lang.foreign.MemorySegment;

/**
 * A position in one B-tree. Every movement or mutation returns {@link IoStatus}: READY when it
 * happened, Pending when it needed a page that was not cached. A Pending call changed nothing
 * (not even the cursor position), so the VDBE re-runs the same call once the I/O completes.
 *
 * <p>An open cursor pins the leaf page it is on; {@link #close()} releases it. Errors: corrupt
 * page bytes throw {@code DatabaseException} (CORRUPT, with the page number); reading a row that
 * a rollback took away throws ABORT_ROLLBACK; misuse (writing through a read-only cursor,
 * payload() before loadPayload()) is an IllegalStateException.
 *
 * <p>Table B-trees are keyed by rowid and carry a record payload; index B-trees are keyed by
 * the record itself (issue 3).
 */
public interface BTreeCursor extends AutoCloseable {

    int rootPage();

    /** Moves to the first entry; {@link #eof()} is true if the tree is empty. */
    IoStatus first();

    IoStatus last();

    IoStatus next();

    IoStatus previous();

    /**
     * Table tree: positions on {@code rowid} if present ({@link #found()} true), otherwise on a
     * neighbour of where it would be inserted ({@code found()} false): the smallest entry greater
     * than {@code rowid} if there is one, else the largest entry; {@link #eof()} only when the
     * tree is empty. Must not trust interior keys: a divider can outlive the row it came from.
     */
    IoStatus seekRowid(long rowid);

    boolean eof();

    boolean found();

    long rowid();

    /** Total payload size of the current entry. */
    long payloadSize();

    /** Makes the whole payload readable (reads its overflow chain if any). */
    IoStatus loadPayload();

    /**
     * The current entry's payload, after {@link #loadPayload()} returned READY. Valid until the
     * cursor moves or the tree changes.
     */
    MemorySegment payload();

    /**
     * Inserts, or replaces the entry with the same rowid. Leaves the cursor on the new entry.
     * The cursor need not be positioned first. Other cursors on the store notice the change and
     * re-seek their rowid before they next read.
     */
    IoStatus insert(long rowid, MemorySegment record);

    /**
     * Deletes the current entry. Afterwards {@link #next()} moves to the entry after the deleted
     * one and {@link #previous()} to the one before it (as SQLite's Delete then Next).
     */
    IoStatus delete();

    @Override
    void close();
}
