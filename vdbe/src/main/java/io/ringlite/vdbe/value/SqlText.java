package io.ringlite.vdbe.value;

/**
 * How SQLite 3.40 renders values as text.
 *
 * <p>A REAL converts to TEXT as printf's {@code %!.15g} ({@link FloatFormat}): 15 significant
 * digits, fixed notation when the decimal exponent is in [-4, 15), exponent form otherwise
 * ({@code 1.0e+20}, at least two exponent digits), trailing zeros removed but one digit kept after
 * the point ({@code 1.0}, {@code 100.0}); infinities print as {@code Inf}/{@code -Inf}, negative
 * zero as {@code 0.0}. The digits are those of SQLite's x87 extended arithmetic, not the exact
 * decimal expansion: 5216788171630385.0 prints as {@code 5.21678817163038e+15}.
 */
public final class SqlText {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private SqlText() {
    }

    /** The TEXT of a REAL: {@code %!.15g}. */
    public static String formatReal(double d) {
        return formatReal(d, 15);
    }

    /**
     * {@code %!.Ng} with {@code N = significantDigits}: the REAL-to-TEXT shape with more or fewer
     * digits (the sqlite3 shell's quote and json modes use 20).
     */
    public static String formatReal(double d, int significantDigits) {
        return FloatFormat.format(d, 'g', significantDigits, false, true, (char) 0);
    }

    /**
     * quote() of a REAL, as SQLite 3.40 writes it: the 15-digit text when SQLite reads that back
     * ({@link DecimalText}) as the same double, otherwise {@code %!.20e} (21 significant digits,
     * trailing zeros removed). Infinities stay {@code Inf}/{@code -Inf}.
     */
    public static String quoteReal(double d) {
        String s = formatReal(d);
        if (DecimalText.toDouble(s) == d) {
            return s;
        }
        return FloatFormat.format(d, 'e', 20, false, true, (char) 0);
    }

    /** Upper-case hex of {@code bytes}, as hex() and X'' literals print them. */
    public static String hex(byte[] bytes) {
        char[] out = new char[bytes.length * 2];
        for (int k = 0; k < bytes.length; k++) {
            out[2 * k] = HEX[(bytes[k] >> 4) & 0xf];
            out[2 * k + 1] = HEX[bytes[k] & 0xf];
        }
        return new String(out);
    }
}
