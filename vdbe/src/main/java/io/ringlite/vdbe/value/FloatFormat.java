package io.ringlite.vdbe.value;

/**
 * The floating-point conversions of SQLite 3.40's printf ({@code %f %e %E %g %G}), digit for
 * digit as the sqlite3 3.40.1 shell on x86-64 prints them.
 *
 * <p>SQLite does not print the exact decimal expansion of a double. It works in the x87
 * {@code long double} ({@link X87}) and, in this order:
 * <ol>
 *   <li>builds a rounder, half a unit of the last wanted digit (0.5, 0.05, ... from a table of
 *       double literals, further tenths by multiplying by 1e-10);</li>
 *   <li>for {@code %f} only, adds the rounder to the value before normalising, and first widens
 *       the rounder by {@code value * 3e-16} when {@code precision + binaryExponent/3 < 15}, which
 *       is why {@code round(2.675, 2)} is 2.68 in SQLite although the double is below 2.675;</li>
 *   <li>scales the value into [1, 10) by multiplying powers of ten into a divisor (1e100, 1e10,
 *       10) and dividing once, then multiplying small values up by 1e8 and 10;</li>
 *   <li>for {@code %e}/{@code %g}, adds the rounder now and renormalises if that reached 10;</li>
 *   <li>peels digits: the integer part, then {@code (value - digit) * 10}, each step rounded to
 *       64 bits, so digits past the 17th drift from the exact expansion (1.0/3 prints as
 *       {@code 0.33333333333333331482}). At most 16 significant digits are produced, 26 with the
 *       {@code !} flag; later positions print {@code 0}.</li>
 * </ol>
 * {@code %g} chooses exponent form when the decimal exponent is below -4 or above the precision
 * minus one, and then removes trailing zeros unless {@code #} is given; {@code !} keeps one digit
 * after the point ({@code 1.0}) and also strips trailing zeros of {@code %e}/{@code %f}. The
 * exponent has at least two digits. Infinity prints as {@code Inf} (with the sign or
 * {@code +}/space prefix), NaN as {@code NaN}, and negative zero without its sign.
 */
public final class FloatFormat {
    /** 0.5, 0.05, ... 5e-10: the double literals SQLite's rounding table holds. */
    private static final double[] ROUNDERS = {5.0e-1, 5.0e-2, 5.0e-3, 5.0e-4, 5.0e-5, 5.0e-6, 5.0e-7, 5.0e-8,
            5.0e-9, 5.0e-10};
    private static final X87 E100 = X87.of(1e100);
    private static final X87 E10 = X87.of(1e10);
    private static final X87 E8 = X87.of(1e8);
    private static final X87 E_MINUS_8 = X87.of(1e-8);
    private static final X87 E_MINUS_10 = X87.of(1e-10);
    private static final X87 TENTH = X87.of(0.1);
    private static final X87 THREE_E_MINUS_16 = X87.of(3e-16);
    /** Beyond this decimal exponent the scaling loops stop and the value prints as infinite. */
    private static final int MAX_EXPONENT = 350;

    private FloatFormat() {
    }

    /** The conversion's shape. */
    private enum Kind { FIXED, EXPONENT, GENERIC }

