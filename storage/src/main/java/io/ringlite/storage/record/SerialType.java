package io.ringlite.storage.record;

/**
 * Serial types of the record format: how one column value is stored in a record body.
 *
 * <pre>
 * TYPE      | BODY BYTES   | VALUE
 * 0         | 0            | NULL
 * 1         | 1            | big-endian two's-complement integer
 * 2         | 2            | "
 * 3         | 3            | "
 * 4         | 4            | "
 * 5         | 6            | "
 * 6         | 8            | "
 * 7         | 8            | big-endian IEEE 754-2008 64-bit float
 * 8         | 0            | the integer 0 (schema format 4 and later)
 * 9         | 0            | the integer 1 (schema format 4 and later)
 * 10, 11    | -            | reserved for internal use: corrupt in a file
 * N>=12 even| (N-12)/2     | BLOB
 * N>=13 odd | (N-13)/2     | TEXT in the database encoding (UTF-8 here)
 * </pre>
 * (SQLite file format, "Record Format".)
 */
public final class SerialType {
    public static final int NULL = 0;
    public static final int REAL = 7;
    public static final int ZERO = 8;
    public static final int ONE = 9;

    private SerialType() {
    }

    /** Number of body bytes a value of serial type {@code t} occupies; -1 for 10 and 11. */
    public static long bodyLength(long t) {
        if (t >= 12) {
            return (t - 12) >>> 1;
        }
        return switch ((int) t) {
            case 0, 8, 9 -> 0;
            case 1 -> 1;
            case 2 -> 2;
            case 3 -> 3;
            case 4 -> 4;
            case 5 -> 6;
            case 6, 7 -> 8;
            default -> -1;
        };
    }

    /** The smallest integer serial type that holds {@code v} (8/9 for 0/1 if allowed). */
    public static int forInteger(long v, boolean constantTypes) {
        if (constantTypes && (v == 0 || v == 1)) {
            return v == 0 ? ZERO : ONE;
        }
        if (v >= -128 && v <= 127) {
            return 1;
        }
        if (v >= -32768 && v <= 32767) {
            return 2;
        }
        if (v >= -8388608 && v <= 8388607) {
            return 3;
        }
        if (v >= -2147483648L && v <= 2147483647L) {
            return 4;
        }
        if (v >= -140737488355328L && v <= 140737488355327L) {
            return 5;
        }
        return 6;
    }

    public static long forText(int utf8Length) {
        return 13 + 2L * utf8Length;
    }

    public static long forBlob(int length) {
        return 12 + 2L * length;
    }

    public static boolean isInteger(long t) {
        return (t >= 1 && t <= 6) || t == 8 || t == 9;
    }

    public static boolean isText(long t) {
        return t >= 13 && (t & 1) == 1;
    }

    public static boolean isBlob(long t) {
        return t >= 12 && (t & 1) == 0;
    }
}
