package io.ringlite.storage.btree;

import io.ringlite.storage.io.IoStatus;
import io.ringlite.storage.record.KeyInfo;
import java.lang.foreign.MemorySegment;

/**
 * A cursor on an index B-tree (page types 0x02/0x0A): the entries are records, ordered by
 * {@link io.ringlite.storage.record.RecordCompare} under the tree's {@link KeyInfo}. Used for
 * CREATE INDEX, UNIQUE/PRIMARY KEY indexes and WITHOUT ROWID tables (whose entries are the whole
 * row, primary-key columns first).
 *
 * <p>The {@link BTreeCursor} movement methods work as for tables, and {@link #payload()} is the
 * current entry's key record. Index entries carry no rowid of the tree's own: {@link #rowid()},
 * {@link #seekRowid} and {@link #insert(long, MemorySegment)} throw IllegalStateException (the
 * rowid SQLite appends to an index entry is the record's last field). Same Pending contract: a
 * call that returned Pending changed nothing and is simply re-run.
 */
public interface IndexCursor extends BTreeCursor {

    KeyInfo keyInfo();

    /**
     * Positions by {@code op} relative to the partial key {@code key} (values: null, Long,
     * Double, String, byte[]; as many as the prefix to compare).
     */
    IoStatus seek(Object[] key, SeekOp op);

    /** As {@link #seek(Object[], SeekOp)} with the fields of {@code keyRecord} as the key. */
    IoStatus seek(MemorySegment keyRecord, SeekOp op);

    /**
     * Inserts the entry {@code keyRecord}. An entry that compares equal on every field is
     * replaced. Leaves the cursor on the new entry (or SAVED on it). Uniqueness is the caller's
     * business (seek EQ on the unique prefix first).
     */
    IoStatus insert(MemorySegment keyRecord);

    /**
     * Sign of (current entry - key) over the first {@code key.length} fields, after
     * {@link #loadPayload()} returned READY. SQLite's IdxGE/IdxGT/IdxLE/IdxLT are built on it.
     */
    int compareCurrent(Object[] key);

    /** As {@link #compareCurrent(Object[])} with a key record; its fields are the prefix. */
    int compareCurrent(MemorySegment keyRecord);
}
