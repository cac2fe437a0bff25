package io.ringlite.vdbe.value;

/**
 * Ordering of SQL values (datatype3 section 4.1): NULL first, then INTEGER and REAL compared
 * numerically (exactly, also beyond 2^53), then TEXT by collation, then BLOB by memcmp().
 */
public final class SqlCompare {
    private SqlCompare() {
    }

    /** Negative, zero or positive as {@code a} sorts before, with or after {@code b}. */
    public static int compare(Mem a, Mem b, Collation coll) {
        int ca = rank(a);
        int cb = rank(b);
        if (ca != cb) {
            return ca < cb ? -1 : 1;
        }
        switch (ca) {
            case 0:
                return 0;
            case 1:
                if (a.isInt() && b.isInt()) {
                    return Long.compare(a.intValue(), b.intValue());
                }
                if (a.isReal() && b.isReal()) {
                    return Double.compare(a.realValue() + 0.0, b.realValue() + 0.0);
                }
                if (a.isInt()) {
                    return -compareRealInt(b.realValue(), a.intValue());
                }
                return compareRealInt(a.realValue(), b.intValue());
            case 2:
                return (coll == null ? Collation.BINARY : coll).compare(a.textValue(), b.textValue());
            default:
                return compareBytes(a.blobValue(), b.blobValue());
        }
    }

    /** Exact comparison of a double with a long (no precision lost above 2^53). */
    public static int compareRealInt(double r, long i) {
        if (r < -9.223372036854775808E18) {
            return -1;
        }
        if (r >= 9.223372036854775808E18) {
            return 1;
        }
        long ri = (long) r;
        if (ri != i) {
            return ri < i ? -1 : 1;
        }
        double frac = r - ri;
        return frac > 0 ? 1 : frac < 0 ? -1 : 0;
    }

    public static int compareBytes(byte[] a, byte[] b) {
        int n = Math.min(a.length, b.length);
        for (int k = 0; k < n; k++) {
            int x = a[k] & 0xff;
            int y = b[k] & 0xff;
            if (x != y) {
                return x < y ? -1 : 1;
            }
        }
        return Integer.compare(a.length, b.length);
    }

    private static int rank(Mem m) {
        return switch (m.type()) {
            case NULL, OBJECT -> 0;
            case INTEGER, REAL -> 1;
            case TEXT -> 2;
            case BLOB -> 3;
        };
    }
}
