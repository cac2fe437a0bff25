package io.ringlite.storage.record;

import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Orders index keys as SQLite does ("Datatypes In SQLite", sections 4.1 and 7): field by field,
 * each field by
 * <ol>
 *   <li>storage class: NULL &lt; INTEGER/REAL &lt; TEXT &lt; BLOB;</li>
 *   <li>numbers by value, an integer and a real compared exactly (never through a lossy
 *       conversion of the integer to double);</li>
 *   <li>text by the column's {@link Collation}, blobs by memcmp (shorter prefix first);</li>
 * </ol>
 * and a DESC column inverts its field's result. The first unequal field decides; when one side
 * runs out of fields the compared prefix decides nothing (0), which is what makes seeks on a
 * partial key possible. The vdbe's {@code SqlCompare} holds the same value order for registers;
 * the two must agree.
 *
 * <p>Values on the {@code Object[]} side are null, Long (or Integer/Short/Byte), Double (or
 * Float), String, byte[].
 */
public final class RecordCompare {
    private static final ValueLayout.OfLong BE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private RecordCompare() {
    }

    /** Sign of a - b over the fields both records have. */
    public static int compare(MemorySegment a, MemorySegment b, KeyInfo keyInfo) {
        Fields fa = new Fields(a);
        Fields fb = new Fields(b);
        for (int i = 0; fa.next() && fb.next(); i++) {
            int c = compareFields(fa, fb, keyInfo.collation(i));
            if (c != 0) {
                return keyInfo.descending(i) ? -c : c;
            }
        }
        return 0;
    }

    /** Sign of record - key over the first {@code min(fields of record, key.length)} fields. */
    public static int compare(MemorySegment record, Object[] key, KeyInfo keyInfo) {
        return compare(record, key, key.length, keyInfo);
    }

    /** As {@link #compare(MemorySegment, Object[], KeyInfo)} over the first {@code n} key values. */
    public static int compare(MemorySegment record, Object[] key, int n, KeyInfo keyInfo) {
        Fields f = new Fields(record);
        for (int i = 0; i < n && f.next(); i++) {
            int c = compareWithValue(f, key[i], keyInfo.collation(i));
            if (c != 0) {
                return keyInfo.descending(i) ? -c : c;
            }
        }
        return 0;
    }

    /** Sign of a - b for two values (storage classes, then value, then collation). */
    public static int compareValues(Object a, Object b, Collation collation) {
        int ca = classOf(a);
        int cb = classOf(b);
        if (ca != cb) {
            return Integer.compare(ca, cb);
        }
        return switch (ca) {
            case 0 -> 0;
            case 1 -> compareNumbers(a, b);
            case 2 -> {
                byte[] x = ((String) a).getBytes(StandardCharsets.UTF_8);
                byte[] y = ((String) b).getBytes(StandardCharsets.UTF_8);
                yield compareText(MemorySegment.ofArray(x), MemorySegment.ofArray(y), collation);
            }
            default -> compareBytes(MemorySegment.ofArray((byte[]) a), MemorySegment.ofArray((byte[]) b));
        };
    }

    private static int classOf(Object v) {
        if (v == null) {
            return 0;
        }
        if (v instanceof Number) {
            return 1;
        }
        if (v instanceof String) {
            return 2;
        }
        if (v instanceof byte[]) {
            return 3;
        }
        throw new IllegalArgumentException("not a SQL value: " + v.getClass().getName());
    }

    private static boolean isReal(Object n) {
        return n instanceof Double || n instanceof Float;
    }

    private static int compareNumbers(Object a, Object b) {
        boolean ra = isReal(a);
        boolean rb = isReal(b);
        if (!ra && !rb) {
            return Long.compare(((Number) a).longValue(), ((Number) b).longValue());
        }
        if (ra && rb) {
            return compareDoubles(((Number) a).doubleValue(), ((Number) b).doubleValue());
        }
        return ra ? -compareIntReal(((Number) b).longValue(), ((Number) a).doubleValue())
                : compareIntReal(((Number) a).longValue(), ((Number) b).doubleValue());
    }

    private static int compareDoubles(double x, double y) {
        // SQLite never stores NaN (it becomes NULL); treat it as equal rather than invent an order
        return x < y ? -1 : x > y ? 1 : 0;
    }

    /** Sign of i - d, exactly. */
    static int compareIntReal(long i, double d) {
        if (Double.isNaN(d)) {
            return 0;
        }
        if (d < -9.223372036854775808e18) {
            return 1;
        }
        if (d >= 9.223372036854775808e18) {
            return -1;
        }
        long t = (long) d;
        if (i != t) {
            return i < t ? -1 : 1;
        }
        // i == trunc(d): the fraction decides; |d| < 2^63 so (double) t is exact when d has one
        double frac = d - (double) t;
        return frac > 0 ? -1 : frac < 0 ? 1 : 0;
    }

