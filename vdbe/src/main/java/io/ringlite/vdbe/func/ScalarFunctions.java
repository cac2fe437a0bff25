package io.ringlite.vdbe.func;

import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import io.ringlite.vdbe.value.Collation;
import io.ringlite.vdbe.value.DecimalText;
import io.ringlite.vdbe.value.FloatFormat;
import io.ringlite.vdbe.value.Mem;
import io.ringlite.vdbe.value.SqlCompare;
import io.ringlite.vdbe.value.SqlText;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The built-in scalar functions (SQLite lang_corefunc), with SQLite's result for every argument
 * type. Common rules: text functions read a non-text argument as its text rendering (12 -> "12",
 * 1.5 -> "1.5", a BLOB as its bytes taken as UTF-8); case folding is ASCII-only, as in SQLite
 * without ICU; character positions count Unicode code points.
 */
final class ScalarFunctions {
    private ScalarFunctions() {
    }

    static List<FuncDef> all() {
        List<FuncDef> f = new ArrayList<>();
        f.add(scalar("length", 1, ScalarFunctions::length));
        f.add(scalar("substr", 2, ScalarFunctions::substr));
        f.add(scalar("substr", 3, ScalarFunctions::substr));
        f.add(scalar("substring", 2, ScalarFunctions::substr));
        f.add(scalar("substring", 3, ScalarFunctions::substr));
        f.add(scalar("hex", 1, ScalarFunctions::hex));
        f.add(scalar("typeof", 1, (a, out) -> out.setText(a[0].typeName())));
        f.add(scalar("quote", 1, ScalarFunctions::quote));
        f.add(scalar("abs", 1, ScalarFunctions::abs));
        f.add(scalar("coalesce", -1, ScalarFunctions::coalesce));
        f.add(scalar("ifnull", 2, ScalarFunctions::coalesce));
        f.add(scalar("iif", 3, ScalarFunctions::iif));
        f.add(scalar("lower", 1, (a, out) -> fold(a[0], out, false)));
        f.add(scalar("upper", 1, (a, out) -> fold(a[0], out, true)));
        f.add(scalar("nullif", 2, ScalarFunctions::nullif));
        f.add(scalar("min", -1, (a, out) -> minMax(a, out, false)));
        f.add(scalar("max", -1, (a, out) -> minMax(a, out, true)));
        f.add(scalar("round", 1, ScalarFunctions::round));
        f.add(scalar("round", 2, ScalarFunctions::round));
        f.add(scalar("instr", 2, ScalarFunctions::instr));
        f.add(scalar("replace", 3, ScalarFunctions::replace));
        f.add(scalar("trim", 1, (a, out) -> trim(a, out, true, true)));
        f.add(scalar("trim", 2, (a, out) -> trim(a, out, true, true)));
        f.add(scalar("ltrim", 1, (a, out) -> trim(a, out, true, false)));
        f.add(scalar("ltrim", 2, (a, out) -> trim(a, out, true, false)));
        f.add(scalar("rtrim", 1, (a, out) -> trim(a, out, false, true)));
        f.add(scalar("rtrim", 2, (a, out) -> trim(a, out, false, true)));
        f.add(scalar("char", -1, ScalarFunctions::chr));
        f.add(scalar("unicode", 1, ScalarFunctions::unicode));
        f.add(scalar("zeroblob", 1, (a, out) -> out.setBlob(new byte[(int) Math.max(0, Math.min(a[0].asLong(), 1_000_000_000))])));
        f.add(scalar("like", 2, (a, out) -> like(a, out)));
        f.add(scalar("like", 3, (a, out) -> like(a, out)));
        f.add(scalar("glob", 2, (a, out) -> glob(a, out)));
        // planner hints: the value of the first argument
        f.add(scalar("likely", 1, (a, out) -> out.copyFrom(a[0])));
        f.add(scalar("unlikely", 1, (a, out) -> out.copyFrom(a[0])));
        f.add(scalar("likelihood", 2, (a, out) -> out.copyFrom(a[0])));
        f.add(new FuncDef("randomblob", 1, (a, out) -> {
            byte[] b = new byte[(int) Math.max(1, Math.min(a[0].asLong(), 1_000_000_000))];
            ThreadLocalRandom.current().nextBytes(b);
            out.setBlob(b);
        }, null, false));
        f.add(new FuncDef("random", 0, (a, out) -> out.setInt(ThreadLocalRandom.current().nextLong()), null, false));
        f.add(new FuncDef("last_insert_rowid", 0, connectionFunction(FunctionContext::lastInsertRowid), null, false));
        f.add(new FuncDef("changes", 0, connectionFunction(FunctionContext::lastChanges), null, false));
        f.add(new FuncDef("total_changes", 0, connectionFunction(FunctionContext::totalChanges), null, false));
        f.add(scalar("sqlite_version", 0, (a, out) -> out.setText(FunctionRegistry.SQLITE_VERSION)));
        f.add(scalar("printf", -1, Printf::printf));
        f.add(scalar("format", -1, Printf::printf));
        return f;
    }

