package io.ringlite.vdbe.func;

/** What a function may read of the connection that runs it (e.g. last_insert_rowid()). */
public interface FunctionContext {
    long lastInsertRowid();

    /** changes(): rows changed by the connection's most recent completed statement. */
    long lastChanges();

    /** total_changes(): rows changed since the connection opened. */
    long totalChanges();
}
