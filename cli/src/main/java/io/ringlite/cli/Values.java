package io.ringlite.cli;

import java.nio.charset.StandardCharsets;

/**
 * Conversions of result values ({@code null}, Long, Double, String, byte[]) to the bytes
 * {@code sqlite3_column_text} would give, which is what most output modes print.
 */
final class Values {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Values() {
    }

    /** The value's text bytes, or null for SQL NULL. Integer types other than Long are accepted too. */
    static byte[] text(Object v) {
        return switch (v) {
            case null -> null;
            case byte[] b -> b;
            case String s -> s.getBytes(StandardCharsets.UTF_8);
            case Double d -> RealText.display(d).getBytes(StandardCharsets.US_ASCII);
            case Float f -> RealText.display(f).getBytes(StandardCharsets.US_ASCII);
            case Number n -> Long.toString(n.longValue()).getBytes(StandardCharsets.US_ASCII);
            case Boolean b -> (b ? "1" : "0").getBytes(StandardCharsets.US_ASCII);
            default -> v.toString().getBytes(StandardCharsets.UTF_8);
        };
    }

    /** Length of {@code b} as a C string: the index of the first NUL byte, or its length. */
    static int cLength(byte[] b) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == 0) {
                return i;
            }
        }
        return b.length;
    }

    static boolean isReal(Object v) {
        return v instanceof Double || v instanceof Float;
    }

    static boolean isInteger(Object v) {
        return v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte;
    }

    /** Lower-case hex digits of a BLOB, as in {@code X'00ff'}. */
    static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length * 2);
        for (byte x : b) {
            sb.append(HEX[(x >> 4) & 0xf]).append(HEX[x & 0xf]);
        }
        return sb.toString();
    }
}
