package io.ringlite.vdbe.value;

/**
 * Text-to-number conversions with SQLite's rules (datatype3 "Type Affinity", lang_expr "CAST
 * expressions").
 *
 * <p>Two readings of a string exist in SQLite and both are here:
 * <ul>
 *   <li><b>prefix</b> (CAST, arithmetic, sqlite3_value_int64): the longest leading part that
 *       looks like a number counts; "12abc" is 12, "abc" is 0;</li>
 *   <li><b>whole</b> (column affinity, comparison affinity): the text converts only if all of it,
 *       apart from leading and trailing spaces, is a well-formed number.</li>
 * </ul>
 * Hexadecimal text ("0x10") is not a number in either reading.
 */
public final class SqlNumbers {
    private SqlNumbers() {
    }

    /**
     * Scans a number at the start of {@code s} (after leading whitespace) and stores it in
     * {@code out} as INTEGER (digits only, fits in 64 bits) or REAL (fraction, exponent or
     * overflow); with no numeric prefix {@code out} becomes INTEGER 0.
     *
     * @return true if the whole string (apart from surrounding whitespace) was the number
     */
    public static boolean parse(String s, Mem out) {
        int n = s.length();
        int p = 0;
        while (p < n && isSpace(s.charAt(p))) {
            p++;
        }
        int start = p;
        if (p < n && (s.charAt(p) == '+' || s.charAt(p) == '-')) {
            p++;
        }
        int digitsStart = p;
        while (p < n && isDigit(s.charAt(p))) {
            p++;
        }
        int intDigits = p - digitsStart;
        boolean real = false;
        int fracDigits = 0;
        if (p < n && s.charAt(p) == '.') {
            int q = p + 1;
            while (q < n && isDigit(s.charAt(q))) {
                q++;
            }
            fracDigits = q - p - 1;
            if (intDigits + fracDigits > 0) {
                real = true;
                p = q;
            }
        }
        if (intDigits + fracDigits == 0) {
            out.setInt(0);
            return false;
        }
        if (p < n && (s.charAt(p) == 'e' || s.charAt(p) == 'E')) {
            int q = p + 1;
            if (q < n && (s.charAt(q) == '+' || s.charAt(q) == '-')) {
                q++;
            }
            int expStart = q;
            while (q < n && isDigit(s.charAt(q))) {
                q++;
            }
            if (q > expStart) {
                real = true;
                p = q;
            }
        }
        int end = p;
        while (p < n && isSpace(s.charAt(p))) {
            p++;
        }
        boolean whole = p == n;
        String num = s.substring(start, end);
        if (!real) {
            try {
                out.setInt(Long.parseLong(num.charAt(0) == '+' ? num.substring(1) : num));
                return whole;
            } catch (NumberFormatException overflow) {
                // more digits than 64 bits hold: SQLite falls back to REAL
            }
        }
        out.setReal(parseDouble(num));
        return whole;
    }

    private static double parseDouble(String num) {
        // SQLite 3.40's reader, not Double.parseDouble: the two differ by an ulp for some inputs
        return DecimalText.toDouble(num);
    }

    /** CAST(text AS INTEGER): the integer prefix, clamped to the 64-bit range. */
    public static long textToInt(String s) {
        int n = s.length();
        int p = 0;
        while (p < n && isSpace(s.charAt(p))) {
            p++;
        }
        boolean neg = false;
        if (p < n && (s.charAt(p) == '+' || s.charAt(p) == '-')) {
            neg = s.charAt(p) == '-';
            p++;
        }
        long v = 0;
        boolean overflow = false;
        while (p < n && isDigit(s.charAt(p))) {
            int d = s.charAt(p) - '0';
            if (!overflow) {
                // accumulate negatively so that Long.MIN_VALUE is representable
                if (v < (Long.MIN_VALUE + d) / 10) {
                    overflow = true;
                } else {
                    v = v * 10 - d;
                }
            }
            p++;
        }
        if (overflow) {
            return neg ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        if (neg) {
            return v;
        }
        return v == Long.MIN_VALUE ? Long.MAX_VALUE : -v;
    }

    /** CAST(text AS REAL): the numeric prefix as a double, 0.0 if there is none. */
    public static double textToReal(String s) {
        Mem m = new Mem();
        parse(s, m);
        return m.isInt() ? (double) m.intValue() : m.isReal() ? m.realValue() : 0.0;
    }

    /** CAST(real AS INTEGER): truncation toward zero, clamped; NaN is 0. */
    public static long realToInt(double r) {
        if (Double.isNaN(r)) {
            return 0;
        }
        return (long) r; // Java's conversion truncates and saturates, as SQLite's does
    }

    /**
     * Whether {@code r} is a REAL that NUMERIC/INTEGER affinity turns into an INTEGER: integral
     * and strictly inside the 64-bit range, so the conversion is exact and reversible.
     */
    public static boolean isIntegral(double r) {
        return r > -9.223372036854775808E18 && r < 9.223372036854775808E18 && r == Math.rint(r)
                && (double) (long) r == r;
    }

    static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0b;
    }

    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
