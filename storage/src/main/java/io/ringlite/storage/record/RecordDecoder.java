package io.ringlite.storage.record;

import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * Reads a SQLite record (layout in {@link RecordEncoder}): the header is parsed once, column
 * bodies are decoded only when asked for.
 *
 * <p>Bounded: every offset is checked against the record length, so a corrupt record (header
 * size beyond the payload, reserved serial types 10/11, bodies running past the end) gives a
 * {@link DatabaseException} with {@link ResultCode#CORRUPT}, never an out-of-bounds read.
 * A record with fewer columns than asked for yields NULL for the missing ones (SQLite rows
 * written before an ALTER TABLE ADD COLUMN); the caller applies column defaults.
 *
 * <p>The decoder keeps a reference to the segment; it is valid as long as the segment is
 * (for a cursor payload: until the cursor moves).
 */
public final class RecordDecoder {
    private static final ValueLayout.OfLong BE_LONG =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN);

    private final MemorySegment seg;
    private final int count;
    private final long[] types;
    private final long[] offsets;

    private RecordDecoder(MemorySegment seg, int count, long[] types, long[] offsets) {
        this.seg = seg;
        this.count = count;
        this.types = types;
        this.offsets = offsets;
    }

    public static RecordDecoder of(byte[] record) {
        return of(MemorySegment.ofArray(record));
    }

    /** Parses the header of the record that fills {@code seg}. */
    public static RecordDecoder of(MemorySegment seg) {
        long size = seg.byteSize();
        if (size == 0) {
            throw corrupt("empty record");
        }
        long header = Varint.read(seg, 0, size);
        if (header < 1 || header > size) {
            throw corrupt("record header size " + header + " outside record of " + size + " bytes");
        }
        int hlen = Varint.lengthAt(seg, 0, size);
        // A header of H bytes holds at most H serial types: allocate for that bound.
        int cap = (int) Math.min(header, 65536);
        long[] types = new long[Math.max(cap, 1)];
        long[] offsets = new long[Math.max(cap, 1)];
        long h = hlen;
        long body = header;
        int n = 0;
        while (h < header) {
            if (n == types.length) {
                throw corrupt("too many columns in record header");
            }
            long t = Varint.read(seg, h, header);
            h += Varint.lengthAt(seg, h, header);
            long len = SerialType.bodyLength(t);
            if (len < 0 || t < 0) {
                throw corrupt("reserved serial type " + t);
            }
            types[n] = t;
            offsets[n] = body;
            body += len;
            if (body > size || body < 0) {
                throw corrupt("column " + n + " runs past the end of the record");
            }
            n++;
        }
        return new RecordDecoder(seg, n, types, offsets);
    }

    /** Number of columns stored in the record. */
    public int columnCount() {
        return count;
    }

    /** The serial type of column {@code i} (0 = NULL for a column beyond the record). */
    public long serialType(int i) {
        return i < count ? types[i] : SerialType.NULL;
    }

    public boolean isNull(int i) {
        return serialType(i) == SerialType.NULL;
    }

    /** Column {@code i} as a Java value: null, Long, Double, String or byte[]. */
    public Object column(int i) {
        long t = serialType(i);
        if (t == SerialType.NULL) {
            return null;
        }
        if (t == SerialType.REAL) {
            return realValue(i);
        }
        if (SerialType.isInteger(t)) {
            return intValue(i);
        }
        if (SerialType.isText(t)) {
            return text(i);
        }
        return blob(i);
    }

    /** All columns as Java values. */
    public Object[] columns() {
        Object[] out = new Object[count];
        for (int i = 0; i < count; i++) {
            out[i] = column(i);
        }
        return out;
    }

    /** Column {@code i}, which must have an integer serial type. */
    public long intValue(int i) {
        long t = types[i];
        if (t == SerialType.ZERO) {
            return 0;
        }
        if (t == SerialType.ONE) {
            return 1;
        }
        int len = (int) SerialType.bodyLength(t);
        long off = offsets[i];
        long v = seg.get(ValueLayout.JAVA_BYTE, off); // sign-extends the first byte
        for (int k = 1; k < len; k++) {
            v = (v << 8) | (seg.get(ValueLayout.JAVA_BYTE, off + k) & 0xff);
        }
        return v;
    }

    /** Column {@code i}, which must have serial type 7. */
    public double realValue(int i) {
        return Double.longBitsToDouble(seg.get(BE_LONG, offsets[i]));
    }

    /** Column {@code i} as text (UTF-8 decoding of its body; serial type must be TEXT or BLOB). */
    public String text(int i) {
        return new String(bytes(i), StandardCharsets.UTF_8);
    }

    /** The raw body bytes of a TEXT or BLOB column. */
    public byte[] blob(int i) {
        return bytes(i);
    }

    private byte[] bytes(int i) {
        long len = SerialType.bodyLength(types[i]);
        return seg.asSlice(offsets[i], len).toArray(ValueLayout.JAVA_BYTE);
    }

    /** Offset of column {@code i}'s body within the record. */
    public long bodyOffset(int i) {
        return offsets[i];
    }

    private static DatabaseException corrupt(String what) {
        return new DatabaseException(ResultCode.CORRUPT, "database disk image is malformed (" + what + ")");
    }
}