    static int compareText(MemorySegment a, MemorySegment b, Collation c) {
        long la = a.byteSize();
        long lb = b.byteSize();
        if (c == Collation.RTRIM) {
            while (la > 0 && a.get(ValueLayout.JAVA_BYTE, la - 1) == ' ') {
                la--;
            }
            while (lb > 0 && b.get(ValueLayout.JAVA_BYTE, lb - 1) == ' ') {
                lb--;
            }
        }
        long n = Math.min(la, lb);
        boolean fold = c == Collation.NOCASE;
        if (!fold) {
            long m = a.asSlice(0, n).mismatch(b.asSlice(0, n));
            if (m >= 0) {
                return Integer.compare(a.get(ValueLayout.JAVA_BYTE, m) & 0xff, b.get(ValueLayout.JAVA_BYTE, m) & 0xff);
            }
            return Long.compare(la, lb);
        }
        for (long i = 0; i < n; i++) {
            int x = a.get(ValueLayout.JAVA_BYTE, i) & 0xff;
            int y = b.get(ValueLayout.JAVA_BYTE, i) & 0xff;
            if (x >= 'A' && x <= 'Z') {
                x += 32;
            }
            if (y >= 'A' && y <= 'Z') {
                y += 32;
            }
            if (x != y) {
                return x < y ? -1 : 1;
            }
        }
        return Long.compare(la, lb);
    }

    static int compareBytes(MemorySegment a, MemorySegment b) {
        return compareText(a, b, Collation.BINARY);
    }

    private static int compareFields(Fields a, Fields b, Collation coll) {
        int ca = a.storageClass();
        int cb = b.storageClass();
        if (ca != cb) {
            return Integer.compare(ca, cb);
        }
        return switch (ca) {
            case 0 -> 0;
            case 1 -> {
                boolean ra = a.type == SerialType.REAL;
                boolean rb = b.type == SerialType.REAL;
                if (!ra && !rb) {
                    yield Long.compare(a.intValue(), b.intValue());
                }
                if (ra && rb) {
                    yield compareDoubles(a.realValue(), b.realValue());
                }
                yield ra ? -compareIntReal(b.intValue(), a.realValue()) : compareIntReal(a.intValue(), b.realValue());
            }
            case 2 -> compareText(a.body(), b.body(), coll);
            default -> compareBytes(a.body(), b.body());
        };
    }

    private static int compareWithValue(Fields f, Object v, Collation coll) {
        int ca = f.storageClass();
        int cb = classOf(v);
        if (ca != cb) {
            return Integer.compare(ca, cb);
        }
        return switch (ca) {
            case 0 -> 0;
            case 1 -> {
                boolean ra = f.type == SerialType.REAL;
                boolean rb = isReal(v);
                if (!ra && !rb) {
                    yield Long.compare(f.intValue(), ((Number) v).longValue());
                }
                if (ra && rb) {
                    yield compareDoubles(f.realValue(), ((Number) v).doubleValue());
                }
                yield ra ? -compareIntReal(((Number) v).longValue(), f.realValue())
                        : compareIntReal(f.intValue(), ((Number) v).doubleValue());
            }
            case 2 -> compareText(f.body(), MemorySegment.ofArray(((String) v).getBytes(StandardCharsets.UTF_8)), coll);
            default -> compareBytes(f.body(), MemorySegment.ofArray((byte[]) v));
        };
    }

    /** A forward-only walk over the fields of one record; bounds-checked (records are input). */
    private static final class Fields {
        private final MemorySegment seg;
        private final long size;
        private final long headerEnd;
        private long h;
        private long bodyOff;
        long type;
        private long offset;
        private long length;

        Fields(MemorySegment seg) {
            this.seg = seg;
            this.size = seg.byteSize();
            if (size == 0) {
                throw corrupt("empty record");
            }
            long header = Varint.read(seg, 0, size);
            if (header < 1 || header > size) {
                throw corrupt("record header size " + header + " outside record of " + size + " bytes");
            }
            this.headerEnd = header;
            this.h = Varint.lengthAt(seg, 0, size);
            this.bodyOff = header;
        }

        boolean next() {
            if (h >= headerEnd) {
                return false;
            }
            long t = Varint.read(seg, h, headerEnd);
            h += Varint.lengthAt(seg, h, headerEnd);
            long len = SerialType.bodyLength(t);
            if (len < 0 || bodyOff + len > size) {
                throw corrupt("bad serial type " + t + " or body past the record end");
            }
            type = t;
            offset = bodyOff;
            length = len;
            bodyOff += len;
            return true;
        }

        /** 0 null, 1 number, 2 text, 3 blob. */
        int storageClass() {
            if (type == 0) {
                return 0;
            }
            if (type < 12) {
                return 1;
            }
            return (type & 1) == 1 ? 2 : 3;
        }

        long intValue() {
            return switch ((int) type) {
                case 8 -> 0;
                case 9 -> 1;
                default -> {
                    long v = seg.get(ValueLayout.JAVA_BYTE, offset); // sign-extended first byte
                    for (long i = 1; i < length; i++) {
                        v = (v << 8) | (seg.get(ValueLayout.JAVA_BYTE, offset + i) & 0xff);
                    }
                    yield v;
                }
            };
        }

        double realValue() {
            return Double.longBitsToDouble(seg.get(BE_LONG, offset));
        }

        MemorySegment body() {
            return seg.asSlice(offset, length);
        }
    }

    private static DatabaseException corrupt(String what) {
        return new DatabaseException(ResultCode.CORRUPT, "malformed record: " + what);
    }
}