    /**
     * One conversion's text, without width padding.
     *
     * @param v          the value
     * @param conversion one of {@code f e E g G}
     * @param precision  digits after the point ({@code f e}) or significant digits ({@code g});
     *                   negative means the default, 6
     * @param alternate  the {@code #} flag: keep the point and trailing zeros
     * @param bang       the {@code !} flag: 26 significant digits, one digit kept after the point
     * @param prefix     what a non-negative value starts with: {@code '+'}, {@code ' '} or 0
     */
    public static String format(double v, char conversion, int precision, boolean alternate, boolean bang,
                                char prefix) {
        Kind kind = switch (conversion) {
            case 'f' -> Kind.FIXED;
            case 'e', 'E' -> Kind.EXPONENT;
            case 'g', 'G' -> Kind.GENERIC;
            default -> throw new IllegalArgumentException("not a floating-point conversion: " + conversion);
        };
        char expChar = Character.isUpperCase(conversion) ? 'E' : 'e';
        if (precision < 0) {
            precision = 6;
        }
        char sign = prefix;
        if (v < 0) {
            v = -v;
            sign = '-';
        }
        if (Double.isNaN(v)) {
            return "NaN";
        }
        StringBuilder out = new StringBuilder(24);
        if (sign != 0) {
            out.append(sign);
        }
        if (Double.isInfinite(v)) {
            return out.append("Inf").toString();
        }
        if (kind == Kind.GENERIC && precision > 0) {
            precision--;
        }
        int idx = precision & 0xfff;
        X87 rounder = X87.of(ROUNDERS[idx % 10]);
        for (; idx >= 10; idx -= 10) {
            rounder = rounder.mul(E_MINUS_10);
        }
        X87 r = X87.of(v);
        if (kind == Kind.FIXED) {
            int binaryExp = -1023 + (int) ((Double.doubleToRawLongBits(v) >>> 52) & 0x7ff);
            if (precision + binaryExp / 3 < 15) {
                rounder = rounder.add(r.mul(THREE_E_MINUS_16));
            }
            r = r.add(rounder);
        }
        int exp = 0;
        if (!r.isZero()) {
            X87 scale = X87.ONE;
            while (r.compareTo(E100.mul(scale)) >= 0 && exp <= MAX_EXPONENT) {
                scale = scale.mul(E100);
                exp += 100;
            }
            while (r.compareTo(E10.mul(scale)) >= 0 && exp <= MAX_EXPONENT) {
                scale = scale.mul(E10);
                exp += 10;
            }
            while (r.compareTo(X87.TEN.mul(scale)) >= 0 && exp <= MAX_EXPONENT) {
                scale = scale.mul(X87.TEN);
                exp++;
            }
            r = r.div(scale);
            while (r.compareTo(E_MINUS_8) < 0) {
                r = r.mul(E8);
                exp -= 8;
            }
            while (r.compareTo(X87.ONE) < 0) {
                r = r.mul(X87.TEN);
                exp--;
            }
            if (exp > MAX_EXPONENT) {
                return out.append("Inf").toString();
            }
        }
        if (kind != Kind.FIXED) {
            r = r.add(rounder);
            if (r.compareTo(X87.TEN) >= 0) {
                r = r.mul(TENTH);
                exp++;
            }
        }
        boolean stripZeros;
        if (kind == Kind.GENERIC) {
            stripZeros = !alternate;
            if (exp < -4 || exp > precision) {
                kind = Kind.EXPONENT;
            } else {
                precision -= exp;
                kind = Kind.FIXED;
            }
        } else {
            stripZeros = bang;
        }
        int e2 = kind == Kind.EXPONENT ? 0 : exp;
        Digits digits = new Digits(r, bang ? 26 : 16);
        boolean point = precision > 0 || alternate || bang;
        int start = out.length();
        if (e2 < 0) {
            out.append('0');
        } else {
            for (; e2 >= 0; e2--) {
                out.append(digits.next());
            }
        }
        if (point) {
            out.append('.');
        }
        for (e2++; e2 < 0; precision--, e2++) {
            out.append('0');
        }
        while (precision-- > 0) {
            out.append(digits.next());
        }
        if (stripZeros && point) {
            int end = out.length();
            while (out.charAt(end - 1) == '0') {
                end--;
            }
            assert end > start : "invariant: a digit precedes the point";
            out.setLength(end);
            if (out.charAt(end - 1) == '.') {
                if (bang) {
                    out.append('0');
                } else {
                    out.setLength(end - 1);
                }
            }
        }
        if (kind == Kind.EXPONENT) {
            out.append(expChar);
            if (exp < 0) {
                out.append('-');
                exp = -exp;
            } else {
                out.append('+');
            }
            if (exp >= 100) {
                out.append((char) ('0' + exp / 100));
                exp %= 100;
            }
            out.append((char) ('0' + exp / 10)).append((char) ('0' + exp % 10));
        }
        return out.toString();
    }

    /** Successive digits of a value in [0, 10): the integer part, then {@code (value - digit) * 10}. */
    private static final class Digits {
        private X87 value;
        private int left;

        Digits(X87 value, int significant) {
            this.value = value;
            this.left = significant;
        }

        char next() {
            if (left <= 0) {
                return '0';
            }
            left--;
            int digit = value.truncToInt();
            value = value.sub(X87.ofLong(digit)).mul(X87.TEN);
            assert digit <= 9 : "invariant: the value was normalised below 10";
            return (char) ('0' + digit);
        }
    }
}
