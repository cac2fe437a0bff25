package io.ringlite.r2dbc;

import io.r2dbc.spi.Type;
import java.nio.ByteBuffer;
import java.util.Locale;

/**
 * A column's type as SQLite sees it: the affinity of its declared type, found with SQLite's rules
 * (SQLite "Datatypes In SQLite", section 3.1, applied in this order): a declared type containing
 * INT is INTEGER; containing CHAR, CLOB or TEXT is TEXT; containing BLOB, or none, is BLOB; containing
 * REAL, FLOA or DOUB is REAL; anything else is NUMERIC.
 *
 * <p>{@link #ANY} is for result columns that are expressions (no declared type) or have none: any
 * storage class may appear there. The Java type is the natural type {@code Row.get(i)} returns for
 * values of that affinity; a value can still have another storage class (SQLite is dynamically
 * typed), and {@code get(i)} always returns the value's own class.
 */
public enum RingliteType implements Type {
    INTEGER(Long.class),
    REAL(Double.class),
    TEXT(String.class),
    BLOB(ByteBuffer.class),
    NUMERIC(Object.class),
    ANY(Object.class);

    private final Class<?> javaType;

    RingliteType(Class<?> javaType) {
        this.javaType = javaType;
    }

    @Override
    public Class<?> getJavaType() {
        return javaType;
    }

    @Override
    public String getName() {
        return name();
    }

    /** The affinity of a declared column type; {@link #ANY} for null (an expression column). */
    public static RingliteType ofDeclared(String declared) {
        if (declared == null) {
            return ANY;
        }
        String t = declared.toUpperCase(Locale.ROOT);
        if (t.contains("INT")) {
            return INTEGER;
        }
        if (t.contains("CHAR") || t.contains("CLOB") || t.contains("TEXT")) {
            return TEXT;
        }
        if (t.contains("BLOB") || t.isBlank()) {
            return BLOB;
        }
        if (t.contains("REAL") || t.contains("FLOA") || t.contains("DOUB")) {
            return REAL;
        }
        return NUMERIC;
    }
}
