package io.ringlite.engine.schema;

import io.ringlite.engine.sql.Expr;
import io.ringlite.vdbe.value.Affinity;

/**
 * A column of a table as declared.
 *
 * @param name         as declared (lookups ignore case)
 * @param declaredType the type as written, or null
 * @param affinity     by SQLite's rules for the declared type (datatype3 3.1)
 * @param notNull      NOT NULL constraint
 * @param defaultValue DEFAULT expression, or null
 * @param collation    COLLATE name, or null (BINARY)
 * @param primaryKey   part of the PRIMARY KEY
 * @param generated    a generated column ({@code AS (expr)}): the expression, else null
 */
public record Column(String name, String declaredType, Affinity affinity, boolean notNull, Expr defaultValue,
                     String collation, boolean primaryKey, Expr generated) {
}