    /** A function of no arguments whose integer value comes from the connection. */
    private static ScalarFunction connectionFunction(java.util.function.ToLongFunction<FunctionContext> value) {
        return new ScalarFunction() {
            @Override
            public void call(Mem[] args, Mem out) {
                throw new IllegalStateException("invariant: a connection function called without its connection");
            }

            @Override
            public void call(Mem[] args, Mem out, FunctionContext connection) {
                out.setInt(value.applyAsLong(connection));
            }
        };
    }

    private static FuncDef scalar(String name, int nargs, ScalarFunction fn) {
        return new FuncDef(name, nargs, fn, null, true);
    }

    /** Characters of text up to (not including) the first NUL, as SQLite's length() counts. */
    static void length(Mem[] a, Mem out) {
        Mem x = a[0];
        switch (x.type()) {
            case NULL -> out.setNull();
            case BLOB -> out.setInt(x.blobValue().length);
            default -> {
                String s = x.asText();
                int nul = s.indexOf('\0');
                if (nul >= 0) {
                    s = s.substring(0, nul);
                }
                out.setInt(s.codePointCount(0, s.length()));
            }
        }
    }

    /**
     * substr(X, Y[, Z]). Character i (1-based) covers [i-1, i); the result covers [Y-1, Y-1+Z)
     * for positive Y, [len+Y, ...) for negative Y and starts at the virtual position -1 for
     * Y = 0; a negative Z takes the |Z| characters before the start. Clipped to the string.
     * BLOBs are cut by bytes.
     */
    static void substr(Mem[] a, Mem out) {
        for (Mem m : a) {
            if (m.isNull()) {
                out.setNull();
                return;
            }
        }
        if (a[0].isBlob() && a[0].blobValue().length == 0) {
            out.setNull(); // SQLite sees no blob at all here
            return;
        }
        // SQLite 3.40 reads Y and Z as C ints: the 64-bit value truncated to its low 32 bits.
        long y = (int) a[1].asLong();
        boolean hasZ = a.length > 2;
        // Without Z SQLite takes its maximum string length (SQLITE_LIMIT_LENGTH, 10^9) as Z.
        long z = hasZ ? (int) a[2].asLong() : 1_000_000_000L;
        boolean blob = a[0].isBlob();
        byte[] bytes = blob ? a[0].blobValue() : null;
        String s = blob ? null : a[0].asText();
        long len = blob ? bytes.length : s.codePointCount(0, s.length());
        y = Math.max(Math.min(y, Long.MAX_VALUE / 4), Long.MIN_VALUE / 4);
        z = Math.max(Math.min(z, Long.MAX_VALUE / 4), Long.MIN_VALUE / 4);
        long start = y > 0 ? y - 1 : y < 0 ? len + y : -1;
        long from;
        long to;
        if (z >= 0) {
            from = start;
            to = start + z;
        } else {
            from = start + z;
            to = start;
        }
        from = Math.max(from, 0);
        to = Math.min(to, len);
        if (to <= from) {
            if (blob) {
                out.setBlob(new byte[0]);
            } else {
                out.setText("");
            }
            return;
        }
        if (blob) {
            byte[] r = new byte[(int) (to - from)];
            System.arraycopy(bytes, (int) from, r, 0, r.length);
            out.setBlob(r);
        } else {
            int b = s.offsetByCodePoints(0, (int) from);
            int e = s.offsetByCodePoints(b, (int) (to - from));
            out.setText(s.substring(b, e));
        }
    }

