package io.ringlite.vdbe.value;

import java.nio.charset.StandardCharsets;

/**
 * SQL arithmetic, bit and logic operators with SQLite's rules (lang_expr "Operators"):
 * <ul>
 *   <li>NULL in, NULL out (except AND/OR, which are three-valued);</li>
 *   <li>TEXT and BLOB operands are read as numbers by the prefix rule ({@code '3abc'+1 = 4});</li>
 *   <li>integer +,-,*,/ that overflows 64 bits is redone in REAL;</li>
 *   <li>{@code x/0} and {@code x%0} are NULL; {@code %} works on the integer parts of REALs and
 *       gives a REAL if either operand was REAL;</li>
 *   <li>bit operators and shifts work on 64-bit integers (REALs truncated, text by its integer
 *       prefix); shifting by 64 or more gives 0 (or -1 for a negative value shifted right), a
 *       negative shift reverses direction.</li>
 * </ul>
 * Every method writes {@code out}, which may be the same object as an operand.
 */
public final class Arith {
    public enum Op { ADD, SUBTRACT, MULTIPLY, DIVIDE, REMAINDER }

    private Arith() {
    }

    /** Reads {@code m} as a number (INTEGER or REAL) into {@code num}. */
    public static void toNumeric(Mem m, Mem num) {
        switch (m.type()) {
            case INTEGER, REAL -> num.copyFrom(m);
            case TEXT -> SqlNumbers.parse(m.textValue(), num);
            case BLOB -> SqlNumbers.parse(new String(m.blobValue(), StandardCharsets.UTF_8), num);
            default -> num.setInt(0);
        }
    }

    /** {@code out = left OP right}. */
    public static void arithmetic(Op op, Mem left, Mem right, Mem out) {
        if (left.isNull() || right.isNull()) {
            out.setNull();
            return;
        }
        // numbers are used as they are; only text and blobs need a converted copy
        Mem a = left.isNumeric() ? left : new Mem();
        Mem b = right.isNumeric() ? right : new Mem();
        if (a != left) {
            toNumeric(left, a);
        }
        if (b != right) {
            toNumeric(right, b);
        }
        if (a.isInt() && b.isInt()) {
            long x = a.intValue();
            long y = b.intValue();
            switch (op) {
                case ADD -> {
                    long r = x + y;
                    if (((x ^ r) & (y ^ r)) < 0) {
                        out.setReal((double) x + (double) y);
                    } else {
                        out.setInt(r);
                    }
                }
                case SUBTRACT -> {
                    long r = x - y;
                    if (((x ^ y) & (x ^ r)) < 0) {
                        out.setReal((double) x - (double) y);
                    } else {
                        out.setInt(r);
                    }
                }
                case MULTIPLY -> {
                    long hi = Math.multiplyHigh(x, y);
                    long lo = x * y;
                    if ((hi == 0 && lo >= 0) || (hi == -1 && lo < 0)) {
                        out.setInt(lo);
                    } else {
                        out.setReal((double) x * (double) y);
                    }
                }
                case DIVIDE -> {
                    if (y == 0) {
                        out.setNull();
                    } else if (x == Long.MIN_VALUE && y == -1) {
                        out.setReal(-(double) Long.MIN_VALUE);
                    } else {
                        out.setInt(x / y);
                    }
                }
                case REMAINDER -> {
                    if (y == 0) {
                        out.setNull();
                    } else {
                        out.setInt(y == -1 ? 0 : x % y);
                    }
                }
            }
            return;
        }
        if (op == Op.REMAINDER) {
            // The operands' integer values come from the original values ('1e2' is 1 here, as
            // CAST('1e2' AS INTEGER)), the REAL result type from their numeric reading.
            long x = left.asLong();
            long y = right.asLong();
            if (y == 0) {
                out.setNull();
            } else {
                out.setReal(y == -1 ? 0.0 : (double) (x % y));
            }
            return;
        }
        double x = a.isInt() ? a.intValue() : a.realValue();
        double y = b.isInt() ? b.intValue() : b.realValue();
        switch (op) {
            case ADD -> out.setReal(x + y);
            case SUBTRACT -> out.setReal(x - y);
            case MULTIPLY -> out.setReal(x * y);
            case DIVIDE -> {
                if (y == 0) {
                    out.setNull();
                } else {
                    out.setReal(x / y);
                }
            }
            default -> throw new IllegalStateException("invariant: op " + op);
        }
    }

