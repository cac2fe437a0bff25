package io.ringlite.engine;

/**
 * What executing one statement emits: zero or more {@link Row}s, then exactly one {@link Done}.
 */
public sealed interface Outcome permits Outcome.Row, Outcome.Done {

    /**
     * One result row. Values are {@code null}, {@link Long}, {@link Double}, {@link String} or
     * {@code byte[]} (SQLite's NULL, INTEGER, REAL, TEXT, BLOB).
     */
    record Row(Object[] values) implements Outcome {
        public int size() {
            return values.length;
        }

        public Object get(int index) {
            return values[index];
        }
    }

    /**
     * The statement finished.
     *
     * @param changes          rows inserted, updated or deleted (SQLite's sqlite3_changes())
     * @param lastInsertRowid  the connection's last insert rowid after the statement
     */
    record Done(long changes, long lastInsertRowid) implements Outcome {
    }
}
