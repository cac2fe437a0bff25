package io.ringlite.storage.btree;

import io.ringlite.storage.io.IoStatus;
import java.lang.foreign.MemorySegment;

/**
 * A position in one B-tree. Every movement or mutation returns {@link IoStatus}: READY when it
 * happened, Pending when it needed a page that was not cached. A Pending call changed nothing
 * (not even the cursor position), so the VDBE re-runs the same call once the I/O completes.
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
     * neighbour of where it would be inserted ({@code found()} false). Must not trust interior
     * keys: a divider can outlive the row it came from.
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

    /** Inserts, or replaces the entry with the same rowid. Leaves the cursor on the new entry. */
    IoStatus insert(long rowid, MemorySegment record);

    /** Deletes the current entry. */
    IoStatus delete();

    @Override
    void close();
}