    /** {@code out = left || right}: text concatenation, NULL if either is NULL. */
    public static void concat(Mem left, Mem right, Mem out) {
        if (left.isNull() || right.isNull()) {
            out.setNull();
            return;
        }
        out.setText(left.asText() + right.asText());
    }

    /** The 64-bit integer an operand of a bit operator stands for. */
    public static long toBits(Mem m) {
        return m.asLong();
    }

    public static void bitAnd(Mem left, Mem right, Mem out) {
        if (left.isNull() || right.isNull()) {
            out.setNull();
        } else {
            out.setInt(toBits(left) & toBits(right));
        }
    }

    public static void bitOr(Mem left, Mem right, Mem out) {
        if (left.isNull() || right.isNull()) {
            out.setNull();
        } else {
            out.setInt(toBits(left) | toBits(right));
        }
    }

    /** {@code out = value << amount} ({@code leftShift}) or {@code value >> amount}. */
    public static void shift(Mem value, Mem amount, boolean leftShift, Mem out) {
        if (value.isNull() || amount.isNull()) {
            out.setNull();
            return;
        }
        long v = toBits(value);
        long n = toBits(amount);
        if (n < 0) {
            leftShift = !leftShift;
            n = n == Long.MIN_VALUE ? 64 : -n;
        }
        if (n >= 64) {
            out.setInt(leftShift || v >= 0 ? 0 : -1);
        } else {
            out.setInt(leftShift ? v << n : v >> n);
        }
    }

    public static void bitNot(Mem in, Mem out) {
        if (in.isNull()) {
            out.setNull();
        } else {
            out.setInt(~toBits(in));
        }
    }

    /**
     * Truth value: null for NULL, otherwise whether the value read as a number is non-zero
     * ('abc' is false, '1abc' and 0.5 are true).
     */
    public static Boolean truth(Mem m) {
        return switch (m.type()) {
            case NULL, OBJECT -> null;
            case INTEGER -> m.intValue() != 0;
            case REAL -> m.realValue() != 0.0;
            default -> m.asDouble() != 0.0;
        };
    }

    public static void not(Mem in, Mem out) {
        Boolean t = truth(in);
        if (t == null) {
            out.setNull();
        } else {
            out.setInt(t ? 0 : 1);
        }
    }

    /** Three-valued AND (or OR with {@code or}). */
    public static void andOr(Mem left, Mem right, boolean or, Mem out) {
        Boolean a = truth(left);
        Boolean b = truth(right);
        if (or) {
            if (Boolean.TRUE.equals(a) || Boolean.TRUE.equals(b)) {
                out.setInt(1);
            } else if (a == null || b == null) {
                out.setNull();
            } else {
                out.setInt(0);
            }
        } else {
            if (Boolean.FALSE.equals(a) || Boolean.FALSE.equals(b)) {
                out.setInt(0);
            } else if (a == null || b == null) {
                out.setNull();
            } else {
                out.setInt(1);
            }
        }
    }

    /** CAST({@code m} AS type-with-affinity {@code to}), in place (lang_expr "CAST expressions"). */
    public static void cast(Mem m, Affinity to) {
        if (m.isNull()) {
            return;
        }
        switch (to) {
            case BLOB -> {
                if (!m.isBlob()) {
                    m.setBlob(m.asBlob());
                }
            }
            case TEXT -> {
                if (!m.isText()) {
                    m.setText(m.asText());
                }
            }
            case REAL -> m.setReal(m.asDouble());
            case INTEGER -> m.setInt(m.asLong());
            case NUMERIC -> {
                if (m.isText() || m.isBlob()) {
                    Mem num = new Mem();
                    toNumeric(m, num);
                    if (num.isReal() && SqlNumbers.isIntegral(num.realValue())) {
                        num.setInt((long) num.realValue());
                    }
                    m.copyFrom(num);
                }
            }
        }
    }
}
