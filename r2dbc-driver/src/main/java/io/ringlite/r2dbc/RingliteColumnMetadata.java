package io.ringlite.r2dbc;

import io.r2dbc.spi.ColumnMetadata;
import io.r2dbc.spi.Nullability;
import io.r2dbc.spi.Type;

/**
 * One result column: its name as SQLite names it, its declared type (the native type metadata,
 * null for expressions) and that type's affinity as {@link RingliteType}. Nullability is UNKNOWN:
 * the engine does not report NOT NULL constraints of result columns.
 */
public record RingliteColumnMetadata(String name, String declaredType, RingliteType type) implements ColumnMetadata {

    public RingliteColumnMetadata(String name, String declaredType) {
        this(name, declaredType, RingliteType.ofDeclared(declaredType));
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public Type getType() {
        return type;
    }

    @Override
    public Class<?> getJavaType() {
        return type.getJavaType();
    }

    /** The declared type as written in CREATE TABLE, or null. */
    @Override
    public Object getNativeTypeMetadata() {
        return declaredType;
    }

    @Override
    public Nullability getNullability() {
        return Nullability.UNKNOWN;
    }
}
