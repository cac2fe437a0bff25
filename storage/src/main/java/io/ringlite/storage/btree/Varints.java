package io.ringlite.storage.btree;

import io.ringlite.storage.error.DatabaseException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * SQLite varints as they appear in B-tree cells: 1 to 9 bytes, big-endian; the first eight
 * bytes carry 7 bits each with the high bit meaning "more follows", the ninth byte carries a
 * full 8 bits. A value read here is always bounded by {@code limit} so a corrupt cell can never
 * make us read past the usable part of its page.
 *
 * <p>(The record layer has its own varint codec; the B-tree keeps this tiny one so the two
 * layers do not depend on each other's internals.)
 */
final class Varints {
    private Varints() {
    }

    /** Reads the varint at {@code off}; bytes at or beyond {@code limit} are corruption. */
    static long read(MemorySegment seg, int off, int limit, int page) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            if (off + i >= limit) {
                throw DatabaseException.corrupt(page, "varint runs past the cell area");
            }
            int b = seg.get(ValueLayout.JAVA_BYTE, off + i) & 0xff;
            v = (v << 7) | (b & 0x7f);
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        if (off + 8 >= limit) {
            throw DatabaseException.corrupt(page, "varint runs past the cell area");
        }
        return (v << 8) | (seg.get(ValueLayout.JAVA_BYTE, off + 8) & 0xff);
    }

    /** The length in bytes of the varint at {@code off} (same bounds rule as {@link #read}). */
    static int length(MemorySegment seg, int off, int limit, int page) {
        for (int i = 0; i < 8; i++) {
            if (off + i >= limit) {
                throw DatabaseException.corrupt(page, "varint runs past the cell area");
            }
            if ((seg.get(ValueLayout.JAVA_BYTE, off + i) & 0x80) == 0) {
                return i + 1;
            }
        }
        if (off + 8 >= limit) {
            throw DatabaseException.corrupt(page, "varint runs past the cell area");
        }
        return 9;
    }

    /** Bytes needed to encode {@code v}. */
    static int sizeOf(long v) {
        if ((v & ~0x00ff_ffff_ffff_ffffL) != 0) {
            return 9; // top byte used: 8 groups of 7 bits + one full byte
        }
        int n = 1;
        while ((v >>>= 7) != 0) {
            n++;
        }
        return n;
    }

    /** Writes {@code v} at {@code off}; returns the number of bytes written. */
    static int write(byte[] dst, int off, long v) {
        int n = sizeOf(v);
        if (n == 9) {
            dst[off + 8] = (byte) v;
            v >>>= 8;
            for (int i = 7; i >= 0; i--) {
                dst[off + i] = (byte) ((v & 0x7f) | 0x80);
                v >>>= 7;
            }
            return 9;
        }
        for (int i = n - 1; i >= 0; i--) {
            dst[off + i] = (byte) ((v & 0x7f) | (i == n - 1 ? 0 : 0x80));
            v >>>= 7;
        }
        return n;
    }
}
