package io.ringlite.vdbe.value;

/**
 * Decimal text to double exactly as SQLite 3.40 converts it (its {@code sqlite3AtoF}), which is
 * not always the correctly rounded double Java's {@link Double#parseDouble} gives.
 *
 * <p>SQLite 3.40 reads the digits into a signed 64-bit significand {@code s} and a decimal
 * exponent {@code e}, then:
 * <ol>
 *   <li>keeps at most about 18 significant digits: once {@code s >= (2^63-10)/10} further
 *       integer digits only raise {@code e} and further fraction digits are ignored;</li>
 *   <li>exponent digits saturate at 10000;</li>
 *   <li>moves the exponent into {@code s} while that is exact: multiplies by ten while
 *       {@code s < (2^63-1)/10}, or divides by ten while the last digit is 0;</li>
 *   <li>with no exponent left, converts {@code s} directly (correctly rounded);</li>
 *   <li>for exponents up to 307, builds {@code 10^e} in {@code long double} by binary powering
 *       (squaring 10 and multiplying in the squares for the exponent's set bits), multiplies or
 *       divides once in {@code long double} and rounds the result to double: several roundings,
 *       so some values land one ulp from the nearest double;</li>
 *   <li>for exponents 308..341 it does the same with {@code 10^(e-308)} and then multiplies or
 *       divides by 1e308 in double arithmetic; beyond that the result is zero or infinity.</li>
 * </ol>
 */
public final class DecimalText {
    private static final long SIGNIFICAND_LIMIT = (Long.MAX_VALUE - 9) / 10;

    private DecimalText() {
    }

    /**
     * The double SQLite 3.40 reads from {@code text}, a number as {@link SqlNumbers} scans it:
     * optional sign, digits with an optional point, optional exponent; anything after the number
     * is ignored.
     */
    public static double toDouble(CharSequence text) {
        int n = text.length();
        int p = 0;
        boolean negative = false;
        if (p < n && (text.charAt(p) == '+' || text.charAt(p) == '-')) {
            negative = text.charAt(p) == '-';
            p++;
        }
        long s = 0;
        int d = 0;
        while (p < n && isDigit(text.charAt(p))) {
            s = s * 10 + (text.charAt(p++) - '0');
            if (s >= SIGNIFICAND_LIMIT) {
                while (p < n && isDigit(text.charAt(p))) {
                    p++;
                    d++;
                }
            }
        }
        if (p < n && text.charAt(p) == '.') {
            p++;
            while (p < n && isDigit(text.charAt(p))) {
                if (s < SIGNIFICAND_LIMIT) {
                    s = s * 10 + (text.charAt(p) - '0');
                    d--;
                }
                p++;
            }
        }
        int e = 0;
        if (p < n && (text.charAt(p) == 'e' || text.charAt(p) == 'E')) {
            p++;
            int esign = 1;
            if (p < n && (text.charAt(p) == '+' || text.charAt(p) == '-')) {
                esign = text.charAt(p) == '-' ? -1 : 1;
                p++;
            }
            while (p < n && isDigit(text.charAt(p))) {
                int digit = text.charAt(p++) - '0';
                e = e < 10000 ? e * 10 + digit : 10000;
            }
            e *= esign;
        }
        e += d;
        if (s == 0) {
            return negative ? -0.0 : 0.0;
        }
        boolean divide = e < 0;
        e = Math.abs(e);
        while (e > 0) {
            if (!divide) {
                if (s >= Long.MAX_VALUE / 10) {
                    break;
                }
                s *= 10;
            } else {
                if (s % 10 != 0) {
                    break;
                }
                s /= 10;
            }
            e--;
        }
        double magnitude;
        if (e == 0) {
            magnitude = (double) s;
        } else if (e > 307) {
            if (e >= 342) {
                magnitude = divide ? 0.0 : Double.POSITIVE_INFINITY;
            } else {
                X87 scale = powerOfTen(e - 308);
                X87 x = X87.ofLong(s);
                magnitude = divide ? x.div(scale).toDouble() / 1.0e308 : x.mul(scale).toDouble() * 1.0e308;
            }
        } else {
            X87 scale = powerOfTen(e);
            X87 x = X87.ofLong(s);
            magnitude = (divide ? x.div(scale) : x.mul(scale)).toDouble();
        }
        return negative ? -magnitude : magnitude;
    }

    /**
     * {@code 10^n} in {@code long double} by binary powering: the running square {@code x}
     * (10, 100, 10^4, ...) is multiplied into the result for each set bit of {@code n}, every
     * product rounded to 64 bits, so large powers are not exact.
     */
    private static X87 powerOfTen(int n) {
        X87 x = X87.TEN;
        X87 r = X87.ONE;
        for (;;) {
            if ((n & 1) != 0) {
                r = r.mul(x);
            }
            n >>= 1;
            if (n == 0) {
                return r;
            }
            x = x.mul(x);
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
