package io.ringlite.storage.record;

import java.nio.charset.StandardCharsets;

/**
 * Encodes column values as a SQLite record.
 *
 * <pre>
 * OFFSET        | SIZE       | DESCRIPTION
 * 0             | varint     | header size H in bytes, counting this varint itself
 * ...           | varint * n | one serial type per column ({@link SerialType})
 * H             | ...        | the column bodies, in column order, no padding
 * </pre>
 *
 * <p>Values are Java objects as they cross module APIs: {@code null}, {@link Long} (also
 * {@link Integer}/{@link Short}/{@link Byte}), {@link Double} (also {@link Float}),
 * {@link String} (TEXT, written as UTF-8) and {@code byte[]} (BLOB). Integers take the smallest
 * serial type that holds them, 0 and 1 the body-less types 8 and 9 when the schema format is 4
 * (the default for every new database). A REAL is always written as an 8-byte IEEE double: the
 * space-saving rewrite of integral values in REAL-affinity columns happens one level up (the
 * VM's MakeRecord), because only it knows the column affinity.
 */
public final class RecordEncoder {
    private final boolean constantIntTypes;

    /** An encoder for schema format 4 (serial types 8 and 9 allowed). */
    public RecordEncoder() {
        this(true);
    }

    /** @param constantIntTypes whether serial types 8 and 9 may be used (schema format >= 4) */
    public RecordEncoder(boolean constantIntTypes) {
        this.constantIntTypes = constantIntTypes;
    }

    /** The record for {@code values}. */
    public byte[] encode(Object... values) {
        int n = values.length;
        long[] types = new long[n];
        byte[][] texts = null;
        long headerBody = 0;
        long body = 0;
        for (int i = 0; i < n; i++) {
            Object v = values[i];
            long t;
            switch (v) {
                case null -> t = SerialType.NULL;
                case Long l -> t = SerialType.forInteger(l, constantIntTypes);
                case Integer x -> t = SerialType.forInteger(x, constantIntTypes);
                case Short x -> t = SerialType.forInteger(x, constantIntTypes);
                case Byte x -> t = SerialType.forInteger(x, constantIntTypes);
                case Double d -> t = SerialType.REAL;
                case Float f -> t = SerialType.REAL;
                case String s -> {
                    if (texts == null) {
                        texts = new byte[n][];
                    }
                    texts[i] = s.getBytes(StandardCharsets.UTF_8);
                    t = SerialType.forText(texts[i].length);
                }
                case byte[] b -> t = SerialType.forBlob(b.length);
                default -> throw new IllegalArgumentException(
                        "not a SQL value: " + v.getClass().getName());
            }
            types[i] = t;
            headerBody += Varint.length(t);
            body += SerialType.bodyLength(t);
        }
        long header = headerBody + 1;
        while (Varint.length(header) + headerBody != header) {
            header = headerBody + Varint.length(header);
        }
        long total = header + body;
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("record too large: " + total + " bytes");
        }
        byte[] out = new byte[(int) total];
        int h = Varint.write(out, 0, header);
        int b = (int) header;
        for (int i = 0; i < n; i++) {
            long t = types[i];
            h += Varint.write(out, h, t);
            Object v = values[i];
            if (t >= 1 && t <= 6) {
                b = writeInt(out, b, ((Number) v).longValue(), (int) SerialType.bodyLength(t));
            } else if (t == SerialType.REAL) {
                b = writeInt(out, b, Double.doubleToRawLongBits(((Number) v).doubleValue()), 8);
            } else if (t >= 12) {
                byte[] bytes = (t & 1) == 1 ? texts[i] : (byte[]) v;
                System.arraycopy(bytes, 0, out, b, bytes.length);
                b += bytes.length;
            }
        }
        assert h == header && b == total : "invariant: record layout sizes";
        return out;
    }

    private static int writeInt(byte[] out, int off, long v, int len) {
        for (int i = len - 1; i >= 0; i--) {
            out[off + i] = (byte) v;
            v >>= 8;
        }
        return off + len;
    }
}
