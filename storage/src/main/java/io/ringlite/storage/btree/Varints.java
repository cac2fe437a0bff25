package io.ringlite.storage.btree;

import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.record.Varint;
import java.lang.foreign.MemorySegment;

/**
 * SQLite varints as they appear in B-tree cells, read through the record layer's codec
 * ({@link Varint}) but bounded by the cell area of one page, so that a corrupt cell is reported
 * as corruption of that page rather than of an anonymous record.
 */
final class Varints {
    private Varints() {
    }

    /** Reads the varint at {@code off}; bytes at or beyond {@code limit} are corruption. */
    static long read(MemorySegment seg, int off, int limit, int page) {
        try {
            return Varint.read(seg, off, limit);
        } catch (DatabaseException e) {
            throw pastCellArea(page);
        }
    }

    /** The length in bytes of the varint at {@code off} (same bounds rule as {@link #read}). */
    static int length(MemorySegment seg, int off, int limit, int page) {
        try {
            return Varint.lengthAt(seg, off, limit);
        } catch (DatabaseException e) {
            throw pastCellArea(page);
        }
    }

    /** Bytes needed to encode {@code v}. */
    static int sizeOf(long v) {
        return Varint.length(v);
    }

    /** Writes {@code v} at {@code off}; returns the number of bytes written. */
    static int write(byte[] dst, int off, long v) {
        return Varint.write(dst, off, v);
    }

    private static DatabaseException pastCellArea(int page) {
        return DatabaseException.corrupt(page, "varint runs past the cell area");
    }
}
