package io.ringlite.vdbe.value;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One VM register: a mutable SQL value cell, reused across instructions so the hot path does
 * not allocate for numbers.
 *
 * <p>Invariants: {@link #type} says which field is meaningful ({@code i} for INTEGER, {@code r}
 * for REAL, {@code s} for TEXT, {@code b} for BLOB, {@code o} for an aggregate accumulator or
 * sorter/record payload held by the VM); the others hold stale data that is never read.
 */
public final class Mem {
    /** The storage classes of SQLite plus the VM-internal object cell. */
    public enum Type { NULL, INTEGER, REAL, TEXT, BLOB, OBJECT }

    private Type type = Type.NULL;
    private long i;
    private double r;
    private String s;
    private byte[] b;
    private Object o;

    public Mem() {
    }

    public static Mem of(Object value) {
        Mem m = new Mem();
        m.set(value);
        return m;
    }

    public Type type() {
        return type;
    }

    public boolean isNull() {
        return type == Type.NULL;
    }

    public boolean isInt() {
        return type == Type.INTEGER;
    }

    public boolean isReal() {
        return type == Type.REAL;
    }

    public boolean isNumeric() {
        return type == Type.INTEGER || type == Type.REAL;
    }

    public boolean isText() {
        return type == Type.TEXT;
    }

    public boolean isBlob() {
        return type == Type.BLOB;
    }

    /** The INTEGER value; valid only when {@link #isInt()}. */
    public long intValue() {
        assert type == Type.INTEGER : "invariant: intValue of " + type;
        return i;
    }

    /** The REAL value; valid only when {@link #isReal()}. */
    public double realValue() {
        assert type == Type.REAL : "invariant: realValue of " + type;
        return r;
    }

    /** The TEXT value; valid only when {@link #isText()}. */
    public String textValue() {
        assert type == Type.TEXT : "invariant: textValue of " + type;
        return s;
    }

    /** The BLOB value; valid only when {@link #isBlob()}. Not copied: do not modify. */
    public byte[] blobValue() {
        assert type == Type.BLOB : "invariant: blobValue of " + type;
        return b;
    }

    /** The VM-internal object; valid only when the type is OBJECT. */
    public Object objectValue() {
        assert type == Type.OBJECT : "invariant: objectValue of " + type;
        return o;
    }

    public Mem setNull() {
        type = Type.NULL;
        s = null;
        b = null;
        o = null;
        return this;
    }

    public Mem setInt(long v) {
        type = Type.INTEGER;
        i = v;
        return this;
    }

    public Mem setReal(double v) {
        if (Double.isNaN(v)) {
            // SQLite never stores NaN: it becomes NULL.
            return setNull();
        }
        type = Type.REAL;
        r = v;
        return this;
    }

    public Mem setText(String v) {
        if (v == null) {
            return setNull();
        }
        type = Type.TEXT;
        s = v;
        return this;
    }

    public Mem setBlob(byte[] v) {
        if (v == null) {
            return setNull();
        }
        type = Type.BLOB;
        b = v;
        return this;
    }

    public Mem setObject(Object v) {
        type = Type.OBJECT;
        o = v;
        return this;
    }

    /** Sets from a Java value: null, Long/Integer/Short/Byte, Double/Float, String, byte[], Boolean. */
    public Mem set(Object v) {
        switch (v) {
            case null -> setNull();
            case Long l -> setInt(l);
            case Integer x -> setInt(x);
            case Short x -> setInt(x);
            case Byte x -> setInt(x);
            case Boolean x -> setInt(x ? 1 : 0);
            case Double d -> setReal(d);
            case Float f -> setReal(f);
            case String str -> setText(str);
            case byte[] bytes -> setBlob(bytes);
            default -> throw new IllegalArgumentException("not a SQL value: " + v.getClass().getName());
        }
        return this;
    }

    /** Copies the value (strings and blobs are immutable by convention, so they are shared). */
    public Mem copyFrom(Mem m) {
        type = m.type;
        i = m.i;
        r = m.r;
        s = m.s;
        b = m.b;
        o = m.o;
        return this;
    }

    /** This value as a Java object: null, Long, Double, String or byte[]. */
    public Object toObject() {
        return switch (type) {
            case NULL -> null;
            case INTEGER -> i;
            case REAL -> r;
            case TEXT -> s;
            case BLOB -> b;
            case OBJECT -> throw new IllegalStateException("invariant: VM-internal value escaped a register");
        };
    }

    /** SQLite's typeof() name. */
    public String typeName() {
        return switch (type) {
            case NULL -> "null";
            case INTEGER -> "integer";
            case REAL -> "real";
            case TEXT -> "text";
            case BLOB -> "blob";
            case OBJECT -> "null";
        };
    }

    // ---- conversions that do not change the register (SQLite's sqlite3_value_* accessors) ----

    /** The value as an integer, as sqlite3_value_int64 (and CAST AS INTEGER) converts it. */
    public long asLong() {
        return switch (type) {
            case INTEGER -> i;
            case REAL -> SqlNumbers.realToInt(r);
            case TEXT -> SqlNumbers.textToInt(s);
            case BLOB -> SqlNumbers.textToInt(new String(b, StandardCharsets.UTF_8));
            default -> 0;
        };
    }

    /** The value as a double, as sqlite3_value_double converts it. */
    public double asDouble() {
        return switch (type) {
            case INTEGER -> i;
            case REAL -> r;
            case TEXT -> SqlNumbers.textToReal(s);
            case BLOB -> SqlNumbers.textToReal(new String(b, StandardCharsets.UTF_8));
            default -> 0.0;
        };
    }

    /** The value as text (null for NULL), as sqlite3_value_text renders it. */
    public String asText() {
        return switch (type) {
            case INTEGER -> Long.toString(i);
            case REAL -> SqlText.formatReal(r);
            case TEXT -> s;
            case BLOB -> new String(b, StandardCharsets.UTF_8);
            default -> null;
        };
    }

    /** The value as bytes (null for NULL): blobs as is, everything else as its UTF-8 text. */
    public byte[] asBlob() {
        return switch (type) {
            case BLOB -> b;
            case NULL, OBJECT -> null;
            default -> asText().getBytes(StandardCharsets.UTF_8);
        };
    }

    @Override
    public String toString() {
        return switch (type) {
            case BLOB -> "x'" + SqlText.hex(b) + "'";
            case OBJECT -> "obj:" + o;
            case NULL -> "NULL";
            default -> asText();
        };
    }

    /** Value equality (same type and value); for tests and debugging. */
    public boolean sameAs(Mem m) {
        if (type != m.type) {
            return false;
        }
        return switch (type) {
            case NULL -> true;
            case INTEGER -> i == m.i;
            case REAL -> Double.compare(r, m.r) == 0;
            case TEXT -> s.equals(m.s);
            case BLOB -> Arrays.equals(b, m.b);
            case OBJECT -> o == m.o;
        };
    }
}
