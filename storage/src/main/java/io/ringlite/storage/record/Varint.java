package io.ringlite.storage.record;

import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * SQLite's variable-length integer: 1 to 9 bytes, big-endian, a 64-bit two's-complement value.
 *
 * <pre>
 * BYTE   | BITS USED        | DESCRIPTION
 * 1..8   | low 7 of each    | high bit set = another byte follows; bits are appended MSB first
 * 9      | all 8            | only if the first 8 bytes all had the high bit set
 * </pre>
 *
 * <p>So values below 2^7 take 1 byte, below 2^14 two, ... below 2^56 eight, and anything else
 * (including every negative number) nine bytes. (SQLite file format, "Variable-length
 * integers".)
 */
public final class Varint {
    /** The longest encoding. */
    public static final int MAX_LENGTH = 9;

    private Varint() {
    }

    /** Bytes needed to encode {@code v}. */
    public static int length(long v) {
        if (v >= 0 && v < (1L << 56)) {
            int n = 1;
            while ((v >>>= 7) != 0) {
                n++;
            }
            return n;
        }
        return 9;
    }

    /** Writes {@code v} at {@code off}; returns the number of bytes written. */
    public static int write(byte[] buf, int off, long v) {
        int n = length(v);
        if (n == 9) {
            buf[off + 8] = (byte) v;
            v >>>= 8;
            for (int i = 7; i >= 0; i--) {
                buf[off + i] = (byte) ((v & 0x7f) | 0x80);
                v >>>= 7;
            }
            return 9;
        }
        for (int i = n - 1; i >= 0; i--) {
            buf[off + i] = (byte) ((v & 0x7f) | (i == n - 1 ? 0 : 0x80));
            v >>>= 7;
        }
        return n;
    }

    /**
     * Reads a varint at {@code off} of {@code seg}, which must not be read past {@code limit}.
     * Returns the value; the length is {@link #lengthAt(MemorySegment, long, long)}.
     *
     * @throws DatabaseException CORRUPT if the varint runs past {@code limit}
     */
    public static long read(MemorySegment seg, long off, long limit) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            if (off + i >= limit) {
                throw truncated();
            }
            int b = seg.get(ValueLayout.JAVA_BYTE, off + i) & 0xff;
            v = (v << 7) | (b & 0x7f);
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        if (off + 8 >= limit) {
            throw truncated();
        }
        return (v << 8) | (seg.get(ValueLayout.JAVA_BYTE, off + 8) & 0xff);
    }

    /** The length in bytes of the varint at {@code off} (bounded by {@code limit}). */
    public static int lengthAt(MemorySegment seg, long off, long limit) {
        for (int i = 0; i < 8; i++) {
            if (off + i >= limit) {
                throw truncated();
            }
            if ((seg.get(ValueLayout.JAVA_BYTE, off + i) & 0x80) == 0) {
                return i + 1;
            }
        }
        if (off + 8 >= limit) {
            throw truncated();
        }
        return 9;
    }

    /** Reads a varint from a byte array (bounded by the array). */
    public static long read(byte[] buf, int off) {
        return read(MemorySegment.ofArray(buf), off, buf.length);
    }

    private static DatabaseException truncated() {
        return new DatabaseException(ResultCode.CORRUPT, "database disk image is malformed (varint past end of record)");
    }
}
