package io.ringlite.engine.schema;

import io.ringlite.engine.sql.Expr;

/**
 * A CHECK constraint of a table.
 *
 * @param name its CONSTRAINT name, or null
 * @param expr the condition; a row violates it when it is false (NULL passes)
 * @param text the condition as written, trimmed
 */
public record CheckConstraint(String name, Expr expr, String text) {

    /** What SQLite's "CHECK constraint failed: ..." message names: the name, else the text. */
    public String label() {
        return name != null ? name : text;
    }
}