    static void hex(Mem[] a, Mem out) {
        byte[] b = a[0].asBlob();
        out.setText(b == null ? "" : SqlText.hex(b));
    }

    /** quote(X): an SQL literal for X. */
    static void quote(Mem[] a, Mem out) {
        Mem x = a[0];
        switch (x.type()) {
            case NULL -> out.setText("NULL");
            case INTEGER -> out.setText(Long.toString(x.intValue()));
            case REAL -> out.setText(SqlText.quoteReal(x.realValue()));
            case TEXT -> out.setText("'" + x.textValue().replace("'", "''") + "'");
            case BLOB -> out.setText("X'" + SqlText.hex(x.blobValue()) + "'");
            default -> out.setNull();
        }
    }

    static void abs(Mem[] a, Mem out) {
        Mem x = a[0];
        switch (x.type()) {
            case NULL -> out.setNull();
            case INTEGER -> {
                if (x.intValue() == Long.MIN_VALUE) {
                    throw new DatabaseException(ResultCode.ERROR, "integer overflow");
                }
                out.setInt(Math.abs(x.intValue()));
            }
            default -> out.setReal(Math.abs(x.asDouble()));
        }
    }

    static void coalesce(Mem[] a, Mem out) {
        for (Mem m : a) {
            if (!m.isNull()) {
                out.copyFrom(m);
                return;
            }
        }
        out.setNull();
    }

    static void iif(Mem[] a, Mem out) {
        Boolean t = io.ringlite.vdbe.value.Arith.truth(a[0]);
        out.copyFrom(Boolean.TRUE.equals(t) ? a[1] : a[2]);
    }

    static void fold(Mem x, Mem out, boolean upper) {
        if (x.isNull()) {
            out.setNull();
            return;
        }
        String s = x.asText();
        char[] c = s.toCharArray();
        for (int i = 0; i < c.length; i++) {
            char ch = c[i];
            if (upper && ch >= 'a' && ch <= 'z') {
                c[i] = (char) (ch - 32);
            } else if (!upper && ch >= 'A' && ch <= 'Z') {
                c[i] = (char) (ch + 32);
            }
        }
        out.setText(new String(c));
    }

    static void nullif(Mem[] a, Mem out) {
        if (!a[0].isNull() && !a[1].isNull() && SqlCompare.compare(a[0], a[1], Collation.BINARY) == 0) {
            out.setNull();
        } else {
            out.copyFrom(a[0]);
        }
    }

    /** Scalar min()/max(): NULL if any argument is NULL; the first of equal values wins. */
    static void minMax(Mem[] a, Mem out, boolean max) {
        Mem best = a[0];
        for (Mem m : a) {
            if (m.isNull()) {
                out.setNull();
                return;
            }
            // max keeps the first of equal values, min the last (as SQLite's minmaxFunc)
            int c = SqlCompare.compare(m, best, Collation.BINARY);
            if (max ? c > 0 : c <= 0) {
                best = m;
            }
        }
        out.copyFrom(best);
    }

    /**
     * round(X[, N]) as SQLite 3.40 computes it, always REAL. N is read as a C {@code int} (the
     * 64-bit value truncated to 32 bits, so 2^32+1 means 1) and clamped to [0, 30]. Values beyond
     * 2^52 have no fraction and come back unchanged. With N = 0 the value is
     * {@code (long) (x ± 0.5)} in double arithmetic; otherwise it is printf's {@code %.Nf} text
     * read back by SQLite's decimal reader, so the rounding is that of {@link FloatFormat}
     * (round(2.675, 2) is 2.68).
     */
    static void round(Mem[] a, Mem out) {
        if (a[0].isNull() || (a.length > 1 && a[1].isNull())) {
            out.setNull();
            return;
        }
        int n = a.length > 1 ? (int) a[1].asLong() : 0;
        n = Math.max(0, Math.min(n, 30));
        double x = a[0].asDouble();
        if (!(x >= -4503599627370496.0 && x <= 4503599627370496.0)) {
            out.setReal(x); // no fractional part to round
            return;
        }
        if (n == 0) {
            out.setReal((double) (long) (x + (x < 0 ? -0.5 : 0.5)));
            return;
        }
        out.setReal(DecimalText.toDouble(FloatFormat.format(x, 'f', n, false, false, (char) 0)));
    }

