package io.ringlite.vdbe.value;

import java.util.Locale;

/**
 * The built-in collating sequences (datatype3 section 7). All compare text by Unicode code
 * point, which for UTF-8 is SQLite's memcmp() order.
 */
public enum Collation {
    /** Code point order (memcmp of UTF-8). */
    BINARY,
    /** Like BINARY after folding the 26 ASCII upper-case letters to lower case. */
    NOCASE,
    /** Like BINARY ignoring trailing spaces. */
    RTRIM;

    /** By name, any case; null if unknown. */
    public static Collation named(String name) {
        if (name == null) {
            return null;
        }
        return switch (name.toUpperCase(Locale.ROOT)) {
            case "BINARY" -> BINARY;
            case "NOCASE" -> NOCASE;
            case "RTRIM" -> RTRIM;
            default -> null;
        };
    }

    public int compare(String a, String b) {
        int na = a.length();
        int nb = b.length();
        if (this == RTRIM) {
            while (na > 0 && a.charAt(na - 1) == ' ') {
                na--;
            }
            while (nb > 0 && b.charAt(nb - 1) == ' ') {
                nb--;
            }
        }
        int i = 0;
        int j = 0;
        while (i < na && j < nb) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (this == NOCASE) {
                ca = fold(ca);
                cb = fold(cb);
            }
            if (ca != cb) {
                return ca < cb ? -1 : 1;
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        int ra = na - i;
        int rb = nb - j;
        return ra == rb ? 0 : ra < rb ? -1 : 1;
    }

    private static int fold(int c) {
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    }
}