    /** instr(X, Y): 1-based position of Y in X by characters (bytes when both are BLOBs), 0 if absent. */
    static void instr(Mem[] a, Mem out) {
        if (a[0].isNull() || a[1].isNull()) {
            out.setNull();
            return;
        }
        if (a[0].isBlob() && a[1].isBlob()) {
            byte[] h = a[0].blobValue();
            byte[] n = a[1].blobValue();
            outer:
            for (int i = 0; i + n.length <= h.length; i++) {
                for (int k = 0; k < n.length; k++) {
                    if (h[i + k] != n[k]) {
                        continue outer;
                    }
                }
                out.setInt(i + 1);
                return;
            }
            out.setInt(0);
            return;
        }
        String h = a[0].asText();
        String n = a[1].asText();
        int i = h.indexOf(n);
        out.setInt(i < 0 ? 0 : h.codePointCount(0, i) + 1);
    }

    static void replace(Mem[] a, Mem out) {
        if (a[0].isNull() || a[1].isNull() || a[2].isNull()) {
            out.setNull();
            return;
        }
        String x = a[0].asText();
        String y = a[1].asText();
        if (y.isEmpty()) {
            out.copyFrom(a[0]);
            return;
        }
        out.setText(x.replace(y, a[2].asText()));
    }

    static void trim(Mem[] a, Mem out, boolean left, boolean right) {
        if (a[0].isNull() || (a.length > 1 && a[1].isNull())) {
            out.setNull();
            return;
        }
        String s = a[0].asText();
        String set = a.length > 1 ? cText(a[1]) : " ";
        int b = 0;
        int e = s.length();
        if (left) {
            while (b < e && set.indexOf(s.codePointAt(b)) >= 0) {
                b += Character.charCount(s.codePointAt(b));
            }
        }
        if (right) {
            while (e > b && set.indexOf(s.codePointBefore(e)) >= 0) {
                e -= Character.charCount(s.codePointBefore(e));
            }
        }
        out.setText(s.substring(b, e));
    }

    static void chr(Mem[] a, Mem out) {
        StringBuilder sb = new StringBuilder();
        for (Mem m : a) {
            long cp = m.asLong();
            if (cp < 0 || cp > 0x10ffff) {
                cp = 0xfffd;
            }
            sb.appendCodePoint((int) cp);
        }
        out.setText(sb.toString());
    }

    static void unicode(Mem[] a, Mem out) {
        if (a[0].isNull()) {
            out.setNull();
            return;
        }
        String s = cText(a[0]);
        if (s.isEmpty()) {
            out.setNull();
        } else {
            out.setInt(s.codePointAt(0));
        }
    }

    /** like(P, X[, E]) is {@code X LIKE P ESCAPE E}: note the argument order. */
    static void like(Mem[] a, Mem out) {
        for (Mem m : a) {
            if (m.isNull()) {
                out.setNull();
                return;
            }
        }
        int esc = -1;
        if (a.length > 2) {
            String e = a[2].asText();
            if (e.codePointCount(0, e.length()) != 1) {
                throw new DatabaseException(ResultCode.ERROR, "ESCAPE expression must be a single character");
            }
            esc = e.codePointAt(0);
        }
        out.setInt(Patterns.like(cText(a[0]), cText(a[1]), esc) ? 1 : 0);
    }

    /** glob(P, X) is {@code X GLOB P}. */
    static void glob(Mem[] a, Mem out) {
        if (a[0].isNull() || a[1].isNull()) {
            out.setNull();
            return;
        }
        out.setInt(Patterns.glob(cText(a[0]), cText(a[1])) ? 1 : 0);
    }

    /**
     * The value's text as a C string, cut at its first NUL: functions that SQLite implements
     * over NUL-terminated text (LIKE, GLOB, the trim set, unicode(), printf formats) see only
     * that much.
     */
    static String cText(Mem m) {
        String s = m.asText();
        int nul = s.indexOf('\0');
        return nul < 0 ? s : s.substring(0, nul);
    }
}
